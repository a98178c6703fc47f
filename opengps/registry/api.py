"""Registry API: public search, profiles and eligibility; registration-authority writes (session + CSRF)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.core import clock
from opengps.core.api_errors import ErrorOut
from opengps.core.errors import NotFound
from opengps.core.inputs import (
    Date,
    Id,
    PatchIn,
    SmallCount,
    Str12,
    Str16,
    Str18,
    Str24,
    Str30,
    Str32,
    Str60,
    Str80,
    Str120,
    Str200,
    Text,
    Year,
    Yuan,
)
from opengps.registry import derived, selectors, services
from opengps.registry.errors import Code
from opengps.registry.models import CreditListing, Organization, OrgStatus, OrgType, Rating
from opengps.rules.eligibility import Eligibility

router = Router(tags=["registry"])


# ---------------------------------------------------------------------------------------------
# Schemas


class OrganizationRow(Schema):
    uscc: str
    name: str
    org_type: str
    org_type_label: str
    region: str
    region_name: str
    registration_level: str
    status: str
    status_label: str
    rating: int | None
    credit_status: str
    credit_status_label: str
    eligible: bool
    founded_on: date


class SearchOut(Schema):
    count: int = Field(
        ...,
        description=f"匹配数：不超过 {selectors.COUNT_CAP:,} 时为精确值；超过时为 {selectors.COUNT_CAP:,}，"
        "count_capped 为 true（下限）",
    )
    count_capped: bool = Field(
        False,
        description=f"true：匹配超过 {selectors.COUNT_CAP:,} 个，count 是下限，页码只到它覆盖的页，"
        "结果按登记录入先后排列（否则按名称）",
    )
    page: int
    page_size: int
    num_pages: int
    results: list[OrganizationRow]


class RegistryReasonOut(Schema):
    code: str
    message: str
    message_zh: str
    message_en: str
    citation: str
    severity: str


class EligibilityOut(Schema):
    on_date: date
    eligible: bool
    flagged: bool
    priority: bool
    rating_in_force: int | None
    next_change: date | None
    reasons: list[RegistryReasonOut]


class RatingOut(Schema):
    id: int
    level: int
    awarded_on: date
    valid_until: date
    decision_no: str
    revoked_on: date | None
    revocation_reason: str


class AnnualReportOut(Schema):
    year: int
    submitted_on: date
    result: str


class CreditListingOut(Schema):
    id: int
    kind: str
    kind_label: str
    reason: str
    decision_document: str
    listed_on: date
    removed_on: date | None
    removal_reason: str
    removal_document: str


class ProfileOut(OrganizationRow):
    is_charity: bool
    is_industry_association: bool
    is_community_org: bool
    community_kind: str
    business_scope: str
    legal_representative: str
    address: str
    registration_authority: str
    status_changed_on: date | None
    ratings: list[RatingOut]
    annual_reports: list[AnnualReportOut]
    credit_listings: list[CreditListingOut]
    eligibility: EligibilityOut


class SearchQuery(Schema):
    q: Str200 = ""
    type: Str32 = ""
    region: Str32 = ""
    min_rating: int | None = Field(None, ge=1, le=5)
    credit: Str32 = ""
    page: int = Field(1, ge=1)
    page_size: int = Field(selectors.DEFAULT_PAGE_SIZE, ge=1, le=selectors.MAX_PAGE_SIZE)


class OrganizationIn(Schema):
    name: Str120
    uscc: Str18
    org_type: Str24 = Field(..., description="social_group | social_service_agency | foundation")
    region: Str32 = Field(..., description="GB/T 2260 六位区划代码")
    founded_on: Date
    registration_level: Str12 = ""
    business_scope: Text = ""
    legal_representative: Str60 = ""
    contact_person: Str60 = ""
    contact_phone: Str30 = ""
    address: Str200 = ""
    is_charity: bool = False
    is_industry_association: bool = False
    is_community_org: bool = False
    community_kind: Str16 = ""


class OrganizationPatch(PatchIn):
    name: Str120 | None = None
    uscc: Str18 | None = None
    org_type: Str24 | None = None
    region: Str32 | None = None
    founded_on: Date | None = None
    registration_level: Str12 | None = None
    business_scope: Text | None = None
    legal_representative: Str60 | None = None
    contact_person: Str60 | None = None
    contact_phone: Str30 | None = None
    address: Str200 | None = None
    is_charity: bool | None = None
    is_industry_association: bool | None = None
    is_community_org: bool | None = None
    community_kind: Str16 | None = None
    reason: Text = ""


class RatingIn(Schema):
    level: SmallCount
    awarded_on: Date
    decision_no: Str80
    reason: Text = ""


class RatingRevokeIn(Schema):
    revoked_on: Date
    reason: Text


class CreditListingIn(Schema):
    kind: Str24
    reason: Text
    decision_document: Str120
    listed_on: Date


class PenaltyIn(Schema):
    kind: Str16
    decided_on: Date
    issuer: Str120
    decision_document: Str120
    amount: Yuan | None = None
    facts: Text = ""
    for_business: bool = True
    large_by_issuer: bool = False
    ends_on: Date | None = None


class PenaltyOut(Schema):
    id: int
    kind: str
    kind_label: str
    decided_on: date
    issuer: str
    decision_document: str
    amount: Decimal | None
    for_business: bool
    large_by_issuer: bool
    ends_on: date | None


class CreditRemovalIn(Schema):
    removed_on: Date
    reason: Text
    document: Str80


class AnnualReportIn(Schema):
    year: Year
    submitted_on: Date
    result: Str12 = "submitted"


class StatusIn(Schema):
    status: Str16
    on_date: Date
    reason: Text


# ---------------------------------------------------------------------------------------------
# Shaping


def _labels() -> dict[str, dict[str, str]]:
    """Choice labels in the request's language, translated once per request instead of per row."""
    return {
        "org_type": {value: str(label) for value, label in OrgType.choices},
        "status": {value: str(label) for value, label in OrgStatus.choices},
        "credit": {value: str(label) for value, label in selectors.CreditFilter.CHOICES},
    }


