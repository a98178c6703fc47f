"""Capacity API (/api/v1/capacity/, signed-in officials): station coverage by county, the stations
of an area and one station with its workers and logs, their Excel exports, and the Excel import of
stations, workers and logs; incubation bases with their yearly assessment and outcome. Identity numbers appear
only masked; refusals are the selectors' codes in the platform's error shape (ErrorOut)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.capacity import excel, selectors, services
from opengps.capacity.api_growth import PointOut
from opengps.capacity.api_growth import router as growth_router
from opengps.capacity.models import BaseAssessment, Incubatee, IncubationBase, Posting, ServiceLog, Station
from opengps.core.api_errors import ERRORS
from opengps.core.inputs import Id, Str8, Str200

router = Router(tags=["capacity"], auth=django_auth)
router.add_router("", growth_router)
"""Service points, trainings, events and community organizations (`api_growth`), same prefix."""


class AreaIn(Schema):
    region: Str8 = ""
    on: date | None = None


class CoverageRowOut(Schema):
    county: str
    county_name: str
    townships: int
    with_station: int
    station_share: Decimal | None
    staffed: int
    staffed_share: Decimal | None
    workers: int
    certified: int
    certified_share: Decimal | None
    gaps: int
    points: int = 0


class CoverageOut(Schema):
    on: date
    rows: list[CoverageRowOut]
    total: CoverageRowOut


class StationOut(Schema):
    id: int
    name: str
    township: str
    township_name: str
    county: str
    operator: str
    operator_uscc: str
    contract: str | None
    grant: str | None
    opened_on: date
    closed_on: date | None
    status: str
    status_label: str
    address: str
    opening_hours: str
    phone: str

    @staticmethod
    def resolve_township(obj: Station) -> str:
        return obj.township_id

    @staticmethod
    def resolve_township_name(obj: Station) -> str:
        return obj.township.name

    @staticmethod
    def resolve_county(obj: Station) -> str:
        return obj.township.county_id

    @staticmethod
    def resolve_operator(obj: Station) -> str:
        return obj.operator.name

    @staticmethod
    def resolve_operator_uscc(obj: Station) -> str:
        return obj.operator.uscc

    @staticmethod
    def resolve_contract(obj: Station) -> str | None:
        return obj.contract.reference if obj.contract else None

    @staticmethod
    def resolve_grant(obj: Station) -> str | None:
        return obj.grant.number if obj.grant else None

    @staticmethod
    def resolve_status_label(obj: Station) -> str:
        return str(obj.get_status_display())


class PostingOut(Schema):
    worker: str
    id_number_masked: str
    level: str
    full_time: bool
    starts_on: date
    ends_on: date | None

    @staticmethod
    def resolve_worker(obj: Posting) -> str:
        return obj.worker.name

    @staticmethod
    def resolve_id_number_masked(obj: Posting) -> str:
        return obj.worker.id_number_masked

    @staticmethod
    def resolve_level(obj: Posting) -> str:
        return obj.worker.level


class LogOut(Schema):
    month: date
    elderly: int
    children: int
    assistance: int
    community: int
    other: int
    people_served: int
    services: int

    @staticmethod
    def resolve_services(obj: ServiceLog) -> int:
        return obj.services


class StationPageOut(Schema):
    station: StationOut
    postings: list[PostingOut]
    logs: list[LogOut]
    points: list[PointOut]


def _row(code: str, name: str, figures: Any, points: int = 0) -> dict[str, Any]:
    return {
        "points": points,
        "county": code,
        "county_name": name,
        "townships": figures.townships,
        "with_station": figures.with_station,
        "station_share": figures.station_share,
        "staffed": figures.staffed,
        "staffed_share": figures.staffed_share,
        "workers": figures.workers,
        "certified": figures.certified,
        "certified_share": figures.certified_share,
        "gaps": figures.gaps,
    }


@router.get("/coverage", response={200: CoverageOut, **ERRORS})
def coverage(request: HttpRequest, query: Query[AreaIn]) -> Any:
    """Station coverage by county on a day (today by default), for the caller's region or part of it."""
    table = selectors.coverage(actor=signed_in_user(request), on=query.on, region=query.region)
    return {
        "on": table.on,
        "rows": [_row(row.county.code, row.county.name, row.figures, row.points) for row in table.rows],
        "total": _row("", "", table.total, table.points),
    }


@router.get("/stations", response={200: list[StationOut], **ERRORS})
def stations(request: HttpRequest, query: Query[AreaIn]) -> Any:
    """The stations of the caller's region (or of `region` within it), at most 500."""
    return list(selectors.stations(actor=signed_in_user(request), region=query.region, on=query.on)[:500])


@router.get("/stations/{pk}", response={200: StationPageOut, **ERRORS})
def station(request: HttpRequest, pk: Id) -> Any:
    """One station with its postings (identity numbers masked) and its last twelve logs."""
    page = selectors.station_page(actor=signed_in_user(request), pk=pk)
    return {"station": page.station, "postings": page.postings, "logs": page.logs, "points": page.points}


