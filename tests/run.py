#!/usr/bin/env python3
"""The whole xhgen test suite (what `make test` runs).  Python 3 standard library only.

usage: run.py [--xhgen ./xhgen] [--asan build/asan/xhgen]
              [--unit build/test_X ...] [--unit-asan build/asan/test_X ...]
              [--only GROUP[,GROUP]] [-v]

Groups, in the order they run:
  unit     each --unit binary; it prints `ok NAME` / `not ok NAME: why` and a last
           line `N passed, M failed`
  spec     the spec examples in tests/spec/*.spec (tests/spec/runner.py)
  compat   the docxtemplater suite, ../shared/peers/docxtemplater/run.py
  golden   tests/golden: LibreOffice-authored templates (.fodt, converted to .docx
           by one soffice call), filled and compared with the expected visible text
  cli      tests/cli/test_*.py: exit codes, messages, merge, hostile input, ...
  client   tests/client: every DOCX the other groups wrote, converted to PDF by one
           soffice call and read back with pdftotext
  asan     the unit-asan binaries, then spec, compat, golden and cli again with the
           --asan binary (ASan+UBSan, leaks on); any sanitizer report is a failure

Prints `PASS group/name` or `FAIL group/name: why` per test and ends with the line
`N passed, M failed`; exits 1 when anything failed.  Scratch files go to tests/out/.
"""
import argparse
import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
import zipfile

if __name__ == "__main__":
    # test modules `import run` for the helpers below: let them share this module
    sys.modules["run"] = sys.modules["__main__"]

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# CI clones the repository into some folder with shared/ beside it.
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
OUT = os.path.join(HERE, "out")
GROUPS = ["unit", "spec", "compat", "golden", "cli", "client", "asan", "fuzz", "lint", "valgrind"]

SANITIZER_RE = re.compile(
    r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
    r"SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer|AddressSanitizer:DEADLYSIGNAL")
# a sanitizer stops the program with this status, so that it is never mistaken
# for xhgen's own exit 1
SAN_EXIT = 86


class TestFailure(Exception):
    pass


def fail(msg):
    raise TestFailure(msg)


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def clean_env():
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("LC_") or k in ("LANGUAGE",):
            del env[k]
    env["LANG"] = "C.UTF-8"
    env["TZ"] = "UTC"
    return env


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Result:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def ok(self, name, note=""):
        self.passed += 1
        print("PASS %s%s" % (name, (" (" + note + ")") if note else ""), flush=True)

    def bad(self, name, why):
        self.failed += 1
        why = " ".join(str(why).split("\n"))
        if len(why) > 400:
            why = why[:400] + "..."
        self.failures.append(name)
        print("FAIL %s: %s" % (name, why), flush=True)


