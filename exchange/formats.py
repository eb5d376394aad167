"""The platform's spreadsheet formats for a delivery batch (file transport).

- 行政处罚: records of kind administrative penalty, in the 双公示 column set of SPEC §7 — the same
  columns ``import_records`` reads — with fines and confiscations in 万元. What happened to the record
  (effective, corrected, revoked, repaired) is said in 备注 (BZ), the only free column of the standard.
- 信用等级: published grades.
- 信用提醒约谈: credit reminders and interviews (000 Art. 12, 004 §6(2)).

The JSON Lines file of the batch carries every item in full; the spreadsheets are the same data in the
forms departments and the platform already read.
"""

from decimal import Decimal, InvalidOperation

from creditreg.xlsx import xlsx_bytes

from .models import OutboxType

TEN_THOUSAND = Decimal(10000)

# The 双公示 administrative-penalty header row (kept in step with records.importing.PENALTY_COLUMNS).
PENALTY_HEADERS = [
    "行政相对人名称",
    "行政相对人类别",
    "统一社会信用代码",
    "工商注册号",
    "组织机构代码",
    "税务登记号",
    "事业单位证书号",
    "社会组织登记证号",
    "法定代表人",
    "法定代表人证件类型",
    "法定代表人证件号码",
    "证件类型",
    "证件号码",
    "行政处罚决定书文号",
    "违法行为类型",
    "违法事实",
    "处罚依据",
    "处罚类别",
    "处罚内容",
    "罚款金额（万元）",
    "没收违法所得、没收非法财物的金额（万元）",
    "暂扣或吊销证照名称及编号",
    "处罚决定日期",
    "处罚有效期",
    "公示截止期",
    "处罚机关",
    "处罚机关统一社会信用代码",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "备注",
]
GRADE_HEADERS = [
    "主体名称",
    "主体类别",
    "主体代码",
    "评价方案",
    "方案版本",
    "评价部门",
    "评价日期",
    "信用等级",
    "得分",
    "调整理由",
]
REMINDER_HEADERS = [
    "主体名称",
    "主体类别",
    "主体代码",
    "类型",
    "方式",
    "日期",
    "对象",
    "内容",
    "整改期限",
    "实施部门",
]

SUBJECT_KIND_LABELS = {
    "legal_person": "法人",
    "unincorporated": "非法人组织",
    "social_organisation": "社会组织",
    "public_institution": "事业单位",
    "individual_business": "个体工商户",
    "natural_person": "自然人",
}
# 双公示 CF_XDR_LB has three classes.
PENALTY_SUBJECT_CLASS = {"natural_person": "自然人", "individual_business": "个体工商户"}
RECORD_NOTES = {
    OutboxType.RECORD_EFFECTIVE: "",
    OutboxType.RECORD_CORRECTED: "已更正（由新版本替换）",
    OutboxType.RECORD_REVOKED: "已撤销",
    OutboxType.RECORD_REPAIRED: "已信用修复，停止公示",
}
RECORD_TYPES = set(RECORD_NOTES)
LICENCE_SANCTIONS = {"licence_suspension", "licence_revocation", "qualification_downgrade"}


def _decimal(value) -> Decimal:
    try:
        return Decimal(str(value or 0))
    except InvalidOperation:
        return Decimal(0)


def _wan(yuan: Decimal) -> Decimal | str:
    return (yuan / TEN_THOUSAND).normalize() if yuan else ""


def penalty_row(item: dict) -> list:
    p = item["payload"]
    person = p.get("subject_kind") == "natural_person"
    sanctions = p.get("sanctions") or []
    fines = sum((_decimal(s.get("fine_amount")) for s in sanctions if s.get("kind") == "fine"), Decimal(0))
    confiscated = sum(
        (_decimal(s.get("fine_amount")) for s in sanctions if s.get("kind") == "confiscation"), Decimal(0)
    )
    licences = "；".join(
        s.get("detail") or s.get("name", "") for s in sanctions if s.get("kind") in LICENCE_SANCTIONS
    )
    content = "；".join(
        f"{s.get('name', '')}{'' if not s.get('fine_amount') else ' ' + str(s['fine_amount']) + '元'}"
        for s in sanctions
    )
    note = RECORD_NOTES.get(item["type"], "")
    if note and p.get("reason"):
        note = f"{note}：{p['reason']}"
    rep_code = p.get("legal_representative_code", "")
    return [
        p.get("subject_name", ""),
        PENALTY_SUBJECT_CLASS.get(p.get("subject_kind", ""), "法人及非法人组织"),
        "" if person else p.get("subject_code", ""),
        "",
        "",
        "",
        "",
        "",
        p.get("legal_representative_name", ""),
        "身份证" if rep_code else "",
        rep_code,
        "身份证" if person else "",
        p.get("subject_code", "") if person else "",
        p.get("document_number", ""),
        p.get("matter", ""),
        p.get("content", ""),
        p.get("legal_basis", ""),
        ";".join(s.get("name", "") for s in sanctions),
        content,
        _wan(fines),
        _wan(confiscated),
        licences,
        p.get("decision_date", ""),
        p.get("publish_until") or "",
        p.get("publish_until") or "",
        p.get("department_name", ""),
        "",
        p.get("department_name", ""),
        "",
        note,
    ]


def grade_row(item: dict) -> list:
    p = item["payload"]
    return [
        p.get("subject_name", ""),
        SUBJECT_KIND_LABELS.get(p.get("subject_kind", ""), p.get("subject_kind", "")),
        p.get("subject_code", ""),
        p.get("scheme_name") or p.get("scheme", ""),
        p.get("scheme_version", ""),
        p.get("department") or "",
        p.get("as_of", ""),
        p.get("grade", ""),
        p.get("score") if p.get("score") is not None else "",
        p.get("adjusted_reason", ""),
    ]


def reminder_row(item: dict) -> list:
    p = item["payload"]
    return [
        p.get("subject_name", ""),
        SUBJECT_KIND_LABELS.get(p.get("subject_kind", ""), p.get("subject_kind", "")),
        p.get("subject_code", ""),
        "诚信约谈" if item["type"] == OutboxType.INTERVIEW else "信用提醒",
        p.get("method_name") or p.get("method") or p.get("kind", ""),
        p.get("done_on") or p.get("date") or p.get("due_on") or "",
        p.get("person") or p.get("interviewee") or "",
        p.get("content", ""),
        p.get("rectification_deadline") or "",
        p.get("department_name") or p.get("department") or "",
    ]


def workbooks_for(items: list[dict]) -> list[tuple[str, bytes, int]]:
    """(file-name suffix, xlsx bytes, rows) for each platform format present in the batch."""
    penalties = [
        penalty_row(i)
        for i in items
        if i["type"] in RECORD_TYPES and i["payload"].get("kind") == "administrative_penalty"
    ]
    grades = [grade_row(i) for i in items if i["type"] == OutboxType.GRADE_PUBLISHED]
    reminders = [reminder_row(i) for i in items if i["type"] in (OutboxType.REMINDER, OutboxType.INTERVIEW)]
    out = []
    for suffix, headers, rows in (
        ("行政处罚", PENALTY_HEADERS, penalties),
        ("信用等级", GRADE_HEADERS, grades),
        ("信用提醒约谈", REMINDER_HEADERS, reminders),
    ):
        if rows:
            out.append((suffix, xlsx_bytes(title=suffix, headers=headers, rows=rows), len(rows)))
    return out
