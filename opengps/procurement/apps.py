"""Procurement: announcements, sealed bids and the opening (采购公告 · 密封投标 · 开标)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "opengps.procurement"
    label = "procurement"
    verbose_name = _("采购实施")

    def ready(self) -> None:
        from opengps.core import transparency
        from opengps.procurement import events  # noqa: F401 — declares the app's audit events (timeline labels, OCDS tags)
        from opengps.procurement.selectors import bid_receipt_digests

        # every acknowledged bid version must have its leaf in the transparency log
        transparency.register_leaf_source("procurement.bidversion", bid_receipt_digests)
