"""The API and the screens drive the same services: a consultation from plan to opening over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from opengps.core.models import AuditEvent
from opengps.demo.world import PDF, announce_times, real_now, xlsx_bytes
from opengps.procurement import services
from opengps.procurement.models import Procurement

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _files() -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "qualification": SimpleUploadedFile("资格.pdf", PDF),
        "technical": SimpleUploadedFile("技术.pdf", PDF),
        "price_schedule": SimpleUploadedFile("报价.xlsx", xlsx_bytes()),
    }


def test_consultation_through_the_api(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    plan = make_plan("competitive_consultation")
    officer = _client(purchaser)
    # create from the plan
    created = officer.post(
        "/api/v1/procurement/",
        {"plan_id": plan.pk, "documents": "磋商文件", "lots": [{"title": "居家养老", "budget": "300000"}]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["award_basis"] == "综合评分法"
    # an impossible deadline is refused with the article, as JSON
    too_early = officer.post(
        f"/api/v1/procurement/{pk}/announce",
        {"bid_deadline": (real_now() + timedelta(days=2)).isoformat()},
        content_type="application/json",
    )
    assert too_early.status_code == 400
    error = too_early.json()["error"]
    assert error["code"] == "procurement.deadline_too_early" and "214号" in error["params"]["citation"]
    # announce (screens and the API use the real clock; the test moves the issue date back)
    issued, deadline = announce_times()
    services.procurement_announce(
        actor=purchaser, procurement=Procurement.objects.get(pk=pk), bid_deadline=deadline, now=issued
    )
    # suppliers obtain, ask, bid, and keep their receipts
    receipts = []
    for n, user in enumerate(suppliers[:2]):
        client = _client(user)
        assert client.post(f"/api/v1/procurement/{pk}/documents").status_code == 201
        bid = client.post(
            f"/api/v1/procurement/{pk}/lots/1/bid",
            {"price_total": f"{270000 + n}.50", "preferences": "small_micro", **_files()},
        )
        assert bid.status_code == 201, bid.content
        receipts.append(bid.json())
    asked = _client(suppliers[0]).post(
        f"/api/v1/procurement/{pk}/enquiries",
        {"question": "是否需要现场踏勘？"},
        content_type="application/json",
    )
    enquiry_id = asked.json()["id"]
    listed = officer.get(f"/api/v1/procurement/{pk}/enquiries").json()
    assert listed[0]["asker"] == ""  # not disclosed before the deadline
    answered = officer.post(
        f"/api/v1/procurement/{pk}/enquiries/{enquiry_id}/answer",
        {"answer": "不需要"},
        content_type="application/json",
    )
    assert answered.status_code == 200
    # a receipt verifies publicly; a changed one does not
    payload = json.dumps(
        {"receipt": receipts[0]["receipt"], "signature": receipts[0]["signature"]}, ensure_ascii=False
    )
    checked = Client().post(
        "/api/v1/procurement/receipts/verify", {"receipt": payload}, content_type="application/json"
    )
    assert checked.json()["valid"] is True and "BEGIN PUBLIC KEY" in checked.json()["public_key_pem"]
    forged = payload.replace(receipts[0]["receipt"]["sealed_sha256"], "f" * 64)
    assert (
        Client()
        .post("/api/v1/procurement/receipts/verify", {"receipt": forged}, content_type="application/json")
        .json()["valid"]
        is False
    )
    # the register and the opening are refused before the deadline
    assert (
        officer.get(f"/api/v1/procurement/{pk}/register").json()["error"]["code"]
        == "procurement.sealed_until_deadline"
    )
    early = officer.post(f"/api/v1/procurement/{pk}/open")
    assert early.status_code == 409 and early.json()["error"]["code"] == "seal.before_deadline"
    # the deadline passes; the purchaser opens
    Procurement.objects.filter(pk=pk).update(bid_deadline=real_now())
    opened = officer.post(f"/api/v1/procurement/{pk}/open")
    assert opened.status_code == 200, opened.content
    assert [r["price_total"] for r in opened.json()["readouts"]] == ["270000.50", "270001.50"]
    assert opened.json()["proceeds"] is True
    actions = list(
        AuditEvent.objects.filter(object_type="procurement.procurement", object_id=str(pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "procurement.created",
        "procurement.announced",
        "procurement.enquiry_received",
        "procurement.enquiry_answered",
        "procurement.key_unwrapped",
        "procurement.documents_register_disclosed",
        "procurement.opened",
    ]
    notes = _client(suppliers[0]).get("/api/v1/procurement/notifications/mine").json()
    assert {n["kind"] for n in notes} == {"opened", "enquiry_answered"}


def test_the_screens(
    purchaser: Any, auditor: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    plan = make_plan("open_tender")
    officer = _client(purchaser)
    assert "从采购计划创建采购项目" in officer.get("/procurement/").content.decode()
    response = officer.post("/procurement/new/", {"plan": plan.pk, "documents": "招标文件"})
    procurement = Procurement.objects.get(plan=plan)
    assert response.status_code == 302
    page = officer.get(f"/procurement/{procurement.pk}/").content.decode()
    assert "发布公告" in page and "法定最早" in page
    # an impossible deadline shows the error with its article
    refused = officer.post(
        f"/procurement/{procurement.pk}/announce/",
        {"bid_deadline": (real_now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")},
    )
    assert refused.status_code == 400
    shown = refused.content.decode()
    assert "政府采购法 第三十五条" in shown and 'id="announce-bid_deadline-error"' in shown
    issued, deadline = announce_times()
    services.procurement_announce(actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued)
    # the public announcement page
    public = Client().get(f"/procurement/{procurement.pk}/notice/").content.decode()
    assert "投标截止时间" in public and procurement.reference in public
    # a supplier obtains, bids through the form and lands on its receipt
    supplier = _client(suppliers[0])
    supplier.post(f"/procurement/{procurement.pk}/obtain/", {})
    bid = supplier.post(
        f"/procurement/{procurement.pk}/bid/", {"lot": "1", "price_total": "250000", **_files()}
    )
    assert bid.status_code == 302 and "/procurement/receipts/" in bid["Location"]
    receipt_page = supplier.get(bid["Location"]).content.decode()
    assert "BEGIN PUBLIC KEY" in receipt_page and "有效" in receipt_page
    withdrawn = supplier.post(f"/procurement/{procurement.pk}/withdraw/", {"lot": "1"})
    assert withdrawn.status_code == 302
    # clarify from the screen; the verify page checks a pasted receipt
    officer.post(
        f"/procurement/{procurement.pk}/clarify/",
        {"kind": "clarification", "text": "补充说明", "affects_bids": "on"},
    )
    assert procurement.clarifications.count() == 1
    verify = Client().post("/procurement/receipts/verify/", {"receipt": "{}"}).content.decode()
    assert "签名无效" in verify
    assert _client(auditor).get(f"/procurement/{procurement.pk}/").status_code == 200
    assert Client().get("/procurement/999999/").status_code == 404
