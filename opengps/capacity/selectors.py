"""Reads of capacity building for the civil-affairs and finance officials, scoped to their region:
station coverage by county (a fixed number of grouped queries, whatever the number of townships),
the station list and a station with its workers and logs. Identity numbers leave only masked.
The public station finder reads stations without an actor and returns public fields only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast, Left
from django.utils.translation import gettext_lazy as _

from opengps.accounts import scopes
from opengps.accounts.actors import Actor
from opengps.accounts.models import Region, Role
from opengps.accounts.permissions import require_role
from opengps.capacity.errors import Code
from opengps.capacity.models import (
    BaseAssessment,
    CertificateLevel,
    Incubatee,
    IncubationBase,
    Posting,
    ServiceLog,
    ServicePoint,
    SocialWorker,
    Station,
    StationStatus,
    Subsidy,
    Township,
)
from opengps.contracts.models import Contract
from opengps.core import clock
from opengps.core.errors import PermissionDenied, ServiceError, one_or_not_found
from opengps.emall.models import Order
from opengps.evaluation.models import Award
from opengps.grants.models import Agreement
from opengps.rules.capacity import Coverage, won_after

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
    """Postings running on `on` at stations operating that day, in the area of `prefix`. A township's
    code begins with its county's (`services.township_create` checks it), so the area is a prefix of
    the station's township code: no join to the townships or the regions."""
    return _running_on(
        on, Posting.objects.filter(operating_on(on, "station__"), station__township__code__startswith=prefix)
    )


def _running_on(on: date, postings: QuerySet[Posting]) -> QuerySet[Posting]:
    """Those of `postings` that run on `on` (started, not ended)."""
    return postings.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))


@dataclass(frozen=True)
class CountyCoverage:
    county: Region
    figures: Coverage
    points: int = 0
    """Service points (社工室) open that day under the county's operating stations."""


@dataclass(frozen=True)
class CoverageTable:
    """Coverage of each county of an area on a day, and of the whole area (a worker posted part-time
    in two counties counts once in each county and once in the total)."""

    on: date
    rows: list[CountyCoverage]
    total: Coverage
    points: int = 0


CERTIFIED = ~Q(level=CertificateLevel.NONE)
"""A social worker with a qualification (助理社会工作师 or above)."""


def _workers_by_county(postings: QuerySet[Posting]) -> dict[str, tuple[int, int]]:
    """(workers, certified workers) per county of the running `postings`, a worker counted once per
    county however many postings: one grouped query. The county is the first six digits of the
    station's township code, grouped as a number: PostgreSQL sorts the rows by the group for the
    COUNT(DISTINCT …)s, and an integer sorts faster than text under the database's collation."""
    county = Cast(Left("station__township", 6), IntegerField())
    rows = (
        postings.order_by()
        .values_list(county)
        .annotate(
            workers=Count("worker", distinct=True),
            certified=Count("worker", distinct=True, filter=~Q(worker__level=CertificateLevel.NONE)),
        )
    )
    return {str(code).zfill(6): (workers, certified) for code, workers, certified in rows}


def _points_by_county(on: date, prefix: str) -> dict[str, int]:
    """Service points open on `on` under stations operating that day, per county: one grouped query."""
    rows = (
        ServicePoint.objects.filter(
            operating_on(on, "station__"), station__township__code__startswith=prefix, opened_on__lte=on
        )
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=on))
        .order_by()
        .values_list("station__township__county")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def coverage(*, actor: Actor, on: date | None = None, region: str = "") -> CoverageTable:
    """Station coverage on `on` (today by default) by county, for the counties that have townships.

    A fixed number of grouped queries whatever the area (the province's 122 counties included):
    townships per county; stations per county with those staffed; workers per county; the area's
    workers (a worker posted in two counties counts once), read from the workers' side — no
    posting and no station comes back to Python."""
    prefix = scope_prefix(actor, region)
    day = on or clock.today()
    townships = Township.objects.filter(county__code__startswith=prefix).order_by()
    per_township = dict(townships.values_list("county").annotate(n=Count("code")))
    staffed_here = Exists(_running_on(day, Posting.objects.filter(station=OuterRef("pk"))))
    stations = Station.objects.filter(operating_on(day), township__county__code__startswith=prefix).order_by()
    per_station = {
        county: (with_station, staffed)
        for county, with_station, staffed in stations.values_list("township__county").annotate(
            with_station=Count("township", distinct=True),
            staffed=Count("township", distinct=True, filter=Q(staffed_here)),
        )
    }
    postings = _postings_on(day, prefix)
    per_county = _workers_by_county(postings)
    area = SocialWorker.objects.filter(Exists(postings.filter(worker=OuterRef("pk")))).aggregate(
        workers=Count("pk"), certified=Count("pk", filter=CERTIFIED)
    )
    counties = Region.objects.in_bulk(list(per_township))
    points = _points_by_county(day, prefix)
    rows = []
    for code in sorted(per_township):
        with_station, staffed = per_station.get(code, (0, 0))
        workers, certified = per_county.get(code, (0, 0))
        figures = Coverage(
            townships=per_township[code],
            with_station=with_station,
            staffed=staffed,
            workers=workers,
            certified=certified,
        )
        rows.append(CountyCoverage(county=counties[code], figures=figures, points=points.get(code, 0)))
    total = Coverage(
        townships=sum(per_township.values()),
        with_station=sum(row.figures.with_station for row in rows),
        staffed=sum(row.figures.staffed for row in rows),
        workers=area["workers"],
        certified=area["certified"],
    )
    return CoverageTable(on=day, rows=rows, total=total, points=sum(row.points for row in rows))


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
    points: list[ServicePoint] = field(default_factory=list)


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
    points = list(station.points.order_by("village_code", "-opened_on"))
    return StationPage(station=station, postings=postings, logs=logs, points=points)


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


