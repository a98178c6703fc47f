"""Writes of a procurement: create from a plan, announce, clarify, enquiries, sealed bids, opening.

Every service takes ``actor`` and runs in one transaction with its audit event(s), except where
disclosure law forbids an event before the deadline: obtaining the documents, asking an enquiry
and each bid act would reveal who (and how many) take part (RULES.md §12; O87 §28). Those acts
are stored in their own append-only rows (bids with a signed receipt each) and written to the
audit chain by the opening, in the order they happened; the enquiry is audited at once but
without naming the asker.

The bid deadline is judged by the database clock inside the committing transaction
(`clock.db_now`), after the bid rows are written: a bid whose transaction reaches that check at or
after the deadline rolls back, so no bid committed after the deadline is ever stored. Bid
writers hold a shared lock on the procurement row and the opening an exclusive one, so an opening
waits for bids in flight and no bid can slip in beside it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opengps.accounts.models import Role, Unit
from opengps.accounts.permissions import is_authenticated, require_role, require_unit_member
from opengps.core import audit, clock, transparency
from opengps.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from opengps.core.models import AuditChainHead
from opengps.core.money import parse_yuan
from opengps.experts import drawing
from opengps.planning import services as planning_services
from opengps.planning.models import PlanStatus, PurchasePlan
from opengps.procurement import sealing
from opengps.procurement.clock import db_now
from opengps.procurement.models import (
    BidFile,
    BidPart,
    BidReadout,
    BidStatus,
    BidSubmission,
    BidVersion,
    Clarification,
    DocumentObtained,
    Enquiry,
    Invitation,
    InvitationDraw,
    Lot,
    Notification,
    Objection,
    OpeningRecord,
    Procurement,
    ProcurementStatus,
)
from opengps.procurement.uploads import CheckedFile, check_file
from opengps.registry import derived
from opengps.registry.models import Organization, OrgStatus
from opengps.registry.selectors import organization_eligibility
from opengps.rules import framework as framework_rules
from opengps.rules.base import Ruled, RuleError
from opengps.rules.deadlines import (
    documents_available_until,
    enquiry_answer_deadline,
    objection_review_deadline,
    postponed_prequalification_deadline,
    single_source_notice_end,
)
from opengps.rules.deposits import check_bid_deposit
from opengps.rules.methods import decision_for
from opengps.rules.procedures import METHOD_NAMES_ZH, Method, parse_method
from opengps.rules.procurement_flow import (
    NextStep,
    Procedure,
    SupplierSource,
    check_bid_deadline,
    check_prequalification_deadline,
    check_transition,
    opening_outcome,
    postponed_deadline,
    procedure_for,
)

BEIJING = ZoneInfo("Asia/Shanghai")
REFERENCE_PREFIX = "HNZC"
INVITATION_FORMAT = "opengps.procurement.invitation/1"
ACTIVE_STATUSES = (
    ProcurementStatus.DRAFT,
    ProcurementStatus.NOTICE,
    ProcurementStatus.ANNOUNCED,
    ProcurementStatus.OPENED,
)
O87_28 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第二十八条"
O87_33 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第三十三条"
O87_34 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第三十四条"
O87_63 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第六十三条"
O74_40 = "政府采购非招标采购方式管理办法（财政部令第74号）第四十条"
REQUIRED_PARTS = (BidPart.QUALIFICATION, BidPart.TECHNICAL, BidPart.PRICE_SCHEDULE)

PREFERENCES: Mapping[str, Any] = {
    "small_micro": _("小微企业"),
    "prison_enterprise": _("监狱企业"),
    "disability_welfare": _("残疾人福利性单位"),
    "consortium_small_micro": _("联合体或分包中小微企业占比达标"),
    "social_organization": _("社会组织"),
}
"""Preferences a supplier may declare (C46); the evaluation decides whether they apply."""

NEXT_STEP_LABELS: Mapping[str, Any] = {
    NextStep.retender: _("修改采购文件后重新招标（采购）"),
    NextStep.change_method: _("经设区的市级以上财政部门批准后变更采购方式"),
}


# --- helpers ---------------------------------------------------------------------------------------


def _rule_error(exc: RuleError, *, field: str | None = None) -> ServiceError:
    message = (
        exc.message_zh
        if not exc.citation or exc.citation in exc.message_zh
        else (f"{exc.message_zh}（依据：{exc.citation}）")
    )
    return ServiceError(exc.code, message, field=field, params={**exc.params, "citation": exc.citation})


def _now(now: datetime | None) -> datetime:
    moment = now or clock.now()
    if timezone.is_naive(moment):
        raise ServiceError("request.time_naive", _("时间必须带时区"))
    return moment


def local_date(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


def yuan(value: Decimal | str | int, *, field: str) -> Decimal:
    return parse_yuan(value, field=field, code="procurement.amount_invalid")


def _text(value: str, *, field: str, code: str, message: Any, limit: int = 20000) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(code, message, field=field)
    if len(value) > limit:
        raise ServiceError(f"{code.split('.')[0]}.text_too_long", _("内容过长"), field=field)
    return value


def is_official(actor: Any, procurement: Procurement) -> bool:
    """Staff of the purchaser, or of the agency running the procurement."""
    if not is_authenticated(actor):
        return False
    if actor.role == Role.PURCHASER:
        return bool(actor.unit_id == procurement.purchaser_id)
    if actor.role == Role.AGENCY:
        return procurement.agency_id is not None and bool(actor.unit_id == procurement.agency_id)
    return False


def require_official(actor: Any, procurement: Procurement) -> None:
    require_role(actor, Role.PURCHASER, Role.AGENCY)
    if not is_official(actor, procurement):
        raise PermissionDenied("perm.other_unit", _("只有该项目的采购人或采购代理机构可以操作"))


def require_supplier(actor: Any) -> Organization:
    require_role(actor, Role.SUPPLIER)
    if actor.organization_id is None:  # the database constraint makes this unreachable for real users
        raise PermissionDenied("bid.no_organization", _("您的账号未关联社会组织"))
    org: Organization = actor.organization
    return org


def _lock(procurement: Procurement) -> Procurement:
    return Procurement.objects.select_for_update().get(pk=procurement.pk)


def _set_status(
    actor: Any,
    procurement: Procurement,
    target: str,
    action: str,
    *,
    reason: str = "",
    extra: Mapping[str, Any] | None = None,
    update: Sequence[str] = (),
) -> None:
    try:
        check_transition(procurement.status, target)
    except RuleError as exc:
        raise Conflict(
            exc.code,
            _("当前状态（%(status)s）不能执行此操作") % {"status": procurement.get_status_display()},
            field="status",
            params=exc.params,
        ) from None
    old = procurement.status
    procurement.status = target
    procurement.save(update_fields=["status", *update])
    audit.record(
        actor=actor,
        action=action,
        obj=procurement,
        old={"status": old},
        new={"status": target, **(extra or {})},
        reason=reason,
    )


def _require_status(procurement: Procurement, *statuses: str) -> None:
    if procurement.status not in statuses:
        raise Conflict(
            "procurement.wrong_status",
            _("当前状态（%(status)s）不能执行此操作") % {"status": procurement.get_status_display()},
            field="status",
            params={"status": procurement.status, "allowed": list(statuses)},
        )


def _procedure(procurement: Procurement) -> Procedure:
    try:
        return procedure_for(procurement.method)
    except RuleError as exc:  # pragma: no cover — the method column only holds supported methods
        raise _rule_error(exc, field="method") from None


def deadline_passed(procurement: Procurement, now: datetime | None = None) -> bool:
    """Whether the bid deadline has passed (by the application clock; reads only)."""
    return procurement.bid_deadline is not None and _now(now) >= procurement.bid_deadline


# --- create from a plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LotInput:
    """A lot as entered: title, budget (yuan) and description."""

    title: str
    budget: Decimal | str
    description: str = ""


def _clean_lots(lots: Sequence[LotInput], ceiling: Decimal) -> list[tuple[str, Decimal, str]]:
    if not lots:
        raise ServiceError("procurement.lots_required", _("至少需要一个采购包"), field="lots")
    cleaned = [
        (
            _text(
                lot.title,
                field="lots",
                code="procurement.lot_title_required",
                message=_("请填写采购包名称"),
                limit=200,
            ),
            yuan(lot.budget, field="lots"),
            (lot.description or "").strip(),
        )
        for lot in lots
    ]
    total = sum((budget for _t, budget, _d in cleaned), Decimal("0"))
    if total > ceiling:
        raise ServiceError(
            "procurement.lots_over_budget",
            _("各包预算合计 %(total)s 元超过采购预算 %(ceiling)s 元") % {"total": total, "ceiling": ceiling},
            field="lots",
            params={"total": str(total), "ceiling": str(ceiling)},
        )
    return cleaned


def _create(
    *,
    actor: Any,
    plan: PurchasePlan,
    method: Method,
    title: str,
    lots: Sequence[LotInput],
    agency: Unit | None,
    documents: str,
    previous: Procurement | None,
    single_source_supplier: Organization | None,
    single_source_reason: str,
) -> Procurement:
    try:
        procedure_for(method)
    except RuleError as exc:
        raise _rule_error(exc, field="method") from None
    if agency is not None and agency.kind != Unit.Kind.AGENCY:
        raise ServiceError("procurement.agency_invalid", _("所选单位不是采购代理机构"), field="agency")
    cleaned = _clean_lots(lots, plan.amount)
    procurement = Procurement.objects.create(
        reference=f"tmp-{clock.now().timestamp()}-{plan.pk}",
        plan=plan,
        purchaser=plan.unit,
        agency=agency,
        title=(title or plan.title).strip()[:200],
        method=method.value,
        budget=sum((budget for _t, budget, _d in cleaned), Decimal("0")),
        purchase_of_services=bool(plan.method_facts.get("purchase_of_services", True)),
        documents=(documents or plan.requirements or "").strip(),
        previous=previous,
        single_source_supplier=single_source_supplier,
        single_source_reason=single_source_reason.strip(),
        created_by=actor,
    )
    procurement.reference = (
        f"{REFERENCE_PREFIX}-{procurement.created_at.astimezone(BEIJING):%Y}-{procurement.pk:06d}"
    )
    procurement.save(update_fields=["reference"])
    Lot.objects.bulk_create(
        [
            Lot(procurement=procurement, number=i, title=t, budget=b, description=d)
            for i, (t, b, d) in enumerate(cleaned, start=1)
        ]
    )
    audit.record(
        actor=actor,
        action="procurement.created",
        obj=procurement,
        new={
            "reference": procurement.reference,
            "plan": plan,
            "method": method.value,
            "budget": procurement.budget,
            "lots": [(t, b) for t, b, _d in cleaned],
            "agency": agency.name if agency else "",
            "previous": previous.reference if previous else "",
            "single_source_supplier": single_source_supplier.uscc if single_source_supplier else "",
        },
    )
    return procurement


def procurement_create(
    *,
    actor: Any,
    plan: PurchasePlan,
    title: str = "",
    lots: Sequence[LotInput] | None = None,
    agency: Unit | None = None,
    documents: str = "",
    single_source_supplier: Organization | None = None,
    single_source_reason: str = "",
) -> Procurement:
    """Create a procurement (draft) from a plan whose intention has run its period.

    Starts the plan's procurement with `planning.services.plan_start_procurement` (which checks
    the intention period and the purchaser) unless it was already started and has no active
    procurement. The method is the plan's; lots default to one lot of the plan's amount.
    """
    require_role(actor, Role.PURCHASER)
    method = parse_method(plan.method)
    if method is Method.single_source and single_source_supplier is None:
        raise ServiceError(
            "procurement.single_source_supplier_required",
            _("单一来源采购须指定供应商"),
            field="single_source_supplier",
        )
    with transaction.atomic():
        plan = PurchasePlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status == PlanStatus.INTENTION_PUBLISHED:
            plan = planning_services.plan_start_procurement(actor=actor, plan=plan)
        elif plan.status == PlanStatus.IN_PROCUREMENT:
            require_unit_member(actor, plan.unit)
            if Procurement.objects.filter(plan=plan, status__in=ACTIVE_STATUSES).exists():
                raise Conflict(
                    "procurement.plan_has_procurement", _("该计划已有进行中的采购项目"), field="plan"
                )
        else:
            raise Conflict(
                "procurement.plan_not_ready",
                _("采购计划当前状态（%(status)s）不能开始采购；须先公开采购意向")
                % {"status": plan.get_status_display()},
                field="plan",
            )
        return _create(
            actor=actor,
            plan=plan,
            method=method,
            title=title,
            lots=lots or [LotInput(plan.title, plan.amount)],
            agency=agency,
            documents=documents,
            previous=None,
            single_source_supplier=single_source_supplier,
            single_source_reason=single_source_reason,
        )


def procurement_update_documents(*, actor: Any, procurement: Procurement, documents: str) -> Procurement:
    """Edit the documents while the procurement is a draft."""
    require_official(actor, procurement)
    with transaction.atomic():
        procurement = _lock(procurement)
        _require_status(procurement, ProcurementStatus.DRAFT)
        text = documents.strip()
        if text == procurement.documents:
            return procurement
        old = len(procurement.documents)
        procurement.documents = text
        procurement.save(update_fields=["documents"])
        audit.record(
            actor=actor,
            action="procurement.documents_changed",
            obj=procurement,
            old={"length": old},
            new={"length": len(text)},
        )
    return procurement


# --- framework agreements: the terms the solicitation documents state --------------------------------


FRAMEWORK_STAGE_LABELS = {
    "price_first": _("价格优先法"),
    "quality_first": _("质量优先法"),
    "direct": _("直接选定"),
    "rebid": _("二次竞价"),
    "rotation": _("顺序轮候"),
}
"""Labels of the first-stage methods (O110 §25) and second-stage methods (O110 §32)."""


def framework_terms(procurement: Procurement) -> dict[str, Any]:
    """The framework terms in force for `procurement`: the stored ones over the defaults (O110 §23)."""
    terms: dict[str, Any] = {
        "first_stage": framework_rules.FirstStageMethod.price_first.value,
        "second_stage": framework_rules.SecondStage.direct.value,
        "elimination_rate": "1/5",
        "max_members": None,
        "quality_instruments": False,
    }
    terms.update(procurement.framework_terms or {})
    return terms


def framework_terms_set(
    *,
    actor: Any,
    procurement: Procurement,
    first_stage: str = "price_first",
    second_stage: str = "direct",
    elimination_rate: str = "1/5",
    max_members: int | None = None,
    government_priced: bool = False,
    quality_instruments: bool = False,
) -> Procurement:
    """State the framework terms in the draft documents (O110 §23(8)(11)): checked by the rules.

    The first-stage method must be allowed (O110 §25), the elimination rate not below the
    minimum (O110 §27, checked on a sample of responses), the second stage one of O110 §32.
    """
    require_official(actor, procurement)
    if procurement.method != Method.framework_agreement:
        raise ServiceError(
            "procurement.not_framework", _("只有框架协议采购才约定入围和第二阶段规则"), field="method"
        )
    try:
        stage1 = framework_rules.FirstStageMethod(first_stage)
    except ValueError:
        raise ServiceError(
            "procurement.framework_first_stage_invalid", _("入围评审方法无效"), field="first_stage"
        ) from None
    try:
        stage2 = framework_rules.SecondStage(second_stage)
    except ValueError:
        raise ServiceError(
            "procurement.framework_second_stage_invalid", _("第二阶段成交方式无效"), field="second_stage"
        ) from None
    allowed = framework_rules.first_stage_method(
        government_priced=government_priced, quality_instruments=quality_instruments
    )
    if stage1 not in allowed.value:
        raise ServiceError(
            "procurement.framework_quality_first_not_allowed",
            _(
                "除政府定价、政府指导价项目和对质量有特别要求的检测、实验仪器外，应采用价格优先法（%(citation)s）"
            )
            % {"citation": allowed.citation},
            field="first_stage",
        )
    try:
        rate = Fraction(str(elimination_rate).strip())
    except (ValueError, ZeroDivisionError):
        raise ServiceError(
            "procurement.framework_rate_invalid", _("淘汰比例格式无效"), field="elimination_rate"
        ) from None
    sample = [framework_rules.FirstStageBid(str(n), Decimal(n), Decimal(n)) for n in range(1, 6)]
    try:
        framework_rules.shortlist(
            sample,
            submitted=len(sample),
            on_date=local_date(clock.now()),
            method=stage1,
            elimination_rate=rate,
            max_members=max_members,
            quality_instruments=quality_instruments,
        )
    except RuleError as exc:
        raise _rule_error(exc, field="elimination_rate") from None
    terms = {
        "first_stage": stage1.value,
        "second_stage": stage2.value,
        "elimination_rate": str(rate),
        "max_members": max_members,
        "quality_instruments": quality_instruments,
    }
    with transaction.atomic():
        procurement = _lock(procurement)
        _require_status(procurement, ProcurementStatus.DRAFT)
        old = dict(procurement.framework_terms or {})
        procurement.framework_terms = terms
        procurement.save(update_fields=["framework_terms"])
        audit.record(
            actor=actor,
            action="procurement.framework_terms_set",
            obj=procurement,
            old=old,
            new=terms,
            reason="政府采购框架协议采购方式管理暂行办法（财政部令第110号）第二十三条",
        )
    return procurement


# --- invited tender: the random draw ---------------------------------------------------------------


def invitation_inputs(*, procurement_ref: str, drawn_at: datetime, audit_chain_head: str) -> dict[str, str]:
    """The public inputs of an invitation draw, exactly as hashed into its seed."""
    return {
        "format": INVITATION_FORMAT,
        "procurement_ref": procurement_ref,
        "drawn_at": drawing.utc_text(drawn_at),
        "audit_chain_head": audit_chain_head,
    }


def procurement_invite_draw(
    *,
    actor: Any,
    procurement: Procurement,
    count: int = 3,
    region: str = "",
    keyword: str = "",
    drawn_at: datetime | None = None,
) -> InvitationDraw:
    """Draw `count` (≥ 3) suppliers at random from the qualified organizations (O87 §14).

    The pool is every registered organization eligible on the draw date (optionally within a
    region code prefix and with `keyword` in its business scope); the order is
    `experts.drawing.draw_order` over a seed from public inputs (the reference, the draw time, the
    audit chain head), so anyone can replay it (`invitation_draw_replay`).
    `drawn_at` is for tests only: screens and the API never pass it.
    """
    require_official(actor, procurement)
    procedure = _procedure(procurement)
    if procedure.supplier_source != SupplierSource.invited:
        raise Conflict("procurement.not_invited_method", _("只有邀请招标需要抽取供应商"), field="method")
    if count < procedure.min_invited:
        raise ServiceError(
            "procurement.too_few_invited",
            _("邀请招标应当随机抽取不少于 %(min)d 家供应商（依据：%(citation)s）")
            % {
                "min": procedure.min_invited,
                "citation": "政府采购货物和服务招标投标管理办法（财政部令第87号）第十四条",
            },
            field="count",
        )
    moment = _now(drawn_at)
    on_date = local_date(moment)
    with transaction.atomic():
        procurement = _lock(procurement)
        _require_status(procurement, ProcurementStatus.DRAFT)
        if InvitationDraw.objects.filter(procurement=procurement).exists():
            raise Conflict("procurement.already_drawn", _("已抽取过邀请供应商"), field="count")
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        inputs = invitation_inputs(
            procurement_ref=procurement.reference, drawn_at=moment, audit_chain_head=head.last_hash
        )
        seed = drawing.seed_for(inputs)
        candidates = Organization.objects.filter(status=OrgStatus.NORMAL)
        if region.strip():
            candidates = candidates.filter(region_id__startswith=region.strip().rstrip("0") or region.strip())
        if keyword.strip():
            candidates = candidates.filter(business_scope__contains=keyword.strip())
        ids = list(candidates.values_list("pk", flat=True))
        pool: list[int] = []
        for org in Organization.objects.filter(pk__in=ids).order_by("pk"):
            if organization_eligibility(org, on_date).eligible:
                pool.append(org.pk)
        if len(pool) < count:
            raise ServiceError(
                "procurement.not_enough_suppliers",
                _("符合条件的供应商只有 %(available)d 家，需要 %(count)d 家")
                % {"available": len(pool), "count": count},
                field="count",
                params={"available": len(pool), "count": count},
            )
        selected = drawing.draw_first(seed, pool, count)
        draw = InvitationDraw.objects.create(
            procurement=procurement,
            drawn_at=moment,
            inputs=inputs,
            seed=seed,
            pool=pool,
            criteria={"region": region.strip(), "keyword": keyword.strip()},
            count=count,
            drawn_by=actor,
        )
        Invitation.objects.bulk_create(
            [
                Invitation(procurement=procurement, organization_id=org_id, order=i)
                for i, org_id in enumerate(selected, 1)
            ]
        )
        audit.record(
            actor=actor,
            action="procurement.suppliers_drawn",
            obj=procurement,
            new={"inputs": inputs, "seed": seed, "pool": pool, "selected": selected, "count": count},
        )
    return draw


def invitation_draw_replay(draw: InvitationDraw) -> list[int]:
    """Recompute the invited organizations from the draw's recorded inputs and pool."""
    seed = drawing.seed_for(dict(draw.inputs))
    return drawing.draw_first(seed, list(draw.pool), draw.count)