def _row(org: Organization, labels: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    labels = labels or _labels()
    credit = selectors.credit_status(org)
    return {
        "uscc": org.uscc,
        "name": org.name,
        "org_type": org.org_type,
        "org_type_label": labels["org_type"].get(org.org_type, org.org_type),
        "region": org.region_id,
        "region_name": selectors.region_name_of(org),
        "registration_level": org.registration_level,
        "status": org.status,
        "status_label": labels["status"].get(org.status, org.status),
        "rating": org.rating_level,
        "credit_status": credit,
        "credit_status_label": labels["credit"][credit],
        "eligible": org.eligible,
        "founded_on": org.founded_on,
    }


def _eligibility(result: Eligibility, on_date: date) -> dict[str, Any]:
    english = (get_language() or "").startswith("en")
    return {
        "on_date": on_date,
        "eligible": result.eligible,
        "flagged": result.flagged,
        "priority": result.priority,
        "rating_in_force": result.rating_in_force,
        "next_change": result.next_change,
        "reasons": [
            {
                "code": r.code,
                "message": r.message_en if english else r.message_zh,
                "message_zh": r.message_zh,
                "message_en": r.message_en,
                "citation": r.citation,
                "severity": r.severity,
            }
            for r in result.reasons
        ],
    }


def _profile(uscc: str) -> dict[str, Any]:
    org = selectors.organization_with_records(uscc)
    today = clock.today()
    return {
        **_row(org),
        "is_charity": org.is_charity,
        "is_industry_association": org.is_industry_association,
        "is_community_org": org.is_community_org,
        "community_kind": org.community_kind,
        "business_scope": org.business_scope,
        "legal_representative": org.legal_representative,
        "address": org.address,
        "registration_authority": org.registration_authority.name,
        "status_changed_on": org.status_changed_on,
        "ratings": list(org.ratings.all()),
        "annual_reports": list(org.annual_reports.all()),
        "credit_listings": [
            {
                **{f: getattr(c, f) for f in CreditListingOut.model_fields if f != "kind_label"},
                "reason": selectors.credit_reason_label(c.reason),
                "kind_label": str(c.get_kind_display()),
            }
            for c in org.credit_listings.all()
        ],
        "eligibility": _eligibility(selectors.organization_eligibility(org, today), today),
    }


# ---------------------------------------------------------------------------------------------
# Public reads


SEARCH_CACHE_SECONDS = 15


@router.get("/organizations", response=SearchOut)
def search(request: HttpRequest, query: Query[SearchQuery]) -> HttpResponse:
    """查询社会组织 — search by Chinese name substring or exact USCC, with filters; public fields only.

    Public data: the JSON of a query is kept up to 15 s (exact at once after writes in the same
    process; other processes within 15 s), so repeated public searches cost no database work.
    """
    filters = selectors.SearchFilters.from_params(query.dict())
    language = get_language() or ""
    key = (
        "registry:search:"
        + hashlib.sha256(
            repr(
                (
                    derived.generation(),
                    language,
                    sorted(filters.as_params().items()),
                    query.page,
                    query.page_size,
                )
            ).encode()
        ).hexdigest()
    )
    body = cache.get(key)
    if body is None:
        page = selectors.organization_search(filters=filters, page=query.page, page_size=query.page_size)
        labels = _labels()
        payload = {
            "count": page.count,
            "count_capped": page.count_capped,
            "page": page.page,
            "page_size": page.page_size,
            "num_pages": page.num_pages,
            "results": [_row(org, labels) for org in page.results],
        }
        # Shaped exactly as SearchOut (the schema documents it); serialized once, then served as is.
        body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()
        cache.set(key, body, SEARCH_CACHE_SECONDS)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get("/organizations/{uscc}", response={200: ProfileOut, 404: ErrorOut})
def profile(request: HttpRequest, uscc: str) -> dict[str, Any]:
    """社会组织公开信息 — profile with rating, credit listings and today's eligibility with citations."""
    return _profile(uscc)


@router.get("/organizations/{uscc}/eligibility", response={200: EligibilityOut, 404: ErrorOut})
def eligibility(request: HttpRequest, uscc: str, on: Date | None = None) -> dict[str, Any]:
    """承接资格 — eligibility as supplier of purchased services on a date (default today)."""
    on_date = on or clock.today()
    org = selectors.organization_with_records(uscc)
    return _eligibility(selectors.organization_eligibility(org, on_date), on_date)


# ---------------------------------------------------------------------------------------------
# Registration-authority writes (session login; CSRF token required as for any form)

WRITE_RESPONSES: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
}


