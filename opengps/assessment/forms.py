"""Forms of the assessment pages, one URL each (STYLE 14): they parse input only; the services check
who may act and refuse beside the field they name (a sheet's refusal beside the indicator's box)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Unit
from opengps.assessment.models import Application, Finding, Indicator, IndicatorSet, SanctionKind, Section
from opengps.core.errors import ServiceError
from opengps.core.forms import ActionForm
from opengps.registry.models import OrgType, RegistrationLevel

SECTION_BY_LABEL = {str(label): value for value, label in Section.choices}


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


def _points(label: Any, help_text: Any = "") -> forms.CharField:
    # Text, not a number field: the rules judge the value and refuse beside the box.
    return forms.CharField(
        label=label,
        max_length=12,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class IndicatorSetForm(ActionForm):
    """制定评估指标体系: one line per indicator, ``编号|类别|指标|分值``; the points must sum to the total."""

    action = "set"
    org_type = forms.ChoiceField(label=_("组织类型"), choices=OrgType.choices)
    name = forms.CharField(label=_("名称"), max_length=120, required=False)
    effective_from = _date(_("生效日期"))
    total_points = _points(_("总分"))
    items = forms.CharField(
        label=_("评估指标"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("每行一项：编号|类别|指标名称|分值；类别为基础条件、内部治理、工作绩效或社会评价"),
    )

    def clean_items(self) -> list[dict[str, str]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 4:
                raise forms.ValidationError(_("第%(n)s行应为“编号|类别|指标名称|分值”") % {"n": number})
            code, section, name, points = parts
            rows.append(
                {
                    "code": code,
                    "section": SECTION_BY_LABEL.get(section, section),
                    "name": name,
                    "max_points": points,
                }
            )
        return rows


class RoundForm(ActionForm):
    """启动评估: the organizations assessed, the application window, the indicator set and the
    third-party assessment body appointed with its reason."""

    action = "round"
    name = forms.CharField(label=_("名称"), max_length=120, required=False)
    registration_level = forms.ChoiceField(label=_("登记层级"), choices=RegistrationLevel.choices)
    indicator_set = forms.ModelChoiceField(label=_("评估指标体系"), queryset=IndicatorSet.objects.none())
    opens_on = _date(_("申报开始日期"))
    closes_on = _date(_("申报截止日期"))
    body = forms.ModelChoiceField(label=_("第三方评估机构"), queryset=Unit.objects.none())
    body_reason = forms.CharField(
        label=_("确定评估机构的理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("如通过政府购买服务确定，请写明采购方式和合同编号"),
    )
    assessors_required = forms.IntegerField(
        label=_("每个组织的评估人员数"), initial=2, min_value=1, max_value=5
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sets: Any = self.fields["indicator_set"]
        sets.queryset = IndicatorSet.objects.order_by("org_type", "-version")
        bodies: Any = self.fields["body"]
        bodies.queryset = Unit.objects.filter(kind=Unit.Kind.EVALUATOR, is_active=True).order_by("name")


class _SheetForm(ActionForm):
    """A form with one points box per indicator (``score_<code>``); a rule's refusal naming an
    indicator lands beside its box."""

    prefix_of_scores = "scores"

    def add_indicator_fields(self, items: Iterable[Indicator], *, comments: bool = False) -> None:
        for item in items:
            self.fields[f"score_{item.code}"] = _points(
                f"{item.code} {item.name}",
                _("%(section)s，满分 %(max)s")
                % {
                    "section": item.get_section_display(),
                    "max": item.max_points,
                },
            )
            if comments:
                self.fields[f"comment_{item.code}"] = forms.CharField(
                    label=_("%(code)s 评语") % {"code": item.code}, max_length=2000, required=False
                )

    def scores(self) -> dict[str, str]:
        return {
            name.removeprefix("score_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("score_")
        }

    def comments(self) -> dict[str, str]:
        return {
            name.removeprefix("comment_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("comment_") and value
        }

    def add_service_error(self, exc: ServiceError) -> None:
        field = exc.field or ""
        if field.startswith(f"{self.prefix_of_scores}."):
            name = "score_" + field.split(".", 1)[1]
            if name in self.fields:
                self.add_error(name, exc.text())
                return
        super().add_service_error(exc)


class ApplyForm(_SheetForm):
    """申报评估: the self-assessment (自评) of every indicator and a note."""

    action = "apply"
    prefix_of_scores = "self_scores"
    self_note = forms.CharField(label=_("自评说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, items: Iterable[Indicator] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_indicator_fields(items)


class SheetForm(_SheetForm):
    """评估评分表: the points and comments per indicator and the site-visit record."""

    action = "sheet"
    visited_on = _date(_("实地考察日期"))
    visit_record = forms.CharField(
        label=_("实地考察记录"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, items: Iterable[Indicator] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_indicator_fields(items, comments=True)


class EvidenceForm(ActionForm):
    """上传佐证材料: one file (PDF, DOCX, XLSX, JPG, PNG)."""

    action = "evidence"
    file = forms.FileField(label=_("佐证材料"))


class ScreenForm(ActionForm):
    """审核申报: the rules screen the organization's records today."""

    action = "screen"


