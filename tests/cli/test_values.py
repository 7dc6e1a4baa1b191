"""More value tests for `xhgen fill` (group `cli` of tests/run.py; see test_cli.py for helpers).

Kept apart from test_cli.py so that several people can add tests without editing one file.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import docxbuild as db  # noqa: E402
from run import check  # noqa: E402
from cases import Cases  # noqa: E402
from test_cli import wjson, fill_fails, fill_ok  # noqa: E402

TESTS = Cases()
test = TESTS.add


@test
def t_c1_control_character_is_error(ctx, d):
    # U+0080..U+009F are control characters too (Unicode category Cc), like U+007F which
    # xhgen rejects: NEL (U+0085) would even be a line break to an XML 1.1 reader
    for i, v in enumerate(["nel\u0085x", "apc\u009fx", "csi\u009b1m"]):
        sub = os.path.join(d, str(i))
        os.mkdir(sub)
        p = fill_fails(ctx, sub, ["Value: {val}"], {"val": v})
        check("val" in p.err, "stderr does not name the tag for %r: %r" % (v, p.err[:200]))


@test
def t_del_character_is_error(ctx, d):
    p = fill_fails(ctx, d, ["Value: {val}"], {"val": "a\u007fb"})
    check("{val}" in p.err, "tag not named: %r" % p.err[:200])


@test
def t_allowed_unicode_passes(ctx, d):
    v = "中文 ÄÖÜ é 😀 \u00a0nbsp \u2028ls \u200bzw"
    out, text = fill_ok(ctx, d, ["[{v}]"], {"v": v})
    check(text == "[%s]" % v, "got %r" % text)


@test
def t_many_values_all_reported(ctx, d):
    p = fill_fails(ctx, d, ["{a} {b}", "{c}"], {"a": "x\u0001", "b": "ok", "c": "y\u0002"})
    check("{a}" in p.err and "{c}" in p.err, "not every bad value reported: %r" % p.err[:300])
    check("{b}" not in p.err, "a good value reported: %r" % p.err[:300])


run = TESTS.run
