/*
 * book.c — the machinery the workbook writers share (book.h): workbook,
 * formats, cells, column widths, sheet tops, quiet stderr, the read-back
 * check and the output folder.  What a sheet holds stays in its writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "book.h"

#define S_PROG "威海市学会创新和服务能力提升工程"
#define S_STR_MAX 32767    /* Excel's limit on a cell's text, in UTF-16 units */
#define S_CUT "…（已截断）"

struct xh_book {
	lxw_workbook *wb;
	const xh_programme *p; /* borrowed: the sheet tops read year and issuer */
	xh_stage *s;           /* borrowed: the stage the file belongs to */
	xh_diag *diag;         /* borrowed */
	char *name;            /* its name in the stage */
	const char *tmp;       /* where it is written, owned by the stage */
	char *file;            /* OUT/<year>/<stage>/<name>, for messages */
	unsigned flags;
	lxw_error err;         /* the first error of any write (sticky) */
	int quiet;             /* the saved stderr, or -1 */
	xh_buf tmp_text;       /* scratch: cleaned text */
	xh_book_fmt fmt;
};

struct xh_book_cols {
	size_t n;
	double *w, *lo, *hi;
};



/* ---- quiet stderr ---- */

/* libxlsxwriter prints its own "[ERROR] …" lines on stderr; the failure is
 * reported once, in xhgen's format, from the code it returns.  xhgen is
 * single-threaded here, so stderr points at /dev/null while a workbook is
 * built and is restored after.  Returns the saved descriptor, or -1. */
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

/* ---- the workbook ---- */

lxw_format *xh_book_format(xh_book *b, int border)
{
	lxw_format *f = workbook_add_format(b->wb);
	format_set_font_name(f, "宋体");
	format_set_font_size(f, 11);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	if (border)
		format_set_border(f, LXW_BORDER_THIN);
	return f;
}

static void S_formats(xh_book *b)
{
	xh_book_fmt *f = &b->fmt;
	f->title = xh_book_format(b, 0);
	format_set_font_name(f->title, "方正小标宋简体");
	format_set_font_size(f->title, 16);
	format_set_align(f->title, LXW_ALIGN_CENTER);
	f->sub_left = xh_book_format(b, 0);
	format_set_align(f->sub_left, LXW_ALIGN_LEFT);
	f->sub_right = xh_book_format(b, 0);
	format_set_align(f->sub_right, LXW_ALIGN_RIGHT);
	f->head = xh_book_format(b, 1);
	format_set_font_name(f->head, "黑体");
	format_set_align(f->head, LXW_ALIGN_CENTER);
	format_set_text_wrap(f->head);
	format_set_bg_color(f->head, 0xD9D9D9);
	f->text = xh_book_format(b, 1);
	f->wrap = xh_book_format(b, 1);
	format_set_text_wrap(f->wrap);
	f->center = xh_book_format(b, 1);
	format_set_align(f->center, LXW_ALIGN_CENTER);
	f->money = xh_book_format(b, 1);
	format_set_num_format(f->money, "#,##0.00");
	f->count = xh_book_format(b, 1);
	format_set_num_format(f->count, "0");
	format_set_align(f->count, LXW_ALIGN_CENTER);
	f->total_label = xh_book_format(b, 1);
	format_set_bold(f->total_label);
	format_set_align(f->total_label, LXW_ALIGN_CENTER);
	f->total_money = xh_book_format(b, 1);
	format_set_bold(f->total_money);
	format_set_num_format(f->total_money, "#,##0.00");
	f->total_count = xh_book_format(b, 1);
	format_set_bold(f->total_count);
	format_set_num_format(f->total_count, "0");
	format_set_align(f->total_count, LXW_ALIGN_CENTER);
	f->section = xh_book_format(b, 0);
	format_set_font_name(f->section, "黑体");
	format_set_font_size(f->section, 12);
	f->line = xh_book_format(b, 0);
}

