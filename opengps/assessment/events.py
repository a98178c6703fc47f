"""Assessment audit events (STYLE: events as data): each action the services record, with the label
timelines show."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the assessment services record."""

    ASSESSMENT_APPLICATION_ASSESSED = "assessment_application.assessed", _("评估人员评分完成，计算评估得分")
    ASSESSMENT_APPLICATION_DECIDED = "assessment_application.decided", _("发布评估结果")
    ASSESSMENT_APPLICATION_PROPOSED = "assessment_application.proposed", _("评估委员会拟定等级")
    ASSESSMENT_APPLICATION_REVIEWED = "assessment_application.reviewed", _("复核后调整拟定等级")
    ASSESSMENT_APPLICATION_SANCTIONED = "assessment_application.sanctioned", _("降低或取消评估等级")
    ASSESSMENT_APPLICATION_SCREENED = "assessment_application.screened", _("审核评估申报")
    ASSESSMENT_APPLICATION_SUBMITTED = "assessment_application.submitted", _("社会组织申报评估")
    ASSESSMENT_EVIDENCE_UPLOADED = "assessment_application.evidence_uploaded", _("上传佐证材料")
    ASSESSMENT_LINK_RECORDED = "assessment_link.recorded", _("登记利害关系")
    ASSESSMENT_OBJECTION_FILED = "assessment_objection.filed", _("对拟定等级提出异议")
    ASSESSMENT_OBJECTION_REVIEWED = "assessment_objection.reviewed", _("复核异议")
    ASSESSMENT_ROUND_COMMITTEE = "assessment_round.committee", _("评估委员会审定")
    ASSESSMENT_ROUND_DECIDED = "assessment_round.decided", _("结束公示并作出评估决定")
    ASSESSMENT_ROUND_NOTICE = "assessment_round.notice_published", _("公示拟定等级")
    ASSESSMENT_ROUND_OPENED = "assessment_round.opened", _("启动评估轮次")
    ASSESSMENT_SHEET_SUBMITTED = "assessment_sheet.submitted", _("评估人员提交评分表")
    ASSESSMENT_SET_CREATED = "assessment_set.created", _("制定评估指标体系")
