/*
 * tmpl.c — lexer, section pairing, compiler and renderer (see tmpl.h).
 *
 * Vocabulary used below:
 *   token  one piece of the part as libxml2 reported it: an XML start,
 *          end or empty tag (already serialized), other markup, or the
 *          text of one w:t;
 *   tag    one {…} found in the text stream;
 *   item   a token after the tags are cut out of the text: XML, TEXT, or
 *          TAG (a reference to a tag, sitting where the tag started);
 *   pair   an opening and a closing section tag, with the span of items
 *          it repeats;
 *   op     one instruction of the compiled program.
 */
#include "tmpl.h"
#include "i18n.h"
#include "filter.h"
#include "xmlsafe.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"

/* Element kinds the engine cares about; every other element is EL_OTHER. */
enum { EL_OTHER, EL_P, EL_R, EL_T, EL_TC, EL_TR, EL_TBL, EL_RPR, EL_BR };

enum { TK_START, TK_END, TK_EMPTY, TK_MISC, TK_TEXT };

typedef struct {
	uint8_t kind;     /* TK_* */
	uint8_t el;       /* EL_* */
	uint8_t pagebreak;/* w:br w:type="page" */
	uint8_t touched;  /* w:t start whose text a tag changed */
	uint32_t name;    /* element name id, for balance checks */
	uint32_t off, len;/* bytes in raw (XML) or text (TK_TEXT) */
	uint32_t para;    /* paragraph number (1-based) at this token */
	uint32_t rpr_off, rpr_len; /* TK_TEXT: the run's w:rPr in raw */
	uint32_t wt;      /* TK_TEXT: index of its w:t start token */
} S_tok;

enum { TG_VALUE, TG_OPEN, TG_CLOSE };

typedef struct {
	uint8_t kind;     /* TG_* */
	uint8_t inverted;
	uint8_t dot;      /* {.} */
	uint32_t s, e;    /* [s, e) in the text stream, delimiters included */
	uint32_t para;
	char *src;        /* the tag as written, delimiters included */
	char *name;       /* the name after '#', '^' or '/', trimmed */
	uint32_t seg, nseg; /* path segments in t->segs */
	uint32_t filt, nfilt; /* filters in t->filters */
	uint32_t rpr_off, rpr_len;
	uint32_t it_s, it_e; /* items where the tag starts and where it ends */
} S_tag;

enum { IT_XML, IT_TEXT, IT_TAG, IT_NONE };

typedef struct {
	uint8_t type;     /* IT_* */
	uint32_t tok;     /* IT_XML: token; IT_TEXT: token it came from */
	uint32_t off, len;/* IT_TEXT: bytes in text */
	uint32_t tag;     /* IT_TAG */
} S_item;

enum { PM_INLINE, PM_ROW, PM_PARA };

typedef struct {
	uint32_t open, close;   /* item indices of the two tags */
	uint32_t tag;           /* the opening tag */
	int parent;             /* enclosing pair, -1 at top level */
	int valid;
	uint8_t mode;           /* PM_* */
	uint8_t pb_begin, pb_end; /* page breaks of dropped paragraphs */
	uint32_t left, right;   /* items emitted by the section, inclusive */
	uint32_t blo, bhi;      /* body: items [blo, bhi) */
} S_pair;

enum {
	OP_LIT,       /* a: offset in lit, b: length */
	OP_VAL,       /* a: tag */
	OP_SEC,       /* a: tag, b: index of the matching OP_END, c: pair flags */
	OP_END,       /* a: index of the OP_SEC */
	OP_PB_LAST,   /* a: 1 = a run before </w:p>, 0 = a whole paragraph */
	OP_TBL,       /* start of a table whose rows may all disappear */
	OP_ROW,       /* a row starts: the pending table start is written */
	OP_TBL_END,   /* a/b: the literal "</w:tbl>" */
	OP_CELL_END,  /* a cell ends: it must hold a paragraph */
};

typedef struct {
	uint8_t kind;
	uint8_t ends_p;   /* OP_LIT: the literal's last element is </w:p> */
	uint8_t flags;
	uint32_t a, b;
} S_op;

#define SF_PB_BEGIN 1
#define SF_PB_END 2
#define SF_PARA 4

struct xh_tmpl {
	char *where;
	xh_tmpl_opts opts;
	char *open, *close;
	xh_buf raw;       /* serialized XML tokens */
	xh_buf text;      /* the text stream (all w:t contents) */
	S_tok *toks;
	size_t ntok, captok;
	uint32_t *txt;    /* indices of the TK_TEXT tokens */
	size_t ntxt, captxt;
	S_tag *tags;
	size_t ntag, captag;
	char **segs;      /* path segments of all tags */
	size_t nseg, capseg;
	xh_filter *filters; /* filters of all tags */
	size_t nfilter, capfilter;
	S_item *items;
	size_t nitem, capitem;
	S_pair *pairs;
	size_t npair, cappair;
	S_op *ops;
	size_t nop, capop;
	xh_buf lit;       /* literal bytes of the program */
	char **names;     /* element names, by id */
	size_t nname, capname;
	xh_diag *diag;
	int nerr;
	/* lexer state */
	int in_t, in_r, in_rpr;
	uint32_t para, cur_rpr_off, cur_rpr_len, rpr_start, wt_tok;
	uint32_t text_start;
	int depth;
};

/* ---------------------------------------------------------------- lex */

static uint32_t S_name_id(xh_tmpl *t, const char *qname)
{
	for (size_t i = 0; i < t->nname; i++)
		if (strcmp(t->names[i], qname) == 0)
			return (uint32_t)i;
	XH_GROW(t->names, t->capname, t->nname + 1);
	t->names[t->nname] = xstrdup(qname);
	return (uint32_t)t->nname++;
}

static S_tok *S_tok_new(xh_tmpl *t, int kind)
{
	XH_GROW(t->toks, t->captok, t->ntok + 1);
	S_tok *k = &t->toks[t->ntok++];
	memset(k, 0, sizeof(*k));
	k->kind = (uint8_t)kind;
	k->para = t->para;
	k->off = (uint32_t)t->raw.len;
	return k;
}

/* Raw bytes outside w:t (whitespace between elements, field codes, …)
 * join the previous TK_MISC token when there is one. */
static void S_misc(xh_tmpl *t, const char *s, size_t n, int escape)
{
	if (!t->ntok || t->toks[t->ntok - 1].kind != TK_MISC)
		S_tok_new(t, TK_MISC);
	if (escape)
		xh_buf_add_xml(&t->raw, s, n, 0);
	else
		xh_buf_add(&t->raw, s, n);
	t->toks[t->ntok - 1].len = (uint32_t)(t->raw.len - t->toks[t->ntok - 1].off);
}

static void S_flush_text(xh_tmpl *t)
{
	if (t->text.len == t->text_start)
		return;
	XH_GROW(t->txt, t->captxt, t->ntxt + 1);
	t->txt[t->ntxt++] = (uint32_t)t->ntok;
	S_tok *k = S_tok_new(t, TK_TEXT);
	k->off = t->text_start;
	k->len = (uint32_t)(t->text.len - t->text_start);
	k->rpr_off = t->cur_rpr_off;
	k->rpr_len = t->cur_rpr_len;
	k->wt = t->wt_tok;
	t->text_start = (uint32_t)t->text.len;
}

static int S_el_kind(const xmlChar *uri, const xmlChar *local)
{
	if (!uri || (strcmp((const char *)uri, W_NS) && strcmp((const char *)uri, W_NS_STRICT)))
		return EL_OTHER;
	const char *l = (const char *)local;
	if (!strcmp(l, "p")) return EL_P;
	if (!strcmp(l, "r")) return EL_R;
	if (!strcmp(l, "t")) return EL_T;
	if (!strcmp(l, "tc")) return EL_TC;
	if (!strcmp(l, "tr")) return EL_TR;
	if (!strcmp(l, "tbl")) return EL_TBL;
	if (!strcmp(l, "rPr")) return EL_RPR;
	if (!strcmp(l, "br")) return EL_BR;
	return EL_OTHER;
}

