"""Assessment rules: who may apply, indicator sets and sheet totals, bands, independence, the
notice period, validity and the status tables.

Expected values are worked out by hand from the dates and points in each row (a social service
agency's annual report is due by 31 May of the next year; the bands are 901/751/601/451/301 of
1000)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opengps.rules import assessment
from opengps.rules.assessment import Indicator, Link
from opengps.rules.base import RuleError
from opengps.rules.eligibility import CreditEntry, OrganizationFacts, RatingFact

D = date.fromisoformat
ON = D("2026-06-15")
"""The 2025 report was due by 2026-05-31: it is the latest due report on this day."""


def facts(
    *,
    founded: str = "2018-03-01",
    filed: frozenset[int] = frozenset({2024, 2025}),
    ratings: tuple[RatingFact, ...] = (),
    credit: tuple[CreditEntry, ...] = (),
    status: str = "normal",
) -> OrganizationFacts:
    return OrganizationFacts(
        status=status,  # type: ignore[arg-type]
        org_type="social_service_agency",
        founded_on=D(founded),
        is_industry_association=False,
        ratings=ratings,
        credit_entries=credit,
        annual_reports_filed=filed,
    )


@pytest.mark.parametrize(
    ("organization", "results", "codes"),
    [
        pytest.param(facts(), {2025: "qualified"}, [], id="clean"),
        pytest.param(facts(founded="2024-06-15"), {}, [], id="exactly two full years"),
        pytest.param(
            facts(founded="2024-06-16", filed=frozenset({2025})),
            {},
            ["assessment.registered_too_recently"],
            id="one day short of two years",
        ),
        pytest.param(
            facts(ratings=(RatingFact(4, D("2023-01-10")),)),
            {},
            ["assessment.rating_in_force"],
            id="4A lapses 2028-01-10, beyond 12 months",
        ),
        pytest.param(
            facts(ratings=(RatingFact(4, D("2021-07-01")),)),
            {},
            [],
            id="4A lapses 2026-07-01, within 12 months: renewal",
        ),
        pytest.param(
            facts(credit=(CreditEntry("abnormal", D("2026-01-05")),)),
            {},
            ["eligibility.abnormal_list"],
            id="abnormal list refuses (only a flag for suppliers)",
        ),
        pytest.param(
            facts(credit=(CreditEntry("serious", D("2026-01-05")),)),
            {},
            ["eligibility.serious_list"],
            id="serious list",
        ),
        pytest.param(
            facts(filed=frozenset({2024})),
            {},
            ["eligibility.annual_report_missing"],
            id="2025 report missing",
        ),
        pytest.param(facts(status="revoked"), {}, ["eligibility.not_registered"], id="registration revoked"),
        pytest.param(facts(), {2025: "failed"}, ["assessment.annual_report_failed"], id="2025 failed"),
        pytest.param(
            facts(),
            {2024: "basic", 2025: "basic"},
            ["assessment.annual_report_basic_twice"],
            id="basic twice",
        ),
        pytest.param(facts(), {2024: "qualified", 2025: "basic"}, [], id="basic once"),
        pytest.param(facts(), {2024: "failed", 2025: "qualified"}, [], id="an older failure"),
    ],
)
def test_application_screening(
    organization: OrganizationFacts, results: dict[int, str], codes: list[str]
) -> None:
    screening = assessment.application_screening(organization, results, ON)
    assert [r.code for r in screening.reasons] == codes
    assert screening.eligible is (not codes)
    assert all(r.citation for r in screening.reasons)


def test_refusals_cite_m39_unconfirmed() -> None:
    screening = assessment.application_screening(facts(founded="2025-01-01"), {2025: "failed"}, ON)
    assert [r.code for r in screening.reasons] == [
        "assessment.registered_too_recently",
        "assessment.annual_report_failed",
    ]
    assert all("民政部令第39号" in r.citation and "[U]" in r.citation for r in screening.reasons)
    assert "2025-01-01" in screening.reasons[0].message_zh


# --- indicator sets ------------------------------------------------------------------------------


def item(code: str, points: str, section: str = "basic") -> Indicator:
    return Indicator(code, section, f"指标{code}", Decimal(points))


SET = [
    item("A1", "150"),
    item("B1", "250", "governance"),
    item("C1", "400", "performance"),
    item("D1", "200", "social"),
]


@pytest.mark.parametrize(
    ("items", "total", "code"),
    [
        (SET, "1000", None),
        (SET, "1000.00", None),
        ([item("A1", "60.5"), item("A2", "39.5")], "100", None),
        (SET, "999", "assessment.indicator_total_mismatch"),
        (SET[:3], "1000", "assessment.indicator_total_mismatch"),
        (SET, "0", "assessment.total_invalid"),
        (SET, "abc", "assessment.total_invalid"),
        (SET, "1000.001", "assessment.total_invalid"),
        ([], "1000", "assessment.indicators_empty"),
        ([item("A1", "500"), item("A1", "500")], "1000", "assessment.indicator_code_duplicate"),
        ([item("A1", "1000", "finance")], "1000", "assessment.indicator_section_unknown"),
        ([item("A1", "0"), item("A2", "1000")], "1000", "assessment.indicator_points_invalid"),
        ([item("A1", "0.005"), item("A2", "999.995")], "1000", "assessment.indicator_points_invalid"),
    ],
)
def test_validate_indicator_set(items: list[Indicator], total: str, code: str | None) -> None:
    if code is None:
        assert assessment.validate_indicator_set(items, Decimal(total)) == Decimal(total)
        return
    with pytest.raises(RuleError) as caught:
        assessment.validate_indicator_set(items, Decimal(total) if total[0].isdigit() else total)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert "[U]" in caught.value.citation


def test_mismatch_names_both_figures() -> None:
    with pytest.raises(RuleError) as caught:
        assessment.validate_indicator_set(SET, Decimal(999))
    assert caught.value.params == {"sum": "1000", "total": "999"}


@pytest.mark.parametrize(
    ("sheet", "expected", "code"),
    [
        ({"A1": "120", "B1": "200.5", "C1": "330.25", "D1": "180"}, "830.75", None),
        ({"A1": 0, "B1": 0, "C1": 0, "D1": 0}, "0", None),
        ({"A1": "150", "B1": "250", "C1": "400", "D1": "200"}, "1000", None),
        ({"A1": "120", "B1": "200", "C1": "330"}, None, "assessment.score_missing"),
        ({"A1": "120", "B1": "200", "C1": "330", "D1": " "}, None, "assessment.score_missing"),
        ({"A1": "120", "B1": "200", "C1": "330", "D1": "180", "E1": "1"}, None, "assessment.score_unknown"),
        ({"A1": "151", "B1": "200", "C1": "330", "D1": "180"}, None, "assessment.score_out_of_range"),
        ({"A1": "-1", "B1": "200", "C1": "330", "D1": "180"}, None, "assessment.score_out_of_range"),
        ({"A1": "1.234", "B1": "200", "C1": "330", "D1": "180"}, None, "assessment.score_out_of_range"),
        ({"A1": "many", "B1": "200", "C1": "330", "D1": "180"}, None, "assessment.score_out_of_range"),
        ({"A1": "NaN", "B1": "200", "C1": "330", "D1": "180"}, None, "assessment.score_out_of_range"),
    ],
)
def test_sheet_total(sheet: dict[str, object], expected: str | None, code: str | None) -> None:
    if code is None:
        assert assessment.sheet_total(SET, sheet) == Decimal(expected or "")
        return
    with pytest.raises(RuleError) as caught:
        assessment.sheet_total(SET, sheet)
    assert caught.value.code == code


def test_section_totals_follow_the_sections_and_skip_empty_ones() -> None:
    items = [item("A1", "40"), item("A2", "20"), item("D1", "40", "social")]
    totals = assessment.section_totals(items, {"A1": "30", "A2": "10.5", "D1": "35"})
    assert totals == {"basic": Decimal("40.5"), "social": Decimal(35)}


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        (["830.75"], "830.75"),
        (["830", "831"], "830.50"),
        (["800.01", "800.02"], "800.02"),  # 800.015 half up
        (["700", "701", "701"], "700.67"),
    ],
)
def test_combined_score(totals: list[str], expected: str) -> None:
    assert assessment.combined_score([Decimal(t) for t in totals]) == Decimal(expected)


def test_combined_score_needs_a_sheet() -> None:
    with pytest.raises(RuleError) as caught:
        assessment.combined_score([])
    assert caught.value.code == "assessment.no_scores"


@pytest.mark.parametrize(
    ("score", "total", "level"),
    [
        ("901", "1000", 5),
        ("900.99", "1000", 4),
        ("751", "1000", 4),
        ("750", "1000", 3),
        ("601", "1000", 3),
        ("451", "1000", 2),
        ("450.99", "1000", 1),
        ("301", "1000", 1),
        ("300.99", "1000", None),
        ("0", "1000", None),
        ("90.1", "100", 5),  # scaled: 90.1 × 1000 = 901 × 100
        ("90.09", "100", 4),
        ("60.1", "100", 3),
    ],
)
def test_level_for(score: str, total: str, level: int | None) -> None:
    assert assessment.level_for(Decimal(score), Decimal(total), ON) == level


def test_level_before_m39_reads_the_first_bands() -> None:
    assert assessment.level_for(Decimal(950), Decimal(1000), D("2005-01-01")) == 5


# --- independence --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("links", "party", "text"),
    [
        ([], None, ""),
        ([Link("assessor", "member")], "assessor", "评估人员是该组织的成员或工作人员"),
        ([Link("body", "paid_service", "2025年财务审计")], "body", "评估机构近三年为该组织提供"),
        ([Link("assessor", "unheard_of")], "assessor", "其他可能影响公正评估"),
        ([Link("body", "officer"), Link("assessor", "member")], "body", "担任该组织的理事"),
    ],
)
def test_check_independence(links: list[Link], party: str | None, text: str) -> None:
    if party is None:
        assessment.check_independence(links)
        return
    with pytest.raises(RuleError) as caught:
        assessment.check_independence(links)
    assert caught.value.code == "assessment.conflict_of_interest"
    assert caught.value.params["party"] == party
    assert text in caught.value.message_zh and "回避" in caught.value.message_zh
    assert "第十九条 [U]" in caught.value.citation


def test_detail_is_shown() -> None:
    with pytest.raises(RuleError) as caught:
        assessment.check_independence([Link("body", "paid_service", "2025年财务审计")])
    assert "（2025年财务审计）" in caught.value.message_zh


# --- notice and validity -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "on", "running", "closable"),
    [
        ("2026-06-01", "2026-05-31", False, False),  # before publication: nothing to close yet either
        ("2026-06-01", "2026-06-01", True, False),
        ("2026-06-01", "2026-06-07", True, False),  # the 7th day is the last
        ("2026-06-01", "2026-06-08", False, True),
        ("2026-06-01", "2026-07-20", False, True),
    ],
)
def test_notice_period(published: str, on: str, running: bool, closable: bool) -> None:
    assert assessment.notice_last_day(D(published)) == D("2026-06-07")
    assert assessment.notice_running(D(published), D(on)) is running
    if closable:
        assessment.check_notice_closable(D(published), D(on))
        return
    with pytest.raises(RuleError) as caught:
        assessment.check_notice_closable(D(published), D(on))
    assert caught.value.code == "assessment.notice_running"
    assert caught.value.params == {"last_day": "2026-06-07"}


@pytest.mark.parametrize(
    ("awarded", "until"),
    [("2026-06-15", "2031-06-15"), ("2024-02-29", "2029-02-28"), ("2009-05-01", "2014-05-01")],
)
def test_rating_valid_until(awarded: str, until: str) -> None:
    assert assessment.rating_valid_until(D(awarded)) == D(until)


# --- downgrades and revocations --------------------------------------------------------------


@pytest.mark.parametrize(
    ("finding", "kind", "level", "new_level", "serious", "expected"),
    [
        ("false_materials", "downgrade", 4, 3, False, 3),
        ("false_materials", "downgrade", 5, 1, False, 1),
        ("penalty", "downgrade", 2, 1, True, 1),
        ("false_materials", "revoke", 4, None, True, None),
        ("annual_failed", "revoke", 1, None, True, None),
        ("serious_list", "revoke", 3, None, False, None),
        ("serious_list", "downgrade", 3, 2, False, 2),
        ("false_materials", "revoke", 4, None, False, "assessment.revocation_not_serious"),
        ("other_violation", "revoke", 2, 1, False, "assessment.revocation_not_serious"),
        ("false_materials", "downgrade", 4, 4, False, "assessment.downgrade_level_invalid"),
        ("false_materials", "downgrade", 4, 5, False, "assessment.downgrade_level_invalid"),
        ("false_materials", "downgrade", 4, 0, False, "assessment.downgrade_level_invalid"),
        ("false_materials", "downgrade", 4, None, False, "assessment.downgrade_level_invalid"),
        ("false_materials", "downgrade", 4, True, False, "assessment.downgrade_level_invalid"),
        ("false_materials", "downgrade", 1, 1, True, "assessment.downgrade_level_invalid"),
        ("false_materials", "suspend", 4, 3, True, "assessment.sanction_unknown"),
        ("tax_evasion", "downgrade", 4, 3, False, "assessment.finding_unknown"),
    ],
)
def test_sanction_level(
    finding: str, kind: str, level: int, new_level: int | None, serious: bool, expected: int | str | None
) -> None:
    if isinstance(expected, str):
        with pytest.raises(RuleError) as caught:
            assessment.sanction_level(finding, kind, level, new_level, serious)
        assert caught.value.code == expected
        assert "第三十条 [U]" in caught.value.citation
        return
    assert assessment.sanction_level(finding, kind, level, new_level, serious) == expected


def test_every_finding_is_named_and_cited() -> None:
    assert set(assessment.FINDINGS) == set(assessment.Finding)
    assert all(name and "[U]" in citation for name, citation, _ in assessment.FINDINGS.values())
    assert [f for f, (_, _, revokes) in assessment.FINDINGS.items() if revokes] == ["serious_list"]


# --- status tables -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity", "current", "target", "allowed"),
    [
        ("assessment_round", "open", "notice", True),
        ("assessment_round", "notice", "decided", True),
        ("assessment_round", "open", "decided", False),
        ("assessment_round", "decided", "open", False),
        ("assessment_application", "submitted", "eligible", True),
        ("assessment_application", "submitted", "ineligible", True),
        ("assessment_application", "ineligible", "eligible", False),
        ("assessment_application", "eligible", "assessed", True),
        ("assessment_application", "assessed", "proposed", True),
        ("assessment_application", "proposed", "rated", True),
        ("assessment_application", "proposed", "not_rated", True),
        ("assessment_application", "rated", "proposed", False),
        ("assessment_application", "submitted", "rated", False),
        ("assessment_application", "rated", "downgraded", True),
        ("assessment_application", "rated", "revoked", True),
        ("assessment_application", "downgraded", "revoked", True),
        ("assessment_application", "revoked", "rated", False),
        ("assessment_application", "not_rated", "downgraded", False),
        ("assessment_objection", "pending", "upheld", True),
        ("assessment_objection", "pending", "rejected", True),
        ("assessment_objection", "upheld", "rejected", False),
    ],
)
def test_transitions(entity: str, current: str, target: str, allowed: bool) -> None:
    assert assessment.can_transition(entity, current, target) is allowed
    if allowed:
        assessment.check_transition(entity, current, target)
        return
    with pytest.raises(RuleError) as caught:
        assessment.check_transition(entity, current, target)
    assert caught.value.code == "workflow.transition_not_allowed"


def test_rules_are_documented_from_the_same_data() -> None:
    by_name = {rule.name: rule for rule in assessment.RULES}
    assert by_name["assessment.bands"].values[0].value == (
        "5A ≥ 901分；4A ≥ 751分；3A ≥ 601分；2A ≥ 451分；1A ≥ 301分（千分制）"
    )
    assert by_name["assessment.notice"].values[0].value == "7日"
    assert [v.value for v in by_name["assessment.application"].values] == [
        "取得登记证书满2个年度",
        "现有等级有效期届满前12个月内可重新申请",
    ]
    assert all(v.confidence == "U" for rule in assessment.RULES for v in rule.values)
