/*
 * year.h — a programme year folder loaded as typed records.
 *
 * xh_year_load() first validates the folder (check.h): a year with any
 * data error is not loaded, so every command that stands on this model
 * (review, notice, ledger, acceptance) sees only values that passed the
 * grammar of SCHEMA.md.  Money is fen, dates are xh_date, yes/no fields
 * are tri-state (XH_UNKNOWN when the cell was empty), enums are small
 * integers.  Every record keeps its file and spreadsheet row, so a rule's
 * finding can point at the cell it read.
 *
 * The year owns everything it holds; xh_year_free() releases it.
 */
#ifndef XH_YEAR_H
#define XH_YEAR_H

#include <stddef.h>

#include "fmt.h"
#include "util.h"

#define XH_UNKNOWN (-1) /* a yes/no, int or enum cell that was empty */

enum { XH_CLASS_A, XH_CLASS_B, XH_CLASS_TG, XH_NCLASS }; /* A, B, 推广 */
/* party_org: the index in SCHEMA.md's list */
enum { XH_PARTY_NONE, XH_PARTY_BRANCH, XH_PARTY_JOINT, XH_PARTY_FUNCTIONAL, XH_PARTY_COMMITTEE };
/* inspection */
enum { XH_INSP_PASS, XH_INSP_BASIC, XH_INSP_FAIL, XH_INSP_ABSENT };

typedef struct xh_opt_date {
	int set;
	xh_date d;
} xh_opt_date;

typedef struct xh_society {
	char *id, *name, *credit_code, *industry, *chair, *secretary_general, *contact, *phone,
	    *email, *address, *media;                  /* "" when empty */
	int members, party_org, party_quarters, party_four_haves, council_complete;
	xh_opt_date last_election;
	int term_years;                              /* 5 when empty (SCHEMA.md) */
	int election_extension, office, independent_accounts, inspection, violation, absences;
	unsigned long row;
} xh_society;

typedef struct xh_application {
	char *id, *society_id, *title, *summary, *goals;
	int society;                                 /* index in societies, -1 if unknown */
	int cls;                                     /* XH_CLASS_* */
	xh_fen amount;
	xh_opt_date start, end, submitted;
	int materials_complete, materials_authentic;
	unsigned long row;
} xh_application;

typedef struct xh_budget_line {
	int application;                             /* index in applications */
	char *category, *note;
	xh_fen amount;
	unsigned long row;
} xh_budget_line;

typedef struct xh_score {
	int application;
	char *expert, *comment;
	int tenths;                                  /* 0–1000 */
	unsigned long row;
} xh_score;

typedef struct xh_decision {
	int application;
	int approved;
	int has_amount;
	xh_fen amount;
	xh_opt_date date;
	char *reason, *note;
	unsigned long row;
} xh_decision;

typedef struct xh_disbursement {
	int application;
	xh_opt_date date;
	xh_fen amount;
	char *voucher;
	unsigned long row;
} xh_disbursement;

typedef struct xh_expenditure {
	int application;
	xh_opt_date date;
	char *category, *description, *voucher;
	xh_fen amount;
	unsigned long row;
} xh_expenditure;

enum { XH_TASKS_ALL, XH_TASKS_MOST, XH_TASKS_NOT };        /* 全部完成, 基本完成, 未完成 */
enum { XH_FIN_OK, XH_FIN_MOSTLY, XH_FIN_NOT };             /* 合规, 基本合规, 不合规 */
enum { XH_CONC_PASS, XH_CONC_FAIL };                       /* 通过, 不通过 */

typedef struct xh_acceptance {
	int application;
	xh_opt_date submitted;
	int tasks, finance, conclusion;                      /* XH_UNKNOWN when empty */
	char *party_opinion, *business_opinion, *experts, *note;
	unsigned long row;
} xh_acceptance;

typedef struct xh_ineligible {
	char *society_id, *reason;
	int year;
	unsigned long row;
} xh_ineligible;

typedef struct xh_calday {
	xh_date date;
	int work;                                    /* 1: 班 (a working weekend day), 0: 休 */
	char *note;
} xh_calday;

