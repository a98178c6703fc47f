"""设计规范 (/design/): every component of the design system (templates/components/) on one page,
with sample data, so that a page author sees what exists and how it looks at 1366 and 390 px."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from opengps.core.templatetags.money import format_yuan

TABS = (("components", _("组件")), ("tokens", _("颜色与字号")), ("numbers", _("金额")))
DEMO_PAGES = 12


class DesignQueryForm(forms.Form):
    """The page's query: the tab and the pagination sample's page (bad values: 400, beside the field)."""

    tab = forms.ChoiceField(label=_("标签页"), choices=TABS, required=False)
    page = forms.IntegerField(label=_("页码"), min_value=1, max_value=DEMO_PAGES, required=False)


class SampleBidForm(forms.Form):
    """A sample form for the field component: the input is kept and each error sits under its field."""

    title = forms.CharField(label=_("项目名称"), max_length=100)
    amount = forms.DecimalField(
        label=_("投标报价（元）"), max_digits=14, decimal_places=2, help_text=_("不得超过本包预算")
    )
    method = forms.ChoiceField(
        label=_("采购方式"),
        choices=(("", _("请选择")), ("open", _("公开招标")), ("consultation", _("竞争性磋商"))),
    )
    agree = forms.BooleanField(label=_("已阅读并同意采购文件的全部条款"), required=False)


def _sample_form() -> SampleBidForm:
    form = SampleBidForm(
        data={"title": "天心区社区居家养老服务", "amount": "1350000", "method": "", "agree": "on"}
    )
    form.is_valid()
    # the refusal a service would raise (`bid.amount_above_budget`), shown beside the field it names
    form.add_error(
        "amount",
        _("投标报价 1,350,000.00 元超过本包预算 1,200,000.00 元：请填写不超过预算的金额"),
    )
    return form


def _sample_table() -> tuple[list[Any], list[list[Any]]]:
    columns = [_("项目名称"), _("采购人"), _("预算（元）"), _("状态")]
    contract = reverse("workbench:design")
    rows: list[list[Any]] = [
        [
            {"text": "长沙市天心区社区居家养老服务项目", "url": contract, "kind": "name"},
            "湖南省民政厅",
            {"text": format_yuan(Decimal("6018000.00")), "kind": "num"},
            {"text": _("已公告"), "kind": "badge", "tone": "ok"},
        ],
        [
            {"text": "岳阳市青少年心理健康服务", "url": contract, "kind": "name"},
            "岳阳市民政局",
            {"text": format_yuan(Decimal("850000.00")), "kind": "num"},
            {"text": _("待财政审核"), "kind": "badge", "tone": "warn"},
        ],
        [
            {"text": "株洲市困境儿童关爱服务", "url": contract, "kind": "name"},
            "株洲市民政局",
            {"text": format_yuan(Decimal("1200000.00")), "kind": "num"},
            {"text": _("已终止"), "kind": "badge", "tone": "bad"},
        ],
    ]
    return columns, rows


@require_http_methods(["GET", "HEAD", "POST"])
def design(request: HttpRequest) -> HttpResponse:
    """设计规范: the tokens and every component, with sample data (no database reads). The sample
    confirmation posts here: nothing is changed, the page says so."""
    if request.method == "POST":
        messages.info(request, _("这是示例：确认后提交到操作的地址；本页不执行任何操作。"))
        return redirect(f"{reverse('workbench:design')}#confirm")
    query = DesignQueryForm(request.GET)
    valid = query.is_valid()
    tab = (query.cleaned_data.get("tab") if valid else "") or TABS[0][0]
    page = (query.cleaned_data.get("page") if valid else None) or 1
    here = reverse("workbench:design")
    columns, rows = _sample_table()
    context = {
        "query": query,
        "tab": tab,
        "tabs": [
            {"label": label, "url": f"{here}?tab={key}", "active": key == tab, "count": None}
            for key, label in TABS
        ],
        "count_tabs": [
            {"label": _("全部"), "url": f"{here}?tab={tab}", "active": True, "count": 128},
            {"label": _("采购公告"), "url": f"{here}?tab={tab}", "active": False, "count": 42},
            {"label": _("结果公告"), "url": f"{here}?tab={tab}", "active": False, "count": 37},
        ],
        "columns": columns,
        "rows": rows,
        "form": _sample_form(),
        "page": page,
        "num_pages": DEMO_PAGES,
        "amounts": [Decimal("6018000.00"), Decimal("12345.6"), Decimal("999999999.99"), Decimal("50"), None],
        "trail": [(_("首页"), "/"), (_("设计规范"), here), (_("组件"), None)],
    }
    return render(request, "workbench/design.html", context, status=200 if valid else 400)
