"""Social-organization rating assessments (社会组织等级评估, issue 24): indicator sets per organization
type, assessment rounds opened by a registration authority with a third-party assessment body, the
organizations' applications with self-assessment and evidence, the assessors' indicator sheets,
recorded links that make an assessor or a body not independent, and the public's objections to the
proposed levels with their review (复核) decisions.

The rules (who may apply, the score of a sheet, the level by band, the notice period) live in
`opengps.rules.assessment`; the rating a decision awards is a `registry.Rating`, created through
`registry.services.rating_record`, so eligibility sees it the same day.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opengps.registry.models import OrgType, RegistrationLevel


class Section(models.TextChoices):
    """The four parts of an indicator set (`opengps.rules.assessment.Section`)."""

    BASIC = "basic", _("基础条件")
    """Registration, assets, premises, staff."""
    GOVERNANCE = "governance", _("内部治理")
    """Constitution, organs, finances, archives."""
    PERFORMANCE = "performance", _("工作绩效")
    """Services delivered, projects, influence."""
    SOCIAL = "social", _("社会评价")
    """Members', residents' and the authorities' evaluation, credit."""


class IndicatorSet(models.Model):
    """A versioned indicator set (评估指标) for one organization type, in force from a date. A change
    is a new version; a round keeps the version it opened with."""

    org_type = models.CharField(_("组织类型"), max_length=24, choices=OrgType.choices)
    version = models.PositiveSmallIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=120)
    effective_from = models.DateField(_("生效日期"))
    total_points = models.DecimalField(_("总分"), max_digits=8, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("制定人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("制定时间"))

    class Meta:
        verbose_name = _("评估指标体系")
        verbose_name_plural = _("评估指标体系")
        ordering = ["org_type", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["org_type", "version"], name="assessment_set_one_version"),
            models.CheckConstraint(condition=Q(total_points__gt=0), name="assessment_set_total_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class Indicator(models.Model):
    """One item of an indicator set, with its section and maximum points."""

    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("指标体系"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField(_("编号"), max_length=20)
    section = models.CharField(_("类别"), max_length=12, choices=Section.choices)
    name = models.CharField(_("指标"), max_length=200)
    max_points = models.DecimalField(_("分值"), max_digits=8, decimal_places=2)
    position = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["indicator_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "code"], name="assessment_indicator_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(max_points__gt=0), name="assessment_indicator_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RoundStatus(models.TextChoices):
    """Where a round stands (transitions: `opengps.rules.assessment.ROUND`)."""

    OPEN = "open", _("评估进行中")
    """Applications, screening, scoring and the committee's proposal."""
    NOTICE = "notice", _("结果公示中")
    """The proposed levels are on public notice; anyone may object."""
    DECIDED = "decided", _("已发布评估结果")
    """The decision is issued and the ratings recorded."""


class Round(models.Model):
    """An assessment round (评估工作) of a registration authority for the organizations it registers
    (of one type and registration level), with its indicator set and the third-party assessment
    body (评估机构) appointed with a recorded reason."""

    name = models.CharField(_("名称"), max_length=120)
    authority = models.ForeignKey(
        "accounts.Unit", verbose_name=_("登记管理机关"), on_delete=models.PROTECT, related_name="+"
    )
    registration_level = models.CharField(_("登记层级"), max_length=12, choices=RegistrationLevel.choices)
    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("评估指标体系"), on_delete=models.PROTECT, related_name="rounds"
    )
    opens_on = models.DateField(_("申报开始日期"))
    closes_on = models.DateField(_("申报截止日期"))
    body = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("第三方评估机构"),
        on_delete=models.PROTECT,
        related_name="assessment_rounds",
    )
    body_reason = models.TextField(_("确定评估机构的理由"))
    assessors_required = models.PositiveSmallIntegerField(_("每个组织的评估人员数"), default=2)
    status = models.CharField(_("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    committee_met_on = models.DateField(_("评估委员会会议日期"), null=True, blank=True)
    committee_note = models.TextField(_("评估委员会意见"), blank=True)
    notice_published_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    decision_no = models.CharField(_("评估决定文号"), max_length=80, blank=True)
    decided_on = models.DateField(_("评估决定日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("评估轮次")
        verbose_name_plural = _("评估轮次")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="assessment_window"
            ),
            models.CheckConstraint(
                condition=Q(assessors_required__gte=1, assessors_required__lte=5),
                name="assessment_assessors_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    """Where an application stands (transitions: `opengps.rules.assessment.APPLICATION`)."""

    SUBMITTED = "submitted", _("已申报")
    """Waiting for the registration authority's screening."""
    ELIGIBLE = "eligible", _("已受理")
    """Screened eligible; the assessors score it."""
    INELIGIBLE = "ineligible", _("不予受理")
    """Screened out, with the reasons."""
    ASSESSED = "assessed", _("评估完成")
    """Every assessor required has scored; the score is the mean of their sheets."""
    PROPOSED = "proposed", _("拟定等级")
    """The committee proposed a level (or none) by the score bands."""
    RATED = "rated", _("已评定等级")
    """The decision awarded the level: a registry rating."""
    NOT_RATED = "not_rated", _("未评定等级")
    """The decision awarded no level."""
    DOWNGRADED = "downgraded", _("已降低等级")
    """A finding lowered the rating (`Sanction`); it may be lowered again or revoked."""
    REVOKED = "revoked", _("已取消等级")
    """A finding revoked the rating (`Sanction`)."""


class Application(models.Model):
    """An organization's application to a round, with its self-assessment (自评) per indicator."""

    round = models.ForeignKey(
        Round, verbose_name=_("评估轮次"), on_delete=models.PROTECT, related_name="applications"
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("社会组织"),
        on_delete=models.PROTECT,
        related_name="assessment_applications",
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申报人"), on_delete=models.PROTECT, related_name="+"
    )
    applied_on = models.DateField(_("申报日期"))
    self_scores = models.JSONField(_("自评得分"), default=dict)
    self_total = models.DecimalField(_("自评总分"), max_digits=8, decimal_places=2)
    self_note = models.TextField(_("自评说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    screening_reasons = models.JSONField(_("审核意见"), default=list, blank=True)
    """The screening's reasons: [{"code", "message_zh", "message_en", "citation"}]."""
    screened_on = models.DateField(_("审核日期"), null=True, blank=True)
    score = models.DecimalField(_("评估得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    proposed_level = models.PositiveSmallIntegerField(_("拟定等级"), null=True, blank=True)
    rating = models.OneToOneField(
        "registry.Rating",
        verbose_name=_("评估等级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_application",
    )

    class Meta:
        verbose_name = _("评估申报")
        verbose_name_plural = _("评估申报")
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organization"], name="assessment_one_application"),
            models.CheckConstraint(
                condition=Q(proposed_level__isnull=True) | Q(proposed_level__gte=1, proposed_level__lte=5),
                name="assessment_level_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def proposed_label(self) -> str:
        return f"{self.proposed_level}A" if self.proposed_level else str(_("未达到等级"))


class Evidence(models.Model):
    """A file the organization attaches to its application (checked by its content)."""

    application = models.ForeignKey(
        Application, verbose_name=_("评估申报"), on_delete=models.CASCADE, related_name="evidence"
    )
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("内容"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ScoreSheet(models.Model):
    """One assessor's indicator sheet of one application: points and comments per indicator and the
    site-visit record (实地考察)."""

    application = models.ForeignKey(
        Application, verbose_name=_("评估申报"), on_delete=models.CASCADE, related_name="sheets"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评估人员"), on_delete=models.PROTECT, related_name="+"
    )
    scores = models.JSONField(_("得分"), default=dict)
    comments = models.JSONField(_("评语"), default=dict, blank=True)
    visited_on = models.DateField(_("实地考察日期"))
    visit_record = models.TextField(_("实地考察记录"))
    total = models.DecimalField(_("总分"), max_digits=8, decimal_places=2)
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("评估评分表")
        verbose_name_plural = _("评估评分表")
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "assessor"], name="assessment_one_sheet_each"),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.assessor}"


class Relation(models.TextChoices):
    """A link that makes an assessor or a body not independent of an organization."""

    MEMBER = "member", _("成员或工作人员")
    OFFICER = "officer", _("理事、监事或负责人")
    PAID_SERVICE = "paid_service", _("近三年提供有偿服务")
    RELATIVE = "relative", _("与负责人有近亲属关系")
    OTHER = "other", _("其他利害关系")


class Link(models.Model):
    """A recorded link (利害关系) between an organization and an assessor or an assessment body:
    entered by the registration authority, or declared by the assessor. Either blocks scoring."""

    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("社会组织"), on_delete=models.PROTECT, related_name="+"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("评估机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    relation = models.CharField(_("关系"), max_length=16, choices=Relation.choices)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("利害关系")
        verbose_name_plural = _("利害关系")
        ordering = ["organization", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assessor__isnull=True, body__isnull=False)
                | Q(assessor__isnull=False, body__isnull=True),
                name="assessment_link_one_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_relation_display()}"


class ObjectionStatus(models.TextChoices):
    """Whether an objection is decided."""

    PENDING = "pending", _("待复核")
    """Filed; the registration authority's committee reviews it."""
    UPHELD = "upheld", _("异议成立")
    """The review changed the proposed level."""
    REJECTED = "rejected", _("异议不成立")
    """The review kept the proposed level."""


class Objection(models.Model):
    """An objection to a proposed level during the notice (公示期异议), and its review (复核)."""

    round = models.ForeignKey(
        Round, verbose_name=_("评估轮次"), on_delete=models.PROTECT, related_name="objections"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("评估申报"), on_delete=models.PROTECT, related_name="objections"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filer_name = models.CharField(_("提出人"), max_length=100)
    filer_contact = models.CharField(_("联系方式"), max_length=100)
    text = models.TextField(_("异议内容"))
    filed_on = models.DateField(_("提出日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING
    )
    decision = models.TextField(_("复核意见"), blank=True)
    level_before = models.PositiveSmallIntegerField(_("复核前等级"), null=True, blank=True)
    level_after = models.PositiveSmallIntegerField(_("复核后等级"), null=True, blank=True)
    decided_on = models.DateField(_("复核日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("评估异议")
        verbose_name_plural = _("评估异议")
        ordering = ["round", "pk"]

    def __str__(self) -> str:
        return f"{self.application} · {self.filed_on}"


class SanctionKind(models.TextChoices):
    """What the registration authority did to a rating on a finding (M39 第三十条 [U])."""

    DOWNGRADE = "downgrade", _("降低评估等级")
    REVOKE = "revoke", _("取消评估等级")


class Finding(models.TextChoices):
    """The findings that warrant a sanction (`opengps.rules.assessment.Finding`)."""

    FALSE_MATERIALS = "false_materials", _("评估中提供虚假情况和资料或串通作弊")
    CERTIFICATE_MISUSE = "certificate_misuse", _("涂改、伪造、出租、出借评估等级证书或牌匾")
    ANNUAL_BASIC_TWICE = "annual_basic_twice", _("连续2年年度检查基本合格")
    ANNUAL_FAILED = "annual_failed", _("上一年度年度检查不合格或未参加年度检查")
    PENALTY = "penalty", _("受到警告、罚款、没收非法所得、限期停止活动等行政处罚")
    SERIOUS_LIST = "serious_list", _("列入严重违法失信名单")
    OTHER_VIOLATION = "other_violation", _("其他违反法律法规规定的情形")


class Sanction(models.Model):
    """A downgrade or revocation (降低、取消评估等级) of an application's rating on a finding, with
    the decision document: the registry rating before is revoked and, for a downgrade, the lower
    level recorded as the rating after (both through `registry.services`)."""

    application = models.ForeignKey(
        Application, verbose_name=_("评估申报"), on_delete=models.PROTECT, related_name="sanctions"
    )
    kind = models.CharField(_("处理"), max_length=12, choices=SanctionKind.choices)
    finding = models.CharField(_("情形"), max_length=24, choices=Finding.choices)
    serious = models.BooleanField(_("情节严重"), default=False)
    reason = models.TextField(_("处理理由"))
    decision_no = models.CharField(_("处理决定文号"), max_length=80)
    level_before = models.PositiveSmallIntegerField(_("处理前等级"))
    level_after = models.PositiveSmallIntegerField(_("处理后等级"), null=True, blank=True)
    rating_before = models.ForeignKey(
        "registry.Rating", verbose_name=_("处理前评估等级"), on_delete=models.PROTECT, related_name="+"
    )
    rating_after = models.ForeignKey(
        "registry.Rating",
        verbose_name=_("处理后评估等级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("处理日期"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("评估等级处理")
        verbose_name_plural = _("评估等级处理")
        ordering = ["application", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="downgrade", level_after__isnull=False, rating_after__isnull=False)
                | Q(kind="revoke", level_after__isnull=True, rating_after__isnull=True),
                name="assessment_sanction_after_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_kind_display()}"