xh_book *xh_book_new(xh_stage *s, const char *name, const xh_programme *p, const char *what,
                     unsigned flags, xh_diag *diag)
{
	char *file = xasprintf("%s/%s", xh_stage_dir(s), name);
	const char *tmp = xh_stage_tmp(s, name);
	if (!tmp) {
		xh_diag_add(diag, 0, "%s: cannot write: not a file name of the stage", file);
		free(file);
		return NULL;
	}
	/* libxlsxwriter's own temporaries beside the workbook, in the stage's
	 * hidden work folder */
	char *tmpdir = xstrdup(tmp);
	*strrchr(tmpdir, '/') = '\0';
	int quiet = S_quiet_begin();
	lxw_workbook_options wo;
	memset(&wo, 0, sizeof(wo));
	wo.constant_memory = flags & XH_BOOK_STREAM ? LXW_TRUE : LXW_FALSE;
	wo.tmpdir = flags & XH_BOOK_LOCAL_TMP ? tmpdir : NULL;
	errno = 0;
	lxw_workbook *wb = workbook_new_opt(tmp, &wo);
	free(tmpdir); /* libxlsxwriter keeps its own copy */
	if (!wb) {
		int e = errno ? errno : ENOMEM;
		S_quiet_end(quiet);
		xh_diag_add(diag, 0, "%s: cannot write: %s", file, strerror(e));
		free(file);
		return NULL;
	}
	xh_book *b = xcalloc(1, sizeof(*b));
	b->wb = wb;
	b->p = p;
	b->s = s;
	b->diag = diag;
	b->name = xstrdup(name);
	b->tmp = tmp;
	b->file = file;
	b->flags = flags;
	b->quiet = quiet;

	/* a fixed creation time (1 January of the year, UTC) makes the file a
	 * function of the year folder alone */
	char title[160];
	snprintf(title, sizeof(title), "%d年度%s%s", p->year, S_PROG, what);
	lxw_doc_properties dp;
	memset(&dp, 0, sizeof(dp));
	dp.title = title;
	dp.author = "xhgen";
	dp.company = p->issuer && *p->issuer ? p->issuer : NULL;
	xh_date jan1 = {p->year, 1, 1};
	dp.created = xh_date_valid(jan1) ? (time_t)xh_date_days(jan1) * 86400 : (time_t)315532800;
	xh_book_check(b, workbook_set_properties(wb, &dp));
	/* provenance: the same properties as every DOCX of the stage */
	size_t np;
	const xh_prop *prov = xh_stage_props(s, "", &np);
	for (size_t i = 0; i < np; i++)
		xh_book_check(b, workbook_set_custom_property_string(wb, prov[i].name, prov[i].value));
	S_formats(b);
	return b;
}

int xh_book_close(xh_book *b)
{
	const char *why = NULL;
	int rc = -1;
	xh_buf_free(&b->tmp_text);
	errno = 0;
	lxw_error e = workbook_close(b->wb);
	int err = errno;
	if (b->err != LXW_NO_ERROR)
		why = lxw_strerror(b->err);
	else if (e != LXW_NO_ERROR)
		/* a zip or file error: the system's reason says more than "Zip
		 * generic error ZIP_ERRNO" */
		why = err ? strerror(err) : lxw_strerror(e);
	else
		rc = xh_book_verify(b->tmp, &why);
	S_quiet_end(b->quiet);
	if (rc == 0 && xh_fsync_path(b->tmp, 0) != 0) {
		why = strerror(errno);
		rc = -1;
	}
	if (rc != 0)
		xh_diag_add(b->diag, 0, "%s: cannot write: %s", b->file, why);
	else if (xh_stage_done(b->s, b->name, b->diag) != XH_OK)
		rc = -1;
	free(b->name);
	free(b->file);
	free(b);
	return rc;
}

lxw_workbook *xh_book_wb(xh_book *b)
{
	return b->wb;
}

