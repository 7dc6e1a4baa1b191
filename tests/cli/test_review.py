"""`xhgen review DIR -o OUT`: the formal review and the selection (group `cli` of tests/run.py).

tests/fixtures/review/rules is a hand-made year where every rule of gen/review.c fails exactly
once and one application (A01 of S01) passes them all; its README lists which application breaks
which rule.  The selection tests build small year folders here, from the same perfect society and
application, and read back 形式审查.xlsx (its XML, with zipfile) and 拟立项名单.csv.
The LibreOffice round trip of the workbook belongs to the client group, not here.
"""
import csv
import io
import os
import re
import shutil
import sys
import zipfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from run import check  # noqa: E402
from cases import Cases, listing  # noqa: E402
from yearfiles import APP_FIELDS, SOC_FIELDS, csv_text, valid_code  # noqa: E402
from xlsxread import M, R_ID, PKG_REL, _text, _col  # noqa: E402,F401

TESTS = Cases()
test = TESTS.add


FIXTURE = os.path.join(ROOT, "tests", "fixtures", "review", "rules")
SHEETS = ["形式审查", "拟立项排名", "汇总", "规则说明"]
CSV_HEADER = ["申报编号", "学会名称", "项目名称", "类别", "得分", "排名", "拟资助金额"]
RULES = ["V-0", "V-2", "E-04", "E-05", "E-07", "V-1a", "E-09", "V-1b", "V-3", "V-4",
         "P-01", "P-02", "P-03", "P-04", "P-05", "P-06", "P-07", "P-08"]
SELECTIONS = ["拟立项", "形式审查未通过", "评分专家不足", "未达合格分", "经费不足未资助"]
# the fixture: application -> (the one rule it breaks, the verdict); A01 breaks none
EXPECT = {
    "A01": None,
    "A02": ("V-0", "一票否决"),    # S02 on ineligible.csv with year 2025
    "A03": ("V-2", "一票否决"),    # S03 party_org 无
    "A04": ("E-04", "不通过"),     # S04 party activities in 3 quarters
    "A05": ("E-05", "不通过"),     # S05 四有 否
    "A06": ("E-07", "不通过"),     # S06 council 否
    "A07": ("V-1a", "一票否决"),   # S07 elected 2019-01-01, term 5, no extension
    "A08": ("E-09", "不通过"),     # S08 office 否
    "A09": ("V-1b", "不通过"),     # S09 inspection 基本合格
    "A10": ("V-3", "一票否决"),    # S10 violation 是
    "A11": ("V-4", "一票否决"),    # S11 absences 2 = absence_limit
    "A12": ("P-01", "提示"),       # class A asking 60000
    "A13": ("P-02", "不通过"),     # budget lines sum to 19000 of 20000
    "A14": ("P-03", "不通过"),     # a 设备购置 line
    "A15": ("P-04", "不通过"),     # a line for 人员工资
    "A16": ("P-05", "不通过"),     # starts 2025-12-01
    "A17": ("P-06", "不通过"),     # submitted 2026-04-01, deadline 2026-03-31
    "A18": ("P-07", "不通过"),     # materials complete 否
    "A19": ("P-08", "不通过"),     # materials authentic 否
}


# -- reading the outputs ---------------------------------------------------------

