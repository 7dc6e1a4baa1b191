/*
 * fuzz_form.c — libFuzzer target for the returned-form reader of
 * `xhgen collect` (collect.c: pack marker, controls, values, revisions,
 * budget rows).
 *
 * xh_collect() reads a year folder and a folder of forms, so once per
 * process the target sets up a scratch folder: year/ (programme.xml of
 * 2025, societies.csv with S01 and S02, and a small form template in
 * year/templates, so that the lookup never reaches an installed one and the
 * placeholders are always compared) and forms/.  Each input becomes
 * forms/a.docx — an input that starts with "PK" as it is, any other a list
 * of entries "NAME\nCONTENT" separated by NUL bytes stored into a fresh zip
 * (S_build, fuzz_zip.h) — and is collected with dry_run, so nothing is
 * written into year/.  Every form must be read or refused with findings;
 * the sanitizers catch the rest.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect.h"
#include "fuzz_zip.h"

/* The template's controls: label, then the control with its placeholder. */
#define T(x) "<w:r><w:t xml:space=\"preserve\">" x "</w:t></w:r>"
#define CTL(tag, alias, plc)                                                              \
	"<w:sdt><w:sdtPr><w:alias w:val=\"" alias "\"/><w:tag w:val=\"xh:" tag "\"/>"         \
	"<w:showingPlcHdr/><w:text w:multiLine=\"1\"/></w:sdtPr><w:sdtContent>" T(plc)        \
	"</w:sdtContent></w:sdt>"
#define TC(x) "<w:tc><w:p>" x "</w:p></w:tc>"
#define ROW2(label, ctl) "<w:tr>" TC(T(label)) TC(ctl) "</w:tr>"

static const char S_template[] =
	"[Content_Types].xml\n"
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package."
	"relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-"
	"officedocument.wordprocessingml.document.main+xml\"/></Types>"
	"\0_rels/.rels\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>"
	"\0word/document.xml\n"
	"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
	"<w:body><w:tbl>"
	ROW2("项目名称", CTL("title", "项目名称", "点击此处填写项目名称"))
	ROW2("申报类别", CTL("class", "申报类别", "点击此处选择类别：A、B或推广"))
	ROW2("申请金额（元）", CTL("amount", "申请金额", "点击此处填写申请金额，如50000.00"))
	ROW2("开始日期", CTL("start", "开始日期", "点击此处选择开始日期") T("至")
	     CTL("end", "结束日期", "点击此处选择结束日期"))
	ROW2("项目内容", CTL("summary", "项目内容", "点击此处填写项目内容"))
	ROW2("预期成效", CTL("goals", "预期成效", "点击此处填写预期成效"))
	ROW2("填报日期", CTL("submitted", "填报日期", "点击此处选择填报日期"))
	"</w:tbl><w:tbl>"
	"<w:tr>" TC(T("经费类别")) TC(T("金额（元）")) TC(T("测算依据及说明")) "</w:tr>"
	"<w:tr>" TC(T("{#categories}") CTL("budget.category", "经费类别", "{category}"))
	TC(CTL("budget.amount", "金额", "填写金额"))
	TC(T("{/categories}") CTL("budget.note", "测算依据及说明", "填写测算依据，不用的类别留空"))
	"</w:tr>"
	"<w:tr>" TC(T("合计")) TC(CTL("budget.total", "合计金额", "填写合计")) TC(T("")) "</w:tr>"
	ROW2("合计（大写）", T("人民币") CTL("budget.total_cn", "合计（大写）",
	                                        "点击此处填写大写金额，如伍万元整"))
	"</w:tbl></w:body></w:document>";

static char S_root[64], S_forms[96], S_year[96], S_form[128];
static FILE *S_null;

static int S_write(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(s, f);
	return fclose(f);
}

/* Removes a scratch folder of this target (only the files it writes). */
static void S_remove(const char *root)
{
	char p[160];
	const char *const files[] = {"forms/a.docx", "year/templates/项目申报书.docx",
	                             "year/programme.xml", "year/societies.csv", NULL};
	for (size_t i = 0; files[i]; i++) {
		snprintf(p, sizeof(p), "%s/%s", root, files[i]);
		unlink(p);
	}
	const char *const dirs[] = {"forms", "year/templates", "year", "", NULL};
	for (size_t i = 0; dirs[i]; i++) {
		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		rmdir(p);
	}
}

static void S_cleanup(void)
{
	S_remove(S_root);
}

/* libFuzzer ends a run (-max_total_time, a crash) with _Exit, so atexit
 * does not always run: the folders of processes that are gone are removed
 * by the next one. */
static void S_remove_stale(void)
{
	DIR *d = opendir("/tmp");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		long pid;
		char end;
		if (sscanf(e->d_name, "xhgen-fuzz-form-%ld%c", &pid, &end) != 1 || pid <= 0)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char root[64];
		snprintf(root, sizeof(root), "/tmp/xhgen-fuzz-form-%ld", pid);
		S_remove(root);
	}
	closedir(d);
}

/* The scratch folder, once per process; 0 or -1. */
static int S_setup(void)
{
	snprintf(S_root, sizeof(S_root), "/tmp/xhgen-fuzz-form-%ld", (long)getpid());
	snprintf(S_forms, sizeof(S_forms), "%s/forms", S_root);
	snprintf(S_year, sizeof(S_year), "%s/year", S_root);
	snprintf(S_form, sizeof(S_form), "%s/a.docx", S_forms);
	char p[160];
	S_remove_stale();
	mkdir(S_root, 0700);
	mkdir(S_year, 0700);
	mkdir(S_forms, 0700);
	snprintf(p, sizeof(p), "%s/templates", S_year);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/programme.xml", S_year);
	if (S_write(p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	               "<programme><year>2025</year></programme>\n"))
		return -1;
	snprintf(p, sizeof(p), "%s/societies.csv", S_year);
	if (S_write(p, "学会编号,学会名称\nS01,威海市机械工程学会\nS02,威海市医学会\n"))
		return -1;
	snprintf(p, sizeof(p), "%s/templates/项目申报书.docx", S_year);
	if (S_build(p, (const uint8_t *)S_template, sizeof(S_template) - 1))
		return -1;
	S_null = fopen("/dev/null", "w");
	if (!S_null)
		return -1;
	atexit(S_cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	static int ready;
	if (!ready) {
		if (S_setup()) {
			fprintf(stderr, "fuzz_form: cannot set up %s\n", S_root);
			abort();
		}
		ready = 1;
	}
	if (len > 1 << 18)
		return 0;
	if (len >= 2 && buf[0] == 'P' && buf[1] == 'K') {
		FILE *f = fopen(S_form, "wb");
		if (!f)
			return 0;
		fwrite(buf, 1, len, f);
		fclose(f);
	} else if (S_build(S_form, buf, len) < 0) {
		unlink(S_form);
		return 0;
	}
	xh_diag diag = {0};
	(void)xh_collect(S_forms, S_year, 1, S_null, &diag);
	xh_diag_free(&diag);
	unlink(S_form);
	return 0;
}
