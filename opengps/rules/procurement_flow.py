"""Procedure configuration per method, the procurement status table, and opening/postponement rules.

Methods differ by *data* (ProZorro style), not by copied code: `PROCEDURES` gives each method
where its suppliers come from, how many valid bids an opening needs, how the winner is chosen and
whether a single-source public notice runs first. Services read the row for the procurement's
method; a change of law is a new value here, not a new branch in a service.

`PROCUREMENT` is the one table of allowed status changes, checked by `check_transition`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from opengps.rules import transitions
from opengps.rules.base import Ruled, RuleError
from opengps.rules.deadlines import (
    CLARIFICATION_PERIOD,
    earliest_bid_deadline,
    earliest_prequalification_deadline,
    method_period,
    postponed_after_clarification,
)
from opengps.rules.jurisdictions import parse_category
from opengps.rules.methods import MIN_SUPPLIERS
from opengps.rules.procedures import METHOD_NAMES_ZH, Method, parse_method
from opengps.rules.transitions import Transitions

O87_43 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第四十三条"
O87_44 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第四十四条"
O87_14 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第十四条"
O87_27 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第二十七条"
GPL_36 = "政府采购法 第三十六条"
GPL_38 = "政府采购法 第三十八条"
GPL_40 = "政府采购法 第四十条"
GPL_39 = "政府采购法 第三十九条"
IR_23 = "政府采购法实施条例 第二十三条"
O74_27 = "政府采购非招标采购方式管理办法（财政部令第74号）第二十七条"
O74_35 = "政府采购非招标采购方式管理办法（财政部令第74号）第三十五条"
O74_48 = "政府采购非招标采购方式管理办法（财政部令第74号）第四十八条"
O74_38 = "政府采购非招标采购方式管理办法（财政部令第74号）第三十八条至第四十条"
C214_21 = "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第二十一条、第二十三条"
C214_3_4 = "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第三条第（四）项、第二十一条"
O74_27_2 = "政府采购非招标采购方式管理办法（财政部令第74号）第二十七条第二款、第四条"
C124 = "财政部关于政府采购竞争性磋商采购方式管理暂行办法有关问题的补充通知（财库〔2015〕124号）"
O110_27 = "政府采购框架协议采购方式管理暂行办法（财政部令第110号）第二十七条"


class SupplierSource(StrEnum):
    """Where a procedure's suppliers come from."""

    public = "public"
    """A public announcement: any eligible supplier may obtain the documents and bid."""
    invited = "invited"
    """Only suppliers drawn at random from the qualified ones are invited (O87 §14)."""
    named = "named"
    """One named supplier, after a public notice open to objections (single source, O74 §38)."""


class AwardBasis(StrEnum):
    """How the winner is chosen (the evaluation step applies it)."""

    comprehensive_or_lowest = "comprehensive_or_lowest"
    """综合评分法 or 最低评标价法 as the documents state (O87 §53)."""
    lowest_price = "lowest_price"
    """Lowest final price among responsive suppliers (GPL §38, §40; O74 §35, §48)."""
    comprehensive = "comprehensive"
    """综合评分法 (C214 §23)."""
    negotiated_price = "negotiated_price"
    """Price negotiated with the one supplier (GPL §39)."""
    framework_price_first = "framework_price_first"
    """Price-first entry to the agreement, at least 20% eliminated (O110 §27)."""


AWARD_BASIS_ZH: Mapping[AwardBasis, str] = MappingProxyType(
    {
        AwardBasis.comprehensive_or_lowest: "综合评分法或最低评标价法（以采购文件为准）",
        AwardBasis.lowest_price: "最后报价最低的实质性响应供应商成交",
        AwardBasis.comprehensive: "综合评分法",
        AwardBasis.negotiated_price: "与唯一供应商协商确定成交价格",
        AwardBasis.framework_price_first: "价格优先法入围，淘汰率不低于20%",
    }
)