def funding(*, kind: str, number: str) -> tuple[Contract | None, Agreement | None]:
    """The purchase contract (`kind` ``contract``) or grant agreement (``grant``) a station form
    names by its number; (None, None) when it names none. ServiceError on ``funding_number`` when
    the number is missing or unknown (whose supplier or grantee it is, the service checks)."""
    number = (number or "").strip()
    if not kind:
        return None, None
    if not number:
        raise ServiceError(Code.CAPACITY_VALUE_REQUIRED, field="funding_number")
    if kind == "contract":
        contract = Contract.objects.filter(reference=number).first()
        if contract is None:
            raise ServiceError(Code.CAPACITY_CONTRACT_NOT_FOUND, field="funding_number")
        return contract, None
    grant = Agreement.objects.filter(number=number).select_related("application").first()
    if grant is None:
        raise ServiceError(Code.CAPACITY_GRANT_NOT_FOUND, field="funding_number")
    return None, grant


# --- the public station finder (residents, no sign-in, no personal data) ---------------------------

PUBLIC_DOMAINS = (
    ("elderly", _("养老服务")),
    ("children", _("儿童关爱")),
    ("assistance", _("社会救助")),
    ("community", _("社区建设")),
)
"""The domains a station offers, as residents read them (from its logs of the last twelve months)."""


@dataclass(frozen=True)
class PublicStation:
    """What a resident reads of a station: no worker, no figure, nothing personal."""

    name: str
    township: str
    county: str
    operator: str
    address: str
    opening_hours: str
    phone: str
    suspended: bool
    services: list[str]
    points: list[PublicPoint] = field(default_factory=list)
    """The station's service points (社工室) open today in villages and communities."""


@dataclass(frozen=True)
class PublicPoint:
    """A service point as residents read it: where, when, whom to call."""

    village: str
    address: str
    opening_hours: str
    phone: str
    contact: str


@dataclass(frozen=True)
class Finder:
    counties: list[Region]
    townships: list[Township]
    county: str
    township: str
    stations: list[PublicStation]


def _public_services(station_ids: list[int], since: date) -> dict[int, list[str]]:
    """Each station's domains with any service logged since `since`, in one grouped query."""
    sums = {name: Sum(name) for name, _label in PUBLIC_DOMAINS}
    rows = (
        ServiceLog.objects.filter(station_id__in=station_ids, month__gte=since)
        .values("station_id")
        .annotate(**sums)
        .order_by()
    )
    return {row["station_id"]: [str(label) for name, label in PUBLIC_DOMAINS if row[name]] for row in rows}


def _public_points(station_ids: list[int], today: date) -> dict[int, list[PublicPoint]]:
    """Each station's service points open today, by village code, in one query."""
    found: dict[int, list[PublicPoint]] = {}
    items = (
        ServicePoint.objects.filter(station_id__in=station_ids, opened_on__lte=today)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=today))
        .order_by("village_code")
    )
    for p in items:
        found.setdefault(p.station_id, []).append(
            PublicPoint(p.village_name, p.address, p.opening_hours, p.phone, p.contact)
        )
    return found


