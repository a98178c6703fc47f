"""Guidance catalogue of purchasable services (指导性目录), negative list and reference prices."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "opengps.catalog"
    label = "catalog"
    verbose_name = _("指导性目录")

    def ready(self) -> None:
        from opengps.catalog import events  # noqa: F401 — declares the app's audit events (timeline labels, OCDS tags)
