"""Performance fixtures: the world's published `contract`, general `template`, third-party
evaluator (`evaluator_unit`, `evaluator_user`) and open `evaluation` (`opengps.demo.fixtures`),
on the real clock, with the rate-limit window held still."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """Contract terms and evaluation periods count from today; see the root conftest's
    `next_year_calendar`."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Autouse here: eligibility is read through the registry's per-process caches."""


@pytest.fixture(autouse=True)
def _fixed_rate_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rate-limit windows are fixed clock windows; a test crossing a boundary would see a fresh
    window. Every hit counts at one instant so the throttling tests are deterministic."""
    import functools
    import time

    from opengps.core import ratelimit

    monkeypatch.setattr(ratelimit, "allow", functools.partial(ratelimit.allow, now=time.time()))
