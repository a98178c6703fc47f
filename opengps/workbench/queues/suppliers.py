"""The queues of a supplier's member: bids, contracts, reports, payments and ratings, and the
organization's eligibility standing today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.capacity.models import ServiceLog, Station, StationStatus
from opengps.contracts.models import ContractStatus, Payment
from opengps.contracts.selectors import (
    missing_reports,
    report_due_dates,
    visible_contracts,
)
from opengps.core import clock
from opengps.performance.models import EvaluationStatus as PerformanceStatus
from opengps.performance.models import Party, PerformanceEvaluation
from opengps.performance.selectors import work_list
from opengps.procurement.models import (
    BidSubmission,
    ProcurementStatus,
)
from opengps.registry.models import Organization
from opengps.registry.selectors import organization_eligibility
from opengps.rules.eligibility import Eligibility
from opengps.workbench.queues._base import (
    SCAN_LIMIT,
    Context,
    Found,
    QueueItem,
    _bounded,
    _day,
    _due_note,
    _late,
    due_item,
    money,
)

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
                due_item(
                    state=_("履约报告逾期未报送"),
                    title=title,
                    action=_("报送履约报告"),
                    url=url,
                    due=due,
                    today=ctx.today,
                    overdue=True,
                )
            )
        dues = report_due_dates(c)
        upcoming = [d for d in dues[c.received :] if ctx.today <= d <= ctx.horizon]
        for due in upcoming:
            rows.append(
                due_item(
                    state=_("履约报告近期到期"),
                    title=title,
                    action=_("报送履约报告"),
                    url=url,
                    due=due,
                    today=ctx.today,
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


def _stations(actor: Actor, ctx: Context, limit: int) -> Found:
    """The township social-work stations the organization runs, the ones whose last month's service
    log is still missing first; each links to the members' log screen."""
    org = _organization(actor)
    if org is None:
        return [], 0
    last_month_end = ctx.today.replace(day=1) - timedelta(days=1)
    last_month = last_month_end.replace(day=1)
    running = (StationStatus.OPERATING, StationStatus.SUSPENDED)
    qs = (
        Station.objects.filter(operator=org, status__in=running)
        .select_related("township")
        .annotate(logged=Exists(ServiceLog.objects.filter(station=OuterRef("pk"), month=last_month)))
        .order_by("logged", "township__code", "pk")
    )
    rows, count = _bounded(qs, limit)
    month = {"month": last_month.strftime("%Y-%m")}
    items = []
    for station in rows:
        due = not station.logged and station.opened_on <= last_month_end
        if due:
            note = _("%(month)s 的台账尚未填报") % month
        else:
            note = _("%(month)s 的台账已填报") % month if station.logged else ""
        items.append(
            QueueItem(
                state=_("上月服务台账待填报") if due else str(station.get_status_display()),
                title=f"{station.name}（{station.township.name}）",
                action=_("填报台账"),
                url=reverse("capacity:operator-logs", kwargs={"pk": station.pk}),
                note=note,
            )
        )
    return items, count
