"""The platform's 双公示 columns (SPEC §7, the national data standard) — administrative penalties
(行政处罚) and administrative licences (行政许可) — and the units and codes their values are in.

One list per template, in the standard's order: the spreadsheet import reads a header row against it
(the Chinese header or the field code), and the platform export (``exchange.formats``) writes its rows
in it. It sits here, at the bottom of the platform exchange, so that both can read it.
"""

from decimal import Decimal
from typing import NamedTuple


class PenaltyColumn(NamedTuple):
    header: str  # the Chinese header departments fill in
    code: str  # the national field code, accepted as a header too
    required: bool = False  # a file without this column is not of this template
    # Other field codes the same column goes by in the wild, accepted as headers too (never written).
    aliases: tuple[str, ...] = ()


PENALTY_COLUMNS = [
    PenaltyColumn("行政相对人名称", "CF_XDR_MC", required=True),
    PenaltyColumn("行政相对人类别", "CF_XDR_LB", required=True),
    PenaltyColumn("统一社会信用代码", "CF_XDR_SHXYM"),
    PenaltyColumn("工商注册号", "CF_XDR_GSDJ"),
    PenaltyColumn("组织机构代码", "CF_XDR_ZDM"),
    PenaltyColumn("税务登记号", "CF_XDR_SWDJ"),
    PenaltyColumn("事业单位证书号", "CF_XDR_SYDW"),
    PenaltyColumn("社会组织登记证号", "CF_XDR_SHZZ"),
    PenaltyColumn("法定代表人", "CF_FR"),
    PenaltyColumn("法定代表人证件类型", "CF_FR_ZJLX"),
    PenaltyColumn("法定代表人证件号码", "CF_FR_ZJHM"),
    PenaltyColumn("证件类型", "CF_XDR_ZJLX"),
    PenaltyColumn("证件号码", "CF_XDR_ZJHM"),
    PenaltyColumn("行政处罚决定书文号", "CF_WSH", required=True),
    PenaltyColumn("违法行为类型", "CF_WFXW", required=True),
    PenaltyColumn("违法事实", "CF_SY"),
    PenaltyColumn("处罚依据", "CF_YJ"),
    PenaltyColumn("处罚类别", "CF_CFLB", required=True),
    PenaltyColumn("处罚内容", "CF_NR"),
    PenaltyColumn("罚款金额（万元）", "CF_NR_FK"),
    PenaltyColumn("没收违法所得、没收非法财物的金额（万元）", "CF_NR_WFFF"),
    PenaltyColumn("暂扣或吊销证照名称及编号", "CF_NR_ZKDX"),
    PenaltyColumn("处罚决定日期", "CF_JDRQ", required=True),
    PenaltyColumn("处罚有效期", "CF_YXQ"),
    PenaltyColumn("公示截止期", "CF_GSJZQ"),
    PenaltyColumn("处罚机关", "CF_CFJG"),
    PenaltyColumn("处罚机关统一社会信用代码", "CF_CFJGDM"),
    PenaltyColumn("数据来源单位", "CF_SJLY"),
    PenaltyColumn("数据来源单位统一社会信用代码", "CF_SJLYDM"),
    PenaltyColumn("备注", "BZ"),
]
PENALTY_HEADERS = [column.header for column in PENALTY_COLUMNS]
PENALTY_REQUIRED = [column.header for column in PENALTY_COLUMNS if column.required]
PENALTY_HEADER_OF_CODE = {column.code: column.header for column in PENALTY_COLUMNS}

