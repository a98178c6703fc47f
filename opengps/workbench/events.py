"""The workbench's audit events (STYLE: events as data): the action stored, and its timeline label."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the workbench's services write."""

    HOLIDAY_YEAR_REGISTERED = "calendar.year_registered", _("录入节假日安排")
    REMINDERS_SENT = "reminders.sent", _("生成待办提醒")
