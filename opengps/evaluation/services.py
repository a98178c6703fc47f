"""Writes of an evaluation and award: committee, reviews, scores, report, confirmation, announcement.

Each service checks its actor, runs in one transaction and writes an audit event. Numbers are
never computed here: `build_lot_results` calls `opengps.rules.scoring` on the raw scores.
A member's scores are audited only by digest, so the audit trail does not reveal them to anyone
before every member has submitted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Role
from opengps.accounts.permissions import is_authenticated, require_role
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.evaluation.models import (
    Award,
    CommitteeMember,
    DepositReturn,
    Evaluation,
    EvaluationReport,
    EvaluationStatus,
    Factor,
    FrameworkCallOff,
    FrameworkMember,
    FrameworkShortlist,
    MemberState,
    Review,
    ReviewKind,
    Score,
)
from opengps.experts.models import Draw, MemberStatus
from opengps.experts.services import draw_member_recuse
from opengps.procurement import services as procurement_services
from opengps.procurement.models import BidReadout, Lot, Notification, Procurement, ProcurementStatus
from opengps.procurement.services import _lock, _rule_error, _set_status, local_date, require_official
from opengps.rules import framework as framework_rules
from opengps.rules import scoring
from opengps.rules.base import Ruled, RuleError
from opengps.rules.deadlines import (
    award_announcement_deadline,
    award_confirmation_deadline,
    call_off_publication_deadline,
    evaluation_report_deadline,
)
from opengps.rules.deposits import loser_deposit_return_deadline, winner_deposit_return_deadline
from opengps.rules.procedures import Method
from opengps.rules.procurement_flow import AwardBasis, procedure_for

HUNDRED = Decimal(100)
O74_41 = "政府采购非招标采购方式管理办法（财政部令第74号）第四十一条、第四十二条"
PREFERENCE_FLAGS = {
    "small_micro": "small_micro",
    "prison_enterprise": "prison_enterprise",
    "disability_welfare": "disability_welfare_unit",
    "social_organization": "social_organization",
}


@dataclass(frozen=True)
class FactorInput:
    code: str
    name: str
    max_points: Decimal


def _today(now: datetime | None) -> date:
    return local_date(now or clock.now())


def _deadline(rule: Callable[[date], Ruled[date]], day: date) -> Ruled[date]:
    """A statutory deadline; a year without holiday data is a refusal, not a crash."""
    try:
        return rule(day)
    except RuleError as exc:
        raise _rule_error(exc) from None


def _decimal(value: Any, *, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError("evaluation.number_invalid", _("数值格式无效"), field=field) from None
    if not number.is_finite():
        raise ServiceError("evaluation.number_invalid", _("数值格式无效"), field=field)
    return number


def _member_of(actor: Any, evaluation: Evaluation) -> CommitteeMember:
    require_role(actor, Role.EXPERT)
    member = CommitteeMember.objects.filter(evaluation=evaluation, user=actor).first()
    if member is None:
        raise PermissionDenied("evaluation.not_member", _("您不是该项目评审委员会成员"))
    return member


def _confirmed_member(actor: Any, evaluation: Evaluation) -> CommitteeMember:
    member = _member_of(actor, evaluation)
    if member.state != MemberState.CONFIRMED:
        raise PermissionDenied(
            "evaluation.conflict_not_confirmed", _("须先确认与投标人不存在回避情形，才能查看投标文件和评分")
        )
    return member


def _require_evaluation_status(evaluation: Evaluation, *statuses: str) -> None:
    if evaluation.status not in statuses:
        raise Conflict(
            "evaluation.wrong_status",
            _("评审当前状态（%(status)s）不能执行此操作") % {"status": evaluation.get_status_display()},
            params={"status": evaluation.status},
        )


def evaluation_start(
    *,
    actor: Any,
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
    procedure = procedure_for(procurement.method)
    if (
        procurement.method == Method.framework_agreement
        and procurement_services.framework_terms(procurement)["first_stage"] != "price_first"
    ):
        raise ServiceError(
            "evaluation.framework_quality_first_unsupported",
            _("本平台暂只支持价格优先法确定框架协议入围供应商"),
            field="method",
        )
    if procedure.award_basis in (AwardBasis.lowest_price, AwardBasis.framework_price_first):
        by_price = True
    elif procedure.award_basis is AwardBasis.comprehensive:
        by_price = False
    elif procedure.award_basis is AwardBasis.negotiated_price:
        by_price = True
    weight = _decimal(price_weight, field="price_weight") if not by_price else Decimal(0)
    rate = (
        _decimal(small_micro_rate, field="small_micro_rate") if small_micro_rate not in (None, "") else None
    )
    committee_less = procedure.award_basis is AwardBasis.negotiated_price
    if draw is None and not committee_less:
        raise ServiceError("evaluation.draw_required", _("请选择专家抽取（评审委员会）"), field="draw")
    if draw is not None and (
        draw.procurement_ref != procurement.reference or draw.purchaser_unit_id != procurement.purchaser_id
    ):
        raise ServiceError("evaluation.draw_mismatch", _("该专家抽取不属于本采购项目"), field="draw")
    accepted = (
        list(draw.members.filter(status=MemberStatus.ACCEPTED).select_related("expert__user"))
        if draw is not None
        else []
    )
    if draw is not None and len(accepted) < draw.needed:
        raise ServiceError(
            "evaluation.committee_incomplete",
            _("确认参加的专家 %(have)d 名，少于抽取人数 %(need)d 名")
            % {"have": len(accepted), "need": draw.needed},
            field="draw",
        )
    if any(m.expert.user_id is None for m in accepted):
        raise ServiceError("evaluation.expert_without_account", _("评审专家须有平台账户"), field="draw")
    announce_on = local_date(procurement.announced_at or moment)
    codes = [f.code.strip() for f in factors]
    if not by_price:
        if not factors or len(set(codes)) != len(codes) or any(not c for c in codes):
            raise ServiceError(
                "evaluation.factors_invalid", _("请定义评审因素（代码不得重复）"), field="factors"
            )
        if any(f.max_points <= 0 for f in factors):
            raise ServiceError("evaluation.factors_invalid", _("评审因素分值应大于零"), field="factors")
        total = sum((f.max_points for f in factors), Decimal(0)) + weight * HUNDRED
        if total != HUNDRED:
            raise ServiceError(
                "evaluation.weights_not_100",
                _("评审因素分值与价格分合计应为100分（现为 %(total)s）") % {"total": total},
                field="factors",
            )
        try:
            scoring.price_scores(
                {"check": Decimal(1)}, weight, "C214" if formula == "C214" else "O87", on_date=announce_on
            )
        except RuleError as exc:
            raise _rule_error(exc, field="price_weight") from None
    if rate is not None:
        try:
            scoring.evaluated_price(
                Decimal(100), scoring.Preferences(small_micro=True), announce_on, small_micro_rate=rate
            )
        except RuleError as exc:
            raise _rule_error(exc, field="small_micro_rate") from None
    with transaction.atomic():
        procurement = _lock(procurement)
        if Evaluation.objects.filter(procurement=procurement).exists():
            raise Conflict("evaluation.exists", _("该项目已开始评审"))
        evaluation = Evaluation.objects.create(
            procurement=procurement,
            draw=draw,
            by_price=by_price,
            formula="C214" if formula == "C214" else "O87",
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
        _set_status(
            actor,
            procurement,
            ProcurementStatus.EVALUATING,
            "procurement.evaluation_started",
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
    *, actor: Any, evaluation: Evaluation, no_conflict: bool, reason: str = ""
) -> CommitteeMember:
    """A member confirms, having seen the bidder list, that no avoidance applies — or recuses.

    A recusal continues the committee's draw (`experts.services.draw_member_recuse`): the next
    expert of the same replayable order is invited and, once accepted, joins with
    `committee_substitute_join`.
    """
    member = _member_of(actor, evaluation)
    if not no_conflict and not reason.strip():
        raise ServiceError("evaluation.reason_required", _("请说明回避原因"), field="reason")
    with transaction.atomic():
        member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        if member.state != MemberState.PENDING:
            raise Conflict("evaluation.already_confirmed", _("您已确认过回避情况"))
        member.state = MemberState.CONFIRMED if no_conflict else MemberState.RECUSED
        member.conflict_confirmed_at = clock.now() if no_conflict else None
        member.recusal_reason = "" if no_conflict else reason.strip()
        member.save(update_fields=["state", "conflict_confirmed_at", "recusal_reason"])
        audit.record(
            actor=actor,
            action="evaluation.member_confirmed" if no_conflict else "evaluation.member_recused",
            obj=evaluation.procurement,
            old={"member": member.pk, "state": MemberState.PENDING},
            new={"member": member.pk, "state": member.state},
            reason=member.recusal_reason,
        )
        if not no_conflict:
            draw_member_recuse(actor=actor, member=member.draw_member, reason=member.recusal_reason)
    return member


def committee_substitute_join(*, actor: Any, evaluation: Evaluation) -> list[CommitteeMember]:
    """Seat every accepted expert of the draw not yet on the committee (substitutes for recusals).

    Officials of the procurement, while the committee reviews. The newcomer confirms no conflict
    and scores like everyone else; the report waits for them.
    """
    require_official(actor, evaluation.procurement)
    _require_evaluation_status(evaluation, EvaluationStatus.REVIEWING)
    if evaluation.draw is None:
        raise Conflict("evaluation.no_committee", _("本项目无评审委员会"))
    with transaction.atomic():
        procurement = _lock(evaluation.procurement)
        seated = set(evaluation.members.values_list("draw_member_id", flat=True))
        newcomers = [
            m
            for m in evaluation.draw.members.filter(status=MemberStatus.ACCEPTED)
            .select_related("expert__user")
            .order_by("order")
            if m.pk not in seated
        ]
        if not newcomers:
            raise Conflict("evaluation.no_substitute", _("没有已确认参加、尚未入席的替补专家"))
        if any(m.expert.user_id is None for m in newcomers):
            raise ServiceError("evaluation.expert_without_account", _("评审专家须有平台账户"), field="draw")
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
            action="evaluation.substitute_joined",
            obj=procurement,
            new={"members": [j.pk for j in joined], "experts": [m.expert_id for m in newcomers]},
        )
    return joined


def _readout_of(evaluation: Evaluation, readout: BidReadout) -> BidReadout:
    if readout.opening.procurement_id != evaluation.procurement_id or not readout.valid:
        raise ServiceError("evaluation.bid_not_found", _("该投标不属于本项目或开标时已无效"), field="readout")
    return readout


def review_record(
    *,
    actor: Any,
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
        raise ServiceError("evaluation.review_kind_invalid", _("审查类型无效"), field="kind")
    requirement = requirement.strip()
    if not requirement or len(requirement) > 200:
        raise ServiceError("evaluation.requirement_required", _("请填写审查要求"), field="requirement")
    if not passed and not reason.strip():
        raise ServiceError("evaluation.reason_required", _("不通过的须说明理由"), field="reason")
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
            action="evaluation.review_recorded",
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
    *, actor: Any, evaluation: Evaluation, scores: Mapping[int, Mapping[str, Decimal | str]]
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
            "evaluation.scores_incomplete",
            _("须对每一个通过审查的投标评分"),
            field="scores",
            params={"expected": sorted(bids)},
        )
    rows: list[Score] = []
    for readout_id, by_factor in scores.items():
        if set(by_factor) != set(factors):
            raise ServiceError("evaluation.scores_incomplete", _("须对每一个评审因素评分"), field="scores")
        for code, raw in by_factor.items():
            points = _decimal(raw, field=f"scores.{readout_id}.{code}")
            if points < 0 or points > factors[code].max_points or points != points.quantize(Decimal("0.01")):
                raise ServiceError(
                    "evaluation.score_out_of_range",
                    _("“%(factor)s”的得分应在 0 至 %(max)s 之间（最多两位小数）")
                    % {"factor": factors[code].name, "max": factors[code].max_points},
                    field=f"scores.{readout_id}.{code}",
                )
            rows.append(Score(member=member, readout_id=readout_id, factor=factors[code], points=points))
    with transaction.atomic():
        member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        if member.scores_submitted_at is not None:
            raise Conflict("evaluation.scores_already_submitted", _("评分已提交，不能修改"))
        Score.objects.bulk_create(rows)
        member.scores_submitted_at = clock.now()
        member.save(update_fields=["scores_submitted_at"])
        canonical = json.dumps(
            sorted((r.readout_id, r.factor.code, str(r.points)) for r in rows), separators=(",", ":")
        )
        audit.record(
            actor=actor,
            action="evaluation.scores_submitted",
            obj=evaluation.procurement,
            new={
                "member": member.pk,
                "count": len(rows),
                "sha256": hashlib.sha256(canonical.encode()).hexdigest(),
            },
        )
    return member


def all_scores_in(evaluation: Evaluation) -> bool:
    """Whether every confirmed member has submitted (and none is still pending)."""
    states = list(evaluation.members.values_list("state", "scores_submitted_at"))
    active = [s for s in states if s[0] != MemberState.RECUSED]
    return bool(active) and all(s[0] == MemberState.CONFIRMED and s[1] is not None for s in active)


def _preferences(codes: Sequence[str]) -> scoring.Preferences:
    flags = {PREFERENCE_FLAGS[c] for c in codes if c in PREFERENCE_FLAGS}
    return scoring.Preferences(
        small_micro="small_micro" in flags,
        prison_enterprise="prison_enterprise" in flags,
        disability_welfare_unit="disability_welfare_unit" in flags,
        social_organization="social_organization" in flags,
    )


def build_lot_results(evaluation: Evaluation, *, on_date: date, seed: str) -> list[dict[str, Any]]:
    """The per-lot report content: every bid's review, evaluated price, scores, total and rank."""
    procurement = evaluation.procurement
    method = Method(procurement.method)
    members = [m for m in evaluation.members.all() if m.state == MemberState.CONFIRMED]
    factors = list(evaluation.factors.all())
    qualified = qualified_readouts(evaluation)
    reviews = list(Review.objects.filter(evaluation=evaluation).order_by("readout_id", "kind", "requirement"))
    raw: dict[tuple[int, int, str], Decimal] = {
        (s.member_id, s.readout_id, s.factor.code): s.points
        for s in Score.objects.filter(member__evaluation=evaluation).select_related("factor")
    }
    all_valid = BidReadout.objects.filter(opening__procurement=procurement).select_related(
        "organization", "lot"
    )
    rate = evaluation.small_micro_rate
    lots: list[dict[str, Any]] = []
    for lot in Lot.objects.filter(procurement=procurement).order_by("number"):
        bids = [r for r in qualified if r.lot_id == lot.pk]
        evaluated: dict[str, Ruled[Decimal]] = {}
        for r in bids:
            evaluated[r.organization.uscc] = scoring.evaluated_price(
                r.price_total, _preferences(r.preferences), on_date, small_micro_rate=rate
            )
        price_points = (
            scoring.price_scores(
                {k: v.value for k, v in evaluated.items()},
                evaluation.price_weight,
                "C214" if evaluation.formula == "C214" else "O87",
                on_date=on_date,
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
                per_member = {m.name: {f.code: raw[(m.pk, r.pk, f.code)] for f in factors} for m in members}
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
        negotiated = method is Method.single_source  # one supplier, price agreed: no ranking
        ranking = (
            scoring.rank(candidates, method=method, lowest_price=evaluation.by_price, seed=seed)
            if candidates and not negotiated
            else None
        )
        positions = {
            e.candidate.bidder: (e.position, e.decided_by) for e in (ranking.ranked if ranking else ())
        }
        if negotiated:
            positions = {c.bidder: (n, "negotiated") for n, c in enumerate(candidates, start=1)}
        for row in rows:
            row["rank"], row["decided_by"] = positions[row["uscc"]]
        rows.sort(key=lambda row: row["rank"])
        deviations = (
            scoring.deviating_members({name: dict(totals) for name, totals in member_totals.items()})
            if member_totals
            else ()
        )
        rejected = [
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
            for r in all_valid
            if r.lot_id == lot.pk and r.pk not in {b.pk for b in bids}
        ]
        lots.append(
            {
                "lot": lot.number,
                "lot_id": lot.pk,
                "title": lot.title,
                "basis": ranking.basis if ranking else ("negotiated" if negotiated and rows else ""),
                "citation": ranking.citation if ranking else (O74_41 if negotiated and rows else ""),
                "bids": rows,
                "rejected": rejected,
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
    *, actor: Any, evaluation: Evaluation, now: datetime | None = None
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
        raise Conflict("evaluation.scores_pending", _("尚有评委未提交评分"))
    if evaluation.by_price and evaluation.members.filter(state=MemberState.PENDING).exists():
        raise Conflict("evaluation.scores_pending", _("尚有评委未确认回避情况"))
    moment = now or clock.now()
    today = local_date(moment)
    procurement = evaluation.procurement
    on_date = local_date(procurement.announced_at or moment)
    draw_seed = evaluation.draw.seed if evaluation.draw is not None else ""
    seed = hashlib.sha256(f"{draw_seed}\n{procurement.reference}".encode()).hexdigest()
    try:
        lots = build_lot_results(evaluation, on_date=on_date, seed=seed)
    except RuleError as exc:
        raise _rule_error(exc) from None
    due = _deadline(evaluation_report_deadline, today)
    with transaction.atomic():
        procurement = _lock(procurement)
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
        evaluation.status = EvaluationStatus.FAILED if failed else EvaluationStatus.REPORTED
        evaluation.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="evaluation.report_built",
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
            procurement.outcome_reason = str(_("全部投标未通过资格审查或符合性审查"))
            _set_status(
                actor,
                procurement,
                ProcurementStatus.FAILED,
                "procurement.failed",
                reason=procurement.outcome_reason,
                extra={"cause": "all_disqualified", "next_steps": ["retender", "change_method"]},
                update=["outcome_reason"],
            )
            procurement.next_steps = ["retender", "change_method"]
            procurement.save(update_fields=["next_steps"])
        elif evaluation.draw_id is None:
            # No committee to sign it (single source, O74 §41-42): the purchaser's record of the
            # negotiation is the report, delivered as it is made.
            _deliver(actor, evaluation, report, procurement, moment)
    return report


def _deliver(
    actor: Any, evaluation: Evaluation, report: EvaluationReport, procurement: Procurement, moment: datetime
) -> None:
    """The report reaches the purchaser: awards open with their confirmation deadline (O87 §68)."""
    today = local_date(moment)
    report.delivered_on = today
    report.save(update_fields=["delivered_on"])
    evaluation.status = EvaluationStatus.CONFIRMED
    evaluation.save(update_fields=["status"])
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
    _set_status(
        actor,
        procurement,
        ProcurementStatus.EVALUATED,
        "procurement.evaluated",
        extra={"delivered_on": today, "late": today > report.due_on, "confirm_due": confirm.value},
        reason=confirm.citation,
    )


def _record_shortlists(
    actor: Any, evaluation: Evaluation, report: EvaluationReport, procurement: Procurement, moment: datetime
) -> None:
    """Framework agreement: the report decides the shortlist of each lot (O110 §25, §27).

    The responsive bids keep the report's ranking; `rules.framework.shortlist` applies the
    documents' elimination rate or cap. A lot with fewer than 2 responsive suppliers has no
    shortlist; when no lot has one, the procurement fails (O110 §27).
    """
    terms = procurement_services.framework_terms(procurement)
    method = framework_rules.FirstStageMethod(terms["first_stage"])
    rate = Fraction(str(terms["elimination_rate"]))
    on_date = local_date(procurement.announced_at or moment)
    readouts = {
        r.pk: r
        for r in BidReadout.objects.filter(opening__procurement=procurement).select_related("organization")
    }
    recorded: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for lot in report.lots:
        rows = lot["bids"]
        submitted = sum(1 for r in readouts.values() if r.lot_id == lot["lot_id"])
        bids = [
            framework_rules.FirstStageBid(
                str(row["readout"]),
                Decimal(row["evaluated_price"]),
                Decimal(row["factor_score"]) if row.get("factor_score") else None,
            )
            for row in rows
        ]
        try:
            ruled = framework_rules.shortlist(
                bids,
                submitted=submitted,
                on_date=on_date,
                method=method,
                elimination_rate=rate,
                max_members=terms["max_members"],
                quality_instruments=bool(terms["quality_instruments"]),
            )
        except RuleError as exc:
            failed.append({"lot": lot["lot"], "code": exc.code, "reason": exc.message_zh})
            continue
        result = ruled.value
        shortlist = FrameworkShortlist.objects.create(
            evaluation=evaluation,
            lot_id=lot["lot_id"],
            first_stage=method.value,
            second_stage=terms["second_stage"],
            elimination_rate=str(result.rate),
            max_members=terms["max_members"],
            responsive=len(bids),
            eliminated=[readouts[int(ref)].organization.uscc for ref in result.eliminated],
            cut_value=result.cut_value,
            citation=ruled.citation,
            recorded_at=moment,
        )
        FrameworkMember.objects.bulk_create(
            [
                FrameworkMember(
                    shortlist=shortlist,
                    readout=readouts[int(ref)],
                    organization=readouts[int(ref)].organization,
                    rank=position,
                    price=readouts[int(ref)].price_total,
                )
                for position, ref in enumerate(result.members, start=1)
            ]
        )
        recorded.append(
            {
                "lot": lot["lot"],
                "members": [readouts[int(ref)].organization.uscc for ref in result.members],
                "eliminated": shortlist.eliminated,
                "rate": str(result.rate),
                "cut_value": result.cut_value,
                "note": ruled.note,
            }
        )
    audit.record(
        actor=actor,
        action="framework.shortlist_recorded",
        obj=procurement,
        new={"lots": recorded, "failed": failed, "terms": terms},
        reason=f"{framework_rules.O110_25}；{framework_rules.O110_27}",
    )
    if not recorded:
        procurement.outcome_reason = str(_("提交响应文件或符合资格条件、实质性要求的供应商不足2家"))
        _set_status(
            actor,
            procurement,
            ProcurementStatus.FAILED,
            "procurement.failed",
            reason=procurement.outcome_reason,
            extra={"cause": "too_few_responsive", "next_steps": ["retender", "change_method"]},
            update=["outcome_reason"],
        )
        procurement.next_steps = ["retender", "change_method"]
        procurement.save(update_fields=["next_steps"])
        return
    _set_status(
        actor,
        procurement,
        ProcurementStatus.EVALUATED,
        "procurement.evaluated",
        extra={"delivered_on": local_date(moment), "late": local_date(moment) > report.due_on},
        reason=framework_rules.O110_27,
    )


def framework_shortlist_announce(
    *, actor: Any, procurement: Procurement, now: datetime | None = None
) -> list[FrameworkShortlist]:
    """Announce the shortlist (入围结果公告, O110 §28) and notify the bidders; the agreement stands."""
    require_official(actor, procurement)
    moment = now or clock.now()
    with transaction.atomic():
        procurement = _lock(procurement)
        shortlists = list(
            FrameworkShortlist.objects.filter(evaluation__procurement=procurement)
            .select_related("lot")
            .prefetch_related("members__organization")
        )
        if procurement.status != ProcurementStatus.EVALUATED or not shortlists:
            raise Conflict("framework.wrong_status", _("当前状态不能发布入围结果公告"))
        FrameworkShortlist.objects.filter(pk__in=[s.pk for s in shortlists]).update(announced_at=moment)
        announced = [
            {
                "lot": s.lot.number,
                "members": [
                    (m.rank, m.organization.uscc, m.organization.name, m.price) for m in s.members.all()
                ],
                "cut_value": s.cut_value,
                "second_stage": s.second_stage,
            }
            for s in shortlists
        ]
        audit.record(
            actor=actor,
            action="framework.shortlist_announced",
            obj=procurement,
            new={"lots": announced},
            reason="政府采购框架协议采购方式管理暂行办法（财政部令第110号）第二十八条",
        )
        _set_status(
            actor, procurement, ProcurementStatus.AWARDED, "procurement.awarded", extra={"shortlist": True}
        )
        members = {m.organization_id for s in shortlists for m in s.members.all()}
        submitters = BidReadout.objects.filter(opening__procurement=procurement).values_list(
            "submission__versions__submitted_by_id", "organization_id"
        )
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=user_id,
                    procurement=procurement,
                    kind="award_notice" if org_id in members else "award_result",
                    title=str(
                        (_("入围通知书：%(ref)s") if org_id in members else _("入围结果公告：%(ref)s"))
                        % {"ref": procurement.reference}
                    ),
                    body=str(_("入围结果已公告，可在公告之日起依法提出质疑")),
                )
                for user_id, org_id in sorted(set(submitters))
            ]
        )
    for s in shortlists:
        s.announced_at = moment
    return shortlists


def framework_call_off_pick(
    *,
    actor: Any,
    shortlist: FrameworkShortlist,
    description: str,
    amount: Decimal | str,
    chosen: FrameworkMember | None = None,
    quotes: Mapping[int, Decimal | str] | None = None,
    now: datetime | None = None,
) -> FrameworkCallOff:
    """Award a call-off (第二阶段) to a shortlisted supplier by the agreement's rule (O110 §32-34).

    Direct pick: the purchaser's `chosen` member, else the lowest agreement price; rotation: the
    next member in rank order, once per round; re-bid: the lowest of `quotes` (member pk →
    price), each capped by its agreement price. Only after the shortlist was announced.
    """
    procurement = shortlist.evaluation.procurement
    require_official(actor, procurement)
    moment = now or clock.now()
    text = description.strip()
    if not text:
        raise ServiceError("framework.description_required", _("请填写采购内容"), field="description")
    total = _decimal(amount, field="amount")
    if total <= 0:
        raise ServiceError("framework.amount_invalid", _("成交金额应大于零"), field="amount")
    offers = {str(pk): _decimal(price, field="quotes") for pk, price in (quotes or {}).items()}
    with transaction.atomic():
        procurement = _lock(procurement)
        shortlist = FrameworkShortlist.objects.select_for_update().get(pk=shortlist.pk)
        if procurement.status != ProcurementStatus.AWARDED or shortlist.announced_at is None:
            raise Conflict("framework.not_announced", _("入围结果公告后才能确定第二阶段成交供应商"))
        members = {m.pk: m for m in shortlist.members.select_related("organization")}
        history = [str(c.member_id) for c in shortlist.call_offs.order_by("number")]
        try:
            ruled = framework_rules.call_off_pick(
                framework_rules.SecondStage(shortlist.second_stage),
                [framework_rules.AgreementMember(str(m.pk), m.price, m.rank) for m in members.values()],
                history=history,
                chosen=str(chosen.pk) if chosen is not None else None,
                quotes=offers or None,
            )
        except RuleError as exc:
            raise _rule_error(exc) from None
        member = members[int(ruled.value)]
        publish = _call_off_publication(shortlist.second_stage, local_date(moment))
        call_off = FrameworkCallOff.objects.create(
            shortlist=shortlist,
            number=len(history) + 1,
            member=member,
            rule=shortlist.second_stage,
            note=ruled.note,
            citation=ruled.citation,
            description=text,
            amount=total,
            picked_at=moment,
            picked_by=actor,
            publish_due=publish.value if publish else None,
            publish_citation=publish.citation if publish else "",
        )
        audit.record(
            actor=actor,
            action="framework.call_off_picked",
            obj=procurement,
            new={
                "lot": shortlist.lot.number,
                "number": call_off.number,
                "supplier": member.organization.uscc,
                "rule": shortlist.second_stage,
                "amount": total,
                "description": text,
                "note": ruled.note,
                "publish_due": call_off.publish_due,
            },
            reason=ruled.citation,
        )
    return call_off


PUBLISHED_CALL_OFFS = frozenset({"rebid", "rotation"})
"""Second-stage rules whose each result is announced (O110 §35: 二次竞价或者顺序轮候)."""


def _call_off_publication(second_stage: str, chosen_on: date) -> Ruled[date] | None:
    """The last day to publish a re-bid or rotation result (O110 §35), None for a direct pick."""
    if second_stage not in PUBLISHED_CALL_OFFS:
        return None
    try:
        return call_off_publication_deadline(chosen_on)
    except RuleError as exc:
        raise _rule_error(exc) from None


def framework_call_off_publish(
    *, actor: Any, call_off: FrameworkCallOff, late_reason: str = "", now: datetime | None = None
) -> FrameworkCallOff:
    """Publish one call-off result (成交结果单笔公告): for a re-bid or rotation within 2 working days
    of choosing the supplier (O110 §35); later needs its reason and is marked late, as a late
    contract publication is. A direct pick may be published too, without a deadline."""
    procurement = call_off.shortlist.evaluation.procurement
    require_official(actor, procurement)
    moment = now or clock.now()
    today = local_date(moment)
    with transaction.atomic():
        call_off = FrameworkCallOff.objects.select_for_update().get(pk=call_off.pk)
        if call_off.published_at is not None:
            raise Conflict("framework.call_off_already_published", _("该笔成交结果已公告"))
        late = call_off.publish_due is not None and today > call_off.publish_due
        reason = (late_reason or "").strip()
        if late and not reason:
            raise ServiceError(
                "framework.call_off_publish_late_reason_required",
                _("成交结果公告期限已于 %(due)s 届满，逾期公告须说明原因（依据：%(citation)s）")
                % {"due": call_off.publish_due, "citation": call_off.publish_citation},
                field="late_reason",
                params={"due": str(call_off.publish_due), "citation": call_off.publish_citation},
            )
        call_off.published_at, call_off.publish_late_reason = moment, reason if late else ""
        call_off.save(update_fields=["published_at", "publish_late_reason"])
        audit.record(
            actor=actor,
            action="framework.call_off_published",
            obj=procurement,
            new={
                "lot": call_off.shortlist.lot.number,
                "number": call_off.number,
                "published_at": moment,
                "publish_due": call_off.publish_due,
                "late": late,
            },
            reason=(reason if late else call_off.publish_citation) or str(_("直接选定，无逐笔公告期限")),
        )
    return call_off


def evaluation_report_confirm(
    *, actor: Any, evaluation: Evaluation, now: datetime | None = None
) -> EvaluationReport:
    """A member confirms (signs) the report; with the last one it goes to the purchaser."""
    member = _confirmed_member(actor, evaluation)
    _require_evaluation_status(evaluation, EvaluationStatus.REPORTED)
    moment = now or clock.now()
    with transaction.atomic():
        procurement = _lock(evaluation.procurement)
        member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        if member.report_confirmed_at is not None:
            raise Conflict("evaluation.report_already_confirmed", _("您已确认评审报告"))
        member.report_confirmed_at = moment
        member.save(update_fields=["report_confirmed_at"])
        audit.record(
            actor=actor, action="evaluation.report_signed", obj=procurement, new={"member": member.pk}
        )
        report = EvaluationReport.objects.select_for_update().get(evaluation=evaluation)
        if not evaluation.members.filter(
            state=MemberState.CONFIRMED, report_confirmed_at__isnull=True
        ).exists():
            _deliver(actor, evaluation, report, procurement, moment)
    return report


def award_confirm(*, actor: Any, award: Award, now: datetime | None = None) -> Award:
    """The purchaser confirms the first-ranked candidate within the deadline (O87 §68).

    After the deadline the first candidate already stands by law: refused ``award.confirmation_period_over``.
    """
    procurement = award.evaluation.procurement
    require_official(actor, procurement)
    moment = now or clock.now()
    today = local_date(moment)
    with transaction.atomic():
        procurement = _lock(procurement)
        award = Award.objects.select_for_update().get(pk=award.pk)
        if procurement.status != ProcurementStatus.EVALUATED or award.winner_id is not None:
            raise Conflict("award.wrong_status", _("当前状态不能确认中标（成交）供应商"))
        if today > award.confirm_due:
            raise Conflict(
                "award.confirmation_period_over",
                _("确认期限 %(due)s 已过，排名第一的候选人依法为中标（成交）供应商（依据：%(citation)s）")
                % {"due": award.confirm_due.isoformat(), "citation": award.confirm_citation},
                params={"due": award.confirm_due.isoformat(), "citation": award.confirm_citation},
            )
        award.confirmed_id = award.first_candidate_id
        award.confirmed_at, award.confirmed_by = moment, actor
        award.save(update_fields=["confirmed", "confirmed_at", "confirmed_by"])
        audit.record(
            actor=actor,
            action="procurement.award_confirmed",
            obj=procurement,
            old={"lot": award.lot_id, "winner": None},
            new={"lot": award.lot_id, "winner": award.first_candidate.organization_id, "on": today},
            reason=award.confirm_citation,
        )
    return award


def award_announce(*, actor: Any, procurement: Procurement, now: datetime | None = None) -> list[Award]:
    """Announce the result and send award notices; every lot needs its effective winner.

    Bidders are notified; bid deposits of the others fall due 5 working days after the notice.
    """
    from opengps.evaluation.selectors import award_effective_winner

    require_official(actor, procurement)
    moment = now or clock.now()
    today = local_date(moment)
    with transaction.atomic():
        procurement = _lock(procurement)
        awards = list(
            Award.objects.filter(evaluation__procurement=procurement).select_related("first_candidate", "lot")
        )
        if procurement.status != ProcurementStatus.EVALUATED or not awards:
            raise Conflict("award.wrong_status", _("当前状态不能发布中标（成交）结果"))
        announced: list[dict[str, Any]] = []
        deposit_due = _deadline(loser_deposit_return_deadline, today)
        for award in awards:
            effective = award_effective_winner(award, today=today)
            if effective.winner is None:
                raise Conflict(
                    "award.not_confirmed",
                    _("第 %(lot)d 包尚未确认中标（成交）供应商，确认期限 %(due)s")
                    % {"lot": award.lot.number, "due": award.confirm_due.isoformat()},
                )
            due = _deadline(award_announcement_deadline, effective.decided_on)
            award.winner = effective.winner
            award.decided_on = effective.decided_on
            award.announce_due = due.value
            award.announce_citation = due.citation
            award.announced_at = moment
            award.save(
                update_fields=["winner", "decided_on", "announce_due", "announce_citation", "announced_at"]
            )
            announced.append(
                {
                    "lot": award.lot.number,
                    "winner": award.winner.organization_id,
                    "how": effective.how,
                    "late": today > due.value,
                }
            )
            bidders = BidReadout.objects.filter(lot=award.lot).select_related("organization")
            if procurement.bid_deposit:
                for r in bidders:
                    is_winner = r.pk == award.winner.pk
                    DepositReturn.objects.create(
                        award=award,
                        organization=r.organization,
                        amount=procurement.bid_deposit,
                        trigger="contract_signed" if is_winner else "award_notice",
                        due_on=None if is_winner else deposit_due.value,
                        citation=deposit_due.citation,
                    )
        _set_status(
            actor, procurement, ProcurementStatus.AWARDED, "procurement.awarded", extra={"lots": announced}
        )
        submitters = BidReadout.objects.filter(opening__procurement=procurement).values_list(
            "submission__versions__submitted_by_id", "organization_id"
        )
        winners = {a.winner.organization_id for a in awards if a.winner}
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=user_id,
                    procurement=procurement,
                    kind="award_notice" if org_id in winners else "award_result",
                    title=str(
                        (
                            _("中标（成交）通知书：%(ref)s")
                            if org_id in winners
                            else _("中标（成交）结果公告：%(ref)s")
                        )
                        % {"ref": procurement.reference}
                    ),
                    body=str(_("采购结果已公告，可在公告之日起依法提出质疑")),
                )
                for user_id, org_id in sorted(set(submitters))
            ]
        )
    return awards


