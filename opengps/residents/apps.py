"""Residents' access (居民服务): find the services bought for you, rate them, complain and be answered."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "opengps.residents"
    label = "residents"
    verbose_name = _("居民服务")

    def ready(self) -> None:
        from opengps.assessment.hooks import register_facts
        from opengps.residents import events  # noqa: F401 — declares the app's audit events (timeline labels)
        from opengps.residents.facts import residents_facts

        register_facts(residents_facts)  # what the assessor of a rating sees beside the indicators
