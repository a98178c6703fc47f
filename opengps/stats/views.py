"""统计分析 pages: the leadership overview, the region view with its map of Hunan, the category
view, the drill-down lists behind every figure, Excel exports, and the public definitions page.

Every figure comes from the summary tables (`selectors`, `measures`); every drill-down from the
fact rows behind them. The overview, competition, providers, funds and public dashboards are one
description each (`dashboards.DASHBOARDS`) rendered by one builder (`_board_data`). A bad filter
value is a 400 with the error beside its field.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opengps.accounts.actors import signed_in_user
from opengps.accounts.gates import page_refusal, role_page
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.core import clock, exports, tasks
from opengps.core.forms import run_service
from opengps.rules.redflags import FLAG_TITLES, FlagCode
from opengps.stats import selectors, services
from opengps.stats.dashboards import DASHBOARDS, GRADES, Breakdown, Dashboard
from opengps.stats.forms import FilterForm, MeasureForm, TargetForm
from opengps.stats.measures import MEASURES
from opengps.stats.models import Source
from opengps.stats.tasks import summaries_nightly

MAP_KEYS = [k for k, m in MEASURES.items() if m.kind in ("money", "percent", "number", "days")]
CATEGORY_KEYS = ["planned", "awarded", "contracted", "social_share", "paid"]
REFRESHERS = (Role.FINANCE, Role.ADMIN)


DENIED_TEMPLATE = "stats/denied.html"
readers_only = role_page(selectors.READERS, DENIED_TEMPLATE)


def _filter_form(request: HttpRequest) -> FilterForm:
    data: QueryDict = request.GET.copy()
    if "year" not in data:
        data["year"] = str(selectors.default_year())
    form = FilterForm(data)
    form.is_valid()
    return form


def _url(name: str, form: FilterForm, **changes: Any) -> str:
    params = form.params(**changes) if form.is_valid() else {}
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def _export_url(view: str, form: FilterForm, **changes: Any) -> str:
    params = form.params(**changes) if form.is_valid() else {}
    return f"{reverse('stats:export', args=[view])}?{urlencode(params)}"


def _drill(form: FilterForm, key: str, **changes: Any) -> str:
    return _url("stats:records", form, measure=key, **changes)


def _bad_filter(request: HttpRequest, form: FilterForm, template: str) -> HttpResponse:
    return render(request, template, _base_context(request, form), status=400)


def _filtered(request: HttpRequest, template: str) -> FilterForm | HttpResponse:
    """The page's valid filters; else the answer instead of the page (login, 403, or 400 with the
    error beside its field)."""
    denied = page_refusal(request, selectors.READERS, DENIED_TEMPLATE)
    if denied:
        return denied
    form = _filter_form(request)
    if not form.is_valid():
        return _bad_filter(request, form, template)
    return form


def _base_context(request: HttpRequest, form: FilterForm) -> dict[str, Any]:
    return {
        "filters": form,
        "refresh": selectors.latest_refresh(),
        "can_refresh": has_role(request.user, *REFRESHERS),
        "tabs": _tabs(request, form),
    }


def _tabs(request: HttpRequest, form: FilterForm) -> list[dict[str, Any]]:
    current = request.resolver_match.view_name if request.resolver_match else ""
    pages = (
        ("stats:overview", _("总览")),
        ("stats:region", _("地区")),
        ("stats:category", _("目录类别")),
        ("stats:competition", _("竞争与廉洁")),
        ("stats:providers", _("承接主体")),
        ("stats:funds", _("资金来源")),
        ("stats:definitions", _("指标定义")),
    )
    return [{"label": label, "url": _url(name, form), "active": name == current} for name, label in pages]


def overview(request: HttpRequest) -> HttpResponse:
    """领导总览 — the year's figures, the share to social organizations against its target."""
    form = _filtered(request, "stats/overview.html")
    if isinstance(form, HttpResponse):
        return form
    rows = selectors.summary_rows(form.condition())
    year = form.cleaned_data.get("year")
    context = _base_context(request, form) | _board_data(form, rows, DASHBOARDS["overview"])
    target = selectors.target_for(year)
    context |= {
        "target": target,
        "target_form": TargetForm(
            initial={
                "year": year,
                "share": target.share if target else "",
                "amount": target.amount if target and target.amount is not None else "",
                "note": target.note if target else "",
            }
        ),
        "can_set_target": has_role(request.user, *services.TARGET_SETTERS),
        "export_url": _export_url("overview", form),
    }
    return render(request, "stats/overview.html", context)


