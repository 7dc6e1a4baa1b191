/*
 * check.c — validates a programme year folder against SCHEMA.md.
 *
 * Every record file is read once, row by row (rows.h), and every cell is
 * checked against its field's type; what the cross-record checks need (the
 * ids, and for applications their class) is all that is kept, so memory
 * grows with the number of ids, not with the size of the files.  Record
 * types are read in the order of schema.c, referenced types first, so a
 * reference can be resolved as soon as it is read.
 *
 * Every problem is one diagnostic in the form of CONVENTIONS.md:
 *   input/applications.csv:12 (line 14): amount (申请金额): Chinese numerals (write
 *   the amount in figures): "五万"
 */
#include "check.h"
#include "i18n.h"
#include "fmt.h"
#include "rows.h"
#include "schema.h"
#include "xmlsafe.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/tree.h>

/* ---- a set of strings with a small payload (ids, and their rows) ---- */

typedef struct {
	char **key;
	uint32_t *row;
	int32_t *val;
	size_t n, cap;    /* open addressing; cap is a power of two */
} S_set;

static uint32_t S_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static size_t S_slot(const S_set *t, const char *s, size_t n)
{
	size_t i = S_hash(s, n) & (t->cap - 1);
	while (t->key[i] && (strlen(t->key[i]) != n || memcmp(t->key[i], s, n)))
		i = (i + 1) & (t->cap - 1);
	return i;
}

/* The row of s, or 0 when absent. */
static uint32_t S_set_find(const S_set *t, const char *s, size_t n, int32_t *val)
{
	if (!t->cap)
		return 0;
	size_t i = S_slot(t, s, n);
	if (!t->key[i])
		return 0;
	if (val)
		*val = t->val[i];
	return t->row[i];
}

/* Adds s; returns 0, or the row that already holds it. */
static uint32_t S_set_add(S_set *t, const char *s, size_t n, uint32_t row, int32_t val)
{
	if ((t->n + 1) * 2 > t->cap) {
		S_set old = *t;
		t->cap = old.cap ? old.cap * 2 : 64;
		t->key = xcalloc(t->cap, sizeof(*t->key));
		t->row = xcalloc(t->cap, sizeof(*t->row));
		t->val = xcalloc(t->cap, sizeof(*t->val));
		for (size_t i = 0; i < old.cap; i++) {
			if (!old.key[i])
				continue;
			size_t j = S_slot(t, old.key[i], strlen(old.key[i]));
			t->key[j] = old.key[i];
			t->row[j] = old.row[i];
			t->val[j] = old.val[i];
		}
		free(old.key);
		free(old.row);
		free(old.val);
	}
	size_t i = S_slot(t, s, n);
	if (t->key[i])
		return t->row[i];
	t->key[i] = xstrndup(s, n);
	t->row[i] = row;
	t->val[i] = val;
	t->n++;
	return 0;
}

static void S_set_free(S_set *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->key[i]);
	free(t->key);
	free(t->row);
	free(t->val);
	memset(t, 0, sizeof(*t));
}

/* ---- the checker ---- */

typedef struct {
	const char *dir;
	xh_diag *diag;
	size_t nerr;
	pcre2_code *phone, *email;
	pcre2_match_data *md;
	S_set keys[16];     /* by record type index: the key field's values */
	int loaded[16];     /* the type's file was read (references can be checked) */
	int present[16];    /* the type's file exists (read or not) */
	FILE *report;
	/* the money of the file being read, added up: every sum xhgen makes
	 * later (a project's budget lines, a year's spending) is part of one
	 * file's total, so a file within XH_FEN_MAX keeps them all exact */
	xh_fen money_sum;
	int money_over;
	/* programme settings the cross-record checks use */
	xh_fen cap[3];      /* A, B, 推广 */
} S_ck;

