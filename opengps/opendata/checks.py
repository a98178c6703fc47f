"""Deployment checks of the open-data settings (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def opendata_settings_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """An unset ocid prefix or public URL is an error in production: published ocids and URLs are
    permanent, so nothing may be published under a placeholder."""
    from opengps.opendata import builders

    return [
        checks.Error(f"{name} is not set.", hint=why, id=f"opengps.E10{n}")
        for n, (name, why) in enumerate(builders.configuration_errors(), start=1)
    ]
