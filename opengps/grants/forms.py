"""Forms of the grant pages: parse input only; the services validate and decide."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Region, Unit
from opengps.core.forms import ServiceErrorFormMixin
from opengps.grants.models import (
    Application,
    AuditOpinion,
    CofundingCommitment,
    CofundingForm,
    CofundingSource,
    DonationChannel,
    InKindKind,
    Programme,
    PurposeArea,
    Round,
    Tranche,
)
from opengps.planning.models import BudgetLine, BudgetStatus, FundSource
from opengps.registry.forms import DateInput
from opengps.registry.models import OrgType
from opengps.rules import grants as rules

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


# ---------------------------------------------------------------------------------------------
# Funder screens: each form feeds exactly one service; the service decides.


class ProgrammeForm(ServiceErrorFormMixin, forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    fund_source = forms.ChoiceField(
        label=_("资金来源"), choices=FundSource.choices, initial=FundSource.WELFARE_LOTTERY
    )
    is_venture_philanthropy = forms.BooleanField(label=_("公益创投"), required=False)
    is_development_fund = forms.BooleanField(
        label=_("社会组织发展基金"), required=False, help_text=_("资金由财政资金和社会捐赠共同构成")
    )
    volunteer_hour_rate = forms.CharField(
        label=_("志愿服务折算标准（元/小时）"),
        max_length=10,
        required=False,
        help_text=_("用于把志愿服务时数折算为配套资金；不填表示不接受志愿服务折价"),
    )
    description = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


def _codes(text: str) -> list[str]:
    """Codes separated by commas, spaces or Chinese enumeration marks."""
    for sep in ("，", "、", ";", "；", " ", "\n"):
        text = text.replace(sep, ",")
    return [code.strip() for code in text.split(",") if code.strip()]


class RoundForm(ServiceErrorFormMixin, forms.Form):
    """A new round: money, conditions, timetable and scoring template (评分细则)."""

    programme = forms.ChoiceField(label=_("资助项目"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("批次名称"), max_length=200)
    budget_line = forms.ChoiceField(label=_("预算指标"), help_text=_("本单位已批复的预算指标"))
    total_amount = forms.CharField(label=_("资金总额（元）"), max_length=20)
    per_project_cap = forms.CharField(label=_("单个项目资助上限（元）"), max_length=20)
    purpose_areas = forms.MultipleChoiceField(
        label=_("资助方向"), choices=PurposeArea.choices, widget=forms.CheckboxSelectMultiple
    )
    org_types = forms.MultipleChoiceField(
        label=_("允许申报的组织类型"),
        choices=OrgType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("不选表示不限"),
    )
    min_rating = forms.TypedChoiceField(
        label=_("最低评估等级"),
        choices=[("", _("不限")), *[(str(n), f"{n}A") for n in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    min_years_registered = forms.IntegerField(label=_("最低成立年限"), min_value=0, max_value=50, initial=0)
    regions = forms.CharField(
        label=_("资助区划"),
        max_length=500,
        required=False,
        help_text=_("行政区划代码，多个用逗号分隔；不填表示不限"),
    )
    exclude_abnormal = forms.BooleanField(label=_("排除活动异常名录组织"), required=False, initial=True)
    call_opens = forms.DateField(label=_("申报开始"), widget=DateInput())
    call_closes = forms.DateField(label=_("申报截止"), widget=DateInput())
    review_by = forms.DateField(label=_("评审完成"), widget=DateInput())
    objection_days = forms.IntegerField(
        label=_("公示期（日）"), min_value=1, max_value=60, initial=rules.DEFAULT_OBJECTION_DAYS
    )
    agreement_by = forms.DateField(label=_("协议签订"), widget=DateInput())
    criteria = forms.CharField(
        label=_("评分细则"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项：代码：名称：分值，分值合计100"),
    )
    pass_score = forms.CharField(label=_("立项分数线"), max_length=6, initial="60")
    tranche_shares = forms.CharField(
        label=_("分期拨付比例（%）"),
        max_length=20,
        initial="50,30,20",
        help_text=_("1至3期，用逗号分隔，合计100"),
    )
    expert_category = forms.CharField(label=_("评审专业（目录类别代码）"), max_length=16, initial="A09")
    audit_firm = forms.ChoiceField(label=_("结项审计机构"), required=False)
    cofunding_min_share = forms.CharField(
        label=_("配套资金最低比例（%）"),
        max_length=6,
        required=False,
        help_text=_("占申请资助金额的比例；不填表示不要求"),
    )
    cofunding_min_amount = forms.CharField(
        label=_("配套资金最低金额（元）"), max_length=20, required=False, help_text=_("不填表示不要求")
    )
    call_text = forms.CharField(label=_("申报指南"), widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args: Any, unit: Unit | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.filter(funder_unit=unit).order_by("name")
        self.fields["programme"].choices = [(p.pk, p.name) for p in programmes]  # type: ignore[attr-defined]
        lines = BudgetLine.objects.filter(unit=unit, status=BudgetStatus.APPROVED).order_by(
            "-fiscal_year", "code"
        )
        self.fields["budget_line"].choices = [  # type: ignore[attr-defined]
            (line.pk, f"{line.fiscal_year} {line.code} {line.name}（{line.amount}）") for line in lines
        ]
        firms = Unit.objects.filter(kind=Unit.Kind.EVALUATOR).order_by("name")
        self.fields["audit_firm"].choices = [("", "—"), *[(f.pk, f.name) for f in firms]]  # type: ignore[attr-defined]

    def clean_regions(self) -> list[str]:
        return _codes(self.cleaned_data["regions"])

    def clean_criteria(self) -> list[dict[str, str]]:
        rows = []
        for line in self.cleaned_data["criteria"].splitlines():
            parts = [p.strip() for p in line.replace("：", ":").split(":")]
            if parts == [""]:
                continue
            if len(parts) != 3:
                raise forms.ValidationError(_("评分细则每行应为“代码：名称：分值”"), code="criteria")
            rows.append({"code": parts[0], "name": parts[1], "weight": parts[2]})
        return rows

    def clean_tranche_shares(self) -> list[int]:
        try:
            return [int(x) for x in _codes(self.cleaned_data["tranche_shares"])]
        except ValueError:
            raise forms.ValidationError(_("分期比例应为整数，用逗号分隔"), code="tranche_shares") from None

    def service_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values["programme"] = Programme.objects.get(pk=values["programme"])
        values["budget_line"] = BudgetLine.objects.get(pk=values["budget_line"])
        values["audit_firm"] = Unit.objects.get(pk=values["audit_firm"]) if values["audit_firm"] else None
        return values


class ReasonForm(ServiceErrorFormMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class AuditFirmForm(ServiceErrorFormMixin, forms.Form):
    firm = forms.ChoiceField(label=_("结项审计机构"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        firms = Unit.objects.filter(kind=Unit.Kind.EVALUATOR).order_by("name")
        self.fields["firm"].choices = [(f.pk, f.name) for f in firms]  # type: ignore[attr-defined]

    def service_values(self) -> dict[str, Any]:
        return {"firm": Unit.objects.get(pk=self.cleaned_data["firm"])}


class PanelDrawForm(ServiceErrorFormMixin, forms.Form):
    needed = forms.IntegerField(
        label=_("抽取人数"), min_value=3, max_value=15, initial=5, help_text=_("不少于3人的单数")
    )


class _ApplicationChoiceForm(ServiceErrorFormMixin, forms.Form):
    """A form naming one application among `applications` (offered by the view)."""

    application = forms.ChoiceField(label=_("项目"))

    def __init__(self, *args: Any, applications: list[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applications = {str(a.pk): a for a in applications}
        self.fields["application"].choices = [  # type: ignore[attr-defined]
            (a.pk, f"{a.title}（{a.organization}）") for a in applications
        ]
        self.order_fields(["application"])

    def service_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values["application"] = self.applications[values["application"]]
        return values


class PitchForm(_ApplicationChoiceForm):
    held_on = forms.DateField(label=_("路演日期"), widget=DateInput())
    location = forms.CharField(label=_("地点"), max_length=200)
    notes = forms.CharField(label=_("记录"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AgreementSignForm(_ApplicationChoiceForm):
    signed_on = forms.DateField(label=_("签订日期"), widget=DateInput())
    starts_on = forms.DateField(
        label=_("执行开始"), widget=DateInput(), required=False, help_text=_("不填则按申报计划")
    )
    ends_on = forms.DateField(
        label=_("执行结束"), widget=DateInput(), required=False, help_text=_("不填则按申报计划")
    )


class ObjectionForm(ServiceErrorFormMixin, forms.Form):
    """The public objection form of a notice (anonymous too)."""

    application = forms.ChoiceField(label=_("所涉项目"))
    filer_name = forms.CharField(label=_("提出人"), max_length=100, help_text=_("姓名或单位名称"))
    filer_contact = forms.CharField(
        label=_("联系方式"), max_length=100, help_text=_("电话或电子邮箱，仅资助单位可见")
    )
    text = forms.CharField(
        label=_("异议内容和理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args: Any, listed: list[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listed = {str(a.pk): a for a in listed}
        self.fields["application"].choices = [  # type: ignore[attr-defined]
            (a.pk, f"{a.rank}. {a.title}（{a.organization}）") for a in listed
        ]

    def service_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values["application"] = self.listed[values["application"]]
        return values


def verdict_field(
    label: StrOrPromise, yes: StrOrPromise, no: StrOrPromise, *, yes_first: bool
) -> forms.TypedChoiceField:
    """A yes/no verdict as two radio buttons (``"1"`` yes, ``"0"`` no) cleaned to a bool;
    `yes_first` says which of the two choices is listed first."""
    choices = [("1", yes), ("0", no)]
    return forms.TypedChoiceField(
        label=label,
        choices=choices if yes_first else choices[::-1],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )


class ObjectionDecideForm(ServiceErrorFormMixin, forms.Form):
    upheld = verdict_field(_("处理结果"), _("异议成立"), _("异议不成立"), yes_first=False)
    decision = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 2}))


class MidtermForm(ServiceErrorFormMixin, forms.Form):
    passed = verdict_field(
        _("中期评估结论"), _("通过，拨付下一期"), _("不通过，停止后续拨付"), yes_first=True
    )
    findings = forms.CharField(label=_("中期评估意见"), widget=forms.Textarea(attrs={"rows": 2}))
    reviewed_on = forms.DateField(label=_("评估日期"), widget=DateInput())


class FinalReviewForm(ServiceErrorFormMixin, forms.Form):
    score = forms.CharField(label=_("结项评价得分"), max_length=6, help_text=_("0至100分"))
    note = forms.CharField(label=_("结项评估意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reviewed_on = forms.DateField(label=_("评估日期"), widget=DateInput())


class FundReturnForm(ServiceErrorFormMixin, forms.Form):
    amount = forms.CharField(label=_("退回金额（元）"), max_length=20)
    returned_on = forms.DateField(label=_("退回日期"), widget=DateInput())
    document = forms.CharField(label=_("缴款凭证号"), max_length=80)


# ---------------------------------------------------------------------------------------------
# Co-funding (配套资金)


class CommitmentForm(ServiceErrorFormMixin, forms.Form):
    """One co-funding commitment of a draft application."""

    source = forms.ChoiceField(label=_("来源"), choices=CofundingSource.choices)
    form = forms.ChoiceField(label=_("形式"), choices=CofundingForm.choices, initial=CofundingForm.CASH)
    funder_name = forms.CharField(label=_("出资方"), max_length=200)
    charity = forms.CharField(
        label=_("接受捐赠的慈善组织"), max_length=200, required=False, help_text=_("个人捐赠须填写")
    )
    value = forms.CharField(
        label=_("金额或凭证金额（元）"),
        max_length=20,
        required=False,
        help_text=_("志愿服务按时数折算，无需填写"),
    )
    in_kind_kind = forms.ChoiceField(
        label=_("非现金类别"), choices=[("", "—"), *InKindKind.choices], required=False
    )
    hours = forms.CharField(label=_("志愿服务时数"), max_length=10, required=False)
    document = forms.CharField(
        label=_("计价凭证"),
        max_length=200,
        required=False,
        help_text=_("场地、物资须填写：租金报价、发票或捐赠票据"),
    )


class EvidenceForm(ServiceErrorFormMixin, forms.Form):
    evidence = forms.CharField(label=_("到位证明"), max_length=200, help_text=_("银行回单、捐赠协议或票据号"))
    evidence_on = forms.DateField(label=_("证明日期"), widget=DateInput())


class ReceiptForm(ServiceErrorFormMixin, forms.Form):
    """Co-funding received, reported with a released tranche."""

    tranche = forms.ChoiceField(label=_("所属拨付期次"))
    commitment = forms.ChoiceField(label=_("对应承诺"), required=False)
    source = forms.ChoiceField(label=_("来源"), choices=CofundingSource.choices)
    form = forms.ChoiceField(label=_("形式"), choices=CofundingForm.choices, initial=CofundingForm.CASH)
    donor = forms.CharField(label=_("捐赠方/出资方"), max_length=200)
    channel = forms.ChoiceField(
        label=_("渠道"), choices=DonationChannel.choices, initial=DonationChannel.DIRECT
    )
    charity = forms.CharField(label=_("接受捐赠的慈善组织"), max_length=200, required=False)
    charity_public_qualified = forms.BooleanField(label=_("慈善组织具有公开募捐资格"), required=False)
    restricted_purpose = forms.CharField(label=_("限定用途"), max_length=200, required=False)
    receipt_number = forms.CharField(label=_("票据或凭证号"), max_length=80, required=False)
    value = forms.CharField(label=_("金额或凭证金额（元）"), max_length=20, required=False)
    in_kind_kind = forms.ChoiceField(
        label=_("非现金类别"), choices=[("", "—"), *InKindKind.choices], required=False
    )
    hours = forms.CharField(label=_("志愿服务时数"), max_length=10, required=False)
    document = forms.CharField(label=_("计价凭证"), max_length=200, required=False)
    received_on = forms.DateField(label=_("到位日期"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        tranches: list[Tranche],
        commitments: list[CofundingCommitment],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._tranches = {str(t.pk): t for t in tranches}
        self._commitments = {str(c.pk): c for c in commitments}
        self.fields["tranche"].choices = [  # type: ignore[attr-defined]
            (str(t.pk), _("第 %(seq)s 期（%(milestone)s）") % {"seq": t.seq, "milestone": t.milestone})
            for t in tranches
        ]
        self.fields["commitment"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(str(c.pk), f"{c.get_source_display()} · {c.funder_name} · {c.value}") for c in commitments],
        ]

    def service_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values["tranche"] = self._tranches[values["tranche"]]
        values["commitment"] = self._commitments.get(values["commitment"] or "")
        return values


class DonationForm(ServiceErrorFormMixin, forms.Form):
    """A donation into a development fund (社会组织发展基金)."""

    source = forms.ChoiceField(
        label=_("来源"),
        choices=[(v, label) for v, label in CofundingSource.choices if v not in {"own", "public"}],
    )
    donor = forms.CharField(label=_("捐赠方"), max_length=200)
    amount = forms.CharField(label=_("金额（元）"), max_length=20)
    channel = forms.ChoiceField(
        label=_("渠道"), choices=DonationChannel.choices, initial=DonationChannel.DIRECT
    )
    charity = forms.CharField(label=_("接受捐赠的慈善组织"), max_length=200, required=False)
    charity_public_qualified = forms.BooleanField(label=_("慈善组织具有公开募捐资格"), required=False)
    restricted_purpose = forms.CharField(label=_("限定用途"), max_length=200, required=False)
    receipt_number = forms.CharField(label=_("捐赠票据号码"), max_length=80)
    received_on = forms.DateField(label=_("到账日期"), widget=DateInput())
