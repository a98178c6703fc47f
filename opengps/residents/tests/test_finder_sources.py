"""The residents' finder reads every source of services (issue 23 item 1): the township social-work
stations of the capacity app (as its public finder lists them) for the needs they logged, and grants
being carried out, beside live contracts and e-mall orders — each in plain words: where, when and
how to ask. A township narrows the stations; one of another county is refused by the API and
dropped by the page's form (the resident changed the county)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from opengps.accounts.models import Region, User
from opengps.capacity import services as capacity
from opengps.capacity.models import Station, Township
from opengps.contracts.models import Contract
from opengps.core.errors import ServiceError
from opengps.residents import selectors

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def _dates(contract: Contract) -> dict[str, date]:
    """The finder's days, relative to the world's live contract (which starts 60 days before the day
    the suite runs, so the tests hold on any date): today 60 days into the contract, the station
    opened ten months before, its logs for the month before last and the last month."""
    today = contract.starts_on + timedelta(days=60)
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    before_last = (last - timedelta(days=1)).replace(day=1)
    opened = before_last - timedelta(days=300)
    return {"today": today, "opened": opened, "log": before_last, "later_log": last}


TOWNSHIPS = [
    ("430104", "430104001", "岳麓街道", "street"),
    ("430104", "430104002", "望岳街道", "street"),
    ("430321", "430321100", "易俗河镇", "town"),
]


@pytest.fixture
def townships(registrar: User, regions: None) -> dict[str, Township]:
    return {
        code: capacity.township_create(
            actor=registrar, code=code, name=name, kind=kind, county=Region.objects.get(pk=county)
        )
        for county, code, name, kind in TOWNSHIPS
    }


@pytest.fixture
def stations(
    contract: Contract, registrar: User, townships: dict[str, Township], clock_at: Callable[..., None]
) -> dict[str, Station]:
    """岳麓街道: paid by the world's live contract, logging elderly care; 望岳街道: children only;
    易俗河镇 (another county): elderly care. All run by the contract's supplier."""
    days = _dates(contract)
    clock_at(days["today"], tick=False)

    def open_(code: str, **kw: Any) -> Station:
        return capacity.station_open(
            actor=registrar,
            township=townships[code],
            name=f"{townships[code].name}社工站",
            operator=contract.supplier,
            opened_on=days["opened"],
            **kw,
        )

    made = {
        "430104001": open_(
            "430104001",
            contract=contract,
            address="岳麓区岳麓街道桃子湖路1号",
            opening_hours="周一至周五 8:30-17:30",
            phone="0731-88880001",
        ),
        "430104002": open_("430104002", address="岳麓区望岳街道"),
        "430321100": open_("430321100", address="湘潭县易俗河镇"),
    }
    for code, domain in (("430104001", "elderly"), ("430104002", "children"), ("430321100", "elderly")):
        capacity.service_log_enter(
            actor=registrar, station=made[code], month=days["log"], people_served=5, **{domain: 8}
        )
    return made


def _stations(cards: list[selectors.ServiceCard]) -> list[str]:
    return [card.title for card in cards if card.source == "station"]


def test_the_station_of_the_township_is_found_for_its_need_with_where_when_and_how(
    stations: dict[str, Station], contract: Contract
) -> None:
    # when a resident of 岳麓街道 looks for elderly care
    cards = selectors.find_services(county="430104", township="430104001", need="elderly")
    # then the station comes first, with its address, hours, phone and how to ask
    (station,) = (card for card in cards if card.source == "station")
    assert cards[0] == station
    assert station.pk == stations["430104001"].pk
    assert station.title == "岳麓街道社工站" and station.provider == contract.supplier.name
    assert station.where == "岳麓区岳麓街道桃子湖路1号"
    assert station.when == "周一至周五 8:30-17:30"
    assert station.phone == "0731-88880001" and "0731-88880001" in station.how
    assert station.kind_name == "养老服务"
    assert station.purchaser == contract.purchaser.name
    # and it is rated and complained about through the live contract that pays it
    assert (station.feedback_source, station.feedback_pk) == ("contract", contract.pk)
    # and the contract itself is listed too (it serves the whole province), in plain words
    (bought,) = (card for card in cards if card.source == "contract")
    assert bought.pk == contract.pk and bought.where and bought.when.startswith("现在提供")
    assert contract.purchaser.name in bought.how


