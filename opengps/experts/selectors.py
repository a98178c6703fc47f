"""Reads on the expert database and draws, shaped for the screens and the API, permission-checked.

Expert records (phone, employer, masked identity number) are personal data: readable by the
finance department that keeps the database, agencies that run draws, auditors and
administrators. A draw's members stay confidential until the result is announced (评标委员会成员
名单在评标结果公告前应当保密, 87号令 第四十七条): only the purchaser unit, the agency that made it,
finance, auditors and administrators read it; an expert sees only their own invitations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet

from opengps.accounts import scopes
from opengps.accounts.actors import Actor, Viewer
from opengps.accounts.models import Role
from opengps.accounts.permissions import is_authenticated
from opengps.core.errors import NotFound, PermissionDenied
from opengps.experts.errors import Code
from opengps.experts.matching import specialty_matches
from opengps.experts.models import Draw, DrawMember, Expert, ExpertStatus, MemberStatus

EXPERT_READERS = frozenset({Role.FINANCE, Role.AGENCY, Role.AUDITOR, Role.ADMIN})
DRAW_SUPERVISORS = frozenset({Role.FINANCE, Role.AUDITOR, Role.ADMIN})
"""Oversee draws: auditors and administrators all, finance its region's purchasers' (`accounts.scopes`)."""
FINANCE_ONLY = frozenset({Role.FINANCE})
PAGE_SIZE = 50


def _require_login(actor: Actor) -> None:
    if not is_authenticated(actor):
        raise PermissionDenied(Code.AUTH_REQUIRED)


def can_read_experts(actor: Viewer) -> bool:
    return is_authenticated(actor) and actor.role in EXPERT_READERS


def require_expert_reader(actor: Actor) -> None:
    _require_login(actor)
    if actor.role not in EXPERT_READERS:
        raise PermissionDenied(Code.PERM_DENIED)


@dataclass(frozen=True)
class ExpertFilters:
    q: str = ""
    specialty: str = ""
    region: str = ""
    status: str = ""

    @classmethod
    def from_params(cls, params: Any) -> ExpertFilters:
        status = params.get("status", "")
        region = params.get("region", "")
        return cls(
            q=str(params.get("q", "")).strip()[:60],
            specialty=str(params.get("specialty", "")).strip().upper()[:16],
            region=region if region.isdigit() and len(region) == 6 else "",
            status=status if status in ExpertStatus.values else "",
        )


def expert_queryset(*, actor: Actor, filters: ExpertFilters | None = None) -> QuerySet[Expert]:
    """Experts matching `filters`, with region and employer unit joined."""
    require_expert_reader(actor)
    filters = filters or ExpertFilters()
    experts = Expert.objects.select_related("region", "employer_unit")
    if filters.q:
        experts = experts.filter(Q(name__icontains=filters.q) | Q(employer_name__icontains=filters.q))
    if filters.status:
        experts = experts.filter(status=filters.status)
    if filters.region:
        code = filters.region
        prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        experts = experts.filter(region_id__startswith=prefix)
    if filters.specialty:
        # Codes nest by prefix (A04 ⊃ A0401): JSON containment cannot express that portably, so
        # narrow by the text of the list and confirm in Python on the page.
        experts = experts.filter(specialties__icontains=filters.specialty[:3])
    return experts.order_by("name", "pk")


def expert_page(*, actor: Actor, filters: ExpertFilters | None = None, page: int = 1) -> Page[Expert]:
    filters = filters or ExpertFilters()
    experts = expert_queryset(actor=actor, filters=filters)
    if filters.specialty:
        wanted = filters.specialty
        matching = [
            e.pk
            for e in experts.select_related(None).only("pk", "specialties")
            if specialty_matches(e.specialties, wanted)
        ]
        experts = experts.filter(pk__in=matching)
    return Paginator(experts, PAGE_SIZE).get_page(page)


def expert_detail(*, actor: Actor, expert_id: int) -> Expert:
    """One expert with ties and declarations; the expert may read their own record."""
    _require_login(actor)
    expert = (
        Expert.objects.select_related("region", "employer_unit", "user")
        .prefetch_related("affiliations__unit", "relations")
        .filter(pk=expert_id)
        .first()
    )
    if expert is None:
        raise NotFound(Code.EXPERT_NOT_FOUND)
    if expert.user_id != actor.pk:
        require_expert_reader(actor)
    return expert


def can_read_draw(actor: Viewer, draw: Draw) -> bool:
    if not is_authenticated(actor):
        return False
    if actor.role in DRAW_SUPERVISORS:
        return scopes.supervises(actor, draw.purchaser_unit, roles=FINANCE_ONLY)
    if actor.role == Role.PURCHASER:
        return actor.unit_id is not None and actor.unit_id == draw.purchaser_unit_id
    if actor.role == Role.AGENCY:
        return actor.unit_id is not None and actor.unit_id == draw.agency_unit_id
    return False


def can_manage_draw(actor: Viewer, draw: Draw) -> bool:
    """Answer for members on their behalf: the purchaser unit's staff or the agency that drew."""
    return (
        is_authenticated(actor) and actor.role in {Role.PURCHASER, Role.AGENCY} and can_read_draw(actor, draw)
    )


