"""Forms of the evaluation screens that follow the one-action pattern: parse input only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.core.forms import ServiceErrorFormMixin


class CallOffPublishForm(ServiceErrorFormMixin, forms.Form):
    """Publish one call-off result (成交结果单笔公告, 财政部令第110号 第三十五条)."""

    late_reason = forms.CharField(
        label=_("逾期公告原因（超过期限时必填）"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
