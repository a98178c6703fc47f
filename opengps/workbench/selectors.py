"""Reads of the audit trail (auditors' timelines), of the holiday calendar's coverage, and of
reminders: what is due on a day across the lifecycle apps, and each user's open reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from opengps.accounts import scopes
from opengps.accounts.actors import Viewer
from opengps.accounts.models import Role, User
from opengps.accounts.permissions import has_role, is_authenticated, require_role
from opengps.challenges.models import Complaint, ComplaintClockStop, ComplaintDecision
from opengps.contracts.models import Contract, ContractStatus, Milestone
from opengps.contracts.selectors import missing_reports
from opengps.core import clock
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.models import AuditEvent, HolidayYear
from opengps.core.paging import PageNumbers
from opengps.grants.models import Agreement, AgreementStatus, TrancheStatus
from opengps.procurement.models import Procurement, ProcurementStatus
from opengps.rules import calendar
from opengps.rules.base import RuleError
from opengps.rules.holiday_notice import ParsedNotice, parse_notice
from opengps.workbench.errors import Code
from opengps.workbench.models import Reminder, ReminderKind

AUDIT_READERS = (Role.AUDITOR, Role.FINANCE, Role.REGISTRATION, Role.ADMIN)


def _require_reader(actor: Viewer) -> None:
    if not has_role(actor, *AUDIT_READERS):
        raise PermissionDenied(Code.AUDIT_READ_DENIED)


def _in_scope(actor: Viewer, object_type: str, object_id: str) -> bool:
    """Regional readers (finance, registration) see the timelines of their region's objects only;
    objects that belong to no unit (catalogue items, organizations, calendars) stay readable."""
    prefix = scopes.supervised_prefix(actor)
    if scopes.reads_everything(actor) or object_type not in scopes.OBJECT_UNIT_PATHS:
        return True
    if prefix is None:
        return False
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return False
    path = scopes.OBJECT_UNIT_PATHS[object_type]
    try:
        in_region = {f"{path}__region__code__startswith": prefix}
        return bool(model._default_manager.filter(pk=object_id, **in_region).exists())
    except (ValueError, TypeError):  # an id that is no id of this model
        return False


def audit_timeline(*, actor: Viewer, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Every event of one object, oldest first; a regional reader only within its region."""
    _require_reader(actor)
    if not _in_scope(actor, object_type, object_id):
        raise PermissionDenied(Code.AUDIT_OUT_OF_REGION)
    return (
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .order_by("seq")
    )


def audit_recent(
    *, actor: Viewer, action: str = "", object_type: str = "", limit: int = 100
) -> QuerySet[AuditEvent]:
    _require_reader(actor)
    events = AuditEvent.objects.select_related("actor").order_by("-seq")
    prefix = scopes.supervised_prefix(actor)
    if not scopes.reads_everything(actor):
        # a regional reader sees what its region's officials did (not the whole platform)
        events = events.filter(actor__unit__region__code__startswith=prefix or "-")
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
    return events[:limit]


# --- holiday calendar: next year's State Council notice ---------------------------------------

HOLIDAY_NOTICE_WATCHERS = (Role.ADMIN, Role.FINANCE)
"""Who is told on their home page that next year's holiday notice is missing."""


@dataclass(frozen=True, slots=True)
class NoticeDay:
    """One day of the confirmation calendar."""

    day: date
    holiday: str
    """The holiday's name when the notice gives the day off, else ""."""
    workday: bool
    """A make-up working day (调休上班)."""

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5


@dataclass(frozen=True, slots=True)
class NoticeWeek:
    """A Monday-to-Sunday week that holds a day of the notice."""

    days: list[NoticeDay]
    after_gap: bool
    """Whether weeks the notice leaves alone come before this one (shown as a break)."""


@dataclass(frozen=True, slots=True)
class NoticePreview:
    """A parsed notice as the administrator confirms it, with what it would replace."""

    notice: ParsedNotice
    weeks: list[NoticeWeek]
    replaces: HolidayYear | None
    """The notice already entered for the year, if any."""
    shipped: bool
    """Whether the year is in the data shipped with the platform."""


