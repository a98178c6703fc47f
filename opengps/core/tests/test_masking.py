"""Masking personal data: identity numbers shortened for screens, and phone numbers, identity
numbers and e-mail addresses taken out of free text."""

from __future__ import annotations

import pytest

from opengps.core import masking


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("电话 138 1234 5678", "电话 [已隐去]"),
        ("+86-138-1234-5678", "[已隐去]"),
        ("(0731)88880001", "[已隐去]"),
        ("身份证43010419900101123X号", "身份证[已隐去]号"),
        ("老证件430104900101123", "老证件[已隐去]"),
        ("卡号6222020200112233445", "卡号[已隐去]"),
        ("邮箱 a.b@example.com", "邮箱 [已隐去]"),
        ("2027-03-08交了1500元，第3次", "2027-03-08交了1500元，第3次"),
    ],
)
def test_personal_numbers_leave_free_text(text: str, shown: str) -> None:
    assert masking.mask_personal(text) == shown


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("43010419900101123X", "430104********123X"),
        ("430104 19900101 123X", "430104********123X"),  # spaces dropped first
        ("430104-19900101-1234", "430104********1234"),
    ],
)
def test_an_identity_number_keeps_its_region_and_last_four(number: str, shown: str) -> None:
    assert masking.mask_id_number(number) == shown
