"""Documents, bids and clarifications: the minimum periods of each method (GPL §35, IR §21, §31, O87 §27)."""

from __future__ import annotations

from datetime import date
from types import MappingProxyType

from opengps.rules.base import EffectiveValue, Ruled, value_on
from opengps.rules.deadlines.periods import (
    C214,
    GPL,
    IR,
    NO_GPL_SCOPE,
    O74,
    O87,
    O110,
    Direction,
    MethodPeriodRule,
    Period,
    apply_method_period,
    apply_period,
    count_forward,
    counting_citation,
    days,
    join_citations,
    period_rule,
    working_days,
)
from opengps.rules.procedures import Method

BID_PERIOD = MethodPeriodRule(
    name="deadlines.earliest_bid_deadline",
    title_zh="递交投标（响应）文件的最短期限",
    title_en="Minimum time from issuing documents to the bid (response) deadline",
    direction=Direction.after,
    table=MappingProxyType(
        {
            Method.open_tender: (EffectiveValue(GPL, days(20), "政府采购法 第三十五条"),),
            Method.invited_tender: (EffectiveValue(GPL, days(20), "政府采购法 第三十五条"),),
            Method.competitive_negotiation: (
                EffectiveValue(O74, working_days(3), "财政部令第74号 第二十九条"),
            ),
            Method.request_for_quotation: (
                EffectiveValue(O74, working_days(3), "财政部令第74号 第四十五条"),
            ),
            Method.competitive_consultation: (
                EffectiveValue(C214, days(10), "财库〔2014〕214号 第十条", "E"),
            ),
            # Single source: the price is negotiated with the one supplier (GPL §39, O74 §41);
            # no response period is set by law.
            Method.single_source: (
                EffectiveValue(GPL, None, "政府采购法 第三十九条；财政部令第74号 第四十一条"),
            ),
            # Closed framework agreements (the main form, O110 §4) collect suppliers by the open
            # tender rules (O110 §9); open framework agreements accept applications at any time.
            Method.framework_agreement: (
                EffectiveValue(O110, days(20), "财政部令第110号 第九条；政府采购法 第三十五条"),
            ),
            Method.emall: (EffectiveValue(GPL, None, NO_GPL_SCOPE),),
        }
    ),
    summary_zh="自采购文件开始发出之日起至提交投标（响应）文件截止之日止的最短期限。",
    summary_en="From the day documents are first issued to the day bids (responses) are due.",
)
CLARIFICATION_PERIOD = MethodPeriodRule(
    name="deadlines.latest_clarification_date",
    title_zh="澄清或者修改采购文件的最晚日期",
    title_en="Latest date to clarify or change the documents without postponing the deadline",
    direction=Direction.before,
    table=MappingProxyType(
        {
            Method.open_tender: (
                EffectiveValue(IR, days(15), "政府采购法实施条例 第三十一条"),
                EffectiveValue(O87, days(15), "政府采购法实施条例 第三十一条；财政部令第87号 第二十七条"),
            ),
            Method.invited_tender: (
                EffectiveValue(IR, days(15), "政府采购法实施条例 第三十一条"),
                EffectiveValue(O87, days(15), "政府采购法实施条例 第三十一条；财政部令第87号 第二十七条"),
            ),
            Method.competitive_negotiation: (
                EffectiveValue(O74, working_days(3), "财政部令第74号 第二十九条"),
            ),
            Method.request_for_quotation: (
                EffectiveValue(O74, working_days(3), "财政部令第74号 第四十五条"),
            ),
            Method.competitive_consultation: (
                EffectiveValue(C214, days(5), "财库〔2014〕214号 第十条", "E"),
            ),
            Method.single_source: (
                EffectiveValue(GPL, None, "政府采购法 第三十九条；财政部令第74号 第四十一条"),
            ),
            Method.framework_agreement: (
                EffectiveValue(O110, days(15), "财政部令第110号 第九条；财政部令第87号 第二十七条"),
            ),
            Method.emall: (EffectiveValue(GPL, None, NO_GPL_SCOPE),),
        }
    ),
    summary_zh="澄清或者修改可能影响投标（响应）文件编制的，须在截止时间前至少该期限通知；不足的，顺延截止时间。",
    summary_en=(
        "A clarification or change that may affect bid preparation must reach suppliers at least this "
        "long before the deadline; otherwise the deadline is postponed."
    ),
)
DOCUMENTS_PERIOD = MethodPeriodRule(
    name="deadlines.documents_available_until",
    title_zh="采购文件的提供期限",
    title_en="Minimum time the procurement documents are provided",
    direction=Direction.after,
    table=MappingProxyType(
        {
            Method.open_tender: (
                EffectiveValue(IR, working_days(5), "政府采购法实施条例 第三十一条"),
                EffectiveValue(
                    O87, working_days(5), "政府采购法实施条例 第三十一条；财政部令第87号 第十八条"
                ),
            ),
            Method.invited_tender: (
                EffectiveValue(IR, working_days(5), "政府采购法实施条例 第三十一条"),
                EffectiveValue(
                    O87, working_days(5), "政府采购法实施条例 第三十一条；财政部令第87号 第十八条"
                ),
            ),
            Method.competitive_consultation: (
                EffectiveValue(C214, working_days(5), "财库〔2014〕214号 第十条", "E"),
            ),
            # Negotiation and RFQ set only the response period (O74 §29, §45), single source none.
            Method.competitive_negotiation: (EffectiveValue(O74, None, "财政部令第74号 第二十九条"),),
            Method.request_for_quotation: (EffectiveValue(O74, None, "财政部令第74号 第四十五条"),),
            Method.single_source: (
                EffectiveValue(GPL, None, "政府采购法 第三十九条；财政部令第74号 第四十一条"),
            ),
            Method.framework_agreement: (
                EffectiveValue(O110, working_days(5), "财政部令第110号 第九条；财政部令第87号 第十八条"),
            ),
            Method.emall: (EffectiveValue(GPL, None, NO_GPL_SCOPE),),
        }
    ),
    summary_zh="采购文件自公告发布（开始发出）之日起提供，提供期限不得少于该期限。",
    summary_en="Documents are provided from the announcement for at least this long.",
)
PREQUALIFICATION_PERIOD = period_rule(
    "deadlines.earliest_prequalification_deadline",
    "提交资格预审申请文件的最短期限",
    "Minimum time from the prequalification announcement to the application deadline",
    EffectiveValue(IR, working_days(5), "政府采购法实施条例 第二十一条"),
    EffectiveValue(O87, working_days(5), "政府采购法实施条例 第二十一条；财政部令第87号 第十六条"),
    shown_as="≥{}",
)
PREQUALIFICATION_CLARIFICATION = period_rule(
    "deadlines.latest_prequalification_clarification_date",
    "澄清或者修改资格预审文件的最晚日期",
    "Latest date to clarify the prequalification documents without postponing the application deadline",
    EffectiveValue(O87, days(3), "财政部令第87号 第二十七条第三款"),
    direction=Direction.before,
    shown_as="至少 {}前",
)


