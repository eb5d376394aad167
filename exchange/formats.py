"""The platform's spreadsheet formats for a delivery batch (file transport).

- 行政处罚: records of kind administrative penalty, in the 双公示 column set of SPEC §7
  (``exchange.columns``, the list ``import_records`` reads too), with fines and confiscations in
  万元. What happened to the record (effective, corrected, revoked, repaired) is said in 备注 (BZ),
  the only free column of the standard.
- 行政许可: administrative licences (004 §4(3)) in the 双公示 licence column set, which
  ``import_records`` reads too; 当前状态 (XK_ZT) is the licence's own status (1 有效, 2 无效), and what
  happened to the record is said in 备注 as for penalties.
- 信用等级: published grades.
- 信用提醒约谈: credit reminders and interviews (000 Art. 12, 004 §6(2)).

The JSON Lines file of the batch carries every item in full; the spreadsheets are the same data in the
forms departments and the platform already read.
"""

from decimal import Decimal, InvalidOperation

from core.xlsx import xlsx_bytes

from .columns import LICENCE_COLUMNS, LICENCE_HEADERS, PENALTY_COLUMNS, PENALTY_HEADERS, wan_from_yuan
from .models import OutboxType

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
    return wan_from_yuan(yuan) if yuan else ""


def _note(item: dict) -> str:
    """备注: what happened to the record, and why (nothing for a record that took effect)."""
    p = item["payload"]
    note = RECORD_NOTES.get(item["type"], "")
    if note and p.get("reason"):
        note = f"{note}：{p['reason']}"
    return note


def _subject_values(p: dict, prefix: str) -> dict:
    """The 行政相对人 columns of a 双公示 row (penalties CF_…, licences XK_…)."""
    person = p.get("subject_kind") == "natural_person"
    return {
        f"{prefix}_XDR_MC": p.get("subject_name", ""),
        f"{prefix}_XDR_LB": PENALTY_SUBJECT_CLASS.get(p.get("subject_kind", ""), "法人及非法人组织"),
        f"{prefix}_XDR_SHXYM": "" if person else p.get("subject_code", ""),
        f"{prefix}_XDR_ZJLX": "身份证" if person else "",
        f"{prefix}_XDR_ZJHM": p.get("subject_code", "") if person else "",
    }


def licence_row(item: dict) -> list:
    """One 双公示 row of a licence item: the values by national field code, in the standard's order."""
    p = item["payload"]
    licence = p.get("licence") or {}
    rep_code = p.get("legal_representative_code", "")
    values = {
        **_subject_values(p, "XK"),
        "XK_FRDB": p.get("legal_representative_name", ""),
        "XK_FR_ZJLX": "身份证" if rep_code else "",
        "XK_FR_ZJHM": rep_code,
        "XK_XKWS": licence.get("document_name", ""),
        "XK_WSH": p.get("document_number", ""),
        "XK_XKLB": licence.get("category_name", ""),
        "XK_XKZS": licence.get("certificate", ""),
        "XK_XKBH": licence.get("number", ""),
        "XK_NR": p.get("content", ""),
        "XK_JDRQ": p.get("decision_date", ""),
        "XK_YXQZ": licence.get("valid_from") or "",
        "XK_YXQZI": licence.get("valid_to") or "",
        "XK_XKJG": licence.get("authority") or p.get("department_name", ""),
        "XK_XKJGDM": licence.get("authority_code", ""),
        "XK_ZT": licence.get("status_code", ""),
        "XK_LYDW": p.get("department_name", ""),
        "BZ": _note(item),
    }
    return [values.get(column.code, "") for column in LICENCE_COLUMNS]


def penalty_row(item: dict) -> list:
    """One 双公示 row of a record item: the values by national field code, in the standard's order."""
    p = item["payload"]
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
    rep_code = p.get("legal_representative_code", "")
    values = {
        **_subject_values(p, "CF"),
        "CF_FR": p.get("legal_representative_name", ""),
        "CF_FR_ZJLX": "身份证" if rep_code else "",
        "CF_FR_ZJHM": rep_code,
        "CF_WSH": p.get("document_number", ""),
        "CF_WFXW": p.get("matter", ""),
        "CF_SY": p.get("content", ""),
        "CF_YJ": p.get("legal_basis", ""),
        "CF_CFLB": ";".join(s.get("name", "") for s in sanctions),
        "CF_NR": content,
        "CF_NR_FK": _wan(fines),
        "CF_NR_WFFF": _wan(confiscated),
        "CF_NR_ZKDX": licences,
        "CF_JDRQ": p.get("decision_date", ""),
        "CF_YXQ": p.get("publish_until") or "",
        "CF_GSJZQ": p.get("publish_until") or "",
        "CF_CFJG": p.get("department_name", ""),
        "CF_SJLY": p.get("department_name", ""),
        "BZ": _note(item),
    }
    return [values.get(column.code, "") for column in PENALTY_COLUMNS]


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
    licences = [licence_row(i) for i in items if i["type"] in RECORD_TYPES and i["payload"].get("licence")]
    grades = [grade_row(i) for i in items if i["type"] == OutboxType.GRADE_PUBLISHED]
    reminders = [reminder_row(i) for i in items if i["type"] in (OutboxType.REMINDER, OutboxType.INTERVIEW)]
    out = []
    for suffix, headers, rows in (
        ("行政处罚", PENALTY_HEADERS, penalties),
        ("行政许可", LICENCE_HEADERS, licences),
        ("信用等级", GRADE_HEADERS, grades),
        ("信用提醒约谈", REMINDER_HEADERS, reminders),
    ):
        if rows:
            out.append((suffix, xlsx_bytes(title=suffix, headers=headers, rows=rows), len(rows)))
    return out
