"""The evaluation app's audit events (STYLE: events as data): each action its services record, with
the label timelines show and, where the action publishes open data, its OCDS release tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the evaluation app records."""

    DEPOSIT_RETURNED = "deposit.returned", _("退还保证金")
    EVALUATION_MEMBER_CONFIRMED = "evaluation.member_confirmed", _("评审专家确认无利害关系")
    EVALUATION_MEMBER_RECUSED = "evaluation.member_recused", _("评审专家回避")
    EVALUATION_REPORT_BUILT = "evaluation.report_built", _("生成评审报告")
    EVALUATION_REPORT_SIGNED = "evaluation.report_signed", _("签署评审报告")
    EVALUATION_REVIEW_RECORDED = "evaluation.review_recorded", _("记录资格与符合性审查")
    EVALUATION_SCORES_SUBMITTED = "evaluation.scores_submitted", _("提交评分")
    EVALUATION_SUBSTITUTE_JOINED = "evaluation.substitute_joined", _("替补专家到场")
    FRAMEWORK_CALL_OFF_PICKED = "framework.call_off_picked", _("确定框架协议成交供应商")
    FRAMEWORK_CALL_OFF_PUBLISHED = "framework.call_off_published", _("公告框架协议成交结果")
    FRAMEWORK_SHORTLIST_ANNOUNCED = "framework.shortlist_announced", _("公告入围结果")
    FRAMEWORK_SHORTLIST_RECORDED = "framework.shortlist_recorded", _("记录入围结果")
    PROCUREMENT_AWARDED = "procurement.awarded", _("公告成交结果"), "award"
    PROCUREMENT_AWARD_CONFIRMED = "procurement.award_confirmed", _("确定成交供应商")
    PROCUREMENT_EVALUATED = "procurement.evaluated", _("评审完成")
    PROCUREMENT_EVALUATION_STARTED = "procurement.evaluation_started", _("开始评审")
