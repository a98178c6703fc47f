"""Writes on the registry: organizations, ratings, annual reports, credit lists; one transaction + audit each.

Only the registration authority (登记管理机关) and platform admins write. A city or county authority
manages the organizations registered by itself or its subordinate units; the provincial one, all.
Validation of an organization's fields is shared with the Excel import (`organization_input_errors`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from opengps.accounts.actors import Actor
from opengps.accounts.models import Region, Role, Unit
from opengps.accounts.permissions import require_role
from opengps.core import audit, clock
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.status import status_set
from opengps.registry import derived, hooks
from opengps.registry.errors import Code
from opengps.registry.events import Event
from opengps.registry.models import (
    AnnualReport,
    CommunityKind,
    CreditListing,
    CreditListKind,
    Organization,
    OrgStatus,
    OrgType,
    Penalty,
    PenaltyKind,
    Rating,
    RegistrationLevel,
)
from opengps.rules import lifecycles

WRITER_ROLES = (Role.REGISTRATION, Role.ADMIN)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PHONE_RE = re.compile(r"^[0-9+\-() /转]{5,30}$")


# ---------------------------------------------------------------------------------------------
# Who may write what


def require_writer(actor: Actor) -> None:
    """Registration authority staff and admins only; auditors and everyone else never write."""
    require_role(actor, *WRITER_ROLES)
    if actor.role == Role.REGISTRATION and actor.unit_id is None:
        raise PermissionDenied(Code.REGISTRY_NO_UNIT)


def managed_unit_ids(actor: Actor) -> set[int] | None:
    """Units whose organizations the actor manages: its own and all below it; None means every unit."""
    if actor.role == Role.ADMIN:
        return None
    unit = actor.unit
    if unit is None:  # require_writer refuses registration staff without a unit
        raise PermissionDenied(Code.REGISTRY_NO_UNIT)
    if unit.parent_id is None and unit.region.level == Region.Level.PROVINCE:
        return None
    return unit_ids_within(unit)


def unit_ids_within(unit: Unit) -> set[int]:
    """`unit` and every unit below it."""
    ids = {unit.pk}
    frontier = {unit.pk}
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def require_manages(actor: Actor, organization: Organization) -> None:
    require_writer(actor)
    managed = managed_unit_ids(actor)
    if managed is not None and organization.registration_authority_id not in managed:
        raise PermissionDenied(
            Code.REGISTRY_OUT_OF_SCOPE,
            _("“%(name)s”不由本机关或下级机关登记，无权管理"),
            params={"name": organization.name},
        )


def region_codes_within(region: Region) -> set[str]:
    """The region and every division below it (GB/T 2260 is at most three levels deep)."""
    codes = {region.code}
    frontier = {region.code}
    while frontier:
        frontier = set(Region.objects.filter(parent_id__in=frontier).values_list("code", flat=True)) - codes
        codes |= frontier
    return codes


def _authority_for(actor: Actor, registration_authority: Unit | None) -> Unit:
    if registration_authority is None:
        if actor.unit is None:
            raise ServiceError(Code.REGISTRY_AUTHORITY_REQUIRED, field="registration_authority")
        return actor.unit
    managed = managed_unit_ids(actor)
    if managed is not None and registration_authority.pk not in managed:
        raise PermissionDenied(Code.REGISTRY_OUT_OF_SCOPE, field="registration_authority")
    return registration_authority


def _level_of(unit: Unit) -> str:
    levels: dict[str, str] = {
        Region.Level.PROVINCE: RegistrationLevel.PROVINCE,
        Region.Level.PREFECTURE: RegistrationLevel.PREFECTURE,
    }
    return levels.get(unit.region.level, RegistrationLevel.COUNTY)


# ---------------------------------------------------------------------------------------------
# Input validation shared by the form, the API and the Excel import


def uscc_clean(value: str) -> str:
    """The code in canonical form, or ServiceError: `registry.uscc_format` / `registry.uscc_check_digit`."""
    number = stdnum_uscc.compact(value or "")
    if not number:
        raise ServiceError(Code.REGISTRY_USCC_REQUIRED, field="uscc")
    try:
        return str(stdnum_uscc.validate(number))
    except InvalidLength as exc:
        raise ServiceError(
            Code.REGISTRY_USCC_FORMAT,
            _("统一社会信用代码应为18位，当前为%(count)d位") % {"count": len(number)},
            field="uscc",
            params={"length": len(number)},
        ) from exc
    except InvalidChecksum as exc:
        expected = stdnum_uscc.calc_check_digit(number[:17])
        raise ServiceError(
            Code.REGISTRY_USCC_CHECK_DIGIT,
            _("统一社会信用代码校验位错误：按前17位计算，第18位应为“%(expected)s”，实际为“%(actual)s”")
            % {"expected": expected, "actual": number[17]},
            field="uscc",
            params={"expected": expected, "actual": number[17]},
        ) from exc
    except ValidationError as exc:
        position = next(
            (
                i
                for i, c in enumerate(number, 1)
                if (c not in "0123456789" if i <= 8 else c not in USCC_ALPHABET)
            ),
            0,
        )
        raise ServiceError(
            Code.REGISTRY_USCC_FORMAT,
            _(
                "统一社会信用代码第%(position)d位“%(char)s”无效：前8位应为数字，其余为数字或大写字母（不含I、O、S、V、Z）"
            )
            % {"position": position, "char": number[position - 1] if position else ""},
            field="uscc",
            params={"position": position},
        ) from exc


@dataclass(frozen=True)
class OrganizationInput:
    """An organization's own fields as entered (form, API or one workbook row)."""

    name: str
    uscc: str
    org_type: str
    region: str  # GB/T 2260 code
    founded_on: date | None
    registration_level: str = ""
    business_scope: str = ""
    legal_representative: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    address: str = ""
    is_charity: bool = False
    is_industry_association: bool = False
    is_community_org: bool = False
    community_kind: str = ""

    def normalized(self) -> OrganizationInput:
        text = {
            f.name: getattr(self, f.name).strip()
            for f in fields(self)
            if isinstance(getattr(self, f.name), str)
        }
        text["uscc"] = stdnum_uscc.compact(self.uscc or "")
        return replace(self, **text)


