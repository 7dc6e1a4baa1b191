/*
 * pack.h — the application pack of a year (`xhgen pack DIR -o OUT`).
 *
 * For every society that may apply this year (xh_review_society_eligible:
 * only the veto items exclude, 实施方案 四(二)5) one 项目申报书 is filled
 * from templates/项目申报书.docx with the society's registered data; the
 * parts the society writes are content controls (w:sdt) with stable tags
 * that a later `collect` reads back.  Beside the forms: 申报须知.docx from
 * templates/申报须知.docx (the year's settings of programme.xml) and
 * <year>年度申报材料.zip holding all of them, for mailing.  Everything goes
 * to OUT/<year>/pack/ through one stage (stage.h): all or nothing.
 *
 * Each form carries custom document properties: the stage's provenance
 * (xhgen.year, xhgen.record = the society's id, the inputs' and the
 * template's SHA-256, …) and
 *   xhgen.society      the society's id
 *   xhgen.application  "<year>-<society id>", the application it becomes
 *   xhgen.pack_sha256  SHA-256 over the form template's SHA-256, the 须知
 *                      template's SHA-256 and the year's inputs SHA-256
 *                      (the three lowercase hex digests concatenated): it
 *                      names the pack a returned form came from.  A form
 *                      cannot carry the hash of the zip that holds it.
 * The 须知 carries the provenance and xhgen.pack_sha256.
 *
 * Societies without a form are reported, one line each with the vetoes
 * that apply, then one summary line.
 */
#ifndef XH_PACK_H
#define XH_PACK_H

#include <stdio.h>

#include "stage.h"

/* The pack stage: an xh_stage_cmd (see stage.h).  A society whose name
 * cannot be a file name is a data error naming the societies file and
 * row; then nothing is written. */
xh_err xh_pack_write(const xh_year *y, const struct xh_review *r, const char *out, FILE *report,
                     xh_stage **keep, xh_diag *diag);

#endif
