"""Statistics and dashboards (统计分析): measures defined once, summary tables, dashboards."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "opengps.stats"
    label = "stats"
    verbose_name = _("统计分析")

    def ready(self) -> None:
        from opengps.stats import events  # noqa: F401 — declares the app's audit events (timeline labels)
