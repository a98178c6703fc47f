"""The execution plan: milestones, deliverables, payment instalments, posts and placements."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.contracts.errors import Code
from opengps.contracts.events import Event
from opengps.contracts.models import (
    Contract,
    ContractKind,
    ContractStatus,
    Deliverable,
    Milestone,
    Payment,
    Placement,
    Post,
)
from opengps.contracts.services._common import (
    _day_or_today,
    _lock,
    _moment,
    _require_status,
    _text,
    require_purchaser,
    require_supplier_member,
    yuan,
)
from opengps.core import audit
from opengps.core.clock import local_date
from opengps.core.errors import Conflict, ServiceError


def _plan_editable(contract: Contract) -> None:
    _require_status(contract, ContractStatus.DRAFT, ContractStatus.SIGNED, ContractStatus.PUBLISHED)


RowT = TypeVar("RowT", Milestone, Payment)


def _dated_row(
    actor: Actor,
    row: RowT,
    day: date | None,
    now: datetime | None,
    *,
    field: str,
    message: Any,
    statuses: tuple[str, ...],
    done: str,
) -> tuple[Contract, RowT, date]:
    """The purchaser records the date `field` (today by default, never after today) on `row` of a
    contract in one of `statuses`: the contract and the row locked, in that order (call inside a
    transaction), and the day; Conflict `done` when the row already has that date."""
    contract = row.contract
    require_purchaser(actor, contract)
    chosen = _day_or_today(day, local_date(_moment(now)), field=field, message=message)
    contract = _lock(contract)
    _require_status(contract, *statuses)
    row = type(row).objects.select_for_update().get(pk=row.pk)
    if getattr(row, field) is not None:
        raise Conflict(done)
    return contract, row, chosen


def milestone_add(*, actor: Actor, contract: Contract, title: str, due_on: date, note: str = "") -> Milestone:
    """Add a dated milestone to the execution plan."""
    require_purchaser(actor, contract)
    name = _text(title, field="title", message=_("请填写节点名称"), limit=200)
    with transaction.atomic():
        contract = _lock(contract)
        _plan_editable(contract)
        if not contract.starts_on <= due_on <= contract.ends_on:
            raise ServiceError(Code.CONTRACT_DATE_OUTSIDE_TERM, field="due_on")
        order = (contract.milestones.aggregate(n=Max("order"))["n"] or 0) + 1
        milestone = Milestone.objects.create(
            contract=contract, order=order, title=name, due_on=due_on, note=(note or "").strip()
        )
        audit.record(
            actor=actor,
            action=Event.CONTRACT_MILESTONE_UPDATED,
            obj=contract,
            new={"milestone": milestone.pk, "order": order, "title": name, "due_on": due_on},
        )
    return milestone


def milestone_complete(
    *,
    actor: Actor,
    milestone: Milestone,
    done_on: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Milestone:
    """Mark a milestone reached (the purchaser confirms)."""
    with transaction.atomic():
        contract, milestone, day = _dated_row(
            actor,
            milestone,
            done_on,
            now,
            field="done_on",
            message=_("完成日期不能晚于今天"),
            statuses=(ContractStatus.PUBLISHED,),
            done=Code.CONTRACT_MILESTONE_DONE,
        )
        milestone.done_on = day
        if note:
            milestone.note = note.strip()
        milestone.save(update_fields=["done_on", "note"])
        audit.record(
            actor=actor,
            action=Event.CONTRACT_MILESTONE_UPDATED,
            obj=contract,
            old={"milestone": milestone.pk, "done_on": None},
            new={"milestone": milestone.pk, "done_on": day, "late": day > milestone.due_on},
        )
    return milestone


def deliverable_add(
    *, actor: Actor, contract: Contract, name: str, standard: str = "", milestone: Milestone | None = None
) -> Deliverable:
    """Add a deliverable (with its acceptance standard) that acceptance phases will check."""
    require_purchaser(actor, contract)
    label = _text(name, field="name", message=_("请填写交付内容"), limit=200)
    if milestone is not None and milestone.contract_id != contract.pk:
        raise ServiceError(Code.CONTRACT_MILESTONE_OTHER_CONTRACT, field="milestone")
    with transaction.atomic():
        contract = _lock(contract)
        _plan_editable(contract)
        deliverable = Deliverable.objects.create(
            contract=contract, milestone=milestone, name=label, standard=(standard or "").strip()
        )
        audit.record(
            actor=actor,
            action=Event.CONTRACT_MILESTONE_UPDATED,
            obj=contract,
            new={
                "deliverable": deliverable.pk,
                "name": label,
                "milestone": milestone.pk if milestone else None,
            },
        )
    return deliverable


def payment_schedule_add(
    *,
    actor: Actor,
    contract: Contract,
    title: str,
    amount: Decimal | str,
    planned_on: date | None = None,
    after_phase: int | None = None,
) -> Payment:
    """Add an instalment: on a planned date, or after an acceptance phase passes (then, for a small
    supplier, due within 30 days of the acceptance — see `acceptance_record`)."""
    require_purchaser(actor, contract)
    label = _text(title, field="title", message=_("请填写款项名称"), limit=200)
    money = yuan(amount, field="amount")
    if planned_on is None and after_phase is None:
        raise ServiceError(Code.CONTRACT_PAYMENT_WHEN_MISSING, field="planned_on")
    if after_phase is not None and not 1 <= int(after_phase) <= 20:
        raise ServiceError(Code.CONTRACT_PHASE_INVALID, field="after_phase")
    with transaction.atomic():
        contract = _lock(contract)
        _plan_editable(contract)
        scheduled = contract.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        if scheduled + money > contract.amount:
            raise ServiceError(
                Code.CONTRACT_PAYMENTS_OVER_AMOUNT,
                _("支付计划合计 %(total)s 元超过合同金额 %(amount)s 元")
                % {"total": scheduled + money, "amount": contract.amount},
                field="amount",
                params={"total": str(scheduled + money), "amount": str(contract.amount)},
            )
        order = (contract.payments.aggregate(n=Max("order"))["n"] or 0) + 1
        payment = Payment.objects.create(
            contract=contract,
            order=order,
            title=label,
            amount=money,
            planned_on=planned_on,
            after_phase=after_phase,
            due_on=planned_on if after_phase is None else None,
        )
        audit.record(
            actor=actor,
            action=Event.CONTRACT_MILESTONE_UPDATED,
            obj=contract,
            new={
                "payment": payment.pk,
                "order": order,
                "amount": money,
                "planned_on": planned_on,
                "after_phase": after_phase,
            },
        )
    return payment


def payment_record(
    *,
    actor: Actor,
    payment: Payment,
    paid_on: date | None = None,
    paid_amount: Decimal | str | None = None,
    voucher: str = "",
    now: datetime | None = None,
) -> Payment:
    """Record that an instalment was paid (late when after its due date)."""
    with transaction.atomic():
        contract, payment, day = _dated_row(
            actor,
            payment,
            paid_on,
            now,
            field="paid_on",
            message=_("支付日期不能晚于今天"),
            statuses=(ContractStatus.PUBLISHED, ContractStatus.COMPLETED, ContractStatus.TERMINATED),
            done=Code.CONTRACT_PAYMENT_RECORDED,
        )
        money = payment.amount if paid_amount in (None, "") else yuan(paid_amount, field="paid_amount")
        if money > payment.amount:
            raise ServiceError(Code.CONTRACT_PAID_OVER_AMOUNT, field="paid_amount")
        payment.paid_on, payment.paid_amount, payment.voucher = day, money, (voucher or "").strip()[:80]
        payment.save(update_fields=["paid_on", "paid_amount", "voucher"])
        late = payment.due_on is not None and day > payment.due_on
        audit.record(
            actor=actor,
            action=Event.CONTRACT_PAYMENT_RECORDED,
            obj=contract,
            old={"payment": payment.pk, "paid_on": None},
            new={
                "payment": payment.pk,
                "paid_on": day,
                "paid_amount": money,
                "due_on": payment.due_on,
                "late": late,
            },
            reason=payment.due_citation,
        )
    return payment


def post_add(
    *, actor: Actor, contract: Contract, name: str, headcount: int, location: str, duties: str = ""
) -> Post:
    """岗位购买: a post, how many people it needs and where they serve."""
    require_purchaser(actor, contract)
    if contract.kind != ContractKind.POSTS:
        raise Conflict(Code.CONTRACT_NOT_POSTS)
    label = _text(name, field="name", message=_("请填写岗位名称"), limit=120)
    place = _text(location, field="location", message=_("请填写服务地点"), limit=200)
    if not 1 <= int(headcount) <= 10000:
        raise ServiceError(Code.CONTRACT_HEADCOUNT_INVALID, field="headcount")
    with transaction.atomic():
        contract = _lock(contract)
        _plan_editable(contract)
        post = Post.objects.create(
            contract=contract,
            name=label,
            headcount=int(headcount),
            location=place,
            duties=(duties or "").strip(),
        )
        audit.record(
            actor=actor,
            action=Event.CONTRACT_MILESTONE_UPDATED,
            obj=contract,
            new={"post": post.pk, "name": label, "headcount": post.headcount, "location": place},
        )
    return post


def placement_record(
    *,
    actor: Actor,
    post: Post,
    person_name: str,
    starts_on: date,
    qualification: str = "",
    ends_on: date | None = None,
) -> Placement:
    """The supplier (or the purchaser) records who is placed in a post; a post is never over-staffed."""
    contract = post.contract
    if getattr(actor, "role", None) == Role.SUPPLIER:
        require_supplier_member(actor, contract)
    else:
        require_purchaser(actor, contract)
    person = _text(person_name, field="person_name", message=_("请填写姓名"), limit=60)
    if ends_on is not None and ends_on < starts_on:
        raise ServiceError(Code.CONTRACT_PLACEMENT_DATES, field="ends_on")
    with transaction.atomic():
        contract = _lock(contract)
        _require_status(contract, ContractStatus.SIGNED, ContractStatus.PUBLISHED)
        active = Placement.objects.filter(post=post, ends_on__isnull=True).count()
        if ends_on is None and active >= post.headcount:
            raise Conflict(Code.CONTRACT_POST_FULL, field="person_name")
        placement = Placement.objects.create(
            post=post,
            person_name=person,
            qualification=(qualification or "").strip()[:200],
            starts_on=starts_on,
            ends_on=ends_on,
        )
        audit.record(
            actor=actor,
            action=Event.CONTRACT_MILESTONE_UPDATED,
            obj=contract,
            new={"post": post.pk, "placement": placement.pk, "starts_on": starts_on, "ends_on": ends_on},
        )
    return placement
