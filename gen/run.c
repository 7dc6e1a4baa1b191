/*
 * run.c — see run.h.
 */
#include "run.h"
#include "accept.h"
#include "fmt.h"
#include "hash.h"
#include "i18n.h"
#include "ledger.h"
#include "notice.h"
#include "pack.h"
#include "review.h"
#include "rows.h"
#include "xmlsafe.h"
#include "year.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libxml/HTMLparser.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ---- the stages ---- */

static xh_err S_review_cmd(const xh_year *y, const xh_review *r, const char *out, FILE *report,
                           xh_stage **keep, xh_diag *diag)
{
	(void)y;
	return xh_review_write(r, out, report, keep, diag);
}

static xh_err S_ledger_cmd(const xh_year *y, const xh_review *r, const char *out, FILE *report,
                           xh_stage **keep, xh_diag *diag)
{
	xh_ledger *l = xh_ledger_run(y, r);
	xh_err e = xh_ledger_write(l, out, report, keep, diag);
	xh_ledger_free(l);
	return e;
}

typedef struct {
	xh_run_stage st;
	const char *folder; /* under OUT/<year>/ */
} S_stage;

static const S_stage S_stages[] = {
	{{"pack", "申报材料", 0, xh_pack_write}, "pack"},
	{{"review", "形式审查", 0, S_review_cmd}, "review"},
	{{"notice", "公示", 0, xh_notice_write}, "notice"},
	{{"ledger", "资金台账", XH_YEAR_SPENDING, S_ledger_cmd}, "ledger"},
	{{"accept", "验收", XH_YEAR_SPENDING | XH_YEAR_ACCEPTANCE, xh_accept_cmd}, "acceptance"},
};
#define NSTAGES (sizeof(S_stages) / sizeof(S_stages[0]))

const xh_run_stage *xh_run_stages(size_t *n)
{
	static xh_run_stage list[NSTAGES];
	for (size_t i = 0; i < NSTAGES; i++)
		list[i] = S_stages[i].st;
	*n = NSTAGES;
	return list;
}

/* ---- what was written: the manifest ---- */

typedef struct {
	char *path;                  /* relative to OUT/<year>/ */
	char sha[XH_SHA256_HEX];
	unsigned long long size;
	char *tmpl;                  /* the template's file name, or NULL */
	char tsha[XH_SHA256_HEX];
} S_out;

typedef struct {
	const xh_year *y;
	const xh_run_opts *o;
	char *yeardir;               /* OUT/<year> */
	S_out *outs;
	size_t nouts, cap;
	xh_buf log;                  /* run-report.txt */
	xh_diag *diag;
} S_run;

static void S_add_out(S_run *R, const char *folder, const char *name, const char *sha,
                      unsigned long long size, const char *tmpl, const char *tsha)
{
	XH_GROW(R->outs, R->cap, R->nouts + 1);
	S_out *o = &R->outs[R->nouts++];
	o->path = xasprintf("%s/%s", folder, name);
	memcpy(o->sha, sha, XH_SHA256_HEX);
	o->size = size;
	o->tmpl = tmpl ? xstrdup(tmpl) : NULL;
	memcpy(o->tsha, tsha && tmpl ? tsha : "", tsha && tmpl ? XH_SHA256_HEX : 1);
}

static int S_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of a stage that does not hand its list back: the folder as
 * committed, in byte order of names. */
static xh_err S_scan(S_run *R, const char *folder)
{
	char *dir = xasprintf("%s/%s", R->yeardir, folder);
	DIR *d = opendir(dir);
	if (!d) {
		xh_diag_add(R->diag, 0, "%s: %s", dir, strerror(errno));
		free(dir);
		return XH_ESYS;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		XH_GROW(names, cap, n + 1);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), S_cmp_str);
	xh_err rc = XH_OK;
	for (size_t i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);
		struct stat st;
		char sha[XH_SHA256_HEX];
		if (stat(p, &st) != 0 || xh_sha256_file(p, sha) != 0) {
			xh_diag_add(R->diag, 0, "%s: %s", p, strerror(errno));
			rc = XH_ESYS;
		} else if (S_ISREG(st.st_mode)) {
			S_add_out(R, folder, names[i], sha, (unsigned long long)st.st_size, NULL, NULL);
		}
		free(p);
		free(names[i]);
	}
	free(names);
	free(dir);
	return rc;
}

