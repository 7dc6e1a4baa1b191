"""CLI tests for xhgen, driven by tests/run.py (group `cli`, and again under `asan`).

Every test builds its inputs in a fresh folder under tests/out/cli/ (templates with zipfile,
see docxbuild.py), runs xhgen and asserts on the exit status, stderr, and the files written
(or not written).  A test is a function t_NAME(ctx, d) registered with @test; it fails by
raising run.TestFailure (check/fail).
"""
import json
import os
import re
import sys
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import docxbuild as db  # noqa: E402
from run import check, fail  # noqa: E402
from cases import Cases, listing  # noqa: E402

TESTS = Cases()
test = TESTS.add
W = "{%s}" % db.W_NS


# -- helpers -------------------------------------------------------------------

def wjson(d, name, obj):
    p = os.path.join(d, name)
    with open(p, "w", encoding="utf-8") as f:
        if isinstance(obj, str):
            f.write(obj)
        else:
            json.dump(obj, f, ensure_ascii=False)
    return p


def wtext(d, name, text):
    p = os.path.join(d, name)
    with open(p, "wb") as f:
        f.write(text.encode("utf-8") if isinstance(text, str) else text)
    return p


def fill_ok(ctx, d, paras, data, *args, name="out.docx", **kw):
    """Build a template from paras, fill it with data, assert exit 0, return (out, text)."""
    tpl = db.make_docx(os.path.join(d, "t.docx"), paras, **kw)
    dp = wjson(d, "data.json", data) if not isinstance(data, tuple) else wtext(d, *data)
    out = os.path.join(d, name)
    p = ctx.xh("fill", tpl, dp, "-o", out, *args)
    check(p.returncode == 0, "fill exit %d: %s" % (p.returncode, p.err.strip()[:300]))
    check(os.path.isfile(out), "exit 0 but %s missing" % name)
    probs = ctx.check_package(out)
    check(not probs, "docxtext.py --check: %s" % "; ".join(probs))
    return out, ctx.docx_text(out)


def fill_fails(ctx, d, paras, data, *args, code=1, **kw):
    """Build, fill, assert exit `code` (None = any non-zero), no output; return the process."""
    tpl = db.make_docx(os.path.join(d, "t.docx"), paras, **kw)
    dp = wjson(d, "data.json", data) if not isinstance(data, tuple) else wtext(d, *data)
    before = listing(d)
    out = os.path.join(d, "out.docx")
    p = ctx.xh("fill", tpl, dp, "-o", out, *args)
    if code is None:
        check(p.returncode != 0, "expected an error exit, got 0")
    else:
        check(p.returncode == code, "expected exit %d, got %d: %s"
              % (code, p.returncode, p.err.strip()[:300]))
    check(not os.path.exists(out), "an output file was left behind")
    check(listing(d) == before, "files appeared: %s" % (sorted(set(listing(d)) - set(before))))
    check(p.err.strip(), "error exit but nothing on stderr")
    check(p.returncode == 0 or not p.out.strip() or code == 2,
          "error exit but stdout is not empty: %r" % p.out[:200])
    return p


def err_lines(p):
    return [l for l in p.err.splitlines() if l.strip()]


def check_summary(p):
    """Last stderr line: `xhgen: N error(s), nothing written` with N = the lines before it."""
    lines = err_lines(p)
    check(lines, "nothing on stderr")
    m = re.match(r"^xhgen: (\d+) errors?, nothing written$", lines[-1])
    check(m, "last stderr line is not the summary `xhgen: N errors, nothing written`: %r" % lines[-1])
    n = int(m.group(1))
    check(n == len(lines) - 1, "summary counts %d errors but %d error lines precede it: %r"
          % (n, len(lines) - 1, lines))
    for l in lines[:-1]:
        check(l.startswith("xhgen: "), "error line does not start with 'xhgen: ': %r" % l)
    return lines[:-1], n


def doc_root(path, part="word/document.xml"):
    import xml.etree.ElementTree as ET
    with zipfile.ZipFile(path) as z:
        return ET.fromstring(z.read(part))


def usage(ctx, d, *args):
    """Assert exit 2, a message on stderr, nothing written in d."""
    before = listing(d)
    p = ctx.xh(*args, cwd=d)
    check(p.returncode == 2, "expected usage exit 2, got %d (stderr %r)" % (p.returncode, p.err[:200]))
    check(p.err.strip(), "usage error but nothing on stderr")
    check(listing(d) == before, "usage error wrote files: %s" % (sorted(set(listing(d)) - set(before))))


def simple(d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["Hello {name}!"])
    return tpl, wjson(d, "data.json", {"name": "World"})


# -- command line, exit statuses --------------------------------------------------

@test
def t_help(ctx, d):
    p = ctx.xh("--help")
    check(p.returncode == 0, "--help exit %d" % p.returncode)
    for cmd in ("fill", "merge", "tags"):
        check(re.search(r"\b%s\b" % cmd, p.out), "--help does not list the %s command" % cmd)
    for opt in ("--allow-missing", "--delimiters", "--name", "-o"):
        check(opt in p.out, "--help does not mention %s" % opt)
    check(not p.err.strip(), "--help wrote to stderr: %r" % p.err[:200])


@test
def t_version(ctx, d):
    p = ctx.xh("--version")
    check(p.returncode == 0, "--version exit %d" % p.returncode)
    check(re.search(r"\d+\.\d+", p.out), "--version prints no version number: %r" % p.out[:100])
    check("xhgen" in p.out, "--version does not name xhgen: %r" % p.out[:100])


@test
def t_usage_no_args(ctx, d):
    usage(ctx, d)


@test
def t_usage_unknown_command(ctx, d):
    usage(ctx, d, "frobnicate", "a", "b")


@test
def t_usage_unknown_option(ctx, d):
    tpl, data = simple(d)
    usage(ctx, d, "fill", tpl, data, "-o", os.path.join(d, "o.docx"), "--bogus")


@test
def t_usage_missing_o(ctx, d):
    tpl, data = simple(d)
    usage(ctx, d, "fill", tpl, data)


@test
def t_usage_o_without_value(ctx, d):
    tpl, data = simple(d)
    usage(ctx, d, "fill", tpl, data, "-o")


@test
def t_usage_missing_data_arg(ctx, d):
    tpl, data = simple(d)
    usage(ctx, d, "fill", tpl, "-o", os.path.join(d, "o.docx"))


@test
def t_usage_extra_argument(ctx, d):
    tpl, data = simple(d)
    usage(ctx, d, "fill", tpl, data, data, "-o", os.path.join(d, "o.docx"))


@test
def t_usage_merge_without_name(ctx, d):
    tpl, _ = simple(d)
    data = wjson(d, "recs.json", [{"name": "a"}])
    usage(ctx, d, "merge", tpl, data, "-o", os.path.join(d, "out"))


