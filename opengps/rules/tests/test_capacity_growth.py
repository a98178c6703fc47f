"""Capacity rules, second part: where a service point may sit and when it opens, a training's days
and hours, an attendance's credited hours, the yearly training hours (each training once, in the
year it ended) and the days of a community organization's support and activities.

Expected values are worked out by hand from the dates and hours in each row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opengps.rules import capacity_growth as rules
from opengps.rules.base import RuleError
from opengps.rules.capacity_growth import Attended

D = date.fromisoformat


@pytest.mark.parametrize(
    ("village", "township", "ok"),
    [
        ("430104001001", "430104001", True),
        ("430104001201", "430104001", True),
        ("430104002001", "430104001", False),  # another township's village
        ("43010400100", "430104001", False),  # 11 digits
        ("4301040010011", "430104001", False),  # 13 digits
        ("43010400100A", "430104001", False),  # not digits
        ("", "430104001", False),
    ],
)
def test_point_village(village: str, township: str, ok: bool) -> None:
    if ok:
        rules.check_point_village(village, township)
        return
    with pytest.raises(RuleError) as caught:
        rules.check_point_village(village, township)
    assert caught.value.code == "capacity.point_village_invalid"
    assert "湘民发〔2018〕10号" in caught.value.citation and "[U]" in caught.value.citation


@pytest.mark.parametrize(
    ("opened", "station_opened", "station_closed", "ok"),
    [
        ("2026-01-05", "2026-01-05", None, True),  # the station's opening day
        ("2026-01-04", "2026-01-05", None, False),  # before it
        ("2026-06-30", "2026-01-05", "2026-06-30", True),  # its closing day
        ("2026-07-01", "2026-01-05", "2026-06-30", False),  # after it closed
    ],
)
def test_point_in_station(opened: str, station_opened: str, station_closed: str | None, ok: bool) -> None:
    def run() -> None:
        rules.check_point_in_station(
            D(opened),
            station_opened_on=D(station_opened),
            station_closed_on=D(station_closed) if station_closed else None,
        )

    if ok:
        run()
        return
    with pytest.raises(RuleError) as caught:
        run()
    assert caught.value.code == "capacity.point_outside_station"
    assert caught.value.params["opened_on"] == opened


@pytest.mark.parametrize(
    ("opened", "closed", "on", "expected"),
    [
        ("2026-04-01", None, "2026-03-31", False),
        ("2026-04-01", None, "2026-04-01", True),
        ("2026-04-01", "2026-08-31", "2026-08-31", True),  # serves through its closing day
        ("2026-04-01", "2026-08-31", "2026-09-01", False),
    ],
)
def test_point_open_on(opened: str, closed: str | None, on: str, expected: bool) -> None:
    assert rules.point_open_on(D(opened), D(closed) if closed else None, D(on)) is expected


@pytest.mark.parametrize(
    ("starts", "ends", "hours", "code"),
    [
        ("2026-05-11", "2026-05-11", "8", None),  # one day, eight hours
        ("2026-05-11", "2026-05-12", "16", None),  # two days, sixteen
        ("2026-05-11", "2026-05-11", "3.5", None),  # half hours count
        ("2026-05-11", "2026-05-11", "8.5", "capacity.training_hours_invalid"),  # over 8 a day
        ("2026-05-11", "2026-05-11", "0", "capacity.training_hours_invalid"),
        ("2026-05-11", "2026-05-11", "-2", "capacity.training_hours_invalid"),
        ("2026-05-11", "2026-05-11", "2.25", "capacity.training_hours_invalid"),  # not a half hour
        ("2026-05-11", "2026-05-11", "NaN", "capacity.training_hours_invalid"),
        ("2026-05-12", "2026-05-11", "8", "capacity.training_dates_invalid"),  # ends before it starts
    ],
)
def test_training(starts: str, ends: str, hours: str, code: str | None) -> None:
    def run() -> None:
        rules.check_training(D(starts), D(ends), Decimal(hours))

    if code is None:
        run()
        return
    with pytest.raises(RuleError) as caught:
        run()
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("hours", "training_hours", "starts", "today", "code"),
    [
        ("16", "16", "2026-05-11", "2026-05-11", None),  # the first day: recorded
        ("8", "16", "2026-05-11", "2026-06-01", None),  # part attendance
        ("16.5", "16", "2026-05-11", "2026-06-01", "capacity.attendance_hours_invalid"),  # more than given
        ("0", "16", "2026-05-11", "2026-06-01", "capacity.attendance_hours_invalid"),
        ("1.2", "16", "2026-05-11", "2026-06-01", "capacity.attendance_hours_invalid"),
        ("16", "16", "2026-05-11", "2026-05-10", "capacity.training_not_started"),  # the day before
    ],
)
def test_attendance(hours: str, training_hours: str, starts: str, today: str, code: str | None) -> None:
    def run() -> None:
        rules.check_attendance(
            Decimal(hours), training_hours=Decimal(training_hours), starts_on=D(starts), today=D(today)
        )

    if code is None:
        run()
        return
    with pytest.raises(RuleError) as caught:
        run()
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("attended", "expected"),
    [
        ([], {}),
        ([(1, "2026-05-12", "16")], {2026: "16"}),
        ([(1, "2026-05-12", "16"), (2, "2026-11-03", "4.5")], {2026: "20.5"}),
        # a training across the new year counts once, in the year it ended
        ([(3, "2027-01-02", "24")], {2027: "24"}),
        ([(1, "2026-05-12", "16"), (3, "2027-01-02", "24")], {2026: "16", 2027: "24"}),
        # one training listed twice counts once, by its larger entry, never the sum
        ([(1, "2026-05-12", "8"), (1, "2026-05-12", "16")], {2026: "16"}),
        ([(1, "2026-05-12", "16"), (1, "2026-05-12", "8")], {2026: "16"}),
    ],
)
def test_hours_by_year(attended: list[tuple[int, str, str]], expected: dict[int, str]) -> None:
    items = [Attended(t, D(ends), Decimal(h)) for t, ends, h in attended]
    assert rules.hours_by_year(items) == {year: Decimal(h) for year, h in expected.items()}


def test_training_days() -> None:
    assert rules.training_days(D("2026-12-31"), D("2027-01-02")) == 3


@pytest.mark.parametrize(
    ("day", "filed", "today", "code"),
    [
        ("2026-02-01", "2026-02-01", "2027-01-11", None),  # the filing day
        ("2027-01-11", "2026-02-01", "2027-01-11", None),  # today
        ("2026-01-31", "2026-02-01", "2027-01-11", "capacity.before_filing"),
        ("2027-01-12", "2026-02-01", "2027-01-11", "capacity.future_date"),
    ],
)
def test_after_filing(day: str, filed: str, today: str, code: str | None) -> None:
    def run() -> None:
        rules.check_after_filing(D(day), filed_on=D(filed), today=D(today), field="held_on")

    if code is None:
        run()
        return
    with pytest.raises(RuleError) as caught:
        run()
    assert caught.value.code == code
    assert "湘民发〔2022〕42号" in caught.value.citation
    assert caught.value.params["held_on"] == day