def _part(target):
    """The zip entry of a relationship target of xl/workbook.xml (relative or absolute)."""
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def xlsx_sheets(path):
    """{sheet name: rows as lists of cell text}, sheets in workbook order (an OrderedDict by
    insertion).  Numbers keep the text of <v>; a formula its cached value."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels.iter(PKG_REL + "Relationship")}
        shared = []
        if "xl/sharedStrings.xml" in names:
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(M + "si"):
                shared.append(_text(si))
        out = {}
        for sh in wb.iter(M + "sheet"):
            root = ET.fromstring(z.read(_part(target[sh.get(R_ID)])))
            grid = {}
            for row in root.iter(M + "row"):
                r = int(row.get("r")) - 1
                for c in row.iter(M + "c"):
                    kind = c.get("t", "n")
                    v = c.find(M + "v")
                    if kind == "s":
                        val = shared[int(v.text)]
                    elif kind == "inlineStr":
                        val = _text(c.find(M + "is"))
                    else:
                        val = v.text or "" if v is not None else ""
                    grid.setdefault(r, {})[_col(c.get("r"))] = val
            rows = []
            for r in range(max(grid) + 1 if grid else 0):
                cells = grid.get(r, {})
                rows.append([cells.get(k, "") for k in range(max(cells) + 1 if cells else 0)])
            out[sh.get("name")] = rows
        return out


def table(rows, key="申报编号"):
    """The header row (the first row with a cell `key`) and {id: {header: value}} below it."""
    for h, row in enumerate(rows):
        if key in row:
            head = row
            break
    else:
        check(False, "no header row with %r in %r" % (key, rows[:4]))
    k = head.index(key)
    recs = {}
    for row in rows[h + 1:]:
        row = row + [""] * (len(head) - len(row))
        if len(row) > k and re.match(r"^[A-Z][\w-]*$", row[k] or ""):
            check(row[k] not in recs, "application %s listed twice" % row[k])
            recs[row[k]] = {head[i]: row[i] for i in range(len(head))}
    return head, recs


def rule_columns(head):
    """{rule id: header} for the rule columns: a header that names the rule id as a word."""
    cols = {}
    for h in head:
        for rid in RULES:
            if rid in re.split(r"[\s()（）]+", h):
                check(rid not in cols, "two columns for %s: %r and %r" % (rid, cols.get(rid), h))
                cols[rid] = h
    missing = [r for r in RULES if r not in cols]
    check(not missing, "no column for rules %s in header %r" % (missing, head))
    return cols


def selection(rank_recs, aid):
    """The selection result of an application: the one cell of its row in 拟立项排名 that is
    a selection name."""
    check(aid in rank_recs, "%s not in 拟立项排名: %r" % (aid, sorted(rank_recs)))
    found = [v for v in rank_recs[aid].values() if v in SELECTIONS]
    check(len(found) == 1, "%s: no single result in its 拟立项排名 row: %r" % (aid, rank_recs[aid]))
    return found[0]


def read_csv(path):
    raw = open(path, "rb").read()
    check(raw.startswith(b"\xef\xbb\xbf"), "拟立项名单.csv has no UTF-8 BOM: %r" % raw[:12])
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    check(rows and rows[0] == CSV_HEADER, "CSV header %r" % (rows[:1],))
    recs = [dict(zip(CSV_HEADER, r)) for r in rows[1:]]
    for r in recs:
        check(len(r) == len(CSV_HEADER), "short CSV row %r" % r)
        check(re.match(r"^\d+\.\d\d$", r["得分"]), "得分 not with two decimals: %r" % r)
        check(re.match(r"^\d+\.\d\d$", r["拟资助金额"]), "拟资助金额 not a plain amount: %r" % r)
        check(re.match(r"^[1-9]\d*$", r["排名"]), "排名 not a rank: %r" % r)
    ranks = [int(r["排名"]) for r in recs]
    check(ranks == sorted(ranks) and len(set(ranks)) == len(ranks), "CSV not in rank order: %r" % ranks)
    return recs


class Review:
    """One run of `xhgen review`: the process, the workbook's sheets and the CSV rows."""

    def __init__(self, ctx, ydir, out, year="2026"):
        self.p = ctx.xh("review", ydir, "-o", out)
        check(self.p.returncode == 0, "review exit %d: %s" % (self.p.returncode, self.p.err[:800]))
        base = os.path.join(out, year, "review")
        self.xlsx = os.path.join(base, "形式审查.xlsx")
        self.csv_path = os.path.join(base, "拟立项名单.csv")
        check(os.path.isfile(self.xlsx), "no %s; OUT has %r" % (self.xlsx, listing(out)))
        check(os.path.isfile(self.csv_path), "no %s; OUT has %r" % (self.csv_path, listing(out)))
        self.sheets = xlsx_sheets(self.xlsx)
        check(list(self.sheets) == SHEETS, "sheets %r" % list(self.sheets))
        self.head, self.review = table(self.sheets["形式审查"])
        _, self.rank = table(self.sheets["拟立项排名"])
        self.csv = read_csv(self.csv_path)

    def sel(self, aid):
        return selection(self.rank, aid)

    def proposed(self):
        """[(id, 排名, 拟资助金额)] from the CSV, in its order."""
        return [(r["申报编号"], r["排名"], r["拟资助金额"]) for r in self.csv]


# -- building small years --------------------------------------------------------

PROGRAMME = """<?xml version="1.0" encoding="UTF-8"?>
<programme>
  <year>2026</year>
  <issuer>威海市科学技术协会</issuer>
  <budget>{budget}</budget>
  <caps><A>50000</A><B>20000</B><推广>20000</推广></caps>
  {class_budgets}
  <pass_score>60</pass_score>
  <min_experts>3</min_experts>
  <absence_limit>2</absence_limit>
  <dates><application_deadline>2026-03-31</application_deadline></dates>
  <key_industries><industry>新一代信息技术</industry><industry>先进装备与智能制造</industry></key_industries>
</programme>
"""


