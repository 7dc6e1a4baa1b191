/*
 * collect.c — the returned application forms read back (see collect.h).
 *
 * The order of the work:
 *   1. the year folder: programme.xml and societies (xh_year_load: a year
 *      that does not check is not collected into), and the existing
 *      applications.csv and budget_lines.csv read as raw rows, so that
 *      every row and column, known or not, is written back as it was;
 *   2. the form template's placeholders (the same lookup as the stages:
 *      DIR/templates, $XHGEN_TEMPLATES, the share folder, the checkout),
 *      because LibreOffice drops w:showingPlcHdr and leaves the
 *      placeholder as if it were typed;
 *   3. every form: pack marker, controls, values, budget rows — each
 *      problem a finding with the form's file and the field's label;
 *   4. forms that name the same application: all of them withdrawn;
 *   5. the merge (add or update by application id), the changes printed,
 *      then — unless --dry-run — the three CSV files written to temporary
 *      names beside their final ones and renamed together.
 *
 * A problem either blocks the form (a value that is not valid, a required
 * field empty, a form that is not from this year's pack, an added budget
 * row that cannot be read by column) or is only reported (an optional
 * field empty, a deleted optional control, unaccepted revisions, text read
 * from an added budget row): a record written here always passes `check`.
 */
#include "collect.h"

#include "fmt.h"
#include "opc.h"
#include "rows.h"
#include "schema.h"
#include "stage.h"
#include "xmlsafe.h"
#include "year.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/tree.h>

#define S_W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define S_W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define S_MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define S_FORM_TEMPLATE "项目申报书.docx"
#define S_REPORT "collect-report.csv"
#define S_SEP "；"
/* A real form has about sixty controls; the budget and duplicate checks
 * compare controls pairwise, so a hostile one with a million is refused. */
#define S_MAX_CONTROLS 5000
/* Problems listed per form; a form with more is not worth reading line by
 * line, and a hostile one could print millions. */
#define S_MAX_PROBLEMS 100

/* The applications fields a form holds, in SCHEMA.md's order.  submitted
 * is the form's 填报日期: it fills an empty 提交日期 and never overwrites
 * the clerk's (see S_merge). */
static const char *const S_fields[] = {"title", "class", "amount", "start", "end", "summary", "goals",
                                       "submitted"};
#define S_SUBMITTED 7
#define S_NFIELDS (sizeof(S_fields) / sizeof(S_fields[0]))

/* What Word and WPS show in an empty control when the template gave no
 * placeholder of its own. */
static const char *const S_word_placeholders[] = {
	"单击或点击此处输入文字。", "单击此处输入文字。", "单击或点击此处输入日期。",
	"单击此处输入日期。", "选择一项。", "Click or tap here to enter text.",
	"Click here to enter text.", "Click or tap to enter a date.", "Choose an item.",
};

/* ---- WordprocessingML helpers ---- */

static int S_w(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       (!strcmp((const char *)n->ns->href, S_W_NS) ||
	        !strcmp((const char *)n->ns->href, S_W_NS_STRICT));
}

static int S_is(const xmlNode *n, const char *name)
{
	return S_w(n) && !strcmp((const char *)n->name, name);
}

/* markup-compatibility Fallback repeats what Choice holds (text boxes) */
static int S_fallback(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       !strcmp((const char *)n->ns->href, S_MC_NS) && !strcmp((const char *)n->name, "Fallback");
}

static xmlNode *S_child(const xmlNode *n, const char *name)
{
	for (xmlNode *k = n ? n->children : NULL; k; k = k->next)
		if (S_is(k, name))
			return k;
	return NULL;
}

/* w:val (or another w: attribute) as a new string, or NULL. */
static char *S_attr(const xmlNode *n, const char *name)
{
	if (!n)
		return NULL;
	for (xmlAttr *a = n->properties; a; a = a->next)
		if (!strcmp((const char *)a->name, name)) {
			xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
			char *r = xstrdup(v ? (const char *)v : "");
			xmlFree(v);
			return r;
		}
	return NULL;
}

/* An on/off element (w:showingPlcHdr): present and not w:val="0/false/off". */
static int S_onoff(const xmlNode *n)
{
	if (!n)
		return 0;
	char *v = S_attr(n, "val");
	int on = !v || !(!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "off"));
	free(v);
	return on;
}

/* Elements that record a revision (track changes). */
static int S_revision(const xmlNode *n)
{
	static const char *const names[] = {
		"ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "sectPrChange",
		"tblPrChange", "tblPrExChange", "trPrChange", "tcPrChange", "tblGridChange",
		"numberingChange", "cellIns", "cellDel", "cellMerge",
	};
	if (!S_w(n))
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp((const char *)n->name, names[i]))
			return 1;
	return 0;
}

/* A paragraph whose mark is deleted joins the next one. */
static int S_mark_deleted(const xmlNode *p)
{
	xmlNode *rpr = S_child(S_child(p, "pPr"), "rPr");
	return S_child(rpr, "del") || S_child(rpr, "moveFrom");
}

/* A table row deleted with track changes. */
static int S_row_deleted(const xmlNode *tr)
{
	xmlNode *pr = S_child(tr, "trPr");
	return S_child(pr, "del") != NULL;
}

/* The tag of a w:sdt, a new string or NULL. */
static char *S_sdt_tag(const xmlNode *sdt)
{
	return S_attr(S_child(S_child(sdt, "sdtPr"), "tag"), "val");
}

static int S_xh_tag(const char *tag)
{
	return tag && !strncmp(tag, "xh:", 3);
}

/* ---- text of a part of the document ---- */

typedef struct {
	xh_buf b;
	int pending;   /* paragraph ends not yet written */
	int skip_xh;   /* leave out the controls tagged xh: (text outside them) */
} S_tx;

static void S_emit(S_tx *t, const char *s, size_t n)
{
	if (!n)
		return;
	for (; t->pending > 0; t->pending--)
		xh_buf_addc(&t->b, '\n');
	xh_buf_add(&t->b, s, n);
}

static void S_text_rec(S_tx *t, const xmlNode *n)
{
	static const char *const skip[] = {
		"del", "moveFrom", "delText", "instrText", "delInstrText", "pPr", "rPr", "sdtPr",
		"sdtEndPr", "tblPr", "tblGrid", "trPr", "tcPr", "sectPr", "tblPrEx",
	};
	for (const xmlNode *k = n->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (!S_w(k)) {
			if (!S_fallback(k))
				S_text_rec(t, k);
			continue;
		}
		const char *name = (const char *)k->name;
		int skipped = 0;
		for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]) && !skipped; i++)
			skipped = !strcmp(name, skip[i]);
		if (skipped)
			continue;
		if (!strcmp(name, "t")) {
			xmlChar *c = xmlNodeGetContent(k);
			if (c)
				S_emit(t, (const char *)c, strlen((const char *)c));
			xmlFree(c);
		} else if (!strcmp(name, "tab")) {
			S_emit(t, "\t", 1);
		} else if (!strcmp(name, "br") || !strcmp(name, "cr")) {
			S_emit(t, "\n", 1);
		} else if (!strcmp(name, "noBreakHyphen")) {
			S_emit(t, "-", 1);
		} else if (!strcmp(name, "sdt")) {
			char *tag = t->skip_xh ? S_sdt_tag(k) : NULL;
			if (!S_xh_tag(tag))
				S_text_rec(t, k);
			free(tag);
		} else if (!strcmp(name, "tr")) {
			if (!S_row_deleted(k))
				S_text_rec(t, k);
		} else if (!strcmp(name, "p")) {
			S_text_rec(t, k);
			if (!S_mark_deleted(k))
				t->pending++;
		} else {
			S_text_rec(t, k);
		}
	}
}

/* The text of n's content, trimmed (ASCII and U+3000 spaces, newlines). */
static char *S_text(const xmlNode *n, int skip_xh)
{
	S_tx t = {XH_BUF_INIT, 0, skip_xh};
	if (n)
		S_text_rec(&t, n);
	const char *s = t.b.data ? t.b.data : "";
	size_t len = t.b.len;
	xh_trim(&s, &len);
	char *r = xstrndup(s, len);
	xh_buf_free(&t.b);
	return r;
}

/* ---- the controls of a document ---- */

typedef struct {
	char *tag;              /* without "xh:" */
	char *alias;            /* w:alias, the control's title, or NULL */
	char *text;             /* its text; "" when it shows its placeholder */
	char *raw;              /* its text even when that is the placeholder */
	int plc;                /* w:showingPlcHdr */
	char *fulldate;         /* a date picker's w:fullDate, or NULL */
	char **disp, **val;     /* a drop-down list's items */
	size_t nitems;
	const xmlNode *sdt, *tbl, *tr, *tc;
	int used;
} S_ctl;

typedef struct {
	xmlDoc *doc;
	S_ctl *c;
	size_t n, cap;
	int revisions;
	size_t untagged;        /* controls without any w:tag (LibreOffice 7.4 drops them) */
} S_doc;

