"""Starting an evaluation and seating its committee: start, conflict confirmation, substitutes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import audit, clock
from opengps.core.clock import local_date
from opengps.core.errors import Conflict, ServiceError
from opengps.evaluation.errors import Code
from opengps.evaluation.events import Event
from opengps.evaluation.models import (
    CommitteeMember,
    Evaluation,
    EvaluationStatus,
    Factor,
    MemberState,
)
from opengps.evaluation.services._common import (
    HUNDRED,
    _decimal,
    _member_of,
    _require_evaluation_status,
)
from opengps.experts.models import Draw, DrawMember, MemberStatus
from opengps.experts.services import draw_member_recuse
from opengps.procurement import services as procurement_services
from opengps.procurement.models import Procurement, ProcurementStatus
from opengps.procurement.policies import lock, require_official, rule_error, set_status
from opengps.rules import scoring
from opengps.rules.base import RuleError
from opengps.rules.procedures import Method
from opengps.rules.procurement_flow import AwardBasis, procedure_for


@dataclass(frozen=True)
class FactorInput:
    code: str
    name: str
    max_points: Decimal


def _ranked_by_price(procurement: Procurement, by_price: bool) -> bool:
    """Whether bids are ranked by price alone: the method decides, else the caller's `by_price`."""
    procedure = procedure_for(procurement.method)
    if (
        procurement.method == Method.framework_agreement
        and procurement_services.framework_terms(procurement)["first_stage"] != "price_first"
    ):
        raise ServiceError(Code.EVALUATION_FRAMEWORK_QUALITY_FIRST_UNSUPPORTED, field="method")
    if procedure.award_basis in (AwardBasis.lowest_price, AwardBasis.framework_price_first):
        return True
    if procedure.award_basis is AwardBasis.comprehensive:
        return False
    if procedure.award_basis is AwardBasis.negotiated_price:
        return True
    return by_price


def _accepted_committee(
    procurement: Procurement, draw: Draw | None, *, committee_less: bool
) -> list[DrawMember]:
    """The draw's accepted experts, complete and each with an account; [] for single source."""
    if draw is None and not committee_less:
        raise ServiceError(Code.EVALUATION_DRAW_REQUIRED, field="draw")
    if draw is not None and (
        draw.procurement_ref != procurement.reference or draw.purchaser_unit_id != procurement.purchaser_id
    ):
        raise ServiceError(Code.EVALUATION_DRAW_MISMATCH, field="draw")
    accepted = (
        list(draw.members.filter(status=MemberStatus.ACCEPTED).select_related("expert__user"))
        if draw is not None
        else []
    )
    if draw is not None and len(accepted) < draw.needed:
        raise ServiceError(
            Code.EVALUATION_COMMITTEE_INCOMPLETE,
            field="draw",
            params={"have": len(accepted), "need": draw.needed},
        )
    if any(m.expert.user_id is None for m in accepted):
        raise ServiceError(Code.EVALUATION_EXPERT_WITHOUT_ACCOUNT, field="draw")
    return accepted


def _check_weights(
    factors: Sequence[FactorInput], weight: Decimal, formula: Literal["O87", "C214"], on_date: date
) -> None:
    """综合评分法: distinct factors with positive points, summing with the price weight to 100."""
    codes = [f.code.strip() for f in factors]
    if not factors or len(set(codes)) != len(codes) or any(not c for c in codes):
        raise ServiceError(Code.EVALUATION_FACTORS_INVALID, field="factors")
    if any(f.max_points <= 0 for f in factors):
        raise ServiceError(Code.EVALUATION_FACTORS_INVALID, _("评审因素分值应大于零"), field="factors")
    total = sum((f.max_points for f in factors), Decimal(0)) + weight * HUNDRED
    if total != HUNDRED:
        raise ServiceError(Code.EVALUATION_WEIGHTS_NOT_100, field="factors", params={"total": total})
    try:
        scoring.price_scores({"check": Decimal(1)}, weight, formula, on_date=on_date)
    except RuleError as exc:
        raise rule_error(exc, field="price_weight") from None


def _check_small_micro_rate(rate: Decimal, on_date: date) -> None:
    try:
        scoring.evaluated_price(
            Decimal(100), scoring.Preferences(small_micro=True), on_date, small_micro_rate=rate
        )
    except RuleError as exc:
        raise rule_error(exc, field="small_micro_rate") from None


