"""Forms of the planning pages, one per action URL: they parse input, the services decide.

Fields are named as the services name them, so a refusal lands beside the field it concerns. A page
holds several forms, so each gives its inputs ids of its own (`auto_id`, prefixed by its `action`).
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Region
from opengps.catalog.content import yuan
from opengps.catalog.models import CatalogItem
from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.core.forms import ServiceErrorFormMixin
from opengps.core.inputs import DATE_MAX, DATE_MIN, INT32_MAX, LONG_TEXT, YEAR_MAX, YEAR_MIN
from opengps.planning import services
from opengps.planning.errors import Code
from opengps.planning.models import BudgetLine, DemandSurvey, FundSource
from opengps.rules.methods import MethodDecision
from opengps.rules.procedures import METHOD_NAMES_ZH

FACT_LABELS = {
    "complex_or_unspecifiable": _("技术复杂或者性质特殊，不能确定详细规格或者具体要求"),
    "price_not_computable": _("不能事先计算出价格总额"),
    "urgent": _("招标所需时间不能满足紧急需要"),
    "failed_open_tender": _("公开招标失败"),
    "only_one_supplier": _("只能从唯一供应商处采购"),
    "limited_suppliers": _("只能从有限范围的供应商处采购"),
    "recipients_outside_buyer_multiple_suppliers_needed": _("服务对象为本单位以外，需多家供应商供其选择"),
    "standardized_service": _("服务标准统一"),
}
_YEAR_MESSAGE = _("请填写 %(min)s 至 %(max)s 之间的四位数年度")
_DATE_ERRORS = {"invalid": cast(Any, Code.REQUEST_DATE_INVALID.message)}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label: Any, *, attrs: dict[str, Any] | None = None, **kwargs: Any) -> forms.DateField:
    """A ``YYYY-MM-DD`` date a person types, inside the sane window (`opengps.core.inputs`)."""
    return forms.DateField(
        label=label,
        widget=DateInput(attrs),
        input_formats=["%Y-%m-%d"],
        error_messages=_DATE_ERRORS,
        validators=[MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)],
        **kwargs,
    )


def year_field(label: Any) -> forms.IntegerField:
    message = cast(Any, _YEAR_MESSAGE) % {"min": YEAR_MIN, "max": YEAR_MAX}
    return forms.IntegerField(
        label=label,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={"invalid": message, "min_value": message, "max_value": message, "required": message},
    )


def text_field(label: Any, *, max_length: int = LONG_TEXT, rows: int = 0, **kwargs: Any) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(attrs=kwargs.pop("attrs", {}))
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget, **kwargs)


class PlanningForm(ServiceErrorFormMixin, forms.Form):
    """Base of the planning pages' forms: ids prefixed by the action, so a page's forms never clash."""

    action = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.action}-%s")
        super().__init__(*args, **kwargs)

    def add_service_error(self, exc: ServiceError) -> None:
        """As the mixin does, keeping the refusal's stable code on the error (the page carries it as
        a ``data-code`` attribute for tests and scripts; people read the message only)."""
        field = self.service_field_aliases.get(exc.field or "", exc.field)
        self.add_error(field if field in self.fields else None, ValidationError(exc.text(), code=exc.code))


class ConfirmForm(PlanningForm):
    """A button with nothing to fill in; a refusal shows above the button."""


class NoteForm(PlanningForm):
    note = text_field(_("意见"), attrs={"size": 30})


class ReasonForm(PlanningForm):
    reason = text_field(_("理由"), attrs={"size": 30})


# --- budget lines (the workbench) -------------------------------------------------------------------


class BudgetLineForm(PlanningForm):
    action = "budget_create"
    fiscal_year = year_field(_("年度"))
    code = forms.CharField(label=_("预算项目编码"), max_length=40, required=False)
    name = forms.CharField(label=_("预算项目名称"), max_length=200, required=False)
    fund_source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    amount = forms.CharField(
        label=_("金额（元）"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )


class BudgetSubmitForm(ConfirmForm):
    action = "budget_submit"


class BudgetApproveForm(NoteForm):
    action = "budget_approve"


class BudgetRejectForm(ReasonForm):
    action = "budget_reject"
    reason = text_field(_("退回理由"), attrs={"size": 10})


class BudgetReopenForm(ConfirmForm):
    action = "budget_reopen"


# --- projects -----------------------------------------------------------------------------------------


class ItemsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        """``A0401 养老服务 › 居家养老 › 上门服务``: the item under its two parents."""
        item = cast(CatalogItem, obj)
        parent = item.parent
        names = [p.name for p in (parent.parent if parent else None, parent) if p is not None]
        return f"{item.code} {' › '.join([*names, item.name])}"


class AreaField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return cast(Region, obj).full_name


class ProjectForm(PlanningForm):
    """申报 or 修改 a project; `items` and `areas` are what the actor may choose (selectors)."""

    action = "project"
    name = forms.CharField(
        label=_("项目名称"), max_length=200, required=False, widget=forms.TextInput(attrs={"size": 50})
    )
    fiscal_year = year_field(_("预算年度"))
    items = ItemsField(
        label=_("指导性目录事项（可多选）"),
        queryset=CatalogItem.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    description = text_field(_("服务内容"), rows=4)
    quantity = forms.CharField(label=_("服务数量"), max_length=30, required=False)
    quantity_unit = forms.CharField(label=_("计量单位"), max_length=20, required=False)
    estimated_amount = forms.CharField(
        label=_("预算估算（元）"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    recipients = forms.CharField(
        label=_("服务对象"), max_length=200, required=False, widget=forms.TextInput(attrs={"size": 50})
    )
    area = AreaField(label=_("服务区域"), queryset=Region.objects.none(), required=False, empty_label=None)
    term_start = date_field(_("服务期起"))
    term_end = date_field(_("服务期止"), attrs={"aria-label": _("服务期止")})
    term_reason = text_field(_("服务期超过一年的理由（政府购买服务管理办法 第二十四条）"), rows=3)
    is_public_service = forms.BooleanField(
        label=_("面向社会公众的公共服务（须开展需求调查）"), required=False, initial=True
    )

    def __init__(
        self, *args: Any, items: QuerySet[CatalogItem], areas: QuerySet[Region], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(ItemsField, self.fields["items"]).queryset = items
        cast(AreaField, self.fields["area"]).queryset = areas

    def service_kwargs(self, default_area: Region | None) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["items"] = list(data["items"])
        data["area"] = data["area"] or default_area
        return data


class SurveyForm(PlanningForm):
    action = "survey"
    method = forms.ChoiceField(label=_("调查方式"), choices=DemandSurvey.Method.choices)
    conducted_on = date_field(_("调查日期"))
    respondents = forms.IntegerField(
        label=_("调查对象数量"), min_value=0, max_value=INT32_MAX, required=False
    )
    findings = text_field(_("调查结论"), attrs={"size": 40})

    def service_kwargs(self) -> dict[str, Any]:
        return {**self.cleaned_data, "respondents": self.cleaned_data["respondents"] or 0}


class ProjectSubmitForm(ConfirmForm):
    action = "project_submit"


class ProjectApproveUnitForm(NoteForm):
    action = "project_approve_unit"


class ProjectApproveForm(NoteForm):
    action = "project_approve"


class ProjectReturnForm(ReasonForm):
    action = "project_return"
    reason = text_field(_("退回理由"), attrs={"size": 30})


class ProjectWithdrawForm(ReasonForm):
    action = "project_withdraw"
    reason = text_field(_("撤回理由"), attrs={"size": 30})


# --- purchase plans -----------------------------------------------------------------------------------


class MethodPreviewForm(PlanningForm):
    """The values the method preview reads (GET, or the plan form's posted values); never saves."""

    action = "preview"
    amount = forms.CharField(max_length=30, required=False)
    procurement_starts_on = date_field("", required=False)
    facts = forms.MultipleChoiceField(choices=list(FACT_LABELS.items()), required=False)
    method = forms.CharField(max_length=40, required=False)

    def decisions(self) -> tuple[MethodDecision, ...]:
        """Every method's decision for the values typed so far; () with the reason on the form when
        they cannot be judged yet (a preview is not a refusal: nothing is counted)."""
        if not self.is_valid():
            return ()
        data = self.cleaned_data
        try:
            amount = yuan(data["amount"])
            if amount <= 0:
                raise ServiceError(Code.PLANNING_AMOUNT_INVALID, field="amount")
            facts = services.purchase_facts(dict.fromkeys(data["facts"], True))
            return services.method_options(amount, facts, data["procurement_starts_on"] or clock.today())
        except ServiceError as exc:
            self.add_service_error(exc)
            return ()

    @property
    def problem(self) -> str:
        """The first reason the decisions cannot be shown, or ""."""
        return next((str(error) for errors in self.errors.values() for error in errors), "")

    @property
    def chosen(self) -> str:
        return str(self.data.get("method", "")) if self.is_bound else ""


class PlanForm(PlanningForm):
    """编制采购实施计划 from an approved project; `lines` are the budget lines the actor may see."""

    action = "plan"
    budget_line = forms.ModelChoiceField(
        label=_("预算指标"),
        queryset=BudgetLine.objects.none(),
        error_messages={
            "required": cast(Any, Code.PLANNING_BUDGET_REQUIRED.message),
            "invalid_choice": cast(Any, Code.PLANNING_BUDGET_NOT_FOUND.message),
        },
    )
    amount = forms.CharField(
        label=_("采购预算（元）"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    procurement_starts_on = date_field(_("预计采购开始日期（采购意向须提前至少30日公开）"))
    facts = forms.MultipleChoiceField(label=_("适用情形"), choices=list(FACT_LABELS.items()), required=False)
    method = forms.ChoiceField(
        label=_("采购方式"), choices=[(m.value, n) for m, n in METHOD_NAMES_ZH.items()]
    )
    requirements = text_field(_("采购需求（资格条件、技术和商务要求）"), rows=6)

    def __init__(self, *args: Any, lines: QuerySet[BudgetLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[BudgetLine]", self.fields["budget_line"]).queryset = lines

    def show_earliest(self, earliest: date, citation: str) -> None:
        """Say the earliest lawful start beside the date (and let the browser's picker start there);
        the service still decides."""
        field = self.fields["procurement_starts_on"]
        field.widget.attrs["min"] = earliest.isoformat()
        text: Any = _("最早可选 %(day)s：今天公开采购意向，须满30日方可开始采购（依据：%(citation)s）")
        field.help_text = text % {"day": earliest.isoformat(), "citation": citation}

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "budget_line": data["budget_line"],
            "method": data["method"],
            "procurement_starts_on": data["procurement_starts_on"],
            "facts": dict.fromkeys(data["facts"], True),
            "amount": data["amount"] or None,
            "requirements": data["requirements"],
        }


class PlanEditForm(PlanForm):
    """修改采购实施计划 while it is a draft (or returned by finance): the plan form again."""

    action = "plan_edit"


class RescheduleForm(PlanningForm):
    """调整预计采购开始日期 of a plan whose intention is not yet public."""

    action = "plan_reschedule"
    procurement_starts_on = date_field(_("新的预计采购开始日期"))
    reason = text_field(_("调整理由"), attrs={"size": 30})

    def show_earliest(self, earliest: date, citation: str) -> None:
        PlanForm.show_earliest(cast(PlanForm, self), earliest, citation)


class RequirementsForm(PlanningForm):
    action = "plan_requirements"
    requirements = text_field(_("采购需求"), rows=6)


class ComplianceForm(ReasonForm):
    action = "plan_confirm"
    reason = text_field(_("保留上述条款的理由"), attrs={"size": 50})


class PlanSubmitForm(ConfirmForm):
    action = "plan_submit"


class MethodApproveForm(NoteForm):
    action = "plan_approve_method"
    note = text_field(_("批准意见"), attrs={"size": 30})
    service_field_aliases = {"reason": "note"}


class MethodRejectForm(ReasonForm):
    action = "plan_reject_method"
    reason = text_field(_("退回理由"), attrs={"size": 30})


class IntentionForm(PlanningForm):
    action = "plan_intention"
    summary = text_field(_("采购需求概况"), attrs={"size": 40})


class StartForm(ConfirmForm):
    action = "plan_start"


class PlanCancelForm(ReasonForm):
    action = "plan_cancel"
    reason = text_field(_("取消理由"), attrs={"size": 30})

