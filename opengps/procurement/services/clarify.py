"""Clarifications and amendments of the documents (澄清或者修改), and the deadline they postpone."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.core import audit
from opengps.core.clock import BEIJING
from opengps.core.errors import Conflict, ServiceError
from opengps.procurement.errors import Code
from opengps.procurement.events import PUBLISHED_BY_KIND, Event
from opengps.procurement.models import Clarification, Procurement, ProcurementStatus
from opengps.procurement.policies import (
    O87_28,
    aware,
    aware_now,
    local_date,
    lock,
    postponed_to,
    require_official,
    require_status,
    required_text,
    rule_error,
)
from opengps.rules.base import RuleError
from opengps.rules.procurement_flow import postponed_deadline


def clarification_text(text: str) -> str:
    """The text of a clarification or amendment (of the documents or the prequalification
    documents), stripped; refused beside ``text`` when empty or too long."""
    return required_text(
        text, field="text", code="procurement.clarification_text_required", message=_("请填写澄清或修改内容")
    )


def _chosen_deadline(new_deadline: datetime, target: datetime, citation: str) -> datetime:
    """The deadline the purchaser chose instead: never before the lawful `target`."""
    chosen = aware(new_deadline, "new_deadline")
    if chosen < target:
        raise ServiceError(
            Code.PROCUREMENT_DEADLINE_TOO_EARLY,
            _("截止时间不得早于 %(earliest)s（依据：%(citation)s）")
            % {
                "earliest": target.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
                "citation": citation or O87_28,
            },
            field="new_deadline",
            params={"earliest": target.isoformat(), "citation": citation},
        )
    return chosen


def procurement_clarify(
    *,
    actor: Actor,
    procurement: Procurement,
    kind: str,
    text: str,
    affects_bids: bool = True,
    new_deadline: datetime | None = None,
    now: datetime | None = None,
) -> Clarification:
    """Publish a clarification or amendment; a late one pushes the deadline back by law (O87 §27).

    When it may affect bids and comes after `latest_clarification_date`, the deadline moves to the
    earliest lawful date (same time of day), audited as ``procurement.deadline_postponed`` with
    the article. A `new_deadline` chosen by the purchaser may be later, never earlier.
    """
    require_official(actor, procurement)
    if kind not in Clarification.Kind.values:
        raise ServiceError(Code.PROCUREMENT_CLARIFICATION_KIND, field="kind")
    text = clarification_text(text)
    moment = aware_now(now)
    today = local_date(moment)
    with transaction.atomic():
        procurement = lock(procurement)
        require_status(procurement, ProcurementStatus.ANNOUNCED, ProcurementStatus.NOTICE)
        before = procurement.bid_deadline
        assert before is not None
        if moment >= before:
            raise Conflict(Code.PROCUREMENT_DEADLINE_PASSED)
        try:
            postponed = (
                postponed_deadline(procurement.method, today, local_date(before)) if affects_bids else None
            )
        except RuleError as exc:  # pragma: no cover — periods exist for every supported method
            raise rule_error(exc) from None
        target, citation = postponed_to(before, postponed)
        if new_deadline is not None:
            target = _chosen_deadline(new_deadline, target, citation)
        clarification = Clarification.objects.create(
            procurement=procurement,
            kind=kind,
            text=text,
            affects_bids=affects_bids,
            published_on=today,
            published_at=moment,
            deadline_before=before,
            deadline_after=target,
            postponed=postponed is not None,
            citation=citation[:300],
            published_by=actor,
        )
        audit.record(
            actor=actor,
            action=PUBLISHED_BY_KIND[kind],
            obj=procurement,
            new={"clarification": clarification.pk, "affects_bids": affects_bids, "published_on": today},
        )
        if target != before:
            procurement.bid_deadline = target
            procurement.save(update_fields=["bid_deadline"])
            reason = (
                _("澄清或者修改发出时距截止时间不足法定期限，截止时间依法顺延（依据：%(citation)s）")
                % {"citation": citation}
                if postponed is not None and new_deadline is None
                else _("采购人延长截止时间")
            )
            audit.record(
                actor=actor,
                action=Event.PROCUREMENT_DEADLINE_POSTPONED,
                obj=procurement,
                old={"bid_deadline": before},
                new={"bid_deadline": target, "citation": citation},
                reason=str(reason),
            )
    return clarification
