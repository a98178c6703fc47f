"""The yes/no verdict field shared by the objection decision and the mid-term review forms."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from opengps.grants.forms import MidtermForm, ObjectionDecideForm, verdict_field


@pytest.mark.parametrize(("yes_first", "order"), [(True, ["1", "0"]), (False, ["0", "1"])])
def test_verdict_field_lists_choices_in_the_order_asked(yes_first: bool, order: list[str]) -> None:
    # given / when
    field: Any = verdict_field("结论", "是", "否", yes_first=yes_first)
    # then
    assert [value for value, _label in field.choices] == order
    assert dict(field.choices) == {"1": "是", "0": "否"}
    assert isinstance(field.widget, forms.RadioSelect)


@pytest.mark.parametrize(("raw", "cleaned"), [("1", True), ("0", False)])
def test_verdict_field_cleans_to_a_bool(raw: str, cleaned: bool) -> None:
    assert verdict_field("结论", "是", "否", yes_first=True).clean(raw) is cleaned


def test_verdict_field_refuses_anything_else() -> None:
    with pytest.raises(forms.ValidationError):
        verdict_field("结论", "是", "否", yes_first=True).clean("2")


def test_forms_keep_their_order_of_choices() -> None:
    # the objection decision lists "not upheld" first, the mid-term review "passed" first
    upheld: Any = ObjectionDecideForm().fields["upheld"]
    passed: Any = MidtermForm().fields["passed"]
    assert [v for v, _ in upheld.choices] == ["0", "1"]
    assert [v for v, _ in passed.choices] == ["1", "0"]
