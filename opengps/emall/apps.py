"""The e-mall (电子卖场): supplier entry, service listings, direct purchase and orders to rating."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmallConfig(AppConfig):
    name = "opengps.emall"
    label = "emall"
    verbose_name = _("电子卖场")

    def ready(self) -> None:
        from opengps.emall import events  # noqa: F401 — declares the app's audit events (timeline labels)
        from opengps.emall.services.orders import held_on_budget_lines
        from opengps.planning.hooks import register_budget_holding

        # planning's budget usage and room count the e-mall's orders and open 竞价 rounds
        register_budget_holding("emall", held_on_budget_lines)
