"""Townships, their social-work stations (open, suspend, resume, close) and the stations' monthly
service logs, each write in one transaction with its audit event."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region, Role
from opengps.accounts.permissions import has_role
from opengps.capacity.errors import Code
from opengps.capacity.events import Event
from opengps.capacity.models import (
    Posting,
    ServiceLog,
    ServicePoint,
    Station,
    StationStatus,
    Township,
    TownshipKind,
)
from opengps.capacity.services._common import manages, refusal, require_manager, station_status_set, text
from opengps.contracts.models import Contract
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.money import CEILING, FEN
from opengps.grants.models import Agreement
from opengps.registry.models import Organization, OrgStatus
from opengps.rules import capacity as rules
from opengps.rules.base import RuleError


def township_create(*, actor: Actor, code: str, name: str, kind: str, county: Region) -> Township:
    """Enter a township or street of `county` by its 9-digit statistical division code."""
    require_manager(actor, county.code)
    if county.level != Region.Level.COUNTY:
        raise ServiceError(Code.CAPACITY_COUNTY_INVALID, field="county")
    code = (code or "").strip()
    if not re.fullmatch(r"[0-9]{9}", code) or not code.startswith(county.code):
        raise ServiceError(Code.CAPACITY_TOWNSHIP_CODE_INVALID, field="code")
    if kind not in TownshipKind.values:
        raise ServiceError(Code.CAPACITY_KIND_INVALID, field="kind")
    name = text(name, field="name", required=Code.CAPACITY_NAME_REQUIRED, limit=60)
    with transaction.atomic():
        if Township.objects.filter(code=code).exists():
            raise Conflict(Code.CAPACITY_TOWNSHIP_EXISTS, field="code")
        township = Township.objects.create(code=code, name=name, kind=kind, county=county)
        audit.record(
            actor=actor,
            action=Event.CAPACITY_TOWNSHIP_CREATED,
            obj=township,
            new={"code": code, "name": name, "kind": kind, "county": county.code},
        )
    return township


def _check_funding(operator: Organization, contract: Contract | None, grant: Agreement | None) -> None:
    if contract is not None and grant is not None:
        raise ServiceError(Code.CAPACITY_FUNDING_TWICE, field="contract")
    if contract is not None and contract.supplier_id != operator.pk:
        raise ServiceError(Code.CAPACITY_FUNDING_OTHER_OPERATOR, field="contract")
    if grant is not None and grant.application.organization_id != operator.pk:
        raise ServiceError(Code.CAPACITY_FUNDING_OTHER_OPERATOR, field="grant")


def _annual_amount(
    value: Decimal | str | None, contract: Contract | None, grant: Agreement | None
) -> Decimal | None:
    """The yearly amount paid for the station: positive yuan to the fen, and only with its funding."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ServiceError(Code.CAPACITY_AMOUNT_INVALID, field="annual_amount") from None
    if not amount.is_finite() or amount <= 0 or amount >= CEILING or amount != amount.quantize(FEN):
        raise ServiceError(Code.CAPACITY_AMOUNT_INVALID, field="annual_amount")
    if contract is None and grant is None:
        raise ServiceError(Code.CAPACITY_AMOUNT_WITHOUT_FUNDING, field="annual_amount")
    return amount.quantize(FEN)


def station_open(
    *,
    actor: Actor,
    township: Township,
    name: str,
    operator: Organization,
    opened_on: date,
    contract: Contract | None = None,
    grant: Agreement | None = None,
    annual_amount: Decimal | str | None = None,
    address: str = "",
    opening_hours: str = "",
    phone: str = "",
) -> Station:
    """Register the social-work station of `township`, run by `operator` from `opened_on` and paid by
    `contract` (post purchase or outsourcing) or `grant`, whose supplier or grantee must be the
    operator, `annual_amount` yuan a year (stated only with its funding). One station per township
    at a time: a new one only after the last was closed."""
    require_manager(actor, township.county_id)
    name = text(name, field="name", required=Code.CAPACITY_NAME_REQUIRED, limit=120)
    if operator.status != OrgStatus.NORMAL:
        raise ServiceError(Code.CAPACITY_OPERATOR_NOT_ACTIVE, field="operator")
    _check_funding(operator, contract, grant)
    amount = _annual_amount(annual_amount, contract, grant)
    with transaction.atomic():
        Township.objects.select_for_update().get(pk=township.pk)
        if Station.objects.filter(township=township).exclude(status=StationStatus.CLOSED).exists():
            raise Conflict(Code.CAPACITY_STATION_EXISTS, field="township")
        station = Station.objects.create(
            name=name,
            township=township,
            operator=operator,
            contract=contract,
            grant=grant,
            annual_amount=amount,
            address=text(address, field="address"),
            opening_hours=text(opening_hours, field="opening_hours", limit=120),
            phone=text(phone, field="phone", limit=30),
            opened_on=opened_on,
            status=StationStatus.OPERATING,
            created_at=clock.now(),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_STATION_OPENED,
            obj=station,
            new={
                "township": township.code,
                "name": name,
                "operator": operator.uscc,
                "contract": contract.reference if contract else None,
                "grant": grant.number if grant else None,
                "annual_amount": amount,
                "opened_on": opened_on,
                "status": station.status,
            },
        )
    return station


def _locked(station: Station) -> Station:
    return Station.objects.select_for_update().select_related("township").get(pk=station.pk)


