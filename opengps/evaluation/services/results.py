"""The evaluation report: per-lot results, building it, the members' signatures, delivery.

Numbers are never computed here: `build_lot_results` calls `opengps.rules.scoring` on the raw
scores.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import is_authenticated
from opengps.core import audit, clock
from opengps.core.clock import local_date
from opengps.core.errors import Conflict
from opengps.evaluation.errors import Code
from opengps.evaluation.events import Event
from opengps.evaluation.models import (
    Award,
    CommitteeMember,
    Evaluation,
    EvaluationReport,
    EvaluationStatus,
    Factor,
    MemberState,
    Review,
    Score,
)
from opengps.evaluation.selectors import all_scores_in
from opengps.evaluation.services._common import (
    _confirmed_member,
    _deadline,
    _evaluation_move,
    _fail_procurement,
    _require_evaluation_status,
)
from opengps.evaluation.services.framework import _record_shortlists
from opengps.evaluation.services.scoring import qualified_readouts
from opengps.procurement.models import BidReadout, Lot, Procurement, ProcurementStatus
from opengps.procurement.policies import lock, require_official, rule_error, set_status
from opengps.rules import scoring
from opengps.rules.base import Ruled, RuleError
from opengps.rules.deadlines import award_confirmation_deadline, evaluation_report_deadline
from opengps.rules.procedures import Method

O74_41 = "政府采购非招标采购方式管理办法（财政部令第74号）第四十一条、第四十二条"
PREFERENCE_FLAGS = {
    "small_micro": "small_micro",
    "prison_enterprise": "prison_enterprise",
    "disability_welfare": "disability_welfare_unit",
    "social_organization": "social_organization",
}


def _preferences(codes: Sequence[str]) -> scoring.Preferences:
    flags = {PREFERENCE_FLAGS[c] for c in codes if c in PREFERENCE_FLAGS}
    return scoring.Preferences(
        small_micro="small_micro" in flags,
        prison_enterprise="prison_enterprise" in flags,
        disability_welfare_unit="disability_welfare_unit" in flags,
        social_organization="social_organization" in flags,
    )


@dataclass(frozen=True)
class _Sheet:
    """What every lot's result is computed from, read once for the whole evaluation."""

    evaluation: Evaluation
    members: list[CommitteeMember]
    """The confirmed members, whose scores count."""
    factors: list[Factor]
    raw: dict[tuple[int, int, str], Decimal]
    """(member pk, readout pk, factor code) → points."""
    on_date: date


def _scored_bids(
    sheet: _Sheet, bids: Sequence[BidReadout]
) -> tuple[list[dict[str, Any]], list[scoring.Candidate], dict[str, dict[str, Decimal]]]:
    """One lot's qualified bids: the report rows (not yet ranked), the candidates to rank, and
    each member's total per bidder (for the deviation check)."""
    evaluation = sheet.evaluation
    evaluated: dict[str, Ruled[Decimal]] = {}
    rate = evaluation.small_micro_rate
    for r in bids:
        evaluated[r.organization.uscc] = scoring.evaluated_price(
            r.price_total, _preferences(r.preferences), sheet.on_date, small_micro_rate=rate
        )
    price_points = (
        scoring.price_scores(
            {k: v.value for k, v in evaluated.items()},
            evaluation.price_weight,
            "C214" if evaluation.formula == "C214" else "O87",
            on_date=sheet.on_date,
        )
        if bids and not evaluation.by_price
        else {}
    )
    rows: list[dict[str, Any]] = []
    candidates: list[scoring.Candidate] = []
    member_totals: dict[str, dict[str, Decimal]] = {}
    for r in bids:
        uscc = r.organization.uscc
        total: Decimal | None = None
        per_member: dict[str, dict[str, Decimal]] = {}
        combined: Decimal | None = None
        if not evaluation.by_price:
            raw, factors = sheet.raw, sheet.factors
            per_member = {m.name: {f.code: raw[(m.pk, r.pk, f.code)] for f in factors} for m in sheet.members}
            combined = scoring.combine_member_scores(per_member).value
            total = combined + price_points[uscc].value
            for name, given in per_member.items():
                member_totals.setdefault(name, {})[uscc] = sum(given.values(), Decimal(0))
        others = [o.value for k, o in evaluated.items() if k != uscc]
        low = scoring.abnormally_low_price(evaluated[uscc].value, others)
        candidates.append(
            scoring.Candidate(
                uscc,
                evaluated[uscc].value,
                total_score=total,
                industry_association=r.organization.is_industry_association,
            )
        )
        rows.append(
            {
                "readout": r.pk,
                "supplier": r.organization.name,
                "uscc": uscc,
                "price_total": str(r.price_total),
                "evaluated_price": str(evaluated[uscc].value),
                "evaluated_price_note": evaluated[uscc].note,
                "price_score": str(price_points[uscc].value) if uscc in price_points else None,
                "member_scores": {n: {c: str(p) for c, p in g.items()} for n, g in per_member.items()},
                "factor_score": str(combined) if combined is not None else None,
                "total": str(total) if total is not None else None,
                "abnormally_low": low.message_zh if low else "",
            }
        )
    return rows, candidates, member_totals


