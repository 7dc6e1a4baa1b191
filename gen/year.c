/*
 * year.c — loads a validated year folder into typed records (see year.h).
 *
 * Validation is check.c's job and runs first; this file only converts.  A
 * value that check.c accepted always converts here, so the conversions do
 * not report errors again: they cannot fail on a checked folder.
 */
#include "year.h"
#include "hash.h"
#include "check.h"
#include "rows.h"
#include "schema.h"
#include "xmlsafe.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

static const char *const S_class_names[XH_NCLASS] = {"A", "B", "推广"};

const char *xh_class_name(int cls)
{
	return cls >= 0 && cls < XH_NCLASS ? S_class_names[cls] : "?";
}

/* ---- programme.xml, with SCHEMA.md's defaults ---- */

static char *S_text(xmlNode *n)
{
	xmlChar *c = xmlNodeGetContent(n);
	const char *s = c ? (const char *)c : "";
	size_t len = strlen(s);
	xh_trim(&s, &len);
	char *r = xstrndup(s, len);
	xmlFree(c);
	return r;
}

static int S_is(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static void S_strs(xmlNode *parent, const char *child, char ***arr, size_t *n)
{
	size_t cap = 0;
	for (xmlNode *k = parent->children; k; k = k->next)
		if (S_is(k, child)) {
			XH_GROW(*arr, cap, *n + 1);
			(*arr)[(*n)++] = S_text(k);
		}
}

static xh_fen S_money(const char *s)
{
	xh_fen v = 0;
	const char *why;
	xh_money_parse(s, strlen(s), &v, &why);
	return v;
}

static int S_int(const char *s, int dflt)
{
	int64_t v;
	const char *why;
	return xh_int_parse(s, strlen(s), &v, &why) == 0 ? (int)v : dflt;
}

static xh_opt_date S_date(const char *s)
{
	xh_opt_date d = {0, {0, 0, 0}};
	const char *why;
	if (*s && xh_date_parse(s, strlen(s), &d.d, &why) == 0)
		d.set = 1;
	return d;
}

static int S_class_of(const char *s, size_t n)
{
	for (int i = 0; i < XH_NCLASS; i++)
		if (strlen(S_class_names[i]) == n && !memcmp(S_class_names[i], s, n))
			return i;
	return XH_UNKNOWN;
}

/* The seed's lists (实施方案 五(四)): what a programme.xml without its own
 * lists means, and what `xhgen init` writes out for staff to edit. */
const char *const xh_default_categories[] = {
	"党建", "学术交流", "科学普及", "技术服务", "咨询服务", "承接政府委托", "双创活动", "项目运行",
};
const size_t xh_ndefault_categories = sizeof(xh_default_categories) / sizeof(xh_default_categories[0]);
const char *const xh_default_forbidden[][2] = {
	{"对外投资|入股|理财", "对外投资"},
	{"罚款|罚金|滞纳金", "罚款"},
	{"还贷|偿还(贷款|借款)|归还借款", "还贷"},
	{"捐款|捐赠", "捐款"},
	{"赞助", "赞助"},
	{"工资|薪酬|薪金", "人员工资"},
	{"福利|购物卡|慰问品", "福利"},
	{"奖金|绩效奖励|年终奖", "奖金"},
};
const size_t xh_ndefault_forbidden = sizeof(xh_default_forbidden) / sizeof(xh_default_forbidden[0]);

static void S_programme(xh_year *y, const char *path, xh_diag *diag)
{
	xh_programme *p = &y->prog;
	p->cap[XH_CLASS_A] = 5000000;
	p->cap[XH_CLASS_B] = 2000000;
	p->cap[XH_CLASS_TG] = 2000000;
	p->pass_tenths = 600;
	p->min_experts = 3;
	p->absence_limit = 2;
	p->publicity_working_days = 5;
	xh_buf b = XH_BUF_INIT;
	xh_read_file(path, &b, 0); /* a file that cannot be read parses as empty */
	xmlDoc *doc = xh_xml_read(b.data ? b.data : "", b.len, path, diag);
	xh_buf_free(&b);
	int have_cat = 0, have_forbidden = 0;
	for (xmlNode *n = doc ? xmlDocGetRootElement(doc)->children : NULL; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		char *t = S_text(n);
		if (S_is(n, "year"))
			p->year = S_int(t, 0);
		else if (S_is(n, "issuer"))
			p->issuer = xstrdup(t);
		else if (S_is(n, "department"))
			p->department = xstrdup(t);
		else if (S_is(n, "budget"))
			p->budget = S_money(t);
		else if (S_is(n, "pass_score")) {
			const char *why;
			xh_score_parse(t, strlen(t), &p->pass_tenths, &why);
		} else if (S_is(n, "min_experts"))
			p->min_experts = S_int(t, 3);
		else if (S_is(n, "absence_limit"))
			p->absence_limit = S_int(t, 2);
		else if (S_is(n, "caps") || S_is(n, "class_budgets")) {
			for (xmlNode *k = n->children; k; k = k->next) {
				if (k->type != XML_ELEMENT_NODE)
					continue;
				int c = S_class_of((const char *)k->name, strlen((const char *)k->name));
				char *v = S_text(k);
				if (c >= 0 && S_is(n, "caps"))
					p->cap[c] = S_money(v);
				else if (c >= 0) {
					p->class_budget[c] = S_money(v);
					p->has_class_budget[c] = 1;
				}
				free(v);
			}
		} else if (S_is(n, "dates")) {
			for (xmlNode *k = n->children; k; k = k->next) {
				if (k->type != XML_ELEMENT_NODE)
					continue;
				char *v = S_text(k);
				if (S_is(k, "application_deadline"))
					p->application_deadline = S_date(v);
				else if (S_is(k, "publicity_start"))
					p->publicity_start = S_date(v);
				else if (S_is(k, "acceptance_deadline"))
					p->acceptance_deadline = S_date(v);
				else if (S_is(k, "publicity_working_days"))
					p->publicity_working_days = S_int(v, 5);
				free(v);
			}
		} else if (S_is(n, "contact")) {
			for (xmlNode *k = n->children; k; k = k->next) {
				if (k->type != XML_ELEMENT_NODE)
					continue;
				char **dst = S_is(k, "name")    ? &p->contact_name
				             : S_is(k, "phone") ? &p->contact_phone
				             : S_is(k, "email") ? &p->contact_email
				                                : &p->contact_address;
				free(*dst);
				*dst = S_text(k);
			}
		} else if (S_is(n, "key_industries")) {
			S_strs(n, "industry", &p->industries, &p->nindustries);
		} else if (S_is(n, "allowed_categories")) {
			S_strs(n, "category", &p->categories, &p->ncategories);
			have_cat = 1;
		} else if (S_is(n, "forbidden_spending")) {
			size_t cap = 0;
			for (xmlNode *k = n->children; k; k = k->next) {
				if (!S_is(k, "pattern"))
					continue;
				xmlChar *r = xmlGetProp(k, (const xmlChar *)"reason");
				XH_GROW(p->forbidden, cap, p->nforbidden + 1);
				p->forbidden[p->nforbidden].pattern = S_text(k);
				p->forbidden[p->nforbidden].reason = xstrdup(r ? (const char *)r : "");
				p->forbidden[p->nforbidden].re = NULL;
				p->nforbidden++;
				xmlFree(r);
			}
			have_forbidden = 1;
		}
		free(t);
	}
	if (doc)
		xmlFreeDoc(doc);
	if (!have_cat) {
		size_t n = xh_ndefault_categories;
		p->categories = xcalloc(n, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			p->categories[i] = xstrdup(xh_default_categories[i]);
		p->ncategories = n;
	}
	if (!have_forbidden) {
		size_t n = xh_ndefault_forbidden;
		p->forbidden = xcalloc(n, sizeof(xh_pattern));
		for (size_t i = 0; i < n; i++) {
			p->forbidden[i].pattern = xstrdup(xh_default_forbidden[i][0]);
			p->forbidden[i].reason = xstrdup(xh_default_forbidden[i][1]);
		}
		p->nforbidden = n;
	}
	/* check.c compiled each pattern already: these cannot fail */
	for (size_t i = 0; i < p->nforbidden; i++) {
		int err;
		PCRE2_SIZE off;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)p->forbidden[i].pattern, PCRE2_ZERO_TERMINATED,
		                               PCRE2_UTF, &err, &off, NULL);
		/* not JIT-compiled: a few budget lines do not need it, and JIT
		 * code reads past the subject in ways memcheck reports */
		p->forbidden[i].re = re;
	}
	/* 实施方案 五(五): 11月底前完成相关工作, 提交验收材料 */
	if (!p->acceptance_deadline.set && p->year) {
		p->acceptance_deadline.set = 1;
		p->acceptance_deadline.d = (xh_date){p->year, 11, 30};
	}
	if (!p->issuer)
		p->issuer = xstrdup("威海市科学技术协会");
	if (!p->department)
		p->department = xstrdup("学会与国际部");
	char **c[] = {&p->contact_name, &p->contact_phone, &p->contact_email, &p->contact_address};
	for (size_t i = 0; i < 4; i++)
		if (!*c[i])
			*c[i] = xstrdup("");
}

