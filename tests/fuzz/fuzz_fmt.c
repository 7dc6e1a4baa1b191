/*
 * fuzz_fmt.c — libFuzzer target for the value parsers and the document
 * formats of fmt.h, with round-trip properties.
 *
 * The first byte chooses the mode ('0' … '9', taken modulo 10 from '0', so
 * the corpus stays readable); the rest is the text (or raw bytes):
 *
 *   0 xh_money_parse        5 xh_bool_parse
 *   1 xh_money_from_number  6 xh_score_parse
 *   2 xh_date_parse         7 xh_mask
 *   3 xh_credit_code_check  8 raw 8 bytes: a fen value, and a double for
 *   4 xh_int_parse            xh_money_from_double
 *                           9 raw 8 bytes: a day number, and a double for
 *                             xh_date_from_serial
 *
 * Every money amount that parses is written with xh_money_yuan, _wan and
 * _cny, and each must read back to the same fen: the first two with
 * xh_money_parse, the 大写 with the strict reader below (a different
 * algorithm from the writer's).  Every date that parses is written with
 * xh_date_iso and xh_date_cn and must read back to the same date; day
 * numbers must round-trip.  A broken property aborts with a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len);

#define PROP(c)                                                                     \
	do {                                                                        \
		if (!(c)) {                                                         \
			fprintf(stderr, "fuzz_fmt: property failed at line %d: %s\n", \
				__LINE__, #c);                                      \
			abort();                                                    \
		}                                                                   \
	} while (0)

/* ---- a strict reader of 人民币大写 ---- */

enum { T_DIGIT, T_ZERO, T_INNER, T_WAN, T_YI, T_YUAN, T_JIAO, T_FEN, T_ZHENG };

static const char *const S_dig[] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};

/* Reads one character of the 大写 alphabet at s: its kind, and its value
 * (a digit, or the power of ten of 拾佰仟); 0 when it is none of them. */
static int S_tok(const char *s, size_t n, int *kind, int *val)
{
	if (n < 3)
		return 0;
	for (int k = 0; k < 10; k++)
		if (memcmp(s, S_dig[k], 3) == 0) {
			*kind = k ? T_DIGIT : T_ZERO, *val = k;
			return 1;
		}
	static const struct {
		const char *c;
		int kind, val;
	} units[] = {
		{"拾", T_INNER, 1}, {"佰", T_INNER, 2}, {"仟", T_INNER, 3}, {"万", T_WAN, 0},
		{"亿", T_YI, 0},    {"元", T_YUAN, 0},  {"角", T_JIAO, 0},  {"分", T_FEN, 0},
		{"整", T_ZHENG, 0},
	};
	for (size_t k = 0; k < sizeof(units) / sizeof(units[0]); k++)
		if (memcmp(s, units[k].c, 3) == 0) {
			*kind = units[k].kind, *val = units[k].val;
			return 1;
		}
	return 0;
}

/* The amount in fen, or -1 when s is not well-formed 大写: only the
 * characters of the alphabet; a digit is followed by a unit (or is the
 * last digit of a section, before 万/亿/元); 拾佰仟 fall within a
 * section; 零 stands alone between non-zero digits; 万 and 亿 close a
 * non-zero part; 整 follows 元 and ends the text; "零元整" is zero. */
