"""Reads of the registry shaped for screens and the API: search, profile, eligibility."""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BooleanField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region
from opengps.core import clock
from opengps.core.errors import NotFound, one_or_not_found
from opengps.core.paging import PageNumbers
from opengps.registry import derived
from opengps.registry.errors import Code
from opengps.registry.models import (
    AnnualReport,
    CreditLevel,
    CreditListing,
    CreditListKind,
    ImportJob,
    Organization,
    OrgType,
    Penalty,
    Rating,
)
from opengps.rules.base import Reason
from opengps.rules.eligibility import ABNORMAL_REASONS, SERIOUS_REASONS, Eligibility, penalty_effect

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
USCC_LIKE = re.compile(r"^[0-9A-Z]{18}$")


class CreditFilter:
    """Values of the 信用状态 filter and of `credit_status` in results."""

    NORMAL = "normal"
    ABNORMAL = "abnormal"
    SERIOUS = "serious"
    OTHER_LIST = "other_list"

    CHOICES: tuple[tuple[str, Any], ...] = (
        (NORMAL, _("无不良记录")),
        (ABNORMAL, _("活动异常名录")),
        (SERIOUS, _("严重违法失信名单")),
        (OTHER_LIST, _("其他失信名单（失信被执行人、重大税收违法、政府采购黑名单）")),
    )
    LABELS: dict[str, Any] = dict(CHOICES)
    BADGES = {NORMAL: "ok", ABNORMAL: "warn", SERIOUS: "bad", OTHER_LIST: "bad"}


@dataclass(frozen=True)
class SearchFilters:
    """The public search filters, already cleaned; unknown values are dropped, never an error."""

    q: str = ""
    org_type: str = ""
    region: str = ""
    min_rating: int | None = None
    credit: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SearchFilters:
        def text(name: str, limit: int = 60) -> str:
            return str(params.get(name) or "").strip()[:limit]

        org_type = text("type") or text("org_type")
        rating = text("min_rating") or text("rating")
        credit = text("credit")
        region = text("region")
        return cls(
            q=text("q", 120),
            org_type=org_type if org_type in OrgType.values else "",
            region=region if re.fullmatch(r"[0-9]{6}", region) else "",
            min_rating=int(rating) if rating in {"1", "2", "3", "4", "5"} else None,
            credit=credit if credit in CreditFilter.LABELS else "",
        )

    def as_params(self) -> dict[str, str]:
        params = {
            "q": self.q,
            "type": self.org_type,
            "region": self.region,
            "min_rating": str(self.min_rating or ""),
            "credit": self.credit,
        }
        return {k: v for k, v in params.items() if v}


COUNT_CAP = 1_000
"""Matches are counted exactly up to this many; beyond it the search says "more than 1,000"."""


@dataclass
class SearchPage(PageNumbers):
    """One page of results; `count` is exact when `count_capped` is false, else COUNT_CAP (a lower bound).

    Pages run up to what the capped count covers (COUNT_CAP / page_size), as national search
    sites do: nobody pages through ten thousand names, they narrow the filters.
    """

    results: list[Organization]
    count: int
    page: int
    page_size: int
    filters: SearchFilters = field(default_factory=SearchFilters)
    count_capped: bool = False


_REGION_TREE: dict[str, Any] = {"at": -1e9, "within": {}}


def region_codes_within(code: str, max_age: float = 300.0) -> list[str]:
    """A region and all divisions below it (GB/T 2260: at most three levels), unknown codes none.

    From the division table kept per process for `max_age` seconds, as `region_labels` is (137 rows
    that change only with a new GB/T 2260 edition, `accounts.services.regions_load`): a region
    search then costs no query for its divisions. An unknown code reloads the table (one query, as
    every region search made before), so a division loaded since is found.
    """
    now = time.monotonic()
    within: dict[str, list[str]] = _REGION_TREE["within"]
    if now - _REGION_TREE["at"] > max_age or code not in within:
        rows = list(Region.objects.values_list("code", "parent_id"))
        children: dict[str | None, list[str]] = {}
        for child, parent in rows:
            children.setdefault(parent, []).append(child)
        within = {
            region: sorted(
                [
                    region,
                    *children.get(region, ()),
                    *(c for ch in children.get(region, ()) for c in children.get(ch, ())),
                ]
            )
            for region, _ in rows
        }
        _REGION_TREE["within"], _REGION_TREE["at"] = within, now
    return list(within.get(code, ()))


