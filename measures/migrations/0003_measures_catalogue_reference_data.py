"""The measures catalogue (SPEC §4, §7): every measure the five seeds name, tied to its scheme's grades
and/or to a list. Literal data: migrations never import app code. The credit office edits it in the
admin afterwards (versioned and audited). Catch-all clauses ("法律、法规、规章规定的其他措施") name no
measure and are left out; repetitions of the same measure in one seed share one entry whose legal
basis cites every article.

Parameters: ``inspections_per_year`` is the random-inspection cap of the grade (003 §4): 0 exempt
(except on complaint), a number, or null for no cap.
"""

from django.db import migrations

S000 = "000 平建(2021)110号《平桥区住建局信用分级分类监管工作制度（试行）》"
S001 = "001 平发改发〔2021〕121号《平鲁区发改局信用分级分类监管制度（试行）》"
S002 = "002 武房文【2021】35号《住房领域信用分级分类管理实施方案》"
S003 = "003 西峡县信用办《西峡县信用分级分类监管工作方案》"
S004 = "004 平卫信用办〔2021〕6号《卫东区构建以信用为基础的新型监管机制实施方案》"

AA, B, CC, DD = ["A+", "A"], ["B"], ["C", "C-"], ["D", "D-"]
DISHONEST = ["C", "C-", "D", "D-"]

