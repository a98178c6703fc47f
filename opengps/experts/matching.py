"""Which experts a draw looks at: specialty and region matching, plain functions over codes."""

from __future__ import annotations

from collections.abc import Iterable

from opengps.accounts.models import Region


def specialty_matches(specialties: Iterable[str], category: str) -> bool:
    """An expert covers `category` when one specialty is the category or a level above or below it
    (``A04`` covers ``A0401`` and vice versa): catalogue codes nest by prefix."""
    return any(category.startswith(code) or code.startswith(category) for code in specialties)


def region_matches(expert_region: str, region: Region | None) -> bool:
    """Province-wide when `region` is None or the province; else the prefecture's or county's experts."""
    if region is None or region.level == Region.Level.PROVINCE:
        return True
    if region.level == Region.Level.PREFECTURE:
        return expert_region[:4] == region.code[:4]
    return expert_region == region.code
