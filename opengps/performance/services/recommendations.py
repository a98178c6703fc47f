"""The registration authority's decision on a listing recommendation."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.core import audit, clock
from opengps.core.errors import Conflict, ServiceError
from opengps.performance.errors import Code
from opengps.performance.events import Event
from opengps.performance.models import (
    ListingRecommendation,
    RecommendationStatus,
)
from opengps.registry.services import require_manages


def recommendation_decline(
    *, actor: Actor, recommendation: ListingRecommendation, note: str, today: date | None = None
) -> ListingRecommendation:
    """The registration authority decides not to list the supplier, with its reasons."""
    require_manages(actor, recommendation.organization)
    note = note.strip()
    if not note:
        raise ServiceError(Code.PERFORMANCE_NOTE_REQUIRED, field="note")
    with transaction.atomic():
        recommendation = ListingRecommendation.objects.select_for_update().get(pk=recommendation.pk)
        if recommendation.status != RecommendationStatus.PENDING:
            raise Conflict(Code.PERFORMANCE_RECOMMENDATION_DECIDED, field="status")
        recommendation.status = RecommendationStatus.DECLINED
        recommendation.decided_on, recommendation.decision_note = (today or clock.today()), note
        recommendation.decided_by = actor
        recommendation.save(update_fields=["status", "decided_on", "decision_note", "decided_by"])
        audit.record(
            actor=actor,
            action=Event.PERFORMANCE_RECOMMENDATION_DECLINED,
            obj=recommendation.organization,
            reason=note,
            old={"recommendation": recommendation.pk, "status": RecommendationStatus.PENDING},
            new={"recommendation": recommendation.pk, "status": recommendation.status},
        )
    return recommendation


def recommendation_mark_listed(
    *, actor: Actor, recommendation: ListingRecommendation, listing: Any
) -> ListingRecommendation:
    """Called by `registry.services.credit_list` in its transaction when a listing follows a
    recommendation: the recommendation is decided, and the link goes both ways."""
    if not transaction.get_connection().in_atomic_block:  # pragma: no cover - programming error
        raise RuntimeError("recommendation_mark_listed runs inside the listing's transaction")
    recommendation = ListingRecommendation.objects.select_for_update().get(pk=recommendation.pk)
    if recommendation.status != RecommendationStatus.PENDING:
        raise Conflict(Code.PERFORMANCE_RECOMMENDATION_DECIDED, field="recommendation")
    if recommendation.organization_id != listing.organization_id:
        raise ServiceError(Code.PERFORMANCE_RECOMMENDATION_OTHER_ORG, field="recommendation")
    recommendation.status = RecommendationStatus.LISTED
    recommendation.decided_on, recommendation.decided_by = listing.listed_on, actor
    recommendation.decision_note = listing.decision_document
    recommendation.save(update_fields=["status", "decided_on", "decided_by", "decision_note"])
    audit.record(
        actor=actor,
        action=Event.PERFORMANCE_RECOMMENDATION_LISTED,
        obj=recommendation.organization,
        old={"recommendation": recommendation.pk, "status": RecommendationStatus.PENDING},
        new={"recommendation": recommendation.pk, "status": recommendation.status, "listing": listing.pk},
    )
    return recommendation
