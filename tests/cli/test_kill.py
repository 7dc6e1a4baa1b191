"""Nothing lost: a merge killed at a deterministic point (group `cli` of tests/run.py).

XHGEN_STOP_AFTER=N makes xhgen SIGKILL itself right after the N-th document is written under its
temporary name (gen/docx.c, S_stop_point), as a crash or a power cut would.  The output folder
must then still hold the previous complete output, byte for byte; the next merge removes what
the killed one left and writes the new output whole.
"""
import hashlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import docxbuild as db  # noqa: E402
from run import check  # noqa: E402
from cases import Cases  # noqa: E402
from test_cli import wjson  # noqa: E402

TESTS = Cases()
test = TESTS.add


def digest(folder):
    out = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            out[name] = hashlib.sha256(f.read()).hexdigest()
    return out


def merge(ctx, tpl, data, outd, stop=None, jobs="2"):
    env = dict(ctx.env)
    if stop is not None:
        env["XHGEN_STOP_AFTER"] = str(stop)
    import subprocess
    return subprocess.run([ctx.xhgen_path, "merge", tpl, data, "-o", outd, "--name", "{id}.docx",
                           "-j", jobs], capture_output=True, env=env, timeout=ctx.timeout)


@test
def t_merge_killed_keeps_previous_output(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{id}：{text}"])
    old = wjson(d, "old.json", [{"id": "R%02d" % i, "text": "旧版本 %d" % i} for i in range(12)])
    new = wjson(d, "new.json", [{"id": "R%02d" % i, "text": "新版本 %d" % i} for i in range(12)])
    outd = os.path.join(d, "out")
    p = merge(ctx, tpl, old, outd)
    check(p.returncode == 0, "first merge: exit %d %r" % (p.returncode, p.stderr[:200]))
    before = digest(outd)
    check(len(before) == 12, "first merge wrote %d files" % len(before))
    for stop, jobs in ((1, "1"), (5, "2"), (12, "2")):
        p = merge(ctx, tpl, new, outd, stop=stop, jobs=jobs)
        check(p.returncode == -9, "stop after %d: expected SIGKILL, got %d" % (stop, p.returncode))
        now = {k: v for k, v in digest(outd).items() if not k.startswith(".xhgen-")}
        check(now == before, "stop after %d: the previous output changed: %s"
              % (stop, sorted(set(now.items()) ^ set(before.items()))[:3]))
    left = [f for f in os.listdir(outd) if f.startswith(".xhgen-")]
    check(left, "the kills left no temporary files (the test would prove nothing)")
    p = merge(ctx, tpl, new, outd)
    check(p.returncode == 0, "merge after the kills: exit %d %r" % (p.returncode, p.stderr[:200]))
    after = digest(outd)
    check(sorted(after) == sorted(before), "files after: %s" % sorted(after))
    check(all(after[k] != before[k] for k in after), "some documents were not replaced")
    check(ctx.docx_text(os.path.join(outd, "R03.docx")) == "R03：新版本 3", "R03 text")


run = TESTS.run
