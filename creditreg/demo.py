"""Demo data for the embedded mode (`make run`): departments' units, one account per role, and about
two hundred subjects of every kind with valid identifiers. Deterministic and idempotent, and written
through the same services as real data so the demo exercises the real rules."""

import base64
import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from accounts.models import Department, Role, Unit, User
from accounts.selectors import second_factor_mandatory
from accounts.services import role_group_sync, totp_device_install, user_create
from inspections.models import InspectionMatter, Inspector
from inspections.services import inspector_save, matter_save
from objections.services import subject_account_register, subject_account_verify
from records.models import CreditRecord, RecordStatus
from records.services import record_approve, record_create, record_submit
from records.validation import RecordInput, SanctionInput
from subjects.identifiers import USCC_ALPHABET, org_code_check_char, resident_id_check_char, uscc_check_char
from subjects.models import Subject, SubjectKind
from subjects.services import subject_register

DEMO_PASSWORD = "Demo@2026"
COUNTY_DIVISION = "411323"  # 西峡县, the county of seed 003

UNITS = {
    "xyb": ["综合股", "信用监管股"],
    "fgw": ["办公室", "法规股", "价格监督检查股"],
    "zjj": ["建筑市场监管股", "质量安全监督站", "房地产市场股"],
    "scjg": ["信用监管股", "执法大队", "食品安全监管股"],
    "zfbz": ["保障房管理股", "物业管理股"],
}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建国",
    "志强",
    "海燕",
    "红梅",
    "晓东",
    "国华",
    "春雷",
]
FIRM_WORDS = [
    "宏达",
    "鑫源",
    "恒通",
    "华盛",
    "伏牛",
    "丹江",
    "瑞丰",
    "金桥",
    "聚鑫",
    "长青",
    "兴隆",
    "天和",
    "汇通",
    "顺达",
    "中原",
    "龙腾",
    "博远",
    "康宁",
    "永安",
    "嘉禾",
]
INDUSTRIES = [
    "建筑工程",
    "房地产开发",
    "商贸",
    "食品",
    "物流",
    "香菇种植",
    "中药材",
    "建材",
    "劳务",
    "物业服务",
    "餐饮管理",
    "汽车运输",
    "农业科技",
    "电子商务",
    "装饰工程",
]
SOCIAL = [
    "个体劳动者协会",
    "建筑业协会",
    "食用菌协会",
    "慈善会",
    "老年人体育协会",
    "志愿者协会",
    "物流行业协会",
    "餐饮行业协会",
]
PUBLIC = [
    "县人民医院",
    "县第一高级中学",
    "县中医院",
    "县自来水公司",
    "县广播电视台",
    "县图书馆",
    "县疾病预防控制中心",
    "县职业中等专业学校",
    "县妇幼保健院",
    "县实验小学",
]
SHOPS = [
    "便利店",
    "小吃店",
    "五金店",
    "理发店",
    "农资店",
    "手机维修部",
    "家电维修部",
    "水果店",
    "烟酒店",
    "面馆",
]


@dataclass
class DemoReport:
    users: list[tuple[str, str, str]] = field(default_factory=list)
    # (user name, base32 TOTP secret, otpauth URI) of the demo accounts that need a second factor.
    second_factors: list[tuple[str, str, str]] = field(default_factory=list)
    created_subjects: int = 0
    created_records: int = 0
    total_subjects: int = 0


def _uscc(rng: random.Random, prefix: str) -> str:
    body = "".join(rng.choice(USCC_ALPHABET[:10] + "ABCDEFGH") for _ in range(8))
    first17 = prefix + COUNTY_DIVISION + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def _resident_id(rng: random.Random) -> str:
    born = date(1955, 1, 1) + timedelta(days=rng.randrange(0, 365 * 48))
    first17 = COUNTY_DIVISION + born.strftime("%Y%m%d") + f"{rng.randrange(0, 1000):03d}"
    return first17 + resident_id_check_char(first17)


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _ensure_users(report: DemoReport) -> None:
    wanted = [("xyb_staff", Role.CREDIT_OFFICE, "xyb", "信用办 王敏")]
    for code in ("fgw", "zjj", "scjg", "zfbz"):
        wanted.append((f"{code}_clerk", Role.CLERK, code, f"{code} 录入员"))
        wanted.append((f"{code}_reviewer", Role.REVIEWER, code, f"{code} 审核员"))
    for username, role, dept_code, full_name in wanted:
        department = Department.objects.get(code=dept_code)
        if not User.objects.filter(username=username).exists():
            user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                full_name=full_name.replace(dept_code, department.name),
                department=department,
                unit=department.units.order_by("name").first(),
            )
        report.users.append((username, DEMO_PASSWORD, str(Role(role).label)))
        user = User.objects.get(username=username)
        if second_factor_mandatory(user=user):
            # SPEC §6: the credit office and reviewers log in with a TOTP code; the demo's secrets are
            # fixed (and public, like the demo password) so that `make run` can print them.
            device = totp_device_install(user=user, key_hex=demo_totp_key(username), name="demo")
            secret = base64.b32encode(device.bin_key).decode()
            report.second_factors.append((username, secret, device.config_url))


