"""Performance demo: indicator templates and a year of quarterly evaluations of the demo contracts,
built through the services after the contracts demo.

Each running, completed or terminated contract is evaluated for the four quarters of the past
year: the parties score (the purchaser, the third-party evaluator for every other contract, the
supplier where it has an account), service recipients answer the survey with one-time codes,
the purchaser finalizes on the quarter's last day and publishes. Scores vary by contract so the
grades spread over 优/良/中; the terminated contract's supplier does badly, which flags it and,
with its failed acceptance and termination, produces a recommendation to the registration
authority. The purchaser also rates the conduct of the evaluation experts. Loading twice changes
nothing: an existing evaluation period is left alone.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

from opengps.accounts.models import Role, User
from opengps.contracts.models import Contract, ContractStatus
from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.evaluation.models import CommitteeMember
from opengps.evaluation.models import EvaluationStatus as ProcEvalStatus
from opengps.performance import services
from opengps.performance.models import ExpertConduct, IndicatorTemplate, PerformanceEvaluation
from opengps.registry.models import Organization

logger = logging.getLogger(__name__)

GENERAL: list[dict[str, Any]] = [
    {"code": "output", "name": "产出", "weight": "50"},
    {
        "code": "output.quantity",
        "name": "服务数量完成率",
        "weight": "40",
        "parent": "output",
        "guide": [
            {"minimum": "100", "points": "100"},
            {"minimum": "90", "points": "85"},
            {"minimum": "80", "points": "70"},
            {"minimum": "60", "points": "50"},
        ],
    },
    {"code": "output.quality", "name": "服务质量", "weight": "40", "parent": "output"},
    {
        "code": "output.quality.records",
        "name": "服务记录完整规范",
        "weight": "50",
        "parent": "output.quality",
    },
    {
        "code": "output.quality.complaints",
        "name": "有效投诉及处理",
        "weight": "50",
        "parent": "output.quality",
    },
    {"code": "output.timeliness", "name": "服务及时性", "weight": "20", "parent": "output"},
    {"code": "benefit", "name": "效益", "weight": "30"},
    {"code": "benefit.social", "name": "社会效益", "weight": "60", "parent": "benefit"},
    {"code": "benefit.sustain", "name": "可持续影响", "weight": "40", "parent": "benefit"},
    {"code": "satisfaction", "name": "满意度", "weight": "10"},
    {
        "code": "satisfaction.recipients",
        "name": "服务对象满意度",
        "weight": "100",
        "parent": "satisfaction",
        "survey": True,
    },
    {"code": "budget", "name": "预算执行", "weight": "10"},
    {"code": "budget.rate", "name": "预算执行率与资金使用合规", "weight": "100", "parent": "budget"},
]
SOURCE_WEIGHTS = {"self": "10", "purchaser": "50", "third_party": "40"}
QUARTERS = (("第一季度", 3, 31), ("第二季度", 6, 30), ("第三季度", 9, 30), ("第四季度", 12, 31))
# base score of each party by contract index (terminated contracts score far lower)
LEVELS = (Decimal("93"), Decimal("86"), Decimal("74"), Decimal("81"), Decimal("90"), Decimal("68"))


def _templates(context: Any) -> IndicatorTemplate:
    finance = context.users.get("finance")
    general = IndicatorTemplate.objects.filter(category__isnull=True, is_active=True).first()
    if general is None:
        general = services.template_save(
            actor=finance, name="政府购买服务通用绩效指标", indicators=GENERAL, source_weights=SOURCE_WEIGHTS
        )
    return general


def _party_scores(level: Decimal, spread: int) -> dict[str, str]:
    def s(delta: int) -> str:
        return str(max(Decimal(0), min(Decimal(100), level + delta + spread)))

    return {
        "output.quality.records": s(2),
        "output.quality.complaints": s(-1),
        "output.timeliness": s(0),
        "benefit.social": s(1),
        "benefit.sustain": s(-3),
        "budget.rate": s(3),
    }


def _user_for_supplier(contract: Contract) -> User | None:
    return User.objects.filter(role=Role.SUPPLIER, organization=contract.supplier, is_active=True).first()


def _purchaser_for(contract: Contract) -> User | None:
    return (
        User.objects.filter(role=Role.PURCHASER, unit_id=contract.purchaser_id, is_active=True)
        .order_by("pk")
        .first()
    )


def _evaluate(
    context: Any,
    contract: Contract,
    purchaser: User,
    n: int,
    period: str,
    day: date,
    evaluator_user: User | None,
) -> PerformanceEvaluation | None:
    if PerformanceEvaluation.objects.filter(contract=contract, period=period).exists():
        return None
    terminated = contract.status == ContractStatus.TERMINATED
    level = Decimal("52") if terminated else LEVELS[n % len(LEVELS)]
    evaluator = evaluator_user.unit if evaluator_user is not None and n % 2 == 0 else None
    evaluation = services.evaluation_create(
        actor=purchaser, contract=contract, period=period, evaluator=evaluator
    )
    quantity = str(Decimal("75") if terminated else min(Decimal("105"), level + 10))
    services.evaluation_score_submit(
        actor=purchaser,
        evaluation=evaluation,
        scores=_party_scores(level, 0),
        measured={"output.quantity": quantity},
        comment="按合同约定的绩效目标逐项核对服务记录与现场抽查情况。",
    )
    if evaluator is not None and evaluator_user is not None:
        services.evaluation_score_submit(
            actor=evaluator_user,
            evaluation=evaluation,
            scores=_party_scores(level, -2),
            measured={"output.quantity": quantity},
            comment="第三方现场核查、入户回访并查阅台账。",
        )
    supplier_user = _user_for_supplier(contract)
    if supplier_user is not None:
        services.evaluation_score_submit(
            actor=supplier_user,
            evaluation=evaluation,
            scores=_party_scores(level, 4),
            measured={"output.quantity": quantity},
            comment="本季度按计划完成服务，详见自评报告。",
        )
    codes = services.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=12)
    answers = [2, 3, 3, 2, 1, 3, 2, 4] if terminated else [5, 5, 4, 5, 4, 3, 5, 4, 5]
    for k, (code, answer) in enumerate(zip(codes, answers, strict=False)):
        services.survey_answer(
            token=evaluation.survey_token, code=code, answer=answer, source=f"demo-{evaluation.pk}-{k}"
        )
    evaluation = services.evaluation_finalize(actor=purchaser, evaluation=evaluation, today=day)
    return services.evaluation_publish(actor=purchaser, evaluation=evaluation)


def conduct_rate(context: Any) -> int:
    """The purchaser rates the conduct of every expert of a confirmed evaluation not rated yet (IR
    §62), on the day its scoring ended; a later stage that evaluates (the e-mall's framework
    agreement) calls it again for its own committee. Returns how many were rated."""
    rated = 0
    members = CommitteeMember.objects.filter(evaluation__status=ProcEvalStatus.CONFIRMED).select_related(
        "evaluation__procurement", "evaluation__report"
    )
    for k, member in enumerate(members.order_by("pk")):
        if ExpertConduct.objects.filter(member=member).exists():
            continue
        purchaser = User.objects.filter(
            role=Role.PURCHASER, unit_id=member.evaluation.procurement.purchaser_id, is_active=True
        ).first()
        report = getattr(member.evaluation, "report", None)
        if purchaser is None or report is None:
            continue
        rating, note = ("fair", "个别评分理由填写过简") if k % 7 == 3 else ("good", "")
        try:
            services.expert_conduct_rate(
                actor=purchaser, member=member, rating=rating, note=note, today=report.scoring_ended_on
            )
        except ServiceError as exc:  # pragma: no cover - demo keeps going
            logger.warning("expert conduct not rated: %s", exc)
            continue
        rated += 1
    return rated


def _open_current(context: Any, evaluator_user: User | None) -> None:
    """One evaluation of this year's running service left open, so a visitor can score it, issue
    recipient codes (shown once, with the survey QR code) and answer the phone survey."""
    contract = Contract.objects.filter(status=ContractStatus.PUBLISHED).order_by("pk").first()
    if contract is None:
        return
    purchaser = _purchaser_for(contract)
    period = f"{clock.today().year}年度（中期）"
    if purchaser is None or PerformanceEvaluation.objects.filter(contract=contract, period=period).exists():
        return
    evaluator = evaluator_user.unit if evaluator_user is not None else None
    evaluation = services.evaluation_create(
        actor=purchaser, contract=contract, period=period, evaluator=evaluator
    )
    services.evaluation_score_submit(
        actor=purchaser,
        evaluation=evaluation,
        scores=_party_scores(Decimal("84"), 0),
        measured={"output.quantity": "90"},
        comment="中期检查：服务记录完整，个别回访未按期完成。",
    )


def load(context: Any) -> None:
    _templates(context)
    evaluator_user = context.users.get("evaluator")
    year = clock.today().year - 1
    contracts = Contract.objects.filter(
        status__in=[ContractStatus.PUBLISHED, ContractStatus.COMPLETED, ContractStatus.TERMINATED]
    ).order_by("pk")
    for n, contract in enumerate(contracts):
        purchaser = _purchaser_for(contract)
        if purchaser is None:
            continue
        for label, month, last in QUARTERS:
            period = f"{year}年{label}"
            try:
                _evaluate(context, contract, purchaser, n, period, date(year, month, last), evaluator_user)
            except ServiceError as exc:  # pragma: no cover - demo keeps going
                logger.warning("performance demo skipped %s %s: %s", contract.reference, period, exc)
                break
    _open_current(context, evaluator_user)
    # failed acceptances and terminations of this year join the suppliers' histories
    finance = context.users.get("finance")
    for supplier_id in sorted(set(contracts.values_list("supplier_id", flat=True))):
        services.history_refresh(actor=finance, organization=Organization.objects.get(pk=supplier_id))
    context.counts["performance_evaluations"] = PerformanceEvaluation.objects.count()
    conduct_rate(context)


def totals(context: Any) -> None:
    """Counted after every app has loaded: a later stage rates its own committee (the e-mall's
    framework agreement)."""
    context.counts["expert_conduct"] = ExpertConduct.objects.count()