class Ctx:
    """What a test module gets: the binary, the environment and helpers."""

    def __init__(self, xhgen, group, res, asan=False, verbose=False):
        self.xhgen_path = os.path.abspath(xhgen) if xhgen else None
        self.group = group          # "golden", "cli", or "asan/golden" ...
        self.res = res
        self.asan = asan
        self.verbose = verbose
        self.root = ROOT
        self.shared = SHARED
        self.out = os.path.join(OUT, group.replace("/", "-"))
        self.env = clean_env()
        if asan:
            self.env["ASAN_OPTIONS"] = "detect_leaks=1:exitcode=%d:abort_on_error=0" % SAN_EXIT
            self.env["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1:exitcode=%d" % SAN_EXIT
        self.timeout = 180 if asan else 60
        self.produced = []          # (docx path, [strings the PDF must show], forbid braces)

    # -- running xhgen -------------------------------------------------------
    def xh(self, *args, stdin=None, timeout=None, cwd=None, env=None, preexec_fn=None):
        """Run xhgen; returns CompletedProcess with .out/.err as text.
        A sanitizer report or a crash fails the test right away."""
        cmd = [self.xhgen_path] + [str(a) for a in args]
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, capture_output=True, input=stdin, cwd=cwd,
                               env=env or self.env, timeout=timeout or self.timeout,
                               preexec_fn=preexec_fn)
        except subprocess.TimeoutExpired:
            fail("timed out after %ss: %s" % (timeout or self.timeout, " ".join(cmd[1:])))
        p.elapsed = time.monotonic() - t0
        p.out = p.stdout.decode("utf-8", "replace")
        p.err = p.stderr.decode("utf-8", "replace")
        m = SANITIZER_RE.search(p.err)
        if m or p.returncode == SAN_EXIT and self.asan:
            start = m.start() if m else 0
            fail("sanitizer report (exit %d): %s" % (p.returncode, p.err[start:start + 600]))
        if p.returncode < 0:
            fail("killed by signal %d: xhgen %s; stderr: %s"
                 % (-p.returncode, " ".join(cmd[1:]), p.err[-300:]))
        if p.returncode > 3:
            fail("exit %d (not 0-3): xhgen %s; stderr: %s"
                 % (p.returncode, " ".join(cmd[1:]), p.err[-300:]))
        return p

    def case(self, name, fn, *a):
        full = "%s/%s" % (self.group, name)
        try:
            note = fn(*a)
        except TestFailure as e:
            self.res.bad(full, e)
            return False
        except Exception as e:  # a crash of the test is a failure of that test
            tb = traceback.format_exc().strip().splitlines()
            self.res.bad(full, "%s: %s [%s]" % (type(e).__name__, e, tb[-3].strip() if len(tb) > 2 else ""))
            return False
        self.res.ok(full, note if isinstance(note, str) else "")
        return True

    def fresh(self, *parts):
        d = os.path.join(self.out, *parts)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        return d

    # -- reading DOCX ----------------------------------------------------------
    def docx_text(self, path):
        """Visible text by the docxtemplater suite's rule (peers/docxtemplater/docx_text.py)."""
        return _docx_text_mod().docx_text(path)

    def check_package(self, path):
        """Problems found by ../shared/tools/docxtext.py --check (empty list = fine)."""
        return _docxtext_tool().check_package(path)

    def part_text(self, path, part):
        """Text of the paragraphs of any part (footnotes too), lines joined with LF."""
        with zipfile.ZipFile(path) as z:
            return "\n".join(_docx_text_mod().part_lines(z.read(part)))


_cache = {}


def _docx_text_mod():
    if "dt" not in _cache:
        _cache["dt"] = load_module(os.path.join(SHARED, "peers", "docxtemplater", "docx_text.py"),
                                   "docx_text")
    return _cache["dt"]


def _docxtext_tool():
    if "tool" not in _cache:
        _cache["tool"] = load_module(os.path.join(SHARED, "tools", "docxtext.py"), "docxtext_tool")
    return _cache["tool"]


