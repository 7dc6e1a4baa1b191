"""`xhgen collect FORMS_DIR -o DIR`: returned 项目申报书 read back (group `cli` of tests/run.py).

Forms are built here the way the pack writes them (gen/pack.h: the custom document properties
xhgen.year/society/application/pack_sha256, content controls tagged xh:<field> with
w:showingPlcHdr placeholders, a budget table with xh:budget.* controls and a total row) and then
filled the way Word and WPS fill them: text typed into a control in several runs with rsids,
placeholders left in, w:ins/w:del revisions, a row added to the budget table without controls, a
control deleted, text typed beside a control.  When `xhgen pack` is there, a real pack is filled
by XML edits too (test_real_pack).  The year is the sample year tests/fixtures/year2026
(programme, societies, calendar); the round trip rebuilds its applications from forms and runs
`xhgen review` on both.
"""
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from run import check, soffice_convert  # noqa: E402
from cases import Cases  # noqa: E402

TESTS = Cases()
test = TESTS.add


YEAR = os.path.join(ROOT, "tests", "fixtures", "year2026")
CATEGORIES = ["党建", "学术交流", "科学普及", "技术服务", "咨询服务", "承接政府委托", "双创活动", "项目运行"]
APP_HEAD = ["id", "society", "title", "class", "amount", "start", "end", "summary", "goals",
            "submitted", "materials_complete", "materials_authentic"]
REPORT_HEAD = ["文件名", "学会编号", "学会名称", "申报编号", "结果", "问题"]
PLACEHOLDER = {"title": "请填写项目名称", "class": "请选择类别", "amount": "请填写申请金额",
               "start": "请填写开始日期", "end": "请填写结束日期", "summary": "请填写项目内容",
               "goals": "请填写预期成效", "plan": "请填写实施计划", "submitted": "请选择填报日期",
               "budget.amount": "金额", "budget.note": "说明", "budget.total": "合计金额"}
LABEL = {"title": "项目名称", "class": "类别", "amount": "申请金额", "start": "开始日期",
         "end": "结束日期", "summary": "项目内容", "goals": "预期成效", "plan": "实施计划",
         "submitted": "填报日期"}

# -- building forms ----------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RSIDS = ["00A1B2C3", "00D4E5F6", "0012AB34", "00C0FFEE"]


def runs(text, split=1, rpr='<w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312"/></w:rPr>'):
    """Text as Word types it: `split` runs with different rsids; line breaks as w:br."""
    if text == "":
        return ""
    parts = []
    step = max(1, -(-len(text) // split))
    for i in range(0, len(text), step):
        chunk = text[i:i + step]
        rsid = RSIDS[(i // step) % len(RSIDS)]
        lines = chunk.split("\n")
        inner = '<w:br/>'.join('<w:t xml:space="preserve">%s</w:t>' % escape(x) for x in lines)
        parts.append('<w:r w:rsidR="%s">%s%s</w:r>' % (rsid, rpr, inner))
    return "".join(parts)


def sdt_pr(tag, plc, lock=False, extra=""):
    alias = LABEL.get(tag, tag)
    return ('<w:sdtPr><w:rPr><w:rFonts w:eastAsia="仿宋_GB2312"/></w:rPr><w:alias w:val="%s"/>'
            '<w:tag w:val="xh:%s"/><w:id w:val="%d"/>%s%s%s</w:sdtPr>'
            % (alias, tag, abs(hash(tag)) % 100000, '<w:lock w:val="sdtContentLocked"/>' if lock else "",
               '<w:showingPlcHdr/>' if plc else "", extra))


def inline(tag, value, split=1, extra=""):
    """An inline control: value None = the placeholder (w:showingPlcHdr), a str = typed text
    (in `split` runs), a dict {"xml": ...} = the content as given."""
    if value is None:
        content = '<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>%s</w:t></w:r>' % PLACEHOLDER.get(tag, tag)
        return '<w:sdt>%s<w:sdtContent>%s</w:sdtContent></w:sdt>' % (sdt_pr(tag, True, extra=extra), content)
    content = value["xml"] if isinstance(value, dict) else runs(value, split)
    return '<w:sdt>%s<w:sdtContent>%s</w:sdtContent></w:sdt>' % (sdt_pr(tag, False, extra=extra), content)


def para(inner):
    return '<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3">%s</w:p>' % inner


def block(tag, value, split=1):
    """A block control of paragraphs; a str is split into paragraphs at newlines."""
    if value is None:
        content = para('<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>%s</w:t></w:r>'
                       % PLACEHOLDER.get(tag, tag))
        return '<w:sdt>%s<w:sdtContent>%s</w:sdtContent></w:sdt>' % (sdt_pr(tag, True), content)
    if isinstance(value, dict):
        content = value["xml"]
    else:
        content = "".join(para(runs(line, split)) for line in value.split("\n"))
    return '<w:sdt>%s<w:sdtContent>%s</w:sdtContent></w:sdt>' % (sdt_pr(tag, False), content)


def cell(inner, width=3000):
    return '<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>%s</w:tc>' % (width, inner or para(""))


def budget_table(lines, added=(), total=None, row_edit=None):
    """lines: {category: (amount text or None, note text or None)}; added: rows without
    controls [(category, amount, note)] (Word's "insert row below"), put before the total."""
    rows = ['<w:tr><w:trPr><w:tblHeader/></w:trPr>%s%s%s</w:tr>'
            % (cell(para(runs("经费类别"))), cell(para(runs("金额（元）"))), cell(para(runs("说明"))))]
    for cat in CATEGORIES:
        amt, note = lines.get(cat, (None, None))
        r = ('<w:tr w:rsidR="00A1B2C3">%s%s%s</w:tr>'
             % (cell(para(inline("budget.category", cat, extra=""))).replace(
                 '<w:tag w:val="xh:budget.category"/>',
                 '<w:tag w:val="xh:budget.category"/><w:lock w:val="sdtContentLocked"/>'),
                cell(para(inline("budget.amount", amt))), cell(para(inline("budget.note", note)))))
        if row_edit:
            r = row_edit(cat, r)
        rows.append(r)
    for cat, amt, note in added:
        rows.append('<w:tr w:rsidR="00D4E5F6">%s%s%s</w:tr>'
                    % (cell(para(runs(cat))), cell(para(runs(amt))), cell(para(runs(note)))))
    rows.append('<w:tr>%s%s%s</w:tr>' % (cell(para(runs("合计"))), cell(para(inline("budget.total", total))),
                                         cell(para(""))))
    grid = '<w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid>'
    return '<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>%s%s</w:tbl>' % (grid, "".join(rows))


def document(v, budget_xml, drop=(), extra_body=""):
    """The form's body: v maps field -> value (see inline/block); tags in `drop` are deleted
    (the label stays, the control is gone)."""
    def f_inline(tag, label):
        if tag in drop:
            return para(runs(label + "："))
        return para(runs(label + "：") + inline(tag, v.get(tag), v.get("_split", 1)))

    def f_block(tag, label):
        head = para(runs(label))
        if tag in drop:
            return head + para("")
        return head + block(tag, v.get(tag), v.get("_split", 1))
    # the title sits alone in a table cell, as forms put it: text typed beside the control
    title_cell = ('<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="7000"/></w:tblGrid>'
                  '<w:tr>%s%s</w:tr></w:tbl>'
                  % (cell(para(runs("项目名称"))),
                     cell(v["_title_cell"] if "_title_cell" in v else
                          (para("") if "title" in drop else para(inline("title", v.get("title"), v.get("_split", 1)))))))
    body = (para(runs("项目申报书")) + title_cell + f_inline("class", "类别") + f_inline("amount", "申请金额")
            + f_inline("start", "开始日期") + f_inline("end", "结束日期") + f_block("summary", "项目内容")
            + f_block("plan", "实施计划") + para(runs("经费预算")) + budget_xml
            + f_block("goals", "预期成效") + f_inline("submitted", "填报日期") + extra_body)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="%s" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<w:body>%s<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
            % (W_NS, body))


def custom_xml(props):
    items = "".join('<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="%d" name="%s">'
                    '<vt:lpwstr>%s</vt:lpwstr></property>' % (i + 2, escape(k), escape(val))
                    for i, (k, val) in enumerate(props))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">%s</Properties>'
            % items)


def marker(society, year="2026"):
    return [("xhgen.version", "0.1.0"), ("xhgen.year", year), ("xhgen.stage", "pack"),
            ("xhgen.record", society), ("xhgen.inputs_sha256", "0" * 64),
            ("xhgen.template", "项目申报书.docx"), ("xhgen.template_sha256", "1" * 64),
            ("xhgen.society", society), ("xhgen.application", "%s-%s" % (year, society)),
            ("xhgen.pack_sha256", "2" * 64)]


def write_docx(path, doc_xml, props=None, extra_entries=()):
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '%s</Types>' % ('<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
                          if props is not None else ""))
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '%s</Relationships>' % ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>'
                                    if props is not None else ""))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", doc_xml)
        if props is not None:
            z.writestr("docProps/custom.xml", custom_xml(props))
        for name, data in extra_entries:
            z.writestr(name, data)


