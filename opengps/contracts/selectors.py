"""Reads of contracts: who sees which contract, the public page, what is late (from dates), and
the facts the performance and credit apps read (failed acceptances, terminations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opengps.accounts import scopes
from opengps.accounts.actors import Viewer
from opengps.accounts.models import Role
from opengps.accounts.permissions import is_authenticated
from opengps.contracts.errors import Code
from opengps.contracts.models import (
    Acceptance,
    AcceptanceResult,
    Contract,
    ContractStatus,
    Payment,
    TerminationFault,
)
from opengps.core import clock
from opengps.core.errors import NotFound
from opengps.evaluation.models import Award, FrameworkCallOff
from opengps.rules.contracts import amendment_cap

READ_ALL_ROLES = frozenset({Role.FINANCE, Role.AUDITOR, Role.ADMIN})
"""Oversee contracts: auditors and administrators all, finance its region's (`accounts.scopes`)."""
PUBLIC_STATUSES = (ContractStatus.PUBLISHED, ContractStatus.COMPLETED, ContractStatus.TERMINATED)


def _base() -> QuerySet[Contract]:
    return Contract.objects.select_related("purchaser", "supplier", "procurement", "lot")


def visible_contracts(actor: Viewer) -> QuerySet[Contract]:
    """Contracts the actor may read in full: the purchasing unit's staff, the supplier's members,
    finance, auditors and administrators (read all). Others: none (see `public_contracts`)."""
    if not is_authenticated(actor):
        return Contract.objects.none()
    if actor.role in READ_ALL_ROLES:
        return _base().filter(scopes.units_q(actor, "purchaser"))
    if actor.role in (Role.PURCHASER, Role.AGENCY) and actor.unit_id is not None:
        return _base().filter(Q(purchaser_id=actor.unit_id) | Q(procurement__agency_id=actor.unit_id))
    if actor.role == Role.SUPPLIER and actor.organization_id is not None:
        return _base().filter(supplier_id=actor.organization_id).exclude(status=ContractStatus.DRAFT)
    return Contract.objects.none()


def contract_list(*, actor: Viewer, status: str = "") -> QuerySet[Contract]:
    contracts = visible_contracts(actor)
    return contracts.filter(status=status) if status else contracts


def can_read(actor: Viewer, contract: Contract) -> bool:
    return visible_contracts(actor).filter(pk=contract.pk).exists()


def can_write(actor: Viewer, contract: Contract) -> bool:
    """Whether the actor is staff of the purchasing unit (the services check again)."""
    return is_authenticated(actor) and actor.role == Role.PURCHASER and actor.unit_id == contract.purchaser_id


def is_supplier_member(actor: Viewer, contract: Contract) -> bool:
    return (
        is_authenticated(actor)
        and actor.role == Role.SUPPLIER
        and actor.organization_id == contract.supplier_id
    )


def contract_get(*, actor: Viewer, contract_id: int) -> Contract:
    contract = visible_contracts(actor).filter(pk=contract_id).first()
    if contract is None:
        raise NotFound(Code.CONTRACT_NOT_FOUND)
    return contract


def public_contracts() -> QuerySet[Contract]:
    """Published contracts (IR §50), newest first; shown without login."""
    return _base().filter(published_at__isnull=False, status__in=PUBLIC_STATUSES).order_by("-published_at")


def public_contract_get(contract_id: int) -> Contract:
    contract = public_contracts().filter(pk=contract_id).first()
    if contract is None:
        raise NotFound(Code.CONTRACT_NOT_FOUND, _("合同不存在或尚未公开"))
    return contract


def public_acceptances(contract: Contract) -> QuerySet[Acceptance]:
    return contract.acceptances.filter(published=True).order_by("phase")


def awards_to_contract(actor: Viewer) -> QuerySet[Award]:
    """Announced awards of the actor's unit that have no contract yet."""
    if not is_authenticated(actor) or actor.role != Role.PURCHASER or actor.unit_id is None:
        return Award.objects.none()
    return (
        Award.objects.filter(
            evaluation__procurement__purchaser_id=actor.unit_id,
            winner__isnull=False,
            announced_at__isnull=False,
            contract__isnull=True,
        )
        .select_related("lot", "evaluation__procurement", "winner__organization")
        .order_by("-announced_at")
    )


def call_offs_to_contract(actor: Viewer) -> QuerySet[FrameworkCallOff]:
    """Framework call-offs (second-stage picks) of the actor's unit that have no contract yet; not
    those picked by an e-mall order, which is itself their contract (`FrameworkCallOff.by_order`)."""
    if not is_authenticated(actor) or actor.role != Role.PURCHASER or actor.unit_id is None:
        return FrameworkCallOff.objects.none()
    return (
        FrameworkCallOff.objects.filter(
            shortlist__evaluation__procurement__purchaser_id=actor.unit_id,
            contract__isnull=True,
            by_order=False,
        )
        .select_related("shortlist__lot", "shortlist__evaluation__procurement", "member__organization")
        .order_by("-picked_at")
    )


