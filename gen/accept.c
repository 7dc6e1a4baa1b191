/*
 * accept.c — the acceptance conclusions of a year (accept.h).
 *
 * The rules come from 实施方案 五(五) (检查验收) and DOMAIN.md §1.10:
 * materials by the end of November (A-01; the deadline is the year's
 * acceptance_deadline, never rolled over a weekend), the tasks of the
 * 申报书 done, the money spent as the rules say (A-04: the ledger's
 * findings, and the finance reviewer's opinion).  Failing any of them
 * means 不通过 and no support next year.  Everything the ledger
 * flags for a project is written out as a finding even when it does not
 * decide the conclusion, so that the panel sees it.
 */
#include "accept.h"

#include <stdlib.h>
#include <string.h>

static const char *S_tasks_name[] = {"全部完成", "基本完成", "未完成"};
static const char *S_fin_name[] = {"合规", "基本合规", "不合规"};

const char *xh_accept_rule(int pass)
{
	return pass ? "验收材料在截止日期前提交，任务全部完成或基本完成，财务意见为合规或基本合规，"
	              "且无禁止性支出的，验收通过（实施方案 五(五)）"
	            : "验收材料未在截止日期前提交（含未提交、未填写提交日期）、任务未完成、财务意见为"
	              "不合规（含未填写）或有禁止性支出的，验收不通过，取消下一年度扶持资格（实施方案 五(五)）";
}

static void S_add(char ***list, size_t *n, char *s)
{
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[(*n)++] = s;
}

/* A failing rule: both a reason and a finding. */
static void S_fail(xh_accept_project *p, unsigned why, char *text)
{
	p->fail |= why;
	S_add(&p->reasons, &p->nreasons, xstrdup(text));
	S_add(&p->findings, &p->nfindings, text);
}

/* The start of a payment as findings name it: "支出 记-003（2026年7月1日，";
 * the voucher and the date only when the record has them. */
static void S_payment_head(xh_buf *b, const char *kind, const char *voucher,
                           const xh_opt_date *date)
{
	xh_buf_adds(b, kind);
	if (*voucher)
		xh_buf_printf(b, " %s", voucher);
	xh_buf_adds(b, "（");
	if (date->set) {
		xh_date_cn(b, date->d);
		xh_buf_adds(b, "，");
	}
}

/* "支出 记-003（2026年7月1日，学术交流，支付会务人员工资，2,000.00元）" */
static char *S_expense(const xh_expenditure *e)
{
	xh_buf b = XH_BUF_INIT;
	S_payment_head(&b, "支出", e->voucher, &e->date);
	xh_buf_printf(&b, "%s，", e->category);
	if (*e->description)
		xh_buf_printf(&b, "%s，", e->description);
	xh_money_yuan(&b, e->amount);
	xh_buf_adds(&b, "元）");
	return xh_buf_detach(&b);
}

/* the materials, by the deadline. */
static void S_materials(const xh_year *y, xh_accept_project *p)
{
	const xh_programme *pr = &y->prog;
	if (p->record < 0) {
		S_fail(p, XH_ACC_NO_RECORD,
		       xstrdup("未提交验收材料（无验收记录），视为未在验收材料提交截止日期前提交"));
		return;
	}
	const xh_acceptance *ac = &y->acceptance[p->record];
	if (!ac->submitted.set) {
		S_fail(p, XH_ACC_NO_DATE, xstrdup("验收材料提交日期未填写，无法确认按期提交"));
		return;
	}
	if (pr->acceptance_deadline.set &&
	    xh_date_days(ac->submitted.d) > xh_date_days(pr->acceptance_deadline.d)) {
		char *s = xh_date_cn_str(ac->submitted.d),
		     *dl = xh_date_cn_str(pr->acceptance_deadline.d);
		long late = xh_date_days(ac->submitted.d) - xh_date_days(pr->acceptance_deadline.d);
		S_fail(p, XH_ACC_LATE,
		       xasprintf("验收材料于%s提交，晚于截止日期%s（逾期%ld天）", s, dl, late));
		free(s);
		free(dl);
	}
}

