/*
 * docx.c — see docx.h.
 */
#include "docx.h"
#include "hash.h"
#include "opc.h"
#include "i18n.h"
#include "stage.h"
#include "xmlsafe.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <zip.h>

/* 1980-01-01 00:00:00, the first time a zip entry can carry.  The process
 * runs in UTC (main.c), so the DOS time written is the same everywhere. */
#define XH_ZIP_TIME ((time_t)315532800)
/* zlib level for filled parts: 6 is zlib's default and what Word and
 * docxtemplater write. */
#define XH_DEFLATE_LEVEL 6

const char *xh_strerror(xh_err e)
{
	switch (e) {
	case XH_OK: return "success";
	case XH_EDATA: return "data or template error";
	case XH_EUSAGE: return "usage error";
	case XH_ESYS: return "system error";
	}
	return "unknown error";
}

typedef struct {
	char *name;
	xh_tmpl *t;       /* NULL: copied unchanged */
} S_part;

/* A custom property of the template, kept when a document gets its own. */
typedef struct {
	char *name, *fmtid, *link; /* link: linkTarget, or NULL */
	char *value;               /* the value element(s) as XML */
} S_kept;

struct xh_doc {
	xh_pkg *pkg;
	S_part *parts;    /* by zip index */
	zip_int64_t nparts;
	xh_tmpl_opts opts;
	char **order;     /* template parts in message order */
	size_t norder;
	char *path;
	char sha256[XH_SHA256_HEX];
	/* Custom properties (xh_doc_render), prepared once: the parts that
	 * change (NULL: the template's is right as it is), where they are, and
	 * the template's own properties.  A template whose package parts
	 * cannot be patched still fills without properties: prep_err holds
	 * why, reported when properties are asked for. */
	zip_int64_t ct_idx, rels_idx, custom_idx; /* -1: not in the template */
	xh_buf ct_new, rels_new;
	char *custom_part;                         /* "docProps/custom.xml" */
	S_kept *kept;
	size_t nkept;
	xh_diag prep_err;
};

#define XH_NS_CT "http://schemas.openxmlformats.org/package/2006/content-types"
#define XH_NS_PKGREL "http://schemas.openxmlformats.org/package/2006/relationships"
#define XH_NS_CUSTOM "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
#define XH_NS_VT "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
#define XH_REL_CUSTOM "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
#define XH_CT_CUSTOM "application/vnd.openxmlformats-officedocument.custom-properties+xml"
#define XH_FMTID "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
#define XH_XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"

static int S_is(const xmlNode *n, const char *ns, const char *local)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, local) && n->ns &&
	       n->ns->href && !strcmp((const char *)n->ns->href, ns);
}

static char *S_attr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

static void S_dump(xmlDoc *x, xh_buf *out)
{
	xmlChar *mem = NULL;
	int size = 0;
	xmlDocDumpMemoryEnc(x, &mem, &size, "UTF-8");
	out->len = 0;
	if (mem && size > 0)
		xh_buf_add(out, mem, (size_t)size);
	xmlFree(mem);
}

/* The template's part `name` parsed; NULL when it cannot be read or
 * parsed (diag says why). */
static xmlDoc *S_read_part(const xh_doc *doc, const char *name, xh_diag *diag)
{
	xh_buf b = XH_BUF_INIT;
	if (xh_pkg_read(doc->pkg, name, &b, diag) != 0) {
		xh_buf_free(&b);
		return NULL;
	}
	char *where = xasprintf("%s: %s", doc->path, name);
	xmlDoc *x = xh_xml_read(b.data ? b.data : "", b.len, where, diag);
	free(where);
	xh_buf_free(&b);
	return x;
}

/* _rels/.rels: where the custom properties are, and the relationship to
 * them when there is none. */
static void S_prep_rels(xh_doc *doc, const char *name, xh_diag *diag)
{
	xmlDoc *x = S_read_part(doc, name, diag);
	if (!x)
		return;
	xmlNode *root = xmlDocGetRootElement(x);
	int found = 0;
	size_t nrel = 0;
	for (xmlNode *c = root ? root->children : NULL; c; c = c->next) {
		if (!S_is(c, XH_NS_PKGREL, "Relationship"))
			continue;
		nrel++;
		char *type = S_attr(c, "Type"), *target = S_attr(c, "Target");
		char *mode = S_attr(c, "TargetMode");
		if (!found && type && !strcmp(type, XH_REL_CUSTOM) && target && !mode) {
			const char *t = target[0] == '/' ? target + 1 : target;
			while (t[0] == '.' && t[1] == '/')
				t += 2;
			if (!*t || strstr(t, "..") || strchr(t, '\\')) {
				xh_diag_add(diag, 0, "%s: _rels/.rels: custom properties at \"%s\"",
				            doc->path, target);
			} else {
				free(doc->custom_part);
				doc->custom_part = xstrdup(t);
				found = 1;
			}
		}
		free(type);
		free(target);
		free(mode);
	}
	if (root && S_is(root, XH_NS_PKGREL, "Relationships") && !found) {
		/* an Id no other relationship has */
		char id[32];
		for (size_t k = nrel + 1;; k++) {
			snprintf(id, sizeof(id), "rId%zu", k);
			int used = 0;
			for (xmlNode *c = root->children; c && !used; c = c->next) {
				char *v = c->type == XML_ELEMENT_NODE ? S_attr(c, "Id") : NULL;
				used = v && !strcmp(v, id);
				free(v);
			}
			if (!used)
				break;
		}
		xmlNode *r = xmlNewChild(root, root->ns, (const xmlChar *)"Relationship", NULL);
		xmlNewProp(r, (const xmlChar *)"Id", (const xmlChar *)id);
		xmlNewProp(r, (const xmlChar *)"Type", (const xmlChar *)XH_REL_CUSTOM);
		xmlNewProp(r, (const xmlChar *)"Target", (const xmlChar *)doc->custom_part);
		S_dump(x, &doc->rels_new);
	} else if (!found) {
		xh_diag_add(diag, 0, "%s: %s: not a relationships part", doc->path, name);
	}
	xmlFreeDoc(x);
}