static void S_err(S_ck *c, const char *path, const xh_row *row, const xh_field *f,
                  const char *what, const char *v, size_t n)
{
	xh_buf m = XH_BUF_INIT;
	xh_buf_adds(&m, path);
	if (row) {
		xh_buf_printf(&m, ":%lu", row->row);
		if (row->line != row->row)
			xh_buf_printf(&m, _(" (line %lu)"), row->line);
	}
	if (f)
		xh_buf_printf(&m, ": %s (%s)", f->id, f->label);
	xh_buf_printf(&m, ": %s", gettext(what));
	if (v) {
		if (n > 120)
			n = 120;
		xh_buf_printf(&m, ": \"%.*s\"", (int)n, v);
	}
	xh_diag_add(c->diag, 0, "%s", xh_buf_cstr(&m));
	xh_buf_free(&m);
	c->nerr++;
}

static pcre2_code *S_re(const char *pat)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off, NULL);
	if (!re) {
		fprintf(stderr, "xhgen: internal pattern %s fails at %zu\n", pat, (size_t)off);
		abort();
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

static int S_match(S_ck *c, pcre2_code *re, const char *s, size_t n)
{
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, c->md, NULL) >= 0;
}

/* Full-width digits and dashes become ASCII before a phone is checked
 * (DOMAIN.md §4.5). */
static void S_ascii_digits(const char *s, size_t n, xh_buf *out)
{
	out->len = 0;
	for (size_t i = 0; i < n;) {
		const unsigned char *u = (const unsigned char *)s + i;
		if (n - i >= 3 && u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99) {
			xh_buf_addc(out, (char)('0' + (u[2] - 0x90)));
			i += 3;
		} else if (n - i >= 3 && u[0] == 0xEF && u[1] == 0xBC && u[2] == 0x8D) {
			xh_buf_addc(out, '-'); /* － */
			i += 3;
		} else if (n - i >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x93 || u[2] == 0x94)) {
			xh_buf_addc(out, '-'); /* – — */
			i += 3;
		} else {
			xh_buf_addc(out, s[i]);
			i++;
		}
	}
}

/* Checks one cell against its field; returns 0 when good. */
static int S_cell(S_ck *c, const char *path, const xh_row *row, const xh_field *f,
                  const xh_cell *cell)
{
	const char *s = cell->s;
	size_t n = cell->n;
	const char *why = NULL;
	xh_buf tmp = XH_BUF_INIT;
	switch (f->type) {
	case XH_F_TEXT:
		if ((f->flags & XH_F_CREDIT) && xh_credit_code_check(s, n, &why) == 0)
			why = NULL;
		if (f->flags & XH_F_PHONE) {
			S_ascii_digits(s, n, &tmp);
			if (!S_match(c, c->phone, tmp.data, tmp.len))
				why = cell->kind == XH_CELL_NUMBER
				          ? N_("not a phone number (a number cell: save the column as text "
				               "so the leading 0 stays)")
				          : N_("not a phone number (mobile 1XXXXXXXXXX or landline 0631-XXXXXXX)");
		}
		if ((f->flags & XH_F_EMAIL) && !S_match(c, c->email, s, n))
			why = N_("not an e-mail address");
		if ((f->flags & XH_F_CREDIT) && why && cell->kind == XH_CELL_NUMBER)
			why = N_("not a credit code (a number cell: save the column as text)");
		break;
	case XH_F_INT:
	case XH_F_YEAR: {
		int64_t v;
		if (xh_int_parse(s, n, &v, &why) != 0)
			break;
		if (f->type == XH_F_YEAR && (v < 1900 || v > 2999))
			why = N_("not a year");
		else if (f->min < f->max && (v < f->min || v > f->max)) {
			char *m = xasprintf(_("out of range (%d to %d)"), f->min, f->max);
			S_err(c, path, row, f, m, s, n);
			free(m);
			xh_buf_free(&tmp);
			return -1;
		}
		break;
	}
	case XH_F_MONEY: {
		xh_fen v;
		int bad = cell->kind == XH_CELL_NUMBER ? xh_money_from_number(s, n, &v, &why)
		                                       : xh_money_parse(s, n, &v, &why);
		if (!bad && !c->money_over) {
			c->money_sum += v; /* both at most XH_FEN_MAX: no overflow */
			c->money_over = c->money_sum > XH_FEN_MAX;
		}
		break;
	}
	case XH_F_DATE: {
		xh_date d;
		if (cell->kind == XH_CELL_NUMBER)
			why = N_("a number, not a date (format the cell as a date, or write 2026-03-01)");
		else
			xh_date_parse(s, n, &d, &why);
		break;
	}
	case XH_F_BOOL: {
		int b;
		xh_bool_parse(s, n, &b, &why);
		break;
	}
	case XH_F_ENUM: {
		int ok = 0;
		for (const char *const *w = f->words; *w; w++)
			ok |= strlen(*w) == n && !memcmp(*w, s, n);
		if (!ok) {
			xh_buf_adds(&tmp, _("not one of"));
			for (const char *const *w = f->words; *w; w++)
				xh_buf_printf(&tmp, " %s", *w);
			S_err(c, path, row, f, xh_buf_cstr(&tmp), s, n);
			xh_buf_free(&tmp);
			return -1;
		}
		break;
	}
	case XH_F_SCORE: {
		int t;
		xh_score_parse(s, n, &t, &why);
		break;
	}
	}
	xh_buf_free(&tmp);
	if (why) {
		S_err(c, path, row, f, why, s, n);
		return -1;
	}
	return 0;
}

