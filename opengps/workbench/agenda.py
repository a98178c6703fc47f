"""The deadline calendar (日程): one month of the actor's dated items — bid deadlines and openings,
single-source notices ending, evaluation sessions, contracts to sign or publish, milestones,
progress reports and payments due, acceptances, service terms ending, complaint decisions — each
linking to its page, scoped to the actor as those pages are."""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opengps.accounts import scopes
from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import is_authenticated
from opengps.challenges.models import Complaint, ComplaintDecision
from opengps.contracts.models import Acceptance, Contract, ContractStatus, Milestone, Payment
from opengps.contracts.selectors import report_due_dates, visible_contracts
from opengps.core import clock
from opengps.evaluation.models import CommitteeMember, Evaluation, MemberState
from opengps.procurement.models import BidSubmission, Procurement, ProcurementStatus

ROW_LIMIT = 300
"""Rows read per kind of item in one month (a provincial supervisor's month of openings can be
long; the calendar says when it stopped)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One dated item on the calendar."""

    day: date
    time: str
    """"HH:MM" when the item has a moment (a bid deadline), else ""."""
    kind: str
    """What falls due (a label: 投标截止及开标, 履约报告到期…)."""
    title: str
    url: str
    done: bool = False
    """Already happened (an acceptance held) rather than due."""


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    in_month: bool
    today: bool
    entries: list[Entry]


@dataclass(frozen=True, slots=True)
class Month:
    first: date
    weeks: list[list[Day]]
    count: int
    capped: bool

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=31)).replace(day=1)


def _bounds(first: date) -> tuple[date, date, datetime, datetime]:
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    start = datetime.combine(first, time(0), tzinfo=clock.BEIJING)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=clock.BEIJING)
    return first, last, start, end


def _procurement_entries(procurements: QuerySet[Procurement], first: date, last: date) -> list[Entry]:
    start = datetime.combine(first, time(0), tzinfo=clock.BEIJING)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=clock.BEIJING)
    rows = procurements.filter(
        Q(bid_deadline__gte=start, bid_deadline__lt=end)
        | Q(notice_ends_on__gte=first, notice_ends_on__lte=last)
    ).order_by("bid_deadline", "pk")[:ROW_LIMIT]
    entries = []
    for p in rows:
        url = reverse("procurement:detail", kwargs={"pk": p.pk})
        title = f"{p.reference} {p.title}"
        if p.bid_deadline is not None and start <= p.bid_deadline < end:
            local = p.bid_deadline.astimezone(clock.BEIJING)
            entries.append(
                Entry(
                    local.date(),
                    local.strftime("%H:%M"),
                    _("投标截止及开标"),
                    title,
                    url,
                    done=p.status not in (ProcurementStatus.ANNOUNCED, ProcurementStatus.NOTICE),
                )
            )
        if p.notice_ends_on is not None and first <= p.notice_ends_on <= last:
            entries.append(Entry(p.notice_ends_on, "", _("单一来源公示期满"), title, url))
    return entries


def _evaluation_entries(evaluations: QuerySet[Evaluation], first: date, last: date) -> list[Entry]:
    _first, _last, start, end = _bounds(first)
    rows = (
        evaluations.filter(started_at__gte=start, started_at__lt=end)
        .select_related("procurement")
        .order_by("started_at", "pk")[:ROW_LIMIT]
    )
    return [
        Entry(
            clock.local_date(e.started_at),
            e.started_at.astimezone(clock.BEIJING).strftime("%H:%M"),
            _("评审"),
            f"{e.procurement.reference} {e.procurement.title}",
            reverse("evaluation:detail", kwargs={"pk": e.procurement_id}),
        )
        for e in rows
    ]


_CONTRACT_ROWS: tuple[tuple[Any, str, Promise, Callable[[Any], bool]], ...] = (
    (Milestone, "due_on", gettext_lazy("履约节点：%(title)s"), lambda m: m.done_on is not None),
    (Payment, "due_on", gettext_lazy("款项支付期限：%(title)s"), lambda p: p.paid_on is not None),
    (Acceptance, "accepted_on", gettext_lazy("履约验收：%(title)s"), lambda a: True),
)
"""A contract's dated rows on the calendar: the model, its date, the label, whether it is done."""


