"""What every queue is made of: the item, the queue, the moment, the limits, and the helpers that
format dates, people, amounts and deadlines (labels and names, never codes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import User
from opengps.contracts.models import Contract
from opengps.contracts.selectors import (
    late_items,
)
from opengps.core import clock
from opengps.core.models import AuditEvent
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


def due_item(
    *, state: str, title: str, action: str, url: str, due: date, today: date, overdue: bool | None = None
) -> QueueItem:
    """An item with a deadline: noted with its date (and the days past it), sorted by it, and
    overdue once past — unless `overdue` says so already (a late item found by its kind)."""
    return QueueItem(
        state=state,
        title=title,
        action=action,
        url=url,
        note=_due_note(due, today),
        due=due,
        overdue=due < today if overdue is None else overdue,
    )


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


def _late(contracts: QuerySet[Contract], ctx: Context, *, purchaser: bool) -> list[QueueItem]:
    actions = {
        "sign": (_("签订合同"), _("签订合同")),
        "publish": (_("公告合同"), _("公告合同")),
        "milestone": (_("督促履约"), _("报告进展")),
        "report": (_("督促报送"), _("报送履约报告")),
        "payment": (_("支付款项"), _("查看")),
    }
    return [
        due_item(
            state=_("已逾期") + "：" + item.label,
            title=f"{item.contract.reference} {item.contract.title}",
            action=actions[item.kind][0 if purchaser else 1],
            url=reverse("contracts:detail", kwargs={"contract_id": item.contract.pk}),
            due=item.due_on,
            today=ctx.today,
            overdue=True,
        )
        for item in late_items(Contract.objects.filter(pk__in=[c.pk for c in contracts]), ctx.today)
        if purchaser or item.kind in {"milestone", "report"}
    ]
