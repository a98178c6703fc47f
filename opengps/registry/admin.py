"""Admin: registry records readable by platform admins; writes go through the services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from opengps.registry.models import AnnualReport, CreditListing, ImportJob, Organization, Penalty, Rating


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Browse and search only: a change here would bypass the services and the audit chain."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RatingInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Rating
    extra = 0
    can_delete = False
    readonly_fields = ["level", "awarded_on", "valid_until", "decision_no", "revoked_on", "revocation_reason"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CreditListingInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CreditListing
    extra = 0
    can_delete = False
    fk_name = "organization"
    readonly_fields = [
        "kind",
        "reason",
        "decision_document",
        "listed_on",
        "removed_on",
        "removal_reason",
        "removal_document",
        "decided_by",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "uscc",
        "org_type",
        "region",
        "status",
        "rating_level",
        "credit_level",
        "eligible",
    ]
    list_filter = ["org_type", "status", "credit_level", "registration_level"]
    search_fields = ["name", "uscc"]
    list_select_related = ["region"]
    inlines = [RatingInline, CreditListingInline]
    show_full_result_count = False


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["organization", "level", "awarded_on", "valid_until", "revoked_on"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__uscc", "decision_no"]


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ["organization", "year", "submitted_on", "result"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__uscc"]


@admin.register(CreditListing)
class CreditListingAdmin(ReadOnlyAdmin):
    list_display = ["organization", "kind", "listed_on", "removed_on", "decision_document"]
    list_filter = ["kind"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__uscc", "decision_document"]


@admin.register(Penalty)
class PenaltyAdmin(ReadOnlyAdmin):
    list_display = ["organization", "kind", "amount", "decided_on", "issuer", "decision_document", "ends_on"]
    list_filter = ["kind", "for_business"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__uscc", "decision_document", "issuer"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "created_by",
        "mode",
        "status",
        "total_rows",
        "created_count",
        "error_count",
        "created_at",
    ]
    list_filter = ["status", "mode"]
