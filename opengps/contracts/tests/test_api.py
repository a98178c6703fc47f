"""The contracts API: the whole life over HTTP as the parties would call it; who may read and write."""

from __future__ import annotations

import base64
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opengps.core.models import AuditEvent
from opengps.evaluation.models import Award

pytestmark = pytest.mark.django_db

API = "/api/v1/contracts"
PDF = b"%PDF-1.4\n" + "验收材料".encode() + b"\n%%EOF"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_json(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def _create_sign_publish(office: Client, award: Award, start: date) -> int:
    """The purchaser creates, signs and publishes the contract of the award; returns its id."""
    created = post_json(
        office,
        f"{API}/",
        {
            "award_id": award.pk,
            "kind": "outsourcing",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=364)).isoformat(),
            "performance_bond": "10000",
            "indicators": [{"code": "visits", "name": "上门服务人次", "target": "1200"}],
        },
    )
    assert created.status_code == 201, created.content
    cid: int = created.json()["id"]
    assert created.json()["amount"] in ("268000.00", 268000.0, "268000")
    assert post_json(office, f"{API}/{cid}/sign").status_code == 200
    published = post_json(office, f"{API}/{cid}/publish")
    assert published.json()["status"] == "published"
    return cid


def _amend_over_the_cap_then_within(office: Client, cid: int) -> None:
    # an amendment over the cap comes back as a coded error citing the rule
    over = post_json(office, f"{API}/{cid}/amendments", {"added_amount": "26800.01", "reason": "追加"})
    assert over.status_code == 400
    assert over.json()["error"]["code"] == "contract.amendment_over_cap"
    assert "第四十九条" in over.json()["error"]["message"]
    ok = post_json(office, f"{API}/{cid}/amendments", {"added_amount": "1000", "reason": "追加"})
    assert ok.status_code == 201 and ok.json()["cumulative"] in ("1000.00", 1000.0)


def _plan(office: Client, cid: int, start: date) -> int:
    """A deliverable, a milestone (then completed) and a payment after phase 1; returns the
    deliverable's id."""
    d = post_json(office, f"{API}/{cid}/deliverables", {"name": "服务档案"}).json()
    m = post_json(
        office,
        f"{API}/{cid}/milestones",
        {"title": "需求评估", "due_on": (start + timedelta(days=10)).isoformat()},
    ).json()
    post_json(office, f"{API}/{cid}/payments", {"title": "尾款", "amount": "100000", "after_phase": 1})
    assert {i["kind"] for i in office.get(f"{API}/late").json()} == {"milestone", "report"}
    done = post_json(office, f"{API}/{cid}/milestones/{m['id']}/complete")
    assert done.json()["done_on"] == timezone.localdate().isoformat()
    deliverable: int = d["id"]
    return deliverable


def _report(office: Client, supplier: Client, cid: int, start: date) -> None:
    # the supplier reports with an attachment; the purchaser may not
    report = {
        "period_start": start.isoformat(),
        "period_end": (start + timedelta(days=29)).isoformat(),
        "summary": "完成 120 人次",
        "figures": {"visits": "120"},
        "files": [{"name": "台账.pdf", "content_base64": base64.b64encode(PDF).decode()}],
    }
    filed = post_json(supplier, f"{API}/{cid}/reports", report)
    assert filed.status_code == 201, filed.content
    assert filed.json()["attachments"][0]["kind"] == "pdf"
    assert post_json(office, f"{API}/{cid}/reports", report).status_code == 403


def _accept_finally_and_publish(office: Client, cid: int, deliverable: int) -> dict[str, Any]:
    """The final phase passes, completing the contract, and is published; returns the detail."""
    accepted = post_json(
        office,
        f"{API}/{cid}/acceptances",
        {
            "title": "最终验收",
            "result": "pass",
            "final": True,
            "members": [{"name": "张敏", "role": "采购人代表"}],
            "checklist": [{"deliverable_id": deliverable, "passed": True}],
            "recipients_invited": 10,
            "recipients_how": "电话回访",
            "recipient_opinions": [{"who": "服务对象A", "opinion": "满意", "satisfied": True}],
        },
    )
    assert accepted.status_code == 201, accepted.content
    aid = accepted.json()["id"]
    post_json(office, f"{API}/{cid}/acceptances/{aid}/publish")
    detail: dict[str, Any] = office.get(f"{API}/{cid}").json()
    assert detail["status"] == "completed" and detail["acceptances"][0]["published"] is True
    assert detail["payments"][0]["due_on"] is not None
    return detail