static const char *S_base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Writes path with the bytes of b: temporary name, fsync, rename. */
static xh_err S_write_atomic(S_run *R, const char *path, const xh_buf *b)
{
	char *tmp = xasprintf("%s.xhgen-%ld.tmp", path, (long)getpid());
	int ok = xh_write_file(tmp, b->data, b->len, XH_WRITE_SYNC, 0666) == 0 &&
	         rename(tmp, path) == 0;
	if (!ok) {
		xh_diag_add(R->diag, 0, "%s: cannot write: %s", path, strerror(errno ? errno : EIO));
		unlink(tmp);
	}
	free(tmp);
	return ok ? XH_OK : XH_ESYS;
}

/* manifest.csv: one row per input, then one per output (in the order the
 * stages wrote them), each naming the inputs it came from.  Paths are
 * relative (inputs by name, outputs under OUT/<year>/), so the same year
 * gives the same manifest wherever it lies. */
static xh_err S_manifest(S_run *R)
{
	xh_buf b = XH_BUF_INIT;
	xh_buf_adds(&b, "\xEF\xBB\xBF" "kind,path,sha256,size,from\r\n");
	xh_buf all = XH_BUF_INIT;
	for (size_t i = 0; i < R->y->ninputs; i++) {
		char *path = xasprintf("%s", R->y->inputs[i].name);
		xh_buf_adds(&b, "input,");
		xh_buf_csv_field(&b, path, 0);
		xh_buf_printf(&b, ",%s,,\r\n", R->y->inputs[i].sha256);
		xh_buf_printf(&all, "%s%s", i ? " " : "", path);
		free(path);
	}
	for (size_t i = 0; i < R->nouts; i++) {
		const S_out *o = &R->outs[i];
		int seen = 0; /* a template once, however many documents it filled */
		for (size_t k = 0; k < i && o->tmpl && !seen; k++)
			seen = R->outs[k].tmpl && !strcmp(R->outs[k].tmpl, o->tmpl);
		if (o->tmpl && !seen) {
			xh_buf_adds(&b, "template,");
			char *t = xasprintf("templates/%s", o->tmpl);
			xh_buf_csv_field(&b, t, 0);
			xh_buf_printf(&b, ",%s,,\r\n", o->tsha);
			free(t);
		}
	}
	for (size_t i = 0; i < R->nouts; i++) {
		const S_out *o = &R->outs[i];
		xh_buf_adds(&b, "output,");
		xh_buf_csv_field(&b, o->path, 0);
		xh_buf_printf(&b, ",%s,%llu,", o->sha, o->size);
		xh_buf f = XH_BUF_INIT;
		xh_buf_add(&f, all.data, all.len);
		if (o->tmpl)
			xh_buf_printf(&f, " templates/%s", o->tmpl);
		xh_buf_csv_field(&b, xh_buf_cstr(&f), 0);
		xh_buf_free(&f);
		xh_buf_adds(&b, "\r\n");
	}
	xh_buf_free(&all);
	char *path = xasprintf("%s/manifest.csv", R->yeardir);
	xh_err rc = S_write_atomic(R, path, &b);
	free(path);
	xh_buf_free(&b);
	return rc;
}

/* ---- LibreOffice ---- */

char *xh_run_soffice(void)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/bin:/bin";
	static const char *const names[] = {"soffice", "libreoffice"};
	for (size_t k = 0; k < 2; k++) {
		const char *p = path;
		while (*p) {
			const char *colon = strchr(p, ':');
			size_t n = colon ? (size_t)(colon - p) : strlen(p);
			char *cand = xasprintf("%.*s/%s", (int)n, n ? p : ".", names[k]);
			if (access(cand, X_OK) == 0)
				return cand;
			free(cand);
			p += n + (colon ? 1 : 0);
		}
	}
	return NULL;
}

/* Every DOCX written, converted by one LibreOffice call into the stage
 * "pdf" (OUT/<year>/pdf/NAME.pdf). */
