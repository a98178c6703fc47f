"""Forms of the procurement page's actions: one per action URL; they parse input, the services decide.

Fields are named as the services name them, so a refusal lands beside the field it concerns. The
page holds many forms, so each gives its inputs ids of its own (`auto_id`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opengps.core import clock
from opengps.core import forms as core_forms
from opengps.core.inputs import BIGINT_MAX, INT32_MAX, deadline_problem
from opengps.procurement.errors import Code
from opengps.procurement.models import Clarification
from opengps.procurement.services import PREFERENCES

FRAMEWORK_FIRST_STAGES = [("price_first", _("价格优先法")), ("quality_first", _("质量优先法"))]
FRAMEWORK_SECOND_STAGES = [("direct", _("直接选定")), ("rebid", _("二次竞价")), ("rotation", _("顺序轮候"))]


class MomentField(forms.CharField):
    """A ``datetime-local`` value, read as Beijing time when it carries no zone, inside the sane
    deadline window (`opengps.core.inputs.deadline_problem`)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})

    def to_python(self, value: Any) -> datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(str(Code.REQUEST_DATETIME_INVALID.message), code="invalid") from None
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=clock.BEIJING)
        problem = deadline_problem(moment)
        if problem is not None:
            raise ValidationError(problem, code="deadline_too_far")
        return moment


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ActionForm(core_forms.ActionForm):
    """Base of the procurement page's forms (ids prefixed by the action, errors shown in the posted
    row: `opengps.core.forms.ActionForm`); a form posted from one row of a list names an enquiry, an
    objection or a lot."""


class ConfirmForm(ActionForm):
    """A button with nothing to fill in; a refusal shows above the button."""


class OpenForm(ConfirmForm):
    action = "open"


class CloseNoticeForm(ConfirmForm):
    action = "close_notice"


class ObtainForm(ConfirmForm):
    action = "obtain"


