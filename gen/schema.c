/*
 * schema.c — the record types of SCHEMA.md.
 *
 * Labels that SCHEMA.md does not give (budget_lines, scores, disbursements,
 * …) are the words staff's own spreadsheets use; both the id and the label
 * are accepted as headers.  Which fields are required is a decision of
 * ours where SCHEMA.md is silent: the keys, the references, and what the
 * rules of the programme cannot do without.
 */
#include "schema.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define REQ XH_F_REQUIRED

static const char *const S_party_org[] = {"无", "党支部", "联合党支部", "功能型党组织", "党委", NULL};
static const char *const S_inspection[] = {"合格", "基本合格", "不合格", "未参检", NULL};
static const char *const S_class[] = {"A", "B", "推广", NULL};
static const char *const S_tasks[] = {"全部完成", "基本完成", "未完成", NULL};
static const char *const S_finance[] = {"合规", "基本合规", "不合规", NULL};
static const char *const S_conclusion[] = {"通过", "不通过", NULL};
static const char *const S_daykind[] = {"休", "班", NULL};

static const xh_field S_societies[] = {
	{"id", "学会编号", XH_F_TEXT, REQ | XH_F_UNIQUE, NULL, 0, 0, NULL},
	{"name", "学会名称", XH_F_TEXT, REQ | XH_F_UNIQUE, NULL, 0, 0, NULL},
	{"credit_code", "统一社会信用代码", XH_F_TEXT, XH_F_CREDIT | XH_F_UNIQUE, NULL, 0, 0, NULL},
	{"industry", "服务产业", XH_F_TEXT, 0, NULL, 0, 0, NULL},
	{"chair", "理事长", XH_F_TEXT, 0, NULL, 0, 0, NULL},
	{"secretary_general", "秘书长", XH_F_TEXT, 0, NULL, 0, 0, NULL},
	{"contact", "联系人", XH_F_TEXT, 0, NULL, 0, 0, NULL},
	{"phone", "联系电话", XH_F_TEXT, XH_F_PHONE, NULL, 0, 0, NULL},
	{"email", "电子邮箱", XH_F_TEXT, XH_F_EMAIL, NULL, 0, 0, NULL},
	{"address", "办公地址", XH_F_TEXT, 0, NULL, 0, 0, NULL},
	{"members", "会员人数", XH_F_INT, 0, NULL, 0, 10000000, NULL},
	{"party_org", "党组织", XH_F_ENUM, 0, S_party_org, 0, 0, NULL},
	{"party_quarters", "上年度开展党组织活动的季度数", XH_F_INT, 0, NULL, 0, 4, NULL},
	{"party_four_haves", "党组织有场所有设施有标志有制度", XH_F_BOOL, 0, NULL, 0, 0, NULL},
	{"council_complete", "理事会监事会秘书处健全", XH_F_BOOL, 0, NULL, 0, 0, NULL},
	{"last_election", "上次换届日期", XH_F_DATE, 0, NULL, 0, 0, NULL},
	{"term_years", "每届年限", XH_F_INT, 0, NULL, 1, 10, NULL},
	{"election_extension", "延期换届已批准", XH_F_BOOL, 0, NULL, 0, 0, NULL},
	{"office", "固定办公场所", XH_F_BOOL, 0, NULL, 0, 0, NULL},
	{"independent_accounts", "独立财务核算", XH_F_BOOL, 0, NULL, 0, 0, NULL},
	{"inspection", "上年度年检结论", XH_F_ENUM, 0, S_inspection, 0, 0, NULL},
	{"violation", "近两年违法违纪或通报处罚", XH_F_BOOL, 0, NULL, 0, 0, NULL},
	{"absences", "无故不参加市科协活动次数", XH_F_INT, 0, NULL, 0, 1000, NULL},
	{"media", "新媒体", XH_F_TEXT, 0, NULL, 0, 0, NULL},
};

