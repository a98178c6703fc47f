"""Growing new organizations: incubation bases with their yearly subsidies, incubatees and yearly
assessments (with the outcome of their graduates), and community social organizations filed with
the township or street, later registered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region
from opengps.capacity import selectors
from opengps.capacity.errors import Code
from opengps.capacity.events import Event
from opengps.capacity.models import (
    BaseAssessment,
    BaseLevel,
    CommunityFiling,
    FilingKind,
    Incubatee,
    IncubationBase,
    Subsidy,
    Township,
)
from opengps.capacity.services._common import refusal, require_manager, text
from opengps.core import audit, clock
from opengps.core.errors import Conflict, ServiceError
from opengps.core.money import CEILING, FEN
from opengps.registry.models import Organization, OrgStatus
from opengps.rules import capacity as rules
from opengps.rules.base import RuleError


def base_create(
    *,
    actor: Actor,
    name: str,
    level: str,
    region: Region,
    operator: Organization,
    opened_on: date,
    services: str = "",
) -> IncubationBase:
    """Register an incubation base of `region`, run by `operator` (省市县三级, seed 003 三之（一）)."""
    require_manager(actor, region.code)
    name = text(name, field="name", required=Code.CAPACITY_NAME_REQUIRED, limit=120)
    if level not in BaseLevel.values:
        raise ServiceError(Code.CAPACITY_LEVEL_INVALID, field="level")
    if operator.status != OrgStatus.NORMAL:
        raise ServiceError(Code.CAPACITY_OPERATOR_NOT_ACTIVE, field="operator")
    with transaction.atomic():
        base = IncubationBase.objects.create(
            name=name,
            level=level,
            region=region,
            operator=operator,
            opened_on=opened_on,
            services=text(services, field="services", limit=2000),
            created_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_BASE_CREATED,
            obj=base,
            new={
                "name": name,
                "level": level,
                "region": region.code,
                "operator": operator.uscc,
                "opened_on": opened_on,
            },
        )
    return base


def _amount(value: Decimal | str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ServiceError(Code.CAPACITY_SUBSIDY_INVALID, field="amount") from None
    if not amount.is_finite() or amount <= 0 or amount >= CEILING or amount != amount.quantize(FEN):
        raise ServiceError(Code.CAPACITY_SUBSIDY_INVALID, field="amount")
    return amount.quantize(FEN)


def subsidy_allocate(
    *, actor: Actor, base: IncubationBase, year: int, amount: Decimal | str, purpose: str = ""
) -> Subsidy:
    """The year's allocation to `base` from the provincial subsidy fund (one per base and year)."""
    require_manager(actor, base.region_id)
    value = _amount(amount)
    with transaction.atomic():
        if Subsidy.objects.filter(base=base, year=year).exists():
            raise Conflict(Code.CAPACITY_SUBSIDY_EXISTS, field="year")
        subsidy = Subsidy.objects.create(
            base=base, year=year, amount=value, purpose=text(purpose, field="purpose")
        )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_SUBSIDY_ALLOCATED,
            obj=base,
            new={"year": year, "amount": value, "purpose": subsidy.purpose},
        )
    return subsidy


def incubatee_enter(
    *,
    actor: Actor,
    base: IncubationBase,
    entered_on: date,
    organization: Organization | None = None,
    group_name: str = "",
) -> Incubatee:
    """A registered organization, or a group not yet registered (by its name), enters `base`."""
    require_manager(actor, base.region_id)
    group = text(group_name, field="group_name", limit=120)
    if organization is None and not group:
        raise ServiceError(Code.CAPACITY_INCUBATEE_UNNAMED, field="group_name")
    with transaction.atomic():
        item = Incubatee.objects.create(
            base=base, organization=organization, group_name=group, entered_on=entered_on
        )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_INCUBATEE_ENTERED,
            obj=item,
            new={
                "base": base.pk,
                "organization": organization.uscc if organization else None,
                "group_name": group,
                "entered_on": entered_on,
            },
        )
    return item


def incubatee_graduate(
    *, actor: Actor, incubatee: Incubatee, graduated_on: date, organization: Organization | None = None
) -> Incubatee:
    """The incubatee graduates (出壳) on `graduated_on`; a group that registered meanwhile is linked
    to its `organization` now."""
    require_manager(actor, incubatee.base.region_id)
    try:
        rules.check_graduation(incubatee.entered_on, graduated_on)
    except RuleError as exc:
        raise refusal(exc, field="graduated_on") from None
    with transaction.atomic():
        item = Incubatee.objects.select_for_update().get(pk=incubatee.pk)
        if item.graduated_on is not None:
            raise Conflict(Code.CAPACITY_GRADUATED, field="graduated_on")
        before = {"graduated_on": None, "organization": item.organization.uscc if item.organization else None}
        item.graduated_on = graduated_on
        item.organization = organization or item.organization
        item.save(update_fields=["graduated_on", "organization"])
        old, new = audit.diff(
            before,
            {
                "graduated_on": graduated_on,
                "organization": item.organization.uscc if item.organization else None,
            },
        )
        audit.record(actor=actor, action=Event.CAPACITY_INCUBATEE_GRADUATED, obj=item, old=old, new=new)
    return item


