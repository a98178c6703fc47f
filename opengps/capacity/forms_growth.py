"""Forms of the service points, trainings, showcase events and community organizations' support and
activities, one URL each (STYLE 14): they parse input only; the services check who may act and
refuse beside the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.capacity.models import ActivityKind, ServicePoint, SocialWorker, SupportKind
from opengps.core.forms import ActionForm


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


def _text(label: Any, max_length: int = 200, required: bool = False) -> forms.CharField:
    # Required text is the service's refusal (beside the field), so most fields are optional here.
    return forms.CharField(label=label, max_length=max_length, required=required)


def _choices(field: Any, queryset: Any, label: Any) -> None:
    field.queryset = queryset
    field.label_from_instance = label


class PointOpenForm(ActionForm):
    """设立社工室: a village or community of the station's township, when it opens and how to reach it."""

    action = "point"
    village_code = _text(_("村（社区）区划代码"), 12)
    village_name = _text(_("村（社区）名称"), 60)
    opened_on = _date(_("设立日期"))
    address = _text(_("地址"))
    opening_hours = _text(_("开放时间"), 120)
    contact = _text(_("联系人"), 60)
    phone = _text(_("联系电话"), 30)


class PointCloseForm(ActionForm):
    """撤销社工室: one open point of the station, on a day."""

    action = "point_close"
    point = forms.ModelChoiceField(label=_("社工室"), queryset=ServicePoint.objects.none())
    closed_on = _date(_("撤销日期"))
    reason = _text(_("撤销理由"), 500)

    def __init__(self, *args: Any, points: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if points is not None:
            _choices(self.fields["point"], points, lambda p: p.village_name)


POINT_FORMS: tuple[type[ActionForm], ...] = (PointOpenForm, PointCloseForm)


class _Hosted(ActionForm):
    """A training or an event: its region (the department's) and, optionally, the hosting base."""

    region = forms.ModelChoiceField(label=_("举办区划"), queryset=SocialWorker.objects.none())
    base = forms.ModelChoiceField(
        label=_("承办孵化基地"),
        queryset=SocialWorker.objects.none(),
        required=False,
        empty_label=_("民政部门举办"),
    )

    def __init__(self, *args: Any, regions: Any = None, bases: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regions is not None:
            _choices(self.fields["region"], regions, lambda r: r.name)
        if bases is not None:
            _choices(self.fields["base"], bases, lambda b: b.name)


class TrainingCreateForm(_Hosted):
    """登记培训: title, region and host, days, hours (学时), venue and content."""

    action = "training"
    title = _text(_("培训名称"), 120)
    starts_on = _date(_("开始日期"))
    ends_on = _date(_("结束日期"))
    hours = _text(_("学时"), 10)
    venue = _text(_("地点"))
    content = forms.CharField(label=_("培训内容"), max_length=2000, required=False, widget=forms.Textarea)
    field_order = ["title", "region", "base", "starts_on", "ends_on", "hours", "venue", "content"]


class AttendanceForm(ActionForm):
    """登记参训: a worker of the training's region and the hours credited (blank: the training's)."""

    action = "attend"
    worker = forms.ModelChoiceField(label=_("社会工作者"), queryset=SocialWorker.objects.none())
    hours = forms.CharField(
        label=_("计入学时"), max_length=10, required=False, help_text=_("不填则按本次培训学时计入")
    )

    def __init__(self, *args: Any, workers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if workers is not None:
            _choices(self.fields["worker"], workers, lambda w: f"{w.name}（{w.id_number_masked}）")


class EventCreateForm(_Hosted):
    """登记典型经验交流推介会: title, region and host, day, venue and what happened."""

    action = "event"
    title = _text(_("活动名称"), 120)
    held_on = _date(_("举办日期"))
    venue = _text(_("地点"))
    notes = forms.CharField(label=_("活动情况"), max_length=2000, required=False, widget=forms.Textarea)
    field_order = ["title", "region", "base", "held_on", "venue", "notes"]


class ShowcaseForm(ActionForm):
    """推介组织: a registered organization (by 统一社会信用代码) or a filed community organization."""

    action = "showcase"
    organization = _text(_("社会组织统一社会信用代码"), 18)
    filing = forms.ModelChoiceField(
        label=_("或：备案的社区社会组织"), queryset=SocialWorker.objects.none(), required=False
    )
    experience = _text(_("推介的典型经验"))

    def __init__(self, *args: Any, filings: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if filings is not None:
            _choices(self.fields["filing"], filings, lambda f: f"{f.township.name} · {f.name}")


class SupportForm(ActionForm):
    """资助或奖励: kind, amount (元), purpose, decision number and day, budget line code if any."""

    action = "support"
    kind = forms.ChoiceField(label=_("类型"), choices=SupportKind.choices)
    amount = forms.CharField(
        label=_("金额（元）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    purpose = _text(_("用途或事由"))
    decision = _text(_("决定文号"), 60)
    decided_on = _date(_("决定日期"))
    budget_line = _text(_("预算项目编码（如有）"), 40)


class ActivityForm(ActionForm):
    """活动记录: kind (社区协商, 平安建设, 文明创建, 其他), title, day, participants, notes."""

    action = "activity"
    kind = forms.ChoiceField(label=_("活动类别"), choices=ActivityKind.choices)
    title = _text(_("活动名称"), 120)
    held_on = _date(_("活动日期"))
    # No min_value: a negative count is the service's refusal, shown beside the field.
    participants = forms.IntegerField(label=_("参与人数"), required=False, initial=0)
    notes = forms.CharField(label=_("活动情况"), max_length=2000, required=False, widget=forms.Textarea)