static const xh_field S_applications[] = {
	{"id", "申报编号", XH_F_TEXT, REQ | XH_F_UNIQUE, NULL, 0, 0, NULL},
	{"society", "学会编号", XH_F_TEXT, REQ, NULL, 0, 0, "societies"},
	{"title", "项目名称", XH_F_TEXT, REQ, NULL, 0, 0, NULL},
	{"class", "类别", XH_F_ENUM, REQ, S_class, 0, 0, NULL},
	{"amount", "申请金额", XH_F_MONEY, REQ, NULL, 0, 0, NULL},
	{"start", "开始日期", XH_F_DATE, 0, NULL, 0, 0, NULL},
	{"end", "结束日期", XH_F_DATE, 0, NULL, 0, 0, NULL},
	{"summary", "项目内容", XH_F_TEXT, 0, NULL, 0, 0, NULL},
	{"goals", "预期成效", XH_F_TEXT, 0, NULL, 0, 0, NULL},
	{"submitted", "提交日期", XH_F_DATE, 0, NULL, 0, 0, NULL},
	{"materials_complete", "材料齐全", XH_F_BOOL, 0, NULL, 0, 0, NULL},
	{"materials_authentic", "材料真实", XH_F_BOOL, 0, NULL, 0, 0, NULL},
};

static const xh_field S_budget_lines[] = {
	{"application", "申报编号", XH_F_TEXT, REQ, NULL, 0, 0, "applications"},
	{"category", "经费类别", XH_F_TEXT, REQ, NULL, 0, 0, NULL},
	{"amount", "金额", XH_F_MONEY, REQ, NULL, 0, 0, NULL},
	{"note", "说明", XH_F_TEXT, 0, NULL, 0, 0, NULL},
};

static const xh_field S_scores[] = {
	{"application", "申报编号", XH_F_TEXT, REQ, NULL, 0, 0, "applications"},
	{"expert", "专家", XH_F_TEXT, REQ, NULL, 0, 0, NULL},
	{"score", "评分", XH_F_SCORE, REQ, NULL, 0, 0, NULL},
	{"comment", "评审意见", XH_F_TEXT, 0, NULL, 0, 0, NULL},
};

static const xh_field S_decisions[] = {
	{"application", "申报编号", XH_F_TEXT, REQ | XH_F_UNIQUE, NULL, 0, 0, "applications"},
	{"approved", "是否批准", XH_F_BOOL, REQ, NULL, 0, 0, NULL},
	{"amount", "核定金额", XH_F_MONEY, 0, NULL, 0, 0, NULL},
	{"date", "会议日期", XH_F_DATE, 0, NULL, 0, 0, NULL},
	{"reason", "说明", XH_F_TEXT, 0, NULL, 0, 0, NULL},
	{"note", "备注", XH_F_TEXT, 0, NULL, 0, 0, NULL},
};

static const xh_field S_disbursements[] = {
	{"application", "申报编号", XH_F_TEXT, REQ, NULL, 0, 0, "applications"},
	{"date", "拨付日期", XH_F_DATE, REQ, NULL, 0, 0, NULL},
	{"amount", "拨付金额", XH_F_MONEY, REQ, NULL, 0, 0, NULL},
	{"voucher", "到账凭据编号", XH_F_TEXT, 0, NULL, 0, 0, NULL},
};

static const xh_field S_expenditures[] = {
	{"application", "申报编号", XH_F_TEXT, REQ, NULL, 0, 0, "applications"},
	{"date", "支出日期", XH_F_DATE, REQ, NULL, 0, 0, NULL},
	{"category", "经费类别", XH_F_TEXT, REQ, NULL, 0, 0, NULL},
	{"amount", "金额", XH_F_MONEY, REQ, NULL, 0, 0, NULL},
	{"description", "摘要", XH_F_TEXT, 0, NULL, 0, 0, NULL},
	{"voucher", "凭证号", XH_F_TEXT, 0, NULL, 0, 0, NULL},
};

