"""`xhgen init DIR --year YEAR [--xlsx]`: a new, empty year folder (group `cli` of tests/run.py).

The folder must pass `xhgen check` as it is, carry the header row of every record type in the
Chinese labels of SCHEMA.md (CSV with BOM, or XLSX with drop-downs for the enum and yes/no
columns), and never overwrite a folder that has something in it."""
import csv
import io
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run import check  # noqa: E402
from cases import Cases  # noqa: E402
from xlsxread import M, _text  # noqa: E402

TESTS = Cases("init/")
test = TESTS.add


# a few columns of SCHEMA.md, by record type: the header must hold them in this order
EXPECT = {
    "societies": ["学会编号", "学会名称", "统一社会信用代码"],
    "applications": ["申报编号", "学会编号", "项目名称", "类别", "申请金额"],
    "acceptance": ["申报编号", "验收材料提交日期", "任务完成情况"],
    "calendar": ["日期"],
}
TYPES = ["societies", "applications", "budget_lines", "scores", "disbursements", "expenditures",
         "acceptance", "ineligible", "calendar"]


def xlsx_rows(path):
    """(header row strings, {column letter: list items of its validation})"""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            shared = [_text(si) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(M + "si")]
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    header = []
    for c in sheet.iter(M + "c"):
        if not re.fullmatch(r"[A-Z]+1", c.get("r")):
            continue
        v = c.find(M + "v")
        header.append(shared[int(v.text)] if c.get("t") == "s" else _text(c.find(M + "is")))
    lists = {}
    for dv in sheet.iter(M + "dataValidation"):
        f = dv.find(M + "formula1")
        lists[dv.get("sqref").split(":")[0].rstrip("0123456789")] = f.text.strip('"').split(",")
    return header, lists


@test
def t_csv_folder_checks(ctx, d):
    y = os.path.join(d, "2027")
    p = ctx.xh("init", y, "--year", "2027")
    check(p.returncode == 0, "init exit %d: %s" % (p.returncode, p.err))
    check("xhgen check" in p.out, "init does not say what to do next: %r" % p.out)
    files = sorted(os.listdir(y))
    check(files == sorted(["programme.xml"] + [t + ".csv" for t in TYPES]), "files: %s" % files)
    check(not [f for f in os.listdir(d) if f.startswith(".") or f.endswith(".tmp")],
          "temporaries left beside the folder: %s" % os.listdir(d))
    with open(os.path.join(y, "programme.xml"), encoding="utf-8") as f:
        prog = f.read()
    check("<year>2027</year>" in prog and "2027-11-30" in prog, "programme.xml lacks the year")
    for word in ("党建", "项目运行", "罚款|罚金|滞纳金", "奖金", "<A>50000</A>"):
        check(word in prog, "programme.xml lacks the seed's %r" % word)
    for t, cols in EXPECT.items():
        with open(os.path.join(y, t + ".csv"), "rb") as f:
            raw = f.read()
        check(raw.startswith(b"\xef\xbb\xbf"), "%s.csv has no BOM" % t)
        rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
        check(len(rows) == 1, "%s.csv: %d rows, expected the header only" % (t, len(rows)))
        check(rows[0][:len(cols)] == cols, "%s.csv header %s" % (t, rows[0]))
    c = ctx.xh("check", y)
    check(c.returncode == 0, "check of a new folder: exit %d: %s" % (c.returncode, c.err))


@test
def t_xlsx_folder_checks(ctx, d):
    y = os.path.join(d, "x")
    p = ctx.xh("init", y, "--year", "2026", "--xlsx")
    check(p.returncode == 0, "init --xlsx exit %d: %s" % (p.returncode, p.err))
    for t in TYPES:
        check(os.path.exists(os.path.join(y, t + ".xlsx")), "no %s.xlsx" % t)
    head, lists = xlsx_rows(os.path.join(y, "applications.xlsx"))
    check(head[:5] == EXPECT["applications"], "applications.xlsx header %s" % head)
    col = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[head.index("类别")]
    check(lists.get(col) == ["A", "B", "推广"], "类别 drop-down: %s" % lists)
    col = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[head.index("材料齐全")]
    check(lists.get(col) == ["是", "否"], "材料齐全 drop-down: %s" % lists)
    head, lists = xlsx_rows(os.path.join(y, "acceptance.xlsx"))
    col = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[head.index("任务完成情况")]
    check(lists.get(col) == ["全部完成", "基本完成", "未完成"], "任务完成情况 drop-down: %s" % lists)
    c = ctx.xh("check", y)
    check(c.returncode == 0, "check of a new XLSX folder: exit %d: %s" % (c.returncode, c.err))


@test
def t_same_bytes(ctx, d):
    a, b = os.path.join(d, "a"), os.path.join(d, "b")
    for y in (a, b):
        check(ctx.xh("init", y, "--year", "2026", "--xlsx").returncode == 0, "init failed")
    for f in sorted(os.listdir(a)):
        with open(os.path.join(a, f), "rb") as fa, open(os.path.join(b, f), "rb") as fb:
            check(fa.read() == fb.read(), "%s differs between two runs" % f)


@test
def t_never_overwrites(ctx, d):
    y = os.path.join(d, "year")
    os.makedirs(y)
    with open(os.path.join(y, "societies.csv"), "w", encoding="utf-8") as f:
        f.write("staff's own work\n")
    p = ctx.xh("init", y, "--year", "2026")
    check(p.returncode == 1, "init over a non-empty folder: exit %d" % p.returncode)
    check("not an empty folder" in p.err, "message: %s" % p.err)
    check(os.listdir(y) == ["societies.csv"], "the folder changed: %s" % os.listdir(y))
    with open(os.path.join(y, "societies.csv"), encoding="utf-8") as f:
        check(f.read() == "staff's own work\n", "staff's file was touched")
    empty = os.path.join(d, "empty")
    os.makedirs(empty)
    check(ctx.xh("init", empty, "--year", "2026").returncode == 0, "init into an empty folder")
    check(len(os.listdir(empty)) == 10, "empty folder not filled: %s" % os.listdir(empty))


@test
def t_usage(ctx, d):
    for args in (["init", os.path.join(d, "n")], ["init", os.path.join(d, "n"), "--year", "26"],
                 ["init", os.path.join(d, "n"), "--year", "2026", "-o", d]):
        p = ctx.xh(*args)
        check(p.returncode == 2, "%s: exit %d" % (args, p.returncode))
    check(not os.path.exists(os.path.join(d, "n")), "a refused init wrote something")


run = TESTS.run
