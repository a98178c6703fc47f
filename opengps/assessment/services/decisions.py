"""The committee's proposal by score bands, the public notice (公示) and objections to it, the
review (复核) of each objection, and the decision that closes the notice and records each awarded
level as a registry rating (`registry.services.rating_record`), so eligibility sees it the same day."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from opengps.accounts.actors import Actor, MaybeActor
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role, is_authenticated
from opengps.assessment.errors import Code
from opengps.assessment.events import Event
from opengps.assessment.models import (
    Application,
    ApplicationStatus,
    Objection,
    ObjectionStatus,
    Round,
    RoundStatus,
)
from opengps.assessment.services._common import TEXT_LIMIT, manages, refusal, require_manager, status_change
from opengps.assessment.services._common import text as clean
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.registry import services as registry_services
from opengps.rules import assessment as rules
from opengps.rules.base import RuleError

ROUND = "assessment_round"
APPLICATION = "assessment_application"
OBJECTION = "assessment_objection"
OBJECTION_RATE = (5, 3600)
"""Objections per client address (web form and API together): at most 5 an hour, as for grants.
A notice runs days, so honest objectors never meet it; floods do."""
UNFINISHED = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE)


def _locked_round(round_: Round) -> Round:
    return Round.objects.select_for_update().select_related("indicator_set").get(pk=round_.pk)


def committee_propose(*, actor: Actor, round: Round, note: str) -> Round:
    """The assessment committee (评估委员会) meets today and proposes each assessed application's
    level by the score bands of the rules (or none below the lowest band), with its opinion. Every
    application must be screened and, if eligible, scored first."""
    require_manager(actor, round)
    note = clean(note, field="note", required=Code.ASSESSMENT_NOTE_REQUIRED, limit=TEXT_LIMIT)
    today = clock.today()
    with transaction.atomic():
        locked = _locked_round(round)
        if locked.status != RoundStatus.OPEN:
            raise Conflict(Code.ASSESSMENT_NOTHING_TO_PROPOSE, field="status")
        if locked.applications.filter(status__in=UNFINISHED).exists():
            raise Conflict(Code.ASSESSMENT_NOT_ALL_ASSESSED, field="note")
        assessed = list(
            locked.applications.select_for_update().filter(status=ApplicationStatus.ASSESSED).order_by("pk")
        )
        if not assessed:
            raise Conflict(Code.ASSESSMENT_NOTHING_TO_PROPOSE, field="note")
        total = locked.indicator_set.total_points
        proposals = {}
        for application in assessed:
            assert application.score is not None  # assessed ⇒ scored
            level = rules.level_for(application.score, total, today)
            status_change(
                application,
                APPLICATION,
                ApplicationStatus.PROPOSED,
                actor=actor,
                action=Event.ASSESSMENT_APPLICATION_PROPOSED,
                values={"proposed_level": level},
                extra={"score": application.score, "proposed_level": level},
            )
            proposals[application.organization_id] = level
        locked.committee_met_on = today
        locked.committee_note = note
        locked.save(update_fields=["committee_met_on", "committee_note"])
        audit.record(
            actor=actor,
            action=Event.ASSESSMENT_ROUND_COMMITTEE,
            obj=locked,
            new={"committee_met_on": today, "proposals": len(proposals)},
            reason=note,
        )
    return locked


def notice_publish(*, actor: Actor, round: Round) -> Round:
    """Put the committee's proposed levels on public notice from today, for the rules' period."""
    require_manager(actor, round)
    today = clock.today()
    with transaction.atomic():
        locked = _locked_round(round)
        pending = locked.applications.filter(status__in=(*UNFINISHED, ApplicationStatus.ASSESSED))
        if pending.exists():
            raise Conflict(Code.ASSESSMENT_NOT_ALL_ASSESSED, field="status")
        if not locked.applications.filter(status=ApplicationStatus.PROPOSED).exists():
            raise Conflict(Code.ASSESSMENT_NOTHING_PROPOSED, field="status")
        last = rules.notice_last_day(today)
        status_change(
            locked,
            ROUND,
            RoundStatus.NOTICE,
            actor=actor,
            action=Event.ASSESSMENT_ROUND_NOTICE,
            values={"notice_published_on": today},
            extra={"notice_published_on": today, "notice_last_day": last},
        )
    return locked


def notice_open(round_: Round) -> bool:
    """Whether objections may be filed today."""
    published = round_.notice_published_on
    return (
        round_.status == RoundStatus.NOTICE
        and published is not None
        and rules.notice_running(published, clock.today())
    )


def objection_file(
    *,
    actor: MaybeActor,
    application: Application,
    text: str,
    filer_name: str = "",
    filer_contact: str = "",
) -> Objection:
    """Anyone, signed in or not, objects to a proposed level during the notice (公示期异议): name
    and a contact are required (the contact is never published). The round's authority staff
    review objections and so cannot file them; auditors only read."""
    user = actor if is_authenticated(actor) else None
    round_ = Round.objects.get(pk=application.round_id)
    if user is not None and has_role(user, Role.AUDITOR):
        raise PermissionDenied(Code.ASSESSMENT_READ_ONLY)
    if user is not None and manages(user, round_):
        raise PermissionDenied(Code.ASSESSMENT_STAFF_CANNOT_OBJECT)
    filer_name = clean(
        filer_name or (str(user) if user is not None else ""),
        field="filer_name",
        required=Code.ASSESSMENT_FILER_NAME_REQUIRED,
        limit=100,
    )
    fallback = (user.email or f"{_('平台账号')} {user.username}") if user is not None else ""
    filer_contact = clean(
        filer_contact or fallback,
        field="filer_contact",
        required=Code.ASSESSMENT_FILER_CONTACT_REQUIRED,
        limit=100,
    )
    body = clean(text, field="text", required=Code.ASSESSMENT_OBJECTION_TEXT_REQUIRED, limit=TEXT_LIMIT)
    today = clock.today()
    with transaction.atomic():
        locked = _locked_round(round_)
        if not notice_open(locked):
            raise Conflict(Code.ASSESSMENT_NOTICE_OVER, field="application")
        if Application.objects.get(pk=application.pk).status != ApplicationStatus.PROPOSED:
            raise Conflict(Code.ASSESSMENT_NOTICE_OVER, field="application")
        objection = Objection.objects.create(
            round=locked,
            application=application,
            filed_by=user,
            filer_name=filer_name,
            filer_contact=filer_contact,
            text=body,
            filed_on=today,
            status=ObjectionStatus.PENDING,
        )
        # The contact stays out of the audit trail: only the reviewing authority needs it.
        audit.record(
            actor=user,
            action=Event.ASSESSMENT_OBJECTION_FILED,
            obj=objection,
            new={
                "round": locked.pk,
                "application": application.pk,
                "filer_name": filer_name,
                "anonymous": user is None,
                "text": body,
            },
        )
    return objection


def objection_review(
    *, actor: Actor, objection: Objection, upheld: bool, decision: str, level: int | None = None
) -> Objection:
    """The committee reviews (复核) an objection with reasons. Upheld: the proposed level becomes
    `level` (1–5, or None for no level), recorded on the application's timeline with old and new."""
    round_ = Round.objects.get(pk=objection.round_id)
    require_manager(actor, round_)
    decision = clean(decision, field="decision", required=Code.ASSESSMENT_DECISION_REQUIRED, limit=TEXT_LIMIT)
    if upheld and level is not None and (not isinstance(level, int) or not 1 <= level <= 5):
        raise ServiceError(Code.ASSESSMENT_REVISED_LEVEL_INVALID, field="level")
    today = clock.today()
    with transaction.atomic():
        _locked_round(round_)
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked.status != ObjectionStatus.PENDING:
            raise Conflict(Code.ASSESSMENT_OBJECTION_DECIDED, field="decision")
        application = Application.objects.select_for_update().get(pk=locked.application_id)
        before = application.proposed_level
        after = level if upheld else before
        status_change(
            locked,
            OBJECTION,
            ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED,
            actor=actor,
            action=Event.ASSESSMENT_OBJECTION_REVIEWED,
            reason=decision,
            values={
                "decision": decision,
                "level_before": before,
                "level_after": after,
                "decided_on": today,
                "decided_by": actor,
            },
            extra={"level_before": before, "level_after": after, "decided_on": today},
        )
        if after != before:
            application.proposed_level = after
            application.save(update_fields=["proposed_level"])
            audit.record(
                actor=actor,
                action=Event.ASSESSMENT_APPLICATION_REVIEWED,
                obj=application,
                old={"proposed_level": before},
                new={"proposed_level": after, "objection": locked.pk},
                reason=decision,
            )
    return locked


