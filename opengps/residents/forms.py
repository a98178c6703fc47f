"""Residents' forms: the finder, a rating, a complaint or suggestion, the lookup by tracking number,
and the purchaser's answer. Each shows a service's refusal beside its field (STYLE 14)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.core.forms import ActionForm, ServiceErrorFormMixin
from opengps.residents import selectors
from opengps.residents.models import FeedbackKind, PartnerScope
from opengps.residents.photos import MAX_PHOTOS, Photo, max_bytes
from opengps.residents.services import MAX_ANSWER, MAX_TEXT, PARTNER_RATE_BOUNDS

STARS = [
    (5, _("5 星 · 非常满意")),
    (4, _("4 星 · 满意")),
    (3, _("3 星 · 一般")),
    (2, _("2 星 · 不满意")),
    (1, _("1 星 · 很不满意")),
]
PHOTOS_HELP = _(
    "最多 %(n)s 张，JPG、PNG 或 WebP 格式。照片只给答复的工作人员看，不会公开；照片里的拍摄地点等信息会被去掉"
)
NO_PERSONAL_DATA = _("请不要填写姓名、电话、身份证号等个人信息")


class FinderForm(ServiceErrorFormMixin, forms.Form):
    county = forms.ChoiceField(label=_("您住在哪个县（市、区）"), choices=())
    township = forms.CharField(
        label=_("哪个乡镇（街道）（选填）"),
        max_length=9,
        required=False,
        help_text=_("选好县（市、区）查找一次后，这里可以选乡镇（街道），看那里的社工站"),
        widget=forms.Select(),
    )
    need = forms.ChoiceField(label=_("您需要哪方面的服务"), choices=(), widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = self.fields["county"]
        need = self.fields["need"]
        assert isinstance(county, forms.ChoiceField) and isinstance(need, forms.ChoiceField)
        county.choices = [("", _("请选择"))] + [
            (r.code, f"{r.parent.name if r.parent else ''} {r.name}".strip()) for r in selectors.counties()
        ]
        need.choices = [(n.key, n.label) for n in selectors.needs()]
        chosen = str(self.data.get("county", "")) if self.is_bound else ""
        self.township_codes = {t.code: t.name for t in selectors.townships(chosen)} if chosen else {}
        widget = self.fields["township"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = [("", _("全县（市、区）")), *self.township_codes.items()]

    def clean_township(self) -> str:
        """A township of another county is dropped, not refused: the resident changed the county
        and the township list follows it (the API, which has no such list, refuses it)."""
        code = str(self.cleaned_data.get("township") or "")
        return code if code in self.township_codes else ""


class RateForm(ActionForm):
    action = "rate"
    stars = forms.TypedChoiceField(
        label=_("您给这项服务打几颗星"), choices=STARS, coerce=int, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("想说的话（选填）"),
        max_length=MAX_TEXT,
        required=False,
        help_text=NO_PERSONAL_DATA,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    code = forms.CharField(
        label=_("评价码（选填）"),
        max_length=20,
        required=False,
        help_text=_(
            "服务人员发给您的8位评价码。有评价码的评价计入服务的绩效评价；没有也可以提交，会标注为“未核实”"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files under one name; the service checks how many, their size and their content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(d, initial) for d in data if d]
        return [] if data in (None, "") else [super().clean(data, initial)]


class FileForm(ActionForm):
    action = "file"
    kind = forms.ChoiceField(
        label=_("您要"),
        choices=[(FeedbackKind.COMPLAINT, _("投诉：服务出了问题")), (FeedbackKind.SUGGESTION, _("提建议"))],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("请写下具体情况"),
        max_length=MAX_TEXT,
        help_text=NO_PERSONAL_DATA,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photos = MultiplePhotoField(label=_("照片（选填）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = PHOTOS_HELP % {"n": MAX_PHOTOS}

    def photo_list(self) -> list[Photo]:
        """The uploaded photos, each read up to one byte past the size limit (enough to refuse it)."""
        limit = max_bytes() + 1
        return [Photo(f.name or "", f.read(limit)) for f in self.cleaned_data.get("photos") or []]


class TrackForm(ServiceErrorFormMixin, forms.Form):
    tracking = forms.CharField(
        label=_("查询编号"),
        max_length=30,
        help_text=_("提交后页面上显示的12位编号"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class AnswerForm(ActionForm):
    action = "answer"
    answer = forms.CharField(
        label=_("答复内容"), max_length=MAX_ANSWER, widget=forms.Textarea(attrs={"rows": 4})
    )


class PartnerKeyForm(ActionForm):
    action = "create"
    partner = forms.CharField(label=_("合作方（应用名称）"), max_length=100, help_text=_("例如：湘易办"))
    scopes = forms.MultipleChoiceField(
        label=_("授权范围"), choices=PartnerScope.choices, widget=forms.CheckboxSelectMultiple
    )
    rate_per_minute = forms.IntegerField(
        label=_("每分钟调用上限"),
        initial=60,
        min_value=PARTNER_RATE_BOUNDS[0],
        max_value=PARTNER_RATE_BOUNDS[1],
    )


class PartnerRevokeForm(ActionForm):
    action = "revoke"
    reason = forms.CharField(label=_("吊销原因"), max_length=500, required=False)