@router.post("/organizations", auth=django_auth, response={201: ProfileOut, **WRITE_RESPONSES})
def create(request: HttpRequest, payload: OrganizationIn) -> Status[dict[str, Any]]:
    """登记社会组织 — create an organization (registration authority)."""
    org = services.organization_create(actor=signed_in_user(request), **payload.dict())
    return Status(201, _profile(org.uscc))


@router.patch("/organizations/{uscc}", auth=django_auth, response={200: ProfileOut, **WRITE_RESPONSES})
def update(request: HttpRequest, uscc: str, payload: OrganizationPatch) -> dict[str, Any]:
    """修改登记信息 — change only the fields sent."""
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    org = services.organization_update(
        actor=signed_in_user(request),
        organization=selectors.organization_get(uscc),
        changes=changes,
        reason=reason,
    )
    return _profile(org.uscc)


@router.post("/organizations/{uscc}/status", auth=django_auth, response={200: ProfileOut, **WRITE_RESPONSES})
def change_status(request: HttpRequest, uscc: str, payload: StatusIn) -> dict[str, Any]:
    """注销 / 撤销登记."""
    services.organization_change_status(
        actor=signed_in_user(request), organization=selectors.organization_get(uscc), **payload.dict()
    )
    return _profile(uscc)


@router.post("/organizations/{uscc}/ratings", auth=django_auth, response={201: RatingOut, **WRITE_RESPONSES})
def rating_create(request: HttpRequest, uscc: str, payload: RatingIn) -> Status[Rating]:
    """登记评估等级 (1A–5A)."""
    rating = services.rating_record(
        actor=signed_in_user(request), organization=selectors.organization_get(uscc), **payload.dict()
    )
    return Status(201, rating)