class CommitteeForm(ActionForm):
    """评估委员会审定: the committee's opinion; the levels follow the score bands."""

    action = "committee"
    note = forms.CharField(
        label=_("评估委员会意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class NoticeForm(ActionForm):
    """公示拟定等级."""

    action = "notice"


class DecideForm(ActionForm):
    """结束公示并作出评估决定."""

    action = "decide"
    decision_no = forms.CharField(label=_("评估决定文号"), max_length=80, required=False)


LEVEL_CHOICES = [("", _("请选择（异议成立时填写）")), ("0", _("未达到等级"))] + [
    (str(n), f"{n}A") for n in range(5, 0, -1)
]


class ReviewForm(ActionForm):
    """复核异议: upheld or not, with reasons; upheld, the level the review sets."""

    action = "review"
    row_field = "objection"
    objection = forms.IntegerField(widget=forms.HiddenInput)
    upheld = forms.TypedChoiceField(
        label=_("复核结论"),
        choices=[("0", _("异议不成立")), ("1", _("异议成立"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    level = forms.ChoiceField(label=_("复核后等级"), choices=LEVEL_CHOICES, required=False)
    decision = forms.CharField(label=_("复核意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("upheld") and not data.get("level"):
            self.add_error("level", _("异议成立时请选择复核后等级"))
        return data

    def level_value(self) -> int | None:
        """The level the review sets (1–5), or None: no level, or the objection failed."""
        chosen = self.cleaned_data.get("level") or "0"
        return int(chosen) or None


class SanctionForm(ActionForm):
    """降低或取消评估等级: the finding, what is done, the lower level for a downgrade, whether the
    circumstances are serious (needed to revoke on most findings), the reason and the document."""

    action = "sanction"
    kind = forms.ChoiceField(label=_("处理"), choices=SanctionKind.choices, widget=forms.RadioSelect)
    finding = forms.ChoiceField(label=_("情形"), choices=Finding.choices)
    level = forms.TypedChoiceField(
        label=_("降低后的等级"),
        choices=[("", _("请选择（降低等级时填写）"))] + [(str(n), f"{n}A") for n in range(4, 0, -1)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    serious = forms.BooleanField(label=_("情节严重"), required=False)
    reason = forms.CharField(label=_("处理理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    decision_no = forms.CharField(label=_("处理决定文号"), max_length=80, required=False)


class ObjectionForm(ActionForm):
    """对拟定等级提出异议: the organization named, the objector and a contact (not published)."""

    action = "object"
    application = forms.ModelChoiceField(label=_("异议对象"), queryset=Application.objects.none())
    filer_name = forms.CharField(label=_("提出人"), max_length=100, required=False)
    filer_contact = forms.CharField(
        label=_("联系方式"), max_length=100, required=False, help_text=_("仅供复核答复，不公开")
    )
    text = forms.CharField(
        label=_("异议内容和理由"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: Any, listed: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if listed is not None:
            field: Any = self.fields["application"]
            field.queryset = listed
            field.label_from_instance = lambda a: f"{a.organization.name}（{a.proposed_label}）"
