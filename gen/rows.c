/*
 * rows.c — the record reader object shared by the three forms (see rows.h):
 * opening by extension, the header, trimming and the message prefix.
 * The forms live in rows_csv.c, rows_xlsx.c and rows_xml.c.
 */
#include "rows_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *S_vmsg(xh_rows *r, unsigned long row, unsigned long line, const char *fmt,
                    va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int len = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	char *m = xmalloc(len > 0 ? (size_t)len + 1 : 1);
	vsnprintf(m, len > 0 ? (size_t)len + 1 : 1, fmt, ap);
	char *full;
	if (!row)
		full = xasprintf("%s: %s", r->path, m);
	else if (!line || line == row)
		full = xasprintf("%s:%lu: %s", r->path, row, m);
	else
		full = xasprintf("%s:%lu (line %lu): %s", r->path, row, line, m);
	free(m);
	return full;
}

char *xhr_msg(xh_rows *r, unsigned long row, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = S_vmsg(r, row, line, fmt, ap);
	va_end(ap);
	return m;
}

void xhr_err(xh_rows *r, unsigned long row, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = S_vmsg(r, row, line, fmt, ap);
	va_end(ap);
	xh_diag_add(r->diag, 0, "%s", m);
	free(m);
}

const char *xhr_colname(size_t i, char *buf)
{
	char tmp[8];
	size_t k = 0;
	i++;
	while (i && k < sizeof(tmp)) {
		tmp[k++] = (char)('A' + (i - 1) % 26);
		i = (i - 1) / 26;
	}
	for (size_t j = 0; j < k; j++)
		buf[j] = tmp[k - 1 - j];
	buf[k] = '\0';
	return buf;
}

int xhr_set_header(xh_rows *r, const xh_cell *cells, size_t n, unsigned long row,
                   unsigned long line)
{
	size_t last = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = cells[i].s;
		size_t len = cells[i].n;
		xh_trim(&s, &len);
		if (len)
			last = i + 1;
	}
	int bad = 0;
	for (size_t i = 0; i < last; i++) {
		const char *s = cells[i].s;
		size_t len = cells[i].n;
		xh_trim(&s, &len);
		if (!len) {
			char col[8];
			xhr_err(r, row, line, "column %s (%zu) has an empty header; every column "
			        "up to the last one needs a name", xhr_colname(i, col), i + 1);
			bad = 1;
		}
	}
	if (bad)
		return -1;
	r->ncols = last;
	r->hdr = xcalloc(last ? last : 1, sizeof(*r->hdr));
	r->out = xcalloc(last ? last : 1, sizeof(*r->out));
	for (size_t i = 0; i < last; i++) {
		const char *s = cells[i].s;
		size_t len = cells[i].n;
		xh_trim(&s, &len);
		r->hdr[i] = xstrndup(s, len);
	}
	return 0;
}

xh_rows *xh_rows_open(const char *path, xh_diag *diag)
{
	return xh_rows_open_at(path, NULL, diag);
}

xh_rows *xh_rows_open_at(const char *path, const char *key, xh_diag *diag)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (dot && slash && dot < slash)
		dot = NULL;
	int (*open)(xh_rows *) = NULL;
	if (dot && !strcasecmp(dot, ".csv"))
		open = xhr_open_csv;
	else if (dot && !strcasecmp(dot, ".xlsx"))
		open = xhr_open_xlsx;
	else if (dot && !strcasecmp(dot, ".xml"))
		open = xhr_open_xml;
	else if (dot && !strcasecmp(dot, ".xls")) {
		xh_diag_add(diag, 0, "%s: an Excel 97–2003 .xls file; save it as .xlsx "
		            "(Excel Workbook) or as CSV UTF-8", path);
		return NULL;
	} else {
		xh_diag_add(diag, 0, "%s: unknown record file type (expected .csv, .xlsx or .xml)",
		            path);
		return NULL;
	}
	xh_rows *r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(path);
	r->header_key = key;
	r->diag = diag;
	if (open(r) != 0) {
		xh_rows_close(r);
		return NULL;
	}
	return r;
}

size_t xh_rows_ncols(const xh_rows *r) { return r->ncols; }

const char *xh_rows_header(const xh_rows *r, size_t i)
{
	return i < r->ncols ? r->hdr[i] : NULL;
}

const char *xh_rows_encoding(const xh_rows *r) { return r->enc; }

int xh_rows_next(xh_rows *r, xh_row *row)
{
	/* After the end or an error the reader stays there: the error was
	 * reported once and the caller's loop stops either way. */
	if (r->state)
		return r->state > 0 ? 0 : -1;
	int rc = r->next(r, row);
	if (rc == 0)
		r->state = 1;
	else if (rc < 0)
		r->state = -1;
	else
		row->cell = r->out;
	return rc;
}

void xh_rows_close(xh_rows *r)
{
	if (!r)
		return;
	if (r->free)
		r->free(r);
	for (size_t i = 0; i < r->ncols; i++)
		free(r->hdr[i]);
	free(r->hdr);
	free(r->out);
	free(r->path);
	free(r);
}
