"""No full identity number in any answer of the capacity app, to anyone: every URL of
`opengps.capacity.urls` and every capacity route of the API (read from the OpenAPI schema, so a new
page or endpoint is scanned without editing this test), asked with every method it answers, as every
role of the platform, a city official, a station operator's member and an anonymous visitor.

The readers' answers must still show the workers (masked), so the scan is not looking at empty pages."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from openpyxl import load_workbook

from opengps.accounts.models import Region, Role, User
from opengps.api import api
from opengps.capacity import excel, services, urls
from opengps.capacity.models import (
    CommunityFiling,
    IncubationBase,
    ShowcaseEvent,
    SocialWorker,
    Station,
    Township,
    Training,
)
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db

D = date.fromisoformat
READERS = {"registration", "cs_registration", "finance", "auditor", "admin"}
"""Who reads the officials' pages: the region's civil-affairs and finance officials, auditors, admins."""


@pytest.fixture
def world(
    today: date, registrar: User, townships: dict[str, Township], operator: Organization, make_worker: Any
) -> tuple[Station, IncubationBase]:
    """岳麓街道's station with a certified and an uncertified worker, a part-timer shared with 湘潭县's
    station, and a month's log; an incubation base of 岳麓区; and the records of `_growth`."""
    station = services.station_open(
        actor=registrar,
        township=townships["430104001"],
        name="岳麓街道社会工作服务站",
        operator=operator,
        opened_on=D("2026-01-05"),
    )
    other = services.station_open(
        actor=registrar,
        township=townships["430321100"],
        name="易俗河镇社工站",
        operator=operator,
        opened_on=D("2026-02-01"),
    )
    for n, level in ((1, "intermediate"), (2, "none")):
        services.posting_add(
            actor=registrar, worker=make_worker(n, level), station=station, starts_on=D("2026-03-01")
        )
    part_timer = make_worker(3, "assistant")
    for at in (station, other):
        services.posting_add(
            actor=registrar, worker=part_timer, station=at, starts_on=D("2026-03-01"), full_time=False
        )
    services.service_log_enter(
        actor=registrar, station=station, month=D("2026-03-01"), elderly=12, people_served=5
    )
    base = services.base_create(
        actor=registrar,
        name="岳麓区社会组织孵化基地",
        level="county",
        region=Region.objects.get(pk="430104"),
        operator=operator,
        opened_on=D("2025-06-01"),
        services="入驻孵化、能力培训",
    )
    _growth(registrar, station, base, townships)
    return station, base


def _growth(registrar: User, station: Station, base: IncubationBase, townships: dict[str, Township]) -> None:
    """A service point of the station; a training of 岳麓区 the three workers attended, a showcase
    event and a filed community organization with a support and an activity: each page of theirs is
    scanned too."""
    county = Region.objects.get(pk="430104")
    services.point_open(
        actor=registrar,
        station=station,
        village_code="430104001001",
        village_name="桃子湖社区",
        opened_on=D("2026-04-01"),
        phone="0731-88880000",
    )
    training = services.training_create(
        actor=registrar,
        title="社会工作实务培训",
        region=county,
        base=base,
        starts_on=D("2026-05-11"),
        ends_on=D("2026-05-12"),
        hours="16",
    )
    for worker in SocialWorker.objects.all():
        services.attendance_record(actor=registrar, training=training, worker=worker)
    filing = services.filing_create(
        actor=registrar,
        township=townships["430104001"],
        name="桃子湖邻里议事会",
        kind="consultation",
        responsible_person="王芳",
        filed_on=D("2026-02-01"),
    )
    services.support_decide(
        actor=registrar,
        filing=filing,
        kind="award",
        amount="2000",
        purpose="优秀社区社会组织",
        decision="岳民发〔2026〕8号",
        decided_on=D("2026-06-01"),
    )
    services.activity_log(
        actor=registrar, filing=filing, kind="consultation", title="议事协商会", held_on=D("2026-06-10")
    )
    event = services.event_create(
        actor=registrar, title="典型经验交流推介会", region=county, held_on=D("2026-09-01")
    )
    services.showcase_add(actor=registrar, event=event, experience="居民议事", filing=filing)


