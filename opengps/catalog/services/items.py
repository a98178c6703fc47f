"""Single edits of a draft's entries: add, change, retire, reinstate, remove.

Items are edited by identity (their primary key), so a code or a parent can change; the tree is
renumbered after a structural change so parents always precede children (the Excel file and the
import rely on that order).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.permissions import require_role
from opengps.catalog.content import CatalogueContent, ItemRow, catalog_content, validate_content
from opengps.catalog.errors import Code
from opengps.catalog.events import Event
from opengps.catalog.models import CatalogItem, CatalogVersion, ItemKind
from opengps.catalog.services._common import EDITOR_ROLES, _lock, _require_draft
from opengps.core import audit
from opengps.core.errors import Conflict, ServiceError


def _renumber(version: CatalogVersion, *, last: CatalogItem | None = None) -> None:
    """Positions 1…n in tree order (each parent, then its children); `last` goes after its siblings."""
    items = list(version.items.only("pk", "parent_id", "position", "code").order_by("position", "code"))
    children: dict[int | None, list[CatalogItem]] = {}
    for item in items:
        if last is not None and item.pk == last.pk:
            item.position = 10**9
        children.setdefault(item.parent_id, []).append(item)
    ordered: list[CatalogItem] = []

    def walk(parent_id: int | None) -> None:
        for child in sorted(children.get(parent_id, ()), key=lambda i: (i.position, i.code)):
            ordered.append(child)
            walk(child.pk)

    walk(None)
    changed = []
    for position, item in enumerate(ordered, 1):
        if item.position != position:
            item.position = position
            changed.append(item)
    CatalogItem.objects.bulk_update(changed, ["position"], batch_size=500)


def _check_valid(version: CatalogVersion, *, field: str) -> None:
    errors = validate_content(catalog_content(version))
    if errors:
        raise ServiceError(Code.CATALOG_ITEM_INVALID, errors[0], field=field, params={"errors": errors[:20]})


def _parent_for(version: CatalogVersion, parent_code: str, level: int) -> CatalogItem | None:
    """The parent an entry of `level` may hang under: none for level 1, else an item one level up."""
    parent_code = parent_code.strip()
    if level == 1:
        if parent_code:
            raise ServiceError(Code.CATALOG_ITEM_PARENT_INVALID, _("一级事项不能有上级"), field="parent_code")
        return None
    parent = version.items.filter(code=parent_code, level=level - 1, kind=ItemKind.ITEM).first()
    if parent is None:
        raise ServiceError(
            Code.CATALOG_ITEM_PARENT_INVALID,
            _("上级编码“%(parent)s”不是本版本的%(level)s级目录事项")
            % {"parent": parent_code or "—", "level": level - 1},
            field="parent_code",
            params={"parent": parent_code},
        )
    return parent


def _required_text(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise ServiceError(Code.CATALOG_FIELD_REQUIRED, field=field)
    return value


def catalog_item_create(
    *,
    actor: Actor,
    version: CatalogVersion,
    code: str,
    name: str,
    parent_code: str = "",
    negative: bool = False,
    description: str = "",
    citation: str = "",
    unit_of_service: str = "",
) -> CatalogItem:
    """Add an entry to a draft under `parent_code` (its level follows the parent's)."""
    require_role(actor, *EDITOR_ROLES)
    code, name = _required_text(code, "code"), _required_text(name, "name")
    with transaction.atomic():
        version = _lock(version)
        _require_draft(version)
        if version.items.filter(code=code).exists():
            raise Conflict(
                Code.CATALOG_ITEM_CODE_TAKEN,
                _("编码“%(code)s”在本版本中已被使用") % {"code": code},
                field="code",
                params={"code": code},
            )
        parent = version.items.filter(code=parent_code.strip()).first() if parent_code.strip() else None
        if parent_code.strip() and parent is None:
            raise ServiceError(
                Code.CATALOG_ITEM_INVALID,
                _("上级编码“%(parent)s”在本版本中不存在") % {"parent": parent_code.strip()},
                field="parent_code",
                params={"parent": parent_code.strip()},
            )
        level = parent.level + 1 if parent else 1
        kind = ItemKind.NEGATIVE if negative else ItemKind.ITEM
        row = ItemRow(code, name, level, parent_code.strip(), kind, description, citation, unit_of_service)
        errors = validate_content(CatalogueContent((*catalog_content(version).items, row), ()))
        if errors:
            raise ServiceError(
                Code.CATALOG_ITEM_INVALID, errors[0], field="parent_code" if parent_code else "code"
            )
        item = CatalogItem.objects.create(
            version=version,
            code=code,
            name=name,
            level=level,
            kind=kind,
            parent=parent,
            description=description.strip(),
            citation=citation.strip(),
            unit_of_service=unit_of_service.strip(),
            position=10**9,
        )
        _renumber(version)
        audit.record(
            actor=actor,
            action=Event.CATALOG_ITEM_ADDED,
            obj=item,
            new={
                "code": code,
                "name": name,
                "level": level,
                "kind": kind,
                "parent": parent.code if parent else "",
                "unit_of_service": item.unit_of_service,
            },
        )
    return item


def _item_state(item: CatalogItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "parent": item.parent.code if item.parent else "",
        "kind": item.kind,
        "description": item.description,
        "citation": item.citation,
        "unit_of_service": item.unit_of_service,
    }


def catalog_item_update(
    *,
    actor: Actor,
    item: CatalogItem,
    code: str | None = None,
    name: str | None = None,
    parent_code: str | None = None,
    negative: bool | None = None,
    description: str | None = None,
    citation: str | None = None,
    unit_of_service: str | None = None,
) -> CatalogItem:
    """Change an entry of a draft; arguments left as None keep their value. The level never changes.

    A second-level category can be renamed, recoded or moved to the other first-level branch
    (its items follow it); a third-level item can also be moved to another category or flagged
    as a negative-list service (政府购买服务管理办法 第十条), once it has no reference prices.
    """
    require_role(actor, *EDITOR_ROLES)
    with transaction.atomic():
        version = _lock(item.version)
        _require_draft(version)
        item = CatalogItem.objects.select_for_update(of=("self",)).select_related("parent").get(pk=item.pk)
        before = _item_state(item)
        new_code = _required_text(code, "code") if code is not None else item.code
        new_name = _required_text(name, "name") if name is not None else item.name
        if new_code != item.code and version.items.filter(code=new_code).exists():
            raise Conflict(
                Code.CATALOG_ITEM_CODE_TAKEN,
                _("编码“%(code)s”在本版本中已被使用") % {"code": new_code},
                field="code",
                params={"code": new_code},
            )
        parent = item.parent
        if parent_code is not None and parent_code.strip() != before["parent"]:
            parent = _parent_for(version, parent_code, item.level)
        kind = item.kind
        if negative is not None:
            kind = ItemKind.NEGATIVE if negative else ItemKind.ITEM
        if kind != item.kind:
            if item.level == 2:
                raise ServiceError(Code.CATALOG_ITEM_NEGATIVE_LEVEL, field="negative")
            if item.children.exists():
                raise Conflict(
                    Code.CATALOG_ITEM_HAS_CHILDREN, _("有下级事项的条目不能列入负面清单"), field="negative"
                )
            if kind == ItemKind.NEGATIVE and item.prices.exists():
                raise Conflict(Code.CATALOG_ITEM_HAS_PRICES, field="negative", params={"item": item.name})
        item.code, item.name, item.parent, item.kind = new_code, new_name, parent, kind
        if description is not None:
            item.description = description.strip()
        if citation is not None:
            item.citation = citation.strip()
        if unit_of_service is not None:
            item.unit_of_service = unit_of_service.strip()
        if kind == ItemKind.NEGATIVE and item.retired:
            item.retired = False  # a negative-list entry is never purchasable anyway
        after = _item_state(item)
        old, new = audit.diff(before, after)
        if not new:
            return item
        item.save(
            update_fields=[
                "code",
                "name",
                "parent",
                "kind",
                "description",
                "citation",
                "unit_of_service",
                "retired",
            ]
        )
        if "parent" in new:
            _renumber(version, last=item)
        _check_valid(version, field="code")
        audit.record(actor=actor, action=Event.CATALOG_ITEM_CHANGED, obj=item, old=old, new=new)
    return item


def catalog_item_save(
    *,
    actor: Actor,
    version: CatalogVersion,
    code: str,
    name: str,
    parent_code: str = "",
    kind: str = ItemKind.ITEM,
    description: str = "",
    citation: str = "",
    unit_of_service: str = "",
) -> CatalogItem:
    """Add an entry to a draft, or change the name/description of an existing code (API upsert)."""
    require_role(actor, *EDITOR_ROLES)
    if kind not in ItemKind.values:
        raise ServiceError(Code.CATALOG_ITEM_INVALID, field="kind", params={"code": code})
    existing = version.items.filter(code=code.strip()).first()
    if existing is not None:
        return catalog_item_update(
            actor=actor,
            item=existing,
            name=name,
            description=description,
            citation=citation,
            unit_of_service=unit_of_service or None,
        )
    return catalog_item_create(
        actor=actor,
        version=version,
        code=code,
        name=name,
        parent_code=parent_code,
        negative=kind == ItemKind.NEGATIVE,
        description=description,
        citation=citation,
        unit_of_service=unit_of_service,
    )


def _retired_set(*, actor: Actor, item: CatalogItem, retired: bool, action: str, reason: str) -> CatalogItem:
    """Retire or reinstate a draft's entry; nothing is written when it already is so."""
    with transaction.atomic():
        _require_draft(_lock(item.version))
        item = CatalogItem.objects.select_for_update().get(pk=item.pk)
        if retired and (item.level != 3 or item.kind != ItemKind.ITEM):
            raise ServiceError(Code.CATALOG_RETIRE_LEVEL, field="code")
        if item.retired == retired:
            return item
        item.retired = retired
        item.save(update_fields=["retired"])
        audit.record(
            actor=actor,
            action=action,
            obj=item,
            old={"retired": not retired},
            new={"retired": retired},
            reason=reason,
        )
    return item


def catalog_item_retire(*, actor: Actor, item: CatalogItem, reason: str) -> CatalogItem:
    """停用: a third-level item stays in the draft (its code is kept) but can no longer be chosen."""
    require_role(actor, *EDITOR_ROLES)
    reason = reason.strip()
    if not reason:
        raise ServiceError(Code.CATALOG_REASON_REQUIRED, field="reason")
    return _retired_set(
        actor=actor, item=item, retired=True, action=Event.CATALOG_ITEM_RETIRED, reason=reason
    )


def catalog_item_reinstate(*, actor: Actor, item: CatalogItem, reason: str = "") -> CatalogItem:
    """Undo a retirement while the version is still a draft."""
    require_role(actor, *EDITOR_ROLES)
    return _retired_set(
        actor=actor, item=item, retired=False, action=Event.CATALOG_ITEM_REINSTATED, reason=reason.strip()
    )


def catalog_item_remove(*, actor: Actor, item: CatalogItem) -> None:
    """Delete an entry added by mistake (a draft only); to stop an item being bought, retire it."""
    require_role(actor, *EDITOR_ROLES)
    with transaction.atomic():
        _require_draft(_lock(item.version))
        if item.children.exists():
            raise Conflict(Code.CATALOG_ITEM_HAS_CHILDREN, field="code")
        audit.record(
            actor=actor,
            action=Event.CATALOG_ITEM_REMOVED,
            obj=item,
            old={"code": item.code, "name": item.name},
        )
        item.delete()
