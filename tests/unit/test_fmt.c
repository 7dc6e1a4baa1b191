/*
 * test_fmt.c — table-driven tests of the value grammar and the document
 * formats (fmt.h): every accepted input with the value it must give, every
 * rejected input with the reason it must give, every 大写 and date form
 * compared byte for byte.
 */
#include <math.h>
#include <stdlib.h>

#include "fmt.h"
#include "harness.h"

static char name[512];

#define NAME(...) (snprintf(name, sizeof(name), __VA_ARGS__), name)

/* s with control bytes and invalid UTF-8 written as \xNN, so that every
 * check stays one line of output (tests/run.py reads line by line).  Two
 * buffers in turn: a NAME may quote two inputs. */
static const char *esc(const char *s)
{
	static char buf[2][256];
	static int turn;
	char *o = buf[turn ^= 1];
	size_t k = 0, n = strlen(s);
	for (size_t i = 0; i < n && k + 5 < sizeof(buf[0]);) {
		unsigned char c = (unsigned char)s[i];
		int l = c < 0x80 ? 1 : xh_utf8_len((const unsigned char *)s + i, n - i);
		if (c < 0x20 || c == 0x7F || l <= 0) {
			k += (size_t)snprintf(o + k, sizeof(buf[0]) - k, "\\x%02X", c);
			i++;
		} else {
			if (k + (size_t)l >= sizeof(buf[0]))
				break;
			memcpy(o + k, s + i, (size_t)l);
			k += (size_t)l, i += (size_t)l;
		}
	}
	o[k] = 0;
	return o;
}

/* ---- money ---- */

static const struct {
	const char *in;
	xh_fen fen;
} money_ok[] = {
	{"50000", 5000000},
	{"50,000.00", 5000000},
	{"50000元", 5000000},
	{"¥50,000", 5000000},
	{"￥50,000", 5000000},
	{"5万", 5000000},
	{"5万元", 5000000},
	{"5.5万元", 5500000},
	{"0.5万", 500000},
	{"５００００元", 5000000},
	{"５０，０００．００", 5000000},
	{"５．５万元", 5500000},
	{"￥５０，０００", 5000000},
	{"1,234,567.89", 123456789},
	{"1234567.89", 123456789},
	{"0", 0},
	{"0.00", 0},
	{"0.05", 5},
	{"0.5", 50},
	{"12.3", 1230},
	{"999", 99900},
	{"1,000", 100000},
	{"100,000.5元", 10000050},
	{"5.123456万", 5123456},
	{"5.1234560万", 5123456},      /* trailing zeros are still exact */
	{"1.230", 123},                /* exact to the fen */
	{"007", 700},
	{"  50000 ", 5000000},
	{"\xE3\x80\x80" "50000\xE3\x80\x80", 5000000}, /* U+3000 both ends */
	{"\t50000元\n", 5000000},
	{"¥5万", 5000000},
	{"10000000000000", 1000000000000000LL},   /* XH_FEN_MAX exactly */
	{"10,000,000,000,000.00", 1000000000000000LL},
	{"1000000000万", 1000000000000000LL},
	{"9999999999999.99", 999999999999999LL},
};

static const struct {
	const char *in, *why;
} money_bad[] = {
	{"五万", "Chinese numerals (write the amount in figures)"},
	{"伍万元整", "Chinese numerals (write the amount in figures)"},
	{"50000元整", "not a money amount"},
	{"1.234", "more than two decimals (not exact to the fen)"},
	{"0.001", "more than two decimals (not exact to the fen)"},
	{"1.2300001", "more than two decimals (not exact to the fen)"},
	{"5.1234567万", "more than six decimals in 万 (not exact to the fen)"},
	{"5.12345670001万", "more than six decimals in 万 (not exact to the fen)"},
	{"-1000", "negative amount"},
	{"－1000", "negative amount"},
	{"\xE2\x88\x92" "5", "negative amount"}, /* U+2212 minus */
	{"(1,000.00)", "negative amount"},
	{"-¥5", "negative amount"},
	{"-", "not a money amount"},
	{"1e5", "not a money amount"},
	{"1E5", "not a money amount"},
	{"", "empty"},
	{"   ", "empty"},
	{"\xE3\x80\x80", "empty"},
	{"元", "not a money amount"},
	{"万元", "not a money amount"},
	{"¥", "not a money amount"},
	{"5,0000", "thousands separators must be every 3 digits"},
	{"50,00", "thousands separators must be every 3 digits"},
	{"1234,567", "thousands separators must be every 3 digits"},
	{",500", "thousands separators must be every 3 digits"},
	{"50,,000", "thousands separators must be every 3 digits"},
	{"50,000,", "thousands separators must be every 3 digits"},
	{"5，0000", "thousands separators must be every 3 digits"},
	{"1.234,5", "not a money amount"},
	{"10000000000000.01", "amount too large"},
	{"10000000000001", "amount too large"},
	{"1000000000.000001万", "amount too large"},
	{"99999999999999999999999", "amount too large"},
	{"5.", "not a money amount"},
	{".5", "not a money amount"},
	{"5万5", "not a money amount"},
	{"+5", "not a money amount"},
	{"5 万元", "not a money amount"},
	{"¥ 50000", "not a money amount"},
	{"50000元元", "not a money amount"},
	{"5元万", "not a money amount"},
	{"人民币50000元", "not a money amount"},
	{"RMB50000", "not a money amount"},
	{"5千元", "not a money amount"},
	{"5百元", "not a money amount"},
	{"1亿", "not a money amount"},
	{"0x10", "not a money amount"},
	{"abc", "not a money amount"},
	{"50000\xFF", "not a money amount"},
	{"$5", "not a money amount"},
};

