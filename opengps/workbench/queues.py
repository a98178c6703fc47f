"""Each role's to-do queues (工作台待办), computed live from the state of the lifecycle apps.

Unlike the nightly reminders (`workbench.selectors.reminders_due`, stored and marked read), a
queue is a read of what is waiting right now: approvals, deadlines in the next working days,
evaluations to score, acceptances and reports due, questions and complaints to answer, red flags,
drafts left behind. Each queue is one function here, scoped to the actor exactly as the page its
items link to (the other apps' selectors where they exist), bounded (`QUEUE_LIMIT` items with the
full count) and free of N+1 queries. Items say what to do and link one click to where it is done;
labels and names, never codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from opengps.accounts import scopes
from opengps.accounts.actors import Actor
from opengps.accounts.models import Role, User
from opengps.accounts.permissions import is_authenticated
from opengps.challenges.models import Challenge, ChallengeStatus, Complaint, ComplaintDecision
from opengps.contracts.models import Acceptance, Contract, ContractStatus, Payment
from opengps.contracts.selectors import (
    awards_to_contract,
    call_offs_to_contract,
    late_items,
    missing_reports,
    report_due_dates,
    visible_contracts,
)
from opengps.core import clock
from opengps.core.models import AuditEvent
from opengps.evaluation.models import Award, CommitteeMember, EvaluationStatus, MemberState
from opengps.experts.models import DrawMember, MemberStatus
from opengps.oversight.selectors import flag_list
from opengps.performance.models import EvaluationStatus as PerformanceStatus
from opengps.performance.models import Party, PerformanceEvaluation
from opengps.performance.selectors import pending_recommendations, work_list
from opengps.planning.models import BudgetLine, BudgetStatus, PlanStatus, ProjectStatus
from opengps.planning.selectors import finance_queue, plans_visible, projects_visible
from opengps.procurement.models import (
    BidSubmission,
    Enquiry,
    Objection,
    Procurement,
    ProcurementStatus,
)
from opengps.procurement.selectors import procurements_visible
from opengps.registry.models import ImportJob, Organization
from opengps.registry.selectors import organization_eligibility
from opengps.rules.eligibility import Eligibility
from opengps.rules.procedures import METHOD_NAMES_EN, METHOD_NAMES_ZH, Method
from opengps.workbench.selectors import working_day_horizon

QUEUE_LIMIT = 10
"""Items a queue shows on the workbench; the rest are behind its 查看全部 link."""
FULL_LIMIT = 200
"""Items a queue's own page shows (a queue longer than this names its count and says so)."""
HORIZON_WORKING_DAYS = 5
"""「近期截止」: deadlines within this many working days (`opengps.rules.calendar`). Platform policy:
one working week, enough to act on an opening, a signature or a report."""
SCAN_LIMIT = 500
"""Derived queues (computed in Python from dates) read at most this many source rows."""


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One thing to do: "{state}：{title}（{note}）→ {action}"."""

    state: str
    """What it is waiting for (待审批, 待评分, 已逾期…)."""
    title: str
    """The object, by its reference, title and unit (data)."""
    action: str
    """What to do, the link's text (审批, 评分, 去答复…)."""
    url: str
    note: str = ""
    """When it was submitted, when it is due, an amount — one short phrase."""
    due: date | None = None
    overdue: bool = False


@dataclass(frozen=True, slots=True)
class Queue:
    """One queue of one actor: its first items and how many there are in all."""

    key: str
    title: str
    items: list[QueueItem]
    count: int
    capped: bool = False
    """The count stopped at the scan limit (there may be more)."""

    @property
    def more(self) -> bool:
        return self.count > len(self.items)

    @property
    def url(self) -> str:
        return reverse("workbench:queue", kwargs={"key": self.key})


@dataclass(frozen=True, slots=True)
class Context:
    """The moment a workbench is computed at."""

    today: date
    now: datetime
    horizon: date
    """The last day of 「近期」: `HORIZON_WORKING_DAYS` working days after today."""

    @classmethod
    def current(cls) -> Context:
        now = clock.now()
        today = clock.local_date(now)
        return cls(today=today, now=now, horizon=working_day_horizon(today, HORIZON_WORKING_DAYS))

    @property
    def horizon_end(self) -> datetime:
        """The first moment after the horizon (a bid deadline before it is 「近期」)."""
        return datetime.combine(self.horizon + timedelta(days=1), time(0), tzinfo=clock.BEIJING)


Found = tuple[list[QueueItem], int]
"""What a queue's builder returns: its first items and how many there are in all."""


@dataclass(frozen=True, slots=True)
class QueueSpec:
    key: str
    title: Any
    """A lazy label: the queue's heading."""
    build: Callable[[Actor, Context, int], Found]
    roles: frozenset[str]


# --- formatting ----------------------------------------------------------------------------------


def money(amount: Decimal | int | None) -> str:
    """Yuan to the cent, thousands grouped: 6,018,000.00."""
    return f"{Decimal(amount or 0):,.2f}"


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(clock.BEIJING).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _person(user: User | None) -> str:
    """A person by name and unit (or organization), never by login name alone."""
    if user is None:
        return ""
    name = str(user)
    where = str(user.unit or user.organization or "") if (user.unit_id or user.organization_id) else ""
    return f"{name}（{where}）" if where and where not in name else name


def _due_note(due: date, today: date) -> str:
    if due < today:
        return _("期限 %(day)s，已逾期 %(days)s 天") % {"day": due.isoformat(), "days": (today - due).days}
    return _("期限 %(day)s") % {"day": due.isoformat()}


