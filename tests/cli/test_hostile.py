"""Hostile inputs (issue 8, "Hostile inputs, each a test with the expected clear error"), group
`cli` of tests/run.py and again under `asan`.

The cases not already in test_cli.py (zip bombs, ../ and absolute entry names, DTDs, XXE to a
local file, deep JSON/XML/sections, disk full), test_check.py (UTF-16, dates like 2025-02-30
through `check`) or tests/spec (dates through the `date` filter).  Each test asserts the exit
status, that stderr names the file (and the part, row or tag when there is one), that nothing
is written, and that xhgen finishes (ctx.xh's timeout; no timing assertions).  Big inputs are
built once per test in the test's scratch folder.
"""
import json
import os
import socket
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import docxbuild as db  # noqa: E402
from run import check  # noqa: E402
from cases import Cases, listing  # noqa: E402

TESTS = Cases(under=["hostile"])
test = TESTS.add


# -- helpers -------------------------------------------------------------------------------------

def wfile(d, name, content):
    p = os.path.join(d, name)
    with open(p, "wb") as f:
        f.write(content.encode("utf-8") if isinstance(content, str) else content)
    return p


def wjson(d, name="data.json", obj=None):
    return wfile(d, name, json.dumps({"name": "x"} if obj is None else obj, ensure_ascii=False))


def refused(ctx, d, *args, names=(), code=1, summary=True):
    """Run xhgen ARGS: exit CODE, every string of NAMES on stderr, no file added under d, and
    (for the commands that write) the summary line says nothing was written."""
    before = listing(d)
    p = ctx.xh(*args)
    check(p.returncode == code, "expected exit %d, got %d: %s" % (code, p.returncode, p.err[:400]))
    after = listing(d)
    check(after == before, "files written: %s" % sorted(set(after) - set(before)))
    for n in names:
        check(n in p.err, "stderr does not name %r: %r" % (n, p.err[:600]))
    if summary:
        last = p.err.strip().splitlines()[-1] if p.err.strip() else ""
        check("nothing written" in last, "no summary line saying nothing was written: %r" % last[:200])
    return p


def fill_refused(ctx, d, tpl, data, *extra, names=()):
    return refused(ctx, d, "fill", tpl, data, "-o", os.path.join(d, "out.docx"), *extra,
                   names=names)


def one_line_per_problem(p):
    """CONVENTIONS.md: one line per problem on stderr, each starting `xhgen: `."""
    stray = [l for l in p.err.splitlines() if not l.startswith("xhgen: ")]
    check(not stray, "stderr lines that are not messages of their own: %r in %r"
          % (stray[:3], p.err[:400]))


