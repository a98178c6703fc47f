"""Reads of the registry shaped for screens and the API."""

from __future__ import annotations

from django.utils import timezone

from opengps.registry.models import CreditListing, CreditListKind, Organization, Rating


def registry_overview() -> dict[str, int]:
    today = timezone.localdate()
    active = CreditListing.objects.filter(listed_on__lte=today, removed_on__isnull=True)
    return {
        "organizations": Organization.objects.count(),
        "rated_3a_plus": Rating.objects.filter(
            level__gte=3, awarded_on__lte=today, valid_until__gt=today, revoked_on__isnull=True
        ).values("organization").distinct().count(),
        "abnormal": active.filter(kind=CreditListKind.ABNORMAL).values("organization").distinct().count(),
        "serious": active.filter(kind=CreditListKind.SERIOUS).values("organization").distinct().count(),
    }
