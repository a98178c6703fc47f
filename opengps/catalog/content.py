"""The guidance catalogue's content as plain data (rows from JSON, Excel or the database), checked; `yuan`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengps.catalog.errors import Code
from opengps.catalog.models import CatalogVersion, ItemKind, PriceEntry
from opengps.core.errors import ServiceError
from opengps.core.money import CEILING, FEN, parse_yuan

O102_10 = "政府购买服务管理办法（财政部令第102号）第十条"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def yuan(value: Decimal | str | int, *, field: str = "amount", ceiling: Decimal = CEILING) -> Decimal:
    """An amount in yuan, exact to the cent (more decimals are refused, never rounded), below
    `ceiling`; ServiceError for anything else. Zero and negatives are the caller's to judge."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(Code.MONEY_INVALID, params={"value": value}) from None
    if amount.is_finite() and amount <= 0:
        return amount.quantize(FEN)
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
