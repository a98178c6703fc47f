"""Catalogue API: published versions for everyone; editing, Excel import and publication for finance."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Unit
from opengps.catalog import selectors, services
from opengps.catalog.excel import export_xlsx
from opengps.catalog.models import CatalogItem, CatalogVersion, PriceEntry
from opengps.core.inputs import Id, PatchIn, Price, Str10, Str20, Str60, Str64, Str120, Str200, Text, Year

router = Router(tags=["catalog"])


class VersionOut(Schema):
    id: int
    year: int
    revision: int
    title: str
    issuer: str
    document_number: str
    status: str
    published_at: datetime | None


class PriceOut(Schema):
    id: int
    unit_of_measure: str
    price: Decimal
    effective_year: int
    note: str


class ItemOut(Schema):
    id: int
    code: str
    name: str
    level: int
    kind: str
    parent_code: str
    description: str
    citation: str
    unit_of_service: str
    retired: bool
    prices: list[PriceOut]

    @staticmethod
    def resolve_parent_code(obj: CatalogItem) -> str:
        return obj.parent.code if obj.parent else ""

    @staticmethod
    def resolve_prices(obj: CatalogItem) -> list[Any]:
        return list(obj.prices.all())


class VersionDetailOut(VersionOut):
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj: CatalogVersion) -> list[Any]:
        return list(
            obj.items.select_related("parent").prefetch_related("prices").order_by("position", "code")
        )


class VersionIn(Schema):
    year: Year
    title: Str200
    issuer: Str120 = ""
    document_number: Str60 = ""
    based_on: Id | None = None


class ItemIn(Schema):
    code: Str20
    name: Str200
    parent_code: Str64 = ""
    kind: Str10 = "item"
    description: Text = ""
    citation: Str200 = ""
    unit_of_service: Str20 = ""


class ItemPatchIn(PatchIn):
    """Fields to change; those left out keep their value."""

    code: Str20 | None = None
    name: Str200 | None = None
    parent_code: Str64 | None = None
    negative: bool | None = None
    description: Text | None = None
    citation: Str200 | None = None
    unit_of_service: Str20 | None = None


class CatalogReasonIn(Schema):
    reason: Text = ""


class PriceIn(Schema):
    item_code: Str64
    unit_of_measure: Str20
    price: Price
    note: Str200 = ""
    effective_year: Year | None = None
    """Defaults to the version's year."""


class PriceUpdateIn(Schema):
    unit_of_measure: Str20
    price: Price
    effective_year: Year
    note: Str200 = ""


class DepartmentIn(Schema):
    unit_id: Id
    item_codes: list[Str64]


class ImportOut(Schema):
    version: VersionOut
    changed: bool


def _version(request: HttpRequest, pk: Id) -> CatalogVersion:
    return selectors.version_get(actor=request.user, pk=pk)


@router.get("/versions", response=list[VersionOut])
def versions(request: HttpRequest) -> Any:
    """指导性目录各版本 — catalogue versions (drafts only for finance, admins and auditors)."""
    return list(selectors.versions_visible(actor=request.user))


@router.get("/versions/{pk}", response=VersionDetailOut)
def version_detail(request: HttpRequest, pk: Id) -> Any:
    """一个版本的全部事项（含负面清单）和参考价格."""
    return _version(request, pk)


