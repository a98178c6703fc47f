"""Trainings of social workers (by an incubation base or the civil-affairs department) with each
worker's attendance and the hours it credits, and the 典型经验交流推介会 events with the
organizations they showcase. Each write in one transaction with its audit event."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from opengps.accounts import scopes
from opengps.accounts.actors import Actor
from opengps.accounts.models import Region
from opengps.capacity.errors import Code
from opengps.capacity.events import Event
from opengps.capacity.models import (
    Attendance,
    CommunityFiling,
    IncubationBase,
    Showcase,
    ShowcaseEvent,
    SocialWorker,
    Training,
)
from opengps.capacity.services._common import refusal, require_manager, text
from opengps.core import audit, clock
from opengps.core.errors import Conflict, ServiceError
from opengps.registry.models import Organization
from opengps.rules import capacity_growth as rules
from opengps.rules.base import RuleError


def _hours(value: Decimal | str, *, code: Code, field: str) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        raise ServiceError(code, field=field) from None
    if not hours.is_finite() or hours >= 1000:
        raise ServiceError(code, field=field)
    return hours


def _check_base(base: IncubationBase | None, region: Region) -> None:
    if base is not None and not base.region_id.startswith(scopes.region_prefix(region.code)):
        raise ServiceError(Code.CAPACITY_BASE_OUT_OF_REGION, field="base")


def training_create(
    *,
    actor: Actor,
    title: str,
    region: Region,
    starts_on: date,
    ends_on: date,
    hours: Decimal | str,
    base: IncubationBase | None = None,
    venue: str = "",
    content: str = "",
) -> Training:
    """Register a training of `region` (given by `base`, a base of that region, or by the department
    when None) from `starts_on` to `ends_on` worth `hours` (at most 8 a day, in half hours)."""
    require_manager(actor, region.code)
    title = text(title, field="title", required=Code.CAPACITY_NAME_REQUIRED, limit=120)
    value = _hours(hours, code=Code.CAPACITY_TRAINING_HOURS_INVALID, field="hours")
    try:
        rules.check_training(starts_on, ends_on, value)
    except RuleError as exc:
        field = "ends_on" if exc.code == "capacity.training_dates_invalid" else "hours"
        raise refusal(exc, field=field) from None
    _check_base(base, region)
    with transaction.atomic():
        training = Training.objects.create(
            title=title,
            region=region,
            base=base,
            starts_on=starts_on,
            ends_on=ends_on,
            hours=value,
            venue=text(venue, field="venue"),
            content=text(content, field="content", limit=2000),
            created_by=actor,
            created_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_TRAINING_CREATED,
            obj=training,
            new={
                "title": title,
                "region": region.code,
                "base": base.pk if base else None,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "hours": value,
            },
        )
    return training


def attendance_record(
    *, actor: Actor, training: Training, worker: SocialWorker, hours: Decimal | str | None = None
) -> Attendance:
    """Record that `worker` (registered in the training's region) attended `training`, crediting
    `hours` (the training's hours when None; less for part attendance) toward the year it ends.
    Once per worker and training: a second entry is refused, never added to the first."""
    require_manager(actor, training.region_id)
    if not worker.region_id.startswith(scopes.region_prefix(training.region_id)):
        raise ServiceError(Code.CAPACITY_WORKER_OUT_OF_REGION, field="worker")
    given = training.hours if hours is None or str(hours).strip() == "" else hours
    value = _hours(given, code=Code.CAPACITY_ATTENDANCE_HOURS_INVALID, field="hours")
    try:
        rules.check_attendance(
            value, training_hours=training.hours, starts_on=training.starts_on, today=clock.today()
        )
    except RuleError as exc:
        raise refusal(
            exc, field="hours" if exc.code == "capacity.attendance_hours_invalid" else "worker"
        ) from None
    with transaction.atomic():
        Training.objects.select_for_update().get(pk=training.pk)
        if Attendance.objects.filter(training=training, worker=worker).exists():
            raise Conflict(Code.CAPACITY_ATTENDANCE_EXISTS, field="worker")
        item = Attendance.objects.create(training=training, worker=worker, hours=value)
        audit.record(
            actor=actor,
            action=Event.CAPACITY_ATTENDANCE_RECORDED,
            obj=training,
            new={"worker": worker.pk, "worker_name": worker.name, "hours": value},
        )
    return item


def event_create(
    *,
    actor: Actor,
    title: str,
    region: Region,
    held_on: date,
    base: IncubationBase | None = None,
    venue: str = "",
    notes: str = "",
) -> ShowcaseEvent:
    """Register a 典型经验交流推介会 of `region` held on `held_on` (hosted by `base` when given)."""
    require_manager(actor, region.code)
    title = text(title, field="title", required=Code.CAPACITY_NAME_REQUIRED, limit=120)
    _check_base(base, region)
    with transaction.atomic():
        event = ShowcaseEvent.objects.create(
            title=title,
            region=region,
            base=base,
            held_on=held_on,
            venue=text(venue, field="venue"),
            notes=text(notes, field="notes", limit=2000),
            created_by=actor,
            created_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_EVENT_CREATED,
            obj=event,
            new={
                "title": title,
                "region": region.code,
                "base": base.pk if base else None,
                "held_on": held_on,
            },
        )
    return event


def showcase_add(
    *,
    actor: Actor,
    event: ShowcaseEvent,
    experience: str,
    organization: Organization | None = None,
    filing: CommunityFiling | None = None,
) -> Showcase:
    """Add an organization showcased at `event` with its experience: a registered organization or a
    community organization filed in the event's region (one of the two), each once an event."""
    require_manager(actor, event.region_id)
    if (organization is None) == (filing is None):
        raise ServiceError(Code.CAPACITY_SHOWCASE_SUBJECT, field="organization")
    if filing is not None and not filing.township_id.startswith(scopes.region_prefix(event.region_id)):
        raise ServiceError(Code.CAPACITY_OUT_OF_REGION, field="filing")
    told = text(experience, field="experience", required=Code.CAPACITY_EXPERIENCE_REQUIRED)
    with transaction.atomic():
        ShowcaseEvent.objects.select_for_update().get(pk=event.pk)
        same = Showcase.objects.filter(event=event)
        same = (
            same.filter(organization=organization) if organization is not None else same.filter(filing=filing)
        )
        if same.exists():
            raise Conflict(Code.CAPACITY_SHOWCASE_EXISTS, field="organization" if organization else "filing")
        item = Showcase.objects.create(event=event, experience=told, organization=organization, filing=filing)
        audit.record(
            actor=actor,
            action=Event.CAPACITY_SHOWCASE_ADDED,
            obj=event,
            new={
                "organization": organization.uscc if organization else None,
                "filing": filing.pk if filing else None,
                "experience": told,
            },
        )
    return item
