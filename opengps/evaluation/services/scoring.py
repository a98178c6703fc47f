"""The committee's work on the bids: pass/fail reviews and each member's independent scores.

A member's scores are audited only by digest, so the audit trail does not reveal them to anyone
before every member has submitted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import audit, clock
from opengps.core.errors import Conflict, ServiceError
from opengps.evaluation.errors import Code
from opengps.evaluation.events import Event
from opengps.evaluation.models import (
    CommitteeMember,
    Evaluation,
    EvaluationStatus,
    Review,
    ReviewKind,
    Score,
)
from opengps.evaluation.services._common import (
    _confirmed_member,
    _decimal,
    _require_evaluation_status,
)
from opengps.procurement.models import BidReadout


def _readout_of(evaluation: Evaluation, readout: BidReadout) -> BidReadout:
    if readout.opening.procurement_id != evaluation.procurement_id or not readout.valid:
        raise ServiceError(Code.EVALUATION_BID_NOT_FOUND, field="readout")
    return readout


def review_record(
    *,
    actor: Actor,
    evaluation: Evaluation,
    readout: BidReadout,
    kind: str,
    requirement: str,
    passed: bool,
    reason: str = "",
) -> Review:
    """Record the committee's pass/fail on one requirement for one bid (a confirmed member records it)."""
    member = _confirmed_member(actor, evaluation)
    _require_evaluation_status(evaluation, EvaluationStatus.REVIEWING)
    readout = _readout_of(evaluation, readout)
    if kind not in ReviewKind.values:
        raise ServiceError(Code.EVALUATION_REVIEW_KIND_INVALID, field="kind")
    requirement = requirement.strip()
    if not requirement or len(requirement) > 200:
        raise ServiceError(Code.EVALUATION_REQUIREMENT_REQUIRED, field="requirement")
    if not passed and not reason.strip():
        raise ServiceError(Code.EVALUATION_REASON_REQUIRED, field="reason")
    with transaction.atomic():
        review, created = Review.objects.update_or_create(
            evaluation=evaluation,
            readout=readout,
            kind=kind,
            requirement=requirement,
            defaults={
                "passed": passed,
                "reason": reason.strip(),
                "recorded_by": member,
                "recorded_at": clock.now(),
            },
        )
        audit.record(
            actor=actor,
            action=Event.EVALUATION_REVIEW_RECORDED,
            obj=evaluation.procurement,
            new={
                "bidder": readout.organization_id,
                "kind": kind,
                "requirement": requirement,
                "passed": passed,
                "new": created,
            },
            reason=review.reason,
        )
    return review


def qualified_readouts(evaluation: Evaluation) -> list[BidReadout]:
    """Valid bids that failed no review requirement."""
    failed = set(
        Review.objects.filter(evaluation=evaluation, passed=False).values_list("readout_id", flat=True)
    )
    return [
        r
        for r in BidReadout.objects.filter(opening__procurement_id=evaluation.procurement_id, valid=True)
        .select_related("organization", "lot")
        .order_by("lot__number", "pk")
        if r.pk not in failed
    ]


def scores_submit(
    *, actor: Actor, evaluation: Evaluation, scores: Mapping[int, Mapping[str, Decimal | str]]
) -> CommitteeMember:
    """A member submits, once and independently, a score per factor for every qualified bid.

    `scores` maps a `BidReadout` id to factor code → points (0 ≤ points ≤ the factor's points).
    """
    member = _confirmed_member(actor, evaluation)
    _require_evaluation_status(evaluation, EvaluationStatus.REVIEWING)
    factors = {f.code: f for f in evaluation.factors.all()}
    bids = {r.pk: r for r in qualified_readouts(evaluation)}
    if set(scores) != set(bids):
        raise ServiceError(
            Code.EVALUATION_SCORES_INCOMPLETE, field="scores", params={"expected": sorted(bids)}
        )
    rows: list[Score] = []
    for readout_id, by_factor in scores.items():
        if set(by_factor) != set(factors):
            raise ServiceError(Code.EVALUATION_SCORES_INCOMPLETE, _("须对每一个评审因素评分"), field="scores")
        for code, raw in by_factor.items():
            points = _decimal(raw, field=f"scores.{readout_id}.{code}")
            if points < 0 or points > factors[code].max_points or points != points.quantize(Decimal("0.01")):
                raise ServiceError(
                    Code.EVALUATION_SCORE_OUT_OF_RANGE,
                    field=f"scores.{readout_id}.{code}",
                    params={"factor": factors[code].name, "max": factors[code].max_points},
                )
            rows.append(Score(member=member, readout_id=readout_id, factor=factors[code], points=points))
    with transaction.atomic():
        member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        if member.scores_submitted_at is not None:
            raise Conflict(Code.EVALUATION_SCORES_ALREADY_SUBMITTED)
        Score.objects.bulk_create(rows)
        member.scores_submitted_at = clock.now()
        member.save(update_fields=["scores_submitted_at"])
        canonical = json.dumps(
            sorted((r.readout_id, r.factor.code, str(r.points)) for r in rows), separators=(",", ":")
        )
        audit.record(
            actor=actor,
            action=Event.EVALUATION_SCORES_SUBMITTED,
            obj=evaluation.procurement,
            new={
                "member": member.pk,
                "count": len(rows),
                "sha256": hashlib.sha256(canonical.encode()).hexdigest(),
            },
        )
    return member
