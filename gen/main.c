/*
 * main.c — the xhgen command line: parses options, runs one command of the
 * core, prints its diagnostics and maps the outcome to an exit status
 * (0 done, 1 data or template error, 2 usage, 3 system failure).
 */
#include <getopt.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "check.h"
#include "collect.h"
#include "i18n.h"
#include "init.h"
#include "run.h"
#include "stage.h"
#include "review.h"
#include "rows.h"
#include "schema.h"
#include "year.h"
#include "data.h"
#include "docx.h"
#include "tmpl.h"
#include "util.h"
#include "xh.h"

/* One table feeds getopt_long and --help. */
typedef struct {
	const char *name;
	int has_arg;
	int val;
	const char *arg;
	const char *help;
} S_opt;

enum { O_ALLOW_MISSING = 256, O_DELIMITERS, O_NAME, O_HELP, O_VERSION, O_YEAR, O_XLSX, O_PDF, O_DRY_RUN };

static const S_opt S_opts[] = {
	{"output", 1, 'o', "PATH", "where to write: OUT of OUT/<year>/ (year commands), the file (fill), the folder (merge), the year folder (collect)"},
	{"name", 1, O_NAME, "PATTERN", "merge: file name of each document, filled like a tag, e.g. '{name}.docx'"},
	{"allow-missing", 0, O_ALLOW_MISSING, NULL, "render a missing value as empty instead of failing"},
	{"delimiters", 1, O_DELIMITERS, "'OPEN CLOSE'", "tag delimiters, default '{ }'"},
	{"jobs", 1, 'j', "N", "merge: documents rendered in parallel (default: one per core)"},
	{"year", 1, O_YEAR, "YEAR", "init: the programme year of the new folder"},
	{"xlsx", 0, O_XLSX, NULL, "init: record files as XLSX (default CSV)"},
	{"pdf", 0, O_PDF, NULL, "run: also convert every DOCX to PDF with LibreOffice"},
	{"dry-run", 0, O_DRY_RUN, NULL, "collect: show what would change, write nothing"},
	{"help", 0, O_HELP, NULL, "show this help and exit"},
	{"version", 0, O_VERSION, NULL, "show the version and exit"},
};
#define NOPTS (sizeof(S_opts) / sizeof(S_opts[0]))

static void S_usage(FILE *f)
{
	fputs("usage: xhgen run     DIR -o OUT [--pdf]\n"
	      "       xhgen init    DIR --year YEAR [--xlsx]\n"
	      "       xhgen check   DIR\n"
	      "       xhgen pack    DIR -o OUT\n"
	      "       xhgen review  DIR -o OUT\n"
	      "       xhgen notice  DIR -o OUT\n"
	      "       xhgen ledger  DIR -o OUT\n"
	      "       xhgen accept  DIR -o OUT\n"
	      "       xhgen verify  DIR -o OUT\n"
	      "       xhgen collect FORMS_DIR -o DIR [--dry-run]\n"
	      "       xhgen fill    TEMPLATE.docx DATA -o OUT.docx [--allow-missing] [--delimiters 'OPEN CLOSE']\n"
	      "       xhgen merge   TEMPLATE.docx DATA -o DIR --name PATTERN [-j N] [--allow-missing] [--delimiters ...]\n"
	      "       xhgen tags    TEMPLATE.docx [RECORDS] [--delimiters ...]\n"
	      "       xhgen COMMAND --help\n",
	      f);
}

/* What `xhgen COMMAND --help` says: the command's usage line (from
 * S_usage), what it does, and the options it takes. */
typedef struct {
	const char *name;
	const char *opts; /* the long options it takes, space-separated */
	const char *text;
} S_cmd_help;

