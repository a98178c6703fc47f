"""Red flags for the finance department and auditors, with evidence (监督预警)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "opengps.oversight"
    label = "oversight"
    verbose_name = _("监督预警")

    def ready(self) -> None:
        from opengps.oversight import events  # noqa: F401 — declares the app's audit events (timeline labels, OCDS tags)
