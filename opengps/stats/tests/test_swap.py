"""A refresh replaces the fact, summary and rollup tables without changing their shape: the same
columns, keys, check constraints and indexes under the names the migrations gave (on PostgreSQL the
rows are written into fresh copies swapped in at the end), and no copy is left behind — whether the
refresh found changes (the copies swapped in) or none (the copies dropped)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from opengps.stats import services, swap
from opengps.stats.models import Fact, Refresh, Source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """The contract's deadlines run on the real clock; see the root conftest's `next_year_calendar`."""


def _shape() -> dict[str, Any]:
    with connection.cursor() as cursor:
        return {
            table: (
                [
                    (c.name, c.type_code, c.null_ok)
                    for c in connection.introspection.get_table_description(cursor, table)
                ],
                connection.introspection.get_constraints(cursor, table),
            )
            for table in swap.LIVE.each()
        }


def _copies() -> list[str]:
    return [name for name in connection.introspection.table_names() if name.endswith(swap.NEXT)]


def test_a_refresh_keeps_every_column_key_constraint_and_index_and_leaves_no_copy(contract: Any) -> None:
    # given the tables as the migrations made them
    before = _shape()
    assert any(
        c["unique"] and c["columns"] == ["source", "record_id"] for c in before[swap.LIVE.fact][1].values()
    )
    # when a first refresh finds records (a new refresh: on PostgreSQL the copies are swapped in)
    first = services.summaries_refresh(actor=None)
    # then the facts are there, and the tables have the same shape under the same names
    assert Fact.objects.filter(source=Source.CONTRACT, record_id=contract.pk).exists()
    assert _shape() == before
    assert _copies() == []
    # when a second refresh finds nothing changed (the copies are dropped)
    again = services.summaries_refresh(actor=None)
    # then the same refresh stands, the facts and the tables' shape are unchanged, no copy is left
    assert again.pk == first.pk and Refresh.objects.count() == 1
    assert Fact.objects.count() == first.facts
    assert _shape() == before
    assert _copies() == []


def test_a_role_that_may_not_swap_refreshes_in_place(contract: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # given an application role that does not own the tables (as README's database roles set up)
    monkeypatch.setattr(swap, "swapping", lambda cursor: False)
    before = _shape()
    # when it refreshes
    refresh = services.summaries_refresh(actor=None)
    # then the facts are rebuilt in the live tables themselves, which keep their shape
    assert Fact.objects.filter(source=Source.CONTRACT, record_id=contract.pk).exists()
    assert Fact.objects.count() == refresh.facts
    assert _shape() == before
    assert _copies() == []


def test_other_roles_keep_their_grants_on_the_swapped_tables(contract: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("roles, grants and the swap are PostgreSQL's")
    # given a reporting role that may read the facts (made inside the test's transaction)
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE opengps_test_reporting NOLOGIN")
        cursor.execute(f'GRANT SELECT ON "{swap.LIVE.fact}" TO opengps_test_reporting')
    # when a refresh swaps fresh tables in
    with connection.cursor() as cursor:
        assert swap.swapping(cursor)
    services.summaries_refresh(actor=None)
    # then the role may still read the facts, and has no more than it had
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege('opengps_test_reporting', %s, 'SELECT'), "
            "has_table_privilege('opengps_test_reporting', %s, 'INSERT')",
            [swap.LIVE.fact, swap.LIVE.fact],
        )
        assert cursor.fetchone() == (True, False)
