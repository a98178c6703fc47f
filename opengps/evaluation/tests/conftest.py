"""Evaluation fixtures: the world's (`opengps.demo.fixtures`: `opened`, a procurement opened with
three bids, and `committee`, a drawn committee of five with accounts), on the real clock."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """Every test here counts deadlines from today; see the root conftest's `next_year_calendar`."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Autouse here: eligibility is read through the registry's per-process caches."""
