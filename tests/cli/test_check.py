"""`xhgen check DIR` and record files as template data (group `cli` of tests/run.py).

Each test builds a small year folder the way staff make one (UTF-8 CSV with a BOM, GB18030 CSV,
XML records) and checks what xhgen says about it: every problem on its own line, naming the
file, the spreadsheet row (and the physical line when a quoted field held line breaks), the
field with its Chinese label, and the value.
"""
import csv
import io
import os
import shutil
import subprocess
import sys
import zipfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import docxbuild as db  # noqa: E402
from run import check  # noqa: E402
from cases import Cases  # noqa: E402
from yearfiles import valid_code  # noqa: E402

TESTS = Cases()
test = TESTS.add
XM = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


PROGRAMME = """<?xml version="1.0" encoding="UTF-8"?>
<programme>
  <year>2026</year>
  <issuer>威海市科学技术协会</issuer>
  <budget>600,000.00</budget>
  <caps><A>50000</A><B>20000</B><推广>20000</推广></caps>
  <pass_score>60</pass_score>
  <dates><application_deadline>2026-03-31</application_deadline></dates>
</programme>
"""

def year(d, files):
    """A year folder with programme.xml and the given files (name -> text or bytes)."""
    y = os.path.join(d, "year")
    os.makedirs(y, exist_ok=True)
    files = dict(files)
    files.setdefault("programme.xml", PROGRAMME)
    for name, content in files.items():
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(os.path.join(y, name), mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
            f.write(content)
    return y


def societies_csv():
    c1 = valid_code("51371000MJD000011")
    c2 = valid_code("51371000MJD000020")
    return ("\ufeff学会编号,学会名称,统一社会信用代码,联系电话,电子邮箱,党组织,上年度年检结论,会员人数\r\n"
            "S01,威海市机械工程学会,%s,0631-5201234,a@example.com,党支部,合格,120\r\n"
            "S02,威海市医学会,%s,13806310001,b@example.com,党委,基本合格,300\r\n" % (c1, c2))


@test
def t_check_sample_year(ctx, d):
    # input/ is written by tests/fixtures/mkyear.py; the counts come from its records
    inp = os.path.join(ROOT, "input")
    p = ctx.xh("check", inp)
    check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.err[:600]))
    check("no problems found" in p.out, "stdout: %r" % p.out[:300])
    nsoc = len(ET.parse(os.path.join(inp, "societies.xml")).getroot().findall("society"))
    check(nsoc >= 50, "the sample year has only %d societies" % nsoc)
    check("societies.xml: %d rows (XML)" % nsoc in p.out, "no row count for societies: %r" % p.out[:400])
    # the forms staff keep: GB18030 applications, XLSX budget lines, payments and acceptance
    raw = open(os.path.join(inp, "applications.csv"), "rb").read()
    check(not raw.startswith(b"\xef\xbb\xbf"), "applications.csv has a UTF-8 BOM")
    try:
        raw.decode("utf-8")
        check(False, "applications.csv is UTF-8, not GB18030")
    except UnicodeDecodeError:
        pass
    napps = len(list(csv.reader(io.StringIO(raw.decode("gb18030"), newline="")))) - 1
    check("applications.csv: %d rows (GB18030)" % napps in p.out, "applications: %r" % p.out[:600])
    for name in ("budget_lines", "disbursements", "acceptance"):
        with zipfile.ZipFile(os.path.join(inp, name + ".xlsx")) as z:
            sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
        n = len([r for r in sheet.iter(XM + "row")]) - 1
        check("%s.xlsx: %d rows (XLSX)" % (name, n) in p.out, "%s: %r" % (name, p.out[:600]))
    for name, enc in (("scores", "UTF-8 with BOM"), ("expenditures", "UTF-8"), ("ineligible", "UTF-8"),
                      ("calendar", "UTF-8")):
        with open(os.path.join(inp, name + ".csv"), encoding="utf-8-sig", newline="") as f:
            n = len(list(csv.reader(f))) - 1
        check("%s.csv: %d rows (%s)" % (name, n, enc) in p.out, "%s: %r" % (name, p.out[:600]))


