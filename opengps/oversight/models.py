"""Red-flag runs, the flags they raised with their evidence, and the thresholds in force (监督预警).

Thresholds are data with effective dates (`FlagThreshold`): the defaults and their justification
live in `opengps.rules.redflags.THRESHOLDS`; the finance department records an override from a
date on, never editing history, so a past run can always be explained by the values then in
force (each `FlagRun` also keeps a copy of the values it used).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opengps.rules.redflags import THRESHOLDS, FlagCode

# The same titles as opengps.rules.redflags.FLAG_TITLES, spelled out so gettext can translate them
# (a test keeps the two equal).
FLAG_LABELS = {
    FlagCode.short_submission_period: _("投标（响应）期限过短"),
    FlagCode.single_bid: _("仅一家有效投标"),
    FlagCode.close_winning_bid: _("中标价与次低价过于接近"),
    FlagCode.identical_prices: _("不同投标人报价相同"),
    FlagCode.all_but_winner_disqualified: _("除中标人外均被否决"),
    FlagCode.lowest_bid_disqualified: _("最低报价被否决"),
    FlagCode.excessive_disqualifications: _("采购人否决投标比例过高"),
    FlagCode.split_purchase: _("疑似化整为零规避公开招标"),
    FlagCode.single_source_share: _("单一来源采购占比过高"),
    FlagCode.supplier_share: _("同一供应商中标占比过高"),
    FlagCode.shared_network: _("不同投标人从同一网络地址递交"),
    FlagCode.shared_device: _("不同投标人使用同一设备递交"),
    FlagCode.shared_contact: _("不同投标人联系人相同"),
    FlagCode.identical_documents: _("不同投标人投标文件相同"),
}
FLAG_CHOICES = [(code.value, FLAG_LABELS[code]) for code in FlagCode]
THRESHOLD_CHOICES = [(spec.key, spec.title_zh) for spec in THRESHOLDS]


class FlagThreshold(models.Model):
    """One override of a red-flag threshold, in force from `effective_from` until the next one."""

    key = models.CharField(_("阈值"), max_length=40, choices=THRESHOLD_CHOICES)
    value = models.DecimalField(_("取值"), max_digits=12, decimal_places=4)
    effective_from = models.DateField(_("生效日期"))
    reason = models.TextField(_("调整理由"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("设置时间"))

    class Meta:
        verbose_name = _("预警阈值")
        verbose_name_plural = _("预警阈值")
        ordering = ["key", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="flag_threshold_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value} @{self.effective_from}"


class FlagRun(models.Model):
    """One computation of every red flag over the opened procurements, units and bids."""

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    on_date = models.DateField(_("阈值适用日期"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("空表示系统的夜间定时计算"),
    )
    thresholds = models.JSONField(_("使用的阈值"), default=dict)
    counts = models.JSONField(_("各类预警数量"), default=dict)
    procurements_checked = models.PositiveIntegerField(_("检查的采购项目数"), default=0)

    class Meta:
        verbose_name = _("预警计算")
        verbose_name_plural = _("预警计算")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class Flag(models.Model):
    """One red flag: what it is, why (with the article), its evidence and what it points at."""

    run = models.ForeignKey(
        FlagRun, verbose_name=_("预警计算"), on_delete=models.CASCADE, related_name="flags"
    )
    code = models.CharField(_("预警类型"), max_length=40, choices=FLAG_CHOICES, db_index=True)
    severity = models.CharField(_("等级"), max_length=8)
    procurement = models.ForeignKey(
        "procurement.Procurement",
        verbose_name=_("采购项目"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    lot = models.ForeignKey(
        "procurement.Lot",
        verbose_name=_("采购包"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("采购人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("供应商"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    explanation = models.TextField(_("说明"))
    explanation_en = models.TextField(_("说明（英文）"), blank=True)
    citation = models.CharField(_("依据"), max_length=500)
    evidence = models.JSONField(_("证据"), default=dict)

    class Meta:
        verbose_name = _("风险预警")
        verbose_name_plural = _("风险预警")
        ordering = ["run_id", "code", "id"]

    def __str__(self) -> str:
        return f"{self.get_code_display()} #{self.pk}"

    @property
    def title(self) -> str:
        return str(self.get_code_display())
