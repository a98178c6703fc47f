"""Grant programmes and rounds, applications with their screening and review, agreements and money.

Statuses are `TextChoices` whose allowed changes are the tables of `opengps.rules.grants_flow`;
whether a call is open is derived from its dates (`opengps.rules.grants.call_state`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opengps.planning.models import FundSource


class PurposeArea(models.TextChoices):
    """Purpose areas of the welfare-lottery fund (扶老、助残、救孤、济困) and common extensions."""

    ELDERLY = "elderly", _("扶老")
    DISABLED = "disabled", _("助残")
    ORPHANS = "orphans", _("救孤")
    POVERTY = "poverty", _("济困")
    COMMUNITY = "community", _("社区治理与服务")
    SOCIAL_WORK = "social_work", _("社会工作服务")


class Programme(models.Model):
    """A funding programme of a funder unit, e.g. 省级福彩公益金支持社会组织参与社会服务项目."""

    name = models.CharField(_("项目名称"), max_length=200)
    funder_unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("资助单位"), on_delete=models.PROTECT, related_name="grant_programmes"
    )
    fund_source = models.CharField(_("资金来源"), max_length=20, choices=FundSource.choices)
    is_venture_philanthropy = models.BooleanField(_("公益创投"), default=False)
    is_development_fund = models.BooleanField(
        _("社会组织发展基金"), default=False, help_text=_("资金由财政资金和社会捐赠共同构成")
    )
    volunteer_hour_rate = models.DecimalField(
        _("志愿服务折算标准（元/小时）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("简介"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资助项目")
        verbose_name_plural = _("资助项目")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["funder_unit", "name"], name="grant_programme_name_per_unit")
        ]

    def __str__(self) -> str:
        return self.name


class RoundStatus(models.TextChoices):
    """Lifecycle of a round; transitions in `opengps.rules.grants_flow.ROUND`."""

    DRAFT = "draft", _("草稿")
    """Being prepared by the funder; not public."""
    PUBLISHED = "published", _("已发布申报指南")
    """The call is public; whether it accepts applications follows from its dates."""
    REVIEWING = "reviewing", _("评审中")
    """The call has closed; the expert panel scores the eligible applications."""
    NOTICE = "notice", _("拟资助名单公示中")
    """The proposed list is on public notice; objections may be filed until the period ends."""
    DECIDED = "decided", _("已确定资助")
    """Funding decided; agreements are signed and carried out."""
    COMPLETED = "completed", _("已完成")
    """Every agreement is closed."""
    CANCELLED = "cancelled", _("已取消")
    """Withdrawn before review."""


class Round(models.Model):
    """One funding round (年度批次) of a programme: money, conditions, timetable and scoring template."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("资助项目"), on_delete=models.PROTECT, related_name="rounds"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("批次名称"), max_length=200)
    call_text = models.TextField(_("申报指南"), blank=True)
    budget_line = models.ForeignKey(
        "planning.BudgetLine",
        verbose_name=_("预算指标"),
        on_delete=models.PROTECT,
        related_name="grant_rounds",
    )
    purpose_areas = models.JSONField(_("资助方向"), default=list)
    total_amount = models.DecimalField(_("资金总额（元）"), max_digits=14, decimal_places=2)
    per_project_cap = models.DecimalField(_("单个项目资助上限（元）"), max_digits=14, decimal_places=2)
    # Eligibility conditions of the call (opengps.rules.grants.RoundConditions).
    org_types = models.JSONField(_("允许申报的组织类型"), default=list, blank=True)
    min_rating = models.PositiveSmallIntegerField(_("最低评估等级"), null=True, blank=True)
    min_years_registered = models.PositiveSmallIntegerField(_("最低成立年限"), default=0)
    regions = models.JSONField(_("资助区划"), default=list, blank=True)
    exclude_abnormal = models.BooleanField(_("排除活动异常名录组织"), default=True)
    # Timetable.
    call_opens = models.DateField(_("申报开始"))
    call_closes = models.DateField(_("申报截止"))
    review_by = models.DateField(_("评审完成"))
    objection_days = models.PositiveSmallIntegerField(_("公示期（日）"), default=5)
    agreement_by = models.DateField(_("协议签订"))
    # Scoring, funding and payment.
    criteria = models.JSONField(_("评分细则"), default=list)
    pass_score = models.DecimalField(_("立项分数线"), max_digits=5, decimal_places=2, default=Decimal(60))
    tranche_shares = models.JSONField(_("分期拨付比例（%）"), default=list)
    expert_category = models.CharField(_("评审专业（目录类别代码）"), max_length=16, default="A09")
    audit_firm = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("结项审计机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audited_grant_rounds",
    )
    # Co-funding (配套资金, opengps.rules.cofunding.Requirement): share of the money asked and/or amount.
    cofunding_min_share = models.DecimalField(
        _("配套资金最低比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    cofunding_min_amount = models.DecimalField(
        _("配套资金最低金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    draw = models.OneToOneField(
        "experts.Draw",
        verbose_name=_("评审专家抽取"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grant_round",
    )
    ranked_at = models.DateTimeField(_("排序时间"), null=True, blank=True)
    notice_published_on = models.DateField(_("公示发布日期"), null=True, blank=True)
    decided_on = models.DateField(_("资助决定日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资助批次")
        verbose_name_plural = _("资助批次")
        ordering = ["-year", "programme_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gt=0), name="grant_round_total_positive"),
            models.CheckConstraint(
                condition=Q(per_project_cap__gt=0) & Q(per_project_cap__lte=models.F("total_amount")),
                name="grant_round_cap_within_total",
            ),
            models.CheckConstraint(
                condition=Q(call_opens__lte=models.F("call_closes")), name="grant_round_call_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(cofunding_min_share__isnull=True)
                | (Q(cofunding_min_share__gte=0) & Q(cofunding_min_share__lte=100)),
                name="grant_round_cofunding_share_range",
            ),
            models.CheckConstraint(
                condition=Q(cofunding_min_amount__isnull=True) | Q(cofunding_min_amount__gte=0),
                name="grant_round_cofunding_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def purpose_area_labels(self) -> list[str]:
        return [str(PurposeArea(a).label) for a in self.purpose_areas if a in PurposeArea.values]


class ApplicationStatus(models.TextChoices):
    """Lifecycle of an application; transitions in `opengps.rules.grants_flow.APPLICATION`."""

    DRAFT = "draft", _("草稿")
    """Saved by the organization, visible only to it."""
    ELIGIBLE = "eligible", _("已受理（资格审查通过）")
    """Submitted and passed the automatic screening: goes to expert review."""
    SCREENED_OUT = "screened_out", _("资格审查未通过")
    """Submitted but refused at screening; the reasons are kept."""
    PROPOSED = "proposed", _("拟资助")
    """On the proposed list within the fund limit."""
    NOT_SELECTED = "not_selected", _("未入选")
    """Ranked but not funded (below the pass mark or did not fit)."""
    DISQUALIFIED = "disqualified", _("取消资助资格")
    """Removed from the proposed list after an upheld objection."""
    FUNDED = "funded", _("已立项资助")
    """The funding decision is made; an agreement follows."""
    WITHDRAWN = "withdrawn", _("已撤回")
    """Withdrawn by the organization."""


class Application(models.Model):
    """An organization's application to a round: plan, budget breakdown, indicators and attachments."""

    round = models.ForeignKey(
        Round, verbose_name=_("资助批次"), on_delete=models.PROTECT, related_name="applications"
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("申报组织"),
        on_delete=models.PROTECT,
        related_name="grant_applications",
    )
    title = models.CharField(_("项目名称"), max_length=200)
    purpose_area = models.CharField(_("资助方向"), max_length=16, choices=PurposeArea.choices)
    summary = models.TextField(_("项目简介"), blank=True)
    plan = models.TextField(_("实施方案"), blank=True)
    beneficiary_region = models.ForeignKey(
        "accounts.Region", verbose_name=_("服务区域"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("计划开始"))
    ends_on = models.DateField(_("计划结束"))
    requested_amount = models.DecimalField(_("申请金额（元）"), max_digits=14, decimal_places=2)
    budget_lines = models.JSONField(
        _("预算明细"), default=list, help_text=_("[{item, amount}]，金额为字符串")
    )
    indicators = models.JSONField(_("绩效指标"), default=list, help_text=_("[{name, target}]"))
    status = models.CharField(
        _("状态"), max_length=14, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    screening = models.JSONField(_("资格审查理由"), default=list, blank=True)
    combined_score = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    ranking_note = models.TextField(_("排序说明"), blank=True)
    awarded_amount = models.DecimalField(
        _("资助金额（元）"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("申报项目")
        verbose_name_plural = _("申报项目")
        ordering = ["round_id", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organization"], name="grant_one_application_per_org"),
            models.CheckConstraint(
                condition=Q(requested_amount__gt=0), name="grant_application_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(awarded_amount__isnull=True)
                | Q(awarded_amount__lte=models.F("requested_amount")),
                name="grant_awarded_within_requested",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="grant_application_dates"
            ),
        ]
        indexes = [models.Index(fields=["round", "status"], name="grant_app_round_status_idx")]

    def __str__(self) -> str:
        return self.title


class Attachment(models.Model):
    """A file attached to an application (checked for size and type by its content)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报项目"), on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("内容"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申报附件")
        verbose_name_plural = _("申报附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ReviewScore(models.Model):
    """One panel member's independent scores of one application, per criterion of the template."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报项目"), on_delete=models.CASCADE, related_name="scores"
    )
    member = models.ForeignKey(
        "experts.DrawMember",
        verbose_name=_("评审专家"),
        on_delete=models.PROTECT,
        related_name="grant_scores",
    )
    scores = models.JSONField(_("分项得分"), help_text=_("{criterion code: score as string}"))
    total = models.DecimalField(_("合计"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("评审意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专家评分")
        verbose_name_plural = _("专家评分")
        ordering = ["application_id", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "member"], name="grant_one_score_per_member"),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(total__lte=100), name="grant_score_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.member_id}: {self.total}"


class PitchSession(models.Model):
    """An optional pitch (项目路演/答辩) of an application before the panel."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报项目"), on_delete=models.CASCADE, related_name="pitches"
    )
    held_on = models.DateField(_("路演日期"))
    location = models.CharField(_("地点"), max_length=200)
    notes = models.TextField(_("记录"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("项目路演")
        verbose_name_plural = _("项目路演")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.application} {self.held_on}"


class ObjectionStatus(models.TextChoices):
    """An objection to the proposed list; transitions in `opengps.rules.grants_flow.OBJECTION`."""

    PENDING = "pending", _("待处理")
    """Filed within the notice period, not yet decided."""
    UPHELD = "upheld", _("异议成立")
    """Upheld: the named project leaves the proposed list and the round is ranked again."""
    DISMISSED = "dismissed", _("异议不成立")
    """Dismissed with reasons."""


class Objection(models.Model):
    """An objection (异议) to the proposed list filed during the public notice period."""

    round = models.ForeignKey(
        Round, verbose_name=_("资助批次"), on_delete=models.PROTECT, related_name="objections"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("所涉项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("匿名提出时为空"),
    )
    filer_name = models.CharField(_("提出人"), max_length=100)
    filer_contact = models.CharField(
        _("联系方式"), max_length=100, help_text=_("仅资助单位可见，用于反馈处理结果")
    )
    text = models.TextField(_("异议内容"))
    filed_on = models.DateField(_("提出日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING
    )
    decision = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("处理日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["filed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.round} #{self.pk}"


class AgreementStatus(models.TextChoices):
    """Lifecycle of a grant agreement; transitions in `opengps.rules.grants_flow.AGREEMENT`."""

    ACTIVE = "active", _("执行中")
    """Signed; tranches are released as milestones are met."""
    STOPPED = "stopped", _("已停止拨付")
    """The mid-term review failed: no further tranche is released."""
    FINAL_REVIEWED = "final_reviewed", _("已结项评估")
    """The funder's final review graded the project."""
    AUDITED = "audited", _("已结项审计")
    """The accounting firm's final audit is recorded; any unspent money must come back."""
    CLOSED = "closed", _("已结项")
    """Settled: nothing left to pay or return."""


class Agreement(models.Model):
    """A grant agreement (资助协议) for a funded application."""

    application = models.OneToOneField(
        Application, verbose_name=_("申报项目"), on_delete=models.PROTECT, related_name="agreement"
    )
    number = models.CharField(_("协议编号"), max_length=40, unique=True)
    amount = models.DecimalField(_("资助金额（元）"), max_digits=14, decimal_places=2)
    signed_on = models.DateField(_("签订日期"))
    starts_on = models.DateField(_("执行开始"))
    ends_on = models.DateField(_("执行结束"))
    status = models.CharField(
        _("状态"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE
    )
    midterm_passed = models.BooleanField(_("中期评估通过"), null=True, blank=True)
    midterm_on = models.DateField(_("中期评估日期"), null=True, blank=True)
    midterm_findings = models.TextField(_("中期评估意见"), blank=True)
    final_score = models.DecimalField(
        _("结项评价得分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    final_grade = models.CharField(_("结项评价等级"), max_length=2, blank=True)
    final_review_on = models.DateField(_("结项评估日期"), null=True, blank=True)
    final_review_note = models.TextField(_("结项评估意见"), blank=True)
    review_score = models.DecimalField(
        _("结项评估原始得分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    cofunding_committed = models.DecimalField(
        _("承诺配套资金（元）"), default=Decimal("0.00"), max_digits=14, decimal_places=2
    )
    cofunding_received = models.DecimalField(
        _("到位配套资金（元）"), default=Decimal("0.00"), max_digits=14, decimal_places=2
    )
    cofunding_deduction = models.DecimalField(
        _("配套资金未到位扣分"), default=Decimal("0.00"), max_digits=5, decimal_places=2
    )
    cofunding_flag = models.JSONField(_("配套资金提示"), default=dict, blank=True)
    return_due = models.DecimalField(
        _("应退回资金（元）"), default=Decimal("0.00"), max_digits=14, decimal_places=2
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("资助协议")
        verbose_name_plural = _("资助协议")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_agreement_amount_positive"),
            models.CheckConstraint(
                condition=Q(return_due__gte=0), name="grant_agreement_return_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(final_score__isnull=True) | (Q(final_score__gte=0) & Q(final_score__lte=100)),
                name="grant_agreement_final_score_range",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class TrancheStatus(models.TextChoices):
    """A payment instalment; transitions in `opengps.rules.grants_flow.TRANCHE`."""

    PENDING = "pending", _("待拨付")
    """Waiting for its milestone."""
    RELEASED = "released", _("已拨付")
    """Paid out (possibly less than planned, after the final audit)."""
    STOPPED = "stopped", _("已停止")
    """Not paid: the mid-term review failed."""


class Tranche(models.Model):
    """One instalment of an agreement, tied to a milestone (签约 / 中期评估 / 结项审计)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("资助协议"), on_delete=models.CASCADE, related_name="tranches"
    )
    seq = models.PositiveSmallIntegerField(_("期次"))
    share = models.PositiveSmallIntegerField(_("比例（%）"))
    amount = models.DecimalField(_("计划金额（元）"), max_digits=14, decimal_places=2)
    released_amount = models.DecimalField(
        _("实拨金额（元）"), default=Decimal("0.00"), max_digits=14, decimal_places=2
    )
    milestone = models.CharField(_("拨付节点"), max_length=60)
    status = models.CharField(
        _("状态"), max_length=10, choices=TrancheStatus.choices, default=TrancheStatus.PENDING
    )
    released_on = models.DateField(_("拨付日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("分期拨付")
        verbose_name_plural = _("分期拨付")
        ordering = ["agreement_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "seq"], name="grant_tranche_seq_unique"),
            models.CheckConstraint(
                condition=Q(released_amount__gte=0) & Q(released_amount__lte=models.F("amount")),
                name="grant_tranche_released_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} #{self.seq}"


class AuditOpinion(models.TextChoices):
    """The accounting firm's opinion in the final audit (结项审计)."""

    UNQUALIFIED = "unqualified", _("无保留意见")
    QUALIFIED = "qualified", _("保留意见")
    ADVERSE = "adverse", _("否定意见")


class FinalAudit(models.Model):
    """The third-party final audit of an agreement by an accounting firm, with its findings."""

    agreement = models.OneToOneField(
        Agreement, verbose_name=_("资助协议"), on_delete=models.PROTECT, related_name="final_audit"
    )
    firm = models.ForeignKey(
        "accounts.Unit", verbose_name=_("审计机构"), on_delete=models.PROTECT, related_name="+"
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审计人员"), on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.CharField(_("审计意见"), max_length=12, choices=AuditOpinion.choices)
    verified_spent = models.DecimalField(_("审定支出（元）"), max_digits=14, decimal_places=2)
    disallowed = models.DecimalField(
        _("不合规支出（元）"), default=Decimal("0.00"), max_digits=14, decimal_places=2
    )
    findings = models.JSONField(_("审计发现"), default=list)
    completed_on = models.DateField(_("完成日期"))

    class Meta:
        verbose_name = _("结项审计")
        verbose_name_plural = _("结项审计")
        constraints = [
            models.CheckConstraint(
                condition=Q(disallowed__gte=0) & Q(disallowed__lte=models.F("verified_spent")),
                name="grant_audit_disallowed_within_spent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.get_opinion_display()}"


class FundReturn(models.Model):
    """Unspent or disallowed money returned by the organization (结余资金退回)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("资助协议"), on_delete=models.PROTECT, related_name="returns"
    )
    amount = models.DecimalField(_("退回金额（元）"), max_digits=14, decimal_places=2)
    returned_on = models.DateField(_("退回日期"))
    document = models.CharField(_("缴款凭证号"), max_length=80)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("资金退回")
        verbose_name_plural = _("资金退回")
        ordering = ["returned_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="grant_return_positive")]

    def __str__(self) -> str:
        return f"{self.agreement} {self.amount}"


class CofundingSource(models.TextChoices):
    """Where co-funding comes from (`opengps.rules.cofunding.SourceKind`)."""

    OWN = "own", _("自有资金")
    ENTERPRISE = "enterprise", _("企业")
    FOUNDATION = "foundation", _("基金会")
    INDIVIDUAL = "individual", _("个人（经慈善组织）")
    PUBLIC = "public", _("其他财政性资金")
    """Public money from another programme: shown, never counted as leverage."""


class CofundingForm(models.TextChoices):
    CASH = "cash", _("现金")
    IN_KIND = "in_kind", _("非现金")


class InKindKind(models.TextChoices):
    """How an in-kind contribution is valued (`opengps.rules.cofunding.in_kind_value`)."""

    VOLUNTEER_HOURS = "volunteer_hours", _("志愿服务时数")
    VENUE = "venue", _("场地")
    GOODS = "goods", _("物资")


class DonationChannel(models.TextChoices):
    DIRECT = "direct", _("直接给付")
    DIRECTED = "directed", _("慈善组织定向募捐")
    PUBLIC = "public", _("慈善组织公开募捐")


class CofundingCommitment(models.Model):
    """Co-funding an applicant commits at application (配套资金承诺), with its evidence at the agreement."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报项目"), on_delete=models.CASCADE, related_name="commitments"
    )
    source = models.CharField(_("来源"), max_length=12, choices=CofundingSource.choices)
    form = models.CharField(_("形式"), max_length=8, choices=CofundingForm.choices)
    in_kind_kind = models.CharField(_("非现金类别"), max_length=16, choices=InKindKind.choices, blank=True)
    funder_name = models.CharField(_("出资方"), max_length=200)
    donor_is_person = models.BooleanField(_("自然人捐赠者"), default=False)
    charity = models.CharField(_("接受捐赠的慈善组织"), max_length=200, blank=True)
    hours = models.DecimalField(_("服务时数"), max_digits=10, decimal_places=1, null=True, blank=True)
    document = models.CharField(_("计价凭证"), max_length=200, blank=True)
    value = models.DecimalField(_("金额或折价（元）"), max_digits=14, decimal_places=2)
    evidence = models.CharField(_("到位证明"), max_length=200, blank=True)
    evidence_on = models.DateField(_("证明日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("配套资金承诺")
        verbose_name_plural = _("配套资金承诺")
        ordering = ["application_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="grant_commitment_value_positive"),
            models.CheckConstraint(
                condition=Q(form="cash", in_kind_kind="") | (Q(form="in_kind") & ~Q(in_kind_kind="")),
                name="grant_commitment_in_kind_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_source_display()} {self.value}"


class CofundingReceipt(models.Model):
    """Co-funding received, reported with a tranche (配套资金到位): donor, channel, purpose, receipt."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("资助协议"), on_delete=models.PROTECT, related_name="receipts"
    )
    tranche = models.ForeignKey(
        Tranche, verbose_name=_("所属拨付期次"), on_delete=models.PROTECT, related_name="receipts"
    )
    commitment = models.ForeignKey(
        CofundingCommitment,
        verbose_name=_("对应承诺"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipts",
    )
    source = models.CharField(_("来源"), max_length=12, choices=CofundingSource.choices)
    form = models.CharField(_("形式"), max_length=8, choices=CofundingForm.choices)
    in_kind_kind = models.CharField(_("非现金类别"), max_length=16, choices=InKindKind.choices, blank=True)
    donor = models.CharField(_("捐赠方/出资方"), max_length=200)
    donor_is_person = models.BooleanField(_("自然人捐赠者"), default=False)
    channel = models.CharField(
        _("渠道"), max_length=10, choices=DonationChannel.choices, default=DonationChannel.DIRECT
    )
    charity = models.CharField(_("接受捐赠的慈善组织"), max_length=200, blank=True)
    charity_public_qualified = models.BooleanField(_("慈善组织具有公开募捐资格"), default=False)
    restricted_purpose = models.CharField(_("限定用途"), max_length=200, blank=True)
    receipt_number = models.CharField(_("票据或凭证号"), max_length=80, blank=True)
    hours = models.DecimalField(_("服务时数"), max_digits=10, decimal_places=1, null=True, blank=True)
    document = models.CharField(_("计价凭证"), max_length=200, blank=True)
    value = models.DecimalField(_("金额或折价（元）"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("到位日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("配套资金到位")
        verbose_name_plural = _("配套资金到位")
        ordering = ["agreement_id", "received_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="grant_receipt_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.value}"


class FundDonation(models.Model):
    """Money given into a development fund programme itself (社会组织发展基金的社会捐赠)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("资助项目"), on_delete=models.PROTECT, related_name="donations"
    )
    source = models.CharField(_("来源"), max_length=12, choices=CofundingSource.choices)
    donor = models.CharField(_("捐赠方"), max_length=200)
    donor_is_person = models.BooleanField(_("自然人捐赠者"), default=False)
    channel = models.CharField(
        _("渠道"), max_length=10, choices=DonationChannel.choices, default=DonationChannel.DIRECT
    )
    charity = models.CharField(_("接受捐赠的慈善组织"), max_length=200, blank=True)
    charity_public_qualified = models.BooleanField(_("慈善组织具有公开募捐资格"), default=False)
    restricted_purpose = models.CharField(_("限定用途"), max_length=200, blank=True)
    receipt_number = models.CharField(_("票据或凭证号"), max_length=80, blank=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("到账日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("发展基金捐赠")
        verbose_name_plural = _("发展基金捐赠")
        ordering = ["programme_id", "received_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="grant_fund_donation_positive")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.amount}"
