/*
 * fmt.c — the value grammar of SCHEMA.md (money, date, int, bool) and the
 * formats of Chinese official documents (see fmt.h).
 *
 * Input is read code point by code point with full-width ASCII
 * (U+FF01–U+FF5E) folded to ASCII, as DOMAIN.md §6.2 normalises it, so
 * "５００００", "５０，０００．００" and "２０２５－３－１" parse like their
 * ASCII forms.  Money is int64 fen throughout; the digits of a number are
 * accumulated as integers with explicit overflow checks, never through a
 * double.  Nothing here allocates.
 *
 * Conventions chosen where SCHEMA.md and DOMAIN.md are silent:
 *   money   thousands separators ("," or "，") only in the integer part,
 *           first group 1–3 digits, every later group exactly 3; a point
 *           needs digits on both sides; "¥"/"￥" and a unit may be combined
 *           ("¥5万"); no space inside the amount; decimals past the fen
 *           (2 for 元, 6 for 万) are accepted only when they are zeros,
 *           since SCHEMA rejects "1.234" for not being exact to the fen;
 *           人民币/RMB prefixes and 千元 (DOMAIN.md §6.3) are not in
 *           SCHEMA's row and are rejected.
 *   date    the year has exactly 4 digits; both separators are the same;
 *           a time after the date is rejected.  xh_date_valid() means "a
 *           date the grammar accepts": a real day in 1900–2999.
 *   大写    negative amounts get a leading 负 (never produced by a parser).
 *   wan     the 万元 figure has no thousands separators (running text).
 *   mask    11 or more characters keep the first 3 and the last 4.
 */
#include "fmt.h"
#include "i18n.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- characters ---- */

enum { S_END = -2, S_BAD = -1 };

/* The code point at s[i], its byte length in *len; full-width ASCII is
 * folded to ASCII.  S_END past the end, S_BAD (length 1) for a byte that
 * does not start valid UTF-8. */