def earliest_bid_deadline(
    method: Method | str, issued_on: date, *, on_date: date | None = None
) -> Ruled[date]:
    """The earliest lawful bid (response) deadline for documents first issued on `issued_on`.

    Open/invited tender ≥20 days (GPL §35); negotiation and RFQ ≥3 working days (O74 §29, §45);
    consultation ≥10 days (C214 §10); closed framework agreement as open tender (O110 §9).
    Single source and e-mall: RuleError ``deadline.not_applicable``.
    """
    return apply_method_period(BID_PERIOD, method, issued_on, on_date)


def latest_clarification_date(
    method: Method | str, bid_deadline: date, *, on_date: date | None = None
) -> Ruled[date]:
    """The last day a clarification that may affect bids can be issued without postponing `bid_deadline`.

    Tender: at least 15 days before (IR §31, O87 §27); consultation 5 days (C214 §10); negotiation
    and RFQ 3 working days (O74 §29, §45). Counted backwards: `bid_deadline` − 15 days, and when
    that is not a working day the *previous* working day — §203 extends a period to protect the
    one who must act within it; moving this date later would leave suppliers fewer than 15 days.
    """
    return apply_method_period(CLARIFICATION_PERIOD, method, bid_deadline, on_date)


def documents_available_until(
    method: Method | str, announced_on: date, *, on_date: date | None = None
) -> Ruled[date]:
    """The earliest last day the documents may stop being provided, counted from the announcement.

    Open/invited tender ≥5 working days (IR §31, O87 §18); consultation ≥5 working days
    (C214 §10); closed framework agreement as open tender (O110 §9). Negotiation, RFQ, single
    source and e-mall: RuleError ``deadline.not_applicable`` (the law sets no such period).
    """
    return apply_method_period(DOCUMENTS_PERIOD, method, announced_on, on_date)


def earliest_prequalification_deadline(announced_on: date, *, on_date: date | None = None) -> Ruled[date]:
    """Earliest deadline for prequalification applications: ≥5 working days from the announcement
    (IR §21; O87 §16)."""
    return apply_period(PREQUALIFICATION_PERIOD, announced_on, on_date)


def latest_prequalification_clarification_date(
    application_deadline: date, *, on_date: date | None = None
) -> Ruled[date]:
    """Last day to clarify the prequalification documents: ≥3 days before the application deadline
    (O87 §27 ¶3), counted backwards (moved earlier to a working day)."""
    return apply_period(PREQUALIFICATION_CLARIFICATION, application_deadline, on_date)


def postponed_after_clarification(
    entry: EffectiveValue[Period], published_on: date, deadline_on: date, *, on_date: date
) -> Ruled[date] | None:
    """The deadline a clarification published on `published_on` requires, or None when in time.

    The clarification must leave at least `entry`'s period before the deadline; when it does not,
    the new deadline is counted *forward* from the clarification day by that period: the next day
    is the first (民法典 §201), and a last day that is not a working day moves to the next working
    day (§203) — as `earliest_bid_deadline` counts. A deadline already on or after it stands.
    """
    required, moved = count_forward(published_on, entry.value)
    if deadline_on >= required:
        return None
    counting = counting_citation(entry.value, Direction.after, on_date)
    note = (
        f"澄清或者修改于 {published_on.isoformat()} 发出，距截止日期不足{entry.value}，"
        f"截止时间顺延至 {required.isoformat()}"
    )
    return Ruled(required, join_citations(entry.citation, counting), f"{note}；{moved}" if moved else note)


def postponed_prequalification_deadline(
    published_on: date, deadline_on: date, *, on_date: date | None = None
) -> Ruled[date] | None:
    """The postponed application deadline after a late clarification of the prequalification
    documents (O87 §27 ¶3: at least 3 days before, else postpone), or None when in time."""
    when = published_on if on_date is None else on_date
    entry = value_on(PREQUALIFICATION_CLARIFICATION.history, when, rule=PREQUALIFICATION_CLARIFICATION.name)
    return postponed_after_clarification(entry, published_on, deadline_on, on_date=when)
