/*
 * test_stage.c — SHA-256 (hash.c), custom document properties
 * (xh_doc_render) and the output folder of a stage (stage.c).
 *
 * Templates are built here with libzip, so every byte of the package is
 * known.  Runs from the repository root (tests/run.py does); scratch goes
 * to tests/out/unit/stage/, and props.docx and props-kept.docx stay there
 * for tests/cli/test_props.py (docxtext.py --check and LibreOffice).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zip.h>

#include "data.h"
#include "docx.h"
#include "harness.h"
#include "hash.h"
#include "stage.h"

#define OUT "tests/out/unit/stage"

#define CT_HEAD                                                                                  \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"                        \
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"            \
	"<Default Extension=\"rels\" "                                                             \
	"ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"               \
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"                            \
	"<Override PartName=\"/word/document.xml\" ContentType=\"application/"                     \
	"vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
#define CT_CUSTOM                                                                                \
	"<Override PartName=\"/docProps/custom.xml\" "                                             \
	"ContentType=\"application/vnd.openxmlformats-officedocument.custom-properties+xml\"/>"
#define RELS_HEAD                                                                                \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"                        \
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"    \
	"<Relationship Id=\"rId1\" "                                                               \
	"Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"              \
	"officeDocument\" Target=\"word/document.xml\"/>"
#define REL_CUSTOM_TYPE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
#define RELS_CUSTOM                                                                              \
	"<Relationship Id=\"rId2\" Type=\"" REL_CUSTOM_TYPE "\" Target=\"docProps/custom.xml\"/>"
#define DOCUMENT                                                                                 \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"                        \
	"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"     \
	"<w:body><w:p><w:r><w:t>学会：{name}</w:t></w:r></w:p><w:sectPr/></w:body></w:document>"
#define PROPS_OPEN                                                                               \
	"<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" " \
	"xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
#define FMTID "fmtid=\"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}\""
#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
/* the template's own properties: one a new property replaces (other case),
 * one kept, an integer kept with its type */
#define CUSTOM                                                                                   \
	DECL PROPS_OPEN "<property " FMTID " pid=\"2\" name=\"XHGEN.stage\"><vt:lpwstr>old</vt:lpwstr></property>" \
	"<property " FMTID " pid=\"3\" name=\"部门\"><vt:lpwstr>学会部 &amp; 办公室</vt:lpwstr></property>" \
	"<property " FMTID " pid=\"4\" name=\"份数\"><vt:i4>3</vt:i4></property></Properties>"

static void add(zip_t *z, const char *name, const char *text)
{
	zip_source_t *s = zip_source_buffer(z, text, strlen(text), 0);
	zip_int64_t i = zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8);
	zip_file_set_mtime(z, (zip_uint64_t)i, 315532800, 0);
}

/* A minimal DOCX; with_custom: the template has custom properties.  The
 * custom part comes first, so "in place" differs from "at the end". */
static void make_docx(const char *path, int with_custom)
{
	int err;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (with_custom)
		add(z, "docProps/custom.xml", CUSTOM);
	add(z, "[Content_Types].xml", with_custom ? CT_HEAD CT_CUSTOM "</Types>" : CT_HEAD "</Types>");
	add(z, "_rels/.rels", with_custom ? RELS_HEAD RELS_CUSTOM "</Relationships>"
	                                  : RELS_HEAD "</Relationships>");
	add(z, "word/document.xml", DOCUMENT);
	zip_close(z);
}

/* Entry `name` of the zip in buf (or the file path when buf is NULL). */
static char *zip_part(const xh_buf *buf, const char *path, const char *name)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_t *z;
	if (buf) {
		zip_source_t *src = zip_source_buffer_create(buf->data, buf->len, 0, &ze);
		z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
		if (!z && src)
			zip_source_free(src);
	} else {
		int e;
		z = zip_open(path, ZIP_RDONLY, &e);
	}
	zip_error_fini(&ze);
	if (!z)
		return NULL;
	zip_stat_t st;
	char *out = NULL;
	if (zip_stat(z, name, 0, &st) == 0) {
		zip_file_t *f = zip_fopen(z, name, 0);
		out = calloc(1, st.size + 1);
		if (f && zip_fread(f, out, st.size) != (zip_int64_t)st.size) {
			free(out);
			out = NULL;
		}
		if (f)
			zip_fclose(f);
	}
	zip_discard(z);
	return out;
}

