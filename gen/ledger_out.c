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
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>
#include <zip.h>

#include "ledger.h"
#include "schema.h"

#define S_XLSX "资金台账.xlsx"
#define S_PROG "威海市学会创新和服务能力提升工程"
#define S_BIG 20000        /* records above which the workbook uses constant memory */
#define S_STR_MAX 32767    /* Excel's limit on a cell's text, in UTF-16 units */
#define S_CUT "…（已截断）"

enum { S_SH_ALLOC, S_SH_DIS, S_SH_EXP, S_SH_CAT, S_SH_VIEW, S_NSHEETS };
static const char *const S_sheet_name[S_NSHEETS] = {"资金分配", "拨付", "支出", "分类汇总", "概览"};

/* ---- small helpers ---- */

/* Display width of UTF-8 text in column units: a non-ASCII character is
 * about two digits wide.  With newlines, the widest line. */
static size_t S_width(const char *s)
{
	size_t w = 0, best = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n') {
			if (w > best)
				best = w;
			w = 0;
		} else if (*p < 0x80) {
			w++;
		} else if (*p >= 0xC0) {
			w += 2;
		}
	}
	return w > best ? w : best;
}

static const char *S_app_id(const xh_year *y, int i)
{
	return i >= 0 && (size_t)i < y->napplications ? y->applications[i].id : "";
}

static const char *S_society(const xh_year *y, int i)
{
	if (i < 0 || (size_t)i >= y->napplications)
		return "";
	const xh_application *a = &y->applications[i];
	if (a->society >= 0 && (size_t)a->society < y->nsocieties && y->societies[a->society].name[0])
		return y->societies[a->society].name;
	return a->society_id;
}

static const char *S_yuan(xh_buf *b, xh_fen v)
{
	b->len = 0;
	if (v < 0) {
		xh_buf_addc(b, '-');
		v = -v;
	}
	xh_money_yuan(b, v);
	return xh_buf_cstr(b);
}

static double S_num(xh_fen v)
{
	return (double)v / 100.0;
}

/* ---- the workbook ---- */

typedef struct S_book {
	lxw_workbook *wb;
	const xh_ledger *l;
	lxw_error err;        /* the first error of any write (sticky) */
	xh_buf tmp;           /* scratch: cut text, formulas */
	lxw_format *title, *sub_left, *sub_right, *head, *text, *wrap, *center, *money, *count,
	    *date, *pct, *ok, *flag, *total_label, *total_money, *total_count, *total_pct, *label,
	    *section, *line, *cf_flag;
	/* rows the 概览 refers to, 0-based; set as the sheets are written */
	lxw_row_t alloc_first, alloc_last, alloc_sub[XH_NCLASS], alloc_total;
	lxw_row_t dis_total, exp_total, cats_first, cats_last;
	int cats_on_view;     /* the category list of 支出 reads 概览's range */
} S_book;

static void S_check(S_book *b, lxw_error e)
{
	if (e != LXW_NO_ERROR && b->err == LXW_NO_ERROR)
		b->err = e;
}

static int S_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "_x0041_" in a cell is the OOXML escape of a character: such text in
 * the data keeps its underscore as "_x005F_" (libxlsxwriter 1.1 does not
 * do it). */
static int S_is_escape(const char *p)
{
	return p[0] == '_' && p[1] == 'x' && S_hex(p[2]) && S_hex(p[3]) && S_hex(p[4]) &&
	       S_hex(p[5]) && p[6] == '_';
}

/* Text as Excel can hold it: "_xHHHH_" escaped, and beyond 32,767 UTF-16
 * units (counted after escaping, which also bounds libxlsxwriter's count
 * of code points) cut at a character boundary and marked. */
static const char *S_text(S_book *b, const char *s)
{
	size_t n = strlen(s);
	if (n <= S_STR_MAX && !strstr(s, "_x") && !strstr(s, "\xEF\xBF\xBE") &&
	    !strstr(s, "\xEF\xBF\xBF"))
		return s;
	const size_t room = S_STR_MAX - 6; /* S_CUT is six characters */
	size_t units = 0, cut = 0;
	b->tmp.len = 0;
	for (const char *p = s; *p;) {
		if (S_is_escape(p)) {
			xh_buf_adds(&b->tmp, "_x005F_");
			units += 7;
			p++;
		} else {
			unsigned char c = (unsigned char)*p;
			size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
			/* U+FFFE and U+FFFF are not characters XML can hold:
			 * OOXML's escape keeps them */
			if (len == 3 && !memcmp(p, "\xEF\xBF", 2) && ((unsigned char)p[2] & 0xFE) == 0xBE)
				xh_buf_adds(&b->tmp, (unsigned char)p[2] == 0xBE ? "_xFFFE_" : "_xFFFF_");
			else
				xh_buf_add(&b->tmp, p, len);
			units += len == 4 ? 2 : 1;
			p += len;
			while (*p && ((unsigned char)*p & 0xC0) == 0x80) /* stray continuation bytes */
				xh_buf_addc(&b->tmp, *p++);
		}
		if (units <= room)
			cut = b->tmp.len;
	}
	if (units > S_STR_MAX) {
		b->tmp.len = cut;
		xh_buf_adds(&b->tmp, S_CUT);
	}
	return xh_buf_cstr(&b->tmp);
}

static void S_str(S_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                  lxw_format *f)
{
	if (!s || !*s)
		S_check(b, worksheet_write_blank(ws, r, c, f));
	else
		S_check(b, worksheet_write_string(ws, r, c, S_text(b, s), f));
}

static void S_numcell(S_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v,
                      lxw_format *f)
{
	S_check(b, worksheet_write_number(ws, r, c, v, f));
}

static void S_datecell(S_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                       const xh_opt_date *d)
{
	if (!d->set || !xh_date_valid(d->d)) {
		S_check(b, worksheet_write_blank(ws, r, c, b->date));
		return;
	}
	lxw_datetime dt = {d->d.y, d->d.m, d->d.d, 0, 0, 0.0};
	S_check(b, worksheet_write_datetime(ws, r, c, &dt, b->date));
}

/* A formula from printf-style parts, with its cached value. */
static void S_formula(S_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_format *f,
                      double cached, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 7, 8)))
#endif
	;

static void S_formula(S_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_format *f,
                      double cached, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		S_check(b, LXW_ERROR_PARAMETER_VALIDATION);
		return;
	}
	S_check(b, worksheet_write_formula_num(ws, r, c, buf, f, cached));
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