@dataclass(frozen=True, slots=True)
class Procedure:
    """What distinguishes one method's procedure from another (RULES.md §2)."""

    method: Method
    supplier_source: SupplierSource
    min_valid_bids: int
    """Fewer valid bids at opening: the procurement fails (O87 §43, O74 §27/§35/§48, O110 §27)."""
    min_bids_citation: str
    award_basis: AwardBasis
    award_citation: str
    min_valid_bids_services: int | None = None
    """A lower minimum for purchase of services, where the law allows one (C124: consultation with 2)."""
    min_invited: int = 0
    """Invited procedures: at least this many suppliers drawn at random (O87 §14)."""
    bid_period_applies: bool = True
    """Whether `deadlines.earliest_bid_deadline` fixes the earliest lawful deadline."""
    public_notice_first: bool = False
    """Single source: a public notice with objections runs before the negotiation (O74 §38-40)."""

    @property
    def name_zh(self) -> str:
        return METHOD_NAMES_ZH[self.method]


PROCEDURES: Mapping[Method, Procedure] = MappingProxyType(
    {
        Method.open_tender: Procedure(
            Method.open_tender,
            SupplierSource.public,
            MIN_SUPPLIERS[Method.open_tender],
            f"{GPL_36}；{O87_43}",
            AwardBasis.comprehensive_or_lowest,
            "政府采购货物和服务招标投标管理办法（财政部令第87号）第五十三条",
        ),
        Method.invited_tender: Procedure(
            Method.invited_tender,
            SupplierSource.invited,
            MIN_SUPPLIERS[Method.invited_tender],
            f"{GPL_36}；{O87_43}",
            AwardBasis.comprehensive_or_lowest,
            "政府采购货物和服务招标投标管理办法（财政部令第87号）第五十三条",
            min_invited=3,
        ),
        Method.competitive_negotiation: Procedure(
            Method.competitive_negotiation,
            SupplierSource.public,
            MIN_SUPPLIERS[Method.competitive_negotiation],
            O74_27,
            AwardBasis.lowest_price,
            f"{GPL_38}；{O74_35}",
        ),
        Method.competitive_consultation: Procedure(
            Method.competitive_consultation,
            SupplierSource.public,
            MIN_SUPPLIERS[Method.competitive_consultation],
            C214_21,
            AwardBasis.comprehensive,
            "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第二十三条",
            min_valid_bids_services=2,
        ),
        Method.request_for_quotation: Procedure(
            Method.request_for_quotation,
            SupplierSource.public,
            MIN_SUPPLIERS[Method.request_for_quotation],
            O74_48,
            AwardBasis.lowest_price,
            f"{GPL_40}；{O74_48}",
        ),
        Method.single_source: Procedure(
            Method.single_source,
            SupplierSource.named,
            MIN_SUPPLIERS[Method.single_source],
            GPL_39,
            AwardBasis.negotiated_price,
            GPL_39,
            bid_period_applies=False,
            public_notice_first=True,
        ),
        Method.framework_agreement: Procedure(
            Method.framework_agreement,
            SupplierSource.public,
            MIN_SUPPLIERS[Method.framework_agreement],
            O110_27,
            AwardBasis.framework_price_first,
            O110_27,
        ),
    }
)


def procedure_for(method: Method | str) -> Procedure:
    """The procedure of `method`; RuleError ``procurement.method_unsupported`` for the e-mall."""
    parsed = parse_method(method)
    procedure = PROCEDURES.get(parsed)
    if procedure is None:
        raise RuleError(
            "procurement.method_unsupported",
            f"{METHOD_NAMES_ZH[parsed]}不通过本平台的采购程序进行",
            f"{parsed.value} is not run as a procurement procedure on this platform",
            params={"method": parsed.value},
        )
    return procedure


def min_valid_bids(
    procedure: Procedure, *, purchase_of_services: bool, research_project: bool = False
) -> Ruled[int]:
    """How many valid bids the opening needs, with the article(s).

    Consultation may go on with 2 for purchase of services (C124) and for research projects with
    insufficient competition or supported technology transfer (C214 §3(四), §21).
    """
    if procedure.min_valid_bids_services is not None:
        if research_project:
            return Ruled(procedure.min_valid_bids_services, f"{procedure.min_bids_citation}；{C214_3_4}")
        if purchase_of_services:
            return Ruled(procedure.min_valid_bids_services, f"{procedure.min_bids_citation}；{C124}")
    return Ruled(procedure.min_valid_bids, procedure.min_bids_citation)


