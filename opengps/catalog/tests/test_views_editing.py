"""Catalogue editing screens and API: finance edits drafts, everyone else reads; errors by the field."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.catalog.models import CatalogVersion
from opengps.catalog.services import catalog_version_create
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _error_element(page: str, element_id: str) -> str:
    """The text of the error list `element_id` on the page ("" when the page has none)."""
    found = re.search(rf'<ul class="errorlist[^"]*" id="{re.escape(element_id)}"[^>]*>(.*?)</ul>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else ""


@pytest.fixture
def draft(finance: Any, small_catalogue: CatalogVersion) -> CatalogVersion:
    return catalog_version_create(actor=finance, year=2026, title="目录（修订稿）", based_on=small_catalogue)


def test_finance_edits_a_draft_item_and_its_prices_on_screen(finance: Any, draft: CatalogVersion) -> None:
    client = _client(finance)
    item = draft.items.get(code="A0402")
    url = f"/catalog/versions/{draft.pk}/items/{item.pk}/"
    # given the draft's tree offers edit links and add buttons
    tree = client.get(f"/catalog/?version={draft.pk}").content.decode()
    assert url in tree and "在本类别下新增三级事项" in tree
    # when the item is edited: saved and shown in its history
    response = client.post(
        f"{url}update/",
        {
            "code": "A0402",
            "name": "社区日间照料中心运营服务",
            "parent_code": "A04",
            "description": "含助餐",
            "unit_of_service": "中心·月",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.unit_of_service) == ("社区日间照料中心运营服务", "中心·月")
    page = client.get(url).content.decode()
    assert "修改记录" in page and "社区日间照料服务" in page and "社区日间照料中心运营服务" in page
    # when a taken code is entered: the form comes back with the error next to the field
    clash = client.post(f"{url}update/", {"code": "A0401", "name": "x", "parent_code": "A04"})
    body = clash.content.decode()
    assert clash.status_code == 409
    assert "编码“A0401”在本版本中已被使用" in _error_element(body, "item-code_error")
    assert 'value="A0401"' in body  # the typed value is kept
    assert "catalog.item_code_taken" not in body  # the message, not the code, reaches the screen
    # when a price is added, then corrected, then removed
    client.post(
        f"{url}prices/add/", {"unit_of_measure": "中心·月", "price": "8000", "effective_year": ""}
    )
    price = item.prices.get()
    assert (price.price, price.effective_year) == (Decimal("8000.00"), 2026)
    client.post(
        f"{url}prices/{price.pk}/update/",
        {"unit_of_measure": "中心·月", "price": "8500.50", "effective_year": "2027", "note": ""},
    )
    price.refresh_from_db()
    assert (str(price.price), price.effective_year) == ("8500.50", 2027)
    bad = client.post(f"{url}prices/add/", {"unit_of_measure": "中心·月", "price": "-1"})
    assert bad.status_code == 400
    assert "参考价格应大于零" in _error_element(bad.content.decode(), "price_add-price_error")
    client.post(f"{url}prices/{price.pk}/remove/")
    assert not item.prices.exists()
    # and the item is retired with a reason
    client.post(f"{url}retire/", {"reason": "停止购买"})
    item.refresh_from_db()
    assert item.retired


def test_finance_adds_items_and_categories_on_screen(finance: Any, draft: CatalogVersion) -> None:
    client = _client(finance)
    new = f"/catalog/versions/{draft.pk}/items/new/"
    form = client.get(f"{new}?parent=A09").content.decode()
    assert "新增三级事项" in form and '<option value="A09" selected>' in form
    response = client.post(
        new, {"code": "A0902", "name": "社会工作督导服务", "parent_code": "A09", "unit_of_service": "人·次"}
    )
    item = draft.items.get(code="A0902")
    assert response.status_code == 302 and response["Location"].endswith(f"/items/{item.pk}/")
    client.post(new, {"level": "2", "code": "A10", "name": "残疾人服务", "parent_code": "A"})
    assert draft.items.get(code="A10").level == 2
    missing = client.post(new, {"code": "", "name": "", "parent_code": "A09"})
    assert missing.status_code == 400
    assert "请填写编码和名称" in _error_element(missing.content.decode(), "item-code_error")


def test_others_read_items_and_published_versions_stay_read_only(
    finance: Any, purchaser: Any, small_catalogue: CatalogVersion, draft: CatalogVersion
) -> None:
    item = small_catalogue.items.get(code="A0401")
    url = f"/catalog/versions/{small_catalogue.pk}/items/{item.pk}/"
    # the public reads the item with its prices and years, without any form
    page = _client().get(url).content.decode()
    assert "居家养老上门服务" in page and "60.00" in page and "2026" in page
    assert 'name="action"' not in page and 'method="post" action="/catalog/' not in page
    assert "修改记录" not in page
    # a purchaser cannot see the draft at all, and a forged post changes nothing
    draft_item = draft.items.get(code="A0401")
    assert _client(purchaser).get(f"/catalog/versions/{draft.pk}/items/{draft_item.pk}/").status_code == 404
    forged = _client(purchaser).post(
        f"/catalog/versions/{draft.pk}/items/{draft_item.pk}/update/", {"code": "A0401", "name": "改名"}
    )
    assert forged.status_code == 404
    draft_item.refresh_from_db()
    assert draft_item.name == "居家养老上门服务"
    # finance sees the published version read-only; a stale form is refused with its message
    finance_page = _client(finance).get(url).content.decode()
    assert f'action="{url}update/"' not in finance_page and "已发布的版本不可修改" in finance_page
    events = AuditEvent.objects.count()
    refused = _client(finance).post(f"{url}update/", {"code": "A0401", "name": "改名"})
    body = refused.content.decode()
    assert refused.status_code == 409 and "已发布，不能修改" in _error_element(body, "refusal")
    assert "catalog.version_published" not in body
    assert AuditEvent.objects.count() == events


def test_the_api_edits_items_and_prices_of_drafts_only(
    finance: Any, purchaser: Any, small_catalogue: CatalogVersion, draft: CatalogVersion
) -> None:
    client = _client(finance)
    base = f"/api/v1/catalog/versions/{draft.pk}"
    # when an item is patched: only the given fields change
    response = client.patch(
        f"{base}/items/A0402",
        {"name": "社区日间照料服务（含助餐）", "unit_of_service": "人·天"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["unit_of_service"], body["parent_code"]) == (
        "社区日间照料服务（含助餐）",
        "人·天",
        "A04",
    )
    # a price with next year's effective year, then corrected and removed
    price = client.post(
        f"{base}/prices",
        {"item_code": "A0402", "unit_of_measure": "人·天", "price": "40", "effective_year": 2027},
        content_type="application/json",
    ).json()
    assert (price["price"], price["effective_year"]) == ("40.00", 2027)
    patched = client.patch(
        f"{base}/prices/{price['id']}",
        {"unit_of_measure": "人·天", "price": "42.5", "effective_year": 2027},
        content_type="application/json",
    )
    assert patched.json()["price"] == "42.50"
    assert client.delete(f"{base}/prices/{price['id']}").status_code == 204
    retired = client.post(f"{base}/items/A0402/retire", {"reason": "并入"}, content_type="application/json")
    assert retired.json()["retired"] is True
    # a published version answers 409 with the stable code; a purchaser 403
    published = client.patch(
        f"/api/v1/catalog/versions/{small_catalogue.pk}/items/A0401",
        {"name": "改名"},
        content_type="application/json",
    )
    assert published.status_code == 409
    assert published.json()["error"]["code"] == "catalog.version_published"
    denied = _client(purchaser).patch(
        f"/api/v1/catalog/versions/{small_catalogue.pk}/items/A0401",
        {"name": "改名"},
        content_type="application/json",
    )
    assert denied.status_code == 403