def _method_name(code: str) -> str:
    """A procurement method's name in the page's language (the rules hold both)."""
    try:
        method = Method(code)
    except ValueError:
        return code
    names = METHOD_NAMES_EN if (get_language() or "").startswith("en") else METHOD_NAMES_ZH
    return names[method]


def _bounded(qs: QuerySet[Any], limit: int) -> tuple[list[Any], int]:
    """The first `limit` rows and the count (one COUNT when the page is full, else none)."""
    rows = list(qs[:limit])
    return rows, (qs.count() if len(rows) == limit else len(rows))


def _submissions(object_type: str, ids: Iterable[Any], action: str) -> dict[str, AuditEvent]:
    """The latest `action` event of each object (who sent it, when): one query."""
    wanted = [str(pk) for pk in ids]
    if not wanted:
        return {}
    events = (
        AuditEvent.objects.filter(object_type=object_type, object_id__in=wanted, action=action)
        .select_related("actor__unit", "actor__organization")
        .order_by("seq")
    )
    return {event.object_id: event for event in events}


def _submitted_note(event: AuditEvent | None) -> str:
    if event is None:
        return ""
    who = _person(event.actor) if isinstance(event.actor, User) else event.actor_label
    return _("提交于 %(day)s，%(who)s") % {"day": _day(event.occurred_at), "who": who}


# --- approvals -----------------------------------------------------------------------------------


def _finance_approvals(actor: Actor, ctx: Context, limit: int) -> Found:
    """Budget lines, projects and plans this finance department decides (`planning.selectors.
    finance_queue`: its own level of government), and method changes its purchasers requested."""
    waiting = finance_queue(actor=actor)
    region = actor.unit.region_id if actor.unit is not None else "-"
    changes = procurements_visible(actor=actor).filter(
        status=ProcurementStatus.METHOD_CHANGE_REQUESTED, purchaser__region_id=region
    )
    lines, n_lines = _bounded(waiting["budget_lines"].order_by("pk"), limit)
    projects, n_projects = _bounded(waiting["projects"].order_by("pk"), limit)
    plans, n_plans = _bounded(waiting["plans"].order_by("pk"), limit)
    procurements, n_changes = _bounded(changes.order_by("pk"), limit)
    sent_lines = _submissions("planning.budgetline", (x.pk for x in lines), "budget.submitted")
    sent_projects = _submissions("planning.project", (x.pk for x in projects), "project.unit_approved")
    sent_plans = _submissions("planning.purchaseplan", (x.pk for x in plans), "plan.submitted")
    rows: list[tuple[datetime, QueueItem]] = []
    epoch = datetime.min.replace(tzinfo=clock.BEIJING)

    def add(event: AuditEvent | None, item: QueueItem) -> None:
        rows.append((event.occurred_at if event else epoch, item))

    for line in lines:
        event = sent_lines.get(str(line.pk))
        add(
            event,
            QueueItem(
                state=_("待批复"),
                title=_("%(unit)s %(year)s 年预算指标「%(name)s」%(amount)s 元")
                % {
                    "unit": line.unit,
                    "year": line.fiscal_year,
                    "name": line.name,
                    "amount": money(line.amount),
                },
                action=_("批复"),
                url=reverse("planning:workbench"),
                note=_submitted_note(event),
            ),
        )
    for project in projects:
        event = sent_projects.get(str(project.pk))
        add(
            event,
            QueueItem(
                state=_("待审核入库"),
                title=_("%(unit)s「%(name)s」购买项目") % {"unit": project.unit, "name": project.name},
                action=_("审核"),
                url=reverse("planning:project", kwargs={"pk": project.pk}),
                note=_submitted_note(event),
            ),
        )
    for plan in plans:
        event = sent_plans.get(str(plan.pk))
        add(
            event,
            QueueItem(
                state=_("待审批"),
                title=_("%(unit)s「%(name)s」项目采购实施计划（%(method)s，%(amount)s 元）")
                % {
                    "unit": plan.unit,
                    "name": plan.project.name,
                    "method": _method_name(plan.method),
                    "amount": money(plan.amount),
                },
                action=_("审批"),
                url=reverse("planning:plan", kwargs={"pk": plan.pk}),
                note=_submitted_note(event),
            ),
        )
    for procurement in procurements:
        rows.append(
            (
                epoch,
                QueueItem(
                    state=_("待批准变更采购方式"),
                    title=f"{procurement.reference} {procurement.title}（{procurement.purchaser}）",
                    action=_("审批"),
                    url=reverse("procurement:detail", kwargs={"pk": procurement.pk}),
                ),
            )
        )
    rows.sort(key=lambda row: row[0])
    return [item for _when, item in rows][:limit], n_lines + n_projects + n_plans + n_changes


def _unit_approvals(actor: Actor, ctx: Context, limit: int) -> Found:
    """Projects a colleague submitted to the unit head (four eyes: never the actor's own)."""
    qs = (
        projects_visible(actor=actor)
        .filter(status=ProjectStatus.SUBMITTED)
        .exclude(proposed_by=actor)
        .order_by("pk")
    )
    projects, count = _bounded(qs, limit)
    sent = _submissions("planning.project", (p.pk for p in projects), "project.submitted")
    return [
        QueueItem(
            state=_("待审核"),
            title=_("「%(name)s」购买项目（预算估算 %(amount)s 元）")
            % {"name": p.name, "amount": money(p.estimated_amount)},
            action=_("审核"),
            url=reverse("planning:project", kwargs={"pk": p.pk}),
            note=_submitted_note(sent.get(str(p.pk))),
        )
        for p in projects
    ], count


