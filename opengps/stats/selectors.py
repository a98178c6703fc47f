"""Reads of the stats app: the dashboards' figures (from `Rollup` and `Summary` only, through `Rows`),
the drill-down lists (from `Fact` only), labels for dimension values, and the shipped boundaries of
Hunan for the map."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Region, Unit
from opengps.core import clock
from opengps.core.paging import PageNumbers
from opengps.opendata.selectors import export_latest
from opengps.planning.models import FundSource
from opengps.procurement.models import METHOD_CHOICES
from opengps.registry.models import OrgType
from opengps.rules.performance import GRADES
from opengps.stats.measures import COUNT, MEASURES, Measure
from opengps.stats.models import CORE_DIMENSIONS, GRAINS, Fact, Refresh, Rollup, ShareTarget, Source, Summary

STATS_METHODS = [*METHOD_CHOICES, ("emall", _("电子卖场"))]
"""The procurement methods and the e-mall (its orders are a method of buying in the statistics)."""

READERS = ("finance", "registration", "auditor", "admin")
"""Who reads the dashboards (aggregates of internal records); the definitions page is public."""

GEO_CITIES = "stats/geo/hunan.json"
GEO_COUNTIES = "stats/geo/counties/{code}.json"
COUNTY_RENAMED = {
    # The county boundary file predates these changes of GB/T 2260 names (the areas are the same):
    "宁乡县": "宁乡市",  # 国函〔2017〕44号
    "株洲县": "渌口区",  # 国函〔2018〕38号
    "邵东县": "邵东市",  # 民政部 2019
    "祁阳县": "祁阳市",  # 民政部 2021
}


# --- freshness, years, targets -----------------------------------------------------------------


def latest_refresh() -> Refresh | None:
    return Refresh.objects.order_by("-finished_at").first()


def years_available() -> list[int]:
    years = set(Rollup.objects.filter(grain="core").values_list("year", flat=True).distinct())
    years.add(clock.today().year)
    return sorted((y for y in years if y), reverse=True)


def default_year() -> int:
    """The latest year with contracts, else the latest with any figure, else this year."""
    core = Rollup.objects.filter(grain="core")
    year = core.filter(source=Source.CONTRACT).order_by("-year").values_list("year", flat=True).first()
    return year or core.order_by("-year").values_list("year", flat=True).first() or clock.today().year


def target_for(year: int | None) -> ShareTarget | None:
    return ShareTarget.objects.filter(year=year).first() if year else None


def dimensions_named(condition: Q) -> set[str]:
    """The dimensions a condition names (`unit_id__in` names `unit`)."""
    names: set[str] = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= dimensions_named(child)
        elif isinstance(child, tuple):
            name = str(child[0]).split("__")[0]
            names.add(name[: -len("_id")] if name.endswith("_id") else name)
    return names


@dataclass(frozen=True)
class Rows:
    """The summary rows under a filter, read from the smallest rollup that keeps every dimension
    the filter names and the read groups by; from `Summary` when no rollup keeps them all (a unit,
    or two dimensions of different rollups). The figures are the same either way: every measure
    is sums of sums."""

    condition: Q = field(default_factory=Q)

    def filter(self, **lookups: Any) -> Rows:
        return Rows(self.condition & Q(**lookups))

    def exclude(self, **lookups: Any) -> Rows:
        return Rows(self.condition & ~Q(**lookups))

    def grain(self, *by: str) -> str | None:
        """The rollup that serves a read grouped by `by` (None: the summary itself)."""
        needed = (dimensions_named(self.condition) | set(by)) - set(CORE_DIMENSIONS)
        return next((grain for grain, kept in GRAINS.items() if needed <= set(kept)), None)

    def queryset(self, *by: str) -> QuerySet[Any]:
        grain = self.grain(*by)
        if grain is None:
            return Summary.objects.filter(self.condition)
        return Rollup.objects.filter(self.condition, grain=grain)


def summary_rows(condition: Q) -> Rows:
    return Rows(condition)


def category_name(rows: Rows) -> str:
    """The name of the level-1 category the rows are filtered to."""
    named = rows.exclude(cat1_name="").queryset("cat1_name")
    return named.values_list("cat1_name", flat=True).first() or ""


# --- labels -------------------------------------------------------------------------------------


def _region_names() -> dict[str, str]:
    return dict(Region.objects.values_list("code", "name"))


def dimension_label(dimension: str, value: Any, *, names: dict[str, str] | None = None) -> str:
    """The label users read for a dimension's value (never its code)."""
    if dimension in ("city", "county", "province"):
        if not value:
            return str(_("省本级")) if dimension == "city" else str(_("市州本级"))
        return (names or _region_names()).get(value, str(value))
    if dimension == "method":
        return str(dict(STATS_METHODS).get(value, _("未分方式")))
    if dimension == "fund_source":
        return str(dict(FundSource.choices).get(value, _("未注明")))
    if dimension == "provider_type":
        return str(
            dict(OrgType.choices).get(value, _("其他承接主体（企业、事业单位等）") if value else _("—"))
        )
    if dimension == "rating":
        return f"{value}A" if value else str(_("未评估"))
    if dimension == "industry":
        return str(_("行业协会商会") if value else _("其他"))
    if dimension in ("month",):
        return str(_("%(m)s月") % {"m": value}) if value else str(_("全年"))
    if dimension == "unit":
        return Unit.objects.filter(pk=value).values_list("name", flat=True).first() or str(_("未注明"))
    return str(value) if value not in (None, "") else str(_("未分类"))