static void S_add_ctl(S_doc *d, const xmlNode *sdt, char *tag, const xmlNode *tbl,
                      const xmlNode *tr, const xmlNode *tc)
{
	XH_GROW(d->c, d->cap, d->n + 1);
	S_ctl *c = &d->c[d->n++];
	memset(c, 0, sizeof(*c));
	xmlNode *pr = S_child(sdt, "sdtPr");
	c->tag = xstrdup(tag + 3);
	c->alias = S_attr(S_child(pr, "alias"), "val");
	c->plc = S_onoff(S_child(pr, "showingPlcHdr"));
	c->fulldate = S_attr(S_child(pr, "date"), "fullDate");
	xmlNode *list = S_child(pr, "dropDownList");
	if (!list)
		list = S_child(pr, "comboBox");
	size_t cap = 0, cap2 = 0;
	for (xmlNode *k = list ? list->children : NULL; k; k = k->next)
		if (S_is(k, "listItem")) {
			char *disp = S_attr(k, "displayText");
			char *val = S_attr(k, "value");
			if (!disp)
				disp = xstrdup(val ? val : "");
			if (!val)
				val = xstrdup(disp);
			XH_GROW(c->disp, cap, c->nitems + 1);
			XH_GROW(c->val, cap2, c->nitems + 1);
			c->disp[c->nitems] = disp;
			c->val[c->nitems++] = val;
		}
	c->raw = S_text(S_child(sdt, "sdtContent"), 0);
	c->text = xstrdup(c->plc ? "" : c->raw);
	c->sdt = sdt;
	c->tbl = tbl;
	c->tr = tr;
	c->tc = tc;
}

static void S_walk(S_doc *d, const xmlNode *n, const xmlNode *tbl, const xmlNode *tr,
                   const xmlNode *tc)
{
	for (const xmlNode *k = n->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (!S_w(k)) {
			if (!S_fallback(k))
				S_walk(d, k, tbl, tr, tc);
			continue;
		}
		if (S_revision(k))
			d->revisions = 1;
		/* deleted content holds no control the form still has */
		if (S_is(k, "del") || S_is(k, "moveFrom"))
			continue;
		if (S_is(k, "tbl")) {
			S_walk(d, k, k, NULL, NULL);
		} else if (S_is(k, "tr")) {
			S_walk(d, k, tbl, k, NULL);
		} else if (S_is(k, "tc")) {
			S_walk(d, k, tbl, tr, k);
		} else if (S_is(k, "sdt")) {
			char *tag = S_sdt_tag(k);
			if (S_xh_tag(tag))
				S_add_ctl(d, k, tag, tbl, tr, tc);
			else if (!tag)
				d->untagged++;
			free(tag);
			S_walk(d, k, tbl, tr, tc);
		} else {
			S_walk(d, k, tbl, tr, tc);
		}
	}
}

static void S_doc_free(S_doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		S_ctl *c = &d->c[i];
		free(c->tag);
		free(c->alias);
		free(c->text);
		free(c->raw);
		free(c->fulldate);
		for (size_t k = 0; k < c->nitems; k++) {
			free(c->disp[k]);
			free(c->val[k]);
		}
		free(c->disp);
		free(c->val);
	}
	free(d->c);
	if (d->doc)
		xmlFreeDoc(d->doc);
	memset(d, 0, sizeof(*d));
}

/* ---- a package: the main document and the custom properties ---- */

/* The targets of the package relationships officeDocument and
 * custom-properties (their usual names when _rels/.rels does not say). */
static void S_parts(xh_pkg *p, char **main, char **custom)
{
	*main = NULL;
	*custom = NULL;
	xh_buf b = XH_BUF_INIT;
	xh_diag quiet = {0};
	xmlDoc *doc = NULL;
	if (zip_name_locate(xh_pkg_zip(p), "_rels/.rels", 0) >= 0 &&
	    xh_pkg_read(p, "_rels/.rels", &b, &quiet) == 0)
		doc = xh_xml_read(b.data ? b.data : "", b.len, "_rels/.rels", &quiet);
	for (xmlNode *k = doc ? xmlDocGetRootElement(doc)->children : NULL; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, "Relationship"))
			continue;
		xmlChar *type = xmlGetProp(k, (const xmlChar *)"Type");
		xmlChar *target = xmlGetProp(k, (const xmlChar *)"Target");
		if (type && target) {
			const char *t = (const char *)target;
			while (*t == '/')
				t++;
			size_t tl = strlen((const char *)type);
			const char *ty = (const char *)type;
			if (!*main && tl >= 15 && !strcmp(ty + tl - 15, "/officeDocument"))
				*main = xstrdup(t);
			else if (!*custom && tl >= 18 && !strcmp(ty + tl - 18, "/custom-properties"))
				*custom = xstrdup(t);
		}
		xmlFree(type);
		xmlFree(target);
	}
	if (doc)
		xmlFreeDoc(doc);
	xh_buf_free(&b);
	xh_diag_free(&quiet);
	if (!*main)
		*main = xstrdup("word/document.xml");
	if (!*custom)
		*custom = xstrdup("docProps/custom.xml");
}

/* Reads the main document's controls into d; 0, or -1 with the reason in
 * diag. */
static int S_read_doc(xh_pkg *p, const char *part, S_doc *d, xh_diag *diag)
{
	xh_buf b = XH_BUF_INIT;
	memset(d, 0, sizeof(*d));
	if (xh_pkg_read(p, part, &b, diag) != 0) {
		xh_buf_free(&b);
		return -1;
	}
	char *where = xasprintf("%s: %s", xh_pkg_path(p), part);
	d->doc = xh_xml_read(b.data ? b.data : "", b.len, where, diag);
	free(where);
	xh_buf_free(&b);
	if (!d->doc)
		return -1;
	S_walk(d, xmlDocGetRootElement(d->doc), NULL, NULL, NULL);
	if (d->n > S_MAX_CONTROLS) {
		xh_diag_add(diag, 0, "%s: %s: %zu content controls (a form has at most %d)", xh_pkg_path(p),
		            part, d->n, S_MAX_CONTROLS);
		return -1;
	}
	return 0;
}

typedef struct {
	char *name, *value;
} S_prop;

/* The custom document properties (name → text of the value). */
static S_prop *S_read_props(xh_pkg *p, const char *part, size_t *n)
{
	*n = 0;
	if (zip_name_locate(xh_pkg_zip(p), part, 0) < 0)
		return NULL;
	xh_buf b = XH_BUF_INIT;
	xh_diag quiet = {0};
	xmlDoc *doc = NULL;
	if (xh_pkg_read(p, part, &b, &quiet) == 0)
		doc = xh_xml_read(b.data ? b.data : "", b.len, part, &quiet);
	xh_buf_free(&b);
	xh_diag_free(&quiet);
	S_prop *r = NULL;
	size_t cap = 0;
	for (xmlNode *k = doc ? xmlDocGetRootElement(doc)->children : NULL; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, "property"))
			continue;
		xmlChar *name = xmlGetProp(k, (const xmlChar *)"name");
		xmlChar *val = xmlNodeGetContent(k);
		if (name) {
			const char *s = val ? (const char *)val : "";
			size_t len = strlen(s);
			xh_trim(&s, &len);
			XH_GROW(r, cap, *n + 1);
			r[*n].name = xstrdup((const char *)name);
			r[(*n)++].value = xstrndup(s, len);
		}
		xmlFree(name);
		xmlFree(val);
	}
	if (doc)
		xmlFreeDoc(doc);
	return r;
}

static const char *S_prop_get(const S_prop *p, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return p[i].value;
	return NULL;
}

static void S_props_free(S_prop *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].value);
	}
	free(p);
}

/* ---- the form template: placeholders, labels, text beside controls ---- */

typedef struct {
	char *tag, *placeholder, *alias, *outside;
	int in_cell;
} S_tctl;

typedef struct {
	char *path;             /* the template read, or NULL */
	S_tctl *c;
	size_t n;
} S_tpl;

/* The same places as xh_stage_template() (stage.h) looks in. */
static char *S_template_path(const char *dir)
{
	char *cand[4] = {NULL, NULL, NULL, NULL};
	size_t nc = 0;
	cand[nc++] = xasprintf("%s/templates/%s", dir, S_FORM_TEMPLATE);
	const char *env = getenv("XHGEN_TEMPLATES");
	if (env && *env)
		cand[nc++] = xasprintf("%s/%s", env, S_FORM_TEMPLATE);
#ifdef XH_DATADIR
	cand[nc++] = xasprintf("%s/templates/%s", XH_DATADIR, S_FORM_TEMPLATE);
#endif
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			cand[nc++] = xasprintf("%s/templates/%s", exe, S_FORM_TEMPLATE);
		}
	}
	char *found = NULL;
	for (size_t i = 0; i < nc; i++) {
		struct stat st;
		if (!found && stat(cand[i], &st) == 0 && S_ISREG(st.st_mode))
			found = cand[i];
		else
			free(cand[i]);
	}
	return found;
}

static void S_tpl_load(S_tpl *t, const char *dir)
{
	memset(t, 0, sizeof(*t));
	char *path = S_template_path(dir);
	if (!path)
		return;
	xh_diag quiet = {0};
	xh_pkg *p = xh_pkg_open(path, &quiet);
	S_doc d;
	memset(&d, 0, sizeof(d));
	char *main = NULL, *custom = NULL;
	if (p)
		S_parts(p, &main, &custom);
	if (p && S_read_doc(p, main, &d, &quiet) == 0) {
		t->path = path;
		path = NULL;
		t->c = xcalloc(d.n + 1, sizeof(*t->c));
		for (size_t i = 0; i < d.n; i++) {
			S_tctl *c = &t->c[t->n++];
			c->tag = xstrdup(d.c[i].tag);
			c->placeholder = d.c[i].plc ? xstrdup(d.c[i].raw) : NULL;
			c->alias = d.c[i].alias ? xstrdup(d.c[i].alias) : NULL;
			c->in_cell = d.c[i].tc != NULL;
			c->outside = c->in_cell ? S_text(d.c[i].tc, 1) : NULL;
		}
	}
	S_doc_free(&d);
	free(main);
	free(custom);
	xh_pkg_close(p);
	xh_diag_free(&quiet);
	free(path);
}

