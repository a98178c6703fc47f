"""Open-data fixtures: the world's procurement opened, evaluated and announced
(`opengps.demo.fixtures`), on the real clock, and a check against the official OCDS 1.1.5 schemas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from opengps.demo.testdata import schema_errors


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """Procurements run on the real clock; see the root conftest's `next_year_calendar`."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Autouse here: eligibility is read through the registry's per-process caches."""


@pytest.fixture
def assert_valid() -> Callable[[str, Any], None]:
    def check(kind: str, data: Any) -> None:
        errors = schema_errors(kind, data)
        assert not errors, "\n".join(errors[:20])

    return check
