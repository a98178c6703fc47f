"""Capacity pages for the civil-affairs and finance officials of a region (read-only): station
coverage by county, the stations of an area, and one station with its workers (identity numbers
masked) and its monthly service logs. A refusal (another region, another role, a malformed region
code) is the error page with its status."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from opengps.accounts.actors import signed_in_user
from opengps.capacity import selectors
from opengps.capacity.models import StationStatus
from opengps.core.errors import ServiceError
from opengps.core.views import error_page

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


@login_required
@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    """社工站覆盖 — townships with an operating, staffed station and certified workers, by county."""
    try:
        table = selectors.coverage(actor=signed_in_user(request), region=_region(request))
    except ServiceError as exc:
        return error_page(request, exc)
    stations = reverse("capacity:stations")
    rows: list[list[Any]] = []
    for row in table.rows:
        figures = row.figures
        rows.append(
            [
                {"text": row.county.name, "url": f"{stations}?region={row.county.code}", "kind": "name"},
                {"text": figures.townships, "kind": "num"},
                {"text": figures.with_station, "kind": "num"},
                {"text": _percent(figures.station_share), "kind": "num"},
                {"text": figures.staffed, "kind": "num"},
                {"text": figures.workers, "kind": "num"},
                {"text": _percent(figures.certified_share), "kind": "num"},
                {"text": figures.gaps, "kind": "num"},
            ]
        )
    columns = [
        _("县市区"),
        _("乡镇（街道）数"),
        _("有运营站点"),
        _("站点覆盖率"),
        _("有驻站社工"),
        _("驻站社工"),
        _("持证比例"),
        _("未覆盖"),
    ]
    context = {"table": table, "columns": columns, "rows": rows, "total": table.total}
    return render(request, "capacity/coverage.html", context)


@login_required
@require_safe
def station_list(request: HttpRequest) -> HttpResponse:
    """社工站 — the stations of the official's area (or of one county), with the workers posted today."""
    try:
        items = list(selectors.stations(actor=signed_in_user(request), region=_region(request))[:500])
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
    return render(request, "capacity/stations.html", {"columns": columns, "rows": rows})


@login_required
@require_safe
def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One station: its township, operator and funding, its workers and its last twelve logs."""
    try:
        page = selectors.station_page(actor=signed_in_user(request), pk=pk)
    except ServiceError as exc:
        return error_page(request, exc)
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
    context = {
        "station": page.station,
        "posting_columns": [_("姓名"), _("身份证号"), _("职业资格"), _("方式"), _("派驻开始"), _("派驻结束")],
        "postings": postings,
        "log_columns": [
            _("月份"),
            _("养老服务"),
            _("儿童关爱"),
            _("社会救助"),
            _("社区建设"),
            _("其他"),
            _("服务人数"),
            _("服务人次合计"),
        ],
        "logs": logs,
    }
    return render(request, "capacity/station.html", context)