NAME_HAS_BIGRAM = 'registry_name_bigrams("registry_organization"."name") @> ARRAY[%s]::text[]'
SPARSE_SHARE = 4
"""A result holding less than 1/SPARSE_SHARE of the registry is fetched through its filter's index…"""
SPREAD_SHARE = 20
"""…unless its filters do not follow the names (a type, a rating, a credit status) and it holds at
least 1/SPREAD_SHARE of the registry: then a page is a short walk of the name index."""
DENSE_SHARE = 8
"""A name fragment PostgreSQL estimates in at least 1/DENSE_SHARE of the registry (服务, 中心) is dense:
a walk meets its matches at once, so it is read without the bigram condition (whose function would
run on every row walked), and its first COUNT_CAP + 1 matches are the first the walk meets. A sparser
fragment's matches are collected through its index (bigram or trigram): a walk may pass most of the
registry first when they cluster (organizations registered together, a trade name of one period)."""


def organization_queryset(
    filters: SearchFilters, *, managed_units: set[int] | None = None, broad: bool = False
) -> QuerySet[Organization]:
    """Organizations matching the filters; every filter is on an indexed column of one table.

    `broad`: the fragment is dense, or the filters are known to match more than COUNT_CAP rows and
    are walked in key order: a walk finds its rows sooner than collecting every match through the
    bigram index, and the bigram condition would only cost its function on every row walked.
    """
    qs = Organization.objects.all()
    q = filters.q
    if q:
        compact = stdnum_uscc.compact(q)
        if USCC_LIKE.match(compact):
            qs = qs.filter(uscc=compact)
        elif any(c.isascii() and c.isalpha() for c in q):
            qs = qs.filter(name__icontains=q)
        else:
            if len(q) == 2 and not broad and _bigram_index():
                # Two characters make no trigram: the bigram index (migration 0005) finds them, and
                # alone, since a name holds the pair exactly when its pairs do. With the LIKE beside
                # it, the planner may AND in a trigram scan that matches every row (1.5 s nationally).
                qs = qs.filter(RawSQL(NAME_HAS_BIGRAM, [q], output_field=BooleanField()))  # noqa: S611 - bound
            else:
                # Chinese has no letter case: a plain LIKE is 3x cheaper than UPPER() LIKE and uses
                # the pg_trgm index on the name (migration 0002) for three characters or more.
                qs = qs.filter(name__contains=q)
    if filters.org_type:
        qs = qs.filter(org_type=filters.org_type)
    if filters.region and filters.region != "430000":
        qs = qs.filter(region_id__in=region_codes_within(filters.region))
    if filters.min_rating:
        qs = qs.filter(rating_level__gte=filters.min_rating)
    if filters.credit == CreditFilter.NORMAL:
        qs = qs.filter(credit_level=CreditLevel.NORMAL, on_other_list=False)
    elif filters.credit in {CreditFilter.ABNORMAL, CreditFilter.SERIOUS}:
        qs = qs.filter(credit_level=filters.credit)
    elif filters.credit == CreditFilter.OTHER_LIST:
        qs = qs.filter(on_other_list=True)
    if managed_units is not None:
        qs = qs.filter(registration_authority_id__in=managed_units)
    return qs


