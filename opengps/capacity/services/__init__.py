"""Writes of capacity building, each in one transaction with its audit event; the station's status
changes go through `opengps.core.status.status_set` against `opengps.rules.capacity.STATION`.

One module a programme: `stations` (townships, stations, monthly service logs), `imports` (the
Excel import of stations, workers and logs, all rows or none), `workers` (the
social-worker register, postings, the audited read of a full identity number), `growth`
(incubation bases, subsidies, incubatees, community-organization filings), `points` (service
points under a station), `training` (trainings, attendance, showcase events), `community` (support,
awards and activities of filed community organizations); `_common` holds who manages what. Every
public name is re-exported here: callers import `opengps.capacity.services`.
"""

from __future__ import annotations

from opengps.capacity.services._common import MANAGERS, manages, require_manager
from opengps.capacity.services.community import activity_log, support_decide
from opengps.capacity.services.growth import (
    base_assess,
    base_create,
    filing_create,
    filing_register,
    incubatee_enter,
    incubatee_graduate,
    subsidy_allocate,
)
from opengps.capacity.services.imports import ImportResult, RowError, capacity_import
from opengps.capacity.services.points import point_close, point_open
from opengps.capacity.services.stations import (
    is_operator_member,
    service_log_enter,
    station_close,
    station_open,
    station_resume,
    station_suspend,
    township_create,
)
from opengps.capacity.services.training import attendance_record, event_create, showcase_add, training_create
from opengps.capacity.services.workers import (
    can_read_id_number,
    posting_add,
    posting_end,
    worker_id_number_read,
    worker_register,
)

__all__ = [
    "MANAGERS",
    "ImportResult",
    "RowError",
    "activity_log",
    "attendance_record",
    "base_assess",
    "base_create",
    "can_read_id_number",
    "capacity_import",
    "event_create",
    "filing_create",
    "filing_register",
    "incubatee_enter",
    "incubatee_graduate",
    "is_operator_member",
    "manages",
    "point_close",
    "point_open",
    "posting_add",
    "posting_end",
    "require_manager",
    "service_log_enter",
    "showcase_add",
    "station_close",
    "station_open",
    "station_resume",
    "station_suspend",
    "subsidy_allocate",
    "support_decide",
    "township_create",
    "training_create",
    "worker_id_number_read",
    "worker_register",
]
