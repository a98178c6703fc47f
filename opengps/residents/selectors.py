"""Reads for residents: the services delivered in a county (and township) for a need — from live
contracts, this year's e-mall orders, active grants and the township social-work stations — one
service's card, a feedback item by its tracking number, and the purchaser's (and finance
department's) list of items to answer or follow up."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from operator import or_
from typing import Any, Literal

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from opengps.accounts.actors import MaybeActor
from opengps.accounts.models import Region, Role, Unit
from opengps.accounts.permissions import require_role
from opengps.capacity import selectors as capacity
from opengps.capacity.models import Station, StationStatus, Township
from opengps.contracts.models import Contract, ContractStatus
from opengps.core import clock
from opengps.core.errors import NotFound, ServiceError, one_or_not_found
from opengps.emall.models import Order, OrderStatus
from opengps.grants.models import Agreement, AgreementStatus
from opengps.performance.models import HistoryEntry, HistoryKind
from opengps.planning.models import Project
from opengps.residents.errors import Code
from opengps.residents.models import (
    Feedback,
    FeedbackKind,
    FeedbackPhoto,
    FeedbackStatus,
    PartnerCall,
    PartnerKey,
)
from opengps.rules import residents as rules
from opengps.rules.base import RuleError

Source = Literal["contract", "order", "grant", "station"]
SOURCES: tuple[Source, ...] = ("contract", "order", "grant", "station")
RATED: tuple[Source, ...] = ("contract", "order")
"""The sources a resident rates or complains about on the service's own page. A grant has no such
page; a station paid by a live contract is rated and complained about through that contract."""
LIMIT = 50
"""At most this many services of each source on one finder page."""
DELIVERED_ORDERS = (
    OrderStatus.CONFIRMED,
    OrderStatus.DELIVERED,
    OrderStatus.ACCEPTED,
    OrderStatus.PAID,
    OrderStatus.RATED,
)
"""This year's e-mall orders the supplier took on (not placed, declined or lapsed)."""


@dataclass(frozen=True)
class ServiceCard:
    """One service as a resident reads it: what, who provides it, who pays, where, until when, and
    how it was rated — no amounts, procedures or personal data."""

    source: Source
    pk: int
    title: str
    kind_name: str
    provider: str
    purchaser: str
    area: str
    recipients: str
    until: date | None
    grade: str
    rating: Decimal | None
    ratings: int
    where: str = ""
    """Where the service is given, in plain words: a station's address, else the area served."""
    when: str = ""
    """When: a station's opening hours, else until when the service runs."""
    how: str = ""
    """How to ask for it, in one plain sentence: whom to go to or call."""
    phone: str = ""
    """A station's public phone (no other card has a number to call)."""
    feedback_source: str = ""
    """Where to rate or complain: "contract" or "order" (the service's page), "" when nowhere."""
    feedback_pk: int | None = None


@dataclass(frozen=True)
class NeedChoice:
    key: str
    label: str


def needs() -> list[NeedChoice]:
    """The needs of the finder, labelled in the active language."""
    english = (get_language() or "").startswith("en")
    return [NeedChoice(n.key, n.label_en if english else n.label_zh) for n in rules.NEEDS]


def counties() -> QuerySet[Region]:
    """The counties (县市区) a resident picks from, with their city for the label."""
    return Region.objects.filter(level=Region.Level.COUNTY).select_related("parent").order_by("code")


def county_get(code: str) -> Region:
    county = counties().filter(pk=code).first()
    if county is None:
        raise ServiceError(Code.RESIDENTS_COUNTY_INVALID, field="county")
    return county


def _chain(region: Region) -> list[str]:
    """The region and the regions above it: a city-wide or province-wide service reaches the county."""
    return [r.code for r in region.lineage()]


def _need(key: str) -> rules.Need:
    try:
        return rules.need(key)
    except RuleError:
        raise ServiceError(Code.RESIDENTS_NEED_INVALID, field="need") from None


def _prefix_q(field: str, prefixes: Iterable[str]) -> Q:
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in prefixes))


