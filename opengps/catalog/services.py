"""Writes on the guidance catalogue: versions, items, negative list, prices, department catalogues.

Only the finance department (or an administrator) edits the guidance catalogue; a published
version is frozen — edits go into a new draft based on it. Every write is one transaction with
its audit event.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Role, Unit
from opengps.accounts.permissions import has_role, require_role, require_unit_member
from opengps.catalog.models import (
    CatalogItem,
    CatalogVersion,
    DepartmentCatalogue,
    ItemKind,
    PriceEntry,
    VersionStatus,
)
from opengps.core import audit, clock
from opengps.core.errors import Conflict, NotFound, ServiceError
from opengps.core.money import CEILING, parse_yuan
from opengps.rules.base import RuleError
from opengps.rules.workflow import check_transition

GUIDANCE_2022 = Path(__file__).with_name("data") / "guidance_2022.json"
EDITOR_ROLES = (Role.FINANCE, Role.ADMIN)
O102_10 = "政府购买服务管理办法（财政部令第102号）第十条"
CENT = Decimal("0.01")
PRICE_CEILING = Decimal("1e10")  # ReferencePrice.price is a DecimalField(max_digits=12, decimal_places=2)
FIRST_YEAR, LAST_YEAR = 2000, 2100


def yuan(value: Decimal | str | int, *, field: str = "amount", ceiling: Decimal = CEILING) -> Decimal:
    """An amount in yuan, exact to the cent (more decimals are refused, never rounded), below
    `ceiling`; ServiceError for anything else. Zero and negatives are the caller's to judge."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ServiceError("money.invalid", _("金额“%(value)s”无效") % {"value": value}) from None
    if amount.is_finite() and amount <= 0:
        return amount.quantize(CENT)
    return parse_yuan(amount, field=field, code="money.invalid", ceiling=ceiling)


@dataclass(frozen=True)
class ItemRow:
    """One catalogue entry as data (from JSON, Excel or the database), independent of storage."""

    code: str
    name: str
    level: int
    parent_code: str
    kind: str = ItemKind.ITEM
    description: str = ""
    citation: str = ""
    unit_of_service: str = ""
    retired: bool = False


@dataclass(frozen=True)
class PriceRow:
    item_code: str
    unit_of_measure: str
    price: Decimal
    note: str = ""
    effective_year: int = 0
    """The fiscal year the price applies from; 0 in a file means the version's own year."""


@dataclass(frozen=True)
class CatalogueContent:
    """Everything a version holds, in order; equal contents mean an unchanged catalogue."""

    items: tuple[ItemRow, ...]
    prices: tuple[PriceRow, ...]


def _transition(version: CatalogVersion, target: str) -> None:
    try:
        check_transition("catalog_version", version.status, target)
    except RuleError as exc:
        raise Conflict(
            exc.code,
            _("目录“%(version)s”当前状态（%(status)s）不能执行此操作")
            % {"version": version, "status": version.get_status_display()},
            field="status",
            params=exc.params,
        ) from None


