/*
 * ledger.c — allocations, payments and the spending rules (ledger.h).
 *
 * Who is approved: when the year has a decisions file (the 党组会), it is
 * the record — an application is approved exactly when its row says so,
 * at the row's amount, or at the proposed amount when the row gives none.
 * Without decisions the review's proposed list stands (SCHEMA.md "Output
 * of a year").
 *
 * The spending rules, each from 实施方案 五(三)(四) unless said:
 *   - a payment is made once (一次性拨付): a second payment is flagged, and
 *     so is any payment beyond the approved amount;
 *   - spending only on the listed purposes (allowed_categories), never on
 *     what the forbidden-spending patterns describe (对外投资, 罚款, …);
 *   - spending follows the approved budget (the project's budget lines);
 *   - spending falls inside the project's period (its start and end);
 *   - spending does not exceed what was paid (S-04 of DOMAIN.md): in date
 *     order, the expense that takes the total beyond the payments and
 *     every one after it are flagged.
 */
#include "ledger.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdlib.h>
#include <string.h>

static void S_reason(char **dst, const char *fmt, const char *a)
{
	char *add = xasprintf(fmt, a);
	if (*dst) {
		char *j = xasprintf("%s；%s", *dst, add);
		free(*dst);
		free(add);
		*dst = j;
	} else {
		*dst = add;
	}
}

static xh_category_sum *S_cat(xh_allocation *a, const char *cat, size_t *cap)
{
	for (size_t i = 0; i < a->ncats; i++)
		if (!strcmp(a->cats[i].category, cat))
			return &a->cats[i];
	XH_GROW(a->cats, *cap, a->ncats + 1);
	xh_category_sum *c = &a->cats[a->ncats++];
	c->category = xstrdup(cat);
	c->budget = c->spent = 0;
	return c;
}

static int S_allowed(const xh_programme *p, const char *cat)
{
	for (size_t i = 0; i < p->ncategories; i++)
		if (!strcmp(p->categories[i], cat))
			return 1;
	return 0;
}

/* Records of a project in date order, then file order (an undated one
 * first). */
static int S_by_app_date(int app_a, const xh_opt_date *da_, unsigned long row_a, int app_b,
                         const xh_opt_date *db_, unsigned long row_b)
{
	if (app_a != app_b)
		return app_a < app_b ? -1 : 1;
	long da = da_->set ? xh_date_days(da_->d) : 0, db = db_->set ? xh_date_days(db_->d) : 0;
	if (da != db)
		return da < db ? -1 : 1;
	return row_a < row_b ? -1 : row_a > row_b;
}

static int S_exp_cmp(const void *pa, const void *pb, void *ctx)
{
	const xh_year *y = ctx;
	const xh_expenditure *a = &y->expenditures[*(const size_t *)pa];
	const xh_expenditure *b = &y->expenditures[*(const size_t *)pb];
	return S_by_app_date(a->application, &a->date, a->row, b->application, &b->date, b->row);
}

static int S_dis_cmp(const void *pa, const void *pb, void *ctx)
{
	const xh_year *y = ctx;
	const xh_disbursement *a = &y->disbursements[*(const size_t *)pa];
	const xh_disbursement *b = &y->disbursements[*(const size_t *)pb];
	return S_by_app_date(a->application, &a->date, a->row, b->application, &b->date, b->row);
}

/* Allocation order: class A, B, 推广, then the review's ranking, then id. */
static int S_alloc_cmp(const void *pa, const void *pb, void *ctx)
{
	const xh_ledger *l = ctx;
	const xh_allocation *a = pa, *b = pb;
	const xh_application *x = &l->y->applications[a->application];
	const xh_application *z = &l->y->applications[b->application];
	if (x->cls != z->cls)
		return x->cls < z->cls ? -1 : 1;
	int ra = l->r->app[a->application].rank, rb = l->r->app[b->application].rank;
	if ((ra > 0) != (rb > 0))
		return ra > 0 ? -1 : 1;
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(x->id, z->id);
}

