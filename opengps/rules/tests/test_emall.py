"""The e-mall's rules: ceilings by category (seed 003), the direct-purchase limit, split purchases
(IR §28), the negative list (O102 §10), the 竞价 window and quotes, price outliers, orders.

Expected values are read from the sources: goods < 50万, services < 80万, works < 100万 (seed 003);
the [U] values are the configured defaults (湘财购〔2019〕27号 is not in ../shared/law)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from opengps.rules import emall
from opengps.rules.base import RuleError
from opengps.rules.scoring import Candidate

D = date.fromisoformat
Y = Decimal
ON = D("2026-03-02")


@pytest.mark.parametrize(
    ("category", "amount", "ok"),
    [
        ("goods", "499999.99", True),
        ("goods", "500000", False),
        ("services", "799999.99", True),
        ("services", "800000", False),
        ("works", "999999.99", True),
        ("works", "1000000", False),
    ],
    ids=lambda v: str(v),
)
def test_ceiling_by_category(category: str, amount: str, ok: bool) -> None:
    if ok:
        ceiling = emall.check_below_ceiling(Y(amount), category, ON)
        assert "第0258号建议的答复" in ceiling.citation
        assert "湘财购〔2019〕27号）[U]" in ceiling.citation
        return
    with pytest.raises(RuleError) as caught:
        emall.check_below_ceiling(Y(amount), category, ON)
    assert caught.value.code == "emall.over_ceiling"
    assert caught.value.citation.startswith("政府采购法 第二条")
    assert caught.value.message_en


def test_ceiling_unknown_category() -> None:
    with pytest.raises(RuleError) as caught:
        emall.emall_ceiling("food", ON)
    assert caught.value.code == "category.unknown"


def test_ceiling_with_a_u_jurisdiction_notes_it() -> None:
    from opengps.rules.base import EffectiveValue
    from opengps.rules.jurisdictions import Jurisdiction

    place = Jurisdiction(
        "CN-XX",
        "某省",
        "Somewhere",
        {"procurement_limit": {"services": (EffectiveValue(D("2020-01-01"), Y(1), "x", "U"),)}},
    )
    assert emall.emall_ceiling("services", ON, place).note == emall.U_NOTE
    assert emall.emall_ceiling("services", ON).note == ""


@pytest.mark.parametrize(("amount", "ok"), [("100000", True), ("100000.01", False), ("1", True)])
def test_direct_purchase_limit(amount: str, ok: bool) -> None:
    assert emall.direct_purchase_limit(ON).value == Y("100000")
    if ok:
        assert emall.check_direct_purchase(Y(amount), ON).note == emall.U_NOTE
        return
    with pytest.raises(RuleError) as caught:
        emall.check_direct_purchase(Y(amount), ON)
    assert caught.value.code == "emall.over_direct_limit"
    assert "[U]" in caught.value.message_zh


def test_direct_purchase_limit_not_in_force_before_the_e_mall() -> None:
    with pytest.raises(RuleError) as caught:
        emall.direct_purchase_limit(D("2018-12-31"))
    assert caught.value.code == "rules.not_in_force"


@pytest.mark.parametrize(
    ("earlier", "amount", "category", "code"),
    [
        ("0", "50000", "services", None),
        ("700000", "99999.99", "services", None),
        ("700000", "100000", "services", "emall.split_purchase"),  # reaches 80万: refused
        ("450000", "60000", "goods", "emall.split_purchase"),
        ("-1", "1", "services", "emall.amount_negative"),
        ("0", "-1", "services", "emall.amount_negative"),
    ],
)
def test_split_purchase(earlier: str, amount: str, category: str, code: str | None) -> None:
    if code is None:
        total = emall.check_split_purchase(
            earlier_total=Y(earlier), amount=Y(amount), category=category, on_date=ON
        )
        assert total.value == Y(earlier) + Y(amount)
        return
    with pytest.raises(RuleError) as caught:
        emall.check_split_purchase(earlier_total=Y(earlier), amount=Y(amount), category=category, on_date=ON)
    assert caught.value.code == code
    if code == "emall.split_purchase":
        assert caught.value.citation.startswith("政府采购法实施条例 第二十八条")


def test_negative_list() -> None:
    emall.check_not_negative_list(negative=False, item="居家养老")
    with pytest.raises(RuleError) as caught:
        emall.check_not_negative_list(negative=True, item="劳务派遣")
    assert caught.value.code == "emall.negative_list"
    assert caught.value.citation == "政府购买服务管理办法（财政部令第102号）第十条"


def test_bidding_window() -> None:
    opens = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert emall.check_bidding_window(opens, opens + timedelta(hours=24)).value == opens + timedelta(hours=24)
    with pytest.raises(RuleError) as caught:
        emall.check_bidding_window(opens, opens + timedelta(hours=23, minutes=59))
    assert caught.value.code == "emall.bidding_window_too_short"


@pytest.mark.parametrize(
    ("quotes", "amount", "awardable", "codes"),
    [
        (3, "50000", True, ["emall.bidding_awardable"]),
        (5, "500000", True, ["emall.bidding_awardable"]),
        (2, "50000", False, ["emall.bidding_failed", "emall.bidding_repost", "emall.bidding_direct"]),
        (0, "300000", False, ["emall.bidding_failed", "emall.bidding_repost"]),
    ],
)
def test_bidding_outcome(quotes: int, amount: str, awardable: bool, codes: list[str]) -> None:
    outcome = emall.bidding_outcome(quotes, Y(amount), ON)
    assert outcome.awardable is awardable
    assert outcome.minimum == 3
    assert [r.code for r in outcome.reasons] == codes


def test_bidding_outcome_negative() -> None:
    with pytest.raises(RuleError):
        emall.bidding_outcome(-1, Y(1), ON)


@pytest.mark.parametrize(
    ("price", "reference", "peers", "codes"),
    [
        ("300", "300", [], []),
        ("391", "300", [], ["emall.price_above_reference"]),
        ("390", "300", [], []),
        ("149", "300", [], ["emall.price_below_reference"]),
        ("300", None, ["100", "110", "120"], ["emall.price_above_peers"]),
        ("50", None, ["100", "110", "120"], ["emall.price_below_peers"]),
        ("300", None, ["100", "110"], []),  # too few peers for a median
        ("110", "0", ["100", "110", "120"], []),
        (
            "900",
            "300",
            ["300", "310", "320", "330"],
            ["emall.price_above_reference", "emall.price_above_peers"],
        ),
    ],
)
def test_price_outliers(price: str, reference: str | None, peers: list[str], codes: list[str]) -> None:
    reasons = emall.price_outliers(
        Y(price),
        reference=None if reference is None else Y(reference),
        peers=[Y(p) for p in peers],
        on_date=ON,
    )
    assert [r.code for r in reasons] == codes
    assert all(r.severity == "flag" for r in reasons)


def test_price_outliers_refuse_a_zero_price() -> None:
    with pytest.raises(RuleError) as caught:
        emall.price_outliers(Y(0), reference=None, peers=[], on_date=ON)
    assert caught.value.code == "emall.price_invalid"


def test_orders_confirmation_payment_rating() -> None:
    placed = datetime(2026, 3, 2, 10, tzinfo=UTC)
    deadline = emall.confirm_deadline(placed)
    assert deadline.value == placed + timedelta(hours=72)
    assert not emall.order_lapsed("placed", deadline.value, deadline.value)
    assert emall.order_lapsed("placed", deadline.value, deadline.value + timedelta(seconds=1))
    assert not emall.order_lapsed("confirmed", deadline.value, deadline.value + timedelta(days=9))
    assert emall.payment_due(D("2026-03-02")).value == D("2026-04-01")
    assert emall.check_rating(5) == 5
    for bad in (0, 6):
        with pytest.raises(RuleError) as caught:
            emall.check_rating(bad)
        assert caught.value.code == "emall.rating_invalid"


@pytest.mark.parametrize(
    ("entity", "current", "target", "allowed"),
    [
        ("emall_entry", "pending", "approved", True),
        ("emall_entry", "approved", "pending", False),
        ("emall_listing", "pending", "live", True),
        ("emall_listing", "draft", "live", False),
        ("emall_listing_version", "approved", "superseded", True),
        ("emall_order", "placed", "lapsed", True),
        ("emall_order", "placed", "paid", False),
        ("emall_order", "paid", "rated", True),
        ("emall_price_flag", "open", "upheld", True),
        ("emall_price_flag", "dismissed", "upheld", False),
    ],
)
def test_transitions(entity: str, current: str, target: str, allowed: bool) -> None:
    assert emall.can_transition(entity, current, target) is allowed
    if not allowed:
        with pytest.raises(RuleError):
            emall.check_transition(entity, current, target)


def test_rules_listed() -> None:
    names = [rule.name for rule in emall.RULES]
    assert "emall.ceiling" in names and "emall.split_purchase" in names
    ceiling = next(rule for rule in emall.RULES if rule.name == "emall.ceiling")
    assert [str(v.value) for v in ceiling.values] == [
        "货物：低于 50万元",
        "服务：低于 80万元",
        "工程：低于 100万元",
    ]


def test_quote_in_time_uses_the_close_inclusively() -> None:
    closes = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    emall.check_quote_in_time(closes, closes - timedelta(microseconds=1))
    with pytest.raises(RuleError) as caught:
        emall.check_quote_in_time(closes, closes)
    assert caught.value.code == "emall.quote_after_close"
    assert "第三十三条" in caught.value.citation


def test_round_closable_only_from_the_close() -> None:
    closes = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    with pytest.raises(RuleError) as caught:
        emall.check_round_closable(closes, closes - timedelta(seconds=1))
    assert caught.value.code == "emall.round_not_closed"
    emall.check_round_closable(closes, closes)


@pytest.mark.parametrize(
    ("price", "ceiling", "code"),
    [
        ("100", "100", None),
        ("99.99", "100", None),
        ("100.01", "100", "emall.quote_over_ceiling"),
        ("0", "100", "emall.quote_price_invalid"),
    ],
)
def test_quote_compliance(price: str, ceiling: str, code: str | None) -> None:
    reason = emall.quote_compliance(Y(price), Y(ceiling))
    assert (reason.code if reason else None) == code


def test_rank_quotes_lowest_first_ties_by_association_then_draw() -> None:
    quotes = [
        Candidate("b", Y("900")),
        Candidate("a", Y("800")),
        Candidate("c", Y("800"), industry_association=True),
        Candidate("d", Y("700")),
    ]
    ranking = emall.rank_quotes(quotes, seed="JJ-1")
    assert ranking.order == ("d", "c", "a", "b")
    assert ranking.ranked[1].decided_by == "industry_association"
    tied = emall.rank_quotes([Candidate("x", Y("5")), Candidate("y", Y("5"))], seed="s")
    assert set(tied.order) == {"x", "y"} and tied.draws[0].seed == "s"
    assert tied.ranked[0].decided_by == "draw"


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("open", "awarded", True),
        ("open", "failed", True),
        ("failed", "open", False),
        ("awarded", "failed", False),
    ],
)
def test_bidding_round_transitions(current: str, target: str, allowed: bool) -> None:
    assert emall.can_transition("emall_bidding_round", current, target) is allowed
