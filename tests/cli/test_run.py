"""`xhgen run DIR -o OUT` and `xhgen verify DIR -o OUT`: the whole year (group `cli`).

End to end on the sample year input/: every stage's folder, the reconciliation read back by the
test itself (the notice's table against the review's list, the ledger against the records, the
acceptance summary against the ledger), the manifest's hashes against the files, two runs giving
the same manifest, provenance in every DOCX and XLSX, tampered outputs caught by verify, a failing
stage leaving the earlier output in place, a killed run leaving each folder whole, and --pdf
refused up front without LibreOffice."""
import csv
import hashlib
import html.parser
import os
import re
import shutil
import signal
import sys
import zipfile
import xml.etree.ElementTree as ET
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from run import check  # noqa: E402
from cases import Cases  # noqa: E402
from xlsxread import M, _text  # noqa: E402

TESTS = Cases("run/")
test = TESTS.add
INPUT = os.path.join(ROOT, "input")
STAGES = ["pack", "review", "notice", "ledger", "acceptance"]


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def year_of(d):
    with open(os.path.join(d, "programme.xml"), encoding="utf-8") as f:
        return re.search(r"<year>\s*(\d{4})\s*</year>", f.read()).group(1)


def fen(text):
    t = re.sub(r"[,，¥￥元\s]", "", text)
    return int(Decimal(t) * 100)