class CapacityImportOut(Schema):
    kind: str
    rows: int


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@router.get("/coverage.xlsx")
def coverage_export(request: HttpRequest, query: Query[AreaIn]) -> HttpResponse:
    """The coverage table as an Excel workbook (text cells never formulas)."""
    table = selectors.coverage(actor=signed_in_user(request), on=query.on, region=query.region)
    rows = [(row.county.code, row.county.name, row.figures) for row in table.rows]
    points = {row.county.code: row.points for row in table.rows} | {"": table.points}
    return _xlsx(excel.coverage_xlsx(rows, table.total, points), "capacity-coverage")


@router.get("/stations.xlsx")
def stations_export(request: HttpRequest, query: Query[AreaIn]) -> HttpResponse:
    """The stations of the caller's region (or of `region` within it) as an Excel workbook."""
    items = selectors.stations(actor=signed_in_user(request), region=query.region, on=query.on)
    return _xlsx(excel.stations_xlsx(items.iterator(chunk_size=2000)), "capacity-stations")


@router.post("/import/{kind}", response={200: CapacityImportOut, **ERRORS})
def import_xlsx(request: HttpRequest, kind: Str8, file: File[UploadedFile]) -> Any:
    """Import stations, workers or logs (`kind`) from a workbook, all rows or none: a 400
    ``capacity.import_rows_invalid`` lists every bad row in ``error.params.errors``."""
    result = services.capacity_import(
        actor=signed_in_user(request), kind=kind, name=file.name or "", content=file.read()
    )
    return {"kind": result.kind, "rows": result.rows}


class BaseOut(Schema):
    id: int
    name: str
    level: str
    level_label: str
    region: str
    operator: str
    opened_on: date

    @staticmethod
    def resolve_level_label(obj: IncubationBase) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_region(obj: IncubationBase) -> str:
        return obj.region_id

    @staticmethod
    def resolve_operator(obj: IncubationBase) -> str:
        return obj.operator.name


class SubsidyOut(Schema):
    year: int
    amount: Decimal
    purpose: str


class IncubateeOut(Schema):
    name: str
    organization_uscc: str | None
    entered_on: date
    graduated_on: date | None

    @staticmethod
    def resolve_name(obj: Incubatee) -> str:
        return str(obj)

    @staticmethod
    def resolve_organization_uscc(obj: Incubatee) -> str | None:
        return obj.organization.uscc if obj.organization else None


class IndicatorIO(Schema):
    name: str
    full_marks: Decimal
    score: Decimal


class AssessmentOut(Schema):
    year: int
    indicators: list[IndicatorIO]
    total: Decimal
    grade: str
    grade_label: str
    incubatees: int
    graduates: int
    registered: int
    won_purchase: int
    notes: str
    assessed_on: date

    @staticmethod
    def resolve_grade_label(obj: BaseAssessment) -> str:
        return str(obj.get_grade_display())


class OutcomesOut(Schema):
    incubatees: int
    graduates: int
    registered: int
    rated: int
    won_purchase: int
    winners: list[str]


class BasePageOut(Schema):
    base: BaseOut
    subsidies: list[SubsidyOut]
    incubatees: list[IncubateeOut]
    assessments: list[AssessmentOut]
    outcomes: OutcomesOut


class AssessmentIn(Schema):
    year: int
    indicators: list[IndicatorIO]
    notes: Str200 = ""


@router.get("/bases", response={200: list[BaseOut], **ERRORS})
def bases(request: HttpRequest, query: Query[AreaIn]) -> Any:
    """The incubation bases of the caller's region (or of `region` within it)."""
    return list(selectors.bases(actor=signed_in_user(request), region=query.region)[:500])


@router.get("/bases/{pk}", response={200: BasePageOut, **ERRORS})
def base(request: HttpRequest, pk: Id) -> Any:
    """One base with its subsidies, incubatees, yearly assessments and its outcome today: graduates
    registered, rated, and those that won a purchase (an awarded lot or an e-mall order) since."""
    page = selectors.base_page(actor=signed_in_user(request), pk=pk)
    return {
        "base": page.base,
        "subsidies": page.subsidies,
        "incubatees": page.incubatees,
        "assessments": page.assessments,
        "outcomes": page.outcomes,
    }


@router.post("/bases/{pk}/assessments", response={201: AssessmentOut, **ERRORS})
def base_assess(request: HttpRequest, pk: Id, payload: AssessmentIn) -> Any:
    """Assess the base for a year (once): indicators with full marks adding up to 100."""
    actor = signed_in_user(request)
    page = selectors.base_page(actor=actor, pk=pk)
    assessment = services.base_assess(
        actor=actor,
        base=page.base,
        year=payload.year,
        indicators=[(i.name, i.full_marks, i.score) for i in payload.indicators],
        notes=payload.notes,
    )
    return Status(201, assessment)
