"""`xhgen ledger DIR -o OUT`: the fund ledger 资金台账.xlsx (group `cli` of tests/run.py).

tests/fixtures/ledger/rules is tests/fixtures/review/rules with decisions, payments and spending
in which every spending and payment rule of gen/ledger.c is broken exactly once (the overspending
rule flags the expense that crosses the line and the one after it); its README lists which row
breaks which rule.  The tests read the workbook back from its XML (zipfile): values, formulas with
their cached values, the 合规 and 核查 flags, charts, conditional formats, validations and the
print set-up; they build hostile and large years in their scratch folder from the fixture.
"""
import csv
import io
import os
import re
import shutil
import sys
import zipfile
import xml.etree.ElementTree as ET
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from run import check, soffice_convert  # noqa: E402
from cases import Cases, listing  # noqa: E402
from xlsxread import M, R_ID, R_NS, PKG_REL, _text, _col  # noqa: E402,F401

TESTS = Cases()
test = TESTS.add


FIXTURE = os.path.join(ROOT, "tests", "fixtures", "ledger", "rules")
SHEETS = ["资金分配", "拨付", "支出", "分类汇总", "概览"]
BOOK = os.path.join("2026", "ledger", "资金台账.xlsx")
CATEGORIES = ["党建", "学术交流", "科学普及", "技术服务", "咨询服务", "承接政府委托", "双创活动", "项目运行"]
CLASSES = ["A", "B", "推广"]

# -- what the fixture must give (amounts in 分) ------------------------------------
# 资金分配: application -> (class, requested, approved, disbursed, spent), in the sheet's order
# (class A, B; then the review's rank, then id).  A12's decision gives no amount: the proposed
# 50000 (the class cap; it asked 60000).  A14 is decided 否: absent.
ALLOC = [
    ("A01", "A", 4000000, 4000000, 4000000, 2400000),
    ("A12", "A", 6000000, 5000000, 5000000, 3000000),
    ("A13", "B", 2000000, 1800000, 1900000, 1000000),
    ("A16", "B", 2000000, 2000000, 1000000, 1200000),
]
BUDGET = 200000000
# 支出: voucher -> (expenditures.csv row, 合规)
OVER = "累计支出超过已拨付金额"
EXPENSES = {
    "记-001": (2, "OK"),
    "记-002": (3, "OK"),
    "记-003": (4, "禁止性支出（人员工资）"),
    "记-004": (5, "经费类别“设备购置”不在允许范围"),
    "记-005": (6, "经费类别“技术服务”不在项目预算中"),
    "记-006": (7, "支出日期2026年12月5日不在项目实施周期内"),
    "记-007": (8, "OK"),
    "记-008": (9, "OK"),
    "记-009": (10, "OK"),
    "记-012": (11, OVER + "2,000.00元"),       # dated last, listed first: flagged as after
    "记-010": (12, "OK"),
    "记-011": (13, OVER + "1,000.00元"),       # takes A16 from 6000 to 11000 of 10000 paid
    "记-013": (14, "项目未获批准"),            # A14, decided 否
}
# 拨付: voucher -> (disbursements.csv row, 核查)
PAYMENTS = {
    "DZ2026-001": (2, "OK"),
    "DZ2026-002": (3, "OK"),
    "DZ2026-003": (4, "拨付累计超过核定金额1,000.00元"),
    "DZ2026-004": (5, "OK"),
    "DZ2026-005": (6, "项目未获批准，不应拨付"),
    "DZ2026-006": (7, "重复拨付（实施方案：一次性拨付）"),
}
# 分类汇总: (application, category) -> (budget, spent)
BY_CATEGORY = {
    ("A01", "学术交流"): (3000000, 1500000), ("A01", "科学普及"): (1000000, 300000),
    ("A01", "设备购置"): (0, 500000), ("A01", "技术服务"): (0, 100000),
    ("A12", "学术交流"): (4500000, 2000000), ("A12", "科学普及"): (1500000, 1000000),
    ("A13", "学术交流"): (1500000, 1000000), ("A13", "科学普及"): (400000, 0),
    ("A16", "学术交流"): (1500000, 1100000), ("A16", "科学普及"): (500000, 100000),
}
EXP_HEADER = "申报编号,支出日期,经费类别,金额,摘要,凭证号"

# -- reading the workbook ------------------------------------------------------------

def _ref(ref):
    """'$H$12' -> (11, 7): zero-based row and column."""
    m = re.match(r"^\$?([A-Z]+)\$?(\d+)$", ref)
    check(m, "not a cell reference: %r" % ref)
    return int(m.group(2)) - 1, _col(m.group(1))


def _resolve(base, target):
    """A relationship target relative to the part `base` (a zip entry name)."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts = base.split("/")[:-1]
    for seg in target.split("/"):
        if seg == "..":
            parts.pop()
        elif seg != ".":
            parts.append(seg)
    return "/".join(parts)


def _rels(z, part):
    """{rId: (type, zip entry)} of a part's relationships."""
    d, f = os.path.split(part)
    rp = (d + "/" if d else "") + "_rels/" + f + ".rels"
    if rp not in z.namelist():
        return {}
    root = ET.fromstring(z.read(rp))
    return {r.get("Id"): (r.get("Type").rsplit("/", 1)[-1], _resolve(part, r.get("Target")))
            for r in root.iter(PKG_REL + "Relationship")}


class Cell:
    def __init__(self, kind, value, formula, style):
        self.kind, self.value, self.formula, self.style = kind, value, formula, style

    def __repr__(self):
        return "Cell(%s %r%s)" % (self.kind, self.value, " =" + self.formula if self.formula is not None else "")


class Sheet:
    def __init__(self, name, part, xml, cells):
        self.name, self.part, self.xml, self.cells = name, part, xml, cells
        self.root = ET.fromstring(xml)

    def text(self, r, c):
        x = self.cells.get((r, c))
        return x.value if x else ""

    def rows(self):
        """Rows as lists of cell text (a formula: its cached value)."""
        if not self.cells:
            return []
        nr = max(r for r, _ in self.cells) + 1
        out = []
        for r in range(nr):
            cs = [c for rr, c in self.cells if rr == r]
            out.append([self.text(r, c) for c in range(max(cs) + 1)] if cs else [])
        return out