def _recommendations(actor: Actor, ctx: Context, limit: int) -> Found:
    """Listing recommendations waiting for the registration authority (`performance.selectors`)."""
    recs, count = _bounded(pending_recommendations(actor=actor).order_by("made_on", "pk"), limit)
    return [
        QueueItem(
            state=_("待决定"),
            title=_("建议将「%(org)s」列入信用名录") % {"org": r.organization.name},
            action=_("决定"),
            url=reverse("performance:recommendation", kwargs={"pk": r.pk}),
            note=_("建议于 %(day)s") % {"day": r.made_on.isoformat()},
        )
        for r in recs
    ], count


def _imports(actor: Actor, ctx: Context, limit: int) -> Found:
    """The actor's registry imports still running or refused (an administrator's: every one)."""
    jobs = ImportJob.objects.exclude(status=ImportJob.Status.SUCCEEDED)
    if actor.role != Role.ADMIN:
        jobs = jobs.filter(created_by=actor)
    rows, count = _bounded(jobs.order_by("-created_at", "-pk"), limit)
    return [
        QueueItem(
            state=str(job.get_status_display()),
            title=job.original_name,
            action=_("查看校验报告") if job.finished else _("查看进度"),
            url=reverse("registry:import-job", kwargs={"job_id": job.pk}),
            note=_("上传于 %(day)s") % {"day": _day(job.created_at)},
        )
        for job in rows
    ], count


# --- procurements run by the actor (purchaser and agency) ----------------------------------------


def _run_by(actor: Actor) -> Q:
    """The procurements the actor runs, as `procurement.policies.is_official` decides."""
    if actor.role == Role.PURCHASER:
        return Q(purchaser_id=actor.unit_id)
    if actor.role == Role.AGENCY:
        return Q(agency_id=actor.unit_id)
    return Q(pk__in=[])


def _deadlines(actor: Actor, ctx: Context, limit: int) -> Found:
    """Within the next `HORIZON_WORKING_DAYS` working days: openings (the bid deadline) and
    single-source notices ending of the procurements the actor runs; for a purchaser also its
    contracts to sign or publish."""
    procurements = list(
        Procurement.objects.filter(_run_by(actor))
        .filter(
            Q(status=ProcurementStatus.ANNOUNCED, bid_deadline__gt=ctx.now, bid_deadline__lt=ctx.horizon_end)
            | Q(
                status=ProcurementStatus.NOTICE,
                notice_ends_on__gte=ctx.today,
                notice_ends_on__lte=ctx.horizon,
            )
        )
        .order_by("bid_deadline", "notice_ends_on", "pk")[:SCAN_LIMIT]
    )
    rows: list[QueueItem] = []
    for p in procurements:
        if p.status == ProcurementStatus.ANNOUNCED and p.bid_deadline is not None:
            rows.append(
                QueueItem(
                    state=_("即将开标"),
                    title=f"{p.reference} {p.title}",
                    action=_("组织开标"),
                    url=reverse("procurement:detail", kwargs={"pk": p.pk}),
                    note=_("投标截止及开标 %(when)s") % {"when": _day(p.bid_deadline)},
                    due=clock.local_date(p.bid_deadline),
                )
            )
        elif p.notice_ends_on is not None:
            rows.append(
                QueueItem(
                    state=_("公示即将期满"),
                    title=f"{p.reference} {p.title}",
                    action=_("处理公示结果"),
                    url=reverse("procurement:detail", kwargs={"pk": p.pk}),
                    note=_("单一来源公示至 %(day)s") % {"day": p.notice_ends_on.isoformat()},
                    due=p.notice_ends_on,
                )
            )
    if actor.role == Role.PURCHASER:
        contracts = Contract.objects.filter(purchaser_id=actor.unit_id).filter(
            Q(status=ContractStatus.DRAFT, sign_due__gte=ctx.today, sign_due__lte=ctx.horizon)
            | Q(status=ContractStatus.SIGNED, publish_due__gte=ctx.today, publish_due__lte=ctx.horizon)
        )
        for c in contracts.order_by("pk")[:SCAN_LIMIT]:
            signing = c.status == ContractStatus.DRAFT
            due = c.sign_due if signing else c.publish_due
            assert due is not None  # filtered above
            rows.append(
                QueueItem(
                    state=_("合同待签订") if signing else _("合同待公告"),
                    title=f"{c.reference} {c.title}",
                    action=_("签订合同") if signing else _("公告合同"),
                    url=reverse("contracts:detail", kwargs={"contract_id": c.pk}),
                    note=_due_note(due, ctx.today),
                    due=due,
                )
            )
    rows.sort(key=lambda item: (item.due or ctx.today, item.title))
    return rows[:limit], len(rows)


