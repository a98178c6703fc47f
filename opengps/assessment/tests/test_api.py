"""Assessment API: the lifecycle through /api/v1/assessment/ with the services' codes as structured
JSON (bad weights 400, a linked assessor 403, an early decision 400), the public notice without a
session, and objections rate-limited per address (429)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.test import Client

from opengps.accounts.models import Unit, User
from opengps.assessment.models import Application, Round
from opengps.assessment.tests.conftest import ITEMS, SELF

API = "/api/v1/assessment"
SHEETS = [
    {"A1": "140", "B1": "230", "C1": "370.5", "D1": "180"},
    {"A1": "135", "B1": "220", "C1": "360", "D1": "185.25"},
]


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post(user: User | None, path: str, payload: dict[str, Any]) -> Any:
    return client_for(user).post(f"{API}{path}", payload, content_type="application/json")


def test_bad_weights_are_a_400_naming_the_field(registrar: User, today: date) -> None:
    items = [dict(item) for item in ITEMS]
    items[0]["max_points"] = "100"
    response = post(
        registrar,
        "/sets",
        {
            "org_type": "social_service_agency",
            "name": "有误的指标",
            "effective_from": "2027-01-01",
            "total_points": "1000",
            "items": items,
        },
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "assessment.indicator_total_mismatch" and error["field"] == "items"
    assert error["params"] == {"sum": "950", "total": "1000", "citation": error["params"]["citation"]}


def test_the_lifecycle_through_the_api(
    registrar: User,
    round_: Round,
    assessors: list[User],
    applicant: Callable[..., User],
    evaluator_unit: Unit,
    clock_at: Callable[..., None],
) -> None:
    member = applicant()
    response = post(member, f"/rounds/{round_.pk}/applications", {"self_scores": SELF, "self_note": "自评"})
    assert response.status_code == 201, response.content
    app_id = response.json()["id"]
    assert response.json()["self_total"] == "940.00"

    screened = post(registrar, f"/applications/{app_id}/screen", {})
    assert screened.status_code == 200 and screened.json()["status"] == "eligible"

    # a third assessor of the body who declared a link is refused with the reason
    linked = User.objects.create_user(username="assessor3", role="evaluator", unit=evaluator_unit)
    org = Application.objects.get(pk=app_id).organization
    declared = post(
        linked,
        "/links",
        {"organization_uscc": org.uscc, "relation": "relative", "assessor_id": linked.pk},
    )
    assert declared.status_code == 201
    sheet = {"visited_on": "2027-03-01", "visit_record": "实地考察"}
    refused = post(linked, f"/applications/{app_id}/sheets", {**sheet, "scores": SHEETS[0]})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "assessment.conflict_of_interest"
    assert "近亲属" in refused.json()["error"]["message"]

    for assessor, scores in zip(assessors, SHEETS, strict=True):
        assert (
            post(assessor, f"/applications/{app_id}/sheets", {**sheet, "scores": scores}).status_code == 201
        )
    detail = client_for(member).get(f"{API}/applications/{app_id}").json()
    assert detail["status"] == "assessed" and detail["score"] == "910.38"

    assert post(registrar, f"/rounds/{round_.pk}/committee", {"note": "审定"}).status_code == 200
    clock_at(date(2027, 4, 1), tick=False)
    assert post(registrar, f"/rounds/{round_.pk}/notice", {}).json()["status"] == "notice"

    public = Client().get(f"{API}/notices/{round_.pk}")
    assert public.status_code == 200
    body = public.json()
    assert body["notice_open"] is True
    assert [(row["organization_uscc"], row["proposed_level"]) for row in body["applications"]] == [
        (org.uscc, 5)
    ]

    filed = post(
        None,
        f"/notices/{round_.pk}/objections",
        {"application_id": app_id, "filer_name": "李先生", "filer_contact": "139", "text": "场地不符"},
    )
    assert filed.status_code == 201 and "filer_contact" not in filed.json()
    early = post(registrar, f"/rounds/{round_.pk}/decide", {"decision_no": "湘民评〔2027〕5号"})
    assert early.status_code == 400 and early.json()["error"]["code"] == "assessment.notice_running"

    reviewed = post(
        registrar,
        f"/objections/{filed.json()['id']}/review",
        {"upheld": True, "decision": "降级", "level": 4},
    )
    assert reviewed.json()["level_after"] == 4
    clock_at(date(2027, 4, 8), tick=False)
    decided = post(registrar, f"/rounds/{round_.pk}/decide", {"decision_no": "湘民评〔2027〕5号"})
    assert decided.status_code == 200 and decided.json()["status"] == "decided"
    assert client_for(member).get(f"{API}/applications/{app_id}").json()["rating_level"] == 4


def test_objections_are_rate_limited_per_address(round_: Round, today: date) -> None:
    client = Client()
    path = f"{API}/notices/{round_.pk}/objections"
    payload = {"application_id": 1, "filer_name": "甲", "filer_contact": "乙", "text": "异议"}
    codes = [client.post(path, payload, content_type="application/json").status_code for _ in range(6)]
    # the round is not on notice: 404 for the first five, then the sixth is refused for the rate
    assert codes == [404] * 5 + [429]


def test_an_unknown_round_is_a_404_and_others_do_not_see_it(round_: Round, make_user: Any) -> None:
    stranger = make_user("purchaser")
    assert client_for(stranger).get(f"{API}/rounds/{round_.pk}").status_code == 404
    assert (
        client_for(stranger).get(f"{API}/rounds/999999").json()["error"]["code"]
        == "assessment.round_not_found"
    )