# --- figures --------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One measure's value, ready for a page: its measure, value and the drill-down's query."""

    measure: Measure
    value: Decimal | None
    drill: str = ""


@dataclass
class Row:
    label: str
    values: list[Decimal | None]
    drill: str = ""
    key: Any = None


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


@dataclass
class Table:
    """A chart's data: a row per group, a column per measure (what the page's table shows and the
    chart draws)."""

    title: str | Promise
    dimension_label: str | Promise
    measures: list[Measure]
    rows: list[Row] = field(default_factory=list)

    def chart_data(self) -> dict[str, Any]:
        return {
            "labels": [row.label for row in self.rows],
            "series": [
                {
                    "name": str(m.name),
                    "kind": m.kind,
                    "values": [_float(row.values[i]) for row in self.rows],
                }
                for i, m in enumerate(self.measures)
            ],
        }


def _merged(measures: Sequence[Measure]) -> dict[str, Any]:
    """Every measure's sums in one query (one pass over the summary rows, not one per measure)."""
    return {f"{i}__{name}": expr for i, m in enumerate(measures) for name, expr in m.aggregates.items()}


def _split(row: dict[str, Any], measures: Sequence[Measure]) -> list[Decimal | None]:
    return [m.combine({name: row[f"{i}__{name}"] for name in m.aggregates}) for i, m in enumerate(measures)]


def figures(rows: Rows, keys: Iterable[str], drill_url: Any) -> list[Figure]:
    measures = [MEASURES[key] for key in keys]
    values = _split(rows.queryset().aggregate(**_merged(measures)), measures)
    return [
        Figure(m, value, drill_url(m.key) if m.drill else "")
        for m, value in zip(measures, values, strict=True)
    ]


def table(
    rows: Rows,
    *,
    title: str | Promise,
    dimension: str,
    dimension_title: str | Promise,
    keys: Sequence[str],
    drill_url: Any = None,
    label_dimension: str | None = None,
) -> Table:
    """`keys`' measures broken down by `dimension` (groups with no figure at all are left out)."""
    measures = [MEASURES[k] for k in keys]
    groups: dict[Any, list[Decimal | None]] = {}
    labels: dict[Any, str] = {}
    names = _region_names()
    by = [dimension] + ([label_dimension] if label_dimension else [])
    for row in rows.queryset(*by).values(*by).annotate(**_merged(measures)).order_by(*by):
        key = row[dimension]
        groups[key] = _split(row, measures)
        if label_dimension:
            labels[key] = row[label_dimension] or dimension_label(dimension, key)
    result = Table(title=title, dimension_label=dimension_title, measures=measures)
    for key, figures_of_group in groups.items():
        if all(v is None or v == 0 for v in figures_of_group):
            continue
        label = labels.get(key) or dimension_label(dimension, key, names=names)
        result.rows.append(
            Row(label=label, values=figures_of_group, key=key, drill=drill_url(key) if drill_url else "")
        )
    return result


def grade_table(
    rows: Rows, *, title: str | Promise, dimension_title: str | Promise, drill_url: Any = None
) -> Table:
    """The performance grades' distribution: evaluations per grade, in the order 优 良 中 差."""
    counts = dict(
        rows.filter(source=Source.GRADE)
        .queryset("grade")
        .values_list("grade")
        .annotate(n=Sum("records"))
        .values_list("grade", "n")
    )
    result = Table(title=title, dimension_label=dimension_title, measures=[MEASURES["graded"]])
    for grade in GRADES:
        result.rows.append(
            Row(
                label=grade,
                values=[Decimal(counts.get(grade, 0))],
                key=grade,
                drill=drill_url(grade) if drill_url else "",
            )
        )
    return result


