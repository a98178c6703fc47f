"""The measures, defined once: each a named object with its definition (zh source, en by gettext;
shown on the public definitions page) and how it is computed from the summary tables.

A measure is a few sums over summary rows (`Summary` or a `Rollup`: `aggregates`) and a function
that combines them (`combine`); the same pair gives the measure's total over any filter and its
breakdown by any dimension (`total`, `breakdown`). A measure with a `drill` names the `Fact` rows
behind it and the fact column whose sum is the figure, so the drill-down list adds up to the figure
that was clicked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opengps.planning.models import FundSource
from opengps.registry.models import OrgType
from opengps.stats.models import Source

Kind = Literal["money", "percent", "number", "days"]

SOCIAL_ORG_TYPES = tuple(OrgType.values)
"""The registry's organization types that are social organizations (社会团体、社会服务机构、基金会)."""
LOTTERY_FUNDS = (FundSource.WELFARE_LOTTERY.value, FundSource.SPORTS_LOTTERY.value)
NON_COMPETITIVE_METHODS = ("single_source",)
"""Methods without competition: 单一来源 (OCDS ``limited``); every other method asks for at least two
offers (邀请招标 and 框架协议 included)."""

CENT = Decimal("0.01")
ZERO = Decimal("0")


def _sum(column: str, condition: Q) -> Coalesce:
    return Coalesce(Sum(column, filter=condition), ZERO if column in MONEY_COLUMNS else 0)


MONEY_COLUMNS = {"amount", "budget", "paid"}


def _q(source: str, extra: Q | None = None) -> Q:
    condition = Q(source=source)
    return condition & extra if extra is not None else condition


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def _ratio(numerator: Any, denominator: Any, *, percent: bool = True) -> Decimal | None:
    top, bottom = Decimal(numerator or 0), Decimal(denominator or 0)
    if not bottom:
        return None
    return (top * (100 if percent else 1) / bottom).quantize(CENT, rounding=ROUND_HALF_UP)


COUNT = "records"
"""The drill "column" of a count: each fact listed counts one."""


@dataclass(frozen=True)
class Drill:
    """The fact rows behind a figure: their source, any further condition, the column summed
    (`COUNT`: the number of rows)."""

    source: str
    condition: Q | None = None
    column: str = "amount"

    def facts_filter(self) -> Q:
        return _q(self.source, self.condition)


@dataclass(frozen=True)
class Measure:
    key: str
    name: str | Promise
    definition: str | Promise
    kind: Kind
    aggregates: Mapping[str, Any]
    combine: Callable[[Mapping[str, Any]], Decimal | None]
    drill: Drill | None = None
    note: str | Promise = field(default="")

    def total(self, rows: QuerySet[Any]) -> Decimal | None:
        """The measure over the summary rows `rows` (already filtered)."""
        return self.combine(rows.aggregate(**self.aggregates))

    def breakdown(
        self, rows: QuerySet[Any], *dimensions: str
    ) -> list[tuple[tuple[Any, ...], Decimal | None]]:
        """The measure per value of `dimensions`, in the dimensions' order (empty groups left out)."""
        grouped = rows.values(*dimensions).annotate(**self.aggregates).order_by(*dimensions)
        return [(tuple(row[d] for d in dimensions), self.combine(row)) for row in grouped]


def _money_measure(
    key: str,
    name: str | Promise,
    definition: str | Promise,
    source: str,
    column: str = "amount",
    extra: Q | None = None,
) -> Measure:
    return Measure(
        key=key,
        name=name,
        definition=definition,
        kind="money",
        aggregates={"value": _sum(column, _q(source, extra))},
        combine=lambda v: _money(v["value"]),
        drill=Drill(source, extra, column),
    )


def _share_measure(
    key: str, name: str | Promise, definition: str | Promise, source: str, part: Q, column: str = "amount"
) -> Measure:
    return Measure(
        key=key,
        name=name,
        definition=definition,
        kind="percent",
        aggregates={"part": _sum(column, _q(source, part)), "whole": _sum(column, _q(source))},
        combine=lambda v: _ratio(v["part"], v["whole"]),
        drill=Drill(source, part, column),
    )


def _average_days_measure(
    key: str, name: str | Promise, definition: str | Promise, source: str, column: str
) -> Measure:
    """The mean of the fact column `column` (days between two dates) over the facts that have it:
    the summaries keep its sum (``<column>_sum``) and how many facts had one (``<column>_n``)."""
    return Measure(
        key=key,
        name=name,
        definition=definition,
        kind="days",
        aggregates={"days": _sum(f"{column}_sum", _q(source)), "n": _sum(f"{column}_n", _q(source))},
        combine=lambda v: _ratio(v["days"], v["n"], percent=False),
        drill=Drill(source, Q(**{f"{column}__isnull": False}), column),
    )


