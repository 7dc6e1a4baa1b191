"""`xhgen accept DIR -o OUT`: the acceptance conclusions (group `cli` of tests/run.py).

tests/fixtures/accept/rules is a hand-made 2026 year (its README lists every project, what its
acceptance record says and the conclusion it must get): late materials, a forbidden expense, a
project with no expenditures, tasks 基本完成, finance 不合规, the panel's conclusion against the
rules both ways, a missing acceptance record and a record of a project that was not approved.
The tests read every output back: the text of each 验收结论书 and of 验收汇总.docx, the workbook's
XML (values, formulas and their cached values, counts), ineligible.csv and its round trip into
next year's review (V-0), the provenance properties, the package check of docxtext.py; ONE
LibreOffice conversion of the documents checks the PDF text (conclusions, totals), the GB/T 9704
margins (layout.check_margins) and leaves a PNG of one 验收结论书 in tests/out/artefacts.  The
sample year input/ is checked against expectations worked out here from its records.
"""
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
import xml.etree.ElementTree as ET
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from run import check  # noqa: E402
from cases import Cases, listing  # noqa: E402
from docxcheck import W, check_pdfs, docx_layout_problems, squash  # noqa: E402
from xlsxread import M, R_ID, PKG_REL, _text, _col  # noqa: E402
import layout  # noqa: E402

TESTS = Cases()
test = TESTS.add
PDFS = []   # (name, docx path, [strings the PDF must show])


FIXTURE = os.path.join(ROOT, "tests", "fixtures", "accept", "rules")
STAGE = os.path.join("2026", "acceptance")

# -- what the fixture must give (its README), amounts in 分 -----------------------------------
# id -> (society id, class, approved, disbursed, spent, conclusion, rules' conclusion, panel)
PROJECTS = {
    "A01": ("S01", "A", 4000000, 4000000, 2400000, "不通过", "不通过", ""),
    "A12": ("S01", "A", 5000000, 5000000, 3000000, "通过", "通过", ""),
    "A10": ("S10", "B", 2000000, 2000000, 2000000, "不通过", "通过", "不通过"),
    "A13": ("S01", "B", 1800000, 1900000, 1000000, "通过", "通过", ""),
    "A15": ("S01", "B", 2000000, 2000000, 800000, "不通过", "不通过", ""),
    "A16": ("S01", "B", 2000000, 1000000, 1200000, "不通过", "不通过", ""),
    "A17": ("S01", "B", 2000000, 2000000, 0, "通过", "通过", ""),
    "A18": ("S01", "B", 1500000, 1500000, 500000, "不通过", "不通过", ""),
    "A19": ("S01", "B", 2000000, 2000000, 1200000, "通过", "不通过", "通过"),
}
ORDER = ["A01", "A12", "A10", "A13", "A15", "A16", "A17", "A18", "A19"]  # the ledger's order
# what each 验收结论书 must say, beside its conclusion
SAYS = {
    "A01": ["禁止性支出（人员工资）", "支付会务人员工资", "有禁止性支出1笔，共2,000.00元",
            "取消该学会2027年度扶持资格"],
    "A12": ["2026年11月30日", "重复拨付（实施方案：一次性拨付）", "同意通过验收"],
    "A10": ["按规则得出的结论为“通过”", "以验收组结论为准", "验收组认为成效不足"],
    "A13": ["任务完成情况：基本完成", "任务基本完成", "同意通过验收", "拨付累计超过核定金额1,000.00元"],
    "A15": ["未提交验收材料", "验收材料提交日期", "未提交", "取消该学会2027年度扶持资格"],
    "A16": ["验收材料于2026年12月1日提交，晚于截止日期2026年11月30日（逾期1天）",
            "累计支出超过已拨付金额", "支出合计12,000.00元，超过已拨付金额10,000.00元"],
    "A17": ["无支出记录，结余资金20,000.00元", "已支出0.00元", "结余20,000.00元", "同意通过验收"],
    "A18": ["财务意见为“不合规”", "财务意见：不合规"],
    "A19": ["按规则得出的结论为“不通过”", "任务完成情况为“未完成”", "以验收组结论为准",
            "任务完成情况：未完成"],
}
APPROVED, DISBURSED, SPENT = 22300000, 21400000, 12100000


# -- helpers ----------------------------------------------------------------------------------

