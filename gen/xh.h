/*
 * xh.h — the public face of the xhgen core: error codes and version.
 *
 * The CLI (main.c) and the tests need only this header and the module
 * headers it names; the structs behind every xh_* handle are private.
 */
#ifndef XH_H
#define XH_H

#define XH_VERSION "0.1.0"

/* Exit statuses of the CLI are these codes (CONVENTIONS.md). */
typedef enum xh_err {
	XH_OK = 0,     /* the job is done */
	XH_EDATA = 1,  /* a record, a template or a data file is wrong */
	XH_EUSAGE = 2, /* the command line is wrong */
	XH_ESYS = 3,   /* I/O error, out of memory, disk full */
} xh_err;

const char *xh_strerror(xh_err e);

#endif