SOCIAL = Q(provider_type__in=SOCIAL_ORG_TYPES)

MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        _money_measure(
            "budgeted",
            _("预算金额"),
            _("财政部门已批复的政府购买服务预算指标金额之和，按预算年度统计（全年数，不分季度、月份）。"),
            Source.BUDGET,
        ),
        _money_measure(
            "planned",
            _("计划采购金额"),
            _("未取消的采购实施计划的采购预算之和，按所用预算指标的预算年度统计（全年数）。"),
            Source.PLAN,
        ),
        _money_measure(
            "awarded",
            _("中标（成交）金额"),
            _(
                "已公告的中标（成交）结果中，中标（成交）供应商的投标总价之和，按结果公告日期统计，每个采购包计一次。"
            ),
            Source.AWARD,
        ),
        _money_measure(
            "contracted",
            _("合同金额"),
            _("已签订合同的现行合同金额（含补充合同追加金额）之和，按签订日期统计。"),
            Source.CONTRACT,
        ),
        _money_measure(
            "paid",
            _("已支付金额"),
            _("已签订合同中已登记实际支付的款项（实付金额）之和，按合同签订日期统计。"),
            Source.CONTRACT,
            column="paid",
        ),
        _share_measure(
            "social_share",
            _("社会组织承接资金比例"),
            _(
                "合同金额中承接主体为登记的社会组织（社会团体、社会服务机构、基金会）的部分占全部合同金额的百分比。"
                "其余为企业、事业单位等其他承接主体；本平台目前只从社会组织登记库选择供应商，"
                "因此按承接主体类型的构成（及其总额）是主要的变化。"
            ),
            Source.CONTRACT,
            SOCIAL,
        ),
        _money_measure(
            "social_amount",
            _("社会组织承接资金总额"),
            _("承接主体为登记的社会组织的已签订合同金额之和，按签订日期统计。"),
            Source.CONTRACT,
            extra=SOCIAL,
        ),
        _share_measure(
            "social_share_awarded",
            _("社会组织中标（成交）金额比例"),
            _("中标（成交）金额中中标（成交）供应商为登记的社会组织的部分所占百分比。"),
            Source.AWARD,
            SOCIAL,
        ),
        _share_measure(
            "industry_share",
            _("行业协会商会承接资金比例"),
            _(
                "合同金额中承接主体为行业协会商会的部分占全部合同金额的百分比（同等条件下优先向行业协会商会购买）。"
            ),
            Source.CONTRACT,
            Q(industry=True),
        ),
        Measure(
            key="bidders",
            name=_("平均投标人数"),
            definition=_("已开标的采购项目中，开标时递交的投标数之和除以已开标项目数（按公告日期统计）。"),
            kind="number",
            aggregates={
                "bidders": _sum("bidders", _q(Source.PROCUREMENT)),
                "opened": _sum("opened", _q(Source.PROCUREMENT)),
            },
            combine=lambda v: _ratio(v["bidders"], v["opened"], percent=False),
            drill=Drill(Source.PROCUREMENT, Q(opened=1), "bidders"),
        ),
        Measure(
            key="procurements",
            name=_("采购项目数"),
            definition=_("已公告（或已公示）的采购项目数，按公告日期统计。"),
            kind="number",
            aggregates={"n": _sum("records", _q(Source.PROCUREMENT))},
            combine=lambda v: Decimal(v["n"] or 0),
            drill=Drill(Source.PROCUREMENT, None, COUNT),
        ),
        Measure(
            key="single_bid_share",
            name=_("仅一家投标项目比例"),
            definition=_(
                "已开标的采购项目中，开标时只收到一份投标的项目数占已开标项目数的百分比（对应风险预警“仅一家有效投标”）。"
            ),
            kind="percent",
            aggregates={
                "part": _sum("single_bid", _q(Source.PROCUREMENT)),
                "whole": _sum("opened", _q(Source.PROCUREMENT)),
            },
            combine=lambda v: _ratio(v["part"], v["whole"]),
            drill=Drill(Source.PROCUREMENT, Q(single_bid=1), "single_bid"),
        ),
        Measure(
            key="non_competitive",
            name=_("非竞争性方式项目比例"),
            definition=_("已公告（或已公示）的采购项目中，采用单一来源方式的项目数占全部项目数的百分比。"),
            kind="percent",
            aggregates={
                "part": _sum("non_competitive", _q(Source.PROCUREMENT)),
                "whole": _sum("records", _q(Source.PROCUREMENT)),
            },
            combine=lambda v: _ratio(v["part"], v["whole"]),
            drill=Drill(Source.PROCUREMENT, Q(non_competitive=1), "non_competitive"),
        ),
        Measure(
            key="savings",
            name=_("节约率"),
            definition=_("已公告的中标（成交）结果中，(采购包预算 − 中标价) 之和占采购包预算之和的百分比。"),
            kind="percent",
            aggregates={
                "budget": _sum("budget", _q(Source.AWARD)),
                "awarded": _sum("amount", _q(Source.AWARD)),
            },
            combine=lambda v: _ratio(Decimal(v["budget"] or 0) - Decimal(v["awarded"] or 0), v["budget"]),
            drill=Drill(Source.AWARD, None, "budget"),
        ),
        Measure(
            key="savings_amount",
            name=_("节约金额"),
            definition=_("已公告的中标（成交）结果中，采购包预算之和减去中标价之和。"),
            kind="money",
            aggregates={
                "budget": _sum("budget", _q(Source.AWARD)),
                "awarded": _sum("amount", _q(Source.AWARD)),
            },
            combine=lambda v: _money(Decimal(v["budget"] or 0) - Decimal(v["awarded"] or 0)),
        ),
        _average_days_measure(
            "days_to_award",
            _("公告至结果公告平均天数"),
            _(
                "采购公告（或单一来源公示）日期至中标（成交）结果公告日期的自然日数的平均值，每个采购包计一次。"
            ),
            Source.AWARD,
            "days_award",
        ),
        _average_days_measure(
            "days_to_contract",
            _("结果公告至签约平均天数"),
            _("中标（成交）结果公告日期至合同签订日期的自然日数的平均值（只计由中标结果签订的合同）。"),
            Source.CONTRACT,
            "days_contract",
        ),
        Measure(
            key="late_contracts",
            name=_("逾期签订合同数"),
            definition=_(
                "签订日期晚于法定签订期限（中标通知书发出之日起30日，政府采购法第四十六条）的合同数。"
            ),
            kind="number",
            aggregates={"n": _sum("late", _q(Source.CONTRACT))},
            combine=lambda v: Decimal(v["n"] or 0),
            drill=Drill(Source.CONTRACT, Q(late=1), "late"),
        ),
        Measure(
            key="graded",
            name=_("已评定绩效评价数"),
            definition=_(
                "已评定（或已公开）的合同绩效评价数，按评定日期统计；分布按评价等级（优、良、中、差）。"
            ),
            kind="number",
            aggregates={"n": _sum("records", _q(Source.GRADE))},
            combine=lambda v: Decimal(v["n"] or 0),
            drill=Drill(Source.GRADE, None, COUNT),
        ),
        _money_measure(
            "granted",
            _("资助协议金额"),
            _("已签订资助协议的资助金额之和（各资金来源），按签订日期统计。"),
            Source.GRANT,
        ),
        _money_measure(
            "lottery_spend",
            _("彩票公益金资助金额"),
            _("资金来源为福彩公益金或体彩公益金的资助项目中，已签订资助协议的资助金额之和，按签订日期统计。"),
            Source.GRANT,
            extra=Q(fund_source__in=LOTTERY_FUNDS),
        ),
        _money_measure(
            "venture_spend",
            _("公益创投资助金额"),
            _("公益创投资助项目中已签订资助协议的资助金额之和，按签订日期统计。"),
            Source.GRANT,
            extra=Q(venture=True),
        ),
        _money_measure(
            "grants_released",
            _("资助资金已拨付金额"),
            _("已签订资助协议中已拨付的各期资金之和，按协议签订日期统计。"),
            Source.GRANT,
            column="paid",
        ),
        _money_measure(
            "emall_spend",
            _("电子卖场采购金额"),
            _("供应商已确认（未拒绝、未超时）的电子卖场订单金额之和，按确认日期统计。"),
            Source.EMALL,
        ),
        _money_measure(
            "emall_paid",
            _("电子卖场已付款金额"),
            _("电子卖场订单中已登记付款的订单金额之和，按订单确认日期统计。"),
            Source.EMALL,
            column="paid",
        ),
    ]
}


def measure(key: str) -> Measure:
    return MEASURES[key]


def count_facts(rows: QuerySet[Any]) -> int:
    """How many records a fact query lists (the drill-down page's count)."""
    return int(rows.aggregate(n=Count("pk"))["n"])