static void test_money_parse(void)
{
	for (size_t i = 0; i < sizeof(money_ok) / sizeof(money_ok[0]); i++) {
		xh_fen v = -1;
		const char *why = "(none)";
		int rc = xh_money_parse(money_ok[i].in, strlen(money_ok[i].in), &v, &why);
		CHECK(NAME("money_parse accepts \"%s\" (%s)", esc(money_ok[i].in), rc ? why : "ok"), rc == 0);
		CHECK(NAME("money_parse \"%s\" = %lld fen (got %lld)", esc(money_ok[i].in),
			   (long long)money_ok[i].fen, (long long)v),
		      rc == 0 && v == money_ok[i].fen);
	}
	for (size_t i = 0; i < sizeof(money_bad) / sizeof(money_bad[0]); i++) {
		xh_fen v = 12345;
		const char *why = NULL;
		int rc = xh_money_parse(money_bad[i].in, strlen(money_bad[i].in), &v, &why);
		CHECK(NAME("money_parse rejects \"%s\"", esc(money_bad[i].in)), rc == -1 && v == 12345);
		CHECK_STR(NAME("money_parse \"%s\" why", esc(money_bad[i].in)), why, money_bad[i].why);
	}
	/* Not NUL-terminated: the length is what counts. */
	xh_fen v = 0;
	const char *why = NULL;
	CHECK("money_parse reads only n bytes", xh_money_parse("500001", 5, &v, &why) == 0 && v == 5000000);
}

static const struct {
	const char *in;
	xh_fen fen;
} number_ok[] = {
	{"50000", 5000000},
	{"5.5", 550},
	{"1e5", 10000000},
	{"1E+5", 10000000},
	{"1.5e1", 1500},
	{"0.125", 13},   /* half away from zero */
	{"0.124999", 12},
	{"0.135", 14},
	{"0.005", 1},
	{"0.0049999", 0},
	{"0.00500000000000000001", 1},
	{"2.675", 268},  /* 2.675 is 267.49999… fen as a double, 268 exactly */
	{"1.005", 101},
	{"12345e-2", 12345},
	{"12345e-4", 123},
	{"12355e-5", 12},   /* 0.12355 元 = 12.355 fen */
	{"5e-3", 1},
	{"4e-3", 0},
	{"1e-999999999999", 0},
	{"0", 0},
	{"-0", 0},
	{"-0.0e5", 0},
	{"0e999999999999", 0},
	{"10000000000000", 1000000000000000LL},
	{"1e13", 1000000000000000LL},
	{"9999999999999.994", 999999999999999LL},
	{"9999999999999.995", 1000000000000000LL}, /* rounds up to the limit */
	{"  42 ", 4200},
};

static const struct {
	const char *in, *why;
} number_bad[] = {
	{"-5", "negative amount"},
	{"-0.001", "negative amount"},
	{"1e14", "amount too large"},
	{"10000000000000.01", "amount too large"},
	{"10000000000000.005", "amount too large"}, /* rounds up past the limit */
	{"1e999999999999", "amount too large"},
	{"", "empty"},
	{"01", "not a number"},
	{"+1", "not a number"},
	{".5", "not a number"},
	{"5.", "not a number"},
	{"1e", "not a number"},
	{"1e+", "not a number"},
	{"NaN", "not a number"},
	{"Infinity", "not a number"},
	{"0x10", "not a number"},
	{"50,000", "not a number"},
	{"5万", "not a number"},
	{"-", "not a number"},
};

static void test_money_number(void)
{
	for (size_t i = 0; i < sizeof(number_ok) / sizeof(number_ok[0]); i++) {
		xh_fen v = -1;
		const char *why = "(none)";
		int rc = xh_money_from_number(number_ok[i].in, strlen(number_ok[i].in), &v, &why);
		CHECK(NAME("money_from_number \"%s\" = %lld fen (got %lld, %s)", esc(number_ok[i].in),
			   (long long)number_ok[i].fen, (long long)v, rc ? why : "ok"),
		      rc == 0 && v == number_ok[i].fen);
	}
	for (size_t i = 0; i < sizeof(number_bad) / sizeof(number_bad[0]); i++) {
		xh_fen v = 12345;
		const char *why = NULL;
		int rc = xh_money_from_number(number_bad[i].in, strlen(number_bad[i].in), &v, &why);
		CHECK(NAME("money_from_number rejects \"%s\"", esc(number_bad[i].in)), rc == -1 && v == 12345);
		CHECK_STR(NAME("money_from_number \"%s\" why", esc(number_bad[i].in)), why, number_bad[i].why);
	}
}