static void S_qname(xh_buf *b, const xmlChar *prefix, const xmlChar *local)
{
	if (prefix) {
		xh_buf_adds(b, (const char *)prefix);
		xh_buf_addc(b, ':');
	}
	xh_buf_adds(b, (const char *)local);
}

static void S_sax_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
                        const xmlChar *uri, int nns, const xmlChar **ns,
                        int nattr, int ndef, const xmlChar **attrs)
{
	(void)ndef;
	xh_tmpl *t = ((xmlParserCtxtPtr)ctx)->_private;
	S_flush_text(t);
	t->depth++;
	int el = S_el_kind(uri, local);
	if (el == EL_P)
		t->para++;
	S_tok *k = S_tok_new(t, TK_START);
	k->el = (uint8_t)el;
	k->para = t->para;
	xh_buf *b = &t->raw;
	size_t qstart = b->len + 1;
	xh_buf_addc(b, '<');
	S_qname(b, prefix, local);
	k->name = S_name_id(t, xh_buf_cstr(b) + qstart);
	for (int i = 0; i < nns; i++) {
		xh_buf_adds(b, " xmlns");
		if (ns[2 * i]) {
			xh_buf_addc(b, ':');
			xh_buf_adds(b, (const char *)ns[2 * i]);
		}
		xh_buf_adds(b, "=\"");
		const char *u = ns[2 * i + 1] ? (const char *)ns[2 * i + 1] : "";
		xh_buf_add_xml(b, u, strlen(u), 1);
		xh_buf_addc(b, '"');
	}
	for (int i = 0; i < nattr; i++) {
		const xmlChar **a = attrs + 5 * i;
		xh_buf_addc(b, ' ');
		S_qname(b, a[1], a[0]);
		xh_buf_adds(b, "=\"");
		xh_buf_add_xml(b, (const char *)a[3], (size_t)(a[4] - a[3]), 1);
		xh_buf_addc(b, '"');
		if (el == EL_BR && !strcmp((const char *)a[0], "type") &&
		    a[4] - a[3] == 4 && !memcmp(a[3], "page", 4))
			k->pagebreak = 1;
	}
	xh_buf_addc(b, '>');
	k->len = (uint32_t)(b->len - k->off);
	if (el == EL_R) {
		t->in_r = 1;
		t->cur_rpr_off = t->cur_rpr_len = 0;
	} else if (el == EL_RPR && t->in_r && !t->in_t) {
		t->in_rpr = 1;
		t->rpr_start = k->off;
	} else if (el == EL_T) {
		t->in_t = t->depth;
		t->wt_tok = (uint32_t)(t->ntok - 1);
		t->text_start = (uint32_t)t->text.len;
	}
}

static void S_sax_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
                      const xmlChar *uri)
{
	xh_tmpl *t = ((xmlParserCtxtPtr)ctx)->_private;
	int el = S_el_kind(uri, local);
	if (el == EL_T && t->in_t == t->depth) {
		S_flush_text(t);
		t->in_t = 0;
	}
	t->depth--;
	S_tok *last = t->ntok ? &t->toks[t->ntok - 1] : NULL;
	if (last && last->kind == TK_START && last->off + last->len == t->raw.len &&
	    last->el == el && el != EL_T) {
		/* <x></x> becomes <x/>: one token, as Word writes it. */
		t->raw.len--;
		xh_buf_adds(&t->raw, "/>");
		last->kind = TK_EMPTY;
		last->len++;
	} else {
		S_tok *k = S_tok_new(t, TK_END);
		k->el = (uint8_t)el;
		xh_buf_adds(&t->raw, "</");
		size_t qstart = t->raw.len;
		S_qname(&t->raw, prefix, local);
		k->name = S_name_id(t, xh_buf_cstr(&t->raw) + qstart);
		xh_buf_addc(&t->raw, '>');
		k->len = (uint32_t)(t->raw.len - k->off);
	}
	if (el == EL_RPR && t->in_rpr) {
		t->in_rpr = 0;
		t->cur_rpr_off = t->rpr_start;
		t->cur_rpr_len = (uint32_t)(t->raw.len - t->rpr_start);
	} else if (el == EL_R) {
		t->in_r = 0;
	}
}

static void S_sax_chars(void *ctx, const xmlChar *s, int n)
{
	xh_tmpl *t = ((xmlParserCtxtPtr)ctx)->_private;
	if (t->in_t)
		xh_buf_add(&t->text, s, (size_t)n);
	else
		S_misc(t, (const char *)s, (size_t)n, 1);
}

static void S_sax_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	xh_tmpl *t = ((xmlParserCtxtPtr)ctx)->_private;
	S_flush_text(t);
	xh_buf b = XH_BUF_INIT;
	xh_buf_printf(&b, "<?%s%s%s?>", target, data ? " " : "", data ? (const char *)data : "");
	S_misc(t, b.data, b.len, 0);
	xh_buf_free(&b);
}

static void S_sax_comment(void *ctx, const xmlChar *value)
{
	xh_tmpl *t = ((xmlParserCtxtPtr)ctx)->_private;
	S_flush_text(t);
	xh_buf b = XH_BUF_INIT;
	xh_buf_printf(&b, "<!--%s-->", value);
	S_misc(t, b.data, b.len, 0);
	xh_buf_free(&b);
}

