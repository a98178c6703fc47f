"""Capacity pages for the civil-affairs and finance officials of a region (read-only): station
coverage by county, the stations of an area, and one station with its workers (identity numbers
masked) and its monthly service logs. A refusal (another region, another role, a malformed region
code) is the error page with its status.

The station page's actions (a month's service log, postings, suspend / resume / close) post to one URL
each (STYLE 14): a form parses the POST, the station comes through the actor-scoped selector, one
service acts and checks who may; a refusal shows the page again with the error beside its field."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from opengps.accounts.actors import Actor, signed_in_user
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role, require_role
from opengps.capacity import excel, selectors, services
from opengps.capacity.errors import Code
from opengps.capacity.forms import (
    STATION_FORMS,
    CloseForm,
    ImportForm,
    PostingAddForm,
    PostingEndForm,
    ResumeForm,
    ServiceLogForm,
    StationOpenForm,
    SuspendForm,
    WorkerRegisterForm,
)
from opengps.capacity.forms_growth import POINT_FORMS, PointCloseForm, PointOpenForm
from opengps.capacity.models import Station, StationStatus
from opengps.core import clock
from opengps.core.errors import NotFound, PermissionDenied, ServiceError
from opengps.core.forms import ActionForm, run_service
from opengps.core.views import View, error_page, one_action, read_through
from opengps.registry.selectors import organization_get

TONES: dict[str, str] = {
    StationStatus.OPERATING: "ok",
    StationStatus.SUSPENDED: "warn",
    StationStatus.CLOSED: "bad",
}


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def _region(request: HttpRequest) -> str:
    """The `region` filter as given (the selectors check it is a six-digit GB/T 2260 code)."""
    return request.GET.get("region", "").strip()[:12]


def _in_area(read: Callable[..., Any]) -> Callable[[View], View]:
    """For a page or export of the official's area, or of the `region` filter: `read` (a selector
    ``(*, actor, region)``) gives the view what it selects; a refusal renders the error page."""
    return read_through(read, None, query=lambda request: {"region": _region(request)})


@login_required
@require_safe
@_in_area(selectors.coverage)
def coverage(request: HttpRequest, table: selectors.CoverageTable) -> HttpResponse:
    """社工站覆盖 — townships with an operating, staffed station and certified workers, by county."""
    stations = reverse("capacity:stations")
    # flat rows rendered by the page's own loop (the markup of components/table.html): the province's
    # 122 rows × 8 cells through the generic component were a third of the page's time
    rows = [
        {
            "name": row.county.name,
            "url": f"{stations}?region={row.county.code}",
            "townships": row.figures.townships,
            "with_station": row.figures.with_station,
            "station_share": _percent(row.figures.station_share),
            "staffed": row.figures.staffed,
            "workers": row.figures.workers,
            "certified_share": _percent(row.figures.certified_share),
            "gaps": row.figures.gaps,
            "points": row.points,
        }
        for row in table.rows
    ]
    columns = [
        _("县市区"),
        _("乡镇（街道）数"),
        _("有运营站点"),
        _("站点覆盖率"),
        _("有驻站社工"),
        _("驻站社工"),
        _("持证比例"),
        _("未覆盖"),
        _("社工室"),
    ]
    context = {"table": table, "columns": columns, "rows": rows, "total": table.total}
    return render(request, "capacity/coverage.html", context)


@login_required
@require_safe
def station_list(request: HttpRequest) -> HttpResponse:
    """社工站 — the stations of the official's area (or of one county), with the workers posted today."""
    return _stations_page(request)


def _stations_page(request: HttpRequest, failed: ActionForm | None = None, status: int = 200) -> HttpResponse:
    """The list with the registration authority's forms (open a station, register a worker); a
    refused action's bound form `failed` stands in place of its empty one."""
    actor = signed_in_user(request)
    try:
        items = list(selectors.stations(actor=actor, region=_region(request))[:500])
    except ServiceError as exc:
        return error_page(request, exc)
    rows = []
    for station in items:
        funding = (
            station.contract.reference if station.contract else station.grant.number if station.grant else "—"
        )
        rows.append(
            [
                {"text": station.name, "url": reverse("capacity:station", args=[station.pk]), "kind": "name"},
                station.township.name,
                station.township.county.name,
                station.operator.name,
                funding,
                station.opened_on.isoformat(),
                {
                    "text": station.get_status_display(),
                    "kind": "badge",
                    "tone": TONES.get(station.status, "info"),
                },
                {"text": getattr(station, "workers", 0), "kind": "num"},
            ]
        )
    columns = [
        _("站点"),
        _("乡镇（街道）"),
        _("县市区"),
        _("运营机构"),
        _("合同或资助协议"),
        _("开放日期"),
        _("状态"),
        _("驻站社工"),
    ]
    forms_: dict[str, ActionForm] = {
        form_class.action: _area_form(form_class, actor, None)
        for form_class in (StationOpenForm, WorkerRegisterForm)
    }
    if failed is not None:
        forms_[failed.action] = failed
    context = {
        "columns": columns,
        "rows": rows,
        "forms": forms_,
        "manages": has_role(actor, *services.MANAGERS),
    }
    return render(request, "capacity/stations.html", context, status=status)


