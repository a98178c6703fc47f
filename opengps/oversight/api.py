"""监督预警 API: red flags with evidence, thresholds and runs — finance, auditors and admins only.

Every endpoint needs a session; the role check is in the selectors and services, so a
logged-in supplier or purchaser gets a 403 with code ``perm.denied``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.core.inputs import Date, Id, Measure, Str32, Str40, Text
from opengps.oversight import selectors, services
from opengps.oversight.models import Flag, FlagRun, FlagThreshold

router = Router(tags=["oversight"], auth=django_auth)


class FlagOut(Schema):
    id: int
    run: int
    code: str
    title: str
    severity: str
    procurement: int | None
    procurement_reference: str
    lot: int | None
    unit: int | None
    unit_name: str
    organization: int | None
    organization_name: str
    region: str | None
    explanation: str
    explanation_en: str
    citation: str

    @staticmethod
    def resolve_run(obj: Flag) -> int:
        return obj.run_id

    @staticmethod
    def resolve_procurement(obj: Flag) -> int | None:
        return obj.procurement_id

    @staticmethod
    def resolve_procurement_reference(obj: Flag) -> str:
        return obj.procurement.reference if obj.procurement else ""

    @staticmethod
    def resolve_lot(obj: Flag) -> int | None:
        return obj.lot.number if obj.lot else None

    @staticmethod
    def resolve_unit(obj: Flag) -> int | None:
        return obj.unit_id

    @staticmethod
    def resolve_unit_name(obj: Flag) -> str:
        return obj.unit.name if obj.unit else ""

    @staticmethod
    def resolve_organization(obj: Flag) -> int | None:
        return obj.organization_id

    @staticmethod
    def resolve_organization_name(obj: Flag) -> str:
        return obj.organization.name if obj.organization else ""

    @staticmethod
    def resolve_region(obj: Flag) -> str | None:
        return obj.region_id


class FlagDetailOut(FlagOut):
    evidence: dict[str, Any]
    links: list[dict[str, str]]

    @staticmethod
    def resolve_links(obj: Flag) -> list[dict[str, str]]:
        return [{"label": str(label), "url": url} for label, url in selectors.flag_links(obj)]


class RunOut(Schema):
    id: int
    started_at: datetime
    on_date: date
    thresholds: dict[str, str]
    counts: dict[str, int]
    procurements_checked: int


class ThresholdIn(Schema):
    key: Str40
    value: Measure
    effective_from: Date
    reason: Text


class ThresholdOut(Schema):
    key: str
    value: Decimal
    effective_from: date
    reason: str


class FlagQuery(Schema):
    code: Str32 = ""
    unit: Str32 = ""
    region: Str32 = ""
    run: Str32 = ""


@router.get("/flags", response=list[FlagOut])
def flag_list(request: HttpRequest, query: Query[FlagQuery]) -> Any:
    filters = selectors.FlagFilters.from_params(query.dict())
    return selectors.flag_list(actor=request.user, filters=filters)


@router.get("/flags/{pk}", response=FlagDetailOut)
def flag_detail(request: HttpRequest, pk: Id) -> Any:
    return selectors.flag_detail(actor=request.user, pk=pk)


@router.get("/runs", response=list[RunOut])
def runs(request: HttpRequest) -> Any:
    return selectors.run_list(actor=request.user)


@router.post("/runs", response={201: RunOut})
def run_create(request: HttpRequest) -> Any:
    run: FlagRun = services.redflags_compute(actor=signed_in_user(request))
    return Status(201, run)


@router.post("/thresholds", response={201: ThresholdOut})
def threshold_create(request: HttpRequest, payload: ThresholdIn) -> Any:
    row: FlagThreshold = services.threshold_set(
        actor=signed_in_user(request),
        key=payload.key,
        value=payload.value,
        effective_from=payload.effective_from,
        reason=payload.reason,
    )
    return Status(201, row)
