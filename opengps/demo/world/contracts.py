"""Contracts and performance: the drafted and published contract, the indicator template and an
open performance evaluation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any, Final

from django.utils import timezone

from opengps.accounts.models import Unit, User
from opengps.contracts import services as contract_services
from opengps.contracts.models import Contract
from opengps.evaluation.models import Award
from opengps.performance import services as performance_services
from opengps.performance.models import IndicatorTemplate, PerformanceEvaluation

# ---------------------------------------------------------------------------------------------
# Contracts and performance


def contract_drafted(*, purchaser: User, award: Award, **overrides: Any) -> Contract:
    """The award's outsourcing contract: a year from 60 days ago, a 20,000-yuan bond, two indicators."""
    start = timezone.localdate() - timedelta(days=60)
    data: dict[str, Any] = {
        "kind": "outsourcing",
        "starts_on": start,
        "ends_on": start + timedelta(days=364),
        "performance_bond": "20000",
        "indicators": [
            {"code": "visits", "name": "上门服务人次", "target": "1200", "unit": "人次"},
            {"code": "satisfaction", "name": "服务对象满意度", "target": "90", "unit": "%"},
        ],
    }
    data.update(overrides)
    return contract_services.contract_create_from_award(actor=purchaser, award=award, **data)


def contract_published(purchaser: User, contract: Contract) -> Contract:
    contract = contract_services.contract_sign(actor=purchaser, contract=contract)
    return contract_services.contract_publish(actor=purchaser, contract=contract)


INDICATORS: Final[list[dict[str, Any]]] = [
    {"code": "output", "name": "产出", "weight": "60"},
    {"code": "quantity", "name": "数量", "weight": "50", "parent": "output"},
    {"code": "quality", "name": "质量", "weight": "50", "parent": "output"},
    {
        "code": "quality.rate",
        "name": "服务达标率",
        "weight": "40",
        "parent": "quality",
        "guide": [{"minimum": "95", "points": "100"}, {"minimum": "85", "points": "80"}],
    },
    {"code": "quality.complaints", "name": "有效投诉处理", "weight": "60", "parent": "quality"},
    {"code": "benefit", "name": "效益", "weight": "30"},
    {"code": "satisfaction", "name": "满意度", "weight": "10", "survey": True},
]
SOURCE_WEIGHTS: Final = {"self": Decimal(10), "purchaser": Decimal(50), "third_party": Decimal(40)}


def template_create(finance: User) -> IndicatorTemplate:
    """The general indicator template (`INDICATORS`, weighted by `SOURCE_WEIGHTS`)."""
    return performance_services.template_save(
        actor=finance, name="通用绩效指标", indicators=INDICATORS, source_weights=SOURCE_WEIGHTS
    )


def performance_evaluation_open(
    *, purchaser: User, contract: Contract, evaluator: Unit
) -> PerformanceEvaluation:
    return performance_services.evaluation_create(
        actor=purchaser, contract=contract, period="2025年度", evaluator=evaluator
    )
