"""Writes of performance evaluation and the credit loop, each in one transaction with its audit event.

Template (finance department) → evaluation of a contract (purchaser; a third-party evaluator may
be assigned) → the parties' scores (supplier self-evaluation, purchaser, evaluator) and the
recipients' anonymous survey → composite score and grade (pure rules in
`opengps.rules.performance`) → the supplier's performance history → flag / recommendation to
the registration authority, who decides in the registry. Experts' conduct is rated here too.

Date-driven services take ``today`` only for tests and for entering past records (the demo).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts import scopes
from opengps.accounts.models import Role, Unit
from opengps.accounts.permissions import has_role, is_authenticated, require_role
from opengps.catalog.models import CatalogItem
from opengps.contracts.models import Contract, ContractStatus
from opengps.core import audit, clock, ratelimit
from opengps.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.evaluation.models import CommitteeMember
from opengps.performance.models import (
    EvaluationStatus,
    ExpertConduct,
    HistoryEntry,
    HistoryKind,
    HistorySource,
    IndicatorTemplate,
    ListingRecommendation,
    Party,
    PartyScore,
    PerformanceEvaluation,
    RecipientCode,
    RecommendationStatus,
    SurveyResponse,
)
from opengps.registry.models import Organization
from opengps.rules import performance as rules
from opengps.rules.base import Ruled, RuleError

SURVEY_RATE = (10, 60)
"""Survey posts per source address and minute; more are refused and change nothing."""
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Recipient codes avoid look-alike characters (0/O, 1/I/L)."""
CODE_LENGTH = 8
MAX_CODES = 2000


# ---------------------------------------------------------------------------------------------
# Helpers


def _decimal(value: Any, *, field: str, code: str = "performance.number_invalid") -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(code, _("请输入数字"), field=field) from None
    if not number.is_finite():
        raise ServiceError(code, _("请输入数字"), field=field)
    return number


def _today(today: date | None) -> date:
    return today or clock.today()


def specs_of(indicators: Sequence[Mapping[str, Any]]) -> list[rules.IndicatorSpec]:
    """Stored indicator dicts as rule specs."""
    return [
        rules.IndicatorSpec(
            code=str(i["code"]),
            name=str(i.get("name") or i["code"]),
            weight=Decimal(str(i["weight"])),
            parent=(str(i["parent"]) if i.get("parent") else None),
            survey=bool(i.get("survey")),
            guide=tuple(
                rules.GuideBand(
                    Decimal(str(b["minimum"])), Decimal(str(b["points"])), str(b.get("label", ""))
                )
                for b in i.get("guide") or ()
            ),
        )
        for i in indicators
    ]


def weights_of(source_weights: Mapping[str, Any]) -> dict[str, Decimal]:
    return {str(k): Decimal(str(v)) for k, v in source_weights.items()}


