/*
 * rows_xlsx.c — XLSX records: the first worksheet of the workbook, read
 * with libzip and libxml2's streaming reader so that a sheet of a million
 * rows never becomes a tree.
 *
 *     _rels/.rels ─officeDocument─► xl/workbook.xml ─ sheets/sheet[1] r:id ─┐
 *     xl/_rels/workbook.xml.rels ─ Id → worksheet target ◄──────────────────┘
 *                               ├─ sharedStrings → loaded whole (streamed)
 *                               └─ styles → cellXfs[s].numFmtId → date or not
 *     xl/worksheets/sheetN.xml ─ zip_fread ─► xmlTextReader ─► one <row> at a time
 *
 * What is decompressed is bounded: each part by a size cap and, past
 * 1 MiB, by its compression ratio (as in opc.c); streams stop at the
 * declared size whatever the data says.
 */
#include "rows_impl.h"
#include "xmlsafe.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <zip.h>

#define MAX_SHEET (512ull << 20)
#define MAX_SST (256ull << 20)
#define MAX_SMALL (16ull << 20)    /* workbook, relationships, styles */
#define MAX_RATIO 200

#define REL_WORKBOOK "/officeDocument"
#define REL_SHEET "/worksheet"
#define REL_SST "/sharedStrings"
#define REL_STYLES "/styles"

/* One part read as a stream. */
typedef struct {
	const char *part;
	zip_file_t *zf;
	zip_uint64_t left;     /* bytes the declared size still allows */
	char *ioerr;           /* why the zip stream failed */
	xmlTextReaderPtr rd;
	int xline;             /* the first XML error */
	char *xerr;
} S_stream;

/* A cell of the row being read: text in sst (p) or in rtext (off). */
typedef struct {
	const char *p;
	size_t off, n;
	xh_cell_kind kind;
	double num;
} S_xc;

typedef struct {
	xh_rows *r;
	zip_t *za;
	locale_t cloc;          /* "C": numbers are read and written with '.' */
	int date1904;
	unsigned char *xf_date; /* by cellXfs index: the number format is a date */
	size_t nxf;
	xh_buf sst;             /* shared strings, trimmed, each NUL-terminated */
	size_t *sst_off, *sst_len;
	size_t nsst, capsst;
	char *sheet_part;
	S_stream sh;
	/* the row being read */
	S_xc *rc;
	size_t rcap, rn, rlast; /* slots set; 1 + last non-empty column */
	xh_buf rtext;
	xh_buf val;             /* the current cell's <v> or inline text */
	unsigned long rownum;
	long col;
	char ctype[12];
	long cstyle;
	int in_data, in_row, in_c, in_is, rph, collect;
} S_xlsx;

/* ---- zip parts ---- */

static zip_int64_t S_locate(S_xlsx *x, const char *name)
{
	zip_int64_t i = zip_name_locate(x->za, name, 0);
	return i >= 0 ? i : zip_name_locate(x->za, name, ZIP_FL_NOCASE);
}

static int S_stat(S_xlsx *x, zip_int64_t idx, const char *name, zip_uint64_t cap,
                  zip_stat_t *st)
{
	if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, st) != 0) {
		xhr_err(x->r, 0, 0, "%s: %s", name, zip_strerror(x->za));
		return -1;
	}
	if (st->encryption_method != ZIP_EM_NONE) {
		xhr_err(x->r, 0, 0, "%s: encrypted; save the workbook without a password", name);
		return -1;
	}
	if (st->size > cap ||
	    (st->size > (1u << 20) && st->comp_size && st->size / st->comp_size > MAX_RATIO)) {
		xhr_err(x->r, 0, 0, "%s: too large or too highly compressed to read safely "
		        "(%llu bytes from %llu)", name, (unsigned long long)st->size,
		        (unsigned long long)st->comp_size);
		return -1;
	}
	return 0;
}

/* A small part, whole (never more than its declared size). */
static int S_read_small(S_xlsx *x, const char *name, xh_buf *out)
{
	zip_stat_t st;
	zip_int64_t idx = S_locate(x, name);
	if (idx < 0) {
		xhr_err(x->r, 0, 0, "not an XLSX workbook (no %s)", name);
		return -1;
	}
	if (S_stat(x, idx, name, MAX_SMALL, &st) != 0)
		return -1;
	zip_file_t *zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
	if (!zf) {
		xhr_err(x->r, 0, 0, "%s: %s", name, zip_strerror(x->za));
		return -1;
	}
	out->len = 0;
	xh_buf_reserve(out, st.size);
	zip_int64_t got = zip_fread(zf, out->data, st.size);
	if (got < 0 || (zip_uint64_t)got != st.size) {
		xhr_err(x->r, 0, 0, "%s: corrupt entry: %s", name,
		        got < 0 ? zip_file_strerror(zf) : "shorter than declared");
		zip_fclose(zf);
		return -1;
	}
	zip_fclose(zf);
	out->len = (size_t)got;
	return 0;
}