def organization_search(
    *,
    filters: SearchFilters | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
    managed_units: set[int] | None = None,
) -> SearchPage:
    """One page of the registry search: one or two queries, no N+1.

    The count is exact up to COUNT_CAP and "more than COUNT_CAP" beyond (`count_capped`), as national
    search sites say it: counting tens of thousands of matches exactly cost more than the page itself,
    and nobody pages through them; they narrow the filters. Pages run up to what the capped count covers.

    A name fragment or a code (`_selective`) is read in one statement (`_fragment_search`). The other
    filters (a type, a rating, a credit status, a region, none) are counted first — up to COUNT_CAP + 1
    rows, which stops early, and a county's from its index alone — and only the page is read, in name
    order, or beyond the cap in the order the registry recorded the organizations (the primary key),
    which an index walk serves in a few milliseconds however the matches cluster by name.
    """
    filters = filters or SearchFilters()
    derived.refresh_stale_throttled()
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    if _selective(filters):
        return _fragment_search(filters, page=page, page_size=page_size, managed_units=managed_units)
    qs = organization_queryset(filters, managed_units=managed_units)
    key = _count_key(filters, managed_units)
    known = cache.get(key)
    if known is None:
        known = _capped_count(qs)
        cache.set(key, known, COUNT_SECONDS)
    count, capped = min(int(known), COUNT_CAP), int(known) > COUNT_CAP
    pages = max(1, math.ceil(count / page_size))
    page = max(1, min(page, pages))
    offset = (page - 1) * page_size
    found = SearchPage(
        results=[], count=count, page=page, page_size=page_size, filters=filters, count_capped=capped
    )
    if count == 0:
        return found
    ordering: tuple[Any, ...] = ("name", "pk")
    if capped:
        ordering = ("pk",)
    elif (
        count * SPARSE_SHARE < _registry_rows()
        and not _spread_through_names(filters, managed_units, count)
        and not (_one_county(filters) and managed_units is None)
    ):
        # The planner walks the name index and filters, assuming the matches are spread evenly
        # through the names; they cluster (a county's names share its prefix), and at national
        # scale it may walk most of the table for one page. Ordering by an expression no index
        # holds (the same order: names are never null) makes it fetch the few matches through
        # their filter's index and sort them.
        ordering = (Coalesce("name", Value("")).asc(), "pk")
    end = min(offset + page_size, count)  # pages end where the (capped) count does
    found.results = list(qs.only(*LIST_FIELDS).order_by(*ordering)[offset:end])
    return found


def _fragment_search(
    filters: SearchFilters, *, page: int, page_size: int, managed_units: set[int] | None
) -> SearchPage:
    """A name fragment's or a code's page: the first COUNT_CAP + 1 matches read once, counted by a
    window and ordered, in one statement (`_first_matches_page`).

    Up to COUNT_CAP matches they are all the matches: count and name order are exact. Beyond it the
    page shows those first COUNT_CAP matches found, in the order the registry recorded them, and says
    "more than COUNT_CAP" — exactly the first recorded when the fragment is walked (dense), the first
    in the table's order when collected through its index. On PostgreSQL the planner's estimate of
    the fragment (`_fragment_estimate`: one EXPLAIN, no rows read) says which.
    """
    estimate = _fragment_estimate(filters)  # PostgreSQL's, for a name fragment; None elsewhere
    dense = estimate is not None and estimate * DENSE_SHARE >= _registry_rows()
    qs = organization_queryset(filters, managed_units=managed_units, broad=dense)
    page = max(1, page)
    with _through_index(estimate is not None and not dense):
        rows = _first_matches_page(qs, offset=(page - 1) * page_size, limit=page_size)
        total = int(rows[0].total) if rows else None  # type: ignore[attr-defined]
        if total is None or (page - 1) * page_size >= min(total, COUNT_CAP):
            # past the last page (or nothing found): count, then show the last page there is
            if total is None:
                total = _capped_count(qs)
            page = max(1, min(page, math.ceil(min(total, COUNT_CAP) / page_size)))
            rows = _first_matches_page(qs, offset=(page - 1) * page_size, limit=page_size) if total else []
    count = min(total, COUNT_CAP)
    return SearchPage(
        results=rows[: max(0, count - (page - 1) * page_size)],
        count=count,
        page=page,
        page_size=page_size,
        filters=filters,
        count_capped=total > COUNT_CAP,
    )


LIST_FIELDS = (
    "id",
    "name",
    "uscc",
    "org_type",
    "region_id",
    "registration_level",
    "status",
    "founded_on",
    "rating_level",
    "credit_level",
    "on_other_list",
    "eligible",
)
COUNT_SECONDS = 30


