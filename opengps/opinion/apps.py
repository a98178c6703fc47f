"""Public-opinion monitoring (舆情监测): sources, items, organization matches, alerts and decisions
(issue 21)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionConfig(AppConfig):
    name = "opengps.opinion"
    label = "opinion"
    verbose_name = _("舆情监测")

    def ready(self) -> None:
        from opengps.assessment.hooks import register_facts
        from opengps.opinion import events  # noqa: F401 — declares the app's audit events (timeline labels)
        from opengps.opinion.facts import opinion_facts

        register_facts(opinion_facts)  # what the assessor of a rating sees beside the indicators
