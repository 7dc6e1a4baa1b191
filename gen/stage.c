/*
 * stage.c — see stage.h.
 *
 * A stage keeps one entry per file it writes: the final name, the
 * temporary it was written to, and what the manifest needs.  Nothing
 * under a final name is touched before xh_stage_commit().
 */
#include "stage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
	char *tmp;
	int done;      /* complete under tmp */
	int renamed;   /* under its name (commit) */
	size_t file;   /* index in files when done */
} S_entry;

#define XH_NPROV 7 /* the provenance properties of a document */

struct xh_stage {
	const xh_year *y;
	char *name, *dir, *year;
	char inputs[XH_SHA256_HEX];
	char *made[3];              /* folders begin created, innermost first */
	S_entry *ent;               /* parallel to names */
	char **names;
	size_t n, cap, ntmp;
	xh_stage_file *files;
	size_t nfiles, capfiles;
	xh_buf scratch;
	xh_prop prov[XH_NPROV];
	char *record;               /* the record of prov (xh_stage_props) */
	int committed;
};

/* ---- shared with xh_doc_merge ---- */

char *xh_stage_tmpname(const char *dir, size_t i)
{
	return xasprintf("%s/.xhgen-%ld-%zu.tmp", dir, (long)getpid(), i);
}

/* XHGEN_STOP_AFTER=N kills the process (SIGKILL, as a crash or a power cut
 * would) right after the N-th file is written under its temporary name:
 * tests use it to show that the output folder then still holds the
 * previous complete output (CONVENTIONS.md: deterministic kill points).
 * The count is the process's, over merges and stages alike. */
void xh_stage_stop_point(void)
{
	static long limit = -1;
	static long count;
	if (__atomic_load_n(&limit, __ATOMIC_SEQ_CST) < 0) {
		const char *e = getenv("XHGEN_STOP_AFTER");
		long v = e ? strtol(e, NULL, 10) : 0;
		__atomic_store_n(&limit, v > 0 ? v : 0, __ATOMIC_SEQ_CST);
	}
	if (limit > 0 && __atomic_add_fetch(&count, 1, __ATOMIC_SEQ_CST) >= limit)
		raise(SIGKILL);
}

/* Temporary files of a run that was killed: .xhgen-PID-N.tmp whose
 * process is gone.  They hold complete files that never got their names;
 * the next run into the folder removes them. */
void xh_stage_remove_stale(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		long pid;
		size_t idx;
		char tail[8];
		if (sscanf(e->d_name, ".xhgen-%ld-%zu.%4s", &pid, &idx, tail) != 3 || strcmp(tail, "tmp"))
			continue;
		if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
}

/* A file name from data must stay inside the output folder (CONVENTIONS.md
 * "Files"). */
const char *xh_stage_bad_name(const char *s)
{
	if (!*s)
		return "is empty";
	if (strchr(s, '/') || strchr(s, '\\'))
		return "contains a slash";
	if (strstr(s, ".."))
		return "contains \"..\"";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return "contains a control character";
	if (!xh_utf8_valid(s, strlen(s)))
		return "is not valid UTF-8";
	if (strlen(s) > 255)
		return "is longer than 255 bytes";
	return NULL;
}

/* ---- the stage ---- */

