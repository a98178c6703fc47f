"""Experts API: the expert database (readers), draws (purchaser/agency), invitations (experts)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Region, Role, Unit
from opengps.core.api_errors import ERRORS
from opengps.core.errors import NotFound, ServiceError
from opengps.core.inputs import Id, Str18, Str32, Str200
from opengps.experts import selectors, services
from opengps.experts.errors import Code
from opengps.experts.facts import bidders_from_organizations
from opengps.experts.models import Draw, DrawMember, Expert
from opengps.registry.models import Organization
from opengps.rules.committee import BidderFacts

router = Router(tags=["experts"], auth=django_auth)


# ---------------------------------------------------------------------------------------------
# Expert database


class ExpertRow(Schema):
    id: int
    name: str
    title_level: str
    title_name: str
    region: str
    region_name: str
    specialties: list[str]
    employer_name: str
    status: str

    @staticmethod
    def resolve_region(obj: Expert) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj: Expert) -> str:
        return obj.region.name


class AffiliationOut(Schema):
    role: str
    organization_name: str
    organization_uscc: str
    start: date | None
    end: date | None


class RelationOut(Schema):
    person_name: str
    relation: str
    generations: int | None
    organization_name: str


class ExpertOut(ExpertRow):
    id_number_masked: str
    phone: str
    title_obtained_on: date
    field_since: date
    birth_date: date
    employer_uscc: str
    affiliations: list[AffiliationOut]
    relations: list[RelationOut]

    @staticmethod
    def resolve_affiliations(obj: Expert) -> list[Any]:
        return list(obj.affiliations.all())

    @staticmethod
    def resolve_relations(obj: Expert) -> list[Any]:
        return list(obj.relations.all())


class ExpertPageOut(Schema):
    count: int
    page: int
    num_pages: int
    results: list[ExpertRow]


class ExpertQuery(Schema):
    q: Str200 = ""
    specialty: Str200 = ""
    region: Str32 = ""
    status: Str32 = ""
    page: int = Field(1, ge=1, le=100_000)


@router.get("", response={200: ExpertPageOut, **ERRORS})
def expert_list(request: HttpRequest, query: Query[ExpertQuery]) -> dict[str, Any]:
    """评审专家库 — experts by name/unit, specialty (catalogue code), region and status."""
    page = selectors.expert_page(
        actor=signed_in_user(request),
        filters=selectors.ExpertFilters.from_params(query.dict()),
        page=query.page,
    )
    return {
        "count": page.paginator.count,
        "page": page.number,
        "num_pages": page.paginator.num_pages,
        "results": list(page.object_list),
    }


@router.get("/{int:expert_id}", response={200: ExpertOut, **ERRORS})
def expert_get(request: HttpRequest, expert_id: Id) -> Expert:
    """One expert with declared ties (identity number masked)."""
    return selectors.expert_detail(actor=signed_in_user(request), expert_id=expert_id)


# ---------------------------------------------------------------------------------------------
# Draws


class BidderIn(Schema):
    bidder_id: str = Field(..., max_length=40, description="统一社会信用代码")
    name: str = Field("", max_length=120)
    legal_representative: str | None = Field(None, max_length=60)
    principal: str | None = Field(None, max_length=60)


class ExpertDrawIn(Schema):
    procurement_ref: str = Field(..., max_length=64)
    title: str = Field(..., max_length=200)
    purchaser_unit: Id | None = Field(None, description="采购人单位编号；采购人本人操作时可省略")
    category: str = Field(..., max_length=16, description="指导性目录类别代码，如 A04")
    method: Str32
    budget: Decimal = Field(..., ge=0, max_digits=16, decimal_places=2)
    needed: int = Field(..., ge=1, le=99)
    purchaser_reps: int = Field(0, ge=0, le=9)
    region: Str32 | None = Field(None, description="专家所在区划代码；为空表示全省")
    complex_project: bool = False
    bidder_usccs: list[Str18] = Field(
        default_factory=list, description="投标供应商（社会组织库中的统一社会信用代码）"
    )
    bidders: list[BidderIn] = Field(default_factory=list, description="社会组织库以外的投标供应商")


class ExpertReasonOut(Schema):
    code: str
    message_zh: str
    message_en: str
    citation: str
    severity: str


class ExclusionOut(Schema):
    expert_id: int
    name: str
    reasons: list[ExpertReasonOut]


class MemberOut(Schema):
    id: int
    order: int
    expert_id: int
    expert_name: str
    is_substitute: bool
    status: str
    conflict_confirmed_at: datetime | None
    responded_at: datetime | None
    decline_reason: str

    @staticmethod
    def resolve_expert_name(obj: DrawMember) -> str:
        return obj.expert.name


class DrawRow(Schema):
    id: int
    procurement_ref: str
    title: str
    purchaser_unit: str
    category: str
    method: str
    needed: int
    drawn_at: datetime

    @staticmethod
    def resolve_purchaser_unit(obj: Draw) -> str:
        return obj.purchaser_unit.name


class ExpertCheckOut(Schema):
    ok: bool
    seed_matches: bool
    inputs_match: bool
    chain_head_found: bool
    selection_matches: bool
    replayed: list[int]


class ExpertDrawOut(DrawRow):
    budget: Decimal
    purchaser_reps: int
    region: str | None
    inputs: dict[str, str]
    seed: str
    candidates: int
    pool: list[int]
    exclusions: list[ExclusionOut]
    committee: dict[str, Any]
    members: list[MemberOut]
    check: ExpertCheckOut

    @staticmethod
    def resolve_region(obj: Draw) -> str | None:
        return obj.region_id

    @staticmethod
    def resolve_members(obj: Draw) -> list[DrawMember]:
        return list(obj.members.all())

    @staticmethod
    def resolve_check(obj: Draw) -> dict[str, Any]:
        check = services.draw_verify(obj)
        return {
            "ok": check.ok,
            "seed_matches": check.seed_matches,
            "inputs_match": check.inputs_match,
            "chain_head_found": check.chain_head_found,
            "selection_matches": check.selection_matches,
            "replayed": check.replayed,
        }


def _bidders(payload: ExpertDrawIn) -> list[BidderFacts]:
    usccs = sorted({code.strip().upper() for code in payload.bidder_usccs if code.strip()})
    organizations = list(Organization.objects.filter(uscc__in=usccs))
    unknown = sorted(set(usccs) - {org.uscc for org in organizations})
    if unknown:
        raise ServiceError(
            Code.DRAW_BIDDER_UNKNOWN,
            _("社会组织库中没有这些统一社会信用代码：%(codes)s") % {"codes": "、".join(unknown)},
            field="bidder_usccs",
            params={"unknown": unknown},
        )
    extra = [
        BidderFacts(b.bidder_id.strip().upper(), b.name, b.legal_representative, b.principal)
        for b in payload.bidders
    ]
    return bidders_from_organizations(organizations) + extra


@router.get("/draws", response={200: list[DrawRow], **ERRORS})
def draw_list(request: HttpRequest) -> Any:
    """专家抽取记录 — draws the user may read."""
    return list(selectors.draw_list(actor=signed_in_user(request))[:200])


@router.post("/draws", response={201: ExpertDrawOut, **ERRORS})
def draw_create(request: HttpRequest, payload: ExpertDrawIn) -> Status[Draw]:
    """随机抽取评审专家 — the server sets the draw time; the seed comes from the audit chain head."""
    user: Any = request.user
    unit_id = payload.purchaser_unit or (user.unit_id if user.role == Role.PURCHASER else None)
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit is None:
        raise NotFound(Code.DRAW_PURCHASER_UNIT_NOT_FOUND)
    region = Region.objects.filter(pk=payload.region).first() if payload.region else None
    if payload.region and region is None:
        raise NotFound(Code.DRAW_REGION_NOT_FOUND)
    draw = services.draw_create(
        actor=user,
        procurement_ref=payload.procurement_ref,
        title=payload.title,
        purchaser_unit=unit,
        category=payload.category,
        method=payload.method,
        budget=payload.budget,
        needed=payload.needed,
        purchaser_reps=payload.purchaser_reps,
        region=region,
        complex_project=payload.complex_project,
        bidders=_bidders(payload),
    )
    return Status(201, selectors.draw_detail(actor=user, draw_id=draw.pk))


@router.get("/draws/{int:draw_id}", response={200: ExpertDrawOut, **ERRORS})
def draw_get(request: HttpRequest, draw_id: Id) -> Draw:
    """一次抽取的公开输入、随机种子、候选与排除、抽中专家和复核结果."""
    return selectors.draw_detail(actor=request.user, draw_id=draw_id)


class ResponseIn(Schema):
    accept: bool
    no_conflict_confirmed: bool = False
    reason: str = Field("", max_length=500)


class ResponseOut(Schema):
    member: MemberOut
    substitute: MemberOut | None


@router.post("/members/{int:member_id}/response", response={200: ResponseOut, **ERRORS})
def member_respond(request: HttpRequest, member_id: Id, payload: ResponseIn) -> dict[str, Any]:
    """专家答复：确认无回避情形并参加，或说明原因拒绝（自动抽取替补）."""
    member = selectors.member_for_response(actor=signed_in_user(request), member_id=member_id)
    answered, substitute = services.draw_member_respond(
        actor=signed_in_user(request), member=member, **payload.dict()
    )
    return {"member": answered, "substitute": substitute}


class InvitationOut(Schema):
    member_id: int
    status: str
    status_label: str
    drawn_at: datetime
    procurement_ref: str | None
    title: str | None
    purchaser: str | None


@router.get("/invitations", response={200: list[InvitationOut], **ERRORS})
def invitations(request: HttpRequest) -> Any:
    """我的评审邀请 — the project is shown once the expert has confirmed no conflict."""
    return selectors.expert_invitations(actor=signed_in_user(request))
