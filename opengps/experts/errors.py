"""The experts app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the experts app refuses with."""

    AFFILIATION_NAME_REQUIRED = "affiliation.name_required", _("请填写组织名称")
    AFFILIATION_PERIOD_INVALID = "affiliation.period_invalid", _("终止日期不能早于起始日期")
    AFFILIATION_ROLE_INVALID = "affiliation.role_invalid", _("关系类型无效")
    AFFILIATION_TARGET_REQUIRED = (
        "affiliation.target_required",
        _("请填写组织的统一社会信用代码或选择单位（二者选一）"),
    )
    AUTH_REQUIRED = "auth.required", _("请先登录")
    DRAW_BIDDER_UNKNOWN = "draw.bidder_unknown", _("社会组织库中没有这些统一社会信用代码：%(codes)s")
    DRAW_BUDGET_INVALID = "draw.budget_invalid", _("预算金额不能为负数")
    DRAW_CATEGORY_INVALID = "draw.category_invalid", _("请选择评审专业")
    DRAW_COMMITTEE_INVALID = "draw.committee_invalid", _("评审委员会的组成不符合规定")
    DRAW_CONFLICT_NOT_CONFIRMED = "draw.conflict_not_confirmed", _("参加评审前须确认与供应商不存在回避情形")
    DRAW_DECLINE_NOT_YOURS = (
        "draw.decline_not_yours",
        _("只有专家本人或组织抽取的代理机构（须记录原因）可以代为谢绝或回避"),
    )
    DRAW_MEMBER_NOT_FOUND = "draw.member_not_found", _("未找到该抽取通知")
    DRAW_NEEDED_INVALID = "draw.needed_invalid", _("抽取人数至少为1人")
    DRAW_NOT_ENOUGH_EXPERTS = (
        "draw.not_enough_experts",
        _("符合条件的专家只有 %(available)d 名，需要 %(needed)d 名；请扩大区划范围或调整评审专业"),
    )
    DRAW_NOT_FOUND = "draw.not_found", _("未找到该专家抽取记录")
    DRAW_PROCUREMENT_REF_INVALID = "draw.procurement_ref_invalid", _("请填写采购项目编号（不超过64个字符）")
    DRAW_PURCHASER_UNIT_NOT_FOUND = "draw.purchaser_unit_not_found", _("请选择采购人单位")
    DRAW_REASON_REQUIRED = "draw.reason_required", _("请说明不能参加的原因")
    DRAW_REGION_NOT_FOUND = "draw.region_not_found", _("区划代码不存在")
    DRAW_REPLAY_MISMATCH = "draw.replay_mismatch", _("抽取记录与随机种子不一致，不能继续抽取替补")
    DRAW_TITLE_REQUIRED = "draw.title_required", _("请填写项目名称")
    EXPERT_DUPLICATE = "expert.duplicate", _("该身份证号码的专家已在库中")
    EXPERT_FIELD_NOT_UPDATABLE = "expert.field_not_updatable", _("不能修改这些字段：%(fields)s")
    EXPERT_FIELD_SINCE_INVALID = "expert.field_since_invalid", _("从事相关工作起始日期应晚于出生日期")
    EXPERT_ID_NUMBER_INVALID = "expert.id_number_invalid", _("身份证号码无效")
    EXPERT_NAME_REQUIRED = "expert.name_required", _("请填写姓名")
    EXPERT_NOT_FOUND = "expert.not_found", _("未找到该评审专家")
    EXPERT_REASON_REQUIRED = "expert.reason_required", _("暂停专家须说明原因")
    EXPERT_SPECIALTIES_REQUIRED = "expert.specialties_required", _("至少填写一个评审专业")
    EXPERT_SPECIALTY_INVALID = "expert.specialty_invalid", _("评审专业代码“%(code)s”无效")
    EXPERT_STATUS_INVALID = "expert.status_invalid", _("状态无效")
    EXPERT_TITLE_INVALID = "expert.title_invalid", _("职称级别无效")
    EXPERT_USCC_INVALID = "expert.uscc_invalid", _("统一社会信用代码格式无效")
    EXPERT_USER_NOT_EXPERT = "expert.user_not_expert", _("关联的账户必须是评审专家角色")
    EXPERT_USER_TAKEN = "expert.user_taken", _("该账户已关联其他专家")
    PERM_DENIED = "perm.denied", _("您的角色无权查看评审专家库")
    PERM_OTHER_UNIT = "perm.other_unit", _("不能操作其他单位的数据")
    RELATION_GENERATIONS_INVALID = "relation.generations_invalid", _("代数应为 1 至 9")
    RELATION_KIND_INVALID = "relation.kind_invalid", _("关系类型无效")
    RELATION_PERSON_REQUIRED = "relation.person_required", _("请填写关系人姓名")
