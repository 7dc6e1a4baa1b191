"""Golden tests: templates written as LibreOffice flat ODT (NAME.fodt, hand-written XML),
converted to DOCX at test time by ONE `soffice --convert-to docx` call, so that the runs are
split the way a real editor splits them (formatting changes inside tags, CJK script runs).

A case is NAME.fodt + NAME.json (data) + NAME.expected.txt, and optionally
  NAME.args        extra command-line arguments for `xhgen fill`, one per line
  NAME.parts.json  {"word/footnotes.xml": ["text that must appear in that part", ...]}

The expected text is the visible text by the rule of the docxtemplater suite
(../shared/peers/docxtemplater/docx_text.py, docx_text()): body paragraphs one per line, then
"--- word/headerN.xml ---" / "--- word/footerN.xml ---" sections for non-empty headers and
footers.  NAME.expected.txt holds that text plus one final newline.

For each case: fill (exit 0, expected text, parts), `docxtext.py --check` (no problems), a second
fill into another file (byte-identical), no tag text left in any part.  Run by tests/run.py.
"""
import glob
import json
import os
import re
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
TAG_PARTS = re.compile(r"^word/(document\d*|header\d+|footer\d+|footnotes|endnotes)\.xml$")


def cases():
    return sorted(os.path.basename(f)[:-5] for f in glob.glob(os.path.join(HERE, "*.fodt")))


def convert_templates(ctx, names):
    """Converted templates live in tests/out/golden-templates; the ASan rerun reuses them."""
    from run import soffice_convert  # noqa: E402  (tests/run.py is on sys.path via __main__)
    tdir = os.path.join(os.path.dirname(ctx.out), "golden-templates")
    fodts = [os.path.join(HERE, n + ".fodt") for n in names]

    def fresh():
        for n, f in zip(names, fodts):
            d = os.path.join(tdir, n + ".docx")
            if not os.path.exists(d) or os.path.getmtime(d) < os.path.getmtime(f):
                return False
        return True

    if ctx.asan and fresh():
        return tdir, "reused"
    for old in glob.glob(os.path.join(tdir, "*.docx")):
        os.remove(old)
    p = soffice_convert(fodts, "docx", tdir)
    missing = [n for n in names if not os.path.exists(os.path.join(tdir, n + ".docx"))]
    if missing:
        from run import fail
        fail("soffice did not convert %s (exit %d): %s"
             % (missing, p.returncode, p.stderr.decode("utf-8", "replace")[-300:]))
    return tdir, "converted"


def first_difference(want, got):
    a, b = want.split("\n"), got.split("\n")
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else "<end>"
        y = b[i] if i < len(b) else "<end>"
        if x != y:
            return "line %d: expected %r, got %r" % (i + 1, x[:100], y[:100])
    return "texts differ"


def run(ctx):
    import run as runmod
    names = cases()
    state = {}

    def t_convert():
        tdir, how = convert_templates(ctx, names)
        state["tdir"] = tdir
        return "%d templates %s" % (len(names), how)

    if not ctx.case("convert-templates", t_convert):
        return
    tdir = state["tdir"]

    def t_split():
        # the point of authoring in LibreOffice: the converted templates really do split tags
        tool = runmod._docxtext_tool()
        total = split = 0
        for n in names:
            for part, tag, nruns in tool.split_tags(os.path.join(tdir, n + ".docx")):
                total += 1
                split += nruns > 1
        runmod.check(total >= 50 and split >= 20,
                     "expected many split tags in the converted templates, got %d of %d"
                     % (split, total))
        return "%d of %d tags split across runs" % (split, total)

    ctx.case("templates-split-runs", t_split)
    outdir = ctx.fresh("docx")
    for n in names:
        ctx.case(n, one_case, ctx, n, tdir, outdir)


def one_case(ctx, n, tdir, outdir):
    from run import check, fail
    tpl = os.path.join(tdir, n + ".docx")
    data = os.path.join(HERE, n + ".json")
    with open(os.path.join(HERE, n + ".expected.txt"), encoding="utf-8") as f:
        want = f.read()
    check(want.endswith("\n"), "%s.expected.txt must end with a newline" % n)
    want = want[:-1]
    args = []
    if os.path.exists(os.path.join(HERE, n + ".args")):
        with open(os.path.join(HERE, n + ".args"), encoding="utf-8") as f:
            args = [l.rstrip("\n") for l in f if l.rstrip("\n")]
    out = os.path.join(outdir, n + ".docx")
    out2 = os.path.join(outdir, n + ".again.docx")
    for o in (out, out2):
        if os.path.exists(o):
            os.remove(o)
    p = ctx.xh("fill", tpl, data, "-o", out, *args)
    check(p.returncode == 0, "fill exit %d: %s" % (p.returncode, p.err.strip()[:300]))
    check(os.path.exists(out), "exit 0 but no output file")
    got = ctx.docx_text(out)
    if got != want:
        fail(first_difference(want, got))
    probs = ctx.check_package(out)
    check(not probs, "docxtext.py --check: %s" % "; ".join(probs))
    # parts the visible-text rule does not read (footnotes, endnotes)
    pj = os.path.join(HERE, n + ".parts.json")
    if os.path.exists(pj):
        with open(pj, encoding="utf-8") as f:
            for part, needles in json.load(f).items():
                try:
                    txt = ctx.part_text(out, part)
                except KeyError:
                    fail("output has no %s" % part)
                for s in needles:
                    check(s in txt, "%s: %r not found in %r" % (part, s, txt[:200]))
    # no tag left anywhere (unless the expected text itself shows braces)
    with zipfile.ZipFile(out) as z:
        tagparts = [i for i in z.namelist() if TAG_PARTS.match(i)]
    if "{" not in want:
        for part in tagparts:
            txt = ctx.part_text(out, part)
            check("{" not in txt and "}" not in txt, "%s still shows tag text: %r"
                  % (part, txt[max(0, txt.find("{") - 20):txt.find("{") + 40]))
    # same inputs, same bytes
    p2 = ctx.xh("fill", tpl, data, "-o", out2, *args)
    check(p2.returncode == 0, "second fill exit %d" % p2.returncode)
    with open(out, "rb") as f1, open(out2, "rb") as f2:
        check(f1.read() == f2.read(), "two fills of the same inputs differ byte-wise")
    os.remove(out2)
    ctx.produced.append((out, [l for l in want.split("\n")
                               if l.strip() and not l.startswith("--- word/")], "{" not in want))
    return ""
