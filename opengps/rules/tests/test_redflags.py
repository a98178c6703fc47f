"""Tests of opengps.rules.redflags: each flag raised (positive) and not raised (negative)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opengps.rules import redflags
from opengps.rules.base import EffectiveValue, RuleError
from opengps.rules.methods import PurchaseRecord, detect_split_purchases
from opengps.rules.procedures import Method
from opengps.rules.redflags import (
    DEFAULT_THRESHOLDS,
    BidPrice,
    BidSignals,
    FlagCode,
    Thresholds,
    check_threshold,
    thresholds_from,
)

D = Decimal


def bid(ref: str, price: str, *, qualified: bool = True, winner: bool = False, bidder: str = "") -> BidPrice:
    return BidPrice(ref=ref, bidder=bidder or ref, price=D(price), qualified=qualified, winner=winner)


# --- thresholds -------------------------------------------------------------------------------


def test_defaults_have_a_justification_citing_ocp_or_statistics() -> None:
    for spec in redflags.THRESHOLDS:
        assert spec.justification
        assert getattr(DEFAULT_THRESHOLDS, spec.key) == spec.default
    assert redflags.THRESHOLD_KEYS[0] == "short_period_margin_days"


def test_thresholds_from_takes_the_latest_override_in_force() -> None:
    # given two overrides of the supplier share and one not yet in force
    history = {
        "supplier_share": [
            EffectiveValue(date(2025, 1, 1), D("0.40"), "财政局通知"),
            EffectiveValue(date(2026, 1, 1), D("0.30"), "财政局通知"),
        ],
        "close_bid_ratio": [EffectiveValue(date(2030, 1, 1), D("0.05"), "未来")],
    }
    # when / then
    assert thresholds_from(history, date(2025, 6, 1)).supplier_share == D("0.40")
    assert thresholds_from(history, date(2026, 6, 1)).supplier_share == D("0.30")
    assert thresholds_from(history, date(2026, 6, 1)).close_bid_ratio == D("0.01")
    assert thresholds_from({}, date(2026, 6, 1)) == DEFAULT_THRESHOLDS


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("nope", D(1), "redflags.unknown_threshold"),
        ("supplier_share", D("1.5"), "redflags.threshold_out_of_range"),
        ("supplier_share", D("-0.1"), "redflags.threshold_out_of_range"),
        ("disqualification_min_bids", D(0), "redflags.threshold_out_of_range"),
    ],
)
def test_check_threshold_refuses_bad_values(key: str, value: Decimal, code: str) -> None:
    with pytest.raises(RuleError) as info:
        check_threshold(key, value)
    assert info.value.code == code


def test_check_threshold_accepts_unbounded_counts() -> None:
    assert check_threshold("disqualification_min_bids", D(500)) == D(500)
    with pytest.raises(RuleError):
        thresholds_from({"supplier_share": [EffectiveValue(date(2020, 1, 1), D(2), "x")]}, date(2021, 1, 1))


# --- per procurement --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "deadline", "raised"),
    [
        (Method.open_tender, date(2025, 3, 21), True),  # deadline on the legal earliest day
        (Method.open_tender, date(2025, 3, 23), True),  # 2 days after it, margin 3
        (Method.open_tender, date(2025, 3, 24), False),  # 3 days after it: not short
        (Method.single_source, date(2025, 3, 21), False),  # no competition to protect
    ],
)
def test_short_submission_period(method: Method, deadline: date, raised: bool) -> None:
    flag = redflags.short_submission_period(
        method=method, issued_on=date(2025, 3, 1), deadline_on=deadline, earliest_on=date(2025, 3, 21)
    )
    assert (flag is not None) is raised
    if flag:
        assert flag.code is FlagCode.short_submission_period
        assert flag.evidence["period_days"] == (deadline - date(2025, 3, 1)).days
        assert "政府采购法 第三十五条" in flag.citation and "Red Flags" in flag.citation
        assert flag.title_zh == "投标（响应）期限过短" and flag.title_en == "Short submission period"


@pytest.mark.parametrize(
    ("method", "valid", "raised"),
    [
        ("competitive_consultation", 1, True),
        ("competitive_consultation", 2, False),
        ("open_tender", 0, False),
        ("single_source", 1, False),
    ],
)
def test_single_bid(method: str, valid: int, raised: bool) -> None:
    flag = redflags.single_bid(method=method, valid_bids=valid)
    assert (flag is not None) is raised
    if flag:
        assert flag.severity == redflags.SEVERITY_HIGH and flag.evidence["valid_bids"] == 1


@pytest.mark.parametrize(
    ("bids", "raised"),
    [
        ([bid("a", "100000", winner=True), bid("b", "100900"), bid("c", "120000")], True),  # 0.9% apart
        ([bid("a", "100000", winner=True), bid("b", "101000")], True),  # exactly 1%: raised
        ([bid("a", "100000", winner=True), bid("b", "101001")], False),  # just over 1%
        ([bid("a", "100000", winner=True), bid("b", "100100", qualified=False)], False),  # next one invalid
        ([bid("a", "100000", winner=True), bid("b", "99000")], False),  # only a cheaper one (scored method)
        ([bid("a", "100000"), bid("b", "100100")], False),  # no winner yet
        ([bid("a", "0", winner=True), bid("b", "100")], False),  # no price to compare
    ],
)
def test_close_winning_bid(bids: list[BidPrice], raised: bool) -> None:
    flag = redflags.close_winning_bid(bids)
    assert (flag is not None) is raised
    if flag:
        assert flag.evidence["winner"] == "a" and flag.evidence["second"] == "b"


def test_close_winning_bid_threshold_is_configurable() -> None:
    bids = [bid("a", "100000", winner=True), bid("b", "104000")]
    assert redflags.close_winning_bid(bids) is None
    assert redflags.close_winning_bid(bids, thresholds=Thresholds(close_bid_ratio=D("0.05"))) is not None


@pytest.mark.parametrize(
    ("bids", "raised"),
    [
        ([bid("a", "100000"), bid("b", "100000"), bid("c", "90000")], True),
        ([bid("a", "100000"), bid("b", "100000.01")], False),
        ([bid("a", "100000", bidder="x"), bid("b", "100000", bidder="x")], False),  # same bidder, two lots
        ([bid("a", "0"), bid("b", "0")], False),  # unreadable bids read as 0
    ],
)
def test_identical_prices(bids: list[BidPrice], raised: bool) -> None:
    flag = redflags.identical_prices(bids)
    assert (flag is not None) is raised
    if flag:
        assert flag.evidence["groups"] == [{"price": "100000", "bids": ["a", "b"]}]
        assert "第三十七条" in flag.citation


@pytest.mark.parametrize(
    ("bids", "raised"),
    [
        ([bid("a", "1", winner=True), bid("b", "2", qualified=False), bid("c", "3", qualified=False)], True),
        ([bid("a", "1", winner=True), bid("b", "2", qualified=False), bid("c", "3")], False),
        ([bid("a", "1", winner=True)], False),  # alone: that is single_bid
        ([bid("a", "1"), bid("b", "2", qualified=False)], False),  # no winner
    ],
)
def test_all_but_winner_disqualified(bids: list[BidPrice], raised: bool) -> None:
    flag = redflags.all_but_winner_disqualified(bids)
    assert (flag is not None) is raised
    if flag:
        assert flag.evidence == {"winner": "a", "disqualified": ["b", "c"]}


@pytest.mark.parametrize(
    ("bids", "raised"),
    [
        ([bid("a", "90000", qualified=False), bid("b", "100000", winner=True)], True),
        ([bid("a", "90000"), bid("b", "100000", winner=True)], False),  # lowest stayed in
        ([bid("a", "110000", qualified=False), bid("b", "100000", winner=True)], False),  # winner is lowest
        ([bid("a", "90000", qualified=False), bid("b", "100000")], False),  # no winner
        ([bid("a", "0", qualified=False), bid("b", "0", winner=True)], False),  # no readable price
    ],
)
def test_lowest_bid_disqualified(bids: list[BidPrice], raised: bool) -> None:
    flag = redflags.lowest_bid_disqualified(bids)
    assert (flag is not None) is raised
    if flag:
        assert flag.evidence == {"lowest": "a", "winner": "b"}
        assert "第六十条" in flag.citation


@pytest.mark.parametrize(
    ("bids", "disqualified", "raised"),
    [
        (10, 3, True),
        (20, 10, True),
        (10, 2, False),
        (9, 9, False),  # too few bids to judge
    ],
)
def test_excessive_disqualifications(bids: int, disqualified: int, raised: bool) -> None:
    flag = redflags.excessive_disqualifications(bids=bids, disqualified=disqualified)
    assert (flag is not None) is raised
    if flag:
        assert flag.evidence["bids"] == bids


def test_excessive_disqualifications_never_divides_by_zero() -> None:
    assert (
        redflags.excessive_disqualifications(
            bids=0, disqualified=0, thresholds=Thresholds(disqualification_min_bids=D(0))
        )
        is None
    )


# --- per unit ---------------------------------------------------------------------------------


def _purchase(ref: str, amount: str, on: date) -> PurchaseRecord:
    return PurchaseRecord(
        reference=ref,
        unit="u1",
        catalogue_item="A01",
        amount=D(amount),
        purchased_on=on,
        method=Method.competitive_consultation,
    )


def test_split_purchase_positive_and_negative() -> None:
    # given two purchases of one item in one year, each under 2,000,000 but together over it
    split = detect_split_purchases(
        [_purchase("p1", "1500000", date(2025, 3, 1)), _purchase("p2", "1500000", date(2025, 6, 1))]
    )
    not_split = detect_split_purchases(
        [_purchase("p1", "500000", date(2025, 3, 1)), _purchase("p2", "500000", date(2025, 6, 1))]
    )
    # when
    flags = [redflags.split_purchase(group) for group in split]
    # then
    assert not_split == ()
    assert len(flags) == 1 and flags[0].code is FlagCode.split_purchase
    assert flags[0].evidence["purchases"] == ["p1", "p2"]
    assert "第二十八条" in flags[0].citation


@pytest.mark.parametrize(
    ("single", "total", "count", "raised"),
    [
        ("300000", "1000000", 3, True),
        ("200000", "1000000", 5, True),  # exactly at 20%
        ("100000", "1000000", 5, False),
        ("900000", "1000000", 2, False),  # too few procurements
        ("0", "0", 3, False),
    ],
)
def test_single_source_share(single: str, total: str, count: int, raised: bool) -> None:
    flag = redflags.single_source_share(
        single_source_amount=D(single), total_amount=D(total), procurements=count
    )
    assert (flag is not None) is raised
    if flag:
        assert flag.evidence["procurements"] == count


@pytest.mark.parametrize(
    ("part", "total", "count", "raised"),
    [
        ("600000", "1000000", 3, True),
        ("400000", "1000000", 3, False),
        ("900000", "1000000", 2, False),
        ("0", "0", 4, False),
    ],
)
def test_supplier_share(part: str, total: str, count: int, raised: bool) -> None:
    flag = redflags.supplier_share(supplier_amount=D(part), total_amount=D(total), procurements=count)
    assert (flag is not None) is raised
    if flag:
        assert flag.evidence["share"] == "0.6000"


# --- collusion --------------------------------------------------------------------------------


def test_collusion_signals_positive() -> None:
    # given three bidders: a and b share an address, a device, a phone and a file; c shares nothing
    bids = [
        BidSignals(
            "r1",
            "a",
            network="10.0.0.5",
            device="dev1",
            contact_name="张三",
            contact_phone="138-0000-0001",
            document_digests=("f1", "f2"),
        ),
        BidSignals(
            "r2",
            "b",
            network="10.0.0.5",
            device="dev1",
            contact_name="李四",
            contact_phone="13800000001",
            document_digests=("f1",),
        ),
        BidSignals(
            "r3",
            "c",
            network="10.0.0.9",
            device="dev3",
            contact_name="王五",
            contact_phone="",
            document_digests=("f9",),
        ),
    ]
    # when
    flags = {flag.code: flag for flag in redflags.collusion_signals(bids)}
    # then
    assert set(flags) == {
        FlagCode.shared_network,
        FlagCode.shared_device,
        FlagCode.shared_contact,
        FlagCode.identical_documents,
    }
    assert flags[FlagCode.shared_network].evidence == {
        "shared": [{"value": "10.0.0.5", "bids": ["r1", "r2"], "bidders": ["a", "b"]}]
    }
    assert _shared(flags[FlagCode.shared_contact])[0]["value"] == "phone:13800000001"
    assert _shared(flags[FlagCode.identical_documents])[0]["value"] == "f1"
    assert all("第三十七条" in flag.citation for flag in flags.values())


def _shared(flag: redflags.Flag) -> list[dict[str, object]]:
    shared = flag.evidence["shared"]
    assert isinstance(shared, list)
    return shared


def test_collusion_signals_negative() -> None:
    # given distinct signals, empty values, and one bidder's two bids sharing everything
    bids = [
        BidSignals("r1", "a", network="10.0.0.5", device="d1", contact_name="张三", document_digests=("f1",)),
        BidSignals("r2", "a", network="10.0.0.5", device="d1", contact_name="张三", document_digests=("f1",)),
        BidSignals("r3", "b", network="", device="", contact_name=" ", contact_phone=""),
        BidSignals("r4", "c", network="", device="", contact_name=" ", contact_phone=""),
    ]
    assert redflags.collusion_signals(bids) == ()


def test_same_contact_name_is_a_signal() -> None:
    bids = [BidSignals("r1", "a", contact_name="张三"), BidSignals("r2", "b", contact_name="张三 ")]
    (flag,) = redflags.collusion_signals(bids)
    assert flag.code is FlagCode.shared_contact and _shared(flag)[0]["value"] == "name:张三"


def test_rules_are_listed() -> None:
    names = [rule.name for rule in redflags.RULES]
    assert names == ["redflags.thresholds", "redflags.collusion_signals", "redflags.split_purchase"]
    assert len(redflags.RULES[0].values) == len(redflags.THRESHOLDS)
