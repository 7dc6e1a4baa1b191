/*
 * opc.c — see opc.h.
 */
#include "opc.h"
#include "xmlsafe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

/* Limits for untrusted templates.  A real form is a few hundred kB with a
 * few dozen entries; these leave room for many images. */
#define MAX_ENTRIES 10000
#define MAX_TOTAL (1024ull << 20)   /* all entries, uncompressed */
#define MAX_PART (256ull << 20)     /* one part that xhgen decompresses */
#define MAX_RATIO 200               /* uncompressed : compressed, parts we read */
#define MAX_FILE (256ull << 20)     /* the template file itself */

#define REL_DOC "/officeDocument"
#define REL_NS "http://schemas.openxmlformats.org/package/2006/relationships"

/* The template's bytes stay in memory: every thread opens its own zip_t
 * over them, and copying a part into a new document costs no system call. */
struct xh_pkg {
	char *path;
	xh_buf bytes;
	zip_t *za;
};

const char *xh_pkg_path(const xh_pkg *p) { return p->path; }
zip_t *xh_pkg_zip(const xh_pkg *p) { return p->za; }
zip_int64_t xh_pkg_count(const xh_pkg *p) { return zip_get_num_entries(p->za, 0); }

static int S_bad_name(const char *n)
{
	if (!*n || n[0] == '/' || n[0] == '\\' || strchr(n, ':'))
		return 1;
	/* ".." as a path component, with either separator */
	for (const char *s = n; *s;) {
		const char *e = s + strcspn(s, "/\\");
		if (e - s == 2 && s[0] == '.' && s[1] == '.')
			return 1;
		s = *e ? e + 1 : e;
	}
	for (const unsigned char *s = (const unsigned char *)n; *s; s++)
		if (*s < 0x20)
			return 1;
	return 0;
}

static zip_t *S_open_mem(const xh_buf *bytes, int flags, zip_error_t *ze)
{
	zip_source_t *src = zip_source_buffer_create(bytes->data, bytes->len, 0, ze);
	if (!src)
		return NULL;
	zip_t *za = zip_open_from_source(src, flags, ze);
	if (!za)
		zip_source_free(src);
	return za;
}

zip_t *xh_zip_mem_open(zip_source_t **mem, char **why)
{
	zip_error_t ze;
	zip_error_init(&ze);
	*mem = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *za = *mem ? zip_open_from_source(*mem, ZIP_TRUNCATE, &ze) : NULL;
	if (!za) {
		*why = xstrdup(zip_error_strerror(&ze));
		if (*mem)
			zip_source_free(*mem);
		*mem = NULL;
	} else {
		zip_source_keep(*mem);
	}
	zip_error_fini(&ze);
	return za;
}

int xh_zip_source_bytes(zip_source_t *src, xh_buf *out)
{
	zip_stat_t st;
	out->len = 0;
	if (zip_source_stat(src, &st) != 0 || zip_source_open(src) != 0)
		return -1;
	xh_buf_reserve(out, st.size);
	zip_int64_t got = zip_source_read(src, out->data, st.size);
	zip_source_close(src);
	if (got < 0 || (zip_uint64_t)got != st.size)
		return -1;
	out->len = (size_t)got;
	return 0;
}