def test_a_station_is_not_found_for_another_township_another_need_or_another_county(
    stations: dict[str, Station],
) -> None:
    # 望岳街道's station logged only children's services
    assert _stations(selectors.find_services(county="430104", township="430104002", need="elderly")) == []
    assert _stations(selectors.find_services(county="430104", township="430104002", need="children")) == [
        "望岳街道社工站"
    ]
    # 岳麓街道's station logged no children's services, and none answers 助残
    assert _stations(selectors.find_services(county="430104", township="430104001", need="children")) == []
    assert _stations(selectors.find_services(county="430104", need="disability")) == []
    # the whole county: its own station for the need, never the other county's
    assert _stations(selectors.find_services(county="430104", need="elderly")) == ["岳麓街道社工站"]
    assert _stations(selectors.find_services(county="430321", need="elderly")) == ["易俗河镇社工站"]


def test_a_suspended_station_is_not_listed(stations: dict[str, Station], registrar: User) -> None:
    capacity.station_suspend(actor=registrar, station=stations["430104001"], reason="更换运营机构")
    assert _stations(selectors.find_services(county="430104", township="430104001", need="elderly")) == []


def test_a_township_of_another_county_is_refused_by_its_field(stations: dict[str, Station]) -> None:
    with pytest.raises(ServiceError) as refused:
        selectors.find_services(county="430104", township="430321100", need="elderly")
    assert refused.value.code == "residents.township_invalid" and refused.value.field == "township"
    api = Client().get(
        "/api/v1/residents/services", {"county": "430104", "township": "430321100", "need": "elderly"}
    )
    assert api.status_code == 400 and api.json()["error"]["code"] == "residents.township_invalid"


def test_the_api_gives_the_station_in_plain_words(stations: dict[str, Station], contract: Contract) -> None:
    found = Client().get(
        "/api/v1/residents/services", {"county": "430104", "township": "430104001", "need": "elderly"}
    )
    assert found.status_code == 200
    station = next(row for row in found.json() if row["source"] == "station")
    assert station["where"] == "岳麓区岳麓街道桃子湖路1号" and station["phone"] == "0731-88880001"
    assert station["feedback_source"] == "contract" and station["feedback_pk"] == contract.pk
    assert "id_number" not in str(found.json()) and "社工1" not in str(found.json())


def test_the_page_lists_the_townships_and_the_station(
    stations: dict[str, Station], contract: Contract
) -> None:
    client = Client()
    # when the resident picks the county, then the township, and a need
    page = client.get("/residents/", {"county": "430104", "township": "430104001", "need": "elderly"})
    html = page.content.decode()
    # then the township choice lists the county's townships only, and the station is shown
    assert page.status_code == 200
    assert 'value="430104001" selected' in html and "望岳街道" in html and "易俗河镇" not in html
    for shown in (
        "岳麓街道社工站",
        "岳麓区岳麓街道桃子湖路1号",
        "周一至周五 8:30-17:30",
        'href="tel:0731-88880001"',
    ):
        assert shown in html
    assert f"/residents/services/contract/{contract.pk}/" in html
    # and after changing the county, the former county's township is dropped, not an error
    moved = client.get("/residents/", {"county": "430321", "township": "430104001", "need": "elderly"})
    assert moved.status_code == 200
    assert "易俗河镇社工站" in moved.content.decode() and "岳麓街道社工站" not in moved.content.decode()