def _row_links(form: FilterForm, breakdown: Breakdown) -> Callable[[Any], str] | None:
    """A table row's drill-down: the records of the breakdown's measure with the row's value; for
    the blank value (本级、未注明), which no filter selects apart from the others, none unless the
    breakdown links it to the unfiltered records."""
    key, dimension = breakdown.drill, breakdown.dimension
    if not key:
        return None
    if breakdown.blank_drill:
        return lambda value: _drill(form, key, **{dimension: value})
    return lambda value: _drill(form, key, **{dimension: value}) if value not in (None, "") else ""


def _breakdown(form: FilterForm, rows: selectors.Rows, breakdown: Breakdown) -> selectors.Table:
    links = _row_links(form, breakdown)
    if breakdown.dimension == GRADES:
        return selectors.grade_table(
            rows, title=breakdown.title, dimension_title=breakdown.dimension_title, drill_url=links
        )
    return selectors.table(
        rows.exclude(month=0) if breakdown.monthly else rows,
        title=breakdown.title,
        dimension=breakdown.dimension,
        dimension_title=breakdown.dimension_title,
        keys=breakdown.keys,
        drill_url=links,
        label_dimension=breakdown.label_dimension,
    )


def _board_data(form: FilterForm, rows: selectors.Rows, board: Dashboard) -> dict[str, Any]:
    """A dashboard's figures (each linked to its records, except on the public page) and tables."""
    tables = [_breakdown(form, rows, breakdown) for breakdown in board.tables]
    links: Callable[[str], str] = (lambda _key: "") if board.public else (lambda key: _drill(form, key))
    return {
        "figures": {f.measure.key: f for f in selectors.figures(rows, board.keys, links)},
        "tables": tables,
        "charts": [(b.chart, table) for b, table in zip(board.tables, tables, strict=True)],
    }


@require_POST
@readers_only
def target_set(request: HttpRequest) -> HttpResponse:
    """The finance department sets a year's target (one POST URL; errors beside the field)."""
    user = signed_in_user(request)
    form = TargetForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        outcome = run_service(
            form,
            lambda: services.share_target_set(
                actor=user, year=data["year"], share=data["share"], amount=data["amount"], note=data["note"]
            ),
        )
        if outcome.ok:
            messages.success(request, _("已设定 %(year)s 年度目标") % {"year": data["year"]})
            return redirect(f"{reverse('stats:overview')}?year={data['year']}")
        status = outcome.status
    else:
        status = 400
    filters = _filter_form(request)
    rows = selectors.summary_rows(filters.condition())
    context = _base_context(request, filters) | _board_data(filters, rows, DASHBOARDS["overview"])
    context |= {"target_form": form, "can_set_target": has_role(user, *services.TARGET_SETTERS)}
    return render(request, "stats/overview.html", context, status=status)


@require_POST
@readers_only
def refresh(request: HttpRequest) -> HttpResponse:
    """Enqueue a rebuild of the summary tables now (a task of the task system, not this request)."""
    if not has_role(request.user, *REFRESHERS):
        return render(request, DENIED_TEMPLATE, status=403)
    tasks.enqueue(summaries_nightly)
    messages.success(request, _("已提交统计数据刷新任务，完成后页面显示新的数据时间"))
    return redirect("stats:overview")


