"""Forms of the opinion pages: the desk's filters (GET) and the alert's decision (one POST URL); they
parse input only, the services check who may act and refuse beside the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.core.forms import ActionForm
from opengps.opinion.models import DecisionKind, ItemTone, ItemTopic, Source


class FilterForm(forms.Form):
    """监测台的筛选条件."""

    q = forms.CharField(label=_("关键词"), max_length=60, required=False)
    tone = forms.ChoiceField(label=_("倾向"), choices=[("", _("全部")), *ItemTone.choices], required=False)
    topic = forms.ChoiceField(label=_("话题"), choices=[("", _("全部")), *ItemTopic.choices], required=False)
    matched = forms.ChoiceField(
        label=_("涉及组织"),
        choices=[("", _("全部")), ("yes", _("已匹配到组织")), ("no", _("未匹配到组织"))],
        required=False,
    )
    organization = forms.IntegerField(
        label=_("组织编号"), required=False, min_value=1, widget=forms.HiddenInput
    )


class DecisionForm(ActionForm):
    """对预警作出处理决定：列入活动异常名录须由登记管理机关按程序作出并填写决定文书号."""

    action = "decide"
    kind = forms.ChoiceField(label=_("处理决定"), choices=DecisionKind.choices)
    note = forms.CharField(label=_("研判意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    decision_document = forms.CharField(
        label=_("决定文书号"),
        max_length=120,
        required=False,
        help_text=_("仅在列入活动异常名录时填写"),
    )


class ToneCorrectionForm(ActionForm):
    """更正信息的倾向：更正连同理由保留，并计入更正统计."""

    action = "tone"
    tone = forms.ChoiceField(label=_("更正后倾向"), choices=ItemTone.choices)
    note = forms.CharField(label=_("更正理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class FileImportForm(ActionForm):
    """导入监测机构文件：CSV、Excel（.xlsx）或 JSON，带表头（标题、来源、链接、时间、正文）."""

    action = "import"
    source = forms.ModelChoiceField(
        label=_("导入来源"),
        queryset=Source.objects.none(),
        required=False,
        empty_label=_("监测机构文件（默认）"),
    )
    file = forms.FileField(label=_("文件（CSV、Excel 或 JSON）"))

    def __init__(self, *args: Any, sources: list[Source] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Source.objects.filter(pk__in=[source.pk for source in sources or []])


class ItemEntryForm(ActionForm):
    """人工录入一条舆情信息."""

    action = "enter"
    title = forms.CharField(label=_("标题"), max_length=300)
    outlet = forms.CharField(label=_("来源媒体"), max_length=120, required=False)
    url = forms.CharField(label=_("链接"), max_length=500, required=False)
    published_at = forms.DateTimeField(
        label=_("发布时间"), required=False, help_text=_("如 2027-03-01 09:30")
    )
    text = forms.CharField(
        label=_("正文"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
