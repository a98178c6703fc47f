"""Writes of oversight: compute the red flags into a run, and set a threshold from a date on.

Only opened procurements are read for bid data (the opening made readouts public to officials);
sealed bids, their counts and the documents register are never touched (RULES.md §12).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from opengps.accounts.actors import Actor, SystemOrActor
from opengps.accounts.models import Role, Unit
from opengps.accounts.permissions import require_role
from opengps.core import audit, clock
from opengps.core.clock import local_date
from opengps.core.errors import Conflict, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.evaluation.models import Award, Review
from opengps.oversight.errors import Code
from opengps.oversight.events import Event
from opengps.oversight.models import Flag, FlagRun, FlagThreshold
from opengps.planning.selectors import purchase_records, split_check_plans
from opengps.procurement.models import BidReadout, OpeningRecord, Procurement, ProcurementStatus
from opengps.rules import redflags
from opengps.rules.base import EffectiveValue, RuleError
from opengps.rules.methods import detect_split_purchases
from opengps.rules.procedures import Method

WRITERS = (Role.FINANCE, Role.ADMIN)
"""Who computes flags and sets thresholds; auditors read only (they never write)."""
READERS = (Role.FINANCE, Role.AUDITOR, Role.ADMIN)

NOT_PURCHASED = (ProcurementStatus.DRAFT, ProcurementStatus.CANCELLED)
DIGEST_KEYS = ("sha256", "content_sha256", "digest")
"""Keys under which a readout's file entry may carry the SHA-256 of the plaintext file."""


def thresholds_in_force(on_date: date) -> redflags.Thresholds:
    """The thresholds in force on `on_date`: the stored overrides applied over the defaults."""
    history: dict[str, list[EffectiveValue[Decimal]]] = defaultdict(list)
    for row in FlagThreshold.objects.order_by("key", "effective_from"):
        history[row.key].append(EffectiveValue(row.effective_from, row.value, row.reason))
    return redflags.thresholds_from(history, on_date)


def threshold_set(
    *,
    actor: Actor,
    key: str,
    value: Decimal | str,
    effective_from: date,
    reason: str,
    now: datetime | None = None,
) -> FlagThreshold:
    """Record a threshold override in force from `effective_from` (today or later: history stays)."""
    require_role(actor, *WRITERS)
    moment = now or clock.now()
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ServiceError(Code.OVERSIGHT_THRESHOLD_INVALID, field="value") from None
    try:
        redflags.check_threshold(key, amount)
    except RuleError as exc:
        raise _rule_error(exc, field="value") from None
    if effective_from < local_date(moment):
        raise ServiceError(Code.OVERSIGHT_THRESHOLD_BACKDATED, field="effective_from")
    if not reason.strip():
        raise ServiceError(Code.OVERSIGHT_REASON_REQUIRED, field="reason")
    try:
        with transaction.atomic():
            row = FlagThreshold.objects.create(
                key=key,
                value=amount,
                effective_from=effective_from,
                reason=reason.strip(),
                set_by=actor,
                set_at=moment,
            )
            audit.record(
                actor=actor,
                action=Event.OVERSIGHT_THRESHOLD_SET,
                obj=row,
                new={"key": key, "value": amount, "effective_from": effective_from},
                reason=reason.strip(),
            )
    except IntegrityError:
        raise Conflict(Code.OVERSIGHT_THRESHOLD_EXISTS, field="effective_from") from None
    return row


@dataclass
class _Pending:
    flag: redflags.Flag
    procurement: Procurement | None = None
    lot_id: int | None = None
    unit: Unit | None = None
    organization_id: int | None = None


def _digests(readout: BidReadout) -> tuple[str, ...]:
    found = []
    for entry in readout.files or []:
        for key in DIGEST_KEYS:
            value = entry.get(key) if isinstance(entry, dict) else None
            if value:
                found.append(str(value))
                break
    return tuple(found)


