"""Capacity fixtures: two counties' townships (岳麓区 and 湘潭县, demo codes), the Changsha civil-affairs
bureau's registration official, a station operator with a member account, and the clock pinned in
January 2027 so a whole year of 2026 logs can be entered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from opengps.accounts.models import Region, User
from opengps.capacity import services
from opengps.capacity.models import Township
from opengps.demo.world import Organizations, Users
from opengps.registry.models import Organization

TODAY = date(2027, 1, 11)
TOWNSHIPS = {
    "430104": [
        ("430104001", "岳麓街道", "street"),
        ("430104002", "望岳街道", "street"),
        ("430104100", "莲花镇", "town"),
    ],
    "430321": [("430321100", "易俗河镇", "town"), ("430321200", "白石镇", "town")],
}
"""Demo townships (codes in the 9-digit form, not the official list)."""


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """The world's contract counts its deadlines from today; see the root conftest."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Autouse here: eligibility is read through the registry's per-process caches."""


@pytest.fixture
def today(clock_at: Callable[..., None]) -> date:
    clock_at(TODAY, tick=False)
    return TODAY


@pytest.fixture
def cs_registrar(make_user: Users) -> User:
    """The registration official of 长沙市民政局 (Changsha and its counties)."""
    return make_user("registration", unit="cs_civil")


@pytest.fixture
def townships(registrar: User, regions: None) -> dict[str, Township]:
    """Every demo township by code, entered by the provincial registration authority."""
    made = {}
    for county, rows in TOWNSHIPS.items():
        region = Region.objects.get(pk=county)
        for code, name, kind in rows:
            made[code] = services.township_create(
                actor=registrar, code=code, name=name, kind=kind, county=region
            )
    return made


@pytest.fixture
def operator(make_org: Organizations) -> Organization:
    return make_org(name="岳麓区社会工作服务中心")


@pytest.fixture
def operator_member(make_user: Users, operator: Organization) -> User:
    return make_user("supplier", unit=None, organization=operator)


@pytest.fixture
def make_worker(registrar: User) -> Callable[..., Any]:
    """`make_worker(n, level="intermediate")`: the n-th worker of 岳麓区 with a valid identity number."""
    from opengps.experts.identity import make_id_number

    def make(n: int, level: str = "intermediate", **overrides: Any) -> Any:
        certified = level != "none"
        values: dict[str, Any] = {
            "name": f"社工{n}",
            "id_number": make_id_number(region_code="430104", birth_date=date(1990, 1, 1 + n % 28), serial=n),
            "region": Region.objects.get(pk="430104"),
            "level": level,
            "certificate_no": f"ZS2020{n:04d}" if certified else "",
            "certified_year": 2020 if certified else None,
        }
        values.update(overrides)
        return services.worker_register(actor=registrar, **values)

    return make
