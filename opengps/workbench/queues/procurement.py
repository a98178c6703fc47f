"""The queues of those who run procurements (purchaser and agency): deadlines, questions, awards
and contracts, acceptances, performance scoring and drafts."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.challenges.models import Challenge, ChallengeStatus
from opengps.contracts.models import Acceptance, Contract, ContractStatus
from opengps.contracts.selectors import (
    awards_to_contract,
    call_offs_to_contract,
    visible_contracts,
)
from opengps.core import clock
from opengps.evaluation.models import Award, EvaluationStatus
from opengps.performance.models import EvaluationStatus as PerformanceStatus
from opengps.performance.models import Party
from opengps.performance.selectors import work_list
from opengps.planning.models import BudgetLine, BudgetStatus, PlanStatus, ProjectStatus
from opengps.planning.selectors import plans_visible, projects_visible
from opengps.procurement.models import (
    Enquiry,
    Objection,
    Procurement,
    ProcurementStatus,
)
from opengps.workbench.queues._base import (
    SCAN_LIMIT,
    Context,
    Found,
    QueueItem,
    _bounded,
    _day,
    _late,
    due_item,
    money,
)

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
                due_item(
                    state=_("合同待签订") if signing else _("合同待公告"),
                    title=f"{c.reference} {c.title}",
                    action=_("签订合同") if signing else _("公告合同"),
                    url=reverse("contracts:detail", kwargs={"contract_id": c.pk}),
                    due=due,
                    today=ctx.today,
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
        due_item(
            state=_("询问待答复"),
            title=f"{e.procurement.reference} {e.procurement.title}",
            action=_("答复"),
            url=reverse("procurement:detail", kwargs={"pk": e.procurement_id}) + "#enquiries",
            due=e.answer_due,
            today=ctx.today,
        )
        for e in enquiries
    ]
    rows += [
        due_item(
            state=_("质疑待答复"),
            title=f"{c.procurement.reference} {c.procurement.title}（{c.get_subject_display()}）",
            action=_("答复质疑"),
            url=reverse("challenges:detail", kwargs={"pk": c.procurement_id}),
            due=c.answer_due,
            today=ctx.today,
        )
        for c in challenges
    ]
    if actor.role == Role.PURCHASER:  # the purchaser reviews objections (O74 §40)
        rows += [
            due_item(
                state=_("异议待处理"),
                title=f"{o.procurement.reference} {o.procurement.title}",
                action=_("处理异议"),
                url=reverse("procurement:detail", kwargs={"pk": o.procurement_id}),
                due=o.review_due,
                today=ctx.today,
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
            due_item(
                state=_("待确认中标（成交）供应商") if confirming else _("待公告中标（成交）结果"),
                title=_("%(ref)s %(title)s 第 %(lot)s 包")
                % {"ref": procurement.reference, "title": procurement.title, "lot": a.lot.number},
                action=_("确认") if confirming else _("公告结果"),
                url=reverse("evaluation:detail", kwargs={"pk": procurement.pk}),
                due=due,
                today=ctx.today,
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