GOOD = {"title": "机械装备企业“智改数转”诊断服务", "class": "A", "amount": "50,000.00",
        "start": "2026-06-01", "end": "2026年11月30日",
        "summary": "组织学会专家开展数字化转型诊断；\n举办专题技术交流会2场。",
        "goals": "完成企业诊断20家。", "plan": "6月启动，11月完成。", "submitted": "2026年3月18日"}
GOOD_BUDGET = {"技术服务": ("30,000.00", "企业诊断专家咨询费"), "学术交流": ("12000", "交流会会务费"),
               "项目运行": ("8000元", "诊断报告汇编印刷费")}


def form(path, society="S01", values=None, budget=None, added=(), total="50000", drop=(),
         props="default", row_edit=None, extra_body=""):
    v = dict(GOOD)
    v.update(values or {})
    b = budget_table(GOOD_BUDGET if budget is None else budget, added, total, row_edit)
    write_docx(path, document(v, b, drop, extra_body), marker(society) if props == "default" else props)
    return path


def year(dst, with_template=True):
    """The sample year's settings and societies, no applications yet; the form template in
    DIR/templates (the placeholders LibreOffice leaves as text are the template's)."""
    os.makedirs(dst, exist_ok=True)
    for f in ("programme.xml", "societies.xml", "calendar.csv"):
        shutil.copy(os.path.join(YEAR, f), dst)
    if with_template:
        os.makedirs(os.path.join(dst, "templates"), exist_ok=True)
        v = {k: None for k in PLACEHOLDER}
        b = budget_table({c: (None, None) for c in CATEGORIES})
        write_docx(os.path.join(dst, "templates", "项目申报书.docx"), document(v, b), [])
    return dst


def read_csv(path, bom=True):
    raw = open(path, "rb").read()
    if bom:
        check(raw.startswith(b"\xef\xbb\xbf"), "%s has no UTF-8 BOM: %r" % (path, raw[:12]))
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def recs(path):
    rows = read_csv(path)
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def report(d):
    rows = read_csv(os.path.join(d, "collect-report.csv"))
    check(rows[0] == REPORT_HEAD, "report header %r" % rows[0])
    return {r[0]: dict(zip(REPORT_HEAD, r)) for r in rows[1:]}


def collect(ctx, forms, d, *extra, code=0):
    # the shipped form template (its placeholders, the text beside its controls) also for a
    # binary that is not beside templates/ (build/asan/xhgen); DIR/templates comes first
    p = ctx.xh("collect", forms, "-o", d, *extra,
               env=dict(ctx.env, XHGEN_TEMPLATES=os.path.join(ROOT, "templates")))
    check(p.returncode == code, "collect exit %d (want %d): %s %s" % (p.returncode, code, p.out[-600:], p.err[-900:]))
    return p


# -- tests -------------------------------------------------------------------------

def t_basic(ctx, out):
    """Two clean forms: two rows in the SCHEMA.md columns, values in canonical form, budget lines,
    a report row each, and a year that `check` accepts."""
    d = year(os.path.join(out, "y"))
    forms = os.path.join(out, "forms")
    os.makedirs(forms)
    form(os.path.join(forms, "威海市机械工程学会-项目申报书.docx"), "S01")
    form(os.path.join(forms, "威海市医学会-项目申报书.docx"), "S02",
         {"title": "基层医疗适宜技术推广", "class": "B", "amount": "2万元", "start": "2026/6/1",
          "end": "2026.11.30"}, {"学术交流": ("1.2万元", "会议费"), "科学普及": ("8000", "")}, total="20000")
    p = collect(ctx, forms, d)
    head, rows = recs(os.path.join(d, "applications.csv"))
    check(head == APP_HEAD, "applications.csv header %r" % head)
    check([r["id"] for r in rows] == ["2026-S02", "2026-S01"], "rows %r (byte order of file names: 威海市医 < 威海市机)"
          % [r["id"] for r in rows])
    a = {r["id"]: r for r in rows}
    check(a["2026-S01"]["title"] == GOOD["title"] and a["2026-S01"]["amount"] == "50000.00"
          and a["2026-S01"]["end"] == "2026-11-30" and a["2026-S01"]["society"] == "S01",
          "S01 row %r" % a["2026-S01"])
    check(a["2026-S01"]["summary"] == "组织学会专家开展数字化转型诊断；\n举办专题技术交流会2场。",
          "summary paragraphs not joined with a newline: %r" % a["2026-S01"]["summary"])
    check(a["2026-S02"]["amount"] == "20000.00" and a["2026-S02"]["start"] == "2026-06-01"
          and a["2026-S02"]["class"] == "B", "S02 row %r" % a["2026-S02"])
    check(a["2026-S01"]["submitted"] == "2026-03-18", "填报日期 (xh:submitted) %r" % a["2026-S01"])
    check(a["2026-S01"]["materials_complete"] == "" and a["2026-S01"]["materials_authentic"] == "",
          "the clerk's columns must stay empty: %r" % a["2026-S01"])
    bh, bl = recs(os.path.join(d, "budget_lines.csv"))
    check(bh == ["application", "category", "amount", "note"], "budget header %r" % bh)
    lines = [(r["application"], r["category"], r["amount"], r["note"]) for r in bl]
    check(lines == [("2026-S02", "学术交流", "12000.00", "会议费"), ("2026-S02", "科学普及", "8000.00", ""),
                    ("2026-S01", "学术交流", "12000.00", "交流会会务费"),
                    ("2026-S01", "技术服务", "30000.00", "企业诊断专家咨询费"),
                    ("2026-S01", "项目运行", "8000.00", "诊断报告汇编印刷费")], "budget lines %r" % lines)
    rep = report(d)
    r1 = rep["威海市机械工程学会-项目申报书.docx"]
    check(r1["结果"] == "已导入" and r1["学会编号"] == "S01" and r1["学会名称"] == "威海市机械工程学会"
          and r1["申报编号"] == "2026-S01" and r1["问题"] == "", "report row %r" % r1)
    check("2 已导入 added" in p.out, "summary: %r" % p.out)
    c = ctx.xh("check", d)
    check(c.returncode == 0, "check of the collected year: %s" % c.err[-600:])
    # same forms again: nothing changes, bytes identical
    before = [open(os.path.join(d, f), "rb").read() for f in ("applications.csv", "budget_lines.csv")]
    p2 = collect(ctx, forms, d)
    after = [open(os.path.join(d, f), "rb").read() for f in ("applications.csv", "budget_lines.csv")]
    check(before == after, "a second collect of the same forms changed the files")
    check("2 已更新 updated" in p2.out and "→" not in p2.out, "second run: %r" % p2.out)
    check(not [f for f in os.listdir(d) if f.endswith(".tmp")], "temporaries left: %r" % os.listdir(d))
    return "2 forms, 5 budget lines, check passes"


