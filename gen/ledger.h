/*
 * ledger.h — the fund ledger of a year (资金台账): allocations, payments,
 * spending, and the spending rules of the seed (实施方案 五(三)(四)).
 *
 * xh_ledger_run() works out who was approved how much (the 党组会's
 * decisions where the year has them, else the review's proposed list),
 * what was paid and spent, and flags every payment and expense that
 * breaks a rule; ledger_out.c writes the workbook 资金台账.xlsx.  Findings
 * are results, not errors: the command exits 0 with them.
 *
 * The ledger borrows the year and the review (both must outlive it) and
 * owns everything else.
 */
#ifndef XH_LEDGER_H
#define XH_LEDGER_H

#include <stdio.h>

#include "review.h"
#include "util.h"
#include "xh.h"
#include "year.h"

/* Flags of an expenditure (several may be set). */
#define XH_EXP_FORBIDDEN 0x01    /* matches a forbidden-spending pattern */
#define XH_EXP_CATEGORY 0x02     /* category not in allowed_categories */
#define XH_EXP_UNBUDGETED 0x04   /* category not in the project's budget lines */
#define XH_EXP_OUTSIDE 0x08      /* dated outside the project's period */
#define XH_EXP_OVERSPENT 0x10    /* takes the project's spending beyond what was paid */
#define XH_EXP_UNAPPROVED 0x20   /* the project was not approved */

/* Flags of a disbursement. */
#define XH_DIS_REPEATED 0x01     /* not the project's first payment (the seed pays once) */
#define XH_DIS_OVERPAID 0x02     /* takes the payments beyond the approved amount */
#define XH_DIS_UNAPPROVED 0x04   /* the project was not approved */

typedef struct xh_category_sum {
	char *category;
	xh_fen budget;               /* from the budget lines */
	xh_fen spent;
} xh_category_sum;

typedef struct xh_allocation {
	int application;             /* index in y->applications */
	int from_decision;           /* 1: a decisions row, 0: the review's proposal */
	xh_fen requested, approved, disbursed, spent;
	int payments;
	xh_category_sum *cats;       /* budget categories first, then unbudgeted ones */
	size_t ncats;
} xh_allocation;

typedef struct xh_ledger {
	const xh_year *y;
	const xh_review *r;
	xh_allocation *alloc;        /* approved projects: by class, then rank/id */
	size_t nalloc;
	int *alloc_of;               /* by application: index in alloc, or -1 */
	unsigned *exp_flags;         /* by expenditure */
	char **exp_reason;           /* by expenditure: NULL when it broke no rule */
	unsigned *dis_flags;         /* by disbursement */
	char **dis_reason;           /* by disbursement: NULL when fine */
	size_t nexceptions;          /* flagged expenditures + flagged disbursements */
	xh_fen approved_total, disbursed_total, spent_total;
	xh_fen approved_class[XH_NCLASS];
} xh_ledger;

xh_ledger *xh_ledger_run(const xh_year *y, const xh_review *r);
void xh_ledger_free(xh_ledger *l);

/* ledger_out.c: writes OUT/<year>/ledger/资金台账.xlsx (temporary name, then
 * renamed) and prints the exceptions, one line each, to report. */
typedef struct xh_stage xh_stage;
xh_err xh_ledger_write(const xh_ledger *l, const char *outdir, FILE *report, xh_stage **keep,
                       xh_diag *diag);

#endif