def yuan(fen):
    s = "-" if fen < 0 else ""
    fen = abs(fen)
    return s + "{:,}.{:02d}".format(fen // 100, fen % 100)


def fen_of(text):
    """A number cell's text in 分, exactly."""
    check(re.match(r"^-?\d+(\.\d+)?(E[+-]?\d+)?$", text or "", re.I), "not a number: %r" % text)
    d = Decimal(text) * 100
    check(d == d.to_integral_value(), "not exact to the 分: %r" % text)
    return int(d)


def copy_fixture(d, name="year"):
    y = os.path.join(d, name)
    shutil.copytree(FIXTURE, y)
    return y


def props(path):
    """Custom document properties of a package: {name: value}."""
    with zipfile.ZipFile(path) as z:
        if "docProps/custom.xml" not in z.namelist():
            return {}
        root = ET.fromstring(z.read("docProps/custom.xml"))
    out = {}
    for p in root:
        v = list(p)
        out[p.get("name")] = (v[0].text or "") if v else ""
    return out


def docx_tables(path):
    """Every table of the body as rows of cell texts."""
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("word/document.xml"))
    out = []
    for tbl in root.iter(W + "tbl"):
        rows = []
        for tr in tbl.findall(W + "tr"):
            rows.append(["".join(t.text or "" for t in tc.iter(W + "t")) for tc in tr.findall(W + "tc")])
        out.append(rows)
    return out


# -- the workbook -------------------------------------------------------------------------------

def _rels(z, part):
    d, f = os.path.split(part)
    rp = (d + "/" if d else "") + "_rels/" + f + ".rels"
    root = ET.fromstring(z.read(rp))
    out = {}
    for r in root.iter(PKG_REL + "Relationship"):
        t = r.get("Target")
        out[r.get("Id")] = t.lstrip("/") if t.startswith("/") else (d + "/" + t if d else t)
    return out


def read_book(path):
    """{sheet name: {(row, col): (kind, text, formula)}} with 0-based rows and columns."""
    with zipfile.ZipFile(path) as z:
        check(z.testzip() is None, "%s: a corrupt entry" % path)
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            shared = [_text(si) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(M + "si")]
        wrels = _rels(z, "xl/workbook.xml")
        sheets = {}
        for sh in ET.fromstring(z.read("xl/workbook.xml")).iter(M + "sheet"):
            cells = {}
            for c in ET.fromstring(z.read(wrels[sh.get(R_ID)])).iter(M + "c"):
                kind = c.get("t", "n")
                v, f = c.find(M + "v"), c.find(M + "f")
                if kind == "s":
                    val = shared[int(v.text)]
                elif kind == "inlineStr":
                    val = _text(c.find(M + "is"))
                else:
                    val = (v.text or "") if v is not None else ""
                m = re.match(r"([A-Z]+)(\d+)", c.get("r"))
                cells[(int(m.group(2)) - 1, _col(m.group(1)))] = (kind, val, f.text if f is not None else None)
            sheets[sh.get("name")] = cells
    return sheets


def table_of(cells, key):
    """(header row index, {header: col}, [row dicts]) of the rows under the header holding `key`."""
    rows = {}
    for (r, c), v in cells.items():
        rows.setdefault(r, {})[c] = v
    hr = next(r for r in sorted(rows) if any(v[1] == key for v in rows[r].values()))
    head = {v[1]: c for c, v in rows[hr].items() if v[1]}
    out = []
    for r in sorted(rows):
        if r <= hr:
            continue
        out.append({h: rows[r].get(c, ("", "", None)) for h, c in head.items()})
    return hr, head, out


class Run:
    """One `xhgen accept` run: process, outputs, stdout lines."""

    def __init__(self, ctx, ydir, out, year=2026, expect=0):
        self.p = ctx.xh("accept", ydir, "-o", out)
        check(self.p.returncode == expect, "accept exit %d (want %d): %s"
              % (self.p.returncode, expect, self.p.err[-800:]))
        self.out = out
        self.dir = os.path.join(out, str(year), "acceptance")
        self.lines = self.p.out.splitlines()

    def docx(self, aid):
        return os.path.join(self.dir, "%s-验收结论书.docx" % aid)


# -- the hand-made year -------------------------------------------------------------------------

RULES = {}


def rules_run(ctx, d):
    if "run" not in RULES or not os.path.isdir(RULES["run"].dir):
        RULES["run"] = Run(ctx, FIXTURE, os.path.join(d, "out"))
    return RULES["run"]


@test
def t_accept_outputs(ctx, d):
    r = rules_run(ctx, d)
    want = sorted([os.path.join(STAGE, "%s-验收结论书.docx" % a) for a in PROJECTS] +
                  [os.path.join(STAGE, f) for f in ("验收汇总.docx", "验收汇总.xlsx", "ineligible.csv")])
    check(listing(r.out) == want, "OUT holds %r" % listing(r.out))
    check(not os.path.exists(r.docx("A14")), "A14 was not approved and has a 验收结论书")
    check(r.p.err == "", "stderr: %r" % r.p.err)