@readers_only
def region(request: HttpRequest) -> HttpResponse:
    """地区 — a measure on the map of Hunan's cities (or one city's counties), with its table."""
    form = _filter_form(request)
    measure_form = MeasureForm(request.GET, keys=MAP_KEYS)
    if not form.is_valid() or not measure_form.is_valid():
        return render(
            request,
            "stats/region.html",
            _base_context(request, form) | {"measure_form": measure_form},
            status=400,
        )
    key = measure_form.cleaned_data.get("measure") or "contracted"
    measure = MEASURES[key]
    city = form.cleaned_data.get("city") or None
    # the region filter picks the map (the province's cities, or one city's counties), not the rows
    rows = selectors.summary_rows(form.condition(without=("city", "county")))
    rows = rows.filter(city=city) if city else rows
    dimension = "county" if city else "city"
    region_table = selectors.table(
        rows,
        title=measure.name,
        dimension=dimension,
        dimension_title=_("县市区") if city else _("市州"),
        keys=[key],
        drill_url=_region_drill(form, key, city),
    )
    context = _base_context(request, form) | {
        "measure": measure,
        "measure_form": MeasureForm(initial={"measure": key}, keys=MAP_KEYS),
        "map_data": selectors.map_data(rows, measure, city),
        "geo_path": selectors.geo_path(city),
        "city": city,
        "city_name": selectors.dimension_label("city", city) if city else "",
        "table": region_table,
        "total": selectors.figures(rows, [key], lambda k: _drill(form, k, county=None))[0],
        "county_links": {}
        if city
        else {r.key: _url("stats:region", form, city=r.key, measure=key) for r in region_table.rows if r.key},
        "province_url": _url("stats:region", form, city=None, county=None, measure=key),
        "export_url": _export_url("region", form, measure=key),
    }
    return render(request, "stats/region.html", context)


def _region_drill(form: FilterForm, key: str, city: str | None) -> Callable[[Any], str]:
    """A region row's drill-down: the measure's records in that city (or county of the city)."""
    if city:
        return lambda code: _drill(form, key, city=city, county=code or None)
    return lambda code: _drill(form, key, city=code or None, county=None)


def category(request: HttpRequest) -> HttpResponse:
    """目录类别 — money by level-1 category of the guidance catalogue, and level 2 within one."""
    form = _filtered(request, "stats/category.html")
    if isinstance(form, HttpResponse):
        return form
    rows = selectors.summary_rows(form.condition())
    cat1 = form.cleaned_data.get("cat1")
    category_table = _category_table(form, rows, cat1)
    context = _base_context(request, form) | {
        "table": category_table,
        "cat1": cat1,
        "cat1_name": selectors.category_name(rows) if cat1 else "",
        "level_up": _url("stats:category", form, cat1=None, cat2=None),
        "export_url": _export_url("category", form),
    }
    return render(request, "stats/category.html", context)


def _category_table(form: FilterForm, rows: selectors.Rows, cat1: str | None) -> selectors.Table:
    dimension = "cat2" if cat1 else "cat1"
    table = selectors.table(
        rows,
        title=_("按目录二级类别") if cat1 else _("按目录一级类别"),
        dimension=dimension,
        dimension_title=_("目录类别"),
        keys=CATEGORY_KEYS,
        drill_url=lambda code: _drill(form, "contracted", **{dimension: code}),
        label_dimension=f"{dimension}_name",
    )
    if not cat1:
        for row in table.rows:
            row.key = _url("stats:category", form, cat1=row.key) if row.key else ""
    return table


