"""Forms of the registry screens: parse input only; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Region
from opengps.core.forms import ServiceErrorFormMixin
from opengps.registry.models import (
    AnnualReport,
    CommunityKind,
    CreditListKind,
    ImportJob,
    OrgStatus,
    OrgType,
    PenaltyKind,
    RegistrationLevel,
)
from opengps.rules.eligibility import ABNORMAL_REASONS, SERIOUS_REASONS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class OrganizationForm(ServiceErrorFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=120)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    org_type = forms.ChoiceField(label=_("类型"), choices=OrgType.choices)
    region = forms.ChoiceField(label=_("所在区划"))
    founded_on = forms.DateField(label=_("成立登记日期"), widget=DateInput(), required=False)
    registration_level = forms.ChoiceField(
        label=_("登记层级"),
        choices=[("", _("按登记管理机关确定")), *RegistrationLevel.choices],
        required=False,
    )
    business_scope = forms.CharField(label=_("业务范围"), widget=forms.Textarea, required=False)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=60, required=False)
    contact_person = forms.CharField(label=_("联系人"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    address = forms.CharField(label=_("住所"), max_length=200, required=False)
    is_charity = forms.BooleanField(label=_("慈善组织"), required=False)
    is_industry_association = forms.BooleanField(label=_("行业协会商会"), required=False)
    is_community_org = forms.BooleanField(label=_("社区社会组织"), required=False)
    community_kind = forms.ChoiceField(
        label=_("社区社会组织类别"), choices=[("", "—"), *CommunityKind.choices], required=False
    )
    reason = forms.CharField(label=_("变更原因"), required=False, max_length=500)

    def __init__(self, *args: Any, regions: list[Region], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field: Any = self.fields["region"]
        region_field.choices = [(r.code, f"{r.code} {r.full_name}") for r in regions]
        if not editing:
            del self.fields["reason"]


class RatingForm(ServiceErrorFormMixin, forms.Form):
    level = forms.TypedChoiceField(
        label=_("等级"), coerce=int, choices=[(n, f"{n}A") for n in range(5, 0, -1)]
    )
    awarded_on = forms.DateField(label=_("评定日期"), widget=DateInput())
    decision_no = forms.CharField(label=_("评估决定文号"), max_length=80, required=False)


class RatingRevokeForm(ServiceErrorFormMixin, forms.Form):
    rating_id = forms.IntegerField(widget=forms.HiddenInput)
    revoked_on = forms.DateField(label=_("撤销日期"), widget=DateInput())
    reason = forms.CharField(label=_("撤销原因"), max_length=500, required=False)


class AnnualReportForm(ServiceErrorFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2100)
    submitted_on = forms.DateField(label=_("报送日期"), widget=DateInput())
    result = forms.ChoiceField(label=_("结论"), choices=AnnualReport.Result.choices)


REASON_CHOICES = [
    ("", _("（其他，在下方说明）")),
    (_("活动异常名录事由"), [(code, text) for code, text in ABNORMAL_REASONS.items()]),
    (_("严重违法失信名单事由"), [(code, text) for code, text in SERIOUS_REASONS.items()]),
]


class CreditListForm(ServiceErrorFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("名录类型"), choices=CreditListKind.choices)
    reason_code = forms.ChoiceField(label=_("列入事由"), choices=REASON_CHOICES, required=False)
    reason = forms.CharField(label=_("事由说明"), max_length=500, required=False)
    decision_document = forms.CharField(label=_("决定文书号"), max_length=120, required=False)
    listed_on = forms.DateField(label=_("列入日期"), widget=DateInput())
    recommendation_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def reason_value(self) -> str:
        """A listed ground is stored by its code (the rules read it); otherwise the text."""
        return str(self.cleaned_data.get("reason_code") or self.cleaned_data.get("reason") or "")


class CreditDelistForm(ServiceErrorFormMixin, forms.Form):
    listing_id = forms.IntegerField(widget=forms.HiddenInput)
    removed_on = forms.DateField(label=_("移出日期"), widget=DateInput())
    reason = forms.CharField(label=_("移出事由"), max_length=500, required=False)
    document = forms.CharField(label=_("移出决定文书号"), max_length=120, required=False)


class PenaltyForm(ServiceErrorFormMixin, forms.Form):
    """An administrative penalty or criminal judgment as decided (政府采购法 第二十二条；条例 第十九条)."""

    kind = forms.ChoiceField(label=_("处罚种类"), choices=PenaltyKind.choices)
    decided_on = forms.DateField(label=_("处罚决定日期"), widget=DateInput())
    issuer = forms.CharField(label=_("处罚机关"), max_length=120, required=False)
    decision_document = forms.CharField(label=_("处罚决定书文号"), max_length=120, required=False)
    amount = forms.DecimalField(
        label=_("罚款金额（元）"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("仅罚款填写"),
    )
    for_business = forms.BooleanField(label=_("因违法经营受到处罚"), required=False, initial=True)
    large_by_issuer = forms.BooleanField(
        label=_("处罚机关认定为较大数额罚款"),
        required=False,
        help_text=_("如处罚经听证程序或法律、行政法规规定了该领域的较大数额罚款标准"),
    )
    ends_on = forms.DateField(
        label=_("禁止参加政府采购活动至"),
        widget=DateInput(),
        required=False,
        help_text=_("仅禁止参加政府采购活动填写"),
    )
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class StatusForm(ServiceErrorFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("变更为"),
        choices=[
            (OrgStatus.DEREGISTERED, OrgStatus.DEREGISTERED.label),
            (OrgStatus.REVOKED, OrgStatus.REVOKED.label),
        ],
    )
    on_date = forms.DateField(label=_("变更日期"), widget=DateInput())
    reason = forms.CharField(label=_("原因"), max_length=500, required=False)


class ImportForm(ServiceErrorFormMixin, forms.Form):
    file = forms.FileField(label=_("Excel 工作簿（.xlsx）"))
    mode = forms.ChoiceField(
        label=_("导入方式"),
        choices=ImportJob.Mode.choices,
        initial=ImportJob.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
