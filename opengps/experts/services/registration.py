"""The expert database (财库〔2016〕198号): registering experts, their record, ties and declared relations."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from opengps.accounts.actors import Actor, MaybeActor
from opengps.accounts.models import Region, Role, Unit, User
from opengps.accounts.permissions import is_authenticated, require_role
from opengps.core import audit, clock
from opengps.core.errors import Conflict, ServiceError
from opengps.core.masking import mask_id_number
from opengps.core.status import status_move
from opengps.experts.errors import Code
from opengps.experts.events import Event
from opengps.experts.models import (
    AffiliationRole,
    Expert,
    ExpertAffiliation,
    ExpertRelation,
    ExpertStatus,
    RelationKind,
    TitleLevel,
)
from opengps.rules import lifecycles

DATABASE_MANAGERS = (Role.FINANCE, Role.ADMIN)
"""The finance department keeps the provincial expert database (财库〔2016〕198号 第四条)."""
USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"


def id_number_hash(id_number: str) -> str:
    """Keyed hash of a normalized identity card number (HMAC-SHA256 under SECRET_KEY).

    A plain hash of an 18-digit number with a known structure is easy to reverse by trying
    birth dates; the key makes that impossible without the server. Rotating SECRET_KEY needs the
    stored hashes recomputed from the source records.
    """
    key = hashlib.sha256(b"opengps.experts.id_number\x00" + settings.SECRET_KEY.encode("utf-8")).digest()
    return hmac.new(key, ric.compact(id_number).encode("ascii"), hashlib.sha256).hexdigest()


def _valid_id_number(id_number: str) -> str:
    """Length, digits, check digit (GB 11643) and a real birth date. The birth place is not checked:
    numbers keep the region code of their issue, which later boundary changes may have retired."""
    number = ric.compact(id_number)
    try:
        if len(number) != 18 or not number[:17].isdigit() or number[-1] != ric.calc_check_digit(number):
            raise StdnumError()
        born = ric.get_birth_date(number)
    except StdnumError:
        raise ServiceError(Code.EXPERT_ID_NUMBER_INVALID, field="id_number") from None
    if born.year < 1900 or born > clock.today():
        raise ServiceError(Code.EXPERT_ID_NUMBER_INVALID, field="id_number")
    return str(number)


def _clean_specialties(specialties: Iterable[str]) -> list[str]:
    codes = sorted({code.strip().upper() for code in specialties if code and code.strip()})
    if not codes:
        raise ServiceError(Code.EXPERT_SPECIALTIES_REQUIRED, field="specialties")
    for code in codes:
        if not code.isalnum() or len(code) > 16:
            raise ServiceError(Code.EXPERT_SPECIALTY_INVALID, field="specialties", params={"code": code})
    return codes


def _check_uscc(value: str, field: str) -> str:
    value = value.strip().upper()
    if value and not re.fullmatch(USCC_PATTERN, value):
        raise ServiceError(Code.EXPERT_USCC_INVALID, field=field)
    return value


def is_self(actor: MaybeActor, expert: Expert) -> bool:
    """Whether `actor` is the expert's own account."""
    return is_authenticated(actor) and expert.user_id is not None and expert.user_id == actor.pk


def _require_manager_or_self(actor: Actor, expert: Expert) -> None:
    if not is_self(actor, expert):
        require_role(actor, *DATABASE_MANAGERS)


def _expert_snapshot(expert: Expert) -> dict[str, Any]:
    return {
        "name": expert.name,
        "phone": expert.phone,
        "title_level": expert.title_level,
        "title_name": expert.title_name,
        "title_obtained_on": expert.title_obtained_on,
        "field_since": expert.field_since,
        "region": expert.region_id,
        "specialties": list(expert.specialties),
        "employer_name": expert.employer_name,
        "employer_uscc": expert.employer_uscc,
        "employer_unit": expert.employer_unit_id,
        "status": expert.status,
        "user": expert.user_id,
    }


