"""Workbench app: each user's home, the auditors' timeline screens and the platform administrator's
holiday-notice entry — the screens that sit above every domain and read from all of them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "opengps.workbench"
    label = "workbench"
    verbose_name = _("工作台")

    def ready(self) -> None:
        from opengps.workbench import events  # noqa: F401  (registers the timeline labels)