static void S_allocations(xh_ledger *l)
{
	const xh_year *y = l->y;
	size_t n = y->napplications, cap = 0;
	int have_decisions = 0;
	for (size_t t = 0; t < 16; t++)
		if (y->file[t] && strstr(y->file[t], "/decisions."))
			have_decisions = 1;
	for (size_t i = 0; i < n; i++) {
		const xh_application *a = &y->applications[i];
		const xh_app_result *ar = &l->r->app[i];
		int approved = 0, from_decision = 0;
		xh_fen amount = 0;
		if (have_decisions) {
			for (size_t k = 0; k < y->ndecisions; k++) {
				const xh_decision *d = &y->decisions[k];
				if (d->application != (int)i || d->approved != 1)
					continue;
				approved = from_decision = 1;
				amount = d->has_amount ? d->amount
				         : ar->proposed ? ar->proposed
				         : (a->amount < y->prog.cap[a->cls] ? a->amount : y->prog.cap[a->cls]);
			}
		} else if (ar->sel == XH_SEL_PROPOSED) {
			approved = 1;
			amount = ar->proposed;
		}
		if (!approved)
			continue;
		XH_GROW(l->alloc, cap, l->nalloc + 1);
		xh_allocation *al = &l->alloc[l->nalloc++];
		memset(al, 0, sizeof(*al));
		al->application = (int)i;
		al->from_decision = from_decision;
		al->requested = a->amount;
		al->approved = amount;
	}
	if (l->nalloc > 1)
		qsort_r(l->alloc, l->nalloc, sizeof(*l->alloc), S_alloc_cmp, l);
	for (size_t k = 0; k < l->nalloc; k++) {
		l->alloc_of[l->alloc[k].application] = (int)k;
		l->approved_total += l->alloc[k].approved;
		l->approved_class[y->applications[l->alloc[k].application].cls] += l->alloc[k].approved;
	}
}

