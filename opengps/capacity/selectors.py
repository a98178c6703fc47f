"""Reads of capacity building for the civil-affairs and finance officials, scoped to their region:
station coverage by county (a fixed number of grouped queries, whatever the number of townships),
the station list and a station with its workers and logs. Identity numbers leave only masked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from opengps.accounts import scopes
from opengps.accounts.actors import Actor
from opengps.accounts.models import Region, Role
from opengps.accounts.permissions import require_role
from opengps.capacity.errors import Code
from opengps.capacity.models import (
    CertificateLevel,
    Posting,
    ServiceLog,
    SocialWorker,
    Station,
    StationStatus,
    Township,
)
from opengps.core import clock
from opengps.core.errors import PermissionDenied, ServiceError, one_or_not_found
from opengps.rules.capacity import Coverage

LOG_FIELDS = ("elderly", "children", "assistance", "community", "other", "people_served")
"""A log's figures in the order the pages and the API show them."""

READERS = (Role.REGISTRATION, Role.FINANCE, Role.AUDITOR, Role.ADMIN)
"""Officials who read stations and coverage: the civil-affairs and finance departments of the
region (and below), auditors and administrators everywhere."""


def scope_prefix(actor: Actor, region: str = "") -> str:
    """The region-code prefix of what `actor` may read, narrowed to `region` (a six-digit GB/T 2260
    code) when given; a region outside the actor's own is refused. "" is the whole province."""
    require_role(actor, *READERS)
    own = "" if scopes.reads_everything(actor) else scopes.supervised_prefix(actor)
    if own is None:
        raise PermissionDenied(Code.CAPACITY_OUT_OF_REGION)
    if not region:
        return own
    if not (region.isdigit() and len(region) == 6):
        raise ServiceError(Code.CAPACITY_COUNTY_INVALID, field="region")
    wanted = scopes.region_prefix(region)
    if not wanted.startswith(own):
        raise PermissionDenied(Code.CAPACITY_OUT_OF_REGION)
    return wanted


def operating_on(on: date, path: str = "") -> Q:
    """Stations serving on `on`, as `opengps.rules.capacity.is_operating` decides one station."""
    closed_later = Q(**{f"{path}status": StationStatus.CLOSED, f"{path}closed_on__gte": on})
    return Q(**{f"{path}opened_on__lte": on}) & (
        Q(**{f"{path}status": StationStatus.OPERATING}) | closed_later
    )


