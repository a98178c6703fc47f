"""Facts for the eligibility rules built from the database, and the derived-status cache on Organization.

The rules (`opengps.rules.eligibility`) decide; this module only feeds them the recorded facts and
keeps their answer for today in indexed columns so searches and counts stay cheap. A row whose
`derived_until` has come (or is empty, e.g. after a raw bulk insert) is recomputed on the next read.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Prefetch, Q

from opengps.core import clock
from opengps.registry.models import AnnualReport, CreditListing, CreditListKind, Organization, Penalty, Rating
from opengps.rules.base import value_on
from opengps.rules.eligibility import (
    RATING_VALID_YEARS,
    CreditEntry,
    Eligibility,
    OrganizationFacts,
    OtherListEntry,
    PenaltyFact,
    PenaltyKind,
    RatingFact,
    add_years,
    effective_credit_status,
    penalty_reasons,
    supplier_eligibility,
)

M60_KINDS = frozenset({CreditListKind.ABNORMAL, CreditListKind.SERIOUS})
BATCH = 1000


def rating_valid_until(awarded_on: date) -> date:
    """First day the rating is no longer in force: awarded + the validity the rules give (M39)."""
    # Ratings older than the first known value use it (same convention as the rules module).
    on = max(awarded_on, RATING_VALID_YEARS[0].effective_from)
    years = value_on(RATING_VALID_YEARS, on, rule="eligibility.rating_valid_years").value
    return add_years(awarded_on, years)


def facts_prefetch() -> list[Any]:
    return [
        Prefetch(
            "ratings",
            queryset=Rating.objects.only(
                "id", "organization_id", "level", "awarded_on", "valid_until", "revoked_on"
            ),
        ),
        Prefetch(
            "credit_listings",
            queryset=CreditListing.objects.only(
                "id", "organization_id", "kind", "listed_on", "removed_on", "reason"
            ),
        ),
        Prefetch("annual_reports", queryset=AnnualReport.objects.only("id", "organization_id", "year")),
        Prefetch(
            "penalties",
            queryset=Penalty.objects.only(
                "id",
                "organization_id",
                "kind",
                "decided_on",
                "issuer",
                "amount",
                "for_business",
                "ends_on",
                "large_by_issuer",
            ),
        ),
    ]


def organization_facts(org: Organization) -> OrganizationFacts:
    """The facts the eligibility rules read, from the organization and its (prefetched) records."""
    listings = list(org.credit_listings.all())
    return OrganizationFacts(
        status=org.status,  # type: ignore[arg-type]
        org_type=org.org_type,  # type: ignore[arg-type]
        founded_on=org.founded_on,
        is_industry_association=org.is_industry_association,
        # The stored end is honoured: a downgrade keeps the replaced grade's end (M39).
        ratings=tuple(
            RatingFact(r.level, r.awarded_on, r.revoked_on, ends_on=r.valid_until) for r in org.ratings.all()
        ),
        credit_entries=tuple(
            CreditEntry(c.kind, c.listed_on, c.removed_on, c.reason)  # type: ignore[arg-type]
            for c in listings
            if c.kind in M60_KINDS
        ),
        annual_reports_filed=frozenset(a.year for a in org.annual_reports.all()),
        other_lists=tuple(
            OtherListEntry(c.kind, c.listed_on, c.removed_on)  # type: ignore[arg-type]
            for c in listings
            if c.kind not in M60_KINDS
        ),
        penalties=tuple(penalty_fact(p) for p in org.penalties.all()),
    )


def penalty_fact(p: Penalty) -> PenaltyFact:
    """The facts the eligibility rules read from one recorded penalty."""
    return PenaltyFact(
        PenaltyKind(p.kind),
        p.decided_on,
        p.issuer,
        p.amount,
        for_business=p.for_business,
        ends_on=p.ends_on,
        large_by_issuer=p.large_by_issuer,
    )


def eligibility_of(org: Organization, on_date: date) -> Eligibility:
    return supplier_eligibility(organization_facts(org), on_date)


def _valid_until(org: Organization, facts: OrganizationFacts, on_date: date) -> date:
    """When the cached columns may next change: a credit period, rating or other listing boundary.

    The annual-report deadline (a flag, not cached) is left out on purpose, so the rows do not all
    fall stale on 1 June; with no boundary ahead, rows are rechecked within a year, spread by id.
    """
    boundaries: list[date] = []
    credit_change = effective_credit_status(facts, on_date).next_change
    if credit_change is not None:
        boundaries.append(credit_change)
    for rating in facts.ratings:
        ends = (rating_valid_until(rating.awarded_on), rating.ends_on, rating.revoked_on)
        end = min(d for d in ends if d is not None)
        boundaries += [d for d in (rating.awarded_on, end) if d > on_date]
    for listing in facts.other_lists:
        boundaries += [d for d in (listing.listed_on, listing.removed_on) if d is not None and d > on_date]
    boundaries += [d for d in penalty_reasons(facts.penalties, on_date)[1] if d > on_date]
    for penalty in facts.penalties:
        if penalty.decided_on > on_date:
            boundaries.append(penalty.decided_on)
    fallback = on_date + timedelta(days=300 + (org.pk or 0) % 60)
    return min([*boundaries, fallback])


def derived_columns(org: Organization, on_date: date) -> tuple[Any, ...]:
    """The values of DERIVED_FIELDS for `org` on `on_date`, from its (prefetched) records."""
    facts = organization_facts(org)
    result = supplier_eligibility(facts, on_date)
    credit = "normal"
    other = False
    for reason in result.reasons:
        if reason.code == "eligibility.serious_list":
            credit = "serious"
        elif reason.code == "eligibility.abnormal_list" and credit == "normal":
            credit = "abnormal"
        elif reason.code.removeprefix("eligibility.") in CreditListKind.values:
            other = True
    return (result.rating_in_force, credit, other, result.eligible, _valid_until(org, facts, on_date))


DERIVED_FIELDS = ["rating_level", "credit_level", "on_other_list", "eligible", "derived_until"]


def refresh(organization_ids: Iterable[int], on_date: date | None = None) -> int:
    """Recompute the cached status of these organizations for `on_date` (default today)."""
    on_date = on_date or clock.today()
    ids = list(organization_ids)
    table = connection.ops.quote_name(Organization._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(f)} = %s" for f in DERIVED_FIELDS)
    sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608 - our names; values are bound
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = Organization.objects.filter(pk__in=ids[start : start + BATCH]).prefetch_related(
            *facts_prefetch()
        )
        rows = [(*derived_columns(org, on_date), org.pk) for org in chunk]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        done += len(rows)
    if done:
        bump_generation()
    return done


_GENERATION = {"value": 0}
_LAST_CHECK: dict[str, Any] = {"at": -1e9, "day": None}
STALE_CHECK_SECONDS = 30.0


def generation() -> int:
    """Changes whenever this process wrote registry facts (after commit); keys short-lived caches."""
    return _GENERATION["value"]


def bump_generation() -> None:
    """Invalidate now and again after commit (a count taken in between must not outlive it)."""

    def bump() -> None:
        _GENERATION["value"] += 1

    bump()
    transaction.on_commit(bump)


def stale() -> Q:
    """Rows whose cached status is not valid today (the complement of `says_eligible`'s test)."""
    return Q(derived_until__isnull=True) | Q(derived_until__lte=clock.today())


def says_eligible(eligible: bool, derived_until: date | None, on_date: date) -> bool:
    """Whether the cached columns already say "eligible" on `on_date`: only for today, and only
    while the cache is not stale. Anything else (another day, stale, negative) must ask the rules,
    which give the reasons."""
    return (
        bool(eligible) and on_date == clock.today() and derived_until is not None and on_date < derived_until
    )


def refresh_stale() -> int:
    """Recompute rows whose derived status may have changed with the passing of time."""
    ids = list(Organization.objects.filter(stale()).values_list("pk", flat=True)[:50_000])
    return refresh(ids) if ids else 0


def refresh_stale_throttled() -> int:
    """`refresh_stale()` at most every STALE_CHECK_SECONDS per process (and at once on a new day)."""
    now, today = time.monotonic(), clock.today()
    if now - _LAST_CHECK["at"] < STALE_CHECK_SECONDS and _LAST_CHECK["day"] == today:
        return 0
    done = refresh_stale()
    _LAST_CHECK["at"], _LAST_CHECK["day"] = now, today
    return done
