"""One URL per action on a procurement (STYLE 14): each refusal shows beside its field and changes
nothing; the action URLs take POST only; a user outside the procurement's scope gets 404."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from opengps.core.models import AuditEvent
from opengps.demo.world import announce_times, real_now
from opengps.procurement import services
from opengps.procurement.models import Procurement
from opengps.procurement.urls import ACTIONS


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _error_element(page: str, element_id: str) -> str:
    """The text of the error list `element_id` on the page ("" when the page has none)."""
    found = re.search(rf'<ul class="errorlist[^"]*" id="{re.escape(element_id)}">(.*?)</ul>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else ""


@dataclass
class World:
    purchaser: Any
    finance: Any
    suppliers: list[Any]
    draft: Procurement
    announced: Procurement
    framework: Procurement
    invited: Procurement
    notice: Procurement


@pytest.fixture
def world(purchaser: Any, finance: Any, suppliers: list[Any], make_plan: Callable[..., Any]) -> World:
    def create(plan: Any, **extra: Any) -> Procurement:
        return services.procurement_create(actor=purchaser, plan=plan, documents="招标文件", **extra)

    draft = create(make_plan("open_tender"))
    announced = create(make_plan("open_tender"))
    issued, deadline = announce_times(ahead=timedelta(days=2))
    services.procurement_announce(actor=purchaser, procurement=announced, bid_deadline=deadline, now=issued)
    services.documents_obtain(actor=suppliers[0], procurement=announced)
    services.enquiry_ask(actor=suppliers[0], procurement=announced, question="服务范围是否含周末？")
    framework = create(
        make_plan(
            "framework_agreement", amount="900000", recipients_outside_buyer_multiple_suppliers_needed=True
        )
    )
    invited = create(make_plan("invited_tender", limited_suppliers=True))
    notice = create(
        make_plan("single_source", only_one_supplier=True),
        single_source_supplier=suppliers[0].organization,
        single_source_reason="唯一供应商",
    )
    issued, deadline = announce_times(days_ago=1, ahead=timedelta(days=20))
    services.procurement_announce(actor=purchaser, procurement=notice, bid_deadline=deadline, now=issued)
    services.objection_raise(actor=suppliers[1], procurement=notice, text="我单位也能提供")
    return World(purchaser, finance, suppliers, draft, announced, framework, invited, notice)


def _tomorrow() -> str:
    return (real_now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def _first_pk(queryset: Any) -> str:
    return str(queryset.values_list("pk", flat=True).first())


# (action, who posts, on which procurement, data, error element, message it contains, status)
REFUSALS: list[tuple[str, str, str, Callable[[World], dict[str, Any]], str, str, int]] = [
    # the form is on the page: the error is beside its field (or above the button that has none)
    (
        "framework-terms",
        "purchaser",
        "framework",
        lambda w: {"elimination_rate": "1/10"},
        "framework_terms-elimination_rate-error",
        "第二十七条",
        400,
    ),
    ("draw", "purchaser", "invited", lambda w: {"count": "1"}, "draw-count-error", "3", 400),
    (
        "announce",
        "purchaser",
        "draft",
        lambda w: {"bid_deadline": _tomorrow()},
        "announce-bid_deadline-error",
        "政府采购法 第三十五条",
        400,
    ),
    (
        "clarify",
        "purchaser",
        "announced",
        lambda w: {"kind": "clarification", "text": " "},
        "clarify-text-error",
        "请填写澄清或修改内容",
        400,
    ),
    (
        "answer",
        "purchaser",
        "announced",
        lambda w: {"enquiry": _first_pk(w.announced.enquiries), "answer": ""},
        "answer-answer-error",
        "请填写答复",
        400,
    ),
    (
        "decide-objection",
        "purchaser",
        "notice",
        lambda w: {"objection": _first_pk(w.notice.objections), "uphold": "0", "text": ""},
        "decide_objection-text-error",
        "请填写处理意见",
        400,
    ),
    ("close-notice", "purchaser", "notice", lambda w: {}, "close_notice-errors", "公示期至", 409),
    ("cancel", "purchaser", "draft", lambda w: {"reason": ""}, "cancel-reason-error", "请填写终止理由", 400),
    ("ask", "supplier", "announced", lambda w: {"question": ""}, "ask-question-error", "请填写询问事项", 400),
    ("object", "supplier2", "notice", lambda w: {"text": ""}, "object-text-error", "请填写异议内容", 400),
    (
        "modify",
        "supplier",
        "announced",
        lambda w: {"lot": "1", "price_total": "250000"},
        "bid-lot-error",
        "尚未递交投标",
        409,
    ),
    ("withdraw", "supplier", "announced", lambda w: {"lot": "1"}, "bid-lot-error", "尚未递交投标", 409),
    # a stale page (the form is no longer offered in this state): the page's error summary says why
    (
        "documents",
        "purchaser",
        "announced",
        lambda w: {"documents": "新文件"},
        "refusal",
        "不能执行此操作",
        409,
    ),
    ("open", "purchaser", "announced", lambda w: {}, "refusal", "投标截止时间前不得解封投标文件", 409),
    ("retender", "purchaser", "draft", lambda w: {"reason": ""}, "refusal", "请填写理由", 400),
    (
        "method-change",
        "purchaser",
        "draft",
        lambda w: {"reason": "无人投标", "method": "open_tender"},
        "refusal",
        "新的采购方式与原方式相同",
        400,
    ),
    (
        "decide-method-change",
        "finance",
        "draft",
        lambda w: {"approve": "1", "note": ""},
        "refusal",
        "请填写审核意见",
        400,
    ),
    ("obtain", "purchaser", "announced", lambda w: {}, "refusal", "无权执行此操作", 403),
    (
        "bid",
        "supplier1",
        "announced",
        lambda w: {"lot": "1", "price_total": "250000"},
        "refusal",
        "请先获取采购文件",
        409,
    ),
]


def test_every_action_url_has_a_refusal_case() -> None:
    assert sorted(case[0] for case in REFUSALS) == sorted(ACTIONS)


@pytest.mark.parametrize(
    ("action", "who", "which", "data", "element", "message", "status"), REFUSALS, ids=[c[0] for c in REFUSALS]
)
def test_a_refusal_shows_beside_its_field_and_changes_nothing(
    world: World,
    action: str,
    who: str,
    which: str,
    data: Callable[[World], dict[str, Any]],
    element: str,
    message: str,
    status: int,
) -> None:
    # given
    user = {
        "purchaser": world.purchaser,
        "finance": world.finance,
        "supplier": world.suppliers[0],
        "supplier1": world.suppliers[1],
        "supplier2": world.suppliers[2],
    }[who]
    procurement: Procurement = getattr(world, which)
    events = AuditEvent.objects.count()
    before = Procurement.objects.values().get(pk=procurement.pk)
    # when
    response = _client(user).post(f"/procurement/{procurement.pk}/{action}/", data(world))
    # then the page comes back with the refusal's status and the error in its place
    assert response.status_code == status, response.content.decode()[:2000]
    page = response.content.decode()
    shown = _error_element(page, element)
    assert shown, f"no #{element} on the page"
    assert message in shown, shown
    # and nothing changed
    assert AuditEvent.objects.count() == events
    assert Procurement.objects.values().get(pk=procurement.pk) == before


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_get_on_an_action_url_is_405(world: World, action: str) -> None:
    response = _client(world.purchaser).get(f"/procurement/{world.draft.pk}/{action}/")
    assert response.status_code == 405


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_another_units_user_gets_404(world: World, make_user: Callable[..., Any], action: str) -> None:
    # given a purchaser of another unit, to whom the draft is invisible
    other = make_user("purchaser", unit="cs_civil")
    events = AuditEvent.objects.count()
    # when
    response = _client(other).post(f"/procurement/{world.draft.pk}/{action}/", {"reason": "x", "lot": "1"})
    # then
    assert response.status_code == 404
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("action", ["documents", "clarify", "open", "cancel", "answer"])
def test_officials_actions_are_404_to_another_units_purchaser_even_when_public(
    world: World, make_user: Callable[..., Any], action: str
) -> None:
    other = make_user("purchaser", unit="cs_civil")
    response = _client(other).post(f"/procurement/{world.announced.pk}/{action}/", {"reason": "x"})
    assert response.status_code == 404


def test_an_anonymous_post_goes_to_the_login_page(world: World) -> None:
    response = Client().post(f"/procurement/{world.announced.pk}/obtain/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_success_redirects_with_a_message(world: World) -> None:
    client = _client(world.purchaser)
    response = client.post(
        f"/procurement/{world.draft.pk}/documents/", {"documents": "修订后的招标文件"}, follow=True
    )
    assert response.redirect_chain == [(f"/procurement/{world.draft.pk}/", 302)]
    assert "采购文件已保存" in response.content.decode()
    world.draft.refresh_from_db()
    assert world.draft.documents == "修订后的招标文件"