@test
def t_accept_stdout(ctx, d):
    r = rules_run(ctx, d)
    lines = r.lines
    failed = [l for l in lines if re.match(r"^A\d\d .*: 不通过", l)]
    check(sorted(l.split()[0] for l in failed) == sorted(a for a, p in PROJECTS.items() if p[5] == "不通过"),
          "failed lines %r" % failed)
    dis = [l for l in lines if "不一致" in l]
    check(sorted(l.split()[0] for l in dis) == ["A10", "A19"], "disagreement lines %r" % dis)
    check(any(l.startswith("A19 ") and "验收组结论“通过”与规则结论“不通过”不一致" in l and "未完成" in l for l in dis),
          "A19's disagreement %r" % dis)
    check(any(l.startswith("A16 ") and "逾期1天" in l for l in failed), "A16 is not late on stdout")
    check(any(l.startswith("A01 ") and "禁止性支出" in l for l in failed), "A01's forbidden expense")
    check(any(l.startswith("A15 ") and "未提交验收材料" in l for l in failed), "A15's missing record")
    check(any(l.startswith("A18 ") and "不合规" in l for l in failed), "A18's finance")
    un = [l for l in lines if "未获批准" in l]
    check(len(un) == 1 and re.match(r"^.*acceptance\.csv:10: 验收 A14 ", un[0]), "unapproved record line %r" % un)
    summary = "验收：9 个项目，通过 4 个，不通过 5 个；核定 %s 元，已拨付 %s 元，已支出 %s 元" % (
        yuan(APPROVED), yuan(DISBURSED), yuan(SPENT))
    check(lines[-1] == summary, "summary %r, want %r" % (lines[-1], summary))
    check(len(lines) == len(failed) + len(dis) + len(un) + 1, "stray lines: %r" % lines)


@test
def t_accept_documents(ctx, d):
    r = rules_run(ctx, d)
    inputs = None
    for aid, (soc, cls, appr, dis, spent, conc, rules, panel) in PROJECTS.items():
        path = r.docx(aid)
        problems = ctx.check_package(path)
        check(not problems, "%s: %s" % (aid, problems[:5]))
        problems = docx_layout_problems(path)
        check(not problems, "%s layout: %s" % (aid, problems[:5]))
        text = ctx.docx_text(path)
        flat = squash(text)
        check("{" not in text and "}" not in text, "%s: a tag left: %r" % (aid, text[:300]))
        check("验收结论：%s。" % conc in flat, "%s: conclusion %s not in %r" % (aid, conc, flat[:2000]))
        box = "☑通过☐不通过" if conc == "通过" else "☐通过☑不通过"
        check(box in flat, "%s: the boxes %s" % (aid, box))
        check(("核定资助金额%s元" % yuan(appr)) in flat, "%s: approved %s" % (aid, yuan(appr)))
        check(("已拨付%s元" % yuan(dis)) in flat, "%s: disbursed" % aid)
        check(("已支出%s元" % yuan(spent)) in flat, "%s: spent" % aid)
        check(("结余%s元" % yuan(dis - spent)) in flat, "%s: balance" % aid)
        for s in SAYS[aid]:
            check(squash(s) in flat, "%s: %r not in the text %r" % (aid, s, flat[:3000]))
        if rules != conc:
            check("按规则得出的结论为“%s”" % rules in flat, "%s: the rules' conclusion is not shown" % aid)
        else:
            check("按规则得出的结论为" not in flat, "%s: a disagreement shown where there is none" % aid)
        if conc == "不通过":
            check("取消该学会2027年度扶持资格" in flat, "%s: next year's exclusion" % aid)
        check("2026年4月1日至2026年11月30日" in flat or aid == "A16", "%s: the period in Chinese dates" % aid)
        # the budget table: a 合计 row with the project's spending
        cats = [t for t in docx_tables(path) if t and t[0][:2] == ["序号", "经费类别"]]
        check(len(cats) == 1, "%s: no category table" % aid)
        total = [row for row in cats[0] if row[0] == "合计"]
        check(total and total[0][2] == yuan(spent), "%s: category 合计 %r, spent %s" % (aid, total, yuan(spent)))
        pr = props(path)
        check(pr.get("xhgen.record") == aid and pr.get("xhgen.stage") == "acceptance" and
              pr.get("xhgen.year") == "2026" and pr.get("xhgen.template") == "验收结论书.docx",
              "%s: provenance %r" % (aid, pr))
        inputs = inputs or pr.get("xhgen.inputs_sha256")
        check(pr.get("xhgen.inputs_sha256") == inputs and re.match(r"^[0-9a-f]{64}$", inputs or ""),
              "%s: inputs hash %r" % (aid, pr.get("xhgen.inputs_sha256")))
        PDFS.append(("rules-" + aid, path, ["验收结论：%s" % conc, "结余%s元" % yuan(dis - spent)]))
    # A01's findings are numbered and name each flagged expense
    flat = squash(ctx.docx_text(r.docx("A01")))
    for v in ("记-003", "记-004", "记-005", "记-006"):
        check(v in flat, "A01: the finding of %s is missing" % v)
    check("记-001" not in flat, "A01: a clean expense is listed as a finding")


