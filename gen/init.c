/*
 * init.c — see init.h.
 */
#include "init.h"
#include "i18n.h"
#include "schema.h"
#include "year.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

/* ---- programme.xml ---- */

static void S_programme(xh_buf *b, int year)
{
	xh_buf_printf(b,
	              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	              "<!-- %d年度威海市学会创新和服务能力提升工程：年度设置。由 xhgen init 生成，请按本年度申报通知修改。\n"
	              "     金额可写 50000、50,000.00、5万元；日期写 %d-03-31。各项说明见 README 与 SCHEMA.md。 -->\n"
	              "<programme>\n"
	              "  <year>%d</year>\n"
	              "  <issuer>威海市科学技术协会</issuer>            <!-- 发文单位 -->\n"
	              "  <department>学会与国际部</department>          <!-- 承办部门 -->\n"
	              "  <budget>600,000.00</budget>                    <!-- 年度经费总额：请按本年度预算修改 -->\n"
	              "  <caps><A>50000</A><B>20000</B><推广>20000</推广></caps>  <!-- 各类项目资助上限（原则上） -->\n"
	              "  <!-- <class_budgets><A>400000</A></class_budgets>  各类经费额度（可选） -->\n"
	              "  <pass_score>60</pass_score>                    <!-- 专家评审合格分 -->\n"
	              "  <min_experts>3</min_experts>                   <!-- 每项至少评审专家数 -->\n"
	              "  <absence_limit>2</absence_limit>               <!-- 无故缺席达到此次数为“屡次” -->\n"
	              "  <dates>\n"
	              "    <application_deadline>%d-03-31</application_deadline>  <!-- 申报截止日 -->\n"
	              "    <publicity_start>%d-05-06</publicity_start>             <!-- 公示开始日 -->\n"
	              "    <publicity_working_days>5</publicity_working_days>      <!-- 公示期（工作日） -->\n"
	              "    <acceptance_deadline>%d-11-30</acceptance_deadline>    <!-- 验收材料提交截止日 -->\n"
	              "  </dates>\n"
	              "  <!-- 公示异议受理与申报咨询：填写后去掉注释符号\n"
	              "  <contact>\n"
	              "    <name>联系人姓名</name>\n"
	              "    <phone>0631-0000000</phone>\n"
	              "    <email>name@example.com</email>\n"
	              "    <address>威海市……</address>\n"
	              "  </contact> -->\n"
	              "  <key_industries>                               <!-- 重点产业集群与产业链 -->\n"
	              "  </key_industries>\n"
	              "  <allowed_categories>                           <!-- 实施方案 五(四)：经费使用范围 -->\n",
	              year, year, year, year, year, year);
	for (size_t i = 0; i < xh_ndefault_categories; i++)
		xh_buf_printf(b, "    <category>%s</category>\n", xh_default_categories[i]);
	xh_buf_adds(b, "  </allowed_categories>\n"
	               "  <forbidden_spending>                           <!-- 不得列支：正则表达式及原因 -->\n");
	for (size_t i = 0; i < xh_ndefault_forbidden; i++) {
		xh_buf_adds(b, "    <pattern reason=\"");
		xh_buf_add_xml(b, xh_default_forbidden[i][1], strlen(xh_default_forbidden[i][1]), 1);
		xh_buf_adds(b, "\">");
		xh_buf_add_xml(b, xh_default_forbidden[i][0], strlen(xh_default_forbidden[i][0]), 0);
		xh_buf_adds(b, "</pattern>\n");
	}
	xh_buf_adds(b, "  </forbidden_spending>\n</programme>\n");
}

/* ---- record files ---- */

/* A CSV header: the labels, quoted where a label holds a comma. */
static void S_csv(xh_buf *b, const xh_rtype *t)
{
	xh_buf_adds(b, "\xEF\xBB\xBF");
	for (size_t i = 0; i < t->nfields; i++) {
		const char *l = t->fields[i].label;
		if (i)
			xh_buf_addc(b, ',');
		xh_buf_csv_field(b, l, 0);
	}
	xh_buf_adds(b, "\r\n");
}

/* The yes/no words the records accept (fmt.c): the list offered in a
 * drop-down. */
static const char *S_bool_words[] = {"是", "否", NULL};

/* A workbook with the header row of t and, below it, formats and lists
 * for 1,000 rows: the enum and yes/no columns as drop-downs of the words
 * the checker accepts, dates as dates, money with two decimals. */
