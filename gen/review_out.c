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
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "review.h"

#define S_XLSX "形式审查.xlsx"
#define S_CSV "拟立项名单.csv"
#define S_PROG "威海市学会创新和服务能力提升工程"

/* ---- small helpers ---- */

/* Display width of UTF-8 text in column units: a CJK (or any non-ASCII)
 * character is about two digits wide.  With newlines, the widest line. */
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

static const char *S_society_name(const xh_year *y, const xh_application *a)
{
	if (a->society >= 0 && (size_t)a->society < y->nsocieties && y->societies[a->society].name[0])
		return y->societies[a->society].name;
	return a->society_id;
}

/* "50000.00": no thousands separator, for the CSV */
static void S_fen_plain(xh_buf *b, xh_fen v)
{
	if (v < 0) {
		xh_buf_addc(b, '-');
		v = -v;
	}
	xh_buf_printf(b, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
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
	lxw_error err;        /* the first error of any write (sticky) */
	xh_buf tmp;           /* scratch for cleaned text */
	lxw_format *title, *sub_left, *sub_right, *head, *text, *wrap, *center, *money, *score,
	    *count, *total_label, *total_money, *total_count, *line, *section;
	lxw_format *verdict[4];
} S_book;

static void S_check(S_book *b, lxw_error e)
{
	if (e != LXW_NO_ERROR && b->err == LXW_NO_ERROR)
		b->err = e;
}

/* Control characters other than tab and newline are not valid XML 1.0;
 * libxlsxwriter escapes them in cells but not in comments.  The checked
 * year should hold none; a space stands in for any that got through. */
static const char *S_clean(S_book *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (; *p; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7F ||
		    (p[0] == 0xEF && p[1] == 0xBF && (p[2] & 0xFE) == 0xBE))
			break;
	if (!*p)
		return s;
	b->tmp.len = 0;
	for (p = (const unsigned char *)s; *p; p++) {
		/* U+FFFE and U+FFFF cannot be written in XML: OOXML's escape
		 * keeps them */
		if (p[0] == 0xEF && p[1] == 0xBF && (p[2] & 0xFE) == 0xBE) {
			xh_buf_adds(&b->tmp, p[2] == 0xBE ? "_xFFFE_" : "_xFFFF_");
			p += 2;
			continue;
		}
		xh_buf_addc(&b->tmp,
		            (char)(((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7F) ? ' ' : *p));
	}
	return xh_buf_cstr(&b->tmp);
}

static void S_str(S_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                  lxw_format *f)
{
	if (!s || !*s)
		S_check(b, worksheet_write_blank(ws, r, c, f));
	else
		S_check(b, worksheet_write_string(ws, r, c, S_clean(b, s), f));
}

static void S_numcell(S_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v,
                      lxw_format *f)
{
	S_check(b, worksheet_write_number(ws, r, c, v, f));
}

static void S_comment(S_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s)
{
	/* a box wide enough for about 20 CJK characters a line, tall enough
	 * for the text */
	size_t lines = S_width(s) / 40 + 1;
	for (const char *p = s; *p; p++)
		lines += *p == '\n';
	if (lines > 30)
		lines = 30;
	lxw_comment_options o;
	memset(&o, 0, sizeof(o));
	o.width = 300;
	o.height = (uint16_t)(24 + 18 * lines);
	S_check(b, worksheet_write_comment_opt(ws, r, c, S_clean(b, s), &o));
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
	b->score = S_fmt(b, 1);
	format_set_num_format(b->score, "0.00");
	format_set_align(b->score, LXW_ALIGN_CENTER);
	b->count = S_fmt(b, 1);
	format_set_num_format(b->count, "0");
	format_set_align(b->count, LXW_ALIGN_CENTER);
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
	b->line = S_fmt(b, 0);
	b->section = S_fmt(b, 0);
	format_set_font_name(b->section, "黑体");
	format_set_font_size(b->section, 12);

	/* plain formats by verdict, not conditional formatting: the colour is
	 * the verdict the program found, and stays when the sheet is copied */
	static const lxw_color_t fill[4] = {0, 0xFFF2CC, 0xF8CBAD, 0xE06666};
	for (int v = 0; v < 4; v++) {
		b->verdict[v] = S_fmt(b, 1);
		format_set_align(b->verdict[v], LXW_ALIGN_CENTER);
		if (fill[v])
			format_set_bg_color(b->verdict[v], fill[v]);
	}
	format_set_bold(b->verdict[XH_V_VETO]);
	format_set_font_color(b->verdict[XH_V_VETO], LXW_COLOR_WHITE);
}

/* Column widths from the longest text, clamped to [lo, hi] by S_cols_set;
 * wrapped text then sets the height of its row (S_lines), since neither
 * Excel nor LibreOffice grows a row that libxlsxwriter wrote. */
typedef struct S_cols {
	size_t n;
	double *w, *lo, *hi;
} S_cols;

static void S_cols_init(S_cols *c, size_t n, double lo, double hi)
{
	c->n = n;
	c->w = xcalloc(n, sizeof(*c->w));
	c->lo = xcalloc(n, sizeof(*c->lo));
	c->hi = xcalloc(n, sizeof(*c->hi));
	for (size_t i = 0; i < n; i++)
		c->lo[i] = lo, c->hi[i] = hi;
}

static void S_cols_free(S_cols *c)
{
	free(c->w);
	free(c->lo);
	free(c->hi);
	c->w = c->lo = c->hi = NULL;
}

static void S_range(S_cols *c, size_t col, double lo, double hi)
{
	if (col < c->n)
		c->lo[col] = lo, c->hi[col] = hi;
}

static void S_fit(S_cols *c, size_t col, const char *s)
{
	double w = (double)S_width(s ? s : "") + 2;
	if (col < c->n && w > c->w[col])
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
	double room = col < c->n && c->w[col] > 3 ? c->w[col] - 1.5 : 1;
	size_t lines = 0;
	while (s) {
		const char *nl = strchr(s, '\n');
		char *seg = xstrndup(s, nl ? (size_t)(nl - s) : strlen(s));
		size_t w = S_width(seg);
		free(seg);
		size_t k = (size_t)((double)w / room);
		if ((double)k * room < (double)w)
			k++;
		lines += k ? k : 1;
		s = nl ? nl + 1 : NULL;
	}
	return lines;
}

static void S_height(S_book *b, lxw_worksheet *ws, lxw_row_t row, size_t lines)
{
	if (lines > 1)
		S_check(b, worksheet_set_row(ws, row, 14.5 * (double)lines + 3, NULL));
}

/* Title, 编制单位 row, print setup: what every sheet shares. */
static void S_sheet_top(S_book *b, lxw_worksheet *ws, const xh_review *r, const char *what,
                        lxw_col_t ncols, int unit)
{
	const xh_programme *p = &r->y->prog;
	char *title = xasprintf("%d年度%s%s", p->year, S_PROG, what);
	if (ncols > 1)
		S_check(b, worksheet_merge_range(ws, 0, 0, 0, ncols - 1, title, b->title));
	else
		S_str(b, ws, 0, 0, title, b->title);
	free(title);
	S_check(b, worksheet_set_row(ws, 0, 30, NULL));
	char *issuer = xasprintf("编制单位：%s", p->issuer && *p->issuer ? p->issuer : "威海市科学技术协会");
	S_str(b, ws, 1, 0, issuer, b->sub_left);
	free(issuer);
	if (unit)
		S_str(b, ws, 1, ncols - 1, "单位：元", b->sub_right);

	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.7);
	worksheet_center_horizontally(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	S_check(b, worksheet_set_footer(ws, "&C第 &P 页 共 &N 页"));
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
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, "形式审查");
	if (!ws) {
		S_check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	enum { C_NO, C_ID, C_SOC, C_TITLE, C_CLS, C_AMT, C_RULES };
	const size_t nr = r->nrules;
	const lxw_col_t c_verdict = (lxw_col_t)(C_RULES + nr), c_note = c_verdict + 1;
	const lxw_col_t ncols = c_note + 1;
	static const char *const head[] = {"序号", "申报编号", "学会名称", "项目名称", "类别", "申请金额"};
	const lxw_row_t hr = 2;
	S_sheet_top(b, ws, r, "形式审查表", ncols, 1);

	/* widths first, so that wrapped cells can set their row's height */
	S_cols cw;
	S_cols_init(&cw, ncols, 6, 14);
	S_range(&cw, C_ID, 8, 16);
	S_range(&cw, C_SOC, 12, 20);
	S_range(&cw, C_TITLE, 16, 28);
	S_range(&cw, C_AMT, 12, 16);
	for (size_t k = 0; k < nr; k++)
		S_range(&cw, C_RULES + k, 9, 9); /* 一票否决, with the header wrapped */
	S_range(&cw, c_verdict, 10, 10);
	S_range(&cw, c_note, 24, 44);
	xh_buf t = XH_BUF_INIT, note = XH_BUF_INIT, num = XH_BUF_INIT;
	for (lxw_col_t c = 0; c < C_RULES; c++)
		S_fit(&cw, c, head[c]);
	for (size_t i = 0; i < y->napplications; i++) {
		const xh_application *a = &y->applications[i];
		S_fit(&cw, C_ID, a->id);
		S_fit(&cw, C_SOC, S_society_name(y, a));
		S_fit(&cw, C_TITLE, a->title);
		S_fit(&cw, C_AMT, S_yuan(&num, a->amount));
		S_reasons(r, i, &note);
		S_fit(&cw, c_note, note.data);
	}
	S_cols_set(b, ws, &cw);

	/* the header: a rule's title over its id, its clause and text in a
	 * comment */
	size_t hlines = 1;
	for (lxw_col_t c = 0; c < C_RULES; c++)
		S_str(b, ws, hr, c, head[c], b->head);
	for (size_t k = 0; k < nr; k++) {
		const xh_rule *ru = &r->rules[k];
		lxw_col_t c = (lxw_col_t)(C_RULES + k);
		t.len = 0;
		xh_buf_printf(&t, "%s\n%s", ru->title, ru->id);
		S_str(b, ws, hr, c, xh_buf_cstr(&t), b->head);
		size_t l = S_lines(&cw, c, xh_buf_cstr(&t));
		if (l > hlines)
			hlines = l;
		t.len = 0;
		xh_buf_printf(&t, "%s %s\n依据：%s\n读取：%s\n%s", ru->id, ru->title, ru->clause,
		              ru->fields, ru->rule);
		S_comment(b, ws, hr, c, xh_buf_cstr(&t));
	}
	S_str(b, ws, hr, c_verdict, "审查结论", b->head);
	S_str(b, ws, hr, c_note, "说明", b->head);
	S_height(b, ws, hr, hlines);

	for (size_t i = 0; i < y->napplications; i++) {
		const xh_application *a = &y->applications[i];
		const xh_app_result *ar = &r->app[i];
		lxw_row_t row = (lxw_row_t)(hr + 1 + i);
		S_numcell(b, ws, row, C_NO, (double)(i + 1), b->count);
		S_str(b, ws, row, C_ID, a->id, b->text);
		S_str(b, ws, row, C_SOC, S_society_name(y, a), b->wrap);
		S_str(b, ws, row, C_TITLE, a->title, b->wrap);
		S_str(b, ws, row, C_CLS, xh_class_name(a->cls), b->center);
		S_numcell(b, ws, row, C_AMT, S_num(a->amount), b->money);
		for (size_t k = 0; k < nr; k++) {
			const xh_finding *f = &r->f[i * nr + k];
			lxw_col_t c = (lxw_col_t)(C_RULES + k);
			S_str(b, ws, row, c, xh_verdict_name(f->v), S_vfmt(b, f->v));
			if (f->reason && *f->reason)
				S_comment(b, ws, row, c, f->reason);
		}
		S_str(b, ws, row, c_verdict, xh_verdict_name(ar->overall), S_vfmt(b, ar->overall));
		S_reasons(r, i, &note);
		S_str(b, ws, row, c_note, note.data, b->wrap);
		size_t l = S_lines(&cw, C_SOC, S_society_name(y, a)), l2;
		if ((l2 = S_lines(&cw, C_TITLE, a->title)) > l)
			l = l2;
		if ((l2 = S_lines(&cw, c_note, note.data)) > l)
			l = l2;
		S_height(b, ws, row, l);
	}
	lxw_row_t last = (lxw_row_t)(hr + y->napplications);
	if (y->napplications == 0)
		S_str(b, ws, hr + 1, 0, "（本年度无申报）", b->line);

	worksheet_freeze_panes(ws, hr + 1, C_TITLE + 1);
	S_check(b, worksheet_autofilter(ws, hr, 0, last, ncols - 1));
	S_check(b, worksheet_repeat_rows(ws, hr, hr));
	worksheet_set_comments_author(ws, "xhgen");
	S_cols_free(&cw);
	xh_buf_free(&t);
	xh_buf_free(&note);
	xh_buf_free(&num);
}

/* ---- sheet 2: 拟立项排名 ---- */

static void S_sheet_rank(S_book *b, const xh_review *r)
{
	const xh_year *y = r->y;
	const xh_programme *p = &y->prog;
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, "拟立项排名");
	if (!ws) {
		S_check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	static const char *const head[] = {"排名",     "申报编号", "学会名称", "项目名称",   "类别",
	                                   "评分专家数", "平均分",   "重点产业", "申请金额",   "拟资助金额",
	                                   "累计金额", "结果",     "说明"};
	enum { C_RANK, C_ID, C_SOC, C_TITLE, C_CLS, C_NEXP, C_MEAN, C_KEY, C_AMT, C_PROP, C_RUN, C_SEL,
	       C_NOTE, C_N };
	const lxw_row_t hr = 2;
	const size_t n = y->napplications;
	S_sheet_top(b, ws, r, "拟立项排名表", C_N, 1);

	S_cols cw;
	S_cols_init(&cw, C_N, 6, 14);
	S_range(&cw, C_ID, 8, 16);
	S_range(&cw, C_SOC, 12, 20);
	S_range(&cw, C_TITLE, 16, 28);
	S_range(&cw, C_NEXP, 6, 6);   /* "评分专家数" wraps */
	S_range(&cw, C_KEY, 6, 6);
	S_range(&cw, C_AMT, 12, 16);
	S_range(&cw, C_PROP, 12, 16);
	S_range(&cw, C_RUN, 12, 16);
	S_range(&cw, C_SEL, 8, 16);
	S_range(&cw, C_NOTE, 20, 40);
	xh_buf num = XH_BUF_INIT;
	for (lxw_col_t c = 0; c < C_N; c++)
		S_fit(&cw, c, head[c]);
	for (size_t k = 0; k < n; k++) {
		int i = r->order[k];
		const xh_application *a = &y->applications[i];
		const xh_app_result *ar = &r->app[i];
		S_fit(&cw, C_ID, a->id);
		S_fit(&cw, C_SOC, S_society_name(y, a));
		S_fit(&cw, C_TITLE, a->title);
		S_fit(&cw, C_AMT, S_yuan(&num, a->amount));
		S_fit(&cw, C_RUN, S_yuan(&num, ar->running));
		S_fit(&cw, C_SEL, xh_selection_name(ar->sel));
		S_fit(&cw, C_NOTE, ar->note);
	}
	S_fit(&cw, C_PROP, S_yuan(&num, r->proposed_total));
	S_cols_set(b, ws, &cw);

	size_t hlines = 1;
	for (lxw_col_t c = 0; c < C_N; c++) {
		S_str(b, ws, hr, c, head[c], b->head);
		size_t l = S_lines(&cw, c, head[c]);
		if (l > hlines)
			hlines = l;
	}
	S_height(b, ws, hr, hlines);

	for (size_t k = 0; k < n; k++) {
		int i = r->order[k];
		const xh_application *a = &y->applications[i];
		const xh_app_result *ar = &r->app[i];
		lxw_row_t row = (lxw_row_t)(hr + 1 + k);
		if (ar->rank > 0)
			S_numcell(b, ws, row, C_RANK, ar->rank, b->count);
		else
			S_str(b, ws, row, C_RANK, "", b->count);
		S_str(b, ws, row, C_ID, a->id, b->text);
		S_str(b, ws, row, C_SOC, S_society_name(y, a), b->wrap);
		S_str(b, ws, row, C_TITLE, a->title, b->wrap);
		S_str(b, ws, row, C_CLS, xh_class_name(a->cls), b->center);
		S_numcell(b, ws, row, C_NEXP, ar->nscores, b->count);
		if (ar->nscores > 0)
			S_numcell(b, ws, row, C_MEAN, ar->mean_hundredths / 100.0, b->score);
		else
			S_str(b, ws, row, C_MEAN, "", b->score);
		S_str(b, ws, row, C_KEY, ar->key_industry ? "是" : "否", b->center);
		S_numcell(b, ws, row, C_AMT, S_num(a->amount), b->money);
		if (ar->sel == XH_SEL_PROPOSED)
			S_numcell(b, ws, row, C_PROP, S_num(ar->proposed), b->money);
		else
			S_str(b, ws, row, C_PROP, "", b->money);
		if (ar->rank > 0)
			S_numcell(b, ws, row, C_RUN, S_num(ar->running), b->money);
		else
			S_str(b, ws, row, C_RUN, "", b->money);
		S_str(b, ws, row, C_SEL, xh_selection_name(ar->sel), b->center);
		S_str(b, ws, row, C_NOTE, ar->note, b->wrap);
		size_t l = S_lines(&cw, C_SOC, S_society_name(y, a)), l2;
		if ((l2 = S_lines(&cw, C_TITLE, a->title)) > l)
			l = l2;
		if ((l2 = S_lines(&cw, C_NOTE, ar->note ? ar->note : "")) > l)
			l = l2;
		S_height(b, ws, row, l);
	}

	/* 合计: a formula with its cached value, so that a viewer that does not
	 * recalculate still shows the sum */
	lxw_row_t tr = (lxw_row_t)(hr + 1 + n);
	S_check(b, worksheet_merge_range(ws, tr, 0, tr, C_PROP - 1, "合计", b->total_label));
	if (n > 0) {
		char from[16], to[16];
		lxw_rowcol_to_cell(from, hr + 1, C_PROP);
		lxw_rowcol_to_cell(to, tr - 1, C_PROP);
		char *fml = xasprintf("=SUM(%s:%s)", from, to);
		S_check(b, worksheet_write_formula_num(ws, tr, C_PROP, fml, b->total_money,
		                                       S_num(r->proposed_total)));
		free(fml);
	} else {
		S_numcell(b, ws, tr, C_PROP, 0, b->total_money);
	}
	for (lxw_col_t c = C_RUN; c < C_N; c++)
		S_str(b, ws, tr, c, "", b->total_label);

	/* the budget under the table */
	xh_buf line = XH_BUF_INIT;
	xh_buf_printf(&line, "年度经费总额 %s 元，", S_yuan(&num, p->budget));
	xh_buf_printf(&line, "拟资助合计 %s 元，", S_yuan(&num, r->proposed_total));
	xh_buf_printf(&line, "剩余 %s 元", S_yuan(&num, p->budget - r->proposed_total));
	lxw_row_t lr = tr + 2;
	S_str(b, ws, lr++, 0, xh_buf_cstr(&line), b->line);
	for (int c = 0; c < XH_NCLASS; c++) {
		if (!p->has_class_budget[c])
			continue;
		line.len = 0;
		xh_buf_printf(&line, "%s类：预算 %s 元，", xh_class_name(c), S_yuan(&num, p->class_budget[c]));
		xh_buf_printf(&line, "拟资助 %s 元，", S_yuan(&num, r->proposed_class[c]));
		xh_buf_printf(&line, "剩余 %s 元", S_yuan(&num, p->class_budget[c] - r->proposed_class[c]));
		S_str(b, ws, lr++, 0, xh_buf_cstr(&line), b->line);
	}

	worksheet_freeze_panes(ws, hr + 1, C_TITLE + 1);
	S_check(b, worksheet_autofilter(ws, hr, 0, (lxw_row_t)(hr + n), C_N - 1));
	S_check(b, worksheet_repeat_rows(ws, hr, hr));
	S_cols_free(&cw);
	xh_buf_free(&line);
	xh_buf_free(&num);
}

/* ---- sheet 3: 汇总 ---- */

static void S_sheet_summary(S_book *b, const xh_review *r)
{
	const xh_year *y = r->y;
	const xh_programme *p = &y->prog;
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, "汇总");
	if (!ws) {
		S_check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	const lxw_col_t ncols = 6;
	S_sheet_top(b, ws, r, "形式审查与拟立项汇总表", ncols, 1);

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
	S_str(b, ws, row++, 0, "一、形式审查结论（按类别）", b->section);
	lxw_row_t h1 = row;
	S_str(b, ws, row, 0, "类别", b->head);
	for (int v = 0; v < 4; v++)
		S_str(b, ws, row, (lxw_col_t)(1 + v), xh_verdict_name((xh_verdict)v), b->head);
	S_str(b, ws, row++, 5, "合计", b->head);
	for (int c = 0; c < XH_NCLASS; c++, row++) {
		S_str(b, ws, row, 0, xh_class_name(c), b->center);
		long sum = 0;
		for (int v = 0; v < 4; v++) {
			S_numcell(b, ws, row, (lxw_col_t)(1 + v), (double)by[c][v], b->count);
			sum += by[c][v];
		}
		lxw_rowcol_to_cell(a1, row, 1);
		lxw_rowcol_to_cell(a2, row, 4);
		fml = xasprintf("=SUM(%s:%s)", a1, a2);
		S_check(b, worksheet_write_formula_num(ws, row, 5, fml, b->total_count, (double)sum));
		free(fml);
	}
	S_str(b, ws, row, 0, "合计", b->total_label);
	for (lxw_col_t col = 1; col <= 5; col++) {
		long sum = 0;
		for (int c = 0; c < XH_NCLASS; c++)
			sum += col <= 4 ? by[c][col - 1] : by[c][0] + by[c][1] + by[c][2] + by[c][3];
		lxw_rowcol_to_cell(a1, h1 + 1, col);
		lxw_rowcol_to_cell(a2, row - 1, col);
		fml = xasprintf("=SUM(%s:%s)", a1, a2);
		S_check(b, worksheet_write_formula_num(ws, row, col, fml, b->total_count, (double)sum));
		free(fml);
	}
	row += 2;

	/* 2. results */
	S_str(b, ws, row++, 0, "二、拟立项结果", b->section);
	S_str(b, ws, row, 0, "结果", b->head);
	S_check(b, worksheet_merge_range(ws, row, 1, row, 2, "", b->head));
	S_str(b, ws, row, 1, "项目数", b->head);
	lxw_row_t h2 = row++;
	long nall = 0;
	for (int s = 0; s <= XH_SEL_BUDGET; s++, row++) {
		S_str(b, ws, row, 0, xh_selection_name((xh_selection)s), b->center);
		S_check(b, worksheet_merge_range(ws, row, 1, row, 2, "", b->count));
		S_numcell(b, ws, row, 1, (double)sel[s], b->count);
		nall += sel[s];
	}
	S_str(b, ws, row, 0, "合计", b->total_label);
	S_check(b, worksheet_merge_range(ws, row, 1, row, 2, "", b->total_count));
	lxw_rowcol_to_cell(a1, h2 + 1, 1);
	lxw_rowcol_to_cell(a2, row - 1, 1);
	fml = xasprintf("=SUM(%s:%s)", a1, a2);
	S_check(b, worksheet_write_formula_num(ws, row, 1, fml, b->total_count, (double)nall));
	free(fml);
	row += 2;

	/* 3. money by class against the budgets */
	S_str(b, ws, row++, 0, "三、拟资助金额与预算", b->section);
	static const char *const h3[] = {"类别", "拟立项数", "拟资助金额", "预算", "剩余", "说明"};
	for (lxw_col_t c = 0; c < 6; c++)
		S_str(b, ws, row, c, h3[c], b->head);
	lxw_row_t top = ++row;
	long np = 0;
	for (int c = 0; c < XH_NCLASS; c++, row++) {
		S_str(b, ws, row, 0, xh_class_name(c), b->center);
		S_numcell(b, ws, row, 1, (double)nprop[c], b->count);
		S_numcell(b, ws, row, 2, S_num(r->proposed_class[c]), b->money);
		np += nprop[c];
		if (p->has_class_budget[c]) {
			S_numcell(b, ws, row, 3, S_num(p->class_budget[c]), b->money);
			lxw_rowcol_to_cell(a1, row, 3);
			lxw_rowcol_to_cell(a2, row, 2);
			fml = xasprintf("=%s-%s", a1, a2);
			S_check(b, worksheet_write_formula_num(ws, row, 4, fml, b->money,
			                                       S_num(p->class_budget[c] - r->proposed_class[c])));
			free(fml);
			S_str(b, ws, row, 5, "", b->text);
		} else {
			S_str(b, ws, row, 3, "", b->money);
			S_str(b, ws, row, 4, "", b->money);
			S_str(b, ws, row, 5, "未设类别预算", b->text);
		}
	}
	S_str(b, ws, row, 0, "合计", b->total_label);
	lxw_rowcol_to_cell(a1, top, 1);
	lxw_rowcol_to_cell(a2, row - 1, 1);
	fml = xasprintf("=SUM(%s:%s)", a1, a2);
	S_check(b, worksheet_write_formula_num(ws, row, 1, fml, b->total_count, (double)np));
	free(fml);
	lxw_rowcol_to_cell(a1, top, 2);
	lxw_rowcol_to_cell(a2, row - 1, 2);
	fml = xasprintf("=SUM(%s:%s)", a1, a2);
	S_check(b, worksheet_write_formula_num(ws, row, 2, fml, b->total_money, S_num(r->proposed_total)));
	free(fml);
	S_numcell(b, ws, row, 3, S_num(p->budget), b->total_money);
	lxw_rowcol_to_cell(a1, row, 3);
	lxw_rowcol_to_cell(a2, row, 2);
	fml = xasprintf("=%s-%s", a1, a2);
	S_check(b, worksheet_write_formula_num(ws, row, 4, fml, b->total_money,
	                                       S_num(p->budget - r->proposed_total)));
	free(fml);
	S_str(b, ws, row, 5, "年度经费总额", b->text);

	static const double w[] = {22, 12, 16, 16, 16, 16};
	for (lxw_col_t c = 0; c < ncols; c++)
		S_check(b, worksheet_set_column(ws, c, c, w[c], NULL));
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
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, "规则说明");
	if (!ws) {
		S_check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	static const char *const head[] = {"规则编号", "名称", "依据条款", "读取字段", "规则"};
	static const double width[] = {10, 18, 22, 34, 70};
	const lxw_col_t ncols = 5;
	S_sheet_top(b, ws, r, "形式审查规则说明", ncols, 0);
	S_cols cw;
	S_cols_init(&cw, ncols, 0, 0);
	for (lxw_col_t c = 0; c < ncols; c++)
		S_range(&cw, c, width[c], width[c]);
	S_cols_set(b, ws, &cw);

	const lxw_row_t hr = 2;
	for (lxw_col_t c = 0; c < ncols; c++)
		S_str(b, ws, hr, c, head[c], b->head);
	lxw_row_t row = hr + 1;
	for (size_t k = 0; k < r->nrules; k++, row++) {
		const xh_rule *ru = &r->rules[k];
		const char *cell[] = {ru->id, ru->title, ru->clause, ru->fields, ru->rule};
		size_t lines = 1;
		for (lxw_col_t c = 0; c < ncols; c++) {
			S_str(b, ws, row, c, cell[c], c == 0 ? b->center : b->wrap);
			size_t l = S_lines(&cw, c, cell[c]);
			if (l > lines)
				lines = l;
		}
		S_height(b, ws, row, lines);
	}
	lxw_row_t last = row - 1;
	row++;
	S_str(b, ws, row++, 0, "口径说明（实施方案未明确之处的处理）", b->section);
	xh_buf t = XH_BUF_INIT;
	double all = 0;
	for (lxw_col_t c = 0; c < ncols; c++)
		all += width[c];
	for (size_t k = 0; k < sizeof(S_decisions) / sizeof(*S_decisions); k++, row++) {
		t.len = 0;
		xh_buf_printf(&t, "%zu. ", k + 1);
		xh_buf_printf(&t, S_decisions[k], xh_selection_name(XH_SEL_BUDGET));
		S_check(b, worksheet_merge_range(ws, row, 0, row, ncols - 1, "", b->wrap));
		S_str(b, ws, row, 0, xh_buf_cstr(&t), b->wrap);
		/* a merged cell does not grow with its text */
		size_t w = S_width(xh_buf_cstr(&t)), lines = (size_t)((double)w / (all - 2)) + 1;
		S_height(b, ws, row, lines);
	}
	xh_buf_free(&t);
	worksheet_freeze_panes(ws, hr + 1, 0);
	if (r->nrules)
		S_check(b, worksheet_autofilter(ws, hr, 0, last, ncols - 1));
	S_check(b, worksheet_repeat_rows(ws, hr, hr));
	S_cols_free(&cw);
}

/* Writes the workbook to path; 0, or -1 with *why set. */
static int S_write_xlsx(const xh_review *r, const char *path, const char **why)
{
	S_book b;
	memset(&b, 0, sizeof(b));
	lxw_workbook_options wo;
	memset(&wo, 0, sizeof(wo));
	wo.constant_memory = LXW_FALSE; /* comments and merged cells need the sheet in memory */
	b.wb = workbook_new_opt(path, &wo);
	if (!b.wb) {
		*why = strerror(errno ? errno : ENOMEM);
		return -1;
	}
	/* a fixed creation time (1 January of the year, UTC) makes the file a
	 * function of the year folder alone */
	char title[160];
	snprintf(title, sizeof(title), "%d年度%s形式审查", r->y->prog.year, S_PROG);
	lxw_doc_properties dp;
	memset(&dp, 0, sizeof(dp));
	dp.title = title;
	dp.author = "xhgen";
	dp.company = r->y->prog.issuer && *r->y->prog.issuer ? r->y->prog.issuer : NULL;
	xh_date jan1 = {r->y->prog.year, 1, 1};
	dp.created = xh_date_valid(jan1) ? (time_t)xh_date_days(jan1) * 86400 : (time_t)315532800;
	S_check(&b, workbook_set_properties(b.wb, &dp));

	S_formats(&b);
	S_sheet_review(&b, r);
	S_sheet_rank(&b, r);
	S_sheet_summary(&b, r);
	S_sheet_rules(&b, r);
	xh_buf_free(&b.tmp);

	errno = 0;
	lxw_error e = workbook_close(b.wb);
	int err = errno;
	if (b.err != LXW_NO_ERROR) {
		*why = lxw_strerror(b.err);
		return -1;
	}
	if (e != LXW_NO_ERROR) {
		/* a zip or file error: the system's reason says more than
		 * "Zip generic error ZIP_ERRNO" */
		*why = err ? strerror(err) : lxw_strerror(e);
		return -1;
	}
	return 0;
}

/* libxlsxwriter prints its own "[ERROR] …" lines on stderr; the failure is
 * reported once, in xhgen's format, from the code it returns.  Review is
 * single-threaded, so stderr is pointed at /dev/null while the workbook is
 * built and restored after.  Returns the saved descriptor, or -1. */
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

/* ---- the CSV ---- */

/* One RFC 4180 field.  Text a spreadsheet would take for a formula gets a
 * leading apostrophe (CONVENTIONS.md: no formula injection). */
static void S_csv_field(xh_buf *b, const char *s, int text)
{
	int quote = 0;
	for (const char *p = s; *p; p++)
		if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r')
			quote = 1;
	int guard = text && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	                     s[0] == '\t' || s[0] == '\r');
	if (quote)
		xh_buf_addc(b, '"');
	if (guard)
		xh_buf_addc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			xh_buf_addc(b, '"');
		xh_buf_addc(b, *p);
	}
	if (quote)
		xh_buf_addc(b, '"');
}

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
		S_csv_field(out, a->id, 1);
		xh_buf_addc(out, ',');
		S_csv_field(out, S_society_name(y, a), 1);
		xh_buf_addc(out, ',');
		S_csv_field(out, a->title, 1);
		xh_buf_addc(out, ',');
		S_csv_field(out, xh_class_name(a->cls), 1);
		xh_buf_printf(out, ",%d.%02d,%d,", ar->mean_hundredths / 100, ar->mean_hundredths % 100,
		              ar->rank);
		S_fen_plain(out, ar->proposed);
		xh_buf_adds(out, "\r\n");
	}
}