# code, name, kind, category, scheme, grades, list, legal basis, departments, extends, parameters, text
MEASURES = [
    # 003 §4: the county's seven levels, applied by every supervising department.
    ("pub-aa-inspection-exempt", "“非请勿扰”：日常监管原则上不列入抽查范围（投诉举报除外）", "incentive",
     "administrative", "public", AA, "", f"{S003} 四、1(1)；三(四)；004 五(二)", [], False,
     {"inspections_per_year": 0, "except_on_complaint": True},
     "实行“非请勿扰”诚信管理制度，在日常监管中，行业监管部门原则上不列入抽查范围"),
    ("pub-aa-green-channel", "绿色通道、容缺受理、程序简化等便利服务", "incentive", "administrative", "public", AA,
     "", f"{S003} 四、1(2)", [], False, {},
     "在行政管理和公共服务事项中，实行绿色通道、容缺受理、程序简化等便利服务措施"),
    ("pub-aa-funds-priority", "财政性资金分配、评优评先同等条件下优先", "incentive", "administrative", "public", AA,
     "", f"{S003} 四、1(3)", [], False, {}, "在财政性资金分配、评优评先中，同等条件下列为优先选择对象"),
    ("pub-aa-trading-credit-up", "公共资源交易中给予提升信用等级", "incentive", "market", "public", AA, "",
     f"{S003} 四、1(4)", [], False, {}, "在公共资源交易中，给予提升信用等级等措施"),
    ("pub-aa-publicity", "在信用门户网站或相关媒体宣传推介", "incentive", "social", "public", AA, "",
     f"{S003} 四、1(5)", [], False, {}, "在信用门户网站或者相关媒体上进行宣传推介"),
    ("pub-aa-financing-priority", "金融机构融资授信时优先考虑", "incentive", "market", "public", AA, "",
     f"{S003} 四、1(6)", [], False, {}, "供金融机构融资授信时优先考虑"),
    ("pub-b-inspection-once", "每年至多一次随机检查，包容审慎监管", "management", "administrative", "public", B, "",
     f"{S003} 四、2(1)；三(四)", [], False, {"inspections_per_year": 1},
     "在日常监管中，每年至多进行一次随机检查，采取包容审慎监管方式"),
    ("pub-b-minor-no-penalty", "适用轻微违法行为免罚、轻罚清单", "management", "administrative", "public", B, "",
     f"{S003} 四、2(1)", [], False, {}, "建立轻微违法行为免罚、轻罚清单"),
    ("pub-b-simplified", "享受简化程序等便利措施", "management", "administrative", "public", B, "",
     f"{S003} 四、2(2)", [], False, {}, "在行政管理和公共服务事项中，享受简化程序等相关便利措施"),
    ("pub-c-inspection-three", "适当提高抽查比例，每年检查不超过3次", "management", "administrative", "public", CC,
     "", f"{S003} 四、3(1)；三(四)", [], False, {"inspections_per_year": 3},
     "在日常检查、专项检查中，适当提高抽查比例，每年检查次数不超过3次"),
    ("pub-c-simplified-suspended", "暂停享受简化程序等便利措施", "management", "administrative", "public", CC, "",
     f"{S003} 四、3(2)", [], False, {}, "在行政管理和公共服务事项中暂停享受简化程序等相关便利措施"),
    ("pub-d-key-target", "列为重点关注对象，抽查比例不设上限", "punishment", "administrative", "public", DD, "",
     f"{S003} 四、4(1)；三(四)", [], False, {"inspections_per_year": None, "key_target": True},
     "在日常检查、专项检查中列为重点关注对象，抽查比例不设上限，依法依规增加检查内容，加大抽查检查力度和频次"),
    ("pub-d-simplified-restricted", "限制享受简化程序等便利措施", "punishment", "administrative", "public", DD, "",
     f"{S003} 四、4(2)", [], False, {}, "在行政管理和公共服务事项中，限制其享受简化程序等相关便利措施"),
    ("pub-d-funds-restricted", "财政性资金分配、评优评先中给予限制", "punishment", "administrative", "public", DD,
     "", f"{S003} 四、4(3)", [], False, {}, "在财政性资金分配、评优评先中，给予相应限制"),
    ("pub-d-trading-credit-down", "公共资源交易中给予降低信用等级", "punishment", "market", "public", DD, "",
     f"{S003} 四、4(4)", [], False, {}, "在公共资源交易中，给予降低信用等级等措施"),
    ("pub-d-financing-prudent", "金融机构融资授信时审慎性参考", "punishment", "market", "public", DD, "",
     f"{S003} 四、4(5)", [], False, {}, "供金融机构融资授信时审慎性参考"),
    # 001 Art. 11–14: the development & reform bureau's A/B/C.
    ("abc001-a-commendation", "符合条件的予以发文表彰", "incentive", "administrative", "abc", ["A"], "",
     f"{S001} 第十一条(一)；第十五条", ["fgw"], False, {}, "按照国家、省、市和区有关规定，符合条件的，予以发文表彰"),
    ("abc001-a-patrol-exempt", "免予日常巡查检查（投诉举报和专项检查除外）", "incentive", "administrative", "abc",
     ["A"], "", f"{S001} 第十一条(二)", ["fgw"], False,
     {"inspections_per_year": 0, "except_on_complaint": True, "except_special_inspection": True},
     "除投诉举报和专项检查外，免予日常巡查检查"),
    ("abc001-a-green-channel", "行政许可“绿色通道”便利服务", "incentive", "administrative", "abc", ["A"], "",
     f"{S001} 第十一条(三)", ["fgw"], False, {}, "在办理行政许可过程中，可根据实际情况实施“绿色通道”等便利服务措施"),
    ("abc001-a-priority", "项目申报、招投标、资格审查认定等优先考虑", "incentive", "administrative", "abc", ["A"],
     "", f"{S001} 第十一条(四)", ["fgw"], False, {},
     "在项目申报、项目招投标、资格审查、资格认定等各类政府优惠政策中，优先考虑诚信市场主体"),
    ("abc001-b-inspection-more", "适当增加日常检查频次，列为随机抽查对象", "management", "administrative", "abc",
     ["B"], "", f"{S001} 第十二条(一)", ["fgw"], False, {"inspections_per_year": None},
     "适当增加日常检查频次，在随机抽查中列为检查对象"),
    ("abc001-b-guidance", "政策法规宣传、业务辅导", "management", "administrative", "abc", ["B"], "",
     f"{S001} 第十二条(二)", ["fgw"], False, {}, "加强对管理相对人的政策法规宣传、业务辅导等服务工作，帮助其提升依法执业水平"),
    ("abc001-b-reminder", "口头或书面信用提醒", "management", "administrative", "abc", ["B"], "",
     f"{S001} 第十四条", ["fgw"], False, {"methods": ["oral_reminder", "written_reminder"]},
     "对一般失信行为，采取口头信用提醒或书面信用提醒方式告知当事人"),
    ("abc001-c-legal-awareness", "引导增强法律意识，提高法律遵从度", "punishment", "administrative", "abc", ["C"],
     "", f"{S001} 第十三条(一)1", ["fgw"], False, {}, "引导管理相对人增强法律意识，提高法律遵从度"),
    ("abc001-c-inspection-more", "加大日常检查频次和随机抽查力度，动态监管", "punishment", "administrative", "abc",
     ["C"], "", f"{S001} 第十三条(一)2", ["fgw"], False, {"inspections_per_year": None},
     "加大日常检查频次和随机抽查力度，实行动态监管"),
    ("abc001-c-activity-restricted", "严格限制参与涉及本局行政职能的相关活动", "punishment", "administrative", "abc",
     ["C"], "", f"{S001} 第十三条(一)3", ["fgw"], False, {}, "严格限制参与涉及我局行政职能相关活动"),
    ("abc001-c-market-ban", "对企业及其法定代表人、主要负责人、直接责任人员实施市场和行业禁入", "punishment",
     "administrative", "abc", ["C"], "", f"{S001} 第十三条(一)4", ["fgw"], True, {},
     "对企业及其法定代表人、主要负责人和对失信行为负有直接责任的注册执业人员等实施市场和行业禁入措施"),
    ("abc001-c-disclosure", "以统一社会信用代码为索引公开披露失信信息", "punishment", "market", "abc", ["C"], "",
     f"{S001} 第十三条(二)1；第十五条", ["fgw"], False, {},
     "以统一社会信用代码为索引，及时公开披露相关信息，便于市场识别失信行为，防范信用风险"),
    ("abc001-c-credit-agency", "支持征信机构采集严重失信信息，纳入信用记录和信用报告", "punishment", "market", "abc",
     ["C"], "", f"{S001} 第十三条(二)2", ["fgw"], False, {}, "支持征信机构采集严重失信行为信息，纳入信用记录和信用报告"),
    ("abc001-c-interview", "书面信用提醒或诚信约谈", "management", "administrative", "abc", ["C"], "",
     f"{S001} 第十四条", ["fgw"], False, {"methods": ["written_reminder", "interview"]},
     "对于严重失信行为，采取书面信用提醒或诚信约谈等方式告知当事人"),
    # 000 Art. 9–13: the housing & construction bureau's A/B/C (graded by reference to the county scheme).
    ("abc000-a-commendation", "符合条件的予以公开表彰", "incentive", "administrative", "abc", ["A"], "",
     f"{S000} 第九条(一)；第十三条", ["zjj"], False, {}, "按照国家、省和市有关规定，符合条件的，予以公开表彰"),
    ("abc000-a-green-channel", "办理业务“绿色通道”等便利服务", "incentive", "administrative", "abc", ["A"], "",
     f"{S000} 第九条(二)", ["zjj"], False, {}, "在办理相关业务过程中，可根据实际情况实施“绿色通道”等便利服务措施"),
    ("abc000-a-priority", "资格审查、资格认定等政府优惠政策中优先考虑", "incentive", "administrative", "abc",
     ["A"], "", f"{S000} 第九条(三)", ["zjj"], False, {}, "资格审查、资格认定等各类政府优惠政策中，优先考虑"),
    ("abc000-b-inspection-more", "适当增加日常检查频次，列为随机抽查对象", "management", "administrative", "abc",
     ["B"], "", f"{S000} 第十条(一)", ["zjj"], False, {"inspections_per_year": None},
     "适当增加日常检查频次，在随机抽查中列为检查对象"),
    ("abc000-b-guidance", "政策法规宣传、业务辅导", "management", "administrative", "abc", ["B"], "",
     f"{S000} 第十条(二)", ["zjj"], False, {}, "加强对管理相对人的政策法规宣传、业务辅导等服务工作，帮助其提升依法执业水平"),
    ("abc000-b-reminder", "口头或书面信用提醒", "management", "administrative", "abc", ["B"], "",
     f"{S000} 第十二条", ["zjj"], False, {"methods": ["oral_reminder", "written_reminder"]},
     "对一般失信行为，采取口头信用提醒或书面信用提醒方式告知当事人"),
    ("abc000-c-legal-awareness", "引导增强法律意识，提高法律遵从度", "punishment", "administrative", "abc", ["C"],
     "", f"{S000} 第十一条(一)", ["zjj"], False, {}, "引导管理相对人增强法律意识，提高法律遵从度"),
    ("abc000-c-inspection-more", "加大日常检查频次和随机抽查力度，动态监管", "punishment", "administrative", "abc",
     ["C"], "", f"{S000} 第十一条(二)", ["zjj"], False, {"inspections_per_year": None},
     "加大日常检查频次和随机抽查力度，实行动态监管"),
    ("abc000-c-market-ban", "对企业及其法定代表人、主要负责人、直接责任注册执业人员实施市场和行业禁入", "punishment",
     "administrative", "abc", ["C"], "", f"{S000} 第十一条(三)", ["zjj"], True, {},
     "对企业及其法定代表人、主要负责人和对失信行为负有直接责任的注册执业人员等实施市场和行业禁入措施"),
    ("abc000-c-disclosure", "以统一社会信用代码为索引公开披露、曝光失信信息", "punishment", "market", "abc", ["C"],
     "", f"{S000} 第十一条(四)；第十三条", ["zjj"], False, {},
     "以统一社会信用代码为索引，及时公开披露相关信息，便于市场识别失信行为，防范信用风险"),
    ("abc000-c-interview", "书面信用提醒或诚信约谈", "management", "administrative", "abc", ["C"], "",
     f"{S000} 第十二条", ["zjj"], False, {"methods": ["written_reminder", "interview"]},
     "对于严重失信行为，采取书面信用提醒或诚信约谈等方式告知当事人"),
    # 002 §3–4: the housing security centre's integrity models, incentives and punishments.
    ("zfbz-red-publicity", "树立诚信典型，发布诚信红榜，宣传报道、表扬嘉奖", "incentive", "social", None, [], "red",
     f"{S002} 三(一)", ["zfbz"], False, {},
     "将信用状况良好的企业树立为诚信典型，发布“诚信红榜”，加强宣传报道。对被评选出的正面典型给予表扬和嘉奖"),
    ("zfbz-aa-green-channel", "行政许可“绿色通道”和“容缺受理”", "incentive", "administrative", "public", AA, "red",
     f"{S002} 三(二)", ["zfbz"], False, {},
     "在办理行政许可过程中，对诚信典型和无不良信用记录的行政相对人实行“绿色通道”和“容缺受理”等便利服务措施"),
    ("zfbz-aa-promotion", "公示优良信用信息，重点推介诚信企业，差别化激励", "incentive", "market", "public", AA,
     "red", f"{S002} 三(三)", ["zfbz"], False, {},
     "及时公示诚信市场主体的优良信用信息，并在各类活动中重点推介诚信企业，对诚信市场主体实施差别化激励"),
    ("zfbz-d-key-supervision", "列为重点监管对象，从严审核行政许可，限制从事互联网信息服务", "punishment",
     "administrative", "public", DD, "", f"{S002} 四(一)", ["zfbz"], False, {},
     "把严重失信主体列为重点监管对象，依法依规采取行政性约束和惩戒措施。从严审核行政许可审批项目，限制从事互联网信息服务等"),
    ("zfbz-industry-discipline", "行业惩戒：警告、行业内通报批评、公开谴责", "punishment", "industry", "public",
     DISHONEST, "", f"{S002} 四(二)", ["zfbz"], False, {},
     "支持行业按照行业标准、行规、行约等方式开展行业惩戒，视情节轻重对失信企业实行警告、行业内通报批评、公开谴责等惩戒措施"),
    ("zfbz-black-exposure", "“黑名单”制度：典型剖析，向社会公布失信危害和惩罚结果", "punishment", "social", None,
     [], "black", f"{S002} 四(三)", ["zfbz"], False, {},
     "实行“黑名单”制度。选择一批严重失信企业典型进行剖析，将其失信行为造成的危害和惩罚结果向社会公布"),
    # 004 §3(1), §6: commitments, rectification and interviews, joint punishment of listed subjects.
    ("wd-aa-commitment-acceptance", "信用承诺先行受理（材料不齐、书面承诺限期补齐）", "incentive", "administrative",
     "public", AA, "", f"{S004} 三(一)", [], False, {},
     "申请人信用状况较好、部分申报材料不齐备但书面承诺在规定期限内提供的，应先行受理，加快办理进度"),
    ("wd-rectification-interview", "限期整改，整改不到位的提示约谈或警示约谈（谁认定、谁约谈）", "management",
     "administrative", "public", DISHONEST, "", f"{S004} 六(二)", [], False,
     {"methods": ["prompt_interview", "warning_interview"]},
     "失信市场主体应当在规定期限内认真整改，整改不到位的，按照“谁认定、谁约谈”的原则，由认定部门依法依规启动提示约谈或警示约谈程序"),
    ("wd-black-administrative", "限制股票发行、招投标、申请财政性资金项目、享受税收优惠", "punishment",
     "administrative", None, [], "black", f"{S004} 六(三)、六(五)", [], True, {},
     "重点实施限制失信联合惩戒对象股票发行、招投标、申请财政性资金项目、享受税收优惠等行政性惩戒措施"),
    ("wd-black-market", "限制获得授信、乘坐飞机、乘坐高等级列车和席次", "punishment", "market", None, [], "black",
     f"{S004} 六(三)、六(五)", [], True, {}, "限制获得授信、乘坐飞机、乘坐高等级列车和席次等市场性惩戒措施"),
    ("wd-black-industry", "通报批评、公开谴责", "punishment", "industry", None, [], "black", f"{S004} 六(三)", [],
     False, {}, "通报批评、公开谴责等行业性惩戒措施"),
    ("wd-d-market-ban", "重点领域市场和行业禁入（一定期限直至逐出市场）", "punishment", "administrative", "public", DD,
     "black", f"{S004} 六(四)", ["fgw", "scjg", "zjj", "yjj", "mzj", "jyj", "sthj"], True, {},
     "对拒不履行司法裁判或行政处罚决定、屡犯不改造成重大损失的市场主体及其相关责任人，坚决依法依规在一定期限内实施市场和行业禁入措施，直至永远逐出市场"),
    ("wd-black-personal-liability", "对法定代表人、主要负责人、实际控制人进行失信惩戒并记入个人信用记录",
     "punishment", "administrative", None, [], "black", f"{S004} 六(五)", [], True, {},
     "对被列入失信联合惩戒对象名单的市场主体，依法依规对其法定代表人或主要负责人、实际控制人进行失信惩戒，并将相关失信行为记入个人信用记录"),
]


def add_measures(apps, schema_editor):
    Measure = apps.get_model("measures", "Measure")
    Scheme = apps.get_model("grading", "Scheme")
    Department = apps.get_model("accounts", "Department")
    schemes = {s.code: s for s in Scheme.objects.filter(code__in=["public", "abc"])}
    departments = {d.code: d for d in Department.objects.all()}
    for order, row in enumerate(MEASURES):
        code, name, kind, category, scheme, grades, list_type, basis, depts, extends, parameters, text = row
        measure, _created = Measure.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "kind": kind, "category": category, "description": text,
                "scheme": schemes.get(scheme) if scheme else None, "grades": grades, "list_type": list_type,
                "legal_basis": basis, "extends_to_legal_representative": extends, "parameters": parameters,
                "is_active": True, "sort_order": (order + 1) * 10,
            },
        )
        measure.departments.set([departments[c] for c in depts if c in departments])


def remove_measures(apps, schema_editor):
    apps.get_model("measures", "Measure").objects.filter(code__in=[row[0] for row in MEASURES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0002_measures_catalogue_and_applications"),
        ("grading", "0002_default_schemes"),
        ("accounts", "0003_standard_departments"),
    ]

    operations = [migrations.RunPython(add_measures, remove_measures)]