def _ranked(
    evaluation: Evaluation,
    rows: list[dict[str, Any]],
    candidates: list[scoring.Candidate],
    *,
    negotiated: bool,
    seed: str,
) -> scoring.Ranking | None:
    """Rank the candidates and write each row's rank, sorting `rows` by it; single source
    (`negotiated`: one supplier, price agreed) has no ranking."""
    method = Method(evaluation.procurement.method)
    ranking = (
        scoring.rank(candidates, method=method, lowest_price=evaluation.by_price, seed=seed)
        if candidates and not negotiated
        else None
    )
    positions = {e.candidate.bidder: (e.position, e.decided_by) for e in (ranking.ranked if ranking else ())}
    if negotiated:
        positions = {c.bidder: (n, "negotiated") for n, c in enumerate(candidates, start=1)}
    for row in rows:
        row["rank"], row["decided_by"] = positions[row["uscc"]]
    rows.sort(key=lambda row: row["rank"])
    return ranking


def _rejected(
    lot: Lot, readouts: Iterable[BidReadout], bids: Sequence[BidReadout], reviews: Sequence[Review]
) -> list[dict[str, Any]]:
    """The lot's bids that did not reach scoring, with the failed requirements (or why the bid was
    invalid at the opening)."""
    return [
        {
            "supplier": r.organization.name,
            "uscc": r.organization.uscc,
            "reasons": [
                f"{rv.get_kind_display()}：{rv.requirement}（{rv.reason}）"
                for rv in reviews
                if rv.readout_id == r.pk and not rv.passed
            ]
            or [r.invalid_reason],
        }
        for r in readouts
        if r.lot_id == lot.pk and r.pk not in {b.pk for b in bids}
    ]


def build_lot_results(evaluation: Evaluation, *, on_date: date, seed: str) -> list[dict[str, Any]]:
    """The per-lot report content: every bid's review, evaluated price, scores, total and rank."""
    procurement = evaluation.procurement
    negotiated = Method(procurement.method) is Method.single_source
    sheet = _Sheet(
        evaluation=evaluation,
        members=[m for m in evaluation.members.all() if m.state == MemberState.CONFIRMED],
        factors=list(evaluation.factors.all()),
        raw={
            (s.member_id, s.readout_id, s.factor.code): s.points
            for s in Score.objects.filter(member__evaluation=evaluation).select_related("factor")
        },
        on_date=on_date,
    )
    qualified = qualified_readouts(evaluation)
    reviews = list(Review.objects.filter(evaluation=evaluation).order_by("readout_id", "kind", "requirement"))
    all_valid = BidReadout.objects.filter(opening__procurement=procurement).select_related(
        "organization", "lot"
    )
    lots: list[dict[str, Any]] = []
    for lot in Lot.objects.filter(procurement=procurement).order_by("number"):
        bids = [r for r in qualified if r.lot_id == lot.pk]
        rows, candidates, member_totals = _scored_bids(sheet, bids)
        ranking = _ranked(evaluation, rows, candidates, negotiated=negotiated, seed=seed)
        deviations = (
            scoring.deviating_members({name: dict(totals) for name, totals in member_totals.items()})
            if member_totals
            else ()
        )
        lots.append(
            {
                "lot": lot.number,
                "lot_id": lot.pk,
                "title": lot.title,
                "basis": ranking.basis if ranking else ("negotiated" if negotiated and rows else ""),
                "citation": ranking.citation if ranking else (O74_41 if negotiated and rows else ""),
                "bids": rows,
                "rejected": _rejected(lot, all_valid, bids, reviews),
                "draws": [
                    {"tied": list(d.tied), "order": list(d.order), "seed": d.seed} for d in ranking.draws
                ]
                if ranking
                else [],
                "deviations": [d.reason.message_zh for d in deviations],
                "failed": not rows,
            }
        )
    return lots


