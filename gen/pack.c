/*
 * pack.c — the application pack of a year (see pack.h).
 *
 * The order of the work:
 *   1. who gets a form (xh_review_society_eligible) and whether every
 *      form's file name is usable — a bad name stops the run before the
 *      stage is begun, so nothing of an earlier pack is touched;
 *   2. the two templates, and from their SHA-256 and the inputs' the pack
 *      marker every document carries;
 *   3. one form per eligible society, then the 须知, each rendered in
 *      memory, written as a stage file and kept for the zip;
 *   4. the zip (sorted entries, fixed times, UTF-8 names), the commit.
 * Template data is built as JSON with yajl's generator and read back with
 * xh_data_parse(), so a template sees the same model as `fill` does: money
 * as plain 元 with 分 ("50000.00") for the yuan/cny filters, dates as ISO
 * for the date filter.
 */
#include "pack.h"
#include "opc.h"
#include "review.h"
#include "schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_gen.h>
#include <zip.h>

/* The zip's entries all get this time, 1980-01-01 00:00 (the earliest a
 * zip can hold; main.c pins TZ to UTC), as docx.c's do. */
#define S_ZIP_TIME ((time_t)315532800)

#define S_FORM_TEMPLATE "项目申报书.docx"
#define S_NOTICE_TEMPLATE "申报须知.docx"
#define S_FORM_SUFFIX "-项目申报书.docx"
#define S_NOTICE_FILE "申报须知.docx"

/* An enum field's word (SCHEMA.md's list, from schema.c), "" when empty. */
static const char *S_word(const char *field, int v)
{
	const xh_field *f = xh_schema_field(xh_schema_type("societies"), field);
	if (!f || !f->words || v < 0)
		return "";
	for (int i = 0; f->words[i]; i++)
		if (i == v)
			return f->words[i];
	return "";
}

/* ---- template data as JSON ---- */

static void S_key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void S_str(yajl_gen g, const char *k, const char *v)
{
	S_key(g, k);
	yajl_gen_string(g, (const unsigned char *)(v ? v : ""), v ? strlen(v) : 0);
}