@test
def t_usage_merge_bad_jobs(ctx, d):
    tpl, _ = simple(d)
    data = wjson(d, "recs.json", [{"name": "a"}])
    for j in ("0", "abc", "-3"):
        usage(ctx, d, "merge", tpl, data, "-o", os.path.join(d, "out"), "--name", "{name}.docx", "-j", j)


@test
def t_usage_bad_delimiters(ctx, d):
    tpl, data = simple(d)
    for delim in ("[[", ""):
        usage(ctx, d, "fill", tpl, data, "-o", os.path.join(d, "o.docx"), "--delimiters", delim)


@test
def t_usage_tags_without_file(ctx, d):
    usage(ctx, d, "tags")


@test
def t_missing_template_file(ctx, d):
    data = wjson(d, "data.json", {"name": "x"})
    p = ctx.xh("fill", os.path.join(d, "nope.docx"), data, "-o", os.path.join(d, "o.docx"))
    check(p.returncode == 1, "missing template: expected exit 1, got %d" % p.returncode)
    check("nope.docx" in p.err, "stderr does not name the missing file: %r" % p.err[:200])
    check(listing(d) == ["data.json"], "files appeared: %s" % listing(d))


@test
def t_missing_data_file(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["Hello {name}"])
    p = ctx.xh("fill", tpl, os.path.join(d, "nodata.json"), "-o", os.path.join(d, "o.docx"))
    check(p.returncode == 1, "missing data file: expected exit 1, got %d" % p.returncode)
    check("nodata.json" in p.err, "stderr does not name the missing file: %r" % p.err[:200])
    check(not os.path.exists(os.path.join(d, "o.docx")), "output written")


@test
def t_output_dir_missing(ctx, d):
    tpl, data = simple(d)
    out = os.path.join(d, "no", "such", "dir", "o.docx")
    p = ctx.xh("fill", tpl, data, "-o", out)
    check(p.returncode != 0, "fill into a nonexistent folder exited 0")
    check(p.err.strip(), "no message on stderr")
    check(not os.path.exists(os.path.join(d, "no")), "folders were created")


@test
def t_output_is_a_directory(ctx, d):
    tpl, data = simple(d)
    os.mkdir(os.path.join(d, "adir"))
    before = listing(d)
    p = ctx.xh("fill", tpl, data, "-o", os.path.join(d, "adir"))
    check(p.returncode != 0, "fill -o EXISTING_DIR exited 0")
    check(listing(d) == before, "files appeared: %s" % (sorted(set(listing(d)) - set(before))))
    check(os.listdir(os.path.join(d, "adir")) == [], "files written inside the directory")


@test
def t_unknown_data_extension(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["Hello {name}"])
    data = wtext(d, "data.csv", "name\nx\n")
    p = ctx.xh("fill", tpl, data, "-o", os.path.join(d, "o.docx"))
    check(p.returncode in (1, 2), "data.csv: expected exit 1 or 2, got %d" % p.returncode)
    check(not os.path.exists(os.path.join(d, "o.docx")), "output written")


@test
def t_invalid_json(ctx, d):
    p = fill_fails(ctx, d, ["Hello {name}"], ("data.json", '{"name": "x",'))
    check("data.json" in p.err, "stderr does not name the data file: %r" % p.err[:200])


@test
def t_invalid_utf8_json(ctx, d):
    fill_fails(ctx, d, ["Hello {name}"], ("data.json", b'{"name": "\xff\xfe"}'))


@test
def t_json_top_level_not_object_for_fill(ctx, d):
    # fill takes one record; a bare string/number cannot give {name}
    fill_fails(ctx, d, ["Hello {name}"], ("data.json", '"just a string"'), code=1)


@test
def t_success_writes_only_output(ctx, d):
    tpl, data = simple(d)
    out = os.path.join(d, "o.docx")
    p = ctx.xh("fill", tpl, data, "-o", out)
    check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.err[:200]))
    check(listing(d) == ["data.json", "o.docx", "t.docx"], "unexpected files: %s" % listing(d))
    check(ctx.docx_text(out) == "Hello World!", "text %r" % ctx.docx_text(out))
    check(not p.err.strip(), "successful fill wrote to stderr: %r" % p.err[:200])