@test
def t_accept_summary_docx(ctx, d):
    r = rules_run(ctx, d)
    path = os.path.join(r.dir, "验收汇总.docx")
    problems = ctx.check_package(path) + docx_layout_problems(path)
    check(not problems, "验收汇总.docx: %s" % problems[:5])
    flat = squash(ctx.docx_text(path))
    check("{" not in flat, "a tag left in the summary")
    for s in ("9个项目中，验收通过4项，不通过5项", "A类项目2项，通过1项，不通过1项",
              "B类项目7项，通过3项，不通过4项。", "核定资助金额合计223,000.00元（人民币贰拾贰万叁仟元整）",
              "已拨付214,000.00元", "已支出121,000.00元", "结余93,000.00元", "取消所在学会2027年度扶持资格",
              "验收组结论与规则结论不一致"):
        check(s in flat, "summary lacks %r: %r" % (s, flat[:1500]))
    tables = [t for t in docx_tables(path) if t and t[0][0] == "序号"]
    check(len(tables) == 1, "summary: %d list tables" % len(tables))
    rows = tables[0]
    body = [row for row in rows[1:] if row[0].isdigit()]
    check([row[0] for row in body] == [str(i + 1) for i in range(len(ORDER))], "numbering %r" % body)
    for row, aid in zip(body, ORDER):
        soc, cls, appr, dis, spent, conc = PROJECTS[aid][:6]
        check(row[3:] == [cls, yuan(appr), yuan(dis), yuan(spent), conc], "%s: row %r" % (aid, row))
    total = rows[-1]
    check(total[0] == "合计（9项）" and total[1:4] == [yuan(APPROVED), yuan(DISBURSED), yuan(SPENT)]
          and total[4] == "通过4项", "合计 row %r" % total)
    check(props(path).get("xhgen.record") == "", "summary's record property")
    PDFS.append(("rules-summary", path, ["通过4项，不通过5项", "223,000.00", "214,000.00", "121,000.00"]))


@test
def t_accept_workbook(ctx, d):
    r = rules_run(ctx, d)
    path = os.path.join(r.dir, "验收汇总.xlsx")
    book = read_book(path)
    check(list(book) == ["验收汇总", "统计"], "sheets %r" % list(book))
    hr, head, rows = table_of(book["验收汇总"], "验收结论")
    data = [x for x in rows if x["申报编号"][1].startswith("A")]
    check([x["申报编号"][1] for x in data] == ORDER, "projects %r" % [x["申报编号"][1] for x in data])
    first, last = hr + 2, hr + 1 + len(data)
    for x in data:
        aid = x["申报编号"][1]
        soc, cls, appr, dis, spent, conc, rules, panel = PROJECTS[aid]
        got = tuple(fen_of(x[h][1]) for h in ("核定金额", "已拨付", "已支出", "结余"))
        check(got == (appr, dis, spent, dis - spent), "%s: money %r" % (aid, got))
        check(x["结余"][2] is not None, "%s: 结余 is not a formula" % aid)
        check((x["类别"][1], x["验收结论"][1], x["规则结论"][1], x["验收组结论"][1]) == (cls, conc, rules, panel),
              "%s: %r" % (aid, [x[h][1] for h in ("类别", "验收结论", "规则结论", "验收组结论")]))
    check(data[4]["材料提交日期"][1] == "未提交" and data[4]["任务完成情况"][1] == "未提交", "A15's row")
    a16 = [x for x in data if x["申报编号"][1] == "A16"][0]
    check(a16["材料提交日期"][0] == "n" and int(a16["材料提交日期"][1]) == 46357, "A16's date cell %r" % (a16["材料提交日期"],))
    check("逾期1天" in a16["主要问题及依据"][1], "A16's 主要问题 %r" % a16["主要问题及依据"][1])
    a13 = [x for x in data if x["申报编号"][1] == "A13"][0]
    check("任务基本完成" in a13["主要问题及依据"][1], "A13 passes with its finding written out")
    total = [x for x in rows if x["序号"][1] == "合计"]
    check(len(total) == 1, "no 合计 row")
    t = total[0]
    for h, want in (("核定金额", APPROVED), ("已拨付", DISBURSED), ("已支出", SPENT), ("结余", DISBURSED - SPENT)):
        kind, val, f = t[h]
        check(f is not None and f.startswith("SUM(") and fen_of(val) == want,
              "合计 %s: %r %r, want %s" % (h, val, f, want))
        check(re.fullmatch(r"SUM\([A-Z]+%d:[A-Z]+%d\)" % (first, last), f), "合计 %s sums %r" % (h, f))
    check(t["验收结论"][1] == "通过4项，不通过5项" and "COUNTIF" in (t["验收结论"][2] or ""),
          "合计 conclusions %r" % (t["验收结论"],))
    # 统计: counts and money by class, formulas with exact cached values
    _, _, srows = table_of(book["统计"], "不通过")
    by = {x["类别"][1]: x for x in srows if x["类别"][1]}
    want = {"A": (2, 1, 1, 9000000, 9000000, 5400000), "B": (7, 3, 4, 13300000, 12400000, 6700000),
            "推广": (0, 0, 0, 0, 0, 0), "合计": (9, 4, 5, APPROVED, DISBURSED, SPENT)}
    for cls, w in want.items():
        x = by.get(cls)
        check(x is not None, "统计 has no row %s" % cls)
        got = (int(x["项目数"][1]), int(x["通过"][1]), int(x["不通过"][1]), fen_of(x["核定金额"][1]),
               fen_of(x["已拨付"][1]), fen_of(x["已支出"][1]))
        check(got == w, "统计 %s: %r, want %r" % (cls, got, w))
        check(all(x[h][2] for h in ("项目数", "通过", "不通过", "核定金额")), "统计 %s: not formulas" % cls)
    pr = props(path)
    check(pr.get("xhgen.stage") == "acceptance" and pr.get("xhgen.year") == "2026" and
          re.match(r"^[0-9a-f]{64}$", pr.get("xhgen.inputs_sha256", "")), "workbook provenance %r" % pr)


