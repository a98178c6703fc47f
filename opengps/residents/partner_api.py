"""Partner API (/api/v1/residents/partner/): the residents' finder and feedback for partner apps
(湘易办, a city app) that embed them. Each call carries a key an administrator created
(``Authorization: Bearer ogp_…``); a route is admitted only for a key holding its scope and
within the key's rate per minute, and every call — served or refused — is logged
(`PartnerCallLogMiddleware`). Answers and refusals are those of the public residents' API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.security.http import HttpBearer

from opengps.core.api_errors import ERRORS
from opengps.core.inputs import Id, Str30
from opengps.residents import selectors, services
from opengps.residents.api import FeedbackOut, FinderIn, NeedOut, ResidentFileIn, ResidentRateIn, ServiceOut
from opengps.residents.middleware import KEY_META
from opengps.residents.models import PartnerKey, PartnerScope


class PartnerAuth(HttpBearer):
    """A partner key in ``Authorization: Bearer``, admitted for one scope. A missing, unknown or
    revoked key is the platform's 401 refusal (not ninja's bare one)."""

    def __init__(self, scope: PartnerScope) -> None:
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest) -> PartnerKey:
        scheme, _sep, token = request.headers.get(self.header, "").partition(" ")
        key = services.partner_key_identify(token) if scheme.lower() == self.openapi_scheme else None
        request.META[KEY_META] = key.pk if key is not None else None
        return services.partner_call_admit(key=key, scope=self.scope)

    def authenticate(self, request: HttpRequest, token: str) -> PartnerKey:
        return self(request)  # pragma: no cover — __call__ reads the header itself


FINDER = PartnerAuth(PartnerScope.FINDER)
FEEDBACK = PartnerAuth(PartnerScope.FEEDBACK)

router = Router(tags=["residents-partner"])


def _key(request: HttpRequest) -> PartnerKey:
    key = request.auth  # type: ignore[attr-defined]
    assert isinstance(key, PartnerKey)
    return key


def _client(key: PartnerKey) -> str:
    return f"partner:{key.prefix}"


@router.get("/needs", response={200: list[NeedOut], **ERRORS}, auth=FINDER)
def needs(request: HttpRequest) -> Any:
    """The needs a resident searches by (scope `finder`)."""
    return selectors.needs()


@router.get("/services", response={200: list[ServiceOut], **ERRORS}, auth=FINDER)
def services_near(request: HttpRequest, query: Query[FinderIn]) -> Any:
    """The services delivered now in a county (GB/T 2260 code), optionally one township of it, for a
    need: stations, contracts, e-mall orders, grants (scope `finder`)."""
    return selectors.find_services(county=query.county, township=query.township, need=query.need)


@router.get("/services/{source}/{pk}", response={200: ServiceOut, **ERRORS}, auth=FINDER)
def service(request: HttpRequest, source: str, pk: Id) -> Any:
    """One service (scope `finder`)."""
    return selectors.service_get(source, pk)


@router.post("/services/{source}/{pk}/rate", response={200: FeedbackOut, **ERRORS}, auth=FEEDBACK)
def rate(request: HttpRequest, source: str, pk: Id, body: ResidentRateIn) -> Any:
    """A resident's rating 1–5, verified with a one-time code (scope `feedback`)."""
    key = _key(request)
    return services.feedback_rate(
        source=source,
        pk=pk,
        stars=body.stars,
        text=body.text,
        code=body.code,
        client=_client(key),
        partner=key,
    )


@router.post("/services/{source}/{pk}/file", response={200: FeedbackOut, **ERRORS}, auth=FEEDBACK)
def file(request: HttpRequest, source: str, pk: Id, body: ResidentFileIn) -> Any:
    """A resident's complaint or suggestion; a tracking number back (scope `feedback`)."""
    key = _key(request)
    return services.feedback_file(
        source=source, pk=pk, kind=body.kind, text=body.text, client=_client(key), partner=key
    )


@router.get("/feedback/{tracking}", response={200: FeedbackOut, **ERRORS}, auth=FEEDBACK)
def feedback(request: HttpRequest, tracking: Str30) -> Any:
    """A feedback item by its tracking number (scope `feedback`)."""
    return selectors.feedback_by_tracking(tracking)