class DocumentsForm(ActionForm):
    action = "documents"
    documents = forms.CharField(
        label=_("采购文件"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class FrameworkTermsForm(ActionForm):
    action = "framework_terms"
    first_stage = forms.TypedChoiceField(
        label=_("入围评审方法"), choices=FRAMEWORK_FIRST_STAGES, required=False, empty_value="price_first"
    )
    elimination_rate = forms.CharField(
        label=_("淘汰比例"), required=False, max_length=20, widget=forms.TextInput(attrs={"size": 6})
    )
    max_members = forms.IntegerField(
        label=_("入围数量上限"), required=False, min_value=0, max_value=INT32_MAX
    )
    second_stage = forms.TypedChoiceField(
        label=_("第二阶段成交方式"), choices=FRAMEWORK_SECOND_STAGES, required=False, empty_value="direct"
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "first_stage": data["first_stage"],
            "second_stage": data["second_stage"],
            "elimination_rate": data["elimination_rate"] or "1/5",
            "max_members": data["max_members"] or None,
        }


class DrawForm(ActionForm):
    action = "draw"
    count = forms.IntegerField(label=_("抽取数量"), required=False, min_value=0, max_value=99, initial=3)
    region = forms.CharField(
        label=_("区划代码"), required=False, max_length=12, widget=forms.TextInput(attrs={"size": 8})
    )
    keyword = forms.CharField(label=_("业务范围关键词"), required=False, max_length=100)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        count = data["count"]
        return {"count": 3 if count is None else count, "region": data["region"], "keyword": data["keyword"]}


class AnnounceForm(ActionForm):
    action = "announce"
    bid_deadline = MomentField(label=_("投标截止时间"))
    opening_place = forms.CharField(label=_("开标地点"), required=False, max_length=200)
    bid_deposit = forms.CharField(
        label=_("投标保证金（元）"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    documents_until = forms.DateField(
        label=_("采购文件提供截止日期"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": cast(Any, Code.REQUEST_DATE_INVALID.message)},
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {**self.cleaned_data, "bid_deposit": self.cleaned_data["bid_deposit"] or None}


class ClarifyForm(ActionForm):
    action = "clarify"
    kind = forms.ChoiceField(label=_("类型"), choices=Clarification.Kind.choices)
    text = forms.CharField(label=_("内容"), required=False, widget=forms.TextInput(attrs={"size": 40}))
    affects_bids = forms.BooleanField(label=_("可能影响投标文件编制"), required=False, initial=True)
    new_deadline = MomentField(label=_("新的截止时间（可选）"), required=False)


class AnswerForm(ActionForm):
    action = "answer"
    row_field = "enquiry"
    enquiry = forms.CharField(widget=forms.HiddenInput, max_length=64)
    answer = forms.CharField(label=_("答复"), required=False, widget=forms.TextInput(attrs={"size": 40}))


class ObjectionDecideForm(ActionForm):
    action = "decide_objection"
    row_field = "objection"
    objection = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=BIGINT_MAX)
    text = forms.CharField(label=_("处理意见"), required=False)
    uphold = forms.TypedChoiceField(
        choices=[("1", _("异议成立")), ("0", _("异议不成立"))], coerce=lambda v: v == "1"
    )


class FailedForm(ActionForm):
    """A failed procurement's next step: re-tender, or ask finance for another method (one form
    on the page, a button per action URL)."""

    action = "failed"
    reason = forms.CharField(label=_("理由"), required=False, max_length=2000)
    method = forms.CharField(label=_("变更为"), required=False, max_length=40)


class CancelForm(ActionForm):
    action = "cancel"
    reason = forms.CharField(label=_("终止理由"), required=False, max_length=2000)


class MethodDecisionForm(ActionForm):
    action = "decide_method_change"
    note = forms.CharField(label=_("审核意见"), required=False, max_length=2000)
    approve = forms.TypedChoiceField(
        choices=[("1", _("批准")), ("0", _("不予批准"))], coerce=lambda v: v == "1"
    )


class AskForm(ActionForm):
    action = "ask"
    question = forms.CharField(
        label=_("询问事项"), required=False, widget=forms.TextInput(attrs={"size": 40})
    )


class ObjectForm(ActionForm):
    action = "object"
    text = forms.CharField(
        label=_("对单一来源公示提出异议"), required=False, widget=forms.TextInput(attrs={"size": 40})
    )


class LotForm(ActionForm):
    """A supplier's act on one lot of its bid (withdraw; the base of submit and modify)."""

    action = "bid"
    row_field = "lot"
    lot = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=INT32_MAX)


class BidForm(LotForm):
    """Submit or modify: the price, the files (read by the API's shared parser), contact and
    preferences. File fields are declared so a refusal naming one shows beside it."""

    price_total = forms.CharField(
        label=_("投标总价（元）"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    qualification = forms.FileField(label=_("资格证明文件"), required=False)
    technical = forms.FileField(label=_("技术（服务）响应文件"), required=False)
    price_schedule = forms.FileField(label=_("报价表"), required=False)
    other = forms.Field(label=_("其他文件"), required=False, widget=MultipleFileInput)
    contact_name = forms.CharField(label=_("投标联系人"), required=False)
    contact_phone = forms.CharField(label=_("联系电话"), required=False)
    preferences = forms.MultipleChoiceField(
        label=_("声明的政策优惠"), required=False, choices=list(PREFERENCES.items())
    )

    service_field_aliases = {"files": "other"}


# --- creating a procurement from a plan (its own page) -----------------------------------------------


class AgencyField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "name", obj))


class ProcurementCreateForm(ActionForm):
    """创建采购项目 from a plan: pre-filled from the plan, with the evaluation factors of its
    catalogue category. Factor rows come as repeated ``factor_name`` / ``factor_points`` inputs;
    their refusals show beside the factor table (``factors``)."""

    action = "create"
    title = forms.CharField(
        label=_("项目名称"), required=False, max_length=200, widget=forms.TextInput(attrs={"size": 50})
    )
    agency = AgencyField(
        label=_("委托采购代理机构"), queryset=None, required=False, empty_label=_("自行组织（不委托）")
    )
    documents = forms.CharField(
        label=_("采购文件（资格条件、服务要求、合同条款）"),
        required=False,
        strip=False,
        max_length=200000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    price_weight = forms.CharField(
        label=_("价格分占比（%）"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )
    factors = forms.Field(label=_("评审因素及分值"), required=False, widget=forms.HiddenInput)
    single_source_uscc = forms.CharField(
        label=_("单一来源供应商统一社会信用代码"), required=False, max_length=18
    )
    single_source_reason = forms.CharField(label=_("单一来源理由"), required=False, max_length=2000)

    service_field_aliases = {"single_source_supplier": "single_source_uscc", "plan": "", "lots": ""}

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(AgencyField, self.fields["agency"]).queryset = agencies

    def rows(self) -> list[tuple[str, str]]:
        """The factor rows as typed (bound) or as pre-filled (initial), blank rows kept."""
        if self.is_bound:
            names = self.data.getlist("factor_name") if hasattr(self.data, "getlist") else []
            points = self.data.getlist("factor_points") if hasattr(self.data, "getlist") else []
            width = max(len(names), len(points))
            names, points = [*names, *[""] * width][:width], [*points, *[""] * width][:width]
            return [(str(n)[:200], str(p)[:20]) for n, p in zip(names, points, strict=True)][:40]
        return list(self.initial.get("factor_rows", []))

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "agency": data["agency"],
            "documents": data["documents"],
            "single_source_reason": data["single_source_reason"],
            "factors": self.rows(),
            "price_weight": data["price_weight"],
        }
