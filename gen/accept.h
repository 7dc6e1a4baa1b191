/*
 * accept.h — acceptance (结项验收) of a programme year: one conclusion per
 * approved project, from its acceptance record and the fund ledger.
 *
 * xh_accept_run() stands on the ledger (ledger.h): the approved projects,
 * their approved, paid and spent amounts and the spending findings are the
 * ledger's, so the acceptance figures are the ledger's figures.  To them it
 * adds the acceptance rules (实施方案 五(五); DOMAIN.md §1.10):
 *
 *   A-01  materials submitted after acceptance_deadline (no rolling over
 *         a weekend); no acceptance record, or no submission date, counts
 *         as not submitted by the deadline                      → 不通过
 *   A-03  tasks 未完成, or not filled in                          → 不通过
 *         tasks 基本完成                         → 通过, finding written out
 *   A-04  finance opinion 不合规, or not filled in                → 不通过
 *         finance opinion 基本合规               → 通过, finding written out
 *         any spending matching a forbidden pattern             → 不通过
 *         spending in a category not allowed or not budgeted, outside the
 *         project's period, beyond what was paid; the unspent balance;
 *         irregular payments                     → findings, written out
 *
 * Nothing is assumed in the society's favour: an empty field is a failed
 * rule (as review.c does).  The panel's own conclusion, when the record
 * has one, stands; where the rules conclude otherwise the disagreement is
 * kept (and reported).  An acceptance record of a project that was not
 * approved is a finding of its own and gets no document.
 *
 * The result borrows the year and the review (both must outlive it) and
 * owns its ledger and strings.
 */
#ifndef XH_ACCEPT_H
#define XH_ACCEPT_H

#include <stdio.h>

#include "ledger.h"
#include "review.h"
#include "stage.h"
#include "util.h"
#include "xh.h"
#include "year.h"

/* Why the rules fail a project (several may be set). */
#define XH_ACC_NO_RECORD 0x01   /* no acceptance record: materials not submitted */
#define XH_ACC_NO_DATE 0x02     /* the record gives no submission date */
#define XH_ACC_LATE 0x04        /* submitted after acceptance_deadline */
#define XH_ACC_TASKS 0x08       /* tasks 未完成 */
#define XH_ACC_TASKS_EMPTY 0x10 /* tasks not filled in */
#define XH_ACC_FINANCE 0x20     /* finance 不合规 */
#define XH_ACC_FIN_EMPTY 0x40   /* finance not filled in */
#define XH_ACC_FORBIDDEN 0x80   /* spending matching a forbidden pattern */

typedef struct xh_accept_project {
	int alloc;             /* index in ledger->alloc (the projects are in its order) */
	int application;       /* index in y->applications */
	int record;            /* index in y->acceptance, or -1 */
	unsigned fail;         /* XH_ACC_* of the rules */
	int rules_pass;        /* the rules' conclusion: 1 通过, 0 不通过 */
	int panel;             /* the record's conclusion: XH_CONC_*, or XH_UNKNOWN */
	int pass;              /* the conclusion that stands */
	int disagree;          /* the panel's differs from the rules' */
	xh_fen forbidden;      /* the amount of forbidden spending */
	size_t nforbidden;
	char **reasons;        /* why the rules fail it (Chinese, one a rule) */
	size_t nreasons;
	char **findings;       /* everything found, failing or not (Chinese) */
	size_t nfindings;
} xh_accept_project;

typedef struct xh_accept {
	const xh_year *y;
	const xh_review *r;
	xh_ledger *l;                /* owned */
	xh_accept_project *p;        /* one per approved project, in the ledger's order */
	size_t np;
	size_t npass, nfail, ndisagree;
	size_t npass_class[XH_NCLASS], nfail_class[XH_NCLASS];
	int *unapproved;             /* acceptance records of projects not approved */
	size_t nunapproved;
	xh_fen approved, disbursed, spent; /* over the approved projects */
} xh_accept;

xh_accept *xh_accept_run(const xh_year *y, const xh_review *r);
void xh_accept_free(xh_accept *a);

/* The rule behind a conclusion, one Chinese sentence. */
const char *xh_accept_rule(int pass);
/* The words of a record's tasks and finance_opinion (XH_TASKS_*, XH_FIN_*):
 * "未填写" for XH_UNKNOWN. */
const char *xh_accept_tasks_name(int v);
const char *xh_accept_finance_name(int v);

/* accept_out.c: the command `xhgen accept DIR -o OUT` (stage.h's
 * xh_stage_cmd): writes OUT/<year>/acceptance/ — a 验收结论书 per approved
 * project, 验收汇总.docx, 验收汇总.xlsx and next year's ineligible.csv —
 * and prints a line per failed project, per disagreement and per record
 * of an unapproved project, then a summary line. */
xh_err xh_accept_cmd(const xh_year *y, const struct xh_review *r, const char *out,
                     FILE *report, xh_stage **keep, xh_diag *diag);

#endif