static const S_tctl *S_tpl_find(const S_tpl *t, const char *tag)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->c[i].tag, tag))
			return &t->c[i];
	return NULL;
}

static void S_tpl_free(S_tpl *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->c[i].tag);
		free(t->c[i].placeholder);
		free(t->c[i].alias);
		free(t->c[i].outside);
	}
	free(t->c);
	free(t->path);
}

/* A control's text that is only a placeholder: the template's for its tag
 * (LibreOffice keeps the text and drops w:showingPlcHdr), or Word's. */
static void S_placeholders(S_doc *d, const S_tpl *t)
{
	for (size_t i = 0; i < d->n; i++) {
		S_ctl *c = &d->c[i];
		if (c->plc || !*c->text)
			continue;
		int plc = 0;
		for (size_t k = 0; k < t->n && !plc; k++)
			plc = t->c[k].placeholder && *t->c[k].placeholder && !strcmp(t->c[k].tag, c->tag) &&
			      !strcmp(t->c[k].placeholder, c->text);
		for (size_t k = 0; k < sizeof(S_word_placeholders) / sizeof(*S_word_placeholders); k++)
			plc |= !strcmp(S_word_placeholders[k], c->text);
		if (plc) {
			c->plc = 1;
			free(c->text);
			c->text = xstrdup("");
		}
	}
}

/* ---- one form ---- */

typedef struct {
	char *category, *note;
	xh_fen amount;
} S_line;

enum { S_ADDED, S_UPDATED, S_NOT };

typedef struct {
	char *file, *path;      /* name in FORMS_DIR; FORMS_DIR/name for messages */
	char *society, *application; /* from the pack marker, or NULL */
	int soc;                /* index in the year's societies, or -1 */
	int ok;                 /* nothing blocks the import */
	int marked;             /* has a usable pack marker (takes part in the duplicate check) */
	xh_buf problems;        /* for the report, S_SEP-separated */
	size_t nprob;           /* problems found, listed or not (S_MAX_PROBLEMS) */
	char *val[S_NFIELDS];   /* the application's values as written to the CSV; "" empty */
	S_line *lines;
	size_t nlines, caplines;
	int result;
} S_form;

/* One problem of a form: a line on stderr and a part of its report cell;
 * blocking problems keep the form out of the records. */
static void S_prob(S_form *f, xh_diag *diag, int blocking, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
static void S_prob(S_form *f, xh_diag *diag, int blocking, const char *fmt, ...)
{
	if (blocking)
		f->ok = 0;
	if (f->nprob++ >= S_MAX_PROBLEMS)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	xh_diag_add(diag, 0, "%s: %s", f->path, m);
	if (f->problems.len)
		xh_buf_adds(&f->problems, S_SEP);
	xh_buf_adds(&f->problems, m);
	free(m);
}

/* The count of the problems beyond S_MAX_PROBLEMS, once a form is read. */
static void S_prob_more(S_form *f, xh_diag *diag)
{
	if (f->nprob <= S_MAX_PROBLEMS)
		return;
	size_t more = f->nprob - S_MAX_PROBLEMS;
	f->nprob = 0; /* listed now */
	S_prob(f, diag, 0, "另有 %zu 个问题未列出 and %zu more problems", more, more);
}

/* At most 120 bytes of a value for a message, cut at a character. */
static int S_clip(const char *s)
{
	size_t n = strlen(s);
	if (n <= 120)
		return (int)n;
	n = 120;
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

/* A value by its field's type into the text the CSV gets (money as
 * 50000.00, dates ISO); 0, or -1 with why. */
static int S_value(const xh_field *fl, const char *s, xh_buf *out, const char **why)
{
	out->len = 0;
	size_t n = strlen(s);
	switch (fl->type) {
	case XH_F_MONEY: {
		xh_fen v;
		if (xh_money_parse(s, n, &v, why) != 0)
			return -1;
		xh_buf_printf(out, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
		return 0;
	}
	case XH_F_DATE: {
		xh_date d;
		if (xh_date_parse(s, n, &d, why) != 0)
			return -1;
		xh_date_iso(out, d);
		return 0;
	}
	case XH_F_ENUM:
		for (const char *const *w = fl->words; *w; w++)
			if (!strcmp(*w, s)) {
				xh_buf_adds(out, s);
				return 0;
			}
		*why = NULL;
		return -1;
	default:
		xh_buf_adds(out, s);
		return 0;
	}
}

static void S_enum_why(const xh_field *fl, xh_buf *m)
{
	xh_buf_adds(m, "not one of");
	for (const char *const *w = fl->words; *w; w++)
		xh_buf_printf(m, " %s", *w);
}

/* The text of the control for an application field: drop-down items give
 * their value, a date picker its date when the text is not one. */
static const char *S_ctl_value(const S_ctl *c, const xh_field *fl, xh_buf *tmp)
{
	for (size_t i = 0; i < c->nitems; i++)
		if (!strcmp(c->disp[i], c->text))
			return c->val[i];
	if (fl->type == XH_F_DATE && c->fulldate && *c->text) {
		const char *why;
		xh_date d;
		if (xh_date_parse(c->text, strlen(c->text), &d, &why) != 0 && strlen(c->fulldate) >= 10 &&
		    xh_date_parse(c->fulldate, 10, &d, &why) == 0) {
			tmp->len = 0;
			xh_date_iso(tmp, d);
			return xh_buf_cstr(tmp);
		}
	}
	return c->text;
}

/* The label of a tag in messages: the schema's, the control's title, or
 * the template's. */
static const char *S_label(const S_ctl *c, const S_tpl *t, const char *tag)
{
	if (c && c->alias && *c->alias)
		return c->alias;
	const S_tctl *tc = S_tpl_find(t, tag);
	if (tc && tc->alias && *tc->alias)
		return tc->alias;
	return tag;
}

/* Text typed beside a control in its table cell: the cell's text outside
 * the xh: controls less what the template has there (a label, "至"
 * between two dates, "人民币").  Without the template (check_template),
 * nothing is read: the label could not be told from typed text.  *shared
 * is set when other controls share the cell: the text then belongs to no
 * one field. */
static char *S_outside(const S_doc *d, const S_ctl *c, const S_tpl *t, int check_template,
                       int *shared)
{
	*shared = 0;
	if (!c->tc)
		return NULL;
	const S_tctl *tc = S_tpl_find(t, c->tag);
	if (check_template && !tc)
		return NULL;
	for (size_t k = 0; k < d->n; k++)
		*shared |= d->c[k].tc == c->tc && &d->c[k] != c;
	char *out = S_text(c->tc, 1);
	const char *tpl = tc && tc->outside ? tc->outside : "";
	size_t ol = strlen(out), tl = strlen(tpl);
	const char *hit = tl ? strstr(out, tpl) : NULL;
	if (hit) {
		/* the template's text stays where it was: what is left was typed */
		memmove(out + (hit - out), hit + tl, ol - (size_t)(hit - out) - tl + 1);
		const char *p = out;
		size_t n = strlen(out);
		xh_trim(&p, &n);
		memmove(out, p, n);
		out[n] = '\0';
	}
	if (!*out) {
		free(out);
		return NULL;
	}
	return out;
}

static void S_fields_read(S_form *f, S_doc *d, const S_tpl *t, xh_diag *diag)
{
	const xh_rtype *apps = xh_schema_type("applications");
	xh_buf tmp = XH_BUF_INIT, norm = XH_BUF_INIT;
	for (size_t i = 0; i < S_NFIELDS; i++) {
		const xh_field *fl = xh_schema_field(apps, S_fields[i]);
		int req = (fl->flags & XH_F_REQUIRED) != 0;
		f->val[i] = xstrdup("");
		const S_ctl *first = NULL;
		const char *chosen = NULL;
		int clash = 0, nctl = 0;
		char *typed = NULL;
		for (size_t k = 0; k < d->n; k++) {
			S_ctl *c = &d->c[k];
			if (strcmp(c->tag, fl->id))
				continue;
			c->used = 1;
			nctl++;
			if (!first)
				first = c;
			const char *v = S_ctl_value(c, fl, &tmp);
			if (!*v) {
				/* typed beside the control instead of into it */
				int shared;
				char *o = S_outside(d, c, t, 1, &shared);
				if (o && shared)
					S_prob(f, diag, 0, "%s (xh:%s): 控件旁的文字不能确定属于哪个字段，未读取 text "
					       "beside controls that share a cell, not read: \"%.*s\"", fl->label, fl->id,
					       S_clip(o), o);
				else if (o && !typed) {
					typed = o;
					o = NULL;
				}
				free(o);
				continue;
			}
			if (!chosen) {
				chosen = v;
				free(f->val[i]);
				f->val[i] = xstrdup(v);
			} else if (strcmp(f->val[i], v)) {
				clash = 1;
			}
		}
		if (!nctl) {
			S_prob(f, diag, req, "%s (xh:%s): 控件已删除 control deleted%s", fl->label, fl->id,
			       req ? ", 必填 required" : "");
		} else if (clash) {
			S_prob(f, diag, 1, "%s (xh:%s): %d 个控件内容不同 the field's controls differ", fl->label,
			       fl->id, nctl);
		} else if (!chosen && typed) {
			free(f->val[i]);
			f->val[i] = typed;
			typed = NULL;
			S_prob(f, diag, 0, "%s (xh:%s): 填写在控件之外 typed beside the control: \"%.*s\"",
			       fl->label, fl->id, S_clip(f->val[i]), f->val[i]);
		} else if (!chosen) {
			S_prob(f, diag, req, "%s (xh:%s): 未填写 empty%s", fl->label, fl->id,
			       req ? ", 必填 required" : "");
		}
		free(typed);
		if (*f->val[i]) {
			const char *why = NULL;
			if (S_value(fl, f->val[i], &norm, &why) != 0) {
				xh_buf m = XH_BUF_INIT;
				if (why)
					xh_buf_adds(&m, why);
				else
					S_enum_why(fl, &m);
				S_prob(f, diag, 1, "%s (xh:%s): %s: \"%.*s\"", fl->label, fl->id, xh_buf_cstr(&m),
				       S_clip(f->val[i]), f->val[i]);
				xh_buf_free(&m);
			} else {
				free(f->val[i]);
				f->val[i] = xstrdup(xh_buf_cstr(&norm));
			}
		}
	}
	xh_buf_free(&tmp);
	xh_buf_free(&norm);
}

/* ---- the budget table ---- */

typedef struct {
	const xmlNode *tr;
	int row;                /* 1-based in the table */
} S_row;

/* The rows of a table, through row-level controls (w:sdt) and custom XML. */
static void S_rows(const xmlNode *n, S_row **rows, size_t *nr, size_t *cap)
{
	for (const xmlNode *k = n->children; k; k = k->next) {
		if (S_is(k, "tr")) {
			XH_GROW(*rows, *cap, *nr + 1);
			(*rows)[*nr].tr = k;
			(*rows)[*nr].row = (int)*nr + 1;
			(*nr)++;
		} else if (S_is(k, "sdt") || S_is(k, "sdtContent") || S_is(k, "customXml") ||
		           S_is(k, "ins")) {
			S_rows(k, rows, nr, cap);
		}
	}
}

/* w:gridSpan, w:gridBefore as a count of grid columns, clamped to lo..63
 * (Word's grid has at most 63 columns): a hostile gridSpan="2000000000"
 * on two cells overflowed the int column sum (S_cells; fuzz corpus
 * form/gridspan).  With at most 256 cells a row then stays far below
 * INT_MAX. */
static int S_grid_count(const char *s, int lo, int dflt)
{
	if (!s)
		return dflt;
	long v = strtol(s, NULL, 10);
	return v < lo ? lo : v > 63 ? 63 : (int)v;
}

/* The cells of a row with their grid column (w:gridBefore, w:gridSpan). */
static size_t S_cells(const xmlNode *n, const xmlNode **tc, int *col, size_t max, int *at)
{
	size_t nc = 0;
	for (const xmlNode *k = n->children; k && nc < max; k = k->next) {
		if (S_is(k, "tc")) {
			char *span = S_attr(S_child(S_child(k, "tcPr"), "gridSpan"), "val");
			tc[nc] = k;
			col[nc++] = *at;
			*at += S_grid_count(span, 1, 1);
			free(span);
		} else if (S_is(k, "sdt") || S_is(k, "sdtContent") || S_is(k, "customXml")) {
			nc += S_cells(k, tc + nc, col + nc, max - nc, at);
		}
	}
	return nc;
}

/* The cells of a row (at most 256) with their grid column, counted from
 * the row's w:gridBefore. */
static size_t S_row_cells(const xmlNode *tr, const xmlNode *tc[256], int col[256])
{
	char *before = S_attr(S_child(S_child(tr, "trPr"), "gridBefore"), "val");
	int at = S_grid_count(before, 0, 0);
	free(before);
	return S_cells(tr, tc, col, 256, &at);
}

static int S_grid_col(const xmlNode *tr, const xmlNode *cell)
{
	const xmlNode *tc[256];
	int col[256];
	size_t n = S_row_cells(tr, tc, col);
	for (size_t i = 0; i < n; i++)
		if (tc[i] == cell)
			return col[i];
	return -1;
}

/* The text of the cell at grid column col of a row ("" when none). */
static char *S_cell_at(const xmlNode *tr, int col)
{
	const xmlNode *tc[256];
	int cols[256];
	size_t n = S_row_cells(tr, tc, cols);
	for (size_t i = 0; i < n; i++)
		if (cols[i] == col)
			return S_text(tc[i], 0);
	return xstrdup("");
}

/* Rows by their node, to find a control's row without a scan per row (a
 * hostile table may have a million rows). */
typedef struct {
	const xmlNode *tr;
	size_t row;
} S_rowkey;

static int S_rowkey_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const S_rowkey *)a)->tr, y = (uintptr_t)((const S_rowkey *)b)->tr;
	return x < y ? -1 : x > y;
}

