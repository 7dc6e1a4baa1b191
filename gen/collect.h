/*
 * collect.h — `xhgen collect FORMS_DIR -o DIR`: the returned 项目申报书
 * read back into the year's records (issue 9).
 *
 * Every .docx of FORMS_DIR (not recursive, in byte order of the names) is
 * opened as an untrusted package (opc.h limits), its pack marker read from
 * docProps/custom.xml (xhgen.year, xhgen.society, xhgen.application, put
 * there by `xhgen pack`) and its fields from the content controls tagged
 * "xh:<field id>" in word/document.xml: the applications fields of
 * SCHEMA.md (xh:title, xh:class, xh:amount, xh:start, xh:end, xh:summary,
 * xh:goals) and the budget table (xh:budget.category, .amount, .note and
 * xh:budget.total).  Values go through the grammar of fmt.h.
 *
 * What a form's text is: w:t in document order, w:del/w:moveFrom dropped,
 * w:ins/w:moveTo kept, w:tab a TAB, w:br/w:cr and paragraphs a newline; a
 * control showing its placeholder (w:showingPlcHdr, or the template's
 * placeholder text: LibreOffice drops the flag) is empty.
 *
 * A form with gaps is a finding, not an error: it is listed in
 * DIR/collect-report.csv (one row per file) and on stderr, and only
 * complete, valid forms from this year's pack are merged into
 * DIR/applications.csv and DIR/budget_lines.csv: existing rows and
 * columns are kept, a row with the same application id is updated (its
 * budget lines replaced), new ones are added at the end.  All files are
 * written beside their final names and renamed at the end.
 */
#ifndef XH_COLLECT_H
#define XH_COLLECT_H

#include <stdio.h>

#include "util.h"
#include "xh.h"

/* Collects the forms of forms_dir into the year folder dir.  report gets
 * one line per form and the changes (added, updated: old → new) and a
 * summary; diag gets one line per problem found in a form (findings: the
 * result stays XH_OK) and the errors of a bad year folder (XH_EDATA:
 * nothing written) or of writing (XH_ESYS).  With dry_run nothing is
 * written. */
xh_err xh_collect(const char *forms_dir, const char *dir, int dry_run, FILE *report,
                  xh_diag *diag);

#endif
