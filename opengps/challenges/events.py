"""The challenges app's audit events (STYLE: events as data): each action its services record, with
the label timelines show and, where the action publishes open data, its OCDS release tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the challenges app records."""

    PROCUREMENT_CHALLENGE_ANSWERED = "procurement.challenge_answered", _("答复质疑")
    PROCUREMENT_CHALLENGE_RECEIVED = "procurement.challenge_received", _("收到质疑")
    PROCUREMENT_COMPLAINT_CLOCK_RESUMED = "procurement.complaint_clock_resumed", _("投诉处理期限恢复计算")
    PROCUREMENT_COMPLAINT_CLOCK_STOPPED = "procurement.complaint_clock_stopped", _("投诉处理期限中止")
    PROCUREMENT_COMPLAINT_DECIDED = "procurement.complaint_decided", _("作出投诉处理决定"), "tenderUpdate"
    PROCUREMENT_COMPLAINT_RECEIVED = "procurement.complaint_received", _("收到投诉")
    PROCUREMENT_RESUMED = "procurement.resumed", _("恢复采购活动")
    PROCUREMENT_SUSPENDED = "procurement.suspended", _("暂停采购活动")
