"""Create a procurement (draft) from a plan, its lots, and edit the draft's documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role, Unit
from opengps.accounts.permissions import require_role, require_unit_member
from opengps.core import audit, clock
from opengps.core.clock import BEIJING
from opengps.core.errors import Conflict, ServiceError
from opengps.planning import services as planning_services
from opengps.planning.models import PlanStatus, PurchasePlan
from opengps.procurement.errors import Code
from opengps.procurement.events import Event
from opengps.procurement.factors import check_factors
from opengps.procurement.models import Lot, Procurement, ProcurementStatus
from opengps.procurement.policies import (
    lock,
    require_official,
    require_status,
    required_text,
    rule_error,
    yuan,
)
from opengps.registry.models import Organization
from opengps.rules.base import RuleError
from opengps.rules.procedures import Method, parse_method
from opengps.rules.procurement_flow import procedure_for

REFERENCE_PREFIX = "HNZC"
ACTIVE_STATUSES = (
    ProcurementStatus.DRAFT,
    ProcurementStatus.NOTICE,
    ProcurementStatus.ANNOUNCED,
    ProcurementStatus.OPENED,
)


@dataclass(frozen=True)
class LotInput:
    """A lot as entered: title, budget (yuan) and description."""

    title: str
    budget: Decimal | str
    description: str = ""


def _clean_lots(lots: Sequence[LotInput], ceiling: Decimal) -> list[tuple[str, Decimal, str]]:
    if not lots:
        raise ServiceError(Code.PROCUREMENT_LOTS_REQUIRED, field="lots")
    cleaned = [
        (
            required_text(
                lot.title,
                field="lots",
                code="procurement.lot_title_required",
                message=_("请填写采购包名称"),
                limit=200,
            ),
            yuan(lot.budget, field="lots"),
            (lot.description or "").strip(),
        )
        for lot in lots
    ]
    total = sum((budget for _t, budget, _d in cleaned), Decimal("0"))
    if total > ceiling:
        raise ServiceError(
            Code.PROCUREMENT_LOTS_OVER_BUDGET,
            _("各包预算合计 %(total)s 元超过采购预算 %(ceiling)s 元") % {"total": total, "ceiling": ceiling},
            field="lots",
            params={"total": str(total), "ceiling": str(ceiling)},
        )
    return cleaned


def lots_of(procurement: Procurement) -> list[LotInput]:
    """The procurement's lots as input for another procurement of the same plan."""
    return [
        LotInput(lot.title, lot.budget, lot.description)
        for lot in Lot.objects.filter(procurement=procurement)
    ]


def draft_create(
    *,
    actor: Actor,
    plan: PurchasePlan,
    method: Method,
    title: str,
    lots: Sequence[LotInput],
    agency: Unit | None,
    documents: str,
    previous: Procurement | None,
    single_source_supplier: Organization | None,
    single_source_reason: str,
) -> Procurement:
    """Insert the draft, its reference and lots, audited; the caller has checked the plan and actor."""
    try:
        procedure_for(method)
    except RuleError as exc:
        raise rule_error(exc, field="method") from None
    if agency is not None and agency.kind != Unit.Kind.AGENCY:
        raise ServiceError(Code.PROCUREMENT_AGENCY_INVALID, field="agency")
    cleaned = _clean_lots(lots, plan.amount)
    procurement = Procurement.objects.create(
        reference=f"tmp-{clock.now().timestamp()}-{plan.pk}",
        plan=plan,
        purchaser=plan.unit,
        agency=agency,
        title=(title or plan.title).strip()[:200],
        method=method.value,
        budget=sum((budget for _t, budget, _d in cleaned), Decimal("0")),
        purchase_of_services=bool(plan.method_facts.get("purchase_of_services", True)),
        documents=(documents or plan.requirements or "").strip(),
        previous=previous,
        single_source_supplier=single_source_supplier,
        single_source_reason=single_source_reason.strip(),
        created_by=actor,
    )
    procurement.reference = (
        f"{REFERENCE_PREFIX}-{procurement.created_at.astimezone(BEIJING):%Y}-{procurement.pk:06d}"
    )
    procurement.save(update_fields=["reference"])
    Lot.objects.bulk_create(
        [
            Lot(procurement=procurement, number=i, title=t, budget=b, description=d)
            for i, (t, b, d) in enumerate(cleaned, start=1)
        ]
    )
    audit.record(
        actor=actor,
        action=Event.PROCUREMENT_CREATED,
        obj=procurement,
        new={
            "reference": procurement.reference,
            "plan": plan,
            "method": method.value,
            "budget": procurement.budget,
            "lots": [(t, b) for t, b, _d in cleaned],
            "agency": agency.name if agency else "",
            "previous": previous.reference if previous else "",
            "single_source_supplier": single_source_supplier.uscc if single_source_supplier else "",
        },
    )
    return procurement


