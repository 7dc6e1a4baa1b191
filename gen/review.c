/*
 * review.c — the rules of the formal review and the selection (review.h).
 *
 * Each rule cites the clause of the seed it implements, 《威海市学会创新和
 * 服务能力提升工程实施方案（2025年2月修订）》 (shared/seed/), so that a rule
 * can be checked against the next edition.  Where the seed leaves a
 * decision open, the decision is ours and is stated here, in the README
 * and in the workbook's 规则说明 sheet:
 *
 *   - every date is judged against the application deadline, never today;
 *   - election due = last election + term years (5 when not given);
 *   - "近两年" = the two years before the deadline (the data records the
 *     judgement as a yes/no field);
 *   - inspection 合格 passes, 基本合格 and 未参检 fail, 不合格 vetoes;
 *   - a society listed in `ineligible` with year Y−1 is vetoed in year Y;
 *   - a yes/no or count the data does not give fails its rule ("未填写"):
 *     nothing is assumed in a society's favour.
 */
#include "review.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdlib.h>
#include <string.h>

static const xh_rule S_rules[] = {
	/* eligibility of the society (实施方案 四(二) 申报条件, 5 一票否决项) */
	{"V-0", "上年度验收", "实施方案 五(五)", "ineligible.society, ineligible.year",
	 "上年度结项验收未通过的学会，取消本年度扶持资格（一票否决）"},
	{"V-2", "党组织", "实施方案 四(二)1、5(2)", "societies.party_org",
	 "应按《学会章程》设立党组织；未设立的一票否决"},
	{"E-04", "党组织活动", "实施方案 四(二)1", "societies.party_quarters",
	 "上年度每季度至少开展一次党的活动（4个季度）"},
	{"E-05", "党建四有", "实施方案 四(二)1", "societies.party_four_haves",
	 "党组织有场所、有设施、有标志、有制度"},
	{"E-07", "理事会监事会秘书处", "实施方案 四(二)1", "societies.council_complete",
	 "理事会、监事会或监事、秘书处健全"},
	{"V-1a", "按时换届", "实施方案 四(二)1、5(1)",
	 "societies.last_election, term_years, election_extension",
	 "按时换届或按规定报批延时换届；无故不按时换届的一票否决（以申报截止日判断）"},
	{"E-09", "办公场所与独立核算", "实施方案 四(二)2", "societies.office, independent_accounts",
	 "有固定的办公场所；有独立财务，能独立核算"},
	{"V-1b", "年检", "实施方案 四(二)4、5(1)", "societies.inspection",
	 "每年按要求年检且年检合格；基本合格、未参检不通过，不合格一票否决"},
	{"V-3", "违法违纪", "实施方案 四(二)5(3)", "societies.violation",
	 "近两年内有违法违纪问题或受到通报批评、处罚的一票否决"},
	{"V-4", "无故缺席", "实施方案 四(二)5(4)", "societies.absences; programme.absence_limit",
	 "屡次无故不参加市科协组织的活动的一票否决（达到 absence_limit 次）"},
	/* the application (实施方案 五) */
	{"P-01", "申请金额", "实施方案 五", "applications.class, amount; programme.caps",
	 "原则上A类不超过5万元，B类、推广类不超过2万元；超过的提示并按上限拟资助"},
	{"P-02", "预算合计", "实施方案 五(一)", "budget_lines.amount; applications.amount",
	 "经费预算明细合计等于申请金额"},
	{"P-03", "经费类别", "实施方案 五(四)", "budget_lines.category; programme.allowed_categories",
	 "预算只用于党建、学术交流、科学普及、技术服务、咨询服务、承接政府委托、双创活动、项目运行"},
	{"P-04", "禁止性支出", "实施方案 五(四)", "budget_lines.category, note; programme.forbidden_spending",
	 "不得用于对外投资、罚款、还贷、捐款、赞助、人员工资、福利、奖金等"},
	{"P-05", "实施周期", "实施方案 五(五)",
	 "applications.start, end; programme.year, acceptance_deadline",
	 "项目起止日期在本年度内，并在完成期限（acceptance_deadline，11月底）前结束"},
	{"P-06", "按时申报", "申报通知", "applications.submitted; programme.application_deadline",
	 "在申报截止日前提交"},
	{"P-07", "材料齐全", "实施方案 五(二)", "applications.materials_complete",
	 "申报材料齐全（形式审查人员核对）"},
	{"P-08", "材料真实", "实施方案 五(二)", "applications.materials_authentic",
	 "申报材料真实（形式审查人员核对）"},
};
#define NRULES (sizeof(S_rules) / sizeof(S_rules[0]))

