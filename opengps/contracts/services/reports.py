"""The supplier's progress reports, with figures against the contract's indicators and attachments."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.contracts.errors import Code
from opengps.contracts.events import Event
from opengps.contracts.models import (
    Contract,
    ContractStatus,
    ProgressReport,
    ReportAttachment,
)
from opengps.contracts.services._common import (
    _lock,
    _moment,
    _require_status,
    _text,
    require_supplier_member,
)
from opengps.core import audit
from opengps.core.clock import local_date
from opengps.core.errors import ServiceError
from opengps.procurement.uploads import check_file

MAX_REPORT_FILES = 10


@dataclass(frozen=True)
class ReportFile:
    """A file uploaded with a progress report: original name and bytes."""

    name: str
    content: bytes


def _figures(contract: Contract, figures: Mapping[str, Any]) -> dict[str, str]:
    codes = {i["code"] for i in contract.indicators}
    cleaned: dict[str, str] = {}
    for code, value in figures.items():
        if value in (None, ""):
            continue
        if code not in codes:
            raise ServiceError(Code.CONTRACT_INDICATOR_UNKNOWN, field="figures", params={"code": code})
        if isinstance(value, float):
            raise ServiceError(Code.CONTRACT_FIGURE_INVALID, field="figures")
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ServiceError(Code.CONTRACT_FIGURE_INVALID, field="figures") from None
        if not number.is_finite():
            raise ServiceError(Code.CONTRACT_FIGURE_INVALID, field="figures")
        cleaned[code] = str(number)
    return cleaned


def progress_report_submit(
    *,
    actor: Actor,
    contract: Contract,
    period_start: date,
    period_end: date,
    summary: str,
    figures: Mapping[str, Any] | None = None,
    files: Sequence[ReportFile] = (),
    now: datetime | None = None,
) -> ProgressReport:
    """The supplier reports progress for a period with figures against the contract's indicators.

    Attachments go through the platform's upload checker (size cap, type by content).
    """
    require_supplier_member(actor, contract)
    moment = _moment(now)
    text = _text(summary, field="summary", message=_("请填写履约情况"), limit=20000)
    if period_end < period_start:
        raise ServiceError(Code.CONTRACT_PERIOD_INVALID, field="period_end")
    if period_start < contract.starts_on or period_end > local_date(moment):
        raise ServiceError(Code.CONTRACT_PERIOD_OUTSIDE, field="period_start")
    if len(files) > MAX_REPORT_FILES:
        raise ServiceError(Code.CONTRACT_TOO_MANY_FILES, field="files")
    checked = [check_file(f.name, f.content, field="files") for f in files]
    numbers = _figures(contract, figures or {})
    with transaction.atomic():
        contract = _lock(contract)
        _require_status(contract, ContractStatus.PUBLISHED)
        report = ProgressReport.objects.create(
            contract=contract,
            period_start=period_start,
            period_end=period_end,
            summary=text,
            figures=numbers,
            submitted_by=actor,
            submitted_at=moment,
        )
        ReportAttachment.objects.bulk_create(
            [
                ReportAttachment(
                    report=report,
                    name=c.name,
                    kind=c.kind,
                    size=len(c.content),
                    sha256=hashlib.sha256(c.content).hexdigest(),
                    content=c.content,
                )
                for c in checked
            ]
        )
        audit.record(
            actor=actor,
            action=Event.CONTRACT_PROGRESS_REPORTED,
            obj=contract,
            new={
                "report": report.pk,
                "period_start": period_start,
                "period_end": period_end,
                "figures": numbers,
                "files": [{"name": c.name, "sha256": hashlib.sha256(c.content).hexdigest()} for c in checked],
            },
        )
    return report