static long long S_read_cny(const char *s, size_t n)
{
	if (n == strlen("零元整") && memcmp(s, "零元整", n) == 0)
		return 0;
	long long yi = 0, grp = 0, sec = 0, total = 0;
	int d = -1;       /* a digit waiting for its unit */
	int inner = 4;    /* the last 拾佰仟 power in this section */
	int prev = -1;    /* the kind of the previous character */
	int seen_yi = 0, seen_wan = 0, seen_yuan = 0, seen_jiao = 0, seen_fen = 0;
	int ntok = 0;
	for (size_t i = 0; i < n; i += 3, ntok++) {
		int kind, val;
		if (!S_tok(s + i, n - i, &kind, &val))
			return -1;
		if (prev == T_ZHENG)
			return -1; /* 整 ends the text */
		if (prev == T_ZERO && kind != T_DIGIT)
			return -1; /* 零 only before a non-zero digit */
		switch (kind) {
		case T_DIGIT:
			if (d >= 0 || seen_fen)
				return -1;
			d = val;
			break;
		case T_ZERO:
			if (d >= 0 || ntok == 0)
				return -1;
			break;
		case T_INNER:
			if (d < 0 || seen_yuan || val >= inner)
				return -1;
			sec += d * (val == 1 ? 10 : val == 2 ? 100 : 1000);
			inner = val, d = -1;
			break;
		case T_WAN:
			if (seen_yuan || seen_wan)
				return -1;
			if (d >= 0)
				sec += d, d = -1;
			if (!sec)
				return -1;
			grp = sec * 10000, sec = 0, inner = 4, seen_wan = 1;
			break;
		case T_YI:
			if (seen_yuan || seen_yi)
				return -1;
			if (d >= 0)
				sec += d, d = -1;
			if (!grp && !sec)
				return -1;
			yi = (grp + sec) * 100000000LL, grp = sec = 0, inner = 4;
			seen_yi = 1, seen_wan = 0;
			break;
		case T_YUAN:
			if (seen_yuan)
				return -1;
			if (d >= 0)
				sec += d, d = -1;
			if (!yi && !grp && !sec)
				return -1;
			total = (yi + grp + sec) * 100, seen_yuan = 1;
			break;
		case T_JIAO:
			if (d < 0 || seen_jiao)
				return -1;
			total += d * 10, d = -1, seen_jiao = 1;
			break;
		case T_FEN:
			if (d < 0 || seen_fen)
				return -1;
			total += d, d = -1, seen_fen = 1;
			break;
		case T_ZHENG:
			if (prev != T_YUAN)
				return -1;
			break;
		}
		prev = kind;
	}
	if (d >= 0 || prev == T_ZERO || ntok == 0)
		return -1;
	/* A whole number of 元 ends with 整; anything else does not. */
	if (seen_yuan && !seen_jiao && !seen_fen && prev != T_ZHENG)
		return -1;
	return total;
}

/* ---- properties ---- */

static void S_check_money(xh_fen v)
{
	PROP(v >= 0 && v <= XH_FEN_MAX);
	xh_fen back;
	const char *why = NULL;

	xh_buf b = XH_BUF_INIT;
	xh_money_yuan(&b, v);
	PROP(xh_money_parse(b.data, b.len, &back, &why) == 0 && back == v);
	xh_buf_free(&b);

	xh_money_wan(&b, v);
	xh_buf_adds(&b, "万");
	PROP(xh_money_parse(b.data, b.len, &back, &why) == 0 && back == v);
	xh_buf_free(&b);

	xh_money_cny(&b, v);
	PROP(b.len > 0 && b.len % 3 == 0);
	PROP(S_read_cny(b.data, b.len) == v);
	xh_buf_free(&b);
}

static void S_check_date(xh_date d)
{
	PROP(xh_date_valid(d));
	xh_date back = {0, 0, 0};
	const char *why = NULL;
	xh_buf b = XH_BUF_INIT;
	xh_date_iso(&b, d);
	PROP(b.len == 10);
	PROP(xh_date_parse(b.data, b.len, &back, &why) == 0);
	PROP(back.y == d.y && back.m == d.m && back.d == d.d);
	xh_buf_free(&b);
	xh_date_cn(&b, d);
	PROP(xh_date_parse(b.data, b.len, &back, &why) == 0);
	PROP(back.y == d.y && back.m == d.m && back.d == d.d);
	xh_buf_free(&b);
	xh_date_cn_upper(&b, d);
	PROP(xh_date_parse(b.data, b.len, &back, &why) != 0); /* Chinese numerals */
	xh_buf_free(&b);
	long z = xh_date_days(d);
	xh_date r = xh_date_from_days(z);
	PROP(r.y == d.y && r.m == d.m && r.d == d.d);
	int w = xh_date_weekday(d);
	PROP(w >= 0 && w <= 6);
	xh_date next = xh_date_from_days(z + 1);
	PROP(xh_date_weekday(next) == (w + 1) % 7);
}

