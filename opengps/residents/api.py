"""Residents' API (/api/v1/residents/, no login): the service finder, one service, rating and
complaint posts (rate-limited per address) and the lookup by tracking number. Each write is one
service call; refusals are the services' codes in the platform's error shape (ErrorOut)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from opengps.core import ratelimit
from opengps.core.api_errors import ERRORS
from opengps.core.inputs import Id, Str12, Str20, Str30, Str500
from opengps.residents import selectors, services
from opengps.residents.models import Feedback

router = Router(tags=["residents"])


class NeedOut(Schema):
    key: str
    label: str


class ServiceOut(Schema):
    source: str
    id: int
    title: str
    kind_name: str
    provider: str
    purchaser: str
    area: str
    recipients: str
    until: date | None
    grade: str
    rating: Decimal | None
    ratings: int
    where: str
    when: str
    how: str
    phone: str
    feedback_source: str
    feedback_pk: int | None

    @staticmethod
    def resolve_id(obj: selectors.ServiceCard) -> int:
        return obj.pk


class FinderIn(Schema):
    county: Str12
    township: Str12 = ""
    need: Str20


class ResidentRateIn(Schema):
    stars: int
    text: Str500 = ""
    code: Str20 = ""


class ResidentFileIn(Schema):
    kind: Str12
    text: Str500


class FeedbackOut(Schema):
    tracking: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    verified: bool
    filed_on: date
    answer_due: date | None
    answer: str
    overdue: bool

    @staticmethod
    def resolve_kind_label(obj: Feedback) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Feedback) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_overdue(obj: Feedback) -> bool:
        return selectors.overdue(obj)


@router.get("/needs", response={200: list[NeedOut], **ERRORS})
def needs(request: HttpRequest) -> Any:
    """The needs a resident searches by, labelled in the request's language."""
    return selectors.needs()


@router.get("/services", response={200: list[ServiceOut], **ERRORS})
def services_near(request: HttpRequest, query: Query[FinderIn]) -> Any:
    """The services delivered now in a county (GB/T 2260 code), optionally one township of it (the
    9-digit code: its social-work station), for a need: stations, contracts, e-mall orders, grants."""
    return selectors.find_services(county=query.county, township=query.township, need=query.need)


@router.get("/services/{source}/{pk}", response={200: ServiceOut, **ERRORS})
def service(request: HttpRequest, source: str, pk: Id) -> Any:
    return selectors.service_get(source, pk)


@router.post("/services/{source}/{pk}/rate", response={200: FeedbackOut, **ERRORS})
def rate(request: HttpRequest, source: str, pk: Id, body: ResidentRateIn) -> Any:
    """Rate a service 1–5; with a one-time code the rating is verified and counted."""
    return services.feedback_rate(
        source=source,
        pk=pk,
        stars=body.stars,
        text=body.text,
        code=body.code,
        client=ratelimit.client_ip(request),
    )


@router.post("/services/{source}/{pk}/file", response={200: FeedbackOut, **ERRORS})
def file(request: HttpRequest, source: str, pk: Id, body: ResidentFileIn) -> Any:
    """File a complaint or suggestion; the answer is due by the rules' deadline."""
    return services.feedback_file(
        source=source, pk=pk, kind=body.kind, text=body.text, client=ratelimit.client_ip(request)
    )


@router.get("/feedback/{tracking}", response={200: FeedbackOut, **ERRORS})
def feedback(request: HttpRequest, tracking: Str30) -> Any:
    """A feedback item by its tracking number."""
    return selectors.feedback_by_tracking(tracking)