def read_csv_bom(path):
    raw = open(path, "rb").read()
    check(raw.startswith(b"\xef\xbb\xbf"), "%s: no UTF-8 BOM" % path)
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


@test
def t_accept_ineligible(ctx, d):
    r = rules_run(ctx, d)
    rows = read_csv_bom(os.path.join(r.dir, "ineligible.csv"))
    check(rows[0] == ["society", "year", "reason"], "header %r" % rows[0])
    body = rows[1:]
    check([x[:2] for x in body] == [["S01", "2026"], ["S10", "2026"]], "rows %r" % body)
    for aid in ("A01", "A15", "A16", "A18"):
        check("2026年度%s " % aid in body[0][2], "S01's reason lacks %s: %r" % (aid, body[0][2]))
    check("A12" not in body[0][2] and "A19" not in body[0][2], "S01's reason names a passed project")
    check("A10" in body[1][2], "S10's reason %r" % body[1][2])
    # next year: the file copied into a 2027 folder; its review vetoes S01 and S10 (V-0)
    y = os.path.join(d, "y2027")
    shutil.copytree(FIXTURE, y)
    for f in ("decisions.csv", "disbursements.csv", "expenditures.csv", "acceptance.csv"):
        os.remove(os.path.join(y, f))
    for f in ("programme.xml", "applications.csv"):
        p = os.path.join(y, f)
        s = open(p, encoding="utf-8").read().replace("2026", "2027").replace("2025-12-01", "2026-12-01")
        open(p, "w", encoding="utf-8").write(s)
    shutil.copyfile(os.path.join(r.dir, "ineligible.csv"), os.path.join(y, "ineligible.csv"))
    p = ctx.xh("check", y)
    check(p.returncode == 0, "next year's check: %s %s" % (p.out[-300:], p.err[-500:]))
    p = ctx.xh("review", y, "-o", os.path.join(d, "out2027"))
    check(p.returncode == 0, "next year's review exit %d: %s" % (p.returncode, p.err[-500:]))
    v0 = [l for l in p.out.splitlines() if "V-0" in l]
    ids = sorted(l.split()[0] for l in v0)
    # every application of S01 (A01, A12–A19) and S10 (A10); S02's exclusion was for 2025
    want = sorted(["A01", "A10"] + ["A%d" % i for i in range(12, 20)])
    check(ids == want, "V-0 in 2027 for %r, want %r: %r" % (ids, want, p.out[-800:]))
    check(all("2026年度验收未通过，取消2027年度扶持资格" in l for l in v0), "V-0 reason %r" % v0[:2])


@test
def t_accept_matches_ledger(ctx, d):
    # the acceptance figures are the ledger's: 资金分配's 合计 row
    r = rules_run(ctx, d)
    p = ctx.xh("ledger", FIXTURE, "-o", os.path.join(d, "out"))
    check(p.returncode == 0, "ledger exit %d: %s" % (p.returncode, p.err[-400:]))
    book = read_book(os.path.join(d, "out", "2026", "ledger", "资金台账.xlsx"))
    _, head, rows = table_of(book["资金分配"], "核定金额")
    t = [x for x in rows if x["序号"][1] == "合计"][0]
    got = (fen_of(t["核定金额"][1]), fen_of(t["已拨付"][1]), fen_of(t["已支出"][1]))
    check(got == (APPROVED, DISBURSED, SPENT), "ledger 合计 %r" % (got,))
    ids = [x["申报编号"][1] for x in rows if re.match(r"^A\d\d$", x["申报编号"][1])]
    check(ids == ORDER, "ledger order %r" % ids)
    check(r.lines[-1].endswith("核定 %s 元，已拨付 %s 元，已支出 %s 元" % (yuan(got[0]), yuan(got[1]), yuan(got[2]))),
          "accept's summary %r" % r.lines[-1])


