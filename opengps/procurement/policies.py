"""The procurement's shared checks and write helpers: who may act, the status guard, time and text.

Used by every procurement service and by the later stages (evaluation, challenges, contracts)
that change a procurement or act for its purchaser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor, MaybeActor
from opengps.accounts.models import Role
from opengps.accounts.permissions import is_authenticated, require_role
from opengps.core import clock
from opengps.core.clock import BEIJING, local_date
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.money import parse_yuan
from opengps.core.status import STATE_REFUSED, status_set
from opengps.procurement.errors import TEXT_TOO_LONG, Code
from opengps.procurement.events import Event
from opengps.procurement.models import Invitation, Procurement, ProcurementStatus
from opengps.registry import derived
from opengps.registry.models import Organization
from opengps.registry.selectors import organization_eligibility
from opengps.rules.base import Ruled, RuleError
from opengps.rules.procurement_flow import Procedure, SupplierSource, check_transition, procedure_for

__all__ = [
    "O74_40",
    "O87_28",
    "O87_33",
    "O87_34",
    "O87_63",
    "aware",
    "aware_now",
    "dated_refusal",
    "deadline_passed",
    "is_official",
    "local_date",
    "lock",
    "mark_failed",
    "postponed_to",
    "procedure_of",
    "require_eligible",
    "require_official",
    "require_status",
    "require_supplier",
    "required_text",
    "rule_error",
    "set_status",
    "supplier_may_take_part",
    "yuan",
]

O87_28 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第二十八条"
O87_33 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第三十三条"
O87_34 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第三十四条"
O87_63 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第六十三条"
O74_40 = "政府采购非招标采购方式管理办法（财政部令第74号）第四十条"


# --- errors, time, amounts, text -------------------------------------------------------------------


def rule_error(exc: RuleError, *, field: str | None = None) -> ServiceError:
    """A pure rule's refusal as a service error, the citation appended unless the message has it."""
    message = (
        exc.message_zh
        if not exc.citation or exc.citation in exc.message_zh
        else (f"{exc.message_zh}（依据：{exc.citation}）")
    )
    return ServiceError(exc.code, message, field=field, params={**exc.params, "citation": exc.citation})


def dated_refusal(
    code: str,
    day: date,
    citation: str,
    *,
    name: str = "due",
    shown_as: str | None = None,
    field: str | None = None,
    error: type[ServiceError] = ServiceError,
) -> ServiceError:
    """A refusal that names a lawful `day` and its article (a deadline passed, a period too short):
    `code`'s declared message has its ``%(<name>)s`` and ``%(citation)s`` filled with the day (ISO)
    and `citation`, and the error's params carry the same for API clients. `shown_as` is the
    message's own name for the day where it differs from the param's (``%(end)s`` shown,
    ``earliest`` returned)."""
    params = {name: day.isoformat(), "citation": citation}
    shown = params if shown_as is None else {**params, shown_as: day.isoformat()}
    template = getattr(code, "message", "") or str(code)
    return error(code, template % shown, field=field, params=params)


def aware_now(now: datetime | None) -> datetime:
    """The moment a service acts at: `now` (tests and the demo) or the one clock; naive is refused."""
    moment = now or clock.now()
    if timezone.is_naive(moment):
        raise ServiceError(Code.REQUEST_TIME_NAIVE)
    return moment


def aware(value: datetime, field: str) -> datetime:
    """`value`, refused when it carries no time zone."""
    if timezone.is_naive(value):
        raise ServiceError(Code.REQUEST_TIME_NAIVE, field=field)
    return value


def postponed_to(before: datetime, postponed: Ruled[date] | None) -> tuple[datetime, str]:
    """The deadline after a clarification, and its article: `before`, or the postponed day at
    `before`'s Beijing time of day."""
    if postponed is None:
        return before, ""
    local = before.astimezone(BEIJING)
    moment = datetime.combine(postponed.value, time(local.hour, local.minute, local.second), tzinfo=BEIJING)
    return moment, postponed.citation


def yuan(value: Decimal | str | int, *, field: str) -> Decimal:
    """An amount in yuan, refused as ``procurement.amount_invalid``."""
    return parse_yuan(value, field=field, code="procurement.amount_invalid")


def required_text(value: str, *, field: str, code: str, message: Any, limit: int = 20000) -> str:
    """`value` stripped; refused with `code` when empty and as ``<app>.text_too_long`` past `limit`."""
    value = (value or "").strip()
    if not value:
        raise ServiceError(code, message, field=field)
    if len(value) > limit:
        too_long = TEXT_TOO_LONG.get(code.split(".")[0], Code.PROCUREMENT_TEXT_TOO_LONG)
        raise ServiceError(too_long, field=field)
    return value


# --- who may act -----------------------------------------------------------------------------------


def is_official(actor: MaybeActor, procurement: Procurement) -> bool:
    """Staff of the purchaser, or of the agency running the procurement."""
    if not is_authenticated(actor):
        return False
    if actor.role == Role.PURCHASER:
        return bool(actor.unit_id == procurement.purchaser_id)
    if actor.role == Role.AGENCY:
        return procurement.agency_id is not None and bool(actor.unit_id == procurement.agency_id)
    return False


