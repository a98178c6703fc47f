"""The oversight app's audit events (STYLE: events as data): each action its services record, with
the label timelines show and, where the action publishes open data, its OCDS release tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the oversight app records."""

    OVERSIGHT_FLAGS_COMPUTED = "oversight.flags_computed", _("计算预警")
    OVERSIGHT_THRESHOLD_SET = "oversight.threshold_set", _("设置预警阈值")
