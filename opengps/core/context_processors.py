"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from opengps import __version__


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "platform_version": __version__,
        "experts_roles": ("agency", "finance", "auditor", "admin"),
        "oversight_roles": ("finance", "auditor", "admin"),
    }
