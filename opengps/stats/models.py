"""Summary tables of the dashboards: one fact row per record, one summary row per combination of
dimensions, coarser rollups of the summaries, the record of each refresh, and the yearly targets
the finance department sets.

`Fact`, `Summary` and `Rollup` share their dimension columns (`Dimensions`), so one filter applies
to all: a dashboard's figure sums the rows of the smallest rollup that keeps the dimensions it
filters and groups by (`Summary` when none does), its drill-down lists the `Fact` rows behind them,
and they agree by construction. All are rebuilt together by `services.summaries_refresh` in one
transaction; nothing else writes them. Dashboards never read the lifecycle apps' tables.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Which kind of record a fact (and a summary row) counts."""

    BUDGET = "budget", _("预算指标")
    """An approved budget line (预算指标), dated by its fiscal year."""
    PLAN = "plan", _("采购实施计划")
    """A purchase plan that was not cancelled, dated by its budget line's fiscal year."""
    PROCUREMENT = "procurement", _("采购项目")
    """A procurement that was announced (or whose single-source notice was published)."""
    AWARD = "award", _("中标（成交）结果")
    """An announced award of one lot, with its winning price."""
    CONTRACT = "contract", _("合同")
    """A signed contract, with what was paid on it."""
    GRADE = "grade", _("绩效评价")
    """A finalized performance evaluation of a contract, with its grade."""
    GRANT = "grant", _("资助协议")
    """A signed grant agreement (福彩公益金、公益创投…), with what was released on it."""
    EMALL = "emall", _("电子卖场订单")
    """An e-mall order the supplier confirmed (not declined or lapsed), with what was paid on it."""


ANNUAL = 0
"""The quarter and month of annual records (budget lines, plans): they belong to a year only."""


