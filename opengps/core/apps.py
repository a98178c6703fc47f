"""Core app: audit chain, errors, permissions and shared helpers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "opengps.core"
    label = "core"
    verbose_name = _("平台核心")

    def ready(self) -> None:
        from django.core.signals import request_started

        from opengps.core.calendar_sync import refresh_if_stale

        request_started.connect(refresh_if_stale, dispatch_uid="opengps-calendar-sync")

        from opengps.core import checks  # noqa: F401 — registers the system checks
        from opengps.core.metrics import register_collectors

        register_collectors()
