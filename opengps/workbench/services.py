"""Workbench writes: the platform administrator enters a year's State Council holiday notice; the
nightly run sends reminders and each user marks theirs read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import is_authenticated, require_role
from opengps.core import audit, clock
from opengps.core.calendar_sync import load_stored_years
from opengps.core.errors import NotFound, ServiceError
from opengps.core.models import HolidayYear
from opengps.rules import calendar
from opengps.rules.base import RuleError
from opengps.workbench import selectors
from opengps.workbench.errors import Code
from opengps.workbench.events import Event
from opengps.workbench.models import Reminder


def _parse_days(values: list[str], field: str) -> list[date]:
    days: list[date] = []
    for value in values:
        try:
            days.append(date.fromisoformat(value.strip()))
        except ValueError:
            raise ServiceError(Code.BAD_DATE, field=field, params={"value": value}) from None
    return days


def holiday_year_register(
    *, actor: Actor, year: int, holidays: list[str], workdays: list[str], source: str
) -> HolidayYear:
    """Store a State Council holiday notice for `year` and put it in force at once."""
    require_role(actor, Role.ADMIN)
    holiday_days = _parse_days(holidays, "holidays")
    workday_days = _parse_days(workdays, "workdays")
    try:  # validate with the rule before anything is written
        calendar.validate_year(year, holiday_days, workday_days, source)
    except RuleError as exc:
        raise ServiceError(exc.code, exc.message_zh, params=exc.params) from exc
    with transaction.atomic():
        row = HolidayYear.objects.filter(year=year).first()
        old = {"holidays": row.holidays, "workdays": row.workdays, "source": row.source} if row else {}
        new = {
            "holidays": [d.isoformat() for d in sorted(holiday_days)],
            "workdays": [d.isoformat() for d in sorted(workday_days)],
            "source": source,
        }
        row, _created = HolidayYear.objects.update_or_create(year=year, defaults={**new, "entered_by": actor})
        audit.record(actor=actor, action=Event.HOLIDAY_YEAR_REGISTERED, obj=row, old=old, new=new)
        transaction.on_commit(load_stored_years)
    return row


# --- reminders ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReminderRun:
    """What one reminders run changed."""

    on_date: date
    created: dict[str, int]
    """New reminders by kind."""
    obsoleted: int
    """Open reminders whose thing is no longer pending (done, decided, deadline passed)."""
    revived: int
    """Obsolete reminders whose thing is pending again (a complaint clock resumed)."""

    @property
    def changed(self) -> bool:
        return bool(self.created or self.obsoleted or self.revived)


def reminders_sync(*, on_date: date | None = None, now: datetime | None = None) -> ReminderRun:
    """Bring the stored reminders in line with what is due on `on_date` (default today), as the system.

    Creates the missing ones in bulk; an open (unread) reminder whose thing is no longer pending
    is marked obsolete and leaves the panel — kept, not deleted, so what was sent stays on record;
    an obsolete one whose thing is pending again is shown again. Read reminders are left alone.
    One audit event with the counts, and none when nothing changed: running it twice is a no-op.
    """
    moment = now or clock.now()
    day = on_date or clock.local_date(moment)
    due = selectors.reminders_due(on_date=day, now=moment)
    wanted = {item.key(user): item for item in due for user in item.recipients}
    with transaction.atomic():
        live = {
            (r.recipient_id, r.kind, r.subject_type, r.subject_id, r.due_on): r
            for r in Reminder.objects.select_for_update().filter(
                Q(read_at__isnull=True, obsolete_at__isnull=True)
                | Q(obsolete_at__isnull=False, recipient_id__in={key[0] for key in wanted})
            )
        }
        existing = set(
            Reminder.objects.filter(recipient_id__in={key[0] for key in wanted}).values_list(
                "recipient_id", "kind", "subject_type", "subject_id", "due_on"
            )
        )
        new = [
            Reminder(
                recipient_id=key[0],
                kind=item.kind,
                subject_type=item.subject_type,
                subject_id=item.subject_id,
                subject_label=item.subject_label,
                url=item.url,
                due_on=item.due_on,
                due_at=item.due_at,
                message=item.message,
                created_at=moment,
            )
            for key, item in wanted.items()
            if key not in existing
        ]
        gone = [r for key, r in live.items() if r.obsolete_at is None and key not in wanted]
        back = [r for key, r in live.items() if r.obsolete_at is not None and key in wanted]
        for reminder in gone:
            reminder.obsolete_at = moment
        for reminder in back:
            reminder.obsolete_at = None
        Reminder.objects.bulk_create(new)
        Reminder.objects.bulk_update([*gone, *back], ["obsolete_at"])
        created: dict[str, int] = {}
        for reminder in new:
            created[reminder.kind] = created.get(reminder.kind, 0) + 1
        run = ReminderRun(
            on_date=day, created=dict(sorted(created.items())), obsoleted=len(gone), revived=len(back)
        )
        if run.changed:
            audit.record(
                actor=None,
                action=Event.REMINDERS_SENT,
                obj=("workbench.reminder", day.isoformat()),
                new={
                    "on_date": day,
                    "created": run.created,
                    "obsoleted": run.obsoleted,
                    "revived": run.revived,
                },
            )
    return run


def reminder_mark_read(*, actor: Actor, reminder_id: int) -> Reminder:
    """Mark one of the actor's own reminders read; anyone else's is not found (404). Personal
    screen state, like a notification: not audited."""
    reminder = (
        Reminder.objects.filter(pk=reminder_id, recipient_id=actor.pk).first()
        if is_authenticated(actor)
        else None
    )
    if reminder is None:
        raise NotFound(Code.REMINDER_NOT_FOUND)
    if reminder.read_at is None:
        reminder.read_at = clock.now()
        reminder.save(update_fields=["read_at"])
    return reminder


def reminders_mark_all_read(*, actor: Actor) -> int:
    """Mark every open reminder of the actor read (全部标为已读), in one UPDATE; how many."""
    if not is_authenticated(actor):
        return 0
    open_ = Reminder.objects.filter(recipient_id=actor.pk, read_at__isnull=True, obsolete_at__isnull=True)
    return open_.update(read_at=clock.now())