# The 双公示 administrative-licence columns (004 §4(3): licences and penalties are published together),
# in the standard's order. The field codes were checked against public implementations of the national
# standard (credit platforms' exports and data dictionaries): every one of them names 有效期至 XK_YXQZI;
# XK_YXQJZ, as the brief for this template spelled it, is accepted too. Older platforms had one column
# 法定代表人身份证号 (XK_FR_SFZH) for what is now 法定代表人证件号码.
LICENCE_COLUMNS = [
    PenaltyColumn("行政相对人名称", "XK_XDR_MC", required=True),
    PenaltyColumn("行政相对人类别", "XK_XDR_LB", required=True),
    PenaltyColumn("统一社会信用代码", "XK_XDR_SHXYM"),
    PenaltyColumn("工商注册号", "XK_XDR_GSZC"),
    PenaltyColumn("组织机构代码", "XK_XDR_ZZJG"),
    PenaltyColumn("税务登记号", "XK_XDR_SWDJ"),
    PenaltyColumn("事业单位证书号", "XK_XDR_SYDW"),
    PenaltyColumn("社会组织登记证号", "XK_XDR_SHZZ"),
    PenaltyColumn("法定代表人", "XK_FRDB"),
    PenaltyColumn("法定代表人证件类型", "XK_FR_ZJLX"),
    PenaltyColumn("法定代表人证件号码", "XK_FR_ZJHM", aliases=("XK_FR_SFZH",)),
    PenaltyColumn("证件类型", "XK_XDR_ZJLX"),
    PenaltyColumn("证件号码", "XK_XDR_ZJHM"),
    PenaltyColumn("行政许可决定文书名称", "XK_XKWS"),
    PenaltyColumn("行政许可决定文书号", "XK_WSH", required=True),
    PenaltyColumn("许可类别", "XK_XKLB", required=True),
    PenaltyColumn("许可证书名称", "XK_XKZS"),
    PenaltyColumn("许可编号", "XK_XKBH"),
    PenaltyColumn("许可内容", "XK_NR", required=True),
    PenaltyColumn("许可决定日期", "XK_JDRQ", required=True),
    PenaltyColumn("有效期自", "XK_YXQZ"),
    PenaltyColumn("有效期至", "XK_YXQZI", aliases=("XK_YXQJZ",)),
    PenaltyColumn("许可机关", "XK_XKJG"),
    PenaltyColumn("许可机关统一社会信用代码", "XK_XKJGDM"),
    PenaltyColumn("当前状态", "XK_ZT"),
    PenaltyColumn("数据来源单位", "XK_LYDW"),
    PenaltyColumn("数据来源单位统一社会信用代码", "XK_LYDWDM"),
    PenaltyColumn("备注", "BZ"),
]
LICENCE_HEADERS = [column.header for column in LICENCE_COLUMNS]
LICENCE_REQUIRED = [column.header for column in LICENCE_COLUMNS if column.required]
LICENCE_HEADER_OF_CODE = {column.code: column.header for column in LICENCE_COLUMNS} | {
    alias: column.header for column in LICENCE_COLUMNS for alias in column.aliases
}

# 许可类别 (XK_XKLB) as the standard names them, and the values ``records`` stores. The standard asks
# for the kind to be named after 其他 (其他（备案）, 其他-备案 …): that note is kept beside the category.
LICENCE_CATEGORY_OF_NAME = {
    "普通": "ordinary",
    "特许": "franchise",
    "认可": "recognition",
    "核准": "approval",
    "登记": "registration",
    "其他": "other",
}
LICENCE_CATEGORY_NAME = {code: name for name, code in LICENCE_CATEGORY_OF_NAME.items()}
# 当前状态 (XK_ZT): 1 有效, 2 无效.
LICENCE_STATUS_OF_CODE = {"1": "valid", "2": "invalid", "有效": "valid", "无效": "invalid"}
LICENCE_STATUS_CODE = {"valid": "1", "invalid": "2"}

# The standard states fines and confiscations in 万元 (ten thousand yuan); we keep yuan (SPEC §3.3).
_YUAN_PER_WAN = Decimal(10000)


def yuan_from_wan(amount: Decimal) -> Decimal:
    return amount * _YUAN_PER_WAN


def wan_from_yuan(amount: Decimal) -> Decimal:
    return (Decimal(amount) / _YUAN_PER_WAN).normalize()
