"""Announcement (or invitations, or the single-source notice), documents period, prequalification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import audit
from opengps.core.errors import Conflict, ServiceError
from opengps.procurement import sealing
from opengps.procurement.errors import Code
from opengps.procurement.events import Event
from opengps.procurement.models import Invitation, Lot, Procurement, ProcurementStatus
from opengps.procurement.policies import (
    aware,
    aware_now,
    dated_refusal,
    local_date,
    lock,
    postponed_to,
    procedure_of,
    require_official,
    require_status,
    rule_error,
    set_status,
    yuan,
)
from opengps.procurement.services.clarify import clarification_text
from opengps.rules.base import Ruled, RuleError
from opengps.rules.deadlines import (
    documents_available_until,
    postponed_prequalification_deadline,
    single_source_notice_end,
)
from opengps.rules.deposits import check_bid_deposit
from opengps.rules.procedures import Method
from opengps.rules.procurement_flow import (
    Procedure,
    SupplierSource,
    check_bid_deadline,
    check_prequalification_deadline,
)


def _before_lawful(code: str, lawful: Ruled[date], *, field: str) -> ServiceError:
    """A day before the `lawful` earliest one (``%(end)s`` in `code`'s message), with its article."""
    return dated_refusal(code, lawful.value, lawful.citation, name="earliest", shown_as="end", field=field)


def _documents_period(
    procurement: Procurement, today: date, deadline_day: date, chosen: date | None
) -> tuple[date, str]:
    """The last day documents are provided, and the article: lawful minimum ≤ it ≤ the deadline."""
    try:
        lawful = documents_available_until(procurement.method, today)
    except RuleError as exc:
        if exc.code != "deadline.not_applicable":  # pragma: no cover — calendar covers the years in use
            raise rule_error(exc, field="documents_until") from None
        return (chosen or deadline_day), exc.citation
    if deadline_day < lawful.value:
        raise _before_lawful(Code.PROCUREMENT_DEADLINE_TOO_EARLY, lawful, field="bid_deadline")
    until = chosen or deadline_day
    if until < lawful.value:
        raise _before_lawful(Code.PROCUREMENT_DOCUMENTS_PERIOD_TOO_SHORT, lawful, field="documents_until")
    if until > deadline_day:
        raise ServiceError(Code.PROCUREMENT_DOCUMENTS_AFTER_DEADLINE, field="documents_until")
    return until, lawful.citation


def _deposit(bid_deposit: Decimal | str | None, procurement: Procurement, today: date) -> Decimal | None:
    """The bid deposit asked for, checked against its lawful ceiling; None when there is none."""
    if bid_deposit in (None, ""):
        return None
    deposit = yuan(bid_deposit, field="bid_deposit")  # type: ignore[arg-type]
    try:
        check_bid_deposit(deposit, procurement.budget, on_date=today)
    except RuleError as exc:
        raise rule_error(exc, field="bid_deposit") from None
    return deposit


def _require_ready(procurement: Procurement, procedure: Procedure) -> None:
    """Lots, documents, the invitations an invited tender needs, the single source's supplier."""
    if not Lot.objects.filter(procurement=procurement).exists():  # pragma: no cover — created with lots
        raise ServiceError(Code.PROCUREMENT_LOTS_REQUIRED, field="lots")
    if not procurement.documents.strip():
        raise ServiceError(Code.PROCUREMENT_DOCUMENTS_REQUIRED, field="documents")
    if procedure.supplier_source == SupplierSource.invited:
        invited = Invitation.objects.filter(procurement=procurement).count()
        if invited < procedure.min_invited:
            raise Conflict(
                Code.PROCUREMENT_INVITATIONS_MISSING, field="count", params={"min": procedure.min_invited}
            )
    if procedure.public_notice_first and procurement.single_source_supplier_id is None:
        raise ServiceError(Code.PROCUREMENT_SINGLE_SOURCE_SUPPLIER_REQUIRED, field="single_source_supplier")


@dataclass(frozen=True)
class _Floor:
    """The earliest lawful deadline day and its article; `notice_end` when a notice runs first."""

    earliest: date
    citation: str
    notice_end: date | None


def _deadline_floor(
    procurement: Procurement, procedure: Procedure, today: date, deadline: datetime
) -> _Floor:
    """Refuse a deadline before the lawful period (or, for single source, before the notice ends)."""
    if not procedure.public_notice_first:
        try:
            ruled = check_bid_deadline(procurement.method, today, local_date(deadline))
        except RuleError as exc:
            raise rule_error(exc, field="bid_deadline") from None
        return _Floor(ruled.value, ruled.citation, None)
    try:
        ruled = single_source_notice_end(today)
    except RuleError as exc:  # pragma: no cover — the shipped calendar covers the years in use
        raise rule_error(exc) from None
    notice_end = ruled.value
    if local_date(deadline) <= notice_end:
        raise ServiceError(
            Code.PROCUREMENT_DEADLINE_TOO_EARLY,
            _("单一来源公示期至 %(end)s 结束，响应截止时间须在其后（依据：%(citation)s）")
            % {"end": notice_end, "citation": ruled.citation},
            field="bid_deadline",
            params={"earliest": notice_end.isoformat(), "citation": ruled.citation},
        )
    return _Floor(notice_end, ruled.citation, notice_end)


ANNOUNCED_FIELDS = (
    "wrapped_key",
    "issued_on",
    "documents_until",
    "documents_citation",
    "bid_deadline",
    "earliest_deadline",
    "deadline_citation",
    "opening_place",
    "bid_deposit",
    "announced_at",
)


def procurement_announce(
    *,
    actor: Actor,
    procurement: Procurement,
    bid_deadline: datetime,
    opening_place: str = "",
    bid_deposit: Decimal | str | None = None,
    documents_until: date | None = None,
    now: datetime | None = None,
) -> Procurement:
    """Publish the announcement (or invitations, or the single-source notice) and seal the key.

    Documents are provided until `documents_until` (default: the deadline's day), never for less
    than `deadlines.documents_available_until` (refused ``procurement.documents_period_too_short``)
    nor past the deadline; a deadline before the lawful documents period ends is refused too.

    The deadline may not be earlier than `deadlines.earliest_bid_deadline` from today (refused
    with ``procurement.deadline_too_early`` and the article). Single source publishes its notice
    for `single_source_notice_end`; the deadline must come after the notice ends.
    """
    require_official(actor, procurement)
    moment = aware_now(now)
    deadline = aware(bid_deadline, "bid_deadline")
    today = local_date(moment)
    procedure = procedure_of(procurement)
    if deadline <= moment:
        raise ServiceError(Code.PROCUREMENT_DEADLINE_PAST, field="bid_deadline")
    deposit = _deposit(bid_deposit, procurement, today)
    with transaction.atomic():
        procurement = lock(procurement)
        require_status(procurement, ProcurementStatus.DRAFT)
        _require_ready(procurement, procedure)
        floor = _deadline_floor(procurement, procedure, today, deadline)
        provided_until, provided_citation = _documents_period(
            procurement, today, local_date(deadline), documents_until
        )
        procurement.wrapped_key = sealing.procurement_key_create(procurement.reference).to_text()
        procurement.issued_on = today
        procurement.documents_until = provided_until
        procurement.documents_citation = provided_citation[:300]
        procurement.bid_deadline = deadline
        procurement.earliest_deadline = floor.earliest
        procurement.deadline_citation = floor.citation[:300]
        procurement.opening_place = opening_place.strip()[:200]
        procurement.bid_deposit = deposit
        procurement.announced_at = moment
        extra = {
            "bid_deadline": deadline,
            "issued_on": today,
            "documents_until": provided_until,
            "earliest": floor.earliest,
            "citation": floor.citation,
            "deposit": deposit,
        }
        if floor.notice_end is not None:
            procurement.notice_published_on, procurement.notice_ends_on = today, floor.notice_end
            set_status(
                actor,
                procurement,
                ProcurementStatus.NOTICE,
                Event.PROCUREMENT_NOTICE_PUBLISHED,
                extra={
                    **extra,
                    "notice_ends_on": floor.notice_end,
                    "supplier": procurement.single_source_supplier,
                },
                update=[*ANNOUNCED_FIELDS, "notice_published_on", "notice_ends_on"],
            )
        else:
            set_status(
                actor,
                procurement,
                ProcurementStatus.ANNOUNCED,
                Event.PROCUREMENT_ANNOUNCED,
                extra=extra,
                update=ANNOUNCED_FIELDS,
            )
    return procurement


def procurement_prequalification_announce(
    *, actor: Actor, procurement: Procurement, application_deadline: datetime, now: datetime | None = None
) -> Ruled[date]:
    """Announce a prequalification (资格预审公告) of a tender: applications may be submitted for at
    least 5 working days from the announcement (实施条例 第二十一条；87号令 第十六条).

    A shorter period is refused with the earliest lawful date; the announcement is recorded in the
    audit chain with its deadline and citation.
    """
    require_official(actor, procurement)
    moment = aware_now(now)
    deadline = aware(application_deadline, "application_deadline")
    with transaction.atomic():
        procurement = lock(procurement)
        require_status(procurement, ProcurementStatus.DRAFT)
        if procurement.method not in {Method.open_tender, Method.invited_tender}:
            raise ServiceError(Code.PROCUREMENT_PREQUALIFICATION_NOT_TENDER, field="application_deadline")
        try:
            earliest = check_prequalification_deadline(local_date(moment), local_date(deadline))
        except RuleError as exc:
            raise rule_error(exc, field="application_deadline") from None
        procurement.prequalification_announced_on = local_date(moment)
        procurement.prequalification_deadline = deadline
        procurement.save(update_fields=["prequalification_announced_on", "prequalification_deadline"])
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_PREQUALIFICATION_ANNOUNCED,
            obj=procurement,
            new={
                "announced_on": local_date(moment),
                "application_deadline": deadline,
                "earliest": earliest.value,
            },
            reason=earliest.citation,
        )
    return earliest


