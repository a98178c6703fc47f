"""Downgrades and revocations (降低、取消评估等级) of a rating an assessment decision awarded, on a
finding (M39 第三十条 [U]): the rule (`opengps.rules.assessment.sanction_level`) says what the finding
allows; the registry's own rating services revoke the rating in force and record the lower one."""

from __future__ import annotations

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.assessment.errors import Code
from opengps.assessment.events import Event
from opengps.assessment.models import Application, ApplicationStatus, Round, Sanction, SanctionKind
from opengps.assessment.services._common import TEXT_LIMIT, refusal, require_manager, status_change
from opengps.assessment.services._common import text as clean
from opengps.core import audit, clock
from opengps.core.errors import Conflict
from opengps.registry import services as registry_services
from opengps.registry.models import Rating
from opengps.rules import assessment as rules
from opengps.rules.base import RuleError

APPLICATION = "assessment_application"
SANCTIONABLE = (ApplicationStatus.RATED, ApplicationStatus.DOWNGRADED)


def rating_current(application: Application) -> Rating | None:
    """The rating the application's decision awarded, or the lower one its last downgrade recorded."""
    last = application.sanctions.order_by("-pk").first()
    if last is not None:
        return last.rating_after
    return application.rating


def rating_sanction(
    *,
    actor: Actor,
    application: Application,
    kind: str,
    finding: str,
    reason: str,
    decision_no: str,
    level: int | None = None,
    serious: bool = False,
) -> Sanction:
    """The registration authority downgrades (`kind` "downgrade", to `level`) or revokes (`kind`
    "revoke") the rating in force that `application`'s decision awarded, on `finding`, with the
    reason and the decision document `decision_no`, from today. A revocation needs `serious`
    circumstances unless the finding revokes by itself (the rules). The rating in force is revoked
    through `registry.services.rating_revoke`; a downgrade records the lower level through
    `registry.services.rating_record` under `decision_no`, ending with the replaced rating (M39: valid
    5 years, not extended by a downgrade). The application moves to downgraded or revoked (a further
    downgrade keeps it downgraded), audited with the levels before and after."""
    round_ = Round.objects.get(pk=application.round_id)
    require_manager(actor, round_)
    reason = clean(reason, field="reason", required=Code.ASSESSMENT_REASON_REQUIRED, limit=TEXT_LIMIT)
    decision_no = clean(
        decision_no, field="decision_no", required=Code.ASSESSMENT_DECISION_NO_REQUIRED, limit=80
    )
    today = clock.today()
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("organization").get(pk=application.pk)
        rating = rating_current(locked) if locked.status in SANCTIONABLE else None
        if (
            rating is None
            or rating.revoked_on is not None
            or not rating.awarded_on <= today < rating.valid_until
        ):
            raise Conflict(Code.ASSESSMENT_RATING_NOT_IN_FORCE, field="kind")
        try:
            after = rules.sanction_level(finding, kind, rating.level, level, serious)
        except RuleError as exc:
            field = {"assessment.downgrade_level_invalid": "level", "assessment.finding_unknown": "finding"}
            raise refusal(exc, field=field.get(exc.code, "kind")) from None
        registry_services.rating_revoke(
            actor=actor, rating=rating, revoked_on=today, reason=f"{decision_no}：{reason}"
        )
        new_rating = None
        if after is not None:
            new_rating = registry_services.rating_record(
                actor=actor,
                organization=locked.organization,
                level=after,
                awarded_on=today,
                decision_no=decision_no,
                reason=reason,
                valid_until=rating.valid_until,
            )
        sanction = Sanction.objects.create(
            application=locked,
            kind=SanctionKind.REVOKE if after is None else SanctionKind.DOWNGRADE,
            finding=finding,
            serious=serious,
            reason=reason,
            decision_no=decision_no,
            level_before=rating.level,
            level_after=after,
            rating_before=rating,
            rating_after=new_rating,
            decided_on=today,
            decided_by=actor,
        )
        old = {"level": rating.level, "rating": rating.pk}
        new = {
            "sanction": sanction.pk,
            "kind": sanction.kind,
            "finding": finding,
            "serious": serious,
            "decision_no": decision_no,
            "level": after,
            "rating": new_rating.pk if new_rating is not None else None,
        }
        target = ApplicationStatus.REVOKED if after is None else ApplicationStatus.DOWNGRADED
        if target == locked.status:
            audit.record(
                actor=actor,
                action=Event.ASSESSMENT_APPLICATION_SANCTIONED,
                obj=locked,
                old=old,
                new=new,
                reason=reason,
            )
        else:
            status_change(
                locked,
                APPLICATION,
                target,
                actor=actor,
                action=Event.ASSESSMENT_APPLICATION_SANCTIONED,
                reason=reason,
                extra=new,
                extra_old=old,
            )
    return sanction