/* ---- record files ---- */

/* A row's cells by field id: the column of each field of the type, or -1. */
typedef struct {
	const xh_rtype *t;
	int *col;
	const xh_row *row;
} S_rec;

static const xh_cell *S_cell(const S_rec *r, const char *id)
{
	for (size_t k = 0; k < r->t->nfields; k++)
		if (!strcmp(r->t->fields[k].id, id))
			return r->col[k] >= 0 ? &r->row->cell[r->col[k]] : NULL;
	return NULL;
}

static char *S_str(const S_rec *r, const char *id)
{
	const xh_cell *c = S_cell(r, id);
	return c ? xstrndup(c->s, c->n) : xstrdup("");
}

static int S_rint(const S_rec *r, const char *id, int dflt)
{
	const xh_cell *c = S_cell(r, id);
	int64_t v;
	const char *why;
	if (!c || !c->n || xh_int_parse(c->s, c->n, &v, &why) != 0)
		return dflt;
	return (int)v;
}

static int S_rbool(const S_rec *r, const char *id)
{
	const xh_cell *c = S_cell(r, id);
	int v;
	const char *why;
	if (!c || !c->n || xh_bool_parse(c->s, c->n, &v, &why) != 0)
		return XH_UNKNOWN;
	return v;
}

static xh_fen S_rmoney(const S_rec *r, const char *id, int *has)
{
	const xh_cell *c = S_cell(r, id);
	xh_fen v = 0;
	const char *why;
	int ok = c && c->n &&
	         (c->kind == XH_CELL_NUMBER ? xh_money_from_number(c->s, c->n, &v, &why)
	                                    : xh_money_parse(c->s, c->n, &v, &why)) == 0;
	if (has)
		*has = ok;
	return ok ? v : 0;
}