def _check_user(user: User | None, expert: Expert | None = None) -> None:
    if user is None:
        return
    if user.role != Role.EXPERT:
        raise ServiceError(Code.EXPERT_USER_NOT_EXPERT, field="user")
    taken = Expert.objects.filter(user=user)
    if expert is not None:
        taken = taken.exclude(pk=expert.pk)
    if taken.exists():
        raise Conflict(Code.EXPERT_USER_TAKEN, field="user")


def expert_register(
    *,
    actor: Actor,
    name: str,
    id_number: str,
    phone: str = "",
    title_level: str,
    title_name: str = "",
    title_obtained_on: date,
    field_since: date,
    region: Region,
    specialties: Sequence[str],
    employer_name: str = "",
    employer_uscc: str = "",
    employer_unit: Unit | None = None,
    user: User | None = None,
) -> Expert:
    """Enter an expert into the database (finance department or administrator).

    The birth date is read from the identity card number; the number itself is kept only as a
    keyed hash (duplicates refused) and a masked form.
    """
    require_role(actor, *DATABASE_MANAGERS)
    name = name.strip()
    if not name:
        raise ServiceError(Code.EXPERT_NAME_REQUIRED, field="name")
    number = _valid_id_number(id_number)
    if title_level not in TitleLevel.values:
        raise ServiceError(Code.EXPERT_TITLE_INVALID, field="title_level")
    birth_date = ric.get_birth_date(number)
    if field_since <= birth_date:
        raise ServiceError(Code.EXPERT_FIELD_SINCE_INVALID, field="field_since")
    codes = _clean_specialties(specialties)
    uscc = _check_uscc(employer_uscc, "employer_uscc")
    _check_user(user)
    with transaction.atomic():
        digest = id_number_hash(number)
        if Expert.objects.filter(id_number_hash=digest).exists():
            raise Conflict(Code.EXPERT_DUPLICATE, field="id_number")
        expert = Expert.objects.create(
            name=name,
            id_number_hash=digest,
            id_number_masked=mask_id_number(number),
            phone=phone.strip(),
            title_level=title_level,
            title_name=title_name.strip(),
            title_obtained_on=title_obtained_on,
            field_since=field_since,
            birth_date=birth_date,
            region=region,
            specialties=codes,
            employer_name=employer_name.strip(),
            employer_uscc=uscc,
            employer_unit=employer_unit,
            user=user,
        )
        audit.record(
            actor=actor,
            action=Event.EXPERT_REGISTERED,
            obj=expert,
            new={**_expert_snapshot(expert), "id_number": expert.id_number_masked},
        )
    return expert


UPDATABLE = frozenset(
    {
        "name",
        "phone",
        "title_level",
        "title_name",
        "title_obtained_on",
        "field_since",
        "region",
        "specialties",
        "employer_name",
        "employer_uscc",
        "employer_unit",
        "status",
        "user",
    }
)
SELF_UPDATABLE = frozenset({"phone"})


def _expert_check(current: str, target: str) -> None:
    lifecycles.check_transition("expert", current, target)


def expert_update(*, actor: Actor, expert: Expert, reason: str = "", **changes: Any) -> Expert:
    """Change an expert's record. Managers may change any of `UPDATABLE`; the expert only the phone.

    Suspending (``status="suspended"``) needs a `reason`. Returns early when nothing changes.
    """
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ServiceError(
            Code.EXPERT_FIELD_NOT_UPDATABLE,
            _("不能修改这些字段：%(fields)s") % {"fields": "、".join(sorted(unknown))},
            params={"fields": sorted(unknown)},
        )
    if is_self(actor, expert) and set(changes) <= SELF_UPDATABLE:
        pass
    else:
        require_role(actor, *DATABASE_MANAGERS)
    if "title_level" in changes and changes["title_level"] not in TitleLevel.values:
        raise ServiceError(Code.EXPERT_TITLE_INVALID, field="title_level")
    if "status" in changes:
        if changes["status"] not in ExpertStatus.values:
            raise ServiceError(Code.EXPERT_STATUS_INVALID, field="status")
        if changes["status"] == ExpertStatus.SUSPENDED and not reason.strip():
            raise ServiceError(Code.EXPERT_REASON_REQUIRED, field="reason")
    if "specialties" in changes:
        changes["specialties"] = _clean_specialties(changes["specialties"])
    if "employer_uscc" in changes:
        changes["employer_uscc"] = _check_uscc(changes["employer_uscc"], "employer_uscc")
    if "name" in changes:
        changes["name"] = str(changes["name"]).strip()
        if not changes["name"]:
            raise ServiceError(Code.EXPERT_NAME_REQUIRED, field="name")
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        if "user" in changes:
            _check_user(changes["user"], locked)
        before = _expert_snapshot(locked)
        for key, value in changes.items():
            if key != "status":
                setattr(locked, key, value)
            elif value != locked.status:
                # by the expert's table; the one event below records it with the other changes
                status_move(locked, value, check=_expert_check)
        if "field_since" in changes and locked.field_since <= locked.birth_date:
            raise ServiceError(Code.EXPERT_FIELD_SINCE_INVALID, field="field_since")
        old, new = audit.diff(before, _expert_snapshot(locked))
        if not new:
            return locked
        locked.save(update_fields=[*changes, "updated_at"])
        audit.record(actor=actor, action=Event.EXPERT_UPDATED, obj=locked, old=old, new=new, reason=reason)
    return locked


