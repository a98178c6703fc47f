"""Phased performance acceptance (履约验收) and its publication."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.contracts import hooks
from opengps.contracts.errors import Code
from opengps.contracts.events import Event
from opengps.contracts.models import (
    Acceptance,
    AcceptanceResult,
    ChecklistItem,
    Contract,
    ContractStatus,
)
from opengps.contracts.services._common import (
    _day_or_today,
    _lock,
    _moment,
    _require_status,
    _ruled,
    _set_status,
    _text,
    require_purchaser,
)
from opengps.core import audit
from opengps.core.clock import local_date
from opengps.core.errors import Conflict, ServiceError
from opengps.rules import contracts as rules

ACCEPTANCE_RULE = "财库〔2016〕205号 第四条；政府采购法实施条例 第四十五条"
"""Purchase-of-services acceptance: a group checks each deliverable; services for the public invite
the people served to take part and give their opinion (C205 §4)."""


@dataclass(frozen=True)
class CheckInput:
    """One checklist line: a deliverable of the contract, pass/fail, and the reason (needed on fail)."""

    deliverable_id: int
    passed: bool
    reason: str = ""


def _members(members: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned = []
    for m in members:
        name = str(m.get("name", "")).strip()[:60]
        if name:
            cleaned.append({"name": name, "role": str(m.get("role", "")).strip()[:100]})
    if not cleaned:
        raise ServiceError(Code.ACCEPTANCE_GROUP_REQUIRED, field="members")
    return cleaned


def _opinions(opinions: Sequence[Mapping[str, Any]], invited: int) -> list[dict[str, Any]]:
    cleaned = []
    for o in opinions:
        text = str(o.get("opinion", "")).strip()[:1000]
        if not text:
            continue
        satisfied = o.get("satisfied")
        cleaned.append(
            {
                "who": str(o.get("who", "")).strip()[:60],
                "opinion": text,
                "satisfied": None if satisfied is None else bool(satisfied),
            }
        )
    if len(cleaned) > invited:
        raise ServiceError(Code.ACCEPTANCE_OPINIONS_OVER_INVITED, field="recipient_opinions")
    return cleaned


@dataclass(frozen=True)
class _Phase:
    """An acceptance phase checked outside the transaction, ready to record."""

    day: date
    label: str
    group: list[dict[str, str]]
    why: str
    failed: list[CheckInput]
    invited: int
    opinions: list[dict[str, Any]]


def _check_phase(
    contract: Contract,
    *,
    today: date,
    title: str,
    result: str,
    members: Sequence[Mapping[str, Any]],
    checklist: Sequence[CheckInput],
    reasons: str,
    accepted_on: date | None,
    recipients_invited: int,
    recipient_opinions: Sequence[Mapping[str, Any]],
) -> _Phase:
    """The checks that need no lock, in the order the errors are reported."""
    day = _day_or_today(accepted_on, today, field="accepted_on", message=_("验收日期不能晚于今天"))
    label = _text(title, field="title", message=_("请填写验收阶段名称"), limit=200)
    if result not in AcceptanceResult.values:
        raise ServiceError(Code.ACCEPTANCE_RESULT_INVALID, field="result")
    group = _members(members)
    why = (reasons or "").strip()
    if not checklist:
        raise ServiceError(Code.ACCEPTANCE_CHECKLIST_REQUIRED, field="checklist")
    failed = [c for c in checklist if not c.passed]
    if any(not (c.reason or "").strip() for c in failed):
        raise ServiceError(Code.ACCEPTANCE_FAILURE_REASON_REQUIRED, field="checklist")
    if result == AcceptanceResult.PASS and failed:
        raise ServiceError(Code.ACCEPTANCE_RESULT_INCONSISTENT, field="result")
    if result != AcceptanceResult.PASS and not why:
        raise ServiceError(Code.ACCEPTANCE_REASONS_REQUIRED, field="reasons")
    invited = int(recipients_invited or 0)
    if invited < 0:
        raise ServiceError(Code.ACCEPTANCE_INVITED_INVALID, field="recipients_invited")
    if contract.people_facing and invited == 0:
        raise ServiceError(
            Code.ACCEPTANCE_RECIPIENTS_REQUIRED,
            _("面向服务对象的项目，验收时须邀请服务对象参与并出具意见（依据：%(citation)s）")
            % {"citation": ACCEPTANCE_RULE},
            field="recipients_invited",
            params={"citation": ACCEPTANCE_RULE},
        )
    opinions = _opinions(recipient_opinions, invited)
    return _Phase(day, label, group, why, failed, invited, opinions)


def _check_deliverables(contract: Contract, checklist: Sequence[CheckInput]) -> None:
    deliverables = {d.pk: d for d in contract.deliverables.all()}
    ids = [c.deliverable_id for c in checklist]
    if len(set(ids)) != len(ids) or any(i not in deliverables for i in ids):
        raise ServiceError(Code.ACCEPTANCE_CHECKLIST_INVALID, field="checklist")


def _checklist_items(acceptance: Acceptance, checklist: Sequence[CheckInput]) -> None:
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                acceptance=acceptance,
                deliverable_id=c.deliverable_id,
                passed=c.passed,
                reason=(c.reason or "").strip(),
            )
            for c in checklist
        ]
    )


def _payments_fall_due(contract: Contract, phase: int, day: date) -> list[dict[str, Any]]:
    """Instalments tied to a passed phase fall due: for a small supplier within 30 days (the rule),
    otherwise on their planned date or the acceptance day."""
    due: list[dict[str, Any]] = []
    for payment in contract.payments.filter(after_phase=phase, paid_on__isnull=True):
        if contract.small_supplier:
            ruled = _ruled(lambda: rules.small_supplier_payment_due(day))
            payment.due_on, payment.due_citation = ruled.value, ruled.citation
        else:
            payment.due_on = payment.planned_on or day
        payment.save(update_fields=["due_on", "due_citation"])
        due.append({"payment": payment.pk, "due_on": payment.due_on})
    return due


def _complete(actor: Actor, contract: Contract, acceptance: Acceptance, moment: datetime) -> None:
    _set_status(
        actor,
        contract,
        ContractStatus.COMPLETED,
        Event.CONTRACT_COMPLETED,
        values={"completed_at": moment},
        extra={"acceptance": acceptance.pk, "accepted_on": acceptance.accepted_on},
    )


def acceptance_record(
    *,
    actor: Actor,
    contract: Contract,
    title: str,
    result: str,
    members: Sequence[Mapping[str, Any]],
    checklist: Sequence[CheckInput],
    reasons: str = "",
    final: bool = False,
    accepted_on: date | None = None,
    recipients_invited: int = 0,
    recipients_how: str = "",
    recipient_opinions: Sequence[Mapping[str, Any]] = (),
    now: datetime | None = None,
) -> Acceptance:
    """Record one acceptance phase (履约验收) with its group, checklist and the service recipients' opinions.

    The result must agree with the checklist (a failed item excludes "pass"; anything but "pass"
    gives reasons). For services to the public, the people served must have been invited (C205 §4).
    Instalments tied to this phase fall due when it passes — for a small supplier within 30 days.
    The final phase passing completes the contract; a failed phase goes on the supplier's
    performance history at once (the credit loop, through `hooks.supplier_fault_recorded`).
    """
    require_purchaser(actor, contract)
    moment = _moment(now)
    checked = _check_phase(
        contract,
        today=local_date(moment),
        title=title,
        result=result,
        members=members,
        checklist=checklist,
        reasons=reasons,
        accepted_on=accepted_on,
        recipients_invited=recipients_invited,
        recipient_opinions=recipient_opinions,
    )
    day = checked.day
    with transaction.atomic():
        contract = _lock(contract)
        _require_status(contract, ContractStatus.PUBLISHED)
        _check_deliverables(contract, checklist)
        phase = (contract.acceptances.aggregate(n=Max("phase"))["n"] or 0) + 1
        acceptance = Acceptance.objects.create(
            contract=contract,
            phase=phase,
            title=checked.label,
            final=final,
            accepted_on=day,
            result=result,
            reasons=checked.why,
            members=checked.group,
            recipients_invited=checked.invited,
            recipients_how=(recipients_how or "").strip()[:200],
            recipient_opinions=checked.opinions,
            recorded_by=actor,
            recorded_at=moment,
        )
        _checklist_items(acceptance, checklist)
        due = _payments_fall_due(contract, phase, day) if result == AcceptanceResult.PASS else []
        audit.record(
            actor=actor,
            action=Event.ACCEPTANCE_RECORDED,
            obj=acceptance,
            new={
                "contract": contract.pk,
                "phase": phase,
                "final": final,
                "result": result,
                "accepted_on": day,
                "items": len(checklist),
                "failed": len(checked.failed),
                "members": len(checked.group),
                "recipients_invited": checked.invited,
                "opinions": len(checked.opinions),
                "payments_due": due,
            },
            reason=checked.why or ACCEPTANCE_RULE,
        )
        if result == AcceptanceResult.FAIL:
            hooks.supplier_fault_recorded(
                actor=actor,
                fault=hooks.SupplierFault(
                    contract=contract,
                    kind="acceptance_failed",
                    occurred_on=day,
                    note=checked.why,
                    phase=phase,
                ),
            )
        if final and result == AcceptanceResult.PASS:
            _complete(actor, contract, acceptance, moment)
    return acceptance


def acceptance_publish(*, actor: Actor, acceptance: Acceptance, now: datetime | None = None) -> Acceptance:
    """Publish an acceptance result (published flag and time)."""
    require_purchaser(actor, acceptance.contract)
    moment = _moment(now)
    with transaction.atomic():
        acceptance = Acceptance.objects.select_for_update().get(pk=acceptance.pk)
        if acceptance.published:
            raise Conflict(Code.ACCEPTANCE_ALREADY_PUBLISHED)
        acceptance.published, acceptance.published_at = True, moment
        acceptance.save(update_fields=["published", "published_at"])
        audit.record(
            actor=actor,
            action=Event.ACCEPTANCE_PUBLISHED,
            obj=acceptance,
            old={"published": False},
            new={"published": True, "published_at": moment, "result": acceptance.result},
        )
    return acceptance