xh_pkg *xh_pkg_open(const char *path, xh_diag *diag)
{
	xh_buf bytes = XH_BUF_INIT;
	int rerr = xh_read_file(path, &bytes, MAX_FILE);
	if (rerr == -1) {
		xh_diag_add(diag, 0, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (rerr) {
		xh_diag_add(diag, 0, "%s: %s", path, rerr == -2 ? "read error" : "larger than 256 MiB");
		xh_buf_free(&bytes);
		return NULL;
	}
	zip_error_t ze;
	zip_error_init(&ze);
	zip_t *za = S_open_mem(&bytes, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!za && zip_error_code_zip(&ze) == ZIP_ER_EXISTS) {
		/* libzip refuses the archive without saying which name repeats:
		 * open it leniently to find it */
		zip_error_t ze2;
		zip_error_init(&ze2);
		zip_t *lax = S_open_mem(&bytes, ZIP_RDONLY, &ze2);
		const char *dup = NULL;
		zip_int64_t cnt = lax ? zip_get_num_entries(lax, 0) : 0;
		for (zip_int64_t a = 0; a < cnt && !dup; a++)
			for (zip_int64_t b = a + 1; b < cnt && !dup; b++) {
				const char *na = zip_get_name(lax, (zip_uint64_t)a, ZIP_FL_ENC_RAW);
				const char *nb = zip_get_name(lax, (zip_uint64_t)b, ZIP_FL_ENC_RAW);
				if (na && nb && !strcmp(na, nb))
					dup = na;
			}
		if (dup)
			xh_diag_add(diag, 0, "%s: entry \"%s\" appears twice (a DOCX holds each part once)",
			            path, dup);
		else
			xh_diag_add(diag, 0, "%s: two entries of the package have the same name "
			            "(a DOCX holds each part once)", path);
		if (lax)
			zip_discard(lax);
		zip_error_fini(&ze2);
		zip_error_fini(&ze);
		xh_buf_free(&bytes);
		return NULL;
	}
	if (!za) {
		xh_diag_add(diag, 0, "%s: not a DOCX file (not a valid zip archive: %s)", path,
		            zip_error_strerror(&ze));
		zip_error_fini(&ze);
		xh_buf_free(&bytes);
		return NULL;
	}
	zip_error_fini(&ze);
	zip_int64_t n = zip_get_num_entries(za, 0);
	int bad = 0;
	if (n > MAX_ENTRIES) {
		xh_diag_add(diag, 0, "%s: too many entries (%lld, at most %d)", path, (long long)n, MAX_ENTRIES);
		bad = 1;
	}
	unsigned long long total = 0;
	for (zip_int64_t i = 0; !bad && i < n; i++) {
		zip_stat_t st;
		if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) != 0) {
			xh_diag_add(diag, 0, "%s: entry %lld: %s", path, (long long)i, zip_strerror(za));
			bad = 1;
			break;
		}
		/* a symbolic link would be copied into the output and point
		 * wherever the sender chose once unpacked */
		zip_uint8_t os;
		zip_uint32_t attr;
		if (zip_file_get_external_attributes(za, (zip_uint64_t)i, 0, &os, &attr) == 0 &&
		    os == ZIP_OPSYS_UNIX && ((attr >> 16) & 0170000) == 0120000) {
			xh_diag_add(diag, 0, "%s: entry \"%s\" is a symbolic link, which a package must "
			            "not hold", path, st.name);
			bad = 1;
		}
		if (S_bad_name(st.name)) {
			xh_diag_add(diag, 0, "%s: entry \"%s\": an absolute name or one with \"..\" "
			            "is not allowed in a package", path, st.name);
			bad = 1;
		}
		total += st.size;
		if (total > MAX_TOTAL) {
			xh_diag_add(diag, 0, "%s: more than %llu MiB uncompressed", path, MAX_TOTAL >> 20);
			bad = 1;
		}
	}
	if (!bad && zip_name_locate(za, "[Content_Types].xml", 0) < 0) {
		xh_diag_add(diag, 0, "%s: not a DOCX file (no [Content_Types].xml)", path);
		bad = 1;
	}
	if (bad) {
		zip_discard(za);
		xh_buf_free(&bytes);
		return NULL;
	}
	xh_pkg *p = xcalloc(1, sizeof(*p));
	p->path = xstrdup(path);
	p->bytes = bytes;
	p->za = za;
	return p;
}

void xh_pkg_close(xh_pkg *p)
{
	if (!p)
		return;
	if (p->za)
		zip_discard(p->za);
	xh_buf_free(&p->bytes);
	free(p->path);
	free(p);
}

zip_t *xh_pkg_reopen(const xh_pkg *p)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_t *za = S_open_mem(&p->bytes, ZIP_RDONLY, &ze);
	zip_error_fini(&ze);
	return za;
}

