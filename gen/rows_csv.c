/*
 * rows_csv.c — CSV records (SCHEMA.md): the encoding is settled by a first
 * pass over the whole file, then libcsv parses 64 KiB chunks and the rows
 * it completes wait in a queue until xh_rows_next() takes them.
 *
 *     file ── pass 1: UTF-8? (BOM, NUL, UTF-16 checks) ──┐
 *          └─ pass 2 (only if not): GB18030 through iconv ┤
 *                                                         ▼
 *     fread 64 KiB ─[iconv GB18030→UTF-8]─► csv_parse ─► cells arena + row queue
 *
 * The arena holds the cell texts of the rows parsed from the current chunk
 * and is emptied (keeping the row still being parsed) before the next
 * chunk, so memory follows the chunk size and the longest row, never the
 * number of rows.
 */
#include "rows_impl.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#define CHUNK (64u << 10)
/* One cell.  Excel itself stops at 32,767 characters; a field that grows
 * past this is nearly always a quote that was never closed, and reading on
 * would pull the rest of the file into memory. */
#define MAX_FIELD (1u << 20)
/* libcsv's parser states are private to libcsv.c: FIELD_BEGUN with
 * quoted set at the end of the input is a quote that was never closed. */
#define S_FIELD_BEGUN 2

typedef struct {
	size_t off, len; /* in text */
} S_ref;

typedef struct {
	size_t first, n;        /* cells[first .. first + n) */
	unsigned long row, line;
	int err;                /* reading stops here */
	char *msg;              /* the error's line for diag (NULL: already there) */
} S_qrow;

typedef struct {
	xh_rows *r;
	FILE *f;
	struct csv_parser p;
	int p_ready;
	iconv_t cd;             /* (iconv_t)-1 when the file is UTF-8 */
	char *raw;              /* CHUNK bytes read, after a carried GB18030 tail */
	size_t carry;
	char *conv;             /* iconv's output */
	int started;            /* bytes were given to libcsv: no BOM any more */
	/* arena */
	char *text;
	size_t tlen, tcap;
	S_ref *cells;
	size_t ncells, ccap;
	S_qrow *q;
	size_t qhead, qn, qcap;
	/* the row being parsed */
	size_t cur_first;       /* its first cell in cells */
	size_t cur_n;           /* fields seen, kept or not */
	size_t cur_last;        /* 1 + index of its last non-empty field */
	unsigned long cur_breaks; /* line breaks inside its quoted fields */
	unsigned long next_row, next_line;
	int prev_cr;            /* the last line break was CR: an LF now is its pair */
	size_t keep;            /* fields kept per row: the header's count */
	int have_header, stop, eof;
} S_csv;

/* ---- pass 1 and 2: which encoding ---- */

/* 1 when p[0..n) is the start of a valid UTF-8 sequence that the end of
 * the buffer cut short. */
static int S_utf8_cut(const unsigned char *p, size_t n)
{
	int len = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
	if (p[0] < 0xC2 || p[0] > 0xF4 || (size_t)len <= n)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return 1;
}

/* The length of the longest prefix of p[0..n) made of whole valid UTF-8
 * sequences; *bad is set when an invalid byte ends it (otherwise what is
 * left is a sequence cut short by the end of the buffer). */
static size_t S_utf8_prefix(const unsigned char *p, size_t n, int *bad)
{
	size_t i = 0;
	*bad = 0;
	while (i < n) {
		/* ASCII eight bytes at a time: most of a record file */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		int l = xh_utf8_len(p + i, n - i);
		if (l > 0) {
			i += (size_t)l;
			continue;
		}
		*bad = !S_utf8_cut(p + i, n - i);
		return i;
	}
	return i;
}

/* The physical line of byte offset off: LF, CR LF and a lone CR each end
 * a line, as in the parse. */
static unsigned long S_line_at(FILE *f, char *buf, unsigned long long off)
{
	unsigned long line = 1;
	int cr = 0;
	unsigned long long pos = 0;
	rewind(f);
	while (pos < off) {
		size_t want = off - pos < CHUNK ? (size_t)(off - pos) : CHUNK;
		size_t got = fread(buf, 1, want, f);
		if (!got)
			break;
		for (size_t i = 0; i < got; i++) {
			if (buf[i] == '\n') {
				if (!cr)
					line++;
				cr = 0;
			} else {
				cr = buf[i] == '\r';
				line += (unsigned long)cr;
			}
		}
		pos += got;
	}
	return line;
}

