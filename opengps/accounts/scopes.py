"""Which units' objects each role may read and write: one rule per role, used by every selector.

The rule, per role (README "Roles"):

- **auditor, administrator** — read everything on the platform; auditors write nothing (their
  services never pass `require_role`).
- **finance** — supervises the units of its own region and every region below it (GB/T 2260:
  the province 430000 > a city 4301xx > a county 430102): the provincial finance department
  sees every unit in Hunan, Changsha's finance bureau Changsha's city and county units, never a
  provincial or another city's unit. The same region decides its writes (approvals, returns),
  and province-wide objects (performance indicator templates) are edited by provincial finance
  only.
- **registration authority** — the same regional rule, for the objects it oversees (grants,
  listing recommendations); the registry keeps its own register-wide rules.
- **purchaser, third-party evaluator** — their own unit. **Agency** — the objects it was
  entrusted with (`agency` on a procurement or draw), which each selector names, plus its own
  unit's records.
- **supplier member, expert** — no unit scope: their own organization's or invitations' objects,
  decided by each domain.

Regions are matched by their code's prefix (GB/T 2260 codes nest: 43 province, 4301 a city,
430102 a county), so a scope is one `LIKE` on the unit's region and needs no tree walk.
"""

from __future__ import annotations

from django.db.models import Q

from opengps.accounts.actors import MaybeActor
from opengps.accounts.errors import Code
from opengps.accounts.models import Role, Unit, User
from opengps.accounts.permissions import is_authenticated
from opengps.core.errors import PermissionDenied

READ_EVERYTHING = frozenset({Role.AUDITOR, Role.ADMIN})
"""Read every unit's objects (auditors: read only)."""
REGIONAL = frozenset({Role.FINANCE, Role.REGISTRATION})
"""Read (and, where their services allow, write) the objects of their region and below."""
OWN_UNIT = frozenset({Role.PURCHASER, Role.AGENCY, Role.EVALUATOR})
"""Their own unit's objects (agencies also those entrusted to them, named by each selector)."""

NOTHING = Q(pk__in=[])


def region_prefix(code: str) -> str:
    """The code prefix shared by a region and every region below it (GB/T 2260).

    >>> region_prefix("430000"), region_prefix("430100"), region_prefix("430104")
    ('43', '4301', '430104')
    """
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def region_covers(actor_region: str, object_region: str) -> bool:
    """Whether `object_region` is `actor_region` or below it."""
    return object_region.startswith(region_prefix(actor_region))


def _actor_region(actor: User) -> str | None:
    unit = getattr(actor, "unit", None) if getattr(actor, "unit_id", None) else None
    return unit.region_id if unit is not None else None


def reads_everything(actor: MaybeActor) -> bool:
    return is_authenticated(actor) and actor.role in READ_EVERYTHING


def supervised_prefix(actor: MaybeActor) -> str | None:
    """The region prefix a finance department or registration authority oversees; None for others."""
    if not is_authenticated(actor) or actor.role not in REGIONAL:
        return None
    region = _actor_region(actor)
    return region_prefix(region) if region else None


def is_provincial(actor: MaybeActor) -> bool:
    """A provincial-level official (their unit is in the province's own region, 430000)."""
    region = _actor_region(actor) if is_authenticated(actor) else None
    return region is not None and region.endswith("0000")


def units_q(actor: MaybeActor, unit_field: str) -> Q:
    """A filter on `unit_field` (a path to a Unit) for the objects the actor's role may read as
    its own or as a supervisor. Roles without a unit scope get nothing (their domains add their
    own conditions, e.g. a supplier's organization).

    Everything is ``Q()``, which vanishes when OR-ed (``Q(a) | Q()`` is ``Q(a)``): to widen a
    public filter, test `reads_everything` first."""
    if not is_authenticated(actor):
        return NOTHING
    if actor.role in READ_EVERYTHING:
        return Q()
    if actor.role in REGIONAL:
        prefix = supervised_prefix(actor)
        return Q(**{f"{unit_field}__region__code__startswith": prefix}) if prefix else NOTHING
    if actor.role in OWN_UNIT and actor.unit_id is not None:
        return Q(**{f"{unit_field}_id": actor.unit_id})
    return NOTHING


def supervises(actor: MaybeActor, unit: Unit | None, *, roles: frozenset[str] = REGIONAL) -> bool:
    """Whether the actor oversees `unit`: auditors and administrators always (read), finance and
    registration (of `roles`) when the unit is in their region or below."""
    if not is_authenticated(actor) or unit is None:
        return False
    if actor.role in READ_EVERYTHING:
        return True
    if actor.role not in roles or actor.role not in REGIONAL:
        return False
    region = _actor_region(actor)
    return region is not None and region_covers(region, unit.region_id)


def require_supervises(
    actor: MaybeActor, unit: Unit, *, roles: frozenset[str] = frozenset({Role.FINANCE})
) -> None:
    """Refuse a supervisor's write on a unit outside its region (a city never edits a provincial
    or another city's object). Auditors are refused here too: they write nothing."""
    if not is_authenticated(actor):
        raise PermissionDenied(Code.AUTH_REQUIRED)
    if actor.role in READ_EVERYTHING and actor.role != Role.ADMIN:
        raise PermissionDenied(Code.PERM_READ_ONLY)
    if actor.role == Role.ADMIN:
        return
    if actor.role not in roles or not supervises(actor, unit, roles=roles):
        raise PermissionDenied(Code.PERM_OUT_OF_REGION)


def require_provincial(actor: MaybeActor) -> None:
    """Province-wide objects (indicator templates per catalogue category): provincial officials."""
    if not is_provincial(actor) and not (is_authenticated(actor) and actor.role == Role.ADMIN):
        raise PermissionDenied(Code.PERM_PROVINCIAL_ONLY)


# Audit timelines name their object by model label; the path from each object to the unit that
# owns it, so a regional reader sees only its region's timelines. Strings, not imports: accounts
# sits below the domains (import-linter).
OBJECT_UNIT_PATHS: dict[str, str] = {
    "planning.budgetline": "unit",
    "planning.project": "unit",
    "planning.purchaseplan": "unit",
    "planning.purchaseintention": "plan__unit",
    "procurement.procurement": "purchaser",
    "evaluation.evaluation": "procurement__purchaser",
    "contracts.contract": "purchaser",
    "experts.draw": "purchaser_unit",
    "performance.performanceevaluation": "contract__purchaser",
    "grants.programme": "funder_unit",
    "grants.round": "programme__funder_unit",
    "grants.application": "round__programme__funder_unit",
    "grants.agreement": "application__round__programme__funder_unit",
    "challenges.challenge": "procurement__purchaser",
    "challenges.complaint": "procurement__purchaser",
}