/* [Content_Types].xml: the override for the custom properties part. */
static void S_prep_ct(xh_doc *doc, const char *name, xh_diag *diag)
{
	xmlDoc *x = S_read_part(doc, name, diag);
	if (!x)
		return;
	xmlNode *root = xmlDocGetRootElement(x);
	if (!root || !S_is(root, XH_NS_CT, "Types")) {
		xh_diag_add(diag, 0, "%s: %s: not a content types part", doc->path, name);
		xmlFreeDoc(x);
		return;
	}
	char *part = xasprintf("/%s", doc->custom_part);
	xmlNode *over = NULL;
	for (xmlNode *c = root->children; c && !over; c = c->next) {
		char *pn = S_is(c, XH_NS_CT, "Override") ? S_attr(c, "PartName") : NULL;
		if (pn && !strcasecmp(pn, part))
			over = c;
		free(pn);
	}
	if (!over) {
		over = xmlNewChild(root, root->ns, (const xmlChar *)"Override", NULL);
		xmlNewProp(over, (const xmlChar *)"PartName", (const xmlChar *)part);
		xmlNewProp(over, (const xmlChar *)"ContentType", (const xmlChar *)XH_CT_CUSTOM);
		S_dump(x, &doc->ct_new);
	} else {
		char *ct = S_attr(over, "ContentType");
		if (!ct || strcmp(ct, XH_CT_CUSTOM)) {
			xmlSetProp(over, (const xmlChar *)"ContentType", (const xmlChar *)XH_CT_CUSTOM);
			S_dump(x, &doc->ct_new);
		}
		free(ct);
	}
	free(part);
	xmlFreeDoc(x);
}

/* One element as XML that stands on its own (its namespaces declared),
 * the vt: declaration that custom.xml's root carries left out. */
static void S_node_xml(xmlNode *n, xh_buf *out)
{
	xmlDoc *tmp = xmlNewDoc((const xmlChar *)"1.0");
	xmlNode *copy = xmlDocCopyNode(n, tmp, 1);
	if (!copy) {
		xmlFreeDoc(tmp);
		return;
	}
	xmlDocSetRootElement(tmp, copy);
	xmlDOMWrapReconcileNamespaces(NULL, copy, 0);
	xmlBuffer *xb = xmlBufferCreate();
	xmlNodeDump(xb, tmp, copy, 0, 0);
	const char *s = (const char *)xmlBufferContent(xb);
	static const char vtdecl[] = " xmlns:vt=\"" XH_NS_VT "\"";
	const char *d = strncmp(s, "<vt:", 4) ? NULL : strstr(s, vtdecl);
	const char *gt = strchr(s, '>');
	if (d && gt && d < gt) {
		xh_buf_add(out, s, (size_t)(d - s));
		xh_buf_adds(out, d + strlen(vtdecl));
	} else {
		xh_buf_adds(out, s);
	}
	xmlBufferFree(xb);
	xmlFreeDoc(tmp);
}

/* The template's own custom properties. */
static void S_prep_custom(xh_doc *doc, xh_diag *diag)
{
	xmlDoc *x = S_read_part(doc, doc->custom_part, diag);
	if (!x)
		return;
	xmlNode *root = xmlDocGetRootElement(x);
	if (!root || !S_is(root, XH_NS_CUSTOM, "Properties")) {
		xh_diag_add(diag, 0, "%s: %s: not a custom properties part", doc->path, doc->custom_part);
		xmlFreeDoc(x);
		return;
	}
	size_t cap = 0;
	for (xmlNode *c = root->children; c; c = c->next) {
		if (!S_is(c, XH_NS_CUSTOM, "property"))
			continue;
		char *name = S_attr(c, "name");
		if (!name)
			continue; /* no name: nothing can refer to it */
		XH_GROW(doc->kept, cap, doc->nkept + 1);
		S_kept *k = &doc->kept[doc->nkept++];
		k->name = name;
		k->fmtid = S_attr(c, "fmtid");
		k->link = S_attr(c, "linkTarget");
		xh_buf v = XH_BUF_INIT;
		for (xmlNode *e = c->children; e; e = e->next)
			if (e->type == XML_ELEMENT_NODE)
				S_node_xml(e, &v);
		k->value = v.data ? xh_buf_detach(&v) : xstrdup("");
	}
	xmlFreeDoc(x);
}