int xh_pkg_read(const xh_pkg *p, const char *name, xh_buf *out, xh_diag *diag)
{
	zip_stat_t st;
	zip_int64_t idx = zip_name_locate(p->za, name, 0);
	if (idx < 0 || zip_stat_index(p->za, (zip_uint64_t)idx, 0, &st) != 0) {
		xh_diag_add(diag, 0, "%s: %s: no such part", p->path, name);
		return -1;
	}
	if (st.size > MAX_PART ||
	    (st.size > (1u << 20) && st.comp_size && st.size / st.comp_size > MAX_RATIO)) {
		xh_diag_add(diag, 0, "%s: %s: too large or too highly compressed to read safely "
		            "(%llu bytes from %llu)", p->path, name,
		            (unsigned long long)st.size, (unsigned long long)st.comp_size);
		return -1;
	}
	zip_file_t *zf = zip_fopen_index(p->za, (zip_uint64_t)idx, 0);
	if (!zf) {
		xh_diag_add(diag, 0, "%s: %s: %s", p->path, name, zip_strerror(p->za));
		return -1;
	}
	out->len = 0;
	xh_buf_reserve(out, st.size);
	/* Never more than the declared size: a lying header cannot make us
	 * inflate without bound. */
	zip_int64_t got = zip_fread(zf, out->data, st.size);
	char extra;
	int more = got >= 0 && zip_fread(zf, &extra, 1) > 0;
	if (got < 0 || (zip_uint64_t)got != st.size || more) {
		xh_diag_add(diag, 0, "%s: %s: corrupt entry: %s", p->path, name,
		            got < 0 ? zip_file_strerror(zf) : "wrong size");
		zip_fclose(zf);
		return -1;
	}
	if (zip_fclose(zf) != 0) {
		xh_diag_add(diag, 0, "%s: %s: corrupt entry (checksum)", p->path, name);
		return -1;
	}
	out->len = (size_t)got;
	return 0;
}

/* Resolves a relationship target against the folder of its source part. */
static char *S_resolve(const char *base_dir, const char *target)
{
	xh_buf b = XH_BUF_INIT;
	if (target[0] == '/')
		target++;
	else
		xh_buf_adds(&b, base_dir);
	xh_buf_adds(&b, target);
	/* normalise "a/./b" and "a/x/../b" */
	char *s = xh_buf_detach(&b);
	char **parts = NULL;
	size_t np = 0, cap = 0;
	for (char *tok = strtok(s, "/"); tok; tok = strtok(NULL, "/")) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (np)
				np--;
			continue;
		}
		XH_GROW(parts, cap, np + 1);
		parts[np++] = tok;
	}
	xh_buf r = XH_BUF_INIT;
	for (size_t i = 0; i < np; i++) {
		if (i)
			xh_buf_addc(&r, '/');
		xh_buf_adds(&r, parts[i]);
	}
	free(parts);
	free(s);
	return xh_buf_detach(&r);
}

typedef struct {
	char *type;
	char *target;
	int external;
} S_rel;

static S_rel *S_rels(const xh_pkg *p, const char *rels_name, size_t *n, xh_diag *diag)
{
	*n = 0;
	if (zip_name_locate(p->za, rels_name, 0) < 0)
		return NULL;
	xh_buf b = XH_BUF_INIT;
	if (xh_pkg_read(p, rels_name, &b, diag) != 0) {
		/* xh_pkg_read may have grown b before it found the entry
		 * corrupt (found by fuzz_pkg: corpus/pkg/regress-corrupt-rels). */
		xh_buf_free(&b);
		return NULL;
	}
	char *where = xasprintf("%s: %s", p->path, rels_name);
	xmlDoc *doc = xh_xml_read(b.data, b.len, where, diag);
	free(where);
	xh_buf_free(&b);
	if (!doc)
		return NULL;
	S_rel *r = NULL;
	size_t cap = 0;
	for (xmlNode *c = xmlDocGetRootElement(doc)->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "Relationship"))
			continue;
		xmlChar *type = xmlGetProp(c, (const xmlChar *)"Type");
		xmlChar *target = xmlGetProp(c, (const xmlChar *)"Target");
		xmlChar *mode = xmlGetProp(c, (const xmlChar *)"TargetMode");
		if (type && target) {
			XH_GROW(r, cap, *n + 1);
			r[*n].type = xstrdup((const char *)type);
			r[*n].target = xstrdup((const char *)target);
			r[*n].external = mode && !strcmp((const char *)mode, "External");
			(*n)++;
		}
		xmlFree(type);
		xmlFree(target);
		xmlFree(mode);
	}
	xmlFreeDoc(doc);
	return r;
}

