"""Contracts, execution and phased acceptance (合同 · 履约 · 验收)."""

from __future__ import annotations

from django.conf import settings
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


class TerminationFault(models.TextChoices):
    SUPPLIER = "supplier", _("供应商违约")
    """The supplier failed to perform; the credit app reads these."""
    PURCHASER = "purchaser", _("采购人原因")
    """The purchaser's side (funding withdrawn, policy change)."""
    MUTUAL = "mutual", _("双方协商一致")
    """Agreed by both parties."""
    FORCE_MAJEURE = "force_majeure", _("不可抗力")
    """Neither party at fault."""


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
    call_off = models.OneToOneField(
        "evaluation.FrameworkCallOff",
        verbose_name=_("框架协议第二阶段成交"),
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
    # --- added in 0002: deadlines, term, bond, execution settings, ending -------------------------
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    original_amount = models.DecimalField(
        _("原合同金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    multi_year = models.BooleanField(_("符合多年期合同条件"), default=False)
    term_citation = models.CharField(_("履行期限依据"), max_length=300, blank=True)
    notice_on = models.DateField(_("中标（成交）通知书发出日期"), null=True, blank=True)
    sign_due = models.DateField(_("合同签订期限"), null=True, blank=True)
    sign_citation = models.CharField(_("签订期限依据"), max_length=300, blank=True)
    sign_late_reason = models.TextField(_("逾期签订原因"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签订经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    publish_due = models.DateField(_("合同公告期限"), null=True, blank=True)
    publish_citation = models.CharField(_("公告期限依据"), max_length=300, blank=True)
    publish_late_reason = models.TextField(_("逾期公告原因"), blank=True)
    performance_bond = models.DecimalField(_("履约保证金（元）"), max_digits=14, decimal_places=2, default=0)
    bond_citation = models.CharField(_("履约保证金依据"), max_length=300, blank=True)
    small_supplier = models.BooleanField(_("供应商为中小企业"), default=False)
    people_facing = models.BooleanField(
        _("直接面向服务对象"), default=True, help_text=_("验收时须邀请服务对象参与")
    )
    report_every_days = models.PositiveSmallIntegerField(_("履约报告周期（天）"), default=30)
    indicators = models.JSONField(_("绩效指标"), default=list, blank=True)
    terms = models.TextField(_("主要条款"), blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    terminated_on = models.DateField(_("解除日期"), null=True, blank=True)
    termination_fault = models.CharField(
        _("解除责任方"), max_length=16, blank=True, choices=TerminationFault.choices
    )
    termination_reason = models.TextField(_("解除原因"), blank=True)

    class Meta:
        verbose_name = _("合同")
        verbose_name_plural = _("合同")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contract_term_ordered"
            ),
            models.CheckConstraint(condition=Q(performance_bond__gte=0), name="contract_bond_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="terminated") | ~Q(termination_reason=""),
                name="contract_termination_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Amendment(models.Model):
    """A supplementary contract (补充合同): added amount (all together ≤10%, GPL §49) and/or a new end."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="amendments"
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    added_amount = models.DecimalField(_("追加金额（元）"), max_digits=14, decimal_places=2, default=0)
    amount_before = models.DecimalField(_("变更前合同金额（元）"), max_digits=14, decimal_places=2)
    amount_after = models.DecimalField(_("变更后合同金额（元）"), max_digits=14, decimal_places=2)
    cumulative = models.DecimalField(_("累计追加金额（元）"), max_digits=14, decimal_places=2)
    cap = models.DecimalField(_("追加上限（元）"), max_digits=14, decimal_places=2)
    citation = models.CharField(_("依据"), max_length=300)
    ends_on_before = models.DateField(_("变更前结束日期"))
    ends_on_after = models.DateField(_("变更后结束日期"))
    reason = models.TextField(_("变更理由"))
    signed_on = models.DateField(_("签订日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("补充合同")
        verbose_name_plural = _("补充合同")
        ordering = ["contract_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="amendment_number_once"),
            models.CheckConstraint(condition=Q(added_amount__gte=0), name="amendment_amount_not_negative"),
            models.CheckConstraint(condition=Q(cumulative__lte=models.F("cap")), name="amendment_within_cap"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} #{self.number}"


class Milestone(models.Model):
    """A dated step of the service with its deliverables; overdue when past `due_on` and not done."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="milestones"
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("节点名称"), max_length=200)
    due_on = models.DateField(_("计划完成日期"))
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("履约节点")
        verbose_name_plural = _("履约节点")
        ordering = ["contract_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "order"], name="milestone_order_once"),
        ]

    def __str__(self) -> str:
        return self.title


class Deliverable(models.Model):
    """Something the supplier must deliver; each acceptance phase checks some of them."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="deliverables"
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("所属节点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliverables",
    )
    name = models.CharField(_("交付内容"), max_length=200)
    standard = models.TextField(_("验收标准"), blank=True)

    class Meta:
        verbose_name = _("交付内容")
        verbose_name_plural = _("交付内容")
        ordering = ["contract_id", "pk"]

    def __str__(self) -> str:
        return self.name


class Payment(models.Model):
    """One instalment of the payment schedule; its due date is derived when its phase is accepted."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="payments"
    )
    order = models.PositiveSmallIntegerField(_("期次"))
    title = models.CharField(_("款项名称"), max_length=200)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    planned_on = models.DateField(_("计划支付日期"), null=True, blank=True)
    after_phase = models.PositiveSmallIntegerField(_("验收后支付（验收阶段序号）"), null=True, blank=True)
    due_on = models.DateField(_("支付期限"), null=True, blank=True)
    due_citation = models.CharField(_("支付期限依据"), max_length=300, blank=True)
    paid_on = models.DateField(_("实际支付日期"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("实付金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    voucher = models.CharField(_("支付凭证号"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("支付计划")
        verbose_name_plural = _("支付计划")
        ordering = ["contract_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "order"], name="payment_order_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.amount}"


class Post(models.Model):
    """岗位购买: a post the supplier staffs, how many people, and where they serve."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="posts"
    )
    name = models.CharField(_("岗位名称"), max_length=120)
    headcount = models.PositiveSmallIntegerField(_("人数"))
    location = models.CharField(_("服务地点"), max_length=200)
    duties = models.TextField(_("岗位职责"), blank=True)

    class Meta:
        verbose_name = _("购买岗位")
        verbose_name_plural = _("购买岗位")
        ordering = ["contract_id", "pk"]
        constraints = [models.CheckConstraint(condition=Q(headcount__gt=0), name="post_headcount_positive")]

    def __str__(self) -> str:
        return f"{self.name}（{self.location}）"


class Placement(models.Model):
    """A person placed in a post for a period."""

    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="placements"
    )
    person_name = models.CharField(_("姓名"), max_length=60)
    qualification = models.CharField(_("资质"), max_length=200, blank=True)
    starts_on = models.DateField(_("到岗日期"))
    ends_on = models.DateField(_("离岗日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("在岗人员")
        verbose_name_plural = _("在岗人员")
        ordering = ["post_id", "starts_on", "pk"]

    def __str__(self) -> str:
        return self.person_name


class ProgressReport(models.Model):
    """A supplier's progress report for a period, with figures against the contract's indicators."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="reports"
    )
    period_start = models.DateField(_("报告期起"))
    period_end = models.DateField(_("报告期止"))
    summary = models.TextField(_("履约情况"))
    figures = models.JSONField(_("指标完成情况"), default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"))

    class Meta:
        verbose_name = _("履约报告")
        verbose_name_plural = _("履约报告")
        ordering = ["contract_id", "period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="report_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end}"


class ReportAttachment(models.Model):
    """A file attached to a progress report, checked for size and type by its content."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("履约报告"), on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("内容"), editable=False)

    class Meta:
        verbose_name = _("报告附件")
        verbose_name_plural = _("报告附件")
        ordering = ["report_id", "pk"]

    def __str__(self) -> str:
        return self.name


class AcceptanceResult(models.TextChoices):
    PASS = "pass", _("合格")
    """Everything checked passed."""
    PARTIAL = "partial", _("部分合格")
    """Some items failed; the reasons say what must be fixed."""
    FAIL = "fail", _("不合格")
    """The phase failed; the performance and credit apps read these."""


class Acceptance(models.Model):
    """One phase of the performance acceptance (履约验收), recorded once with its group and checklist."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="acceptances"
    )
    phase = models.PositiveSmallIntegerField(_("验收阶段"))
    title = models.CharField(_("阶段名称"), max_length=200)
    final = models.BooleanField(_("最终验收"), default=False)
    accepted_on = models.DateField(_("验收日期"))
    result = models.CharField(_("验收结论"), max_length=8, choices=AcceptanceResult.choices)
    reasons = models.TextField(_("结论理由"), blank=True)
    members = models.JSONField(_("验收小组成员"), default=list)
    recipients_invited = models.PositiveIntegerField(_("邀请服务对象人数"), default=0)
    recipients_how = models.CharField(_("邀请方式"), max_length=200, blank=True)
    recipient_opinions = models.JSONField(_("服务对象意见"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"))
    published = models.BooleanField(_("已公开"), default=False)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("履约验收")
        verbose_name_plural = _("履约验收")
        ordering = ["contract_id", "phase"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "phase"], name="acceptance_phase_once"),
            models.CheckConstraint(
                condition=Q(result="pass") | ~Q(reasons=""), name="acceptance_non_pass_has_reasons"
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(published_at__isnull=False),
                name="acceptance_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} · {self.title}"


class ChecklistItem(models.Model):
    """Pass/fail of one deliverable in one acceptance phase; a failure gives its reason."""

    acceptance = models.ForeignKey(
        Acceptance, verbose_name=_("履约验收"), on_delete=models.CASCADE, related_name="items"
    )
    deliverable = models.ForeignKey(
        Deliverable, verbose_name=_("交付内容"), on_delete=models.PROTECT, related_name="checks"
    )
    passed = models.BooleanField(_("合格"))
    reason = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("验收清单项")
        verbose_name_plural = _("验收清单项")
        ordering = ["acceptance_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["acceptance", "deliverable"], name="checklist_item_once"),
            models.CheckConstraint(
                condition=Q(passed=True) | ~Q(reason=""), name="checklist_failure_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable_id}: {'✓' if self.passed else '✗'}"