enum { S_B_CAT, S_B_AMT, S_B_NOTE, S_B_TOTAL, S_NB };
static const char *const S_btags[S_NB] = {"budget.category", "budget.amount", "budget.note",
                                          "budget.total"};
static const char *const S_blabels[S_NB] = {"经费类别", "金额", "说明", "合计"};

static int S_btag(const char *tag)
{
	for (int i = 0; i < S_NB; i++)
		if (!strcmp(tag, S_btags[i]))
			return i;
	return -1;
}

/* A control of the budget table that is not one of a line's three (the
 * total, the total in words): its row is not a budget line. */
static int S_bother(const char *tag)
{
	return !strncmp(tag, "budget.", 7) && (S_btag(tag) < 0 || S_btag(tag) == S_B_TOTAL);
}

/* 合计, 合计（大写）, 总计, 小计: a total row that lost its control. */
static int S_is_total_word(const char *s)
{
	return !strncmp(s, "合计", 6) || !strncmp(s, "总计", 6) || !strncmp(s, "小计", 6) ||
	       !strncmp(s, "合  计", 8);
}

static void S_budget_read(S_form *f, S_doc *d, const S_tpl *t, xh_diag *diag)
{
	const xmlNode *tbl = NULL;
	int spread = 0, any = 0;
	for (size_t k = 0; k < d->n; k++) {
		if (S_btag(d->c[k].tag) < 0)
			continue;
		d->c[k].used = 1;
		any = 1;
		if (!d->c[k].tbl || (tbl && d->c[k].tbl != tbl))
			spread = 1;
		if (!tbl)
			tbl = d->c[k].tbl;
	}
	if (!any) {
		S_prob(f, diag, 0, "经费预算表 (xh:budget.*): 控件已删除 controls deleted, no budget lines read");
		return;
	}
	if (spread || !tbl) {
		S_prob(f, diag, 1, "经费预算表 (xh:budget.*): 控件不在同一个表格中 the budget controls are "
		       "not in one table");
		return;
	}
	/* where category, amount and note are: the same grid column in every
	 * row with controls, or reading an added row would be a guess */
	int col[3] = {-1, -1, -1}, consistent = 1;
	for (size_t k = 0; k < d->n; k++) {
		int b = S_btag(d->c[k].tag);
		if (b < 0 || b == S_B_TOTAL || !d->c[k].tc)
			continue;
		int c = S_grid_col(d->c[k].tr, d->c[k].tc);
		if (col[b] < 0)
			col[b] = c;
		else if (col[b] != c)
			consistent = 0;
	}
	consistent = consistent && col[0] >= 0 && col[1] >= 0 && col[2] >= 0 && col[0] != col[1] &&
	             col[1] != col[2] && col[0] != col[2];
	S_row *rows = NULL;
	size_t nr = 0, cap = 0;
	S_rows(tbl, &rows, &nr, &cap);
	/* the budget controls of each row, in document order: head[r], next[k] */
	S_rowkey *keys = xcalloc(nr + 1, sizeof(*keys));
	long *head = xcalloc(nr + 1, sizeof(*head)), *next = xcalloc(d->n + 1, sizeof(*next));
	for (size_t r = 0; r < nr; r++) {
		keys[r].tr = rows[r].tr;
		keys[r].row = r;
		head[r] = -1;
	}
	qsort(keys, nr, sizeof(*keys), S_rowkey_cmp);
	for (size_t k = d->n; k-- > 0;) {
		next[k] = -1;
		if (strncmp(d->c[k].tag, "budget.", 7) || !d->c[k].tr)
			continue;
		S_rowkey key = {d->c[k].tr, 0};
		const S_rowkey *hit = bsearch(&key, keys, nr, sizeof(*keys), S_rowkey_cmp);
		if (hit) {
			next[k] = head[hit->row];
			head[hit->row] = (long)k;
		}
	}
	int seen = 0, has_total = 0, total_bad = 0, sum_big = 0;
	xh_fen total = 0, sum = 0;
	for (size_t r = 0; r < nr; r++) {
		const xmlNode *tr = rows[r].tr;
		if (S_row_deleted(tr))
			continue;
		const S_ctl *ctl[S_NB] = {NULL, NULL, NULL, NULL};
		int other = 0;
		for (long k = head[r]; k >= 0; k = next[k]) {
			int b = S_btag(d->c[k].tag);
			if (b >= 0 && !ctl[b])
				ctl[b] = &d->c[k];
			other |= S_bother(d->c[k].tag) && b != S_B_TOTAL;
		}
		if (other && !ctl[S_B_TOTAL])
			continue;
		char *v[3] = {NULL, NULL, NULL};
		int added = 0;
		if (ctl[S_B_TOTAL]) {
			const S_ctl *c = ctl[S_B_TOTAL];
			int shared;
			char *o = *c->text ? NULL : S_outside(d, c, t, 0, &shared);
			const char *s = *c->text ? c->text : o ? o : "";
			if (*s) {
				const char *why;
				if (xh_money_parse(s, strlen(s), &total, &why) != 0) {
					S_prob(f, diag, 0, "%s (xh:budget.total): %s: \"%.*s\"", S_blabels[S_B_TOTAL],
					       why, S_clip(s), s);
					total_bad = 1;
				} else {
					has_total = 1;
				}
			}
			free(o);
			continue;
		}
		if (ctl[S_B_CAT] || ctl[S_B_AMT] || ctl[S_B_NOTE]) {
			seen = 1;
			for (int b = 0; b < 3; b++) {
				const S_ctl *c = ctl[b];
				if (c) {
					int shared;
					char *o = S_outside(d, c, t, 0, &shared);
					if (!*c->text && o) {
						v[b] = o;
						S_prob(f, diag, 0, "经费预算表第 %d 行 row %d: %s (xh:%s): 填写在控件之外 "
						       "typed beside the control: \"%.*s\"", rows[r].row, rows[r].row,
						       S_blabels[b], S_btags[b], S_clip(o), o);
					} else {
						v[b] = xstrdup(c->text);
						if (o)
							S_prob(f, diag, 0, "经费预算表第 %d 行 row %d: %s (xh:%s): 控件外的文字"
							       "未读取 text beside the control not read: \"%.*s\"",
							       rows[r].row, rows[r].row, S_blabels[b], S_btags[b], S_clip(o), o);
						free(o);
					}
				} else if (col[b] >= 0 && consistent) {
					v[b] = S_cell_at(tr, col[b]);
					if (*v[b])
						S_prob(f, diag, 0, "经费预算表第 %d 行 row %d: %s (xh:%s): 控件已删除 "
						       "control deleted, read from its column", rows[r].row, rows[r].row,
						       S_blabels[b], S_btags[b]);
				} else {
					v[b] = xstrdup("");
				}
			}
		} else {
			if (!seen)
				continue; /* the header */
			char *all = S_text(tr, 0);
			int empty = !*all;
			free(all);
			if (empty)
				continue;
			if (!consistent) {
				S_prob(f, diag, 1, "经费预算表第 %d 行 row %d: 表格新增行 an added row that cannot "
				       "be read by column", rows[r].row, rows[r].row);
				continue;
			}
			for (int b = 0; b < 3; b++)
				v[b] = S_cell_at(tr, col[b]);
			if (S_is_total_word(v[0])) {
				/* the total row lost its control */
				const char *why;
				if (*v[1] && xh_money_parse(v[1], strlen(v[1]), &total, &why) == 0)
					has_total = 1;
				for (int b = 0; b < 3; b++)
					free(v[b]);
				continue;
			}
			added = 1;
		}
		if (added && (*v[0] || *v[1]))
			S_prob(f, diag, 0, "经费预算表第 %d 行 row %d: 表格新增行 added row, read by column: "
			       "\"%s\" \"%s\" \"%.*s\"", rows[r].row, rows[r].row, v[0], v[1], S_clip(v[2]), v[2]);
		if (!*v[1]) {
			if (*v[2] || (added && *v[0]))
				S_prob(f, diag, 0, "经费预算表第 %d 行 row %d: %s (xh:budget.amount): 未填写 "
				       "empty, the row is not read", rows[r].row, rows[r].row, S_blabels[S_B_AMT]);
		} else if (!*v[0]) {
			S_prob(f, diag, 1, "经费预算表第 %d 行 row %d: %s (xh:budget.category): 有金额但没有"
			       "经费类别 an amount without a category", rows[r].row, rows[r].row,
			       S_blabels[S_B_CAT]);
		} else {
			xh_fen a;
			const char *why;
			if (xh_money_parse(v[1], strlen(v[1]), &a, &why) != 0) {
				S_prob(f, diag, 1, "经费预算表第 %d 行 row %d: %s (xh:budget.amount): %s: \"%.*s\"",
				       rows[r].row, rows[r].row, S_blabels[S_B_AMT], why, S_clip(v[1]), v[1]);
			} else if (sum > XH_FEN_MAX - a) {
				/* each amount is at most XH_FEN_MAX, but added rows have no
				 * count limit: ~9300 of them at the largest amount overflow
				 * the signed sum (tests/fuzz/corpus/form/sum_overflow).  No
				 * budget adds up to more than one amount may be; the form
				 * is not taken. */
				if (!sum_big)
					S_prob(f, diag, 1, "经费预算表第 %d 行 row %d: 明细之和过大 the lines add up "
					       "to more than the largest amount", rows[r].row, rows[r].row);
				sum_big = 1;
			} else {
				XH_GROW(f->lines, f->caplines, f->nlines + 1);
				S_line *l = &f->lines[f->nlines++];
				l->category = xstrdup(v[0]);
				l->note = xstrdup(v[2]);
				l->amount = a;
				sum += a;
			}
		}
		for (int b = 0; b < 3; b++)
			free(v[b]);
	}
	free(rows);
	free(keys);
	free(head);
	free(next);
	if (sum_big)
		return; /* the sum is not known: nothing to compare the totals with */
	if (has_total && !total_bad && total != sum) {
		xh_buf a = XH_BUF_INIT, b = XH_BUF_INIT;
		xh_money_yuan(&a, total);
		xh_money_yuan(&b, sum);
		S_prob(f, diag, 0, "合计 (xh:budget.total): %s 与明细之和 %s 不符 differs from the sum of "
		       "the lines", xh_buf_cstr(&a), xh_buf_cstr(&b));
		xh_buf_free(&a);
		xh_buf_free(&b);
	}
	/* the total in words (人民币大写) against the lines: 伍万元整, or 伍万元 */
	for (size_t k = 0; k < d->n; k++) {
		const S_ctl *c = &d->c[k];
		if (strcmp(c->tag, "budget.total_cn") || !*c->text)
			continue;
		const char *w = c->text;
		if (!strncmp(w, "人民币", 9))
			w += 9;
		size_t wl = strlen(w);
		xh_trim(&w, &wl);
		xh_buf cny = XH_BUF_INIT;
		xh_money_cny(&cny, sum);
		size_t cl = cny.len;
		int same = (wl == cl && !memcmp(w, cny.data, cl)) ||
		           (cl > 3 && !memcmp(cny.data + cl - 3, "整", 3) && wl == cl - 3 &&
		            !memcmp(w, cny.data, wl));
		if (!same)
			S_prob(f, diag, 0, "合计（大写） (xh:budget.total_cn): \"%.*s\" 与明细之和（%s）不符 does "
			       "not spell the sum of the lines", S_clip(c->text), c->text, xh_buf_cstr(&cny));
		xh_buf_free(&cny);
		break;
	}
}