def _live_contracts(today: date) -> QuerySet[Contract]:
    return Contract.objects.filter(
        status=ContractStatus.PUBLISHED,
        published_at__isnull=False,
        starts_on__lte=today,
        ends_on__gte=today,
    ).select_related("supplier", "purchaser", "procurement__plan__project__area")


def _orders(today: date) -> QuerySet[Order]:
    return Order.objects.filter(status__in=DELIVERED_ORDERS, fiscal_year=today.year).select_related(
        "supplier", "unit", "version", "listing__item", "service_region"
    )


def latest_grades(organization_ids: Iterable[int]) -> dict[int, str]:
    """Each organization's latest performance grade (优/良/中/差), one query."""
    grades: dict[int, str] = {}
    rows = (
        HistoryEntry.objects.filter(organization_id__in=set(organization_ids), kind=HistoryKind.GRADE)
        .order_by("organization_id", "-occurred_on", "-id")
        .values_list("organization_id", "grade")
    )
    for org, grade in rows:
        grades.setdefault(org, grade)
    return grades


def _ratings(field: str, ids: Iterable[int]) -> dict[int, tuple[Decimal | None, int]]:
    """Average stars of the verified ratings and the number of all ratings, by service."""
    rows = (
        Feedback.objects.filter(kind=FeedbackKind.RATING, **{f"{field}_id__in": set(ids)})
        .values(f"{field}_id")
        .annotate(count=Count("id"), average=Avg("stars", filter=Q(verified=True)))
    )
    result: dict[int, tuple[Decimal | None, int]] = defaultdict(lambda: (None, 0))
    for row in rows:
        average = row["average"]
        shown = Decimal(str(average)).quantize(Decimal("0.1"), ROUND_HALF_UP) if average is not None else None
        result[row[f"{field}_id"]] = (shown, row["count"])
    return result


def _ask(purchaser: str, provider: str) -> str:
    return _("找出钱购买的“%(purchaser)s”说明您的情况，或直接问服务机构“%(provider)s”。") % {
        "purchaser": purchaser,
        "provider": provider,
    }


def _until(day: date) -> str:
    return _("现在提供，到 %(date)s 为止") % {"date": date_format(day)}


def _cards(
    source: Source, rows: Sequence[Contract] | Sequence[Order], describe: Callable[[Any], dict[str, Any]]
) -> list[ServiceCard]:
    """Cards for contracts or e-mall orders: what `describe` says of each row, with its supplier,
    the supplier's latest grade and the residents' ratings of the row (two queries for all rows)."""
    grades = latest_grades(row.supplier_id for row in rows)
    ratings = _ratings(source, (row.pk for row in rows))
    cards = []
    for row in rows:
        rating, count = ratings[row.pk]
        terms = describe(row)
        cards.append(
            ServiceCard(
                source=source,
                pk=row.pk,
                provider=row.supplier.name,
                grade=grades.get(row.supplier_id, ""),
                rating=rating,
                ratings=count,
                where=terms["area"],
                how=_ask(terms["purchaser"], row.supplier.name),
                feedback_source=source,
                feedback_pk=row.pk,
                **terms,
            )
        )
    return cards


def _contract_terms(contract: Contract) -> dict[str, Any]:
    project = contract.procurement.plan.project
    return {
        "title": contract.title,
        "kind_name": "、".join(i.name for i in project.items.all()),
        "purchaser": contract.purchaser.name,
        "area": project.area.full_name,
        "recipients": project.recipients,
        "until": contract.ends_on,
        "when": _until(contract.ends_on),
    }


def _order_terms(order: Order) -> dict[str, Any]:
    return {
        "title": order.version.title,
        "kind_name": order.listing.item.name,
        "purchaser": order.unit.name,
        "area": order.service_region.full_name,
        "recipients": "",
        "until": None,
        "when": _("%(year)s年内提供") % {"year": order.fiscal_year},
    }


def _contract_cards(contracts: list[Contract]) -> list[ServiceCard]:
    return _cards("contract", contracts, _contract_terms)


