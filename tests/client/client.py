"""Real-client test: LibreOffice opens what xhgen wrote.

Collects the DOCX files the golden and cli groups produced (ctx.documents: (path, [lines that
must show], no-braces flag)) and any DOCX that `make run` left in output/, converts ALL of them
to PDF with ONE `soffice --headless --convert-to pdf` call (fresh profile, FONTCONFIG_FILE =
tests/client/fonts.conf, which maps the official Chinese font names to Noto CJK), then reads
each PDF back with `pdftotext -layout` and checks the expected text is there (whitespace and
compatibility forms ignored) and that no tag text `{...}` is left.  Run by tests/run.py.
"""
import os
import re
import shutil
import subprocess
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
CJK = re.compile(r"[\u4e00-\u9fff]")
FONT_MAP = {"方正小标宋简体": "Noto Serif CJK SC", "仿宋_GB2312": "Noto Serif CJK SC",
            "黑体": "Noto Sans CJK SC", "楷体_GB2312": "Noto Serif CJK SC"}


def norm(s):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def run(ctx):
    import run as runmod
    from run import check, fail

    def t_fonts():
        if not shutil.which("fc-match"):
            fail("fc-match not found (fontconfig)")
        env = dict(ctx.env, FONTCONFIG_FILE=os.path.join(HERE, "fonts.conf"))
        for name, want in FONT_MAP.items():
            p = subprocess.run(["fc-match", "-f", "%{family}", name], capture_output=True, env=env)
            got = p.stdout.decode("utf-8", "replace")
            check(want in got, "fontconfig maps %s to %r, expected %s (is fonts-noto-cjk installed?)"
                  % (name, got, want))

    ctx.case("fontconfig-aliases", t_fonts)

    docs = list(getattr(ctx, "documents", []))
    outdir = os.path.join(ctx.root, "output")
    if os.path.isdir(outdir):
        for base, _, files in os.walk(outdir):
            for f in sorted(files):
                if f.endswith(".docx") and not f.startswith((".", "~")):
                    docs.append((os.path.join(base, f), [], True))
    work = ctx.fresh("docs")
    pdfdir = ctx.fresh("pdf")
    staged = []
    for i, (path, lines, nobrace) in enumerate(docs):
        if not os.path.exists(path):
            continue
        stem = "%03d-%s" % (i, os.path.splitext(os.path.basename(path))[0])
        dst = os.path.join(work, stem + ".docx")
        shutil.copyfile(path, dst)
        staged.append((stem, path, lines, nobrace))
    state = {}

    def t_convert():
        check(len(staged) >= 10, "only %d documents to convert; the golden and cli groups "
              "should have produced more" % len(staged))
        p = runmod.soffice_convert([os.path.join(work, s[0] + ".docx") for s in staged], "pdf", pdfdir)
        state["p"] = p
        made = sum(os.path.exists(os.path.join(pdfdir, s[0] + ".pdf")) for s in staged)
        check(made == len(staged), "soffice made %d of %d PDFs (exit %d): %s"
              % (made, len(staged), p.returncode, p.stderr.decode("utf-8", "replace")[-300:]))
        return "%d documents, one soffice call" % len(staged)

    ctx.case("convert-all-to-pdf", t_convert)
    if not shutil.which("pdftotext"):
        ctx.case("pdftotext", lambda: fail("pdftotext not found (poppler-utils)"))
        return

    for stem, src, lines, nobrace in staged:
        outbase = os.path.join(ctx.root, "tests", "out")
        label = os.path.relpath(src, outbase if src.startswith(outbase + os.sep) else ctx.root)
        ctx.case(label, one_doc, ctx, pdfdir, stem, lines, nobrace)


def one_doc(ctx, pdfdir, stem, lines, nobrace):
    from run import check, fail
    pdf = os.path.join(pdfdir, stem + ".pdf")
    check(os.path.exists(pdf), "LibreOffice did not convert it")
    p = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", pdf, "-"], capture_output=True)
    check(p.returncode == 0, "pdftotext exit %d: %s" % (p.returncode, p.stderr[:200]))
    text = p.stdout.decode("utf-8", "replace")
    flat = norm(text)
    check(flat, "the PDF shows no text at all")
    for l in lines:
        if norm(l) and norm(l) not in flat:
            fail("%r not in the PDF text (%r...)" % (l, text.strip()[:160]))
    if nobrace:
        m = re.search(r"\{[^{}\s]{0,40}\}?", text)
        check(not m, "tag text left in the PDF: %r" % (m.group(0) if m else ""))
    if CJK.search(text):
        f = subprocess.run(["pdffonts", pdf], capture_output=True)
        fonts = f.stdout.decode("utf-8", "replace")
        check("CJK" in fonts, "Chinese text but no Noto CJK font embedded: %s" % fonts[-300:])
        # the official font names the document asks for must have gone through fonts.conf
        # (without it LibreOffice falls back to Noto Sans CJK for everything)
        used = official_fonts(os.path.join(os.path.dirname(pdfdir), "docs", stem + ".docx"))
        for name in sorted(used):
            want = FONT_MAP[name].replace(" ", "").replace("SC", "")
            check(want in fonts, "the document uses %s but the PDF has no %s: %s"
                  % (name, FONT_MAP[name], " ".join(fonts.split())[-300:]))
    return ""


def official_fonts(docx):
    """The aliased official font names the document's text or styles ask for (w:rFonts)."""
    import zipfile
    found = set()
    with zipfile.ZipFile(docx) as z:
        for part in ("word/document.xml", "word/styles.xml"):
            try:
                xml = z.read(part).decode("utf-8", "replace")
            except KeyError:
                continue
            for m in re.finditer(r'<w:rFonts\b[^>]*>', xml):
                for name in FONT_MAP:
                    if '"%s"' % name in m.group(0):
                        found.add(name)
    return found