/* Controls of the form that are not application fields (实施计划, 党建
 *工作, …): only reported when empty or deleted. */
static void S_others(S_form *f, const S_doc *d, const S_tpl *t, xh_diag *diag)
{
	for (size_t k = 0; k < d->n; k++) {
		const S_ctl *c = &d->c[k];
		int dup = 0;
		for (size_t j = 0; j < k && !dup; j++)
			dup = !strcmp(d->c[j].tag, c->tag);
		if (c->used || dup)
			continue;
		int filled = 0;
		for (size_t j = k; j < d->n && !filled; j++)
			filled = !strcmp(d->c[j].tag, c->tag) && *d->c[j].text;
		if (!filled)
			S_prob(f, diag, 0, "%s (xh:%s): 未填写 empty", S_label(c, t, c->tag), c->tag);
	}
	for (size_t i = 0; i < t->n; i++) {
		const S_tctl *tc = &t->c[i];
		int dup = 0, here = 0;
		for (size_t j = 0; j < i && !dup; j++)
			dup = !strcmp(t->c[j].tag, tc->tag);
		for (size_t k = 0; k < d->n && !here; k++)
			here = !strcmp(d->c[k].tag, tc->tag);
		int field = S_btag(tc->tag) >= 0;
		for (size_t j = 0; j < S_NFIELDS; j++)
			field |= !strcmp(S_fields[j], tc->tag);
		if (!dup && !here && !field)
			S_prob(f, diag, 0, "%s (xh:%s): 控件已删除 control deleted", S_label(NULL, t, tc->tag),
			       tc->tag);
	}
}

/* The longest society name the file name holds, or -1. */
static int S_named(const xh_year *y, const char *file)
{
	int best = -1;
	size_t bl = 0;
	for (size_t i = 0; i < y->nsocieties; i++) {
		const char *nm = y->societies[i].name;
		size_t l = strlen(nm);
		if (l > bl && strstr(file, nm)) {
			best = (int)i;
			bl = l;
		}
	}
	return best;
}