EDITABLE_FIELDS = frozenset(f.name for f in fields(OrganizationInput))
MAX_LENGTHS = {
    "name": 120,
    "legal_representative": 60,
    "contact_person": 60,
    "contact_phone": 30,
    "address": 200,
}


def organization_input_errors(data: OrganizationInput, *, today: date | None = None) -> list[ServiceError]:
    """Every problem with the fields themselves (no database): empty when the input is acceptable."""
    today = today or clock.today()
    errors: list[ServiceError] = []
    if not data.name:
        errors.append(ServiceError(Code.REGISTRY_NAME_REQUIRED, field="name"))
    for name, limit in MAX_LENGTHS.items():
        if len(getattr(data, name)) > limit:
            errors.append(
                ServiceError(
                    Code.REGISTRY_TOO_LONG,
                    _("不能超过%(limit)d个字符") % {"limit": limit},
                    field=name,
                    params={"limit": limit},
                )
            )
    try:
        uscc_clean(data.uscc)
    except ServiceError as exc:
        errors.append(exc)
    if data.org_type not in OrgType.values:
        errors.append(ServiceError(Code.REGISTRY_ORG_TYPE_INVALID, field="org_type"))
    if not re.fullmatch(r"[0-9]{6}", data.region):
        errors.append(ServiceError(Code.REGISTRY_REGION_FORMAT, field="region"))
    if data.founded_on is None:
        errors.append(ServiceError(Code.REGISTRY_DATE_REQUIRED, _("请填写成立登记日期"), field="founded_on"))
    elif data.founded_on > today:
        errors.append(
            ServiceError(Code.REGISTRY_DATE_IN_FUTURE, _("成立登记日期不能晚于今天"), field="founded_on")
        )
    if data.registration_level and data.registration_level not in RegistrationLevel.values:
        errors.append(ServiceError(Code.REGISTRY_LEVEL_INVALID, field="registration_level"))
    if data.contact_phone and not PHONE_RE.match(data.contact_phone):
        errors.append(ServiceError(Code.REGISTRY_PHONE_INVALID, field="contact_phone"))
    if data.community_kind and data.community_kind not in CommunityKind.values:
        errors.append(ServiceError(Code.REGISTRY_COMMUNITY_KIND_INVALID, field="community_kind"))
    elif data.is_community_org and not data.community_kind:
        errors.append(ServiceError(Code.REGISTRY_COMMUNITY_KIND_REQUIRED, field="community_kind"))
    elif data.community_kind and not data.is_community_org:
        errors.append(ServiceError(Code.REGISTRY_COMMUNITY_KIND_NOT_ALLOWED, field="community_kind"))
    return errors