def _clean_indicators(indicators: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for n, item in enumerate(indicators, start=1):
        code = str(item.get("code") or "").strip()
        name = str(item.get("name") or "").strip()
        if not code or not name:
            raise ServiceError(
                "performance.indicator_incomplete",
                _("第 %(n)d 个指标缺少代码或名称") % {"n": n},
                field="indicators",
            )
        guide = [
            {
                "minimum": str(_decimal(b.get("minimum"), field="indicators")),
                "points": str(_decimal(b.get("points"), field="indicators")),
                "label": str(b.get("label") or ""),
            }
            for b in item.get("guide") or ()
        ]
        cleaned.append(
            {
                "code": code,
                "name": name,
                "weight": str(_decimal(item.get("weight"), field="indicators")),
                "parent": str(item.get("parent") or "").strip() or None,
                "survey": bool(item.get("survey")),
                "guide": guide,
                "description": str(item.get("description") or ""),
            }
        )
    return cleaned


# ---------------------------------------------------------------------------------------------
# Templates (finance department)


def template_save(
    *,
    actor: Any,
    name: str,
    indicators: Sequence[Mapping[str, Any]],
    source_weights: Mapping[str, Any],
    category: CatalogItem | None = None,
    template: IndicatorTemplate | None = None,
) -> IndicatorTemplate:
    """Create or edit an indicator template. Weights that do not sum to 100 (first level, each
    indicator's children, the parties) are refused with the rule's code and nothing changes.

    Templates are province-wide (one per catalogue category, for every unit in Hunan), so only
    the provincial finance department (or an administrator) edits them; a city finance bureau
    reads them."""
    require_role(actor, Role.FINANCE, Role.ADMIN)
    scopes.require_provincial(actor)
    name = name.strip()
    if not name:
        raise ServiceError("performance.name_required", _("请填写模板名称"), field="name")
    cleaned = _clean_indicators(indicators)
    weights = {str(k): str(_decimal(v, field="source_weights")) for k, v in source_weights.items()}
    try:
        rules.validate_template(specs_of(cleaned))
    except RuleError as exc:
        raise _rule_error(exc, field="indicators") from None
    try:
        rules.validate_source_weights(weights_of(weights))
    except RuleError as exc:
        raise _rule_error(exc, field="source_weights") from None
    with transaction.atomic():
        old: dict[str, Any] | None = None
        if template is None:
            template = IndicatorTemplate(category=category)
        else:
            template = IndicatorTemplate.objects.select_for_update().get(pk=template.pk)
            old = {
                "name": template.name,
                "category": template.category_id,
                "indicators": template.indicators,
                "source_weights": template.source_weights,
            }
            template.category = category
        template.name, template.indicators, template.source_weights = name, cleaned, weights
        template.updated_by = actor
        # NULL categories are distinct to the database constraint: one general template, checked here.
        clash = IndicatorTemplate.objects.filter(category=category, is_active=True).exclude(pk=template.pk)
        if template.is_active and clash.exists():
            raise Conflict("performance.template_exists", _("该目录类别已有启用的指标模板"), field="category")
        try:
            with transaction.atomic():
                template.save()
        except IntegrityError:
            raise Conflict(
                "performance.template_exists", _("该目录类别已有启用的指标模板"), field="category"
            ) from None
        audit.record(
            actor=actor,
            action="performance.template_saved",
            obj=template,
            old=old,
            new={
                "name": name,
                "category": category.pk if category else None,
                "indicators": cleaned,
                "source_weights": weights,
            },
        )
    return template


def template_for_contract(contract: Contract) -> IndicatorTemplate | None:
    """The active template of the contract's catalogue category (the item or its nearest parent
    with a template), else the general template."""
    procurement = contract.procurement
    items = (
        list(procurement.plan.project.items.select_related("parent__parent")) if procurement.plan_id else []
    )
    active = {t.category_id: t for t in IndicatorTemplate.objects.filter(is_active=True)}
    for item in items:
        node: CatalogItem | None = item
        while node is not None:
            if node.pk in active:
                return active[node.pk]
            node = node.parent
    return active.get(None)


# ---------------------------------------------------------------------------------------------
# Evaluations


def _require_purchaser(actor: Any, contract: Contract) -> None:
    require_role(actor, Role.PURCHASER)
    if actor.unit_id != contract.purchaser_id:
        raise PermissionDenied("perm.other_unit", _("只有该合同的购买主体可以操作"))


def evaluation_create(
    *,
    actor: Any,
    contract: Contract,
    period: str,
    evaluator: Unit | None = None,
    template: IndicatorTemplate | None = None,
) -> PerformanceEvaluation:
    """Open the performance evaluation of a contract (purchaser), copying its category's template."""
    _require_purchaser(actor, contract)
    period = period.strip()
    if not period:
        raise ServiceError("performance.period_required", _("请填写评价期间"), field="period")
    if contract.status not in {ContractStatus.PUBLISHED, ContractStatus.COMPLETED, ContractStatus.TERMINATED}:
        raise Conflict(
            "performance.contract_not_performing", _("合同尚未公开履行，不能开展绩效评价"), field="contract"
        )
    if evaluator is not None and evaluator.kind != Unit.Kind.EVALUATOR:
        raise ServiceError("performance.evaluator_invalid", _("请选择第三方评价机构"), field="evaluator")
    template = template or template_for_contract(contract)
    if template is None:
        raise ServiceError("performance.template_missing", _("尚无适用的绩效指标模板"), field="template")
    with transaction.atomic():
        if PerformanceEvaluation.objects.filter(contract=contract, period=period).exists():
            raise Conflict("performance.period_exists", _("该评价期间已有绩效评价"), field="period")
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
            action="performance.evaluation_created",
            obj=evaluation,
            new={
                "contract": contract.reference,
                "period": period,
                "template": template.pk,
                "evaluator": evaluator.pk if evaluator else None,
            },
        )
    return evaluation