const xh_rule *xh_rules(size_t *n)
{
	*n = NRULES;
	return S_rules;
}

const char *xh_verdict_name(xh_verdict v)
{
	switch (v) {
	case XH_V_PASS: return "通过";
	case XH_V_WARN: return "提示";
	case XH_V_FAIL: return "不通过";
	case XH_V_VETO: return "一票否决";
	}
	return "?";
}

const char *xh_selection_name(xh_selection s)
{
	switch (s) {
	case XH_SEL_PROPOSED: return "拟立项";
	case XH_SEL_REVIEW: return "形式审查未通过";
	case XH_SEL_FEW_SCORES: return "评分专家不足";
	case XH_SEL_LOW_SCORE: return "未达合格分";
	case XH_SEL_BUDGET: return "经费不足未资助";
	}
	return "?";
}

static void S_set(xh_finding *f, xh_verdict v, char *reason)
{
	f->v = v;
	free(f->reason);
	f->reason = reason ? reason : xstrdup("");
}

/* ---- the society's eligibility ---- */

static void S_yesno(xh_finding *f, int v, const char *no, xh_verdict fail)
{
	if (v == 1)
		S_set(f, XH_V_PASS, NULL);
	else if (v == 0)
		S_set(f, fail, xstrdup(no));
	else
		S_set(f, XH_V_FAIL, xstrdup("未填写"));
}

