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
    page_sql = next(q["sql"] for q in queries.captured_queries if "OVER ()" in q["sql"])
    assert "COALESCE" in page_sql.upper()


@pytest.mark.parametrize(
    ("rows", "walked"),
    [
        (80.0, True),  # 4 of 80 organizations: 1/20 of the registry, spread through the names
        (81.0, False),  # under 1/20: fetched through the filter's index and sorted
    ],
)
def test_a_filter_that_says_nothing_of_the_name_walks_the_name_index_when_dense_enough(
    orgs: list[Any], monkeypatch: pytest.MonkeyPatch, rows: float, walked: bool
) -> None:
    # given: the four organizations are all social service agencies (make_org's default type)
    filters = selectors.SearchFilters(org_type="social_service_agency")
    expected = sorted(NAMES)
    monkeypatch.setattr(selectors, "_registry_rows", lambda: rows)
    with CaptureQueriesContext(connection) as queries:
        page = selectors.organization_search(filters=filters)
    # then: the same rows in name order either way; only the plan's ordering differs
    assert _names(page) == expected and page.count == 4
    assert ("COALESCE" in queries.captured_queries[-1]["sql"].upper()) is not walked


@pytest.mark.parametrize(
    ("region", "sorted_by_expression"),
    [
        ("430104", False),  # one county: a walk of the (region, name, id) index, in name order
        ("430100", True),  # a prefecture (its counties): names cluster, the matches are sorted
    ],
)
def test_a_region_is_walked_through_its_own_index_or_sorted_never_walked_by_name(
    orgs: list[Any], monkeypatch: pytest.MonkeyPatch, region: str, sorted_by_expression: bool
) -> None:
    # given: a registry estimated large, so four matches are sparse
    monkeypatch.setattr(selectors, "_registry_rows", lambda: 1_000_000.0)
    with CaptureQueriesContext(connection) as queries:
        page = selectors.organization_search(filters=selectors.SearchFilters(region=region))
    # then: all four (make_org files them in 430104), in name order, counted before the page is read
    assert _names(page) == sorted(NAMES) and page.count == 4
    assert ("COALESCE" in queries.captured_queries[-1]["sql"].upper()) is sorted_by_expression
    assert not any("OVER ()" in q["sql"] for q in queries.captured_queries)


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


@pytest.mark.parametrize(
    ("q", "count", "capped"),
    [
        ("春晖", 1, False),  # under the cap: exact
        ("养老", 2, False),  # at the cap: still exact
        ("服务", 2, True),  # four matches over a cap of two: the cap, flagged as a lower bound
        ("没有这个名字", 0, False),
    ],
)
def test_the_count_is_exact_up_to_the_cap_and_flagged_beyond_it(
    orgs: list[Any], monkeypatch: pytest.MonkeyPatch, q: str, count: int, capped: bool
) -> None:
    # given: a cap of two matches
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    filters = selectors.SearchFilters(q=q)
    # when: searched cold, then again with the count kept
    cold = selectors.organization_search(filters=filters)
    warm = selectors.organization_search(filters=filters)
    # then: the same answer both times
    for page in (cold, warm):
        assert (page.count, page.count_capped) == (count, capped)
        assert len(page.results) == count  # one page holds them all (page size 20)
    assert _names(cold) == _names(warm)