# --- what is late, derived from dates ------------------------------------------------------------


@dataclass(frozen=True)
class LateItem:
    """One thing past its date: `kind` is sign / publish / milestone / report / payment."""

    contract: Contract
    kind: str
    label: str
    due_on: date
    today: date

    @property
    def days_late(self) -> int:
        return (self.today - self.due_on).days


KIND_LABELS = {
    "sign": _("合同逾期未签订"),
    "publish": _("合同逾期未公告"),
    "milestone": _("履约节点逾期"),
    "report": _("履约报告未报送"),
    "payment": _("款项逾期未支付"),
}


def report_due_dates(contract: Contract) -> list[date]:
    """A progress report is due every `report_every_days` from the start, within the term."""
    step = timedelta(days=max(contract.report_every_days, 1))
    dues, due = [], contract.starts_on + step
    while due <= contract.ends_on:
        dues.append(due)
        due += step
    return dues


def missing_reports(contract: Contract, today: date, received: int | None = None) -> list[date]:
    """Due dates (before `today`) not matched by a received report: reports are counted in order,
    so the n-th report answers the n-th due date."""
    if contract.status != ContractStatus.PUBLISHED:
        return []
    count = contract.reports.count() if received is None else received
    return [due for due in report_due_dates(contract) if due < today][count:]


def late_items(contracts: QuerySet[Contract], today: date | None = None) -> list[LateItem]:
    """What is late across `contracts`, computed from dates (no scheduled job)."""
    day = today or clock.today()
    items: list[LateItem] = []
    rows = list(
        contracts.filter(
            status__in=(
                ContractStatus.DRAFT,
                ContractStatus.SIGNED,
                ContractStatus.PUBLISHED,
                ContractStatus.COMPLETED,
            )
        ).prefetch_related("milestones", "reports", "payments")
    )
    for c in rows:
        if c.status == ContractStatus.DRAFT and c.sign_due and c.sign_due < day:
            items.append(LateItem(c, "sign", str(KIND_LABELS["sign"]), c.sign_due, day))
        if c.status == ContractStatus.SIGNED and c.publish_due and c.publish_due < day:
            items.append(LateItem(c, "publish", str(KIND_LABELS["publish"]), c.publish_due, day))
        if c.status == ContractStatus.PUBLISHED:
            for m in c.milestones.all():
                if m.done_on is None and m.due_on < day:
                    items.append(LateItem(c, "milestone", m.title, m.due_on, day))
            for due in missing_reports(c, day, len(c.reports.all())):
                items.append(LateItem(c, "report", str(KIND_LABELS["report"]), due, day))
        for p in c.payments.all():
            if p.paid_on is None and p.due_on is not None and p.due_on < day:
                items.append(LateItem(c, "payment", p.title, p.due_on, day))
    return sorted(items, key=lambda i: (i.due_on, i.contract.pk))


def overdue_payments(contract: Contract, today: date | None = None) -> list[Payment]:
    day = today or clock.today()
    return [
        p for p in contract.payments.all() if p.paid_on is None and p.due_on is not None and p.due_on < day
    ]


# --- facts read by the performance and credit apps -----------------------------------------------


def failed_acceptances(organization: Any) -> QuerySet[Acceptance]:
    """Acceptance phases with the result "fail" on contracts of `organization` (a supplier)."""
    return (
        Acceptance.objects.filter(contract__supplier=organization, result=AcceptanceResult.FAIL)
        .select_related("contract")
        .order_by("accepted_on", "pk")
    )


def terminations(organization: Any, *, supplier_fault_only: bool = False) -> QuerySet[Contract]:
    """Contracts of `organization` terminated early; `termination_fault` says who was at fault."""
    contracts = Contract.objects.filter(supplier=organization, status=ContractStatus.TERMINATED)
    if supplier_fault_only:
        contracts = contracts.filter(termination_fault=TerminationFault.SUPPLIER)
    return contracts.order_by("terminated_on", "pk")


def contract_summary(contract: Contract) -> dict[str, Any]:
    """Figures for the contract page: amendments total and cap, payments scheduled and paid."""
    amendments = list(contract.amendments.all())
    payments = list(contract.payments.all())
    original = contract.original_amount or contract.amount
    return {
        "amended_total": sum((a.added_amount for a in amendments), start=original * 0),
        "amendment_cap": amendment_cap(original).value,
        "scheduled": sum((p.amount for p in payments), start=original * 0),
        "paid": sum((p.paid_amount or 0 for p in payments), start=original * 0),
    }
