/*
 * ledger_out.c — writes a ledger (ledger.h): OUT/<year>/ledger/资金台账.xlsx
 * and the list of exceptions.
 *
 * Five sheets, each laid out as DOMAIN.md §2.4 asks of every ledger (a
 * merged title row, an "编制单位" row with "单位：元" on the right, a frozen
 * header with an autofilter, amounts #,##0.00, A4 landscape one page wide
 * with the header row repeated, the year and issuer in the page header,
 * page numbers in the footer):
 *
 *   资金分配   a row per approved project; subtotals by class (SUMIF) and a
 *              合计 (SUM); the year's budget, what is approved, what is left
 *   拨付       every payment in file order, with its check
 *   支出       every expense in file order, with its 合规 check; flagged rows
 *              are coloured by a conditional format on the check column
 *   分类汇总   spending per project × category against the budget lines
 *   概览       the year's figures, by class, the allowed categories and two
 *              charts that read the sheets above
 *
 * Every total is a formula with its cached value, the exact sum in fen
 * computed here, so that a viewer that does not recalculate shows it and
 * staff who edit a cell see the totals move.  Money stays in fen until a
 * cell is written (fen / 100.0).  Text from the records is always a string
 * cell, never a formula, cut to Excel's 32,767 characters if need be.
 *
 * Every sheet is written strictly row by row, top to bottom, so the same
 * code serves libxlsxwriter's constant-memory mode, which a large year
 * uses (S_BIG): in that mode a row is flushed as soon as a later one is
 * started and a write to an earlier row is silently dropped; merged ranges
 * work only within the current row (a title row), strings are inline
 * rather than shared, and charts carry no cached data (Excel and
 * LibreOffice read the ranges).
 *
 * The workbook goes to a temporary name in the output folder and is
 * renamed when complete; its creation time is fixed (1 January of the
 * programme year, UTC), so the same year folder gives the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "ledger.h"
#include "schema.h"

#define S_XLSX "资金台账.xlsx"
#define S_BIG 20000        /* records above which the workbook uses constant memory */

enum { S_SH_ALLOC, S_SH_DIS, S_SH_EXP, S_SH_CAT, S_SH_VIEW, S_NSHEETS };
static const char *const S_sheet_name[S_NSHEETS] = {"资金分配", "拨付", "支出", "分类汇总", "概览"};

/* ---- small helpers ---- */

static const char *S_app_id(const xh_year *y, int i)
{
	return i >= 0 && (size_t)i < y->napplications ? y->applications[i].id : "";
}

static const char *S_society(const xh_year *y, int i)
{
	if (i < 0 || (size_t)i >= y->napplications)
		return "";
	return xh_year_society_name(y, &y->applications[i]);
}

/* ---- the workbook ---- */

typedef struct S_book {
	xh_book *bk;
	const xh_book_fmt *f; /* the shared formats (book.h) */
	const xh_ledger *l;
	lxw_format *date, *pct, *ok, *flag, *total_pct, *label, *cf_flag; /* the ledger's own */
	/* rows the 概览 refers to, 0-based; set as the sheets are written */
	lxw_row_t alloc_first, alloc_last, alloc_sub[XH_NCLASS], alloc_total;
	lxw_row_t dis_total, exp_total, cats_first, cats_last;
	int cats_on_view;     /* the category list of 支出 reads 概览's range */
} S_book;

static void S_datecell(S_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                       const xh_opt_date *d)
{
	if (!d->set || !xh_date_valid(d->d)) {
		xh_book_check(b->bk, worksheet_write_blank(ws, r, c, b->date));
		return;
	}
	lxw_datetime dt = {d->d.y, d->d.m, d->d.d, 0, 0, 0.0};
	xh_book_check(b->bk, worksheet_write_datetime(ws, r, c, &dt, b->date));
}

/* "F4" and "$F$4" of 0-based row and column */
static const char *S_cell(char *buf, lxw_row_t r, lxw_col_t c)
{
	lxw_rowcol_to_cell(buf, r, c);
	return buf;
}

static const char *S_abs(char *buf, lxw_row_t r, lxw_col_t c)
{
	lxw_rowcol_to_cell_abs(buf, r, c, 1, 1);
	return buf;
}

static void S_formats(S_book *b)
{
	b->date = xh_book_format(b->bk, 1);
	format_set_num_format(b->date, "yyyy\"年\"m\"月\"d\"日\"");
	format_set_align(b->date, LXW_ALIGN_CENTER);
	b->pct = xh_book_format(b->bk, 1);
	format_set_num_format(b->pct, "0.00%");
	b->ok = xh_book_format(b->bk, 1);
	format_set_align(b->ok, LXW_ALIGN_CENTER);
	b->flag = xh_book_format(b->bk, 1);
	format_set_text_wrap(b->flag);
	b->total_pct = xh_book_format(b->bk, 1);
	format_set_bold(b->total_pct);
	format_set_num_format(b->total_pct, "0.00%");
	b->label = xh_book_format(b->bk, 1);
	/* Excel's "light red fill with dark red text" */
	b->cf_flag = workbook_add_format(xh_book_wb(b->bk));
	format_set_bg_color(b->cf_flag, 0xFFC7CE);
	format_set_font_color(b->cf_flag, 0x9C0006);
}

/* The shared top (xh_book_sheet_top) with the year and the sheet in the
 * page header. */
static void S_sheet_top(S_book *b, lxw_worksheet *ws, const char *what, const char *sheet,
                        lxw_col_t ncols)
{
	char *header = xasprintf("%d年度资金台账·%s", b->l->y->prog.year, sheet);
	xh_book_sheet_top(b->bk, ws, what, ncols, 1, header);
	free(header);
}

/* Flagged rows in light red: a formula rule on the check column over the
 * rows [first, last]. */
static void S_flag_rows(S_book *b, lxw_worksheet *ws, lxw_row_t first, lxw_row_t last,
                        lxw_col_t ncols, lxw_col_t check)
{
	if (last < first)
		return;
	char a[32], fml[64];
	lxw_rowcol_to_cell_abs(a, first, check, 0, 1);
	snprintf(fml, sizeof(fml), "=%s<>\"OK\"", a);
	lxw_conditional_format cf;
	memset(&cf, 0, sizeof(cf));
	cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
	cf.value_string = fml;
	cf.format = b->cf_flag;
	xh_book_check(b->bk, worksheet_conditional_format_range(ws, first, 0, last, ncols - 1, &cf));
}

