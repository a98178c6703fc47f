"""Forms of the station page's actions, one URL each (STYLE 14): they parse input only; the services
check who may act and refuse beside the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.capacity.excel import KIND_LABELS
from opengps.capacity.models import CertificateLevel, Posting, SocialWorker, Station
from opengps.core.forms import ActionForm

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


def _count(label: Any) -> forms.IntegerField:
    # No min_value: a negative count is the service's refusal, shown beside the field.
    return forms.IntegerField(label=label, required=False, initial=0)


class ServiceLogForm(ActionForm):
    """录入或更正月度服务台账: services by domain (人次) and people served in one month."""

    action = "log"
    month = forms.DateField(
        label=_("月份"),
        input_formats=MONTH_FORMATS,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    elderly = _count(_("养老服务"))
    children = _count(_("儿童关爱"))
    assistance = _count(_("社会救助"))
    community = _count(_("社区建设"))
    other = _count(_("其他"))
    people_served = _count(_("服务人数"))

    def counts(self) -> dict[str, int]:
        names = ("elderly", "children", "assistance", "community", "other", "people_served")
        return {name: self.cleaned_data.get(name) or 0 for name in names}


class PostingAddForm(ActionForm):
    """派驻社会工作者: a registered worker, from a day (to a day, open when blank), full or part time."""

    action = "post"
    worker = forms.ModelChoiceField(label=_("社会工作者"), queryset=SocialWorker.objects.none())
    starts_on = _date(_("派驻开始"))
    ends_on = forms.DateField(
        label=_("派驻结束"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    full_time = forms.BooleanField(label=_("专职"), required=False, initial=True)

    def __init__(self, *args: Any, workers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if workers is not None:
            field: Any = self.fields["worker"]
            field.queryset = workers
            field.label_from_instance = lambda w: f"{w.name}（{w.id_number_masked}）"


class PostingEndForm(ActionForm):
    """结束派驻: one running posting of the station ends on a day."""

    action = "unpost"
    posting = forms.ModelChoiceField(label=_("派驻"), queryset=Posting.objects.none())
    ends_on = _date(_("派驻结束日期"))
    reason = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, station: Station | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if station is not None:
            field: Any = self.fields["posting"]
            field.queryset = station.postings.filter(ends_on__isnull=True).select_related("worker")
            field.label_from_instance = lambda p: f"{p.worker.name}（{p.starts_on:%Y-%m-%d}）"


class SuspendForm(ActionForm):
    """暂停站点服务, with the reason (audited)."""

    action = "suspend"
    reason = forms.CharField(label=_("暂停理由"), max_length=500, required=False)


class ResumeForm(ActionForm):
    """恢复站点服务."""

    action = "resume"
    reason = forms.CharField(label=_("说明"), max_length=500, required=False)


class CloseForm(ActionForm):
    """撤销站点, on a day, with the reason; postings still running end that day."""

    action = "close"
    closed_on = _date(_("撤销日期"))
    reason = forms.CharField(label=_("撤销理由"), max_length=500, required=False)


STATION_FORMS: tuple[type[ActionForm], ...] = (
    ServiceLogForm,
    PostingAddForm,
    PostingEndForm,
    SuspendForm,
    ResumeForm,
    CloseForm,
)


# --- the stations list's actions (registration authority) -------------------------------------------


class NeverEcho(forms.TextInput):
    """A text input that never renders its value back: a full identity number typed in is not sent
    back to the browser, not even with a refusal (the official types it again)."""

    def format_value(self, value: Any) -> str | None:
        return None


class StationOpenForm(ActionForm):
    """设立站点: the township's station, its operator (by 统一社会信用代码), its opening day and what
    pays for it: a purchase contract or a grant agreement (by its number) and the amount a year."""

    action = "open"
    township = forms.ModelChoiceField(label=_("乡镇（街道）"), queryset=Station.objects.none())
    name = forms.CharField(label=_("站点名称"), max_length=120, required=False)
    operator = forms.CharField(label=_("运营机构统一社会信用代码"), max_length=18, required=False)
    opened_on = _date(_("建成开放日期"))
    funding = forms.ChoiceField(
        label=_("经费来源"),
        choices=[
            ("", _("暂未关联")),
            ("contract", _("政府购买服务合同")),
            ("grant", _("资助协议")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    funding_number = forms.CharField(
        label=_("合同编号或资助协议编号"),
        max_length=40,
        required=False,
        help_text=_("合同的供应商或资助协议的受助方应为运营机构"),
    )
    annual_amount = forms.CharField(
        label=_("每年金额（元）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    opening_hours = forms.CharField(label=_("开放时间"), max_length=120, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)

    def __init__(self, *args: Any, townships: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if townships is not None:
            field: Any = self.fields["township"]
            field.queryset = townships
            field.label_from_instance = lambda t: f"{t.county.name} · {t.name}"


class WorkerRegisterForm(ActionForm):
    """登记社会工作者: name, identity number (never echoed back), county and qualification."""

    action = "register"
    name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False, widget=NeverEcho())
    region = forms.ModelChoiceField(label=_("登记县市区"), queryset=SocialWorker.objects.none())
    level = forms.ChoiceField(label=_("职业资格等级"), choices=CertificateLevel.choices)
    certificate_no = forms.CharField(label=_("证书编号"), max_length=40, required=False)
    certified_year = forms.IntegerField(label=_("取得年度"), required=False)

    def __init__(self, *args: Any, counties: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if counties is not None:
            field: Any = self.fields["region"]
            field.queryset = counties
            field.label_from_instance = lambda r: r.name


class ImportForm(ActionForm):
    """从 Excel 导入: which records (stations, social workers, monthly logs) and the workbook."""

    action = "import"
    kind = forms.ChoiceField(label=_("导入内容"), choices=list(KIND_LABELS.items()))
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
