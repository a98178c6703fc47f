"""Drawing a committee at random (O87 §47): the draw, seeded from public inputs and the audit chain.

`draw_create` reads the audit chain head under its row lock, derives the seed from the public
inputs (`opengps.experts.drawing`), asks `opengps.rules.committee` who is qualified and who must
stand aside, snapshots the eligible pool and invites the first N in draw order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region, Role, Unit
from opengps.accounts.permissions import require_role
from opengps.core import audit, clock
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.core.models import AuditChainHead
from opengps.experts import drawing
from opengps.experts.errors import Code
from opengps.experts.events import Event
from opengps.experts.facts import bidder_json, unit_identifier
from opengps.experts.matching import region_matches, specialty_matches
from opengps.experts.models import Draw, DrawMember, Expert
from opengps.experts.services._common import DRAW_ROLES
from opengps.experts.services.screening import Screening, screen_candidates
from opengps.rules.base import RuleError
from opengps.rules.committee import BidderFacts, check_committee, required_committee
from opengps.rules.procedures import Method, parse_method


def _clean_draw_request(
    *, procurement_ref: str, title: str, category: str, needed: int, purchaser_reps: int, budget: Decimal
) -> tuple[str, str, str]:
    """The stripped procurement number, title and (upper-case) category, or the field refused."""
    procurement_ref, title, category = procurement_ref.strip(), title.strip(), category.strip().upper()
    if not procurement_ref or len(procurement_ref) > 64:
        raise ServiceError(Code.DRAW_PROCUREMENT_REF_INVALID, field="procurement_ref")
    if not title:
        raise ServiceError(Code.DRAW_TITLE_REQUIRED, field="title")
    if not category.isalnum():
        raise ServiceError(Code.DRAW_CATEGORY_INVALID, field="category")
    if needed < 1 or purchaser_reps < 0:
        raise ServiceError(Code.DRAW_NEEDED_INVALID, field="needed")
    if budget < 0:
        raise ServiceError(Code.DRAW_BUDGET_INVALID, field="budget")
    return procurement_ref, title, category


def _committee(
    method: str | Method,
    budget: Decimal,
    *,
    complex_project: bool,
    on_date: date,
    needed: int,
    purchaser_reps: int,
) -> dict[str, Any]:
    """The committee the law requires (`committee.required_committee`), which the request must meet,
    as the draw records it."""
    try:
        spec = required_committee(
            parse_method(method), budget, complex_project=complex_project, on_date=on_date
        )
    except RuleError as exc:
        raise _rule_error(exc, field="method") from None
    problems = check_committee(spec.value, needed, purchaser_reps)
    if problems:
        raise ServiceError(
            Code.DRAW_COMMITTEE_INVALID,
            "；".join(p.message_zh for p in problems),
            field="needed",
            params={
                "codes": [p.code for p in problems],
                "citation": spec.citation,
                "min_size": spec.value.min_size,
                "note": spec.note,
            },
        )
    return {
        "kind": spec.value.kind,
        "min_size": spec.value.min_size,
        "min_experts": spec.value.min_experts(needed + purchaser_reps),
        "citation": spec.citation,
        "note": spec.note,
    }


def _candidates(category: str, region: Region | None) -> list[Expert]:
    """Every expert whose specialty covers `category` in `region`, ties prefetched for screening."""
    return [
        expert
        for expert in Expert.objects.select_related("employer_unit")
        .prefetch_related("affiliations__unit", "relations")
        .order_by("pk")
        if specialty_matches(expert.specialties, category) and region_matches(expert.region_id, region)
    ]


def _screened(
    actor: Actor,
    *,
    category: str,
    region: Region | None,
    bidders: Sequence[BidderFacts],
    on_date: date,
    purchaser_unit: Unit,
    needed: int,
) -> tuple[list[Expert], Screening]:
    """The candidates and their screening, refused when fewer than `needed` may be drawn."""
    candidates = _candidates(category, region)
    screening = screen_candidates(
        candidates,
        bidders=bidders,
        on_date=on_date,
        purchaser=unit_identifier(purchaser_unit),
        agency=unit_identifier(actor.unit) if actor.role == Role.AGENCY and actor.unit else None,
    )
    if len(screening.pool) < needed:
        raise ServiceError(
            Code.DRAW_NOT_ENOUGH_EXPERTS,
            _("符合条件的专家只有 %(available)d 名，需要 %(needed)d 名；请扩大区划范围或调整评审专业")
            % {"available": len(screening.pool), "needed": needed},
            field="needed",
            params={
                "available": len(screening.pool),
                "needed": needed,
                "candidates": len(candidates),
                "excluded": len(screening.exclusions),
            },
        )
    return candidates, screening


def _record_drawn(actor: Actor, draw: Draw, selected: list[int]) -> None:
    """The draw's audit event: the very next link after the chain head in its seed."""
    audit.record(
        actor=actor,
        action=Event.DRAW_CREATED,
        obj=draw,
        new={
            "inputs": draw.inputs,
            "seed": draw.seed,
            "pool": draw.pool,
            "candidates": draw.candidates,
            "excluded": [row["expert_id"] for row in draw.exclusions],
            "selected": selected,
            "needed": draw.needed,
            "category": draw.category,
            "region": draw.region.code if draw.region else None,
        },
    )