static xh_err S_pdf(S_run *R, const char *out)
{
	char *soffice = xh_run_soffice();
	if (!soffice) {
		xh_diag_add(R->diag, 0, "--pdf: LibreOffice (soffice) is not on PATH");
		return XH_ESYS;
	}
	char *work = xasprintf("%s/.xhgen-pdf-%ld", R->yeardir, (long)getpid());
	xh_rmtree(work);
	char *profile = xasprintf("-env:UserInstallation=file://%s/profile", work);
	char *outdir = xasprintf("%s/pdf", work);
	xh_mkdirs(outdir);
	size_t n = 0;
	char **argv = xcalloc(R->nouts + 10, sizeof(char *));
	argv[n++] = soffice;
	argv[n++] = "--headless";
	argv[n++] = "--norestore";
	argv[n++] = "--nologo";
	argv[n++] = profile;
	argv[n++] = "--convert-to";
	argv[n++] = "pdf";
	argv[n++] = "--outdir";
	argv[n++] = outdir;
	size_t first = n;
	for (size_t i = 0; i < R->nouts; i++) {
		size_t l = strlen(R->outs[i].path);
		if (l > 5 && !strcmp(R->outs[i].path + l - 5, ".docx"))
			argv[n++] = xasprintf("%s/%s", R->yeardir, R->outs[i].path);
	}
	xh_err rc = XH_OK;
	/* LibreOffice talks on stdout and stderr: quiet it */
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int status = 0;
	if (posix_spawn(&pid, soffice, &fa, NULL, argv, environ) != 0 ||
	    waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		xh_diag_add(R->diag, 0, "--pdf: %s failed (status %d)", soffice, status);
		rc = XH_ESYS;
	}
	posix_spawn_file_actions_destroy(&fa);
	xh_stage *st = rc == XH_OK ? xh_stage_begin(R->y, out, "pdf", R->diag) : NULL;
	if (rc == XH_OK && !st)
		rc = XH_ESYS;
	xh_buf b = XH_BUF_INIT;
	for (size_t i = first; i < n && rc == XH_OK; i++) {
		const char *base = S_base(argv[i]);
		char *name = xasprintf("%.*s.pdf", (int)(strlen(base) - 5), base);
		char *p = xasprintf("%s/%s", outdir, name);
		if (xh_read_file(p, &b, 0) != 0) {
			xh_diag_add(R->diag, 0, "--pdf: LibreOffice did not convert %s", argv[i]);
			rc = XH_ESYS;
		} else {
			rc = xh_stage_bytes(st, name, b.data, b.len, R->diag);
		}
		free(p);
		free(name);
	}
	xh_buf_free(&b);
	if (rc == XH_OK)
		rc = xh_stage_commit(st, R->diag);
	if (rc == XH_OK) {
		size_t nf;
		const xh_stage_file *f = xh_stage_files(st, &nf);
		for (size_t i = 0; i < nf; i++)
			S_add_out(R, "pdf", f[i].name, f[i].sha256, f[i].size, NULL, NULL);
		fprintf(stdout, "%-8s %zu PDF → %s\n", "pdf", nf, xh_stage_dir(st));
	}
	xh_stage_free(st);
	for (size_t i = first; i < n; i++)
		free(argv[i]);
	free(argv);
	xh_rmtree(work);
	free(work);
	free(profile);
	free(outdir);
	free(soffice);
	return rc;
}

/* ---- reconciliation: the outputs read back ---- */

/* The rows of a record-like file (CSV, or the first sheet of an XLSX) as
 * a table of strings; the header is the first row holding `key`. */
typedef struct {
	char **cell;
	size_t ncols, nrows;
} S_table;

static void S_table_free(S_table *t)
{
	for (size_t i = 0; i < t->ncols * t->nrows; i++)
		free(t->cell[i]);
	free(t->cell);
	memset(t, 0, sizeof(*t));
}

static const char *S_at(const S_table *t, size_t r, size_t c)
{
	return c < t->ncols ? t->cell[r * t->ncols + c] : "";
}

static long S_col(const S_table *t, const char *name)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (!strcmp(t->cell[c], name))
			return (long)c;
	return -1;
}

/* Reads the table of path whose header row holds `key` (xh_rows_open_at:
 * a workbook's title rows above it are skipped); row 0 is the header. */