/* The entry names of the zip in buf, joined by "|". */
static char *zip_names(const xh_buf *buf)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(buf->data, buf->len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	zip_error_fini(&ze);
	xh_buf b = XH_BUF_INIT;
	for (zip_int64_t i = 0; z && i < zip_get_num_entries(z, 0); i++) {
		if (i)
			xh_buf_addc(&b, '|');
		xh_buf_adds(&b, zip_get_name(z, (zip_uint64_t)i, 0));
	}
	if (z)
		zip_discard(z);
	else if (src)
		zip_source_free(src);
	return xh_buf_detach(&b);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static char *read_file(const char *path)
{
	xh_buf b = XH_BUF_INIT;
	if (xh_read_file(path, &b, 0) == -1)
		return NULL;
	xh_buf_cstr(&b);
	return xh_buf_detach(&b);
}

/* The names in dir, sorted, joined by "|" (hidden ones too). */
static char *listing(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return xstrdup("(none)");
	xh_buf b = XH_BUF_INIT;
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..")) {
			if (b.len)
				xh_buf_addc(&b, '|');
			xh_buf_adds(&b, ents[i]->d_name);
		}
		free(ents[i]);
	}
	free(ents);
	xh_buf_cstr(&b);
	return xh_buf_detach(&b);
}

static char *diag_text(xh_diag *d)
{
	xh_buf b = XH_BUF_INIT;
	for (size_t i = 0; i < d->n; i++) {
		if (i)
			xh_buf_addc(&b, '|');
		xh_buf_adds(&b, d->msg[i]);
	}
	xh_buf_cstr(&b);
	xh_diag_free(d);
	return xh_buf_detach(&b);
}

static void rm_rf(const char *path)
{
	char *cmd = xasprintf("rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", path);
	free(cmd);
}

/* ---- SHA-256 ---- */

