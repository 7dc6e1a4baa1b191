/*
 * stage.c — see stage.h.
 *
 * A stage keeps one entry per file it writes: the final name, where it
 * was written, and what the manifest needs.
 *
 * A stage writes into a hidden sibling of its folder, OUT/<year>/.NAME.
 * xhgen-PID/, and its commit swaps the two folders with one
 * renameat2(RENAME_EXCHANGE): the stage folder holds the earlier output
 * or the new one, whole, at every instant, whatever kills the process
 * (renaming the files one by one would leave a mixture if killed half-way
 * through).  The old folder, now under the hidden name, is removed after.
 * Where the file system cannot exchange (EINVAL), the old folder is moved
 * aside first and put back by the next run if it was killed in between.
 */
#include "stage.h"
#include "i18n.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef XH_DATADIR /* the Makefile's -D: where `make install` puts the templates */
#define XH_DATADIR "/usr/local/share/xhgen"
#endif

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
	char *parent;               /* OUT/<year> */
	char *work;                 /* OUT/<year>/.NAME.xhgen-PID: where files are written */
	char inputs[XH_SHA256_HEX];
	char *made[2];              /* folders begin created (OUT/<year>, OUT), innermost first */
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
		return N_("is empty");
	if (strchr(s, '/') || strchr(s, '\\'))
		return N_("contains a slash");
	if (strstr(s, ".."))
		return N_("contains \"..\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return N_("contains a control character");
	if (!xh_utf8_valid(s, strlen(s)))
		return N_("is not valid UTF-8");
	if (strlen(s) > 255)
		return N_("is longer than 255 bytes");
	return NULL;
}

/* ---- the stage ---- */

static const char *S_base(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* What a killed run of this stage left beside its folder: .NAME.xhgen-PID
 * (new output never swapped in: removed) and .NAME.xhgen-PID.old (the
 * previous output moved aside where the folders could not be exchanged:
 * put back when the folder is missing, else removed). */
static void S_remove_stale_work(xh_stage *s)
{
	DIR *d = opendir(s->parent);
	if (!d)
		return;
	char *prefix = xasprintf(".%s.xhgen-", s->name);
	size_t pl = strlen(prefix);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, pl) != 0)
			continue;
		char *end;
		long pid = strtol(e->d_name + pl, &end, 10);
		int old = !strcmp(end, ".old");
		if ((*end && !old) || pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char *p = xasprintf("%s/%s", s->parent, e->d_name);
		struct stat st;
		if (old && stat(s->dir, &st) != 0 && rename(p, s->dir) == 0) {
			free(p);
			continue;
		}
		xh_rmtree(p);
		free(p);
	}
	closedir(d);
	free(prefix);
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
	memcpy(s->inputs, y->inputs_sha256, XH_SHA256_HEX);
	s->parent = xasprintf("%.*s/%s", (int)olen, out, s->year);
	s->work = xasprintf("%s/.%s.xhgen-%ld", s->parent, name, (long)getpid());
	/* the folders this stage makes, so that a stage that fails leaves none */
	char *up[2] = {xstrdup(s->parent), xstrndup(out, olen)};
	struct stat st;
	for (size_t i = 0, missing = 1; i < 2; i++) {
		missing = missing && stat(up[i], &st) != 0;
		if (missing)
			s->made[i] = up[i];
		else
			free(up[i]);
	}
	if (xh_mkdirs(s->parent) != 0) {
		xh_diag_add(diag, 0, "%s: cannot create: %s", s->parent, strerror(errno));
		xh_stage_free(s);
		return NULL;
	}
	S_remove_stale_work(s);
	if (stat(s->dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		xh_diag_add(diag, 0, "%s: not a folder", s->dir);
		xh_stage_free(s);
		return NULL;
	}
	if (mkdir(s->work, 0777) != 0) {
		xh_diag_add(diag, 0, "%s: cannot create: %s", s->work, strerror(errno));
		xh_stage_free(s);
		return NULL;
	}
	/* temporaries of the layout before this one, inside the folder */
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
		why = N_("starts with a dot");
	if (!why && S_find(s, name) >= 0)
		why = N_("is written twice");
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
	s->ent[s->n] = (S_entry){xasprintf("%s/%s", s->work, name), 0, 0, 0};
	s->ntmp++;
	return s->n++;
}