static xmlDoc *S_read_doc(S_xlsx *x, const char *name)
{
	xh_buf b = XH_BUF_INIT;
	if (S_read_small(x, name, &b) != 0) {
		xh_buf_free(&b);
		return NULL;
	}
	char *where = xasprintf("%s: %s", x->r->path, name);
	xmlDoc *doc = xh_xml_read(b.data, b.len, where, x->r->diag);
	free(where);
	xh_buf_free(&b);
	if (doc && !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		doc = NULL;
		xhr_err(x->r, 0, 0, "%s: no root element", name);
	}
	return doc;
}

static int S_io_read(void *ctx, char *buf, int len)
{
	S_stream *s = ctx;
	if (!s->left || len <= 0)
		return 0;
	zip_uint64_t want = (zip_uint64_t)len < s->left ? (zip_uint64_t)len : s->left;
	zip_int64_t got = zip_fread(s->zf, buf, want);
	if (got < 0) {
		if (!s->ioerr)
			s->ioerr = xstrdup(zip_file_strerror(s->zf));
		return -1;
	}
	if (got == 0) {
		if (!s->ioerr)
			s->ioerr = xstrdup("shorter than declared");
		return -1;
	}
	s->left -= (zip_uint64_t)got;
	return (int)got;
}

static void S_xml_error(void *ctx, xmlErrorPtr err)
{
	S_stream *s = ctx;
	if (!err || err->level < XML_ERR_ERROR || s->xerr)
		return;
	s->xline = err->line;
	s->xerr = xh_one_line(err->message ? err->message : "malformed XML");
	size_t n = strlen(s->xerr);
	while (n && (s->xerr[n - 1] == '\n' || s->xerr[n - 1] == ' '))
		s->xerr[--n] = '\0';
}

static int S_stream_open(S_xlsx *x, S_stream *s, const char *part, zip_uint64_t cap)
{
	s->part = part;
	zip_stat_t st;
	zip_int64_t idx = S_locate(x, part);
	if (idx < 0) {
		xhr_err(x->r, 0, 0, "not an XLSX workbook (no %s)", part);
		return -1;
	}
	if (S_stat(x, idx, part, cap, &st) != 0)
		return -1;
	s->zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
	if (!s->zf) {
		xhr_err(x->r, 0, 0, "%s: %s", part, zip_strerror(x->za));
		return -1;
	}
	s->left = st.size;
	s->rd = xmlReaderForIO(S_io_read, NULL, s, part, NULL, XH_XML_OPTIONS);
	if (!s->rd) {
		xhr_err(x->r, 0, 0, "%s: cannot start the XML reader", part);
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(s->rd, S_xml_error, s);
	return 0;
}

static void S_stream_close(S_stream *s)
{
	if (s->rd)
		xmlFreeTextReader(s->rd);
	if (s->zf)
		zip_fclose(s->zf);
	free(s->ioerr);
	free(s->xerr);
	memset(s, 0, sizeof(*s));
}

/* The next node: 1, 0 at the end, -1 with the reason reported. */
static int S_stream_read(S_xlsx *x, S_stream *s)
{
	int rc = xmlTextReaderRead(s->rd);
	if (rc > 0 && xmlTextReaderNodeType(s->rd) == XML_READER_TYPE_DOCUMENT_TYPE) {
		xhr_err(x->r, 0, 0, "%s: has a document type declaration (DTD); "
		        "xhgen does not read DTDs or entities", s->part);
		return -1;
	}
	if (rc >= 0 && !s->xerr && !s->ioerr)
		return rc;
	if (s->ioerr)
		xhr_err(x->r, 0, 0, "%s: corrupt entry: %s", s->part, s->ioerr);
	else
		xhr_err(x->r, 0, 0, "%s:%d: malformed XML: %s", s->part, s->xline,
		        s->xerr ? s->xerr : "unreadable");
	return -1;
}

static int S_is(const xmlChar *a, const char *b)
{
	return a && !strcmp((const char *)a, b);
}

/* ---- relationships, workbook, styles, shared strings ---- */

typedef struct {
	char *id, *type, *target;
} S_rel;

static void S_rels_free(S_rel *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].id);
		free(r[i].type);
		free(r[i].target);
	}
	free(r);
}

/* Internal relationships of a part; none (not an error) when the rels
 * part is missing. */
