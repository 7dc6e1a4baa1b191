"""Spec runner: executable examples in tests/spec/*.spec (group `spec` of tests/run.py, and
again under `asan`).  The examples themselves are written by the engine's authors; this file
is only the runner.  Format, in the spirit of cmark's spec.txt:

    ## Anything outside a fenced example is prose.

    ```````````````````````````````` example [OPTIONS...]
    TEMPLATE
    .
    DATA
    .
    EXPECTED
    ````````````````````````````````

OPTIONS are passed to `xhgen fill` as they are (e.g. `--allow-missing`,
`--delimiters '<< >>'`, split like a shell would).  A title for the example comes from the
nearest heading above it plus its number in the file (`file.spec:3 Heading text`).

TEMPLATE: one line per paragraph of word/document.xml.  Inside a line, `|` separates runs (so
`{na|me}` is a tag split over two runs); `\\|` is a literal bar.  Prefixes:
    header: TEXT     a paragraph of word/header1.xml
    footer: TEXT     a paragraph of word/footer1.xml
    footnote: TEXT   a footnote (word/footnotes.xml)
    row: A || B      a table row; consecutive row: lines make one table, ` || ` separates cells
DATA: JSON (several lines allowed), or XML when it starts with `<` (written as data.xml).
EXPECTED: the visible text of the result (docxtemplater suite's rule: body paragraphs one per
line, then `--- word/header1.xml ---` and its text, ...), or lines `error: SUBSTRING` meaning
exit 1, no output, and each SUBSTRING on stderr; or `exit: N` for another exit status.
"""
import glob
import os
import re
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "cli"))
import docxbuild as db  # noqa: E402

FENCE = re.compile(r"^(`{8,}) example(.*)$")


def parse(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out, heading, i, n = [], "", 0, 0
    while i < len(lines):
        l = lines[i]
        if l.startswith("#"):
            heading = l.lstrip("#").strip()
        m = FENCE.match(l)
        if not m:
            i += 1
            continue
        fence, opts, start = m.group(1), m.group(2).strip(), i + 1
        body = []
        i += 1
        while i < len(lines) and lines[i] != fence:
            body.append(lines[i])
            i += 1
        i += 1
        n += 1
        sections, cur = [], []
        for b in body:
            if b == ".":
                sections.append(cur)
                cur = []
            else:
                cur.append(b)
        sections.append(cur)
        out.append({"name": "%s:%d %s" % (os.path.basename(path), n, heading), "line": start,
                    "opts": shlex.split(opts), "sections": sections})
    return out


def runs(text):
    parts = re.split(r"(?<!\\)\|", text)
    return [p.replace("\\|", "|") for p in parts]


def build(ex, path):
    body, hdr, ftr, notes, rows = [], [], [], [], []

    def flush():
        if rows:
            body.append(db.table([[runs(c) for c in r] for r in rows]))
            rows.clear()

    for l in ex:
        if l.startswith("row: "):
            rows.append(l[5:].split(" || "))
            continue
        flush()
        if l.startswith("header: "):
            hdr.append(runs(l[8:]))
        elif l.startswith("footer: "):
            ftr.append(runs(l[8:]))
        elif l.startswith("footnote: "):
            notes.append(runs(l[10:]))
        else:
            body.append(runs(l))
    flush()
    db.make_docx(path, body, headers=[hdr] if hdr else (), footers=[ftr] if ftr else (),
                 footnotes=notes if notes else None)


def one(ctx, ex, d):
    from run import check, fail
    if len(ex["sections"]) != 3:
        fail("line %d: an example needs TEMPLATE . DATA . EXPECTED" % ex["line"])
    tpl_lines, data_lines, want_lines = ex["sections"]
    tpl = os.path.join(d, "t.docx")
    build(tpl_lines, tpl)
    data = "\n".join(data_lines)
    dpath = os.path.join(d, "data.xml" if data.lstrip().startswith("<") else "data.json")
    with open(dpath, "w", encoding="utf-8") as f:
        f.write(data)
    out = os.path.join(d, "out.docx")
    p = ctx.xh("fill", tpl, dpath, "-o", out, *ex["opts"])
    errs = [l[len("error:"):].strip() for l in want_lines if l.startswith("error:")]
    code = [int(l[len("exit:"):]) for l in want_lines if l.startswith("exit:")]
    if errs or code:
        want = code[0] if code else 1
        check(p.returncode == want, "expected exit %d, got %d: %s" % (want, p.returncode, p.err[:300]))
        check(not os.path.exists(out), "an output file was left behind")
        for e in errs:
            check(e in p.err, "stderr lacks %r: %r" % (e, p.err[:300]))
        return
    check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.err.strip()[:300]))
    got = ctx.docx_text(out)
    want = "\n".join(want_lines)
    if got != want:
        fail("expected %r, got %r" % (want[:200], got[:200]))
    probs = ctx.check_package(out)
    check(not probs, "docxtext.py --check: %s" % "; ".join(probs))


def run(ctx):
    files = sorted(glob.glob(os.path.join(HERE, "*.spec")))
    k = 0
    for f in files:
        for ex in parse(f):
            k += 1
            d = ctx.fresh("%03d" % k)
            ctx.case(ex["name"], one, ctx, ex, d)