# --- announcement, single-source notice ------------------------------------------------------------


def _aware(value: datetime, field: str) -> datetime:
    if timezone.is_naive(value):
        raise ServiceError("request.time_naive", _("时间必须带时区"), field=field)
    return value


def _documents_period(
    procurement: Procurement, today: date, deadline_day: date, chosen: date | None
) -> tuple[date, str]:
    """The last day documents are provided, and the article: lawful minimum ≤ it ≤ the deadline."""
    try:
        lawful = documents_available_until(procurement.method, today)
    except RuleError as exc:
        if exc.code != "deadline.not_applicable":  # pragma: no cover — calendar covers the years in use
            raise _rule_error(exc, field="documents_until") from None
        return (chosen or deadline_day), exc.citation
    if deadline_day < lawful.value:
        raise ServiceError(
            "procurement.deadline_too_early",
            _("采购文件提供期限至少至 %(end)s，截止时间不得早于该日（依据：%(citation)s）")
            % {"end": lawful.value, "citation": lawful.citation},
            field="bid_deadline",
            params={"earliest": lawful.value.isoformat(), "citation": lawful.citation},
        )
    until = chosen or deadline_day
    if until < lawful.value:
        raise ServiceError(
            "procurement.documents_period_too_short",
            _("采购文件提供期限不得少于法定期限，最早可至 %(end)s（依据：%(citation)s）")
            % {"end": lawful.value, "citation": lawful.citation},
            field="documents_until",
            params={"earliest": lawful.value.isoformat(), "citation": lawful.citation},
        )
    if until > deadline_day:
        raise ServiceError(
            "procurement.documents_after_deadline",
            _("采购文件提供期限不能晚于投标截止日期"),
            field="documents_until",
        )
    return until, lawful.citation