/* A list validation on one column over [first, last]: the items inline
 * when Excel's 255 characters hold them, else a reference to a range. */
static void S_list(S_book *b, lxw_worksheet *ws, lxw_row_t first, lxw_row_t last, lxw_col_t col,
                   const char **items, const char *range, const char *what)
{
	if (last < first)
		return;
	lxw_data_validation v;
	memset(&v, 0, sizeof(v));
	v.validate = LXW_VALIDATION_TYPE_LIST;
	v.ignore_blank = LXW_VALIDATION_ON;
	v.show_error = LXW_VALIDATION_ON;
	v.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;
	v.error_title = "不在允许范围";
	char *msg = xasprintf("请从下拉列表中选择%s。", what);
	v.error_message = msg;
	if (items) {
		v.value_list = (char **)items;
	} else {
		v.value_formula = (char *)range;
	}
	xh_book_check(b->bk, worksheet_data_validation_range(ws, first, col, last, col, &v));
	free(msg);
}

/* Would Excel take these items as an inline list?  Under 255 characters
 * with the commas, and no item with a comma or a quote. */
static int S_inline_ok(char **items, size_t n)
{
	size_t chars = n ? n - 1 : 0;
	for (size_t i = 0; i < n; i++) {
		if (!*items[i] || strchr(items[i], ',') || strchr(items[i], '"'))
			return 0;
		for (const char *p = items[i]; *p; p++)
			chars += ((unsigned char)*p & 0xC0) != 0x80;
	}
	return n > 0 && chars < 255;
}

/* ---- sheet 1: 资金分配 ---- */

enum { A_NO, A_ID, A_SOC, A_TITLE, A_CLS, A_REQ, A_APPR, A_DIS, A_SPENT, A_BAL, A_SRC, A_N };

static void S_sheet_alloc(S_book *b, lxw_worksheet *ws)
{
	const xh_ledger *l = b->l;
	const xh_year *y = l->y;
	const xh_programme *p = &y->prog;
	static const char *const head[A_N] = {"序号",   "申报编号", "学会名称", "项目名称", "类别",
	                                      "申请金额", "核定金额", "已拨付",   "已支出",   "结余",
	                                      "来源"};
	const lxw_row_t hr = 2;
	const size_t n = l->nalloc;
	S_sheet_top(b, ws, "资金分配台账", S_sheet_name[S_SH_ALLOC], A_N);

	static const xh_book_range widths[] = {
	    {A_ID, 8, 16},   {A_SOC, 12, 24},   {A_TITLE, 16, 30}, {A_REQ, 12, 18}, {A_APPR, 12, 18},
	    {A_DIS, 12, 18}, {A_SPENT, 12, 18}, {A_BAL, 12, 18},   {A_SRC, 12, 12}, {0, 0, 0}};
	xh_book_cols *cw = xh_book_cols_new(A_N, 6, 16, widths, head, A_N);
	xh_buf num = XH_BUF_INIT;
	for (size_t k = 0; k < n; k++) {
		const xh_allocation *a = &l->alloc[k];
		xh_book_cols_fit(cw, A_ID, S_app_id(y, a->application));
		xh_book_cols_fit(cw, A_SOC, S_society(y, a->application));
		xh_book_cols_fit(cw, A_TITLE, y->applications[a->application].title);
		xh_book_cols_fit(cw, A_REQ, xh_book_yuan(&num, a->requested));
	}
	xh_book_cols_fit(cw, A_APPR, xh_book_yuan(&num, p->budget));
	xh_book_cols_set(b->bk, ws, cw);
	const lxw_row_t first = hr + 1, last = hr + (lxw_row_t)n;
	static const char *cls_items[] = {"A", "B", "推广", NULL};
	S_list(b, ws, first, last, A_CLS, cls_items, NULL, "类别（A、B、推广）");
	xh_book_frame(b->bk, ws, hr, n ? last : hr, A_N, 0);
	xh_book_head(b->bk, ws, hr, cw, head, A_N);

	lxw_row_t row = hr + 1;
	xh_fen sum[XH_NCLASS][A_N], all[A_N];
	memset(sum, 0, sizeof(sum));
	memset(all, 0, sizeof(all));
	char c1[32], c2[32];
	for (size_t k = 0; k < n; k++, row++) {
		const xh_allocation *a = &l->alloc[k];
		const xh_application *app = &y->applications[a->application];
		size_t lines = xh_book_lines(cw, A_SOC, S_society(y, a->application)), l2;
		if ((l2 = xh_book_lines(cw, A_TITLE, app->title)) > lines)
			lines = l2;
		xh_book_height(b->bk, ws, row, lines);
		xh_book_num(b->bk, ws, row, A_NO, (double)(k + 1), b->f->count);
		xh_book_app(b->bk, ws, row, A_ID, y, app);
		xh_book_num(b->bk, ws, row, A_REQ, xh_book_amount(a->requested), b->f->money);
		xh_book_num(b->bk, ws, row, A_APPR, xh_book_amount(a->approved), b->f->money);
		xh_book_num(b->bk, ws, row, A_DIS, xh_book_amount(a->disbursed), b->f->money);
		xh_book_num(b->bk, ws, row, A_SPENT, xh_book_amount(a->spent), b->f->money);
		xh_book_formula(b->bk, ws, row, A_BAL, b->f->money, xh_book_amount(a->disbursed - a->spent), "=%s-%s",
		          S_cell(c1, row, A_DIS), S_cell(c2, row, A_SPENT));
		xh_book_str(b->bk, ws, row, A_SRC, a->from_decision ? "党组会决定" : "拟立项名单", b->f->center);
		xh_fen v[A_N] = {0};
		v[A_REQ] = a->requested, v[A_APPR] = a->approved, v[A_DIS] = a->disbursed;
		v[A_SPENT] = a->spent, v[A_BAL] = a->disbursed - a->spent;
		int cls = app->cls >= 0 && app->cls < XH_NCLASS ? app->cls : XH_CLASS_A;
		for (size_t c = A_REQ; c <= A_BAL; c++)
			sum[cls][c] += v[c], all[c] += v[c];
	}
	if (n == 0)
		xh_book_str(b->bk, ws, row++, 0, "（本年度无核定项目）", b->f->line);
	b->alloc_first = first;
	b->alloc_last = last;

	/* subtotals by class: SUMIF over the class column, so that a class
	 * changed by hand moves its money */
	for (int c = 0; c < XH_NCLASS; c++, row++) {
		b->alloc_sub[c] = row;
		char *label = xasprintf("%s类小计", xh_class_name(c));
		xh_book_check(b->bk, worksheet_merge_range(ws, row, A_NO, row, A_CLS, "", b->f->total_label));
		xh_book_str(b->bk, ws, row, A_NO, label, b->f->total_label);
		free(label);
		for (lxw_col_t k = A_REQ; k <= A_BAL; k++) {
			if (n == 0) {
				xh_book_num(b->bk, ws, row, k, 0, b->f->total_money);
				continue;
			}
			char r1[32], r2[32], v1[32], v2[32];
			xh_book_formula(b->bk, ws, row, k, b->f->total_money, xh_book_amount(sum[c][k]),
			          "=SUMIF(%s:%s,\"%s\",%s:%s)", S_abs(r1, first, A_CLS), S_abs(r2, last, A_CLS),
			          xh_class_name(c), S_abs(v1, first, k), S_abs(v2, last, k));
		}
		xh_book_str(b->bk, ws, row, A_SRC, "", b->f->total_label);
	}
	b->alloc_total = row;
	xh_book_check(b->bk, worksheet_merge_range(ws, row, A_NO, row, A_CLS, "", b->f->total_label));
	xh_book_str(b->bk, ws, row, A_NO, "合计", b->f->total_label);
	for (lxw_col_t k = A_REQ; k <= A_BAL; k++) {
		if (n == 0)
			xh_book_num(b->bk, ws, row, k, 0, b->f->total_money);
		else
			xh_book_formula(b->bk, ws, row, k, b->f->total_money, xh_book_amount(all[k]), "=SUM(%s:%s)",
			          S_cell(c1, first, k), S_cell(c2, last, k));
	}
	xh_book_str(b->bk, ws, row, A_SRC, "", b->f->total_label);
	const lxw_row_t total = row;
	row += 2;

	/* the budget: a label over 序号…申请金额, the figure under 核定金额 */
	lxw_row_t budget_row = row;
	xh_book_check(b->bk, worksheet_merge_range(ws, row, A_NO, row, A_REQ, "", b->label));
	xh_book_str(b->bk, ws, row, A_NO, "年度经费总额", b->label);
	xh_book_num(b->bk, ws, row, A_APPR, xh_book_amount(p->budget), b->f->total_money);
	row++;
	xh_book_check(b->bk, worksheet_merge_range(ws, row, A_NO, row, A_REQ, "", b->label));
	xh_book_str(b->bk, ws, row, A_NO, "已核定", b->label);
	xh_book_formula(b->bk, ws, row, A_APPR, b->f->total_money, xh_book_amount(l->approved_total), "=%s",
	          S_cell(c1, total, A_APPR));
	row++;
	xh_book_check(b->bk, worksheet_merge_range(ws, row, A_NO, row, A_REQ, "", b->label));
	xh_book_str(b->bk, ws, row, A_NO, "剩余（年度经费总额−已核定）", b->label);
	xh_book_formula(b->bk, ws, row, A_APPR, b->f->total_money, xh_book_amount(p->budget - l->approved_total), "=%s-%s",
	          S_cell(c1, budget_row, A_APPR), S_cell(c2, total, A_APPR));
	row++;
	for (int c = 0; c < XH_NCLASS; c++) {
		if (!p->has_class_budget[c])
			continue;
		lxw_row_t cb = row;
		char *label = xasprintf("%s类经费预算", xh_class_name(c));
		xh_book_check(b->bk, worksheet_merge_range(ws, row, A_NO, row, A_REQ, "", b->label));
		xh_book_str(b->bk, ws, row, A_NO, label, b->label);
		free(label);
		xh_book_num(b->bk, ws, row, A_APPR, xh_book_amount(p->class_budget[c]), b->f->money);
		row++;
		label = xasprintf("%s类剩余", xh_class_name(c));
		xh_book_check(b->bk, worksheet_merge_range(ws, row, A_NO, row, A_REQ, "", b->label));
		xh_book_str(b->bk, ws, row, A_NO, label, b->label);
		free(label);
		xh_book_formula(b->bk, ws, row, A_APPR, b->f->money, xh_book_amount(p->class_budget[c] - l->approved_class[c]),
		          "=%s-%s", S_cell(c1, cb, A_APPR), S_cell(c2, b->alloc_sub[c], A_APPR));
		row++;
	}
	xh_book_cols_free(cw);
	xh_buf_free(&num);
}

