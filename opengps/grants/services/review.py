"""The review of a round: opening it after the call, the expert panel, score sheets, pitches and the ranking
within the fund limit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.money import FEN
from opengps.experts.facts import bidders_from_organizations
from opengps.experts.models import DrawMember, MemberStatus
from opengps.experts.services import draw_create
from opengps.grants.errors import Code
from opengps.grants.events import Event
from opengps.grants.models import (
    Application,
    ApplicationStatus,
    PitchSession,
    ReviewScore,
    Round,
    RoundStatus,
)
from opengps.grants.services._common import (
    PANEL_METHOD,
    _locked_application,
    _locked_round,
    _refuse,
    _require_funder,
    _round_status,
    _transition,
)
from opengps.registry.models import Organization
from opengps.rules import grants as rules
from opengps.rules.scoring import Candidate, Ranking, combine_member_scores, rank


def round_criteria(round_: Round) -> tuple[rules.Criterion, ...]:
    return tuple(rules.Criterion(c["code"], c["name"], int(c["weight"])) for c in round_.criteria)


def round_review_start(*, actor: Actor, round: Round, today: date | None = None) -> Round:
    """After the call has closed, the round goes to review."""
    _require_funder(actor, round)
    on_date = today or clock.today()
    with transaction.atomic():
        locked = _locked_round(round)
        if rules.call_state(locked.call_opens, locked.call_closes, on_date) != "closed":
            raise Conflict(Code.GRANTS_CALL_STILL_OPEN, field="status", params={"closes": locked.call_closes})
        eligible = locked.applications.filter(status=ApplicationStatus.ELIGIBLE).count()
        return _round_status(
            actor, locked, RoundStatus.REVIEWING, Event.GRANT_ROUND_REVIEW_STARTED, eligible=eligible
        )


def panel_draw(*, actor: Actor, round: Round, needed: int = 5, drawn_at: datetime | None = None) -> Round:
    """Draw the expert panel at random through `experts.draw_create` (method 竞争性磋商: ≥3, odd).

    The applicants under review are the "bidders" checked for avoidance (回避).
    """
    _require_funder(actor, round)
    with transaction.atomic():
        locked = _locked_round(round)
        if locked.status != RoundStatus.REVIEWING:
            raise Conflict(Code.GRANTS_NOT_REVIEWING, field="status")
        if locked.draw_id is not None:
            raise Conflict(Code.GRANTS_PANEL_EXISTS, field="draw")
        organizations = Organization.objects.filter(
            grant_applications__round=locked, grant_applications__status=ApplicationStatus.ELIGIBLE
        ).order_by("pk")
        draw = draw_create(
            actor=actor,
            procurement_ref=f"grant-round-{locked.pk}",
            title=locked.title,
            purchaser_unit=locked.programme.funder_unit,
            category=locked.expert_category,
            method=PANEL_METHOD,
            budget=locked.total_amount,
            needed=needed,
            bidders=bidders_from_organizations(organizations),
            drawn_at=drawn_at,
        )
        locked.draw = draw
        locked.save(update_fields=["draw"])
        audit.record(
            actor=actor,
            action=Event.GRANT_ROUND_PANEL_DRAWN,
            obj=locked,
            new={"draw": draw.pk, "needed": needed, "method": str(PANEL_METHOD)},
        )
    return locked


def panel_members(round_: Round) -> list[DrawMember]:
    """The experts who accepted to sit on the round's panel (read from the database, so a stale
    round object never hides a panel drawn since)."""
    return list(
        DrawMember.objects.filter(draw__grant_round=round_.pk, status=MemberStatus.ACCEPTED)
        .select_related("expert")
        .order_by("order")
    )


def _member_of(actor: Actor, round_: Round) -> DrawMember:
    require_role(actor, Role.EXPERT)
    member = next((m for m in panel_members(round_) if m.expert.user_id == actor.pk), None)
    if member is None:
        raise PermissionDenied(Code.GRANTS_NOT_ON_PANEL)
    return member


def score_submit(
    *, actor: Actor, application: Application, scores: Mapping[str, Decimal | str], comment: str = ""
) -> ReviewScore:
    """A panel member scores one application on every criterion, independently and once."""
    app = Application.objects.select_related("round__programme").get(pk=application.pk)
    return score_sheet_submit(
        actor=actor, round=app.round, sheet={app.pk: scores}, comments={app.pk: comment}
    )[0]


def score_sheet_submit(
    *,
    actor: Actor,
    round: Round,
    sheet: Mapping[int, Mapping[str, Decimal | str]],
    comments: Mapping[int, str] | None = None,
) -> list[ReviewScore]:
    """A panel member submits a score sheet (评分表): application id → criterion → score.

    Each application on it is scored on every criterion, independently and once; the whole
    sheet is refused if any line is invalid. One audit event per application scored.
    """
    member = _member_of(actor, round)
    criteria = round_criteria(round)
    comments = comments or {}
    parsed: dict[int, dict[str, Decimal]] = {}
    for app_id, scores in sheet.items():
        try:
            parsed[app_id] = {str(k): Decimal(str(v)) for k, v in scores.items()}
        except InvalidOperation:
            raise ServiceError(Code.GRANTS_SCORE_INVALID, field="scores") from None
        _refuse(rules.score_problems(criteria, parsed[app_id]), field="scores")
    with transaction.atomic():
        locked_round = _locked_round(round)
        apps = {
            a.pk: a
            for a in Application.objects.select_for_update().filter(round=locked_round, pk__in=list(parsed))
        }
        if (
            locked_round.status != RoundStatus.REVIEWING
            or len(apps) != len(parsed)
            or any(a.status != ApplicationStatus.ELIGIBLE for a in apps.values())
        ):
            raise Conflict(Code.GRANTS_NOT_UNDER_REVIEW, field="status")
        if ReviewScore.objects.filter(application__in=list(apps), member=member).exists():
            raise Conflict(Code.GRANTS_ALREADY_SCORED, field="scores")
        created = ReviewScore.objects.bulk_create(
            [
                ReviewScore(
                    application_id=app_id,
                    member=member,
                    scores={k: str(v) for k, v in values.items()},
                    total=sum(values.values(), Decimal(0)).quantize(FEN),
                    comment=comments.get(app_id, "").strip(),
                )
                for app_id, values in parsed.items()
            ]
        )
        audit.record_many(
            actor=actor,
            action=Event.GRANT_REVIEW_SCORED,
            changes=[
                (
                    apps[s.application_id],
                    None,
                    {"member": member.pk, "expert": member.expert_id, "total": s.total},
                )
                for s in created
            ],
        )
    return created


def pitch_record(
    *, actor: Actor, application: Application, held_on: date, location: str, notes: str = ""
) -> PitchSession:
    """Record an optional pitch (项目路演) of an application before the panel."""
    app = Application.objects.select_related("round__programme").get(pk=application.pk)
    _require_funder(actor, app.round)
    if not location.strip():
        raise ServiceError(Code.GRANTS_LOCATION_REQUIRED, field="location")
    with transaction.atomic():
        locked = _locked_application(app)
        if locked.status != ApplicationStatus.ELIGIBLE:
            raise Conflict(Code.GRANTS_NOT_UNDER_REVIEW, field="status")
        pitch = PitchSession.objects.create(
            application=locked,
            held_on=held_on,
            location=location.strip(),
            notes=notes.strip(),
            recorded_by=actor,
        )
        audit.record(
            actor=actor,
            action=Event.GRANT_REVIEW_PITCH_RECORDED,
            obj=locked,
            new={"pitch": pitch.pk, "held_on": held_on, "location": pitch.location},
        )
    return pitch


def _combined_scores(round_: Round, apps: list[Application]) -> dict[int, Decimal]:
    """Each application's combined score, once every accepted panel member (at least the committee
    minimum) has scored every one of `apps`."""
    members = panel_members(round_)
    minimum = int(round_.draw.committee.get("min_size", 3)) if round_.draw else 3
    if len(members) < minimum:
        raise Conflict(Code.GRANTS_PANEL_INCOMPLETE, field="draw", params={"n": minimum})
    member_ids = {m.pk for m in members}
    by_app: dict[int, dict[str, dict[str, Decimal]]] = {a.pk: {} for a in apps}
    for score in ReviewScore.objects.filter(application__in=apps, member_id__in=member_ids):
        by_app[score.application_id][str(score.member_id)] = {k: Decimal(v) for k, v in score.scores.items()}
    missing = [a.pk for a in apps if len(by_app[a.pk]) != len(member_ids)]
    if missing:
        raise Conflict(
            Code.GRANTS_SCORES_MISSING,
            _("还有 %(n)d 个项目未获全部评审专家评分") % {"n": len(missing)},
            params={"applications": missing},
        )
    return {a.pk: combine_member_scores(by_app[a.pk]).value for a in apps}


def _ranked_changes(
    apps: list[Application], ranking: Ranking, combined: Mapping[int, Decimal], plan: rules.FundingPlan
) -> list[tuple[Application, dict[str, Any], dict[str, Any]]]:
    """Set each application's rank, score and proposed amount (or why not); the audit changes."""
    funded = dict(plan.funded)
    unfunded = dict(plan.unfunded)
    by_pk = {a.pk: a for a in apps}
    changes = []
    for entry in ranking.ranked:
        app = by_pk[int(entry.candidate.bidder)]
        key = str(app.pk)
        target = ApplicationStatus.PROPOSED if key in funded else ApplicationStatus.NOT_SELECTED
        old = _transition("grant_application", app, target)
        app.rank, app.combined_score = entry.position, combined[app.pk]
        app.awarded_amount = funded.get(key)
        app.ranking_note = unfunded[key].message_zh if key in unfunded else ""
        changes.append(
            (
                app,
                {"status": old},
                {
                    "status": target,
                    "rank": app.rank,
                    "combined_score": app.combined_score,
                    "awarded_amount": app.awarded_amount,
                    "decided_by": entry.decided_by,
                },
            )
        )
    return changes