def procurement_announce(
    *,
    actor: Any,
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
    moment = _now(now)
    deadline = _aware(bid_deadline, "bid_deadline")
    today = local_date(moment)
    procedure = _procedure(procurement)
    if deadline <= moment:
        raise ServiceError("procurement.deadline_past", _("截止时间必须晚于当前时间"), field="bid_deadline")
    deposit = None
    if bid_deposit not in (None, ""):
        deposit = yuan(bid_deposit, field="bid_deposit")  # type: ignore[arg-type]
        try:
            check_bid_deposit(deposit, procurement.budget, on_date=today)
        except RuleError as exc:
            raise _rule_error(exc, field="bid_deposit") from None
    with transaction.atomic():
        procurement = _lock(procurement)
        _require_status(procurement, ProcurementStatus.DRAFT)
        if not Lot.objects.filter(procurement=procurement).exists():  # pragma: no cover — created with lots
            raise ServiceError("procurement.lots_required", _("至少需要一个采购包"), field="lots")
        if not procurement.documents.strip():
            raise ServiceError("procurement.documents_required", _("请填写采购文件内容"), field="documents")
        if procedure.supplier_source == SupplierSource.invited:
            invited = Invitation.objects.filter(procurement=procurement).count()
            if invited < procedure.min_invited:
                raise Conflict(
                    "procurement.invitations_missing",
                    _("请先随机抽取不少于 %(min)d 家供应商") % {"min": procedure.min_invited},
                    field="count",
                )
        notice_end: date | None = None
        if procedure.public_notice_first and procurement.single_source_supplier_id is None:
            raise ServiceError(
                "procurement.single_source_supplier_required",
                _("单一来源采购须指定供应商"),
                field="single_source_supplier",
            )
        if procedure.public_notice_first:
            try:
                ruled = single_source_notice_end(today)
            except RuleError as exc:  # pragma: no cover — the shipped calendar covers the years in use
                raise _rule_error(exc) from None
            notice_end = ruled.value
            earliest, citation = notice_end, ruled.citation
            if local_date(deadline) <= notice_end:
                raise ServiceError(
                    "procurement.deadline_too_early",
                    _("单一来源公示期至 %(end)s 结束，响应截止时间须在其后（依据：%(citation)s）")
                    % {"end": notice_end, "citation": citation},
                    field="bid_deadline",
                    params={"earliest": notice_end.isoformat(), "citation": citation},
                )
        else:
            try:
                ruled = check_bid_deadline(procurement.method, today, local_date(deadline))
            except RuleError as exc:
                raise _rule_error(exc, field="bid_deadline") from None
            earliest, citation = ruled.value, ruled.citation
        provided_until, provided_citation = _documents_period(
            procurement, today, local_date(deadline), documents_until
        )
        procurement.wrapped_key = sealing.procurement_key_create(procurement.reference).to_text()
        procurement.issued_on = today
        procurement.documents_until = provided_until
        procurement.documents_citation = provided_citation[:300]
        procurement.bid_deadline = deadline
        procurement.earliest_deadline = earliest
        procurement.deadline_citation = citation[:300]
        procurement.opening_place = opening_place.strip()[:200]
        procurement.bid_deposit = deposit
        procurement.announced_at = moment
        fields = [
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
        ]
        extra = {
            "bid_deadline": deadline,
            "issued_on": today,
            "documents_until": provided_until,
            "earliest": earliest,
            "citation": citation,
            "deposit": deposit,
        }
        if notice_end is not None:
            procurement.notice_published_on, procurement.notice_ends_on = today, notice_end
            _set_status(
                actor,
                procurement,
                ProcurementStatus.NOTICE,
                "procurement.notice_published",
                extra={**extra, "notice_ends_on": notice_end, "supplier": procurement.single_source_supplier},
                update=[*fields, "notice_published_on", "notice_ends_on"],
            )
        else:
            _set_status(
                actor,
                procurement,
                ProcurementStatus.ANNOUNCED,
                "procurement.announced",
                extra=extra,
                update=fields,
            )
    return procurement


def procurement_prequalification_announce(
    *, actor: Any, procurement: Procurement, application_deadline: datetime, now: datetime | None = None
) -> Ruled[date]:
    """Announce a prequalification (资格预审公告) of a tender: applications may be submitted for at
    least 5 working days from the announcement (实施条例 第二十一条；87号令 第十六条).

    A shorter period is refused with the earliest lawful date; the announcement is recorded in the
    audit chain with its deadline and citation.
    """
    require_official(actor, procurement)
    moment = _now(now)
    deadline = _aware(application_deadline, "application_deadline")
    with transaction.atomic():
        procurement = _lock(procurement)
        _require_status(procurement, ProcurementStatus.DRAFT)
        if procurement.method not in {Method.open_tender, Method.invited_tender}:
            raise ServiceError(
                "procurement.prequalification_not_tender",
                _("资格预审仅适用于公开招标和邀请招标"),
                field="application_deadline",
            )
        try:
            earliest = check_prequalification_deadline(local_date(moment), local_date(deadline))
        except RuleError as exc:
            raise _rule_error(exc, field="application_deadline") from None
        procurement.prequalification_announced_on = local_date(moment)
        procurement.prequalification_deadline = deadline
        procurement.save(update_fields=["prequalification_announced_on", "prequalification_deadline"])
        audit.record(
            actor=actor,
            action="procurement.prequalification_announced",
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
    *, actor: Any, procurement: Procurement, text: str, now: datetime | None = None
) -> datetime:
    """Clarify or amend the prequalification documents (资格预审文件的澄清或者修改).

    At least 3 days before the application deadline, or the deadline is postponed (87号令
    第二十七条第三款): the new deadline (same time of day) is counted forward from the clarification
    day by `postponed_prequalification_deadline`. Returns the deadline in force afterwards; the
    clarification and any postponement are audited with the article.
    """
    require_official(actor, procurement)
    text = _text(
        text, field="text", code="procurement.clarification_text_required", message=_("请填写澄清或修改内容")
    )
    moment = _now(now)
    today = local_date(moment)
    with transaction.atomic():
        procurement = _lock(procurement)
        _require_status(procurement, ProcurementStatus.DRAFT)
        before = procurement.prequalification_deadline
        if before is None:
            raise Conflict(
                "procurement.prequalification_missing", _("本项目未发布资格预审公告"), field="text"
            )
        if moment >= before:
            raise Conflict(
                "procurement.prequalification_closed",
                _("资格预审申请截止时间已过，不能再澄清或修改资格预审文件"),
                field="text",
            )
        try:
            postponed = postponed_prequalification_deadline(today, local_date(before))
        except RuleError as exc:  # pragma: no cover — the period has been in force throughout
            raise _rule_error(exc) from None
        after, citation = before, ""
        if postponed is not None:
            local = before.astimezone(BEIJING)
            after = datetime.combine(
                postponed.value, time(local.hour, local.minute, local.second), tzinfo=BEIJING
            )
            citation = postponed.citation
            procurement.prequalification_deadline = after
            procurement.save(update_fields=["prequalification_deadline"])
        audit.record(
            actor=actor,
            action="procurement.prequalification_clarified",
            obj=procurement,
            old={"application_deadline": before},
            new={"application_deadline": after, "text": text, "postponed": postponed is not None},
            reason=citation,
        )
    return after


def objection_raise(
    *, actor: Any, procurement: Procurement, text: str, now: datetime | None = None
) -> Objection:
    """Object to a single-source notice while it runs; reviewed ≤5 working days after it ends (O74 §40)."""
    if not is_authenticated(actor):
        raise PermissionDenied("auth.required", _("请先登录"))
    text = _text(text, field="text", code="procurement.objection_text_required", message=_("请填写异议内容"))
    today = local_date(_now(now))
    with transaction.atomic():
        procurement = _lock(procurement)
        _require_status(procurement, ProcurementStatus.NOTICE)
        assert procurement.notice_ends_on is not None
        if today > procurement.notice_ends_on:
            raise Conflict("procurement.notice_ended", _("公示期已结束，不能再提出异议"), field="text")
        try:
            due = objection_review_deadline(procurement.notice_ends_on)
        except RuleError as exc:  # pragma: no cover — the shipped calendar covers the years in use
            raise _rule_error(exc) from None
        objection = Objection.objects.create(
            procurement=procurement,
            raised_by=actor,
            text=text,
            received_on=today,
            review_due=due.value,
            review_citation=due.citation[:300],
        )
        audit.record(
            actor=actor,
            action="procurement.objection_raised",
            obj=procurement,
            new={"objection": objection.pk, "review_due": objection.review_due, "citation": due.citation},
        )
    return objection


def objection_decide(
    *, actor: Any, objection: Objection, uphold: bool, text: str, now: datetime | None = None
) -> Objection:
    """Decide an objection; upheld → the single-source procurement fails (another method follows)."""
    procurement = objection.procurement
    require_official(actor, procurement)
    text = _text(text, field="text", code="procurement.reason_required", message=_("请填写处理意见"))
    with transaction.atomic():
        procurement = _lock(procurement)
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.decision != Objection.Decision.PENDING:
            raise Conflict("procurement.objection_decided", _("该异议已处理"))
        objection.decision = Objection.Decision.UPHELD if uphold else Objection.Decision.REJECTED
        objection.decision_text = text
        objection.decided_at = _now(now)
        objection.save(update_fields=["decision", "decision_text", "decided_at"])
        late = local_date(objection.decided_at) > objection.review_due
        audit.record(
            actor=actor,
            action="procurement.objection_decided",
            obj=procurement,
            new={
                "objection": objection.pk,
                "decision": objection.decision,
                "review_due": objection.review_due,
                "late": late,
            },
            reason=text,
        )
        if uphold:
            procurement.outcome_reason = text
            procurement.next_steps = [NextStep.change_method.value]
            _set_status(
                actor,
                procurement,
                ProcurementStatus.FAILED,
                "procurement.failed",
                reason=text,
                extra={"cause": "objection_upheld", "next_steps": procurement.next_steps},
                update=["outcome_reason", "next_steps"],
            )
    return objection


def procurement_notice_close(
    *, actor: Any, procurement: Procurement, now: datetime | None = None
) -> Procurement:
    """End the single-source notice after its last day, with every objection decided."""
    require_official(actor, procurement)
    today = local_date(_now(now))
    with transaction.atomic():
        procurement = _lock(procurement)
        _require_status(procurement, ProcurementStatus.NOTICE)
        assert procurement.notice_ends_on is not None
        if today <= procurement.notice_ends_on:
            raise Conflict(
                "procurement.notice_running",
                _("公示期至 %(end)s 结束（依据：%(citation)s）")
                % {"end": procurement.notice_ends_on, "citation": procurement.deadline_citation},
            )
        if Objection.objects.filter(procurement=procurement, decision=Objection.Decision.PENDING).exists():
            raise Conflict("procurement.objections_pending", _("尚有未处理的异议"))
        _set_status(
            actor, procurement, ProcurementStatus.ANNOUNCED, "procurement.notice_closed", extra={"on": today}
        )
    return procurement


# --- clarifications, enquiries, documents -----------------------------------------------------------


def procurement_clarify(
    *,
    actor: Any,
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
        raise ServiceError("procurement.clarification_kind", _("类型无效"), field="kind")
    text = _text(
        text, field="text", code="procurement.clarification_text_required", message=_("请填写澄清或修改内容")
    )
    moment = _now(now)
    today = local_date(moment)
    with transaction.atomic():
        procurement = _lock(procurement)
        _require_status(procurement, ProcurementStatus.ANNOUNCED, ProcurementStatus.NOTICE)
        before = procurement.bid_deadline
        assert before is not None
        if moment >= before:
            raise Conflict("procurement.deadline_passed", _("投标截止时间已过，不能再澄清或修改"))
        try:
            postponed = (
                postponed_deadline(procurement.method, today, local_date(before)) if affects_bids else None
            )
        except RuleError as exc:  # pragma: no cover — periods exist for every supported method
            raise _rule_error(exc) from None
        target, citation = before, ""
        if postponed is not None:
            local = before.astimezone(BEIJING)
            target = datetime.combine(
                postponed.value, time(local.hour, local.minute, local.second), tzinfo=BEIJING
            )
            citation = postponed.citation
        if new_deadline is not None:
            chosen = _aware(new_deadline, "new_deadline")
            if chosen < target:
                raise ServiceError(
                    "procurement.deadline_too_early",
                    _("截止时间不得早于 %(earliest)s（依据：%(citation)s）")
                    % {
                        "earliest": target.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
                        "citation": citation or O87_28,
                    },
                    field="new_deadline",
                    params={"earliest": target.isoformat(), "citation": citation},
                )
            target = chosen
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
            action=f"procurement.{kind}_published",
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
                action="procurement.deadline_postponed",
                obj=procurement,
                old={"bid_deadline": before},
                new={"bid_deadline": target, "citation": citation},
                reason=str(reason),
            )
    return clarification


def _supplier_may_take_part(
    org_id: int, procurement: Procurement, procedure: Procedure, *, invited: bool | None = None
) -> None:
    """Refuse a supplier the procedure does not admit; `invited` spares the query when already read."""
    if procedure.supplier_source == SupplierSource.invited:
        if invited is None:
            invited = Invitation.objects.filter(procurement=procurement, organization_id=org_id).exists()
        if not invited:
            raise PermissionDenied("procurement.not_invited", _("本项目为邀请招标，贵单位未被邀请"))
    if procedure.supplier_source == SupplierSource.named and procurement.single_source_supplier_id != org_id:
        raise PermissionDenied(
            "procurement.not_named_supplier", _("本项目为单一来源采购，只接受公示的供应商响应")
        )


def _require_eligible(org: Organization, on_date: date) -> None:
    if on_date == clock.today():
        cache = Organization.objects.filter(pk=org.pk).values_list("eligible", "derived_until").first()
        if cache is not None and derived.says_eligible(cache[0], cache[1], on_date):
            return
    result = organization_eligibility(org, on_date)
    if result.eligible:
        return
    blocking = [r for r in result.reasons if r.severity == "block"] or list(result.reasons)
    raise PermissionDenied(
        "bid.supplier_ineligible",
        _("贵单位 %(date)s 不具备承接资格：%(reasons)s")
        % {"date": on_date, "reasons": "；".join(f"{r.message_zh}（依据：{r.citation}）" for r in blocking)},
        params={
            "reasons": [{"code": r.code, "message": r.message_zh, "citation": r.citation} for r in blocking]
        },
    )


def documents_obtain(
    *, actor: Any, procurement: Procurement, now: datetime | None = None
) -> DocumentObtained:
    """A supplier member obtains the documents; recorded in the register nobody sees before the deadline."""
    org = require_supplier(actor)
    moment = _now(now)
    procurement = Procurement.objects.get(pk=procurement.pk)
    procedure = _procedure(procurement)
    _require_status(procurement, ProcurementStatus.ANNOUNCED)
    if deadline_passed(procurement, moment):
        raise Conflict("bid.deadline_passed", _("投标截止时间已过"))
    _supplier_may_take_part(org.pk, procurement, procedure)
    existing = DocumentObtained.objects.filter(procurement=procurement, organization=org).first()
    if existing is None and procurement.documents_until and local_date(moment) > procurement.documents_until:
        raise Conflict(
            "procurement.documents_period_over",
            _("采购文件提供期限已于 %(end)s 届满") % {"end": procurement.documents_until},
        )
    _require_eligible(org, local_date(moment))
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return DocumentObtained.objects.create(
                procurement=procurement, organization=org, obtained_by=actor, obtained_at=moment
            )
    except IntegrityError:  # obtained by a colleague at the same moment
        return DocumentObtained.objects.get(procurement=procurement, organization=org)


def enquiry_ask(
    *, actor: Any, procurement: Procurement, question: str, now: datetime | None = None
) -> Enquiry:
    """A supplier member asks (询问); the answer is due within 3 working days (IR §52)."""
    org = require_supplier(actor)
    question = _text(
        question,
        field="question",
        code="procurement.question_required",
        message=_("请填写询问事项"),
        limit=5000,
    )
    moment = _now(now)
    today = local_date(moment)
    procurement = Procurement.objects.get(pk=procurement.pk)
    _require_status(
        procurement, ProcurementStatus.NOTICE, ProcurementStatus.ANNOUNCED, ProcurementStatus.OPENED
    )
    try:
        due = enquiry_answer_deadline(today)
    except RuleError as exc:  # pragma: no cover — the shipped calendar covers the years in use
        raise _rule_error(exc) from None
    with transaction.atomic():
        enquiry = Enquiry.objects.create(
            procurement=procurement,
            asked_by=actor,
            organization=org,
            question=question,
            received_on=today,
            received_at=moment,
            answer_due=due.value,
            citation=due.citation[:300],
        )
        # Who asked is not disclosed before the deadline (it reveals a likely bidder): the event
        # names no actor; the enquiry row keeps the asker for the answer.
        audit.record(
            actor=None,
            action="procurement.enquiry_received",
            obj=procurement,
            new={"enquiry": enquiry.pk, "answer_due": due.value, "citation": due.citation},
            reason=f"询问人身份在投标截止前不公开（{O87_28}）",
        )
    return enquiry


def enquiry_answer(*, actor: Any, enquiry: Enquiry, answer: str, now: datetime | None = None) -> Enquiry:
    """Answer an enquiry; the asker is notified."""
    require_official(actor, enquiry.procurement)
    answer = _text(
        answer, field="answer", code="procurement.answer_required", message=_("请填写答复"), limit=10000
    )
    moment = _now(now)
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().select_related("procurement").get(pk=enquiry.pk)
        if enquiry.answered_at is not None:
            raise Conflict("procurement.enquiry_answered", _("该询问已答复"))
        enquiry.answer, enquiry.answered_at, enquiry.answered_by = answer, moment, actor
        enquiry.save(update_fields=["answer", "answered_at", "answered_by"])
        late = local_date(moment) > enquiry.answer_due
        audit.record(
            actor=actor,
            action="procurement.enquiry_answered",
            obj=enquiry.procurement,
            new={
                "enquiry": enquiry.pk,
                "answered_on": local_date(moment),
                "due": enquiry.answer_due,
                "late": late,
            },
        )
        Notification.objects.create(
            recipient_id=enquiry.asked_by_id,
            procurement=enquiry.procurement,
            kind="enquiry_answered",
            title=str(_("您的询问已答复：%(ref)s") % {"ref": enquiry.procurement.reference}),
            body=answer,
        )
    return enquiry


# --- bids -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BidFileInput:
    """One uploaded file of a bid: which part, its name and bytes."""

    part: str
    name: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class BidAck:
    """What a supplier gets back for a submission, modification or withdrawal."""

    submission: BidSubmission
    version: BidVersion
    receipt: sealing.Receipt


def _part_aad(base: bytes, part: str) -> bytes:
    return base + b"\x00" + part.encode("ascii")


def _check_files(files: Sequence[BidFileInput]) -> list[tuple[str, CheckedFile]]:
    checked: list[tuple[str, CheckedFile]] = []
    for item in files:
        if item.part not in BidPart.values:
            raise ServiceError("bid.part_invalid", _("文件类别无效"), field="files")
        checked.append((item.part, check_file(item.name, item.content)))
    missing = [BidPart(p).label for p in REQUIRED_PARTS if p not in {part for part, _f in checked}]
    if missing:
        raise ServiceError(
            "bid.parts_missing",
            _("缺少：%(parts)s") % {"parts": "、".join(str(m) for m in missing)},
            field="files",
            params={"missing": [str(p) for p in REQUIRED_PARTS if p not in {part for part, _f in checked}]},
        )
    return checked


def device_fingerprint(user_agent: str, device_id: str = "") -> str:
    """The device fingerprint of a bid act: hex SHA-256 of the user agent and the client's device id.

    Empty when the client sent neither. Only the digest is kept, never the raw strings.
    """
    user_agent, device_id = (user_agent or "").strip(), (device_id or "").strip()
    if not user_agent and not device_id:
        return ""
    return hashlib.sha256(f"{user_agent}\n{device_id}".encode()).hexdigest()


def _clean_source(source_ip: str | None, source_device: str) -> tuple[str | None, str]:
    """A well-formed address (else None: an unknown source is recorded as unknown) and digest."""
    address: str | None = (source_ip or "").strip() or None
    if address is not None:
        try:
            validate_ipv46_address(address)
        except ValidationError:
            address = None
    device = (source_device or "").strip().lower()
    if len(device) != 64 or any(c not in "0123456789abcdef" for c in device):
        device = ""
    return address, device


def _clean_contact(name: str, phone: str) -> dict[str, str]:
    name, phone = (name or "").strip(), (phone or "").strip()
    if len(name) > 60:
        raise ServiceError("bid.contact_invalid", _("联系人姓名过长"), field="contact_name")
    if len(phone) > 30 or any(c not in "0123456789+-() " for c in phone):
        raise ServiceError("bid.contact_invalid", _("联系电话格式无效"), field="contact_phone")
    return {"name": name, "phone": phone}


def _clean_preferences(preferences: Iterable[str]) -> list[str]:
    chosen = sorted({p for p in preferences if p})
    unknown = [p for p in chosen if p not in PREFERENCES]
    if unknown:
        raise ServiceError(
            "bid.preference_invalid",
            _("未知的政策优惠类别"),
            field="preferences",
            params={"unknown": unknown},
        )
    return chosen


@dataclass(frozen=True)
class _Sealed:
    manifest: sealing.SealedBlob
    files: list[tuple[sealing.SealedBlob, str]]


def _seal(
    wrapped: sealing.WrappedKey,
    base_aad: bytes,
    manifest: dict[str, Any],
    files: Sequence[tuple[str, CheckedFile]],
) -> _Sealed:
    sealed_files: list[tuple[sealing.SealedBlob, str]] = []
    entries = []
    for position, (part, checked) in enumerate(files, start=1):
        blob = sealing.seal(wrapped, checked.content, _part_aad(base_aad, f"file/{position}"))
        digest = blob.sha256()
        sealed_files.append((blob, digest))
        entries.append(
            {
                "position": position,
                "part": part,
                "name": checked.name,
                "type": checked.kind,
                "size": len(checked.content),
                "sealed_sha256": digest,
            }
        )
    body = {**manifest, "files": entries}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _Sealed(sealing.seal(wrapped, text, _part_aad(base_aad, "manifest")), sealed_files)


def _share_lock(procurement: Procurement) -> datetime:
    """Lock the procurement row against the opening (and deadline changes) but not other bidders.

    Refreshes `procurement.status` and `bid_deadline` from the locked row and returns the
    database clock. On PostgreSQL it is one statement (``FOR SHARE`` with ``clock_timestamp()``):
    each query is a round trip, and at the deadline burst every round trip counts. The clock it
    returns is the bid's ``received_at``; the decisive check still reads the clock again after
    the writes.
    """
    if connection.vendor == "postgresql":
        table = Procurement._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT status, bid_deadline, clock_timestamp() FROM "{table}" WHERE id = %s FOR SHARE',  # noqa: S608
                [procurement.pk],
            )
            row = cursor.fetchone()
        if row is None:  # pragma: no cover — procurements are never deleted
            raise NotFound("procurement.not_found", _("未找到该采购项目"))
        procurement.status, procurement.bid_deadline = row[0], row[1]
        clock: datetime = row[2]
        return clock
    fresh = Procurement.objects.values("status", "bid_deadline").get(pk=procurement.pk)
    procurement.status, procurement.bid_deadline = fresh["status"], fresh["bid_deadline"]
    return db_now()