def test_a_capped_result_pages_only_as_far_as_the_cap_in_recorded_order(
    orgs: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: four matches, a cap of three, one per page
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    filters = selectors.SearchFilters(q="服务")
    # when: the first page, and a page past the cap
    first = selectors.organization_search(filters=filters, page=1, page_size=1)
    beyond = selectors.organization_search(filters=filters, page=9, page_size=1)
    # then: three pages at most; the last one is served for a page past them; recorded order
    assert (first.count, first.count_capped, first.num_pages) == (3, True, 3)
    assert (beyond.page, beyond.num_pages, beyond.has_next) == (3, 3, False)
    assert [o.pk for o in first.results + beyond.results] == [orgs[0].pk, orgs[2].pk]


def test_an_uncapped_search_reads_count_and_page_in_one_query(orgs: list[Any]) -> None:
    # given: nothing counted yet for this filter
    with CaptureQueriesContext(connection) as queries:
        page = selectors.organization_search(filters=selectors.SearchFilters(q="服务"), page=2, page_size=3)
    # then: one statement gives the exact count and the second page in name order
    assert (page.count, page.count_capped, page.num_pages) == (4, False, 2)
    assert _names(page) == [sorted(NAMES)[3]]
    # (on PostgreSQL the planner's estimate of the fragment comes first: an EXPLAIN, no rows read)
    reads = [q for q in queries.captured_queries if not q["sql"].startswith("EXPLAIN")]
    assert len([q for q in reads if "LIKE" in q["sql"]]) == 1


def test_a_region_search_reads_the_divisions_once_per_process(
    orgs: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the division table not read yet in this process
    monkeypatch.setattr(selectors, "_REGION_TREE", {"at": -1e9, "within": {}})
    prefecture = orgs[0].region.parent_id or orgs[0].region_id
    # when: two searches by the prefecture
    first = selectors.organization_search(filters=selectors.SearchFilters(region=prefecture))
    with CaptureQueriesContext(connection) as queries:
        second = selectors.organization_search(filters=selectors.SearchFilters(region=prefecture))
    # then: the same organizations, and the second search does not ask for the divisions again
    assert _names(first) == _names(second) and orgs[0].name in _names(second)
    assert not any("accounts_region" in q["sql"] for q in queries.captured_queries)
    # and a prefecture holds its counties; an unknown code holds nothing
    assert orgs[0].region_id in selectors.region_codes_within(prefecture)
    assert selectors.region_codes_within("999999") == []


def test_a_region_code_the_divisions_lack_finds_nothing(orgs: list[Any]) -> None:
    # when: a county code GB/T 2260 does not have (a selective filter: one statement, none sent)
    page = selectors.organization_search(filters=selectors.SearchFilters(region="439999", q="服务"))
    # then: nothing, and no error
    assert (page.count, page.count_capped, page.results) == (0, False, [])


MIXED = ["长沙市ABC养老服务中心", "株洲市Abc社工服务站", "湘潭市心理咨询中心"]


@pytest.mark.parametrize(
    "q",
    [
        "养",  # one character
        "养老",  # two characters: no trigram (the bigram condition on PostgreSQL)
        "社工",
        "服务中",  # three characters and more: the trigram index
        "养老服务中心",
        "长沙市阳光养老服务中心",  # a whole name, as pasted
        "abc",  # Latin, any case
        "ABC养老",  # mixed
        "c社",
        "没有",  # nothing
    ],
)
def test_a_fragment_finds_exactly_the_names_holding_it_in_name_order(
    orgs: list[Any], make_org: Callable[..., Any], q: str
) -> None:
    # given: Chinese names and names with Latin letters
    for name in MIXED:
        make_org(name=name)
    # when
    page = selectors.organization_search(filters=selectors.SearchFilters(q=q))
    # then: what a substring test finds (Latin letters in any case), in name order, counted exactly
    expected = sorted(n for n in [*NAMES, *MIXED] if q.casefold() in n.casefold())
    assert _names(page) == expected
    assert (page.count, page.count_capped) == (len(expected), False)


@pytest.mark.parametrize(
    ("q", "estimate", "plan"),
    [
        ("服务", None, "walk"),  # no estimate (SQLite): the first matches the scan meets
        ("服务", 500_000.0, "walk"),  # dense: a walk, without the bigram condition
        ("服务", 1_000.0, "index"),  # sparse: through the name's index, never a walk
        ("市", 1_000.0, "index"),  # one character: never a bigram condition
    ],
)
def test_a_capped_fragment_shows_its_first_matches_in_recorded_order_in_one_statement(
    orgs: list[Any], monkeypatch: pytest.MonkeyPatch, q: str, estimate: float | None, plan: str
) -> None:
    # given: a cap of two, a registry estimated at a million and PostgreSQL's estimate of the fragment
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    monkeypatch.setattr(selectors, "_registry_rows", lambda: 1_000_000.0)
    monkeypatch.setattr(selectors, "_fragment_estimate", lambda filters: estimate)
    filters = selectors.SearchFilters(q=q)
    expected = [o.pk for o in orgs if q in o.name][:2]
    # when: both pages, one organization each
    with CaptureQueriesContext(connection) as queries:
        first = selectors.organization_search(filters=filters, page=1, page_size=1)
    second = selectors.organization_search(filters=filters, page=2, page_size=1)
    # then: "more than two", the first two matches in the order they were recorded, two pages
    assert (first.count, first.count_capped, first.num_pages) == (2, True, 2)
    assert [o.pk for o in first.results + second.results] == expected
    # …read with their count in one statement (no count first)
    statements = [
        s["sql"]
        for s in queries.captured_queries
        if "registry_organization" in s["sql"] and "derived_until" not in s["sql"]  # the page, not upkeep
    ]
    assert len(statements) == 1 and "OVER ()" in statements[0]
    if plan == "walk":  # a walk never runs the bigram function on the rows it passes
        assert "registry_name_bigrams" not in statements[0]
    # a sparse fragment is read through its index on PostgreSQL, whatever the planner expects
    forced = any("set_config('enable_seqscan', 'off'" in s["sql"] for s in queries.captured_queries)
    assert forced is (plan == "index" and connection.vendor == "postgresql")
    # …and only for that statement: the test's own transaction reads on with the usual plans
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')")
            assert cursor.fetchone() == ("on", "on")


def test_past_the_last_page_of_a_fragment_shows_the_last_page(
    orgs: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a cap of two and a fragment with four matches
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    # when: page 9 of pages of one
    page = selectors.organization_search(filters=selectors.SearchFilters(q="服务"), page=9, page_size=1)
    # then: the second page, the last the cap covers; and an unknown fragment is page 1 of nothing
    assert (page.page, page.count, page.count_capped, len(page.results)) == (2, 2, True, 1)
    empty = selectors.organization_search(filters=selectors.SearchFilters(q="没有"), page=3)
    assert (empty.page, empty.count, empty.results) == (1, 0, [])


def test_only_postgresql_estimates_a_fragment_and_never_a_code(orgs: list[Any]) -> None:
    # when: a fragment and a USCC
    fragment = selectors._fragment_estimate(selectors.SearchFilters(q="养老"))
    code = selectors._fragment_estimate(selectors.SearchFilters(q=orgs[0].uscc))
    # then: the planner's estimate on PostgreSQL (a number of rows), none on SQLite; none for a code
    assert code is None
    if connection.vendor == "postgresql":
        assert fragment is not None and fragment >= 0
    else:
        assert fragment is None


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bigram index and its function exist on PostgreSQL only"
)
def test_postgresql_estimates_a_two_character_fragment_from_the_bigram_condition(
    orgs: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the function of migration 0005 (the tests build their tables without migrations)
    with connection.cursor() as cursor:
        cursor.execute(BIGRAMS_FUNCTION)
    monkeypatch.setattr(selectors, "_BIGRAMS", {})
    # when
    with CaptureQueriesContext(connection) as queries:
        estimate = selectors._fragment_estimate(selectors.SearchFilters(q="养老"))
    # then: the plan of the bigram containment was asked for, not of the LIKE
    assert estimate is not None and estimate >= 0
    explained = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("EXPLAIN")]
    assert len(explained) == 1 and "registry_name_bigrams" in explained[0] and "LIKE" not in explained[0]
