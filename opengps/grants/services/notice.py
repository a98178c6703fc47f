"""The public notice of the proposed list, objections to it and the funding decision."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor, MaybeActor
from opengps.accounts.models import Role
from opengps.accounts.permissions import is_authenticated
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.grants.errors import Code
from opengps.grants.events import Event
from opengps.grants.models import (
    Application,
    ApplicationStatus,
    Objection,
    ObjectionStatus,
    Round,
    RoundStatus,
)
from opengps.grants.services._common import (
    _locked_application,
    _locked_round,
    _require_funder,
    _round_status,
    _status_set,
    _transition,
    is_funder,
)
from opengps.rules import grants as rules


def objection_deadline(round_: Round) -> date | None:
    if round_.notice_published_on is None:
        return None
    return rules.objection_period_end(round_.notice_published_on, round_.objection_days).value


def objection_window_open(round_: Round, today: date | None = None) -> bool:
    """Whether objections may be filed today: the proposed list is on notice and its period runs."""
    deadline = objection_deadline(round_)
    on_date = today or clock.today()
    return round_.status == RoundStatus.NOTICE and deadline is not None and on_date <= deadline


def notice_publish(*, actor: Actor, round: Round, today: date | None = None) -> Round:
    """Publish the proposed list for public notice; objections run `objection_days` from today."""
    _require_funder(actor, round)
    on_date = today or clock.today()
    with transaction.atomic():
        locked = _locked_round(round)
        if locked.ranked_at is None or locked.applications.filter(status=ApplicationStatus.ELIGIBLE).exists():
            raise Conflict(Code.GRANTS_NOT_RANKED, field="status")
        locked.notice_published_on = on_date
        deadline = rules.objection_period_end(on_date, locked.objection_days)
        return _round_status(
            actor,
            locked,
            RoundStatus.NOTICE,
            Event.GRANT_ROUND_NOTICE_PUBLISHED,
            notice_published_on=on_date,
            objection_deadline=deadline.value,
        )


OBJECTION_RATE = (5, 3600)
"""Objections per client address (web form and API together): at most 5 an hour. A notice runs
days, so honest objectors never meet it; floods do."""
OBJECTION_LISTED = (ApplicationStatus.PROPOSED,)
"""What an objection may name: a project on the proposed list under notice."""


def objection_file(
    *,
    actor: MaybeActor,
    round: Round,
    text: str,
    application: Application | None = None,
    filer_name: str = "",
    filer_contact: str = "",
    today: date | None = None,
) -> Objection:
    """Anyone objects to the proposed list within the notice period (公示期内异议).

    Anonymous members of the public too: their name and a contact are required (the contact
    is for the funder's reply and is never published). A signed-in user's name and account
    stand in when left blank. Auditors never write; the funder's own staff decide objections
    and so cannot file them. A named project must be on the list under notice.
    """
    user = actor if is_authenticated(actor) else None
    if user is not None and user.role == Role.AUDITOR:
        raise PermissionDenied(Code.PERM_DENIED)
    if user is not None and is_funder(user, Round.objects.select_related("programme").get(pk=round.pk)):
        raise PermissionDenied(Code.GRANTS_FUNDER_CANNOT_OBJECT)
    text = text.strip()
    filer_name = filer_name.strip() or (str(user) if user is not None else "")
    filer_contact = filer_contact.strip() or (
        (user.email or f"{_('平台账号')} {user.username}") if user is not None else ""
    )
    if not filer_name:
        raise ServiceError(Code.GRANTS_FILER_NAME_REQUIRED, field="filer_name")
    if not filer_contact:
        raise ServiceError(Code.GRANTS_FILER_CONTACT_REQUIRED, field="filer_contact")
    if len(filer_name) > 100 or len(filer_contact) > 100:
        raise ServiceError(Code.GRANTS_FILER_TOO_LONG, field="filer_name")
    if not text:
        raise ServiceError(Code.GRANTS_OBJECTION_TEXT_REQUIRED, field="text")
    if len(text) > 5000:
        raise ServiceError(Code.GRANTS_OBJECTION_TEXT_TOO_LONG, field="text")
    on_date = today or clock.today()
    with transaction.atomic():
        locked = _locked_round(round)
        deadline = objection_deadline(locked)
        if locked.status != RoundStatus.NOTICE or deadline is None or on_date > deadline:
            raise Conflict(Code.GRANTS_OBJECTION_PERIOD_OVER, field="round")
        if application is not None:
            named = Application.objects.filter(pk=application.pk).values_list("round_id", "status").first()
            if named is None or named[0] != locked.pk:
                raise ServiceError(Code.GRANTS_APPLICATION_OTHER_ROUND, field="application")
            if named[1] not in OBJECTION_LISTED:
                raise ServiceError(Code.GRANTS_APPLICATION_NOT_LISTED, field="application")
        objection = Objection.objects.create(
            round=locked,
            application=application,
            filed_by=user,
            filer_name=filer_name,
            filer_contact=filer_contact,
            text=text,
            filed_on=on_date,
        )
        # The contact stays out of the audit trail's public fields: only the funder needs it.
        audit.record(
            actor=user,
            action=Event.GRANT_OBJECTION_FILED,
            obj=objection,
            new={
                "round": locked.pk,
                "application": application.pk if application else None,
                "filer_name": filer_name,
                "anonymous": user is None,
                "text": text,
            },
        )
    return objection


def objection_decide(
    *, actor: Actor, objection: Objection, upheld: bool, decision: str, today: date | None = None
) -> Objection:
    """Decide an objection with reasons. Upheld against a proposed project: it is disqualified,
    the others go back to review and the round is ranked again (then a new notice)."""
    round_ = Round.objects.select_related("programme").get(pk=objection.round_id)
    _require_funder(actor, round_)
    decision = decision.strip()
    if not decision:
        raise ServiceError(Code.GRANTS_DECISION_REQUIRED, field="decision")
    with transaction.atomic():
        locked_round = _locked_round(round_)
        item = Objection.objects.select_for_update().get(pk=objection.pk)
        target = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        item.decision, item.decided_by, item.decided_on = decision, actor, today or clock.today()
        _status_set(
            actor,
            "grant_objection",
            item,
            target,
            f"grant_objection.{target}",
            fields=["decision", "decided_by", "decided_on"],
            reason=decision,
        )
        if upheld and item.application_id is not None:
            app = _locked_application(Application(pk=item.application_id))
            if app.status == ApplicationStatus.PROPOSED:
                _reopen_round(actor, locked_round, app, decision)
    return item


def _reopen_round(actor: Actor, round_: Round, disqualified: Application, reason: str) -> None:
    disqualified.awarded_amount = None
    _status_set(
        actor,
        "grant_application",
        disqualified,
        ApplicationStatus.DISQUALIFIED,
        Event.GRANT_APPLICATION_DISQUALIFIED,
        fields=["awarded_amount", "updated_at"],
        reason=reason,
    )
    others = list(
        round_.applications.filter(
            status__in=[ApplicationStatus.PROPOSED, ApplicationStatus.NOT_SELECTED]
        ).order_by("pk")
    )
    changes = []
    for app in others:
        previous = _transition("grant_application", app, ApplicationStatus.ELIGIBLE)
        app.awarded_amount, app.rank, app.ranking_note = None, None, ""
        changes.append((app, {"status": previous}, {"status": app.status}))
    # Moved row by row through `_transition` (core.status.status_move); each row is audited below.
    Application.objects.bulk_update(others, ["status", "awarded_amount", "rank", "ranking_note"])
    audit.record_many(actor=actor, action=Event.GRANT_APPLICATION_REOPENED, changes=changes, reason=reason)
    round_.ranked_at = None
    round_.notice_published_on = None
    round_.save(update_fields=["ranked_at", "notice_published_on"])
    _round_status(actor, round_, RoundStatus.REVIEWING, Event.GRANT_ROUND_REVIEW_REOPENED, reason=reason)


def round_decide(*, actor: Actor, round: Round, today: date | None = None) -> Round:
    """The funding decision after the notice period, with every objection decided."""
    _require_funder(actor, round)
    on_date = today or clock.today()
    with transaction.atomic():
        locked = _locked_round(round)
        deadline = objection_deadline(locked)
        if locked.status != RoundStatus.NOTICE or deadline is None or on_date <= deadline:
            raise Conflict(Code.GRANTS_NOTICE_PERIOD_RUNNING, field="status", params={"end": deadline})
        if locked.objections.filter(status=ObjectionStatus.PENDING).exists():
            raise Conflict(Code.GRANTS_OBJECTIONS_PENDING, field="status")
        apps = list(locked.applications.filter(status=ApplicationStatus.PROPOSED).order_by("rank"))
        funded_sum = sum((a.awarded_amount or Decimal(0) for a in apps), Decimal(0))
        if funded_sum > locked.total_amount:  # the ranking never allows it; refuse rather than overspend
            raise Conflict(Code.GRANTS_OVER_TOTAL, field="status")
        changes = []
        for app in apps:
            old = _transition("grant_application", app, ApplicationStatus.FUNDED)
            changes.append(
                (app, {"status": old}, {"status": app.status, "awarded_amount": app.awarded_amount})
            )
        # Moved row by row through `_transition` (core.status.status_move); each row is audited below.
        Application.objects.bulk_update(apps, ["status"])
        audit.record_many(actor=actor, action=Event.GRANT_APPLICATION_FUNDED, changes=changes)
        locked.decided_on = on_date
        return _round_status(
            actor,
            locked,
            RoundStatus.DECIDED,
            Event.GRANT_ROUND_DECIDED,
            decided_on=on_date,
            funded=len(apps),
            funded_sum=funded_sum,
        )
