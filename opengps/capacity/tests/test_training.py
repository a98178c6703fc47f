"""Trainings and 典型经验交流推介会, through the services, the pages and the API: a base's training
with its participants gives each worker hours in the year it ended (each training once; a second
entry is refused, never added), the worker register's yearly hours equal an independent sum; an
event showcases registered and filed organizations; bad input is refused beside its field; only
the registration authority of the region creates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.accounts.models import Region, User
from opengps.capacity import selectors_growth as reads
from opengps.capacity import services
from opengps.capacity.models import Attendance, IncubationBase, Showcase, SocialWorker, Township, Training
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.fixture
def base(today: date, registrar: User, operator: Organization, regions: None) -> IncubationBase:
    return services.base_create(
        actor=registrar,
        name="岳麓区社会组织孵化基地",
        level="county",
        region=Region.objects.get(pk="430104"),
        operator=operator,
        opened_on=D("2025-06-01"),
    )


@pytest.fixture
def workers(make_worker: Any) -> list[SocialWorker]:
    return [make_worker(1), make_worker(2, "none"), make_worker(3, "assistant")]


def _login(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _training(
    actor: User, base: IncubationBase | None, starts: str, ends: str, hours: str, **more: Any
) -> Training:
    return services.training_create(
        actor=actor,
        title=more.pop("title", "社会工作实务培训"),
        region=Region.objects.get(pk=more.pop("region", "430104")),
        base=base,
        starts_on=D(starts),
        ends_on=D(ends),
        hours=hours,
        **more,
    )


def test_trainings_give_workers_their_yearly_hours_once(
    base: IncubationBase, registrar: User, workers: list[SocialWorker]
) -> None:
    # given a base's two-day training in May, the department's across the new year, one in November
    may = _training(registrar, base, "2026-05-11", "2026-05-12", "16")
    new_year = _training(registrar, None, "2026-12-30", "2027-01-02", "24", title="年终督导培训")
    november = _training(registrar, base, "2026-11-03", "2026-11-03", "4.5", title="个案管理")
    # when the workers attend (worker 2 only half of May's; worker 3 only the New Year's)
    for worker in workers[:2]:
        services.attendance_record(actor=registrar, training=november, worker=worker)
    services.attendance_record(actor=registrar, training=may, worker=workers[0])
    services.attendance_record(actor=registrar, training=may, worker=workers[1], hours="8")
    for worker in workers:
        services.attendance_record(actor=registrar, training=new_year, worker=worker, hours="")
    # then a second entry of the same training is refused, never added to the first
    with pytest.raises(Conflict) as twice:
        services.attendance_record(actor=registrar, training=may, worker=workers[0], hours="16")
    assert (twice.value.code, twice.value.field) == ("capacity.attendance_exists", "worker")
    # and each worker's hours per year are the trainings attended, in the year each ended
    assert reads.worker_hours_by_year(workers[0]) == {2026: Decimal("20.5"), 2027: Decimal("24")}
    assert reads.worker_hours_by_year(workers[1]) == {2026: Decimal("12.5"), 2027: Decimal("24")}
    assert reads.worker_hours_by_year(workers[2]) == {2027: Decimal("24")}
    # as the register lists them for a year, equal to an independent sum of the attendance rows
    for year in (2026, 2027):
        listed = {row.worker.pk: row.hours for row in reads.training_hours(actor=registrar, year=year)}
        independent = {
            w.pk: sum(
                (a.hours for a in Attendance.objects.filter(worker=w) if a.training.ends_on.year == year),
                Decimal(0),
            )
            for w in workers
        }
        assert listed == independent, year
    events = AuditEvent.objects.filter(object_type="capacity.training").values_list("action", flat=True)
    assert sorted(set(events)) == ["capacity_training.attended", "capacity_training.created"]
    assert list(events).count("capacity_training.attended") == 7


@pytest.mark.parametrize(
    ("starts", "ends", "hours", "code", "field"),
    [
        ("2026-05-12", "2026-05-11", "8", "capacity.training_dates_invalid", "ends_on"),
        ("2026-05-11", "2026-05-11", "9", "capacity.training_hours_invalid", "hours"),
        ("2026-05-11", "2026-05-11", "八", "capacity.training_hours_invalid", "hours"),
        ("2026-05-11", "2026-05-11", "-1", "capacity.training_hours_invalid", "hours"),
    ],
)
def test_a_bad_training_is_refused_beside_its_field(
    base: IncubationBase, registrar: User, starts: str, ends: str, hours: str, code: str, field: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        _training(registrar, base, starts, ends, hours)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not Training.objects.exists()


def test_attendance_is_refused_before_the_training_and_outside_its_region(
    base: IncubationBase, registrar: User, workers: list[SocialWorker], today: date, make_worker: Any
) -> None:
    later = _training(registrar, base, "2027-03-01", "2027-03-01", "8")
    with pytest.raises(ServiceError) as early:
        services.attendance_record(actor=registrar, training=later, worker=workers[0])
    assert early.value.code == "capacity.training_not_started"
    past = _training(registrar, base, "2026-05-11", "2026-05-11", "8")
    with pytest.raises(ServiceError) as more:
        services.attendance_record(actor=registrar, training=past, worker=workers[0], hours="9")
    assert (more.value.code, more.value.field) == ("capacity.attendance_hours_invalid", "hours")
    xiangtan = make_worker(9, region=Region.objects.get(pk="430321"))
    with pytest.raises(ServiceError) as outside:
        services.attendance_record(actor=registrar, training=past, worker=xiangtan)
    assert (outside.value.code, outside.value.field) == ("capacity.worker_out_of_region", "worker")
    assert not Attendance.objects.exists()


def test_a_base_of_another_region_cannot_host(registrar: User, base: IncubationBase) -> None:
    with pytest.raises(ServiceError) as caught:
        _training(registrar, base, "2026-05-11", "2026-05-11", "8", region="430321")
    assert (caught.value.code, caught.value.field) == ("capacity.base_out_of_region", "base")


@pytest.mark.parametrize("who", ["finance", "auditor", "supplier", "cs_registration_elsewhere"])
def test_only_the_regions_registration_authority_creates_trainings_and_events(
    base: IncubationBase,
    registrar: User,
    cs_registrar: User,
    finance: User,
    auditor: User,
    operator_member: User,
    workers: list[SocialWorker],
    who: str,
) -> None:
    users = {
        "finance": finance,
        "auditor": auditor,
        "supplier": operator_member,
        "cs_registration_elsewhere": cs_registrar,
    }
    region = "430321" if who == "cs_registration_elsewhere" else "430104"
    with pytest.raises(PermissionDenied):
        _training(users[who], None, "2026-05-11", "2026-05-11", "8", region=region)
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=users[who], title="推介会", region=Region.objects.get(pk=region), held_on=D("2026-09-01")
        )
    training = _training(registrar, base, "2026-05-11", "2026-05-11", "8")
    if who != "cs_registration_elsewhere":
        with pytest.raises(PermissionDenied):
            services.attendance_record(actor=users[who], training=training, worker=workers[0])
    assert Training.objects.count() == 1 and not Attendance.objects.exists()


def test_the_pages_create_a_training_record_attendance_and_list_hours(
    base: IncubationBase, registrar: User, finance: User, purchaser: User, workers: list[SocialWorker]
) -> None:
    client = _login(registrar)
    listing = client.get(reverse("capacity:trainings")).content.decode()
    assert reverse("capacity:training-create") in listing
    data = {
        "title": "社会工作实务培训",
        "region": "430104",
        "base": base.pk,
        "starts_on": "2026-05-11",
        "ends_on": "2026-05-11",
        "hours": "12",
    }
    # a bad number of hours: the list again, 400, the error beside the hours
    bad = client.post(reverse("capacity:training-create"), data)
    assert bad.status_code == 400 and 'id="training-hours-error"' in bad.content.decode()
    made = client.post(reverse("capacity:training-create"), {**data, "hours": "8"})
    training = Training.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse("capacity:training", args=[training.pk])
    attend = reverse("capacity:training-attend", args=[training.pk])
    assert client.post(attend, {"worker": workers[0].pk, "hours": ""}).status_code == 302
    again = client.post(attend, {"worker": workers[0].pk, "hours": "4"})
    assert again.status_code == 409 and 'id="attend-worker-error"' in again.content.decode()
    page = client.get(reverse("capacity:training", args=[training.pk])).content.decode()
    assert workers[0].id_number_masked in page and workers[0].id_number not in page
    hours = client.get(reverse("capacity:training-hours") + "?year=2026").content.decode()
    assert "社工1" in hours and "8.0" in hours and workers[0].id_number not in hours
    # a finance official reads them and is refused the writes (403), sees no form
    reader = _login(finance)
    assert (
        reverse("capacity:training-create") not in reader.get(reverse("capacity:trainings")).content.decode()
    )
    assert reader.post(reverse("capacity:training-create"), {**data, "hours": "8"}).status_code == 403
    assert reader.post(attend, {"worker": workers[1].pk}).status_code == 403
    assert Training.objects.count() == 1 and Attendance.objects.count() == 1
    # a purchaser reads no capacity page at all
    assert _login(purchaser).get(reverse("capacity:trainings")).status_code == 403


def test_an_event_showcases_registered_and_filed_organizations(
    base: IncubationBase, registrar: User, operator: Organization, townships: dict[str, Township]
) -> None:
    filing = services.filing_create(
        actor=registrar,
        township=townships["430104001"],
        name="桃子湖邻里议事会",
        kind="consultation",
        responsible_person="王芳",
        filed_on=D("2026-02-01"),
    )
    event = services.event_create(
        actor=registrar,
        title="岳麓区社区社会组织典型经验交流推介会",
        region=Region.objects.get(pk="430104"),
        base=base,
        held_on=D("2026-09-01"),
    )
    services.showcase_add(actor=registrar, event=event, experience="社工站运营", organization=operator)
    services.showcase_add(actor=registrar, event=event, experience="居民议事", filing=filing)
    with pytest.raises(Conflict):
        services.showcase_add(actor=registrar, event=event, experience="再次推介", filing=filing)
    with pytest.raises(ServiceError) as neither:
        services.showcase_add(actor=registrar, event=event, experience="无对象")
    assert neither.value.code == "capacity.showcase_subject"
    with pytest.raises(ServiceError) as both:
        services.showcase_add(
            actor=registrar, event=event, experience="二者", organization=operator, filing=filing
        )
    assert both.value.code == "capacity.showcase_subject"
    assert sorted(str(s) for s in Showcase.objects.all()) == sorted([operator.name, "桃子湖邻里议事会"])
    # a filing of another county is not this county's to showcase
    elsewhere = services.filing_create(
        actor=registrar,
        township=townships["430321100"],
        name="易俗河镇志愿服务队",
        kind="service",
        responsible_person="李强",
        filed_on=D("2026-02-01"),
    )
    with pytest.raises(ServiceError) as outside:
        services.showcase_add(actor=registrar, event=event, experience="志愿服务", filing=elsewhere)
    assert (outside.value.code, outside.value.field) == ("capacity.out_of_region", "filing")
    client = _login(registrar)
    page = client.get(reverse("capacity:event", args=[event.pk])).content.decode()
    assert (
        "居民议事" in page and operator.name in page and reverse("capacity:filing", args=[filing.pk]) in page
    )
    filing_page = client.get(reverse("capacity:filing", args=[filing.pk])).content.decode()
    assert "岳麓区社区社会组织典型经验交流推介会" in filing_page
    # through the page: an unknown code stands beside the organization field
    bad = client.post(
        reverse("capacity:event-showcase", args=[event.pk]), {"organization": "12345", "experience": "x"}
    )
    assert bad.status_code in (400, 404) and 'id="showcase-organization-error"' in bad.content.decode()
    listing = client.get(reverse("capacity:events")).content.decode()
    assert "岳麓区社区社会组织典型经验交流推介会" in listing


def test_the_api_creates_a_training_and_an_event_and_lists_hours(
    base: IncubationBase, registrar: User, workers: list[SocialWorker]
) -> None:
    client = _login(registrar)
    body = {
        "title": "督导培训",
        "region": "430104",
        "base": base.pk,
        "starts_on": "2026-05-11",
        "ends_on": "2026-05-11",
        "hours": "8.5",
    }
    bad = client.post("/api/v1/capacity/trainings", body, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "hours"
    made = client.post("/api/v1/capacity/trainings", {**body, "hours": "6"}, content_type="application/json")
    assert made.status_code == 201
    pk = made.json()["id"]
    attended = client.post(
        f"/api/v1/capacity/trainings/{pk}/attendances",
        {"worker": workers[2].pk},
        content_type="application/json",
    )
    assert attended.status_code == 201 and attended.json()["hours"] == "6.0"
    page = client.get(f"/api/v1/capacity/trainings/{pk}").json()
    assert [a["id_number_masked"] for a in page["attendances"]] == [workers[2].id_number_masked]
    hours = {
        row["name"]: row["hours"] for row in client.get("/api/v1/capacity/training-hours?year=2026").json()
    }
    assert hours == {"社工1": "0", "社工2": "0", "社工3": "6.0"}
    event = client.post(
        "/api/v1/capacity/events",
        {"title": "推介会", "region": "430104", "held_on": "2026-09-01"},
        content_type="application/json",
    )
    assert event.status_code == 201
    missing = client.post(
        f"/api/v1/capacity/events/{event.json()['id']}/showcases",
        {"experience": "x", "filing": 999999},
        content_type="application/json",
    )
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "filing"