static void S_sax_error(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

typedef struct {
	xh_tmpl *t;
	int count;
} S_errctx;

static void S_serror(void *ctx, xmlErrorPtr err)
{
	S_errctx *e = ctx;
	if (!err || err->level < XML_ERR_ERROR || e->count++ >= 3)
		return;
	char *m = xh_one_line(err->message ? err->message : "malformed XML");
	xh_diag_add(e->t->diag, 0, "%s: line %d: malformed XML: %s", e->t->where, err->line, m);
	e->t->nerr++;
	free(m);
}

static int S_lex(xh_tmpl *t, const char *xml, size_t n)
{
	if (xh_xml_has_dtd(xml, n, t->where, t->diag)) {
		t->nerr++;
		return -1;
	}
	xmlSAXHandler sax;
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = S_sax_start;
	sax.endElementNs = S_sax_end;
	sax.characters = S_sax_chars;
	sax.ignorableWhitespace = S_sax_chars;
	sax.cdataBlock = S_sax_chars;
	sax.processingInstruction = S_sax_pi;
	sax.comment = S_sax_comment;
	sax.error = S_sax_error;
	sax.warning = S_sax_error;
	xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(xml, (int)n);
	if (!ctxt) {
		xh_diag_add(t->diag, 0, "%s: cannot parse", t->where);
		t->nerr++;
		return -1;
	}
	xmlSAXHandlerPtr old = ctxt->sax;
	ctxt->sax = &sax;
	ctxt->userData = ctxt;
	ctxt->_private = t;
	xmlCtxtUseOptions(ctxt, XH_XML_OPTIONS);
	S_errctx e = {t, 0};
	xmlSetStructuredErrorFunc(&e, S_serror);
	static const char decl[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n";
	S_misc(t, decl, sizeof(decl) - 1, 0);
	int rc = xmlParseDocument(ctxt);
	int wf = ctxt->wellFormed;
	xmlSetStructuredErrorFunc(NULL, NULL);
	ctxt->sax = old;
	xmlFreeParserCtxt(ctxt);
	if (rc != 0 || !wf || e.count) {
		if (!e.count) {
			xh_diag_add(t->diag, 0, "%s: malformed XML", t->where);
			t->nerr++;
		}
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------- tags */

typedef struct {
	uint32_t off;
	uint8_t open; /* 1 = opening delimiter */
} S_delim;

static void S_err(xh_tmpl *t, uint32_t para, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void S_err(xh_tmpl *t, uint32_t para, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(gettext(fmt), ap); /* fmt is a message id (i18n.h) */
	va_end(ap);
	xh_diag_add(t->diag, para, "%s: paragraph %u: %s", t->where, para, m);
	free(m);
	t->nerr++;
}

/* Paragraph of the text-stream offset off: binary search over the text
 * tokens, whose offsets increase. */
static uint32_t S_para_at(const xh_tmpl *t, uint32_t off)
{
	size_t lo = 0, hi = t->ntxt;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const S_tok *k = &t->toks[t->txt[mid]];
		if (k->off + k->len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->ntxt)
		return t->toks[t->txt[lo]].para;
	return t->ntxt ? t->toks[t->txt[t->ntxt - 1]].para : 1;
}

/* A short excerpt of the text stream for messages: the last word of
 * [from, to) when last is set, else the first word. */
static char *S_excerpt(const xh_tmpl *t, size_t from, size_t to, int last)
{
	const char *s = t->text.data ? t->text.data : "";
	if (to > t->text.len)
		to = t->text.len;
	if (from > to)
		from = to;
	size_t a = from, b = to;
	if (last) {
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
			b--;
		a = b;
		while (a > from && s[a - 1] != ' ' && s[a - 1] != '\t')
			a--;
	} else {
		b = a;
		while (b < to && s[b] != ' ' && s[b] != '\t')
			b++;
	}
	if (b - a > 60) {
		if (last)
			a = b - 60;
		else
			b = a + 60;
		while (a < b && ((unsigned char)s[a] & 0xC0) == 0x80)
			a++;
		while (b > a && b < t->text.len && ((unsigned char)s[b] & 0xC0) == 0x80)
			b--;
	}
	return xstrndup(s + a, b - a);
}

static int S_is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A tag as messages show it: whole up to 120 bytes, else its start and
 * end around an ellipsis (a 1 MB tag must not make a 1 MB message). */
static char *S_shown(const char *s, size_t n)
{
	if (n <= 120)
		return xstrndup(s, n);
	size_t a = 80, b = n - 20;
	while (a > 0 && ((unsigned char)s[a] & 0xC0) == 0x80)
		a--;
	while (b < n && ((unsigned char)s[b] & 0xC0) == 0x80)
		b++;
	return xasprintf("%.*s…%.*s", (int)a, s, (int)(n - b), s + b);
}

static void S_parse_tag(xh_tmpl *t, S_tag *g)
{
	size_t ol = strlen(t->open), cl = strlen(t->close);
	const char *s = t->text.data + g->s + ol;
	size_t n = g->e - g->s - ol - cl;
	g->src = S_shown(t->text.data + g->s, g->e - g->s);
	while (n && S_is_ws(*s))
		s++, n--;
	while (n && S_is_ws(s[n - 1]))
		n--;
	g->kind = TG_VALUE;
	if (n && (*s == '#' || *s == '^' || *s == '/')) {
		g->kind = *s == '/' ? TG_CLOSE : TG_OPEN;
		g->inverted = *s == '^';
		s++, n--;
		while (n && S_is_ws(*s))
			s++, n--;
	}
	g->name = xstrndup(s, n);
	g->seg = (uint32_t)t->nseg;
	if (g->kind == TG_CLOSE)
		return;
	if (n == 0 || *s == '|') {
		S_err(t, g->para, "%s: empty tag", g->src);
		return;
	}
	if (n == 1 && *s == '.') {
		g->dot = 1;
		return;
	}
	if (*s == '@' || *s == '=' || *s == '-') {
		S_err(t, g->para, "%s: %s are not supported", g->src,
		      *s == '@' ? "raw XML tags ({@…})" : *s == '=' ? "delimiter changes ({=… …=})"
		                                                : "dash loops ({-w:p …})");
		return;
	}
	/* name | filter | filter:"arg" — split at bars outside quotes */
	const char *bar = NULL;
	for (size_t i = 0, q = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\'')
			q = !q;
		else if (s[i] == '|' && !q) {
			bar = s + i;
			break;
		}
	}
	if (bar) {
		if (g->kind != TG_VALUE) {
			S_err(t, g->para, "%s: filters go in values, not in sections", g->src);
			return;
		}
		g->filt = (uint32_t)t->nfilter;
		const char *f = bar + 1, *end = s + n;
		while (f <= end) {
			const char *nb = f;
			for (size_t q = 0; nb < end; nb++) {
				if (*nb == '"' || *nb == '\'')
					q = !q;
				else if (*nb == '|' && !q)
					break;
			}
			const char *why, *fs = f, *fe = nb;
			while (fs < fe && S_is_ws(*fs))
				fs++;
			while (fe > fs && S_is_ws(fe[-1]))
				fe--;
			XH_GROW(t->filters, t->capfilter, t->nfilter + 1);
			if (xh_filter_parse(fs, (size_t)(fe - fs), &t->filters[t->nfilter], &why) != 0) {
				S_err(t, g->para, "%s: \"%.*s\": %s", g->src, (int)(fe - fs), fs, gettext(why));
				return;
			}
			t->nfilter++;
			g->nfilt++;
			f = nb + 1;
		}
		n = (size_t)(bar - s);
		while (n && S_is_ws(s[n - 1]))
			n--;
		if (n == 1 && *s == '.') {
			g->dot = 1;
			return;
		}
	}
	/* a.b.c: member access, as docxtemplater's expressions parser does. */
	const char *p = s, *end = s + n;
	while (p <= end) {
		const char *q = memchr(p, '.', (size_t)(end - p));
		if (!q)
			q = end;
		const char *a = p, *b = q;
		while (a < b && S_is_ws(*a))
			a++;
		while (b > a && S_is_ws(b[-1]))
			b--;
		if (a == b) {
			S_err(t, g->para, "%s: malformed name", g->src);
			return;
		}
		XH_GROW(t->segs, t->capseg, t->nseg + 1);
		t->segs[t->nseg++] = xstrndup(a, (size_t)(b - a));
		g->nseg++;
		p = q + 1;
	}
}

/* Finds the delimiters in the text stream, reports the lexer errors the
 * way docxtemplater classifies them, and records the well-formed tags. */
static void S_find_tags(xh_tmpl *t)
{
	const char *s = t->text.data ? t->text.data : "";
	size_t n = t->text.len;
	size_t ol = strlen(t->open), cl = strlen(t->close);
	int same = strcmp(t->open, t->close) == 0;
	S_delim *d = NULL;
	size_t nd = 0, capd = 0;
	int inside = 0;
	for (size_t i = 0; i < n;) {
		if (n - i >= ol && memcmp(s + i, t->open, ol) == 0 && (!same || !inside)) {
			XH_GROW(d, capd, nd + 1);
			d[nd++] = (S_delim){(uint32_t)i, 1};
			inside = 1;
			i += ol;
		} else if (n - i >= cl && memcmp(s + i, t->close, cl) == 0) {
			XH_GROW(d, capd, nd + 1);
			d[nd++] = (S_delim){(uint32_t)i, 0};
			inside = 0;
			i += cl;
		} else {
			i++;
		}
	}
	inside = 0;
	size_t last = 0, lastlen = 0;
	int have_last = 0;
	for (size_t k = 0; k < nd; k++) {
		uint32_t off = d[k].off;
		if (inside && d[k].open) {
			if (have_last && last + lastlen == off) {
				char *x = xstrndup(s + last, off + ol + 4 > n ? n - last : off - last + ol + 4);
				S_err(t, S_para_at(t, (uint32_t)last), "\"%s\": a tag is opened twice", x);
				free(x);
			} else {
				char *x = S_excerpt(t, last + ol, off, 0);
				S_err(t, S_para_at(t, (uint32_t)last), "\"%s%s\": tag is never closed", t->open, x);
				free(x);
			}
			last = off, lastlen = ol, have_last = 1;
			continue; /* still inside: the new opening counts */
		}
		if (!inside && !d[k].open) {
			if (have_last && last + lastlen == off) {
				size_t a = last >= 4 ? last - 4 : 0;
				char *x = xstrndup(s + a, off + cl - a);
				S_err(t, S_para_at(t, off), "\"%s\": a tag is closed twice", x);
				free(x);
			} else {
				char *x = S_excerpt(t, have_last ? last + lastlen : 0, off, 1);
				S_err(t, S_para_at(t, off), "\"%s%s\": closing delimiter without an opening one",
				      x, t->close);
				free(x);
			}
			last = off, lastlen = cl, have_last = 1;
			continue;
		}
		if (inside) {
			/* a complete tag [last, off + cl) */
			XH_GROW(t->tags, t->captag, t->ntag + 1);
			S_tag *g = &t->tags[t->ntag++];
			memset(g, 0, sizeof(*g));
			g->s = (uint32_t)last;
			g->e = (uint32_t)(off + cl);
			g->para = S_para_at(t, (uint32_t)last);
			S_parse_tag(t, g);
		}
		inside = !inside;
		last = off, lastlen = d[k].open ? ol : cl, have_last = 1;
	}
	if (inside) {
		char *x = S_excerpt(t, last + ol, n, 0);
		S_err(t, S_para_at(t, (uint32_t)last), "\"%s%s\": tag is never closed", t->open, x);
		free(x);
	}
	free(d);
}

/* Cuts the tags out of the text tokens: each tag becomes an IT_TAG item
 * where it starts; its text in later tokens disappears. */
static void S_build_items(xh_tmpl *t)
{
	size_t g = 0;
	for (size_t k = 0; k < t->ntok; k++) {
		S_tok *tok = &t->toks[k];
		if (tok->kind != TK_TEXT) {
			XH_GROW(t->items, t->capitem, t->nitem + 1);
			t->items[t->nitem++] = (S_item){IT_XML, (uint32_t)k, 0, 0, 0};
			continue;
		}
		uint32_t p = tok->off, te = tok->off + tok->len;
		while (p < te) {
			while (g < t->ntag && t->tags[g].e <= p)
				g++;
			if (g < t->ntag && t->tags[g].s <= p) {
				S_tag *tg = &t->tags[g];
				if (tg->e <= te)
					tg->it_e = (uint32_t)t->nitem;
				if (tg->s >= tok->off) {
					tg->it_s = (uint32_t)t->nitem;
					XH_GROW(t->items, t->capitem, t->nitem + 1);
					t->items[t->nitem++] = (S_item){IT_TAG, (uint32_t)k, 0, 0, (uint32_t)g};
					tg->rpr_off = tok->rpr_off;
					tg->rpr_len = tok->rpr_len;
				}
				t->toks[tok->wt].touched = 1;
				p = tg->e < te ? tg->e : te;
				continue;
			}
			uint32_t q = g < t->ntag && t->tags[g].s < te ? t->tags[g].s : te;
			XH_GROW(t->items, t->capitem, t->nitem + 1);
			t->items[t->nitem++] = (S_item){IT_TEXT, (uint32_t)k, p, q - p, 0};
			p = q;
		}
	}
}

static int S_span_ok(const xh_tmpl *t, size_t a, size_t b, int *has_tc, int *has_p);

/* A tag that spans paragraphs joins them, as docxtemplater does: the
 * paragraph boundaries (with the later paragraphs' properties) and the
 * breaks and tabs inside the tag go, so its value stands in one paragraph.
 * Anything else between (table cells, text boxes) cannot be joined. */
static void S_join_spans(xh_tmpl *t)
{
	for (size_t g = 0; g < t->ntag; g++) {
		S_tag *tg = &t->tags[g];
		if (tg->it_e <= tg->it_s + 1)
			continue;
		int in_ppr = 0, joined = 0;
		for (uint32_t k = tg->it_s + 1; k < tg->it_e; k++) {
			S_item *it = &t->items[k];
			if (it->type != IT_XML)
				continue;
			const S_tok *x = &t->toks[it->tok];
			const char *raw = t->raw.data + x->off;
			if (in_ppr) {
				if (x->kind == TK_END && x->len == 8 && !memcmp(raw, "</w:pPr>", 8))
					in_ppr = 0;
				it->type = IT_NONE;
				continue;
			}
			if (x->el == EL_P && x->kind != TK_MISC) {
				it->type = IT_NONE;
				joined = 1;
				if (x->kind == TK_START && k + 1 < tg->it_e &&
				    t->items[k + 1].type == IT_XML) {
					const S_tok *n = &t->toks[t->items[k + 1].tok];
					if (n->kind == TK_START && !memcmp(t->raw.data + n->off, "<w:pPr", 6))
						in_ppr = 1, t->items[++k].type = IT_NONE;
					else if (n->kind == TK_EMPTY && !memcmp(t->raw.data + n->off, "<w:pPr", 6))
						t->items[++k].type = IT_NONE;
				}
			} else if (x->el == EL_BR || (x->kind == TK_EMPTY &&
			           (!memcmp(raw, "<w:tab", 6) || !memcmp(raw, "<w:cr", 5)))) {
				it->type = IT_NONE;
			}
		}
		int tc, pp;
		if (joined && !S_span_ok(t, tg->it_s, tg->it_e, &tc, &pp))
			S_err(t, tg->para, "%s: the tag spans table cells or other parts of the "
			      "document that cannot be joined", tg->src);
	}
}

/* ------------------------------------------------------------ pairs */

static const S_tok *S_xtok(const xh_tmpl *t, size_t i)
{
	return t->items[i].type == IT_XML ? &t->toks[t->items[i].tok] : NULL;
}

/* The start item of the element of kind el that encloses item i, searching
 * no further left than lo; -1 when there is none. */
static long S_left(const xh_tmpl *t, size_t i, size_t lo, int el)
{
	int depth = 0;
	for (size_t k = i; k-- > lo;) {
		const S_tok *x = S_xtok(t, k);
		if (!x || x->el != el)
			continue;
		if (x->kind == TK_END)
			depth++;
		else if (x->kind == TK_START) {
			if (depth == 0)
				return (long)k;
			depth--;
		}
	}
	return -1;
}

/* The end item of the element of kind el that encloses item i. */
static long S_right(const xh_tmpl *t, size_t i, size_t hi, int el)
{
	int depth = 0;
	for (size_t k = i + 1; k < hi; k++) {
		const S_tok *x = S_xtok(t, k);
		if (!x || x->el != el)
			continue;
		if (x->kind == TK_START)
			depth++;
		else if (x->kind == TK_END) {
			if (depth == 0)
				return (long)k;
			depth--;
		}
	}
	return -1;
}

/* Does the paragraph [a, b] hold exactly one piece of content (the tag)?
 * Content is a tag or non-empty text, as docxtemplater's isContent. */
static int S_only_tag(const xh_tmpl *t, size_t a, size_t b, int *pagebreak)
{
	int content = 0;
	*pagebreak = 0;
	for (size_t k = a; k <= b; k++) {
		const S_item *it = &t->items[k];
		if (it->type == IT_TAG || (it->type == IT_TEXT && it->len))
			content++;
		else if (it->type == IT_XML && t->toks[it->tok].pagebreak)
			*pagebreak = 1;
		else if (it->type == IT_XML && t->toks[it->tok].kind != TK_END &&
		         !memcmp(t->raw.data + t->toks[it->tok].off, "<w:sectPr", 9))
			return 0; /* a section break: the paragraph must stay */
	}
	return content == 1;
}

/* The unmatched elements between items a and b: the closings, then the
 * openings.  Repeating the span is well-formed exactly when the closings
 * mirror the openings. */
static int S_span_ok(const xh_tmpl *t, size_t a, size_t b, int *has_tc, int *has_p)
{
	uint32_t *st = NULL, *cl = NULL;
	size_t nst = 0, capst = 0, ncl = 0, capcl = 0;
	int ok = 1;
	*has_tc = *has_p = 0;
	for (size_t k = a + 1; k < b; k++) {
		const S_tok *x = S_xtok(t, k);
		if (!x)
			continue;
		if (x->kind == TK_START) {
			XH_GROW(st, capst, nst + 1);
			st[nst++] = (uint32_t)(k);
		} else if (x->kind == TK_END) {
			if (nst)
				nst--;
			else {
				XH_GROW(cl, capcl, ncl + 1);
				cl[ncl++] = x->name;
			}
		}
	}
	if (nst != ncl)
		ok = 0;
	for (size_t i = 0; ok && i < nst; i++) {
		const S_tok *o = S_xtok(t, st[i]);
		if (o->name != cl[ncl - 1 - i])
			ok = 0;
		if (o->el == EL_TC)
			*has_tc = 1;
		if (o->el == EL_P)
			*has_p = 1;
	}
	free(st);
	free(cl);
	return ok;
}

static void S_expand(xh_tmpl *t, size_t lo, size_t hi, int parent);

static void S_expand_pair(xh_tmpl *t, S_pair *p, size_t lo, size_t hi, long *last_right)
{
	S_tag *g = &t->tags[p->tag];
	int has_tc, has_p;
	if (!S_span_ok(t, p->open, p->close, &has_tc, &has_p)) {
		S_err(t, g->para, "%s: the section opens and closes at different levels "
		      "of the document (e.g. inside and outside a table)", g->src);
		p->valid = 0;
		return;
	}
	p->mode = PM_INLINE;
	p->left = p->open;
	p->right = p->close;
	p->blo = p->open + 1;
	p->bhi = p->close;
	if (has_tc) {
		long l = S_left(t, p->open, lo, EL_TR), r = S_right(t, p->close, hi, EL_TR);
		if (l < 0 || r < 0) {
			S_err(t, g->para, "%s: the section's table row cannot be found", g->src);
			p->valid = 0;
			return;
		}
		p->mode = PM_ROW;
		p->left = (uint32_t)l;
		p->right = (uint32_t)r;
		p->blo = p->left;
		p->bhi = p->right + 1;
	} else if (has_p) {
		long l = S_left(t, p->open, lo, EL_P), r = S_right(t, p->close, hi, EL_P);
		long le = l >= 0 ? S_right(t, p->open, hi, EL_P) : -1;
		long rs = r >= 0 ? S_left(t, p->close, lo, EL_P) : -1;
		int pb1, pb2;
		if (l >= 0 && r >= 0 && le >= 0 && rs >= 0 &&
		    S_only_tag(t, (size_t)l, (size_t)le, &pb1) &&
		    S_only_tag(t, (size_t)rs, (size_t)r, &pb2)) {
			p->mode = PM_PARA;
			p->left = (uint32_t)l;
			p->right = (uint32_t)r;
			p->blo = (uint32_t)le + 1;
			p->bhi = (uint32_t)rs;
			p->pb_begin = (uint8_t)pb1;
			p->pb_end = (uint8_t)pb2;
		}
	}
	if ((long)p->left <= *last_right) {
		S_err(t, g->para, "%s: the section overlaps the previous one", g->src);
		p->valid = 0;
		return;
	}
	*last_right = p->right;
	S_expand(t, p->blo, p->bhi, (int)(p - t->pairs));
}

static void S_expand(xh_tmpl *t, size_t lo, size_t hi, int parent)
{
	long last_right = (long)lo - 1;
	/* Children follow their parent in opening order and end before its
	 * closing tag. */
	uint32_t end = parent >= 0 ? t->pairs[parent].close : UINT32_MAX;
	for (size_t i = (size_t)(parent + 1); i < t->npair && t->pairs[i].open < end; i++) {
		S_pair *p = &t->pairs[i];
		if (p->parent == parent && p->valid)
			S_expand_pair(t, p, lo, hi, &last_right);
	}
}

/* No real form nests sections more than a few deep; the cap keeps a
 * hostile template from exhausting the stack of the recursive passes. */
#define MAX_NESTING 100

static int S_pair_cmp(const void *a, const void *b)
{
	const S_pair *x = a, *y = b;
	return x->open < y->open ? -1 : x->open > y->open;
}

/* Index of the pair whose opening tag is item open (pairs sorted by open). */
static int S_pair_at(const xh_tmpl *t, uint32_t open)
{
	size_t lo = 0, hi = t->npair;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->pairs[mid].open < open)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->npair && t->pairs[lo].open == open ? (int)lo : -1;
}

static void S_pair_sections(xh_tmpl *t)
{
	size_t *stack = NULL, nst = 0, capst = 0;
	for (size_t k = 0; k < t->nitem; k++) {
		S_item *it = &t->items[k];
		if (it->type != IT_TAG)
			continue;
		S_tag *g = &t->tags[it->tag];
		if (g->kind == TG_OPEN) {
			if (nst == MAX_NESTING) {
				S_err(t, g->para, "%s: sections are nested more than %d deep", g->src,
				      MAX_NESTING);
				free(stack);
				return;
			}
			XH_GROW(stack, capst, nst + 1);
			stack[nst++] = k;
		} else if (g->kind == TG_CLOSE) {
			if (!nst) {
				S_err(t, g->para, "%s: closes a section that was never opened", g->src);
				continue;
			}
			S_item *o = &t->items[stack[nst - 1]];
			S_tag *og = &t->tags[o->tag];
			if (g->name[0] && strcmp(g->name, og->name) != 0)
				S_err(t, g->para, "%s: does not close %s (the section opened last)",
				      g->src, og->src);
			XH_GROW(t->pairs, t->cappair, t->npair + 1);
			S_pair *p = &t->pairs[t->npair++];
			memset(p, 0, sizeof(*p));
			p->open = (uint32_t)stack[nst - 1];
			p->close = (uint32_t)k;
			p->tag = o->tag;
			p->valid = 1;
			/* for now the opening item of the enclosing section */
			p->parent = nst >= 2 ? (int)stack[nst - 2] : -1;
			nst--;
		}
	}
	for (size_t i = 0; i < nst; i++) {
		S_tag *g = &t->tags[t->items[stack[i]].tag];
		S_err(t, g->para, "%s: section is never closed", g->src);
	}
	free(stack);
	/* Pairs were recorded in closing order: sort them by opening position
	 * and turn each parent's opening item into its pair index. */
	if (t->npair > 1)
		qsort(t->pairs, t->npair, sizeof(*t->pairs), S_pair_cmp);
	for (size_t i = 0; i < t->npair; i++)
		if (t->pairs[i].parent >= 0)
			t->pairs[i].parent = S_pair_at(t, (uint32_t)t->pairs[i].parent);
}

/* ---------------------------------------------------------- compile */

static S_op *S_op_new(xh_tmpl *t, int kind)
{
	XH_GROW(t->ops, t->capop, t->nop + 1);
	S_op *o = &t->ops[t->nop++];
	memset(o, 0, sizeof(*o));
	o->kind = (uint8_t)kind;
	return o;
}

static void S_lit(xh_tmpl *t, const char *s, size_t n, int ends_p_known, int ends_p)
{
	if (!n)
		return;
	S_op *o = t->nop ? &t->ops[t->nop - 1] : NULL;
	if (!o || o->kind != OP_LIT || o->a + o->b != t->lit.len) {
		o = S_op_new(t, OP_LIT);
		o->a = (uint32_t)t->lit.len;
	}
	xh_buf_add(&t->lit, s, n);
	o->b += (uint32_t)n;
	if (ends_p_known)
		o->ends_p = (uint8_t)ends_p;
}

static int S_all_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!S_is_ws(s[i]))
			return 0;
	return 1;
}

/* Is there a pair whose tags lie within items [a, b]? */
static int S_has_pair(const xh_tmpl *t, size_t a, size_t b)
{
	for (size_t i = 0; i < t->npair; i++)
		if (t->pairs[i].valid && t->pairs[i].open > a && t->pairs[i].close < b)
			return 1;
	return 0;
}

static void S_emit_item(xh_tmpl *t, size_t k)
{
	S_item *it = &t->items[k];
	if (it->type == IT_TEXT) {
		xh_buf esc = XH_BUF_INIT;
		xh_buf_add_xml(&esc, t->text.data + it->off, it->len, 0);
		S_lit(t, esc.data, esc.len, 1, 0);
		xh_buf_free(&esc);
		return;
	}
	if (it->type == IT_TAG) {
		S_tag *g = &t->tags[it->tag];
		if (g->kind == TG_VALUE) {
			S_op *o = S_op_new(t, OP_VAL);
			o->a = it->tag;
		}
		return;
	}
	if (it->type != IT_XML)
		return;
	const S_tok *x = &t->toks[it->tok];
	const char *raw = t->raw.data + x->off;
	if (x->kind == TK_MISC) {
		S_lit(t, raw, x->len, !S_all_space(raw, x->len), 0);
		return;
	}
	if (x->el == EL_TBL && x->kind == TK_START) {
		long r = S_right(t, k, t->nitem, EL_TBL);
		if (r > 0 && S_has_pair(t, k, (size_t)r))
			S_op_new(t, OP_TBL);
	} else if (x->el == EL_TBL && x->kind == TK_END && t->nop) {
		long l = S_left(t, k, 0, EL_TBL);
		if (l >= 0 && S_has_pair(t, (size_t)l, k)) {
			S_op *o = S_op_new(t, OP_TBL_END);
			o->a = (uint32_t)t->lit.len;
			xh_buf_add(&t->lit, raw, x->len);
			o->b = x->len;
			return;
		}
	} else if (x->el == EL_TR && x->kind == TK_START) {
		S_op_new(t, OP_ROW);
	} else if (x->el == EL_TC && x->kind == TK_END) {
		long l = S_left(t, k, 0, EL_TC);
		if (l >= 0 && S_has_pair(t, (size_t)l, k))
			S_op_new(t, OP_CELL_END);
	}
	if (x->el == EL_T && x->kind == TK_START && x->touched) {
		/* The text changed: keep its spaces (a moved tag can leave a
		 * leading or trailing space behind). */
		S_lit(t, "<", 1, 1, 0);
		const char *sp = memchr(raw, ' ', x->len);
		size_t qn = sp ? (size_t)(sp - raw) - 1 : x->len - 2;
		S_lit(t, raw + 1, qn, 1, 0);
		S_lit(t, " xml:space=\"preserve\">", 22, 1, 0);
		return;
	}
	int ends_p = x->el == EL_P && (x->kind == TK_END || x->kind == TK_EMPTY);
	S_lit(t, raw, x->len, 1, ends_p);
}

static void S_emit(xh_tmpl *t, size_t lo, size_t hi, int parent)
{
	size_t k = lo;
	size_t c = (size_t)(parent + 1);
	while (k < hi) {
		/* the next child pair of parent that starts at or after k */
		S_pair *p = NULL;
		for (; c < t->npair; c++) {
			S_pair *q = &t->pairs[c];
			if (q->parent == parent && q->valid && q->left >= k) {
				p = q;
				break;
			}
		}
		size_t stop = p && p->left < hi ? p->left : hi;
		for (; k < stop; k++)
			S_emit_item(t, k);
		if (!p || p->left >= hi)
			break;
		size_t sec = t->nop;
		S_op *o = S_op_new(t, OP_SEC);
		o->a = p->tag;
		o->flags = (uint8_t)((p->pb_begin ? SF_PB_BEGIN : 0) | (p->pb_end ? SF_PB_END : 0) |
		                     (p->mode == PM_PARA ? SF_PARA : 0));
		size_t bhi = p->bhi;
		long lastp = -1;
		if (p->pb_end && p->mode == PM_PARA) {
			/* The dropped closing paragraph held a page break: it goes
			 * into the body's last paragraph, after the last item. */
			const S_tok *x = bhi > p->blo ? S_xtok(t, bhi - 1) : NULL;
			if (x && x->el == EL_P && x->kind == TK_END)
				lastp = (long)bhi - 1;
		}
		S_emit(t, p->blo, lastp >= 0 ? (size_t)lastp : bhi, (int)c);
		if (p->pb_end && p->mode == PM_PARA) {
			S_op *b = S_op_new(t, OP_PB_LAST);
			b->a = lastp >= 0;
			if (lastp >= 0)
				S_emit_item(t, (size_t)lastp);
		}
		S_op *e = S_op_new(t, OP_END);
		e->a = (uint32_t)sec;
		t->ops[sec].b = (uint32_t)(t->nop - 1);
		k = p->right + 1;
		c++;
	}
}

/* Marks the tags of valid pairs so that the paragraph check and the
 * emitter skip them. */
static void S_compile(xh_tmpl *t)
{
	S_emit(t, 0, t->nitem, -1);
}

xh_tmpl *xh_tmpl_compile(const char *xml, size_t n, const char *where,
                         const xh_tmpl_opts *opts, xh_diag *diag)
{
	xh_tmpl *t = xcalloc(1, sizeof(*t));
	t->where = xstrdup(where);
	t->diag = diag;
	t->opts = *opts;
	t->open = xstrdup(opts->open ? opts->open : "{");
	t->close = xstrdup(opts->close ? opts->close : "}");
	t->para = 0;
	size_t first = diag->n;
	if (S_lex(t, xml, n) == 0) {
		S_find_tags(t);
		S_build_items(t);
		S_join_spans(t);
		S_pair_sections(t);
		if (!t->nerr)
			S_expand(t, 0, t->nitem, -1);
		if (!t->nerr)
			S_compile(t);
	}
	/* This part's errors in paragraph order (lexer and pairing errors are
	 * found in two passes). */
	if (diag->n > first + 1) {
		xh_diag part = {diag->msg + first, diag->key + first, diag->n - first, 0};
		xh_diag_sort(&part);
	}
	t->diag = NULL;
	if (t->nerr) {
		xh_tmpl_free(t);
		return NULL;
	}
	return t;
}

void xh_tmpl_free(xh_tmpl *t)
{
	if (!t)
		return;
	free(t->where);
	free(t->open);
	free(t->close);
	xh_buf_free(&t->raw);
	xh_buf_free(&t->text);
	free(t->toks);
	free(t->txt);
	for (size_t i = 0; i < t->ntag; i++) {
		free(t->tags[i].src);
		free(t->tags[i].name);
	}
	free(t->tags);
	for (size_t i = 0; i < t->nseg; i++)
		free(t->segs[i]);
	free(t->segs);
	for (size_t i = 0; i < t->nfilter; i++)
		xh_filter_fini(&t->filters[i]);
	free(t->filters);
	free(t->items);
	free(t->pairs);
	free(t->ops);
	xh_buf_free(&t->lit);
	for (size_t i = 0; i < t->nname; i++)
		free(t->names[i]);
	free(t->names);
	free(t);
}

size_t xh_tmpl_ntags(const xh_tmpl *t)
{
	return t->ntag;
}

void xh_tmpl_names(const xh_tmpl *t,
                   void (*fn)(void *ud, int kind, uint32_t para, const char *tag, const char *name),
                   void *ud)
{
	for (size_t i = 0; i < t->ntag; i++) {
		const S_tag *g = &t->tags[i];
		if (g->kind == TG_CLOSE)
			fn(ud, 2, g->para, g->src, g->name);
		else if (!g->dot && g->nseg)
			fn(ud, g->kind == TG_VALUE ? 0 : 1, g->para, g->src, t->segs[g->seg]);
	}
}

void xh_tmpl_list(const xh_tmpl *t, const char *part, FILE *out)
{
	for (size_t i = 0; i < t->ntag; i++) {
		const S_tag *g = &t->tags[i];
		const char *kind = g->kind == TG_VALUE ? "value"
		                   : g->kind == TG_CLOSE ? "end"
		                   : g->inverted ? "inverted" : "section";
		fprintf(out, "%s\tparagraph %u\t%s\t%s\n", part, g->para, kind, g->src);
	}
}

/* ------------------------------------------------------------ render */

struct xh_bind {
	uint32_t *sym;  /* by segment */
	uint32_t *fsym; /* by filter: its argument as a field name (sum) */
};

xh_bind *xh_bind_new(const xh_tmpl *t, const xh_data *d)
{
	xh_bind *b = xcalloc(1, sizeof(*b));
	b->sym = xcalloc(t->nseg + 1, sizeof(*b->sym));
	for (size_t i = 0; i < t->nseg; i++)
		b->sym[i] = xh_data_sym(d, t->segs[i], strlen(t->segs[i]));
	b->fsym = xcalloc(t->nfilter + 1, sizeof(*b->fsym));
	for (size_t i = 0; i < t->nfilter; i++)
		if (t->filters[i].arg)
			b->fsym[i] = xh_data_sym(d, t->filters[i].arg, strlen(t->filters[i].arg));
	return b;
}

void xh_bind_free(xh_bind *b)
{
	if (!b)
		return;
	free(b->sym);
	free(b->fsym);
	free(b);
}

typedef struct {
	uint32_t sec;     /* the OP_SEC */
	xh_vref list;     /* the list iterated, or XH_NONE */
	uint32_t idx, n;
	uint8_t scoped;   /* an item was pushed on the scope stack */
} S_frame;

typedef struct {
	xh_buf buf;
	uint32_t depth;   /* table nesting when it started */
} S_cap;

struct xh_render {
	const xh_tmpl *t;
	const xh_data *d;
	const xh_bind *b;
	xh_diag *diag;
	uint64_t key;
	char *prefix;
	size_t pc;
	S_frame *fr;
	size_t nfr, capfr;
	xh_vref *scope;
	size_t nscope, capscope;
	S_cap *cap;
	size_t ncap, capcap;
	uint32_t tbl_depth;
	int last_p;
	int failed;
	struct {
		size_t count, diag;
	} *seen;          /* render errors by tag, see S_rerr */
	xh_buf out;
	size_t out_pos;
};

xh_render *xh_render_new(const xh_tmpl *t, const xh_data *d, const xh_bind *b,
                         xh_vref scope, xh_diag *diag, uint64_t key,
                         const char *prefix)
{
	xh_render *r = xcalloc(1, sizeof(*r));
	r->t = t;
	r->d = d;
	r->b = b;
	r->diag = diag;
	r->key = key;
	r->prefix = xstrdup(prefix ? prefix : "");
	XH_GROW(r->scope, r->capscope, 16);
	r->scope[r->nscope++] = scope;
	return r;
}

void xh_render_free(xh_render *r)
{
	if (!r)
		return;
	free(r->prefix);
	free(r->fr);
	free(r->scope);
	for (size_t i = 0; i < r->ncap; i++)
		xh_buf_free(&r->cap[i].buf);
	free(r->cap);
	free(r->seen);
	xh_buf_free(&r->out);
	free(r);
}

int xh_render_failed(const xh_render *r)
{
	return r->failed;
}

static void S_put(xh_render *r, const char *s, size_t n)
{
	if (r->failed || !n)
		return;
	if (r->ncap)
		xh_buf_add(&r->cap[r->ncap - 1].buf, s, n);
	else
		xh_buf_add(&r->out, s, n);
}

/* Reports a render error once per tag: a loop over 100,000 rows with the
 * same gap gives one line and a count, not 100,000 lines. */
static void S_rerr(xh_render *r, const S_tag *g, const char *fmt, const char *arg)
{
	size_t ti = (size_t)(g - r->t->tags);
	r->failed = 1;
	if (!r->seen)
		r->seen = xcalloc(r->t->ntag, sizeof(*r->seen));
	if (r->seen[ti].count++) {
		return;
	}
	char *m = xasprintf(fmt, arg);
	r->seen[ti].diag = r->diag->n;
	xh_diag_add(r->diag, r->key, "%s%s: paragraph %u: %s: %s", r->prefix,
	            r->t->where, g->para, g->src, m);
	free(m);
}

/* Appends "(N times)" to the errors that repeated. */
static void S_rerr_counts(xh_render *r)
{
	if (!r->seen)
		return;
	for (size_t i = 0; i < r->t->ntag; i++) {
		if (r->seen[i].count < 2)
			continue;
		char **msg = &r->diag->msg[r->seen[i].diag];
		char *m = xasprintf("%s (%zu times)", *msg, r->seen[i].count);
		free(*msg);
		*msg = m;
		r->seen[i].count = 1;
	}
}

/* Evaluates a tag's path: each scope from the innermost outwards, the first
 * that gives a value (not missing, not null) wins. */
static xh_vref S_lookup(const xh_render *r, const S_tag *g)
{
	if (g->dot)
		return r->scope[r->nscope - 1];
	for (size_t s = r->nscope; s-- > 0;) {
		xh_vref v = r->scope[s];
		for (uint32_t i = 0; i < g->nseg && v != XH_NONE; i++)
			v = xh_data_member(r->d, v, r->b->sym[g->seg + i]);
		if (v != XH_NONE && xh_data_val(r->d, v)->type != XH_NULL)
			return v;
	}
	return XH_NONE;
}

static void S_emit_value(xh_render *r, const S_tag *g, const char *s, size_t n);

static void S_value(xh_render *r, const S_tag *g)
{
	xh_vref v = S_lookup(r, g);
	if (g->nfilt) {
		xh_buf txt = XH_BUF_INIT;
		char *err = NULL;
		int rc = xh_filter_apply(r->t->filters + g->filt, g->nfilt, r->b->fsym + g->filt, r->d,
		                         v, &txt, &err);
		if (rc == 1 && !r->t->opts.allow_missing)
			S_rerr(r, g, "%s", "no value (use --allow-missing to leave it empty, or a default: filter)");
		else if (rc < 0)
			S_rerr(r, g, "%s", err);
		else if (rc == 0)
			S_emit_value(r, g, txt.data ? txt.data : "", txt.len);
		free(err);
		xh_buf_free(&txt);
		return;
	}
	const xh_val *x = xh_data_val(r->d, v);
	/* Absent or null is an error: official documents must not go out
	 * with blanks.  An empty string is a value the data chose (a blank
	 * ledger cell); required fields are the schema's business. */
	if (!x) {
		if (!r->t->opts.allow_missing)
			S_rerr(r, g, "%s", "no value (use --allow-missing to leave it empty)");
		return;
	}
	const char *s;
	size_t n;
	switch (x->type) {
	case XH_BOOL:
		s = x->len ? "true" : "false";
		n = strlen(s);
		break;
	case XH_NUM:
	case XH_STR:
		s = xh_data_str(r->d, v, &n);
		break;
	case XH_LIST:
		S_rerr(r, g, "%s", "is a list, not a value: use a section to repeat it");
		return;
	case XH_OBJ:
		S_rerr(r, g, "%s", "is an object, not a value: name one of its fields");
		return;
	default:
		return;
	}
	S_emit_value(r, g, s, n);
}

/* Writes a value's text into the current w:t: escaped, with line breaks
 * and tabs as Word's own elements. */
static void S_emit_value(xh_render *r, const S_tag *g, const char *s, size_t n)
{
	/* What XML 1.0 cannot hold, or Word would show as garbage: C0 and C1
	 * control characters, DEL, the non-characters U+FFFE and U+FFFF, and
	 * bytes that are not UTF-8.  LF, CR LF and CR are line breaks, TAB a
	 * tab. */
	for (size_t i = 0; i < n;) {
		const unsigned char *u = (const unsigned char *)s + i;
		int l = xh_utf8_len(u, n - i);
		unsigned cp = 0;
		if (l < 0) {
			S_rerr(r, g, "%s", "the value is not valid UTF-8");
			return;
		}
		if (l == 1)
			cp = u[0];
		else if (l == 2)
			cp = ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu);
		else if (l == 3)
			cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
		else
			cp = 0x10000; /* beyond the BMP: every one is allowed */
		if ((cp < 0x20 && cp != '\n' && cp != '\r' && cp != '\t') || (cp >= 0x7F && cp <= 0x9F) ||
		    cp == 0xFFFE || cp == 0xFFFF) {
			char *m = xasprintf("the value has a %s (U+%04X)",
			                    cp >= 0xFFFE ? "non-character" : "control character", cp);
			S_rerr(r, g, "%s", m);
			free(m);
			return;
		}
		i += (size_t)l;
	}
	if (r->failed)
		return;
	size_t a = 0;
	xh_buf *o = r->ncap ? &r->cap[r->ncap - 1].buf : &r->out;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
			continue;
		xh_buf_add_xml(o, s + a, i - a, 0);
		if (i == n)
			break;
		const char *rpr = r->t->raw.data + g->rpr_off;
		if (s[i] == '\t') {
			xh_buf_adds(o, "</w:t><w:tab/><w:t xml:space=\"preserve\">");
		} else {
			if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
				i++;
			xh_buf_adds(o, "</w:t></w:r><w:r>");
			xh_buf_add(o, rpr, g->rpr_len);
			xh_buf_adds(o, "<w:br/></w:r><w:r>");
			xh_buf_add(o, rpr, g->rpr_len);
			xh_buf_adds(o, "<w:t xml:space=\"preserve\">");
		}
		a = i + 1;
	}
}

