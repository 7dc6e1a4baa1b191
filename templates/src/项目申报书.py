"""templates/项目申报书.docx — the application form of one society (DOMAIN.md §2.1, issue 5).

Run from the checkout's top folder:  python3 templates/src/项目申报书.py
It writes templates/项目申报书.docx with ooxml.py (GB/T 9704 layout).  `xhgen pack` fills it
once per eligible society; the tags and the content controls are listed in templates/README.md
("项目申报书.docx").

Two kinds of content:
  * what the programme already knows — the society's registered data (societies), the year's
    settings (programme.xml) — is filled as plain text by docxtemplater tags ({name}, …);
  * what the society writes is a content control (w:sdt) with a stable `xh:` tag, grey
    placeholder text and w:showingPlcHdr, so that `xhgen collect` can read a returned form
    back into records, whether it was typed in Word or in WPS.  The budget table has one row
    per allowed category of programme.xml ({#categories} row loop); each row's category is a
    locked control, its amount and note are controls.
The cover has no header or page number; page 1 is 填报说明.
"""
from ooxml import Cell, Doc, Sdt, out_path


CATEGORIES = "{#categories}{category}{^last}、{/last}{/categories}"
FORBIDDEN = "{#forbidden}{reason}{^last}、{/last}{/forbidden}"
INDUSTRY = "{#industry}{industry}{/industry}{^industry}无{/industry}"


def text(tag, alias, hint):
    return Sdt(tag, alias, hint)