static void S_society(const xh_year *y, const xh_society *s, xh_finding *f)
{
	const xh_programme *p = &y->prog;
	/* V-0 */
	S_set(&f[0], XH_V_PASS, NULL);
	for (size_t i = 0; i < y->nineligible; i++)
		if (!strcmp(y->ineligible[i].society_id, s->id) && y->ineligible[i].year == p->year - 1) {
			S_set(&f[0], XH_V_VETO,
			      xasprintf("%d年度验收未通过，取消%d年度扶持资格%s%s", y->ineligible[i].year,
			                p->year, *y->ineligible[i].reason ? "：" : "",
			                y->ineligible[i].reason));
			break;
		}
	/* V-2 */
	if (s->party_org == XH_UNKNOWN)
		S_set(&f[1], XH_V_FAIL, xstrdup("党组织未填写"));
	else if (s->party_org == XH_PARTY_NONE)
		S_set(&f[1], XH_V_VETO, xstrdup("未设立党组织"));
	else
		S_set(&f[1], XH_V_PASS, NULL);
	/* E-04 */
	if (s->party_quarters == XH_UNKNOWN)
		S_set(&f[2], XH_V_FAIL, xstrdup("未填写"));
	else if (s->party_quarters < 4)
		S_set(&f[2], XH_V_FAIL, xasprintf("上年度仅%d个季度开展党组织活动", s->party_quarters));
	else
		S_set(&f[2], XH_V_PASS, NULL);
	S_yesno(&f[3], s->party_four_haves, "党组织“四有”不全", XH_V_FAIL);
	S_yesno(&f[4], s->council_complete, "理事会、监事会或监事、秘书处不健全", XH_V_FAIL);
	/* V-1a: due = last election + term, judged at the deadline */
	if (!s->last_election.set) {
		S_set(&f[5], XH_V_FAIL, xstrdup("上次换届日期未填写"));
	} else if (!p->application_deadline.set) {
		S_set(&f[5], XH_V_FAIL, xstrdup("programme.xml 未设申报截止日，无法判断"));
	} else {
		xh_date due = s->last_election.d;
		due.y += s->term_years;
		if (due.m == 2 && due.d == 29 && !xh_date_valid(due))
			due.d = 28;
		char *ds = xh_date_cn_str(due);
		if (xh_date_days(due) >= xh_date_days(p->application_deadline.d))
			S_set(&f[5], XH_V_PASS, NULL);
		else if (s->election_extension == 1)
			S_set(&f[5], XH_V_PASS, xasprintf("应于%s前换届，已报批延期换届", ds));
		else
			S_set(&f[5], XH_V_VETO, xasprintf("应于%s前换届，逾期且未报批延期", ds));
		free(ds);
	}
	/* E-09 */
	if (s->office == 1 && s->independent_accounts == 1)
		S_set(&f[6], XH_V_PASS, NULL);
	else if (s->office == XH_UNKNOWN || s->independent_accounts == XH_UNKNOWN)
		S_set(&f[6], XH_V_FAIL, xstrdup("未填写"));
	else
		S_set(&f[6], XH_V_FAIL, xstrdup(s->office == 0 && s->independent_accounts == 0
		                                    ? "无固定办公场所，且未独立核算"
		                                : s->office == 0 ? "无固定办公场所"
		                                                 : "未独立财务核算"));
	/* V-1b */
	switch (s->inspection) {
	case XH_INSP_PASS: S_set(&f[7], XH_V_PASS, NULL); break;
	case XH_INSP_BASIC: S_set(&f[7], XH_V_FAIL, xstrdup("上年度年检基本合格（须合格）")); break;
	case XH_INSP_ABSENT: S_set(&f[7], XH_V_FAIL, xstrdup("上年度未参加年检")); break;
	case XH_INSP_FAIL: S_set(&f[7], XH_V_VETO, xstrdup("上年度年检不合格")); break;
	default: S_set(&f[7], XH_V_FAIL, xstrdup("年检结论未填写")); break;
	}
	/* V-3 */
	if (s->violation == 1)
		S_set(&f[8], XH_V_VETO, xstrdup("近两年内有违法违纪或通报批评、处罚"));
	else if (s->violation == 0)
		S_set(&f[8], XH_V_PASS, NULL);
	else
		S_set(&f[8], XH_V_FAIL, xstrdup("未填写"));
	/* V-4 */
	if (s->absences == XH_UNKNOWN)
		S_set(&f[9], XH_V_FAIL, xstrdup("未填写"));
	else if (s->absences >= p->absence_limit)
		S_set(&f[9], XH_V_VETO, xasprintf("无故不参加市科协活动%d次（%d次及以上为屡次）",
		                                   s->absences, p->absence_limit));
	else
		S_set(&f[9], XH_V_PASS, NULL);
}

/* ---- the application ---- */

static int S_allowed(const xh_programme *p, const char *cat)
{
	for (size_t i = 0; i < p->ncategories; i++)
		if (!strcmp(p->categories[i], cat))
			return 1;
	return 0;
}

static const char *S_forbidden(const xh_programme *p, const char *text, pcre2_match_data *md)
{
	for (size_t i = 0; i < p->nforbidden; i++)
		if (p->forbidden[i].re &&
		    pcre2_match(p->forbidden[i].re, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL) >= 0)
			return p->forbidden[i].reason;
	return NULL;
}

