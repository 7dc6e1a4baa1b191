/*
 * fmt.h — the value grammar of SCHEMA.md and the formats of Chinese
 * official documents: money kept as integer fen (分), dates, ints, bools,
 * 人民币大写, 〇-style dates, masking, the GB 32100 credit-code check.
 *
 * Every parser takes bytes (not NUL-terminated), trims ASCII and full-width
 * (U+3000) spaces at both ends, and returns 0 with the value, or -1 with
 * *why set to a short static English phrase for messages ("not a money
 * amount", "no such day").  Nothing here allocates except into an xh_buf
 * the caller owns.  Money is never a double: the only floating point is an
 * XLSX cell's number, converted by xh_money_from_double() with rounding to
 * the nearest fen.
 */
#ifndef XH_FMT_H
#define XH_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef int64_t xh_fen; /* 1 元 = 100 分 */

/* Largest amount accepted: 10^13 元, so that every value is exact. */
#define XH_FEN_MAX ((xh_fen)1000000000000000LL)

/* Trims ASCII white space and U+3000 at both ends. */
void xh_trim(const char **s, size_t *n);

/* Money as staff write it: "50000", "50,000.00", "50000元", "¥50,000",
 * "￥50,000", "5万", "5万元", "5.5万元", full-width digits, commas and
 * point.  Rejected: "五万", "50000元整", "1.234" (not exact to the fen),
 * "5.1234567万", negatives, exponents, empty. */
int xh_money_parse(const char *s, size_t n, xh_fen *out, const char **why);
/* A JSON number's text ("50000", "5.5", "1e5", "0.125"): rounded to the
 * nearest fen (half away from zero), exact below 10^13 元. */
int xh_money_from_number(const char *s, size_t n, xh_fen *out, const char **why);
/* An XLSX numeric cell. */
int xh_money_from_double(double v, xh_fen *out, const char **why);

void xh_money_yuan(xh_buf *b, xh_fen v);  /* 5000000 -> "50,000.00" */
void xh_money_wan(xh_buf *b, xh_fen v);   /* 5000000 -> "5"; 5500000 -> "5.5"; 123 -> "0.000123" */
void xh_money_cny(xh_buf *b, xh_fen v);   /* 5000000 -> "伍万元整"; DOMAIN.md's rules */
/* xh_money_yuan's text as a new string (the caller frees it). */
char *xh_money_yuan_str(xh_fen v);

typedef struct xh_date {
	int y, m, d;
} xh_date;

/* "2025-03-01", "2025/3/1", "2025.3.1", "2025年3月1日" (full-width digits
 * too).  Rejected: impossible days ("2025-02-30"), "20250301", years
 * outside 1900–2999. */
int xh_date_parse(const char *s, size_t n, xh_date *out, const char **why);
/* An Excel serial day number (1900 system, with Excel's 1900-02-29 bug;
 * date1904 for the 1904 system); the fraction (time of day) is ignored. */
int xh_date_from_serial(double serial, int date1904, xh_date *out, const char **why);
int xh_date_valid(xh_date d);
/* Days since 1970-01-01 (may be negative) and back: calendar arithmetic. */
long xh_date_days(xh_date d);
xh_date xh_date_from_days(long days);
int xh_date_weekday(xh_date d);            /* 0 = Monday … 6 = Sunday */
/* d moved by n days (n may be negative). */
xh_date xh_date_add_days(xh_date d, long n);

void xh_date_iso(xh_buf *b, xh_date d);    /* 2025-11-30 */
void xh_date_cn(xh_buf *b, xh_date d);     /* 2025年11月30日 */
/* xh_date_cn's text as a new string (the caller frees it). */
char *xh_date_cn_str(xh_date d);
void xh_date_cn_upper(xh_buf *b, xh_date d); /* 二〇二五年十一月三十日 */
/* A range as documents write it (DOMAIN.md §4.3): "2025年4月27日至5月6日";
 * the end keeps its year when it is in another year ("2025年12月29日至
 * 2026年1月5日"). */
void xh_date_cn_range(xh_buf *b, xh_date from, xh_date to);

/* "12", full-width digits; rejected "12.5", "十二", signs other than a
 * leading '-'. */
int xh_int_parse(const char *s, size_t n, int64_t *out, const char **why);
/* An expert's score: 0–100 with at most one decimal ("85", "85.5",
 * full-width digits), in tenths (855). */
int xh_score_parse(const char *s, size_t n, int *tenths, const char **why);
/* 是/否, Y/N (any case), true/false (any case), 1/0, √/×. */
int xh_bool_parse(const char *s, size_t n, int *out, const char **why);

/* GB 32100-2015 unified social credit code: 18 characters from
 * 0-9A-HJ-NPQRTUWXY, the 18th the check character of the first 17.
 * Lower case is rejected (the code is printed in upper case). */
int xh_credit_code_check(const char *s, size_t n, const char **why);

/* Hides the middle of a phone, ID or account number for public
 * documents: "13812345678" -> "138****5678"; shorter strings keep a third
 * at each end; counts characters, not bytes. */
void xh_mask(xh_buf *b, const char *s, size_t n);

#endif