const xh_book_fmt *xh_book_fmts(const xh_book *b)
{
	return &b->fmt;
}

void xh_book_check(xh_book *b, lxw_error e)
{
	if (e != LXW_NO_ERROR && b->err == LXW_NO_ERROR)
		b->err = e;
}

lxw_worksheet *xh_book_sheet(xh_book *b, const char *name)
{
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
	if (!ws)
		xh_book_check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
	return ws;
}

/* ---- text ---- */

static int S_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "_x0041_" in a cell is the OOXML escape of a character: such text in
 * the data keeps its underscore as "_x005F_". */
static int S_is_escape(const char *p)
{
	return p[0] == '_' && p[1] == 'x' && S_hex(p[2]) && S_hex(p[3]) && S_hex(p[4]) &&
	       S_hex(p[5]) && p[6] == '_';
}

/* Control characters other than tab and newline are not valid XML 1.0. */
static int S_ctrl(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7F;
}

/* xh_book_text() into tmp; ctrl: control characters as spaces.  The cut
 * counts UTF-16 units after escaping, which also bounds libxlsxwriter's
 * count of code points. */
static const char *S_text(xh_buf *tmp, const char *s, int ctrl)
{
	int plain = strlen(s) <= S_STR_MAX && !strstr(s, "_x") && !strstr(s, "\xEF\xBF\xBE") &&
	            !strstr(s, "\xEF\xBF\xBF");
	for (const unsigned char *p = (const unsigned char *)s; plain && ctrl && *p; p++)
		plain = !S_ctrl(*p);
	if (plain)
		return s;
	const size_t room = S_STR_MAX - 6; /* S_CUT is six characters */
	size_t units = 0, cut = 0;
	tmp->len = 0;
	for (const char *p = s; *p;) {
		if (S_is_escape(p)) {
			xh_buf_adds(tmp, "_x005F_");
			units += 7;
			p++;
		} else {
			unsigned char c = (unsigned char)*p;
			size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
			for (size_t k = 1; k < len; k++)
				if (!p[k]) /* a sequence cut short by the end of the text */
					len = k;
			/* U+FFFE and U+FFFF are not characters XML can hold:
			 * OOXML's escape keeps them */
			if (len == 3 && !memcmp(p, "\xEF\xBF", 2) && ((unsigned char)p[2] & 0xFE) == 0xBE)
				xh_buf_adds(tmp, (unsigned char)p[2] == 0xBE ? "_xFFFE_" : "_xFFFF_");
			else if (ctrl && S_ctrl(c))
				xh_buf_addc(tmp, ' ');
			else
				xh_buf_add(tmp, p, len);
			units += len == 4 ? 2 : 1;
			p += len;
			while (*p && ((unsigned char)*p & 0xC0) == 0x80) /* stray continuation bytes */
				xh_buf_addc(tmp, *p++);
		}
		if (units <= room)
			cut = tmp->len;
	}
	if (units > S_STR_MAX) {
		tmp->len = cut;
		xh_buf_adds(tmp, S_CUT);
	}
	return xh_buf_cstr(tmp);
}

const char *xh_book_text(xh_book *b, const char *s)
{
	return S_text(&b->tmp_text, s, (b->flags & XH_BOOK_CTRL_SPACE) != 0);
}

size_t xh_book_width(const char *s)
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

const char *xh_book_yuan(xh_buf *b, xh_fen v)
{
	b->len = 0;
	if (v < 0) {
		xh_buf_addc(b, '-');
		v = -v;
	}
	xh_money_yuan(b, v);
	return xh_buf_cstr(b);
}

double xh_book_amount(xh_fen v)
{
	return (double)v / 100.0;
}

/* ---- cells ---- */

void xh_book_app(xh_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const xh_year *y,
                 const xh_application *a)
{
	xh_book_str(b, ws, r, c, a->id, b->fmt.text);
	xh_book_str(b, ws, r, c + 1, xh_year_society_name(y, a), b->fmt.wrap);
	xh_book_str(b, ws, r, c + 2, a->title, b->fmt.wrap);
	xh_book_str(b, ws, r, c + 3, xh_class_name(a->cls), b->fmt.center);
}

