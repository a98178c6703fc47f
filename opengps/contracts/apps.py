"""Contracts, execution and phased acceptance (合同 · 履约 · 验收)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "opengps.contracts"
    label = "contracts"
    verbose_name = _("合同与履约验收")

    def ready(self) -> None:
        from opengps.contracts import events  # noqa: F401 — declares the app's audit events (timeline labels, OCDS tags)
