"""Writes of the grants cycle, each in one transaction with its audit event (who, old → new, why).

Call → applications (screened on submission) → expert panel (`experts.draw_create`) and
independent scores → ranking within the fund limit → public notice and objections → funding
decision → agreements with tranches → mid-term review → final review → final audit by the
accounting firm → return of unspent money. The decisions themselves are pure rules in
`opengps.rules.grants`; status changes follow the tables of `opengps.rules.grants_flow`.

Date-driven services take ``today`` only for tests and for entering past records (the demo);
screens and the API never pass it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from opengps.accounts import scopes
from opengps.accounts.models import Region, Role, Unit
from opengps.accounts.permissions import has_role, is_authenticated, require_role
from opengps.core import audit, clock
from opengps.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.experts.facts import bidders_from_organizations
from opengps.experts.models import DrawMember, MemberStatus
from opengps.experts.services import draw_create
from opengps.grants import attachments
from opengps.grants.models import (
    Agreement,
    AgreementStatus,
    Application,
    ApplicationStatus,
    Attachment,
    AuditOpinion,
    FinalAudit,
    FundReturn,
    Objection,
    ObjectionStatus,
    PitchSession,
    Programme,
    PurposeArea,
    ReviewScore,
    Round,
    RoundStatus,
    Tranche,
    TrancheStatus,
)
from opengps.performance.models import HistoryKind, HistorySource
from opengps.performance.services import performance_history_record
from opengps.planning.models import BudgetLine, BudgetStatus, FundSource
from opengps.registry import derived
from opengps.registry.models import Organization, OrgType
from opengps.rules import grants as rules
from opengps.rules.base import Reason, RuleError
from opengps.rules.grants_flow import check_transition
from opengps.rules.procedures import Method
from opengps.rules.scoring import Candidate, combine_member_scores, rank

PANEL_METHOD = Method.competitive_consultation
"""The panel is drawn as for 竞争性磋商 (≥3 members, odd; C214 §14): the method of purchased
services scored by 综合评分法, which is what a grant review is."""
CENT = Decimal("0.01")


# ---------------------------------------------------------------------------------------------
# Helpers


def _refuse(reasons: Sequence[Reason], *, field: str | None = None) -> None:
    """Raise the first blocking reason as a ServiceError carrying every code."""
    if reasons:
        first = reasons[0]
        raise ServiceError(
            first.code,
            "；".join(r.message_zh for r in reasons),
            field=field,
            params={"codes": [r.code for r in reasons], "citation": first.citation},
        )


def _transition(entity: str, obj: Any, target: str) -> str:
    old = obj.status
    try:
        check_transition(entity, old, target)
    except RuleError as exc:
        raise Conflict(exc.code, exc.message_zh, field="status", params=exc.params) from None
    obj.status = target
    return str(old)


def _money(value: Decimal | str | int, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError("grants.amount_invalid", _("金额格式不正确"), field=field) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise ServiceError("grants.amount_invalid", _("金额以元为单位，最多两位小数"), field=field)
    return amount.quantize(CENT)


def _today(today: date | None) -> date:
    return today or clock.today()


def is_funder(actor: Any, round_: Round) -> bool:
    """Staff (purchaser role) of the unit that funds the round's programme."""
    return has_role(actor, Role.PURCHASER) and actor.unit_id == round_.programme.funder_unit_id


def _require_funder(actor: Any, round_: Round) -> None:
    require_role(actor, Role.PURCHASER)
    if actor.unit_id != round_.programme.funder_unit_id:
        raise PermissionDenied("perm.other_unit", _("只有资助单位的经办人员可以办理"))


def _require_applicant(actor: Any, organization: Organization) -> None:
    require_role(actor, Role.SUPPLIER)
    if actor.organization_id != organization.pk:
        raise PermissionDenied("grants.not_your_organization", _("只能办理本组织的申报"))


def _locked_round(round_: Round) -> Round:
    return Round.objects.select_for_update().select_related("programme").get(pk=round_.pk)


def _locked_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("round__programme", "organization")
        .get(pk=application.pk)
    )


def _locked_agreement(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update()
        .select_related("application__round__programme", "application__organization")
        .get(pk=agreement.pk)
    )


def round_criteria(round_: Round) -> tuple[rules.Criterion, ...]:
    return tuple(rules.Criterion(c["code"], c["name"], int(c["weight"])) for c in round_.criteria)


def round_conditions(round_: Round) -> rules.RoundConditions:
    return rules.RoundConditions(
        org_types=frozenset(round_.org_types),
        min_rating=round_.min_rating,
        min_years_registered=round_.min_years_registered,
        regions=tuple(round_.regions),
        exclude_abnormal=round_.exclude_abnormal,
    )


def objection_deadline(round_: Round) -> date | None:
    if round_.notice_published_on is None:
        return None
    return rules.objection_period_end(round_.notice_published_on, round_.objection_days).value


def objection_window_open(round_: Round, today: date | None = None) -> bool:
    """Whether objections may be filed today: the proposed list is on notice and its period runs."""
    deadline = objection_deadline(round_)
    return round_.status == RoundStatus.NOTICE and deadline is not None and _today(today) <= deadline


def _reason_json(reason: Reason) -> dict[str, str]:
    return {
        "code": reason.code,
        "message_zh": reason.message_zh,
        "message_en": reason.message_en,
        "citation": reason.citation,
        "severity": reason.severity,
    }


# ---------------------------------------------------------------------------------------------
# Programmes and rounds


def programme_create(
    *,
    actor: Any,
    funder_unit: Unit,
    name: str,
    fund_source: str,
    is_venture_philanthropy: bool = False,
    description: str = "",
) -> Programme:
    """A funder unit sets up a programme (e.g. 省级福彩公益金支持社会组织参与社会服务项目)."""
    require_role(actor, Role.PURCHASER)
    if actor.unit_id != funder_unit.pk:
        raise PermissionDenied("perm.other_unit", _("只能为本单位设立资助项目"))
    name = name.strip()
    if not name:
        raise ServiceError("grants.name_required", _("请填写项目名称"), field="name")
    if fund_source not in FundSource.values:
        raise ServiceError("grants.fund_source_invalid", _("资金来源无效"), field="fund_source")
    with transaction.atomic():
        if Programme.objects.filter(funder_unit=funder_unit, name=name).exists():
            raise Conflict("grants.programme_exists", _("本单位已有同名资助项目"), field="name")
        programme = Programme.objects.create(
            name=name,
            funder_unit=funder_unit,
            fund_source=fund_source,
            is_venture_philanthropy=is_venture_philanthropy,
            description=description.strip(),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="grant_programme.created",
            obj=programme,
            new={"name": name, "funder_unit": funder_unit.pk, "fund_source": fund_source},
        )
    return programme