void xh_book_str(xh_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                 lxw_format *f)
{
	if (!s || !*s)
		xh_book_check(b, worksheet_write_blank(ws, r, c, f));
	else
		xh_book_check(b, worksheet_write_string(ws, r, c, xh_book_text(b, s), f));
}

void xh_book_num(xh_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v,
                 lxw_format *f)
{
	xh_book_check(b, worksheet_write_number(ws, r, c, v, f));
}

void xh_book_formula(xh_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_format *f,
                     double cached, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		xh_book_check(b, LXW_ERROR_PARAMETER_VALIDATION);
		return;
	}
	xh_book_check(b, worksheet_write_formula_num(ws, r, c, buf, f, cached));
}

void xh_book_comment(xh_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s)
{
	/* a box wide enough for about 20 CJK characters a line, tall enough
	 * for the text */
	size_t lines = xh_book_width(s) / 40 + 1;
	for (const char *p = s; *p; p++)
		lines += *p == '\n';
	if (lines > 30)
		lines = 30;
	lxw_comment_options o;
	memset(&o, 0, sizeof(o));
	o.width = 300;
	o.height = (uint16_t)(24 + 18 * lines);
	/* libxlsxwriter escapes control characters in cells, not in comments */
	xh_book_check(b, worksheet_write_comment_opt(ws, r, c, S_text(&b->tmp_text, s, 1), &o));
}

/* ---- sheets ---- */

/* "&L<header>&R<issuer>" with '&' in the issuer doubled; without the
 * issuer when the whole would pass Excel's 255 characters. */
static void S_page_header(xh_book *b, lxw_worksheet *ws, const char *header)
{
	const char *issuer = b->p->issuer ? b->p->issuer : "";
	xh_buf h = XH_BUF_INIT;
	xh_buf_printf(&h, "&L%s&R", header);
	size_t base = h.len;
	for (const char *s = issuer; *s; s++) {
		if (*s == '&')
			xh_buf_addc(&h, '&');
		xh_buf_addc(&h, *s);
	}
	size_t chars = 0;
	for (size_t i = 0; i < h.len; i++)
		chars += ((unsigned char)h.data[i] & 0xC0) != 0x80;
	if (chars > 255)
		h.len = base;
	xh_book_check(b, worksheet_set_header(ws, xh_buf_cstr(&h)));
	xh_buf_free(&h);
}

