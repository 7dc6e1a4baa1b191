/*
 * rows.h — record files read row by row: CSV, XLSX and XML records.
 *
 * One reader interface for the three forms of SCHEMA.md, streaming so that
 * a 1,000,000-row file is validated in constant memory:
 *
 *     xh_rows *r = xh_rows_open("input/applications.csv", &diag);
 *     xh_row row;
 *     while (xh_rows_next(r, &row) > 0)
 *             … row.cell[i] for i < xh_rows_ncols(r) …
 *     xh_rows_close(r);
 *
 * The header is read by xh_rows_open() (xh_rows_header()).  A row whose
 * cells are all empty is skipped; every other row is returned, cells
 * trimmed (ASCII and U+3000 spaces).  A row with more cells than the
 * header is an error; missing trailing cells are empty.  Cell text is
 * UTF-8 and valid until the next call.
 *
 * CSV: RFC 4180 through libcsv; UTF-8 with or without BOM; GB18030 (GBK
 * is a subset) when the bytes are not valid UTF-8, converted with iconv;
 * valid in neither, or UTF-16, is an error naming the line of the first
 * bad byte (or the encoding found).  XLSX: the first worksheet, read with
 * libzip and libxml2's streaming reader; shared and inline strings,
 * numbers, booleans, dates by their number format, empty cells.  XML:
 * <NAMEs><NAME><field>value</field>…</NAME>…</NAMEs>.
 */
#ifndef XH_ROWS_H
#define XH_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef enum xh_cell_kind {
	XH_CELL_EMPTY,
	XH_CELL_TEXT,    /* CSV and XML cells, XLSX strings */
	XH_CELL_NUMBER,  /* XLSX number: text is its shortest round-trip form */
	XH_CELL_BOOL,    /* XLSX boolean: text "TRUE" / "FALSE" */
	XH_CELL_DATE,    /* XLSX date-formatted number: text is "YYYY-MM-DD", num the serial */
} xh_cell_kind;

typedef struct xh_cell {
	const char *s;   /* UTF-8, not NUL-terminated (but s[n] is readable) */
	size_t n;
	xh_cell_kind kind;
	double num;      /* XH_CELL_NUMBER and XH_CELL_DATE */
} xh_cell;

typedef struct xh_row {
	const xh_cell *cell; /* xh_rows_ncols() cells */
	unsigned long row;   /* spreadsheet row: the header is row 1 */
	unsigned long line;  /* CSV: physical line where the row starts; else = row */
} xh_row;

typedef struct xh_rows xh_rows;

/* Opens by extension (.csv, .xlsx, .xml) and reads the header; NULL with
 * the reasons in diag ("FILE: …", "FILE:LINE: …"). */
xh_rows *xh_rows_open(const char *path, xh_diag *diag);
/* The same for a sheet with rows above its table (a title, as xhgen's own
 * workbooks have): the header is the first row holding a cell equal to
 * key, and the rows above it are skipped.  XLSX only; CSV and XML files
 * are opened as by xh_rows_open(). */
xh_rows *xh_rows_open_at(const char *path, const char *key, xh_diag *diag);
size_t xh_rows_ncols(const xh_rows *r);
/* Header text of column i, trimmed, NUL-terminated. */
const char *xh_rows_header(const xh_rows *r, size_t i);
/* 1 with the next row, 0 at the end, -1 on an error (in diag; reading
 * stops). */
int xh_rows_next(xh_rows *r, xh_row *row);
/* The file's encoding as detected ("UTF-8", "UTF-8 with BOM", "GB18030",
 * "XLSX", "XML"), for reports. */
const char *xh_rows_encoding(const xh_rows *r);
void xh_rows_close(xh_rows *r);

#endif
