"""One URL per action on the catalogue (STYLE 14): each succeeds with its own message, each refusal
shows beside its field with its status and changes nothing, the action URLs take POST only, and
anyone who does not edit the catalogue gets 404 for a version, entry or price."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from opengps.catalog import services
from opengps.catalog.excel import export_xlsx
from opengps.catalog.models import CatalogItem, CatalogVersion, PriceEntry, VersionStatus
from opengps.catalog.urls import urlpatterns
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PAGES = {"index", "item"}
"""The URLs that are pages, not actions (the new entry's URL is both: its form, and the action)."""


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _error_element(page: str, element_id: str) -> str:
    """The text of the error list `element_id` on the page ("" when the page has none)."""
    found = re.search(rf'<ul class="errorlist[^"]*" id="{re.escape(element_id)}"[^>]*>(.*?)</ul>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else ""


@dataclass
class World:
    finance: Any
    published: CatalogVersion
    draft: CatalogVersion
    empty: CatalogVersion
    item: CatalogItem
    price: PriceEntry

    def entry(self, code: str, version: CatalogVersion | None = None) -> CatalogItem:
        return (version or self.draft).items.get(code=code)


@pytest.fixture
def world(finance: Any, small_catalogue: CatalogVersion) -> World:
    draft = services.catalog_version_create(
        actor=finance, year=2026, title="目录（修订稿）", based_on=small_catalogue
    )
    empty = services.catalog_version_create(actor=finance, year=2027, title="空白草稿")
    item = draft.items.get(code="A0401")
    return World(finance, small_catalogue, draft, empty, item, item.prices.get(unit_of_measure="人·次"))


def _item_url(name: str, item: CatalogItem) -> str:
    return reverse(f"catalog:{name}", kwargs={"version_pk": item.version_id, "pk": item.pk})


def _price_url(name: str, price: PriceEntry) -> str:
    item = price.item
    return reverse(
        f"catalog:{name}", kwargs={"version_pk": item.version_id, "pk": item.pk, "price_pk": price.pk}
    )


def _workbook(version: CatalogVersion, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile("catalog.xlsx", export_xlsx(version) if data is None else data)


URLS: dict[str, Callable[[World], str]] = {
    "version-create": lambda w: reverse("catalog:version-create"),
    "import": lambda w: reverse("catalog:import"),
    "version-import": lambda w: reverse("catalog:version-import", args=[w.empty.pk]),
    "version-publish": lambda w: reverse("catalog:version-publish", args=[w.draft.pk]),
    "item-new": lambda w: reverse("catalog:item-new", args=[w.draft.pk]),
    "item-update": lambda w: _item_url("item-update", w.item),
    "item-retire": lambda w: _item_url("item-retire", w.item),
    "item-reinstate": lambda w: _item_url("item-reinstate", w.item),
    "item-remove": lambda w: _item_url("item-remove", w.entry("A0402")),
    "price-add": lambda w: _item_url("price-add", w.item),
    "price-update": lambda w: _price_url("price-update", w.price),
    "price-remove": lambda w: _price_url("price-remove", w.price),
}
"""Each action's URL in the world (the object it acts on)."""


def _retired(w: World) -> dict[str, Any]:
    services.catalog_item_retire(actor=w.finance, item=w.item, reason="暂停")
    return {"reason": "恢复购买"}


# (action, data to post (may prepare the world), the message shown next, what changed)
SUCCESSES: list[tuple[str, Callable[[World], dict[str, Any]], str, Callable[[World], bool]]] = [
    (
        "version-create",
        lambda w: {"year": "2028", "title": "2028 年目录", "based_on": str(w.published.pk)},
        "已新建草稿版本“2028 年目录”",
        lambda w: CatalogVersion.objects.get(title="2028 年目录").items.count() == w.published.items.count(),
    ),
    (
        "import",
        lambda w: {"file": _workbook(w.published)},
        "已导入",
        lambda w: CatalogVersion.objects.filter(year=2026, status=VersionStatus.DRAFT).count() == 2,
    ),
    (
        "version-import",
        lambda w: {"file": _workbook(w.published)},
        "已导入",
        lambda w: w.empty.items.count() == w.published.items.count(),
    ),
    (
        "version-publish",
        lambda w: {},
        "目录“目录（修订稿）”已发布",
        lambda w: CatalogVersion.objects.get(pk=w.draft.pk).status == VersionStatus.PUBLISHED,
    ),
    (
        "item-new",
        lambda w: {"code": "A0902", "name": "社会工作督导服务", "parent_code": "A09"},
        "已新增目录事项“社会工作督导服务”",
        lambda w: w.entry("A0902").parent == w.entry("A09"),
    ),
    (
        "item-update",
        lambda w: {"code": "A0401", "name": "居家养老服务", "parent_code": "A04", "unit_of_service": "人·次"},
        "事项修改已保存",
        lambda w: w.entry("A0401").name == "居家养老服务",
    ),
    ("item-retire", lambda w: {"reason": "停止购买"}, "事项已停用", lambda w: w.entry("A0401").retired),
    ("item-reinstate", _retired, "事项已恢复", lambda w: not w.entry("A0401").retired),
    (
        "item-remove",
        lambda w: {},
        "事项“社区日间照料服务”已删除",
        lambda w: not w.draft.items.filter(code="A0402").exists(),
    ),
    (
        "price-add",
        lambda w: {"unit_of_measure": "项", "price": "1200", "effective_year": "2027", "note": "含交通"},
        "参考价格已保存",
        lambda w: w.item.prices.filter(unit_of_measure="项", effective_year=2027, note="含交通").exists(),
    ),
    (
        "price-update",
        lambda w: {"unit_of_measure": "人·次", "price": "65.5", "effective_year": "", "note": ""},
        "参考价格已修改",
        lambda w: str(PriceEntry.objects.get(pk=w.price.pk).price) == "65.50",
    ),
    (
        "price-remove",
        lambda w: {},
        "参考价格已删除",
        lambda w: not PriceEntry.objects.filter(pk=w.price.pk).exists(),
    ),
]


def _published_item(w: World) -> str:
    return _item_url("item-reinstate", w.entry("A0401", w.published))


def _published_price(w: World) -> str:
    return _price_url("price-remove", w.entry("A0401", w.published).prices.get(unit_of_measure="人·次"))


# (action, its URL (None: the world's), data, the error list's id, the message in it, status).
# A read-only page (a published version's) has no forms: its refusal shows in the page's "refusal" list.
REFUSALS: list[
    tuple[str, Callable[[World], str] | None, Callable[[World], dict[str, Any]], str, str, int]
] = [
    (
        "version-create",
        None,
        lambda w: {"year": "2026", "title": " "},
        "create-title_error",
        "请填写目录名称",
        400,
    ),
    (
        "version-create",
        None,
        lambda w: {"year": "二〇二六", "title": "x"},
        "create-year_error",
        "年度无效",
        400,
    ),
    ("import", None, lambda w: {}, "import-file_error", "请选择文件", 400),
    (
        "version-import",
        None,
        lambda w: {"file": _workbook(w.published, b"not a workbook")},
        "import-file_error",
        "无法读取该文件",
        400,
    ),
    (
        "version-publish",
        lambda w: reverse("catalog:version-publish", args=[w.empty.pk]),
        lambda w: {},
        "publish-errors",
        "目录没有三级事项，不能发布",
        400,
    ),
    (
        "version-publish",
        lambda w: reverse("catalog:version-publish", args=[w.published.pk]),
        lambda w: {},
        "refusal",
        "不能执行此操作",
        409,
    ),
    (
        "item-new",
        None,
        lambda w: {"code": "A0401", "name": "重复", "parent_code": "A04"},
        "item-code_error",
        "编码“A0401”在本版本中已被使用",
        409,
    ),
    (
        "item-new",
        None,
        lambda w: {"code": "A0903", "name": "x", "parent_code": "ZZ"},
        "item-parent_code_error",
        "ZZ",
        400,
    ),
    (
        "item-update",
        None,
        lambda w: {"code": "", "name": "x", "parent_code": "A04"},
        "item-code_error",
        "请填写编码和名称",
        400,
    ),
    ("item-update", None, lambda w: {"code": "A0401", "name": "x" * 201}, "item-name_error", "200", 400),
    ("item-retire", None, lambda w: {"reason": ""}, "status-reason_error", "请填写停用理由", 400),
    ("item-reinstate", _published_item, lambda w: {"reason": "x"}, "refusal", "已发布，不能修改", 409),
    (
        "item-remove",
        lambda w: _item_url("item-remove", w.entry("A04")),
        lambda w: {},
        "remove-errors",
        "请先删除下级事项",
        409,
    ),
    (
        "price-add",
        None,
        lambda w: {"unit_of_measure": "人·次", "price": "-1"},
        "price_add-price_error",
        "参考价格应大于零",
        400,
    ),
    (
        "price-add",
        None,
        lambda w: {"unit_of_measure": "人·次", "price": "1", "effective_year": "1e3"},
        "price_add-effective_year_error",
        "执行年度应为四位年份",
        400,
    ),
    (
        "price-update",
        None,
        lambda w: {"unit_of_measure": "户·月", "price": "61", "effective_year": "2026"},
        "price-{price}-unit_of_measure_error",
        "该事项已有 2026 年度按“户·月”计的参考价格",
        409,
    ),
    ("price-remove", _published_price, lambda w: {}, "refusal", "已发布，不能修改", 409),
]


def _state() -> tuple[Any, ...]:
    """Everything an action could change: versions, entries, prices and the audit trail."""
    return (
        list(CatalogVersion.objects.order_by("pk").values()),
        list(CatalogItem.objects.order_by("pk").values()),
        list(PriceEntry.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def _actions() -> list[str]:
    return sorted(str(p.name) for p in urlpatterns if p.name not in PAGES)


def test_every_action_url_has_a_success_and_a_refusal_case() -> None:
    assert sorted(case[0] for case in SUCCESSES) == _actions() == sorted(URLS)
    assert sorted({case[0] for case in REFUSALS}) == _actions()


@pytest.mark.parametrize(("action", "data", "message", "changed"), SUCCESSES, ids=[c[0] for c in SUCCESSES])
def test_an_action_succeeds_with_its_own_message(
    world: World,
    action: str,
    data: Callable[[World], dict[str, Any]],
    message: str,
    changed: Callable[[World], bool],
) -> None:
    # given finance on the page of the draft
    client = _client(world.finance)
    posted = data(world)
    # when
    response = client.post(URLS[action](world), posted)
    # then the page it returns to says what was done, and it was done
    assert response.status_code == 302, response.content.decode()[:2000]
    assert message in client.get(response["Location"]).content.decode()
    assert changed(world)


@pytest.mark.parametrize(
    ("action", "url", "data", "element", "message", "status"),
    REFUSALS,
    ids=[f"{c[0]}-{c[3]}" for c in REFUSALS],
)
def test_a_refusal_shows_beside_its_field_and_changes_nothing(
    world: World,
    action: str,
    url: Callable[[World], str] | None,
    data: Callable[[World], dict[str, Any]],
    element: str,
    message: str,
    status: int,
) -> None:
    # given
    client = _client(world.finance)
    target, posted = (url or URLS[action])(world), data(world)
    before = _state()
    # when
    response = client.post(target, posted)
    # then the page comes back with the message in the error list beside the field (or the form)
    assert response.status_code == status, response.content.decode()[:2000]
    page = response.content.decode()
    shown = _error_element(page, element.format(price=world.price.pk))
    assert message in shown, (shown, page[:3000])
    assert "catalog." not in _error_element(page, "refusal")  # a message, never a code
    # and nothing changed
    assert _state() == before


@pytest.mark.parametrize("action", sorted(set(URLS) - {"version-create", "import"}))
@pytest.mark.parametrize("who", ["purchaser", "auditor"])
def test_anyone_who_does_not_edit_the_catalogue_gets_404_and_nothing_changes(
    world: World, purchaser: Any, auditor: Any, action: str, who: str
) -> None:
    # given a purchaser (who cannot see drafts) or an auditor (who reads drafts but edits nothing)
    user = {"purchaser": purchaser, "auditor": auditor}[who]
    posted = dict(next(case[1] for case in SUCCESSES if case[0] == action)(world))
    before = _state()
    # when they post what would succeed for finance
    response = _client(user).post(URLS[action](world), posted)
    # then
    assert response.status_code == 404
    assert "未找到" in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("action", ["version-create", "import"])
def test_a_new_version_by_anyone_outside_finance_is_refused_with_403(
    world: World, purchaser: Any, action: str
) -> None:
    posted = next(case[1] for case in SUCCESSES if case[0] == action)(world)
    before = _state()
    response = _client(purchaser).post(URLS[action](world), posted)
    assert response.status_code == 403
    assert _error_element(response.content.decode(), "refusal")
    assert _state() == before


def test_a_price_of_another_entry_is_404(world: World) -> None:
    # given a price of A0401, posted under the URL of another entry
    other = world.entry("A0402")
    url = reverse(
        "catalog:price-remove",
        kwargs={"version_pk": world.draft.pk, "pk": other.pk, "price_pk": world.price.pk},
    )
    before = _state()
    # when / then
    assert _client(world.finance).post(url).status_code == 404
    assert _state() == before


def test_an_entry_under_another_versions_url_is_404(world: World) -> None:
    url = reverse("catalog:item-retire", kwargs={"version_pk": world.empty.pk, "pk": world.item.pk})
    before = _state()
    assert _client(world.finance).post(url, {"reason": "x"}).status_code == 404
    assert _state() == before


@pytest.mark.parametrize("action", sorted(set(URLS) - {"item-new"}))
def test_a_get_on_an_action_url_is_405(world: World, action: str) -> None:
    assert _client(world.finance).get(URLS[action](world)).status_code == 405


def test_an_anonymous_post_goes_to_the_login_page(world: World) -> None:
    before = _state()
    response = Client().post(URLS["item-retire"](world), {"reason": "x"})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert _state() == before


def test_the_pages_post_each_form_to_its_own_url(world: World) -> None:
    # given finance on the draft's catalogue page and on an entry's page
    client = _client(world.finance)
    index = client.get(f"/catalog/?version={world.draft.pk}").content.decode()
    entry = client.get(reverse("catalog:item", args=[world.draft.pk, world.item.pk])).content.decode()
    # then every form posts to its action's URL, with the CSRF token, and no form names an "action"
    for action in ("version-create", "version-publish"):
        assert f'action="{URLS[action](world)}"' in index
    assert f'action="{reverse("catalog:version-import", args=[world.draft.pk])}"' in index
    for action in ("item-update", "item-retire", "price-add", "price-update", "price-remove"):
        assert f'action="{URLS[action](world)}"' in entry
    assert f'action="{_item_url("item-remove", world.item)}"' in entry
    for page in (index, entry):
        assert page.count('method="post"') == page.count('name="csrfmiddlewaretoken"')
        assert 'name="action"' not in page
