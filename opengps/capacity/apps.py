"""Capacity building of the providers (培育扶持): township social-work stations, social workers, service
logs, incubation bases and community social organizations (issue 20)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapacityConfig(AppConfig):
    name = "opengps.capacity"
    label = "capacity"
    verbose_name = _("培育扶持")

    def ready(self) -> None:
        from opengps.capacity import events  # noqa: F401 — declares the app's audit events (timeline labels)