def _raise_first(errors: list[ServiceError]) -> None:
    if errors:
        raise errors[0]


def organization_values(org: Organization) -> dict[str, Any]:
    values = {name: getattr(org, name) for name in EDITABLE_FIELDS if name != "region"}
    values["region"] = org.region_id
    return values


def _region(code: str, authority: Unit) -> Region:
    region = Region.objects.filter(pk=code).select_related("parent").first()
    if region is None:
        raise ServiceError(Code.REGISTRY_REGION_UNKNOWN, field="region", params={"code": code})
    if authority.region.level != Region.Level.PROVINCE and code not in region_codes_within(authority.region):
        raise ServiceError(
            Code.REGISTRY_REGION_OUT_OF_SCOPE,
            field="region",
            params={"region": region.name, "unit": authority.name},
        )
    return region


def _duplicate(uscc: str, *, exclude_pk: int | None = None) -> Conflict | None:
    existing = (
        Organization.objects.filter(uscc=uscc)
        .exclude(pk=exclude_pk or 0)
        .values_list("name", flat=True)
        .first()
    )
    if existing is None:
        return None
    return Conflict(Code.REGISTRY_USCC_DUPLICATE, field="uscc", params={"uscc": uscc, "name": existing})


def organization_build(data: OrganizationInput, *, authority: Unit, region: Region) -> Organization:
    """An unsaved Organization from validated input (shared with the bulk import)."""
    values = {name: getattr(data, name) for name in EDITABLE_FIELDS if name != "region"}
    values["uscc"] = stdnum_uscc.compact(data.uscc)
    values["registration_level"] = data.registration_level or _level_of(authority)
    return Organization(**values, region=region, registration_authority=authority)


def organization_created_values(org: Organization) -> dict[str, Any]:
    return {
        **organization_values(org),
        "registration_authority": org.registration_authority_id,
        "status": org.status,
    }


# ---------------------------------------------------------------------------------------------
# Organizations


def organization_create(
    *,
    actor: Actor,
    name: str,
    uscc: str,
    org_type: str,
    region: str | Region,
    founded_on: date | None,
    registration_authority: Unit | None = None,
    registration_level: str = "",
    business_scope: str = "",
    legal_representative: str = "",
    contact_person: str = "",
    contact_phone: str = "",
    address: str = "",
    is_charity: bool = False,
    is_industry_association: bool = False,
    is_community_org: bool = False,
    community_kind: str = "",
) -> Organization:
    """Register an organization in the platform's registry (登记信息录入)."""
    require_writer(actor)
    data = OrganizationInput(
        name=name,
        uscc=uscc,
        org_type=org_type,
        region=region.code if isinstance(region, Region) else region,
        founded_on=founded_on,
        registration_level=registration_level,
        business_scope=business_scope,
        legal_representative=legal_representative,
        contact_person=contact_person,
        contact_phone=contact_phone,
        address=address,
        is_charity=is_charity,
        is_industry_association=is_industry_association,
        is_community_org=is_community_org,
        community_kind=community_kind,
    ).normalized()
    _raise_first(organization_input_errors(data))
    authority = _authority_for(actor, registration_authority)
    region_obj = _region(data.region, authority)
    with transaction.atomic():
        duplicate = _duplicate(data.uscc)
        if duplicate:
            raise duplicate
        org = organization_build(data, authority=authority, region=region_obj)
        try:
            with transaction.atomic():
                org.save(force_insert=True)
        except IntegrityError as exc:  # a concurrent insert of the same code
            raise Conflict(Code.REGISTRY_USCC_DUPLICATE, _("统一社会信用代码已被使用"), field="uscc") from exc
        derived.refresh([org.pk])
        audit.record(
            actor=actor, action=Event.REGISTRY_ORG_CREATED, obj=org, new=organization_created_values(org)
        )
    org.refresh_from_db()
    return org


