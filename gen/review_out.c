/*
 * review_out.c — writes a review (review.h): OUT/<year>/review/形式审查.xlsx,
 * OUT/<year>/review/拟立项名单.csv and a short text report.
 *
 * The workbook has four sheets, each laid out for printing (A4 landscape,
 * one page wide, the column header repeated, page numbers in the footer)
 * as DOMAIN.md §2.4 asks of every ledger: a merged title row, an
 * "编制单位" row with "单位：元" on the right, a frozen header, amounts as
 * numbers formatted #,##0.00 and totals as formulas with cached values.
 *
 *   形式审查     a row per application, a column per rule; the reason of a
 *                finding in the cell's comment and again in 说明, so that a
 *                printed sheet carries it
 *   拟立项排名   the applications in ranking order, scores, proposed amounts
 *                and the running total against the budget
 *   汇总         counts by class and verdict, by result; money by class
 *   规则说明     every rule with its clause, and the decisions where the
 *                seed is open
 *
 * Money stays in fen until a cell is written (fen / 100.0).  Text from the
 * data is always written as a string cell, never as a formula; the CSV
 * prefixes an apostrophe to text that a spreadsheet would read as a formula
 * (CONVENTIONS.md).  Both files are written to temporary names in the
 * output folder, synced and renamed only when both are complete; the
 * workbook's creation time is fixed (1 January of the programme year,
 * UTC), so the same year folder gives byte-identical files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "review.h"

#define S_XLSX "形式审查.xlsx"
#define S_CSV "拟立项名单.csv"

/* ---- small helpers ---- */

