"""Writes on the expert database and on draws; each one transaction with its audit event.

The draw (`draw_create`) reads the audit chain head under its row lock, derives the seed from
the public inputs (`opengps.experts.drawing`), asks `opengps.rules.committee` who is qualified
and who must stand aside, snapshots the eligible pool and invites the first N in draw order.
`draw_member_respond` records an answer; a decline invites the next expert in the same order.
`draw_replay` / `draw_verify` recompute the result from the recorded inputs only.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from opengps.accounts.models import Region, Role, Unit, User
from opengps.accounts.permissions import is_authenticated, require_role
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.errors import rule_error as _rule_error
from opengps.core.models import AuditChainHead, AuditEvent
from opengps.experts import drawing
from opengps.experts.facts import bidder_json, expert_facts, unit_identifier
from opengps.experts.models import (
    AffiliationRole,
    Draw,
    DrawMember,
    Expert,
    ExpertAffiliation,
    ExpertRelation,
    ExpertStatus,
    MemberStatus,
    RelationKind,
    TitleLevel,
)
from opengps.rules.base import Reason, RuleError
from opengps.rules.committee import (
    BidderFacts,
    check_committee,
    expert_conflicts,
    expert_qualified,
    required_committee,
)
from opengps.rules.procedures import Method, parse_method

DATABASE_MANAGERS = (Role.FINANCE, Role.ADMIN)
"""The finance department keeps the provincial expert database (财库〔2016〕198号 第四条)."""
DRAW_ROLES = (Role.PURCHASER, Role.AGENCY)
O87_47 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第四十七条"
USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"


# ---------------------------------------------------------------------------------------------
# Helpers


def id_number_hash(id_number: str) -> str:
    """Keyed hash of a normalized identity card number (HMAC-SHA256 under SECRET_KEY).

    A plain hash of an 18-digit number with a known structure is easy to reverse by trying
    birth dates; the key makes that impossible without the server. Rotating SECRET_KEY needs the
    stored hashes recomputed from the source records.
    """
    key = hashlib.sha256(b"opengps.experts.id_number\x00" + settings.SECRET_KEY.encode("utf-8")).digest()
    return hmac.new(key, ric.compact(id_number).encode("ascii"), hashlib.sha256).hexdigest()


def mask_id_number(id_number: str) -> str:
    """``430102********123X``: region code and last four digits only."""
    number = ric.compact(id_number)
    return number[:6] + "*" * 8 + number[-4:]


def _valid_id_number(id_number: str) -> str:
    """Length, digits, check digit (GB 11643) and a real birth date. The birth place is not checked:
    numbers keep the region code of their issue, which later boundary changes may have retired."""
    number = ric.compact(id_number)
    try:
        if len(number) != 18 or not number[:17].isdigit() or number[-1] != ric.calc_check_digit(number):
            raise StdnumError()
        born = ric.get_birth_date(number)
    except StdnumError:
        raise ServiceError("expert.id_number_invalid", _("身份证号码无效"), field="id_number") from None
    if born.year < 1900 or born > clock.today():
        raise ServiceError("expert.id_number_invalid", _("身份证号码无效"), field="id_number")
    return str(number)


def _clean_specialties(specialties: Iterable[str]) -> list[str]:
    codes = sorted({code.strip().upper() for code in specialties if code and code.strip()})
    if not codes:
        raise ServiceError("expert.specialties_required", _("至少填写一个评审专业"), field="specialties")
    for code in codes:
        if not code.isalnum() or len(code) > 16:
            raise ServiceError(
                "expert.specialty_invalid",
                _("评审专业代码“%(code)s”无效") % {"code": code},
                field="specialties",
            )
    return codes


def _check_uscc(value: str, field: str) -> str:
    value = value.strip().upper()
    if value and not re.fullmatch(USCC_PATTERN, value):
        raise ServiceError("expert.uscc_invalid", _("统一社会信用代码格式无效"), field=field)
    return value


def is_self(actor: Any, expert: Expert) -> bool:
    """Whether `actor` is the expert's own account."""
    return is_authenticated(actor) and expert.user_id is not None and expert.user_id == actor.pk


def _require_manager_or_self(actor: Any, expert: Expert) -> None:
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
        raise ServiceError("expert.user_not_expert", _("关联的账户必须是评审专家角色"), field="user")
    taken = Expert.objects.filter(user=user)
    if expert is not None:
        taken = taken.exclude(pk=expert.pk)
    if taken.exists():
        raise Conflict("expert.user_taken", _("该账户已关联其他专家"), field="user")