def holiday_notice_preview(*, actor: Viewer, text: str, year: int | None = None) -> NoticePreview:
    """Parse a pasted State Council holiday notice for an administrator to confirm.

    Errors are `ServiceError`s on the field ``text`` naming the line (`parse_notice`'s codes), or
    ``calendar.notice_other_year`` when a date falls outside the notice's year (the year it falls
    in is a separate calendar, entered in the admin site).
    """
    require_role(actor, Role.ADMIN)
    try:
        notice = parse_notice(text, year)
    except RuleError as exc:
        raise ServiceError(
            exc.code, exc.message(get_language() or ""), field="text", params=exc.params
        ) from None
    outside = sorted(day for day in (*notice.holidays, *notice.workdays) if day.year != notice.year)
    if outside:
        raise ServiceError(
            Code.NOTICE_OTHER_YEAR,
            _("通知中的日期 %(days)s 不属于 %(year)s 年：请在管理后台“节假日安排”中修改该年度的安排")
            % {"days": "、".join(day.isoformat() for day in outside), "year": notice.year},
            field="text",
            params={"year": notice.year, "days": [day.isoformat() for day in outside]},
        )
    return NoticePreview(
        notice=notice,
        weeks=_notice_weeks(notice),
        replaces=HolidayYear.objects.filter(year=notice.year).select_related("entered_by").first(),
        shipped=notice.year in calendar.shipped_years(),
    )


def _notice_weeks(notice: ParsedNotice) -> list[NoticeWeek]:
    """The weeks (Monday first) that hold a holiday or a make-up working day, in order."""
    workdays = set(notice.workdays)
    mondays = sorted({day - timedelta(days=day.weekday()) for day in (*notice.holidays, *workdays)})
    return [
        NoticeWeek(
            days=[
                NoticeDay(day=day, holiday=notice.holidays.get(day, ""), workday=day in workdays)
                for day in (monday + timedelta(days=n) for n in range(7))
            ],
            after_gap=index > 0 and monday - mondays[index - 1] > timedelta(days=7),
        )
        for index, monday in enumerate(mondays)
    ]


def holiday_years_entered(*, actor: Viewer) -> QuerySet[HolidayYear]:
    """The notices administrators have entered, newest year first."""
    require_role(actor, Role.ADMIN)
    return HolidayYear.objects.select_related("entered_by").order_by("-year")


# --- reminders: what is due on a day, and whose ------------------------------------------------

BID_DEADLINE_WORKING_DAYS = 2
"""Remind the purchaser (and its agency) when the bid deadline — the opening — is this many working
days away or nearer. Platform policy, not law: enough time to book the room and the supervisors."""
COMPLAINT_WORKING_DAYS = 3
"""Remind the finance department this many working days before a complaint decision is due (the
30-working-day clock of O94 §26 is computed by `opengps.rules.deadlines`). Platform policy."""


@dataclass(frozen=True, slots=True)
class DueReminder:
    """One pending thing on a day, with the users to remind of it (before it is stored)."""

    kind: str
    subject_type: str
    subject_id: str
    subject_label: str
    url: str
    due_on: date
    recipients: tuple[int, ...]
    due_at: datetime | None = None
    message: str = ""

    def key(self, recipient: int) -> tuple[int, str, str, str, date]:
        return (recipient, self.kind, self.subject_type, self.subject_id, self.due_on)


def working_day_horizon(day: date, working_days: int) -> date:
    """The `working_days`-th working day after `day` (`opengps.rules.calendar`). In a year whose
    holiday notice is not entered yet, weekends alone are skipped: a reminder may come a little
    early around a holiday rather than never."""
    try:
        return calendar.add_working_days(day, working_days)
    except calendar.CalendarUnknown:
        remaining = working_days
        while remaining:
            day += timedelta(days=1)
            remaining -= day.weekday() < 5
        return day


def _users_by(field: str, ids: set[int], roles: tuple[str, ...]) -> dict[int, list[int]]:
    """Active users of the given units (``unit``) or organizations (``organization``) in `roles`."""
    found: dict[int, list[int]] = {}
    if not ids:
        return found
    rows = User.objects.filter(is_active=True, role__in=roles, **{f"{field}_id__in": ids})
    for owner, pk in rows.order_by("pk").values_list(f"{field}_id", "pk"):
        found.setdefault(owner, []).append(pk)
    return found