def organization_update(
    *, actor: Actor, organization: Organization, changes: Mapping[str, Any], reason: str = ""
) -> Organization:
    """Correct or change an organization's registered fields; `changes` holds only what changes."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ServiceError(
            Code.REGISTRY_FIELD_UNKNOWN,
            field=sorted(unknown)[0],
            params={"fields": "、".join(sorted(unknown))},
        )
    require_manages(actor, organization)
    with transaction.atomic():
        org = (
            Organization.objects.select_for_update()
            .select_related("registration_authority__region")
            .get(pk=organization.pk)
        )
        before = organization_values(org)
        data = replace(OrganizationInput(**before), **dict(changes)).normalized()
        after = {name: getattr(data, name) for name in EDITABLE_FIELDS}
        if not after["registration_level"]:
            after["registration_level"] = org.registration_level
        old, new = audit.diff(before, after)
        if not new:
            return org
        _raise_first(organization_input_errors(data))
        if "uscc" in new:
            duplicate = _duplicate(data.uscc, exclude_pk=org.pk)
            if duplicate:
                raise duplicate
        if "region" in new:
            org.region = _region(data.region, org.registration_authority)
        for name, value in new.items():
            if name != "region":
                setattr(org, name, value)
        org.save(update_fields=[*new.keys(), "updated_at"])
        if {"org_type", "founded_on", "is_industry_association"} & set(new):
            derived.refresh([org.pk])
        derived.bump_generation()
        audit.record(actor=actor, action=Event.REGISTRY_ORG_UPDATED, obj=org, old=old, new=new, reason=reason)
    return org


def _record_changed(
    *,
    actor: Actor,
    organization: Organization,
    action: str,
    new: Mapping[str, Any],
    old: Mapping[str, Any] | None = None,
    reason: str = "",
) -> None:
    """After a change to an organization's record (a rating, report, listing or penalty): its
    derived eligibility columns recomputed, and the audit event on the organization, so its timeline
    shows it. Runs inside the change's transaction."""
    derived.refresh([organization.pk])
    audit.record(actor=actor, action=action, obj=organization, old=old, new=new, reason=reason)


def _check_day(day: date | None, *, field: str, org: Organization, label: Any) -> date:
    if day is None:
        raise ServiceError(Code.REGISTRY_DATE_REQUIRED, field=field, params={"label": label})
    if day > clock.today():
        raise ServiceError(Code.REGISTRY_DATE_IN_FUTURE, field=field, params={"label": label})
    if day < org.founded_on:
        raise ServiceError(
            Code.REGISTRY_DATE_BEFORE_FOUNDING,
            field=field,
            params={"label": label, "founded": org.founded_on.isoformat()},
        )
    return day


def _require_text(value: str, *, field: str, code: str, message: Any) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(code, message, field=field)
    return value


def _org_check(current: str, target: str) -> None:
    lifecycles.check_transition("organization", current, target)