/* Offset of the first byte that is not GB18030 (*bad set), through
 * glibc's converter so that what passes here also converts later. */
static unsigned long long S_gb_check(S_csv *c, int *bad, unsigned char *badbyte)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	*bad = 0;
	if (cd == (iconv_t)-1) {
		*bad = 1;
		*badbyte = 0;
		return 0;
	}
	rewind(c->f);
	unsigned long long base = 0;
	size_t have = 0;
	for (;;) {
		size_t got = fread(c->raw + have, 1, CHUNK, c->f);
		if (!got) {
			if (have) {
				*bad = 1; /* a sequence cut off by the end of the file */
				*badbyte = (unsigned char)c->raw[0];
			}
			break;
		}
		have += got;
		char *ip = c->raw;
		size_t il = have;
		while (il) {
			char *op = c->conv;
			size_t ol = 2 * CHUNK + 16;
			if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 || errno == EINVAL)
				break;
			if (errno == EILSEQ) {
				*bad = 1;
				*badbyte = (unsigned char)*ip;
				iconv_close(cd);
				return base + (unsigned long long)(ip - c->raw);
			}
		}
		memmove(c->raw, ip, il);
		base += have - il;
		have = il;
	}
	iconv_close(cd);
	return base;
}

static int S_detect(S_csv *c)
{
	xh_rows *r = c->r;
	unsigned char head[4] = {0};
	size_t nh = fread(head, 1, 4, c->f);
	const char *what = NULL;
	if (nh >= 4 && !memcmp(head, "\xFF\xFE\0\0", 4))
		what = "UTF-32 (little-endian) text";
	else if (nh >= 4 && !memcmp(head, "\0\0\xFE\xFF", 4))
		what = "UTF-32 (big-endian) text";
	else if (nh >= 2 && !memcmp(head, "\xFF\xFE", 2))
		what = "UTF-16 (little-endian) text";
	else if (nh >= 2 && !memcmp(head, "\xFE\xFF", 2))
		what = "UTF-16 (big-endian) text";
	if (what) {
		xhr_err(r, 0, 0, "%s, not UTF-8 or GB18030; save it as CSV UTF-8", what);
		return -1;
	}
	if (nh >= 4 && !memcmp(head, "PK\3\4", 4)) {
		xhr_err(r, 0, 0, "a zip archive, not CSV text (an .xlsx workbook renamed .csv?)");
		return -1;
	}
	if (nh >= 4 && !memcmp(head, "\xD0\xCF\x11\xE0", 4)) {
		xhr_err(r, 0, 0, "an Excel .xls workbook, not CSV text; save it as CSV UTF-8");
		return -1;
	}
	int bom = nh >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3);

	/* Pass 1: UTF-8 up to the first bad byte, and NUL bytes (valid in
	 * both encodings, but never in a text file) through the whole file. */
	rewind(c->f);
	unsigned long long base = 0, u_off = 0, nul_off = 0;
	int u_bad = 0, nul = 0;
	unsigned char u_byte = 0;
	size_t have = 0;
	for (;;) {
		size_t got = fread(c->raw + have, 1, CHUNK, c->f);
		if (!got) {
			if (ferror(c->f)) {
				xhr_err(r, 0, 0, "read error: %s", strerror(errno));
				return -1;
			}
			if (have && !u_bad) {
				u_bad = 1;
				u_off = base;
				u_byte = (unsigned char)c->raw[0];
			}
			break;
		}
		const char *z = memchr(c->raw + have, 0, got);
		if (z && !nul) {
			nul = 1;
			nul_off = base + (unsigned long long)(z - c->raw);
		}
		have += got;
		size_t ok = have;
		if (!u_bad) {
			int bad;
			ok = S_utf8_prefix((const unsigned char *)c->raw, have, &bad);
			if (bad) {
				u_bad = 1;
				u_off = base + ok;
				u_byte = (unsigned char)c->raw[ok];
				ok = have;
			}
		}
		memmove(c->raw, c->raw + ok, have - ok);
		base += ok;
		have -= ok;
	}
	if (nul) {
		unsigned long line = S_line_at(c->f, c->raw, nul_off);
		xhr_err(r, line, 0, "a NUL byte: not CSV text (UTF-16 saved without a byte "
		        "order mark?); save it as CSV UTF-8");
		return -1;
	}
	if (!u_bad) {
		r->enc = bom ? "UTF-8 with BOM" : "UTF-8";
		return 0;
	}
	if (bom) {
		unsigned long line = S_line_at(c->f, c->raw, u_off);
		xhr_err(r, line, 0, "not UTF-8 text although it starts with a UTF-8 byte order "
		        "mark (first bad byte 0x%02X at line %lu)", u_byte, line);
		return -1;
	}
	/* Pass 2: GB18030, as Chinese Excel and WPS save CSV. */
	int g_bad;
	unsigned char g_byte;
	unsigned long long g_off = S_gb_check(c, &g_bad, &g_byte);
	if (!g_bad) {
		r->enc = "GB18030";
		return 0;
	}
	/* Bad in both: name the byte where the reading that got further
	 * stopped — the one the file was most likely meant to be in. */
	unsigned long long off = g_off > u_off ? g_off : u_off;
	unsigned char byte = g_off > u_off ? g_byte : u_byte;
	unsigned long line = S_line_at(c->f, c->raw, off);
	xhr_err(r, line, 0, "not UTF-8 or GB18030 text (first bad byte 0x%02X at line %lu)",
	        byte, line);
	return -1;
}