@test
def t_existing_output_kept_on_error(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{#open} never closed"])
    data = wjson(d, "data.json", {})
    out = wtext(d, "o.docx", b"earlier complete output")
    p = ctx.xh("fill", tpl, data, "-o", out)
    check(p.returncode == 1, "exit %d" % p.returncode)
    with open(out, "rb") as f:
        check(f.read() == b"earlier complete output", "the earlier output was changed")
    check(listing(d) == ["data.json", "o.docx", "t.docx"], "files appeared: %s" % listing(d))


@test
def t_overwrites_existing_output(ctx, d):
    tpl, data = simple(d)
    out = wtext(d, "o.docx", b"old")
    p = ctx.xh("fill", tpl, data, "-o", out)
    check(p.returncode == 0, "exit %d" % p.returncode)
    check(ctx.docx_text(out) == "Hello World!", "output not replaced")


# -- template errors ------------------------------------------------------------------

@test
def t_err_unclosed_section(ctx, d):
    p = fill_fails(ctx, d, ["Title", "{#rows}", "{x}"], {"rows": [], "x": 1})
    lines, n = check_summary(p)
    check(n == 1, "expected 1 error, got %d: %r" % (n, lines))
    l = lines[0]
    for s in ("t.docx", "word/document.xml", "paragraph 2", "{#rows}"):
        check(s in l, "error line lacks %r: %r" % (s, l))
    check(re.search(r"word/document\.xml: paragraph 2: \{#rows\}: \S", l),
          "not in the form PART: paragraph N: {TAG}: message: %r" % l)


@test
def t_err_mismatched_close(ctx, d):
    p = fill_fails(ctx, d, ["{#a}x{/b}"], {"a": True})
    lines, n = check_summary(p)
    check(any("{/b}" in l or "{#a}" in l for l in lines), "no line names {#a} or {/b}: %r" % lines)
    check(all("word/document.xml" in l and "paragraph 1" in l for l in lines),
          "lines do not name part and paragraph: %r" % lines)


@test
def t_err_unopened_close(ctx, d):
    p = fill_fails(ctx, d, ["fine", "text {/x} more"], {"x": 1})
    lines, n = check_summary(p)
    check(n == 1 and "{/x}" in lines[0] and "paragraph 2" in lines[0], "got %r" % lines)


@test
def t_err_unclosed_tag(ctx, d):
    p = fill_fails(ctx, d, ["Hello {name"], {"name": "x"})
    check_summary(p)
    check("word/document.xml" in p.err, "part not named: %r" % p.err[:300])


@test
def t_err_lone_close_delimiter(ctx, d):
    p = fill_fails(ctx, d, ["a } b"], {})
    check_summary(p)


@test
def t_err_duplicate_open(ctx, d):
    fill_fails(ctx, d, ["{{name}"], {"name": "x"})


@test
def t_err_all_reported(ctx, d):
    # three independent errors in two parts: all in one run, header part named
    p = fill_fails(ctx, d, ["ok {a}", "{/x}", "{#y}z{/w}"], {"a": 1},
                   headers=[["Head", "{/h}"]])
    lines, n = check_summary(p)
    check(n == 3, "expected 3 errors, got %d: %r" % (n, lines))
    check(any("word/header1.xml" in l and "{/h}" in l and "paragraph 2" in l for l in lines),
          "header error not reported with part, paragraph and tag: %r" % lines)
    check(any("word/document.xml" in l and "{/x}" in l and "paragraph 2" in l for l in lines),
          "{/x} not reported: %r" % lines)
    check(any("word/document.xml" in l and "paragraph 3" in l for l in lines),
          "paragraph 3 error not reported: %r" % lines)


@test
def t_err_in_footnotes(ctx, d):
    p = fill_fails(ctx, d, ["body"], {}, footnotes=[["note {#fn}"]])
    check("word/footnotes.xml" in p.err, "footnotes part not named: %r" % p.err[:300])
    check("{#fn}" in p.err, "tag not named: %r" % p.err[:300])


@test
def t_err_table_loop_outside(ctx, d):
    # a loop that opens in a table cell and closes outside the table
    paras = [db.table([["{#rows}{a}", "b"]]), "{/rows}"]
    fill_fails(ctx, d, paras, {"rows": [{"a": 1}]})


# -- values -------------------------------------------------------------------------------

@test
def t_missing_value_is_error(ctx, d):
    p = fill_fails(ctx, d, ["Hi {who}!", "and {other.deep}"], {"other": {}})
    check("who" in p.err, "stderr does not name the missing tag {who}: %r" % p.err[:300])
    check("other.deep" in p.err, "not every missing value reported: %r" % p.err[:300])


@test
def t_allow_missing(ctx, d):
    out, text = fill_ok(ctx, d, ["Hi {who}!", "[{a.b}] [{n}]"], {"a": {}, "n": None}, "--allow-missing")
    check(text == "Hi !\n[] []", "got %r" % text)


@test
def t_parent_scope_lookup(ctx, d):
    out, text = fill_ok(ctx, d, ["{#list}{x}{y};{/list}"], {"x": "P", "list": [{"y": 1}, {"y": 2, "x": "Q"}]})
    check(text == "P1;Q2;", "got %r" % text)


@test
def t_control_character_is_error(ctx, d):
    for i, v in enumerate(["bell\u0007", "esc\u001b[1m", "nul\u0000x", "vt\u000b"]):
        sub = os.path.join(d, str(i))
        os.mkdir(sub)
        p = fill_fails(ctx, sub, ["Value: {val}"], {"val": v})
        check("val" in p.err, "stderr does not name the tag for %r: %r" % (v, p.err[:200]))


@test
def t_xml_escaping(ctx, d):
    v = "<b>&amp; \"quoted\" 'single' </w:t>]]>"
    out, text = fill_ok(ctx, d, ["[{v}]"], {"v": v})
    check(text == "[%s]" % v, "got %r" % text)


@test
def t_value_types(ctx, d):
    out, text = fill_ok(ctx, d, ["{i}|{neg}|{f}|{big}|{t}|{fa}|{s}"],
                        {"i": 42, "neg": -1.5, "f": 0.1, "big": 12345678901234, "t": True,
                         "fa": False, "s": "ünïcødé 中文 😀"})
    check(text == "42|-1.5|0.1|12345678901234|true|false|ünïcødé 中文 😀", "got %r" % text)


@test
def t_linebreaks(ctx, d):
    out, text = fill_ok(ctx, d, [["A: ", ("{v}", "<w:b/>"), " end"]], {"v": "one\ntwo\r\nthree"})
    check(text == "A: one\ntwo\nthree end", "got %r" % text)
    root = doc_root(out)
    brs = root.findall(".//%sbr" % W)
    check(len(brs) == 2, "expected 2 w:br, got %d" % len(brs))
    for t in root.iter(W + "t"):
        check("\r" not in (t.text or "") and "\n" not in (t.text or ""), "CR/LF left in w:t: %r" % t.text)
    # the value keeps the formatting of its run
    bold_texts = "".join(t.text or "" for r in root.iter(W + "r") if r.find(W + "rPr/" + W + "b") is not None
                         for t in r.findall(W + "t"))
    check("two" in bold_texts, "the lines of the value lost the run's bold: %r" % bold_texts)


@test
def t_leading_spaces_preserved(ctx, d):
    out, text = fill_ok(ctx, d, ["[{v}]"], {"v": "  two  "})
    check(text == "[  two  ]", "got %r" % text)


@test
def t_tag_split_across_runs(ctx, d):
    out, text = fill_ok(ctx, d, [["Dear {na", ("me", "<w:b/>"), ("}", "<w:i/>"), ", from {", ("city}", "<w:color w:val=\"FF0000\"/>")]],
                        {"name": "Ann", "city": "Oslo"})
    check(text == "Dear Ann, from Oslo", "got %r" % text)
    ctx.produced.append((out, ["Dear Ann, from Oslo"], True))


@test
def t_custom_delimiters(ctx, d):
    out, text = fill_ok(ctx, d, [["<<na", "me>> {kept} <<#l>>", "<<.>>,<</l>>"]],
                        {"name": "Eve", "l": [1, 2]}, "--delimiters", "<< >>")
    check(text == "Eve {kept} 1,2,", "got %r" % text)


# -- sections -------------------------------------------------------------------------------

@test
def t_section_falsy_values(ctx, d):
    out, text = fill_ok(ctx, d, ["[{#a}A{/a}{#b}B{/b}{#c}C{/c}{#d}D{/d}{#e}E{/e}]",
                                 "[{^a}a{/a}{^b}b{/b}{^c}c{/c}{^d}d{/d}{^e}e{/e}]"],
                        {"a": False, "b": 0, "c": "", "d": None, "e": []})
    check(text == "[]\n[abcde]", "got %r" % text)


@test
def t_section_missing_is_falsy(ctx, d):
    out, text = fill_ok(ctx, d, ["[{#nope}X{/nope}][{^nope}Y{/nope}]"], {})
    check(text == "[][Y]", "got %r" % text)


@test
def t_section_truthy_values(ctx, d):
    out, text = fill_ok(ctx, d, ["{#l}{.},{/l}|{#o}{k}{/o}|{#t}T{v}{/t}|{#s}S{/s}|{#n}N{/n}"],
                        {"l": [1, "two", 3.5], "o": {"k": "K"}, "t": True, "v": "V", "s": "yes", "n": 3})
    check(text == "1,two,3.5,|K|TV|S|N", "got %r" % text)


@test
def t_paragraph_loop(ctx, d):
    out, text = fill_ok(ctx, d, ["before", [("{#l}", "<w:b/>")], "item {.}", ["{/", "l}"], "after"],
                        {"l": ["x", "y", "z"]})
    check(text == "before\nitem x\nitem y\nitem z\nafter", "got %r" % text)
    n = len(list(doc_root(out).iter(W + "p")))
    check(n == 5, "expected 5 paragraphs, got %d" % n)


@test
def t_table_row_loop(ctx, d):
    tbl = db.table([["Name", "Qty"], ["{#rows}{name}", "{qty}{/rows}"], ["Total", "{total}"]])
    out, text = fill_ok(ctx, d, [tbl, "end"],
                        {"rows": [{"name": "a", "qty": 1}, {"name": "b", "qty": 2}, {"name": "c", "qty": 3}],
                         "total": 6})
    check(text == "Name\nQty\na\n1\nb\n2\nc\n3\nTotal\n6\nend", "got %r" % text)
    rows = doc_root(out).findall(".//%str" % W)
    check(len(rows) == 5, "expected 5 table rows, got %d" % len(rows))


@test
def t_table_all_rows_removed(ctx, d):
    tbl = db.table([["{#rows}{name}", "{qty}{/rows}"]])
    out, text = fill_ok(ctx, d, ["before", tbl, "after"], {"rows": []})
    check(doc_root(out).find(".//%stbl" % W) is None, "a table with no rows left is kept")
    check(text == "before\nafter", "got %r" % text)


@test
def t_nested_sections(ctx, d):
    out, text = fill_ok(ctx, d, ["{#g}", "{n}:{#m}{.}{/m}", "{/g}"],
                        {"g": [{"n": "A", "m": [1, 2]}, {"n": "B", "m": []}, {"n": "C", "m": ["z"]}]})
    check(text == "A:12\nB:\nC:z", "got %r" % text)


@test
def t_headers_footers_notes(ctx, d):
    out, text = fill_ok(ctx, d, ["Body {a}"], {"a": "A", "h": "H", "f": "F", "fn": "FN", "en": "EN"},
                        headers=[["Head {h}"]], footers=[["Foot {f}"]],
                        footnotes=[["Footnote {fn}"]], endnotes=[["Endnote {en}"]])
    check(text == "Body A\n--- word/header1.xml ---\nHead H\n--- word/footer1.xml ---\nFoot F",
          "got %r" % text)
    check("Footnote FN" in ctx.part_text(out, "word/footnotes.xml"), "footnote not filled")
    check("Endnote EN" in ctx.part_text(out, "word/endnotes.xml"), "endnote not filled")
    ctx.produced.append((out, ["Body A", "Head H", "Foot F"], True))


@test
def t_untouched_parts_copied(ctx, d):
    png = bytes(range(256)) * 20
    styles = db.XML_DECL + '<w:styles xmlns:w="%s"><!-- keep {me} --></w:styles>' % db.W_NS
    out, text = fill_ok(ctx, d, ["x {a}"], {"a": 1},
                        extra={"word/media/image1.png": png, "word/styles.xml": styles,
                               "customXml/item1.xml": "<data>{not a tag}</data>"})
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        check(z.read("word/media/image1.png") == png, "binary part changed")
        check(z.read("word/styles.xml").decode() == styles, "styles.xml changed")
        check(b"{not a tag}" in z.read("customXml/item1.xml"), "customXml part changed")
    for n in ("[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels"):
        check(n in names, "%s missing from the output" % n)


# -- XML data ----------------------------------------------------------------------------------

@test
def t_xml_data(ctx, d):
    xml = ("<?xml version='1.0' encoding='UTF-8'?><data><name>Ann &amp; Bo</name><item>a</item><item>b</item>"
           "<addr><city>Paris</city></addr><people><p><n>x</n></p><p><n>y</n></p></people>"
           "<城市>北京</城市></data>")
    out, text = fill_ok(ctx, d, ["{name} {#item}[{.}]{/item} {addr.city} {#people.p}{n};{/people.p} {城市}"],
                        ("data.xml", xml))
    check(text == "Ann & Bo [a][b] Paris x;y; 北京", "got %r" % text)
    ctx.produced.append((out, ["Ann & Bo [a][b] Paris x;y; 北京"], True))


@test
def t_xml_data_doctype_rejected(ctx, d):
    xml = ('<?xml version="1.0"?><!DOCTYPE data [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           "<data><name>&e;</name></data>")
    p = fill_fails(ctx, d, ["{name}"], ("data.xml", xml))
    check("root:" not in p.err + p.out, "/etc/passwd content leaked")


@test
def t_xml_data_malformed(ctx, d):
    fill_fails(ctx, d, ["{name}"], ("data.xml", "<data><name>x</nam></data>"))


# -- merge --------------------------------------------------------------------------------------

def merge_tpl(d):
    return db.make_docx(os.path.join(d, "t.docx"), ["Record {name}: {v}"], headers=[["H {name}"]])


@test
def t_merge_basic(ctx, d):
    tpl = merge_tpl(d)
    recs = [{"name": "alpha", "v": 1}, {"name": "张三", "v": 2}, {"name": "O'Brien & Co", "v": 3},
            {"name": "李四 2024", "v": 4}]
    data = wjson(d, "recs.json", recs)
    outd = os.path.join(d, "out")
    p = ctx.xh("merge", tpl, data, "-o", outd, "--name", "{name}.docx")
    check(p.returncode == 0, "merge exit %d: %s" % (p.returncode, p.err[:300]))
    want = sorted(r["name"] + ".docx" for r in recs)
    check(sorted(os.listdir(outd)) == want, "files %s, expected %s" % (sorted(os.listdir(outd)), want))
    for r in recs:
        f = os.path.join(outd, r["name"] + ".docx")
        t = ctx.docx_text(f)
        check(t == "Record %s: %d\n--- word/header1.xml ---\nH %s" % (r["name"], r["v"], r["name"]),
              "%s: got %r" % (r["name"], t))
        probs = ctx.check_package(f)
        check(not probs, "%s: %s" % (f, probs))
        ctx.produced.append((f, ["Record %s: %d" % (r["name"], r["v"]), "H " + r["name"]], True))


@test
def t_merge_pattern_with_dotted_and_literal(ctx, d):
    tpl = merge_tpl(d)
    data = wjson(d, "recs.json", [{"name": "a", "v": 1, "m": {"id": 7}}, {"name": "b", "v": 2, "m": {"id": 8}}])
    outd = os.path.join(d, "out")
    p = ctx.xh("merge", tpl, data, "-o", outd, "--name", "doc-{m.id}-{name}.docx")
    check(p.returncode == 0, "merge exit %d: %s" % (p.returncode, p.err[:300]))
    check(sorted(os.listdir(outd)) == ["doc-7-a.docx", "doc-8-b.docx"], "files %s" % os.listdir(outd))


@test
def t_merge_xml_records(ctx, d):
    tpl = merge_tpl(d)
    data = wtext(d, "recs.xml", "<records><rec><name>x1</name><v>10</v></rec>"
                                "<rec><name>x2</name><v>20</v></rec><rec><name>x3</name><v>30</v></rec></records>")
    outd = os.path.join(d, "out")
    p = ctx.xh("merge", tpl, data, "-o", outd, "--name", "{name}.docx")
    check(p.returncode == 0, "merge exit %d: %s" % (p.returncode, p.err[:300]))
    check(sorted(os.listdir(outd)) == ["x1.docx", "x2.docx", "x3.docx"], "files %s" % os.listdir(outd))
    check(ctx.docx_text(os.path.join(outd, "x2.docx")).startswith("Record x2: 20"), "x2 content wrong")


@test
def t_merge_parallel_same_bytes(ctx, d):
    tpl = merge_tpl(d)
    data = wjson(d, "recs.json", [{"name": "r%02d" % i, "v": i} for i in range(24)])
    o1, o2 = os.path.join(d, "o1"), os.path.join(d, "o2")
    p1 = ctx.xh("merge", tpl, data, "-o", o1, "--name", "{name}.docx", "-j", "1")
    p2 = ctx.xh("merge", tpl, data, "-o", o2, "--name", "{name}.docx", "-j", "4")
    check(p1.returncode == 0 and p2.returncode == 0, "exit %d / %d: %s" % (p1.returncode, p2.returncode, p2.err[:200]))
    n1, n2 = sorted(os.listdir(o1)), sorted(os.listdir(o2))
    check(len(n1) == 24 and n1 == n2, "file lists differ: %d vs %d" % (len(n1), len(n2)))
    for n in n1:
        with open(os.path.join(o1, n), "rb") as a, open(os.path.join(o2, n), "rb") as b:
            check(a.read() == b.read(), "%s differs between -j 1 and -j 4" % n)


def merge_must_fail(ctx, d, recs, pattern="{name}.docx", code=1, mkdir=True):
    tpl = merge_tpl(d)
    data = wjson(d, "recs.json", recs)
    outd = os.path.join(d, "out")
    if mkdir:
        os.mkdir(outd)
    before = listing(d)
    p = ctx.xh("merge", tpl, data, "-o", outd, "--name", pattern, cwd=d)
    check(p.returncode == code, "expected exit %d, got %d: %s" % (code, p.returncode, p.err[:300]))
    check(p.err.strip(), "no message on stderr")
    check(listing(d) == before, "files written: %s" % (sorted(set(listing(d)) - set(before))))
    parent = os.path.dirname(d)
    check(not any(f.startswith("x.docx") or f == "evil.docx" for f in os.listdir(parent)),
          "a file was written outside the output folder: %s" % os.listdir(parent))
    return p


@test
def t_merge_duplicate_names(ctx, d):
    p = merge_must_fail(ctx, d, [{"name": "a", "v": 1}, {"name": "b", "v": 2}, {"name": "a", "v": 3}])
    check("a.docx" in p.err, "stderr does not name the duplicate file name: %r" % p.err[:300])


@test
def t_merge_duplicate_names_new_dir(ctx, d):
    merge_must_fail(ctx, d, [{"name": "a", "v": 1}, {"name": "a", "v": 2}], mkdir=False)
    check(not os.path.exists(os.path.join(d, "out")) or os.listdir(os.path.join(d, "out")) == [],
          "files written")


@test
def t_merge_name_dotdot(ctx, d):
    merge_must_fail(ctx, d, [{"name": "ok", "v": 1}, {"name": "../x", "v": 2}])


@test
def t_merge_name_slash(ctx, d):
    merge_must_fail(ctx, d, [{"name": "sub/x", "v": 1}])


@test
def t_merge_name_absolute(ctx, d):
    merge_must_fail(ctx, d, [{"name": "/tmp/xhgen-evil-%d" % os.getpid(), "v": 1}])
    check(not os.path.exists("/tmp/xhgen-evil-%d.docx" % os.getpid()), "file written at absolute path")


@test
def t_merge_name_backslash(ctx, d):
    merge_must_fail(ctx, d, [{"name": "a\\b", "v": 1}])


@test
def t_merge_name_dotdot_alone(ctx, d):
    merge_must_fail(ctx, d, [{"name": "..", "v": 1}], pattern="{name}")


@test
def t_merge_name_empty(ctx, d):
    merge_must_fail(ctx, d, [{"name": "", "v": 1}], pattern="{name}")


@test
def t_merge_name_control_char(ctx, d):
    for i, name in enumerate(["a\u0001b", "a\nb", "tab\there"]):
        sub = os.path.join(d, str(i))
        os.mkdir(sub)
        merge_must_fail(ctx, sub, [{"name": name, "v": 1}])


@test
def t_merge_bad_record_writes_nothing(ctx, d):
    merge_must_fail(ctx, d, [{"name": "a", "v": 1}, {"name": "b", "v": 2}, {"name": "c"}])


@test
def t_merge_data_not_a_list(ctx, d):
    merge_must_fail(ctx, d, {"name": "a", "v": 1})


@test
def t_merge_template_error(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{#x} unclosed {name}"])
    data = wjson(d, "recs.json", [{"name": "a"}, {"name": "b"}])
    outd = os.path.join(d, "out")
    os.mkdir(outd)
    p = ctx.xh("merge", tpl, data, "-o", outd, "--name", "{name}.docx")
    check(p.returncode == 1, "exit %d" % p.returncode)
    check(os.listdir(outd) == [], "files written: %s" % os.listdir(outd))
    check("{#x}" in p.err, "tag not named: %r" % p.err[:300])


# -- hostile input ----------------------------------------------------------------------------------

def hostile(ctx, d, tpl, data=None, limit=None):
    data = data or wjson(d, "data.json", {"name": "x", "e": "x"})
    out = os.path.join(d, "o.docx")
    p = ctx.xh("fill", tpl, data, "-o", out)
    check(p.returncode == 1, "expected exit 1, got %d: %s" % (p.returncode, p.err[:300]))
    check(not os.path.exists(out), "output written")
    check(p.err.strip(), "no message on stderr")
    if limit:
        lim = limit * (4 if ctx.asan else 1)
        check(p.elapsed < lim, "took %.1f s (limit %.0f s)" % (p.elapsed, lim))
    return p


@test
def t_hostile_xxe_external_entity(ctx, d):
    doc = db.document_xml(["Hello &e; {name}"],
                          prolog='<!DOCTYPE w:document [<!ENTITY e SYSTEM "file:///etc/passwd">]>')
    doc = doc.replace("Hello &amp;e;", "Hello &e;")
    tpl = db.make_docx(os.path.join(d, "t.docx"), document=doc)
    p = hostile(ctx, d, tpl)
    check("root:" not in p.err + p.out, "/etc/passwd content leaked into the messages")


@test
def t_hostile_internal_entity(ctx, d):
    doc = db.document_xml(["x"], prolog='<!DOCTYPE w:document [<!ENTITY e "boom">]>')
    hostile(ctx, d, db.make_docx(os.path.join(d, "t.docx"), document=doc))


@test
def t_hostile_billion_laughs(ctx, d):
    ents = ['<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        ents.append('<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1)) * 10))
    doc = db.document_xml(["PLACEHOLDER"], prolog="<!DOCTYPE w:document [%s]>" % "".join(ents))
    doc = doc.replace("PLACEHOLDER", "&lol9;")
    hostile(ctx, d, db.make_docx(os.path.join(d, "t.docx"), document=doc), limit=10)


@test
def t_hostile_doctype_in_header(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{name}"], headers=[["h"]])
    # rewrite the header with an external entity
    bad = db.part_xml("hdr", ["&e;"]).replace("&amp;e;", "&e;").replace(
        "<w:hdr", '<!DOCTYPE w:hdr [<!ENTITY e SYSTEM "file:///etc/passwd">]><w:hdr', 1)
    tpl2 = os.path.join(d, "t2.docx")
    with zipfile.ZipFile(tpl) as zi, zipfile.ZipFile(tpl2, "w", zipfile.ZIP_DEFLATED) as zo:
        for i in zi.infolist():
            zo.writestr(i.filename, bad if i.filename == "word/header1.xml" else zi.read(i.filename))
    p = hostile(ctx, d, tpl2)
    check("root:" not in p.err + p.out, "/etc/passwd leaked")


def with_entry(d, name, data=b"evil"):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["Hello {name}"], extra={name: data})
    return tpl


@test
def t_hostile_zip_dotdot_entry(ctx, d):
    work = os.path.join(d, "w")
    os.mkdir(work)
    tpl = with_entry(work, "../evil")
    hostile(ctx, work, tpl)
    check(not os.path.exists(os.path.join(d, "evil")), "../evil was written")


@test
def t_hostile_zip_nested_dotdot_entry(ctx, d):
    hostile(ctx, d, with_entry(d, "word/../../evil2"))


@test
def t_hostile_zip_absolute_entry(ctx, d):
    name = "/tmp/xhgen-abs-%d" % os.getpid()
    hostile(ctx, d, with_entry(d, name))
    check(not os.path.exists(name), "absolute entry written")


@test
def t_hostile_not_a_zip(ctx, d):
    tpl = wtext(d, "t.docx", "this is plain text, not a DOCX\n" * 20)
    p = hostile(ctx, d, tpl)
    check("t.docx" in p.err, "stderr does not name the template: %r" % p.err[:200])


@test
def t_hostile_empty_file(ctx, d):
    hostile(ctx, d, wtext(d, "t.docx", b""))


@test
def t_hostile_truncated_zip(ctx, d):
    tpl = db.make_docx(os.path.join(d, "full.docx"), ["Hello {name}"] * 50)
    with open(tpl, "rb") as f:
        raw = f.read()
    for i, cut in enumerate((len(raw) // 2, len(raw) - 10)):
        sub = os.path.join(d, str(i))
        os.mkdir(sub)
        hostile(ctx, sub, wtext(sub, "t.docx", raw[:cut]))


@test
def t_hostile_corrupt_deflate(ctx, d):
    tpl = db.make_docx(os.path.join(d, "full.docx"), ["Hello {name} " * 200])
    with open(tpl, "rb") as f:
        raw = bytearray(f.read())
    with zipfile.ZipFile(tpl) as z:
        info = z.getinfo("word/document.xml")
    # flip bytes in the middle of document.xml's compressed data (CRC no longer matches)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(10, min(40, info.compress_size - 5)):
        raw[start + k] ^= 0x5A
    hostile(ctx, d, wtext(d, "t.docx", bytes(raw)))


@test
def t_hostile_no_document_xml(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["x"], skip=("word/document.xml",))
    hostile(ctx, d, tpl)


@test
def t_hostile_malformed_document_xml(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), document="<w:document><w:body><w:p></w:body>")
    hostile(ctx, d, tpl)


@test
def t_hostile_deep_json(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{name}"])
    data = wtext(d, "data.json", '{"name":"x","deep":' + "[" * 200000 + "]" * 200000 + "}")
    p = ctx.xh("fill", tpl, data, "-o", os.path.join(d, "o.docx"))
    check(p.returncode in (0, 1), "exit %d" % p.returncode)


@test
def t_hostile_deep_xml_data(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{name}"])
    data = wtext(d, "data.xml", "<d><name>x</name>" + "<a>" * 100000 + "</a>" * 100000 + "</d>")
    p = ctx.xh("fill", tpl, data, "-o", os.path.join(d, "o.docx"))
    check(p.returncode in (0, 1), "exit %d" % p.returncode)


@test
def t_hostile_deep_sections(ctx, d):
    n = 3000
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["".join("{#a}" for _ in range(n)) + "x" +
                                                   "".join("{/a}" for _ in range(n))])
    data = wjson(d, "data.json", {"a": True})
    p = ctx.xh("fill", tpl, data, "-o", os.path.join(d, "o.docx"))
    check(p.returncode in (0, 1), "exit %d" % p.returncode)
    if p.returncode == 0:
        check(ctx.docx_text(os.path.join(d, "o.docx")) == "x", "wrong text")


# -- tags -----------------------------------------------------------------------------------------

@test
def t_tags_listing(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"),
                       ["Hello {name}", "{#rows}", ["{", (".", "<w:b/>"), "}"], "{/rows}",
                        "{^empty}none{/empty}", db.table([["{#r}{a.b}", "{/r}"]])],
                       headers=[["{title}"]], footers=[["x", "p {page.no}"]])
    p = ctx.xh("tags", tpl)
    check(p.returncode == 0, "tags exit %d: %s" % (p.returncode, p.err[:200]))
    rows = []
    for l in p.out.splitlines():
        if not l.strip():
            continue
        f = l.split("\t")
        check(len(f) == 4, "not 4 tab-separated fields: %r" % l)
        m = re.match(r"^paragraph (\d+)$", f[1])
        check(m, "second field is not 'paragraph N': %r" % l)
        tag = f[3].strip()
        if not tag.startswith("{"):
            tag = "{" + tag + "}"
        rows.append((f[0], int(m.group(1)), f[2], tag))
    got = {(r[0], r[1], r[3]) for r in rows}
    want = {("word/document.xml", 1, "{name}"), ("word/document.xml", 2, "{#rows}"),
            ("word/document.xml", 3, "{.}"), ("word/document.xml", 5, "{^empty}"),
            ("word/document.xml", 6, "{#r}"), ("word/document.xml", 6, "{a.b}"),
            ("word/header1.xml", 1, "{title}"), ("word/footer1.xml", 2, "{page.no}")}
    check(want <= got, "missing from the listing: %s (got %s)" % (sorted(want - got), sorted(got)))
    closes = {("word/document.xml", 4, "{/rows}"), ("word/document.xml", 5, "{/empty}"),
              ("word/document.xml", 7, "{/r}")}
    extra = got - want - closes
    check(not extra, "unexpected entries: %s" % sorted(extra))
    kind = {r[3]: r[2] for r in rows}
    check(kind["{name}"] != kind["{#rows}"] and kind["{#rows}"] != kind["{^empty}"]
          and kind["{name}"] != kind["{^empty}"],
          "KIND does not tell a value, a section and an inverted section apart: %s" % kind)
    check(kind["{name}"] == kind["{title}"] == kind["{a.b}"], "KIND of plain tags differs: %s" % kind)
    check(not os.path.exists(os.path.join(d, "o.docx")), "tags wrote a file")


@test
def t_tags_broken_template(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{#a}", "x"])
    p = ctx.xh("tags", tpl)
    check(p.returncode == 1, "tags on a broken template: exit %d" % p.returncode)
    check("{#a}" in p.err, "error not named: %r" % p.err[:200])


# -- determinism, package ---------------------------------------------------------------------------

@test
def t_deterministic(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["Hello {name}", "{#l}", "{.}", "{/l}"],
                       headers=[["{name}"]])
    data = wjson(d, "data.json", {"name": "N", "l": [1, 2, 3]})
    o1, o2 = os.path.join(d, "o1.docx"), os.path.join(d, "o2.docx")
    p = ctx.xh("fill", tpl, data, "-o", o1)
    check(p.returncode == 0, "exit %d" % p.returncode)
    time.sleep(2.1)  # zip times have 2 s resolution: a clock-based stamp would now differ
    p = ctx.xh("fill", tpl, data, "-o", o2)
    check(p.returncode == 0, "exit %d" % p.returncode)
    with open(o1, "rb") as a, open(o2, "rb") as b:
        check(a.read() == b.read(), "two runs of the same inputs differ")
    with zipfile.ZipFile(o1) as z:
        stamps = {i.date_time for i in z.infolist()}
    check(len(stamps) == 1, "zip entries carry different timestamps: %s" % sorted(stamps))
    today = time.localtime()[:3]
    check(list(stamps)[0][:3] != tuple(today) and list(stamps)[0][:3] != time.gmtime()[:3],
          "zip timestamps are today's date, not fixed: %s" % stamps)


@test
def t_large_table_fast(ctx, d):
    tbl = db.table([["#", "Name", "Amount"], ["{#rows}{i}", "{name}", "{amount}{/rows}"]])
    rows = [{"i": i, "name": "名字 %d & co" % i, "amount": "%d.%02d" % (i * 7, i % 100)} for i in range(5000)]
    tpl = db.make_docx(os.path.join(d, "t.docx"), [tbl])
    data = wjson(d, "data.json", {"rows": rows})
    out = os.path.join(d, "o.docx")
    p = ctx.xh("fill", tpl, data, "-o", out)
    check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.err[:200]))
    lim = 40 if ctx.asan else 10
    check(p.elapsed < lim, "5000-row table took %.1f s" % p.elapsed)
    trs = doc_root(out).findall(".//%str" % W)
    check(len(trs) == 5001, "expected 5001 rows, got %d" % len(trs))


# -- more values, real-editor artefacts, limits ----------------------------------------------------

def parts_well_formed(path):
    import xml.etree.ElementTree as ET
    bad = []
    with zipfile.ZipFile(path) as z:
        for n in z.namelist():
            if n.endswith(".xml") or n.endswith(".rels"):
                try:
                    ET.fromstring(z.read(n))
                except ET.ParseError as e:
                    bad.append("%s: %s" % (n, e))
    return bad


@test
def t_noncharacter_in_value(ctx, d):
    # U+FFFE / U+FFFF are not XML characters: an error naming the tag (as docxtemplater's
    # invalid_xml_characters), or at the very least a well-formed document
    for i, v in enumerate(["a\ufffeb", "a\uffffb"]):
        sub = os.path.join(d, str(i))
        os.mkdir(sub)
        tpl = db.make_docx(os.path.join(sub, "t.docx"), ["Value: {val}"])
        data = wjson(sub, "data.json", {"val": v})
        out = os.path.join(sub, "o.docx")
        p = ctx.xh("fill", tpl, data, "-o", out)
        if p.returncode == 1:
            check("val" in p.err, "exit 1 but the tag is not named: %r" % p.err[:200])
            check(not os.path.exists(out), "output left behind")
        else:
            check(p.returncode == 0, "exit %d" % p.returncode)
            bad = parts_well_formed(out)
            check(not bad, "value %r: exit 0 but the output is not well-formed XML: %s" % (v, bad[0]))


@test
def t_word_artefacts_inside_tags(ctx, d):
    # what Word leaves between the runs of a tag: proofing marks, bookmarks, smart tags,
    # tracked insertions; a tracked deletion's w:delText is not template text
    def r(t, rpr=""):
        return '<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>' % ("<w:rPr>%s</w:rPr>" % rpr if rpr else "", t)
    paras = [
        "<w:p>%s<w:proofErr w:type=\"spellStart\"/>%s<w:proofErr w:type=\"spellEnd\"/>%s</w:p>"
        % (r("A {na"), r("me", "<w:b/>"), r("}")),
        "<w:p>%s<w:bookmarkStart w:id=\"0\" w:name=\"bm\"/>%s<w:bookmarkEnd w:id=\"0\"/></w:p>"
        % (r("B {na"), r("me}")),
        "<w:p>%s<w:smartTag w:uri=\"u\" w:element=\"e\">%s</w:smartTag>%s</w:p>" % (r("C {"), r("name"), r("}")),
        "<w:p>%s<w:ins w:id=\"1\" w:author=\"a\" w:date=\"2020-01-01T00:00:00Z\">%s</w:ins></w:p>"
        % (r("D {na"), r("me}")),
        "<w:p>%s<w:del w:id=\"2\" w:author=\"a\" w:date=\"2020-01-01T00:00:00Z\"><w:r><w:delText>{gone</w:delText></w:r></w:del>%s</w:p>"
        % (r("E {name}"), r(".")),
        "<w:p>%s<w:r><w:pict><v:shape xmlns:v=\"urn:schemas-microsoft-com:vml\"><v:textbox><w:txbxContent>"
        "<w:p><w:r><w:t>box {box}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
        % r("F {name}"),
    ]
    out, text = fill_ok(ctx, d, paras, {"name": "Ann", "box": "B"})
    check(text == "A Ann\nB Ann\nC Ann\nD Ann\nE Ann.\nF Ann\nbox B", "got %r" % text)


@test
def t_zip_bomb(ctx, d):
    doc = db.document_xml(["x {name}"])
    i = doc.index("<w:body>")
    tpl = db.make_docx(os.path.join(d, "t.docx"), document=doc[:i] + " " * (400 << 20) + doc[i:])
    data = wjson(d, "data.json", {"name": "n"})
    p = ctx.xh("fill", tpl, data, "-o", os.path.join(d, "o.docx"), timeout=120)
    check(p.returncode in (0, 1), "exit %d" % p.returncode)
    lim = 60 if ctx.asan else 15
    check(p.elapsed < lim, "a 400 MB document.xml (400 KB zipped) took %.1f s" % p.elapsed)


@test
def t_merge_pattern_with_slash(ctx, d):
    merge_must_fail(ctx, d, [{"name": "a", "v": 1}], pattern="sub/{name}.docx")
    sub = os.path.join(d, "x")
    os.mkdir(sub)
    merge_must_fail(ctx, sub, [{"name": "a", "v": 1}], pattern="../{name}.docx")


def fsize_limit(nbytes):
    def f():
        import resource
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
    return f


@test
def t_disk_full_fill(ctx, d):
    # `ulimit -f`: the write fails part-way; xhgen must report a system failure (exit 3),
    # not die of SIGXFSZ, and leave no half-written or temporary file
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{#l}{.} some padding text so that the output grows {.}{/l}"])
    data = wjson(d, "data.json", {"l": ["value number %d" % i for i in range(20000)]})
    before = listing(d)
    out = os.path.join(d, "o.docx")
    cmd = [ctx.xhgen_path, "fill", tpl, data, "-o", out]
    import subprocess
    p = subprocess.run(cmd, capture_output=True, env=ctx.env, timeout=ctx.timeout,
                       preexec_fn=fsize_limit(20 * 1024))
    err = p.stderr.decode("utf-8", "replace")
    after = listing(d)
    check(after == before, "files left behind: %s" % sorted(set(after) - set(before)))
    check(p.returncode == 3, "expected exit 3 (system failure), got %s%s"
          % (p.returncode, " (killed by SIGXFSZ: the signal is not ignored)" if p.returncode == -25 else ""))
    check(err.strip(), "no message on stderr")


@test
def t_disk_full_merge(ctx, d):
    tpl = db.make_docx(os.path.join(d, "t.docx"), ["{name}: {#l}{.} padding padding padding {.}{/l}"])
    recs = [{"name": "r%d" % k, "l": ["value %d-%d" % (k, i) for i in range(3000 * k)]} for k in range(1, 6)]
    data = wjson(d, "recs.json", recs)
    outd = os.path.join(d, "out")
    os.mkdir(outd)
    import subprocess
    p = subprocess.run([ctx.xhgen_path, "merge", tpl, data, "-o", outd, "--name", "{name}.docx", "-j", "2"],
                       capture_output=True, env=ctx.env, timeout=ctx.timeout,
                       preexec_fn=fsize_limit(30 * 1024))
    left = os.listdir(outd)
    check(all(re.match(r"^r\d\.docx$", f) for f in left), "temporary files left: %s" % left)
    for f in left:  # whatever is there is complete
        check(not ctx.check_package(os.path.join(outd, f)), "%s is not a complete DOCX" % f)
    check(p.returncode == 3, "expected exit 3, got %s" % p.returncode)


# -- driver ---------------------------------------------------------------------------------------

run = TESTS.run


# -- documentation: README.md and gen/xhgen.1 agree with --help ------------------------------------
# (README.md and the man page are written by hand; these tests keep them in step with main.c's
# option table.  They are registered with @test like every test above.)

def help_usage_lines(text):
    """The `usage:` line of a help or README text and the `       xhgen ...` lines after it."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("usage: xhgen "):
            out = [line]
            for nxt in lines[i + 1:]:
                if not re.match(r"^ +xhgen ", nxt):
                    break
                out.append(nxt)
            return out
    return []


def help_long_options(text):
    return sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]*[a-z]", text)))


def roff_plain(text):
    """Man page source with font escapes dropped and \\- read as -."""
    return re.sub(r"\\f(\[[^]]*\]|\(..|.)", "", text).replace("\\-", "-")


@test
def t_docs_readme_usage(ctx, d):
    p = ctx.xh("--help")
    check(p.returncode == 0, "--help exit %d" % p.returncode)
    want = help_usage_lines(p.out)
    check(len(want) >= 3, "--help has no usage: block: %r" % p.out[:300])
    with open(os.path.join(ctx.root, "README.md"), encoding="utf-8") as f:
        got = help_usage_lines(f.read())
    check(got == want, "README.md usage lines differ from --help:\n%s\nvs\n%s"
          % ("\n".join(got), "\n".join(want)))


@test
def t_docs_options(ctx, d):
    p = ctx.xh("--help")
    check(p.returncode == 0, "--help exit %d" % p.returncode)
    opts = help_long_options(p.out)
    check("--help" in opts and "--allow-missing" in opts, "no long options found in --help: %s" % opts)
    with open(os.path.join(ctx.root, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    with open(os.path.join(ctx.root, "gen", "xhgen.1"), encoding="ascii") as f:
        man = roff_plain(f.read())
    for where, text in (("README.md", readme), ("gen/xhgen.1", man)):
        missing = [o for o in opts if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(o), text)]
        check(not missing, "%s does not mention %s" % (where, ", ".join(missing)))
    for sec in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "TEMPLATE SYNTAX", "DATA",
                "EXIT STATUS", "FILES", "EXAMPLES", "SEE ALSO"):
        check(re.search(r"^\.SH \"?%s\"?$" % sec, man, re.M), "gen/xhgen.1 has no %s section" % sec)
