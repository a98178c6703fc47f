"""The rollups: every measure read from the rollup a dashboard picks equals the same measure read
from the fine summary, for every grain and every breakdown the grain keeps; reads pick the smallest
rollup that keeps what they filter and group by, and the summary when none does."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q

from opengps.stats import selectors, services
from opengps.stats.measures import MEASURES
from opengps.stats.models import CORE_DIMENSIONS, GRAINS, Fact, Rollup, Source, Summary

pytestmark = pytest.mark.django_db


def _facts(count: int) -> Iterator[Fact]:
    """Facts spread over every dimension (seeded), as the fact builders would write them."""
    rng = random.Random(22)
    for record in range(1, count + 1):
        year = rng.choice((2025, 2026))
        month = rng.choice((0, 1, 5, 12))
        source = rng.choice(Source.values)
        yield Fact(
            source=source,
            record_id=record,
            year=year,
            quarter=(month - 1) // 3 + 1 if month else 0,
            month=month,
            dated=date(year, month, 1) if month else None,
            province="430000",
            city=rng.choice(("", "430100", "430200")),
            county=rng.choice(("", "430102", "430104", "430202")),
            cat1=(cat1 := rng.choice(("", "C01", "C02"))),
            cat1_name=f"类别{cat1}" if cat1 else "",
            cat2=(cat2 := f"{cat1}{rng.choice(('01', '02'))}" if cat1 else ""),
            cat2_name=f"类别{cat2}" if cat2 else "",
            method=rng.choice(("", "open_tender", "single_source", "emall")),
            fund_source=rng.choice(("", "general", "welfare_lottery", "sports_lottery")),
            provider_type=rng.choice(("", "social_group", "foundation", "enterprise")),
            industry=rng.random() < 0.3,
            rating=rng.choice((0, 3, 5)),
            grade=rng.choice(("", "优", "良", "差")) if source == Source.GRADE else "",
            venture=rng.random() < 0.3,
            public=rng.random() < 0.6,
            amount=Decimal(rng.randrange(0, 100_000)) / 100,
            budget=Decimal(rng.randrange(0, 120_000)) / 100,
            paid=Decimal(rng.randrange(0, 50_000)) / 100,
            opened=(opened := rng.choice((0, 1))),
            bidders=rng.randrange(0, 6) if opened else 0,
            non_competitive=rng.choice((0, 1)),
            single_bid=rng.choice((0, 1)) if opened else 0,
            days_award=rng.choice((None, 12, 40)),
            days_contract=rng.choice((None, 3, 35)),
            late=rng.choice((0, 1)),
        )


@pytest.fixture
def regrouped() -> int:
    Fact.objects.bulk_create(_facts(600))
    return services.summaries_regroup()


def _filters(aggregate: Any) -> Iterator[Q]:
    condition = getattr(aggregate, "filter", None)
    if isinstance(condition, Q):
        yield condition
    for inner in getattr(aggregate, "get_source_expressions", list)():
        yield from _filters(inner)


@pytest.mark.parametrize("key", sorted(MEASURES))
def test_every_measure_condition_names_only_dimensions_every_rollup_keeps(key: str) -> None:
    named = set()
    for aggregate in MEASURES[key].aggregates.values():
        for condition in _filters(aggregate):
            named |= selectors.dimensions_named(condition)
    assert named and named <= set(CORE_DIMENSIONS)


@pytest.mark.parametrize("grain", sorted(GRAINS))
def test_every_grain_gives_the_summary_figures(grain: str, regrouped: int) -> None:
    # given the facts regrouped into the summary and every rollup
    rollup = Rollup.objects.filter(grain=grain)
    assert 0 < rollup.count() <= regrouped
    for key, measure in MEASURES.items():
        # when a measure is read from the grain's rows: in total, and by each dimension it keeps
        assert measure.total(rollup) == measure.total(Summary.objects.all()), key
        for dimension in GRAINS[grain]:
            # then it equals the measure read from the fine summary
            assert measure.breakdown(rollup, dimension) == measure.breakdown(
                Summary.objects.all(), dimension
            ), (key, dimension)


def test_the_filtered_tables_read_from_a_rollup_equal_the_summary(regrouped: int) -> None:
    rows = selectors.summary_rows(Q(year=2026, city="430100"))
    assert rows.grain("county") == "county"
    for dimension in ("county", "provider_type", "fund_source"):
        table = selectors.table(
            rows, title="", dimension=dimension, dimension_title="", keys=sorted(MEASURES)
        )
        fine = selectors.table(
            # a condition on the unit, which no rollup keeps: the fine summary (no fact has a unit)
            selectors.Rows(Q(year=2026, city="430100", unit__isnull=True)),
            title="",
            dimension=dimension,
            dimension_title="",
            keys=sorted(MEASURES),
        )
        assert [(r.key, r.values) for r in table.rows] == [(r.key, r.values) for r in fine.rows]
        assert table.rows


@pytest.mark.parametrize(
    ("condition", "by", "grain"),
    [
        (Q(), (), "core"),
        (Q(year=2026, provider_type="social_group", industry=True), (), "core"),
        (Q(year=2026), ("month",), "month"),
        (Q(year=2026) & ~Q(month=0), ("month",), "month"),
        (Q(year=2026, quarter=2), ("provider_type",), "month"),
        (Q(year=2026, city="430100"), ("county",), "county"),
        (Q(year=2026), ("city",), "city"),
        (Q(cat1="C01"), ("cat2", "cat2_name"), "cat2"),
        (Q(year=2026) & ~Q(cat1_name=""), ("cat1_name",), "cat1"),
        (Q(source=Source.GRADE), ("grade",), "grade"),
        (Q(rating=5), ("provider_type",), "rating"),
        (Q(method="open_tender"), ("month",), "mixed"),
        (Q(source=Source.GRADE, rating=4), ("grade",), "mixed"),
        # what no rollup keeps together is read from the fine summary
        (Q(year=2026, unit_id=1), (), None),
        (Q(year=2026, city="430100"), ("method",), None),
        (Q(cat1="C01"), ("month",), None),
    ],
)
def test_a_read_takes_the_smallest_rollup_that_keeps_what_it_names(
    condition: Q, by: tuple[str, ...], grain: str | None
) -> None:
    rows = selectors.Rows(condition)
    assert rows.grain(*by) == grain
    model = rows.queryset(*by).model
    assert model is (Summary if grain is None else Rollup)