static lxw_format *S_fmt(S_book *b, int border)
{
	lxw_format *f = workbook_add_format(b->wb);
	format_set_font_name(f, "宋体");
	format_set_font_size(f, 11);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	if (border)
		format_set_border(f, LXW_BORDER_THIN);
	return f;
}

static void S_formats(S_book *b)
{
	b->title = S_fmt(b, 0);
	format_set_font_name(b->title, "方正小标宋简体");
	format_set_font_size(b->title, 16);
	format_set_align(b->title, LXW_ALIGN_CENTER);
	b->sub_left = S_fmt(b, 0);
	format_set_align(b->sub_left, LXW_ALIGN_LEFT);
	b->sub_right = S_fmt(b, 0);
	format_set_align(b->sub_right, LXW_ALIGN_RIGHT);
	b->head = S_fmt(b, 1);
	format_set_font_name(b->head, "黑体");
	format_set_align(b->head, LXW_ALIGN_CENTER);
	format_set_text_wrap(b->head);
	format_set_bg_color(b->head, 0xD9D9D9);
	b->text = S_fmt(b, 1);
	b->wrap = S_fmt(b, 1);
	format_set_text_wrap(b->wrap);
	b->center = S_fmt(b, 1);
	format_set_align(b->center, LXW_ALIGN_CENTER);
	b->money = S_fmt(b, 1);
	format_set_num_format(b->money, "#,##0.00");
	b->count = S_fmt(b, 1);
	format_set_num_format(b->count, "0");
	format_set_align(b->count, LXW_ALIGN_CENTER);
	b->date = S_fmt(b, 1);
	format_set_num_format(b->date, "yyyy\"年\"m\"月\"d\"日\"");
	format_set_align(b->date, LXW_ALIGN_CENTER);
	b->pct = S_fmt(b, 1);
	format_set_num_format(b->pct, "0.00%");
	b->ok = S_fmt(b, 1);
	format_set_align(b->ok, LXW_ALIGN_CENTER);
	b->flag = S_fmt(b, 1);
	format_set_text_wrap(b->flag);
	b->total_label = S_fmt(b, 1);
	format_set_bold(b->total_label);
	format_set_align(b->total_label, LXW_ALIGN_CENTER);
	b->total_money = S_fmt(b, 1);
	format_set_bold(b->total_money);
	format_set_num_format(b->total_money, "#,##0.00");
	b->total_count = S_fmt(b, 1);
	format_set_bold(b->total_count);
	format_set_num_format(b->total_count, "0");
	format_set_align(b->total_count, LXW_ALIGN_CENTER);
	b->total_pct = S_fmt(b, 1);
	format_set_bold(b->total_pct);
	format_set_num_format(b->total_pct, "0.00%");
	b->label = S_fmt(b, 1);
	b->section = S_fmt(b, 0);
	format_set_font_name(b->section, "黑体");
	format_set_font_size(b->section, 12);
	b->line = S_fmt(b, 0);
	/* Excel's "light red fill with dark red text" */
	b->cf_flag = workbook_add_format(b->wb);
	format_set_bg_color(b->cf_flag, 0xFFC7CE);
	format_set_font_color(b->cf_flag, 0x9C0006);
}

/* Column widths from the longest text, clamped to [lo, hi]; wrapped text
 * then sets its row's height (S_lines), since neither Excel nor
 * LibreOffice grows a row that libxlsxwriter wrote. */
typedef struct S_cols {
	size_t n;
	double w[16], lo[16], hi[16];
} S_cols;

static void S_cols_init(S_cols *c, size_t n, double lo, double hi)
{
	c->n = n < 16 ? n : 16;
	for (size_t i = 0; i < c->n; i++)
		c->w[i] = 0, c->lo[i] = lo, c->hi[i] = hi;
}

static void S_range(S_cols *c, size_t col, double lo, double hi)
{
	if (col < c->n)
		c->lo[col] = lo, c->hi[col] = hi;
}

static void S_fit(S_cols *c, size_t col, const char *s)
{
	if (col >= c->n || !s)
		return;
	double w = (double)S_width(s) + 2;
	if (w > c->w[col])
		c->w[col] = w;
}

static void S_cols_set(S_book *b, lxw_worksheet *ws, S_cols *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->w[i] < c->lo[i])
			c->w[i] = c->lo[i];
		if (c->w[i] > c->hi[i])
			c->w[i] = c->hi[i];
		S_check(b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, c->w[i], NULL));
	}
}

/* Lines that s takes in column col once wrapped. */
static size_t S_lines(const S_cols *c, size_t col, const char *s)
{
	if (!s)
		return 1;
	double room = col < c->n && c->w[col] > 3 ? c->w[col] - 1.5 : 1;
	size_t lines = 0, w = 0;
	for (const unsigned char *p = (const unsigned char *)s;; p++) {
		if (*p == '\n' || !*p) {
			size_t k = (size_t)((double)w / room);
			if ((double)k * room < (double)w)
				k++;
			lines += k ? k : 1;
			w = 0;
			if (!*p)
				break;
		} else if (*p < 0x80) {
			w++;
		} else if (*p >= 0xC0) {
			w += 2;
		}
	}
	return lines;
}

static void S_height(S_book *b, lxw_worksheet *ws, lxw_row_t row, size_t lines)
{
	if (lines <= 1)
		return;
	double h = 14.5 * (double)lines + 3;
	S_check(b, worksheet_set_row(ws, row, h > 409 ? 409 : h, NULL)); /* Excel's largest */
}

/* "&L…&R…": '&' in data is doubled; without the issuer when the whole
 * would pass Excel's 255 characters. */
static void S_page_header(S_book *b, lxw_worksheet *ws, const char *what)
{
	const xh_programme *p = &b->l->y->prog;
	xh_buf h = XH_BUF_INIT;
	xh_buf_printf(&h, "&L%d年度资金台账·%s&R", p->year, what);
	size_t base = h.len;
	for (const char *s = p->issuer ? p->issuer : ""; *s; s++) {
		if (*s == '&')
			xh_buf_addc(&h, '&');
		xh_buf_addc(&h, *s);
	}
	size_t chars = 0;
	for (size_t i = 0; i < h.len; i++)
		chars += ((unsigned char)h.data[i] & 0xC0) != 0x80;
	if (chars > 255)
		h.len = base;
	S_check(b, worksheet_set_header(ws, xh_buf_cstr(&h)));
	xh_buf_free(&h);
}