static void S_application(const xh_year *y, size_t ai, xh_finding *f, pcre2_match_data *md)
{
	const xh_programme *p = &y->prog;
	const xh_application *a = &y->applications[ai];
	/* P-01: the cap is "原则上": above it is a note, and the proposal is capped */
	if (a->amount > p->cap[a->cls]) {
		char *amt = xh_money_yuan_str(a->amount), *cap = xh_money_yuan_str(p->cap[a->cls]);
		S_set(&f[0], XH_V_WARN, xasprintf("申请%s元，超过%s类上限%s元，按上限拟资助",
		                                  amt, xh_class_name(a->cls), cap));
		free(amt);
		free(cap);
	} else {
		S_set(&f[0], XH_V_PASS, NULL);
	}
	/* P-02, P-03, P-04 over the budget lines */
	xh_fen sum = 0;
	size_t nlines = 0;
	xh_buf badcat = XH_BUF_INIT, forb = XH_BUF_INIT;
	for (size_t i = 0; i < y->nbudget_lines; i++) {
		const xh_budget_line *b = &y->budget_lines[i];
		if (b->application != (int)ai)
			continue;
		nlines++;
		sum += b->amount;
		if (!S_allowed(p, b->category))
			xh_buf_printf(&badcat, "%s第%lu行“%s”", badcat.len ? "；" : "", b->row, b->category);
		char *text = xasprintf("%s %s", b->category, b->note);
		const char *why = S_forbidden(p, text, md);
		if (why)
			xh_buf_printf(&forb, "%s第%lu行“%s%s%s”属%s", forb.len ? "；" : "", b->row,
			              b->category, *b->note ? "：" : "", b->note, why);
		free(text);
	}
	if (!nlines) {
		S_set(&f[1], XH_V_FAIL, xstrdup("无经费预算明细"));
	} else if (sum != a->amount) {
		char *s1 = xh_money_yuan_str(sum), *s2 = xh_money_yuan_str(a->amount);
		S_set(&f[1], XH_V_FAIL, xasprintf("预算明细合计%s元，申请金额%s元", s1, s2));
		free(s1);
		free(s2);
	} else {
		S_set(&f[1], XH_V_PASS, NULL);
	}
	if (badcat.len)
		S_set(&f[2], XH_V_FAIL, xasprintf("类别不在允许范围：%s", xh_buf_cstr(&badcat)));
	else
		S_set(&f[2], XH_V_PASS, NULL);
	if (forb.len)
		S_set(&f[3], XH_V_FAIL, xh_buf_detach(&forb));
	else
		S_set(&f[3], XH_V_PASS, NULL);
	xh_buf_free(&badcat);
	xh_buf_free(&forb);
	/* P-05: the period lies in the programme year */
	if (!a->start.set || !a->end.set) {
		S_set(&f[4], XH_V_FAIL, xstrdup("起止日期未填写"));
	} else if (a->start.d.y != p->year || a->end.d.y != p->year ||
	           xh_date_days(a->start.d) > xh_date_days(a->end.d)) {
		char *s1 = xh_date_cn_str(a->start.d), *s2 = xh_date_cn_str(a->end.d);
		S_set(&f[4], XH_V_FAIL, xasprintf("实施周期%s至%s，不在%d年度内", s1, s2, p->year));
		free(s1);
		free(s2);
	} else if (p->acceptance_deadline.set &&
	           xh_date_days(a->end.d) > xh_date_days(p->acceptance_deadline.d)) {
		/* 实施方案 五(五): 11月底前完成相关工作 */
		char *s1 = xh_date_cn_str(a->end.d), *s2 = xh_date_cn_str(p->acceptance_deadline.d);
		S_set(&f[4], XH_V_FAIL, xasprintf("结束日期%s晚于完成期限%s", s1, s2));
		free(s1);
		free(s2);
	} else {
		S_set(&f[4], XH_V_PASS, NULL);
	}
	/* P-06 */
	if (!a->submitted.set) {
		S_set(&f[5], XH_V_FAIL, xstrdup("提交日期未填写"));
	} else if (p->application_deadline.set &&
	           xh_date_days(a->submitted.d) > xh_date_days(p->application_deadline.d)) {
		char *s1 = xh_date_cn_str(a->submitted.d),
		     *s2 = xh_date_cn_str(p->application_deadline.d);
		S_set(&f[5], XH_V_FAIL, xasprintf("%s提交，晚于申报截止日%s", s1, s2));
		free(s1);
		free(s2);
	} else {
		S_set(&f[5], XH_V_PASS, NULL);
	}
	S_yesno(&f[6], a->materials_complete, "申报材料不齐全", XH_V_FAIL);
	S_yesno(&f[7], a->materials_authentic, "申报材料不真实", XH_V_FAIL);
}

/* ---- selection ---- */

static int S_key_industry(const xh_programme *p, const char *industry)
{
	if (!*industry)
		return 0;
	for (size_t i = 0; i < p->nindustries; i++)
		if (!strcmp(p->industries[i], industry))
			return 1;
	return 0;
}

