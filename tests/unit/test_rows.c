/*
 * test_rows.c — the record readers (rows.h) over the fixtures in
 * tests/fixtures/rows/ (made by make.py there, records.xlsx by LibreOffice
 * Calc from records.fods) and over files written to a temporary folder:
 * bad files, chunk edges, and a 200,000-row file read in constant memory.
 *
 * Each file is dumped to one string — encoding, header, then per row
 * "ROW/LINE: KIND:text|…" and the messages — and compared whole, so a
 * failure shows every difference at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "rows.h"

#define FIX "tests/fixtures/rows/"

static char tmpdir[64];

static void add_text(xh_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			xh_buf_adds(b, "\\n");
		else if (s[i] == '\r')
			xh_buf_adds(b, "\\r");
		else
			xh_buf_addc(b, s[i]);
	}
}

/* The whole file as text. */
static char *dump(const char *path)
{
	xh_diag d = {0};
	xh_buf b = XH_BUF_INIT;
	xh_rows *r = xh_rows_open(path, &d);
	if (r) {
		xh_buf_printf(&b, "%s\nH:", xh_rows_encoding(r));
		for (size_t i = 0; i < xh_rows_ncols(r); i++)
			xh_buf_printf(&b, "%s%s", i ? "|" : " ", xh_rows_header(r, i));
		xh_buf_addc(&b, '\n');
		xh_row row;
		int rc;
		while ((rc = xh_rows_next(r, &row)) > 0) {
			xh_buf_printf(&b, "%lu/%lu:", row.row, row.line);
			for (size_t i = 0; i < xh_rows_ncols(r); i++) {
				const xh_cell *c = &row.cell[i];
				static const char kinds[] = "ETNBD";
				xh_buf_printf(&b, "%s%c:", i ? "|" : " ", kinds[c->kind]);
				add_text(&b, c->s, c->n);
				if (c->s[c->n] != '\0')
					xh_buf_adds(&b, "<not NUL-terminated>");
				if (c->kind >= XH_CELL_NUMBER)
					xh_buf_printf(&b, "(%.17g)", c->num);
			}
			xh_buf_addc(&b, '\n');
		}
		if (rc < 0)
			xh_buf_adds(&b, "-1\n");
		/* the end stays the end */
		if (xh_rows_next(r, &row) != rc)
			xh_buf_adds(&b, "next() changed after the end\n");
		xh_rows_close(r);
	} else {
		xh_buf_adds(&b, "NULL\n");
	}
	for (size_t i = 0; i < d.n; i++)
		xh_buf_printf(&b, "! %s\n", d.msg[i]);
	xh_diag_free(&d);
	return xh_buf_detach(&b);
}

static void check_dump(const char *name, const char *path, const char *want)
{
	char *got = dump(path);
	CHECK_STR(name, got, want);
	free(got);
}

static char *tmpfile_with(const char *name, const char *bytes, size_t n)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	fwrite(bytes, 1, n, f);
	fclose(f);
	return path;
}

/* Writes bytes to a temporary NAME and checks its dump; want may use %1$s
 * for the path. */
static void check_tmp(const char *name, const char *bytes, size_t n, const char *want)
{
	char *path = tmpfile_with(name, bytes, n);
	xh_buf w = XH_BUF_INIT;
	for (const char *s = want; *s; s++) {
		if (s[0] == '@') {
			xh_buf_adds(&w, path);
		} else {
			xh_buf_addc(&w, *s);
		}
	}
	check_dump(name, path, xh_buf_cstr(&w));
	xh_buf_free(&w);
	unlink(path);
	free(path);
}
#define CHECK_TMP(name, lit, want) check_tmp(name, lit, sizeof(lit) - 1, want)

