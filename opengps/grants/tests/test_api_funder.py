"""The funder's writes over the API, each one service call, and the public objection endpoint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from opengps.demo.world import (
    GRANT_CRITERIA,
    GRANT_DECIDE_ON,
    GRANT_NOTICE_ON,
    GRANT_REVIEW_ON,
    GRANT_SUBMIT_ON,
    GrantsWorld,
    grant_application_values,
)
from opengps.experts.services import draw_member_respond
from opengps.grants import services
from opengps.grants.models import AgreementStatus, Round, RoundStatus
from opengps.grants.tests.test_views_funder import _on_notice, clock  # noqa: F401

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(f"/api/v1/grants{url}", data or {}, content_type="application/json")


ROUND = {
    "year": 2023,
    "title": "2023年度公益创投",
    "total_amount": "300000.00",
    "per_project_cap": "120000.00",
    "purpose_areas": ["elderly"],
    "call_opens": "2023-04-01",
    "call_closes": "2023-04-30",
    "review_by": "2023-05-31",
    "agreement_by": "2023-06-30",
    "criteria": GRANT_CRITERIA,
    "min_rating": 3,
    "regions": ["430000"],
}


def test_programme_and_round_over_the_api(client: Client, world: GrantsWorld, units: dict[str, Any]) -> None:
    client.force_login(world.funder)
    created = _post(client, "/programmes", {"name": "湖南省公益创投", "is_venture_philanthropy": True})
    assert created.status_code == 201 and created.json()["is_venture_philanthropy"] is True
    programme_id = created.json()["id"]
    base = {**ROUND, "programme_id": programme_id, "budget_line_id": world.line.pk}
    # a template that does not add up to 100 is refused with the field named
    bad = _post(client, "/rounds", {**base, "criteria": GRANT_CRITERIA[:2]})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "criteria"
    assert _post(client, "/rounds", {**base, "programme_id": 999999}).status_code == 404
    assert _post(client, "/rounds", {**base, "budget_line_id": 999999}).status_code == 400
    assert (
        _post(client, "/rounds", {**base, "audit_firm_id": 999999}).json()["error"]["field"] == "audit_firm"
    )
    response = _post(client, "/rounds", {**base, "audit_firm_id": world.firm.pk})
    assert response.status_code == 201 and response.json()["status"] == "draft"
    round_id = response.json()["id"]
    assert _post(client, f"/rounds/{round_id}/audit-firm", {"firm_id": world.firm.pk}).status_code == 200
    assert _post(client, f"/rounds/{round_id}/publish").json()["status"] == "published"
    # another unit's purchaser is refused
    client.force_login(world.auditor)
    assert _post(client, f"/rounds/{round_id}/cancel", {"reason": "x"}).status_code == 403
    client.force_login(world.funder)
    assert _post(client, f"/rounds/{round_id}/cancel", {"reason": "预算调整"}).json()["status"] == "cancelled"
    assert Round.objects.get(pk=round_id).status == RoundStatus.CANCELLED


def test_the_cycle_over_the_api_from_notice_to_completion(
    client: Client,
    world: GrantsWorld,
    make_round: Callable[..., Any],
    make_org: Callable[..., Any],
    panel_experts: list[Any],
    clock: dict[str, date],  # noqa: F811
) -> None:
    round_, app, _member, _low = _on_notice(world, make_round, make_org)
    clock["today"] = GRANT_NOTICE_ON
    # anyone objects; the public output never carries the contact
    anonymous = Client()
    missing = _post(
        anonymous, f"/rounds/{round_.pk}/objections", {"application_id": app.pk, "text": "重复申报"}
    )
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "filer_name"
    assert (
        _post(
            anonymous, f"/rounds/{round_.pk}/objections", {"application_id": 999999, "text": "x"}
        ).status_code
        == 400
    )
    filed = _post(
        anonymous,
        f"/rounds/{round_.pk}/objections",
        {"application_id": app.pk, "filer_name": "李明", "filer_contact": "13800001111", "text": "重复申报"},
    )
    assert filed.status_code == 201 and "13800001111" not in filed.content.decode()
    objection_id = filed.json()["id"]
    # the funder decides it and the decision is public
    client.force_login(world.funder)
    decided = _post(
        client, f"/objections/{objection_id}/decide", {"upheld": False, "decision": "经核查不重复"}
    )
    assert decided.json()["status"] == "dismissed"
    public = anonymous.get(f"/api/v1/grants/rounds/{round_.pk}/objections").json()
    assert [(o["status"], o["decision"]) for o in public] == [("dismissed", "经核查不重复")]
    # funding decision, agreement, reviews, audit, return, completion
    early = _post(client, f"/rounds/{round_.pk}/decide")
    assert early.status_code == 409 and early.json()["error"]["code"] == "grants.notice_period_running"
    clock["today"] = GRANT_DECIDE_ON
    assert _post(client, f"/rounds/{round_.pk}/decide").json()["status"] == "decided"
    signed = _post(client, f"/applications/{app.pk}/agreement", {"signed_on": "2023-06-20"})
    assert signed.status_code == 201
    agreement = signed.json()
    assert [t["released_amount"] for t in agreement["tranches"]] == ["50000.00", "0.00", "0.00"]
    url = f"/agreements/{agreement['id']}"
    mid = _post(
        client, f"{url}/midterm", {"passed": True, "findings": "进度正常", "reviewed_on": "2023-12-20"}
    )
    assert mid.json()["midterm_passed"] is True
    final = _post(client, f"{url}/final-review", {"score": "88", "note": "良好", "reviewed_on": "2024-07-10"})
    assert final.json()["final_grade"] == "良"
    assert (
        _post(
            client,
            f"{url}/final-audit",
            {
                "opinion": "unqualified",
                "verified_spent": "1",
                "findings": ["x"],
                "completed_on": "2024-08-01",
            },
        ).status_code
        == 403
    )
    client.force_login(world.firm_user)
    audit = _post(
        client,
        f"{url}/final-audit",
        {
            "opinion": "unqualified",
            "verified_spent": "70000.00",
            "findings": ["结余10000元"],
            "completed_on": "2024-08-01",
        },
    )
    assert audit.status_code == 201 and audit.json()["opinion"] == "unqualified"
    client.force_login(world.finance)
    back = _post(
        client,
        f"{url}/fund-returns",
        {"amount": "10000.00", "returned_on": "2024-08-20", "document": "缴001"},
    )
    assert back.status_code == 201
    client.force_login(world.funder)
    assert client.get(f"/api/v1/grants{url}").json()["status"] == AgreementStatus.CLOSED
    assert _post(client, f"/rounds/{round_.pk}/complete").json()["status"] == "completed"


def test_review_steps_over_the_api(
    client: Client,
    world: GrantsWorld,
    make_round: Callable[..., Any],
    make_org: Callable[..., Any],
    panel_experts: list[Any],
    clock: dict[str, date],  # noqa: F811
) -> None:
    round_ = make_round()
    _org, member = make_org()
    app = services.application_save(actor=member, round=round_, **grant_application_values())
    services.application_submit(actor=member, application=app, today=GRANT_SUBMIT_ON)
    client.force_login(world.funder)
    clock["today"] = GRANT_SUBMIT_ON
    assert _post(client, f"/rounds/{round_.pk}/review").status_code == 409
    clock["today"] = GRANT_REVIEW_ON
    assert _post(client, f"/rounds/{round_.pk}/review").json()["status"] == "reviewing"
    assert _post(client, f"/rounds/{round_.pk}/panel", {"needed": 3}).status_code == 200
    round_.refresh_from_db()
    assert round_.draw is not None
    for m in round_.draw.members.select_related("expert__user"):
        draw_member_respond(actor=m.expert.user, member=m, accept=True, no_conflict_confirmed=True)
        services.score_submit(
            actor=m.expert.user, application=app, scores={"need": "28", "design": "36", "capacity": "28"}
        )
    pitch = _post(client, f"/applications/{app.pk}/pitches", {"held_on": "2023-05-10", "location": "会议室"})
    assert pitch.status_code == 201 and pitch.json()["location"] == "会议室"
    assert _post(client, f"/rounds/{round_.pk}/rank").status_code == 200
    clock["today"] = GRANT_NOTICE_ON
    assert _post(client, f"/rounds/{round_.pk}/notice").json()["status"] == "notice"
