"""Reminders: the daily run finds what is due across procurement, contracts and complaints, sends
each to the right users once, retires what is no longer pending, runs once a day on the schedule,
and each user sees and marks read only their own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.accounts.services import unit_create, user_create
from opengps.challenges import services as challenge_services
from opengps.contracts import services as contract_services
from opengps.contracts.models import Contract
from opengps.core import clock, tasks
from opengps.core.models import AuditEvent, ScheduledRun
from opengps.demo.world import announce_times, real_now
from opengps.procurement import services as procurement_services
from opengps.procurement.models import Procurement
from opengps.rules import calendar
from opengps.workbench import services
from opengps.workbench.models import Reminder, ReminderKind

pytestmark = pytest.mark.django_db

# the world's contracts stage (`opengps.demo.fixtures`): an open tender opened with three bids,
# evaluated and awarded, on the real clock


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """Reminders count from today; see the root conftest's `next_year_calendar`."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Autouse here: eligibility is read through the registry's per-process caches."""


def morning(day: date, at: time = time(7, 5)) -> datetime:
    """`day` at `at` Beijing time (the schedule's "at" is Beijing time)."""
    return datetime.combine(day, at, tzinfo=clock.BEIJING)


def sent(**filters: Any) -> set[tuple[str, str, str, date]]:
    """(recipient, kind, subject, due date) of the stored reminders."""
    return {
        (r.recipient.username, r.kind, f"{r.subject_type}:{r.subject_id}", r.due_on)
        for r in Reminder.objects.filter(**filters).select_related("recipient")
    }


def runs() -> list[dict[str, Any]]:
    return list(
        AuditEvent.objects.filter(action="reminders.sent")
        .order_by("seq")
        .values_list("new_values", flat=True)
    )


def announce(
    purchaser: Any, make_plan: Callable[..., Any], ahead: timedelta, agency: Any = None
) -> Procurement:
    """An open tender announced 40 days ago whose bid deadline (the opening) is `ahead` of now."""
    procurement = procurement_services.procurement_create(
        actor=purchaser, plan=make_plan("open_tender"), documents="招标文件", agency=agency
    )
    issued, deadline = announce_times(ahead=ahead)
    return procurement_services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )


@pytest.fixture
def soon(purchaser: Any, make_plan: Callable[..., Any], agency_unit: Any, agency: Any) -> Procurement:
    """Entrusted to the agency; bids close (and open) tomorrow at 17:00 Beijing time, so still
    ahead at tomorrow morning's run, whatever the hour the suite runs."""
    now = real_now()
    tomorrow_at_five = datetime.combine(clock.local_date(now) + timedelta(days=1), time(17), clock.BEIJING)
    return announce(purchaser, make_plan, tomorrow_at_five - now, agency=agency_unit)


@pytest.fixture
def running(purchaser: Any, make_contract: Callable[..., Contract]) -> Contract:
    """A published contract that started 60 days ago: its day-30 progress report is due and missing."""
    contract = make_contract()
    contract_services.contract_sign(actor=purchaser, contract=contract)
    return contract_services.contract_publish(actor=purchaser, contract=contract)


def complain(opened: Procurement, suppliers: list[Any], purchaser: Any) -> Any:
    challenge = challenge_services.challenge_file(
        actor=suppliers[1], procurement=opened, subject="process", text="开标时未当场公布报价"
    )
    challenge_services.challenge_answer(actor=purchaser, challenge=challenge, answer="已当场唱标，质疑不成立")
    return challenge_services.complaint_file(actor=suppliers[1], challenge=challenge, text="对答复不满意")