def _questions(actor: Actor, ctx: Context, limit: int) -> Found:
    """Enquiries, challenges and single-source objections waiting for an answer on the
    procurements the actor runs, soonest due first (the asker is never named here: before the
    deadline asking reveals interest)."""
    scope = _run_by(actor)
    enquiries = list(
        Enquiry.objects.filter(answered_at__isnull=True, procurement__in=Procurement.objects.filter(scope))
        .select_related("procurement")
        .order_by("answer_due", "received_at")[:SCAN_LIMIT]
    )
    challenges = list(
        Challenge.objects.filter(
            status=ChallengeStatus.PENDING, procurement__in=Procurement.objects.filter(scope)
        )
        .select_related("procurement")
        .order_by("answer_due", "pk")[:SCAN_LIMIT]
    )
    objections = list(
        Objection.objects.filter(
            decision=Objection.Decision.PENDING, procurement__in=Procurement.objects.filter(scope)
        )
        .select_related("procurement")
        .order_by("review_due", "pk")[:SCAN_LIMIT]
    )
    rows = [
        QueueItem(
            state=_("询问待答复"),
            title=f"{e.procurement.reference} {e.procurement.title}",
            action=_("答复"),
            url=reverse("procurement:detail", kwargs={"pk": e.procurement_id}) + "#enquiries",
            note=_due_note(e.answer_due, ctx.today),
            due=e.answer_due,
            overdue=e.answer_due < ctx.today,
        )
        for e in enquiries
    ]
    rows += [
        QueueItem(
            state=_("质疑待答复"),
            title=f"{c.procurement.reference} {c.procurement.title}（{c.get_subject_display()}）",
            action=_("答复质疑"),
            url=reverse("challenges:detail", kwargs={"pk": c.procurement_id}),
            note=_due_note(c.answer_due, ctx.today),
            due=c.answer_due,
            overdue=c.answer_due < ctx.today,
        )
        for c in challenges
    ]
    if actor.role == Role.PURCHASER:  # the purchaser reviews objections (O74 §40)
        rows += [
            QueueItem(
                state=_("异议待处理"),
                title=f"{o.procurement.reference} {o.procurement.title}",
                action=_("处理异议"),
                url=reverse("procurement:detail", kwargs={"pk": o.procurement_id}),
                note=_due_note(o.review_due, ctx.today),
                due=o.review_due,
                overdue=o.review_due < ctx.today,
            )
            for o in objections
        ]
    rows.sort(key=lambda item: (item.due or ctx.today, item.title))
    return rows[:limit], len(rows)


def _awards(actor: Actor, ctx: Context, limit: int) -> Found:
    """From the evaluation to the contract: results to confirm and announce, contracts to make
    (`contracts.selectors.awards_to_contract`, `call_offs_to_contract`)."""
    rows: list[QueueItem] = []
    pending = (
        Award.objects.filter(evaluation__procurement__purchaser_id=actor.unit_id, announced_at__isnull=True)
        .filter(evaluation__status=EvaluationStatus.CONFIRMED)
        .select_related("evaluation__procurement", "lot")
        .order_by("confirm_due", "pk")[:SCAN_LIMIT]
    )
    for a in pending:
        procurement = a.evaluation.procurement
        confirming = a.confirmed_at is None
        due = a.confirm_due if confirming else (a.announce_due or a.confirm_due)
        rows.append(
            QueueItem(
                state=_("待确认中标（成交）供应商") if confirming else _("待公告中标（成交）结果"),
                title=_("%(ref)s %(title)s 第 %(lot)s 包")
                % {"ref": procurement.reference, "title": procurement.title, "lot": a.lot.number},
                action=_("确认") if confirming else _("公告结果"),
                url=reverse("evaluation:detail", kwargs={"pk": procurement.pk}),
                note=_due_note(due, ctx.today),
                due=due,
                overdue=due < ctx.today,
            )
        )
    for award in awards_to_contract(actor)[:SCAN_LIMIT]:
        procurement = award.evaluation.procurement
        assert award.winner is not None  # filtered by the selector
        rows.append(
            QueueItem(
                state=_("待订立合同"),
                title=_("%(ref)s %(title)s 第 %(lot)s 包 · %(winner)s")
                % {
                    "ref": procurement.reference,
                    "title": procurement.title,
                    "lot": award.lot.number,
                    "winner": award.winner.organization.name,
                },
                action=_("订立合同"),
                url=reverse("contracts:create", kwargs={"award_id": award.pk}),
                note=_("结果公告于 %(day)s") % {"day": _day(award.announced_at)},
            )
        )
    for call_off in call_offs_to_contract(actor)[:SCAN_LIMIT]:
        procurement = call_off.shortlist.evaluation.procurement
        rows.append(
            QueueItem(
                state=_("待订立合同"),
                title=_("%(ref)s %(title)s · %(winner)s")
                % {
                    "ref": procurement.reference,
                    "title": procurement.title,
                    "winner": call_off.member.organization.name,
                },
                action=_("订立合同"),
                url=reverse("contracts:create_call_off", kwargs={"call_off_id": call_off.pk}),
                note=_("%(amount)s 元") % {"amount": money(call_off.amount)},
            )
        )
    return rows[:limit], len(rows)


# --- contracts: acceptances, reports, payments ---------------------------------------------------


def _final_acceptance_missing() -> Q:
    return ~Q(Exists(Acceptance.objects.filter(contract=OuterRef("pk"), final=True)))


def _acceptances(actor: Actor, ctx: Context, limit: int) -> Found:
    """The purchaser's contracts in force whose term ends within the horizon (or has ended)
    without the final acceptance, and what is late on them (`contracts.selectors.late_items`:
    milestones, progress reports, payments, signing, publishing)."""
    mine = visible_contracts(actor).filter(purchaser_id=actor.unit_id)
    due = list(
        mine.filter(status=ContractStatus.PUBLISHED, ends_on__lte=ctx.horizon)
        .filter(_final_acceptance_missing())
        .order_by("ends_on", "pk")[:SCAN_LIMIT]
    )
    rows = [
        QueueItem(
            state=_("待履约验收"),
            title=f"{c.reference} {c.title}（{c.supplier.name}）",
            action=_("组织验收"),
            url=reverse("contracts:detail", kwargs={"contract_id": c.pk}),
            note=_("服务期至 %(day)s") % {"day": c.ends_on.isoformat()},
            due=c.ends_on,
            overdue=c.ends_on < ctx.today,
        )
        for c in due
    ]
    rows += _late(mine.order_by("pk")[:SCAN_LIMIT], ctx, purchaser=True)
    rows.sort(key=lambda item: (item.due or ctx.today, item.title))
    return rows[:limit], len(rows)