static int S_table_read(S_run *R, const char *path, const char *key, S_table *t)
{
	memset(t, 0, sizeof(*t));
	xh_rows *r = xh_rows_open_at(path, key, R->diag);
	if (!r)
		return -1;
	size_t nc = xh_rows_ncols(r), cap = 0;
	t->ncols = nc;
	XH_GROW(t->cell, cap, nc ? nc : 1);
	for (size_t c = 0; c < nc; c++)
		t->cell[c] = xstrdup(xh_rows_header(r, c));
	t->nrows = 1;
	xh_row row;
	int rc;
	while ((rc = xh_rows_next(r, &row)) > 0) {
		XH_GROW(t->cell, cap, (t->nrows + 1) * nc);
		for (size_t c = 0; c < nc; c++)
			t->cell[t->nrows * nc + c] = xstrndup(row.cell[c].s, row.cell[c].n);
		t->nrows++;
	}
	xh_rows_close(r);
	if (rc == 0 && S_col(t, key) < 0) {
		xh_diag_add(R->diag, 0, "%s: no column \"%s\"", path, key);
		rc = -1;
	}
	if (rc < 0) {
		S_table_free(t);
		return -1;
	}
	return 0;
}

static int S_fen(const char *s, xh_fen *v)
{
	const char *why;
	if (xh_money_parse(s, strlen(s), v, &why) == 0)
		return 0;
	return xh_money_from_number(s, strlen(s), v, &why);
}

/* The projects of the notice's web page: (学会名称, 项目名称, amount) of
 * every table row whose first cell is a number, and the total of the row
 * labelled 合计. */
typedef struct {
	char *key;   /* "学会名称\t项目名称" */
	xh_fen v;
} S_proj;

static int S_proj_cmp(const void *a, const void *b)
{
	const S_proj *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->v > y->v) - (x->v < y->v);
}

static char *S_node_text(xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s = xstrdup(t ? (const char *)t : "");
	xmlFree(t);
	/* trim */
	size_t l = strlen(s);
	while (l && (s[l - 1] == ' ' || s[l - 1] == '\n' || s[l - 1] == '\t' || s[l - 1] == '\r'))
		s[--l] = '\0';
	size_t k = strspn(s, " \n\t\r");
	memmove(s, s + k, l - k + 1);
	return s;
}

static int S_notice_html(S_run *R, const char *path, S_proj **out, size_t *n, xh_fen *total,
                         int *has_total)
{
	xh_buf b = XH_BUF_INIT;
	if (xh_read_file(path, &b, 0) != 0) {
		xh_diag_add(R->diag, 0, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	htmlDocPtr doc = htmlReadMemory(b.data ? b.data : "", (int)b.len, path, "UTF-8",
	                                HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	xh_buf_free(&b);
	if (!doc) {
		xh_diag_add(R->diag, 0, "%s: not readable as HTML", path);
		return -1;
	}
	long c_soc = -1, c_title = -1, c_amt = -1;
	size_t cap = 0;
	*n = 0;
	*has_total = 0;
	/* walk every <tr> in document order */
	xmlNode *stack[256];
	size_t sp = 0;
	stack[sp++] = xmlDocGetRootElement(doc);
	while (sp) {
		xmlNode *nd = stack[--sp];
		if (!nd)
			continue;
		if (nd->next && sp < 256)
			stack[sp++] = nd->next;
		if (nd->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)nd->name, "tr") != 0) {
			if (nd->children && sp < 256)
				stack[sp++] = nd->children;
			continue;
		}
		char *cells[16];
		size_t nc = 0;
		for (xmlNode *c = nd->children; c && nc < 16; c = c->next)
			if (c->type == XML_ELEMENT_NODE &&
			    (!strcmp((const char *)c->name, "td") || !strcmp((const char *)c->name, "th")))
				cells[nc++] = S_node_text(c);
		for (size_t i = 0; i < nc; i++) {
			if (!strcmp(cells[i], "学会名称"))
				c_soc = (long)i;
			else if (!strcmp(cells[i], "项目名称"))
				c_title = (long)i;
			else if (!strncmp(cells[i], "资助金额", strlen("资助金额")))
				c_amt = (long)i;
		}
		xh_fen v;
		if (nc && c_soc >= 0 && c_title >= 0 && c_amt >= 0 && (size_t)c_amt < nc &&
		    cells[0][0] >= '0' && cells[0][0] <= '9' && S_fen(cells[c_amt], &v) == 0) {
			XH_GROW(*out, cap, *n + 1);
			(*out)[*n].key = xasprintf("%s\t%s", cells[c_soc], cells[c_title]);
			(*out)[(*n)++].v = v;
		} else if (nc && c_amt >= 0 && !strncmp(cells[0], "合计", strlen("合计")) &&
		           S_fen(cells[nc - 1], &v) == 0) {
			*total = v;
			*has_total = 1;
		}
		for (size_t i = 0; i < nc; i++)
			free(cells[i]);
	}
	xmlFreeDoc(doc);
	return 0;
}

static void S_mismatch(S_run *R, int *bad, const char *fmt, const char *a, const char *b)
{
	xh_diag_add(R->diag, 0, fmt, a, b);
	(*bad)++;
}

static void S_free_projs(S_proj *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].key);
	free(p);
}

