"""Tests of opengps.rules.eligibility: status, credit lists over time, annual reports, ratings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from opengps.rules import eligibility
from opengps.rules.base import RuleError
from opengps.rules.eligibility import (
    CreditEntry,
    OrganizationFacts,
    OtherListEntry,
    RatingFact,
    add_months,
    effective_credit_status,
    latest_report_due,
    listing_periods,
    rating_in_force,
    supplier_eligibility,
)

ALL_REPORTS = frozenset(range(2000, 2040))

ORG = OrganizationFacts(
    status="normal",
    org_type="social_group",
    founded_on=date(2015, 1, 1),
    is_industry_association=False,
    ratings=(),
    credit_entries=(),
    annual_reports_filed=ALL_REPORTS,
)


def with_entries(*entries: CreditEntry, **kw: object) -> OrganizationFacts:
    return replace(ORG, credit_entries=entries, **kw)  # type: ignore[arg-type]


def codes(result: eligibility.Eligibility) -> set[str]:
    return {r.code for r in result.reasons}


def test_clean_org_is_eligible() -> None:
    result = supplier_eligibility(ORG, date(2024, 5, 1))
    assert (result.eligible, result.flagged, result.priority, result.rating_in_force) == (
        True,
        False,
        False,
        None,
    )
    assert result.reasons == ()
    assert result.next_change is None
    unfiled = replace(ORG, annual_reports_filed=frozenset(range(2015, 2023)))
    assert supplier_eligibility(unfiled, date(2024, 5, 1)).next_change == date(2024, 6, 1)
    assert supplier_eligibility(unfiled, date(2024, 5, 31)).next_change == date(2024, 6, 1)
    young = replace(ORG, founded_on=date(2023, 6, 1), annual_reports_filed=frozenset())
    assert supplier_eligibility(young, date(2024, 6, 2)).next_change == date(2025, 6, 1)
    assert supplier_eligibility(young, date(2024, 5, 1)).next_change is None


# --- serious list -----------------------------------------------------------------------------

SERIOUS = CreditEntry("serious", date(2023, 1, 10), None, "fine_50000_plus")


def test_blacklisted_org_is_ineligible_with_reason_and_citation() -> None:
    result = supplier_eligibility(with_entries(SERIOUS), date(2024, 1, 1))
    assert not result.eligible
    reason = next(r for r in result.reasons if r.code == "eligibility.serious_list")
    assert reason.severity == "block"
    assert "民政部令第60号" in reason.citation
    assert "不得向其购买服务" in reason.message_zh and "no grants" in reason.message_en
    assert "5万元以上罚款" in reason.message_zh
    assert result.next_change == date(2025, 1, 10)


@pytest.mark.parametrize(
    ("on", "eligible"),
    [
        pytest.param(date(2023, 1, 9), True, id="day-before-listing"),
        pytest.param(date(2023, 1, 10), False, id="listing-day"),
        pytest.param(date(2025, 1, 9), False, id="last-day-of-2-years"),
        pytest.param(date(2025, 1, 10), True, id="2-clean-years-later"),
    ],
)
def test_serious_listing_expires_after_clean_period(on: date, eligible: bool) -> None:
    assert supplier_eligibility(with_entries(SERIOUS), on).eligible is eligible


@pytest.mark.parametrize(
    ("new_entry", "on", "eligible"),
    [
        pytest.param(
            CreditEntry("serious", date(2024, 6, 1)), date(2025, 1, 10), False, id="new-serious-extends"
        ),
        pytest.param(
            CreditEntry("serious", date(2024, 6, 1)), date(2026, 6, 1), True, id="new-serious-expires"
        ),
        pytest.param(
            CreditEntry("abnormal", date(2024, 6, 1), date(2024, 8, 1)),
            date(2025, 1, 10),
            False,
            id="new-abnormal-extends",
        ),
        pytest.param(
            CreditEntry("abnormal", date(2024, 6, 1), date(2024, 8, 1)),
            date(2026, 6, 1),
            True,
            id="extended-period-ends",
        ),
        pytest.param(
            CreditEntry("abnormal", date(2025, 3, 1), date(2025, 4, 1)),
            date(2025, 1, 10),
            True,
            id="entry-after-period-does-not-extend",
        ),
    ],
)
def test_new_entry_during_period_extends(new_entry: CreditEntry, on: date, eligible: bool) -> None:
    assert supplier_eligibility(with_entries(SERIOUS, new_entry), on).eligible is eligible


def test_explicit_removal_of_serious_entry() -> None:
    removed = replace(SERIOUS, removed_on=date(2023, 6, 1))
    assert not supplier_eligibility(with_entries(removed), date(2023, 5, 31)).eligible
    assert supplier_eligibility(with_entries(removed), date(2023, 6, 1)).eligible


def test_future_entries_are_not_known_yet() -> None:
    assert supplier_eligibility(with_entries(SERIOUS), date(2022, 12, 31)).eligible
    assert listing_periods([SERIOUS], date(2022, 12, 31)) == ()


# --- abnormal list ----------------------------------------------------------------------------

ABNORMAL = CreditEntry("abnormal", date(2022, 3, 1), None, "unreachable")


@pytest.mark.parametrize(
    ("on", "eligible", "flagged", "level"),
    [
        pytest.param(date(2022, 3, 1), True, True, "abnormal", id="listed"),
        pytest.param(date(2024, 2, 29), True, True, "abnormal", id="day-before-2-years"),
        pytest.param(date(2024, 3, 1), False, False, "serious", id="promoted-after-2-years"),
        pytest.param(date(2030, 1, 1), False, False, "serious", id="promoted-stays-until-removed"),
    ],
)
def test_abnormal_promoted_after_two_years(on: date, eligible: bool, flagged: bool, level: str) -> None:
    facts = with_entries(ABNORMAL)
    result = supplier_eligibility(facts, on)
    assert (result.eligible, result.flagged) == (eligible, flagged)
    status = effective_credit_status(facts, on)
    assert status.level == level
    if level == "serious":
        assert status.periods[0].promoted
        assert "满2年" in status.reasons[0].message_zh


def test_abnormal_removed_on_rectification() -> None:
    rectified = replace(ABNORMAL, removed_on=date(2022, 9, 1))
    assert supplier_eligibility(with_entries(rectified), date(2022, 8, 31)).flagged
    result = supplier_eligibility(with_entries(rectified), date(2022, 9, 1))
    assert result.eligible and not result.flagged
    # removed on the very day the 2 years are up: not promoted
    last_day = replace(ABNORMAL, removed_on=date(2024, 3, 1))
    assert effective_credit_status(with_entries(last_day), date(2024, 3, 1)).level == "normal"


def test_promoted_entry_ends_when_removed() -> None:
    late = replace(ABNORMAL, removed_on=date(2024, 9, 1))
    assert effective_credit_status(with_entries(late), date(2024, 8, 31)).level == "serious"
    assert effective_credit_status(with_entries(late), date(2024, 9, 1)).level == "normal"


@pytest.mark.parametrize(
    ("on", "flagged"),
    [
        pytest.param(date(2024, 7, 30), True, id="day-before-6-months"),
        pytest.param(date(2024, 7, 31), False, id="6-months-later"),
    ],
)
def test_nothing_to_rectify_leaves_after_six_months(on: date, flagged: bool) -> None:
    warning = CreditEntry("abnormal", date(2024, 1, 31), None, "warning_or_small_fine")
    assert supplier_eligibility(with_entries(warning), on).flagged is flagged


def test_nothing_to_rectify_removed_earlier() -> None:
    warning = CreditEntry("abnormal", date(2024, 1, 31), date(2024, 3, 1), "warning_or_small_fine")
    assert not supplier_eligibility(with_entries(warning), date(2024, 3, 1)).flagged


def test_abnormal_reason_text_and_next_change() -> None:
    status = effective_credit_status(with_entries(ABNORMAL), date(2023, 1, 1))
    assert "无法与社会组织取得联系" in status.reasons[0].message_zh
    assert status.next_change == date(2024, 3, 1)
    assert status.reasons[0].severity == "flag"
    free_text = effective_credit_status(with_entries(replace(ABNORMAL, reason="其他原因")), date(2023, 1, 1))
    assert "其他原因" in free_text.reasons[0].message_zh
    blank = effective_credit_status(with_entries(replace(ABNORMAL, reason="")), date(2023, 1, 1))
    assert "（" not in blank.reasons[0].message_zh.split("起列入活动异常名录")[1].split("；")[0]


def test_entries_before_m60_use_the_earliest_periods() -> None:
    old = CreditEntry("serious", date(2017, 1, 1))
    assert not supplier_eligibility(with_entries(old), date(2018, 12, 31)).eligible
    assert supplier_eligibility(with_entries(old), date(2019, 1, 1)).eligible


# --- registration status and other lists ------------------------------------------------------


@pytest.mark.parametrize("status", ["deregistered", "revoked"])
def test_not_normal_status_is_ineligible(status: str) -> None:
    result = supplier_eligibility(replace(ORG, status=status), date(2024, 5, 1))  # type: ignore[arg-type]
    assert not result.eligible
    assert codes(result) == {"eligibility.not_registered"}


@pytest.mark.parametrize("kind", ["judgment_defaulter", "major_tax_violation", "procurement_blacklist"])
def test_other_lists(kind: eligibility.OtherListKind) -> None:
    listing = OtherListEntry(kind, date(2024, 1, 1), date(2024, 7, 1))
    facts = replace(ORG, other_lists=(listing,))
    assert supplier_eligibility(facts, date(2023, 12, 31)).eligible
    during = supplier_eligibility(facts, date(2024, 5, 1))
    assert not during.eligible
    reason = next(r for r in during.reasons if r.code == f"eligibility.{kind}")
    assert "2016〕125号" in reason.citation
    assert during.next_change == date(2024, 7, 1)
    assert supplier_eligibility(facts, date(2024, 7, 1)).eligible
    open_ended = replace(ORG, other_lists=(OtherListEntry(kind, date(2024, 1, 1)),))
    assert not supplier_eligibility(open_ended, date(2030, 1, 1)).eligible


# --- annual reports ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("org_type", "on", "flagged"),
    [
        pytest.param("social_group", date(2024, 5, 30), False, id="group-day-before-due"),
        pytest.param("social_group", date(2024, 5, 31), False, id="group-due-date"),
        pytest.param("social_group", date(2024, 6, 1), True, id="group-day-after-due"),
        pytest.param("social_service_agency", date(2024, 6, 1), True, id="agency-day-after-due"),
        pytest.param("foundation", date(2024, 3, 31), False, id="foundation-due-date"),
        pytest.param("foundation", date(2024, 4, 1), True, id="foundation-day-after-due"),
    ],
)
def test_missing_annual_report(org_type: eligibility.OrgType, on: date, flagged: bool) -> None:
    facts = replace(ORG, org_type=org_type, annual_reports_filed=frozenset(range(2015, 2023)))
    result = supplier_eligibility(facts, on)
    assert result.flagged is flagged
    assert result.eligible
    if flagged:
        reason = next(r for r in result.reasons if r.code == "eligibility.annual_report_missing")
        assert "2023" in reason.message_zh
        assert "条" in reason.citation


@pytest.mark.parametrize(
    ("founded", "flagged"),
    [
        pytest.param(date(2023, 1, 1), True, id="founded-1-january-existed-fully"),
        pytest.param(date(2023, 1, 2), False, id="founded-during-the-year"),
    ],
)
def test_annual_report_only_for_full_years(founded: date, flagged: bool) -> None:
    facts = replace(ORG, founded_on=founded, annual_reports_filed=frozenset())
    assert supplier_eligibility(facts, date(2024, 6, 1)).flagged is flagged


def test_latest_report_due() -> None:
    assert latest_report_due("foundation", date(2024, 3, 31)) == (
        2022,
        date(2023, 3, 31),
        "基金会管理条例 第三十六条",
    )
    assert latest_report_due("foundation", date(2024, 4, 1))[:2] == (2023, date(2024, 3, 31))


# --- ratings ----------------------------------------------------------------------------------

# A 4A awarded 2019-06-01 (in force until 2024-06-01) lowered to 2A on 2022-03-01: the 2A keeps the
# 4A's end, a downgrade does not extend the 5-year validity (M39).
DOWNGRADED = (
    RatingFact(4, date(2019, 6, 1), revoked_on=date(2022, 3, 1)),
    RatingFact(2, date(2022, 3, 1), ends_on=date(2024, 6, 1)),
)


@pytest.mark.parametrize(
    ("ratings", "on", "level", "priority"),
    [
        pytest.param((RatingFact(4, date(2019, 6, 1)),), date(2019, 5, 31), None, False, id="before-award"),
        pytest.param(
            (RatingFact(4, date(2019, 6, 1)),), date(2024, 5, 31), 4, True, id="last-day-of-5-years"
        ),
        pytest.param(
            (RatingFact(4, date(2019, 6, 1)),), date(2024, 6, 1), None, False, id="expired-after-5-years"
        ),
        pytest.param((RatingFact(3, date(2020, 1, 1)),), date(2021, 1, 1), 3, True, id="3A-priority"),
        pytest.param((RatingFact(2, date(2020, 1, 1)),), date(2021, 1, 1), 2, False, id="2A-no-priority"),
        pytest.param(
            (RatingFact(5, date(2020, 1, 1), revoked_on=date(2021, 1, 1)),),
            date(2021, 1, 1),
            None,
            False,
            id="revoked",
        ),
        pytest.param(
            (RatingFact(5, date(2020, 1, 1), revoked_on=date(2021, 1, 1)),),
            date(2020, 12, 31),
            5,
            True,
            id="day-before-revocation",
        ),
        pytest.param(
            (RatingFact(3, date(2018, 1, 1)), RatingFact(5, date(2021, 1, 1))),
            date(2022, 1, 1),
            5,
            True,
            id="latest-award-counts",
        ),
        pytest.param(
            (RatingFact(5, date(2020, 2, 29)),),
            date(2025, 2, 28),
            None,
            False,
            id="leap-day-award-expires-28-feb",
        ),
        pytest.param(
            DOWNGRADED,
            date(2022, 3, 1),
            2,
            False,
            id="downgrade-lower-level-from-the-decision-day",
        ),
        pytest.param(
            DOWNGRADED,
            date(2024, 5, 31),
            2,
            False,
            id="downgraded-rating-last-day-of-original-5-years",
        ),
        pytest.param(
            DOWNGRADED,
            date(2024, 6, 1),
            None,
            False,
            id="downgraded-rating-ends-on-original-end",
        ),
        pytest.param(
            (RatingFact(4, date(2019, 6, 1), ends_on=date(2026, 1, 1)),),
            date(2024, 5, 31),
            4,
            True,
            id="ends-on-after-5-years-last-day",
        ),
        pytest.param(
            (RatingFact(4, date(2019, 6, 1), ends_on=date(2026, 1, 1)),),
            date(2024, 6, 1),
            None,
            False,
            id="ends-on-after-5-years-changes-nothing",
        ),
        pytest.param(
            (RatingFact(4, date(2019, 6, 1), revoked_on=date(2020, 1, 1), ends_on=date(2021, 1, 1)),),
            date(2020, 1, 1),
            None,
            False,
            id="revocation-before-ends-on-ends-it",
        ),
    ],
)
def test_rating(ratings: tuple[RatingFact, ...], on: date, level: int | None, priority: bool) -> None:
    assert rating_in_force(ratings, on) == level
    result = supplier_eligibility(replace(ORG, ratings=ratings), on)
    assert result.priority is priority
    assert result.rating_in_force == level
    if priority:
        assert any(r.severity == "priority" and "民政部令第39号" in r.citation for r in result.reasons)


def test_rating_level_validated() -> None:
    with pytest.raises(RuleError) as error:
        RatingFact(6, date(2020, 1, 1))
    assert error.value.code == "eligibility.rating_level"


def test_rating_expiry_is_next_change() -> None:
    facts = replace(ORG, ratings=(RatingFact(4, date(2019, 6, 1)),))
    assert supplier_eligibility(facts, date(2024, 5, 1)).next_change == date(2024, 6, 1)
    assert supplier_eligibility(facts, date(2024, 5, 1)).reasons[0].code == "eligibility.rating_priority"


def test_downgraded_rating_end_is_next_change_and_shown() -> None:
    result = supplier_eligibility(replace(ORG, ratings=DOWNGRADED), date(2024, 5, 1))
    assert result.next_change == date(2024, 6, 1)
    assert "有效至 2024-06-01 前" in result.reasons[0].message_zh


def test_industry_association_info() -> None:
    result = supplier_eligibility(replace(ORG, is_industry_association=True), date(2024, 5, 1))
    assert codes(result) == {"eligibility.industry_association"}
    assert result.reasons[0].severity == "info"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(date(2024, 1, 31), 1, date(2024, 2, 29), id="leap-february"),
        pytest.param(date(2023, 8, 31), 6, date(2024, 2, 29), id="six-months"),
        pytest.param(date(2024, 12, 15), 1, date(2025, 1, 15), id="year-end"),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_rules_listing() -> None:
    names = [info.name for info in eligibility.RULES]
    assert names == [
        "eligibility.credit_lists",
        "eligibility.other_lists",
        "eligibility.major_illegal_records",
        "eligibility.annual_report",
        "eligibility.rating",
    ]
    credit = eligibility.RULES[0].values
    assert all(v.confidence == "E" and "民政部令第60号" in v.citation for v in credit)
    assert any("6个月" in str(v.value) for v in credit)
