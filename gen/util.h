/*
 * util.h — allocation, growable buffers and diagnostics shared by every
 * module.
 *
 * Memory policy (as in cmark and redis): the xmalloc family aborts with a
 * message when memory runs out, so no caller tests its result for NULL.
 * Every xh_buf owns its bytes; xh_buf_free() releases them and leaves an
 * empty buffer behind, so freeing twice is harmless.
 */
#ifndef XH_UTIL_H
#define XH_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xvasprintf(const char *fmt, va_list ap);
char *xasprintf(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

/* Grow an array *pa of *pcap elements of size sz so that it holds at least
 * need elements. */
void xh_grow(void **pa, size_t *pcap, size_t need, size_t sz);
#define XH_GROW(a, cap, need) xh_grow((void **)&(a), &(cap), (need), sizeof(*(a)))

typedef struct xh_buf {
	char *data;
	size_t len, cap;
} xh_buf;

#define XH_BUF_INIT {NULL, 0, 0}

void xh_buf_reserve(xh_buf *b, size_t extra);
void xh_buf_add(xh_buf *b, const void *p, size_t n);
void xh_buf_adds(xh_buf *b, const char *s);
void xh_buf_addc(xh_buf *b, char c);
void xh_buf_printf(xh_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* A NUL-terminated view of the contents (the NUL is not counted in len). */
const char *xh_buf_cstr(xh_buf *b);
/* Hand the bytes to the caller (who frees them) and reset b. */
char *xh_buf_detach(xh_buf *b);
void xh_buf_free(xh_buf *b);

/* Text escaped for XML character data (& < >) or, with attr set, for a
 * double-quoted attribute value. */
void xh_buf_add_xml(xh_buf *b, const char *s, size_t n, int attr);

/* Flags of xh_buf_csv_field. */
enum {
	/* text a spreadsheet would take for a formula (first character
	 * = + - @, tab or CR) gets a leading apostrophe (CONVENTIONS.md: no
	 * formula injection); leave it off for ids and data that must read
	 * back as they are */
	XH_CSV_GUARD = 1,
	/* quote a field that starts or ends with a space too, so that readers
	 * that trim fields keep it */
	XH_CSV_SPACES = 2
};

/* One RFC 4180 field: quoted when it holds a comma, a double quote or a
 * line break (or what flags add), each double quote doubled. */
void xh_buf_csv_field(xh_buf *b, const char *s, int flags);

/*
 * Diagnostics.  Data and template problems are collected, not thrown, so
 * that one run reports all of them (CONVENTIONS.md "Messages").  Each entry
 * is one finished line without the "xhgen: " prefix; an optional sort key
 * keeps the output order stable when documents are rendered in parallel.
 */
typedef struct xh_diag {
	char **msg;
	uint64_t *key;
	size_t n, cap;
} xh_diag;

void xh_diag_add(xh_diag *d, uint64_t key, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
void xh_diag_take(xh_diag *into, xh_diag *from); /* moves all, empties from */
void xh_diag_sort(xh_diag *d);                    /* stable, by key */
void xh_diag_free(xh_diag *d);

/* A library's message as one line: newlines become "; ", trailing
 * space and full stops go.  Returns a new string. */
char *xh_one_line(const char *msg);

/* Files. */
/* mkdir -p: 0, or -1 with errno set (ENOTDIR when a part is a file). */
int xh_mkdirs(const char *dir);
/* fsync of a file, or of a folder when dir is set: 0 or -1 with errno. */
int xh_fsync_path(const char *path, int dir);

/* Flags of xh_write_file. */
enum {
	XH_WRITE_EXCL = 1, /* the file must not exist yet; without it, it is truncated */
	XH_WRITE_SYNC = 2  /* fsync before close: the bytes are on disk when it returns */
};
/* Writes the n bytes at p to path, created with mode (less the umask) as
 * open(2) does.  0, or -1 with errno set (EIO for a short write); on
 * failure a partly written file may be left behind: the caller removes
 * it. */
int xh_write_file(const char *path, const void *p, size_t n, int flags, mode_t mode);
/* The whole file at path into b, replacing what b held; with max not 0,
 * reading stops once b holds more than max bytes.  0; -1 when the file
 * cannot be opened (errno set); -2 on a read error; -3 when it is larger
 * than max.  On -2 and -3, b keeps what was read. */
int xh_read_file(const char *path, xh_buf *b, size_t max);
/* rm -rf: removes dir with everything below it, as far as it can; a
 * link is removed, never followed.  Nothing is reported: callers use it to
 * clear their own scratch folders, where a leftover is harmless. */
void xh_rmtree(const char *dir);

/* A checkout's file beside the running executable: rel ("templates/x.docx")
 * under the executable's folder or the two above it (./xhgen,
 * build/asan/xhgen), the first that exists, as a new string; NULL when none
 * does. */
char *xh_exe_path(const char *rel);

/* UTF-8 helpers. */
int xh_utf8_valid(const char *s, size_t n);
/* Length of a valid UTF-8 sequence starting at s, or -1 when it is not one. */
int xh_utf8_len(const unsigned char *s, size_t n);

#endif