static int S_write_all(const char *path, const xh_buf *b)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < b->len) {
		ssize_t w = write(fd, b->data + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		off += (size_t)w;
	}
	return close(fd);
}

/* ---- files ---- */

/* mkdir -p */
static int S_mkdirs(const char *dir)
{
	char *p = xstrdup(dir);
	int rc = 0;
	for (char *s = p + 1; rc == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*s = c;
		if (!c)
			break;
	}
	struct stat st;
	if (rc == 0 && stat(dir, &st) != 0)
		rc = -1;
	else if (rc == 0 && !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		rc = -1;
	}
	free(p);
	return rc;
}

static int S_fsync_path(const char *path, int dir)
{
	int fd = open(path, (dir ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
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
	fprintf(out, "拟立项 proposed: %zu 项, 合计 total %s 元", nprop, S_yuan(&m, r->proposed_total));
	fprintf(out, " / 年度经费 budget %s 元", S_yuan(&m, p->budget));
	fprintf(out, ", 剩余 remaining %s 元\n", S_yuan(&m, p->budget - r->proposed_total));
	for (int c = 0; c < XH_NCLASS; c++) {
		if (!p->has_class_budget[c])
			continue;
		fprintf(out, "  %s类 class %s: %s 元", xh_class_name(c), xh_class_name(c),
		        S_yuan(&m, r->proposed_class[c]));
		fprintf(out, " / %s 元\n", S_yuan(&m, p->class_budget[c]));
	}
	for (size_t k = 0; k < y->napplications; k++) {
		int i = r->order[k];
		const xh_app_result *ar = &r->app[i];
		if (ar->sel != XH_SEL_PROPOSED)
			continue;
		const xh_application *a = &y->applications[i];
		fprintf(out, "  %3d  %s  %s  %s 元\n", ar->rank, a->id, S_society_name(y, a),
		        S_yuan(&m, ar->proposed));
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
		fprintf(out, "  %s  %s  %s", a->id, S_society_name(y, a), xh_selection_name(ar->sel));
		if (ar->note && *ar->note)
			fprintf(out, ": %s", ar->note);
		fputc('\n', out);
	}
	xh_buf_free(&m);
}

/* ---- the entry point ---- */

xh_err xh_review_write(const xh_review *r, const char *outdir, FILE *report, xh_diag *diag)
{
	xh_err rc = XH_OK;
	char *dir = xasprintf("%s/%d/review", outdir, r->y->prog.year);
	char *xlsx = xasprintf("%s/%s", dir, S_XLSX);
	char *csv = xasprintf("%s/%s", dir, S_CSV);
	char *xlsx_tmp = xasprintf("%s/.%s.tmp-%ld", dir, S_XLSX, (long)getpid());
	char *csv_tmp = xasprintf("%s/.%s.tmp-%ld", dir, S_CSV, (long)getpid());
	xh_buf body = XH_BUF_INIT;
	const char *why = NULL;
	int xlsx_made = 0, csv_made = 0;

	/* the folders this call makes, removed again if it fails */
	char *made[3] = {xstrdup(outdir), xasprintf("%s/%d", outdir, r->y->prog.year), xstrdup(dir)};
	int existed[3];
	for (int k = 0; k < 3; k++) {
		struct stat st;
		existed[k] = stat(made[k], &st) == 0;
	}

	if (S_mkdirs(dir) != 0) {
		xh_diag_add(diag, 0, "%s: cannot create: %s", dir, strerror(errno));
		rc = XH_ESYS;
		goto done;
	}
	xlsx_made = 1;
	int quiet = S_quiet_begin();
	int bad = S_write_xlsx(r, xlsx_tmp, &why);
	S_quiet_end(quiet);
	if (bad != 0 || S_fsync_path(xlsx_tmp, 0) != 0) {
		xh_diag_add(diag, 0, "%s: cannot write: %s", xlsx, why ? why : strerror(errno));
		rc = XH_ESYS;
		goto done;
	}
	S_csv(r, &body);
	csv_made = 1;
	if (S_write_all(csv_tmp, &body) != 0 || S_fsync_path(csv_tmp, 0) != 0) {
		xh_diag_add(diag, 0, "%s: cannot write: %s", csv, strerror(errno));
		rc = XH_ESYS;
		goto done;
	}
	if (rename(xlsx_tmp, xlsx) != 0) {
		xh_diag_add(diag, 0, "%s: cannot write: %s", xlsx, strerror(errno));
		rc = XH_ESYS;
		goto done;
	}
	xlsx_made = 0;
	if (rename(csv_tmp, csv) != 0) {
		xh_diag_add(diag, 0, "%s: cannot write: %s", csv, strerror(errno));
		rc = XH_ESYS;
		goto done;
	}
	csv_made = 0;
	if (S_fsync_path(dir, 1) != 0) {
		xh_diag_add(diag, 0, "%s: cannot sync: %s", dir, strerror(errno));
		rc = XH_ESYS;
		goto done;
	}
	if (report) {
		S_report(r, report);
		if (fflush(report) != 0 || ferror(report)) {
			xh_diag_add(diag, 0, "stdout: cannot write: %s", strerror(errno));
			rc = XH_ESYS;
		}
	}
done:
	if (xlsx_made)
		unlink(xlsx_tmp);
	if (csv_made)
		unlink(csv_tmp);
	for (int k = 2; k >= 0; k--) {
		if (rc != XH_OK && !existed[k])
			rmdir(made[k]);
		free(made[k]);
	}
	xh_buf_free(&body);
	free(dir);
	free(xlsx);
	free(csv);
	free(xlsx_tmp);
	free(csv_tmp);
	return rc;
}
