"""The grants app's audit events (STYLE: events as data): each action its services record, with
the label timelines show and, where the action publishes open data, its OCDS release tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the grants app records."""

    GRANT_AGREEMENT_AUDITED = "grant_agreement.audited", _("资助项目审计")
    GRANT_AGREEMENT_CLOSED = "grant_agreement.closed", _("资助项目结项")
    GRANT_AGREEMENT_COFUNDING_EVIDENCED = "grant_agreement.cofunding_evidenced", _("核验配套资金到位证明")
    GRANT_AGREEMENT_COFUNDING_RECEIVED = "grant_agreement.cofunding_received", _("报告配套资金到位")
    GRANT_AGREEMENT_COFUNDING_SHORTFALL = "grant_agreement.cofunding_shortfall", _("配套资金未足额到位")
    GRANT_AGREEMENT_FINAL_REVIEWED = "grant_agreement.final_reviewed", _("结项评估")
    GRANT_AGREEMENT_FUNDS_RETURNED = "grant_agreement.funds_returned", _("退回资助资金")
    GRANT_AGREEMENT_MIDTERM_FAILED = "grant_agreement.midterm_failed", _("中期评估未通过")
    GRANT_AGREEMENT_MIDTERM_PASSED = "grant_agreement.midterm_passed", _("中期评估通过")
    GRANT_AGREEMENT_SIGNED = "grant_agreement.signed", _("签订资助协议")
    GRANT_APPLICATION_ATTACHMENT_ADDED = "grant_application.attachment_added", _("上传申报附件")
    GRANT_APPLICATION_COFUNDING_COMMITTED = "grant_application.cofunding_committed", _("承诺配套资金")
    GRANT_APPLICATION_COFUNDING_REMOVED = "grant_application.cofunding_removed", _("删除配套资金承诺")
    GRANT_APPLICATION_DISQUALIFIED = "grant_application.disqualified", _("取消申报资格")
    GRANT_APPLICATION_DRAFT_SAVED = "grant_application.draft_saved", _("保存申报草稿")
    GRANT_APPLICATION_FUNDED = "grant_application.funded", _("确定资助")
    GRANT_APPLICATION_RANKED = "grant_application.ranked", _("申报排序")
    GRANT_APPLICATION_REOPENED = "grant_application.reopened", _("重新开放申报")
    GRANT_APPLICATION_SCREENED = "grant_application.screened", _("资格审查")
    GRANT_APPLICATION_SUBMITTED = "grant_application.submitted", _("提交申报")
    GRANT_APPLICATION_WITHDRAWN = "grant_application.withdrawn", _("撤回申报")
    GRANT_OBJECTION_FILED = "grant_objection.filed", _("提出异议")
    GRANT_PROGRAMME_CREATED = "grant_programme.created", _("创建资助计划")
    GRANT_PROGRAMME_DONATION_RECEIVED = "grant_programme.donation_received", _("发展基金接受捐赠")
    GRANT_REVIEW_PITCH_RECORDED = "grant_review.pitch_recorded", _("记录项目陈述答辩")
    GRANT_REVIEW_SCORED = "grant_review.scored", _("专家评分")
    GRANT_ROUND_AUDIT_FIRM_ASSIGNED = "grant_round.audit_firm_assigned", _("指定审计机构")
    GRANT_ROUND_CANCELLED = "grant_round.cancelled", _("取消资助批次")
    GRANT_ROUND_COMPLETED = "grant_round.completed", _("资助批次完成")
    GRANT_ROUND_CREATED = "grant_round.created", _("创建资助批次")
    GRANT_ROUND_DECIDED = "grant_round.decided", _("确定资助结果")
    GRANT_ROUND_NOTICE_PUBLISHED = "grant_round.notice_published", _("公示资助结果")
    GRANT_ROUND_PANEL_DRAWN = "grant_round.panel_drawn", _("抽取评审专家组")
    GRANT_ROUND_PUBLISHED = "grant_round.published", _("发布申报指南")
    GRANT_ROUND_RANKED = "grant_round.ranked", _("公布评审排序")
    GRANT_ROUND_REVIEW_REOPENED = "grant_round.review_reopened", _("重新开放评审")
    GRANT_ROUND_REVIEW_STARTED = "grant_round.review_started", _("开始评审")
    GRANT_TRANCHE_RELEASED = "grant_tranche.released", _("拨付资助资金")
    GRANT_TRANCHE_STOPPED = "grant_tranche.stopped", _("停止拨付资助资金")
