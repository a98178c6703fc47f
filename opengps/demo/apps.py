"""Demo app: the `demo` command and the loader that builds the demo world through the real services."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "opengps.demo"
    label = "demo"
    verbose_name = _("演示数据")
