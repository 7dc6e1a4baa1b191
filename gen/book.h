/*
 * book.h — what the workbook writers share (review_out.c, ledger_out.c,
 * accept_out.c): a libxlsxwriter workbook with the house formats and the
 * stage's provenance, cell helpers that make text fit for Excel,
 * CJK-aware column widths, the title rows and print setup of a sheet.
 * What a sheet holds stays in its writer.
 *
 * Ownership.  xh_book_new() returns a book that the caller ends with
 * xh_book_close(), which writes the file and frees the book, the
 * libxlsxwriter workbook and every sheet, format and chart in it (the
 * parent owns its children, as in libxlsxwriter): the pointers that
 * xh_book_wb(), xh_book_fmts(), xh_book_format() and xh_book_sheet()
 * hand out die with it.  Strings passed in are only read during the call
 * (libxlsxwriter copies what it keeps).  xh_book_text() returns either its
 * argument or the book's scratch buffer, valid until the next call that
 * takes the book.  xh_book_cols_new() pairs with xh_book_cols_free().  A
 * book is a file of a stage (stage.h), which must outlive it: it is
 * written where the stage writes, and xh_book_close() hands it to the
 * stage (xh_stage_done), whose commit puts the whole folder in place.
 * Failures go to the diagnostics, as "<file>: cannot write: <why>".
 *
 * Errors in a workbook are sticky (SQLite's accumulator): each helper
 * keeps the first libxlsxwriter error in the book, and xh_book_close()
 * reports it once.  Between xh_book_new() and xh_book_close() stderr
 * points at /dev/null: libxlsxwriter prints its own "[ERROR] …" lines,
 * and the writers report the failure once in xhgen's format.  xhgen
 * writes one book at a time, from one thread.
 */
#ifndef XH_BOOK_H
#define XH_BOOK_H

#include <stdio.h>

#include <xlsxwriter.h>

#include "fmt.h"
#include "stage.h"
#include "util.h"
#include "xh.h"
#include "year.h"

typedef struct xh_book xh_book;
typedef struct xh_book_cols xh_book_cols;

/* Flags of xh_book_new(). */
#define XH_BOOK_STREAM 0x01     /* libxlsxwriter's constant-memory mode */
/* Cell text: a space for each control character other than tab and
 * newline (the review's choice), rather than libxlsxwriter's "_xHHHH_"
 * (the ledger's).  Comments always get the space: libxlsxwriter does not
 * escape them there. */
#define XH_BOOK_CTRL_SPACE 0x02
/* libxlsxwriter's own temporary files in the output folder rather than
 * the system's, so that a large year's stay on the disk that receives the
 * workbook */
#define XH_BOOK_LOCAL_TMP 0x04

/* The formats every writer uses, made by xh_book_new() (宋体 11,
 * vertically centred; those of the table cells with a thin border).  A
 * writer adds its own with xh_book_format(). */
typedef struct xh_book_fmt {
	lxw_format *title, *sub_left, *sub_right, *head, *text, *wrap, *center, *money, *count,
	    *total_label, *total_money, *total_count, *section, *line;
} xh_book_fmt;

/* Starts the workbook `name` of stage s, for programme p, with fixed
 * document properties: the title "<year>年度<programme><what>", author
 * xhgen, the issuer as company and the creation time 1 January of the
 * year, UTC, so that the same year folder gives the same bytes; and the
 * stage's provenance as custom properties.  Quiets stderr (see above).
 * NULL, with a diagnostic and stderr restored, when the workbook cannot be
 * made. */
xh_book *xh_book_new(xh_stage *s, const char *name, const xh_programme *p, const char *what,
                     unsigned flags, xh_diag *diag);
/* Writes and closes the workbook, reads it back (xh_book_verify), syncs it
 * to disk, hands it to the stage, restores stderr and frees b.  0, or -1 with a diagnostic: the
 * first error any helper met, else the failure of the write. */
int xh_book_close(xh_book *b);

lxw_workbook *xh_book_wb(xh_book *b);
const xh_book_fmt *xh_book_fmts(const xh_book *b);
/* A new format: 宋体 11, vertically centred, with a thin border if border. */
lxw_format *xh_book_format(xh_book *b, int border);
/* Keeps e if it is the book's first error. */
void xh_book_check(xh_book *b, lxw_error e);
/* A new sheet; NULL (the error kept) when libxlsxwriter refuses it. */
lxw_worksheet *xh_book_sheet(xh_book *b, const char *name);

