/*
 * filter.c — see filter.h.
 */
#include "filter.h"
#include "i18n.h"
#include "fmt.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	xh_filter_kind kind;
	int arg; /* 0 none, 1 optional, 2 required */
} S_names[] = {
	{"yuan", XH_FILTER_YUAN, 0},       {"wan", XH_FILTER_WAN, 0},
	{"cny", XH_FILTER_CNY, 0},         {"date", XH_FILTER_DATE, 1},
	{"default", XH_FILTER_DEFAULT, 2}, {"count", XH_FILTER_COUNT, 0},
	{"mask", XH_FILTER_MASK, 0},       {"sum", XH_FILTER_SUM, 1},
};

/* Quotes as typed, and as Word's autocorrect turns them: "…" '…' “…” ‘…’. */
static int S_unquote(const char *s, size_t n, const char **a, size_t *an)
{
	static const char *const q[][2] = {
		{"\"", "\""}, {"'", "'"}, {"\xE2\x80\x9C", "\xE2\x80\x9D"}, {"\xE2\x80\x98", "\xE2\x80\x99"},
	};
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		size_t ol = strlen(q[i][0]), cl = strlen(q[i][1]);
		if (n >= ol + cl && !memcmp(s, q[i][0], ol) && !memcmp(s + n - cl, q[i][1], cl)) {
			*a = s + ol;
			*an = n - ol - cl;
			return 1;
		}
	}
	*a = s;
	*an = n;
	return 0;
}

int xh_filter_parse(const char *s, size_t n, xh_filter *f, const char **why)
{
	memset(f, 0, sizeof(*f));
	xh_trim(&s, &n);
	const char *colon = memchr(s, ':', n);
	/* a full-width colon, as a Chinese keyboard types it */
	const char *fw = NULL;
	for (size_t i = 0; i + 3 <= n; i++)
		if (!memcmp(s + i, "\xEF\xBC\x9A", 3)) {
			fw = s + i;
			break;
		}
	if (fw && (!colon || fw < colon))
		colon = fw;
	size_t nl = colon ? (size_t)(colon - s) : n;
	const char *name = s;
	xh_trim(&name, &nl);
	for (size_t i = 0; i < sizeof(S_names) / sizeof(S_names[0]); i++) {
		if (strlen(S_names[i].name) != nl || memcmp(S_names[i].name, name, nl))
			continue;
		f->kind = S_names[i].kind;
		if (colon) {
			if (!S_names[i].arg) {
				*why = N_("this filter takes no argument");
				return -1;
			}
			const char *a = colon + (colon == fw ? 3 : 1);
			size_t an = n - (size_t)(a - s);
			xh_trim(&a, &an);
			const char *v;
			size_t vn;
			S_unquote(a, an, &v, &vn);
			f->arg = xstrndup(v, vn);
		} else if (S_names[i].arg == 2) {
			*why = N_("this filter needs an argument, e.g. default:\"—\"");
			return -1;
		}
		if (f->kind == XH_FILTER_DATE && f->arg && strcmp(f->arg, "cn") &&
		    strcmp(f->arg, "iso")) {
			*why = N_("date takes \"cn\" or \"iso\"");
			xh_filter_fini(f);
			return -1;
		}
		return 0;
	}
	*why = N_("unknown filter (known: yuan, wan, cny, date, default, count, mask, sum)");
	return -1;
}

void xh_filter_fini(xh_filter *f)
{
	free(f->arg);
	f->arg = NULL;
}

/* The value flowing through a chain. */
enum { V_NONE, V_DATA, V_TEXT, V_FEN, V_INT };
typedef struct {
	int kind;
	xh_vref v;
	xh_buf text;
	xh_fen fen;
	long long i;
} S_val;