def t_word_edits(ctx, out):
    """Word's and WPS's way of filling: several runs with rsids, a placeholder left in,
    w:ins/w:del revisions (inserted counts, deleted does not), a deleted paragraph mark,
    a row added to the budget table, text typed beside a control."""
    d = year(os.path.join(out, "y"))
    forms = os.path.join(out, "forms")
    os.makedirs(forms)
    amount_rev = {"xml": runs("4") + '<w:del w:id="1" w:author="张三" w:date="2026-03-01T10:00:00Z">'
                  '<w:r><w:delText>8</w:delText></w:r></w:del><w:ins w:id="2" w:author="张三" '
                  'w:date="2026-03-01T10:00:00Z"><w:r><w:t>5</w:t></w:r></w:ins>' + runs(",000元")}
    title_cell = para(inline("title", None) + runs("海洋生物资源高值化利用学术交流"))  # typed beside
    summary = {"xml": '<w:p><w:pPr><w:rPr><w:del w:id="3" w:author="a" w:date="2026-03-01T00:00:00Z"/>'
               '</w:rPr></w:pPr>' + runs("第一段") + '</w:p>' + para(runs("接续")) + para(runs("第二段"))
               + '<w:p><w:moveFrom w:id="4" w:author="a" w:date="2026-03-01T00:00:00Z">'
               '<w:r><w:t>移走的</w:t></w:r></w:moveFrom></w:p>'}
    form(os.path.join(forms, "威海市海洋学会-项目申报书.docx"), "S03",
         {"_split": 4, "_title_cell": title_cell, "amount": amount_rev, "summary": summary,
          "goals": None, "class": "A", "start": "2026年6月1日"},
         {"学术交流": ("25000元", "论坛会议费"), "科学普及": ("1.8万元", "科普活动")},
         added=[("学术交流", "2000", "论坛茶歇（新增行）"), ("", "", "")], total="45,000.00")
    p = collect(ctx, forms, d)
    _, rows = recs(os.path.join(d, "applications.csv"))
    check(len(rows) == 1, "rows %r" % rows)
    r = rows[0]
    check(r["amount"] == "45000.00", "amount with w:del 8 / w:ins 5 read as %r (want 45000.00)" % r["amount"])
    check(r["title"] == "海洋生物资源高值化利用学术交流", "title typed beside its control: %r" % r["title"])
    check(r["summary"] == "第一段接续\n第二段", "summary with a deleted paragraph mark and moved text: %r"
          % r["summary"])
    check(r["goals"] == "", "goals showing its placeholder must be empty: %r" % r["goals"])
    check(r["start"] == "2026-06-01", "start %r" % r["start"])
    _, bl = recs(os.path.join(d, "budget_lines.csv"))
    lines = [(x["category"], x["amount"], x["note"]) for x in bl]
    check(lines == [("学术交流", "25000.00", "论坛会议费"), ("科学普及", "18000.00", "科普活动"),
                    ("学术交流", "2000.00", "论坛茶歇（新增行）")], "lines %r" % lines)
    rep = report(d)["威海市海洋学会-项目申报书.docx"]
    check(rep["结果"] == "已导入", "result %r" % rep)
    for want in ("有未接受的修订", "表格新增行", "预期成效 (xh:goals): 未填写", "填写在控件之外"):
        check(want in rep["问题"], "report lacks %r: %r" % (want, rep["问题"]))
    check("xhgen: %s/威海市海洋学会-项目申报书.docx: 预期成效 (xh:goals): 未填写" % forms in p.err,
          "stderr: %r" % p.err[-800:])
    return "revisions, placeholder, added row, typed beside"


def t_invalid_values(ctx, out):
    """Values through the record grammar: a bad amount, date and class are named with the form
    file and the field's label; the form is not imported; the others are."""
    d = year(os.path.join(out, "y"))
    forms = os.path.join(out, "forms")
    os.makedirs(forms)
    form(os.path.join(forms, "威海市机械工程学会-项目申报书.docx"), "S01",
         {"amount": "五万", "start": "2026-02-30", "class": "C类"})
    form(os.path.join(forms, "威海市医学会-项目申报书.docx"), "S02",
         budget={"学术交流": ("1万", "会议费"), "科学普及": ("五千", "")},
         added=[("", "3000", "没写类别")])
    form(os.path.join(forms, "威海市计算机学会-项目申报书.docx"), "S04")
    p = collect(ctx, forms, d)
    f1 = "%s/威海市机械工程学会-项目申报书.docx" % forms
    # the grammar's own reason (fmt.c), as `check` gives it for a record
    check(re.search(r'xhgen: %s: 申请金额 \(xh:amount\): [^:\n]+: "五万"\n' % re.escape(f1), p.err),
          "amount message: %r" % p.err[-1200:])
    for want in ('xhgen: %s: 开始日期 (xh:start): ' % f1,
                 'xhgen: %s: 类别 (xh:class): not one of A B 推广: "C类"' % f1):
        check(want in p.err, "stderr lacks %r: %r" % (want, p.err[-1200:]))
    check(re.search(r"开始日期 \(xh:start\): [^\n]*\"2026-02-30\"", p.err), "date message: %r" % p.err)
    check(re.search(r"经费预算表第 \d+ 行[^\n]*金额 \(xh:budget.amount\): [^:\n]+: \"五千\"", p.err),
          "budget amount message: %r" % p.err)
    check(re.search(r"经费预算表第 \d+ 行[^\n]*有金额但没有经费类别", p.err), "no category message: %r" % p.err)
    _, rows = recs(os.path.join(d, "applications.csv"))
    check([r["id"] for r in rows] == ["2026-S04"], "only S04 imported: %r" % [r["id"] for r in rows])
    rep = report(d)
    check(rep["威海市机械工程学会-项目申报书.docx"]["结果"] == "未导入"
          and "申请金额 (xh:amount): " in rep["威海市机械工程学会-项目申报书.docx"]["问题"], "report %r" % rep)
    check(rep["威海市医学会-项目申报书.docx"]["结果"] == "未导入", "report %r" % rep)
    check("2 未导入 not imported" in p.out, "summary %r" % p.out)
    return "amount, date, class, budget amount, category"


def t_controls_deleted(ctx, out):
    """A deleted optional control is reported and empty; a deleted required one keeps the form
    out; a budget row whose amount control was deleted is read from its column."""
    d = year(os.path.join(out, "y"))
    forms = os.path.join(out, "forms")
    os.makedirs(forms)

    def drop_amount(cat, row):
        if cat != "学术交流":
            return row
        # the amount cell's control replaced by plain text typed in the cell
        return re.sub(r'(<w:tc><w:tcPr><w:tcW[^>]*/></w:tcPr>)<w:p[^>]*><w:sdt><w:sdtPr>(?:(?!</w:tc>).)*?'
                      r'xh:budget\.amount(?:(?!</w:tc>).)*?</w:sdt></w:p>', r'\1' + para(runs("12,000")), row, count=1)
    form(os.path.join(forms, "威海市机械工程学会-项目申报书.docx"), "S01", drop=("goals", "plan"),
         row_edit=drop_amount)
    form(os.path.join(forms, "威海市医学会-项目申报书.docx"), "S02", drop=("title",))
    p = collect(ctx, forms, d)
    rep = report(d)
    r1 = rep["威海市机械工程学会-项目申报书.docx"]
    check(r1["结果"] == "已导入", "S01 %r" % r1)
    check("预期成效 (xh:goals): 控件已删除" in r1["问题"], "goals deletion not reported: %r" % r1["问题"])
    check("实施计划 (xh:plan): 控件已删除" in r1["问题"], "plan (not a column, in the template) "
          "deletion not reported: %r" % r1["问题"])
    check(re.search(r"金额 \(xh:budget.amount\): 控件已删除", r1["问题"]), "budget control: %r" % r1["问题"])
    _, bl = recs(os.path.join(d, "budget_lines.csv"))
    check(("学术交流", "12000.00") in [(x["category"], x["amount"]) for x in bl], "lines %r" % bl)
    r2 = rep["威海市医学会-项目申报书.docx"]
    check(r2["结果"] == "未导入" and "项目名称 (xh:title): 控件已删除" in r2["问题"], "S02 %r" % r2)
    return "optional, required, budget cell"


