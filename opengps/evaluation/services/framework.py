"""Framework agreements (框架协议, O110): the shortlist, its announcement, and the call-offs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import audit, clock
from opengps.core.clock import local_date
from opengps.core.errors import Conflict, ServiceError
from opengps.evaluation.errors import Code
from opengps.evaluation.events import Event
from opengps.evaluation.models import (
    Evaluation,
    EvaluationReport,
    FrameworkCallOff,
    FrameworkMember,
    FrameworkShortlist,
)
from opengps.evaluation.services._common import _decimal, _fail_procurement, _notify_bidders
from opengps.procurement import services as procurement_services
from opengps.procurement.models import BidReadout, Procurement, ProcurementStatus
from opengps.procurement.policies import lock, require_official, rule_error, set_status
from opengps.rules import framework as framework_rules
from opengps.rules.base import Ruled, RuleError
from opengps.rules.deadlines import call_off_publication_deadline


def _shortlist_lot(
    evaluation: Evaluation,
    lot: Mapping[str, Any],
    readouts: Mapping[int, BidReadout],
    terms: Mapping[str, Any],
    *,
    method: framework_rules.FirstStageMethod,
    rate: Fraction,
    on_date: date,
    moment: datetime,
) -> dict[str, Any]:
    """Record one lot's shortlist from its report rows; raises the rules' RuleError when the lot
    has none (fewer than 2 responsive suppliers)."""
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
    ruled = framework_rules.shortlist(
        bids,
        submitted=submitted,
        on_date=on_date,
        method=method,
        elimination_rate=rate,
        max_members=terms["max_members"],
        quality_instruments=bool(terms["quality_instruments"]),
    )
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
    return {
        "lot": lot["lot"],
        "members": [readouts[int(ref)].organization.uscc for ref in result.members],
        "eliminated": shortlist.eliminated,
        "rate": str(result.rate),
        "cut_value": result.cut_value,
        "note": ruled.note,
    }


def _record_shortlists(
    actor: Actor, evaluation: Evaluation, report: EvaluationReport, procurement: Procurement, moment: datetime
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
        try:
            shortlisted = _shortlist_lot(
                evaluation, lot, readouts, terms, method=method, rate=rate, on_date=on_date, moment=moment
            )
        except RuleError as exc:
            failed.append({"lot": lot["lot"], "code": exc.code, "reason": exc.message_zh})
            continue
        recorded.append(shortlisted)
    audit.record(
        actor=actor,
        action=Event.FRAMEWORK_SHORTLIST_RECORDED,
        obj=procurement,
        new={"lots": recorded, "failed": failed, "terms": terms},
        reason=f"{framework_rules.O110_25}；{framework_rules.O110_27}",
    )
    if not recorded:
        _fail_procurement(
            actor,
            procurement,
            reason=str(_("提交响应文件或符合资格条件、实质性要求的供应商不足2家")),
            cause="too_few_responsive",
        )
        return
    set_status(
        actor,
        procurement,
        ProcurementStatus.EVALUATED,
        Event.PROCUREMENT_EVALUATED,
        extra={"delivered_on": local_date(moment), "late": local_date(moment) > report.due_on},
        reason=framework_rules.O110_27,
    )


def framework_shortlist_announce(
    *, actor: Actor, procurement: Procurement, now: datetime | None = None
) -> list[FrameworkShortlist]:
    """Announce the shortlist (入围结果公告, O110 §28) and notify the bidders; the agreement stands."""
    require_official(actor, procurement)
    moment = now or clock.now()
    with transaction.atomic():
        procurement = lock(procurement)
        shortlists = list(
            FrameworkShortlist.objects.filter(evaluation__procurement=procurement)
            .select_related("lot")
            .prefetch_related("members__organization")
        )
        if procurement.status != ProcurementStatus.EVALUATED or not shortlists:
            raise Conflict(Code.FRAMEWORK_WRONG_STATUS)
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
            action=Event.FRAMEWORK_SHORTLIST_ANNOUNCED,
            obj=procurement,
            new={"lots": announced},
            reason="政府采购框架协议采购方式管理暂行办法（财政部令第110号）第二十八条",
        )
        set_status(
            actor,
            procurement,
            ProcurementStatus.AWARDED,
            Event.PROCUREMENT_AWARDED,
            extra={"shortlist": True},
        )
        _notify_bidders(
            procurement,
            chosen={m.organization_id for s in shortlists for m in s.members.all()},
            chosen_title=str(_("入围通知书：%(ref)s")),
            other_title=str(_("入围结果公告：%(ref)s")),
            body=str(_("入围结果已公告，可在公告之日起依法提出质疑")),
        )
    for s in shortlists:
        s.announced_at = moment
    return shortlists


def framework_call_off_pick(
    *,
    actor: Actor,
    shortlist: FrameworkShortlist,
    description: str,
    amount: Decimal | str,
    chosen: FrameworkMember | None = None,
    quotes: Mapping[int, Decimal | str] | None = None,
    by_order: bool = False,
    now: datetime | None = None,
) -> FrameworkCallOff:
    """Award a call-off (第二阶段) to a shortlisted supplier by the agreement's rule (O110 §32-34).

    Direct pick: the purchaser's `chosen` member, else the lowest agreement price; rotation: the
    next member in rank order, once per round; re-bid: the lowest of `quotes` (member pk →
    price), each capped by its agreement price. Only after the shortlist was announced.
    `by_order`: picked by an order that is itself the contract (the e-mall's 定点 order, O110
    §11(9)), so no call-off contract is to be drafted.
    """
    procurement = shortlist.evaluation.procurement
    require_official(actor, procurement)
    moment = now or clock.now()
    text = description.strip()
    if not text:
        raise ServiceError(Code.FRAMEWORK_DESCRIPTION_REQUIRED, field="description")
    total = _decimal(amount, field="amount")
    if total <= 0:
        raise ServiceError(Code.FRAMEWORK_AMOUNT_INVALID, field="amount")
    offers = {str(pk): _decimal(price, field="quotes") for pk, price in (quotes or {}).items()}
    with transaction.atomic():
        procurement = lock(procurement)
        shortlist = FrameworkShortlist.objects.select_for_update().get(pk=shortlist.pk)
        if procurement.status != ProcurementStatus.AWARDED or shortlist.announced_at is None:
            raise Conflict(Code.FRAMEWORK_NOT_ANNOUNCED)
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
            raise rule_error(exc) from None
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
            by_order=by_order,
        )
        audit.record(
            actor=actor,
            action=Event.FRAMEWORK_CALL_OFF_PICKED,
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
                "by_order": by_order,
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
        raise rule_error(exc) from None


def framework_call_off_publish(
    *, actor: Actor, call_off: FrameworkCallOff, late_reason: str = "", now: datetime | None = None
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
            raise Conflict(Code.FRAMEWORK_CALL_OFF_ALREADY_PUBLISHED)
        late = call_off.publish_due is not None and today > call_off.publish_due
        reason = (late_reason or "").strip()
        if late and not reason:
            raise ServiceError(
                Code.FRAMEWORK_CALL_OFF_PUBLISH_LATE_REASON_REQUIRED,
                _("成交结果公告期限已于 %(due)s 届满，逾期公告须说明原因（依据：%(citation)s）")
                % {"due": call_off.publish_due, "citation": call_off.publish_citation},
                field="late_reason",
                params={"due": str(call_off.publish_due), "citation": call_off.publish_citation},
            )
        call_off.published_at, call_off.publish_late_reason = moment, reason if late else ""
        call_off.save(update_fields=["published_at", "publish_late_reason"])
        audit.record(
            actor=actor,
            action=Event.FRAMEWORK_CALL_OFF_PUBLISHED,
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
