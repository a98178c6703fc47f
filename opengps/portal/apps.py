"""The public disclosure portal: notices, results, feeds and search (信息公开)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "opengps.portal"
    label = "portal"
    verbose_name = _("信息公开")