class Book:
    """资金台账.xlsx: its sheets in workbook order with every cell (kind, text, formula, style)."""

    def __init__(self, path, only=None):
        """only: the names of the sheets to read (None: all)."""
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.names = set(z.namelist())
            if only is None:
                bad = z.testzip()
                check(bad is None, "corrupt zip entry %r" % bad)
            self.workbook = z.read("xl/workbook.xml").decode("utf-8")
            self.styles = ET.fromstring(z.read("xl/styles.xml"))
            wrels = _rels(z, "xl/workbook.xml")
            shared = []
            if "xl/sharedStrings.xml" in self.names:
                for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(M + "si"):
                    shared.append(_text(si))
            self.shared = shared
            self.sheets = {}
            self.order = []
            for sh in ET.fromstring(self.workbook).iter(M + "sheet"):
                if only is not None and sh.get("name") not in only:
                    continue
                part = wrels[sh.get(R_ID)][1]
                xml = z.read(part)
                self.sheets[sh.get("name")] = Sheet(sh.get("name"), part, xml, self._cells(xml))
                self.order.append(sh.get("name"))
            self.rels = {name: _rels(z, s.part) for name, s in self.sheets.items()}
            self.z_parts = {n: z.read(n) for n in self.names if n.startswith("xl/drawings/") or
                            n.startswith("xl/charts/")}

    def _cells(self, xml):
        cells = {}
        for c in ET.fromstring(xml).iter(M + "c"):
            kind = c.get("t", "n")
            v = c.find(M + "v")
            f = c.find(M + "f")
            if kind == "s":
                val = self.shared[int(v.text)]
            elif kind == "inlineStr":
                val = _text(c.find(M + "is"))
            else:
                val = v.text or "" if v is not None else ""
            cells[_ref(c.get("r"))] = Cell(kind, val, (f.text or "") if f is not None else None,
                                           int(c.get("s", "0")))
        return cells

    def numfmt(self, style):
        """The number format code of a cell style index."""
        xfs = list(self.styles.find(M + "cellXfs"))
        fid = int(xfs[style].get("numFmtId", "0"))
        builtin = {0: "General", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 14: "yyyy-mm-dd", 49: "@"}
        for nf in self.styles.iter(M + "numFmt"):
            if int(nf.get("numFmtId")) == fid:
                return nf.get("formatCode")
        return builtin.get(fid, "builtin %d" % fid)


def header_row(sheet, *keys):
    """(row index, {header text: column}) of the first row holding every key as a cell."""
    for r, row in enumerate(sheet.rows()):
        if all(k in row for k in keys):
            return r, {h: c for c, h in enumerate(row) if h}
    check(False, "%s: no header row with %r in %r" % (sheet.name, keys, sheet.rows()[:5]))


def column(head, sheet, *words):
    """The one column whose header contains one of `words` (tried in order)."""
    for w in words:
        cols = [c for h, c in head.items() if w in h]
        if len(cols) == 1:
            return cols[0]
        if len(cols) > 1:
            exact = [c for h, c in head.items() if h == w]
            if len(exact) == 1:
                return exact[0]
    check(False, "%s: no single column for %r in %r" % (sheet.name, words, sorted(head, key=head.get)))


def fen(text):
    """A number cell's text in 分 (exact: the text of <v> as a decimal)."""
    check(re.match(r"^-?\d+(\.\d+)?(E[+-]?\d+)?$", text or "", re.I), "not a number: %r" % text)
    d = Decimal(text) * 100
    check(d == d.to_integral_value(), "not exact to the 分: %r" % text)
    return int(d)


# -- formulas: a small evaluator for what totals are made of --------------------------

