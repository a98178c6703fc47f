"""Capacity API, second part (mounted under /api/v1/capacity/ by `opengps.capacity.api`): service
points of a station, trainings with their participants and the workers' yearly training hours,
典型经验交流推介会 events with the showcased organizations, and filed community organizations with
their support, awards and activities. Identity numbers appear only masked; refusals are the
services' codes in the platform's error shape (ErrorOut), a bad value beside its field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import Actor, signed_in_user
from opengps.accounts.models import Region
from opengps.capacity import selectors, services
from opengps.capacity import selectors_growth as reads
from opengps.capacity.errors import Code
from opengps.capacity.models import (
    Attendance,
    CommunityFiling,
    FilingActivity,
    FilingSupport,
    IncubationBase,
    ServicePoint,
    Showcase,
    ShowcaseEvent,
    Training,
)
from opengps.core.api_errors import ERRORS
from opengps.core.errors import NotFound, ServiceError
from opengps.core.inputs import (
    Id,
    Str8,
    Str12,
    Str18,
    Str20,
    Str30,
    Str40,
    Str60,
    Str120,
    Str200,
    Str500,
    Text,
)
from opengps.planning.models import BudgetLine
from opengps.registry.selectors import organization_get

router = Router(tags=["capacity"], auth=django_auth)


class GrowthAreaIn(Schema):
    region: Str8 = ""


# --- service points ------------------------------------------------------------------------------


class PointOut(Schema):
    id: int
    village_code: str
    village_name: str
    address: str
    opening_hours: str
    contact: str
    phone: str
    opened_on: date
    closed_on: date | None


class PointIn(Schema):
    village_code: Str12
    village_name: Str60
    opened_on: date
    address: Str200 = ""
    opening_hours: Str120 = ""
    contact: Str60 = ""
    phone: Str30 = ""


class PointCloseIn(Schema):
    point: Id
    closed_on: date
    reason: Str500 = ""


@router.post("/stations/{pk}/points", response={201: PointOut, **ERRORS})
def point_open(request: HttpRequest, pk: Id, payload: PointIn) -> Any:
    """Set up a service point (社工室) of the station in a village or community of its township."""
    actor = signed_in_user(request)
    station = selectors.station_page(actor=actor, pk=pk, months=0).station
    return Status(201, services.point_open(actor=actor, station=station, **payload.dict()))


@router.post("/stations/{pk}/points/close", response={200: PointOut, **ERRORS})
def point_close(request: HttpRequest, pk: Id, payload: PointCloseIn) -> Any:
    """Close one open service point of the station on a day."""
    actor = signed_in_user(request)
    station = selectors.station_page(actor=actor, pk=pk, months=0).station
    point = ServicePoint.objects.filter(station=station, pk=payload.point).first()
    if point is None:
        raise ServiceError(Code.CAPACITY_POINT_NOT_FOUND, field="point")
    return services.point_close(actor=actor, point=point, closed_on=payload.closed_on, reason=payload.reason)


# --- trainings -----------------------------------------------------------------------------------


class TrainingOut(Schema):
    id: int
    title: str
    region: str
    base: int | None
    base_name: str | None
    starts_on: date
    ends_on: date
    hours: Decimal
    venue: str
    content: str

    @staticmethod
    def resolve_region(obj: Training) -> str:
        return obj.region_id

    @staticmethod
    def resolve_base(obj: Training) -> int | None:
        return obj.base_id

    @staticmethod
    def resolve_base_name(obj: Training) -> str | None:
        return obj.base.name if obj.base else None


class AttendanceOut(Schema):
    worker: int
    name: str
    id_number_masked: str
    hours: Decimal

    @staticmethod
    def resolve_worker(obj: Attendance) -> int:
        return obj.worker_id

    @staticmethod
    def resolve_name(obj: Attendance) -> str:
        return obj.worker.name

    @staticmethod
    def resolve_id_number_masked(obj: Attendance) -> str:
        return obj.worker.id_number_masked


class TrainingPageOut(Schema):
    training: TrainingOut
    attendances: list[AttendanceOut]


class HostedIn(Schema):
    title: Str120
    region: Str8
    base: Id | None = None
    venue: Str200 = ""


class TrainingIn(HostedIn):
    starts_on: date
    ends_on: date
    hours: Str20
    content: Text = ""


class AttendanceIn(Schema):
    worker: Id
    hours: Str20 = ""


class HoursIn(GrowthAreaIn):
    year: int | None = None


class WorkerHoursOut(Schema):
    worker: int
    name: str
    id_number_masked: str
    level: str
    trainings: int
    hours: Decimal


def _host(actor: Actor, payload: HostedIn) -> tuple[Region, IncubationBase | None]:
    """The region (of the actor's area) and the base (one of its bases) a training or event names."""
    region = reads.regions_of(actor=actor).filter(code=payload.region).first()
    if region is None:
        raise ServiceError(Code.CAPACITY_COUNTY_INVALID, field="region")
    base = None
    if payload.base is not None:
        base = reads.bases_of(actor=actor).filter(pk=payload.base).first()
        if base is None:
            raise ServiceError(Code.CAPACITY_BASE_NOT_FOUND, field="base")
    return region, base


@router.get("/trainings", response={200: list[TrainingOut], **ERRORS})
def trainings(request: HttpRequest, query: Query[GrowthAreaIn]) -> Any:
    """The trainings of the caller's region (or of `region` within it), at most 500."""
    return list(reads.trainings(actor=signed_in_user(request), region=query.region)[:500])


@router.post("/trainings", response={201: TrainingOut, **ERRORS})
def training_create(request: HttpRequest, payload: TrainingIn) -> Any:
    """Register a training of a region (given by one of its bases, or by the department)."""
    actor = signed_in_user(request)
    region, base = _host(actor, payload)
    training = services.training_create(
        actor=actor,
        title=payload.title,
        region=region,
        base=base,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        hours=payload.hours,
        venue=payload.venue,
        content=payload.content,
    )
    return Status(201, training)


@router.get("/trainings/{pk}", response={200: TrainingPageOut, **ERRORS})
def training(request: HttpRequest, pk: Id) -> Any:
    """One training with its participants (identity numbers masked)."""
    page = reads.training_page(actor=signed_in_user(request), pk=pk)
    return {"training": page.training, "attendances": page.attendances}


@router.post("/trainings/{pk}/attendances", response={201: AttendanceOut, **ERRORS})
def training_attend(request: HttpRequest, pk: Id, payload: AttendanceIn) -> Any:
    """Record a worker's attendance, crediting hours (the training's when blank) once."""
    actor = signed_in_user(request)
    item = reads.training_page(actor=actor, pk=pk).training
    worker = reads.trainable_workers(item).filter(pk=payload.worker).first()
    if worker is None:
        raise ServiceError(Code.CAPACITY_WORKER_OUT_OF_REGION, field="worker")
    attended = services.attendance_record(
        actor=actor, training=item, worker=worker, hours=payload.hours or None
    )
    return Status(201, attended)


@router.get("/training-hours", response={200: list[WorkerHoursOut], **ERRORS})
def training_hours(request: HttpRequest, query: Query[HoursIn]) -> Any:
    """Each social worker of the area with their training hours of `year` (this year by default)."""
    rows = reads.training_hours(actor=signed_in_user(request), year=query.year, region=query.region)
    return [
        {
            "worker": row.worker.pk,
            "name": row.worker.name,
            "id_number_masked": row.worker.id_number_masked,
            "level": row.worker.level,
            "trainings": row.trainings,
            "hours": row.hours,
        }
        for row in rows
    ]


# --- showcase events -------------------------------------------------------------------------------


class ShowcaseEventOut(Schema):
    id: int
    title: str
    region: str
    base: int | None
    held_on: date
    venue: str
    notes: str

    @staticmethod
    def resolve_region(obj: ShowcaseEvent) -> str:
        return obj.region_id

    @staticmethod
    def resolve_base(obj: ShowcaseEvent) -> int | None:
        return obj.base_id


class ShowcaseOut(Schema):
    name: str
    organization_uscc: str | None
    filing: int | None
    experience: str

    @staticmethod
    def resolve_name(obj: Showcase) -> str:
        return str(obj)

    @staticmethod
    def resolve_organization_uscc(obj: Showcase) -> str | None:
        return obj.organization.uscc if obj.organization else None

    @staticmethod
    def resolve_filing(obj: Showcase) -> int | None:
        return obj.filing_id


class EventPageOut(Schema):
    event: ShowcaseEventOut
    showcases: list[ShowcaseOut]


class EventIn(HostedIn):
    held_on: date
    notes: Text = ""


class ShowcaseIn(Schema):
    experience: Str200
    organization: Str18 = ""
    filing: Id | None = None


@router.get("/events", response={200: list[ShowcaseEventOut], **ERRORS})
def events(request: HttpRequest, query: Query[GrowthAreaIn]) -> Any:
    """The 典型经验交流推介会 of the caller's region (or of `region` within it), at most 500."""
    return list(reads.events(actor=signed_in_user(request), region=query.region)[:500])


@router.post("/events", response={201: ShowcaseEventOut, **ERRORS})
def event_create(request: HttpRequest, payload: EventIn) -> Any:
    """Register a 典型经验交流推介会 of a region."""
    actor = signed_in_user(request)
    region, base = _host(actor, payload)
    event = services.event_create(
        actor=actor,
        title=payload.title,
        region=region,
        base=base,
        held_on=payload.held_on,
        venue=payload.venue,
        notes=payload.notes,
    )
    return Status(201, event)


@router.get("/events/{pk}", response={200: EventPageOut, **ERRORS})
def event(request: HttpRequest, pk: Id) -> Any:
    """One event with the organizations it showcased."""
    page = reads.event_page(actor=signed_in_user(request), pk=pk)
    return {"event": page.event, "showcases": page.showcases}


@router.post("/events/{pk}/showcases", response={201: ShowcaseOut, **ERRORS})
def event_showcase(request: HttpRequest, pk: Id, payload: ShowcaseIn) -> Any:
    """Add a showcased organization: a registered one (by 统一社会信用代码) or a filed one (by id)."""
    actor = signed_in_user(request)
    item = reads.event_page(actor=actor, pk=pk).event
    organization = None
    if payload.organization:
        try:
            organization = organization_get(payload.organization)
        except NotFound as exc:
            raise ServiceError(exc.code, exc.text(), field="organization") from None
    filing = None
    if payload.filing is not None:
        filing = reads.filings(actor=actor).filter(pk=payload.filing).first()
        if filing is None:
            raise ServiceError(Code.CAPACITY_FILING_NOT_FOUND, field="filing")
    shown = services.showcase_add(
        actor=actor, event=item, experience=payload.experience, organization=organization, filing=filing
    )
    return Status(201, shown)


# --- filed community organizations ------------------------------------------------------------------


class FilingOut(Schema):
    id: int
    name: str
    kind: str
    township: str
    community: str
    responsible_person: str
    filed_on: date
    organization_uscc: str | None
    registered_on: date | None

    @staticmethod
    def resolve_township(obj: CommunityFiling) -> str:
        return obj.township_id

    @staticmethod
    def resolve_organization_uscc(obj: CommunityFiling) -> str | None:
        return obj.organization.uscc if obj.organization else None


class SupportOut(Schema):
    id: int
    kind: str
    amount: Decimal
    purpose: str
    decision: str
    decided_on: date
    budget_line: str | None

    @staticmethod
    def resolve_budget_line(obj: FilingSupport) -> str | None:
        return obj.budget_line.code if obj.budget_line else None


class ActivityOut(Schema):
    id: int
    kind: str
    title: str
    held_on: date
    participants: int
    notes: str


class FilingPageOut(Schema):
    filing: FilingOut
    supported: Decimal
    supports: list[SupportOut]
    activities: list[ActivityOut]


class SupportIn(Schema):
    kind: Str12
    amount: Str20
    purpose: Str200
    decision: Str60
    decided_on: date
    budget_line: Str40 = ""


class ActivityIn(Schema):
    kind: Str12
    title: Str120
    held_on: date
    participants: int = 0
    notes: Text = ""


@router.get("/filings", response={200: list[FilingOut], **ERRORS})
def filings(request: HttpRequest, query: Query[GrowthAreaIn]) -> Any:
    """The community organizations filed in the caller's region (or `region` within it), at most 1000."""
    return list(reads.filings(actor=signed_in_user(request), region=query.region)[:1000])


@router.get("/filings/{pk}", response={200: FilingPageOut, **ERRORS})
def filing(request: HttpRequest, pk: Id) -> Any:
    """One filed community organization with its support, awards and activities."""
    page = reads.filing_page(actor=signed_in_user(request), pk=pk)
    return {
        "filing": page.filing,
        "supported": page.supported,
        "supports": page.supports,
        "activities": page.activities,
    }


@router.post("/filings/{pk}/supports", response={201: SupportOut, **ERRORS})
def filing_support(request: HttpRequest, pk: Id, payload: SupportIn) -> Any:
    """Record a funding or an award (资助、奖励) decided for the filed organization."""
    actor = signed_in_user(request)
    item = reads.filing_page(actor=actor, pk=pk).filing
    line = None
    if payload.budget_line:
        lines = BudgetLine.objects.filter(code=payload.budget_line)
        line = (
            lines.filter(fiscal_year=payload.decided_on.year).first()
            or lines.order_by("-fiscal_year").first()
        )
        if line is None:
            raise ServiceError(Code.CAPACITY_BUDGET_LINE_NOT_FOUND, field="budget_line")
    support: FilingSupport = services.support_decide(
        actor=actor,
        filing=item,
        kind=payload.kind,
        amount=payload.amount,
        purpose=payload.purpose,
        decision=payload.decision,
        decided_on=payload.decided_on,
        budget_line=line,
    )
    return Status(201, support)


@router.post("/filings/{pk}/activities", response={201: ActivityOut, **ERRORS})
def filing_activity(request: HttpRequest, pk: Id, payload: ActivityIn) -> Any:
    """Log an activity the filed organization held (社区协商, 平安建设, 文明创建, 其他)."""
    actor = signed_in_user(request)
    item = reads.filing_page(actor=actor, pk=pk).filing
    activity: FilingActivity = services.activity_log(
        actor=actor,
        filing=item,
        kind=payload.kind,
        title=payload.title,
        held_on=payload.held_on,
        participants=payload.participants,
        notes=payload.notes,
    )
    return Status(201, activity)