/* "50000.00": no thousands separator, for the CSV */
static void S_fen_plain(xh_buf *b, xh_fen v)
{
	if (v < 0) {
		xh_buf_addc(b, '-');
		v = -v;
	}
	xh_buf_printf(b, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
}

/* ---- the workbook ---- */

typedef struct S_book {
	xh_book *bk;
	const xh_book_fmt *f; /* the shared formats (book.h) */
	lxw_format *score;
	lxw_format *verdict[4];
} S_book;

static void S_formats(S_book *b)
{
	b->score = xh_book_format(b->bk, 1);
	format_set_num_format(b->score, "0.00");
	format_set_align(b->score, LXW_ALIGN_CENTER);

	/* plain formats by verdict, not conditional formatting: the colour is
	 * the verdict the program found, and stays when the sheet is copied */
	static const lxw_color_t fill[4] = {0, 0xFFF2CC, 0xF8CBAD, 0xE06666};
	for (int v = 0; v < 4; v++) {
		b->verdict[v] = xh_book_format(b->bk, 1);
		format_set_align(b->verdict[v], LXW_ALIGN_CENTER);
		if (fill[v])
			format_set_bg_color(b->verdict[v], fill[v]);
	}
	format_set_bold(b->verdict[XH_V_VETO]);
	format_set_font_color(b->verdict[XH_V_VETO], LXW_COLOR_WHITE);
}

/* ---- sheet 1: 形式审查 ---- */

/* The reasons of application i's findings, "E-08 …；P-03 …". */
static void S_reasons(const xh_review *r, size_t i, xh_buf *out)
{
	out->len = 0;
	for (size_t k = 0; k < r->nrules; k++) {
		const xh_finding *f = &r->f[i * r->nrules + k];
		if (!f->reason || !*f->reason)
			continue;
		if (out->len)
			xh_buf_adds(out, "；");
		xh_buf_printf(out, "%s %s", r->rules[k].id, f->reason);
	}
	xh_buf_cstr(out);
}

static lxw_format *S_vfmt(S_book *b, xh_verdict v)
{
	return b->verdict[v <= XH_V_VETO ? v : XH_V_FAIL];
}

static void S_sheet_review(S_book *b, const xh_review *r)
{
	const xh_year *y = r->y;
	lxw_worksheet *ws = xh_book_sheet(b->bk, "形式审查");
	if (!ws)
		return;
	enum { C_NO, C_ID, C_SOC, C_TITLE, C_CLS, C_AMT, C_RULES };
	const size_t nr = r->nrules;
	const lxw_col_t c_verdict = (lxw_col_t)(C_RULES + nr), c_note = c_verdict + 1;
	const lxw_col_t ncols = c_note + 1;
	static const char *const head[] = {"序号", "申报编号", "学会名称", "项目名称", "类别", "申请金额"};
	const lxw_row_t hr = 2;
	xh_book_sheet_top(b->bk, ws, "形式审查表", ncols, 1, NULL);

	/* widths first, so that wrapped cells can set their row's height */
	static const xh_book_range widths[] = {
	    {C_ID, 8, 16}, {C_SOC, 12, 20}, {C_TITLE, 16, 28}, {C_AMT, 12, 16}, {0, 0, 0}};
	xh_book_cols *cw = xh_book_cols_new(ncols, 6, 14, widths, head, C_RULES);
	for (size_t k = 0; k < nr; k++)
		xh_book_cols_range(cw, C_RULES + k, 9, 9); /* 一票否决, with the header wrapped */
	xh_book_cols_range(cw, c_verdict, 10, 10);
	xh_book_cols_range(cw, c_note, 24, 44);
	xh_buf t = XH_BUF_INIT, note = XH_BUF_INIT, num = XH_BUF_INIT;
	for (size_t i = 0; i < y->napplications; i++) {
		const xh_application *a = &y->applications[i];
		xh_book_cols_fit(cw, C_ID, a->id);
		xh_book_cols_fit(cw, C_SOC, xh_year_society_name(y, a));
		xh_book_cols_fit(cw, C_TITLE, a->title);
		xh_book_cols_fit(cw, C_AMT, xh_book_yuan(&num, a->amount));
		S_reasons(r, i, &note);
		xh_book_cols_fit(cw, c_note, note.data);
	}
	xh_book_cols_set(b->bk, ws, cw);

	/* the header: a rule's title over its id, its clause and text in a
	 * comment */
	size_t hlines = 1;
	for (lxw_col_t c = 0; c < C_RULES; c++)
		xh_book_str(b->bk, ws, hr, c, head[c], b->f->head);
	for (size_t k = 0; k < nr; k++) {
		const xh_rule *ru = &r->rules[k];
		lxw_col_t c = (lxw_col_t)(C_RULES + k);
		t.len = 0;
		xh_buf_printf(&t, "%s\n%s", ru->title, ru->id);
		xh_book_str(b->bk, ws, hr, c, xh_buf_cstr(&t), b->f->head);
		size_t l = xh_book_lines(cw, c, xh_buf_cstr(&t));
		if (l > hlines)
			hlines = l;
		t.len = 0;
		xh_buf_printf(&t, "%s %s\n依据：%s\n读取：%s\n%s", ru->id, ru->title, ru->clause,
		              ru->fields, ru->rule);
		xh_book_comment(b->bk, ws, hr, c, xh_buf_cstr(&t));
	}
	xh_book_str(b->bk, ws, hr, c_verdict, "审查结论", b->f->head);
	xh_book_str(b->bk, ws, hr, c_note, "说明", b->f->head);
	xh_book_height(b->bk, ws, hr, hlines);

	for (size_t i = 0; i < y->napplications; i++) {
		const xh_application *a = &y->applications[i];
		const xh_app_result *ar = &r->app[i];
		lxw_row_t row = (lxw_row_t)(hr + 1 + i);
		xh_book_num(b->bk, ws, row, C_NO, (double)(i + 1), b->f->count);
		xh_book_app(b->bk, ws, row, C_ID, y, a);
		xh_book_num(b->bk, ws, row, C_AMT, xh_book_amount(a->amount), b->f->money);
		for (size_t k = 0; k < nr; k++) {
			const xh_finding *f = &r->f[i * nr + k];
			lxw_col_t c = (lxw_col_t)(C_RULES + k);
			xh_book_str(b->bk, ws, row, c, xh_verdict_name(f->v), S_vfmt(b, f->v));
			if (f->reason && *f->reason)
				xh_book_comment(b->bk, ws, row, c, f->reason);
		}
		xh_book_str(b->bk, ws, row, c_verdict, xh_verdict_name(ar->overall), S_vfmt(b, ar->overall));
		S_reasons(r, i, &note);
		xh_book_str(b->bk, ws, row, c_note, note.data, b->f->wrap);
		size_t l = xh_book_lines(cw, C_SOC, xh_year_society_name(y, a)), l2;
		if ((l2 = xh_book_lines(cw, C_TITLE, a->title)) > l)
			l = l2;
		if ((l2 = xh_book_lines(cw, c_note, note.data)) > l)
			l = l2;
		xh_book_height(b->bk, ws, row, l);
	}
	lxw_row_t last = (lxw_row_t)(hr + y->napplications);
	if (y->napplications == 0)
		xh_book_str(b->bk, ws, hr + 1, 0, "（本年度无申报）", b->f->line);

	worksheet_freeze_panes(ws, hr + 1, C_TITLE + 1);
	xh_book_check(b->bk, worksheet_autofilter(ws, hr, 0, last, ncols - 1));
	xh_book_check(b->bk, worksheet_repeat_rows(ws, hr, hr));
	worksheet_set_comments_author(ws, "xhgen");
	xh_book_cols_free(cw);
	xh_buf_free(&t);
	xh_buf_free(&note);
	xh_buf_free(&num);
}

/* ---- sheet 2: 拟立项排名 ---- */

static void S_sheet_rank(S_book *b, const xh_review *r)
{
	const xh_year *y = r->y;
	const xh_programme *p = &y->prog;
	lxw_worksheet *ws = xh_book_sheet(b->bk, "拟立项排名");
	if (!ws)
		return;
	static const char *const head[] = {"排名",     "申报编号", "学会名称", "项目名称",   "类别",
	                                   "评分专家数", "平均分",   "重点产业", "申请金额",   "拟资助金额",
	                                   "累计金额", "结果",     "说明"};
	enum { C_RANK, C_ID, C_SOC, C_TITLE, C_CLS, C_NEXP, C_MEAN, C_KEY, C_AMT, C_PROP, C_RUN, C_SEL,
	       C_NOTE, C_N };
	const lxw_row_t hr = 2;
	const size_t n = y->napplications;
	xh_book_sheet_top(b->bk, ws, "拟立项排名表", C_N, 1, NULL);

	/* "评分专家数" wraps */
	static const xh_book_range widths[] = {
	    {C_ID, 8, 16},   {C_SOC, 12, 20},  {C_TITLE, 16, 28}, {C_NEXP, 6, 6}, {C_KEY, 6, 6},
	    {C_AMT, 12, 16}, {C_PROP, 12, 16}, {C_RUN, 12, 16},   {C_SEL, 8, 16}, {C_NOTE, 20, 40},
	    {0, 0, 0}};
	xh_book_cols *cw = xh_book_cols_new(C_N, 6, 14, widths, head, C_N);
	xh_buf num = XH_BUF_INIT;
	for (size_t k = 0; k < n; k++) {
		int i = r->order[k];
		const xh_application *a = &y->applications[i];
		const xh_app_result *ar = &r->app[i];
		xh_book_cols_fit(cw, C_ID, a->id);
		xh_book_cols_fit(cw, C_SOC, xh_year_society_name(y, a));
		xh_book_cols_fit(cw, C_TITLE, a->title);
		xh_book_cols_fit(cw, C_AMT, xh_book_yuan(&num, a->amount));
		xh_book_cols_fit(cw, C_RUN, xh_book_yuan(&num, ar->running));
		xh_book_cols_fit(cw, C_SEL, xh_selection_name(ar->sel));
		xh_book_cols_fit(cw, C_NOTE, ar->note);
	}
	xh_book_cols_fit(cw, C_PROP, xh_book_yuan(&num, r->proposed_total));
	xh_book_cols_set(b->bk, ws, cw);

	size_t hlines = 1;
	for (lxw_col_t c = 0; c < C_N; c++) {
		xh_book_str(b->bk, ws, hr, c, head[c], b->f->head);
		size_t l = xh_book_lines(cw, c, head[c]);
		if (l > hlines)
			hlines = l;
	}
	xh_book_height(b->bk, ws, hr, hlines);

	for (size_t k = 0; k < n; k++) {
		int i = r->order[k];
		const xh_application *a = &y->applications[i];
		const xh_app_result *ar = &r->app[i];
		lxw_row_t row = (lxw_row_t)(hr + 1 + k);
		if (ar->rank > 0)
			xh_book_num(b->bk, ws, row, C_RANK, ar->rank, b->f->count);
		else
			xh_book_str(b->bk, ws, row, C_RANK, "", b->f->count);
		xh_book_app(b->bk, ws, row, C_ID, y, a);
		xh_book_num(b->bk, ws, row, C_NEXP, ar->nscores, b->f->count);
		if (ar->nscores > 0)
			xh_book_num(b->bk, ws, row, C_MEAN, ar->mean_hundredths / 100.0, b->score);
		else
			xh_book_str(b->bk, ws, row, C_MEAN, "", b->score);
		xh_book_str(b->bk, ws, row, C_KEY, ar->key_industry ? "是" : "否", b->f->center);
		xh_book_num(b->bk, ws, row, C_AMT, xh_book_amount(a->amount), b->f->money);
		if (ar->sel == XH_SEL_PROPOSED)
			xh_book_num(b->bk, ws, row, C_PROP, xh_book_amount(ar->proposed), b->f->money);
		else
			xh_book_str(b->bk, ws, row, C_PROP, "", b->f->money);
		if (ar->rank > 0)
			xh_book_num(b->bk, ws, row, C_RUN, xh_book_amount(ar->running), b->f->money);
		else
			xh_book_str(b->bk, ws, row, C_RUN, "", b->f->money);
		xh_book_str(b->bk, ws, row, C_SEL, xh_selection_name(ar->sel), b->f->center);
		xh_book_str(b->bk, ws, row, C_NOTE, ar->note, b->f->wrap);
		size_t l = xh_book_lines(cw, C_SOC, xh_year_society_name(y, a)), l2;
		if ((l2 = xh_book_lines(cw, C_TITLE, a->title)) > l)
			l = l2;
		if ((l2 = xh_book_lines(cw, C_NOTE, ar->note ? ar->note : "")) > l)
			l = l2;
		xh_book_height(b->bk, ws, row, l);
	}

	/* 合计: a formula with its cached value, so that a viewer that does not
	 * recalculate still shows the sum */
	lxw_row_t tr = (lxw_row_t)(hr + 1 + n);
	xh_book_check(b->bk, worksheet_merge_range(ws, tr, 0, tr, C_PROP - 1, "合计", b->f->total_label));
	if (n > 0) {
		char from[16], to[16];
		lxw_rowcol_to_cell(from, hr + 1, C_PROP);
		lxw_rowcol_to_cell(to, tr - 1, C_PROP);
		char *fml = xasprintf("=SUM(%s:%s)", from, to);
		xh_book_check(b->bk, worksheet_write_formula_num(ws, tr, C_PROP, fml, b->f->total_money,
		                                       xh_book_amount(r->proposed_total)));
		free(fml);
	} else {
		xh_book_num(b->bk, ws, tr, C_PROP, 0, b->f->total_money);
	}
	for (lxw_col_t c = C_RUN; c < C_N; c++)
		xh_book_str(b->bk, ws, tr, c, "", b->f->total_label);

	/* the budget under the table */
	xh_buf line = XH_BUF_INIT;
	xh_buf_printf(&line, "年度经费总额 %s 元，", xh_book_yuan(&num, p->budget));
	xh_buf_printf(&line, "拟资助合计 %s 元，", xh_book_yuan(&num, r->proposed_total));
	xh_buf_printf(&line, "剩余 %s 元", xh_book_yuan(&num, p->budget - r->proposed_total));
	lxw_row_t lr = tr + 2;
	xh_book_str(b->bk, ws, lr++, 0, xh_buf_cstr(&line), b->f->line);
	for (int c = 0; c < XH_NCLASS; c++) {
		if (!p->has_class_budget[c])
			continue;
		line.len = 0;
		xh_buf_printf(&line, "%s类：预算 %s 元，", xh_class_name(c), xh_book_yuan(&num, p->class_budget[c]));
		xh_buf_printf(&line, "拟资助 %s 元，", xh_book_yuan(&num, r->proposed_class[c]));
		xh_buf_printf(&line, "剩余 %s 元", xh_book_yuan(&num, p->class_budget[c] - r->proposed_class[c]));
		xh_book_str(b->bk, ws, lr++, 0, xh_buf_cstr(&line), b->f->line);
	}

	worksheet_freeze_panes(ws, hr + 1, C_TITLE + 1);
	xh_book_check(b->bk, worksheet_autofilter(ws, hr, 0, (lxw_row_t)(hr + n), C_N - 1));
	xh_book_check(b->bk, worksheet_repeat_rows(ws, hr, hr));
	xh_book_cols_free(cw);
	xh_buf_free(&line);
	xh_buf_free(&num);
}

/* ---- sheet 3: 汇总 ---- */

static void S_sheet_summary(S_book *b, const xh_review *r)
{
	const xh_year *y = r->y;
	const xh_programme *p = &y->prog;
	lxw_worksheet *ws = xh_book_sheet(b->bk, "汇总");
	if (!ws)
		return;
	const lxw_col_t ncols = 6;
	xh_book_sheet_top(b->bk, ws, "形式审查与拟立项汇总表", ncols, 1, NULL);

	long by[XH_NCLASS][4], sel[5], nprop[XH_NCLASS];
	memset(by, 0, sizeof(by));
	memset(sel, 0, sizeof(sel));
	memset(nprop, 0, sizeof(nprop));
	for (size_t i = 0; i < y->napplications; i++) {
		int c = y->applications[i].cls;
		const xh_app_result *ar = &r->app[i];
		if (c >= 0 && c < XH_NCLASS && ar->overall <= XH_V_VETO)
			by[c][ar->overall]++;
		if (ar->sel <= XH_SEL_BUDGET)
			sel[ar->sel]++;
		if (ar->sel == XH_SEL_PROPOSED && c >= 0 && c < XH_NCLASS)
			nprop[c]++;
	}
	char a1[16], a2[16];
	char *fml;
	lxw_row_t row = 3;

	/* 1. verdicts by class */
	xh_book_str(b->bk, ws, row++, 0, "一、形式审查结论（按类别）", b->f->section);
	lxw_row_t h1 = row;
	xh_book_str(b->bk, ws, row, 0, "类别", b->f->head);
	for (int v = 0; v < 4; v++)
		xh_book_str(b->bk, ws, row, (lxw_col_t)(1 + v), xh_verdict_name((xh_verdict)v), b->f->head);
	xh_book_str(b->bk, ws, row++, 5, "合计", b->f->head);
	for (int c = 0; c < XH_NCLASS; c++, row++) {
		xh_book_str(b->bk, ws, row, 0, xh_class_name(c), b->f->center);
		long sum = 0;
		for (int v = 0; v < 4; v++) {
			xh_book_num(b->bk, ws, row, (lxw_col_t)(1 + v), (double)by[c][v], b->f->count);
			sum += by[c][v];
		}
		lxw_rowcol_to_cell(a1, row, 1);
		lxw_rowcol_to_cell(a2, row, 4);
		fml = xasprintf("=SUM(%s:%s)", a1, a2);
		xh_book_check(b->bk, worksheet_write_formula_num(ws, row, 5, fml, b->f->total_count, (double)sum));
		free(fml);
	}
	xh_book_str(b->bk, ws, row, 0, "合计", b->f->total_label);
	for (lxw_col_t col = 1; col <= 5; col++) {
		long sum = 0;
		for (int c = 0; c < XH_NCLASS; c++)
			sum += col <= 4 ? by[c][col - 1] : by[c][0] + by[c][1] + by[c][2] + by[c][3];
		lxw_rowcol_to_cell(a1, h1 + 1, col);
		lxw_rowcol_to_cell(a2, row - 1, col);
		fml = xasprintf("=SUM(%s:%s)", a1, a2);
		xh_book_check(b->bk, worksheet_write_formula_num(ws, row, col, fml, b->f->total_count, (double)sum));
		free(fml);
	}
	row += 2;

	/* 2. results */
	xh_book_str(b->bk, ws, row++, 0, "二、拟立项结果", b->f->section);
	xh_book_str(b->bk, ws, row, 0, "结果", b->f->head);
	xh_book_check(b->bk, worksheet_merge_range(ws, row, 1, row, 2, "", b->f->head));
	xh_book_str(b->bk, ws, row, 1, "项目数", b->f->head);
	lxw_row_t h2 = row++;
	long nall = 0;
	for (int s = 0; s <= XH_SEL_BUDGET; s++, row++) {
		xh_book_str(b->bk, ws, row, 0, xh_selection_name((xh_selection)s), b->f->center);
		xh_book_check(b->bk, worksheet_merge_range(ws, row, 1, row, 2, "", b->f->count));
		xh_book_num(b->bk, ws, row, 1, (double)sel[s], b->f->count);
		nall += sel[s];
	}
	xh_book_str(b->bk, ws, row, 0, "合计", b->f->total_label);
	xh_book_check(b->bk, worksheet_merge_range(ws, row, 1, row, 2, "", b->f->total_count));
	lxw_rowcol_to_cell(a1, h2 + 1, 1);
	lxw_rowcol_to_cell(a2, row - 1, 1);
	fml = xasprintf("=SUM(%s:%s)", a1, a2);
	xh_book_check(b->bk, worksheet_write_formula_num(ws, row, 1, fml, b->f->total_count, (double)nall));
	free(fml);
	row += 2;

	/* 3. money by class against the budgets */
	xh_book_str(b->bk, ws, row++, 0, "三、拟资助金额与预算", b->f->section);
	static const char *const h3[] = {"类别", "拟立项数", "拟资助金额", "预算", "剩余", "说明"};
	for (lxw_col_t c = 0; c < 6; c++)
		xh_book_str(b->bk, ws, row, c, h3[c], b->f->head);
	lxw_row_t top = ++row;
	long np = 0;
	for (int c = 0; c < XH_NCLASS; c++, row++) {
		xh_book_str(b->bk, ws, row, 0, xh_class_name(c), b->f->center);
		xh_book_num(b->bk, ws, row, 1, (double)nprop[c], b->f->count);
		xh_book_num(b->bk, ws, row, 2, xh_book_amount(r->proposed_class[c]), b->f->money);
		np += nprop[c];
		if (p->has_class_budget[c]) {
			xh_book_num(b->bk, ws, row, 3, xh_book_amount(p->class_budget[c]), b->f->money);
			lxw_rowcol_to_cell(a1, row, 3);
			lxw_rowcol_to_cell(a2, row, 2);
			fml = xasprintf("=%s-%s", a1, a2);
			xh_book_check(b->bk, worksheet_write_formula_num(ws, row, 4, fml, b->f->money,
			                                       xh_book_amount(p->class_budget[c] - r->proposed_class[c])));
			free(fml);
			xh_book_str(b->bk, ws, row, 5, "", b->f->text);
		} else {
			xh_book_str(b->bk, ws, row, 3, "", b->f->money);
			xh_book_str(b->bk, ws, row, 4, "", b->f->money);
			xh_book_str(b->bk, ws, row, 5, "未设类别预算", b->f->text);
		}
	}
	xh_book_str(b->bk, ws, row, 0, "合计", b->f->total_label);
	lxw_rowcol_to_cell(a1, top, 1);
	lxw_rowcol_to_cell(a2, row - 1, 1);
	fml = xasprintf("=SUM(%s:%s)", a1, a2);
	xh_book_check(b->bk, worksheet_write_formula_num(ws, row, 1, fml, b->f->total_count, (double)np));
	free(fml);
	lxw_rowcol_to_cell(a1, top, 2);
	lxw_rowcol_to_cell(a2, row - 1, 2);
	fml = xasprintf("=SUM(%s:%s)", a1, a2);
	xh_book_check(b->bk, worksheet_write_formula_num(ws, row, 2, fml, b->f->total_money, xh_book_amount(r->proposed_total)));
	free(fml);
	xh_book_num(b->bk, ws, row, 3, xh_book_amount(p->budget), b->f->total_money);
	lxw_rowcol_to_cell(a1, row, 3);
	lxw_rowcol_to_cell(a2, row, 2);
	fml = xasprintf("=%s-%s", a1, a2);
	xh_book_check(b->bk, worksheet_write_formula_num(ws, row, 4, fml, b->f->total_money,
	                                       xh_book_amount(p->budget - r->proposed_total)));
	free(fml);
	xh_book_str(b->bk, ws, row, 5, "年度经费总额", b->f->text);

	static const double w[] = {22, 12, 16, 16, 16, 16};
	for (lxw_col_t c = 0; c < ncols; c++)
		xh_book_check(b->bk, worksheet_set_column(ws, c, c, w[c], NULL));
}

/* ---- sheet 4: 规则说明 ---- */

/* Where the seed is open, the decisions taken (README.md states them too).
 * Each is a printf format; the one with %s takes the name of XH_SEL_BUDGET. */
static const char *const S_decisions[] = {
    "日期一律以申报截止日（application_deadline）为准判断，从不使用运行当天的日期。",
    "应换届日期 = 上次换届日期 + 任期年数（任期未填时按5年）；截至申报截止日已超过应换届日期且未经批准延期的，为无故不按时换届，一票否决。",
    "“近两年”指申报截止日之前的两年。",
    "上年度年检结论：合格为通过；基本合格、未参检为不通过；不合格为一票否决。",
    "学会列入上一年度（Y−1）验收不合格名单（ineligible）的，在第Y年度申报时一票否决。",
    "申请金额超过类别上限的，形式审查给出提示，拟资助金额按上限核定；超出部分只有党组会决定（decisions，写明理由）方可批准。",
    "项目得分为全部评审专家评分的算术平均值，不去掉最高分或最低分，任何评分都不作为异常值剔除；评分专家数少于规定人数（min_experts）的不排名，平均分低于及格分（pass_score）的不拟立项。",
    "同分时，服务重点产业（集群、产业链）的学会在前；仍相同的，提交日期早者在前；再相同的，申报编号小者在前。",
    "按排名依次核定拟资助金额；年度经费（及已设定的类别预算）余额不足以安排某项目时，该项目列为“%s”并注明差额，排名继续向下，后面金额较小的项目仍可安排。",
    "拟立项名单在党组会之前产生；党组会决定（decisions）的批准金额用于资金台账和验收，公示始终以本拟立项名单为准。",
};

static void S_sheet_rules(S_book *b, const xh_review *r)
{
	lxw_worksheet *ws = xh_book_sheet(b->bk, "规则说明");
	if (!ws)
		return;
	static const char *const head[] = {"规则编号", "名称", "依据条款", "读取字段", "规则"};
	static const double width[] = {10, 18, 22, 34, 70};
	const lxw_col_t ncols = 5;
	xh_book_sheet_top(b->bk, ws, "形式审查规则说明", ncols, 0, NULL);
	xh_book_cols *cw = xh_book_cols_new(ncols, 0, 0, NULL, NULL, 0);
	for (lxw_col_t c = 0; c < ncols; c++)
		xh_book_cols_range(cw, c, width[c], width[c]);
	xh_book_cols_set(b->bk, ws, cw);

	const lxw_row_t hr = 2;
	for (lxw_col_t c = 0; c < ncols; c++)
		xh_book_str(b->bk, ws, hr, c, head[c], b->f->head);
	lxw_row_t row = hr + 1;
	for (size_t k = 0; k < r->nrules; k++, row++) {
		const xh_rule *ru = &r->rules[k];
		const char *cell[] = {ru->id, ru->title, ru->clause, ru->fields, ru->rule};
		size_t lines = 1;
		for (lxw_col_t c = 0; c < ncols; c++) {
			xh_book_str(b->bk, ws, row, c, cell[c], c == 0 ? b->f->center : b->f->wrap);
			size_t l = xh_book_lines(cw, c, cell[c]);
			if (l > lines)
				lines = l;
		}
		xh_book_height(b->bk, ws, row, lines);
	}
	lxw_row_t last = row - 1;
	row++;
	xh_book_str(b->bk, ws, row++, 0, "口径说明（实施方案未明确之处的处理）", b->f->section);
	xh_buf t = XH_BUF_INIT;
	double all = 0;
	for (lxw_col_t c = 0; c < ncols; c++)
		all += width[c];
	for (size_t k = 0; k < sizeof(S_decisions) / sizeof(*S_decisions); k++, row++) {
		t.len = 0;
		xh_buf_printf(&t, "%zu. ", k + 1);
		xh_buf_printf(&t, S_decisions[k], xh_selection_name(XH_SEL_BUDGET));
		xh_book_check(b->bk, worksheet_merge_range(ws, row, 0, row, ncols - 1, "", b->f->wrap));
		xh_book_str(b->bk, ws, row, 0, xh_buf_cstr(&t), b->f->wrap);
		/* a merged cell does not grow with its text */
		size_t w = xh_book_width(xh_buf_cstr(&t)), lines = (size_t)((double)w / (all - 2)) + 1;
		xh_book_height(b->bk, ws, row, lines);
	}
	xh_buf_free(&t);
	worksheet_freeze_panes(ws, hr + 1, 0);
	if (r->nrules)
		xh_book_check(b->bk, worksheet_autofilter(ws, hr, 0, last, ncols - 1));
	xh_book_check(b->bk, worksheet_repeat_rows(ws, hr, hr));
	xh_book_cols_free(cw);
}

/* Writes the workbook into stage s; 0, or -1 with a diagnostic. */
static int S_write_xlsx(const xh_review *r, xh_stage *s, xh_diag *diag)
{
	S_book b;
	memset(&b, 0, sizeof(b));
	/* not XH_BOOK_STREAM: comments and merged cells need the sheet in
	 * memory */
	b.bk = xh_book_new(s, S_XLSX, &r->y->prog, "形式审查", XH_BOOK_CTRL_SPACE, diag);
	if (!b.bk)
		return -1;
	b.f = xh_book_fmts(b.bk);
	S_formats(&b);
	S_sheet_review(&b, r);
	S_sheet_rank(&b, r);
	S_sheet_summary(&b, r);
	S_sheet_rules(&b, r);
	return xh_book_close(b.bk);
}

/* ---- the CSV ---- */

static void S_csv(const xh_review *r, xh_buf *out)
{
	const xh_year *y = r->y;
	xh_buf_adds(out, "\xEF\xBB\xBF申报编号,学会名称,项目名称,类别,得分,排名,拟资助金额\r\n");
	for (size_t k = 0; k < y->napplications; k++) {
		int i = r->order[k];
		const xh_app_result *ar = &r->app[i];
		if (ar->sel != XH_SEL_PROPOSED)
			continue;
		const xh_application *a = &y->applications[i];
		xh_buf_csv_field(out, a->id, XH_CSV_GUARD);
		xh_buf_addc(out, ',');
		xh_buf_csv_field(out, xh_year_society_name(y, a), XH_CSV_GUARD);
		xh_buf_addc(out, ',');
		xh_buf_csv_field(out, a->title, XH_CSV_GUARD);
		xh_buf_addc(out, ',');
		xh_buf_csv_field(out, xh_class_name(a->cls), XH_CSV_GUARD);
		xh_buf_printf(out, ",%d.%02d,%d,", ar->mean_hundredths / 100, ar->mean_hundredths % 100,
		              ar->rank);
		S_fen_plain(out, ar->proposed);
		xh_buf_adds(out, "\r\n");
	}
}

/* ---- the text report ---- */

static void S_report(const xh_review *r, FILE *out)
{
	const xh_year *y = r->y;
	const xh_programme *p = &y->prog;
	long nv[4] = {0, 0, 0, 0};
	size_t nprop = 0;
	for (size_t i = 0; i < y->napplications; i++) {
		if (r->app[i].overall <= XH_V_VETO)
			nv[r->app[i].overall]++;
		nprop += r->app[i].sel == XH_SEL_PROPOSED;
	}
	xh_buf m = XH_BUF_INIT;
	fprintf(out, "%d年度形式审查 formal review %d: %zu 项申报 applications\n", p->year, p->year,
	        y->napplications);
	fprintf(out, "  通过 passed %ld, 提示 passed with a note %ld, 不通过 failed %ld, 一票否决 vetoed %ld\n",
	        nv[XH_V_PASS], nv[XH_V_WARN], nv[XH_V_FAIL], nv[XH_V_VETO]);
	fprintf(out, "拟立项 proposed: %zu 项, 合计 total %s 元", nprop, xh_book_yuan(&m, r->proposed_total));
	fprintf(out, " / 年度经费 budget %s 元", xh_book_yuan(&m, p->budget));
	fprintf(out, ", 剩余 remaining %s 元\n", xh_book_yuan(&m, p->budget - r->proposed_total));
	for (int c = 0; c < XH_NCLASS; c++) {
		if (!p->has_class_budget[c])
			continue;
		fprintf(out, "  %s类 class %s: %s 元", xh_class_name(c), xh_class_name(c),
		        xh_book_yuan(&m, r->proposed_class[c]));
		fprintf(out, " / %s 元\n", xh_book_yuan(&m, p->class_budget[c]));
	}
	for (size_t k = 0; k < y->napplications; k++) {
		int i = r->order[k];
		const xh_app_result *ar = &r->app[i];
		if (ar->sel != XH_SEL_PROPOSED)
			continue;
		const xh_application *a = &y->applications[i];
		fprintf(out, "  %3d  %s  %s  %s 元\n", ar->rank, a->id, xh_year_society_name(y, a),
		        xh_book_yuan(&m, ar->proposed));
	}
	if (nprop < y->napplications)
		fprintf(out, "未立项 not proposed: %zu 项\n", y->napplications - nprop);
	for (size_t k = 0; k < y->napplications; k++) {
		int i = r->order[k];
		const xh_app_result *ar = &r->app[i];
		if (ar->sel == XH_SEL_PROPOSED)
			continue;
		const xh_application *a = &y->applications[i];
		if (ar->rank > 0)
			fprintf(out, "  %3d", ar->rank);
		else
			fputs("     ", out);
		fprintf(out, "  %s  %s  %s", a->id, xh_year_society_name(y, a), xh_selection_name(ar->sel));
		if (ar->note && *ar->note)
			fprintf(out, ": %s", ar->note);
		fputc('\n', out);
	}
	xh_buf_free(&m);
}

/* ---- the entry point ---- */

xh_err xh_review_write(const xh_review *r, const char *outdir, FILE *report, xh_stage **keep,
                       xh_diag *diag)
{
	xh_stage *s = xh_stage_begin(r->y, outdir, "review", diag);
	if (!s)
		return XH_ESYS;
	xh_buf csv = XH_BUF_INIT;
	S_csv(r, &csv);
	/* both files complete before the folder is put in place */
	int ok = S_write_xlsx(r, s, diag) == 0 &&
	         xh_stage_bytes(s, S_CSV, csv.data ? csv.data : "", csv.len, diag) == XH_OK &&
	         xh_stage_commit(s, diag) == XH_OK;
	xh_buf_free(&csv);
	if (ok && keep)
		*keep = s;
	else
		xh_stage_free(s);
	if (!ok)
		return XH_ESYS;
	if (report)
		S_report(r, report);
	return xh_book_report_end(report, diag);
}