def _late(contracts: QuerySet[Contract], ctx: Context, *, purchaser: bool) -> list[QueueItem]:
    actions = {
        "sign": (_("签订合同"), _("签订合同")),
        "publish": (_("公告合同"), _("公告合同")),
        "milestone": (_("督促履约"), _("报告进展")),
        "report": (_("督促报送"), _("报送履约报告")),
        "payment": (_("支付款项"), _("查看")),
    }
    return [
        QueueItem(
            state=_("已逾期") + "：" + item.label,
            title=f"{item.contract.reference} {item.contract.title}",
            action=actions[item.kind][0 if purchaser else 1],
            url=reverse("contracts:detail", kwargs={"contract_id": item.contract.pk}),
            note=_due_note(item.due_on, ctx.today),
            due=item.due_on,
            overdue=True,
        )
        for item in late_items(Contract.objects.filter(pk__in=[c.pk for c in contracts]), ctx.today)
        if purchaser or item.kind in {"milestone", "report"}
    ]


def _performance_to_score(actor: Actor, ctx: Context, limit: int) -> Found:
    """Open performance evaluations where the actor's party has not scored yet
    (`performance.selectors.work_list`: the purchaser's unit, the supplier's own, the evaluator's)."""
    party: dict[str, str] = {
        Role.PURCHASER: Party.PURCHASER,
        Role.SUPPLIER: Party.SELF,
        Role.EVALUATOR: Party.THIRD_PARTY,
    }
    if actor.role not in party:
        return [], 0
    qs = (
        work_list(actor=actor)
        .filter(status=PerformanceStatus.OPEN)
        .exclude(party_scores__party=party[actor.role])
        .order_by("created_at", "pk")
    )
    rows, count = _bounded(qs, limit)
    labels: dict[str, str] = {
        Role.PURCHASER: _("购买主体评价"),
        Role.SUPPLIER: _("承接主体自评"),
        Role.EVALUATOR: _("第三方评价"),
    }
    label = labels[actor.role]
    return [
        QueueItem(
            state=_("待评分"),
            title=_("%(contract)s %(period)s 绩效评价（%(supplier)s）")
            % {"contract": e.contract.title, "period": e.period, "supplier": e.contract.supplier.name},
            action=_("评分") + f"（{label}）",
            url=reverse("performance:evaluation", kwargs={"pk": e.pk}),
            note=_("发起于 %(day)s") % {"day": _day(e.created_at)},
        )
        for e in rows
    ], count


# --- drafts --------------------------------------------------------------------------------------


def _drafts(actor: Actor, ctx: Context, limit: int) -> Found:
    """What the actor started and left: budget lines, projects (also those returned for changes),
    plans and procurements still drafts."""
    rows: list[tuple[datetime, QueueItem]] = []
    counts = 0
    if actor.role == Role.PURCHASER:
        lines, n = _bounded(
            BudgetLine.objects.filter(
                created_by=actor,
                status__in=(BudgetStatus.DRAFT, BudgetStatus.REJECTED),
            ).order_by("-created_at", "-pk"),
            limit,
        )
        counts += n
        for line in lines:
            rejected = line.status == BudgetStatus.REJECTED
            rows.append(
                (
                    line.created_at,
                    QueueItem(
                        state=_("已退回") if rejected else _("草稿"),
                        title=_("%(year)s 年预算指标「%(name)s」%(amount)s 元")
                        % {"year": line.fiscal_year, "name": line.name, "amount": money(line.amount)},
                        action=_("修改后重报") if rejected else _("报送财政"),
                        url=reverse("planning:workbench"),
                    ),
                )
            )
        projects, n = _bounded(
            projects_visible(actor=actor)
            .filter(proposed_by=actor, status__in=(ProjectStatus.DRAFT, ProjectStatus.RETURNED))
            .order_by("-created_at", "-pk"),
            limit,
        )
        counts += n
        for p in projects:
            returned = p.status == ProjectStatus.RETURNED
            rows.append(
                (
                    p.created_at,
                    QueueItem(
                        state=_("已退回修改") if returned else _("草稿"),
                        title=_("「%(name)s」购买项目") % {"name": p.name},
                        action=_("修改") if returned else _("继续填写"),
                        url=reverse("planning:project", kwargs={"pk": p.pk}),
                        note=_("创建于 %(day)s") % {"day": _day(p.created_at)},
                    ),
                )
            )
        plans, n = _bounded(
            plans_visible(actor=actor)
            .filter(created_by=actor, status=PlanStatus.DRAFT)
            .order_by("-created_at", "-pk"),
            limit,
        )
        counts += n
        for plan in plans:
            rows.append(
                (
                    plan.created_at,
                    QueueItem(
                        state=_("草稿"),
                        title=_("「%(name)s」项目采购实施计划") % {"name": plan.project.name},
                        action=_("报送"),
                        url=reverse("planning:plan", kwargs={"pk": plan.pk}),
                        note=_("创建于 %(day)s") % {"day": _day(plan.created_at)},
                    ),
                )
            )
    procurements, n = _bounded(
        Procurement.objects.filter(_run_by(actor), created_by=actor, status=ProcurementStatus.DRAFT).order_by(
            "-created_at", "-pk"
        ),
        limit,
    )
    counts += n
    for p in procurements:
        rows.append(
            (
                p.created_at,
                QueueItem(
                    state=_("草稿"),
                    title=f"{p.reference} {p.title}",
                    action=_("完善采购文件并发布"),
                    url=reverse("procurement:detail", kwargs={"pk": p.pk}),
                    note=_("创建于 %(day)s") % {"day": _day(p.created_at)},
                ),
            )
        )
    rows.sort(key=lambda row: row[0], reverse=True)
    return [item for _when, item in rows][:limit], counts