def manifest(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def xlsx_table(path, key="申报编号"):
    """The first sheet's rows from the one holding `key` on, as lists of strings."""
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            shared = [_text(si) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(M + "si")]
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(M + "row"):
        cells = {}
        for c in row.iter(M + "c"):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            n = 0
            for ch in col:
                n = n * 26 + ord(ch) - 64
            v = c.find(M + "v")
            if c.get("t") == "s":
                cells[n - 1] = shared[int(v.text)]
            elif c.get("t") == "inlineStr":
                cells[n - 1] = _text(c.find(M + "is"))
            else:
                cells[n - 1] = v.text if v is not None and v.text is not None else ""
        width = max(cells) + 1 if cells else 0
        rows.append([cells.get(i, "") for i in range(width)])
    for i, r in enumerate(rows):
        if key in r:
            return rows[i:]
    raise AssertionError("%s: no row with %s" % (path, key))


class Cells(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.cur, self.cell = [], None, None

    def handle_starttag(self, tag, a):
        if tag == "tr":
            self.cur = []
        elif tag in ("td", "th") and self.cur is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.cur.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.cur is not None:
            self.rows.append(self.cur)
            self.cur = None

    def handle_data(self, d):
        if self.cell is not None:
            self.cell.append(d)


def run_year(ctx, out, *extra, env=None):
    p = ctx.xh("run", INPUT, "-o", out, *extra, env=env, timeout=600)
    return p


@test
def t_sample_year(ctx, d):
    out = os.path.join(d, "out")
    p = run_year(ctx, out)
    check(p.returncode == 0, "run: exit %d: %s" % (p.returncode, p.err[-800:]))
    year = year_of(INPUT)
    y = os.path.join(out, year)
    check("\r" not in p.err, "a progress bar on a stderr that is not a terminal")
    lines = p.out.splitlines()
    for stage in ("check", "pack", "review", "notice", "ledger", "accept", "verify", "manifest"):
        check(any(l.startswith(stage + " ") for l in lines), "no line for %s: %s" % (stage, p.out))
    for s in STAGES:
        check(os.path.isdir(os.path.join(y, s)) and os.listdir(os.path.join(y, s)), "no %s/" % s)

    # -- the notice's table against the review's proposed list (read by this test) --
    with open(os.path.join(y, "review", "拟立项名单.csv"), encoding="utf-8-sig", newline="") as f:
        proposed = list(csv.DictReader(f))
    check(proposed, "the sample year proposes nothing")
    want = sorted((r["学会名称"], r["项目名称"], fen(r["拟资助金额"])) for r in proposed)
    cp = Cells()
    with open(os.path.join(y, "notice", "公示.html"), encoding="utf-8") as f:
        cp.feed(f.read())
    head = next(r for r in cp.rows if "学会名称" in r)
    ci = {k: head.index(k) for k in ("学会名称", "项目名称")}
    ca = next(i for i, h in enumerate(head) if h.startswith("资助金额"))
    got = sorted((r[ci["学会名称"]], r[ci["项目名称"]], fen(r[ca])) for r in cp.rows
                 if r and r[0].isdigit() and len(r) == len(head))
    check(got == want, "notice rows differ from the proposed list: %s vs %s" % (got[:3], want[:3]))
    total = next(fen(r[-1]) for r in cp.rows if r and r[0].startswith("合计") and "大写" not in r[0])
    check(total == sum(w[2] for w in want), "notice total %d vs %d" % (total, sum(w[2] for w in want)))

    # -- the ledger against the records: approved = proposed, paid = disbursements --
    led = xlsx_table(os.path.join(y, "ledger", "资金台账.xlsx"))
    h = led[0]
    ids = {r["申报编号"]: fen(r["拟资助金额"]) for r in proposed}
    rows = {r[h.index("申报编号")]: r for r in led[1:] if r and r[h.index("申报编号")] in ids}
    check(set(rows) == set(ids), "ledger projects %s vs proposed %s" % (sorted(rows), sorted(ids)))
    for i, r in rows.items():
        check(fen(r[h.index("核定金额")]) == ids[i], "%s 核定金额 %s vs %d" % (i, r[h.index("核定金额")], ids[i]))
    # -- the acceptance summary against the ledger, and its conclusions against the rules --
    acc = xlsx_table(os.path.join(y, "acceptance", "验收汇总.xlsx"))
    ah = acc[0]
    arows = {r[ah.index("申报编号")]: r for r in acc[1:] if r and r[ah.index("申报编号")] in ids}
    check(set(arows) == set(ids), "acceptance projects differ from the ledger's")
    for i, r in arows.items():
        for col in ("核定金额", "已拨付", "已支出"):
            check(fen(r[ah.index(col)]) == fen(rows[i][h.index(col)]),
                  "%s %s: acceptance %s, ledger %s" % (i, col, r[ah.index(col)], rows[i][h.index(col)]))
        concl, rule, panel = (r[ah.index(c)] for c in ("验收结论", "规则结论", "验收组结论"))
        check(concl == (panel or rule), "%s: 验收结论 %s, rules %s, panel %s" % (i, concl, rule, panel))
        sub = r[ah.index("材料提交日期")]
        if re.fullmatch(r"\d+(\.\d+)?", sub):  # a date cell: days since 1899-12-30
            import datetime
            sub = (datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(sub)))).isoformat()
        late = not sub or sub > "%s-11-30" % year
        bad = late or r[ah.index("任务完成情况")] in ("未完成", "") or r[ah.index("财务意见")] in ("不合规", "")
        if bad:
            check(rule == "不通过", "%s: the rules should fail it (late %s, %s, %s)" % (
                i, late, r[ah.index("任务完成情况")], r[ah.index("财务意见")]))
    failed = sorted(i for i, r in arows.items() if r[ah.index("验收结论")] == "不通过")
    with open(os.path.join(y, "acceptance", "ineligible.csv"), encoding="utf-8-sig", newline="") as f:
        inel = list(csv.reader(f))[1:]
    check(len(inel) == len(failed), "ineligible.csv has %d rows for %d failures" % (len(inel), len(failed)))

    # -- the manifest against the files --
    m = manifest(os.path.join(y, "manifest.csv"))
    outs = [r for r in m if r["kind"] == "output"]
    ins = [r for r in m if r["kind"] == "input"]
    on_disk = sorted(os.path.relpath(os.path.join(a, f), y) for a, _, fs in os.walk(y) for f in fs
                     if f not in ("manifest.csv", "run-report.txt"))
    check(sorted(r["path"] for r in outs) == on_disk,
          "manifest outputs differ from the folder: %s" % (set(on_disk) ^ {r["path"] for r in outs}))
    for r in outs:
        f = os.path.join(y, r["path"])
        check(sha(f) == r["sha256"] and os.path.getsize(f) == int(r["size"]), "%s: hash or size" % r["path"])
        for src in r["from"].split():
            check(any(i["path"] == src for i in ins) or src.startswith("templates/"),
                  "%s comes from %s, which is not an input row" % (r["path"], src))
    for r in ins:
        check(sha(os.path.join(INPUT, r["path"])) == r["sha256"], "input %s: hash" % r["path"])
    check({r["path"] for r in ins} >= {"programme.xml", "societies.xml"}, "inputs: %s" % ins)

    # -- provenance in every DOCX --
    for r in outs:
        if not r["path"].endswith(".docx"):
            continue
        with zipfile.ZipFile(os.path.join(y, r["path"])) as z:
            cust = z.read("docProps/custom.xml").decode("utf-8")
        for prop in ("xhgen.version", "xhgen.inputs_sha256", "xhgen.template", "xhgen.template_sha256",
                     "xhgen.record", "xhgen.stage"):
            check('name="%s"' % prop in cust, "%s lacks %s" % (r["path"], prop))
        tsha = re.search(r'name="xhgen.template_sha256"><vt:lpwstr>([0-9a-f]{64})', cust).group(1)
        tname = re.search(r'name="xhgen.template"><vt:lpwstr>([^<]+)', cust).group(1)
        check(os.path.exists(os.path.join(ROOT, "templates", tname)) and
              sha(os.path.join(ROOT, "templates", tname)) == tsha, "%s: template hash" % r["path"])

    # -- provenance in every XLSX: the stage, the year's inputs, the version --
    xlsx = [r for r in outs if r["path"].endswith(".xlsx")]
    check(len(xlsx) >= 3, "workbooks in the manifest: %s" % [r["path"] for r in xlsx])
    inputs_sha = None
    for r in xlsx:
        with zipfile.ZipFile(os.path.join(y, r["path"])) as z:
            check("docProps/custom.xml" in z.namelist(), "%s has no custom properties" % r["path"])
            cust = z.read("docProps/custom.xml").decode("utf-8")
        for prop in ("xhgen.version", "xhgen.inputs_sha256", "xhgen.stage", "xhgen.year"):
            check('name="%s"' % prop in cust, "%s lacks %s" % (r["path"], prop))
        stage = re.search(r'name="xhgen.stage"><vt:lpwstr>([^<]+)', cust).group(1)
        check(r["path"].split("/")[0] in (stage, "acceptance" if stage == "accept" else stage),
              "%s says stage %s" % (r["path"], stage))

    # -- twice: the same manifest, byte for byte --
    with open(os.path.join(y, "manifest.csv"), "rb") as f:
        first = f.read()
    p2 = run_year(ctx, out)
    check(p2.returncode == 0, "second run: exit %d" % p2.returncode)
    with open(os.path.join(y, "manifest.csv"), "rb") as f:
        check(f.read() == first, "a second run gives another manifest")
    other = os.path.join(d, "other")
    check(run_year(ctx, other).returncode == 0, "run into another folder")
    with open(os.path.join(other, year, "manifest.csv"), "rb") as f:
        check(f.read() == first, "the manifest depends on the output folder")


