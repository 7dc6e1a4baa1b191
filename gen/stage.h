/*
 * stage.h — what every stage of a programme year shares (pack, review,
 * notice, ledger, accept): where its templates come from, where its
 * outputs go, and the provenance every output carries.
 *
 * A stage writes into OUT/<year>/<name>/ (SCHEMA.md "Output of a year"),
 * a folder that belongs to it.  Every file goes first into a hidden folder
 * beside it, OUT/<year>/.<name>.xhgen-PID/; nothing of the earlier output
 * is touched until xh_stage_commit(), which syncs the new files once and
 * exchanges the two folders in one step (renameat2 RENAME_EXCHANGE), so
 * that the stage's folder holds the earlier complete output or the new
 * one at every instant, even under SIGKILL; what an earlier run wrote and
 * this one did not (a society no longer eligible) goes with the old
 * folder.  A stage freed without a commit removes its hidden folder; the
 * next stage of the same name removes what a killed run left
 * (CONVENTIONS.md "Files").
 *
 * Templates are looked up in DIR/templates/ (staff-edited copies), then in
 * $XHGEN_TEMPLATES, then in the installed share folder, then in the
 * checkout's templates/ beside the executable.
 *
 * Provenance: every DOCX a stage writes carries custom document properties
 *   xhgen.version          XH_VERSION
 *   xhgen.year             the programme year
 *   xhgen.stage            "pack", "notice", …
 *   xhgen.record           the source record's id ("" for a document of the
 *                          whole year)
 *   xhgen.inputs_sha256    SHA-256 over the year's input files (their names
 *                          and SHA-256, in a fixed order)
 *   xhgen.template         the template's file name
 *   xhgen.template_sha256  the template file's SHA-256
 * plus what the caller adds (the pack marker), in this order (a later
 * property of the same name replaces an earlier one).  Every XLSX gets the
 * same but the template's two through xh_stage_props().
 *
 * The stage keeps the list of what it wrote (name, SHA-256, size) for the
 * manifest of `xhgen run`.
 */
#ifndef XH_STAGE_H
#define XH_STAGE_H

#include <stddef.h>
#include <stdio.h>

#include "docx.h"
#include "hash.h"
#include "util.h"
#include "xh.h"
#include "year.h"

typedef struct xh_stage xh_stage;

typedef struct xh_stage_file {
	char *name;                 /* file name inside the stage folder */
	char sha256[XH_SHA256_HEX];
	unsigned long long size;
	char *template_name;        /* the template it was filled from, or NULL */
	char template_sha256[XH_SHA256_HEX]; /* that template file's, or "" */
} xh_stage_file;

/* Starts stage `name` of year y under out: creates OUT/<year>/<name>/ and
 * removes temporaries a killed earlier run left there.  NULL (with the
 * reason in diag) when the folder cannot be made (XH_ESYS).  The inputs'
 * hash is the year's (y->inputs_sha256, xh_year_hash_inputs).  y must
 * outlive the stage. */
xh_stage *xh_stage_begin(const xh_year *y, const char *out, const char *name, xh_diag *diag);
/* Renames everything written into place, removes the plain files that are
 * not hidden and that this run did not write (the folder is the stage's;
 * hidden files and subfolders stay), syncs once; XH_ESYS when that fails. */
xh_err xh_stage_commit(xh_stage *s, xh_diag *diag);
/* Frees the stage; without a commit, its temporaries are removed. */
void xh_stage_free(xh_stage *s);

/* OUT/<year>/<name> */
const char *xh_stage_dir(const xh_stage *s);
/* The SHA-256 over the year's inputs (see above). */
const char *xh_stage_inputs_sha256(const xh_stage *s);

/* Finds template `file` ("公示.docx") as above and compiles it; NULL with
 * the reasons (or "template F not found; looked in …" listing the places):
 * a data error, exit 1.  The first place that has the file wins, even when
 * that file is broken.  The caller frees it with xh_doc_free(). */
xh_doc *xh_stage_template(xh_stage *s, const char *file, xh_diag *diag);

/* Fills doc (a template from xh_stage_template) with data's root into the
 * stage file `name`, with the provenance properties for record (the source
 * record's id, or "" for a document of the whole year) and nextra more.
 * `name` comes from data (a society's name): it is refused as a data error
 * when xh_stage_bad_name() refuses it, when it starts with a dot, or when
 * the stage has written that name already.  The same holds for the names
 * of xh_stage_bytes() and xh_stage_tmp() (which returns NULL). */
xh_err xh_stage_docx(xh_stage *s, const xh_doc *doc, const char *name, const xh_data *data,
                     const char *record, const xh_prop *extra, size_t nextra, xh_diag *diag);
/* Writes n bytes as the stage file `name` (a CSV, an HTML page, a zip). */
xh_err xh_stage_bytes(xh_stage *s, const char *name, const void *p, size_t n, xh_diag *diag);
/* For a file a library writes itself (libxlsxwriter): the temporary path
 * to give it, owned by the stage.  Call xh_stage_done() when the library
 * has closed the file successfully. */
const char *xh_stage_tmp(xh_stage *s, const char *name);
xh_err xh_stage_done(xh_stage *s, const char *name, xh_diag *diag);
/* The provenance properties of a workbook, for
 * workbook_set_custom_property_string(); n gets the count.  The array and
 * its strings belong to the stage. */
const xh_prop *xh_stage_props(xh_stage *s, const char *record, size_t *n);

/* The bytes of the document the last successful xh_stage_docx() wrote
 * (for a copy into a zip without rendering it again); valid until the
 * next call on s. */
const xh_buf *xh_stage_last_docx(const xh_stage *s);

/* What has been written so far, in the order written; the stage owns it. */
const xh_stage_file *xh_stage_files(const xh_stage *s, size_t *n);

/* The signature of a year command that writes documents (pack, notice,
 * accept; main.c's table runs them): y is loaded with what the command
 * asked for, r is the review of y (selection and eligibility).  Writes its
 * outputs under out and one line per finding a person must see to report
 * (stdout).  With keep set, the committed stage is handed back to the
 * caller (run's manifest) instead of freed. */
struct xh_review;
typedef xh_err (*xh_stage_cmd)(const xh_year *y, const struct xh_review *r, const char *out,
                               FILE *report, xh_stage **keep, xh_diag *diag);

/* Progress: fn (when not NULL) is called after every file a stage has
 * written, with the stage's name and its count of files so far.  One
 * hook for the process (run's progress bar); stages never print. */
void xh_stage_on_file(void (*fn)(void *ud, const char *stage, size_t nfiles), void *ud);

/* A file name from data: NULL when it is fine, else why not ("contains
 * a slash", …): empty, '/', '\\', "..", a control character, not UTF-8,
 * longer than 255 bytes. */
const char *xh_stage_bad_name(const char *name);

/* What stages and xh_doc_merge() share about temporaries. */
/* DIR/.xhgen-PID-I.tmp, a new string: the I-th temporary of this process. */
char *xh_stage_tmpname(const char *dir, size_t i);
/* Removes the temporaries in dir of processes that are gone (a killed
 * run): complete files that never got their names. */
void xh_stage_remove_stale(const char *dir);
/* XHGEN_STOP_AFTER=N: SIGKILL this process right after the N-th output file
 * is complete under its temporary name (kill tests). */
void xh_stage_stop_point(void);

#endif