@test
def t_check_sample_year_is_generated(ctx, d):
    # input/ is exactly what tests/fixtures/mkyear.py writes (deterministic, XLSX included)
    gen = os.path.join(d, "year")
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "fixtures", "mkyear.py"), gen],
                       capture_output=True, text=True)
    check(p.returncode == 0, "mkyear.py: %s" % p.stderr[-600:])
    inp = os.path.join(ROOT, "input")
    names = sorted(f for f in os.listdir(inp) if os.path.isfile(os.path.join(inp, f)))
    check(sorted(os.listdir(gen)) == names, "mkyear.py writes %r, input/ has %r" % (sorted(os.listdir(gen)), names))
    for f in names:
        with open(os.path.join(gen, f), "rb") as a, open(os.path.join(inp, f), "rb") as b:
            check(a.read() == b.read(), "input/%s differs from what mkyear.py writes: run it" % f)
    # dates in the XLSX records are real date cells (a number under a date format), as Excel
    # writes them: the submitted column of acceptance.xlsx under a 年月日 format
    with zipfile.ZipFile(os.path.join(inp, "acceptance.xlsx")) as z:
        styles = ET.fromstring(z.read("xl/styles.xml"))
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    codes = {f.get("numFmtId"): f.get("formatCode") for f in styles.iter(XM + "numFmt")}
    xfs = [x.get("numFmtId") for x in styles.find(XM + "cellXfs")]
    cells = [c for c in sheet.iter(XM + "c") if c.get("r")[0] == "B" and c.get("r") != "B1"]
    check(cells, "acceptance.xlsx has no submitted dates")
    for c in cells:
        check(c.get("t") in (None, "n") and c.find(XM + "v").text.isdigit(), "B: not a number cell: %r" % c.attrib)
        check("年" in codes.get(xfs[int(c.get("s", "0"))], ""), "%s: not under a 年月日 format" % c.get("r"))


@test
def t_check_reports_every_problem_with_position(ctx, d):
    apps = ("\ufeff申报编号,学会编号,项目名称,类别,申请金额,提交日期,材料齐全\r\n"
            "A1,S01,智能制造服务,A,\"50,000.00\",2026-03-01,是\r\n"
            "A2,S99,科普进社区,B,五万,2026-02-30,也许\r\n"
            "A1,S02,\"多行\n名称\",C,1.234,20260301,否\r\n"
            "A3,S02,科技咨询,推广,-100,2026-03-02,是\r\n")
    y = year(d, {"societies.csv": societies_csv(), "applications.csv": apps})
    p = ctx.xh("check", y)
    check(p.returncode == 1, "exit %d" % p.returncode)
    f = os.path.join(y, "applications.csv")
    want = [
        f + ':3: society (学会编号): no such 学会编号 in societies: "S99"',
        f + ':3: amount (申请金额): Chinese numerals (write the amount in figures): "五万"',
        f + ':3: submitted (提交日期): ',
        f + ':3: materials_complete (材料齐全): ',
        f + ':4: id (申报编号): the same as row 2: "A1"',
        f + ':4: class (类别): not one of A B 推广: "C"',
        f + ':4: amount (申请金额): more than two decimals',
        f + ':4: submitted (提交日期): a bare number is not a date: "20260301"',
        # the quoted line break in row 4 puts row 5 on line 6
        f + ':5 (line 6): amount (申请金额): negative amount: "-100"',
    ]
    for w in want:
        check(w in p.err, "missing %r in:\n%s" % (w, p.err[:1500]))
    check("errors" in p.err.splitlines()[-1], "no summary line: %r" % p.err[-200:])


@test
def t_check_societies_fields(ctx, d):
    soc = ("id,name,credit_code,phone,email,party_quarters,last_election,inspection\n"
           "S01,甲学会,51371000MJD000011X,12345,not-an-email,5,2021-06-18,合格\n"
           "S02,乙学会,%s,631-5817079,x@example.com,4,2021/6/18,优秀\n"
           "S02,甲学会,,,,,,\n" % valid_code("51371000MJD000020"))
    y = year(d, {"societies.csv": soc})
    p = ctx.xh("check", y)
    f = os.path.join(y, "societies.csv")
    for w in [f + ":2: credit_code (统一社会信用代码): ",
              f + ":2: phone (联系电话): not a phone number",
              f + ":2: email (电子邮箱): not an e-mail address",
              f + ":2: party_quarters (上年度开展党组织活动的季度数): out of range (0 to 4)",
              f + ":3: phone (联系电话): not a phone number",
              f + ':3: inspection (上年度年检结论): not one of 合格 基本合格 不合格 未参检: "优秀"',
              f + ':4: id (学会编号): the same as row 3: "S02"',
              f + ':4: name (学会名称): the same as row 2: "甲学会"']:
        check(w in p.err, "missing %r in:\n%s" % (w, p.err[:1500]))
    check(p.returncode == 1, "exit %d" % p.returncode)


@test
def t_check_missing_column_and_value(ctx, d):
    soc = "学会名称,理事长\n甲学会,张三\n,李四\n"
    y = year(d, {"societies.csv": soc})
    p = ctx.xh("check", y)
    f = os.path.join(y, "societies.csv")
    check(f + ": id (学会编号): missing column" in p.err, p.err[:600])
    check(p.returncode == 1, "exit %d" % p.returncode)
    soc = "学会编号,学会名称\nS01,甲学会\nS02,\n"
    shutil.rmtree(os.path.join(d, "year"))
    y = year(d, {"societies.csv": soc})
    p = ctx.xh("check", y)
    check(f + ":3: name (学会名称): no value" in p.err, p.err[:600])


