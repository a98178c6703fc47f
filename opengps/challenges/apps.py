"""Challenges and complaints (质疑 · 投诉) of suppliers, with their statutory deadlines."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "opengps.challenges"
    verbose_name = _("质疑与投诉")

    def ready(self) -> None:
        from opengps.challenges import events  # noqa: F401 — declares the app's audit events (timeline labels, OCDS tags)
