"""Forms of the complaint clock screens: parse input only; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.challenges.models import ClockStopReason
from opengps.core.forms import ServiceErrorFormMixin


class ClockStopForm(ServiceErrorFormMixin, forms.Form):
    """Stop the complaint decision clock for one of the reasons of 财政部令第94号 第二十七条."""

    reason = forms.ChoiceField(label=_("中止事由"), choices=ClockStopReason.choices)
    note = forms.CharField(
        label=_("说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("发出的文书、受托单位或第三方、补正内容等"),
    )


class ClockResumeForm(ServiceErrorFormMixin, forms.Form):
    """Finance received the answer or the material: the clock resumes (财政部令第94号 第二十七条第二款)."""