void xh_book_sheet_top(xh_book *b, lxw_worksheet *ws, const char *what, lxw_col_t ncols, int unit,
                       const char *header)
{
	const xh_programme *p = b->p;
	const xh_book_fmt *f = &b->fmt;
	char *title = xasprintf("%d年度%s%s", p->year, S_PROG, what);
	xh_book_check(b, worksheet_set_row(ws, 0, 30, NULL));
	if (ncols > 1)
		xh_book_check(b, worksheet_merge_range(ws, 0, 0, 0, ncols - 1, title, f->title));
	else
		xh_book_str(b, ws, 0, 0, title, f->title);
	free(title);
	char *issuer = xasprintf("编制单位：%s", p->issuer && *p->issuer ? p->issuer : "威海市科学技术协会");
	xh_book_str(b, ws, 1, 0, issuer, f->sub_left);
	free(issuer);
	if (unit)
		xh_book_str(b, ws, 1, ncols - 1, "单位：元", f->sub_right);

	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	/* a page header needs a deeper top margin */
	worksheet_set_margins(ws, 0.4, 0.4, header ? 0.7 : 0.6, 0.7);
	worksheet_center_horizontally(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	if (header)
		S_page_header(b, ws, header);
	xh_book_check(b, worksheet_set_footer(ws, "&C第 &P 页 共 &N 页"));
}

void xh_book_frame(xh_book *b, lxw_worksheet *ws, lxw_row_t hr, lxw_row_t last, lxw_col_t ncols,
                   lxw_col_t freeze_cols)
{
	worksheet_freeze_panes(ws, hr + 1, freeze_cols);
	xh_book_check(b, worksheet_autofilter(ws, hr, 0, last > hr ? last : hr, ncols - 1));
	xh_book_check(b, worksheet_repeat_rows(ws, hr, hr));
}

void xh_book_height(xh_book *b, lxw_worksheet *ws, lxw_row_t row, size_t lines)
{
	if (lines <= 1)
		return;
	double h = 14.5 * (double)lines + 3;
	xh_book_check(b, worksheet_set_row(ws, row, h > 409 ? 409 : h, NULL)); /* Excel's largest */
}

void xh_book_head(xh_book *b, lxw_worksheet *ws, lxw_row_t hr, const xh_book_cols *c,
                  const char *const *head, lxw_col_t n)
{
	size_t lines = 1;
	for (lxw_col_t k = 0; k < n; k++) {
		size_t l = xh_book_lines(c, k, head[k]);
		if (l > lines)
			lines = l;
	}
	xh_book_height(b, ws, hr, lines);
	for (lxw_col_t k = 0; k < n; k++)
		xh_book_str(b, ws, hr, k, head[k], b->fmt.head);
}

/* ---- column widths ---- */

xh_book_cols *xh_book_cols_new(size_t n, double lo, double hi, const xh_book_range *r,
                               const char *const *head, size_t nhead)
{
	xh_book_cols *c = xmalloc(sizeof(*c));
	c->n = n;
	c->w = xcalloc(n ? n : 1, sizeof(*c->w));
	c->lo = xcalloc(n ? n : 1, sizeof(*c->lo));
	c->hi = xcalloc(n ? n : 1, sizeof(*c->hi));
	for (size_t i = 0; i < n; i++)
		c->lo[i] = lo, c->hi[i] = hi;
	for (; r && r->hi > 0; r++)
		xh_book_cols_range(c, r->col, r->lo, r->hi);
	for (size_t i = 0; i < nhead; i++)
		xh_book_cols_fit(c, i, head[i]);
	return c;
}

void xh_book_cols_free(xh_book_cols *c)
{
	if (!c)
		return;
	free(c->w);
	free(c->lo);
	free(c->hi);
	free(c);
}

void xh_book_cols_range(xh_book_cols *c, size_t col, double lo, double hi)
{
	if (col < c->n)
		c->lo[col] = lo, c->hi[col] = hi;
}

void xh_book_cols_fit(xh_book_cols *c, size_t col, const char *s)
{
	if (col >= c->n || !s)
		return;
	double w = (double)xh_book_width(s) + 2;
	if (w > c->w[col])
		c->w[col] = w;
}

void xh_book_cols_set(xh_book *b, lxw_worksheet *ws, xh_book_cols *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->w[i] < c->lo[i])
			c->w[i] = c->lo[i];
		if (c->w[i] > c->hi[i])
			c->w[i] = c->hi[i];
		xh_book_check(b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, c->w[i], NULL));
	}
}

size_t xh_book_lines(const xh_book_cols *c, size_t col, const char *s)
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

/* ---- the read-back check ---- */

int xh_book_verify(const char *path, const char **why)
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
		if (nl < 4 || (strcmp(name + nl - 4, ".xml") &&
		               (nl < 5 || strcmp(name + nl - 5, ".rels"))))
			continue;
		zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
		if (!zf) {
			rc = -1;
			break;
		}
		/* the first bytes name the root element; the last must close it */
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

xh_err xh_book_report_end(FILE *report, xh_diag *diag)
{
	if (!report || (fflush(report) == 0 && !ferror(report)))
		return XH_OK;
	xh_diag_add(diag, 0, "stdout: cannot write: %s", strerror(errno));
	return XH_ESYS;
}
