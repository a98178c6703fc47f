"""Programmes and rounds: setting up a programme, drafting a round on an approved budget line, publishing,
cancelling, naming its audit firm."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region, Role, Unit
from opengps.accounts.permissions import require_role
from opengps.core import audit
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.grants.errors import Code
from opengps.grants.events import Event
from opengps.grants.models import (
    Programme,
    PurposeArea,
    Round,
    RoundStatus,
)
from opengps.grants.services._common import (
    _locked_round,
    _money,
    _refuse,
    _require_funder,
    _round_status,
)
from opengps.planning.models import BudgetLine, BudgetStatus, FundSource
from opengps.registry.models import OrgType
from opengps.rules import cofunding as cofunding_rules
from opengps.rules import grants as rules
from opengps.rules.base import RuleError


def programme_create(
    *,
    actor: Actor,
    funder_unit: Unit,
    name: str,
    fund_source: str,
    is_venture_philanthropy: bool = False,
    description: str = "",
    is_development_fund: bool = False,
    volunteer_hour_rate: Decimal | str | None = None,
) -> Programme:
    """A funder unit sets up a programme (e.g. 省级福彩公益金支持社会组织参与社会服务项目); a
    development fund (社会组织发展基金) is money from donations and public money together, and
    `volunteer_hour_rate` values volunteer hours given as co-funding."""
    require_role(actor, Role.PURCHASER)
    if actor.unit_id != funder_unit.pk:
        raise PermissionDenied(Code.PERM_OTHER_UNIT, _("只能为本单位设立资助项目"))
    name = name.strip()
    if not name:
        raise ServiceError(Code.GRANTS_NAME_REQUIRED, field="name")
    if fund_source not in FundSource.values:
        raise ServiceError(Code.GRANTS_FUND_SOURCE_INVALID, field="fund_source")
    rate = None
    if volunteer_hour_rate is not None and str(volunteer_hour_rate).strip():
        rate = _money(volunteer_hour_rate, "volunteer_hour_rate")
        if rate <= 0:
            raise ServiceError(Code.GRANTS_HOUR_RATE_INVALID, field="volunteer_hour_rate")
    with transaction.atomic():
        if Programme.objects.filter(funder_unit=funder_unit, name=name).exists():
            raise Conflict(Code.GRANTS_PROGRAMME_EXISTS, field="name")
        programme = Programme.objects.create(
            name=name,
            funder_unit=funder_unit,
            fund_source=fund_source,
            is_venture_philanthropy=is_venture_philanthropy,
            is_development_fund=is_development_fund,
            volunteer_hour_rate=rate,
            description=description.strip(),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action=Event.GRANT_PROGRAMME_CREATED,
            obj=programme,
            new={
                "name": name,
                "funder_unit": funder_unit.pk,
                "fund_source": fund_source,
                "is_development_fund": is_development_fund,
                "volunteer_hour_rate": rate,
            },
        )
    return programme


def _clean_criteria(criteria: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    try:
        cleaned: list[dict[str, Any]] = [
            {"code": str(c["code"]).strip(), "name": str(c["name"]).strip(), "weight": int(c["weight"])}
            for c in criteria
        ]
    except (KeyError, TypeError, ValueError):
        raise ServiceError(Code.GRANTS_CRITERIA_INVALID, field="criteria") from None
    _refuse(
        rules.template_problems([rules.Criterion(c["code"], c["name"], c["weight"]) for c in cleaned]),
        field="criteria",
    )
    return cleaned


def _checked_amounts(
    programme: Programme, budget_line: BudgetLine, total_amount: Decimal | str, per_project_cap: Decimal | str
) -> tuple[Decimal, Decimal]:
    """The round's total and per-project cap, on an approved budget line of the funder unit."""
    total = _money(total_amount, "total_amount")
    cap = _money(per_project_cap, "per_project_cap")
    if total <= 0 or cap <= 0 or cap > total:
        raise ServiceError(Code.GRANTS_AMOUNTS_INVALID, field="per_project_cap")
    if budget_line.unit_id != programme.funder_unit_id or budget_line.status != BudgetStatus.APPROVED:
        raise ServiceError(
            Code.GRANTS_BUDGET_LINE_INVALID, _("须使用资助单位已批复的预算指标"), field="budget_line"
        )
    return total, cap


