"""Tests of opengps.rules.methods and opengps.rules.jurisdictions: thresholds, methods, split purchases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from opengps.rules import jurisdictions, methods
from opengps.rules.base import EffectiveValue, RuleError
from opengps.rules.jurisdictions import (
    HUNAN,
    Jurisdiction,
    demand_survey_required,
    format_wan,
    get_jurisdiction,
    open_tender_threshold,
    parse_category,
    procurement_limit,
    threshold,
)
from opengps.rules.methods import (
    MethodDecision,
    PurchaseFacts,
    PurchaseRecord,
    allowed_methods,
    decision_for,
    detect_split_purchases,
)
from opengps.rules.procedures import Method

D = Decimal
DAY = date(2024, 5, 1)
NO_FACTS = PurchaseFacts(purchase_of_services=False)


def decide(
    amount: str,
    method: Method,
    facts: PurchaseFacts = NO_FACTS,
    *,
    category: str = "services",
    on: date = DAY,
) -> MethodDecision:
    return decision_for(allowed_methods(D(amount), category, facts, on), method)


def codes(decision: MethodDecision) -> set[str]:
    return {reason.code for reason in decision.reasons}


# --- jurisdictions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "limit", "open_threshold"),
    [
        pytest.param("services", "800000", "2000000", id="services"),
        pytest.param("goods", "500000", "2000000", id="goods"),
        pytest.param("works", "1000000", "4000000", id="works"),
    ],
)
def test_hunan_thresholds(category: str, limit: str, open_threshold: str) -> None:
    # given the Hunan data, when asked for the thresholds, then the sheet's amounts come back cited
    assert procurement_limit(category, DAY).value == D(limit)
    assert open_tender_threshold(category, DAY).value == D(open_threshold)
    assert procurement_limit(category, DAY).citation


def test_unconfirmed_threshold_is_marked() -> None:
    assert "[U]" in open_tender_threshold("works", DAY).note
    assert open_tender_threshold("services", DAY).note == ""


@pytest.mark.parametrize(
    ("amount", "category", "public", "complex_", "required"),
    [
        pytest.param("9999999.99", "services", False, False, False, id="just-below-1000wan"),
        pytest.param("10000000", "services", False, False, True, id="exactly-1000wan"),
        pytest.param("10000000", "works", False, False, False, id="works-below-3000wan"),
        pytest.param("30000000", "works", False, False, True, id="works-exactly-3000wan"),
        pytest.param("100000", "services", True, False, True, id="public-service"),
        pytest.param("100000", "services", False, True, True, id="complex"),
    ],
)
def test_demand_survey(amount: str, category: str, public: bool, complex_: bool, required: bool) -> None:
    result = demand_survey_required(D(amount), category, DAY, public_service=public, complex_project=complex_)
    assert result.value is required
    assert "第十一条" in result.citation


def test_demand_survey_not_before_c22() -> None:
    with pytest.raises(RuleError) as error:
        demand_survey_required(D("1"), "services", date(2021, 6, 30))
    assert error.value.code == "rules.not_in_force"


def test_unknown_category_and_jurisdiction() -> None:
    with pytest.raises(RuleError) as error:
        parse_category("food")
    assert error.value.code == "category.unknown"
    with pytest.raises(RuleError) as error:
        get_jurisdiction("CN-XX")
    assert error.value.code == "jurisdiction.unknown"
    assert error.value.message("en").startswith("No threshold")


def test_other_jurisdiction_as_data() -> None:
    # given a province added as data (only a services limit known)
    other = Jurisdiction(
        "CN-ZZ",
        "某省",
        "Some Province",
        {"procurement_limit": {"services": (EffectiveValue(date(2020, 1, 1), D("1000000"), "某省标准"),)}},
    )
    # then its value is used, and missing data is a coded error
    assert procurement_limit("services", DAY, other).value == D("1000000")
    with pytest.raises(RuleError) as error:
        threshold("open_tender", "services", DAY, other)
    assert error.value.code == "jurisdiction.no_threshold"
    assert get_jurisdiction(other) is other


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        pytest.param("800000", "80万元", id="whole-wan"),
        pytest.param("805000", "80.5万元", id="fractional-wan"),
        pytest.param("800001.5", "800001.5元", id="yuan"),
    ],
)
def test_format_wan(amount: str, text: str) -> None:
    assert format_wan(D(amount)) == text


# --- allowed methods -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "emall", "open_required", "consultation_approval"),
    [
        pytest.param("799999.99", True, False, False, id="below-limit"),
        pytest.param("800000", False, False, False, id="exactly-limit"),
        pytest.param("1999999.99", False, False, False, id="below-open-threshold"),
        pytest.param("2000000", False, True, True, id="exactly-open-threshold"),
    ],
)
def test_thresholds_for_services(
    amount: str, emall: bool, open_required: bool, consultation_approval: bool
) -> None:
    # given a government purchase of services of `amount`
    decisions = allowed_methods(D(amount), "services", PurchaseFacts(), DAY)
    # then e-mall only below the limit, open tender mandatory from the threshold on
    assert decision_for(decisions, Method.emall).allowed is emall
    open_tender = decision_for(decisions, Method.open_tender)
    assert open_tender.allowed and open_tender.required is open_required
    consultation = decision_for(decisions, Method.competitive_consultation)
    assert consultation.allowed
    assert consultation.approval_needed is consultation_approval
    assert len(decisions) == len(Method)


def test_below_limit_nothing_required() -> None:
    decisions = allowed_methods(D("10000"), "services", PurchaseFacts(), DAY)
    assert not any(d.required for d in decisions)
    assert "methods.below_limit_not_required" in codes(decision_for(decisions, Method.emall))


def test_goods_limit_is_50wan() -> None:
    assert decide("499999.99", Method.emall, category="goods").allowed
    emall = decide("500000", Method.emall, category="goods")
    assert not emall.allowed
    assert emall.reasons[0].severity == "block"


@pytest.mark.parametrize(
    ("facts", "method", "ground"),
    [
        pytest.param(
            PurchaseFacts(limited_suppliers=True), Method.invited_tender, "limited_suppliers", id="29-1"
        ),
        pytest.param(
            PurchaseFacts(open_tender_too_costly=True),
            Method.invited_tender,
            "open_tender_too_costly",
            id="29-2",
        ),
        pytest.param(
            PurchaseFacts(failed_open_tender=True),
            Method.competitive_negotiation,
            "failed_open_tender",
            id="30-1",
        ),
        pytest.param(
            PurchaseFacts(complex_or_unspecifiable=True),
            Method.competitive_negotiation,
            "complex_or_unspecifiable",
            id="30-2",
        ),
        pytest.param(PurchaseFacts(urgent=True), Method.competitive_negotiation, "urgent", id="30-3"),
        pytest.param(
            PurchaseFacts(price_not_computable=True),
            Method.competitive_negotiation,
            "price_not_computable",
            id="30-4",
        ),
        pytest.param(
            PurchaseFacts(only_one_supplier=True), Method.single_source, "only_one_supplier", id="31-1"
        ),
        pytest.param(PurchaseFacts(emergency=True), Method.single_source, "emergency", id="31-2"),
        pytest.param(
            PurchaseFacts(additional_purchase_within_10pct=True),
            Method.single_source,
            "additional_purchase_within_10pct",
            id="31-3",
        ),
        pytest.param(
            PurchaseFacts(purchase_of_services=True),
            Method.competitive_consultation,
            "purchase_of_services",
            id="c214-3-1",
        ),
        pytest.param(
            PurchaseFacts(research_insufficient_competition=True, purchase_of_services=False),
            Method.competitive_consultation,
            "research_insufficient_competition",
            id="c214-3-4",
        ),
        pytest.param(
            PurchaseFacts(recipients_outside_buyer_multiple_suppliers_needed=True),
            Method.framework_agreement,
            "recipients_choose_supplier",
            id="o110-3-3",
        ),
        pytest.param(
            PurchaseFacts(small_scattered_professional_services=True),
            Method.framework_agreement,
            "small_scattered_professional_services",
            id="o110-3-2",
        ),
        pytest.param(
            PurchaseFacts(catalogue_small_scattered=True),
            Method.framework_agreement,
            "catalogue_small_scattered",
            id="o110-3-1",
        ),
    ],
)
def test_each_ground_opens_its_method(facts: PurchaseFacts, method: Method, ground: str) -> None:
    # below the open-tender threshold: allowed, no approval
    below = decide("1000000", method, facts)
    assert below.allowed and not below.approval_needed
    assert f"methods.{ground}" in codes(below)
    assert all(r.citation for r in below.reasons)
    # at the threshold: allowed, but prior approval (framework agreements excepted)
    at = decide("2000000", method, facts)
    assert at.allowed
    assert at.approval_needed is (method is not Method.framework_agreement)


@pytest.mark.parametrize(
    "method",
    [
        Method.invited_tender,
        Method.competitive_negotiation,
        Method.competitive_consultation,
        Method.single_source,
        Method.framework_agreement,
    ],
)
def test_no_ground_no_method(method: Method) -> None:
    decision = decide("1000000", method)
    assert not decision.allowed
    assert decision.reasons[0].code == "methods.no_ground"
    assert decision.reasons[0].severity == "block"


def test_quotation_goods_only() -> None:
    facts = PurchaseFacts(standard_stable_price=True)
    assert decide("600000", Method.request_for_quotation, facts, category="goods").allowed
    services = decide("1000000", Method.request_for_quotation, facts)
    assert not services.allowed
    assert "methods.quotation_goods_only" in codes(services)
    assert not decide("600000", Method.request_for_quotation, category="goods").allowed


def test_two_responsive_after_failed_tender_needs_approval_and_two_suppliers() -> None:
    facts = PurchaseFacts(two_responsive_after_open_tender=True)
    decision = decide("1000000", Method.competitive_negotiation, facts)
    assert decision.allowed and decision.approval_needed
    assert decision.min_suppliers == 2
    assert decide("1000000", Method.competitive_negotiation, PurchaseFacts(urgent=True)).min_suppliers == 3


def test_single_source_publicity_at_threshold() -> None:
    facts = PurchaseFacts(only_one_supplier=True)
    assert "methods.single_source_publicity" in codes(decide("2000000", Method.single_source, facts))
    assert "methods.single_source_publicity" not in codes(decide("1999999", Method.single_source, facts))
    emergency = decide("2000000", Method.single_source, PurchaseFacts(emergency=True))
    assert "methods.single_source_publicity" not in codes(emergency)


def test_framework_below_limit_and_before_o110() -> None:
    facts = PurchaseFacts(recipients_outside_buyer_multiple_suppliers_needed=True)
    assert not decide("700000", Method.framework_agreement, facts).allowed
    early = decide("1000000", Method.framework_agreement, facts, on=date(2022, 2, 28))
    assert not early.allowed
    assert early.reasons[0].code == "methods.method_not_in_force"
    assert decide("1000000", Method.framework_agreement, facts, on=date(2022, 3, 1)).allowed


def test_consultation_for_works_below_tender_threshold() -> None:
    assert decide("3000000", Method.competitive_consultation, category="works").allowed
    assert not decide("4000000", Method.competitive_consultation, category="works").allowed


def test_standardized_service_lowest_price() -> None:
    decision = decide("3000000", Method.open_tender, PurchaseFacts(standardized_service=True))
    assert "methods.lowest_price_method" in codes(decision)
    assert decision.name_zh == "公开招标" and decision.name_en == "Open tender"


def test_before_any_threshold_data() -> None:
    with pytest.raises(RuleError) as error:
        allowed_methods(D("1"), "services", PurchaseFacts(), date(2020, 12, 31))
    assert error.value.code == "rules.not_in_force"


# --- split purchases --------------------------------------------------------------------------


def record(ref: str, amount: str, on: date, **kw: object) -> PurchaseRecord:
    base = PurchaseRecord(ref, "unit-1", "C0101", D(amount), on, Method.competitive_consultation)
    return replace(base, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amounts", "flagged", "crossed_by"),
    [
        pytest.param(["1000000", "1000000"], False, None, id="exactly-200wan-not-over"),
        pytest.param(["1000000", "1000000.01"], True, "p2", id="just-over-200wan"),
        pytest.param(["900000", "900000", "300000"], True, "p3", id="three-purchases"),
        pytest.param(["2100000"], False, None, id="single-purchase"),
        pytest.param(["1500000", "1500000", "3000000"], True, "p2", id="large-one-excluded"),
    ],
)
def test_split_open_tender(amounts: list[str], flagged: bool, crossed_by: str | None) -> None:
    purchases = [record(f"p{i}", a, date(2024, 1 + i, 1)) for i, a in enumerate(amounts, start=1)]
    groups = detect_split_purchases(purchases)
    assert bool(groups) is flagged
    if groups:
        group = groups[0]
        assert group.crossed_by == crossed_by
        assert group.threshold == D("2000000")
        assert "第二十八条" in group.citation
        assert group.reason.severity == "flag"
        assert group.fiscal_year == 2024


def test_split_inclusive_override() -> None:
    purchases = [record("a", "1000000", date(2024, 1, 1)), record("b", "1000000", date(2024, 2, 1))]
    groups = detect_split_purchases(purchases, inclusive=True)
    assert groups[0].total == D("2000000")


def test_split_with_explicit_threshold() -> None:
    purchases = [record("a", "300000", date(2024, 1, 1)), record("b", "300000", date(2024, 2, 1))]
    groups = detect_split_purchases(purchases, threshold_amount=D("500000"))
    assert groups[0].threshold == D("500000")
    assert "调用方指定" in groups[0].citation


def test_split_groups_by_year_unit_item_and_budget_project() -> None:
    purchases = [
        record("a", "1500000", date(2023, 12, 31)),
        record("b", "1500000", date(2024, 1, 1)),  # other fiscal year
        record("c", "1500000", date(2024, 2, 1), unit="unit-2"),
        record("d", "1500000", date(2024, 3, 1), catalogue_item="C0202"),
        record("e", "1500000", date(2024, 4, 1), budget_project="B-2"),
    ]
    assert detect_split_purchases(purchases) == ()


def test_split_excludes_open_tender_and_approved() -> None:
    purchases = [
        record("a", "1500000", date(2024, 1, 1)),
        record("b", "1500000", date(2024, 2, 1), method=Method.open_tender),
        record("c", "1500000", date(2024, 3, 1), approved_non_open=True),
    ]
    assert detect_split_purchases(purchases) == ()


def test_split_budget_adjusted_is_info() -> None:
    purchases = [
        record("a", "1500000", date(2024, 1, 1)),
        record("b", "1500000", date(2024, 2, 1), budget_adjusted=True),
    ]
    reason = detect_split_purchases(purchases)[0].reason
    assert reason.severity == "info"
    assert "verify" in reason.message_en


def test_split_below_procurement_limit() -> None:
    # given e-mall purchases each below the 80万 limit that together reach it exactly
    purchases = [
        record("a", "400000", date(2024, 1, 1), method=Method.emall),
        record("b", "400000", date(2024, 6, 1), method=Method.emall),
        record("c", "900000", date(2024, 7, 1), method=Method.competitive_consultation),
    ]
    groups = detect_split_purchases(purchases, threshold_kind="procurement_limit")
    assert len(groups) == 1
    assert groups[0].total == D("800000")
    assert groups[0].crossed_by == "b"
    assert "类推" in groups[0].citation


# --- RULES -------------------------------------------------------------------------------------


def test_rules_listing_uses_the_data() -> None:
    names = {info.name for info in methods.RULES + jurisdictions.RULES}
    assert {
        "methods.allowed_methods",
        "methods.split_purchases",
        "jurisdictions.CN-HN.procurement_limit",
    } <= names
    limits = next(i for i in jurisdictions.RULES if i.name == "jurisdictions.CN-HN.procurement_limit")
    assert any(v.value == "服务 80万元" for v in limits.values)
    assert len(jurisdictions.RULES) == 3 * len(jurisdictions.JURISDICTIONS)
    assert HUNAN.code == "CN-HN"
    consultation = next(v for v in methods.RULES[0].values if "竞争性磋商" in str(v.value))
    assert consultation.effective_from == date(2014, 12, 31)
