"""Budgets, project library, purchase plans and intentions (预算 · 项目库 · 采购计划 · 采购意向)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "opengps.planning"
    label = "planning"
    verbose_name = _("预算与采购计划")

    def ready(self) -> None:
        from opengps.planning import events  # noqa: F401 — declares the app's audit events (timeline labels, OCDS tags)