static const char *S_base(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* "FILE\tSHA256\n" per input file, programme.xml first, then the record
 * files the year read in schema order (y->file[]): a document's inputs
 * are what its command loaded, so a stage that does not read the ledger
 * does not change its hash when the ledger changes.  Names only, not the
 * folder: the same year copied elsewhere hashes the same. */
static int S_inputs(const xh_year *y, char hex[XH_SHA256_HEX], xh_diag *diag)
{
	xh_sha256 *h = xh_sha256_new();
	char *prog = xasprintf("%s/programme.xml", y->dir);
	int rc = 0;
	for (size_t i = 0; i <= 16 && rc == 0; i++) {
		const char *p = i == 0 ? prog : y->file[i - 1];
		if (!p)
			continue;
		char fh[XH_SHA256_HEX];
		if (xh_sha256_file(p, fh) != 0) {
			xh_diag_add(diag, 0, "%s: cannot read: %s", p, strerror(errno));
			rc = -1;
			break;
		}
		char *line = xasprintf("%s\t%s\n", S_base(p), fh);
		xh_sha256_add(h, line, strlen(line));
		free(line);
	}
	free(prog);
	xh_sha256_done(h, hex);
	return rc;
}

xh_stage *xh_stage_begin(const xh_year *y, const char *out, const char *name, xh_diag *diag)
{
	xh_stage *s = xcalloc(1, sizeof(*s));
	s->y = y;
	s->name = xstrdup(name);
	s->year = xasprintf("%d", y->prog.year);
	size_t olen = strlen(out);
	while (olen > 1 && out[olen - 1] == '/')
		olen--; /* "out/" names the same folder as "out" */
	s->dir = xasprintf("%.*s/%s/%s", (int)olen, out, s->year, name);
	if (S_inputs(y, s->inputs, diag) != 0) {
		xh_stage_free(s);
		return NULL;
	}
	/* the folders this stage makes, so that a stage that fails leaves none */
	char *up[3] = {xstrdup(s->dir), xasprintf("%.*s/%s", (int)olen, out, s->year),
	               xstrndup(out, olen)};
	struct stat st;
	for (size_t i = 0, missing = 1; i < 3; i++) {
		missing = missing && stat(up[i], &st) != 0;
		if (missing)
			s->made[i] = up[i];
		else
			free(up[i]);
	}
	if (xh_mkdirs(s->dir) != 0) {
		xh_diag_add(diag, 0, "%s: cannot create: %s", s->dir, strerror(errno));
		xh_stage_free(s);
		return NULL;
	}
	xh_stage_remove_stale(s->dir);
	return s;
}

const char *xh_stage_dir(const xh_stage *s)
{
	return s->dir;
}

const char *xh_stage_inputs_sha256(const xh_stage *s)
{
	return s->inputs;
}

const xh_stage_file *xh_stage_files(const xh_stage *s, size_t *n)
{
	*n = s->nfiles;
	return s->files;
}

/* The entry of name, or -1. */
static long S_find(const xh_stage *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], name))
			return (long)i;
	return -1;
}

/* A name the stage may write: xh_stage_bad_name()'s rules, not hidden (the
 * stage's temporaries are, and commit leaves hidden files alone), and not
 * written twice. */
static const char *S_bad(const xh_stage *s, const char *name)
{
	const char *why = xh_stage_bad_name(name);
	if (!why && name[0] == '.')
		why = "starts with a dot";
	if (!why && S_find(s, name) >= 0)
		why = "is written twice";
	return why;
}

static size_t S_new_entry(xh_stage *s, const char *name)
{
	if (s->n == s->cap) {
		size_t cap = s->cap;
		XH_GROW(s->names, s->cap, s->n + 1);
		XH_GROW(s->ent, cap, s->n + 1);
	}
	s->names[s->n] = xstrdup(name);
	s->ent[s->n] = (S_entry){xh_stage_tmpname(s->dir, s->ntmp++), 0, 0, 0};
	return s->n++;
}

/* Entry i is complete under its temporary name: into the list of files. */
static void S_done(xh_stage *s, size_t i, const char *sha, unsigned long long size,
                   const xh_doc *doc)
{
	XH_GROW(s->files, s->capfiles, s->nfiles + 1);
	xh_stage_file *f = &s->files[s->nfiles];
	f->name = xstrdup(s->names[i]);
	memcpy(f->sha256, sha, XH_SHA256_HEX);
	f->size = size;
	f->template_name = doc ? xstrdup(S_base(xh_doc_path(doc))) : NULL;
	memcpy(f->template_sha256, doc ? xh_doc_sha256(doc) : "", doc ? XH_SHA256_HEX : 1);
	s->ent[i].done = 1;
	s->ent[i].file = s->nfiles++;
}