/* A-03 and the finance reviewer's opinion. */
static void S_opinions(const xh_year *y, xh_accept_project *p)
{
	if (p->record < 0)
		return;
	const xh_acceptance *ac = &y->acceptance[p->record];
	if (ac->tasks == XH_UNKNOWN)
		S_fail(p, XH_ACC_TASKS_EMPTY, xstrdup("任务完成情况未填写，不能认定完成"));
	else if (ac->tasks == XH_TASKS_NOT)
		S_fail(p, XH_ACC_TASKS, xstrdup("任务完成情况为“未完成”"));
	else if (ac->tasks == XH_TASKS_MOST)
		S_add(&p->findings, &p->nfindings,
		      xstrdup("任务基本完成：申报书确定的目标任务未全部完成，请在验收意见中写明未完成部分"));
	if (ac->finance == XH_UNKNOWN)
		S_fail(p, XH_ACC_FIN_EMPTY, xstrdup("财务意见未填写，不能认定合规"));
	else if (ac->finance == XH_FIN_NOT)
		S_fail(p, XH_ACC_FINANCE, xstrdup("财务意见为“不合规”"));
	else if (ac->finance == XH_FIN_MOSTLY)
		S_add(&p->findings, &p->nfindings,
		      xstrdup("财务意见为“基本合规”：经费使用存在需整改的问题"));
}

/* what the ledger found in this project's payments and spending,
 * then the project's money as a whole. */
static void S_money(const xh_accept *a, xh_accept_project *p)
{
	const xh_year *y = a->y;
	const xh_ledger *l = a->l;
	const xh_allocation *al = &l->alloc[p->alloc];
	for (size_t i = 0; i < y->nexpenditures; i++) {
		const xh_expenditure *e = &y->expenditures[i];
		if (e->application != p->application || !l->exp_reason[i])
			continue;
		char *what = S_expense(e);
		if (l->exp_flags[i] & XH_EXP_FORBIDDEN) {
			p->nforbidden++;
			p->forbidden += e->amount;
			p->fail |= XH_ACC_FORBIDDEN;
		}
		S_add(&p->findings, &p->nfindings, xasprintf("%s：%s", what, l->exp_reason[i]));
		free(what);
	}
	if (p->nforbidden) {
		char *sum = xh_money_yuan_str(p->forbidden);
		S_add(&p->reasons, &p->nreasons,
		      xasprintf("有禁止性支出%zu笔，共%s元", p->nforbidden, sum));
		free(sum);
	}
	for (size_t i = 0; i < y->ndisbursements; i++) {
		const xh_disbursement *d = &y->disbursements[i];
		if (d->application != p->application || !l->dis_reason[i])
			continue;
		xh_buf b = XH_BUF_INIT;
		S_payment_head(&b, "拨付", d->voucher, &d->date);
		xh_money_yuan(&b, d->amount);
		xh_buf_printf(&b, "元）：%s", l->dis_reason[i]);
		S_add(&p->findings, &p->nfindings, xh_buf_detach(&b));
	}
	/* spending by category against the budget lines */
	for (size_t c = 0; c < al->ncats; c++) {
		const xh_category_sum *cs = &al->cats[c];
		if (cs->budget > 0 && cs->spent > cs->budget) {
			char *s = xh_money_yuan_str(cs->spent),
			     *bu = xh_money_yuan_str(cs->budget),
			     *o = xh_money_yuan_str(cs->spent - cs->budget);
			S_add(&p->findings, &p->nfindings,
			      xasprintf("经费类别“%s”支出%s元，超过预算%s元，超出%s元", cs->category, s, bu, o));
			free(s);
			free(bu);
			free(o);
		}
	}
	if (al->payments == 0)
		S_add(&p->findings, &p->nfindings, xstrdup("未拨付资金（无拨付记录）"));
	else if (al->disbursed < al->approved) {
		char *d = xh_money_yuan_str(al->disbursed), *ap = xh_money_yuan_str(al->approved);
		S_add(&p->findings, &p->nfindings, xasprintf("已拨付%s元，少于核定金额%s元", d, ap));
		free(d);
		free(ap);
	}
	if (al->spent > al->disbursed) {
		char *s = xh_money_yuan_str(al->spent),
		     *d = xh_money_yuan_str(al->disbursed),
		     *o = xh_money_yuan_str(al->spent - al->disbursed);
		S_add(&p->findings, &p->nfindings,
		      xasprintf("支出合计%s元，超过已拨付金额%s元，超出%s元", s, d, o));
		free(s);
		free(d);
		free(o);
	} else if (al->disbursed > al->spent) {
		char *bal = xh_money_yuan_str(al->disbursed - al->spent);
		size_t nexp = 0;
		for (size_t i = 0; i < y->nexpenditures; i++)
			nexp += y->expenditures[i].application == p->application;
		S_add(&p->findings, &p->nfindings,
		      nexp ? xasprintf("结余资金%s元（已拨付−已支出）", bal)
		           : xasprintf("无支出记录，结余资金%s元（即已拨付金额）", bal));
		free(bal);
	}
}