class Formula:
    """Evaluates a cell's formula from the sheet's own cells (recursively; a plain number cell is
    its value): + - * /, parentheses, numbers, cell references and ranges (also 'Sheet'!A1),
    SUM, SUBTOTAL(9|109, …) and SUMIF(range, "text"|cell, sum_range).  Values in 分 (Decimal)."""

    TOK = re.compile(r"\s*(?:(?P<str>\"(?:[^\"]|\"\")*\")|(?P<sheet>'(?:[^']|'')+'!|[^\W\d][\w.]*!)"
                     r"|(?P<ref>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)|(?P<num>\d+(?:\.\d+)?)"
                     r"|(?P<fn>[A-Z][A-Z0-9.]*)\(|(?P<op>[-+*/(),]))")

    def __init__(self, book, sheet):
        self.book, self.sheet = book, sheet

    def value(self, sheet, r, c, depth=0):
        check(depth < 50, "formula references too deep (a cycle?) at %s!%d,%d" % (sheet.name, r, c))
        x = sheet.cells.get((r, c))
        if x is None or x.kind in ("s", "inlineStr", "str") and x.formula is None:
            return None if x is None else x.value
        if x.formula is not None:
            return self.eval(x.formula, sheet, depth + 1)
        return Decimal(fen(x.value))

    def eval(self, text, sheet, depth=0):
        toks = []
        pos = 0
        text = text.lstrip("=")
        while pos < len(text.rstrip()):
            m = self.TOK.match(text, pos)
            check(m, "formula %r: cannot read at %r" % (text, text[pos:pos + 10]))
            toks.append((m.lastgroup, m.group(m.lastgroup)))
            pos = m.end()
        self.toks, self.i, self.depth = toks, 0, depth
        v = self._expr(sheet)
        check(self.i == len(toks), "formula %r: trailing %r" % (text, toks[self.i:]))
        return v

    def _peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def _take(self, want=None):
        t = self._peek()
        check(t[0] is not None and (want is None or t[1] == want), "formula: expected %r, got %r" % (want, t))
        self.i += 1
        return t

    def _expr(self, sheet):
        v = self._term(sheet)
        while self._peek()[1] in ("+", "-"):
            op = self._take()[1]
            w = self._term(sheet)
            v = v + w if op == "+" else v - w
        return v

    def _term(self, sheet):
        v = self._atom(sheet)
        while self._peek()[1] in ("*", "/"):
            op = self._take()[1]
            w = self._atom(sheet)
            v = v * w / 100 if op == "*" else v / w * 100
        return v

    def _cells(self, sheet, ref):
        a, _, b = ref.partition(":")
        r0, c0 = _ref(a)
        r1, c1 = _ref(b) if b else (r0, c0)
        return [(sheet, r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]

    def _refcells(self, sheet):
        """Takes [sheet!]ref: its cells."""
        kind, tok = self._take()
        if kind == "sheet":
            name = tok[:-1]
            if name.startswith("'"):
                name = name[1:-1].replace("''", "'")
            check(name in self.book.sheets, "formula names an unknown sheet %r" % name)
            sheet = self.book.sheets[name]
            kind, tok = self._take()
        check(kind == "ref", "formula: a reference expected, got %r" % tok)
        return self._cells(sheet, tok)

    def _arg(self, sheet):
        """A function argument: a list of cells (a reference) or a value."""
        kind, tok = self._peek()
        if kind in ("sheet", "ref"):
            j = self.i + (2 if kind == "sheet" else 1)
            if j >= len(self.toks) or self.toks[j][1] in (",", ")"):
                return self._refcells(sheet)
        if kind == "str":
            self._take()
            return tok[1:-1].replace('""', '"')
        return self._expr(sheet)

    def _num(self, cells):
        tot = Decimal(0)
        for s, r, c in cells:
            v = self._saved(lambda: self.value(s, r, c, self.depth + 1))
            if isinstance(v, Decimal):
                tot += v
        return tot

    def _saved(self, fn):
        st = (self.toks, self.i, self.depth)
        try:
            return fn()
        finally:
            self.toks, self.i, self.depth = st

    def _atom(self, sheet):
        kind, tok = self._take()
        if tok == "-":
            return -self._atom(sheet)
        if tok == "(":
            v = self._expr(sheet)
            self._take(")")
            return v
        if kind == "num":
            return Decimal(tok) * 100
        if kind in ("sheet", "ref"):
            self.i -= 1
            a = self._refcells(sheet)
            check(len(a) == 1, "a range where a value is wanted: %r" % tok)
            return self._num(a)
        if kind == "fn":
            args = []
            while self._peek()[1] != ")":
                args.append(self._arg(sheet))
                if self._peek()[1] == ",":
                    self._take()
            self._take(")")
            if tok == "SUM":
                return sum((self._num(a) if isinstance(a, list) else a for a in args), Decimal(0))
            if tok == "SUBTOTAL":
                check(args and args[0] in (Decimal(900), Decimal(10900)), "SUBTOTAL other than 9: %r" % args[:1])
                return sum((self._num(a) for a in args[1:]), Decimal(0))
            if tok == "SUMIF":
                check(len(args) == 3 and isinstance(args[0], list) and isinstance(args[2], list),
                      "SUMIF with %d arguments" % len(args))
                crit = args[1]
                if isinstance(crit, list):
                    crit = self._saved(lambda: self.value(*crit[0], self.depth + 1))
                tot = Decimal(0)
                for (s, r, c), (s2, r2, c2) in zip(args[0], args[2]):
                    if self._saved(lambda: self.value(s, r, c, self.depth + 1)) == crit:
                        tot += self._num([(s2, r2, c2)])
                return tot
            if tok == "COUNTA":
                n = 0
                for a in args:
                    for s, r, c in a:
                        x = s.cells.get((r, c))
                        n += x is not None and (x.value != "" or x.formula is not None)
                return Decimal(n * 100)
            if tok == "COUNTIF":
                check(len(args) == 2 and isinstance(args[0], list) and isinstance(args[1], str),
                      "COUNTIF with %r" % (args,))
                crit = args[1]
                n = 0
                for s, r, c in args[0]:
                    v = self._saved(lambda: self.value(s, r, c, self.depth + 1))
                    v = "" if v is None else v
                    n += (v != crit[2:]) if crit.startswith("<>") else (v == crit.lstrip("="))
                return Decimal(n * 100)
            check(False, "formula uses %s(), which this test cannot evaluate" % tok)
        check(False, "formula: unexpected %r" % tok)


def check_formulas(book, name):
    """Every formula cell of sheet `name` has a cached value equal to the formula's value from
    the cells it names; returns {(row, col): value in 分} of the formula cells."""
    sh = book.sheets[name]
    ev = Formula(book, sh)
    got = {}
    for (r, c), x in sorted(sh.cells.items()):
        if x.formula is None:
            continue
        check(x.kind not in ("s", "inlineStr"), "%s!%d,%d: a formula with a string type %r" % (name, r, c, x))
        want = ev.eval(x.formula, sh)
        check(x.value != "", "%s: formula =%s has no cached value" % (name, x.formula))
        if "%" in book.numfmt(x.style):
            # a rate: a double, never money
            check(abs(Decimal(x.value) * 100 - want) <= abs(want) * Decimal("1e-12"),
                  "%s: =%s caches %s, the cells give %s" % (name, x.formula, x.value, want / 100))
            continue
        check(fen(x.value) == want, "%s: =%s caches %s, the cells give %s" % (name, x.formula, x.value, want / 100))
        got[(r, c)] = int(want)
    return got


# -- running ---------------------------------------------------------------------

class Ledger:
    """One run of `xhgen ledger`: the process, the workbook, the exception lines."""

    def __init__(self, ctx, ydir, out, timeout=None, year=None):
        self.p = ctx.xh("ledger", ydir, "-o", out, timeout=timeout)
        check(self.p.returncode == 0, "ledger exit %d: %s" % (self.p.returncode, self.p.err[:800]))
        self.path = os.path.join(out, year, "ledger", "资金台账.xlsx") if year else os.path.join(out, BOOK)
        check(os.path.isfile(self.path), "no %s; OUT has %r" % (self.path, listing(out)))
        self.out = out

    def book(self):
        b = Book(self.path)
        check(b.order == SHEETS, "sheets %r, want %r" % (b.order, SHEETS))
        return b

    def exceptions(self):
        """{(file, row): line} of the stdout lines naming a record file's row; a row named twice fails."""
        got = {}
        for line in self.p.out.splitlines():
            m = re.search(r"(?:^|[/\\])(expenditures|disbursements)\.(?:csv|xlsx|xml):(\d+)(?: \(line \d+\))?:",
                          line)
            if m:
                k = (m.group(1), int(m.group(2)))
                check(k not in got, "%s:%d reported twice:\n%s" % (k[0], k[1], self.p.out[:2000]))
                got[k] = line
        return got


def copy_fixture(d, drop=()):
    y = os.path.join(d, "year")
    shutil.rmtree(y, ignore_errors=True)
    shutil.copytree(FIXTURE, y)
    for f in drop:
        os.remove(os.path.join(y, f))
    return y


def write_csv(path, header, rows):
    """A UTF-8 CSV with BOM, CRLF, quoted where needed (rows are lists of text)."""
    b = io.StringIO()
    w = csv.writer(b, lineterminator="\r\n")
    w.writerow(header.split(","))
    for r in rows:
        w.writerow(r)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write(b.getvalue())


def add_expenses(y, rows):
    """Appends rows (lists) to the year's expenditures.csv; returns their spreadsheet rows."""
    path = os.path.join(y, "expenditures.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        old = list(csv.reader(f))
    write_csv(path, ",".join(old[0]), old[1:] + rows)
    return list(range(len(old) + 1, len(old) + 1 + len(rows)))


def expense_rows(book):
    """(header map, {voucher: row index}, 合规 column) of the 支出 sheet."""
    sh = book.sheets["支出"]
    hr, head = header_row(sh, "合规")
    cv = column(head, sh, "凭证号", "凭证")
    rows = {}
    for r in range(hr + 1, max(r for r, _ in sh.cells) + 1):
        v = sh.text(r, cv)
        if v:
            check(v not in rows, "支出: voucher %s on two rows" % v)
            rows[v] = r
    return head, rows, head["合规"]


# -- the fixture: every rule broken once -----------------------------------------------

@test
def t_ledger_fixture_passes_check(ctx, d):
    p = ctx.xh("check", FIXTURE)
    check(p.returncode == 0 and "no problems found" in p.out,
          "the fixture does not pass check: exit %d %s %s" % (p.returncode, p.out[-300:], p.err[:600]))
    for f in ("decisions.csv", "disbursements.csv", "expenditures.csv"):
        check(re.search(re.escape(f) + r": \d+ rows", p.out), "check did not read %s: %r" % (f, p.out[-600:]))


@test
def t_ledger_allocations(ctx, d):
    lg = Ledger(ctx, FIXTURE, os.path.join(d, "out"))
    b = lg.book()
    sh = b.sheets["资金分配"]
    hr, head = header_row(sh, "申报编号")
    cid = head["申报编号"]
    ccls = column(head, sh, "类别")
    creq = column(head, sh, "申请")
    capp = column(head, sh, "核定", "批准")
    cdis = column(head, sh, "拨付")
    cspent = column(head, sh, "支出")
    cbal = column(head, sh, "结余")
    for h in ("学会", "项目"):
        column(head, sh, h)
    rows = [r for r in range(hr + 1, max(r for r, _ in sh.cells) + 1) if re.match(r"^A\d\d$", sh.text(r, cid))]
    ids = [sh.text(r, cid) for r in rows]
    check(ids == [a[0] for a in ALLOC], "资金分配 lists %r, want %r (A14 was not approved)" % (ids, [a[0] for a in ALLOC]))
    for r, (aid, cls, req, appr, dis, spent) in zip(rows, ALLOC):
        check(sh.text(r, ccls) == cls, "%s class %r" % (aid, sh.text(r, ccls)))
        for c, want, what in [(creq, req, "申请"), (capp, appr, "核定"), (cdis, dis, "已拨付"),
                              (cspent, spent, "已支出"), (cbal, dis - spent, "结余 (已拨付 − 已支出)")]:
            x = sh.cells.get((r, c))
            check(x is not None and x.kind in ("n", "str") and x.kind != "s",
                  "%s %s: not a number cell: %r" % (aid, what, x))
            got = Formula(b, sh).value(sh, r, c)
            check(got == want, "%s %s: %s, want %s" % (aid, what, got / 100, want / 100))
            check(b.numfmt(x.style) == "#,##0.00", "%s %s: number format %r" % (aid, what, b.numfmt(x.style)))
    # the totals: formulas whose cached values are the exact sums
    vals = check_formulas(b, "资金分配")
    check(vals, "资金分配: no formulas (totals must be formulas)")
    by_col = {}
    for (r, c), v in vals.items():
        by_col.setdefault(c, set()).add(v)
    a_cls = [a for a in ALLOC if a[1] == "A"]
    b_cls = [a for a in ALLOC if a[1] == "B"]
    for c, idx, what in [(capp, 3, "核定"), (cdis, 4, "已拨付"), (cspent, 5, "已支出")]:
        tot = sum(a[idx] for a in ALLOC)
        check(tot in by_col.get(c, ()), "资金分配 %s: no total formula of %s (formulas there: %r)"
              % (what, tot / 100, sorted(by_col.get(c, ()))))
        for part, name in [(a_cls, "A"), (b_cls, "B")]:
            sub = sum(a[idx] for a in part)
            check(sub in by_col.get(c, ()), "资金分配 %s: no class %s total of %s (formulas: %r)"
                  % (what, name, sub / 100, sorted(by_col.get(c, ()))))
    bal = sum(a[4] - a[5] for a in ALLOC)
    check(bal in by_col.get(cbal, ()), "资金分配 结余: no total of %s (%r)" % (bal / 100, sorted(by_col.get(cbal, ()))))
    # the budget and what is left of it
    approved = sum(a[3] for a in ALLOC)
    nums = set()
    for (r, c), x in sh.cells.items():
        if x.kind == "n" and x.value:
            nums.add(fen(x.value))
    check(BUDGET in nums, "资金分配: the budget 2,000,000.00 is not there")
    check(BUDGET - approved in nums, "资金分配: what is left of the budget (%s) is not there" % ((BUDGET - approved) / 100))


@test
def t_ledger_spending_rules(ctx, d):
    lg = Ledger(ctx, FIXTURE, os.path.join(d, "out"))
    b = lg.book()
    head, rows, cok = expense_rows(b)
    sh = b.sheets["支出"]
    check(sorted(rows) == sorted(EXPENSES), "支出 vouchers %r" % sorted(rows))
    for col in ("申报编号", "经费类别", "金额", "摘要"):
        column(head, sh, col)
    camt = column(head, sh, "金额")
    per_rule = {}
    for v, (_, want) in EXPENSES.items():
        got = sh.text(rows[v], cok)
        check(got == want, "支出 %s 合规 %r, want %r" % (v, got, want))
        per_rule.setdefault(re.sub(r"[\d,.]+元$", "", got), []).append(v)
        x = sh.cells[(rows[v], camt)]
        check(x.kind == "n" and b.numfmt(x.style) == "#,##0.00", "支出 %s 金额 %r, format %r"
              % (v, x, b.numfmt(x.style)))
    for rule, vs in per_rule.items():
        if rule == "OK":
            continue
        check(len(vs) == (2 if rule == OVER else 1), "rule %s on %r" % (rule, vs))
    check(len(per_rule) == 7, "not every rule is hit: %r" % sorted(per_rule))
    # the payments
    sh = b.sheets["拨付"]
    hr, head = header_row(sh, "核查")
    cv = column(head, sh, "到账凭据编号", "凭据")
    ck = head["核查"]
    got = {sh.text(r, cv): sh.text(r, ck) for r in range(hr + 1, max(r for r, _ in sh.cells) + 1) if sh.text(r, cv)}
    check(sorted(got) == sorted(PAYMENTS), "拨付 vouchers %r" % sorted(got))
    for v, (_, want) in PAYMENTS.items():
        check(got[v] == want, "拨付 %s 核查 %r, want %r" % (v, got[v], want))


@test
def t_ledger_exceptions_on_stdout(ctx, d):
    lg = Ledger(ctx, FIXTURE, os.path.join(d, "out"))
    exc = lg.exceptions()
    want = {("expenditures", row): why for row, why in EXPENSES.values() if why != "OK"}
    want.update({("disbursements", row): why for row, why in PAYMENTS.values() if why != "OK"})
    check(sorted(exc) == sorted(want), "exception lines for %r, want %r; stdout:\n%s"
          % (sorted(exc), sorted(want), lg.p.out[:2000]))
    for k, why in want.items():
        check(why in exc[k], "%s.csv:%d: the line does not give the reason %r: %r" % (k[0], k[1], why, exc[k]))
    check(os.path.join(FIXTURE, "expenditures.csv") + ":4:" in lg.p.out,
          "the file is not named as given: %r" % lg.p.out[:400])


@test
def t_ledger_by_category(ctx, d):
    b = Ledger(ctx, FIXTURE, os.path.join(d, "out")).book()
    sh = b.sheets["分类汇总"]
    hr, head = header_row(sh, "经费类别")
    ccat = head["经费类别"]
    cbud = column(head, sh, "预算")
    cspent = column(head, sh, "已支出", "支出")
    cid = head.get("申报编号")
    got = {}
    aid = None
    for r in range(hr + 1, max(r for r, _ in sh.cells) + 1):
        # the project: the 申报编号 column, or (merged cells) the last one given above
        if cid is not None and re.match(r"^A\d\d$", sh.text(r, cid)):
            aid = sh.text(r, cid)
        cat = sh.text(r, ccat)
        if aid and cat and (sh.cells.get((r, cbud)) or sh.cells.get((r, cspent))):
            ev = Formula(b, sh)
            vb, vs = ev.value(sh, r, cbud), ev.value(sh, r, cspent)
            got[(aid, cat)] = (int(vb) if isinstance(vb, Decimal) else 0, int(vs) if isinstance(vs, Decimal) else 0)
    check(cid is not None, "分类汇总 has no 申报编号 column: %r" % sorted(head))
    check(got == BY_CATEGORY, "分类汇总 %r, want %r" % (sorted(got.items()), sorted(BY_CATEGORY.items())))
    check_formulas(b, "分类汇总")


@test
def t_ledger_workbook_layout(ctx, d):
    lg = Ledger(ctx, FIXTURE, os.path.join(d, "out"))
    b = lg.book()
    # every sheet: A4 landscape, the year and issuer in the page header
    for i, name in enumerate(SHEETS):
        root = b.sheets[name].root
        ps = root.find(M + "pageSetup")
        check(ps is not None and ps.get("paperSize") == "9" and ps.get("orientation") == "landscape",
              "%s: not A4 landscape: %r" % (name, ps.attrib if ps is not None else None))
        hf = root.find(M + "headerFooter/" + M + "oddHeader")
        check(hf is not None and "2026" in (hf.text or "") and "威海市科学技术协会" in (hf.text or ""),
              "%s: page header %r lacks the year and issuer" % (name, hf.text if hf is not None else None))
        if name == "概览":
            continue
        pane = root.find(M + "sheetViews/" + M + "sheetView/" + M + "pane")
        check(pane is not None and pane.get("state") == "frozen" and pane.get("ySplit"),
              "%s: no frozen header: %r" % (name, pane.attrib if pane is not None else None))
        check(root.find(M + "autoFilter") is not None, "%s: no autofilter" % name)
        check(re.search(r'<definedName name="_xlnm.Print_Titles" localSheetId="%d">[^<]*\$\d+:\$\d+<' % i,
                        b.workbook), "%s: no repeated header row (Print_Titles)" % name)
        cols = root.find(M + "cols")
        check(cols is not None and any(c.get("customWidth") == "1" for c in cols), "%s: no column widths" % name)
    # 支出: flagged rows stand out
    xml = b.sheets["支出"].xml.decode("utf-8")
    check("<conditionalFormatting" in xml and "<cfRule" in xml, "支出: no conditional formatting")
    # data validation lists: the categories and the classes
    lists = []
    for name in SHEETS:
        for dv in b.sheets[name].root.iter(M + "dataValidation"):
            if dv.get("type") == "list":
                f1 = dv.find(M + "formula1")
                lists.append((name, dv.get("sqref"), f1.text if f1 is not None else ""))
    check(lists, "no data validation lists")

    def items(f):
        f = f or ""
        if f.startswith('"'):
            return set(f.strip('"').split(","))
        m = re.match(r"^(?:'?([^'!]+)'?!)?(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$", f)
        if not m:
            return set()
        sh = b.sheets.get(m.group(1)) if m.group(1) else None
        check(sh is not None or not m.group(1), "validation names unknown sheet %r" % m.group(1))
        a, _, z = m.group(2).partition(":")
        (r0, c0), (r1, c1) = _ref(a), _ref(z or a)
        return {sh.text(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} if sh else set()
    cat_lists = [l for l in lists if items(l[2]) == set(CATEGORIES)]
    cls_lists = [l for l in lists if items(l[2]) == set(CLASSES)]
    check(any(l[0] == "支出" for l in cat_lists), "支出: no list of the allowed categories: %r" % lists)
    check(cls_lists, "no list of the classes: %r" % lists)
    # the category list covers the 经费类别 column of 支出
    head, rows, _ = expense_rows(b)
    ccat = head["经费类别"]
    letter = ""
    n = ccat + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letter = chr(65 + rem) + letter
    check(any(re.search(r"\b%s\d+" % letter, l[1]) for l in cat_lists if l[0] == "支出"),
          "支出: the category list is not on column %s: %r" % (letter, cat_lists))
    # money in #,##0.00
    check(any(b.numfmt(i) == "#,##0.00" for i in range(len(list(b.styles.find(M + "cellXfs"))))),
          "no #,##0.00 format")
    # 概览: two charts, linked from the sheet through its drawing
    charts = sorted(n for n in b.names if re.match(r"^xl/charts/chart\d+\.xml$", n))
    check(len(charts) == 2, "charts %r" % charts)
    dr = b.sheets["概览"].root.find(M + "drawing")
    check(dr is not None, "概览 has no <drawing>")
    kind, part = b.rels["概览"].get(dr.get(R_ID), (None, None))
    check(kind == "drawing" and part in b.names, "概览's drawing relationship: %r" % ((kind, part),))
    with zipfile.ZipFile(b.path) as z:
        linked = sorted(p for k, p in _rels(z, part).values() if k == "chart")
    check(linked == charts, "the drawing links %r, the package has %r" % (linked, charts))
    for other in SHEETS[:-1]:
        check(b.sheets[other].root.find(M + "drawing") is None or other == "概览",
              "%s has a drawing too" % other)
    # the overview gives the year's figures, as formulas over the other sheets
    check_formulas(b, "概览")
    view = b.sheets["概览"]
    approved = sum(a[3] for a in ALLOC)
    for label, want in [("项目数", 400), ("年度经费总额", BUDGET), ("核定合计", approved),
                        ("剩余", BUDGET - approved),
                        ("已拨付", sum(a[4] for a in ALLOC) + 2000000),     # with A14's flagged payment
                        ("已支出", sum(a[5] for a in ALLOC) + 200000),      # with A14's flagged expense
                        ("结余", sum(a[4] - a[5] for a in ALLOC) + 1800000),
                        ("例外", 1000)]:
        rows = [r for (r, c), x in view.cells.items() if c == 0 and x.value.startswith(label)]
        check(rows, "概览: no row %r: %r" % (label, view.rows()[:20]))
        nums = [x for (r, c), x in sorted(view.cells.items()) if r == rows[0] and x.kind == "n" and x.value]
        check(nums and fen(nums[0].value) == want, "概览 %s: %r, want %s" % (label, nums[:1], want / 100))


@test
def t_ledger_deterministic(ctx, d):
    a = Ledger(ctx, FIXTURE, os.path.join(d, "a"))
    b = Ledger(ctx, FIXTURE, os.path.join(d, "b"))
    check(open(a.path, "rb").read() == open(b.path, "rb").read(), "资金台账.xlsx differs between two runs")
    check(a.p.out.replace(os.path.join(d, "a"), "") == b.p.out.replace(os.path.join(d, "b"), ""),
          "stdout differs between two runs")
    check(listing(os.path.join(d, "a")) == [BOOK], "OUT has %r" % listing(os.path.join(d, "a")))


@test
def t_ledger_without_decisions(ctx, d):
    # no decisions.csv: the review's proposed list (A01 40000, A12 at the class cap 50000) stands
    y = copy_fixture(d, drop=["decisions.csv"])
    lg = Ledger(ctx, y, os.path.join(d, "out"))
    b = lg.book()
    sh = b.sheets["资金分配"]
    hr, head = header_row(sh, "申报编号")
    cid, capp = head["申报编号"], column(head, sh, "核定", "批准")
    got = [(sh.text(r, cid), int(Formula(b, sh).value(sh, r, capp)))
           for r in range(hr + 1, max(r for r, _ in sh.cells) + 1) if re.match(r"^A\d\d$", sh.text(r, cid))]
    check(got == [("A01", 4000000), ("A12", 5000000)], "资金分配 %r" % got)
    vals = set(check_formulas(b, "资金分配").values())
    check(9000000 in vals, "no total of 90,000.00 among the formulas: %r" % sorted(vals))
    _, rows, cok = expense_rows(b)
    for v in ("记-009", "记-010", "记-011", "记-012", "记-013"):
        check(b.sheets["支出"].text(rows[v], cok) == "项目未获批准", "%s: %r" % (v, b.sheets["支出"].text(rows[v], cok)))
    exc = lg.exceptions()
    for row in (4, 5, 6):
        check(("disbursements", row) in exc and "项目未获批准，不应拨付" in exc[("disbursements", row)],
              "disbursements.csv:%d not reported unapproved: %r" % (row, exc.get(("disbursements", row))))
    check(("expenditures", 2) not in exc and ("disbursements", 2) not in exc, "a clean row reported: %r" % exc)


@test
def t_ledger_invalid_records(ctx, d):
    # invalid records are errors (exit 1, nothing written), not findings
    y = copy_fixture(d)
    add_expenses(y, [["A01", "2026-08-01", "学术交流", "五万", "会务费", "记-900"]])
    out = os.path.join(d, "out")
    p = ctx.xh("ledger", y, "-o", out)
    check(p.returncode == 1, "exit %d: %s" % (p.returncode, p.err[:400]))
    check("expenditures.csv:15: amount" in p.err, "the bad value is not reported: %r" % p.err[:600])
    check(not listing(out), "written under OUT: %r" % listing(out))


def _serial(v):
    """An XLSX date cell's serial number (or a date as text) -> datetime.date."""
    import datetime
    if re.match(r"^\d+(\.\d+)?$", v):
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(v)))
    return datetime.date(*map(int, re.findall(r"\d+", v)[:3]))


@test
def t_ledger_sample_year(ctx, d):
    # input/ (tests/fixtures/mkyear.py): which rows break which rule, worked out from the
    # records and the review's oracle, against the rows the ledger reports
    from test_review import sample_year_oracle, xlsx_sheets, _fen
    inp = os.path.join(ROOT, "input")
    _, sel, prop, year = sample_year_oracle(inp)
    apps = {}
    with open(os.path.join(inp, "applications.csv"), encoding="gb18030", newline="") as f:
        for r in csv.DictReader(f):
            apps[r["申报编号"]] = (_serial(r["开始日期"]), _serial(r["结束日期"]))
    prog = ET.parse(os.path.join(inp, "programme.xml")).getroot()
    cats = [c.text for c in prog.iter("category")]
    forbidden = [p.text for p in prog.iter("pattern")]
    budgeted = {}
    rows = list(xlsx_sheets(os.path.join(inp, "budget_lines.xlsx")).values())[0]
    for r in rows[1:]:
        budgeted.setdefault(r[0], set()).add(r[1])
    want = {}
    paid, npay = {}, {}
    rows = list(xlsx_sheets(os.path.join(inp, "disbursements.xlsx")).values())[0]
    order = sorted(range(1, len(rows)), key=lambda i: (rows[i][0], _serial(rows[i][1]), i))
    for i in order:
        aid, amount = rows[i][0], _fen(rows[i][2])
        if aid not in prop:
            want[("disbursements", i + 1)] = "未获批准"
            continue
        npay[aid] = npay.get(aid, 0) + 1
        paid[aid] = paid.get(aid, 0) + amount
        if npay[aid] > 1:
            want[("disbursements", i + 1)] = "重复拨付"
        elif paid[aid] > prop[aid]:
            want[("disbursements", i + 1)] = "超过核定金额"
    with open(os.path.join(inp, "expenditures.csv"), encoding="utf-8-sig", newline="") as f:
        exp = list(csv.DictReader(f))
    spent = {}
    for i in sorted(range(len(exp)), key=lambda i: (exp[i]["申报编号"], _serial(exp[i]["支出日期"]), i)):
        e, row = exp[i], i + 2
        aid, cat, day = e["申报编号"], e["经费类别"], _serial(e["支出日期"])
        why = []
        if any(re.search(p, "%s %s" % (cat, e["摘要"])) for p in forbidden):
            why.append("禁止性支出")
        if cat not in cats:
            why.append("不在允许范围")
        if aid not in prop:
            why.append("项目未获批准")
        else:
            if cat in cats and cat not in budgeted.get(aid, set()):
                why.append("不在项目预算中")
            if not apps[aid][0] <= day <= apps[aid][1]:
                why.append("不在项目实施周期内")
            spent[aid] = spent.get(aid, 0) + _fen(e["金额"])
            if spent[aid] > paid.get(aid, 0):
                why.append("累计支出超过已拨付金额")
        if why:
            want[("expenditures", row)] = why
    kinds = ["禁止性支出", "不在允许范围", "项目未获批准", "不在项目预算中", "不在项目实施周期内",
             "累计支出超过已拨付金额"]
    for k in kinds:
        check(any(k in w for w in want.values()), "the sample year plants no expense that is %s" % k)
    for k in ("重复拨付", "超过核定金额"):
        check(k in want.values(), "the sample year plants no payment that is %s" % k)
    lg = Ledger(ctx, inp, os.path.join(d, "out"), year=str(year))
    got = lg.exceptions()
    check(sorted(got) == sorted(want), "reported rows %r, the records say %r" % (sorted(got), sorted(want)))
    for k, w in want.items():
        for part in ([w] if isinstance(w, str) else w):
            check(part in got.get(k, ""), "%s:%d: %r does not say %s" % (k[0], k[1], got.get(k), part))
    b = lg.book()
    for name in ("资金分配", "分类汇总"):
        check_formulas(b, name)
    _, vouchers, _ = expense_rows(b)
    check(len(vouchers) == len(exp), "支出 has %d vouchers, expenditures.csv %d rows" % (len(vouchers), len(exp)))
    check(sorted(vouchers) == sorted(e["凭证号"] for e in exp), "支出 vouchers differ from expenditures.csv")


# -- hostile descriptions ------------------------------------------------------------

@test
def t_ledger_formula_starts_stay_text(ctx, d):
    y = copy_fixture(d)
    texts = ["=SUM(A1:A9)", "+8613806310001", "-100元 会务费", "@会务组", "=1+1", "=HYPERLINK(\"http://x\")"]
    add_expenses(y, [["A12", "2026-08-%02d" % (i + 1), "学术交流", "10", t, "记-H%02d" % i] for i, t in enumerate(texts)])
    lg = Ledger(ctx, y, os.path.join(d, "out"))
    b = lg.book()
    head, rows, cok = expense_rows(b)
    sh = b.sheets["支出"]
    cdesc = column(head, sh, "摘要")
    for i, t in enumerate(texts):
        r = rows["记-H%02d" % i]
        x = sh.cells.get((r, cdesc))
        check(x is not None and x.kind in ("s", "inlineStr") and x.formula is None,
              "摘要 %r written as %r" % (t, x))
        check(x.value == t, "摘要 %r read back as %r" % (t, x.value))
        check(sh.text(r, cok) == "OK", "%r: 合规 %r" % (t, sh.text(r, cok)))
    formulas = [(k, x.formula) for k, x in sh.cells.items() if x.formula is not None and k[0] in rows.values()]
    check(not formulas, "支出 data rows hold formulas: %r" % formulas[:5])


@test
def t_ledger_long_description(ctx, d):
    # 40,000 characters (Chinese: 120,000 bytes of UTF-8) against Excel's 32,767 per cell
    y = copy_fixture(d)
    long_text = ("学术交流会会务费" * 5000)[:39999] + "尾"
    check(len(long_text) == 40000, "test data")
    add_expenses(y, [["A12", "2026-08-01", "学术交流", "10", long_text, "记-L01"],
                     ["A12", "2026-08-02", "学术交流", "10", "x" * 40000, "记-L02"]])
    lg = Ledger(ctx, y, os.path.join(d, "out"))
    b = lg.book()
    head, rows, cok = expense_rows(b)
    sh = b.sheets["支出"]
    cdesc = column(head, sh, "摘要")
    for v, src in (("记-L01", long_text), ("记-L02", "x" * 40000)):
        x = sh.cells.get((rows[v], cdesc))
        check(x is not None and x.kind in ("s", "inlineStr"), "%s: 摘要 cell %r" % (v, x and x.kind))
        n16 = len(x.value.encode("utf-16-le")) // 2
        check(0 < n16 <= 32767, "%s: 摘要 of %d characters (UTF-16 units %d), more than 32,767"
              % (v, len(x.value), n16))
        keep = 0
        while keep < len(x.value) and x.value[keep] == src[keep]:
            keep += 1
        # cut where the limit is (a marker such as …（已截断） may follow), not at 32,767 bytes
        check(32767 - 20 <= keep < 40000, "%s: keeps %d characters of the text, then %r"
              % (v, keep, x.value[keep:keep + 20]))
        check(sh.text(rows[v], cok) == "OK", "%s: 合规 %r" % (v, sh.text(rows[v], cok)))


@test
def t_ledger_control_characters(ctx, d):
    # SCHEMA.md's text takes anything; XML 1.0 cannot hold U+0007 or U+001B.  libxlsxwriter
    # writes them escaped (_x0007_), which Excel and LibreOffice read back as the character:
    # the workbook stays well-formed, the text is kept, and LibreOffice opens it.
    y = copy_fixture(d)
    texts = ["会务费\x07铃", "印刷\x1b[31m费", "专家\x0b咨询费", "场地_x0041_租金"]
    add_expenses(y, [["A12", "2026-08-%02d" % (i + 1), "学术交流", "10", t, "记-C%02d" % i] for i, t in enumerate(texts)])
    lg = Ledger(ctx, y, os.path.join(d, "out"))
    wellformed(lg.path)
    b = lg.book()
    head, rows, cok = expense_rows(b)
    sh = b.sheets["支出"]
    cdesc = column(head, sh, "摘要")

    def unescape(s):
        return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), s)
    for i, t in enumerate(texts):
        v = sh.text(rows["记-C%02d" % i], cdesc)
        check(unescape(v) == t, "摘要 %r: the XML holds %r, which Excel reads as %r" % (t, v, unescape(v)))
    # LibreOffice opens it: 支出 as CSV keeps the rows and the voucher text
    conv = os.path.join(d, "lo")
    p = soffice_convert([lg.path], 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,3',
                        conv, timeout=300)
    outs = [f for f in os.listdir(conv) if f.endswith(".csv")] if os.path.isdir(conv) else []
    check(outs, "soffice wrote no CSV: %s %s" % (p.stdout[-300:], p.stderr[-300:]))
    with open(os.path.join(conv, outs[0]), encoding="utf-8", newline="") as f:
        lo_rows = list(csv.reader(f))
    lo_head = [r for r in lo_rows if "合规" in r and "摘要" in r and "凭证号" in r]
    check(lo_head, "LibreOffice's 支出 has no header row: %r" % lo_rows[:4])
    cv, cd = lo_head[0].index("凭证号"), lo_head[0].index("摘要")
    lo = {r[cv]: r[cd] for r in lo_rows if len(r) > max(cv, cd) and r[cv].startswith("记-")}
    check(len(lo) == len(EXPENSES) + len(texts), "LibreOffice's 支出 has the vouchers %r" % sorted(lo))
    for i, t in enumerate(texts):
        got = lo.get("记-C%02d" % i)
        check(got == t, "LibreOffice reads 摘要 %r as %r" % (t, got))


