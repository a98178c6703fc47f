"""Indicator sets (versioned, effective-dated), rounds (opened by the registration authority with
the third-party assessment body it appoints and why) and recorded links between organizations and
assessors or bodies; each write in one transaction with its audit event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role, Unit
from opengps.accounts.permissions import has_role, require_role
from opengps.assessment.errors import Code
from opengps.assessment.events import Event
from opengps.assessment.models import Indicator, IndicatorSet, Link, Relation, Round, RoundStatus
from opengps.assessment.services._common import MANAGERS, manages_authority, refusal, text
from opengps.core import audit, clock
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.registry.models import Organization, OrgType, RegistrationLevel
from opengps.rules import assessment as rules
from opengps.rules.base import RuleError

MAX_ASSESSORS = 5


def _decimal(value: Any) -> Decimal:
    """`value` as a Decimal for the rules to judge; anything unreadable becomes NaN (refused there)."""
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return Decimal("NaN")


def _authority(actor: Actor) -> Unit:
    require_role(actor, *MANAGERS)
    if actor.unit is None:
        raise PermissionDenied(Code.ASSESSMENT_OUT_OF_SCOPE)
    return actor.unit


def indicator_set_create(
    *,
    actor: Actor,
    org_type: str,
    name: str,
    effective_from: date,
    total_points: Decimal | str,
    items: Sequence[Mapping[str, Any]],
) -> IndicatorSet:
    """A new version of the indicator set of `org_type`, in force from `effective_from`: each item
    {code, section, name, max_points}; the maximum points must sum to `total_points` (the rules
    refuse otherwise, naming both figures). Earlier versions stay as the rounds that used them."""
    require_role(actor, *MANAGERS)
    if org_type not in OrgType.values:
        raise ServiceError(Code.ASSESSMENT_ORG_TYPE_INVALID, field="org_type")
    name = text(name, field="name", required=Code.ASSESSMENT_NAME_REQUIRED, limit=120)
    parsed = []
    for item in items:
        code = str(item.get("code", "")).strip()
        label = str(item.get("name", "")).strip()
        if not code or not label or len(code) > 20 or len(label) > 200:
            raise ServiceError(Code.ASSESSMENT_INDICATOR_NAME_REQUIRED, field="items")
        parsed.append(
            rules.Indicator(code, str(item.get("section", "")), label, _decimal(item.get("max_points")))
        )
    try:
        total = rules.validate_indicator_set(parsed, _decimal(total_points))
    except RuleError as exc:
        raise refusal(
            exc, field="total_points" if exc.code == "assessment.total_invalid" else "items"
        ) from None
    with transaction.atomic():
        latest = (
            IndicatorSet.objects.select_for_update().filter(org_type=org_type).aggregate(v=Max("version"))
        )
        version = (latest["v"] or 0) + 1
        indicator_set = IndicatorSet.objects.create(
            org_type=org_type,
            version=version,
            name=name,
            effective_from=effective_from,
            total_points=total,
            created_by=actor,
            created_at=clock.now(),
        )
        Indicator.objects.bulk_create(
            Indicator(
                indicator_set=indicator_set,
                code=item.code,
                section=item.section,
                name=item.name,
                max_points=item.max_points,
                position=n,
            )
            for n, item in enumerate(parsed, start=1)
        )
        audit.record(
            actor=actor,
            action=Event.ASSESSMENT_SET_CREATED,
            obj=indicator_set,
            new={
                "org_type": org_type,
                "version": version,
                "name": name,
                "effective_from": effective_from,
                "total_points": total,
                "items": [[i.code, i.section, i.name, i.max_points] for i in parsed],
            },
        )
    return indicator_set


def round_open(
    *,
    actor: Actor,
    name: str,
    registration_level: str,
    indicator_set: IndicatorSet,
    opens_on: date,
    closes_on: date,
    body: Unit,
    body_reason: str,
    assessors_required: int = 2,
) -> Round:
    """Open an assessment round of the actor's registration authority for the organizations of the
    set's type and `registration_level` it (or a unit below it) registers, applications from
    `opens_on` to `closes_on`. The third-party assessment body is appointed with a recorded
    reason; `assessors_required` of its assessors score each application (1–5)."""
    authority = _authority(actor)
    name = text(name, field="name", required=Code.ASSESSMENT_NAME_REQUIRED, limit=120)
    if registration_level not in RegistrationLevel.values:
        raise ServiceError(Code.ASSESSMENT_LEVEL_INVALID, field="registration_level")
    if closes_on < opens_on:
        raise ServiceError(Code.ASSESSMENT_DATES_INVALID, field="closes_on")
    if indicator_set.effective_from > opens_on:
        raise ServiceError(Code.ASSESSMENT_SET_NOT_IN_FORCE, field="indicator_set")
    if body.kind != Unit.Kind.EVALUATOR or not body.is_active:
        raise ServiceError(Code.ASSESSMENT_BODY_INVALID, field="body")
    body_reason = text(
        body_reason, field="body_reason", required=Code.ASSESSMENT_BODY_REASON_REQUIRED, limit=2000
    )
    if not isinstance(assessors_required, int) or not 1 <= assessors_required <= MAX_ASSESSORS:
        raise ServiceError(Code.ASSESSMENT_ASSESSORS_INVALID, field="assessors_required")
    with transaction.atomic():
        round_ = Round.objects.create(
            name=name,
            authority=authority,
            registration_level=registration_level,
            indicator_set=indicator_set,
            opens_on=opens_on,
            closes_on=closes_on,
            body=body,
            body_reason=body_reason,
            assessors_required=assessors_required,
            status=RoundStatus.OPEN,
            created_by=actor,
            created_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action=Event.ASSESSMENT_ROUND_OPENED,
            obj=round_,
            new={
                "name": name,
                "authority": authority.pk,
                "registration_level": registration_level,
                "indicator_set": indicator_set.pk,
                "opens_on": opens_on,
                "closes_on": closes_on,
                "body": body.name,
                "assessors_required": assessors_required,
                "status": round_.status,
            },
            reason=body_reason,
        )
    return round_


def link_record(
    *,
    actor: Actor,
    organization: Organization,
    relation: str,
    detail: str = "",
    assessor: Any = None,
    body: Unit | None = None,
) -> Link:
    """Record a link (利害关系) between `organization` and an assessor or an assessment body: by
    the registration authority (any party), or declared by an assessor about themselves or their
    own body. Such a link refuses the party's scoring of the organization."""
    if (assessor is None) == (body is None):
        raise ServiceError(Code.ASSESSMENT_LINK_PARTY_REQUIRED, field="assessor")
    if relation not in Relation.values:
        raise ServiceError(Code.ASSESSMENT_RELATION_INVALID, field="relation")
    detail = text(detail, field="detail")
    self_declared = has_role(actor, Role.EVALUATOR) and (
        (assessor is not None and assessor.pk == actor.pk) or (body is not None and body.pk == actor.unit_id)
    )
    if not self_declared:
        require_role(actor, *MANAGERS)
        if not manages_authority(actor, organization.registration_authority_id):
            raise PermissionDenied(Code.ASSESSMENT_OUT_OF_SCOPE)
    with transaction.atomic():
        link = Link.objects.create(
            organization=organization,
            assessor=assessor,
            body=body,
            relation=relation,
            detail=detail,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action=Event.ASSESSMENT_LINK_RECORDED,
            obj=link,
            new={
                "organization": organization.uscc,
                "assessor": assessor.pk if assessor is not None else None,
                "body": body.name if body is not None else None,
                "relation": relation,
                "detail": detail,
                "self_declared": self_declared,
            },
        )
    return link
