"""Opinion audit events (STYLE: events as data): each action the services record, with the label
timelines show."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the opinion services record."""

    OPINION_ALERT_ATTACHED = "opinion_alert.attached", _("舆情信息归入已有预警")
    OPINION_ALERT_DECIDED = "opinion_alert.decided", _("对舆情预警作出处理决定")
    OPINION_ALERT_RAISED = "opinion_alert.raised", _("产生舆情预警")
    OPINION_FILE_IMPORTED = "opinion_file.imported", _("导入监测机构文件")
    OPINION_ITEM_COLLECTED = "opinion_item.collected", _("采集舆情信息")
    OPINION_ITEM_TONE_CORRECTED = "opinion_item.tone_corrected", _("更正舆情信息倾向")
    OPINION_NAME_ADDED = "opinion_name.added", _("登记组织曾用名或别称")
    OPINION_SOURCE_CREATED = "opinion_source.created", _("登记舆情来源")
    OPINION_SOURCE_FAILED = "opinion_source.failed", _("舆情来源抓取失败")
    OPINION_SOURCE_RECOVERED = "opinion_source.recovered", _("舆情来源恢复抓取")