static long S_cp(const char *s, size_t n, size_t i, size_t *len)
{
	if (i >= n) {
		*len = 0;
		return S_END;
	}
	const unsigned char *p = (const unsigned char *)s + i;
	int l = xh_utf8_len(p, n - i);
	if (l <= 0) {
		*len = 1;
		return S_BAD;
	}
	*len = (size_t)l;
	long c;
	if (l == 1)
		c = p[0];
	else if (l == 2)
		c = ((long)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
	else if (l == 3)
		c = ((long)(p[0] & 0x0F) << 12) | ((long)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
	else
		c = ((long)(p[0] & 0x07) << 18) | ((long)(p[1] & 0x3F) << 12) |
		    ((long)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
	if (c >= 0xFF01 && c <= 0xFF5E)
		c -= 0xFEE0;
	return c;
}

static int S_is_digit(long c)
{
	return c >= '0' && c <= '9';
}

/* Chinese numerals, to tell "五万" or "十二" apart from plain garbage in
 * the message (万 itself is a unit, not listed). */
static int S_is_cn_numeral(long c)
{
	static const long cn[] = {
		0x3007, /* 〇 */ 0x96F6, /* 零 */ 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94,
		0x516D, 0x4E03, 0x516B, 0x4E5D, 0x5341, /* 一…十 */
		0x4E24, /* 两 (百 and 千 are also units: "5千元" is just not money) */
		0x58F9, 0x8D30, 0x53C1, 0x8086, 0x4F0D, 0x9646, 0x67D2, 0x634C, 0x7396,
		0x62FE, 0x4F70, 0x4EDF, /* 壹…玖 拾 佰 仟 */
	};
	for (size_t i = 0; i < sizeof(cn) / sizeof(cn[0]); i++)
		if (cn[i] == c)
			return 1;
	return 0;
}

static int S_has_cn_numeral(const char *s, size_t n)
{
	size_t i = 0, l;
	long c;
	while ((c = S_cp(s, n, i, &l)) != S_END) {
		if (S_is_cn_numeral(c))
			return 1;
		i += l;
	}
	return 0;
}

void xh_trim(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n;
	for (;;) {
		if (len && (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r'))) {
			p++, len--;
		} else if (len >= 3 && memcmp(p, "\xE3\x80\x80", 3) == 0) {
			p += 3, len -= 3;
		} else {
			break;
		}
	}
	for (;;) {
		if (len && (p[len - 1] == ' ' || (p[len - 1] >= '\t' && p[len - 1] <= '\r')))
			len--;
		else if (len >= 3 && memcmp(p + len - 3, "\xE3\x80\x80", 3) == 0)
			len -= 3;
		else
			break;
	}
	*s = p;
	*n = len;
}

static int S_fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -1;
}

/* ---- money ---- */

int xh_money_parse(const char *s, size_t n, xh_fen *out, const char **why)
{
	xh_trim(&s, &n);
	if (!n)
		return S_fail(why, "empty");
	size_t i = 0, l;
	long c = S_cp(s, n, i, &l);
	/* A sign, a minus (U+2212) or accounting parentheses: refunds and
	 * corrections, which no grant field holds.  A lone "-" is not a
	 * number at all. */
	if (c == '-' || c == 0x2212 || c == '(') {
		size_t l2;
		long c2 = S_cp(s, n, l, &l2);
		if (c2 == 0xA5 || c2 == 0xFFE5 || S_is_digit(c2))
			return S_fail(why, "negative amount");
		return S_fail(why, "not a money amount");
	}
	if (c == 0xA5 || c == 0xFFE5) { /* ¥ ￥ */
		i += l;
		c = S_cp(s, n, i, &l);
	}

	/* Integer part: digits, with separators every 3 digits if any. */
	uint64_t yuan = 0; /* saturates above the limit, flagged by big */
	int big = 0, ndig = 0, group = 0, seps = 0, badsep = 0;
	for (;; i += l, c = S_cp(s, n, i, &l)) {
		if (S_is_digit(c)) {
			if (yuan > (uint64_t)XH_FEN_MAX)
				big = 1;
			else
				yuan = yuan * 10 + (uint64_t)(c - '0');
			ndig++, group++;
		} else if (c == ',') { /* "，" is folded to ',' */
			if (!group || (seps ? group != 3 : group > 3))
				badsep = 1;
			seps++, group = 0;
		} else {
			break;
		}
	}
	if (seps && group != 3)
		badsep = 1;

	/* Fraction: keep the first 6 digits (enough for 万), note whether
	 * any later digit is non-zero. */
	int nfrac = 0, frac_dot = 0;
	char frac[6];
	int past6_nonzero = 0;
	if (c == '.') {
		frac_dot = 1;
		i += l;
		c = S_cp(s, n, i, &l);
		for (; S_is_digit(c); i += l, c = S_cp(s, n, i, &l)) {
			if (nfrac < 6)
				frac[nfrac] = (char)(c - '0');
			else if (c != '0')
				past6_nonzero = 1;
			nfrac++;
		}
	}

	/* Unit. */
	int wan = 0;
	if (c == 0x4E07) { /* 万 */
		wan = 1;
		i += l;
		c = S_cp(s, n, i, &l);
	}
	if (c == 0x5143) { /* 元 */
		i += l;
		c = S_cp(s, n, i, &l);
	}

	if (c != S_END || !ndig || (frac_dot && !nfrac)) {
		if (S_has_cn_numeral(s, n))
			return S_fail(why, "Chinese numerals (write the amount in figures)");
		return S_fail(why, "not a money amount");
	}
	if (badsep)
		return S_fail(why, "thousands separators must be every 3 digits");

	/* Digits past the fen must be zeros: 2 places for 元, 6 for 万. */
	int places = wan ? 6 : 2;
	for (int k = places; k < nfrac && k < 6; k++)
		if (frac[k])
			return S_fail(why, wan ? N_("more than six decimals in 万 (not exact to the fen)")
					       : N_("more than two decimals (not exact to the fen)"));
	if (past6_nonzero)
		return S_fail(why, wan ? N_("more than six decimals in 万 (not exact to the fen)")
				       : N_("more than two decimals (not exact to the fen)"));

	uint64_t mult = wan ? 1000000u : 100u;
	if (big || yuan > (uint64_t)XH_FEN_MAX / mult)
		return S_fail(why, "amount too large");
	uint64_t fen = yuan * mult, f = 0;
	for (int k = 0; k < places; k++)
		f = f * 10 + (k < nfrac ? (uint64_t)frac[k] : 0);
	fen += f;
	if (fen > (uint64_t)XH_FEN_MAX)
		return S_fail(why, "amount too large");
	*out = (xh_fen)fen;
	return 0;
}

int xh_money_from_number(const char *s, size_t n, xh_fen *out, const char **why)
{
	xh_trim(&s, &n);
	if (!n)
		return S_fail(why, "empty");
	/* JSON's grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
	size_t i = 0;
	int neg = 0;
	if (s[i] == '-')
		neg = 1, i++;
	size_t ia = i;
	if (i < n && s[i] == '0')
		i++;
	else
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	size_t ib = i, fa = i, fb = i;
	if (ia == ib)
		return S_fail(why, "not a number");
	if (i < n && s[i] == '.') {
		fa = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		fb = i;
		if (fa == fb)
			return S_fail(why, "not a number");
	}
	long long ex = 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		size_t ea = i;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (ex < 1000000000LL) /* saturate: beyond it, only 0 or too large */
				ex = ex * 10 + (s[i] - '0');
		if (ea == i)
			return S_fail(why, "not a number");
		if (eneg)
			ex = -ex;
	}
	if (i != n)
		return S_fail(why, "not a number");
	if (n > 100000000)
		return S_fail(why, "not a number"); /* keeps the exponent arithmetic in range */

	/* The mantissa digits M (integer then fraction digits, m of them) and
	 * the value M × 10^(ex − fraction digits); in fen the exponent is k. */
	long long m = (long long)((ib - ia) + (fb - fa));
	long long k = ex - (long long)(fb - fa) + 2;
#define S_DIGIT(j) ((j) < (long long)(ib - ia) ? s[ia + (j)] - '0' : s[fa + (j) - (long long)(ib - ia)] - '0')
	int nonzero = 0;
	for (long long j = 0; j < m; j++)
		if (S_DIGIT(j))
			nonzero = 1;
	if (!nonzero) {
		*out = 0;
		return 0;
	}
	if (neg)
		return S_fail(why, "negative amount");
	long long keep = k < 0 ? m + k : m; /* digits before the fen's point */
	uint64_t v = 0;
	for (long long j = 0; j < keep; j++) {
		v = v * 10 + (uint64_t)S_DIGIT(j);
		if (v > (uint64_t)XH_FEN_MAX)
			return S_fail(why, "amount too large");
	}
	for (long long j = 0; j < k && v; j++) {
		v *= 10;
		if (v > (uint64_t)XH_FEN_MAX)
			return S_fail(why, "amount too large");
	}
	/* Half away from zero: on a positive number only the first dropped
	 * digit decides. */
	if (k < 0 && keep >= 0 && keep < m && S_DIGIT(keep) >= 5)
		v++;
#undef S_DIGIT
	if (v > (uint64_t)XH_FEN_MAX)
		return S_fail(why, "amount too large");
	*out = (xh_fen)v;
	return 0;
}

int xh_money_from_double(double v, xh_fen *out, const char **why)
{
	if (!isfinite(v))
		return S_fail(why, "not a finite number");
	if (v < 0)
		return S_fail(why, "negative amount");
	double x = v * 100;
	if (x > (double)XH_FEN_MAX + 0.5)
		return S_fail(why, "amount too large");
	/* llround(x) without libm (the build does not link -lm): below 2^53
	 * x − trunc(x) is exact, so this is round half away from zero. */
	int64_t t = (int64_t)x;
	if (x - (double)t >= 0.5)
		t++;
	if (t > XH_FEN_MAX)
		return S_fail(why, "amount too large");
	*out = t;
	return 0;
}

/* |v| without overflow for INT64_MIN. */
static uint64_t S_abs(xh_fen v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

char *xh_money_yuan_str(xh_fen v)
{
	xh_buf b = XH_BUF_INIT;
	xh_money_yuan(&b, v);
	return xh_buf_detach(&b);
}

void xh_money_yuan(xh_buf *b, xh_fen v)
{
	uint64_t a = S_abs(v), yuan = a / 100;
	char digits[24];
	int nd = 0;
	do
		digits[nd++] = (char)('0' + yuan % 10);
	while ((yuan /= 10) > 0);
	if (v < 0)
		xh_buf_addc(b, '-');
	for (int j = nd - 1; j >= 0; j--) {
		xh_buf_addc(b, digits[j]);
		if (j && j % 3 == 0)
			xh_buf_addc(b, ',');
	}
	xh_buf_printf(b, ".%02u", (unsigned)(a % 100));
}

void xh_money_wan(xh_buf *b, xh_fen v)
{
	uint64_t a = S_abs(v);
	char frac[8];
	snprintf(frac, sizeof(frac), "%06u", (unsigned)(a % 1000000));
	int nf = 6;
	while (nf && frac[nf - 1] == '0')
		nf--;
	xh_buf_printf(b, "%s%llu", v < 0 ? "-" : "", (unsigned long long)(a / 1000000));
	if (nf) {
		xh_buf_addc(b, '.');
		xh_buf_add(b, frac, (size_t)nf);
	}
}

/*
 * 人民币大写 by DOMAIN.md §4.1's deterministic algorithm: the 元 part in
 * 4-digit sections (个/万/亿, then 万 again for 万亿), 拾佰仟 inside a
 * section; a zero that follows an emitted digit leaves one pending 零,
 * even across sections (so 107000 → 壹拾万零柒仟: §4.1(b) makes the 零
 * optional, step 3 keeps it), written before the next non-zero digit and
 * dropped at 元; 万/亿 only after a non-zero section.  The leading ten is
 * 壹拾 (§4.1 "Leading ten", PBOC writes 壹拾万).
 */
void xh_money_cny(xh_buf *b, xh_fen v)
{
	static const char *const num[] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
	static const char *const inner[] = {"", "拾", "佰", "仟"};
	/* §4.1 整: "after 角 optional per PBOC but required per MOF (config
	 * zheng_after_jiao, default off)".  The API has no options, so the
	 * default is fixed here. */
	static const int zheng_after_jiao = 0;

	if (v < 0)
		xh_buf_adds(b, "负");
	uint64_t a = S_abs(v), yuan = a / 100;
	unsigned jiao = (unsigned)(a / 10 % 10), fen = (unsigned)(a % 10);
	if (a == 0) {
		xh_buf_adds(b, "零元整"); /* step 6 */
		return;
	}
	if (yuan) {
		int d[24], nd = 0;
		for (uint64_t y = yuan; y; y /= 10)
			d[nd++] = (int)(y % 10);
		int emitted = 0, pending = 0, section_nonzero = 0;
		for (int p = nd - 1; p >= 0; p--) {
			if (d[p]) {
				if (pending)
					xh_buf_adds(b, "零");
				xh_buf_adds(b, num[d[p]]);
				xh_buf_adds(b, inner[p % 4]);
				emitted = section_nonzero = 1;
				pending = 0;
			} else if (emitted) {
				pending = 1;
			}
			if (p % 4 == 0 && p > 0) {
				/* 万 closes sections 1, 3, …; 亿 closes 2, 4, …
				 * and is also needed when only a higher section was
				 * non-zero (壹万亿). */
				if ((p / 4) % 2 == 1) {
					if (section_nonzero)
						xh_buf_adds(b, "万");
				} else if (emitted) {
					xh_buf_adds(b, "亿");
				}
				section_nonzero = 0;
			}
		}
		xh_buf_adds(b, "元");
	}
	/* Step 5.  §4.1(c): no 零 before 角 when the 元 digit is zero
	 * (贰万零伍佰元伍角).  §4.1(d): 零 required before 分 when 角 is zero,
	 * but only after some 元 (step 6: 0.05 → 伍分, a 零 stands only
	 * between non-zero digits, §4.1(a)).  整 never after 分. */
	if (!jiao && !fen) {
		xh_buf_adds(b, "整");
		return;
	}
	if (jiao) {
		xh_buf_adds(b, num[jiao]);
		xh_buf_adds(b, "角");
	} else if (yuan) {
		xh_buf_adds(b, "零");
	}
	if (fen) {
		xh_buf_adds(b, num[fen]);
		xh_buf_adds(b, "分");
	} else if (zheng_after_jiao) {
		xh_buf_adds(b, "整");
	}
}

/* ---- dates ---- */

static int S_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int S_mdays(int y, int m)
{
	static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && S_leap(y) ? 29 : md[m - 1];
}

static int S_real_day(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= S_mdays(y, m);
}

int xh_date_valid(xh_date d)
{
	return d.y >= 1900 && d.y <= 2999 && S_real_day(d.y, d.m, d.d);
}

/* Reads the (ASCII or folded full-width) digits at *i; returns how many,
 * with the value of the first 4 in *v. */
static int S_digits(const char *s, size_t n, size_t *i, int *v)
{
	int k = 0;
	size_t l;
	long c;
	*v = 0;
	while ((c = S_cp(s, n, *i, &l)) != S_END && S_is_digit(c)) {
		if (++k <= 4)
			*v = *v * 10 + (int)(c - '0');
		*i += l;
	}
	return k;
}

int xh_date_parse(const char *s, size_t n, xh_date *out, const char **why)
{
	xh_trim(&s, &n);
	if (!n)
		return S_fail(why, "empty");
	size_t i = 0, l;
	int y, m, d;
	int ny = S_digits(s, n, &i, &y);
	long sep = S_cp(s, n, i, &l);
	if (sep == S_END || (sep == '.' && ny > 4))
		return S_fail(why, "a bare number is not a date"); /* 20250301, 45717 */
	if (ny == 2)
		if (sep == '-' || sep == '/' || sep == '.' || sep == 0x5E74)
			return S_fail(why, "two-digit year");
	if (ny != 4 || !(sep == '-' || sep == '/' || sep == '.' || sep == 0x5E74)) {
		if (S_has_cn_numeral(s, n))
			return S_fail(why, "Chinese numerals (write the date in figures)");
		return S_fail(why, "not a date");
	}
	i += l;
	long sep2 = sep == 0x5E74 ? 0x6708 : sep; /* 年 … 月 … 日 */
	int nm = S_digits(s, n, &i, &m);
	if (nm < 1 || nm > 2 || S_cp(s, n, i, &l) != sep2)
		return S_fail(why, "not a date");
	i += l;
	int nd = S_digits(s, n, &i, &d);
	if (nd < 1 || nd > 2)
		return S_fail(why, "not a date");
	if (sep == 0x5E74) {
		if (S_cp(s, n, i, &l) != 0x65E5) /* 日 */
			return S_fail(why, "not a date");
		i += l;
	}
	if (i != n)
		return S_fail(why, "not a date");
	if (y < 1900 || y > 2999)
		return S_fail(why, "year outside 1900–2999");
	if (!S_real_day(y, m, d))
		return S_fail(why, "no such day");
	out->y = y, out->m = m, out->d = d;
	return 0;
}

/* Howard Hinnant's days_from_civil / civil_from_days: exact for the
 * proleptic Gregorian calendar, any year. */
long xh_date_days(xh_date d)
{
	long y = d.y - (d.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (d.m + (d.m > 2 ? -3 : 9)) + 2) / 5 + d.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

xh_date xh_date_from_days(long z)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	xh_date r;
	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(yoe + era * 400 + (r.m <= 2));
	return r;
}

int xh_date_weekday(xh_date d)
{
	long w = (xh_date_days(d) + 3) % 7; /* 1970-01-01 was a Thursday */
	return (int)(w < 0 ? w + 7 : w);
}

int xh_date_from_serial(double serial, int date1904, xh_date *out, const char **why)
{
	if (!isfinite(serial) || serial < 0 || serial > 1e7)
		return S_fail(why, "date serial out of range");
	long s = (long)serial; /* the fraction is the time of day */
	long days;
	if (date1904) {
		days = xh_date_days((xh_date){1904, 1, 1}) + s;
	} else {
		/* Excel counts 1900-02-29 (serial 60), which never was: serials
		 * before it are one day later than 1899-12-30 + serial. */
		if (s < 1)
			return S_fail(why, "date serial out of range");
		if (s == 60)
			return S_fail(why, "no such day (Excel's 1900-02-29)");
		days = xh_date_days((xh_date){1899, 12, s < 60 ? 31 : 30}) + s;
	}
	xh_date d = xh_date_from_days(days);
	if (d.y < 1900 || d.y > 2999)
		return S_fail(why, "year outside 1900–2999");
	*out = d;
	return 0;
}

void xh_date_iso(xh_buf *b, xh_date d)
{
	xh_buf_printf(b, "%04d-%02d-%02d", d.y, d.m, d.d);
}

char *xh_date_cn_str(xh_date d)
{
	xh_buf b = XH_BUF_INIT;
	xh_date_cn(&b, d);
	return xh_buf_detach(&b);
}

void xh_date_cn(xh_buf *b, xh_date d)
{
	/* DOMAIN.md §3.4: no leading zeros. */
	xh_buf_printf(b, "%d年%d月%d日", d.y, d.m, d.d);
}

static const char *const S_cn_digit[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

/* 1–31 as 一…十、十一…十九、二十、二十一…三十一. */
static void S_cn_small(xh_buf *b, int v)
{
	if (v >= 20)
		xh_buf_adds(b, S_cn_digit[v / 10]);
	if (v >= 10)
		xh_buf_adds(b, "十");
	if (v % 10 || v < 10)
		xh_buf_adds(b, S_cn_digit[v % 10]);
}

void xh_date_cn_upper(xh_buf *b, xh_date d)
{
	char y[16];
	int ny = snprintf(y, sizeof(y), "%d", d.y);
	for (int k = 0; k < ny; k++)
		if (y[k] >= '0' && y[k] <= '9')
			xh_buf_adds(b, S_cn_digit[y[k] - '0']);
	xh_buf_adds(b, "年");
	S_cn_small(b, d.m);
	xh_buf_adds(b, "月");
	S_cn_small(b, d.d);
	xh_buf_adds(b, "日");
}

/* ---- int, bool ---- */

int xh_int_parse(const char *s, size_t n, int64_t *out, const char **why)
{
	xh_trim(&s, &n);
	if (!n)
		return S_fail(why, "empty");
	size_t i = 0, l;
	long c = S_cp(s, n, i, &l);
	int neg = 0;
	if (c == '-') { /* "－" is folded to '-' */
		neg = 1;
		i += l;
		c = S_cp(s, n, i, &l);
	}
	uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	int nd = 0, big = 0;
	for (; S_is_digit(c); i += l, c = S_cp(s, n, i, &l)) {
		uint64_t dg = (uint64_t)(c - '0');
		if (v > (lim - dg) / 10)
			big = 1;
		else
			v = v * 10 + dg;
		nd++;
	}
	if (c != S_END || !nd) {
		if (nd && c == '.')
			return S_fail(why, "not a whole number");
		if (S_has_cn_numeral(s, n))
			return S_fail(why, "Chinese numerals (write the number in figures)");
		return S_fail(why, "not a number");
	}
	if (big)
		return S_fail(why, "number too large");
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int xh_bool_parse(const char *s, size_t n, int *out, const char **why)
{
	static const struct {
		const char *w;
		int v;
	} words[] = {
		{"是", 1}, {"否", 0}, {"y", 1}, {"n", 0}, {"true", 1}, {"false", 0},
		{"1", 1}, {"0", 0}, {"√", 1}, {"×", 0},
	};
	xh_trim(&s, &n);
	if (!n)
		return S_fail(why, "empty");
	/* Fold full-width and case into a short ASCII-lowered copy; anything
	 * longer than the longest word is not a bool. */
	char w[8] = {0};
	size_t nw = 0, i = 0, l;
	long c;
	while ((c = S_cp(s, n, i, &l)) != S_END) {
		if (c == S_BAD)
			return S_fail(why, "not yes or no (是/否, Y/N, true/false, 1/0, √/×)");
		if (c < 0x80) {
			if (nw + 1 > sizeof(w))
				return S_fail(why, "not yes or no (是/否, Y/N, true/false, 1/0, √/×)");
			w[nw++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		} else {
			if (nw + l > sizeof(w))
				return S_fail(why, "not yes or no (是/否, Y/N, true/false, 1/0, √/×)");
			memcpy(w + nw, s + i, l);
			nw += l;
		}
		i += l;
	}
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (strlen(words[k].w) == nw && memcmp(words[k].w, w, nw) == 0) {
			*out = words[k].v;
			return 0;
		}
	return S_fail(why, "not yes or no (是/否, Y/N, true/false, 1/0, √/×)");
}

/* ---- credit code, mask ---- */

int xh_credit_code_check(const char *s, size_t n, const char **why)
{
	static const char set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int weight[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	xh_trim(&s, &n);
	if (!n)
		return S_fail(why, "empty");
	size_t chars = 0;
	for (size_t i = 0; i < n; chars++) {
		int l = xh_utf8_len((const unsigned char *)s + i, n - i);
		i += l > 0 ? (size_t)l : 1;
	}
	if (chars != 18)
		return S_fail(why, "not 18 characters");
	if (n != 18)
		return S_fail(why, "full-width or non-ASCII character");
	for (size_t i = 0; i < 18; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			return S_fail(why, "lower-case letter (the code is upper case)");
	int sum = 0, val[18];
	for (size_t i = 0; i < 18; i++) {
		const char *p = s[i] ? strchr(set, s[i]) : NULL;
		if (!p)
			return S_fail(why, "invalid character (no I, O, S, V or Z)");
		val[i] = (int)(p - set);
		if (i < 17)
			sum += val[i] * weight[i];
	}
	int check = 31 - sum % 31;
	if (check == 31)
		check = 0;
	if (val[17] != check)
		return S_fail(why, "wrong check character");
	return 0;
}

void xh_mask(xh_buf *b, const char *s, size_t n)
{
	xh_trim(&s, &n);
	size_t chars = 0;
	for (size_t i = 0; i < n; chars++) {
		int l = xh_utf8_len((const unsigned char *)s + i, n - i);
		i += l > 0 ? (size_t)l : 1;
	}
	/* A phone keeps 3 + 4 (138****5678); shorter strings a third at each
	 * end, so at most a third shows on either side. */
	size_t head = chars >= 11 ? 3 : chars / 3;
	size_t tail = chars >= 11 ? 4 : chars / 3;
	size_t k = 0;
	for (size_t i = 0; i < n; k++) {
		int l = xh_utf8_len((const unsigned char *)s + i, n - i);
		size_t len = l > 0 ? (size_t)l : 1;
		if (k < head || k >= chars - tail)
			xh_buf_add(b, s + i, len);
		else
			xh_buf_addc(b, '*');
		i += len;
	}
}

/* ---- scores ---- */

int xh_score_parse(const char *s, size_t n, int *tenths, const char **why)
{
	static const char *const bad = "not a score (0 to 100, at most one decimal)";
	xh_trim(&s, &n);
	int v = 0, digits = 0, dec = -1;
	size_t i = 0;
	while (i < n) {
		const unsigned char *u = (const unsigned char *)s + i;
		int d = -1;
		size_t w = 1;
		if (*u >= '0' && *u <= '9')
			d = *u - '0';
		else if (n - i >= 3 && u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99)
			d = u[2] - 0x90, w = 3; /* full-width digit */
		if (d >= 0) {
			if ((dec >= 0 && ++dec > 1) || ++digits > 4) {
				*why = bad;
				return -1;
			}
			v = v * 10 + d;
		} else if ((*u == '.' || (n - i >= 3 && u[0] == 0xEF && u[1] == 0xBC && u[2] == 0x8E)) &&
		           dec < 0 && digits) {
			dec = 0;
			w = *u == '.' ? 1 : 3;
		} else {
			*why = bad;
			return -1;
		}
		i += w;
	}
	if (!digits || dec == 0) {
		*why = bad;
		return -1;
	}
	if (dec < 1)
		v *= 10;
	if (v > 1000) {
		*why = bad;
		return -1;
	}
	*tenths = v;
	return 0;
}

xh_date xh_date_add_days(xh_date d, long n)
{
	return xh_date_from_days(xh_date_days(d) + n);
}

void xh_date_cn_range(xh_buf *b, xh_date from, xh_date to)
{
	xh_date_cn(b, from);
	xh_buf_adds(b, "至");
	if (to.y == from.y)
		xh_buf_printf(b, "%d月%d日", to.m, to.d);
	else
		xh_date_cn(b, to);
}