def _funded_grant(make_user: Any) -> Any:
    """The grants world's 2023 round through its services: one application for 社区独居老人关爱服务
    (扶老, 岳麓区, 2023-07-01 to 2024-06-30), reviewed, funded and signed."""
    from opengps.demo import world as builders
    from opengps.experts.services import draw_member_respond
    from opengps.grants import services as grants

    world = builders.grants_world_create(make_user)
    round_ = builders.grant_round_create(world)
    builders.grant_panel_register(world, make_user)
    _org, member = builders.GrantApplicants(world, make_user)()
    app = grants.application_save(actor=member, round=round_, **builders.grant_application_values())
    grants.application_submit(actor=member, application=app, today=builders.GRANT_SUBMIT_ON)
    grants.round_review_start(actor=world.funder, round=round_, today=builders.GRANT_REVIEW_ON)
    round_ = grants.panel_draw(actor=world.funder, round=round_, needed=3, drawn_at=builders.GRANT_DRAWN_AT)
    assert round_.draw is not None
    for m in round_.draw.members.select_related("expert__user").order_by("order"):
        user = m.expert.user
        assert user is not None
        draw_member_respond(actor=user, member=m, accept=True, no_conflict_confirmed=True)
        grants.score_submit(
            actor=user, application=app, scores={"need": "27", "design": "36", "capacity": "27"}
        )
    grants.round_rank(actor=world.funder, round=round_)
    grants.notice_publish(actor=world.funder, round=round_, today=builders.GRANT_NOTICE_ON)
    grants.round_decide(actor=world.funder, round=round_, today=builders.GRANT_DECIDE_ON)
    app.refresh_from_db()
    return grants.agreement_sign(actor=world.funder, application=app, signed_on=D("2023-06-20"))


def test_a_grant_being_carried_out_is_found_for_its_need(make_user: Any) -> None:
    # given a grant for 扶老 in 岳麓区 from 2023-07-01 to 2024-06-30
    agreement = _funded_grant(make_user)
    application = agreement.application
    during = D("2023-09-01")
    # when a resident of 岳麓区 looks for elderly care during the project
    cards = selectors.find_services(county="430104", need="elderly", today=during)
    # then the grant is listed, in plain words, with the grantee and the funder
    (grant,) = (card for card in cards if card.source == "grant")
    assert grant.pk == agreement.pk and grant.title == application.title
    assert grant.provider == application.organization.name
    assert grant.purchaser == application.round.programme.funder_unit.name
    assert grant.kind_name == "扶老" and grant.where == application.beneficiary_region.full_name
    assert grant.when.startswith("现在提供") and "2024" in grant.when
    assert application.organization.name in grant.how and grant.purchaser in grant.how
    assert grant.feedback_source == "" and grant.rating is None and grant.ratings == 0
    # and not for another need, another county, nor before it starts or after it ends
    assert [
        c
        for c in selectors.find_services(county="430104", need="disability", today=during)
        if c.source == "grant"
    ] == []
    assert [
        c
        for c in selectors.find_services(county="430321", need="elderly", today=during)
        if c.source == "grant"
    ] == []
    for day in (D("2023-06-30"), D("2024-07-01")):
        assert [
            c
            for c in selectors.find_services(county="430104", need="elderly", today=day)
            if c.source == "grant"
        ] == []


def test_the_finder_reads_stations_in_a_fixed_number_of_queries(
    stations: dict[str, Station], registrar: User, contract: Contract
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given one station of the county serving elderly care
    with CaptureQueriesContext(connection) as one:
        assert len(_stations(selectors.find_services(county="430104", need="elderly"))) == 1
    # when a second one logs elderly care too
    capacity.service_log_enter(
        actor=registrar, station=stations["430104002"], month=_dates(contract)["later_log"], elderly=3
    )
    with CaptureQueriesContext(connection) as two:
        assert len(_stations(selectors.find_services(county="430104", need="elderly"))) == 2
    # then the finder reads them with as many queries as one
    assert len(two.captured_queries) == len(one.captured_queries)
