"""Forms of the contract pages: they only parse input; every rule is checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.contracts.models import AcceptanceResult, Contract, ContractKind, TerminationFault
from opengps.contracts.services import CheckInput, ReportFile
from opengps.core.forms import ServiceErrorFormMixin


class DateInput(forms.DateInput):
    input_type = "date"


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput)


def _text(label: Any, *, required: bool = True, rows: int = 2) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


def _lines(text: str) -> list[list[str]]:
    """Lines of ``a|b|c`` text, split and stripped; blank lines dropped."""
    return [[p.strip() for p in line.split("|")] for line in (text or "").splitlines() if line.strip()]


class ContractForm(ServiceErrorFormMixin, forms.Form):
    """Instance-bound action forms get the contract (for choices built from its rows); a service's
    refusal shows beside its field (the services call the attachments ``files``)."""

    service_field_aliases = {"files": "attachments"}

    def __init__(self, *args: Any, contract: Contract | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contract = contract

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class CreateForm(ContractForm):
    kind = forms.ChoiceField(label=_("合同类型"), choices=ContractKind.choices)
    title = forms.CharField(
        label=_("合同名称"), required=False, max_length=200, help_text=_("留空则用项目名称")
    )
    starts_on = _date(_("服务开始日期"))
    ends_on = _date(_("服务结束日期"))
    multi_year = forms.BooleanField(label=_("符合多年期合同条件（最长 3 年）"), required=False)
    performance_bond = forms.DecimalField(
        label=_("履约保证金（元）"), min_value=0, decimal_places=2, max_digits=14, initial=0
    )
    small_supplier = forms.ChoiceField(
        label=_("供应商为中小企业"),
        choices=[("auto", _("按投标声明")), ("yes", _("是")), ("no", _("否"))],
        initial="auto",
    )
    people_facing = forms.BooleanField(
        label=_("直接面向服务对象（验收须邀请服务对象）"), required=False, initial=True
    )
    report_every_days = forms.IntegerField(
        label=_("履约报告周期（天）"), min_value=1, max_value=366, initial=30
    )
    indicators = _text(_("绩效指标（每行：代码|名称|目标值|单位）"), required=False, rows=3)
    terms = _text(_("主要条款"), required=False, rows=4)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["small_supplier"] = {"auto": None, "yes": True, "no": False}[data["small_supplier"]]
        data["indicators"] = [
            {
                "code": p[0],
                "name": p[1] if len(p) > 1 else "",
                "target": p[2] if len(p) > 2 else "",
                "unit": p[3] if len(p) > 3 else "",
            }
            for p in _lines(data["indicators"])
        ]
        return data


class SignForm(ContractForm):
    signed_on = _date(_("签订日期"), required=False)
    late_reason = _text(_("逾期签订原因（超过期限时必填）"), required=False)


class PublishForm(ContractForm):
    late_reason = _text(_("逾期公告原因（超过期限时必填）"), required=False)


class AmendForm(ContractForm):
    added_amount = forms.DecimalField(label=_("追加金额（元）"), min_value=0, decimal_places=2, max_digits=14)
    new_ends_on = _date(_("变更后结束日期"), required=False)
    signed_on = _date(_("补充合同签订日期"), required=False)
    reason = _text(_("变更理由"))


class TerminateForm(ContractForm):
    fault = forms.ChoiceField(label=_("解除责任方"), choices=TerminationFault.choices)
    terminated_on = _date(_("解除日期"), required=False)
    reason = _text(_("解除原因"))


class MilestoneForm(ContractForm):
    title = forms.CharField(label=_("节点名称"), max_length=200)
    due_on = _date(_("计划完成日期"))
    note = forms.CharField(label=_("说明"), required=False)


class RowChoiceForm(ContractForm):
    """A form choosing one row of the contract (milestone, payment, post, acceptance)."""

    row_field = "row"
    row_label: Any = ""
    # the contract's related rows to choose from, and which of them are still open
    rows_of = ""
    rows_where: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = (
            list(getattr(self.contract, self.rows_of).filter(**self.rows_where))
            if self.contract is not None
            else []
        )
        self.fields[self.row_field] = forms.TypedChoiceField(
            label=self.row_label, coerce=int, choices=[(r.pk, str(r)) for r in rows]
        )
        self.order_fields([self.row_field])
        self._rows = {r.pk: r for r in rows}

    def row(self) -> Any:
        return self._rows[self.cleaned_data[self.row_field]]

    def service_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != self.row_field}


class MilestoneDoneForm(RowChoiceForm):
    row_label = _("履约节点")
    done_on = _date(_("实际完成日期"), required=False)

    rows_of, rows_where = "milestones", {"done_on__isnull": True}


class DeliverableForm(ContractForm):
    name = forms.CharField(label=_("交付内容"), max_length=200)
    standard = forms.CharField(label=_("验收标准"), required=False)


class PaymentForm(ContractForm):
    title = forms.CharField(label=_("款项名称"), max_length=200)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, decimal_places=2, max_digits=14)
    planned_on = _date(_("计划支付日期"), required=False)
    after_phase = forms.IntegerField(
        label=_("验收后支付（验收阶段序号）"), required=False, min_value=1, max_value=20
    )


class PaidForm(RowChoiceForm):
    row_label = _("款项")
    paid_on = _date(_("实际支付日期"), required=False)
    paid_amount = forms.DecimalField(
        label=_("实付金额（元）"), required=False, min_value=0, decimal_places=2, max_digits=14
    )
    voucher = forms.CharField(label=_("支付凭证号"), required=False, max_length=80)

    rows_of, rows_where = "payments", {"paid_on__isnull": True}


class PostForm(ContractForm):
    name = forms.CharField(label=_("岗位名称"), max_length=120)
    headcount = forms.IntegerField(label=_("人数"), min_value=1, max_value=10000)
    location = forms.CharField(label=_("服务地点"), max_length=200)
    duties = forms.CharField(label=_("岗位职责"), required=False)


class PlacementForm(RowChoiceForm):
    row_label = _("岗位")
    person_name = forms.CharField(label=_("姓名"), max_length=60)
    qualification = forms.CharField(label=_("资质"), required=False, max_length=200)
    starts_on = _date(_("到岗日期"))
    ends_on = _date(_("离岗日期"), required=False)

    rows_of = "posts"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [] if data in (None, "") else [super().clean(data, initial)]


class ReportForm(ContractForm):
    period_start = _date(_("报告期起"))
    period_end = _date(_("报告期止"))
    summary = _text(_("履约情况"), rows=4)
    attachments = MultipleFileField(label=_("附件（PDF、DOCX、XLSX、ZIP）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for indicator in self.contract.indicators if self.contract else []:
            self.fields[f"fig_{indicator['code']}"] = forms.DecimalField(
                label=f"{indicator['name']}（{indicator.get('unit', '')}）", required=False, max_digits=14
            )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "summary": data["summary"],
            "figures": {k[4:]: v for k, v in data.items() if k.startswith("fig_") and v is not None},
            "files": [ReportFile(f.name, f.read()) for f in data.get("attachments") or []],
        }


class AcceptanceForm(ContractForm):
    title = forms.CharField(label=_("阶段名称"), max_length=200)
    final = forms.BooleanField(label=_("最终验收（合格即完成合同）"), required=False)
    accepted_on = _date(_("验收日期"), required=False)
    members = _text(_("验收小组成员（每行：姓名|身份）"), rows=3)
    recipients_invited = forms.IntegerField(label=_("邀请服务对象人数"), min_value=0, initial=0)
    recipients_how = forms.CharField(label=_("邀请方式"), required=False, max_length=200)
    recipient_opinions = _text(
        _("服务对象意见（每行：姓名或代称|意见|是否满意 是/否）"), required=False, rows=3
    )
    result = forms.ChoiceField(label=_("验收结论"), choices=AcceptanceResult.choices)
    reasons = _text(_("结论理由（部分合格、不合格时必填）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deliverables = list(self.contract.deliverables.all()) if self.contract else []
        for d in self.deliverables:
            self.fields[f"check_{d.pk}"] = forms.ChoiceField(
                label=d.name,
                choices=[("pass", _("合格")), ("fail", _("不合格")), ("skip", _("本阶段不验收"))],
                initial="pass",
            )
            self.fields[f"reason_{d.pk}"] = forms.CharField(label=_("说明"), required=False)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        checklist = [
            CheckInput(d.pk, data[f"check_{d.pk}"] == "pass", data.get(f"reason_{d.pk}", ""))
            for d in self.deliverables
            if data.get(f"check_{d.pk}") != "skip"
        ]
        opinions = [
            {
                "who": p[0],
                "opinion": p[1] if len(p) > 1 else "",
                "satisfied": None if len(p) < 3 or not p[2] else p[2] in ("是", "满意", "yes", "y"),
            }
            for p in _lines(data["recipient_opinions"])
        ]
        return {
            "title": data["title"],
            "final": data["final"],
            "accepted_on": data["accepted_on"],
            "members": [{"name": p[0], "role": p[1] if len(p) > 1 else ""} for p in _lines(data["members"])],
            "recipients_invited": data["recipients_invited"],
            "recipients_how": data["recipients_how"],
            "recipient_opinions": opinions,
            "result": data["result"],
            "reasons": data["reasons"],
            "checklist": checklist,
        }


class AcceptancePublishForm(RowChoiceForm):
    row_label = _("验收阶段")

    rows_of, rows_where = "acceptances", {"published": False}
