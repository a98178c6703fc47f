"""Reads of rating assessments, scoped to the actor: the registration authority's rounds and their
applications, the assessment body's rounds for its assessors, an organization's own applications
and the rounds open to it, and the public notices (proposed levels and the decisions) anyone reads."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from opengps.accounts.actors import MaybeActor
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.assessment.errors import Code
from opengps.assessment.models import (
    Application,
    ApplicationStatus,
    Evidence,
    Indicator,
    IndicatorSet,
    Objection,
    Round,
    RoundStatus,
    Sanction,
)
from opengps.core.errors import one_or_not_found
from opengps.core.models import AuditEvent
from opengps.registry.services import managed_unit_ids

PUBLIC_ROUNDS = (RoundStatus.NOTICE, RoundStatus.DECIDED)
PUBLIC_APPLICATIONS = (
    ApplicationStatus.PROPOSED,
    ApplicationStatus.RATED,
    ApplicationStatus.NOT_RATED,
    ApplicationStatus.DOWNGRADED,
    ApplicationStatus.REVOKED,
)
"""What the portal shows: the proposed levels on notice and the decisions, never the screening or
the sheets."""


def indicator_sets() -> QuerySet[IndicatorSet]:
    return IndicatorSet.objects.select_related("created_by").order_by("org_type", "-version")


def indicator_set_get(pk: int) -> IndicatorSet:
    return one_or_not_found(IndicatorSet.objects.all(), pk, Code.ASSESSMENT_SET_NOT_FOUND)


def indicators(indicator_set: IndicatorSet) -> QuerySet[Indicator]:
    return Indicator.objects.filter(indicator_set=indicator_set).order_by("position")


def _base_rounds() -> QuerySet[Round]:
    return Round.objects.select_related("authority", "body", "indicator_set")


def rounds_visible(*, actor: MaybeActor) -> QuerySet[Round]:
    """Managers: their authority's rounds and those below it; auditors and admins: all; assessors:
    their body's; organization members: the rounds of their type and level and those they applied to."""
    rounds = _base_rounds()
    if has_role(actor, Role.ADMIN, Role.AUDITOR):
        return rounds
    if has_role(actor, Role.REGISTRATION) and actor.unit_id is not None:
        managed = managed_unit_ids(actor)
        return rounds if managed is None else rounds.filter(authority_id__in=managed)
    if has_role(actor, Role.EVALUATOR) and actor.unit_id is not None:
        return rounds.filter(body_id=actor.unit_id)
    if has_role(actor, Role.SUPPLIER) and actor.organization is not None:
        org = actor.organization
        fits = Q(indicator_set__org_type=org.org_type, registration_level=org.registration_level)
        return rounds.filter(fits | Q(applications__organization=org)).distinct()
    return rounds.none()


def round_get(*, actor: MaybeActor, pk: int) -> Round:
    return one_or_not_found(rounds_visible(actor=actor), pk, Code.ASSESSMENT_ROUND_NOT_FOUND)


def applications_visible(*, actor: MaybeActor) -> QuerySet[Application]:
    """Managers, auditors and admins: the applications of the rounds they see; assessors: those
    screened eligible or later in their body's rounds; organization members: their own."""
    apps = Application.objects.select_related("round", "organization", "rating")
    if has_role(actor, Role.ADMIN, Role.AUDITOR, Role.REGISTRATION):
        return apps.filter(round__in=rounds_visible(actor=actor))
    if has_role(actor, Role.EVALUATOR) and actor.unit_id is not None:
        return apps.filter(round__body_id=actor.unit_id).exclude(
            status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.INELIGIBLE)
        )
    if has_role(actor, Role.SUPPLIER) and actor.organization_id is not None:
        return apps.filter(organization_id=actor.organization_id)
    return apps.none()


def application_get(*, actor: MaybeActor, pk: int) -> Application:
    return one_or_not_found(applications_visible(actor=actor), pk, Code.ASSESSMENT_APPLICATION_NOT_FOUND)


def applications_of(*, actor: MaybeActor, round_: Round) -> QuerySet[Application]:
    return applications_visible(actor=actor).filter(round=round_).order_by("pk")


def evidence_get(*, actor: MaybeActor, pk: int) -> Evidence:
    """A file of an application the actor sees."""
    rows = Evidence.objects.filter(application__in=applications_visible(actor=actor))
    return one_or_not_found(rows, pk, Code.ASSESSMENT_APPLICATION_NOT_FOUND)


def objection_get(*, actor: MaybeActor, pk: int) -> Objection:
    """An objection of a round the actor manages or audits (with the filer's contact)."""
    rows = Objection.objects.select_related("application__organization", "round").filter(
        round__in=rounds_visible(actor=actor)
    )
    if not has_role(actor, Role.ADMIN, Role.AUDITOR, Role.REGISTRATION):
        rows = rows.none()
    return one_or_not_found(rows, pk, Code.ASSESSMENT_OBJECTION_NOT_FOUND)


def objections_of(round_: Round) -> QuerySet[Objection]:
    return Objection.objects.filter(round=round_).select_related("application__organization").order_by("pk")


# ---------------------------------------------------------------------------------------------
# Public


def notices() -> QuerySet[Round]:
    """Rounds whose proposed levels are on notice or decided, newest first."""
    return _base_rounds().filter(status__in=PUBLIC_ROUNDS).order_by("-notice_published_on", "-pk")


def notice_get(pk: int) -> Round:
    return one_or_not_found(notices(), pk, Code.ASSESSMENT_ROUND_NOT_FOUND)


def notice_applications(round_: Round) -> QuerySet[Application]:
    """The organizations on a public notice with their score and proposed (or awarded) level."""
    return (
        Application.objects.filter(round=round_, status__in=PUBLIC_APPLICATIONS)
        .select_related("organization", "rating")
        .order_by("-score", "pk")
    )


def notice_objection_application(round_: Round, pk: Any) -> Application | None:
    """The application an objection names, if it is on the round's notice."""
    return notice_applications(round_).filter(status=ApplicationStatus.PROPOSED, pk=pk).first()


def certificate_get(pk: int) -> Application:
    """A rated application, whose certificate is public as the rating is."""
    rows = Application.objects.filter(status=ApplicationStatus.RATED).select_related(
        "organization", "rating", "round__authority", "round__body", "round__indicator_set"
    )
    return one_or_not_found(rows, pk, Code.ASSESSMENT_APPLICATION_NOT_FOUND)


def timeline(obj: Round | Application | Objection) -> QuerySet[AuditEvent]:
    """The object's audit events, oldest first (the caller has fetched it through a scoped selector)."""
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("seq")
    )


def sanctions_of(application: Application) -> QuerySet[Sanction]:
    """The downgrades and revocations of the application's rating, in order."""
    return application.sanctions.select_related("decided_by").order_by("pk")