static int S_class_index(const char *s, size_t n)
{
	if (n == 1 && *s == 'A')
		return 0;
	if (n == 1 && *s == 'B')
		return 1;
	if (n == 6 && !memcmp(s, "推广", 6))
		return 2;
	return -1;
}

static void S_check_file(S_ck *c, size_t ti, const xh_rtype *t, const char *path)
{
	size_t before = c->nerr;
	xh_rows *r = xh_rows_open(path, c->diag);
	if (!r) {
		c->nerr++;
		return;
	}
	size_t nc = xh_rows_ncols(r);
	const xh_field **col = xcalloc(nc + 1, sizeof(*col));
	for (size_t i = 0; i < nc; i++) {
		col[i] = xh_schema_field(t, xh_rows_header(r, i));
		for (size_t k = 0; col[i] && k < i; k++)
			if (col[k] == col[i]) {
				char *m = xasprintf("columns %zu and %zu are both %s (%s)", k + 1, i + 1,
				                    col[i]->id, col[i]->label);
				S_err(c, path, NULL, NULL, m, NULL, 0);
				free(m);
			}
	}
	/* the record type each column refers to, by index */
	size_t nt;
	const xh_rtype *all = xh_schema_types(&nt);
	int *ref = xcalloc(nc + 1, sizeof(*ref));
	for (size_t i = 0; i < nc; i++) {
		ref[i] = -1;
		for (size_t k = 0; col[i] && col[i]->ref && k < nt; k++)
			if (!strcmp(all[k].name, col[i]->ref))
				ref[i] = (int)k;
	}
	/* a reference to records the folder does not have cannot resolve */
	for (size_t i = 0; i < nc; i++) {
		if (ref[i] < 0 || c->loaded[ref[i]] || c->present[ref[i]])
			continue;
		char *m = xasprintf("refers to %s, but the folder has no %s file", col[i]->ref, col[i]->ref);
		S_err(c, path, NULL, col[i], m, NULL, 0);
		free(m);
	}
	int have_all = 1;
	for (size_t k = 0; k < t->nfields; k++) {
		const xh_field *f = &t->fields[k];
		if (!(f->flags & XH_F_REQUIRED))
			continue;
		size_t i;
		for (i = 0; i < nc && col[i] != f; i++)
			;
		if (i == nc) {
			S_err(c, path, NULL, f, "missing column", NULL, 0);
			have_all = 0;
		}
	}
	if (!have_all) {
		free(col);
		free(ref);
		xh_rows_close(r);
		return;
	}
	/* the other fields that must be unique, and scores' (application,
	 * expert) pairs */
	S_set uniq[24];
	memset(uniq, 0, sizeof(uniq));
	S_set pairs = {0};
	int is_scores = !strcmp(t->name, "scores"), is_decisions = !strcmp(t->name, "decisions");
	xh_row row;
	unsigned long nrows = 0;
	int rc;
	c->money_sum = 0;
	c->money_over = 0;
	while ((rc = xh_rows_next(r, &row)) > 0) {
		nrows++;
		const xh_cell *app = NULL, *expert = NULL, *amount = NULL, *reason = NULL;
		for (size_t i = 0; i < nc; i++) {
			const xh_field *f = col[i];
			const xh_cell *cell = &row.cell[i];
			if (!f)
				continue;
			if (cell->n == 0) {
				if (f->flags & XH_F_REQUIRED)
					S_err(c, path, &row, f, "no value", NULL, 0);
				continue;
			}
			if (S_cell(c, path, &row, f, cell) != 0)
				continue;
			size_t fi = (size_t)(f - t->fields);
			if ((f->flags & XH_F_UNIQUE) && fi < 24) {
				/* a date is the same day however it is written */
				const char *ks = cell->s;
				size_t kn = cell->n;
				xh_buf iso = XH_BUF_INIT;
				xh_date dd;
				const char *dw;
				if (f->type == XH_F_DATE && xh_date_parse(ks, kn, &dd, &dw) == 0) {
					xh_date_iso(&iso, dd);
					ks = iso.data;
					kn = iso.len;
				}
				uint32_t prev = S_set_add(&uniq[fi], ks, kn, (uint32_t)row.row, 0);
				xh_buf_free(&iso);
				if (prev) {
					char *m = xasprintf("the same as row %u", prev);
					S_err(c, path, &row, f, m, cell->s, cell->n);
					free(m);
				}
			}
			if (ref[i] >= 0 && c->loaded[ref[i]] &&
			    !S_set_find(&c->keys[ref[i]], cell->s, cell->n, NULL)) {
				char *m = xasprintf(_("no such %s in %s"), all[ref[i]].fields[0].label, f->ref);
				S_err(c, path, &row, f, m, cell->s, cell->n);
				free(m);
			}
			if (!strcmp(f->id, "application"))
				app = cell;
			else if (!strcmp(f->id, "expert"))
				expert = cell;
			else if (!strcmp(f->id, "amount"))
				amount = cell;
			else if (!strcmp(f->id, "reason"))
				reason = cell;
		}
		/* the key and, for applications, the class (for decisions) */
		if (t->key) {
			const xh_cell *key = NULL, *cls = NULL;
			for (size_t i = 0; i < nc; i++) {
				if (col[i] && !strcmp(col[i]->id, t->key))
					key = &row.cell[i];
				if (col[i] && !strcmp(col[i]->id, "class"))
					cls = &row.cell[i];
			}
			if (key && key->n)
				S_set_add(&c->keys[ti], key->s, key->n, (uint32_t)row.row,
				          cls ? S_class_index(cls->s, cls->n) : -1);
		}
		if (is_scores && app && expert) {
			xh_buf k = XH_BUF_INIT;
			xh_buf_add(&k, app->s, app->n);
			xh_buf_addc(&k, '\x1F');
			xh_buf_add(&k, expert->s, expert->n);
			uint32_t prev = S_set_add(&pairs, k.data, k.len, (uint32_t)row.row, 0);
			if (prev) {
				char *m = xasprintf("this expert already scored this application in row %u", prev);
				const xh_field *f = xh_schema_field(t, "expert");
				S_err(c, path, &row, f, m, expert->s, expert->n);
				free(m);
			}
			xh_buf_free(&k);
		}
		/* SCHEMA.md decisions: a reason is required above the class cap */
		if (is_decisions && app && amount && (!reason || !reason->n)) {
			int32_t cls = -1;
			xh_fen v;
			const char *why;
			size_t ai;
			for (ai = 0; strcmp(all[ai].name, "applications"); ai++)
				;
			int ok = amount->kind == XH_CELL_NUMBER
			             ? xh_money_from_number(amount->s, amount->n, &v, &why)
			             : xh_money_parse(amount->s, amount->n, &v, &why);
			if (ok == 0 && S_set_find(&c->keys[ai], app->s, app->n, &cls) && cls >= 0 &&
			    v > c->cap[cls]) {
				xh_buf cap = XH_BUF_INIT;
				xh_money_yuan(&cap, c->cap[cls]);
				char *m = xasprintf(_("no value: a reason is required when the amount is above "
				                      "the class cap of %s元"),
				                    xh_buf_cstr(&cap));
				S_err(c, path, &row, xh_schema_field(t, "reason"), m, NULL, 0);
				free(m);
				xh_buf_free(&cap);
			}
		}
	}
	if (rc < 0)
		c->nerr++;
	if (c->money_over)
		S_err(c, path, NULL, NULL,
		      N_("the amounts of this file add up to more than 10,000,000,000,000 元, beyond "
		         "what xhgen adds up exactly"),
		      NULL, 0);
	for (size_t i = 0; i < 24; i++)
		S_set_free(&uniq[i]);
	S_set_free(&pairs);
	free(col);
	free(ref);
	if (c->report)
		fprintf(c->report, ngettext("%s: %lu row (%s)%s\n", "%s: %lu rows (%s)%s\n", nrows), path,
		        nrows, xh_rows_encoding(r), c->nerr > before ? _(", with errors") : "");
	xh_rows_close(r);
	c->loaded[ti] = rc >= 0;
}