static const S_cmd_help S_cmds[] = {
	{"run", "output pdf",
	 "the whole year: check, pack, review, notice, ledger, accept into OUT/<year>/,\n"
	 "then the outputs read back and reconciled (exit 3 if they disagree) and\n"
	 "OUT/<year>/manifest.csv: every input and output with its SHA-256; the\n"
	 "findings of every stage in OUT/<year>/run-report.txt"},
	{"init", "year xlsx",
	 "a new, empty year folder: programme.xml with the seed's rules and every\n"
	 "record file with its header row, for staff to fill in; never overwrites"},
	{"check", "", "validate a programme year folder (programme.xml and the record files)"},
	{"pack", "output",
	 "the application pack: one 项目申报书 per eligible society, 申报须知 and\n"
	 "a zip of them in OUT/<year>/pack/; lists the societies without a form"},
	{"review", "output",
	 "formal review, eligibility and selection of a year folder: writes\n"
	 "OUT/<year>/review/形式审查.xlsx and 拟立项名单.csv"},
	{"notice", "output",
	 "the publicity notice (公示) of the proposed projects: writes\n"
	 "OUT/<year>/notice/公示.docx and 公示.html and prints the period"},
	{"ledger", "output",
	 "the fund ledger: writes OUT/<year>/ledger/资金台账.xlsx and prints the\n"
	 "payments and expenses that break the spending rules"},
	{"accept", "output",
	 "acceptance (验收): one 验收结论书 per approved project, 验收汇总.docx\n"
	 "and .xlsx, next year's ineligible.csv in OUT/<year>/acceptance/;\n"
	 "prints the failed projects and where the panel and the rules disagree"},
	{"verify", "output", "read OUT/<year>/ back and reconcile it (what run does last)"},
	{"collect", "output dry-run",
	 "read the returned 项目申报书 of FORMS_DIR (their content controls) into\n"
	 "the year folder DIR: merges applications.csv and budget_lines.csv,\n"
	 "writes collect-report.csv (a row per form)"},
	{"fill", "output allow-missing delimiters", "fill TEMPLATE once from DATA into OUT.docx"},
	{"merge", "output name jobs allow-missing delimiters",
	 "one document per record of DATA into DIR, named by --name"},
	{"tags", "delimiters",
	 "list every tag and section of TEMPLATE with its part and paragraph; with\n"
	 "RECORDS (a CSV, XLSX or XML record file), also every tag whose field is\n"
	 "not a column of it (exit 1): what a merge over RECORDS would miss"},
};
#define NCMDS (sizeof(S_cmds) / sizeof(S_cmds[0]))