@login_required
@require_safe
@read_through(selectors.station_page, "pk")
def station_detail(request: HttpRequest, page: selectors.StationPage) -> HttpResponse:
    """One station: its township, operator and funding, its workers and its last twelve logs."""
    return _station_page(request, page)


def _log_columns() -> list[str]:
    return [
        _("月份"),
        _("养老服务"),
        _("儿童关爱"),
        _("社会救助"),
        _("社区建设"),
        _("其他"),
        _("服务人数"),
        _("服务人次合计"),
    ]


def _station_page(
    request: HttpRequest, page: selectors.StationPage, failed: ActionForm | None = None, status: int = 200
) -> HttpResponse:
    """The station page with an empty form per action (shown to whom the services let act); a refused
    action's bound form `failed` stands in place of its empty one, its errors beside its fields."""
    station = page.station
    postings = [
        [
            {"text": posting.worker.name, "kind": "name"},
            posting.worker.id_number_masked,
            posting.worker.get_level_display(),
            _("专职") if posting.full_time else _("兼职"),
            posting.starts_on.isoformat(),
            posting.ends_on.isoformat() if posting.ends_on else _("至今"),
        ]
        for posting in page.postings
    ]
    logs = [
        [
            log.month.strftime("%Y-%m"),
            *({"text": getattr(log, field), "kind": "num"} for field in selectors.LOG_FIELDS),
            {"text": log.services, "kind": "num"},
        ]
        for log in page.logs
    ]
    forms_ = {form_class.action: _empty(form_class, station) for form_class in (*STATION_FORMS, *POINT_FORMS)}
    points = [
        [
            {"text": point.village_name, "kind": "name"},
            point.village_code,
            point.address or "—",
            point.opening_hours or "—",
            " ".join(filter(None, [point.contact, point.phone])) or "—",
            point.opened_on.isoformat(),
            point.closed_on.isoformat() if point.closed_on else _("服务中"),
        ]
        for point in page.points
    ]
    if failed is not None:
        forms_[failed.action] = failed
    actor = signed_in_user(request)
    context = {
        "station": station,
        "posting_columns": [_("姓名"), _("身份证号"), _("职业资格"), _("方式"), _("派驻开始"), _("派驻结束")],
        "postings": postings,
        "running": [posting for posting in page.postings if posting.ends_on is None],
        "log_columns": _log_columns(),
        "logs": logs,
        "point_columns": [
            _("村（社区）"),
            _("区划代码"),
            _("地址"),
            _("开放时间"),
            _("联系人和电话"),
            _("设立日期"),
            _("撤销日期"),
        ],
        "points": points,
        "open_points": [point for point in page.points if point.closed_on is None],
        "forms": forms_,
        "manages": services.manages(actor, station.township.county_id),
        "enters_logs": services.manages(actor, station.township.county_id)
        or services.is_operator_member(actor, station),
    }
    return render(request, "capacity/station.html", context, status=status)


# --- the station page's actions, one URL each (STYLE 14) ------------------------------------------


def _empty(form_class: type[ActionForm], station: Station) -> ActionForm:
    return _bound(form_class, station, None)


def _bound(form_class: type[ActionForm], station: Station, data: Any) -> ActionForm:
    if form_class is PostingAddForm:
        return PostingAddForm(data, workers=selectors.postable_workers(station))
    if form_class is PostingEndForm:
        return PostingEndForm(data, station=station)
    if form_class is PointCloseForm:
        return PointCloseForm(data, points=station.points.filter(closed_on__isnull=True))
    return form_class(data)


