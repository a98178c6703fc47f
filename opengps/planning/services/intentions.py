"""Publication and execution: the purchase intention (30 days ahead), start of procurement, the contract."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import clock
from opengps.core.errors import Conflict, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.planning.errors import Code
from opengps.planning.events import Event
from opengps.planning.models import PlanStatus, PurchaseIntention, PurchasePlan
from opengps.planning.services._common import (
    _lock_plan,
    _positive,
    _require_unit_staff,
    _set_status,
    _transition,
)
from opengps.rules.base import RuleError
from opengps.rules.deadlines import intention_publication_latest

_BUDGET_LEVELS = {"province": "provincial", "prefecture": "city", "county": "county"}
"""Region level of the purchasing unit → budget-unit level of 财库〔2020〕10号's phase-in."""


def _intention_deadline(starts_on: date, unit: Any = None) -> tuple[date, str]:
    """The latest publication day; a unit not yet bound by the phase-in has none (date.max)."""
    region = getattr(unit, "region", None)
    level = _BUDGET_LEVELS.get(getattr(region, "level", ""), "central")
    try:
        ruled = intention_publication_latest(starts_on, level=level)
    except RuleError as exc:
        if exc.code == "intention.not_required":
            return date.max, exc.citation
        raise _rule_error(exc, field="procurement_starts_on") from None
    return ruled.value, ruled.citation


_SEARCH_DAYS = 400
"""How far the earliest start is looked for: the 30 days and any holidays they end in."""


def earliest_start(published_on: date, unit: Any = None) -> tuple[date, str]:
    """The first day a procurement may start when its intention is (or can be) published on
    `published_on`, and the article: the first day whose latest publication day, as the rule
    `intention_publication_latest` counts it, is not before `published_on`. A unit not yet bound
    by the phase-in may start at once."""
    citation = ""
    for offset in range(_SEARCH_DAYS):
        day = published_on + timedelta(days=offset)
        latest, citation = _intention_deadline(day, unit)
        if latest >= published_on:
            return day, citation
    return published_on + timedelta(days=_SEARCH_DAYS), citation  # pragma: no cover — a year of holidays


def require_lawful_start(starts_on: date, unit: Any, *, today: date | None = None) -> None:
    """Refuse, beside the start date, a start too close for an intention published `today`."""
    today = today or clock.today()
    earliest, citation = earliest_start(today, unit)
    if starts_on < earliest:
        raise ServiceError(
            Code.PLANNING_START_TOO_SOON,
            _(
                "预计采购开始日期最早为 %(earliest)s：采购意向须在采购活动开始前至少30日公开，"
                "今天（%(today)s）公开意向，最早可于 %(earliest)s 开始采购（依据：%(citation)s）"
            )
            % {"earliest": earliest, "today": today, "citation": citation},
            field="procurement_starts_on",
            params={
                "earliest": earliest.isoformat(),
                "citation": citation,
                "starts_on": starts_on.isoformat(),
            },
        )


def procurement_may_start_on(plan: PurchasePlan) -> tuple[date, str] | None:
    """The first day the plan's procurement may start, with the article, once its intention is
    public; None before."""
    intention = PurchaseIntention.objects.filter(plan=plan).first()
    if intention is None:
        return None
    return earliest_start(intention.published_on, plan.unit)


def intention_publish(*, actor: Actor, plan: PurchasePlan, summary: str = "") -> PurchaseIntention:
    """Publish the intention today; refused when today is less than 30 days before the start."""
    _require_unit_staff(actor, plan.unit)
    published_on = clock.today()
    latest, citation = _intention_deadline(plan.procurement_starts_on, plan.unit)
    if published_on > latest:
        raise ServiceError(
            Code.PLANNING_INTENTION_TOO_LATE,
            _(
                "采购意向应当在采购活动开始前至少30日公开（依据：%(citation)s）：计划 %(start)s 开始采购，"
                "最迟应于 %(latest)s 公开，今天（%(today)s）已不能公开；"
                "请将预计采购开始日期推迟至 %(earliest)s 或之后"
            )
            % {
                "citation": citation,
                "start": plan.procurement_starts_on,
                "latest": latest,
                "today": published_on,
                "earliest": earliest_start(published_on, plan.unit)[0],
            },
            field="procurement_starts_on",
            params={
                "citation": citation,
                "latest": latest.isoformat(),
                "starts_on": plan.procurement_starts_on.isoformat(),
            },
        )
    with transaction.atomic():
        plan = _lock_plan(plan)
        _transition("plan", plan, PlanStatus.INTENTION_PUBLISHED)
        intention = PurchaseIntention.objects.create(
            plan=plan,
            title=plan.title,
            summary=(summary or plan.project.description).strip(),
            budget_amount=plan.amount,
            expected_month=plan.procurement_starts_on.strftime("%Y-%m"),
            published_on=published_on,
            latest_allowed_on=latest,
            citation=citation,
            published_by=actor,
        )
        _set_status(
            actor,
            plan,
            PlanStatus.INTENTION_PUBLISHED,
            Event.PLAN_INTENTION_PUBLISHED,
            extra={"published_on": published_on, "latest": latest, "citation": citation},
        )
    return intention


def plan_start_procurement(*, actor: Actor, plan: PurchasePlan) -> PurchasePlan:
    """Start the procurement today: only once the intention has been public for the full period."""
    _require_unit_staff(actor, plan.unit)
    with transaction.atomic():
        plan = _lock_plan(plan)
        intention = PurchaseIntention.objects.filter(plan=plan).first()
        if intention is None:
            raise Conflict(Code.PLANNING_INTENTION_MISSING, field="status")
        latest, citation = _intention_deadline(clock.today(), plan.unit)
        if intention.published_on > latest:
            earliest = earliest_start(intention.published_on, plan.unit)[0]
            raise ServiceError(
                Code.PLANNING_INTENTION_PERIOD_SHORT,
                _(
                    "采购意向于 %(published)s 公开，须满30日后方可开始采购，"
                    "可于 %(earliest)s 开始（依据：%(citation)s）"
                )
                % {"published": intention.published_on, "earliest": earliest, "citation": citation},
                params={"citation": citation, "earliest": earliest.isoformat()},
            )
        _set_status(
            actor,
            plan,
            PlanStatus.IN_PROCUREMENT,
            Event.PLAN_PROCUREMENT_STARTED,
            extra={"on": clock.today()},
        )
    return plan


def plan_record_contract(*, actor: Actor, plan: PurchasePlan, contract_amount: Decimal | str) -> PurchasePlan:
    """The contract is signed: its amount is what the budget line has spent."""
    _require_unit_staff(actor, plan.unit)
    value = _positive(contract_amount, "contract_amount")
    with transaction.atomic():
        plan = _lock_plan(plan)
        if value > plan.amount:
            raise ServiceError(
                Code.PLANNING_CONTRACT_OVER_BUDGET, field="contract_amount", params={"amount": plan.amount}
            )
        _set_status(
            actor,
            plan,
            PlanStatus.CONTRACTED,
            Event.PLAN_CONTRACTED,
            extra={"contract_amount": value},
            values={"contract_amount": value},
        )
    return plan
