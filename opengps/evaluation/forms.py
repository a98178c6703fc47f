"""Forms of the evaluation screens that follow the one-action pattern: parse input only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ServiceError


class CallOffPublishForm(forms.Form):
    """Publish one call-off result (成交结果单笔公告, 财政部令第110号 第三十五条)."""

    late_reason = forms.CharField(
        label=_("逾期公告原因（超过期限时必填）"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def add_service_error(self, exc: ServiceError) -> None:
        """Show the service's error beside its field (or on top when it names none)."""
        self.add_error(exc.field if exc.field in self.fields else None, exc.text())
