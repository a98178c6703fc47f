"""Contracts, execution and phased acceptance (合同 · 履约 · 验收)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ContractKind(models.TextChoices):
    OUTSOURCING = "outsourcing", _("项目外包")
    """The supplier delivers a whole service project (项目外包)."""
    POSTS = "posts", _("岗位购买")
    """The supplier places people in posts at the purchaser's service points (岗位购买)."""
    CALL_OFF = "call_off", _("框架协议合同")
    """A second-stage call-off under a framework agreement (O110)."""


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("待签订")
    """Created from an award; not yet signed by both parties."""
    SIGNED = "signed", _("已签订")
    """Signed; must be published within 2 working days (IR §50)."""
    PUBLISHED = "published", _("履行中")
    """Signed and published; the service is being delivered."""
    COMPLETED = "completed", _("已完成")
    """The final acceptance passed."""
    TERMINATED = "terminated", _("已解除")
    """Terminated early, with a reason."""


class Contract(models.Model):
    """A government purchase-of-services contract (政府购买服务合同) from one awarded lot."""

    reference = models.CharField(_("合同编号"), max_length=40, unique=True)
    kind = models.CharField(_("合同类型"), max_length=16, choices=ContractKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    award = models.OneToOneField(
        "evaluation.Award",
        verbose_name=_("中标（成交）结果"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contract",
    )
    procurement = models.ForeignKey(
        "procurement.Procurement",
        verbose_name=_("采购项目"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    lot = models.ForeignKey(
        "procurement.Lot", verbose_name=_("采购包"), on_delete=models.PROTECT, related_name="contracts"
    )
    purchaser = models.ForeignKey(
        "accounts.Unit", verbose_name=_("采购人"), on_delete=models.PROTECT, related_name="contracts"
    )
    supplier = models.ForeignKey(
        "registry.Organization", verbose_name=_("供应商"), on_delete=models.PROTECT, related_name="contracts"
    )
    title = models.CharField(_("合同名称"), max_length=200)
    amount = models.DecimalField(_("合同金额（元）"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("服务开始日期"))
    ends_on = models.DateField(_("服务结束日期"))
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合同")
        verbose_name_plural = _("合同")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contract_term_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"