def procurement_create(
    *,
    actor: Actor,
    plan: PurchasePlan,
    title: str = "",
    lots: Sequence[LotInput] | None = None,
    agency: Unit | None = None,
    documents: str = "",
    single_source_supplier: Organization | None = None,
    single_source_reason: str = "",
    factors: Sequence[tuple[str, Any]] = (),
    price_weight: Any = None,
) -> Procurement:
    """Create a procurement (draft) from a plan whose intention has run its period.

    Starts the plan's procurement with `planning.services.plan_start_procurement` (which checks
    the intention period and the purchaser) unless it was already started and has no active
    procurement. The method is the plan's; lots default to one lot of the plan's amount.
    `factors` (name, points) and `price_weight` (percent) are the scored factors the documents
    state (`opengps.procurement.factors.check_factors`); none for a price-ranked method.
    """
    require_role(actor, Role.PURCHASER)
    method = parse_method(plan.method)
    if method is Method.single_source and single_source_supplier is None:
        raise ServiceError(Code.PROCUREMENT_SINGLE_SOURCE_SUPPLIER_REQUIRED, field="single_source_supplier")
    stated = check_factors(method, factors, price_weight, clock.today())
    with transaction.atomic():
        plan = PurchasePlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status == PlanStatus.INTENTION_PUBLISHED:
            plan = planning_services.plan_start_procurement(actor=actor, plan=plan)
        elif plan.status == PlanStatus.IN_PROCUREMENT:
            require_unit_member(actor, plan.unit)
            if Procurement.objects.filter(plan=plan, status__in=ACTIVE_STATUSES).exists():
                raise Conflict(Code.PROCUREMENT_PLAN_HAS_PROCUREMENT, field="plan")
        else:
            raise Conflict(
                Code.PROCUREMENT_PLAN_NOT_READY, field="plan", params={"status": plan.get_status_display()}
            )
        procurement = draft_create(
            actor=actor,
            plan=plan,
            method=method,
            title=title,
            lots=lots or [LotInput(plan.title, plan.amount)],
            agency=agency,
            documents=documents,
            previous=None,
            single_source_supplier=single_source_supplier,
            single_source_reason=single_source_reason,
        )
        if stated:
            procurement.evaluation_factors = stated
            procurement.save(update_fields=["evaluation_factors"])
            audit.record(
                actor=actor,
                action=Event.PROCUREMENT_FACTORS_STATED,
                obj=procurement,
                new={
                    "price_weight": stated["price_weight"],
                    "factors": [(f["name"], f["max_points"]) for f in stated["factors"]],
                },
            )
        return procurement


def procurement_update_documents(*, actor: Actor, procurement: Procurement, documents: str) -> Procurement:
    """Edit the documents while the procurement is a draft."""
    require_official(actor, procurement)
    with transaction.atomic():
        procurement = lock(procurement)
        require_status(procurement, ProcurementStatus.DRAFT)
        text = documents.strip()
        if text == procurement.documents:
            return procurement
        old = len(procurement.documents)
        procurement.documents = text
        procurement.save(update_fields=["documents"])
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_DOCUMENTS_CHANGED,
            obj=procurement,
            old={"length": old},
            new={"length": len(text)},
        )
    return procurement