def _pk(name: str, station: Station, base: IncubationBase) -> int:
    """The object a URL's `pk` names: a training, an event, a filing, a base or else the station."""
    for prefix, model in (("training", Training), ("event", ShowcaseEvent), ("filing", CommunityFiling)):
        if name.strip("/").split("/")[0].startswith(prefix):
            return model.objects.get().pk
    return base.pk if name.startswith("bases") else station.pk


def _people(make_user: Any, **given: User) -> dict[str, User | None]:
    """Every role of the platform once (`given` by its fixture, else an account of the provincial
    unit where the role has one), a city official, and an anonymous visitor."""
    people: dict[str, User | None] = {**given, "anonymous": None}
    units = {Role.FINANCE: "finance", Role.AUDITOR: "audit", Role.PURCHASER: "civil"}
    for role in Role:
        if role.value not in people:
            people[role.value] = make_user(role.value, unit=units.get(role))
    return people


def _page_urls(station: Station, base: IncubationBase) -> list[tuple[str, str]]:
    """(method, path) for every URL of the app: each path parameter filled, each import kind."""
    found = []
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        name = f"capacity:{pattern.name}"
        if "kind" in pattern.pattern.converters:
            paths = [reverse(name, kwargs={"kind": kind}) for kind in excel.KINDS]
        elif "pk" in pattern.pattern.converters:
            paths = [reverse(name, kwargs={"pk": _pk(str(pattern.pattern), station, base)})]
        else:
            paths = [reverse(name), reverse(name) + "?region=430104"]
        found += [("GET", path) for path in paths]
    return found


def _api_urls(station: Station, base: IncubationBase) -> list[tuple[str, str]]:
    """(method, path) for every capacity route of the API, from the OpenAPI schema."""
    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        if not path.startswith("/api/v1/capacity/"):
            continue
        pk = _pk(path.removeprefix("/api/v1/capacity/"), station, base)
        kinds = list(excel.KINDS) if "{kind}" in path else [""]
        for kind in kinds:
            filled = path.replace("{pk}", str(pk)).replace("{kind}", kind)
            found += [(method.upper(), filled) for method in operations]
            if "{" not in path and "GET" in {m.upper() for m in operations}:
                found.append(("GET", filled + "?region=430104&on=2026-03-31"))
    return found


def _text(answer: Any) -> str:
    """The answer as text: a page or JSON as it is, a workbook as every cell of every sheet."""
    if answer.get("Content-Type") != excel.XLSX:
        return str(answer.content.decode())
    book = load_workbook(BytesIO(answer.content), read_only=True)
    return "\n".join(
        str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
    )


def _ask(client: Client, method: str, path: str, numbers: list[str]) -> Any:
    """GET, or POST where that is the only method answered: a write naming a worker by the full
    number (a second registration of it), which whatever the refusal must not come back."""
    if method == "GET":
        answer = client.get(path)
        if answer.status_code != 405:
            return answer
    return client.post(path, {"id_number": numbers[0], "name": "社工"})


def test_no_answer_to_any_role_carries_a_full_identity_number(
    world: tuple[Station, IncubationBase],
    make_user: Any,
    registrar: User,
    cs_registrar: User,
    operator_member: User,
    agency: User,
) -> None:
    # given every URL and endpoint of the app, and every kind of user
    station, base = world
    targets = _page_urls(station, base) + _api_urls(station, base)
    numbers = list(SocialWorker.objects.values_list("id_number", flat=True))
    masked = list(SocialWorker.objects.values_list("id_number_masked", flat=True))
    assert len(numbers) == 3 and all(number[:14] != m[:14] for number, m in zip(numbers, masked, strict=True))
    people = _people(
        make_user,
        registration=registrar,
        cs_registration=cs_registrar,
        supplier=operator_member,
        agency=agency,
    )
    assert set(people) >= {role.value for role in Role}
    shown_masked: set[str] = set()
    for who, user in people.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for method, path in targets:
            # when they ask
            answer = _ask(client, method, path, numbers)
            assert answer.status_code < 500, (who, method, path, answer.status_code)
            body = _text(answer)
            # then no full number is in the answer, nor its first fourteen digits (region and birth day)
            for number in numbers:
                assert number not in body and number[:14] not in body, (who, method, path)
            shown_masked |= {m for m in masked if m in body and who in READERS}
    # and the readers did see the workers, masked
    assert shown_masked == set(masked)