def procurement_prequalification_clarify(
    *, actor: Actor, procurement: Procurement, text: str, now: datetime | None = None
) -> datetime:
    """Clarify or amend the prequalification documents (资格预审文件的澄清或者修改).

    At least 3 days before the application deadline, or the deadline is postponed (87号令
    第二十七条第三款): the new deadline (same time of day) is counted forward from the clarification
    day by `postponed_prequalification_deadline`. Returns the deadline in force afterwards; the
    clarification and any postponement are audited with the article.
    """
    require_official(actor, procurement)
    text = clarification_text(text)
    moment = aware_now(now)
    today = local_date(moment)
    with transaction.atomic():
        procurement = lock(procurement)
        require_status(procurement, ProcurementStatus.DRAFT)
        before = procurement.prequalification_deadline
        if before is None:
            raise Conflict(Code.PROCUREMENT_PREQUALIFICATION_MISSING, field="text")
        if moment >= before:
            raise Conflict(Code.PROCUREMENT_PREQUALIFICATION_CLOSED, field="text")
        try:
            postponed = postponed_prequalification_deadline(today, local_date(before))
        except RuleError as exc:  # pragma: no cover — the period has been in force throughout
            raise rule_error(exc) from None
        after, citation = postponed_to(before, postponed)
        if postponed is not None:
            procurement.prequalification_deadline = after
            procurement.save(update_fields=["prequalification_deadline"])
        audit.record(
            actor=actor,
            action=Event.PROCUREMENT_PREQUALIFICATION_CLARIFIED,
            obj=procurement,
            old={"application_deadline": before},
            new={"application_deadline": after, "text": text, "postponed": postponed is not None},
            reason=citation,
        )
    return after
