/*
 * check.h — `xhgen check DIR`: validates a programme year folder.
 *
 * Reads programme.xml and every record file of SCHEMA.md that is there
 * (societies is required), checks every value against its type and every
 * reference and unique key across files, and adds one diagnostic per
 * problem.  Nothing is written.  report (may be NULL) receives one line
 * per file read.
 */
#ifndef XH_CHECK_H
#define XH_CHECK_H

#include <stdio.h>

#include "util.h"
#include "xh.h"

xh_err xh_check_year(const char *dir, xh_diag *diag, FILE *report, size_t *nerr);

#endif