def round_rank(*, actor: Actor, round: Round) -> Round:
    """Combine each application's member scores, rank them and propose funding within the total.

    Every accepted panel member (at least the committee minimum) must have scored every
    application under review. Ties: `rules.scoring.rank` as for 磋商 (lower amount first, then
    industry association, then a draw seeded by the round). Funding: `rules.grants.fund_within_limit`.
    """
    _require_funder(actor, round)
    with transaction.atomic():
        locked = _locked_round(round)
        if locked.status != RoundStatus.REVIEWING:
            raise Conflict(Code.GRANTS_NOT_REVIEWING, _("只有评审阶段可以排序"), field="status")
        apps = list(
            locked.applications.filter(status=ApplicationStatus.ELIGIBLE)
            .select_related("organization")
            .order_by("pk")
        )
        combined = _combined_scores(locked, apps)
        ranking = rank(
            [
                Candidate(
                    bidder=str(a.pk),
                    evaluated_price=a.requested_amount,
                    total_score=combined[a.pk],
                    industry_association=a.organization.is_industry_association,
                )
                for a in apps
            ],
            method=PANEL_METHOD,
            seed=f"grant-round-{locked.pk}",
        )
        plan = rules.fund_within_limit(
            [
                rules.RankedRequest(
                    e.candidate.bidder, e.candidate.evaluated_price, combined[int(e.candidate.bidder)]
                )
                for e in ranking.ranked
            ],
            locked.total_amount,
            pass_score=locked.pass_score,
        )
        changes = _ranked_changes(apps, ranking, combined, plan)
        # Moved row by row through `_transition` (core.status.status_move); each row is audited below.
        Application.objects.bulk_update(
            apps, ["status", "rank", "combined_score", "awarded_amount", "ranking_note"]
        )
        audit.record_many(actor=actor, action=Event.GRANT_APPLICATION_RANKED, changes=changes)
        locked.ranked_at = clock.now()
        locked.save(update_fields=["ranked_at"])
        audit.record(
            actor=actor,
            action=Event.GRANT_ROUND_RANKED,
            obj=locked,
            new={
                "ranked": len(apps),
                "proposed": len(plan.funded),
                "funded_sum": plan.funded_sum,
                "total": plan.total,
                "draws": [d.order for d in ranking.draws],
                "citation": ranking.citation,
            },
        )
    return locked