static void S_prep_props(xh_doc *doc)
{
	zip_t *za = xh_pkg_zip(doc->pkg);
	xh_diag *diag = &doc->prep_err;
	doc->custom_part = xstrdup("docProps/custom.xml");
	doc->rels_idx = zip_name_locate(za, "_rels/.rels", 0);
	doc->ct_idx = zip_name_locate(za, "[Content_Types].xml", 0);
	if (doc->rels_idx < 0 || doc->ct_idx < 0) {
		xh_diag_add(diag, 0, "%s: no %s", doc->path,
		            doc->rels_idx < 0 ? "_rels/.rels" : "[Content_Types].xml");
		return;
	}
	S_prep_rels(doc, "_rels/.rels", diag);
	if (diag->n)
		return;
	S_prep_ct(doc, "[Content_Types].xml", diag);
	doc->custom_idx = zip_name_locate(za, doc->custom_part, 0);
	if (doc->custom_idx >= 0 && !diag->n) {
		if (doc->parts[doc->custom_idx].t)
			xh_diag_add(diag, 0, "%s: %s holds tags", doc->path, doc->custom_part);
		else
			S_prep_custom(doc, diag);
	}
}

xh_doc *xh_doc_compile(const char *path, const xh_tmpl_opts *opts, xh_diag *diag)
{
	xh_pkg *pkg = xh_pkg_open(path, diag);
	if (!pkg)
		return NULL;
	size_t norder;
	char **order = xh_pkg_template_parts(pkg, &norder, diag);
	if (!order) {
		xh_pkg_close(pkg);
		return NULL;
	}
	xh_doc *doc = xcalloc(1, sizeof(*doc));
	doc->pkg = pkg;
	doc->path = xstrdup(path);
	doc->ct_idx = doc->rels_idx = doc->custom_idx = -1;
	doc->opts = *opts;
	doc->order = order;
	doc->norder = norder;
	doc->nparts = xh_pkg_count(pkg);
	doc->parts = xcalloc((size_t)doc->nparts + 1, sizeof(*doc->parts));
	zip_t *za = xh_pkg_zip(pkg);
	for (zip_int64_t i = 0; i < doc->nparts; i++)
		doc->parts[i].name = xstrdup(zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW));
	int bad = 0;
	xh_buf xml = XH_BUF_INIT;
	for (size_t k = 0; k < norder; k++) {
		zip_int64_t idx = zip_name_locate(za, order[k], 0);
		if (xh_pkg_read(pkg, order[k], &xml, diag) != 0) {
			bad = 1;
			continue;
		}
		char *where = xasprintf("%s: %s", path, order[k]);
		xh_tmpl *t = xh_tmpl_compile(xml.data ? xml.data : "", xml.len, where, opts, diag);
		free(where);
		if (!t) {
			bad = 1;
			continue;
		}
		if (xh_tmpl_ntags(t) == 0)
			xh_tmpl_free(t);
		else
			doc->parts[idx].t = t;
	}
	xh_buf_free(&xml);
	if (!bad && xh_sha256_file(path, doc->sha256) != 0) {
		xh_diag_add(diag, 0, "%s: cannot read: %s", path, strerror(errno));
		bad = 1;
	}
	if (bad) {
		xh_doc_free(doc);
		return NULL;
	}
	S_prep_props(doc);
	return doc;
}

const char *xh_doc_path(const xh_doc *doc)
{
	return doc->path;
}

const char *xh_doc_sha256(const xh_doc *doc)
{
	return doc->sha256;
}

void xh_doc_free(xh_doc *doc)
{
	if (!doc)
		return;
	for (zip_int64_t i = 0; i < doc->nparts; i++) {
		free(doc->parts[i].name);
		xh_tmpl_free(doc->parts[i].t);
	}
	free(doc->parts);
	for (size_t i = 0; i < doc->norder; i++)
		free(doc->order[i]);
	free(doc->order);
	xh_pkg_close(doc->pkg);
	for (size_t i = 0; i < doc->nkept; i++) {
		free(doc->kept[i].name);
		free(doc->kept[i].fmtid);
		free(doc->kept[i].link);
		free(doc->kept[i].value);
	}
	free(doc->kept);
	free(doc->custom_part);
	xh_buf_free(&doc->ct_new);
	xh_buf_free(&doc->rels_new);
	xh_diag_free(&doc->prep_err);
	free(doc->path);
	free(doc);
}

void xh_doc_names(const xh_doc *doc,
                  void (*fn)(void *ud, int kind, uint32_t para, const char *tag, const char *name),
                  void *ud,
                  void (*part)(void *ud, const char *name))
{
	zip_t *za = xh_pkg_zip(doc->pkg);
	for (size_t k = 0; k < doc->norder; k++) {
		zip_int64_t idx = zip_name_locate(za, doc->order[k], 0);
		if (idx >= 0 && doc->parts[idx].t) {
			part(ud, doc->order[k]);
			xh_tmpl_names(doc->parts[idx].t, fn, ud);
		}
	}
}

void xh_doc_list(const xh_doc *doc, FILE *out)
{
	zip_t *za = xh_pkg_zip(doc->pkg);
	for (size_t k = 0; k < doc->norder; k++) {
		zip_int64_t idx = zip_name_locate(za, doc->order[k], 0);
		if (idx >= 0 && doc->parts[idx].t)
			xh_tmpl_list(doc->parts[idx].t, doc->order[k], out);
	}
}

/* ---- one document ---- */

/* A libzip source that renders a part while libzip deflates it. */
typedef struct {
	const xh_tmpl *t;
	const xh_data *d;
	xh_bind *b;
	xh_vref scope;
	xh_diag *diag;
	uint64_t key;
	const char *prefix;
	xh_render *r;
	int failed;
	zip_error_t err;
} S_src;