def _require_draft(version: CatalogVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise Conflict(
            "catalog.version_published",
            _("目录“%(version)s”已发布，不能修改；请基于它新建草稿版本") % {"version": version},
            field="version",
        )


def _lock(version: CatalogVersion) -> CatalogVersion:
    return CatalogVersion.objects.select_for_update().get(pk=version.pk)


# --- content as data ----------------------------------------------------------------------------


def catalog_content(version: CatalogVersion) -> CatalogueContent:
    """The version's items and prices as plain rows (two queries)."""
    items = tuple(
        ItemRow(
            code=item.code,
            name=item.name,
            level=item.level,
            parent_code=item.parent.code if item.parent else "",
            kind=item.kind,
            description=item.description,
            citation=item.citation,
            unit_of_service=item.unit_of_service,
            retired=item.retired,
        )
        for item in version.items.select_related("parent").order_by("position", "code")
    )
    prices = tuple(
        PriceRow(p.item.code, p.unit_of_measure, p.price, p.note, p.effective_year)
        for p in PriceEntry.objects.filter(item__version=version)
        .select_related("item")
        .order_by("item__position", "item__code", "unit_of_measure", "effective_year")
    )
    return CatalogueContent(items, prices)


def _with_year(content: CatalogueContent, year: int) -> CatalogueContent:
    """Prices without an effective year (older files) apply from the version's year."""
    if all(p.effective_year for p in content.prices):
        return content
    return CatalogueContent(
        content.items,
        tuple(p if p.effective_year else replace(p, effective_year=year) for p in content.prices),
    )


def validate_content(content: CatalogueContent) -> list[str]:
    """Problems that make a catalogue unusable, each naming the code (empty list when fine)."""
    errors: list[str] = []
    levels: dict[str, int] = {}
    kinds: dict[str, str] = {}
    for row in content.items:
        if not row.code or not row.name:
            errors.append(str(_("编码和名称不能为空：%(code)s") % {"code": row.code or "?"}))
            continue
        if row.code in levels:
            errors.append(str(_("编码重复：%(code)s") % {"code": row.code}))
            continue
        if row.level not in (1, 2, 3):
            errors.append(str(_("层级应为1至3：%(code)s") % {"code": row.code}))
        elif row.kind not in ItemKind.values:
            errors.append(str(_("类别无效：%(code)s") % {"code": row.code}))
        elif row.kind == ItemKind.NEGATIVE and row.level == 2:
            errors.append(str(_("负面清单事项应为一级事项或三级事项：%(code)s") % {"code": row.code}))
        elif row.retired and (row.level != 3 or row.kind != ItemKind.ITEM):
            errors.append(str(_("只有三级目录事项可以停用：%(code)s") % {"code": row.code}))
        elif row.level == 1 and row.parent_code:
            errors.append(str(_("一级事项不能有上级：%(code)s") % {"code": row.code}))
        elif row.level > 1 and levels.get(row.parent_code) != row.level - 1:
            errors.append(
                str(
                    _("上级编码“%(parent)s”不存在或层级不符：%(code)s")
                    % {"parent": row.parent_code, "code": row.code}
                )
            )
        elif row.level > 1 and kinds.get(row.parent_code) != ItemKind.ITEM:
            errors.append(str(_("负面清单事项不能有下级：%(code)s") % {"code": row.code}))
        levels[row.code] = row.level
        kinds[row.code] = row.kind
    seen: set[tuple[str, str, int]] = set()
    for price in content.prices:
        key = (price.item_code, price.unit_of_measure, price.effective_year)
        if levels.get(price.item_code) != 3 or kinds.get(price.item_code) != ItemKind.ITEM:
            errors.append(str(_("参考价格只能对应三级目录事项：%(code)s") % {"code": price.item_code}))
        elif not price.unit_of_measure:
            errors.append(str(_("计量单位不能为空：%(code)s") % {"code": price.item_code}))
        elif price.price <= 0:
            errors.append(str(_("参考价格应大于零：%(code)s") % {"code": price.item_code}))
        elif price.effective_year and not FIRST_YEAR <= price.effective_year <= LAST_YEAR:
            errors.append(str(_("执行年度无效：%(code)s") % {"code": price.item_code}))
        elif key in seen:
            errors.append(
                str(_("同一事项同一计量单位同一执行年度的价格重复：%(code)s") % {"code": price.item_code})
            )
        seen.add(key)
    return errors


def _write_content(version: CatalogVersion, content: CatalogueContent) -> None:
    """Replace the draft's rows with `content` (already validated)."""
    version.items.all().delete()  # prices and children cascade
    by_code: dict[str, CatalogItem] = {}
    for position, row in enumerate(content.items, 1):
        by_code[row.code] = CatalogItem.objects.create(
            version=version,
            code=row.code,
            name=row.name,
            level=row.level,
            kind=row.kind,
            parent=by_code.get(row.parent_code),
            description=row.description,
            citation=row.citation,
            unit_of_service=row.unit_of_service,
            retired=row.retired,
            position=position,
        )
    PriceEntry.objects.bulk_create(
        PriceEntry(
            item=by_code[p.item_code],
            unit_of_measure=p.unit_of_measure,
            price=p.price,
            effective_year=p.effective_year or version.year,
            note=p.note,
        )
        for p in content.prices
    )


def catalog_content_replace(
    *, actor: Any, version: CatalogVersion, content: CatalogueContent, source: str = ""
) -> bool:
    """Replace a draft's whole content (import). Returns False, writing nothing, when it is unchanged."""
    require_role(actor, *EDITOR_ROLES)
    content = _with_year(content, version.year)
    errors = validate_content(content)
    if errors:
        raise ServiceError(
            "catalog.content_invalid",
            _("目录内容有误：%(first)s") % {"first": errors[0]},
            params={"errors": errors[:50]},
        )
    with transaction.atomic():
        version = _lock(version)
        _require_draft(version)
        before = catalog_content(version)
        if before == content:
            return False
        _write_content(version, content)
        audit.record(
            actor=actor,
            action="catalog.content_replaced",
            obj=version,
            old={"items": len(before.items), "prices": len(before.prices)},
            new={"items": len(content.items), "prices": len(content.prices), "source": source},
        )
    return True


# --- versions -------------------------------------------------------------------------------------


def catalog_version_create(
    *,
    actor: Any,
    year: int,
    title: str,
    issuer: str = "",
    document_number: str = "",
    based_on: CatalogVersion | None = None,
) -> CatalogVersion:
    """A new draft version of `year`; with `based_on`, a copy of that version's content to edit."""
    require_role(actor, *EDITOR_ROLES)
    if not 2000 <= year <= 2100:
        raise ServiceError("catalog.year_invalid", _("年度无效"), field="year")
    if not title.strip():
        raise ServiceError("catalog.title_required", _("请填写目录名称"), field="title")
    with transaction.atomic():
        last = CatalogVersion.objects.select_for_update().filter(year=year).order_by("-revision").first()
        version = CatalogVersion.objects.create(
            year=year,
            revision=(last.revision + 1) if last else 1,
            title=title.strip(),
            issuer=issuer,
            document_number=document_number,
            based_on=based_on,
        )
        if based_on is not None:
            _write_content(version, catalog_content(based_on))
        audit.record(
            actor=actor,
            action="catalog.version_created",
            obj=version,
            new={"year": year, "revision": version.revision, "title": version.title, "based_on": based_on},
        )
    return version


def catalog_version_publish(*, actor: Any, version: CatalogVersion) -> CatalogVersion:
    """Publish a draft; an earlier published version of the same year becomes superseded."""
    require_role(actor, *EDITOR_ROLES)
    with transaction.atomic():
        version = _lock(version)
        _transition(version, VersionStatus.PUBLISHED)
        content = catalog_content(version)
        if not any(row.level == 3 and row.kind == ItemKind.ITEM and not row.retired for row in content.items):
            raise ServiceError("catalog.empty", _("目录没有三级事项，不能发布"))
        errors = validate_content(content)
        if errors:
            raise ServiceError("catalog.content_invalid", errors[0], params={"errors": errors[:50]})
        for older in CatalogVersion.objects.select_for_update().filter(
            year=version.year, status=VersionStatus.PUBLISHED
        ):
            _transition(older, VersionStatus.SUPERSEDED)
            older.status = VersionStatus.SUPERSEDED
            older.save(update_fields=["status"])
            audit.record(
                actor=actor,
                action="catalog.version_superseded",
                obj=older,
                old={"status": VersionStatus.PUBLISHED},
                new={"status": older.status, "by": version},
            )
        version.status = VersionStatus.PUBLISHED
        version.published_at = clock.now()
        version.published_by = actor
        version.save(update_fields=["status", "published_at", "published_by"])
        audit.record(
            actor=actor,
            action="catalog.version_published",
            obj=version,
            old={"status": VersionStatus.DRAFT},
            new={"status": version.status, "items": len(content.items), "prices": len(content.prices)},
        )
    return version


def catalog_load_json(*, actor: Any, path: Path = GUIDANCE_2022, publish: bool = True) -> CatalogVersion:
    """Load a shipped catalogue file as a version (idempotent: an existing version of that title is kept)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    existing = (
        CatalogVersion.objects.filter(year=data["year"], title=data["title"]).order_by("-revision").first()
    )
    if existing is not None:
        return existing
    with transaction.atomic():
        version = catalog_version_create(
            actor=actor,
            year=int(data["year"]),
            title=data["title"],
            issuer=data.get("issuer", ""),
            document_number=data.get("document_number", ""),
        )
        catalog_content_replace(
            actor=actor, version=version, content=content_from_json(data), source=path.name
        )
        if publish:
            version = catalog_version_publish(actor=actor, version=version)
    return version


def content_from_json(data: dict[str, Any]) -> CatalogueContent:
    items: list[ItemRow] = []
    prices: list[PriceRow] = []
    year = int(data.get("year") or 0)

    def walk(nodes: Iterable[dict[str, Any]], level: int, parent: str) -> None:
        for node in nodes:
            items.append(
                ItemRow(
                    node["code"],
                    node["name"],
                    level,
                    parent,
                    ItemKind.ITEM,
                    node.get("description", ""),
                    node.get("citation", ""),
                    node.get("unit_of_service", ""),
                )
            )
            prices.extend(
                PriceRow(
                    node["code"],
                    p["unit_of_measure"],
                    yuan(p["price"]),
                    p.get("note", ""),
                    int(p.get("effective_year") or year),
                )
                for p in node.get("prices", ())
            )
            walk(node.get("children", ()), level + 1, node["code"])

    walk(data.get("items", ()), 1, "")
    items.extend(
        ItemRow(
            n["code"],
            n["name"],
            1,
            "",
            ItemKind.NEGATIVE,
            n.get("description", ""),
            n.get("citation", O102_10),
        )
        for n in data.get("negative_list", ())
    )
    return CatalogueContent(tuple(items), tuple(prices))


# --- single edits on a draft ------------------------------------------------------------------------
#
# Items are edited by identity (their primary key), so a code or a parent can change; the tree is
# renumbered after a structural change so parents always precede children (the Excel file and the
# import rely on that order). Price events are recorded on their item, so an item's timeline
# shows its prices too, deleted ones included.


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
        raise ServiceError("catalog.item_invalid", errors[0], field=field, params={"errors": errors[:20]})


def _parent_for(version: CatalogVersion, parent_code: str, level: int) -> CatalogItem | None:
    """The parent an entry of `level` may hang under: none for level 1, else an item one level up."""
    parent_code = parent_code.strip()
    if level == 1:
        if parent_code:
            raise ServiceError("catalog.item_parent_invalid", _("一级事项不能有上级"), field="parent_code")
        return None
    parent = version.items.filter(code=parent_code, level=level - 1, kind=ItemKind.ITEM).first()
    if parent is None:
        raise ServiceError(
            "catalog.item_parent_invalid",
            _("上级编码“%(parent)s”不是本版本的%(level)s级目录事项")
            % {"parent": parent_code or "—", "level": level - 1},
            field="parent_code",
            params={"parent": parent_code},
        )
    return parent


def _required_text(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise ServiceError("catalog.field_required", _("请填写编码和名称"), field=field)
    return value


def catalog_item_create(
    *,
    actor: Any,
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
                "catalog.item_code_taken",
                _("编码“%(code)s”在本版本中已被使用") % {"code": code},
                field="code",
                params={"code": code},
            )
        parent = version.items.filter(code=parent_code.strip()).first() if parent_code.strip() else None
        if parent_code.strip() and parent is None:
            raise ServiceError(
                "catalog.item_invalid",
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
                "catalog.item_invalid", errors[0], field="parent_code" if parent_code else "code"
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
            action="catalog.item_added",
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
    actor: Any,
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
                "catalog.item_code_taken",
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
                raise ServiceError(
                    "catalog.item_negative_level",
                    _("只有一级事项或三级事项可以列入负面清单"),
                    field="negative",
                )
            if item.children.exists():
                raise Conflict(
                    "catalog.item_has_children", _("有下级事项的条目不能列入负面清单"), field="negative"
                )
            if kind == ItemKind.NEGATIVE and item.prices.exists():
                raise Conflict(
                    "catalog.item_has_prices",
                    _("“%(item)s”有参考价格，列入负面清单前请先删除参考价格") % {"item": item.name},
                    field="negative",
                )
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
        audit.record(actor=actor, action="catalog.item_changed", obj=item, old=old, new=new)
    return item


def catalog_item_save(
    *,
    actor: Any,
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
        raise ServiceError("catalog.item_invalid", _("类别无效：%(code)s") % {"code": code}, field="kind")
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


def catalog_item_retire(*, actor: Any, item: CatalogItem, reason: str) -> CatalogItem:
    """停用: a third-level item stays in the draft (its code is kept) but can no longer be chosen."""
    require_role(actor, *EDITOR_ROLES)
    reason = reason.strip()
    if not reason:
        raise ServiceError("catalog.reason_required", _("请填写停用理由"), field="reason")
    with transaction.atomic():
        _require_draft(_lock(item.version))
        item = CatalogItem.objects.select_for_update().get(pk=item.pk)
        if item.level != 3 or item.kind != ItemKind.ITEM:
            raise ServiceError("catalog.retire_level", _("只有三级目录事项可以停用"), field="code")
        if item.retired:
            return item
        item.retired = True
        item.save(update_fields=["retired"])
        audit.record(
            actor=actor,
            action="catalog.item_retired",
            obj=item,
            old={"retired": False},
            new={"retired": True},
            reason=reason,
        )
    return item


def catalog_item_reinstate(*, actor: Any, item: CatalogItem, reason: str = "") -> CatalogItem:
    """Undo a retirement while the version is still a draft."""
    require_role(actor, *EDITOR_ROLES)
    with transaction.atomic():
        _require_draft(_lock(item.version))
        item = CatalogItem.objects.select_for_update().get(pk=item.pk)
        if not item.retired:
            return item
        item.retired = False
        item.save(update_fields=["retired"])
        audit.record(
            actor=actor,
            action="catalog.item_reinstated",
            obj=item,
            old={"retired": True},
            new={"retired": False},
            reason=reason.strip(),
        )
    return item


def catalog_item_remove(*, actor: Any, item: CatalogItem) -> None:
    """Delete an entry added by mistake (a draft only); to stop an item being bought, retire it."""
    require_role(actor, *EDITOR_ROLES)
    with transaction.atomic():
        _require_draft(_lock(item.version))
        if item.children.exists():
            raise Conflict("catalog.item_has_children", _("请先删除下级事项"), field="code")
        audit.record(
            actor=actor, action="catalog.item_removed", obj=item, old={"code": item.code, "name": item.name}
        )
        item.delete()


def _price_input(
    item: CatalogItem, unit_of_measure: str, price: Decimal | str, effective_year: int | None
) -> tuple[str, Decimal, int]:
    """Checked (unit, price, year) for a price of `item`: a third-level item, a positive yuan amount."""
    amount = yuan(price, field="price", ceiling=PRICE_CEILING)
    if amount <= 0:
        raise ServiceError("catalog.price_invalid", _("参考价格应大于零"), field="price")
    if item.level != 3 or item.kind != ItemKind.ITEM:
        raise ServiceError("catalog.price_level", _("参考价格只能对应三级目录事项"), field="item")
    if item.retired:
        raise Conflict("catalog.item_retired", _("该事项已停用，不能设置参考价格"), field="item")
    unit_of_measure = unit_of_measure.strip()
    if not unit_of_measure:
        raise ServiceError("catalog.unit_required", _("请填写计量单位"), field="unit_of_measure")
    year = effective_year or item.version.year
    if not FIRST_YEAR <= year <= item.version.year + 1:
        raise ServiceError(
            "catalog.price_year_invalid",
            _("执行年度应在 %(first)s 年至 %(last)s 年之间")
            % {"first": FIRST_YEAR, "last": item.version.year + 1},
            field="effective_year",
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
    actor: Any,
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
            action="catalog.price_set",
            obj=item,
            old=old,
            new={"price_id": entry.pk, **_price_state(entry)},
        )
    return entry


def catalog_price_update(
    *,
    actor: Any,
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
                "catalog.price_duplicate",
                _("该事项已有 %(year)s 年度按“%(unit)s”计的参考价格")
                % {"year": year, "unit": unit_of_measure},
                field="unit_of_measure",
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
            actor=actor, action="catalog.price_changed", obj=item, old=old, new={"price_id": entry.pk, **new}
        )
    return entry


def catalog_price_remove(*, actor: Any, entry: PriceEntry) -> None:
    require_role(actor, *EDITOR_ROLES)
    with transaction.atomic():
        _require_draft(_lock(entry.item.version))
        audit.record(
            actor=actor,
            action="catalog.price_removed",
            obj=entry.item,
            old={"price_id": entry.pk, **_price_state(entry)},
        )
        entry.delete()


# --- department catalogues ---------------------------------------------------------------------------


def department_catalogue_publish(
    *, actor: Any, version: CatalogVersion, unit: Unit, item_codes: Sequence[str]
) -> DepartmentCatalogue:
    """Publish (or republish) a department's subset of a published guidance catalogue."""
    if not has_role(actor, *EDITOR_ROLES):
        require_role(actor, Role.PURCHASER)
        require_unit_member(actor, unit)
    if version.status == VersionStatus.DRAFT:
        raise Conflict("catalog.version_not_published", _("部门目录只能基于已发布的指导性目录"))
    codes = sorted(set(item_codes))
    items = list(version.items.filter(code__in=codes, level=3, kind=ItemKind.ITEM, retired=False))
    missing = sorted(set(codes) - {item.code for item in items})
    if missing or not items:
        raise NotFound(
            "catalog.item_unknown",
            _("指导性目录中没有这些三级事项：%(codes)s") % {"codes": "、".join(missing) or "—"},
            field="item_codes",
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
            action="catalog.department_published",
            obj=catalogue,
            old={"items": before},
            new={"items": codes, "unit": unit},
        )
    return catalogue


def catalog_import_xlsx(
    *, actor: Any, data: bytes, version: CatalogVersion | None = None
) -> tuple[CatalogVersion, bool]:
    """Import a workbook into a draft (`version`) or into a new draft version named by the workbook.

    Returns the version and whether its content changed (importing an unchanged export changes nothing).
    """
    from opengps.catalog.excel import parse_xlsx

    require_role(actor, *EDITOR_ROLES)
    meta, content = parse_xlsx(data)
    with transaction.atomic():
        if version is None:
            year = meta.get("年度", "")
            if not year.isdecimal():
                raise ServiceError("catalog.workbook_invalid", _("工作表“版本”缺少年度"), field="file")
            version = catalog_version_create(
                actor=actor,
                year=int(year),
                title=meta.get("名称", "") or str(_("导入的目录")),
                issuer=meta.get("发布机关", ""),
                document_number=meta.get("文号", ""),
            )
        changed = catalog_content_replace(actor=actor, version=version, content=content, source="xlsx")
    return version, changed