static const xh_field S_acceptance[] = {
	{"application", "申报编号", XH_F_TEXT, REQ | XH_F_UNIQUE, NULL, 0, 0, "applications"},
	{"submitted", "验收材料提交日期", XH_F_DATE, 0, NULL, 0, 0, NULL},
	{"tasks", "任务完成情况", XH_F_ENUM, 0, S_tasks, 0, 0, NULL},
	{"party_opinion", "党建意见", XH_F_TEXT, 0, NULL, 0, 0, NULL},
	{"business_opinion", "业务意见", XH_F_TEXT, 0, NULL, 0, 0, NULL},
	{"finance_opinion", "财务意见", XH_F_ENUM, 0, S_finance, 0, 0, NULL},
	{"experts", "验收组成员", XH_F_TEXT, 0, NULL, 0, 0, NULL},
	{"conclusion", "验收结论", XH_F_ENUM, 0, S_conclusion, 0, 0, NULL},
	{"note", "备注", XH_F_TEXT, 0, NULL, 0, 0, NULL},
};

static const xh_field S_ineligible[] = {
	/* last year's societies: not checked against this year's list */
	{"society", "学会编号", XH_F_TEXT, REQ, NULL, 0, 0, NULL},
	{"year", "年度", XH_F_YEAR, REQ, NULL, 0, 0, NULL},
	{"reason", "原因", XH_F_TEXT, 0, NULL, 0, 0, NULL},
};

static const xh_field S_calendar[] = {
	{"date", "日期", XH_F_DATE, REQ | XH_F_UNIQUE, NULL, 0, 0, NULL},
	{"kind", "类型", XH_F_ENUM, REQ, S_daykind, 0, 0, NULL},
	{"note", "说明", XH_F_TEXT, 0, NULL, 0, 0, NULL},
};

static const xh_rtype S_types[] = {
	{"societies", "学会名录", S_societies, N(S_societies), "id"},
	{"applications", "项目申报", S_applications, N(S_applications), "id"},
	{"budget_lines", "经费预算明细", S_budget_lines, N(S_budget_lines), NULL},
	{"scores", "专家评分", S_scores, N(S_scores), NULL},
	{"decisions", "党组会决定", S_decisions, N(S_decisions), NULL},
	{"disbursements", "拨付", S_disbursements, N(S_disbursements), NULL},
	{"expenditures", "支出", S_expenditures, N(S_expenditures), NULL},
	{"acceptance", "验收", S_acceptance, N(S_acceptance), NULL},
	{"ineligible", "上年度取消扶持资格", S_ineligible, N(S_ineligible), NULL},
	{"calendar", "工作日历", S_calendar, N(S_calendar), NULL},
};

const xh_rtype *xh_schema_types(size_t *n)
{
	*n = N(S_types);
	return S_types;
}

const xh_rtype *xh_schema_type(const char *name)
{
	for (size_t i = 0; i < N(S_types); i++)
		if (!strcmp(S_types[i].name, name))
			return &S_types[i];
	return NULL;
}

const xh_field *xh_schema_field(const xh_rtype *t, const char *header)
{
	for (size_t i = 0; i < t->nfields; i++)
		if (!strcasecmp(t->fields[i].id, header) || !strcmp(t->fields[i].label, header))
			return &t->fields[i];
	return NULL;
}

char *xh_schema_file(const char *dir, const char *name, int *forms, char **second)
{
	static const char *const ext[] = {"csv", "xlsx", "xml"};
	char *found = NULL;
	*forms = 0;
	if (second)
		*second = NULL;
	for (size_t i = 0; i < 3; i++) {
		char *p = xasprintf("%s/%s.%s", dir, name, ext[i]);
		struct stat st;
		if (stat(p, &st) != 0) {
			free(p);
			continue;
		}
		(*forms)++;
		if (!found)
			found = p;
		else if (second && !*second)
			*second = p;
		else
			free(p);
	}
	return found;
}

const char *xh_schema_type_name(xh_ftype t)
{
	switch (t) {
	case XH_F_TEXT: return "text";
	case XH_F_INT: return "int";
	case XH_F_MONEY: return "money";
	case XH_F_DATE: return "date";
	case XH_F_BOOL: return "bool";
	case XH_F_ENUM: return "enum";
	case XH_F_SCORE: return "score";
	case XH_F_YEAR: return "year";
	}
	return "?";
}
