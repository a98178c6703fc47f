"""Experts' conduct, rated by the purchaser (IR §62)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.contracts.kit import require_party
from opengps.core import audit, clock
from opengps.core.errors import Conflict, ServiceError
from opengps.evaluation.models import CommitteeMember
from opengps.performance.errors import Code
from opengps.performance.events import Event
from opengps.performance.models import (
    ExpertConduct,
)
from opengps.rules import performance as rules
from opengps.rules.base import Ruled


def conduct_due(member: CommitteeMember) -> Ruled[date] | None:
    """The rating deadline of a committee member's conduct, once the evaluation has its report."""
    report = getattr(member.evaluation, "report", None)
    if report is None:
        return None
    return rules.expert_conduct_deadline(report.scoring_ended_on)


def expert_conduct_rate(
    *, actor: Actor, member: CommitteeMember, rating: str, note: str = "", today: date | None = None
) -> ExpertConduct:
    """The purchaser rates one evaluation expert's conduct (IR §62), within 5 working days of the
    evaluation; a later rating is still recorded, marked late."""
    procurement = member.evaluation.procurement
    require_party(
        actor,
        Role.PURCHASER,
        procurement.purchaser_id,
        Code.PERM_OTHER_UNIT,
        _("只有该项目的采购人可以评价评审专家"),
    )
    problems = rules.conduct_problems(rating, note)
    if problems:
        raise ServiceError(
            problems[0].code,
            problems[0].message_zh,
            field="rating" if "rating" in problems[0].code else "note",
        )
    due = conduct_due(member)
    if due is None:
        raise Conflict(Code.EXPERT_CONDUCT_EVALUATION_NOT_ENDED, field="member")
    day = today or clock.today()
    with transaction.atomic():
        if ExpertConduct.objects.filter(member=member).exists():
            raise Conflict(Code.EXPERT_CONDUCT_ALREADY_RATED, field="member")
        conduct = ExpertConduct.objects.create(
            member=member,
            rating=rating,
            note=note.strip(),
            due_on=due.value,
            late=day > due.value,
            rated_by=actor,
            rated_on=day,
        )
        audit.record(
            actor=actor,
            action=Event.EXPERT_CONDUCT_RATED,
            obj=member,
            new={
                "evaluation": member.evaluation_id,
                "rating": rating,
                "due_on": due.value,
                "late": conduct.late,
                "citation": due.citation,
            },
            reason=note.strip(),
        )
    return conduct