# --- statuses -----------------------------------------------------------------------------------

Table = Transitions

PROCUREMENT: Table = MappingProxyType(
    {
        "draft": frozenset({"notice", "announced", "cancelled"}),
        "notice": frozenset({"announced", "failed", "cancelled"}),
        "announced": frozenset({"opened", "cancelled"}),
        "opened": frozenset({"evaluating", "failed", "cancelled", "suspended"}),
        "evaluating": frozenset({"evaluated", "failed", "cancelled", "suspended"}),
        "evaluated": frozenset({"awarded", "cancelled", "suspended"}),
        "awarded": frozenset({"suspended"}),
        "suspended": frozenset({"opened", "evaluating", "evaluated", "awarded", "cancelled"}),
        "failed": frozenset({"retendered", "method_change_requested"}),
        "method_change_requested": frozenset({"method_changed", "failed"}),
        "retendered": frozenset(),
        "method_changed": frozenset(),
        "cancelled": frozenset(),
    }
)
"""采购项目: draft → (single-source notice) → announced → opened; too few bids → failed, then a
re-tender or an approved change of method (O87 §43-44, IR §23). After the opening: evaluating →
evaluated (report confirmed) → awarded; every bid disqualified → failed. A complaint may suspend
the procurement at any of these steps and it resumes where it was (O94 §28)."""


def can_transition(current: str, target: str) -> bool:
    """Whether a procurement may go from status `current` to `target`."""
    return transitions.can_transition(PROCUREMENT, current, target)


def check_transition(current: str, target: str) -> None:
    """Refuse a change not in `PROCUREMENT` with RuleError ``workflow.transition_not_allowed``."""
    transitions.check_transition(PROCUREMENT, current, target, entity="procurement")


# --- dates ----------------------------------------------------------------------------------------


def check_bid_deadline(method: Method | str, issued_on: date, deadline_on: date) -> Ruled[date]:
    """The earliest lawful deadline for documents issued on `issued_on`, refusing an earlier one.

    Raises RuleError ``procurement.deadline_too_early`` (with the earliest date and its citation)
    when `deadline_on` is before it. Methods without a bid period (single source) accept any
    date on or after the issue date.
    """
    procedure = procedure_for(method)
    if procedure.bid_period_applies:
        earliest = earliest_bid_deadline(procedure.method, issued_on)
    else:
        earliest = Ruled(issued_on, procedure.award_citation, "法律未规定最短响应期限")
    if deadline_on < earliest.value:
        raise RuleError(
            "procurement.deadline_too_early",
            f"截止日期 {deadline_on.isoformat()} 早于法定最早日期 {earliest.value.isoformat()}"
            f"（依据：{earliest.citation}）",
            f"Deadline {deadline_on.isoformat()} is before the earliest lawful {earliest.value.isoformat()}",
            citation=earliest.citation,
            params={"earliest": earliest.value.isoformat(), "deadline": deadline_on.isoformat()},
        )
    return earliest


def postponed_deadline(
    method: Method | str, published_on: date, deadline_on: date, *, on_date: date | None = None
) -> Ruled[date] | None:
    """The deadline a clarification published on `published_on` requires, or None when it is in time.

    A clarification or change that may affect bids must come at least the method's period before
    the deadline (O87 §27, C214 §10, O74 §29/§45, O110 §9); otherwise the deadline is postponed to
    the clarification day plus that period, counted forward: the next day first (民法典 §201), a
    last day that is not a working day moved to the next working day (§203; O110 §49) — as
    `earliest_bid_deadline` counts. Single source has no such period: never postponed.
    """
    procedure = procedure_for(method)
    if not procedure.bid_period_applies:
        return None
    when = published_on if on_date is None else on_date
    entry = method_period(CLARIFICATION_PERIOD, procedure.method, when)
    return postponed_after_clarification(entry, published_on, deadline_on, on_date=when)


