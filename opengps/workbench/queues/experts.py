"""The queues of an evaluation expert: invitations to answer and committees to score."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from opengps.accounts.actors import Actor
from opengps.evaluation.models import CommitteeMember, EvaluationStatus, MemberState
from opengps.experts.models import DrawMember, MemberStatus
from opengps.workbench.queues._base import (
    Context,
    Found,
    QueueItem,
    _bounded,
    _day,
)

# --- experts -------------------------------------------------------------------------------------


def _invitations(actor: Actor, ctx: Context, limit: int) -> Found:
    """Draws that invited the expert and wait for an answer (the project stays unnamed until the
    expert accepts: `experts.selectors.expert_invitations`)."""
    qs = (
        DrawMember.objects.filter(expert__user_id=actor.pk, status=MemberStatus.INVITED)
        .select_related("draw")
        .order_by("draw__drawn_at", "pk")
    )
    rows, count = _bounded(qs, limit)
    return [
        QueueItem(
            state=_("待答复"),
            title=_("评审邀请（抽取于 %(when)s）") % {"when": _day(m.draw.drawn_at)},
            action=_("答复邀请"),
            url=reverse("experts:invitations"),
        )
        for m in rows
    ], count


def _to_score(actor: Actor, ctx: Context, limit: int) -> Found:
    """The expert's committees still at work: confirm no conflict, score, confirm the report."""
    qs = (
        CommitteeMember.objects.filter(user=actor)
        .exclude(state=MemberState.RECUSED)
        .filter(
            Q(evaluation__status=EvaluationStatus.REVIEWING, scores_submitted_at__isnull=True)
            | Q(evaluation__status=EvaluationStatus.REPORTED, report_confirmed_at__isnull=True)
        )
        .select_related("evaluation__procurement__purchaser")
        .order_by("evaluation__started_at", "pk")
    )
    rows, count = _bounded(qs, limit)
    items = []
    for m in rows:
        procurement = m.evaluation.procurement
        if m.evaluation.status == EvaluationStatus.REPORTED:
            state, action = _("评审报告待确认"), _("确认评审报告")
        elif m.state == MemberState.PENDING:
            state, action = _("待确认无回避情形"), _("确认并评审")
        else:
            state, action = _("待评分"), _("评分")
        items.append(
            QueueItem(
                state=state,
                title=f"{procurement.reference} {procurement.title}（{procurement.purchaser}）",
                action=action,
                url=reverse("evaluation:detail", kwargs={"pk": procurement.pk}),
                note=_("评审开始于 %(when)s") % {"when": _day(m.evaluation.started_at)},
            )
        )
    return items, count
