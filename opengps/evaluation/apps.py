"""Evaluation and award (评审 · 定标): committee, reviews, scores, report, award, deposits."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "opengps.evaluation"
    verbose_name = _("评审与定标")

    def ready(self) -> None:
        from opengps.evaluation import events  # noqa: F401 — declares the app's audit events (timeline labels, OCDS tags)