def test_the_daily_run_reminds_each_party_once_of_what_is_due(
    purchaser: Any,
    head: Any,
    agency: Any,
    winner_user: Any,
    soon: Procurement,
    running: Contract,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    clock_at: Callable[..., None],
) -> None:
    # given: bids close tomorrow on `soon`, in three weeks on `far`; the contract has an overdue
    # milestone, a milestone not yet due and its day-30 report missing; a complaint was just filed
    far = announce(purchaser, make_plan, timedelta(days=21))
    late = contract_services.milestone_add(
        actor=purchaser, contract=running, title="完成需求评估", due_on=running.starts_on + timedelta(days=20)
    )
    contract_services.milestone_add(
        actor=purchaser,
        contract=running,
        title="中期服务总结",
        due_on=running.starts_on + timedelta(days=120),
    )
    complaint = complain(running.procurement, suppliers, purchaser)
    today = clock.today()
    # when: the daily task runs at 07:05 today
    clock_at(morning(today))
    created = services.reminders_sync()
    # then: the purchaser's staff and the agency hear of `soon`; both contract parties of the
    # milestone and the report; nobody of `far` or the complaint (due in about six weeks)
    assert soon.bid_deadline is not None
    deadline_day = clock.local_date(soon.bid_deadline)
    report_due = running.starts_on + timedelta(days=30)
    expected = {
        *{
            (u.username, ReminderKind.BID_DEADLINE, f"procurement.procurement:{soon.pk}", deadline_day)
            for u in (purchaser, head, agency)
        },
        *{
            (u.username, ReminderKind.MILESTONE_OVERDUE, f"contracts.milestone:{late.pk}", late.due_on)
            for u in (purchaser, head, winner_user)
        },
        *{
            (u.username, ReminderKind.REPORT_OVERDUE, f"contracts.contract:{running.pk}", report_due)
            for u in (purchaser, head, winner_user)
        },
    }
    assert sent() == expected
    assert created.created == {"bid_deadline": 3, "milestone_overdue": 3, "report_overdue": 3}
    assert not Reminder.objects.filter(
        subject_id__in=[str(far.pk), str(complaint.pk)], kind__in=["bid_deadline", "complaint_decision_due"]
    ).exists()
    reminder = Reminder.objects.get(recipient=winner_user, kind=ReminderKind.MILESTONE_OVERDUE)
    assert reminder.message == "完成需求评估" and reminder.url == f"/contracts/{running.pk}/"
    assert reminder.created_at.date() == clock.now().date() and reminder.read_at is None
    assert runs() == [
        {
            "on_date": today.isoformat(),
            "created": {"bid_deadline": 3, "milestone_overdue": 3, "report_overdue": 3},
            "obsoleted": 0,
            "revived": 0,
        }
    ]
    # when: it runs again the same day (a retry, a second worker): nothing new, no event
    again = services.reminders_sync()
    assert not again.changed and Reminder.objects.count() == 9 and len(runs()) == 1
    # when: the milestone is done; then the next run retires its reminders (kept, off the panel)
    contract_services.milestone_complete(actor=purchaser, milestone=late)
    later = services.reminders_sync()
    assert later.obsoleted == 3 and later.created == {}
    assert sent(obsolete_at__isnull=True) == {r for r in expected if r[1] != ReminderKind.MILESTONE_OVERDUE}
    assert Reminder.objects.count() == 9 and runs()[-1]["obsoleted"] == 3


def test_complaint_decisions_due_within_three_working_days_go_to_the_nearest_finance_department(
    opened: Procurement,
    suppliers: list[Any],
    purchaser: Any,
    finance: Any,
    units: dict[str, Any],
    make_user: Callable[..., Any],
    clock_at: Callable[..., None],
) -> None:
    # given: a complaint to the provincial purchaser's finance department (the province's), a second
    # provincial finance official, and Changsha's finance bureau (it does not supervise the province)
    complaint = complain(opened, suppliers, purchaser)
    admin = make_user("admin", unit=None)
    colleague = make_user("finance", unit="finance")
    changsha = unit_create(actor=admin, name="长沙市财政局", kind="finance", region=units["cs_civil"].region)
    user_create(actor=admin, username="finance-cs", password="x-test-123", role="finance", unit=changsha)
    due = complaint.decision_due
    # when: the run four working days before the decision is due, then three
    clock_at(morning(calendar.add_working_days(due, -4)))
    assert services.reminders_sync().created == {}
    clock_at(morning(calendar.add_working_days(due, -3)))
    run = services.reminders_sync()
    # then: both provincial finance officials are reminded, Changsha's bureau is not
    assert run.created == {"complaint_decision_due": 2}
    assert sent() == {
        (u.username, ReminderKind.COMPLAINT_DECISION_DUE, f"challenges.complaint:{complaint.pk}", due)
        for u in (finance, colleague)
    }
    assert Reminder.objects.filter(url=f"/challenges/{opened.pk}/").count() == 2
    # when: finance decides; then the reminders are retired on the next run
    challenge_services.complaint_decide(
        actor=finance, complaint=complaint, upheld=False, text="投诉缺乏事实依据，驳回"
    )
    assert services.reminders_sync().obsoleted == 2
    assert not Reminder.objects.filter(obsolete_at__isnull=True).exists()


