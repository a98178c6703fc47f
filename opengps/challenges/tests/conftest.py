"""Challenge fixtures: the world's opened procurement and its committee (`opengps.demo.fixtures`),
on the real clock."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """Challenge periods count from today; see the root conftest's `next_year_calendar`."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Autouse here: eligibility is read through the registry's per-process caches."""
