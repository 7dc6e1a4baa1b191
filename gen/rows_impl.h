/*
 * rows_impl.h — private to rows.c, rows_csv.c, rows_xlsx.c and rows_xml.c.
 *
 * rows.c owns the reader object, the header and the cells handed out;
 * each form supplies an opener that reads the header (through
 * xhr_set_header) and a next function that fills r->out.  Whatever a
 * form allocates hangs off r->impl and is released by its free function.
 */
#ifndef XH_ROWS_IMPL_H
#define XH_ROWS_IMPL_H

#include "fmt.h"
#include "rows.h"

/* Excel's limit (column XFD); more is a broken file, not a record type. */
#define XHR_MAX_COLS 16384

struct xh_rows {
	char *path;
	const char *header_key; /* xh_rows_open_at(): the header is the first row with this cell */
	xh_diag *diag;        /* the caller's, kept for xh_rows_next() */
	const char *enc;      /* static string */
	char **hdr;           /* ncols trimmed, NUL-terminated names */
	size_t ncols;
	xh_cell *out;         /* ncols cells, refilled by every next() */
	int state;            /* 0 reading, 1 at the end, -1 stopped by an error */
	int (*next)(xh_rows *r, xh_row *row);
	void (*free)(xh_rows *r);
	void *impl;
};

/* Cells and headers are trimmed with fmt.h's xh_trim() (ASCII white space
 * and U+3000), the one trim of the records' grammar. */

/* Adds "PATH: …", "PATH:ROW: …" or "PATH:ROW (line LINE): …" to r->diag:
 * row 0 is a whole-file problem, line 0 or line == row gives no
 * brackets. */
void xhr_err(xh_rows *r, unsigned long row, unsigned long line, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* The same line, returned (the caller frees it) instead of added: for
 * a problem found ahead of the rows that precede it. */
char *xhr_msg(xh_rows *r, unsigned long row, unsigned long line, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* Spreadsheet column name of 0-based column i ("A", "Z", "AA"), into
 * buf of at least 8 bytes. */
const char *xhr_colname(size_t i, char *buf);

/* Takes the header from n cells (texts trimmed here): trailing empty cells
 * are dropped, an empty one before the last named column is an error.
 * Sets r->hdr, r->ncols and r->out; returns 0, or -1 with the reason in
 * r->diag. */
int xhr_set_header(xh_rows *r, const xh_cell *cells, size_t n, unsigned long row,
                   unsigned long line);

/* The three forms: each sets r->enc, r->next, r->free, r->impl and reads
 * the header; 0 or -1 (reasons in r->diag). */
int xhr_open_csv(xh_rows *r);
int xhr_open_xlsx(xh_rows *r);
int xhr_open_xml(xh_rows *r);

#endif