/* ---- programme.xml ---- */

static const char *S_xml_text(xmlNode *n, xmlChar **hold)
{
	*hold = xmlNodeGetContent(n);
	return *hold ? (const char *)*hold : "";
}

static void S_perr(S_ck *c, const char *path, xmlNode *n, const char *what, const char *v)
{
	what = gettext(what); /* a message id (i18n.h) */
	if (v)
		xh_diag_add(c->diag, 0, "%s:%ld: <%s>: %s: \"%s\"", path, xmlGetLineNo(n),
		            (const char *)n->name, what, v);
	else
		xh_diag_add(c->diag, 0, "%s:%ld: <%s>: %s", path, xmlGetLineNo(n),
		            (const char *)n->name, what);
	c->nerr++;
}

static int S_is(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static void S_pmoney(S_ck *c, const char *path, xmlNode *n, xh_fen *out)
{
	xmlChar *h;
	const char *s = S_xml_text(n, &h);
	const char *why;
	xh_fen v;
	if (xh_money_parse(s, strlen(s), &v, &why) != 0)
		S_perr(c, path, n, why, s);
	else if (out)
		*out = v;
	xmlFree(h);
}

static void S_pint(S_ck *c, const char *path, xmlNode *n, int64_t lo, int64_t hi)
{
	xmlChar *h;
	const char *s = S_xml_text(n, &h);
	const char *why;
	int64_t v;
	if (xh_int_parse(s, strlen(s), &v, &why) != 0)
		S_perr(c, path, n, why, s);
	else if (v < lo || v > hi)
		S_perr(c, path, n, "out of range", s);
	xmlFree(h);
}

static void S_pdate(S_ck *c, const char *path, xmlNode *n)
{
	xmlChar *h;
	const char *s = S_xml_text(n, &h);
	const char *why;
	xh_date d;
	if (xh_date_parse(s, strlen(s), &d, &why) != 0)
		S_perr(c, path, n, why, s);
	xmlFree(h);
}

static void S_check_programme(S_ck *c, const char *path)
{
	size_t before = c->nerr;
	xh_buf b = XH_BUF_INIT;
	if (xh_read_file(path, &b, 0) == -1) {
		xh_diag_add(c->diag, 0, "%s: cannot open: %s", path, strerror(errno));
		c->nerr++;
		return;
	}
	xmlDoc *doc = xh_xml_read(b.data ? b.data : "", b.len, path, c->diag);
	xh_buf_free(&b);
	if (!doc) {
		c->nerr++;
		return;
	}
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!S_is(root, "programme")) {
		S_perr(c, path, root, "the root element must be <programme>", NULL);
		xmlFreeDoc(doc);
		return;
	}
	int have_year = 0;
	for (xmlNode *n = root->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name;
		if (!strcmp(name, "year")) {
			S_pint(c, path, n, 1900, 2999);
			have_year = 1;
		} else if (!strcmp(name, "issuer") || !strcmp(name, "department")) {
		} else if (!strcmp(name, "budget")) {
			S_pmoney(c, path, n, NULL);
		} else if (!strcmp(name, "caps") || !strcmp(name, "class_budgets")) {
			for (xmlNode *k = n->children; k; k = k->next) {
				if (k->type != XML_ELEMENT_NODE)
					continue;
				int ci = S_class_index((const char *)k->name, strlen((const char *)k->name));
				if (ci < 0)
					S_perr(c, path, k, "not a class (A, B, 推广)", NULL);
				else
					S_pmoney(c, path, k, name[1] == 'a' ? &c->cap[ci] : NULL);
			}
		} else if (!strcmp(name, "pass_score")) {
			xmlChar *h;
			const char *s = S_xml_text(n, &h);
			int t;
			const char *why;
			if (xh_score_parse(s, strlen(s), &t, &why) != 0)
				S_perr(c, path, n, why, s);
			xmlFree(h);
		} else if (!strcmp(name, "min_experts") || !strcmp(name, "absence_limit")) {
			S_pint(c, path, n, 1, 1000);
		} else if (!strcmp(name, "dates")) {
			for (xmlNode *k = n->children; k; k = k->next) {
				if (k->type != XML_ELEMENT_NODE)
					continue;
				if (S_is(k, "publicity_working_days"))
					S_pint(c, path, k, 1, 60);
				else if (S_is(k, "application_deadline") || S_is(k, "publicity_start") ||
				         S_is(k, "acceptance_deadline"))
					S_pdate(c, path, k);
				else
					S_perr(c, path, k, "unknown element in <dates>", NULL);
			}
		} else if (!strcmp(name, "contact")) {
			for (xmlNode *k = n->children; k; k = k->next) {
				if (k->type != XML_ELEMENT_NODE)
					continue;
				xmlChar *h;
				const char *s = S_xml_text(k, &h);
				xh_buf tmp = XH_BUF_INIT;
				S_ascii_digits(s, strlen(s), &tmp);
				if (S_is(k, "phone") && !S_match(c, c->phone, tmp.data, tmp.len))
					S_perr(c, path, k, "not a phone number", s);
				else if (S_is(k, "email") && !S_match(c, c->email, s, strlen(s)))
					S_perr(c, path, k, "not an e-mail address", s);
				else if (!S_is(k, "phone") && !S_is(k, "email") && !S_is(k, "name") &&
				         !S_is(k, "address"))
					S_perr(c, path, k, "unknown element in <contact>", NULL);
				xh_buf_free(&tmp);
				xmlFree(h);
			}
		} else if (!strcmp(name, "key_industries") || !strcmp(name, "allowed_categories")) {
			const char *child = name[0] == 'k' ? "industry" : "category";
			for (xmlNode *k = n->children; k; k = k->next)
				if (k->type == XML_ELEMENT_NODE && !S_is(k, child))
					S_perr(c, path, k, "unknown element", NULL);
		} else if (!strcmp(name, "forbidden_spending")) {
			for (xmlNode *k = n->children; k; k = k->next) {
				if (k->type != XML_ELEMENT_NODE)
					continue;
				if (!S_is(k, "pattern")) {
					S_perr(c, path, k, "unknown element", NULL);
					continue;
				}
				xmlChar *h, *reason = xmlGetProp(k, (const xmlChar *)"reason");
				const char *s = S_xml_text(k, &h);
				int err;
				PCRE2_SIZE off;
				pcre2_code *re = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
				                               &err, &off, NULL);
				if (!re) {
					PCRE2_UCHAR msg[256];
					pcre2_get_error_message(err, msg, sizeof(msg));
					char *m = xasprintf(_("not a valid pattern at offset %zu: %s"), (size_t)off,
					                    (const char *)msg);
					S_perr(c, path, k, m, s);
					free(m);
				}
				pcre2_code_free(re);
				if (!reason || !*reason)
					S_perr(c, path, k, "no reason= attribute (the reason shown in reports)", NULL);
				xmlFree(reason);
				xmlFree(h);
			}
		} else {
			S_perr(c, path, n, "unknown element", NULL);
		}
	}
	if (!have_year)
		S_perr(c, path, root, "no <year>", NULL);
	xmlFreeDoc(doc);
	if (c->report)
		fprintf(c->report, _("%s: programme settings%s\n"), path,
		        c->nerr > before ? _(", with errors") : "");
}

