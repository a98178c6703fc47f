"""Yuan amounts parsed from user input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from opengps.core.errors import ServiceError
from opengps.core.money import parse_yuan


@pytest.mark.parametrize(
    ("value", "allow_zero", "expected"),
    [
        ("1,234.5", False, Decimal("1234.50")),
        (Decimal("0.01"), False, Decimal("0.01")),
        (Decimal("2.340"), False, Decimal("2.34")),  # trailing zeros are not extra precision
        (120000, False, Decimal("120000.00")),
        (" 0 ", True, Decimal("0.00")),
    ],
)
def test_valid_amounts(value: Any, allow_zero: bool, expected: Decimal) -> None:
    assert parse_yuan(value, field="amount", code="x.amount_invalid", allow_zero=allow_zero) == expected


@pytest.mark.parametrize(
    "value", [1.5, "abc", "", "NaN", "Infinity", "-1", "0", "1e12", None, "0.005", Decimal("2.345")]
)
def test_bad_amounts_are_refused_with_the_callers_code(value: Any) -> None:
    with pytest.raises(ServiceError) as refused:
        parse_yuan(value, field="amount", code="x.amount_invalid")
    assert refused.value.code == "x.amount_invalid" and refused.value.field == "amount"