static void test_hash(void)
{
	char hex[XH_SHA256_HEX];
	xh_sha256_hex("", 0, hex);
	CHECK_STR("sha256 of nothing", hex,
	          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	xh_sha256_hex("abc", 3, hex);
	CHECK_STR("sha256 of abc", hex,
	          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	xh_sha256_hex(m, strlen(m), hex);
	CHECK_STR("sha256 of the 448-bit vector", hex,
	          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* a million 'a' in uneven pieces */
	xh_sha256 *h = xh_sha256_new();
	char a[1000];
	memset(a, 'a', sizeof(a));
	size_t left = 1000000, step = 1;
	while (left) {
		size_t k = step < left ? step : left;
		xh_sha256_add(h, a, k);
		left -= k;
		step = step % 997 + 3;
	}
	xh_sha256_done(h, hex);
	CHECK_STR("sha256 of a million a, added piecewise", hex,
	          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	write_file(OUT "/abc.txt", "abc");
	CHECK("sha256 of a file", xh_sha256_file(OUT "/abc.txt", hex) == 0 &&
	                              !strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	CHECK("sha256 of a missing file is -1 with errno",
	      xh_sha256_file(OUT "/missing", hex) == -1 && errno == ENOENT);
}

/* ---- custom properties ---- */

static xh_data *json(const char *text)
{
	xh_diag d = {0};
	xh_data *x = xh_data_parse("json", text, strlen(text), "t.json", &d);
	xh_diag_free(&d);
	return x;
}

static void test_render(void)
{
	make_docx(OUT "/plain.docx", 0);
	make_docx(OUT "/kept.docx", 1);
	xh_tmpl_opts o = {"{", "}", 0};
	xh_diag diag = {0};
	xh_doc *plain = xh_doc_compile(OUT "/plain.docx", &o, &diag);
	xh_doc *kept = xh_doc_compile(OUT "/kept.docx", &o, &diag);
	CHECK("templates compile", plain && kept && diag.n == 0);
	if (!plain || !kept)
		return;
	char hex[XH_SHA256_HEX];
	xh_sha256_file(OUT "/plain.docx", hex);
	CHECK_STR("xh_doc_sha256 is the file's", xh_doc_sha256(plain), hex);
	CHECK_STR("xh_doc_path", xh_doc_path(plain), OUT "/plain.docx");

	xh_data *d = json("{\"name\": \"威海市<化工>学会\"}");
	xh_prop props[] = {{"xhgen.stage", "pack"}, {"学会", "A&B <c> \"d\""}, {"xhgen.year", "2025"}};
	xh_buf out = XH_BUF_INIT;
	xh_err rc = xh_doc_render(plain, d, props, 3, &out, &diag);
	CHECK("render with properties", rc == XH_OK && out.len > 0);
	char *custom = zip_part(&out, NULL, "docProps/custom.xml");
	CHECK_STR("custom.xml of a template without one", custom,
	          DECL PROPS_OPEN
	          "<property " FMTID " pid=\"2\" name=\"xhgen.stage\"><vt:lpwstr>pack</vt:lpwstr></property>"
	          "<property " FMTID " pid=\"3\" name=\"学会\"><vt:lpwstr>A&amp;B &lt;c&gt; \"d\"</vt:lpwstr></property>"
	          "<property " FMTID " pid=\"4\" name=\"xhgen.year\"><vt:lpwstr>2025</vt:lpwstr></property>"
	          "</Properties>");
	free(custom);
	char *names = zip_names(&out);
	CHECK_STR("custom.xml added at the end", names,
	          "[Content_Types].xml|_rels/.rels|word/document.xml|docProps/custom.xml");
	free(names);
	char *ct = zip_part(&out, NULL, "[Content_Types].xml");
	CHECK("content types: the override added once",
	      ct && count(ct, "PartName=\"/docProps/custom.xml\"") == 1 &&
	          count(ct, "custom-properties+xml") == 1 && count(ct, "/word/document.xml") == 1);
	free(ct);
	char *rels = zip_part(&out, NULL, "_rels/.rels");
	CHECK("rels: the relationship added once, with a new Id",
	      rels && count(rels, REL_CUSTOM_TYPE) == 1 && count(rels, "Target=\"docProps/custom.xml\"") == 1 &&
	          count(rels, "Id=\"rId2\"") == 1 && count(rels, "Id=\"rId1\"") == 1);
	free(rels);
	char *docxml = zip_part(&out, NULL, "word/document.xml");
	CHECK("the document is filled", docxml && strstr(docxml, "学会：威海市&lt;化工&gt;学会"));
	free(docxml);
	/* for tests/cli/test_props.py */
	write_file(OUT "/props.docx", "");
	FILE *f = fopen(OUT "/props.docx", "wb");
	if (f) {
		fwrite(out.data, 1, out.len, f);
		fclose(f);
	}

	xh_buf again = XH_BUF_INIT;
	xh_doc_render(plain, d, props, 3, &again, &diag);
	CHECK("the same inputs give the same bytes",
	      again.len == out.len && !memcmp(again.data, out.data, out.len));

	/* a template with its own properties */
	rc = xh_doc_render(kept, d, props, 3, &out, &diag);
	CHECK("render over a template's properties", rc == XH_OK);
	custom = zip_part(&out, NULL, "docProps/custom.xml");
	CHECK_STR("custom.xml: the template's kept (but the one renamed), then ours", custom,
	          DECL PROPS_OPEN
	          "<property " FMTID " pid=\"2\" name=\"部门\"><vt:lpwstr>学会部 &amp; 办公室</vt:lpwstr></property>"
	          "<property " FMTID " pid=\"3\" name=\"份数\"><vt:i4>3</vt:i4></property>"
	          "<property " FMTID " pid=\"4\" name=\"xhgen.stage\"><vt:lpwstr>pack</vt:lpwstr></property>"
	          "<property " FMTID " pid=\"5\" name=\"学会\"><vt:lpwstr>A&amp;B &lt;c&gt; \"d\"</vt:lpwstr></property>"
	          "<property " FMTID " pid=\"6\" name=\"xhgen.year\"><vt:lpwstr>2025</vt:lpwstr></property>"
	          "</Properties>");
	free(custom);
	names = zip_names(&out);
	CHECK_STR("custom.xml in the template's place", names,
	          "docProps/custom.xml|[Content_Types].xml|_rels/.rels|word/document.xml");
	free(names);
	ct = zip_part(&out, NULL, "[Content_Types].xml");
	CHECK_STR("content types unchanged when the override is there", ct,
	          CT_HEAD CT_CUSTOM "</Types>");
	free(ct);
	rels = zip_part(&out, NULL, "_rels/.rels");
	CHECK_STR("rels unchanged when the relationship is there", rels,
	          RELS_HEAD RELS_CUSTOM "</Relationships>");
	free(rels);
	f = fopen(OUT "/props-kept.docx", "wb");
	if (f) {
		fwrite(out.data, 1, out.len, f);
		fclose(f);
	}

	/* a later property of the same name wins */
	xh_prop twice[] = {{"x", "1"}, {"y", "2"}, {"X", "3"}};
	rc = xh_doc_render(plain, d, twice, 3, &out, &diag);
	custom = zip_part(&out, NULL, "docProps/custom.xml");
	CHECK("of two properties of one name, the later",
	      rc == XH_OK && custom && !strstr(custom, ">1<") &&
	          strstr(custom, "pid=\"2\" name=\"y\"><vt:lpwstr>2<") &&
	          strstr(custom, "pid=\"3\" name=\"X\"><vt:lpwstr>3<"));
	free(custom);

	/* no properties: the package as xh_doc_fill writes it */
	rc = xh_doc_render(kept, d, NULL, 0, &out, &diag);
	custom = zip_part(&out, NULL, "docProps/custom.xml");
	CHECK_STR("no properties: the template's custom.xml as it was", custom, CUSTOM);
	free(custom);
	rc = xh_doc_render(plain, d, NULL, 0, &out, &diag);
	names = zip_names(&out);
	CHECK_STR("no properties: nothing added", names,
	          "[Content_Types].xml|_rels/.rels|word/document.xml");
	free(names);
	CHECK("no diagnostics so far", diag.n == 0);

	/* control characters are refused */
	xh_prop bad[] = {{"xhgen.record", "S01\x01"}};
	size_t before = out.len;
	rc = xh_doc_render(plain, d, bad, 1, &out, &diag);
	char *msg = diag_text(&diag);
	CHECK("a control character in a value is a data error",
	      rc == XH_EDATA && strstr(msg, "xhgen.record") && strstr(msg, "control character") &&
	          out.len == before);
	free(msg);
	xh_prop badname[] = {{"a\nb", "x"}};
	rc = xh_doc_render(plain, d, badname, 1, &out, &diag);
	msg = diag_text(&diag);
	CHECK("a control character in a name is a data error",
	      rc == XH_EDATA && strstr(msg, "control character"));
	free(msg);

	/* data that does not fit the template: XH_EDATA from the renderer */
	xh_data *empty = json("{}");
	rc = xh_doc_render(plain, empty, props, 3, &out, &diag);
	msg = diag_text(&diag);
	CHECK("missing data is a data error", rc == XH_EDATA && strstr(msg, "name"));
	free(msg);
	xh_data_free(empty);

	xh_buf_free(&out);
	xh_buf_free(&again);
	xh_data_free(d);
	xh_doc_free(plain);
	xh_doc_free(kept);
}

/* ---- stages ---- */

/* A year with programme.xml and one record file: all a stage reads of it. */
static xh_year *fake_year(const char *dir)
{
	xh_mkdirs(dir);
	char *p = xasprintf("%s/programme.xml", dir);
	write_file(p, "<programme year=\"2025\"/>\n");
	free(p);
	xh_year *y = xcalloc(1, sizeof(*y));
	y->dir = xstrdup(dir);
	y->prog.year = 2025;
	y->file[0] = xasprintf("%s/societies.csv", dir);
	write_file(y->file[0], "id,name\nS01,甲\n");
	xh_diag d = {0};
	xh_year_hash_inputs(y, &d);
	xh_diag_free(&d);
	return y;
}

static void free_year(xh_year *y)
{
	free(y->dir);
	free(y->file[0]);
	for (size_t i = 0; i < y->ninputs; i++)
		free(y->inputs[i].name);
	free(y->inputs);
	free(y);
}

/* Run in a child before the parent ever reaches a stop point (the limit is
 * read once per process): a stage of three files killed after the second
 * leaves the earlier output as it was. */
static void test_kill(const xh_year *y)
{
	const char *dir = OUT "/kill/2025/pack";
	xh_mkdirs(dir);
	write_file(OUT "/kill/2025/pack/old.txt", "earlier run");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		setenv("XHGEN_STOP_AFTER", "2", 1);
		xh_diag d = {0};
		xh_stage *s = xh_stage_begin(y, OUT "/kill", "pack", &d);
		xh_stage_bytes(s, "1.txt", "1", 1, &d);
		xh_stage_bytes(s, "2.txt", "2", 1, &d);
		xh_stage_bytes(s, "3.txt", "3", 1, &d);
		xh_stage_commit(s, &d);
		_exit(0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	CHECK("XHGEN_STOP_AFTER=2 kills the stage", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	char *l = listing(dir);
	CHECK_STR("killed: the earlier output as it was", l, "old.txt");
	free(l);
	l = listing(OUT "/kill/2025");
	char *want = xasprintf(".pack.xhgen-%ld|pack", (long)pid);
	CHECK_STR("killed: the new output in a hidden folder beside it", l, want);
	free(l);
	free(want);
	/* the next run removes the dead run's folder */
	xh_diag d = {0};
	xh_stage *s = xh_stage_begin(y, OUT "/kill", "pack", &d);
	xh_stage_free(s);
	l = listing(OUT "/kill/2025");
	CHECK_STR("begin removes a dead run's folder", l, "pack");
	free(l);
	/* killed between the two renames where folders cannot be exchanged:
	 * the next run puts the old output back */
	char *aside = xasprintf(OUT "/kill/2025/.pack.xhgen-%ld.old", (long)pid);
	rename(dir, aside);
	s = xh_stage_begin(y, OUT "/kill", "pack", &d);
	xh_stage_free(s);
	l = listing(dir);
	CHECK_STR("begin puts back an output moved aside", l, "old.txt");
	free(l);
	free(aside);
	xh_diag_free(&d);
}

static void test_stage(const xh_year *y)
{
	xh_diag diag = {0};
	const char *out = OUT "/out";
	rm_rf(out);

	/* the inputs' hash */
	char hp[XH_SHA256_HEX], hs[XH_SHA256_HEX], want[XH_SHA256_HEX];
	char *prog = xasprintf("%s/programme.xml", y->dir);
	xh_sha256_file(prog, hp);
	xh_sha256_file(y->file[0], hs);
	free(prog);
	char *lines = xasprintf("programme.xml\t%s\nsocieties.csv\t%s\n", hp, hs);
	xh_sha256_hex(lines, strlen(lines), want);
	free(lines);

	/* an uncommitted stage leaves nothing, not even its folders */
	xh_stage *s = xh_stage_begin(y, out, "notice", &diag);
	CHECK("begin", s != NULL);
	if (!s)
		return;
	CHECK_STR("stage folder", xh_stage_dir(s), OUT "/out/2025/notice");
	CHECK_STR("inputs sha256 over programme.xml and the record files",
	          xh_stage_inputs_sha256(s), want);
	char *work = xasprintf(OUT "/out/2025/.notice.xhgen-%ld", (long)getpid());
	CHECK("the stage writes into a hidden folder beside its own", exists(work));
	free(work);
	xh_stage_bytes(s, "a.csv", "x", 1, &diag);
	CHECK("written under a hidden temporary name", !exists(OUT "/out/2025/notice/a.csv"));
	xh_stage_free(s);
	CHECK("an uncommitted stage leaves nothing", !exists(out));

	/* a stage of two files ("out/" is "out") */
	s = xh_stage_begin(y, OUT "/out//", "notice", &diag);
	CHECK_STR("trailing slashes of OUT do not show", s ? xh_stage_dir(s) : NULL,
	          OUT "/out/2025/notice");
	xh_tmpl_opts o = {"{", "}", 0};
	xh_doc *doc = xh_doc_compile(OUT "/plain.docx", &o, &diag);
	xh_data *d = json("{\"name\": \"甲学会\"}");
	xh_prop extra[] = {{"xhgen.pack", "P-1"}};
	xh_err r1 = xh_stage_bytes(s, "名单.csv", "a,b\n", 4, &diag);
	xh_err r2 = xh_stage_docx(s, doc, "甲学会.docx", d, "S01", extra, 1, &diag);
	CHECK("two files written", r1 == XH_OK && r2 == XH_OK);
	char *l = listing(OUT "/out/2025");
	char *wl = xasprintf(".notice.xhgen-%ld", (long)getpid());
	CHECK_STR("before the commit only the hidden folder", l, wl);
	free(l);
	free(wl);
	CHECK("commit", xh_stage_commit(s, &diag) == XH_OK);
	l = listing(OUT "/out/2025/notice");
	CHECK_STR("after the commit the two names", l, "名单.csv|甲学会.docx");
	free(l);
	size_t nf;
	const xh_stage_file *files = xh_stage_files(s, &nf);
	char hx[XH_SHA256_HEX];
	xh_sha256_file(OUT "/out/2025/notice/甲学会.docx", hx);
	CHECK("the files in the order written", nf == 2 && !strcmp(files[0].name, "名单.csv") &&
	                                           !strcmp(files[1].name, "甲学会.docx"));
	CHECK("manifest: size, sha256 and template",
	      nf == 2 && files[0].size == 4 && !files[0].template_name &&
	          !strcmp(files[1].sha256, hx) && files[1].template_name &&
	          !strcmp(files[1].template_name, "plain.docx") && !files[0].template_sha256[0] &&
	          doc && !strcmp(files[1].template_sha256, xh_doc_sha256(doc)));
	const xh_buf *last = xh_stage_last_docx(s);
	char hl[XH_SHA256_HEX];
	xh_sha256_hex(last->data, last->len, hl);
	CHECK_STR("xh_stage_last_docx: the bytes of the file", hl, hx);
	char hcsv[XH_SHA256_HEX];
	xh_sha256_hex("a,b\n", 4, hcsv);
	CHECK_STR("manifest sha256 of the CSV", nf ? files[0].sha256 : NULL, hcsv);
	char *custom = zip_part(NULL, OUT "/out/2025/notice/甲学会.docx", "docProps/custom.xml");
	char *wc = xasprintf(
	    DECL PROPS_OPEN
	    "<property " FMTID " pid=\"2\" name=\"xhgen.version\"><vt:lpwstr>%s</vt:lpwstr></property>"
	    "<property " FMTID " pid=\"3\" name=\"xhgen.year\"><vt:lpwstr>2025</vt:lpwstr></property>"
	    "<property " FMTID " pid=\"4\" name=\"xhgen.stage\"><vt:lpwstr>notice</vt:lpwstr></property>"
	    "<property " FMTID " pid=\"5\" name=\"xhgen.record\"><vt:lpwstr>S01</vt:lpwstr></property>"
	    "<property " FMTID " pid=\"6\" name=\"xhgen.inputs_sha256\"><vt:lpwstr>%s</vt:lpwstr></property>"
	    "<property " FMTID " pid=\"7\" name=\"xhgen.template\"><vt:lpwstr>plain.docx</vt:lpwstr></property>"
	    "<property " FMTID " pid=\"8\" name=\"xhgen.template_sha256\"><vt:lpwstr>%s</vt:lpwstr></property>"
	    "<property " FMTID " pid=\"9\" name=\"xhgen.pack\"><vt:lpwstr>P-1</vt:lpwstr></property>"
	    "</Properties>",
	    XH_VERSION, want, doc ? xh_doc_sha256(doc) : "");
	CHECK_STR("the stage's DOCX carries its provenance", custom, wc);
	free(custom);
	free(wc);
	size_t np;
	const xh_prop *pp = xh_stage_props(s, "A01", &np);
	CHECK("workbook provenance: five properties",
	      np == 5 && !strcmp(pp[0].name, "xhgen.version") && !strcmp(pp[3].name, "xhgen.record") &&
	          !strcmp(pp[3].value, "A01") && !strcmp(pp[4].value, want) &&
	          !strcmp(pp[2].value, "notice"));
	xh_stage_free(s);
	CHECK("freeing a committed stage keeps its files", exists(OUT "/out/2025/notice/名单.csv"));

	/* the next run: the folder is the stage's, whatever else is in it goes */
	write_file(OUT "/out/2025/notice/.keep", "");
	write_file(OUT "/out/2025/notice/手工.txt", "staff put this here");
	xh_mkdirs(OUT "/out/2025/notice/sub");
	char *before = read_file(OUT "/out/2025/notice/名单.csv");
	s = xh_stage_begin(y, out, "notice", &diag);
	xh_stage_bytes(s, "名单.csv", "c\n", 2, &diag);
	l = listing(OUT "/out/2025/notice");
	char *got = read_file(OUT "/out/2025/notice/名单.csv");
	CHECK("before the commit the earlier output is untouched",
	      strstr(l, "甲学会.docx") && before && got && !strcmp(before, got));
	free(l);
	free(got);
	free(before);
	/* a library writes a file itself */
	const char *tmp = xh_stage_tmp(s, "表.xlsx");
	CHECK("xh_stage_tmp gives a path in the hidden folder", tmp && strstr(tmp, "/.notice.xhgen-"));
	if (tmp)
		write_file(tmp, "PK");
	CHECK("xh_stage_done", xh_stage_done(s, "表.xlsx", &diag) == XH_OK);
	CHECK("xh_stage_done of an unknown name fails", xh_stage_done(s, "x.xlsx", &diag) == XH_ESYS);
	char *m = diag_text(&diag);
	CHECK("… and says why", strstr(m, "x.xlsx"));
	free(m);
	CHECK("commit again", xh_stage_commit(s, &diag) == XH_OK);
	l = listing(OUT "/out/2025/notice");
	CHECK_STR("the folder holds exactly the new output", l, "名单.csv|表.xlsx");
	free(l);
	got = read_file(OUT "/out/2025/notice/名单.csv");
	CHECK_STR("the new content", got, "c\n");
	free(got);
	files = xh_stage_files(s, &nf);
	CHECK("the done file is in the list", nf == 2 && !strcmp(files[1].name, "表.xlsx") &&
	                                           files[1].size == 2);
	xh_stage_free(s);

	/* an uncommitted run over an earlier output leaves it as it was */
	s = xh_stage_begin(y, out, "notice", &diag);
	xh_stage_bytes(s, "名单.csv", "d\n", 2, &diag);
	xh_stage_bytes(s, "new.csv", "d\n", 2, &diag);
	xh_stage_free(s);
	l = listing(OUT "/out/2025/notice");
	got = read_file(OUT "/out/2025/notice/名单.csv");
	CHECK("an uncommitted run changes nothing",
	      !strcmp(l, "名单.csv|表.xlsx") && got && !strcmp(got, "c\n"));
	free(l);
	free(got);

	/* bad names */
	s = xh_stage_begin(y, out, "notice", &diag);
	const char *bad[] = {"", "a/b", "a\\b", "..", "x..y", "a\x01", ".hidden", "\xff.docx"};
	int all = 1;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		all &= xh_stage_bytes(s, bad[i], "x", 1, &diag) == XH_EDATA;
	CHECK("bad names are data errors", all);
	m = diag_text(&diag);
	CHECK("… saying why", strstr(m, "is empty") && strstr(m, "contains a slash") &&
	                          strstr(m, "contains \"..\"") && strstr(m, "control character") &&
	                          strstr(m, "starts with a dot") && strstr(m, "UTF-8"));
	free(m);
	CHECK("a bad society name is a data error naming the record",
	      xh_stage_docx(s, doc, "甲/乙.docx", d, "S07", NULL, 0, &diag) == XH_EDATA);
	m = diag_text(&diag);
	CHECK("… with the record", strstr(m, "record S07") && strstr(m, "甲/乙.docx"));
	free(m);
	xh_stage_bytes(s, "one.csv", "1", 1, &diag);
	CHECK("a name written twice is a data error",
	      xh_stage_bytes(s, "one.csv", "2", 1, &diag) == XH_EDATA);
	m = diag_text(&diag);
	CHECK("… saying so", strstr(m, "written twice"));
	free(m);
	CHECK("xh_stage_tmp refuses a bad name", xh_stage_tmp(s, "../x") == NULL);
	CHECK_STR("xh_stage_bad_name is fine with a Chinese name", xh_stage_bad_name("威海市化工学会.docx") ? "bad" : "fine", "fine");
	xh_stage_free(s);
	l = listing(OUT "/out/2025/notice");
	CHECK_STR("nothing left behind by the bad run", l, "名单.csv|表.xlsx");
	free(l);
	l = listing(OUT "/out/2025");
	CHECK_STR("… nor beside it", l, "notice");
	free(l);

	xh_data_free(d);
	xh_doc_free(doc);
	xh_diag_free(&diag);
}

static void test_template(const xh_year *y)
{
	xh_diag diag = {0};
	xh_stage *s = xh_stage_begin(y, OUT "/tpl-out", "pack", &diag);
	if (!s)
		return;
	/* $XHGEN_TEMPLATES */
	xh_mkdirs(OUT "/tpl-env");
	make_docx(OUT "/tpl-env/t.docx", 0);
	setenv("XHGEN_TEMPLATES", OUT "/tpl-env", 1);
	xh_doc *doc = xh_stage_template(s, "t.docx", &diag);
	CHECK_STR("template from $XHGEN_TEMPLATES", doc ? xh_doc_path(doc) : NULL,
	          OUT "/tpl-env/t.docx");
	xh_doc_free(doc);
	/* DIR/templates comes first */
	char *yt = xasprintf("%s/templates", y->dir);
	xh_mkdirs(yt);
	char *ytf = xasprintf("%s/t.docx", yt);
	make_docx(ytf, 1);
	doc = xh_stage_template(s, "t.docx", &diag);
	CHECK_STR("the year's templates/ first", doc ? xh_doc_path(doc) : NULL, ytf);
	xh_doc_free(doc);
	CHECK("no diagnostics", diag.n == 0);
	doc = xh_stage_template(s, "无此模板.docx", &diag);
	char *m = diag_text(&diag);
	char *w1 = xasprintf("%s/templates/无此模板.docx", y->dir);
	/* the checkout's templates/ beside (or above) the executable: none has it */
	char *w4 = xstrdup("templates/无此模板.docx (beside xhgen)");
	CHECK("a missing template lists the places looked in",
	      !doc && strstr(m, "not found") && strstr(m, w1) && strstr(m, OUT "/tpl-env/无此模板.docx") &&
	          strstr(m, XH_DATADIR "/templates/无此模板.docx") && strstr(m, w4));
	free(m);
	free(w1);
	free(w4);
	/* a broken template: its errors, not a fallback */
	write_file(ytf, "not a zip");
	doc = xh_stage_template(s, "t.docx", &diag);
	m = diag_text(&diag);
	CHECK("a broken template is reported, not skipped", !doc && strstr(m, ytf));
	free(m);
	unsetenv("XHGEN_TEMPLATES");
	free(yt);
	free(ytf);
	xh_stage_free(s);
}

int main(void)
{
	rm_rf(OUT);
	xh_mkdirs(OUT);
	xh_year *y = fake_year(OUT "/year");
	test_kill(y);
	test_hash();
	test_render();
	test_stage(y);
	test_template(y);
	free_year(y);
	return h_done();
}