def _refuse_late(deadline: datetime, clock: datetime, *, source: str = "application") -> None:
    if clock >= deadline:
        raise Conflict(
            "bid.deadline_passed",
            _("投标截止时间（%(deadline)s）已过，投标文件不予接收（依据：%(citation)s）")
            % {"deadline": deadline.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"), "citation": O87_33},
            params={"deadline": deadline.isoformat(), "received": clock.isoformat(), "clock": source},
        )


@dataclass(frozen=True)
class _Bidder:
    """What the bid path reads about the bidding organization and its bid on the lot."""

    org_id: int
    uscc: str
    eligible: bool
    derived_until: date | None
    invited: bool
    obtained_documents: bool
    existing: BidSubmission | None


def _bid_context(actor: Any, lot: Lot) -> tuple[Procurement, _Bidder]:
    """The supplier check, then in one query the procurement columns the bid path reads, the
    bidder's cached registry status, invitation, documents obtained and its bid on the lot.

    One round trip instead of six (organization, procurement, eligibility cache, documents
    obtained, invitation, submission), and no ORM query compilation: at the deadline burst every
    round trip and every compiled query counts. Plain SQL that PostgreSQL and SQLite both run;
    the procurement's other columns (its documents' text among them) stay deferred.
    """
    require_role(actor, Role.SUPPLIER)
    org_id: int | None = actor.organization_id
    if org_id is None:  # the database constraint makes this unreachable for real users
        raise PermissionDenied("bid.no_organization", _("您的账号未关联社会组织"))
    tables = {
        "procurement": Procurement._meta.db_table,
        "organization": Organization._meta.db_table,
        "invitation": Invitation._meta.db_table,
        "obtained": DocumentObtained._meta.db_table,
        "submission": BidSubmission._meta.db_table,
    }
    sql = (  # noqa: S608 — table names from the models' metadata, values as parameters
        "SELECT p.id, p.reference, p.method, p.status, p.bid_deadline, p.wrapped_key, "
        "p.single_source_supplier_id, o.uscc AS bidder_uscc, o.eligible AS bidder_eligible, "
        "o.derived_until AS bidder_derived_until, "
        '(SELECT COUNT(*) FROM "{invitation}" i WHERE i.procurement_id = p.id AND i.organization_id = o.id)'
        " AS bidder_invited, "
        '(SELECT COUNT(*) FROM "{obtained}" d WHERE d.procurement_id = p.id AND d.organization_id = o.id)'
        " AS bidder_obtained, "
        "s.id AS bid_id, s.status AS bid_status, s.current_version AS bid_version "
        'FROM "{procurement}" p JOIN "{organization}" o ON o.id = %s '
        'LEFT JOIN "{submission}" s ON s.lot_id = %s AND s.organization_id = o.id '
        "WHERE p.id = %s"
    ).format(**tables)
    found = list(Procurement.objects.raw(sql, [org_id, lot.pk, lot.procurement_id]))
    if not found:  # pragma: no cover — lots and organizations are never deleted
        raise NotFound("procurement.not_found", _("未找到该采购项目"))
    procurement = found[0]
    facts = procurement.__dict__
    existing = None
    if facts["bid_id"] is not None:
        bid_id = facts["bid_id"]
        existing = BidSubmission.from_db(
            procurement._state.db,
            ["id", "procurement_id", "lot_id", "organization_id", "status", "current_version"],
            [
                bid_id if isinstance(bid_id, uuid.UUID) else uuid.UUID(str(bid_id)),
                procurement.pk,
                lot.pk,
                org_id,
                facts["bid_status"],
                int(facts["bid_version"]),
            ],
        )
    derived_until = facts["bidder_derived_until"]
    if isinstance(derived_until, str):  # SQLite hands back the text when no converter applies
        derived_until = date.fromisoformat(derived_until)
    bidder = _Bidder(
        org_id=org_id,
        uscc=facts["bidder_uscc"],
        eligible=bool(facts["bidder_eligible"]),
        derived_until=derived_until,
        invited=bool(facts["bidder_invited"]),
        obtained_documents=bool(facts["bidder_obtained"]),
        existing=existing,
    )
    return procurement, bidder


def _bid_write(
    *,
    actor: Any,
    lot: Lot,
    kind: str,
    price_total: Decimal | str | None,
    files: Sequence[BidFileInput],
    preferences: Iterable[str],
    now: datetime | None,
    source_ip: str | None = None,
    source_device: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> BidAck:
    procurement, bidder = _bid_context(actor, lot)
    address, device = _clean_source(source_ip, source_device)
    moment = _now(now)
    procedure = _procedure(procurement)
    _require_status(procurement, ProcurementStatus.ANNOUNCED)
    assert procurement.bid_deadline is not None
    _refuse_late(procurement.bid_deadline, moment)
    _supplier_may_take_part(bidder.org_id, procurement, procedure, invited=bidder.invited)
    on_date = local_date(moment)
    if not derived.says_eligible(bidder.eligible, bidder.derived_until, on_date):
        _require_eligible(Organization.objects.get(pk=bidder.org_id), on_date)
    if not bidder.obtained_documents:
        raise Conflict("bid.documents_not_obtained", _("请先获取采购文件"), field="lot")
    existing = bidder.existing
    if kind == BidVersion.Kind.SUBMIT and existing is not None and existing.status == BidStatus.SUBMITTED:
        raise Conflict("bid.already_submitted", _("已递交投标，如需变更请修改或撤回"), field="lot")
    if kind != BidVersion.Kind.SUBMIT and (existing is None or existing.status != BidStatus.SUBMITTED):
        raise Conflict("bid.not_submitted", _("尚未递交投标（或已撤回）"), field="lot")
    number = 1 if existing is None else existing.current_version + 1
    base_aad = sealing.bid_aad(
        procurement_id=procurement.reference,
        lot_id=str(lot.number),
        supplier_uscc=bidder.uscc,
        version=number,
    )
    wrapped = sealing.WrappedKey.from_text(procurement.wrapped_key, procurement_id=procurement.reference)
    if kind == BidVersion.Kind.WITHDRAW:
        sealed = _seal(wrapped, base_aad, {"withdrawn": True, "version": number}, [])
    else:
        price = yuan(price_total if price_total is not None else "", field="price_total")
        checked = _check_files(files)
        manifest = {
            "price_total": str(price),
            "preferences": _clean_preferences(preferences),
            "contact": _clean_contact(contact_name, contact_phone),
            "version": number,
        }
        sealed = _seal(wrapped, base_aad, manifest, checked)
    manifest_bytes = sealed.manifest.to_bytes()
    digest = sealed.manifest.sha256()
    try:
        with transaction.atomic():
            received_at = _share_lock(procurement)
            _require_status(procurement, ProcurementStatus.ANNOUNCED)
            deadline = procurement.bid_deadline
            assert deadline is not None
            _refuse_late(deadline, received_at, source="database")
            receipt = sealing.receipt_issue(
                procurement_id=procurement.reference,
                lot_id=str(lot.number),
                supplier_uscc=bidder.uscc,
                received_at=received_at,
                sealed_sha256=digest,
            )
            status = BidStatus.WITHDRAWN if kind == BidVersion.Kind.WITHDRAW else BidStatus.SUBMITTED
            if existing is None:
                submission = BidSubmission.objects.create(
                    procurement=procurement,
                    lot=lot,
                    organization_id=bidder.org_id,
                    status=status,
                    current_version=1,
                )
            else:
                changed = BidSubmission.objects.filter(pk=existing.pk, current_version=number - 1).update(
                    current_version=number, status=status
                )
                if changed != 1:
                    raise IntegrityError("concurrent change")
                submission = existing
                submission.current_version, submission.status = number, status
            version = BidVersion.objects.create(
                submission=submission,
                number=number,
                kind=kind,
                sealed_manifest=manifest_bytes,
                sealed_sha256=digest,
                received_at=received_at,
                receipt=receipt.to_json(),
                submitted_by=actor,
                source_ip=address,
                source_device=device,
            )
            BidFile.objects.bulk_create(
                [
                    BidFile(version=version, position=i, sealed=blob.to_bytes(), sealed_sha256=file_digest)
                    for i, (blob, file_digest) in enumerate(sealed.files, start=1)
                ]
            )
            # The receipt's leaf in the platform-wide transparency log: the last write, because
            # the log head stays locked from here to commit (see opengps.core.transparency).
            transparency.leaf_append(receipt_digest=receipt.digest())
            # The decisive check: the database's statement clock after every write, inside the
            # transaction that commits them. At or after the deadline everything rolls back.
            _refuse_late(deadline, db_now(), source="database")
    except IntegrityError:
        raise Conflict(
            "bid.concurrent_change", _("投标正被同单位的其他人员修改，请刷新后重试"), field="lot"
        ) from None
    submission.lot = lot  # the receipt names the lot: spare the caller a query for it
    version.submission = submission
    return BidAck(submission=submission, version=version, receipt=receipt)


def bid_submit(
    *,
    actor: Any,
    lot: Lot,
    price_total: Decimal | str,
    files: Sequence[BidFileInput],
    preferences: Iterable[str] = (),
    now: datetime | None = None,
    source_ip: str | None = None,
    source_device: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> BidAck:
    """Seal and submit a bid for `lot` (first time, or again after a withdrawal) before the deadline.

    Needs a supplier member whose organization is eligible today and has obtained the documents;
    files are size- and type-checked; qualification, technical response and price schedule are
    required. Returns the signed receipt. `now` only moves the application pre-check (tests);
    the database clock decides. `contact_name`/`contact_phone` (the bid's contact person) are
    sealed with the price; `source_ip` and `source_device` (`device_fingerprint`) come from the
    request and are kept outside the seal, shown nowhere before the opening, and copied to the
    readout at the opening as evidence for collusion checks.
    """
    return _bid_write(
        actor=actor,
        lot=lot,
        kind=BidVersion.Kind.SUBMIT,
        price_total=price_total,
        files=files,
        preferences=preferences,
        now=now,
        source_ip=source_ip,
        source_device=source_device,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )


def bid_modify(
    *,
    actor: Any,
    lot: Lot,
    price_total: Decimal | str,
    files: Sequence[BidFileInput],
    preferences: Iterable[str] = (),
    now: datetime | None = None,
    source_ip: str | None = None,
    source_device: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> BidAck:
    """Replace a submitted bid with a new sealed version (O87 §34); the latest version counts."""
    return _bid_write(
        actor=actor,
        lot=lot,
        kind=BidVersion.Kind.MODIFY,
        price_total=price_total,
        files=files,
        preferences=preferences,
        now=now,
        source_ip=source_ip,
        source_device=source_device,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )


def bid_withdraw(
    *,
    actor: Any,
    lot: Lot,
    now: datetime | None = None,
    source_ip: str | None = None,
    source_device: str = "",
) -> BidAck:
    """Withdraw a submitted bid before the deadline (O87 §34); a receipt acknowledges it."""
    return _bid_write(
        actor=actor,
        lot=lot,
        kind=BidVersion.Kind.WITHDRAW,
        price_total=None,
        files=(),
        preferences=(),
        now=now,
        source_ip=source_ip,
        source_device=source_device,
    )


# --- opening -----------------------------------------------------------------------------------------


def _open_version(
    key: sealing.DataKey, procurement: Procurement, lot: Lot, org: Organization, version: BidVersion
) -> dict[str, Any]:
    base_aad = sealing.bid_aad(
        procurement_id=procurement.reference,
        lot_id=str(lot.number),
        supplier_uscc=org.uscc,
        version=version.number,
    )
    blob = sealing.SealedBlob.from_bytes(bytes(version.sealed_manifest))
    if blob.sha256() != version.sealed_sha256:
        raise sealing.SealError("seal.open_failed", "投标清单摘要与回执不符")
    manifest: dict[str, Any] = json.loads(sealing.open_blob(key, blob, _part_aad(base_aad, "manifest")))
    stored = {f.position: f for f in version.files.all()}
    for entry in manifest.get("files", []):
        file = stored.get(entry["position"])
        if file is None or file.sealed_sha256 != entry["sealed_sha256"]:
            raise sealing.SealError("seal.open_failed", "投标文件与密封清单不符")
        file_blob = sealing.SealedBlob.from_bytes(bytes(file.sealed))
        if file_blob.sha256() != entry["sealed_sha256"]:
            raise sealing.SealError("seal.open_failed", "投标文件摘要不符")
        plaintext = sealing.open_blob(
            key, file_blob, _part_aad(base_aad, f"file/{entry['position']}")
        )  # verifies the tag
        # the plaintext digest exists only from the opening on: identical documents (red flag)
        entry["sha256"] = hashlib.sha256(plaintext).hexdigest()
    return manifest


def procurement_open(*, actor: Any, procurement: Procurement, now: datetime | None = None) -> OpeningRecord:
    """Open the bids at or after the deadline (开标): unwrap the key, decrypt, read out, minute.

    Each lot needs the method's minimum of valid bids (`procurement_flow.opening_outcome`); if no
    lot has enough, the procurement fails with the lawful next steps (re-tender, or change the
    method with approval). The acts kept sealed until now (documents obtained, bid versions) are
    written to the audit chain here, then the opening; bidders are notified.
    """
    require_official(actor, procurement)
    moment = _now(now)
    with transaction.atomic():
        procurement = _lock(procurement)
        _require_status(procurement, ProcurementStatus.ANNOUNCED)
        deadline = procurement.bid_deadline
        assert deadline is not None
        wrapped = sealing.WrappedKey.from_text(procurement.wrapped_key, procurement_id=procurement.reference)
        key = sealing.unwrap_for_opening(wrapped, deadline=deadline, now=moment)
        audit.record(
            actor=actor,
            action="procurement.key_unwrapped",
            obj=procurement,
            new={"deadline": deadline, "at": moment, "kek_id": wrapped.kek_id},
            reason=O87_33,
        )
        register = list(
            DocumentObtained.objects.filter(procurement=procurement)
            .select_related("organization", "obtained_by")
            .order_by("obtained_at")
        )
        audit.record(
            actor=actor,
            action="procurement.documents_register_disclosed",
            obj=procurement,
            new={
                "count": len(register),
                "obtained": [(r.organization.uscc, r.organization.name, r.obtained_at) for r in register],
            },
        )
        lots = {lot.pk: lot for lot in Lot.objects.filter(procurement=procurement)}
        submissions = list(
            BidSubmission.objects.filter(procurement=procurement)
            .select_related("organization")
            .order_by("lot_id")
        )
        versions = list(
            BidVersion.objects.filter(submission__procurement=procurement)
            .select_related("submitted_by")
            .prefetch_related("files")
            .order_by("received_at", "number")
        )
        for version in versions:  # the sealed history, in the order it was received
            submission = next(s for s in submissions if s.pk == version.submission_id)
            audit.record(
                actor=version.submitted_by,
                action=f"bid.{version.kind}",
                obj=submission,
                new={
                    "procurement": procurement.reference,
                    "lot": lots[submission.lot_id].number,
                    "supplier": submission.organization.uscc,
                    "version": version.number,
                    "received_at": version.received_at,
                    "sealed_sha256": version.sealed_sha256,
                },
                reason="投标截止前密封，开标时记入审计链（RULES §12）",
            )
        record = OpeningRecord.objects.create(
            procurement=procurement,
            opened_at=moment,
            opened_by=actor,
            deadline=deadline,
            place=procurement.opening_place,
            bids_received=0,
            valid_bids=0,
            required_bids=0,
            proceeds=False,
            citation="",
        )
        by_version = {(v.submission_id, v.number): v for v in versions}
        readouts: list[BidReadout] = []
        for submission in submissions:
            if submission.status != BidStatus.SUBMITTED:
                continue
            lot = lots[submission.lot_id]
            version = by_version[(submission.pk, submission.current_version)]
            valid, problem = True, ""
            price = Decimal("0.00")
            preferences: list[str] = []
            files: list[dict[str, Any]] = []
            contact: dict[str, str] = {}
            try:
                manifest = _open_version(key, procurement, lot, submission.organization, version)
                price = Decimal(manifest["price_total"])
                preferences = list(manifest.get("preferences", []))
                contact = dict(manifest.get("contact") or {})
                files = [
                    {k: e[k] for k in ("position", "part", "name", "type", "size", "sha256")}
                    for e in manifest.get("files", [])
                ]
            except sealing.SealError as exc:
                valid, problem = False, f"{exc.message}"
            if version.received_at >= deadline:  # cannot happen: the commit check refuses it
                valid, problem = False, f"截止时间后递交（{O87_33}）"
            elif valid and price > lot.budget:
                valid, problem = False, f"报价超过采购预算（{O87_63}）"
            readouts.append(
                BidReadout(
                    opening=record,
                    submission=submission,
                    lot=lot,
                    organization=submission.organization,
                    version=version.number,
                    received_at=version.received_at,
                    price_total=price,
                    preferences=preferences,
                    files=files,
                    valid=valid,
                    invalid_reason=problem,
                    source_ip=version.source_ip,
                    source_device=version.source_device,
                    contact_name=str(contact.get("name", ""))[:60],
                    contact_phone=str(contact.get("phone", ""))[:30],
                )
            )
        BidReadout.objects.bulk_create(readouts)
        lot_results = []
        for lot in sorted(lots.values(), key=lambda item: item.number):
            lot_rows = [r for r in readouts if r.lot_id == lot.pk]
            outcome = opening_outcome(
                procurement.method,
                sum(1 for r in lot_rows if r.valid),
                purchase_of_services=procurement.purchase_of_services,
                two_after_failed_tender=_negotiates_with_two(procurement),
            )
            lot_results.append(
                {
                    "lot": lot.number,
                    "title": lot.title,
                    "received": len(lot_rows),
                    "valid": outcome.valid_bids,
                    "required": outcome.required,
                    "proceeds": outcome.proceeds,
                    "citation": outcome.citation,
                    "next_steps": [s.value for s in outcome.next_steps],
                    "bids": [
                        {
                            "supplier": r.organization.name,
                            "uscc": r.organization.uscc,
                            "price_total": str(r.price_total),
                            "preferences": r.preferences,
                            "valid": r.valid,
                            "invalid_reason": r.invalid_reason,
                        }
                        for r in sorted(lot_rows, key=lambda r: r.received_at)
                    ],
                }
            )
        proceeds = any(result["proceeds"] for result in lot_results)
        record.bids_received = len(readouts)
        record.valid_bids = sum(1 for r in readouts if r.valid)
        record.required_bids = max(int(str(result["required"])) for result in lot_results)
        record.proceeds = proceeds
        record.citation = "；".join(dict.fromkeys(str(result["citation"]) for result in lot_results))[:400]
        record.minutes = {
            "reference": procurement.reference,
            "deadline": deadline.isoformat(),
            "opened_at": moment.isoformat(),
            "place": procurement.opening_place,
            "documents_obtained": len(register),
            "lots": lot_results,
        }
        record.save(
            update_fields=["bids_received", "valid_bids", "required_bids", "proceeds", "citation", "minutes"]
        )
        procurement.opened_at = moment
        _set_status(
            actor,
            procurement,
            ProcurementStatus.OPENED,
            "procurement.opened",
            extra={
                "bids": record.bids_received,
                "valid": record.valid_bids,
                "lots": [(r["lot"], r["valid"]) for r in lot_results],
            },
            update=["opened_at"],
        )
        if not proceeds:
            # O74 §27 ¶2: an open tender with exactly two valid bids may also negotiate with them.
            steps = [NextStep.retender.value, NextStep.change_method.value]
            steps += [
                step
                for step in dict.fromkeys(s for result in lot_results for s in result["next_steps"])  # type: ignore[attr-defined]
                if step not in steps
            ]
            procurement.next_steps = steps
            procurement.outcome_reason = str(
                _("有效投标不足 %(required)d 家（依据：%(citation)s）")
                % {"required": record.required_bids, "citation": record.citation}
            )
            _set_status(
                actor,
                procurement,
                ProcurementStatus.FAILED,
                "procurement.failed",
                reason=procurement.outcome_reason,
                extra={"cause": "too_few_bids", "next_steps": procurement.next_steps},
                update=["outcome_reason", "next_steps"],
            )
        recipients = {v.submitted_by_id for v in versions}
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=user_id,
                    procurement=procurement,
                    kind="opened",
                    title=str(
                        _("已开标：%(ref)s %(title)s")
                        % {"ref": procurement.reference, "title": procurement.title}
                    ),
                    body=str(
                        _("有效投标 %(valid)d 家；%(result)s")
                        % {
                            "valid": record.valid_bids,
                            "result": _("进入评审") if proceeds else _("采购失败，采购人将依法重新组织采购"),
                        }
                    ),
                )
                for user_id in sorted(recipients)
            ]
        )
    return record


# --- after a failure ------------------------------------------------------------------------------


def _negotiates_with_two(procurement: Procurement) -> bool:
    """A negotiation approved after an open tender that had exactly two valid bids (O74 §27 ¶2)."""
    previous = procurement.previous
    return (
        procurement.method == Method.competitive_negotiation
        and previous is not None
        and NextStep.negotiate_with_two.value in (previous.next_steps or [])
    )


def _lots_of(procurement: Procurement) -> list[LotInput]:
    return [
        LotInput(lot.title, lot.budget, lot.description)
        for lot in Lot.objects.filter(procurement=procurement)
    ]


def procurement_retender(
    *, actor: Any, procurement: Procurement, reason: str, documents: str = ""
) -> Procurement:
    """Amend the documents and tender again (O87 §44): a new draft procurement for the same plan."""
    require_official(actor, procurement)
    require_role(actor, Role.PURCHASER)
    reason = _text(reason, field="reason", code="procurement.reason_required", message=_("请填写理由"))
    with transaction.atomic():
        old = _lock(procurement)
        _require_status(old, ProcurementStatus.FAILED)
        if NextStep.retender.value not in old.next_steps:
            raise Conflict("procurement.retender_not_allowed", _("本项目不能重新招标，请申请变更采购方式"))
        _set_status(actor, old, ProcurementStatus.RETENDERED, "procurement.retendered", reason=reason)
        new = _create(
            actor=actor,
            plan=old.plan,
            method=Method(old.method),
            title=old.title,
            lots=_lots_of(old),
            agency=old.agency,
            documents=documents or old.documents,
            previous=old,
            single_source_supplier=old.single_source_supplier,
            single_source_reason=old.single_source_reason,
        )
    return new


def procurement_request_method_change(
    *, actor: Any, procurement: Procurement, method: str, reason: str
) -> Procurement:
    """Ask the finance department to approve another method after a failure (O87 §43, IR §23)."""
    require_official(actor, procurement)
    require_role(actor, Role.PURCHASER)
    reason = _text(reason, field="reason", code="procurement.reason_required", message=_("请填写理由"))
    try:
        target = parse_method(method)
        procedure_for(target)
    except RuleError as exc:
        raise _rule_error(exc, field="method") from None
    if target.value == procurement.method:
        raise ServiceError("procurement.same_method", _("新的采购方式与原方式相同"), field="method")
    plan = procurement.plan
    facts = planning_services.purchase_facts(
        {
            **{k: bool(v) for k, v in plan.method_facts.items()},
            "failed_open_tender": True,
            "two_responsive_after_open_tender": NextStep.negotiate_with_two.value
            in (procurement.next_steps or []),
        }
    )
    decision = decision_for(planning_services.method_options(plan.amount, facts, clock.today()), target)
    if not decision.allowed:
        blocking = [r for r in decision.reasons if r.severity == "block"] or list(decision.reasons[:1])
        raise ServiceError(
            "procurement.method_not_allowed",
            _("不能变更为%(method)s：%(reason)s（依据：%(citation)s）")
            % {
                "method": METHOD_NAMES_ZH[target],
                "reason": blocking[0].message_zh,
                "citation": blocking[0].citation,
            },
            field="method",
        )
    with transaction.atomic():
        procurement = _lock(procurement)
        _require_status(procurement, ProcurementStatus.FAILED)
        procurement.requested_method = target.value
        _set_status(
            actor,
            procurement,
            ProcurementStatus.METHOD_CHANGE_REQUESTED,
            "procurement.method_change_requested",
            reason=reason,
            extra={"method": target.value},
            update=["requested_method"],
        )
    return procurement


def procurement_decide_method_change(
    *, actor: Any, procurement: Procurement, approve: bool, note: str
) -> Procurement:
    """Finance of the purchaser's level approves (a new draft with the new method) or refuses."""
    require_role(actor, Role.FINANCE)
    if actor.unit is None or actor.unit.region_id != procurement.purchaser.region_id:
        raise PermissionDenied("planning.finance_other_level", _("只能由本级财政部门审核"))
    note = _text(note, field="note", code="procurement.reason_required", message=_("请填写审核意见"))
    with transaction.atomic():
        old = _lock(procurement)
        _require_status(old, ProcurementStatus.METHOD_CHANGE_REQUESTED)
        if not approve:
            _set_status(
                actor, old, ProcurementStatus.FAILED, "procurement.method_change_refused", reason=note
            )
            return old
        _set_status(
            actor,
            old,
            ProcurementStatus.METHOD_CHANGED,
            "procurement.method_change_approved",
            reason=note,
            extra={"method": old.requested_method},
        )
        return _create(
            actor=actor,
            plan=old.plan,
            method=Method(old.requested_method),
            title=old.title,
            lots=_lots_of(old),
            agency=old.agency,
            documents=old.documents,
            previous=old,
            single_source_supplier=None,
            single_source_reason="",
        )


def procurement_cancel(*, actor: Any, procurement: Procurement, reason: str) -> Procurement:
    """Terminate a procurement with a reason (GPL §36 grounds)."""
    require_official(actor, procurement)
    reason = _text(reason, field="reason", code="procurement.reason_required", message=_("请填写终止理由"))
    with transaction.atomic():
        procurement = _lock(procurement)
        procurement.outcome_reason = reason
        _set_status(
            actor,
            procurement,
            ProcurementStatus.CANCELLED,
            "procurement.cancelled",
            reason=reason,
            update=["outcome_reason"],
        )
    return procurement


def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications as read."""
    if not is_authenticated(actor) or notification.recipient_id != actor.pk:
        raise NotFound("procurement.notification_not_found", _("未找到该通知"))
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification
