"""The registration authority's decision on a listing recommendation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.core.status import status_set
from opengps.performance.errors import Code
from opengps.performance.events import Event
from opengps.performance.models import (
    ListingRecommendation,
    RecommendationStatus,
)
from opengps.performance.services._common import locked_in_status
from opengps.registry.services import require_manages
from opengps.rules import lifecycles


def _check(current: str, target: str) -> None:
    lifecycles.check_transition("listing_recommendation", current, target)


def _decide(
    actor: Actor,
    recommendation: ListingRecommendation,
    target: str,
    action: str,
    *,
    values: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
    reason: str = "",
) -> None:
    """The decision by the recommendation's table, audited on the organization's timeline."""
    status_set(
        recommendation,
        target,
        actor=actor,
        action=action,
        check=_check,
        values=values,
        on=recommendation.organization,
        extra_old={"recommendation": recommendation.pk},
        extra={"recommendation": recommendation.pk, **(extra or {})},
        reason=reason,
    )


def recommendation_decline(
    *, actor: Actor, recommendation: ListingRecommendation, note: str, today: date | None = None
) -> ListingRecommendation:
    """The registration authority decides not to list the supplier, with its reasons."""
    require_manages(actor, recommendation.organization)
    note = note.strip()
    if not note:
        raise ServiceError(Code.PERFORMANCE_NOTE_REQUIRED, field="note")
    with transaction.atomic():
        recommendation = locked_in_status(
            recommendation, RecommendationStatus.PENDING, Code.PERFORMANCE_RECOMMENDATION_DECIDED
        )
        _decide(
            actor,
            recommendation,
            RecommendationStatus.DECLINED,
            Event.PERFORMANCE_RECOMMENDATION_DECLINED,
            values={"decided_on": today or clock.today(), "decision_note": note, "decided_by": actor},
            reason=note,
        )
    return recommendation


def recommendation_mark_listed(
    *, actor: Actor, recommendation: ListingRecommendation, listing: Any
) -> ListingRecommendation:
    """Called by `registry.services.credit_list` in its transaction when a listing follows a
    recommendation: the recommendation is decided, and the link goes both ways."""
    if not transaction.get_connection().in_atomic_block:  # pragma: no cover - programming error
        raise RuntimeError("recommendation_mark_listed runs inside the listing's transaction")
    recommendation = locked_in_status(
        recommendation,
        RecommendationStatus.PENDING,
        Code.PERFORMANCE_RECOMMENDATION_DECIDED,
        field="recommendation",
    )
    if recommendation.organization_id != listing.organization_id:
        raise ServiceError(Code.PERFORMANCE_RECOMMENDATION_OTHER_ORG, field="recommendation")
    _decide(
        actor,
        recommendation,
        RecommendationStatus.LISTED,
        Event.PERFORMANCE_RECOMMENDATION_LISTED,
        values={
            "decided_on": listing.listed_on,
            "decided_by": actor,
            "decision_note": listing.decision_document,
        },
        extra={"listing": listing.pk},
    )
    return recommendation