/* The value's text, for parsing and for messages. */
static const char *S_text(const xh_data *d, S_val *x, size_t *n, xh_buf *tmp)
{
	switch (x->kind) {
	case V_DATA: {
		const xh_val *dv = xh_data_val(d, x->v);
		if (dv->type == XH_STR || dv->type == XH_NUM)
			return xh_data_str(d, x->v, n);
		if (dv->type == XH_BOOL) {
			const char *s = dv->len ? "true" : "false";
			*n = strlen(s);
			return s;
		}
		*n = 0;
		return NULL;
	}
	case V_TEXT:
		*n = x->text.len;
		return x->text.data ? x->text.data : "";
	case V_FEN:
		tmp->len = 0;
		xh_money_yuan(tmp, x->fen);
		*n = tmp->len;
		return tmp->data;
	case V_INT:
		tmp->len = 0;
		xh_buf_printf(tmp, "%lld", x->i);
		*n = tmp->len;
		return tmp->data;
	}
	*n = 0;
	return NULL;
}

static char *S_bad(const char *what, const char *s, size_t n)
{
	if (!s)
		return xasprintf("%s: the value is a list or an object", what);
	if (n > 80)
		n = 80;
	return xasprintf("%s: \"%.*s\"", what, (int)n, s);
}

static int S_money(const xh_data *d, S_val *x, xh_fen *out, char **err)
{
	if (x->kind == V_FEN) {
		*out = x->fen;
		return 0;
	}
	if (x->kind == V_INT) {
		*out = x->i * 100;
		return 0;
	}
	xh_buf tmp = XH_BUF_INIT;
	size_t n;
	const char *s = S_text(d, x, &n, &tmp);
	const char *why = "not a money amount";
	int rc = -1;
	if (s && x->kind == V_DATA && xh_data_val(d, x->v)->type == XH_NUM)
		rc = xh_money_from_number(s, n, out, &why);
	else if (s)
		rc = xh_money_parse(s, n, out, &why);
	if (rc != 0)
		*err = S_bad(why, s, n);
	xh_buf_free(&tmp);
	return rc;
}

static void S_set_text(S_val *x)
{
	x->kind = V_TEXT;
}