/* ---- the parse ---- */

static void S_fail(S_csv *c, char *msg)
{
	XH_GROW(c->q, c->qcap, c->qn + 1);
	S_qrow *q = &c->q[c->qn++];
	memset(q, 0, sizeof(*q));
	q->err = 1;
	q->msg = msg;
	c->stop = 1;
}

static unsigned long S_breaks(const char *s, size_t n)
{
	unsigned long k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
			k++;
	return k;
}

static void S_field(void *field, size_t n, void *data)
{
	S_csv *c = data;
	if (c->stop)
		return;
	const char *s = field;
	/* Only a quoted field holds line breaks. */
	if (n && (memchr(s, '\n', n) || memchr(s, '\r', n)))
		c->cur_breaks += S_breaks(s, n);
	xh_trim(&s, &n);
	size_t idx = c->cur_n++;
	if (n)
		c->cur_last = idx + 1;
	if (idx >= c->keep)
		return; /* beyond the header: only whether it is empty matters */
	if (c->tlen + n + 1 > c->tcap) {
		size_t cap = c->tcap ? c->tcap : CHUNK;
		while (cap < c->tlen + n + 1)
			cap *= 2;
		c->text = xrealloc(c->text, cap);
		c->tcap = cap;
	}
	memcpy(c->text + c->tlen, s, n);
	c->text[c->tlen + n] = '\0';
	if (c->ncells == c->ccap)
		XH_GROW(c->cells, c->ccap, c->ncells + 1);
	c->cells[c->ncells].off = c->tlen;
	c->cells[c->ncells].len = n;
	c->ncells++;
	c->tlen += n + 1;
}

/* Forgets cells[first ..]: the row just ended is not queued. */
static void S_drop(S_csv *c, size_t first)
{
	if (first < c->ncells)
		c->tlen = c->cells[first].off;
	c->ncells = c->cur_first = first;
}