typedef struct xh_pattern {
	char *pattern, *reason;
	void *re;                                    /* pcre2_code, compiled once */
} xh_pattern;

typedef struct xh_programme {
	int year;
	char *issuer, *department;
	xh_fen budget;
	xh_fen cap[XH_NCLASS];
	int has_class_budget[XH_NCLASS];
	xh_fen class_budget[XH_NCLASS];
	int pass_tenths, min_experts, absence_limit;
	xh_opt_date application_deadline, publicity_start, acceptance_deadline;
	int publicity_working_days;
	char *contact_name, *contact_phone, *contact_email, *contact_address;
	char **industries;
	size_t nindustries;
	char **categories;
	size_t ncategories;
	xh_pattern *forbidden;
	size_t nforbidden;
} xh_programme;

/* An input file of the year: its base name (the same year copied
 * elsewhere hashes the same) and the SHA-256 of its bytes, hex. */
typedef struct xh_year_input {
	char *name;
	char sha256[65];
} xh_year_input;

typedef struct xh_year {
	char *dir;
	char *file[16];      /* by record type index of schema.c: the file read, or NULL */
	xh_programme prog;
	xh_society *societies;
	size_t nsocieties;
	xh_application *applications;
	size_t napplications;
	xh_budget_line *budget_lines;
	size_t nbudget_lines;
	xh_score *scores;
	size_t nscores;
	xh_decision *decisions;
	size_t ndecisions;
	xh_disbursement *disbursements;
	size_t ndisbursements;
	xh_expenditure *expenditures;
	size_t nexpenditures;
	xh_acceptance *acceptance;
	size_t nacceptance;
	xh_ineligible *ineligible;
	size_t nineligible;
	xh_calday *calendar;
	size_t ncalendar;
	/* the files read, with their hashes (xh_year_hash_inputs) */
	xh_year_input *inputs;
	size_t ninputs;
	char inputs_sha256[65]; /* over the lines "NAME\tSHA256\n" of inputs, in order */
} xh_year;

/* What to load besides the settings, societies, applications, budget
 * lines, scores, decisions, ineligible and calendar: */
#define XH_YEAR_SPENDING 0x1   /* disbursements and expenditures (the ledger) */
#define XH_YEAR_ACCEPTANCE 0x2 /* acceptance records */

/* The seed's allowed categories and forbidden-spending patterns (each
 * {PCRE2 pattern, reason}): the defaults of programme.xml. */
extern const char *const xh_default_categories[];
extern const size_t xh_ndefault_categories;
extern const char *const xh_default_forbidden[][2];
extern const size_t xh_ndefault_forbidden;

/* Validates and loads DIR; NULL with every problem in diag.  A large
 * expenditures file is read only when XH_YEAR_SPENDING asks for it. */
xh_year *xh_year_load(const char *dir, unsigned what, xh_diag *diag);
void xh_year_free(xh_year *y);
/* Hashes programme.xml and the record files y->file[] (in that order) into
 * y->inputs and y->inputs_sha256, once: every stage's provenance and run's
 * manifest read them, rather than each hashing the files again.
 * xh_year_load() calls it; 0, or -1 with the reason in diag. */
int xh_year_hash_inputs(xh_year *y, xh_diag *diag);

/* The class's name as SCHEMA.md writes it: "A", "B", "推广". */
const char *xh_class_name(int cls);
/* Index of a society by id, or -1. */
int xh_year_society(const xh_year *y, const char *id);
/* Index of an application by id, or -1. */
int xh_year_application(const xh_year *y, const char *id);
/* The name of an application's society, or the society id the
 * application gives when the society is unknown or has no name. */
const char *xh_year_society_name(const xh_year *y, const xh_application *a);
/* The file a record type ("societies", schema.c's names) was read from,
 * for messages; dflt when the type was not read. */
const char *xh_year_file(const xh_year *y, const char *type, const char *dflt);
/* Is d a working day?  1 or 0; -1 when the calendar has no rows for d's
 * year (SCHEMA.md: never a guess). */
int xh_year_workday(const xh_year *y, xh_date d);

#endif
