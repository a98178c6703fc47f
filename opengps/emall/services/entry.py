"""Supplier entry (入驻): a social organization applies for catalogue items; the operator decides.

Eligibility is the registry's (`registry.selectors.organization_eligibility`): not on a credit
blacklist, registration normal, no major illegal record; where the e-mall sets a lowest rating for
an item (`ItemRequirement`), the rating in force must reach it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.catalog.models import CatalogItem
from opengps.catalog.selectors import current_version
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.emall.errors import Code
from opengps.emall.events import Event
from opengps.emall.models import EntryStatus, ItemRequirement, SupplierEntry
from opengps.emall.services._common import (
    SHORT_TEXT,
    operator_reinstate,
    operator_set_status,
    reasons_json,
    require_operator,
    set_status,
    text,
)
from opengps.registry.models import Organization
from opengps.registry.selectors import organization_eligibility
from opengps.rules.base import Reason


def supplier_organization(actor: Actor) -> Organization:
    """The signed-in supplier's organization (403 for anyone else)."""
    require_role(actor, Role.SUPPLIER)
    if actor.organization is None:
        raise PermissionDenied(Code.EMALL_NOT_ENTERED)
    return actor.organization


def eligibility_blocks(organization: Organization) -> tuple[list[Reason], list[Reason]]:
    """What the registry's rules decide today: (blocking reasons, all reasons)."""
    result = organization_eligibility(organization, clock.today())
    reasons = list(result.reasons)
    return [r for r in reasons if r.severity == "block"], reasons


def require_eligible(organization: Organization, code: Code, *, field: str | None = None) -> list[Reason]:
    """Refuse with `code` (and the rules' reasons and citations) unless the organization may supply."""
    blocks, reasons = eligibility_blocks(organization)
    if blocks:
        raise ServiceError(
            code,
            field=field,
            params={
                "reasons": "；".join(r.message_zh for r in blocks),
                "codes": [r.code for r in blocks],
                "citation": "；".join(dict.fromkeys(r.citation for r in blocks)),
            },
        )
    return reasons


def require_rating(organization: Organization, item: CatalogItem, *, field: str = "items") -> None:
    """Refuse unless the organization's rating in force reaches the item's e-mall requirement."""
    requirement = ItemRequirement.objects.filter(item_code=item.code).first()
    if requirement is None:
        return
    rating = organization_eligibility(organization, clock.today()).rating_in_force
    if rating is None or rating < requirement.min_rating:
        raise ServiceError(
            Code.EMALL_RATING_REQUIRED,
            field=field,
            params={"item": item.name, "min": requirement.min_rating, "rating": rating},
        )


def _current_items(items: Sequence[CatalogItem]) -> list[CatalogItem]:
    version = current_version()
    chosen = list(dict.fromkeys(items))
    if not chosen:
        raise ServiceError(Code.EMALL_ITEMS_REQUIRED, field="items")
    for item in chosen:
        if version is None or item.version_id != version.pk or not item.is_purchasable:
            raise ServiceError(Code.EMALL_ITEM_NOT_PURCHASABLE, field="items")
    return chosen


def entry_apply(
    *,
    actor: Actor,
    items: Sequence[CatalogItem],
    contact_person: str,
    contact_phone: str,
    statement: str = "",
) -> SupplierEntry:
    """Apply (or, after a refusal, apply again) to enter the e-mall for `items`."""
    organization = supplier_organization(actor)
    chosen = _current_items(items)
    person = text(contact_person, field="contact_person", code=Code.EMALL_CONTACT_REQUIRED, max_length=60)
    phone = text(contact_phone, field="contact_phone", code=Code.EMALL_CONTACT_REQUIRED, max_length=30)
    statement = text(statement, field="statement")
    reasons = require_eligible(organization, Code.EMALL_NOT_ELIGIBLE, field="items")
    for item in chosen:
        require_rating(organization, item)
    with transaction.atomic():
        entry = SupplierEntry.objects.select_for_update().filter(organization=organization).first()
        values = {
            "statement": statement,
            "contact_person": person,
            "contact_phone": phone,
            "eligibility": reasons_json(reasons),
            "applied_by": actor,
            "applied_at": clock.now(),
        }
        if entry is None:
            entry = SupplierEntry.objects.create(organization=organization, **values)
            audit.record(
                actor=actor,
                action=Event.EMALL_ENTRY_APPLIED,
                obj=entry,
                new={"status": entry.status, "items": [i.code for i in chosen]},
            )
        elif entry.status == EntryStatus.REFUSED:
            set_status(
                entry,
                EntryStatus.PENDING,
                actor=actor,
                action=Event.EMALL_ENTRY_APPLIED,
                values={**values, "decided_by": None, "decided_at": None, "decision_note": ""},
                extra={"items": [i.code for i in chosen]},
            )
        else:
            raise Conflict(Code.EMALL_ENTRY_EXISTS, field="items")
        entry.items.set(chosen)
    return entry