def soffice_convert(files, fmt, outdir, timeout=900):
    """Convert FILES with ONE soffice call into OUTDIR; fresh profile, fontconfig aliases."""
    os.makedirs(outdir, exist_ok=True)
    prof = os.path.join("/tmp", "xhgen-lo-profile-%d" % os.getpid())
    shutil.rmtree(prof, ignore_errors=True)
    env = clean_env()
    env["FONTCONFIG_FILE"] = os.path.join(HERE, "client", "fonts.conf")
    env["SAL_USE_VCLPLUGIN"] = "svp"
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise TestFailure("soffice not found (tests/setup.sh installs libreoffice-writer-nogui)")
    cmd = [exe, "--headless", "--norestore", "--nologo", "--nodefault",
           "-env:UserInstallation=file://" + prof,
           "--convert-to", fmt, "--outdir", outdir] + list(files)
    try:
        p = subprocess.run(cmd, capture_output=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TestFailure("soffice timed out after %ds" % timeout)
    finally:
        shutil.rmtree(prof, ignore_errors=True)
    return p


# -- groups --------------------------------------------------------------------

def run_unit(res, binaries, group="unit", env=None):
    if not binaries:
        res.bad(group, "no unit test binaries given (--unit / --unit-asan)")
        return
    for b in binaries:
        name = os.path.basename(b)
        if not os.path.exists(b):
            res.bad("%s/%s" % (group, name), "binary %s does not exist" % b)
            continue
        try:
            p = subprocess.run([os.path.abspath(b)], capture_output=True, env=env or clean_env(),
                               timeout=600, cwd=ROOT)
        except subprocess.TimeoutExpired:
            res.bad("%s/%s" % (group, name), "timed out")
            continue
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        lines = [l for l in out.splitlines() if l.strip()]
        n_ok = n_bad = 0
        for l in lines:
            m = re.match(r"^(not ok|ok)\s+(.*)$", l)
            if not m:
                continue
            if m.group(1) == "ok":
                n_ok += 1
                res.ok("%s/%s/%s" % (group, name, m.group(2).strip()))
            else:
                n_bad += 1
                tn, _, why = m.group(2).partition(":")
                res.bad("%s/%s/%s" % (group, name, tn.strip()), why.strip() or "not ok")
        summary = re.match(r"^(\d+) passed, (\d+) failed$", lines[-1]) if lines else None
        problems = []
        if not summary:
            problems.append("last line is not `N passed, M failed`")
        elif (int(summary.group(1)), int(summary.group(2))) != (n_ok, n_bad):
            problems.append("summary says %s but %d ok / %d not ok lines"
                            % (lines[-1], n_ok, n_bad))
        if p.returncode != 0 and n_bad == 0:
            problems.append("exit status %d" % p.returncode)
        if n_bad and p.returncode == 0:
            problems.append("tests failed but exit status 0")
        m = SANITIZER_RE.search(err)
        if m:
            problems.append("sanitizer report: " + err[m.start():m.start() + 400])
        if problems:
            res.bad("%s/%s" % (group, name), "; ".join(problems) + (" stderr: " + err[-300:] if err.strip() else ""))


def run_compat(res, xhgen, group="compat", env=None):
    script = os.path.join(SHARED, "peers", "docxtemplater", "run.py")
    if not os.path.exists(script):
        res.bad(group, "%s not found (shared/ must sit beside the repository)" % script)
        return
    try:
        p = subprocess.run([sys.executable, script, os.path.abspath(xhgen)], capture_output=True,
                           env=env or clean_env(), timeout=1800)
    except subprocess.TimeoutExpired:
        res.bad(group, "timed out")
        return
    out = p.stdout.decode("utf-8", "replace")
    n = 0
    for l in out.splitlines():
        m = re.match(r"^(PASS|FAIL|SKIP) (\S+?):?(?: (.*))?$", l)
        if not m:
            continue
        kind, name, rest = m.group(1), m.group(2), m.group(3) or ""
        if kind == "PASS":
            n += 1
            res.ok("%s/%s" % (group, name))
        elif kind == "FAIL":
            n += 1
            res.bad("%s/%s" % (group, name), rest)
    if n == 0:
        res.bad(group, "no results from %s (exit %d): %s"
                % (script, p.returncode, p.stderr.decode("utf-8", "replace")[-400:]))


def run_fuzz(res, targets):
    """Each libFuzzer target (built by `make fuzz`): its corpus replayed (-runs=0), then a
    short run from a fixed seed, so CI is repeatable.  Any crash or sanitizer report fails."""
    if not targets:
        res.bad("fuzz", "no fuzz targets given (--fuzz)")
        return
    for t in targets:
        name = os.path.basename(t)
        corpus = os.path.join(HERE, "fuzz", "corpus", name.replace("fuzz_", ""))
        if not os.path.exists(t):
            res.bad("fuzz/" + name, "binary %s does not exist (make fuzz)" % t)
            continue
        for label, args in (("replay", ["-runs=0", corpus]),
                            ("seed-1", ["-seed=1", "-runs=20000", "-max_len=4096", corpus])):
            # the fixed-seed run must not write new inputs into the committed corpus
            work = os.path.join(OUT, "fuzz", name, label)
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
            if label != "replay":
                args = args[:-1] + [work, corpus]
            try:
                p = subprocess.run([os.path.abspath(t)] + args, capture_output=True, timeout=600,
                                   cwd=work, env=clean_env())
            except subprocess.TimeoutExpired:
                res.bad("fuzz/%s/%s" % (name, label), "timed out")
                continue
            err = p.stderr.decode("utf-8", "replace")
            m = SANITIZER_RE.search(err)
            if p.returncode != 0 or m or "Done" not in err:
                res.bad("fuzz/%s/%s" % (name, label), "exit %d: %s" % (p.returncode, err[-600:]))
            else:
                res.ok("fuzz/%s/%s" % (name, label))


# The static checks that gen/ must pass with no warning (issue 8 "Always on"): what they
# enable is listed here, once.
CPPCHECK = ["cppcheck", "--quiet", "--enable=warning,portability,performance", "--std=c11",
            "-D_GNU_SOURCE", "--inline-suppr", "--error-exitcode=1"]
TIDY_CHECKS = ("-*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.*,"
               "-clang-analyzer-valist.Uninitialized,"  # false positives on glibc's va_list
               "bugprone-suspicious-memset-usage,bugprone-macro-parentheses,bugprone-infinite-loop,"
               "bugprone-signed-char-misuse,bugprone-string-literal-with-embedded-nul")


def run_lint(res):
    srcs = sorted(glob.glob(os.path.join(ROOT, "gen", "*.c")))
    pc = subprocess.run(["pkg-config", "--cflags", "libxml-2.0", "libzip", "libpcre2-8", "xlsxwriter",
                         "yajl"], capture_output=True, text=True)
    cflags = pc.stdout.split()
    incs = [f for f in cflags if f.startswith("-I")]
    for name, cmd in (("cppcheck", CPPCHECK + incs + srcs),
                      ("clang-tidy", ["clang-tidy", "--quiet", "--warnings-as-errors=*",
                                      "-checks=" + TIDY_CHECKS] + srcs +
                       ["--", "-std=c11", "-D_GNU_SOURCE"] + cflags)):
        if not shutil.which(cmd[0]):
            res.bad("lint/" + name, "%s not installed (tests/setup.sh installs it)" % cmd[0])
            continue
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=ROOT)
        except subprocess.TimeoutExpired:
            res.bad("lint/" + name, "timed out")
            continue
        out = (p.stdout + p.stderr)
        warn = [l for l in out.splitlines() if "warning:" in l or "error:" in l]
        if p.returncode != 0 or warn:
            res.bad("lint/" + name, "; ".join(warn[:5]) or out[-400:])
        else:
            res.ok("lint/" + name)


