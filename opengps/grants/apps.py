"""Welfare-lottery grants and venture philanthropy (福彩公益金项目 · 公益创投): calls to final audit."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "opengps.grants"
    label = "grants"
    verbose_name = _("公益创投与福彩项目")

    def ready(self) -> None:
        from opengps.grants import events  # noqa: F401 — declares the app's audit events (timeline labels, OCDS tags)