def _clean_criteria(criteria: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    try:
        cleaned: list[dict[str, Any]] = [
            {"code": str(c["code"]).strip(), "name": str(c["name"]).strip(), "weight": int(c["weight"])}
            for c in criteria
        ]
    except (KeyError, TypeError, ValueError):
        raise ServiceError(
            "grants.criteria_invalid", _("评分细则每项须有代码、名称和分值"), field="criteria"
        ) from None
    _refuse(
        rules.template_problems([rules.Criterion(c["code"], c["name"], c["weight"]) for c in cleaned]),
        field="criteria",
    )
    return cleaned


def round_create(
    *,
    actor: Any,
    programme: Programme,
    year: int,
    title: str,
    budget_line: BudgetLine,
    total_amount: Decimal | str,
    per_project_cap: Decimal | str,
    purpose_areas: Sequence[str],
    call_opens: date,
    call_closes: date,
    review_by: date,
    agreement_by: date,
    criteria: Sequence[Mapping[str, Any]],
    objection_days: int = rules.DEFAULT_OBJECTION_DAYS,
    tranche_shares: Sequence[int] = rules.DEFAULT_TRANCHE_SHARES,
    pass_score: Decimal | str = Decimal(60),
    org_types: Sequence[str] = (),
    min_rating: int | None = None,
    min_years_registered: int = 0,
    regions: Sequence[str] = (),
    exclude_abnormal: bool = True,
    expert_category: str = "A09",
    audit_firm: Unit | None = None,
    call_text: str = "",
) -> Round:
    """A draft round of `programme`, drawing on an approved budget line of the funder unit.

    Refused when the money is not there (line not approved, not the funder's, or already used by
    other rounds), the template's weights do not sum to 100, the timetable is out of order, or a
    condition is not a known value.
    """
    _require_funder(actor, Round(programme=programme))
    title = title.strip()
    if not title:
        raise ServiceError("grants.title_required", _("请填写批次名称"), field="title")
    total = _money(total_amount, "total_amount")
    cap = _money(per_project_cap, "per_project_cap")
    if total <= 0 or cap <= 0 or cap > total:
        raise ServiceError(
            "grants.amounts_invalid",
            _("资金总额和单项上限须为正数，且单项上限不超过总额"),
            field="per_project_cap",
        )
    if budget_line.unit_id != programme.funder_unit_id or budget_line.status != BudgetStatus.APPROVED:
        raise ServiceError(
            "grants.budget_line_invalid", _("须使用资助单位已批复的预算指标"), field="budget_line"
        )
    areas = list(dict.fromkeys(purpose_areas))
    if not areas or any(a not in PurposeArea.values for a in areas):
        raise ServiceError("grants.purpose_invalid", _("请选择有效的资助方向"), field="purpose_areas")
    if any(t not in OrgType.values for t in org_types):
        raise ServiceError("grants.org_type_invalid", _("组织类型无效"), field="org_types")
    if min_rating is not None and not 1 <= min_rating <= 5:
        raise ServiceError("grants.min_rating_invalid", _("最低评估等级应为1A至5A"), field="min_rating")
    region_codes = list(dict.fromkeys(regions))
    if Region.objects.filter(pk__in=region_codes).count() != len(region_codes):
        raise ServiceError("grants.region_invalid", _("资助区划代码无效"), field="regions")
    if audit_firm is not None and audit_firm.kind != Unit.Kind.EVALUATOR:
        raise ServiceError("grants.audit_firm_invalid", _("结项审计机构须为第三方机构"), field="audit_firm")
    _refuse(
        rules.timetable_problems(call_opens, call_closes, review_by, agreement_by, objection_days),
        field="call_closes",
    )
    if not 1 <= len(tranche_shares) <= 3:
        raise ServiceError("grants.tranche_shares_invalid", _("分期拨付为1至3期"), field="tranche_shares")
    try:
        rules.tranche_amounts(total, tranche_shares)
    except RuleError as exc:
        raise _rule_error(exc, field="tranche_shares") from None
    cleaned = _clean_criteria(criteria)
    passing = _money(pass_score, "pass_score")
    if not 0 <= passing <= 100:
        raise ServiceError("grants.pass_score_invalid", _("立项分数线应在0至100分之间"), field="pass_score")
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().get(pk=budget_line.pk)
        used = Round.objects.filter(budget_line=line).exclude(status=RoundStatus.CANCELLED).aggregate(
            s=Sum("total_amount")
        )["s"] or Decimal(0)
        if used + total > line.amount:
            raise ServiceError(
                "grants.budget_exceeded",
                _("预算指标余额 %(left)s 元，不足以安排 %(total)s 元")
                % {"left": line.amount - used, "total": total},
                field="total_amount",
                params={"left": str(line.amount - used)},
            )
        round_ = Round.objects.create(
            programme=programme,
            year=year,
            title=title,
            call_text=call_text.strip(),
            budget_line=line,
            purpose_areas=areas,
            total_amount=total,
            per_project_cap=cap,
            org_types=sorted(set(org_types)),
            min_rating=min_rating,
            min_years_registered=min_years_registered,
            regions=region_codes,
            exclude_abnormal=exclude_abnormal,
            call_opens=call_opens,
            call_closes=call_closes,
            review_by=review_by,
            objection_days=objection_days,
            agreement_by=agreement_by,
            criteria=cleaned,
            pass_score=passing,
            tranche_shares=list(tranche_shares),
            expert_category=expert_category.strip().upper(),
            audit_firm=audit_firm,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="grant_round.created",
            obj=round_,
            new={
                "programme": programme.pk,
                "budget_line": line.pk,
                "fund_source": line.fund_source,
                "total_amount": total,
                "per_project_cap": cap,
                "criteria": cleaned,
                "conditions": {
                    "org_types": round_.org_types,
                    "min_rating": min_rating,
                    "min_years_registered": min_years_registered,
                    "regions": region_codes,
                    "exclude_abnormal": exclude_abnormal,
                },
                "timetable": [call_opens, call_closes, review_by, agreement_by],
                "objection_days": objection_days,
                "tranche_shares": list(tranche_shares),
            },
        )
    return round_


def _round_status(
    actor: Any, round_: Round, target: str, action: str, *, reason: str = "", **new: Any
) -> Round:
    old = _transition("grant_round", round_, target)
    columns = {f.name for f in Round._meta.concrete_fields}
    round_.save(update_fields=["status", *[k for k in new if k in columns]])
    audit.record(
        actor=actor,
        action=action,
        obj=round_,
        old={"status": old},
        new={"status": target, **new},
        reason=reason,
    )
    return round_


def round_publish(*, actor: Any, round: Round) -> Round:
    """Publish the call (申报指南): public from now on; open between its dates."""
    _require_funder(actor, round)
    with transaction.atomic():
        locked = _locked_round(round)
        return _round_status(actor, locked, RoundStatus.PUBLISHED, "grant_round.published")


def round_cancel(*, actor: Any, round: Round, reason: str) -> Round:
    _require_funder(actor, round)
    if not reason.strip():
        raise ServiceError("grants.reason_required", _("请填写原因"), field="reason")
    with transaction.atomic():
        locked = _locked_round(round)
        return _round_status(
            actor, locked, RoundStatus.CANCELLED, "grant_round.cancelled", reason=reason.strip()
        )


def round_assign_audit_firm(*, actor: Any, round: Round, firm: Unit) -> Round:
    """Name the accounting firm that will carry out the final audits (结项审计)."""
    _require_funder(actor, round)
    if firm.kind != Unit.Kind.EVALUATOR:
        raise ServiceError("grants.audit_firm_invalid", _("结项审计机构须为第三方机构"), field="firm")
    with transaction.atomic():
        locked = _locked_round(round)
        old = locked.audit_firm_id
        if old == firm.pk:
            return locked
        locked.audit_firm = firm
        locked.save(update_fields=["audit_firm"])
        audit.record(
            actor=actor,
            action="grant_round.audit_firm_assigned",
            obj=locked,
            old={"audit_firm": old},
            new={"audit_firm": firm.pk},
        )
    return locked


# ---------------------------------------------------------------------------------------------
# Applications


def _clean_lines(budget_lines: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned: list[dict[str, str]] = []
    for line in budget_lines:
        item = str(line.get("item", "")).strip()
        if not item:
            raise ServiceError(
                "grants.budget_item_required", _("预算明细每项须填写用途"), field="budget_lines"
            )
        cleaned.append({"item": item[:100], "amount": str(_money(line.get("amount", ""), "budget_lines"))})
    return cleaned


def _clean_indicators(indicators: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned = [
        {"name": str(i.get("name", "")).strip()[:100], "target": str(i.get("target", "")).strip()[:200]}
        for i in indicators
    ]
    if any(not i["name"] or not i["target"] for i in cleaned):
        raise ServiceError("grants.indicator_invalid", _("绩效指标每项须有名称和目标值"), field="indicators")
    return cleaned


def _require_call_open(round_: Round, on_date: date) -> None:
    if round_.status != RoundStatus.PUBLISHED:
        raise Conflict("grants.call_not_published", _("申报指南未发布或已结束申报"), field="round")
    state = rules.call_state(round_.call_opens, round_.call_closes, on_date)
    if state != "open":
        raise Conflict(
            "grants.call_closed" if state == "closed" else "grants.call_not_open",
            _("申报时间为 %(opens)s 至 %(closes)s")
            % {"opens": round_.call_opens, "closes": round_.call_closes},
            field="round",
            params={"state": state},
        )


def _amount_problems(round_: Round, requested: Decimal) -> None:
    """Over the cap or the total, refused at once (drafts too): the form shows it beside the amount."""
    problems = [
        r
        for r in rules.request_problems(
            requested, [requested], cap=round_.per_project_cap, total=round_.total_amount
        )
        if r.code in {"grants.amount_invalid", "grants.over_cap", "grants.over_total"}
    ]
    _refuse(problems, field="requested_amount")


APPLICATION_FIELDS = (
    "title",
    "purpose_area",
    "summary",
    "plan",
    "beneficiary_region",
    "starts_on",
    "ends_on",
    "requested_amount",
    "budget_lines",
    "indicators",
)


def _application_values(app: Application) -> dict[str, Any]:
    values = {name: getattr(app, name) for name in APPLICATION_FIELDS if name != "beneficiary_region"}
    values["beneficiary_region"] = app.beneficiary_region_id
    return values


def application_save(
    *,
    actor: Any,
    round: Round,
    title: str,
    purpose_area: str,
    beneficiary_region: Region,
    starts_on: date,
    ends_on: date,
    requested_amount: Decimal | str,
    budget_lines: Sequence[Mapping[str, Any]] = (),
    indicators: Sequence[Mapping[str, Any]] = (),
    summary: str = "",
    plan: str = "",
    application: Application | None = None,
    today: date | None = None,
) -> Application:
    """Save a draft application of the actor's organization (create, or update `application`).

    One application per organization per round (service check and DB constraint). An amount over
    the per-project cap is refused at once with ``grants.over_cap``.
    """
    require_role(actor, Role.SUPPLIER)
    organization = actor.organization
    _require_applicant(actor, organization)
    if application is not None:  # another organization's draft: refused before any state check
        _require_applicant(actor, application.organization)
    on_date = _today(today)
    title = title.strip()
    if not title:
        raise ServiceError("grants.title_required", _("请填写项目名称"), field="title")
    if purpose_area not in round.purpose_areas:
        raise ServiceError("grants.purpose_invalid", _("资助方向不在本轮范围内"), field="purpose_area")
    if starts_on > ends_on:
        raise ServiceError("grants.dates_invalid", _("计划开始日期不能晚于结束日期"), field="ends_on")
    requested = _money(requested_amount, "requested_amount")
    _amount_problems(round, requested)
    values: dict[str, Any] = {
        "title": title[:200],
        "purpose_area": purpose_area,
        "summary": summary.strip(),
        "plan": plan.strip(),
        "beneficiary_region": beneficiary_region,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "requested_amount": requested,
        "budget_lines": _clean_lines(budget_lines),
        "indicators": _clean_indicators(indicators),
    }
    with transaction.atomic():
        locked_round = _locked_round(round)
        _require_call_open(locked_round, on_date)
        if application is None:
            if Application.objects.filter(round=locked_round, organization=organization).exists():
                raise Conflict(
                    "grants.application_exists",
                    _("本组织已申报本轮项目，每个组织每轮限报一项"),
                    field="round",
                )
            try:
                with transaction.atomic():
                    app = Application.objects.create(
                        round=locked_round, organization=organization, created_by=actor, **values
                    )
            except IntegrityError:
                raise Conflict(
                    "grants.application_exists",
                    _("本组织已申报本轮项目，每个组织每轮限报一项"),
                    field="round",
                ) from None
            audit.record(
                actor=actor, action="grant_application.draft_saved", obj=app, new=_application_values(app)
            )
            return app
        app = _locked_application(application)
        _require_applicant(actor, app.organization)
        if app.round_id != locked_round.pk or app.status != ApplicationStatus.DRAFT:
            raise Conflict("grants.not_draft", _("只能修改草稿"), field="status")
        before = _application_values(app)
        for name, value in values.items():
            setattr(app, name, value)
        old, new = audit.diff(before, _application_values(app))
        if not new:
            return app
        app.save(update_fields=[*values, "updated_at"])
        audit.record(actor=actor, action="grant_application.draft_saved", obj=app, old=old, new=new)
    return app


def attachment_add(*, actor: Any, application: Application, name: str, content: bytes) -> Attachment:
    """Attach a file to a draft (size and type checked by content, at most 10 files)."""
    checked = attachments.check_file(name, content)
    with transaction.atomic():
        app = _locked_application(application)
        _require_applicant(actor, app.organization)
        if app.status != ApplicationStatus.DRAFT:
            raise Conflict("grants.not_draft", _("只能修改草稿"), field="status")
        if app.attachments.count() >= attachments.MAX_FILES:
            raise ServiceError(
                "grants.too_many_files", _("附件最多 %(n)d 个") % {"n": attachments.MAX_FILES}, field="file"
            )
        digest = hashlib.sha256(checked.content).hexdigest()
        item = Attachment.objects.create(
            application=app,
            name=checked.name,
            kind=checked.kind,
            size=len(checked.content),
            sha256=digest,
            content=checked.content,
            uploaded_by=actor,
        )
        audit.record(
            actor=actor,
            action="grant_application.attachment_added",
            obj=app,
            new={
                "attachment": item.pk,
                "name": item.name,
                "kind": item.kind,
                "size": item.size,
                "sha256": digest,
            },
        )
    return item


def screen(app: Application, on_date: date) -> rules.Screening:
    """The automatic screening of `app`'s organization against its round on `on_date` (no writes)."""
    org = Organization.objects.prefetch_related(*derived.facts_prefetch()).get(pk=app.organization_id)
    return rules.applicant_eligibility(
        derived.organization_facts(org), org.region_id, round_conditions(app.round), on_date
    )


def application_submit(*, actor: Any, application: Application, today: date | None = None) -> Application:
    """Submit a draft while the call is open; it is screened at once and the reasons kept.

    Refused (nothing changes) when the amount breaks the cap or total, the budget breakdown does
    not add up, or no indicator is given. Screening decides eligible or screened_out.
    """
    on_date = _today(today)
    with transaction.atomic():
        app = _locked_application(application)
        _require_applicant(actor, app.organization)
        _require_call_open(app.round, on_date)
        lines = [Decimal(line["amount"]) for line in app.budget_lines]
        _refuse(
            rules.request_problems(
                app.requested_amount, lines, cap=app.round.per_project_cap, total=app.round.total_amount
            ),
            field="requested_amount",
        )
        if not app.indicators:
            raise ServiceError("grants.indicators_required", _("请至少填写一项绩效指标"), field="indicators")
        result = screen(app, on_date)
        target = ApplicationStatus.ELIGIBLE if result.eligible else ApplicationStatus.SCREENED_OUT
        old = _transition("grant_application", app, target)
        app.submitted_at = clock.now()
        app.screening = [_reason_json(r) for r in result.reasons]
        app.save(update_fields=["status", "submitted_at", "screening", "updated_at"])
        audit.record(
            actor=actor,
            action="grant_application.submitted",
            obj=app,
            old={"status": old},
            new={"requested_amount": app.requested_amount, "budget_lines": app.budget_lines},
        )
        audit.record(
            actor=None,
            action="grant_application.screened",
            obj=app,
            old={"status": old},
            new={"status": target, "reasons": [r.code for r in result.reasons], "on_date": on_date},
            reason="；".join(r.message_zh for r in result.blocking),
        )
    return app


def application_withdraw(*, actor: Any, application: Application, reason: str = "") -> Application:
    with transaction.atomic():
        app = _locked_application(application)
        _require_applicant(actor, app.organization)
        old = _transition("grant_application", app, ApplicationStatus.WITHDRAWN)
        app.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="grant_application.withdrawn",
            obj=app,
            old={"status": old},
            new={"status": app.status},
            reason=reason.strip(),
        )
    return app


# ---------------------------------------------------------------------------------------------
# Review


def round_review_start(*, actor: Any, round: Round, today: date | None = None) -> Round:
    """After the call has closed, the round goes to review."""
    _require_funder(actor, round)
    on_date = _today(today)
    with transaction.atomic():
        locked = _locked_round(round)
        if rules.call_state(locked.call_opens, locked.call_closes, on_date) != "closed":
            raise Conflict(
                "grants.call_still_open",
                _("申报截止（%(closes)s）后才能开始评审") % {"closes": locked.call_closes},
                field="status",
            )
        eligible = locked.applications.filter(status=ApplicationStatus.ELIGIBLE).count()
        return _round_status(
            actor, locked, RoundStatus.REVIEWING, "grant_round.review_started", eligible=eligible
        )


def panel_draw(*, actor: Any, round: Round, needed: int = 5, drawn_at: datetime | None = None) -> Round:
    """Draw the expert panel at random through `experts.draw_create` (method 竞争性磋商: ≥3, odd).

    The applicants under review are the "bidders" checked for avoidance (回避).
    """
    _require_funder(actor, round)
    with transaction.atomic():
        locked = _locked_round(round)
        if locked.status != RoundStatus.REVIEWING:
            raise Conflict("grants.not_reviewing", _("只有评审阶段可以抽取评审专家"), field="status")
        if locked.draw_id is not None:
            raise Conflict("grants.panel_exists", _("本批次已抽取评审专家"), field="draw")
        organizations = Organization.objects.filter(
            grant_applications__round=locked, grant_applications__status=ApplicationStatus.ELIGIBLE
        ).order_by("pk")
        draw = draw_create(
            actor=actor,
            procurement_ref=f"grant-round-{locked.pk}",
            title=locked.title,
            purchaser_unit=locked.programme.funder_unit,
            category=locked.expert_category,
            method=PANEL_METHOD,
            budget=locked.total_amount,
            needed=needed,
            bidders=bidders_from_organizations(organizations),
            drawn_at=drawn_at,
        )
        locked.draw = draw
        locked.save(update_fields=["draw"])
        audit.record(
            actor=actor,
            action="grant_round.panel_drawn",
            obj=locked,
            new={"draw": draw.pk, "needed": needed, "method": str(PANEL_METHOD)},
        )
    return locked


def panel_members(round_: Round) -> list[DrawMember]:
    """The experts who accepted to sit on the round's panel (read from the database, so a stale
    round object never hides a panel drawn since)."""
    return list(
        DrawMember.objects.filter(draw__grant_round=round_.pk, status=MemberStatus.ACCEPTED)
        .select_related("expert")
        .order_by("order")
    )


def _member_of(actor: Any, round_: Round) -> DrawMember:
    require_role(actor, Role.EXPERT)
    member = next((m for m in panel_members(round_) if m.expert.user_id == actor.pk), None)
    if member is None:
        raise PermissionDenied("grants.not_on_panel", _("您不是本批次的评审专家"))
    return member


def score_submit(
    *, actor: Any, application: Application, scores: Mapping[str, Decimal | str], comment: str = ""
) -> ReviewScore:
    """A panel member scores one application on every criterion, independently and once."""
    app = Application.objects.select_related("round__programme").get(pk=application.pk)
    return score_sheet_submit(
        actor=actor, round=app.round, sheet={app.pk: scores}, comments={app.pk: comment}
    )[0]


def score_sheet_submit(
    *,
    actor: Any,
    round: Round,
    sheet: Mapping[int, Mapping[str, Decimal | str]],
    comments: Mapping[int, str] | None = None,
) -> list[ReviewScore]:
    """A panel member submits a score sheet (评分表): application id → criterion → score.

    Each application on it is scored on every criterion, independently and once; the whole
    sheet is refused if any line is invalid. One audit event per application scored.
    """
    member = _member_of(actor, round)
    criteria = round_criteria(round)
    comments = comments or {}
    parsed: dict[int, dict[str, Decimal]] = {}
    for app_id, scores in sheet.items():
        try:
            parsed[app_id] = {str(k): Decimal(str(v)) for k, v in scores.items()}
        except InvalidOperation:
            raise ServiceError("grants.score_invalid", _("得分格式不正确"), field="scores") from None
        _refuse(rules.score_problems(criteria, parsed[app_id]), field="scores")
    with transaction.atomic():
        locked_round = _locked_round(round)
        apps = {
            a.pk: a
            for a in Application.objects.select_for_update().filter(round=locked_round, pk__in=list(parsed))
        }
        if (
            locked_round.status != RoundStatus.REVIEWING
            or len(apps) != len(parsed)
            or any(a.status != ApplicationStatus.ELIGIBLE for a in apps.values())
        ):
            raise Conflict("grants.not_under_review", _("该项目当前不在评审中"), field="status")
        if ReviewScore.objects.filter(application__in=list(apps), member=member).exists():
            raise Conflict("grants.already_scored", _("您已对该项目评分，不能重复提交"), field="scores")
        created = ReviewScore.objects.bulk_create(
            [
                ReviewScore(
                    application_id=app_id,
                    member=member,
                    scores={k: str(v) for k, v in values.items()},
                    total=sum(values.values(), Decimal(0)).quantize(CENT),
                    comment=comments.get(app_id, "").strip(),
                )
                for app_id, values in parsed.items()
            ]
        )
        audit.record_many(
            actor=actor,
            action="grant_review.scored",
            changes=[
                (
                    apps[s.application_id],
                    None,
                    {"member": member.pk, "expert": member.expert_id, "total": s.total},
                )
                for s in created
            ],
        )
    return created


def pitch_record(
    *, actor: Any, application: Application, held_on: date, location: str, notes: str = ""
) -> PitchSession:
    """Record an optional pitch (项目路演) of an application before the panel."""
    app = Application.objects.select_related("round__programme").get(pk=application.pk)
    _require_funder(actor, app.round)
    if not location.strip():
        raise ServiceError("grants.location_required", _("请填写路演地点"), field="location")
    with transaction.atomic():
        locked = _locked_application(app)
        if locked.status != ApplicationStatus.ELIGIBLE:
            raise Conflict("grants.not_under_review", _("该项目当前不在评审中"), field="status")
        pitch = PitchSession.objects.create(
            application=locked,
            held_on=held_on,
            location=location.strip(),
            notes=notes.strip(),
            recorded_by=actor,
        )
        audit.record(
            actor=actor,
            action="grant_review.pitch_recorded",
            obj=locked,
            new={"pitch": pitch.pk, "held_on": held_on, "location": pitch.location},
        )
    return pitch


def round_rank(*, actor: Any, round: Round) -> Round:
    """Combine each application's member scores, rank them and propose funding within the total.

    Every accepted panel member (at least the committee minimum) must have scored every
    application under review. Ties: `rules.scoring.rank` as for 磋商 (lower amount first, then
    industry association, then a draw seeded by the round). Funding: `rules.grants.fund_within_limit`.
    """
    _require_funder(actor, round)
    with transaction.atomic():
        locked = _locked_round(round)
        if locked.status != RoundStatus.REVIEWING:
            raise Conflict("grants.not_reviewing", _("只有评审阶段可以排序"), field="status")
        members = panel_members(locked)
        minimum = int(locked.draw.committee.get("min_size", 3)) if locked.draw else 3
        if len(members) < minimum:
            raise Conflict(
                "grants.panel_incomplete",
                _("确认参加的评审专家不足 %(n)d 名") % {"n": minimum},
                field="draw",
            )
        apps = list(
            locked.applications.filter(status=ApplicationStatus.ELIGIBLE)
            .select_related("organization")
            .order_by("pk")
        )
        member_ids = {m.pk for m in members}
        by_app: dict[int, dict[str, dict[str, Decimal]]] = {a.pk: {} for a in apps}
        for score in ReviewScore.objects.filter(application__in=apps, member_id__in=member_ids):
            by_app[score.application_id][str(score.member_id)] = {
                k: Decimal(v) for k, v in score.scores.items()
            }
        missing = [a.pk for a in apps if len(by_app[a.pk]) != len(member_ids)]
        if missing:
            raise Conflict(
                "grants.scores_missing",
                _("还有 %(n)d 个项目未获全部评审专家评分") % {"n": len(missing)},
                params={"applications": missing},
            )
        combined = {a.pk: combine_member_scores(by_app[a.pk]).value for a in apps}
        ranking = rank(
            [
                Candidate(
                    bidder=str(a.pk),
                    evaluated_price=a.requested_amount,
                    total_score=combined[a.pk],
                    industry_association=a.organization.is_industry_association,
                )
                for a in apps
            ],
            method=PANEL_METHOD,
            seed=f"grant-round-{locked.pk}",
        )
        plan = rules.fund_within_limit(
            [
                rules.RankedRequest(
                    e.candidate.bidder, e.candidate.evaluated_price, combined[int(e.candidate.bidder)]
                )
                for e in ranking.ranked
            ],
            locked.total_amount,
            pass_score=locked.pass_score,
        )
        funded = dict(plan.funded)
        unfunded = dict(plan.unfunded)
        by_pk = {a.pk: a for a in apps}
        changes = []
        for entry in ranking.ranked:
            app = by_pk[int(entry.candidate.bidder)]
            key = str(app.pk)
            target = ApplicationStatus.PROPOSED if key in funded else ApplicationStatus.NOT_SELECTED
            old = _transition("grant_application", app, target)
            app.rank, app.combined_score = entry.position, combined[app.pk]
            app.awarded_amount = funded.get(key)
            app.ranking_note = unfunded[key].message_zh if key in unfunded else ""
            changes.append(
                (
                    app,
                    {"status": old},
                    {
                        "status": target,
                        "rank": app.rank,
                        "combined_score": app.combined_score,
                        "awarded_amount": app.awarded_amount,
                        "decided_by": entry.decided_by,
                    },
                )
            )
        Application.objects.bulk_update(
            apps, ["status", "rank", "combined_score", "awarded_amount", "ranking_note"]
        )
        audit.record_many(actor=actor, action="grant_application.ranked", changes=changes)
        locked.ranked_at = clock.now()
        locked.save(update_fields=["ranked_at"])
        audit.record(
            actor=actor,
            action="grant_round.ranked",
            obj=locked,
            new={
                "ranked": len(apps),
                "proposed": len(plan.funded),
                "funded_sum": plan.funded_sum,
                "total": plan.total,
                "draws": [d.order for d in ranking.draws],
                "citation": ranking.citation,
            },
        )
    return locked


def notice_publish(*, actor: Any, round: Round, today: date | None = None) -> Round:
    """Publish the proposed list for public notice; objections run `objection_days` from today."""
    _require_funder(actor, round)
    on_date = _today(today)
    with transaction.atomic():
        locked = _locked_round(round)
        if locked.ranked_at is None or locked.applications.filter(status=ApplicationStatus.ELIGIBLE).exists():
            raise Conflict("grants.not_ranked", _("请先完成排序"), field="status")
        locked.notice_published_on = on_date
        deadline = rules.objection_period_end(on_date, locked.objection_days)
        return _round_status(
            actor,
            locked,
            RoundStatus.NOTICE,
            "grant_round.notice_published",
            notice_published_on=on_date,
            objection_deadline=deadline.value,
        )


OBJECTION_RATE = (5, 3600)
"""Objections per client address (web form and API together): at most 5 an hour. A notice runs
days, so honest objectors never meet it; floods do."""
OBJECTION_LISTED = (ApplicationStatus.PROPOSED,)
"""What an objection may name: a project on the proposed list under notice."""


def objection_file(
    *,
    actor: Any,
    round: Round,
    text: str,
    application: Application | None = None,
    filer_name: str = "",
    filer_contact: str = "",
    today: date | None = None,
) -> Objection:
    """Anyone objects to the proposed list within the notice period (公示期内异议).

    Anonymous members of the public too: their name and a contact are required (the contact
    is for the funder's reply and is never published). A signed-in user's name and account
    stand in when left blank. Auditors never write; the funder's own staff decide objections
    and so cannot file them. A named project must be on the list under notice.
    """
    signed_in = is_authenticated(actor)
    if signed_in and actor.role == Role.AUDITOR:
        raise PermissionDenied("perm.denied", _("审计人员只读，不能提出异议"))
    if signed_in and is_funder(actor, Round.objects.select_related("programme").get(pk=round.pk)):
        raise PermissionDenied("grants.funder_cannot_object", _("资助单位经办人员负责处理异议，不能提出异议"))
    text = text.strip()
    filer_name = filer_name.strip() or (str(actor) if signed_in else "")
    filer_contact = filer_contact.strip() or (
        (getattr(actor, "email", "") or f"{_('平台账号')} {actor.username}") if signed_in else ""
    )
    if not filer_name:
        raise ServiceError("grants.filer_name_required", _("请填写提出人姓名或单位名称"), field="filer_name")
    if not filer_contact:
        raise ServiceError(
            "grants.filer_contact_required", _("请填写联系电话或电子邮箱"), field="filer_contact"
        )
    if len(filer_name) > 100 or len(filer_contact) > 100:
        raise ServiceError("grants.filer_too_long", _("姓名和联系方式均不超过100字"), field="filer_name")
    if not text:
        raise ServiceError("grants.objection_text_required", _("请写明异议内容和理由"), field="text")
    if len(text) > 5000:
        raise ServiceError("grants.objection_text_too_long", _("异议内容不超过5000字"), field="text")
    on_date = _today(today)
    with transaction.atomic():
        locked = _locked_round(round)
        deadline = objection_deadline(locked)
        if locked.status != RoundStatus.NOTICE or deadline is None or on_date > deadline:
            raise Conflict("grants.objection_period_over", _("不在公示期内，不能提出异议"), field="round")
        if application is not None:
            named = Application.objects.filter(pk=application.pk).values_list("round_id", "status").first()
            if named is None or named[0] != locked.pk:
                raise ServiceError(
                    "grants.application_other_round", _("所涉项目不属于本批次"), field="application"
                )
            if named[1] not in OBJECTION_LISTED:
                raise ServiceError(
                    "grants.application_not_listed", _("所涉项目不在拟资助名单中"), field="application"
                )
        objection = Objection.objects.create(
            round=locked,
            application=application,
            filed_by=actor if signed_in else None,
            filer_name=filer_name,
            filer_contact=filer_contact,
            text=text,
            filed_on=on_date,
        )
        # The contact stays out of the audit trail's public fields: only the funder needs it.
        audit.record(
            actor=actor if signed_in else None,
            action="grant_objection.filed",
            obj=objection,
            new={
                "round": locked.pk,
                "application": application.pk if application else None,
                "filer_name": filer_name,
                "anonymous": not signed_in,
                "text": text,
            },
        )
    return objection


def objection_decide(
    *, actor: Any, objection: Objection, upheld: bool, decision: str, today: date | None = None
) -> Objection:
    """Decide an objection with reasons. Upheld against a proposed project: it is disqualified,
    the others go back to review and the round is ranked again (then a new notice)."""
    round_ = Round.objects.select_related("programme").get(pk=objection.round_id)
    _require_funder(actor, round_)
    decision = decision.strip()
    if not decision:
        raise ServiceError("grants.decision_required", _("请填写处理意见"), field="decision")
    with transaction.atomic():
        locked_round = _locked_round(round_)
        item = Objection.objects.select_for_update().get(pk=objection.pk)
        target = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        old = _transition("grant_objection", item, target)
        item.decision, item.decided_by, item.decided_on = decision, actor, _today(today)
        item.save(update_fields=["status", "decision", "decided_by", "decided_on"])
        audit.record(
            actor=actor,
            action=f"grant_objection.{target}",
            obj=item,
            old={"status": old},
            new={"status": target},
            reason=decision,
        )
        if upheld and item.application_id is not None:
            app = _locked_application(Application(pk=item.application_id))
            if app.status == ApplicationStatus.PROPOSED:
                _reopen_round(actor, locked_round, app, decision)
    return item


def _reopen_round(actor: Any, round_: Round, disqualified: Application, reason: str) -> None:
    old = _transition("grant_application", disqualified, ApplicationStatus.DISQUALIFIED)
    disqualified.awarded_amount = None
    disqualified.save(update_fields=["status", "awarded_amount", "updated_at"])
    audit.record(
        actor=actor,
        action="grant_application.disqualified",
        obj=disqualified,
        old={"status": old},
        new={"status": disqualified.status},
        reason=reason,
    )
    others = list(
        round_.applications.filter(
            status__in=[ApplicationStatus.PROPOSED, ApplicationStatus.NOT_SELECTED]
        ).order_by("pk")
    )
    changes = []
    for app in others:
        previous = _transition("grant_application", app, ApplicationStatus.ELIGIBLE)
        app.awarded_amount, app.rank, app.ranking_note = None, None, ""
        changes.append((app, {"status": previous}, {"status": app.status}))
    Application.objects.bulk_update(others, ["status", "awarded_amount", "rank", "ranking_note"])
    audit.record_many(actor=actor, action="grant_application.reopened", changes=changes, reason=reason)
    round_.ranked_at = None
    round_.notice_published_on = None
    round_.save(update_fields=["ranked_at", "notice_published_on"])
    _round_status(actor, round_, RoundStatus.REVIEWING, "grant_round.review_reopened", reason=reason)


def round_decide(*, actor: Any, round: Round, today: date | None = None) -> Round:
    """The funding decision after the notice period, with every objection decided."""
    _require_funder(actor, round)
    on_date = _today(today)
    with transaction.atomic():
        locked = _locked_round(round)
        deadline = objection_deadline(locked)
        if locked.status != RoundStatus.NOTICE or deadline is None or on_date <= deadline:
            raise Conflict(
                "grants.notice_period_running",
                _("公示期（至 %(end)s）结束后才能作出资助决定") % {"end": deadline},
                field="status",
            )
        if locked.objections.filter(status=ObjectionStatus.PENDING).exists():
            raise Conflict("grants.objections_pending", _("尚有未处理的异议"), field="status")
        apps = list(locked.applications.filter(status=ApplicationStatus.PROPOSED).order_by("rank"))
        funded_sum = sum((a.awarded_amount or Decimal(0) for a in apps), Decimal(0))
        if funded_sum > locked.total_amount:  # the ranking never allows it; refuse rather than overspend
            raise Conflict("grants.over_total", _("拟资助金额合计超过资金总额"), field="status")
        changes = []
        for app in apps:
            old = _transition("grant_application", app, ApplicationStatus.FUNDED)
            changes.append(
                (app, {"status": old}, {"status": app.status, "awarded_amount": app.awarded_amount})
            )
        Application.objects.bulk_update(apps, ["status"])
        audit.record_many(actor=actor, action="grant_application.funded", changes=changes)
        locked.decided_on = on_date
        return _round_status(
            actor,
            locked,
            RoundStatus.DECIDED,
            "grant_round.decided",
            decided_on=on_date,
            funded=len(apps),
            funded_sum=funded_sum,
        )


# ---------------------------------------------------------------------------------------------
# Agreements and money


def _milestones(count: int) -> list[str]:
    return {
        1: ["签订协议"],
        2: ["签订协议", "结项审计完成"],
        3: ["签订协议", "中期评估通过", "结项审计完成"],
    }[count]


def _release(
    tranche: Tranche, amount: Decimal, on_date: date
) -> tuple[Tranche, dict[str, Any], dict[str, Any]]:
    old = _transition("grant_tranche", tranche, TrancheStatus.RELEASED)
    tranche.released_amount, tranche.released_on = amount, on_date
    tranche.save(update_fields=["status", "released_amount", "released_on"])
    return tranche, {"status": old}, {"status": tranche.status, "seq": tranche.seq, "released_amount": amount}


def agreement_sign(
    *,
    actor: Any,
    application: Application,
    signed_on: date,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Agreement:
    """Sign the grant agreement of a funded application; the first tranche is released on signing."""
    app = Application.objects.select_related("round__programme").get(pk=application.pk)
    _require_funder(actor, app.round)
    with transaction.atomic():
        locked = _locked_application(app)
        if locked.status != ApplicationStatus.FUNDED or locked.awarded_amount is None:
            raise Conflict("grants.not_funded", _("只有已立项资助的项目可以签订协议"), field="status")
        if Agreement.objects.filter(application=locked).exists():
            raise Conflict("grants.agreement_exists", _("该项目已签订协议"), field="application")
        round_ = locked.round
        agreement = Agreement.objects.create(
            application=locked,
            number=f"GR{round_.year}-{round_.pk:03d}-{locked.pk:05d}",
            amount=locked.awarded_amount,
            signed_on=signed_on,
            starts_on=starts_on or locked.starts_on,
            ends_on=ends_on or locked.ends_on,
            signed_by=actor,
        )
        shares = list(round_.tranche_shares)
        amounts = rules.tranche_amounts(agreement.amount, shares)
        tranches = Tranche.objects.bulk_create(
            [
                Tranche(agreement=agreement, seq=i, share=share, amount=amount, milestone=milestone)
                for i, (share, amount, milestone) in enumerate(
                    zip(shares, amounts, _milestones(len(shares)), strict=True), start=1
                )
            ]
        )
        audit.record(
            actor=actor,
            action="grant_agreement.signed",
            obj=agreement,
            new={
                "application": locked.pk,
                "amount": agreement.amount,
                "signed_on": signed_on,
                "tranches": [[t.share, t.amount, t.milestone] for t in tranches],
            },
        )
        first = Tranche.objects.get(agreement=agreement, seq=1)
        audit.record_many(
            actor=actor, action="grant_tranche.released", changes=[_release(first, first.amount, signed_on)]
        )
    return agreement


def midterm_review_record(
    *, actor: Any, agreement: Agreement, passed: bool, findings: str, reviewed_on: date
) -> Agreement:
    """The mid-term review: passing releases the next tranche, failing stops every remaining one."""
    _require_funder(actor, agreement.application.round)
    findings = findings.strip()
    if not findings:
        raise ServiceError("grants.findings_required", _("请填写中期评估意见"), field="findings")
    with transaction.atomic():
        locked = _locked_agreement(agreement)
        if locked.status != AgreementStatus.ACTIVE or locked.midterm_passed is not None:
            raise Conflict("grants.midterm_not_allowed", _("该协议不能进行中期评估"), field="status")
        pending = list(locked.tranches.filter(status=TrancheStatus.PENDING).order_by("seq"))
        if len(pending) < 2:
            raise Conflict("grants.no_midterm_tranche", _("该协议没有以中期评估为节点的拨付"), field="status")
        locked.midterm_passed, locked.midterm_on, locked.midterm_findings = passed, reviewed_on, findings
        fields = ["midterm_passed", "midterm_on", "midterm_findings"]
        if passed:
            locked.save(update_fields=fields)
            audit.record(
                actor=actor,
                action="grant_agreement.midterm_passed",
                obj=locked,
                new={"midterm_passed": True, "midterm_on": reviewed_on},
                reason=findings,
            )
            audit.record_many(
                actor=actor,
                action="grant_tranche.released",
                changes=[_release(pending[0], pending[0].amount, reviewed_on)],
            )
            return locked
        old = _transition("grant_agreement", locked, AgreementStatus.STOPPED)
        locked.save(update_fields=[*fields, "status"])
        audit.record(
            actor=actor,
            action="grant_agreement.midterm_failed",
            obj=locked,
            old={"status": old},
            new={"status": locked.status, "midterm_passed": False, "midterm_on": reviewed_on},
            reason=findings,
        )
        changes = []
        for tranche in pending:
            previous = _transition("grant_tranche", tranche, TrancheStatus.STOPPED)
            changes.append((tranche, {"status": previous}, {"status": tranche.status, "seq": tranche.seq}))
        Tranche.objects.bulk_update(pending, ["status"])
        audit.record_many(actor=actor, action="grant_tranche.stopped", changes=changes, reason=findings)
    return locked


def final_review_record(
    *, actor: Any, agreement: Agreement, score: Decimal | str, note: str, reviewed_on: date
) -> Agreement:
    """The funder's final review: a score 0–100 graded 优/良/中/差 (RULES §10)."""
    _require_funder(actor, agreement.application.round)
    value = _money(score, "score")
    try:
        grade = rules.performance_grade(value, reviewed_on)
    except RuleError as exc:
        raise _rule_error(exc, field="score") from None
    with transaction.atomic():
        locked = _locked_agreement(agreement)
        if (
            locked.status == AgreementStatus.ACTIVE
            and locked.tranches.filter(status=TrancheStatus.PENDING).count() > 1
        ):
            raise Conflict("grants.midterm_missing", _("请先完成中期评估"), field="status")
        old = _transition("grant_agreement", locked, AgreementStatus.FINAL_REVIEWED)
        locked.final_score, locked.final_grade = value, grade.value
        locked.final_review_on, locked.final_review_note = reviewed_on, note.strip()
        locked.save(
            update_fields=["status", "final_score", "final_grade", "final_review_on", "final_review_note"]
        )
        audit.record(
            actor=actor,
            action="grant_agreement.final_reviewed",
            obj=locked,
            old={"status": old},
            new={
                "status": locked.status,
                "final_score": value,
                "final_grade": grade.value,
                "citation": grade.citation,
            },
            reason=note.strip(),
        )
        # The result joins the organization's performance history and its credit loop, as a
        # contract's evaluation does (RULES §10): same transaction, so both or neither.
        performance_history_record(
            actor=actor,
            organization=locked.application.organization,
            source=HistorySource.GRANT,
            reference=locked.number,
            kind=HistoryKind.GRADE,
            grade=grade.value,
            score=value,
            occurred_on=reviewed_on,
            note=str(_("资助项目结项评估：%(title)s") % {"title": locked.application.title}),
        )
    return locked


def paid_amount(agreement: Agreement) -> Decimal:
    return agreement.tranches.aggregate(s=Sum("released_amount"))["s"] or Decimal("0.00")


def returned_amount(agreement: Agreement) -> Decimal:
    return agreement.returns.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def final_audit_record(
    *,
    actor: Any,
    agreement: Agreement,
    opinion: str,
    verified_spent: Decimal | str,
    findings: Sequence[str],
    completed_on: date,
    disallowed: Decimal | str = Decimal("0.00"),
) -> FinalAudit:
    """The accounting firm's final audit (结项审计): opinion, verified and disallowed spending, findings.

    Only staff of the round's appointed firm. Settles the money (`rules.grants.final_settlement`):
    the last tranche pays up to allowed spending (nothing after an adverse opinion); money paid
    above it must be returned. With nothing to return the agreement closes at once.
    """
    require_role(actor, Role.EVALUATOR)
    round_ = agreement.application.round
    if round_.audit_firm_id is None or actor.unit_id != round_.audit_firm_id:
        raise PermissionDenied("grants.not_audit_firm", _("只有本批次委托的审计机构可以录入结项审计"))
    if opinion not in AuditOpinion.values:
        raise ServiceError("grants.opinion_invalid", _("审计意见无效"), field="opinion")
    spent = _money(verified_spent, "verified_spent")
    not_allowed = _money(disallowed, "disallowed")
    items = [f.strip() for f in findings if f.strip()]
    if not items:
        raise ServiceError("grants.findings_required", _("请至少填写一条审计发现"), field="findings")
    with transaction.atomic():
        locked = _locked_agreement(agreement)
        old = _transition("grant_agreement", locked, AgreementStatus.AUDITED)
        pending = list(locked.tranches.filter(status=TrancheStatus.PENDING).order_by("seq"))
        final = pending[-1] if pending else None
        payable = final.amount if final is not None and opinion != AuditOpinion.ADVERSE else Decimal("0.00")
        try:
            settlement = rules.final_settlement(
                paid=paid_amount(locked), final_tranche=payable, verified_spent=spent, disallowed=not_allowed
            )
        except RuleError as exc:
            raise _rule_error(exc, field="disallowed") from None
        record = FinalAudit.objects.create(
            agreement=locked,
            firm_id=round_.audit_firm_id,
            auditor=actor,
            opinion=opinion,
            verified_spent=spent,
            disallowed=not_allowed,
            findings=items,
            completed_on=completed_on,
        )
        locked.return_due = settlement.to_return
        locked.save(update_fields=["status", "return_due"])
        audit.record(
            actor=actor,
            action="grant_agreement.audited",
            obj=locked,
            old={"status": old},
            new={
                "status": locked.status,
                "opinion": opinion,
                "verified_spent": spent,
                "disallowed": not_allowed,
                "findings": items,
                "release": settlement.release,
                "return_due": settlement.to_return,
            },
        )
        if final is not None:
            if settlement.release > 0:
                change = _release(final, settlement.release, completed_on)
                audit.record_many(actor=actor, action="grant_tranche.released", changes=[change])
            else:
                previous = _transition("grant_tranche", final, TrancheStatus.STOPPED)
                final.save(update_fields=["status"])
                audit.record(
                    actor=actor,
                    action="grant_tranche.stopped",
                    obj=final,
                    old={"status": previous},
                    new={"status": final.status, "seq": final.seq},
                )
        if opinion == AuditOpinion.ADVERSE:
            # An adverse opinion fails the project as a failed acceptance fails a contract. The
            # firm is no official, so the entry is the system's; the audit event above names the firm.
            performance_history_record(
                actor=None,
                organization=locked.application.organization,
                source=HistorySource.GRANT,
                reference=locked.number,
                kind=HistoryKind.ACCEPTANCE_FAILED,
                occurred_on=completed_on,
                note=str(_("结项审计否定意见：%(findings)s") % {"findings": "；".join(items)}),
            )
        if settlement.to_return == 0:
            _close(actor, locked)
    return record


def _close(actor: Any, agreement: Agreement) -> None:
    old = _transition("grant_agreement", agreement, AgreementStatus.CLOSED)
    agreement.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="grant_agreement.closed",
        obj=agreement,
        old={"status": old},
        new={
            "status": agreement.status,
            "paid": paid_amount(agreement),
            "returned": returned_amount(agreement),
        },
    )


def fund_return_record(
    *, actor: Any, agreement: Agreement, amount: Decimal | str, returned_on: date, document: str
) -> FundReturn:
    """Record money returned after the final audit (funder staff or the finance department);
    the agreement closes once everything due is back."""
    round_ = agreement.application.round
    if not is_funder(actor, round_):
        require_role(actor, Role.PURCHASER, Role.FINANCE)
        if actor.role == Role.PURCHASER:
            raise PermissionDenied("perm.other_unit", _("只有资助单位或财政部门可以登记退回资金"))
        # finance of the funder's region (or above), never another city's
        scopes.require_supervises(actor, round_.programme.funder_unit)
    value = _money(amount, "amount")
    document = document.strip()
    if not document:
        raise ServiceError("grants.document_required", _("请填写缴款凭证号"), field="document")
    with transaction.atomic():
        locked = _locked_agreement(agreement)
        if locked.status != AgreementStatus.AUDITED:
            raise Conflict("grants.no_return_due", _("该协议没有待退回的资金"), field="status")
        outstanding = locked.return_due - returned_amount(locked)
        if value <= 0 or value > outstanding:
            raise ServiceError(
                "grants.return_invalid",
                _("退回金额应大于0且不超过待退回的 %(left)s 元") % {"left": outstanding},
                field="amount",
                params={"outstanding": str(outstanding)},
            )
        item = FundReturn.objects.create(
            agreement=locked, amount=value, returned_on=returned_on, document=document, recorded_by=actor
        )
        audit.record(
            actor=actor,
            action="grant_agreement.funds_returned",
            obj=locked,
            old={"outstanding": outstanding},
            new={
                "amount": value,
                "returned_on": returned_on,
                "document": document,
                "outstanding": outstanding - value,
            },
        )
        if value == outstanding:
            _close(actor, locked)
    return item


def round_complete(*, actor: Any, round: Round) -> Round:
    """Close the round once every agreement is closed."""
    _require_funder(actor, round)
    with transaction.atomic():
        locked = _locked_round(round)
        if (
            Agreement.objects.filter(application__round=locked)
            .exclude(status=AgreementStatus.CLOSED)
            .exists()
        ):
            raise Conflict("grants.agreements_open", _("尚有未结项的资助协议"), field="status")
        return _round_status(actor, locked, RoundStatus.COMPLETED, "grant_round.completed")


def application_get(*, actor: Any, application_id: int) -> Application:
    """Helper for views/API: an application the actor may act on (used before write services)."""
    app = (
        Application.objects.select_related("round__programme", "organization")
        .filter(pk=application_id)
        .first()
    )
    if app is None or not is_authenticated(actor):
        raise NotFound("grants.application_not_found", _("申报项目不存在"))
    return app