def _hash(evaluation: PerformanceEvaluation, code: str) -> str:
    text = f"{evaluation.survey_token}:{code.strip().upper()}"
    return hashlib.sha256(text.encode()).hexdigest()


def recipient_codes_issue(*, actor: Any, evaluation: PerformanceEvaluation, count: int) -> list[str]:
    """Issue `count` one-time survey codes for the purchaser to hand to service recipients.

    The codes are returned once (to print); only their hashes are stored.
    """
    _require_purchaser(actor, evaluation.contract)
    if evaluation.status != EvaluationStatus.OPEN:
        raise Conflict("performance.not_open", _("该绩效评价已评定"), field="status")
    if not 1 <= count <= MAX_CODES:
        raise ServiceError(
            "performance.code_count_invalid",
            _("评价码数量应在 1 至 %(max)d 之间") % {"max": MAX_CODES},
            field="count",
        )
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
            action="performance.codes_issued",
            obj=evaluation,
            new={"issued": count, "total": len(known)},
        )
    return codes


def party_of(actor: Any, evaluation: PerformanceEvaluation) -> str | None:
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
    actor: Any,
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
        raise PermissionDenied("auth.required", _("请先登录"))
    party = party_of(actor, evaluation)
    if party is None:
        raise PermissionDenied("perm.denied", _("您不是该绩效评价的评价方"))
    specs = specs_of(evaluation.indicators)
    leaves = rules.validate_template(specs)
    by_code = {s.code: s for s in specs}
    given = dict(scores or {})
    points: dict[str, Decimal] = {}
    for code, value in (measured or {}).items():
        if code not in by_code or not by_code[code].guide:
            raise ServiceError(
                "performance.no_guide", _("指标“%(code)s”没有评分标准") % {"code": code}, field=code
            )
        points[code] = rules.indicator_score(by_code[code].guide, _decimal(value, field=code)).value
    for code, value in given.items():
        if code not in by_code:
            raise ServiceError(
                "performance.indicator_unknown", _("未知的指标“%(code)s”") % {"code": code}, field=code
            )
        points[code] = _decimal(value, field=code)
    needed = [c for c in leaves if not by_code[c].survey]
    missing = [c for c in needed if c not in points]
    if missing:
        raise ServiceError(
            "performance.score_missing",
            _("请为指标“%(name)s”评分") % {"name": by_code[missing[0]].name},
            field=missing[0],
            params={"missing": missing},
        )
    shares = rules.leaf_weights(specs)
    for code in needed:
        if not Decimal(0) <= points[code] <= rules.HUNDRED:
            raise ServiceError(
                "performance.score_invalid",
                _("指标“%(name)s”的得分应在 0 至 100 之间") % {"name": by_code[code].name},
                field=code,
            )
    scored_share = sum((shares[c] for c in needed), Decimal(0))
    total = rules.round_score(sum((points[c] * shares[c] for c in needed), Decimal(0)) / scored_share)
    with transaction.atomic():
        evaluation = PerformanceEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.status != EvaluationStatus.OPEN:
            raise Conflict("performance.not_open", _("该绩效评价已评定"), field="status")
        if PartyScore.objects.filter(evaluation=evaluation, party=party).exists():
            raise Conflict("performance.already_submitted", _("本方已提交评价"), field="scores")
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
            action=f"performance.{party}_submitted",
            obj=evaluation,
            new={"party": party, "scores": row.scores, "total": total},
        )
    return row