static S_rel *S_rels(S_xlsx *x, const char *name, size_t *n, int *bad)
{
	*n = 0;
	*bad = 0;
	if (S_locate(x, name) < 0)
		return NULL;
	xmlDoc *doc = S_read_doc(x, name);
	if (!doc) {
		*bad = 1;
		return NULL;
	}
	S_rel *r = NULL;
	size_t cap = 0;
	for (xmlNode *c = xmlDocGetRootElement(doc)->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !S_is(c->name, "Relationship"))
			continue;
		xmlChar *id = xmlGetProp(c, (const xmlChar *)"Id");
		xmlChar *type = xmlGetProp(c, (const xmlChar *)"Type");
		xmlChar *target = xmlGetProp(c, (const xmlChar *)"Target");
		xmlChar *mode = xmlGetProp(c, (const xmlChar *)"TargetMode");
		if (id && type && target && !S_is(mode, "External")) {
			XH_GROW(r, cap, *n + 1);
			r[*n].id = xstrdup((const char *)id);
			r[*n].type = xstrdup((const char *)type);
			r[*n].target = xstrdup((const char *)target);
			(*n)++;
		}
		xmlFree(id);
		xmlFree(type);
		xmlFree(target);
		xmlFree(mode);
	}
	xmlFreeDoc(doc);
	return r;
}

static int S_ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* A relationship target against the folder of its source part:
 * "worksheets/sheet1.xml" from "xl/" is "xl/worksheets/sheet1.xml". */
static char *S_resolve(const char *dir, const char *target)
{
	xh_buf in = XH_BUF_INIT, out = XH_BUF_INIT;
	if (target[0] == '/')
		target++;
	else
		xh_buf_adds(&in, dir);
	xh_buf_adds(&in, target);
	const char *s = xh_buf_cstr(&in);
	while (*s) {
		size_t k = strcspn(s, "/");
		if (k == 2 && !strncmp(s, "..", 2)) {
			while (out.len && out.data[out.len - 1] != '/')
				out.len--;
			if (out.len)
				out.len--; /* the slash before the dropped folder */
		} else if (k && !(k == 1 && s[0] == '.')) {
			if (out.len)
				xh_buf_addc(&out, '/');
			xh_buf_add(&out, s, k);
		}
		s += k + (s[k] == '/');
	}
	xh_buf_free(&in);
	return xh_buf_detach(&out);
}

static int S_builtin_date(long id)
{
	/* 14–22 dates and times, 45–47 times, 27–36 and 50–58 the CJK date
	 * formats of Chinese, Japanese and Korean Excel */
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
	       (id >= 50 && id <= 58);
}

/* A custom format is a date when y, m or d appears as a token: not inside
 * [colour/locale/condition], "literal text", after \ (escape), _ (space
 * the width of) or * (repeat). */
static int S_code_is_date(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '"':
			s = strchr(s + 1, '"');
			if (!s)
				return 0;
			break;
		case '[':
			s = strchr(s + 1, ']');
			if (!s)
				return 0;
			break;
		case '\\':
		case '_':
		case '*':
			if (!s[1])
				return 0;
			s++;
			break;
		case 'y': case 'Y': case 'm': case 'M': case 'd': case 'D':
			return 1;
		default:
			break;
		}
	}
	return 0;
}

static long S_long_prop(xmlNode *n, const char *name, long dflt)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	long r = dflt;
	if (v) {
		char *end;
		long k = strtol((const char *)v, &end, 10);
		if (end != (char *)v && !*end)
			r = k;
	}
	xmlFree(v);
	return r;
}

static int S_load_styles(S_xlsx *x, const char *part)
{
	xmlDoc *doc = S_read_doc(x, part);
	if (!doc)
		return -1;
	long *ids = NULL;
	char **codes = NULL;
	size_t ncode = 0, capcode = 0, capxf = 0;
	xmlNode *root = xmlDocGetRootElement(doc);
	for (xmlNode *sec = root->children; sec; sec = sec->next) {
		if (sec->type != XML_ELEMENT_NODE)
			continue;
		if (S_is(sec->name, "numFmts")) {
			for (xmlNode *f = sec->children; f; f = f->next) {
				if (f->type != XML_ELEMENT_NODE || !S_is(f->name, "numFmt"))
					continue;
				xmlChar *code = xmlGetProp(f, (const xmlChar *)"formatCode");
				XH_GROW(ids, capcode, ncode + 1);
				codes = xrealloc(codes, capcode * sizeof(*codes));
				ids[ncode] = S_long_prop(f, "numFmtId", -1);
				codes[ncode++] = xstrdup(code ? (const char *)code : "");
				xmlFree(code);
			}
		} else if (S_is(sec->name, "cellXfs")) {
			for (xmlNode *f = sec->children; f; f = f->next) {
				if (f->type != XML_ELEMENT_NODE || !S_is(f->name, "xf"))
					continue;
				long id = S_long_prop(f, "numFmtId", 0);
				int date = S_builtin_date(id);
				/* a format the file defines wins over the built-in one */
				for (size_t i = 0; i < ncode; i++)
					if (ids[i] == id)
						date = S_code_is_date(codes[i]);
				XH_GROW(x->xf_date, capxf, x->nxf + 1);
				x->xf_date[x->nxf++] = (unsigned char)date;
			}
		}
	}
	for (size_t i = 0; i < ncode; i++)
		free(codes[i]);
	free(codes);
	free(ids);
	xmlFreeDoc(doc);
	return 0;
}

