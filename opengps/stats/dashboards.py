"""The dashboards described as data: each one's heading, figures and tables (the dimension a table
breaks its measures down by, the measures, the drill-down a row links to, the chart that draws it).
One view (`views._board`) renders any of them; the workbook export reads the same description."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

COMPETITION_KEYS = (
    "procurements",
    "bidders",
    "single_bid_share",
    "non_competitive",
    "savings",
    "savings_amount",
    "days_to_award",
    "days_to_contract",
    "late_contracts",
)
PROVIDER_KEYS = (
    "contracted",
    "social_share",
    "social_amount",
    "industry_share",
    "awarded",
    "social_share_awarded",
    "graded",
)
GRANT_AND_EMALL_KEYS = (
    "granted",
    "lottery_spend",
    "venture_spend",
    "grants_released",
    "emall_spend",
    "emall_paid",
)
FUND_KEYS = ("budgeted", "planned", "contracted", "paid", *GRANT_AND_EMALL_KEYS)
OVERVIEW_KEYS = (
    "budgeted",
    "planned",
    "awarded",
    "contracted",
    "paid",
    "social_share",
    "social_amount",
    "social_share_awarded",
    "industry_share",
    *COMPETITION_KEYS,
    *GRANT_AND_EMALL_KEYS,
)
PUBLIC_KEYS = (
    "planned",
    "procurements",
    "bidders",
    "single_bid_share",
    "non_competitive",
    "awarded",
    "social_share_awarded",
    "savings",
    "savings_amount",
    "days_to_award",
    "contracted",
    "social_share",
    "social_amount",
    "industry_share",
    "days_to_contract",
    "late_contracts",
    "graded",
    "granted",
    "lottery_spend",
    "venture_spend",
)
"""The measures with published records behind them (budgets, payments and e-mall orders are not
published on the portal, so their measures are not shown publicly)."""

GRADES = "grade"
"""The dimension of the performance grades' table (every grade listed, in the order 优 良 中 差)."""


@dataclass(frozen=True)
class Breakdown:
    """A table (and its chart): `keys`' measures by `dimension`. A row links to the records of
    `drill` with the row's value; a blank value (本级、未注明) links only where `blank_drill`, to the
    unfiltered records, as the overview always has."""

    title: str | Promise
    dimension: str
    dimension_title: str | Promise
    keys: tuple[str, ...]
    drill: str = ""
    chart: str = "bar"
    label_dimension: str | None = None
    monthly: bool = False
    blank_drill: bool = False


@dataclass(frozen=True)
class Dashboard:
    heading: str | Promise
    keys: tuple[str, ...]
    tables: tuple[Breakdown, ...]
    template: str = "stats/dashboard.html"
    public: bool = False
    flags: bool = False


def _grades(drill: str = "", *, chart: str = "bar") -> Breakdown:
    return Breakdown(_("绩效评价等级分布"), GRADES, _("等级"), ("graded",), drill, chart)


_METHOD = _("采购方式")
_PROVIDER_TYPE = _("承接主体类型")
_FUND = _("资金来源")
_MONTH = _("月份")
_CITY = _("市州")

DASHBOARDS: dict[str, Dashboard] = {
    "overview": Dashboard(
        _("统计分析 · 领导总览"),
        OVERVIEW_KEYS,
        (
            Breakdown(
                _("按月合同金额"),
                "month",
                _MONTH,
                ("contracted", "social_amount"),
                "contracted",
                monthly=True,
                blank_drill=True,
            ),
            Breakdown(
                _("按承接主体类型的合同金额"),
                "provider_type",
                _PROVIDER_TYPE,
                ("contracted",),
                "contracted",
                "pie",
                blank_drill=True,
            ),
            Breakdown(
                _("按采购方式的中标（成交）金额"),
                "method",
                _METHOD,
                ("awarded", "savings", "days_to_award"),
                "awarded",
                blank_drill=True,
            ),
            Breakdown(
                _("按资金来源的合同与资助金额"),
                "fund_source",
                _FUND,
                ("contracted", "lottery_spend", "venture_spend"),
                "contracted",
                blank_drill=True,
            ),
            _grades(),
        ),
        template="stats/overview.html",
    ),
    "competition": Dashboard(
        _("统计分析 · 竞争与廉洁"),
        COMPETITION_KEYS,
        (
            Breakdown(
                _("按采购方式的竞争情况"),
                "method",
                _METHOD,
                ("procurements", "bidders", "single_bid_share"),
                "procurements",
            ),
            Breakdown(
                _("按市州的竞争情况"),
                "city",
                _CITY,
                ("procurements", "non_competitive", "single_bid_share", "bidders"),
                "procurements",
            ),
            Breakdown(
                _("按目录一级类别的竞争情况"),
                "cat1",
                _("目录类别"),
                ("procurements", "non_competitive", "single_bid_share"),
                "procurements",
                label_dimension="cat1_name",
            ),
            Breakdown(
                _("按采购方式的节约情况"),
                "method",
                _METHOD,
                ("awarded", "savings_amount", "savings", "days_to_award"),
                "awarded",
            ),
        ),
        flags=True,
    ),
    "providers": Dashboard(
        _("统计分析 · 承接主体"),
        PROVIDER_KEYS,
        (
            Breakdown(
                _("按承接主体类型的合同与中标金额"),
                "provider_type",
                _PROVIDER_TYPE,
                ("contracted", "awarded", "paid"),
                "contracted",
                "pie",
            ),
            Breakdown(
                _("按社会组织评估等级的合同金额"),
                "rating",
                _("评估等级"),
                ("contracted", "awarded"),
                "contracted",
                blank_drill=True,
            ),
            _grades("graded"),
        ),
    ),
    "funds": Dashboard(
        _("统计分析 · 资金来源"),
        FUND_KEYS,
        (
            Breakdown(
                _("按资金来源的预算、计划与合同金额"),
                "fund_source",
                _FUND,
                ("budgeted", "planned", "contracted", "paid"),
                "budgeted",
            ),
            Breakdown(
                _("按资金来源的资助金额"),
                "fund_source",
                _FUND,
                ("granted", "grants_released"),
                "granted",
                "pie",
            ),
            Breakdown(
                _("按月电子卖场采购金额"),
                "month",
                _MONTH,
                ("emall_spend", "emall_paid"),
                "emall_spend",
                monthly=True,
            ),
        ),
    ),
    "public": Dashboard(
        _("公开统计"),
        PUBLIC_KEYS,
        (
            Breakdown(
                _("按市州的公开合同与中标金额"),
                "city",
                _CITY,
                ("contracted", "awarded", "procurements"),
            ),
            Breakdown(
                _("按采购方式的公开采购项目"),
                "method",
                _METHOD,
                ("procurements", "bidders", "single_bid_share"),
            ),
            Breakdown(
                _("按承接主体类型的公开合同金额"),
                "provider_type",
                _PROVIDER_TYPE,
                ("contracted",),
                chart="pie",
            ),
        ),
        template="stats/public.html",
        public=True,
    ),
}
