/*
 * test_tmpl.c — unit tests of the lexer, compiler and renderer on part XML
 * given as strings, and of the data model.  Outputs are compared byte for
 * byte, as libxlsxwriter's unit tests do.
 */
#include <stdlib.h>

#include "data.h"
#include "harness.h"
#include "tmpl.h"

#define DOC_OPEN \
	"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
#define DOC_CLOSE "</w:body></w:document>"
#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"

/* Renders body (wrapped in a document) with json; returns the body of the
 * output, or the diagnostics joined by "|" when something failed. */
static char *render(const char *body, const char *json, int allow_missing)
{
	xh_diag diag = {0};
	char *xml = xasprintf("%s%s%s", DOC_OPEN, body, DOC_CLOSE);
	xh_tmpl_opts o = {"{", "}", allow_missing};
	xh_tmpl *t = xh_tmpl_compile(xml, strlen(xml), "t.docx: word/document.xml", &o, &diag);
	xh_data *d = xh_data_parse("json", json, strlen(json), "d.json", &diag);
	xh_buf out = XH_BUF_INIT;
	if (t && d) {
		xh_bind *b = xh_bind_new(t, d);
		xh_render *r = xh_render_new(t, d, b, xh_data_root(d), &diag, 0, "");
		char chunk[7]; /* small on purpose: output crosses chunk edges */
		size_t n;
		while ((n = xh_render_read(r, chunk, sizeof(chunk))) > 0)
			xh_buf_add(&out, chunk, n);
		xh_render_free(r);
		xh_bind_free(b);
	}
	char *res;
	if (diag.n) {
		xh_buf e = XH_BUF_INIT;
		for (size_t i = 0; i < diag.n; i++) {
			if (i)
				xh_buf_addc(&e, '|');
			xh_buf_adds(&e, diag.msg[i]);
		}
		res = xh_buf_detach(&e);
	} else {
		const char *s = xh_buf_cstr(&out);
		const char *a = strstr(s, "<w:body>"), *z = strstr(s, "</w:body>");
		res = (a && z) ? xstrndup(a + 8, (size_t)(z - a - 8)) : xstrdup(s);
		CHECK("output starts with the XML declaration", strncmp(s, DECL, strlen(DECL)) == 0);
	}
	xh_buf_free(&out);
	xh_tmpl_free(t);
	xh_data_free(d);
	xh_diag_free(&diag);
	free(xml);
	return res;
}

#define P(x) "<w:p><w:r><w:t>" x "</w:t></w:r></w:p>"

static void expect(const char *name, const char *body, const char *json, const char *want)
{
	char *got = render(body, json, 0);
	CHECK_STR(name, got, want);
	free(got);
}

static void expect_err(const char *name, const char *body, const char *json, const char *sub)
{
	char *got = render(body, json, 0);
	CHECK(name, got && strstr(got, sub));
	if (!got || !strstr(got, sub))
		printf("  got: %s\n", got ? got : "(null)");
	free(got);
}