def evaluation_report_build(
    *, actor: Actor, evaluation: Evaluation, now: datetime | None = None
) -> EvaluationReport:
    """Compute the report once every member has submitted (a member or an official triggers it).

    Every bid disqualified → the evaluation and the procurement fail (O87 §65).
    """
    if not (is_authenticated(actor) and actor.role == Role.EXPERT):
        require_official(actor, evaluation.procurement)
    else:
        _confirmed_member(actor, evaluation)
    _require_evaluation_status(evaluation, EvaluationStatus.REVIEWING)
    if not all_scores_in(evaluation) and not evaluation.by_price:
        raise Conflict(Code.EVALUATION_SCORES_PENDING)
    if evaluation.by_price and evaluation.members.filter(state=MemberState.PENDING).exists():
        raise Conflict(Code.EVALUATION_SCORES_PENDING, _("尚有评委未确认回避情况"))
    moment = now or clock.now()
    today = local_date(moment)
    procurement = evaluation.procurement
    on_date = local_date(procurement.announced_at or moment)
    draw_seed = evaluation.draw.seed if evaluation.draw is not None else ""
    seed = hashlib.sha256(f"{draw_seed}\n{procurement.reference}".encode()).hexdigest()
    try:
        lots = build_lot_results(evaluation, on_date=on_date, seed=seed)
    except RuleError as exc:
        raise rule_error(exc) from None
    due = _deadline(evaluation_report_deadline, today)
    with transaction.atomic():
        procurement = lock(procurement)
        report = EvaluationReport.objects.create(
            evaluation=evaluation,
            built_at=moment,
            scoring_ended_on=today,
            due_on=due.value,
            due_citation=due.citation,
            seed=seed,
            lots=lots,
        )
        failed = all(lot["failed"] for lot in lots)
        _evaluation_move(evaluation, EvaluationStatus.FAILED if failed else EvaluationStatus.REPORTED)
        audit.record(
            actor=actor,
            action=Event.EVALUATION_REPORT_BUILT,
            obj=procurement,
            new={
                "lots": [
                    (lot["lot"], [(b["uscc"], b["total"], b["rank"]) for b in lot["bids"]]) for lot in lots
                ],
                "due_on": due.value,
            },
            reason=due.citation,
        )
        if failed:
            _fail_procurement(
                actor,
                procurement,
                reason=str(_("全部投标未通过资格审查或符合性审查")),
                cause="all_disqualified",
            )
        elif evaluation.draw_id is None:
            # No committee to sign it (single source, O74 §41-42): the purchaser's record of the
            # negotiation is the report, delivered as it is made.
            _deliver(actor, evaluation, report, procurement, moment)
    return report


def _deliver(
    actor: Actor, evaluation: Evaluation, report: EvaluationReport, procurement: Procurement, moment: datetime
) -> None:
    """The report reaches the purchaser: awards open with their confirmation deadline (O87 §68)."""
    today = local_date(moment)
    report.delivered_on = today
    report.save(update_fields=["delivered_on"])
    _evaluation_move(evaluation, EvaluationStatus.CONFIRMED)
    if procurement.method == Method.framework_agreement:
        _record_shortlists(actor, evaluation, report, procurement, moment)
        return
    confirm = _deadline(award_confirmation_deadline, today)
    readouts = {r.pk: r for r in BidReadout.objects.filter(opening__procurement=procurement)}
    Award.objects.bulk_create(
        [
            Award(
                evaluation=evaluation,
                lot_id=lot["lot_id"],
                first_candidate=readouts[lot["bids"][0]["readout"]],
                report_on=today,
                confirm_due=confirm.value,
                confirm_citation=confirm.citation,
            )
            for lot in report.lots
            if lot["bids"]
        ]
    )
    set_status(
        actor,
        procurement,
        ProcurementStatus.EVALUATED,
        Event.PROCUREMENT_EVALUATED,
        extra={"delivered_on": today, "late": today > report.due_on, "confirm_due": confirm.value},
        reason=confirm.citation,
    )


def evaluation_report_confirm(
    *, actor: Actor, evaluation: Evaluation, now: datetime | None = None
) -> EvaluationReport:
    """A member confirms (signs) the report; with the last one it goes to the purchaser."""
    member = _confirmed_member(actor, evaluation)
    _require_evaluation_status(evaluation, EvaluationStatus.REPORTED)
    moment = now or clock.now()
    with transaction.atomic():
        procurement = lock(evaluation.procurement)
        member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        if member.report_confirmed_at is not None:
            raise Conflict(Code.EVALUATION_REPORT_ALREADY_CONFIRMED)
        member.report_confirmed_at = moment
        member.save(update_fields=["report_confirmed_at"])
        audit.record(
            actor=actor, action=Event.EVALUATION_REPORT_SIGNED, obj=procurement, new={"member": member.pk}
        )
        report = EvaluationReport.objects.select_for_update().get(evaluation=evaluation)
        if not evaluation.members.filter(
            state=MemberState.CONFIRMED, report_confirmed_at__isnull=True
        ).exists():
            _deliver(actor, evaluation, report, procurement, moment)
    return report