xh_ledger *xh_ledger_run(const xh_year *y, const xh_review *r)
{
	xh_ledger *l = xcalloc(1, sizeof(*l));
	l->y = y;
	l->r = r;
	l->alloc_of = xmalloc((y->napplications + 1) * sizeof(int));
	for (size_t i = 0; i < y->napplications; i++)
		l->alloc_of[i] = -1;
	S_allocations(l);
	const xh_programme *p = &y->prog;

	/* budget lines give each allocation its categories */
	size_t *catcap = xcalloc(l->nalloc + 1, sizeof(size_t));
	for (size_t i = 0; i < y->nbudget_lines; i++) {
		const xh_budget_line *b = &y->budget_lines[i];
		int k = b->application >= 0 ? l->alloc_of[b->application] : -1;
		if (k >= 0)
			S_cat(&l->alloc[k], b->category, &catcap[k])->budget += b->amount;
	}
	/* the first nbudgeted[k] categories of an allocation are its budget's */
	size_t *nbudgeted = xcalloc(l->nalloc + 1, sizeof(size_t));
	for (size_t k = 0; k < l->nalloc; k++)
		nbudgeted[k] = l->alloc[k].ncats;

	/* payments: once, never beyond the approved amount */
	l->dis_flags = xcalloc(y->ndisbursements + 1, sizeof(*l->dis_flags));
	l->dis_reason = xcalloc(y->ndisbursements + 1, sizeof(*l->dis_reason));
	size_t *ord = xmalloc((y->ndisbursements + 1) * sizeof(size_t));
	for (size_t i = 0; i < y->ndisbursements; i++)
		ord[i] = i;
	if (y->ndisbursements > 1)
		qsort_r(ord, y->ndisbursements, sizeof(size_t), S_dis_cmp, (void *)y);
	for (size_t j = 0; j < y->ndisbursements; j++) {
		size_t i = ord[j];
		const xh_disbursement *d = &y->disbursements[i];
		int k = d->application >= 0 ? l->alloc_of[d->application] : -1;
		l->disbursed_total += d->amount;
		if (k < 0) {
			l->dis_flags[i] |= XH_DIS_UNAPPROVED;
			S_reason(&l->dis_reason[i], "%s", "项目未获批准，不应拨付");
			continue;
		}
		xh_allocation *a = &l->alloc[k];
		if (a->payments++ > 0) {
			l->dis_flags[i] |= XH_DIS_REPEATED;
			S_reason(&l->dis_reason[i], "%s", "重复拨付（实施方案：一次性拨付）");
		}
		a->disbursed += d->amount;
		if (a->disbursed > a->approved) {
			char *over = xh_money_yuan_str(a->disbursed - a->approved);
			l->dis_flags[i] |= XH_DIS_OVERPAID;
			S_reason(&l->dis_reason[i], "拨付累计超过核定金额%s元", over);
			free(over);
		}
	}
	free(ord);

	/* spending */
	l->exp_flags = xcalloc(y->nexpenditures + 1, sizeof(*l->exp_flags));
	l->exp_reason = xcalloc(y->nexpenditures + 1, sizeof(*l->exp_reason));
	ord = xmalloc((y->nexpenditures + 1) * sizeof(size_t));
	for (size_t i = 0; i < y->nexpenditures; i++)
		ord[i] = i;
	if (y->nexpenditures > 1)
		qsort_r(ord, y->nexpenditures, sizeof(size_t), S_exp_cmp, (void *)y);
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	xh_fen *spent_so_far = xcalloc(l->nalloc + 1, sizeof(xh_fen));
	xh_buf text = XH_BUF_INIT;
	for (size_t j = 0; j < y->nexpenditures; j++) {
		size_t i = ord[j];
		const xh_expenditure *e = &y->expenditures[i];
		int k = e->application >= 0 ? l->alloc_of[e->application] : -1;
		l->spent_total += e->amount;
		text.len = 0;
		xh_buf_printf(&text, "%s %s", e->category, e->description);
		for (size_t f = 0; f < p->nforbidden; f++)
			if (p->forbidden[f].re && pcre2_match(p->forbidden[f].re, (PCRE2_SPTR)text.data,
			                                      text.len, 0, 0, md, NULL) >= 0) {
				l->exp_flags[i] |= XH_EXP_FORBIDDEN;
				S_reason(&l->exp_reason[i], "禁止性支出（%s）", p->forbidden[f].reason);
				break;
			}
		if (!S_allowed(p, e->category)) {
			l->exp_flags[i] |= XH_EXP_CATEGORY;
			S_reason(&l->exp_reason[i], "经费类别“%s”不在允许范围", e->category);
		}
		if (k < 0) {
			l->exp_flags[i] |= XH_EXP_UNAPPROVED;
			S_reason(&l->exp_reason[i], "%s", "项目未获批准");
			continue;
		}
		xh_allocation *a = &l->alloc[k];
		a->spent += e->amount;
		int budgeted = 0;
		for (size_t c = 0; c < nbudgeted[k]; c++)
			budgeted |= !strcmp(a->cats[c].category, e->category);
		S_cat(a, e->category, &catcap[k])->spent += e->amount;
		if (!budgeted && S_allowed(p, e->category)) {
			l->exp_flags[i] |= XH_EXP_UNBUDGETED;
			S_reason(&l->exp_reason[i], "经费类别“%s”不在项目预算中", e->category);
		}
		const xh_application *app = &y->applications[a->application];
		if (e->date.set && ((app->start.set && xh_date_days(e->date.d) < xh_date_days(app->start.d)) ||
		                    (app->end.set && xh_date_days(e->date.d) > xh_date_days(app->end.d)))) {
			xh_buf b = XH_BUF_INIT;
			xh_date_cn(&b, e->date.d);
			l->exp_flags[i] |= XH_EXP_OUTSIDE;
			S_reason(&l->exp_reason[i], "支出日期%s不在项目实施周期内", xh_buf_cstr(&b));
			xh_buf_free(&b);
		}
		spent_so_far[k] += e->amount;
		if (spent_so_far[k] > a->disbursed) {
			char *over = xh_money_yuan_str(spent_so_far[k] - a->disbursed);
			l->exp_flags[i] |= XH_EXP_OVERSPENT;
			S_reason(&l->exp_reason[i], "累计支出超过已拨付金额%s元", over);
			free(over);
		}
	}
	xh_buf_free(&text);
	pcre2_match_data_free(md);
	free(spent_so_far);
	free(ord);
	free(nbudgeted);
	free(catcap);
	for (size_t i = 0; i < y->nexpenditures; i++)
		l->nexceptions += l->exp_flags[i] != 0;
	for (size_t i = 0; i < y->ndisbursements; i++)
		l->nexceptions += l->dis_flags[i] != 0;
	return l;
}

void xh_ledger_free(xh_ledger *l)
{
	if (!l)
		return;
	for (size_t k = 0; k < l->nalloc; k++) {
		for (size_t c = 0; c < l->alloc[k].ncats; c++)
			free(l->alloc[k].cats[c].category);
		free(l->alloc[k].cats);
	}
	free(l->alloc);
	free(l->alloc_of);
	for (size_t i = 0; i < l->y->nexpenditures; i++)
		free(l->exp_reason[i]);
	free(l->exp_reason);
	free(l->exp_flags);
	for (size_t i = 0; i < l->y->ndisbursements; i++)
		free(l->dis_reason[i]);
	free(l->dis_reason);
	free(l->dis_flags);
	free(l);
}