def survey_answer(*, token: str, code: str, answer: int, comment: str = "", source: str) -> SurveyResponse:
    """A service recipient answers the satisfaction survey with their one-time code (anonymous).

    Posts from one `source` (the client address) beyond the rate are refused before anything is
    read or written; an unknown code, a used code or a closed survey change nothing.
    """
    limit, window = SURVEY_RATE
    if not ratelimit.allow(f"performance.survey:{source}", limit=limit, window_seconds=window):
        raise ServiceError("performance.survey_throttled", _("提交过于频繁，请稍后再试"))
    evaluation = PerformanceEvaluation.objects.filter(survey_token=token).first()
    if evaluation is None:
        raise NotFound("performance.survey_not_found", _("问卷不存在"))
    if evaluation.status != EvaluationStatus.OPEN or not evaluation.survey_open:
        raise Conflict("performance.survey_closed", _("问卷已关闭"))
    if answer not in (1, 2, 3, 4, 5):
        raise ServiceError("performance.answer_invalid", _("请选择满意程度"), field="answer")
    comment = comment.strip()[:500]
    with transaction.atomic():
        row = (
            RecipientCode.objects.select_for_update()
            .filter(evaluation=evaluation, code_hash=_hash(evaluation, code))
            .first()
        )
        if row is None:
            raise ServiceError("performance.code_invalid", _("评价码无效"), field="code")
        if row.used_at is not None:
            raise Conflict("performance.code_used", _("该评价码已提交过评价"), field="code")
        row.used_at = clock.now()
        row.save(update_fields=["used_at"])
        response = SurveyResponse.objects.create(
            evaluation=evaluation, code=row, answer=answer, comment=comment
        )
        # No code, comment or address in the event: only that one more answer came in.
        audit.record(
            actor=None,
            action="performance.survey_answered",
            obj=evaluation,
            new={"responses": evaluation.responses.count()},
        )
    return response


def _satisfaction(evaluation: PerformanceEvaluation, on_date: date) -> Decimal | None:
    answers = list(evaluation.responses.values_list("answer", flat=True))
    if not answers:
        return None
    return rules.satisfaction_score(answers, on_date).value