@readers_only
def records(request: HttpRequest) -> HttpResponse:
    """The records behind a figure: the fact rows of the measure under the same filters."""
    form = _filter_form(request)
    measure_form = MeasureForm(request.GET, keys=[k for k, m in MEASURES.items() if m.drill])
    if not form.is_valid() or not measure_form.is_valid() or not measure_form.cleaned_data.get("measure"):
        if measure_form.is_valid() and not measure_form.cleaned_data.get("measure"):
            measure_form.add_error("measure", _("请选择指标"))
        return render(
            request,
            "stats/records.html",
            _base_context(request, form) | {"measure_form": measure_form},
            status=400,
        )
    measure = MEASURES[measure_form.cleaned_data["measure"]]
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    result = selectors.fact_page(form.condition(), measure, page=page)
    context = _base_context(request, form) | {
        "measure": measure,
        "measure_form": measure_form,
        "page": result,
        "links": [(fact, selectors.fact_url(fact)) for fact in result.rows],
        "column": measure.drill.column if measure.drill else "amount",
        "export_url": _export_url("records", form, measure=measure.key),
        "page_url": lambda n: _url("stats:records", form, measure=measure.key, page=n),
        "prev_url": _url("stats:records", form, measure=measure.key, page=result.page - 1),
        "next_url": _url("stats:records", form, measure=measure.key, page=result.page + 1),
    }
    return render(request, "stats/records.html", context)


def definitions(request: HttpRequest) -> HttpResponse:
    """指标定义 — every measure with its definition (public)."""
    return render(
        request,
        "stats/definitions.html",
        {"measures": MEASURES.values(), "sources": Source.choices, "refresh": selectors.latest_refresh()},
    )


# --- competition, providers, funds, public ------------------------------------------------------


def _flag_links(form: FilterForm) -> list[dict[str, str]]:
    """The red flags (监督预警) of competition and integrity, each a link to its list, in the region
    filtered here; the flags themselves are the oversight app's, computed there with evidence."""
    english = (get_language() or "").startswith("en")
    region = form.cleaned_data.get("county") or form.cleaned_data.get("city") or ""
    links = []
    for code in FlagCode:
        params = {"code": code.value, **({"region": region} if region else {})}
        links.append(
            {
                "label": FLAG_TITLES[code][1 if english else 0],
                "url": f"{reverse('oversight:index')}?{urlencode(params)}",
            }
        )
    return links


def _dashboard(request: HttpRequest, view: str) -> HttpResponse:
    board = DASHBOARDS[view]
    form = _filtered(request, board.template)
    if isinstance(form, HttpResponse):
        return form
    rows = selectors.summary_rows(form.condition())
    context = _base_context(request, form) | _board_data(form, rows, board)
    context |= {
        "heading": board.heading,
        "view": view,
        "export_url": _export_url(view, form),
        "flag_links": _flag_links(form) if board.flags else [],
    }
    return render(request, board.template, context)


def competition(request: HttpRequest) -> HttpResponse:
    """竞争与廉洁 — bidders per procurement, single bids, non-competitive methods, savings, delays;
    linked to the red flags of the oversight app."""
    return _dashboard(request, "competition")


def providers(request: HttpRequest) -> HttpResponse:
    """承接主体 — money by provider type (social organizations or not), rating, performance grade."""
    return _dashboard(request, "providers")


def funds(request: HttpRequest) -> HttpResponse:
    """资金来源 — budgets, plans, contracts by fund source; lottery funds, grants, e-mall spend."""
    return _dashboard(request, "funds")


def public(request: HttpRequest) -> HttpResponse:
    """公开统计 — the same measures over the records published on the portal only, for anyone,
    with the OCDS bulk files to recompute them."""
    board = DASHBOARDS["public"]
    form = _filter_form(request)
    context: dict[str, Any] = {
        "filters": form,
        "refresh": selectors.latest_refresh(),
        "downloads": selectors.ocds_downloads(),
    }
    if not form.is_valid():
        return render(request, board.template, context, status=400)
    context |= _board_data(form, selectors.public_rows(form.condition()), board)
    return render(request, board.template, context)


# --- Excel ------------------------------------------------------------------------------------------


