#!/usr/bin/env python3
"""Measure xhgen against docxtemplater on the shared bench workloads.

Called by tests/bench/run.sh, which generates the data, installs the peer and
/usr/bin/time first:

  bench.py --xhgen ABS_PATH --shared SHARED/bench --work build/bench
           [--peer 0|1] [--runs 3]

Every command is timed as a whole process with /usr/bin/time -f '%e %M %U %S'
(wall seconds, peak RSS in KiB, user and system CPU), the tools alternating, --runs runs each,
and the medians are reported.  A run whose command fails, or whose outputs
are missing, empty or not what the data says, is reported as ERROR (never
as a time) and makes the exit status 1; missed targets do not.
Standard library only.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile

TIME = "/usr/bin/time"

# The targets from the issue.
FORM_SPEEDUP_TARGET = 20.0          # xhgen docs/s >= 20 x docxtemplater's
FORM_PEER_REFERENCE = 83.0          # docxtemplater docs/s in shared/bench/README.md (if not measured here)
TABLE_SECONDS_TARGET = 1.5          # 100,000-row table: < 1.5 s ...
TABLE_RSS_TARGET_MB = 100.0         # ... and < 100 MB peak RSS


class Bench:
    def __init__(self, args):
        self.xhgen = args.xhgen
        self.shared = args.shared
        self.work = args.work
        self.peer = args.peer
        self.runs = max(1, args.runs)
        self.logs = os.path.join(self.work, "logs")
        self.outs = os.path.join(self.work, "out")
        shutil.rmtree(self.logs, ignore_errors=True)
        os.makedirs(self.logs)
        os.makedirs(self.outs, exist_ok=True)
        self.dt_dir = os.path.join(self.work, "docxtemplater")
        self.results = []        # Result, in print order
        self.errors = 0
        self.last_cpu = 0.0

    # ---- running one command ----

    def timed(self, tag, argv, cwd=None):
        """Runs argv; returns (seconds, peak_rss_mb, error or None, stdout)."""
        out_f = os.path.join(self.logs, tag + ".out")
        err_f = os.path.join(self.logs, tag + ".err")
        with open(out_f, "wb") as out, open(err_f, "wb") as err:
            if os.access(TIME, os.X_OK):
                tf = os.path.join(self.logs, tag + ".time")
                rc = subprocess.call([TIME, "-f", "%e %M %U %S", "-o", tf] + argv,
                                     stdout=out, stderr=err, cwd=cwd)
                with open(tf) as fh:
                    lines = [l.strip() for l in fh if l.strip()]
                m = re.match(r"^([0-9.]+) ([0-9]+) ([0-9.]+) ([0-9.]+)$", lines[-1]) if lines else None
                if not m:
                    return None, None, "no timing from /usr/bin/time: %r" % lines, ""
                secs, rss_kb = float(m.group(1)), int(m.group(2))
                self.last_cpu = float(m.group(3)) + float(m.group(4))
                note = "; ".join(re.sub(r"^Command (exited with non-zero status|terminated by signal)",
                                        lambda m: "exit status" if "exit" in m.group(1) else "killed by signal", l)
                                 for l in lines[:-1] if l.startswith("Command "))
            else:   # fallback when /usr/bin/time could not be installed
                t0 = time.perf_counter()
                p = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd)
                _, status, ru = os.wait4(p.pid, 0)
                p.returncode = os.waitstatus_to_exitcode(status)
                secs, rss_kb, rc = time.perf_counter() - t0, ru.ru_maxrss, p.returncode
                self.last_cpu = ru.ru_utime + ru.ru_stime
                note = "killed by signal %d" % -rc if rc < 0 else ""
        with open(out_f, encoding="utf-8", errors="replace") as fh:
            stdout = fh.read()
        if rc != 0:
            with open(err_f, encoding="utf-8", errors="replace") as fh:
                tail = fh.read().strip().splitlines()[-3:]
            why = note or "exit status %d" % rc
            return secs, rss_kb / 1024.0, "%s: %s (log: %s)" % (
                why, " | ".join(tail) or "no stderr", os.path.relpath(err_f)), stdout
        return secs, rss_kb / 1024.0, None, stdout

    # ---- output checks (outside the timed region) ----

    @staticmethod
    def check_docx(path, part, must_contain):
        path = os.path.relpath(path)
        if not os.path.isfile(path):
            return "missing output %s" % path
        if os.path.getsize(path) == 0:
            return "empty output %s" % path
        try:
            with zipfile.ZipFile(path) as z:
                xml = z.read(part).decode("utf-8")
        except Exception as e:  # noqa: BLE001 - any failure is an invalid output
            return "invalid docx %s: %s" % (path, e)
        text = re.sub(r"<[^>]+>", "", xml)
        if must_contain not in text:
            return "%s: %s lacks %r" % (path, part, must_contain)
        left = re.search(r"\{[#/^]?[a-z_]+\}", text)
        if left:
            return "%s: %s still has the tag %s" % (path, part, left.group(0))
        return None

    def check_form_dir(self, outdir, records, name_of):
        if not os.path.isdir(outdir):
            return "no output folder %s" % os.path.relpath(outdir)
        names = sorted(os.listdir(outdir))
        if len(names) != len(records):
            return "%d files in %s, expected %d" % (len(names), os.path.relpath(outdir), len(records))
        for n in names:
            if os.path.getsize(os.path.join(outdir, n)) == 0:
                return "empty output %s" % os.path.relpath(os.path.join(outdir, n))
        for i in sorted({0, len(records) // 2, len(records) - 1}):
            err = self.check_docx(os.path.join(outdir, name_of(i)), "word/header1.xml",
                                  records[i]["form_no"])
            if err:
                return err
        return None

    def check_table(self, out, rows):
        return self.check_docx(out, "word/document.xml", "记-%06d" % rows)

    # ---- workloads ----

    def fresh(self, path, is_dir):
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
        if is_dir:
            os.makedirs(path)
        return path

    def measure(self, plan):
        """plan: list of Job; runs them round-robin, self.runs rounds (Job.once: first round only)."""
        for rnd in range(self.runs):
            for job in plan:
                if job.failed or (job.once and rnd > 0):
                    continue
                self.fresh(job.out, job.out_is_dir)
                os.sync()   # the previous run's writeback must not land in this run's time
                secs, mb, err, stdout = self.timed("%s-%d" % (job.tag, rnd + 1), job.argv, cwd=job.cwd)
                if err is None:
                    err = job.check()
                if err is None and job.parse:
                    job.parse(stdout)
                print("  %-34s run %d: %s" % (job.label(), rnd + 1,
                      "ERROR: " + err if err else "%.2f s, %.1f MB" % (secs, mb)), flush=True)
                if err:
                    job.failed = err
                    self.errors += 1
                else:
                    job.secs.append(secs)
                    job.rss.append(mb)
                    job.cpu.append(self.last_cpu)
        self.results.extend(plan)

    def form_jobs(self):
        data = os.path.join(self.work, "form-1000.json")
        with open(data, encoding="utf-8") as fh:
            records = json.load(fh)
        tpl = os.path.join(self.shared, "templates", "form.docx")
        xo = os.path.join(self.outs, "xhgen-form")
        x = Job("form x%d" % len(records), "xhgen", "xhgen-form", xo, True,
                [self.xhgen, "merge", tpl, data, "-o", xo, "--name", "{form_no}.docx"],
                docs=len(records))
        x.check = lambda: self.check_form_dir(xo, records, lambda i: records[i]["form_no"] + ".docx")
        x1o = os.path.join(self.outs, "xhgen-form-j1")
        x1 = Job("form x%d" % len(records), "xhgen -j 1", "xhgen-form-j1", x1o, True,
                 [self.xhgen, "merge", tpl, data, "-o", x1o, "--name", "{form_no}.docx", "-j", "1"],
                 docs=len(records), once=True)
        x1.check = lambda: self.check_form_dir(x1o, records, lambda i: records[i]["form_no"] + ".docx")
        jobs = [x]
        if self.peer:
            do = os.path.join(self.outs, "dt-form")
            d = Job("form x%d" % len(records), "docxtemplater", "dt-form", do, True,
                    ["node", os.path.join(self.dt_dir, "docxtemplater-bench.js"), "form", tpl, data, do],
                    docs=len(records), cwd=self.dt_dir)
            d.check = lambda: self.check_form_dir(do, records, lambda i: "form-%d.docx" % i)
            d.parse = d.parse_peer_json
            jobs.append(d)
        jobs.append(x1)
        return jobs

    def table_jobs(self, rows):
        data = os.path.join(self.work, "table-%d.json" % rows)
        tpl = os.path.join(self.shared, "templates", "table.docx")
        wl = "table %d rows" % rows
        xo = os.path.join(self.outs, "xhgen-table-%d.docx" % rows)
        x = Job(wl, "xhgen", "xhgen-table-%d" % rows, xo, False,
                [self.xhgen, "fill", tpl, data, "-o", xo])
        x.check = lambda: self.check_table(xo, rows)
        jobs = [x]
        if self.peer:
            do = os.path.join(self.outs, "dt-table-%d.docx" % rows)
            d = Job(wl, "docxtemplater", "dt-table-%d" % rows, do, False,
                    ["node", os.path.join(self.dt_dir, "docxtemplater-bench.js"), "table", tpl, data, do],
                    cwd=self.dt_dir)
            d.check = lambda: self.check_table(do, rows)
            d.parse = d.parse_peer_json
            jobs.append(d)
        return jobs

    # =====================================================================
    # LATER WORKLOADS -- fill in when xhgen gains the commands.
    #
    #  * CSV: read and validate a 1,000,000-row CSV (xhgen's own input
    #    format; no shared generator yet -- add one here or in shared/).
    #  * Fund ledger: xhgen writing the 100,000-row expenditure .xlsx versus
    #    shared/bench/xlsxwriter/xlsxwriter-ledger-bench.py (Python
    #    XlsxWriter, run with /usr/bin/python3; Debian python3-xlsxwriter),
    #    default and --constant-memory.  README figures: 4.9 s / 176 MB,
    #    constant memory 5.6 s / 58 MB.
    #
    # Until `xhgen --help` lists the command, each is skipped with a message.
    # When it does, set the argv below (None = not wired up yet) and the Job
    # is measured like the others, alternating with the peer.
    # =====================================================================
    XHGEN_CSV_WORD = "check"        # the word `xhgen --help` shows for the CSV command
    XHGEN_LEDGER_WORD = "ledger"

    def check_year(self, rows):
        """A year folder whose expenditures.csv has ROWS rows (~100 bytes each, UTF-8 with
        BOM, every value valid): `xhgen check` reads and validates all of it."""
        ydir = os.path.join(self.work, "check-year-%d" % rows)
        exp = os.path.join(ydir, "expenditures.csv")
        if os.path.exists(exp):
            return ydir
        os.makedirs(ydir, exist_ok=True)
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        for f in ("programme.xml", "societies.xml", "applications.csv"):
            shutil.copy(os.path.join(root, "tests", "fixtures", "year2026", f), ydir)
        apps = []
        with open(os.path.join(ydir, "applications.csv"), encoding="utf-8-sig") as fh:
            for line in fh.read().splitlines()[1:]:
                if line[:6] == "WH2026":
                    apps.append(line.split(",")[0])
        cats = ["学术交流", "科学普及", "技术服务", "咨询服务", "党建", "双创活动"]
        what = ["专家咨询费", "会议场地租金", "科普活动物料采购", "印刷费", "差旅费报销"]
        with open(exp + ".tmp", "w", encoding="utf-8-sig", newline="") as fh:
            fh.write("申报编号,支出日期,经费类别,金额,摘要,凭证号\r\n")
            for i in range(rows):
                fh.write("%s,2026-%02d-%02d,%s,\"%d,%03d.%02d\",%s（第%d笔）,记-%07d\r\n" % (
                    apps[i % len(apps)], 6 + i % 6, 1 + i % 28, cats[i % len(cats)],
                    1 + i % 9, i % 1000, i % 100, what[i % len(what)], i + 1, i + 1))
        os.rename(exp + ".tmp", exp)
        return ydir

    def ledger_year(self, rows):
        """A year folder for `xhgen ledger`: tests/fixtures/year2026/ (the 2026 sample year the
        benchmark was defined on: programme, societies, applications, budget lines, scores,
        calendar, disbursements) with an expenditures.csv of ROWS rows spread over the
        applications its review proposes (from `xhgen review`'s 拟立项名单.csv).
        Every value is valid; each row is dated in its project's period, on one of its budget
        lines, and the amounts stay within what that year pays, so the rules flag only the planted
        rows: every 50th (2 %, like the XlsxWriter peer's data) breaks one rule in turn (a
        forbidden description, a category not allowed, one not in the budget, a date outside
        the period)."""
        import csv
        import datetime
        ydir = os.path.join(self.work, "ledger-year-%d" % rows)
        exp = os.path.join(ydir, "expenditures.csv")
        if os.path.exists(exp):
            return ydir
        os.makedirs(ydir, exist_ok=True)
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        for f in ("programme.xml", "societies.xml", "applications.csv", "budget_lines.csv",
                  "scores.csv", "calendar.csv", "disbursements.csv"):
            shutil.copy(os.path.join(root, "tests", "fixtures", "year2026", f), ydir)
        rv = os.path.join(self.work, "ledger-year-review")
        shutil.rmtree(rv, ignore_errors=True)
        subprocess.run([self.xhgen, "review", ydir, "-o", rv], capture_output=True, check=True)
        with open(os.path.join(rv, "2026", "review", "拟立项名单.csv"), encoding="utf-8-sig") as fh:
            proposed = [r["申报编号"] for r in csv.DictReader(fh)]
        shutil.rmtree(rv, ignore_errors=True)

        def rd(name):
            with open(os.path.join(ydir, name), encoding="utf-8-sig", newline="") as fh:
                return list(csv.reader(fh))[1:]
        def date(text):   # 2026-06-01, 2026/6/1, 2026.6.1, 2026年6月1日
            return datetime.date(*map(int, re.findall(r"\d+", text)[:3]))

        def fen(text):    # 50000, 50,000.00, 5万元, ¥50,000 (year2026's forms of money)
            t = re.sub(r"[,，¥￥元\s]", "", text)
            wan = t.endswith("万")
            v = round(float(t.rstrip("万")) * (1000000 if wan else 100))
            return int(v)
        period = {r[0]: (date(r[5]), date(r[6])) for r in rd("applications.csv")}
        lines = {}
        for r in rd("budget_lines.csv"):
            lines.setdefault(r[0], []).append(r[1])
        paid = {}
        for r in rd("disbursements.csv"):
            paid[r[0]] = paid.get(r[0], 0) + fen(r[2])
        apps = [a for a in proposed if paid.get(a) and lines.get(a)]
        per_app = (rows + len(apps) - 1) // len(apps)
        what = ["专家咨询费", "会议场地租金", "科普活动物料采购", "印刷费", "差旅费报销"]
        bad = [("支付项目人员工资", None), ("购置设备", "设备购置"), (None, "党建"), ("date", None)]
        with open(exp + ".tmp", "w", encoding="utf-8-sig", newline="") as fh:
            fh.write("申报编号,支出日期,经费类别,金额,摘要,凭证号\r\n")
            for i in range(rows):
                a = apps[i % len(apps)]
                start, end = period[a]
                day = start + datetime.timedelta(days=i // len(apps) % ((end - start).days + 1))
                cat = lines[a][i // len(apps) % len(lines[a])]
                # about 90 % of what was paid, spread evenly, in 分
                amount = paid[a] * 9 // 10 // per_app
                desc = "%s（第%d笔）" % (what[i % len(what)], i + 1)
                if i % 50 == 49:
                    d, c = bad[i // 50 % len(bad)]
                    if d == "date":
                        day = end + datetime.timedelta(days=1)
                    elif d:
                        desc = d
                    if c and c not in lines[a]:
                        cat = c
                fh.write("%s,%s,%s,%d.%02d,%s,记-%07d\r\n" % (
                    a, day.isoformat(), cat, amount // 100, amount % 100, desc, i + 1))
        os.rename(exp + ".tmp", exp)
        return ydir

    def later_workloads(self):
        try:
            h = subprocess.run([self.xhgen, "--help"], capture_output=True, timeout=20)
            helptext = (h.stdout + h.stderr).decode("utf-8", "replace")
        except Exception:  # noqa: BLE001
            helptext = ""
        jobs = []

        # -- 1,000,000-row CSV read + validate --
        if not re.search(r"\b%s\b" % self.XHGEN_CSV_WORD, helptext):
            print("  csv 1000000 rows: skipped: `xhgen --help` has no '%s' command yet" % self.XHGEN_CSV_WORD)
        else:
            ydir = self.check_year(1000000)
            out = os.path.join(self.outs, "xhgen-check.txt")
            x = Job("check csv 1000000 rows", "xhgen", "xhgen-check", out, False,
                    [self.xhgen, "check", ydir], docs=1000000)

            def parse(stdout, out=out):
                with open(out, "w", encoding="utf-8") as fh:
                    fh.write(stdout)
            x.parse = parse
            x.check = lambda: None
            jobs.append(x)

        # -- xlsx fund ledger, 100,000 rows, vs Python XlsxWriter --
        if not re.search(r"\b%s\b" % self.XHGEN_LEDGER_WORD, helptext):
            print("  ledger 100000 rows: skipped: `xhgen --help` has no '%s' command yet" % self.XHGEN_LEDGER_WORD)
        else:
            ydir = self.ledger_year(100000)
            ledger_dir = os.path.join(self.outs, "xhgen-ledger")
            ledger_xlsx = os.path.join(ledger_dir, "2026", "ledger", "资金台账.xlsx")
            ledger_argv = [self.xhgen, "ledger", ydir, "-o", ledger_dir]
            x = Job("ledger 100000 rows", "xhgen", "xhgen-ledger", ledger_dir, True, ledger_argv,
                    docs=100000)

            def check_xlsx(path, last_voucher):
                """A readable zip with a worksheet (and the last voucher among its strings)."""
                try:
                    with zipfile.ZipFile(path) as z:
                        names = z.namelist()
                        if not any(n.startswith("xl/worksheets/sheet") for n in names):
                            return "no worksheet in " + path
                        # shared strings, or inline ones (constant-memory mode)
                        parts = [n for n in names if n == "xl/sharedStrings.xml" or
                                 n.startswith("xl/worksheets/sheet")]
                        if last_voucher and not any(last_voucher.encode() in z.read(n) for n in parts):
                            return "%s lacks %s" % (path, last_voucher)
                except (OSError, KeyError, zipfile.BadZipFile) as e:
                    return "%s: %s" % (path, e)
                return None

            def peer_parse(stdout, job):
                # the in-process time only: parse_peer_json would rename both runs "XlsxWriter"
                for line in stdout.splitlines():
                    try:
                        d = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(d, dict) and "wall_ms" in d:
                        job.inproc_ms.append(d["wall_ms"])
            x.check = lambda: check_xlsx(ledger_xlsx, "记-%07d" % 100000)
            jobs.append(x)
            peer_py = "/usr/bin/python3"
            script = os.path.join(self.shared, "xlsxwriter", "xlsxwriter-ledger-bench.py")
            if subprocess.call([peer_py, "-c", "import xlsxwriter"], stderr=subprocess.DEVNULL) == 0:
                for cm in (False, True):
                    po = os.path.join(self.outs, "xlsxwriter-ledger%s.xlsx" % ("-cm" if cm else ""))
                    p = Job("ledger 100000 rows", "XlsxWriter" + (" const-mem" if cm else ""),
                            "xlsxwriter-ledger" + ("-cm" if cm else ""), po, False,
                            [peer_py, script, po, "--rows", "100000"] + (["--constant-memory"] if cm else []),
                            docs=100000)
                    p.check = (lambda po=po: check_xlsx(po, None))
                    p.parse = (lambda stdout, p=p: peer_parse(stdout, p))
                    jobs.append(p)
            else:
                print("  ledger: /usr/bin/python3 lacks xlsxwriter (apt-get install python3-xlsxwriter): xhgen alone")
        # -- the whole sample year: check, pack, review, notice, ledger, accept, verify --
        if re.search(r"\brun\b", helptext):
            root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
            run_dir = os.path.join(self.outs, "xhgen-run")
            x = Job("year run (input/)", "xhgen", "xhgen-run", run_dir, True,
                    [self.xhgen, "run", os.path.join(root, "input"), "-o", run_dir])

            def check_run(run_dir=run_dir):
                found = [os.path.join(a, f) for a, _, fs in os.walk(run_dir) for f in fs
                         if f == "manifest.csv"]
                return None if found else "no manifest.csv under " + run_dir
            x.check = check_run
            x.parse = lambda stdout: None
            jobs.append(x)
        if jobs:
            self.measure(jobs)

    # ---- report ----

    def find(self, workload_prefix, tool):
        for j in self.results:
            if j.workload.startswith(workload_prefix) and j.tool == tool:
                return j
        return None

    def report(self):
        rows = [("workload", "tool", "median s", "docs/s", "peak RSS MB", "cpu s", "runs (s)")]
        for j in self.results:
            if j.failed and not j.secs:
                rows.append((j.workload, j.tool, "ERROR", "", "", "", j.failed[:90]))
                continue
            s, mb = j.median_s(), j.median_rss()
            rows.append((j.workload, j.tool, "%.2f" % s,
                         "%.0f" % (j.docs / max(s, 0.01)) if j.docs else "",
                         "%.1f" % mb, "%.2f" % statistics.median(j.cpu), " ".join("%.2f" % t for t in j.secs)))
        w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        print()
        for k, r in enumerate(rows):
            print(" | ".join(c.ljust(w[i]) if i < 2 or i == 6 else c.rjust(w[i]) for i, c in enumerate(r)).rstrip())
            if k == 0:
                print("-+-".join("-" * x for x in w))
        notes = [j for j in self.results if j.inproc_ms]
        print("\n  median s: wall time; cpu s: user + system time (median), a cross-check on a noisy machine")
        if notes:
            for j in notes:
                print("  %s %s: in-process %.2f s (without node start-up and JSON parsing)"
                      % (j.workload, j.tool, statistics.median(j.inproc_ms) / 1000.0))

        print("\nRatios (xhgen / docxtemplater)")
        ok = lambda j: j is not None and j.secs  # noqa: E731
        xf, df = self.find("form", "xhgen"), self.find("form", "docxtemplater")
        if ok(xf) and ok(df):
            print("  form docs/s:        %.1fx" % (df.median_s() / xf.median_s()))
            x1 = self.find("form", "xhgen -j 1")
            if ok(x1):
                print("  form docs/s, -j 1:  %.1fx" % (df.median_s() / x1.median_s()))
        for r in (100000, 10000):
            xt, dt = self.find("table %d " % r, "xhgen"), self.find("table %d " % r, "docxtemplater")
            if ok(xt) and ok(dt):
                print("  table %6d s:     %.3f  (%.1fx faster)  peak RSS %.2f" % (
                    r, xt.median_s() / dt.median_s(), dt.median_s() / xt.median_s(),
                    xt.median_rss() / dt.median_rss()))
        if not self.peer:
            print("  (docxtemplater not measured)")
        elif not (ok(xf) and ok(df)) and not any(
                ok(self.find("table %d " % r, "xhgen")) for r in (100000, 10000)):
            print("  (no xhgen figures)")

        print("\nTargets")
        if ok(xf):
            xdps = xf.docs / xf.median_s()
            if ok(df):
                need, basis = FORM_SPEEDUP_TARGET * df.docs / df.median_s(), "20x docxtemplater measured here"
            else:
                need, basis = FORM_SPEEDUP_TARGET * FORM_PEER_REFERENCE, "20x the README's 83/s"
            print("  form: >= %.0f docs/s (%s): %.0f docs/s  %s"
                  % (need, basis, xdps, "MET" if xdps >= need else "NOT MET"))
            if ok(df):
                print("        (the README's machine: 20 x 83 = 1,660/s; docxtemplater runs %.1fx that speed here)"
                      % (df.docs / df.median_s() / FORM_PEER_REFERENCE))
        else:
            print("  form: >= 20x docxtemplater docs/s (~1,700/s): not measured (ERROR)")
        xt = self.find("table 100000 ", "xhgen")
        if ok(xt):
            s, mb = xt.median_s(), xt.median_rss()
            print("  table 100000 rows: < %.1f s: %.2f s  %s" % (TABLE_SECONDS_TARGET, s,
                  "MET" if s < TABLE_SECONDS_TARGET else "NOT MET"))
            print("  table 100000 rows: < %.0f MB peak RSS: %.1f MB  %s" % (TABLE_RSS_TARGET_MB, mb,
                  "MET" if mb < TABLE_RSS_TARGET_MB else "NOT MET"))
        else:
            print("  table 100000 rows: < 1.5 s and < 100 MB: not measured (ERROR)")


class Job:
    def __init__(self, workload, tool, tag, out, out_is_dir, argv, docs=0, cwd=None, once=False):
        self.workload, self.tool, self.tag = workload, tool, tag
        self.out, self.out_is_dir, self.argv = out, out_is_dir, argv
        self.docs, self.cwd, self.once = docs, cwd, once
        self.check = lambda: None
        self.parse = None
        self.secs, self.rss, self.cpu, self.inproc_ms = [], [], [], []
        self.failed = None

    def label(self):
        return "%s, %s" % (self.workload, self.tool)

    def median_s(self):
        return statistics.median(self.secs)

    def median_rss(self):
        return statistics.median(self.rss)

    def parse_peer_json(self, stdout):
        for line in stdout.splitlines():
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if isinstance(d, dict) and "wall_ms" in d:
                self.inproc_ms.append(d["wall_ms"])
                self.tool = d.get("tool", self.tool).split()[0]


def header(b):
    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((l.split(":", 1)[1].strip() for l in fh if l.startswith("model name")), "")
    except OSError:
        pass
    def out(argv):
        try:
            r = subprocess.run(argv, capture_output=True, timeout=20)
            return (r.stdout or r.stderr).decode("utf-8", "replace").strip().splitlines()[0]
        except Exception:  # noqa: BLE001
            return "?"
    print("xhgen bench  %s" % time.strftime("%Y-%m-%d %H:%M:%S"))
    print("  machine: %s, %d cores, %s; load average %s" % (
        platform.machine(), os.cpu_count() or 0, cpu or "?", " ".join("%.2f" % x for x in os.getloadavg())))
    print("  xhgen:   %s (%s)" % (b.xhgen, out([b.xhgen, "--version"])))
    if b.peer:
        print("  peer:    node %s, docxtemplater %s" % (
            out(["node", "--version"]),
            out(["node", "-p", "require('%s/node_modules/docxtemplater/package.json').version" % b.dt_dir])))
    print("  timing:  %s, %d runs each after a warm-up, tools alternating, medians" % (
        "/usr/bin/time -f '%e %M %U %S'" if os.access(TIME, os.X_OK) else "os.wait4 (no /usr/bin/time)", b.runs))
    print("  logs:    %s\n" % b.logs, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xhgen", required=True)
    ap.add_argument("--shared", required=True, help="shared/bench")
    ap.add_argument("--work", required=True, help="build/bench")
    ap.add_argument("--peer", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    b = Bench(ap.parse_args())
    header(b)
    # Warm-up, not measured: binaries, node_modules and data into the page cache.
    for j in b.table_jobs(10000):
        b.fresh(j.out, j.out_is_dir)
        b.timed("warmup-" + j.tag, j.argv, cwd=j.cwd)
    b.measure(b.form_jobs())
    b.measure(b.table_jobs(100000))
    b.measure(b.table_jobs(10000))
    b.later_workloads()
    b.report()
    if b.errors:
        print("\nbench: %d run(s) failed (ERROR above; logs in %s)" % (b.errors, b.logs))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