/* Characters as xh_mask counts them: a valid UTF-8 sequence, or one byte. */
static size_t S_chars(const char *s, size_t n)
{
	size_t chars = 0;
	for (size_t i = 0; i < n; chars++) {
		int l = xh_utf8_len((const unsigned char *)s + i, n - i);
		i += l > 0 ? (size_t)l : 1;
	}
	return chars;
}

static uint64_t S_u64(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t k = 0; k < 8; k++)
		v |= (uint64_t)(k < n ? p[k] : 0) << (8 * k);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	if (len < 1 || len > 4096)
		return 0;
	int mode = (uint8_t)(buf[0] - '0') % 10;
	const char *s = (const char *)buf + 1;
	size_t n = len - 1;
	const char *why = NULL;
	xh_buf b = XH_BUF_INIT;

	switch (mode) {
	case 0: {
		xh_fen v = -1;
		if (xh_money_parse(s, n, &v, &why) == 0)
			S_check_money(v);
		else
			PROP(why && *why);
		break;
	}
	case 1: {
		xh_fen v = -1;
		if (xh_money_from_number(s, n, &v, &why) == 0)
			S_check_money(v);
		else
			PROP(why && *why);
		break;
	}
	case 2: {
		xh_date d = {0, 0, 0};
		if (xh_date_parse(s, n, &d, &why) == 0)
			S_check_date(d);
		else
			PROP(why && *why);
		break;
	}
	case 3:
		if (xh_credit_code_check(s, n, &why) != 0)
			PROP(why && *why);
		break;
	case 4: {
		int64_t v;
		if (xh_int_parse(s, n, &v, &why) == 0) {
			char t[32];
			int k = snprintf(t, sizeof(t), "%lld", (long long)v);
			int64_t back;
			PROP(xh_int_parse(t, (size_t)k, &back, &why) == 0 && back == v);
		} else {
			PROP(why && *why);
		}
		break;
	}
	case 5: {
		int v = -1;
		if (xh_bool_parse(s, n, &v, &why) == 0)
			PROP(v == 0 || v == 1);
		else
			PROP(why && *why);
		break;
	}
	case 6: {
		int t = -1;
		if (xh_score_parse(s, n, &t, &why) == 0) {
			PROP(t >= 0 && t <= 1000);
			char u[16];
			int k = snprintf(u, sizeof(u), "%d.%d", t / 10, t % 10);
			int back;
			PROP(xh_score_parse(u, (size_t)k, &back, &why) == 0 && back == t);
		} else {
			PROP(why && *why);
		}
		break;
	}
	case 7: {
		xh_mask(&b, s, n);
		const char *ts = s;
		size_t tn = n;
		xh_trim(&ts, &tn);
		PROP(S_chars(b.data ? b.data : "", b.len) == S_chars(ts, tn));
		break;
	}
	case 8: {
		uint64_t u = S_u64(buf + 1, n);
		xh_fen raw = (xh_fen)u;
		/* Any int64, negative ones too, must format without a fault. */
		xh_money_yuan(&b, raw);
		xh_money_wan(&b, raw);
		xh_money_cny(&b, raw);
		S_check_money((xh_fen)(u % (uint64_t)(XH_FEN_MAX + 1)));
		double x;
		memcpy(&x, &u, sizeof(x));
		xh_fen v = -1;
		if (xh_money_from_double(x, &v, &why) == 0)
			S_check_money(v);
		break;
	}
	case 9: {
		uint64_t u = S_u64(buf + 1, n);
		/* ±10^9 days: years well inside int. */
		long z = (long)(u % 2000000001u) - 1000000000L;
		xh_date d = xh_date_from_days(z);
		PROP(d.m >= 1 && d.m <= 12 && d.d >= 1 && d.d <= 31);
		PROP(xh_date_days(d) == z);
		if (xh_date_valid(d))
			S_check_date(d);
		double x;
		memcpy(&x, &u, sizeof(x));
		for (int sys = 0; sys < 2; sys++) {
			xh_date e = {0, 0, 0};
			if (xh_date_from_serial(x, sys, &e, &why) == 0)
				S_check_date(e);
			else
				PROP(why && *why);
		}
		break;
	}
	}
	xh_buf_free(&b);
	return 0;
}