static zip_int64_t S_src_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	S_src *s = ud;
	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		xh_render_free(s->r);
		s->r = xh_render_new(s->t, s->d, s->b, s->scope, s->diag, s->key, s->prefix);
		return 0;
	case ZIP_SOURCE_READ: {
		size_t n = xh_render_read(s->r, data, (size_t)len);
		if (n == 0 && xh_render_failed(s->r)) {
			s->failed = 1;
			zip_error_set(&s->err, ZIP_ER_INVAL, 0);
			return -1;
		}
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_CLOSE:
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;
		zip_stat_init(st);
		st->mtime = XH_ZIP_TIME;
		st->valid |= ZIP_STAT_MTIME;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&s->err, data, len);
	case ZIP_SOURCE_FREE:
		xh_render_free(s->r);
		s->r = NULL;
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
		                                      ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
		                                      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		zip_error_set(&s->err, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

/* The bindings of every filled part to one data set. */
typedef struct {
	xh_bind **b;
	zip_int64_t n;
} S_binds;

static void S_binds_init(S_binds *bs, const xh_doc *doc, const xh_data *d)
{
	bs->n = doc->nparts;
	bs->b = xcalloc((size_t)bs->n + 1, sizeof(*bs->b));
	for (zip_int64_t i = 0; i < bs->n; i++)
		if (doc->parts[i].t)
			bs->b[i] = xh_bind_new(doc->parts[i].t, d);
}

static void S_binds_free(S_binds *bs)
{
	for (zip_int64_t i = 0; i < bs->n; i++)
		xh_bind_free(bs->b[i]);
	free(bs->b);
}

/* Renders every filled part to nowhere, to report all of its errors. */
static void S_check(const xh_doc *doc, const S_binds *bs, const xh_data *d, xh_vref scope,
                    xh_diag *diag, uint64_t key, const char *prefix)
{
	char sink[65536];
	zip_t *za = xh_pkg_zip(doc->pkg);
	for (size_t k = 0; k < doc->norder; k++) {
		zip_int64_t i = zip_name_locate(za, doc->order[k], 0);
		if (i < 0 || !doc->parts[i].t)
			continue;
		xh_render *r = xh_render_new(doc->parts[i].t, d, bs->b[i], scope, diag, key, prefix);
		while (xh_render_read(r, sink, sizeof(sink)) > 0)
			;
		xh_render_free(r);
	}
}

/* Adds the parts of one document to za: filled parts rendered while
 * libzip deflates them, the others copied still compressed from src (this
 * thread's handle on the template).  Returns XH_EDATA when a part failed
 * to render (its errors then collected by S_check), XH_ESYS otherwise. */
/* With custom set (xh_doc_render), the package gets it as its custom
 * properties part, in place of the template's or at the end, and the
 * content types and package relationships prepared for it. */
static int S_add(zip_t *za, const char *name, zip_source_t *zs, int deflate)
{
	zip_int64_t idx = zip_file_add(za, name, zs, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(zs);
		return -1;
	}
	if (deflate)
		zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, XH_DEFLATE_LEVEL);
	zip_file_set_mtime(za, (zip_uint64_t)idx, XH_ZIP_TIME, 0);
	/* every entry a plain file, whatever the template carried */
	zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
	                                 (zip_uint32_t)0100644 << 16);
	return 0;
}

static xh_err S_build(const xh_doc *doc, zip_t *src, zip_t *za, const S_binds *bs,
                      const xh_data *d, xh_vref scope, const xh_buf *custom, xh_diag *diag,
                      uint64_t key, const char *prefix)
{
	S_src *srcs = xcalloc((size_t)doc->nparts + 1, sizeof(*srcs));
	xh_diag quiet = {0}; /* errors are collected by S_check, once */
	xh_err rc = XH_OK;
	for (zip_int64_t i = 0; i < doc->nparts && rc == XH_OK; i++) {
		zip_source_t *zs;
		const xh_buf *mem = NULL;
		if (custom && i == doc->custom_idx)
			mem = custom;
		else if (custom && i == doc->ct_idx && doc->ct_new.len)
			mem = &doc->ct_new;
		else if (custom && i == doc->rels_idx && doc->rels_new.len)
			mem = &doc->rels_new;
		if (mem) {
			zs = zip_source_buffer(za, mem->data, mem->len, 0);
		} else if (doc->parts[i].t) {
			S_src *s = &srcs[i];
			*s = (S_src){doc->parts[i].t, d, bs->b[i], scope, &quiet, key, prefix, NULL, 0, {0}};
			zip_error_init(&s->err);
			zs = zip_source_function(za, S_src_cb, s);
		} else {
			zs = zip_source_zip(za, src, (zip_uint64_t)i, ZIP_FL_COMPRESSED, 0, -1);
		}
		if (!zs) {
			rc = XH_ESYS;
			break;
		}
		if (S_add(za, doc->parts[i].name, zs, mem || doc->parts[i].t) != 0)
			rc = XH_ESYS;
	}
	if (rc == XH_OK && custom && doc->custom_idx < 0) {
		zip_source_t *zs = zip_source_buffer(za, custom->data, custom->len, 0);
		if (!zs || S_add(za, doc->custom_part, zs, 1) != 0)
			rc = XH_ESYS;
	}
	if (rc == XH_OK && zip_close(za) == 0) {
		za = NULL;
	} else {
		int rendered_badly = 0;
		for (zip_int64_t i = 0; i < doc->nparts; i++)
			rendered_badly |= srcs[i].failed;
		if (rendered_badly) {
			S_check(doc, bs, d, scope, diag, key, prefix);
			rc = XH_EDATA;
		} else {
			xh_diag_add(diag, key, "%scannot write the document: %s", prefix, zip_strerror(za));
			rc = XH_ESYS;
		}
		zip_discard(za);
	}
	for (zip_int64_t i = 0; i < doc->nparts; i++)
		if (doc->parts[i].t)
			zip_error_fini(&srcs[i].err);
	xh_diag_free(&quiet);
	free(srcs);
	return rc;
}