def _checked_conditions(
    *,
    purpose_areas: Sequence[str],
    org_types: Sequence[str],
    min_rating: int | None,
    regions: Sequence[str],
    audit_firm: Unit | None,
) -> tuple[list[str], list[str]]:
    """The purpose areas and region codes of a round, each condition a known value."""
    areas = list(dict.fromkeys(purpose_areas))
    if not areas or any(a not in PurposeArea.values for a in areas):
        raise ServiceError(Code.GRANTS_PURPOSE_INVALID, _("请选择有效的资助方向"), field="purpose_areas")
    if any(t not in OrgType.values for t in org_types):
        raise ServiceError(Code.GRANTS_ORG_TYPE_INVALID, field="org_types")
    if min_rating is not None and not 1 <= min_rating <= 5:
        raise ServiceError(Code.GRANTS_MIN_RATING_INVALID, field="min_rating")
    region_codes = list(dict.fromkeys(regions))
    if Region.objects.filter(pk__in=region_codes).count() != len(region_codes):
        raise ServiceError(Code.GRANTS_REGION_INVALID, _("资助区划代码无效"), field="regions")
    if audit_firm is not None and audit_firm.kind != Unit.Kind.EVALUATOR:
        raise ServiceError(Code.GRANTS_AUDIT_FIRM_INVALID, field="audit_firm")
    return areas, region_codes


def _check_tranches(total: Decimal, tranche_shares: Sequence[int]) -> None:
    if not 1 <= len(tranche_shares) <= 3:
        raise ServiceError(Code.GRANTS_TRANCHE_SHARES_INVALID, field="tranche_shares")
    try:
        rules.tranche_amounts(total, tranche_shares)
    except RuleError as exc:
        raise _rule_error(exc, field="tranche_shares") from None


def _locked_line_with_room(budget_line: BudgetLine, total: Decimal) -> BudgetLine:
    """The budget line, locked, refused when the rounds not cancelled leave less than `total` on it."""
    line = BudgetLine.objects.select_for_update().get(pk=budget_line.pk)
    used = Round.objects.filter(budget_line=line).exclude(status=RoundStatus.CANCELLED).aggregate(
        s=Sum("total_amount")
    )["s"] or Decimal(0)
    if used + total > line.amount:
        raise ServiceError(
            Code.GRANTS_BUDGET_EXCEEDED,
            _("预算指标余额 %(left)s 元，不足以安排 %(total)s 元")
            % {"left": line.amount - used, "total": total},
            field="total_amount",
            params={"left": str(line.amount - used)},
        )
    return line


def _created_values(round_: Round) -> dict[str, Any]:
    """What the audit event of a new round records: its money, template, conditions and timetable."""
    return {
        "programme": round_.programme.pk,
        "budget_line": round_.budget_line.pk,
        "fund_source": round_.budget_line.fund_source,
        "total_amount": round_.total_amount,
        "per_project_cap": round_.per_project_cap,
        "criteria": round_.criteria,
        "conditions": {
            "org_types": round_.org_types,
            "min_rating": round_.min_rating,
            "min_years_registered": round_.min_years_registered,
            "regions": round_.regions,
            "exclude_abnormal": round_.exclude_abnormal,
        },
        "timetable": [round_.call_opens, round_.call_closes, round_.review_by, round_.agreement_by],
        "objection_days": round_.objection_days,
        "tranche_shares": round_.tranche_shares,
        "cofunding": {"min_share": round_.cofunding_min_share, "min_amount": round_.cofunding_min_amount},
    }


