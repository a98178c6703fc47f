"""The performance app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the performance app refuses with."""

    AUTH_REQUIRED = "auth.required", _("请先登录")
    CATALOG_NOT_FOUND = "catalog.not_found", _("未找到该目录类别")
    CONTRACT_NOT_FOUND = "contract.not_found", _("未找到该合同")
    EXPERT_CONDUCT_ALREADY_RATED = "expert_conduct.already_rated", _("已评价该专家")
    EXPERT_CONDUCT_EVALUATION_NOT_ENDED = "expert_conduct.evaluation_not_ended", _("评审尚未结束，不能评价")
    EXPERT_CONDUCT_MEMBER_NOT_FOUND = "expert_conduct.member_not_found", _("未找到该评审专家")
    PERFORMANCE_ALREADY_SUBMITTED = "performance.already_submitted", _("本方已提交评价")
    PERFORMANCE_ANSWER_INVALID = "performance.answer_invalid", _("请选择满意程度")
    PERFORMANCE_CODE_COUNT_INVALID = "performance.code_count_invalid", _("评价码数量应在 1 至 %(max)d 之间")
    PERFORMANCE_CODE_INVALID = "performance.code_invalid", _("评价码无效")
    PERFORMANCE_CODE_USED = "performance.code_used", _("该评价码已提交过评价")
    PERFORMANCE_CONTRACT_NOT_PERFORMING = (
        "performance.contract_not_performing",
        _("合同尚未公开履行，不能开展绩效评价"),
    )
    PERFORMANCE_EVALUATOR_INVALID = "performance.evaluator_invalid", _("请选择第三方评价机构")
    PERFORMANCE_EVALUATOR_NOT_FOUND = "performance.evaluator_not_found", _("未找到该第三方评价机构")
    PERFORMANCE_GRADE_INVALID = "performance.grade_invalid", _("等级应为优、良、中或差")
    PERFORMANCE_INDICATOR_INCOMPLETE = "performance.indicator_incomplete", _("第 %(n)d 个指标缺少代码或名称")
    PERFORMANCE_INDICATOR_UNKNOWN = "performance.indicator_unknown", _("未知的指标“%(code)s”")
    PERFORMANCE_KIND_INVALID = "performance.kind_invalid", _("记录类型无效")
    PERFORMANCE_NAME_REQUIRED = "performance.name_required", _("请填写模板名称")
    PERFORMANCE_NOTE_REQUIRED = "performance.note_required", _("请说明不列入的理由")
    PERFORMANCE_NOT_FINALIZED = "performance.not_finalized", _("评定后才能公开")
    PERFORMANCE_NOT_FOUND = "performance.not_found", _("未找到该绩效评价")
    PERFORMANCE_NOT_OPEN = "performance.not_open", _("该绩效评价已评定")
    PERFORMANCE_NO_GUIDE = "performance.no_guide", _("指标“%(code)s”没有评分标准")
    PERFORMANCE_PERIOD_EXISTS = "performance.period_exists", _("该评价期间已有绩效评价")
    PERFORMANCE_PERIOD_REQUIRED = "performance.period_required", _("请填写评价期间")
    PERFORMANCE_PURCHASER_MISSING = "performance.purchaser_missing", _("购买主体尚未提交评价")
    PERFORMANCE_RECOMMENDATION_DECIDED = "performance.recommendation_decided", _("该建议已作出决定")
    PERFORMANCE_RECOMMENDATION_OTHER_ORG = "performance.recommendation_other_org", _("该建议不属于此社会组织")
    PERFORMANCE_REFERENCE_REQUIRED = "performance.reference_required", _("请填写编号")
    PERFORMANCE_SCORE_INVALID = "performance.score_invalid", _("指标“%(name)s”的得分应在 0 至 100 之间")
    PERFORMANCE_SCORE_MISSING = "performance.score_missing", _("请为指标“%(name)s”评分")
    PERFORMANCE_SOURCE_INVALID = "performance.source_invalid", _("来源无效")
    PERFORMANCE_SURVEY_CLOSED = "performance.survey_closed", _("问卷已关闭")
    PERFORMANCE_SURVEY_NOT_FOUND = "performance.survey_not_found", _("问卷不存在")
    PERFORMANCE_SURVEY_THROTTLED = "performance.survey_throttled", _("提交过于频繁，请稍后再试")
    PERFORMANCE_TEMPLATE_EXISTS = "performance.template_exists", _("该目录类别已有启用的指标模板")
    PERFORMANCE_TEMPLATE_MISSING = "performance.template_missing", _("尚无适用的绩效指标模板")
    PERFORMANCE_TEMPLATE_NOT_FOUND = "performance.template_not_found", _("未找到该模板")
    PERFORMANCE_THIRD_PARTY_MISSING = "performance.third_party_missing", _("第三方评价机构尚未提交评价")
    PERM_DENIED = "perm.denied", _("您不是该绩效评价的评价方")
    PERM_OTHER_UNIT = "perm.other_unit", _("只有该合同的购买主体可以操作")
    REGISTRY_NOT_FOUND = "registry.not_found", _("未找到该社会组织")
