"""Reads of the audit trail (auditors' timelines) and of the holiday calendar's coverage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from opengps.accounts import scopes
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role, require_role
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.models import AuditEvent, HolidayYear
from opengps.rules import calendar
from opengps.rules.base import RuleError
from opengps.rules.holiday_notice import ParsedNotice, parse_notice
from opengps.workbench.errors import Code

AUDIT_READERS = (Role.AUDITOR, Role.FINANCE, Role.REGISTRATION, Role.ADMIN)


def _require_reader(actor: Any) -> None:
    if not has_role(actor, *AUDIT_READERS):
        raise PermissionDenied(Code.AUDIT_READ_DENIED)


def _in_scope(actor: Any, object_type: str, object_id: str) -> bool:
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


def audit_timeline(*, actor: Any, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
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
    *, actor: Any, action: str = "", object_type: str = "", limit: int = 100
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


def holiday_notice_preview(*, actor: Any, text: str, year: int | None = None) -> NoticePreview:
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


def holiday_years_entered(*, actor: Any) -> QuerySet[HolidayYear]:
    """The notices administrators have entered, newest year first."""
    require_role(actor, Role.ADMIN)
    return HolidayYear.objects.select_related("entered_by").order_by("-year")