def _bid_deadlines(day: date, now: datetime) -> list[DueReminder]:
    """(a) Announced procurements whose bid deadline (the opening) is still ahead and falls within
    `BID_DEADLINE_WORKING_DAYS` working days → the purchaser unit's purchasers and the entrusted
    agency's staff."""
    horizon = working_day_horizon(day, BID_DEADLINE_WORKING_DAYS)
    until = datetime.combine(horizon + timedelta(days=1), time(0), tzinfo=clock.BEIJING)
    procurements = list(
        Procurement.objects.filter(
            status=ProcurementStatus.ANNOUNCED, bid_deadline__gt=now, bid_deadline__lt=until
        ).order_by("bid_deadline", "pk")
    )
    purchasers = _users_by("unit", {p.purchaser_id for p in procurements}, (Role.PURCHASER,))
    agencies = _users_by("unit", {p.agency_id for p in procurements if p.agency_id}, (Role.AGENCY,))
    due = []
    for p in procurements:
        assert p.bid_deadline is not None  # filtered above
        users = purchasers.get(p.purchaser_id, []) + (agencies.get(p.agency_id, []) if p.agency_id else [])
        due.append(
            DueReminder(
                kind=ReminderKind.BID_DEADLINE,
                subject_type="procurement.procurement",
                subject_id=str(p.pk),
                subject_label=str(p)[:300],
                url=reverse("procurement:detail", kwargs={"pk": p.pk}),
                due_on=clock.local_date(p.bid_deadline),
                due_at=p.bid_deadline,
                recipients=tuple(users),
            )
        )
    return due


def _contracts_overdue(day: date) -> list[DueReminder]:
    """(b) Published contracts with a milestone past its date and not done, or a periodic progress
    report past due and not received (`contracts.selectors.missing_reports`) → the supplier's
    members and the purchaser unit's purchasers."""
    milestones = list(
        Milestone.objects.filter(
            contract__status=ContractStatus.PUBLISHED, done_on__isnull=True, due_on__lt=day
        ).select_related("contract")
    )
    contracts = list(
        Contract.objects.filter(status=ContractStatus.PUBLISHED, starts_on__lt=day)
        .annotate(received=Count("reports"))
        .order_by("pk")
    )
    involved = [m.contract for m in milestones] + contracts
    suppliers = _users_by("organization", {c.supplier_id for c in involved}, (Role.SUPPLIER,))
    purchasers = _users_by("unit", {c.purchaser_id for c in involved}, (Role.PURCHASER,))

    def users(contract: Contract) -> tuple[int, ...]:
        return tuple(suppliers.get(contract.supplier_id, []) + purchasers.get(contract.purchaser_id, []))

    def url(contract: Contract) -> str:
        return reverse("contracts:detail", kwargs={"contract_id": contract.pk})

    due = [
        DueReminder(
            kind=ReminderKind.MILESTONE_OVERDUE,
            subject_type="contracts.milestone",
            subject_id=str(m.pk),
            subject_label=str(m.contract)[:300],
            url=url(m.contract),
            due_on=m.due_on,
            message=m.title[:300],
            recipients=users(m.contract),
        )
        for m in milestones
    ]
    for c in contracts:
        for missing in missing_reports(c, day, c.received):
            due.append(
                DueReminder(
                    kind=ReminderKind.REPORT_OVERDUE,
                    subject_type="contracts.contract",
                    subject_id=str(c.pk),
                    subject_label=str(c)[:300],
                    url=url(c),
                    due_on=missing,
                    recipients=users(c),
                )
            )
    return due