@test
def t_accept_deterministic(ctx, d):
    r = rules_run(ctx, d)
    r2 = Run(ctx, FIXTURE, os.path.join(d, "again"))
    for f in listing(r.out):
        a = open(os.path.join(r.out, f), "rb").read()
        b = open(os.path.join(r2.out, f), "rb").read()
        check(a == b, "%s differs between two runs" % f)
    check(r.p.out == r2.p.out, "stdout differs between two runs")


@test
def t_accept_no_weekend_roll(ctx, d):
    # the deadline on a Sunday is not moved to the Monday: materials on the Monday are late
    y = copy_fixture(d)
    p = os.path.join(y, "programme.xml")
    s = open(p, encoding="utf-8").read()
    s = s.replace("<acceptance_deadline>2026-11-30</acceptance_deadline>",
                  "<acceptance_deadline>2026-11-29</acceptance_deadline>")
    open(p, "w", encoding="utf-8").write(s)
    r = Run(ctx, y, os.path.join(d, "out"))
    a12 = [l for l in r.lines if l.startswith("A12 ")]
    check(a12 and "2026年11月30日提交，晚于截止日期2026年11月29日（逾期1天）" in a12[0], "A12: %r" % a12)
    flat = squash(ctx.docx_text(r.docx("A12")))
    check("验收结论：不通过。" in flat and "提交截止日期2026年11月29日" in flat, "A12's document %r" % flat[:600])