def _order_cards(orders: list[Order]) -> list[ServiceCard]:
    return _cards("order", orders, _order_terms)


def _grant_cards(areas: list[str], need: rules.Need, day: date) -> list[ServiceCard]:
    """Grant agreements being carried out today for the area (or above) with a purpose area that
    serves `need` (`rules.GRANT_NEEDS`): the grantee provides, the programme's funder pays."""
    purposes = rules.grant_purposes(need.key)
    agreements = list(
        Agreement.objects.filter(
            status=AgreementStatus.ACTIVE,
            starts_on__lte=day,
            ends_on__gte=day,
            application__purpose_area__in=purposes,
            application__beneficiary_region_id__in=areas,
        )
        .select_related(
            "application__organization",
            "application__beneficiary_region",
            "application__round__programme__funder_unit",
        )
        .order_by("-starts_on", "-id")[:LIMIT]
    )
    grades = latest_grades(a.application.organization_id for a in agreements)
    cards = []
    for agreement in agreements:
        application = agreement.application
        provider = application.organization.name
        funder = application.round.programme.funder_unit.name
        cards.append(
            ServiceCard(
                source="grant",
                pk=agreement.pk,
                title=application.title,
                kind_name=str(application.get_purpose_area_display()),
                provider=provider,
                purchaser=funder,
                area=application.beneficiary_region.full_name,
                recipients="",
                until=agreement.ends_on,
                grade=grades.get(application.organization_id, ""),
                rating=None,
                ratings=0,
                where=application.beneficiary_region.full_name,
                when=_until(agreement.ends_on),
                how=_("直接问承担项目的“%(provider)s”；出钱资助的是“%(funder)s”。")
                % {"provider": provider, "funder": funder},
            )
        )
    return cards


def townships(county: str) -> QuerySet[Township]:
    """The townships (乡镇、街道) of a county, for the finder's second choice."""
    return Township.objects.filter(county_id=county).order_by("code").only("code", "name")


def _township(county: Region, code: str) -> str:
    """`code` when it is a township of `county` ("" for the whole county); refused (field-level) else."""
    if code and not townships(county.code).filter(pk=code).exists():
        raise ServiceError(Code.RESIDENTS_TOWNSHIP_INVALID, field="township")
    return code


def _station_how(phone: str) -> str:
    if phone:
        return _("开放时间内直接去站里，或打电话 %(phone)s。") % {"phone": phone}
    return _("开放时间内直接去站里问。")


def _station_cards(county: Region, township: str, need: rules.Need, day: date) -> list[ServiceCard]:
    """The social-work stations serving now in the county (or the township) that logged services of
    `need` in the last twelve months, as the capacity's public finder lists them (operating; public
    fields only), with who pays (the contract's purchaser or the grant's funder), the operator's
    latest grade and, for a station paid by a live contract, that contract's ratings."""
    domain = rules.STATION_NEEDS.get(need.key)
    if domain is None:
        return []
    label = next(str(text) for key, text in capacity.PUBLIC_DOMAINS if key == domain)
    listed = [
        s
        for s in capacity.public_finder(county=county.code, township=township).stations
        if not s.suspended and label in s.services
    ]
    if not listed:
        return []
    # The public finder names no ids; one query finds each listed station's row (one open station
    # per township, a database constraint) for its operator and funding.
    rows = {
        (row.township.name, row.name): row
        for row in Station.objects.filter(township__county_id=county.code)
        .exclude(status=StationStatus.CLOSED)
        .select_related(
            "township", "contract__purchaser", "grant__application__round__programme__funder_unit"
        )
    }
    stations = [(public, rows[(public.township, public.name)]) for public in listed]
    live = set(
        _live_contracts(day)
        .filter(pk__in=[row.contract_id for _public, row in stations if row.contract_id])
        .values_list("pk", flat=True)
    )
    grades = latest_grades(row.operator_id for _public, row in stations)
    ratings = _ratings("contract", live)
    return [_station_card(public, row, live, grades, ratings) for public, row in stations]