static xh_err S_write(xh_stage *s, const char *name, const void *p, size_t n,
                      const xh_doc *doc, xh_diag *diag)
{
	const char *why = S_bad(s, name);
	if (why) {
		xh_diag_add(diag, 0, "%s: file name \"%s\" %s", s->dir, name, why);
		return XH_EDATA;
	}
	size_t i = S_new_entry(s, name);
	const char *tmp = s->ent[i].tmp;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	size_t off = 0;
	while (fd >= 0 && off < n) {
		ssize_t w = write(fd, (const char *)p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (fd < 0 || off < n || close(fd) != 0) {
		int e = errno;
		if (fd >= 0 && off < n)
			close(fd);
		xh_diag_add(diag, 0, "%s/%s: cannot write: %s", s->dir, name, strerror(e ? e : EIO));
		return XH_ESYS;
	}
	char sha[XH_SHA256_HEX];
	xh_sha256_hex(p, n, sha);
	S_done(s, i, sha, n, doc);
	xh_stage_stop_point();
	return XH_OK;
}

xh_err xh_stage_bytes(xh_stage *s, const char *name, const void *p, size_t n, xh_diag *diag)
{
	return S_write(s, name, p, n, NULL, diag);
}

const char *xh_stage_tmp(xh_stage *s, const char *name)
{
	if (S_bad(s, name))
		return NULL;
	return s->ent[S_new_entry(s, name)].tmp;
}

xh_err xh_stage_done(xh_stage *s, const char *name, xh_diag *diag)
{
	long i = S_find(s, name);
	if (i < 0 || s->ent[i].done) {
		xh_diag_add(diag, 0, "%s/%s: %s", s->dir, name,
		            i < 0 ? "no temporary was asked for" : "finished twice");
		return XH_ESYS;
	}
	char sha[XH_SHA256_HEX];
	struct stat st;
	if (xh_sha256_file(s->ent[i].tmp, sha) != 0 || stat(s->ent[i].tmp, &st) != 0) {
		xh_diag_add(diag, 0, "%s/%s: cannot read back: %s", s->dir, name, strerror(errno));
		return XH_ESYS;
	}
	S_done(s, (size_t)i, sha, (unsigned long long)st.st_size, NULL);
	xh_stage_stop_point();
	return XH_OK;
}

/* The provenance of a document of record; strings owned by the stage. */
static const xh_prop *S_prov(xh_stage *s, const char *record, const xh_doc *doc, size_t *n)
{
	free(s->record);
	s->record = xstrdup(record ? record : "");
	size_t k = 0;
	s->prov[k++] = (xh_prop){"xhgen.version", XH_VERSION};
	s->prov[k++] = (xh_prop){"xhgen.year", s->year};
	s->prov[k++] = (xh_prop){"xhgen.stage", s->name};
	s->prov[k++] = (xh_prop){"xhgen.record", s->record};
	s->prov[k++] = (xh_prop){"xhgen.inputs_sha256", s->inputs};
	if (doc) {
		s->prov[k++] = (xh_prop){"xhgen.template", S_base(xh_doc_path(doc))};
		s->prov[k++] = (xh_prop){"xhgen.template_sha256", xh_doc_sha256(doc)};
	}
	*n = k;
	return s->prov;
}

const xh_prop *xh_stage_props(xh_stage *s, const char *record, size_t *n)
{
	return S_prov(s, record, NULL, n);
}

xh_err xh_stage_docx(xh_stage *s, const xh_doc *doc, const char *name, const xh_data *data,
                     const char *record, const xh_prop *extra, size_t nextra, xh_diag *diag)
{
	const char *why = S_bad(s, name);
	if (why) {
		if (record && *record)
			xh_diag_add(diag, 0, "%s: record %s: file name \"%s\" %s", s->dir, record, name, why);
		else
			xh_diag_add(diag, 0, "%s: file name \"%s\" %s", s->dir, name, why);
		return XH_EDATA;
	}
	size_t np;
	const xh_prop *prov = S_prov(s, record, doc, &np);
	xh_prop *all = xmalloc((np + nextra + 1) * sizeof(*all));
	memcpy(all, prov, np * sizeof(*all));
	if (nextra)
		memcpy(all + np, extra, nextra * sizeof(*all));
	xh_err rc = xh_doc_render(doc, data, all, np + nextra, &s->scratch, diag);
	free(all);
	if (rc != XH_OK)
		return rc;
	return S_write(s, name, s->scratch.data, s->scratch.len, doc, diag);
}

const xh_buf *xh_stage_last_docx(const xh_stage *s)
{
	return &s->scratch;
}

/* ---- templates ---- */

static int S_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

xh_doc *xh_stage_template(xh_stage *s, const char *file, xh_diag *diag)
{
	char *cand[4] = {NULL, NULL, NULL, NULL};
	size_t nc = 0;
	cand[nc++] = xasprintf("%s/templates/%s", s->y->dir, file);
	const char *env = getenv("XHGEN_TEMPLATES");
	if (env && *env)
		cand[nc++] = xasprintf("%s/%s", env, file);
	cand[nc++] = xasprintf("%s/templates/%s", XH_DATADIR, file);
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			cand[nc++] = xasprintf("%s/templates/%s", exe, file);
		}
	}
	xh_doc *doc = NULL;
	size_t i = 0;
	while (i < nc && !S_exists(cand[i]))
		i++;
	if (i < nc) {
		xh_tmpl_opts o = {"{", "}", 0};
		doc = xh_doc_compile(cand[i], &o, diag);
	} else {
		xh_buf m = XH_BUF_INIT;
		for (size_t k = 0; k < nc; k++) {
			xh_buf_adds(&m, k ? ", " : "");
			xh_buf_adds(&m, cand[k]);
		}
		xh_diag_add(diag, 0, "template %s not found; looked in %s", file, xh_buf_cstr(&m));
		xh_buf_free(&m);
	}
	for (size_t k = 0; k < nc; k++)
		free(cand[k]);
	return doc;
}

