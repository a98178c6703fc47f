"""Residents fixtures: the world's published `contract` (province-wide 居家养老上门服务, A0401) and its
open performance `evaluation` (`opengps.demo.fixtures`), on the real clock, with the rate-limit
window held still."""

from __future__ import annotations

import functools
import time

import pytest

from opengps.core import ratelimit


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """Contract terms and answer deadlines count from today; see the root conftest."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Autouse here: eligibility is read through the registry's per-process caches."""


@pytest.fixture(autouse=True)
def _fixed_rate_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every hit counts at one instant, so a test never crosses a window boundary."""
    monkeypatch.setattr(ratelimit, "allow", functools.partial(ratelimit.allow, now=time.time()))