static void S_sst_push(S_xlsx *x, const char *s, size_t n)
{
	xh_trim(&s, &n);
	if (x->nsst == x->capsst) {
		XH_GROW(x->sst_off, x->capsst, x->nsst + 1);
		x->sst_len = xrealloc(x->sst_len, x->capsst * sizeof(*x->sst_len));
	}
	x->sst_off[x->nsst] = x->sst.len;
	x->sst_len[x->nsst++] = n;
	xh_buf_add(&x->sst, s, n);
	xh_buf_addc(&x->sst, '\0');
}

/* <sst><si><t>…</t></si><si><r><t>…</t></r>…<rPh><t>phonetic</t></rPh></si>:
 * the runs joined, the phonetic guide left out. */
static int S_load_sst(S_xlsx *x, const char *part)
{
	S_stream s = {0};
	if (S_stream_open(x, &s, part, MAX_SST) != 0) {
		S_stream_close(&s);
		return -1;
	}
	xh_buf cur = XH_BUF_INIT;
	int in_si = 0, in_t = 0, rph = 0, rc;
	while ((rc = S_stream_read(x, &s)) > 0) {
		int type = xmlTextReaderNodeType(s.rd);
		const xmlChar *n = xmlTextReaderConstLocalName(s.rd);
		if (type == XML_READER_TYPE_ELEMENT) {
			int empty = xmlTextReaderIsEmptyElement(s.rd);
			if (S_is(n, "si")) {
				if (empty)
					S_sst_push(x, "", 0);
				in_si = !empty;
				cur.len = 0;
			} else if (S_is(n, "rPh")) {
				rph = !empty;
			} else if (S_is(n, "t")) {
				in_t = in_si && !rph && !empty;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (S_is(n, "t")) {
				in_t = 0;
			} else if (S_is(n, "rPh")) {
				rph = 0;
			} else if (S_is(n, "si")) {
				S_sst_push(x, cur.data ? cur.data : "", cur.len);
				in_si = 0;
			}
		} else if (in_t) {
			const xmlChar *v = xmlTextReaderConstValue(s.rd);
			if (v)
				xh_buf_adds(&cur, (const char *)v);
		}
	}
	xh_buf_free(&cur);
	S_stream_close(&s);
	return rc;
}

/* ---- dates ---- */

/* Civil date of a day count from 1970-01-01 (H. Hinnant's algorithm). */
static void S_civil(long z, long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long)yoe + era * 400 + (*m <= 2);
}

static long S_days(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void S_digits(char *o, unsigned long v, int w)
{
	for (int i = w - 1; i >= 0; i--, v /= 10)
		o[i] = (char)('0' + v % 10);
}

/* "YYYY-MM-DD" of a serial, or -1 when it is no day (a time of day alone,
 * negative, past 9999).  The 1900 system keeps Lotus's 1900-02-29 as
 * serial 60, as Excel does, so 61 is 1900-03-01. */
static int S_serial_text(double v, int d1904, char *out)
{
	if (!(v >= 0 && v < 2958466.0))
		return -1;
	long s = (long)v, days;
	if (d1904) {
		days = s - 24107; /* serial 0 = 1904-01-01 */
	} else if (s == 60) {
		memcpy(out, "1900-02-29", 11);
		return 0;
	} else if (s < 1) {
		return -1; /* Excel's "1900-01-00" */
	} else {
		days = s - (s < 60 ? 1 : 2) - 25567; /* serial 1 = 1900-01-01 */
	}
	long y;
	unsigned m, d;
	S_civil(days, &y, &m, &d);
	if (y > 9999)
		return -1;
	/* by hand: y is 1900–9999 here, which snprintf's checker cannot see */
	S_digits(out, (unsigned long)y, 4);
	out[4] = '-';
	S_digits(out + 5, m, 2);
	out[7] = '-';
	S_digits(out + 8, d, 2);
	out[10] = '\0';
	return 0;
}

/* t="d": an ISO 8601 date ("2025-03-01" or "2025-03-01T…"). */
static int S_iso_date(const char *s, size_t n, int d1904, char *out, double *serial)
{
	if (n < 10 || (n > 10 && s[10] != 'T'))
		return -1;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return -1;
	long y = strtol(s, NULL, 10);
	unsigned m = (unsigned)strtoul(s + 5, NULL, 10), d = (unsigned)strtoul(s + 8, NULL, 10);
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))))
		return -1;
	long days = S_days(y, m, d);
	*serial = d1904 ? (double)(days + 24107) : (double)(days + 25567 + (days >= -25508 ? 2 : 1));
	memcpy(out, s, 10);
	out[10] = '\0';
	return 0;
}