@test
def t_check_gb18030_csv(ctx, d):
    # as Chinese Excel and WPS save it; 㐀 (U+3400) and 𠀀 (U+20000) are outside GBK
    soc = "学会编号,学会名称,办公地址\r\nS01,威海市㐀学会,环翠区𠀀路1号\r\n"
    y = year(d, {"societies.csv": soc.encode("gb18030")})
    p = ctx.xh("check", y)
    check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.err[:500]))
    check("GB18030" in p.out, "encoding not reported: %r" % p.out)
    # and the same file fills a template, converted to UTF-8
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{#rows}{name}：{address}{/rows}"])
    out = os.path.join(d, "o.docx")
    p = ctx.xh("fill", tpl, os.path.join(y, "societies.csv"), "-o", out)
    check(p.returncode == 0, "fill exit %d: %s" % (p.returncode, p.err[:300]))
    check(ctx.docx_text(out) == "威海市㐀学会：环翠区𠀀路1号", "got %r" % ctx.docx_text(out))


@test
def t_check_bad_encoding(ctx, d):
    y = year(d, {"societies.csv": "学会编号,学会名称\nS01,甲\n".encode("utf-16")})
    p = ctx.xh("check", y)
    check(p.returncode == 1, "exit %d" % p.returncode)
    check("UTF-16" in p.err, "encoding not named: %r" % p.err[:300])


@test
def t_check_references_and_decisions(ctx, d):
    apps = ("id,society,title,class,amount\n"
            "A1,S01,项目一,A,50000\n"
            "A2,S02,项目二,B,20000\n")
    scores = ("application,expert,score\n"
              "A1,专家甲,85.5\n"
              "A1,专家甲,80\n"
              "A3,专家乙,90\n"
              "A2,专家乙,100.5\n"
              "A2,专家丙,85.55\n")
    decisions = ("application,approved,amount,reason\n"
                 "A1,是,60000,\n"
                 "A2,是,25000,学术年会规模扩大\n")
    y = year(d, {"societies.csv": societies_csv(), "applications.csv": apps,
                 "scores.csv": scores, "decisions.csv": decisions})
    p = ctx.xh("check", y)
    s = os.path.join(y, "scores.csv")
    de = os.path.join(y, "decisions.csv")
    for w in [s + ':3: expert (专家): this expert already scored this application in row 2: "专家甲"',
              s + ':4: application (申报编号): no such 申报编号 in applications: "A3"',
              s + ':5: score (评分): not a score (0 to 100, at most one decimal): "100.5"',
              s + ':6: score (评分): not a score',
              de + ":2: reason (说明): no value: a reason is required when the amount is above the class cap of 50,000.00元"]:
        check(w in p.err, "missing %r in:\n%s" % (w, p.err[:1500]))
    check(de + ":3:" not in p.err, "a decision with a reason was flagged: %r" % p.err[:800])


@test
def t_check_same_records_twice(ctx, d):
    y = year(d, {"societies.csv": societies_csv(),
                 "societies.xml": "<societies><society><id>S01</id><name>甲</name></society></societies>"})
    p = ctx.xh("check", y)
    check(p.returncode == 1, "exit %d" % p.returncode)
    check("the same records twice" in p.err, p.err[:400])


@test
def t_check_programme_errors(ctx, d):
    prog = PROGRAMME.replace("<budget>600,000.00</budget>", "<budget>六十万</budget><budjet>1</budjet>")
    prog = prog.replace("</programme>", "<forbidden_spending><pattern reason=\"x\">工资(</pattern>"
                        "<pattern>罚款</pattern></forbidden_spending></programme>")
    y = year(d, {"societies.csv": societies_csv(), "programme.xml": prog})
    p = ctx.xh("check", y)
    f = os.path.join(y, "programme.xml")
    for w in [f + ':5: <budget>: Chinese numerals (write the amount in figures): "六十万"',
              f + ":5: <budjet>: unknown element",
              f + ":9: <pattern>: not a valid pattern at offset",
              f + ":9: <pattern>: no reason= attribute"]:
        check(w in p.err, "missing %r in:\n%s" % (w, p.err[:1200]))


@test
def t_check_usage(ctx, d):
    p = ctx.xh("check")
    check(p.returncode == 2, "no DIR: exit %d" % p.returncode)
    p = ctx.xh("check", os.path.join(d, "nope"))
    check(p.returncode == 1 and "not a folder" in p.err, "exit %d: %r" % (p.returncode, p.err[:200]))


@test
def t_csv_rows_as_template_data(ctx, d):
    apps = ("\ufeff申报编号,学会编号,项目名称,类别,申请金额,备用列\r\n"
            "A1,S01,智能制造服务,A,\"50,000.00\",甲\r\n"
            "A2,S02,科普进社区,B,2万元,乙\r\n")
    path = os.path.join(d, "applications.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(apps)
    # Chinese headers reach the template by their English id; unknown columns by their header
    tpl = db.make_docx(os.path.join(d, "t.docx"),
                       ["{#rows}{id} {title} {amount | yuan} {备用列}；{/rows}",
                        "合计 {rows | sum:\"amount\" | yuan}（{rows | sum:\"amount\" | cny}），共{rows | count}项"])
    out = os.path.join(d, "o.docx")
    p = ctx.xh("fill", tpl, path, "-o", out)
    check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.err[:300]))
    text = ctx.docx_text(out)
    check(text == "A1 智能制造服务 50,000.00 甲；A2 科普进社区 20,000.00 乙；\n"
                  "合计 70,000.00（柒万元整），共2项", "got %r" % text)
    # merge: one document per row, named from the row
    tpl2 = db.make_docx(os.path.join(d, "m.docx"), ["{title}：{amount | cny}"])
    outd = os.path.join(d, "out")
    p = ctx.xh("merge", tpl2, path, "-o", outd, "--name", "{id}-{title}.docx")
    check(p.returncode == 0, "merge exit %d: %s" % (p.returncode, p.err[:300]))
    check(sorted(os.listdir(outd)) == ["A1-智能制造服务.docx", "A2-科普进社区.docx"], str(os.listdir(outd)))
    check(ctx.docx_text(os.path.join(outd, "A2-科普进社区.docx")) == "科普进社区：贰万元整", "merge text")


