/*
 * review.h — formal review (形式审查), eligibility and selection of a year.
 *
 * xh_review_run() applies every rule of rules.c to every application and
 * then selects from the expert scores: a result a person can audit, each
 * verdict with its reason, every number reproducible from the year folder.
 * review_out.c writes it: 形式审查.xlsx, 拟立项名单.csv and a text report.
 *
 * The review owns its findings and strings; it borrows the year, which
 * must outlive it.
 */
#ifndef XH_REVIEW_H
#define XH_REVIEW_H

#include <stdio.h>

#include "util.h"
#include "xh.h"
#include "year.h"

typedef enum xh_verdict {
	XH_V_PASS,  /* 通过 */
	XH_V_WARN,  /* 提示: passes, with a note (an amount above the cap) */
	XH_V_FAIL,  /* 不通过 */
	XH_V_VETO,  /* 一票否决 */
} xh_verdict;

typedef struct xh_rule {
	const char *id;      /* stable: "E-02", "V-1", "P-03" */
	const char *title;   /* Chinese, as the workbook's column header: "党组织" */
	const char *clause;  /* the seed's clause: "实施方案 四(二)1" */
	const char *fields;  /* what it reads: "societies.party_org" */
	const char *rule;    /* the rule in one Chinese sentence */
} xh_rule;

/* All rules, in the workbook's column order. */
const xh_rule *xh_rules(size_t *n);

typedef struct xh_finding {
	xh_verdict v;
	char *reason;        /* Chinese, for the workbook; "" when it simply passed */
} xh_finding;

typedef enum xh_selection {
	XH_SEL_PROPOSED,     /* 拟立项 */
	XH_SEL_REVIEW,       /* 形式审查未通过 (a fail or a veto) */
	XH_SEL_FEW_SCORES,   /* fewer than min_experts scores */
	XH_SEL_LOW_SCORE,    /* mean below pass_score */
	XH_SEL_BUDGET,       /* passed and scored, but the budget ran out */
} xh_selection;

typedef struct xh_app_result {
	xh_verdict overall;  /* the worst finding: PASS, WARN, FAIL or VETO */
	int nscores;
	long score_sum;      /* tenths */
	int mean_hundredths; /* the mean, rounded half up to 0.01, for display */
	int key_industry;    /* the society serves one of the key industries */
	xh_selection sel;
	int rank;            /* 1… among the scored applications that passed, 0 otherwise */
	xh_fen proposed;     /* the amount proposed (capped), 0 when not proposed */
	xh_fen running;      /* the running total of proposed amounts after this one */
	xh_fen shortfall;    /* XH_SEL_BUDGET: what was missing */
	char *note;          /* why it was not proposed, or the cap note; "" otherwise */
} xh_app_result;

typedef struct xh_review {
	const xh_year *y;
	size_t nrules;
	const xh_rule *rules;
	xh_finding *f;        /* [application * nrules + rule] */
	xh_app_result *app;   /* by application */
	int *order;           /* applications in ranking order: ranked ones first by rank,
	                         then the others by id */
	xh_fen proposed_total;
	xh_fen proposed_class[XH_NCLASS];
} xh_review;

/* Applies the rules and selects. */
xh_review *xh_review_run(const xh_year *y);
void xh_review_free(xh_review *r);
const char *xh_verdict_name(xh_verdict v);     /* 通过, 提示, 不通过, 一票否决 */
const char *xh_selection_name(xh_selection s); /* 拟立项, … */

/* Is society i eligible to apply this year?  Applies the society's rules
 * (V-0 … V-4 and the other society rules) and counts only the vetoes, as
 * the pack does (实施方案 四(二)5): 1 when none applies, else 0 with *why
 * (when why is not NULL) a new string naming each veto and its reason. */
int xh_review_society_eligible(const xh_year *y, size_t i, char **why);
/* review_out.c: writes OUT/<year>/review/形式审查.xlsx and 拟立项名单.csv
 * as one stage (stage.h: both complete before the folder is put in place)
 * and the text report to report.  With keep, the committed stage is handed
 * back (run's manifest). */
typedef struct xh_stage xh_stage;
xh_err xh_review_write(const xh_review *r, const char *outdir, FILE *report, xh_stage **keep,
                       xh_diag *diag);

#endif