def station_suspend(*, actor: Actor, station: Station, reason: str) -> Station:
    """Suspend a station's service (it stops counting toward coverage); the reason is audited."""
    require_manager(actor, station.township.county_id)
    with transaction.atomic():
        item = _locked(station)
        station_status_set(
            item, StationStatus.SUSPENDED, actor=actor, action=Event.CAPACITY_STATION_SUSPENDED, reason=reason
        )
    return item


def station_resume(*, actor: Actor, station: Station, reason: str = "") -> Station:
    """Resume a suspended station's service."""
    require_manager(actor, station.township.county_id)
    with transaction.atomic():
        item = _locked(station)
        station_status_set(
            item, StationStatus.OPERATING, actor=actor, action=Event.CAPACITY_STATION_RESUMED, reason=reason
        )
    return item


def station_close(*, actor: Actor, station: Station, closed_on: date, reason: str) -> Station:
    """Close a station for good on `closed_on`. Postings still running then end that day (each
    audited); a posting that starts after it is refused first, as is a closing before the opening."""
    require_manager(actor, station.township.county_id)
    with transaction.atomic():
        item = _locked(station)
        if closed_on < item.opened_on:
            raise ServiceError(Code.CAPACITY_CLOSED_BEFORE_OPENING, field="closed_on")
        if item.postings.filter(starts_on__gt=closed_on).exists():
            raise ServiceError(Code.CAPACITY_POSTING_OUTSIDE_STATION, field="closed_on")
        if item.points.filter(opened_on__gt=closed_on).exists():
            raise ServiceError(Code.CAPACITY_POINT_OUTSIDE_STATION, field="closed_on")
        running = list(
            item.postings.select_for_update().filter(starts_on__lte=closed_on).exclude(ends_on__lte=closed_on)
        )
        changes: list[tuple[Posting, dict[str, Any], dict[str, Any]]] = []
        for posting in running:
            changes.append((posting, {"ends_on": posting.ends_on}, {"ends_on": closed_on}))
            posting.ends_on = closed_on
        Posting.objects.bulk_update(running, ["ends_on"])
        audit.record_many(actor=actor, action=Event.CAPACITY_POSTING_ENDED, changes=changes, reason=reason)
        _close_points(item, closed_on, actor=actor, reason=reason)
        station_status_set(
            item,
            StationStatus.CLOSED,
            actor=actor,
            action=Event.CAPACITY_STATION_CLOSED,
            reason=reason,
            values={"closed_on": closed_on},
        )
    return item


def _close_points(station: Station, closed_on: date, *, actor: Actor, reason: str) -> None:
    """The station's service points still open close with it, each audited."""
    points = list(station.points.select_for_update().filter(closed_on__isnull=True))
    for point in points:
        point.closed_on = closed_on
    ServicePoint.objects.bulk_update(points, ["closed_on"])
    audit.record_many(
        actor=actor,
        action=Event.CAPACITY_POINT_CLOSED,
        changes=[(point, {"closed_on": None}, {"closed_on": closed_on}) for point in points],
        reason=reason,
    )


def is_operator_member(actor: Actor, station: Station) -> bool:
    """A member of the organization that runs the station."""
    return has_role(actor, Role.SUPPLIER) and actor.organization_id == station.operator_id


def _counts(values: dict[str, int]) -> dict[str, int]:
    for field, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ServiceError(Code.CAPACITY_COUNT_INVALID, field=field)
    return values


def service_log_enter(
    *,
    actor: Actor,
    station: Station,
    month: date,
    elderly: int = 0,
    children: int = 0,
    assistance: int = 0,
    community: int = 0,
    other: int = 0,
    people_served: int = 0,
) -> ServiceLog:
    """The station's log of `month` (any day of it): services by domain (人次) and people served.
    Entered by the operator's members or the region's registration authority; entering a month
    again corrects it (old → new audited; nothing changes, nothing is recorded). A month before the
    station opened, after it closed, or not yet begun is refused (`opengps.rules.capacity`)."""
    if not (is_operator_member(actor, station) or manages(actor, station.township.county_id)):
        raise PermissionDenied(Code.CAPACITY_NOT_OPERATOR)
    counts = _counts(
        {
            "elderly": elderly,
            "children": children,
            "assistance": assistance,
            "community": community,
            "other": other,
            "people_served": people_served,
        }
    )
    with transaction.atomic():
        item = _locked(station)
        try:
            first_day = rules.check_log_month(
                month, opened_on=item.opened_on, closed_on=item.closed_on, today=clock.today()
            )
        except RuleError as exc:
            raise refusal(exc, field="month") from None
        log = ServiceLog.objects.select_for_update().filter(station=item, month=first_day).first()
        if log is None:
            log = ServiceLog.objects.create(
                station=item, month=first_day, entered_by=actor, entered_at=clock.now(), **counts
            )
            audit.record(
                actor=actor, action=Event.CAPACITY_LOG_ENTERED, obj=log, new={"month": first_day, **counts}
            )
            return log
        old, new = audit.diff({field: getattr(log, field) for field in counts}, counts)
        if not new:
            return log
        for field, value in new.items():
            setattr(log, field, value)
        log.entered_by, log.entered_at = actor, clock.now()
        log.save(update_fields=[*new, "entered_by", "entered_at"])
        audit.record(actor=actor, action=Event.CAPACITY_LOG_CORRECTED, obj=log, old=old, new=new)
    return log
