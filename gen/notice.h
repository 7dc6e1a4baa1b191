/*
 * notice.h — the publicity notice (公示) of a year's proposed projects
 * (DOMAIN.md §2.2, issue 5): OUT/<year>/notice/公示.docx, filled from the
 * template 公示.docx, and 公示.html, the same notice as one self-contained
 * page for the association's website.
 *
 * The list is the review's selection (拟立项, review.h), grouped by class
 * (A, B, 推广) in ranking order, with subtotals and the total counted in
 * fen.  The publicity period is publicity_working_days working days from
 * publicity_start (day 1 when it is a working day, else the next working
 * day), counted on the year's calendar; a day in a year the calendar does
 * not cover is a data error, never a guess (SCHEMA.md).
 */
#ifndef XH_NOTICE_H
#define XH_NOTICE_H

#include <stdio.h>

#include "fmt.h"
#include "review.h"
#include "stage.h"
#include "util.h"
#include "xh.h"
#include "year.h"

/* The publicity period of y: *start is publicity_start, or the next
 * working day when it is not one (*moved set, *why the calendar's note or
 * the weekday, a new string the caller frees; NULL when not moved); *end
 * the n-th working day counted from *start inclusively.  XH_EDATA with
 * the reason in diag when publicity_start is missing or a day falls in a
 * year the calendar has no rows for. */
xh_err xh_notice_period(const xh_year *y, xh_date *start, xh_date *end, int *moved, char **why,
                        xh_diag *diag);

/* `xhgen notice DIR -o OUT` (an xh_stage_cmd, stage.h): writes
 * OUT/<year>/notice/公示.docx and 公示.html and one report line (two when
 * the start was moved) to report. */
xh_err xh_notice_write(const xh_year *y, const xh_review *r, const char *out, FILE *report,
                       xh_stage **keep, xh_diag *diag);

#endif
