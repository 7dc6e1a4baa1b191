"""`xhgen notice DIR -o OUT`: the publicity notice 公示 (group `cli` of tests/run.py).

Small 2025 years are built here (programme.xml, societies, applications, budget lines, scores
and the 2025 calendar of DOMAIN.md §5.2) to pin the publicity period: a start on a working day,
a holiday inside the period (劳动节, with the 班 Sunday April 27), a 调休 Saturday counted as a
working day, a start on a Sunday and on a holiday (moved, and said so), a period that crosses
into the next year, a calendar without that year and a programme without publicity_start.
The sample year `input/` is checked against what `xhgen review` writes for the same folder
(拟立项名单.csv) and an independent count of its calendar, never against fixed figures.

Every notice is read back three ways: the DOCX (its table rows, the text, the package check of
../shared/tools/docxtext.py), the HTML page (html.parser: the same rows and total), and the
PDF LibreOffice makes of the DOCX (the period, the total and the 大写 amount; the GB/T 9704
margins with layout.check_margins).  All DOCX of this module go through ONE soffice call, in
the last case; the sample year's notice is rendered to PNG in tests/out/artefacts/.
"""
import csv
import datetime
import html.parser
import os
import re
import shutil
import sys
import zipfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from run import check  # noqa: E402
from cases import Cases, listing  # noqa: E402
from yearfiles import APP_FIELDS, SOC_FIELDS, csv_text, valid_code  # noqa: E402
from docxcheck import W, check_pdfs, docx_layout_problems, wtext  # noqa: E402
import layout  # noqa: E402

TESTS = Cases()
test = TESTS.add
# (case, docx path, strings its PDF must show) for the one LibreOffice call at the end
PDFS = []
CLASSES = [("A", "A类"), ("B", "B类"), ("推广", "推广类")]
HEADER = ["序号", "学会名称", "项目名称", "类别", "资助金额（元）"]


# -- independent formatting and counting ----------------------------------------------