static void test_fixtures(void)
{
	check_dump("csv utf-8 bom crlf", FIX "utf8_bom_crlf.csv",
	           "UTF-8 with BOM\n"
	           "H: id|名称|金额\n"
	           "2/2: T:S01|T:威海市物理学会|T:50000\n"
	           "3/3: T:S02|T:全角　空格|T:5.5\n"
	           "6/6: T:S03|T:引号,逗号|E:\n"
	           "7/7: T:S04|E:|E:\n");
	check_dump("csv utf-8 multi-line", FIX "utf8_multiline.csv",
	           "UTF-8\n"
	           "H: id|summary|quote\n"
	           "2/2: T:A1|T:第一行\\n第二行, 含逗号|T:他说\"好\"\n"
	           "3/4: T:A2|T:plain|T:x\n"
	           "4/5: T:A3|T:a\\r\\nb\\nc|T:end\n");
	check_dump("csv gb18030", FIX "gb18030.csv",
	           "GB18030\n"
	           "H: 编号|名称|备注\n"
	           "2/2: T:G1|T:威海市科学技术协会|T:GBK 字\n"
	           "3/3: T:G2|T:\xF0\xA0\x80\x80\xE3\x90\x80|T:四字节\n");
	check_dump("csv bad in both", FIX "bad_encoding.csv",
	           "NULL\n! " FIX "bad_encoding.csv:3: not UTF-8 or GB18030 text "
	           "(first bad byte 0xFF at line 3)\n");
	check_dump("csv utf-16", FIX "utf16.csv",
	           "NULL\n! " FIX "utf16.csv: UTF-16 (little-endian) text, not UTF-8 or "
	           "GB18030; save it as CSV UTF-8\n");
	check_dump("xml records", FIX "records.xml",
	           "XML\n"
	           "H: id|name|members\n"
	           "2/2: T:S01|T:威海市物理学会|E:\n"
	           "3/3: T:S02|T:化学会|T:35\n"
	           "5/5: T:S03|T:A&B <学会>|E:\n");
	check_dump("xlsx from calc", FIX "records.xlsx",
	           "XLSX\n"
	           "H: id|名称|人数|金额|是否|日期|备注\n"
	           "2/2: T:S01|T:威海市物理学会|N:120(120)|N:50000(50000)|B:TRUE(1)"
	           "|D:2025-03-01(45717)|T:备注一\n"
	           "4/4: T:S02|T:全角　空格|E:|N:5.5(5.5)|B:FALSE(0)"
	           "|D:2024-02-29(45351)|T:第一段\\n第二段\n"
	           "5/5: T:S03|T:学会|N:7(7)|N:0.1(0.10000000000000001)"
	           "|B:TRUE(1)|D:1999-12-31(36525)|E:\n");
}

static void test_xlsx_handmade(void)
{
	check_dump("xlsx hand-made (1904, inline, rich text, formats)", FIX "handmade.xlsx",
	           "XLSX\n"
	           "H: id|name|kind|date|num\n"
	           "2/2: T:威海 学会|T:内联|B:TRUE(1)|D:2025-03-01(44255)|N:0.1(0.10000000000000001)\n"
	           "6/6: N:2(2)|T:公式|B:FALSE(0)|N:5.5(5.5)|N:-50000(-50000)\n"
	           "8/8: D:1904-01-02(1)|D:1904-01-01(0)|D:2029-03-02(45717.75)"
	           "|D:1904-01-01(0.5)|N:1.2345678901234568e+17(1.2345678901234568e+17)\n");
	check_dump("xlsx error value", FIX "error.xlsx",
	           "XLSX\nH: id|date\n"
	           "2/2: N:1(1)|D:1900-02-29(60)\n"
	           "-1\n"
	           "! " FIX "error.xlsx:3: cell B3 holds the error value #REF!; correct the "
	           "formula or type the value\n");
	check_dump("xlsx value past the header", FIX "beyond.xlsx",
	           "XLSX\nH: id|date\n"
	           "2/2: N:59(59)|D:1900-03-01(61)\n"
	           "-1\n"
	           "! " FIX "beyond.xlsx:4: cell F4 has a value but column F has no header "
	           "(the header ends at column B)\n");
	char *got = dump(FIX "bomb.xlsx");
	CHECK("xlsx compression bomb", !strncmp(got, "NULL\n! " FIX "bomb.xlsx: "
	      "xl/worksheets/sheet2.xml: too large or too highly compressed to read safely "
	      "(4194", 100));
	free(got);
	check_dump("xlsx malformed sheet", FIX "malformed.xlsx",
	           "NULL\n! " FIX "malformed.xlsx: xl/worksheets/sheet2.xml:4: "
	           "malformed XML: Opening and ending tag mismatch: c line 4 and row\n");
	check_dump("xlsx dtd", FIX "dtd.xlsx",
	           "NULL\n! " FIX "dtd.xlsx: xl/worksheets/sheet2.xml: has a document type "
	           "declaration (DTD); xhgen does not read DTDs or entities\n");
}

