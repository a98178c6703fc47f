"""The composite score and grade of an evaluation, and the published report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.core import clock
from opengps.core.errors import Conflict
from opengps.core.errors import rule_error as _rule_error
from opengps.core.status import status_set
from opengps.performance.errors import Code
from opengps.performance.events import Event
from opengps.performance.models import (
    EvaluationStatus,
    HistoryKind,
    HistorySource,
    Party,
    PerformanceEvaluation,
)
from opengps.performance.services._common import _require_purchaser, locked_in_status, specs_of, weights_of
from opengps.performance.services.history import _history_add, _sync_contract_facts
from opengps.rules import lifecycles
from opengps.rules import performance as rules
from opengps.rules.base import RuleError


def _check(current: str, target: str) -> None:
    lifecycles.check_transition("performance_evaluation", current, target)


def _satisfaction(evaluation: PerformanceEvaluation, on_date: date) -> Decimal | None:
    answers = list(evaluation.responses.values_list("answer", flat=True))
    if not answers:
        return None
    return rules.satisfaction_score(answers, on_date).value


def evaluation_finalize(
    *, actor: Actor, evaluation: PerformanceEvaluation, today: date | None = None
) -> PerformanceEvaluation:
    """Compute the composite score and grade (purchaser), close the survey, add the grade to the
    supplier's performance history and apply the credit loop.

    Needs the purchaser's scores, the evaluator's when one is assigned, and at least one survey
    answer when the template has satisfaction leaves.
    """
    _require_purchaser(actor, evaluation.contract)
    day = today or clock.today()
    with transaction.atomic():
        evaluation = locked_in_status(
            evaluation, EvaluationStatus.OPEN, Code.PERFORMANCE_NOT_OPEN, related=("contract",)
        )
        submitted = {p.party: p for p in evaluation.party_scores.all()}
        if Party.PURCHASER not in submitted:
            raise Conflict(Code.PERFORMANCE_PURCHASER_MISSING, field="scores")
        if evaluation.evaluator_id is not None and Party.THIRD_PARTY not in submitted:
            raise Conflict(Code.PERFORMANCE_THIRD_PARTY_MISSING, field="scores")
        satisfaction = _satisfaction(evaluation, day)
        party_scores = {
            party: {c: Decimal(v) for c, v in row.scores.items()} for party, row in submitted.items()
        }
        try:
            result = rules.composite(
                specs_of(evaluation.indicators),
                party_scores,
                weights_of(evaluation.source_weights),
                satisfaction,
                day,
            )
        except RuleError as exc:
            raise _rule_error(exc) from None
        satisfaction_score = rules.round_score(satisfaction) if satisfaction is not None else None
        status_set(
            evaluation,
            EvaluationStatus.FINALIZED,
            actor=actor,
            action=Event.PERFORMANCE_FINALIZED,
            check=_check,
            values={
                "score": result.score,
                "grade": result.grade,
                "citation": result.citation[:300],
                "leaf_scores": {c: str(rules.round_score(v)) for c, v in result.leaves.items()},
                "satisfaction": satisfaction_score,
                "finalized_on": day,
                "survey_open": False,
            },
            extra={
                "score": result.score,
                "grade": result.grade,
                "satisfaction": satisfaction_score,
                "responses": evaluation.responses.count(),
                "parties": sorted(submitted),
            },
        )
        contract = evaluation.contract
        _sync_contract_facts(actor, contract.supplier, day)
        _history_add(
            actor,
            organization=contract.supplier,
            source=HistorySource.CONTRACT,
            kind=HistoryKind.GRADE,
            reference=f"{contract.reference} {evaluation.period}",
            grade=result.grade,
            score=result.score,
            occurred_on=day,
            note=contract.title,
            evaluation=evaluation,
        )
    return evaluation


def evaluation_publish(*, actor: Actor, evaluation: PerformanceEvaluation) -> PerformanceEvaluation:
    """Publish the evaluation report (purchaser)."""
    _require_purchaser(actor, evaluation.contract)
    with transaction.atomic():
        evaluation = locked_in_status(evaluation, EvaluationStatus.FINALIZED, Code.PERFORMANCE_NOT_FINALIZED)
        status_set(
            evaluation,
            EvaluationStatus.PUBLISHED,
            actor=actor,
            action=Event.PERFORMANCE_PUBLISHED,
            check=_check,
            values={"published_at": clock.now()},
            extra={"score": evaluation.score, "grade": evaluation.grade},
        )
    return evaluation