def require_official(actor: Actor, procurement: Procurement) -> None:
    """Refuse anyone but the procurement's purchaser or agency staff."""
    require_role(actor, Role.PURCHASER, Role.AGENCY)
    if not is_official(actor, procurement):
        raise PermissionDenied(Code.PERM_OTHER_UNIT)


def require_supplier(actor: Actor) -> Organization:
    """The supplier organization `actor` acts for; anyone else is refused."""
    require_role(actor, Role.SUPPLIER)
    org = actor.organization
    if org is None:  # the database constraint makes this unreachable for real users
        raise PermissionDenied(Code.BID_NO_ORGANIZATION)
    return org


def supplier_may_take_part(
    org_id: int, procurement: Procurement, procedure: Procedure, *, invited: bool | None = None
) -> None:
    """Refuse a supplier the procedure does not admit; `invited` spares the query when already read."""
    if procedure.supplier_source == SupplierSource.invited:
        if invited is None:
            invited = Invitation.objects.filter(procurement=procurement, organization_id=org_id).exists()
        if not invited:
            raise PermissionDenied(Code.PROCUREMENT_NOT_INVITED)
    if procedure.supplier_source == SupplierSource.named and procurement.single_source_supplier_id != org_id:
        raise PermissionDenied(Code.PROCUREMENT_NOT_NAMED_SUPPLIER)


def require_eligible(org: Organization, on_date: date) -> None:
    """Refuse an organization not eligible on `on_date`, with the blocking reasons and articles."""
    if on_date == clock.today():
        cache = Organization.objects.filter(pk=org.pk).values_list("eligible", "derived_until").first()
        if cache is not None and derived.says_eligible(cache[0], cache[1], on_date):
            return
    result = organization_eligibility(org, on_date)
    if result.eligible:
        return
    blocking = [r for r in result.reasons if r.severity == "block"] or list(result.reasons)
    raise PermissionDenied(
        Code.BID_SUPPLIER_INELIGIBLE,
        _("贵单位 %(date)s 不具备承接资格：%(reasons)s")
        % {"date": on_date, "reasons": "；".join(f"{r.message_zh}（依据：{r.citation}）" for r in blocking)},
        params={
            "reasons": [{"code": r.code, "message": r.message_zh, "citation": r.citation} for r in blocking]
        },
    )


# --- the procurement row: lock, status, procedure ------------------------------------------------


def lock(procurement: Procurement) -> Procurement:
    """The procurement re-read with its row locked for the rest of the transaction."""
    return Procurement.objects.select_for_update().get(pk=procurement.pk)


def set_status(
    actor: Actor,
    procurement: Procurement,
    target: str,
    action: str,
    *,
    reason: str = "",
    extra: Mapping[str, Any] | None = None,
    update: Sequence[str] = (),
) -> None:
    """Move to `target` if the transition table allows it, save `update` too, and audit `action`
    (`core.status.status_set` over the procurement's table)."""
    status_set(
        procurement,
        target,
        actor=actor,
        action=action,
        check=check_transition,
        reason=reason,
        extra=extra,
        update=update,
        message=STATE_REFUSED,
    )


def mark_failed(
    actor: Actor, procurement: Procurement, *, reason: str, cause: str, next_steps: Sequence[str]
) -> None:
    """The procurement fails (废标) with `reason` and the lawful `next_steps` (re-tender, change of
    method…): saved with the status, audited as ``procurement.failed`` naming the `cause` (too few
    bids, an upheld objection, a failed evaluation). Runs in the caller's transaction."""
    procurement.outcome_reason = reason
    procurement.next_steps = list(next_steps)
    set_status(
        actor,
        procurement,
        ProcurementStatus.FAILED,
        Event.PROCUREMENT_FAILED,
        reason=reason,
        extra={"cause": cause, "next_steps": procurement.next_steps},
        update=["outcome_reason", "next_steps"],
    )


def require_status(procurement: Procurement, *statuses: str) -> None:
    """Refuse (``procurement.wrong_status``) unless the procurement is in one of `statuses`."""
    if procurement.status not in statuses:
        raise Conflict(
            Code.PROCUREMENT_WRONG_STATUS,
            _("当前状态（%(status)s）不能执行此操作") % {"status": procurement.get_status_display()},
            field="status",
            params={"status": procurement.status, "allowed": list(statuses)},
        )


def procedure_of(procurement: Procurement) -> Procedure:
    """The procedure (periods, supplier source, minimum bids) of the procurement's method."""
    try:
        return procedure_for(procurement.method)
    except RuleError as exc:  # pragma: no cover — the method column only holds supported methods
        raise rule_error(exc, field="method") from None


def deadline_passed(procurement: Procurement, now: datetime | None = None) -> bool:
    """Whether the bid deadline has passed (by the application clock; reads only)."""
    return procurement.bid_deadline is not None and aware_now(now) >= procurement.bid_deadline
