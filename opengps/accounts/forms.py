"""Account forms: Django's password change form with the validators' reasons beside the new password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import forms as auth_forms


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def validate_password_for_user(self, user: Any, password_field_name: str = "password2") -> None:  # noqa: S107
        # Django files the reasons under the confirmation; they belong beside the new password.
        super().validate_password_for_user(user, password_field_name="new_password1")  # noqa: S106
