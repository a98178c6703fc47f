"""Social organizations with their ratings, annual reports and credit-list entries.

Eligibility is never stored: `opengps.rules.eligibility` derives it from these facts and a date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    """Legal form under the three registration regulations."""

    SOCIAL_GROUP = "social_group", _("社会团体")
    SOCIAL_SERVICE_AGENCY = "social_service_agency", _("社会服务机构（民办非企业单位）")
    FOUNDATION = "foundation", _("基金会")


class CommunityKind(models.TextChoices):
    """The five kinds of community social organizations (社区社会组织)."""

    LIVING = "living", _("生活服务类")
    CHARITY = "charity", _("公益慈善类")
    MUTUAL_AID = "mutual_aid", _("邻里互助类")
    CULTURE_SPORTS = "culture_sports", _("文体娱乐类")
    RURAL_TECH = "rural_tech", _("农村生产技术服务类")


class RegistrationLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("市州级")
    COUNTY = "county", _("县市区级")


class OrgStatus(models.TextChoices):
    """Registration status; only 正常 organizations can supply services."""

    NORMAL = "normal", _("正常")
    DEREGISTERED = "deregistered", _("注销")
    REVOKED = "revoked", _("撤销")


class CreditLevel(models.TextChoices):
    """The derived level on the two lists of 民政部令第60号 on a day (see `opengps.rules.eligibility`)."""

    NORMAL = "normal", _("正常")
    ABNORMAL = "abnormal", _("活动异常名录")
    SERIOUS = "serious", _("严重违法失信名单")


class Organization(models.Model):
    """A registered social organization (社会组织), identified by its USCC.

    The `rating_level` … `derived_until` columns are a cache of what the eligibility rules derive
    from the ratings, listings and reports: written by the registry services after each change and
    refreshed on read once `derived_until` has passed (or is empty), so searches filter on plain
    indexed columns and a missed job never leaves them wrong.
    """

    name = models.CharField(_("名称"), max_length=120, db_index=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    org_type = models.CharField(_("类型"), max_length=24, choices=OrgType.choices, db_index=True)
    is_charity = models.BooleanField(_("慈善组织"), default=False)
    is_industry_association = models.BooleanField(_("行业协会商会"), default=False)
    is_community_org = models.BooleanField(_("社区社会组织"), default=False)
    community_kind = models.CharField(
        _("社区社会组织类别"), max_length=16, choices=CommunityKind.choices, blank=True
    )
    registration_authority = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("登记管理机关"),
        on_delete=models.PROTECT,
        related_name="registered_organizations",
    )
    registration_level = models.CharField(_("登记层级"), max_length=12, choices=RegistrationLevel.choices)
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="organizations"
    )
    founded_on = models.DateField(_("成立登记日期"))
    business_scope = models.TextField(_("业务范围"), blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=60, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    status = models.CharField(
        _("登记状态"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.NORMAL
    )
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    rating_level = models.PositiveSmallIntegerField(_("现行评估等级"), null=True, blank=True, editable=False)
    credit_level = models.CharField(
        _("信用状态"), max_length=12, choices=CreditLevel.choices, default=CreditLevel.NORMAL, editable=False
    )
    on_other_list = models.BooleanField(_("列入其他失信名单"), default=False, editable=False)
    eligible = models.BooleanField(_("可承接政府购买服务"), default=True, editable=False)
    derived_until = models.DateField(
        _("派生状态有效至"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("此日（含）起须按规则重新计算；为空表示尚未计算"),
    )

    class Meta:
        verbose_name = _("社会组织")
        verbose_name_plural = _("社会组织")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uscc__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"), name="org_uscc_format"
            ),
            models.CheckConstraint(
                condition=models.Q(is_community_org=True) | models.Q(community_kind=""),
                name="org_community_kind_only_for_community",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "org_type"], name="org_region_type_idx"),
            models.Index(fields=["rating_level"], name="org_rating_level_idx"),
            models.Index(fields=["credit_level", "on_other_list"], name="org_credit_idx"),
            models.Index(fields=["derived_until"], name="org_derived_until_idx"),
            models.Index(fields=["registration_authority", "name"], name="org_authority_name_idx"),
            # a county's page in name order is a short walk of this index (registry search)
            models.Index(fields=["region", "name", "id"], name="org_region_name_idx"),
            # a region × minimum rating search is counted from this index alone (registry search)
            models.Index(fields=["region", "rating_level"], name="org_region_rating_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    """A rating (等级评估) 1A–5A, valid five years from the award unless revoked (民政部令第39号); the
    lower rating a downgrade records keeps the end of the rating it replaces."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="ratings"
    )
    level = models.PositiveSmallIntegerField(_("等级"))
    awarded_on = models.DateField(_("评定日期"))
    valid_until = models.DateField(
        _("有效期至"),
        help_text=_("等级不再有效的首日：评定日期起5年；降低等级的，沿用被替代等级的有效期至"),
    )
    decision_no = models.CharField(_("评估决定文号"), max_length=80, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revocation_reason = models.TextField(_("撤销原因"), blank=True)

    class Meta:
        verbose_name = _("评估等级")
        verbose_name_plural = _("评估等级")
        ordering = ["-awarded_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("awarded_on")), name="rating_valid_after_award"
            ),
        ]
        indexes = [models.Index(fields=["organization", "valid_until"], name="rating_org_valid_idx")]

    def __str__(self) -> str:
        return f"{self.level}A"