def draw_create(
    *,
    actor: Actor,
    procurement_ref: str,
    title: str,
    purchaser_unit: Unit,
    category: str,
    method: str | Method,
    budget: Decimal,
    needed: int,
    bidders: Sequence[BidderFacts],
    purchaser_reps: int = 0,
    region: Region | None = None,
    complex_project: bool = False,
    drawn_at: datetime | None = None,
) -> Draw:
    """Draw `needed` experts at random for a procurement (purchaser staff of `purchaser_unit`, or an agency).

    The committee (`needed` experts + `purchaser_reps`) must meet `committee.required_committee`.
    Candidates are active experts whose specialty covers `category` in `region`; those unqualified
    on the draw date or in conflict with a `bidders` entry or the purchaser are excluded with
    their reasons. Raises ``draw.not_enough_experts`` when the pool is smaller than `needed`.
    `drawn_at` is for tests and for entering past draws: screens and the API never pass it, since
    a caller choosing the time could search for a favourable seed.
    """
    require_role(actor, *DRAW_ROLES)
    if actor.role == Role.PURCHASER and actor.unit_id != purchaser_unit.pk:
        raise PermissionDenied(Code.PERM_OTHER_UNIT, _("采购人只能为本单位的项目抽取专家"))
    procurement_ref, title, category = _clean_draw_request(
        procurement_ref=procurement_ref,
        title=title,
        category=category,
        needed=needed,
        purchaser_reps=purchaser_reps,
        budget=budget,
    )
    moment = drawn_at or clock.now()
    on_date = timezone.localdate(moment)
    committee = _committee(
        method,
        budget,
        complex_project=complex_project,
        on_date=on_date,
        needed=needed,
        purchaser_reps=purchaser_reps,
    )
    with transaction.atomic():
        # Lock the chain head first: no event can slip in between reading it and our own event,
        # so the draw's audit event is the very next link after the head used in the seed.
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        inputs = drawing.draw_inputs(
            procurement_ref=procurement_ref, drawn_at=moment, audit_chain_head=head.last_hash
        )
        seed = drawing.seed_for(inputs)
        candidates, screening = _screened(
            actor,
            category=category,
            region=region,
            bidders=bidders,
            on_date=on_date,
            purchaser_unit=purchaser_unit,
            needed=needed,
        )
        selected = drawing.draw_first(seed, screening.pool, needed)
        draw = Draw.objects.create(
            procurement_ref=procurement_ref,
            title=title,
            purchaser_unit=purchaser_unit,
            agency_unit=actor.unit if actor.role == Role.AGENCY else None,
            category=category,
            region=region,
            method=str(parse_method(method)),
            budget=budget,
            needed=needed,
            purchaser_reps=purchaser_reps,
            drawn_at=moment,
            audit_chain_head=head.last_hash,
            inputs=inputs,
            seed=seed,
            candidates=len(candidates),
            pool=screening.pool,
            exclusions=screening.exclusions,
            bidders=[bidder_json(b) for b in bidders],
            committee=committee,
            created_by=actor,
        )
        DrawMember.objects.bulk_create(
            [
                DrawMember(draw=draw, expert_id=expert_id, order=i)
                for i, expert_id in enumerate(selected, start=1)
            ]
        )
        _record_drawn(actor, draw, selected)
    return draw