def _contract_entries(
    contracts: QuerySet[Contract], first: date, last: date, *, purchaser: bool
) -> list[Entry]:
    """Milestones, reports, payments, acceptances and terms ending of `contracts` in the month;
    for the purchaser also the signing and publishing deadlines."""
    entries: list[Entry] = []

    def url(contract_id: int) -> str:
        return reverse("contracts:detail", kwargs={"contract_id": contract_id})

    live = contracts.filter(starts_on__lte=last, ends_on__gte=first - timedelta(days=1))
    for c in live.filter(status=ContractStatus.PUBLISHED).order_by("pk")[:ROW_LIMIT]:
        title = f"{c.reference} {c.title}"
        for due in report_due_dates(c):
            if first <= due <= last:
                entries.append(Entry(due, "", _("履约报告到期"), title, url(c.pk)))
        if first <= c.ends_on <= last:
            entries.append(Entry(c.ends_on, "", _("服务期满（最终验收）"), title, url(c.pk)))
    for model, field, label, done in _CONTRACT_ROWS:
        rows = (
            model.objects.filter(contract__in=contracts, **{f"{field}__gte": first, f"{field}__lte": last})
            .select_related("contract")
            .order_by(field, "pk")[:ROW_LIMIT]
        )
        entries += [
            Entry(
                getattr(row, field),
                "",
                label % {"title": row.title},
                str(row.contract),
                url(row.contract_id),
                done=done(row),
            )
            for row in rows
        ]
    if purchaser:
        for c in contracts.filter(
            Q(status=ContractStatus.DRAFT, sign_due__gte=first, sign_due__lte=last)
            | Q(status=ContractStatus.SIGNED, publish_due__gte=first, publish_due__lte=last)
        ).order_by("pk")[:ROW_LIMIT]:
            signing = c.status == ContractStatus.DRAFT
            deadline = c.sign_due if signing else c.publish_due
            assert deadline is not None  # filtered above
            entries.append(
                Entry(deadline, "", _("合同签订期限") if signing else _("合同公告期限"), str(c), url(c.pk))
            )
    return entries


def _complaint_entries(complaints: QuerySet[Complaint], first: date, last: date) -> list[Entry]:
    rows = (
        complaints.filter(decision=ComplaintDecision.PENDING, decision_due__gte=first, decision_due__lte=last)
        .select_related("procurement")
        .order_by("decision_due", "pk")[:ROW_LIMIT]
    )
    return [
        Entry(
            c.decision_due,
            "",
            _("投诉处理期限"),
            f"{c.procurement.reference} {c.procurement.title}",
            reverse("challenges:detail", kwargs={"pk": c.procurement_id}),
        )
        for c in rows
    ]


def _entries(actor: Actor, first: date, last: date) -> list[Entry]:
    role = actor.role
    if role in (Role.PURCHASER, Role.AGENCY):
        run = Q(purchaser_id=actor.unit_id) if role == Role.PURCHASER else Q(agency_id=actor.unit_id)
        procurements = Procurement.objects.filter(run)
        contracts = visible_contracts(actor)
        if role == Role.PURCHASER:
            contracts = contracts.filter(purchaser_id=actor.unit_id)
        return [
            *_procurement_entries(procurements, first, last),
            *_evaluation_entries(Evaluation.objects.filter(procurement__in=procurements), first, last),
            *_contract_entries(contracts, first, last, purchaser=role == Role.PURCHASER),
        ]
    if role == Role.SUPPLIER:
        bid_on = BidSubmission.objects.filter(organization=actor.organization).values("procurement_id")
        return [
            *_procurement_entries(Procurement.objects.filter(pk__in=bid_on), first, last),
            *_contract_entries(visible_contracts(actor), first, last, purchaser=False),
        ]
    if role == Role.EXPERT:
        sitting = CommitteeMember.objects.filter(user=actor).exclude(state=MemberState.RECUSED)
        return _evaluation_entries(
            Evaluation.objects.filter(pk__in=sitting.values("evaluation_id")), first, last
        )
    if role in (Role.FINANCE, Role.AUDITOR, Role.ADMIN):
        supervised = scopes.units_q(actor, "purchaser")
        return [
            *_procurement_entries(
                Procurement.objects.filter(supervised).exclude(status=ProcurementStatus.DRAFT), first, last
            ),
            *_complaint_entries(
                Complaint.objects.filter(scopes.units_q(actor, "procurement__purchaser")), first, last
            ),
        ]
    return []


def month_agenda(*, actor: Actor, month: date, today: date | None = None) -> Month:
    """The month holding `month`, Monday first, with the actor's dated items on their days."""
    today = today or clock.today()
    first, last, _start, _end = _bounds(month.replace(day=1))
    entries = _entries(actor, first, last) if is_authenticated(actor) else []
    by_day: dict[date, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: (e.day, e.time or "99", e.kind, e.title)):
        by_day.setdefault(entry.day, []).append(entry)
    weeks = [
        [Day(day, day.month == first.month, day == today, by_day.get(day, [])) for day in week]
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    return Month(first=first, weeks=weeks, count=len(entries), capped=len(entries) >= ROW_LIMIT)