def organization_change_status(
    *, actor: Actor, organization: Organization, status: str, on_date: date, reason: str
) -> Organization:
    """Record 注销 (deregistered) or 撤销 (registration revoked) with its date and reason."""
    if status not in {OrgStatus.DEREGISTERED, OrgStatus.REVOKED}:
        raise ServiceError(Code.REGISTRY_STATUS_INVALID, field="status")
    reason = _require_text(reason, field="reason", code="registry.reason_required", message=_("请填写原因"))
    require_manages(actor, organization)
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        if org.status != OrgStatus.NORMAL:
            raise Conflict(
                Code.REGISTRY_STATUS_FINAL, field="status", params={"status": org.get_status_display()}
            )
        _check_day(on_date, field="on_date", org=org, label=_("变更日期"))
        status_set(
            org,
            status,
            actor=actor,
            action=Event.REGISTRY_ORG_STATUS_CHANGED,
            check=_org_check,
            values={"status_changed_on": on_date},
            update=["updated_at"],
            extra_old={"status_changed_on": org.status_changed_on},
            extra={"status_changed_on": on_date},
            reason=reason,
        )
        derived.refresh([org.pk])
    return org


# ---------------------------------------------------------------------------------------------
# Ratings, annual reports, credit lists


def rating_record(
    *,
    actor: Actor,
    organization: Organization,
    level: int,
    awarded_on: date,
    decision_no: str,
    reason: str = "",
    valid_until: date | None = None,
) -> Rating:
    """Record an evaluation grade 1A–5A; it is in force for the period the rules give (M39: 5 years),
    or until `valid_until` (the first day no longer in force) where a decision ends it earlier, e.g.
    a downgrade keeps the end of the grade it replaced; a later end than the rules' is refused."""
    if not isinstance(level, int) or not 1 <= level <= 5:
        raise ServiceError(Code.REGISTRY_RATING_LEVEL, field="level")
    decision_no = _require_text(
        decision_no,
        field="decision_no",
        code="registry.decision_no_required",
        message=_("请填写评估决定文号"),
    )
    require_manages(actor, organization)
    _check_day(awarded_on, field="awarded_on", org=organization, label=_("评定日期"))
    term_end = derived.rating_valid_until(awarded_on)
    if valid_until is not None and not awarded_on < valid_until <= term_end:
        raise ServiceError(
            Code.REGISTRY_RATING_VALID_UNTIL, field="valid_until", params={"latest": term_end.isoformat()}
        )
    if organization.status != OrgStatus.NORMAL:
        raise Conflict(Code.REGISTRY_ORG_NOT_NORMAL, field="level")
    with transaction.atomic():
        if Rating.objects.filter(organization=organization, awarded_on=awarded_on).exists():
            raise Conflict(Code.REGISTRY_RATING_DUPLICATE, field="awarded_on")
        rating = Rating.objects.create(
            organization=organization,
            level=level,
            awarded_on=awarded_on,
            valid_until=valid_until or term_end,
            decision_no=decision_no,
        )
        _record_changed(
            actor=actor,
            organization=organization,
            action=Event.REGISTRY_RATING_RECORDED,
            reason=reason,
            new={
                "rating": rating.pk,
                "level": level,
                "awarded_on": awarded_on,
                "valid_until": rating.valid_until,
                "decision_no": decision_no,
            },
        )
    return rating


def rating_revoke(*, actor: Actor, rating: Rating, revoked_on: date, reason: str) -> Rating:
    """Revoke a grade (e.g. after a serious-violation listing, M60) from a date, with the reason."""
    reason = _require_text(
        reason, field="reason", code="registry.reason_required", message=_("请填写撤销原因")
    )
    org = rating.organization
    require_manages(actor, org)
    with transaction.atomic():
        rating = Rating.objects.select_for_update().get(pk=rating.pk)
        if rating.revoked_on is not None:
            raise Conflict(Code.REGISTRY_RATING_ALREADY_REVOKED, field="revoked_on")
        _check_day(revoked_on, field="revoked_on", org=org, label=_("撤销日期"))
        if revoked_on < rating.awarded_on:
            raise ServiceError(Code.REGISTRY_DATE_ORDER, field="revoked_on")
        rating.revoked_on, rating.revocation_reason = revoked_on, reason
        rating.save(update_fields=["revoked_on", "revocation_reason"])
        _record_changed(
            actor=actor,
            organization=org,
            action=Event.REGISTRY_RATING_REVOKED,
            reason=reason,
            old={"rating": rating.pk, "revoked_on": None},
            new={"rating": rating.pk, "level": rating.level, "revoked_on": revoked_on},
        )
    return rating


