"""The supplier's performance history and the credit loop: flags and listing recommendations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from opengps.accounts.actors import Actor, SystemOrActor
from opengps.accounts.models import Role
from opengps.accounts.permissions import is_authenticated, require_role
from opengps.contracts import selectors as contract_selectors
from opengps.contracts.hooks import SupplierFault
from opengps.core import audit, clock
from opengps.core.errors import ServiceError
from opengps.performance.errors import Code
from opengps.performance.events import Event
from opengps.performance.models import (
    HistoryEntry,
    HistoryKind,
    HistorySource,
    ListingRecommendation,
    PerformanceEvaluation,
    RecommendationStatus,
)
from opengps.registry.models import Organization
from opengps.rules import performance as rules


def _facts(organization: Organization) -> list[rules.HistoryFact]:
    return [
        rules.HistoryFact(e.occurred_on, e.kind, e.grade)  # type: ignore[arg-type]
        for e in HistoryEntry.objects.filter(organization=organization).order_by("occurred_on", "pk")
    ]


def _history_add(
    actor: SystemOrActor,
    *,
    organization: Organization,
    source: str,
    kind: str,
    reference: str,
    grade: str = "",
    score: Decimal | None = None,
    occurred_on: date,
    note: str = "",
    evaluation: PerformanceEvaluation | None = None,
) -> HistoryEntry:
    existing = HistoryEntry.objects.filter(
        organization=organization, source=source, kind=kind, reference=reference
    ).first()
    if existing is not None:
        return existing
    entry = HistoryEntry.objects.create(
        organization=organization,
        source=source,
        kind=kind,
        reference=reference[:80],
        grade=grade,
        score=score,
        occurred_on=occurred_on,
        note=note,
        evaluation=evaluation,
    )
    audit.record(
        actor=actor,
        action=Event.PERFORMANCE_HISTORY_RECORDED,
        obj=organization,
        new={
            "entry": entry.pk,
            "source": source,
            "kind": kind,
            "reference": entry.reference,
            "grade": grade,
            "score": score,
            "occurred_on": occurred_on,
        },
    )
    latest = rules.HistoryFact(occurred_on, kind, grade)  # type: ignore[arg-type]
    decision = rules.credit_consequences(latest, _facts(organization), occurred_on)
    if decision.flag:
        entry.flagged = True
        entry.save(update_fields=["flagged"])
        audit.record(
            actor=actor,
            action=Event.PERFORMANCE_FLAGGED,
            obj=organization,
            reason=decision.reasons[0].message_zh,
            new={"entry": entry.pk, "kind": kind, "grade": grade, "failures": decision.failures},
        )
    if (
        decision.recommend_listing
        and not ListingRecommendation.objects.filter(
            organization=organization, status=RecommendationStatus.PENDING
        ).exists()
    ):
        reason = decision.reasons[-1]
        recommendation = ListingRecommendation.objects.create(
            organization=organization,
            reason=reason.message_zh,
            citation=reason.citation[:300],
            made_on=occurred_on,
        )
        since = rules.credit_window_start(occurred_on, rules.credit_policy(occurred_on).value)
        failures = list(
            HistoryEntry.objects.filter(
                organization=organization, flagged=True, occurred_on__gt=since, occurred_on__lte=occurred_on
            )
        )
        recommendation.entries.set(failures)
        audit.record(
            actor=actor,
            action=Event.PERFORMANCE_RECOMMENDATION_MADE,
            obj=organization,
            reason=reason.message_zh,
            new={
                "recommendation": recommendation.pk,
                "failures": decision.failures,
                "entries": [e.pk for e in failures],
            },
        )
    return entry


def acceptance_reference(contract_reference: str, phase: int) -> str:
    """The history reference of a failed acceptance phase: `supplier_fault_record` records it at
    once under this reference when the contracts service records the phase, and finalizing an
    evaluation (`_sync_contract_facts`) looks it up by the same reference, so a failure is counted
    once."""
    return f"{contract_reference} 验收{phase}"


def _contract_fact_add(
    actor: Actor, organization: Organization, kind: str, reference: str, occurred_on: date, note: str
) -> bool:
    """Add one fact of the contracts app to the supplier's history unless it is there already;
    whether it was added."""
    if HistoryEntry.objects.filter(
        organization=organization, source=HistorySource.CONTRACT, kind=kind, reference=reference
    ).exists():
        return False
    _history_add(
        actor,
        organization=organization,
        source=HistorySource.CONTRACT,
        kind=kind,
        reference=reference,
        occurred_on=occurred_on,
        note=note,
    )
    return True


def _sync_contract_facts(actor: Actor, organization: Organization, today: date) -> int:
    """Bring the supplier's failed acceptances and terminations for its fault into its history
    (the facts the contracts app exposes for the credit loop)."""
    added = 0
    for acceptance in contract_selectors.failed_acceptances(organization).filter(accepted_on__lte=today):
        added += _contract_fact_add(
            actor,
            organization,
            HistoryKind.ACCEPTANCE_FAILED,
            acceptance_reference(acceptance.contract.reference, acceptance.phase),
            acceptance.accepted_on,
            acceptance.reasons[:500],
        )
    terminated = contract_selectors.terminations(organization, supplier_fault_only=True)
    for contract in terminated.filter(terminated_on__lte=today):
        if contract.terminated_on is not None:
            added += _contract_fact_add(
                actor,
                organization,
                HistoryKind.TERMINATED,
                contract.reference,
                contract.terminated_on,
                contract.termination_reason[:500],
            )
    return added


def history_refresh(*, actor: Actor, organization: Organization, today: date | None = None) -> int:
    """Record the supplier's failed acceptances and supplier-fault terminations not yet in its
    history (officials); returns how many were added. Finalizing an evaluation does this too."""
    require_role(actor, Role.PURCHASER, Role.FINANCE, Role.REGISTRATION, Role.ADMIN)
    with transaction.atomic():
        return _sync_contract_facts(actor, organization, (today or clock.today()))


def performance_history_record(
    *,
    actor: SystemOrActor,
    organization: Organization,
    source: str,
    reference: str,
    occurred_on: date,
    kind: str = HistoryKind.GRADE,
    grade: str = "",
    score: Decimal | None = None,
    note: str = "",
) -> HistoryEntry:
    """Add one result to a supplier's performance history (grants call this for final reviews;
    contracts for failed acceptances and terminations) and apply the credit loop.

    Idempotent per (organization, source, kind, reference). Officials or the system only.
    """
    if actor is not None and is_authenticated(actor):
        require_role(actor, Role.PURCHASER, Role.FINANCE, Role.REGISTRATION, Role.ADMIN)
    if source not in HistorySource.values:
        raise ServiceError(Code.PERFORMANCE_SOURCE_INVALID, field="source")
    if kind not in HistoryKind.values:
        raise ServiceError(Code.PERFORMANCE_KIND_INVALID, field="kind")
    if kind == HistoryKind.GRADE and grade not in rules.GRADES:
        raise ServiceError(Code.PERFORMANCE_GRADE_INVALID, field="grade")
    reference = reference.strip()
    if not reference:
        raise ServiceError(Code.PERFORMANCE_REFERENCE_REQUIRED, field="reference")
    with transaction.atomic():
        return _history_add(
            actor,
            organization=organization,
            source=source,
            kind=kind,
            reference=reference,
            grade=grade,
            score=score,
            occurred_on=occurred_on,
            note=note,
        )


def supplier_fault_record(*, actor: Actor, fault: SupplierFault) -> None:
    """The credit loop's subscriber to `opengps.contracts.hooks` (registered in `apps.py`): a failed
    acceptance or a termination for the supplier's fault goes on the supplier's performance
    history at once, in the contract event's transaction. Finalizing an evaluation later finds it
    under the same reference (`_sync_contract_facts`) and does not count it again."""
    contract = fault.contract
    if fault.phase is None:
        reference = contract.reference
    else:
        reference = acceptance_reference(contract.reference, fault.phase)
    performance_history_record(
        actor=actor,
        organization=contract.supplier,
        source="contract",
        reference=reference,
        kind=fault.kind,
        occurred_on=fault.occurred_on,
        note=fault.note[:500],
    )