@test
def t_accept_empty_fields(ctx, d):
    # nothing is assumed in the society's favour: an empty date, tasks or finance opinion fails
    y = copy_fixture(d)
    p = os.path.join(y, "acceptance.csv")
    rows = read_csv_bom(p)
    for row in rows[1:]:
        if row[0] == "A12":
            row[1] = ""
        elif row[0] == "A13":
            row[2] = ""
        elif row[0] == "A17":
            row[5] = ""
    with open(p, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    r = Run(ctx, y, os.path.join(d, "out"))
    for aid, why in (("A12", "验收材料提交日期未填写"), ("A13", "任务完成情况未填写"), ("A17", "财务意见未填写")):
        line = [l for l in r.lines if l.startswith(aid + " ") and ": 不通过" in l]
        check(line and why in line[0], "%s: %r" % (aid, line))
        flat = squash(ctx.docx_text(r.docx(aid)))
        check("验收结论：不通过。" in flat and why in flat, "%s's document" % aid)
    check("通过 1 个，不通过 8 个" in r.lines[-1], "summary %r" % r.lines[-1])


@test
def t_accept_bad_template(ctx, d):
    # a staff-edited template with a tag the data lacks: exit 1, the earlier output stays
    y = copy_fixture(d)
    out = os.path.join(d, "out")
    Run(ctx, y, out)
    before = {f: open(os.path.join(out, f), "rb").read() for f in listing(out)}
    os.makedirs(os.path.join(y, "templates"))
    src = os.path.join(ROOT, "templates", "验收结论书.docx")
    dst = os.path.join(y, "templates", "验收结论书.docx")
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for it in zi.infolist():
            data = zi.read(it.filename)
            if it.filename == "word/document.xml":
                data = data.replace("{credit_code}".encode(), "{no_such_field}".encode(), 1)
            zo.writestr(it, data)
    r = Run(ctx, y, out, expect=1)
    check("no_such_field" in r.p.err, "stderr does not name the tag: %r" % r.p.err[-600:])
    after = {f: open(os.path.join(out, f), "rb").read() for f in listing(out)}
    check(after == before, "the earlier output changed: %r" % sorted(set(after) ^ set(before)))


@test
def t_accept_killed(ctx, d):
    # XHGEN_STOP_AFTER=N: SIGKILL right after the N-th file is complete under its temporary
    # name (the 9 conclusions, the summary, the workbook, the CSV: 12 files).  The stage
    # folder must hold the previous complete output, byte for byte; the next run is whole.
    y = copy_fixture(d)
    out = os.path.join(d, "out")
    Run(ctx, y, out)
    stage = os.path.join(out, STAGE)
    before = {f: open(os.path.join(stage, f), "rb").read() for f in os.listdir(stage)}
    # a changed year: A12's materials now late, so the new output differs
    p = os.path.join(y, "acceptance.csv")
    s = open(p, encoding="utf-8-sig").read().replace("A12,2026-11-30", "A12,2026-12-02")
    open(p, "w", encoding="utf-8-sig", newline="").write(s)
    env = dict(ctx.env)
    for n in (1, 10, 11, 12):
        env["XHGEN_STOP_AFTER"] = str(n)
        k = subprocess.run([ctx.xhgen_path, "accept", y, "-o", out], capture_output=True, env=env,
                           timeout=ctx.timeout)
        check(k.returncode == -9, "XHGEN_STOP_AFTER=%d: exit %d, stderr %r" % (n, k.returncode, k.stderr[-300:]))
        now = {f: open(os.path.join(stage, f), "rb").read() for f in os.listdir(stage)}
        check(now == before, "killed after %d files: the stage folder changed: %r"
              % (n, sorted(f for f in set(now) | set(before) if now.get(f) != before.get(f))))
    r = Run(ctx, y, out)
    check(listing(out) == sorted(os.path.join(STAGE, f) for f in before), "after the kills OUT holds %r" % listing(out))
    check(any(l.startswith("A12 ") and "逾期2天" in l for l in r.lines), "the new run: %r" % r.lines[:3])
    check(open(os.path.join(stage, "A12-验收结论书.docx"), "rb").read() != before["A12-验收结论书.docx"],
          "A12's conclusion was not rewritten")


@test
def t_accept_usage(ctx, d):
    p = ctx.xh("accept", FIXTURE)
    check(p.returncode == 2 and "-o OUT is required" in p.err, "no -o: %d %r" % (p.returncode, p.err))
    p = ctx.xh("accept", os.path.join(d, "nowhere"), "-o", os.path.join(d, "out"))
    check(p.returncode == 1 and not os.path.exists(os.path.join(d, "out")), "a missing year: %d %r"
          % (p.returncode, p.err[-300:]))


# -- the sample year --------------------------------------------------------------------------------

def _xlsx_rows(path):
    """The first worksheet of an .xlsx as rows of text (dates as Excel serials)."""
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            shared = [_text(si) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(M + "si")]
        wrels = _rels(z, "xl/workbook.xml")
        sh = next(ET.fromstring(z.read("xl/workbook.xml")).iter(M + "sheet"))
        out = []
        for row in ET.fromstring(z.read(wrels[sh.get(R_ID)])).iter(M + "row"):
            cells = {}
            for c in row.iter(M + "c"):
                kind, v = c.get("t", "n"), c.find(M + "v")
                val = (shared[int(v.text)] if kind == "s" else _text(c.find(M + "is")) if kind == "inlineStr"
                       else (v.text or "") if v is not None else "")
                cells[_col(c.get("r"))] = val
            out.append([cells.get(i, "") for i in range(max(cells) + 1)] if cells else [])
    return out


FIELDS = {"application": ("application", "申报编号"), "submitted": ("submitted", "验收材料提交日期"),
          "tasks": ("tasks", "任务完成情况"), "finance": ("finance_opinion", "财务意见"),
          "conclusion": ("conclusion", "验收结论")}


def _date(s):
    """A date cell's text as (y, m, d): ISO, slashes, dots, 年月日, or an Excel serial."""
    s = s.strip()
    if re.fullmatch(r"\d+(\.\d+)?", s):
        import datetime
        dt = datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(s)))
        return (dt.year, dt.month, dt.day)
    m = re.fullmatch(r"(\d{4})\D(\d{1,2})\D(\d{1,2})日?", s)
    check(m, "not a date: %r" % s)
    return tuple(int(x) for x in m.groups())


def acceptance_records(ydir):
    """{application id: {field: text}} from the year's acceptance file (csv or xlsx)."""
    for ext in ("csv", "xlsx"):
        path = os.path.join(ydir, "acceptance." + ext)
        if os.path.exists(path):
            break
    else:
        return {}
    if ext == "csv":
        raw = open(path, "rb").read()
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    else:
        rows = _xlsx_rows(path)
    head = [h.strip() for h in rows[0]]
    col = {}
    for k, names in FIELDS.items():
        for n in names:
            if n in head:
                col[k] = head.index(n)
    out = {}
    for row in rows[1:]:
        if not any(x.strip() for x in row):
            continue
        rec = {k: (row[c].strip() if c < len(row) else "") for k, c in col.items()}
        out[rec["application"]] = rec
    return out