static void test_money_double(void)
{
	static const struct {
		double in;
		xh_fen fen;
	} ok[] = {
		{50000.0, 5000000}, {1234.56, 123456}, {0.1, 10}, {0.29, 29}, {1.005, 100},
		{0.125, 13}, {0.004, 0}, {0.0, 0}, {-0.0, 0}, {1e13, 1000000000000000LL},
		{9999999999999.99, 999999999999999LL}, {19.99, 1999}, {4.35, 435},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		xh_fen v = -1;
		const char *why = "(none)";
		int rc = xh_money_from_double(ok[i].in, &v, &why);
		CHECK(NAME("money_from_double %.17g = %lld fen (got %lld)", ok[i].in,
			   (long long)ok[i].fen, (long long)v),
		      rc == 0 && v == ok[i].fen);
	}
	static const struct {
		double in;
		const char *why;
	} bad[] = {
		{-1.0, "negative amount"}, {-0.01, "negative amount"},
		{1e13 + 0.01, "amount too large"}, {1e300, "amount too large"},
		{HUGE_VAL, "not a finite number"}, {-HUGE_VAL, "not a finite number"},
		{NAN, "not a finite number"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		xh_fen v = 12345;
		const char *why = NULL;
		int rc = xh_money_from_double(bad[i].in, &v, &why);
		CHECK(NAME("money_from_double rejects %g", bad[i].in), rc == -1 && v == 12345);
		CHECK_STR(NAME("money_from_double %g why", bad[i].in), why, bad[i].why);
	}
}

typedef void (*fmt_fn)(xh_buf *, xh_fen);

static void check_fmt(const char *fname, fmt_fn f, xh_fen v, const char *want)
{
	xh_buf b = XH_BUF_INIT;
	xh_buf_adds(&b, "<"); /* the formatter appends, never resets */
	f(&b, v);
	xh_buf out = XH_BUF_INIT;
	xh_buf_printf(&out, "<%s", want);
	CHECK_STR(NAME("%s(%lld)", fname, (long long)v), xh_buf_cstr(&b), xh_buf_cstr(&out));
	xh_buf_free(&b);
	xh_buf_free(&out);
}

static void test_money_format(void)
{
	static const struct {
		xh_fen v;
		const char *yuan, *wan;
	} t[] = {
		{5000000, "50,000.00", "5"},
		{5500000, "55,000.00", "5.5"},
		{5, "0.05", "0.000005"},
		{123, "1.23", "0.000123"},
		{20050, "200.50", "0.02005"},
		{123456789, "1,234,567.89", "123.456789"},
		{0, "0.00", "0"},
		{100, "1.00", "0.0001"},
		{99999, "999.99", "0.099999"},
		{100000, "1,000.00", "0.1"},
		{1000000, "10,000.00", "1"},
		{10000000, "100,000.00", "10"},
		{1000000000000000LL, "10,000,000,000,000.00", "1000000000"},
		{-5000000, "-50,000.00", "-5"},
		{-5, "-0.05", "-0.000005"},
		{INT64_MIN, "-92,233,720,368,547,758.08", "-9223372036854.775808"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		check_fmt("money_yuan", xh_money_yuan, t[i].v, t[i].yuan);
		check_fmt("money_wan", xh_money_wan, t[i].v, t[i].wan);
	}
}

static void test_money_cny(void)
{
	static const struct {
		xh_fen v;
		const char *want;
	} t[] = {
		/* The brief's and DOMAIN.md §4.1's table. */
		{5000000, "伍万元整"},
		{2050050, "贰万零伍佰元伍角"},
		{1000500, "壹万零伍元整"},
		{10000000, "壹拾万元整"},
		{140950, "壹仟肆佰零玖元伍角"},
		{600714, "陆仟零柒元壹角肆分"},
		{32504, "叁佰贰拾伍元零肆分"},
		{10000000500LL, "壹亿零伍元整"},
		{168032, "壹仟陆佰捌拾元叁角贰分"},
		{123456789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"},
		{1640902, "壹万陆仟肆佰零玖元零贰分"},  /* §4.1(d) */
		{10700053, "壹拾万零柒仟元伍角叁分"},    /* §4.1(b), step 3 keeps 零 */
		/* Zeros inside, 角分. */
		{100000005, "壹佰万元零伍分"},
		{50, "伍角"},
		{5, "伍分"},
		{55, "伍角伍分"},
		{105, "壹元零伍分"},
		{150, "壹元伍角"},
		{155, "壹元伍角伍分"},
		{1000, "壹拾元整"},
		{1500, "壹拾伍元整"},
		{100, "壹元整"},
		{0, "零元整"},
		{1010, "壹拾元壹角"},
		{10100, "壹佰零壹元整"},
		{10010, "壹佰元壹角"},         /* §4.1(c): no 零 before 角 */
		{1001000, "壹万零壹拾元整"},
		{10001000, "壹拾万零壹拾元整"},
		{11000000, "壹拾壹万元整"},
		{1000000000, "壹仟万元整"},
		{1010000000, "壹仟零壹拾万元整"},
		{2000000, "贰万元整"},
		{110000, "壹仟壹佰元整"},
		/* 亿 and beyond. */
		{10000000000LL, "壹亿元整"},
		{10000000100LL, "壹亿零壹元整"},
		{10000000001LL, "壹亿元零壹分"},
		{10100000000LL, "壹亿零壹佰万元整"},
		{10010000000LL, "壹亿零壹拾万元整"},
		{10000100000LL, "壹亿零壹仟元整"},
		{100000000000LL, "壹拾亿元整"},
		{123456789012LL, "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分"},
		{100000000000000LL, "壹万亿元整"},
		{100010000000000LL, "壹万零壹亿元整"},
		{100000001000000LL, "壹万亿零壹万元整"},
		{1000000000000000LL, "壹拾万亿元整"},
		{999999999999999LL, "玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"},
		{-5000000, "负伍万元整"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		check_fmt("money_cny", xh_money_cny, t[i].v, t[i].want);
}

/* Every amount written in 大写 must use only the characters of §4.1 and
 * read back to the amount: a small 大写 reader cross-checks the writer on
 * a sweep of amounts (a different algorithm, so a shared mistake is
 * unlikely). */
static long long read_cny(const char *s)
{
	static const char *const dig[] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
	long long total = 0, yi = 0, wan = 0, sec = 0, d = 0;
	while (*s) {
		int found = 0;
		for (int k = 0; k < 10; k++)
			if (strncmp(s, dig[k], 3) == 0)
				d = k, found = 1;
		if (!found) {
			if (strncmp(s, "拾", 3) == 0)
				sec += d * 10, d = 0;
			else if (strncmp(s, "佰", 3) == 0)
				sec += d * 100, d = 0;
			else if (strncmp(s, "仟", 3) == 0)
				sec += d * 1000, d = 0;
			else if (strncmp(s, "万", 3) == 0)
				wan = (sec + d) * 10000, sec = d = 0;
			else if (strncmp(s, "亿", 3) == 0)
				yi = (wan + sec + d) * 100000000, wan = sec = d = 0;
			else if (strncmp(s, "元", 3) == 0)
				total = (yi + wan + sec + d) * 100, yi = wan = sec = d = 0;
			else if (strncmp(s, "角", 3) == 0)
				total += d * 10, d = 0;
			else if (strncmp(s, "分", 3) == 0)
				total += d, d = 0;
			else if (strncmp(s, "整", 3) != 0)
				return -1;
		}
		s += 3;
	}
	return total;
}

static void test_cny_roundtrip(void)
{
	int bad = 0, checked = 0;
	xh_fen firstbad = 0;
	for (xh_fen v = 1; v < 10000000000000LL; v = v * 3 + (v % 7)) {
		for (xh_fen w = v; w < v + 300; w += 7) {
			xh_buf b = XH_BUF_INIT;
			xh_money_cny(&b, w);
			const char *s = xh_buf_cstr(&b);
			int ok = read_cny(s) == w && !strstr(s, "零零") && !strstr(s, "零元") &&
				 !strstr(s, "零万") && !strstr(s, "零亿") && !strstr(s, "零整") &&
				 !strstr(s, "分整") && strncmp(s, "零", 3) != 0;
			if (!ok && !bad++)
				firstbad = w;
			checked++;
			xh_buf_free(&b);
		}
	}
	CHECK(NAME("money_cny reads back on %d amounts (first bad %lld)", checked, (long long)firstbad),
	      bad == 0);
}

/* ---- dates ---- */

static const struct {
	const char *in;
	int y, m, d;
} date_ok[] = {
	{"2025-03-01", 2025, 3, 1},
	{"2025/3/1", 2025, 3, 1},
	{"2025.3.1", 2025, 3, 1},
	{"2025年3月1日", 2025, 3, 1},
	{"2025年03月01日", 2025, 3, 1},
	{"２０２５－０３－０１", 2025, 3, 1},
	{"２０２５年１１月３０日", 2025, 11, 30},
	{"2025．3．1", 2025, 3, 1},
	{"２０２５／３／１", 2025, 3, 1},
	{" 2025-11-30 ", 2025, 11, 30},
	{"2024-02-29", 2024, 2, 29},
	{"2000-02-29", 2000, 2, 29},
	{"1900-01-01", 1900, 1, 1},
	{"2999-12-31", 2999, 12, 31},
	{"2025-12-31", 2025, 12, 31},
};

static const struct {
	const char *in, *why;
} date_bad[] = {
	{"2025-02-30", "no such day"},
	{"2025-02-29", "no such day"},
	{"1900-02-29", "no such day"},
	{"2100-02-29", "no such day"},
	{"2025-04-31", "no such day"},
	{"2025-13-01", "no such day"},
	{"2025-00-10", "no such day"},
	{"2025-01-00", "no such day"},
	{"2025年2月30日", "no such day"},
	{"20250301", "a bare number is not a date"},
	{"45717", "a bare number is not a date"},
	{"45717.5", "a bare number is not a date"},
	{"2025", "a bare number is not a date"},
	{"1899-12-31", "year outside 1900–2999"},
	{"3000-01-01", "year outside 1900–2999"},
	{"0999-01-01", "year outside 1900–2999"},
	{"25-3-1", "two-digit year"},
	{"25/3/1", "two-digit year"},
	{"", "empty"},
	{"2025-3/1", "not a date"},
	{"2025-03-001", "not a date"},
	{"2025-003-01", "not a date"},
	{"2025-3-", "not a date"},
	{"2025年3月1", "not a date"},
	{"2025年3-1日", "not a date"},
	{"2025-3-1日", "not a date"},
	{"2025/3/1 0:00", "not a date"},
	{"02025-3-1", "not a date"},
	{"3/1/2025", "not a date"},
	{"二〇二五年三月一日", "Chinese numerals (write the date in figures)"},
	{"March 1, 2025", "not a date"},
	{"2025-03-01x", "not a date"},
};

static void test_date_parse(void)
{
	for (size_t i = 0; i < sizeof(date_ok) / sizeof(date_ok[0]); i++) {
		xh_date d = {0, 0, 0};
		const char *why = "(none)";
		int rc = xh_date_parse(date_ok[i].in, strlen(date_ok[i].in), &d, &why);
		CHECK(NAME("date_parse \"%s\" = %d-%d-%d (got %d-%d-%d, %s)", esc(date_ok[i].in), date_ok[i].y,
			   date_ok[i].m, date_ok[i].d, d.y, d.m, d.d, rc ? why : "ok"),
		      rc == 0 && d.y == date_ok[i].y && d.m == date_ok[i].m && d.d == date_ok[i].d);
	}
	for (size_t i = 0; i < sizeof(date_bad) / sizeof(date_bad[0]); i++) {
		xh_date d = {7, 7, 7};
		const char *why = NULL;
		int rc = xh_date_parse(date_bad[i].in, strlen(date_bad[i].in), &d, &why);
		CHECK(NAME("date_parse rejects \"%s\"", esc(date_bad[i].in)), rc == -1 && d.y == 7);
		CHECK_STR(NAME("date_parse \"%s\" why", esc(date_bad[i].in)), why, date_bad[i].why);
	}
	xh_date v1 = {2025, 2, 28}, v2 = {2025, 2, 29}, v3 = {1899, 12, 31}, v4 = {2024, 2, 29};
	CHECK("date_valid 2025-02-28", xh_date_valid(v1));
	CHECK("date_valid rejects 2025-02-29", !xh_date_valid(v2));
	CHECK("date_valid rejects 1899-12-31", !xh_date_valid(v3));
	CHECK("date_valid 2024-02-29", xh_date_valid(v4));
}

static void test_date_serial(void)
{
	static const struct {
		double serial;
		int date1904, y, m, d;
	} ok[] = {
		{1, 0, 1900, 1, 1},     {59, 0, 1900, 2, 28},  {61, 0, 1900, 3, 1},
		{45000, 0, 2023, 3, 15}, {45717, 0, 2025, 3, 1}, {45717.75, 0, 2025, 3, 1},
		{25569, 0, 1970, 1, 1}, {2, 0, 1900, 1, 2},     {60.9, 1, 1904, 3, 1},
		{0, 1, 1904, 1, 1},     {1, 1, 1904, 1, 2},     {43538, 1, 2023, 3, 15},
		{44255, 1, 2025, 3, 1}, {401768, 0, 2999, 12, 31},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		xh_date d = {0, 0, 0};
		const char *why = "(none)";
		int rc = xh_date_from_serial(ok[i].serial, ok[i].date1904, &d, &why);
		CHECK(NAME("date_from_serial %g%s = %d-%d-%d (got %d-%d-%d, %s)", ok[i].serial,
			   ok[i].date1904 ? " (1904)" : "", ok[i].y, ok[i].m, ok[i].d, d.y, d.m, d.d,
			   rc ? why : "ok"),
		      rc == 0 && d.y == ok[i].y && d.m == ok[i].m && d.d == ok[i].d);
	}
	static const struct {
		double serial;
		int date1904;
		const char *why;
	} bad[] = {
		{60, 0, "no such day (Excel's 1900-02-29)"},
		{60.5, 0, "no such day (Excel's 1900-02-29)"},
		{0, 0, "date serial out of range"},
		{0.5, 0, "date serial out of range"},
		{-1, 0, "date serial out of range"},
		{-1, 1, "date serial out of range"},
		{401769, 0, "year outside 1900–2999"},
		{1e300, 0, "date serial out of range"},
		{NAN, 0, "date serial out of range"},
		{HUGE_VAL, 1, "date serial out of range"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		xh_date d = {7, 7, 7};
		const char *why = NULL;
		int rc = xh_date_from_serial(bad[i].serial, bad[i].date1904, &d, &why);
		CHECK(NAME("date_from_serial rejects %g%s", bad[i].serial, bad[i].date1904 ? " (1904)" : ""),
		      rc == -1 && d.y == 7);
		CHECK_STR(NAME("date_from_serial %g why", bad[i].serial), why, bad[i].why);
	}
}

static void test_date_days(void)
{
	static const struct {
		int y, m, d;
		long days;
		int wd;
	} t[] = {
		{1970, 1, 1, 0, 3},        /* Thursday */
		{1969, 12, 31, -1, 2},
		{2000, 1, 1, 10957, 5},    /* Saturday */
		{2000, 3, 1, 11017, 2},
		{1900, 1, 1, -25567, 0},   /* Monday */
		{2025, 11, 30, 20422, 6},  /* Sunday (DOMAIN.md A-01) */
		{2025, 3, 1, 20148, 5},    /* Saturday */
		{2024, 2, 29, 19782, 3},
		{2026, 5, 11, 20584, 0},   /* Monday */
		{1600, 3, 1, -135080, 2},
		{2999, 12, 31, 376199, 1},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		xh_date d = {t[i].y, t[i].m, t[i].d};
		CHECK(NAME("date_days %d-%d-%d = %ld (got %ld)", t[i].y, t[i].m, t[i].d, t[i].days,
			   xh_date_days(d)),
		      xh_date_days(d) == t[i].days);
		xh_date r = xh_date_from_days(t[i].days);
		CHECK(NAME("date_from_days %ld", t[i].days), r.y == t[i].y && r.m == t[i].m && r.d == t[i].d);
		CHECK(NAME("date_weekday %d-%d-%d = %d (got %d)", t[i].y, t[i].m, t[i].d, t[i].wd,
			   xh_date_weekday(d)),
		      xh_date_weekday(d) == t[i].wd);
	}
	/* Every day from 1899 to 3001 goes there and back, one day apart. */
	int bad = 0;
	long first = xh_date_days((xh_date){1899, 1, 1}), last = xh_date_days((xh_date){3001, 1, 1});
	xh_date prev = xh_date_from_days(first - 1);
	for (long z = first; z <= last; z++) {
		xh_date r = xh_date_from_days(z);
		int next = (r.y == prev.y && r.m == prev.m && r.d == prev.d + 1) ||
			   (r.y == prev.y && r.m == prev.m + 1 && r.d == 1) ||
			   (r.y == prev.y + 1 && r.m == 1 && r.d == 1 && prev.m == 12 && prev.d == 31);
		if (xh_date_days(r) != z || !next || xh_date_weekday(r) != (int)(((z + 3) % 7 + 7) % 7))
			bad++;
		prev = r;
	}
	CHECK("date_days and date_from_days agree day by day, 1899–3000", bad == 0);
}

static void test_date_format(void)
{
	static const struct {
		int y, m, d;
		const char *iso, *cn, *upper;
	} t[] = {
		{2025, 11, 30, "2025-11-30", "2025年11月30日", "二〇二五年十一月三十日"},
		{2025, 1, 5, "2025-01-05", "2025年1月5日", "二〇二五年一月五日"},
		{2012, 5, 18, "2012-05-18", "2012年5月18日", "二〇一二年五月十八日"},
		{2000, 10, 10, "2000-10-10", "2000年10月10日", "二〇〇〇年十月十日"},
		{2026, 12, 31, "2026-12-31", "2026年12月31日", "二〇二六年十二月三十一日"},
		{1999, 2, 20, "1999-02-20", "1999年2月20日", "一九九九年二月二十日"},
		{2024, 3, 21, "2024-03-21", "2024年3月21日", "二〇二四年三月二十一日"},
		{2024, 4, 11, "2024-04-11", "2024年4月11日", "二〇二四年四月十一日"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		xh_date d = {t[i].y, t[i].m, t[i].d};
		xh_buf b = XH_BUF_INIT;
		xh_date_iso(&b, d);
		CHECK_STR(NAME("date_iso %s", t[i].iso), xh_buf_cstr(&b), t[i].iso);
		b.len = 0;
		xh_date_cn(&b, d);
		CHECK_STR(NAME("date_cn %s", t[i].iso), xh_buf_cstr(&b), t[i].cn);
		b.len = 0;
		xh_date_cn_upper(&b, d);
		CHECK_STR(NAME("date_cn_upper %s", t[i].iso), xh_buf_cstr(&b), t[i].upper);
		xh_buf_free(&b);
	}
	/* Every day of the month in 大写, against a hand-written list. */
	static const char *const days[] = {
		"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
		"十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十",
		"二十一", "二十二", "二十三", "二十四", "二十五", "二十六", "二十七", "二十八", "二十九", "三十",
		"三十一",
	};
	for (int k = 1; k <= 31; k++) {
		xh_buf b = XH_BUF_INIT, w = XH_BUF_INIT;
		xh_date_cn_upper(&b, (xh_date){2025, 1, k});
		xh_buf_printf(&w, "二〇二五年一月%s日", days[k - 1]);
		CHECK_STR(NAME("date_cn_upper day %d", k), xh_buf_cstr(&b), xh_buf_cstr(&w));
		xh_buf_free(&b);
		xh_buf_free(&w);
	}
}

/* ---- int, bool, trim ---- */

static void test_int_bool(void)
{
	static const struct {
		const char *in;
		int64_t v;
	} iok[] = {
		{"12", 12}, {"０", 0}, {"１２", 12}, {"-5", -5}, {"－５", -5}, {"007", 7}, {" 42 ", 42},
		{"9223372036854775807", INT64_MAX}, {"-9223372036854775808", INT64_MIN}, {"-0", 0},
	};
	for (size_t i = 0; i < sizeof(iok) / sizeof(iok[0]); i++) {
		int64_t v = -1;
		const char *why = "(none)";
		int rc = xh_int_parse(iok[i].in, strlen(iok[i].in), &v, &why);
		CHECK(NAME("int_parse \"%s\" = %lld (got %lld)", esc(iok[i].in), (long long)iok[i].v, (long long)v),
		      rc == 0 && v == iok[i].v);
	}
	static const struct {
		const char *in, *why;
	} ibad[] = {
		{"12.5", "not a whole number"}, {"12.0", "not a whole number"},
		{"十二", "Chinese numerals (write the number in figures)"},
		{"+12", "not a number"}, {"--1", "not a number"}, {"1-", "not a number"},
		{"", "empty"}, {"-", "not a number"}, {"1,000", "not a number"}, {"1e3", "not a number"},
		{"12个", "not a number"},
		{"9223372036854775808", "number too large"},
		{"-9223372036854775809", "number too large"},
		{"99999999999999999999999", "number too large"},
	};
	for (size_t i = 0; i < sizeof(ibad) / sizeof(ibad[0]); i++) {
		int64_t v = 777;
		const char *why = NULL;
		int rc = xh_int_parse(ibad[i].in, strlen(ibad[i].in), &v, &why);
		CHECK(NAME("int_parse rejects \"%s\"", esc(ibad[i].in)), rc == -1 && v == 777);
		CHECK_STR(NAME("int_parse \"%s\" why", esc(ibad[i].in)), why, ibad[i].why);
	}

	static const struct {
		const char *in;
		int v;
	} bok[] = {
		{"是", 1}, {"否", 0}, {"Y", 1}, {"N", 0}, {"y", 1}, {"n", 0}, {"true", 1},
		{"FALSE", 0}, {"True", 1}, {"fAlSe", 0}, {"1", 1}, {"0", 0}, {"√", 1}, {"×", 0},
		{"Ｙ", 1}, {"１", 1}, {" 是 ", 1}, {"\xE3\x80\x80否", 0},
	};
	for (size_t i = 0; i < sizeof(bok) / sizeof(bok[0]); i++) {
		int v = -1;
		const char *why = "(none)";
		int rc = xh_bool_parse(bok[i].in, strlen(bok[i].in), &v, &why);
		CHECK(NAME("bool_parse \"%s\" = %d (got %d)", esc(bok[i].in), bok[i].v, v), rc == 0 && v == bok[i].v);
	}
	static const char *const bbad[] = {"yes", "no", "2", "x", "是的", "对", "", "t", "f", "truex",
					   "falsefalse", "✓", "01", "-1", "\xFF"};
	for (size_t i = 0; i < sizeof(bbad) / sizeof(bbad[0]); i++) {
		int v = 7;
		const char *why = NULL;
		int rc = xh_bool_parse(bbad[i], strlen(bbad[i]), &v, &why);
		CHECK(NAME("bool_parse rejects \"%s\"", esc(bbad[i])), rc == -1 && v == 7 && why != NULL);
	}

	static const struct {
		const char *in, *out;
	} tr[] = {
		{"  a b  ", "a b"}, {"\xE3\x80\x80" "学会\xE3\x80\x80 ", "学会"}, {"\t\r\n", ""},
		{"x", "x"}, {"", ""}, {"\xE3\x80\x80\xE3\x80\x80", ""}, {"\xC2\xA0x", "\xC2\xA0x"},
	};
	for (size_t i = 0; i < sizeof(tr) / sizeof(tr[0]); i++) {
		const char *s = tr[i].in;
		size_t n = strlen(s);
		xh_trim(&s, &n);
		char *got = xstrndup(s, n);
		CHECK_STR(NAME("trim \"%s\"", esc(tr[i].in)), got, tr[i].out);
		free(got);
	}
}

/* ---- credit code, mask ---- */

static void test_credit_code(void)
{
	static const char *const ok[] = {
		"91350100M000100Y43",
		/* input/societies.xml */
		"51371000MJD0102362", "51371000506123470Q", "51371000MJD011888N", "51371002MJD013568Y",
		"51371000MJD015272X", "51371082MJD0064481", "51371082MJD007125U", "51371000506129362K",
		"51371003MJD00395XC", "51371000MJD016312L", "51371000MJD0170910", "51371002MJD0147557",
		"51371083MJD0026317", "51371003MJD0048139", "51371082MJD008574U", "51371083MJD003183D",
		" 91350100M000100Y43 ",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		const char *why = "(none)";
		int rc = xh_credit_code_check(ok[i], strlen(ok[i]), &why);
		CHECK(NAME("credit_code \"%s\" valid (%s)", esc(ok[i]), rc ? why : "ok"), rc == 0);
	}
	static const struct {
		const char *in, *why;
	} bad[] = {
		{"91350100M000100Y44", "wrong check character"},
		{"91350100M000100Y4A", "wrong check character"},
		{"51371000MJD0102363", "wrong check character"},
		{"51371000MJD0102360", "wrong check character"},
		{"51371000MJD0103262", "wrong check character"},    /* two digits swapped */
		{"91350100m000100Y43", "lower-case letter (the code is upper case)"},
		{"51371000mjd0102362", "lower-case letter (the code is upper case)"},
		{"91350100M000100Y4", "not 18 characters"},
		{"91350100M000100Y430", "not 18 characters"},
		{"", "empty"},
		{"９1350100M000100Y43", "full-width or non-ASCII character"},
		{"91350100I000100Y43", "invalid character (no I, O, S, V or Z)"},
		{"91350100O000100Y43", "invalid character (no I, O, S, V or Z)"},
		{"91350100S000100Y43", "invalid character (no I, O, S, V or Z)"},
		{"91350100V000100Y43", "invalid character (no I, O, S, V or Z)"},
		{"91350100Z000100Y43", "invalid character (no I, O, S, V or Z)"},
		{"91350100-000100Y43", "invalid character (no I, O, S, V or Z)"},
		{"9135010 M000100Y43", "invalid character (no I, O, S, V or Z)"},
		{"91350100M000100YZ3", "invalid character (no I, O, S, V or Z)"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;
		int rc = xh_credit_code_check(bad[i].in, strlen(bad[i].in), &why);
		CHECK(NAME("credit_code rejects \"%s\"", esc(bad[i].in)), rc == -1);
		CHECK_STR(NAME("credit_code \"%s\" why", esc(bad[i].in)), why, bad[i].why);
	}
	/* The check character is the only one that fits: every other one of
	 * the 31 is refused for every valid code above. */
	static const char set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	int accepted = 0;
	for (size_t i = 0; i + 1 < sizeof(ok) / sizeof(ok[0]); i++)
		for (int k = 0; k < 31; k++) {
			char c[19];
			memcpy(c, ok[i], 18);
			c[18] = 0;
			c[17] = set[k];
			const char *why = NULL;
			if (xh_credit_code_check(c, 18, &why) == 0)
				accepted++;
		}
	CHECK(NAME("credit_code: one check character per code (%d accepted)", accepted),
	      accepted == (int)(sizeof(ok) / sizeof(ok[0])) - 1);
}

static void test_mask(void)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{"13812345678", "138****5678"},
		{"370102199001011234", "370***********1234"},
		{"0631-5817079", "063*****7079"},
		{"6228480012345678901", "622************8901"},
		{"1234567890", "123****890"},
		{"123456", "12**56"},
		{"12345", "1***5"},
		{"123", "1*3"},
		{"12", "**"},
		{"1", "*"},
		{"", ""},
		{"张三丰", "张*丰"},
		{"威海市科学技术协会", "威海市***术协会"},
		{" 13812345678 ", "138****5678"},
		{"１３８１２３４５６７８", "１３８****５６７８"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		xh_buf b = XH_BUF_INIT;
		xh_mask(&b, t[i].in, strlen(t[i].in));
		CHECK_STR(NAME("mask \"%s\"", esc(t[i].in)), xh_buf_cstr(&b), t[i].out);
		xh_buf_free(&b);
	}
}

/* ---- date arithmetic and ranges (the notice's publicity period) ---- */

static void test_date_range(void)
{
	static const struct {
		xh_date d;
		long n;
		xh_date want;
	} add[] = {
		{{2025, 4, 27}, 9, {2025, 5, 6}},
		{{2025, 12, 26}, 9, {2026, 1, 4}},
		{{2024, 2, 28}, 1, {2024, 2, 29}},
		{{2025, 2, 28}, 1, {2025, 3, 1}},
		{{2026, 1, 1}, -1, {2025, 12, 31}},
		{{2025, 5, 6}, 0, {2025, 5, 6}},
	};
	for (size_t i = 0; i < sizeof(add) / sizeof(add[0]); i++) {
		xh_date r = xh_date_add_days(add[i].d, add[i].n);
		CHECK(NAME("date_add_days %d-%d-%d %+ld = %d-%d-%d (got %d-%d-%d)", add[i].d.y, add[i].d.m,
			   add[i].d.d, add[i].n, add[i].want.y, add[i].want.m, add[i].want.d, r.y, r.m, r.d),
		      r.y == add[i].want.y && r.m == add[i].want.m && r.d == add[i].want.d);
	}
	static const struct {
		xh_date a, b;
		const char *want;
	} rng[] = {
		{{2025, 4, 27}, {2025, 5, 6}, "2025年4月27日至5月6日"},
		{{2025, 9, 26}, {2025, 10, 9}, "2025年9月26日至10月9日"},
		{{2025, 12, 26}, {2026, 1, 4}, "2025年12月26日至2026年1月4日"},
		{{2026, 5, 11}, {2026, 5, 11}, "2026年5月11日至5月11日"},
	};
	for (size_t i = 0; i < sizeof(rng) / sizeof(rng[0]); i++) {
		xh_buf b = XH_BUF_INIT;
		xh_date_cn_range(&b, rng[i].a, rng[i].b);
		CHECK_STR(NAME("date_cn_range %s", rng[i].want), xh_buf_cstr(&b), rng[i].want);
		xh_buf_free(&b);
	}
}

int main(void)
{
	test_money_parse();
	test_money_number();
	test_money_double();
	test_money_format();
	test_money_cny();
	test_cny_roundtrip();
	test_date_parse();
	test_date_serial();
	test_date_days();
	test_date_format();
	test_int_bool();
	test_credit_code();
	test_mask();
	test_date_range();
	return h_done();
}
