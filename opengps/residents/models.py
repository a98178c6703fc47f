"""Residents' ratings, complaints and suggestions about a service bought for them, and the answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FeedbackKind(models.TextChoices):
    RATING = "rating", _("评价")
    """One to five stars, with an optional remark."""
    COMPLAINT = "complaint", _("投诉")
    """Something went wrong; the purchaser must answer."""
    SUGGESTION = "suggestion", _("建议")
    """An idea to improve the service; the purchaser must answer."""


class FeedbackStatus(models.TextChoices):
    RECORDED = "recorded", _("已记录")
    """A rating: kept, needs no answer."""
    OPEN = "open", _("待答复")
    """A complaint or suggestion waiting for the purchaser's answer."""
    ESCALATED = "escalated", _("逾期未答复，已转财政部门督办")
    """Not answered by its deadline; the finance department of the region follows it up."""
    ANSWERED = "answered", _("已答复")
    """The purchaser answered."""


class Feedback(models.Model):
    """A resident's rating, complaint or suggestion about one service (a contract or an e-mall
    order). No personal data is asked for; the tracking number is the resident's only key."""

    tracking = models.CharField(_("查询编号"), max_length=16, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=FeedbackKind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=FeedbackStatus.choices)
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("合同"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_feedback",
    )
    order = models.ForeignKey(
        "emall.Order",
        verbose_name=_("电子卖场订单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_feedback",
    )
    purchaser = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("购买单位"),
        on_delete=models.PROTECT,
        related_name="resident_feedback",
    )
    stars = models.PositiveSmallIntegerField(_("评价（星）"), null=True, blank=True)
    text = models.TextField(_("内容"), blank=True)
    verified = models.BooleanField(_("已凭评价码核实"), default=False)
    survey_response = models.OneToOneField(
        "performance.SurveyResponse",
        verbose_name=_("计入绩效评价的满意度答卷"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_feedback",
    )
    created_at = models.DateTimeField(_("提交时间"))
    filed_on = models.DateField(_("提交日期"))
    answer_due = models.DateField(_("答复期限"), null=True, blank=True)
    due_citation = models.CharField(_("期限依据"), max_length=300, blank=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_on = models.DateField(_("转督办日期"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("督办财政部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_resident_feedback",
    )

    class Meta:
        verbose_name = _("居民反馈")
        verbose_name_plural = _("居民反馈")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "answer_due"], name="residents_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract__isnull=False, order__isnull=True)
                | Q(contract__isnull=True, order__isnull=False),
                name="residents_one_service",
            ),
            models.CheckConstraint(
                condition=(Q(kind="rating") & Q(stars__gte=1, stars__lte=5) & Q(status="recorded"))
                | (~Q(kind="rating") & Q(stars__isnull=True) & ~Q(status="recorded")),
                name="residents_rating_has_stars",
            ),
            models.CheckConstraint(
                condition=Q(survey_response__isnull=True) | Q(verified=True),
                name="residents_counted_only_verified",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking
