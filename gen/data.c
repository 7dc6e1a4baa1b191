/*
 * data.c — the value arena and its JSON and XML readers (see data.h).
 */
#include "data.h"
#include "rows.h"
#include "schema.h"
#include "xmlsafe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <yajl/yajl_parse.h>

struct xh_data {
	xh_val *vals;      /* the arena of values */
	uint32_t *keys;    /* keys[i]: symbol of vals[i] as an object member */
	size_t nvals, capvals;
	xh_buf str;        /* string bytes; also the symbols' text */
	/* symbol table: open addressing over (off, len) in str */
	uint32_t *symoff, *symlen; /* by symbol id (0 unused) */
	size_t nsym, capsym;
	uint32_t *hash;            /* symbol ids, 0 = empty */
	size_t hcap;
	xh_vref root;
	int xml;           /* read from XML: records are the root's children */
	int table;         /* read from CSV or XLSX: records are root.rows */
	uint32_t *rowkeys; /* xh_data_row_new(): the columns' symbols */
	size_t nrowkeys, str_base;
};

static uint32_t S_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static uint32_t S_sym_find(const xh_data *d, const char *s, size_t n, size_t *slot)
{
	if (!d->hcap)
		return 0;
	size_t i = S_hash(s, n) & (d->hcap - 1);
	for (;;) {
		uint32_t id = d->hash[i];
		if (!id) {
			if (slot)
				*slot = i;
			return 0;
		}
		if (d->symlen[id] == n && memcmp(d->str.data + d->symoff[id], s, n) == 0)
			return id;
		i = (i + 1) & (d->hcap - 1);
	}
}

static uint32_t S_sym_intern(xh_data *d, const char *s, size_t n)
{
	if ((d->nsym + 1) * 2 >= d->hcap) {
		size_t ncap = d->hcap ? d->hcap * 2 : 64;
		uint32_t *nh = xcalloc(ncap, sizeof(*nh));
		for (size_t id = 1; id <= d->nsym; id++) {
			size_t i = S_hash(d->str.data + d->symoff[id], d->symlen[id]) & (ncap - 1);
			while (nh[i])
				i = (i + 1) & (ncap - 1);
			nh[i] = (uint32_t)id;
		}
		free(d->hash);
		d->hash = nh;
		d->hcap = ncap;
	}
	size_t slot = 0; /* set by S_sym_find: the table is never empty here */
	uint32_t id = S_sym_find(d, s, n, &slot);
	if (id)
		return id;
	id = (uint32_t)++d->nsym;
	XH_GROW(d->symoff, d->capsym, d->nsym + 1);
	d->symlen = xrealloc(d->symlen, d->capsym * sizeof(*d->symlen));
	d->symoff[id] = (uint32_t)d->str.len;
	d->symlen[id] = (uint32_t)n;
	xh_buf_add(&d->str, s, n);
	d->hash[slot] = id;
	return id;
}

static xh_data *S_new(void)
{
	xh_data *d = xcalloc(1, sizeof(*d));
	d->root = XH_NONE;
	xh_buf_addc(&d->str, '\0'); /* offset 0 is the empty string */
	d->str.len = 0;
	return d;
}

void xh_data_free(xh_data *d)
{
	if (!d)
		return;
	free(d->vals);
	free(d->keys);
	xh_buf_free(&d->str);
	free(d->symoff);
	free(d->symlen);
	free(d->hash);
	free(d->rowkeys);
	free(d);
}

/* Appends values to the arena; returns the index of the first. */
static xh_vref S_push(xh_data *d, const xh_val *v, const uint32_t *k, size_t n)
{
	if (n == 0)
		return (xh_vref)d->nvals;
	if (d->nvals + n >= UINT32_MAX - 1) {
		fprintf(stderr, "xhgen: data set too large\n");
		abort();
	}
	size_t old = d->capvals;
	XH_GROW(d->vals, d->capvals, d->nvals + n);
	if (d->capvals != old)
		d->keys = xrealloc(d->keys, d->capvals * sizeof(*d->keys));
	memcpy(d->vals + d->nvals, v, n * sizeof(*v));
	if (k)
		memcpy(d->keys + d->nvals, k, n * sizeof(*k));
	else
		memset(d->keys + d->nvals, 0, n * sizeof(*k));
	xh_vref r = (xh_vref)d->nvals;
	d->nvals += n;
	return r;
}