def affiliation_add(
    *,
    actor: Actor,
    expert: Expert,
    role: str,
    organization_name: str,
    organization_uscc: str = "",
    unit: Unit | None = None,
    start: date | None = None,
    end: date | None = None,
) -> ExpertAffiliation:
    """Record an employment, office or shareholding (declared by the expert or entered by managers)."""
    _require_manager_or_self(actor, expert)
    if role not in AffiliationRole.values:
        raise ServiceError(Code.AFFILIATION_ROLE_INVALID, field="role")
    uscc = _check_uscc(organization_uscc, "organization_uscc")
    if bool(uscc) == (unit is not None):
        raise ServiceError(Code.AFFILIATION_TARGET_REQUIRED, field="organization_uscc")
    if start is not None and end is not None and end < start:
        raise ServiceError(Code.AFFILIATION_PERIOD_INVALID, field="end")
    name = organization_name.strip() or (unit.name if unit is not None else "")
    if not name:
        raise ServiceError(Code.AFFILIATION_NAME_REQUIRED, field="organization_name")
    with transaction.atomic():
        affiliation = ExpertAffiliation.objects.create(
            expert=expert,
            role=role,
            organization_uscc=uscc,
            unit=unit,
            organization_name=name,
            start=start,
            end=end,
        )
        audit.record(
            actor=actor,
            action=Event.EXPERT_AFFILIATION_ADDED,
            obj=expert,
            new={
                "affiliation": affiliation.pk,
                "role": role,
                "organization_uscc": uscc,
                "unit": unit,
                "organization_name": name,
                "start": start,
                "end": end,
            },
        )
    return affiliation


def relation_declare(
    *,
    actor: Actor,
    expert: Expert,
    person_name: str,
    relation: str,
    generations: int | None = None,
    organization_uscc: str = "",
    organization_name: str = "",
) -> ExpertRelation:
    """Record a declared kin relation with a person (e.g. a social organization's legal representative)."""
    _require_manager_or_self(actor, expert)
    person = person_name.strip()
    if not person:
        raise ServiceError(Code.RELATION_PERSON_REQUIRED, field="person_name")
    if relation not in RelationKind.values:
        raise ServiceError(Code.RELATION_KIND_INVALID, field="relation")
    if generations is not None and not 1 <= generations <= 9:
        raise ServiceError(Code.RELATION_GENERATIONS_INVALID, field="generations")
    uscc = _check_uscc(organization_uscc, "organization_uscc")
    with transaction.atomic():
        declared = ExpertRelation.objects.create(
            expert=expert,
            person_name=person,
            relation=relation,
            generations=generations,
            organization_uscc=uscc,
            organization_name=organization_name.strip(),
        )
        audit.record(
            actor=actor,
            action=Event.EXPERT_RELATION_DECLARED,
            obj=expert,
            new={
                "relation": declared.pk,
                "person_name": person,
                "kind": relation,
                "generations": generations,
                "organization_uscc": uscc,
            },
        )
    return declared