/* Title, 编制单位 row, print setup: what every sheet shares. */
static void S_sheet_top(S_book *b, lxw_worksheet *ws, const char *what, const char *sheet,
                        lxw_col_t ncols)
{
	const xh_programme *p = &b->l->y->prog;
	char *title = xasprintf("%d年度%s%s", p->year, S_PROG, what);
	S_check(b, worksheet_set_row(ws, 0, 30, NULL));
	S_check(b, worksheet_merge_range(ws, 0, 0, 0, ncols - 1, title, b->title));
	free(title);
	char *issuer = xasprintf("编制单位：%s", p->issuer && *p->issuer ? p->issuer : "威海市科学技术协会");
	S_str(b, ws, 1, 0, issuer, b->sub_left);
	free(issuer);
	S_str(b, ws, 1, ncols - 1, "单位：元", b->sub_right);

	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_set_margins(ws, 0.4, 0.4, 0.7, 0.7);
	worksheet_center_horizontally(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	S_page_header(b, ws, sheet);
	S_check(b, worksheet_set_footer(ws, "&C第 &P 页 共 &N 页"));
}

/* The header row, its height from the wrapped labels. */
static void S_head(S_book *b, lxw_worksheet *ws, lxw_row_t hr, const S_cols *cw,
                   const char *const *head, lxw_col_t n)
{
	size_t lines = 1;
	for (lxw_col_t c = 0; c < n; c++) {
		size_t k = S_lines(cw, c, head[c]);
		if (k > lines)
			lines = k;
	}
	S_height(b, ws, hr, lines);
	for (lxw_col_t c = 0; c < n; c++)
		S_str(b, ws, hr, c, head[c], b->head);
}

/* Frozen header, filter, repeated header: set before the header row is
 * written, since constant-memory mode refuses a range whose first row it
 * has already flushed. */
static void S_sheet_frame(S_book *b, lxw_worksheet *ws, lxw_row_t hr, lxw_row_t last,
                        lxw_col_t ncols, lxw_col_t freeze_cols)
{
	worksheet_freeze_panes(ws, hr + 1, freeze_cols);
	S_check(b, worksheet_autofilter(ws, hr, 0, last > hr ? last : hr, ncols - 1));
	S_check(b, worksheet_repeat_rows(ws, hr, hr));
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
	S_check(b, worksheet_conditional_format_range(ws, first, 0, last, ncols - 1, &cf));
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
	S_check(b, worksheet_data_validation_range(ws, first, col, last, col, &v));
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

	S_cols cw;
	S_cols_init(&cw, A_N, 6, 16);
	S_range(&cw, A_ID, 8, 16);
	S_range(&cw, A_SOC, 12, 24);
	S_range(&cw, A_TITLE, 16, 30);
	for (size_t c = A_REQ; c <= A_BAL; c++)
		S_range(&cw, c, 12, 18);
	S_range(&cw, A_SRC, 12, 12);
	xh_buf num = XH_BUF_INIT;
	for (lxw_col_t c = 0; c < A_N; c++)
		S_fit(&cw, c, head[c]);
	for (size_t k = 0; k < n; k++) {
		const xh_allocation *a = &l->alloc[k];
		S_fit(&cw, A_ID, S_app_id(y, a->application));
		S_fit(&cw, A_SOC, S_society(y, a->application));
		S_fit(&cw, A_TITLE, y->applications[a->application].title);
		S_fit(&cw, A_REQ, S_yuan(&num, a->requested));
	}
	S_fit(&cw, A_APPR, S_yuan(&num, p->budget));
	S_cols_set(b, ws, &cw);
	const lxw_row_t first = hr + 1, last = hr + (lxw_row_t)n;
	static const char *cls_items[] = {"A", "B", "推广", NULL};
	S_list(b, ws, first, last, A_CLS, cls_items, NULL, "类别（A、B、推广）");
	S_sheet_frame(b, ws, hr, n ? last : hr, A_N, 0);
	S_head(b, ws, hr, &cw, head, A_N);

	lxw_row_t row = hr + 1;
	xh_fen sum[XH_NCLASS][A_N], all[A_N];
	memset(sum, 0, sizeof(sum));
	memset(all, 0, sizeof(all));
	char c1[32], c2[32];
	for (size_t k = 0; k < n; k++, row++) {
		const xh_allocation *a = &l->alloc[k];
		const xh_application *app = &y->applications[a->application];
		size_t lines = S_lines(&cw, A_SOC, S_society(y, a->application)), l2;
		if ((l2 = S_lines(&cw, A_TITLE, app->title)) > lines)
			lines = l2;
		S_height(b, ws, row, lines);
		S_numcell(b, ws, row, A_NO, (double)(k + 1), b->count);
		S_str(b, ws, row, A_ID, app->id, b->text);
		S_str(b, ws, row, A_SOC, S_society(y, a->application), b->wrap);
		S_str(b, ws, row, A_TITLE, app->title, b->wrap);
		S_str(b, ws, row, A_CLS, xh_class_name(app->cls), b->center);
		S_numcell(b, ws, row, A_REQ, S_num(a->requested), b->money);
		S_numcell(b, ws, row, A_APPR, S_num(a->approved), b->money);
		S_numcell(b, ws, row, A_DIS, S_num(a->disbursed), b->money);
		S_numcell(b, ws, row, A_SPENT, S_num(a->spent), b->money);
		S_formula(b, ws, row, A_BAL, b->money, S_num(a->disbursed - a->spent), "=%s-%s",
		          S_cell(c1, row, A_DIS), S_cell(c2, row, A_SPENT));
		S_str(b, ws, row, A_SRC, a->from_decision ? "党组会决定" : "拟立项名单", b->center);
		xh_fen v[A_N] = {0};
		v[A_REQ] = a->requested, v[A_APPR] = a->approved, v[A_DIS] = a->disbursed;
		v[A_SPENT] = a->spent, v[A_BAL] = a->disbursed - a->spent;
		int cls = app->cls >= 0 && app->cls < XH_NCLASS ? app->cls : XH_CLASS_A;
		for (size_t c = A_REQ; c <= A_BAL; c++)
			sum[cls][c] += v[c], all[c] += v[c];
	}
	if (n == 0)
		S_str(b, ws, row++, 0, "（本年度无核定项目）", b->line);
	b->alloc_first = first;
	b->alloc_last = last;

	/* subtotals by class: SUMIF over the class column, so that a class
	 * changed by hand moves its money */
	for (int c = 0; c < XH_NCLASS; c++, row++) {
		b->alloc_sub[c] = row;
		char *label = xasprintf("%s类小计", xh_class_name(c));
		S_check(b, worksheet_merge_range(ws, row, A_NO, row, A_CLS, "", b->total_label));
		S_str(b, ws, row, A_NO, label, b->total_label);
		free(label);
		for (lxw_col_t k = A_REQ; k <= A_BAL; k++) {
			if (n == 0) {
				S_numcell(b, ws, row, k, 0, b->total_money);
				continue;
			}
			char r1[32], r2[32], v1[32], v2[32];
			S_formula(b, ws, row, k, b->total_money, S_num(sum[c][k]),
			          "=SUMIF(%s:%s,\"%s\",%s:%s)", S_abs(r1, first, A_CLS), S_abs(r2, last, A_CLS),
			          xh_class_name(c), S_abs(v1, first, k), S_abs(v2, last, k));
		}
		S_str(b, ws, row, A_SRC, "", b->total_label);
	}
	b->alloc_total = row;
	S_check(b, worksheet_merge_range(ws, row, A_NO, row, A_CLS, "", b->total_label));
	S_str(b, ws, row, A_NO, "合计", b->total_label);
	for (lxw_col_t k = A_REQ; k <= A_BAL; k++) {
		if (n == 0)
			S_numcell(b, ws, row, k, 0, b->total_money);
		else
			S_formula(b, ws, row, k, b->total_money, S_num(all[k]), "=SUM(%s:%s)",
			          S_cell(c1, first, k), S_cell(c2, last, k));
	}
	S_str(b, ws, row, A_SRC, "", b->total_label);
	const lxw_row_t total = row;
	row += 2;

	/* the budget: a label over 序号…申请金额, the figure under 核定金额 */
	lxw_row_t budget_row = row;
	S_check(b, worksheet_merge_range(ws, row, A_NO, row, A_REQ, "", b->label));
	S_str(b, ws, row, A_NO, "年度经费总额", b->label);
	S_numcell(b, ws, row, A_APPR, S_num(p->budget), b->total_money);
	row++;
	S_check(b, worksheet_merge_range(ws, row, A_NO, row, A_REQ, "", b->label));
	S_str(b, ws, row, A_NO, "已核定", b->label);
	S_formula(b, ws, row, A_APPR, b->total_money, S_num(l->approved_total), "=%s",
	          S_cell(c1, total, A_APPR));
	row++;
	S_check(b, worksheet_merge_range(ws, row, A_NO, row, A_REQ, "", b->label));
	S_str(b, ws, row, A_NO, "剩余（年度经费总额−已核定）", b->label);
	S_formula(b, ws, row, A_APPR, b->total_money, S_num(p->budget - l->approved_total), "=%s-%s",
	          S_cell(c1, budget_row, A_APPR), S_cell(c2, total, A_APPR));
	row++;
	for (int c = 0; c < XH_NCLASS; c++) {
		if (!p->has_class_budget[c])
			continue;
		lxw_row_t cb = row;
		char *label = xasprintf("%s类经费预算", xh_class_name(c));
		S_check(b, worksheet_merge_range(ws, row, A_NO, row, A_REQ, "", b->label));
		S_str(b, ws, row, A_NO, label, b->label);
		free(label);
		S_numcell(b, ws, row, A_APPR, S_num(p->class_budget[c]), b->money);
		row++;
		label = xasprintf("%s类剩余", xh_class_name(c));
		S_check(b, worksheet_merge_range(ws, row, A_NO, row, A_REQ, "", b->label));
		S_str(b, ws, row, A_NO, label, b->label);
		free(label);
		S_formula(b, ws, row, A_APPR, b->money, S_num(p->class_budget[c] - l->approved_class[c]),
		          "=%s-%s", S_cell(c1, cb, A_APPR), S_cell(c2, b->alloc_sub[c], A_APPR));
		row++;
	}
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

	S_cols cw;
	S_cols_init(&cw, D_N, 6, 16);
	S_range(&cw, D_ID, 8, 16);
	S_range(&cw, D_SOC, 12, 24);
	S_range(&cw, D_DATE, 16, 16);
	S_range(&cw, D_AMT, 12, 18);
	S_range(&cw, D_VOUCHER, 12, 24);
	S_range(&cw, D_CHECK, 8, 40);
	xh_buf num = XH_BUF_INIT;
	for (lxw_col_t c = 0; c < D_N; c++)
		S_fit(&cw, c, head[c]);
	for (size_t i = 0; i < n; i++) {
		const xh_disbursement *d = &y->disbursements[i];
		S_fit(&cw, D_ID, S_app_id(y, d->application));
		S_fit(&cw, D_SOC, S_society(y, d->application));
		S_fit(&cw, D_AMT, S_yuan(&num, d->amount));
		S_fit(&cw, D_VOUCHER, d->voucher);
		S_fit(&cw, D_CHECK, l->dis_reason[i]);
	}
	S_fit(&cw, D_AMT, S_yuan(&num, l->disbursed_total));
	S_cols_set(b, ws, &cw);
	const lxw_row_t first = hr + 1, last = hr + (lxw_row_t)n;
	S_flag_rows(b, ws, first, last, D_N, D_CHECK);
	S_sheet_frame(b, ws, hr, n ? last : hr, D_N, 0);
	S_head(b, ws, hr, &cw, head, D_N);

	lxw_row_t row = hr + 1;
	for (size_t i = 0; i < n; i++, row++) {
		const xh_disbursement *d = &y->disbursements[i];
		const char *why = l->dis_reason[i];
		size_t lines = S_lines(&cw, D_SOC, S_society(y, d->application)), l2;
		if (why && (l2 = S_lines(&cw, D_CHECK, why)) > lines)
			lines = l2;
		S_height(b, ws, row, lines);
		S_numcell(b, ws, row, D_NO, (double)(i + 1), b->count);
		S_str(b, ws, row, D_ID, S_app_id(y, d->application), b->text);
		S_str(b, ws, row, D_SOC, S_society(y, d->application), b->wrap);
		S_datecell(b, ws, row, D_DATE, &d->date);
		S_numcell(b, ws, row, D_AMT, S_num(d->amount), b->money);
		S_str(b, ws, row, D_VOUCHER, d->voucher, b->text);
		S_str(b, ws, row, D_CHECK, why ? why : "OK", why ? b->flag : b->ok);
	}
	if (n == 0)
		S_str(b, ws, row++, 0, "（暂无拨付记录）", b->line);
	b->dis_total = row;
	S_check(b, worksheet_merge_range(ws, row, D_NO, row, D_DATE, "", b->total_label));
	S_str(b, ws, row, D_NO, "合计", b->total_label);
	if (n) {
		char c1[32], c2[32];
		S_formula(b, ws, row, D_AMT, b->total_money, S_num(l->disbursed_total), "=SUM(%s:%s)",
		          S_cell(c1, first, D_AMT), S_cell(c2, last, D_AMT));
	} else {
		S_numcell(b, ws, row, D_AMT, 0, b->total_money);
	}
	S_str(b, ws, row, D_VOUCHER, "", b->total_label);
	S_str(b, ws, row, D_CHECK, "", b->total_label);

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

	S_cols cw;
	S_cols_init(&cw, E_N, 6, 16);
	S_range(&cw, E_NO, 7, 9);
	S_range(&cw, E_ID, 8, 16);
	S_range(&cw, E_SOC, 12, 24);
	S_range(&cw, E_DATE, 16, 16);
	S_range(&cw, E_CAT, 10, 16);
	S_range(&cw, E_AMT, 12, 18);
	S_range(&cw, E_DESC, 16, 36);
	S_range(&cw, E_VOUCHER, 10, 18);
	S_range(&cw, E_CHECK, 8, 40);
	xh_buf num = XH_BUF_INIT;
	for (lxw_col_t c = 0; c < E_N; c++)
		S_fit(&cw, c, head[c]);
	char nbuf[32];
	snprintf(nbuf, sizeof(nbuf), "%zu", n);
	S_fit(&cw, E_NO, nbuf);
	/* ids and names repeat: measure each application once */
	unsigned char *seen = xcalloc(y->napplications + 1, 1);
	for (size_t i = 0; i < n; i++) {
		const xh_expenditure *e = &y->expenditures[i];
		if (e->application >= 0 && (size_t)e->application < y->napplications &&
		    !seen[e->application]) {
			seen[e->application] = 1;
			S_fit(&cw, E_ID, S_app_id(y, e->application));
			S_fit(&cw, E_SOC, S_society(y, e->application));
		}
		S_fit(&cw, E_CAT, e->category);
		S_fit(&cw, E_DESC, e->description);
		S_fit(&cw, E_VOUCHER, e->voucher);
		S_fit(&cw, E_CHECK, l->exp_reason[i]);
	}
	free(seen);
	S_fit(&cw, E_AMT, S_yuan(&num, l->spent_total));
	S_cols_set(b, ws, &cw);
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
	S_sheet_frame(b, ws, hr, n ? last : hr, E_N, 0);
	S_head(b, ws, hr, &cw, head, E_N);

	lxw_row_t row = hr + 1;
	for (size_t i = 0; i < n; i++, row++) {
		const xh_expenditure *e = &y->expenditures[i];
		const char *why = l->exp_reason[i];
		size_t lines = S_lines(&cw, E_DESC, e->description), l2;
		if ((l2 = S_lines(&cw, E_SOC, S_society(y, e->application))) > lines)
			lines = l2;
		if (why && (l2 = S_lines(&cw, E_CHECK, why)) > lines)
			lines = l2;
		S_height(b, ws, row, lines);
		S_numcell(b, ws, row, E_NO, (double)(i + 1), b->count);
		S_str(b, ws, row, E_ID, S_app_id(y, e->application), b->text);
		S_str(b, ws, row, E_SOC, S_society(y, e->application), b->wrap);
		S_datecell(b, ws, row, E_DATE, &e->date);
		S_str(b, ws, row, E_CAT, e->category, b->center);
		S_numcell(b, ws, row, E_AMT, S_num(e->amount), b->money);
		S_str(b, ws, row, E_DESC, e->description, b->wrap);
		S_str(b, ws, row, E_VOUCHER, e->voucher, b->text);
		S_str(b, ws, row, E_CHECK, why ? why : "OK", why ? b->flag : b->ok);
	}
	if (n == 0)
		S_str(b, ws, row++, 0, "（暂无支出记录）", b->line);
	b->exp_total = row;
	S_check(b, worksheet_merge_range(ws, row, E_NO, row, E_CAT, "", b->total_label));
	S_str(b, ws, row, E_NO, "合计", b->total_label);
	if (n) {
		char c1[32], c2[32];
		S_formula(b, ws, row, E_AMT, b->total_money, S_num(l->spent_total), "=SUM(%s:%s)",
		          S_cell(c1, first, E_AMT), S_cell(c2, last, E_AMT));
	} else {
		S_numcell(b, ws, row, E_AMT, 0, b->total_money);
	}
	for (lxw_col_t c = E_DESC; c < E_N; c++)
		S_str(b, ws, row, c, "", b->total_label);

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

	S_cols cw;
	S_cols_init(&cw, C_N, 8, 16);
	S_range(&cw, C_ID, 8, 16);
	S_range(&cw, C_SOC, 12, 24);
	S_range(&cw, C_CAT, 10, 20);
	S_range(&cw, C_BUDGET, 12, 18);
	S_range(&cw, C_SPENT, 12, 18);
	S_range(&cw, C_DIFF, 12, 18);
	S_range(&cw, C_RATE, 10, 10);
	xh_buf num = XH_BUF_INIT;
	for (lxw_col_t c = 0; c < C_N; c++)
		S_fit(&cw, c, head[c]);
	xh_fen tb = 0, ts = 0;
	size_t nrows = 0;
	for (size_t k = 0; k < l->nalloc; k++) {
		const xh_allocation *a = &l->alloc[k];
		S_fit(&cw, C_ID, S_app_id(y, a->application));
		S_fit(&cw, C_SOC, S_society(y, a->application));
		for (size_t c = 0; c < a->ncats; c++) {
			S_fit(&cw, C_CAT, a->cats[c].category);
			tb += a->cats[c].budget;
			ts += a->cats[c].spent;
			nrows++;
		}
	}
	S_fit(&cw, C_BUDGET, S_yuan(&num, tb));
	S_fit(&cw, C_SPENT, S_yuan(&num, ts));
	S_cols_set(b, ws, &cw);
	const lxw_row_t first = hr + 1, last = hr + (lxw_row_t)nrows;
	S_sheet_frame(b, ws, hr, nrows ? last : hr, C_N, 0);
	S_head(b, ws, hr, &cw, head, C_N);

	lxw_row_t row = hr + 1;
	char c1[32], c2[32];
	for (size_t k = 0; k < l->nalloc; k++) {
		const xh_allocation *a = &l->alloc[k];
		for (size_t c = 0; c < a->ncats; c++, row++) {
			const xh_category_sum *s = &a->cats[c];
			S_height(b, ws, row, S_lines(&cw, C_SOC, S_society(y, a->application)));
			S_str(b, ws, row, C_ID, S_app_id(y, a->application), b->text);
			S_str(b, ws, row, C_SOC, S_society(y, a->application), b->wrap);
			S_str(b, ws, row, C_CAT, s->category, b->center);
			S_numcell(b, ws, row, C_BUDGET, S_num(s->budget), b->money);
			S_numcell(b, ws, row, C_SPENT, S_num(s->spent), b->money);
			S_formula(b, ws, row, C_DIFF, b->money, S_num(s->budget - s->spent), "=%s-%s",
			          S_cell(c1, row, C_BUDGET), S_cell(c2, row, C_SPENT));
			if (s->budget > 0)
				S_formula(b, ws, row, C_RATE, b->pct, (double)s->spent / (double)s->budget,
				          "=%s/%s", S_cell(c1, row, C_SPENT), S_cell(c2, row, C_BUDGET));
			else
				S_check(b, worksheet_write_blank(ws, row, C_RATE, b->pct));
		}
	}
	if (nrows == 0)
		S_str(b, ws, row++, 0, "（本年度无核定项目）", b->line);
	S_check(b, worksheet_merge_range(ws, row, C_ID, row, C_CAT, "", b->total_label));
	S_str(b, ws, row, C_ID, "合计", b->total_label);
	if (nrows) {
		S_formula(b, ws, row, C_BUDGET, b->total_money, S_num(tb), "=SUM(%s:%s)",
		          S_cell(c1, first, C_BUDGET), S_cell(c2, last, C_BUDGET));
		S_formula(b, ws, row, C_SPENT, b->total_money, S_num(ts), "=SUM(%s:%s)",
		          S_cell(c1, first, C_SPENT), S_cell(c2, last, C_SPENT));
	} else {
		S_numcell(b, ws, row, C_BUDGET, 0, b->total_money);
		S_numcell(b, ws, row, C_SPENT, 0, b->total_money);
	}
	S_formula(b, ws, row, C_DIFF, b->total_money, S_num(tb - ts), "=%s-%s",
	          S_cell(c1, row, C_BUDGET), S_cell(c2, row, C_SPENT));
	if (tb > 0)
		S_formula(b, ws, row, C_RATE, b->total_pct, (double)ts / (double)tb, "=%s/%s",
		          S_cell(c1, row, C_SPENT), S_cell(c2, row, C_BUDGET));
	else
		S_check(b, worksheet_write_blank(ws, row, C_RATE, b->total_pct));
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
		S_check(b, worksheet_set_column(ws, c, c, width[c], NULL));
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
	S_str(b, ws, row++, 0, "一、年度概况", b->section);
	S_check(b, worksheet_merge_range(ws, row, 0, row, 1, "", b->head));
	S_str(b, ws, row, 0, "项目", b->head);
	S_str(b, ws, row, 2, "数值", b->head);
	row++;
	struct {
		const char *label;
	} const fig[] = {{"项目数（个）"},  {"年度经费总额"}, {"核定合计"},       {"剩余（年度经费−核定）"},
	                 {"已拨付"},        {"已支出"},       {"结余（已拨付−已支出）"}, {"例外（条）"}};
	lxw_row_t r0 = row;
	for (size_t k = 0; k < sizeof(fig) / sizeof(*fig); k++, row++) {
		S_check(b, worksheet_merge_range(ws, row, 0, row, 1, "", b->label));
		S_str(b, ws, row, 0, fig[k].label, b->label);
		switch (k) {
		case 0:
			if (n)
				S_formula(b, ws, row, 2, b->total_count, (double)n, "=COUNTA('%s'!%s:%s)", A,
				          S_abs(c1, b->alloc_first, A_ID), S_abs(c2, b->alloc_last, A_ID));
			else
				S_numcell(b, ws, row, 2, 0, b->total_count);
			break;
		case 1:
			S_numcell(b, ws, row, 2, S_num(p->budget), b->total_money);
			break;
		case 2:
			S_formula(b, ws, row, 2, b->total_money, S_num(l->approved_total), "='%s'!%s", A,
			          S_abs(c1, b->alloc_total, A_APPR));
			break;
		case 3:
			S_formula(b, ws, row, 2, b->total_money, S_num(p->budget - l->approved_total),
			          "=%s-%s", S_cell(c1, r0 + 1, 2), S_cell(c2, r0 + 2, 2));
			break;
		case 4:
			S_formula(b, ws, row, 2, b->total_money, S_num(l->disbursed_total), "='%s'!%s", D,
			          S_abs(c1, b->dis_total, D_AMT));
			break;
		case 5:
			S_formula(b, ws, row, 2, b->total_money, S_num(l->spent_total), "='%s'!%s", E,
			          S_abs(c1, b->exp_total, E_AMT));
			break;
		case 6:
			S_formula(b, ws, row, 2, b->total_money, S_num(l->disbursed_total - l->spent_total),
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
				S_formula(b, ws, row, 2, b->total_count, v, "=%s", xh_buf_cstr(&f) + 1);
			else
				S_numcell(b, ws, row, 2, 0, b->total_count);
			xh_buf_free(&f);
			break;
		}
		}
	}
	row++;

	/* 2. by class, from the subtotals of 资金分配 */
	S_str(b, ws, row++, 0, "二、按类别", b->section);
	static const char *const h2[] = {"类别", "项目数", "核定金额", "已拨付", "已支出", "结余"};
	for (lxw_col_t c = 0; c < ncols; c++)
		S_str(b, ws, row, c, h2[c], b->head);
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
		S_str(b, ws, row, 0, xh_class_name(c), b->center);
		if (n)
			S_formula(b, ws, row, 1, b->count, (double)ncls[c], "=COUNTIF('%s'!%s:%s,\"%s\")", A,
			          S_abs(c1, b->alloc_first, A_CLS), S_abs(c2, b->alloc_last, A_CLS),
			          xh_class_name(c));
		else
			S_numcell(b, ws, row, 1, 0, b->count);
		const xh_fen v[4] = {l->approved_class[c], dis[c], spent[c], dis[c] - spent[c]};
		const lxw_col_t src[4] = {A_APPR, A_DIS, A_SPENT, A_BAL};
		for (int k = 0; k < 4; k++)
			S_formula(b, ws, row, (lxw_col_t)(2 + k), b->money, S_num(v[k]), "='%s'!%s", A,
			          S_abs(c1, b->alloc_sub[c], src[k]));
	}
	const lxw_row_t cls_last = row - 1;
	S_str(b, ws, row, 0, "合计", b->total_label);
	xh_fen dsum = 0, ssum = 0;
	for (int c = 0; c < XH_NCLASS; c++)
		dsum += dis[c], ssum += spent[c];
	const xh_fen tv[5] = {(xh_fen)n, l->approved_total, dsum, ssum, dsum - ssum};
	for (int k = 0; k < 5; k++) {
		lxw_col_t c = (lxw_col_t)(1 + k);
		S_formula(b, ws, row, c, k ? b->total_money : b->total_count,
		          k ? S_num(tv[k]) : (double)tv[k], "=SUM(%s:%s)", S_cell(c1, cls_first, c),
		          S_cell(c2, cls_last, c));
	}
	row++;
	if (dsum != l->disbursed_total || ssum != l->spent_total) {
		S_check(b, worksheet_merge_range(ws, row, 0, row, ncols - 1, "", b->line));
		S_str(b, ws, row, 0, "注：按类别的拨付、支出只计核定项目；未获批准项目的拨付、支出见“拨付”“支出”表的核查列。",
		      b->line);
		row++;
	}
	row++;

	/* 3. the allowed categories, one a row: 支出's validation list may
	 * read them */
	S_str(b, ws, row++, 0, "三、允许的经费类别", b->section);
	b->cats_first = row;
	for (size_t k = 0; k < p->ncategories; k++, row++)
		S_str(b, ws, row, 0, p->categories[k], b->text);
	if (!p->ncategories)
		S_str(b, ws, row++, 0, "（未设定）", b->line);
	b->cats_last = row - 1;
	row++;

	/* 4. the charts, on a page of their own */
	if (n == 0) {
		S_str(b, ws, row++, 0, "四、图表", b->section);
		S_str(b, ws, row++, 0, "（本年度无核定项目，不绘制图表）", b->line);
		return;
	}
	lxw_row_t breaks[2] = {row, 0};
	S_check(b, worksheet_set_h_pagebreaks(ws, breaks));
	S_str(b, ws, row++, 0, "四、图表", b->section);
	lxw_chart_font title_font = {0};
	title_font.name = "黑体";
	title_font.size = 12;
	lxw_chart_font axis_font = {0};
	axis_font.name = "宋体";
	axis_font.size = 9;

	lxw_chart *pie = workbook_add_chart(b->wb, LXW_CHART_PIE);
	if (!pie) {
		S_check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
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
	S_check(b, worksheet_insert_chart_opt(ws, row, 0, pie, &po));

	lxw_chart *col = workbook_add_chart(b->wb, LXW_CHART_COLUMN);
	if (!col) {
		S_check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
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
	S_check(b, worksheet_insert_chart_opt(ws, row + 16, 0, col, &co));
}

/* libxlsxwriter 1.1 writes the XML of every part to temporary files
 * without checking those writes: a full disk (or a file size limit) gives
 * a well-formed zip of truncated parts and LXW_NO_ERROR.  So the workbook
 * is read back: every part must inflate with its CRC and end with the
 * closing tag of its root element.  0, or -1 with *why set. */
static int S_verify(const char *path, const char **why)
{
	int zerr = 0;
	zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (!za) {
		*why = "the written workbook cannot be read back";
		return -1;
	}
	int rc = 0;
	zip_int64_t n = zip_get_num_entries(za, 0);
	const size_t bufsize = 1 << 16;
	char *buf = xmalloc(bufsize);
	for (zip_int64_t i = 0; i < n && rc == 0; i++) {
		const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
		size_t nl = name ? strlen(name) : 0;
		if (nl < 4 || (strcmp(name + nl - 4, ".xml") && strcmp(name + nl - 5, ".rels")))
			continue;
		zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
		if (!zf) {
			rc = -1;
			break;
		}
		char head[256], tail[64];
		size_t nh = 0, nt = 0;
		zip_int64_t got;
		while ((got = zip_fread(zf, buf, bufsize)) > 0) {
			size_t g = (size_t)got;
			if (nh < sizeof(head) - 1) {
				size_t k = g < sizeof(head) - 1 - nh ? g : sizeof(head) - 1 - nh;
				memcpy(head + nh, buf, k);
				nh += k;
			}
			if (g >= sizeof(tail)) {
				memcpy(tail, buf + g - sizeof(tail), sizeof(tail));
				nt = sizeof(tail);
			} else {
				size_t keep = nt + g > sizeof(tail) ? sizeof(tail) - g : nt;
				memmove(tail, tail + nt - keep, keep);
				memcpy(tail + keep, buf, g);
				nt = keep + g;
			}
		}
		if (got < 0 || zip_fclose(zf) != 0) { /* a CRC error shows here */
			rc = -1;
			break;
		}
		head[nh] = '\0';
		/* the root element's name: the first tag that is not <?…?> */
		const char *p = head;
		while ((p = strchr(p, '<')) && (p[1] == '?' || p[1] == '!'))
			p++;
		size_t rl = 0;
		if (p)
			while (p[1 + rl] && !strchr(" \t\r\n/>", p[1 + rl]))
				rl++;
		while (nt && strchr(" \t\r\n", tail[nt - 1]))
			nt--;
		if (!p || !rl || nt < rl + 3 || tail[nt - rl - 3] != '<' || tail[nt - rl - 2] != '/' ||
		    memcmp(tail + nt - rl - 1, p + 1, rl) || tail[nt - 1] != '>')
			rc = -1;
	}
	zip_discard(za);
	free(buf);
	if (rc != 0)
		*why = "a part of the workbook was cut short (disk full?)";
	return rc;
}

/* Writes the workbook to path; 0, or -1 with *why set. */
static int S_write_xlsx(const xh_ledger *l, const char *path, const char *tmpdir, const char **why)
{
	const xh_year *y = l->y;
	S_book b;
	memset(&b, 0, sizeof(b));
	b.l = l;
	lxw_workbook_options wo;
	memset(&wo, 0, sizeof(wo));
	/* every sheet is written in row order, so a large year can stream */
	wo.constant_memory = y->nexpenditures + y->ndisbursements > S_BIG ? LXW_TRUE : LXW_FALSE;
	wo.tmpdir = (char *)tmpdir;
	errno = 0;
	b.wb = workbook_new_opt(path, &wo);
	if (!b.wb) {
		*why = strerror(errno ? errno : ENOMEM);
		return -1;
	}
	char title[160];
	snprintf(title, sizeof(title), "%d年度%s资金台账", y->prog.year, S_PROG);
	lxw_doc_properties dp;
	memset(&dp, 0, sizeof(dp));
	dp.title = title;
	dp.author = "xhgen";
	dp.company = y->prog.issuer && *y->prog.issuer ? y->prog.issuer : NULL;
	xh_date jan1 = {y->prog.year, 1, 1};
	dp.created = xh_date_valid(jan1) ? (time_t)xh_date_days(jan1) * 86400 : (time_t)315532800;
	S_check(&b, workbook_set_properties(b.wb, &dp));

	S_formats(&b);
	lxw_worksheet *ws[S_NSHEETS];
	for (int k = 0; k < S_NSHEETS; k++) {
		ws[k] = workbook_add_worksheet(b.wb, S_sheet_name[k]);
		if (!ws[k]) {
			S_check(&b, LXW_ERROR_MEMORY_MALLOC_FAILED);
			workbook_close(b.wb);
			*why = lxw_strerror(b.err);
			return -1;
		}
	}
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
	xh_buf_free(&b.tmp);

	errno = 0;
	lxw_error e = workbook_close(b.wb);
	int err = errno;
	if (b.err != LXW_NO_ERROR) {
		*why = lxw_strerror(b.err);
		return -1;
	}
	if (e != LXW_NO_ERROR) {
		*why = err ? strerror(err) : lxw_strerror(e);
		return -1;
	}
	return S_verify(path, why);
}

/* libxlsxwriter prints its own "[ERROR] …" lines on stderr; the failure is
 * reported once, in xhgen's format.  Single-threaded: stderr points at
 * /dev/null while the workbook is built.  Returns the saved descriptor. */
static int S_quiet_begin(void)
{
	fflush(stderr);
	int saved = dup(2);
	int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0 && nul >= 0 && dup2(nul, 2) < 0) {
		close(saved);
		saved = -1;
	}
	if (nul >= 0)
		close(nul);
	return saved;
}

static void S_quiet_end(int saved)
{
	if (saved < 0)
		return;
	int e = errno;
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	errno = e;
}

/* ---- the report ---- */

static const char *S_file(const xh_year *y, const char *type)
{
	size_t nt;
	const xh_rtype *t = xh_schema_types(&nt);
	for (size_t i = 0; i < nt && i < sizeof(y->file) / sizeof(*y->file); i++)
		if (!strcmp(t[i].name, type))
			return y->file[i] ? y->file[i] : type;
	return type;
}

/* One line an exception, payments first, each in file order; then the
 * summary. */
static void S_report(const xh_ledger *l, FILE *out)
{
	const xh_year *y = l->y;
	xh_buf m = XH_BUF_INIT;
	const char *fd = S_file(y, "disbursements"), *fe = S_file(y, "expenditures");
	for (size_t i = 0; i < y->ndisbursements; i++) {
		if (!l->dis_reason[i])
			continue;
		const xh_disbursement *d = &y->disbursements[i];
		fprintf(out, "%s:%lu: 拨付 ", fd, d->row);
		if (d->voucher && *d->voucher)
			fprintf(out, "%s ", d->voucher);
		fprintf(out, "%s %s %s元: %s\n", S_app_id(y, d->application), S_society(y, d->application),
		        S_yuan(&m, d->amount), l->dis_reason[i]);
	}
	for (size_t i = 0; i < y->nexpenditures; i++) {
		if (!l->exp_reason[i])
			continue;
		const xh_expenditure *e = &y->expenditures[i];
		fprintf(out, "%s:%lu: 支出 ", fe, e->row);
		if (e->voucher && *e->voucher)
			fprintf(out, "%s ", e->voucher);
		fprintf(out, "%s %s %s元: %s\n", S_app_id(y, e->application), S_society(y, e->application),
		        S_yuan(&m, e->amount), l->exp_reason[i]);
	}
	fprintf(out, "台账：%zu 个项目，核定 %s 元，", l->nalloc, S_yuan(&m, l->approved_total));
	fprintf(out, "已拨付 %s 元，", S_yuan(&m, l->disbursed_total));
	fprintf(out, "已支出 %s 元；例外 %zu 条\n", S_yuan(&m, l->spent_total), l->nexceptions);
	xh_buf_free(&m);
}

/* ---- the entry point ---- */

xh_err xh_ledger_write(const xh_ledger *l, const char *outdir, FILE *report, xh_diag *diag)
{
	xh_err rc = XH_OK;
	const int year = l->y->prog.year;
	char *dir = xasprintf("%s/%d/ledger", outdir, year);
	char *xlsx = xasprintf("%s/%s", dir, S_XLSX);
	char *xlsx_tmp = xasprintf("%s/.%s.tmp-%ld", dir, S_XLSX, (long)getpid());
	const char *why = NULL;
	int made_tmp = 0;

	/* the folders this call makes, removed again if it fails */
	char *made[3] = {xstrdup(outdir), xasprintf("%s/%d", outdir, year), xstrdup(dir)};
	int existed[3];
	for (int k = 0; k < 3; k++) {
		struct stat st;
		existed[k] = stat(made[k], &st) == 0;
	}

	if (xh_mkdirs(dir) != 0) {
		xh_diag_add(diag, 0, "%s: cannot create: %s", dir, strerror(errno));
		rc = XH_ESYS;
		goto done;
	}
	made_tmp = 1;
	int quiet = S_quiet_begin();
	int bad = S_write_xlsx(l, xlsx_tmp, dir, &why);
	S_quiet_end(quiet);
	if (bad != 0 || xh_fsync_path(xlsx_tmp, 0) != 0) {
		xh_diag_add(diag, 0, "%s: cannot write: %s", xlsx, why ? why : strerror(errno));
		rc = XH_ESYS;
		goto done;
	}
	if (rename(xlsx_tmp, xlsx) != 0) {
		xh_diag_add(diag, 0, "%s: cannot write: %s", xlsx, strerror(errno));
		rc = XH_ESYS;
		goto done;
	}
	made_tmp = 0;
	if (xh_fsync_path(dir, 1) != 0) {
		xh_diag_add(diag, 0, "%s: cannot sync: %s", dir, strerror(errno));
		rc = XH_ESYS;
		goto done;
	}
	if (report) {
		S_report(l, report);
		if (fflush(report) != 0 || ferror(report)) {
			xh_diag_add(diag, 0, "stdout: cannot write: %s", strerror(errno));
			rc = XH_ESYS;
		}
	}
done:
	if (made_tmp)
		unlink(xlsx_tmp);
	for (int k = 2; k >= 0; k--) {
		if (rc != XH_OK && !existed[k])
			rmdir(made[k]);
		free(made[k]);
	}
	free(dir);
	free(xlsx);
	free(xlsx_tmp);
	return rc;
}
