"""Registry of social organizations (社会组织法人库): ratings, annual reports, credit lists."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "opengps.registry"
    label = "registry"
    verbose_name = _("社会组织法人库")

    def ready(self) -> None:
        from opengps.registry import events  # noqa: F401 — declares the app's audit events (timeline labels, OCDS tags)