/* Returns the number of mismatches found (each in diag), -1 when an
 * output could not be read. */
static int S_reconcile(S_run *R)
{
	int bad = 0;
	xh_buf m = XH_BUF_INIT, m2 = XH_BUF_INIT;
	/* 1. the notice against the review's proposed list */
	char *list = xasprintf("%s/review/拟立项名单.csv", R->yeardir);
	char *html = xasprintf("%s/notice/公示.html", R->yeardir);
	S_table t;
	S_proj *want = NULL, *got = NULL;
	size_t nwant = 0, ngot = 0, cap = 0;
	xh_fen total = 0, want_total = 0;
	int has_total = 0, rc = 0;
	if (S_table_read(R, list, "申报编号", &t) != 0) {
		rc = -1;
		goto out;
	}
	long cs = S_col(&t, "学会名称"), ct = S_col(&t, "项目名称"), ca = S_col(&t, "拟资助金额");
	long cid = S_col(&t, "申报编号");
	if (cs < 0 || ct < 0 || ca < 0 || cid < 0) {
		xh_diag_add(R->diag, 0, "%s: the columns 申报编号, 学会名称, 项目名称, 拟资助金额 are not all there",
		            list);
		S_table_free(&t);
		rc = -1;
		goto out;
	}
	for (size_t r = 1; r < t.nrows; r++) {
		xh_fen v;
		if (S_fen(S_at(&t, r, (size_t)ca), &v) != 0) {
			S_mismatch(R, &bad, "%s: 拟资助金额 \"%s\" is not an amount", list, S_at(&t, r, (size_t)ca));
			continue;
		}
		XH_GROW(want, cap, nwant + 1);
		want[nwant].key = xasprintf("%s\t%s", S_at(&t, r, (size_t)cs), S_at(&t, r, (size_t)ct));
		want[nwant++].v = v;
		want_total += v;
	}
	if (S_notice_html(R, html, &got, &ngot, &total, &has_total) != 0) {
		S_table_free(&t);
		rc = -1;
		goto out;
	}
	if (nwant)
		qsort(want, nwant, sizeof(*want), S_proj_cmp);
	if (ngot)
		qsort(got, ngot, sizeof(*got), S_proj_cmp);
	for (size_t i = 0, j = 0; i < nwant || j < ngot;) {
		int c = i == nwant ? 1 : j == ngot ? -1 : S_proj_cmp(&want[i], &got[j]);
		if (c == 0) {
			i++, j++;
		} else if (c < 0) {
			S_mismatch(R, &bad, "the proposed project \"%s\" is not in %s", want[i].key, html);
			i++;
		} else {
			S_mismatch(R, &bad, "%s: \"%s\" is not in the review's proposed list", html, got[j].key);
			j++;
		}
	}
	if (!has_total || total != want_total) {
		m.len = m2.len = 0;
		if (has_total)
			xh_money_yuan(&m, total);
		else
			xh_buf_adds(&m, "(none)");
		xh_money_yuan(&m2, want_total);
		xh_buf_printf(&m, " 元, the proposed list %s 元", xh_buf_cstr(&m2));
		S_mismatch(R, &bad, "%s: the total %s", html, xh_buf_cstr(&m));
	}
	/* 2. the ledger's approved amounts against the decisions or proposals */
	{
		char *book = xasprintf("%s/ledger/资金台账.xlsx", R->yeardir);
		S_table L;
		if (S_table_read(R, book, "申报编号", &L) != 0) {
			free(book);
			S_table_free(&t);
			rc = -1;
			goto out;
		}
		long lid = S_col(&L, "申报编号"), lap = S_col(&L, "核定金额");
		const xh_year *y = R->y;
		size_t nrows = 0;
		for (size_t r = 1; lid >= 0 && lap >= 0 && r < L.nrows; r++) {
			const char *id = S_at(&L, r, (size_t)lid);
			int a = xh_year_application(y, id);
			if (a < 0)
				continue; /* a total row */
			nrows++;
			xh_fen v, want_v = -1;
			if (S_fen(S_at(&L, r, (size_t)lap), &v) != 0) {
				S_mismatch(R, &bad, "%s: 核定金额 of %s is not an amount", book, id);
				continue;
			}
			if (y->ndecisions) {
				for (size_t k = 0; k < y->ndecisions; k++)
					if (y->decisions[k].application == a && y->decisions[k].approved == 1)
						want_v = y->decisions[k].has_amount ? y->decisions[k].amount
						                                    : y->applications[a].amount;
			} else {
				for (size_t r2 = 1; r2 < t.nrows; r2++)
					if (!strcmp(S_at(&t, r2, (size_t)cid), id))
						S_fen(S_at(&t, r2, (size_t)ca), &want_v);
			}
			if (want_v != v) {
				m.len = 0;
				xh_buf_printf(&m, "%s: 核定金额 ", id);
				xh_money_yuan(&m, v);
				xh_buf_adds(&m, " 元");
				S_mismatch(R, &bad, "%s: %s differs from the decisions or proposals", book,
				           xh_buf_cstr(&m));
			}
		}
		size_t napproved = 0;
		if (y->ndecisions) {
			for (size_t k = 0; k < y->ndecisions; k++)
				napproved += y->decisions[k].approved == 1;
		} else {
			napproved = t.nrows - 1;
		}
		if (lid < 0 || lap < 0 || nrows != napproved) {
			char cnt[64];
			snprintf(cnt, sizeof(cnt), "%zu of %zu", nrows, napproved);
			S_mismatch(R, &bad, "%s: 资金分配 lists %s approved projects", book, cnt);
		}
		/* 3. the acceptance summary against the ledger, project by project */
		char *acc = xasprintf("%s/acceptance/验收汇总.xlsx", R->yeardir);
		S_table A;
		if (S_table_read(R, acc, "申报编号", &A) != 0) {
			free(acc);
			S_table_free(&L);
			free(book);
			S_table_free(&t);
			rc = -1;
			goto out;
		}
		static const char *const money[] = {"核定金额", "已拨付", "已支出"};
		long aid = S_col(&A, "申报编号");
		size_t nacc = 0;
		for (size_t r = 1; r < A.nrows; r++) {
			const char *id = S_at(&A, r, (size_t)aid);
			if (xh_year_application(y, id) < 0)
				continue; /* a total row */
			nacc++;
			size_t lr = 1;
			while (lr < L.nrows && strcmp(S_at(&L, lr, (size_t)lid), id) != 0)
				lr++;
			if (lr == L.nrows) {
				S_mismatch(R, &bad, "%s: %s is not an approved project of the ledger", acc, id);
				continue;
			}
			for (size_t k = 0; k < 3; k++) {
				long ca2 = S_col(&A, money[k]), cl = S_col(&L, money[k]);
				xh_fen va, vl;
				if (ca2 < 0 || cl < 0 || S_fen(S_at(&A, r, (size_t)ca2), &va) != 0 ||
				    S_fen(S_at(&L, lr, (size_t)cl), &vl) != 0 || va != vl) {
					char *what = xasprintf("%s of %s", money[k], id);
					S_mismatch(R, &bad, "%s: %s differs from the ledger's", acc, what);
					free(what);
				}
			}
		}
		if (nacc != nrows) {
			char cnt[64];
			snprintf(cnt, sizeof(cnt), "%zu projects, the ledger %zu", nacc, nrows);
			S_mismatch(R, &bad, "%s: %s", acc, cnt);
		}
		S_table_free(&A);
		free(acc);
		S_table_free(&L);
		free(book);
	}
	S_table_free(&t);
out:
	S_free_projs(want, nwant);
	S_free_projs(got, ngot);
	xh_buf_free(&m);
	xh_buf_free(&m2);
	free(list);
	free(html);
	return rc < 0 ? -1 : bad;
}

