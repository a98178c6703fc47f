"""The dashboards' filter form (every dimension, each value checked: a bad one is a 400 with its
error beside the field) and the finance department's target form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Region, Unit
from opengps.core.forms import ServiceErrorFormMixin
from opengps.planning.models import FundSource
from opengps.registry.models import OrgType
from opengps.rules.performance import GRADES
from opengps.stats.measures import MEASURES
from opengps.stats.selectors import STATS_METHODS, years_available

ALL = ("", _("全部"))
FILTER_FIELDS = (
    "year",
    "quarter",
    "month",
    "city",
    "county",
    "unit",
    "cat1",
    "cat2",
    "method",
    "fund_source",
    "provider_type",
    "rating",
    "industry",
    "grade",
)


FILTERED_AS_IS = (
    "year",
    "quarter",
    "month",
    "city",
    "county",
    "cat1",
    "cat2",
    "method",
    "fund_source",
    "grade",
)


def _years() -> list[tuple[str, Any]]:
    return [ALL] + [(str(y), str(y)) for y in years_available()]


class FilterForm(forms.Form):
    """The dimensions a dashboard, a drill-down and an export are filtered by (all optional)."""

    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[ALL] + [(str(q), _("第%(q)s季度") % {"q": q}) for q in range(1, 5)],
    )
    month = forms.TypedChoiceField(
        label=_("月份"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[ALL] + [(str(m), _("%(m)s月") % {"m": m}) for m in range(1, 13)],
    )
    city = forms.ChoiceField(label=_("市州"), required=False)
    county = forms.ChoiceField(label=_("县市区"), required=False)
    unit = forms.IntegerField(label=_("单位"), required=False, min_value=1, widget=forms.HiddenInput)
    cat1 = forms.CharField(label=_("目录一级"), required=False, max_length=20, widget=forms.HiddenInput)
    cat2 = forms.CharField(label=_("目录二级"), required=False, max_length=20, widget=forms.HiddenInput)
    method = forms.ChoiceField(label=_("采购方式"), required=False, choices=[ALL, *STATS_METHODS])
    fund_source = forms.ChoiceField(label=_("资金来源"), required=False, choices=[ALL, *FundSource.choices])
    provider_type = forms.ChoiceField(
        label=_("承接主体类型"), required=False, choices=[ALL, *OrgType.choices]
    )
    rating = forms.TypedChoiceField(
        label=_("评估等级"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[ALL, ("0", _("未评估"))] + [(str(n), f"{n}A") for n in range(1, 6)],
    )
    industry = forms.ChoiceField(
        label=_("行业协会商会"), required=False, choices=[ALL, ("1", _("仅行业协会商会"))]
    )

    grade = forms.ChoiceField(
        label=_("绩效等级"),
        required=False,
        choices=[ALL, *((g, g) for g in GRADES)],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()  # type: ignore[attr-defined]
        regions = list(Region.objects.exclude(level=Region.Level.PROVINCE).only("code", "name", "level"))
        self.fields["city"].choices = [ALL] + [  # type: ignore[attr-defined]
            (r.code, r.name) for r in regions if r.level == Region.Level.PREFECTURE
        ]
        self.fields["county"].choices = [ALL] + [  # type: ignore[attr-defined]
            (r.code, r.name) for r in regions if r.level == Region.Level.COUNTY
        ]

    def clean_unit(self) -> int | None:
        unit = self.cleaned_data.get("unit")
        if unit is not None and not Unit.objects.filter(pk=unit).exists():
            raise forms.ValidationError(_("未找到该单位"), code="invalid_choice")
        return unit

    def condition(self, *, without: tuple[str, ...] = ()) -> Q:
        """The filter as a condition on the shared dimension columns of facts and summaries
        (`without` leaves some dimensions out: the region view's map picks its own regions)."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in without}
        condition = Q()
        for name in FILTERED_AS_IS:
            if data.get(name) not in (None, ""):
                condition &= Q(**{name: data[name]})
        if data.get("unit"):
            condition &= Q(unit_id=data["unit"])
        if data.get("provider_type"):
            condition &= Q(provider_type=data["provider_type"])
        if data.get("rating") is not None:
            condition &= Q(rating=data["rating"])
        if data.get("industry"):
            condition &= Q(industry=True)
        return condition

    def params(self, **changes: Any) -> dict[str, str]:
        """The filter as query parameters (for links), with `changes` applied (None removes one)."""
        values = {name: self.cleaned_data.get(name) for name in FILTER_FIELDS} if self.is_bound else {}
        values.update(changes)
        # `rating=0` (未评估) is a value, not an absent filter: only None, "" and False leave a key out
        params = {k: str(v) for k, v in values.items() if v is not None and v is not False and v != ""}
        if self.is_bound and "year" not in params:
            params["year"] = ""  # all years: a link without `year` would mean the default (this) year
        return params


class MeasureForm(forms.Form):
    """Which measure a region or category view, or a drill-down, shows."""

    measure = forms.ChoiceField(label=_("指标"), required=False)

    def __init__(self, *args: Any, keys: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [  # type: ignore[attr-defined]
            (key, MEASURES[key].name) for key in (keys or list(MEASURES))
        ]


class TargetForm(ServiceErrorFormMixin, forms.Form):
    """The finance department's target of a year (the service checks the values)."""

    year = forms.IntegerField(label=_("年度"))
    share = forms.CharField(label=_("社会组织承接资金比例目标（%）"), max_length=20)
    amount = forms.CharField(label=_("社会组织承接资金总额目标（元）"), max_length=30, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