int xh_filter_apply(const xh_filter *f, size_t nf, const uint32_t *argsym, const xh_data *d,
                    xh_vref v, xh_buf *out, char **err)
{
	S_val x = {v == XH_NONE || xh_data_val(d, v)->type == XH_NULL ? V_NONE : V_DATA, v,
	           XH_BUF_INIT, 0, 0};
	xh_buf tmp = XH_BUF_INIT;
	int rc = 0;
	*err = NULL;
	for (size_t i = 0; i < nf && rc == 0; i++) {
		if (x.kind == V_NONE && f[i].kind != XH_FILTER_DEFAULT) {
			/* a later default: may still supply a value */
			size_t k;
			for (k = i; k < nf && f[k].kind != XH_FILTER_DEFAULT; k++)
				;
			if (k == nf) {
				rc = 1;
				break;
			}
			i = k - 1;
			continue;
		}
		/* An empty cell stays empty through the formatting filters, as a
		 * plain {x} renders it blank: {d | date | default:"—"} works for an
		 * optional date. */
		if (f[i].kind != XH_FILTER_DEFAULT && f[i].kind != XH_FILTER_COUNT &&
		    f[i].kind != XH_FILTER_SUM && (x.kind == V_DATA || x.kind == V_TEXT)) {
			size_t en;
			const char *es = S_text(d, &x, &en, &tmp);
			if (es && en == 0) {
				x.text.len = 0;
				S_set_text(&x);
				continue;
			}
		}
		switch (f[i].kind) {
		case XH_FILTER_DEFAULT: {
			size_t n = 0;
			int empty = x.kind == V_NONE;
			if (!empty && (x.kind == V_DATA || x.kind == V_TEXT)) {
				const char *s = S_text(d, &x, &n, &tmp);
				empty = s && n == 0;
			}
			if (empty) {
				x.text.len = 0;
				xh_buf_adds(&x.text, f[i].arg);
				S_set_text(&x);
			}
			break;
		}
		case XH_FILTER_YUAN:
		case XH_FILTER_WAN:
		case XH_FILTER_CNY: {
			xh_fen fen;
			if (S_money(d, &x, &fen, err) != 0) {
				rc = -1;
				break;
			}
			x.text.len = 0;
			if (f[i].kind == XH_FILTER_YUAN)
				xh_money_yuan(&x.text, fen);
			else if (f[i].kind == XH_FILTER_WAN)
				xh_money_wan(&x.text, fen);
			else
				xh_money_cny(&x.text, fen);
			S_set_text(&x);
			break;
		}
		case XH_FILTER_DATE: {
			size_t n;
			const char *s = x.kind == V_DATA || x.kind == V_TEXT ? S_text(d, &x, &n, &tmp) : NULL;
			xh_date dt;
			const char *why = "not a date";
			if (!s || xh_date_parse(s, n, &dt, &why) != 0) {
				*err = S_bad(why, s, s ? n : 0);
				rc = -1;
				break;
			}
			xh_buf res = XH_BUF_INIT;
			if (!f[i].arg)
				xh_date_cn(&res, dt);
			else if (!strcmp(f[i].arg, "cn"))
				xh_date_cn_upper(&res, dt);
			else
				xh_date_iso(&res, dt);
			xh_buf_free(&x.text);
			x.text = res;
			S_set_text(&x);
			break;
		}
		case XH_FILTER_COUNT:
			if (x.kind != V_DATA || xh_data_val(d, x.v)->type != XH_LIST) {
				size_t n;
				const char *s = S_text(d, &x, &n, &tmp);
				*err = s ? S_bad("count needs a list", s, n)
				         : xstrdup("count needs a list, not an object");
				rc = -1;
				break;
			}
			x.i = xh_data_val(d, x.v)->len;
			x.kind = V_INT;
			break;
		case XH_FILTER_MASK: {
			size_t n;
			const char *s = S_text(d, &x, &n, &tmp);
			if (!s) {
				*err = S_bad("mask needs text", s, n);
				rc = -1;
				break;
			}
			xh_buf res = XH_BUF_INIT;
			xh_mask(&res, s, n);
			xh_buf_free(&x.text);
			x.text = res;
			S_set_text(&x);
			break;
		}
		case XH_FILTER_SUM: {
			if (x.kind != V_DATA || xh_data_val(d, x.v)->type != XH_LIST) {
				*err = xstrdup("sum needs a list");
				rc = -1;
				break;
			}
			uint32_t cnt = xh_data_val(d, x.v)->len;
			xh_fen total = 0;
			for (uint32_t k = 0; k < cnt && rc == 0; k++) {
				xh_vref item = xh_data_child(d, x.v, k);
				if (f[i].arg)
					item = xh_data_member(d, item, argsym[i]);
				S_val iv = {item == XH_NONE ? V_NONE : V_DATA, item, XH_BUF_INIT, 0, 0};
				xh_fen fen;
				const xh_val *ivv = iv.kind == V_DATA ? xh_data_val(d, item) : NULL;
				if (ivv && ivv->type == XH_STR && ivv->len == 0)
					continue; /* a blank cell adds nothing */
				if (iv.kind == V_NONE) {
					*err = xasprintf("sum: item %u has no %s", k + 1,
					                 f[i].arg ? f[i].arg : "value");
					rc = -1;
				} else if (S_money(d, &iv, &fen, err) != 0) {
					char *e = xasprintf("sum: item %u: %s", k + 1, *err);
					free(*err);
					*err = e;
					rc = -1;
				} else if (total > XH_FEN_MAX - fen) {
					*err = xstrdup("sum: the total is too large");
					rc = -1;
				} else {
					total += fen;
				}
			}
			x.fen = total;
			x.kind = V_FEN;
			break;
		}
		}
	}
	if (rc == 0) {
		size_t n;
		const char *s = x.kind == V_NONE ? "" : S_text(d, &x, &n, &tmp);
		if (x.kind == V_NONE)
			n = 0;
		if (!s) {
			*err = xstrdup("is a list or an object, not a value");
			rc = -1;
		} else {
			xh_buf_add(out, s, n);
		}
	}
	xh_buf_free(&x.text);
	xh_buf_free(&tmp);
	return rc;
}