static void (*S_hook)(void *ud, const char *stage, size_t nfiles);
static void *S_hook_ud;

void xh_stage_on_file(void (*fn)(void *ud, const char *stage, size_t nfiles), void *ud)
{
	S_hook = fn;
	S_hook_ud = ud;
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
	if (S_hook)
		S_hook(S_hook_ud, s->name, s->nfiles);
}

static xh_err S_write(xh_stage *s, const char *name, const void *p, size_t n,
                      const xh_doc *doc, xh_diag *diag)
{
	const char *why = S_bad(s, name);
	if (why) {
		xh_diag_add(diag, 0, "%s: file name \"%s\" %s", s->dir, name, gettext(why));
		return XH_EDATA;
	}
	size_t i = S_new_entry(s, name);
	const char *tmp = s->ent[i].tmp;
	if (xh_write_file(tmp, p, n, XH_WRITE_EXCL, 0666) != 0) {
		xh_diag_add(diag, 0, "%s/%s: cannot write: %s", s->dir, name, strerror(errno ? errno : EIO));
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
	size_t i = S_new_entry(s, name); /* before s->ent is read: it may move */
	return s->ent[i].tmp;
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
			xh_diag_add(diag, 0, "%s: record %s: file name \"%s\" %s", s->dir, record, name, gettext(why));
		else
			xh_diag_add(diag, 0, "%s: file name \"%s\" %s", s->dir, name, gettext(why));
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
	/* the checkout's: beside ./xhgen, or two up from build/asan/xhgen */
	char *rel = xasprintf("templates/%s", file);
	char *mine = xh_exe_path(rel);
	free(rel);
	cand[nc++] = mine ? mine : xasprintf("templates/%s (beside xhgen)", file);
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
	/* what was asked for and never finished does not go in */
	for (size_t i = 0; i < s->n; i++)
		if (!s->ent[i].done)
			unlink(s->ent[i].tmp);
	/* One sync of the file system (the files), then the folder: not one
	 * fsync per file. */
	int fd = open(s->work, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syncfs(fd) != 0 || fsync(fd) != 0) {
		xh_diag_add(diag, 0, "%s: cannot sync: %s", s->work, strerror(errno));
		if (fd >= 0)
			close(fd);
		return XH_ESYS;
	}
	close(fd);
	struct stat st;
	int had = stat(s->dir, &st) == 0;
	int r;
	if (!had) {
		r = rename(s->work, s->dir);
	} else {
		r = renameat2(AT_FDCWD, s->work, AT_FDCWD, s->dir, RENAME_EXCHANGE);
		if (r != 0 && (errno == EINVAL || errno == ENOSYS)) {
			/* no exchange here: move the old aside (the next run puts it
			 * back if we die before the second rename) */
			char *old = xasprintf("%s.old", s->work);
			r = rename(s->dir, old);
			if (r == 0 && (r = rename(s->work, s->dir)) != 0)
				rename(old, s->dir);
			if (r == 0)
				xh_rmtree(old);
			free(old);
		} else if (r == 0) {
			xh_rmtree(s->work); /* the old output, under the hidden name now */
		}
	}
	if (r != 0) {
		xh_diag_add(diag, 0, "%s: cannot put the new output in place: %s", s->dir, strerror(errno));
		return XH_ESYS;
	}
	s->committed = 1;
	for (size_t i = 0; i < s->n; i++) {
		s->ent[i].renamed = s->ent[i].done;
		free(s->ent[i].tmp);
		s->ent[i].tmp = xasprintf("%s/%s", s->dir, s->names[i]);
	}
	if (xh_fsync_path(s->parent, 1) != 0) {
		xh_diag_add(diag, 0, "%s: cannot sync: %s", s->parent, strerror(errno));
		return XH_ESYS;
	}
	return XH_OK;
}

void xh_stage_free(xh_stage *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->ent[i].tmp);
		free(s->names[i]);
	}
	if (!s->committed && s->work)
		xh_rmtree(s->work);
	/* folders made for output that never came */
	for (size_t k = 0; k < 2; k++) {
		if (s->made[k] && !s->committed)
			rmdir(s->made[k]);
		free(s->made[k]);
	}
	free(s->parent);
	free(s->work);
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
