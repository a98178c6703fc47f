"""What the assessment services share: who manages a round (its registration authority), which
organizations a round takes, rule refusals as the declared codes, status changes against the
tables of `opengps.rules.assessment`, and small input checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Model

from opengps.accounts.actors import Actor, MaybeActor
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role, require_role
from opengps.assessment.errors import Code
from opengps.assessment.models import Indicator, IndicatorSet, Round
from opengps.core.errors import PermissionDenied, ServiceError, declared_rule_error
from opengps.core.status import status_set
from opengps.registry.models import Organization
from opengps.registry.services import managed_unit_ids, unit_ids_within
from opengps.rules import assessment as rules
from opengps.rules.base import RuleError

MANAGERS = (Role.REGISTRATION, Role.ADMIN)
"""The registration authority (登记管理机关) organizes the assessment of the organizations it
registers (M39 [U]); administrators act anywhere."""

RULE_CODES: Mapping[str, Code] = {
    "assessment.total_invalid": Code.ASSESSMENT_TOTAL_INVALID,
    "assessment.indicators_empty": Code.ASSESSMENT_INDICATORS_EMPTY,
    "assessment.indicator_code_duplicate": Code.ASSESSMENT_INDICATOR_CODE_DUPLICATE,
    "assessment.indicator_section_unknown": Code.ASSESSMENT_INDICATOR_SECTION_UNKNOWN,
    "assessment.indicator_points_invalid": Code.ASSESSMENT_INDICATOR_POINTS_INVALID,
    "assessment.indicator_total_mismatch": Code.ASSESSMENT_INDICATOR_TOTAL_MISMATCH,
    "assessment.score_unknown": Code.ASSESSMENT_SCORE_UNKNOWN,
    "assessment.score_missing": Code.ASSESSMENT_SCORE_MISSING,
    "assessment.score_out_of_range": Code.ASSESSMENT_SCORE_OUT_OF_RANGE,
    "assessment.conflict_of_interest": Code.ASSESSMENT_CONFLICT_OF_INTEREST,
    "assessment.notice_running": Code.ASSESSMENT_NOTICE_RUNNING,
    "assessment.finding_unknown": Code.ASSESSMENT_FINDING_UNKNOWN,
    "assessment.sanction_unknown": Code.ASSESSMENT_SANCTION_UNKNOWN,
    "assessment.revocation_not_serious": Code.ASSESSMENT_REVOCATION_NOT_SERIOUS,
    "assessment.downgrade_level_invalid": Code.ASSESSMENT_DOWNGRADE_LEVEL_INVALID,
}
"""Each refusal of `opengps.rules.assessment` a service passes on, as its declared code."""

TEXT_LIMIT = 5000


def manages_authority(actor: MaybeActor, authority_id: int | None) -> bool:
    """An administrator, or registration staff of the authority `authority_id` or a unit above it."""
    if has_role(actor, Role.ADMIN):
        return True
    if not has_role(actor, Role.REGISTRATION) or actor.unit_id is None:
        return False
    managed = managed_unit_ids(actor)
    return managed is None or authority_id in managed


def manages(actor: MaybeActor, round_: Round) -> bool:
    """Whether `actor` manages the round: its authority's staff or those above it, administrators."""
    return manages_authority(actor, round_.authority_id)


def require_manager(actor: Actor, round_: Round) -> None:
    """Refuse unless `actor` manages `round_` (role first, then the authority)."""
    require_role(actor, *MANAGERS)
    if not manages(actor, round_):
        raise PermissionDenied(Code.ASSESSMENT_OUT_OF_SCOPE)


def takes(round_: Round, organization: Organization) -> bool:
    """Whether the round assesses `organization`: its type, its registration level, registered by
    the round's authority or a unit below it."""
    return (
        organization.org_type == round_.indicator_set.org_type
        and organization.registration_level == round_.registration_level
        and organization.registration_authority_id in unit_ids_within(round_.authority)
    )


def is_assessor(actor: MaybeActor, round_: Round) -> bool:
    """Staff of the round's third-party assessment body (the evaluator role, scoped to the round)."""
    return has_role(actor, Role.EVALUATOR) and actor.unit_id == round_.body_id


def refusal(
    exc: RuleError, *, field: str | None = None, error: type[ServiceError] = ServiceError
) -> ServiceError:
    """An assessment rule's refusal as its declared code (as `error`: 400, or 403…), in the user's
    language, with the citation."""
    return declared_rule_error(exc, RULE_CODES, field=field, error=error)


def text(value: str, *, field: str, required: Code | None = None, limit: int = 200) -> str:
    """`value` stripped; ServiceError `required` when empty and required, text_too_long past `limit`."""
    value = (value or "").strip()
    if required is not None and not value:
        raise ServiceError(required, field=field)
    if len(value) > limit:
        raise ServiceError(Code.ASSESSMENT_TEXT_TOO_LONG, field=field, params={"limit": limit})
    return value


def indicators_of(indicator_set: IndicatorSet) -> list[rules.Indicator]:
    """The set's items as the rules read them, in order."""
    return [
        rules.Indicator(i.code, i.section, i.name, i.max_points)
        for i in Indicator.objects.filter(indicator_set=indicator_set).order_by("position")
    ]


def status_change(
    obj: Model,
    entity: str,
    target: str,
    *,
    actor: Actor,
    action: str,
    reason: str = "",
    values: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    extra_old: Mapping[str, Any] | None = None,
) -> str:
    """`status_set` against `entity`'s table of `opengps.rules.assessment`."""

    def check(current: str, new: str) -> None:
        rules.check_transition(entity, current, new)

    return status_set(
        obj,
        target,
        actor=actor,
        action=action,
        check=check,
        reason=reason,
        values=values,
        extra=extra,
        extra_old=extra_old,
    )
