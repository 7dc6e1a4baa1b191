"""Translated messages (gettext; CONVENTIONS.md "Messages"): zh_CN when the locale says so,
English otherwise; every message id of po/xhgen.pot translated in po/zh_CN.po."""
import csv
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from run import check  # noqa: E402
from cases import Cases  # noqa: E402

TESTS = Cases()
test = TESTS.add


def broken_year(ctx):
    d = os.path.join(ctx.out, "i18n-year")
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "tests", "fixtures", "year2026"), d)
    path = os.path.join(d, "applications.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows[1][4] = "五万"  # Chinese numerals are not a money amount
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return d


def run_lang(ctx, lang, *args):
    env = dict(ctx.env, LANG=lang)
    for k in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        env.pop(k, None)
    p = ctx.xh(*args, env=env)
    p.stderr = p.err.encode("utf-8")
    return p


@test
def zh_cn_messages(ctx):
    d = broken_year(ctx)
    p = run_lang(ctx, "zh_CN.UTF-8", "check", d)
    err = p.stderr.decode("utf-8")
    check(p.returncode == 1, "check of a broken year exits %d" % p.returncode)
    check("金额请用阿拉伯数字填写" in err and "Chinese numerals" not in err,
          "the money reason is not in Chinese: %s" % err[-400:])
    check(re.search(r"xhgen: \d+ ?个错误", err), "the summary line is not in Chinese: %s" % err[-200:])
    # the position and the field stay as they are: file, row, id and label
    check(re.search(r"applications\.csv:2(?: \(line \d+\))?: amount \(申请金额\): ", err),
          "the position of the message changed: %s" % err[-400:])
    p = run_lang(ctx, "zh_CN.UTF-8", "frobnicate")
    check(p.returncode == 2 and "xhgen --help" in p.stderr.decode("utf-8"), "usage error in zh_CN")
    check(any("\u4e00" <= ch <= "\u9fff" for ch in p.stderr.decode("utf-8").splitlines()[-1]),
          "the usage hint is not translated: %r" % p.stderr.decode("utf-8")[-200:])


@test
def english_by_default(ctx):
    d = broken_year(ctx)
    for lang in ("C.UTF-8", "en_US.UTF-8", "fr_FR.UTF-8"):
        p = run_lang(ctx, lang, "check", d)
        err = p.stderr.decode("utf-8")
        check("Chinese numerals (write the amount in figures)" in err, "%s: English reason missing: %s" % (lang, err[-300:]))
        check(re.search(r"xhgen: \d+ errors?", err), "%s: English summary missing" % lang)


@test
def catalogue_complete(ctx):
    """Every message id the code has is translated (make pot keeps po/zh_CN.po current)."""
    po = os.path.join(ROOT, "po", "zh_CN.po")
    p = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, po],
                       capture_output=True)
    out = p.stderr.decode("utf-8", "replace")
    check(p.returncode == 0, "msgfmt --check: %s" % out[-300:])
    check(not re.search(r"untranslated|fuzzy", out), "po/zh_CN.po is not complete: %s" % out.strip())
    # and the catalogue has every message of the code: rebuild the template and compare ids
    tmp = os.path.join(ctx.out, "i18n.pot")
    src = sorted(os.path.join(ROOT, "gen", f) for f in os.listdir(os.path.join(ROOT, "gen"))
                 if f.endswith(".c"))
    common = ["xgettext", "--from-code=UTF-8", "-k", "-k_", "-kN_", "-kngettext:1,2",
              "-kxh_diag_add:3", "-kS_fail:2", "-kS_fail_usage:1"]
    subprocess.run(common + ["-kS_err:3", "-o", tmp] + [s for s in src if not s.endswith("/check.c")],
                   check=True, capture_output=True)
    subprocess.run(common + ["-j", "-kS_err:5", "-kS_perr:4", "-o", tmp, os.path.join(ROOT, "gen", "check.c")],
                   check=True, capture_output=True)

    def ids(path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        out = set()
        for m in re.finditer(r'^msgid ((?:".*"\n)+)', text, re.M):
            s = "".join(re.findall(r'"(.*)"', m.group(1)))
            if s:
                out.add(s)
        return out
    missing = ids(tmp) - ids(po)
    check(not missing, "%d messages of the code are not in po/zh_CN.po (run make pot): %s"
          % (len(missing), sorted(missing)[:5]))


def run(ctx):
    for fn in TESTS:
        ctx.case("i18n/" + fn.__name__, fn, ctx)
