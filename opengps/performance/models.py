"""Performance evaluation, recipient surveys, the credit loop and experts' conduct (绩效评价 · 优胜劣汰)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IndicatorTemplate(models.Model):
    """A three-level indicator set (产出/效益/满意度 …) with weights and scoring guides, per catalogue
    category; the finance department edits it. An evaluation copies it when created, so later edits
    never change a past evaluation.

    `indicators` is a list of ``{"code", "name", "weight", "parent", "survey", "guide"}`` (weights
    as decimal strings, a share of the parent in %); `source_weights` maps self / purchaser /
    third_party to their weights (sum 100).
    """

    name = models.CharField(_("模板名称"), max_length=120)
    category = models.ForeignKey(
        "catalog.CatalogItem",
        verbose_name=_("目录类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="performance_templates",
        help_text=_("留空为通用模板"),
    )
    indicators = models.JSONField(_("指标"), default=list)
    source_weights = models.JSONField(_("评价方权重"), default=dict)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("绩效指标模板")
        verbose_name_plural = _("绩效指标模板")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["category"], condition=Q(is_active=True), name="performance_one_active_template"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EvaluationStatus(models.TextChoices):
    OPEN = "open", _("评价中")
    """The parties score and recipients answer the survey."""
    FINALIZED = "finalized", _("已评定")
    """The composite score and grade are computed; the history records them."""
    PUBLISHED = "published", _("已公开")
    """The evaluation report is public."""


class PerformanceEvaluation(models.Model):
    """The performance evaluation of one contract (or one period of it)."""

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("合同"), on_delete=models.PROTECT, related_name="evaluations"
    )
    period = models.CharField(_("评价期间"), max_length=40)
    template = models.ForeignKey(
        IndicatorTemplate, verbose_name=_("指标模板"), on_delete=models.PROTECT, related_name="evaluations"
    )
    indicators = models.JSONField(_("指标（创建时复制）"), default=list)
    source_weights = models.JSONField(_("评价方权重（创建时复制）"), default=dict)
    evaluator = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("第三方评价机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="performance_evaluations",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.OPEN
    )
    survey_token = models.CharField(_("问卷链接标识"), max_length=32, unique=True)
    survey_open = models.BooleanField(_("问卷开放"), default=True)
    satisfaction = models.DecimalField(_("满意度得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    leaf_scores = models.JSONField(_("各末级指标得分"), default=dict, blank=True)
    score = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=2, blank=True)
    citation = models.CharField(_("依据"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finalized_on = models.DateField(_("评定日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("绩效评价")
        verbose_name_plural = _("绩效评价")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "period"], name="performance_one_per_period"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="performance_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.title} {self.period}"


class Party(models.TextChoices):
    SELF = "self", _("承接主体自评")
    PURCHASER = "purchaser", _("购买主体评价")
    THIRD_PARTY = "third_party", _("第三方评价")


class PartyScore(models.Model):
    """One party's scores of the evaluation's leaves (0–100 each), submitted once."""

    evaluation = models.ForeignKey(
        PerformanceEvaluation,
        verbose_name=_("绩效评价"),
        on_delete=models.CASCADE,
        related_name="party_scores",
    )
    party = models.CharField(_("评价方"), max_length=16, choices=Party.choices)
    scores = models.JSONField(_("得分"), default=dict)
    total = models.DecimalField(_("该方加权得分"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("评价意见"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评价方评分")
        verbose_name_plural = _("评价方评分")
        ordering = ["evaluation_id", "party"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "party"], name="performance_party_once")]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.get_party_display()}"


class RecipientCode(models.Model):
    """A one-time code handed to a service recipient; only its hash is stored."""

    evaluation = models.ForeignKey(
        PerformanceEvaluation, verbose_name=_("绩效评价"), on_delete=models.CASCADE, related_name="codes"
    )
    code_hash = models.CharField(_("编码摘要"), max_length=64)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("服务对象评价码")
        verbose_name_plural = _("服务对象评价码")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "code_hash"], name="performance_code_once")
        ]

    def __str__(self) -> str:
        return self.code_hash[:8]


class SurveyResponse(models.Model):
    """One recipient's satisfaction answer (1–5) — no personal data."""

    evaluation = models.ForeignKey(
        PerformanceEvaluation, verbose_name=_("绩效评价"), on_delete=models.CASCADE, related_name="responses"
    )
    code = models.OneToOneField(
        RecipientCode, verbose_name=_("评价码"), on_delete=models.PROTECT, related_name="response"
    )
    answer = models.PositiveSmallIntegerField(_("满意度"))
    comment = models.TextField(_("意见建议"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("满意度答卷")
        verbose_name_plural = _("满意度答卷")
        constraints = [
            models.CheckConstraint(condition=Q(answer__gte=1, answer__lte=5), name="performance_answer_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.answer}"


class HistoryKind(models.TextChoices):
    GRADE = "grade", _("绩效评价等级")
    ACCEPTANCE_FAILED = "acceptance_failed", _("验收不合格")
    TERMINATED = "terminated", _("解除合同")


class HistorySource(models.TextChoices):
    CONTRACT = "contract", _("政府购买服务合同")
    GRANT = "grant", _("资助项目")


class HistoryEntry(models.Model):
    """One line of a supplier's performance history (履约记录), shown to later purchasers."""

    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("社会组织"),
        on_delete=models.PROTECT,
        related_name="performance_history",
    )
    source = models.CharField(_("来源"), max_length=12, choices=HistorySource.choices)
    kind = models.CharField(_("类型"), max_length=20, choices=HistoryKind.choices, default=HistoryKind.GRADE)
    reference = models.CharField(_("编号"), max_length=80)
    grade = models.CharField(_("等级"), max_length=2, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    occurred_on = models.DateField(_("日期"))
    note = models.TextField(_("说明"), blank=True)
    flagged = models.BooleanField(_("不良标注"), default=False)
    evaluation = models.OneToOneField(
        PerformanceEvaluation,
        verbose_name=_("绩效评价"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="history_entry",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("履约记录")
        verbose_name_plural = _("履约记录")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["organization", "occurred_on"], name="perf_history_org_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="grade") | Q(grade__in=["优", "良", "中", "差"]),
                name="performance_history_grade",
            ),
            models.UniqueConstraint(
                fields=["organization", "source", "kind", "reference"], name="performance_history_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()} {self.grade}"


class RecommendationStatus(models.TextChoices):
    PENDING = "pending", _("待登记管理机关决定")
    LISTED = "listed", _("已列入信用名录")
    DECLINED = "declined", _("决定不列入")


class ListingRecommendation(models.Model):
    """The platform's recommendation to the registration authority to list a supplier after repeated
    failures; the authority decides in the registry, and its listing links back here."""

    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("社会组织"),
        on_delete=models.PROTECT,
        related_name="listing_recommendations",
    )
    entries = models.ManyToManyField(HistoryEntry, verbose_name=_("所依据的履约记录"), related_name="+")
    reason = models.TextField(_("建议理由"))
    citation = models.CharField(_("依据"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=12, choices=RecommendationStatus.choices, default=RecommendationStatus.PENDING
    )
    made_on = models.DateField(_("建议日期"))
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_note = models.TextField(_("决定说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("列入信用名录建议")
        verbose_name_plural = _("列入信用名录建议")
        ordering = ["-made_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organization} {self.made_on}"


class ConductRating(models.TextChoices):
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class ExpertConduct(models.Model):
    """The purchaser's rating of an evaluation expert's conduct, within 5 working days (IR §62)."""

    member = models.OneToOneField(
        "evaluation.CommitteeMember",
        verbose_name=_("评审委员会成员"),
        on_delete=models.PROTECT,
        related_name="conduct",
    )
    rating = models.CharField(_("履职评价"), max_length=8, choices=ConductRating.choices)
    note = models.TextField(_("具体情形"), blank=True)
    due_on = models.DateField(_("评价期限"))
    late = models.BooleanField(_("逾期评价"), default=False)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="+"
    )
    rated_on = models.DateField(_("评价日期"))

    class Meta:
        verbose_name = _("评审专家履职评价")
        verbose_name_plural = _("评审专家履职评价")
        ordering = ["-rated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_rating_display()}"
