"""Stations through their services: opened with the contract that pays the operator, staffed, a year
of monthly service logs, suspended, resumed and closed; the refusals (a worker double-booked, a log
for a month before the opening, another region, another organization) change nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from opengps.accounts.models import Region, User
from opengps.capacity import services
from opengps.capacity.models import Posting, ServiceLog, Station, StationStatus, Township
from opengps.contracts.models import Contract
from opengps.core.errors import ServiceError
from opengps.core.events import label_for
from opengps.core.models import AuditEvent
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def _events(obj: Any, action: str = "") -> list[AuditEvent]:
    rows = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return list(rows.filter(action=action) if action else rows)


def _open(
    actor: User, township: Township, operator: Organization, opened_on: str = "2026-01-05", **kw: Any
) -> Station:
    return services.station_open(
        actor=actor,
        township=township,
        name=f"{township.name}社会工作服务站",
        operator=operator,
        opened_on=D(opened_on),
        **kw,
    )


def test_a_station_from_opening_to_a_year_of_logs_with_its_contract_and_workers(
    contract: Contract,
    cs_registrar: User,
    townships: dict[str, Township],
    make_user: Callable[..., User],
    make_worker: Callable[..., Any],
    clock_at: Callable[..., None],
) -> None:
    # given the contract's supplier runs the station of 岳麓街道, paid by the contract (post purchase)
    operator = contract.supplier
    member = make_user("supplier", unit=None, organization=operator)
    clock_at(D("2027-01-11"), tick=False)
    station = _open(cs_registrar, townships["430104001"], operator, contract=contract, phone="0731-8888")
    # and three workers posted there from the opening day, two of them certified
    workers = [make_worker(1), make_worker(2, "assistant"), make_worker(3, "none")]
    for worker in workers:
        services.posting_add(actor=cs_registrar, worker=worker, station=station, starts_on=D("2026-01-05"))

    # when the operator enters the twelve months of 2026
    for month in range(1, 13):
        services.service_log_enter(
            actor=member,
            station=station,
            month=date(2026, month, 15),
            elderly=10 * month,
            children=5,
            assistance=3,
            community=2,
            other=month % 2,
            people_served=12 + month,
        )

    # then the station has one log a month, keyed by the month's first day, each audited
    logs = list(ServiceLog.objects.filter(station=station).order_by("month"))
    assert [log.month for log in logs] == [date(2026, m, 1) for m in range(1, 13)]
    assert sum(log.services for log in logs) == 10 * 78 + 12 * (5 + 3 + 2) + 6
    assert sum(log.people_served for log in logs) == 12 * 12 + 78
    entered = AuditEvent.objects.filter(action="capacity_log.entered", object_type="capacity.servicelog")
    assert entered.count() == 12
    # and the timeline reads the station's life from the contract to the workers
    opened = _events(station, "capacity_station.opened")[0]
    assert opened.new_values["contract"] == contract.reference
    assert opened.new_values["operator"] == operator.uscc
    assert label_for("capacity_station.opened") == "社会工作服务站开放"
    assert AuditEvent.objects.filter(action="capacity_posting.added").count() == 3
    assert station.contract_id == contract.pk and station.status == StationStatus.OPERATING

    # when the same month is entered again unchanged, nothing is recorded; a change is a correction
    march = logs[2]
    services.service_log_enter(
        actor=member,
        station=station,
        month=D("2026-03-01"),
        elderly=30,
        children=5,
        assistance=3,
        community=2,
        other=1,
        people_served=15,
    )
    assert not _events(march, "capacity_log.corrected")
    services.service_log_enter(
        actor=cs_registrar,
        station=station,
        month=D("2026-03-01"),
        elderly=31,
        children=5,
        assistance=3,
        community=2,
        other=1,
        people_served=15,
    )
    corrected = _events(march, "capacity_log.corrected")
    assert [(e.old_values, e.new_values) for e in corrected] == [({"elderly": 30}, {"elderly": 31})]
    assert ServiceLog.objects.filter(station=station).count() == 12


def test_a_station_is_paid_only_through_its_operator(
    contract: Contract, cs_registrar: User, townships: dict[str, Township], operator: Organization
) -> None:
    # given a contract whose supplier is another organization than the operator
    assert contract.supplier_id != operator.pk
    # when it is named as the station's funding, then the station is refused
    with pytest.raises(ServiceError) as caught:
        _open(cs_registrar, townships["430104001"], operator, contract=contract)
    assert caught.value.code == "capacity.funding_other_operator"
    assert not Station.objects.exists()


def test_a_worker_double_booked_is_refused(
    today: date, cs_registrar: User, townships: dict[str, Township], operator: Organization, make_worker: Any
) -> None:
    # given a worker posted full-time at 岳麓街道 from February, open-ended
    first = _open(cs_registrar, townships["430104001"], operator)
    second = _open(cs_registrar, townships["430104002"], operator)
    worker = make_worker(1)
    posting = services.posting_add(
        actor=cs_registrar, worker=worker, station=first, starts_on=D("2026-02-01")
    )
    events_before = AuditEvent.objects.count()

    # when the same worker is posted to 望岳街道 from March, full-time or part-time
    for full_time in (True, False):
        with pytest.raises(ServiceError) as caught:
            services.posting_add(
                actor=cs_registrar,
                worker=worker,
                station=second,
                starts_on=D("2026-03-01"),
                full_time=full_time,
            )
        # then it is refused, naming the other station and the rule's source, and nothing is written
        assert caught.value.code == "capacity.worker_double_booked"
        assert caught.value.params["station"] == first.name
        assert "湘民发〔2018〕10号" in caught.value.params["citation"]
    assert Posting.objects.filter(worker=worker).count() == 1
    assert AuditEvent.objects.count() == events_before

    # when the first posting ends at the end of February, the March posting is accepted
    services.posting_end(actor=cs_registrar, posting=posting, ends_on=D("2026-02-28"))
    services.posting_add(actor=cs_registrar, worker=worker, station=second, starts_on=D("2026-03-01"))
    assert Posting.objects.filter(worker=worker).count() == 2
    with pytest.raises(ServiceError) as ended:
        services.posting_end(actor=cs_registrar, posting=posting, ends_on=D("2026-03-31"))
    assert ended.value.code == "capacity.posting_ended"


def test_two_part_time_postings_may_run_side_by_side(
    today: date, cs_registrar: User, townships: dict[str, Township], operator: Organization, make_worker: Any
) -> None:
    first = _open(cs_registrar, townships["430104001"], operator)
    second = _open(cs_registrar, townships["430104002"], operator)
    worker = make_worker(1)
    for station in (first, second):
        services.posting_add(
            actor=cs_registrar, worker=worker, station=station, starts_on=D("2026-02-01"), full_time=False
        )
    assert Posting.objects.filter(worker=worker, full_time=False).count() == 2


def test_a_posting_before_the_station_opened_is_refused(
    today: date, cs_registrar: User, townships: dict[str, Township], operator: Organization, make_worker: Any
) -> None:
    station = _open(cs_registrar, townships["430104001"], operator, opened_on="2026-03-15")
    with pytest.raises(ServiceError) as caught:
        services.posting_add(
            actor=cs_registrar, worker=make_worker(1), station=station, starts_on=D("2026-03-01")
        )
    assert caught.value.code == "capacity.posting_outside_station"
    with pytest.raises(ServiceError) as backwards:
        services.posting_add(
            actor=cs_registrar,
            worker=make_worker(2),
            station=station,
            starts_on=D("2026-04-01"),
            ends_on=D("2026-03-31"),
        )
    assert backwards.value.code == "capacity.posting_dates_invalid"


def test_a_log_for_a_month_before_the_opening_is_refused(
    today: date,
    cs_registrar: User,
    townships: dict[str, Township],
    operator: Organization,
    operator_member: User,
) -> None:
    # given a station opened on 15 March 2026
    station = _open(cs_registrar, townships["430104001"], operator, opened_on="2026-03-15")
    # when its operator logs February, then it is refused with the rule's code and nothing is stored
    with pytest.raises(ServiceError) as caught:
        services.service_log_enter(actor=operator_member, station=station, month=D("2026-02-01"), elderly=4)
    assert caught.value.code == "capacity.log_before_opening"
    assert caught.value.field == "month"
    assert caught.value.params["opened_on"] == "2026-03-15"
    # and a month that has not begun (today is 11 January 2027) is refused too
    with pytest.raises(ServiceError) as future:
        services.service_log_enter(actor=operator_member, station=station, month=D("2027-02-01"), elderly=4)
    assert future.value.code == "capacity.log_future_month"
    assert not ServiceLog.objects.exists()
    # while the opening month itself is accepted
    services.service_log_enter(actor=operator_member, station=station, month=D("2026-03-01"), elderly=4)
    assert ServiceLog.objects.get().month == D("2026-03-01")


@pytest.mark.parametrize("bad", [-1, True, "3"])
def test_a_log_with_a_bad_count_is_refused(
    today: date, cs_registrar: User, townships: dict[str, Township], operator: Organization, bad: Any
) -> None:
    station = _open(cs_registrar, townships["430104001"], operator)
    with pytest.raises(ServiceError) as caught:
        services.service_log_enter(actor=cs_registrar, station=station, month=D("2026-03-01"), children=bad)
    assert (caught.value.code, caught.value.field) == ("capacity.count_invalid", "children")


def test_only_the_operator_and_the_region_write_a_station(
    today: date,
    cs_registrar: User,
    townships: dict[str, Township],
    operator: Organization,
    make_org: Any,
    make_user: Callable[..., User],
) -> None:
    station = _open(cs_registrar, townships["430104001"], operator)
    stranger = make_user("supplier", unit=None, organization=make_org(name="别家社工机构"))
    with pytest.raises(ServiceError) as other_org:
        services.service_log_enter(actor=stranger, station=station, month=D("2026-03-01"), elderly=1)
    assert other_org.value.code == "capacity.not_operator"
    # Changsha's bureau does not manage 湘潭县
    with pytest.raises(ServiceError) as out_of_region:
        _open(cs_registrar, townships["430321100"], operator)
    assert out_of_region.value.code == "capacity.out_of_region"
    with pytest.raises(ServiceError) as purchaser:
        _open(make_user("purchaser"), townships["430104002"], operator)
    assert purchaser.value.code == "perm.denied"
    assert Station.objects.count() == 1


def test_one_station_per_township_until_it_is_closed(
    today: date,
    cs_registrar: User,
    townships: dict[str, Township],
    operator: Organization,
    operator_member: User,
    make_worker: Any,
) -> None:
    township = townships["430104001"]
    station = _open(cs_registrar, township, operator)
    with pytest.raises(ServiceError) as caught:
        _open(cs_registrar, township, operator, opened_on="2026-06-01")
    assert caught.value.code == "capacity.station_exists"
    worker = make_worker(1)
    services.posting_add(actor=cs_registrar, worker=worker, station=station, starts_on=D("2026-01-05"))

    services.station_suspend(actor=cs_registrar, station=station, reason="运营机构更换")
    services.station_resume(actor=cs_registrar, station=station)
    with pytest.raises(ServiceError) as early:
        services.station_close(actor=cs_registrar, station=station, closed_on=D("2025-12-31"), reason="撤并")
    assert early.value.code == "capacity.closed_before_opening"
    closed = services.station_close(
        actor=cs_registrar, station=station, closed_on=D("2026-06-30"), reason="撤并"
    )

    # the running posting ended with the station, audited; the statuses are on the timeline
    assert closed.status == StationStatus.CLOSED and closed.closed_on == D("2026-06-30")
    assert Posting.objects.get(worker=worker).ends_on == D("2026-06-30")
    statuses = [
        (e.old_values["status"], e.new_values["status"]) for e in _events(station) if "status" in e.old_values
    ]
    assert statuses == [("operating", "suspended"), ("suspended", "operating"), ("operating", "closed")]
    with pytest.raises(ServiceError) as late:
        services.service_log_enter(actor=operator_member, station=closed, month=D("2026-07-01"), elderly=1)
    assert late.value.code == "capacity.log_after_closing"
    with pytest.raises(ServiceError) as again:
        services.station_resume(actor=cs_registrar, station=closed)
    assert again.value.code == "workflow.transition_not_allowed"
    # and the township may get a new station
    assert _open(cs_registrar, township, operator, opened_on="2026-07-01").status == StationStatus.OPERATING


def test_the_database_keeps_one_log_a_month_on_the_first_day(
    today: date, cs_registrar: User, townships: dict[str, Township], operator: Organization
) -> None:
    station = _open(cs_registrar, townships["430104001"], operator)
    services.service_log_enter(actor=cs_registrar, station=station, month=D("2026-03-01"), elderly=1)
    for month in (D("2026-03-01"), D("2026-04-02")):
        with pytest.raises(IntegrityError), transaction.atomic():
            ServiceLog.objects.create(
                station=station, month=month, entered_by=cs_registrar, entered_at=station.created_at
            )
    assert ServiceLog.objects.count() == 1


def test_townships_are_nine_digit_codes_of_their_county(
    registrar: User, townships: dict[str, Township]
) -> None:
    county = townships["430104001"].county
    for code in ("43010400", "430105001", "43010400x"):
        with pytest.raises(ServiceError) as caught:
            services.township_create(actor=registrar, code=code, name="某街道", kind="street", county=county)
        assert caught.value.code == "capacity.township_code_invalid"
    with pytest.raises(ServiceError) as taken:
        services.township_create(actor=registrar, code="430104001", name="重名", kind="street", county=county)
    assert taken.value.code == "capacity.township_exists"
    with pytest.raises(ServiceError) as city:
        services.township_create(
            actor=registrar,
            code="430100001",
            name="某街道",
            kind="street",
            county=Region.objects.get(pk="430100"),
        )
    assert city.value.code == "capacity.county_invalid"