def run_valgrind(res, xhgen):
    """tests/valgrind.sh: memcheck over the end-to-end paths; each of its PASS/FAIL lines counts."""
    try:
        p = subprocess.run(["sh", os.path.join(HERE, "valgrind.sh"), os.path.abspath(xhgen)],
                           capture_output=True, text=True, timeout=1800, cwd=ROOT, env=clean_env())
    except subprocess.TimeoutExpired:
        res.bad("valgrind", "timed out")
        return
    n = 0
    for l in p.stdout.splitlines():
        m = re.match(r"^(PASS|FAIL) (valgrind/\S+?):?(?: (.*))?$", l)
        if not m:
            continue
        n += 1
        if m.group(1) == "PASS":
            res.ok(m.group(2))
        else:
            res.bad(m.group(2), (m.group(3) or "") + " " + p.stdout[-300:])
    if n == 0 or (p.returncode != 0 and not res.failed):
        res.bad("valgrind", "exit %d: %s" % (p.returncode, (p.stdout + p.stderr)[-400:]))


def run_module(res, path, modname, xhgen, group, asan=False, verbose=False, extra=None):
    if not xhgen or not os.path.exists(xhgen):
        res.bad(group, "xhgen binary %r does not exist" % xhgen)
        return None
    ctx = Ctx(xhgen, group, res, asan=asan, verbose=verbose)
    if extra:
        for k, v in extra.items():
            setattr(ctx, k, v)
    os.makedirs(ctx.out, exist_ok=True)
    paths = path if isinstance(path, list) else [path]
    for i, pth in enumerate(paths):
        try:
            mod = load_module(pth, "%s_%d" % (modname, i))
            mod.run(ctx)
        except TestFailure as e:
            res.bad(group, e)
        except Exception as e:
            res.bad(group, "%s crashed: %s: %s" % (os.path.relpath(pth, ROOT), type(e).__name__,
                                                  traceback.format_exc()[-600:]))
    return ctx


