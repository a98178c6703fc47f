"""Drawn experts' answers: accept, decline or recuse; a decline or recusal invites the next in order.

`draw_member_respond` records an answer; a decline invites the next expert in the same order, so
the committee stays replayable from the draw's recorded inputs (`draw_replay`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.permissions import is_authenticated
from opengps.core import clock
from opengps.core.errors import Conflict, ServiceError
from opengps.core.status import status_set
from opengps.experts import drawing
from opengps.experts.errors import Code
from opengps.experts.events import Event
from opengps.experts.models import Draw, DrawMember, MemberStatus
from opengps.experts.services._common import _require_decline_on_behalf, _require_draw_manager
from opengps.rules import lifecycles


def _is_the_expert(actor: Actor, member: DrawMember) -> bool:
    return is_authenticated(actor) and member.expert.user_id == actor.pk


def _lock_member(
    member: DrawMember, *, expected: str, code: str, message: str | Promise
) -> tuple[Draw, DrawMember]:
    """The member's draw locked (answers are serialized per draw) and the member as stored, which
    must still be in the `expected` status; else Conflict `code` (`message` names the status)."""
    draw = Draw.objects.select_for_update().get(pk=member.draw_id)
    locked = DrawMember.objects.select_related("expert").get(pk=member.pk)
    if locked.status != expected:
        raise Conflict(code, message % {"status": locked.get_status_display()})
    return draw, locked


def _member_check(current: str, target: str) -> None:
    lifecycles.check_transition("draw_member", current, target)


def _member_set(
    actor: Actor,
    draw: Draw,
    member: DrawMember,
    target: str,
    *,
    action: str,
    values: Mapping[str, Any],
    substitute: DrawMember | None,
    update: Sequence[str] = (),
    **also: Any,
) -> None:
    """Move the member to `target` by its table, saving `values` (and `update`, set by the caller),
    with the audit event on the draw's timeline naming the member and the substitute it brought in."""
    who = {"member": member.pk, "expert": member.expert_id}
    status_set(
        member,
        target,
        actor=actor,
        action=action,
        check=_member_check,
        values=values,
        update=update,
        on=draw,
        extra_old=who,
        extra={
            **who,
            **also,
            "substitute": substitute.expert_id if substitute else None,
            "substitute_order": substitute.order if substitute else None,
        },
        reason=member.decline_reason,
    )


def draw_member_respond(
    *, actor: Actor, member: DrawMember, accept: bool, no_conflict_confirmed: bool = False, reason: str = ""
) -> tuple[DrawMember, DrawMember | None]:
    """Record a drawn expert's answer, given by the expert or by the draw's manager on their behalf.

    Accepting needs the expert's confirmation of having no conflict (they confirm before seeing
    any bid). Declining needs a reason and invites the next expert of the draw order; returns
    ``(member, substitute)`` — substitute None when accepting or when the pool is used up.
    """
    if not _is_the_expert(actor, member):
        if accept:
            _require_draw_manager(actor, member.draw)
        else:
            _require_decline_on_behalf(actor, member.draw)
    if accept and not no_conflict_confirmed:
        raise ServiceError(Code.DRAW_CONFLICT_NOT_CONFIRMED, field="no_conflict_confirmed")
    if not accept and not reason.strip():
        raise ServiceError(Code.DRAW_REASON_REQUIRED, field="reason")
    with transaction.atomic():
        draw, locked = _lock_member(
            member,
            expected=MemberStatus.INVITED,
            code="draw.already_answered",
            message=_("该专家已答复（%(status)s）"),
        )
        now = clock.now()
        locked.responded_at, locked.responded_by = now, actor
        substitute: DrawMember | None = None
        answered = ["responded_at", "responded_by"]
        if accept:
            _member_set(
                actor,
                draw,
                locked,
                MemberStatus.ACCEPTED,
                action=Event.DRAW_MEMBER_ACCEPTED,
                values={"conflict_confirmed_at": now},
                update=answered,
                substitute=None,
                conflict_confirmed_at=now,
            )
        else:
            locked.decline_reason = reason.strip()
            substitute = _next_substitute(draw)
            _member_set(
                actor,
                draw,
                locked,
                MemberStatus.REPLACED if substitute else MemberStatus.DECLINED,
                action=Event.DRAW_MEMBER_DECLINED,
                values={"replaced_by": substitute},
                update=["decline_reason", *answered],
                substitute=substitute,
                conflict_confirmed_at=locked.conflict_confirmed_at,
            )
    return locked, substitute


def draw_member_recuse(*, actor: Actor, member: DrawMember, reason: str) -> DrawMember | None:
    """An accepted expert declares a conflict at the evaluation (they see the bidders only then).

    The member is marked recused and the next expert of the same draw order is invited, exactly
    as for a decline, so the committee stays replayable from the draw's recorded inputs. Returns
    the substitute (None when the pool is used up). By the expert, or the draw's manager.
    """
    if not _is_the_expert(actor, member):
        _require_decline_on_behalf(actor, member.draw)
    if not reason.strip():
        raise ServiceError(Code.DRAW_REASON_REQUIRED, _("请说明回避原因"), field="reason")
    with transaction.atomic():
        draw, locked = _lock_member(
            member,
            expected=MemberStatus.ACCEPTED,
            code="draw.not_accepted",
            message=_("只有已确认参加的专家可以申请回避（当前：%(status)s）"),
        )
        substitute = _next_substitute(draw)
        locked.decline_reason = reason.strip()
        _member_set(
            actor,
            draw,
            locked,
            MemberStatus.RECUSED,
            action=Event.DRAW_MEMBER_RECUSED,
            values={"replaced_by": substitute},
            update=["decline_reason"],
            substitute=substitute,
        )
    return substitute


def _next_substitute(draw: Draw) -> DrawMember | None:
    """The next expert of the draw order after every member so far (the pool is the snapshot)."""
    taken = list(draw.members.order_by("order").values_list("expert_id", flat=True))
    order = drawing.draw_order(draw.seed, draw.pool)
    if order[: len(taken)] != taken:  # never continue a draw whose record disagrees with its seed
        raise Conflict(Code.DRAW_REPLAY_MISMATCH)
    if len(order) <= len(taken):
        return None
    return DrawMember.objects.create(
        draw=draw, expert_id=order[len(taken)], order=len(taken) + 1, is_substitute=True
    )