/* ---- sheet 2: 拨付 ---- */

enum { D_NO, D_ID, D_SOC, D_DATE, D_AMT, D_VOUCHER, D_CHECK, D_N };

static void S_sheet_dis(S_book *b, lxw_worksheet *ws)
{
	const xh_ledger *l = b->l;
	const xh_year *y = l->y;
	static const char *const head[D_N] = {"序号",     "申报编号",     "学会名称", "拨付日期",
	                                      "拨付金额", "到账凭据编号", "核查"};
	const lxw_row_t hr = 2;
	const size_t n = y->ndisbursements;
	S_sheet_top(b, ws, "拨付台账", S_sheet_name[S_SH_DIS], D_N);

	static const xh_book_range widths[] = {{D_ID, 8, 16},      {D_SOC, 12, 24},  {D_DATE, 16, 16},
	                                       {D_AMT, 12, 18},    {D_VOUCHER, 12, 24}, {D_CHECK, 8, 40},
	                                       {0, 0, 0}};
	xh_book_cols *cw = xh_book_cols_new(D_N, 6, 16, widths, head, D_N);
	xh_buf num = XH_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const xh_disbursement *d = &y->disbursements[i];
		xh_book_cols_fit(cw, D_ID, S_app_id(y, d->application));
		xh_book_cols_fit(cw, D_SOC, S_society(y, d->application));
		xh_book_cols_fit(cw, D_AMT, xh_book_yuan(&num, d->amount));
		xh_book_cols_fit(cw, D_VOUCHER, d->voucher);
		xh_book_cols_fit(cw, D_CHECK, l->dis_reason[i]);
	}
	xh_book_cols_fit(cw, D_AMT, xh_book_yuan(&num, l->disbursed_total));
	xh_book_cols_set(b->bk, ws, cw);
	const lxw_row_t first = hr + 1, last = hr + (lxw_row_t)n;
	S_flag_rows(b, ws, first, last, D_N, D_CHECK);
	xh_book_frame(b->bk, ws, hr, n ? last : hr, D_N, 0);
	xh_book_head(b->bk, ws, hr, cw, head, D_N);

	lxw_row_t row = hr + 1;
	for (size_t i = 0; i < n; i++, row++) {
		const xh_disbursement *d = &y->disbursements[i];
		const char *why = l->dis_reason[i];
		size_t lines = xh_book_lines(cw, D_SOC, S_society(y, d->application)), l2;
		if (why && (l2 = xh_book_lines(cw, D_CHECK, why)) > lines)
			lines = l2;
		xh_book_height(b->bk, ws, row, lines);
		xh_book_num(b->bk, ws, row, D_NO, (double)(i + 1), b->f->count);
		xh_book_str(b->bk, ws, row, D_ID, S_app_id(y, d->application), b->f->text);
		xh_book_str(b->bk, ws, row, D_SOC, S_society(y, d->application), b->f->wrap);
		S_datecell(b, ws, row, D_DATE, &d->date);
		xh_book_num(b->bk, ws, row, D_AMT, xh_book_amount(d->amount), b->f->money);
		xh_book_str(b->bk, ws, row, D_VOUCHER, d->voucher, b->f->text);
		xh_book_str(b->bk, ws, row, D_CHECK, why ? why : "OK", why ? b->flag : b->ok);
	}
	if (n == 0)
		xh_book_str(b->bk, ws, row++, 0, "（暂无拨付记录）", b->f->line);
	b->dis_total = row;
	xh_book_check(b->bk, worksheet_merge_range(ws, row, D_NO, row, D_DATE, "", b->f->total_label));
	xh_book_str(b->bk, ws, row, D_NO, "合计", b->f->total_label);
	if (n) {
		char c1[32], c2[32];
		xh_book_formula(b->bk, ws, row, D_AMT, b->f->total_money, xh_book_amount(l->disbursed_total), "=SUM(%s:%s)",
		          S_cell(c1, first, D_AMT), S_cell(c2, last, D_AMT));
	} else {
		xh_book_num(b->bk, ws, row, D_AMT, 0, b->f->total_money);
	}
	xh_book_str(b->bk, ws, row, D_VOUCHER, "", b->f->total_label);
	xh_book_str(b->bk, ws, row, D_CHECK, "", b->f->total_label);

	xh_book_cols_free(cw);
	xh_buf_free(&num);
}