/* ---- commit ---- */

xh_err xh_stage_commit(xh_stage *s, xh_diag *diag)
{
	for (size_t i = 0; i < s->n; i++) {
		if (!s->ent[i].done)
			continue;
		char *final = xasprintf("%s/%s", s->dir, s->names[i]);
		int r = rename(s->ent[i].tmp, final);
		if (r != 0)
			xh_diag_add(diag, 0, "%s: cannot rename: %s", final, strerror(errno));
		free(final);
		if (r != 0)
			return XH_ESYS;
		s->ent[i].renamed = 1;
	}
	s->committed = 1;
	/* What an earlier run wrote and this one did not: the folder is the
	 * stage's, so every plain file that is not hidden. */
	DIR *d = opendir(s->dir);
	if (!d) {
		xh_diag_add(diag, 0, "%s: cannot read: %s", s->dir, strerror(errno));
		return XH_ESYS;
	}
	xh_err rc = XH_OK;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		long i = S_find(s, e->d_name);
		if (i >= 0 && s->ent[i].renamed)
			continue;
		struct stat st;
		char *p = xasprintf("%s/%s", s->dir, e->d_name);
		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) && unlink(p) != 0) {
			xh_diag_add(diag, 0, "%s: cannot remove: %s", p, strerror(errno));
			rc = XH_ESYS;
		}
		free(p);
	}
	closedir(d);
	/* One sync of the file system (the files and the renames), then the
	 * folder: not one fsync per file. */
	int fd = open(s->dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syncfs(fd) != 0 || fsync(fd) != 0) {
		xh_diag_add(diag, 0, "%s: cannot sync: %s", s->dir, strerror(errno));
		rc = XH_ESYS;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

void xh_stage_free(xh_stage *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (!s->ent[i].renamed)
			unlink(s->ent[i].tmp);
		free(s->ent[i].tmp);
		free(s->names[i]);
	}
	/* folders made for output that never came */
	for (size_t k = 0; k < 3; k++) {
		if (s->made[k] && !s->committed)
			rmdir(s->made[k]);
		free(s->made[k]);
	}
	for (size_t i = 0; i < s->nfiles; i++) {
		free(s->files[i].name);
		free(s->files[i].template_name);
	}
	free(s->files);
	free(s->ent);
	free(s->names);
	xh_buf_free(&s->scratch);
	free(s->record);
	free(s->name);
	free(s->dir);
	free(s->year);
	free(s);
}