static xh_opt_date S_rdate(const S_rec *r, const char *id)
{
	const xh_cell *c = S_cell(r, id);
	xh_opt_date d = {0, {0, 0, 0}};
	const char *why;
	if (c && c->n && xh_date_parse(c->s, c->n, &d.d, &why) == 0)
		d.set = 1;
	return d;
}

static int S_renum(const S_rec *r, const char *id)
{
	const xh_cell *c = S_cell(r, id);
	if (!c || !c->n)
		return XH_UNKNOWN;
	const xh_field *f = NULL;
	for (size_t k = 0; k < r->t->nfields; k++)
		if (!strcmp(r->t->fields[k].id, id))
			f = &r->t->fields[k];
	for (int i = 0; f && f->words[i]; i++)
		if (strlen(f->words[i]) == c->n && !memcmp(f->words[i], c->s, c->n))
			return i;
	return XH_UNKNOWN;
}

static int S_cmp_app(const void *a, const void *b, void *ctx)
{
	const xh_year *y = ctx;
	return strcmp(y->applications[*(const int *)a].id, y->applications[*(const int *)b].id);
}

int xh_year_society(const xh_year *y, const char *id)
{
	for (size_t i = 0; i < y->nsocieties; i++)
		if (!strcmp(y->societies[i].id, id))
			return (int)i;
	return -1;
}