def t_marker(ctx, out):
    """Forms not from this year's pack: no marker, another year, an unknown society, S02's form
    named like S01's, two forms of one society (neither taken); a renamed file is fine; files
    that are not .docx are listed as skipped; a hostile or broken package is reported."""
    d = year(os.path.join(out, "y"))
    forms = os.path.join(out, "forms")
    os.makedirs(forms)
    form(os.path.join(forms, "a-无标记.docx"), "S01", props=None)
    form(os.path.join(forms, "b-去年.docx"), "S03", props=marker("S03", "2025"))
    form(os.path.join(forms, "c-未知学会.docx"), "S99")
    form(os.path.join(forms, "威海市机械工程学会-项目申报书.docx"), "S02")  # S02's form, S01's name
    form(os.path.join(forms, "d-计算机学会第一稿.docx"), "S04")
    form(os.path.join(forms, "e-计算机学会定稿.docx"), "S04")
    form(os.path.join(forms, "申报书（最终版）(1).docx"), "S05")          # renamed: fine
    open(os.path.join(forms, "说明.txt"), "w").write("x")
    open(os.path.join(forms, "~$威海市复合材料学会.docx"), "wb").write(b"\x00lock")
    open(os.path.join(forms, "f-坏文件.docx"), "wb").write(b"not a zip at all")
    with zipfile.ZipFile(os.path.join(forms, "g-越界.docx"), "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("../../evil.xml", "<x/>")
    # a million-control form would make the pairwise checks quadratic: refused
    many = "".join(para(inline("plan", "x")) for _ in range(6000))
    write_docx(os.path.join(forms, "h-控件过多.docx"),
               document(dict(GOOD), budget_table(GOOD_BUDGET), extra_body=many), marker("S09"))
    open(os.path.join(forms, "=1+1.docx"), "wb").write(b"x")   # a formula in Excel
    p = collect(ctx, forms, d)
    rep = report(d)
    names = list(rep)
    check(names == sorted(names, key=lambda s: s.lstrip("'").encode()), "report not in byte order: %r" % names)
    want = {"a-无标记.docx": "不是本年度申报包生成的申报书", "b-去年.docx": "2025",
            "c-未知学会.docx": "S99 不在学会名录中",
            "威海市机械工程学会-项目申报书.docx": "文件名是威海市机械工程学会的，申报书却是威海市医学会的",
            "d-计算机学会第一稿.docx": "e-计算机学会定稿.docx", "e-计算机学会定稿.docx": "d-计算机学会第一稿.docx",
            "说明.txt": "不是 .docx 文件", "~$威海市复合材料学会.docx": "锁文件",
            "f-坏文件.docx": "不是可读取的 DOCX 文件", "g-越界.docx": "..",
            "h-控件过多.docx": "content controls (a form has at most", "'=1+1.docx": "不是可读取的 DOCX 文件"}
    for f, w in want.items():
        check(f in rep, "%s not in the report: %r" % (f, names))
        check(rep[f]["结果"] == "未导入" and w in rep[f]["问题"], "%s: %r (want %r)" % (f, rep[f], w))
    r = rep["申报书（最终版）(1).docx"]
    check(r["结果"] == "已导入" and r["学会编号"] == "S05", "renamed form %r" % r)
    _, rows = recs(os.path.join(d, "applications.csv"))
    check([x["id"] for x in rows] == ["2026-S05"], "imported %r" % [x["id"] for x in rows])
    check(len(rep) == 13, "report rows %d" % len(rep))
    return "%d files" % len(rep)


def t_merge(ctx, out):
    """An existing applications.csv (Chinese headers, an extra column, a hand-typed row) keeps
    every row and column; a second collect updates by id (changes listed old → new, budget lines
    replaced, the clerk's columns kept); --dry-run writes nothing; a GB18030 file is rewritten
    as UTF-8; a society already in the file under another id is not added twice."""
    d = year(os.path.join(out, "y"))
    forms = os.path.join(out, "forms")
    os.makedirs(forms)
    apps = ("申报编号,学会编号,项目名称,类别,申请金额,开始日期,结束日期,项目内容,预期成效,提交日期,材料齐全,材料真实,备注\r\n"
            "WH2026-09,S09,农业新品种新技术田间课堂,B,2万元,2026-06-01,2026-10-31,田间课堂,培训农户,2026-03-20,是,是,手工录入\r\n"
            "WH2026-13,S13,中医药适宜技术基层推广,B,20000,2026-06-01,2026-10-31,,,2026-03-17,是,是,\r\n")
    open(os.path.join(d, "applications.csv"), "wb").write(apps.encode("gb18030"))
    open(os.path.join(d, "budget_lines.csv"), "wb").write(
        "\ufeffapplication,category,amount,note\r\nWH2026-09,科学普及,2万元,讲课费\r\n"
        "WH2026-13,科学普及,20000,培训\r\n".encode())
    check(ctx.xh("check", d).returncode == 0, "the prepared year does not check")
    form(os.path.join(forms, "威海市机械工程学会-项目申报书.docx"), "S01")
    form(os.path.join(forms, "威海市中医药学会-项目申报书.docx"), "S13")   # S13 has WH2026-13
    p = collect(ctx, forms, d)
    check("GB18030" in p.out and "UTF-8 with BOM" in p.out, "GB18030 rewrite not said: %r" % p.out)
    head, rows = recs(os.path.join(d, "applications.csv"))
    check(head[:12] == "申报编号,学会编号,项目名称,类别,申请金额,开始日期,结束日期,项目内容,预期成效,提交日期,材料齐全,材料真实".split(",")
          and head[12] == "备注", "header kept: %r" % head)
    check([r["申报编号"] for r in rows] == ["WH2026-09", "WH2026-13", "2026-S01"], "rows %r" % rows)
    check(rows[0]["申请金额"] == "2万元" and rows[0]["备注"] == "手工录入", "old row changed: %r" % rows[0])
    rep = report(d)
    check(rep["威海市中医药学会-项目申报书.docx"]["结果"] == "未导入"
          and "WH2026-13" in rep["威海市中医药学会-项目申报书.docx"]["问题"], "S13 %r" % rep)
    # the clerk fills his columns; the society sends a corrected form
    text = open(os.path.join(d, "applications.csv"), encoding="utf-8-sig").read()
    text = text.replace("2026-S01,S01,", "2026-S01,S01,", 1)
    rows_all = read_csv(os.path.join(d, "applications.csv"))
    for r in rows_all[1:]:
        if r[0] == "2026-S01":
            r[9], r[10], r[11] = "2026-03-20", "是", "是"   # the date the clerk received it
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows_all)
    open(os.path.join(d, "applications.csv"), "wb").write(("\ufeff" + buf.getvalue()).encode())
    os.remove(os.path.join(forms, "威海市中医药学会-项目申报书.docx"))
    form(os.path.join(forms, "威海市机械工程学会-项目申报书.docx"), "S01", {"amount": "4.5万元"},
         {"技术服务": ("25,000.00", "企业诊断专家咨询费"), "学术交流": ("12000", "交流会会务费"),
          "项目运行": ("8000元", "诊断报告汇编印刷费")}, total="45000")
    snap = {f: open(os.path.join(d, f), "rb").read() for f in os.listdir(d) if f.endswith(".csv")}
    dry = collect(ctx, forms, d, "--dry-run")
    check('amount (申请金额): "50000.00" → "45000.00"' in dry.out, "dry-run listing: %r" % dry.out)
    check("将更新 would update 2026-S01" in dry.out, "dry-run: %r" % dry.out)
    check("+ 技术服务 25000.00" in dry.out and "- 技术服务 30000.00" in dry.out, "budget change: %r" % dry.out)
    after = {f: open(os.path.join(d, f), "rb").read() for f in os.listdir(d) if f.endswith(".csv")}
    check(snap == after, "--dry-run wrote: %r" % [f for f in after if snap.get(f) != after[f]])
    p = collect(ctx, forms, d)
    _, rows = recs(os.path.join(d, "applications.csv"))
    a = {r["申报编号"]: r for r in rows}
    check(len(rows) == 3 and a["2026-S01"]["申请金额"] == "45000.00", "update %r" % rows)
    check(a["2026-S01"]["提交日期"] == "2026-03-20" and a["2026-S01"]["材料齐全"] == "是",
          "clerk's columns lost: %r" % a["2026-S01"])
    check(report(d)["威海市机械工程学会-项目申报书.docx"]["结果"] == "已更新", "report")
    _, bl = recs(os.path.join(d, "budget_lines.csv"))
    check([(x["application"], x["amount"]) for x in bl] ==
          [("WH2026-09", "2万元"), ("WH2026-13", "20000"), ("2026-S01", "12000.00"),
           ("2026-S01", "25000.00"), ("2026-S01", "8000.00")], "budget lines %r" % bl)
    check(ctx.xh("check", d).returncode == 0, "the merged year does not check")
    return "kept 2 rows + extra column, update, dry-run, GB18030"


