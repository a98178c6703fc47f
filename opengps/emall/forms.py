"""Forms of the e-mall's screens: one per action URL; they parse input, the services decide.
Fields are named as the services name them, so a refusal lands beside the field it concerns."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Region
from opengps.catalog.models import CatalogItem
from opengps.core.forms import ServiceErrorFormMixin
from opengps.emall import selectors
from opengps.planning.models import BudgetLine

STARS = [(n, "★" * n) for n in range(5, 0, -1)]
DECISIONS = [("1", _("通过")), ("0", _("不通过"))]
FLAG_DECISIONS = [("0", _("价格合理，关闭提示")), ("1", _("确认异常并下架商品"))]


def _regions() -> Any:
    return Region.objects.order_by("code")


class ActionForm(ServiceErrorFormMixin, forms.Form):
    """Base: ids prefixed by the action, so a page's forms never clash."""

    action = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.action or 'f'}-%s")
        super().__init__(*args, **kwargs)


class ConfirmForm(ActionForm):
    """A button with nothing to fill in; a refusal shows above the button."""

    action = "confirm"


class SearchForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("目录事项"), queryset=CatalogItem.objects.none(), required=False, to_field_name="code"
    )
    region = forms.ModelChoiceField(label=_("服务区域"), queryset=_regions(), required=False)
    price_min = forms.DecimalField(
        label=_("最低单价（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    price_max = forms.DecimalField(
        label=_("最高单价（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    q = forms.CharField(label=_("关键词"), required=False, max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = selectors.searchable_items()  # type: ignore[attr-defined]


class EntryForm(ActionForm):
    action = "entry"
    items = forms.ModelMultipleChoiceField(
        label=_("入驻品目"), queryset=CatalogItem.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    contact_person = forms.CharField(label=_("联系人"), max_length=60)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30)
    statement = forms.CharField(
        label=_("申请说明"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = selectors.searchable_items()  # type: ignore[attr-defined]


class TermsForm(ActionForm):
    action = "terms"
    title = forms.CharField(label=_("服务名称"), max_length=120)
    standard = forms.CharField(
        label=_("服务标准与交付成果"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    unit = forms.CharField(label=_("计价单位"), max_length=20, help_text=_("如 人·月、人·次、户·月、项"))
    unit_price = forms.DecimalField(label=_("单价（元）"), min_value=0, max_digits=12, decimal_places=2)
    regions = forms.ModelMultipleChoiceField(label=_("服务区域"), queryset=_regions())
    response_days = forms.IntegerField(label=_("响应时间（日）"), min_value=0, max_value=365)
    qualifications = forms.CharField(
        label=_("人员资质"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def terms_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "standard": data["standard"],
            "unit": data["unit"],
            "unit_price": data["unit_price"],
            "regions": list(data["regions"]),
            "response_days": data["response_days"],
            "qualifications": data["qualifications"],
        }


class ListingForm(TermsForm):
    action = "listing"
    field_order = ["item"]
    item = forms.ModelChoiceField(label=_("目录事项"), queryset=CatalogItem.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = selectors.searchable_items()  # type: ignore[attr-defined]


class VersionForm(TermsForm):
    action = "version"


class BuyForm(ActionForm):
    action = "buy"
    budget_line = forms.ModelChoiceField(label=_("预算指标"), queryset=BudgetLine.objects.none())
    quantity = forms.DecimalField(label=_("数量"), min_value=0, max_digits=12, decimal_places=2)
    service_region = forms.ModelChoiceField(label=_("服务地点"), queryset=_regions())
    note = forms.CharField(
        label=_("需求说明"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = selectors.budget_lines_for_order(actor)  # type: ignore[attr-defined]


class NoteForm(ActionForm):
    action = "note"
    note = forms.CharField(label=_("说明"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class DeliverForm(NoteForm):
    action = "deliver"


class AcceptForm(NoteForm):
    action = "accept"


class ReasonForm(ActionForm):
    action = "reason"
    reason = forms.CharField(label=_("理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class PayForm(ActionForm):
    action = "pay"
    reference = forms.CharField(label=_("支付凭证号"), max_length=60)


class RateForm(ActionForm):
    action = "rate"
    stars = forms.TypedChoiceField(label=_("评价"), choices=STARS, coerce=int)
    comment = forms.CharField(
        label=_("评价内容"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(ActionForm):
    action = "decide"
    approve = forms.TypedChoiceField(label=_("审核结果"), choices=DECISIONS, coerce=lambda v: v == "1")
    note = forms.CharField(label=_("审核意见"), required=False, max_length=5000)


class FlagForm(ActionForm):
    action = "flag"
    uphold = forms.TypedChoiceField(label=_("处理"), choices=FLAG_DECISIONS, coerce=lambda v: v == "1")
    note = forms.CharField(label=_("处理意见"), max_length=2000)


class RoundForm(ActionForm):
    """发起竞价: the requirement, its ceiling price and window, the budget line it draws on."""

    action = "round"
    item = forms.ModelChoiceField(label=_("目录事项"), queryset=CatalogItem.objects.none())
    title = forms.CharField(label=_("需求名称"), max_length=120)
    quantity = forms.DecimalField(label=_("数量"), min_value=0, max_digits=12, decimal_places=2)
    measure_unit = forms.CharField(
        label=_("计价单位"), max_length=20, help_text=_("如 人·月、人·次、户·月、项")
    )
    service_region = forms.ModelChoiceField(label=_("服务地点"), queryset=_regions())
    standard = forms.CharField(
        label=_("服务标准与交付成果"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    ceiling = forms.DecimalField(
        label=_("最高限价（元）"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("报价高于最高限价的为无效报价"),
    )
    budget_line = forms.ModelChoiceField(label=_("预算指标"), queryset=BudgetLine.objects.none())
    opens_at = forms.DateTimeField(
        label=_("开始时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("不填则立即开始"),
    )
    closes_at = forms.DateTimeField(
        label=_("截止时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = selectors.round_items(actor)  # type: ignore[attr-defined]
        self.fields["budget_line"].queryset = selectors.budget_lines_for_order(actor)  # type: ignore[attr-defined]


class QuoteForm(ActionForm):
    """报价 (or improve it): the total price, sealed on receipt."""

    action = "quote"
    price = forms.DecimalField(
        label=_("报价总价（元）"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("报价加密封存，截止后方可开启；截止前可多次更新，以最后一次为准"),
    )


class CloseForm(ActionForm):
    """开启报价: a button; refused before the close."""

    action = "close"