xh_accept *xh_accept_run(const xh_year *y, const xh_review *r)
{
	xh_accept *a = xcalloc(1, sizeof(*a));
	a->y = y;
	a->r = r;
	a->l = xh_ledger_run(y, r);
	const xh_ledger *l = a->l;
	a->np = l->nalloc;
	a->p = xcalloc(a->np + 1, sizeof(*a->p));
	int *rec = xmalloc((y->napplications + 1) * sizeof(int));
	for (size_t i = 0; i < y->napplications; i++)
		rec[i] = -1;
	for (size_t k = 0; k < y->nacceptance; k++) {
		int app = y->acceptance[k].application;
		if (app >= 0 && (size_t)app < y->napplications && l->alloc_of[app] >= 0) {
			rec[app] = (int)k;
		} else {
			a->unapproved = xrealloc(a->unapproved, (a->nunapproved + 1) * sizeof(int));
			a->unapproved[a->nunapproved++] = (int)k;
		}
	}
	for (size_t k = 0; k < a->np; k++) {
		xh_accept_project *p = &a->p[k];
		const xh_allocation *al = &l->alloc[k];
		p->alloc = (int)k;
		p->application = al->application;
		p->record = rec[al->application];
		p->panel = p->record >= 0 ? y->acceptance[p->record].conclusion : XH_UNKNOWN;
		S_materials(y, p);
		S_opinions(y, p);
		S_money(a, p);
		p->rules_pass = p->fail == 0;
		p->pass = p->panel == XH_UNKNOWN ? p->rules_pass : p->panel == XH_CONC_PASS;
		p->disagree = p->panel != XH_UNKNOWN && p->pass != p->rules_pass;
		int cls = y->applications[p->application].cls;
		if (cls < 0 || cls >= XH_NCLASS)
			cls = XH_CLASS_A;
		if (p->pass) {
			a->npass++;
			a->npass_class[cls]++;
		} else {
			a->nfail++;
			a->nfail_class[cls]++;
		}
		a->ndisagree += p->disagree != 0;
		a->approved += al->approved;
		a->disbursed += al->disbursed;
		a->spent += al->spent;
	}
	free(rec);
	return a;
}

void xh_accept_free(xh_accept *a)
{
	if (!a)
		return;
	for (size_t k = 0; k < a->np; k++) {
		for (size_t i = 0; i < a->p[k].nreasons; i++)
			free(a->p[k].reasons[i]);
		free(a->p[k].reasons);
		for (size_t i = 0; i < a->p[k].nfindings; i++)
			free(a->p[k].findings[i]);
		free(a->p[k].findings);
	}
	free(a->p);
	free(a->unapproved);
	xh_ledger_free(a->l);
	free(a);
}

const char *xh_accept_tasks_name(int v)
{
	return v >= 0 && v < 3 ? S_tasks_name[v] : "未填写";
}

const char *xh_accept_finance_name(int v)
{
	return v >= 0 && v < 3 ? S_fin_name[v] : "未填写";
}
