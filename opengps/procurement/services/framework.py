"""Framework agreements (框架协议): the terms the solicitation documents state (O110 §23)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import audit, clock
from opengps.core.errors import ServiceError
from opengps.procurement.errors import Code
from opengps.procurement.events import Event
from opengps.procurement.models import Procurement, ProcurementStatus
from opengps.procurement.policies import local_date, lock, require_official, require_status, rule_error
from opengps.rules import framework as framework_rules
from opengps.rules.base import RuleError
from opengps.rules.procedures import Method

FRAMEWORK_STAGE_LABELS = {
    "price_first": _("价格优先法"),
    "quality_first": _("质量优先法"),
    "direct": _("直接选定"),
    "rebid": _("二次竞价"),
    "rotation": _("顺序轮候"),
}
"""Labels of the first-stage methods (O110 §25) and second-stage methods (O110 §32)."""


def framework_terms(procurement: Procurement) -> dict[str, Any]:
    """The framework terms in force for `procurement`: the stored ones over the defaults (O110 §23)."""
    terms: dict[str, Any] = {
        "first_stage": framework_rules.FirstStageMethod.price_first.value,
        "second_stage": framework_rules.SecondStage.direct.value,
        "elimination_rate": "1/5",
        "max_members": None,
        "quality_instruments": False,
    }
    terms.update(procurement.framework_terms or {})
    return terms


def framework_terms_set(
    *,
    actor: Actor,
    procurement: Procurement,
    first_stage: str = "price_first",
    second_stage: str = "direct",
    elimination_rate: str = "1/5",
    max_members: int | None = None,
    government_priced: bool = False,
    quality_instruments: bool = False,
) -> Procurement:
    """State the framework terms in the draft documents (O110 §23(8)(11)): checked by the rules.

    The first-stage method must be allowed (O110 §25), the elimination rate not below the
    minimum (O110 §27, checked on a sample of responses), the second stage one of O110 §32.
    """
    require_official(actor, procurement)
    if procurement.method != Method.framework_agreement:
        raise ServiceError(Code.PROCUREMENT_NOT_FRAMEWORK, field="method")
    try:
        stage1 = framework_rules.FirstStageMethod(first_stage)
    except ValueError:
        raise ServiceError(Code.PROCUREMENT_FRAMEWORK_FIRST_STAGE_INVALID, field="first_stage") from None
    try:
        stage2 = framework_rules.SecondStage(second_stage)
    except ValueError:
        raise ServiceError(Code.PROCUREMENT_FRAMEWORK_SECOND_STAGE_INVALID, field="second_stage") from None
    allowed = framework_rules.first_stage_method(
        government_priced=government_priced, quality_instruments=quality_instruments
    )
    if stage1 not in allowed.value:
        raise ServiceError(
            Code.PROCUREMENT_FRAMEWORK_QUALITY_FIRST_NOT_ALLOWED,
            field="first_stage",
            params={"citation": allowed.citation},
        )
    try:
        rate = Fraction(str(elimination_rate).strip())
    except (ValueError, ZeroDivisionError):
        raise ServiceError(Code.PROCUREMENT_FRAMEWORK_RATE_INVALID, field="elimination_rate") from None
    sample = [framework_rules.FirstStageBid(str(n), Decimal(n), Decimal(n)) for n in range(1, 6)]
    try:
        framework_rules.shortlist(
            sample,
            submitted=len(sample),
            on_date=local_date(clock.now()),
            method=stage1,
            elimination_rate=rate,
            max_members=max_members,
            quality_instruments=quality_instruments,
        )
    except RuleError as exc:
        raise rule_error(exc, field="elimination_rate") from None
    terms = {
        "first_stage": stage1.value,
        "second_stage": stage2.value,
        "elimination_rate": str(rate),
        "max_members": max_members,
        "quality_instruments": quality_instruments,
    }
    with transaction.atomic():
        procurement = lock(procurement)
        require_status(procurement, ProcurementStatus.DRAFT)
        old = dict(procurement.framework_terms or {})
        procurement.framework_terms = terms
        procurement.save(update_fields=["framework_terms"])
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_FRAMEWORK_TERMS_SET,
            obj=procurement,
            old=old,
            new=terms,
            reason="政府采购框架协议采购方式管理暂行办法（财政部令第110号）第二十三条",
        )
    return procurement