xh_err xh_check_year(const char *dir, xh_diag *diag, FILE *report, size_t *nerr)
{
	S_ck c;
	memset(&c, 0, sizeof(c));
	c.dir = dir;
	c.diag = diag;
	c.report = report;
	/* the caps SCHEMA.md gives as defaults, until programme.xml says */
	c.cap[0] = 5000000;
	c.cap[1] = 2000000;
	c.cap[2] = 2000000;
	/* DOMAIN.md §4.5: mobile, or landline with area code */
	c.phone = S_re("^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?)$");
	c.email = S_re("^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$");
	c.md = pcre2_match_data_create(4, NULL);
	char *prog = xasprintf("%s/programme.xml", dir);
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		xh_diag_add(diag, 0, "%s: not a folder", dir);
		c.nerr++;
	} else if (stat(prog, &st) != 0) {
		xh_diag_add(diag, 0, "%s: missing (every year folder has one)", prog);
		c.nerr++;
	} else {
		S_check_programme(&c, prog);
	}
	free(prog);
	size_t nt;
	const xh_rtype *types = xh_schema_types(&nt);
	char *paths[16] = {0};
	for (size_t i = 0; i < nt && i < 16 && stat(dir, &st) == 0; i++) {
		int forms;
		char *second;
		paths[i] = xh_schema_file(dir, types[i].name, &forms, &second);
		c.present[i] = forms > 0;
		if (second) {
			/* which would win is not ours to guess */
			xh_diag_add(diag, 0, "%s and %s: the same records twice; keep one", paths[i], second);
			c.nerr++;
			free(second);
		}
	}
	for (size_t i = 0; i < nt && i < 16 && stat(dir, &st) == 0; i++) {
		char *path = paths[i];
		if (!path) {
			if (!strcmp(types[i].name, "societies")) {
				xh_diag_add(diag, 0, "%s/societies.csv (or .xlsx, .xml): missing", dir);
				c.nerr++;
			}
			continue;
		}
		S_check_file(&c, i, &types[i], path);
		free(path);
	}
	for (size_t i = 0; i < 16; i++)
		S_set_free(&c.keys[i]);
	pcre2_code_free(c.phone);
	pcre2_code_free(c.email);
	pcre2_match_data_free(c.md);
	*nerr = c.nerr;
	return c.nerr ? XH_EDATA : XH_OK;
}
