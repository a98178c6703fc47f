"""Performance evaluation, recipient surveys and the credit loop (绩效评价 · 优胜劣汰)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "opengps.performance"
    label = "performance"
    verbose_name = _("绩效评价")

    def ready(self) -> None:
        from opengps.performance import (
            events,  # noqa: F401 — declares the app's audit events (timeline labels, OCDS tags)
            hooks,
        )

        hooks.register()