def _station(*, actor: Actor, pk: int) -> Station:
    """The station of the actor's area (`selectors.station_page`), NotFound outside it."""
    return selectors.station_page(actor=actor, pk=pk, months=0).station


def _refused(request: HttpRequest, station: Station, form: ActionForm, status: int) -> HttpResponse:
    try:
        page = selectors.station_page(actor=signed_in_user(request), pk=station.pk)
    except ServiceError as exc:
        return error_page(request, exc)
    return _station_page(request, page, form, status)


def _log_station(*, actor: Actor, pk: int) -> Station:
    """The station whose log the actor enters: one their organization runs (operator members), else
    one of the official's area."""
    if has_role(actor, Role.SUPPLIER):
        return selectors.operated_station(actor=actor, pk=pk, months=0).station
    return _station(actor=actor, pk=pk)


def _log_refused(request: HttpRequest, station: Station, form: ActionForm, status: int) -> HttpResponse:
    actor = signed_in_user(request)
    if not has_role(actor, Role.SUPPLIER):
        return _refused(request, station, form, status)
    return _operator_page(request, selectors.operated_station(actor=actor, pk=station.pk), form, status)


def _operator_page(
    request: HttpRequest, page: selectors.StationPage, form: ActionForm | None = None, status: int = 200
) -> HttpResponse:
    logs = [
        [
            log.month.strftime("%Y-%m"),
            *({"text": getattr(log, field), "kind": "num"} for field in selectors.LOG_FIELDS),
            {"text": log.services, "kind": "num"},
        ]
        for log in page.logs
    ]
    context = {
        "station": page.station,
        "form": form or ServiceLogForm(),
        "log_columns": _log_columns(),
        "logs": logs,
    }
    return render(request, "capacity/operator_logs.html", context, status=status)


@login_required
@require_safe
@read_through(selectors.operated_station, "pk")
def operator_logs(request: HttpRequest, page: selectors.StationPage) -> HttpResponse:
    """服务台账填报 — the station's operator members enter or correct a month's log here."""
    return _operator_page(request, page)


Act = Callable[[Actor, Station, Any], Any]


