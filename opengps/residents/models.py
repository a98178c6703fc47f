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
    partner = models.ForeignKey(
        "residents.PartnerKey",
        verbose_name=_("经由合作方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
        help_text=_("居民在合作方应用（如湘易办）中提交时，经由的接口密钥"),
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


class PartnerScope(models.TextChoices):
    FINDER = "finder", _("查找服务")
    """Read the needs, the services delivered in a county and one service."""
    FEEDBACK = "feedback", _("评价与投诉")
    """File ratings, complaints and suggestions for residents and look them up by tracking number."""


class PartnerKey(models.Model):
    """A key a partner app (湘易办, a city app) calls the residents' API with. Only the SHA-256 of
    the secret is kept: the secret is shown once, when an administrator creates the key; `prefix`
    (the secret's first characters) names the key in lists and logs without revealing it."""

    partner = models.CharField(_("合作方"), max_length=100)
    prefix = models.CharField(_("密钥前缀"), max_length=16, unique=True)
    key_hash = models.CharField(_("密钥摘要（SHA-256）"), max_length=64, unique=True)
    scopes = models.JSONField(_("授权范围"), default=list)
    rate_per_minute = models.PositiveIntegerField(_("每分钟调用上限"))
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("合作方接口密钥")
        verbose_name_plural = _("合作方接口密钥")
        ordering = ["partner", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_per_minute__gte=1, rate_per_minute__lte=6000),
                name="residents_partner_rate_bounds",
            ),
            models.CheckConstraint(
                condition=Q(active=True, revoked_at__isnull=True) | Q(active=False, revoked_at__isnull=False),
                name="residents_partner_revoked_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.prefix}…)"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> list[str]:
        return [str(PartnerScope(s).label) for s in self.scopes if s in PartnerScope.values]


class PartnerCall(models.Model):
    """One call to the partner API, whatever its answer (served, refused, throttled): an access
    log, append-only. Kept here rather than in the audit chain: a call is a read or a refusal, not
    a state change, and logging every read in the chain would serialize all partner traffic on the
    chain head. What a call changes (a filed complaint) is audited by the service as usual.
    Calls without a valid key are bounded (`services.partner_call_log`): past a few rows a minute
    per address, and overall, a call only adds one to `repeats` of the last row — every call is
    still counted, but a flood of bad keys cannot fill the table."""

    key = models.ForeignKey(
        PartnerKey,
        verbose_name=_("密钥"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
        help_text=_("空：所出示的密钥不存在"),
    )
    method = models.CharField(_("方法"), max_length=8)
    path = models.CharField(_("路径"), max_length=200)
    status = models.PositiveSmallIntegerField(_("响应状态"))
    at = models.DateTimeField(_("调用时间"))
    client = models.CharField(_("来源地址"), max_length=64, blank=True)
    repeats = models.PositiveIntegerField(
        _("此后未逐条记录的调用次数"),
        default=0,
        help_text=_("没有有效密钥的调用超过记录上限后，只在这一行计数"),
    )

    class Meta:
        verbose_name = _("合作方接口调用记录")
        verbose_name_plural = _("合作方接口调用记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["key", "at"], name="residents_partner_call_key_at")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class FeedbackPhoto(models.Model):
    """A photo a resident attached to a complaint or suggestion: checked by its content and kept
    without its metadata (`opengps.residents.photos`), in the database and not under a public
    folder; served only to the staff who answer the item and to administrators."""

    feedback = models.ForeignKey(
        Feedback, verbose_name=_("居民反馈"), on_delete=models.CASCADE, related_name="photos"
    )
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("内容"))

    class Meta:
        verbose_name = _("居民反馈照片")
        verbose_name_plural = _("居民反馈照片")
        ordering = ["feedback", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["jpg", "png", "webp"]), name="residents_photo_kind"),
        ]

    def __str__(self) -> str:
        return self.name
