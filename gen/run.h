/*
 * run.h — `xhgen run DIR -o OUT`: the whole programme year in one command.
 *
 * The stages run in the order of the year (check, pack, review, notice,
 * ledger, accept) over one loaded, validated year and one review, each
 * writing its own folder OUT/<year>/<stage>/ as the single commands do
 * (SCHEMA.md "Output of a year": run gives the same files as the commands
 * one by one).  A stage that fails stops the run; what earlier stages
 * committed stays, and the failed stage's previous output is untouched.
 *
 * Then run reads its outputs back with xhgen's own readers and reconciles
 * them: the notice's projects and total against the review's proposed
 * list, the ledger's approved amounts against the decisions or the
 * proposals, the acceptance summary's approved, paid and spent money
 * against the ledger.  A mismatch is a failure of xhgen (exit 3), never a
 * warning.  Last it writes OUT/<year>/manifest.csv: every input with its
 * SHA-256, every output with its SHA-256, size and the inputs it came
 * from; and OUT/<year>/run-report.txt, the findings of every stage.
 */
#ifndef XH_RUN_H
#define XH_RUN_H

#include <stdio.h>

#include "stage.h"
#include "util.h"
#include "xh.h"

/* A stage of the year: its folder name, the records it needs beyond the
 * basic ones (XH_YEAR_*), and the command. */
typedef struct xh_run_stage {
	const char *name;
	const char *title;   /* 申报材料, 形式审查, … for the run's lines */
	unsigned what;
	xh_stage_cmd fn;
} xh_run_stage;

/* The stages in the order run runs them (after check). */
const xh_run_stage *xh_run_stages(size_t *n);

typedef struct xh_run_opts {
	int pdf;       /* also convert every DOCX with LibreOffice into OUT/<year>/pdf/ */
	int progress;  /* draw a progress line on stderr (a terminal) */
} xh_run_opts;

/* The LibreOffice executable on PATH (soffice or libreoffice), a new
 * string, or NULL. */
char *xh_run_soffice(void);

/* `xhgen verify DIR -o OUT`: the reconciliation of run alone, over what
 * is in OUT/<year>/ now (a folder copied, mailed or edited since).  XH_OK,
 * or XH_ESYS with every mismatch in diag. */
xh_err xh_run_verify(const char *dir, const char *out, FILE *report, xh_diag *diag);

xh_err xh_run_year(const char *dir, const char *out, const xh_run_opts *o, FILE *report,
                   xh_diag *diag);

#endif