/* One document straight into the file path: libzip writes a temporary file
 * beside it and renames it when complete. */
static xh_err S_write_file(const xh_doc *doc, zip_t *src, const S_binds *bs, const xh_data *d,
                           xh_vref scope, const char *path, xh_diag *diag)
{
	int zerr;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!za) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		xh_diag_add(diag, 0, "%s: cannot create: %s", path, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return XH_ESYS;
	}
	return S_build(doc, src, za, bs, d, scope, NULL, diag, 0, "");
}

/* One document built in memory into out. */
static xh_err S_render_mem(const xh_doc *doc, zip_t *src, const S_binds *bs, const xh_data *d,
                           xh_vref scope, const xh_buf *custom, xh_diag *diag, uint64_t key,
                           const char *prefix, xh_buf *scratch)
{
	zip_source_t *mem;
	char *why;
	zip_t *za = xh_zip_mem_open(&mem, &why);
	if (!za) {
		xh_diag_add(diag, key, "%scannot create a document: %s", prefix, why);
		free(why);
		return XH_ESYS;
	}
	xh_err rc = S_build(doc, src, za, bs, d, scope, custom, diag, key, prefix);
	if (rc == XH_OK && xh_zip_source_bytes(mem, scratch) != 0) {
		rc = XH_ESYS;
		xh_diag_add(diag, key, "%scannot read back the document", prefix);
	}
	zip_source_free(mem);
	return rc;
}

/* One document built in memory and written to path with one write: a merge
 * makes many small files, and libzip's own file output would cost dozens
 * of system calls each. */
static xh_err S_write_mem(const xh_doc *doc, zip_t *src, const S_binds *bs, const xh_data *d,
                          xh_vref scope, const char *path, xh_diag *diag, uint64_t key,
                          const char *prefix, xh_buf *scratch)
{
	xh_err rc = S_render_mem(doc, src, bs, d, scope, NULL, diag, key, prefix, scratch);
	if (rc != XH_OK)
		return rc;
	if (xh_write_file(path, scratch->data, scratch->len, 0, 0666) != 0) {
		xh_diag_add(diag, key, "%s: cannot write: %s", path, strerror(errno));
		return XH_ESYS;
	}
	return XH_OK;
}

static char *S_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

xh_err xh_doc_fill(const xh_doc *doc, const xh_data *data, const char *out, xh_diag *diag)
{
	S_binds bs;
	S_binds_init(&bs, doc, data);
	xh_err rc = S_write_file(doc, xh_pkg_zip(doc->pkg), &bs, data, xh_data_root(data), out, diag);
	S_binds_free(&bs);
	if (rc == XH_OK) {
		char *dir = S_dirname(out);
		if (xh_fsync_path(out, 0) != 0 || xh_fsync_path(dir, 1) != 0) {
			xh_diag_add(diag, 0, "%s: cannot sync: %s", out, strerror(errno));
			rc = XH_ESYS;
		}
		free(dir);
	}
	return rc;
}

/* Text for custom.xml: valid UTF-8 without control characters (XML 1.0
 * cannot carry most of them, and Word would turn the others into spaces). */
static const char *S_bad_text(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return "contains a control character";
	if (!xh_utf8_valid(s, strlen(s)))
		return "is not valid UTF-8";
	return NULL;
}

/* docProps/custom.xml: the template's properties that props do not name,
 * then props (of two with the same name, the later), pid from 2 up.
 * Word compares property names without regard to case, so do we. */
