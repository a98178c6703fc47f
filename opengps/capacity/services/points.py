"""Service points (社工室) of a station in the villages and communities where the county sets them
up: opened while the station is open, one open point per village, closed for good on a day."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.capacity.errors import Code
from opengps.capacity.events import Event
from opengps.capacity.models import ServicePoint, Station
from opengps.capacity.services._common import refusal, require_manager, text
from opengps.core import audit, clock
from opengps.core.errors import Conflict, ServiceError
from opengps.rules import capacity_growth as rules
from opengps.rules.base import RuleError


def point_open(
    *,
    actor: Actor,
    station: Station,
    village_code: str,
    village_name: str,
    opened_on: date,
    address: str = "",
    opening_hours: str = "",
    phone: str = "",
    contact: str = "",
) -> ServicePoint:
    """Set up a service point of `station` in the village or community `village_code` (12 digits
    under the station's township) from `opened_on`, while the station is open; one open point per
    village. Read under the station's lock, so a closing of the station cannot slip in."""
    require_manager(actor, station.township.county_id)
    code = (village_code or "").strip()
    try:
        rules.check_point_village(code, station.township_id)
    except RuleError as exc:
        raise refusal(exc, field="village_code") from None
    name = text(village_name, field="village_name", required=Code.CAPACITY_NAME_REQUIRED, limit=60)
    with transaction.atomic():
        item = Station.objects.select_for_update().get(pk=station.pk)
        try:
            rules.check_point_in_station(
                opened_on, station_opened_on=item.opened_on, station_closed_on=item.closed_on
            )
        except RuleError as exc:
            raise refusal(exc, field="opened_on") from None
        if ServicePoint.objects.filter(village_code=code, closed_on__isnull=True).exists():
            raise Conflict(Code.CAPACITY_POINT_EXISTS, field="village_code")
        point = ServicePoint.objects.create(
            station=item,
            village_code=code,
            village_name=name,
            address=text(address, field="address"),
            opening_hours=text(opening_hours, field="opening_hours", limit=120),
            phone=text(phone, field="phone", limit=30),
            contact=text(contact, field="contact", limit=60),
            opened_on=opened_on,
            created_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action=Event.CAPACITY_POINT_OPENED,
            obj=point,
            new={
                "station": item.pk,
                "village_code": code,
                "village_name": name,
                "opened_on": opened_on,
                "address": point.address,
                "opening_hours": point.opening_hours,
                "phone": point.phone,
            },
        )
    return point


def point_close(*, actor: Actor, point: ServicePoint, closed_on: date, reason: str = "") -> ServicePoint:
    """Close an open service point on `closed_on` (on or after its opening); the reason is audited."""
    require_manager(actor, point.station.township.county_id)
    with transaction.atomic():
        item = ServicePoint.objects.select_for_update().get(pk=point.pk)
        if item.closed_on is not None:
            raise Conflict(Code.CAPACITY_POINT_CLOSED, field="closed_on")
        if closed_on < item.opened_on:
            raise ServiceError(Code.CAPACITY_CLOSED_BEFORE_OPENING, field="closed_on")
        item.closed_on = closed_on
        item.save(update_fields=["closed_on"])
        audit.record(
            actor=actor,
            action=Event.CAPACITY_POINT_CLOSED,
            obj=item,
            old={"closed_on": None},
            new={"closed_on": closed_on},
            reason=text(reason, field="reason", limit=500),
        )
    return item