def grant_midterm_due(agreement: Agreement) -> date:
    """When a grant's mid-term report is due: the middle of the agreement's term (platform policy;
    the agreement stores no date of its own)."""
    return agreement.starts_on + timedelta(days=(agreement.ends_on - agreement.starts_on).days // 2)


def _grants_overdue(day: date) -> list[DueReminder]:
    """(c) Grant agreements whose term has ended without the final review, or that are past the
    middle of their term without the mid-term review while a mid-term tranche waits → the
    grantee organization's members."""
    agreements = list(
        Agreement.objects.filter(
            status__in=(AgreementStatus.ACTIVE, AgreementStatus.STOPPED), final_review_on__isnull=True
        )
        .annotate(pending=Count("tranches", filter=Q(tranches__status=TrancheStatus.PENDING)))
        .select_related("application")
        .order_by("pk")
    )
    grantees = _users_by(
        "organization", {a.application.organization_id for a in agreements}, (Role.SUPPLIER,)
    )
    due = []
    for a in agreements:
        if a.ends_on < day:
            kind, due_on = ReminderKind.GRANT_FINAL_OVERDUE, a.ends_on
        elif (
            a.status == AgreementStatus.ACTIVE
            and a.midterm_passed is None
            and a.pending >= 2
            and grant_midterm_due(a) < day
        ):
            kind, due_on = ReminderKind.GRANT_MIDTERM_OVERDUE, grant_midterm_due(a)
        else:
            continue
        due.append(
            DueReminder(
                kind=kind,
                subject_type="grants.agreement",
                subject_id=str(a.pk),
                subject_label=f"{a.number} {a.application.title}"[:300],
                url=reverse("grants:agreement", kwargs={"agreement_id": a.pk}),
                due_on=due_on,
                recipients=tuple(grantees.get(a.application.organization_id, [])),
            )
        )
    return due


def _complaints_due(day: date) -> list[DueReminder]:
    """(d) Pending complaints whose decision is due within `COMPLAINT_WORKING_DAYS` working days
    (or already late), while the clock runs (a stopped clock moves the date, O94 §27) → the
    finance department nearest the purchaser that supervises it (O94 §3: the purchaser's level)."""
    horizon = working_day_horizon(day, COMPLAINT_WORKING_DAYS)
    stopped = ComplaintClockStop.objects.filter(complaint=OuterRef("pk"), resumed_on__isnull=True)
    complaints = list(
        Complaint.objects.filter(decision=ComplaintDecision.PENDING, decision_due__lte=horizon)
        .exclude(Exists(stopped))
        .select_related("procurement__purchaser")
        .order_by("decision_due", "pk")
    )
    if not complaints:
        return []
    finance = list(
        User.objects.filter(is_active=True, role=Role.FINANCE, unit__isnull=False)
        .order_by("pk")
        .values_list("pk", "unit__region_id")
    )
    due = []
    for c in complaints:
        region = c.procurement.purchaser.region_id
        covering = [(scopes.region_prefix(r), pk) for pk, r in finance if scopes.region_covers(r, region)]
        nearest = max((len(prefix) for prefix, _pk in covering), default=0)
        due.append(
            DueReminder(
                kind=ReminderKind.COMPLAINT_DECISION_DUE,
                subject_type="challenges.complaint",
                subject_id=str(c.pk),
                subject_label=str(c.procurement)[:300],
                url=reverse("challenges:detail", kwargs={"pk": c.procurement_id}),
                due_on=c.decision_due,
                recipients=tuple(pk for prefix, pk in covering if len(prefix) == nearest),
            )
        )
    return due


def reminders_due(*, on_date: date, now: datetime) -> list[DueReminder]:
    """Every reminder the platform owes on `on_date` (computed from the data's dates, so a missed
    night loses nothing: the next run finds the same things still pending)."""
    return [
        item
        for item in (
            *_bid_deadlines(on_date, now),
            *_contracts_overdue(on_date),
            *_grants_overdue(on_date),
            *_complaints_due(on_date),
        )
        if item.recipients
    ]


def reminders_open(*, actor: Viewer, limit: int = 50) -> list[Reminder]:
    """The actor's unread reminders that are still pending, soonest due first."""
    if not is_authenticated(actor):
        return []
    return list(
        Reminder.objects.filter(recipient=actor, read_at__isnull=True, obsolete_at__isnull=True).order_by(
            "due_on", "pk"
        )[:limit]
    )


def reminders_open_count(*, actor: Viewer) -> int:
    if not is_authenticated(actor):
        return 0
    return Reminder.objects.filter(recipient=actor, read_at__isnull=True, obsolete_at__isnull=True).count()


REMINDER_PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class ReminderPage(PageNumbers):
    """One page of the notification centre: the user's reminders, newest due first."""

    rows: list[Reminder]
    count: int
    page: int
    page_size: int
    unread: int
    """Open (unread and still pending) reminders, whatever the filter."""


def reminders_page(
    *, actor: Viewer, page: int = 1, unread_only: bool = False, page_size: int = REMINDER_PAGE_SIZE
) -> ReminderPage:
    """Every reminder the actor was sent (read, unread or no longer pending), paged; a page past
    the last shows the last."""
    if not is_authenticated(actor):
        return ReminderPage(rows=[], count=0, page=1, page_size=page_size, unread=0)
    mine = Reminder.objects.filter(recipient=actor)
    open_ = mine.filter(read_at__isnull=True, obsolete_at__isnull=True)
    shown = open_ if unread_only else mine
    count = shown.count()
    unread = count if unread_only else open_.count()
    last = max(1, -(-count // page_size))
    page = min(max(page, 1), last)
    rows = list(shown.order_by("-due_on", "-pk")[(page - 1) * page_size : page * page_size])
    return ReminderPage(rows=rows, count=count, page=page, page_size=page_size, unread=unread)