def _workbook(sheets: list[tuple[str, list[str], list[list[Any]], set[int]]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, header, rows, money in sheets:
        sheet = book.create_sheet(title=title[:31])
        exports.write_table(sheet, header, rows, money=money)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _table_sheet(table: selectors.Table) -> tuple[str, list[str], list[list[Any]], set[int]]:
    header = [str(table.dimension_label)] + [str(m.name) for m in table.measures]
    money = {i + 1 for i, m in enumerate(table.measures) if m.kind == "money"}
    return str(table.title), header, [[row.label, *row.values] for row in table.rows], money


def export(request: HttpRequest, view: str) -> HttpResponse:
    """A dashboard's tables (or a drill-down list) as a formatted Excel workbook."""
    form = _filtered(request, "stats/overview.html")
    if isinstance(form, HttpResponse):
        return form
    rows = selectors.summary_rows(form.condition())
    builders: dict[str, Callable[[], list[tuple[str, list[str], list[list[Any]], set[int]]]]] = {
        "region": lambda: [_table_sheet(_export_region(request, form, rows))],
        "category": lambda: [_table_sheet(_category_table(form, rows, form.cleaned_data.get("cat1")))],
        "records": lambda: [_records_sheet(request, form)],
        **{name: _board_sheets(board, form, rows) for name, board in DASHBOARDS.items() if not board.public},
    }
    if view not in builders:
        return render(request, "stats/not_found.html", status=404)
    try:
        sheets = builders[view]()
    except KeyError:
        return render(request, "stats/records.html", _base_context(request, form), status=400)
    response = HttpResponse(
        _workbook(sheets), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = clock.today().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="opengps-stats-{view}-{stamp}.xlsx"'
    return response


def _board_sheets(
    board: Dashboard, form: FilterForm, rows: selectors.Rows
) -> Callable[[], list[tuple[str, list[str], list[list[Any]], set[int]]]]:
    return lambda: _figure_sheets(_board_data(form, rows, board))


def _figure_sheets(data: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]], set[int]]]:
    """A dashboard's workbook: its figures with their definitions, then one sheet per table."""
    figures = data["figures"].values()
    first = (
        str(_("指标")),
        [str(_("指标")), str(_("数值")), str(_("单位")), str(_("定义"))],
        [
            [str(f.measure.name), f.value, _kind_unit(f.measure.kind), str(f.measure.definition)]
            for f in figures
        ],
        set[int](),
    )
    return [first, *(_table_sheet(t) for t in data["tables"])]


def _kind_unit(kind: str) -> str:
    return {"money": _("元"), "percent": "%", "days": _("天"), "number": ""}.get(kind, "")


def _export_region(request: HttpRequest, form: FilterForm, rows: selectors.Rows) -> selectors.Table:
    key = request.GET.get("measure") or "contracted"
    measure = MEASURES[key]  # an unknown measure is a KeyError: the caller answers 400
    city = form.cleaned_data.get("city") or None
    rows = rows.filter(city=city) if city else rows
    return selectors.table(
        rows,
        title=measure.name,
        dimension="county" if city else "city",
        dimension_title=_("地区"),
        keys=[key],
    )


def _records_sheet(
    request: HttpRequest, form: FilterForm
) -> tuple[str, list[str], list[list[Any]], set[int]]:
    measure = MEASURES[request.GET.get("measure") or ""]
    if measure.drill is None:
        raise KeyError(measure.key)
    header = [
        str(_("统计对象")),
        str(_("编号")),
        str(_("名称")),
        str(_("单位")),
        str(_("日期")),
        str(_("承接主体类型")),
        str(_("金额（元）")),
        str(_("对应预算（元）")),
        str(_("已支付（元）")),
        str(measure.name),
    ]
    column = measure.drill.column
    rows = [
        [
            fact.get_source_display(),
            fact.reference,
            fact.title,
            fact.unit.name if fact.unit else "",
            fact.dated,
            selectors.dimension_label("provider_type", fact.provider_type) if fact.provider_type else "",
            fact.amount,
            fact.budget,
            fact.paid,
            getattr(fact, column, 1),
        ]
        for fact in selectors.fact_rows(form.condition(), measure).order_by("-dated", "record_id").iterator()
    ]
    return str(measure.name), header, rows, {6, 7, 8}
