"""The shared helpers of the rules: the entry in force, parsing a code, values as /rules/ shows them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

import pytest

from opengps.rules.base import (
    EffectiveValue,
    Reason,
    RuleError,
    in_force,
    parse_choice,
    reason_json,
    shown,
    shown_history,
    shown_table,
    value_on,
)

HISTORY = (
    EffectiveValue(date(2020, 1, 1), Decimal("0.10"), "甲", "E"),
    EffectiveValue(date(2022, 1, 1), Decimal("0.20"), "乙"),
    EffectiveValue(date(2021, 1, 1), Decimal("0.15"), "丙", "U"),
)


@pytest.mark.parametrize(
    ("on_date", "expected"),
    [
        (date(2019, 12, 31), None),
        (date(2020, 1, 1), Decimal("0.10")),
        (date(2021, 6, 1), Decimal("0.15")),
        (date(2022, 1, 1), Decimal("0.20")),
    ],
)
def test_in_force_is_the_latest_entry_on_the_date_in_any_order(
    on_date: date, expected: Decimal | None
) -> None:
    # given a history listed out of date order / when asked on a date
    entry = in_force(HISTORY, on_date)
    # then the latest entry in force is returned, or None before the first
    assert (entry.value if entry is not None else None) == expected


def test_value_on_refuses_a_date_before_every_entry() -> None:
    with pytest.raises(RuleError) as refused:
        value_on(HISTORY, date(2019, 1, 1), rule="test.rule")
    assert refused.value.code == "rules.not_in_force"
    assert refused.value.params == {"rule": "test.rule", "on_date": "2019-01-01"}


class Colour(StrEnum):
    red = "red"
    blue = "blue"


def test_parse_choice_returns_the_member_for_its_code_or_the_member_itself() -> None:
    assert parse_choice(Colour, "red", code="x", message_zh="", message_en="", param="colour") is Colour.red
    assert (
        parse_choice(Colour, Colour.blue, code="x", message_zh="", message_en="", param="colour")
        is Colour.blue
    )


def test_parse_choice_refuses_an_unknown_code_listing_the_known_ones() -> None:
    with pytest.raises(RuleError) as refused:
        parse_choice(
            Colour,
            "green",
            code="colour.unknown",
            message_zh="未知颜色“green”",
            message_en="Unknown colour 'green'",
            param="colour",
            citation="某条",
        )
    error = refused.value
    assert (error.code, error.message_zh, error.message_en, error.citation) == (
        "colour.unknown",
        "未知颜色“green”",
        "Unknown colour 'green'",
        "某条",
    )
    assert error.params == {"colour": "green", "known": ["red", "blue"]}


def test_shown_keeps_the_date_citation_and_confidence_of_the_entry() -> None:
    assert shown(HISTORY[0], "≤ 10%") == EffectiveValue(date(2020, 1, 1), "≤ 10%", "甲", "E")


def test_shown_history_renders_every_entry_in_order() -> None:
    values = shown_history(HISTORY, lambda rate: f"≤ {rate:%}")
    assert values == (
        EffectiveValue(date(2020, 1, 1), "≤ 10%", "甲", "E"),
        EffectiveValue(date(2022, 1, 1), "≤ 20%", "乙", "T"),
        EffectiveValue(date(2021, 1, 1), "≤ 15%", "丙", "U"),
    )


def test_shown_table_renders_every_history_key_by_key() -> None:
    table = {"a": HISTORY[:1], "b": HISTORY[1:2]}
    assert shown_table(table, lambda key, rate: f"{key} ≤ {rate:%}") == (
        EffectiveValue(date(2020, 1, 1), "a ≤ 10%", "甲", "E"),
        EffectiveValue(date(2022, 1, 1), "b ≤ 20%", "乙", "T"),
    )


def test_reason_json_is_the_stored_and_returned_form_of_a_reason() -> None:
    reason = Reason(
        "grants.org_type", "组织类型不符", "Organization type not eligible", "通知第三条", "block"
    )
    assert reason_json(reason) == {
        "code": "grants.org_type",
        "message_zh": "组织类型不符",
        "message_en": "Organization type not eligible",
        "citation": "通知第三条",
        "severity": "block",
    }
    assert reason_json(Reason("x.y", "说明", "Note", ""))["severity"] == "info"
