"""The service recipients' anonymous satisfaction survey: one-time codes and answers."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.core import audit, clock, ratelimit
from opengps.core.errors import Conflict, NotFound, ServiceError
from opengps.performance.errors import Code
from opengps.performance.events import Event
from opengps.performance.models import (
    EvaluationStatus,
    PerformanceEvaluation,
    RecipientCode,
    SurveyResponse,
)
from opengps.performance.services._common import _require_purchaser

SURVEY_RATE = (10, 60)
"""Survey posts per source address and minute; more are refused and change nothing."""
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Recipient codes avoid look-alike characters (0/O, 1/I/L)."""
CODE_LENGTH = 8
MAX_CODES = 2000


def _hash(evaluation: PerformanceEvaluation, code: str) -> str:
    text = f"{evaluation.survey_token}:{code.strip().upper()}"
    return hashlib.sha256(text.encode()).hexdigest()


def recipient_codes_issue(*, actor: Actor, evaluation: PerformanceEvaluation, count: int) -> list[str]:
    """Issue `count` one-time survey codes for the purchaser to hand to service recipients.

    The codes are returned once (to print); only their hashes are stored.
    """
    _require_purchaser(actor, evaluation.contract)
    if evaluation.status != EvaluationStatus.OPEN:
        raise Conflict(Code.PERFORMANCE_NOT_OPEN, field="status")
    if not 1 <= count <= MAX_CODES:
        raise ServiceError(Code.PERFORMANCE_CODE_COUNT_INVALID, field="count", params={"max": MAX_CODES})
    codes: list[str] = []
    with transaction.atomic():
        known = set(RecipientCode.objects.filter(evaluation=evaluation).values_list("code_hash", flat=True))
        rows: list[RecipientCode] = []
        while len(codes) < count:
            code = "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))
            digest = _hash(evaluation, code)
            if digest in known:
                continue
            known.add(digest)
            codes.append(code)
            rows.append(RecipientCode(evaluation=evaluation, code_hash=digest))
        RecipientCode.objects.bulk_create(rows)
        audit.record(
            actor=actor,
            action=Event.PERFORMANCE_CODES_ISSUED,
            obj=evaluation,
            new={"issued": count, "total": len(known)},
        )
    return codes


def survey_answer(*, token: str, code: str, answer: int, comment: str = "", source: str) -> SurveyResponse:
    """A service recipient answers the satisfaction survey with their one-time code (anonymous).

    Posts from one `source` (the client address) beyond the rate are refused before anything is
    read or written; an unknown code, a used code or a closed survey change nothing.
    """
    limit, window = SURVEY_RATE
    if not ratelimit.allow(f"performance.survey:{source}", limit=limit, window_seconds=window):
        raise ServiceError(Code.PERFORMANCE_SURVEY_THROTTLED)
    evaluation = PerformanceEvaluation.objects.filter(survey_token=token).first()
    if evaluation is None:
        raise NotFound(Code.PERFORMANCE_SURVEY_NOT_FOUND)
    if evaluation.status != EvaluationStatus.OPEN or not evaluation.survey_open:
        raise Conflict(Code.PERFORMANCE_SURVEY_CLOSED)
    if answer not in (1, 2, 3, 4, 5):
        raise ServiceError(Code.PERFORMANCE_ANSWER_INVALID, field="answer")
    comment = comment.strip()[:500]
    with transaction.atomic():
        row = (
            RecipientCode.objects.select_for_update()
            .filter(evaluation=evaluation, code_hash=_hash(evaluation, code))
            .first()
        )
        if row is None:
            raise ServiceError(Code.PERFORMANCE_CODE_INVALID, field="code")
        if row.used_at is not None:
            raise Conflict(Code.PERFORMANCE_CODE_USED, field="code")
        row.used_at = clock.now()
        row.save(update_fields=["used_at"])
        response = SurveyResponse.objects.create(
            evaluation=evaluation, code=row, answer=answer, comment=comment
        )
        # No code, comment or address in the event: only that one more answer came in.
        audit.record(
            actor=None,
            action=Event.PERFORMANCE_SURVEY_ANSWERED,
            obj=evaluation,
            new={"responses": evaluation.responses.count()},
        )
    return response