def evaluation_finalize(
    *, actor: Any, evaluation: PerformanceEvaluation, today: date | None = None
) -> PerformanceEvaluation:
    """Compute the composite score and grade (purchaser), close the survey, add the grade to the
    supplier's performance history and apply the credit loop.

    Needs the purchaser's scores, the evaluator's when one is assigned, and at least one survey
    answer when the template has satisfaction leaves.
    """
    _require_purchaser(actor, evaluation.contract)
    day = _today(today)
    with transaction.atomic():
        evaluation = (
            PerformanceEvaluation.objects.select_for_update().select_related("contract").get(pk=evaluation.pk)
        )
        if evaluation.status != EvaluationStatus.OPEN:
            raise Conflict("performance.not_open", _("该绩效评价已评定"), field="status")
        submitted = {p.party: p for p in evaluation.party_scores.all()}
        if Party.PURCHASER not in submitted:
            raise Conflict("performance.purchaser_missing", _("购买主体尚未提交评价"), field="scores")
        if evaluation.evaluator_id is not None and Party.THIRD_PARTY not in submitted:
            raise Conflict("performance.third_party_missing", _("第三方评价机构尚未提交评价"), field="scores")
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
        evaluation.score, evaluation.grade, evaluation.citation = (
            result.score,
            result.grade,
            result.citation[:300],
        )
        evaluation.leaf_scores = {c: str(rules.round_score(v)) for c, v in result.leaves.items()}
        evaluation.satisfaction = rules.round_score(satisfaction) if satisfaction is not None else None
        evaluation.finalized_on, evaluation.survey_open = day, False
        evaluation.status = EvaluationStatus.FINALIZED
        evaluation.save(
            update_fields=[
                "score",
                "grade",
                "citation",
                "leaf_scores",
                "satisfaction",
                "finalized_on",
                "survey_open",
                "status",
            ]
        )
        audit.record(
            actor=actor,
            action="performance.finalized",
            obj=evaluation,
            old={"status": EvaluationStatus.OPEN},
            new={
                "status": evaluation.status,
                "score": result.score,
                "grade": result.grade,
                "satisfaction": evaluation.satisfaction,
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


def evaluation_publish(*, actor: Any, evaluation: PerformanceEvaluation) -> PerformanceEvaluation:
    """Publish the evaluation report (purchaser)."""
    _require_purchaser(actor, evaluation.contract)
    with transaction.atomic():
        evaluation = PerformanceEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.status != EvaluationStatus.FINALIZED:
            raise Conflict("performance.not_finalized", _("评定后才能公开"), field="status")
        evaluation.status, evaluation.published_at = EvaluationStatus.PUBLISHED, clock.now()
        evaluation.save(update_fields=["status", "published_at"])
        audit.record(
            actor=actor,
            action="performance.published",
            obj=evaluation,
            old={"status": EvaluationStatus.FINALIZED},
            new={"status": evaluation.status, "score": evaluation.score, "grade": evaluation.grade},
        )
    return evaluation


# ---------------------------------------------------------------------------------------------
# Performance history and the credit loop


def _facts(organization: Organization) -> list[rules.HistoryFact]:
    return [
        rules.HistoryFact(e.occurred_on, e.kind, e.grade)  # type: ignore[arg-type]
        for e in HistoryEntry.objects.filter(organization=organization).order_by("occurred_on", "pk")
    ]


def _history_add(
    actor: Any,
    *,
    organization: Organization,
    source: str,
    kind: str,
    reference: str,
    grade: str = "",
    score: Decimal | None = None,
    occurred_on: date,
    note: str = "",
    evaluation: PerformanceEvaluation | None = None,
) -> HistoryEntry:
    existing = HistoryEntry.objects.filter(
        organization=organization, source=source, kind=kind, reference=reference
    ).first()
    if existing is not None:
        return existing
    entry = HistoryEntry.objects.create(
        organization=organization,
        source=source,
        kind=kind,
        reference=reference[:80],
        grade=grade,
        score=score,
        occurred_on=occurred_on,
        note=note,
        evaluation=evaluation,
    )
    audit.record(
        actor=actor,
        action="performance.history_recorded",
        obj=organization,
        new={
            "entry": entry.pk,
            "source": source,
            "kind": kind,
            "reference": entry.reference,
            "grade": grade,
            "score": score,
            "occurred_on": occurred_on,
        },
    )
    latest = rules.HistoryFact(occurred_on, kind, grade)  # type: ignore[arg-type]
    decision = rules.credit_consequences(latest, _facts(organization), occurred_on)
    if decision.flag:
        entry.flagged = True
        entry.save(update_fields=["flagged"])
        audit.record(
            actor=actor,
            action="performance.flagged",
            obj=organization,
            reason=decision.reasons[0].message_zh,
            new={"entry": entry.pk, "kind": kind, "grade": grade, "failures": decision.failures},
        )
    if (
        decision.recommend_listing
        and not ListingRecommendation.objects.filter(
            organization=organization, status=RecommendationStatus.PENDING
        ).exists()
    ):
        reason = decision.reasons[-1]
        recommendation = ListingRecommendation.objects.create(
            organization=organization,
            reason=reason.message_zh,
            citation=reason.citation[:300],
            made_on=occurred_on,
        )
        since = rules.credit_window_start(occurred_on, rules.credit_policy(occurred_on).value)
        failures = list(
            HistoryEntry.objects.filter(
                organization=organization, flagged=True, occurred_on__gt=since, occurred_on__lte=occurred_on
            )
        )
        recommendation.entries.set(failures)
        audit.record(
            actor=actor,
            action="performance.recommendation_made",
            obj=organization,
            reason=reason.message_zh,
            new={
                "recommendation": recommendation.pk,
                "failures": decision.failures,
                "entries": [e.pk for e in failures],
            },
        )
    return entry


def acceptance_reference(contract_reference: str, phase: int) -> str:
    """The history reference of a failed acceptance phase: the contracts service records it at
    once under this reference, and finalizing an evaluation (`_sync_contract_facts`) looks it up
    by the same reference, so a failure is counted once."""
    return f"{contract_reference} 验收{phase}"


def _sync_contract_facts(actor: Any, organization: Organization, today: date) -> int:
    """Bring the supplier's failed acceptances and terminations for its fault into its history
    (the facts the contracts app exposes for the credit loop)."""
    from opengps.contracts import selectors as contract_selectors

    added = 0
    for acceptance in contract_selectors.failed_acceptances(organization).filter(accepted_on__lte=today):
        reference = acceptance_reference(acceptance.contract.reference, acceptance.phase)
        if not HistoryEntry.objects.filter(
            organization=organization,
            source=HistorySource.CONTRACT,
            kind=HistoryKind.ACCEPTANCE_FAILED,
            reference=reference,
        ).exists():
            _history_add(
                actor,
                organization=organization,
                source=HistorySource.CONTRACT,
                kind=HistoryKind.ACCEPTANCE_FAILED,
                reference=reference,
                occurred_on=acceptance.accepted_on,
                note=acceptance.reasons[:500],
            )
            added += 1
    terminated = contract_selectors.terminations(organization, supplier_fault_only=True)
    for contract in terminated.filter(terminated_on__lte=today):
        if (
            contract.terminated_on is not None
            and not HistoryEntry.objects.filter(
                organization=organization,
                source=HistorySource.CONTRACT,
                kind=HistoryKind.TERMINATED,
                reference=contract.reference,
            ).exists()
        ):
            _history_add(
                actor,
                organization=organization,
                source=HistorySource.CONTRACT,
                kind=HistoryKind.TERMINATED,
                reference=contract.reference,
                occurred_on=contract.terminated_on,
                note=contract.termination_reason[:500],
            )
            added += 1
    return added


def history_refresh(*, actor: Any, organization: Organization, today: date | None = None) -> int:
    """Record the supplier's failed acceptances and supplier-fault terminations not yet in its
    history (officials); returns how many were added. Finalizing an evaluation does this too."""
    require_role(actor, Role.PURCHASER, Role.FINANCE, Role.REGISTRATION, Role.ADMIN)
    with transaction.atomic():
        return _sync_contract_facts(actor, organization, _today(today))


def performance_history_record(
    *,
    actor: Any,
    organization: Organization,
    source: str,
    reference: str,
    occurred_on: date,
    kind: str = HistoryKind.GRADE,
    grade: str = "",
    score: Decimal | None = None,
    note: str = "",
) -> HistoryEntry:
    """Add one result to a supplier's performance history (grants call this for final reviews;
    contracts for failed acceptances and terminations) and apply the credit loop.

    Idempotent per (organization, source, kind, reference). Officials or the system only.
    """
    if actor is not None and is_authenticated(actor):
        require_role(actor, Role.PURCHASER, Role.FINANCE, Role.REGISTRATION, Role.ADMIN)
    if source not in HistorySource.values:
        raise ServiceError("performance.source_invalid", _("来源无效"), field="source")
    if kind not in HistoryKind.values:
        raise ServiceError("performance.kind_invalid", _("记录类型无效"), field="kind")
    if kind == HistoryKind.GRADE and grade not in rules.GRADES:
        raise ServiceError("performance.grade_invalid", _("等级应为优、良、中或差"), field="grade")
    reference = reference.strip()
    if not reference:
        raise ServiceError("performance.reference_required", _("请填写编号"), field="reference")
    with transaction.atomic():
        return _history_add(
            actor,
            organization=organization,
            source=source,
            kind=kind,
            reference=reference,
            grade=grade,
            score=score,
            occurred_on=occurred_on,
            note=note,
        )


def recommendation_decline(
    *, actor: Any, recommendation: ListingRecommendation, note: str, today: date | None = None
) -> ListingRecommendation:
    """The registration authority decides not to list the supplier, with its reasons."""
    from opengps.registry.services import require_manages

    require_manages(actor, recommendation.organization)
    note = note.strip()
    if not note:
        raise ServiceError("performance.note_required", _("请说明不列入的理由"), field="note")
    with transaction.atomic():
        recommendation = ListingRecommendation.objects.select_for_update().get(pk=recommendation.pk)
        if recommendation.status != RecommendationStatus.PENDING:
            raise Conflict("performance.recommendation_decided", _("该建议已作出决定"), field="status")
        recommendation.status = RecommendationStatus.DECLINED
        recommendation.decided_on, recommendation.decision_note = _today(today), note
        recommendation.decided_by = actor
        recommendation.save(update_fields=["status", "decided_on", "decision_note", "decided_by"])
        audit.record(
            actor=actor,
            action="performance.recommendation_declined",
            obj=recommendation.organization,
            reason=note,
            old={"recommendation": recommendation.pk, "status": RecommendationStatus.PENDING},
            new={"recommendation": recommendation.pk, "status": recommendation.status},
        )
    return recommendation


def recommendation_mark_listed(
    *, actor: Any, recommendation: ListingRecommendation, listing: Any
) -> ListingRecommendation:
    """Called by `registry.services.credit_list` in its transaction when a listing follows a
    recommendation: the recommendation is decided, and the link goes both ways."""
    if not transaction.get_connection().in_atomic_block:  # pragma: no cover - programming error
        raise RuntimeError("recommendation_mark_listed runs inside the listing's transaction")
    recommendation = ListingRecommendation.objects.select_for_update().get(pk=recommendation.pk)
    if recommendation.status != RecommendationStatus.PENDING:
        raise Conflict("performance.recommendation_decided", _("该建议已作出决定"), field="recommendation")
    if recommendation.organization_id != listing.organization_id:
        raise ServiceError(
            "performance.recommendation_other_org", _("该建议不属于此社会组织"), field="recommendation"
        )
    recommendation.status = RecommendationStatus.LISTED
    recommendation.decided_on, recommendation.decided_by = listing.listed_on, actor
    recommendation.decision_note = listing.decision_document
    recommendation.save(update_fields=["status", "decided_on", "decided_by", "decision_note"])
    audit.record(
        actor=actor,
        action="performance.recommendation_listed",
        obj=recommendation.organization,
        old={"recommendation": recommendation.pk, "status": RecommendationStatus.PENDING},
        new={"recommendation": recommendation.pk, "status": recommendation.status, "listing": listing.pk},
    )
    return recommendation


# ---------------------------------------------------------------------------------------------
# Experts' conduct


def conduct_due(member: CommitteeMember) -> Ruled[date] | None:
    """The rating deadline of a committee member's conduct, once the evaluation has its report."""
    report = getattr(member.evaluation, "report", None)
    if report is None:
        return None
    return rules.expert_conduct_deadline(report.scoring_ended_on)


def expert_conduct_rate(
    *, actor: Any, member: CommitteeMember, rating: str, note: str = "", today: date | None = None
) -> ExpertConduct:
    """The purchaser rates one evaluation expert's conduct (IR §62), within 5 working days of the
    evaluation; a later rating is still recorded, marked late."""
    procurement = member.evaluation.procurement
    require_role(actor, Role.PURCHASER)
    if actor.unit_id != procurement.purchaser_id:
        raise PermissionDenied("perm.other_unit", _("只有该项目的采购人可以评价评审专家"))
    problems = rules.conduct_problems(rating, note)
    if problems:
        raise ServiceError(
            problems[0].code,
            problems[0].message_zh,
            field="rating" if "rating" in problems[0].code else "note",
        )
    due = conduct_due(member)
    if due is None:
        raise Conflict("expert_conduct.evaluation_not_ended", _("评审尚未结束，不能评价"), field="member")
    day = _today(today)
    with transaction.atomic():
        if ExpertConduct.objects.filter(member=member).exists():
            raise Conflict("expert_conduct.already_rated", _("已评价该专家"), field="member")
        conduct = ExpertConduct.objects.create(
            member=member,
            rating=rating,
            note=note.strip(),
            due_on=due.value,
            late=day > due.value,
            rated_by=actor,
            rated_on=day,
        )
        audit.record(
            actor=actor,
            action="expert_conduct.rated",
            obj=member,
            new={
                "evaluation": member.evaluation_id,
                "rating": rating,
                "due_on": due.value,
                "late": conduct.late,
                "citation": due.citation,
            },
            reason=note.strip(),
        )
    return conduct
