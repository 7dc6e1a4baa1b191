"""Layout checks of rendered documents, shared by the document tests (pack, notice, accept).

check_margins(pdf) reads every word's box with `pdftotext -bbox` and returns a list of
problems: a word outside the GB/T 9704 text block (top 37 mm, bottom 35 mm, left 28 mm,
right 26 mm; DOMAIN.md §3.1) that is not in the header band above it or in the page-number
band below it, or any word outside the left/right margins at all.  Landscape pages swap the
page size only; the margins stay the same.

render_png(pdf, name) writes pages of a PDF as PNG into tests/out/artefacts/, so that a
person can look at what the tests produced (CI keeps the folder as an artefact).
"""
import os
import re
import subprocess
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ARTEFACTS = os.path.join(os.path.dirname(HERE), "out", "artefacts")
PT_PER_MM = 72 / 25.4
TOP, BOTTOM, LEFT, RIGHT = 37, 35, 28, 26
TOL = 1.5  # points: glyph boxes of CJK fonts overhang their advance a little
# A line ending in closing punctuation: LibreOffice and Word let one line-final "。" or "，" hang
# past the right edge of the text block (标点溢出边界, Word's default for Chinese text; LibreOffice
# 7.4 does it even with w:overflowPunct off), and pdftotext gives that glyph its whole em (三号:
# 16 pt) where the compressed "）。" of a full line has half.  Such a word may end up to one em
# past the edge; everything else outside the margins is a problem.
CLOSING = "）。，、；：”’》」』？！"
HANGING = 16.5


def words(pdf):
    """[(page number, page width, page height, xMin, yMin, xMax, yMax, text)] in points."""
    p = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, check=True)
    html = p.stdout.decode("utf-8", "replace")
    # the output is XHTML with a DOCTYPE: parse from <doc> on
    start = html.find("<doc>")
    end = html.find("</doc>")
    root = ET.fromstring(html[start:end + 6])
    out = []
    for n, page in enumerate(root.iter("page"), 1):
        w, h = float(page.get("width")), float(page.get("height"))
        for wd in page.iter("word"):
            out.append((n, w, h, float(wd.get("xMin")), float(wd.get("yMin")),
                        float(wd.get("xMax")), float(wd.get("yMax")), wd.text or ""))
    return out


def check_margins(pdf):
    """Problems with the text's position on the page; [] when all is inside."""
    problems = []
    for n, w, h, x0, y0, x1, y1, text in words(pdf):
        left, right = LEFT * PT_PER_MM - TOL, w - RIGHT * PT_PER_MM + TOL
        top, bottom = TOP * PT_PER_MM - TOL, h - BOTTOM * PT_PER_MM + TOL
        where = "page %d: %r at x %.1f–%.1f, y %.1f–%.1f pt" % (n, text, x0, x1, y0, y1)
        overshoot = x1 - right
        if x0 < left or overshoot > (HANGING if text[-1:] in CLOSING else 0):
            problems.append("outside the left/right margins: " + where)
        elif y1 <= top:
            # the header band: at least 10 mm from the top edge
            if y0 < 10 * PT_PER_MM:
                problems.append("too close to the top edge: " + where)
        elif y0 >= bottom:
            # the page-number band: `— N —` about 7 mm below the text block, and nothing else
            if not re.fullmatch(r"[—\-\d\s]+", text):
                problems.append("below the text block: " + where)
            elif y1 > h - 10 * PT_PER_MM:
                problems.append("page number too close to the bottom edge: " + where)
        elif y0 < top - TOL or y1 > bottom + TOL:
            problems.append("across the text block's edge: " + where)
    return problems


def page_count(pdf):
    p = subprocess.run(["pdfinfo", pdf], capture_output=True, check=True)
    m = re.search(r"^Pages:\s+(\d+)", p.stdout.decode("utf-8", "replace"), re.M)
    return int(m.group(1)) if m else 0


def render_png(pdf, name, first=1, last=2, dpi=60):
    """PNG pages first..last of pdf as tests/out/artefacts/NAME-N.png; returns their paths."""
    os.makedirs(ARTEFACTS, exist_ok=True)
    prefix = os.path.join(ARTEFACTS, name)
    for f in os.listdir(ARTEFACTS):
        if f.startswith(name + "-") and f.endswith(".png"):
            os.remove(os.path.join(ARTEFACTS, f))
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(first), "-l", str(last),
                    pdf, prefix], capture_output=True, check=True)
    return sorted(os.path.join(ARTEFACTS, f) for f in os.listdir(ARTEFACTS)
                  if f.startswith(name + "-") and f.endswith(".png"))