def t_killed(ctx, out):
    """Killed after the second of its three files is complete (XHGEN_STOP_AFTER): the year's
    applications.csv and budget_lines.csv are as they were; the next run clears the temporaries
    and writes all three."""
    d = year(os.path.join(out, "y"))
    forms = os.path.join(out, "forms")
    os.makedirs(forms)
    form(os.path.join(forms, "a.docx"), "S01")
    collect(ctx, forms, d)
    before = {f: open(os.path.join(d, f), "rb").read() for f in os.listdir(d) if f.endswith(".csv")}
    form(os.path.join(forms, "b.docx"), "S02")
    r = subprocess.run([ctx.xhgen_path, "collect", forms, "-o", d], capture_output=True,
                       env=dict(ctx.env, XHGEN_STOP_AFTER="2"), timeout=ctx.timeout)
    check(r.returncode == -9, "XHGEN_STOP_AFTER=2 did not kill collect: %d %r" % (r.returncode, r.stderr[-300:]))
    after = {f: open(os.path.join(d, f), "rb").read() for f in os.listdir(d) if f.endswith(".csv")}
    check(before == after, "a killed collect changed %r" % [f for f in after if before.get(f) != after[f]])
    tmps = [f for f in os.listdir(d) if f.endswith(".tmp")]
    check(len(tmps) == 2, "temporaries of the killed run: %r" % tmps)
    collect(ctx, forms, d)
    check(not [f for f in os.listdir(d) if f.endswith(".tmp")], "stale temporaries stay: %r" % os.listdir(d))
    _, rows = recs(os.path.join(d, "applications.csv"))
    check([x["id"] for x in rows] == ["2026-S01", "2026-S02"], "rows %r" % rows)
    return "old files kept, temporaries cleared"


def t_big_table(ctx, out):
    """20,000 rows added to the budget table (a hostile or broken form): read in linear time,
    at most 100 problems listed per form and the rest counted."""
    import random
    import string
    d = year(os.path.join(out, "y"))
    forms = os.path.join(out, "forms")
    os.makedirs(forms)
    rnd = random.Random(9)
    rows = "".join('<w:tr><w:tc><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:tc></w:tr>'
                   % "".join(rnd.choices(string.ascii_letters, k=12)) for _ in range(20000))
    b = budget_table(GOOD_BUDGET).replace("</w:tbl>", rows + "</w:tbl>")
    write_docx(os.path.join(forms, "a.docx"), document(dict(GOOD), b), marker("S01"))
    p = collect(ctx, forms, d)
    check(p.elapsed < 20, "20,000 rows took %.1f s" % p.elapsed)
    lines = [x for x in p.err.splitlines() if x.startswith("xhgen: ")]
    check(len(lines) == 101, "%d lines on stderr (want 100 and a count)" % len(lines))
    r = report(d)["a.docx"]
    check(re.search(r"另有 \d+ 个问题未列出", r["问题"]), "no count of the rest: %r" % r["问题"][-200:])
    return "%.1f s" % p.elapsed


def t_budget_sum(ctx, out):
    """9,300 rows added to the budget table, each at the largest amount (9999999999999.99):
    their sum would overflow (signed, undefined behaviour; fuzz corpus form/sum_overflow).  A
    budget adding up to more than one amount may be is refused: the form is not imported."""
    d = year(os.path.join(out, "y"))
    forms = os.path.join(out, "forms")
    os.makedirs(forms)
    form(os.path.join(forms, "a.docx"), "S01", added=[("学术交流", "9999999999999.99", "")] * 9300)
    p = collect(ctx, forms, d)
    check(re.search(r"经费预算表第 \d+ 行 row \d+: 明细之和过大", p.err), "stderr: %r" % p.err[:600])
    check(report(d)["a.docx"]["结果"] == "未导入", "report %r" % report(d)["a.docx"]["结果"])
    check(not os.path.exists(os.path.join(d, "applications.csv")), "applications.csv written")
    return "sum of the lines capped, form refused"


def t_grid_span(ctx, out):
    """w:gridSpan="2000000000" on two cells of a budget row overflowed the column count (signed;
    the ASan+UBSan rerun aborts; fuzz corpus form/gridspan): spans are clamped to Word's 63
    columns and the row is still read by its controls."""
    d = year(os.path.join(out, "y"))
    forms = os.path.join(out, "forms")
    os.makedirs(forms)
    span = '<w:tc><w:tcPr><w:gridSpan w:val="2000000000"/></w:tcPr>'

    def wide(cat, row):
        if cat != "学术交流":
            return row
        row = row.replace('<w:tr w:rsidR="00A1B2C3">', '<w:tr w:rsidR="00A1B2C3"><w:trPr>'
                          '<w:gridBefore w:val="99999999999"/></w:trPr>')
        return row.replace("<w:tc>", span, 2)

    form(os.path.join(forms, "a.docx"), "S01", row_edit=wide)
    collect(ctx, forms, d)
    _, bl = recs(os.path.join(d, "budget_lines.csv"))
    got = [(x["category"], x["amount"]) for x in bl]
    check(("学术交流", "12000.00") in got, "lines %r" % got)
    return "row read"


def t_refuse(ctx, out):
    """A year keeping applications as XLSX is refused (the merge writes CSV); a bad year folder
    and a missing forms folder are errors (exit 1); usage errors exit 2."""
    d = year(os.path.join(out, "y"))
    forms = os.path.join(out, "forms")
    os.makedirs(forms)
    form(os.path.join(forms, "x.docx"), "S01")
    shutil.copy(os.path.join(ROOT, "tests", "fixtures", "year2026", "applications.csv"), os.path.join(out, "a.csv"))
    open(os.path.join(d, "applications.xlsx"), "wb").write(b"PK")
    p = collect(ctx, forms, d, code=1)
    check("applications.xlsx: collect merges into applications.csv only" in p.err, p.err)
    check(not os.path.exists(os.path.join(d, "collect-report.csv")), "wrote a report")
    os.remove(os.path.join(d, "applications.xlsx"))
    open(os.path.join(d, "programme.xml"), "w").write("<programme><year>abc</year>")
    collect(ctx, forms, d, code=1)
    p = ctx.xh("collect", os.path.join(out, "none"), "-o", year(os.path.join(out, "y2")))
    check(p.returncode == 1 and "cannot read the forms folder" in p.err, "missing forms folder: %s" % p.err)
    check(ctx.xh("collect", forms).returncode == 2, "no -o")
    check(ctx.xh("review", d, "-o", out, "--dry-run").returncode == 2, "--dry-run on review")
    return "xlsx, bad year, no forms folder, usage"


def t_libreoffice_placeholder(ctx, out):
    """LibreOffice drops w:showingPlcHdr and keeps the placeholder as text: a control whose text
    is the template's placeholder (DIR/templates/项目申报书.docx) counts as empty."""
    d = year(os.path.join(out, "y"))
    forms = os.path.join(out, "forms")
    os.makedirs(forms)
    form(os.path.join(forms, "威海市机械工程学会-项目申报书.docx"), "S01",
         {"goals": PLACEHOLDER["goals"], "plan": PLACEHOLDER["plan"]})
    collect(ctx, forms, d)
    _, rows = recs(os.path.join(d, "applications.csv"))
    check(rows[0]["goals"] == "", "placeholder text read as a value: %r" % rows[0]["goals"])
    r = report(d)["威海市机械工程学会-项目申报书.docx"]
    check("预期成效 (xh:goals): 未填写" in r["问题"] and "实施计划 (xh:plan): 未填写" in r["问题"], r)
    return "placeholder text = empty"