/* ---- sheet 3: 支出 ---- */

enum { E_NO, E_ID, E_SOC, E_DATE, E_CAT, E_AMT, E_DESC, E_VOUCHER, E_CHECK, E_N };

static void S_sheet_exp(S_book *b, lxw_worksheet *ws)
{
	const xh_ledger *l = b->l;
	const xh_year *y = l->y;
	const xh_programme *p = &y->prog;
	static const char *const head[E_N] = {"序号", "申报编号", "学会名称", "支出日期", "经费类别",
	                                      "金额", "摘要",     "凭证号",   "合规"};
	const lxw_row_t hr = 2;
	const size_t n = y->nexpenditures;
	S_sheet_top(b, ws, "支出明细", S_sheet_name[S_SH_EXP], E_N);

	static const xh_book_range widths[] = {
	    {E_NO, 7, 9},    {E_ID, 8, 16},    {E_SOC, 12, 24},     {E_DATE, 16, 16}, {E_CAT, 10, 16},
	    {E_AMT, 12, 18}, {E_DESC, 16, 36}, {E_VOUCHER, 10, 18}, {E_CHECK, 8, 40}, {0, 0, 0}};
	xh_book_cols *cw = xh_book_cols_new(E_N, 6, 16, widths, head, E_N);
	xh_buf num = XH_BUF_INIT;
	char nbuf[32];
	snprintf(nbuf, sizeof(nbuf), "%zu", n);
	xh_book_cols_fit(cw, E_NO, nbuf);
	/* ids and names repeat: measure each application once */
	unsigned char *seen = xcalloc(y->napplications + 1, 1);
	for (size_t i = 0; i < n; i++) {
		const xh_expenditure *e = &y->expenditures[i];
		if (e->application >= 0 && (size_t)e->application < y->napplications &&
		    !seen[e->application]) {
			seen[e->application] = 1;
			xh_book_cols_fit(cw, E_ID, S_app_id(y, e->application));
			xh_book_cols_fit(cw, E_SOC, S_society(y, e->application));
		}
		xh_book_cols_fit(cw, E_CAT, e->category);
		xh_book_cols_fit(cw, E_DESC, e->description);
		xh_book_cols_fit(cw, E_VOUCHER, e->voucher);
		xh_book_cols_fit(cw, E_CHECK, l->exp_reason[i]);
	}
	free(seen);
	xh_book_cols_fit(cw, E_AMT, xh_book_yuan(&num, l->spent_total));
	xh_book_cols_set(b->bk, ws, cw);
	const lxw_row_t first = hr + 1, last = hr + (lxw_row_t)n;
	S_flag_rows(b, ws, first, last, E_N, E_CHECK);
	if (p->ncategories) {
		if (!b->cats_on_view) {
			const char **items = xcalloc(p->ncategories + 1, sizeof(*items));
			for (size_t k = 0; k < p->ncategories; k++)
				items[k] = p->categories[k];
			S_list(b, ws, first, last, E_CAT, items, NULL, "允许的经费类别");
			free(items);
		} else {
			/* the 概览 lists them, one a row (S_sheet_view) */
			char r1[32], r2[32], *ref;
			ref = xasprintf("='%s'!%s:%s", S_sheet_name[S_SH_VIEW], S_abs(r1, b->cats_first, 0),
			                S_abs(r2, b->cats_last, 0));
			S_list(b, ws, first, last, E_CAT, NULL, ref, "允许的经费类别（见“概览”）");
			free(ref);
		}
	}
	xh_book_frame(b->bk, ws, hr, n ? last : hr, E_N, 0);
	xh_book_head(b->bk, ws, hr, cw, head, E_N);

	lxw_row_t row = hr + 1;
	for (size_t i = 0; i < n; i++, row++) {
		const xh_expenditure *e = &y->expenditures[i];
		const char *why = l->exp_reason[i];
		size_t lines = xh_book_lines(cw, E_DESC, e->description), l2;
		if ((l2 = xh_book_lines(cw, E_SOC, S_society(y, e->application))) > lines)
			lines = l2;
		if (why && (l2 = xh_book_lines(cw, E_CHECK, why)) > lines)
			lines = l2;
		xh_book_height(b->bk, ws, row, lines);
		xh_book_num(b->bk, ws, row, E_NO, (double)(i + 1), b->f->count);
		xh_book_str(b->bk, ws, row, E_ID, S_app_id(y, e->application), b->f->text);
		xh_book_str(b->bk, ws, row, E_SOC, S_society(y, e->application), b->f->wrap);
		S_datecell(b, ws, row, E_DATE, &e->date);
		xh_book_str(b->bk, ws, row, E_CAT, e->category, b->f->center);
		xh_book_num(b->bk, ws, row, E_AMT, xh_book_amount(e->amount), b->f->money);
		xh_book_str(b->bk, ws, row, E_DESC, e->description, b->f->wrap);
		xh_book_str(b->bk, ws, row, E_VOUCHER, e->voucher, b->f->text);
		xh_book_str(b->bk, ws, row, E_CHECK, why ? why : "OK", why ? b->flag : b->ok);
	}
	if (n == 0)
		xh_book_str(b->bk, ws, row++, 0, "（暂无支出记录）", b->f->line);
	b->exp_total = row;
	xh_book_check(b->bk, worksheet_merge_range(ws, row, E_NO, row, E_CAT, "", b->f->total_label));
	xh_book_str(b->bk, ws, row, E_NO, "合计", b->f->total_label);
	if (n) {
		char c1[32], c2[32];
		xh_book_formula(b->bk, ws, row, E_AMT, b->f->total_money, xh_book_amount(l->spent_total), "=SUM(%s:%s)",
		          S_cell(c1, first, E_AMT), S_cell(c2, last, E_AMT));
	} else {
		xh_book_num(b->bk, ws, row, E_AMT, 0, b->f->total_money);
	}
	for (lxw_col_t c = E_DESC; c < E_N; c++)
		xh_book_str(b->bk, ws, row, c, "", b->f->total_label);

	xh_book_cols_free(cw);
	xh_buf_free(&num);
}