# --- finance, auditors: complaints and red flags -------------------------------------------------


def _complaints(actor: Actor, ctx: Context, limit: int) -> Found:
    """Pending complaints: finance those of its region and below (as `challenges.selectors.
    complaint_for_finance` decides), auditors and administrators every overdue one."""
    qs = Complaint.objects.filter(decision=ComplaintDecision.PENDING).select_related("procurement__purchaser")
    if actor.role == Role.FINANCE:
        qs = qs.filter(scopes.units_q(actor, "procurement__purchaser"))
    else:
        qs = qs.filter(decision_due__lt=ctx.today)
    rows, count = _bounded(qs.order_by("decision_due", "pk"), limit)
    return [
        QueueItem(
            state=_("投诉处理逾期") if c.decision_due < ctx.today else _("投诉待处理"),
            title=f"{c.procurement.reference} {c.procurement.title}（{c.procurement.purchaser}）",
            action=_("处理投诉") if actor.role == Role.FINANCE else _("查看"),
            url=reverse("challenges:detail", kwargs={"pk": c.procurement_id}),
            note=_("收到于 %(received)s，%(due)s")
            % {"received": c.received_on.isoformat(), "due": _due_note(c.decision_due, ctx.today)},
            due=c.decision_due,
            overdue=c.decision_due < ctx.today,
        )
        for c in rows
    ], count


def _flags(actor: Actor, ctx: Context, limit: int) -> Found:
    """Red flags of the latest run the actor may read (`oversight.selectors.flag_list`)."""
    flags = flag_list(actor=actor, limit=SCAN_LIMIT)
    return (
        [
            QueueItem(
                state=str(f.title),
                title=(f"{f.procurement.reference} {f.procurement.title}" if f.procurement else "")
                or str(f.unit or f.organization or f.region or ""),
                action=_("查看证据"),
                url=reverse("oversight:detail", kwargs={"pk": f.pk}),
                note=str(f.unit) if f.unit and f.procurement else "",
            )
            for f in flags[:limit]
        ],
        len(flags),
    )


# --- experts -------------------------------------------------------------------------------------


def _invitations(actor: Actor, ctx: Context, limit: int) -> Found:
    """Draws that invited the expert and wait for an answer (the project stays unnamed until the
    expert accepts: `experts.selectors.expert_invitations`)."""
    qs = (
        DrawMember.objects.filter(expert__user_id=actor.pk, status=MemberStatus.INVITED)
        .select_related("draw")
        .order_by("draw__drawn_at", "pk")
    )
    rows, count = _bounded(qs, limit)
    return [
        QueueItem(
            state=_("待答复"),
            title=_("评审邀请（抽取于 %(when)s）") % {"when": _day(m.draw.drawn_at)},
            action=_("答复邀请"),
            url=reverse("experts:invitations"),
        )
        for m in rows
    ], count


def _to_score(actor: Actor, ctx: Context, limit: int) -> Found:
    """The expert's committees still at work: confirm no conflict, score, confirm the report."""
    qs = (
        CommitteeMember.objects.filter(user=actor)
        .exclude(state=MemberState.RECUSED)
        .filter(
            Q(evaluation__status=EvaluationStatus.REVIEWING, scores_submitted_at__isnull=True)
            | Q(evaluation__status=EvaluationStatus.REPORTED, report_confirmed_at__isnull=True)
        )
        .select_related("evaluation__procurement__purchaser")
        .order_by("evaluation__started_at", "pk")
    )
    rows, count = _bounded(qs, limit)
    items = []
    for m in rows:
        procurement = m.evaluation.procurement
        if m.evaluation.status == EvaluationStatus.REPORTED:
            state, action = _("评审报告待确认"), _("确认评审报告")
        elif m.state == MemberState.PENDING:
            state, action = _("待确认无回避情形"), _("确认并评审")
        else:
            state, action = _("待评分"), _("评分")
        items.append(
            QueueItem(
                state=state,
                title=f"{procurement.reference} {procurement.title}（{procurement.purchaser}）",
                action=action,
                url=reverse("evaluation:detail", kwargs={"pk": procurement.pk}),
                note=_("评审开始于 %(when)s") % {"when": _day(m.evaluation.started_at)},
            )
        )
    return items, count


# --- suppliers -----------------------------------------------------------------------------------


def _organization(actor: Actor) -> Organization | None:
    return actor.organization if actor.role == Role.SUPPLIER and actor.organization_id else None


