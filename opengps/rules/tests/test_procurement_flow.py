"""Procedure configuration, the procurement status table, deadline checks and opening outcomes."""

from __future__ import annotations

from datetime import date

import pytest

from opengps.rules.base import RuleError
from opengps.rules.calendar import is_working_day
from opengps.rules.deadlines import latest_clarification_date
from opengps.rules.procedures import Method
from opengps.rules.procurement_flow import (
    AWARD_BASIS_ZH,
    PROCEDURES,
    PROCUREMENT,
    AwardBasis,
    NextStep,
    SupplierSource,
    can_transition,
    check_bid_deadline,
    check_transition,
    min_valid_bids,
    opening_outcome,
    postponed_deadline,
    procedure_for,
)


def test_every_method_but_the_emall_has_a_procedure_and_every_basis_a_name() -> None:
    assert set(PROCEDURES) == set(Method) - {Method.emall}
    assert set(AWARD_BASIS_ZH) == set(AwardBasis)
    assert procedure_for("invited_tender").min_invited == 3
    assert procedure_for(Method.single_source).supplier_source is SupplierSource.named
    assert procedure_for("open_tender").name_zh == "公开招标"
    with pytest.raises(RuleError) as error:
        procedure_for("emall")
    assert error.value.code == "procurement.method_unsupported"


@pytest.mark.parametrize(
    ("method", "services", "expected", "cited"),
    [
        ("open_tender", True, 3, "第四十三条"),
        ("competitive_consultation", True, 2, "124号"),
        ("competitive_consultation", False, 3, "214号"),
        ("framework_agreement", True, 2, "110号"),
        ("single_source", True, 1, "第三十九条"),
    ],
)
def test_minimum_valid_bids(method: str, services: bool, expected: int, cited: str) -> None:
    ruled = min_valid_bids(procedure_for(method), purchase_of_services=services)
    assert ruled.value == expected and cited in ruled.citation


def test_every_target_is_a_known_status() -> None:
    for targets in PROCUREMENT.values():
        assert targets <= set(PROCUREMENT)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("draft", "announced", True),
        ("notice", "announced", True),
        ("announced", "opened", True),
        ("opened", "failed", True),
        ("failed", "retendered", True),
        ("method_change_requested", "failed", True),
        ("opened", "evaluating", True),
        ("evaluating", "evaluated", True),
        ("evaluating", "failed", True),
        ("evaluated", "awarded", True),
        ("awarded", "suspended", True),
        ("suspended", "evaluated", True),
        ("awarded", "evaluating", False),
        ("opened", "awarded", False),
        ("announced", "draft", False),
        ("retendered", "announced", False),
        ("unknown", "announced", False),
    ],
)
def test_transitions(current: str, target: str, allowed: bool) -> None:
    assert can_transition(current, target) is allowed
    if allowed:
        check_transition(current, target)
    else:
        with pytest.raises(RuleError) as error:
            check_transition(current, target)
        assert error.value.code == "workflow.transition_not_allowed"


def test_bid_deadline_is_checked_against_the_earliest_lawful_date() -> None:
    # open tender documents issued Monday 2026-03-02: 20 days → 2026-03-22 (Sunday) → 2026-03-23
    earliest = check_bid_deadline("open_tender", date(2026, 3, 2), date(2026, 3, 23))
    assert earliest.value == date(2026, 3, 23) and "第三十五条" in earliest.citation
    with pytest.raises(RuleError) as error:
        check_bid_deadline("open_tender", date(2026, 3, 2), date(2026, 3, 20))
    assert error.value.code == "procurement.deadline_too_early"
    assert error.value.params["earliest"] == "2026-03-23"
    assert "政府采购法 第三十五条" in error.value.message_zh


def test_single_source_has_no_bid_period_but_not_before_the_issue_date() -> None:
    assert check_bid_deadline("single_source", date(2026, 3, 2), date(2026, 3, 3)).value == date(2026, 3, 2)
    with pytest.raises(RuleError):
        check_bid_deadline("single_source", date(2026, 3, 2), date(2026, 3, 1))


def test_a_clarification_in_time_does_not_postpone() -> None:
    deadline = date(2026, 4, 20)
    latest = latest_clarification_date("open_tender", deadline).value
    assert postponed_deadline("open_tender", latest, deadline) is None
    assert postponed_deadline("single_source", date(2026, 4, 19), deadline) is None


def test_a_late_clarification_postpones_to_the_first_lawful_deadline() -> None:
    # O87 §27: 15 days counted forward from the clarification day (民法典 §201): 04-10 + 15 =
    # Saturday 04-25, moved to Monday 04-27 (民法典 §203).
    ruled = postponed_deadline("open_tender", date(2026, 4, 10), date(2026, 4, 20))
    assert ruled is not None
    assert not is_working_day(date(2026, 4, 25))
    assert ruled.value == date(2026, 4, 27)
    assert "第二十七条" in ruled.citation and "截止时间顺延" in ruled.note


def test_opening_outcomes() -> None:
    ok = opening_outcome("open_tender", 3, purchase_of_services=True)
    assert ok.proceeds and ok.next_steps == ()
    failed = opening_outcome("open_tender", 2, purchase_of_services=True)
    assert not failed.proceeds and failed.required == 3
    assert failed.next_steps == (NextStep.retender, NextStep.change_method, NextStep.negotiate_with_two)
    assert "第四十四条" in failed.citation and "第二十三条" in failed.citation