/* ---- sheet 4: 分类汇总 ---- */

enum { C_ID, C_SOC, C_CAT, C_BUDGET, C_SPENT, C_DIFF, C_RATE, C_N };

static void S_sheet_cat(S_book *b, lxw_worksheet *ws)
{
	const xh_ledger *l = b->l;
	const xh_year *y = l->y;
	static const char *const head[C_N] = {"申报编号", "学会名称", "经费类别", "预算金额",
	                                      "实际支出", "差额",     "执行率"};
	const lxw_row_t hr = 2;
	S_sheet_top(b, ws, "经费分类汇总表", S_sheet_name[S_SH_CAT], C_N);

	static const xh_book_range widths[] = {
	    {C_ID, 8, 16},      {C_SOC, 12, 24}, {C_CAT, 10, 20},  {C_BUDGET, 12, 18},
	    {C_SPENT, 12, 18},  {C_DIFF, 12, 18}, {C_RATE, 10, 10}, {0, 0, 0}};
	xh_book_cols *cw = xh_book_cols_new(C_N, 8, 16, widths, head, C_N);
	xh_buf num = XH_BUF_INIT;
	xh_fen tb = 0, ts = 0;
	size_t nrows = 0;
	for (size_t k = 0; k < l->nalloc; k++) {
		const xh_allocation *a = &l->alloc[k];
		xh_book_cols_fit(cw, C_ID, S_app_id(y, a->application));
		xh_book_cols_fit(cw, C_SOC, S_society(y, a->application));
		for (size_t c = 0; c < a->ncats; c++) {
			xh_book_cols_fit(cw, C_CAT, a->cats[c].category);
			tb += a->cats[c].budget;
			ts += a->cats[c].spent;
			nrows++;
		}
	}
	xh_book_cols_fit(cw, C_BUDGET, xh_book_yuan(&num, tb));
	xh_book_cols_fit(cw, C_SPENT, xh_book_yuan(&num, ts));
	xh_book_cols_set(b->bk, ws, cw);
	const lxw_row_t first = hr + 1, last = hr + (lxw_row_t)nrows;
	xh_book_frame(b->bk, ws, hr, nrows ? last : hr, C_N, 0);
	xh_book_head(b->bk, ws, hr, cw, head, C_N);

	lxw_row_t row = hr + 1;
	char c1[32], c2[32];
	for (size_t k = 0; k < l->nalloc; k++) {
		const xh_allocation *a = &l->alloc[k];
		for (size_t c = 0; c < a->ncats; c++, row++) {
			const xh_category_sum *s = &a->cats[c];
			xh_book_height(b->bk, ws, row, xh_book_lines(cw, C_SOC, S_society(y, a->application)));
			xh_book_str(b->bk, ws, row, C_ID, S_app_id(y, a->application), b->f->text);
			xh_book_str(b->bk, ws, row, C_SOC, S_society(y, a->application), b->f->wrap);
			xh_book_str(b->bk, ws, row, C_CAT, s->category, b->f->center);
			xh_book_num(b->bk, ws, row, C_BUDGET, xh_book_amount(s->budget), b->f->money);
			xh_book_num(b->bk, ws, row, C_SPENT, xh_book_amount(s->spent), b->f->money);
			xh_book_formula(b->bk, ws, row, C_DIFF, b->f->money, xh_book_amount(s->budget - s->spent), "=%s-%s",
			          S_cell(c1, row, C_BUDGET), S_cell(c2, row, C_SPENT));
			if (s->budget > 0)
				xh_book_formula(b->bk, ws, row, C_RATE, b->pct, (double)s->spent / (double)s->budget,
				          "=%s/%s", S_cell(c1, row, C_SPENT), S_cell(c2, row, C_BUDGET));
			else
				xh_book_check(b->bk, worksheet_write_blank(ws, row, C_RATE, b->pct));
		}
	}
	if (nrows == 0)
		xh_book_str(b->bk, ws, row++, 0, "（本年度无核定项目）", b->f->line);
	xh_book_check(b->bk, worksheet_merge_range(ws, row, C_ID, row, C_CAT, "", b->f->total_label));
	xh_book_str(b->bk, ws, row, C_ID, "合计", b->f->total_label);
	if (nrows) {
		xh_book_formula(b->bk, ws, row, C_BUDGET, b->f->total_money, xh_book_amount(tb), "=SUM(%s:%s)",
		          S_cell(c1, first, C_BUDGET), S_cell(c2, last, C_BUDGET));
		xh_book_formula(b->bk, ws, row, C_SPENT, b->f->total_money, xh_book_amount(ts), "=SUM(%s:%s)",
		          S_cell(c1, first, C_SPENT), S_cell(c2, last, C_SPENT));
	} else {
		xh_book_num(b->bk, ws, row, C_BUDGET, 0, b->f->total_money);
		xh_book_num(b->bk, ws, row, C_SPENT, 0, b->f->total_money);
	}
	xh_book_formula(b->bk, ws, row, C_DIFF, b->f->total_money, xh_book_amount(tb - ts), "=%s-%s",
	          S_cell(c1, row, C_BUDGET), S_cell(c2, row, C_SPENT));
	if (tb > 0)
		xh_book_formula(b->bk, ws, row, C_RATE, b->total_pct, (double)ts / (double)tb, "=%s/%s",
		          S_cell(c1, row, C_SPENT), S_cell(c2, row, C_BUDGET));
	else
		xh_book_check(b->bk, worksheet_write_blank(ws, row, C_RATE, b->total_pct));
	xh_book_cols_free(cw);
	xh_buf_free(&num);
}

