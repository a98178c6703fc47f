"""A station operator's members see the township social-work stations their organization runs on
the workbench, last month's missing service log first, each one click from the log screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from opengps.accounts.models import Region
from opengps.capacity import services as capacity_services
from opengps.workbench import queues

pytestmark = pytest.mark.django_db

TODAY = date(2027, 1, 11)


def test_the_operator_sees_its_stations_and_last_months_missing_log(
    registrar: Any, make_org: Callable[..., Any], make_user: Callable[..., Any], clock_at: Callable[..., None]
) -> None:
    # given two stations run by one organization, opened in 2026, and another organization's member
    clock_at(TODAY, tick=False)
    operator = make_org(name="岳麓区社会工作服务中心")
    member = make_user("supplier", unit=None, organization=operator)
    outsider = make_user("supplier", unit=None, organization=make_org(name="湘潭县社会工作服务中心"))
    county = Region.objects.get(pk="430104")
    stations = [
        capacity_services.station_open(
            actor=registrar,
            township=capacity_services.township_create(
                actor=registrar, code=code, name=name, kind="street", county=county
            ),
            name=f"{name}社会工作服务站",
            operator=operator,
            opened_on=date(2026, 3, 1),
        )
        for code, name in (("430104001", "岳麓街道"), ("430104002", "望岳街道"))
    ]
    # when the second station has entered December's log and the first has not
    capacity_services.service_log_enter(
        actor=registrar, station=stations[1], month=date(2026, 12, 1), elderly=12, people_served=9
    )
    mine = {q.key: q for q in queues.queues_for(actor=member)}["stations"]
    # then the missing log comes first, both link to their log screen, and nobody else sees them
    assert [(i.state, i.title, i.note) for i in mine.items] == [
        ("上月服务台账待填报", "岳麓街道社会工作服务站（岳麓街道）", "2026-12 的台账尚未填报"),
        ("运营中", "望岳街道社会工作服务站（望岳街道）", "2026-12 的台账已填报"),
    ]
    assert [i.url for i in mine.items] == [f"/capacity/stations/{s.pk}/logs/" for s in stations]
    assert {q.key: q for q in queues.queues_for(actor=outsider)}["stations"].count == 0
