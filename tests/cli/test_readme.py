"""README.md is the user guide (issue 7): these tests keep it true of the code (group `cli` of
tests/run.py; test_cli.py's docs_readme_usage and docs_options check the usage block and the
options).

- the first fenced block is exactly the two commands `make run` and `make test`, and the Makefile
  has both targets, `run` being `./xhgen run input -o output`;
- the guide has its sections, in Chinese and then in English;
- every picture the README shows exists and is a PNG (docs/mkpictures.sh makes them);
- every `xhgen ...` / `./xhgen ...` line of a ```sh block names a command of `xhgen --help`;
- every record type of gen/schema.c (file stem and Chinese name) and every field id is documented.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from run import check  # noqa: E402
from cases import Cases  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
TESTS = Cases("readme/")
test = TESTS.add


def readme():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        return f.read()


def fenced_blocks(text):
    """[(info string, [lines])] of every ``` block, in order."""
    out, cur, info = [], None, None
    for line in text.splitlines():
        m = re.match(r"^```(\S*)\s*$", line)
        if m and cur is None:
            cur, info = [], m.group(1)
        elif line.startswith("```") and cur is not None:
            out.append((info, cur))
            cur = None
        elif cur is not None:
            cur.append(line)
    check(cur is None, "README.md: a ``` block is never closed")
    return out


def help_commands(ctx):
    p = ctx.xh("--help")
    check(p.returncode == 0, "--help exit %d" % p.returncode)
    m = re.search(r"^commands:\n(.*?)\n\n", p.out, re.S | re.M)
    check(m, "--help has no commands: list: %r" % p.out[:400])
    cmds = set(re.findall(r"^  ([a-z]+) ", m.group(1), re.M))
    check({"run", "check", "fill"} <= cmds, "commands found in --help: %s" % sorted(cmds))
    return cmds


@test
def t_first_commands(ctx, d):
    blocks = fenced_blocks(readme())
    check(blocks, "README.md has no fenced block")
    info, lines = blocks[0]
    cmds = [ln.split("#")[0].strip() for ln in lines]
    cmds = [c for c in cmds if c]
    check(cmds == ["make run", "make test"],
          "the first fenced block of README.md must be `make run` then `make test`, not %r" % cmds)
    with open(os.path.join(ROOT, "Makefile"), encoding="utf-8") as f:
        mk = f.read()
    run = re.search(r"^run:.*\n((?:\t.*\n)+)", mk, re.M)
    check(run and "./xhgen run input -o output" in run.group(1),
          "Makefile: `make run` is not ./xhgen run input -o output")
    check(re.search(r"^test:", mk, re.M), "Makefile has no test target")


@test
def t_guide_sections(ctx, d):
    text = readme()
    heads = re.findall(r"^(#{1,2}) (.+)$", text, re.M)
    tops = [h for lvl, h in heads if lvl == "#"]
    for want in ("用户指南（中文）", "User guide (English)", "参考 / Reference"):
        check(any(h.startswith(want) for h in tops), "README.md has no top section %r" % want)
    check(tops.index("用户指南（中文）") < tops.index("User guide (English)"),
          "the Chinese guide must come before the English one")
    zh = text[text.index("\n# 用户指南（中文）"):text.index("\n# User guide (English)")]
    en = text[text.index("\n# User guide (English)"):text.index("\n# 参考 / Reference")]
    for part, name in ((zh, "Chinese"), (en, "English")):
        nums = re.findall(r"^## (\d) ", part, re.M)
        check(nums == ["1", "2", "3", "4", "5", "6"], "the %s guide's sections are %r" % (name, nums))
        for img in ("docs/images/公示-模板.png", "docs/images/公示-生成.png"):
            check(img in part, "the %s guide does not show %s" % (name, img))
        for code in ("0", "1", "2", "3"):
            check(re.search(r"^\| %s \|" % code, part, re.M), "the %s guide has no row for exit %s"
                  % (name, code))


@test
def t_images(ctx, d):
    text = readme()
    refs = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text) + re.findall(r"<img [^>]*src=\"([^\"]+)\"", text)
    check(refs, "README.md shows no picture")
    for ref in refs:
        if re.match(r"[a-z]+://", ref):
            continue
        path = os.path.join(ROOT, ref)
        check(os.path.isfile(path), "README.md shows %s, which does not exist" % ref)
        with open(path, "rb") as f:
            head = f.read(8)
        check(head == b"\x89PNG\r\n\x1a\n", "%s is not a PNG" % ref)
        check(os.path.getsize(path) < 200 * 1024, "%s is %d bytes (keep pictures small)"
              % (ref, os.path.getsize(path)))
    with open(os.path.join(ROOT, "docs", "mkpictures.sh"), encoding="utf-8") as f:
        script = f.read()
    for ref in set(refs):
        check(os.path.basename(ref) in script, "docs/mkpictures.sh does not make %s" % ref)


@test
def t_sh_commands(ctx, d):
    cmds = help_commands(ctx)
    seen = 0
    for info, lines in fenced_blocks(readme()):
        if info != "sh":
            continue
        for ln in lines:
            words = ln.split("#")[0].split()
            if not words or words[0] not in ("xhgen", "./xhgen"):
                continue
            seen += 1
            args = words[1:]
            check(args, "README.md: %r names no command" % ln)
            if args[0] in ("--help", "--version"):
                continue
            check(args[0] in cmds, "README.md: %r: %r is not an xhgen command (%s)"
                  % (ln, args[0], " ".join(sorted(cmds))))
            if len(args) > 1 and args[1] == "--help":
                continue
            p = ctx.xh(args[0], "--help")
            check(p.returncode == 0, "xhgen %s --help exit %d" % (args[0], p.returncode))
            for opt in args[1:]:
                o = re.match(r"(--?[a-z][a-z-]*)", opt)
                if o and opt.startswith("-"):
                    check(o.group(1) in p.out, "README.md: %r: %s --help does not list %s"
                          % (ln, args[0], o.group(1)))
    check(seen >= 10, "README.md shows only %d xhgen command lines" % seen)
    # every command of --help is shown at least once
    text = readme()
    for c in sorted(cmds):
        check(re.search(r"xhgen %s\b" % c, text), "README.md never shows `xhgen %s`" % c)


@test
def t_record_types(ctx, d):
    with open(os.path.join(ROOT, "gen", "schema.c"), encoding="utf-8") as f:
        src = f.read()
    m = re.search(r"S_types\[\] = \{(.*?)\n\};", src, re.S)
    check(m, "gen/schema.c: no S_types table")
    types = re.findall(r'\{"([a-z_]+)", "([^"]+)", S_\w+', m.group(1))
    check(len(types) >= 10, "gen/schema.c: only %d record types found" % len(types))
    fields = re.findall(r'^\t\{"([a-z_]+)", "([^"]+)", XH_F_', src, re.M)
    check(len(fields) > 50, "gen/schema.c: only %d fields found" % len(fields))
    text = readme()
    for stem, label in types:
        check(re.search(r"`%s(\.csv|\.xlsx|\.xml|\.\*)?`" % re.escape(stem), text),
              "README.md does not document the record file %s" % stem)
        check(label in text, "README.md does not name the record type %s (%s)" % (stem, label))
        check("**`%s` — %s**" % (stem, label) in text, "README.md has no field table for %s" % stem)
    for fid, label in fields:
        check(re.search(r"\| `%s` \| %s \|" % (re.escape(fid), re.escape(label)), text),
              "README.md's field tables lack %s (%s)" % (fid, label))


run = TESTS.run
