"""Reads of the opinion monitoring: the names the matcher searches, an organization's ties to public
money (live contracts, grants, pending applications, e-mall listings), the monitoring desk's stream
with its filters, one item with its matches, and the alert queue scoped to the reviewer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region, Role
from opengps.accounts.permissions import has_role, require_role
from opengps.contracts.models import Contract, ContractStatus
from opengps.core.errors import NotFound
from opengps.emall.models import Listing, ListingStatus
from opengps.grants.models import Agreement, AgreementStatus, Application, ApplicationStatus
from opengps.opinion.errors import Code
from opengps.opinion.matching import Matcher, Name
from opengps.opinion.models import Alert, AlertStatus, Item, NameKind, OrgName, Source, ToneCorrection
from opengps.registry.models import Organization
from opengps.registry.services import managed_unit_ids

READERS = (Role.REGISTRATION, Role.ADMIN, Role.AUDITOR, Role.PURCHASER, Role.FINANCE)
"""Officials who read the monitoring desk: the registration authority reviews, purchasers and funders
see the alerts on the organizations they pay, finance and audit read."""

REVIEWERS = (Role.REGISTRATION, Role.ADMIN)
"""Who decides on an alert: the registration authority of the organization (or an administrator)."""


def matcher() -> Matcher:
    """The automaton over every registered organization's full name and its recorded former names,
    short names and aliases (deregistered and revoked organizations included: news about them still
    matters)."""
    names = [
        Name(text=name, organization=pk, region=region, via=NameKind.FULL)
        for pk, name, region in Organization.objects.values_list("pk", "name", "region_id")
    ]
    names += [
        Name(text=name, organization=pk, region=region, via=kind)
        for pk, name, region, kind in OrgName.objects.values_list(
            "organization_id", "name", "organization__region_id", "kind"
        )
    ]
    regions = Region.objects.exclude(level=Region.Level.PROVINCE).values_list("code", "name")
    return Matcher(names, regions)


def live_ties(organization: Organization) -> list[dict[str, Any]]:
    """What ties `organization` to public money now: contracts signed or being performed, active grant
    agreements, applications under review and live e-mall listings, each with the unit that pays."""
    return live_ties_many([organization.pk])[organization.pk]


def live_ties_many(organizations: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """`live_ties` of each organization (by primary key) in four queries, whatever their number (the
    batch ingest, `services.items_collect`): per organization, its contracts, then its grant
    agreements, its pending applications and its live listings, each kind in primary-key order."""
    ties: dict[int, list[dict[str, Any]]] = {pk: [] for pk in sorted(set(organizations))}
    if not ties:
        return ties
    ids = list(ties)
    contracts = Contract.objects.filter(
        supplier_id__in=ids, status__in=[ContractStatus.SIGNED, ContractStatus.PUBLISHED]
    ).order_by("pk")
    for contract in contracts:
        ties[contract.supplier_id].append(
            {
                "kind": "contract",
                "ref": contract.reference,
                "label": contract.title,
                "unit": contract.purchaser_id,
            }
        )
    agreements = (
        Agreement.objects.filter(application__organization_id__in=ids, status=AgreementStatus.ACTIVE)
        .select_related("application__round__programme")
        .order_by("pk")
    )
    for agreement in agreements:
        application = agreement.application
        unit = application.round.programme.funder_unit_id
        ties[application.organization_id].append(
            {"kind": "grant", "ref": agreement.number, "label": application.title, "unit": unit}
        )
    pending = (
        Application.objects.filter(
            organization_id__in=ids, status__in=[ApplicationStatus.ELIGIBLE, ApplicationStatus.PROPOSED]
        )
        .select_related("round__programme")
        .order_by("pk")
    )
    for application in pending:
        unit = application.round.programme.funder_unit_id
        ties[application.organization_id].append(
            {"kind": "application", "ref": str(application.pk), "label": application.title, "unit": unit}
        )
    listings = (
        Listing.objects.filter(organization_id__in=ids, status=ListingStatus.LIVE)
        .select_related("item")
        .order_by("pk")
    )
    for listing in listings:
        ties[listing.organization_id].append(
            {"kind": "listing", "ref": str(listing.pk), "label": str(listing.item), "unit": None}
        )
    return ties


@dataclass(frozen=True)
class Filters:
    """The desk's filters (all optional)."""

    tone: str = ""
    topic: str = ""
    organization: int | None = None
    q: str = ""
    matched: str = ""
    """"yes": only items naming an organization; "no": only unmatched ones."""