def soc(sid, industry="", **kw):
    """A society that passes every eligibility rule (S01 of the fixture), changed by kw."""
    n = int(sid[1:])
    r = {"id": sid, "name": "威海市测试%s学会" % sid, "credit_code": valid_code("51371000MJD2%05d" % n),
         "industry": industry, "phone": "0631-52%05d" % n, "email": "s%d@example.com" % n,
         "members": "100", "party_org": "党支部", "party_quarters": "4", "party_four_haves": "是",
         "council_complete": "是", "last_election": "2023-06-01", "term_years": "5",
         "election_extension": "否", "office": "是", "independent_accounts": "是", "inspection": "合格",
         "violation": "否", "absences": "0"}
    r.update(kw)
    return r


def app(aid, society, cls, amount, submitted="2026-03-15", **kw):
    """An application that passes every application rule, changed by kw."""
    r = {"id": aid, "society": society, "title": "项目%s" % aid, "class": cls, "amount": amount,
         "start": "2026-04-01", "end": "2026-11-30", "submitted": submitted,
         "materials_complete": "是", "materials_authentic": "是"}
    r.update(kw)
    return r


def year(d, socs, apps, scores, budget="1,000,000", class_budgets=""):
    """A year folder under d: scores is {application: [score, ...]}; every application gets one
    budget line of its whole amount in an allowed category."""
    y = os.path.join(d, "year")
    shutil.rmtree(y, ignore_errors=True)
    os.makedirs(y)
    files = {
        "programme.xml": PROGRAMME.format(budget=budget, class_budgets=class_budgets),
        "societies.csv": csv_text(SOC_FIELDS, socs),
        "applications.csv": csv_text(APP_FIELDS, apps),
        "budget_lines.csv": csv_text(["application", "category", "amount", "note"],
                                 [{"application": a["id"], "category": "学术交流", "amount": a["amount"],
                                   "note": "会务费"} for a in apps]),
        "scores.csv": csv_text(["application", "expert", "score"],
                           [{"application": a, "expert": "专家%d" % (k + 1), "score": s}
                            for a, ss in scores.items() for k, s in enumerate(ss)]),
    }
    for name, text in files.items():
        with open(os.path.join(y, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)
    return y


# -- the fixture: each rule fails exactly once -------------------------------------

@test
def t_review_each_rule_fails_once(ctx, d):
    p = ctx.xh("check", FIXTURE)
    check(p.returncode == 0 and "no problems found" in p.out,
          "the fixture does not pass check: exit %d %s" % (p.returncode, p.err[:600]))
    rv = Review(ctx, FIXTURE, os.path.join(d, "out"))
    check(sorted(rv.review) == sorted(EXPECT), "applications in 形式审查: %r" % sorted(rv.review))
    cols = rule_columns(rv.head)
    check("审查结论" in rv.head and "说明" in rv.head, "no 审查结论/说明 column: %r" % rv.head)
    # the rule columns in the order of the rules
    idx = [rv.head.index(cols[r]) for r in RULES]
    check(idx == sorted(idx), "rule columns out of order: %r" % [cols[r] for r in RULES])
    fails = {r: [] for r in RULES}
    for aid, want in sorted(EXPECT.items()):
        row = rv.review[aid]
        for rid in RULES:
            got = row[cols[rid]]
            exp = want[1] if want and want[0] == rid else "通过"
            check(got == exp, "%s %s: %r, want %r (row %r)" % (aid, rid, got, exp, row))
            if got != "通过":
                fails[rid].append(aid)
        overall = want[1] if want else "通过"
        check(row["审查结论"] == overall, "%s 审查结论 %r, want %r" % (aid, row["审查结论"], overall))
        note = row["说明"]
        if want:
            check(want[0] in re.split(r"[\s：:；;，,]+", note),
                  "%s 说明 does not name %s: %r" % (aid, want[0], note))
        others = [r for r in RULES if r in re.split(r"[\s：:；;，,]+", note) and (not want or r != want[0])]
        check(not others, "%s 说明 names rules that passed: %r in %r" % (aid, others, note))
    check(all(len(v) == 1 for v in fails.values()), "not every rule fails once: %r" % fails)
    # the reasons a person can check against the data
    for aid, frag in [("A07", "2024年1月1日"), ("A11", "2次"), ("A13", "19,000.00"),
                      ("A14", "设备购置"), ("A15", "工资"), ("A17", "2026年4月1日")]:
        check(frag in rv.review[aid]["说明"], "%s 说明 %r lacks %r" % (aid, rv.review[aid]["说明"], frag))
    # selection: only A01 and A12 (the cap warning) pass; both key industry, same mean and day,
    # so the lower id ranks first; A12 is proposed at the class cap
    check(rv.proposed() == [("A01", "1", "40000.00"), ("A12", "2", "50000.00")],
          "proposed %r" % rv.proposed())
    check([r["得分"] for r in rv.csv] == ["85.00", "85.00"], "得分 %r" % [r["得分"] for r in rv.csv])
    check(rv.csv[0]["学会名称"] == "威海市机械工程学会" and rv.csv[0]["类别"] == "A",
          "CSV row %r" % rv.csv[0])
    for aid in EXPECT:
        want = "拟立项" if aid in ("A01", "A12") else "形式审查未通过"
        check(rv.sel(aid) == want, "%s: %s, want %s" % (aid, rv.sel(aid), want))
    # the rules sheet states every rule
    text = "\n".join("\t".join(r) for r in rv.sheets["规则说明"])
    missing = [r for r in RULES if r not in text]
    check(not missing, "规则说明 lacks %r" % missing)
    check(rv.p.out.strip(), "no report on stdout")


# -- selection ---------------------------------------------------------------------

@test
def t_review_tie_key_industry_first(ctx, d):
    # T0 takes 20000 of 40000; T1 and T2 tie on the mean (80) for the last 20000.  T1 has the
    # lower id and the earlier submission, T2's society serves a key industry: T2 wins.
    y = year(d, [soc("S01"), soc("S02", industry="新一代信息技术"), soc("S03", industry="其他产业")],
             [app("T0", "S03", "B", "20000"),
              app("T1", "S01", "B", "20000", submitted="2026-03-01"),
              app("T2", "S02", "B", "20000", submitted="2026-03-20")],
             {"T0": ["95", "95", "95"], "T1": ["80", "80", "80"], "T2": ["70", "80", "90"]},
             budget="40000")
    rv = Review(ctx, y, os.path.join(d, "out"))
    check(rv.proposed() == [("T0", "1", "20000.00"), ("T2", "2", "20000.00")], "proposed %r" % rv.proposed())
    check(rv.sel("T1") == "经费不足未资助", "T1: %s" % rv.sel("T1"))
    check(rv.csv[1]["得分"] == "80.00", "得分 %r" % rv.csv[1])


@test
def t_review_tie_earlier_submission(ctx, d):
    # both key industry (different ones): the earlier submission wins, though its id is higher
    y = year(d, [soc("S01", industry="新一代信息技术"), soc("S02", industry="先进装备与智能制造")],
             [app("T1", "S01", "B", "20000", submitted="2026-03-20"),
              app("T2", "S02", "B", "20000", submitted="2026-03-01")],
             {"T1": ["80", "80", "80"], "T2": ["75", "80", "85"]}, budget="30000")
    rv = Review(ctx, y, os.path.join(d, "out"))
    check(rv.proposed() == [("T2", "1", "20000.00")], "proposed %r" % rv.proposed())
    check(rv.sel("T1") == "经费不足未资助", "T1: %s" % rv.sel("T1"))
    # neither key industry: the same
    y = year(d, [soc("S01"), soc("S02")],
             [app("T1", "S01", "B", "20000", submitted="2026-03-20"),
              app("T2", "S02", "B", "20000", submitted="2026-03-01")],
             {"T1": ["80", "80", "80"], "T2": ["75", "80", "85"]}, budget="30000")
    rv = Review(ctx, y, os.path.join(d, "out2"))
    check(rv.proposed() == [("T2", "1", "20000.00")], "non-key: proposed %r" % rv.proposed())


@test
def t_review_tie_lower_id(ctx, d):
    # same mean, same industry status, same day: the lower id, whatever the file order
    y = year(d, [soc("S01"), soc("S02")],
             [app("T2", "S02", "推广", "15000"), app("T1", "S01", "推广", "15000")],
             {"T2": ["90", "70", "80"], "T1": ["80", "80", "80"]}, budget="15000")
    rv = Review(ctx, y, os.path.join(d, "out"))
    check(rv.proposed() == [("T1", "1", "15000.00")], "proposed %r" % rv.proposed())
    check(rv.sel("T2") == "经费不足未资助", "T2: %s" % rv.sel("T2"))


@test
def t_review_budget_exhausted_exactly(ctx, d):
    # 50000 + 20000 + 20000 = the budget, to the fen
    y = year(d, [soc("S01"), soc("S02"), soc("S03")],
             [app("E1", "S01", "A", "50000"), app("E2", "S02", "B", "20000"),
              app("E3", "S03", "推广", "19999.99"), ],
             {"E1": ["90", "90", "90"], "E2": ["85", "85", "85"], "E3": ["80", "80", "80"]},
             budget="89,999.99")
    rv = Review(ctx, y, os.path.join(d, "out"))
    check(rv.proposed() == [("E1", "1", "50000.00"), ("E2", "2", "20000.00"), ("E3", "3", "19999.99")],
          "proposed %r" % rv.proposed())
    for aid in ("E1", "E2", "E3"):
        check(rv.sel(aid) == "拟立项", "%s: %s" % (aid, rv.sel(aid)))
    # one fen less and the last one does not fit
    y = year(d, [soc("S01"), soc("S02"), soc("S03")],
             [app("E1", "S01", "A", "50000"), app("E2", "S02", "B", "20000"),
              app("E3", "S03", "推广", "19999.99")],
             {"E1": ["90", "90", "90"], "E2": ["85", "85", "85"], "E3": ["80", "80", "80"]},
             budget="89,999.98")
    rv = Review(ctx, y, os.path.join(d, "out2"))
    check([r[0] for r in rv.proposed()] == ["E1", "E2"], "one fen short: proposed %r" % rv.proposed())
    check(rv.sel("E3") == "经费不足未资助", "E3: %s" % rv.sel("E3"))
    check("0.01" in rv.rank["E3"].get("说明", ""), "the shortfall (0.01) not stated: %r" % rv.rank["E3"])


@test
def t_review_all_fail(ctx, d):
    y = year(d, [soc("S01", violation="是"), soc("S02")],
             [app("F1", "S01", "A", "30000"), app("F2", "S02", "B", "20000", materials_complete="否")],
             {"F1": ["90", "90", "90"], "F2": ["90", "90", "90"]})
    rv = Review(ctx, y, os.path.join(d, "out"))
    check(rv.csv == [], "CSV rows %r" % rv.csv)
    raw = open(rv.csv_path, "rb").read()
    check(raw.decode("utf-8-sig").strip("\r\n") == ",".join(CSV_HEADER), "CSV %r" % raw)
    check(rv.sel("F1") == "形式审查未通过" and rv.sel("F2") == "形式审查未通过",
          "F1 %s, F2 %s" % (rv.sel("F1"), rv.sel("F2")))
    check(rv.review["F1"]["审查结论"] == "一票否决" and rv.review["F2"]["审查结论"] == "不通过",
          "审查结论 %r %r" % (rv.review["F1"]["审查结论"], rv.review["F2"]["审查结论"]))


@test
def t_review_class_budget_before_total(ctx, d):
    # B has 25000 of its own: C1 takes 20000, C2 (10000) no longer fits its class though the
    # year's budget has 180000 left; the list goes on and C3 (class A, lower score) is funded,
    # and so is C4 (B, 5000), which still fits the class
    y = year(d, [soc("S01"), soc("S02"), soc("S03"), soc("S04")],
             [app("C1", "S01", "B", "20000"), app("C2", "S02", "B", "10000"),
              app("C3", "S03", "A", "50000"), app("C4", "S04", "B", "5000")],
             {"C1": ["95", "95", "95"], "C2": ["90", "90", "90"], "C3": ["85", "85", "85"],
              "C4": ["80", "80", "80"]},
             budget="200000", class_budgets="<class_budgets><B>25000</B></class_budgets>")
    rv = Review(ctx, y, os.path.join(d, "out"))
    check(rv.proposed() == [("C1", "1", "20000.00"), ("C3", "3", "50000.00"), ("C4", "4", "5000.00")],
          "proposed %r" % rv.proposed())
    check(rv.sel("C2") == "经费不足未资助", "C2: %s" % rv.sel("C2"))
    check("本类别" in rv.rank["C2"].get("说明", "") or "B类" in rv.rank["C2"].get("说明", ""),
          "C2's note does not say the class budget ran out: %r" % rv.rank["C2"])


@test
def t_review_caps(ctx, d):
    # (e) a 推广 application asking exactly its cap: proposed in full, no 提示;
    # (h) a class A one above its cap: 提示, proposed at the cap
    y = year(d, [soc("S01"), soc("S02")],
             [app("K1", "S01", "推广", "20000"), app("K2", "S02", "A", "¥60,000.00")],
             {"K1": ["90", "90", "90"], "K2": ["85", "85", "85"]})
    rv = Review(ctx, y, os.path.join(d, "out"))
    cols = rule_columns(rv.head)
    check(rv.review["K1"][cols["P-01"]] == "通过", "K1 P-01: %r" % rv.review["K1"][cols["P-01"]])
    check(rv.review["K1"]["审查结论"] == "通过", "K1 审查结论 %r" % rv.review["K1"]["审查结论"])
    check(rv.review["K2"][cols["P-01"]] == "提示", "K2 P-01: %r" % rv.review["K2"][cols["P-01"]])
    check(rv.review["K2"]["审查结论"] == "提示", "K2 审查结论 %r" % rv.review["K2"]["审查结论"])
    check(rv.proposed() == [("K1", "1", "20000.00"), ("K2", "2", "50000.00")], "proposed %r" % rv.proposed())
    check(rv.csv[1]["类别"] == "A" and rv.csv[0]["类别"] == "推广", "类别 %r" % rv.csv)


@test
def t_review_period_ends_by_the_completion_deadline(ctx, d):
    # P-05: 实施方案 五(五) "11月底前完成": an end after acceptance_deadline fails
    y = year(d, [soc("S01"), soc("S02")],
             [app("E1", "S01", "B", "10000"), app("E2", "S02", "B", "10000", end="2026-12-20")],
             {"E1": ["80", "80", "80"], "E2": ["80", "80", "80"]})
    rv = Review(ctx, y, os.path.join(d, "out"))
    cols = rule_columns(rv.head)
    check(rv.review["E1"][cols["P-05"]] == "通过", "E1 P-05: %r" % rv.review["E1"][cols["P-05"]])
    check(rv.review["E2"][cols["P-05"]] == "不通过", "E2 P-05: %r" % rv.review["E2"][cols["P-05"]])
    check("完成期限" in rv.review["E2"]["说明"], "E2 说明: %r" % rv.review["E2"]["说明"])


@test
def t_review_scores(ctx, d):
    # (f) two scores of three; (g) mean 58.33 below 60; a mean of exactly 60 passes;
    # a fourth expert counts in the mean (no score dropped)
    y = year(d, [soc("S01"), soc("S02"), soc("S03"), soc("S04")],
             [app("G1", "S01", "B", "10000"), app("G2", "S02", "B", "10000"),
              app("G3", "S03", "B", "10000"), app("G4", "S04", "B", "10000")],
             {"G1": ["95", "95"], "G2": ["50", "60", "65"], "G3": ["55", "60", "65"],
              "G4": ["100", "90", "90", "61.5"]})
    rv = Review(ctx, y, os.path.join(d, "out"))
    check(rv.sel("G1") == "评分专家不足", "G1: %s" % rv.sel("G1"))
    check(rv.sel("G2") == "未达合格分", "G2: %s" % rv.sel("G2"))
    check(rv.sel("G3") == "拟立项", "G3 (mean 60.00): %s" % rv.sel("G3"))
    check([(r["申报编号"], r["得分"], r["排名"]) for r in rv.csv] == [("G4", "85.38", "1"), ("G3", "60.00", "2")],
          "CSV %r" % rv.csv)


# -- outputs -----------------------------------------------------------------------

@test
def t_review_deterministic(ctx, d):
    a = Review(ctx, FIXTURE, os.path.join(d, "a"))
    b = Review(ctx, FIXTURE, os.path.join(d, "b"))
    for x, y in [(a.xlsx, b.xlsx), (a.csv_path, b.csv_path)]:
        check(open(x, "rb").read() == open(y, "rb").read(), "%s differs between two runs" % os.path.basename(x))
    check(a.p.out == b.p.out, "the report differs between two runs")
    check(listing(os.path.join(d, "a")) == ["2026/review/形式审查.xlsx", "2026/review/拟立项名单.csv"],
          "OUT has %r" % listing(os.path.join(d, "a")))


@test
def t_review_workbook_layout(ctx, d):
    # formatted for printing (issue 4): A4 landscape, header row repeated, frozen panes and an
    # autofilter on the two lists; the summary counts by class and verdict, money vs budget
    rv = Review(ctx, FIXTURE, os.path.join(d, "out"))
    with zipfile.ZipFile(rv.xlsx) as z:
        wb = z.read("xl/workbook.xml").decode("utf-8")
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels.iter(PKG_REL + "Relationship")}
        sheets = list(ET.fromstring(wb).iter(M + "sheet"))
        for i, sh in enumerate(sheets):
            name = sh.get("name")
            root = ET.fromstring(z.read(_part(target[sh.get(R_ID)])))
            ps = root.find(M + "pageSetup")
            check(ps is not None and ps.get("paperSize") == "9" and ps.get("orientation") == "landscape",
                  "%s: not A4 landscape: %r" % (name, ps.attrib if ps is not None else None))
            if name not in ("形式审查", "拟立项排名"):
                continue
            pane = root.find(M + "sheetViews/" + M + "sheetView/" + M + "pane")
            check(pane is not None and pane.get("state") == "frozen" and pane.get("ySplit"),
                  "%s: no frozen header: %r" % (name, pane.attrib if pane is not None else None))
            check(root.find(M + "autoFilter") is not None, "%s: no autofilter" % name)
            check(re.search(r'<definedName name="_xlnm.Print_Titles" localSheetId="%d">[^<]*\$\d+:\$\d+<' % i, wb),
                  "%s: no repeated header row (Print_Titles)" % name)
    # the ranked list: proposed amount and running total against the budget
    for aid, vals in [("A01", ["40000"]), ("A12", ["60000", "50000", "90000"])]:
        row = list(rv.rank[aid].values())
        for v in vals:
            check(v in row, "拟立项排名 %s: no %s in %r" % (aid, v, row))
    summ = rv.sheets["汇总"]
    verdicts = ["通过", "提示", "不通过", "一票否决"]
    hr = [i for i, r in enumerate(summ) if all(v in r for v in verdicts)]
    check(hr, "汇总: no row of verdict counts: %r" % summ)
    head = summ[hr[0]]
    counts = {r[0]: [r[head.index(v)] if head.index(v) < len(r) else "" for v in verdicts]
              for r in summ[hr[0] + 1:hr[0] + 6] if r}
    for k, want in [("A", ["1", "1", "0", "0"]), ("B", ["0", "0", "12", "5"]), ("合计", ["1", "1", "12", "5"])]:
        check(counts.get(k) == want, "汇总 %s: %r, want %r (rows %r)" % (k, counts.get(k), want, counts))
    check(any("90000" in r and "2000000" in r for r in summ), "汇总: no row with 90000 of 2000000: %r" % summ)