def _count_key(filters: SearchFilters, managed_units: set[int] | None) -> str:
    """Cache key of a filter set's match count (capped at COUNT_CAP + 1), kept COUNT_SECONDS.

    Registry writes in this process (`derived.bump_generation`) make it exact at once; other
    processes see a new count within COUNT_SECONDS.
    """
    scope = "all" if managed_units is None else ",".join(map(str, sorted(managed_units)))
    return (
        "registry:count:"
        + hashlib.sha256(
            repr((derived.generation(), sorted(filters.as_params().items()), scope)).encode()
        ).hexdigest()
    )


def _spread_through_names(filters: SearchFilters, managed_units: set[int] | None, count: int) -> bool:
    """Whether `count` matches lie evenly through the name order, densely enough (≥ 1/SPREAD_SHARE of
    the registry) that the name index reaches a page after a few hundred rows.

    A type, a rating or a credit status says nothing of the name; a name fragment, a region (names
    begin with it) or a registration authority does, so their matches cluster and are sorted."""
    if filters.q or filters.region or managed_units is not None:
        return False
    return count * SPREAD_SHARE >= _registry_rows()


def _selective(filters: SearchFilters) -> bool:
    """Whether the filters usually match few rows (a name or a code): then one statement reads the
    count and the page. The others (a county, a type, a rating, a prefecture, none) are counted
    first — up to COUNT_CAP + 1 rows, which stops early, and a county's from its index alone — and
    only the page is read in order."""
    return bool(filters.q)


def _fragment_estimate(filters: SearchFilters) -> float | None:
    """PostgreSQL's estimate of the organizations whose name holds the fragment `filters.q` (None
    for a USCC, no fragment, or another database).

    Asked of the condition the index answers best: the bigram containment for two characters
    (its statistics are those of the bigram index's expression: most common pairs and their
    frequencies), the LIKE (pg_trgm's estimate) for more. The planner is not told about the other
    filters, so this is an upper bound of the search's matches.
    """
    q = filters.q
    if not q or connection.vendor != "postgresql" or USCC_LIKE.match(stdnum_uscc.compact(q)):
        return None
    names = Organization.objects.all()
    if len(q) == 2 and not any(c.isascii() and c.isalpha() for c in q) and _bigram_index():
        names = names.filter(RawSQL(NAME_HAS_BIGRAM, [q], output_field=BooleanField()))  # noqa: S611 - bound
    else:
        names = organization_queryset(SearchFilters(q=q), broad=True)
    try:
        plan = json.loads(names.order_by().values("pk").explain(format="json"))
    except EmptyResultSet:
        return None
    return float(plan[0]["Plan"]["Plan Rows"])


def _one_county(filters: SearchFilters) -> bool:
    """A county (its code does not end in 00) and no name: its page in name order is a walk of the
    (region, name, id) index, however many organizations the county holds."""
    return bool(filters.region) and not filters.region.endswith("00") and not filters.q


def _compiled(qs: QuerySet[Any, Any]) -> tuple[str, tuple[Any, ...]] | None:
    """The statement `qs` sends and its parameters, or None when a filter can match nothing (a region
    code GB/T 2260 lacks): Django then sends no statement at all."""
    try:
        return qs.query.sql_with_params()
    except EmptyResultSet:
        return None


def _capped_count(qs: QuerySet[Organization]) -> int:
    """The matches of `qs`, counted up to COUNT_CAP + 1 (the scan stops there).

    The statement `qs.order_by()[:COUNT_CAP + 1].count()` sends, without the aggregation machinery
    that builds it (about 1 ms of Python per search, more than the count itself on an index).
    """
    compiled = _compiled(qs.order_by().values("pk")[: COUNT_CAP + 1])
    if compiled is None:
        return 0
    inner, params = compiled
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({inner}) matches", params)  # noqa: S608 - compiled, bound
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _first_matches_page(qs: QuerySet[Organization], *, offset: int, limit: int) -> list[Organization]:
    """Rows offset… of the first COUNT_CAP + 1 matches, each with `total`, their number: sorted by name
    when they are all the matches (total <= COUNT_CAP), else in the order the registry recorded them.

    One statement: the matches are read once, counted by a window and sorted. The scan stops after
    COUNT_CAP + 1 rows, so a broad filter costs no more than that.
    """
    compiled = _compiled(qs.order_by().only(*LIST_FIELDS)[: COUNT_CAP + 1])
    if compiled is None:
        return []
    inner, params = compiled
    sql = (
        "SELECT * FROM (SELECT *, COUNT(*) OVER () AS total "  # noqa: S608 - compiled, bound
        f"FROM ({inner}) matches) counted "
        "ORDER BY CASE WHEN total > %s THEN id ELSE 0 END, COALESCE(name, ''), id LIMIT %s OFFSET %s"
    )
    return list(Organization.objects.raw(sql, [*params, COUNT_CAP, limit, offset]))