def annual_report_record(
    *,
    actor: Actor,
    organization: Organization,
    year: int,
    submitted_on: date,
    result: str = AnnualReport.Result.SUBMITTED,
) -> AnnualReport:
    """Record the annual work report for a year (one per year)."""
    if result not in AnnualReport.Result.values:
        raise ServiceError(Code.REGISTRY_REPORT_RESULT_INVALID, field="result")
    require_manages(actor, organization)
    _check_day(submitted_on, field="submitted_on", org=organization, label=_("报送日期"))
    if not isinstance(year, int) or year < organization.founded_on.year or year > submitted_on.year:
        raise ServiceError(
            Code.REGISTRY_REPORT_YEAR_INVALID,
            field="year",
            params={"first": organization.founded_on.year, "last": submitted_on.year},
        )
    with transaction.atomic():
        if AnnualReport.objects.filter(organization=organization, year=year).exists():
            raise Conflict(Code.REGISTRY_ANNUAL_REPORT_DUPLICATE, field="year", params={"year": year})
        report = AnnualReport.objects.create(
            organization=organization, year=year, submitted_on=submitted_on, result=result
        )
        _record_changed(
            actor=actor,
            organization=organization,
            action=Event.REGISTRY_ANNUAL_REPORT_RECORDED,
            new={"annual_report": report.pk, "year": year, "submitted_on": submitted_on, "result": result},
        )
    return report


def credit_list(
    *,
    actor: Actor,
    organization: Organization,
    kind: str,
    reason: str,
    decision_document: str,
    listed_on: date,
    recommendation: Any = None,
) -> CreditListing:
    """Put an organization on a credit list (活动异常名录、严重违法失信名单 or another list).

    `recommendation`: the performance app's `ListingRecommendation` this decision follows, if any;
    the listing links to it and the recommendation is marked decided in the same transaction.
    """
    if kind not in CreditListKind.values:
        raise ServiceError(Code.REGISTRY_CREDIT_KIND_INVALID, field="kind")
    reason = _require_text(
        reason, field="reason", code="registry.reason_required", message=_("请填写列入事由")
    )
    decision_document = _require_text(
        decision_document,
        field="decision_document",
        code="registry.document_required",
        message=_("请填写决定文书号"),
    )
    require_manages(actor, organization)
    _check_day(listed_on, field="listed_on", org=organization, label=_("列入日期"))
    with transaction.atomic():
        if CreditListing.objects.filter(
            organization=organization, kind=kind, removed_on__isnull=True
        ).exists():
            raise Conflict(
                Code.REGISTRY_CREDIT_ALREADY_LISTED, field="kind", params={"kind": CreditListKind(kind).label}
            )
        listing = CreditListing.objects.create(
            organization=organization,
            kind=kind,
            reason=reason,
            decision_document=decision_document,
            listed_on=listed_on,
            decided_by=actor.unit,
            recommendation=recommendation,
        )
        if recommendation is not None:
            hooks.recommendations().mark_listed(actor=actor, recommendation=recommendation, listing=listing)
        _record_changed(
            actor=actor,
            organization=organization,
            action=Event.REGISTRY_CREDIT_LISTED,
            reason=reason,
            new={
                "listing": listing.pk,
                "kind": kind,
                "listed_on": listed_on,
                "decision_document": decision_document,
                "recommendation": recommendation.pk if recommendation is not None else None,
            },
        )
    return listing


