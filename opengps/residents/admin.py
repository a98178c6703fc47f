"""Admin: partner keys and their call log, read-only (a change here would bypass the audited
services); keys are revoked by an admin action that calls `partner_key_revoke`. Administrators
create and revoke keys on /residents/partners/ or with ``manage.py partner_keys``."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opengps.accounts.actors import signed_in_user
from opengps.core.errors import ServiceError
from opengps.registry.admin import ReadOnlyAdmin
from opengps.residents import services
from opengps.residents.models import PartnerCall, PartnerKey


@admin.register(PartnerKey)
class PartnerKeyAdmin(ReadOnlyAdmin):
    list_display = ["partner", "prefix", "scopes", "rate_per_minute", "active", "created_at", "revoked_at"]
    list_filter = ["active"]
    search_fields = ["partner", "prefix"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    @admin.action(description=gettext_lazy("吊销所选密钥"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[PartnerKey]) -> None:
        actor = signed_in_user(request)
        try:
            for key in queryset:
                services.partner_key_revoke(actor=actor, key=key, reason=_("管理后台吊销"))
        except ServiceError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, _("已吊销"), messages.SUCCESS)


@admin.register(PartnerCall)
class PartnerCallAdmin(ReadOnlyAdmin):
    list_display = ["at", "key", "method", "path", "status", "client", "repeats"]
    list_filter = ["status", "method"]
    search_fields = ["path", "key__partner", "key__prefix"]
    list_select_related = ["key"]