static void S_row(int ch, void *data)
{
	S_csv *c = data;
	if (c->stop)
		return;
	if (!c->cur_n) {
		/* CSV_REPALL_NL reports every line break outside a row: the LF
		 * of a CR LF pair, or an empty line — which is a spreadsheet row. */
		if (ch == '\n' && c->prev_cr) {
			c->prev_cr = 0;
			return;
		}
		c->prev_cr = ch == '\r';
		c->next_row++;
		c->next_line++;
		return;
	}
	c->prev_cr = ch == '\r';
	unsigned long row = c->next_row++, line = c->next_line;
	c->next_line += 1 + c->cur_breaks;
	size_t first = c->cur_first, kept = c->ncells - first, last = c->cur_last;
	c->cur_first = c->ncells;
	c->cur_n = c->cur_last = 0;
	c->cur_breaks = 0;
	if (!last) {
		S_drop(c, first); /* all cells empty: skipped, its number used */
		return;
	}
	if (!c->have_header) {
		if (last > XHR_MAX_COLS) {
			S_fail(c, xhr_msg(c->r, row, line, "%zu columns; at most %d are read",
			                  last, XHR_MAX_COLS));
			return;
		}
		xh_cell *h = xcalloc(kept, sizeof(*h));
		for (size_t i = 0; i < kept; i++) {
			h[i].s = c->text + c->cells[first + i].off;
			h[i].n = c->cells[first + i].len;
		}
		int rc = xhr_set_header(c->r, h, kept, row, line);
		free(h);
		S_drop(c, first);
		if (rc) {
			S_fail(c, NULL);
			return;
		}
		c->have_header = 1;
		c->keep = c->r->ncols;
		return;
	}
	/* Empty cells past the header's last column are ignored: Excel writes
	 * them ("a,b,,") when a cell there was ever formatted. */
	if (last > c->keep) {
		S_fail(c, xhr_msg(c->r, row, line, "%zu cells but the header has %zu",
		                  last, c->keep));
		return;
	}
	XH_GROW(c->q, c->qcap, c->qn + 1);
	S_qrow *q = &c->q[c->qn++];
	q->first = first;
	q->n = kept;
	q->row = row;
	q->line = line;
	q->err = 0;
	q->msg = NULL;
}

/* Empties the arena and the consumed queue, keeping the cells of the row
 * that the next chunk continues. */
static void S_compact(S_csv *c)
{
	size_t first = c->cur_first, n = c->ncells - first;
	size_t toff = n ? c->cells[first].off : c->tlen;
	if (toff) {
		memmove(c->text, c->text + toff, c->tlen - toff);
		c->tlen -= toff;
	}
	for (size_t i = 0; i < n; i++) {
		c->cells[i].off = c->cells[first + i].off - toff;
		c->cells[i].len = c->cells[first + i].len;
	}
	c->ncells = n;
	c->cur_first = 0;
	c->qhead = c->qn = 0;
}

static void S_parse(S_csv *c, const char *s, size_t n)
{
	if (!c->started && n) {
		/* a UTF-8 BOM, or U+FEFF from GB18030's own mark 84 31 95 33 */
		if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
			s += 3, n -= 3;
		c->started = 1;
	}
	if (csv_parse(&c->p, s, n, S_field, S_row, c) != n && !c->stop)
		S_fail(c, xhr_msg(c->r, 0, 0, "%s", csv_strerror(csv_error(&c->p))));
}

/* Reads and parses the next chunk (the queue is empty). */
static void S_feed(S_csv *c)
{
	S_compact(c);
	size_t got = fread(c->raw + c->carry, 1, CHUNK, c->f);
	if (!got) {
		c->eof = 1;
		if (ferror(c->f)) {
			S_fail(c, xhr_msg(c->r, 0, 0, "read error: %s", strerror(errno)));
			return;
		}
		if (c->carry) {
			S_fail(c, xhr_msg(c->r, 0, 0, "not GB18030 text at its end "
			                  "(did the file change while it was read?)"));
			return;
		}
		if (c->p.pstate == S_FIELD_BEGUN && c->p.quoted) {
			S_fail(c, xhr_msg(c->r, c->next_row, c->next_line,
			                  "the quoted field that begins on line %lu is never closed",
			                  c->next_line + c->cur_breaks));
			return;
		}
		csv_fini(&c->p, S_field, S_row, c);
		return;
	}
	if (c->cd == (iconv_t)-1) {
		S_parse(c, c->raw, got);
	} else {
		char *ip = c->raw, *op = c->conv;
		size_t il = c->carry + got, ol = 2 * CHUNK + 16;
		/* GB18030 grows at most 3:2 into UTF-8, so the output always fits;
		 * EINVAL is a sequence cut by the chunk's end, carried over. */
		if (iconv(c->cd, &ip, &il, &op, &ol) == (size_t)-1 && errno != EINVAL) {
			S_fail(c, xhr_msg(c->r, 0, 0, "not GB18030 text "
			                  "(did the file change while it was read?)"));
			return;
		}
		S_parse(c, c->conv, (size_t)(op - c->conv));
		memmove(c->raw, ip, il);
		c->carry = il;
	}
	if (!c->stop && c->p.entry_pos > MAX_FIELD)
		S_fail(c, xhr_msg(c->r, c->next_row, c->next_line,
		                  "the field that begins on line %lu is longer than %u MiB "
		                  "(a quote that is never closed?)",
		                  c->next_line + c->cur_breaks, MAX_FIELD >> 20));
}

