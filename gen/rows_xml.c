/*
 * rows_xml.c — XML records (SCHEMA.md): <NAMEs><NAME><field>value</field>…
 * </NAME>…</NAMEs>, one NAME element per row, one child per column.
 *
 * Record files are small and hand-kept, so the file is read whole into a
 * DOM (xh_xml_read: no DTD, no network) and checked completely when it is
 * opened, reporting every structural problem at once.  The header is the
 * union of the field names in order of first appearance.  Row numbers
 * count as if that header were a spreadsheet's row 1: the first record is
 * row 2, the Nth record row N + 1, an empty record still taking its
 * number; messages add the XML line in brackets.
 */
#include "rows_impl.h"
#include "xmlsafe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#define MAX_XML (64u << 20)

typedef struct {
	xmlDoc *doc;
	xmlNode *next;        /* the next record element */
	unsigned long row;    /* of the record last read */
	xh_buf text;
	size_t *off, *len;    /* by column, into text; len 0: empty */
	size_t hint;          /* the column after the last one found */
} S_xml;

static xmlNode *S_element(xmlNode *n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

static int S_blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* Column of a field name; fields mostly come in header order, so the
 * search starts after the previous hit. */
static size_t S_col(xh_rows *r, S_xml *x, const xmlChar *name)
{
	for (size_t k = 0; k < r->ncols; k++) {
		size_t i = (x->hint + k) % r->ncols;
		if (!strcmp(r->hdr[i], (const char *)name)) {
			x->hint = i + 1;
			return i;
		}
	}
	return SIZE_MAX;
}

static int S_next(xh_rows *r, xh_row *row)
{
	S_xml *x = r->impl;
	while (x->next) {
		xmlNode *rec = x->next;
		x->next = S_element(rec->next);
		x->row++;
		x->text.len = 0;
		for (size_t i = 0; i < r->ncols; i++)
			x->len[i] = 0;
		int any = 0;
		for (xmlNode *f = S_element(rec->children); f; f = S_element(f->next)) {
			size_t col = S_col(r, x, f->name);
			xmlChar *v = xmlNodeGetContent(f);
			const char *s = v ? (const char *)v : "";
			size_t n = strlen(s);
			xh_trim(&s, &n);
			if (col != SIZE_MAX && n) {
				x->off[col] = x->text.len;
				x->len[col] = n;
				xh_buf_add(&x->text, s, n);
				xh_buf_addc(&x->text, '\0');
				any = 1;
			}
			xmlFree(v);
		}
		if (!any)
			continue; /* an empty record is skipped, as an empty row */
		for (size_t i = 0; i < r->ncols; i++) {
			xh_cell *o = &r->out[i];
			o->s = x->len[i] ? x->text.data + x->off[i] : "";
			o->n = x->len[i];
			o->kind = o->n ? XH_CELL_TEXT : XH_CELL_EMPTY;
			o->num = 0;
		}
		row->row = row->line = x->row;
		return 1;
	}
	return 0;
}

static void S_free(xh_rows *r)
{
	S_xml *x = r->impl;
	if (!x)
		return;
	if (x->doc)
		xmlFreeDoc(x->doc);
	xh_buf_free(&x->text);
	free(x->off);
	free(x->len);
	free(x);
	r->impl = NULL;
}

/* Checks the records and collects the field names; 0 or -1. */
static int S_scan(xh_rows *r, xmlNode *root, const char ***names, size_t *nnames)
{
	const xmlChar *recname = NULL;
	unsigned long row = 1;
	size_t cap = 0;
	int bad = 0;
	for (xmlNode *c = root->children; c; c = c->next) {
		unsigned long line = (unsigned long)xmlGetLineNo(c);
		if (c->type == XML_TEXT_NODE && !S_blank(c->content)) {
			xhr_err(r, line, 0, "text directly inside <%s>; it holds one element "
			        "per record", root->name);
			bad = 1;
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;
		row++;
		if (!recname)
			recname = c->name;
		else if (!xmlStrEqual(c->name, recname)) {
			xhr_err(r, row, line, "<%s> among <%s> records", c->name, recname);
			bad = 1;
		}
		if (c->properties) {
			xhr_err(r, row, line, "<%s %s=…>: attributes are not read; write each "
			        "field as an element", c->name, c->properties->name);
			bad = 1;
		}
		for (xmlNode *f = c->children; f; f = f->next) {
			unsigned long fline = (unsigned long)xmlGetLineNo(f);
			if (f->type == XML_TEXT_NODE && !S_blank(f->content)) {
				xhr_err(r, row, fline, "text directly inside <%s>; each field is "
				        "an element", c->name);
				bad = 1;
			}
			if (f->type != XML_ELEMENT_NODE)
				continue;
			if (f->properties) {
				xhr_err(r, row, fline, "<%s %s=…>: attributes are not read",
				        f->name, f->properties->name);
				bad = 1;
			}
			if (S_element(f->children)) {
				xhr_err(r, row, fline, "<%s> holds elements; a field holds text",
				        f->name);
				bad = 1;
			}
			for (xmlNode *g = S_element(c->children); g != f; g = S_element(g->next))
				if (xmlStrEqual(g->name, f->name)) {
					xhr_err(r, row, fline, "<%s> is given twice in one record",
					        f->name);
					bad = 1;
					break;
				}
			size_t k = 0;
			while (k < *nnames && !xmlStrEqual((const xmlChar *)(*names)[k], f->name))
				k++;
			if (k == *nnames) {
				if (*nnames >= XHR_MAX_COLS) {
					xhr_err(r, row, fline, "more than %d different fields",
					        XHR_MAX_COLS);
					return -1;
				}
				XH_GROW(*names, cap, *nnames + 1);
				(*names)[(*nnames)++] = (const char *)f->name;
			}
		}
	}
	return bad ? -1 : 0;
}

int xhr_open_xml(xh_rows *r)
{
	S_xml *x = xcalloc(1, sizeof(*x));
	r->enc = "XML";
	r->impl = x;
	r->next = S_next;
	r->free = S_free;
	xh_buf b = XH_BUF_INIT;
	int rerr = xh_read_file(r->path, &b, MAX_XML);
	if (rerr == -1) {
		xhr_err(r, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (rerr) {
		xhr_err(r, 0, 0, "%s", rerr == -2 ? "read error" : "larger than 64 MiB");
		xh_buf_free(&b);
		return -1;
	}
	x->doc = xh_xml_read(b.data ? b.data : "", b.len, r->path, r->diag);
	xh_buf_free(&b);
	if (!x->doc)
		return -1;
	xmlNode *root = xmlDocGetRootElement(x->doc);
	if (!root) {
		xhr_err(r, 0, 0, "no root element");
		return -1;
	}
	const char **names = NULL;
	size_t n = 0;
	if (S_scan(r, root, &names, &n) != 0) {
		free(names);
		return -1;
	}
	xh_cell *h = xcalloc(n ? n : 1, sizeof(*h));
	for (size_t i = 0; i < n; i++) {
		h[i].s = names[i];
		h[i].n = strlen(names[i]);
	}
	int rc = xhr_set_header(r, h, n, 1, 0);
	free(h);
	free(names);
	if (rc != 0)
		return -1;
	x->off = xcalloc(r->ncols ? r->ncols : 1, sizeof(*x->off));
	x->len = xcalloc(r->ncols ? r->ncols : 1, sizeof(*x->len));
	x->next = S_element(root->children);
	x->row = 1;
	return 0;
}