def filing_create(
    *,
    actor: Actor,
    township: Township,
    name: str,
    kind: str,
    responsible_person: str,
    filed_on: date,
    community: str = "",
    activity_area: str = "",
) -> CommunityFiling:
    """File a community social organization (备案) with its township or street, in one of the five
    kinds of 湘民发〔2022〕42号; one name per township."""
    require_manager(actor, township.county_id)
    name = text(name, field="name", required=Code.CAPACITY_NAME_REQUIRED, limit=120)
    if kind not in FilingKind.values:
        raise ServiceError(Code.CAPACITY_KIND_INVALID, field="kind")
    person = text(
        responsible_person, field="responsible_person", required=Code.CAPACITY_PERSON_REQUIRED, limit=60
    )
    with transaction.atomic():
        if CommunityFiling.objects.filter(township=township, name=name).exists():
            raise Conflict(Code.CAPACITY_FILING_EXISTS, field="name")
        filing = CommunityFiling.objects.create(
            name=name,
            kind=kind,
            township=township,
            community=text(community, field="community", limit=60),
            responsible_person=person,
            activity_area=text(activity_area, field="activity_area"),
            filed_on=filed_on,
            filed_by=actor,
        )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_FILING_CREATED,
            obj=filing,
            new={"name": name, "kind": kind, "township": township.code, "filed_on": filed_on},
        )
    return filing


def filing_register(*, actor: Actor, filing: CommunityFiling, organization: Organization) -> CommunityFiling:
    """The filed organization has registered: link the filing to `organization` in the registry, as
    of its registration day (never before the filing)."""
    require_manager(actor, filing.township.county_id)
    try:
        rules.check_registration(filing.filed_on, organization.founded_on)
    except RuleError as exc:
        raise refusal(exc, field="organization") from None
    with transaction.atomic():
        item = CommunityFiling.objects.select_for_update().get(pk=filing.pk)
        if (
            item.organization_id is not None
            or CommunityFiling.objects.filter(organization=organization).exists()
        ):
            raise Conflict(Code.CAPACITY_FILING_REGISTERED, field="organization")
        item.organization = organization
        item.registered_on = organization.founded_on
        item.save(update_fields=["organization", "registered_on"])
        audit.record(
            actor=actor,
            action=Event.CAPACITY_FILING_REGISTERED,
            obj=item,
            old={"organization": None},
            new={"organization": organization.uscc, "registered_on": organization.founded_on},
        )
    return item


IndicatorInput = tuple[str, Decimal | str, Decimal | str]
"""An indicator as given: its name, full marks and score."""


def _indicators(items: Sequence[IndicatorInput]) -> list[rules.Indicator]:
    try:
        return [
            rules.Indicator((name or "").strip()[:60], Decimal(str(full)), Decimal(str(score)))
            for name, full, score in items
        ]
    except InvalidOperation:
        raise ServiceError(Code.CAPACITY_ASSESSMENT_INVALID, field="indicators") from None


def base_assess(
    *, actor: Actor, base: IncubationBase, year: int, indicators: Sequence[IndicatorInput], notes: str = ""
) -> BaseAssessment:
    """The base's assessment of `year` (once a year, for a year that has begun): the indicators'
    total and grade (`opengps.rules.capacity.assessment_total` / `assessment_grade`), and its
    incubation outcome as of the year's end (or today, for the year under way) — graduates that
    registered and that won a purchase after graduating — kept as assessed."""
    require_manager(actor, base.region_id)
    today = clock.today()
    if not (base.opened_on.year <= year <= today.year):
        raise ServiceError(Code.CAPACITY_YEAR_INVALID, field="year")
    items = _indicators(indicators)
    try:
        total = rules.assessment_total(items)
    except RuleError as exc:
        raise refusal(exc, field="indicators") from None
    grade = rules.assessment_grade(total)
    outcomes = selectors.base_outcomes(base, until=min(date(year, 12, 31), today))
    with transaction.atomic():
        IncubationBase.objects.select_for_update().get(pk=base.pk)
        if BaseAssessment.objects.filter(base=base, year=year).exists():
            raise Conflict(Code.CAPACITY_ASSESSMENT_EXISTS, field="year")
        assessment = BaseAssessment.objects.create(
            base=base,
            year=year,
            indicators=[
                {"name": i.name, "full_marks": str(i.full_marks), "score": str(i.score)} for i in items
            ],
            total=total,
            grade=grade,
            incubatees=outcomes.incubatees,
            graduates=outcomes.graduates,
            registered=outcomes.registered,
            won_purchase=outcomes.won_purchase,
            notes=text(notes, field="notes", limit=2000),
            assessed_on=today,
            assessed_by=actor,
        )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_BASE_ASSESSED,
            obj=base,
            new={
                "year": year,
                "total": total,
                "grade": grade,
                "graduates": outcomes.graduates,
                "registered": outcomes.registered,
                "won_purchase": outcomes.won_purchase,
            },
        )
    return assessment