@contextmanager
def _through_index(sparse: bool) -> Iterator[None]:
    """Inside the block, PostgreSQL reads a sparse fragment's matches through its name index (bigram
    or trigram) and never walks the table or the name order for them.

    The planner would walk for a LIMIT whenever it expects the matches early, assuming they are spread
    evenly; they cluster (a trade name of one period: 市泽润 walked 800,000 rows, 600 ms, for matches
    the trigram index finds in 5 ms). The two settings are local to the transaction and put back as
    they were when the block ends, so a caller's own transaction (a request, a test) reads on
    with the planner's usual choices; when the block fails, rolling back its savepoint undoes them.
    """
    if not sparse or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'), "
            "set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)"
        )
        row = cursor.fetchone()
        assert row is not None
        yield
        cursor.execute(
            "SELECT set_config('enable_seqscan', %s, true), set_config('enable_indexscan', %s, true)",
            [row[0], row[1]],
        )


_BIGRAMS: dict[str, bool] = {}


def _bigram_index() -> bool:
    """Whether migration 0005's bigram function exists (PostgreSQL, migrated), asked once per process."""
    if connection.vendor != "postgresql":
        return False
    if "present" not in _BIGRAMS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regprocedure('registry_name_bigrams(text)') IS NOT NULL")
            row = cursor.fetchone()
        _BIGRAMS["present"] = bool(row and row[0])
    return _BIGRAMS["present"]


_REGISTRY_ROWS: dict[str, float] = {"at": -1e9, "rows": 0.0}


def _registry_rows(max_age: float = 300.0) -> float:
    """PostgreSQL's estimate of the organizations in the registry, kept per process (0 elsewhere)."""
    if connection.vendor != "postgresql":
        return 0.0
    now = time.monotonic()
    if now - _REGISTRY_ROWS["at"] > max_age:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Organization._meta.db_table]
            )
            row = cursor.fetchone()
        _REGISTRY_ROWS["rows"] = max(0.0, float(row[0])) if row else 0.0
        _REGISTRY_ROWS["at"] = now
    return _REGISTRY_ROWS["rows"]


_REGION_LABELS: dict[str, Any] = {"at": -1e9, "labels": {}}


def region_labels(max_age: float = 300.0) -> dict[str, str]:
    """Display names of all divisions, kept per process (137 rows of GB/T 2260 that rarely change)."""
    now = time.monotonic()
    if not _REGION_LABELS["labels"] or now - _REGION_LABELS["at"] > max_age:
        regions = Region.objects.select_related("parent")
        _REGION_LABELS["labels"] = {r.code: region_label(r) for r in regions}
        _REGION_LABELS["at"] = now
    labels: dict[str, str] = _REGION_LABELS["labels"]
    return labels


def organization_export_rows(
    filters: SearchFilters, *, managed_units: set[int] | None = None, limit: int = 100_000
) -> QuerySet[Organization]:
    derived.refresh_stale()
    return organization_queryset(filters, managed_units=managed_units).order_by("name", "pk")[:limit]


def region_label(region: Region) -> str:
    """'长沙市岳麓区' for a county, '长沙市' for a prefecture, '湖南省' for the province."""
    parent = region.parent
    if region.level == Region.Level.COUNTY and parent is not None and region.code[4:5] != "8":
        return f"{parent.name}{region.name}"
    return region.name


def region_name_of(org: Organization) -> str:
    return region_labels().get(org.region_id, org.region_id)


def credit_status(org: Organization) -> str:
    if org.credit_level == CreditLevel.SERIOUS:
        return CreditFilter.SERIOUS
    if org.on_other_list:
        return CreditFilter.OTHER_LIST
    if org.credit_level == CreditLevel.ABNORMAL:
        return CreditFilter.ABNORMAL
    return CreditFilter.NORMAL