# ---------------------------------------------------------------------------------------------
# Expert database


def expert_register(
    *,
    actor: Any,
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
        raise ServiceError("expert.name_required", _("请填写姓名"), field="name")
    number = _valid_id_number(id_number)
    if title_level not in TitleLevel.values:
        raise ServiceError("expert.title_invalid", _("职称级别无效"), field="title_level")
    birth_date = ric.get_birth_date(number)
    if field_since <= birth_date:
        raise ServiceError(
            "expert.field_since_invalid", _("从事相关工作起始日期应晚于出生日期"), field="field_since"
        )
    codes = _clean_specialties(specialties)
    uscc = _check_uscc(employer_uscc, "employer_uscc")
    _check_user(user)
    with transaction.atomic():
        digest = id_number_hash(number)
        if Expert.objects.filter(id_number_hash=digest).exists():
            raise Conflict("expert.duplicate", _("该身份证号码的专家已在库中"), field="id_number")
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
            action="expert.registered",
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


def expert_update(*, actor: Any, expert: Expert, reason: str = "", **changes: Any) -> Expert:
    """Change an expert's record. Managers may change any of `UPDATABLE`; the expert only the phone.

    Suspending (``status="suspended"``) needs a `reason`. Returns early when nothing changes.
    """
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ServiceError(
            "expert.field_not_updatable",
            _("不能修改这些字段：%(fields)s") % {"fields": "、".join(sorted(unknown))},
            params={"fields": sorted(unknown)},
        )
    if is_self(actor, expert) and set(changes) <= SELF_UPDATABLE:
        pass
    else:
        require_role(actor, *DATABASE_MANAGERS)
    if "title_level" in changes and changes["title_level"] not in TitleLevel.values:
        raise ServiceError("expert.title_invalid", _("职称级别无效"), field="title_level")
    if "status" in changes:
        if changes["status"] not in ExpertStatus.values:
            raise ServiceError("expert.status_invalid", _("状态无效"), field="status")
        if changes["status"] == ExpertStatus.SUSPENDED and not reason.strip():
            raise ServiceError("expert.reason_required", _("暂停专家须说明原因"), field="reason")
    if "specialties" in changes:
        changes["specialties"] = _clean_specialties(changes["specialties"])
    if "employer_uscc" in changes:
        changes["employer_uscc"] = _check_uscc(changes["employer_uscc"], "employer_uscc")
    if "name" in changes:
        changes["name"] = str(changes["name"]).strip()
        if not changes["name"]:
            raise ServiceError("expert.name_required", _("请填写姓名"), field="name")
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        if "user" in changes:
            _check_user(changes["user"], locked)
        before = _expert_snapshot(locked)
        for key, value in changes.items():
            setattr(locked, key, value)
        if "field_since" in changes and locked.field_since <= locked.birth_date:
            raise ServiceError(
                "expert.field_since_invalid", _("从事相关工作起始日期应晚于出生日期"), field="field_since"
            )
        old, new = audit.diff(before, _expert_snapshot(locked))
        if not new:
            return locked
        locked.save(update_fields=[*changes, "updated_at"])
        audit.record(actor=actor, action="expert.updated", obj=locked, old=old, new=new, reason=reason)
    return locked


def affiliation_add(
    *,
    actor: Any,
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
        raise ServiceError("affiliation.role_invalid", _("关系类型无效"), field="role")
    uscc = _check_uscc(organization_uscc, "organization_uscc")
    if bool(uscc) == (unit is not None):
        raise ServiceError(
            "affiliation.target_required",
            _("请填写组织的统一社会信用代码或选择单位（二者选一）"),
            field="organization_uscc",
        )
    if start is not None and end is not None and end < start:
        raise ServiceError("affiliation.period_invalid", _("终止日期不能早于起始日期"), field="end")
    name = organization_name.strip() or (unit.name if unit is not None else "")
    if not name:
        raise ServiceError("affiliation.name_required", _("请填写组织名称"), field="organization_name")
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
            action="expert.affiliation_added",
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
    actor: Any,
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
        raise ServiceError("relation.person_required", _("请填写关系人姓名"), field="person_name")
    if relation not in RelationKind.values:
        raise ServiceError("relation.kind_invalid", _("关系类型无效"), field="relation")
    if generations is not None and not 1 <= generations <= 9:
        raise ServiceError("relation.generations_invalid", _("代数应为 1 至 9"), field="generations")
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
            action="expert.relation_declared",
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


# ---------------------------------------------------------------------------------------------
# Draws


def specialty_matches(specialties: Iterable[str], category: str) -> bool:
    """An expert covers `category` when one specialty is the category or a level above or below it
    (``A04`` covers ``A0401`` and vice versa): catalogue codes nest by prefix."""
    return any(category.startswith(code) or code.startswith(category) for code in specialties)


def region_matches(expert_region: str, region: Region | None) -> bool:
    """Province-wide when `region` is None or the province; else the prefecture's or county's experts."""
    if region is None or region.level == Region.Level.PROVINCE:
        return True
    if region.level == Region.Level.PREFECTURE:
        return expert_region[:4] == region.code[:4]
    return expert_region == region.code


@dataclass(frozen=True)
class Screening:
    """Who of the candidates may be drawn, and why each other one may not."""

    pool: list[int]
    exclusions: list[dict[str, Any]]


def _reason_json(reason: Reason) -> dict[str, str]:
    return {
        "code": reason.code,
        "message_zh": reason.message_zh,
        "message_en": reason.message_en,
        "citation": reason.citation,
        "severity": reason.severity,
    }


def screen_candidates(
    candidates: Iterable[Expert],
    *,
    bidders: Sequence[BidderFacts],
    on_date: date,
    purchaser: str | None,
    agency: str | None = None,
) -> Screening:
    """Split candidates into the eligible pool and exclusions with reasons (no database writes).

    Excluded: not active; unqualified on `on_date` (`committee.expert_qualified`); any conflict
    with a bidder or the purchaser (`committee.expert_conflicts`) — "block" and also "flag": a
    relation to be judged is not worth risking when the pool has others; staff of the `agency`
    running the procurement (O87 §47 第二款).
    """
    pool: list[int] = []
    exclusions: list[dict[str, Any]] = []
    for expert in candidates:
        reasons: list[dict[str, str]] = []
        if expert.status != ExpertStatus.ACTIVE:
            reasons.append(
                {
                    "code": "expert.not_active",
                    "message_zh": "专家状态为暂停",
                    "message_en": "The expert is suspended",
                    "citation": "",
                    "severity": "block",
                }
            )
        facts = expert_facts(expert)
        qualification = expert_qualified(facts, on_date)
        reasons.extend(_reason_json(r) for r in qualification.reasons)
        conflicts = expert_conflicts(facts, bidders, on_date, purchaser=purchaser)
        reasons.extend(_reason_json(r) for r in conflicts if r.severity in {"block", "flag"})
        if agency is not None and facts.employer == agency:
            reasons.append(
                {
                    "code": "draw.agency_staff",
                    "message_zh": "采购代理机构工作人员不得参加由本机构代理的政府采购项目的评审",
                    "message_en": "Agency staff may not evaluate the agency's own projects",
                    "citation": O87_47,
                    "severity": "block",
                }
            )
        if reasons:
            exclusions.append({"expert_id": expert.pk, "name": expert.name, "reasons": reasons})
        else:
            pool.append(expert.pk)
    exclusions.sort(key=lambda row: row["expert_id"])
    return Screening(sorted(pool), exclusions)


def _require_draw_manager(actor: Any, draw: Draw) -> None:
    """Purchaser staff of the draw's unit, or the agency that made it."""
    require_role(actor, *DRAW_ROLES)
    if actor.role == Role.PURCHASER and actor.unit_id != draw.purchaser_unit_id:
        raise PermissionDenied("perm.other_unit", _("不能操作其他单位的数据"))
    if actor.role == Role.AGENCY and actor.unit_id != draw.agency_unit_id:
        raise PermissionDenied("perm.other_unit", _("不能操作其他单位的数据"))


def _require_decline_on_behalf(actor: Any, draw: Draw) -> None:
    """Only the expert, or the agency that made the draw (with the reason it records), may decline
    or recuse a drawn expert: a purchaser declining for an expert could reshape a random draw by
    skipping experts it does not want (O87 §47: the draw is random, the purchaser not its master)."""
    require_role(actor, *DRAW_ROLES)
    if actor.role != Role.AGENCY or draw.agency_unit_id is None or actor.unit_id != draw.agency_unit_id:
        raise PermissionDenied(
            "draw.decline_not_yours",
            _("只有专家本人或组织抽取的代理机构（须记录原因）可以代为谢绝或回避"),
        )


def draw_create(
    *,
    actor: Any,
    procurement_ref: str,
    title: str,
    purchaser_unit: Unit,
    category: str,
    method: str | Method,
    budget: Decimal,
    needed: int,
    bidders: Sequence[BidderFacts],
    purchaser_reps: int = 0,
    region: Region | None = None,
    complex_project: bool = False,
    drawn_at: datetime | None = None,
) -> Draw:
    """Draw `needed` experts at random for a procurement (purchaser staff of `purchaser_unit`, or an agency).

    The committee (`needed` experts + `purchaser_reps`) must meet `committee.required_committee`.
    Candidates are active experts whose specialty covers `category` in `region`; those unqualified
    on the draw date or in conflict with a `bidders` entry or the purchaser are excluded with
    their reasons. Raises ``draw.not_enough_experts`` when the pool is smaller than `needed`.
    `drawn_at` is for tests and for entering past draws: screens and the API never pass it, since
    a caller choosing the time could search for a favourable seed.
    """
    require_role(actor, *DRAW_ROLES)
    if actor.role == Role.PURCHASER and actor.unit_id != purchaser_unit.pk:
        raise PermissionDenied("perm.other_unit", _("采购人只能为本单位的项目抽取专家"))
    procurement_ref, title, category = procurement_ref.strip(), title.strip(), category.strip().upper()
    if not procurement_ref or len(procurement_ref) > 64:
        raise ServiceError(
            "draw.procurement_ref_invalid", _("请填写采购项目编号（不超过64个字符）"), field="procurement_ref"
        )
    if not title:
        raise ServiceError("draw.title_required", _("请填写项目名称"), field="title")
    if not category.isalnum():
        raise ServiceError("draw.category_invalid", _("请选择评审专业"), field="category")
    if needed < 1 or purchaser_reps < 0:
        raise ServiceError("draw.needed_invalid", _("抽取人数至少为1人"), field="needed")
    if budget < 0:
        raise ServiceError("draw.budget_invalid", _("预算金额不能为负数"), field="budget")
    moment = drawn_at or clock.now()
    on_date = timezone.localdate(moment)
    try:
        spec = required_committee(
            parse_method(method), budget, complex_project=complex_project, on_date=on_date
        )
    except RuleError as exc:
        raise _rule_error(exc, field="method") from None
    problems = check_committee(spec.value, needed, purchaser_reps)
    if problems:
        raise ServiceError(
            "draw.committee_invalid",
            "；".join(p.message_zh for p in problems),
            field="needed",
            params={
                "codes": [p.code for p in problems],
                "citation": spec.citation,
                "min_size": spec.value.min_size,
                "note": spec.note,
            },
        )
    with transaction.atomic():
        # Lock the chain head first: no event can slip in between reading it and our own event,
        # so the draw's audit event is the very next link after the head used in the seed.
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        inputs = drawing.draw_inputs(
            procurement_ref=procurement_ref, drawn_at=moment, audit_chain_head=head.last_hash
        )
        seed = drawing.seed_for(inputs)
        candidates = [
            expert
            for expert in Expert.objects.select_related("employer_unit")
            .prefetch_related("affiliations__unit", "relations")
            .order_by("pk")
            if specialty_matches(expert.specialties, category) and region_matches(expert.region_id, region)
        ]
        screening = screen_candidates(
            candidates,
            bidders=bidders,
            on_date=on_date,
            purchaser=unit_identifier(purchaser_unit),
            agency=unit_identifier(actor.unit) if actor.role == Role.AGENCY and actor.unit else None,
        )
        if len(screening.pool) < needed:
            raise ServiceError(
                "draw.not_enough_experts",
                _("符合条件的专家只有 %(available)d 名，需要 %(needed)d 名；请扩大区划范围或调整评审专业")
                % {"available": len(screening.pool), "needed": needed},
                field="needed",
                params={
                    "available": len(screening.pool),
                    "needed": needed,
                    "candidates": len(candidates),
                    "excluded": len(screening.exclusions),
                },
            )
        selected = drawing.draw_first(seed, screening.pool, needed)
        draw = Draw.objects.create(
            procurement_ref=procurement_ref,
            title=title,
            purchaser_unit=purchaser_unit,
            agency_unit=actor.unit if actor.role == Role.AGENCY else None,
            category=category,
            region=region,
            method=str(parse_method(method)),
            budget=budget,
            needed=needed,
            purchaser_reps=purchaser_reps,
            drawn_at=moment,
            audit_chain_head=head.last_hash,
            inputs=inputs,
            seed=seed,
            candidates=len(candidates),
            pool=screening.pool,
            exclusions=screening.exclusions,
            bidders=[bidder_json(b) for b in bidders],
            committee={
                "kind": spec.value.kind,
                "min_size": spec.value.min_size,
                "min_experts": spec.value.min_experts(needed + purchaser_reps),
                "citation": spec.citation,
                "note": spec.note,
            },
            created_by=actor,
        )
        DrawMember.objects.bulk_create(
            [
                DrawMember(draw=draw, expert_id=expert_id, order=i)
                for i, expert_id in enumerate(selected, start=1)
            ]
        )
        audit.record(
            actor=actor,
            action="draw.created",
            obj=draw,
            new={
                "inputs": inputs,
                "seed": seed,
                "pool": screening.pool,
                "candidates": len(candidates),
                "excluded": [row["expert_id"] for row in screening.exclusions],
                "selected": selected,
                "needed": needed,
                "category": category,
                "region": region.code if region else None,
            },
        )
    return draw


def draw_member_respond(
    *, actor: Any, member: DrawMember, accept: bool, no_conflict_confirmed: bool = False, reason: str = ""
) -> tuple[DrawMember, DrawMember | None]:
    """Record a drawn expert's answer, given by the expert or by the draw's manager on their behalf.

    Accepting needs the expert's confirmation of having no conflict (they confirm before seeing
    any bid). Declining needs a reason and invites the next expert of the draw order; returns
    ``(member, substitute)`` — substitute None when accepting or when the pool is used up.
    """
    if not (is_authenticated(actor) and member.expert.user_id == actor.pk):
        if accept:
            _require_draw_manager(actor, member.draw)
        else:
            _require_decline_on_behalf(actor, member.draw)
    if accept and not no_conflict_confirmed:
        raise ServiceError(
            "draw.conflict_not_confirmed",
            _("参加评审前须确认与供应商不存在回避情形"),
            field="no_conflict_confirmed",
        )
    if not accept and not reason.strip():
        raise ServiceError("draw.reason_required", _("请说明不能参加的原因"), field="reason")
    with transaction.atomic():
        draw = Draw.objects.select_for_update().get(pk=member.draw_id)
        locked = DrawMember.objects.select_related("expert").get(pk=member.pk)
        if locked.status != MemberStatus.INVITED:
            raise Conflict(
                "draw.already_answered",
                _("该专家已答复（%(status)s）") % {"status": locked.get_status_display()},
            )
        now = clock.now()
        locked.responded_at, locked.responded_by = now, actor
        substitute: DrawMember | None = None
        if accept:
            locked.status, locked.conflict_confirmed_at = MemberStatus.ACCEPTED, now
            locked.save(update_fields=["status", "conflict_confirmed_at", "responded_at", "responded_by"])
        else:
            locked.decline_reason = reason.strip()
            substitute = _next_substitute(draw)
            locked.status = MemberStatus.REPLACED if substitute else MemberStatus.DECLINED
            locked.replaced_by = substitute
            locked.save(
                update_fields=["status", "decline_reason", "replaced_by", "responded_at", "responded_by"]
            )
        audit.record(
            actor=actor,
            action="draw.member_accepted" if accept else "draw.member_declined",
            obj=draw,
            old={"member": locked.pk, "expert": locked.expert_id, "status": MemberStatus.INVITED},
            new={
                "member": locked.pk,
                "expert": locked.expert_id,
                "status": locked.status,
                "conflict_confirmed_at": locked.conflict_confirmed_at,
                "substitute": substitute.expert_id if substitute else None,
                "substitute_order": substitute.order if substitute else None,
            },
            reason=locked.decline_reason,
        )
    return locked, substitute


def draw_member_recuse(*, actor: Any, member: DrawMember, reason: str) -> DrawMember | None:
    """An accepted expert declares a conflict at the evaluation (they see the bidders only then).

    The member is marked recused and the next expert of the same draw order is invited, exactly
    as for a decline, so the committee stays replayable from the draw's recorded inputs. Returns
    the substitute (None when the pool is used up). By the expert, or the draw's manager.
    """
    if not (is_authenticated(actor) and member.expert.user_id == actor.pk):
        _require_decline_on_behalf(actor, member.draw)
    if not reason.strip():
        raise ServiceError("draw.reason_required", _("请说明回避原因"), field="reason")
    with transaction.atomic():
        draw = Draw.objects.select_for_update().get(pk=member.draw_id)
        locked = DrawMember.objects.select_related("expert").get(pk=member.pk)
        if locked.status != MemberStatus.ACCEPTED:
            raise Conflict(
                "draw.not_accepted",
                _("只有已确认参加的专家可以申请回避（当前：%(status)s）")
                % {"status": locked.get_status_display()},
            )
        substitute = _next_substitute(draw)
        locked.status, locked.decline_reason, locked.replaced_by = (
            MemberStatus.RECUSED,
            reason.strip(),
            substitute,
        )
        locked.save(update_fields=["status", "decline_reason", "replaced_by"])
        audit.record(
            actor=actor,
            action="draw.member_recused",
            obj=draw,
            old={"member": locked.pk, "expert": locked.expert_id, "status": MemberStatus.ACCEPTED},
            new={
                "member": locked.pk,
                "expert": locked.expert_id,
                "status": locked.status,
                "substitute": substitute.expert_id if substitute else None,
                "substitute_order": substitute.order if substitute else None,
            },
            reason=locked.decline_reason,
        )
    return substitute


def _next_substitute(draw: Draw) -> DrawMember | None:
    """The next expert of the draw order after every member so far (the pool is the snapshot)."""
    taken = list(draw.members.order_by("order").values_list("expert_id", flat=True))
    order = drawing.draw_order(draw.seed, draw.pool)
    if order[: len(taken)] != taken:  # never continue a draw whose record disagrees with its seed
        raise Conflict("draw.replay_mismatch", _("抽取记录与随机种子不一致，不能继续抽取替补"))
    if len(order) <= len(taken):
        return None
    return DrawMember.objects.create(
        draw=draw, expert_id=order[len(taken)], order=len(taken) + 1, is_substitute=True
    )


def draw_replay(draw: Draw) -> list[int]:
    """Recompute the draw from its recorded public inputs and pool snapshot: the expert ids in
    order, as many as the draw has members (selected, then substitutes). Must equal the record."""
    seed = drawing.seed_for(dict(draw.inputs))
    return drawing.draw_order(seed, draw.pool)[: draw.members.count()]


@dataclass(frozen=True)
class DrawCheck:
    """What an auditor re-running a draw finds."""

    seed_matches: bool
    """The stored seed is the SHA-256 of the stored inputs."""
    inputs_match: bool
    """The inputs agree with the draw's own procurement number, time and chain head."""
    chain_head_found: bool
    """The chain head in the inputs is the `prev_hash` of the draw's own audit event."""
    replayed: list[int]
    recorded: list[int]

    @property
    def selection_matches(self) -> bool:
        return self.replayed == self.recorded

    @property
    def ok(self) -> bool:
        return self.seed_matches and self.inputs_match and self.chain_head_found and self.selection_matches


def draw_verify(draw: Draw) -> DrawCheck:
    """Replay `draw` and check every link: inputs → seed → order → recorded members; and that the
    chain head in the inputs is where the draw's audit event sits in the chain."""
    inputs = dict(draw.inputs)
    expected = drawing.draw_inputs(
        procurement_ref=draw.procurement_ref, drawn_at=draw.drawn_at, audit_chain_head=draw.audit_chain_head
    )
    event = AuditEvent.objects.filter(
        action="draw.created", object_type="experts.draw", object_id=str(draw.pk)
    ).first()
    recorded = list(draw.members.order_by("order").values_list("expert_id", flat=True))
    return DrawCheck(
        seed_matches=drawing.seed_for(inputs) == draw.seed,
        inputs_match=inputs == expected,
        chain_head_found=event is not None and event.prev_hash == inputs.get("audit_chain_head"),
        replayed=draw_replay(draw),
        recorded=recorded,
    )