/* The shortest text that reads back as v: %.15g never invents digits, and
 * %g drops trailing zeros (50000, 0.1, 5.5). */
static void S_num_text(double v, char *buf, size_t cap)
{
	if (v == 0)
		v = 0; /* no "-0" */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, cap, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
}

/* ---- the sheet ---- */

static const char *S_cellname(long col, unsigned long row, char *buf)
{
	char c[8];
	snprintf(buf, 32, "%s%lu", xhr_colname((size_t)col, c), row);
	return buf;
}

static void S_row_start(S_xlsx *x)
{
	unsigned long rownum = x->rownum + 1;
	while (xmlTextReaderMoveToNextAttribute(x->sh.rd) > 0) {
		if (S_is(xmlTextReaderConstLocalName(x->sh.rd), "r")) {
			const char *v = (const char *)xmlTextReaderConstValue(x->sh.rd);
			char *end;
			unsigned long k = v ? strtoul(v, &end, 10) : 0;
			if (k && !*end)
				rownum = k;
		}
	}
	xmlTextReaderMoveToElement(x->sh.rd);
	x->rownum = rownum;
	x->rn = x->rlast = 0;
	x->rtext.len = 0;
	x->col = -1;
}

static int S_cell_start(S_xlsx *x)
{
	long col = x->col + 1;
	x->ctype[0] = '\0';
	x->cstyle = 0;
	x->val.len = 0;
	while (xmlTextReaderMoveToNextAttribute(x->sh.rd) > 0) {
		const xmlChar *n = xmlTextReaderConstLocalName(x->sh.rd);
		const char *v = (const char *)xmlTextReaderConstValue(x->sh.rd);
		if (!v)
			continue;
		if (S_is(n, "r")) {
			long c = 0;
			const char *s = v;
			for (; (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'); s++) {
				c = c * 26 + ((*s | 0x20) - 'a' + 1);
				if (c > XHR_MAX_COLS)
					break;
			}
			if (c < 1 || c > XHR_MAX_COLS) {
				xhr_err(x->r, x->rownum, 0, "bad cell reference \"%s\"", v);
				return -1;
			}
			col = c - 1;
		} else if (S_is(n, "t")) {
			snprintf(x->ctype, sizeof(x->ctype), "%s", v);
		} else if (S_is(n, "s")) {
			x->cstyle = strtol(v, NULL, 10);
		}
	}
	xmlTextReaderMoveToElement(x->sh.rd);
	if (col >= XHR_MAX_COLS) {
		xhr_err(x->r, x->rownum, 0, "more than %d columns", XHR_MAX_COLS);
		return -1;
	}
	x->col = col;
	return 0;
}

static void S_put_text(S_xlsx *x, S_xc *c, const char *s, size_t n)
{
	c->p = NULL;
	c->off = x->rtext.len;
	c->n = n;
	xh_buf_add(&x->rtext, s, n);
	xh_buf_addc(&x->rtext, '\0');
}

static int S_cell_end(S_xlsx *x)
{
	char name[32], tmp[40];
	/* NUL-terminated for strtod and strtoul, which stop at the trimmed end */
	const char *s = xh_buf_cstr(&x->val);
	size_t n = x->val.len;
	const char *t = x->ctype;
	S_xc c = {NULL, 0, 0, XH_CELL_EMPTY, 0};
	xh_trim(&s, &n);
	if (!n && strcmp(t, "e")) {
		/* no value (a formula never calculated, or a styled blank) */
	} else if (!strcmp(t, "s")) {
		char *end;
		unsigned long k = strtoul(s, &end, 10);
		if (end != s + n || s[0] == '-' || k >= x->nsst) {
			xhr_err(x->r, x->rownum, 0, "cell %s: shared string %.*s does not exist",
			        S_cellname(x->col, x->rownum, name), (int)n, s);
			return -1;
		}
		c.p = x->sst.data + x->sst_off[k];
		c.n = x->sst_len[k];
		c.kind = c.n ? XH_CELL_TEXT : XH_CELL_EMPTY;
	} else if (!strcmp(t, "str") || !strcmp(t, "inlineStr")) {
		S_put_text(x, &c, s, n);
		c.kind = XH_CELL_TEXT;
	} else if (!strcmp(t, "b")) {
		int b = n == 1 && (s[0] == '1' || s[0] == '0') ? s[0] == '1'
		      : n == 4 && !strncmp(s, "true", 4) ? 1 : n == 5 && !strncmp(s, "false", 5) ? 0 : -1;
		if (b < 0) {
			xhr_err(x->r, x->rownum, 0, "cell %s: not a boolean: %.*s",
			        S_cellname(x->col, x->rownum, name), (int)n, s);
			return -1;
		}
		S_put_text(x, &c, b ? "TRUE" : "FALSE", b ? 4 : 5);
		c.kind = XH_CELL_BOOL;
		c.num = b;
	} else if (!strcmp(t, "e")) {
		xhr_err(x->r, x->rownum, 0, "cell %s holds the error value %.*s; correct the "
		        "formula or type the value", S_cellname(x->col, x->rownum, name),
		        n ? (int)n : 9, n ? s : "(unknown)");
		return -1;
	} else if (!strcmp(t, "d")) {
		if (S_iso_date(s, n, x->date1904, tmp, &c.num) != 0) {
			xhr_err(x->r, x->rownum, 0, "cell %s: not a date: %.*s",
			        S_cellname(x->col, x->rownum, name), (int)n, s);
			return -1;
		}
		S_put_text(x, &c, tmp, 10);
		c.kind = XH_CELL_DATE;
	} else if (!t[0] || !strcmp(t, "n")) {
		char *end;
		double v = strtod(s, &end);
		if (end != s + n || !isfinite(v)) {
			xhr_err(x->r, x->rownum, 0, "cell %s: not a number: %.*s",
			        S_cellname(x->col, x->rownum, name), (int)n, s);
			return -1;
		}
		c.num = v;
		int date = x->cstyle >= 0 && (size_t)x->cstyle < x->nxf && x->xf_date[x->cstyle];
		/* a time of day alone, or out of range, stays a number */
		if (date && S_serial_text(v, x->date1904, tmp) == 0) {
			S_put_text(x, &c, tmp, 10);
			c.kind = XH_CELL_DATE;
		} else {
			S_num_text(v, tmp, sizeof(tmp));
			S_put_text(x, &c, tmp, strlen(tmp));
			c.kind = XH_CELL_NUMBER;
		}
	} else {
		xhr_err(x->r, x->rownum, 0, "cell %s: unknown cell type t=\"%s\"",
		        S_cellname(x->col, x->rownum, name), t);
		return -1;
	}
	size_t col = (size_t)x->col;
	if (col >= x->rn) {
		XH_GROW(x->rc, x->rcap, col + 1);
		for (size_t i = x->rn; i <= col; i++)
			x->rc[i] = (S_xc){NULL, 0, 0, XH_CELL_EMPTY, 0};
		x->rn = col + 1;
	}
	x->rc[col] = c;
	if (c.kind != XH_CELL_EMPTY && col + 1 > x->rlast)
		x->rlast = col + 1;
	return 0;
}

/* Reads up to the end of the next row that has a value: 1, 0 at the end
 * of the sheet's data, -1 on an error (reported). */
static int S_sheet_row(S_xlsx *x)
{
	xmlTextReaderPtr rd = x->sh.rd;
	int rc;
	while ((rc = S_stream_read(x, &x->sh)) > 0) {
		int type = xmlTextReaderNodeType(rd);
		if (type == XML_READER_TYPE_ELEMENT) {
			const xmlChar *n = xmlTextReaderConstLocalName(rd);
			int empty = xmlTextReaderIsEmptyElement(rd);
			if (!x->in_data) {
				x->in_data = S_is(n, "sheetData") && !empty;
			} else if (S_is(n, "row")) {
				S_row_start(x);
				x->in_row = !empty; /* <row r="3"/> has no value */
			} else if (!x->in_row) {
				continue;
			} else if (S_is(n, "c")) {
				if (S_cell_start(x) != 0)
					return -1;
				if (empty && S_cell_end(x) != 0)
					return -1;
				x->in_c = !empty;
			} else if (!x->in_c) {
				continue;
			} else if (S_is(n, "v")) {
				x->collect = !empty;
			} else if (S_is(n, "is")) {
				x->in_is = !empty;
			} else if (S_is(n, "rPh")) {
				x->rph = !empty;
			} else if (S_is(n, "t")) {
				x->collect = x->in_is && !x->rph && !empty;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (!x->in_data)
				continue;
			const xmlChar *n = xmlTextReaderConstLocalName(rd);
			if (S_is(n, "v") || S_is(n, "t")) {
				x->collect = 0;
			} else if (S_is(n, "rPh")) {
				x->rph = 0;
			} else if (S_is(n, "is")) {
				x->in_is = 0;
			} else if (S_is(n, "c")) {
				x->in_c = x->collect = x->in_is = x->rph = 0;
				if (S_cell_end(x) != 0)
					return -1;
			} else if (S_is(n, "row")) {
				x->in_row = 0;
				if (x->rlast)
					return 1;
			} else if (S_is(n, "sheetData")) {
				/* what follows (merged cells, page setup) is not data */
				x->in_data = 0;
				return 0;
			}
		} else if (x->collect) {
			const xmlChar *v = xmlTextReaderConstValue(rd);
			if (v)
				xh_buf_adds(&x->val, (const char *)v);
		}
	}
	return rc;
}

static void S_fill(S_xlsx *x, xh_cell *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i < x->rn && x->rc[i].kind != XH_CELL_EMPTY) {
			const S_xc *c = &x->rc[i];
			out[i].s = c->p ? c->p : x->rtext.data + c->off;
			out[i].n = c->n;
			out[i].kind = c->kind;
			out[i].num = c->num;
		} else {
			out[i] = (xh_cell){"", 0, XH_CELL_EMPTY, 0};
		}
	}
}

