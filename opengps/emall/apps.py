"""The e-mall (电子卖场): supplier entry, service listings, direct purchase and orders to rating."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmallConfig(AppConfig):
    name = "opengps.emall"
    label = "emall"
    verbose_name = _("电子卖场")

    def ready(self) -> None:
        from opengps.emall import events  # noqa: F401 — declares the app's audit events (timeline labels)
