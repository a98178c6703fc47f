"""Writes of a contract's life: creation from an award, signing, publication, supplementary
contracts, termination, the execution plan (milestones, deliverables, payments, posts), progress
reports and the phased performance acceptance.

Each service checks its actor, runs in one transaction and writes an audit event on the object it
changes (the contract for ``contract.*`` actions, the acceptance phase for ``acceptance.*``).
Every legal number comes from `opengps.rules` (deadlines, term, 10% cap, bond cap, SME payment).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.contracts.models import (
    Acceptance,
    AcceptanceResult,
    Amendment,
    ChecklistItem,
    Contract,
    ContractKind,
    ContractStatus,
    Deliverable,
    Milestone,
    Payment,
    Placement,
    Post,
    ProgressReport,
    ReportAttachment,
    TerminationFault,
)
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.money import parse_yuan
from opengps.evaluation.models import Award, DepositReturn, FrameworkCallOff, FrameworkShortlist
from opengps.procurement.models import Lot, Procurement
from opengps.procurement.services import _rule_error, local_date, require_official
from opengps.procurement.uploads import check_file
from opengps.rules import contracts as rules
from opengps.rules.base import RuleError
from opengps.rules.deadlines import (
    FRAMEWORK_FILING,
    contract_publication_deadline,
    contract_sign_deadline,
    framework_filing_deadline,
    framework_sign_deadline,
)
from opengps.rules.deposits import check_performance_bond, winner_deposit_return_deadline

REFERENCE_PREFIX = "HT"
MAX_REPORT_FILES = 10
ACCEPTANCE_RULE = "财库〔2016〕205号 第四条；政府采购法实施条例 第四十五条"
"""Purchase-of-services acceptance: a group checks each deliverable; services for the public invite
the people served to take part and give their opinion (C205 §4)."""


@dataclass(frozen=True)
class ReportFile:
    """A file uploaded with a progress report: original name and bytes."""

    name: str
    content: bytes


# --- helpers ---------------------------------------------------------------------------------------


def _moment(now: datetime | None) -> datetime:
    moment = now or clock.now()
    if timezone.is_naive(moment):
        raise ServiceError("request.time_naive", _("时间必须带时区"))
    return moment


def yuan(value: Any, *, field: str, allow_zero: bool = False) -> Decimal:
    """A yuan amount from text or Decimal (never float), rounded half-up to the fen."""
    return parse_yuan(value, field=field, code="contract.amount_invalid", allow_zero=allow_zero)


def _text(value: str, *, field: str, message: Any, limit: int = 5000) -> str:
    clean = (value or "").strip()
    if not clean:
        raise ServiceError("contract.text_required", message, field=field)
    if len(clean) > limit:
        raise ServiceError("contract.text_too_long", _("内容过长"), field=field)
    return clean


def require_purchaser(actor: Any, contract: Contract) -> None:
    """Writes on a contract: staff (purchaser role) of the purchasing unit only."""
    require_role(actor, Role.PURCHASER)
    if actor.unit_id != contract.purchaser_id:
        raise PermissionDenied("perm.other_unit", _("只有该合同的采购人可以操作"))


def require_supplier_member(actor: Any, contract: Contract) -> None:
    """Progress reports: members of the contract's supplier organization only."""
    require_role(actor, Role.SUPPLIER)
    if actor.organization_id != contract.supplier_id:
        raise PermissionDenied("contract.not_supplier", _("只有该合同的供应商可以报送"))


def _lock(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract.pk)


def _transition(contract: Contract, target: str) -> str:
    try:
        rules.check_contract_transition(contract.status, target)
    except RuleError as exc:
        raise Conflict(
            exc.code,
            _("合同当前状态（%(status)s）不能执行此操作") % {"status": contract.get_status_display()},
            field="status",
            params=exc.params,
        ) from None
    old = contract.status
    contract.status = target
    return old


def _require_status(contract: Contract, *statuses: str) -> None:
    if contract.status not in statuses:
        raise Conflict(
            "contract.wrong_status",
            _("合同当前状态（%(status)s）不能执行此操作") % {"status": contract.get_status_display()},
            field="status",
            params={"status": contract.status, "allowed": list(statuses)},
        )


def _ruled(call: Any, *, field: str | None = None) -> Any:
    try:
        return call()
    except RuleError as exc:
        raise _rule_error(exc, field=field) from None