def station_action(
    form_class: type[ActionForm],
    done: Promise,
    *,
    scope: Callable[..., Station] = _station,
    page: Callable[[HttpRequest, Station, Any, int], HttpResponse] = _refused,
) -> Callable[[Act], View]:
    """Make `act` (one service call with the valid form's data) the view of one action URL of the
    station page (`one_action`): a refusal shows the page again, success goes back to it."""
    decorate = one_action(
        actor=signed_in_user,
        scope=scope,
        form=lambda request, station: _bound(form_class, station, request.POST),
        page=page,
        done=done,
        success=lambda station, result: redirect("capacity:station", pk=station.pk),
        not_found=lambda request, exc: error_page(request, exc),
    )

    def wrap(act: Act) -> View:
        @wraps(act)
        def call(request: HttpRequest, actor: Actor, station: Station, form: Any) -> Any:
            return act(actor, station, form)

        view = decorate(call)

        @wraps(view)
        def guarded(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            # `one_action` answers a NotFound of the scope; a role that reads no station is refused
            # by the selector with PermissionDenied: the error page, 403, before any form is read.
            try:
                answer = view(request, **kwargs)
            except PermissionDenied as exc:
                return error_page(request, exc)
            signed_in = request.user.is_authenticated  # an anonymous POST is sent to sign in (302)
            if answer.status_code == 302 and signed_in and has_role(signed_in_user(request), Role.SUPPLIER):
                # operator members read no station page: back to their log screen
                return redirect("capacity:operator-logs", pk=kwargs["pk"])
            return answer

        return guarded

    return wrap


@station_action(ServiceLogForm, gettext_lazy("服务台账已保存"), scope=_log_station, page=_log_refused)
def log_enter(actor: Actor, station: Station, form: ServiceLogForm) -> Any:
    return services.service_log_enter(
        actor=actor, station=station, month=form.cleaned_data["month"], **form.counts()
    )


@station_action(PostingAddForm, gettext_lazy("已派驻社会工作者"))
def posting_add(actor: Actor, station: Station, form: PostingAddForm) -> Any:
    data = form.cleaned_data
    return services.posting_add(
        actor=actor,
        worker=data["worker"],
        station=station,
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        full_time=data["full_time"],
    )


@station_action(PostingEndForm, gettext_lazy("派驻已结束"))
def posting_end(actor: Actor, station: Station, form: PostingEndForm) -> Any:
    data = form.cleaned_data
    return services.posting_end(
        actor=actor, posting=data["posting"], ends_on=data["ends_on"], reason=data["reason"]
    )


@station_action(SuspendForm, gettext_lazy("站点已暂停服务"))
def suspend(actor: Actor, station: Station, form: SuspendForm) -> Any:
    return services.station_suspend(actor=actor, station=station, reason=form.cleaned_data["reason"])


@station_action(ResumeForm, gettext_lazy("站点已恢复服务"))
def resume(actor: Actor, station: Station, form: ResumeForm) -> Any:
    return services.station_resume(actor=actor, station=station, reason=form.cleaned_data["reason"])


@station_action(CloseForm, gettext_lazy("站点已撤销"))
def close(actor: Actor, station: Station, form: CloseForm) -> Any:
    data = form.cleaned_data
    return services.station_close(
        actor=actor, station=station, closed_on=data["closed_on"], reason=data["reason"]
    )


@station_action(PointOpenForm, gettext_lazy("社工室已设立"))
def point_open(actor: Actor, station: Station, form: PointOpenForm) -> Any:
    data = form.cleaned_data
    return services.point_open(actor=actor, station=station, **data)


@station_action(PointCloseForm, gettext_lazy("社工室已撤销"))
def point_close(actor: Actor, station: Station, form: PointCloseForm) -> Any:
    data = form.cleaned_data
    return services.point_close(
        actor=actor, point=data["point"], closed_on=data["closed_on"], reason=data["reason"]
    )


# --- the stations list's actions (registration authority), one URL each ---------------------------


def _area(*, actor: Actor) -> str:
    """The actor's area (`selectors.scope_prefix`): a role that reads no station is refused here."""
    return selectors.scope_prefix(actor)


def _area_form(form_class: type[ActionForm], actor: Actor, data: Any) -> ActionForm:
    if form_class is StationOpenForm:
        return StationOpenForm(data, townships=selectors.townships_of(actor=actor))
    return WorkerRegisterForm(data, counties=selectors.counties_of(actor=actor))


AreaAct = Callable[[Actor, Any], Any]


def area_action(
    form_class: type[ActionForm], done: Promise, success: Callable[[Any], HttpResponse]
) -> Callable[[AreaAct], View]:
    """Make `act` the view of one action URL of the stations list (`one_action`): a refusal shows
    the list again with the error beside its field, success answers with `success(result)`."""
    decorate = one_action(
        actor=signed_in_user,
        scope=_area,
        form=lambda request, area: _area_form(form_class, signed_in_user(request), request.POST),
        page=lambda request, area, form, status: _stations_page(request, form, status),
        done=done,
        success=lambda area, result: success(result),
        not_found=lambda request, exc: error_page(request, exc),
    )

    def wrap(act: AreaAct) -> View:
        @wraps(act)
        def call(request: HttpRequest, actor: Actor, area: str, form: Any) -> Any:
            return act(actor, form)

        view = decorate(call)

        @wraps(view)
        def guarded(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, **kwargs)
            except PermissionDenied as exc:
                return error_page(request, exc)

        return guarded

    return wrap


@area_action(
    StationOpenForm,
    gettext_lazy("站点已设立"),
    lambda station: redirect("capacity:station", pk=station.pk),
)
def station_open(actor: Actor, form: StationOpenForm) -> Any:
    data = form.cleaned_data
    try:
        operator = organization_get(data["operator"])
    except NotFound as exc:
        # An unknown code is the operator field's error, not a missing page.
        raise ServiceError(exc.code, exc.text(), field="operator") from None
    contract, grant = selectors.funding(kind=data["funding"], number=data["funding_number"])
    try:
        return services.station_open(
            actor=actor,
            township=data["township"],
            name=data["name"],
            operator=operator,
            opened_on=data["opened_on"],
            contract=contract,
            grant=grant,
            annual_amount=data["annual_amount"],
            address=data["address"],
            opening_hours=data["opening_hours"],
            phone=data["phone"],
        )
    except ServiceError as exc:
        if exc.field not in ("contract", "grant"):
            raise
        # the form names the contract or the agreement by one field: the refusal stands beside it
        exc.field = "funding_number"
        raise


@area_action(
    WorkerRegisterForm, gettext_lazy("社会工作者已登记"), lambda worker: redirect("capacity:stations")
)
def worker_register(actor: Actor, form: WorkerRegisterForm) -> Any:
    data = form.cleaned_data
    return services.worker_register(
        actor=actor,
        name=data["name"],
        id_number=data["id_number"],
        region=data["region"],
        level=data["level"],
        certificate_no=data["certificate_no"],
        certified_year=data["certified_year"],
    )


# --- Excel: exports of the coverage table and the station list, the import of stations, workers
# and logs (all rows or none; every bad row listed with its column and reason) ---------------------


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{clock.local_now():%Y%m%d}.xlsx"'
    return response


@login_required
@require_safe
@_in_area(selectors.coverage)
def coverage_export(request: HttpRequest, table: selectors.CoverageTable) -> HttpResponse:
    """导出覆盖情况 — the coverage table of the official's area (or of one county) as .xlsx."""
    rows = [(row.county.code, row.county.name, row.figures) for row in table.rows]
    points = {row.county.code: row.points for row in table.rows} | {"": table.points}
    return _xlsx(excel.coverage_xlsx(rows, table.total, points), "capacity-coverage")


@login_required
@require_safe
@_in_area(selectors.stations)
def stations_export(request: HttpRequest, items: Any) -> HttpResponse:
    """导出站点 — the stations of the official's area (or of one county) as .xlsx."""
    return _xlsx(excel.stations_xlsx(items.iterator(chunk_size=2000)), "capacity-stations")


def _importer(request: HttpRequest) -> Actor:
    """The signed-in user, refused (PermissionDenied) unless a registration authority imports."""
    actor = signed_in_user(request)
    require_role(actor, *services.MANAGERS)
    return actor


def _imports_page(
    request: HttpRequest, form: ImportForm, errors: list[dict[str, Any]] | None = None, status: int = 200
) -> HttpResponse:
    kinds = [
        {
            "kind": kind,
            "label": label,
            "columns": [(column.header, column.required) for column in excel.KINDS[kind]],
            "template": reverse("capacity:import-template", args=[kind]),
        }
        for kind, label in excel.KIND_LABELS.items()
    ]
    rows = [[error["row"], error["column"] or "—", error["message"]] for error in errors or []]
    context = {
        "form": form,
        "kinds": kinds,
        "error_columns": [_("行号"), _("列"), _("问题")],
        "error_rows": rows,
    }
    return render(request, "capacity/imports.html", context, status=status)


@login_required
@require_safe
def imports(request: HttpRequest) -> HttpResponse:
    """从 Excel 导入 — the import form, the columns of each kind and their empty templates."""
    try:
        _importer(request)
    except PermissionDenied as exc:
        return error_page(request, exc)
    return _imports_page(request, ImportForm())


@login_required
@require_safe
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The empty workbook of one import (its header row)."""
    try:
        _importer(request)
    except PermissionDenied as exc:
        return error_page(request, exc)
    if kind not in excel.KINDS:
        return error_page(request, NotFound(Code.CAPACITY_IMPORT_KIND_INVALID))
    return _xlsx(excel.template_xlsx(kind), f"capacity-{kind}-template")


@login_required
@require_POST
def import_run(request: HttpRequest) -> HttpResponse:
    """Import the posted workbook: all rows, then back to the stations; or none, and the page again
    with every bad row (row number, column, reason) and the refusal beside the file field."""
    try:
        actor = _importer(request)
    except PermissionDenied as exc:
        return error_page(request, exc)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _imports_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    outcome = run_service(
        form,
        lambda: services.capacity_import(
            actor=actor, kind=form.cleaned_data["kind"], name=upload.name, content=upload.read()
        ),
    )
    if outcome.error is not None:
        return _imports_page(request, form, outcome.error.params.get("errors", []), outcome.status)
    assert outcome.result is not None
    messages.success(
        request,
        _("已导入%(kind)s %(rows)s 行")
        % {"kind": excel.KIND_LABELS[outcome.result.kind], "rows": outcome.result.rows},
    )
    return redirect("capacity:stations")


# --- public: the station finder (no sign-in; public fields only) ------------------------------------


@require_safe
def finder(request: HttpRequest) -> HttpResponse:
    """找社工站 — residents find the social-work station of their township: where it is, when it is
    open, how to call it and what it offers. Anonymous, read-only, nothing personal."""
    try:
        found = selectors.public_finder(
            county=request.GET.get("county", "").strip()[:12],
            township=request.GET.get("township", "").strip()[:12],
        )
    except ServiceError as exc:
        return error_page(request, exc)
    return render(request, "capacity/finder.html", {"finder": found})
