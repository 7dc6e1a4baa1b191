/*
 * accept_out.c — the command `xhgen accept DIR -o OUT` (accept.h): writes
 * the acceptance stage OUT/<year>/acceptance/:
 *
 *   <申报编号>-验收结论书.docx  one per approved project, from the template
 *                              验收结论书.docx
 *   验收汇总.docx              the summary, from 验收汇总.docx
 *   验收汇总.xlsx              the same as a workbook: a row per project
 *                              with 合计, and the counts by class
 *   ineligible.csv             next year's exclusions: a row per society
 *                              with a project concluded 不通过 (SCHEMA.md
 *                              `ineligible`: society, year, reason; UTF-8
 *                              with BOM), which staff copy into next year's
 *                              folder for its review (V-0)
 *
 * The documents are filled from JSON built here with yajl's generator:
 * money as the plain number of 元 with 分 ("50000.00"), which the
 * templates format with the yuan and cny filters, dates as ISO text for
 * the date filter; what a filter cannot do (a balance that may be
 * negative, a rate, the findings) comes as ready text.  Every file goes
 * through the stage (stage.h): temporary names, renamed together at the
 * commit, provenance properties in every DOCX and in the workbook.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl_gen.h>

#include "accept.h"
#include "book.h"
#include "data.h"
#include "schema.h"

#define S_STAGE "acceptance"
#define S_T_CONC "验收结论书.docx"
#define S_T_SUM "验收汇总.docx"
#define S_XLSX "验收汇总.xlsx"
#define S_CSV "ineligible.csv"

/* ---- small helpers ---- */

static const char *S_society(const xh_year *y, int app)
{
	return xh_year_society_name(y, &y->applications[app]);
}

