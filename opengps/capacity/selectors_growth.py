"""Reads of trainings (with their participants, identity numbers masked), the social workers'
training hours by year derived from their attendance, the 典型经验交流推介会 events with their
showcased organizations, and filed community organizations with their support and activities —
each scoped to the official's region like the station reads (`selectors.scope_prefix`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from opengps.accounts import scopes
from opengps.accounts.actors import Actor
from opengps.accounts.models import Region
from opengps.capacity.errors import Code
from opengps.capacity.models import (
    Attendance,
    CommunityFiling,
    FilingActivity,
    FilingSupport,
    IncubationBase,
    Showcase,
    ShowcaseEvent,
    SocialWorker,
    Training,
)
from opengps.capacity.selectors import scope_prefix
from opengps.core import clock
from opengps.core.errors import one_or_not_found
from opengps.rules.capacity_growth import Attended, hours_by_year


def trainings(*, actor: Actor, region: str = "") -> QuerySet[Training]:
    """The trainings held in the actor's area (narrowed to `region`), newest first, each with
    `participants`: the workers recorded as attending."""
    prefix = scope_prefix(actor, region)
    return (
        Training.objects.filter(region__code__startswith=prefix)
        .select_related("region", "base")
        .annotate(participants=Count("attendances"))
        .order_by("-starts_on", "-id")
    )


@dataclass(frozen=True)
class TrainingPage:
    training: Training
    attendances: list[Attendance]


def training_page(*, actor: Actor, pk: int) -> TrainingPage:
    """One training of the actor's area with its participants (names and masked numbers only)."""
    training = one_or_not_found(trainings(actor=actor), pk, Code.CAPACITY_TRAINING_NOT_FOUND)
    attendances = list(
        training.attendances.select_related("worker").only(
            "hours", "training_id", "worker__name", "worker__id_number_masked", "worker__level"
        )
    )
    return TrainingPage(training=training, attendances=attendances)


def trainable_workers(training: Training) -> QuerySet[SocialWorker]:
    """The workers a training may list: those registered in its region."""
    prefix = scopes.region_prefix(training.region_id)
    return SocialWorker.objects.filter(region__code__startswith=prefix).order_by("name", "pk")


@dataclass(frozen=True)
class WorkerHours:
    """A social worker's training hours in a year, from the trainings they attended."""

    worker: SocialWorker
    hours: Decimal
    trainings: int


def training_hours(*, actor: Actor, year: int | None = None, region: str = "") -> list[WorkerHours]:
    """The yearly training hours of the social workers registered in the actor's area: each
    training counted once, in the year it ended (`opengps.rules.capacity_growth.hours_by_year`).
    Workers with no training that year are listed with 0, so gaps show; at most the first 2,000 by
    name (a province narrows by `region`)."""
    prefix = scope_prefix(actor, region)
    wanted = year or clock.today().year
    workers = list(
        SocialWorker.objects.filter(region__code__startswith=prefix)
        .only("name", "id_number_masked", "level", "region_id")
        .order_by("name", "pk")[:2000]
    )
    attended: dict[int, list[Attended]] = defaultdict(list)
    rows = Attendance.objects.filter(worker__in=workers, training__ends_on__year=wanted).values_list(
        "worker_id", "training_id", "training__ends_on", "hours"
    )
    for worker_id, training_id, ends_on, hours in rows:
        attended[worker_id].append(Attended(training_id, ends_on, hours))
    found = []
    for worker in workers:
        items = attended.get(worker.pk, [])
        found.append(
            WorkerHours(
                worker=worker,
                hours=hours_by_year(items).get(wanted, Decimal(0)),
                trainings=len({item.training for item in items}),
            )
        )
    return found


def worker_hours_by_year(worker: SocialWorker) -> dict[int, Decimal]:
    """One worker's training hours for every year they trained."""
    rows = Attendance.objects.filter(worker=worker).values_list("training_id", "training__ends_on", "hours")
    return hours_by_year(Attended(t, ends_on, hours) for t, ends_on, hours in rows)


def events(*, actor: Actor, region: str = "") -> QuerySet[ShowcaseEvent]:
    """The 典型经验交流推介会 of the actor's area, newest first, each with `showcased`."""
    prefix = scope_prefix(actor, region)
    return (
        ShowcaseEvent.objects.filter(region__code__startswith=prefix)
        .select_related("region", "base")
        .annotate(showcased=Count("showcases"))
        .order_by("-held_on", "-id")
    )


@dataclass(frozen=True)
class EventPage:
    event: ShowcaseEvent
    showcases: list[Showcase]


def event_page(*, actor: Actor, pk: int) -> EventPage:
    """One event of the actor's area with the organizations it showcased."""
    event = one_or_not_found(events(actor=actor), pk, Code.CAPACITY_EVENT_NOT_FOUND)
    showcases = list(event.showcases.select_related("organization", "filing__township").order_by("pk"))
    return EventPage(event=event, showcases=showcases)


def filings(*, actor: Actor, region: str = "") -> QuerySet[CommunityFiling]:
    """The community organizations filed in the actor's area (their sums: `filing_totals`)."""
    prefix = scope_prefix(actor, region)
    return (
        CommunityFiling.objects.filter(township__code__startswith=prefix)
        .select_related("township__county", "organization")
        .order_by("township_id", "name")
    )


def filing_totals(items: list[CommunityFiling]) -> dict[int, tuple[Decimal, int]]:
    """(support yuan, activities) of each filing, two grouped queries whatever their number."""
    ids = [item.pk for item in items]
    money = dict(
        FilingSupport.objects.filter(filing_id__in=ids)
        .order_by()
        .values_list("filing_id")
        .annotate(total=Sum("amount"))
    )
    counts = dict(
        FilingActivity.objects.filter(filing_id__in=ids)
        .order_by()
        .values_list("filing_id")
        .annotate(n=Count("pk"))
    )
    return {pk: (money.get(pk) or Decimal(0), counts.get(pk, 0)) for pk in ids}


@dataclass(frozen=True)
class FilingPage:
    filing: CommunityFiling
    supports: list[FilingSupport]
    activities: list[FilingActivity]
    showcases: list[Showcase]

    @property
    def supported(self) -> Decimal:
        return sum((s.amount for s in self.supports), Decimal(0))


def filing_page(*, actor: Actor, pk: int) -> FilingPage:
    """One filed community organization of the actor's area with its support, awards, activities
    and the events that showcased it."""
    filing = one_or_not_found(filings(actor=actor), pk, Code.CAPACITY_FILING_NOT_FOUND)
    return FilingPage(
        filing=filing,
        supports=list(filing.supports.select_related("budget_line").order_by("-decided_on", "-pk")),
        activities=list(filing.activities.order_by("-held_on", "-pk")),
        showcases=list(filing.showcases.select_related("event").order_by("-event__held_on")),
    )


def regions_of(*, actor: Actor) -> QuerySet[Region]:
    """The regions (province, cities, counties) of the actor's area, for the forms that pick one."""
    prefix = scope_prefix(actor)
    return Region.objects.filter(code__startswith=prefix).order_by("code")


def bases_of(*, actor: Actor) -> QuerySet[IncubationBase]:
    """The incubation bases of the actor's area, for the forms that name the host."""
    prefix = scope_prefix(actor)
    return IncubationBase.objects.filter(region__code__startswith=prefix).order_by("region_id", "name")
