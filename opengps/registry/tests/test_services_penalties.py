"""Administrative penalties: recorded through the service, screened as major illegal records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from opengps.core.errors import ServiceError
from opengps.core.models import AuditEvent
from opengps.registry import selectors, services

pytestmark = pytest.mark.django_db


def test_a_supplier_with_a_large_fine_within_three_years_is_screened_out_with_the_reason(
    make_org: Callable[..., Any], registrar: Any, clock_at: Callable[..., None]
) -> None:
    # given: 2025-06-01, a fine of 250万 decided 2023-05-10 (≥200万: 较大数额罚款, 财库〔2022〕3号)
    clock_at(date(2025, 6, 1))
    org = make_org()
    assert selectors.organization_eligibility(org).eligible
    # when
    services.penalty_record(
        actor=registrar,
        organization=org,
        kind="fine",
        amount=Decimal("2500000"),
        decided_on=date(2023, 5, 10),
        issuer="长沙市市场监督管理局",
        decision_document="长市监罚〔2023〕88号",
    )
    # then: excluded until the corresponding day three years later (GPL §22(五), IR §19, 民法典 §202)
    result = selectors.organization_eligibility(org)
    assert not result.eligible
    reason = next(r for r in result.reasons if r.code == "eligibility.major_illegal_record")
    assert "长沙市市场监督管理局" in reason.message_zh and "2026-05-10" in reason.message_zh
    assert "政府采购法 第二十二条第一款第（五）项" in reason.citation
    org.refresh_from_db()
    assert org.eligible is False
    assert org.derived_until is not None and org.derived_until <= date(2026, 5, 11)
    event = AuditEvent.objects.get(action="registry.penalty_recorded")
    assert event.new_values["kind"] == "fine" and event.new_values["issuer"] == "长沙市市场监督管理局"
    # and the day after three years it is eligible again
    assert selectors.organization_eligibility(org, date(2026, 5, 11)).eligible


def test_a_small_fine_is_recorded_but_not_a_major_illegal_record(
    make_org: Callable[..., Any], registrar: Any, clock_at: Callable[..., None]
) -> None:
    clock_at(date(2025, 6, 1))
    org = make_org()
    services.penalty_record(
        actor=registrar,
        organization=org,
        kind="fine",
        amount=Decimal("30000"),
        decided_on=date(2024, 5, 10),
        issuer="长沙市民政局",
        decision_document="长民罚〔2024〕3号",
    )
    assert selectors.organization_eligibility(org).eligible


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        pytest.param({"kind": "fine"}, "registry.amount_required", id="fine without amount"),
        pytest.param(
            {"kind": "warning", "amount": Decimal("1")}, "registry.amount_not_fine", id="amount on warning"
        ),
        pytest.param({"kind": "nonsense"}, "registry.penalty_kind_invalid", id="unknown kind"),
        pytest.param({"issuer": " "}, "registry.issuer_required", id="issuer required"),
        pytest.param(
            {"kind": "criminal", "ends_on": date(2025, 1, 1)},
            "registry.penalty_end_invalid",
            id="end not debarment",
        ),
    ],
)
def test_penalty_input_is_checked(
    make_org: Callable[..., Any],
    registrar: Any,
    clock_at: Callable[..., None],
    overrides: dict[str, Any],
    code: str,
) -> None:
    clock_at(date(2025, 6, 1))
    org = make_org()
    values: dict[str, Any] = {
        "kind": "criminal",
        "decided_on": date(2024, 1, 10),
        "issuer": "长沙市中级人民法院",
        "decision_document": "（2024）湘01刑初1号",
    }
    values.update(overrides)
    with pytest.raises(ServiceError) as caught:
        services.penalty_record(actor=registrar, organization=org, **values)
    assert caught.value.code == code
