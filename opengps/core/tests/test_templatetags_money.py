"""Numbers on the screen: `|yuan` groups to the fen, `|wanyuan` shows 万元 (millions in English),
Decimal-only, half up, "—" for a missing amount — in both languages; `|count` groups a count by
thousands in both languages (Django's Chinese formats would not), also on the pages that show one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation

from opengps.core.templatetags.money import format_count, format_wanyuan, format_yuan


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("6018000.00"), "6,018,000.00"),
        (Decimal("6018000"), "6,018,000.00"),
        (6018000, "6,018,000.00"),
        ("6018000.5", "6,018,000.50"),
        ("6,018,000.50", "6,018,000.50"),  # already grouped text is read, not doubled
        (Decimal("0"), "0.00"),
        (Decimal("0.005"), "0.01"),  # 四舍五入, not banker's rounding
        (Decimal("2.345"), "2.35"),
        (Decimal("-1234.5"), "-1,234.50"),
        (Decimal("-0.001"), "0.00"),  # no "-0.00"
        (Decimal("999999999999.99"), "999,999,999,999.99"),
        (Decimal("12345678901234567.89"), "12,345,678,901,234,567.89"),  # exact: no float on the way
        (0.1, "0.10"),  # a float is read through its repr, never computed with
        (None, "—"),
        ("", "—"),
        ("  ", "—"),
        ("待定", "待定"),  # not a number: shown as it is
        (Decimal("NaN"), "—"),
        (float("inf"), "—"),
    ],
)
def test_yuan(value: Any, expected: str) -> None:
    assert format_yuan(value) == expected


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (Decimal("6018000.00"), "601.8 万元", "6.018 million yuan"),
        (Decimal("1000000"), "100 万元", "1 million yuan"),
        (Decimal("12345"), "1.23 万元", "0.0123 million yuan"),
        (Decimal("15000"), "1.5 万元", "0.015 million yuan"),
        (Decimal("5"), "0 万元", "0 million yuan"),
        (Decimal("50"), "0.01 万元", "0.0001 million yuan"),  # half up at a hundred yuan
        (Decimal("123456789012.34"), "12,345,678.9 万元", "123,456.789 million yuan"),
        (Decimal("-20000"), "-2 万元", "-0.02 million yuan"),
        (7000000, "700 万元", "7 million yuan"),
        (None, "—", "—"),
        ("abc", "abc", "abc"),
    ],
)
def test_wanyuan(value: Any, zh: str, en: str) -> None:
    assert format_wanyuan(value, "zh-hans") == zh
    assert format_wanyuan(value, "en") == en


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "6,018,000.00 · 601.8 万元 · — · —"),
        ("en", "6,018,000.00 · 6.018 million yuan · — · —"),
    ],
)
def test_filters_in_a_template_follow_the_active_language(language: str, expected: str) -> None:
    template = Template(
        "{% load money %}{{ a|yuan }} · {{ a|wanyuan }} · {{ none|yuan }} · {{ none|wanyuan }}"
    )
    with translation.override(language):
        html = template.render(Context({"a": Decimal("6018000.00"), "none": None}))
    assert html == expected


def test_text_that_is_not_a_number_is_escaped() -> None:
    html = Template("{% load money %}{{ a|yuan }}").render(Context({"a": "<b>x</b>"}))
    assert html == "&lt;b&gt;x&lt;/b&gt;"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12345, "12,345"),
        (1000, "1,000"),
        (999, "999"),
        (0, "0"),
        (-1234567, "-1,234,567"),
        (Decimal("12345"), "12,345"),
        (Decimal("12345.00"), "12,345"),
        (Decimal("1234.5"), "1,234.5"),
        ("12345", "12,345"),
        (None, "—"),
        ("", "—"),
        ("若干", "若干"),
    ],
)
def test_count(value: Any, expected: str) -> None:
    assert format_count(value) == expected


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_count_is_grouped_in_both_languages_where_intcomma_is_not(language: str) -> None:
    template = Template("{% load money humanize %}{{ n|count }} · {{ n|intcomma }}")
    with translation.override(language):
        html = template.render(Context({"n": 12345}))
    grouped, humanized = html.split(" · ")
    assert grouped == "12,345"
    if language == "zh-hans":
        assert humanized == "12345"  # why `count` exists: zh_Hans has no thousands separator


class _Page:
    """Just enough of a paginator page for the templates below."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.count_capped = False
        self.number = 1
        self.object_list: list[Any] = []

    def __iter__(self) -> Any:
        return iter(())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("registry/_results.html", {"page": _Page(12345)}),
        (
            "workbench/home.html",
            {"overview": {"organizations": 12345, "rated_3a_plus": 1, "abnormal": 2, "serious": 3}},
        ),
        ("registry/_import_progress.html", {"job": {"pk": 1, "processed_rows": 12345, "total_rows": 20000}}),
        ("opendata/_export_progress.html", {"job": {"pk": 1, "processed": 12345, "total": 20000}}),
        ("components/pagination.html", {"number": 1, "num_pages": 1235, "count": 12345}),
    ],
    ids=["registry-results", "workbench-overview", "registry-import", "opendata-export", "pagination"],
)
def test_pages_show_a_count_of_thousands_grouped(
    rf: Any, language: str, template: str, context: dict[str, Any]
) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override(language):
        html = render_to_string(template, context, request=request)
    assert "12,345" in html and "12345" not in html
