"""Opening a contract's performance evaluation and the parties' scores."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role, Unit
from opengps.accounts.permissions import has_role, is_authenticated
from opengps.contracts.models import Contract, ContractStatus
from opengps.core import audit
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.performance.errors import Code
from opengps.performance.events import SUBMITTED_BY_PARTY, Event
from opengps.performance.models import (
    EvaluationStatus,
    IndicatorTemplate,
    Party,
    PartyScore,
    PerformanceEvaluation,
)
from opengps.performance.services._common import _decimal, _require_purchaser, locked_in_status, specs_of
from opengps.performance.services.indicators import template_for_contract
from opengps.rules import performance as rules


def evaluation_create(
    *,
    actor: Actor,
    contract: Contract,
    period: str,
    evaluator: Unit | None = None,
    template: IndicatorTemplate | None = None,
) -> PerformanceEvaluation:
    """Open the performance evaluation of a contract (purchaser), copying its category's template."""
    _require_purchaser(actor, contract)
    period = period.strip()
    if not period:
        raise ServiceError(Code.PERFORMANCE_PERIOD_REQUIRED, field="period")
    if contract.status not in {ContractStatus.PUBLISHED, ContractStatus.COMPLETED, ContractStatus.TERMINATED}:
        raise Conflict(Code.PERFORMANCE_CONTRACT_NOT_PERFORMING, field="contract")
    if evaluator is not None and evaluator.kind != Unit.Kind.EVALUATOR:
        raise ServiceError(Code.PERFORMANCE_EVALUATOR_INVALID, field="evaluator")
    template = template or template_for_contract(contract)
    if template is None:
        raise ServiceError(Code.PERFORMANCE_TEMPLATE_MISSING, field="template")
    with transaction.atomic():
        if PerformanceEvaluation.objects.filter(contract=contract, period=period).exists():
            raise Conflict(Code.PERFORMANCE_PERIOD_EXISTS, field="period")
        evaluation = PerformanceEvaluation.objects.create(
            contract=contract,
            period=period,
            template=template,
            indicators=template.indicators,
            source_weights=template.source_weights,
            evaluator=evaluator,
            survey_token=secrets.token_urlsafe(16)[:22],
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action=Event.PERFORMANCE_EVALUATION_CREATED,
            obj=evaluation,
            new={
                "contract": contract.reference,
                "period": period,
                "template": template.pk,
                "evaluator": evaluator.pk if evaluator else None,
            },
        )
    return evaluation


def party_of(actor: Actor, evaluation: PerformanceEvaluation) -> str | None:
    """Which party the actor scores for: the supplier's members (self), the purchaser's staff,
    the assigned evaluator's staff; None for anyone else."""
    contract = evaluation.contract
    if has_role(actor, Role.SUPPLIER) and actor.organization_id == contract.supplier_id:
        return Party.SELF
    if has_role(actor, Role.PURCHASER) and actor.unit_id == contract.purchaser_id:
        return Party.PURCHASER
    if (
        has_role(actor, Role.EVALUATOR)
        and evaluation.evaluator_id is not None
        and actor.unit_id == evaluation.evaluator_id
    ):
        return Party.THIRD_PARTY
    return None


def evaluation_score_submit(
    *,
    actor: Actor,
    evaluation: PerformanceEvaluation,
    scores: Mapping[str, Any] | None = None,
    measured: Mapping[str, Any] | None = None,
    comment: str = "",
) -> PartyScore:
    """One party submits its scores of every leaf the parties score (0–100), once.

    A leaf with a scoring guide may be given as a measured value instead (`measured`), and the
    guide turns it into points (`rules.indicator_score`).
    """
    if not is_authenticated(actor):
        raise PermissionDenied(Code.AUTH_REQUIRED)
    party = party_of(actor, evaluation)
    if party is None:
        raise PermissionDenied(Code.PERM_DENIED)
    specs = specs_of(evaluation.indicators)
    leaves = rules.validate_template(specs)
    by_code = {s.code: s for s in specs}
    given = dict(scores or {})
    points: dict[str, Decimal] = {}
    for code, value in (measured or {}).items():
        if code not in by_code or not by_code[code].guide:
            raise ServiceError(Code.PERFORMANCE_NO_GUIDE, field=code, params={"code": code})
        points[code] = rules.indicator_score(by_code[code].guide, _decimal(value, field=code)).value
    for code, value in given.items():
        if code not in by_code:
            raise ServiceError(Code.PERFORMANCE_INDICATOR_UNKNOWN, field=code, params={"code": code})
        points[code] = _decimal(value, field=code)
    needed = [c for c in leaves if not by_code[c].survey]
    missing = [c for c in needed if c not in points]
    if missing:
        raise ServiceError(
            Code.PERFORMANCE_SCORE_MISSING,
            _("请为指标“%(name)s”评分") % {"name": by_code[missing[0]].name},
            field=missing[0],
            params={"missing": missing},
        )
    shares = rules.leaf_weights(specs)
    for code in needed:
        if not Decimal(0) <= points[code] <= rules.HUNDRED:
            raise ServiceError(
                Code.PERFORMANCE_SCORE_INVALID, field=code, params={"name": by_code[code].name}
            )
    scored_share = sum((shares[c] for c in needed), Decimal(0))
    total = rules.round_score(sum((points[c] * shares[c] for c in needed), Decimal(0)) / scored_share)
    with transaction.atomic():
        evaluation = locked_in_status(evaluation, EvaluationStatus.OPEN, Code.PERFORMANCE_NOT_OPEN)
        if PartyScore.objects.filter(evaluation=evaluation, party=party).exists():
            raise Conflict(Code.PERFORMANCE_ALREADY_SUBMITTED, field="scores")
        row = PartyScore.objects.create(
            evaluation=evaluation,
            party=party,
            scores={c: str(points[c]) for c in needed},
            total=total,
            comment=comment.strip(),
            submitted_by=actor,
        )
        audit.record(
            actor=actor,
            action=SUBMITTED_BY_PARTY[party],
            obj=evaluation,
            new={"party": party, "scores": row.scores, "total": total},
        )
    return row