def test_the_schedule_runs_the_reminders_once_a_day_however_many_workers_tick(
    soon: Procurement, clock_at: Callable[..., None]
) -> None:
    # given: the platform schedule (workbench.reminders at 07:00 Beijing time)
    today = clock.today()
    # when: before 07:00 nothing is due; at 07:05 two workers tick, then the queue runs
    assert "workbench.reminders" not in tasks.tick(now=morning(today, time(6, 55)))
    clock_at(morning(today))
    assert "workbench.reminders" in tasks.tick(now=morning(today))
    assert "workbench.reminders" not in tasks.tick(now=morning(today, time(7, 6)))
    tasks.run_ready()
    # then: one run today, the three reminders of `soon` sent
    assert ScheduledRun.objects.filter(name="workbench.reminders").count() == 1
    assert Reminder.objects.count() == 3 and len(runs()) == 1
    # when: the evening tick, then the next morning's (bids now close today)
    assert "workbench.reminders" not in tasks.tick(now=morning(today, time(20, 0)))
    tomorrow = today + timedelta(days=1)
    clock_at(morning(tomorrow))
    assert "workbench.reminders" in tasks.tick(now=morning(tomorrow))
    tasks.run_ready()
    # then: a second run, nothing new to send (the same deadline), so no second event
    assert ScheduledRun.objects.filter(name="workbench.reminders").count() == 2
    assert Reminder.objects.count() == 3 and len(runs()) == 1


def test_each_user_sees_and_marks_read_only_their_own_reminders(
    soon: Procurement, purchaser: Any, head: Any, make_user: Callable[..., Any], clock_at: Callable[..., None]
) -> None:
    # given: the day's run reminded the purchaser and the head of `soon`
    clock_at(morning(clock.today()))
    services.reminders_sync()
    mine = Reminder.objects.get(recipient=purchaser)
    theirs = Reminder.objects.get(recipient=head)
    client = Client()
    client.force_login(purchaser)
    # then: the home page's panel lists it with its link and the button, the top bar counts it
    page = client.get("/").content.decode()
    assert 'id="reminders"' in page and "投标截止及开标临近" in page and soon.reference in page
    assert f'href="/procurement/{soon.pk}/"' in page
    assert reverse("workbench:reminder-read", args=[mine.pk]) in page and "标为已读" in page
    assert 'class="badge reminder-count"' in page
    # when: the purchaser tries to mark the head's reminder, or uses GET: refused, nothing changes
    assert client.post(reverse("workbench:reminder-read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("workbench:reminder-read", args=[999999])).status_code == 404
    assert client.get(reverse("workbench:reminder-read", args=[mine.pk])).status_code == 405
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # when: the purchaser marks their own
    response = client.post(reverse("workbench:reminder-read", args=[mine.pk]))
    # then: back to the panel, which is empty now, and no badge
    assert response.status_code == 302 and response["Location"] == "/#reminders"
    mine.refresh_from_db()
    assert mine.read_at is not None
    page = client.get("/").content.decode()
    assert "暂无待办提醒" in page and 'class="badge reminder-count"' not in page
    # a second run does not bring a read reminder back
    assert not services.reminders_sync().changed
    # an anonymous visitor is sent to sign in; their home page has no panel
    anonymous = Client()
    assert anonymous.post(reverse("workbench:reminder-read", args=[theirs.pk])).status_code == 302
    assert 'id="reminders"' not in anonymous.get("/").content.decode()


def test_the_english_panel(soon: Procurement, purchaser: Any, clock_at: Callable[..., None]) -> None:
    clock_at(morning(clock.today()))
    services.reminders_sync()
    client = Client()
    client.force_login(purchaser)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Reminders" in page and "Mark as read" in page and "Bid deadline and opening approaching" in page


def test_the_horizon_skips_weekends_when_a_year_has_no_holiday_notice() -> None:
    from opengps.workbench.selectors import working_day_horizon

    year = max(calendar.known_years()) + 5
    friday = next(date(year, 3, d) for d in range(1, 8) if date(year, 3, d).weekday() == 4)
    assert working_day_horizon(friday, 2) == friday + timedelta(days=4)
    assert working_day_horizon(date(2026, 9, 30), 2) == calendar.add_working_days(date(2026, 9, 30), 2)