static xh_val S_str(xh_data *d, const char *s, size_t n, uint8_t type)
{
	xh_val v = {type, (uint32_t)n, (uint32_t)d->str.len};
	xh_buf_add(&d->str, s, n);
	return v;
}

xh_vref xh_data_root(const xh_data *d) { return d->root; }

const xh_val *xh_data_val(const xh_data *d, xh_vref v)
{
	return v == XH_NONE ? NULL : &d->vals[v];
}

const char *xh_data_str(const xh_data *d, xh_vref v, size_t *len)
{
	const xh_val *x = &d->vals[v];
	*len = x->len;
	return d->str.data + x->off;
}

uint32_t xh_data_sym(const xh_data *d, const char *key, size_t len)
{
	return S_sym_find(d, key, len, NULL);
}

xh_vref xh_data_member(const xh_data *d, xh_vref v, uint32_t sym)
{
	if (v == XH_NONE || !sym)
		return XH_NONE;
	const xh_val *x = &d->vals[v];
	if (x->type != XH_OBJ)
		return XH_NONE;
	/* From the end: with a repeated JSON key the last one wins, as in JS. */
	for (uint32_t i = x->len; i-- > 0;)
		if (d->keys[x->off + i] == sym)
			return x->off + i;
	return XH_NONE;
}

xh_vref xh_data_child(const xh_data *d, xh_vref v, uint32_t i)
{
	const xh_val *x = &d->vals[v];
	return i < x->len ? x->off + i : XH_NONE;
}

int xh_data_truthy(const xh_data *d, xh_vref v)
{
	if (v == XH_NONE)
		return 0;
	const xh_val *x = &d->vals[v];
	switch (x->type) {
	case XH_NULL: return 0;
	case XH_BOOL: return x->len != 0;
	case XH_STR: return x->len != 0;
	case XH_LIST: return x->len != 0;
	case XH_OBJ: return 1;
	case XH_NUM: {
		/* 0, -0, 0.0, 0e5 are falsy; anything with a non-zero digit
		 * before the exponent is not. */
		const char *s = d->str.data + x->off;
		for (uint32_t i = 0; i < x->len; i++) {
			if (s[i] == 'e' || s[i] == 'E')
				break;
			if (s[i] >= '1' && s[i] <= '9')
				return 1;
		}
		return 0;
	}
	}
	return 0;
}

xh_vref xh_data_records(const xh_data *d)
{
	const xh_val *rv = xh_data_val(d, d->root);
	if (d->table)
		return rv->off; /* {rows: [...]} */
	if (!d->xml)
		return rv && rv->type == XH_LIST ? d->root : XH_NONE;
	/* <societies><society/>…</societies> is {society: [...]}, or
	 * {society: {...}} when there is only one. */
	if (!rv || rv->type != XH_OBJ || rv->len != 1)
		return XH_NONE;
	xh_vref only = rv->off;
	const xh_val *ov = &d->vals[only];
	return ov->type == XH_LIST || ov->type == XH_OBJ ? only : XH_NONE;
}

/* ---- JSON (yajl's event API fills the arena directly) ---- */

typedef struct {
	uint8_t type;
	size_t start;   /* first child in the pending stack */
	uint32_t key;   /* this container's key in its parent */
} S_frame;

typedef struct {
	xh_data *d;
	xh_val *pv;     /* pending children, not yet placed in the arena */
	uint32_t *pk;
	size_t np, cappv, cappk;
	S_frame *fr;
	size_t nfr, capfr;
	uint32_t key;   /* the key just read, for the next value */
	int bad_utf8;   /* a string or key that yajl let through is not UTF-8 */
} S_json;

static void S_pend(S_json *j, xh_val v)
{
	XH_GROW(j->pv, j->cappv, j->np + 1);
	XH_GROW(j->pk, j->cappk, j->np + 1);
	j->pv[j->np] = v;
	j->pk[j->np] = (j->nfr && j->fr[j->nfr - 1].type == XH_OBJ) ? j->key : 0;
	j->np++;
}

static int S_j_null(void *ctx)
{
	S_pend(ctx, (xh_val){XH_NULL, 0, 0});
	return 1;
}

static int S_j_bool(void *ctx, int b)
{
	S_pend(ctx, (xh_val){XH_BOOL, b ? 1u : 0u, 0});
	return 1;
}

