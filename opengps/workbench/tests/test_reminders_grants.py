"""Reminders of grant agreements: the grantee hears when the mid-term report is overdue (past the
middle of the term, mid-term tranche still waiting) and when the final report is (term ended)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from opengps.core import clock
from opengps.demo import world as builders
from opengps.demo.world import (
    GRANT_DECIDE_ON,
    GRANT_DRAWN_AT,
    GRANT_NOTICE_ON,
    GRANT_REVIEW_ON,
    GRANT_SUBMIT_ON,
    GrantsWorld,
    Users,
    grant_application_values,
)
from opengps.experts.services import draw_member_respond
from opengps.grants import services as grant_services
from opengps.workbench import services
from opengps.workbench.models import Reminder, ReminderKind
from opengps.workbench.selectors import grant_midterm_due

pytestmark = pytest.mark.django_db



def morning(day: date) -> datetime:
    return datetime.combine(day, time(7, 5), tzinfo=clock.BEIJING)


@pytest.fixture
def world(make_user: Users) -> GrantsWorld:
    """The grants tests' world: the funder, its 福彩公益金 line and programme, the audit firm."""
    return builders.grants_world_create(make_user)


@pytest.fixture
def signed(world: GrantsWorld, make_user: Users) -> tuple[Any, Any]:
    """A signed agreement for 2023-07-01 – 2024-06-30 (tranches 50/30/20) and the grantee's member."""
    builders.grant_panel_register(world, make_user)
    round_ = builders.grant_round_create(world)
    _org, member = builders.GrantApplicants(world, make_user)(name="长沙市岳麓区夕阳红社会工作服务中心")
    app = grant_services.application_save(actor=member, round=round_, **grant_application_values())
    app = grant_services.application_submit(actor=member, application=app, today=GRANT_SUBMIT_ON)
    grant_services.round_review_start(actor=world.funder, round=round_, today=GRANT_REVIEW_ON)
    round_ = grant_services.panel_draw(actor=world.funder, round=round_, needed=3, drawn_at=GRANT_DRAWN_AT)
    assert round_.draw is not None
    members = list(round_.draw.members.select_related("expert__user").order_by("order"))
    experts = [m.expert.user for m in members if m.expert.user is not None]
    assert len(experts) == len(members)  # every expert of the panel has an account
    for m, user in zip(members, experts, strict=True):
        draw_member_respond(actor=user, member=m, accept=True, no_conflict_confirmed=True)
    for user in experts:
        grant_services.score_submit(
            actor=user,
            application=app,
            scores={"need": Decimal(27), "design": Decimal(36), "capacity": Decimal(27)},
        )
    grant_services.round_rank(actor=world.funder, round=round_)
    grant_services.notice_publish(actor=world.funder, round=round_, today=GRANT_NOTICE_ON)
    grant_services.round_decide(actor=world.funder, round=round_, today=GRANT_DECIDE_ON)
    app.refresh_from_db()
    agreement = grant_services.agreement_sign(
        actor=world.funder, application=app, signed_on=date(2023, 6, 20)
    )
    return agreement, member


def test_the_grantee_is_reminded_of_overdue_mid_term_and_final_reports(
    signed: tuple[Any, Any], world: GrantsWorld, clock_at: Callable[..., None]
) -> None:
    agreement, member = signed
    midterm = grant_midterm_due(agreement)
    assert midterm == date(2023, 12, 30)
    # given: the middle of the term has not passed yet; then nothing is due
    clock_at(morning(midterm))
    assert not services.reminders_sync().changed
    # when: the day after it, the run reminds the grantee's member (only them) of the mid-term report
    clock_at(morning(date(2023, 12, 31)))
    assert services.reminders_sync().created == {"grant_midterm_overdue": 1}
    reminder = Reminder.objects.get()
    assert (reminder.recipient, reminder.kind, reminder.due_on) == (
        member,
        ReminderKind.GRANT_MIDTERM_OVERDUE,
        midterm,
    )
    assert (
        reminder.url == f"/grants/agreements/{agreement.pk}/" and agreement.number in reminder.subject_label
    )
    # when: the funder records the mid-term review; then the reminder is retired
    clock_at(morning(date(2024, 1, 10)))
    grant_services.midterm_review_record(
        actor=world.funder,
        agreement=agreement,
        passed=True,
        findings="进度正常",
        reviewed_on=date(2024, 1, 10),
    )
    run = services.reminders_sync()
    assert run.obsoleted == 1 and run.created == {}
    # when: the term ends without the final review; then the final report is overdue
    clock_at(morning(date(2024, 7, 1)))
    assert services.reminders_sync().created == {"grant_final_overdue": 1}
    final = Reminder.objects.get(obsolete_at__isnull=True)
    assert (final.recipient, final.kind, final.due_on) == (
        member,
        ReminderKind.GRANT_FINAL_OVERDUE,
        agreement.ends_on,
    )
