"""Registry fixtures: the world's organizations with valid codes (`make_org` in
`opengps.demo.fixtures`), a city registrar, a fixed day and fresh registry caches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

REGISTRY_DAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _registry_day(clock_at: Callable[..., None]) -> None:
    """Ratings, credit listings and penalties here carry fixed dates; judge them on a fixed day."""
    clock_at(REGISTRY_DAY)


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Autouse here: per-process caches (match counts, the stale check throttle) must not leak
    between tests."""


@pytest.fixture
def cs_registrar(make_user: Callable[..., Any]) -> Any:
    """A registrar of 长沙市民政局 (a city unit under the province)."""
    return make_user("registration", unit="cs_civil")