static xh_err S_custom_xml(const xh_doc *doc, const xh_prop *props, size_t nprops, xh_buf *out,
                           xh_diag *diag)
{
	xh_err rc = XH_OK;
	for (size_t i = 0; i < nprops; i++) {
		const char *why = !props[i].name || !*props[i].name ? "has no name"
		                  : S_bad_text(props[i].name);
		if (why) {
			xh_diag_add(diag, 0, "custom property name \"%s\" %s",
			            props[i].name ? props[i].name : "", why);
			rc = XH_EDATA;
		} else if (!props[i].value || (why = S_bad_text(props[i].value))) {
			xh_diag_add(diag, 0, "custom property %s: value %s", props[i].name,
			            why ? why : "is missing");
			rc = XH_EDATA;
		}
	}
	if (rc != XH_OK)
		return rc;
	out->len = 0;
	xh_buf_adds(out, XH_XML_DECL "<Properties xmlns=\"" XH_NS_CUSTOM "\" xmlns:vt=\"" XH_NS_VT "\">");
	unsigned pid = 2;
	for (size_t k = 0; k < doc->nkept; k++) {
		const S_kept *p = &doc->kept[k];
		int replaced = 0;
		for (size_t i = 0; i < nprops && !replaced; i++)
			replaced = !strcasecmp(props[i].name, p->name);
		if (replaced)
			continue;
		xh_buf_adds(out, "<property fmtid=\"");
		const char *f = p->fmtid ? p->fmtid : XH_FMTID;
		xh_buf_add_xml(out, f, strlen(f), 1);
		xh_buf_printf(out, "\" pid=\"%u\" name=\"", pid++);
		xh_buf_add_xml(out, p->name, strlen(p->name), 1);
		if (p->link) {
			xh_buf_adds(out, "\" linkTarget=\"");
			xh_buf_add_xml(out, p->link, strlen(p->link), 1);
		}
		xh_buf_adds(out, "\">");
		xh_buf_adds(out, p->value);
		xh_buf_adds(out, "</property>");
	}
	for (size_t i = 0; i < nprops; i++) {
		int later = 0;
		for (size_t j = i + 1; j < nprops && !later; j++)
			later = !strcasecmp(props[i].name, props[j].name);
		if (later)
			continue;
		xh_buf_printf(out, "<property fmtid=\"" XH_FMTID "\" pid=\"%u\" name=\"", pid++);
		xh_buf_add_xml(out, props[i].name, strlen(props[i].name), 1);
		xh_buf_adds(out, "\"><vt:lpwstr>");
		xh_buf_add_xml(out, props[i].value, strlen(props[i].value), 0);
		xh_buf_adds(out, "</vt:lpwstr></property>");
	}
	xh_buf_adds(out, "</Properties>");
	return XH_OK;
}

xh_err xh_doc_render(const xh_doc *doc, const xh_data *data, const xh_prop *props,
                     size_t nprops, xh_buf *out, xh_diag *diag)
{
	xh_buf custom = XH_BUF_INIT;
	if (nprops) {
		if (doc->prep_err.n) {
			for (size_t i = 0; i < doc->prep_err.n; i++)
				xh_diag_add(diag, 0, "%s (no custom properties can be added)",
				            doc->prep_err.msg[i]);
			return XH_EDATA;
		}
		xh_err rc = S_custom_xml(doc, props, nprops, &custom, diag);
		if (rc != XH_OK)
			return rc;
	}
	S_binds bs;
	S_binds_init(&bs, doc, data);
	xh_err rc = S_render_mem(doc, xh_pkg_zip(doc->pkg), &bs, data, xh_data_root(data),
	                         nprops ? &custom : NULL, diag, 0, "", out);
	S_binds_free(&bs);
	xh_buf_free(&custom);
	return rc;
}

/* ---- merge ---- */

/*
 * The records of a merge come from a source: the records of a data set
 * already in memory (JSON, XML), or the rows of a CSV or XLSX file read
 * again for each pass and a batch at a time, so that a merge over a
 * million rows keeps in memory only the file names (CONVENTIONS.md: memory
 * grows by the ids, not by whole records).
 *
 * A source fills slots: slot k holds one record as (data, value) until
 * the next fill of that slot.
 */
typedef struct S_source S_source;
struct S_source {
	/* 1 with the next record in slot k, 0 at the end, -1 on an error */
	int (*next)(S_source *s, size_t k);
	int (*rewind)(S_source *s, xh_diag *diag);
	const xh_data **data; /* by slot */
	xh_vref *rec;         /* by slot */
	char **where;         /* by slot: "FILE: record N: " or "FILE:ROW: " */
	size_t nslots;
	unsigned long no;     /* the record just read: its number, or its row */
	const char *unit;     /* "record" or "row", for messages */
	/* in-memory records */
	const xh_data *mem;
	xh_vref list;
	size_t count, pos;
	/* rows */
	const char *path;
	xh_rows *rows;
	xh_data **rowdata;
	xh_diag *diag;
};

static void S_where(S_source *s, size_t k, const char *fmt, const char *a, unsigned long n)
{
	free(s->where[k]);
	s->where[k] = xasprintf(fmt, a, n);
}

static int S_mem_next(S_source *s, size_t k)
{
	if (s->pos >= s->count)
		return 0;
	s->data[k] = s->mem;
	s->rec[k] = s->count == 1 && xh_data_val(s->mem, s->list)->type == XH_OBJ
	                ? s->list
	                : xh_data_child(s->mem, s->list, (uint32_t)s->pos);
	S_where(s, k, "%s: record %lu: ", s->path, (unsigned long)(s->pos + 1));
	s->no = (unsigned long)++s->pos;
	return 1;
}

static int S_mem_rewind(S_source *s, xh_diag *diag)
{
	(void)diag;
	s->pos = 0;
	return 0;
}

static int S_rows_next(S_source *s, size_t k)
{
	xh_row row;
	int rc = xh_rows_next(s->rows, &row);
	if (rc <= 0)
		return rc;
	xh_data_row_set(s->rowdata[k], &row);
	s->data[k] = s->rowdata[k];
	s->rec[k] = xh_data_root(s->rowdata[k]);
	S_where(s, k, "%s:%lu: ", s->path, row.row);
	s->no = row.row;
	return 1;
}

static int S_rows_rewind(S_source *s, xh_diag *diag)
{
	xh_rows_close(s->rows);
	s->rows = xh_rows_open(s->path, diag);
	s->diag = diag;
	return s->rows ? 0 : -1;
}



