"""Editing a draft catalogue: items by identity (code, parent, flags), second-level categories, prices."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from opengps.catalog.excel import export_xlsx
from opengps.catalog.models import CatalogItem, CatalogVersion, ItemKind
from opengps.catalog.selectors import item_history, purchasable_items, version_tree
from opengps.catalog.services import (
    catalog_content,
    catalog_import_xlsx,
    catalog_item_create,
    catalog_item_reinstate,
    catalog_item_retire,
    catalog_item_update,
    catalog_price_remove,
    catalog_price_set,
    catalog_price_update,
    catalog_version_create,
    catalog_version_publish,
    validate_content,
)
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(finance: Any, small_catalogue: CatalogVersion) -> CatalogVersion:
    return catalog_version_create(actor=finance, year=2026, title="目录（修订稿）", based_on=small_catalogue)


def _codes(version: CatalogVersion) -> list[str]:
    return [row.code for row in catalog_content(version).items]


def _events(item: CatalogItem) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    return [(e.action, e.old_values, e.new_values) for e in item_history(item)]


def test_finance_adds_a_third_level_item_under_its_category(finance: Any, draft: CatalogVersion) -> None:
    # when a new item is added under 养老服务
    item = catalog_item_create(
        actor=finance,
        version=draft,
        code="A0403",
        name="老年助餐服务",
        parent_code="A04",
        description="为老年人提供集中或上门助餐",
        unit_of_service="人·次",
    )
    # then it is a level-3 item placed after its siblings, purchasable, and audited
    assert (item.level, item.parent.code if item.parent else "", item.unit_of_service) == (3, "A04", "人·次")
    assert _codes(draft)[:5] == ["A", "A04", "A0401", "A0402", "A0403"]
    assert item in purchasable_items(draft)
    assert _events(item)[0][0] == "catalog.item_added"
    assert _events(item)[0][2]["unit_of_service"] == "人·次"
    # and a taken code or an unknown parent is refused with a stable code
    with pytest.raises(Conflict) as taken:
        catalog_item_create(actor=finance, version=draft, code="A0403", name="重复", parent_code="A04")
    assert (taken.value.code, taken.value.field) == ("catalog.item_code_taken", "code")
    with pytest.raises(ServiceError) as orphan:
        catalog_item_create(actor=finance, version=draft, code="A0499", name="x", parent_code="ZZ")
    assert (orphan.value.code, orphan.value.field) == ("catalog.item_invalid", "parent_code")


def test_an_item_is_recoded_moved_and_described_with_old_and_new_audited(
    finance: Any, draft: CatalogVersion
) -> None:
    # given 居家养老上门服务 under 养老服务
    item = draft.items.get(code="A0402")
    # when finance moves it to 社会工作服务 with a new code, description and unit
    catalog_item_update(
        actor=finance,
        item=item,
        code="A0902",
        name="社区日间照料社工服务",
        parent_code="A09",
        description="日间照料中心的社会工作服务",
        unit_of_service="中心·月",
    )
    # then the tree follows (parents still precede children) and the content stays valid
    item.refresh_from_db()
    assert item.parent is not None and item.parent.code == "A09" and item.level == 3
    assert _codes(draft)[:6] == ["A", "A04", "A0401", "A09", "A0901", "A0902"]
    assert validate_content(catalog_content(draft)) == []
    # and the audit event holds exactly what changed, old → new
    action, old, new = _events(item)[-1]
    assert action == "catalog.item_changed"
    assert old == {
        "code": "A0402",
        "name": "社区日间照料服务",
        "parent": "A04",
        "description": "",
        "unit_of_service": "",
    }
    assert new["code"] == "A0902" and new["parent"] == "A09" and new["unit_of_service"] == "中心·月"
    # and saving the same values again writes nothing
    before = AuditEvent.objects.count()
    catalog_item_update(actor=finance, item=item, name="社区日间照料社工服务", parent_code="A09")
    assert AuditEvent.objects.count() == before
    # a move to a level-3 entry is not a valid parent
    with pytest.raises(ServiceError) as wrong:
        catalog_item_update(actor=finance, item=item, parent_code="A0401")
    assert (wrong.value.code, wrong.value.field) == ("catalog.item_parent_invalid", "parent_code")


def test_a_second_level_category_is_renamed_recoded_and_moved_with_its_items(
    finance: Any, draft: CatalogVersion
) -> None:
    # given 养老服务 (A04) with two items under 公共服务
    group = draft.items.get(code="A04")
    # when it is recoded and moved to the other first-level branch
    catalog_item_update(actor=finance, item=group, code="B04", name="养老服务（辅助）", parent_code="B")
    # then its items follow it and the tree order is kept
    assert draft.items.get(code="A0401").parent == draft.items.get(code="B04")
    assert _codes(draft) == ["A", "A09", "A0901", "B", "B02", "B0201", "B04", "A0401", "A0402", "N05"]
    assert validate_content(catalog_content(draft)) == []
    # and a category cannot be flagged negative nor hang under another category
    with pytest.raises(ServiceError) as negative:
        catalog_item_update(actor=finance, item=group, negative=True)
    assert negative.value.code == "catalog.item_negative_level"
    with pytest.raises(ServiceError) as level:
        catalog_item_update(actor=finance, item=group, parent_code="A09")
    assert level.value.code == "catalog.item_parent_invalid"
    with pytest.raises(Conflict) as taken:
        catalog_item_update(actor=finance, item=group, code="A09")
    assert taken.value.code == "catalog.item_code_taken"


def test_a_third_level_item_flagged_negative_is_no_longer_purchasable(
    finance: Any, draft: CatalogVersion
) -> None:
    # given an item with a reference price
    item = draft.items.get(code="A0401")
    # when finance flags it for the negative list: refused while it has prices
    with pytest.raises(Conflict) as priced:
        catalog_item_update(actor=finance, item=item, negative=True)
    assert (priced.value.code, priced.value.field) == ("catalog.item_has_prices", "negative")
    for entry in list(item.prices.all()):
        catalog_price_remove(actor=finance, entry=entry)
    catalog_item_update(actor=finance, item=item, negative=True, citation="政府购买服务管理办法 第十条")
    # then it is listed as negative, marked in the tree, not purchasable, and the version still publishes
    item.refresh_from_db()
    assert item.kind == ItemKind.NEGATIVE and not item.is_purchasable
    assert item not in purchasable_items(draft)
    roots, negatives = version_tree(draft)
    assert item in negatives
    assert item in [leaf.item for group in roots[0].children for leaf in group.children]
    assert catalog_version_publish(actor=finance, version=draft).status == "published"
    assert [e[0] for e in _events(item)][-3:] == [
        "catalog.price_removed",
        "catalog.price_removed",
        "catalog.item_changed",
    ]


def test_a_retired_item_stays_in_the_version_but_cannot_be_chosen(
    finance: Any, draft: CatalogVersion
) -> None:
    item = draft.items.get(code="A0402")
    # when retired without a reason: refused; with a reason: retired
    with pytest.raises(ServiceError) as no_reason:
        catalog_item_retire(actor=finance, item=item, reason=" ")
    assert no_reason.value.code == "catalog.reason_required"
    catalog_item_retire(actor=finance, item=item, reason="并入居家养老上门服务")
    item.refresh_from_db()
    # then it keeps its code but leaves the purchasable list; no price can be set on it
    assert item.retired and item.code in _codes(draft)
    assert item not in purchasable_items(draft)
    with pytest.raises(Conflict) as retired:
        catalog_price_set(actor=finance, item=item, unit_of_measure="人·天", price="40")
    assert retired.value.code == "catalog.item_retired"
    # a category cannot be retired; a retired item can be reinstated while the version is a draft
    with pytest.raises(ServiceError):
        catalog_item_retire(actor=finance, item=draft.items.get(code="A04"), reason="x")
    catalog_item_reinstate(actor=finance, item=item, reason="仍需单独采购")
    item.refresh_from_db()
    assert not item.retired
    assert [(e[0], e[1], e[2]) for e in _events(item)] == [
        ("catalog.item_retired", {"retired": False}, {"retired": True}),
        ("catalog.item_reinstated", {"retired": True}, {"retired": False}),
    ]
    assert item_history(item)[0].reason == "并入居家养老上门服务"


def test_reference_prices_carry_an_effective_year_and_are_decimal(
    finance: Any, draft: CatalogVersion
) -> None:
    item = draft.items.get(code="A0402")
    # when prices are added for this year (default) and the next one
    this_year = catalog_price_set(actor=finance, item=item, unit_of_measure="人·天", price="45.01")
    next_year = catalog_price_set(
        actor=finance, item=item, unit_of_measure="人·天", price=Decimal("48"), effective_year=2027
    )
    # then both exist, exact to the cent
    assert (this_year.effective_year, this_year.price) == (2026, Decimal("45.01"))
    assert (next_year.effective_year, next_year.price) == (2027, Decimal("48.00"))
    # when one is corrected: old → new is audited on the item
    catalog_price_update(
        actor=finance, entry=this_year, unit_of_measure="人·天", price="46", effective_year=2026, note="含餐"
    )
    action, old, new = _events(item)[-1]
    assert action == "catalog.price_changed"
    assert old == {"price": "45.01", "note": ""} and new == {
        "price_id": this_year.pk,
        "price": "46.00",
        "note": "含餐",
    }
    # then a clash with the other year's row, a far year and a non-positive price are refused
    with pytest.raises(Conflict) as clash:
        catalog_price_update(
            actor=finance, entry=this_year, unit_of_measure="人·天", price="46", effective_year=2027
        )
    assert clash.value.code == "catalog.price_duplicate"
    with pytest.raises(ServiceError) as far:
        catalog_price_set(actor=finance, item=item, unit_of_measure="人·天", price="46", effective_year=2030)
    assert (far.value.code, far.value.field) == ("catalog.price_year_invalid", "effective_year")
    with pytest.raises(ServiceError) as zero:
        catalog_price_set(actor=finance, item=item, unit_of_measure="人·天", price="0")
    assert zero.value.code == "catalog.price_invalid"


def test_a_published_version_refuses_every_edit_with_one_code(
    finance: Any, small_catalogue: CatalogVersion
) -> None:
    item = small_catalogue.items.get(code="A0401")
    price = item.prices.first()
    assert price is not None
    edits: list[Callable[[], object]] = [
        lambda: catalog_item_create(
            actor=finance, version=small_catalogue, code="A0499", name="x", parent_code="A04"
        ),
        lambda: catalog_item_update(actor=finance, item=item, name="改名"),
        lambda: catalog_item_update(actor=finance, item=small_catalogue.items.get(code="A04"), name="改名"),
        lambda: catalog_item_retire(actor=finance, item=item, reason="停用"),
        lambda: catalog_item_reinstate(actor=finance, item=item),
        lambda: catalog_price_set(actor=finance, item=item, unit_of_measure="人·次", price="61"),
        lambda: catalog_price_update(
            actor=finance, entry=price, unit_of_measure="人·次", price="61", effective_year=2026
        ),
        lambda: catalog_price_remove(actor=finance, entry=price),
    ]
    events = AuditEvent.objects.count()
    for edit in edits:
        with pytest.raises(Conflict) as refused:
            edit()
        assert refused.value.code == "catalog.version_published"
    assert AuditEvent.objects.count() == events
    item.refresh_from_db()
    assert item.name == "居家养老上门服务" and not item.retired


def test_only_the_finance_department_edits_items(
    purchaser: Any, auditor: Any, finance: Any, draft: CatalogVersion
) -> None:
    item = draft.items.get(code="A0401")
    for outsider in (purchaser, auditor, None):
        with pytest.raises(PermissionDenied):
            catalog_item_update(actor=outsider, item=item, name="改名")  # type: ignore[arg-type]  # None on purpose: the service refuses it at run time too
        with pytest.raises(PermissionDenied):
            catalog_item_create(
                actor=outsider,  # type: ignore[arg-type]  # None on purpose: refused at run time too
                version=draft,
                code="A0499",
                name="x",
                parent_code="A04",
            )
        with pytest.raises(PermissionDenied):
            catalog_price_set(
                actor=outsider,  # type: ignore[arg-type]  # None on purpose: refused at run time too
                item=item,
                unit_of_measure="人·次",
                price="1",
            )


def test_edited_fields_survive_the_excel_round_trip(finance: Any, draft: CatalogVersion) -> None:
    # given a draft with a unit of service, a retired item, a negative item and next year's price
    catalog_item_update(actor=finance, item=draft.items.get(code="A0401"), unit_of_service="人·次")
    catalog_item_retire(actor=finance, item=draft.items.get(code="A0901"), reason="并入")
    catalog_item_update(actor=finance, item=draft.items.get(code="A0402"), negative=True)
    catalog_price_set(
        actor=finance,
        item=draft.items.get(code="B0201"),
        unit_of_measure="项",
        price="52000",
        effective_year=2027,
    )
    original = catalog_content(draft)
    # when exported and imported as a new version
    imported, changed = catalog_import_xlsx(actor=finance, data=export_xlsx(draft))
    # then nothing is lost
    assert changed and catalog_content(imported) == original
    assert {(p.item_code, p.effective_year) for p in original.prices} >= {("B0201", 2026), ("B0201", 2027)}


def test_a_version_1_workbook_without_the_new_columns_still_imports(
    finance: Any, small_catalogue: CatalogVersion
) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    # given an export with the new columns removed (as written before they existed)
    book = load_workbook(BytesIO(export_xlsx(small_catalogue)))
    book["目录"].delete_cols(8, 2)
    book["参考价格"].delete_cols(6, 1)
    buffer = BytesIO()
    book.save(buffer)
    # when imported into a draft of the same year
    draft = catalog_version_create(actor=finance, year=2026, title="修订", based_on=small_catalogue)
    _, changed = catalog_import_xlsx(actor=finance, data=buffer.getvalue(), version=draft)
    # then prices apply from the version's year and nothing changed
    assert changed is False
    assert catalog_content(draft) == catalog_content(small_catalogue)
