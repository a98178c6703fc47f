"""Framework agreements (O110 §29): signing with the shortlisted suppliers and filing the copy."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.contracts.errors import Code
from opengps.contracts.events import Event
from opengps.contracts.services._common import (
    _ruled,
)
from opengps.core import audit, clock
from opengps.core.clock import local_date
from opengps.core.errors import Conflict, ServiceError
from opengps.evaluation.models import FrameworkShortlist
from opengps.procurement.policies import require_official
from opengps.rules.deadlines import (
    FRAMEWORK_FILING,
    framework_filing_deadline,
    framework_sign_deadline,
)


def _framework_late(day: date, due: date, reason: str, *, code: str, citation: str, what: Any) -> str:
    """The late reason, required (and kept) only when `day` is after `due`."""
    late = day > due
    text = (reason or "").strip()
    if late and not text:
        raise ServiceError(
            code,
            _("%(what)s期限已于 %(due)s 届满，逾期须说明原因（依据：%(citation)s）")
            % {"what": what, "due": due.isoformat(), "citation": citation},
            field="late_reason",
            params={"due": due.isoformat(), "citation": citation},
        )
    return text if late else ""


def framework_agreement_sign(
    *, actor: Actor, shortlist: FrameworkShortlist, late_reason: str = "", now: datetime | None = None
) -> FrameworkShortlist:
    """The collecting body signs the framework agreement with the shortlisted suppliers within 30
    days of the shortlist notice, and must then file a copy within 7 working days (O110 §29).

    Signing before the notice is refused; late signing needs its reason and is marked late.
    """

    procurement = shortlist.evaluation.procurement
    require_official(actor, procurement)
    day = local_date(now or clock.now())
    with transaction.atomic():
        shortlist = FrameworkShortlist.objects.select_for_update().get(pk=shortlist.pk)
        if shortlist.announced_at is None:
            raise Conflict(Code.FRAMEWORK_NOT_ANNOUNCED)
        if shortlist.signed_on is not None:
            raise Conflict(Code.FRAMEWORK_ALREADY_SIGNED)
        sign = _ruled(lambda: framework_sign_deadline(local_date(shortlist.announced_at)))
        reason = _framework_late(
            day,
            sign.value,
            late_reason,
            code="framework.sign_late_reason_required",
            citation=sign.citation,
            what=_("签订框架协议"),
        )
        file_due = _ruled(lambda: framework_filing_deadline(day))
        shortlist.signed_on, shortlist.sign_late_reason, shortlist.file_due = day, reason, file_due.value
        shortlist.save(update_fields=["signed_on", "sign_late_reason", "file_due"])
        audit.record(
            actor=actor,
            action=Event.FRAMEWORK_AGREEMENT_SIGNED,
            obj=procurement,
            new={
                "lot": shortlist.lot_id,
                "signed_on": day,
                "sign_due": sign.value,
                "late": bool(reason),
                "file_due": file_due.value,
            },
            reason=reason or f"{sign.citation}；{file_due.citation}",
        )
    return shortlist


def framework_agreement_file(
    *, actor: Actor, shortlist: FrameworkShortlist, late_reason: str = "", now: datetime | None = None
) -> FrameworkShortlist:
    """A copy of the signed agreement is filed with the finance department of the same level within
    7 working days of signing (O110 §29); late filing needs its reason and is marked late."""

    procurement = shortlist.evaluation.procurement
    require_official(actor, procurement)
    day = local_date(now or clock.now())
    citation = FRAMEWORK_FILING.history[-1].citation
    with transaction.atomic():
        shortlist = FrameworkShortlist.objects.select_for_update().get(pk=shortlist.pk)
        if shortlist.signed_on is None or shortlist.file_due is None:
            raise Conflict(Code.FRAMEWORK_NOT_SIGNED)
        if shortlist.filed_on is not None:
            raise Conflict(Code.FRAMEWORK_ALREADY_FILED)
        reason = _framework_late(
            day,
            shortlist.file_due,
            late_reason,
            code="framework.file_late_reason_required",
            citation=citation,
            what=_("框架协议备案"),
        )
        shortlist.filed_on, shortlist.file_late_reason = day, reason
        shortlist.save(update_fields=["filed_on", "file_late_reason"])
        audit.record(
            actor=actor,
            action=Event.FRAMEWORK_AGREEMENT_FILED,
            obj=procurement,
            new={
                "lot": shortlist.lot_id,
                "filed_on": day,
                "file_due": shortlist.file_due,
                "late": bool(reason),
            },
            reason=reason or citation,
        )
    return shortlist
