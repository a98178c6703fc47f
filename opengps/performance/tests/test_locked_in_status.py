"""`performance.services._common.locked_in_status`: the status-checked row lock the evaluation and
recommendation services share."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from opengps.core.errors import Conflict
from opengps.performance import services
from opengps.performance.errors import Code
from opengps.performance.models import EvaluationStatus
from opengps.performance.services._common import locked_in_status

pytestmark = pytest.mark.django_db


def test_an_evaluation_in_the_status_comes_back_fresh_with_its_contract(evaluation: Any) -> None:
    # given
    assert evaluation.status == EvaluationStatus.OPEN
    # when
    with transaction.atomic():
        locked = locked_in_status(
            evaluation, EvaluationStatus.OPEN, Code.PERFORMANCE_NOT_OPEN, related=("contract",)
        )
    # then
    assert locked.pk == evaluation.pk and locked is not evaluation
    assert locked.contract.pk == evaluation.contract_id


def test_another_status_is_refused_with_the_code_on_the_field(evaluation: Any) -> None:
    # when
    with transaction.atomic(), pytest.raises(Conflict) as caught:
        locked_in_status(
            evaluation, EvaluationStatus.FINALIZED, Code.PERFORMANCE_NOT_FINALIZED, field="evaluation"
        )
    # then
    assert caught.value.code == Code.PERFORMANCE_NOT_FINALIZED
    assert caught.value.field == "evaluation"


def test_publishing_an_open_evaluation_is_refused(purchaser: Any, evaluation: Any) -> None:
    with pytest.raises(Conflict) as caught:
        services.evaluation_publish(actor=purchaser, evaluation=evaluation)
    assert caught.value.code == Code.PERFORMANCE_NOT_FINALIZED
    assert caught.value.field == "status"