@router.post(
    "/organizations/{uscc}/ratings/{rating_id}/revocation",
    auth=django_auth,
    response={200: RatingOut, **WRITE_RESPONSES},
)
def rating_revocation(request: HttpRequest, uscc: str, rating_id: Id, payload: RatingRevokeIn) -> Rating:
    """撤销评估等级."""
    org = selectors.organization_get(uscc)
    rating = selectors.rating_of(org, rating_id)
    return services.rating_revoke(actor=signed_in_user(request), rating=rating, **payload.dict())


@router.post(
    "/organizations/{uscc}/annual-reports",
    auth=django_auth,
    response={201: AnnualReportOut, **WRITE_RESPONSES},
)
def annual_report_create(request: HttpRequest, uscc: str, payload: AnnualReportIn) -> Status[Any]:
    """登记年度工作报告."""
    report = services.annual_report_record(
        actor=signed_in_user(request), organization=selectors.organization_get(uscc), **payload.dict()
    )
    return Status(201, report)


def _listing_out(listing: CreditListing) -> dict[str, Any]:
    return {
        **{f: getattr(listing, f) for f in CreditListingOut.model_fields if f != "kind_label"},
        "kind_label": str(listing.get_kind_display()),
    }


@router.post(
    "/organizations/{uscc}/credit-listings",
    auth=django_auth,
    response={201: CreditListingOut, **WRITE_RESPONSES},
)
def credit_listing_create(
    request: HttpRequest, uscc: str, payload: CreditListingIn
) -> Status[dict[str, Any]]:
    """列入信用名录（活动异常名录、严重违法失信名单等）."""
    listing = services.credit_list(
        actor=signed_in_user(request), organization=selectors.organization_get(uscc), **payload.dict()
    )
    return Status(201, _listing_out(listing))


@router.post(
    "/organizations/{uscc}/credit-listings/{listing_id}/removal",
    auth=django_auth,
    response={200: CreditListingOut, **WRITE_RESPONSES},
)
def credit_listing_removal(
    request: HttpRequest, uscc: str, listing_id: Id, payload: CreditRemovalIn
) -> dict[str, Any]:
    """移出信用名录."""
    org = selectors.organization_get(uscc)
    listing = (
        CreditListing.objects.filter(pk=listing_id, organization=org).select_related("organization").first()
    )
    if listing is None:
        raise NotFound(Code.REGISTRY_LISTING_NOT_FOUND)
    return _listing_out(
        services.credit_delist(actor=signed_in_user(request), listing=listing, **payload.dict())
    )


@router.post(
    "/organizations/{uscc}/penalties",
    auth=django_auth,
    response={201: PenaltyOut, **WRITE_RESPONSES},
)
def penalty_create(request: HttpRequest, uscc: str, payload: PenaltyIn) -> Status[dict[str, Any]]:
    """登记行政处罚记录（重大违法记录的审查依据：政府采购法 第二十二条、实施条例 第十九条）."""
    penalty = services.penalty_record(
        actor=signed_in_user(request), organization=selectors.organization_get(uscc), **payload.dict()
    )
    return Status(
        201,
        {
            **{f: getattr(penalty, f) for f in PenaltyOut.model_fields if f != "kind_label"},
            "kind_label": str(penalty.get_kind_display()),
        },
    )
