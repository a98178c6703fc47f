"""Admin: opinion records readable by platform admins; writes go through the services (audited)."""

from __future__ import annotations

from django.contrib import admin

from opengps.opinion.models import Alert, Decision, Item, Match, OrgName, Source
from opengps.registry.admin import ReadOnlyAdmin


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "url", "interval_minutes", "failures", "last_success_at", "next_fetch_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "url"]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "source", "tone", "topics", "published_at", "fetched_at", "duplicate_count"]
    list_filter = ["tone", "source"]
    search_fields = ["title", "url"]


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ["item", "organization", "name", "via"]
    search_fields = ["name"]


@admin.register(OrgName)
class OrgNameAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization", "kind"]
    search_fields = ["name"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["organization", "topic", "status", "opened_at", "decided_at"]
    list_filter = ["status", "topic"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["alert", "kind", "decided_by", "decided_at"]
    list_filter = ["kind"]