static int S_next_c(xh_rows *r, xh_row *row)
{
	S_xlsx *x = r->impl;
	int rc = S_sheet_row(x);
	if (rc <= 0)
		return rc;
	if (x->rlast > r->ncols) {
		size_t i = r->ncols;
		while (x->rc[i].kind == XH_CELL_EMPTY)
			i++;
		char name[32], a[8], b[8];
		xhr_err(r, x->rownum, 0, "cell %s has a value but column %s has no header "
		        "(the header ends at column %s)", S_cellname((long)i, x->rownum, name),
		        xhr_colname(i, a), r->ncols ? xhr_colname(r->ncols - 1, b) : "-");
		return -1;
	}
	S_fill(x, r->out, r->ncols);
	row->row = row->line = x->rownum;
	return 1;
}

static int S_next(xh_rows *r, xh_row *row)
{
	S_xlsx *x = r->impl;
	/* strtod and %g read and write '.' whatever LC_NUMERIC says */
	locale_t old = x->cloc ? uselocale(x->cloc) : (locale_t)0;
	int rc = S_next_c(r, row);
	if (x->cloc)
		uselocale(old);
	return rc;
}

static void S_free(xh_rows *r)
{
	S_xlsx *x = r->impl;
	if (!x)
		return;
	S_stream_close(&x->sh);
	if (x->za)
		zip_discard(x->za);
	if (x->cloc)
		freelocale(x->cloc);
	free(x->xf_date);
	xh_buf_free(&x->sst);
	free(x->sst_off);
	free(x->sst_len);
	free(x->sheet_part);
	free(x->rc);
	xh_buf_free(&x->rtext);
	xh_buf_free(&x->val);
	free(x);
	r->impl = NULL;
}