static void test_csv_edges(void)
{
	CHECK_TMP("more.csv", "id,name\nA,b\nB,c,,\nC,d,e\nD,e\n",
	          "UTF-8\nH: id|name\n2/2: T:A|T:b\n3/3: T:B|T:c\n-1\n"
	          "! @:4: 3 cells but the header has 2\n");
	CHECK_TMP("hole.csv", "id,,name,\nA,b,c\n",
	          "NULL\n! @:1: column B (2) has an empty header; every column up to the "
	          "last one needs a name\n");
	CHECK_TMP("open.csv", "id,name\nA,b\nB,\"unclosed\nmore\n",
	          "UTF-8\nH: id|name\n2/2: T:A|T:b\n-1\n"
	          "! @:3: the quoted field that begins on line 3 is never closed\n");
	CHECK_TMP("open2.csv", "id,name\nA,\"x\ny\"\nB,ok,\"oops\n",
	          "UTF-8\nH: id|name\n2/2: T:A|T:x\\ny\n-1\n"
	          "! @:3 (line 4): the quoted field that begins on line 4 is never closed\n");
	CHECK_TMP("empty.csv", "", "NULL\n! @: no header row (the file is empty)\n");
	CHECK_TMP("blank.csv", " \r\n,,\r\n", "NULL\n! @: no header row (the file is empty)\n");
	CHECK_TMP("header.csv", "id,name", "UTF-8\nH: id|name\n");
	CHECK_TMP("cr.csv", "id\rA\r\rB", "UTF-8\nH: id\n2/2: T:A\n4/4: T:B\n");
	CHECK_TMP("late.csv", "\n\nid\nA\n", "UTF-8\nH: id\n4/4: T:A\n");
	CHECK_TMP("stray.csv", "id,name\nA,ab\"c\nB,\"q\"x,y\"\n",
	          "UTF-8\nH: id|name\n2/2: T:A|T:ab\"c\n3/3: T:B|T:q\"x,y\n");
	CHECK_TMP("nul.csv", "id\nA\0\n",
	          "NULL\n! @:2: a NUL byte: not CSV text (UTF-16 saved without a byte order "
	          "mark?); save it as CSV UTF-8\n");
	CHECK_TMP("bombad.csv", "\xEF\xBB\xBFid\nA\n\xC3(\n",
	          "NULL\n! @:3: not UTF-8 text although it starts with a UTF-8 byte order "
	          "mark (first bad byte 0xC3 at line 3)\n");
	CHECK_TMP("be.csv", "\xFE\xFF\0i\0d",
	          "NULL\n! @: UTF-16 (big-endian) text, not UTF-8 or GB18030; save it as "
	          "CSV UTF-8\n");
	CHECK_TMP("zip.csv", "PK\3\4xxxx",
	          "NULL\n! @: a zip archive, not CSV text (an .xlsx workbook renamed .csv?)\n");
	CHECK_TMP("gbbom.csv", "\x84\x31\x95\x33id,\xC3\xFB\xB3\xC6\r\n1,\xD1\xA7\r\n",
	          "GB18030\nH: id|名称\n2/2: T:1|T:学\n");
	CHECK_TMP("quoted-empty.csv", "id,n\n\"\",\"  \"\nA,\"\"\"\"\n",
	          "UTF-8\nH: id|n\n3/3: T:A|T:\"\n");

	xh_diag d = {0};
	CHECK("xls refused", !xh_rows_open("x.xls", &d) && d.n == 1 &&
	      strstr(d.msg[0], "x.xls: an Excel 97–2003 .xls file"));
	CHECK("unknown type refused", !xh_rows_open("x.txt", &d) && d.n == 2 &&
	      !strcmp(d.msg[1], "x.txt: unknown record file type (expected .csv, .xlsx or .xml)"));
	CHECK("missing file", !xh_rows_open("tests/fixtures/rows/none.csv", &d) && d.n == 3 &&
	      !strcmp(d.msg[2], "tests/fixtures/rows/none.csv: cannot open: No such file or directory"));
	xh_diag_free(&d);

	/* a field that never ends stops at 1 MiB, not at the end of memory */
	size_t n = (2u << 20) + 16;
	char *big = xmalloc(n);
	memcpy(big, "id\n\"", 4);
	memset(big + 4, 'x', n - 4);
	check_tmp("long.csv", big, n, "UTF-8\nH: id\n-1\n"
	          "! @:2: the field that begins on line 2 is longer than 1 MiB (a quote "
	          "that is never closed?)\n");
	free(big);
}

