/*
 * opc.h — the DOCX package (Open Packaging Conventions) over libzip.
 *
 * A DOCX is a zip of parts.  The ones the engine fills are found through
 * the relationships, not by name:
 *
 *   _rels/.rels                     officeDocument -> word/document.xml
 *   word/_rels/document.xml.rels    header*, footer*, footnotes, endnotes
 *   [Content_Types].xml, word/styles.xml, media, …   copied unchanged
 *
 * Opening checks what an untrusted template could abuse: entry count,
 * total and per-part uncompressed size, compression ratio, and entry
 * names that are absolute or climb out with "..".
 */
#ifndef XH_OPC_H
#define XH_OPC_H

#include <zip.h>

#include "util.h"

typedef struct xh_pkg xh_pkg;

/* Opens and checks a template package; NULL with reasons in diag. */
xh_pkg *xh_pkg_open(const char *path, xh_diag *diag);
void xh_pkg_close(xh_pkg *p);
/* A fresh read-only handle on the same file (one per thread). */
zip_t *xh_pkg_reopen(const xh_pkg *p);
zip_t *xh_pkg_zip(const xh_pkg *p);
const char *xh_pkg_path(const xh_pkg *p);
zip_int64_t xh_pkg_count(const xh_pkg *p);
/* Reads a whole entry (bounded by the package limits) into out. */
int xh_pkg_read(const xh_pkg *p, const char *name, xh_buf *out, xh_diag *diag);
/* A new empty zip written to memory, with *mem its source, kept past
 * zip_close for xh_zip_source_bytes (the caller frees it with
 * zip_source_free).  NULL when libzip fails, with its reason in *why (a new
 * string, the caller's to free). */
zip_t *xh_zip_mem_open(zip_source_t **mem, char **why);
/* The bytes of src (a zip written to memory, after zip_close and with
 * zip_source_keep) into out, replacing what it held: 0, or -1 with out
 * empty. */
int xh_zip_source_bytes(zip_source_t *src, xh_buf *out);
/* The parts that may hold tags, in message order (headers, the main
 * document, footers, footnotes, endnotes).  The array and the strings are
 * the caller's to free. */
char **xh_pkg_template_parts(const xh_pkg *p, size_t *n, xh_diag *diag);

#endif
