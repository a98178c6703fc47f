"""Framework agreements (框架协议): the terms the solicitation documents state (O110 §23)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.core import audit, clock
from opengps.core.errors import ServiceError
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
    actor: Any,
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
        raise ServiceError(
            "procurement.not_framework", _("只有框架协议采购才约定入围和第二阶段规则"), field="method"
        )
    try:
        stage1 = framework_rules.FirstStageMethod(first_stage)
    except ValueError:
        raise ServiceError(
            "procurement.framework_first_stage_invalid", _("入围评审方法无效"), field="first_stage"
        ) from None
    try:
        stage2 = framework_rules.SecondStage(second_stage)
    except ValueError:
        raise ServiceError(
            "procurement.framework_second_stage_invalid", _("第二阶段成交方式无效"), field="second_stage"
        ) from None
    allowed = framework_rules.first_stage_method(
        government_priced=government_priced, quality_instruments=quality_instruments
    )
    if stage1 not in allowed.value:
        raise ServiceError(
            "procurement.framework_quality_first_not_allowed",
            _(
                "除政府定价、政府指导价项目和对质量有特别要求的检测、实验仪器外，应采用价格优先法（%(citation)s）"
            )
            % {"citation": allowed.citation},
            field="first_stage",
        )
    try:
        rate = Fraction(str(elimination_rate).strip())
    except (ValueError, ZeroDivisionError):
        raise ServiceError(
            "procurement.framework_rate_invalid", _("淘汰比例格式无效"), field="elimination_rate"
        ) from None
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
            action="procurement.framework_terms_set",
            obj=procurement,
            old=old,
            new=terms,
            reason="政府采购框架协议采购方式管理暂行办法（财政部令第110号）第二十三条",
        )
    return procurement
