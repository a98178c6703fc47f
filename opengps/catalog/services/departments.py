"""Department catalogues: a unit's published subset of a published guidance catalogue."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role, Unit
from opengps.accounts.permissions import has_role, require_role, require_unit_member
from opengps.catalog.errors import Code
from opengps.catalog.events import Event
from opengps.catalog.models import CatalogVersion, DepartmentCatalogue, ItemKind, VersionStatus
from opengps.catalog.services._common import EDITOR_ROLES
from opengps.core import audit, clock
from opengps.core.errors import Conflict, NotFound


def department_catalogue_publish(
    *, actor: Actor, version: CatalogVersion, unit: Unit, item_codes: Sequence[str]
) -> DepartmentCatalogue:
    """Publish (or republish) a department's subset of a published guidance catalogue."""
    if not has_role(actor, *EDITOR_ROLES):
        require_role(actor, Role.PURCHASER)
        require_unit_member(actor, unit)
    if version.status == VersionStatus.DRAFT:
        raise Conflict(Code.CATALOG_VERSION_NOT_PUBLISHED)
    codes = sorted(set(item_codes))
    items = list(version.items.filter(code__in=codes, level=3, kind=ItemKind.ITEM, retired=False))
    missing = sorted(set(codes) - {item.code for item in items})
    if missing or not items:
        raise NotFound(
            Code.CATALOG_ITEM_UNKNOWN, field="item_codes", params={"codes": "、".join(missing) or "—"}
        )
    with transaction.atomic():
        catalogue, _created = DepartmentCatalogue.objects.select_for_update().get_or_create(
            version=version, unit=unit, defaults={"published_at": clock.now(), "published_by": actor}
        )
        before = sorted(catalogue.items.values_list("code", flat=True))
        if before == codes:
            return catalogue
        catalogue.items.set(items)
        catalogue.published_at, catalogue.published_by = clock.now(), actor
        catalogue.save(update_fields=["published_at", "published_by"])
        audit.record(
            actor=actor,
            action=Event.CATALOG_DEPARTMENT_PUBLISHED,
            obj=catalogue,
            old={"items": before},
            new={"items": codes, "unit": unit},
        )
    return catalogue