def main(argv):
    ap = argparse.ArgumentParser(description="xhgen test suite")
    ap.add_argument("--xhgen", default=None)
    ap.add_argument("--asan", default=None)
    ap.add_argument("--unit", action="append", default=[])
    ap.add_argument("--unit-asan", action="append", default=[])
    ap.add_argument("--fuzz", action="append", default=[])
    ap.add_argument("--only", default=None, help="comma-separated groups: " + ",".join(GROUPS))
    ap.add_argument("--module", default=None,
                    help="cli: run only tests/cli/test_NAME.py modules whose name contains this")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    if a.only:
        only = [g.strip() for g in a.only.split(",") if g.strip()]
        bad = [g for g in only if g not in GROUPS]
        if bad:
            ap.error("unknown group(s): %s (groups: %s)" % (", ".join(bad), ", ".join(GROUPS)))
    else:
        only = list(GROUPS)
    os.environ.update({"LANG": "C.UTF-8"})
    for k in [k for k in os.environ if k.startswith("LC_") or k == "LANGUAGE"]:
        del os.environ[k]
    os.makedirs(OUT, exist_ok=True)
    res = Result()
    t0 = time.monotonic()
    xhgen = a.xhgen
    golden_py = os.path.join(HERE, "golden", "golden.py")
    # every tests/cli/test_*.py module with a run(ctx); test_cli.py first
    cli_py = sorted(glob.glob(os.path.join(HERE, "cli", "test_*.py")),
                    key=lambda f: (os.path.basename(f) != "test_cli.py", f))
    if a.module:
        cli_py = [f for f in cli_py if a.module in os.path.basename(f)]
    spec_py = os.path.join(HERE, "spec", "runner.py")
    produced = []

    def need_xhgen(group):
        if not xhgen:
            res.bad(group, "no --xhgen given")
            return False
        return True

    if "unit" in only:
        run_unit(res, a.unit)
    if "spec" in only and need_xhgen("spec"):
        run_module(res, spec_py, "xh_spec", xhgen, "spec", verbose=a.verbose)
    if "compat" in only and need_xhgen("compat"):
        run_compat(res, xhgen)
    if "golden" in only and need_xhgen("golden"):
        c = run_module(res, golden_py, "xh_golden", xhgen, "golden", verbose=a.verbose)
        if c:
            produced += c.produced
    if "cli" in only and need_xhgen("cli"):
        c = run_module(res, cli_py, "xh_cli", xhgen, "cli", verbose=a.verbose)
        if c:
            produced += c.produced
    if "client" in only and need_xhgen("client"):
        if "golden" not in only:
            # the client test needs documents: produce the golden outputs quietly
            quiet = Result()
            import io
            import contextlib
            with contextlib.redirect_stdout(io.StringIO()):
                c = run_module(quiet, golden_py, "xh_golden", xhgen, "golden", verbose=False)
            if c:
                produced += c.produced
        run_module(res, os.path.join(HERE, "client", "client.py"), "xh_client", xhgen, "client",
                   verbose=a.verbose, extra={"documents": produced})
    if "asan" in only:
        if not a.asan or not os.path.exists(a.asan):
            res.bad("asan", "ASan binary %r does not exist (make build/asan/xhgen)" % a.asan)
        else:
            san_env = Ctx(a.asan, "asan", res, asan=True).env
            run_unit(res, a.unit_asan, group="asan/unit", env=san_env)
            run_module(res, spec_py, "xh_spec_asan", a.asan, "asan/spec", asan=True, verbose=a.verbose)
            run_compat(res, a.asan, group="asan/compat", env=san_env)
            run_module(res, golden_py, "xh_golden_asan", a.asan, "asan/golden", asan=True,
                       verbose=a.verbose)
            run_module(res, cli_py, "xh_cli_asan", a.asan, "asan/cli", asan=True, verbose=a.verbose)
    if "fuzz" in only:
        run_fuzz(res, a.fuzz)
    if "lint" in only:
        run_lint(res)
    if "valgrind" in only and need_xhgen("valgrind"):
        run_valgrind(res, xhgen)
    if res.failures and len(res.failures) > 1:
        print("# %d failures; first ones: %s" % (len(res.failures), ", ".join(res.failures[:8])))
    print("# %.0f s" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (res.passed, res.failed))
    return 1 if res.failed or res.passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