# --- the map --------------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _geo(path: str) -> dict[str, Any]:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"{path}: run `make assets` (scripts/assets.py)")
    return dict(json.loads(Path(str(found)).read_text(encoding="utf-8")))


def geo_feature_names(path: str) -> list[str]:
    """The names of the features of a shipped boundary file (what the map draws)."""
    return [str(f["properties"]["name"]) for f in _geo(path)["features"]]


def geo_path(city: str | None) -> str:
    return GEO_COUNTIES.format(code=city) if city else GEO_CITIES


def feature_regions(city: str | None) -> dict[str, str]:
    """Each feature name of the map → the GB/T 2260 code it stands for (cities, or one city's counties)."""
    if city:
        regions = dict(Region.objects.filter(parent_id=city).values_list("name", "code"))
    else:
        regions = dict(Region.objects.filter(level=Region.Level.PREFECTURE).values_list("name", "code"))
    matched: dict[str, str] = {}
    for name in geo_feature_names(geo_path(city)):
        code = regions.get(COUNTY_RENAMED.get(name, name)) or next(
            (c for n, c in regions.items() if n.startswith(name) or name.startswith(n)), ""
        )
        matched[name] = code
    return matched


def map_data(rows: Rows, measure: Measure, city: str | None) -> list[dict[str, Any]]:
    """One entry per feature of the shipped boundary file: its name, region code and the measure's
    value there (None where the measure has no value, e.g. a share with nothing contracted)."""
    dimension = "county" if city else "city"
    values = dict(measure.breakdown(rows.queryset(dimension), dimension))
    return [
        {
            "name": name,
            "code": code,
            "value": float(v) if (v := values.get((code,))) is not None else None,
        }
        for name, code in feature_regions(city).items()
    ]


# --- public statistics ---------------------------------------------------------------------------


def public_rows(condition: Q) -> Rows:
    """The summary rows of records published on the portal only (the public statistics)."""
    return Rows(condition & Q(public=True))


def ocds_downloads() -> list[dict[str, Any]]:
    """The OCDS bulk files of the latest open-data export (one zip a year), with their addresses,
    for anyone who wants to recompute the public statistics."""
    job = export_latest()
    return [
        {**entry, "url": reverse("api:opendata_download", kwargs={"year": entry["year"]})}
        for entry in (job.files if job else [])
    ]


# --- drill-down -----------------------------------------------------------------------------------


@dataclass
class FactPage(PageNumbers):
    rows: list[Fact]
    count: int
    total: Decimal | None
    page: int
    page_size: int


def fact_rows(condition: Q, measure: Measure) -> QuerySet[Fact]:
    assert measure.drill is not None
    return Fact.objects.filter(condition & measure.drill.facts_filter()).select_related("unit")


def fact_page(condition: Q, measure: Measure, *, page: int, page_size: int = 50) -> FactPage:
    """One page of the facts behind a figure, with their count and total (one pass over them; the
    page itself through the index ordered by date)."""
    assert measure.drill is not None
    column = measure.drill.column
    rows = fact_rows(condition, measure).order_by("-dated", "record_id")
    totals = rows.order_by().aggregate(n=Count("pk"), t=Count("pk") if column == COUNT else Sum(column))
    count = int(totals["n"])
    page = max(1, min(page, max(1, -(-count // page_size))))
    return FactPage(
        rows=list(rows[(page - 1) * page_size : page * page_size]),
        count=count,
        total=Decimal(totals["t"] or 0),
        page=page,
        page_size=page_size,
    )


def fact_url(fact: Fact) -> str:
    """The page of the record behind a fact (its own app's page), or '' when it has none."""
    if fact.source == Source.PLAN:
        return reverse("planning:plan", args=[fact.record_id])
    if fact.source == Source.PROCUREMENT:
        return reverse("procurement:detail", args=[fact.record_id])
    if fact.source == Source.AWARD and fact.parent_id:
        return reverse("procurement:detail", args=[fact.parent_id])
    if fact.source == Source.CONTRACT:
        return reverse("contracts:detail", args=[fact.record_id])
    if fact.source == Source.GRADE:
        return reverse("performance:evaluation", args=[fact.record_id])
    if fact.source == Source.GRANT:
        return reverse("grants:agreement", args=[fact.record_id])
    return ""
