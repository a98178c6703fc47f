"""Registry fixtures: organizations built through the services, with valid codes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from stdnum.cn import uscc as stdnum_uscc

from opengps.registry.demo_names import make_uscc


def uscc_for(serial: int, region: str = "430100", kind: str = "2") -> str:
    return make_uscc(kind_code=kind, region_code=region, serial=serial)


def with_wrong_check_digit(code: str) -> str:
    right = stdnum_uscc.calc_check_digit(code[:17])
    wrong = next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != right)
    return code[:17] + wrong


REGISTRY_DAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _registry_day(clock_at: Callable[..., None]) -> None:
    """Ratings, credit listings and penalties here carry fixed dates; judge them on a fixed day."""
    clock_at(REGISTRY_DAY)


@pytest.fixture(autouse=True)
def fresh_registry_caches() -> None:
    """Per-process caches (match counts, the stale check throttle) must not leak between tests."""
    from django.core.cache import cache

    from opengps.registry import derived

    cache.clear()
    derived._LAST_CHECK["at"] = -1e9


@pytest.fixture
def make_org(registrar: Any) -> Callable[..., Any]:
    from opengps.registry.services import organization_create

    counter = {"n": 0}

    def make(*, actor: Any = None, serial: int | None = None, **overrides: Any) -> Any:
        counter["n"] += 1
        n = serial if serial is not None else counter["n"]
        values: dict[str, Any] = {
            "name": f"长沙市阳光养老服务中心{n}",
            "uscc": uscc_for(n),
            "org_type": "social_service_agency",
            "region": "430104",
            "founded_on": date(2015, 3, 1),
            "legal_representative": "张伟",
            "address": "长沙市岳麓区麓山路1号",
        }
        values.update(overrides)
        return organization_create(actor=actor or registrar, **values)

    return make


@pytest.fixture
def cs_registrar(make_user: Callable[..., Any]) -> Any:
    """A registrar of 长沙市民政局 (a city unit under the province)."""
    return make_user("registration", unit="cs_civil")
