/*
 * init.h — `xhgen init DIR --year YEAR`: a new, empty programme year
 * folder that staff fill in.
 *
 * It holds programme.xml with the year's dates, the seed's caps,
 * categories and forbidden spending (the defaults of SCHEMA.md, each
 * commented), and one file per record type with its header row of
 * Chinese labels (schema.h), so that staff start from the right columns:
 * CSV (UTF-8 with BOM, which Excel and WPS open as Chinese) or XLSX with
 * the enum and yes/no columns as drop-down lists and the date and money
 * columns formatted.  `decisions` is left out: a year without it uses the
 * review's selection, and an empty one would approve nothing.
 *
 * The folder is built beside DIR under a temporary name and renamed into
 * place when complete; DIR must not exist or be empty, so nothing staff
 * wrote is ever overwritten.
 */
#ifndef XH_INIT_H
#define XH_INIT_H

#include <stdio.h>

#include "util.h"
#include "xh.h"

/* Creates the year folder dir for year; xlsx selects the record files'
 * form.  Lists what it wrote on report. */
xh_err xh_init_year(const char *dir, int year, int xlsx, FILE *report, xh_diag *diag);

#endif