@test
def t_review_data_error(ctx, d):
    y = os.path.join(d, "year")
    shutil.copytree(FIXTURE, y)
    path = os.path.join(y, "applications.csv")
    text = open(path, encoding="utf-8-sig").read()
    check(",A,40000," in text, "the fixture changed: no A01 amount 40000")
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write(text.replace(",A,40000,", ",A,四万,", 1))
    out = os.path.join(d, "out")
    p = ctx.xh("review", y, "-o", out)
    check(p.returncode == 1, "exit %d: %s" % (p.returncode, p.err[:400]))
    check("applications.csv:2: amount" in p.err, "the bad value is not reported: %r" % p.err[:600])
    check(not listing(out), "written under OUT: %r" % listing(out))


# -- the sample year input/ (tests/fixtures/mkyear.py), against an oracle of the rules --------

def _fen(text):
    """Money as the sample year writes it (50,000.00, 5万元, ¥45,000, an XLSX number) -> 分."""
    from decimal import Decimal
    t = re.sub(r"[,，¥￥元\s]", "", text)
    v = Decimal(t[:-1]) * 10000 if t.endswith("万") else Decimal(t)
    return int(v * 100)


def _date(text):
    """2025-06-01, 2025/6/1, 2025.6.1, 2025年6月1日 -> (y, m, d)."""
    return tuple(map(int, re.findall(r"\d+", text)[:3]))