def wellformed(path):
    """Every XML part of the package parses with a strict parser; fails naming the first bad one."""
    with zipfile.ZipFile(path) as z:
        for n in sorted(z.namelist()):
            if n.endswith(".xml") or n.endswith(".rels"):
                try:
                    ET.fromstring(z.read(n))
                except ET.ParseError as e:
                    check(False, "%s: %s is not well-formed XML: %s" % (os.path.basename(path), n, e))


@test
def t_ledger_noncharacters(ctx, d):
    # U+FFFE and U+FFFF are valid UTF-8 text (SCHEMA.md: text takes anything) but not XML 1.0
    # characters: written as they are, sharedStrings.xml is not well-formed; Excel "repairs" the
    # file and LibreOffice silently drops every string after the first one.  OOXML escapes
    # them as _xFFFE_ and _xFFFF_.
    y = copy_fixture(d)
    texts = ["会务费\ufffe反序", "资料\uffff费"]
    add_expenses(y, [["A12", "2026-08-%02d" % (i + 1), "学术交流", "10", t, "记-N%02d" % i] for i, t in enumerate(texts)])
    lg = Ledger(ctx, y, os.path.join(d, "out"))
    wellformed(lg.path)
    b = lg.book()
    head, rows, cok = expense_rows(b)
    sh = b.sheets["支出"]
    cdesc = column(head, sh, "摘要")
    for i, t in enumerate(texts):
        v = sh.text(rows["记-N%02d" % i], cdesc)
        got = re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), v)
        check(got == t, "摘要 %r: the XML holds %r, which Excel reads as %r" % (t, v, got))


