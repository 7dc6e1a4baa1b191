/*
 * tmpl.h — the template engine on one WordprocessingML part.
 *
 * A part is compiled once into a program and rendered any number of times:
 *
 *   lex      libxml2 (SAX2) reads the part into a flat token list: XML
 *            tags as bytes ready to copy, and the text of every w:t;
 *   tags     delimiters are found in the concatenated w:t text (so a tag
 *            may span runs and paragraphs), and each tag's text is moved
 *            into the w:t where it starts (its value takes that run's
 *            formatting);
 *   pair     sections are paired and expanded to their span: inline, the
 *            table row(s) when {#x} and {/x} sit in different cells, or
 *            whole paragraphs when each tag stands alone in its paragraph
 *            (docxtemplater's paragraphLoop);
 *   compile  the token list becomes ops: literal bytes, values, sections;
 *   render   a small non-recursive interpreter runs the ops against a data
 *            set and hands out bytes in chunks, so a 100,000-row table is
 *            deflated while it is produced, never held whole in memory.
 *
 * Ownership: xh_tmpl_compile() returns a template the caller frees with
 * xh_tmpl_free(); a template is read-only once compiled and can be
 * rendered from several threads at once, each with its own xh_render.
 */
#ifndef XH_TMPL_H
#define XH_TMPL_H

#include <stdio.h>

#include "data.h"
#include "util.h"

typedef struct xh_tmpl_opts {
	const char *open, *close; /* delimiters, "{" and "}" by default */
	int allow_missing;        /* a missing value renders empty */
} xh_tmpl_opts;

typedef struct xh_tmpl xh_tmpl;
typedef struct xh_render xh_render;

/* Compiles one part.  where names the part in messages ("t.docx:
 * word/document.xml").  Returns NULL when the part has template errors, all
 * of them added to diag. */
xh_tmpl *xh_tmpl_compile(const char *xml, size_t n, const char *where,
                         const xh_tmpl_opts *opts, xh_diag *diag);
void xh_tmpl_free(xh_tmpl *t);
/* Number of tags in the part; 0 means it can be copied unchanged. */
size_t xh_tmpl_ntags(const xh_tmpl *t);
/* Calls fn for every tag but {.}, in order, with its kind (0 a value, 1 a
 * section's start, 2 its end), paragraph, the tag as written and the first
 * segment of its name ("amount" of {amount | yuan}, "a" of {a.b}). */
void xh_tmpl_names(const xh_tmpl *t,
                   void (*fn)(void *ud, int kind, uint32_t para, const char *tag, const char *name),
                   void *ud);
/* Lists the tags: "PART<TAB>paragraph N<TAB>KIND<TAB>{tag}" per line. */
void xh_tmpl_list(const xh_tmpl *t, const char *part, FILE *out);

/* Binds the template's names to a data set's symbols; the binding lives
 * as long as both do and is freed with xh_bind_free(). */
typedef struct xh_bind xh_bind;
xh_bind *xh_bind_new(const xh_tmpl *t, const xh_data *d);
void xh_bind_free(xh_bind *b);

/* A render of t with scope as the root data value.  Errors (missing values,
 * control characters) go to diag, each line prefixed with prefix and keyed
 * with key. */
xh_render *xh_render_new(const xh_tmpl *t, const xh_data *d, const xh_bind *b,
                         xh_vref scope, xh_diag *diag, uint64_t key,
                         const char *prefix);
/* Copies up to cap bytes of output into dst; returns how many, 0 at the
 * end.  After an error it produces nothing more but keeps evaluating, so
 * that every error of the document is reported. */
size_t xh_render_read(xh_render *r, char *dst, size_t cap);
int xh_render_failed(const xh_render *r);
void xh_render_free(xh_render *r);

/* Fills a {name} pattern (merge --name) from one record; returns a new
 * string, or NULL with the reason in diag. */
char *xh_pattern_fill(const char *pattern, const xh_tmpl_opts *opts,
                      const xh_data *d, xh_vref scope, xh_diag *diag,
                      uint64_t key, const char *prefix);

#endif