/* ---- sheet 5: 概览 ---- */

static void S_sheet_view(S_book *b, lxw_worksheet *ws)
{
	const xh_ledger *l = b->l;
	const xh_year *y = l->y;
	const xh_programme *p = &y->prog;
	const lxw_col_t ncols = 6;
	S_sheet_top(b, ws, "资金概览", S_sheet_name[S_SH_VIEW], ncols);
	static const double width[6] = {24, 12, 18, 18, 18, 18};
	for (lxw_col_t c = 0; c < ncols; c++)
		xh_book_check(b->bk, worksheet_set_column(ws, c, c, width[c], NULL));
	const char *A = S_sheet_name[S_SH_ALLOC], *D = S_sheet_name[S_SH_DIS],
	           *E = S_sheet_name[S_SH_EXP];
	char c1[32], c2[32], c3[32], c4[32];
	const size_t n = l->nalloc;
	size_t nflag_dis = 0, nflag_exp = 0;
	for (size_t i = 0; i < y->ndisbursements; i++)
		nflag_dis += l->dis_reason[i] != NULL;
	for (size_t i = 0; i < y->nexpenditures; i++)
		nflag_exp += l->exp_reason[i] != NULL;

	/* 1. the year's figures */
	lxw_row_t row = 3;
	xh_book_str(b->bk, ws, row++, 0, "一、年度概况", b->f->section);
	xh_book_check(b->bk, worksheet_merge_range(ws, row, 0, row, 1, "", b->f->head));
	xh_book_str(b->bk, ws, row, 0, "项目", b->f->head);
	xh_book_str(b->bk, ws, row, 2, "数值", b->f->head);
	row++;
	struct {
		const char *label;
	} const fig[] = {{"项目数（个）"},  {"年度经费总额"}, {"核定合计"},       {"剩余（年度经费−核定）"},
	                 {"已拨付"},        {"已支出"},       {"结余（已拨付−已支出）"}, {"例外（条）"}};
	lxw_row_t r0 = row;
	for (size_t k = 0; k < sizeof(fig) / sizeof(*fig); k++, row++) {
		xh_book_check(b->bk, worksheet_merge_range(ws, row, 0, row, 1, "", b->label));
		xh_book_str(b->bk, ws, row, 0, fig[k].label, b->label);
		switch (k) {
		case 0:
			if (n)
				xh_book_formula(b->bk, ws, row, 2, b->f->total_count, (double)n, "=COUNTA('%s'!%s:%s)", A,
				          S_abs(c1, b->alloc_first, A_ID), S_abs(c2, b->alloc_last, A_ID));
			else
				xh_book_num(b->bk, ws, row, 2, 0, b->f->total_count);
			break;
		case 1:
			xh_book_num(b->bk, ws, row, 2, xh_book_amount(p->budget), b->f->total_money);
			break;
		case 2:
			xh_book_formula(b->bk, ws, row, 2, b->f->total_money, xh_book_amount(l->approved_total), "='%s'!%s", A,
			          S_abs(c1, b->alloc_total, A_APPR));
			break;
		case 3:
			xh_book_formula(b->bk, ws, row, 2, b->f->total_money, xh_book_amount(p->budget - l->approved_total),
			          "=%s-%s", S_cell(c1, r0 + 1, 2), S_cell(c2, r0 + 2, 2));
			break;
		case 4:
			xh_book_formula(b->bk, ws, row, 2, b->f->total_money, xh_book_amount(l->disbursed_total), "='%s'!%s", D,
			          S_abs(c1, b->dis_total, D_AMT));
			break;
		case 5:
			xh_book_formula(b->bk, ws, row, 2, b->f->total_money, xh_book_amount(l->spent_total), "='%s'!%s", E,
			          S_abs(c1, b->exp_total, E_AMT));
			break;
		case 6:
			xh_book_formula(b->bk, ws, row, 2, b->f->total_money, xh_book_amount(l->disbursed_total - l->spent_total),
			          "=%s-%s", S_cell(c1, r0 + 4, 2), S_cell(c2, r0 + 5, 2));
			break;
		default: {
			/* COUNTIF over the check columns: the rows whose check is not OK */
			double v = (double)(nflag_dis + nflag_exp);
			xh_buf f = XH_BUF_INIT;
			if (y->ndisbursements)
				xh_buf_printf(&f, "+COUNTIF('%s'!%s:%s,\"<>OK\")", D, S_abs(c1, 3, D_CHECK),
				              S_abs(c2, 2 + (lxw_row_t)y->ndisbursements, D_CHECK));
			if (y->nexpenditures)
				xh_buf_printf(&f, "+COUNTIF('%s'!%s:%s,\"<>OK\")", E, S_abs(c3, 3, E_CHECK),
				              S_abs(c4, 2 + (lxw_row_t)y->nexpenditures, E_CHECK));
			if (f.len)
				xh_book_formula(b->bk, ws, row, 2, b->f->total_count, v, "=%s", xh_buf_cstr(&f) + 1);
			else
				xh_book_num(b->bk, ws, row, 2, 0, b->f->total_count);
			xh_buf_free(&f);
			break;
		}
		}
	}
	row++;

	/* 2. by class, from the subtotals of 资金分配 */
	xh_book_str(b->bk, ws, row++, 0, "二、按类别", b->f->section);
	static const char *const h2[] = {"类别", "项目数", "核定金额", "已拨付", "已支出", "结余"};
	for (lxw_col_t c = 0; c < ncols; c++)
		xh_book_str(b->bk, ws, row, c, h2[c], b->f->head);
	row++;
	const lxw_row_t cls_first = row;
	size_t ncls[XH_NCLASS] = {0};
	xh_fen dis[XH_NCLASS] = {0}, spent[XH_NCLASS] = {0};
	for (size_t k = 0; k < n; k++) {
		int c = y->applications[l->alloc[k].application].cls;
		if (c < 0 || c >= XH_NCLASS)
			c = XH_CLASS_A;
		ncls[c]++;
		dis[c] += l->alloc[k].disbursed;
		spent[c] += l->alloc[k].spent;
	}
	for (int c = 0; c < XH_NCLASS; c++, row++) {
		xh_book_str(b->bk, ws, row, 0, xh_class_name(c), b->f->center);
		if (n)
			xh_book_formula(b->bk, ws, row, 1, b->f->count, (double)ncls[c], "=COUNTIF('%s'!%s:%s,\"%s\")", A,
			          S_abs(c1, b->alloc_first, A_CLS), S_abs(c2, b->alloc_last, A_CLS),
			          xh_class_name(c));
		else
			xh_book_num(b->bk, ws, row, 1, 0, b->f->count);
		const xh_fen v[4] = {l->approved_class[c], dis[c], spent[c], dis[c] - spent[c]};
		const lxw_col_t src[4] = {A_APPR, A_DIS, A_SPENT, A_BAL};
		for (int k = 0; k < 4; k++)
			xh_book_formula(b->bk, ws, row, (lxw_col_t)(2 + k), b->f->money, xh_book_amount(v[k]), "='%s'!%s", A,
			          S_abs(c1, b->alloc_sub[c], src[k]));
	}
	const lxw_row_t cls_last = row - 1;
	xh_book_str(b->bk, ws, row, 0, "合计", b->f->total_label);
	xh_fen dsum = 0, ssum = 0;
	for (int c = 0; c < XH_NCLASS; c++)
		dsum += dis[c], ssum += spent[c];
	const xh_fen tv[5] = {(xh_fen)n, l->approved_total, dsum, ssum, dsum - ssum};
	for (int k = 0; k < 5; k++) {
		lxw_col_t c = (lxw_col_t)(1 + k);
		xh_book_formula(b->bk, ws, row, c, k ? b->f->total_money : b->f->total_count,
		          k ? xh_book_amount(tv[k]) : (double)tv[k], "=SUM(%s:%s)", S_cell(c1, cls_first, c),
		          S_cell(c2, cls_last, c));
	}
	row++;
	if (dsum != l->disbursed_total || ssum != l->spent_total) {
		xh_book_check(b->bk, worksheet_merge_range(ws, row, 0, row, ncols - 1, "", b->f->line));
		xh_book_str(b->bk, ws, row, 0, "注：按类别的拨付、支出只计核定项目；未获批准项目的拨付、支出见“拨付”“支出”表的核查列。",
		      b->f->line);
		row++;
	}
	row++;

	/* 3. the allowed categories, one a row: 支出's validation list may
	 * read them */
	xh_book_str(b->bk, ws, row++, 0, "三、允许的经费类别", b->f->section);
	b->cats_first = row;
	for (size_t k = 0; k < p->ncategories; k++, row++)
		xh_book_str(b->bk, ws, row, 0, p->categories[k], b->f->text);
	if (!p->ncategories)
		xh_book_str(b->bk, ws, row++, 0, "（未设定）", b->f->line);
	b->cats_last = row - 1;
	row++;

	/* 4. the charts, on a page of their own */
	if (n == 0) {
		xh_book_str(b->bk, ws, row++, 0, "四、图表", b->f->section);
		xh_book_str(b->bk, ws, row++, 0, "（本年度无核定项目，不绘制图表）", b->f->line);
		return;
	}
	lxw_row_t breaks[2] = {row, 0};
	xh_book_check(b->bk, worksheet_set_h_pagebreaks(ws, breaks));
	xh_book_str(b->bk, ws, row++, 0, "四、图表", b->f->section);
	lxw_chart_font title_font = {0};
	title_font.name = "黑体";
	title_font.size = 12;
	lxw_chart_font axis_font = {0};
	axis_font.name = "宋体";
	axis_font.size = 9;

	lxw_chart *pie = workbook_add_chart(xh_book_wb(b->bk), LXW_CHART_PIE);
	if (!pie) {
		xh_book_check(b->bk, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	char *cats = xasprintf("='%s'!%s:%s", S_sheet_name[S_SH_VIEW], S_abs(c1, cls_first, 0),
	                       S_abs(c2, cls_last, 0));
	char *vals = xasprintf("='%s'!%s:%s", S_sheet_name[S_SH_VIEW], S_abs(c1, cls_first, 2),
	                       S_abs(c2, cls_last, 2));
	lxw_chart_series *s = chart_add_series(pie, cats, vals);
	free(cats);
	free(vals);
	if (s) {
		chart_series_set_labels(s);
		chart_series_set_name(s, "核定金额");
		chart_series_set_labels_options(s, LXW_FALSE, LXW_TRUE, LXW_TRUE);
		chart_series_set_labels_separator(s, LXW_CHART_LABEL_SEPARATOR_NEWLINE);
		chart_series_set_labels_num_format(s, "#,##0.00");
		chart_series_set_labels_position(s, LXW_CHART_LABEL_POSITION_OUTSIDE_END);
	}
	chart_title_set_name(pie, "核定金额按类别（元）");
	chart_title_set_name_font(pie, &title_font);
	chart_legend_set_position(pie, LXW_CHART_LEGEND_RIGHT);
	chart_legend_set_font(pie, &axis_font);
	lxw_chart_options po;
	memset(&po, 0, sizeof(po));
	po.x_scale = 1.25;
	po.y_scale = 1;
	xh_book_check(b->bk, worksheet_insert_chart_opt(ws, row, 0, pie, &po));

	lxw_chart *col = workbook_add_chart(xh_book_wb(b->bk), LXW_CHART_COLUMN);
	if (!col) {
		xh_book_check(b->bk, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	cats = xasprintf("='%s'!%s:%s", A, S_abs(c1, b->alloc_first, A_ID),
	                 S_abs(c2, b->alloc_last, A_ID));
	const lxw_col_t cols[3] = {A_APPR, A_DIS, A_SPENT};
	static const lxw_color_t fill[3] = {0x4472C4, 0xED7D31, 0xA5A5A5};
	for (int k = 0; k < 3; k++) {
		vals = xasprintf("='%s'!%s:%s", A, S_abs(c1, b->alloc_first, cols[k]),
		                 S_abs(c2, b->alloc_last, cols[k]));
		s = chart_add_series(col, cats, vals);
		free(vals);
		if (!s)
			continue;
		chart_series_set_name_range(s, A, 2, cols[k]);
		lxw_chart_fill f = {0};
		f.color = fill[k];
		chart_series_set_fill(s, &f);
	}
	free(cats);
	chart_title_set_name(col, "各项目核定、拨付与支出（元）");
	chart_title_set_name_font(col, &title_font);
	chart_axis_set_num_format(col->y_axis, "#,##0");
	chart_axis_set_num_font(col->y_axis, &axis_font);
	chart_axis_set_num_font(col->x_axis, &axis_font);
	lxw_chart_line grid = {0};
	grid.color = 0xD9D9D9;
	chart_axis_major_gridlines_set_visible(col->y_axis, LXW_TRUE);
	chart_axis_major_gridlines_set_line(col->y_axis, &grid);
	chart_legend_set_position(col, LXW_CHART_LEGEND_BOTTOM);
	chart_legend_set_font(col, &axis_font);
	lxw_chart_options co;
	memset(&co, 0, sizeof(co));
	/* wide enough for the projects: about 48 px a project, 1.5–5 times the
	 * default 480 px */
	double xs = (double)n * 48.0 / 480.0;
	co.x_scale = xs < 1.5 ? 1.5 : xs > 5 ? 5 : xs;
	co.y_scale = 1;
	/* below the pie, 288 px or about 15 rows of 20 px: the two fit an A4
	 * landscape page */
	xh_book_check(b->bk, worksheet_insert_chart_opt(ws, row + 16, 0, col, &co));
}

/* Writes the workbook into stage s; 0, or -1 with a diagnostic. */
static int S_write_xlsx(const xh_ledger *l, xh_stage *s, xh_diag *diag)
{
	const xh_year *y = l->y;
	S_book b;
	memset(&b, 0, sizeof(b));
	b.l = l;
	/* every sheet is written in row order, so a large year can stream */
	unsigned flags = XH_BOOK_LOCAL_TMP;
	if (y->nexpenditures + y->ndisbursements > S_BIG)
		flags |= XH_BOOK_STREAM;
	b.bk = xh_book_new(s, S_XLSX, &y->prog, "资金台账", flags, diag);
	if (!b.bk)
		return -1;
	b.f = xh_book_fmts(b.bk);
	S_formats(&b);
	lxw_worksheet *ws[S_NSHEETS];
	for (int k = 0; k < S_NSHEETS; k++)
		if (!(ws[k] = xh_book_sheet(b.bk, S_sheet_name[k])))
			return xh_book_close(b.bk);
	/* 概览 refers to the rows of 资金分配 and 拨付, and 支出's category
	 * list may refer to 概览's (cats_first…): write them in that order */
	{
		char **cats = y->prog.categories;
		b.cats_on_view = !S_inline_ok(cats, y->prog.ncategories);
	}
	S_sheet_alloc(&b, ws[S_SH_ALLOC]);
	S_sheet_dis(&b, ws[S_SH_DIS]);
	/* 支出's 合计 row, which 概览 reads: after the data rows, or after the
	 * placeholder line (S_sheet_exp) */
	b.exp_total = 3 + (lxw_row_t)(y->nexpenditures ? y->nexpenditures : 1);
	S_sheet_view(&b, ws[S_SH_VIEW]);
	S_sheet_exp(&b, ws[S_SH_EXP]);
	S_sheet_cat(&b, ws[S_SH_CAT]);
	worksheet_activate(ws[S_SH_VIEW]);
	return xh_book_close(b.bk);
}

/* ---- the report ---- */

/* One line an exception, payments first, each in file order; then the
 * summary. */
static void S_report(const xh_ledger *l, FILE *out)
{
	const xh_year *y = l->y;
	xh_buf m = XH_BUF_INIT;
	const char *fd = xh_year_file(y, "disbursements", "disbursements"),
	           *fe = xh_year_file(y, "expenditures", "expenditures");
	for (size_t i = 0; i < y->ndisbursements; i++) {
		if (!l->dis_reason[i])
			continue;
		const xh_disbursement *d = &y->disbursements[i];
		fprintf(out, "%s:%lu: 拨付 ", fd, d->row);
		if (d->voucher && *d->voucher)
			fprintf(out, "%s ", d->voucher);
		fprintf(out, "%s %s %s元: %s\n", S_app_id(y, d->application), S_society(y, d->application),
		        xh_book_yuan(&m, d->amount), l->dis_reason[i]);
	}
	for (size_t i = 0; i < y->nexpenditures; i++) {
		if (!l->exp_reason[i])
			continue;
		const xh_expenditure *e = &y->expenditures[i];
		fprintf(out, "%s:%lu: 支出 ", fe, e->row);
		if (e->voucher && *e->voucher)
			fprintf(out, "%s ", e->voucher);
		fprintf(out, "%s %s %s元: %s\n", S_app_id(y, e->application), S_society(y, e->application),
		        xh_book_yuan(&m, e->amount), l->exp_reason[i]);
	}
	fprintf(out, "台账：%zu 个项目，核定 %s 元，", l->nalloc, xh_book_yuan(&m, l->approved_total));
	fprintf(out, "已拨付 %s 元，", xh_book_yuan(&m, l->disbursed_total));
	fprintf(out, "已支出 %s 元；例外 %zu 条\n", xh_book_yuan(&m, l->spent_total), l->nexceptions);
	xh_buf_free(&m);
}

/* ---- the entry point ---- */

xh_err xh_ledger_write(const xh_ledger *l, const char *outdir, FILE *report, xh_stage **keep,
                       xh_diag *diag)
{
	xh_stage *s = xh_stage_begin(l->y, outdir, "ledger", diag);
	if (!s)
		return XH_ESYS;
	int ok = S_write_xlsx(l, s, diag) == 0 && xh_stage_commit(s, diag) == XH_OK;
	if (ok && keep)
		*keep = s;
	else
		xh_stage_free(s);
	if (!ok)
		return XH_ESYS;
	if (report)
		S_report(l, report);
	return xh_book_report_end(report, diag);
}