static void S_opt_line(const S_opt *o)
{
	char lhs[64];
	if (o->val < 256)
		snprintf(lhs, sizeof(lhs), "-%c, --%s%s%s", o->val, o->name, o->arg ? " " : "",
		         o->arg ? o->arg : "");
	else
		snprintf(lhs, sizeof(lhs), "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	printf("  %-28s %s\n", lhs, o->help);
}

/* The text with every line but the first indented by ind spaces. */
static void S_indented(const char *text, int ind)
{
	for (const char *p = text; *p; p++) {
		putchar(*p);
		if (*p == '\n')
			printf("%*s", ind, "");
	}
	putchar('\n');
}

static int S_takes(const S_cmd_help *c, const char *opt)
{
	size_t n = strlen(opt);
	for (const char *p = c->opts; (p = strstr(p, opt)) != NULL; p += n)
		if ((p == c->opts || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* `xhgen --help`, or `xhgen COMMAND --help` when cmd names a command. */
static void S_help(const char *cmd)
{
	const S_cmd_help *c = NULL;
	for (size_t i = 0; cmd && i < NCMDS; i++)
		if (!strcmp(S_cmds[i].name, cmd))
			c = &S_cmds[i];
	if (c) {
		/* the command's line of S_usage */
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);
		if (m) {
			S_usage(m);
			fclose(m);
			char *want = xasprintf("xhgen %s ", c->name);
			for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
				char *at = strstr(line, want);
				if (at)
					printf("usage: %s\n", at);
			}
			free(want);
			free(text);
		}
		printf("\n");
		S_indented(c->text, 0);
		printf("\noptions:\n");
		for (size_t i = 0; i < NOPTS; i++)
			if (S_takes(c, S_opts[i].name))
				S_opt_line(&S_opts[i]);
		printf("  %-28s %s\n", "    --help", "show this help and exit");
		printf("\nexit status: 0 done, 1 data or template error (nothing written),\n"
		       "2 usage error, 3 system failure.  See man xhgen.\n");
		return;
	}
	printf("xhgen %s — the paperwork of the 学会创新和服务能力提升工程 programme year\n"
	       "(威海市科协) and a DOCX template engine with docxtemplater's syntax\n\n",
	       XH_VERSION);
	S_usage(stdout);
	printf("\ncommands:\n");
	for (size_t i = 0; i < NCMDS; i++) {
		printf("  %-8s", S_cmds[i].name);
		S_indented(S_cmds[i].text, 10);
	}
	printf("\nDATA is .json (an object; for merge an array of objects), .xml (the root's\n"
	       "child elements are fields, repeated elements a list; for merge the repeated\n"
	       "children of the root are the records), or .csv/.xlsx (the list `rows`; for\n"
	       "merge each row is a record, read as it is rendered).\n"
	       "\ntemplate syntax: {name}  {a.b.c}  {.}  {#list}…{/list}  {^empty}…{/empty}\n"
	       "filters: {amount | yuan}  {amount | wan}  {amount | cny}  {d | date}  {d | date:\"cn\"}\n"
	       "         {x | default:\"—\"}  {list | count}  {phone | mask}  {rows | sum:\"amount\"}\n"
	       "\noptions:\n");
	for (size_t i = 0; i < NOPTS; i++)
		S_opt_line(&S_opts[i]);
	printf("\nexit status: 0 done, 1 data or template error (nothing written),\n"
	       "2 usage error, 3 system failure.\n");
}

/* The commands that work on a year folder (run.h's stages): loaded with
 * what they need, reviewed, then written as one stage. */
static const xh_run_stage *S_year_cmd(const char *name)
{
	size_t n;
	const xh_run_stage *st = xh_run_stages(&n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(st[i].name, name))
			return &st[i];
	return NULL;
}

/* ---- tags TEMPLATE RECORDS: the fields the template needs that the
 * records do not have ---- */

typedef struct {
	char **have;        /* column headers, and the field ids they map to */
	size_t nhave;
	const char *tpl, *records, *part;
	xh_diag *diag;
	size_t skip;        /* inside a section whose own name is missing */
	char **seen;        /* the missing names reported, with their counts */
	size_t *count, nseen;
	size_t missing;
} S_fields;

static void S_fields_part(void *ud, const char *name)
{
	((S_fields *)ud)->part = name;
}

static void S_fields_tag(void *ud, int kind, uint32_t para, const char *tag, const char *name)
{
	S_fields *f = ud;
	if (f->skip) {
		/* the items of a list the records do not have: reported once, at
		 * the section */
		f->skip += kind == 1 ? 1 : kind == 2 ? (size_t)-1 : 0;
		return;
	}
	if (kind == 2)
		return;
	for (size_t i = 0; i < f->nhave; i++)
		if (!strcmp(f->have[i], name))
			return;
	if (kind == 1)
		f->skip = 1;
	for (size_t i = 0; i < f->nseen; i++)
		if (!strcmp(f->seen[i], name)) {
			f->count[i]++;
			return;
		}
	f->seen = xrealloc(f->seen, (f->nseen + 1) * sizeof(*f->seen));
	f->count = xrealloc(f->count, (f->nseen + 1) * sizeof(*f->count));
	f->seen[f->nseen] = xstrdup(name);
	f->count[f->nseen++] = 1;
	xh_diag_add(f->diag, 0, "%s: %s: paragraph %u: %s: no column \"%s\" in %s", f->tpl, f->part,
	            (unsigned)para, tag, name, f->records);
	f->missing++;
}

/* A merge over RECORDS fills the template from one row at a time: every
 * tag's name must be a column (its header, or the SCHEMA.md id the header
 * stands for in a record file of the year).  Returns the count missing. */
static size_t S_tags_against(const xh_doc *doc, const char *tpl, const char *records, xh_diag *diag)
{
	xh_rows *r = xh_rows_open(records, diag);
	if (!r)
		return (size_t)-1;
	const char *base = strrchr(records, '/');
	base = base ? base + 1 : records;
	const char *dot = strrchr(base, '.');
	char *stem = dot ? xstrndup(base, (size_t)(dot - base)) : xstrdup(base);
	const xh_rtype *t = xh_schema_type(stem);
	free(stem);
	S_fields f = {NULL, 0, tpl, records, "", diag, 0, NULL, NULL, 0, 0};
	f.have = xcalloc(2 * xh_rows_ncols(r) + 1, sizeof(char *));
	for (size_t i = 0; i < xh_rows_ncols(r); i++) {
		f.have[f.nhave++] = xstrdup(xh_rows_header(r, i));
		const xh_field *fd = t ? xh_schema_field(t, xh_rows_header(r, i)) : NULL;
		if (fd)
			f.have[f.nhave++] = xstrdup(fd->id);
	}
	xh_rows_close(r);
	xh_doc_names(doc, S_fields_tag, &f, S_fields_part);
	for (size_t i = 0; i < f.nhave; i++)
		free(f.have[i]);
	free(f.have);
	for (size_t i = 0; i < f.nseen; i++)
		free(f.seen[i]);
	free(f.seen);
	free(f.count);
	return f.missing;
}

/* A short message for S_fail_usage, in a static buffer. */
static const char *S_msg(const char *fmt, ...)
{
	static char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

static int S_fail_usage(const char *msg)
{
	fprintf(stderr, "xhgen: %s\n", gettext(msg));
	S_usage(stderr);
	fprintf(stderr, _("Try 'xhgen --help' for more information.\n"));
	return XH_EUSAGE;
}

static int S_report(xh_diag *diag, xh_err rc, int nothing_written)
{
	for (size_t i = 0; i < diag->n; i++)
		fprintf(stderr, "xhgen: %s\n", diag->msg[i]);
	if (rc != XH_OK) {
		if (diag->n > 1 || rc == XH_EDATA) {
			fputs("xhgen: ", stderr);
			fprintf(stderr, ngettext("%zu error", "%zu errors", diag->n), diag->n);
			fputs(nothing_written ? _(", nothing written\n") : "\n", stderr);
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	/* Zip timestamps are converted with localtime(): pin the zone so the
	 * bytes do not depend on the machine's. */
	setenv("TZ", "UTC0", 1);
	tzset();
	/* A file size limit (ulimit -f) makes write() fail with EFBIG instead
	 * of killing us half-way: the failure is reported and cleaned up. */
	signal(SIGXFSZ, SIG_IGN);
	xmlInitParser();
	xh_i18n_init();

	struct option lopts[NOPTS + 1];
	char shortopts[32] = "+";
	for (size_t i = 0; i < NOPTS; i++) {
		lopts[i] = (struct option){S_opts[i].name, S_opts[i].has_arg, NULL, S_opts[i].val};
		if (S_opts[i].val < 256) {
			size_t l = strlen(shortopts);
			shortopts[l] = (char)S_opts[i].val;
			shortopts[l + 1] = S_opts[i].has_arg ? ':' : '\0';
			shortopts[l + 2] = '\0';
		}
	}
	lopts[NOPTS] = (struct option){NULL, 0, NULL, 0};

	const char *out = NULL, *pattern = NULL, *delims = NULL;
	int help = 0, allow_missing = 0, jobs = 0, year = 0, xlsx = 0, pdf = 0, dry_run = 0;
	char *pos[8];
	int npos = 0;
	/* Options may come before or after the operands. */
	optind = 1;
	opterr = 0;
	while (optind < argc) {
		int c = getopt_long(argc, argv, shortopts, lopts, NULL);
		if (c == -1) {
			if (npos >= 8)
				return S_fail_usage("too many arguments");
			pos[npos++] = argv[optind++];
			continue;
		}
		switch (c) {
		case 'o': out = optarg; break;
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 256)
				return S_fail_usage("-j: expected a number of jobs from 1 to 256");
			jobs = (int)n;
			break;
		}
		case O_NAME: pattern = optarg; break;
		case O_YEAR: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1900 || n > 2999)
				return S_fail_usage("--year: expected a year such as 2026");
			year = (int)n;
			break;
		}
		case O_XLSX: xlsx = 1; break;
		case O_PDF: pdf = 1; break;
		case O_ALLOW_MISSING: allow_missing = 1; break;
		case O_DELIMITERS: delims = optarg; break;
		case O_DRY_RUN: dry_run = 1; break;
		case O_HELP: help = 1; break;
		case O_VERSION: printf("xhgen %s\n", XH_VERSION); return fclose(stdout) == 0 ? 0 : XH_ESYS;
		case '?':
		default: {
			char msg[128];
			if (optopt && optopt < 256)
				snprintf(msg, sizeof(msg), "unknown option or missing argument: -%c", optopt);
			else
				snprintf(msg, sizeof(msg), "unknown option or missing argument: %s", argv[optind - 1]);
			return S_fail_usage(msg);
		}
		}
	}
	if (help) {
		S_help(npos ? pos[0] : NULL);
		return fclose(stdout) == 0 ? 0 : XH_ESYS;
	}
	if (npos == 0)
		return S_fail_usage("no command given");
	const char *cmd = pos[0];
	if (dry_run && strcmp(cmd, "collect"))
		return S_fail_usage("--dry-run is for collect");

	xh_tmpl_opts topts = {"{", "}", allow_missing};
	char *dopen = NULL, *dclose = NULL;
	if (delims) {
		const char *sp = strchr(delims, ' ');
		if (!sp || sp == delims || !sp[1] || strchr(sp + 1, ' '))
			return S_fail_usage("--delimiters: expected 'OPEN CLOSE', two strings separated by one space");
		dopen = xstrndup(delims, (size_t)(sp - delims));
		dclose = xstrdup(sp + 1);
		topts.open = dopen;
		topts.close = dclose;
	}

	int rc;
	const xh_run_stage *yc;
	xh_diag diag = {0};
	if (!strcmp(cmd, "tags")) {
		if (npos != 2 && npos != 3) {
			rc = S_fail_usage("tags: expected TEMPLATE.docx [RECORDS]");
			goto done;
		}
		xh_doc *doc = xh_doc_compile(pos[1], &topts, &diag);
		if (!doc) {
			rc = S_report(&diag, XH_EDATA, 0);
			goto done;
		}
		xh_doc_list(doc, stdout);
		size_t missing = npos == 3 ? S_tags_against(doc, pos[1], pos[2], &diag) : 0;
		xh_doc_free(doc);
		rc = fclose(stdout) == 0 ? XH_OK : XH_ESYS;
		if (missing == (size_t)-1 || (missing && rc == XH_OK))
			rc = XH_EDATA;
		if (missing && missing != (size_t)-1)
			xh_diag_add(&diag, 0,
			            ngettext("%s: %zu field the template needs is not in %s",
			                     "%s: %zu fields the template needs are not in %s", missing),
			            pos[1], missing, pos[2]);
		rc = S_report(&diag, rc, 0);
	} else if (!strcmp(cmd, "run")) {
		if (npos != 2) {
			rc = S_fail_usage("run: expected DIR, a programme year folder");
			goto done;
		}
		if (!out) {
			rc = S_fail_usage("run: -o OUT is required");
			goto done;
		}
		if (pattern || jobs || allow_missing || delims || year || xlsx) {
			rc = S_fail_usage("run takes only -o OUT and --pdf");
			goto done;
		}
		char *soffice = pdf ? xh_run_soffice() : NULL;
		if (pdf && !soffice) {
			/* refused before anything is done (CONVENTIONS.md: exit 2) */
			fprintf(stderr, "xhgen: %s\n",
			        _("--pdf needs LibreOffice, which is not installed: "
			          "apt-get install libreoffice-writer-nogui"));
			rc = XH_EUSAGE;
			goto done;
		}
		free(soffice);
		xh_run_opts ro = {pdf, isatty(2)};
		rc = S_report(&diag, xh_run_year(pos[1], out, &ro, stdout, &diag), 0);
		if (fclose(stdout) != 0 && rc == XH_OK)
			rc = XH_ESYS;
	} else if (!strcmp(cmd, "verify")) {
		if (npos != 2 || !out) {
			rc = S_fail_usage("verify: expected DIR -o OUT");
			goto done;
		}
		if (pattern || jobs || allow_missing || delims || year || xlsx || pdf) {
			rc = S_fail_usage("verify takes only -o OUT");
			goto done;
		}
		rc = S_report(&diag, xh_run_verify(pos[1], out, stdout, &diag), 0);
		if (fclose(stdout) != 0 && rc == XH_OK)
			rc = XH_ESYS;
	} else if (!strcmp(cmd, "init")) {
		if (npos != 2 || !year) {
			rc = S_fail_usage("init: expected DIR --year YEAR");
			goto done;
		}
		if (out || pattern || jobs || allow_missing || delims) {
			rc = S_fail_usage("init takes only --year and --xlsx");
			goto done;
		}
		rc = S_report(&diag, xh_init_year(pos[1], year, xlsx, stdout, &diag), 1);
		if (fclose(stdout) != 0 && rc == XH_OK)
			rc = XH_ESYS;
	} else if (!strcmp(cmd, "check")) {
		if (npos != 2) {
			rc = S_fail_usage("check: expected DIR, a programme year folder");
			goto done;
		}
		if (out || pattern || jobs || allow_missing || delims || year || xlsx || pdf || dry_run) {
			rc = S_fail_usage("check takes no options");
			goto done;
		}
		size_t nerr;
		xh_err e = xh_check_year(pos[1], &diag, stdout, &nerr);
		if (e == XH_OK)
			printf("%s: no problems found\n", pos[1]);
		rc = S_report(&diag, e, 0);
		if (fclose(stdout) != 0 && rc == XH_OK)
			rc = XH_ESYS;
	} else if ((yc = S_year_cmd(cmd)) != NULL) {
		if (npos != 2) {
			rc = S_fail_usage(S_msg(_("%s: expected DIR, a programme year folder"), cmd));
			goto done;
		}
		if (!out) {
			rc = S_fail_usage(S_msg(_("%s: -o OUT is required"), cmd));
			goto done;
		}
		if (pattern || jobs || allow_missing || delims) {
			rc = S_fail_usage(S_msg(_("%s takes only -o OUT"), cmd));
			goto done;
		}
		xh_year *y = xh_year_load(pos[1], yc->what, &diag);
		if (!y) {
			rc = S_report(&diag, XH_EDATA, 1);
			goto done;
		}
		/* every year command stands on the review: the selection, and
		 * the ledger's approved list when the year has no decisions */
		xh_review *r = xh_review_run(y);
		xh_err e = yc->fn(y, r, out, stdout, NULL, &diag);
		xh_review_free(r);
		xh_year_free(y);
		rc = S_report(&diag, e, 1);
		if (fclose(stdout) != 0 && rc == XH_OK)
			rc = XH_ESYS;
	} else if (!strcmp(cmd, "collect")) {
		/* not a year command: it reads a folder of forms into DIR and
		 * writes there, not under OUT/<year>/ */
		if (npos != 2) {
			rc = S_fail_usage("collect: expected FORMS_DIR, the folder of returned forms");
			goto done;
		}
		if (!out) {
			rc = S_fail_usage("collect: -o DIR (the programme year folder) is required");
			goto done;
		}
		if (pattern || jobs || allow_missing || delims) {
			rc = S_fail_usage("collect takes only -o DIR and --dry-run");
			goto done;
		}
		xh_err e = xh_collect(pos[1], out, dry_run, stdout, &diag);
		rc = S_report(&diag, e, 1);
		if (fclose(stdout) != 0 && rc == XH_OK)
			rc = XH_ESYS;
	} else if (!strcmp(cmd, "fill") || !strcmp(cmd, "merge")) {
		int merge = cmd[0] == 'm';
		if (npos != 3) {
			rc = S_fail_usage(merge ? "merge: expected TEMPLATE.docx DATA" : "fill: expected TEMPLATE.docx DATA");
			goto done;
		}
		if (!out) {
			rc = S_fail_usage(merge ? "merge: -o DIR is required" : "fill: -o OUT.docx is required");
			goto done;
		}
		if (merge && !pattern) {
			rc = S_fail_usage("merge: --name PATTERN is required");
			goto done;
		}
		if (!merge && (pattern || jobs)) {
			rc = S_fail_usage(pattern ? "fill: --name is for merge" : "fill: -j is for merge");
			goto done;
		}
		xh_doc *doc = xh_doc_compile(pos[1], &topts, &diag);
		/* merge over CSV or XLSX reads the rows as it renders them */
		const char *ext = strrchr(pos[2], '.');
		int rows = merge && ext && (!strcasecmp(ext, ".csv") || !strcasecmp(ext, ".xlsx"));
		xh_data *data = rows ? NULL : xh_data_load(pos[2], &diag);
		if (!doc || (!data && !rows)) {
			xh_doc_free(doc);
			xh_data_free(data);
			rc = S_report(&diag, XH_EDATA, 1);
			goto done;
		}
		xh_err e;
		if (merge) {
			size_t written;
			e = rows ? xh_doc_merge_rows(doc, pos[2], out, pattern, jobs, &diag, &written)
			         : xh_doc_merge(doc, data, pos[2], out, pattern, jobs, &diag, &written);
			if (e == XH_OK)
				printf("%zu document%s written to %s\n", written, written == 1 ? "" : "s", out);
		} else {
			e = xh_doc_fill(doc, data, out, &diag);
		}
		xh_doc_free(doc);
		xh_data_free(data);
		rc = S_report(&diag, e, 1);
		if (fclose(stdout) != 0 && rc == XH_OK)
			rc = XH_ESYS;
	} else {
		char msg[160];
		snprintf(msg, sizeof(msg), "unknown command '%.100s'", cmd);
		rc = S_fail_usage(msg);
	}
done:
	xh_diag_free(&diag);
	free(dopen);
	free(dclose);
	xmlCleanupParser();
	return rc;
}