class Dimensions(models.Model):
    """The dimensions every fact and summary row is keyed by (blank: not applicable to the source)."""

    source = models.CharField(_("统计对象"), max_length=12, choices=Source.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), default=ANNUAL)
    month = models.PositiveSmallIntegerField(_("月份"), default=ANNUAL)
    province = models.CharField(_("省"), max_length=6, blank=True)
    city = models.CharField(_("市州"), max_length=6, blank=True)
    county = models.CharField(_("县市区"), max_length=6, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cat1 = models.CharField(_("目录一级编码"), max_length=20, blank=True)
    cat1_name = models.CharField(_("目录一级"), max_length=200, blank=True)
    cat2 = models.CharField(_("目录二级编码"), max_length=20, blank=True)
    cat2_name = models.CharField(_("目录二级"), max_length=200, blank=True)
    method = models.CharField(_("采购方式"), max_length=32, blank=True)
    fund_source = models.CharField(_("资金来源"), max_length=20, blank=True)
    provider_type = models.CharField(_("承接主体类型"), max_length=24, blank=True)
    industry = models.BooleanField(_("行业协会商会"), default=False)
    rating = models.PositiveSmallIntegerField(_("评估等级"), default=0, help_text=_("0 表示未评估"))
    grade = models.CharField(_("绩效等级"), max_length=2, blank=True)
    venture = models.BooleanField(_("公益创投"), default=False)
    public = models.BooleanField(
        _("已公开"), default=False, help_text=_("记录已在门户公开（公开统计只计这些记录）")
    )

    class Meta:
        abstract = True


DIMENSION_FIELDS = [
    "source",
    "year",
    "quarter",
    "month",
    "province",
    "city",
    "county",
    "unit",
    "cat1",
    "cat1_name",
    "cat2",
    "cat2_name",
    "method",
    "fund_source",
    "provider_type",
    "industry",
    "rating",
    "grade",
    "venture",
    "public",
]


class Fact(Dimensions):
    """One record as the statistics count it: its dimensions and its figures."""

    # Facts are only ever built from lifecycle records whose unit the database has already checked,
    # into a fresh table swapped in for this one (`stats.swap`): no foreign key to check again at
    # commit for each of millions of rows (27 s at national scale)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    record_id = models.PositiveBigIntegerField(_("记录编号"))
    parent_id = models.PositiveBigIntegerField(
        _("所属记录编号"), null=True, blank=True, help_text=_("定标：所属采购项目")
    )
    reference = models.CharField(_("编号"), max_length=60, blank=True)
    title = models.CharField(_("名称"), max_length=200, blank=True)
    dated = models.DateField(_("统计日期"), null=True, blank=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2, default=Decimal("0.00"))
    budget = models.DecimalField(
        _("对应预算（元）"), max_digits=16, decimal_places=2, default=Decimal("0.00")
    )
    paid = models.DecimalField(_("已支付（元）"), max_digits=16, decimal_places=2, default=Decimal("0.00"))
    opened = models.PositiveSmallIntegerField(_("已开标"), default=0)
    bidders = models.PositiveIntegerField(_("投标人数"), default=0)
    non_competitive = models.PositiveSmallIntegerField(_("非竞争性方式"), default=0)
    single_bid = models.PositiveSmallIntegerField(_("仅一家投标"), default=0)
    days_award = models.IntegerField(_("公告至定标天数"), null=True, blank=True)
    days_contract = models.IntegerField(_("定标至签约天数"), null=True, blank=True)
    late = models.PositiveSmallIntegerField(_("逾期签订"), default=0)

    class Meta:
        verbose_name = _("统计明细")
        verbose_name_plural = _("统计明细")
        ordering = ["source", "-dated", "record_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "record_id"], name="stats_fact_once"),
        ]
        indexes = [
            models.Index(fields=["source", "year", "city", "county"], name="stats_fact_region_idx"),
            models.Index(fields=["source", "year", "cat1", "cat2"], name="stats_fact_category_idx"),
            # a drill-down's page in a city: the first 50 by date without sorting every fact behind it
            models.Index(
                fields=["source", "year", "city", "-dated", "record_id"], name="stats_fact_page_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.reference}"


class Totals(Dimensions):
    """The sums a summary row keeps of its facts (what every measure is computed from)."""

    # Summary rows are only ever grouped from facts, whose unit the database has already checked:
    # a foreign key checked again at commit for each of millions of regrouped rows adds nothing
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    records = models.PositiveIntegerField(_("记录数"), default=0)
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2, default=Decimal("0.00"))
    budget = models.DecimalField(
        _("对应预算（元）"), max_digits=16, decimal_places=2, default=Decimal("0.00")
    )
    paid = models.DecimalField(_("已支付（元）"), max_digits=16, decimal_places=2, default=Decimal("0.00"))
    opened = models.PositiveIntegerField(_("已开标项目数"), default=0)
    bidders = models.PositiveIntegerField(_("投标人数合计"), default=0)
    non_competitive = models.PositiveIntegerField(_("非竞争性方式项目数"), default=0)
    single_bid = models.PositiveIntegerField(_("仅一家投标项目数"), default=0)
    days_award_sum = models.BigIntegerField(_("公告至定标天数合计"), default=0)
    days_award_n = models.PositiveIntegerField(_("公告至定标计数"), default=0)
    days_contract_sum = models.BigIntegerField(_("定标至签约天数合计"), default=0)
    days_contract_n = models.PositiveIntegerField(_("定标至签约计数"), default=0)
    late = models.PositiveIntegerField(_("逾期签订合同数"), default=0)

    class Meta:
        abstract = True


TOTAL_FIELDS = [
    "records",
    "amount",
    "budget",
    "paid",
    "opened",
    "bidders",
    "non_competitive",
    "single_bid",
    "days_award_sum",
    "days_award_n",
    "days_contract_sum",
    "days_contract_n",
    "late",
]


class Summary(Totals):
    """The facts summed over one combination of every dimension (what a dashboard reads when its
    filter names a dimension no rollup keeps, e.g. a unit)."""

    class Meta:
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")
        indexes = [
            models.Index(fields=["source", "year"], name="stats_summary_year_idx"),
            models.Index(fields=["year", "city"], name="stats_summary_city_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.year}"


CORE_DIMENSIONS = ("source", "year", "public", "provider_type", "industry", "fund_source", "venture")
"""The dimensions every rollup keeps: the year and the ones the measures' own conditions name
(social organizations, industry associations, lottery funds, venture philanthropy)."""

GRAINS: dict[str, tuple[str, ...]] = {
    # smallest first: a read takes the first grain that keeps every dimension it filters or groups by
    "core": (),
    "grade": ("grade",),
    "rating": ("rating",),
    "method": ("method",),
    "month": ("quarter", "month"),
    "city": ("city",),
    "cat1": ("cat1", "cat1_name"),
    "county": ("city", "county"),
    "cat2": ("cat1", "cat1_name", "cat2", "cat2_name"),
    "mixed": ("grade", "rating", "method", "quarter", "month"),
}
"""Each rollup's dimensions besides `CORE_DIMENSIONS` (the others stay at their blank defaults)."""

GRAIN_PARENTS = {
    "core": "month",
    "grade": "mixed",
    "rating": "mixed",
    "method": "mixed",
    "month": "mixed",
    "city": "county",
    "cat1": "cat2",
}
"""A rollup built from a finer rollup instead of from `Summary` (the same sums, fewer rows to read):
only `mixed`, `county` and `cat2` read every summary row."""


class Rollup(Totals):
    """`Summary` summed again over all but a few dimensions (its `grain`): a dashboard's figures and
    tables read a few thousand of these rows instead of one summary row per record."""

    grain = models.CharField(_("汇总粒度"), max_length=8, choices=[(g, g) for g in GRAINS])

    class Meta:
        verbose_name = _("统计汇总（粗粒度）")
        verbose_name_plural = _("统计汇总（粗粒度）")
        indexes = [models.Index(fields=["grain", "year", "city"], name="stats_rollup_grain_idx")]

    def __str__(self) -> str:
        return f"{self.grain} {self.get_source_display()} {self.year}"


class Refresh(models.Model):
    """One rebuild of the summary tables that changed them: when it ran, who started it, how many
    rows it wrote; a rebuild that finds the same data only moves `finished_at` (checked at)."""

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"))
    facts = models.PositiveIntegerField(_("明细行数"))
    summaries = models.PositiveIntegerField(_("汇总行数"))
    digest = models.CharField(
        _("数据指纹"), max_length=64, blank=True, help_text=_("明细数据的 SHA-256；与上次相同则不另记刷新")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示系统定时任务"),
    )

    class Meta:
        verbose_name = _("统计刷新记录")
        verbose_name_plural = _("统计刷新记录")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M}"


class ShareTarget(models.Model):
    """The finance department's target for a year: the share (and total) of purchase-of-services
    money going to social organizations (seed 003: 切实提高政府向社会组织购买服务的资金比例和总资金额)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    share = models.DecimalField(_("目标比例（%）"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("目标金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设定人"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("设定时间"))

    class Meta:
        verbose_name = _("社会组织承接资金目标")
        verbose_name_plural = _("社会组织承接资金目标")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(share__gte=0, share__lte=100), name="stats_target_share_percent"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="stats_target_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.share}%"
