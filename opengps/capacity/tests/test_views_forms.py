"""The station page's writing screens, one POST URL per action: each action succeeds (message and
redirect back to the page), a refusal shows beside its field with the input kept, a role without the
right is refused with 403 and nothing changes, and no answer carries a worker's full identity number."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.accounts.models import User
from opengps.capacity import services
from opengps.capacity.models import Posting, ServiceLog, SocialWorker, Station, StationStatus, Township
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.fixture
def station(
    today: date, registrar: User, townships: dict[str, Township], operator: Organization, make_worker: Any
) -> Station:
    """岳麓街道's station, open since 2026-01-05, with worker 1 posted and January's log entered."""
    made = services.station_open(
        actor=registrar,
        township=townships["430104001"],
        name="岳麓街道社会工作服务站",
        operator=operator,
        opened_on=D("2026-01-05"),
    )
    services.posting_add(actor=registrar, worker=make_worker(1), station=made, starts_on=D("2026-01-05"))
    services.service_log_enter(actor=registrar, station=made, month=D("2026-01-01"), elderly=5)
    return made


def _login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(user: User, name: str, station: Station, data: dict[str, Any]) -> Any:
    return _login(user).post(reverse(f"capacity:{name}", args=[station.pk]), data)


def _no_full_number(answer: Any) -> None:
    text = answer.content.decode()
    for number in SocialWorker.objects.values_list("id_number", flat=True):
        assert number not in text


def test_the_page_shows_the_forms_to_the_registration_authority_only(
    station: Station, registrar: User, finance: User
) -> None:
    page = _login(registrar).get(reverse("capacity:station", args=[station.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    for name in ("log-enter", "posting-add", "posting-end", "suspend", "close"):
        assert reverse(f"capacity:{name}", args=[station.pk]) in body
    _no_full_number(page)
    read_only = _login(finance).get(reverse("capacity:station", args=[station.pk])).content.decode()
    assert reverse("capacity:suspend", args=[station.pk]) not in read_only


def test_a_log_is_entered_then_corrected(station: Station, registrar: User) -> None:
    # when
    answer = _post(
        registrar, "log-enter", station, {"month": "2026-02", "elderly": "12", "people_served": "4"}
    )
    # then
    assert answer.status_code == 302
    assert answer["Location"] == reverse("capacity:station", args=[station.pk])
    log = ServiceLog.objects.get(station=station, month=D("2026-02-01"))
    assert (log.elderly, log.people_served, log.children) == (12, 4, 0)
    client = _login(registrar)
    url = reverse("capacity:log-enter", args=[station.pk])
    page = client.post(url, {"month": "2026-02", "elderly": "13", "people_served": "4"}, follow=True)
    log.refresh_from_db()
    assert log.elderly == 13
    assert "服务台账已保存" in page.content.decode()


def test_a_log_refused_shows_beside_its_field_with_the_input_kept(station: Station, registrar: User) -> None:
    # a month not yet begun (today is 2027-01-11)
    answer = _post(registrar, "log-enter", station, {"month": "2027-03", "elderly": "77"})
    assert answer.status_code >= 400
    body = answer.content.decode()
    assert 'id="log-month-error"' in body
    assert 'value="77"' in body
    assert not ServiceLog.objects.filter(month=D("2027-03-01")).exists()
    # a negative count, refused by the service beside that count
    negative = _post(registrar, "log-enter", station, {"month": "2026-04", "children": "-3"})
    assert negative.status_code == 400
    assert 'id="log-children-error"' in negative.content.decode()
    _no_full_number(answer)


def test_a_worker_is_posted_and_the_posting_ended(
    station: Station, registrar: User, make_worker: Any
) -> None:
    worker = make_worker(2)
    answer = _post(
        registrar, "posting-add", station, {"worker": worker.pk, "starts_on": "2026-06-01", "full_time": "on"}
    )
    assert answer.status_code == 302
    posting = Posting.objects.get(worker=worker, station=station)
    assert (posting.starts_on, posting.full_time) == (D("2026-06-01"), True)
    ended = _post(registrar, "posting-end", station, {"posting": posting.pk, "ends_on": "2026-12-31"})
    assert ended.status_code == 302
    posting.refresh_from_db()
    assert posting.ends_on == D("2026-12-31")


def test_a_posting_refused_shows_beside_its_field_with_the_input_kept(
    station: Station, registrar: User, make_worker: Any
) -> None:
    worker = make_worker(2)
    # before the station opened
    answer = _post(registrar, "posting-add", station, {"worker": worker.pk, "starts_on": "2025-12-01"})
    assert answer.status_code == 400
    body = answer.content.decode()
    assert 'id="post-starts_on-error"' in body
    assert 'value="2025-12-01"' in body
    assert not Posting.objects.filter(worker=worker).exists()
    _no_full_number(answer)


def test_a_posting_end_refused_shows_beside_its_field(station: Station, registrar: User) -> None:
    posting = Posting.objects.get(station=station)
    answer = _post(registrar, "posting-end", station, {"posting": posting.pk, "ends_on": "2025-01-01"})
    assert answer.status_code == 400
    body = answer.content.decode()
    assert 'id="unpost-ends_on-error"' in body
    assert 'value="2025-01-01"' in body
    posting.refresh_from_db()
    assert posting.ends_on is None


def test_a_station_is_suspended_resumed_and_closed(station: Station, registrar: User) -> None:
    assert _post(registrar, "suspend", station, {"reason": "场地维修"}).status_code == 302
    station.refresh_from_db()
    assert station.status == StationStatus.SUSPENDED
    assert _post(registrar, "resume", station, {"reason": ""}).status_code == 302
    station.refresh_from_db()
    assert station.status == StationStatus.OPERATING
    assert (
        _post(registrar, "close", station, {"closed_on": "2026-12-31", "reason": "合并"}).status_code == 302
    )
    station.refresh_from_db()
    assert (station.status, station.closed_on) == (StationStatus.CLOSED, D("2026-12-31"))
    assert Posting.objects.get(station=station).ends_on == D("2026-12-31")


def test_a_closing_refused_shows_beside_its_field_with_the_input_kept(
    station: Station, registrar: User
) -> None:
    answer = _post(registrar, "close", station, {"closed_on": "2025-06-01", "reason": "合并到邻镇"})
    assert answer.status_code == 400
    body = answer.content.decode()
    assert 'id="close-closed_on-error"' in body
    assert "合并到邻镇" in body
    station.refresh_from_db()
    assert station.status == StationStatus.OPERATING


def test_a_resume_of_an_operating_station_is_refused_on_the_page(station: Station, registrar: User) -> None:
    answer = _post(registrar, "resume", station, {"reason": "试试"})
    assert answer.status_code >= 400
    assert "试试" in answer.content.decode()
    station.refresh_from_db()
    assert station.status == StationStatus.OPERATING


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("log-enter", {"month": "2026-02", "elderly": "9"}),
        ("suspend", {"reason": "x"}),
        ("close", {"closed_on": "2026-12-31", "reason": "x"}),
        ("posting-end", {"ends_on": "2026-12-31"}),
    ],
)
@pytest.mark.parametrize("who", ["finance", "purchaser"])
def test_a_role_without_the_right_is_refused_and_nothing_changes(
    station: Station, name: str, data: dict[str, Any], who: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(who)
    if name == "posting-end":
        data = {**data, "posting": Posting.objects.get(station=station).pk}
    answer = _post(user, name, station, data)
    assert answer.status_code == 403
    station.refresh_from_db()
    assert station.status == StationStatus.OPERATING
    assert not ServiceLog.objects.filter(month=D("2026-02-01")).exists()
    assert Posting.objects.get(station=station).ends_on is None
    _no_full_number(answer)


def test_a_posting_by_a_reader_is_refused(station: Station, finance: User, make_worker: Any) -> None:
    worker = make_worker(3)
    answer = _post(finance, "posting-add", station, {"worker": worker.pk, "starts_on": "2026-06-01"})
    assert answer.status_code == 403
    assert not Posting.objects.filter(worker=worker).exists()
    _no_full_number(answer)


def test_a_get_is_not_an_action(station: Station, registrar: User) -> None:
    assert _login(registrar).get(reverse("capacity:suspend", args=[station.pk])).status_code == 405


def test_an_operator_member_enters_a_log_on_their_screen(station: Station, operator_member: User) -> None:
    client = _login(operator_member)
    screen = client.get(reverse("capacity:operator-logs", args=[station.pk]))
    assert screen.status_code == 200
    assert reverse("capacity:log-enter", args=[station.pk]) in screen.content.decode()
    _no_full_number(screen)
    # when
    answer = client.post(reverse("capacity:log-enter", args=[station.pk]), {"month": "2026-05", "other": "6"})
    # then
    assert answer.status_code == 302
    assert answer["Location"] == reverse("capacity:operator-logs", args=[station.pk])
    assert ServiceLog.objects.get(station=station, month=D("2026-05-01")).other == 6
    refused = client.post(
        reverse("capacity:log-enter", args=[station.pk]), {"month": "2025-11", "other": "8"}
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert 'id="log-month-error"' in body and 'value="8"' in body
    assert not ServiceLog.objects.filter(month=D("2025-11-01")).exists()


def test_another_organization_s_member_finds_no_station(
    station: Station, make_user: Any, make_org: Any
) -> None:
    stranger = make_user("supplier", unit=None, organization=make_org(name="别的社工机构"))
    client = _login(stranger)
    assert client.get(reverse("capacity:operator-logs", args=[station.pk])).status_code == 404
    answer = client.post(reverse("capacity:log-enter", args=[station.pk]), {"month": "2026-05", "other": "6"})
    assert answer.status_code == 404
    assert not ServiceLog.objects.filter(month=D("2026-05-01")).exists()


def test_an_operator_member_may_not_suspend(station: Station, operator_member: User) -> None:
    answer = _post(operator_member, "suspend", station, {"reason": "x"})
    assert answer.status_code == 403
    station.refresh_from_db()
    assert station.status == StationStatus.OPERATING


# --- the stations list: open a station, register a social worker ---------------------------------


def _list_post(user: User, name: str, data: dict[str, Any]) -> Any:
    return _login(user).post(reverse(f"capacity:{name}"), data)


def test_the_list_shows_the_forms_to_the_registration_authority_only(
    station: Station, registrar: User, finance: User
) -> None:
    body = _login(registrar).get(reverse("capacity:stations")).content.decode()
    assert reverse("capacity:station-open") in body and reverse("capacity:worker-register") in body
    read_only = _login(finance).get(reverse("capacity:stations")).content.decode()
    assert reverse("capacity:station-open") not in read_only


def test_a_station_is_opened_from_the_list(
    station: Station, registrar: User, townships: dict[str, Township], operator: Organization
) -> None:
    answer = _list_post(
        registrar,
        "station-open",
        {
            "township": "430104002",
            "name": "望岳街道社工站",
            "operator": operator.uscc,
            "opened_on": "2026-09-01",
        },
    )
    made = Station.objects.get(township_id="430104002")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("capacity:station", args=[made.pk])
    assert (made.name, made.operator_id, made.opened_on) == ("望岳街道社工站", operator.pk, D("2026-09-01"))


def test_a_second_station_of_a_township_is_refused_beside_the_township(
    station: Station, registrar: User, operator: Organization
) -> None:
    answer = _list_post(
        registrar,
        "station-open",
        {"township": "430104001", "name": "重复站点", "operator": operator.uscc, "opened_on": "2026-09-01"},
    )
    assert answer.status_code == 409
    body = answer.content.decode()
    assert 'id="open-township-error"' in body
    assert 'value="重复站点"' in body
    assert not Station.objects.filter(name="重复站点").exists()


def test_an_unknown_operator_is_refused_beside_its_field(station: Station, registrar: User) -> None:
    answer = _list_post(
        registrar,
        "station-open",
        {
            "township": "430104002",
            "name": "望岳街道社工站",
            "operator": "91430000XXXXXXXXXX",
            "opened_on": "2026-09-01",
        },
    )
    assert answer.status_code == 400
    assert 'id="open-operator-error"' in answer.content.decode()
    assert not Station.objects.filter(township_id="430104002").exists()


def _worker_data(n: int) -> dict[str, Any]:
    from opengps.experts.identity import make_id_number

    return {
        "name": f"新社工{n}",
        "id_number": make_id_number(region_code="430104", birth_date=date(1991, 2, n), serial=100 + n),
        "region": "430104",
        "level": "intermediate",
        "certificate_no": f"ZS2021{n:04d}",
        "certified_year": "2021",
    }


def test_a_worker_is_registered_and_the_full_number_never_shown(station: Station, registrar: User) -> None:
    data = _worker_data(3)
    client = _login(registrar)
    answer = client.post(reverse("capacity:worker-register"), data, follow=True)
    assert answer.status_code == 200
    worker = SocialWorker.objects.get(name="新社工3")
    assert worker.id_number == data["id_number"]
    body = answer.content.decode()
    assert "社会工作者已登记" in body
    assert data["id_number"] not in body
    _no_full_number(answer)


def test_a_refused_registration_keeps_the_input_but_never_the_number(
    station: Station, registrar: User
) -> None:
    # a number already registered: refused beside the number, which is not sent back
    data = _worker_data(4)
    services.worker_register(
        actor=registrar,
        name="先登记的",
        id_number=data["id_number"],
        region=station.township.county,
        level="none",
    )
    answer = _list_post(registrar, "worker-register", data)
    assert answer.status_code == 409
    body = answer.content.decode()
    assert 'id="register-id_number-error"' in body
    assert 'value="新社工4"' in body and 'value="ZS20210004"' in body
    assert data["id_number"] not in body
    _no_full_number(answer)
    # an invalid number (wrong check character) is not echoed either
    wrong = {**_worker_data(5), "id_number": _worker_data(5)["id_number"][:17] + "0"}
    if wrong["id_number"] == _worker_data(5)["id_number"]:
        wrong["id_number"] = wrong["id_number"][:17] + "1"
    invalid = _list_post(registrar, "worker-register", wrong)
    assert invalid.status_code == 400
    assert 'id="register-id_number-error"' in invalid.content.decode()
    assert wrong["id_number"] not in invalid.content.decode()
    assert not SocialWorker.objects.filter(name="新社工5").exists()


def test_a_certificate_refused_shows_beside_its_field(station: Station, registrar: User) -> None:
    data = {**_worker_data(6), "certificate_no": ""}
    answer = _list_post(registrar, "worker-register", data)
    assert answer.status_code == 400
    assert 'id="register-certificate_no-error"' in answer.content.decode()
    assert data["id_number"] not in answer.content.decode()
    assert not SocialWorker.objects.filter(name="新社工6").exists()


@pytest.mark.parametrize("who", ["finance", "purchaser", "operator_member"])
def test_the_list_actions_refuse_a_role_without_the_right(
    station: Station, operator: Organization, who: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(who)
    data = _worker_data(7)
    answer = _list_post(user, "worker-register", data)
    assert answer.status_code == 403
    assert data["id_number"] not in answer.content.decode()
    opened = _list_post(
        user,
        "station-open",
        {
            "township": "430104002",
            "name": "望岳街道社工站",
            "operator": operator.uscc,
            "opened_on": "2026-09-01",
        },
    )
    assert opened.status_code == 403
    assert not SocialWorker.objects.filter(name="新社工7").exists()
    assert not Station.objects.filter(township_id="430104002").exists()
