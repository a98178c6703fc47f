"""The stats app's audit events (STYLE: events as data): each action its services record, with the
label timelines show."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the stats app records."""

    STATS_REFRESHED = "stats.refreshed", _("刷新统计汇总数据")
    STATS_TARGET_SET = "stats.target_set", _("设定社会组织承接资金目标")