def credit_delist(
    *, actor: Actor, listing: CreditListing, removed_on: date, reason: str, document: str
) -> CreditListing:
    """Remove an organization from a credit list (rectified, period passed, decision withdrawn)."""
    reason = _require_text(
        reason, field="reason", code="registry.reason_required", message=_("请填写移出事由")
    )
    document = _require_text(
        document, field="document", code="registry.document_required", message=_("请填写移出决定文书号")
    )
    org = listing.organization
    require_manages(actor, org)
    with transaction.atomic():
        listing = CreditListing.objects.select_for_update().get(pk=listing.pk)
        if listing.removed_on is not None:
            raise Conflict(Code.REGISTRY_CREDIT_ALREADY_REMOVED, field="removed_on")
        _check_day(removed_on, field="removed_on", org=org, label=_("移出日期"))
        if removed_on < listing.listed_on:
            raise ServiceError(Code.REGISTRY_DATE_ORDER, _("移出日期不能早于列入日期"), field="removed_on")
        listing.removed_on, listing.removal_reason, listing.removal_document = removed_on, reason, document
        listing.save(update_fields=["removed_on", "removal_reason", "removal_document"])
        _record_changed(
            actor=actor,
            organization=org,
            action=Event.REGISTRY_CREDIT_DELISTED,
            reason=reason,
            old={"listing": listing.pk, "removed_on": None},
            new={
                "listing": listing.pk,
                "kind": listing.kind,
                "removed_on": removed_on,
                "removal_document": document,
            },
        )
    return listing


def penalty_record(
    *,
    actor: Actor,
    organization: Organization,
    kind: str,
    decided_on: date,
    issuer: str,
    decision_document: str,
    amount: Decimal | None = None,
    facts: str = "",
    for_business: bool = True,
    large_by_issuer: bool = False,
    ends_on: date | None = None,
) -> Penalty:
    """Record an administrative penalty or criminal judgment against an organization.

    Eligibility reads it: a major illegal record (刑事处罚、责令停产停业、吊销许可证或者执照、较大数额
    罚款) excludes the supplier for three years (政府采购法 第二十二条第一款第（五）项；实施条例
    第十九条), a debarment until it ends.
    """
    if kind not in PenaltyKind.values:
        raise ServiceError(Code.REGISTRY_PENALTY_KIND_INVALID, field="kind")
    issuer = _require_text(
        issuer, field="issuer", code="registry.issuer_required", message=_("请填写处罚机关")
    )
    decision_document = _require_text(
        decision_document,
        field="decision_document",
        code="registry.document_required",
        message=_("请填写处罚决定书文号"),
    )
    if kind == PenaltyKind.FINE and (amount is None or amount <= 0):
        raise ServiceError(Code.REGISTRY_AMOUNT_REQUIRED, field="amount")
    if kind != PenaltyKind.FINE and amount is not None:
        raise ServiceError(Code.REGISTRY_AMOUNT_NOT_FINE, field="amount")
    if ends_on is not None and (kind != PenaltyKind.DEBARMENT or ends_on < decided_on):
        raise ServiceError(Code.REGISTRY_PENALTY_END_INVALID, field="ends_on")
    require_manages(actor, organization)
    _check_day(decided_on, field="decided_on", org=organization, label=_("处罚决定日期"))
    with transaction.atomic():
        penalty = Penalty.objects.create(
            organization=organization,
            kind=kind,
            amount=amount,
            decided_on=decided_on,
            issuer=issuer,
            decision_document=decision_document,
            facts=(facts or "").strip(),
            for_business=for_business,
            large_by_issuer=large_by_issuer,
            ends_on=ends_on,
            recorded_by=actor,
        )
        _record_changed(
            actor=actor,
            organization=organization,
            action=Event.REGISTRY_PENALTY_RECORDED,
            reason=decision_document,
            new={
                "penalty": penalty.pk,
                "kind": kind,
                "amount": amount,
                "decided_on": decided_on,
                "issuer": issuer,
                "ends_on": ends_on,
            },
        )
    return penalty


def organizations_refresh(*, organization_ids: Iterable[int] | None = None) -> int:
    """Recompute the cached eligibility columns (after raw bulk inserts, e.g. benchmark data)."""
    ids = (
        organization_ids
        if organization_ids is not None
        else Organization.objects.values_list("pk", flat=True)
    )
    return derived.refresh(list(ids))
