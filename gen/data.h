/*
 * data.h — the data model that templates are filled from.
 *
 * One xh_data owns every value of a data set in three flat arrays (an
 * arena): the values, the member keys and the string bytes.  A value is a
 * 12-byte xh_val; lists and objects refer to a contiguous run of child
 * values, so a 1,000-record merge file is a handful of allocations, not a
 * tree of millions of nodes.  Object keys are interned as symbols (small
 * integers), so a lookup compares integers.
 *
 * Readers (JSON through yajl's event API, XML through libxml2, and later
 * CSV and XLSX) all fill the same model.  Values are referred to by
 * xh_vref, an index; XH_NONE means "no value".  Nothing here is freed
 * piecemeal: xh_data_free() releases the whole set.
 */
#ifndef XH_DATA_H
#define XH_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "rows.h"
#include "util.h"

typedef enum xh_vtype {
	XH_NULL,
	XH_BOOL,   /* len: 0 or 1 */
	XH_NUM,    /* the number's text as written (JSON) */
	XH_STR,    /* off/len into the string arena */
	XH_LIST,   /* off: first child value, len: count */
	XH_OBJ,    /* off: first member value, len: count; keys parallel */
} xh_vtype;

typedef uint32_t xh_vref;
#define XH_NONE UINT32_MAX

typedef struct xh_val {
	uint8_t type;
	uint32_t len;
	uint32_t off;
} xh_val;

typedef struct xh_data xh_data;

/* Loads FILE by its extension (.json or .xml).  On failure returns NULL
 * and adds the reasons to diag, each naming the file and position. */
xh_data *xh_data_load(const char *path, xh_diag *diag);
/* The same from memory; fmt is "json" or "xml"; name is used in messages. */
xh_data *xh_data_parse(const char *fmt, const char *bytes, size_t n,
                       const char *name, xh_diag *diag);
void xh_data_free(xh_data *d);

xh_vref xh_data_root(const xh_data *d);
const xh_val *xh_data_val(const xh_data *d, xh_vref v);
const char *xh_data_str(const xh_data *d, xh_vref v, size_t *len);
/* Symbol of a key in this data set, or 0 when no object uses that key. */
uint32_t xh_data_sym(const xh_data *d, const char *key, size_t len);
/* The member of object v with symbol sym, or XH_NONE. */
xh_vref xh_data_member(const xh_data *d, xh_vref v, uint32_t sym);
/* The i-th child of a list or the i-th member of an object. */
xh_vref xh_data_child(const xh_data *d, xh_vref v, uint32_t i);
/* docxtemplater's truthiness: false for null, false, 0, "" and []. */
int xh_data_truthy(const xh_data *d, xh_vref v);
/* The records of a merge: the root array of JSON, or the repeated children
 * of an XML root (a list, or an object when there is only one).  XH_NONE
 * when the data is not a list of records. */
xh_vref xh_data_records(const xh_data *d);

/* A data set holding one record, refilled row after row: a merge over a
 * CSV or XLSX file keeps one row per slot in memory, never the file.  The
 * columns are interned once, so every row has the same symbols and one
 * binding (xh_bind_new) serves them all.  The root is the row's object. */
xh_data *xh_data_row_new(const xh_rows *r, const char *path);
void xh_data_row_set(xh_data *d, const xh_row *row);

#endif
