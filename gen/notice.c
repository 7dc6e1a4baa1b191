/*
 * notice.c — `xhgen notice`: the publicity notice (公示) of the proposed
 * projects, as a DOCX filled from templates/公示.docx and as one HTML page
 * for the association's website (DOMAIN.md §2.2, notice.h).
 *
 * Everything the notice states is computed here, before anything is
 * written, so that a data error (no publicity_start, a calendar without
 * the year) leaves the output folder untouched:
 *
 *   the list     the review's 拟立项 applications, grouped by class in the
 *                order A, B, 推广 and in ranking order inside a class; a
 *                class without a project is left out;
 *   the money    subtotals and the total added up in fen; the template gets
 *                plain "50000.00" strings and formats them with its own
 *                filters ({amount | yuan}, {total | cny}), so staff see how
 *                formatting works;
 *   the period   publicity_working_days working days from publicity_start
 *                (the next working day when it is not one), on the
 *                calendar's 休 and 班 days;
 *   the channel  the programme's contact name, phone, e-mail and address,
 *                the empty ones left out.
 *
 * The template's data is built as JSON with yajl's generator and parsed
 * with xh_data_parse(), the same path as a data file of `fill`.  The HTML
 * page is written here: its wording follows the template's, and every
 * value from the data is escaped (xh_buf_add_xml: & < > and, in
 * attributes, the quote).
 */
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "notice.h"
#include "schema.h"

#define S_DOCX "公示.docx"
#define S_HTML "公示.html"

/* Working days counted at most: a period longer than this is a
 * programme.xml no person meant (check.c bounds it as well). */
#define S_MAX_DAYS 60

static const char *S_s(const char *s)
{
	return s ? s : "";
}

