"""templates/验收结论书.docx — the acceptance conclusion of one project (DOMAIN.md §2.3, issue 5).

Run from the checkout's top folder:  python3 templates/src/验收结论书.py
It writes templates/验收结论书.docx with ooxml.py (GB/T 9704 layout).  `xhgen accept` fills it
once per approved project; the tags are listed in templates/README.md ("验收结论书.docx").

Title, the project's data (table), 一、任务完成情况, 二、经费使用情况 (approved / paid / spent /
balance, then spending by category against the budget), 三、党建与组织管理情况, 四、存在问题
(every finding, numbered), 五、验收结论 (☑通过 ☐不通过, the reasons, the rule behind it, and the
panel's conclusion beside the rules' when they differ), 六、验收组成员 (the record's members and
a signature table), then the seal line and the date.  Money comes as the plain number of 元
("50000.00") and is formatted by the yuan and cny filters; dates as ISO text for the date filter.
"""
from ooxml import Cell, Doc, out_path, right_indented, no_hanging_punctuation


def main():
    d = Doc(title_for_props="项目验收结论书")
    d.title("威海市学会创新和服务能力提升工程")
    d.title("项目验收结论书")
    d.subtitle("（{year}年度）")
    d.blank()
    d.table([30, 48, 30, 48], [
        [Cell("项目编号", shade="F2F2F2"), "{id}", Cell("项目类别", shade="F2F2F2"), "{class_label}"],
        [Cell("学会名称", shade="F2F2F2"), Cell("{society}", span=3)],
        [Cell("统一社会信用代码", shade="F2F2F2"), Cell("{credit_code}", span=3)],
        [Cell("项目名称", shade="F2F2F2"), Cell("{title}", span=3)],
        [Cell("实施周期", shade="F2F2F2"),
         Cell('{start | date | default:"未填写"}至{end | date | default:"未填写"}', span=3)],
        [Cell("核定金额（元）", shade="F2F2F2"), "{approved | yuan}",
         Cell("核定依据", shade="F2F2F2"), "{source}"],
        [Cell("验收材料提交日期", shade="F2F2F2"), '{submitted | date | default:"未提交"}',
         Cell("提交截止日期", shade="F2F2F2"), "{deadline | date}"],
    ], header_rows=0)

    d.h1("一、任务完成情况")
    d.p("任务完成情况：{tasks}。")
    d.p('业务意见：{business_opinion | default:"未填写"}')

    d.h1("二、经费使用情况")
    d.p("核定资助金额{approved | yuan}元（人民币{approved | cny}），已拨付{disbursed | yuan}元，"
        "已支出{spent | yuan}元，结余{balance}元，执行率{rate}（已支出÷核定金额）。")
    d.table([31, 31, 31, 31, 32], [
        ["核定金额（元）", "已拨付（元）", "已支出（元）", "结余（元）", "执行率"],
        [Cell("{approved | yuan}", align="right"), Cell("{disbursed | yuan}", align="right"),
         Cell("{spent | yuan}", align="right"), Cell("{balance}", align="right"),
         Cell("{rate}", align="center")],
    ], header_rows=1)
    d.p("按经费类别，预算与实际支出如下（单位：元）：")
    d.table([12, 38, 28, 28, 28, 22], [
        ["序号", "经费类别", "预算金额", "实际支出", "差额", "执行率"],
        [Cell("{#cats}{no}", align="center"), "{category}", Cell("{budget | yuan}", align="right"),
         Cell("{spent | yuan}", align="right"), Cell("{diff}", align="right"),
         Cell("{rate}{/cats}", align="center")],
        [Cell("合计", span=2, align="center"), Cell("{cats_budget | yuan}", align="right"),
         Cell("{cats_spent | yuan}", align="right"), Cell("{cats_diff}", align="right"),
         Cell("{cats_rate}", align="center")],
    ], header_rows=1)
    d.p("财务意见：{finance}。")

    d.h1("三、党建与组织管理情况")
    d.p('党建意见：{party_opinion | default:"未填写"}')

    d.h1("四、存在问题")
    d.p("{#findings}")
    d.p("{no}．{text}。")
    d.p("{/findings}")
    d.p("{^findings}")
    d.p("经核查，未发现问题。")
    d.p("{/findings}")

    d.h1("五、验收结论")
    d.p("{box_pass}通过　　{box_fail}不通过", style="Plain", align="center")
    d.p("验收结论：{conclusion}。")
    d.p("{#pass}")
    d.p("{#clean}该项目完成申报书确定的目标任务，经费使用符合规定，{/clean}同意通过验收。"
        "{#has_findings}第四部分所列情况，请学会说明或限期整改。{/has_findings}")
    d.p("{/pass}")
    d.p("{#fail}")
    d.p("验收不通过，取消该学会{next_year}年度扶持资格。")
    d.p("{#reasons}")
    d.p("不通过的原因（{no}）：{text}。")
    d.p("{/reasons}")
    d.p("{/fail}")
    d.p("依据：{basis}。")
    d.p("{#disagree}")
    d.p("注：上述结论为验收组结论。按规则得出的结论为“{rules_conclusion}”"
        "{#reasons}（{text}）{/reasons}，与验收组结论不一致，以验收组结论为准。规则：{rules_rule}。")
    d.p("{/disagree}")
    d.p("{#note}")
    d.p("备注：{note}")
    d.p("{/note}")

    d.h1("六、验收组成员")
    d.p('验收组成员：{experts | default:"未填写"}')
    d.table([30, 40, 30, 26, 30], [
        ["姓名", "部门", "职务", "分工", "签字"],
        ["", "", "", Cell("党建", align="center"), ""],
        ["", "", "", Cell("业务", align="center"), ""],
        ["", "", "", Cell("财务", align="center"), ""],
    ], header_rows=1)
    d.blank()
    # sealed document: the issuer centred over the date, the date 4 characters from the right
    d.p("{issuer}（盖章）", style="Plain", align="right")
    right_indented(d, 3)
    d.p("{year}年　　月　　日", style="Plain", align="right")
    right_indented(d, 4)
    no_hanging_punctuation(d)
    d.save(out_path(__file__))


if __name__ == "__main__":
    main()