static void test_values(void)
{
	expect("plain value", P("Hello {name}!"), "{\"name\":\"W\"}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">Hello W!</w:t></w:r></w:p>");
	expect("value is escaped", P("{x}"), "{\"x\":\"a<b&c>\"}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">a&lt;b&amp;c&gt;</w:t></w:r></w:p>");
	expect("number and bool", P("{n} {b}"), "{\"n\":3.14,\"b\":false}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">3.14 false</w:t></w:r></w:p>");
	expect("chinese name", P("{学会名称}"), "{\"学会名称\":\"威海市医学会\"}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">威海市医学会</w:t></w:r></w:p>");
	expect("dotted path", P("{a.b.c}"), "{\"a\":{\"b\":{\"c\":\"deep\"}}}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">deep</w:t></w:r></w:p>");
	expect("spaces inside the tag", P("{ name }"), "{\"name\":\"x\"}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">x</w:t></w:r></w:p>");
	expect("tag split over runs takes the first run's formatting",
	       "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>{na</w:t></w:r><w:r><w:t>me} end</w:t></w:r></w:p>",
	       "{\"name\":\"N\"}",
	       "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">N</w:t></w:r>"
	       "<w:r><w:t xml:space=\"preserve\"> end</w:t></w:r></w:p>");
	expect("line break in a value",
	       "<w:p><w:r><w:rPr><w:i/></w:rPr><w:t>{x}</w:t></w:r></w:p>", "{\"x\":\"a\\r\\nb\"}",
	       "<w:p><w:r><w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\">a</w:t></w:r><w:r><w:rPr><w:i/></w:rPr>"
	       "<w:br/></w:r><w:r><w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\">b</w:t></w:r></w:p>");
	expect_err("missing value is an error", P("{nope}"), "{}",
	           "t.docx: word/document.xml: paragraph 1: {nope}: no value");
	expect("an empty string is a value", P("[{x}]"), "{\"x\":\"\"}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">[]</w:t></w:r></w:p>");
	char *got = render(P("[{nope}]"), "{}", 1);
	CHECK_STR("--allow-missing renders empty", got,
	          "<w:p><w:r><w:t xml:space=\"preserve\">[]</w:t></w:r></w:p>");
	free(got);
	expect_err("control character in a value", P("{x}"), "{\"x\":\"a\\u0001b\"}",
	           "{x}: the value has a control character (U+0001)");
	expect_err("object as a value", P("{x}"), "{\"x\":{}}", "{x}: is an object");
}

static void test_sections(void)
{
	expect("inline list", P("{#l}[{.}]{/l}"), "{\"l\":[1,2]}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">[1][2]</w:t></w:r></w:p>");
	expect("falsy values hide", P("{#a}A{/a}{#b}B{/b}{#c}C{/c}{#d}D{/d}{#e}E{/e}"),
	       "{\"a\":0,\"b\":\"\",\"c\":[],\"d\":null,\"e\":false}",
	       "<w:p><w:r><w:t xml:space=\"preserve\"></w:t></w:r></w:p>");
	expect("inverted", P("{^l}none{/l}"), "{\"l\":[]}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">none</w:t></w:r></w:p>");
	expect("outer names stay visible", P("{#l}{n}{o}{/l}"), "{\"o\":\"!\",\"l\":[{\"n\":1},{\"n\":2}]}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">1!2!</w:t></w:r></w:p>");
	expect("paragraph loop drops the tag paragraphs",
	       P("{#l}") P("x{.}") P("{/l}") P("end"), "{\"l\":[1,2]}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">x1</w:t></w:r></w:p>"
	       "<w:p><w:r><w:t xml:space=\"preserve\">x2</w:t></w:r></w:p>"
	       "<w:p><w:r><w:t>end</w:t></w:r></w:p>");
#define ROW \
		"<w:tbl><w:tblPr/><w:tr><w:tc><w:p><w:r><w:t>{#rows}{a}</w:t></w:r></w:p></w:tc>" \
		"<w:tc><w:p><w:r><w:t>{b}{/rows}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
	expect("a paragraph holding a section break is never dropped",
	       P("{#l}") P("{.}") "<w:p><w:pPr><w:sectPr/></w:pPr><w:r><w:t>{/l}</w:t></w:r></w:p>",
	       "{\"l\":[1]}",
	       "<w:p><w:r><w:t xml:space=\"preserve\"></w:t></w:r></w:p>"
	       "<w:p><w:r><w:t xml:space=\"preserve\">1</w:t></w:r></w:p>"
	       "<w:p><w:pPr><w:sectPr/></w:pPr><w:r><w:t xml:space=\"preserve\"></w:t></w:r></w:p>");
	expect_err("sections nested too deep",
	           P("{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}"
	             "{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}"
	             "{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}"
	             "{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}"
	             "{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}{#a}"),
	           "{}", "{#a}: sections are nested more than 100 deep");
	expect("table row repeats", ROW, "{\"rows\":[{\"a\":1,\"b\":2},{\"a\":3,\"b\":4}]}",
	       "<w:tbl><w:tblPr/>"
	       "<w:tr><w:tc><w:p><w:r><w:t xml:space=\"preserve\">1</w:t></w:r></w:p></w:tc>"
	       "<w:tc><w:p><w:r><w:t xml:space=\"preserve\">2</w:t></w:r></w:p></w:tc></w:tr>"
	       "<w:tr><w:tc><w:p><w:r><w:t xml:space=\"preserve\">3</w:t></w:r></w:p></w:tc>"
	       "<w:tc><w:p><w:r><w:t xml:space=\"preserve\">4</w:t></w:r></w:p></w:tc></w:tr></w:tbl>");
	expect("a table without rows disappears", ROW P("after"), "{\"rows\":[]}",
	       "<w:p><w:r><w:t>after</w:t></w:r></w:p>");
	expect("a cell emptied by a loop keeps a paragraph",
	       "<w:tbl><w:tr><w:tc>" P("{#l}") P("{.}") P("{/l}") "</w:tc></w:tr></w:tbl>",
	       "{\"l\":[]}", "<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>");
	expect_err("unclosed section", P("{#a}x"), "{}", "paragraph 1: {#a}: section is never closed");
	expect_err("mismatched close", P("{#a}x{/b}"), "{}", "{/b}: does not close {#a}");
	expect_err("unopened close", P("x{/b}"), "{}", "{/b}: closes a section that was never opened");
	expect_err("unclosed tag", P("x {name"), "{}", "tag is never closed");
	expect_err("unopened tag", P("x name}"), "{}", "closing delimiter without an opening one");
	expect_err("section across a table boundary",
	           "<w:tbl><w:tr><w:tc>" P("{#a}") "</w:tc></w:tr></w:tbl>" P("{/a}"), "{}",
	           "{#a}: the section opens and closes at different levels");
	expect_err("errors carry the paragraph number", P("ok") P("ok") P("{#x}"), "{}", "paragraph 3: {#x}");
}

static void test_filters(void)
{
	expect("yuan", P("{a | yuan}"), "{\"a\":\"50000\"}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">50,000.00</w:t></w:r></w:p>");
	expect("yuan from a JSON number", P("{a|yuan}"), "{\"a\":1234.5}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">1,234.50</w:t></w:r></w:p>");
	expect("wan and cny", P("{a | wan}万元 {a | cny}"), "{\"a\":\"5万元\"}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">5万元 伍万元整</w:t></w:r></w:p>");
	expect("date", P("{d | date}"), "{\"d\":\"2025-11-30\"}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">2025年11月30日</w:t></w:r></w:p>");
	expect("date:cn with Word's curly quotes", P("{d | date:“cn”}"), "{\"d\":\"2025/11/30\"}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">二〇二五年十一月三十日</w:t></w:r></w:p>");
	expect("default for missing and empty", P("{x | default:\"—\"}{y | default:\"无\"}{z | default:\"-\"}"),
	       "{\"y\":\"\",\"z\":\"z\"}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">—无z</w:t></w:r></w:p>");
	expect("count", P("{l | count}"), "{\"l\":[1,2,3]}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">3</w:t></w:r></w:p>");
	expect("mask", P("{p | mask}"), "{\"p\":\"13812345678\"}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">138****5678</w:t></w:r></w:p>");
	expect("sum in fen, then yuan and cny", P("{l | sum:\"a\"} {l | sum:\"a\" | cny}"),
	       "{\"l\":[{\"a\":\"0.10\"},{\"a\":0.2},{\"a\":\"2万\"}]}",
	       "<w:p><w:r><w:t xml:space=\"preserve\">20,000.30 贰万元叁角</w:t></w:r></w:p>");
	expect_err("wrong type names the tag and the value", P("{a | yuan}"), "{\"a\":\"五万\"}",
	           "{a | yuan}: Chinese numerals (write the amount in figures): \"五万\"");
	expect_err("not a date", P("{a | date}"), "{\"a\":\"2025-02-30\"}", "{a | date}:");
	expect_err("unknown filter", P("{a | shout}"), "{}", "{a | shout}: \"shout\": unknown filter");
	expect_err("missing without default", P("{a | yuan}"), "{}", "{a | yuan}: no value");
	expect_err("count of a string", P("{a | count}"), "{\"a\":\"x\"}", "count needs a list");
	expect_err("filters in sections", P("{#a | count}{/a}"), "{}", "filters go in values");
}

static void test_hostile(void)
{
	xh_diag diag = {0};
	const char *bomb = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;\">]>"
	                   "<w:document xmlns:w=\"" "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	                   "\"><w:body>" P("&b;") "</w:body></w:document>";
	xh_tmpl_opts o = {"{", "}", 0};
	xh_tmpl *t = xh_tmpl_compile(bomb, strlen(bomb), "bomb", &o, &diag);
	CHECK("entity declarations are refused", t == NULL && diag.n == 1 && strstr(diag.msg[0], "DTD"));
	xh_diag_free(&diag);
	const char *bad = "<w:document><w:body><w:p></w:body>";
	t = xh_tmpl_compile(bad, strlen(bad), "bad", &o, &diag);
	CHECK("malformed XML is an error", t == NULL && diag.n >= 1 && strstr(diag.msg[0], "malformed XML"));
	xh_diag_free(&diag);
}

static void test_data(void)
{
	xh_diag diag = {0};
	const char *j = "{\"a\":[1,0,\"\",\"x\",true,false,null,{},[]],\"a\":\"last\"}";
	xh_data *d = xh_data_parse("json", j, strlen(j), "d.json", &diag);
	CHECK("json parses", d != NULL && diag.n == 0);
	xh_vref root = xh_data_root(d);
	xh_vref a = xh_data_member(d, root, xh_data_sym(d, "a", 1));
	size_t n;
	CHECK("repeated key: the last wins", a != XH_NONE &&
	      memcmp(xh_data_str(d, a, &n), "last", 4) == 0 && n == 4);
	xh_data_free(d);
	const char *l12 = "[1,0,\"\",\"x\",true,false,null,{},[],0.0,-0,1e-3]";
	d = xh_data_parse("json", l12, strlen(l12), "d", &diag);
	xh_vref l = xh_data_root(d);
	int want[] = {1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1};
	int ok = 1;
	for (uint32_t i = 0; i < 12; i++)
		ok &= xh_data_truthy(d, xh_data_child(d, l, i)) == want[i];
	CHECK("truthiness as docxtemplater", ok);
	xh_data_free(d);
	d = xh_data_parse("json", "{\"a\":", 5, "broken.json", &diag);
	CHECK("bad json names the file and line", d == NULL && diag.n == 1 &&
	      strncmp(diag.msg[0], "broken.json:1: not valid JSON", 29) == 0);
	xh_diag_free(&diag);
	const char *x = "<societies><society><id>S01</id><name> 学会A　</name></society>"
	                "<society><id>S02</id><name>B</name><tags><t>x</t><t>y</t></tags></society></societies>";
	d = xh_data_parse("xml", x, strlen(x), "s.xml", &diag);
	CHECK("xml parses", d != NULL && diag.n == 0);
	xh_vref soc = xh_data_member(d, xh_data_root(d), xh_data_sym(d, "society", 7));
	CHECK("repeated elements become a list", soc != XH_NONE && xh_data_val(d, soc)->type == XH_LIST &&
	      xh_data_val(d, soc)->len == 2);
	xh_vref name = xh_data_member(d, xh_data_child(d, soc, 0), xh_data_sym(d, "name", 4));
	const char *ns = xh_data_str(d, name, &n);
	CHECK("xml text is trimmed, full-width spaces too", n == 7 && memcmp(ns, "学会A", 7) == 0);
	CHECK("xml records are the root's repeated children", xh_data_records(d) == soc);
	xh_tmpl_opts o = {"{", "}", 0};
	char *fn = xh_pattern_fill("{id}-{name}.docx", &o, d, xh_data_child(d, soc, 1), &diag, 0, "");
	CHECK_STR("file name pattern", fn, "S02-B.docx");
	free(fn);
	fn = xh_pattern_fill("{nope}.docx", &o, d, xh_data_child(d, soc, 1), &diag, 0, "");
	CHECK("file name pattern with a missing value", fn == NULL && diag.n == 1);
	xh_data_free(d);
	xh_diag_free(&diag);
}

int main(void)
{
	test_values();
	test_sections();
	test_filters();
	test_hostile();
	test_data();
	return h_done();
}
