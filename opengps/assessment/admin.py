"""Admin: assessment records readable by platform admins; writes go through the services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from opengps.assessment.models import Application, IndicatorSet, Link, Objection, Round, ScoreSheet


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Browse and search only: a change here would bypass the services and the audit chain."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IndicatorSet)
class IndicatorSetAdmin(ReadOnlyAdmin):
    list_display = ["name", "org_type", "version", "effective_from", "total_points"]
    list_filter = ["org_type"]


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "authority", "registration_level", "opens_on", "closes_on", "status"]
    list_filter = ["status", "registration_level"]
    search_fields = ["name"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["organization", "round", "status", "score", "proposed_level"]
    list_filter = ["status"]
    search_fields = ["organization__name", "organization__uscc"]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    list_display = ["application", "assessor", "total", "visited_on"]
    exclude = ["scores"]


@admin.register(Link)
class LinkAdmin(ReadOnlyAdmin):
    list_display = ["organization", "assessor", "body", "relation"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["application", "round", "filed_on", "status", "decided_on"]
    list_filter = ["status"]