typedef struct {
	const xh_year *y;
	const xh_review *r;
} S_ctx;

/* Ranking order: mean score high to low (compared exactly as fractions),
 * key industry first among equals (实施方案: 同等条件下优先支持…), then the
 * earlier submission, then the lower id. */
static int S_rank_cmp(const void *pa, const void *pb, void *ctx)
{
	const S_ctx *c = ctx;
	int ia = *(const int *)pa, ib = *(const int *)pb;
	const xh_app_result *a = &c->r->app[ia], *b = &c->r->app[ib];
	long long l = (long long)a->score_sum * b->nscores, rr = (long long)b->score_sum * a->nscores;
	if (l != rr)
		return l > rr ? -1 : 1;
	if (a->key_industry != b->key_industry)
		return a->key_industry ? -1 : 1;
	const xh_application *x = &c->y->applications[ia], *z = &c->y->applications[ib];
	long dx = x->submitted.set ? xh_date_days(x->submitted.d) : 0;
	long dz = z->submitted.set ? xh_date_days(z->submitted.d) : 0;
	if (dx != dz)
		return dx < dz ? -1 : 1;
	return strcmp(x->id, z->id);
}

static int S_id_cmp(const void *pa, const void *pb, void *ctx)
{
	const xh_year *y = ctx;
	return strcmp(y->applications[*(const int *)pa].id, y->applications[*(const int *)pb].id);
}

static void S_select(xh_review *r)
{
	const xh_year *y = r->y;
	const xh_programme *p = &y->prog;
	size_t n = y->napplications;
	int *ranked = xmalloc((n + 1) * sizeof(int)), *rest = xmalloc((n + 1) * sizeof(int));
	size_t nr = 0, nrest = 0;
	for (size_t i = 0; i < y->nscores; i++) {
		int a = y->scores[i].application;
		if (a >= 0) {
			r->app[a].nscores++;
			r->app[a].score_sum += y->scores[i].tenths;
		}
	}
	for (size_t i = 0; i < n; i++) {
		xh_app_result *ar = &r->app[i];
		const xh_application *a = &y->applications[i];
		ar->key_industry = a->society >= 0 && S_key_industry(p, y->societies[a->society].industry);
		if (ar->nscores)
			/* tenths / n, in hundredths, rounded half up */
			ar->mean_hundredths = (int)((ar->score_sum * 20 / ar->nscores + 1) / 2);
		if (ar->overall >= XH_V_FAIL) {
			/* the vetoes and failures, so the list says why */
			xh_buf why = XH_BUF_INIT;
			xh_buf_printf(&why, "%s：", xh_verdict_name(ar->overall));
			int first = 1;
			for (size_t k = 0; k < r->nrules; k++) {
				const xh_finding *f = &r->f[i * r->nrules + k];
				if (f->v < XH_V_FAIL)
					continue;
				xh_buf_printf(&why, "%s%s %s", first ? "" : "；", r->rules[k].id, f->reason);
				first = 0;
			}
			ar->sel = XH_SEL_REVIEW;
			ar->note = xh_buf_detach(&why);
		} else if (ar->nscores < p->min_experts) {
			ar->sel = XH_SEL_FEW_SCORES;
			ar->note = xasprintf("评分专家%d人，少于%d人", ar->nscores, p->min_experts);
		} else if (ar->score_sum < (long)p->pass_tenths * ar->nscores) {
			ar->sel = XH_SEL_LOW_SCORE;
			ar->note = xasprintf("平均分%d.%02d，低于合格分%d.%d", ar->mean_hundredths / 100,
			                     ar->mean_hundredths % 100, p->pass_tenths / 10, p->pass_tenths % 10);
		} else {
			ranked[nr++] = (int)i;
			continue;
		}
		rest[nrest++] = (int)i;
	}
	S_ctx c = {y, r};
	if (nr)
		qsort_r(ranked, nr, sizeof(int), S_rank_cmp, &c);
	if (nrest)
		qsort_r(rest, nrest, sizeof(int), S_id_cmp, (void *)y);
	xh_fen total = 0;
	for (size_t k = 0; k < nr; k++) {
		int i = ranked[k];
		xh_app_result *ar = &r->app[i];
		const xh_application *a = &y->applications[i];
		ar->rank = (int)k + 1;
		xh_fen want = a->amount < p->cap[a->cls] ? a->amount : p->cap[a->cls];
		xh_fen over_total = total + want - p->budget;
		xh_fen over_class = p->has_class_budget[a->cls]
		                        ? r->proposed_class[a->cls] + want - p->class_budget[a->cls]
		                        : 0;
		if (over_total > 0 || over_class > 0) {
			/* it does not fit; a smaller one further down still may */
			ar->sel = XH_SEL_BUDGET;
			ar->shortfall = over_total > over_class ? over_total : over_class;
			char *need = xh_money_yuan_str(want),
			     *short_ = xh_money_yuan_str(ar->shortfall);
			ar->note = xasprintf("拟资助%s元超出%s剩余经费，差%s元", need,
			                     over_total >= over_class ? "年度" : "本类别", short_);
			free(need);
			free(short_);
			ar->running = total;
			continue;
		}
		ar->sel = XH_SEL_PROPOSED;
		ar->proposed = want;
		total += want;
		r->proposed_class[a->cls] += want;
		ar->running = total;
		if (want < a->amount) {
			char *cap = xh_money_yuan_str(want);
			ar->note = xasprintf("申请金额超过类别上限，按上限%s元拟资助", cap);
			free(cap);
		}
	}
	r->proposed_total = total;
	r->order = xmalloc((n + 1) * sizeof(int));
	memcpy(r->order, ranked, nr * sizeof(int));
	memcpy(r->order + nr, rest, nrest * sizeof(int));
	for (size_t i = 0; i < n; i++)
		if (!r->app[i].note)
			r->app[i].note = xstrdup("");
	free(ranked);
	free(rest);
}

