"""Helpers shared by the evaluation services: members, statuses, numbers, deadlines, outcomes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.status import status_move
from opengps.evaluation.errors import Code
from opengps.evaluation.models import CommitteeMember, Evaluation, MemberState
from opengps.procurement.models import BidReadout, Notification, Procurement
from opengps.procurement.policies import mark_failed, rule_error
from opengps.rules import lifecycles
from opengps.rules.base import Ruled, RuleError

HUNDRED = Decimal(100)
NEXT_STEPS_AFTER_FAILURE = ["retender", "change_method"]


def _deadline(rule: Callable[[date], Ruled[date]], day: date) -> Ruled[date]:
    """A statutory deadline; a year without holiday data is a refusal, not a crash."""
    try:
        return rule(day)
    except RuleError as exc:
        raise rule_error(exc) from None


def _decimal(value: Any, *, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(Code.EVALUATION_NUMBER_INVALID, field=field) from None
    if not number.is_finite():
        raise ServiceError(Code.EVALUATION_NUMBER_INVALID, field=field)
    return number


def _member_of(actor: Actor, evaluation: Evaluation) -> CommitteeMember:
    require_role(actor, Role.EXPERT)
    member = CommitteeMember.objects.filter(evaluation=evaluation, user=actor).first()
    if member is None:
        raise PermissionDenied(Code.EVALUATION_NOT_MEMBER)
    return member


def _confirmed_member(actor: Actor, evaluation: Evaluation) -> CommitteeMember:
    member = _member_of(actor, evaluation)
    if member.state != MemberState.CONFIRMED:
        raise PermissionDenied(Code.EVALUATION_CONFLICT_NOT_CONFIRMED)
    return member


EVALUATION_STATE_REFUSED = _("评审当前状态（%(status)s）不能执行此操作")
"""The refusal of an action the evaluation's status does not allow."""


def _evaluation_check(current: str, target: str) -> None:
    lifecycles.check_transition("evaluation", current, target)


def _require_evaluation_status(evaluation: Evaluation, *statuses: str) -> None:
    if evaluation.status not in statuses:
        raise Conflict(
            Code.EVALUATION_WRONG_STATUS,
            EVALUATION_STATE_REFUSED % {"status": evaluation.get_status_display()},
            params={"status": evaluation.status},
        )


def _evaluation_move(evaluation: Evaluation, target: str) -> None:
    """Move the evaluation to `target` by its table and save it. Its audit event is the
    procurement's in the same transaction (report built, procurement failed or evaluated), so
    this is `core.status.status_move`, not `status_set`."""
    status_move(evaluation, target, check=_evaluation_check, message=EVALUATION_STATE_REFUSED)
    evaluation.save(update_fields=["status"])


def _fail_procurement(actor: Actor, procurement: Procurement, *, reason: str, cause: str) -> None:
    """The procurement fails at evaluation (O87 §65, O110 §27): it may be re-tendered or change method."""
    mark_failed(actor, procurement, reason=reason, cause=cause, next_steps=NEXT_STEPS_AFTER_FAILURE)


def _notify_bidders(
    procurement: Procurement,
    *,
    chosen: set[int],
    chosen_title: str,
    other_title: str,
    body: str,
) -> None:
    """Notify everyone who submitted a bid: a notice to the `chosen` organizations, the result to
    the others (each title has a ``%(ref)s`` for the procurement's reference)."""
    submitters = BidReadout.objects.filter(opening__procurement=procurement).values_list(
        "submission__versions__submitted_by_id", "organization_id"
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                procurement=procurement,
                kind="award_notice" if org_id in chosen else "award_result",
                title=(chosen_title if org_id in chosen else other_title) % {"ref": procurement.reference},
                body=body,
            )
            for user_id, org_id in sorted(set(submitters))
        ]
    )