def check_prequalification_deadline(announced_on: date, deadline_on: date) -> Ruled[date]:
    """The earliest lawful prequalification application deadline, refusing an earlier one.

    Applications may be submitted for at least 5 working days from the announcement (IR §21;
    O87 §16). RuleError ``procurement.prequalification_too_short`` otherwise.
    """
    earliest = earliest_prequalification_deadline(announced_on)
    if deadline_on < earliest.value:
        raise RuleError(
            "procurement.prequalification_too_short",
            f"资格预审申请截止日期 {deadline_on.isoformat()} 早于法定最早日期 {earliest.value.isoformat()}"
            f"（自公告发布之日起不得少于5个工作日；依据：{earliest.citation}）",
            f"Prequalification deadline {deadline_on.isoformat()} is before the earliest lawful "
            f"{earliest.value.isoformat()} (at least 5 working days from the announcement)",
            citation=earliest.citation,
            params={"earliest": earliest.value.isoformat(), "deadline": deadline_on.isoformat()},
        )
    return earliest


# --- opening ---------------------------------------------------------------------------------------


class NextStep(StrEnum):
    """What a purchaser may lawfully do after a failed procurement."""

    retender = "retender"
    """Amend the documents and tender again (O87 §44)."""
    change_method = "change_method"
    """Change the method with prior approval of the finance department (O87 §43, IR §23)."""
    negotiate_with_two = "negotiate_with_two"
    """Open tender of goods or services with exactly two bidders or responsive bids: negotiate with
    those two after the finance department's approval (O74 §27 ¶2)."""


@dataclass(frozen=True, slots=True)
class OpeningOutcome:
    """Whether an opening may proceed to evaluation, or the procurement fails and what may follow."""

    proceeds: bool
    valid_bids: int
    required: int
    citation: str
    next_steps: tuple[NextStep, ...] = ()


def opening_outcome(
    method: Method | str,
    valid_bids: int,
    *,
    purchase_of_services: bool,
    research_project: bool = False,
    category: str = "services",
    two_after_failed_tender: bool = False,
) -> OpeningOutcome:
    """Too few valid bids at opening → failed, with the lawful next steps (O87 §43-44, O74 §27).

    An open tender of goods or services with exactly two valid bids may also continue by
    negotiation with those two, with the finance department's approval (O74 §27 ¶2); works are
    tendered under the Tendering Law and never take this path. The negotiation that follows
    (`two_after_failed_tender`) needs only those two (O74 §27 ¶2).
    """
    procedure = procedure_for(method)
    required = min_valid_bids(
        procedure, purchase_of_services=purchase_of_services, research_project=research_project
    )
    if procedure.method is Method.competitive_negotiation and two_after_failed_tender:
        required = negotiation_minimum(two_after_failed_tender=True)
    if valid_bids >= required.value:
        return OpeningOutcome(True, valid_bids, required.value, required.citation)
    steps: tuple[NextStep, ...] = (NextStep.retender, NextStep.change_method)
    citation = f"{required.citation}；{O87_44}；{IR_23}"
    if procedure.method is Method.open_tender and valid_bids == 2 and parse_category(category) != "works":
        steps += (NextStep.negotiate_with_two,)
        citation = f"{citation}；{O74_27_2}"
    return OpeningOutcome(False, valid_bids, required.value, citation, steps)


def negotiation_minimum(*, two_after_failed_tender: bool) -> Ruled[int]:
    """Suppliers a competitive negotiation needs: 3, or the 2 of a failed open tender negotiated
    with approval (O74 §27 ¶2, which lowers the minimum of §33 and §35 to two)."""
    if two_after_failed_tender:
        return Ruled(2, O74_27_2, "公开招标只有两家供应商投标或实质性响应，经批准与该两家谈判")
    return Ruled(MIN_SUPPLIERS[Method.competitive_negotiation], O74_27)
