"""What the capacity services share: who manages what (the registration authority of the region),
rule refusals as the declared codes, the station's status changes and small input checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opengps.accounts import scopes
from opengps.accounts.actors import Actor, MaybeActor
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role, require_role
from opengps.capacity.errors import Code
from opengps.capacity.models import Station
from opengps.core.errors import PermissionDenied, ServiceError, declared_rule_error
from opengps.core.status import status_set
from opengps.rules import capacity as rules
from opengps.rules.base import RuleError

MANAGERS = (Role.REGISTRATION, Role.ADMIN)
"""The civil-affairs department as registration authority (登记管理机关) builds and oversees the
stations, registers social workers, bases and filings of its region (seed 003 三之（二）：省民政厅
等部门推进); administrators act anywhere."""

RULE_CODES: Mapping[str, Code] = {
    "capacity.log_before_opening": Code.CAPACITY_LOG_BEFORE_OPENING,
    "capacity.log_after_closing": Code.CAPACITY_LOG_AFTER_CLOSING,
    "capacity.log_future_month": Code.CAPACITY_LOG_FUTURE_MONTH,
    "capacity.posting_dates_invalid": Code.CAPACITY_POSTING_DATES_INVALID,
    "capacity.posting_outside_station": Code.CAPACITY_POSTING_OUTSIDE_STATION,
    "capacity.worker_double_booked": Code.CAPACITY_WORKER_DOUBLE_BOOKED,
    "capacity.graduation_before_entry": Code.CAPACITY_GRADUATION_BEFORE_ENTRY,
    "capacity.registered_before_filing": Code.CAPACITY_REGISTERED_BEFORE_FILING,
    "capacity.assessment_invalid": Code.CAPACITY_ASSESSMENT_INVALID,
    "capacity.point_village_invalid": Code.CAPACITY_POINT_VILLAGE_INVALID,
    "capacity.point_outside_station": Code.CAPACITY_POINT_OUTSIDE_STATION,
    "capacity.training_dates_invalid": Code.CAPACITY_TRAINING_DATES_INVALID,
    "capacity.training_hours_invalid": Code.CAPACITY_TRAINING_HOURS_INVALID,
    "capacity.training_not_started": Code.CAPACITY_TRAINING_NOT_STARTED,
    "capacity.attendance_hours_invalid": Code.CAPACITY_ATTENDANCE_HOURS_INVALID,
    "capacity.before_filing": Code.CAPACITY_BEFORE_FILING,
    "capacity.future_date": Code.CAPACITY_FUTURE_DATE,
}
"""Each refusal of `opengps.rules.capacity` a service passes on, as its declared code."""

SHORT_TEXT = 200


def manages(actor: MaybeActor, region_code: str) -> bool:
    """Whether `actor` manages the stations, workers and bases of `region_code`: an administrator,
    or a registration authority whose region is that region or above it."""
    if has_role(actor, Role.ADMIN):
        return True
    prefix = scopes.supervised_prefix(actor) if has_role(actor, Role.REGISTRATION) else None
    return prefix is not None and region_code.startswith(prefix)


def require_manager(actor: Actor, region_code: str) -> None:
    """Refuse unless `actor` manages `region_code` (role first, then region)."""
    require_role(actor, *MANAGERS)
    if not manages(actor, region_code):
        raise PermissionDenied(Code.CAPACITY_OUT_OF_REGION)


def refusal(exc: RuleError, *, field: str | None = None) -> ServiceError:
    """A capacity rule's refusal as its declared code, in the user's language, with the citation."""
    return declared_rule_error(exc, RULE_CODES, field=field)


def text(value: str, *, field: str, required: Code | None = None, limit: int = SHORT_TEXT) -> str:
    """`value` stripped and cut to `limit`; ServiceError `required` when it is empty and required."""
    value = (value or "").strip()[:limit]
    if required is not None and not value:
        raise ServiceError(required, field=field)
    return value


def station_status_set(
    station: Station,
    target: str,
    *,
    actor: Actor,
    action: str,
    reason: str = "",
    values: Mapping[str, Any] | None = None,
) -> str:
    """`status_set` against the station table of `opengps.rules.capacity`."""

    def check(current: str, new: str) -> None:
        rules.check_transition("capacity_station", current, new)

    return status_set(station, target, actor=actor, action=action, check=check, reason=reason, values=values)