def t_libreoffice_resave(ctx, out):
    """A filled form saved again by LibreOffice (soffice --convert-to docx): what survives is
    collected and never read wrong; the marker (custom properties) must survive."""
    d = year(os.path.join(out, "y"))
    src = os.path.join(out, "src")
    forms = os.path.join(out, "forms")
    os.makedirs(src)
    form(os.path.join(src, "威海市机械工程学会-项目申报书.docx"), "S01")
    p = soffice_convert([os.path.join(src, "威海市机械工程学会-项目申报书.docx")], "docx", forms)
    saved = os.path.join(forms, "威海市机械工程学会-项目申报书.docx")
    check(os.path.exists(saved), "LibreOffice wrote nothing: %s" % p.stderr[-300:])
    with zipfile.ZipFile(saved) as z:
        custom = z.read("docProps/custom.xml").decode() if "docProps/custom.xml" in z.namelist() else ""
        docxml = z.read("word/document.xml").decode()
    check("xhgen.application" in custom, "LibreOffice dropped the pack marker: %r" % custom[:300])
    tags = sorted(set(re.findall(r'w:tag w:val="xh:([^"]+)"', docxml)))
    collect(ctx, forms, d)
    rep = report(d)["威海市机械工程学会-项目申报书.docx"]
    got = {}
    if os.path.exists(os.path.join(d, "applications.csv")):
        _, rows = recs(os.path.join(d, "applications.csv"))
        got = rows[0] if rows else {}
    want = {"title": GOOD["title"], "class": "A", "amount": "50000.00", "start": "2026-06-01",
            "end": "2026-11-30", "goals": GOOD["goals"], "summary": GOOD["summary"]}
    wrong = {k: got[k] for k in want if got.get(k) and got[k] != want[k]}
    check(not wrong, "LibreOffice round trip read wrong values: %r" % wrong)
    kept = [k for k in want if got.get(k) == want[k]]
    if not tags:
        # LibreOffice 7.4 keeps w:sdt with its text but writes an empty w:sdtPr: no tags
        check(rep["结果"] == "未导入" and "内容控件的标记已丢失" in rep["问题"]
              and "控件已删除" not in rep["问题"], "tags lost, not said: %r" % rep)
    return "LibreOffice kept tags %s; values read %s; %s" % (",".join(tags) or "none", ",".join(kept) or "none",
                                                           rep["结果"])


# -- the round trip --------------------------------------------------------------

def _handmade(dst):
    """The sample year with one application per society, ids 2026-<society> as the pack names
    them; scores and budget lines follow; no payments."""
    os.makedirs(dst)
    for f in ("programme.xml", "societies.xml", "calendar.csv"):
        shutil.copy(os.path.join(YEAR, f), dst)
    apps = read_csv(os.path.join(YEAR, "applications.csv"))
    keep, seen = {}, set()
    rows = [apps[0]]
    for r in apps[1:]:
        if r[1] in seen:
            continue
        seen.add(r[1])
        keep[r[0]] = "2026-" + r[1]
        rows.append([keep[r[0]]] + r[1:])

    def write(name, rows_):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows_)
        open(os.path.join(dst, name), "wb").write(("\ufeff" + buf.getvalue()).encode())
    write("applications.csv", rows)
    for name in ("budget_lines.csv", "scores.csv"):
        src = read_csv(os.path.join(YEAR, name))
        write(name, [src[0]] + [[keep[r[0]]] + r[1:] for r in src[1:] if r[0] in keep])
    return dst


def _forms_from(ydir, forms):
    """One filled form per application of ydir, typed as the records have it (5万元, 2026/6/1);
    a second line of a category, or a category the form does not list, goes into a row added
    to the table."""
    _, apps = recs(os.path.join(ydir, "applications.csv"))
    _, lines = recs(os.path.join(ydir, "budget_lines.csv"))
    os.makedirs(forms)
    for a in apps:
        soc = a["学会编号"]
        by_cat, added = {}, []
        for ln in lines:
            if ln["application"] != a["申报编号"]:
                continue
            if ln["category"] in CATEGORIES and ln["category"] not in by_cat:
                by_cat[ln["category"]] = (ln["amount"], ln["note"])
            else:
                added.append((ln["category"], ln["amount"], ln["note"]))
        v = {"title": a["项目名称"], "class": a["类别"], "amount": a["申请金额"], "start": a["开始日期"],
             "end": a["结束日期"], "summary": a["项目内容"], "goals": a["预期成效"],
             "submitted": a["提交日期"], "_split": 3}
        v = {k: (val if val != "" else None) for k, val in v.items()}
        name = re.sub(r"[/\\]", "_", _society_name(ydir, soc))
        form(os.path.join(forms, "%s-项目申报书.docx" % name), soc, v, by_cat, added, total=None)
    return len(apps)


def _society_name(ydir, sid):
    import xml.etree.ElementTree as ET
    for s in ET.parse(os.path.join(ydir, "societies.xml")).getroot():
        if s.findtext("id") == sid:
            return s.findtext("name")
    raise AssertionError(sid)


def t_round_trip(ctx, out):
    """pack-shaped forms filled with the values of a hand-made applications file → collect into
    the year without applications → the clerk's three columns and the scores added → `xhgen
    review` gives the same verdicts and the same proposed list as the hand-made file."""
    hand = _handmade(os.path.join(out, "hand"))
    check(ctx.xh("check", hand).returncode == 0, "hand-made year does not check")
    coll = os.path.join(out, "collected")
    os.makedirs(coll)
    for f in ("programme.xml", "societies.xml", "calendar.csv"):
        shutil.copy(os.path.join(hand, f), coll)
    n = _forms_from(hand, os.path.join(out, "forms"))
    collect(ctx, os.path.join(out, "forms"), coll)
    rep = report(coll)
    check(all(r["结果"] == "已导入" for r in rep.values()), "not all imported: %r"
          % [r for r in rep.values() if r["结果"] != "已导入"])
    # the clerk's check of the paper copies, and the experts' scores
    _, hrows = recs(os.path.join(hand, "applications.csv"))
    clerk = {r["申报编号"]: (r["提交日期"], r["材料齐全"], r["材料真实"]) for r in hrows}
    rows = read_csv(os.path.join(coll, "applications.csv"))
    for r in rows[1:]:
        r[9], r[10], r[11] = clerk[r[0]]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    open(os.path.join(coll, "applications.csv"), "wb").write(("\ufeff" + buf.getvalue()).encode())
    shutil.copy(os.path.join(hand, "scores.csv"), coll)
    n, concl = same_review(ctx, out, [hand, coll])
    return "%d applications, same 形式审查 (%s) and list" % (n, "/".join(concl))


# -- a real pack, filled by XML edits ----------------------------------------------

SDT_RE = re.compile(r'<w:sdt><w:sdtPr>(.*?)</w:sdtPr><w:sdtContent>(.*?)</w:sdtContent></w:sdt>', re.S)