def items(*, actor: Actor, filters: Filters = Filters()) -> QuerySet[Item]:
    """The monitoring desk's stream, newest first, filtered."""
    require_role(actor, *READERS)
    found = Item.objects.select_related("source").prefetch_related("matches__organization")
    if filters.tone:
        found = found.filter(tone=filters.tone)
    if filters.topic:
        found = found.filter(topics__contains=f",{filters.topic},")
    if filters.organization:
        found = found.filter(matches__organization_id=filters.organization)
    if filters.q:
        found = found.filter(Q(title__icontains=filters.q) | Q(text__icontains=filters.q))
    if filters.matched == "yes":
        found = found.filter(matches__isnull=False).distinct()
    elif filters.matched == "no":
        found = found.filter(matches__isnull=True)
    return found


def sources(*, actor: Actor) -> QuerySet[Source]:
    """The configured sources with their fetch state (last success, failures, next fetch)."""
    require_role(actor, *READERS)
    return Source.objects.select_related("region").order_by("name", "id")


def item_get(*, actor: Actor, pk: int) -> Item:
    """One item with its source and matches (any official reader)."""
    require_role(actor, *READERS)
    try:
        return Item.objects.select_related("source").prefetch_related("matches__organization").get(pk=pk)
    except Item.DoesNotExist:
        raise NotFound(Code.OPINION_ITEM_NOT_FOUND) from None


def alerts(*, actor: Actor, status: str = AlertStatus.OPEN) -> QuerySet[Alert]:
    """The alert queue of `actor`: the registration authority's organizations, or the alerts that
    concern the purchaser's or funder's unit; finance and audit read all."""
    require_role(actor, *READERS)
    found = Alert.objects.select_related("organization", "decision__decided_by").prefetch_related("items")
    if status:
        found = found.filter(status=status)
    if has_role(actor, Role.REGISTRATION):
        managed = managed_unit_ids(actor)
        if managed is not None:
            found = found.filter(organization__registration_authority_id__in=managed)
    elif has_role(actor, Role.PURCHASER):
        found = found.filter(units=actor.unit_id).distinct()
    return found


def alert_get(*, actor: Actor, pk: int) -> Alert:
    """One alert of the actor's queue (any status); NotFound outside it."""
    try:
        return alerts(actor=actor, status="").get(pk=pk)
    except Alert.DoesNotExist:
        raise NotFound(Code.OPINION_ALERT_NOT_FOUND) from None


@dataclass(frozen=True)
class CorrectionReport:
    """The reviewers' tone corrections (issue 21 §3): how many items, how many corrected, for each
    (classifier's tone, reviewer's tone) pair the number of items, and the latest corrections."""

    items: int
    corrected_items: int
    pairs: list[tuple[str, str, int]]
    latest: list[ToneCorrection]

    @property
    def corrected_share(self) -> float:
        return self.corrected_items / self.items if self.items else 0.0


def tone_corrections(*, actor: Actor, limit: int = 100) -> CorrectionReport:
    """The corrections report: each corrected item counted once, from the classifier's tone to its
    tone now (the last correction); the latest `limit` corrections with item and reviewer."""
    require_role(actor, *READERS)
    counts: dict[tuple[str, str], int] = {}
    rows = ToneCorrection.objects.order_by("item_id", "corrected_at", "pk").values_list(
        "item_id", "classified", "item__tone"
    )
    seen: set[int] = set()
    for item_id, classified, tone in rows:
        if item_id in seen:
            continue
        seen.add(item_id)
        counts[(classified, tone)] = counts.get((classified, tone), 0) + 1
    latest = list(ToneCorrection.objects.select_related("item", "corrected_by")[:limit])
    return CorrectionReport(
        items=Item.objects.count(),
        corrected_items=len(seen),
        pairs=sorted((a, b, n) for (a, b), n in counts.items() if a != b),
        latest=latest,
    )