def _procurement_flags(
    procurement: Procurement,
    readouts: list[BidReadout],
    failed_reviews: set[int],
    winners: dict[int, int],
    thresholds: redflags.Thresholds,
) -> Iterable[_Pending]:
    if procurement.issued_on and procurement.bid_deadline and procurement.earliest_deadline:
        flag = redflags.short_submission_period(
            method=procurement.method,
            issued_on=procurement.issued_on,
            deadline_on=local_date(procurement.bid_deadline),
            earliest_on=procurement.earliest_deadline,
            thresholds=thresholds,
        )
        if flag:
            yield _Pending(flag, procurement, unit=procurement.purchaser)
    by_lot: dict[int, list[BidReadout]] = defaultdict(list)
    for readout in readouts:
        by_lot[readout.lot_id].append(readout)
    for lot_id, rows in sorted(by_lot.items()):
        winner_id = winners.get(lot_id)
        prices = [
            redflags.BidPrice(
                ref=str(r.pk),
                bidder=r.organization.name,
                price=r.price_total,
                qualified=r.valid and r.pk not in failed_reviews,
                winner=r.pk == winner_id,
            )
            for r in rows
        ]
        table = [
            {
                "readout": r.pk,
                "organization": r.organization.name,
                "organization_id": r.organization_id,
                "price": str(r.price_total),
                "valid": r.valid,
                "invalid_reason": r.invalid_reason,
                "failed_review": r.pk in failed_reviews,
                "winner": r.pk == winner_id,
            }
            for r in rows
        ]
        winner_org = next((r.organization_id for r in rows if r.pk == winner_id), None)
        candidates = [
            redflags.single_bid(method=procurement.method, valid_bids=sum(1 for r in rows if r.valid)),
            redflags.close_winning_bid(prices, thresholds=thresholds),
            redflags.identical_prices(prices),
            redflags.all_but_winner_disqualified(prices),
            redflags.lowest_bid_disqualified(prices),
        ]
        signals = [
            redflags.BidSignals(
                ref=str(r.pk),
                bidder=r.organization.name,
                network=str(getattr(r, "source_ip", "") or ""),
                device=str(getattr(r, "source_device", "") or ""),
                contact_name=str(getattr(r, "contact_name", "") or ""),
                contact_phone=str(getattr(r, "contact_phone", "") or ""),
                document_digests=_digests(r),
            )
            for r in rows
        ]
        for flag in [*[c for c in candidates if c], *redflags.collusion_signals(signals)]:
            evidence = {**flag.evidence, "lot": lot_id, "bids": table}
            yield _Pending(
                replace(flag, evidence=evidence),
                procurement,
                lot_id=lot_id,
                unit=procurement.purchaser,
                organization_id=winner_org
                if flag.code
                in (
                    redflags.FlagCode.close_winning_bid,
                    redflags.FlagCode.all_but_winner_disqualified,
                    redflags.FlagCode.lowest_bid_disqualified,
                )
                else None,
            )


def _unit_flags(
    procurements: list[Procurement],
    readouts: list[BidReadout],
    failed_reviews: set[int],
    awards: list[Award],
    thresholds: redflags.Thresholds,
) -> Iterable[_Pending]:
    units: dict[int, Unit] = {p.purchaser_id: p.purchaser for p in procurements}
    unit_of = {p.pk: p.purchaser_id for p in procurements}
    bids: dict[int, int] = defaultdict(int)
    disqualified: dict[int, int] = defaultdict(int)
    for r in readouts:
        unit_id = unit_of[r.opening.procurement_id]
        bids[unit_id] += 1
        disqualified[unit_id] += int(not r.valid or r.pk in failed_reviews)
    for unit_id in sorted(bids):
        flag = redflags.excessive_disqualifications(
            bids=bids[unit_id], disqualified=disqualified[unit_id], thresholds=thresholds
        )
        if flag:
            yield _Pending(flag, unit=units[unit_id])
    purchased = [p for p in procurements if p.status not in NOT_PURCHASED]
    by_unit: dict[int, list[Procurement]] = defaultdict(list)
    for p in purchased:
        by_unit[p.purchaser_id].append(p)
    for unit_id, rows in sorted(by_unit.items()):
        flag = redflags.single_source_share(
            single_source_amount=sum(
                (p.budget for p in rows if p.method == Method.single_source), Decimal(0)
            ),
            total_amount=sum((p.budget for p in rows), Decimal(0)),
            procurements=len(rows),
            thresholds=thresholds,
        )
        if flag:
            evidence = {
                **flag.evidence,
                "procurements_list": [p.pk for p in rows if p.method == Method.single_source],
            }
            yield _Pending(
                replace(flag, evidence=evidence),
                unit=units[unit_id],
            )
    won: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    won_procurements: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    all_procurements: dict[int, set[int]] = defaultdict(set)
    for award in awards:
        winner = award.winner
        if winner is None:
            continue
        procurement = award.evaluation.procurement
        won[procurement.purchaser_id][winner.organization_id] += winner.price_total
        won_procurements[procurement.purchaser_id][winner.organization_id].add(procurement.pk)
        all_procurements[procurement.purchaser_id].add(procurement.pk)
        units.setdefault(procurement.purchaser_id, procurement.purchaser)
    for unit_id, per_org in sorted(won.items()):
        total = sum(per_org.values(), Decimal(0))
        for org_id, amount in sorted(per_org.items()):
            flag = redflags.supplier_share(
                supplier_amount=amount,
                total_amount=total,
                procurements=len(all_procurements[unit_id]),
                thresholds=thresholds,
            )
            if flag:
                evidence = {**flag.evidence, "procurements_list": sorted(won_procurements[unit_id][org_id])}
                yield _Pending(
                    replace(flag, evidence=evidence),
                    unit=units[unit_id],
                    organization_id=org_id,
                )