def yuan(fen):
    return "{:,}.{:02d}".format(fen // 100, fen % 100)


def fen_of(plain):
    m = re.fullmatch(r"(\d+)\.(\d\d)", plain)
    check(m, "not a plain amount: %r" % plain)
    return int(m.group(1)) * 100 + int(m.group(2))


def cny(fen):
    """人民币大写 by DOMAIN.md §4.1's algorithm (a zero run gives one 零, also across 万)."""
    digits, inner, big = "零壹贰叁肆伍陆柒捌玖", ["", "拾", "佰", "仟"], ["", "万", "亿", "万"]
    y, jiao, f = fen // 100, fen // 10 % 10, fen % 10
    if fen == 0:
        return "零元整"
    s = ""
    if y:
        secs = []
        while y:
            secs.append(y % 10000)
            y //= 10000
        started = pending = False
        for i in reversed(range(len(secs))):
            sec = secs[i]
            for k in (3, 2, 1, 0):
                d = sec // 10 ** k % 10
                if d == 0:
                    pending = pending or started
                else:
                    s += ("零" if pending else "") + digits[d] + inner[k]
                    started, pending = True, False
            if sec:
                s += big[i]
        s += "元"
    if jiao == 0 and f == 0:
        return s + "整"
    if jiao:
        s += digits[jiao] + "角"
    elif s:
        s += "零"
    if f:
        s += digits[f] + "分"
    return s


def cn(d):
    return "%d年%d月%d日" % (d.year, d.month, d.day)


def period_text(a, b):
    return cn(a) + "至" + ("%d月%d日" % (b.month, b.day) if a.year == b.year else cn(b))


def read_calendar(path):
    """{date: (working, note)} and the years the rows cover."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    cal = {}
    for r in rows:
        d = datetime.date.fromisoformat(r["date"].strip())
        cal[d] = (r["kind"].strip() == "班", (r.get("note") or "").strip())
    return cal, {d.year for d in cal}


def count_period(cal, years, start, n):
    """(first day, last day, moved): day 1 is start or the next working day."""
    def work(d):
        check(d.year in years, "the calendar does not cover %d" % d.year)
        return cal[d][0] if d in cal else d.weekday() < 5
    d, moved = start, False
    while not work(d):
        d += datetime.timedelta(days=1)
        moved = True
    first, k = d, 1
    while k < n:
        d += datetime.timedelta(days=1)
        k += work(d)
    return first, d, moved


def expected_rows(proposed):
    """The table of the notice from [(学会名称, 项目名称, class, fen)] in ranking order."""
    rows, no, total = [HEADER], 0, 0
    for cls, label in CLASSES:
        items = [p for p in proposed if p[2] == cls]
        if not items:
            continue
        sub = 0
        for soc, title, _, fen in items:
            no += 1
            sub += fen
            rows.append([str(no), soc, title, label, yuan(fen)])
        rows.append(["%s小计（%d项）" % (label, len(items)), yuan(sub)])
        total += sub
    rows.append(["合计（%d项）" % no, yuan(total)])
    rows.append(["合计（大写）：人民币" + cny(total)])
    return rows, total, no


# -- reading the outputs ---------------------------------------------------------------

def docx_tables(path):
    """Every table of word/document.xml as rows of cell texts (a cell's paragraphs joined)."""
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("word/document.xml"))
    out = []
    for tbl in root.iter(W + "tbl"):
        rows = []
        for tr in tbl.findall(W + "tr"):
            rows.append(["".join(wtext(p) for p in tc.findall(W + "p")) for tc in tr.findall(W + "tc")])
        out.append(rows)
    return out


class _Html(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.row, self.cell, self.text, self.tags = [], None, None, [], []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        if self._in_title:
            self.title += data
        self.text.append(data)


def read_html(path):
    raw = open(path, "rb").read()
    text = raw.decode("utf-8")  # strictly UTF-8
    check(text.startswith("<!DOCTYPE html>"), "not an HTML5 page: %r" % text[:40])
    check(re.search(r'<meta charset="utf-8">', text, re.I), "no UTF-8 charset declared")
    # self-contained: no external stylesheet, script, image or font
    check(not re.search(r"<(script|link|img|iframe)\b|@import|url\(", text, re.I),
          "the page loads something: %r" % re.findall(r"<(?:script|link|img|iframe)[^>]*>|@import|url\(", text)[:3])
    p = _Html()
    p.feed(text)
    p.close()
    return p


class Notice:
    """One run of `xhgen notice`: the process, the DOCX table and text, the HTML page."""

    def __init__(self, ctx, ydir, out, year):
        self.p = ctx.xh("notice", ydir, "-o", out)
        check(self.p.returncode == 0, "notice exit %d: %s" % (self.p.returncode, self.p.err[:800]))
        self.dir = os.path.join(out, str(year), "notice")
        self.docx = os.path.join(self.dir, "公示.docx")
        self.html = os.path.join(self.dir, "公示.html")
        check(listing(out) == ["%s/notice/公示.docx" % year, "%s/notice/公示.html" % year],
              "OUT holds %r" % listing(out))
        problems = ctx.check_package(self.docx)
        check(not problems, "公示.docx: %s" % problems[:5])
        problems = docx_layout_problems(self.docx, every_header=True,
                                        style_fonts=("方正小标宋简体", "仿宋_GB2312", "黑体"))
        check(not problems, "公示.docx layout: %s" % problems[:5])
        tables = docx_tables(self.docx)
        check(len(tables) == 1, "公示.docx has %d tables" % len(tables))
        self.rows = tables[0]
        self.text = ctx.docx_text(self.docx)
        self.page = read_html(self.html)

    def check_all(self, ctx, year, rows, total, first, last, ndays, contact=None, pdf_name=None):
        period = "公示期为%s（%d个工作日）" % (period_text(first, last), ndays)
        title = "关于%d年度威海市学会创新和服务能力提升工程拟立项项目的公示" % year
        # the DOCX
        check(self.rows == rows, "DOCX table:\n%r\nwant\n%r" % (self.rows, rows))
        body = self.text
        count = int(re.fullmatch(r"合计（(\d+)项）", rows[-2][0]).group(1))
        for s in (title, period, "拟对%d个项目" % count,
                  "合计%s元（人民币%s）" % (yuan(total), cny(total)), "附件：%d年度" % year,
                  "\n" + cn(first) + "\n", "威海市科学技术协会", "— 1 —"):
            check(s in body, "公示.docx lacks %r:\n%s" % (s, body[:1500]))
        check("{" not in body and "}" not in body, "a tag is left in 公示.docx: %r" % re.findall(r"\{[^}]*\}", body)[:3])
        # the HTML: the same rows (a colspan cell stands for the cells it spans)
        hrows = self.page.rows
        check(hrows == rows, "HTML table:\n%r\nwant\n%r" % (hrows, rows))
        htext = "".join(self.page.text)
        check(self.page.title == title, "HTML title %r" % self.page.title)
        for s in (title, period, "合计%s元（人民币%s）" % (yuan(total), cny(total)), cn(first)):
            check(s in htext, "公示.html lacks %r" % s)
        if contact is not None:
            for s in contact:
                check(s in body and s in htext, "the contact sentence lacks %r: %r" % (s, body))
        # stdout: the count, the total and the period
        out = self.p.out
        check(period.replace("公示期为", "") in out and yuan(total) in out and cny(total) in out,
              "stdout %r lacks the total or the period" % out)
        if pdf_name:
            PDFS.append((pdf_name, self.docx, [period, yuan(total), "人民币" + cny(total), title]))


# -- building small years -------------------------------------------------------------

PROGRAMME = """<?xml version="1.0" encoding="UTF-8"?>
<programme>
  <year>2025</year>
  <issuer>威海市科学技术协会</issuer>
  <department>学会与国际部</department>
  <budget>600,000.00</budget>
  <caps><A>50000</A><B>20000</B><推广>20000</推广></caps>
  <pass_score>60</pass_score>
  <min_experts>3</min_experts>
  <absence_limit>2</absence_limit>
  <dates>
    <application_deadline>2025-03-31</application_deadline>
    {start}
    <publicity_working_days>{days}</publicity_working_days>
    <acceptance_deadline>2025-11-30</acceptance_deadline>
  </dates>
  <contact>{contact}</contact>
  <key_industries><industry>新一代信息技术</industry></key_industries>
</programme>
"""

CONTACT = {"name": "王晓红", "phone": "0631-5216873", "email": "xhb@example.com",
           "address": "威海市环翠区统一路181号"}

# DOMAIN.md §5.2 (国办发明电〔2024〕12号) and §5.3
CAL_2025 = ([("2025-01-01", "休", "元旦")]
            + [("2025-01-%02d" % d, "休", "春节") for d in range(28, 32)]
            + [("2025-02-%02d" % d, "休", "春节") for d in range(1, 5)]
            + [("2025-01-26", "班", "春节调休上班"), ("2025-02-08", "班", "春节调休上班")]
            + [("2025-04-%02d" % d, "休", "清明节") for d in range(4, 7)]
            + [("2025-04-27", "班", "劳动节调休上班")]
            + [("2025-05-%02d" % d, "休", "劳动节（国务院办公厅2024年11月12日通知）") for d in range(1, 6)]
            + [("2025-05-31", "休", "端午节"), ("2025-06-01", "休", "端午节"), ("2025-06-02", "休", "端午节")]
            + [("2025-09-28", "班", "国庆节调休上班")]
            + [("2025-10-%02d" % d, "休", "国庆节、中秋节") for d in range(1, 9)]
            + [("2025-10-11", "班", "国庆节调休上班")])
CAL_2026 = [("2026-01-01", "休", "元旦"), ("2026-01-02", "休", "元旦"), ("2026-01-03", "休", "元旦"),
            ("2026-01-04", "班", "元旦调休上班")]

# (id, society, class, amount, the mean score: the ranking)
APPS = [("N1", "S01", "A", "30000.50", "90"), ("N2", "S02", "B", "20000", "88"),
        ("N3", "S03", "A", "50000", "86"), ("N4", "S04", "推广", "12345.67", "84"),
        ("N5", "S05", "B", "15000", "82")]
SOC_NAMES = {"S01": "威海市测试机械学会", "S02": "威海市测试<医学>&学会", "S03": "威海市测试海洋学会",
             "S04": "威海市测试计算机学会", "S05": "威海市测试水产学会"}


def year(d, start="2025-06-10", days=5, contact=None, calendar=CAL_2025, apps=APPS):
    """A 2025 year folder under d where every application passes and is proposed."""
    y = os.path.join(d, "year")
    shutil.rmtree(y, ignore_errors=True)
    os.makedirs(y)
    contact = CONTACT if contact is None else contact
    socs, arows, lines, scores = [], [], [], []
    for aid, sid, cls, amount, score in apps:
        n = int(sid[1:])
        socs.append({"id": sid, "name": SOC_NAMES[sid], "credit_code": valid_code("51371000MJD3%05d" % n),
                     "industry": "", "phone": "0631-53%05d" % n, "email": "s%d@example.com" % n,
                     "members": "100", "party_org": "党支部", "party_quarters": "4",
                     "party_four_haves": "是", "council_complete": "是", "last_election": "2023-06-01",
                     "term_years": "5", "election_extension": "否", "office": "是",
                     "independent_accounts": "是", "inspection": "合格", "violation": "否", "absences": "0"})
        arows.append({"id": aid, "society": sid, "title": "项目%s：学术交流与“科普”服务" % aid, "class": cls,
                      "amount": amount, "start": "2025-06-01", "end": "2025-11-30",
                      "submitted": "2025-03-15", "materials_complete": "是", "materials_authentic": "是"})
        lines.append({"application": aid, "category": "学术交流", "amount": amount, "note": "会务费"})
        scores += [{"application": aid, "expert": "专家%d" % k, "score": score} for k in (1, 2, 3)]
    files = {
        "programme.xml": PROGRAMME.format(
            start="<publicity_start>%s</publicity_start>" % start if start else "", days=days,
            contact="".join("<%s>%s</%s>" % (k, v, k) for k, v in contact.items() if v)),
        "societies.csv": csv_text(SOC_FIELDS, socs),
        "applications.csv": csv_text(APP_FIELDS, arows),
        "budget_lines.csv": csv_text(["application", "category", "amount", "note"], lines),
        "scores.csv": csv_text(["application", "expert", "score"], scores),
        "calendar.csv": csv_text(["date", "kind", "note"],
                             [{"date": a, "kind": b, "note": c} for a, b, c in sorted(calendar)]),
    }
    for name, text in files.items():
        with open(os.path.join(y, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)
    return y


def small_expected(apps=APPS):
    """The rows and total of a small year: every application proposed, ranked by its score."""
    ranked = sorted(apps, key=lambda a: -int(a[4]))
    prop = [(SOC_NAMES[s], "项目%s：学术交流与“科普”服务" % aid, cls, fen_of(amt if "." in amt else amt + ".00"))
            for aid, s, cls, amt, _ in ranked]
    rows, total, _ = expected_rows(prop)
    return rows, total


def D(s):
    return datetime.date.fromisoformat(s)


# -- the publicity period ----------------------------------------------------------------

@test
def t_notice_working_day_start(ctx, d):
    # Tuesday 2025-06-10: day 1 itself; the weekend 6-14/15 is skipped
    y = year(d, start="2025-06-10")
    n = Notice(ctx, y, os.path.join(d, "out"), 2025)
    rows, total = small_expected()
    n.check_all(ctx, 2025, rows, total, D("2025-06-10"), D("2025-06-16"), 5,
                contact=["联系人：王晓红；联系电话：0631-5216873；电子邮箱：xhb@example.com；通信地址：威海市环翠区统一路181号。"],
                pdf_name="working-day")
    check("公示期为2025年6月10日至6月16日（5个工作日）" in n.text, "period: %r" % n.text[:600])
    check("顺延" not in n.p.out, "a start on a working day reported as moved: %r" % n.p.out)
    check(len(n.p.out.strip().splitlines()) == 1, "stdout is not one line: %r" % n.p.out)
    # the amounts with fen, exact: 30000.50 + 50000 + 20000 + 15000 + 12345.67
    check(total == 12734617, "total %d" % total)
    check("合计（大写）：人民币壹拾贰万柒仟叁佰肆拾陆元壹角柒分" in n.text, "大写 total: %r" % n.rows[-1])
    # data from the records is escaped, in the DOCX and the page
    check("威海市测试<医学>&学会" in n.text, "society name with <>& lost")
    raw = open(n.html, encoding="utf-8").read()
    check("威海市测试&lt;医学&gt;&amp;学会" in raw, "the HTML does not escape <>&")


@test
def t_notice_holiday_inside(ctx, d):
    # 2025-04-27 is a Sunday worked (班); 5-1…5-5 劳动节: 4-27, 4-28, 4-29, 4-30, 5-6
    y = year(d, start="2025-04-27")
    n = Notice(ctx, y, os.path.join(d, "out"), 2025)
    rows, total = small_expected()
    n.check_all(ctx, 2025, rows, total, D("2025-04-27"), D("2025-05-06"), 5, pdf_name="holiday")
    check("公示期为2025年4月27日至5月6日（5个工作日）" in n.text, "period: %r" % n.text[:600])
    check("\n2025年4月27日\n" in n.text, "the notice's date is not the start: %r" % n.text)


@test
def t_notice_tiaoxiu_saturday(ctx, d):
    # 2025-10-11 is a Saturday worked: 10-9, 10-10, 10-11, 10-13, 10-14 (without it, 10-15)
    y = year(d, start="2025-10-09")
    n = Notice(ctx, y, os.path.join(d, "out"), 2025)
    rows, total = small_expected()
    n.check_all(ctx, 2025, rows, total, D("2025-10-09"), D("2025-10-14"), 5)
    check("公示期为2025年10月9日至10月14日（5个工作日）" in n.text, "period: %r" % n.text[:600])
    # 7 working days from 2025-09-26: 9-26, 9-28 (Sunday worked), 9-29, 9-30, 10-9, 10-10, 10-11
    y = year(d, start="2025-09-26", days=7)
    n = Notice(ctx, y, os.path.join(d, "out7"), 2025)
    n.check_all(ctx, 2025, rows, total, D("2025-09-26"), D("2025-10-11"), 7)
    check("公示期为2025年9月26日至10月11日（7个工作日）" in n.text, "period: %r" % n.text[:600])


@test
def t_notice_sunday_start_moved(ctx, d):
    y = year(d, start="2025-06-08")
    n = Notice(ctx, y, os.path.join(d, "out"), 2025)
    rows, total = small_expected()
    n.check_all(ctx, 2025, rows, total, D("2025-06-09"), D("2025-06-13"), 5, pdf_name="sunday")
    lines = n.p.out.strip().splitlines()
    check(len(lines) == 2 and lines[0] == "公示开始日 2025年6月8日 不是工作日（星期日），顺延至 2025年6月9日",
          "stdout %r" % n.p.out)
    check("\n2025年6月9日\n" in n.text, "the notice's date is not the moved start")
    # a start on a holiday: the calendar's note (up to its bracket) says why
    y = year(d, start="2025-05-01")
    n = Notice(ctx, y, os.path.join(d, "out2"), 2025)
    n.check_all(ctx, 2025, rows, total, D("2025-05-06"), D("2025-05-12"), 5)
    check(n.p.out.splitlines()[0] == "公示开始日 2025年5月1日 不是工作日（劳动节），顺延至 2025年5月6日",
          "stdout %r" % n.p.out)
    # a listed rest day without a note (端午节 Monday 6-2): 节假日
    cal = [(a, b, "" if a == "2025-06-02" else c) for a, b, c in CAL_2025]
    y = year(d, start="2025-06-02", calendar=cal)
    n = Notice(ctx, y, os.path.join(d, "out3"), 2025)
    n.check_all(ctx, 2025, rows, total, D("2025-06-03"), D("2025-06-09"), 5)
    check(n.p.out.splitlines()[0] == "公示开始日 2025年6月2日 不是工作日（节假日），顺延至 2025年6月3日",
          "stdout %r" % n.p.out)


@test
def t_notice_across_the_year(ctx, d):
    # 12-26, 12-29, 12-30, 12-31, [2026-01-01…03], 2026-01-04 (a Sunday worked): the end keeps
    # its year
    y = year(d, start="2025-12-26", calendar=CAL_2025 + CAL_2026)
    n = Notice(ctx, y, os.path.join(d, "out"), 2025)
    rows, total = small_expected()
    n.check_all(ctx, 2025, rows, total, D("2025-12-26"), D("2026-01-04"), 5, pdf_name="new-year")
    check("公示期为2025年12月26日至2026年1月4日（5个工作日）" in n.text, "period: %r" % n.text[:600])


@test
def t_notice_calendar_without_the_year(ctx, d):
    y = year(d, start="2025-12-26")
    out = os.path.join(d, "out")
    p = ctx.xh("notice", y, "-o", out)
    check(p.returncode == 1, "exit %d: %s" % (p.returncode, p.err[:400]))
    check(re.search(r"calendar\.csv: .*2026", p.err), "the message names neither the calendar nor 2026: %r" % p.err)
    check("nothing written" in p.err, "no summary line: %r" % p.err)
    check(not listing(out), "written under OUT: %r" % listing(out))
    # a start in a year the calendar does not have at all
    y = year(d, start="2024-12-30")
    p = ctx.xh("notice", y, "-o", out)
    check(p.returncode == 1 and re.search(r"calendar\.csv: .*2024", p.err), "exit %d: %r" % (p.returncode, p.err))
    check(not listing(out), "written under OUT: %r" % listing(out))


@test
def t_notice_no_publicity_start(ctx, d):
    y = year(d, start=None)
    out = os.path.join(d, "out")
    p = ctx.xh("notice", y, "-o", out)
    check(p.returncode == 1, "exit %d: %s" % (p.returncode, p.err[:400]))
    check("programme.xml" in p.err and "publicity_start" in p.err, "message %r" % p.err)
    check(not listing(out), "written under OUT: %r" % listing(out))


# -- the list and the channel ------------------------------------------------------------

@test
def t_notice_class_left_out_and_contact(ctx, d):
    # no 推广 project: its class (and subtotal) is left out; an empty phone and address are
    # left out of the contact sentence
    apps = [a for a in APPS if a[2] != "推广"]
    y = year(d, apps=apps, contact={"name": "王晓红", "phone": "", "email": "xhb@example.com", "address": ""})
    n = Notice(ctx, y, os.path.join(d, "out"), 2025)
    rows, total = small_expected(apps)
    n.check_all(ctx, 2025, rows, total, D("2025-06-10"), D("2025-06-16"), 5,
                contact=["联系人：王晓红；电子邮箱：xhb@example.com。"])
    for s in ("推广", "联系电话", "通信地址"):
        check(s not in n.text, "%r in the notice: %r" % (s, n.text[:1200]))
    check(not any("推广" in c for r in n.page.rows for c in r), "推广 in the HTML table")
    # no contact at all: the sentence goes, no empty line of labels
    y = year(d, apps=apps, contact={"name": "", "phone": "", "email": "", "address": ""})
    n = Notice(ctx, y, os.path.join(d, "out2"), 2025)
    check("联系人" not in n.text and "：。" not in n.text and "\n。\n" not in n.text,
          "contact text without a contact: %r" % n.text[:1200])


@test
def t_notice_not_proposed_left_out(ctx, d):
    # N5 (B) fails the review (materials incomplete): it is not on the notice, N2 stays
    y = year(d)
    path = os.path.join(y, "applications.csv")
    text = open(path, encoding="utf-8", newline="").read()
    lines = text.split("\r\n")
    check(any(ln.startswith("N5,") and ln.endswith(",是,是") for ln in lines), "no N5 row: %r" % lines)
    lines = [ln.replace(",是,是", ",否,是") if ln.startswith("N5,") else ln for ln in lines]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\r\n".join(lines))
    n = Notice(ctx, y, os.path.join(d, "out"), 2025)
    apps = [a for a in APPS if a[0] != "N5"]
    rows, total = small_expected(apps)
    n.check_all(ctx, 2025, rows, total, D("2025-06-10"), D("2025-06-16"), 5)
    check("威海市测试水产学会" not in n.text, "N5 (not proposed) is on the notice")


@test
def t_notice_deterministic(ctx, d):
    y = year(d, start="2025-04-27")
    a = Notice(ctx, y, os.path.join(d, "a"), 2025)
    b = Notice(ctx, y, os.path.join(d, "b"), 2025)
    for x, z in [(a.docx, b.docx), (a.html, b.html)]:
        check(open(x, "rb").read() == open(z, "rb").read(), "%s differs between two runs" % os.path.basename(x))


# -- the sample year -----------------------------------------------------------------------

def _programme(ydir):
    root = ET.parse(os.path.join(ydir, "programme.xml")).getroot()
    yr = int(root.findtext("year").strip())
    start = D(root.findtext("dates/publicity_start").strip().replace("/", "-"))
    days = int((root.findtext("dates/publicity_working_days") or "5").strip())
    return yr, start, days


@test
def t_notice_sample_year(ctx, d):
    inp = os.path.join(ROOT, "input")
    yr, start, days = _programme(inp)
    # what the review proposes for the same folder
    rout = os.path.join(d, "review")
    p = ctx.xh("review", inp, "-o", rout)
    check(p.returncode == 0, "review exit %d: %s" % (p.returncode, p.err[:400]))
    with open(os.path.join(rout, str(yr), "review", "拟立项名单.csv"), encoding="utf-8-sig", newline="") as f:
        csv_rows = list(csv.DictReader(f))
    check(csv_rows, "the sample year proposes nothing")
    prop = [(r["学会名称"], r["项目名称"], r["类别"], fen_of(r["拟资助金额"])) for r in csv_rows]
    rows, total, _ = expected_rows(prop)
    cal, years = read_calendar(os.path.join(inp, "calendar.csv"))
    first, last, moved = count_period(cal, years, start, days)
    n = Notice(ctx, inp, os.path.join(d, "out"), yr)
    n.check_all(ctx, yr, rows, total, first, last, days, pdf_name="sample")
    check(("顺延" in n.p.out) == moved, "moved %r but stdout %r" % (moved, n.p.out))
    check("拟立项 %d 项" % len(prop) in n.p.out, "stdout does not count %d projects: %r" % (len(prop), n.p.out))


# -- LibreOffice: one call for every notice of this module ------------------------------------

@test
def t_notice_pdf(ctx, d):
    if ctx.asan:
        return "LibreOffice is not run under ASan"

    def own_page(name, pdf):
        check(layout.page_count(pdf) >= 2, "%s: the list is not on its own page" % name)
        if name == "sample":
            pngs = layout.render_png(pdf, "notice-sample", first=1, last=layout.page_count(pdf))
            check(pngs, "no PNG of the sample notice")
    check_pdfs(d, "notice", PDFS, own_page)


def run(ctx):
    del PDFS[:]
    TESTS.run(ctx)