def test_contract_life_over_the_api(
    purchaser: Any, award: Award, winner_user: Any, auditor: Any, make_user: Any
) -> None:
    office = client_for(purchaser)
    start = timezone.localdate() - timedelta(days=45)
    # the purchaser sees the award waiting for a contract
    assert [a["id"] for a in office.get(f"{API}/awards").json()] == [award.pk]
    cid = _create_sign_publish(office, award, start)
    _amend_over_the_cap_then_within(office, cid)
    deliverable = _plan(office, cid, start)
    _report(office, client_for(winner_user), cid, start)
    detail = _accept_finally_and_publish(office, cid, deliverable)
    # auditors read everything but cannot write; another unit sees nothing
    assert client_for(auditor).get(f"{API}/{cid}").status_code == 200
    denied = post_json(client_for(auditor), f"{API}/{cid}/terminate", {"reason": "x", "fault": "mutual"})
    assert denied.status_code == 403
    stranger = client_for(make_user("purchaser", unit="cs_civil"))
    assert stranger.get(f"{API}/{cid}").status_code == 404
    assert stranger.get(f"{API}/").json() == []
    # the public sees only public fields and published acceptances, without login
    public = Client().get(f"{API}/public/{cid}").json()
    assert public["reference"] == detail["reference"] and "sign_late_reason" not in public
    assert [a["phase"] for a in public["acceptances"]] == [1]
    assert Client().get(f"{API}/{cid}").status_code == 401
    assert AuditEvent.objects.filter(action="contract.completed").count() == 1


def test_posts_payments_and_termination_over_the_api(purchaser: Any, award: Award, winner_user: Any) -> None:
    office = client_for(purchaser)
    start = timezone.localdate() - timedelta(days=5)
    cid = office.post(
        f"{API}/",
        {
            "award_id": award.pk,
            "kind": "posts",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=300)).isoformat(),
        },
        content_type="application/json",
    ).json()["id"]
    post = office.post(
        f"{API}/{cid}/posts",
        {"name": "社会工作者", "headcount": 2, "location": "社工站"},
        content_type="application/json",
    )
    assert post.status_code == 201
    m = office.post(
        f"{API}/{cid}/milestones",
        {"title": "到岗", "due_on": start.isoformat()},
        content_type="application/json",
    ).json()
    d = office.post(
        f"{API}/{cid}/deliverables",
        {"name": "考勤记录", "milestone_id": m["id"]},
        content_type="application/json",
    )
    assert d.status_code == 201 and d.json()["milestone_id"] == m["id"]
    wrong = office.post(
        f"{API}/{cid}/deliverables", {"name": "x", "milestone_id": 999999}, content_type="application/json"
    )
    assert wrong.status_code == 400
    pay = office.post(
        f"{API}/{cid}/payments",
        {"title": "首期", "amount": "50000", "planned_on": start.isoformat()},
        content_type="application/json",
    ).json()
    office.post(f"{API}/{cid}/sign", {}, content_type="application/json")
    office.post(f"{API}/{cid}/publish", {}, content_type="application/json")
    placed = client_for(winner_user).post(
        f"{API}/{cid}/posts/{post.json()['id']}/placements",
        {"person_name": "陈静", "starts_on": start.isoformat()},
        content_type="application/json",
    )
    assert placed.status_code == 201
    paid = office.post(
        f"{API}/{cid}/payments/{pay['id']}/paid", {"voucher": "PZ-9"}, content_type="application/json"
    )
    assert paid.status_code == 200 and paid.json()["paid_on"] == timezone.localdate().isoformat()
    bad_file = client_for(winner_user).post(
        f"{API}/{cid}/reports",
        {
            "period_start": start.isoformat(),
            "period_end": start.isoformat(),
            "summary": "x",
            "files": [{"name": "a.pdf", "content_base64": "***"}],
        },
        content_type="application/json",
    )
    assert bad_file.json()["error"]["code"] == "contract.file_encoding"
    ended = office.post(
        f"{API}/{cid}/terminate",
        {"reason": "岗位取消", "fault": "purchaser"},
        content_type="application/json",
    )
    assert ended.status_code == 200 and ended.json()["status"] == "terminated"
    assert ended.json()["posts"][0]["placements"][0]["person_name"] == "陈静"
    assert [c["id"] for c in Client().get(f"{API}/public").json()] == [cid]
    assert office.get(f"{API}/?status=terminated").json()[0]["id"] == cid
    missing = office.post(
        f"{API}/",
        {"award_id": 999999, "kind": "posts", "starts_on": "2026-01-01", "ends_on": "2026-02-01"},
        content_type="application/json",
    )
    assert missing.status_code == 404