/* One thread's share of a batch: slots id, id + jobs, … */
typedef struct {
	const xh_doc *doc;
	const S_binds *bs;
	S_source *src;
	const char *dir;
	size_t first;     /* record number (0-based) of slot 0 */
	size_t nfill;     /* slots filled in this batch */
	int jobs, id;
	zip_t *zsrc;      /* this thread's handle on the template */
	xh_buf scratch;
	xh_diag diag;
	xh_err rc;
} S_job;

static void *S_worker(void *arg)
{
	S_job *j = arg;
	for (size_t k = (size_t)j->id; k < j->nfill && j->rc != XH_ESYS; k += (size_t)j->jobs) {
		size_t i = j->first + k;
		char *tmp = xh_stage_tmpname(j->dir, i);
		xh_err rc = S_write_mem(j->doc, j->zsrc, j->bs, j->src->data[k], j->src->rec[k], tmp,
		                        &j->diag, i + 1, j->src->where[k], &j->scratch);
		free(tmp);
		if (rc == XH_OK)
			xh_stage_stop_point();
		if (rc != XH_OK && j->rc != XH_ESYS)
			j->rc = rc;
	}
	return NULL;
}

static int S_strcmp_idx(const void *a, const void *b, void *names)
{
	char **n = names;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(n[x], n[y]);
	return c ? c : (x < y ? -1 : x > y);
}

/* Pass 1 names every document (nothing is written when a name is bad or
 * repeated); pass 2 renders a batch of records per round on `jobs`
 * threads into temporary files; only when every document rendered are
 * they renamed, and the file system synced once. */
