/*
 * docx.h — a compiled DOCX template, filled into whole packages.
 *
 * xh_doc_compile() opens a template once and compiles every part that can
 * hold tags; xh_doc_fill() writes one document, xh_doc_merge() one per
 * record on several threads.  Parts without tags are copied into the
 * output still compressed; filled parts are deflated while they are
 * rendered.  Every entry gets the same fixed timestamp, in the template's
 * order, so the same inputs give byte-identical files.
 *
 * Output is all or nothing: a document is written under a temporary name
 * and renamed when complete; a merge renames its documents only when every
 * one of them rendered.
 */
#ifndef XH_DOCX_H
#define XH_DOCX_H

#include <stdio.h>

#include "data.h"
#include "tmpl.h"
#include "util.h"
#include "xh.h"

typedef struct xh_doc xh_doc;

/* A custom document property (docProps/custom.xml), a string. */
typedef struct xh_prop {
	const char *name;
	const char *value;
} xh_prop;

xh_doc *xh_doc_compile(const char *path, const xh_tmpl_opts *opts, xh_diag *diag);
void xh_doc_free(xh_doc *doc);
void xh_doc_list(const xh_doc *doc, FILE *out);
/* Every tag of every part (xh_tmpl_names): part() is called with each
 * part's name before its tags. */
void xh_doc_names(const xh_doc *doc,
                  void (*fn)(void *ud, int kind, uint32_t para, const char *tag, const char *name),
                  void *ud,
                  void (*part)(void *ud, const char *name));

/* Fills doc from the root of data into the file out. */
xh_err xh_doc_fill(const xh_doc *doc, const xh_data *data, const char *out,
                   xh_diag *diag);

/* Fills doc from the root of data into memory: out gets the package's
 * bytes (replacing what it held).  props are written as custom document
 * properties; the template's own custom properties stay, except one of the
 * same name, which props replace.  Returns XH_EDATA with the reasons in
 * diag when the data does not fit the template.
 *
 * docProps/custom.xml then holds the template's remaining properties (their
 * value types kept), then props as strings (vt:lpwstr), pid from 2 up;
 * names compare without regard to case, as Word does, and of two props of
 * one name the later wins.  The part takes the place of the template's, or
 * comes last; its content type and package relationship are added when
 * the template lacks them (prepared once, by xh_doc_compile).  A name or
 * value with a control character or bad UTF-8 is XH_EDATA.  With nprops 0
 * the package is what xh_doc_fill() writes.  One thread at a time per doc,
 * as xh_doc_fill(). */
xh_err xh_doc_render(const xh_doc *doc, const xh_data *data, const xh_prop *props,
                     size_t nprops, xh_buf *out, xh_diag *diag);
/* The template file's path and its SHA-256. */
const char *xh_doc_path(const xh_doc *doc);
const char *xh_doc_sha256(const xh_doc *doc);
/* One document per record of data into dir, named by pattern ('{name}.docx')
 * filled from the record; jobs threads (0: one per core).  label names the
 * data file in messages. */
xh_err xh_doc_merge(const xh_doc *doc, const xh_data *data, const char *label,
                    const char *dir, const char *pattern, int jobs,
                    xh_diag *diag, size_t *written);

/* The same over the rows of a CSV or XLSX file, read as they are rendered:
 * memory holds a batch of rows and the file names, never the file. */
xh_err xh_doc_merge_rows(const xh_doc *doc, const char *path, const char *dir,
                         const char *pattern, int jobs, xh_diag *diag, size_t *written);

#endif
