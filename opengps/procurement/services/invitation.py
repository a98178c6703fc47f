"""Invited tender (邀请招标): the replayable random draw of the suppliers invited (O87 §14)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import audit
from opengps.core.errors import Conflict, ServiceError
from opengps.core.models import AuditChainHead
from opengps.experts import drawing
from opengps.procurement.errors import Code
from opengps.procurement.events import Event
from opengps.procurement.models import Invitation, InvitationDraw, Procurement, ProcurementStatus
from opengps.procurement.policies import (
    aware_now,
    local_date,
    lock,
    procedure_of,
    require_official,
    require_status,
)
from opengps.registry.models import Organization, OrgStatus
from opengps.registry.selectors import organization_eligibility
from opengps.rules.procurement_flow import SupplierSource

INVITATION_FORMAT = "opengps.procurement.invitation/1"


def invitation_inputs(*, procurement_ref: str, drawn_at: datetime, audit_chain_head: str) -> dict[str, str]:
    """The public inputs of an invitation draw, exactly as hashed into its seed (`drawing.draw_inputs`)."""
    return drawing.draw_inputs(
        procurement_ref=procurement_ref,
        drawn_at=drawn_at,
        audit_chain_head=audit_chain_head,
        draw_format=INVITATION_FORMAT,
    )


def _eligible_pool(region: str, keyword: str, on_date: date) -> list[int]:
    """The registered organizations eligible on `on_date`, optionally by region and business scope."""
    candidates = Organization.objects.filter(status=OrgStatus.NORMAL)
    if region.strip():
        candidates = candidates.filter(region_id__startswith=region.strip().rstrip("0") or region.strip())
    if keyword.strip():
        candidates = candidates.filter(business_scope__contains=keyword.strip())
    ids = list(candidates.values_list("pk", flat=True))
    pool: list[int] = []
    for org in Organization.objects.filter(pk__in=ids).order_by("pk"):
        if organization_eligibility(org, on_date).eligible:
            pool.append(org.pk)
    return pool


def procurement_invite_draw(
    *,
    actor: Actor,
    procurement: Procurement,
    count: int = 3,
    region: str = "",
    keyword: str = "",
    drawn_at: datetime | None = None,
) -> InvitationDraw:
    """Draw `count` (≥ 3) suppliers at random from the qualified organizations (O87 §14).

    The pool is every registered organization eligible on the draw date (optionally within a
    region code prefix and with `keyword` in its business scope); the order is
    `experts.drawing.draw_order` over a seed from public inputs (the reference, the draw time, the
    audit chain head), so anyone can replay it (`invitation_draw_replay`).
    `drawn_at` is for tests only: screens and the API never pass it.
    """
    require_official(actor, procurement)
    procedure = procedure_of(procurement)
    if procedure.supplier_source != SupplierSource.invited:
        raise Conflict(Code.PROCUREMENT_NOT_INVITED_METHOD, field="method")
    if count < procedure.min_invited:
        raise ServiceError(
            Code.PROCUREMENT_TOO_FEW_INVITED,
            field="count",
            params={
                "min": procedure.min_invited,
                "citation": "政府采购货物和服务招标投标管理办法（财政部令第87号）第十四条",
            },
        )
    moment = aware_now(drawn_at)
    on_date = local_date(moment)
    with transaction.atomic():
        procurement = lock(procurement)
        require_status(procurement, ProcurementStatus.DRAFT)
        if InvitationDraw.objects.filter(procurement=procurement).exists():
            raise Conflict(Code.PROCUREMENT_ALREADY_DRAWN, field="count")
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        inputs = invitation_inputs(
            procurement_ref=procurement.reference, drawn_at=moment, audit_chain_head=head.last_hash
        )
        seed = drawing.seed_for(inputs)
        pool = _eligible_pool(region, keyword, on_date)
        if len(pool) < count:
            raise ServiceError(
                Code.PROCUREMENT_NOT_ENOUGH_SUPPLIERS,
                _("符合条件的供应商只有 %(available)d 家，需要 %(count)d 家")
                % {"available": len(pool), "count": count},
                field="count",
                params={"available": len(pool), "count": count},
            )
        selected = drawing.draw_first(seed, pool, count)
        draw = InvitationDraw.objects.create(
            procurement=procurement,
            drawn_at=moment,
            inputs=inputs,
            seed=seed,
            pool=pool,
            criteria={"region": region.strip(), "keyword": keyword.strip()},
            count=count,
            drawn_by=actor,
        )
        Invitation.objects.bulk_create(
            [
                Invitation(procurement=procurement, organization_id=org_id, order=i)
                for i, org_id in enumerate(selected, 1)
            ]
        )
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_SUPPLIERS_DRAWN,
            obj=procurement,
            new={"inputs": inputs, "seed": seed, "pool": pool, "selected": selected, "count": count},
        )
    return draw


def invitation_draw_replay(draw: InvitationDraw) -> list[int]:
    """Recompute the invited organizations from the draw's recorded inputs and pool."""
    seed = drawing.seed_for(dict(draw.inputs))
    return drawing.draw_first(seed, list(draw.pool), draw.count)