static void S_form_read(S_form *f, const xh_year *y, const S_tpl *t, xh_diag *diag)
{
	xh_diag pd = {0};
	xh_pkg *p = xh_pkg_open(f->path, &pd);
	if (!p) {
		for (size_t i = 0; i < pd.n; i++) {
			/* the package reader names the file itself */
			const char *m = pd.msg[i];
			size_t pl = strlen(f->path);
			if (!strncmp(m, f->path, pl) && !strncmp(m + pl, ": ", 2))
				m += pl + 2;
			S_prob(f, diag, 1, "不是可读取的 DOCX 文件 not a readable DOCX: %s", m);
		}
		xh_diag_free(&pd);
		return;
	}
	char *main = NULL, *custom = NULL;
	S_parts(p, &main, &custom);
	size_t np;
	S_prop *props = S_read_props(p, custom, &np);
	const char *pyear = S_prop_get(props, np, "xhgen.year");
	const char *psoc = S_prop_get(props, np, "xhgen.society");
	const char *papp = S_prop_get(props, np, "xhgen.application");
	char want[64];
	snprintf(want, sizeof(want), "%d", y->prog.year);
	if (!pyear || !papp || !psoc || !*pyear || !*papp || !*psoc) {
		S_prob(f, diag, 1, "不是本年度申报包生成的申报书 not a form of this year's pack (no "
		       "xhgen.year/xhgen.society/xhgen.application document property)");
	} else if (strcmp(pyear, want)) {
		S_prob(f, diag, 1, "不是本年度申报包生成的申报书 not a form of this year's pack: %.*s 年度 "
		       "the form is of %.*s, the year folder of %s", S_clip(pyear), pyear, S_clip(pyear),
		       pyear, want);
	} else {
		f->society = xstrdup(psoc);
		f->application = xstrdup(papp);
		f->soc = xh_year_society(y, psoc);
		char *expect = xasprintf("%s-%s", want, psoc);
		if (f->soc < 0) {
			S_prob(f, diag, 1, "学会编号 (xhgen.society) %.*s 不在学会名录中 is not in the "
			       "societies file", S_clip(psoc), psoc);
		} else if (strcmp(expect, papp)) {
			S_prob(f, diag, 1, "申报编号 (xhgen.application) %.*s 与学会 %s 不符 does not belong "
			       "to society %s", S_clip(papp), papp, psoc, psoc);
		} else {
			f->marked = 1;
			int named = S_named(y, f->file);
			if (named >= 0 && named != f->soc)
				S_prob(f, diag, 1, "文件名是%s的，申报书却是%s的 the file is named for %s (%s) "
				       "but the form is %s's (%s)", y->societies[named].name,
				       y->societies[f->soc].name, y->societies[named].id,
				       y->societies[named].name, y->societies[f->soc].id,
				       y->societies[f->soc].name);
		}
		free(expect);
	}
	S_props_free(props, np);
	S_doc d;
	memset(&d, 0, sizeof(d));
	if (!f->ok) {
		/* not this year's form of this society: its gaps are not news */
	} else if (S_read_doc(p, main, &d, &pd) != 0) {
		for (size_t i = 0; i < pd.n; i++)
			S_prob(f, diag, 1, "不是可读取的 DOCX 文件 not a readable DOCX: %s", pd.msg[i]);
	} else if (!d.n && d.untagged) {
		/* every control is there but none has a tag: saved by a program
		 * that keeps the controls and not their properties */
		S_prob(f, diag, 1, "内容控件的标记已丢失 the form's %zu content controls lost their tags "
		       "(LibreOffice 7.4 drops them when it saves a DOCX): fill in the form in Word or WPS",
		       d.untagged);
	} else {
		S_placeholders(&d, t);
		if (d.revisions)
			S_prob(f, diag, 0, "有未接受的修订 unaccepted tracked changes (read as accepted: "
			       "inserted text counts, deleted text does not)");
		S_fields_read(f, &d, t, diag);
		S_budget_read(f, &d, t, diag);
		S_others(f, &d, t, diag);
	}
	S_doc_free(&d);
	free(main);
	free(custom);
	xh_pkg_close(p);
	xh_diag_free(&pd);
}

static void S_form_free(S_form *f)
{
	free(f->file);
	free(f->path);
	free(f->society);
	free(f->application);
	xh_buf_free(&f->problems);
	for (size_t i = 0; i < S_NFIELDS; i++)
		free(f->val[i]);
	for (size_t i = 0; i < f->nlines; i++) {
		free(f->lines[i].category);
		free(f->lines[i].note);
	}
	free(f->lines);
}

/* ---- record files as raw rows ---- */

typedef struct {
	char *path;
	int exists;
	const char *encoding;   /* as xh_rows found it (static) */
	char **head;
	size_t ncol;
	char ***rows;
	size_t nrows, cap;
} S_table;

static int S_table_read(S_table *t, const char *path, xh_diag *diag)
{
	memset(t, 0, sizeof(*t));
	t->path = xstrdup(path);
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;
	t->exists = 1;
	xh_rows *r = xh_rows_open(path, diag);
	if (!r)
		return -1;
	t->encoding = xh_rows_encoding(r);
	t->ncol = xh_rows_ncols(r);
	t->head = xcalloc(t->ncol + 1, sizeof(*t->head));
	for (size_t i = 0; i < t->ncol; i++)
		t->head[i] = xstrdup(xh_rows_header(r, i));
	xh_row row;
	int rc;
	while ((rc = xh_rows_next(r, &row)) > 0) {
		XH_GROW(t->rows, t->cap, t->nrows + 1);
		char **cells = xcalloc(t->ncol + 1, sizeof(*cells));
		for (size_t i = 0; i < t->ncol; i++)
			cells[i] = xstrndup(row.cell[i].s ? row.cell[i].s : "", row.cell[i].n);
		t->rows[t->nrows++] = cells;
	}
	xh_rows_close(r);
	return rc < 0 ? -1 : 0;
}

static void S_table_free(S_table *t)
{
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t c = 0; c < t->ncol; c++)
			free(t->rows[i][c]);
		free(t->rows[i]);
	}
	free(t->rows);
	for (size_t c = 0; c < t->ncol; c++)
		free(t->head[c]);
	free(t->head);
	free(t->path);
}

/* The column of a field (by id or label), or -1. */
static int S_col(const S_table *t, const xh_rtype *rt, const char *id)
{
	for (size_t c = 0; c < t->ncol; c++) {
		const xh_field *f = xh_schema_field(rt, t->head[c]);
		if (f && !strcmp(f->id, id))
			return (int)c;
	}
	return -1;
}

/* The column of field id, appended (header in the file's style: labels
 * when its key column is labelled) when the file has none. */
static int S_col_need(S_table *t, const xh_rtype *rt, const char *id)
{
	int c = S_col(t, rt, id);
	if (c >= 0)
		return c;
	const xh_field *f = xh_schema_field(rt, id);
	int labels = 0;
	for (size_t k = 0; k < t->ncol && !labels; k++) {
		const xh_field *g = xh_schema_field(rt, t->head[k]);
		labels = g && !strcmp(t->head[k], g->label);
	}
	t->head = xrealloc(t->head, (t->ncol + 2) * sizeof(*t->head));
	t->head[t->ncol] = xstrdup(labels ? f->label : f->id);
	for (size_t r = 0; r < t->nrows; r++) {
		t->rows[r] = xrealloc(t->rows[r], (t->ncol + 2) * sizeof(**t->rows));
		t->rows[r][t->ncol] = xstrdup("");
	}
	return (int)t->ncol++;
}

static void S_table_new(S_table *t, const xh_rtype *rt)
{
	t->ncol = rt->nfields;
	t->head = xcalloc(t->ncol + 1, sizeof(*t->head));
	for (size_t i = 0; i < t->ncol; i++)
		t->head[i] = xstrdup(rt->fields[i].id);
}

static char **S_row_new(const S_table *t)
{
	char **cells = xcalloc(t->ncol + 1, sizeof(*cells));
	for (size_t i = 0; i < t->ncol; i++)
		cells[i] = xstrdup("");
	return cells;
}

/* One CSV row; a field that starts or ends with a space is quoted, so
 * that readers that trim fields keep it.  flags: xh_buf_csv_field's. */
static void S_csv_row(xh_buf *b, char *const *cells, size_t n, int flags)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			xh_buf_addc(b, ',');
		xh_buf_csv_field(b, cells[i], XH_CSV_SPACES | flags);
	}
	xh_buf_adds(b, "\r\n");
}

/* A row of the report, which people open in Excel: a file name that a
 * spreadsheet would take for a formula gets a leading apostrophe
 * (CONVENTIONS.md: no formula injection).  The record files are data and
 * keep their text. */
static void S_report_row(xh_buf *b, char *const *cells, size_t n)
{
	S_csv_row(b, cells, n, XH_CSV_GUARD);
}

static void S_table_csv(const S_table *t, xh_buf *b)
{
	xh_buf_adds(b, "\xEF\xBB\xBF");
	S_csv_row(b, t->head, t->ncol, 0);
	for (size_t r = 0; r < t->nrows; r++)
		S_csv_row(b, t->rows[r], t->ncol, 0);
}

/* Same value for the field's type: "5万元" and "50000.00" are one amount. */
static int S_same(const xh_field *fl, const char *a, const char *b)
{
	const char *why;
	if (fl && fl->type == XH_F_MONEY) {
		xh_fen x, y;
		if (xh_money_parse(a, strlen(a), &x, &why) == 0 && xh_money_parse(b, strlen(b), &y, &why) == 0)
			return x == y;
	} else if (fl && fl->type == XH_F_DATE) {
		xh_date x, y;
		if (xh_date_parse(a, strlen(a), &x, &why) == 0 && xh_date_parse(b, strlen(b), &y, &why) == 0)
			return x.y == y.y && x.m == y.m && x.d == y.d;
	}
	const char *s1 = a, *s2 = b;
	size_t n1 = strlen(a), n2 = strlen(b);
	xh_trim(&s1, &n1);
	xh_trim(&s2, &n2);
	return n1 == n2 && !memcmp(s1, s2, n1);
}

/* A value for the change listing: on one line, at most 60 bytes. */
static void S_show(FILE *out, const char *s)
{
	if (!*s) {
		fputs("(空 empty)", out);
		return;
	}
	size_t n = 0;
	fputc('"', out);
	for (; n < 60 && s[n]; n++)
		fputc(s[n] == '\n' || s[n] == '\r' || s[n] == '\t' ? ' ' : s[n], out);
	while (((unsigned char)s[n] & 0xC0) == 0x80)
		fputc(s[n++], out);
	fputs(s[n] ? "…\"" : "\"", out);
}

/* ---- writing ---- */

