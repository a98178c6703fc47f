"""OCDS 1.1 releases, records, change feed and bulk downloads (开放数据)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opengps.opendata"
    label = "opendata"
    verbose_name = _("开放数据")

    def ready(self) -> None:
        import opengps.opendata.checks  # noqa: F401  (registers the deployment checks)
        from opengps.opendata import (
            events,  # noqa: F401 — declares the app's audit events (timeline labels, OCDS tags)
            services,
        )

        services.subscribe()