def demo_totp_key(username: str) -> str:
    """The fixed TOTP key of a demo account: 20 bytes as 40 hex digits, the same on every machine."""
    return hashlib.sha1(f"creditreg-demo-totp:{username}".encode()).hexdigest()


def _ensure_units() -> None:
    for code, names in UNITS.items():
        department = Department.objects.get(code=code)
        for name in names:
            Unit.objects.get_or_create(department=department, name=name)


def _register(report: DemoReport, **kwargs) -> Subject:
    existing = Subject.objects.filter(code=kwargs["code"]).first()
    if existing is not None:
        return existing
    subject = subject_register(actor=None, **kwargs)
    report.created_subjects += 1
    return subject


def _ensure_subjects(report: DemoReport) -> None:
    rng = random.Random(20261215)
    persons = []
    for _ in range(50):
        persons.append((_resident_id(rng), _person_name(rng)))
    for number, name in persons:
        _register(report, kind=SubjectKind.NATURAL_PERSON, code=number, name=name)

    def rep() -> dict:
        number, name = rng.choice(persons)
        return {"legal_representative_id_number": number, "legal_representative_name": name}

    used_names: set[str] = set()

    def unique(name: str) -> str:
        candidate, n = name, 2
        while candidate in used_names:
            candidate, n = f"{name}（{n}）", n + 1
        used_names.add(candidate)
        return candidate

    for _ in range(90):
        name = unique(f"西峡县{rng.choice(FIRM_WORDS)}{rng.choice(INDUSTRIES)}有限公司")
        _register(
            report,
            kind=SubjectKind.LEGAL_PERSON,
            code=_uscc(rng, "91"),
            name=name,
            **rep(),
            address=f"西峡县白羽路{rng.randrange(1, 300)}号",
        )
    for _ in range(10):
        name = unique(f"西峡县{rng.choice(FIRM_WORDS)}{rng.choice(INDUSTRIES)}有限公司城区分公司")
        _register(report, kind=SubjectKind.UNINCORPORATED, code=_uscc(rng, "91"), name=name, **rep())
    for index in range(15):
        name = unique(f"西峡县{SOCIAL[index % len(SOCIAL)]}")
        _register(report, kind=SubjectKind.SOCIAL_ORGANISATION, code=_uscc(rng, "51"), name=name, **rep())
    for name in PUBLIC:
        _register(
            report,
            kind=SubjectKind.PUBLIC_INSTITUTION,
            code=_uscc(rng, "12"),
            name=unique(f"西峡{name[1:]}"),
            **rep(),
        )
    for _ in range(25):
        number, owner = rng.choice(persons)
        name = unique(f"西峡县{owner}{rng.choice(SHOPS)}")
        _register(
            report,
            kind=SubjectKind.INDIVIDUAL_BUSINESS,
            code=_uscc(rng, "92"),
            name=name,
            legal_representative_id_number=number,
            legal_representative_name=owner,
        )


DEMO_RECORDS = [
    # kind, matter, sanctions (name, amount), final status
    ("行政处罚", "未按规定明码标价", [("警告", None), ("罚款", "5000")], "effective"),
    ("行政处罚", "无证施工", [("罚款", "80000"), ("责令停产停业", None)], "effective"),
    ("警告", "未按期报送统计资料", [], "effective"),
    ("责令改正", "消防通道堵塞", [], "submitted"),
    ("表彰奖励", "年度守合同重信用企业", [], "effective"),
    ("违反信用承诺", "未按承诺期限补齐材料", [], "draft"),
]