def entry_decide(*, actor: Actor, entry: SupplierEntry, approve: bool, note: str = "") -> SupplierEntry:
    """The operator approves (eligibility checked again today) or refuses (with a reason) an application."""
    require_operator(actor)
    note = text(note, field="note", code=None if approve else Code.EMALL_NOTE_REQUIRED)
    with transaction.atomic():
        entry = SupplierEntry.objects.select_for_update().select_related("organization").get(pk=entry.pk)
        if approve:
            reasons = require_eligible(entry.organization, Code.EMALL_NOT_ELIGIBLE, field="note")
            entry.eligibility = reasons_json(reasons)
        set_status(
            entry,
            EntryStatus.APPROVED if approve else EntryStatus.REFUSED,
            actor=actor,
            action=Event.EMALL_ENTRY_APPROVED if approve else Event.EMALL_ENTRY_REFUSED,
            reason=note,
            values={
                "decided_by": actor,
                "decided_at": clock.now(),
                "decision_note": note,
                "eligibility": entry.eligibility,
            },
        )
    return entry


def entry_suspend(*, actor: Actor, entry: SupplierEntry, reason: str) -> SupplierEntry:
    """Suspend an approved supplier: none of its listings can be bought until it is reinstated."""
    return operator_set_status(
        entry, EntryStatus.SUSPENDED, actor=actor, action=Event.EMALL_ENTRY_SUSPENDED, reason=reason
    )


def entry_reinstate(*, actor: Actor, entry: SupplierEntry, note: str = "") -> SupplierEntry:
    """Reinstate a suspended supplier, its eligibility checked again today."""
    return operator_reinstate(
        entry,
        EntryStatus.APPROVED,
        actor=actor,
        action=Event.EMALL_ENTRY_REINSTATED,
        note=note,
        lock=lambda e: SupplierEntry.objects.select_for_update().select_related("organization").get(pk=e.pk),
        check=lambda e: require_eligible(e.organization, Code.EMALL_NOT_ELIGIBLE, field="note"),
    )


def item_requirement_set(*, actor: Actor, item_code: str, min_rating: int, note: str = "") -> ItemRequirement:
    """Require a lowest rating of suppliers listing under a catalogue item (by its code)."""
    require_operator(actor)
    code = text(item_code, field="item_code", code=Code.EMALL_ITEM_NOT_PURCHASABLE, max_length=20)
    if isinstance(min_rating, bool) or not isinstance(min_rating, int) or not 1 <= min_rating <= 5:
        raise ServiceError(Code.EMALL_MIN_RATING_INVALID, field="min_rating")
    if not CatalogItem.objects.filter(code=code, level=3).exists():
        raise ServiceError(Code.EMALL_ITEM_NOT_PURCHASABLE, field="item_code")
    note = text(note, field="note", max_length=SHORT_TEXT)
    with transaction.atomic():
        requirement = ItemRequirement.objects.select_for_update().filter(item_code=code).first()
        old = None if requirement is None else requirement.min_rating
        if requirement is None:
            requirement = ItemRequirement.objects.create(item_code=code, min_rating=min_rating, note=note)
        else:
            requirement.min_rating, requirement.note = min_rating, note
            requirement.save(update_fields=["min_rating", "note", "updated_at"])
        audit.record(
            actor=actor,
            action=Event.EMALL_REQUIREMENT_SET,
            obj=requirement,
            old={"min_rating": old},
            new={"item_code": code, "min_rating": min_rating},
        )
    return requirement
