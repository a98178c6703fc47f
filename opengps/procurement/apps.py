"""Procurement: announcements, sealed bids and the opening (采购公告 · 密封投标 · 开标)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "opengps.procurement"
    label = "procurement"
    verbose_name = _("采购实施")
