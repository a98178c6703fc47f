"""Forms of the grant pages: parse input only; the services validate and decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Region
from opengps.grants.models import Application, AuditOpinion, PurposeArea, Round
from opengps.registry.forms import DateInput, ServiceErrorFormMixin


def _pairs(text: str, field: str, error: Any) -> list[tuple[str, str]]:
    """One pair per non-empty line, split on the first full-width or ASCII colon or comma."""
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        for sep in ("：", ":", "，", ","):
            if sep in line:
                left, right = line.split(sep, 1)
                pairs.append((left.strip(), right.strip()))
                break
        else:
            raise forms.ValidationError(error, code=field)
    return pairs


class ApplicationForm(ServiceErrorFormMixin, forms.Form):
    title = forms.CharField(label=_("项目名称"), max_length=200)
    purpose_area = forms.ChoiceField(label=_("资助方向"))
    beneficiary_region = forms.ChoiceField(label=_("服务区域"))
    starts_on = forms.DateField(label=_("计划开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("计划结束日期"), widget=DateInput())
    requested_amount = forms.CharField(label=_("申请金额（元）"), max_length=20)
    budget_lines = forms.CharField(
        label=_("预算明细"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项：用途：金额"),
    )
    indicators = forms.CharField(
        label=_("绩效指标"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一项：名称：目标值"),
    )
    summary = forms.CharField(label=_("项目简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    plan = forms.CharField(label=_("实施方案"), widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args: Any, round: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(PurposeArea.choices)
        self.fields["purpose_area"].choices = [(a, labels.get(a, a)) for a in round.purpose_areas]  # type: ignore[attr-defined]
        self.fields["beneficiary_region"].choices = [  # type: ignore[attr-defined]
            (r.pk, f"{r.pk} {r.full_name}") for r in Region.objects.order_by("pk")
        ]

    @staticmethod
    def initial_from(app: Application) -> dict[str, Any]:
        return {
            "title": app.title,
            "purpose_area": app.purpose_area,
            "beneficiary_region": app.beneficiary_region_id,
            "starts_on": app.starts_on,
            "ends_on": app.ends_on,
            "requested_amount": app.requested_amount,
            "budget_lines": "\n".join(f"{line['item']}：{line['amount']}" for line in app.budget_lines),
            "indicators": "\n".join(f"{i['name']}：{i['target']}" for i in app.indicators),
            "summary": app.summary,
            "plan": app.plan,
        }

    def clean_budget_lines(self) -> list[dict[str, str]]:
        pairs = _pairs(self.cleaned_data["budget_lines"], "budget_lines", _("预算明细每行应为“用途：金额”"))
        return [{"item": item, "amount": amount} for item, amount in pairs]

    def clean_indicators(self) -> list[dict[str, str]]:
        pairs = _pairs(self.cleaned_data["indicators"], "indicators", _("绩效指标每行应为“名称：目标值”"))
        return [{"name": name, "target": target} for name, target in pairs]

    def service_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values["beneficiary_region"] = Region.objects.get(pk=values["beneficiary_region"])
        return values


class ScoreSheetForm(ServiceErrorFormMixin, forms.Form):
    """One score field per application × criterion, and one comment per application."""

    def __init__(self, *args: Any, round: Round, applications: list[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applications = applications
        self.criteria = list(round.criteria)
        for app in applications:
            for c in self.criteria:
                self.fields[f"s{app.pk}_{c['code']}"] = forms.DecimalField(
                    label=f"{app.title} · {c['name']}（{c['weight']}）",
                    min_value=Decimal(0),
                    max_digits=6,
                    decimal_places=2,
                )
            self.fields[f"c{app.pk}"] = forms.CharField(
                label=_("评审意见：%(title)s") % {"title": app.title},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def add_service_error(self, exc: Any) -> None:
        self.add_error(None, str(exc.message))

    def sheet(self) -> dict[int, dict[str, Decimal]]:
        return {
            app.pk: {c["code"]: self.cleaned_data[f"s{app.pk}_{c['code']}"] for c in self.criteria}
            for app in self.applications
        }

    def comments(self) -> dict[int, str]:
        return {app.pk: self.cleaned_data.get(f"c{app.pk}", "") for app in self.applications}


class FinalAuditForm(ServiceErrorFormMixin, forms.Form):
    opinion = forms.ChoiceField(label=_("审计意见"), choices=AuditOpinion.choices)
    verified_spent = forms.CharField(label=_("审定支出（元）"), max_length=20)
    disallowed = forms.CharField(label=_("不合规支出（元）"), max_length=20, initial="0.00")
    findings = forms.CharField(
        label=_("审计发现"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_("每行一条"), required=False
    )
    completed_on = forms.DateField(label=_("审计完成日期"), widget=DateInput())

    def clean_findings(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["findings"].splitlines() if line.strip()]
