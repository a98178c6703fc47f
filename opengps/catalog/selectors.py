"""Reads of the guidance catalogue: visible versions, the item tree with prices, department subsets."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from opengps.accounts.actors import MaybeActor, Viewer
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.catalog.errors import Code
from opengps.catalog.models import (
    CatalogItem,
    CatalogVersion,
    DepartmentCatalogue,
    ItemKind,
    PriceEntry,
    VersionStatus,
)
from opengps.catalog.services import EDITOR_ROLES
from opengps.core.errors import NotFound, one_or_not_found
from opengps.core.models import AuditEvent

DRAFT_READERS = (Role.FINANCE, Role.ADMIN, Role.AUDITOR)


def versions_visible(*, actor: MaybeActor) -> QuerySet[CatalogVersion]:
    """Published and superseded versions for everyone; drafts also for finance, admins and auditors."""
    versions = CatalogVersion.objects.all()
    if not has_role(actor, *DRAFT_READERS):
        versions = versions.exclude(status=VersionStatus.DRAFT)
    return versions.order_by("-year", "-revision")


def version_get(*, actor: Viewer, pk: int) -> CatalogVersion:
    return one_or_not_found(versions_visible(actor=actor), pk, Code.CATALOG_VERSION_NOT_FOUND)


def current_version(year: int | None = None) -> CatalogVersion | None:
    """The published version in force (of `year`, or the latest year)."""
    versions = CatalogVersion.objects.filter(status=VersionStatus.PUBLISHED)
    if year is not None:
        versions = versions.filter(year=year)
    return versions.order_by("-year", "-revision").first()


@dataclass
class Node:
    item: CatalogItem
    prices: list[PriceEntry]
    children: list[Node] = field(default_factory=list)


def version_tree(version: CatalogVersion) -> tuple[list[Node], list[CatalogItem]]:
    """The item tree (level 1 → 3, with prices) and the negative list, in two queries.

    Third-level services flagged as negative stay in the tree (marked) and are also listed.
    """
    items = list(
        version.items.prefetch_related(
            Prefetch("prices", queryset=PriceEntry.objects.order_by("unit_of_measure", "effective_year"))
        ).order_by("position", "code")
    )
    nodes = {
        item.pk: Node(item, list(item.prices.all()))
        for item in items
        if not (item.kind == ItemKind.NEGATIVE and item.level == 1)
    }
    roots: list[Node] = []
    for node in nodes.values():
        parent = nodes.get(node.item.parent_id) if node.item.parent_id else None
        (parent.children if parent else roots).append(node)
    negatives = [item for item in items if item.kind == ItemKind.NEGATIVE]
    return roots, negatives


def purchasable_items(version: CatalogVersion, query: str = "") -> QuerySet[CatalogItem]:
    items = version.items.filter(level=3, kind=ItemKind.ITEM, retired=False).select_related("parent__parent")
    if query:
        items = items.filter(name__icontains=query) | items.filter(code__istartswith=query)
    return items.order_by("position")


def department_catalogues(version: CatalogVersion) -> QuerySet[DepartmentCatalogue]:
    return (
        version.department_catalogues.select_related("unit").prefetch_related("items").order_by("unit__name")
    )


def item_get(*, actor: Viewer, version: CatalogVersion, pk: int) -> CatalogItem:
    """One entry of a version the actor can see, with its parent and prices."""
    item = (
        version.items.select_related("parent", "version")
        .prefetch_related(
            Prefetch("prices", queryset=PriceEntry.objects.order_by("unit_of_measure", "effective_year"))
        )
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise NotFound(Code.CATALOG_ITEM_NOT_FOUND)
    return item


def version_edited_by(*, actor: Viewer, pk: int) -> CatalogVersion:
    """A version as the catalogue's editors (finance, administrators) act on it, whatever its status
    (the services refuse to change a published one); NotFound for everyone else, so an edit posted
    by anyone outside finance finds nothing to change."""
    version = CatalogVersion.objects.filter(pk=pk).first() if has_role(actor, *EDITOR_ROLES) else None
    if version is None:
        raise NotFound(Code.CATALOG_VERSION_NOT_FOUND)
    return version


def item_edited_by(*, actor: Viewer, version_pk: int, pk: int) -> CatalogItem:
    """An entry of a version the actor edits (`version_edited_by`), with its version, parent and prices."""
    return item_get(actor=actor, version=version_edited_by(actor=actor, pk=version_pk), pk=pk)


def price_edited_by(*, actor: Viewer, item: CatalogItem, pk: int) -> PriceEntry:
    """A reference price of `item` (an entry from `item_edited_by`); NotFound for another item's price."""
    entry = PriceEntry.objects.select_related("item__version").filter(item=item, pk=pk).first()
    if entry is None or not has_role(actor, *EDITOR_ROLES):
        raise NotFound(Code.CATALOG_PRICE_NOT_FOUND)
    return entry


def item_by_code(*, version: CatalogVersion, code: str) -> CatalogItem:
    item = version.items.select_related("parent", "version").filter(code=code).first()
    if item is None:
        raise NotFound(Code.CATALOG_ITEM_NOT_FOUND, field="code")
    return item


def parent_choices(version: CatalogVersion, level: int) -> QuerySet[CatalogItem]:
    """Entries an item of `level` may hang under: items of the level above (none for level 1)."""
    if level <= 1:
        return version.items.none()
    return version.items.filter(level=level - 1, kind=ItemKind.ITEM).order_by("position", "code")


def item_history(item: CatalogItem) -> QuerySet[AuditEvent]:
    """The audit events of an entry, its prices included, oldest first (who changed what, old → new)."""
    return (
        AuditEvent.objects.filter(object_type="catalog.catalogitem", object_id=str(item.pk))
        .select_related("actor")
        .order_by("seq")
    )