def evaluation_start(
    *,
    actor: Actor,
    procurement: Procurement,
    draw: Draw | None,
    factors: Sequence[FactorInput] = (),
    price_weight: Decimal | str = Decimal(0),
    formula: str = "O87",
    small_micro_rate: Decimal | str | None = None,
    by_price: bool = False,
    now: datetime | None = None,
) -> Evaluation:
    """Start the evaluation of an opened procurement with the committee of `draw` (officials).

    The committee is the draw's accepted experts (each needs a platform account). 综合评分法:
    factor points + price weight × 100 must equal 100, and the price weight must be in the legal
    range (`scoring.price_scores` validates it). Price-ranked methods take no factors.
    Single source has no committee (O74 §41: the purchaser's staff agree the price with the one
    supplier): `draw` is None, and it is refused for every other method.
    """
    require_official(actor, procurement)
    moment = now or clock.now()
    by_price = _ranked_by_price(procurement, by_price)
    price_formula: Literal["O87", "C214"] = "C214" if formula == "C214" else "O87"
    weight = _decimal(price_weight, field="price_weight") if not by_price else Decimal(0)
    rate = (
        _decimal(small_micro_rate, field="small_micro_rate") if small_micro_rate not in (None, "") else None
    )
    committee_less = procedure_for(procurement.method).award_basis is AwardBasis.negotiated_price
    accepted = _accepted_committee(procurement, draw, committee_less=committee_less)
    announce_on = local_date(procurement.announced_at or moment)
    if not by_price:
        _check_weights(factors, weight, price_formula, announce_on)
    if rate is not None:
        _check_small_micro_rate(rate, announce_on)
    with transaction.atomic():
        procurement = lock(procurement)
        if Evaluation.objects.filter(procurement=procurement).exists():
            raise Conflict(Code.EVALUATION_EXISTS)
        evaluation = Evaluation.objects.create(
            procurement=procurement,
            draw=draw,
            by_price=by_price,
            formula=price_formula,
            price_weight=weight,
            small_micro_rate=rate,
            started_at=moment,
            started_by=actor,
        )
        CommitteeMember.objects.bulk_create(
            [
                CommitteeMember(evaluation=evaluation, draw_member=m, user=m.expert.user, name=m.expert.name)
                for m in accepted
            ]
        )
        Factor.objects.bulk_create(
            [
                Factor(
                    evaluation=evaluation, code=f.code.strip(), name=f.name.strip(), max_points=f.max_points
                )
                for f in factors
            ]
        )
        set_status(
            actor,
            procurement,
            ProcurementStatus.EVALUATING,
            Event.PROCUREMENT_EVALUATION_STARTED,
            extra={
                "draw": draw.pk if draw is not None else None,
                "members": [m.expert_id for m in accepted],
                "factors": [(f.code, f.max_points) for f in factors],
                "price_weight": weight,
                "by_price": by_price,
            },
        )
    return evaluation


def member_confirm_no_conflict(
    *, actor: Actor, evaluation: Evaluation, no_conflict: bool, reason: str = ""
) -> CommitteeMember:
    """A member confirms, having seen the bidder list, that no avoidance applies — or recuses.

    A recusal continues the committee's draw (`experts.services.draw_member_recuse`): the next
    expert of the same replayable order is invited and, once accepted, joins with
    `committee_substitute_join`.
    """
    member = _member_of(actor, evaluation)
    if not no_conflict and not reason.strip():
        raise ServiceError(Code.EVALUATION_REASON_REQUIRED, _("请说明回避原因"), field="reason")
    with transaction.atomic():
        member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        if member.state != MemberState.PENDING:
            raise Conflict(Code.EVALUATION_ALREADY_CONFIRMED)
        member.state = MemberState.CONFIRMED if no_conflict else MemberState.RECUSED
        member.conflict_confirmed_at = clock.now() if no_conflict else None
        member.recusal_reason = "" if no_conflict else reason.strip()
        member.save(update_fields=["state", "conflict_confirmed_at", "recusal_reason"])
        audit.record(
            actor=actor,
            action=Event.EVALUATION_MEMBER_CONFIRMED if no_conflict else Event.EVALUATION_MEMBER_RECUSED,
            obj=evaluation.procurement,
            old={"member": member.pk, "state": MemberState.PENDING},
            new={"member": member.pk, "state": member.state},
            reason=member.recusal_reason,
        )
        if not no_conflict:
            draw_member_recuse(actor=actor, member=member.draw_member, reason=member.recusal_reason)
    return member


def committee_substitute_join(*, actor: Actor, evaluation: Evaluation) -> list[CommitteeMember]:
    """Seat every accepted expert of the draw not yet on the committee (substitutes for recusals).

    Officials of the procurement, while the committee reviews. The newcomer confirms no conflict
    and scores like everyone else; the report waits for them.
    """
    require_official(actor, evaluation.procurement)
    _require_evaluation_status(evaluation, EvaluationStatus.REVIEWING)
    if evaluation.draw is None:
        raise Conflict(Code.EVALUATION_NO_COMMITTEE)
    with transaction.atomic():
        procurement = lock(evaluation.procurement)
        seated = set(evaluation.members.values_list("draw_member_id", flat=True))
        newcomers = [
            m
            for m in evaluation.draw.members.filter(status=MemberStatus.ACCEPTED)
            .select_related("expert__user")
            .order_by("order")
            if m.pk not in seated
        ]
        if not newcomers:
            raise Conflict(Code.EVALUATION_NO_SUBSTITUTE)
        if any(m.expert.user_id is None for m in newcomers):
            raise ServiceError(Code.EVALUATION_EXPERT_WITHOUT_ACCOUNT, field="draw")
        joined: list[CommitteeMember] = []
        for m in newcomers:
            user = m.expert.user
            assert user is not None  # checked above
            joined.append(
                CommitteeMember.objects.create(
                    evaluation=evaluation, draw_member=m, user=user, name=m.expert.name
                )
            )
        audit.record(
            actor=actor,
            action=Event.EVALUATION_SUBSTITUTE_JOINED,
            obj=procurement,
            new={"members": [j.pk for j in joined], "experts": [m.expert_id for m in newcomers]},
        )
    return joined