static int S_j_number(void *ctx, const char *s, size_t n)
{
	S_json *j = ctx;
	S_pend(j, S_str(j->d, s, n, XH_NUM));
	return 1;
}

static int S_j_string(void *ctx, const unsigned char *s, size_t n)
{
	S_json *j = ctx;
	/* yajl passes surrogates, overlong forms and code points past
	 * U+10FFFF: the same bytes the CSV and XML readers refuse */
	if (!xh_utf8_valid((const char *)s, n)) {
		j->bad_utf8 = 1;
		return 0;
	}
	S_pend(j, S_str(j->d, (const char *)s, n, XH_STR));
	return 1;
}

static int S_j_key(void *ctx, const unsigned char *s, size_t n)
{
	S_json *j = ctx;
	if (!xh_utf8_valid((const char *)s, n)) {
		j->bad_utf8 = 1;
		return 0;
	}
	j->key = S_sym_intern(j->d, (const char *)s, n);
	return 1;
}

static int S_j_open(S_json *j, uint8_t type)
{
	uint32_t key = (j->nfr && j->fr[j->nfr - 1].type == XH_OBJ) ? j->key : 0;
	XH_GROW(j->fr, j->capfr, j->nfr + 1);
	j->fr[j->nfr++] = (S_frame){type, j->np, key};
	return 1;
}

static int S_j_close(S_json *j)
{
	S_frame f = j->fr[--j->nfr];
	size_t n = j->np - f.start;
	xh_vref first = n ? S_push(j->d, j->pv + f.start, j->pk + f.start, n) : 0;
	j->np = f.start;
	XH_GROW(j->pv, j->cappv, j->np + 1);
	XH_GROW(j->pk, j->cappk, j->np + 1);
	j->pv[j->np] = (xh_val){f.type, (uint32_t)n, n ? first : 0};
	j->pk[j->np] = f.key;
	j->np++;
	return 1;
}

static int S_j_start_map(void *ctx) { return S_j_open(ctx, XH_OBJ); }
static int S_j_start_array(void *ctx) { return S_j_open(ctx, XH_LIST); }
static int S_j_end(void *ctx) { return S_j_close(ctx); }

static const yajl_callbacks S_json_cb = {
	S_j_null, S_j_bool, NULL, NULL, S_j_number, S_j_string,
	S_j_start_map, S_j_key, S_j_end, S_j_start_array, S_j_end,
};

static unsigned long S_line_of(const char *s, size_t off)
{
	unsigned long line = 1;
	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n')
			line++;
	return line;
}

static xh_data *S_parse_json(const char *bytes, size_t n, const char *name, xh_diag *diag)
{
	S_json j = {0};
	j.d = S_new();
	yajl_handle h = yajl_alloc(&S_json_cb, NULL, &j);
	yajl_status st = yajl_parse(h, (const unsigned char *)bytes, n);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (st != yajl_status_ok) {
		size_t off = yajl_get_bytes_consumed(h);
		unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)bytes, n);
		char *m = (char *)msg;
		size_t ml = strlen(m);
		while (ml && (m[ml - 1] == '\n' || m[ml - 1] == ' ' || m[ml - 1] == '.'))
			m[--ml] = '\0';
		if (j.bad_utf8)
			xh_diag_add(diag, 0, "%s:%lu: not valid JSON: a string is not valid UTF-8", name,
			            S_line_of(bytes, off > n ? n : off));
		else
			xh_diag_add(diag, 0, "%s:%lu: not valid JSON: %s", name,
			            S_line_of(bytes, off > n ? n : off), m);
		yajl_free_error(h, msg);
		yajl_free(h);
		free(j.pv), free(j.pk), free(j.fr);
		xh_data_free(j.d);
		return NULL;
	}
	yajl_free(h);
	if (j.np == 1)
		j.d->root = S_push(j.d, j.pv, NULL, 1);
	free(j.pv), free(j.pk), free(j.fr);
	return j.d;
}

/* ---- XML: the root's children are fields (SCHEMA.md, issue 2) ---- */

static int S_is_space(const char *s, size_t n, size_t i, size_t *w)
{
	unsigned char c = (unsigned char)s[i];
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
		*w = 1;
		return 1;
	}
	/* U+3000 IDEOGRAPHIC SPACE, which Chinese input methods type. */
	if (c == 0xE3 && i + 2 < n + 0 && (unsigned char)s[i + 1] == 0x80 &&
	    (unsigned char)s[i + 2] == 0x80) {
		*w = 3;
		return 1;
	}
	return 0;
}

