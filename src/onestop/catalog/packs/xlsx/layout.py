"""The layout of the 实施清单 workbook: its sheets, their columns and the cell labels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .cells import (
    BOOLEAN,
    INTEGER,
    JSON,
    LEGAL_BASIS,
    NUMBER,
    TEXT,
    TEXT_LIST,
    Kind,
    enum,
    enum_list,
)

MATTER_SHEET = "事项"
MATERIAL_SHEET = "申请材料"
FORM_FIELD_SHEET = "表单字段"
PACK_SHEET = "事项包"
NOTES_SHEET = "说明"
MATTER_ID_HEADER = "事项编号"
# The pattern of the matter schema's slug.
MATTER_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,80}")

MATTER_TYPES = {
    "administrative_licensing": "行政许可",
    "administrative_payment": "行政给付",
    "administrative_confirmation": "行政确认",
    "administrative_award": "行政奖励",
    "administrative_ruling": "行政裁决",
    "other_power": "其他行政权力",
    "public_service": "公共服务",
}
STATUSES = {"active": "在用", "suspended": "暂停", "cancelled": "取消"}
POWER_SOURCES = {
    "statutory": "法定本级行使",
    "delegated": "上级下放",
    "entrusted": "上级委托",
}
EXERCISE_LEVELS = {
    "national": "国家级",
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "township": "乡级",
    "village": "村级",
}
BODY_NATURES = {
    "statutory_body": "法定机关",
    "authorised_organisation": "授权组织",
    "entrusted_organisation": "受委托组织",
}
SERVICE_OBJECTS = {"person": "自然人", "enterprise": "法人"}
HANDLING_TYPES = {"immediate": "即办件", "commitment": "承诺件"}
TIME_UNITS = {"working_days": "工作日", "natural_days": "自然日"}
HANDLING_FORMS = {
    "window": "窗口",
    "online": "网上",
    "express": "快递",
    "kiosk": "自助终端",
}
ONLINE_DEPTHS = {
    "information": "信息发布",
    "pre_review": "在线预审",
    "online_acceptance": "在线受理",
    "full_online": "全程网办",
}
SCOPE_RANGES = {
    "county": "本县",
    "city": "全市",
    "province": "全省",
    "national": "跨省",
}
SCOPE_FORMS = {
    "full_online": "全程网办",
    "proxy_acceptance": "异地代收代办",
    "joint_handling": "多地联办",
}
SPECIAL_PROCEDURES = {
    "hearing": "听证",
    "tender": "招标",
    "auction": "拍卖",
    "inspection": "检验",
    "testing": "检测",
    "quarantine": "检疫",
    "appraisal": "鉴定",
    "expert_review": "专家评审",
}
RESULT_TYPES = {"certificate": "证照", "approval": "批文", "other": "其他"}
MATERIAL_FORMS = {"paper": "纸质", "electronic": "电子"}
MATERIAL_KINDS = {
    "original": "原件",
    "copy": "复印件",
    "original_and_copy": "原件和复印件",
}
NECESSITIES = {"required": "必要", "optional": "非必要", "deferrable": "容缺"}
MATERIAL_SOURCES = {
    "applicant": "申请人自备",
    "government": "政府部门核发",
    "other": "其他",
}
FORM_FIELD_DISPLAYS = {"list": "下拉列表", "radio": "单选按钮"}


@dataclass(frozen=True)
class Column:
    """A column: its header, the key path of its value, how to convert it, if required."""

    header: str
    path: tuple[str, ...]
    kind: Kind
    required: bool = False


MATTER_COLUMNS = [
    Column(MATTER_ID_HEADER, ("id",), TEXT, required=True),
    Column("事项名称", ("name",), TEXT, required=True),
    Column("基本编码", ("basic_code",), TEXT),
    Column("实施编码", ("implementation_code",), TEXT),
    Column("业务办理项编码", ("business_item_code",), TEXT),
    Column("事项类型", ("type",), enum(MATTER_TYPES), required=True),
    Column("事项版本", ("version",), TEXT),
    Column("事项状态", ("status",), enum(STATUSES)),
    Column("权力来源", ("power_source",), enum(POWER_SOURCES)),
    Column("行使层级", ("exercise_levels",), enum_list(EXERCISE_LEVELS)),
    Column("实施主体", ("department",), TEXT, required=True),
    Column("实施主体性质", ("implementing_body_nature",), enum(BODY_NATURES)),
    Column("委托部门", ("entrusted_department",), TEXT),
    Column("联办机构", ("joint_bodies",), TEXT_LIST),
    Column("仅提供办事指南", ("guide_only",), BOOLEAN),
    Column("主项名称", ("main_item",), TEXT),
    Column("服务对象", ("service_objects",), enum_list(SERVICE_OBJECTS)),
    Column("办件类型", ("handling_type",), enum(HANDLING_TYPES)),
    Column("法定办结时限", ("time_limits", "statutory", "amount"), INTEGER),
    Column("法定办结时限单位", ("time_limits", "statutory", "unit"), enum(TIME_UNITS)),
    Column("法定办结时限说明", ("time_limits", "statutory", "note"), TEXT),
    Column("法定时限延长", ("time_limits", "statutory", "extension"), JSON),
    Column("承诺办结时限", ("time_limits", "promised", "amount"), INTEGER),
    Column("承诺办结时限单位", ("time_limits", "promised", "unit"), enum(TIME_UNITS)),
    Column("承诺办结时限说明", ("time_limits", "promised", "note"), TEXT),
    Column("承诺时限延长", ("time_limits", "promised", "extension"), JSON),
    Column("到办事现场次数", ("visits", "count"), INTEGER),
    Column("到现场原因", ("visits", "reason"), TEXT),
    Column("办理形式", ("handling_forms",), enum_list(HANDLING_FORMS)),
    Column("网上办理深度", ("online_depth",), enum(ONLINE_DEPTHS)),
    Column("是否支持预约", ("supports", "appointment"), BOOLEAN),
    Column("是否支持物流快递", ("supports", "express_delivery"), BOOLEAN),
    Column("是否支持网上支付", ("supports", "online_payment"), BOOLEAN),
    Column("通办范围", ("scope", "range"), enum(SCOPE_RANGES)),
    Column("通办形式", ("scope", "form"), enum(SCOPE_FORMS)),
    Column("受理条件", ("conditions",), TEXT),
    Column("设定依据", ("legal_basis",), LEGAL_BASIS),
    Column("办理地点", ("location",), TEXT),
    Column("办理时间", ("hours",), TEXT),
    Column("咨询方式", ("consultation",), TEXT),
    Column("监督投诉方式", ("complaint",), TEXT),
    Column("特别程序", ("special_procedures",), enum_list(SPECIAL_PROCEDURES)),
    Column("数量限制", ("quantity_limit",), TEXT),
    Column("是否收费", ("fees", "charged"), BOOLEAN),
    Column("收费项目", ("fees", "items"), JSON),
    Column("是否允许减免", ("fees", "waivable"), BOOLEAN),
    Column("办理环节", ("steps",), JSON),
    Column("审批结果名称", ("result", "name"), TEXT),
    Column("审批结果类型", ("result", "type"), enum(RESULT_TYPES)),
    Column("结果证照类型", ("result", "certificate_type"), TEXT),
    Column("常见问题", ("faqs",), JSON),
    Column("信息来源", ("sources",), JSON),
    Column("地方做法字段", ("local_practice",), TEXT_LIST),
]
MATERIAL_COLUMNS = [
    Column(MATTER_ID_HEADER, ("matter",), TEXT, required=True),
    Column("基本编码", ("basic_code",), TEXT),
    Column("材料编号", ("key",), TEXT, required=True),
    Column("材料名称", ("name",), TEXT, required=True),
    Column("材料形式", ("form",), enum_list(MATERIAL_FORMS), required=True),
    Column("材料类型", ("kind",), enum(MATERIAL_KINDS), required=True),
    Column("份数", ("copies",), INTEGER),
    Column("规格", ("spec",), TEXT),
    Column("必要性", ("necessity",), enum(NECESSITIES), required=True),
    Column("来源渠道", ("source",), enum(MATERIAL_SOURCES), required=True),
    Column("来源渠道说明", ("source_detail",), TEXT),
    Column("证照类型", ("certificate_type",), TEXT),
    Column("空白表格", ("blank_form",), TEXT),
    Column("示例样表", ("sample",), TEXT),
    Column("填报须知", ("notes",), TEXT),
    Column("受理标准", ("acceptance_standard",), TEXT),
]
FORM_FIELD_COLUMNS = [
    Column(MATTER_ID_HEADER, ("matter",), TEXT, required=True),
    Column("字段编号", ("key",), TEXT, required=True),
    Column("字段名称", ("label",), TEXT, required=True),
    Column("字段类型", ("type",), TEXT, required=True),
    Column("是否必填", ("required",), BOOLEAN),
    Column("最大长度", ("max_length",), INTEGER),
    Column("最小值", ("min",), NUMBER),
    Column("最大值", ("max",), NUMBER),
    Column("小数位数", ("decimal_places",), INTEGER),
    Column("格式", ("pattern",), TEXT),
    Column("格式说明", ("pattern_hint",), TEXT),
    Column("去除空格", ("strip_spaces",), BOOLEAN),
    Column("个人信息", ("personal_data",), BOOLEAN),
    Column("选项", ("choices",), JSON),
    Column("选项显示方式", ("display",), enum(FORM_FIELD_DISPLAYS)),
    Column("填写说明", ("help",), TEXT),
    Column("申请人本人身份证号", ("applicant_id",), BOOLEAN),
    Column("申请人本人姓名", ("applicant_name",), BOOLEAN),
    Column("申请单位统一社会信用代码", ("enterprise_uscc",), BOOLEAN),
    Column("申请单位名称", ("enterprise_name",), BOOLEAN),
    Column("申请单位法定代表人", ("enterprise_legal_representative",), BOOLEAN),
    Column("适用条件", ("applies_when",), JSON),
]
PACK_KEYS = ("pack", "departments", "certificate_types")
NOTES = [
    "本工作簿为 OneStop 事项包的实施清单导出，可编辑后用 onestop pack_xlsx import 导入为事项包。",
    "事项：每行一个事项；事项编号是事项在包内的唯一编号（小写字母、数字和连字符）。",
    "实施主体填写事项包中的部门角色编号（见“事项包”表 departments），不是部门名称。",
    "申请材料、表单字段：每行一项，以事项编号对应事项，行的顺序即显示顺序。",
    "多值单元格每行一个值；收费项目、办理环节、常见问题、信息来源、字段的选项和适用条件等为 JSON。",
    "不要合并单元格，不要使用公式；导入时会逐行报告错误，有错误时不写入任何文件。",
]


def fixed_files(pack: Any) -> dict[str, Any]:
    """Return the values of the rows of 事项包 for a loaded pack, by key."""
    return {
        "pack": {**pack.metadata, "bundles": pack.bundles},
        "departments": pack.departments,
        "certificate_types": pack.certificate_types,
    }