# -- a large ledger --------------------------------------------------------------------

def count_expense_rows(path, want_vouchers):
    """Streams the 支出 sheet (a strict parser, as the whole file is too big to keep): (data rows
    with a 记- voucher, the last row number, {voucher: {header: (cell type, text, formula)}} of
    the rows in want_vouchers)."""
    with zipfile.ZipFile(path) as z:
        shared = [_text(si) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(M + "si")] \
            if "xl/sharedStrings.xml" in z.namelist() else []
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        wrels = _rels(z, "xl/workbook.xml")
        part = [wrels[s.get(R_ID)][1] for s in wb.iter(M + "sheet") if s.get("name") == "支出"][0]
        n, last, head, found = 0, 0, None, {}
        with z.open(part) as f:
            for ev, el in ET.iterparse(f):
                if el.tag != M + "row":
                    continue
                vals = {}
                for c in el.iter(M + "c"):
                    v = c.find(M + "v")
                    t = c.get("t", "n")
                    fm = c.find(M + "f")
                    vals[_col(c.get("r"))] = (t, shared[int(v.text)] if t == "s" and v is not None else
                                              _text(c.find(M + "is")) if t == "inlineStr" else
                                              (v.text if v is not None else ""),
                                              fm.text if fm is not None else None)
                last = int(el.get("r"))
                if head is None and "合规" in [x[1] for x in vals.values()]:
                    head = {x[1]: k for k, x in vals.items()}
                elif head is not None:
                    vch = vals.get(head.get("凭证号", -1), ("", "", None))[1]
                    if vch.startswith("记-"):
                        n += 1
                        if vch in want_vouchers:
                            found[vch] = {h: vals.get(k, ("", "", None)) for h, k in head.items()}
                el.clear()
        return n, last, found