class AnnualReport(models.Model):
    """An annual work report (年度工作报告) for a calendar year."""

    class Result(models.TextChoices):
        SUBMITTED = "submitted", _("已报送")
        QUALIFIED = "qualified", _("合格")
        BASIC = "basic", _("基本合格")
        FAILED = "failed", _("不合格")

    organization = models.ForeignKey(
        Organization, verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    submitted_on = models.DateField(_("报送日期"))
    result = models.CharField(_("结论"), max_length=12, choices=Result.choices, default=Result.SUBMITTED)

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="annual_report_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"


class CreditListKind(models.TextChoices):
    """Credit lists: the two of 民政部令第60号 and the other lists 财库〔2016〕125号 names."""

    ABNORMAL = "abnormal", _("活动异常名录")
    SERIOUS = "serious", _("严重违法失信名单")
    JUDGMENT_DEFAULTER = "judgment_defaulter", _("失信被执行人")
    MAJOR_TAX_VIOLATION = "major_tax_violation", _("重大税收违法案件当事人")
    PROCUREMENT_BLACKLIST = "procurement_blacklist", _("政府采购严重违法失信行为记录")


class CreditListing(models.Model):
    """An organization's entry on a credit list, with the decision and (later) its removal."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="credit_listings"
    )
    kind = models.CharField(_("名录类型"), max_length=24, choices=CreditListKind.choices)
    reason = models.TextField(_("列入事由"))
    decision_document = models.CharField(_("决定文书号"), max_length=120)
    listed_on = models.DateField(_("列入日期"))
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.TextField(_("移出事由"), blank=True)
    removal_document = models.CharField(_("移出决定文书号"), max_length=120, blank=True)
    decided_by = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("作出决定的机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recommendation = models.ForeignKey(
        "performance.ListingRecommendation",
        verbose_name=_("依据的列入建议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="listings",
        help_text=_("绩效评价多次不合格后平台提出的列入建议"),
    )

    class Meta:
        verbose_name = _("信用名录记录")
        verbose_name_plural = _("信用名录记录")
        ordering = ["-listed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True) | models.Q(removed_on__gte=models.F("listed_on")),
                name="credit_removed_after_listed",
            ),
        ]
        indexes = [models.Index(fields=["kind", "removed_on"], name="credit_kind_removed_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.listed_on}"


class PenaltyKind(models.TextChoices):
    """Kinds of penalty screened as major illegal records (政府采购法 第二十二条, 实施条例 第十九条)."""

    CRIMINAL = "criminal", _("刑事处罚")
    """Always a major illegal record."""
    SUSPENSION = "suspension", _("责令停产停业")
    """Always a major illegal record."""
    LICENCE_REVOKED = "licence_revoked", _("吊销许可证或者执照")
    """Always a major illegal record."""
    FINE = "fine", _("罚款")
    """A major illegal record when it is a large fine (较大数额罚款)."""
    DEBARMENT = "debarment", _("禁止参加政府采购活动")
    """Excludes the supplier until the ban ends."""
    WARNING = "warning", _("警告等其他行政处罚")
    """Recorded, not a major illegal record."""


class Penalty(models.Model):
    """An administrative penalty (or criminal judgment) against an organization, as decided."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="penalties"
    )
    kind = models.CharField(_("处罚种类"), max_length=16, choices=PenaltyKind.choices)
    amount = models.DecimalField(_("罚款金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField(_("处罚决定日期"))
    issuer = models.CharField(_("处罚机关"), max_length=120)
    decision_document = models.CharField(_("处罚决定书文号"), max_length=120)
    facts = models.TextField(_("违法事实"), blank=True)
    for_business = models.BooleanField(_("因违法经营受到处罚"), default=True)
    large_by_issuer = models.BooleanField(
        _("处罚机关认定为较大数额罚款"),
        default=False,
        help_text=_("如处罚经听证程序或法律、行政法规规定了该领域的较大数额罚款标准"),
    )
    ends_on = models.DateField(_("禁止参加政府采购活动至"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("行政处罚记录")
        verbose_name_plural = _("行政处罚记录")
        ordering = ["-decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                name="penalty_amount_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("decided_on")),
                name="penalty_ends_after_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decided_on}"


class ImportJob(models.Model):
    """One uploaded workbook of organizations, validated row by row and imported in the background."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        VALIDATING = "validating", _("正在校验")
        WRITING = "writing", _("正在写入")
        SUCCEEDED = "succeeded", _("导入完成")
        REJECTED = "rejected", _("存在错误，未导入")
        FAILED = "failed", _("处理失败")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("全部正确才导入（任一行有误则不导入）")
        VALID_ONLY = "valid_only", _("仅导入正确的行")

    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    mode = models.CharField(_("导入方式"), max_length=16, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新建数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    report = models.JSONField(_("校验报告"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="+"
    )
    registration_authority = models.ForeignKey(
        "accounts.Unit", verbose_name=_("登记管理机关"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.REJECTED, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
