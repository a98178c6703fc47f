"""The search's plans at national scale: sparse results through their filter, two-character fragments."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opengps.registry import selectors

BIGRAMS_FUNCTION = import_module("opengps.registry.migrations.0005_name_bigram_index").BIGRAMS_FUNCTION

pytestmark = pytest.mark.django_db

NAMES = ["长沙市阳光养老服务中心", "长沙市春晖社工服务站", "株洲市爱心养老服务社", "湘潭市同心助残服务中心"]


@pytest.fixture
def orgs(make_org: Callable[..., Any]) -> list[Any]:
    return [make_org(name=name) for name in NAMES]


def _names(page: selectors.SearchPage) -> list[str]:
    return [org.name for org in page.results]


def test_a_sparse_result_comes_in_the_same_order_when_fetched_through_its_filter(
    orgs: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the same search against a registry estimated small (name-index walk) and large
    filters = selectors.SearchFilters(q="养老")
    monkeypatch.setattr(selectors, "_registry_rows", lambda: 0.0)
    walked = selectors.organization_search(filters=filters)
    monkeypatch.setattr(selectors, "_registry_rows", lambda: 1_000_000.0)
    with CaptureQueriesContext(connection) as queries:
        fetched = selectors.organization_search(filters=filters)
    # then: same rows, same order, and the large registry's page is ordered by the expression
    assert _names(fetched) == _names(walked) == ["株洲市爱心养老服务社", "长沙市阳光养老服务中心"]
    assert fetched.count == walked.count == 2
    assert "COALESCE" in queries.captured_queries[-1]["sql"].upper()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bigram index and its function exist on PostgreSQL only"
)
def test_a_two_character_fragment_is_found_through_the_bigram_condition(
    orgs: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the function of migration 0005 (the tests build their tables without migrations)
    with connection.cursor() as cursor:
        cursor.execute(BIGRAMS_FUNCTION)
    monkeypatch.setattr(selectors, "_BIGRAMS", {})
    with CaptureQueriesContext(connection) as queries:
        page = selectors.organization_search(filters=selectors.SearchFilters(q="社工"))
    assert _names(page) == ["长沙市春晖社工服务站"]
    assert any("registry_name_bigrams" in q["sql"] for q in queries.captured_queries)
    # three characters go through the trigram index as before
    with CaptureQueriesContext(connection) as queries:
        page = selectors.organization_search(filters=selectors.SearchFilters(q="助残服"))
    assert _names(page) == ["湘潭市同心助残服务中心"]
    assert not any("registry_name_bigrams" in q["sql"] for q in queries.captured_queries)