def prefectures() -> QuerySet[Region]:
    """The province and its prefectures, for the 地区 filter."""
    return Region.objects.filter(level__in=[Region.Level.PROVINCE, Region.Level.PREFECTURE]).order_by("code")


def organization_get(uscc: str) -> Organization:
    org = (
        Organization.objects.select_related("region__parent", "registration_authority")
        .filter(uscc=stdnum_uscc.compact(uscc or ""))
        .first()
    )
    if org is None:
        raise NotFound(Code.REGISTRY_NOT_FOUND, params={"uscc": uscc})
    return org


def organization_with_records(uscc: str) -> Organization:
    """The organization with its ratings, annual reports and credit listings (3 prefetch queries)."""
    org = organization_get(uscc)
    ratings = list(Rating.objects.filter(organization=org).order_by("-awarded_on"))
    listings = list(
        CreditListing.objects.filter(organization=org)
        .select_related("decided_by")
        .order_by("-listed_on", "-pk")
    )
    reports = list(AnnualReport.objects.filter(organization=org).order_by("-year"))
    penalties = list(Penalty.objects.filter(organization=org).order_by("-decided_on", "-pk"))
    # The eligibility rules read these through the related managers; fill their caches.
    org._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "ratings": ratings,
        "credit_listings": listings,
        "annual_reports": reports,
        "penalties": penalties,
    }
    return org


def penalty_rows(org: Organization, on_date: date | None = None) -> list[tuple[Penalty, Reason]]:
    """Each recorded penalty with what it does to eligibility on `on_date` and the article (GPL §22(五),
    IR §19) — public information, as administrative penalties are (the record's author is not shown)."""
    on_date = on_date or clock.today()
    return [(p, penalty_effect(derived.penalty_fact(p), on_date)) for p in org.penalties.all()]


def organization_eligibility(org: Organization, on_date: date | None = None) -> Eligibility:
    """What the eligibility rules decide for this organization on `on_date` (default today)."""
    on_date = on_date or clock.today()
    if not hasattr(org, "_prefetched_objects_cache") or "ratings" not in org._prefetched_objects_cache:
        org = Organization.objects.prefetch_related(*derived.facts_prefetch()).get(pk=org.pk)
    return derived.eligibility_of(org, on_date)


def credit_reason_label(reason: str) -> str:
    """A listing's reason: the rules' wording for a known ground code, the text itself otherwise."""
    return ABNORMAL_REASONS.get(reason) or SERIOUS_REASONS.get(reason) or reason


def registry_overview() -> dict[str, int]:
    today = clock.today()
    active = CreditListing.objects.filter(listed_on__lte=today, removed_on__isnull=True)
    return {
        "organizations": Organization.objects.count(),
        "rated_3a_plus": Rating.objects.filter(
            level__gte=3, awarded_on__lte=today, valid_until__gt=today, revoked_on__isnull=True
        )
        .values("organization")
        .distinct()
        .count(),
        "abnormal": active.filter(kind=CreditListKind.ABNORMAL).values("organization").distinct().count(),
        "serious": active.filter(kind=CreditListKind.SERIOUS).values("organization").distinct().count(),
    }


def import_job_get(*, actor: Actor, job_id: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or (actor.role != "admin" and job.created_by_id != actor.pk):
        raise NotFound(Code.REGISTRY_IMPORT_NOT_FOUND)
    return job


def import_jobs_recent(*, actor: Actor, limit: int = 10) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(created_by=actor).order_by("-created_at")[:limit]


def rating_of(organization: Organization, pk: int) -> Rating:
    """One of `organization`'s ratings (refused as not found when it belongs to another)."""
    ratings = Rating.objects.filter(organization=organization).select_related("organization")
    return one_or_not_found(ratings, pk, Code.REGISTRY_RATING_NOT_FOUND)


def listing_of(organization: Organization, pk: int) -> CreditListing:
    """One of `organization`'s credit-list entries (refused as not found when it belongs to another)."""
    listing = (
        CreditListing.objects.filter(pk=pk, organization=organization).select_related("organization").first()
    )
    if listing is None:
        raise NotFound(Code.REGISTRY_LISTING_NOT_FOUND)
    return listing
