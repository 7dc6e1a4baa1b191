"""templates/验收汇总.docx — the acceptance summary of a year (DOMAIN.md §2.3, issue 5).

Run from the checkout's top folder:  python3 templates/src/验收汇总.py
It writes templates/验收汇总.docx with ooxml.py (GB/T 9704 layout).  `xhgen accept` fills it
once per year; the tags are listed in templates/README.md ("验收汇总.docx").

Title; the counts (projects, 通过, 不通过, by class); the money (approved, paid, spent, the
balance and the execution rate, the approved total also in 人民币大写); where the panel's
conclusion differs from the rules'; the projects concluded 不通过 and next year's exclusion;
the table of every project with its conclusion and a 合计 row; the issuer and the date line.
"""
from ooxml import Cell, Doc, out_path, right_indented, no_hanging_punctuation


def main():
    d = Doc(title_for_props="项目验收情况汇总")
    d.title("{year}年度威海市学会创新和服务能力提升工程")
    d.title("项目验收情况汇总")
    d.blank()
    d.p("根据《威海市学会创新和服务能力提升工程实施方案》，{issuer}对{year}年度立项的{n}个项目"
        "进行了结项验收。验收材料提交截止日期为{deadline | date}，党建、业务、财务等工作负责人员"
        "组成验收组，逐项审核了验收材料、资金拨付和经费支出情况。")
    d.h1("一、验收结果")
    d.p("{n}个项目中，验收通过{npass}项，不通过{nfail}项。"
        "{#classes}{class_label}项目{n}项，通过{npass}项，不通过{nfail}项{sep}{/classes}")
    d.h1("二、资金情况")
    d.p("核定资助金额合计{approved | yuan}元（人民币{approved | cny}），已拨付{disbursed | yuan}元，"
        "已支出{spent | yuan}元，结余{balance}元，资金执行率{rate}（已支出÷核定金额）。")
    d.h1("三、项目验收情况汇总表")
    d.p("单位：元", style="Plain", align="right")
    d.table([12.5, 22, 23, 12.5, 22, 22, 22, 20], [
        ["序号", "学会名称", "项目名称", "类别", "核定金额", "已拨付", "已支出", "验收结论"],
        [Cell("{#rows}{no}", align="center"), "{society}", "{title}", Cell("{class}", align="center"),
         Cell("{approved | yuan}", align="right"), Cell("{disbursed | yuan}", align="right"),
         Cell("{spent | yuan}", align="right"), Cell("{conclusion}{/rows}", align="center")],
        [Cell("合计（{n}项）", span=4, align="center"), Cell("{approved | yuan}", align="right"),
         Cell("{disbursed | yuan}", align="right"), Cell("{spent | yuan}", align="right"),
         Cell("通过{npass}项", align="center")],
    ], header_rows=1)
    d.h1("四、验收不通过的项目")
    d.p("{#has_failed}")
    d.p("以下项目验收不通过，按照实施方案取消所在学会{next_year}年度扶持资格：")
    d.p("{#failed}")
    d.p("{no}．{society}承担的{title}项目（{id}）：{reason}。")
    d.p("{/failed}")
    d.p("{/has_failed}")
    d.p("{^has_failed}")
    d.p("本年度没有验收不通过的项目。")
    d.p("{/has_failed}")
    d.p("{#has_disagree}")
    d.h1("五、验收组结论与规则结论不一致的项目")
    d.p("{#disagreements}")
    d.p("{society}（{id}）：验收组结论为“{panel_conclusion}”，按规则得出的结论为“{rules_conclusion}”，"
        "以验收组结论为准。")
    d.p("{/disagreements}")
    d.p("{/has_disagree}")
    d.blank()
    d.p("{issuer}", style="Plain", align="right")
    right_indented(d, 2)
    d.p("{year}年　　月　　日", style="Plain", align="right")
    right_indented(d, 2)
    no_hanging_punctuation(d)
    d.save(out_path(__file__))


if __name__ == "__main__":
    main()
