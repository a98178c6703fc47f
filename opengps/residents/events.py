"""Residents' audit events (STYLE: events as data): each action the services record, with the label
timelines show."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions residents' access records."""

    RESIDENTS_FEEDBACK_ANSWERED = "resident_feedback.answered", _("购买单位答复居民反馈")
    RESIDENTS_FEEDBACK_ESCALATED = "resident_feedback.escalated", _("居民反馈逾期未答复，转财政部门督办")
    RESIDENTS_FEEDBACK_FILED = "resident_feedback.filed", _("居民提交投诉或建议")
    RESIDENTS_PARTNER_KEY_CREATED = "partner_key.created", _("管理员创建合作方接口密钥")
    RESIDENTS_PARTNER_KEY_REVOKED = "partner_key.revoked", _("管理员吊销合作方接口密钥")
    RESIDENTS_SERVICE_RATED = "resident_feedback.rated", _("居民评价服务")