static void S_trim(const char **ps, size_t *pn)
{
	const char *s = *ps;
	size_t n = *pn, w;
	while (n && S_is_space(s, n, 0, &w))
		s += w, n -= w;
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
			n--;
		else if (n >= 3 && (unsigned char)s[n - 3] == 0xE3 &&
		         (unsigned char)s[n - 2] == 0x80 && (unsigned char)s[n - 1] == 0x80)
			n -= 3;
		else
			break;
	}
	*ps = s;
	*pn = n;
}

static xh_val S_xml_value(xh_data *d, xmlNode *el);

/* An element with element children becomes an object; children that share
 * a name become one list under that name, in order of first appearance. */
static xh_val S_xml_object(xh_data *d, xmlNode *el)
{
	size_t nnames = 0, capn = 0;
	const xmlChar **names = NULL;
	for (xmlNode *c = el->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		size_t k;
		for (k = 0; k < nnames; k++)
			if (xmlStrEqual(names[k], c->name))
				break;
		if (k == nnames) {
			XH_GROW(names, capn, nnames + 1);
			names[nnames++] = c->name;
		}
	}
	xh_val *mv = xmalloc(nnames * sizeof(*mv));
	uint32_t *mk = xmalloc(nnames * sizeof(*mk));
	for (size_t k = 0; k < nnames; k++) {
		size_t count = 0;
		xmlNode *only = NULL;
		for (xmlNode *c = el->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, names[k]))
				count++, only = c;
		mk[k] = S_sym_intern(d, (const char *)names[k], strlen((const char *)names[k]));
		if (count == 1) {
			mv[k] = S_xml_value(d, only);
			continue;
		}
		xh_val *items = xmalloc(count * sizeof(*items));
		size_t i = 0;
		for (xmlNode *c = el->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, names[k]))
				items[i++] = S_xml_value(d, c);
		xh_vref first = S_push(d, items, NULL, count);
		mv[k] = (xh_val){XH_LIST, (uint32_t)count, first};
		free(items);
	}
	xh_vref first = S_push(d, mv, mk, nnames);
	xh_val v = {XH_OBJ, (uint32_t)nnames, nnames ? first : 0};
	free(mv);
	free(mk);
	free(names);
	return v;
}