typedef struct {
	char *tmp, *final;
} S_out;

/* Writes the buffers to temporaries named as the stages name theirs
 * (stage.h: DIR/.xhgen-PID-I.tmp, so that any later run in the folder
 * clears what a killed one left), then renames them all; on failure
 * removes the temporaries and leaves the old files as they were. */
static xh_err S_commit(const char *dir, const char *const *names, const xh_buf *bufs, size_t n,
                       xh_diag *diag)
{
	S_out *o = xcalloc(n + 1, sizeof(*o));
	xh_err e = XH_OK;
	size_t done = 0;
	for (size_t i = 0; i < n; i++) {
		o[i].tmp = xh_stage_tmpname(dir, i);
		o[i].final = xasprintf("%s/%s", dir, names[i]);
	}
	/* complete files of a killed earlier run that never got their names */
	xh_stage_remove_stale(dir);
	for (; done < n; done++) {
		if (xh_write_file(o[done].tmp, bufs[done].data, bufs[done].len,
		                  XH_WRITE_EXCL | XH_WRITE_SYNC, 0644) != 0) {
			xh_diag_add(diag, 0, "%s: cannot write: %s", o[done].final, strerror(errno));
			unlink(o[done].tmp);
			e = XH_ESYS;
			break;
		}
		xh_stage_stop_point();
	}
	for (size_t i = 0; i < n && e == XH_OK; i++)
		if (rename(o[i].tmp, o[i].final) != 0) {
			xh_diag_add(diag, 0, "%s: cannot rename into place: %s", o[i].final, strerror(errno));
			e = XH_ESYS;
		}
	if (e == XH_OK && xh_fsync_path(dir, 1) != 0) {
		xh_diag_add(diag, 0, "%s: cannot sync the folder: %s", dir, strerror(errno));
		e = XH_ESYS;
	}
	for (size_t i = 0; i < n; i++) {
		if (e != XH_OK)
			unlink(o[i].tmp);
		free(o[i].tmp);
		free(o[i].final);
	}
	free(o);
	return e;
}

/* ---- the command ---- */

static int S_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int S_has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && !strcasecmp(s + n - m, suf);
}

/* A record file that the merge cannot write back. */
static int S_refuse_other_forms(const char *dir, const char *name, xh_diag *diag)
{
	static const char *const ext[] = {"xlsx", "xml"};
	int bad = 0;
	for (size_t i = 0; i < 2; i++) {
		char *p = xasprintf("%s/%s.%s", dir, name, ext[i]);
		struct stat st;
		if (stat(p, &st) == 0) {
			xh_diag_add(diag, 0, "%s: collect merges into %s.csv only; save the records as %s.csv "
			            "(UTF-8) and remove %s.%s", p, name, name, name, ext[i]);
			bad = 1;
		}
		free(p);
	}
	return bad;
}

/* Merges the imported forms into apps and budget, printing the changes;
 * sets each form's result. */
static void S_merge(S_form *forms, size_t nf, S_table *apps, S_table *bud, int dry, FILE *out)
{
	const xh_rtype *at = xh_schema_type("applications");
	const xh_rtype *bt = xh_schema_type("budget_lines");
	int aid = S_col_need(apps, at, "id");
	int asoc = S_col_need(apps, at, "society");
	int acol[S_NFIELDS];
	for (size_t i = 0; i < S_NFIELDS; i++)
		acol[i] = S_col_need(apps, at, S_fields[i]);
	int bapp = S_col_need(bud, bt, "application");
	int bcat = S_col_need(bud, bt, "category");
	int bamt = S_col_need(bud, bt, "amount");
	int bnote = S_col_need(bud, bt, "note");
	for (size_t i = 0; i < nf; i++) {
		S_form *f = &forms[i];
		if (!f->ok) {
			f->result = S_NOT;
			continue;
		}
		size_t r = 0;
		while (r < apps->nrows && strcmp(apps->rows[r][aid], f->application))
			r++;
		if (r == apps->nrows) {
			XH_GROW(apps->rows, apps->cap, apps->nrows + 1);
			char **cells = S_row_new(apps);
			free(cells[aid]);
			cells[aid] = xstrdup(f->application);
			free(cells[asoc]);
			cells[asoc] = xstrdup(f->society);
			for (size_t k = 0; k < S_NFIELDS; k++) {
				free(cells[acol[k]]);
				cells[acol[k]] = xstrdup(f->val[k]);
			}
			apps->rows[apps->nrows++] = cells;
			f->result = S_ADDED;
			fprintf(out, "  %s %s  %s\n", dry ? "将新增 would add" : "新增 added", f->application,
			        f->file);
		} else {
			f->result = S_UPDATED;
			fprintf(out, "  %s %s  %s\n", dry ? "将更新 would update" : "更新 updated",
			        f->application, f->file);
			char **cells = apps->rows[r];
			if (!S_same(NULL, cells[asoc], f->society)) {
				fprintf(out, "    society (学会编号): ");
				S_show(out, cells[asoc]);
				fputs(" → ", out);
				S_show(out, f->society);
				fputc('\n', out);
				free(cells[asoc]);
				cells[asoc] = xstrdup(f->society);
			}
			for (size_t k = 0; k < S_NFIELDS; k++) {
				const xh_field *fl = xh_schema_field(at, S_fields[k]);
				if (S_same(fl, cells[acol[k]], f->val[k]))
					continue; /* the old text stays: "5万元" is 50000.00 */
				if (k == S_SUBMITTED && *cells[acol[k]])
					continue; /* the clerk's date of receipt stands */
				fprintf(out, "    %s (%s): ", fl->id, fl->label);
				S_show(out, cells[acol[k]]);
				fputs(" → ", out);
				S_show(out, f->val[k]);
				fputc('\n', out);
				free(cells[acol[k]]);
				cells[acol[k]] = xstrdup(f->val[k]);
			}
		}
	}
	/* budget lines: an imported application's lines are replaced where
	 * its first old line was, or added at the end */
	char ***rows = NULL;
	size_t nrows = 0, cap = 0;
	const xh_field *famt = xh_schema_field(bt, "amount");
	int *placed = xcalloc(nf + 1, sizeof(*placed));
	for (size_t pass = 0; pass < 2; pass++) {
		size_t lim = pass == 0 ? bud->nrows : nf;
		for (size_t r = 0; r < lim; r++) {
			size_t i = 0;
			if (pass == 0) {
				if (!bud->rows[r])
					continue; /* an unchanged line already placed */
				while (i < nf && !(forms[i].result != S_NOT &&
				                   !strcmp(forms[i].application, bud->rows[r][bapp])))
					i++;
				if (i == nf) {
					XH_GROW(rows, cap, nrows + 1);
					rows[nrows++] = bud->rows[r];
					continue;
				}
			} else {
				i = r;
				if (forms[i].result == S_NOT || placed[i])
					continue;
			}
			S_form *f = &forms[i];
			if (placed[i]) {
				for (size_t c = 0; c < bud->ncol; c++)
					free(bud->rows[r][c]);
				free(bud->rows[r]);
				bud->rows[r] = NULL;
				continue;
			}
			placed[i] = 1;
			/* the old lines of this application, for the listing */
			size_t nold = 0, same = 1;
			for (size_t k = 0; k < bud->nrows; k++) {
				if (!bud->rows[k] || strcmp(bud->rows[k][bapp], f->application))
					continue;
				same = same && nold < f->nlines &&
				       S_same(NULL, bud->rows[k][bcat], f->lines[nold].category) &&
				       S_same(NULL, bud->rows[k][bnote], f->lines[nold].note);
				if (same) {
					xh_buf m = XH_BUF_INIT;
					xh_buf_printf(&m, "%lld.%02lld", (long long)(f->lines[nold].amount / 100),
					              (long long)(f->lines[nold].amount % 100));
					same = S_same(famt, bud->rows[k][bamt], xh_buf_cstr(&m));
					xh_buf_free(&m);
				}
				nold++;
			}
			same = same && nold == f->nlines;
			if (!same && f->result == S_UPDATED) {
				fprintf(out, "    budget_lines (经费预算明细): %zu → %zu 行 lines\n", nold, f->nlines);
				for (size_t k = 0; k < bud->nrows; k++)
					if (bud->rows[k] && !strcmp(bud->rows[k][bapp], f->application))
						fprintf(out, "      - %s %s %s\n", bud->rows[k][bcat], bud->rows[k][bamt],
						        bud->rows[k][bnote]);
			}
			for (size_t k = 0; k < f->nlines; k++) {
				char **cells = NULL;
				/* unchanged lines keep their old rows (text and columns), taken
				 * in order: the k-th is the first one not yet taken */
				for (size_t q = 0; same && q < bud->nrows && !cells; q++)
					if (bud->rows[q] && !strcmp(bud->rows[q][bapp], f->application)) {
						cells = bud->rows[q];
						bud->rows[q] = NULL;
					}
				if (!cells) {
					cells = S_row_new(bud);
					free(cells[bapp]);
					cells[bapp] = xstrdup(f->application);
					free(cells[bcat]);
					cells[bcat] = xstrdup(f->lines[k].category);
					free(cells[bamt]);
					cells[bamt] = xasprintf("%lld.%02lld", (long long)(f->lines[k].amount / 100),
					                        (long long)(f->lines[k].amount % 100));
					free(cells[bnote]);
					cells[bnote] = xstrdup(f->lines[k].note);
					if (!same && f->result == S_UPDATED)
						fprintf(out, "      + %s %s %s\n", cells[bcat], cells[bamt], cells[bnote]);
				}
				XH_GROW(rows, cap, nrows + 1);
				rows[nrows++] = cells;
			}
			if (pass == 0 && bud->rows[r]) {
				for (size_t c = 0; c < bud->ncol; c++)
					free(bud->rows[r][c]);
				free(bud->rows[r]);
				bud->rows[r] = NULL;
			}
		}
	}
	free(placed);
	free(bud->rows);
	bud->rows = rows;
	bud->nrows = nrows;
	bud->cap = cap;
}

