"""Forms of the challenge page and the complaint clock screens: parse input only; the services
validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.challenges.models import ClockStopReason
from opengps.core.forms import ActionForm, ServiceErrorFormMixin


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


# --- the challenge page's actions, one URL each (STYLE 14) -------------------------------------------
# Fields parse only: required text, the subject and the suspension's days are checked by the services,
# so their refusals (with the article) show beside the field.


def _is_yes(value: str) -> bool:
    return value == "1"


class ChallengeForm(ActionForm):
    """提出质疑: a supplier that took part names the subject and its grounds (GPL §52, O94 §10)."""

    action = "challenge"
    subject = forms.CharField(label=_("质疑事项"), max_length=40, required=False)
    text = forms.CharField(label=_("质疑内容和理由"), required=False)


class AnswerForm(ActionForm):
    """书面答复: an official of the procurement answers one challenge (O94 §13)."""

    action = "answer"
    row_field = "challenge"
    service_field_aliases = {"answer": "text"}
    challenge = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("答复"), required=False)


class ComplainForm(ActionForm):
    """提起投诉: the challenger complains to finance about the answer (O94 §17)."""

    action = "complain"
    row_field = "challenge"
    challenge = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("向财政部门投诉"), required=False)


class SuspendForm(ActionForm):
    """暂停采购活动: finance suspends the procurement for at most 30 days (O94 §28)."""

    action = "suspend"
    row_field = "complaint"
    complaint = forms.IntegerField(widget=forms.HiddenInput)
    days = forms.IntegerField(label=_("暂停天数"), required=False, initial=30)
    reason = forms.CharField(label=_("暂停理由"), required=False)


class ResumeForm(ActionForm):
    """恢复采购活动: finance lifts the suspension."""

    action = "resume"
    row_field = "complaint"
    complaint = forms.IntegerField(widget=forms.HiddenInput)


class DecideForm(ActionForm):
    """作出处理决定: finance upholds or dismisses the complaint (O94 §26, §29-32)."""

    action = "decide"
    row_field = "complaint"
    complaint = forms.IntegerField(widget=forms.HiddenInput)
    upheld = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("0", _("驳回投诉")), ("1", _("投诉成立"))],
        coerce=_is_yes,
        initial="0",
    )
    text = forms.CharField(label=_("处理决定"), required=False)


ACTION_FORMS: tuple[type[ActionForm], ...] = (
    ChallengeForm,
    AnswerForm,
    ComplainForm,
    SuspendForm,
    ResumeForm,
    DecideForm,
)
"""The page's action forms; each posts to its own URL, named after its `action`."""