def public_finder(*, county: str = "", township: str = "") -> Finder:
    """The station finder: the counties that have townships; once a county is chosen its townships
    and the stations serving there (operating or suspended — a closed one is gone), narrowed to
    one township when chosen. Public data only. ServiceError on a malformed code."""
    if county and not (county.isdigit() and len(county) == 6):
        raise ServiceError(Code.CAPACITY_COUNTY_INVALID, field="county")
    if township and not (township.isdigit() and len(township) == 9 and township.startswith(county)):
        raise ServiceError(Code.CAPACITY_TOWNSHIP_CODE_INVALID, field="township")
    counties = list(
        Region.objects.filter(code__in=Township.objects.values("county"))
        .order_by("code")
        .only("code", "name")
    )
    if not county:
        return Finder(counties, [], "", "", [])
    townships = list(Township.objects.filter(county_id=county).order_by("code").only("code", "name"))
    items = list(
        Station.objects.filter(township__county_id=county, opened_on__lte=clock.today())
        .exclude(status=StationStatus.CLOSED)
        .filter(**({"township_id": township} if township else {}))
        .select_related("township__county", "operator")
        .only(
            "name",
            "address",
            "opening_hours",
            "phone",
            "status",
            "township__name",
            "township__county__name",
            "operator__name",
        )
        .order_by("township_id")
    )
    today = clock.today()
    offered = _public_services([s.pk for s in items], date(today.year - 1, today.month, 1))
    points = _public_points([s.pk for s in items], today)
    stations = [
        PublicStation(
            name=s.name,
            township=s.township.name,
            county=s.township.county.name,
            operator=s.operator.name,
            address=s.address,
            opening_hours=s.opening_hours,
            phone=s.phone,
            suspended=s.status == StationStatus.SUSPENDED,
            services=offered.get(s.pk, []),
            points=points.get(s.pk, []),
        )
        for s in items
    ]
    return Finder(counties, townships, county, township, stations)


# --- incubation bases: their outcome, drawn from the rest of the platform --------------------------

WON_ORDER_STATUSES = ("confirmed", "delivered", "accepted", "paid", "rated")
"""E-mall orders the supplier took on (confirmed or later); placed, declined or lapsed ones are no win."""


@dataclass(frozen=True)
class BaseOutcomes:
    """A base's incubation outcome as of a day: organizations (and groups) incubated so far, those
    graduated, the graduates registered, rated, and those that won a purchase after graduating
    (`opengps.rules.capacity.won_after`), with the winners' names."""

    incubatees: int
    graduates: int
    registered: int
    rated: int
    won_purchase: int
    winners: list[str]


def wins_of(organization_ids: list[int], until: date) -> dict[int, list[date]]:
    """The days each organization won a purchase by `until`: awarded lots (the award's decision
    day) and e-mall orders it confirmed (the day ordered), two queries whatever the number."""
    wins: dict[int, list[date]] = {}
    awards = Award.objects.filter(
        winner__organization_id__in=organization_ids, decided_on__isnull=False, decided_on__lte=until
    ).values_list("winner__organization_id", "decided_on")
    for org, decided in awards:
        if decided is not None:  # filtered above; the type does not know
            wins.setdefault(org, []).append(decided)
    orders = Order.objects.filter(
        supplier_id__in=organization_ids, status__in=WON_ORDER_STATUSES
    ).values_list("supplier_id", "placed_at")
    for org, placed in orders:
        day = clock.local_date(placed)
        if day <= until:
            wins.setdefault(org, []).append(day)
    return wins


def base_outcomes(base: IncubationBase, *, until: date) -> BaseOutcomes:
    """The outcome of `base` as of `until` (see `BaseOutcomes`)."""
    items = list(
        Incubatee.objects.filter(base=base, entered_on__lte=until)
        .select_related("organization")
        .order_by("pk")
    )
    graduates = [i for i in items if i.graduated_on is not None and i.graduated_on <= until]
    orgs = [i.organization for i in graduates if i.organization is not None]
    wins = wins_of([org.pk for org in orgs], until)
    winners = [
        i.organization
        for i in graduates
        if i.organization is not None and won_after(i.graduated_on, wins.get(i.organization.pk, []))
    ]
    return BaseOutcomes(
        incubatees=len(items),
        graduates=len(graduates),
        registered=len(orgs),
        rated=sum(1 for org in orgs if org.rating_level),
        won_purchase=len({org.pk for org in winners}),
        winners=sorted({org.name for org in winners}),
    )


def bases(*, actor: Actor, region: str = "") -> QuerySet[IncubationBase]:
    """The incubation bases of the actor's area (narrowed to `region`)."""
    prefix = scope_prefix(actor, region)
    return (
        IncubationBase.objects.filter(region__code__startswith=prefix)
        .select_related("region", "operator")
        .order_by("region_id", "name")
    )


@dataclass(frozen=True)
class BasePage:
    base: IncubationBase
    subsidies: list[Subsidy]
    incubatees: list[Incubatee]
    assessments: list[BaseAssessment]
    outcomes: BaseOutcomes


def base_page(*, actor: Actor, pk: int) -> BasePage:
    """One base of the actor's area with its subsidies, incubatees, assessments and its outcome today."""
    base = one_or_not_found(bases(actor=actor), pk, Code.CAPACITY_BASE_NOT_FOUND)
    return BasePage(
        base=base,
        subsidies=list(base.subsidies.order_by("-year")),
        incubatees=list(base.incubatees.select_related("organization").order_by("-entered_on", "-pk")),
        assessments=list(base.assessments.order_by("-year")),
        outcomes=base_outcomes(base, until=clock.today()),
    )