static void S_rels_free(S_rel *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].type);
		free(r[i].target);
	}
	free(r);
}

static int S_ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Natural order: "header2" before "header10". */
static int S_natcmp(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			unsigned long x = strtoul(a, (char **)&a, 10);
			unsigned long y = strtoul(b, (char **)&b, 10);
			if (x != y)
				return x < y ? -1 : 1;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		a++, b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

char **xh_pkg_template_parts(const xh_pkg *p, size_t *n, xh_diag *diag)
{
	*n = 0;
	size_t nr;
	S_rel *rels = S_rels(p, "_rels/.rels", &nr, diag);
	char *main = NULL;
	for (size_t i = 0; i < nr; i++)
		if (S_ends(rels[i].type, REL_DOC) && !rels[i].external && !main)
			main = S_resolve("", rels[i].target);
	S_rels_free(rels, nr);
	if (!main) {
		if (zip_name_locate(p->za, "word/document.xml", 0) >= 0)
			main = xstrdup("word/document.xml");
		else {
			xh_diag_add(diag, 0, "%s: not a DOCX file (no main document part)", p->path);
			return NULL;
		}
	}
	if (zip_name_locate(p->za, main, 0) < 0) {
		xh_diag_add(diag, 0, "%s: the main document part %s is missing", p->path, main);
		free(main);
		return NULL;
	}
	/* word/document.xml -> word/ and word/_rels/document.xml.rels */
	const char *slash = strrchr(main, '/');
	char *dir = xstrndup(main, slash ? (size_t)(slash - main + 1) : 0);
	char *relname = xasprintf("%s_rels/%s.rels", dir, slash ? slash + 1 : main);
	rels = S_rels(p, relname, &nr, diag);
	free(relname);
	char **hdr = NULL, **ftr = NULL, **notes = NULL;
	size_t nh = 0, nf = 0, nn = 0, ch = 0, cf = 0, cn = 0;
	for (size_t i = 0; i < nr; i++) {
		if (rels[i].external)
			continue;
		const char *t = rels[i].type;
		char ***arr;
		size_t *cnt, *cap;
		if (S_ends(t, "/header"))
			arr = &hdr, cnt = &nh, cap = &ch;
		else if (S_ends(t, "/footer"))
			arr = &ftr, cnt = &nf, cap = &cf;
		else if (S_ends(t, "/footnotes") || S_ends(t, "/endnotes"))
			arr = &notes, cnt = &nn, cap = &cn;
		else
			continue;
		char *name = S_resolve(dir, rels[i].target);
		int dup = 0;
		for (size_t k = 0; k < *cnt; k++)
			dup |= !strcmp((*arr)[k], name);
		if (dup || zip_name_locate(p->za, name, 0) < 0) {
			free(name);
			continue;
		}
		XH_GROW(*arr, *cap, *cnt + 1);
		(*arr)[(*cnt)++] = name;
	}
	S_rels_free(rels, nr);
	free(dir);
	if (nh)
		qsort(hdr, nh, sizeof(*hdr), S_natcmp);
	if (nf)
		qsort(ftr, nf, sizeof(*ftr), S_natcmp);
	if (nn)
		qsort(notes, nn, sizeof(*notes), S_natcmp);
	char **all = xmalloc((nh + nf + nn + 1) * sizeof(*all));
	size_t k = 0;
	for (size_t i = 0; i < nh; i++)
		all[k++] = hdr[i];
	all[k++] = main;
	for (size_t i = 0; i < nf; i++)
		all[k++] = ftr[i];
	for (size_t i = 0; i < nn; i++)
		all[k++] = notes[i];
	free(hdr);
	free(ftr);
	free(notes);
	*n = k;
	return all;
}
