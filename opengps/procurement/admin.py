"""Admin: procurements, lots and clarifications only.

Bids, bid versions and files, the documents register, enquiries (their askers), openings and
readouts are deliberately not registered: the admin site must not show bid content, bidders or
how many there are before the deadline (RULES.md §12), and it has no deadline-aware gate.
"""

from __future__ import annotations

from django.contrib import admin

from opengps.procurement.models import Clarification, Lot, Procurement


class LotInline(admin.TabularInline[Lot, Procurement]):
    model = Lot
    extra = 0
    can_delete = False


@admin.register(Procurement)
class ProcurementAdmin(admin.ModelAdmin[Procurement]):
    list_display = ("reference", "title", "method", "status", "purchaser", "bid_deadline")
    list_filter = ("method", "status")
    search_fields = ("reference", "title")
    exclude = ("wrapped_key",)
    inlines = [LotInline]

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

    def get_readonly_fields(self, request: object, obj: object = None) -> list[str]:
        # status and dates change only through the services (with their checks and audit)
        return [f.name for f in Procurement._meta.fields if f.name != "wrapped_key"]


@admin.register(Clarification)
class ClarificationAdmin(admin.ModelAdmin[Clarification]):
    list_display = ("procurement", "kind", "published_on", "postponed")
    readonly_fields = [f.name for f in Clarification._meta.fields]