@test
def t_ledger_100000_expenditures(ctx, d):
    # large enough for libxlsxwriter's constant-memory mode (inline strings, rows streamed):
    # the hostile texts again on that path
    y = copy_fixture(d)
    write_csv(os.path.join(y, "disbursements.csv"), "application,date,amount,voucher",
              [["A01", "2026-06-01", "40000", "DZ-1"], ["A12", "2026-06-02", "50000", "DZ-2"],
               ["A13", "2026-06-03", "18000", "DZ-3"], ["A16", "2026-06-04", "20000", "DZ-4"]])
    apps = [("A01", "学术交流"), ("A12", "科学普及"), ("A13", "学术交流"), ("A16", "科学普及")]
    rows = []
    for i in range(100000):
        aid, cat = apps[i % 4]
        rows.append([aid, "2026-%02d-%02d" % (6 + i % 5, 1 + i % 28), cat, "0.%02d" % (1 + i % 17),
                     "专家咨询费（第%d笔）" % (i + 1), "记-%06d" % (i + 1)])
    long_text = "会务费" * 13334
    hostile = {50000: "支付项目人员薪酬", 60000: "=SUM(A1:A9)", 60001: "@会务组", 70000: "会务费\x07铃\x1b",
               70001: "场地_x0041_租金", 80000: long_text}
    for i, t in hostile.items():
        rows[i][4] = t
    write_csv(os.path.join(y, "expenditures.csv"), EXP_HEADER, rows)
    lg = Ledger(ctx, y, os.path.join(d, "out"), timeout=600)
    exc = lg.exceptions()
    check(list(exc) == [("expenditures", 50002)], "exceptions %r" % list(exc)[:10])
    want = {"记-%06d" % (i + 1): t for i, t in hostile.items()}
    want.update({"记-000001": "专家咨询费（第1笔）", "记-100000": "专家咨询费（第100000笔）"})
    n, last, found = count_expense_rows(lg.path, set(want))
    check(n == 100000, "支出 has %d data rows (last row %d)" % (n, last))
    check(sorted(found) == sorted(want), "rows found %r" % sorted(found))

    def unescape(s):
        return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), s)
    for v, t in sorted(want.items()):
        kind, text, formula = found[v]["摘要"]
        check(kind in ("s", "inlineStr") and formula is None, "%s: 摘要 %r written as %s %r" % (v, t[:20], kind, formula))
        if t is long_text:
            check(len(text) <= 32767 and long_text.startswith(text[:32000]), "%s: 摘要 of %d characters" % (v, len(text)))
        else:
            check(unescape(text) == t, "%s: 摘要 %r read back as %r" % (v, t, unescape(text)))
        flag = found[v]["合规"][1]
        check(flag == ("禁止性支出（人员工资）" if v == "记-050001" else "OK"), "%s: 合规 %r" % (v, flag))
    # the spent total: a formula caching the exact sum, in 分
    b = Book(lg.path, only={"资金分配"})
    spent = sum(1 + i % 17 for i in range(100000))
    vals = set(check_formulas(b, "资金分配").values())
    check(spent in vals, "资金分配: no formula total of %s (formulas %r)" % (spent / 100, sorted(vals)))


run = TESTS.run