def draw_list(*, actor: Actor) -> QuerySet[Draw]:
    """Draws the actor may read, newest first."""
    _require_login(actor)
    draws = Draw.objects.select_related("purchaser_unit", "agency_unit", "region")
    if actor.role in DRAW_SUPERVISORS:
        return draws.filter(scopes.units_q(actor, "purchaser_unit"))
    if actor.role == Role.PURCHASER:
        return draws.filter(purchaser_unit_id=actor.unit_id)
    if actor.role == Role.AGENCY:
        return draws.filter(agency_unit_id=actor.unit_id)
    return draws.none()


def draw_detail(*, actor: Viewer, draw_id: int) -> Draw:
    """A draw with its members (and their experts) in order."""
    draw = (
        Draw.objects.select_related("purchaser_unit", "agency_unit", "region", "created_by")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=DrawMember.objects.select_related("expert", "replaced_by").order_by("order"),
            )
        )
        .filter(pk=draw_id)
        .first()
    )
    if draw is None or not can_read_draw(actor, draw):
        # Not found and not allowed look the same: a draw's existence is itself confidential.
        raise NotFound(Code.DRAW_NOT_FOUND)
    return draw


def member_for_response(*, actor: Actor, member_id: int) -> DrawMember:
    """A member the actor may answer for: their own invitation, or one of a draw they manage."""
    _require_login(actor)
    member = DrawMember.objects.select_related("draw", "expert").filter(pk=member_id).first()
    if member is None or not (member.expert.user_id == actor.pk or can_read_draw(actor, member.draw)):
        raise NotFound(Code.DRAW_MEMBER_NOT_FOUND)
    return member


@dataclass(frozen=True)
class Invitation:
    """What an expert sees of a draw: the project only once they have confirmed no conflict."""

    member_id: int
    status: str
    status_label: str
    drawn_at: Any
    procurement_ref: str | None
    title: str | None
    purchaser: str | None


def expert_invitations(*, actor: Actor) -> list[Invitation]:
    _require_login(actor)
    members = (
        DrawMember.objects.filter(expert__user_id=actor.pk)
        .select_related("draw__purchaser_unit")
        .order_by("-draw__drawn_at", "order")
    )
    rows: list[Invitation] = []
    for member in members:
        accepted = member.status == MemberStatus.ACCEPTED
        rows.append(
            Invitation(
                member_id=member.pk,
                status=member.status,
                status_label=str(member.get_status_display()),
                drawn_at=member.draw.drawn_at,
                procurement_ref=member.draw.procurement_ref if accepted else None,
                title=member.draw.title if accepted else None,
                purchaser=str(member.draw.purchaser_unit) if accepted else None,
            )
        )
    return rows