def _bids(actor: Actor, ctx: Context, limit: int) -> Found:
    """The organization's bids: their sealed status only (已递交 / 已撤回) — never what they hold."""
    org = _organization(actor)
    if org is None:
        return [], 0
    qs = (
        BidSubmission.objects.filter(organization=org)
        .select_related("procurement", "lot")
        .order_by("-procurement__bid_deadline", "lot__number")
    )
    rows, count = _bounded(qs, limit)
    items = []
    for bid in rows:
        p = bid.procurement
        open_ = (
            p.status == ProcurementStatus.ANNOUNCED
            and p.bid_deadline is not None
            and p.bid_deadline > ctx.now
        )
        items.append(
            QueueItem(
                state=str(bid.get_status_display()),
                title=_("%(ref)s %(title)s 第 %(lot)s 包")
                % {"ref": p.reference, "title": p.title, "lot": bid.lot.number},
                action=_("修改或撤回") if open_ else _("查看"),
                url=reverse("procurement:detail", kwargs={"pk": p.pk}),
                note=(_("投标截止 %(when)s") % {"when": _day(p.bid_deadline)})
                if open_
                else str(p.get_status_display()),
                due=clock.local_date(p.bid_deadline) if open_ and p.bid_deadline else None,
            )
        )
    return items, count


def _supplier_contracts(actor: Actor, ctx: Context, limit: int) -> Found:
    """The organization's contracts signed, in force or completed, the live ones first
    (`contracts.selectors.visible_contracts`; 已签订 < 履行中 < 已完成 by their stored names)."""
    qs = (
        visible_contracts(actor)
        .filter(status__in=(ContractStatus.SIGNED, ContractStatus.PUBLISHED, ContractStatus.COMPLETED))
        .order_by("status", "-ends_on", "-pk")
    )
    rows, count = _bounded(qs, limit)
    return [
        QueueItem(
            state=str(c.get_status_display()),
            title=f"{c.reference} {c.title}（{c.purchaser}）",
            action=_("查看"),
            url=reverse("contracts:detail", kwargs={"contract_id": c.pk}),
            note=_("%(amount)s 元，服务期 %(start)s 至 %(end)s")
            % {"amount": money(c.amount), "start": c.starts_on.isoformat(), "end": c.ends_on.isoformat()},
        )
        for c in rows
    ], count


def _reports_due(actor: Actor, ctx: Context, limit: int) -> Found:
    """Progress reports overdue (`contracts.selectors.missing_reports`) or due within the horizon,
    and overdue milestones, of the organization's contracts in force."""
    contracts = list(
        visible_contracts(actor)
        .filter(status=ContractStatus.PUBLISHED)
        .annotate(received=Count("reports"))
        .order_by("pk")[:SCAN_LIMIT]
    )
    rows: list[QueueItem] = []
    for c in contracts:
        url = reverse("contracts:detail", kwargs={"contract_id": c.pk})
        title = f"{c.reference} {c.title}"
        for due in missing_reports(c, ctx.today, c.received):
            rows.append(
                QueueItem(
                    state=_("履约报告逾期未报送"),
                    title=title,
                    action=_("报送履约报告"),
                    url=url,
                    note=_due_note(due, ctx.today),
                    due=due,
                    overdue=True,
                )
            )
        dues = report_due_dates(c)
        upcoming = [d for d in dues[c.received :] if ctx.today <= d <= ctx.horizon]
        for due in upcoming:
            rows.append(
                QueueItem(
                    state=_("履约报告近期到期"),
                    title=title,
                    action=_("报送履约报告"),
                    url=url,
                    note=_due_note(due, ctx.today),
                    due=due,
                )
            )
    rows += _late(
        visible_contracts(actor).filter(status=ContractStatus.PUBLISHED)[:SCAN_LIMIT], ctx, purchaser=False
    )
    seen: set[tuple[str, str, date | None]] = set()
    unique = []
    for item in sorted(rows, key=lambda item: (item.due or ctx.today, item.title)):
        key = (item.url, item.note, item.due)
        if key not in seen:  # a report both missing and late is one item
            seen.add(key)
            unique.append(item)
    return unique[:limit], len(unique)


def _payments(actor: Actor, ctx: Context, limit: int) -> Found:
    """Instalments of the organization's contracts not paid yet, soonest first."""
    qs = (
        Payment.objects.filter(
            contract__in=visible_contracts(actor).filter(
                status__in=(ContractStatus.SIGNED, ContractStatus.PUBLISHED, ContractStatus.COMPLETED)
            ),
            paid_on__isnull=True,
        )
        .select_related("contract")
        .order_by("due_on", "planned_on", "pk")
    )
    rows, count = _bounded(qs, limit)
    items = []
    for p in rows:
        due = p.due_on or p.planned_on
        overdue = p.due_on is not None and p.due_on < ctx.today
        items.append(
            QueueItem(
                state=_("逾期未付") if overdue else _("待支付"),
                title=f"{p.contract.reference} {p.contract.title} · {p.title}",
                action=_("查看"),
                url=reverse("contracts:detail", kwargs={"contract_id": p.contract_id}),
                note=_(
                    "%(amount)s 元",
                )
                % {"amount": money(p.amount)}
                + ("，" + _due_note(due, ctx.today) if due else "，" + _("验收后支付")),
                due=due,
                overdue=overdue,
            )
        )
    return items, count


def _ratings(actor: Actor, ctx: Context, limit: int) -> Found:
    """The organization's performance evaluations: to self-score while open, the grade once given."""
    if _organization(actor) is None:
        return [], 0
    qs = work_list(actor=actor).annotate(
        self_scored=Exists(
            PerformanceEvaluation.objects.filter(pk=OuterRef("pk"), party_scores__party=Party.SELF)
        )
    )
    rows, count = _bounded(qs.order_by("-created_at", "-pk"), limit)
    items = []
    for e in rows:
        scoring = e.status == PerformanceStatus.OPEN and not e.self_scored
        grade = _("等级 %(grade)s，得分 %(score)s") % {"grade": e.grade, "score": e.score} if e.grade else ""
        items.append(
            QueueItem(
                state=_("待自评") if scoring else str(e.get_status_display()),
                title=_("%(contract)s %(period)s 绩效评价")
                % {"contract": e.contract.title, "period": e.period},
                action=_("自评") if scoring else _("查看"),
                url=reverse("performance:evaluation", kwargs={"pk": e.pk}),
                note=grade,
            )
        )
    return items, count


