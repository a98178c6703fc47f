"""The opendata app's audit events (STYLE: events as data): each action its services record, with
the label timelines show and, where the action publishes open data, its OCDS release tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the opendata app records."""

    OPENDATA_EXPORT_STARTED = "opendata.export_started", _("开始批量导出")
    OPENDATA_RELEASES_BACKFILLED = "opendata.releases_backfilled", _("补发开放数据")
