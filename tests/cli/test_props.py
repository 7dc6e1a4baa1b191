"""Custom document properties (xh_doc_render): the DOCX files tests/unit/test_stage.c leaves in
tests/out/unit/stage/ checked by other readers than the C code that wrote them.

No command writes properties without a whole programme year behind it, so the unit test
renders two small templates with properties and keeps the results: props.docx (a template
without custom.xml: the part, its content type and its relationship added) and props-kept.docx
(a template with properties of its own: kept, one replaced).  The unit group runs before this
one; when the files are missing or older than build/test_stage, that binary is run here.
Checks: ../shared/tools/docxtext.py --check finds no problem; custom.xml, [Content_Types].xml
and _rels/.rels read with zipfile + ElementTree say what OOXML needs (one property per name,
pids from 2, one override, one relationship, the right order of entries); and both files go to
the client group's single LibreOffice conversion, which must show the filled text.
"""
import os
import shutil
import subprocess
import sys
import zipfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from run import check, fail  # noqa: E402

UNIT_OUT = os.path.join(ROOT, "tests", "out", "unit", "stage")
CP = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
REL_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

# name -> (value type, value) as the unit test rendered them
PLAIN = [("xhgen.stage", "lpwstr", "pack"), ("学会", "lpwstr", 'A&B <c> "d"'),
         ("xhgen.year", "lpwstr", "2025")]
KEPT = [("部门", "lpwstr", "学会部 & 办公室"), ("份数", "i4", "3")] + PLAIN
TEXT = "学会：威海市<化工>学会"


def produce(ctx):
    """Makes sure the unit test's files are there and current; returns their paths."""
    files = [os.path.join(UNIT_OUT, n) for n in ("props.docx", "props-kept.docx")]
    binary = os.path.join(ROOT, "build", "test_stage")
    stale = any(not os.path.exists(f) for f in files) or (
        os.path.exists(binary) and any(os.path.getmtime(f) < os.path.getmtime(binary) for f in files))
    if stale:
        if not os.path.exists(binary):
            fail("%s missing and no build/test_stage to make them (make build/test_stage)"
                 % ", ".join(os.path.relpath(f, ROOT) for f in files))
        p = subprocess.run([binary], cwd=ROOT, capture_output=True, env=ctx.env, timeout=120)
        check(p.returncode == 0, "build/test_stage failed: %s" % p.stdout.decode()[-600:])
    for f in files:
        check(os.path.exists(f), "%s was not written" % f)
    # copies under this group's folder, for the client group's conversion
    d = ctx.fresh("props")
    out = []
    for f in files:
        dst = os.path.join(d, os.path.basename(f))
        shutil.copyfile(f, dst)
        out.append(dst)
    return out


def properties(z):
    root = ET.fromstring(z.read("docProps/custom.xml"))
    check(root.tag == CP + "Properties", "custom.xml root is %s" % root.tag)
    got = []
    for i, p in enumerate(root):
        check(p.tag == CP + "property", "custom.xml holds %s" % p.tag)
        check(p.get("fmtid") == FMTID, "fmtid %r" % p.get("fmtid"))
        check(p.get("pid") == str(i + 2), "property %d has pid %r" % (i + 1, p.get("pid")))
        vals = list(p)
        check(len(vals) == 1 and vals[0].tag.startswith(VT), "value of %s: %r" % (p.get("name"), vals))
        got.append((p.get("name"), vals[0].tag[len(VT):], vals[0].text))
    names = [g[0].lower() for g in got]
    check(len(set(names)) == len(names), "a property name twice: %r" % names)
    return got


def package(z):
    ct = ET.fromstring(z.read("[Content_Types].xml"))
    over = [o for o in ct if o.tag == CT + "Override" and o.get("PartName") == "/docProps/custom.xml"]
    check(len(over) == 1 and over[0].get("ContentType") == CT_CUSTOM,
          "content type overrides of custom.xml: %r" % [o.attrib for o in over])
    rels = ET.fromstring(z.read("_rels/.rels"))
    rs = [r for r in rels if r.get("Type") == REL_CUSTOM]
    check(len(rs) == 1 and rs[0].get("Target") == "docProps/custom.xml",
          "custom-properties relationships: %r" % [r.attrib for r in rs])
    ids = [r.get("Id") for r in rels]
    check(len(set(ids)) == len(ids), "relationship ids repeat: %r" % ids)


def run(ctx):
    state = {}

    def t_produced():
        state["files"] = produce(ctx)

    if not ctx.case("props_files", t_produced):
        return
    plain, kept = state["files"]

    def t_check_tool():
        for f in (plain, kept):
            probs = ctx.check_package(f)
            check(not probs, "docxtext.py --check on %s: %s" % (os.path.basename(f), probs))
        tool = os.path.join(ctx.shared, "tools", "docxtext.py")
        p = subprocess.run([sys.executable, tool, "--check", plain, kept], capture_output=True)
        check(p.returncode == 0 and not p.stdout.strip(),
              "docxtext.py --check: exit %d: %s" % (p.returncode, p.stdout.decode()[:400]))

    def t_added():
        with zipfile.ZipFile(plain) as z:
            check(properties(z) == PLAIN, "properties: %r" % properties(z))
            package(z)
            names = z.namelist()
            check(names == ["[Content_Types].xml", "_rels/.rels", "word/document.xml",
                            "docProps/custom.xml"], "entries: %r" % names)
            for i in z.infolist():
                check(i.date_time == (1980, 1, 1, 0, 0, 0), "%s dated %r" % (i.filename, i.date_time))

    def t_kept():
        with zipfile.ZipFile(kept) as z:
            check(properties(z) == KEPT, "properties: %r" % properties(z))
            package(z)
            check(z.namelist()[0] == "docProps/custom.xml", "custom.xml moved: %r" % z.namelist())

    def t_text():
        for f in (plain, kept):
            text = ctx.docx_text(f)
            check(TEXT in text, "%s shows %r" % (os.path.basename(f), text))
            ctx.produced.append((f, [TEXT], True))

    ctx.case("props_docxtext_check", t_check_tool)
    ctx.case("props_added_to_plain_template", t_added)
    ctx.case("props_kept_from_template", t_kept)
    ctx.case("props_documents_text", t_text)