def _postings_on(on: date, prefix: str) -> QuerySet[Posting]:
    """Postings running on `on` at stations operating that day, in the area of `prefix`."""
    return (
        Posting.objects.filter(
            operating_on(on, "station__"), station__township__county__code__startswith=prefix
        )
        .filter(starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    )


POSTING_FIGURES = {
    "staffed": Count("station__township", distinct=True),
    "workers": Count("worker", distinct=True),
    "certified": Count("worker", distinct=True, filter=~Q(worker__level=CertificateLevel.NONE)),
}


@dataclass(frozen=True)
class CountyCoverage:
    county: Region
    figures: Coverage


@dataclass(frozen=True)
class CoverageTable:
    """Coverage of each county of an area on a day, and of the whole area (a worker posted part-time
    in two counties counts once in each county and once in the total)."""

    on: date
    rows: list[CountyCoverage]
    total: Coverage


def coverage(*, actor: Actor, on: date | None = None, region: str = "") -> CoverageTable:
    """Station coverage on `on` (today by default) by county, for the counties that have townships."""
    prefix = scope_prefix(actor, region)
    day = on or clock.today()
    townships = Township.objects.filter(county__code__startswith=prefix).order_by()
    stations = Station.objects.filter(operating_on(day), township__county__code__startswith=prefix).order_by()
    postings = _postings_on(day, prefix).order_by()
    per_township = dict(townships.values_list("county").annotate(n=Count("code")))
    per_station = dict(stations.values_list("township__county").annotate(n=Count("township", distinct=True)))
    per_posting = {
        row.pop("station__township__county"): row
        for row in postings.values("station__township__county").annotate(**POSTING_FIGURES)
    }
    counties = Region.objects.in_bulk(list(per_township))
    rows = []
    for code in sorted(per_township):
        staff = per_posting.get(code, {})
        figures = Coverage(
            townships=per_township[code],
            with_station=per_station.get(code, 0),
            staffed=staff.get("staffed", 0),
            workers=staff.get("workers", 0),
            certified=staff.get("certified", 0),
        )
        rows.append(CountyCoverage(county=counties[code], figures=figures))
    staff_total = postings.aggregate(**POSTING_FIGURES)
    total = Coverage(
        townships=sum(per_township.values()),
        with_station=sum(per_station.values()),
        staffed=staff_total["staffed"],
        workers=staff_total["workers"],
        certified=staff_total["certified"],
    )
    return CoverageTable(on=day, rows=rows, total=total)


def stations(*, actor: Actor, region: str = "", on: date | None = None) -> QuerySet[Station]:
    """The stations of the actor's area (narrowed to `region`), each with `workers`: the social
    workers posted there on `on` (today by default)."""
    prefix = scope_prefix(actor, region)
    day = on or clock.today()
    running = Q(postings__starts_on__lte=day) & (
        Q(postings__ends_on__isnull=True) | Q(postings__ends_on__gte=day)
    )
    return (
        Station.objects.filter(township__county__code__startswith=prefix)
        .select_related("township__county", "operator", "contract", "grant")
        .annotate(workers=Count("postings__worker", filter=running, distinct=True))
        .order_by("township_id", "-opened_on", "-id")
    )


@dataclass(frozen=True)
class StationPage:
    station: Station
    postings: list[Posting]
    logs: list[ServiceLog]


def station_page(*, actor: Actor, pk: int, months: int = 12) -> StationPage:
    """One station of the actor's area with all its postings (workers' numbers masked) and its last
    `months` service logs."""
    prefix = scope_prefix(actor)
    station = one_or_not_found(
        Station.objects.filter(township__county__code__startswith=prefix).select_related(
            "township__county", "operator", "contract", "grant"
        ),
        pk,
        Code.CAPACITY_STATION_NOT_FOUND,
    )
    postings = list(
        station.postings.select_related("worker").only(
            "starts_on",
            "ends_on",
            "full_time",
            "station_id",
            "worker__name",
            "worker__id_number_masked",
            "worker__level",
        )
    )
    logs = list(station.service_logs.order_by("-month")[:months])
    return StationPage(station=station, postings=postings, logs=logs)


def operated_station(*, actor: Actor, pk: int, months: int = 12) -> StationPage:
    """A station run by the actor's organization, for its members to enter the monthly logs: the
    station and its last `months` logs (its workers are the officials' page, not listed here)."""
    require_role(actor, Role.SUPPLIER)
    station = one_or_not_found(
        Station.objects.filter(operator_id=actor.organization_id).select_related(
            "township__county", "operator"
        ),
        pk,
        Code.CAPACITY_STATION_NOT_FOUND,
    )
    logs = list(station.service_logs.order_by("-month")[:months])
    return StationPage(station=station, postings=[], logs=logs)


def townships_of(*, actor: Actor) -> QuerySet[Township]:
    """The townships of the actor's area, for the form that opens a station."""
    prefix = scope_prefix(actor)
    return Township.objects.filter(county__code__startswith=prefix).select_related("county").order_by("code")


def counties_of(*, actor: Actor) -> QuerySet[Region]:
    """The counties of the actor's area, for the form that registers a social worker."""
    prefix = scope_prefix(actor)
    return Region.objects.filter(level=Region.Level.COUNTY, code__startswith=prefix).order_by("code")


def postable_workers(station: Station) -> QuerySet[SocialWorker]:
    """The workers a station may be given on its page: those registered in its county (the station
    itself comes through `station_page`, scoped to the actor)."""
    return SocialWorker.objects.filter(region_id=station.township.county_id).order_by("name", "pk")
