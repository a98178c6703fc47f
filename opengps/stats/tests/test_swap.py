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
