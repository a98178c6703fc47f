"""Capacity rules: the month a station may log, a worker's postings (never two stations at once
full-time), incubation and filing dates, station coverage shares and the station's status table.

Expected values are worked out by hand from the dates and counts in each row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opengps.rules import capacity
from opengps.rules.base import RuleError
from opengps.rules.capacity import Coverage, Span

D = date.fromisoformat


@pytest.mark.parametrize(
    ("month", "opened", "closed", "today", "expected", "code"),
    [
        ("2025-03-01", "2025-03-15", None, "2025-06-10", "2025-03-01", None),  # the opening month counts
        ("2025-03-20", "2025-03-15", None, "2025-06-10", "2025-03-01", None),  # any day → its month
        ("2025-02-01", "2025-03-15", None, "2025-06-10", None, "capacity.log_before_opening"),
        ("2024-12-01", "2025-01-01", None, "2025-06-10", None, "capacity.log_before_opening"),
        ("2025-06-01", "2025-03-15", None, "2025-06-10", "2025-06-01", None),  # the month under way
        ("2025-07-01", "2025-03-15", None, "2025-06-10", None, "capacity.log_future_month"),
        ("2025-09-01", "2025-03-15", "2025-09-05", "2025-12-01", "2025-09-01", None),  # closing month
        ("2025-10-01", "2025-03-15", "2025-09-05", "2025-12-01", None, "capacity.log_after_closing"),
    ],
)
def test_log_month(
    month: str, opened: str, closed: str | None, today: str, expected: str | None, code: str | None
) -> None:
    def run() -> date:
        return capacity.check_log_month(
            D(month), opened_on=D(opened), closed_on=D(closed) if closed else None, today=D(today)
        )

    if code is None:
        assert run() == D(expected or "")
        return
    with pytest.raises(RuleError) as caught:
        run()
    assert caught.value.code == code
    assert "湘民发〔2018〕10号" in caught.value.citation and "[U]" in caught.value.citation
    assert caught.value.params["month"] == D(month).strftime("%Y-%m")


def test_month_of() -> None:
    assert capacity.month_of(D("2025-02-28")) == D("2025-02-01")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (("2025-01-01", "2025-03-31"), ("2025-04-01", None), False),  # back to back
        (("2025-01-01", "2025-03-31"), ("2025-03-31", "2025-05-01"), True),  # one shared day
        (("2025-01-01", None), ("2026-01-01", "2026-02-01"), True),  # open-ended runs on
        (("2025-05-01", "2025-06-01"), ("2025-01-01", "2025-04-30"), False),  # b entirely before a
        (("2025-05-01", None), ("2025-01-01", None), True),  # both open-ended
        (("2025-02-01", "2025-02-10"), ("2025-01-01", "2025-12-31"), True),  # inside
    ],
)
def test_overlaps(a: tuple[str, str | None], b: tuple[str, str | None], expected: bool) -> None:
    first = Span(D(a[0]), D(a[1]) if a[1] else None)
    second = Span(D(b[0]), D(b[1]) if b[1] else None)
    assert capacity.overlaps(first, second) is expected
    assert capacity.overlaps(second, first) is expected


ELSEWHERE = Span(D("2025-01-01"), D("2025-06-30"), True, "岳麓街道社工站")
PART_TIME = Span(D("2025-01-01"), None, False, "望城社工站")


@pytest.mark.parametrize(
    ("new", "existing", "clash"),
    [
        (Span(D("2025-07-01"), None), [ELSEWHERE], None),  # after the other ends
        (Span(D("2025-06-30"), None), [ELSEWHERE], "岳麓街道社工站"),  # its last day
        (Span(D("2024-01-01"), D("2025-01-01")), [ELSEWHERE], "岳麓街道社工站"),  # its first day
        (Span(D("2025-03-01"), None, False), [ELSEWHERE], "岳麓街道社工站"),  # part-time vs full-time
        (Span(D("2025-03-01"), None, False), [PART_TIME], None),  # two part-time postings
        (Span(D("2025-03-01"), None), [PART_TIME], "望城社工站"),  # full-time vs part-time
        (Span(D("2025-08-01"), None), [ELSEWHERE, PART_TIME], "望城社工站"),  # the first clash named
        (Span(D("2025-03-01"), None), [], None),
    ],
)
def test_posting_never_two_stations_at_once(new: Span, existing: list[Span], clash: str | None) -> None:
    if clash is None:
        capacity.check_posting(new, existing)
        return
    with pytest.raises(RuleError) as caught:
        capacity.check_posting(new, existing)
    assert caught.value.code == "capacity.worker_double_booked"
    assert caught.value.params["station"] == clash
    assert clash in caught.value.message_zh


def test_double_booking_without_a_label_names_another_station() -> None:
    with pytest.raises(RuleError) as caught:
        capacity.check_posting(Span(D("2025-03-01"), None), [Span(D("2025-01-01"), D("2025-12-31"))])
    assert "其他站点" in caught.value.message_zh
    assert caught.value.params["ends_on"] == "2025-12-31"


@pytest.mark.parametrize(
    ("starts", "ends", "ok"),
    [("2025-01-01", None, True), ("2025-01-01", "2025-01-01", True), ("2025-01-02", "2025-01-01", False)],
)
def test_posting_dates(starts: str, ends: str | None, ok: bool) -> None:
    if ok:
        capacity.check_posting_dates(D(starts), D(ends) if ends else None)
        return
    with pytest.raises(RuleError) as caught:
        capacity.check_posting_dates(D(starts), D(ends) if ends else None)
    assert caught.value.code == "capacity.posting_dates_invalid"


@pytest.mark.parametrize(
    ("starts", "ends", "opened", "closed", "ok"),
    [
        ("2025-03-15", None, "2025-03-15", None, True),  # from the opening day
        ("2025-03-14", None, "2025-03-15", None, False),  # before it opened
        ("2025-04-01", "2025-08-31", "2025-03-15", "2025-08-31", True),  # up to the closing day
        ("2025-04-01", "2025-09-01", "2025-03-15", "2025-08-31", False),  # past the closing day
        ("2025-04-01", None, "2025-03-15", "2025-08-31", False),  # open-ended at a closed station
    ],
)
def test_posting_within_the_station_days(
    starts: str, ends: str | None, opened: str, closed: str | None, ok: bool
) -> None:
    def run() -> None:
        capacity.check_posting_in_station(
            D(starts), D(ends) if ends else None, opened_on=D(opened), closed_on=D(closed) if closed else None
        )

    if ok:
        run()
        return
    with pytest.raises(RuleError) as caught:
        run()
    assert caught.value.code == "capacity.posting_outside_station"


@pytest.mark.parametrize(
    ("entered", "graduated", "ok"),
    [("2024-05-01", None, True), ("2024-05-01", "2024-05-01", True), ("2024-05-01", "2024-04-30", False)],
)
def test_graduation_after_entry(entered: str, graduated: str | None, ok: bool) -> None:
    if ok:
        capacity.check_graduation(D(entered), D(graduated) if graduated else None)
        return
    with pytest.raises(RuleError) as caught:
        capacity.check_graduation(D(entered), D(graduated) if graduated else None)
    assert caught.value.code == "capacity.graduation_before_entry"
    assert "补助资金" in caught.value.citation


@pytest.mark.parametrize(
    ("filed", "registered", "ok"), [("2024-05-01", "2024-05-01", True), ("2024-05-01", "2024-04-30", False)]
)
def test_registration_after_filing(filed: str, registered: str, ok: bool) -> None:
    if ok:
        capacity.check_registration(D(filed), D(registered))
        return
    with pytest.raises(RuleError) as caught:
        capacity.check_registration(D(filed), D(registered))
    assert caught.value.code == "capacity.registered_before_filing"
    assert "湘民发〔2022〕42号" in caught.value.citation


@pytest.mark.parametrize(
    ("status", "opened", "closed", "on", "expected"),
    [
        ("operating", "2025-03-15", None, "2025-03-15", True),
        ("operating", "2025-03-15", None, "2025-03-14", False),  # registered ahead of its opening
        ("suspended", "2025-03-15", None, "2025-06-01", False),
        ("closed", "2025-03-15", "2025-08-31", "2025-06-01", True),  # before it closed
        ("closed", "2025-03-15", "2025-08-31", "2025-08-31", True),  # serves through its closing day
        ("closed", "2025-03-15", "2025-08-31", "2025-09-01", False),
        ("closed", "2025-03-15", "2025-08-31", "2025-03-01", False),  # not yet open
        ("closed", "2025-03-15", None, "2025-06-01", False),  # no closing day: not counted
    ],
)
def test_is_operating(status: str, opened: str, closed: str | None, on: str, expected: bool) -> None:
    assert capacity.is_operating(status, D(opened), D(closed) if closed else None, D(on)) is expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (0, 0, None),
        (0, 7, Decimal("0.0")),
        (7, 7, Decimal("100.0")),
        (1, 3, Decimal("33.3")),
        (2, 3, Decimal("66.7")),
        (1, 8, Decimal("12.5")),  # half up
        (1, 16, Decimal("6.3")),  # 6.25 → 6.3, half up
    ],
)
def test_share(part: int, whole: int, expected: Decimal | None) -> None:
    assert capacity.share(part, whole) == expected


@pytest.mark.parametrize(("part", "whole"), [(-1, 3), (4, 3)])
def test_share_refuses_impossible_counts(part: int, whole: int) -> None:
    with pytest.raises(RuleError) as caught:
        capacity.share(part, whole)
    assert caught.value.code == "capacity.share_invalid"


def test_coverage_shares_and_gaps() -> None:
    figures = Coverage(townships=12, with_station=9, staffed=6, workers=20, certified=13)
    assert figures.station_share == Decimal("75.0")
    assert figures.staffed_share == Decimal("50.0")
    assert figures.certified_share == Decimal("65.0")
    assert figures.gaps == 3
    assert Coverage(0, 0, 0, 0, 0).station_share is None


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("operating", "suspended", True),
        ("operating", "closed", True),
        ("suspended", "operating", True),
        ("suspended", "closed", True),
        ("closed", "operating", False),
        ("operating", "operating", False),
    ],
)
def test_station_table(current: str, target: str, allowed: bool) -> None:
    assert capacity.can_transition("capacity_station", current, target) is allowed
    if not allowed:
        with pytest.raises(RuleError) as caught:
            capacity.check_transition("capacity_station", current, target)
        assert caught.value.code == "workflow.transition_not_allowed"


# --- a base's yearly assessment and its graduates' outcome ------------------------------------------


def _items(*rows: tuple[str, str, str]) -> list[capacity.Indicator]:
    return [capacity.Indicator(name, Decimal(full), Decimal(score)) for name, full, score in rows]


@pytest.mark.parametrize(
    ("rows", "total"),
    [
        ((("孵化成效", "40", "36"), ("规范管理", "30", "27.5"), ("服务能力", "30", "30")), "93.50"),
        ((("综合", "100", "0"),), "0.00"),
        ((("综合", "100", "100"),), "100.00"),
        ((("甲", "50.5", "40.25"), ("乙", "49.5", "10")), "50.25"),
    ],
)
def test_assessment_total(rows: tuple[tuple[str, str, str], ...], total: str) -> None:
    assert capacity.assessment_total(_items(*rows)) == Decimal(total)


@pytest.mark.parametrize(
    ("rows", "names"),
    [
        ((), "至少需要一项指标"),
        ((("", "100", "50"),), "名称为空或重复"),
        ((("甲", "50", "40"), ("甲", "50", "40")), "名称为空或重复"),
        ((("甲", "0", "0"), ("乙", "100", "40")), "得分应在0到满分之间"),
        ((("甲", "50", "51"), ("乙", "50", "40")), "得分应在0到满分之间"),
        ((("甲", "50", "-1"), ("乙", "50", "40")), "得分应在0到满分之间"),
        ((("甲", "50", "40.125"), ("乙", "50", "40")), "最多两位小数"),
        ((("甲", "50.001", "40"), ("乙", "49.999", "40")), "最多两位小数"),
        ((("甲", "50", "40"), ("乙", "40", "40")), "合计应为100分（现为90分）"),
    ],
)
def test_assessment_total_refuses_bad_indicators(rows: tuple[tuple[str, str, str], ...], names: str) -> None:
    with pytest.raises(RuleError) as refused:
        capacity.assessment_total(_items(*rows))
    assert refused.value.code == "capacity.assessment_invalid"
    assert names in refused.value.message("zh-hans")
    assert "[U]" in refused.value.citation


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "excellent"),
        ("90", "excellent"),
        ("89.99", "good"),
        ("75", "good"),
        ("74.99", "pass"),
        ("60", "pass"),
        ("59.99", "fail"),
        ("0", "fail"),
    ],
)
def test_assessment_grade(total: str, grade: str) -> None:
    assert capacity.assessment_grade(Decimal(total)) == grade


@pytest.mark.parametrize(
    ("graduated", "wins", "expected"),
    [
        (None, ["2026-05-01"], False),  # still incubated: not yet an outcome
        ("2026-03-01", [], False),
        ("2026-03-01", ["2026-02-28"], False),  # won while incubated
        ("2026-03-01", ["2026-03-01"], True),  # the day it graduated counts
        ("2026-03-01", ["2025-01-01", "2027-01-05"], True),
    ],
)
def test_won_after_graduation(graduated: str | None, wins: list[str], expected: bool) -> None:
    assert capacity.won_after(D(graduated) if graduated else None, [D(w) for w in wins]) is expected