/* S_reconcile with its verdict in R->diag: XH_OK when the outputs
 * reconcile, else XH_ESYS. */
static xh_err S_verify(S_run *R)
{
	int bad = S_reconcile(R);
	if (bad == 0)
		return XH_OK;
	xh_diag_add(R->diag, 0, bad < 0 ? "%s: the outputs could not be read back to reconcile them"
	                                : "%s: the outputs do not reconcile",
	            R->yeardir);
	return XH_ESYS;
}

xh_err xh_run_verify(const char *dir, const char *out, FILE *report, xh_diag *diag)
{
	xh_year *y = xh_year_load(dir, 0, diag);
	if (!y)
		return XH_EDATA;
	S_run R = {0};
	R.y = y;
	R.diag = diag;
	R.yeardir = xasprintf("%s/%d", out, y->prog.year);
	xh_err rc = S_verify(&R);
	if (rc == XH_OK) {
		fprintf(report, _("%s: the notice, the proposed list, the ledger and the acceptance summary "
		                  "reconcile\n"),
		        R.yeardir);
	}
	free(R.yeardir);
	xh_year_free(y);
	return rc;
}

/* ---- progress ---- */

/* A bar on stderr for a terminal: the stage, its files so far against
 * what it is expected to write, redrawn at most every 1 % or file 1. */
