"""Grant agreements and their tranches: signing (first tranche), the mid-term review and the final review."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import audit
from opengps.core.errors import Conflict, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.grants.errors import Code
from opengps.grants.events import Event
from opengps.grants.models import (
    Agreement,
    AgreementStatus,
    Application,
    ApplicationStatus,
    Tranche,
    TrancheStatus,
)
from opengps.grants.services._common import (
    _locked_agreement,
    _locked_application,
    _money,
    _release,
    _require_funder,
    _status_set,
    _transition,
)
from opengps.grants.services.cofunding import cofunding_shortfall
from opengps.performance.models import HistoryKind, HistorySource
from opengps.performance.services import performance_history_record
from opengps.rules import cofunding as cofunding_rules
from opengps.rules import grants as rules
from opengps.rules.base import RuleError, reason_json


def _milestones(count: int) -> list[str]:
    return {
        1: ["签订协议"],
        2: ["签订协议", "结项审计完成"],
        3: ["签订协议", "中期评估通过", "结项审计完成"],
    }[count]


def agreement_sign(
    *,
    actor: Actor,
    application: Application,
    signed_on: date,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Agreement:
    """Sign the grant agreement of a funded application; the first tranche is released on signing."""
    app = Application.objects.select_related("round__programme").get(pk=application.pk)
    _require_funder(actor, app.round)
    with transaction.atomic():
        locked = _locked_application(app)
        if locked.status != ApplicationStatus.FUNDED or locked.awarded_amount is None:
            raise Conflict(Code.GRANTS_NOT_FUNDED, field="status")
        if Agreement.objects.filter(application=locked).exists():
            raise Conflict(Code.GRANTS_AGREEMENT_EXISTS, field="application")
        round_ = locked.round
        agreement = Agreement.objects.create(
            application=locked,
            number=f"GR{round_.year}-{round_.pk:03d}-{locked.pk:05d}",
            amount=locked.awarded_amount,
            signed_on=signed_on,
            starts_on=starts_on or locked.starts_on,
            ends_on=ends_on or locked.ends_on,
            signed_by=actor,
        )
        shares = list(round_.tranche_shares)
        amounts = rules.tranche_amounts(agreement.amount, shares)
        tranches = Tranche.objects.bulk_create(
            [
                Tranche(agreement=agreement, seq=i, share=share, amount=amount, milestone=milestone)
                for i, (share, amount, milestone) in enumerate(
                    zip(shares, amounts, _milestones(len(shares)), strict=True), start=1
                )
            ]
        )
        audit.record(
            actor=actor,
            action=Event.GRANT_AGREEMENT_SIGNED,
            obj=agreement,
            new={
                "application": locked.pk,
                "amount": agreement.amount,
                "signed_on": signed_on,
                "tranches": [[t.share, t.amount, t.milestone] for t in tranches],
            },
        )
        first = Tranche.objects.get(agreement=agreement, seq=1)
        audit.record_many(
            actor=actor,
            action=Event.GRANT_TRANCHE_RELEASED,
            changes=[_release(first, first.amount, signed_on)],
        )
    return agreement


def midterm_review_record(
    *, actor: Actor, agreement: Agreement, passed: bool, findings: str, reviewed_on: date
) -> Agreement:
    """The mid-term review: passing releases the next tranche, failing stops every remaining one."""
    _require_funder(actor, agreement.application.round)
    findings = findings.strip()
    if not findings:
        raise ServiceError(Code.GRANTS_FINDINGS_REQUIRED, field="findings")
    with transaction.atomic():
        locked = _locked_agreement(agreement)
        if locked.status != AgreementStatus.ACTIVE or locked.midterm_passed is not None:
            raise Conflict(Code.GRANTS_MIDTERM_NOT_ALLOWED, field="status")
        pending = list(locked.tranches.filter(status=TrancheStatus.PENDING).order_by("seq"))
        if len(pending) < 2:
            raise Conflict(Code.GRANTS_NO_MIDTERM_TRANCHE, field="status")
        locked.midterm_passed, locked.midterm_on, locked.midterm_findings = passed, reviewed_on, findings
        fields = ["midterm_passed", "midterm_on", "midterm_findings"]
        if passed:
            locked.save(update_fields=fields)
            audit.record(
                actor=actor,
                action=Event.GRANT_AGREEMENT_MIDTERM_PASSED,
                obj=locked,
                new={"midterm_passed": True, "midterm_on": reviewed_on},
                reason=findings,
            )
            audit.record_many(
                actor=actor,
                action=Event.GRANT_TRANCHE_RELEASED,
                changes=[_release(pending[0], pending[0].amount, reviewed_on)],
            )
            return locked
        _status_set(
            actor,
            "grant_agreement",
            locked,
            AgreementStatus.STOPPED,
            Event.GRANT_AGREEMENT_MIDTERM_FAILED,
            fields=fields,
            reason=findings,
            new={"midterm_passed": False, "midterm_on": reviewed_on},
        )
        changes = []
        for tranche in pending:
            previous = _transition("grant_tranche", tranche, TrancheStatus.STOPPED)
            changes.append((tranche, {"status": previous}, {"status": tranche.status, "seq": tranche.seq}))
        # Moved row by row through `_transition` (core.status.status_move); each row is audited below.
        Tranche.objects.bulk_update(pending, ["status"])
        audit.record_many(actor=actor, action=Event.GRANT_TRANCHE_STOPPED, changes=changes, reason=findings)
    return locked


def final_review_record(
    *, actor: Actor, agreement: Agreement, score: Decimal | str, note: str, reviewed_on: date
) -> Agreement:
    """The funder's final review: a score 0–100 graded 优/良/中/差 (RULES §10).

    Co-funding received short of the commitment is flagged and costs points by the cited rule
    value (`opengps.rules.cofunding.shortfall`); the grade is of the score after that deduction.
    """
    _require_funder(actor, agreement.application.round)
    value = _money(score, "score")
    try:
        rules.performance_grade(value, reviewed_on)
    except RuleError as exc:
        raise _rule_error(exc, field="score") from None
    with transaction.atomic():
        locked = _locked_agreement(agreement)
        if (
            locked.status == AgreementStatus.ACTIVE
            and locked.tranches.filter(status=TrancheStatus.PENDING).count() > 1
        ):
            raise Conflict(Code.GRANTS_MIDTERM_MISSING, field="status")
        short = cofunding_shortfall(locked, reviewed_on)
        final = cofunding_rules.adjusted_score(value, short.deduction)
        grade = rules.performance_grade(final, reviewed_on)
        locked.review_score, locked.final_score, locked.final_grade = value, final, grade.value
        locked.final_review_on, locked.final_review_note = reviewed_on, note.strip()
        locked.cofunding_committed, locked.cofunding_received = short.committed, short.received
        locked.cofunding_deduction = short.deduction
        locked.cofunding_flag = reason_json(short.reason) if short.reason is not None else {}
        _status_set(
            actor,
            "grant_agreement",
            locked,
            AgreementStatus.FINAL_REVIEWED,
            Event.GRANT_AGREEMENT_FINAL_REVIEWED,
            fields=[
                "review_score",
                "final_score",
                "final_grade",
                "final_review_on",
                "final_review_note",
                "cofunding_committed",
                "cofunding_received",
                "cofunding_deduction",
                "cofunding_flag",
            ],
            reason=note.strip(),
            new={"final_score": final, "final_grade": grade.value, "citation": grade.citation},
        )
        if short.reason is not None:
            audit.record(
                actor=actor,
                action=Event.GRANT_AGREEMENT_COFUNDING_SHORTFALL,
                obj=locked,
                new={
                    "committed": short.committed,
                    "received": short.received,
                    "missing": short.missing,
                    "review_score": value,
                    "deduction": short.deduction,
                    "final_score": final,
                    "citation": short.reason.citation,
                },
                reason=short.reason.message_zh,
            )
        # The result joins the organization's performance history and its credit loop, as a
        # contract's evaluation does (RULES §10): same transaction, so both or neither.
        performance_history_record(
            actor=actor,
            organization=locked.application.organization,
            source=HistorySource.GRANT,
            reference=locked.number,
            kind=HistoryKind.GRADE,
            grade=grade.value,
            score=final,
            occurred_on=reviewed_on,
            note=str(_("资助项目结项评估：%(title)s") % {"title": locked.application.title}),
        )
    return locked