@router.get("/versions/{pk}/export.xlsx")
def version_export(request: HttpRequest, pk: Id) -> HttpResponse:
    """导出 Excel — the version as an .xlsx workbook (re-importable unchanged)."""
    version = _version(request, pk)
    response = HttpResponse(
        export_xlsx(version), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="catalog-{version.year}-{version.revision}.xlsx"'
    return response


@router.post("/versions", response={201: VersionOut}, auth=django_auth)
def version_create(request: HttpRequest, payload: VersionIn) -> Any:
    based_on = _version(request, payload.based_on) if payload.based_on else None
    version = services.catalog_version_create(
        actor=signed_in_user(request),
        year=payload.year,
        title=payload.title,
        issuer=payload.issuer,
        document_number=payload.document_number,
        based_on=based_on,
    )
    return Status(201, version)


def _item(request: HttpRequest, pk: Id, code: str) -> CatalogItem:
    return selectors.item_by_code(version=_version(request, pk), code=code)


def _price(request: HttpRequest, pk: Id, price_id: Id) -> PriceEntry:
    return get_object_or_404(
        PriceEntry.objects.select_related("item__version"), pk=price_id, item__version=_version(request, pk)
    )


@router.post("/versions/{pk}/items", response=ItemOut, auth=django_auth)
def item_save(request: HttpRequest, pk: Id, payload: ItemIn) -> Any:
    """Add an entry to a draft (or rename an existing code)."""
    return services.catalog_item_save(
        actor=signed_in_user(request), version=_version(request, pk), **payload.dict()
    )


@router.patch("/versions/{pk}/items/{code}", response=ItemOut, auth=django_auth)
def item_update(request: HttpRequest, pk: Id, code: str, payload: ItemPatchIn) -> Any:
    """修改目录事项 — code, name, parent, description, unit of service, negative-list flag (drafts only)."""
    return services.catalog_item_update(
        actor=signed_in_user(request), item=_item(request, pk, code), **payload.dict(exclude_unset=True)
    )


@router.post("/versions/{pk}/items/{code}/retire", response=ItemOut, auth=django_auth)
def item_retire(request: HttpRequest, pk: Id, code: str, payload: CatalogReasonIn) -> Any:
    """停用 a third-level item of a draft: kept in the version, no longer purchasable."""
    return services.catalog_item_retire(
        actor=signed_in_user(request), item=_item(request, pk, code), reason=payload.reason
    )


@router.post("/versions/{pk}/items/{code}/reinstate", response=ItemOut, auth=django_auth)
def item_reinstate(request: HttpRequest, pk: Id, code: str, payload: CatalogReasonIn) -> Any:
    return services.catalog_item_reinstate(
        actor=signed_in_user(request), item=_item(request, pk, code), reason=payload.reason
    )


@router.delete("/versions/{pk}/items/{code}", response={204: None}, auth=django_auth)
def item_remove(request: HttpRequest, pk: Id, code: str) -> Any:
    services.catalog_item_remove(actor=signed_in_user(request), item=_item(request, pk, code))
    return Status(204, None)


@router.post("/versions/{pk}/prices", response=PriceOut, auth=django_auth)
def price_set(request: HttpRequest, pk: Id, payload: PriceIn) -> Any:
    """Set a reference price of a third-level item per unit of measure and effective year."""
    return services.catalog_price_set(
        actor=signed_in_user(request),
        item=_item(request, pk, payload.item_code),
        unit_of_measure=payload.unit_of_measure,
        price=payload.price,
        note=payload.note,
        effective_year=payload.effective_year,
    )


@router.patch("/versions/{pk}/prices/{price_id}", response=PriceOut, auth=django_auth)
def price_update(request: HttpRequest, pk: Id, price_id: Id, payload: PriceUpdateIn) -> Any:
    return services.catalog_price_update(
        actor=signed_in_user(request), entry=_price(request, pk, price_id), **payload.dict()
    )


@router.delete("/versions/{pk}/prices/{price_id}", response={204: None}, auth=django_auth)
def price_remove(request: HttpRequest, pk: Id, price_id: Id) -> Any:
    services.catalog_price_remove(actor=signed_in_user(request), entry=_price(request, pk, price_id))
    return Status(204, None)


@router.post("/versions/{pk}/publish", response=VersionOut, auth=django_auth)
def version_publish(request: HttpRequest, pk: Id) -> Any:
    return services.catalog_version_publish(actor=signed_in_user(request), version=_version(request, pk))


@router.post("/import", response=ImportOut, auth=django_auth)
def version_import(request: HttpRequest, file: File[UploadedFile], version_id: Id | None = None) -> Any:
    """导入 Excel — into a draft (`version_id`) or as a new draft version."""
    target = _version(request, version_id) if version_id else None
    version, changed = services.catalog_import_xlsx(
        actor=signed_in_user(request), data=file.read(), version=target
    )
    return {"version": version, "changed": changed}


@router.post("/versions/{pk}/departments", response={200: dict[str, Any]}, auth=django_auth)
def department_publish(request: HttpRequest, pk: Id, payload: DepartmentIn) -> Any:
    """发布部门目录 — a department's subset of a published version."""
    unit = get_object_or_404(Unit, pk=payload.unit_id)
    catalogue = services.department_catalogue_publish(
        actor=signed_in_user(request), version=_version(request, pk), unit=unit, item_codes=payload.item_codes
    )
    return {"unit": unit.name, "items": sorted(catalogue.items.values_list("code", flat=True))}
