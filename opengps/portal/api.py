"""信息公开 API: the public notices by kind, with the same filters and search as the pages (no login)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from opengps.core.inputs import Id, Page, Str32, Str200
from opengps.portal import selectors

router = Router(tags=["portal"])


class NoticeOut(Schema):
    kind: str
    kind_label: str
    id: int
    title: str
    when: date | datetime | None
    unit: str
    unit_id: int | None
    summary: str
    amount: Decimal | None
    url: str

    @staticmethod
    def resolve_kind_label(obj: selectors.NoticeItem) -> str:
        return str(obj.kind_label)

    @staticmethod
    def resolve_id(obj: selectors.NoticeItem) -> int:
        return obj.pk


class NoticePageOut(Schema):
    count: int
    page: int
    num_pages: int
    items: list[NoticeOut]


class KindOut(Schema):
    key: str
    label: str
    count: int


class NoticeQuery(Schema):
    q: Str200 = ""
    unit: Str32 = ""
    region: Str32 = ""
    category: Str32 = ""
    date_from: Str32 = ""
    date_to: Str32 = ""
    page: Page = 1


def _filters(query: NoticeQuery) -> selectors.PortalFilters:
    params = query.dict()
    params["from"], params["to"] = params.pop("date_from"), params.pop("date_to")
    return selectors.PortalFilters.from_params(params)


@router.get("/kinds", response=list[KindOut])
def kinds(request: HttpRequest, query: Query[NoticeQuery]) -> Any:
    """Each kind of notice with the number matching the filters (the search's facets)."""
    results = selectors.search(_filters(query), per_kind=0)
    return [
        {"key": key, "label": str(kind.label), "count": results.counts[key]}
        for key, kind in selectors.KINDS.items()
    ]


@router.get("/notices/{kind}", response=NoticePageOut)
def notices(request: HttpRequest, kind: str, query: Query[NoticeQuery]) -> Any:
    page = selectors.notice_page(kind, _filters(query), query.page)
    return {"count": page.count, "page": page.page, "num_pages": page.num_pages, "items": page.items}


@router.get("/notices/{kind}/{pk}", response=NoticeOut)
def notice(request: HttpRequest, kind: str, pk: Id) -> Any:
    spec, obj = selectors.notice(kind, pk)
    return selectors.to_item(spec, obj)
