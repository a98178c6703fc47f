"""Admin: the audit trail read-only; holiday years entered through the audited service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor, signed_in_user
from opengps.accounts.errors import Code as AccountsCode
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.models import AuditEvent, HolidayYear
from opengps.workbench.services import holiday_year_register


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["seq", "occurred_at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "object_repr", "actor_label", "action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HolidayYearForm(forms.ModelForm[HolidayYear]):
    holidays_text = forms.CharField(label=_("法定节假日（每行或逗号分隔一个日期）"), widget=forms.Textarea)
    workdays_text = forms.CharField(label=_("调休上班日"), widget=forms.Textarea, required=False)
    request_user: Actor | None = None
    """The signed-in administrator, set by `HolidayYearAdmin.get_form`."""

    class Meta:
        model = HolidayYear
        fields = ["year", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["holidays_text"].initial = "\n".join(self.instance.holidays)
            self.fields["workdays_text"].initial = "\n".join(self.instance.workdays)

    @staticmethod
    def split(text: str) -> list[str]:
        return [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        request_user = self.request_user
        if self.errors:
            return data
        try:
            if request_user is None:
                raise PermissionDenied(AccountsCode.AUTH_REQUIRED)
            self.saved = holiday_year_register(
                actor=request_user,
                year=data["year"],
                source=data["source"],
                holidays=self.split(data.get("holidays_text", "")),
                workdays=self.split(data.get("workdays_text", "")),
            )
        except ServiceError as exc:
            raise ValidationError(exc.text()) from exc
        return data


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin[HolidayYear]):
    form = HolidayYearForm
    change_list_template = "workbench/holiday_notice_admin_changelist.html"  # links the paste-a-notice page
    list_display = ["year", "source", "entered_by", "entered_at"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)

        class WithUser(form_class):  # type: ignore[misc,valid-type]
            request_user = signed_in_user(request)

        return WithUser

    def save_model(self, request: HttpRequest, obj: HolidayYear, form: Any, change: bool) -> None:
        # Already stored, audited and put in force by holiday_year_register() during clean().
        return None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
