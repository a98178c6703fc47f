"""/rules/ and `opengps rules` show exactly what the rules code applies."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape

from opengps.rules import deadlines
from opengps.rules.catalog import all_rules
from opengps.rules.procedures import Method

pytestmark = pytest.mark.django_db


def test_rules_page_lists_every_rule_value_and_citation_in_chinese(client: Client) -> None:
    response = client.get("/rules/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "平台执行的法规规则" in html
    for rule in all_rules():
        assert escape(rule.title_zh) in html, rule.name
        for value in rule.values:
            assert escape(str(value.value)) in html, rule.name
            assert escape(value.citation) in html, rule.name


def test_rules_page_in_english_uses_english_titles(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/rules/"})
    html = client.get("/rules/").content.decode()
    rule = all_rules()[0]
    assert escape(rule.title_en) in html


def test_cli_evaluates_the_same_value_the_code_applies() -> None:
    out = StringIO()
    call_command(
        "rules", "explain", "deadlines.earliest_bid_deadline", "open_tender", "2025-09-25", stdout=out
    )
    expected = deadlines.earliest_bid_deadline(Method.open_tender, date(2025, 9, 25))
    assert f"= {expected.value.isoformat()}" in out.getvalue()
    assert expected.citation in out.getvalue()


def test_cli_describes_a_rule_and_lists_all() -> None:
    rule = all_rules()[0]
    out = StringIO()
    call_command("rules", "explain", rule.name, stdout=out)
    assert rule.title_zh in out.getvalue()
    out = StringIO()
    call_command("rules", "list", stdout=out)
    assert len(out.getvalue().splitlines()) == len(all_rules())


def test_cli_unknown_rule_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match=r"rules\.unknown_rule"):
        call_command("rules", "explain", "nonexistent")
