"""Budget lines (预算指标), the project library (项目库), purchase plans (采购实施计划) and intentions.

Budget first (先有预算、后购买服务): a plan exists only against an approved budget line that
covers it. What a line has committed or spent is never stored — it is summed from its plans.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FundSource(models.TextChoices):
    """Where the money of a budget line comes from."""

    GENERAL = "general", _("一般公共预算")
    GOVERNMENT_FUND = "government_fund", _("政府性基金预算")
    WELFARE_LOTTERY = "welfare_lottery", _("福彩公益金")
    SPORTS_LOTTERY = "sports_lottery", _("体彩公益金")
    STATE_CAPITAL = "state_capital", _("国有资本经营预算")
    TRANSFER = "transfer", _("上级转移支付")
    OTHER = "other", _("其他资金")


class BudgetStatus(models.TextChoices):
    """Lifecycle of a budget line; transitions in `opengps.rules.workflow.BUDGET_LINE`."""

    DRAFT = "draft", _("草稿")
    """Entered by the unit, not yet sent to the finance department."""
    SUBMITTED = "submitted", _("待财政审核")
    """Waiting for the finance department."""
    APPROVED = "approved", _("已批复")
    """Approved: plans may draw on it."""
    REJECTED = "rejected", _("已退回")
    """Returned by the finance department with a reason."""


class BudgetLine(models.Model):
    """A unit's approved money for purchasing services in one fiscal year (预算项目/指标)."""

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("预算单位"), on_delete=models.PROTECT, related_name="budget_lines"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("预算年度"))
    code = models.CharField(_("预算项目编码"), max_length=40)
    name = models.CharField(_("预算项目名称"), max_length=200)
    fund_source = models.CharField(_("资金来源"), max_length=20, choices=FundSource.choices)
    amount = models.DecimalField(_("预算金额（元）"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=12, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批复时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预算指标")
        verbose_name_plural = _("预算指标")
        ordering = ["-fiscal_year", "unit_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "fiscal_year", "code"], name="budget_line_code_per_unit_year"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="budget_line_amount_positive"),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(approved_at__isnull=False),
                name="budget_line_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProjectStatus(models.TextChoices):
    """Lifecycle of a project in the library; transitions in `opengps.rules.workflow.PROJECT`."""

    DRAFT = "draft", _("草稿")
    """Being written by the unit; only the unit (and auditors) can see it."""
    SUBMITTED = "submitted", _("待单位负责人审核")
    """Sent to the head of the unit."""
    UNIT_APPROVED = "unit_approved", _("待财政审核")
    """Approved by the unit head, waiting for the finance department."""
    RETURNED = "returned", _("已退回修改")
    """Returned by the unit head or the finance department with a reason; the unit edits and resubmits."""
    APPROVED = "approved", _("已入库")
    """Approved by the finance department: may be planned for procurement."""
    WITHDRAWN = "withdrawn", _("已撤回")
    """Dropped by the unit."""


EDITABLE_PROJECT_STATUSES = (ProjectStatus.DRAFT, ProjectStatus.RETURNED)
"""States in which the unit may change its proposal (and record the demand survey)."""


class Project(models.Model):
    """A proposed purchase of services in the project library (项目库)."""

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("购买主体"), on_delete=models.PROTECT, related_name="projects"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("预算年度"))
    name = models.CharField(_("项目名称"), max_length=200)
    items = models.ManyToManyField("catalog.CatalogItem", verbose_name=_("目录事项"), related_name="projects")
    description = models.TextField(_("服务内容"))
    quantity = models.DecimalField(_("服务数量"), max_digits=14, decimal_places=2)
    quantity_unit = models.CharField(_("计量单位"), max_length=20)
    estimated_amount = models.DecimalField(_("预算估算（元）"), max_digits=14, decimal_places=2)
    recipients = models.CharField(_("服务对象"), max_length=200)
    area = models.ForeignKey(
        "accounts.Region", verbose_name=_("服务区域"), on_delete=models.PROTECT, related_name="+"
    )
    term_start = models.DateField(_("服务期起"))
    term_end = models.DateField(_("服务期止"))
    term_reason = models.TextField(_("服务期超过一年的理由"), blank=True)
    is_public_service = models.BooleanField(_("面向社会公众的公共服务"), default=True)
    status = models.CharField(
        _("状态"), max_length=14, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申报人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("单位负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("财政审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("入库时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目库")
        ordering = ["-fiscal_year", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_amount__gt=0), name="project_amount_positive"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="project_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(term_end__gte=models.F("term_start")), name="project_term_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_PROJECT_STATUSES


class DemandSurvey(models.Model):
    """需求调查 (政府采购需求管理办法 第十条、第十一条): how the demand was surveyed and what was found."""

    class Method(models.TextChoices):
        CONSULTATION = "consultation", _("咨询")
        ARGUMENTATION = "argumentation", _("论证")
        QUESTIONNAIRE = "questionnaire", _("问卷调查")
        MARKET = "market", _("面向市场主体调查")

    project = models.OneToOneField(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="demand_survey"
    )
    method = models.CharField(_("调查方式"), max_length=16, choices=Method.choices)
    conducted_on = models.DateField(_("调查日期"))
    respondents = models.PositiveIntegerField(_("调查对象数量"))
    findings = models.TextField(_("调查结论"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("需求调查")
        verbose_name_plural = _("需求调查")

    def __str__(self) -> str:
        return f"{self.project} · {self.get_method_display()}"


class PlanStatus(models.TextChoices):
    """Lifecycle of a purchase plan; transitions in `opengps.rules.workflow.PLAN`."""

    DRAFT = "draft", _("草稿")
    """Being prepared; already reserves its amount on the budget line."""
    PENDING_APPROVAL = "pending_approval", _("待财政批准采购方式")
    """A non-open method at or above the threshold, or a split-purchase flag, needs the finance department."""
    READY = "ready", _("待公开采购意向")
    """Method settled; the intention can be published."""
    INTENTION_PUBLISHED = "intention_published", _("采购意向已公开")
    """Public at least 30 days before procurement starts."""
    IN_PROCUREMENT = "in_procurement", _("采购中")
    """Procurement started (announcement or invitation sent)."""
    CONTRACTED = "contracted", _("已签订合同")
    """Contract signed; its amount is what the line has spent."""
    CANCELLED = "cancelled", _("已取消")
    """Dropped: its amount is free on the line again."""


ACTIVE_PLAN_STATUSES = (
    PlanStatus.DRAFT,
    PlanStatus.PENDING_APPROVAL,
    PlanStatus.READY,
    PlanStatus.INTENTION_PUBLISHED,
    PlanStatus.IN_PROCUREMENT,
)
"""Plans whose full amount is committed on their budget line (contracted ones commit the contract amount)."""


class PurchasePlan(models.Model):
    """采购实施计划: how an approved project will be bought, against which budget line, from when."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="plans"
    )
    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("预算指标"), on_delete=models.PROTECT, related_name="plans"
    )
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("采购人"), on_delete=models.PROTECT, related_name="purchase_plans"
    )
    title = models.CharField(_("采购项目名称"), max_length=200)
    amount = models.DecimalField(_("采购预算（元）"), max_digits=14, decimal_places=2)
    method = models.CharField(_("采购方式"), max_length=32)
    method_facts = models.JSONField(_("适用情形"), default=dict, blank=True)
    method_reasons = models.JSONField(_("采购方式依据"), default=list, blank=True)
    approval_needed = models.BooleanField(_("须财政部门批准"), default=False)
    method_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    method_approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    method_approval_note = models.TextField(_("批准意见"), blank=True)
    split_flags = models.JSONField(_("拆分采购预警"), default=list, blank=True)
    procurement_starts_on = models.DateField(_("预计采购开始日期"))
    requirements = models.TextField(_("采购需求"), blank=True)
    compliance_findings = models.JSONField(_("合规审查提示"), default=list, blank=True)
    compliance_confirmed_reason = models.TextField(_("确认理由"), blank=True)
    compliance_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    contract_amount = models.DecimalField(
        _("合同金额（元）"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编制人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("采购实施计划")
        verbose_name_plural = _("采购实施计划")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="plan_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(contract_amount__isnull=True)
                | models.Q(contract_amount__lte=models.F("amount")),
                name="plan_contract_within_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="contracted") | models.Q(contract_amount__isnull=False),
                name="plan_contracted_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PurchaseIntention(models.Model):
    """采购意向: notice of a coming procurement, at least 30 days before it starts (财库〔2020〕10号)."""

    plan = models.OneToOneField(
        PurchasePlan, verbose_name=_("采购实施计划"), on_delete=models.PROTECT, related_name="intention"
    )
    title = models.CharField(_("采购项目名称"), max_length=200)
    summary = models.TextField(_("采购需求概况"))
    budget_amount = models.DecimalField(_("预算金额（元）"), max_digits=14, decimal_places=2)
    expected_month = models.CharField(_("预计采购时间"), max_length=7, help_text=_("YYYY-MM"))
    published_on = models.DateField(_("公开日期"))
    latest_allowed_on = models.DateField(_("最迟公开日期"))
    citation = models.CharField(_("依据"), max_length=200)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("采购意向")
        verbose_name_plural = _("采购意向")
        ordering = ["-published_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published_on__lte=models.F("latest_allowed_on")),
                name="intention_published_in_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title
