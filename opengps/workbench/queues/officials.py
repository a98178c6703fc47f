"""The queues of the officials who decide: finance approvals, unit approvals, the registration
authority's recommendations and imports, complaints and red flags."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from opengps.accounts import scopes
from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.challenges.models import Complaint, ComplaintDecision
from opengps.core import clock
from opengps.core.models import AuditEvent
from opengps.oversight.selectors import flag_list
from opengps.performance.selectors import pending_recommendations
from opengps.planning.models import ProjectStatus
from opengps.planning.selectors import finance_queue, projects_visible
from opengps.procurement.models import ProcurementStatus
from opengps.procurement.selectors import procurements_visible
from opengps.registry.models import ImportJob
from opengps.workbench.queues._base import (
    SCAN_LIMIT,
    Context,
    Found,
    QueueItem,
    _bounded,
    _day,
    _due_note,
    _method_name,
    _submissions,
    _submitted_note,
    money,
)

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

    def add(
        objects: Iterable[Any],
        sent: Mapping[str, AuditEvent],
        state: str,
        action: str,
        title: Callable[[Any], str],
        url: Callable[[Any], str],
    ) -> None:
        """Queue each of `objects`, dated and noted by when it was sent for decision (`sent`)."""
        for obj in objects:
            event = sent.get(str(obj.pk))
            item = QueueItem(
                state=state, title=title(obj), action=action, url=url(obj), note=_submitted_note(event)
            )
            rows.append((event.occurred_at if event else epoch, item))

    add(
        lines,
        sent_lines,
        _("待批复"),
        _("批复"),
        lambda line: (
            _("%(unit)s %(year)s 年预算指标「%(name)s」%(amount)s 元")
            % {"unit": line.unit, "year": line.fiscal_year, "name": line.name, "amount": money(line.amount)}
        ),
        lambda line: reverse("planning:workbench"),
    )
    add(
        projects,
        sent_projects,
        _("待审核入库"),
        _("审核"),
        lambda project: _("%(unit)s「%(name)s」购买项目") % {"unit": project.unit, "name": project.name},
        lambda project: reverse("planning:project", kwargs={"pk": project.pk}),
    )
    add(
        plans,
        sent_plans,
        _("待审批"),
        _("审批"),
        lambda plan: (
            _("%(unit)s「%(name)s」项目采购实施计划（%(method)s，%(amount)s 元）")
            % {
                "unit": plan.unit,
                "name": plan.project.name,
                "method": _method_name(plan.method),
                "amount": money(plan.amount),
            }
        ),
        lambda plan: reverse("planning:plan", kwargs={"pk": plan.pk}),
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