def fill_real(src, dst, values, budget=None, added=(), edit=None, props_edit=None):
    """A form of `xhgen pack` filled as Word does it: each control's placeholder replaced by
    text typed in runs with rsids (three runs for long text), w:showingPlcHdr dropped;
    values: {tag: text}; budget: {category: (amount, note)}; added: rows inserted before the
    total row without controls (Word's "insert row"); edit(xml) -> xml for more."""
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    doc = parts["word/document.xml"].decode()
    state = {"cat": None}

    def typed(m):
        pr, content = m.group(1), m.group(2)
        tag = re.search(r'w:tag w:val="xh:([^"]+)"', pr).group(1)
        if tag == "budget.category":
            state["cat"] = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", content))
            return m.group(0)
        val = None
        if tag in ("budget.amount", "budget.note") and budget and state["cat"] in budget:
            val = budget[state["cat"]][0 if tag == "budget.amount" else 1]
        elif tag in values:
            val = values[tag]
        if val is None or val == "":
            return m.group(0)
        pr = pr.replace("<w:showingPlcHdr/>", "")
        rpr = re.search(r"<w:rPr>.*?</w:rPr>", content)
        rpr = re.sub(r'<w:color w:val="808080"/>', "", rpr.group(0)) if rpr else ""
        split = 3 if len(val) > 6 else 1
        if "<w:p>" in content or "<w:p " in content:
            ppr = re.search(r"<w:pPr>.*?</w:pPr>", content)
            ppr = ppr.group(0) if ppr else ""
            body = "".join('<w:p w:rsidR="00C0FFEE">%s%s</w:p>' % (ppr, runs(line, split, rpr))
                           for line in val.split("\n"))
        else:
            body = runs(val, split, rpr)
        return "<w:sdt><w:sdtPr>%s</w:sdtPr><w:sdtContent>%s</w:sdtContent></w:sdt>" % (pr, body)
    doc = SDT_RE.sub(typed, doc)
    if added:
        # rows like the total row's cells, without controls, inserted before it
        rows = re.findall(r"<w:tr>(?:(?!</w:tr>).)*xh:budget\.total\"(?:(?!</w:tr>).)*</w:tr>", doc, re.S)
        check(rows, "no total row in the pack's budget table")
        total_row = rows[0]
        tcs = re.findall(r"<w:tc>.*?</w:tc>", re.sub(r"<w:sdt>.*?</w:sdt>", "", total_row, flags=re.S), re.S)
        new = ""
        for cat, amt, note in added:
            cells = []
            for i, tc in enumerate(tcs[:3]):
                tcpr = re.search(r"<w:tcPr>.*?</w:tcPr>", tc, re.S)
                text = (cat, amt, note)[i]
                cells.append("<w:tc>%s<w:p>%s</w:p></w:tc>" % (tcpr.group(0) if tcpr else "",
                                                               runs(text) if text else ""))
            new += '<w:tr w:rsidR="00D4E5F6">%s</w:tr>' % "".join(cells)
        doc = doc.replace(total_row, new + total_row, 1)
    if edit:
        doc = edit(doc)
    parts["word/document.xml"] = doc.encode()
    if props_edit:
        parts["docProps/custom.xml"] = props_edit(parts["docProps/custom.xml"].decode()).encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def review_rows(rows):
    """形式审查 as {申报编号: {header: value}} (test_review.table wants ids like A01; the pack's
    ids are 2026-S01)."""
    for h, row in enumerate(rows):
        if "申报编号" in row:
            head = row
            break
    else:
        check(False, "no header row in 形式审查: %r" % rows[:3])
    k = head.index("申报编号")
    out = {}
    for row in rows[h + 1:]:
        row = row + [""] * (len(head) - len(row))
        if re.match(r"^\d{4}-S\d+$", row[k]):
            out[row[k]] = dict(zip(head, row))
    return head, out


def same_review(ctx, out, years):
    """Runs review on each year folder; checks the 形式审查 rows and 拟立项名单.csv are the same;
    returns (applications, the distinct 审查结论)."""
    from test_review import xlsx_sheets  # noqa: E402
    res = []
    for i, ydir in enumerate(years):
        o = os.path.join(out, "review-%d" % i)
        p = ctx.xh("review", ydir, "-o", o)
        check(p.returncode == 0, "review of %s: %s" % (ydir, p.err[-600:]))
        sheets = xlsx_sheets(os.path.join(o, "2026", "review", "形式审查.xlsx"))
        head, rows = review_rows(sheets["形式审查"])
        res.append((head, rows, open(os.path.join(o, "2026", "review", "拟立项名单.csv"), "rb").read()))
    (hh, hr, hcsv), (ch, cr, ccsv) = res
    check(hr, "形式审查 has no application rows")
    check(hh == ch and sorted(hr) == sorted(cr), "形式审查 differs: %r vs %r" % (sorted(hr), sorted(cr)))
    # 说明 cites the budget_lines.csv row, and the collected file has the lines in the form's
    # order: the row numbers differ, the findings must not
    def norm(k, v):
        return re.sub(r"第\d+行", "第N行", v) if k == "说明" else v
    diff = [(aid, k, hr[aid][k], cr[aid][k]) for aid in hr for k in hh
            if k not in ("序号",) and norm(k, hr[aid][k]) != norm(k, cr[aid][k])]
    check(not diff, "verdicts differ: %r" % diff[:6])
    check(hcsv == ccsv, "拟立项名单.csv differs:\n%s\n%s" % (hcsv.decode()[:300], ccsv.decode()[:300]))
    concl = sorted({r["审查结论"] for r in hr.values()})
    check(len(concl) >= 2, "the comparison is trivial: every 审查结论 is %r" % concl)
    return len(hr), concl


def _pack(ctx, ydir, out):
    # the shipped templates, also for a binary that is not beside templates/ (build/asan/xhgen)
    p = ctx.xh("pack", ydir, "-o", out, env=dict(ctx.env, XHGEN_TEMPLATES=os.path.join(ROOT, "templates")))
    check(p.returncode == 0, "xhgen pack: exit %d: %s" % (p.returncode, p.err[-600:]))
    pack = os.path.join(out, "2026", "pack")
    return {f.split("-项目申报书")[0]: os.path.join(pack, f) for f in os.listdir(pack)
            if f.endswith("-项目申报书.docx")}