def _ensure_records(report: DemoReport) -> None:
    """A few records per demo department, through the real services: drafts, some awaiting review,
    most approved by the department's reviewer."""
    if CreditRecord.objects.exists():
        return
    rng = random.Random(15)
    firms = list(Subject.objects.exclude(kind=SubjectKind.NATURAL_PERSON).order_by("code"))
    for dept_code, prefix in (("fgw", "西发改"), ("zjj", "西建"), ("scjg", "西市监"), ("zfbz", "西房保")):
        clerk = User.objects.get(username=f"{dept_code}_clerk")
        reviewer = User.objects.get(username=f"{dept_code}_reviewer")
        for number, (kind, matter, sanctions, status) in enumerate(DEMO_RECORDS * 2, start=1):
            record = record_create(
                actor=clerk,
                subject=rng.choice(firms),
                data=RecordInput(
                    kind=kind,
                    document_number=f"{prefix}〔2026〕{number}号",
                    decision_date=date(2026, 1, 5) + timedelta(days=rng.randrange(0, 300)),
                    matter=matter,
                    sanctions=[SanctionInput(name, amount) for name, amount in sanctions],
                ),
            )
            if status in ("submitted", "effective"):
                record_submit(actor=clerk, record=record)
            if status == "effective":
                record_approve(actor=reviewer, record=record)
            report.created_records += 1


def _ensure_subject_account(report: DemoReport) -> None:
    """A verified subject account (``demo_subject``) of a firm with an effective record, for the portal:
    it applies like anyone and the credit office (``xyb_staff``) verifies it (SPEC §7)."""
    username = "demo_subject"
    if not User.objects.filter(username=username).exists():
        record = (
            CreditRecord.objects.filter(
                status=RecordStatus.EFFECTIVE, subject__legal_representative__isnull=False
            )
            .select_related("subject__legal_representative")
            .order_by("pk")
            .first()
        )
        if record is None:
            return
        firm = record.subject
        account = subject_account_register(
            username=username,
            password=DEMO_PASSWORD,
            kind=firm.kind,
            code=firm.code,
            name=firm.name,
            contact_name=f"{firm.legal_representative.name}（联系人）",
            phone="0377-69000000",
            email="demo_subject@example.cn",
        )
        subject_account_verify(
            actor=User.objects.get(username="xyb_staff"), request=account, reason="演示数据：营业执照已核对"
        )
    report.users.append((username, DEMO_PASSWORD, str(Role.SUBJECT.label)))


# Each demo department's inspection matters (抽查事项清单) and inspector pool (执法检查人员名录库).
ENTERPRISES = [SubjectKind.LEGAL_PERSON, SubjectKind.INDIVIDUAL_BUSINESS]
INSPECTION_MATTERS = {
    "fgw": [
        ("价格政策执行情况检查", "《中华人民共和国价格法》第三十四条", ENTERPRISES),
        ("固定资产投资项目节能审查意见落实情况检查", "《固定资产投资项目节能审查办法》第十九条", []),
    ],
    "zjj": [
        ("建筑施工企业安全生产许可条件检查", "《建筑施工企业安全生产许可证管理规定》第二十三条", ENTERPRISES),
        ("工程质量监督抽查", "《建设工程质量管理条例》第四十七条", ENTERPRISES),
    ],
    "scjg": [
        ("企业公示信息抽查", "《企业信息公示暂行条例》第十四条", ENTERPRISES),
        ("食品经营许可事项检查", "《中华人民共和国食品安全法》第一百一十条", []),
    ],
    "zfbz": [
        ("房地产经纪机构备案情况检查", "《房地产经纪管理办法》第三十一条", ENTERPRISES),
        ("保障性住房使用情况检查", "《公共租赁住房管理办法》第二十九条", []),
    ],
}


def _ensure_inspections() -> None:
    """Matters and six inspectors per demo department, entered by its clerk through the services."""
    rng = random.Random(17)
    for number, (dept_code, matters) in enumerate(INSPECTION_MATTERS.items(), start=1):
        clerk = User.objects.get(username=f"{dept_code}_clerk")
        if not InspectionMatter.objects.filter(department=clerk.department).exists():
            for name, basis, kinds in matters:
                matter_save(actor=clerk, name=name, legal_basis=basis, subject_kinds=kinds)
        if not Inspector.objects.filter(department=clerk.department).exists():
            for i in range(1, 7):
                inspector_save(
                    actor=clerk, name=_person_name(rng), certificate_number=f"4113230{number}{i:04d}"
                )


@transaction.atomic
def demo_load() -> DemoReport:
    report = DemoReport()
    for role in Role.values:  # an older demo database gets the permissions added since
        role_group_sync(role=role)
    _ensure_units()
    _ensure_users(report)
    _ensure_subjects(report)
    _ensure_records(report)
    _ensure_subject_account(report)
    _ensure_inspections()
    report.total_subjects = Subject.objects.count()
    return report
