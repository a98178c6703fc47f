"""Guidance catalogue: shipped 2022 data, frozen published versions, Excel round-trip, department subsets."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from opengps.catalog.excel import export_xlsx, parse_xlsx
from opengps.catalog.models import CatalogVersion, ItemKind, VersionStatus
from opengps.catalog.selectors import current_version, version_tree, versions_visible
from opengps.catalog.services import (
    catalog_content,
    catalog_import_xlsx,
    catalog_item_remove,
    catalog_item_save,
    catalog_load_json,
    catalog_price_set,
    catalog_version_create,
    catalog_version_publish,
    department_catalogue_publish,
)
from opengps.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def guidance_2022(finance: Any) -> CatalogVersion:
    return catalog_load_json(actor=finance)


def test_the_shipped_2022_catalogue_has_three_levels_and_a_negative_list(
    guidance_2022: CatalogVersion,
) -> None:
    items = guidance_2022.items
    assert guidance_2022.status == VersionStatus.PUBLISHED
    assert list(items.filter(level=1, kind=ItemKind.ITEM).values_list("name", flat=True)) == [
        "公共服务",
        "政府履职所需辅助性服务",
    ]
    assert items.filter(level=2).count() == 30
    assert 190 <= items.filter(level=3).count() <= 210
    assert items.filter(kind=ItemKind.NEGATIVE).count() == 6
    assert items.get(code="A0401").prices.exists()
    roots, negatives = version_tree(guidance_2022)
    assert [len(root.children) for root in roots] == [23, 7] and len(negatives) == 6
    assert current_version() == guidance_2022
    # loading again changes nothing
    assert guidance_2022.published_by is not None
    assert catalog_load_json(actor=guidance_2022.published_by) == guidance_2022


def test_a_published_version_is_immutable_and_stays_readable(
    finance: Any, small_catalogue: CatalogVersion
) -> None:
    # when an official tries to edit the published version
    with pytest.raises(Conflict) as error:
        catalog_item_save(
            actor=finance, version=small_catalogue, code="A0403", name="助餐", parent_code="A04"
        )
    assert error.value.code == "catalog.version_published"
    with pytest.raises(Conflict):
        catalog_price_set(
            actor=finance, item=small_catalogue.items.get(code="A0401"), unit_of_measure="人·次", price="70"
        )
    # then edits go into a new draft based on it; publishing it supersedes the old one
    draft = catalog_version_create(actor=finance, year=2026, title="目录（修订）", based_on=small_catalogue)
    assert catalog_content(draft) == catalog_content(small_catalogue)
    item = catalog_item_save(
        actor=finance, version=draft, code="A0403", name="老年助餐服务", parent_code="A04"
    )
    catalog_price_set(actor=finance, item=item, unit_of_measure="人·次", price="12.5")
    catalog_version_publish(actor=finance, version=draft)
    small_catalogue.refresh_from_db()
    assert small_catalogue.status == VersionStatus.SUPERSEDED
    assert small_catalogue in versions_visible(actor=None)
    assert not small_catalogue.items.filter(code="A0403").exists()
    assert draft.revision == 2 and current_version(2026) == draft


def test_only_the_finance_department_edits_and_drafts_are_not_public(
    finance: Any, purchaser: Any, auditor: Any
) -> None:
    for outsider in (purchaser, auditor, None):
        with pytest.raises(PermissionDenied):
            catalog_version_create(actor=outsider, year=2027, title="x")  # type: ignore[arg-type]  # None on purpose: the service refuses it at run time too
    draft = catalog_version_create(actor=finance, year=2027, title="2027 草稿")
    assert draft not in versions_visible(actor=purchaser)
    assert draft in versions_visible(actor=auditor)
    with pytest.raises(ServiceError) as empty:
        catalog_version_publish(actor=finance, version=draft)
    assert empty.value.code == "catalog.empty"


def test_item_edits_on_a_draft_are_validated_and_audited(finance: Any) -> None:
    draft = catalog_version_create(actor=finance, year=2027, title="2027 草稿")
    top = catalog_item_save(actor=finance, version=draft, code="A", name="公共服务")
    group = catalog_item_save(actor=finance, version=draft, code="A01", name="养老服务", parent_code="A")
    leaf = catalog_item_save(actor=finance, version=draft, code="A0101", name="助餐", parent_code="A01")
    assert (top.level, group.level, leaf.level) == (1, 2, 3)
    with pytest.raises(ServiceError) as bad:
        catalog_item_save(actor=finance, version=draft, code="A0102", name="x", parent_code="ZZ")
    assert bad.value.code == "catalog.item_invalid"
    renamed = catalog_item_save(actor=finance, version=draft, code="A0101", name="老年助餐")
    assert renamed.pk == leaf.pk and renamed.name == "老年助餐"
    with pytest.raises(ServiceError):
        catalog_price_set(actor=finance, item=group, unit_of_measure="项", price="10")
    with pytest.raises(Conflict):
        catalog_item_remove(actor=finance, item=group)
    catalog_item_remove(actor=finance, item=leaf)
    assert list(
        AuditEvent.objects.filter(object_type="catalog.catalogitem").values_list("action", flat=True)
    ) == [
        "catalog.item_added",
        "catalog.item_added",
        "catalog.item_added",
        "catalog.item_changed",
        "catalog.item_removed",
    ]


def test_excel_export_then_import_changes_nothing(finance: Any, guidance_2022: CatalogVersion) -> None:
    # given the published 2022 catalogue exported to Excel
    original = catalog_content(guidance_2022)
    workbook = export_xlsx(guidance_2022)
    # when the file is imported as a new version
    imported, changed = catalog_import_xlsx(actor=finance, data=workbook)
    # then its content is exactly the original's, prices as Decimal to the cent
    assert changed and imported.pk != guidance_2022.pk
    assert (imported.year, imported.title) == (guidance_2022.year, guidance_2022.title)
    assert catalog_content(imported) == original
    assert all(isinstance(p.price, Decimal) for p in original.prices)
    # and importing its own export into it again writes nothing
    events = AuditEvent.objects.count()
    again, changed_again = catalog_import_xlsx(actor=finance, data=export_xlsx(imported), version=imported)
    assert again == imported and changed_again is False
    assert AuditEvent.objects.count() == events
    assert parse_xlsx(export_xlsx(imported))[1] == original


def test_an_edited_workbook_is_imported_and_a_broken_one_refused(
    finance: Any, small_catalogue: CatalogVersion
) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(export_xlsx(small_catalogue)))
    book["参考价格"]["D2"] = 65
    buffer = BytesIO()
    book.save(buffer)
    draft = catalog_version_create(actor=finance, year=2026, title="修订", based_on=small_catalogue)
    _, changed = catalog_import_xlsx(actor=finance, data=buffer.getvalue(), version=draft)
    assert changed
    assert draft.items.get(code="A0401").prices.get(unit_of_measure="人·次").price == Decimal("65.00")
    book["目录"]["C3"] = "九"
    buffer = BytesIO()
    book.save(buffer)
    with pytest.raises(ServiceError) as broken:
        catalog_import_xlsx(actor=finance, data=buffer.getvalue(), version=draft)
    assert broken.value.code == "catalog.workbook_invalid" and broken.value.params["row"] == 3
    with pytest.raises(ServiceError) as garbage:
        catalog_import_xlsx(actor=finance, data=b"not a workbook")
    assert garbage.value.code == "catalog.workbook_invalid"
    with pytest.raises(Conflict):
        catalog_import_xlsx(actor=finance, data=export_xlsx(draft), version=small_catalogue)


def test_a_department_publishes_its_subset(
    purchaser: Any, make_user: Callable[..., Any], small_catalogue: CatalogVersion
) -> None:
    catalogue = department_catalogue_publish(
        actor=purchaser, version=small_catalogue, unit=purchaser.unit, item_codes=["A0401", "A0901"]
    )
    assert sorted(catalogue.items.values_list("code", flat=True)) == ["A0401", "A0901"]
    with pytest.raises(NotFound):
        department_catalogue_publish(
            actor=purchaser, version=small_catalogue, unit=purchaser.unit, item_codes=["A04"]
        )
    with pytest.raises(PermissionDenied):
        department_catalogue_publish(
            actor=make_user("purchaser", unit="cs_civil"),
            version=small_catalogue,
            unit=purchaser.unit,
            item_codes=["A0401"],
        )


def test_finance_imports_a_workbook_through_the_api(
    finance: Any, purchaser: Any, small_catalogue: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    workbook = SimpleUploadedFile("catalog.xlsx", export_xlsx(small_catalogue))
    client = Client()
    client.force_login(purchaser)
    assert client.post("/api/v1/catalog/import", {"file": workbook}).status_code == 403
    client.force_login(finance)
    workbook.seek(0)
    response = client.post("/api/v1/catalog/import", {"file": workbook})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] is True and body["version"]["status"] == "draft"
    imported = CatalogVersion.objects.get(pk=body["version"]["id"])
    assert catalog_content(imported) == catalog_content(small_catalogue)


def test_finance_manages_versions_on_the_catalogue_page(finance: Any, small_catalogue: Any) -> None:
    from django.test import Client

    client = Client()
    client.force_login(finance)
    page = client.get("/catalog/").content.decode()
    assert "目录管理（财政部门）" in page and "居家养老上门服务" in page
    client.post(
        "/catalog/versions/new/",
        {"year": "2026", "title": "修订稿", "based_on": str(small_catalogue.pk)},
    )
    draft = CatalogVersion.objects.get(title="修订稿")
    assert catalog_content(draft) == catalog_content(small_catalogue)
    client.post(f"/catalog/versions/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    response = client.post(f"/catalog/versions/{draft.pk}/publish/")
    assert response.status_code == 409 and "当前状态" in response.content.decode()