/* "50000.00": the plain number the money filters read */
static void S_plain(xh_buf *b, xh_fen v)
{
	b->len = 0;
	if (v < 0) {
		xh_buf_addc(b, '-');
		v = -v;
	}
	xh_buf_printf(b, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
}

/* "60.00%" of part / whole, rounded half up, exact in integers; "—"
 * when whole is not positive */
static void S_rate(xh_buf *b, xh_fen part, xh_fen whole)
{
	b->len = 0;
	if (whole <= 0 || part < 0) {
		xh_buf_adds(b, "—");
		return;
	}
	/* hundredths of a per cent */
	long long h = (long long)((part * 10000 * 2 + whole) / (2 * whole));
	xh_buf_printf(b, "%lld.%02lld%%", h / 100, h % 100);
}

static const char *S_class_label(int cls)
{
	return cls == XH_CLASS_A ? "A类" : cls == XH_CLASS_B ? "B类" : "推广类";
}

/* ---- JSON ---- */

typedef struct S_json {
	yajl_gen g;
	xh_buf tmp;
} S_json;

static void S_str(S_json *j, const char *s)
{
	yajl_gen_string(j->g, (const unsigned char *)s, strlen(s));
}

static void S_kv(S_json *j, const char *k, const char *v)
{
	S_str(j, k);
	S_str(j, v ? v : "");
}

static void S_kbool(S_json *j, const char *k, int v)
{
	S_str(j, k);
	yajl_gen_bool(j->g, v != 0);
}

static void S_kint(S_json *j, const char *k, long long v)
{
	S_str(j, k);
	yajl_gen_integer(j->g, v);
}

/* money for a filter: "50000.00" */
static void S_kmoney(S_json *j, const char *k, xh_fen v)
{
	S_plain(&j->tmp, v);
	S_kv(j, k, xh_buf_cstr(&j->tmp));
}

/* money as ready text: "-2,000.00" (a filter takes no negative amount) */
static void S_ktext_yuan(S_json *j, const char *k, xh_fen v)
{
	j->tmp.len = 0;
	xh_money_yuan(&j->tmp, v);
	S_kv(j, k, xh_buf_cstr(&j->tmp));
}

static void S_krate(S_json *j, const char *k, xh_fen part, xh_fen whole)
{
	S_rate(&j->tmp, part, whole);
	S_kv(j, k, xh_buf_cstr(&j->tmp));
}

/* a date for the date filter, or null */
static void S_kdate(S_json *j, const char *k, const xh_opt_date *d)
{
	S_str(j, k);
	if (!d->set) {
		yajl_gen_null(j->g);
		return;
	}
	j->tmp.len = 0;
	xh_date_iso(&j->tmp, d->d);
	S_str(j, xh_buf_cstr(&j->tmp));
}

/* a list of {no, text} */
static void S_klist(S_json *j, const char *k, char *const *items, size_t n)
{
	S_str(j, k);
	yajl_gen_array_open(j->g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(j->g);
		S_kint(j, "no", (long long)(i + 1));
		S_kv(j, "text", items[i]);
		yajl_gen_map_close(j->g);
	}
	yajl_gen_array_close(j->g);
}

/* The common fields of both documents. */
static void S_year_fields(S_json *j, const xh_year *y)
{
	const xh_programme *p = &y->prog;
	S_kint(j, "year", p->year);
	S_kint(j, "next_year", p->year + 1);
	S_kv(j, "issuer", p->issuer);
	S_kv(j, "department", p->department);
	S_kdate(j, "deadline", &p->acceptance_deadline);
}

/* Parses the generated JSON into template data; NULL with the reason. */
static xh_data *S_data(S_json *j, const char *name, xh_diag *diag)
{
	const unsigned char *buf;
	size_t len;
	if (yajl_gen_get_buf(j->g, &buf, &len) != yajl_gen_status_ok) {
		xh_diag_add(diag, 0, "%s: cannot build the template data", name);
		return NULL;
	}
	return xh_data_parse("json", (const char *)buf, len, name, diag);
}

static void S_json_begin(S_json *j)
{
	j->g = yajl_gen_alloc(NULL);
	j->tmp = (xh_buf)XH_BUF_INIT;
	yajl_gen_map_open(j->g);
}

static void S_json_end(S_json *j)
{
	yajl_gen_free(j->g);
	xh_buf_free(&j->tmp);
}

static const char *S_conc(int pass)
{
	return pass ? "通过" : "不通过";
}

/* The data of one project's 验收结论书. */
static xh_data *S_project_data(const xh_accept *a, const xh_accept_project *p, const char *name,
                               xh_diag *diag)
{
	const xh_year *y = a->y;
	const xh_application *app = &y->applications[p->application];
	const xh_allocation *al = &a->l->alloc[p->alloc];
	const xh_acceptance *ac = p->record >= 0 ? &y->acceptance[p->record] : NULL;
	const xh_society *so = app->society >= 0 ? &y->societies[app->society] : NULL;
	S_json j;
	S_json_begin(&j);
	S_year_fields(&j, y);
	S_kv(&j, "id", app->id);
	S_kv(&j, "society", S_society(y, p->application));
	S_kv(&j, "society_id", app->society_id);
	S_kv(&j, "credit_code", so ? so->credit_code : "");
	S_kv(&j, "title", app->title);
	S_kv(&j, "class", xh_class_name(app->cls));
	S_kv(&j, "class_label", S_class_label(app->cls));
	S_kdate(&j, "start", &app->start);
	S_kdate(&j, "end", &app->end);
	S_kmoney(&j, "requested", al->requested);
	S_kmoney(&j, "approved", al->approved);
	S_kmoney(&j, "disbursed", al->disbursed);
	S_kmoney(&j, "spent", al->spent);
	S_ktext_yuan(&j, "balance", al->disbursed - al->spent);
	S_krate(&j, "rate", al->spent, al->approved);
	S_kv(&j, "source", al->from_decision ? "党组会决定" : "拟立项名单");

	S_kbool(&j, "record", ac != NULL);
	static const xh_opt_date none = {0, {0, 0, 0}};
	S_kdate(&j, "submitted", ac ? &ac->submitted : &none);
	S_kv(&j, "tasks", ac ? xh_accept_tasks_name(ac->tasks) : "未提交");
	S_kv(&j, "finance", ac ? xh_accept_finance_name(ac->finance) : "未提交");
	S_kv(&j, "party_opinion", ac ? ac->party_opinion : "");
	S_kv(&j, "business_opinion", ac ? ac->business_opinion : "");
	S_kv(&j, "experts", ac ? ac->experts : "");
	S_kv(&j, "note", ac ? ac->note : "");

	/* spending by category against the budget lines */
	S_str(&j, "cats");
	yajl_gen_array_open(j.g);
	xh_fen tb = 0, ts = 0;
	for (size_t c = 0; c < al->ncats; c++) {
		const xh_category_sum *cs = &al->cats[c];
		yajl_gen_map_open(j.g);
		S_kint(&j, "no", (long long)(c + 1));
		S_kv(&j, "category", cs->category);
		S_kmoney(&j, "budget", cs->budget);
		S_kmoney(&j, "spent", cs->spent);
		S_ktext_yuan(&j, "diff", cs->budget - cs->spent);
		S_krate(&j, "rate", cs->spent, cs->budget);
		yajl_gen_map_close(j.g);
		tb += cs->budget;
		ts += cs->spent;
	}
	yajl_gen_array_close(j.g);
	S_kmoney(&j, "cats_budget", tb);
	S_kmoney(&j, "cats_spent", ts);
	S_ktext_yuan(&j, "cats_diff", tb - ts);
	S_krate(&j, "cats_rate", ts, tb);

	S_klist(&j, "findings", p->findings, p->nfindings);
	S_kbool(&j, "has_findings", p->nfindings > 0);
	S_klist(&j, "reasons", p->reasons, p->nreasons);
	S_kbool(&j, "pass", p->pass);
	S_kbool(&j, "clean", p->rules_pass && ac && ac->tasks == XH_TASKS_ALL && ac->finance == XH_FIN_OK);
	S_kbool(&j, "fail", !p->pass);
	S_kv(&j, "conclusion", S_conc(p->pass));
	S_kv(&j, "box_pass", p->pass ? "☑" : "☐");
	S_kv(&j, "box_fail", p->pass ? "☐" : "☑");
	S_kv(&j, "rule", xh_accept_rule(p->pass));
	{
		/* what the conclusion stands on: the rules, or the panel */
		char *basis = p->panel == XH_UNKNOWN ? xstrdup(xh_accept_rule(p->pass))
		              : p->disagree ? xstrdup("验收组结论")
		                            : xasprintf("验收组结论，与按规则得出的结论一致：%s",
		                                        xh_accept_rule(p->pass));
		S_kv(&j, "basis", basis);
		free(basis);
	}
	S_kv(&j, "rules_conclusion", S_conc(p->rules_pass));
	S_kv(&j, "rules_rule", xh_accept_rule(p->rules_pass));
	S_kbool(&j, "panel", p->panel != XH_UNKNOWN);
	S_kv(&j, "panel_conclusion", p->panel == XH_UNKNOWN ? "" : S_conc(p->panel == XH_CONC_PASS));
	S_kbool(&j, "disagree", p->disagree);
	yajl_gen_map_close(j.g);
	xh_data *d = S_data(&j, name, diag);
	S_json_end(&j);
	return d;
}

/* The short reason of a conclusion: the rules' reasons, or the panel's. */
static char *S_short_reason(const xh_accept_project *p)
{
	xh_buf b = XH_BUF_INIT;
	for (size_t i = 0; i < p->nreasons; i++)
		xh_buf_printf(&b, "%s%s", i ? "；" : "", p->reasons[i]);
	if (p->disagree) {
		if (b.len)
			xh_buf_adds(&b, "；");
		xh_buf_printf(&b, "验收组结论“%s”，规则结论“%s”，以验收组结论为准", S_conc(p->pass),
		              S_conc(p->rules_pass));
	}
	return xh_buf_detach(&b);
}

/* The workbook's 主要问题及依据: why it fails (or the disagreement), and
 * for a project that passes, what was found all the same. */
static char *S_notes(const xh_accept_project *p)
{
	char *r = S_short_reason(p);
	if (!p->pass || !p->nfindings)
		return r;
	xh_buf b = XH_BUF_INIT;
	xh_buf_adds(&b, r);
	for (size_t i = 0; i < p->nfindings; i++)
		xh_buf_printf(&b, "%s%s", b.len ? "；" : "", p->findings[i]);
	free(r);
	return xh_buf_detach(&b);
}

/* The data of 验收汇总.docx. */
static xh_data *S_summary_data(const xh_accept *a, xh_diag *diag)
{
	const xh_year *y = a->y;
	S_json j;
	S_json_begin(&j);
	S_year_fields(&j, y);
	S_kint(&j, "n", (long long)a->np);
	S_kint(&j, "npass", (long long)a->npass);
	S_kint(&j, "nfail", (long long)a->nfail);
	S_kint(&j, "ndisagree", (long long)a->ndisagree);
	S_kmoney(&j, "approved", a->approved);
	S_kmoney(&j, "disbursed", a->disbursed);
	S_kmoney(&j, "spent", a->spent);
	S_ktext_yuan(&j, "balance", a->disbursed - a->spent);
	S_krate(&j, "rate", a->spent, a->approved);

	S_kbool(&j, "has_failed", a->nfail > 0);
	S_kbool(&j, "has_disagree", a->ndisagree > 0);
	S_str(&j, "classes");
	yajl_gen_array_open(j.g);
	int lastc = -1;
	for (int c = 0; c < XH_NCLASS; c++)
		if (a->npass_class[c] + a->nfail_class[c])
			lastc = c;
	for (int c = 0; c < XH_NCLASS; c++) {
		size_t n = a->npass_class[c] + a->nfail_class[c];
		if (!n)
			continue;
		yajl_gen_map_open(j.g);
		S_kv(&j, "sep", c == lastc ? "。" : "；");
		S_kv(&j, "class", xh_class_name(c));
		S_kv(&j, "class_label", S_class_label(c));
		S_kint(&j, "n", (long long)n);
		S_kint(&j, "npass", (long long)a->npass_class[c]);
		S_kint(&j, "nfail", (long long)a->nfail_class[c]);
		S_kmoney(&j, "approved", a->l->approved_class[c]);
		yajl_gen_map_close(j.g);
	}
	yajl_gen_array_close(j.g);

	S_str(&j, "rows");
	yajl_gen_array_open(j.g);
	for (size_t k = 0; k < a->np; k++) {
		const xh_accept_project *p = &a->p[k];
		const xh_application *app = &y->applications[p->application];
		const xh_allocation *al = &a->l->alloc[p->alloc];
		yajl_gen_map_open(j.g);
		S_kint(&j, "no", (long long)(k + 1));
		S_kv(&j, "id", app->id);
		S_kv(&j, "society", S_society(y, p->application));
		S_kv(&j, "title", app->title);
		S_kv(&j, "class", xh_class_name(app->cls));
		S_kmoney(&j, "approved", al->approved);
		S_kmoney(&j, "disbursed", al->disbursed);
		S_kmoney(&j, "spent", al->spent);
		S_krate(&j, "rate", al->spent, al->approved);
		S_kv(&j, "conclusion", S_conc(p->pass));
		S_kbool(&j, "pass", p->pass);
		char *why = S_short_reason(p);
		S_kv(&j, "note", why);
		free(why);
		yajl_gen_map_close(j.g);
	}
	yajl_gen_array_close(j.g);

	S_str(&j, "failed");
	yajl_gen_array_open(j.g);
	size_t nf = 0;
	for (size_t k = 0; k < a->np; k++) {
		const xh_accept_project *p = &a->p[k];
		if (p->pass)
			continue;
		const xh_application *app = &y->applications[p->application];
		yajl_gen_map_open(j.g);
		S_kint(&j, "no", (long long)++nf);
		S_kv(&j, "id", app->id);
		S_kv(&j, "society", S_society(y, p->application));
		S_kv(&j, "title", app->title);
		char *why = S_short_reason(p);
		S_kv(&j, "reason", why);
		free(why);
		yajl_gen_map_close(j.g);
	}
	yajl_gen_array_close(j.g);

	S_str(&j, "disagreements");
	yajl_gen_array_open(j.g);
	for (size_t k = 0; k < a->np; k++) {
		const xh_accept_project *p = &a->p[k];
		if (!p->disagree)
			continue;
		const xh_application *app = &y->applications[p->application];
		yajl_gen_map_open(j.g);
		S_kv(&j, "id", app->id);
		S_kv(&j, "society", S_society(y, p->application));
		S_kv(&j, "panel_conclusion", S_conc(p->pass));
		S_kv(&j, "rules_conclusion", S_conc(p->rules_pass));
		yajl_gen_map_close(j.g);
	}
	yajl_gen_array_close(j.g);
	yajl_gen_map_close(j.g);
	xh_data *d = S_data(&j, S_T_SUM, diag);
	S_json_end(&j);
	return d;
}

/* ---- the workbook ---- */

enum { W_NO, W_ID, W_SOC, W_TITLE, W_CLS, W_APPR, W_DIS, W_SPENT, W_BAL, W_RATE, W_SUB,
       W_TASKS, W_FIN, W_RULES, W_PANEL, W_CONC, W_NOTE, W_N };

typedef struct S_book {
	xh_book *bk;
	const xh_book_fmt *f;
	const xh_accept *a;
	lxw_format *date, *pct, *total_pct, *pass, *fail;
	lxw_row_t first, last; /* the project rows of 验收汇总 */
} S_book;

static void S_formats(S_book *b)
{
	b->date = xh_book_format(b->bk, 1);
	format_set_num_format(b->date, "yyyy\"年\"m\"月\"d\"日\"");
	format_set_align(b->date, LXW_ALIGN_CENTER);
	b->pct = xh_book_format(b->bk, 1);
	format_set_num_format(b->pct, "0.00%");
	b->total_pct = xh_book_format(b->bk, 1);
	format_set_bold(b->total_pct);
	format_set_num_format(b->total_pct, "0.00%");
	b->pass = xh_book_format(b->bk, 1);
	format_set_align(b->pass, LXW_ALIGN_CENTER);
	b->fail = xh_book_format(b->bk, 1);
	format_set_align(b->fail, LXW_ALIGN_CENTER);
	format_set_bg_color(b->fail, 0xF8CBAD);
}

/* "F4" (or "$F$4" with abs) of 0-based row and column, into buf */
static const char *S_cellref(char *buf, lxw_row_t r, lxw_col_t c, int abs)
{
	if (abs)
		lxw_rowcol_to_cell_abs(buf, r, c, 1, 1);
	else
		lxw_rowcol_to_cell(buf, r, c);
	return buf;
}

static void S_sheet_list(S_book *b, lxw_worksheet *ws)
{
	const xh_accept *a = b->a;
	const xh_year *y = a->y;
	static const char *const head[W_N] = {
	    "序号",   "申报编号", "学会名称",   "项目名称",   "类别",       "核定金额",
	    "已拨付", "已支出",   "结余",       "执行率",     "材料提交日期", "任务完成情况",
	    "财务意见", "规则结论", "验收组结论", "验收结论", "主要问题及依据"};
	const lxw_row_t hr = 2;
	xh_book_sheet_top(b->bk, ws, "项目验收情况汇总表", W_N, 1, "验收汇总");
	static const xh_book_range widths[] = {
	    {W_NO, 6, 8},      {W_ID, 8, 16},     {W_SOC, 12, 24},  {W_TITLE, 16, 30},
	    {W_APPR, 12, 16},  {W_DIS, 12, 16},   {W_SPENT, 12, 16}, {W_BAL, 12, 16},
	    {W_RATE, 9, 10},   {W_SUB, 16, 16},   {W_NOTE, 20, 50}, {0, 0, 0}};
	xh_book_cols *cw = xh_book_cols_new(W_N, 6, 14, widths, head, W_N);
	char **notes = xcalloc(a->np + 1, sizeof(char *));
	for (size_t k = 0; k < a->np; k++) {
		int app = a->p[k].application;
		xh_book_cols_fit(cw, W_ID, y->applications[app].id);
		xh_book_cols_fit(cw, W_SOC, S_society(y, app));
		xh_book_cols_fit(cw, W_TITLE, y->applications[app].title);
		notes[k] = S_notes(&a->p[k]);
		xh_book_cols_fit(cw, W_NOTE, notes[k]);
	}
	xh_book_cols_set(b->bk, ws, cw);
	const lxw_row_t first = hr + 1, last = hr + (lxw_row_t)a->np;
	xh_book_frame(b->bk, ws, hr, a->np ? last : hr, W_N, 0);
	xh_book_head(b->bk, ws, hr, cw, head, W_N);
	lxw_row_t row = first;
	char c1[32], c2[32];
	for (size_t k = 0; k < a->np; k++, row++) {
		const xh_accept_project *p = &a->p[k];
		const xh_application *app = &y->applications[p->application];
		const xh_allocation *al = &a->l->alloc[p->alloc];
		const xh_acceptance *ac = p->record >= 0 ? &y->acceptance[p->record] : NULL;
		size_t lines = xh_book_lines(cw, W_NOTE, notes[k]), l2;
		if ((l2 = xh_book_lines(cw, W_TITLE, app->title)) > lines)
			lines = l2;
		if ((l2 = xh_book_lines(cw, W_SOC, S_society(y, p->application))) > lines)
			lines = l2;
		xh_book_height(b->bk, ws, row, lines);
		xh_book_num(b->bk, ws, row, W_NO, (double)(k + 1), b->f->count);
		xh_book_app(b->bk, ws, row, W_ID, y, app);
		xh_book_num(b->bk, ws, row, W_APPR, xh_book_amount(al->approved), b->f->money);
		xh_book_num(b->bk, ws, row, W_DIS, xh_book_amount(al->disbursed), b->f->money);
		xh_book_num(b->bk, ws, row, W_SPENT, xh_book_amount(al->spent), b->f->money);
		xh_book_formula(b->bk, ws, row, W_BAL, b->f->money, xh_book_amount(al->disbursed - al->spent),
		                "=%s-%s", S_cellref(c1, row, W_DIS, 0), S_cellref(c2, row, W_SPENT, 0));
		if (al->approved > 0)
			xh_book_formula(b->bk, ws, row, W_RATE, b->pct,
			                (double)al->spent / (double)al->approved, "=%s/%s",
			                S_cellref(c1, row, W_SPENT, 0), S_cellref(c2, row, W_APPR, 0));
		else
			xh_book_check(b->bk, worksheet_write_blank(ws, row, W_RATE, b->pct));
		if (ac && ac->submitted.set) {
			lxw_datetime dt = {ac->submitted.d.y, ac->submitted.d.m, ac->submitted.d.d, 0, 0, 0.0};
			xh_book_check(b->bk, worksheet_write_datetime(ws, row, W_SUB, &dt, b->date));
		} else {
			xh_book_str(b->bk, ws, row, W_SUB, ac ? "未填写" : "未提交", b->f->center);
		}
		xh_book_str(b->bk, ws, row, W_TASKS, ac ? xh_accept_tasks_name(ac->tasks) : "未提交",
		            b->f->center);
		xh_book_str(b->bk, ws, row, W_FIN, ac ? xh_accept_finance_name(ac->finance) : "未提交",
		            b->f->center);
		xh_book_str(b->bk, ws, row, W_RULES, S_conc(p->rules_pass), b->f->center);
		xh_book_str(b->bk, ws, row, W_PANEL,
		            p->panel == XH_UNKNOWN ? "" : S_conc(p->panel == XH_CONC_PASS), b->f->center);
		xh_book_str(b->bk, ws, row, W_CONC, S_conc(p->pass), p->pass ? b->pass : b->fail);
		xh_book_str(b->bk, ws, row, W_NOTE, notes[k], b->f->wrap);
	}
	if (a->np == 0)
		xh_book_str(b->bk, ws, row++, 0, "（本年度无核定项目）", b->f->line);
	b->first = first;
	b->last = last;
	xh_book_check(b->bk, worksheet_merge_range(ws, row, W_NO, row, W_CLS, "", b->f->total_label));
	xh_book_str(b->bk, ws, row, W_NO, "合计", b->f->total_label);
	const xh_fen tot[4] = {a->approved, a->disbursed, a->spent, a->disbursed - a->spent};
	for (lxw_col_t c = W_APPR; c <= W_BAL; c++) {
		if (a->np)
			xh_book_formula(b->bk, ws, row, c, b->f->total_money, xh_book_amount(tot[c - W_APPR]),
			                "=SUM(%s:%s)", S_cellref(c1, first, c, 0),
			                S_cellref(c2, last, c, 0));
		else
			xh_book_num(b->bk, ws, row, c, 0, b->f->total_money);
	}
	if (a->approved > 0)
		xh_book_formula(b->bk, ws, row, W_RATE, b->total_pct,
		                (double)a->spent / (double)a->approved, "=%s/%s",
		                S_cellref(c1, row, W_SPENT, 0), S_cellref(c2, row, W_APPR, 0));
	else
		xh_book_check(b->bk, worksheet_write_blank(ws, row, W_RATE, b->total_pct));
	for (lxw_col_t c = W_SUB; c < W_CONC; c++)
		xh_book_str(b->bk, ws, row, c, "", b->f->total_label);
	/* the conclusions counted: 通过 n, 不通过 m */
	char *cnt = xasprintf("通过%zu项，不通过%zu项", a->npass, a->nfail);
	if (a->np) {
		char r1[32], r2[32];
		S_cellref(r1, first, W_CONC, 1);
		S_cellref(r2, last, W_CONC, 1);
		/* a text formula with its cached text */
		char *f = xasprintf("=\"通过\"&COUNTIF(%s:%s,\"通过\")&\"项，不通过\"&COUNTIF(%s:%s,\"不通过\")&\"项\"",
		                    r1, r2, r1, r2);
		xh_book_check(b->bk, worksheet_write_formula_str(ws, row, W_CONC, f, b->f->total_label, cnt));
		free(f);
	} else {
		xh_book_str(b->bk, ws, row, W_CONC, cnt, b->f->total_label);
	}
	free(cnt);
	xh_book_str(b->bk, ws, row, W_NOTE, "", b->f->total_label);
	for (size_t k = 0; k < a->np; k++)
		free(notes[k]);
	free(notes);
	xh_book_cols_free(cw);
}

/* 统计: by class, counts and money, read from 验收汇总 by formulas. */
static void S_sheet_stats(S_book *b, lxw_worksheet *ws, const char *list)
{
	const xh_accept *a = b->a;
	enum { T_CLS, T_N, T_PASS, T_FAIL, T_APPR, T_DIS, T_SPENT, T_BAL, T_NCOLS };
	static const char *const head[T_NCOLS] = {"类别",   "项目数", "通过",   "不通过",
	                                          "核定金额", "已拨付", "已支出", "结余"};
	xh_book_sheet_top(b->bk, ws, "项目验收统计", T_NCOLS, 1, "验收统计");
	static const double width[T_NCOLS] = {12, 10, 10, 10, 18, 18, 18, 18};
	for (lxw_col_t c = 0; c < T_NCOLS; c++)
		xh_book_check(b->bk, worksheet_set_column(ws, c, c, width[c], NULL));
	const lxw_row_t hr = 2;
	for (lxw_col_t c = 0; c < T_NCOLS; c++)
		xh_book_str(b->bk, ws, hr, c, head[c], b->f->head);
	xh_fen money[XH_NCLASS][4];
	memset(money, 0, sizeof(money));
	for (size_t k = 0; k < a->np; k++) {
		const xh_allocation *al = &a->l->alloc[a->p[k].alloc];
		int c = a->y->applications[a->p[k].application].cls;
		if (c < 0 || c >= XH_NCLASS)
			c = XH_CLASS_A;
		money[c][0] += al->approved;
		money[c][1] += al->disbursed;
		money[c][2] += al->spent;
		money[c][3] += al->disbursed - al->spent;
	}
	char r1[32], r2[32], v1[32], v2[32], k1[32], k2[32];
	S_cellref(r1, b->first, W_CLS, 1);
	S_cellref(r2, b->last, W_CLS, 1);
	S_cellref(k1, b->first, W_CONC, 1);
	S_cellref(k2, b->last, W_CONC, 1);
	lxw_row_t row = hr + 1;
	for (int c = 0; c < XH_NCLASS; c++, row++) {
		const char *cn = xh_class_name(c);
		size_t n = a->npass_class[c] + a->nfail_class[c];
		xh_book_str(b->bk, ws, row, T_CLS, cn, b->f->center);
		if (!a->np) {
			for (lxw_col_t k = T_N; k <= T_FAIL; k++)
				xh_book_num(b->bk, ws, row, k, 0, b->f->count);
			for (lxw_col_t k = T_APPR; k <= T_BAL; k++)
				xh_book_num(b->bk, ws, row, k, 0, b->f->money);
			continue;
		}
		xh_book_formula(b->bk, ws, row, T_N, b->f->count, (double)n, "=COUNTIF('%s'!%s:%s,\"%s\")",
		                list, r1, r2, cn);
		xh_book_formula(b->bk, ws, row, T_PASS, b->f->count, (double)a->npass_class[c],
		                "=COUNTIFS('%s'!%s:%s,\"%s\",'%s'!%s:%s,\"通过\")", list, r1, r2, cn, list, k1, k2);
		xh_book_formula(b->bk, ws, row, T_FAIL, b->f->count, (double)a->nfail_class[c],
		                "=COUNTIFS('%s'!%s:%s,\"%s\",'%s'!%s:%s,\"不通过\")", list, r1, r2, cn, list, k1, k2);
		for (lxw_col_t k = T_APPR; k <= T_BAL; k++) {
			lxw_col_t src = (lxw_col_t)(W_APPR + (k - T_APPR));
			S_cellref(v1, b->first, src, 1);
			S_cellref(v2, b->last, src, 1);
			xh_book_formula(b->bk, ws, row, k, b->f->money, xh_book_amount(money[c][k - T_APPR]),
			                "=SUMIF('%s'!%s:%s,\"%s\",'%s'!%s:%s)", list, r1, r2, cn, list, v1, v2);
		}
	}
	const lxw_row_t cf = hr + 1, cl = row - 1;
	xh_book_str(b->bk, ws, row, T_CLS, "合计", b->f->total_label);
	const double tv[T_NCOLS] = {0,
	                            (double)a->np,
	                            (double)a->npass,
	                            (double)a->nfail,
	                            xh_book_amount(a->approved),
	                            xh_book_amount(a->disbursed),
	                            xh_book_amount(a->spent),
	                            xh_book_amount(a->disbursed - a->spent)};
	for (lxw_col_t k = T_N; k < T_NCOLS; k++) {
		S_cellref(v1, cf, k, 0);
		S_cellref(v2, cl, k, 0);
		xh_book_formula(b->bk, ws, row, k, k < T_APPR ? b->f->total_count : b->f->total_money, tv[k],
		                "=SUM(%s:%s)", v1, v2);
	}
	row += 2;
	xh_book_check(b->bk, worksheet_merge_range(ws, row, 0, row, T_NCOLS - 1, "", b->f->line));
	char *note = xasprintf("注：金额为核定项目的核定、拨付与支出，与资金台账“资金分配”表的合计一致；"
	                       "验收结论以验收组结论为准，未填写时按规则得出。");
	xh_book_str(b->bk, ws, row, 0, note, b->f->line);
	free(note);
}

/* Writes 验收汇总.xlsx into the stage (book.h). */
static int S_write_xlsx(const xh_accept *a, xh_stage *s, xh_diag *diag)
{
	const xh_year *y = a->y;
	S_book b;
	memset(&b, 0, sizeof(b));
	b.a = a;
	b.bk = xh_book_new(s, S_XLSX, &y->prog, "项目验收汇总", XH_BOOK_LOCAL_TMP, diag);
	if (!b.bk)
		return -1;
	b.f = xh_book_fmts(b.bk);
	S_formats(&b);
	lxw_worksheet *w1 = xh_book_sheet(b.bk, "验收汇总");
	lxw_worksheet *w2 = w1 ? xh_book_sheet(b.bk, "统计") : NULL;
	if (w1 && w2) {
		S_sheet_list(&b, w1);
		S_sheet_stats(&b, w2, "验收汇总");
		worksheet_activate(w1);
	}
	return xh_book_close(b.bk);
}

/* ---- ineligible.csv ---- */

/* One row per society with a project concluded 不通过, in the order of its
 * first such project; the reason names each project and why. */
static void S_csv(const xh_accept *a, xh_buf *out)
{
	const xh_year *y = a->y;
	xh_buf_adds(out, "\xEF\xBB\xBFsociety,year,reason\r\n");
	unsigned char *done = xcalloc(y->nsocieties + 1, 1);
	for (size_t k = 0; k < a->np; k++) {
		const xh_accept_project *p = &a->p[k];
		const xh_application *app = &y->applications[p->application];
		if (p->pass || (app->society >= 0 && done[app->society]))
			continue;
		xh_buf why = XH_BUF_INIT;
		for (size_t m = k; m < a->np; m++) {
			const xh_accept_project *q = &a->p[m];
			const xh_application *qa = &y->applications[q->application];
			if (q->pass || strcmp(qa->society_id, app->society_id))
				continue;
			char *r = S_short_reason(q);
			xh_buf_printf(&why, "%s%d年度%s %s项目验收不通过", why.len ? "；" : "", y->prog.year,
			              qa->id, qa->title);
			if (*r)
				xh_buf_printf(&why, "（%s）", r);
			free(r);
		}
		if (app->society >= 0)
			done[app->society] = 1;
		xh_buf_csv_field(out, app->society_id, 0);
		xh_buf_printf(out, ",%d,", y->prog.year);
		xh_buf_csv_field(out, xh_buf_cstr(&why), XH_CSV_GUARD);
		xh_buf_adds(out, "\r\n");
		xh_buf_free(&why);
	}
	free(done);
}

/* ---- the report ---- */

static void S_report(const xh_accept *a, FILE *out)
{
	const xh_year *y = a->y;
	for (size_t k = 0; k < a->np; k++) {
		const xh_accept_project *p = &a->p[k];
		const xh_application *app = &y->applications[p->application];
		if (!p->pass) {
			fprintf(out, "%s %s《%s》: 不通过", app->id, S_society(y, p->application), app->title);
			if (p->panel != XH_UNKNOWN)
				fputs("（验收组结论）", out);
			for (size_t i = 0; i < p->nreasons; i++)
				fprintf(out, "%s%s", i ? "；" : ": ", p->reasons[i]);
			fputc('\n', out);
		}
		if (p->disagree) {
			fprintf(out, "%s %s《%s》: 验收组结论“%s”与规则结论“%s”不一致", app->id,
			        S_society(y, p->application), app->title, S_conc(p->pass), S_conc(p->rules_pass));
			for (size_t i = 0; i < p->nreasons; i++)
				fprintf(out, "%s%s", i ? "；" : "（", p->reasons[i]);
			fputs(p->nreasons ? "）" : "", out);
			fputs("，以验收组结论为准\n", out);
		}
	}
	const char *fa = xh_year_file(y, "acceptance", "acceptance");
	for (size_t i = 0; i < a->nunapproved; i++) {
		const xh_acceptance *ac = &y->acceptance[a->unapproved[i]];
		const char *id = ac->application >= 0 ? y->applications[ac->application].id : "?";
		fprintf(out, "%s:%lu: 验收 %s %s: 项目未获批准，验收记录不予采用，不生成验收结论书\n", fa, ac->row,
		        id, ac->application >= 0 ? S_society(y, ac->application) : "");
	}
	xh_buf m = XH_BUF_INIT;
	fprintf(out, "验收：%zu 个项目，通过 %zu 个，不通过 %zu 个；", a->np, a->npass, a->nfail);
	fprintf(out, "核定 %s 元，", xh_book_yuan(&m, a->approved));
	fprintf(out, "已拨付 %s 元，", xh_book_yuan(&m, a->disbursed));
	fprintf(out, "已支出 %s 元\n", xh_book_yuan(&m, a->spent));
	xh_buf_free(&m);
}

/* ---- the command ---- */

xh_err xh_accept_cmd(const xh_year *y, const struct xh_review *r, const char *out, FILE *report,
                     xh_stage **keep, xh_diag *diag)
{
	xh_accept *a = xh_accept_run(y, r);
	xh_err e = XH_OK;
	xh_doc *tc = NULL, *ts = NULL;
	xh_stage *s = xh_stage_begin(y, out, S_STAGE, diag);
	if (!s) {
		xh_accept_free(a);
		return XH_ESYS;
	}
	tc = xh_stage_template(s, S_T_CONC, diag);
	ts = xh_stage_template(s, S_T_SUM, diag);
	if (!tc || !ts)
		e = XH_EDATA;
	for (size_t k = 0; e == XH_OK && k < a->np; k++) {
		const xh_application *app = &y->applications[a->p[k].application];
		char *name = xasprintf("%s-验收结论书.docx", app->id);
		xh_data *d = S_project_data(a, &a->p[k], name, diag);
		e = d ? xh_stage_docx(s, tc, name, d, app->id, NULL, 0, diag) : XH_EDATA;
		xh_data_free(d);
		free(name);
	}
	if (e == XH_OK) {
		xh_data *d = S_summary_data(a, diag);
		e = d ? xh_stage_docx(s, ts, "验收汇总.docx", d, "", NULL, 0, diag) : XH_EDATA;
		xh_data_free(d);
	}
	if (e == XH_OK && S_write_xlsx(a, s, diag) != 0)
		e = XH_ESYS;
	if (e == XH_OK) {
		xh_buf csv = XH_BUF_INIT;
		S_csv(a, &csv);
		e = xh_stage_bytes(s, S_CSV, csv.data ? csv.data : "", csv.len, diag);
		xh_buf_free(&csv);
	}
	if (e == XH_OK)
		e = xh_stage_commit(s, diag);
	xh_doc_free(tc);
	xh_doc_free(ts);
	if (e == XH_OK && keep)
		*keep = s;
	else
		xh_stage_free(s);
	if (e == XH_OK && report)
		S_report(a, report);
	xh_accept_free(a);
	return e == XH_OK ? xh_book_report_end(report, diag) : e;
}