static int S_xlsx(const char *path, const xh_rtype *t, int year)
{
	lxw_workbook_options o = {.constant_memory = LXW_FALSE, .tmpdir = NULL,
	                          .use_zip64 = LXW_FALSE};
	lxw_workbook *wb = workbook_new_opt(path, &o);
	if (!wb)
		return -1;
	/* a fixed creation time: the same command gives the same bytes */
	struct tm tm = {.tm_year = year - 1900, .tm_mon = 0, .tm_mday = 1};
	lxw_doc_properties props = {.title = (char *)t->label, .company = (char *)"威海市科学技术协会",
	                            .comments = (char *)"xhgen init", .created = timegm(&tm)};
	workbook_set_properties(wb, &props);
	lxw_worksheet *ws = workbook_add_worksheet(wb, t->label);
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_font_name(head, "宋体");
	format_set_bg_color(head, 0xD9E1F2);
	format_set_border(head, LXW_BORDER_THIN);
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	lxw_format *money = workbook_add_format(wb);
	format_set_num_format(money, "#,##0.00");
	lxw_format *text = workbook_add_format(wb);
	format_set_num_format(text, "@");
	worksheet_freeze_panes(ws, 1, 0);
	for (size_t i = 0; i < t->nfields; i++) {
		const xh_field *f = &t->fields[i];
		lxw_col_t c = (lxw_col_t)i;
		size_t w = strlen(f->label) / 3 * 2 + 4; /* CJK labels: 3 bytes, 2 columns a character */
		lxw_format *cf = f->type == XH_F_DATE    ? date
		                 : f->type == XH_F_MONEY ? money
		                 : f->type == XH_F_TEXT  ? text /* ids like 0012 and credit codes stay text */
		                                         : NULL;
		if (f->type == XH_F_TEXT && w < 14)
			w = 14;
		worksheet_set_column(ws, c, c, (double)w, cf);
		worksheet_write_string(ws, 0, c, f->label, head);
		const char *const *words = f->type == XH_F_ENUM ? f->words
		                           : f->type == XH_F_BOOL ? S_bool_words
		                                                  : NULL;
		if (words) {
			lxw_data_validation v = {0};
			v.validate = LXW_VALIDATION_TYPE_LIST;
			v.value_list = (char **)words;
			v.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;
			worksheet_data_validation_range(ws, 1, c, 1000, c, &v);
		}
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

/* ---- the folder ---- */

static int S_empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	int empty = 1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

xh_err xh_init_year(const char *dir, int year, int xlsx, FILE *report, xh_diag *diag)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || S_empty_dir(dir) != 1) {
			xh_diag_add(diag, 0, "%s: exists and is not an empty folder; init writes only a new "
			                     "year folder and never over what is there", dir);
			return XH_EDATA;
		}
	} else if (errno != ENOENT) {
		xh_diag_add(diag, 0, "%s: %s", dir, strerror(errno));
		return XH_ESYS;
	}
	/* build it beside dir, then one rename: the folder appears complete
	 * or not at all */
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	char *tmp = xasprintf("%.*s.xhgen-%ld.tmp", (int)n, dir, (long)getpid());
	char *parent = xasprintf("%.*s", (int)n, dir);
	char *slash = strrchr(parent, '/');
	if (slash)
		*(slash == parent ? slash + 1 : slash) = '\0';
	else
		strcpy(parent, ".");
	xh_err rc = XH_OK;
	if (xh_mkdirs(parent) != 0 || mkdir(tmp, 0777) != 0) {
		xh_diag_add(diag, 0, "%s: cannot create: %s", dir, strerror(errno));
		free(tmp);
		free(parent);
		return XH_ESYS;
	}
	xh_buf b = XH_BUF_INIT;
	S_programme(&b, year);
	char *path = xasprintf("%s/programme.xml", tmp);
	if (xh_write_file(path, b.data, b.len, XH_WRITE_SYNC, 0666) != 0)
		rc = XH_ESYS;
	free(path);
	size_t nt;
	const xh_rtype *types = xh_schema_types(&nt);
	for (size_t i = 0; i < nt && rc == XH_OK; i++) {
		const xh_rtype *t = &types[i];
		if (!strcmp(t->name, "decisions"))
			continue;
		path = xasprintf("%s/%s.%s", tmp, t->name, xlsx ? "xlsx" : "csv");
		if (xlsx) {
			if (S_xlsx(path, t, year) != 0 || xh_fsync_path(path, 0) != 0)
				rc = XH_ESYS;
		} else {
			b.len = 0;
			S_csv(&b, t);
			if (xh_write_file(path, b.data, b.len, XH_WRITE_SYNC, 0666) != 0)
				rc = XH_ESYS;
		}
		free(path);
	}
	xh_buf_free(&b);
	if (rc == XH_OK && (xh_fsync_path(tmp, 1) != 0 || rename(tmp, dir) != 0 ||
	                    xh_fsync_path(parent, 1) != 0))
		rc = XH_ESYS;
	if (rc != XH_OK) {
		xh_diag_add(diag, 0, "%s: cannot write the year folder: %s", dir, strerror(errno));
		xh_rmtree(tmp);
	} else {
		fprintf(report, _("%s: a new %d programme year: programme.xml and %zu record files (%s)\n"),
		        dir, year, nt - 1, xlsx ? "XLSX" : "CSV");
		fprintf(report, _("next: fill programme.xml (budget, dates, contact, key industries), "
		                  "the societies, and calendar with the year's holidays (休) and 调休 days (班); "
		                  "then run: xhgen check %s\n"),
		        dir);
	}
	free(tmp);
	free(parent);
	return rc;
}