const char *xh_year_society_name(const xh_year *y, const xh_application *a)
{
	if (a->society >= 0 && (size_t)a->society < y->nsocieties && y->societies[a->society].name[0])
		return y->societies[a->society].name;
	return a->society_id;
}

const char *xh_year_file(const xh_year *y, const char *type, const char *dflt)
{
	size_t nt;
	const xh_rtype *t = xh_schema_types(&nt);
	for (size_t i = 0; i < nt && i < sizeof(y->file) / sizeof(*y->file); i++)
		if (!strcmp(t[i].name, type))
			return y->file[i] ? y->file[i] : dflt;
	return dflt;
}

int xh_year_application(const xh_year *y, const char *id)
{
	for (size_t i = 0; i < y->napplications; i++)
		if (!strcmp(y->applications[i].id, id))
			return (int)i;
	return -1;
}

/* Applications by id through a sorted index: budget lines and scores (and
 * later a million expenditures) look theirs up in O(log n). */
typedef struct {
	const xh_year *y;
	int *ix;
} S_appix;

static int S_app_find(const S_appix *a, const char *id)
{
	if (!a->ix)
		return -1; /* no applications file: nothing to refer to */
	size_t lo = 0, hi = a->y->napplications;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(a->y->applications[a->ix[mid]].id, id);
		if (c == 0)
			return a->ix[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void S_read(xh_year *y, size_t ti, const xh_rtype *t, const char *path, S_appix *ax,
                   xh_diag *diag)
{
	xh_rows *rows = xh_rows_open(path, diag);
	if (!rows)
		return;
	size_t nc = xh_rows_ncols(rows);
	int *col = xmalloc((t->nfields + 1) * sizeof(*col));
	for (size_t k = 0; k < t->nfields; k++) {
		col[k] = -1;
		for (size_t i = 0; i < nc; i++)
			if (xh_schema_field(t, xh_rows_header(rows, i)) == &t->fields[k])
				col[k] = (int)i;
	}
	y->file[ti] = xstrdup(path);
	size_t cap = 0;
	xh_row row;
	S_rec r = {t, col, &row};
	while (xh_rows_next(rows, &row) > 0) {
		if (!strcmp(t->name, "societies")) {
			XH_GROW(y->societies, cap, y->nsocieties + 1);
			xh_society *s = &y->societies[y->nsocieties++];
			s->id = S_str(&r, "id");
			s->name = S_str(&r, "name");
			s->credit_code = S_str(&r, "credit_code");
			s->industry = S_str(&r, "industry");
			s->chair = S_str(&r, "chair");
			s->secretary_general = S_str(&r, "secretary_general");
			s->contact = S_str(&r, "contact");
			s->phone = S_str(&r, "phone");
			s->email = S_str(&r, "email");
			s->address = S_str(&r, "address");
			s->media = S_str(&r, "media");
			s->members = S_rint(&r, "members", XH_UNKNOWN);
			s->party_org = S_renum(&r, "party_org");
			s->party_quarters = S_rint(&r, "party_quarters", XH_UNKNOWN);
			s->party_four_haves = S_rbool(&r, "party_four_haves");
			s->council_complete = S_rbool(&r, "council_complete");
			s->last_election = S_rdate(&r, "last_election");
			s->term_years = S_rint(&r, "term_years", 5);
			s->election_extension = S_rbool(&r, "election_extension");
			s->office = S_rbool(&r, "office");
			s->independent_accounts = S_rbool(&r, "independent_accounts");
			s->inspection = S_renum(&r, "inspection");
			s->violation = S_rbool(&r, "violation");
			s->absences = S_rint(&r, "absences", XH_UNKNOWN);
			s->row = row.row;
		} else if (!strcmp(t->name, "applications")) {
			XH_GROW(y->applications, cap, y->napplications + 1);
			xh_application *a = &y->applications[y->napplications++];
			a->id = S_str(&r, "id");
			a->society_id = S_str(&r, "society");
			a->society = xh_year_society(y, a->society_id);
			a->title = S_str(&r, "title");
			a->summary = S_str(&r, "summary");
			a->goals = S_str(&r, "goals");
			const xh_cell *c = S_cell(&r, "class");
			a->cls = c ? S_class_of(c->s, c->n) : XH_UNKNOWN;
			a->amount = S_rmoney(&r, "amount", NULL);
			a->start = S_rdate(&r, "start");
			a->end = S_rdate(&r, "end");
			a->submitted = S_rdate(&r, "submitted");
			a->materials_complete = S_rbool(&r, "materials_complete");
			a->materials_authentic = S_rbool(&r, "materials_authentic");
			a->row = row.row;
		} else if (!strcmp(t->name, "budget_lines")) {
			XH_GROW(y->budget_lines, cap, y->nbudget_lines + 1);
			xh_budget_line *b = &y->budget_lines[y->nbudget_lines++];
			char *app = S_str(&r, "application");
			b->application = S_app_find(ax, app);
			free(app);
			b->category = S_str(&r, "category");
			b->note = S_str(&r, "note");
			b->amount = S_rmoney(&r, "amount", NULL);
			b->row = row.row;
		} else if (!strcmp(t->name, "scores")) {
			XH_GROW(y->scores, cap, y->nscores + 1);
			xh_score *s = &y->scores[y->nscores++];
			char *app = S_str(&r, "application");
			s->application = S_app_find(ax, app);
			free(app);
			s->expert = S_str(&r, "expert");
			s->comment = S_str(&r, "comment");
			const xh_cell *c = S_cell(&r, "score");
			const char *why;
			s->tenths = 0;
			if (c)
				xh_score_parse(c->s, c->n, &s->tenths, &why);
			s->row = row.row;
		} else if (!strcmp(t->name, "decisions")) {
			XH_GROW(y->decisions, cap, y->ndecisions + 1);
			xh_decision *d = &y->decisions[y->ndecisions++];
			char *app = S_str(&r, "application");
			d->application = S_app_find(ax, app);
			free(app);
			d->approved = S_rbool(&r, "approved");
			d->amount = S_rmoney(&r, "amount", &d->has_amount);
			d->date = S_rdate(&r, "date");
			d->reason = S_str(&r, "reason");
			d->note = S_str(&r, "note");
			d->row = row.row;
		} else if (!strcmp(t->name, "ineligible")) {
			XH_GROW(y->ineligible, cap, y->nineligible + 1);
			xh_ineligible *e = &y->ineligible[y->nineligible++];
			e->society_id = S_str(&r, "society");
			e->reason = S_str(&r, "reason");
			e->year = S_rint(&r, "year", 0);
			e->row = row.row;
		} else if (!strcmp(t->name, "calendar")) {
			XH_GROW(y->calendar, cap, y->ncalendar + 1);
			xh_calday *c = &y->calendar[y->ncalendar++];
			xh_opt_date d = S_rdate(&r, "date");
			c->date = d.d;
			c->work = S_renum(&r, "kind") == 1;
			c->note = S_str(&r, "note");
		} else if (!strcmp(t->name, "disbursements")) {
			XH_GROW(y->disbursements, cap, y->ndisbursements + 1);
			xh_disbursement *d = &y->disbursements[y->ndisbursements++];
			char *app = S_str(&r, "application");
			d->application = S_app_find(ax, app);
			free(app);
			d->date = S_rdate(&r, "date");
			d->amount = S_rmoney(&r, "amount", NULL);
			d->voucher = S_str(&r, "voucher");
			d->row = row.row;
		} else if (!strcmp(t->name, "expenditures")) {
			XH_GROW(y->expenditures, cap, y->nexpenditures + 1);
			xh_expenditure *e = &y->expenditures[y->nexpenditures++];
			char *app = S_str(&r, "application");
			e->application = S_app_find(ax, app);
			free(app);
			e->date = S_rdate(&r, "date");
			e->category = S_str(&r, "category");
			e->description = S_str(&r, "description");
			e->voucher = S_str(&r, "voucher");
			e->amount = S_rmoney(&r, "amount", NULL);
			e->row = row.row;
		} else if (!strcmp(t->name, "acceptance")) {
			XH_GROW(y->acceptance, cap, y->nacceptance + 1);
			xh_acceptance *a = &y->acceptance[y->nacceptance++];
			char *app = S_str(&r, "application");
			a->application = S_app_find(ax, app);
			free(app);
			a->submitted = S_rdate(&r, "submitted");
			a->tasks = S_renum(&r, "tasks");
			a->finance = S_renum(&r, "finance_opinion");
			a->conclusion = S_renum(&r, "conclusion");
			a->party_opinion = S_str(&r, "party_opinion");
			a->business_opinion = S_str(&r, "business_opinion");
			a->experts = S_str(&r, "experts");
			a->note = S_str(&r, "note");
			a->row = row.row;
		}
	}
	free(col);
	xh_rows_close(rows);
	if (!strcmp(t->name, "applications")) {
		ax->ix = xrealloc(ax->ix, (y->napplications + 1) * sizeof(int));
		for (size_t i = 0; i < y->napplications; i++)
			ax->ix[i] = (int)i;
		qsort_r(ax->ix, y->napplications, sizeof(int), S_cmp_app, y);
	}
}

xh_year *xh_year_load(const char *dir, unsigned what, xh_diag *diag)
{
	size_t nerr;
	if (xh_check_year(dir, diag, NULL, &nerr) != XH_OK)
		return NULL;
	xh_year *y = xcalloc(1, sizeof(*y));
	y->dir = xstrdup(dir);
	char *prog = xasprintf("%s/programme.xml", dir);
	S_programme(y, prog, diag);
	free(prog);
	size_t nt;
	const xh_rtype *types = xh_schema_types(&nt);
	S_appix ax = {y, NULL};
	for (size_t i = 0; i < nt && i < 16; i++) {
		const char *nm = types[i].name;
		if ((!(what & XH_YEAR_SPENDING) && (!strcmp(nm, "disbursements") || !strcmp(nm, "expenditures"))) ||
		    (!(what & XH_YEAR_ACCEPTANCE) && !strcmp(nm, "acceptance")))
			continue;
		int forms;
		char *p = xh_schema_file(dir, nm, &forms, NULL);
		if (p)
			S_read(y, i, &types[i], p, &ax, diag);
		free(p);
	}
	free(ax.ix);
	if (xh_year_hash_inputs(y, diag) != 0) {
		xh_year_free(y);
		return NULL;
	}
	return y;
}

int xh_year_hash_inputs(xh_year *y, xh_diag *diag)
{
	size_t nf = sizeof(y->file) / sizeof(y->file[0]);
	y->inputs = xcalloc(nf + 1, sizeof(*y->inputs));
	xh_sha256 *h = xh_sha256_new();
	char *prog = xasprintf("%s/programme.xml", y->dir);
	int rc = 0;
	for (size_t i = 0; i <= nf && rc == 0; i++) {
		const char *p = i == 0 ? prog : y->file[i - 1];
		if (!p)
			continue;
		xh_year_input *in = &y->inputs[y->ninputs];
		if (xh_sha256_file(p, in->sha256) != 0) {
			xh_diag_add(diag, 0, "%s: cannot read: %s", p, strerror(errno));
			rc = -1;
			break;
		}
		const char *slash = strrchr(p, '/');
		in->name = xstrdup(slash ? slash + 1 : p);
		y->ninputs++;
		char *line = xasprintf("%s\t%s\n", in->name, in->sha256);
		xh_sha256_add(h, line, strlen(line));
		free(line);
	}
	free(prog);
	xh_sha256_done(h, y->inputs_sha256);
	return rc;
}

void xh_year_free(xh_year *y)
{
	if (!y)
		return;
	free(y->dir);
	for (size_t i = 0; i < 16; i++)
		free(y->file[i]);
	for (size_t i = 0; i < y->ninputs; i++)
		free(y->inputs[i].name);
	free(y->inputs);
	xh_programme *p = &y->prog;
	free(p->issuer);
	free(p->department);
	free(p->contact_name);
	free(p->contact_phone);
	free(p->contact_email);
	free(p->contact_address);
	for (size_t i = 0; i < p->nindustries; i++)
		free(p->industries[i]);
	free(p->industries);
	for (size_t i = 0; i < p->ncategories; i++)
		free(p->categories[i]);
	free(p->categories);
	for (size_t i = 0; i < p->nforbidden; i++) {
		free(p->forbidden[i].pattern);
		free(p->forbidden[i].reason);
		pcre2_code_free(p->forbidden[i].re);
	}
	free(p->forbidden);
	for (size_t i = 0; i < y->nsocieties; i++) {
		xh_society *s = &y->societies[i];
		char *f[] = {s->id, s->name, s->credit_code, s->industry, s->chair, s->secretary_general,
		             s->contact, s->phone, s->email, s->address, s->media};
		for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
			free(f[k]);
	}
	free(y->societies);
	for (size_t i = 0; i < y->napplications; i++) {
		xh_application *a = &y->applications[i];
		free(a->id);
		free(a->society_id);
		free(a->title);
		free(a->summary);
		free(a->goals);
	}
	free(y->applications);
	for (size_t i = 0; i < y->nbudget_lines; i++) {
		free(y->budget_lines[i].category);
		free(y->budget_lines[i].note);
	}
	free(y->budget_lines);
	for (size_t i = 0; i < y->nscores; i++) {
		free(y->scores[i].expert);
		free(y->scores[i].comment);
	}
	free(y->scores);
	for (size_t i = 0; i < y->ndecisions; i++) {
		free(y->decisions[i].reason);
		free(y->decisions[i].note);
	}
	free(y->decisions);
	for (size_t i = 0; i < y->ndisbursements; i++)
		free(y->disbursements[i].voucher);
	free(y->disbursements);
	for (size_t i = 0; i < y->nexpenditures; i++) {
		free(y->expenditures[i].category);
		free(y->expenditures[i].description);
		free(y->expenditures[i].voucher);
	}
	free(y->expenditures);
	for (size_t i = 0; i < y->nacceptance; i++) {
		free(y->acceptance[i].party_opinion);
		free(y->acceptance[i].business_opinion);
		free(y->acceptance[i].experts);
		free(y->acceptance[i].note);
	}
	free(y->acceptance);
	for (size_t i = 0; i < y->nineligible; i++) {
		free(y->ineligible[i].society_id);
		free(y->ineligible[i].reason);
	}
	free(y->ineligible);
	for (size_t i = 0; i < y->ncalendar; i++)
		free(y->calendar[i].note);
	free(y->calendar);
	free(y);
}

int xh_year_workday(const xh_year *y, xh_date d)
{
	int covered = 0;
	for (size_t i = 0; i < y->ncalendar; i++) {
		if (y->calendar[i].date.y == d.y)
			covered = 1;
		if (y->calendar[i].date.y == d.y && y->calendar[i].date.m == d.m &&
		    y->calendar[i].date.d == d.d)
			return y->calendar[i].work;
	}
	if (!covered)
		return -1;
	return xh_date_weekday(d) < 5;
}