static const char S_PB_PARA[] = "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>";
static const char S_PB_RUN[] = "<w:r><w:br w:type=\"page\"/></w:r>";

/* Starts iteration f->idx of a section frame. */
static void S_enter(xh_render *r, S_frame *f, const S_op *sec)
{
	if (f->scoped)
		r->nscope--;
	f->scoped = 0;
	if (f->list != XH_NONE) {
		XH_GROW(r->scope, r->capscope, r->nscope + 1);
		r->scope[r->nscope++] = xh_data_child(r->d, f->list, f->idx);
		f->scoped = 1;
	}
	if (sec->flags & SF_PB_BEGIN)
		S_put(r, S_PB_PARA, sizeof(S_PB_PARA) - 1);
}

static void S_step(xh_render *r)
{
	const xh_tmpl *t = r->t;
	const S_op *o = &t->ops[r->pc];
	switch (o->kind) {
	case OP_LIT:
		S_put(r, t->lit.data + o->a, o->b);
		r->last_p = o->ends_p;
		r->pc++;
		break;
	case OP_VAL:
		S_value(r, &t->tags[o->a]);
		r->last_p = 0;
		r->pc++;
		break;
	case OP_SEC: {
		const S_tag *g = &t->tags[o->a];
		xh_vref v = S_lookup(r, g);
		const xh_val *x = xh_data_val(r->d, v);
		int truthy = xh_data_truthy(r->d, v);
		S_frame f = {(uint32_t)r->pc, XH_NONE, 0, 0, 0};
		if (g->inverted) {
			f.n = !truthy;
		} else if (!truthy) {
			f.n = 0;
		} else if (x->type == XH_LIST) {
			f.list = v;
			f.n = x->len;
		} else if (x->type == XH_OBJ) {
			/* An object is the scope of its single iteration. */
			f.n = 1;
			XH_GROW(r->fr, r->capfr, r->nfr + 1);
			r->fr[r->nfr] = f;
			XH_GROW(r->scope, r->capscope, r->nscope + 1);
			r->scope[r->nscope++] = v;
			r->fr[r->nfr].scoped = 1;
			if (o->flags & SF_PB_BEGIN)
				S_put(r, S_PB_PARA, sizeof(S_PB_PARA) - 1);
			r->nfr++;
			r->pc++;
			break;
		} else {
			f.n = 1;
		}
		if (f.n == 0) {
			if ((o->flags & SF_PB_END) && (o->flags & SF_PARA))
				S_put(r, S_PB_PARA, sizeof(S_PB_PARA) - 1);
			r->pc = o->b + 1;
			break;
		}
		XH_GROW(r->fr, r->capfr, r->nfr + 1);
		r->fr[r->nfr] = f;
		S_enter(r, &r->fr[r->nfr], o);
		r->nfr++;
		r->pc++;
		break;
	}
	case OP_END: {
		S_frame *f = &r->fr[r->nfr - 1];
		f->idx++;
		if (f->idx < f->n) {
			S_enter(r, f, &t->ops[f->sec]);
			r->pc = f->sec + 1;
		} else {
			if (f->scoped)
				r->nscope--;
			r->nfr--;
			r->pc++;
		}
		break;
	}
	case OP_PB_LAST: {
		S_frame *f = &r->fr[r->nfr - 1];
		if (f->idx + 1 == f->n) {
			if (o->a)
				S_put(r, S_PB_RUN, sizeof(S_PB_RUN) - 1);
			else
				S_put(r, S_PB_PARA, sizeof(S_PB_PARA) - 1);
		}
		r->pc++;
		break;
	}
	case OP_TBL:
		XH_GROW(r->cap, r->capcap, r->ncap + 1);
		r->cap[r->ncap].buf = (xh_buf)XH_BUF_INIT;
		r->cap[r->ncap].depth = ++r->tbl_depth;
		r->ncap++;
		r->pc++;
		break;
	case OP_ROW:
		/* A row is written: every table start still held is written
		 * first, outermost first. */
		while (r->ncap) {
			S_cap *c = &r->cap[--r->ncap];
			if (r->ncap)
				xh_buf_add(&r->cap[r->ncap - 1].buf, c->buf.data ? c->buf.data : "", c->buf.len);
			else if (!r->failed)
				xh_buf_add(&r->out, c->buf.data ? c->buf.data : "", c->buf.len);
			xh_buf_free(&c->buf);
		}
		r->pc++;
		break;
	case OP_TBL_END:
		if (r->ncap && r->cap[r->ncap - 1].depth == r->tbl_depth) {
			/* No row was written: the table goes, since Word cannot
			 * open a table without rows. */
			xh_buf_free(&r->cap[--r->ncap].buf);
			r->last_p = 0;
		} else {
			S_put(r, t->lit.data + o->a, o->b);
			r->last_p = 0;
		}
		r->tbl_depth--;
		r->pc++;
		break;
	case OP_CELL_END:
		if (!r->last_p)
			S_put(r, "<w:p/>", 6);
		r->pc++;
		break;
	}
}