typedef struct {
	const char *stage;
	size_t expect, last;
	int drawn;
} S_bar;

static void S_bar_draw(void *ud, const char *stage, size_t n)
{
	S_bar *b = ud;
	if (!b->expect)
		return;
	size_t shown = n > b->expect ? b->expect : n;
	size_t pct = shown * 100 / b->expect;
	if (b->drawn && pct == b->last && n != 1)
		return;
	b->last = pct;
	b->drawn = 1;
	char bar[31];
	size_t fill = shown * 30 / b->expect;
	for (size_t i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\r%-8s [%s] %3zu%% %zu/%zu", stage, bar, pct, shown, b->expect);
	fflush(stderr);
}

static void S_bar_end(S_bar *b)
{
	if (b->drawn)
		fprintf(stderr, "\r%60s\r", "");
	b->drawn = 0;
	b->last = 0;
}

/* What a stage is about to write, for the bar: an upper bound is enough. */
static size_t S_expect(const xh_year *y, const xh_review *r, const char *stage)
{
	if (!strcmp(stage, "pack"))
		return y->nsocieties + 2;
	if (!strcmp(stage, "accept")) {
		size_t n = 0;
		for (size_t i = 0; i < y->napplications; i++)
			n += r->app[i].sel == XH_SEL_PROPOSED;
		if (y->ndecisions) {
			n = 0;
			for (size_t i = 0; i < y->ndecisions; i++)
				n += y->decisions[i].approved == 1;
		}
		return n + 3;
	}
	return 0;
}

/* ---- the run ---- */

/* The review's line: its report opens with a table, so the line is made
 * from the results. */
static char *S_review_line(const xh_review *r)
{
	size_t veto = 0, failed = 0, budget = 0, proposed = 0, scores = 0;
	for (size_t i = 0; i < r->y->napplications; i++) {
		const xh_app_result *a = &r->app[i];
		veto += a->overall == XH_V_VETO;
		failed += a->overall == XH_V_FAIL;
		budget += a->sel == XH_SEL_BUDGET;
		proposed += a->sel == XH_SEL_PROPOSED;
		scores += a->sel == XH_SEL_FEW_SCORES || a->sel == XH_SEL_LOW_SCORE;
	}
	xh_buf b = XH_BUF_INIT;
	xh_buf_printf(&b, "形式审查：%zu 项申报，拟立项 %zu 项，合计 ", r->y->napplications, proposed);
	xh_money_yuan(&b, r->proposed_total);
	xh_buf_printf(&b, " 元；一票否决 %zu 项，不通过 %zu 项，评分不足 %zu 项，经费不足未资助 %zu 项", veto,
	              failed, scores, budget);
	return xh_buf_detach(&b);
}

/* The last non-empty line of a report, for the stage's line. */
static char *S_last_line(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	size_t b = n;
	while (b && s[b - 1] != '\n')
		b--;
	return xstrndup(s + b, n - b);
}

xh_err xh_run_year(const char *dir, const char *out, const xh_run_opts *o, FILE *report,
                   xh_diag *diag)
{
	unsigned what = 0;
	for (size_t i = 0; i < NSTAGES; i++)
		what |= S_stages[i].st.what;
	xh_year *y = xh_year_load(dir, what, diag);
	if (!y)
		return XH_EDATA;
	S_run R = {0};
	R.y = y;
	R.o = o;
	R.diag = diag;
	R.yeardir = xasprintf("%s/%d", out, y->prog.year);
	xh_err rc = XH_OK;
	size_t nrec = 0;
	for (size_t i = 0; i < sizeof(y->file) / sizeof(y->file[0]); i++)
		nrec += y->file[i] != NULL;
	fprintf(report, "%-8s %s：%zu 个记录文件，无错误 (%zu record files, no problems)\n", "check",
	        dir, nrec, nrec);
	xh_review *r = xh_review_run(y);
	S_bar bar = {0};
	if (o->progress)
		xh_stage_on_file(S_bar_draw, &bar);
	for (size_t i = 0; i < NSTAGES && rc == XH_OK; i++) {
		const S_stage *st = &S_stages[i];
		bar.expect = S_expect(y, r, st->st.name);
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);
		if (!mem) {
			xh_diag_add(diag, 0, "out of memory");
			rc = XH_ESYS;
			break;
		}
		xh_stage *kept = NULL;
		rc = st->st.fn(y, r, out, mem, &kept, diag);
		fclose(mem);
		S_bar_end(&bar);
		xh_buf_printf(&R.log, "== %s %s ==\n%.*s\n", st->st.name, st->st.title, (int)len, text);
		if (rc == XH_OK) {
			size_t before = R.nouts;
			if (kept) {
				size_t nf;
				const xh_stage_file *f = xh_stage_files(kept, &nf);
				for (size_t k = 0; k < nf; k++)
					S_add_out(&R, st->folder, f[k].name, f[k].sha256, f[k].size,
					          f[k].template_name, f[k].template_sha256);
			} else {
				rc = S_scan(&R, st->folder);
			}
			char *last = st->st.fn == S_review_cmd ? S_review_line(r) : S_last_line(text, len);
			fprintf(report, "%-8s %s（%zu 个文件 files）\n", st->st.name, last, R.nouts - before);
			free(last);
		} else {
			fprintf(report, "%-8s %s\n", st->st.name,
			        _("failed: its previous output is left as it was"));
		}
		xh_stage_free(kept);
		free(text);
	}
	xh_stage_on_file(NULL, NULL);
	if (rc == XH_OK && o->pdf)
		rc = S_pdf(&R, out);
	if (rc == XH_OK) {
		rc = S_verify(&R);
		if (rc == XH_OK)
			fprintf(report, "%-8s %s\n", "verify",
			        "公示＝拟立项名单，台账＝核定金额，验收汇总＝台账 (notice, ledger and acceptance reconcile)");
	}
	if (rc == XH_OK) {
		char *path = xasprintf("%s/run-report.txt", R.yeardir);
		rc = S_write_atomic(&R, path, &R.log);
		free(path);
	}
	if (rc == XH_OK && (rc = S_manifest(&R)) == XH_OK && xh_fsync_path(R.yeardir, 1) != 0) {
		xh_diag_add(diag, 0, "%s: cannot sync: %s", R.yeardir, strerror(errno));
		rc = XH_ESYS;
	}
	if (rc == XH_OK)
		fprintf(report, "%-8s %zu 个输出文件 files → %s/manifest.csv; 详情 details: %s/run-report.txt\n",
		        "manifest", R.nouts, R.yeardir, R.yeardir);
	xh_review_free(r);
	for (size_t i = 0; i < R.nouts; i++) {
		free(R.outs[i].path);
		free(R.outs[i].tmpl);
	}
	free(R.outs);
	xh_buf_free(&R.log);
	free(R.yeardir);
	xh_year_free(y);
	return rc;
}