def _checked_cofunding(
    min_share: Decimal | str | None, min_amount: Decimal | str | None
) -> tuple[Decimal | None, Decimal | None]:
    """The round's co-funding requirement, each part optional (empty: not required)."""
    share = (
        None
        if min_share is None or str(min_share).strip() == ""
        else _money(min_share, "cofunding_min_share")
    )
    amount = (
        None
        if min_amount is None or str(min_amount).strip() == ""
        else _money(min_amount, "cofunding_min_amount")
    )
    problems = cofunding_rules.requirement_problems(cofunding_rules.Requirement(share, amount))
    _refuse(
        problems,
        field="cofunding_min_share"
        if problems and problems[0].code == "cofunding.share_invalid"
        else "cofunding_min_amount",
    )
    return share, amount


def round_create(
    *,
    actor: Actor,
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
    cofunding_min_share: Decimal | str | None = None,
    cofunding_min_amount: Decimal | str | None = None,
) -> Round:
    """A draft round of `programme`, drawing on an approved budget line of the funder unit.

    Refused when the money is not there (line not approved, not the funder's, or already used by
    other rounds), the template's weights do not sum to 100, the timetable is out of order, a
    condition is not a known value, or the co-funding share is outside 0–100 %.
    """
    _require_funder(actor, Round(programme=programme))
    title = title.strip()
    if not title:
        raise ServiceError(Code.GRANTS_TITLE_REQUIRED, _("请填写批次名称"), field="title")
    total, cap = _checked_amounts(programme, budget_line, total_amount, per_project_cap)
    areas, region_codes = _checked_conditions(
        purpose_areas=purpose_areas,
        org_types=org_types,
        min_rating=min_rating,
        regions=regions,
        audit_firm=audit_firm,
    )
    _refuse(
        rules.timetable_problems(call_opens, call_closes, review_by, agreement_by, objection_days),
        field="call_closes",
    )
    _check_tranches(total, tranche_shares)
    cleaned = _clean_criteria(criteria)
    passing = _money(pass_score, "pass_score")
    if not 0 <= passing <= 100:
        raise ServiceError(Code.GRANTS_PASS_SCORE_INVALID, field="pass_score")
    share, floor = _checked_cofunding(cofunding_min_share, cofunding_min_amount)
    with transaction.atomic():
        line = _locked_line_with_room(budget_line, total)
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
            cofunding_min_share=share,
            cofunding_min_amount=floor,
            created_by=actor,
        )
        audit.record(actor=actor, action=Event.GRANT_ROUND_CREATED, obj=round_, new=_created_values(round_))
    return round_


def round_publish(*, actor: Actor, round: Round) -> Round:
    """Publish the call (申报指南): public from now on; open between its dates."""
    _require_funder(actor, round)
    with transaction.atomic():
        locked = _locked_round(round)
        return _round_status(actor, locked, RoundStatus.PUBLISHED, Event.GRANT_ROUND_PUBLISHED)


def round_cancel(*, actor: Actor, round: Round, reason: str) -> Round:
    _require_funder(actor, round)
    if not reason.strip():
        raise ServiceError(Code.GRANTS_REASON_REQUIRED, field="reason")
    with transaction.atomic():
        locked = _locked_round(round)
        return _round_status(
            actor, locked, RoundStatus.CANCELLED, Event.GRANT_ROUND_CANCELLED, reason=reason.strip()
        )


def round_assign_audit_firm(*, actor: Actor, round: Round, firm: Unit) -> Round:
    """Name the accounting firm that will carry out the final audits (结项审计)."""
    _require_funder(actor, round)
    if firm.kind != Unit.Kind.EVALUATOR:
        raise ServiceError(Code.GRANTS_AUDIT_FIRM_INVALID, field="firm")
    with transaction.atomic():
        locked = _locked_round(round)
        old = locked.audit_firm_id
        if old == firm.pk:
            return locked
        locked.audit_firm = firm
        locked.save(update_fields=["audit_firm"])
        audit.record(
            actor=actor,
            action=Event.GRANT_ROUND_AUDIT_FIRM_ASSIGNED,
            obj=locked,
            old={"audit_firm": old},
            new={"audit_firm": firm.pk},
        )
    return locked
