"""Procurement method codes and names."""

from __future__ import annotations

import pytest

from opengps.rules.base import RuleError
from opengps.rules.procedures import METHOD_NAMES_EN, METHOD_NAMES_ZH, Method, parse_method

CHINESE_NAMES = {
    "open_tender": "公开招标",
    "invited_tender": "邀请招标",
    "competitive_negotiation": "竞争性谈判",
    "competitive_consultation": "竞争性磋商",
    "request_for_quotation": "询价",
    "single_source": "单一来源",
    "framework_agreement": "框架协议",
    "emall": "电子卖场",
}


@pytest.mark.parametrize(("code", "name_zh"), CHINESE_NAMES.items(), ids=list(CHINESE_NAMES))
def test_every_method_has_its_code_and_names(code: str, name_zh: str) -> None:
    method = parse_method(code)
    assert method.value == method.name == code
    assert METHOD_NAMES_ZH[method] == name_zh
    assert METHOD_NAMES_EN[method]


def test_the_names_cover_exactly_the_methods() -> None:
    assert set(METHOD_NAMES_ZH) == set(METHOD_NAMES_EN) == set(Method)
    assert {method.value for method in Method} == set(CHINESE_NAMES)


def test_a_method_passes_through() -> None:
    assert parse_method(Method.single_source) is Method.single_source


@pytest.mark.parametrize(
    "code", ["", "OPEN_TENDER", "公开招标", "tender"], ids=["empty", "upper", "chinese", "other"]
)
def test_an_unknown_code_is_refused(code: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_method(code)
    assert caught.value.code == "method.unknown"
    assert caught.value.params["code"] == code
    assert "open_tender" in caught.value.params["known"]  # type: ignore[operator]