def main():
    d = Doc(cover=True, header="{name}　项目申报书（{year}年度）", title_for_props="项目申报书")

    # -- cover ---------------------------------------------------------------------------
    # 22 lines a page: keep the cover on one (the table's rows take a line each)
    d.p("申报编号：{application_id}", style="Plain", align="right")
    d.blank()
    d.title("威海市学会创新和服务能力提升工程")
    d.title("项目申报书")
    d.subtitle("（{year}年度）")
    d.blank()
    d.table([40, 116], [
        ["学会名称（盖章）", "{name}"],
        ["项目名称", text("xh:title", "项目名称", "点击此处填写项目名称")],
        ["申报类别", Sdt("xh:class", "申报类别", "点击此处选择类别：A、B或推广",
                         kind="dropdown", items=["A", "B", "推广"])],
        ["项目负责人", text("xh:leader", "项目负责人", "点击此处填写项目负责人")],
        ["联系人", "{contact}"],
        ["联系电话", "{phone}"],
        ["电子邮箱", "{email}"],
        ["通讯地址", "{address}"],
        ["邮政编码", text("xh:postcode", "邮政编码", "点击此处填写邮政编码")],
        ["填报日期", Sdt("xh:submitted", "填报日期", "点击此处选择填报日期", kind="date")],
    ], header_rows=0, align_cols=["center", "left"])
    d.p("{issuer}制", style="Plain", align="center")
    d.p("{year_cn}年", style="Plain", align="center")
    d.end_cover()

    # -- 填报说明 ----------------------------------------------------------------------------
    d.title("填报说明")
    d.blank()
    d.p("一、本申报书已由{issuer}根据学会名录预填学会的登记信息；如有变化，请在相应栏目中更正，"
        "并加盖学会公章。")
    d.p("二、灰色提示文字所在处是填写栏，请点击后直接填写（提示文字随之消失）。请不要删除、复制"
        "填写栏或改动表格结构，以便市科协汇总读取。申报类别从下拉列表中选择：A（A类项目）、"
        "B（B类项目）或“推广”（中国科协科技信息企业应用推广项目）。")
    d.p("三、申报书须如实、完整填写，所附材料须真实有效。内容不实或者材料不全的，不予受理。"
        "每份申报书只填报一个项目。")
    d.p("四、金额单位为元，保留两位小数；日期按“{year}年3月1日”格式填写。")
    d.p("五、经费只能用于" + CATEGORIES + "等支出，不得用于" + FORBIDDEN + "等支出。"
        "A类项目资助金额原则上不超过{cap_a | yuan}元，B类项目原则上不超过{cap_b | yuan}元，"
        "中国科协科技信息企业应用推广项目原则上不超过{cap_tg | yuan}元。")
    d.p("六、申报书用A4纸双面打印，一式三份，连同电子版（Word格式及盖章后的PDF扫描件）于"
        "{application_deadline | date | default:\"规定时间\"}前报送{issuer}{department}"
        "（联系人：{contact_name}，联系电话：{contact_phone}，电子邮箱：{contact_email}）。")

    # -- 一、学会基本情况 --------------------------------------------------------------------
    d.h1("一、学会基本情况", page_break=True)
    d.table([32, 46, 32, 46], [
        ["学会全称", Cell("{name}", span=3)],
        ["统一社会信用代码", "{credit_code}", "成立时间",
         text("xh:founded", "成立时间", "点击此处填写")],
        ["业务主管单位", "{issuer}", "登记管理机关", "威海市民政局"],
        ["办公地址", Cell("{address}", span=3)],
        ["理事长（会长）", "{chair}", "秘书长", "{secretary_general}"],
        ["联系人", "{contact}", "联系电话", "{phone}"],
        ["电子邮箱", Cell("{email}", span=3)],
        ["个人会员数", "{#members}{members}人{/members}", "单位会员数",
         text("xh:unit_members", "单位会员数", "点击此处填写")],
        ["专职工作人员数", text("xh:staff", "专职工作人员数", "点击此处填写"),
         "上年度年检结论", "{inspection}"],
        ["本届理事会换届时间", "{last_election | date}", "每届年限", "{term_years}年"],
        ["固定办公场所", "{office}", "独立财务核算", "{independent_accounts}"],
        ["开户银行及账号", Cell(text("xh:bank_account", "开户银行及账号",
                                     "点击此处填写开户银行、户名和账号"), span=3)],
        ["公众号/网站", Cell("{#media}{media}{/media}{^media}无{/media}", span=3)],
        ["关联产业集群/产业链", Cell(INDUSTRY, span=3)],
    ], header_rows=0, align_cols=["center", "left", "center", "left"])

    # -- 二、党建工作情况 --------------------------------------------------------------------
    d.h1("二、党建工作情况")
    d.p("党组织形式：{party_org}；上年度开展党组织活动的季度数：{party_quarters}。")
    d.sdt_block("xh:party_work", "党建工作情况",
                "点击此处填写：党组织成立时间、党员人数、书记；{year}年度党建工作计划；"
                "上年度各季度党组织活动的次数和主题；“四有”（有场所、有设施、有标志、有制度）"
                "情况；党组织参与“三重一大”（重大事项决策、重要干部任免、重大项目安排、大额资金"
                "使用）和落实市科协党建工作部署的情况。")

    # -- 三、组织与秘书处建设 ----------------------------------------------------------------
    d.h1("三、组织与秘书处建设")
    d.p("{#last_election}本届理事会于{last_election | date}换届产生，每届{term_years}年。"
        "{/last_election}固定办公场所：{office}；独立财务核算：{independent_accounts}；"
        "新媒体：{#media}{media}{/media}{^media}无{/media}。")
    d.sdt_block("xh:org_work", "组织与秘书处建设",
                "点击此处填写：理事会、监事会（监事）和秘书处的设置和运行情况；换届情况（未按期"
                "换届的，说明原因并附延期换届批复）；财务管理和内部控制制度；办公场所（自有、租用"
                "或挂靠，面积）；新媒体工作（上年度发布信息条数、主要栏目）。")

    # -- 四、服务科技创新情况 ----------------------------------------------------------------
    d.h1("四、服务科技创新情况（{prev_year}年度）")
    d.sdt_block("xh:service_work", "服务科技创新情况",
                "点击此处填写上年度开展的学术交流、竞赛、论坛等活动（名称、时间、主办或承办、"
                "参加人数），签订的合作协议，建立的工作站、服务站，承接政府委托、科技评价、奖励、"
                "标准、认证、规划等工作，以及协助会员企业建立企业科协的情况。")

    # -- 五、项目内容 ------------------------------------------------------------------------
    d.h1("五、项目内容")
    d.p("项目名称和申报类别填写在封面。", style="Note")
    d.table([44, 112], [
        ["申请金额（元）", text("xh:amount", "申请金额", "点击此处填写申请金额，如50000.00")],
        ["实施周期", [Sdt("xh:start", "开始日期", "点击此处选择开始日期", kind="date"), "至",
                      Sdt("xh:end", "结束日期", "点击此处选择结束日期", kind="date")]],
        ["服务的产业集群/产业链", INDUSTRY],
    ], header_rows=0, align_cols=["center", "left"])
    d.p("实施周期为1年，项目须于{acceptance_deadline | date | default:\"规定时间\"}前完成并提交"
        "验收材料。", style="Note")
    d.h2("（一）立项依据与必要性")
    d.sdt_block("xh:basis", "立项依据与必要性", "点击此处填写立项依据与必要性。")
    d.h2("（二）主要内容")
    d.sdt_block("xh:summary", "项目内容", "点击此处填写项目的主要内容。")
    d.h2("（三）年度目标")
    d.sdt_block("xh:targets", "年度目标",
                "点击此处逐项填写年度目标：指标、目标值和单位（如“举办学术交流活动　3　场”）。")
    d.h2("（四）实施计划")
    d.sdt_block("xh:plan", "实施计划",
                "点击此处按阶段填写实施计划：阶段、起止时间、主要任务和责任人。")
    d.h2("（五）保障措施")
    d.sdt_block("xh:safeguards", "保障措施",
                "点击此处填写组织、人员、经费管理和监督等保障措施。")

    # -- 六、经费预算 ------------------------------------------------------------------------
    d.h1("六、经费预算")
    d.table([38, 40, 78], [
        ["经费类别", "金额（元）", "测算依据及说明"],
        [Cell(["{#categories}", Sdt("xh:budget.category", "经费类别", text="{category}",
                                    lock=True)], align="center"),
         Cell(Sdt("xh:budget.amount", "金额", "填写金额"), align="right"),
         ["{/categories}", Sdt("xh:budget.note", "测算依据及说明", "填写测算依据，不用的类别留空")]],
        [Cell("合计", align="center"),
         Cell(Sdt("xh:budget.total", "合计金额", "填写合计"), align="right"), ""],
        [Cell("合计（大写）", align="center"),
         Cell(["人民币", Sdt("xh:budget.total_cn", "合计（大写）", "点击此处填写大写金额，"
                                                          "如伍万元整")], span=2)],
    ], header_rows=1)
    d.p("注：经费类别限于上表所列，不得用于" + FORBIDDEN + "等支出。A类项目原则上不超过"
        "{cap_a | yuan}元，B类项目原则上不超过{cap_b | yuan}元，中国科协科技信息企业应用推广项目"
        "原则上不超过{cap_tg | yuan}元。", style="Note")

    # -- 七、预期成效 ------------------------------------------------------------------------
    d.h1("七、预期成效")
    d.sdt_block("xh:goals", "预期成效",
                "点击此处填写经济效益、社会效益和可考核的成果。")

    # -- 八、承诺 ----------------------------------------------------------------------------
    d.h1("八、承诺")
    d.p("本学会郑重承诺：")
    d.p("（一）本申报书所填内容及所附材料真实、准确、完整。")
    d.p("（二）本学会不存在《威海市学会创新和服务能力提升工程实施方案》规定的一票否决情形："
        "上年度项目验收不合格被取消扶持资格；无故未按期换届，或上年度年检不合格；未按章程要求"
        "建立党组织；近两年内有违法违纪行为，或受到有关部门通报、处罚；屡次无故不参加市科协"
        "组织的活动。")
    d.p("（三）项目资金专款专用，只用于" + CATEGORIES + "等支出，不用于" + FORBIDDEN + "等支出。")
    d.p("（四）自觉接受市科协及有关部门的监督检查，按期完成项目，并于"
        "{acceptance_deadline | date | default:\"规定时间\"}前提交验收材料。")
    d.blank()
    d.p("法定代表人（签字）：　　　　　　　　", style="Plain", align="right")
    d.p("学会（盖章）　　　　　　　　", style="Plain", align="right")
    d.p("年　　月　　日　　　　", style="Plain", align="right")

    # -- 九、审核意见 ------------------------------------------------------------------------
    d.h1("九、审核意见", page_break=True)
    sign = [[""], ["签字（盖章）："], ["　　　　　　　　年　　月　　日"]]
    d.table([40, 116], [
        ["学会党组织意见", [[""]] + sign],
        ["市科协学会与国际部形式审查意见", [["□受理　　□补充修改　　□不予受理"]] + sign],
        ["专家评审意见", [["评审得分：　　　　分　　建议类别：　　　　"],
                          ["建议资助金额：　　　　　　元"], ["专家组组长签字："],
                          ["　　　　　　　　年　　月　　日"]]],
        ["市科协意见", [[""], [""], ["（盖章）"], ["　　　　　　　　年　　月　　日"]]],
    ], header_rows=0, align_cols=["center", "left"])

    # -- 附件清单 ----------------------------------------------------------------------------
    d.h1("附件清单")
    for i, item in enumerate([
            "社会团体法人登记证书复印件",
            "{prev_year}年度年检结论{#inspection}（{inspection}）{/inspection}证明材料",
            "党组织成立批复文件",
            "{year}年度党建工作计划",
            "财务管理制度",
            "上年度党组织活动和创新服务活动证明材料"], 1):
        d.p("%d.%s" % (i, item))
    d.p("（附件材料按以上顺序装订在申报书之后。）", style="Note")
    d.save(out_path(__file__))


if __name__ == "__main__":
    main()