/* Finds the workbook part and its first worksheet; reads date1904. */
static int S_workbook(S_xlsx *x, char **wb_dir, char **sheet, char **sst, char **styles)
{
	size_t n;
	int bad;
	char *wb = NULL;
	S_rel *rels = S_rels(x, "_rels/.rels", &n, &bad);
	if (bad)
		return -1;
	for (size_t i = 0; i < n && !wb; i++)
		if (S_ends(rels[i].type, REL_WORKBOOK))
			wb = S_resolve("", rels[i].target);
	S_rels_free(rels, n);
	if (!wb)
		wb = xstrdup("xl/workbook.xml");
	const char *slash = strrchr(wb, '/');
	*wb_dir = xstrndup(wb, slash ? (size_t)(slash - wb + 1) : 0);
	xmlDoc *doc = S_read_doc(x, wb);
	if (!doc) {
		free(wb);
		return -1;
	}
	char *relname = xasprintf("%s_rels/%s.rels", *wb_dir, slash ? slash + 1 : wb);
	rels = S_rels(x, relname, &n, &bad);
	free(relname);
	if (bad) {
		xmlFreeDoc(doc);
		free(wb);
		return -1;
	}
	for (xmlNode *sec = xmlDocGetRootElement(doc)->children; sec; sec = sec->next) {
		if (sec->type != XML_ELEMENT_NODE)
			continue;
		if (S_is(sec->name, "workbookPr")) {
			xmlChar *v = xmlGetProp(sec, (const xmlChar *)"date1904");
			x->date1904 = S_is(v, "1") || S_is(v, "true");
			xmlFree(v);
		}
		if (!S_is(sec->name, "sheets"))
			continue;
		/* sheets in workbook order; a chart sheet has no rows */
		for (xmlNode *s = sec->children; s && !*sheet; s = s->next) {
			if (s->type != XML_ELEMENT_NODE || !S_is(s->name, "sheet"))
				continue;
			for (xmlAttr *a = s->properties; a && !*sheet; a = a->next) {
				if (!a->ns || !S_is(a->name, "id"))
					continue;
				xmlChar *id = xmlNodeListGetString(doc, a->children, 1);
				/* the first matching relationship: a repeated id must
				 * not replace (and leak) the one found */
				for (size_t i = 0; i < n && !*sheet; i++)
					if (S_is(id, rels[i].id) && S_ends(rels[i].type, REL_SHEET))
						*sheet = S_resolve(*wb_dir, rels[i].target);
				xmlFree(id);
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!*sst && S_ends(rels[i].type, REL_SST))
			*sst = S_resolve(*wb_dir, rels[i].target);
		if (!*styles && S_ends(rels[i].type, REL_STYLES))
			*styles = S_resolve(*wb_dir, rels[i].target);
	}
	S_rels_free(rels, n);
	xmlFreeDoc(doc);
	free(wb);
	if (!*sheet) {
		xhr_err(x->r, 0, 0, "the workbook has no worksheet");
		return -1;
	}
	return 0;
}

static int S_open(xh_rows *r, S_xlsx *x)
{
	FILE *f = fopen(r->path, "rb");
	if (!f) {
		xhr_err(r, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	unsigned char magic[4] = {0};
	size_t nm = fread(magic, 1, 4, f);
	fclose(f);
	if (nm == 4 && !memcmp(magic, "\xD0\xCF\x11\xE0", 4)) {
		xhr_err(r, 0, 0, "not a zip archive: a password-protected workbook or an "
		        ".xls file renamed .xlsx; save it as .xlsx without a password");
		return -1;
	}
	int zerr = 0;
	x->za = zip_open(r->path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (!x->za) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		xhr_err(r, 0, 0, "not an XLSX workbook (not a valid zip archive: %s)",
		        zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	char *dir = NULL, *sst = NULL, *styles = NULL;
	int rc = S_workbook(x, &dir, &x->sheet_part, &sst, &styles);
	if (rc == 0 && sst && S_locate(x, sst) >= 0)
		rc = S_load_sst(x, sst);
	if (rc == 0 && styles && S_locate(x, styles) >= 0)
		rc = S_load_styles(x, styles);
	free(dir);
	free(sst);
	free(styles);
	if (rc != 0)
		return -1;
	if (S_stream_open(x, &x->sh, x->sheet_part, MAX_SHEET) != 0)
		return -1;
	rc = S_sheet_row(x);
	xh_cell *h = NULL;
	/* xh_rows_open_at: rows above the one holding the key (a sheet's
	 * title) are not the header */
	while (rc > 0 && r->header_key) {
		h = xrealloc(h, (x->rlast ? x->rlast : 1) * sizeof(*h));
		S_fill(x, h, x->rlast);
		size_t i = 0, kn = strlen(r->header_key);
		while (i < x->rlast && !(h[i].n == kn && !memcmp(h[i].s, r->header_key, kn)))
			i++;
		if (i < x->rlast)
			break;
		rc = S_sheet_row(x);
	}
	if (rc < 0) {
		free(h);
		return -1;
	}
	if (rc == 0) {
		if (r->header_key)
			xhr_err(r, 0, 0, "no header row holding \"%s\"", r->header_key);
		else
			xhr_err(r, 0, 0, "no header row (the first worksheet is empty)");
		free(h);
		return -1;
	}
	h = xrealloc(h, (x->rlast ? x->rlast : 1) * sizeof(*h));
	S_fill(x, h, x->rlast);
	rc = xhr_set_header(r, h, x->rlast, x->rownum, 0);
	free(h);
	return rc;
}

int xhr_open_xlsx(xh_rows *r)
{
	S_xlsx *x = xcalloc(1, sizeof(*x));
	x->r = r;
	r->enc = "XLSX";
	r->impl = x;
	r->next = S_next;
	r->free = S_free;
	x->cloc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	locale_t old = x->cloc ? uselocale(x->cloc) : (locale_t)0;
	int rc = S_open(r, x);
	if (x->cloc)
		uselocale(old);
	return rc;
}