def round_decide(*, actor: Actor, round: Round, decision_no: str) -> Round:
    """Close the notice once its whole period has run (the rules refuse earlier) and every objection
    is reviewed, and issue the decision `decision_no` today: each proposed level is recorded as a
    registry rating (valid for the rules' period), each application without one is not rated."""
    require_manager(actor, round)
    decision_no = clean(
        decision_no, field="decision_no", required=Code.ASSESSMENT_DECISION_NO_REQUIRED, limit=80
    )
    today = clock.today()
    with transaction.atomic():
        locked = _locked_round(round)
        if locked.status != RoundStatus.NOTICE or locked.notice_published_on is None:
            raise Conflict(Code.ASSESSMENT_NOTHING_PROPOSED, field="status")
        try:
            rules.check_notice_closable(locked.notice_published_on, today)
        except RuleError as exc:
            raise refusal(exc, field="decision_no") from None
        if locked.objections.filter(status=ObjectionStatus.PENDING).exists():
            raise Conflict(Code.ASSESSMENT_OBJECTIONS_PENDING, field="decision_no")
        proposed = list(
            locked.applications.select_for_update()
            .select_related("organization")
            .filter(status=ApplicationStatus.PROPOSED)
            .order_by("pk")
        )
        rated = 0
        for application in proposed:
            level = application.proposed_level
            if level is None:
                status_change(
                    application,
                    APPLICATION,
                    ApplicationStatus.NOT_RATED,
                    actor=actor,
                    action=Event.ASSESSMENT_APPLICATION_DECIDED,
                    extra={"decision_no": decision_no, "level": None},
                )
                continue
            rating = registry_services.rating_record(
                actor=actor,
                organization=application.organization,
                level=level,
                awarded_on=today,
                decision_no=decision_no,
                reason=locked.name,
            )
            status_change(
                application,
                APPLICATION,
                ApplicationStatus.RATED,
                actor=actor,
                action=Event.ASSESSMENT_APPLICATION_DECIDED,
                values={"rating": rating},
                extra={
                    "decision_no": decision_no,
                    "level": level,
                    "rating": rating.pk,
                    "valid_until": rating.valid_until,
                },
            )
            rated += 1
        status_change(
            locked,
            ROUND,
            RoundStatus.DECIDED,
            actor=actor,
            action=Event.ASSESSMENT_ROUND_DECIDED,
            values={"decision_no": decision_no, "decided_on": today},
            extra={
                "decision_no": decision_no,
                "decided_on": today,
                "rated": rated,
                "applications": len(proposed),
            },
        )
    return locked