/* "50000.00": the plain amount the template's filters read. */
static void S_plain(xh_buf *b, xh_fen v)
{
	if (v < 0) {
		xh_buf_addc(b, '-');
		v = -v;
	}
	xh_buf_printf(b, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
}

/* ---- the publicity period ---- */

/* Is d a working day: 1 or 0; -1 after a message naming the calendar and
 * the year it lacks. */
static int S_workday(const xh_year *y, xh_date d, xh_diag *diag)
{
	int w = xh_year_workday(y, d);
	if (w < 0) {
		const char *cal = xh_year_file(y, "calendar", NULL);
		char *path = cal ? NULL : xasprintf("%s/calendar.csv", y->dir);
		xh_buf day = XH_BUF_INIT;
		xh_date_cn(&day, d);
		xh_diag_add(diag, 0,
		            "%s: the calendar has no rows for %d: the working days of the publicity "
		            "period cannot be counted (%s falls in %d; add that year's holidays and "
		            "调休 working days)",
		            cal ? cal : path, d.y, xh_buf_cstr(&day), d.y);
		xh_buf_free(&day);
		free(path);
	}
	return w;
}

/* Why d is not a working day: the calendar's note up to its first
 * bracket ("劳动节（国务院办公厅…通知）" gives "劳动节"); "节假日" for a
 * listed rest day without a note; else the weekday ("星期日"). */
static char *S_rest_why(const xh_year *y, xh_date d)
{
	static const char *const wd[] = {"星期一", "星期二", "星期三", "星期四",
	                                 "星期五", "星期六", "星期日"};
	for (size_t i = 0; i < y->ncalendar; i++) {
		const xh_calday *c = &y->calendar[i];
		if (c->date.y != d.y || c->date.m != d.m || c->date.d != d.d)
			continue;
		const char *n = c->note ? c->note : "", *cut = strstr(n, "（"), *cut2 = strchr(n, '(');
		if (!cut || (cut2 && cut2 < cut))
			cut = cut2;
		size_t len = cut ? (size_t)(cut - n) : strlen(n);
		while (len && (n[len - 1] == ' ' || n[len - 1] == '\t'))
			len--;
		return len ? xstrndup(n, len) : xstrdup("节假日");
	}
	return xstrdup(wd[xh_date_weekday(d)]);
}

xh_err xh_notice_period(const xh_year *y, xh_date *start, xh_date *end, int *moved, char **why,
                        xh_diag *diag)
{
	const xh_programme *p = &y->prog;
	*moved = 0;
	*why = NULL;
	if (!p->publicity_start.set) {
		xh_diag_add(diag, 0,
		            "%s/programme.xml: publicity_start (公示开始日期): missing: the notice "
		            "cannot be made without the first day of the publicity period",
		            y->dir);
		return XH_EDATA;
	}
	if (p->publicity_working_days < 1 || p->publicity_working_days > S_MAX_DAYS) {
		xh_diag_add(diag, 0,
		            "%s/programme.xml: publicity_working_days (公示工作日数): %d: expected 1 to %d",
		            y->dir, p->publicity_working_days, S_MAX_DAYS);
		return XH_EDATA;
	}
	xh_date d = p->publicity_start.d;
	int w = S_workday(y, d, diag);
	if (w < 0)
		return XH_EDATA;
	if (!w) {
		*moved = 1;
		*why = S_rest_why(y, d);
		/* a calendar that rests for a whole year ends at the next
		 * year's missing rows, so this loop ends */
		do {
			d = xh_date_add_days(d, 1);
			if ((w = S_workday(y, d, diag)) < 0) {
				free(*why);
				*why = NULL;
				return XH_EDATA;
			}
		} while (!w);
	}
	*start = d;
	for (int n = 1; n < p->publicity_working_days;) {
		d = xh_date_add_days(d, 1);
		if ((w = S_workday(y, d, diag)) < 0) {
			free(*why);
			*why = NULL;
			return XH_EDATA;
		}
		n += w;
	}
	*end = d;
	return XH_OK;
}

/* ---- the list ---- */

typedef struct S_item {
	const xh_application *a;
	const char *society;
	xh_fen amount;
} S_item;

typedef struct S_notice {
	const xh_year *y;
	S_item *item;              /* by class, in ranking order within a class */
	size_t nitem;
	size_t first[XH_NCLASS + 1]; /* item[first[c] .. first[c + 1]) are class c's */
	xh_fen sub[XH_NCLASS], total;
	xh_date start, end;
	int moved;
	char *why;
	xh_date asked;             /* publicity_start as given */
} S_notice;

/* "A类", "B类", "推广类" */
static const char *S_class_label(int c)
{
	static const char *const l[XH_NCLASS] = {"A类", "B类", "推广类"};
	return c >= 0 && c < XH_NCLASS ? l[c] : "";
}

static void S_list(S_notice *n, const xh_review *r)
{
	const xh_year *y = n->y;
	n->item = xcalloc(y->napplications ? y->napplications : 1, sizeof(*n->item));
	for (int c = 0; c < XH_NCLASS; c++) {
		n->first[c] = n->nitem;
		n->sub[c] = 0;
		for (size_t k = 0; k < y->napplications; k++) {
			int i = r->order[k];
			const xh_application *a = &y->applications[i];
			if (r->app[i].sel != XH_SEL_PROPOSED || a->cls != c)
				continue;
			S_item *it = &n->item[n->nitem++];
			it->a = a;
			it->society = xh_year_society_name(y, a);
			it->amount = r->app[i].proposed;
			n->sub[c] += it->amount;
		}
		n->total += n->sub[c];
	}
	n->first[XH_NCLASS] = n->nitem;
}

/* ---- the template's data (JSON) ---- */

static void S_js(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void S_jkv(yajl_gen g, const char *k, const char *v)
{
	S_js(g, k);
	S_js(g, v);
}

static void S_jfen(yajl_gen g, const char *k, xh_fen v)
{
	xh_buf b = XH_BUF_INIT;
	S_plain(&b, v);
	S_jkv(g, k, xh_buf_cstr(&b));
	xh_buf_free(&b);
}

static void S_jint(yajl_gen g, const char *k, long v)
{
	char t[32];
	snprintf(t, sizeof(t), "%ld", v);
	S_jkv(g, k, t);
}

/* The contact channel: label and value of each field that is given. */
typedef struct S_contact {
	const char *label, *value;
} S_contact;

static size_t S_contacts(const xh_programme *p, S_contact out[4])
{
	const S_contact all[4] = {{"联系人", S_s(p->contact_name)},
	                          {"联系电话", S_s(p->contact_phone)},
	                          {"电子邮箱", S_s(p->contact_email)},
	                          {"通信地址", S_s(p->contact_address)}};
	size_t n = 0;
	for (size_t i = 0; i < 4; i++)
		if (all[i].value[0])
			out[n++] = all[i];
	return n;
}

static char *S_json(const S_notice *n, size_t *len)
{
	const xh_year *y = n->y;
	const xh_programme *p = &y->prog;
	yajl_gen g = yajl_gen_alloc(NULL);
	xh_buf t = XH_BUF_INIT;
	yajl_gen_map_open(g);
	S_jint(g, "year", p->year);
	S_jkv(g, "issuer", S_s(p->issuer));
	S_jkv(g, "department", S_s(p->department));
	S_jint(g, "count", (long)n->nitem);
	S_jfen(g, "total", n->total);
	xh_date_cn_range(&t, n->start, n->end);
	S_jkv(g, "period", xh_buf_cstr(&t));
	S_jint(g, "working_days", p->publicity_working_days);
	t.len = 0;
	xh_date_iso(&t, n->start);
	S_jkv(g, "start", xh_buf_cstr(&t));
	S_jkv(g, "date", xh_buf_cstr(&t)); /* 落款: the day the period starts */
	t.len = 0;
	xh_date_iso(&t, n->end);
	S_jkv(g, "end", xh_buf_cstr(&t));

	S_contact c[4];
	size_t nc = S_contacts(p, c);
	S_js(g, "has_contact");
	yajl_gen_bool(g, nc > 0);
	S_js(g, "contacts");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < nc; i++) {
		yajl_gen_map_open(g);
		S_jkv(g, "label", c[i].label);
		S_jkv(g, "value", c[i].value);
		S_js(g, "last");
		yajl_gen_bool(g, i + 1 == nc);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);

	S_js(g, "classes");
	yajl_gen_array_open(g);
	for (int cl = 0; cl < XH_NCLASS; cl++) {
		if (n->first[cl] == n->first[cl + 1])
			continue;
		yajl_gen_map_open(g);
		S_jkv(g, "class", xh_class_name(cl));
		S_jkv(g, "label", S_class_label(cl));
		S_jint(g, "n", (long)(n->first[cl + 1] - n->first[cl]));
		S_jfen(g, "subtotal", n->sub[cl]);
		S_js(g, "rows");
		yajl_gen_array_open(g);
		for (size_t k = n->first[cl]; k < n->first[cl + 1]; k++) {
			const S_item *it = &n->item[k];
			yajl_gen_map_open(g);
			S_jint(g, "no", (long)(k + 1));
			S_jkv(g, "id", it->a->id);
			S_jkv(g, "society", it->society);
			S_jkv(g, "title", it->a->title);
			S_jkv(g, "class", xh_class_name(cl));
			S_jkv(g, "label", S_class_label(cl));
			S_jfen(g, "amount", it->amount);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);

	const unsigned char *buf;
	size_t blen;
	yajl_gen_get_buf(g, &buf, &blen);
	char *out = xstrndup((const char *)buf, blen);
	*len = blen;
	yajl_gen_free(g);
	xh_buf_free(&t);
	return out;
}

/* ---- the web page ---- */

/* Text from the data, escaped for HTML character data. */
static void S_h(xh_buf *b, const char *s)
{
	xh_buf_add_xml(b, s, strlen(s), 0);
}

static void S_html(const S_notice *n, xh_buf *b)
{
	const xh_year *y = n->y;
	const xh_programme *p = &y->prog;
	xh_buf t = XH_BUF_INIT;
	xh_buf_printf(&t, "关于%d年度威海市学会创新和服务能力提升工程拟立项项目的公示", p->year);
	char *title = xh_buf_detach(&t);
	xh_buf_printf(&t, "%d年度威海市学会创新和服务能力提升工程拟立项项目名单", p->year);
	char *list = xh_buf_detach(&t);

	xh_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<meta name=\"generator\" content=\"xhgen " XH_VERSION "\">\n<title>");
	S_h(b, title);
	xh_buf_adds(b, "</title>\n<style>\n"
	               "body{margin:2em auto;max-width:48em;padding:0 1em;color:#000;background:#fff;"
	               "font-family:\"仿宋_GB2312\",\"FangSong\",\"STFangsong\",serif;font-size:16pt;"
	               "line-height:1.8}\n"
	               "h1{font-family:\"方正小标宋简体\",\"SimSun\",serif;font-size:22pt;"
	               "font-weight:normal;text-align:center;line-height:1.5}\n"
	               "h2{font-family:\"方正小标宋简体\",\"SimSun\",serif;font-size:18pt;"
	               "font-weight:normal;text-align:center}\n"
	               "p{margin:0;text-indent:2em}\n"
	               "p.sign{text-align:right;text-indent:0;margin-right:2em}\n"
	               "p.date{text-align:right;text-indent:0;margin-right:3em}\n"
	               "p.att{text-indent:0;margin-top:2em;font-family:\"黑体\",\"SimHei\",sans-serif}\n"
	               "table{border-collapse:collapse;width:100%;font-size:12pt;line-height:1.5}\n"
	               "th,td{border:1px solid #000;padding:.3em .5em}\n"
	               "th{font-family:\"黑体\",\"SimHei\",sans-serif;font-weight:normal}\n"
	               "td.no,td.cls,td.sum{text-align:center}\n"
	               "td.amount{text-align:right;white-space:nowrap}\n"
	               "</style>\n</head>\n<body>\n<h1>");
	S_h(b, title);
	xh_buf_adds(b, "</h1>\n");

	/* the same paragraphs as templates/公示.docx */
	xh_buf_printf(b, "<p>根据《威海市学会创新和服务能力提升工程实施方案》，经学会申报、形式审查和专家"
	                 "评审，拟对%zu个项目予以立项资助，资助金额合计",
	              n->nitem);
	xh_money_yuan(b, n->total);
	xh_buf_adds(b, "元（人民币");
	xh_money_cny(b, n->total);
	xh_buf_adds(b, "）。现将拟立项项目予以公示（名单见附件）。</p>\n<p>公示期为");
	xh_date_cn_range(b, n->start, n->end);
	xh_buf_printf(b, "（%d个工作日）。</p>\n", p->publicity_working_days);
	xh_buf_adds(b, "<p>公示期间，任何单位或个人对拟立项项目如有异议，请以书面形式向");
	S_h(b, S_s(p->issuer));
	S_h(b, S_s(p->department));
	xh_buf_adds(b, "反映。个人反映情况应署真实姓名，注明工作单位和联系方式；单位反映情况应加盖单位公章。"
	               "匿名意见不予受理。</p>\n");
	S_contact c[4];
	size_t nc = S_contacts(p, c);
	if (nc) {
		xh_buf_adds(b, "<p>");
		for (size_t i = 0; i < nc; i++) {
			xh_buf_printf(b, "%s：", c[i].label);
			if (!strcmp(c[i].label, "电子邮箱")) {
				xh_buf_adds(b, "<a href=\"mailto:");
				xh_buf_add_xml(b, c[i].value, strlen(c[i].value), 1);
				xh_buf_adds(b, "\">");
				S_h(b, c[i].value);
				xh_buf_adds(b, "</a>");
			} else {
				S_h(b, c[i].value);
			}
			xh_buf_adds(b, i + 1 < nc ? "；" : "。");
		}
		xh_buf_adds(b, "</p>\n");
	}
	xh_buf_adds(b, "<p class=\"att\">附件：");
	S_h(b, list);
	xh_buf_adds(b, "</p>\n<p class=\"sign\">");
	S_h(b, S_s(p->issuer));
	xh_buf_adds(b, "</p>\n<p class=\"date\">");
	xh_date_cn(b, n->start);
	xh_buf_adds(b, "</p>\n\n<h2>");
	S_h(b, list);
	xh_buf_adds(b, "</h2>\n<table>\n<thead>\n<tr><th>序号</th><th>学会名称</th><th>项目名称</th>"
	               "<th>类别</th><th>资助金额（元）</th></tr>\n</thead>\n<tbody>\n");
	for (int cl = 0; cl < XH_NCLASS; cl++) {
		if (n->first[cl] == n->first[cl + 1])
			continue;
		for (size_t k = n->first[cl]; k < n->first[cl + 1]; k++) {
			const S_item *it = &n->item[k];
			xh_buf_printf(b, "<tr><td class=\"no\">%zu</td><td>", k + 1);
			S_h(b, it->society);
			xh_buf_adds(b, "</td><td>");
			S_h(b, it->a->title);
			xh_buf_printf(b, "</td><td class=\"cls\">%s</td><td class=\"amount\">",
			              S_class_label(cl));
			xh_money_yuan(b, it->amount);
			xh_buf_adds(b, "</td></tr>\n");
		}
		xh_buf_printf(b, "<tr class=\"subtotal\"><td class=\"sum\" colspan=\"4\">%s小计（%zu项）</td>"
		                 "<td class=\"amount\">",
		              S_class_label(cl), n->first[cl + 1] - n->first[cl]);
		xh_money_yuan(b, n->sub[cl]);
		xh_buf_adds(b, "</td></tr>\n");
	}
	xh_buf_printf(b, "</tbody>\n<tfoot>\n<tr class=\"total\"><td class=\"sum\" colspan=\"4\">"
	                 "合计（%zu项）</td><td class=\"amount\">",
	              n->nitem);
	xh_money_yuan(b, n->total);
	xh_buf_adds(b, "</td></tr>\n<tr class=\"total-cny\"><td colspan=\"5\">合计（大写）：人民币");
	xh_money_cny(b, n->total);
	xh_buf_adds(b, "</td></tr>\n</tfoot>\n</table>\n</body>\n</html>\n");
	free(title);
	free(list);
}

/* ---- the command ---- */

static void S_free(S_notice *n)
{
	free(n->item);
	free(n->why);
}

xh_err xh_notice_write(const xh_year *y, const xh_review *r, const char *out, FILE *report,
                       xh_stage **keep, xh_diag *diag)
{
	S_notice n = {0};
	n.y = y;
	if (keep)
		*keep = NULL;
	if (!y->prog.issuer || !y->prog.issuer[0]) {
		xh_diag_add(diag, 0, "%s/programme.xml: issuer (发文单位): missing: the notice needs its issuer",
		            y->dir);
		return XH_EDATA;
	}
	xh_err e = xh_notice_period(y, &n.start, &n.end, &n.moved, &n.why, diag);
	if (e != XH_OK)
		return e;
	n.asked = y->prog.publicity_start.d;
	S_list(&n, r);
	if (n.nitem == 0) {
		xh_diag_add(diag, 0,
		            "%s: no application is proposed (拟立项) this year: there is no list to "
		            "publicise",
		            y->dir);
		S_free(&n);
		return XH_EDATA;
	}

	size_t jlen;
	char *json = S_json(&n, &jlen);
	xh_data *data = xh_data_parse("json", json, jlen, "notice data", diag);
	free(json);
	xh_buf html = XH_BUF_INIT;
	S_html(&n, &html);
	xh_stage *s = data ? xh_stage_begin(y, out, "notice", diag) : NULL;
	xh_doc *doc = s ? xh_stage_template(s, S_DOCX, diag) : NULL;
	if (!data || !s)
		e = data ? XH_ESYS : XH_EDATA;
	else if (!doc)
		e = XH_EDATA;
	else if ((e = xh_stage_docx(s, doc, S_DOCX, data, "", NULL, 0, diag)) == XH_OK &&
	         (e = xh_stage_bytes(s, S_HTML, html.data, html.len, diag)) == XH_OK)
		e = xh_stage_commit(s, diag);
	if (doc)
		xh_doc_free(doc);
	xh_data_free(data);
	xh_buf_free(&html);

	if (e == XH_OK) {
		xh_buf m = XH_BUF_INIT;
		if (n.moved) {
			xh_buf_adds(&m, "公示开始日 ");
			xh_date_cn(&m, n.asked);
			xh_buf_printf(&m, " 不是工作日（%s），顺延至 ", n.why);
			xh_date_cn(&m, n.start);
			xh_buf_addc(&m, '\n');
		}
		xh_buf_printf(&m, "公示：拟立项 %zu 项，合计 ", n.nitem);
		xh_money_yuan(&m, n.total);
		xh_buf_adds(&m, " 元（人民币");
		xh_money_cny(&m, n.total);
		xh_buf_adds(&m, "），公示期为");
		xh_date_cn_range(&m, n.start, n.end);
		xh_buf_printf(&m, "（%d个工作日）；写入 %s\n", y->prog.publicity_working_days,
		              xh_stage_dir(s));
		fputs(xh_buf_cstr(&m), report);
		xh_buf_free(&m);
	}
	if (e == XH_OK && keep)
		*keep = s;
	else if (s)
		xh_stage_free(s);
	S_free(&n);
	return e;
}