def _indicators(items: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned: list[dict[str, str]] = []
    codes: set[str] = set()
    for n, item in enumerate(items, start=1):
        code = str(item.get("code") or f"i{n}").strip()[:32]
        name = _text(str(item.get("name", "")), field="indicators", message=_("绩效指标须有名称"), limit=200)
        if code in codes:
            raise ServiceError("contract.indicator_duplicate", _("绩效指标代码重复"), field="indicators")
        codes.add(code)
        cleaned.append(
            {
                "code": code,
                "name": name,
                "target": str(item.get("target", "")).strip()[:100],
                "unit": str(item.get("unit", "")).strip()[:20],
            }
        )
    return cleaned


# --- creation, signing, publication --------------------------------------------------------------


def _require_drafter(actor: Any, procurement: Procurement, kind: str) -> None:
    require_role(actor, Role.PURCHASER)
    if actor.unit_id != procurement.purchaser_id:
        raise PermissionDenied("perm.other_unit", _("只有该项目的采购人可以订立合同"))
    if kind not in ContractKind.values:
        raise ServiceError("contract.kind_invalid", _("合同类型无效"), field="kind")


@dataclass(frozen=True)
class _Terms:
    """What the purchaser fills in for any new contract (the form and API fields)."""

    starts_on: date
    ends_on: date
    title: str
    multi_year: bool
    performance_bond: Decimal | str
    small_supplier: bool | None
    people_facing: bool
    report_every_days: int
    indicators: Sequence[Mapping[str, Any]]
    terms: str


def _draft(
    *,
    actor: Any,
    procurement: Procurement,
    lot: Lot,
    kind: str,
    supplier_id: int,
    amount: Decimal,
    notice_on: date,
    declared_small: bool,
    default_title: str,
    terms: _Terms,
    lock: Callable[[], Mapping[str, Any]],
    basis: str,
    now: datetime | None,
) -> Contract:
    """The shared drafting step: the purchaser's unit only; term (O102 §24), bond (IR §48) and the
    30-day signing period (GPL §46) from the rules; `lock` locks the source row inside the
    transaction, refuses a second contract, and returns the link (`award` or `call_off`).
    The caller has checked `_require_drafter` first."""
    term = _ruled(
        lambda: rules.check_contract_term(
            terms.starts_on, terms.ends_on, multi_year_conditions=terms.multi_year
        ),
        field="ends_on",
    )
    _moment(now)  # a naive time is refused, as in every service
    bond = yuan(terms.performance_bond, field="performance_bond", allow_zero=True)
    bond_rule = _ruled(lambda: check_performance_bond(bond, amount), field="performance_bond")
    sign = _ruled(lambda: contract_sign_deadline(notice_on))
    if not 1 <= int(terms.report_every_days) <= 366:
        raise ServiceError(
            "contract.report_interval_invalid", _("报告周期应为 1–366 天"), field="report_every_days"
        )
    with transaction.atomic():
        link = lock()
        contract = Contract.objects.create(
            reference=f"tmp-{uuid.uuid4().hex}",  # replaced below once the pk is known
            kind=kind,
            **link,
            procurement=procurement,
            lot=lot,
            purchaser_id=procurement.purchaser_id,
            supplier_id=supplier_id,
            title=(terms.title or default_title).strip()[:200],
            amount=amount,
            original_amount=amount,
            starts_on=terms.starts_on,
            ends_on=terms.ends_on,
            multi_year=terms.multi_year,
            term_citation=term.citation,
            notice_on=notice_on,
            sign_due=sign.value,
            sign_citation=sign.citation,
            performance_bond=bond,
            bond_citation=bond_rule.citation if bond else "",
            small_supplier=declared_small if terms.small_supplier is None else terms.small_supplier,
            people_facing=terms.people_facing,
            report_every_days=int(terms.report_every_days),
            indicators=_indicators(terms.indicators),
            terms=(terms.terms or "").strip()[:20000],
            created_by=actor,
        )
        contract.reference = f"{REFERENCE_PREFIX}-{notice_on:%Y}-{contract.pk:06d}"
        contract.save(update_fields=["reference"])
        audit.record(
            actor=actor,
            action="contract.created",
            obj=contract,
            new={
                "status": contract.status,
                "kind": kind,
                **{name: row.pk for name, row in link.items()},
                "supplier": contract.supplier_id,
                "amount": amount,
                "starts_on": terms.starts_on,
                "ends_on": terms.ends_on,
                "performance_bond": bond,
                "sign_due": sign.value,
            },
            reason="；".join(c for c in (basis, sign.citation, term.citation) if c),
        )
    return contract


def contract_create_from_award(
    *,
    actor: Any,
    award: Award,
    kind: str,
    starts_on: date,
    ends_on: date,
    title: str = "",
    multi_year: bool = False,
    performance_bond: Decimal | str = Decimal("0"),
    small_supplier: bool | None = None,
    people_facing: bool = True,
    report_every_days: int = 30,
    indicators: Sequence[Mapping[str, Any]] = (),
    terms: str = "",
    now: datetime | None = None,
) -> Contract:
    """Draft the contract of an announced award, for the winner at the winning price.

    The term is checked against O102 §24, the bond against IR §48; the signing deadline (30 days
    after the award notice, GPL §46) is stored with its citation. `small_supplier` defaults to the
    winner's declared small/micro preference.
    """
    procurement = award.evaluation.procurement
    _require_drafter(actor, procurement, kind)
    if award.winner is None or award.announced_at is None:
        raise Conflict("contract.award_not_announced", _("中标（成交）结果尚未公告，不能订立合同"))
    winner = award.winner
    lot = award.lot

    def lock() -> Mapping[str, Any]:
        locked = Award.objects.select_for_update().get(pk=award.pk)
        if Contract.objects.filter(award=locked).exists():
            raise Conflict("contract.exists", _("该中标（成交）结果已订立合同"))
        return {"award": locked}

    return _draft(
        actor=actor,
        procurement=procurement,
        lot=lot,
        kind=kind,
        supplier_id=winner.organization_id,
        amount=winner.price_total,
        notice_on=local_date(award.announced_at),
        declared_small="small_micro" in (winner.preferences or []),
        default_title=procurement.title
        if procurement.lots.count() == 1
        else f"{procurement.title}（{lot.title}）",
        terms=_Terms(
            starts_on,
            ends_on,
            title,
            multi_year,
            performance_bond,
            small_supplier,
            people_facing,
            report_every_days,
            indicators,
            terms,
        ),
        lock=lock,
        basis="",
        now=now,
    )


def contract_create_from_call_off(
    *,
    actor: Any,
    call_off: FrameworkCallOff,
    starts_on: date,
    ends_on: date,
    title: str = "",
    multi_year: bool = False,
    performance_bond: Decimal | str = Decimal("0"),
    small_supplier: bool | None = None,
    people_facing: bool = True,
    report_every_days: int = 30,
    indicators: Sequence[Mapping[str, Any]] = (),
    terms: str = "",
    now: datetime | None = None,
) -> Contract:
    """Draft the call-off contract (框架协议合同) of a second-stage pick under a framework agreement.

    The supplier and amount are the call-off's (O110 §32-34); term, bond and the 30-day signing
    period are checked as for an award (O102 §24, IR §48, GPL §46), counted from the pick.
    """
    shortlist = call_off.shortlist
    procurement = shortlist.evaluation.procurement
    _require_drafter(actor, procurement, ContractKind.CALL_OFF)
    member = call_off.member

    def lock() -> Mapping[str, Any]:
        locked = FrameworkCallOff.objects.select_for_update().get(pk=call_off.pk)
        if Contract.objects.filter(call_off=locked).exists():
            raise Conflict("contract.exists", _("该框架协议成交已订立合同"))
        return {"call_off": locked}

    return _draft(
        actor=actor,
        procurement=procurement,
        lot=shortlist.lot,
        kind=ContractKind.CALL_OFF,
        supplier_id=member.organization_id,
        amount=call_off.amount,
        notice_on=local_date(call_off.picked_at),
        declared_small="small_micro" in (member.readout.preferences or []),
        default_title=f"{procurement.title}（{call_off.description}）",
        terms=_Terms(
            starts_on,
            ends_on,
            title,
            multi_year,
            performance_bond,
            small_supplier,
            people_facing,
            report_every_days,
            indicators,
            terms,
        ),
        lock=lock,
        basis=call_off.citation,
        now=now,
    )


def contract_sign(
    *,
    actor: Any,
    contract: Contract,
    signed_on: date | None = None,
    late_reason: str = "",
    now: datetime | None = None,
) -> Contract:
    """Record the signing (GPL §46: within 30 days of the award notice).

    A signature after the deadline is still a fact to record, but only with the reason, and the
    audit event marks it late. The publication deadline (2 working days, IR §50) and the winner's
    bid-deposit return deadline (5 working days, IR §33) start from the signing day.
    """
    require_purchaser(actor, contract)
    today = local_date(_moment(now))
    day = signed_on or today
    if day > today:
        raise ServiceError("contract.date_in_future", _("签订日期不能晚于今天"), field="signed_on")
    if contract.notice_on and day < contract.notice_on:
        raise ServiceError(
            "contract.signed_before_notice",
            _("签订日期不能早于中标（成交）通知书发出日期"),
            field="signed_on",
        )
    late = contract.sign_due is not None and day > contract.sign_due
    reason = (late_reason or "").strip()
    if late and not reason:
        raise ServiceError(
            "contract.sign_late_reason_required",
            _("已超过签订期限 %(due)s（依据：%(citation)s），逾期签订须说明原因")
            % {"due": contract.sign_due, "citation": contract.sign_citation},
            field="late_reason",
            params={"due": str(contract.sign_due), "citation": contract.sign_citation},
        )
    publish = _ruled(lambda: contract_publication_deadline(day))
    deposit = _ruled(lambda: winner_deposit_return_deadline(day))
    with transaction.atomic():
        contract = _lock(contract)
        old = _transition(contract, ContractStatus.SIGNED)
        contract.signed_on, contract.signed_by = day, actor
        contract.sign_late_reason = reason if late else ""
        contract.publish_due, contract.publish_citation = publish.value, publish.citation
        contract.save(
            update_fields=[
                "status",
                "signed_on",
                "signed_by",
                "sign_late_reason",
                "publish_due",
                "publish_citation",
            ]
        )
        deposits = DepositReturn.objects.filter(
            award=contract.award, organization_id=contract.supplier_id, due_on__isnull=True
        ).update(due_on=deposit.value, citation=deposit.citation)
        audit.record(
            actor=actor,
            action="contract.signed",
            obj=contract,
            old={"status": old},
            new={
                "status": contract.status,
                "signed_on": day,
                "late": late,
                "publish_due": publish.value,
                "deposit_due": deposit.value if deposits else None,
            },
            reason=reason if late else contract.sign_citation,
        )
    return contract


def contract_publish(
    *, actor: Any, contract: Contract, late_reason: str = "", now: datetime | None = None
) -> Contract:
    """Publish the signed contract on the platform (IR §50: within 2 working days of signing).

    Late publication needs its reason and is marked late in the audit trail.
    """
    require_purchaser(actor, contract)
    moment = _moment(now)
    today = local_date(moment)
    late = contract.publish_due is not None and today > contract.publish_due
    reason = (late_reason or "").strip()
    if late and not reason:
        raise ServiceError(
            "contract.publish_late_reason_required",
            _("已超过公告期限 %(due)s（依据：%(citation)s），逾期公告须说明原因")
            % {"due": contract.publish_due, "citation": contract.publish_citation},
            field="late_reason",
            params={"due": str(contract.publish_due), "citation": contract.publish_citation},
        )
    with transaction.atomic():
        contract = _lock(contract)
        old = _transition(contract, ContractStatus.PUBLISHED)
        contract.published_at = moment
        contract.publish_late_reason = reason if late else ""
        contract.save(update_fields=["status", "published_at", "publish_late_reason"])
        audit.record(
            actor=actor,
            action="contract.published",
            obj=contract,
            old={"status": old},
            new={"status": contract.status, "published_at": moment, "late": late},
            reason=reason if late else contract.publish_citation,
        )
    return contract


# --- amendments and termination ------------------------------------------------------------------


def contract_amend(
    *,
    actor: Any,
    contract: Contract,
    added_amount: Decimal | str,
    reason: str,
    signed_on: date | None = None,
    new_ends_on: date | None = None,
    now: datetime | None = None,
) -> Amendment:
    """Record a supplementary contract (补充合同).

    All supplementary contracts together may add at most 10% of the original amount (GPL §49):
    beyond that the amendment is refused with ``contract.amendment_over_cap`` citing the article.
    A new end date is checked against the term limit (O102 §24) from the original start.
    """
    require_purchaser(actor, contract)
    moment = _moment(now)
    added = yuan(added_amount, field="added_amount", allow_zero=True)
    why = _text(reason, field="reason", message=_("请说明变更理由"))
    with transaction.atomic():
        contract = _lock(contract)
        _require_status(contract, ContractStatus.SIGNED, ContractStatus.PUBLISHED)
        ends_on = new_ends_on or contract.ends_on
        if added == 0 and ends_on == contract.ends_on:
            raise ServiceError(
                "contract.amendment_empty", _("补充合同未变更金额或期限"), field="added_amount"
            )
        original = contract.original_amount or contract.amount
        before = contract.amendments.aggregate(total=Sum("added_amount"))["total"] or Decimal("0")
        cumulative = before + added
        try:
            cap = rules.check_amendment(original, cumulative)
        except RuleError as exc:
            raise _rule_error(exc, field="added_amount") from None
        if ends_on != contract.ends_on:
            _ruled(
                lambda: rules.check_contract_term(
                    contract.starts_on, ends_on, multi_year_conditions=contract.multi_year
                ),
                field="new_ends_on",
            )
        number = (contract.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
        amendment = Amendment.objects.create(
            contract=contract,
            number=number,
            added_amount=added,
            amount_before=contract.amount,
            amount_after=contract.amount + added,
            cumulative=cumulative,
            cap=cap.value,
            citation=cap.citation,
            ends_on_before=contract.ends_on,
            ends_on_after=ends_on,
            reason=why,
            signed_on=signed_on or local_date(moment),
            recorded_by=actor,
            recorded_at=moment,
        )
        old = {"amount": contract.amount, "ends_on": contract.ends_on}
        contract.amount, contract.ends_on = amendment.amount_after, ends_on
        contract.save(update_fields=["amount", "ends_on"])
        audit.record(
            actor=actor,
            action="contract.amended",
            obj=contract,
            old=old,
            new={
                "amount": contract.amount,
                "ends_on": ends_on,
                "amendment": number,
                "added_amount": added,
                "cumulative": cumulative,
                "cap": cap.value,
            },
            reason=f"{why}（{cap.citation}）",
        )
    return amendment


def contract_terminate(
    *,
    actor: Any,
    contract: Contract,
    reason: str,
    fault: str,
    terminated_on: date | None = None,
    now: datetime | None = None,
) -> Contract:
    """Terminate a signed contract early, with the reason and who is at fault.

    A termination for the supplier's fault is a fact the performance and credit apps read
    (`selectors.terminations`).
    """
    require_purchaser(actor, contract)
    today = local_date(_moment(now))
    why = _text(reason, field="reason", message=_("请说明解除原因"))
    if fault not in TerminationFault.values:
        raise ServiceError("contract.fault_invalid", _("请选择解除责任方"), field="fault")
    day = terminated_on or today
    if day > today:
        raise ServiceError("contract.date_in_future", _("解除日期不能晚于今天"), field="terminated_on")
    with transaction.atomic():
        contract = _lock(contract)
        old = _transition(contract, ContractStatus.TERMINATED)
        if contract.signed_on and day < contract.signed_on:
            raise ServiceError(
                "contract.date_before_signing", _("解除日期不能早于签订日期"), field="terminated_on"
            )
        contract.terminated_on, contract.termination_fault, contract.termination_reason = day, fault, why
        contract.save(update_fields=["status", "terminated_on", "termination_fault", "termination_reason"])
        audit.record(
            actor=actor,
            action="contract.terminated",
            obj=contract,
            old={"status": old},
            new={"status": contract.status, "terminated_on": day, "fault": fault},
            reason=why,
        )
        if fault == TerminationFault.SUPPLIER:
            _credit_fact(
                actor,
                contract,
                kind="terminated",
                reference=contract.reference,
                occurred_on=day,
                note=why,
            )
    return contract


def _credit_fact(
    actor: Any, contract: Contract, *, kind: str, reference: str, occurred_on: date, note: str
) -> None:
    """Put a failed acceptance or a termination for the supplier's fault on the supplier's
    performance history at once (the credit loop), in the caller's transaction. Finalizing a
    performance evaluation later finds it under the same reference and does not count it again."""
    from opengps.performance.services import performance_history_record

    performance_history_record(
        actor=actor,
        organization=contract.supplier,
        source="contract",
        reference=reference,
        kind=kind,
        occurred_on=occurred_on,
        note=note[:500],
    )


# --- execution plan: milestones, deliverables, payments, posts -----------------------------------


def _plan_editable(contract: Contract) -> None:
    _require_status(contract, ContractStatus.DRAFT, ContractStatus.SIGNED, ContractStatus.PUBLISHED)


def milestone_add(*, actor: Any, contract: Contract, title: str, due_on: date, note: str = "") -> Milestone:
    """Add a dated milestone to the execution plan."""
    require_purchaser(actor, contract)
    name = _text(title, field="title", message=_("请填写节点名称"), limit=200)
    with transaction.atomic():
        contract = _lock(contract)
        _plan_editable(contract)
        if not contract.starts_on <= due_on <= contract.ends_on:
            raise ServiceError("contract.date_outside_term", _("日期须在合同履行期限内"), field="due_on")
        order = (contract.milestones.aggregate(n=Max("order"))["n"] or 0) + 1
        milestone = Milestone.objects.create(
            contract=contract, order=order, title=name, due_on=due_on, note=(note or "").strip()
        )
        audit.record(
            actor=actor,
            action="contract.milestone_updated",
            obj=contract,
            new={"milestone": milestone.pk, "order": order, "title": name, "due_on": due_on},
        )
    return milestone


def milestone_complete(
    *,
    actor: Any,
    milestone: Milestone,
    done_on: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Milestone:
    """Mark a milestone reached (the purchaser confirms)."""
    contract = milestone.contract
    require_purchaser(actor, contract)
    today = local_date(_moment(now))
    day = done_on or today
    if day > today:
        raise ServiceError("contract.date_in_future", _("完成日期不能晚于今天"), field="done_on")
    with transaction.atomic():
        contract = _lock(contract)
        _require_status(contract, ContractStatus.PUBLISHED)
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.done_on is not None:
            raise Conflict("contract.milestone_done", _("该节点已完成"))
        milestone.done_on = day
        if note:
            milestone.note = note.strip()
        milestone.save(update_fields=["done_on", "note"])
        audit.record(
            actor=actor,
            action="contract.milestone_updated",
            obj=contract,
            old={"milestone": milestone.pk, "done_on": None},
            new={"milestone": milestone.pk, "done_on": day, "late": day > milestone.due_on},
        )
    return milestone


def deliverable_add(
    *, actor: Any, contract: Contract, name: str, standard: str = "", milestone: Milestone | None = None
) -> Deliverable:
    """Add a deliverable (with its acceptance standard) that acceptance phases will check."""
    require_purchaser(actor, contract)
    label = _text(name, field="name", message=_("请填写交付内容"), limit=200)
    if milestone is not None and milestone.contract_id != contract.pk:
        raise ServiceError("contract.milestone_other_contract", _("节点不属于该合同"), field="milestone")
    with transaction.atomic():
        contract = _lock(contract)
        _plan_editable(contract)
        deliverable = Deliverable.objects.create(
            contract=contract, milestone=milestone, name=label, standard=(standard or "").strip()
        )
        audit.record(
            actor=actor,
            action="contract.milestone_updated",
            obj=contract,
            new={
                "deliverable": deliverable.pk,
                "name": label,
                "milestone": milestone.pk if milestone else None,
            },
        )
    return deliverable


def payment_schedule_add(
    *,
    actor: Any,
    contract: Contract,
    title: str,
    amount: Decimal | str,
    planned_on: date | None = None,
    after_phase: int | None = None,
) -> Payment:
    """Add an instalment: on a planned date, or after an acceptance phase passes (then, for a small
    supplier, due within 30 days of the acceptance — see `acceptance_record`)."""
    require_purchaser(actor, contract)
    label = _text(title, field="title", message=_("请填写款项名称"), limit=200)
    money = yuan(amount, field="amount")
    if planned_on is None and after_phase is None:
        raise ServiceError(
            "contract.payment_when_missing", _("请填写计划支付日期或对应的验收阶段"), field="planned_on"
        )
    if after_phase is not None and not 1 <= int(after_phase) <= 20:
        raise ServiceError("contract.phase_invalid", _("验收阶段序号无效"), field="after_phase")
    with transaction.atomic():
        contract = _lock(contract)
        _plan_editable(contract)
        scheduled = contract.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        if scheduled + money > contract.amount:
            raise ServiceError(
                "contract.payments_over_amount",
                _("支付计划合计 %(total)s 元超过合同金额 %(amount)s 元")
                % {"total": scheduled + money, "amount": contract.amount},
                field="amount",
                params={"total": str(scheduled + money), "amount": str(contract.amount)},
            )
        order = (contract.payments.aggregate(n=Max("order"))["n"] or 0) + 1
        payment = Payment.objects.create(
            contract=contract,
            order=order,
            title=label,
            amount=money,
            planned_on=planned_on,
            after_phase=after_phase,
            due_on=planned_on if after_phase is None else None,
        )
        audit.record(
            actor=actor,
            action="contract.milestone_updated",
            obj=contract,
            new={
                "payment": payment.pk,
                "order": order,
                "amount": money,
                "planned_on": planned_on,
                "after_phase": after_phase,
            },
        )
    return payment


def payment_record(
    *,
    actor: Any,
    payment: Payment,
    paid_on: date | None = None,
    paid_amount: Decimal | str | None = None,
    voucher: str = "",
    now: datetime | None = None,
) -> Payment:
    """Record that an instalment was paid (late when after its due date)."""
    contract = payment.contract
    require_purchaser(actor, contract)
    today = local_date(_moment(now))
    day = paid_on or today
    if day > today:
        raise ServiceError("contract.date_in_future", _("支付日期不能晚于今天"), field="paid_on")
    with transaction.atomic():
        contract = _lock(contract)
        _require_status(
            contract, ContractStatus.PUBLISHED, ContractStatus.COMPLETED, ContractStatus.TERMINATED
        )
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.paid_on is not None:
            raise Conflict("contract.payment_recorded", _("该笔款项已登记支付"))
        money = payment.amount if paid_amount in (None, "") else yuan(paid_amount, field="paid_amount")
        if money > payment.amount:
            raise ServiceError(
                "contract.paid_over_amount", _("实付金额超过该期应付金额"), field="paid_amount"
            )
        payment.paid_on, payment.paid_amount, payment.voucher = day, money, (voucher or "").strip()[:80]
        payment.save(update_fields=["paid_on", "paid_amount", "voucher"])
        late = payment.due_on is not None and day > payment.due_on
        audit.record(
            actor=actor,
            action="contract.payment_recorded",
            obj=contract,
            old={"payment": payment.pk, "paid_on": None},
            new={
                "payment": payment.pk,
                "paid_on": day,
                "paid_amount": money,
                "due_on": payment.due_on,
                "late": late,
            },
            reason=payment.due_citation,
        )
    return payment


def post_add(
    *, actor: Any, contract: Contract, name: str, headcount: int, location: str, duties: str = ""
) -> Post:
    """岗位购买: a post, how many people it needs and where they serve."""
    require_purchaser(actor, contract)
    if contract.kind != ContractKind.POSTS:
        raise Conflict("contract.not_posts", _("只有岗位购买合同可以设置岗位"))
    label = _text(name, field="name", message=_("请填写岗位名称"), limit=120)
    place = _text(location, field="location", message=_("请填写服务地点"), limit=200)
    if not 1 <= int(headcount) <= 10000:
        raise ServiceError("contract.headcount_invalid", _("岗位人数无效"), field="headcount")
    with transaction.atomic():
        contract = _lock(contract)
        _plan_editable(contract)
        post = Post.objects.create(
            contract=contract,
            name=label,
            headcount=int(headcount),
            location=place,
            duties=(duties or "").strip(),
        )
        audit.record(
            actor=actor,
            action="contract.milestone_updated",
            obj=contract,
            new={"post": post.pk, "name": label, "headcount": post.headcount, "location": place},
        )
    return post


def placement_record(
    *,
    actor: Any,
    post: Post,
    person_name: str,
    starts_on: date,
    qualification: str = "",
    ends_on: date | None = None,
) -> Placement:
    """The supplier (or the purchaser) records who is placed in a post; a post is never over-staffed."""
    contract = post.contract
    if getattr(actor, "role", None) == Role.SUPPLIER:
        require_supplier_member(actor, contract)
    else:
        require_purchaser(actor, contract)
    person = _text(person_name, field="person_name", message=_("请填写姓名"), limit=60)
    if ends_on is not None and ends_on < starts_on:
        raise ServiceError("contract.placement_dates", _("离岗日期不能早于到岗日期"), field="ends_on")
    with transaction.atomic():
        contract = _lock(contract)
        _require_status(contract, ContractStatus.SIGNED, ContractStatus.PUBLISHED)
        active = Placement.objects.filter(post=post, ends_on__isnull=True).count()
        if ends_on is None and active >= post.headcount:
            raise Conflict("contract.post_full", _("该岗位在岗人数已满"), field="person_name")
        placement = Placement.objects.create(
            post=post,
            person_name=person,
            qualification=(qualification or "").strip()[:200],
            starts_on=starts_on,
            ends_on=ends_on,
        )
        audit.record(
            actor=actor,
            action="contract.milestone_updated",
            obj=contract,
            new={"post": post.pk, "placement": placement.pk, "starts_on": starts_on, "ends_on": ends_on},
        )
    return placement


# --- execution: progress reports -----------------------------------------------------------------


def _figures(contract: Contract, figures: Mapping[str, Any]) -> dict[str, str]:
    codes = {i["code"] for i in contract.indicators}
    cleaned: dict[str, str] = {}
    for code, value in figures.items():
        if value in (None, ""):
            continue
        if code not in codes:
            raise ServiceError(
                "contract.indicator_unknown",
                _("“%(code)s”不是该合同的绩效指标") % {"code": code},
                field="figures",
            )
        if isinstance(value, float):
            raise ServiceError("contract.figure_invalid", _("指标数值格式无效"), field="figures")
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ServiceError("contract.figure_invalid", _("指标数值格式无效"), field="figures") from None
        if not number.is_finite():
            raise ServiceError("contract.figure_invalid", _("指标数值格式无效"), field="figures")
        cleaned[code] = str(number)
    return cleaned


def progress_report_submit(
    *,
    actor: Any,
    contract: Contract,
    period_start: date,
    period_end: date,
    summary: str,
    figures: Mapping[str, Any] | None = None,
    files: Sequence[ReportFile] = (),
    now: datetime | None = None,
) -> ProgressReport:
    """The supplier reports progress for a period with figures against the contract's indicators.

    Attachments go through the platform's upload checker (size cap, type by content).
    """
    require_supplier_member(actor, contract)
    moment = _moment(now)
    text = _text(summary, field="summary", message=_("请填写履约情况"), limit=20000)
    if period_end < period_start:
        raise ServiceError("contract.period_invalid", _("报告期止不能早于报告期起"), field="period_end")
    if period_start < contract.starts_on or period_end > local_date(moment):
        raise ServiceError(
            "contract.period_outside", _("报告期须在合同开始之后且不晚于今天"), field="period_start"
        )
    if len(files) > MAX_REPORT_FILES:
        raise ServiceError("contract.too_many_files", _("附件最多 10 个"), field="files")
    checked = [check_file(f.name, f.content, field="files") for f in files]
    numbers = _figures(contract, figures or {})
    with transaction.atomic():
        contract = _lock(contract)
        _require_status(contract, ContractStatus.PUBLISHED)
        report = ProgressReport.objects.create(
            contract=contract,
            period_start=period_start,
            period_end=period_end,
            summary=text,
            figures=numbers,
            submitted_by=actor,
            submitted_at=moment,
        )
        ReportAttachment.objects.bulk_create(
            [
                ReportAttachment(
                    report=report,
                    name=c.name,
                    kind=c.kind,
                    size=len(c.content),
                    sha256=hashlib.sha256(c.content).hexdigest(),
                    content=c.content,
                )
                for c in checked
            ]
        )
        audit.record(
            actor=actor,
            action="contract.progress_reported",
            obj=contract,
            new={
                "report": report.pk,
                "period_start": period_start,
                "period_end": period_end,
                "figures": numbers,
                "files": [{"name": c.name, "sha256": hashlib.sha256(c.content).hexdigest()} for c in checked],
            },
        )
    return report


# --- acceptance ----------------------------------------------------------------------------------


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
        raise ServiceError("acceptance.group_required", _("请填写验收小组成员"), field="members")
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
        raise ServiceError(
            "acceptance.opinions_over_invited",
            _("服务对象意见数不能多于邀请人数"),
            field="recipient_opinions",
        )
    return cleaned


def acceptance_record(
    *,
    actor: Any,
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
    The final phase passing completes the contract.
    """
    require_purchaser(actor, contract)
    moment = _moment(now)
    today = local_date(moment)
    day = accepted_on or today
    if day > today:
        raise ServiceError("contract.date_in_future", _("验收日期不能晚于今天"), field="accepted_on")
    label = _text(title, field="title", message=_("请填写验收阶段名称"), limit=200)
    if result not in AcceptanceResult.values:
        raise ServiceError("acceptance.result_invalid", _("验收结论无效"), field="result")
    group = _members(members)
    why = (reasons or "").strip()
    if not checklist:
        raise ServiceError("acceptance.checklist_required", _("请逐项填写验收清单"), field="checklist")
    failed = [c for c in checklist if not c.passed]
    if any(not (c.reason or "").strip() for c in failed):
        raise ServiceError("acceptance.failure_reason_required", _("不合格项须说明理由"), field="checklist")
    if result == AcceptanceResult.PASS and failed:
        raise ServiceError(
            "acceptance.result_inconsistent", _("验收清单有不合格项，结论不能为合格"), field="result"
        )
    if result != AcceptanceResult.PASS and not why:
        raise ServiceError(
            "acceptance.reasons_required", _("结论为部分合格或不合格时须说明理由"), field="reasons"
        )
    invited = int(recipients_invited or 0)
    if invited < 0:
        raise ServiceError("acceptance.invited_invalid", _("邀请人数无效"), field="recipients_invited")
    if contract.people_facing and invited == 0:
        raise ServiceError(
            "acceptance.recipients_required",
            _("面向服务对象的项目，验收时须邀请服务对象参与并出具意见（依据：%(citation)s）")
            % {"citation": ACCEPTANCE_RULE},
            field="recipients_invited",
            params={"citation": ACCEPTANCE_RULE},
        )
    opinions = _opinions(recipient_opinions, invited)
    with transaction.atomic():
        contract = _lock(contract)
        _require_status(contract, ContractStatus.PUBLISHED)
        deliverables = {d.pk: d for d in contract.deliverables.all()}
        ids = [c.deliverable_id for c in checklist]
        if len(set(ids)) != len(ids) or any(i not in deliverables for i in ids):
            raise ServiceError(
                "acceptance.checklist_invalid",
                _("验收清单须为该合同的交付内容，且每项只列一次"),
                field="checklist",
            )
        phase = (contract.acceptances.aggregate(n=Max("phase"))["n"] or 0) + 1
        acceptance = Acceptance.objects.create(
            contract=contract,
            phase=phase,
            title=label,
            final=final,
            accepted_on=day,
            result=result,
            reasons=why,
            members=group,
            recipients_invited=invited,
            recipients_how=(recipients_how or "").strip()[:200],
            recipient_opinions=opinions,
            recorded_by=actor,
            recorded_at=moment,
        )
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
        due: list[dict[str, Any]] = []
        if result == AcceptanceResult.PASS:
            for payment in contract.payments.filter(after_phase=phase, paid_on__isnull=True):
                if contract.small_supplier:
                    ruled = _ruled(lambda: rules.small_supplier_payment_due(day))
                    payment.due_on, payment.due_citation = ruled.value, ruled.citation
                else:
                    payment.due_on = payment.planned_on or day
                payment.save(update_fields=["due_on", "due_citation"])
                due.append({"payment": payment.pk, "due_on": payment.due_on})
        audit.record(
            actor=actor,
            action="acceptance.recorded",
            obj=acceptance,
            new={
                "contract": contract.pk,
                "phase": phase,
                "final": final,
                "result": result,
                "accepted_on": day,
                "items": len(checklist),
                "failed": len(failed),
                "members": len(group),
                "recipients_invited": invited,
                "opinions": len(opinions),
                "payments_due": due,
            },
            reason=why or ACCEPTANCE_RULE,
        )
        if result == AcceptanceResult.FAIL:
            from opengps.performance.services import acceptance_reference

            _credit_fact(
                actor,
                contract,
                kind="acceptance_failed",
                reference=acceptance_reference(contract.reference, phase),
                occurred_on=day,
                note=why,
            )
        if final and result == AcceptanceResult.PASS:
            old = _transition(contract, ContractStatus.COMPLETED)
            contract.completed_at = moment
            contract.save(update_fields=["status", "completed_at"])
            audit.record(
                actor=actor,
                action="contract.completed",
                obj=contract,
                old={"status": old},
                new={"status": contract.status, "acceptance": acceptance.pk, "accepted_on": day},
            )
    return acceptance


def acceptance_publish(*, actor: Any, acceptance: Acceptance, now: datetime | None = None) -> Acceptance:
    """Publish an acceptance result (published flag and time)."""
    require_purchaser(actor, acceptance.contract)
    moment = _moment(now)
    with transaction.atomic():
        acceptance = Acceptance.objects.select_for_update().get(pk=acceptance.pk)
        if acceptance.published:
            raise Conflict("acceptance.already_published", _("验收结果已公开"))
        acceptance.published, acceptance.published_at = True, moment
        acceptance.save(update_fields=["published", "published_at"])
        audit.record(
            actor=actor,
            action="acceptance.published",
            obj=acceptance,
            old={"published": False},
            new={"published": True, "published_at": moment, "result": acceptance.result},
        )
    return acceptance


# --- framework agreements (O110 §29) ---------------------------------------------------------------


def _framework_late(day: date, due: date, reason: str, *, code: str, citation: str, what: Any) -> str:
    """The late reason, required (and kept) only when `day` is after `due`."""
    late = day > due
    text = (reason or "").strip()
    if late and not text:
        raise ServiceError(
            code,
            _("%(what)s期限已于 %(due)s 届满，逾期须说明原因（依据：%(citation)s）")
            % {"what": what, "due": due.isoformat(), "citation": citation},
            field="late_reason",
            params={"due": due.isoformat(), "citation": citation},
        )
    return text if late else ""


def framework_agreement_sign(
    *, actor: Any, shortlist: FrameworkShortlist, late_reason: str = "", now: datetime | None = None
) -> FrameworkShortlist:
    """The collecting body signs the framework agreement with the shortlisted suppliers within 30
    days of the shortlist notice, and must then file a copy within 7 working days (O110 §29).

    Signing before the notice is refused; late signing needs its reason and is marked late.
    """

    procurement = shortlist.evaluation.procurement
    require_official(actor, procurement)
    day = local_date(now or clock.now())
    with transaction.atomic():
        shortlist = FrameworkShortlist.objects.select_for_update().get(pk=shortlist.pk)
        if shortlist.announced_at is None:
            raise Conflict("framework.not_announced", _("入围结果公告（入围通知书）发出后方可签订框架协议"))
        if shortlist.signed_on is not None:
            raise Conflict("framework.already_signed", _("框架协议已签订"))
        sign = _ruled(lambda: framework_sign_deadline(local_date(shortlist.announced_at)))
        reason = _framework_late(
            day,
            sign.value,
            late_reason,
            code="framework.sign_late_reason_required",
            citation=sign.citation,
            what=_("签订框架协议"),
        )
        file_due = _ruled(lambda: framework_filing_deadline(day))
        shortlist.signed_on, shortlist.sign_late_reason, shortlist.file_due = day, reason, file_due.value
        shortlist.save(update_fields=["signed_on", "sign_late_reason", "file_due"])
        audit.record(
            actor=actor,
            action="framework.agreement_signed",
            obj=procurement,
            new={
                "lot": shortlist.lot_id,
                "signed_on": day,
                "sign_due": sign.value,
                "late": bool(reason),
                "file_due": file_due.value,
            },
            reason=reason or f"{sign.citation}；{file_due.citation}",
        )
    return shortlist


def framework_agreement_file(
    *, actor: Any, shortlist: FrameworkShortlist, late_reason: str = "", now: datetime | None = None
) -> FrameworkShortlist:
    """A copy of the signed agreement is filed with the finance department of the same level within
    7 working days of signing (O110 §29); late filing needs its reason and is marked late."""

    procurement = shortlist.evaluation.procurement
    require_official(actor, procurement)
    day = local_date(now or clock.now())
    citation = FRAMEWORK_FILING.history[-1].citation
    with transaction.atomic():
        shortlist = FrameworkShortlist.objects.select_for_update().get(pk=shortlist.pk)
        if shortlist.signed_on is None or shortlist.file_due is None:
            raise Conflict("framework.not_signed", _("框架协议签订后方可备案"))
        if shortlist.filed_on is not None:
            raise Conflict("framework.already_filed", _("框架协议已备案"))
        reason = _framework_late(
            day,
            shortlist.file_due,
            late_reason,
            code="framework.file_late_reason_required",
            citation=citation,
            what=_("框架协议备案"),
        )
        shortlist.filed_on, shortlist.file_late_reason = day, reason
        shortlist.save(update_fields=["filed_on", "file_late_reason"])
        audit.record(
            actor=actor,
            action="framework.agreement_filed",
            obj=procurement,
            new={
                "lot": shortlist.lot_id,
                "filed_on": day,
                "file_due": shortlist.file_due,
                "late": bool(reason),
            },
            reason=reason or citation,
        )
    return shortlist