xh_review *xh_review_run(const xh_year *y)
{
	xh_review *r = xcalloc(1, sizeof(*r));
	r->y = y;
	r->rules = S_rules;
	r->nrules = NRULES;
	size_t n = y->napplications;
	r->f = xcalloc(n * NRULES + 1, sizeof(*r->f));
	r->app = xcalloc(n + 1, sizeof(*r->app));
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	for (size_t i = 0; i < n; i++) {
		xh_finding *f = &r->f[i * NRULES];
		const xh_application *a = &y->applications[i];
		/* 10 society rules, then 8 application rules */
		S_society(y, &y->societies[a->society], f);
		S_application(y, i, f + 10, md);
		xh_verdict worst = XH_V_PASS;
		for (size_t k = 0; k < NRULES; k++)
			if (f[k].v > worst)
				worst = f[k].v;
		r->app[i].overall = worst;
	}
	pcre2_match_data_free(md);
	S_select(r);
	return r;
}

void xh_review_free(xh_review *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->y->napplications * r->nrules; i++)
		free(r->f[i].reason);
	free(r->f);
	for (size_t i = 0; i < r->y->napplications; i++)
		free(r->app[i].note);
	free(r->app);
	free(r->order);
	free(r);
}

/* ---- eligibility of a society on its own (the pack) ---- */

#define NSOCIETY_RULES 10 /* V-0 … V-4, the first rules of S_rules */

int xh_review_society_eligible(const xh_year *y, size_t i, char **why)
{
	xh_finding f[NSOCIETY_RULES] = {{0}};
	S_society(y, &y->societies[i], f);
	xh_buf b = XH_BUF_INIT;
	for (size_t k = 0; k < NSOCIETY_RULES; k++) {
		if (f[k].v == XH_V_VETO)
			xh_buf_printf(&b, "%s%s %s：%s", b.len ? "；" : "", S_rules[k].id, S_rules[k].title,
			              f[k].reason);
		free(f[k].reason);
	}
	int ok = b.len == 0;
	if (why)
		*why = ok ? NULL : xh_buf_detach(&b);
	xh_buf_free(&b);
	return ok;
}
