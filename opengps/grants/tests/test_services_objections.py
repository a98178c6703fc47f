"""Who may object to a proposed list, what they must give, and what may be named."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.demo.world import (
    GRANT_DECIDE_ON,
    GRANT_NOTICE_ON,
    GRANT_SUBMIT_ON,
    GrantsWorld,
    grant_application_values,
)
from opengps.grants import services
from opengps.grants.models import ApplicationStatus, ObjectionStatus
from opengps.grants.tests.test_views_funder import _on_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(
    world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any], panel_experts: list[Any]
) -> tuple[Any, Any, Any, Any]:
    return _on_notice(world, make_round, make_org)


@pytest.mark.parametrize(
    ("name", "contact", "text", "code", "field"),
    [
        ("", "13800001111", "异议", "grants.filer_name_required", "filer_name"),
        ("李明", " ", "异议", "grants.filer_contact_required", "filer_contact"),
        ("李" * 101, "13800001111", "异议", "grants.filer_too_long", "filer_name"),
        ("李明", "13800001111", "  ", "grants.objection_text_required", "text"),
        ("李明", "13800001111", "异" * 5001, "grants.objection_text_too_long", "text"),
    ],
)
def test_an_anonymous_objection_needs_a_name_a_contact_and_reasons(
    notice: tuple[Any, Any, Any, Any], name: str, contact: str, text: str, code: str, field: str
) -> None:
    round_, app, _member, _low = notice
    with pytest.raises(ServiceError) as error:
        services.objection_file(
            actor=AnonymousUser(),
            round=round_,
            application=app,
            filer_name=name,
            filer_contact=contact,
            text=text,
            today=GRANT_NOTICE_ON,
        )
    assert (error.value.code, error.value.field) == (code, field)
    assert not round_.objections.exists()


def test_who_may_object_and_what_may_be_named(
    notice: tuple[Any, Any, Any, Any],
    world: GrantsWorld,
    make_org: Callable[..., Any],
    make_round: Callable[..., Any],
) -> None:
    round_, app, member, _low = notice
    # auditors never write; the funder's staff decide objections, so they cannot file one
    for actor, code in ((world.auditor, "perm.denied"), (world.funder, "grants.funder_cannot_object")):
        with pytest.raises(PermissionDenied) as refused:
            services.objection_file(
                actor=actor, round=round_, application=app, text="异议", today=GRANT_NOTICE_ON
            )
        assert refused.value.code == code
    # a project of another round, or one not on the list, cannot be named
    other_round = make_round(title="另一批次")
    _org, other_member = make_org()
    other = services.application_save(actor=other_member, round=other_round, **grant_application_values())
    with pytest.raises(ServiceError) as elsewhere:
        services.objection_file(
            actor=None,
            round=round_,
            application=other,
            filer_name="甲",
            filer_contact="1",
            text="x",
            today=GRANT_NOTICE_ON,
        )
    assert elsewhere.value.code == "grants.application_other_round"
    _org, late_member = make_org()
    late = services.application_save(actor=late_member, round=other_round, **grant_application_values())
    late = services.application_submit(actor=late_member, application=late, today=GRANT_SUBMIT_ON)
    late.round_id = round_.pk  # a stale object naming this round: the stored record decides
    with pytest.raises(ServiceError):
        services.objection_file(
            actor=None,
            round=round_,
            application=late,
            filer_name="甲",
            filer_contact="1",
            text="x",
            today=GRANT_NOTICE_ON,
        )
    # a signed-in organization member's name and account stand in when left blank
    item = services.objection_file(
        actor=member, round=round_, application=app, text="评分有误", today=GRANT_NOTICE_ON
    )
    assert (
        item.filed_by == member and item.filer_name == str(member) and member.username in item.filer_contact
    )
    event = AuditEvent.objects.filter(action="grant_objection.filed").latest("seq")
    assert event.new_values["anonymous"] is False and "filer_contact" not in event.new_values
    # and after the period nobody can object
    with pytest.raises(Conflict) as over:
        services.objection_file(actor=member, round=round_, text="迟到的异议", today=GRANT_DECIDE_ON)
    assert over.value.code == "grants.objection_period_over"


def test_only_a_listed_project_can_be_named_and_an_upheld_objection_ends_the_notice(
    notice: tuple[Any, Any, Any, Any], world: GrantsWorld
) -> None:
    round_, app, _member, low = notice
    # a screened-out application of the same round is not on the list
    assert low.status == ApplicationStatus.SCREENED_OUT
    with pytest.raises(ServiceError) as unlisted:
        services.objection_file(
            actor=None,
            round=round_,
            application=low,
            filer_name="甲",
            filer_contact="1",
            text="x",
            today=GRANT_NOTICE_ON,
        )
    assert (unlisted.value.code, unlisted.value.field) == ("grants.application_not_listed", "application")
    # an objection naming the listed project, upheld, disqualifies it and ends the notice
    first = services.objection_file(
        actor=None,
        round=round_,
        application=app,
        filer_name="甲",
        filer_contact="1",
        text="造假",
        today=GRANT_NOTICE_ON,
    )
    first = services.objection_decide(
        actor=world.funder, objection=first, upheld=True, decision="属实", today=GRANT_NOTICE_ON
    )
    app.refresh_from_db()
    assert (first.status, app.status) == (ObjectionStatus.UPHELD, ApplicationStatus.DISQUALIFIED)
    round_.refresh_from_db()
    assert not services.objection_window_open(round_, today=GRANT_NOTICE_ON)
    with pytest.raises(Conflict):
        services.objection_file(
            actor=None, round=round_, filer_name="乙", filer_contact="2", text="x", today=date(2023, 5, 26)
        )
