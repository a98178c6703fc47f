"""Reference prices of a draft's third-level items, per unit of measure and effective year.

Price events are recorded on their item, so an item's timeline shows its prices too, deleted
ones included.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.accounts.permissions import require_role
from opengps.catalog.content import FIRST_YEAR, yuan
from opengps.catalog.errors import Code
from opengps.catalog.events import Event
from opengps.catalog.models import CatalogItem, ItemKind, PriceEntry
from opengps.catalog.services._common import EDITOR_ROLES, _lock, _require_draft
from opengps.core import audit
from opengps.core.errors import Conflict, ServiceError

PRICE_CEILING = Decimal("1e10")  # ReferencePrice.price is a DecimalField(max_digits=12, decimal_places=2)


def _price_input(
    item: CatalogItem, unit_of_measure: str, price: Decimal | str, effective_year: int | None
) -> tuple[str, Decimal, int]:
    """Checked (unit, price, year) for a price of `item`: a third-level item, a positive yuan amount."""
    amount = yuan(price, field="price", ceiling=PRICE_CEILING)
    if amount <= 0:
        raise ServiceError(Code.CATALOG_PRICE_INVALID, field="price")
    if item.level != 3 or item.kind != ItemKind.ITEM:
        raise ServiceError(Code.CATALOG_PRICE_LEVEL, field="item")
    if item.retired:
        raise Conflict(Code.CATALOG_ITEM_RETIRED, field="item")
    unit_of_measure = unit_of_measure.strip()
    if not unit_of_measure:
        raise ServiceError(Code.CATALOG_UNIT_REQUIRED, field="unit_of_measure")
    year = effective_year or item.version.year
    if not FIRST_YEAR <= year <= item.version.year + 1:
        raise ServiceError(
            Code.CATALOG_PRICE_YEAR_INVALID,
            field="effective_year",
            params={"first": FIRST_YEAR, "last": item.version.year + 1},
        )
    return unit_of_measure, amount, year


def _price_state(entry: PriceEntry) -> dict[str, Any]:
    return {
        "unit_of_measure": entry.unit_of_measure,
        "price": entry.price,
        "effective_year": entry.effective_year,
        "note": entry.note,
    }


def catalog_price_set(
    *,
    actor: Actor,
    item: CatalogItem,
    unit_of_measure: str,
    price: Decimal | str,
    note: str = "",
    effective_year: int | None = None,
) -> PriceEntry:
    """Set the reference price of a level-3 item per unit of measure and effective year (create or change).

    The effective year defaults to the version's year.
    """
    require_role(actor, *EDITOR_ROLES)
    unit_of_measure, amount, year = _price_input(item, unit_of_measure, price, effective_year)
    note = note.strip()
    with transaction.atomic():
        _require_draft(_lock(item.version))
        entry = PriceEntry.objects.filter(
            item=item, unit_of_measure=unit_of_measure, effective_year=year
        ).first()
        old = _price_state(entry) if entry else {}
        if entry is None:
            entry = PriceEntry.objects.create(
                item=item, unit_of_measure=unit_of_measure, price=amount, effective_year=year, note=note
            )
        elif entry.price == amount and entry.note == note:
            return entry
        else:
            entry.price, entry.note = amount, note
            entry.save(update_fields=["price", "note"])
        audit.record(
            actor=actor,
            action=Event.CATALOG_PRICE_SET,
            obj=item,
            old=old,
            new={"price_id": entry.pk, **_price_state(entry)},
        )
    return entry


def catalog_price_update(
    *,
    actor: Actor,
    entry: PriceEntry,
    unit_of_measure: str,
    price: Decimal | str,
    effective_year: int,
    note: str = "",
) -> PriceEntry:
    """Correct one reference price: amount, unit of measure, effective year or note."""
    require_role(actor, *EDITOR_ROLES)
    item = entry.item
    unit_of_measure, amount, year = _price_input(item, unit_of_measure, price, effective_year)
    with transaction.atomic():
        _require_draft(_lock(item.version))
        entry = PriceEntry.objects.select_for_update().get(pk=entry.pk)
        before = _price_state(entry)
        clash = (
            PriceEntry.objects.filter(item=item, unit_of_measure=unit_of_measure, effective_year=year)
            .exclude(pk=entry.pk)
            .exists()
        )
        if clash:
            raise Conflict(
                Code.CATALOG_PRICE_DUPLICATE,
                field="unit_of_measure",
                params={"year": year, "unit": unit_of_measure},
            )
        entry.unit_of_measure, entry.price, entry.effective_year, entry.note = (
            unit_of_measure,
            amount,
            year,
            note.strip(),
        )
        old, new = audit.diff(before, _price_state(entry))
        if not new:
            return entry
        entry.save(update_fields=["unit_of_measure", "price", "effective_year", "note"])
        audit.record(
            actor=actor,
            action=Event.CATALOG_PRICE_CHANGED,
            obj=item,
            old=old,
            new={"price_id": entry.pk, **new},
        )
    return entry


def catalog_price_remove(*, actor: Actor, entry: PriceEntry) -> None:
    require_role(actor, *EDITOR_ROLES)
    with transaction.atomic():
        _require_draft(_lock(entry.item.version))
        audit.record(
            actor=actor,
            action=Event.CATALOG_PRICE_REMOVED,
            obj=entry.item,
            old={"price_id": entry.pk, **_price_state(entry)},
        )
        entry.delete()