static void S_strf(yajl_gen g, const char *k, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
static void S_strf(yajl_gen g, const char *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	S_str(g, k, s);
	free(s);
}

/* Money as plain 元 with 分, "50000.00": what the yuan and cny filters
 * read. */
static void S_money(yajl_gen g, const char *k, xh_fen v)
{
	S_strf(g, k, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
}

static void S_date(yajl_gen g, const char *k, const xh_opt_date *d)
{
	xh_buf b = XH_BUF_INIT;
	if (d->set)
		xh_date_iso(&b, d->d);
	S_str(g, k, xh_buf_cstr(&b));
	xh_buf_free(&b);
}

static void S_int(yajl_gen g, const char *k, int v)
{
	if (v == XH_UNKNOWN)
		S_str(g, k, "");
	else
		S_strf(g, k, "%d", v);
}

static void S_bool(yajl_gen g, const char *k, int v)
{
	S_str(g, k, v == XH_UNKNOWN ? "" : v ? "是" : "否");
}

/* A list of objects [{"member": s, "last": false}, …], each non-empty
 * string once, in the order given; "last" is true on the last one (for
 * separators: {#x}{member}{^last}、{/last}{/x}). */
static void S_list(yajl_gen g, const char *k, const char *member, const char *const *s, size_t n)
{
	size_t *keep = xcalloc(n + 1, sizeof(*keep)), nkeep = 0;
	for (size_t i = 0; i < n; i++) {
		int seen = !*s[i];
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(s[i], s[j]);
		if (!seen)
			keep[nkeep++] = i;
	}
	S_key(g, k);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < nkeep; i++) {
		yajl_gen_map_open(g);
		S_str(g, member, s[keep[i]]);
		S_key(g, "last");
		yajl_gen_bool(g, i + 1 == nkeep);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	free(keep);
}

/* The year's settings every document of the pack shows. */
static void S_programme(yajl_gen g, const xh_year *y)
{
	const xh_programme *p = &y->prog;
	static const char *const digits[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
	xh_buf cn = XH_BUF_INIT;
	char ys[16];
	snprintf(ys, sizeof(ys), "%d", p->year);
	for (const char *c = ys; *c; c++)
		xh_buf_adds(&cn, digits[*c - '0']);
	S_strf(g, "year", "%d", p->year);
	S_str(g, "year_cn", xh_buf_cstr(&cn));
	S_strf(g, "prev_year", "%d", p->year - 1);
	xh_buf_free(&cn);
	S_str(g, "issuer", p->issuer);
	S_str(g, "department", p->department);
	S_money(g, "budget", p->budget);
	static const char *const cls[XH_NCLASS] = {"a", "b", "tg"};
	for (int c = 0; c < XH_NCLASS; c++) {
		char k[32];
		snprintf(k, sizeof(k), "cap_%s", cls[c]);
		S_money(g, k, p->cap[c]);
		snprintf(k, sizeof(k), "class_budget_%s", cls[c]);
		if (p->has_class_budget[c])
			S_money(g, k, p->class_budget[c]);
		else
			S_str(g, k, "");
	}
	S_date(g, "application_deadline", &p->application_deadline);
	S_date(g, "publicity_start", &p->publicity_start);
	S_int(g, "publicity_working_days", p->publicity_working_days);
	S_date(g, "acceptance_deadline", &p->acceptance_deadline);
	S_str(g, "contact_name", p->contact_name);
	S_str(g, "contact_phone", p->contact_phone);
	S_str(g, "contact_email", p->contact_email);
	S_str(g, "contact_address", p->contact_address);
	S_list(g, "categories", "category", (const char *const *)p->categories, p->ncategories);
	const char **reasons = xcalloc(p->nforbidden + 1, sizeof(*reasons));
	for (size_t i = 0; i < p->nforbidden; i++)
		reasons[i] = p->forbidden[i].reason;
	S_list(g, "forbidden", "reason", reasons, p->nforbidden);
	free(reasons);
	S_list(g, "industries", "industry", (const char *const *)p->industries, p->nindustries);
}

/* The registered data of society s (SCHEMA.md's field ids). */
static void S_society(yajl_gen g, const xh_year *y, const xh_society *s)
{
	S_str(g, "id", s->id);
	S_strf(g, "application_id", "%d-%s", y->prog.year, s->id);
	S_str(g, "name", s->name);
	S_str(g, "credit_code", s->credit_code);
	S_str(g, "industry", s->industry);
	S_str(g, "chair", s->chair);
	S_str(g, "secretary_general", s->secretary_general);
	S_str(g, "contact", s->contact);
	S_str(g, "phone", s->phone);
	S_str(g, "email", s->email);
	S_str(g, "address", s->address);
	S_str(g, "media", s->media);
	S_int(g, "members", s->members);
	S_int(g, "party_quarters", s->party_quarters);
	S_str(g, "party_org", S_word("party_org", s->party_org));
	S_date(g, "last_election", &s->last_election);
	S_int(g, "term_years", s->term_years);
	S_str(g, "inspection", S_word("inspection", s->inspection));
	S_bool(g, "independent_accounts", s->independent_accounts);
	S_bool(g, "office", s->office);
}

/* The data of one document: the programme, and the society when s is not
 * NULL.  NULL (with the reason) only if the JSON cannot be read back,
 * which would be a bug. */
static xh_data *S_data(const xh_year *y, const xh_society *s, xh_diag *diag)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	yajl_gen_map_open(g);
	S_programme(g, y);
	if (s)
		S_society(g, y, s);
	yajl_gen_map_close(g);
	const unsigned char *buf;
	size_t len;
	yajl_gen_get_buf(g, &buf, &len);
	xh_data *d = xh_data_parse("json", (const char *)buf, len, s ? s->id : "pack", diag);
	yajl_gen_free(g);
	return d;
}

/* ---- the zip ---- */

typedef struct {
	char *name;
	xh_buf bytes;
} S_entry;

static int S_entry_cmp(const void *a, const void *b)
{
	return strcmp(((const S_entry *)a)->name, ((const S_entry *)b)->name);
}

/* The entries, sorted by name, as one zip in out.  Stored, not deflated:
 * a DOCX is compressed already. */
static xh_err S_zip(S_entry *e, size_t n, xh_buf *out, xh_diag *diag)
{
	qsort(e, n, sizeof(*e), S_entry_cmp);
	zip_source_t *mem;
	char *why;
	zip_t *za = xh_zip_mem_open(&mem, &why);
	if (!za) {
		xh_diag_add(diag, 0, "cannot create the zip: %s", why);
		free(why);
		return XH_ESYS;
	}
	xh_err rc = XH_OK;
	for (size_t i = 0; i < n && rc == XH_OK; i++) {
		zip_source_t *zs = zip_source_buffer(za, e[i].bytes.data, e[i].bytes.len, 0);
		zip_int64_t idx = zs ? zip_file_add(za, e[i].name, zs, ZIP_FL_ENC_UTF_8) : -1;
		if (idx < 0) {
			if (zs)
				zip_source_free(zs);
			rc = XH_ESYS;
			break;
		}
		zip_uint64_t u = (zip_uint64_t)idx;
		if (zip_set_file_compression(za, u, ZIP_CM_STORE, 0) != 0 ||
		    zip_file_set_mtime(za, u, S_ZIP_TIME, 0) != 0 ||
		    zip_file_set_external_attributes(za, u, 0, ZIP_OPSYS_UNIX,
		                                     (zip_uint32_t)0100644 << 16) != 0)
			rc = XH_ESYS;
	}
	if (rc == XH_OK && zip_close(za) == 0) {
		za = NULL;
		if (xh_zip_source_bytes(mem, out) != 0) {
			rc = XH_ESYS;
			xh_diag_add(diag, 0, "cannot read back the zip");
		}
	} else {
		xh_diag_add(diag, 0, "cannot write the zip: %s", za ? zip_strerror(za) : "out of memory");
		zip_discard(za);
		rc = XH_ESYS;
	}
	zip_source_free(mem);
	return rc;
}

/* ---- one document ---- */

/* Fills doc with data into the stage file `name` (with the stage's
 * provenance for record, plus extra) and keeps the same bytes as a zip
 * entry: the zip holds exactly the files beside it. */
static xh_err S_emit(xh_stage *st, const xh_doc *doc, const char *name, const xh_data *data,
                     const char *record, const xh_prop *extra, size_t nextra, S_entry *entry,
                     xh_diag *diag)
{
	xh_err rc = xh_stage_docx(st, doc, name, data, record, extra, nextra, diag);
	if (rc != XH_OK)
		return rc;
	const xh_buf *b = xh_stage_last_docx(st);
	entry->name = xstrdup(name);
	xh_buf_add(&entry->bytes, b->data, b->len);
	return XH_OK;
}

/* ---- the command ---- */

xh_err xh_pack_write(const xh_year *y, const struct xh_review *r, const char *out, FILE *report,
                     xh_stage **keep, xh_diag *diag)
{
	(void)r;
	const char *sfile = xh_year_file(y, "societies", "societies");
	size_t n = y->nsocieties;
	char **why = xcalloc(n + 1, sizeof(*why));
	char **fname = xcalloc(n + 1, sizeof(*fname));
	S_entry *ent = xcalloc(n + 2, sizeof(*ent));
	size_t nent = 0, nforms = 0;
	xh_stage *st = NULL;
	xh_doc *form = NULL, *notice = NULL;
	xh_err rc = XH_OK;

	/* 1. who gets a form, and under which name */
	for (size_t i = 0; i < n; i++) {
		const xh_society *s = &y->societies[i];
		if (!xh_review_society_eligible(y, i, &why[i]))
			continue;
		fname[i] = xasprintf("%s%s", s->name, S_FORM_SUFFIX);
		const char *bad = xh_stage_bad_name(fname[i]);
		if (!bad && fname[i][0] == '.')
			bad = "starts with a dot";
		/* the zip is unpacked on Windows, which refuses these in names */
		if (!bad && strpbrk(fname[i], "<>:\"|?*"))
			bad = "holds one of < > : \" | ? * (not allowed in Windows file names)";
		if (bad) {
			xh_diag_add(diag, 0, "%s:%lu: name (学会名称): cannot name the form \"%s\": %s", sfile,
			            s->row, fname[i], bad);
			rc = XH_EDATA;
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (fname[j] && !strcmp(fname[j], fname[i])) {
				xh_diag_add(diag, 0, "%s:%lu: name (学会名称): the same as row %lu: two forms "
				            "would be named \"%s\"", sfile, s->row, y->societies[j].row, fname[i]);
				rc = XH_EDATA;
				break;
			}
	}
	if (rc != XH_OK)
		goto done;

	/* 2. the templates and the pack marker */
	st = xh_stage_begin(y, out, "pack", diag);
	if (!st) {
		rc = XH_ESYS;
		goto done;
	}
	form = xh_stage_template(st, S_FORM_TEMPLATE, diag);
	notice = xh_stage_template(st, S_NOTICE_TEMPLATE, diag);
	if (!form || !notice) {
		rc = XH_EDATA;
		goto done;
	}
	char pack_sha[XH_SHA256_HEX];
	xh_sha256 *h = xh_sha256_new();
	xh_sha256_add(h, xh_doc_sha256(form), strlen(xh_doc_sha256(form)));
	xh_sha256_add(h, xh_doc_sha256(notice), strlen(xh_doc_sha256(notice)));
	xh_sha256_add(h, xh_stage_inputs_sha256(st), strlen(xh_stage_inputs_sha256(st)));
	xh_sha256_done(h, pack_sha);

	/* 3. the forms, then the 须知 */
	for (size_t i = 0; i < n && rc == XH_OK; i++) {
		const xh_society *s = &y->societies[i];
		if (!fname[i])
			continue;
		char *app = xasprintf("%d-%s", y->prog.year, s->id);
		const xh_prop extra[] = {
			{"xhgen.society", s->id},
			{"xhgen.application", app},
			{"xhgen.pack_sha256", pack_sha},
		};
		xh_data *d = S_data(y, s, diag);
		rc = d ? S_emit(st, form, fname[i], d, s->id, extra, 3, &ent[nent++], diag) : XH_ESYS;
		xh_data_free(d);
		free(app);
		nforms++;
	}
	if (rc == XH_OK) {
		const xh_prop extra[] = {
			{"xhgen.pack_sha256", pack_sha},
		};
		xh_data *d = S_data(y, NULL, diag);
		rc = d ? S_emit(st, notice, S_NOTICE_FILE, d, "", extra, 1, &ent[nent++], diag) : XH_ESYS;
		xh_data_free(d);
	}

	/* 4. the zip and the commit */
	if (rc == XH_OK) {
		xh_buf zb = XH_BUF_INIT;
		char *zname = xasprintf("%d年度申报材料.zip", y->prog.year);
		rc = S_zip(ent, nent, &zb, diag);
		if (rc == XH_OK)
			rc = xh_stage_bytes(st, zname, zb.data, zb.len, diag);
		free(zname);
		xh_buf_free(&zb);
	}
	if (rc == XH_OK)
		rc = xh_stage_commit(st, diag);
	if (rc == XH_OK) {
		size_t nout = 0;
		for (size_t i = 0; i < n; i++) {
			if (fname[i])
				continue;
			const xh_society *s = &y->societies[i];
			fprintf(report, "  %s  %s  不符合申报条件 not eligible: %s\n", s->id, s->name,
			        why[i] ? why[i] : "");
			nout++;
		}
		fprintf(report, "%d年度申报材料 pack %d: %zu 份申报书 forms, %zu 个学会不符合申报条件 "
		        "not eligible; 申报须知 and %d年度申报材料.zip in %s\n", y->prog.year,
		        y->prog.year, nforms, nout, y->prog.year, xh_stage_dir(st));
	}

done:
	if (rc == XH_OK && keep) {
		*keep = st;
		st = NULL;
	}
	xh_stage_free(st);
	xh_doc_free(form);
	xh_doc_free(notice);
	for (size_t i = 0; i < nent; i++) {
		free(ent[i].name);
		xh_buf_free(&ent[i].bytes);
	}
	for (size_t i = 0; i < n; i++) {
		free(why[i]);
		free(fname[i]);
	}
	free(ent);
	free(why);
	free(fname);
	return rc;
}
