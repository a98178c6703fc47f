"""Procurement fixtures: the world's (`opengps.demo.fixtures`: approved plans per method, supplier
organizations with members, an agency), on the real clock with fresh registry caches.

Plans are filed on the world's fixed day (`PLAN_TODAY`); procurement dates are relative to the
real clock, because the bid deadline is judged by the database clock.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """Procurements run on the real clock; see the root conftest's `next_year_calendar`."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Autouse here: eligibility is read through the registry's per-process caches."""