static xh_err S_merge(const xh_doc *doc, S_source *src, const xh_data *bind_data,
                      const char *dir, const char *pattern, int jobs, xh_diag *diag,
                      size_t *written)
{
	char **names = NULL;
	unsigned long *no = NULL;
	size_t n = 0, cap = 0, capno = 0;
	int bad = 0, rc_next;
	while ((rc_next = src->next(src, 0)) > 0) {
		XH_GROW(names, cap, n + 1);
		XH_GROW(no, capno, n + 1);
		no[n] = src->no;
		const xh_val *x = xh_data_val(src->data[0], src->rec[0]);
		names[n] = NULL;
		if (!x || x->type != XH_OBJ) {
			xh_diag_add(diag, n + 1, "%snot an object", src->where[0]);
			bad = 1;
		} else {
			names[n] = xh_pattern_fill(pattern, &doc->opts, src->data[0], src->rec[0], diag,
			                           n + 1, src->where[0]);
			const char *why = names[n] ? xh_stage_bad_name(names[n]) : NULL;
			if (!names[n]) {
				bad = 1;
			} else if (why) {
				xh_diag_add(diag, n + 1, "%sfile name \"%s\" %s", src->where[0], names[n], gettext(why));
				bad = 1;
			}
		}
		n++;
	}
	if (rc_next < 0)
		bad = 1;
	if (n > 1) {
		/* every repeated name, even when other names were bad */
		size_t *ix = xmalloc(n * sizeof(*ix)), m = 0;
		for (size_t i = 0; i < n; i++)
			if (names[i])
				ix[m++] = i;
		qsort_r(ix, m, sizeof(*ix), S_strcmp_idx, names);
		for (size_t i = 1; i < m; i++)
			if (!strcmp(names[ix[i]], names[ix[i - 1]])) {
				xh_diag_add(diag, ix[i] + 1,
				            src->unit[0] == 'r' && src->unit[1] == 'o'
				                ? "%s:%lu: file name \"%s\" is the same as row %lu's"
				                : "%s: record %lu: file name \"%s\" is the same as record %lu's",
				            src->path, no[ix[i]], names[ix[i]], no[ix[i - 1]]);
				bad = 1;
			}
		free(ix);
		xh_diag_sort(diag);
	}
	free(no);
	xh_err rc = bad ? XH_EDATA : XH_OK;
	struct stat st;
	int made_dir = stat(dir, &st) != 0;
	if (rc == XH_OK && xh_mkdirs(dir) != 0) {
		xh_diag_add(diag, 0, "%s: cannot create: %s", dir, strerror(errno));
		rc = XH_ESYS;
	}
	if (rc == XH_OK)
		xh_stage_remove_stale(dir);
	if (rc == XH_OK && src->rewind(src, diag) != 0)
		rc = XH_EDATA;
	size_t done = 0; /* records rendered into temporary files */
	if (rc == XH_OK) {
		if (jobs <= 0) {
			long nc = sysconf(_SC_NPROCESSORS_ONLN);
			jobs = nc > 0 ? (int)nc : 1;
		}
		if ((size_t)jobs > src->nslots)
			jobs = (int)src->nslots;
		S_binds bs;
		S_binds_init(&bs, doc, bind_data);
		S_job *js = xcalloc((size_t)jobs, sizeof(*js));
		pthread_t *th = xcalloc((size_t)jobs, sizeof(*th));
		for (int k = 0; k < jobs; k++) {
			js[k].zsrc = xh_pkg_reopen(doc->pkg);
			if (!js[k].zsrc) {
				xh_diag_add(diag, 0, "%s: cannot reopen", xh_pkg_path(doc->pkg));
				rc = XH_ESYS;
			}
		}
		while (rc == XH_OK && done < n) {
			size_t fill = 0;
			while (fill < src->nslots && (rc_next = src->next(src, fill)) > 0)
				fill++;
			if (rc_next < 0) {
				rc = XH_EDATA;
				break;
			}
			if (fill == 0)
				break;
			for (int k = 0; k < jobs; k++) {
				zip_t *z = js[k].zsrc;
				xh_buf scratch = js[k].scratch;
				js[k] = (S_job){doc, &bs, src, dir, done, fill, jobs, k, z, scratch, {0}, XH_OK};
				if (k > 0 && pthread_create(&th[k], NULL, S_worker, &js[k]) != 0) {
					js[k].rc = XH_ESYS;
					xh_diag_add(&js[k].diag, 0, "cannot start a thread");
					th[k] = 0;
				}
			}
			S_worker(&js[0]);
			for (int k = 0; k < jobs; k++) {
				if (k > 0 && th[k])
					pthread_join(th[k], NULL);
				if (js[k].rc == XH_ESYS || (js[k].rc != XH_OK && rc == XH_OK))
					rc = js[k].rc;
				xh_diag_take(diag, &js[k].diag);
				xh_diag_free(&js[k].diag);
			}
			done += fill;
		}
		for (int k = 0; k < jobs; k++) {
			if (js[k].zsrc)
				zip_discard(js[k].zsrc);
			xh_buf_free(&js[k].scratch);
		}
		free(js);
		free(th);
		S_binds_free(&bs);
		xh_diag_sort(diag);
	}
	size_t renamed = 0;
	if (rc == XH_OK) {
		for (; renamed < n; renamed++) {
			char *tmp = xh_stage_tmpname(dir, renamed);
			char *final = xasprintf("%s/%s", dir, names[renamed]);
			int r = rename(tmp, final);
			if (r != 0)
				xh_diag_add(diag, 0, "%s: cannot rename: %s", final, strerror(errno));
			free(tmp);
			free(final);
			if (r != 0) {
				rc = XH_ESYS;
				break;
			}
		}
		*written = renamed;
		/* One sync of the file system, not one per document. */
		int fd = open(dir, O_DIRECTORY | O_RDONLY);
		if (fd < 0 || syncfs(fd) != 0 || fsync(fd) != 0) {
			xh_diag_add(diag, 0, "%s: cannot sync: %s", dir, strerror(errno));
			rc = XH_ESYS;
		}
		if (fd >= 0)
			close(fd);
	}
	/* whatever was not renamed goes (a failed batch may have written part
	 * of its slots, so every name up to the end of the batch) */
	for (size_t i = renamed; i < n && i < done + src->nslots; i++) {
		char *tmp = xh_stage_tmpname(dir, i);
		unlink(tmp);
		free(tmp);
	}
	/* a folder made for documents that were never written goes too */
	if (rc != XH_OK && made_dir)
		rmdir(dir);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static void S_source_init(S_source *s, size_t nslots)
{
	s->nslots = nslots;
	s->data = xcalloc(nslots, sizeof(*s->data));
	s->rec = xcalloc(nslots, sizeof(*s->rec));
	s->where = xcalloc(nslots, sizeof(*s->where));
}

static void S_source_fini(S_source *s)
{
	for (size_t k = 0; k < s->nslots; k++) {
		free(s->where[k]);
		if (s->rowdata)
			xh_data_free(s->rowdata[k]);
	}
	free(s->data);
	free(s->rec);
	free(s->where);
	free(s->rowdata);
	xh_rows_close(s->rows);
}

/* Records per round: enough for every core to have work, few enough that a
 * merge over a huge file holds little. */
#define XH_BATCH 256

xh_err xh_doc_merge(const xh_doc *doc, const xh_data *data, const char *label,
                    const char *dir, const char *pattern, int jobs,
                    xh_diag *diag, size_t *written)
{
	*written = 0;
	xh_vref list = xh_data_records(data);
	const xh_val *rv = xh_data_val(data, list);
	if (!rv || (rv->type != XH_LIST && rv->type != XH_OBJ)) {
		xh_diag_add(diag, 0, "%s: not a list of records (a JSON array, or repeated "
		            "elements under the XML root)", label);
		return XH_EDATA;
	}
	S_source src;
	memset(&src, 0, sizeof(src));
	S_source_init(&src, XH_BATCH);
	src.next = S_mem_next;
	src.rewind = S_mem_rewind;
	src.mem = data;
	src.list = list;
	src.count = rv->type == XH_LIST ? rv->len : 1;
	src.path = label;
	src.unit = "record";
	xh_err rc = S_merge(doc, &src, data, dir, pattern, jobs, diag, written);
	S_source_fini(&src);
	return rc;
}

xh_err xh_doc_merge_rows(const xh_doc *doc, const char *path, const char *dir,
                         const char *pattern, int jobs, xh_diag *diag, size_t *written)
{
	*written = 0;
	S_source src;
	memset(&src, 0, sizeof(src));
	src.path = path;
	src.unit = "row";
	src.rows = xh_rows_open(path, diag);
	if (!src.rows)
		return XH_EDATA;
	S_source_init(&src, XH_BATCH);
	src.next = S_rows_next;
	src.rewind = S_rows_rewind;
	src.diag = diag;
	src.rowdata = xcalloc(src.nslots, sizeof(*src.rowdata));
	for (size_t k = 0; k < src.nslots; k++)
		src.rowdata[k] = xh_data_row_new(src.rows, path);
	xh_err rc = S_merge(doc, &src, src.rowdata[0], dir, pattern, jobs, diag, written);
	S_source_fini(&src);
	return rc;
}
