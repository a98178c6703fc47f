"""Password validators: Django's, with a message Django 5.2 left untranslated into Chinese."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django 5.2 reworded the too-short message and its Chinese catalogue has not caught up, so
    the platform says it in its own words (Chinese first, English in locale/en)."""

    def get_error_message(self) -> str:
        return gettext("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