def _station_card(
    public: capacity.PublicStation,
    row: Station,
    live: set[int],
    grades: dict[int, str],
    ratings: dict[int, tuple[Decimal | None, int]],
) -> ServiceCard:
    if row.contract is not None:
        payer = row.contract.purchaser.name
    elif row.grant is not None:
        payer = row.grant.application.round.programme.funder_unit.name
    else:
        payer = ""
    rated = row.contract_id if row.contract_id in live else None
    rating, count = ratings[rated] if rated is not None else (None, 0)
    hours = public.opening_hours or (_("开放时间请打电话问") if public.phone else _("开放时间未公布"))
    return ServiceCard(
        source="station",
        pk=row.pk,
        title=public.name,
        kind_name="、".join(public.services),
        provider=public.operator,
        purchaser=payer,
        area=f"{public.county}{public.township}",
        recipients="",
        until=None,
        grade=grades.get(row.operator_id, ""),
        rating=rating,
        ratings=count,
        where=public.address or f"{public.county}{public.township}",
        when=hours,
        how=_station_how(public.phone),
        phone=public.phone,
        feedback_source="contract" if rated is not None else "",
        feedback_pk=rated,
    )


def find_services(
    *, county: str, need: str, township: str = "", today: date | None = None
) -> list[ServiceCard]:
    """The services delivered now in `county` (or city- or province-wide) for `need`: the township
    social-work stations of the county (only `township`'s when given) that serve the need, live
    published contracts whose project serves the area with an item of the need, this year's e-mall
    orders for the area and need, and grants being carried out for the area in a purpose of the
    need. Contracts, orders and grants serve a county or more, so a township keeps all of them.
    Refuses an unknown county, a township not of the county or an unknown need (field-level)."""
    region = county_get(county)
    chosen = _township(region, township)
    wanted = _need(need)
    day = today or clock.today()
    areas = _chain(region)
    contracts = list(
        _live_contracts(day)
        .filter(procurement__plan__project__area_id__in=areas)
        .filter(
            procurement__plan__project__in=_projects_of(wanted.prefixes),
        )
        .prefetch_related("procurement__plan__project__items")
        .order_by("-starts_on", "-id")[:LIMIT]
    )
    orders = list(
        _orders(day)
        .filter(service_region_id__in=areas)
        .filter(_prefix_q("item_code", wanted.prefixes))
        .order_by("-placed_at", "-id")[:LIMIT]
    )
    return (
        _station_cards(region, chosen, wanted, day)
        + _contract_cards(contracts)
        + _order_cards(orders)
        + _grant_cards(areas, wanted, day)
    )


def _projects_of(prefixes: tuple[str, ...]) -> QuerySet[Any]:
    return Project.objects.filter(_prefix_q("items__code", prefixes)).values("pk")


def service_get(source: str, pk: int, *, today: date | None = None) -> ServiceCard:
    """One service a resident may rate or complain about: a live published contract or one of this
    year's taken e-mall orders. NotFound otherwise."""
    day = today or clock.today()
    if source == "contract":
        contract = _live_contracts(day).filter(pk=pk).prefetch_related("procurement__plan__project__items")
        cards = _contract_cards(list(contract))
    elif source == "order":
        cards = _order_cards(list(_orders(day).filter(pk=pk)))
    else:
        cards = []
    if not cards:
        raise NotFound(Code.RESIDENTS_SERVICE_NOT_FOUND)
    return cards[0]


def service_target(source: str, pk: int) -> tuple[Contract | None, Order | None, Unit]:
    """The contract or order a feedback item is about and the unit that must answer it."""
    day = clock.today()
    if source == "contract":
        contract = _live_contracts(day).filter(pk=pk).first()
        if contract is not None:
            return contract, None, contract.purchaser
    elif source == "order":
        order = _orders(day).filter(pk=pk).first()
        if order is not None:
            return None, order, order.unit
    raise NotFound(Code.RESIDENTS_SERVICE_NOT_FOUND)


