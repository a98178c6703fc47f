"""A framework call-off (second-stage pick, O110 §32-34) becomes a call-off contract."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opengps.contracts import services
from opengps.contracts.models import Contract, ContractKind, ContractStatus
from opengps.core.errors import Conflict, PermissionDenied
from opengps.core.models import AuditEvent
from opengps.evaluation.models import FrameworkCallOff
from opengps.evaluation.tests.test_scenario_framework import _first_stage, _framework
from opengps.evaluation.tests.test_scenarios_award import _post

pytestmark = pytest.mark.django_db


@pytest.fixture
def call_off(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> FrameworkCallOff:
    """An announced framework shortlist and one direct call-off (lowest agreement price)."""
    procurement = _framework(purchaser, make_plan)
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user)
    _post(purchaser, f"{procurement.pk}/shortlist/announce")
    _post(
        purchaser,
        f"{procurement.pk}/shortlist/1/call-offs",
        {"description": "第一季度助餐服务", "amount": "120000"},
    )
    return FrameworkCallOff.objects.select_related("member__organization", "shortlist").get()


def test_purchaser_drafts_the_call_off_contract_from_the_page(
    purchaser: Any, call_off: FrameworkCallOff
) -> None:
    # given the call-off waits for a contract on the purchaser's contracts page
    client = Client()
    client.force_login(purchaser)
    index = client.get("/contracts/").content.decode()
    assert "待订立合同的框架协议成交" in index and f"/contracts/new-call-off/{call_off.pk}/" in index
    # when the purchaser drafts it
    today = timezone.localdate()
    response = client.post(
        f"/contracts/new-call-off/{call_off.pk}/",
        {
            "kind": ContractKind.OUTSOURCING,  # ignored: the field is fixed for call-offs
            "starts_on": (today + timedelta(days=7)).isoformat(),
            "ends_on": (today + timedelta(days=97)).isoformat(),
            "performance_bond": "0",
            "small_supplier": "auto",
            "report_every_days": "30",
            "indicators": "",
            "terms": "按框架协议约定提供助餐服务",
            "title": "",
        },
    )
    # then a draft call-off contract exists for the picked supplier at the call-off amount
    contract = Contract.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/contracts/{contract.pk}/"
    assert contract.kind == ContractKind.CALL_OFF and contract.status == ContractStatus.DRAFT
    assert contract.call_off == call_off and contract.award is None
    assert contract.supplier_id == call_off.member.organization_id
    assert contract.amount == contract.original_amount == Decimal("120000.00")
    assert contract.lot_id == call_off.shortlist.lot_id
    event = AuditEvent.objects.filter(action="contract.created").get()
    assert event.new_values["call_off"] == call_off.pk and "第三十二条" in event.reason
    # and the call-off no longer waits for a contract
    assert f"/contracts/new-call-off/{call_off.pk}/" not in client.get("/contracts/").content.decode()


def test_one_contract_per_call_off_and_only_the_purchasers_unit(
    purchaser: Any, call_off: FrameworkCallOff, make_user: Callable[..., Any]
) -> None:
    today = timezone.localdate()
    dates: dict[str, Any] = {"starts_on": today, "ends_on": today + timedelta(days=90)}
    other = make_user("purchaser", unit="cs_civil", username="other_purchaser")
    with pytest.raises(PermissionDenied):
        services.contract_create_from_call_off(actor=other, call_off=call_off, **dates)
    services.contract_create_from_call_off(actor=purchaser, call_off=call_off, **dates)
    with pytest.raises(Conflict) as again:
        services.contract_create_from_call_off(actor=purchaser, call_off=call_off, **dates)
    assert again.value.code == "contract.exists"
    assert Contract.objects.count() == 1


def test_api_drafts_the_call_off_contract(purchaser: Any, call_off: FrameworkCallOff) -> None:
    client = Client()
    client.force_login(purchaser)
    today = timezone.localdate()
    payload = {
        "call_off_id": call_off.pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=60)).isoformat(),
    }
    created = client.post("/api/v1/contracts/call-offs", payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["kind"] == ContractKind.CALL_OFF
    missing = client.post(
        "/api/v1/contracts/call-offs", {**payload, "call_off_id": 999999}, content_type="application/json"
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "contract.call_off_not_found"
