"""Evaluation demo: the procurement demo's opened procurements evaluated, awarded and announced.

Runs after the procurement demo (`opengps.procurement.demo`), whose `SPECS` say how far each
procurement gets: "awarded" ones get a committee drawn from the expert database (one expert
declines and is replaced in the open tender), qualification reviews, scores, a confirmed report
and announced awards; "evaluating" ones stop after the reviews. Single source needs no committee.
Evaluation and award run on today's date.

Each lot's intended winner is the one the procurement demo had bid lowest there, the next one
next (`_Loader.run_to_deadline`): the committee scores in that order, so the award goes to it under
every formula.

Loading twice changes nothing: a procurement already under evaluation is passed over.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from opengps.accounts.demo import demo_account
from opengps.accounts.models import Role, User
from opengps.evaluation import services as evaluation_services
from opengps.evaluation.models import Award, Evaluation
from opengps.experts.facts import bidders_from_organizations
from opengps.experts.models import Draw, Expert, MemberStatus
from opengps.experts.services import draw_create, draw_member_respond, expert_update
from opengps.procurement.demo import MARK_LINE, MARK_LINE_CS, SPECS, STAFF, Spec, official_of
from opengps.procurement.models import BidReadout, Procurement, ProcurementStatus

FACTORS = [
    evaluation_services.FactorInput("plan", "服务方案", Decimal("40")),
    evaluation_services.FactorInput("team", "人员配备与专业能力", Decimal("20")),
    evaluation_services.FactorInput("record", "同类项目业绩", Decimal("10")),
]
PRICE_WEIGHT = Decimal("0.30")
OTHER_PLACE = 3
"""The place scored for a bidder the demo meant to win nothing (the invited tender's bidders)."""


def _expert_account(users: dict[str, User], expert: Expert) -> None:
    if expert.user_id is not None:
        return
    user = demo_account(f"expert_{expert.pk:03d}", Role.EXPERT, f"{expert.name}（评审专家）")
    expert_update(actor=users["finance"], expert=expert, user=user)


def _committee(users: dict[str, User], spec: Spec, procurement: Procurement) -> Draw | None:
    """The committee drawn for `procurement`; in the open tender one expert declines first."""
    if spec.method == "single_source":
        return None
    official = official_of(users, spec)
    decline_one = spec.method == "open_tender"
    orgs = [
        r.organization
        for r in BidReadout.objects.filter(opening__procurement=procurement).select_related("organization")
    ]
    unique = list({o.pk: o for o in orgs}.values())
    needed = 5 if spec.method in ("open_tender", "invited_tender") else 3
    draw = draw_create(
        actor=official,
        procurement_ref=procurement.reference,
        title=procurement.title,
        purchaser_unit=procurement.purchaser,
        category=spec.category,
        method=spec.method,
        budget=procurement.budget,
        needed=needed,
        bidders=bidders_from_organizations(unique),
    )
    members = list(draw.members.order_by("order"))
    for n, member in enumerate(members):
        if decline_one and n == 1:
            # only the expert (or the agency that drew) may decline: the expert answers
            _expert_account(users, member.expert)
            member.expert.refresh_from_db()
            expert_user = member.expert.user
            if expert_user is None:  # _expert_account has just given the expert an account
                raise RuntimeError(f"expert {member.expert.pk} has no account")
            _member, substitute = draw_member_respond(
                actor=expert_user, member=member, accept=False, reason="评审当日另有公务安排"
            )
            if substitute is not None:
                members.append(substitute)
            continue
        draw_member_respond(actor=official, member=member, accept=True, no_conflict_confirmed=True)
    for member in draw.members.filter(status=MemberStatus.ACCEPTED).select_related("expert"):
        _expert_account(users, member.expert)
    return draw


def _places(bids: list[BidReadout]) -> dict[int, int]:
    """Each bid's place on its lot, cheapest first: the order the procurement demo meant."""
    places: dict[int, int] = {}
    for lot_id in {bid.lot_id for bid in bids}:
        on_lot = sorted((bid for bid in bids if bid.lot_id == lot_id), key=lambda bid: bid.price_total)
        places.update({bid.pk: place for place, bid in enumerate(on_lot)})
    return places


def _score(spec: Spec, evaluation: Evaluation, members: list[Any], bids: list[BidReadout]) -> None:
    places = _places(bids) if spec.bidders else {}
    for m, member in enumerate(members):
        scores = {}
        for bid in bids:
            place = places.get(bid.pk, OTHER_PLACE)
            scores[bid.pk] = {
                "plan": str(Decimal(37) - 4 * place - (m % 2)),
                "team": str(Decimal(18) - 2 * place - Decimal("0.5") * (m % 3)),
                "record": str(Decimal(9) - place),
            }
        evaluation_services.scores_submit(actor=member.user, evaluation=evaluation, scores=scores)


def _evaluate(users: dict[str, User], spec: Spec, procurement: Procurement, *, finish: bool) -> Evaluation:
    official = official_of(users, spec)
    draw = _committee(users, spec, procurement)
    comprehensive = spec.method in ("open_tender", "invited_tender", "competitive_consultation")
    evaluation = evaluation_services.evaluation_start(
        actor=official,
        procurement=procurement,
        draw=draw,
        factors=FACTORS if comprehensive else (),
        price_weight=PRICE_WEIGHT if comprehensive else Decimal(0),
        formula="C214" if spec.method == "competitive_consultation" else "O87",
    )
    members = list(evaluation.members.select_related("user").order_by("pk"))
    for member in members:
        evaluation_services.member_confirm_no_conflict(
            actor=member.user, evaluation=evaluation, no_conflict=True
        )
    bids = evaluation_services.qualified_readouts(evaluation)
    if members:
        for bid in bids:
            evaluation_services.review_record(
                actor=members[0].user,
                evaluation=evaluation,
                readout=bid,
                kind="qualification",
                requirement="具有独立承担民事责任的能力",
                passed=True,
            )
    if not finish:
        return evaluation
    if comprehensive:
        _score(spec, evaluation, members, bids)
    builder = members[0].user if members else official
    evaluation_services.evaluation_report_build(actor=builder, evaluation=evaluation)
    for member in members:
        evaluation_services.evaluation_report_confirm(actor=member.user, evaluation=evaluation)
    purchaser = users[STAFF[spec.unit]]
    for award in Award.objects.filter(evaluation=evaluation).order_by("lot__number"):
        evaluation_services.award_confirm(actor=purchaser, award=award)
    evaluation_services.award_announce(actor=purchaser, procurement=procurement)
    evaluation.refresh_from_db()
    return evaluation


def _opened(spec: Spec) -> Procurement | None:
    """The procurement demo's opened procurement of `spec`, unless it is already being evaluated."""
    return (
        Procurement.objects.filter(
            title=spec.title,
            plan__budget_line__code__in=(MARK_LINE, MARK_LINE_CS),
            status=ProcurementStatus.OPENED,
            evaluation__isnull=True,
        )
        .order_by("pk")
        .first()
    )


def _count(context: Any) -> None:
    awards = Award.objects.filter(winner__isnull=False, announced_at__isnull=False)
    context.counts["awarded_lots"] = awards.count()


def load(context: Any) -> None:
    """Evaluate and award the procurement demo's opened procurements (idempotent)."""
    users = context.users
    needed = ("finance", "agency", *STAFF.values())
    if any(k not in users for k in needed):
        _count(context)
        return
    with transaction.atomic():
        for spec in SPECS:
            if spec.stage not in ("awarded", "evaluating"):
                continue
            procurement = _opened(spec)
            if procurement is not None:
                _evaluate(users, spec, procurement, finish=spec.stage == "awarded")
    _count(context)