@test
def t_accept_sample_year(ctx, d):
    # input/: the ledger's 资金分配 is the oracle for who was approved and the money; the
    # conclusions are worked out here from the acceptance records and the ledger's 支出 flags
    inp = os.path.join(ROOT, "input")
    out = os.path.join(d, "out")
    p = ctx.xh("ledger", inp, "-o", out, timeout=300)
    check(p.returncode == 0, "ledger on input/: %d %s" % (p.returncode, p.err[-500:]))
    year = int(re.search(r"<year>\s*(\d{4})", open(os.path.join(inp, "programme.xml"), encoding="utf-8").read()).group(1))
    book = read_book(os.path.join(out, str(year), "ledger", "资金台账.xlsx"))
    _, _, arows = table_of(book["资金分配"], "核定金额")
    alloc = {x["申报编号"][1]: x for x in arows if x["申报编号"][1] and x["序号"][1] not in ("合计",)
             and re.match(r"^\d+$", x["序号"][1])}
    _, _, erows = table_of(book["支出"], "合规")
    forbidden = {x["申报编号"][1] for x in erows if "禁止性支出" in x["合规"][1]}
    prog = open(os.path.join(inp, "programme.xml"), encoding="utf-8").read()
    m = re.search(r"<acceptance_deadline>\s*([^<\s]+)", prog)
    deadline = _date(m.group(1)) if m else (year, 11, 30)
    recs = acceptance_records(inp)
    expect = {}
    for aid in alloc:
        rec = recs.get(aid)
        ok = (rec is not None and rec.get("submitted") and _date(rec["submitted"]) <= deadline
              and rec.get("tasks") in ("全部完成", "基本完成") and rec.get("finance") in ("合规", "基本合规")
              and aid not in forbidden)
        panel = (rec or {}).get("conclusion", "")
        expect[aid] = (panel or ("通过" if ok else "不通过"), "通过" if ok else "不通过")

    r = Run(ctx, inp, out, year=year)
    docs = sorted(f for f in os.listdir(r.dir) if f.endswith("-验收结论书.docx"))
    check(docs == sorted("%s-验收结论书.docx" % a for a in alloc), "documents %r for %r" % (docs, sorted(alloc)))
    for aid, (conc, rules) in sorted(expect.items()):
        flat = squash(ctx.docx_text(r.docx(aid)))
        check("验收结论：%s。" % conc in flat, "%s: want %s (rules %s)" % (aid, conc, rules))
        check(("按规则得出的结论为“%s”" % rules in flat) == (conc != rules), "%s: the disagreement" % aid)
    npass = sum(1 for c, _ in expect.values() if c == "通过")
    nfail = len(expect) - npass
    t = [x for x in arows if x["序号"][1] == "合计"][0]
    summary = "验收：%d 个项目，通过 %d 个，不通过 %d 个；核定 %s 元，已拨付 %s 元，已支出 %s 元" % (
        len(expect), npass, nfail, yuan(fen_of(t["核定金额"][1])), yuan(fen_of(t["已拨付"][1])),
        yuan(fen_of(t["已支出"][1])))
    check(r.lines[-1] == summary, "summary %r, want %r" % (r.lines[-1], summary))
    ndis = sum(1 for c, ru in expect.values() if c != ru)
    check(len([l for l in r.lines if "不一致" in l]) == ndis, "disagreements on stdout, want %d" % ndis)
    unapproved = sorted(set(recs) - set(alloc))
    un = [l for l in r.lines if "未获批准" in l]
    check(len(un) == len(unapproved), "unapproved records %r, want %r" % (un, unapproved))
    # ineligible.csv: the societies of the failed projects
    ineligible = read_csv_bom(os.path.join(r.dir, "ineligible.csv"))
    check(ineligible[0] == ["society", "year", "reason"], "ineligible header")
    check(all(x[1] == str(year) for x in ineligible[1:]), "ineligible years %r" % ineligible[1:])
    nfailed_soc = len(ineligible) - 1
    check((nfailed_soc > 0) == (nfail > 0) and nfailed_soc <= nfail, "ineligible rows %d for %d failed" % (nfailed_soc, nfail))
    wb = read_book(os.path.join(r.dir, "验收汇总.xlsx"))
    _, _, wrows = table_of(wb["验收汇总"], "验收结论")
    wt = [x for x in wrows if x["序号"][1] == "合计"][0]
    check(fen_of(wt["核定金额"][1]) == fen_of(t["核定金额"][1]) and fen_of(wt["已支出"][1]) == fen_of(t["已支出"][1]),
          "the workbook's totals are not the ledger's")
    summ = os.path.join(r.dir, "验收汇总.docx")
    check(not ctx.check_package(summ), "sample 验收汇总.docx: %s" % ctx.check_package(summ)[:3])
    PDFS.append(("sample-summary", summ, ["验收通过%d项，不通过%d项" % (npass, nfail), yuan(fen_of(t["核定金额"][1]))]))


# -- LibreOffice: one call for every document of this module -----------------------------------------

@test
def t_accept_pdf(ctx, d):
    if ctx.asan:
        return "LibreOffice is not run under ASan"

    def a01(name, pdf):
        if name == "rules-A01":
            pngs = layout.render_png(pdf, "accept-A01", first=1, last=layout.page_count(pdf))
            check(pngs, "no PNG of A01's 验收结论书")
    check_pdfs(d, "accept", PDFS, a01)


def run(ctx):
    del PDFS[:]
    RULES.clear()
    TESTS.run(ctx)