def t_real_pack(ctx, out):
    """A real pack filled by XML edits: Word's runs and revisions, a date picked with w:fullDate,
    placeholders left, a control removed (its text stays, as Word's "remove content control"
    leaves it), an added budget row, a form of another year, S02's form named like S01's."""
    yd = os.path.join(out, "pack-year")
    shutil.copytree(YEAR, yd)
    forms_by_name = _pack(ctx, yd, os.path.join(out, "pack"))
    d = year(os.path.join(out, "y"), with_template=False)
    forms = os.path.join(out, "forms")
    os.makedirs(forms)
    v = {"title": "机械装备企业诊断服务", "class": "A", "amount": "5万元", "start": "2026年6月1日",
         "end": "2026年11月30日", "summary": "诊断20家企业；\n举办交流会2场。", "submitted": "2026年3月18日",
         "budget.total": "50,000.00", "budget.total_cn": "伍万元整"}
    v1 = dict(v)
    del v1["end"], v1["title"]

    def revise(doc):
        # the amount retyped with track changes on: 4万元 → 5万元
        doc = re.sub(r'(xh:amount"/>.*?<w:sdtContent>)(.*?)(</w:sdtContent>)',
                     lambda m: m.group(1) + '<w:del w:id="91" w:author="王" w:date="2026-03-10T09:00:00Z">'
                     '<w:r><w:delText>4</w:delText></w:r></w:del><w:ins w:id="92" w:author="王" '
                     'w:date="2026-03-10T09:00:00Z"><w:r><w:t>5</w:t></w:r></w:ins><w:r><w:t>万元</w:t></w:r>'
                     + m.group(3), doc, count=1, flags=re.S)
        # a date picked from the calendar: Word writes w:fullDate
        doc = re.sub(r'(xh:start"/>)(.*?)<w:date>', r'\1\2<w:date w:fullDate="2026-06-01T00:00:00Z">', doc,
                     count=1, flags=re.S)
        # the title typed after its control (still showing its placeholder), in its cell; the end
        # date likewise, but its cell holds the start too ("[start] 至 [end]"): not read
        for tag, text in (("title", v["title"]), ("end", "2026年11月30日")):
            doc = re.sub(r'(<w:sdt><w:sdtPr>(?:(?!</w:sdtPr>).)*xh:%s".*?</w:sdt>)' % tag,
                         lambda m: m.group(1) + runs(text), doc, count=1, flags=re.S)
        # LibreOffice-style: the placeholder flag gone, the placeholder text left (plan, targets)
        for tag in ("plan", "targets"):
            doc = re.sub(r'(xh:%s"/>)<w:showingPlcHdr/>' % tag, r"\1", doc, count=1)
        # the goals control removed; its (placeholder) text stays in the paragraph as typed text
        doc = re.sub(r'<w:sdt><w:sdtPr>(?:(?!</w:sdtPr>).)*xh:goals.*?<w:sdtContent>(.*?)</w:sdtContent></w:sdt>',
                     lambda m: m.group(1), doc, count=1, flags=re.S)
        return doc
    fill_real(forms_by_name["威海市机械工程学会"], os.path.join(forms, "机械工程学会 申报书 定稿.docx"), v1,
              {"技术服务": ("30000", "专家咨询费"), "学术交流": ("12,000.00", "会务费"), "项目运行": ("8000元", "印刷费")},
              added=[("学术交流", "0", "（新增行，金额为零）")], edit=revise)
    fill_real(forms_by_name["威海市海洋学会"], os.path.join(forms, "威海市海洋学会-项目申报书.docx"), v,
              props_edit=lambda x: x.replace("<vt:lpwstr>2026</vt:lpwstr>", "<vt:lpwstr>2025</vt:lpwstr>"))
    fill_real(forms_by_name["威海市医学会"], os.path.join(forms, "威海市机械工程学会-项目申报书(医学会).docx"), v)
    # totals that do not add up: reported, the lines stand
    fill_real(forms_by_name["威海市水产学会"], os.path.join(forms, "威海市水产学会-项目申报书.docx"),
              dict(v, **{"budget.total": "40000", "budget.total_cn": "肆万元整"}),
              {"技术服务": ("30000", "专家咨询费"), "项目运行": ("2万", "")})
    collect(ctx, forms, d)
    rep = report(d)
    r = rep["机械工程学会 申报书 定稿.docx"]
    check(r["结果"] == "已导入" and r["学会编号"] == "S01", "S01 %r" % r)
    for w in ("有未接受的修订", "预期成效 (xh:goals): 控件已删除", "表格新增行", "实施计划 (xh:plan): 未填写",
              "年度目标 (xh:targets): 未填写", "项目名称 (xh:title): 填写在控件之外",
              "结束日期 (xh:end): 控件旁的文字不能确定属于哪个字段"):
        check(w in r["问题"], "S01 report lacks %r: %r" % (w, r["问题"]))
    check("合计 (xh:budget.total)" not in r["问题"] and "budget.total_cn" not in r["问题"],
          "total 50000 = 伍万元整 = lines, no finding: %r" % r["问题"])
    y25 = rep["威海市海洋学会-项目申报书.docx"]
    y25 = rep["威海市海洋学会-项目申报书.docx"]
    check(y25["结果"] == "未导入" and "2025" in y25["问题"], "another year %r" % y25)
    x = rep["威海市机械工程学会-项目申报书(医学会).docx"]
    check(x["结果"] == "未导入" and x["学会编号"] == "S02" and "文件名是威海市机械工程学会的" in x["问题"],
          "S02 named as S01 %r" % x)
    r6 = rep["威海市水产学会-项目申报书.docx"]
    check(r6["结果"] == "已导入" and "合计 (xh:budget.total): 40,000.00 与明细之和 50,000.00 不符" in r6["问题"]
          and "合计（大写） (xh:budget.total_cn): \"肆万元整\" 与明细之和（伍万元整）不符" in r6["问题"], "S06 %r" % r6)
    _, rows = recs(os.path.join(d, "applications.csv"))
    check([x["id"] for x in rows] == ["2026-S06", "2026-S01"], "rows (byte order of names) %r" % rows)
    a = rows[1]
    want = {"id": "2026-S01", "society": "S01", "title": v["title"], "class": "A", "amount": "50000.00",
            "start": "2026-06-01", "end": "", "summary": "诊断20家企业；\n举办交流会2场。", "goals": "",
            "submitted": "2026-03-18"}
    bad = {k: (a[k], w) for k, w in want.items() if a[k] != w}
    check(not bad, "values read from the real pack: %r" % bad)
    _, bl = recs(os.path.join(d, "budget_lines.csv"))
    lines = [(x["category"], x["amount"], x["note"]) for x in bl if x["application"] == "2026-S01"]
    check(lines == [("学术交流", "12000.00", "会务费"), ("技术服务", "30000.00", "专家咨询费"),
                    ("项目运行", "8000.00", "印刷费"), ("学术交流", "0.00", "（新增行，金额为零）")], "lines %r" % lines)
    return "%d forms in the pack; %d findings for S01" % (len(forms_by_name), r["问题"].count("；") + 1)


def t_real_round_trip(ctx, out):
    """pack → each form filled (XML edits) with the values of a hand-made applications file →
    collect into the year without applications → the clerk's columns and the scores added →
    `xhgen review` gives the same verdicts and the same 拟立项名单.csv as the hand-made file."""
    full = _handmade(os.path.join(out, "full"))
    forms_by_name = _pack(ctx, full, os.path.join(out, "pack"))
    sid = {_society_name(full, "S%02d" % i): "S%02d" % i for i in range(1, 17)}
    have = {sid[n] for n in forms_by_name}
    # the hand-made file: the applications of the societies that got a form
    hand = os.path.join(out, "hand")
    os.makedirs(hand)
    for f in ("programme.xml", "societies.xml", "calendar.csv"):
        shutil.copy(os.path.join(full, f), hand)
    for name in ("applications.csv", "budget_lines.csv", "scores.csv"):
        rows = read_csv(os.path.join(full, name))
        keep = [rows[0]] + [r for r in rows[1:] if r[0][5:] in have]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(keep)
        open(os.path.join(hand, name), "wb").write(("\ufeff" + buf.getvalue()).encode())
    check(ctx.xh("check", hand).returncode == 0, "hand-made year does not check")
    _, apps = recs(os.path.join(hand, "applications.csv"))
    _, lines = recs(os.path.join(hand, "budget_lines.csv"))
    forms = os.path.join(out, "forms")
    os.makedirs(forms)
    for a in apps:
        name = _society_name(hand, a["学会编号"])
        by_cat, added = {}, []
        for ln in lines:
            if ln["application"] == a["申报编号"]:
                if ln["category"] in CATEGORIES and ln["category"] not in by_cat:
                    by_cat[ln["category"]] = (ln["amount"], ln["note"])
                else:
                    added.append((ln["category"], ln["amount"], ln["note"]))
        v = {"title": a["项目名称"], "class": a["类别"], "amount": a["申请金额"], "start": a["开始日期"],
             "end": a["结束日期"], "summary": a["项目内容"], "goals": a["预期成效"], "submitted": a["提交日期"]}
        fill_real(forms_by_name[name], os.path.join(forms, "%s-项目申报书.docx" % name), v, by_cat, added)
    coll = os.path.join(out, "collected")
    os.makedirs(coll)
    for f in ("programme.xml", "societies.xml", "calendar.csv"):
        shutil.copy(os.path.join(hand, f), coll)
    collect(ctx, forms, coll)
    rep = report(coll)
    check(len(rep) == len(apps) and all(r["结果"] == "已导入" for r in rep.values()),
          "not all imported: %r" % [r for r in rep.values() if r["结果"] != "已导入"])
    clerk = {r["申报编号"]: (r["提交日期"], r["材料齐全"], r["材料真实"]) for r in apps}
    rows = read_csv(os.path.join(coll, "applications.csv"))
    for r in rows[1:]:
        check(r[9] == clerk[r[0]][0], "填报日期 of %s read as %r, not %r" % (r[0], r[9], clerk[r[0]][0]))
        r[10], r[11] = clerk[r[0]][1], clerk[r[0]][2]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    open(os.path.join(coll, "applications.csv"), "wb").write(("\ufeff" + buf.getvalue()).encode())
    shutil.copy(os.path.join(hand, "scores.csv"), coll)
    n, concl = same_review(ctx, out, [hand, coll])
    return "%d forms of a real pack; same 形式审查 (%s) and list" % (n, "/".join(concl))


run = TESTS.run


for _f in (t_basic, t_word_edits, t_invalid_values, t_controls_deleted, t_marker, t_merge, t_killed, t_big_table,
           t_budget_sum, t_grid_span, t_refuse, t_libreoffice_placeholder, t_round_trip, t_real_pack, t_real_round_trip, t_libreoffice_resave):
    test(_f)
