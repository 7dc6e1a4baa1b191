"""`xhgen tags TEMPLATE [RECORDS]`: the fields a template needs that a record file does not have
(group `cli`).  A merge over RECORDS fills the template from one row at a time, so every tag's
name must be a column, by its header or by the SCHEMA.md id a record type's Chinese header
stands for; the items of a list the records lack are reported once, at the section."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import docxbuild as db  # noqa: E402
from run import check  # noqa: E402
from cases import Cases  # noqa: E402

TESTS = Cases("tags/")
test = TESTS.add


def template(d):
    return db.make_docx(os.path.join(d, "t.docx"), [
        "{name}，电话 {phone | mask}",
        "{#rows}{x}{^last}、{/last}{/rows}",
        "信用代码 {credit_code}，又见 {credit_code}",
        "{#members}会员 {members} 人{/members}"],
        headers=[["{name}"]])


@test
def t_missing_fields(ctx, d):
    tpl = template(d)
    rec = os.path.join(d, "societies.csv")
    with open(rec, "w", encoding="utf-8-sig") as f:
        f.write("学会编号,学会名称,联系电话,会员人数\nS01,威海市机械工程学会,13806312845,386\n")
    p = ctx.xh("tags", tpl, rec)
    check(p.returncode == 1, "exit %d" % p.returncode)
    check("\tvalue\t{name}" in p.out, "the tags are still listed: %r" % p.out[:200])
    lines = [l for l in p.err.splitlines() if "no column" in l]
    names = [l.split('no column "')[1].split('"')[0] for l in lines]
    check(names == ["rows", "credit_code"], "missing fields reported: %s" % names)
    check("paragraph 2: {#rows}" in lines[0] and "word/document.xml" in lines[0], lines[0])
    check("2 fields the template needs are not in" in p.err, "no summary: %s" % p.err[-200:])


@test
def t_all_there(ctx, d):
    tpl = template(d)
    rec = os.path.join(d, "r.csv")
    with open(rec, "w", encoding="utf-8") as f:
        f.write("name,phone,rows,x,last,credit_code,members\n甲,1,,x,,X,3\n")
    p = ctx.xh("tags", tpl, rec)
    check(p.returncode == 0 and not p.err, "exit %d: %s" % (p.returncode, p.err))


@test
def t_usage(ctx, d):
    tpl = template(d)
    check(ctx.xh("tags", tpl, "a.csv", "b.csv").returncode == 2, "three operands")
    p = ctx.xh("tags", tpl, os.path.join(d, "none.csv"))
    check(p.returncode == 1 and "none.csv" in p.err, "a missing record file: %d %s" % (p.returncode, p.err))


run = TESTS.run