def normalize_tracking(text: str) -> str:
    """A tracking number as typed (spaces, dashes, lower case) in its stored form."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def feedback_by_tracking(tracking: str) -> Feedback:
    """The feedback item with this tracking number (the resident's only key). NotFound otherwise."""
    item = (
        Feedback.objects.select_related("contract", "order__version", "purchaser", "escalated_to")
        .filter(tracking=normalize_tracking(tracking))
        .first()
    )
    if item is None:
        raise NotFound(Code.RESIDENTS_FEEDBACK_NOT_FOUND, field="tracking")
    return item


def service_title(item: Feedback) -> str:
    if item.contract is not None:
        return item.contract.title
    return item.order.version.title if item.order is not None else ""


def overdue(item: Feedback, today: date | None = None) -> bool:
    """Derived from the dates: true from the day after the deadline until answered or escalated."""
    return rules.is_overdue(item.status, item.answer_due, today or clock.today())


def inbox(*, actor: MaybeActor) -> QuerySet[Feedback]:
    """Complaints and suggestions for the actor to answer (purchasing unit's staff) or follow up
    (the finance department they were escalated to); oldest deadline first. Others: none."""
    base = (
        Feedback.objects.exclude(kind=FeedbackKind.RATING)
        .select_related("contract", "order__version", "purchaser", "escalated_to")
        .prefetch_related(Prefetch("photos", queryset=FeedbackPhoto.objects.defer("content")))
    )
    if actor is None or not actor.is_authenticated:
        return base.none()
    role, unit_id = getattr(actor, "role", ""), getattr(actor, "unit_id", None)
    if unit_id is None:
        return base.none()
    if role == Role.PURCHASER:
        scoped = base.filter(purchaser_id=unit_id)
    elif role == Role.FINANCE:
        scoped = base.filter(escalated_to_id=unit_id)
    else:
        return base.none()
    return scoped.order_by("status", "answer_due", "id")


def inbox_item(*, actor: MaybeActor, pk: int) -> Feedback:
    return one_or_not_found(inbox(actor=actor), pk, Code.RESIDENTS_FEEDBACK_NOT_FOUND)


def photo_get(*, actor: MaybeActor, feedback: int, pk: int) -> FeedbackPhoto:
    """A resident's photo, for the staff who answer or follow up its item (`inbox`) and for the
    platform's administrators; NotFound for anyone else, the public included."""
    if actor is None or not actor.is_authenticated:
        raise NotFound(Code.RESIDENTS_PHOTO_NOT_FOUND)
    photos = FeedbackPhoto.objects.filter(feedback_id=feedback)
    if getattr(actor, "role", "") != Role.ADMIN:
        photos = photos.filter(feedback__in=inbox(actor=actor).values("pk"))
    return one_or_not_found(photos, pk, Code.RESIDENTS_PHOTO_NOT_FOUND)


def waiting(*, actor: MaybeActor) -> QuerySet[Feedback]:
    """The actor's items still waiting for an answer (for the workbench)."""
    return inbox(actor=actor).filter(status__in=[FeedbackStatus.OPEN, FeedbackStatus.ESCALATED])


def partner_keys(*, actor: MaybeActor) -> QuerySet[PartnerKey]:
    """Every partner key with its number of calls (platform administrators only)."""
    require_role(actor, Role.ADMIN)
    return PartnerKey.objects.select_related("created_by", "revoked_by").annotate(call_count=Count("calls"))


def partner_key_get(*, actor: MaybeActor, pk: int) -> PartnerKey:
    return one_or_not_found(partner_keys(actor=actor), pk, Code.RESIDENTS_PARTNER_KEY_NOT_FOUND)


def partner_calls(*, actor: MaybeActor, limit: int = 50) -> list[PartnerCall]:
    """The latest calls to the partner API, served or refused (platform administrators only)."""
    require_role(actor, Role.ADMIN)
    return list(PartnerCall.objects.select_related("key").order_by("-at", "-id")[:limit])
