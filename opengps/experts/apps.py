"""Provincial evaluation expert database (评审专家库) and the replayable random draw (随机抽取)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "opengps.experts"
    label = "experts"
    verbose_name = _("评审专家库")

    def ready(self) -> None:
        from opengps.experts import events  # noqa: F401 — declares the app's audit events (timeline labels, OCDS tags)
