"""templates/公示.docx — the publicity notice of the proposed projects (DOMAIN.md §2.2, issue 5).

Run from the checkout's top folder:  python3 templates/src/公示.py
It writes templates/公示.docx with ooxml.py (GB/T 9704 layout).  `xhgen notice` fills it; the
tags are listed in templates/README.md ("公示.docx").  Page 1: title, opening, the publicity
period, how to object, the contact channel, 附件 line, issuer and date; then the attachment:
the list by class (A, B, 推广) with subtotals, the total and the total in 人民币大写.
"""
from ooxml import Cell, Doc, R, HEITI, out_path, right_indented


LIST_NAME = "{year}年度威海市学会创新和服务能力提升工程拟立项项目名单"


def off_grid(d):
    """The last paragraph (a 二号 title) keeps its exact 28.95 pt lines instead of snapping to
    two lines of the document grid each: LibreOffice gives a 22 pt line two grid lines."""
    last = d.body.pop()
    d.body.append(last.replace("<w:spacing ", '<w:snapToGrid w:val="0"/><w:spacing ', 1))


def main():
    d = Doc(title_for_props="拟立项项目公示")
    d.title("关于{year}年度威海市学会创新和服务能力提升工程拟立项项目的公示")
    off_grid(d)
    d.blank()
    d.p("根据《威海市学会创新和服务能力提升工程实施方案》，经学会申报、形式审查和专家评审，"
        "拟对{count}个项目予以立项资助，资助金额合计{total | yuan}元（人民币{total | cny}）。"
        "现将拟立项项目予以公示（名单见附件）。")
    d.p("公示期为{period}（{working_days}个工作日）。")
    d.p("公示期间，任何单位或个人对拟立项项目如有异议，请以书面形式向{issuer}{department}反映。"
        "个人反映情况应署真实姓名，注明工作单位和联系方式；单位反映情况应加盖单位公章。"
        "匿名意见不予受理。")
    # the channel: an empty contact field is left out (the list holds only those given)
    d.p("{#has_contact}")
    d.p("{#contacts}{label}：{value}{^last}；{/last}{/contacts}。")
    d.p("{/has_contact}")
    d.blank()
    d.p("附件：" + LIST_NAME)
    d.blank()
    # unsealed document: the issuer 2 characters from the right, the date below it
    d.p("{issuer}", style="Plain", align="right")
    right_indented(d, 2)
    d.p("{date | date}", style="Plain", align="right")
    right_indented(d, 3)

    # the attachment, on its own page
    d.p(R("附件", font=HEITI), style="Plain", page_break=True)
    d.blank()
    d.title(LIST_NAME)
    off_grid(d)
    d.blank()
    d.table([12, 44, 56, 16, 28], [
        ["序号", "学会名称", "项目名称", "类别", "资助金额（元）"],
        [Cell("{#classes}{#rows}{no}", align="center"), "{society}", "{title}",
         Cell("{label}", align="center"), Cell("{amount | yuan}{/rows}", align="right")],
        [Cell("{label}小计（{n}项）", span=4, align="center"),
         Cell("{subtotal | yuan}{/classes}", align="right")],
        [Cell("合计（{count}项）", span=4, align="center"), Cell("{total | yuan}", align="right")],
        [Cell("合计（大写）：人民币{total | cny}", span=5, align="left")],
    ], header_rows=1)
    d.save(out_path(__file__))


if __name__ == "__main__":
    main()
