"""Reads of 定点 (framework call-offs) for the purchaser's screens: the framework agreements its unit
may call off from, and for one listing the agreements that cover its item with its supplier as member.

An agreement may be used by the unit that procured it (`opengps.procurement.policies.is_official`,
as `framework_call_off_pick` requires), once the procurement is awarded and the shortlist announced,
and where its second stage is 直接选定 or 顺序轮候: 二次竞价 (O110 §33) needs the members' quotes,
which this screen does not collect (`order_call_off` refuses it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from opengps.accounts.actors import Viewer
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.catalog.models import CatalogItem
from opengps.emall.models import Listing, ListingStatus
from opengps.evaluation.models import FrameworkMember, FrameworkShortlist
from opengps.procurement.models import ProcurementStatus

CALL_OFF_STAGES = ("direct", "rotation")
"""The second-stage rules a call-off through the e-mall can follow."""


def agreements_usable(actor: Viewer) -> QuerySet[FrameworkShortlist]:
    """The announced framework agreements (one per lot) of the purchaser's unit that it may call off
    from, latest first; none for anyone else."""
    if not has_role(actor, Role.PURCHASER) or actor.unit_id is None:
        return FrameworkShortlist.objects.none()
    return (
        FrameworkShortlist.objects.filter(
            evaluation__procurement__purchaser_id=actor.unit_id,
            evaluation__procurement__status=ProcurementStatus.AWARDED,
            announced_at__isnull=False,
            second_stage__in=CALL_OFF_STAGES,
        )
        .select_related("evaluation__procurement__plan__project", "lot")
        .order_by("-announced_at", "pk")
    )


@dataclass(frozen=True)
class Offer:
    """One agreement open to a listing: the agreement and the listing's supplier as its member."""

    shortlist: FrameworkShortlist
    member: FrameworkMember

    @property
    def price(self) -> Decimal:
        return self.member.price


def offers_for_listing(actor: Viewer, listing: Listing) -> list[Offer]:
    """The agreements usable by the actor's unit that cover the listing's item and have the listing's
    supplier as a member, each with that member's agreement price; none unless the listing is live."""
    if listing.status != ListingStatus.LIVE or listing.live_version_id is None:
        return []
    shortlists = (
        agreements_usable(actor)
        .filter(
            evaluation__procurement__plan__project__items__code=listing.item.code,
            members__organization=listing.organization_id,
        )
        .distinct()
    )
    members = {
        m.shortlist_id: m
        for m in FrameworkMember.objects.filter(
            shortlist__in=[s.pk for s in shortlists], organization=listing.organization_id
        )
    }
    return [Offer(s, members[s.pk]) for s in shortlists if s.pk in members]


@dataclass(frozen=True)
class AgreementRow:
    """An agreement on the call-off page: its covered items, and each member with its live listings
    of them."""

    shortlist: FrameworkShortlist
    items: list[CatalogItem]
    members: list[tuple[FrameworkMember, list[Listing]]]


def agreement_rows(actor: Viewer) -> list[AgreementRow]:
    """The unit's usable agreements for the 框架协议定点采购 page (a fixed number of queries)."""
    shortlists = list(
        agreements_usable(actor).prefetch_related(
            Prefetch(
                "members", queryset=FrameworkMember.objects.select_related("organization").order_by("rank")
            ),
            Prefetch(
                "evaluation__procurement__plan__project__items",
                queryset=CatalogItem.objects.order_by("code"),
            ),
        )
    )
    codes = {i.code for s in shortlists for i in s.evaluation.procurement.plan.project.items.all()}
    organizations = {m.organization_id for s in shortlists for m in s.members.all()}
    live: dict[tuple[int, str], list[Listing]] = {}
    for listing in (
        Listing.objects.filter(
            status=ListingStatus.LIVE,
            live_version__isnull=False,
            organization_id__in=organizations,
            item__code__in=codes,
        )
        .select_related("item", "live_version")
        .order_by("pk")
    ):
        live.setdefault((listing.organization_id, listing.item.code), []).append(listing)
    rows = []
    for shortlist in shortlists:
        items = list(shortlist.evaluation.procurement.plan.project.items.all())
        members = [
            (m, [x for i in items for x in live.get((m.organization_id, i.code), [])])
            for m in shortlist.members.all()
        ]
        rows.append(AgreementRow(shortlist, items, members))
    return rows