def _split_flags() -> Iterable[_Pending]:
    plans = list(split_check_plans())
    records = purchase_records(plans)
    try:
        groups = detect_split_purchases(records)
    except RuleError as exc:
        raise _rule_error(exc) from None
    by_pk = {str(plan.pk): plan for plan in plans}
    for group in groups:
        flag = redflags.split_purchase(group)
        evidence = {
            **flag.evidence,
            "plans": [
                {
                    "id": by_pk[r.reference].pk,
                    "title": by_pk[r.reference].title,
                    "amount": str(r.amount),
                    "on": r.purchased_on.isoformat(),
                }
                for r in group.purchases
            ],
        }
        yield _Pending(
            replace(flag, evidence=evidence),
            unit=by_pk[group.purchases[0].reference].unit,
        )


def redflags_compute(
    *, actor: SystemOrActor, on_date: date | None = None, now: datetime | None = None
) -> FlagRun:
    """Compute every red flag into a new run, with the thresholds in force on `on_date` (default today).

    Reads only public and opened data: announcements, opening readouts, reviews, awards, plans.
    ``actor=None`` is the system's nightly run (``oversight.tasks.redflags_nightly``); a person must
    hold a writer role.
    """
    if actor is not None:
        require_role(actor, *WRITERS)
    moment = now or clock.now()
    day = on_date or local_date(moment)
    thresholds = thresholds_in_force(day)
    procurements = list(
        Procurement.objects.exclude(status=ProcurementStatus.DRAFT).select_related(
            "purchaser", "purchaser__region"
        )
    )
    opened_ids = set(OpeningRecord.objects.values_list("procurement_id", flat=True))
    readouts = list(
        BidReadout.objects.filter(opening__procurement_id__in=opened_ids)
        .select_related("organization", "opening")
        .order_by("lot_id", "price_total", "pk")
    )
    failed_reviews = set(
        Review.objects.filter(passed=False, readout__opening__procurement_id__in=opened_ids).values_list(
            "readout_id", flat=True
        )
    )
    awards = list(
        Award.objects.filter(evaluation__procurement_id__in=opened_ids).select_related(
            "winner__organization", "evaluation__procurement__purchaser"
        )
    )
    winners = {a.lot_id: (a.winner_id or a.confirmed_id or a.first_candidate_id) for a in awards}
    by_procurement: dict[int, list[BidReadout]] = defaultdict(list)
    for r in readouts:
        by_procurement[r.opening.procurement_id].append(r)
    pending: list[_Pending] = []
    for procurement in procurements:
        if procurement.pk in opened_ids:
            pending.extend(
                _procurement_flags(
                    procurement, by_procurement[procurement.pk], failed_reviews, winners, thresholds
                )
            )
    pending.extend(_unit_flags(procurements, readouts, failed_reviews, awards, thresholds))
    pending.extend(_split_flags())
    counts: dict[str, int] = defaultdict(int)
    for item in pending:
        counts[item.flag.code.value] += 1
    with transaction.atomic():
        run = FlagRun.objects.create(
            started_at=moment,
            finished_at=clock.now(),
            on_date=day,
            started_by=actor,
            thresholds={key: str(value) for key, value in asdict(thresholds).items()},
            counts=dict(sorted(counts.items())),
            procurements_checked=len(opened_ids),
        )
        Flag.objects.bulk_create(
            Flag(
                run=run,
                code=item.flag.code.value,
                severity=item.flag.severity,
                procurement=item.procurement,
                lot_id=item.lot_id,
                unit=item.unit,
                organization_id=item.organization_id,
                region_id=item.unit.region_id if item.unit else None,
                explanation=item.flag.explanation_zh,
                explanation_en=item.flag.explanation_en,
                citation=item.flag.citation[:500],
                evidence=audit.to_jsonable(dict(item.flag.evidence)),
            )
            for item in pending
        )
        audit.record(
            actor=actor,
            action=Event.OVERSIGHT_FLAGS_COMPUTED,
            obj=run,
            new={"on_date": day, "counts": run.counts, "procurements_checked": run.procurements_checked},
        )
    return run