static const char *S_result_word(int r)
{
	return r == S_ADDED ? "已导入" : r == S_UPDATED ? "已更新" : "未导入";
}

xh_err xh_collect(const char *forms_dir, const char *dir, int dry_run, FILE *out, xh_diag *diag)
{
	/* 1. the year folder */
	int refused = S_refuse_other_forms(dir, "applications", diag);
	refused |= S_refuse_other_forms(dir, "budget_lines", diag);
	if (refused)
		return XH_EDATA;
	xh_year *y = xh_year_load(dir, 0, diag);
	if (!y)
		return XH_EDATA;
	DIR *dd = opendir(forms_dir);
	if (!dd) {
		xh_diag_add(diag, 0, "%s: cannot read the forms folder: %s", forms_dir, strerror(errno));
		xh_year_free(y);
		return XH_EDATA;
	}
	S_table apps, bud;
	char *ap = xasprintf("%s/applications.csv", dir);
	char *bp = xasprintf("%s/budget_lines.csv", dir);
	int bad = S_table_read(&apps, ap, diag) | S_table_read(&bud, bp, diag);
	free(ap);
	free(bp);
	if (bad) {
		closedir(dd);
		S_table_free(&apps);
		S_table_free(&bud);
		xh_year_free(y);
		return XH_EDATA;
	}
	if (!apps.exists)
		S_table_new(&apps, xh_schema_type("applications"));
	if (!bud.exists)
		S_table_new(&bud, xh_schema_type("budget_lines"));

	/* 2. the files, in byte order of their names */
	char **names = NULL;
	size_t nn = 0, capn = 0;
	struct dirent *e;
	while ((e = readdir(dd)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			XH_GROW(names, capn, nn + 1);
			names[nn++] = xstrdup(e->d_name);
		}
	closedir(dd);
	if (nn)
		qsort(names, nn, sizeof(*names), S_cmp_str);
	S_tpl tpl;
	S_tpl_load(&tpl, dir);

	S_form *forms = xcalloc(nn + 1, sizeof(*forms));
	size_t nf = 0;
	xh_buf report = XH_BUF_INIT;
	xh_buf_adds(&report, "\xEF\xBB\xBF文件名,学会编号,学会名称,申报编号,结果,问题\r\n");
	/* files that are not forms: listed, not read */
	char **skipped = NULL;
	const char **why_skipped = NULL;
	size_t ns = 0, caps = 0, capw = 0;
	/* the report lists every file in name order: entry i is form ent[i]
	 * when ent[i] >= 0, else skipped file -ent[i] - 1 */
	long *ent = xcalloc(nn + 1, sizeof(*ent));
	for (size_t i = 0; i < nn; i++) {
		char *path = xasprintf("%s/%s", forms_dir, names[i]);
		struct stat st;
		const char *why = NULL;
		if (lstat(path, &st) != 0)
			why = "无法读取 cannot be read";
		else if (S_ISLNK(st.st_mode))
			why = "符号链接，未读取 a symbolic link, not read";
		else if (S_ISDIR(st.st_mode))
			why = "文件夹，未读取 a folder, not read";
		else if (!S_ISREG(st.st_mode) || !S_has_suffix(names[i], ".docx"))
			why = "不是 .docx 文件，已跳过 not a .docx file, skipped";
		else if (!strncmp(names[i], "~$", 2))
			why = "Word 的临时锁文件，已跳过 a Word lock file, skipped";
		if (why) {
			XH_GROW(skipped, caps, ns + 1);
			XH_GROW(why_skipped, capw, ns + 1);
			skipped[ns] = names[i];
			why_skipped[ns] = why;
			ent[i] = -(long)ns - 1;
			ns++;
			names[i] = NULL;
			free(path);
			continue;
		}
		ent[i] = (long)nf;
		S_form *f = &forms[nf++];
		f->file = names[i];
		names[i] = NULL;
		f->path = path;
		f->soc = -1;
		f->ok = 1;
		S_form_read(f, y, &tpl, diag);
		S_prob_more(f, diag);
	}
	free(names);

	/* 3. one application per society and year: two forms, neither taken */
	for (size_t i = 0; i < nf; i++) {
		if (!forms[i].marked)
			continue;
		xh_buf others = XH_BUF_INIT;
		for (size_t j = 0; j < nf; j++)
			if (j != i && forms[j].marked && !strcmp(forms[i].application, forms[j].application)) {
				if (others.len)
					xh_buf_adds(&others, "、");
				xh_buf_adds(&others, forms[j].file);
			}
		if (others.len)
			S_prob(&forms[i], diag, 1, "同一申报 %s 另有申报书 another form of the same application: "
			       "%s（均未导入 neither is taken）", forms[i].application, xh_buf_cstr(&others));
		xh_buf_free(&others);
	}
	/* an application of the society already in the records under another
	 * id (typed in by hand): adding would make it two */
	{
		const xh_rtype *at = xh_schema_type("applications");
		int cid = S_col(&apps, at, "id"), csoc = S_col(&apps, at, "society");
		for (size_t i = 0; i < nf && cid >= 0 && csoc >= 0; i++) {
			S_form *f = &forms[i];
			for (size_t r = 0; f->ok && r < apps.nrows; r++)
				if (!strcmp(apps.rows[r][csoc], f->society) &&
				    strcmp(apps.rows[r][cid], f->application))
					S_prob(f, diag, 1, "申报编号 (xhgen.application): %s 中已有学会 %s 的申报 %s "
					       "applications.csv already has %s for this society under another id",
					       apps.path, f->society, apps.rows[r][cid], apps.rows[r][cid]);
		}
	}

	/* 4. the merge and the listing */
	fprintf(out, "%d年度申报书 collect %d: %s\n", y->prog.year, y->prog.year, forms_dir);
	S_merge(forms, nf, &apps, &bud, dry_run, out);
	size_t nadd = 0, nupd = 0, nnot = 0;
	for (size_t k = 0; k < nn; k++) {
		if (ent[k] < 0) {
			size_t i = (size_t)(-ent[k] - 1);
			char *cells[6] = {skipped[i], "", "", "", "未导入", (char *)why_skipped[i]};
			S_report_row(&report, cells, 6);
			fprintf(out, "  已跳过 skipped  %s: %s\n", skipped[i], why_skipped[i]);
			continue;
		}
		S_form *f = &forms[ent[k]];
		nadd += f->result == S_ADDED;
		nupd += f->result == S_UPDATED;
		nnot += f->result == S_NOT;
		if (f->result == S_NOT)
			fprintf(out, "  未导入 not imported  %s%s%s\n", f->file, f->application ? "  " : "",
			        f->application ? f->application : "");
		const xh_society *s = f->soc >= 0 ? &y->societies[f->soc] : NULL;
		char *cells[6] = {f->file, f->society ? f->society : "", s ? s->name : "",
		                  f->application ? f->application : "",
		                  (char *)S_result_word(f->result), (char *)xh_buf_cstr(&f->problems)};
		S_report_row(&report, cells, 6);
	}
	free(ent);

	/* 5. the files */
	xh_err rc = XH_OK;
	int changed = nadd + nupd > 0;
	const char *fnames[3];
	xh_buf bufs[3] = {XH_BUF_INIT, XH_BUF_INIT, XH_BUF_INIT};
	size_t nout = 0;
	if (changed) {
		S_table_csv(&apps, &bufs[nout]);
		fnames[nout++] = "applications.csv";
		S_table_csv(&bud, &bufs[nout]);
		fnames[nout++] = "budget_lines.csv";
		for (int k = 0; k < 2; k++) {
			const S_table *t = k ? &bud : &apps;
			if (t->exists && t->encoding && strcmp(t->encoding, "UTF-8") &&
			    strcmp(t->encoding, "UTF-8 with BOM"))
				fprintf(out, "%s: %s, %s UTF-8 with BOM\n", t->path, t->encoding,
				        dry_run ? "would be rewritten as 将改写为" : "rewritten as 已改写为");
		}
	}
	xh_buf_add(&bufs[nout], report.data, report.len);
	fnames[nout++] = S_REPORT;
	if (!dry_run)
		rc = S_commit(dir, fnames, bufs, nout, diag);
	fprintf(out, "%zu 份申报书 forms: %zu 已导入 added, %zu 已更新 updated, %zu 未导入 not imported"
	        "; %zu 个其他文件已跳过 other files skipped\n", nf, nadd, nupd, nnot, ns);
	if (dry_run)
		fprintf(out, "--dry-run: nothing written 未写入任何文件\n");
	else if (rc == XH_OK)
		fprintf(out, "written 已写入 %s: %s%s\n", dir,
		        changed ? "applications.csv, budget_lines.csv, " : "", S_REPORT);

	for (size_t k = 0; k < 3; k++)
		xh_buf_free(&bufs[k]);
	xh_buf_free(&report);
	for (size_t i = 0; i < nf; i++)
		S_form_free(&forms[i]);
	free(forms);
	for (size_t i = 0; i < ns; i++)
		free(skipped[i]);
	free(skipped);
	free(why_skipped);
	S_tpl_free(&tpl);
	S_table_free(&apps);
	S_table_free(&bud);
	xh_year_free(y);
	return rc;
}
