"""Admin: accounts are created and their passwords set through the audited services (validated,
with a forced change at first login); other fields are read-only here. Login lockouts can be lifted."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from opengps.accounts import lockout, services
from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Unit, User
from opengps.core.errors import ServiceError
from opengps.core.forms import ServiceErrorFormMixin

_M = TypeVar("_M", bound=Model)


class ServiceModelForm(ServiceErrorFormMixin, forms.ModelForm[_M]):
    """An admin form whose row is written by an audited service while the form is cleaned.

    After the model's own validation (so a refusal there creates nothing), `through_service` is
    called with the cleaned data and its result kept as `saved` (the admin's ``save_model`` copies
    it); a `ServiceError` lands beside the field it names (`add_service_error`). `request_user` is
    the acting administrator, set by the admin's ``get_form``."""

    request_user: Any = None
    saved: _M

    def through_service(self, data: dict[str, Any]) -> _M:
        raise NotImplementedError

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        try:
            self.saved = self.through_service(self.cleaned_data)
        except ServiceError as exc:
            self.add_service_error(exc)


class UserAddForm(ServiceModelForm[User]):
    password1 = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("再次输入初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    service_field_aliases = {"password": "password1"}

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "unit", "organization", "phone"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data

    def through_service(self, data: dict[str, Any]) -> User:
        # The service checks the password, the role's unit or organization and the username again,
        # and audits.
        return services.user_create(
            actor=self.request_user,
            username=data["username"],
            password=data["password1"],
            role=data["role"],
            display_name=data.get("display_name") or "",
            unit=data.get("unit"),
            organization=data.get("organization"),
        )


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = [
        "username",
        "display_name",
        "role",
        "unit",
        "is_active",
        "must_change_password",
        "lock_status",
    ]
    list_filter = ["role", "is_active", "must_change_password", "password_is_public"]
    search_fields = ["username", "display_name"]
    list_select_related = ["unit"]
    actions = ["unlock_logins"]
    readonly_fields = ["security_links"]
    fields = [
        "username",
        "display_name",
        "role",
        "unit",
        "organization",
        "phone",
        "is_active",
        "is_staff",
        "must_change_password",
        "password_is_public",
        "password_changed_at",
        "last_login",
        "date_joined",
        "security_links",
    ]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = UserAddForm
            kwargs["fields"] = [*UserAddForm.Meta.fields, "password1", "password2"]
        form_class = super().get_form(request, obj, change, **kwargs)
        if obj is None:

            class WithUser(form_class):  # type: ignore[misc,valid-type]
                request_user = request.user

            return WithUser
        return form_class

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [*UserAddForm.Meta.fields, "password1", "password2"]
        return self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if obj is not None else []

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # Already created, validated and audited by user_create() while the form was cleaned.
        saved: User = form.saved
        obj.pk, obj.password, obj.must_change_password = saved.pk, saved.password, saved.must_change_password
        obj._state.adding = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a change here would bypass the services and the audit chain

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        # Recent failures per account in the same query (no query per row).
        return super().get_queryset(request).annotate(recent_failures=lockout.recent_failures_subquery())

    @admin.display(description=_("登录锁定"))
    def lock_status(self, obj: User) -> str:
        failures = getattr(obj, "recent_failures", None) or 0
        if failures >= lockout.failure_limit():
            return pgettext("login", "已锁定")
        return gettext("失败 %(n)s 次") % {"n": failures} if failures else "—"

    @admin.display(description=_("账户安全"))
    def security_links(self, obj: User) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:accounts_user_set_password", args=[obj.pk]),
            gettext("设置新密码"),
            reverse("accounts:user-logins", args=[obj.username]),
            gettext("登录记录与解锁"),
        )

    @admin.action(description=_("解除所选用户的登录锁定"))
    def unlock_logins(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        cleared = 0
        for user in queryset:
            try:
                cleared += services.user_login_unlock(
                    actor=signed_in_user(request), user=user, reason=gettext("管理后台解锁")
                )
            except ServiceError as exc:
                self.message_user(request, exc.text(), messages.ERROR)
                return
        self.message_user(
            request, gettext("已清除 %(n)s 条登录失败记录。") % {"n": cleared}, messages.SUCCESS
        )

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/set-password/",
                self.admin_site.admin_view(self.set_password_view),
                name="accounts_user_set_password",
            ),
            *super().get_urls(),
        ]

    def set_password_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Set a new password for someone (validated); they must change it at the next login."""
        if not self.has_view_permission(request):
            raise DjangoPermissionDenied
        subject = get_object_or_404(User, pk=pk)
        form = AdminPasswordChangeForm(subject, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.user_password_set(
                    actor=signed_in_user(request), user=subject, new_password=form.cleaned_data["password1"]
                )
            except ServiceError as exc:
                form.add_error("password1" if exc.field == "password1" else None, ValidationError(exc.text()))
            else:
                self.message_user(
                    request,
                    gettext("已为“%(username)s”设置新密码；其下次登录时须修改。")
                    % {"username": subject.username},
                )
                return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[subject.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("为“%(username)s”设置新密码") % {"username": subject.username},
            "form": form,
            "subject": subject,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/accounts/user/set_password.html", context)


class UnitForm(ServiceModelForm[Unit]):
    """A new unit through ``unit_create``; on an existing unit only its 统一社会信用代码 changes,
    through ``unit_uscc_set`` (validated, unique, audited)."""

    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "region", "parent", "uscc"]

    def through_service(self, data: dict[str, Any]) -> Unit:
        if self.instance._state.adding:
            return services.unit_create(
                actor=self.request_user,
                name=data["name"],
                kind=data["kind"],
                region=data["region"],
                parent=data.get("parent"),
                short_name=data.get("short_name") or "",
                uscc=data.get("uscc") or "",
            )
        return services.unit_uscc_set(
            actor=self.request_user,
            unit=self.instance,
            uscc=data.get("uscc") or "",
            reason=gettext("管理后台修改"),
        )


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    form = UnitForm
    list_display = ["name", "kind", "region", "uscc", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "uscc"]
    list_select_related = ["region"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)

        class WithUser(form_class):  # type: ignore[misc,valid-type]
            request_user = request.user

        return WithUser

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # only the code is edited here; the rest of an existing unit is read-only
        return ["name", "short_name", "kind", "region", "parent", "is_active"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        # Already written and audited by the service while the form was cleaned.
        saved: Unit = form.saved
        obj.pk, obj.uscc = saved.pk, saved.uscc
        obj._state.adding = False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# django-otp's own admin would show every device's secret (and its QR code) to any administrator
# and let devices be deleted without a reason; a reset goes through the audited
# `opengps.accounts.otp.totp_reset` on the user's login page instead.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