size_t xh_render_read(xh_render *r, char *dst, size_t cap)
{
	while (r->out.len - r->out_pos < cap && r->pc < r->t->nop) {
		S_step(r);
		if (r->pc == r->t->nop)
			S_rerr_counts(r);
	}
	size_t avail = r->out.len - r->out_pos;
	size_t n = avail < cap ? avail : cap;
	if (n)
		memcpy(dst, r->out.data + r->out_pos, n);
	r->out_pos += n;
	if (r->out_pos == r->out.len)
		r->out.len = r->out_pos = 0;
	else if (r->out_pos > (1u << 20)) {
		memmove(r->out.data, r->out.data + r->out_pos, r->out.len - r->out_pos);
		r->out.len -= r->out_pos;
		r->out_pos = 0;
	}
	return n;
}

/* ------------------------------------------------------------ names */

char *xh_pattern_fill(const char *pattern, const xh_tmpl_opts *opts,
                      const xh_data *d, xh_vref scope, xh_diag *diag,
                      uint64_t key, const char *prefix)
{
	const char *open = opts->open ? opts->open : "{";
	const char *close = opts->close ? opts->close : "}";
	size_t ol = strlen(open), cl = strlen(close);
	xh_buf out = XH_BUF_INIT;
	const char *p = pattern;
	int bad = 0;
	while (*p) {
		const char *o = strstr(p, open);
		if (!o) {
			xh_buf_adds(&out, p);
			break;
		}
		xh_buf_add(&out, p, (size_t)(o - p));
		const char *c = strstr(o + ol, close);
		if (!c) {
			xh_diag_add(diag, key, "--name '%s': a tag is never closed", pattern);
			bad = 1;
			break;
		}
		const char *a = o + ol, *b = c;
		while (a < b && S_is_ws(*a))
			a++;
		while (b > a && S_is_ws(b[-1]))
			b--;
		/* walk the dotted path from the record */
		xh_vref v = scope;
		const char *s = a;
		while (v != XH_NONE && s <= b) {
			const char *q = memchr(s, '.', (size_t)(b - s));
			if (!q)
				q = b;
			v = xh_data_member(d, v, xh_data_sym(d, s, (size_t)(q - s)));
			s = q + 1;
		}
		const xh_val *x = xh_data_val(d, v);
		if (!x || (x->type != XH_STR && x->type != XH_NUM)) {
			xh_diag_add(diag, key, "%s--name: {%.*s}: no value", prefix, (int)(b - a), a);
			bad = 1;
		} else {
			size_t n;
			const char *str = xh_data_str(d, v, &n);
			xh_buf_add(&out, str, n);
		}
		p = c + cl;
	}
	if (bad) {
		xh_buf_free(&out);
		return NULL;
	}
	return xh_buf_detach(&out);
}