@test
def t_verify_catches_tampering(ctx, d):
    out = os.path.join(d, "out")
    check(run_year(ctx, out).returncode == 0, "run failed")
    y = os.path.join(out, year_of(INPUT))
    p = ctx.xh("verify", INPUT, "-o", out)
    check(p.returncode == 0 and "reconcile" in p.out, "verify of a clean run: %d %s" % (p.returncode, p.err))
    # a project's amount changed in the web notice
    page = os.path.join(y, "notice", "公示.html")
    with open(page, encoding="utf-8") as f:
        text = f.read()
    amounts = re.findall(r'<td class="amount">([\d,]+\.\d\d)</td>', text)
    check(amounts, "no amounts found in the notice page")
    with open(page, "w", encoding="utf-8") as f:
        f.write(text.replace('<td class="amount">%s</td>' % amounts[0], '<td class="amount">1.00</td>', 1))
    p = ctx.xh("verify", INPUT, "-o", out)
    check(p.returncode == 3, "verify of a tampered notice: exit %d" % p.returncode)
    check("公示.html" in p.err and "do not reconcile" in p.err, "message: %s" % p.err)
    # a row gone from the proposed list
    check(run_year(ctx, out).returncode == 0, "run again failed")
    lst = os.path.join(y, "review", "拟立项名单.csv")
    with open(lst, encoding="utf-8-sig") as f:
        rows = f.read().splitlines()
    with open(lst, "w", encoding="utf-8-sig") as f:
        f.write("\n".join(rows[:-1]) + "\n")
    p = ctx.xh("verify", INPUT, "-o", out)
    check(p.returncode == 3 and "资金台账.xlsx" in p.err, "verify of a shortened list: %d %s" % (p.returncode, p.err))


