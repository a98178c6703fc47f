"""Core app: audit chain, errors, permissions and shared helpers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "opengps.core"
    label = "core"
    verbose_name = _("平台核心")
