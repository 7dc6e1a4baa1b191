/*
 * schema.h — the record types of a programme year (SCHEMA.md) as data.
 *
 * Each record type is one file (NAME.csv, NAME.xlsx or NAME.xml) whose
 * columns are named by English id or Chinese label.  The tables here are
 * the one place that knows the fields; the checker (check.c), the data
 * model's header mapping (data.c) and later the rules read them.
 */
#ifndef XH_SCHEMA_H
#define XH_SCHEMA_H

#include <stddef.h>

typedef enum xh_ftype {
	XH_F_TEXT,
	XH_F_INT,
	XH_F_MONEY,
	XH_F_DATE,
	XH_F_BOOL,
	XH_F_ENUM,
	XH_F_SCORE,   /* 0–100 with at most one decimal */
	XH_F_YEAR,    /* a four-digit year, 1900–2999 */
} xh_ftype;

/* Field flags. */
#define XH_F_REQUIRED 0x01 /* the column must exist and every cell hold a value */
#define XH_F_UNIQUE 0x02   /* no two rows share the value */
#define XH_F_CREDIT 0x04   /* GB 32100 unified social credit code */
#define XH_F_PHONE 0x08    /* mobile or landline */
#define XH_F_EMAIL 0x10

typedef struct xh_field {
	const char *id;      /* English id, as templates use it */
	const char *label;   /* Chinese label, as staff's headers use it */
	xh_ftype type;
	unsigned flags;
	const char *const *words; /* XH_F_ENUM: the accepted words, NULL-ended */
	int min, max;        /* XH_F_INT: range when min < max */
	const char *ref;     /* the record type this field's value must name */
} xh_field;

typedef struct xh_rtype {
	const char *name;    /* file stem: "societies" */
	const char *label;   /* 学会名录 */
	const xh_field *fields;
	size_t nfields;
	const char *key;     /* the field others refer to ("id"), or NULL */
} xh_rtype;

/* All record types, in the order they must be read (referenced types
 * first); *n receives the count. */
const xh_rtype *xh_schema_types(size_t *n);
/* The record type of a file stem ("applications"), or NULL. */
const xh_rtype *xh_schema_type(const char *name);
/* The field a header names (English id, any case, or Chinese label), or
 * NULL for an unknown column. */
const xh_field *xh_schema_field(const xh_rtype *t, const char *header);
/* The file of record type `name` in the year folder dir: dir/NAME.csv,
 * .xlsx or .xml, the first that exists (a new string), or NULL.  *forms
 * receives how many of the three exist (more than one is the checker's
 * error: which would win is not ours to guess); second, when not NULL,
 * the path of the second one found. */
char *xh_schema_file(const char *dir, const char *name, int *forms, char **second);
/* "amount (申请金额)" for messages. */
const char *xh_schema_type_name(xh_ftype t);

#endif
