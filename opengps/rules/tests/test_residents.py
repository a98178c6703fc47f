"""Residents' feedback rules: the needs mapped from the catalogue, the 1–5 rating, the answer
deadline in working days of the rules calendar (15, [U]: no law in ../shared/law sets it), overdue
and escalation, and the status table.

Expected deadlines are counted by hand on the State Council's holiday notices: 2025's National Day
break runs 1–8 October with 28 September and 11 October as working days."""

from __future__ import annotations

from datetime import date

import pytest

from opengps.rules import grants, residents
from opengps.rules.base import RuleError

D = date.fromisoformat


@pytest.mark.parametrize(
    ("filed", "due"),
    [
        ("2026-03-02", "2026-03-23"),  # Monday: three weeks of working days
        ("2026-03-06", "2026-03-27"),  # Friday
        ("2025-09-26", "2025-10-23"),  # across National Day, with the two weekend working days
        ("2025-09-27", "2025-10-23"),  # Saturday: Sunday 28 September is a working day, counted first
    ],
)
def test_answer_deadline_counts_working_days(filed: str, due: str) -> None:
    deadline = residents.answer_deadline(D(filed))
    assert deadline.value == D(due)
    assert "[U]" in deadline.citation and "信访工作条例" in deadline.citation
    assert deadline.note == residents.U_NOTE


def test_answer_deadline_before_the_value_is_in_force() -> None:
    with pytest.raises(RuleError) as caught:
        residents.answer_deadline(D("2022-04-30"))
    assert caught.value.code == "rules.not_in_force"


@pytest.mark.parametrize(
    ("status", "deadline", "today", "overdue"),
    [
        ("open", "2026-03-23", "2026-03-23", False),  # the last day is still on time
        ("open", "2026-03-23", "2026-03-24", True),
        ("open", None, "2026-03-24", False),
        ("answered", "2026-03-23", "2026-04-30", False),
        ("escalated", "2026-03-23", "2026-04-30", False),  # already escalated: not again
        ("recorded", None, "2026-04-30", False),
    ],
)
def test_overdue_and_escalation(status: str, deadline: str | None, today: str, overdue: bool) -> None:
    due = D(deadline) if deadline else None
    assert residents.is_overdue(status, due, D(today)) is overdue
    assert residents.should_escalate(status, due, D(today)) is overdue


@pytest.mark.parametrize("stars", [1, 3, 5])
def test_stars_in_range(stars: int) -> None:
    assert residents.check_stars(stars) == stars


@pytest.mark.parametrize("stars", [0, 6, -1])
def test_stars_out_of_range(stars: int) -> None:
    with pytest.raises(RuleError) as caught:
        residents.check_stars(stars)
    assert caught.value.code == "residents.stars_invalid"
    assert caught.value.params == {"stars": stars}


@pytest.mark.parametrize(
    ("code", "needs"),
    [
        ("A0401", ("elderly",)),
        ("A0808", ("elderly", "community")),  # 社区老年协会活动: both
        ("A0503", ("children", "mental")),  # 困境儿童心理辅导
        ("A0601", ("disability",)),
        ("A0702", ("assistance",)),
        ("A0901", ("community",)),
        ("A1106", ("mental",)),
        ("B0101", ()),  # the government's own auxiliary services serve no resident need
    ],
)
def test_needs_of_catalogue_codes(code: str, needs: tuple[str, ...]) -> None:
    assert residents.needs_of(code) == needs


def test_need_by_key() -> None:
    assert residents.need("elderly").label_zh == "养老"
    with pytest.raises(RuleError) as caught:
        residents.need("pets")
    assert caught.value.code == "residents.need_invalid"
    assert caught.value.citation == residents.CATALOGUE_2022


@pytest.mark.parametrize(
    ("current", "target", "ok"),
    [
        ("open", "answered", True),
        ("open", "escalated", True),
        ("escalated", "answered", True),
        ("answered", "open", False),
        ("escalated", "open", False),
        ("recorded", "answered", False),
    ],
)
def test_feedback_transitions(current: str, target: str, ok: bool) -> None:
    assert residents.can_transition("resident_feedback", current, target) is ok
    if ok:
        residents.check_transition("resident_feedback", current, target)
        return
    with pytest.raises(RuleError) as caught:
        residents.check_transition("resident_feedback", current, target)
    assert caught.value.code == "workflow.transition_not_allowed"


def test_rule_shown_with_its_value() -> None:
    (rule,) = residents.RULES
    assert rule.name == "residents.answer_deadline"
    assert rule.values[0].value == "15 个工作日" and rule.values[0].confidence == "U"


@pytest.mark.parametrize(
    ("need", "purposes"),
    [
        ("elderly", ("elderly",)),
        ("disability", ("disabled",)),
        ("children", ("orphans",)),
        ("assistance", ("poverty",)),
        ("community", ("community", "social_work")),
        ("mental", ("social_work",)),  # social-work projects include counselling (心理疏导)
        ("pets", ()),  # not a need: no grant serves it
    ],
)
def test_grant_purposes_serving_a_need(need: str, purposes: tuple[str, ...]) -> None:
    assert residents.grant_purposes(need) == purposes


def test_grant_needs_are_keyed_by_the_grants_purpose_areas_and_name_known_needs() -> None:
    known = {entry.key for entry in residents.NEEDS}
    assert set(residents.GRANT_NEEDS) == set(grants.PURPOSE_AREAS)
    assert all(served and set(served) <= known for served in residents.GRANT_NEEDS.values())
    # every need but none is served by some grant
    assert {need for served in residents.GRANT_NEEDS.values() for need in served} == known


@pytest.mark.parametrize(
    ("need", "domain"),
    [
        ("elderly", "elderly"),
        ("children", "children"),
        ("assistance", "assistance"),
        ("community", "community"),
        ("disability", None),  # stations log no disability domain
        ("mental", None),
    ],
)
def test_station_domain_answering_a_need(need: str, domain: str | None) -> None:
    assert residents.STATION_NEEDS.get(need) == domain
    assert set(residents.STATION_NEEDS) <= {entry.key for entry in residents.NEEDS}
