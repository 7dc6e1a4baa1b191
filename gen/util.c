/*
 * util.c — see util.h.
 */
#include "util.h"
#include "i18n.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void S_oom(size_t n)
{
	fprintf(stderr, "xhgen: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		S_oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		S_oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		S_oom(n);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	char *p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void xh_grow(void **pa, size_t *pcap, size_t need, size_t sz)
{
	if (need <= *pcap)
		return;
	size_t cap = *pcap ? *pcap : 8;
	while (cap < need)
		cap *= 2;
	*pa = xrealloc(*pa, cap * sz);
	*pcap = cap;
}

void xh_buf_reserve(xh_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void xh_buf_add(xh_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	xh_buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void xh_buf_adds(xh_buf *b, const char *s)
{
	xh_buf_add(b, s, strlen(s));
}

void xh_buf_addc(xh_buf *b, char c)
{
	xh_buf_reserve(b, 1);
	b->data[b->len++] = c;
}

void xh_buf_printf(xh_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	xh_buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *xh_buf_cstr(xh_buf *b)
{
	xh_buf_reserve(b, 0);
	b->data[b->len] = '\0';
	return b->data;
}

char *xh_buf_detach(xh_buf *b)
{
	xh_buf_cstr(b);
	char *p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void xh_buf_free(xh_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void xh_buf_add_xml(xh_buf *b, const char *s, size_t n, int attr)
{
	size_t start = 0;
	xh_buf_reserve(b, n);
	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = attr ? "&quot;" : NULL; break;
		case '\t': rep = attr ? "&#9;" : NULL; break;
		case '\n': rep = attr ? "&#10;" : NULL; break;
		case '\r': rep = "&#13;"; break;
		default: break;
		}
		if (rep) {
			xh_buf_add(b, s + start, i - start);
			xh_buf_adds(b, rep);
			start = i + 1;
		}
	}
	xh_buf_add(b, s + start, n - start);
}

void xh_buf_csv_field(xh_buf *b, const char *s, int flags)
{
	size_t n = strlen(s);
	int quote = (flags & XH_CSV_SPACES) && n && (s[0] == ' ' || s[n - 1] == ' ');
	for (const char *p = s; *p && !quote; p++)
		quote = *p == ',' || *p == '"' || *p == '\n' || *p == '\r';
	if (quote)
		xh_buf_addc(b, '"');
	if ((flags & XH_CSV_GUARD) && *s && strchr("=+-@\t\r", *s))
		xh_buf_addc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			xh_buf_addc(b, '"');
		xh_buf_addc(b, *p);
	}
	if (quote)
		xh_buf_addc(b, '"');
}

void xh_diag_add(xh_diag *d, uint64_t key, const char *fmt, ...)
{
	va_list ap;
	/* the format is the message id of its translation (i18n.h) */
	va_start(ap, fmt);
	char *p = xvasprintf(gettext(fmt), ap);
	va_end(ap);
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->msg = xrealloc(d->msg, d->cap * sizeof(*d->msg));
		d->key = xrealloc(d->key, d->cap * sizeof(*d->key));
	}
	d->msg[d->n] = p;
	d->key[d->n] = key;
	d->n++;
}

void xh_diag_take(xh_diag *into, xh_diag *from)
{
	for (size_t i = 0; i < from->n; i++) {
		xh_diag_add(into, from->key[i], "%s", from->msg[i]);
		free(from->msg[i]);
	}
	from->n = 0;
}

void xh_diag_sort(xh_diag *d)
{
	/* Insertion sort: stable, and lists are short. */
	for (size_t i = 1; i < d->n; i++) {
		char *m = d->msg[i];
		uint64_t k = d->key[i];
		size_t j = i;
		while (j > 0 && d->key[j - 1] > k) {
			d->msg[j] = d->msg[j - 1];
			d->key[j] = d->key[j - 1];
			j--;
		}
		d->msg[j] = m;
		d->key[j] = k;
	}
}

void xh_diag_free(xh_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->msg[i]);
	free(d->msg);
	free(d->key);
	memset(d, 0, sizeof(*d));
}

int xh_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	int len;
	unsigned min;
	if (c < 0x80)
		return 1;
	else if ((c & 0xE0) == 0xC0)
		len = 2, min = 0x80;
	else if ((c & 0xF0) == 0xE0)
		len = 3, min = 0x800;
	else if ((c & 0xF8) == 0xF0)
		len = 4, min = 0x10000;
	else
		return -1;
	if ((size_t)len > n)
		return -1;
	unsigned cp = c & (0x3F >> (len - 1));
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	return len;
}

int xh_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		int l = xh_utf8_len(p + i, n - i);
		if (l < 0)
			return 0;
		i += (size_t)l;
	}
	return 1;
}

int xh_mkdirs(const char *dir)
{
	char *p = xstrdup(dir);
	int rc = 0;
	for (char *s = p + 1; rc == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*s = c;
		if (!c)
			break;
	}
	struct stat st;
	if (rc == 0 && stat(dir, &st) != 0)
		rc = -1;
	else if (rc == 0 && !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		rc = -1;
	}
	free(p);
	return rc;
}

int xh_fsync_path(const char *path, int dir)
{
	int fd = open(path, (dir ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int xh_write_file(const char *path, const void *p, size_t n, int flags, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (flags & XH_WRITE_EXCL ? O_EXCL : O_TRUNC),
	              mode);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, (const char *)p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			break;
		}
		off += (size_t)w;
	}
	int rc = off == n && (!(flags & XH_WRITE_SYNC) || fsync(fd) == 0) ? 0 : -1;
	int e = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	errno = e;
	return rc;
}

int xh_read_file(const char *path, xh_buf *b, size_t max)
{
	b->len = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char chunk[65536];
	size_t got;
	while ((!max || b->len <= max) && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		xh_buf_add(b, chunk, got);
	int err = ferror(f);
	fclose(f);
	return err ? -2 : max && b->len > max ? -3 : 0;
}

void xh_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char *p = xasprintf("%s/%s", dir, e->d_name);
			struct stat st;
			if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
				xh_rmtree(p);
			else
				unlink(p);
			free(p);
		}
		closedir(d);
	}
	rmdir(dir);
}

char *xh_one_line(const char *msg)
{
	xh_buf b = XH_BUF_INIT;
	for (const char *p = msg ? msg : ""; *p; p++) {
		if (*p == '\n' || *p == '\r') {
			while (b.len && b.data[b.len - 1] == ' ')
				b.len--;
			if (p[1] && p[1] != '\n')
				xh_buf_adds(&b, "; ");
		} else {
			xh_buf_addc(&b, *p);
		}
	}
	while (b.len && (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == ';' || b.data[b.len - 1] == '.'))
		b.len--;
	return xh_buf_detach(&b);
}

char *xh_exe_path(const char *rel)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return NULL;
		*slash = '\0';
		char *p = xasprintf("%s/%s", *exe ? exe : "/", rel);
		struct stat st;
		if (stat(p, &st) == 0)
			return p;
		free(p);
	}
	return NULL;
}