def rewrite(src, dst, replace=None, add=()):
    """Copy the zip SRC to DST, with entry data replaced ({name: bytes}) and ZipInfo/data
    pairs added at the end."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for i in zi.infolist():
            zo.writestr(i.filename, replace.get(i.filename, zi.read(i.filename)))
        for info, data in add:
            zo.writestr(info, data)
    return dst


# -- template packages ---------------------------------------------------------------------------

def symlink_template(d):
    tpl = db.make_docx(os.path.join(d, "base.docx"), ["Hello {name}"])
    zi = zipfile.ZipInfo("word/media/image1.png")
    zi.create_system = 3                    # Unix
    zi.external_attr = 0xA1FF << 16         # S_IFLNK | 0777
    zi.compress_type = zipfile.ZIP_DEFLATED
    return rewrite(tpl, os.path.join(d, "t.docx"), add=[(zi, b"/etc/passwd")])


@test
def t_zip_symlink_entry(ctx, d):
    # a symlink entry (its data is the link target) is not a part of a document: refused by
    # name, and never copied into an output where an unzip would make it a link
    tpl = symlink_template(d)
    p = fill_refused(ctx, d, tpl, wjson(d), names=(tpl, "word/media/image1.png"))
    check("root:" not in p.err + p.out, "/etc/passwd content leaked")


@test
def t_zip_too_many_entries(ctx, d):
    n = 20000
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["Hello {name}"],
                       extra={"word/media/f%05d.bin" % i: b"x" for i in range(n)},
                       compression=zipfile.ZIP_STORED)
    p = fill_refused(ctx, d, tpl, wjson(d), names=(tpl + ": too many entries",))
    check("%d" % (n + 4) in p.err, "the number of entries is not given: %r" % p.err[:300])
    refused(ctx, d, "tags", tpl, names=(tpl + ": too many entries",), summary=False)


@test
def t_zip_many_entries_fine(ctx, d):
    # 5,000 entries is within the limit (10,000): filled, every entry kept
    n = 5000
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["Hello {name}"],
                       extra={"word/media/f%05d.bin" % i: b"x" for i in range(n)},
                       compression=zipfile.ZIP_STORED)
    out = os.path.join(d, "o.docx")
    p = ctx.xh("fill", tpl, wjson(d), "-o", out)
    check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.err[:300]))
    check(ctx.docx_text(out) == "Hello x", "got %r" % ctx.docx_text(out))
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
    check(all("word/media/f%05d.bin" % i in names for i in range(n)), "entries lost")


def duplicate_template(d):
    tpl = db.make_docx(os.path.join(d, "base.docx"), ["Hello {name}"])
    zi = zipfile.ZipInfo("word/document.xml")
    zi.compress_type = zipfile.ZIP_DEFLATED
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # zipfile warns "Duplicate name"
        return rewrite(tpl, os.path.join(d, "t.docx"),
                       add=[(zi, db.document_xml(["Other {name}"]).encode())])


@test
def t_zip_duplicate_entry_names(ctx, d):
    # two word/document.xml: readers disagree on which one counts, so neither is used
    tpl = duplicate_template(d)
    fill_refused(ctx, d, tpl, wjson(d), names=(tpl + ": ",))


@test
def t_zip_duplicate_entry_message(ctx, d):
    # the message says which name is repeated (not libzip's "File already exists")
    tpl = duplicate_template(d)
    fill_refused(ctx, d, tpl, wjson(d), names=(tpl + ": ", "word/document.xml"))


@test
def t_docx_without_main_part(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["x"], skip=("word/document.xml",))
    fill_refused(ctx, d, tpl, wjson(d), names=(tpl + ": ", "word/document.xml", "missing"))
    refused(ctx, d, "tags", tpl, names=(tpl + ": ", "word/document.xml"), summary=False)
    # _rels/.rels names a main part that is not in the package
    base = db.make_docx(os.path.join(d, "base.docx"), ["x"])
    with zipfile.ZipFile(base) as z:
        rels = z.read("_rels/.rels").replace(b"word/document.xml", b"word/main.xml")
    tpl2 = rewrite(base, os.path.join(d, "t2.docx"), replace={"_rels/.rels": rels})
    fill_refused(ctx, d, tpl2, wjson(d), names=(tpl2 + ": ", "word/main.xml"))


@test
def t_part_not_well_formed(ctx, d):
    # a header, not the main part: the message names the part and the line
    base = db.make_docx(os.path.join(d, "base.docx"), ["{name}"], headers=[["h"]])
    bad = ('%s<w:hdr xmlns:w="%s">\n<w:p><w:r><w:t>x</w:r></w:p></w:hdr>'
           % (db.XML_DECL, db.W_NS)).encode()
    tpl = rewrite(base, os.path.join(d, "t.docx"), replace={"word/header1.xml": bad})
    fill_refused(ctx, d, tpl, wjson(d), names=(tpl + ": word/header1.xml: line 3: ",))


@test
def t_xxe_to_url_not_fetched(ctx, d):
    # a listening socket stands for the URL: xhgen must refuse the DTD without connecting
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        srv.bind(("127.0.0.1", 0))
        srv.listen(8)
        srv.setblocking(False)
        url = "http://127.0.0.1:%d/x" % srv.getsockname()[1]
        doc = db.document_xml(["Hello &e; {name}"],
                              prolog='<!DOCTYPE w:document [<!ENTITY e SYSTEM "%s">]>' % url)
        doc = doc.replace("Hello &amp;e;", "Hello &e;")
        tpl = db.make_docx(os.path.join(d, "t.docx"), document=doc)
        fill_refused(ctx, d, tpl, wjson(d), names=(tpl + ": word/document.xml: ", "DTD"))
        refused(ctx, d, "tags", tpl, names=(tpl + ": word/document.xml: ",), summary=False)
        # and in XML records
        good = db.make_docx(os.path.join(d, "good.docx"), ["{name}"])
        data = wfile(d, "data.xml", '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY e SYSTEM "%s">]>\n'
                                    "<d><name>&e;</name></d>\n" % url)
        fill_refused(ctx, d, good, data, names=(data + ": ", "DTD"))
        try:
            conn, _ = srv.accept()
            conn.close()
            check(False, "xhgen connected to %s" % url)
        except BlockingIOError:
            pass
    finally:
        srv.close()


@test
def t_100mb_text_run(ctx, d):
    # one run of 100 MB of one character deflates to about 100 KB: far beyond the 200:1 ratio
    # gen/opc.c allows for parts over 1 MiB, so it is refused before it is inflated
    doc = db.document_xml(["PLACE {name}"]).replace("PLACE", "a" * (100 << 20))
    tpl = db.make_docx(os.path.join(d, "t.docx"), document=doc)
    del doc
    fill_refused(ctx, d, tpl, wjson(d),
                 names=(tpl + ": word/document.xml: ", "too highly compressed"))


def long_tag_template(d):
    # stored, not deflated, so that the compression ratio limit does not stop it first
    return db.make_docx(os.path.join(d, "t.docx"), ["{" + "a" * (1 << 20) + "}"],
                        compression=zipfile.ZIP_STORED)


@test
def t_tag_1mb_long(ctx, d):
    tpl = long_tag_template(d)
    fill_refused(ctx, d, tpl, wjson(d),
                 names=(tpl + ": word/document.xml: paragraph 1: {aaaaaaaa", "no value"))
    out = os.path.join(d, "o.docx")
    p = ctx.xh("fill", tpl, wjson(d), "-o", out, "--allow-missing")
    check(p.returncode == 0, "--allow-missing: exit %d: %s" % (p.returncode, p.err[:300]))
    check(ctx.docx_text(out) == "", "got %r" % ctx.docx_text(out)[:100])


@test
def t_tag_1mb_long_message_short(ctx, d):
    # the message names the tag, shortened: not a megabyte of stderr
    tpl = long_tag_template(d)
    p = fill_refused(ctx, d, tpl, wjson(d), names=(tpl + ": word/document.xml: ", "{aaaa", "no value"))
    check(len(p.err) < 4096, "stderr is %d bytes long" % len(p.err))


def bad_utf8_template(d):
    doc = db.document_xml(["Hello PLACE {name}"]).encode().replace(b"PLACE", b"ab\xff\xfe\xc3(")
    return db.make_docx(os.path.join(d, "t.docx"), document=doc)


def bad_utf8_xml_data(d):
    return wfile(d, "data.xml", b"<d>\n<name>a\xff\xfeb</name>\n</d>\n")


@test
def t_invalid_utf8_in_template_xml(ctx, d):
    tpl = bad_utf8_template(d)
    fill_refused(ctx, d, tpl, wjson(d), names=(tpl + ": word/document.xml: line 2: ", "UTF-8"))


@test
def t_invalid_utf8_in_json(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{name}"])
    for i, raw in enumerate([b'{"name":"a\xff\xfeb"}', b'{"na\xc3me":"ab"}']):
        data = wfile(d, "data%d.json" % i, raw)
        fill_refused(ctx, d, tpl, data, names=(data + ":1: ", "UTF"))


@test
def t_invalid_utf8_in_json_strict(ctx, d):
    # byte sequences that are not UTF-8 (RFC 3629) although they look like it: the JSON
    # reader refuses them as the CSV and XML readers do, naming the file, even in a value or
    # a key the template never uses
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{name}"])
    for i, raw in enumerate([b'{"name":"\xed\xa0\x80"}',          # a UTF-16 surrogate
                             b'{"name":"\xc0\xaf"}',               # an overlong "/"
                             b'{"name":"\xf4\x90\x80\x80"}',       # beyond U+10FFFF
                             b'{"name":"x","other":"\xed\xa0\x80"}',
                             b'{"name":"x","k\xed\xa0\x80":"y"}']):
        data = wfile(d, "data%d.json" % i, raw)
        fill_refused(ctx, d, tpl, data, names=(data + ":1: ", "UTF-8"))


@test
def t_invalid_utf8_in_xml_data(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{name}"])
    data = bad_utf8_xml_data(d)
    fill_refused(ctx, d, tpl, data, names=(data + ":2: ", "UTF-8"))


@test
def t_invalid_utf8_message_one_line(ctx, d):
    # libxml2's "Input is not proper UTF-8" carries a second line ("Bytes: 0xFF ..."):
    # each problem is still one line on stderr
    tpl = bad_utf8_template(d)
    one_line_per_problem(fill_refused(ctx, d, tpl, wjson(d), names=(tpl + ": ",)))
    good = db.make_docx(os.path.join(d, "good.docx"), ["{name}"])
    data = bad_utf8_xml_data(d)
    one_line_per_problem(fill_refused(ctx, d, good, data, names=(data + ":2: ",)))


# -- record files --------------------------------------------------------------------------------

ROWS_TPL = ["{#rows}{name};{/rows}"]


@test
def t_csv_unbalanced_quotes(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ROWS_TPL)
    # row 2 holds a quoted line break, so row 3 begins on line 4; its quote is never closed
    data = wfile(d, "data.csv", 'id,name\nA1,"two\nlines"\nA2,"broken\nA3,x\nA4,y\n')
    want = data + ":3 (line 4): the quoted field that begins on line 4 is never closed"
    fill_refused(ctx, d, tpl, data, names=(want,))
    refused(ctx, d, "merge", db.make_docx(os.path.join(d, "m.docx"), ["{name}"]), data,
            "-o", os.path.join(d, "out"), "--name", "{id}.docx", names=(want,))
    check(not os.path.exists(os.path.join(d, "out")), "merge made its output folder")


@test
def t_csv_nul_bytes(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ROWS_TPL)
    data = wfile(d, "data.csv", b"id,name\nA1,ok\nA2,a\x00b\n")
    fill_refused(ctx, d, tpl, data, names=(data + ":3: ", "NUL"))


@test
def t_nul_in_json_and_xml_data(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{name}"])
    # a raw NUL byte is not JSON; an escaped one is a control character in the value
    data = wfile(d, "raw.json", b'{"name":"a\x00b"}')
    fill_refused(ctx, d, tpl, data, names=(data + ":1: ", "JSON"))
    data = wfile(d, "esc.json", b'{"name":"a\\u0000b"}')
    fill_refused(ctx, d, tpl, data, names=(tpl + ": word/document.xml: paragraph 1: {name}: ", "U+0000"))
    data = wfile(d, "data.xml", b"<d><name>a\x00b</name></d>")
    fill_refused(ctx, d, tpl, data, names=(data + ":1: ",))


@test
def t_csv_million_columns(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ROWS_TPL)
    n = 1000000
    data = wfile(d, "wide.csv", "name," + ",".join("c%d" % i for i in range(n)) + "\nx,"
                 + "," * (n - 1) + "1\n")
    p = fill_refused(ctx, d, tpl, data, names=(data + ":1: ", "columns"))
    check(str(n + 1) in p.err, "the number of columns is not given: %r" % p.err[:300])
    # a data row of a million cells under a two-column header
    data = wfile(d, "wide_row.csv", "id,name\nA1," + "1," * (n - 1) + "1\n")
    fill_refused(ctx, d, tpl, data, names=(data + ":2: %d cells but the header has 2" % (n + 1),))


@test
def t_gb18030_invalid_sequences(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ROWS_TPL)
    head = "id,name\r\nA1,威海市学会\r\nA2,".encode("gb18030")     # GB18030, not UTF-8
    for i, bad in enumerate([b"\x81\x20x",                 # a lead byte and a space
                             b"\x81\x30\x81\xff",          # a four-byte sequence, last byte bad
                             b"\x80", b"\xff"]):           # bytes that never start a character
        data = wfile(d, "g%d.csv" % i, head + bad + b"\r\n")
        fill_refused(ctx, d, tpl, data, names=(data + ":3: ", "GB18030", "line 3"))


XLSX_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XLSX_PARTS = {
    "[Content_Types].xml":
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/></Types>',
    "_rels/.rels":
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s">'
        '<Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        % (db.PKG_REL, XLSX_R),
    "xl/workbook.xml":
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="%s" xmlns:r="%s">'
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>' % (XLSX_MAIN, XLSX_R),
    "xl/_rels/workbook.xml.rels":
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s">'
        '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        % (db.PKG_REL, XLSX_R, XLSX_R),
    "xl/sharedStrings.xml":
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s" count="3" uniqueCount="3">'
        '<si><t>id</t></si><si><t>name</t></si><si><t>甲学会</t></si></sst>' % XLSX_MAIN,
}


def xlsx(path, index):
    """A workbook whose B3 is shared string INDEX (there are 3: 0 to 2)."""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="%s"><sheetData>'
             '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
             '<row r="2"><c r="A2" t="inlineStr"><is><t>S01</t></is></c><c r="B2" t="s"><v>2</v></c></row>'
             '<row r="3"><c r="A3" t="inlineStr"><is><t>S02</t></is></c><c r="B3" t="s"><v>%s</v></c></row>'
             '</sheetData></worksheet>' % (XLSX_MAIN, index))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in list(XLSX_PARTS.items()) + [("xl/worksheets/sheet1.xml", sheet)]:
            z.writestr(name, text)
    return path


@test
def t_xlsx_shared_string_out_of_range(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ROWS_TPL)
    out = os.path.join(d, "ok.docx")
    p = ctx.xh("fill", tpl, xlsx(os.path.join(d, "ok.xlsx"), 2), "-o", out)
    check(p.returncode == 0, "the good workbook: exit %d: %s" % (p.returncode, p.err[:300]))
    check(ctx.docx_text(out) == "甲学会;甲学会;", "got %r" % ctx.docx_text(out))
    os.remove(out)
    for i, index in enumerate(["3", "4294967296", "18446744073709551616", "-1", "1e0"]):
        data = xlsx(os.path.join(d, "bad%d.xlsx" % i), index)
        fill_refused(ctx, d, tpl, data,
                     names=(data + ":3: cell B3: shared string %s does not exist" % index,))


@test
def t_json_1e309(ctx, d):
    data = wfile(d, "data.json", '{"x": 1e309}')
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["[{x}] [{x | yuan}]"])
    fill_refused(ctx, d, tpl, data,
                 names=(tpl + ': word/document.xml: paragraph 1: {x | yuan}: amount too large: "1e309"',))
    # as a plain value it is written as it is in the file
    tpl2 = db.make_docx(os.path.join(d, "t2.docx"), ["[{x}]"])
    out = os.path.join(d, "o.docx")
    p = ctx.xh("fill", tpl2, data, "-o", out)
    check(p.returncode == 0, "plain {x}: exit %d: %s" % (p.returncode, p.err[:300]))
    check(ctx.docx_text(out) == "[1e309]", "got %r" % ctx.docx_text(out))


@test
def t_check_money_beyond_int64_fen(ctx, d):
    import test_check as tc
    apps = ("申报编号,学会编号,项目名称,类别,申请金额\n"
            "A1,S01,项目一,A,50000\n"
            "A2,S01,项目二,B,92233720368547758.08\n"         # INT64_MAX + 1 分
            "A3,S01,项目三,B,\"100,000,000,000,000,000\"\n"
            "A4,S01,项目四,B,99999999999999999999999\n"
            "A5,S01,项目五,B,9223372036854775808\n")
    y = tc.year(d, {"societies.csv": tc.societies_csv(), "applications.csv": apps})
    f = os.path.join(y, "applications.csv")
    p = refused(ctx, d, "check", y, summary=False, names=[
        f + ':%d: amount (申请金额): amount too large: "%s"' % (row, v) for row, v in
        [(3, "92233720368547758.08"), (4, "100,000,000,000,000,000"),
         (5, "99999999999999999999999"), (6, "9223372036854775808")]])
    check(f + ":2:" not in p.err, "the good row was flagged: %r" % p.err[:600])


@test
def t_money_sums_beyond_exact(ctx, d):
    """Every amount within the limit, their sum not: the file is refused by check (and so by
    every command that loads the year), so that no sum xhgen makes can overflow."""
    import test_check as tc
    big = "9999999999999.99"  # the largest amount a cell may hold, 10^13 元 less 1 分
    apps = "申报编号,学会编号,项目名称,类别,申请金额\nA1,S01,项目一,A,50000\n"
    lines = "application,category,amount,note\n" + "".join("A1,技术服务,%s,第%d笔\n" % (big, i)
                                                         for i in range(3))
    y = tc.year(d, {"societies.csv": tc.societies_csv(), "applications.csv": apps,
                    "budget_lines.csv": lines})
    f = os.path.join(y, "budget_lines.csv")
    for cmd in (["check", y], ["review", y, "-o", os.path.join(d, "out")]):
        p = ctx.xh(*cmd)
        check(p.returncode == 1, "%s: exit %d: %s" % (cmd[0], p.returncode, p.err[-300:]))
        check(f + ": the amounts of this file add up to more than 10,000,000,000,000 元" in p.err,
              "%s: %s" % (cmd[0], p.err[-400:]))
    check(not os.path.exists(os.path.join(d, "out")), "review wrote something")


run = TESTS.run
