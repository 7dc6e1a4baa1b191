"""templates/申报须知.docx — the instructions sent with the application forms (issue 5).

Run from the checkout's top folder:  python3 templates/src/申报须知.py
It writes templates/申报须知.docx with ooxml.py (GB/T 9704 layout).  `xhgen pack` fills it once
a year from programme.xml: who may apply (the veto items), the classes and their caps, what the
money may and may not pay for, the materials, the dates and the contact.  The tags are listed in
templates/README.md ("申报须知.docx").
"""
from ooxml import Cell, Doc, out_path


CATEGORIES = "{#categories}{category}{^last}、{/last}{/categories}"
FORBIDDEN = "{#forbidden}{reason}{^last}、{/last}{/forbidden}"
LATER = ' | date | default:"另行通知"}'


def main():
    d = Doc(title_for_props="申报须知")
    # a long title broken in two, the upper line longer (GB/T 9704 §7.3.3)
    d.title("{year}年度威海市学会创新和服务能力")
    d.title("提升工程项目申报须知")
    d.blank()
    d.p("根据《威海市学会创新和服务能力提升工程实施方案》，现将{year}年度项目申报有关事项"
        "说明如下。")

    d.h1("一、申报范围和条件")
    d.p("{issuer}所属市级学会（协会）可以申报，新成立的学会同样可以申报。学会应当党组织健全、"
        "按期换届、年检合格、独立核算，积极开展学术交流、科学普及和服务科技创新活动。")
    d.p("有下列情形之一的学会不得申报（一票否决）：上年度项目验收不合格被取消扶持资格；无故未按期"
        "换届，或上年度年检不合格；未按章程要求建立党组织；近两年内有违法违纪行为，或受到有关部门"
        "通报、处罚；屡次无故不参加市科协组织的活动。不符合条件的学会不发放申报书。")

    d.h1("二、项目类别和资助额度")
    d.table([30, 74, 26, 26], [
        ["类别", "说明", "每项上限（元）", "本类经费（元）"],
        [Cell("A类", align="center"), "学会自身建设和服务能力突出，侧重服务实体经济的项目",
         Cell("{cap_a | yuan}", align="right"),
         Cell('{class_budget_a | yuan | default:"统筹安排"}', align="right")],
        [Cell("B类", align="center"), "其他能力较为突出的学会的项目",
         Cell("{cap_b | yuan}", align="right"),
         Cell('{class_budget_b | yuan | default:"统筹安排"}', align="right")],
        [Cell("推广", align="center"), "中国科协科技信息企业应用推广项目",
         Cell("{cap_tg | yuan}", align="right"),
         Cell('{class_budget_tg | yuan | default:"统筹安排"}', align="right")],
    ], header_rows=1)
    d.p("本年度项目经费总额{budget | yuan}元（{budget | wan}万元），按专家评审得分择优资助。"
        "每项资助金额原则上不超过上表所列上限；项目实施周期为1年，经费一次性拨付，专款专用。"
        "同等条件下，服务重点产业集群和产业链的学会优先。")

    d.h1("三、经费使用范围")
    d.p("项目经费可以用于" + CATEGORIES + "等支出，并须与学会创新发展相关。")
    d.p("项目经费不得用于" + FORBIDDEN + "等支出，以及其他与学会创新发展无关或违反财经纪律的"
        "支出。申报书的经费预算按上述类别逐项填写，并填写合计（小写和大写）。")

    d.h1("四、申报材料")
    for i, item in enumerate([
            "项目申报书一式三份，加盖学会公章；",
            "申报书电子版（Word格式）及盖章后的PDF扫描件；",
            "社会团体法人登记证书复印件；",
            "{prev_year}年度年检结论证明材料；",
            "党组织成立批复文件和{year}年度党建工作计划；",
            "财务管理制度；",
            "上年度党组织活动和创新服务活动的证明材料。"], 1):
        d.p("%d.%s" % (i, item))
    d.p("申报书中灰色提示文字所在处是填写栏，请点击后直接填写，不要删除、复制填写栏或改动表格"
        "结构，电子版请保存为原文件格式（.docx），以便汇总读取。")

    d.h1("五、时间安排")
    d.table([70, 86], [
        ["事项", "时间"],
        ["申报截止", "{application_deadline" + LATER + "前"],
        ["拟立项项目公示", "{publicity_start" + LATER + "起，{publicity_working_days}个工作日"],
        ["项目完成并提交验收材料", "{acceptance_deadline" + LATER + "前"],
    ], header_rows=1, align_cols=["center", "left"])
    d.p("逾期报送的申报材料不予受理。")

    d.h1("六、联系方式")
    d.p("联系单位：{issuer}{department}")
    d.p('联系人：{contact_name | default:"—"}　　联系电话：{contact_phone | default:"—"}')
    d.p('电子邮箱：{contact_email | default:"—"}')
    d.p('地址：{contact_address | default:"—"}')
    d.save(out_path(__file__))


if __name__ == "__main__":
    main()
