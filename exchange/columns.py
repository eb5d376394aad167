"""The platform's 双公示 administrative-penalty columns (SPEC §7, the national data standard) and the
unit its amounts are in.

One list, in the standard's order: the spreadsheet import reads a header row against it (the Chinese
header or the field code), and the platform export (``exchange.formats``) writes its rows in it. It
sits here, at the bottom of the platform exchange, so that both can read it.
"""

from decimal import Decimal
from typing import NamedTuple


class PenaltyColumn(NamedTuple):
    header: str  # the Chinese header departments fill in
    code: str  # the national field code, accepted as a header too
    required: bool = False  # a file without this column is not of this template


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

# The standard states fines and confiscations in 万元 (ten thousand yuan); we keep yuan (SPEC §3.3).
_YUAN_PER_WAN = Decimal(10000)


def yuan_from_wan(amount: Decimal) -> Decimal:
    return amount * _YUAN_PER_WAN


def wan_from_yuan(amount: Decimal) -> Decimal:
    return (Decimal(amount) / _YUAN_PER_WAN).normalize()
