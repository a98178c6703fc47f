"""Forms of the performance screens: parse input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Unit
from opengps.catalog.models import CatalogItem
from opengps.contracts.models import Contract
from opengps.core.forms import ServiceErrorFormMixin
from opengps.performance.models import ConductRating

ANSWERS = [
    (5, _("非常满意")),
    (4, _("满意")),
    (3, _("一般")),
    (2, _("不满意")),
    (1, _("非常不满意")),
]


class EvaluationCreateForm(ServiceErrorFormMixin, forms.Form):
    contract = forms.ModelChoiceField(label=_("合同"), queryset=Contract.objects.none())
    period = forms.CharField(label=_("评价期间"), max_length=40, help_text=_("如 2025年度"))
    evaluator = forms.ModelChoiceField(
        label=_("第三方评价机构"),
        queryset=Unit.objects.filter(kind=Unit.Kind.EVALUATOR, is_active=True),
        required=False,
    )

    def __init__(self, *args: Any, contracts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts  # type: ignore[attr-defined]


class CodesForm(ServiceErrorFormMixin, forms.Form):
    count = forms.IntegerField(label=_("评价码数量"), min_value=1, max_value=2000, initial=20)


class SurveyForm(ServiceErrorFormMixin, forms.Form):
    code = forms.CharField(label=_("评价码"), max_length=20, help_text=_("服务提供方发给您的评价码"))
    answer = forms.TypedChoiceField(
        label=_("您对本项服务的总体满意程度"), choices=ANSWERS, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("意见建议（选填，请勿填写姓名、电话等个人信息）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TemplateForm(ServiceErrorFormMixin, forms.Form):
    name = forms.CharField(label=_("模板名称"), max_length=120)
    category = forms.ModelChoiceField(
        label=_("目录类别"),
        queryset=CatalogItem.objects.filter(level__lte=2, kind="item").order_by("version__year", "code"),
        required=False,
        help_text=_("留空为通用模板"),
    )
    indicators = forms.CharField(
        label=_("指标"),
        widget=forms.Textarea(attrs={"rows": 14, "class": "mono"}),
        help_text=_(
            "每行一个指标：代码 | 名称 | 权重 | 上级代码 | 满意度(是/空) | 评分标准(下限:分值,…)。"
            "同级权重合计须为 100。"
        ),
    )
    weight_self = forms.DecimalField(
        label=_("承接主体自评权重"), min_value=0, max_value=100, decimal_places=2
    )
    weight_purchaser = forms.DecimalField(
        label=_("购买主体评价权重"), min_value=0, max_value=100, decimal_places=2
    )
    weight_third_party = forms.DecimalField(
        label=_("第三方评价权重"), min_value=0, max_value=100, decimal_places=2
    )

    def indicator_list(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for line in self.cleaned_data["indicators"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + [""] * 6
            guide = []
            for band in filter(None, (b.strip() for b in parts[5].split(","))):
                minimum, _sep, points = band.partition(":")
                guide.append({"minimum": minimum, "points": points})
            items.append(
                {
                    "code": parts[0],
                    "name": parts[1],
                    "weight": parts[2],
                    "parent": parts[3] or None,
                    "survey": parts[4] in {"是", "yes", "1", "survey"},
                    "guide": guide,
                }
            )
        return items

    @staticmethod
    def lines_of(indicators: list[dict[str, Any]]) -> str:
        lines = []
        for i in indicators:
            guide = ",".join(f"{b['minimum']}:{b['points']}" for b in i.get("guide") or [])
            survey = "是" if i.get("survey") else ""
            lines.append(
                " | ".join([i["code"], i["name"], str(i["weight"]), i.get("parent") or "", survey, guide])
            )
        return "\n".join(lines)


class ConductForm(ServiceErrorFormMixin, forms.Form):
    rating = forms.ChoiceField(label=_("履职评价"), choices=ConductRating.choices)
    note = forms.CharField(label=_("具体情形"), max_length=1000, required=False)


class DeclineForm(ServiceErrorFormMixin, forms.Form):
    note = forms.CharField(label=_("不列入的理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
