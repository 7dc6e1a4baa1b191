"""DOCX and PDF checks shared by the document tests (accept, notice, pack), standard library only.

docx_layout_problems(path) lists what breaks the GB/T 9704 layout xhgen's templates promise:
runs without an East Asian font, table rows that may split, header rows not repeated, not A4
or not the margins.  check_pdfs(d, prefix, pdfs) converts a module's documents with one
LibreOffice call and checks each PDF's text, page number and margins.
"""
import os
import re
import shutil
import subprocess
import zipfile
import xml.etree.ElementTree as ET

from run import check, soffice_convert
import layout

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def wtext(el):
    return "".join(t.text or "" for t in el.iter(W + "t"))


def squash(s):
    return re.sub(r"\s+", "", s)


def split_rows(root):
    """The table rows of a document that may split across pages (no w:cantSplit)."""
    return [tr for tr in root.iter(W + "tr") if tr.find(W + "trPr/" + W + "cantSplit") is None]


def docx_layout_problems(path, every_header=False, style_fonts=()):
    """Runs without an East Asian font, table rows that may split, a header row not repeated,
    not A4 or not the GB/T 9704 margins.  every_header: every table's first row must repeat
    (else only a list table's: more than two rows, 序号 in the first); style_fonts: fonts
    styles.xml must name."""
    problems = []
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("word/document.xml"))
        styles = z.read("word/styles.xml").decode("utf-8") if style_fonts else ""
    for r in root.iter(W + "r"):
        if r.find(W + "t") is None:
            continue
        f = r.find(W + "rPr/" + W + "rFonts")
        if f is None or not f.get(W + "eastAsia") or f.get(W + "ascii") != "Times New Roman":
            problems.append("run %r: fonts %r" % (wtext(r), f.attrib if f is not None else None))
    for tbl in root.iter(W + "tbl"):
        trs = tbl.findall(W + "tr")
        if every_header:
            if trs[0].find(W + "trPr/" + W + "tblHeader") is None:
                problems.append("the table's header row does not repeat")
        elif len(trs) > 2 and "序号" in wtext(trs[0]) and \
                not any(tr.find(W + "trPr/" + W + "tblHeader") is not None for tr in trs):
            problems.append("a list table whose header row does not repeat")
    for tr in split_rows(root):
        problems.append("a row may split across pages: %r" % wtext(tr)[:40])
    sect = root.find(W + "body/" + W + "sectPr")
    pg, mar = sect.find(W + "pgSz"), sect.find(W + "pgMar")
    if (pg.get(W + "w"), pg.get(W + "h")) != ("11906", "16838"):
        problems.append("not A4: %r" % pg.attrib)
    want = {"top": "2098", "bottom": "1984", "left": "1587", "right": "1474"}
    got = {k: mar.get(W + k) for k in want}
    if got != want:
        problems.append("margins %r, want %r" % (got, want))
    for font in style_fonts:
        if font not in styles:
            problems.append("styles.xml does not name %s" % font)
    return problems


def pdf_text(pdf):
    """The text of a PDF, laid out (pdftotext -layout); pages end in a form feed."""
    return subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def check_pdfs(d, prefix, pdfs, each=None):
    """One LibreOffice call for pdfs [(name, docx path, strings the PDF must show)], copied into
    d as <prefix>-<name>.docx; every PDF must show its strings and the page number — 1 —, and
    keep to the margins (layout.check_margins).  each(name, pdf) checks more."""
    check(pdfs, "no document was produced")
    src = os.path.join(d, "docx")
    os.makedirs(src)
    files = []
    for name, path, _ in pdfs:
        check(os.path.isfile(path), "%s: %s is gone" % (name, path))
        dst = os.path.join(src, "%s-%s.docx" % (prefix, name))
        shutil.copyfile(path, dst)
        files.append(dst)
    pdfdir = os.path.join(d, "pdf")
    p = soffice_convert(files, "pdf", pdfdir)
    for name, _, want in pdfs:
        pdf = os.path.join(pdfdir, "%s-%s.pdf" % (prefix, name))
        check(os.path.isfile(pdf), "LibreOffice made no PDF of %s: %s" % (name, p.stderr[-300:]))
        text = pdf_text(pdf)
        flat = squash(text)
        for s in want:
            check(squash(s) in flat, "%s: the PDF lacks %r:\n%s" % (name, s, text[:1500]))
        check("—1—" in flat, "%s: no page number — 1 —" % name)
        problems = layout.check_margins(pdf)
        check(not problems, "%s: %s" % (name, problems[:4]))
        if each:
            each(name, pdf)