static int S_next(xh_rows *r, xh_row *row)
{
	S_csv *c = r->impl;
	for (;;) {
		if (c->qhead < c->qn) {
			S_qrow *q = &c->q[c->qhead++];
			if (q->err) {
				if (q->msg)
					xh_diag_add(r->diag, 0, "%s", q->msg);
				free(q->msg);
				q->msg = NULL;
				return -1;
			}
			for (size_t i = 0; i < r->ncols; i++) {
				xh_cell *o = &r->out[i];
				if (i < q->n) {
					const S_ref *f = &c->cells[q->first + i];
					o->s = c->text + f->off;
					o->n = f->len;
				} else {
					o->s = "";
					o->n = 0;
				}
				o->kind = o->n ? XH_CELL_TEXT : XH_CELL_EMPTY;
				o->num = 0;
			}
			row->row = q->row;
			row->line = q->line;
			return 1;
		}
		if (c->eof || c->stop)
			return 0;
		S_feed(c);
	}
}

static void S_free(xh_rows *r)
{
	S_csv *c = r->impl;
	if (!c)
		return;
	if (c->f)
		fclose(c->f);
	if (c->p_ready)
		csv_free(&c->p);
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	for (size_t i = c->qhead; i < c->qn; i++)
		free(c->q[i].msg);
	free(c->q);
	free(c->cells);
	free(c->text);
	free(c->raw);
	free(c->conv);
	free(c);
	r->impl = NULL;
}

int xhr_open_csv(xh_rows *r)
{
	S_csv *c = xcalloc(1, sizeof(*c));
	c->r = r;
	c->cd = (iconv_t)-1;
	c->keep = XHR_MAX_COLS;
	c->next_row = c->next_line = 1;
	r->impl = c;
	r->next = S_next;
	r->free = S_free;
	c->f = fopen(r->path, "rb");
	if (!c->f) {
		xhr_err(r, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(c->f), &st) != 0 || !S_ISREG(st.st_mode)) {
		/* the encoding pass reads the file twice */
		xhr_err(r, 0, 0, "not a regular file");
		return -1;
	}
	c->raw = xmalloc(CHUNK + 8);
	c->conv = xmalloc(2 * CHUNK + 16);
	if (S_detect(c) != 0)
		return -1;
	if (!strcmp(r->enc, "GB18030")) {
		c->cd = iconv_open("UTF-8", "GB18030");
		if (c->cd == (iconv_t)-1) {
			xhr_err(r, 0, 0, "cannot convert GB18030: %s", strerror(errno));
			return -1;
		}
	}
	rewind(c->f);
	/* Not CSV_STRICT: staff files with a stray quote still read. */
	csv_init(&c->p, CSV_APPEND_NULL | CSV_REPALL_NL);
	csv_set_realloc_func(&c->p, xrealloc);
	csv_set_blk_size(&c->p, 4096);
	c->p_ready = 1;
	while (!c->have_header && !c->stop && !c->eof)
		S_feed(c);
	if (c->have_header)
		return 0; /* an error after it waits in the queue behind the rows */
	if (c->stop) {
		/* before the header nothing is queued but the error */
		xh_row dummy;
		S_next(r, &dummy);
		return -1;
	}
	xhr_err(r, 0, 0, "no header row (the file is empty)");
	return -1;
}