static void test_xml_edges(void)
{
	CHECK_TMP("bad.xml",
	          "<societies>\n"
	          "<society id=\"1\"><id>S1</id><id>S2</id></society>\n"
	          "<club><name><b>x</b></name></club>\n"
	          "</societies>\n",
	          "NULL\n"
	          "! @:2: <society id=…>: attributes are not read; write each field as an element\n"
	          "! @:2: <id> is given twice in one record\n"
	          "! @:3: <club> among <society> records\n"
	          "! @:3: <name> holds elements; a field holds text\n");
	CHECK_TMP("lines.xml",
	          "<a>\n\n<b><x>1</x>\n<y>2</y></b>\n<b>\n<y>\n3</y>junk</b>\n</a>\n",
	          "NULL\n! @:3 (line 7): text directly inside <b>; each field is an element\n");
	CHECK_TMP("none.xml", "<societies/>", "XML\nH:\n");
	char *got = NULL;
	char *path = tmpfile_with("broken.xml", "<a><b>\n</a>", 11);
	got = dump(path);
	CHECK("malformed xml names file and line",
	      strstr(got, "NULL\n! ") && strstr(got, "broken.xml:2: malformed XML: "));
	free(got);
	unlink(path);
	free(path);
	path = tmpfile_with("nozip.xlsx", "hello", 5);
	got = dump(path);
	CHECK("not a zip", strstr(got, "nozip.xlsx: not an XLSX workbook (not a valid zip archive"));
	free(got);
	unlink(path);
	free(path);
}

/* GB18030 over many chunks: two- and four-byte sequences cut by every
 * chunk edge sooner or later. */
static void test_gb_chunks(void)
{
	char *path = xasprintf("%s/gbbig.csv", tmpdir);
	FILE *f = fopen(path, "wb");
	fputs("id,name\r\n", f);
	for (int i = 0; i < 30000; i++)
		fprintf(f, "%d,\xD1\xA7\xBB\xE1\x95\x32\x82\x36%s\r\n", i, i % 3 ? "" : "x");
	fclose(f);
	xh_diag d = {0};
	xh_rows *r = xh_rows_open(path, &d);
	CHECK("gb18030 big opens", r && !strcmp(xh_rows_encoding(r), "GB18030"));
	size_t rows = 0, good = 0;
	xh_row row;
	while (r && xh_rows_next(r, &row) > 0) {
		char want[64];
		snprintf(want, sizeof(want), "学会\xF0\xA0\x80\x80%s", rows % 3 ? "" : "x");
		good += row.cell[1].n == strlen(want) && !memcmp(row.cell[1].s, want, row.cell[1].n) &&
		        row.row == rows + 2 && row.line == rows + 2;
		rows++;
	}
	CHECK("gb18030 big: every row and character", rows == 30000 && good == rows && !d.n);
	xh_rows_close(r);
	xh_diag_free(&d);
	unlink(path);
	free(path);
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

/* 200,000 rows, a multi-line field every 1000th: counted, numbered, and
 * read without memory growing with them. */
static void test_streaming(void)
{
	char *path = xasprintf("%s/big.csv", tmpdir);
	FILE *f = fopen(path, "wb");
	fputs("id,名称,金额,说明\n", f);
	for (long i = 0; i < 200000; i++) {
		if (i % 1000 == 999)
			fprintf(f, "R%ld,威海市第%ld学会,%ld.50,\"两行\n说明\"\n", i, i, i * 7);
		else
			fprintf(f, "R%ld,威海市第%ld学会,%ld.50,普通说明文字\n", i, i, i * 7);
	}
	fclose(f);
	xh_diag d = {0};
	long before = rss_kb();
	xh_rows *r = xh_rows_open(path, &d);
	CHECK("big csv opens", r != NULL);
	long n = 0, bad = 0;
	unsigned long line = 2;
	xh_row row;
	while (r && xh_rows_next(r, &row) > 0) {
		char want[32];
		int k = snprintf(want, sizeof(want), "R%ld", n);
		bad += row.row != (unsigned long)n + 2 || row.line != line ||
		       row.cell[0].n != (size_t)k || memcmp(row.cell[0].s, want, (size_t)k);
		line += n % 1000 == 999 ? 2 : 1;
		n++;
	}
	long after = rss_kb();
	CHECK("big csv: 200000 rows", n == 200000);
	CHECK("big csv: row and line numbers and cells", bad == 0);
	CHECK("big csv: no messages", d.n == 0);
	/* The file is ~9 MB; the reader's memory is a few chunks.  (VmHWM
	 * under ASan is not meaningful, so only a generous bound.) */
	printf("# peak RSS %ld kB before, %ld kB after reading\n", before, after);
	CHECK("big csv: memory does not follow the file", after - before < 8 * 1024);
	xh_rows_close(r);
	xh_diag_free(&d);
	unlink(path);
	free(path);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/xh-rows-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_streaming(); /* first: the peak RSS before it is the baseline */
	test_fixtures();
	test_xlsx_handmade();
	test_csv_edges();
	test_xml_edges();
	test_gb_chunks();
	rmdir(tmpdir);
	return h_done();
}
