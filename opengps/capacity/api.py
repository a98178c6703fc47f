"""Capacity API (/api/v1/capacity/, signed-in officials, read-only for now): station coverage by
county, the stations of an area and one station with its workers and logs. Identity numbers appear
only masked; refusals are the selectors' codes in the platform's error shape (ErrorOut)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.capacity import selectors
from opengps.capacity.models import Posting, ServiceLog, Station
from opengps.core.api_errors import ERRORS
from opengps.core.inputs import Id, Str8

router = Router(tags=["capacity"], auth=django_auth)


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


def _row(code: str, name: str, figures: Any) -> dict[str, Any]:
    return {
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
        "rows": [_row(row.county.code, row.county.name, row.figures) for row in table.rows],
        "total": _row("", "", table.total),
    }


@router.get("/stations", response={200: list[StationOut], **ERRORS})
def stations(request: HttpRequest, query: Query[AreaIn]) -> Any:
    """The stations of the caller's region (or of `region` within it), at most 500."""
    return list(selectors.stations(actor=signed_in_user(request), region=query.region, on=query.on)[:500])


@router.get("/stations/{pk}", response={200: StationPageOut, **ERRORS})
def station(request: HttpRequest, pk: Id) -> Any:
    """One station with its postings (identity numbers masked) and its last twelve logs."""
    page = selectors.station_page(actor=signed_in_user(request), pk=pk)
    return {"station": page.station, "postings": page.postings, "logs": page.logs}