def deposit_return_record(
    *,
    actor: Any,
    deposit: DepositReturn,
    returned_on: date,
    contract_signed_on: date | None = None,
    now: datetime | None = None,
) -> DepositReturn:
    """Record that a bid deposit was returned (IR §33, O87 §38), late or on time.

    The winner's deadline runs from the contract signature: give `contract_signed_on` when it is
    not yet known. A date in the future, or before the award notice, is refused.
    """
    procurement = deposit.award.evaluation.procurement
    require_official(actor, procurement)
    today = _today(now)
    if returned_on > today:
        raise ServiceError("deposit.return_in_future", _("退还日期不能晚于今天"), field="returned_on")
    with transaction.atomic():
        procurement = _lock(procurement)
        deposit = DepositReturn.objects.select_for_update().select_related("award").get(pk=deposit.pk)
        if deposit.returned_on is not None:
            raise Conflict("deposit.already_returned", _("该保证金已登记退还"))
        announced = deposit.award.announced_at
        if announced is None or returned_on < local_date(announced):
            raise ServiceError(
                "deposit.return_before_notice",
                _("退还日期不能早于中标（成交）通知书发出日期"),
                field="returned_on",
            )
        fields = ["returned_on"]
        if deposit.due_on is None:
            if contract_signed_on is None:
                raise ServiceError(
                    "deposit.contract_date_required",
                    _("中标（成交）供应商的保证金自合同签订之日起计算退还期限，请填写合同签订日期"),
                    field="contract_signed_on",
                )
            due = _deadline(winner_deposit_return_deadline, contract_signed_on)
            deposit.due_on, deposit.citation = due.value, due.citation[:300]
            fields += ["due_on", "citation"]
        deposit.returned_on = returned_on
        deposit.save(update_fields=fields)
        late = returned_on > deposit.due_on
        audit.record(
            actor=actor,
            action="deposit.returned",
            obj=procurement,
            old={"deposit": deposit.pk, "returned_on": None},
            new={
                "deposit": deposit.pk,
                "organization": deposit.organization_id,
                "amount": deposit.amount,
                "returned_on": returned_on,
                "due_on": deposit.due_on,
                "late": late,
            },
            reason=deposit.citation,
        )
    return deposit