@dataclass(frozen=True, slots=True)
class Standing:
    """A supplier's organization and what the eligibility rules decide for it today, its reasons
    as sentences in the page's language (the citation beside each, never the rule's code)."""

    organization: Organization
    eligibility: Eligibility
    reasons: list[tuple[str, str, str]]
    """(severity, message, citation) — severity is block / flag / info / priority."""


def eligibility_of(actor: Actor, today: date | None = None) -> Standing | None:
    """The supplier's standing today (`registry.selectors.organization_eligibility`); None for
    anyone who is not a supplier's member."""
    org = _organization(actor)
    if org is None:
        return None
    eligibility = organization_eligibility(org, today)
    english = (get_language() or "").startswith("en")
    return Standing(
        organization=org,
        eligibility=eligibility,
        reasons=[
            (r.severity, r.message_en if english else r.message_zh, str(r.citation))
            for r in eligibility.reasons
        ],
    )


# --- the queues of each role ---------------------------------------------------------------------

P, A, F, R, S, E, V, AU, AD = (
    Role.PURCHASER,
    Role.AGENCY,
    Role.FINANCE,
    Role.REGISTRATION,
    Role.SUPPLIER,
    Role.EXPERT,
    Role.EVALUATOR,
    Role.AUDITOR,
    Role.ADMIN,
)

QUEUES: tuple[QueueSpec, ...] = (
    QueueSpec("approvals", gettext_lazy("待我审批"), _finance_approvals, frozenset({F})),
    QueueSpec("unit-approvals", gettext_lazy("待单位审核的项目"), _unit_approvals, frozenset({P})),
    QueueSpec("recommendations", gettext_lazy("待决定的列入信用名录建议"), _recommendations, frozenset({R})),
    QueueSpec("complaints", gettext_lazy("投诉处理"), _complaints, frozenset({F, AU, AD})),
    QueueSpec("flags", gettext_lazy("风险预警"), _flags, frozenset({F, AU, AD})),
    QueueSpec("deadlines", gettext_lazy("近期截止（%(days)s 个工作日内）"), _deadlines, frozenset({P, A})),
    QueueSpec("questions", gettext_lazy("待答复的询问、质疑和异议"), _questions, frozenset({P, A})),
    QueueSpec("awards", gettext_lazy("定标与合同订立"), _awards, frozenset({P})),
    QueueSpec("acceptances", gettext_lazy("待验收与逾期事项"), _acceptances, frozenset({P})),
    QueueSpec("invitations", gettext_lazy("待答复的评审邀请"), _invitations, frozenset({E})),
    QueueSpec("scoring", gettext_lazy("待评审的项目"), _to_score, frozenset({E})),
    QueueSpec("performance", gettext_lazy("待评分的绩效评价"), _performance_to_score, frozenset({P, V})),
    QueueSpec("bids", gettext_lazy("我的投标"), _bids, frozenset({S})),
    QueueSpec("contracts", gettext_lazy("我的合同"), _supplier_contracts, frozenset({S})),
    QueueSpec("reports", gettext_lazy("履约报告与节点"), _reports_due, frozenset({S})),
    QueueSpec("payments", gettext_lazy("待收款项"), _payments, frozenset({S})),
    QueueSpec("ratings", gettext_lazy("绩效评价与等级"), _ratings, frozenset({S})),
    QueueSpec("imports", gettext_lazy("社会组织导入任务"), _imports, frozenset({R, AD})),
    QueueSpec("drafts", gettext_lazy("我的草稿"), _drafts, frozenset({P, A})),
)
QUEUE_KEYS = frozenset(spec.key for spec in QUEUES)


def _title(spec: QueueSpec) -> str:
    return (
        str(spec.title) % {"days": HORIZON_WORKING_DAYS} if "%(days)s" in str(spec.title) else str(spec.title)
    )


def _run(spec: QueueSpec, actor: Actor, ctx: Context, limit: int) -> Queue:
    items, count = spec.build(actor, ctx, limit)
    return Queue(
        key=spec.key, title=_title(spec), items=items[:limit], count=count, capped=count >= SCAN_LIMIT
    )


def queues_for(*, actor: Actor, ctx: Context | None = None, limit: int = QUEUE_LIMIT) -> list[Queue]:
    """The actor's workbench: every queue of its role, each with its first `limit` items."""
    if not is_authenticated(actor):
        return []
    ctx = ctx or Context.current()
    return [_run(spec, actor, ctx, limit) for spec in QUEUES if actor.role in spec.roles]


def queue_get(*, actor: Actor, key: str, ctx: Context | None = None, limit: int = FULL_LIMIT) -> Queue | None:
    """One of the actor's queues in full (up to `FULL_LIMIT` items); None when its role has none
    of that name."""
    spec = next((s for s in QUEUES if s.key == key), None)
    if spec is None or not is_authenticated(actor) or actor.role not in spec.roles:
        return None
    return _run(spec, actor, ctx or Context.current(), limit)


def role_queue_keys(role: str) -> list[str]:
    return [spec.key for spec in QUEUES if role in spec.roles]
