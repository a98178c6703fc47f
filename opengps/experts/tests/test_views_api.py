"""Expert screens and API: who reads what, the draw page's replay check, answering invitations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from opengps.experts.models import Draw, DrawMember, MemberStatus
from opengps.experts.services import draw_create, expert_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(make_expert: Callable[..., Any], agency: Any, draw_args: Callable[..., dict[str, Any]]) -> Draw:
    for _ in range(7):
        make_expert()
    return draw_create(actor=agency, **draw_args())


def test_the_expert_list_is_for_finance_agencies_and_auditors(
    client: Client, make_expert: Callable[..., Any], finance: Any, purchaser: Any
) -> None:
    expert = make_expert(name="欧阳明", specialties=["A0401"])
    make_expert(name="司马光", specialties=["B01"])
    client.force_login(finance)
    html = client.get("/experts/?specialty=A04").content.decode()
    assert "欧阳明" in html and "司马光" not in html
    detail = client.get(f"/experts/{expert.pk}/").content.decode()
    assert expert.id_number_masked in detail
    api = client.get("/api/v1/experts?q=欧阳").json()
    assert api["count"] == 1 and api["results"][0]["name"] == "欧阳明"
    assert "id_number_hash" not in client.get(f"/api/v1/experts/{expert.pk}").json()
    client.force_login(purchaser)
    assert client.get("/experts/").status_code == 403
    assert client.get("/api/v1/experts").status_code == 403
    client.logout()
    assert client.get("/api/v1/experts").status_code == 401


def test_the_draw_page_shows_inputs_seed_pool_and_a_passing_replay(
    client: Client, drawn: Draw, agency: Any, auditor: Any
) -> None:
    client.force_login(agency)
    html = client.get(f"/experts/draws/{drawn.pk}/").content.decode()
    assert drawn.seed in html and drawn.audit_chain_head in html and "复核一致" in html
    client.force_login(auditor)
    api = client.get(f"/api/v1/experts/draws/{drawn.pk}").json()
    assert api["check"]["ok"] is True and api["seed"] == drawn.seed
    assert [m["expert_id"] for m in api["members"]] == api["check"]["replayed"]


def test_a_draw_is_invisible_to_other_units(
    client: Client, drawn: Draw, make_user: Callable[..., Any]
) -> None:
    client.force_login(make_user("purchaser", unit="cs_civil"))
    assert client.get(f"/experts/draws/{drawn.pk}/").status_code == 404
    assert client.get(f"/api/v1/experts/draws/{drawn.pk}").status_code == 404
    assert client.get("/api/v1/experts/draws").json() == []
    client.force_login(make_user("purchaser", unit="civil"))
    assert client.get(f"/experts/draws/{drawn.pk}/").status_code == 200


def test_drawing_through_the_api_sets_the_time_on_the_server(
    client: Client, make_expert: Callable[..., Any], agency: Any, units: dict[str, Any]
) -> None:
    for _ in range(5):
        make_expert()
    client.force_login(agency)
    payload = {
        "procurement_ref": "HNZC-API-1",
        "title": "社区养老服务",
        "purchaser_unit": units["civil"].pk,
        "category": "A04",
        "method": "open_tender",
        "budget": "900000.00",
        "needed": 5,
        "bidders": [{"bidder_id": "52430100MJ0000001X", "name": "某中心", "legal_representative": "张丽"}],
        "drawn_at": "2020-01-01T00:00:00Z",
    }
    response = client.post("/api/v1/experts/draws", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["check"]["ok"] and len(body["members"]) == 5
    assert not body["inputs"]["drawn_at"].startswith("2020")
    payload["needed"] = 7
    refused = client.post("/api/v1/experts/draws", payload, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "draw.not_enough_experts"
    assert refused.json()["error"]["params"]["available"] == 5
    unknown = client.post(
        "/api/v1/experts/draws",
        {**payload, "needed": 5, "bidder_usccs": ["X"]},
        content_type="application/json",
    )
    assert unknown.json()["error"]["code"] == "draw.bidder_unknown"


def test_an_expert_confirms_before_seeing_the_project(
    client: Client,
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    finance: Any,
    agency: Any,
    draw_args: Callable[..., dict[str, Any]],
) -> None:
    account = make_user("expert", unit=None)
    experts = [make_expert() for _ in range(5)]
    expert_update(actor=finance, expert=experts[0], user=account)
    draw = draw_create(actor=agency, **draw_args(title="机密项目名称"))
    member = DrawMember.objects.get(draw=draw, expert=experts[0])
    client.force_login(account)
    before = client.get("/experts/invitations/").content.decode()
    assert "机密项目名称" not in before and draw.procurement_ref not in before
    assert client.get("/api/v1/experts/invitations").json()[0]["title"] is None
    # the draw page itself stays closed to experts
    assert client.get(f"/experts/draws/{draw.pk}/").status_code == 404
    response = client.post(
        f"/experts/members/{member.pk}/respond/", {"answer": "accept", "no_conflict_confirmed": "on"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.ACCEPTED
    assert "机密项目名称" in client.get("/experts/invitations/").content.decode()


def test_the_agency_records_a_decline_on_the_page_and_the_substitute_follows(
    client: Client, drawn: Draw, agency: Any
) -> None:
    client.force_login(agency)
    first = drawn.members.order_by("order").first()
    assert first is not None
    response = client.post(f"/experts/members/{first.pk}/respond/", {"answer": "decline", "reason": "出差"})
    assert response.status_code == 302
    assert drawn.members.count() == 6
    html = client.get(f"/experts/draws/{drawn.pk}/").content.decode()
    assert "复核一致" in html and "替补" in html
    api = client.post(
        f"/api/v1/experts/members/{first.pk}/response", {"accept": True}, content_type="application/json"
    )
    assert api.status_code == 400 and api.json()["error"]["code"] == "draw.conflict_not_confirmed"
