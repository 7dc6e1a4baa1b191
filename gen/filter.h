/*
 * filter.h — formatting filters in tags: {amount | yuan}, {d | date:"cn"}.
 *
 *   yuan        money as 50,000.00            wan      money in 万元: 5
 *   cny         money in 人民币大写: 伍万元整    date     2025年11月30日
 *   date:"cn"   二〇二五年十一月三十日            date:"iso" 2025-11-30
 *   default:"—" the argument when the value is missing, null or empty
 *   count       the length of a list          mask     138****5678
 *   sum:"f"     the total of field f over a list, in fen (then yuan)
 *
 * A filter parses its input with SCHEMA.md's grammar (fmt.h), whatever
 * the data's form: a string, a JSON number, an XLSX cell's text.  Money is
 * summed and formatted in integer fen.  A value of the wrong type is an
 * error naming the value; an empty one stays empty (sum skips it).
 */
#ifndef XH_FILTER_H
#define XH_FILTER_H

#include "data.h"
#include "util.h"

typedef enum xh_filter_kind {
	XH_FILTER_YUAN,
	XH_FILTER_WAN,
	XH_FILTER_CNY,
	XH_FILTER_DATE,
	XH_FILTER_DEFAULT,
	XH_FILTER_COUNT,
	XH_FILTER_MASK,
	XH_FILTER_SUM,
} xh_filter_kind;

typedef struct xh_filter {
	xh_filter_kind kind;
	char *arg;        /* NULL when none; owned */
} xh_filter;

/* Parses one filter ("yuan", "date:\"cn\"", "default:“—”"); returns 0, or
 * -1 with *why a static message. */
int xh_filter_parse(const char *s, size_t n, xh_filter *f, const char **why);
void xh_filter_fini(xh_filter *f);

/* Applies the chain to the value v of d (XH_NONE when missing); argsym[i]
 * is filter i's argument as a symbol of d (sum's field), 0 otherwise.  On
 * success returns 0 with the text appended to out; returns 1 when the
 * value is missing and no default: applied; returns -1 with *err
 * (allocated, the caller frees) when a filter cannot take the value. */
int xh_filter_apply(const xh_filter *f, size_t nf, const uint32_t *argsym, const xh_data *d,
                    xh_vref v, xh_buf *out, char **err);

#endif