static xh_val S_xml_value(xh_data *d, xmlNode *el)
{
	for (xmlNode *c = el->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return S_xml_object(d, el);
	xmlChar *t = xmlNodeGetContent(el);
	const char *s = t ? (const char *)t : "";
	size_t n = strlen(s);
	S_trim(&s, &n);
	xh_val v = S_str(d, s, n, XH_STR);
	xmlFree(t);
	return v;
}

static xh_data *S_parse_xml(const char *bytes, size_t n, const char *name, xh_diag *diag)
{
	xmlDoc *doc = xh_xml_read(bytes, n, name, diag);
	if (!doc)
		return NULL;
	xh_data *d = S_new();
	xmlNode *root = xmlDocGetRootElement(doc);
	xh_val v = S_xml_value(d, root);
	d->root = S_push(d, &v, NULL, 1);
	d->xml = 1;
	xmlFreeDoc(doc);
	return d;
}

xh_data *xh_data_parse(const char *fmt, const char *bytes, size_t n,
                       const char *name, xh_diag *diag)
{
	if (strcmp(fmt, "json") == 0)
		return S_parse_json(bytes, n, name, diag);
	if (strcmp(fmt, "xml") == 0)
		return S_parse_xml(bytes, n, name, diag);
	xh_diag_add(diag, 0, "%s: unknown data format", name);
	return NULL;
}

/* ---- CSV and XLSX: the list `rows` (SCHEMA.md "As data of a template") ---- */

/* The record type a file is, by its stem: input/applications.csv. */
static const xh_rtype *S_rtype_of(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	char *stem = xstrndup(base, dot ? (size_t)(dot - base) : strlen(base));
	const xh_rtype *t = xh_schema_type(stem);
	free(stem);
	return t;
}

/* Columns by English id when the file is a known record type (a header in
 * Chinese still gives {amount}), else by the header itself: unknown columns
 * stay reachable. */
static uint32_t *S_row_keys(xh_data *d, const xh_rows *r, const char *path)
{
	const xh_rtype *t = S_rtype_of(path);
	size_t nc = xh_rows_ncols(r);
	uint32_t *keys = xmalloc((nc + 1) * sizeof(*keys));
	for (size_t i = 0; i < nc; i++) {
		const char *h = xh_rows_header(r, i);
		const xh_field *f = t ? xh_schema_field(t, h) : NULL;
		const char *k = f ? f->id : h;
		keys[i] = S_sym_intern(d, k, strlen(k));
	}
	return keys;
}

xh_data *xh_data_row_new(const xh_rows *r, const char *path)
{
	xh_data *d = S_new();
	d->rowkeys = S_row_keys(d, r, path);
	d->nrowkeys = xh_rows_ncols(r);
	d->str_base = d->str.len;
	return d;
}

void xh_data_row_set(xh_data *d, const xh_row *row)
{
	/* Keep the symbols, drop the previous row's values. */
	d->nvals = 0;
	d->str.len = d->str_base;
	xh_val *cells = xmalloc((d->nrowkeys + 1) * sizeof(*cells));
	for (size_t i = 0; i < d->nrowkeys; i++)
		cells[i] = S_str(d, row->cell[i].s, row->cell[i].n, XH_STR);
	xh_vref first = S_push(d, cells, d->rowkeys, d->nrowkeys);
	xh_val rec = {XH_OBJ, (uint32_t)d->nrowkeys, d->nrowkeys ? first : 0};
	d->root = S_push(d, &rec, NULL, 1);
	free(cells);
}

static xh_data *S_load_rows(const char *path, xh_diag *diag)
{
	xh_rows *r = xh_rows_open(path, diag);
	if (!r)
		return NULL;
	xh_data *d = S_new();
	d->table = 1;
	size_t nc = xh_rows_ncols(r);
	uint32_t *keys = S_row_keys(d, r, path);
	/* rows are pending values until the end, then one list */
	xh_val *rows = NULL;
	size_t nrows = 0, caprows = 0;
	xh_val *cells = xmalloc((nc + 1) * sizeof(*cells));
	xh_row row;
	int rc;
	while ((rc = xh_rows_next(r, &row)) > 0) {
		for (size_t i = 0; i < nc; i++)
			cells[i] = S_str(d, row.cell[i].s, row.cell[i].n, XH_STR);
		xh_vref first = S_push(d, cells, keys, nc);
		XH_GROW(rows, caprows, nrows + 1);
		rows[nrows++] = (xh_val){XH_OBJ, (uint32_t)nc, nc ? first : 0};
	}
	free(cells);
	xh_rows_close(r);
	if (rc < 0) {
		free(rows);
		free(keys);
		xh_data_free(d);
		return NULL;
	}
	xh_vref lst = S_push(d, rows, NULL, nrows);
	xh_val list = {XH_LIST, (uint32_t)nrows, nrows ? lst : 0};
	uint32_t rk = S_sym_intern(d, "rows", 4);
	xh_vref member = S_push(d, &list, &rk, 1);
	xh_val root = {XH_OBJ, 1, member};
	d->root = S_push(d, &root, NULL, 1);
	free(rows);
	free(keys);
	return d;
}

xh_data *xh_data_load(const char *path, xh_diag *diag)
{
	const char *dot = strrchr(path, '.');
	const char *fmt = NULL;
	if (dot && strcasecmp(dot, ".json") == 0)
		fmt = "json";
	else if (dot && strcasecmp(dot, ".xml") == 0)
		fmt = "xml";
	else if (dot && (strcasecmp(dot, ".csv") == 0 || strcasecmp(dot, ".xlsx") == 0))
		return S_load_rows(path, diag);
	if (!fmt) {
		xh_diag_add(diag, 0, "%s: unknown data format (expected .json, .xml, .csv or .xlsx)",
		            path);
		return NULL;
	}
	xh_buf b = XH_BUF_INIT;
	int err = xh_read_file(path, &b, 0);
	if (err == -1) {
		xh_diag_add(diag, 0, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (err) {
		xh_diag_add(diag, 0, "%s: read error", path);
		xh_buf_free(&b);
		return NULL;
	}
	const char *bytes = b.data ? b.data : "";
	size_t n = b.len;
	/* A UTF-8 byte order mark, as Windows editors write it. */
	if (n >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0 && fmt[0] == 'j')
		bytes += 3, n -= 3;
	xh_data *d = xh_data_parse(fmt, bytes, n, path, diag);
	xh_buf_free(&b);
	return d;
}