def sample_year_oracle(inp):
    """What the rules of gen/review.c (its header comment and the rules sheet) say about input/,
    worked out here from the records alone: ({application: {rule: verdict}}, {application:
    selection}, {application: proposed 分}, year)."""
    prog = ET.parse(os.path.join(inp, "programme.xml")).getroot()
    year = int(prog.findtext("year"))
    cap = {c.tag: _fen(c.text) for c in prog.find("caps")}
    cbudget = {c.tag: _fen(c.text) for c in prog.find("class_budgets")}
    budget = _fen(prog.findtext("budget"))
    pass10 = int(round(float(prog.findtext("pass_score")) * 10))
    min_exp = int(prog.findtext("min_experts"))
    limit = int(prog.findtext("absence_limit"))
    deadline = _date(prog.findtext("dates/application_deadline"))
    acc_deadline = _date(prog.findtext("dates/acceptance_deadline"))
    cats = [c.text for c in prog.iter("category")]
    forbidden = [p.text for p in prog.iter("pattern")]
    industries = [i.text for i in prog.iter("industry")]
    socs = {s.findtext("id"): {c.tag: (c.text or "") for c in s} for s in
            ET.parse(os.path.join(inp, "societies.xml")).getroot().findall("society")}
    with open(os.path.join(inp, "ineligible.csv"), encoding="utf-8-sig", newline="") as f:
        inel = {r["学会编号"] for r in csv.DictReader(f) if int(r["年度"]) == year - 1}
    with open(os.path.join(inp, "applications.csv"), encoding="gb18030", newline="") as f:
        apps = list(csv.DictReader(f))
    lines = {}
    rows = list(xlsx_sheets(os.path.join(inp, "budget_lines.xlsx")).values())[0]
    head = rows[0]
    for r in rows[1:]:
        r = dict(zip(head, r))
        lines.setdefault(r["申报编号"], []).append((r["经费类别"], _fen(r["金额"]), r.get("说明", "")))
    scores = {}
    with open(os.path.join(inp, "scores.csv"), encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            scores.setdefault(r["申报编号"], []).append(int(round(float(r["评分"]) * 10)))
    yes = lambda v: v in ("true", "是", "1", "Y")
    verdicts, sel, prop = {}, {}, {}
    ranked = []
    for a in apps:
        s = socs[a["学会编号"]]
        v = dict.fromkeys(RULES, "通过")
        if a["学会编号"] in inel:
            v["V-0"] = "一票否决"
        if s["party_org"] == "无":
            v["V-2"] = "一票否决"
        if int(s["party_quarters"]) < 4:
            v["E-04"] = "不通过"
        if not yes(s["party_four_haves"]):
            v["E-05"] = "不通过"
        if not yes(s["council_complete"]):
            v["E-07"] = "不通过"
        ey, em, ed = _date(s["last_election"])
        if (ey + int(s["term_years"]), em, ed) < deadline and not yes(s["election_extension"]):
            v["V-1a"] = "一票否决"
        if not (yes(s["office"]) and yes(s["independent_accounts"])):
            v["E-09"] = "不通过"
        v["V-1b"] = {"合格": "通过", "不合格": "一票否决"}.get(s["inspection"], "不通过")
        if yes(s["violation"]):
            v["V-3"] = "一票否决"
        if int(s["absences"]) >= limit:
            v["V-4"] = "一票否决"
        amount = _fen(a["申请金额"])
        if amount > cap[a["类别"]]:
            v["P-01"] = "提示"
        bl = lines.get(a["申报编号"], [])
        if not bl or sum(x for _, x, _ in bl) != amount:
            v["P-02"] = "不通过"
        if any(c not in cats for c, _, _ in bl):
            v["P-03"] = "不通过"
        if any(re.search(p, "%s %s" % (c, n)) for c, _, n in bl for p in forbidden):
            v["P-04"] = "不通过"
        st, en = _date(a["开始日期"]), _date(a["结束日期"])
        if st[0] != year or en[0] != year or st > en or en > acc_deadline:
            v["P-05"] = "不通过"
        if _date(a["提交日期"]) > deadline:
            v["P-06"] = "不通过"
        if a["材料齐全"] != "是":
            v["P-07"] = "不通过"
        if a["材料真实"] != "是":
            v["P-08"] = "不通过"
        aid = a["申报编号"]
        verdicts[aid] = v
        sc = scores.get(aid, [])
        if any(x in ("不通过", "一票否决") for x in v.values()):
            sel[aid] = "形式审查未通过"
        elif len(sc) < min_exp:
            sel[aid] = "评分专家不足"
        elif sum(sc) < pass10 * len(sc):
            sel[aid] = "未达合格分"
        else:
            from fractions import Fraction
            ranked.append((-Fraction(sum(sc), len(sc)), s["industry"] not in industries,
                           _date(a["提交日期"]), aid, a["类别"], min(amount, cap[a["类别"]])))
    total, by_class = 0, {}
    for *_, aid, cls, want in sorted(ranked):
        if total + want > budget or (cls in cbudget and by_class.get(cls, 0) + want > cbudget[cls]):
            sel[aid] = "经费不足未资助"
            continue
        total += want
        by_class[cls] = by_class.get(cls, 0) + want
        sel[aid], prop[aid] = "拟立项", want
    return verdicts, sel, prop, year


@test
def t_review_sample_year(ctx, d):
    inp = os.path.join(ROOT, "input")
    verdicts, sel, prop, year = sample_year_oracle(inp)
    # the sample year plants every kind of result (tests/fixtures/mkyear.py, input/README.md)
    for kind in SELECTIONS:
        check(kind in sel.values(), "the sample year has no application that is %s" % kind)
    for rid in RULES:
        if rid != "P-08":
            check(any(v[rid] != "通过" for v in verdicts.values()), "the sample year breaks no %s" % rid)
    for rid in ("V-0", "V-1a", "V-1b", "V-2", "V-3", "V-4"):
        check(any(v[rid] == "一票否决" for v in verdicts.values()), "no veto by %s" % rid)
    rv = Review(ctx, inp, os.path.join(d, "out"), year=str(year))
    check(rv.p.out.strip(), "no report on stdout")
    check(sorted(rv.review) == sorted(verdicts), "形式审查 lists %r" % sorted(rv.review))
    cols = rule_columns(rv.head)
    for aid, v in sorted(verdicts.items()):
        for rid in RULES:
            got = rv.review[aid][cols[rid]]
            check(got == v[rid], "%s %s: %r, the records say %r" % (aid, rid, got, v[rid]))
        check(rv.sel(aid) == sel[aid], "%s: %s, the records say %s" % (aid, rv.sel(aid), sel[aid]))
    got = {r["申报编号"]: int(r["拟资助金额"].replace(".", "")) for r in rv.csv}
    check(got == prop, "拟立项名单.csv %r, the records say %r" % (got, prop))


run = TESTS.run