@test
def t_failed_stage_keeps_output(ctx, d):
    yd = os.path.join(d, "year")
    shutil.copytree(INPUT, yd)
    out = os.path.join(d, "out")
    check(ctx.xh("run", yd, "-o", out, timeout=600).returncode == 0, "first run failed")
    y = os.path.join(out, year_of(yd))
    before = {os.path.relpath(os.path.join(a, f), y): sha(os.path.join(a, f))
              for a, _, fs in os.walk(y) for f in fs}
    # a broken staff copy of the notice's template: the notice stage fails
    os.makedirs(os.path.join(yd, "templates"))
    with open(os.path.join(yd, "templates", "公示.docx"), "wb") as f:
        f.write(b"PK\x03\x04 not a zip")
    p = ctx.xh("run", yd, "-o", out, timeout=600)
    check(p.returncode == 1, "run with a broken template: exit %d: %s" % (p.returncode, p.err[-300:]))
    check("公示.docx" in p.err, "the error does not name the template: %s" % p.err)
    after = {os.path.relpath(os.path.join(a, f), y): sha(os.path.join(a, f))
             for a, _, fs in os.walk(y) for f in fs}
    check(after == before, "the output changed: %s" % (set(after.items()) ^ set(before.items())))


@test
def t_killed_run(ctx, d):
    """SIGKILL after N files (XHGEN_STOP_AFTER): every stage folder holds the previous complete
    output or the new complete one, nothing truncated; the next run finishes and cleans up."""
    import subprocess
    yd = os.path.join(d, "year")
    shutil.copytree(INPUT, yd)
    out, ref = os.path.join(d, "out"), os.path.join(d, "ref")
    check(ctx.xh("run", yd, "-o", out, timeout=600).returncode == 0, "first run failed")
    y = os.path.join(out, year_of(yd))

    def snap(base):
        return {s: {f: sha(os.path.join(base, s, f)) for f in sorted(os.listdir(os.path.join(base, s)))
                    if not f.startswith(".")} for s in STAGES}
    old = snap(y)
    another_issuer(yd)
    check(ctx.xh("run", yd, "-o", ref, timeout=600).returncode == 0, "reference run failed")
    new = snap(os.path.join(ref, year_of(yd)))
    for s in STAGES:
        check(old[s] != new[s], "stage %s does not change with the issuer: the test proves nothing" % s)
    total = sum(len(v) for v in new.values())
    for n in (1, total // 3, total * 4 // 5):
        env = dict(ctx.env, XHGEN_STOP_AFTER=str(n))
        p = subprocess.run([ctx.xhgen_path, "run", yd, "-o", out], capture_output=True, env=env,
                           timeout=600)
        check(p.returncode == -signal.SIGKILL, "XHGEN_STOP_AFTER=%d: exit %d" % (n, p.returncode))
        now = snap(y)
        for s in STAGES:
            check(now[s] in (old[s], new[s]), "after a kill at file %d, %s/ is neither the old nor the "
                  "new output" % (n, s))
    p = ctx.xh("run", yd, "-o", out, timeout=600)
    check(p.returncode == 0, "the run after the kills: exit %d" % p.returncode)
    check(snap(y) == new, "the run after the kills differs from the reference")
    left = [os.path.join(a, f) for a, _, fs in os.walk(y) for f in fs if f.startswith(".")]
    check(not left, "temporaries left after a complete run: %s" % left)


def another_issuer(yd):
    """Another issuer in yd's programme.xml: every document of every stage changes."""
    prog = os.path.join(yd, "programme.xml")
    with open(prog, encoding="utf-8") as f:
        text = f.read()
    with open(prog, "w", encoding="utf-8") as f:
        f.write(re.sub(r"<issuer>[^<]*</issuer>", "<issuer>威海市科学技术协会（测试）</issuer>", text))


def _changed_year(ctx, d):
    """A copy of input/ run once into out/, then changed (another issuer, so every stage's
    output changes), with the new complete output in ref/; returns (year, out, old, new)."""
    yd = os.path.join(d, "year")
    shutil.copytree(INPUT, yd)
    out, ref = os.path.join(d, "out"), os.path.join(d, "ref")
    check(ctx.xh("run", yd, "-o", out, timeout=600).returncode == 0, "first run failed")
    another_issuer(yd)
    check(ctx.xh("run", yd, "-o", ref, timeout=600).returncode == 0, "reference run failed")
    return yd, out, ref


def _snap(base):
    return {s: {f: sha(os.path.join(base, s, f)) for f in sorted(os.listdir(os.path.join(base, s)))
                if not f.startswith(".")} for s in STAGES}


@test
def t_real_signals(ctx, d):
    """SIGKILL, SIGTERM and SIGINT from outside at whatever point the run has reached: each stage
    folder is old or new, whole (the assertion holds wherever the signal lands)."""
    import subprocess
    import time
    yd, out, ref = _changed_year(ctx, d)
    year = year_of(yd)
    old, new = _snap(os.path.join(out, year)), _snap(os.path.join(ref, year))
    for sig, delay in ((signal.SIGKILL, 0.02), (signal.SIGTERM, 0.05), (signal.SIGINT, 0.08),
                       (signal.SIGKILL, 0.0)):
        p = subprocess.Popen([ctx.xhgen_path, "run", yd, "-o", out], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=ctx.env)
        time.sleep(delay)
        p.send_signal(sig)
        p.wait(timeout=600)
        now = _snap(os.path.join(out, year))
        for s in STAGES:
            check(now[s] in (old[s], new[s]), "after signal %d at %.2f s, %s/ is neither the old nor "
                  "the new output" % (sig, delay, s))
    check(ctx.xh("run", yd, "-o", out, timeout=600).returncode == 0, "the run after the signals")
    check(_snap(os.path.join(out, year)) == new, "the run after the signals differs from the reference")


@test
def t_full_disk(ctx, d):
    """ulimit -f: a write fails with EFBIG; exit 3 with a clear error, no partial file: every
    stage folder is old or new, whole."""
    import resource
    import subprocess
    yd, out, ref = _changed_year(ctx, d)
    year = year_of(yd)
    old, new = _snap(os.path.join(out, year)), _snap(os.path.join(ref, year))
    for limit in (20000, 200000):
        def lim(limit=limit):
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        p = subprocess.run([ctx.xhgen_path, "run", yd, "-o", out], capture_output=True, env=ctx.env,
                           preexec_fn=lim, timeout=600)
        err = p.stderr.decode("utf-8", "replace")
        check(p.returncode == 3, "ulimit -f %d: exit %d: %s" % (limit, p.returncode, err[-300:]))
        check(re.search(r"File too large|No space|cannot write", err), "no clear error: %s" % err[-300:])
        now = _snap(os.path.join(out, year))
        for s in STAGES:
            check(now[s] in (old[s], new[s]), "ulimit -f %d: %s/ is neither the old nor the new output"
                  % (limit, s))


@test
def t_pdf(ctx, d):
    """--pdf: every DOCX converted by one LibreOffice call into OUT/<year>/pdf/, in the manifest."""
    import subprocess
    if ctx.asan:
        return "skipped under ASan (LibreOffice)"
    out = os.path.join(d, "out")
    env = dict(ctx.env, FONTCONFIG_FILE=os.path.join(ROOT, "tests", "client", "fonts.conf"))
    p = run_year(ctx, out, "--pdf", env=env)
    check(p.returncode == 0, "run --pdf: exit %d: %s" % (p.returncode, p.err[-400:]))
    y = os.path.join(out, year_of(INPUT))
    docx = sorted(f[:-5] for a, _, fs in os.walk(y) for f in fs if f.endswith(".docx"))
    pdfs = sorted(f[:-4] for f in os.listdir(os.path.join(y, "pdf")))
    check(docx == pdfs, "PDFs %d for %d DOCX: %s" % (len(pdfs), len(docx), set(docx) ^ set(pdfs)))
    text = subprocess.run(["pdftotext", "-layout", os.path.join(y, "pdf", "公示.pdf"), "-"],
                          capture_output=True).stdout.decode("utf-8")
    with open(os.path.join(y, "review", "拟立项名单.csv"), encoding="utf-8-sig", newline="") as f:
        total = sum(fen(r["拟资助金额"]) for r in csv.DictReader(f))
    want = "{:,.2f}".format(Decimal(total) / 100)
    check(want in text, "the notice's PDF lacks the total %s" % want)
    m = manifest(os.path.join(y, "manifest.csv"))
    check(sum(1 for r in m if r["path"].startswith("pdf/")) == len(pdfs), "PDFs missing from the manifest")


@test
def t_pdf_needs_libreoffice(ctx, d):
    out = os.path.join(d, "out")
    env = dict(ctx.env, PATH="/nonexistent")
    p = ctx.xh("run", INPUT, "-o", out, "--pdf", env=env)
    check(p.returncode == 2, "--pdf without soffice: exit %d" % p.returncode)
    check("libreoffice-writer-nogui" in p.err, "the message does not name the package: %s" % p.err)
    check(not os.path.exists(out), "something was written")


@test
def t_make_run_twice(ctx, d):
    """`make run` (the README's first command) twice: the same manifest, byte for byte."""
    import subprocess
    if ctx.asan:
        return "skipped under ASan (make run builds its own ./xhgen)"
    out = os.path.join(ROOT, "output", year_of(INPUT), "manifest.csv")
    got = []
    for _ in range(2):
        p = subprocess.run(["make", "-s", "run"], cwd=ROOT, capture_output=True, timeout=900,
                           env=ctx.env)
        check(p.returncode == 0, "make run: exit %d: %s" % (p.returncode, p.stderr[-400:]))
        with open(out, "rb") as f:
            got.append(f.read())
    check(got[0] == got[1], "two runs of make run give two manifests")
    check(b"output,pack/" in got[0] and b"output,acceptance/" in got[0], "the manifest lacks stages")


@test
def t_usage(ctx, d):
    for args in (["run", INPUT], ["run", "-o", d], ["run", INPUT, "-o", d, "--name", "x"],
                 ["verify", INPUT]):
        p = ctx.xh(*args)
        check(p.returncode == 2, "%s: exit %d" % (args, p.returncode))


run = TESTS.run