@test
def t_merge_rows_errors(ctx, d):
    # every bad or repeated name, by spreadsheet row; nothing written, no folder made
    path = os.path.join(d, "recs.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,title\nA1,x\nA1,y\nA/3,z\n\nA5,w\nA5,v\n")
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{title}"])
    outd = os.path.join(d, "out", "sub")
    p = ctx.xh("merge", tpl, path, "-o", outd, "--name", "{id}.docx")
    check(p.returncode == 1, "exit %d" % p.returncode)
    for w in [path + ':3: file name "A1.docx" is the same as row 2\'s',
              path + ':4: file name "A/3.docx" contains a slash',
              path + ':7: file name "A5.docx" is the same as row 6\'s']:
        check(w in p.err, "missing %r in %r" % (w, p.err[:600]))
    check(not os.path.exists(outd), "the output folder was made")


@test
def t_check_xlsx_saved_by_libreoffice(ctx, d):
    # tests/fixtures/check/societies.xlsx: societies-source.csv opened in LibreOffice Calc
    # (soffice --infilter="CSV:44,34,76,1,,1033,false,true" --convert-to xlsx), so numbers
    # and dates are real number and date cells, as staff's sheets have them
    fx = os.path.join(ROOT, "tests", "fixtures", "check", "societies.xlsx")
    y = year(d, {"societies.xlsx": open(fx, "rb").read()})
    p = ctx.xh("check", y)
    f = os.path.join(y, "societies.xlsx")
    check(p.returncode == 1, "exit %d" % p.returncode)
    for w in [f + ':4: credit_code (统一社会信用代码): wrong check character: "51371000MJD00003X0"',
              f + ":4: phone (联系电话): not a phone number (a number cell: save the column as text",
              f + ':4: members (会员人数): not a whole number: "12.5"',
              f + ':4: last_election (上次换届日期): no such day: "2023-02-30"',
              f + ':4: violation (近两年违法违纪或通报处罚): not yes or no']:
        check(w in p.err, "missing %r in:\n%s" % (w, p.err[:1500]))
    check(f + ":2:" not in p.err and f + ":3:" not in p.err, "good rows flagged: %r" % p.err[:800])
    check("societies.xlsx: 3 rows (XLSX)" in p.out, p.out)


@test
def t_check_dates_compare_as_days_and_missing_reference_file(ctx, d):
    cal = "date,kind,note\n2026-10-01,休,国庆节\n2026.10.1,休,国庆节\n2026年10月2日,休,\n"
    lines = "application,category,amount\nA1,学术交流,100\n"
    y = year(d, {"societies.csv": societies_csv(), "calendar.csv": cal, "budget_lines.csv": lines})
    p = ctx.xh("check", y)
    c = os.path.join(y, "calendar.csv")
    b = os.path.join(y, "budget_lines.csv")
    check(c + ':3: date (日期): the same as row 2: "2026.10.1"' in p.err, p.err[:800])
    check(c + ":4:" not in p.err, "a different day flagged: %r" % p.err[:800])
    check(b + ": application (申报编号): refers to applications, but the folder has no applications file"
          in p.err, p.err[:800])


run = TESTS.run
