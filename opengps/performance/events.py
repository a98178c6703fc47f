"""The performance app's audit events (STYLE: events as data): each action its services record, with
the label timelines show and, where the action publishes open data, its OCDS release tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the performance app records."""

    EXPERT_CONDUCT_RATED = "expert_conduct.rated", _("评价专家履职")
    PERFORMANCE_CODES_ISSUED = "performance.codes_issued", _("发放满意度调查码")
    PERFORMANCE_EVALUATION_CREATED = "performance.evaluation_created", _("创建绩效评价")
    PERFORMANCE_FINALIZED = "performance.finalized", _("确定绩效评价结果")
    PERFORMANCE_FLAGGED = "performance.flagged", _("标记异常评价")
    PERFORMANCE_HISTORY_RECORDED = "performance.history_recorded", _("记入信用记录")
    PERFORMANCE_PUBLISHED = "performance.published", _("公开绩效评价结果"), "implementation"
    PERFORMANCE_RECOMMENDATION_DECLINED = "performance.recommendation_declined", _("不予采纳列入建议")
    PERFORMANCE_RECOMMENDATION_LISTED = "performance.recommendation_listed", _("采纳列入建议")
    PERFORMANCE_RECOMMENDATION_MADE = "performance.recommendation_made", _("提出列入建议")
    PERFORMANCE_SURVEY_ANSWERED = "performance.survey_answered", _("服务对象填写满意度调查")
    PERFORMANCE_TEMPLATE_SAVED = "performance.template_saved", _("保存评价指标模板")
    PERFORMANCE_PURCHASER_SUBMITTED = "performance.purchaser_submitted", _("购买主体提交评价")
    PERFORMANCE_SELF_SUBMITTED = "performance.self_submitted", _("承接主体提交自评")
    PERFORMANCE_THIRD_PARTY_SUBMITTED = "performance.third_party_submitted", _("第三方机构提交评价")


SUBMITTED_BY_PARTY = {
    "purchaser": Event.PERFORMANCE_PURCHASER_SUBMITTED,
    "self": Event.PERFORMANCE_SELF_SUBMITTED,
    "third_party": Event.PERFORMANCE_THIRD_PARTY_SUBMITTED,
}
"""The event each evaluating party's submission records (`models.Party` values)."""
