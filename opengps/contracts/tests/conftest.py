"""Contracts fixtures: the world's open tender evaluated and announced (`award`, `make_contract`,
`winner_user` in `opengps.demo.fixtures`), plus a losing bidder, on the real clock."""

from __future__ import annotations

from typing import Any

import pytest

from opengps.evaluation.models import Award


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """Contract terms and deadlines count from today; see the root conftest's `next_year_calendar`."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Autouse here: eligibility is read through the registry's per-process caches."""


@pytest.fixture
def other_supplier(award: Award, suppliers: list[Any]) -> Any:
    assert award.winner is not None
    return next(u for u in suppliers if u.organization_id != award.winner.organization_id)
