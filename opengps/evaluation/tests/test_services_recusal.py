"""A member who recuses at the evaluation is replaced by the next expert of the same replayable draw."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.evaluation import services
from opengps.evaluation.models import MemberState
from opengps.experts.models import MemberStatus
from opengps.experts.services import draw_member_recuse, draw_member_respond, draw_verify
from opengps.procurement.models import Procurement

pytestmark = pytest.mark.django_db

FACTORS = [services.FactorInput("tech", "服务方案", Decimal("70"))]


def _actions(obj_type: str, obj_id: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj_type, object_id=str(obj_id))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_recusal_draws_the_next_expert_who_joins_and_the_draw_still_replays(
    purchaser: Any, opened: Procurement, committee: Any
) -> None:
    # given an evaluation with the five accepted experts of a draw over seven
    evaluation = services.evaluation_start(
        actor=purchaser, procurement=opened, draw=committee, factors=FACTORS, price_weight="0.30"
    )
    recusing = committee.users[2]
    # when one member, having seen the bidders, declares a conflict
    services.member_confirm_no_conflict(
        actor=recusing, evaluation=evaluation, no_conflict=False, reason="曾在投标人处兼职"
    )
    # then the draw continues down its order: the sixth expert is invited, and the record replays
    members = list(committee.members.order_by("order"))
    assert [m.status for m in members] == [
        MemberStatus.ACCEPTED,
        MemberStatus.ACCEPTED,
        MemberStatus.RECUSED,
        MemberStatus.ACCEPTED,
        MemberStatus.ACCEPTED,
        MemberStatus.INVITED,
    ]
    substitute = members[5]
    assert members[2].replaced_by_id == substitute.pk and substitute.is_substitute
    assert draw_verify(committee).ok
    # nobody can be seated before the substitute accepts
    with pytest.raises(ServiceError) as error:
        services.committee_substitute_join(actor=purchaser, evaluation=evaluation)
    assert error.value.code == "evaluation.no_substitute"
    # when the substitute accepts and the purchaser seats them (through the API)
    draw_member_respond(
        actor=substitute.expert.user, member=substitute, accept=True, no_conflict_confirmed=True
    )
    client = Client()
    client.force_login(purchaser)
    response = client.post(f"/api/v1/evaluation/{opened.pk}/substitutes", content_type="application/json")
    assert response.status_code == 200, response.content
    # then the committee has five active members again, the newcomer pending their own confirmation
    states = dict(evaluation.members.values_list("user_id", "state"))
    assert states[recusing.pk] == MemberState.RECUSED
    assert states[substitute.expert.user_id] == MemberState.PENDING
    assert sum(1 for s in states.values() if s != MemberState.RECUSED) == 5
    assert _actions("procurement.procurement", opened.pk)[-3:] == [
        "procurement.evaluation_started",
        "evaluation.member_recused",
        "evaluation.substitute_joined",
    ]
    assert _actions("experts.draw", committee.pk)[-2:] == ["draw.member_recused", "draw.member_accepted"]
    assert draw_verify(committee).ok


def test_only_an_accepted_member_may_recuse_and_with_a_reason(
    purchaser: Any, opened: Procurement, committee: Any
) -> None:
    member = committee.members.order_by("order").first()
    expert = member.expert.user
    # the purchaser may not recuse an expert on their behalf: that would reshape the random draw
    with pytest.raises(PermissionDenied) as denied:
        draw_member_recuse(actor=purchaser, member=member, reason="与投标人存在利害关系")
    assert denied.value.code == "draw.decline_not_yours"
    with pytest.raises(ServiceError) as error:
        draw_member_recuse(actor=expert, member=member, reason=" ")
    assert error.value.code == "draw.reason_required"
    draw_member_recuse(actor=expert, member=member, reason="与投标人存在利害关系")
    with pytest.raises(Conflict) as conflict:
        draw_member_recuse(actor=expert, member=member, reason="再次")
    assert conflict.value.code == "draw.not_accepted"