/* Text as Excel can hold it: U+FFFE and U+FFFF, which XML cannot carry,
 * as OOXML's "_xFFFE_"/"_xFFFF_"; "_xHHHH_" in the data kept literal as
 * "_x005F_xHHHH_" (libxlsxwriter 1.1 does not do it); beyond 32,767
 * UTF-16 units cut at a character boundary and marked; with
 * XH_BOOK_CTRL_SPACE, control characters as spaces.  s itself when
 * nothing changes. */
const char *xh_book_text(xh_book *b, const char *s);

/* Cells.  A NULL or empty string is a blank cell with format f. */
void xh_book_str(xh_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                 lxw_format *f);
void xh_book_num(xh_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v,
                 lxw_format *f);
/* The four cells that name an application in every project sheet, from
 * column c: 申报编号 (text), 学会 and 项目名称 (wrapped), 类别 (centred). */
void xh_book_app(xh_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const xh_year *y,
                 const xh_application *a);
/* A formula from printf-style parts (at most 511 bytes), with its cached
 * value for viewers that do not recalculate. */
void xh_book_formula(xh_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_format *f,
                     double cached, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 7, 8)))
#endif
	;
/* A comment in a box about 20 CJK characters wide and as tall as the text
 * (at most 30 lines). */
void xh_book_comment(xh_book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s);

/* The top of every sheet: the title "<year>年度<programme><what>" merged
 * over ncols columns, "编制单位：<issuer>" below it with "单位：元" on the
 * right if unit, A4 landscape one page wide, page numbers in the footer.
 * With header, the page header shows it on the left and the issuer on the
 * right ('&' doubled; without the issuer when the whole would pass Excel's
 * 255 characters).  Rows 0 and 1 are written, in row order. */
void xh_book_sheet_top(xh_book *b, lxw_worksheet *ws, const char *what, lxw_col_t ncols, int unit,
                       const char *header);
/* Frozen header row hr (and freeze_cols columns), a filter over rows
 * hr..last, the header repeated on every printed page. */
void xh_book_frame(xh_book *b, lxw_worksheet *ws, lxw_row_t hr, lxw_row_t last, lxw_col_t ncols,
                   lxw_col_t freeze_cols);
/* Height of a row of lines wrapped lines (none when lines <= 1), at most
 * Excel's 409 points: neither Excel nor LibreOffice grows a row that
 * libxlsxwriter wrote. */
void xh_book_height(xh_book *b, lxw_worksheet *ws, lxw_row_t row, size_t lines);

/* Display width of UTF-8 text in column units: a non-ASCII character is
 * about two digits wide.  With newlines, the widest line. */
size_t xh_book_width(const char *s);
/* "-1,234.00" into b (emptied first); returns its text. */
const char *xh_book_yuan(xh_buf *b, xh_fen v);

/* Money is kept in fen until a cell is written: the yuan of a cell. */
double xh_book_amount(xh_fen v);

/* A column's own width range, for xh_book_cols_new(). */
typedef struct xh_book_range {
	size_t col;
	double lo, hi;
} xh_book_range;

/* Column widths from the longest text, each clamped to its [lo, hi];
 * wrapped text then gives its row's height (xh_book_lines).  n columns
 * in [lo, hi], except those of r (ended by an entry with hi 0; r may be
 * NULL), each at least as wide as its label in head[0..nhead-1]. */
xh_book_cols *xh_book_cols_new(size_t n, double lo, double hi, const xh_book_range *r,
                               const char *const *head, size_t nhead);
void xh_book_cols_free(xh_book_cols *c); /* NULL is harmless */
void xh_book_cols_range(xh_book_cols *c, size_t col, double lo, double hi);
void xh_book_cols_fit(xh_book_cols *c, size_t col, const char *s); /* NULL s: no change */
void xh_book_cols_set(xh_book *b, lxw_worksheet *ws, xh_book_cols *c);
/* Lines that s takes in column col once wrapped (1 for NULL). */
size_t xh_book_lines(const xh_book_cols *c, size_t col, const char *s);
/* The header row hr from head[0..n-1], its height from the wrapped labels. */
void xh_book_head(xh_book *b, lxw_worksheet *ws, lxw_row_t hr, const xh_book_cols *c,
                  const char *const *head, lxw_col_t n);

/* libxlsxwriter 1.1 writes the XML of every part to temporary files
 * without checking those writes: a full disk gives a well-formed zip of
 * truncated parts and LXW_NO_ERROR.  This reads the workbook at path back:
 * every part must inflate with its CRC and end with the closing tag of its
 * root element.  0, or -1 with *why set.  xh_book_close() calls it. */
int xh_book_verify(const char *path, const char **why);

/* The end of a writer's text report: flushes it.  XH_OK (also for NULL),
 * or XH_ESYS with a diagnostic. */
xh_err xh_book_report_end(FILE *report, xh_diag *diag);

#endif
