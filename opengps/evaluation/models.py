"""Evaluation of opened bids, the evaluation report, the award and bid-deposit returns.

One `Evaluation` per procurement: its committee (`CommitteeMember`, the accepted experts of an
expert draw), the scored `Factor`s, the committee's `Review` rows (qualification and conformity,
pass/fail per requirement with reason) and each member's raw `Score`s. Every number in the
`EvaluationReport` is computed by `opengps.rules.scoring` from those raw rows. `Award` (per lot)
records the purchaser's confirmation; the effective winner is derived from dates by
`selectors.award_effective_winner` (the first candidate stands when the purchaser is late).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationStatus(models.TextChoices):
    """Where an evaluation stands."""

    REVIEWING = "reviewing", _("评审中")
    """Members confirm no conflict, review qualification and conformity, and score."""
    REPORTED = "reported", _("评审报告待确认")
    """All scores are in; the platform computed the report; members confirm it."""
    CONFIRMED = "confirmed", _("评审报告已确认")
    """Every member confirmed the report; it went to the purchaser."""
    FAILED = "failed", _("全部投标无效")
    """No bid passed the qualification and conformity review."""


class Evaluation(models.Model):
    """The evaluation of one procurement by a committee drawn from the expert database."""

    procurement = models.OneToOneField(
        "procurement.Procurement",
        verbose_name=_("采购项目"),
        on_delete=models.PROTECT,
        related_name="evaluation",
    )
    draw = models.ForeignKey(
        "experts.Draw",
        verbose_name=_("专家抽取"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("单一来源采购无评审委员会，由采购人员与供应商协商"),
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.REVIEWING
    )
    by_price = models.BooleanField(_("按价格排序（最低评标价法/谈判/询价）"), default=False)
    formula = models.CharField(_("价格分公式"), max_length=8, default="O87")
    price_weight = models.DecimalField(_("价格分权重"), max_digits=5, decimal_places=4, default=0)
    small_micro_rate = models.DecimalField(
        _("小微企业价格扣除比例"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    started_at = models.DateTimeField(_("开始时间"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("组织人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("评审")
        verbose_name_plural = _("评审")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_weight__gte=0, price_weight__lte=1),
                name="evaluation_price_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.procurement)


class MemberState(models.TextChoices):
    """A committee member's progress."""

    PENDING = "pending", _("待确认无回避情形")
    """Must confirm having no conflict with the bidders before seeing any bid."""
    CONFIRMED = "confirmed", _("已确认无回避情形")
    """May review and score."""
    RECUSED = "recused", _("已申请回避")
    """Declared a conflict with a bidder; takes no part."""


class CommitteeMember(models.Model):
    """An accepted expert of the draw sitting on the committee."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("评审"), on_delete=models.CASCADE, related_name="members"
    )
    draw_member = models.OneToOneField(
        "experts.DrawMember", verbose_name=_("抽中专家"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("专家账户"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=60)
    state = models.CharField(
        _("状态"), max_length=12, choices=MemberState.choices, default=MemberState.PENDING
    )
    conflict_confirmed_at = models.DateTimeField(_("确认无回避时间"), null=True, blank=True)
    recusal_reason = models.TextField(_("回避原因"), blank=True)
    scores_submitted_at = models.DateTimeField(_("提交评分时间"), null=True, blank=True)
    report_confirmed_at = models.DateTimeField(_("确认评审报告时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审委员会成员")
        verbose_name_plural = _("评审委员会成员")
        ordering = ["evaluation_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "user"], name="committee_member_once"),
        ]

    def __str__(self) -> str:
        return self.name


class Factor(models.Model):
    """A scored factor of the documents (not price; price points are computed by the platform)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("评审"), on_delete=models.CASCADE, related_name="factors"
    )
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("评审因素"), max_length=200)
    max_points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("评审因素")
        verbose_name_plural = _("评审因素")
        ordering = ["evaluation_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "code"], name="factor_code_once"),
            models.CheckConstraint(condition=models.Q(max_points__gt=0), name="factor_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.max_points}）"


class ReviewKind(models.TextChoices):
    QUALIFICATION = "qualification", _("资格审查")
    CONFORMITY = "conformity", _("符合性审查")


class Review(models.Model):
    """The committee's pass/fail on one requirement for one bid, with its reason (O87 §44, §50)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("评审"), on_delete=models.CASCADE, related_name="reviews"
    )
    readout = models.ForeignKey(
        "procurement.BidReadout", verbose_name=_("投标"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("审查类型"), max_length=16, choices=ReviewKind.choices)
    requirement = models.CharField(_("审查要求"), max_length=200)
    passed = models.BooleanField(_("通过"))
    reason = models.TextField(_("理由"), blank=True)
    recorded_by = models.ForeignKey(
        CommitteeMember, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("资格与符合性审查")
        verbose_name_plural = _("资格与符合性审查")
        ordering = ["evaluation_id", "readout_id", "kind", "requirement"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "readout", "kind", "requirement"], name="review_once_per_requirement"
            ),
            models.CheckConstraint(
                condition=models.Q(passed=True) | ~models.Q(reason=""), name="review_failure_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement}: {'✓' if self.passed else '✗'}"


class Score(models.Model):
    """One member's raw score of one factor for one bid; never changed after submission."""

    member = models.ForeignKey(
        CommitteeMember, verbose_name=_("评委"), on_delete=models.CASCADE, related_name="scores"
    )
    readout = models.ForeignKey(
        "procurement.BidReadout", verbose_name=_("投标"), on_delete=models.PROTECT, related_name="+"
    )
    factor = models.ForeignKey(Factor, verbose_name=_("评审因素"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("评委评分")
        verbose_name_plural = _("评委评分")
        constraints = [
            models.UniqueConstraint(fields=["member", "readout", "factor"], name="score_once"),
            models.CheckConstraint(condition=models.Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}/{self.readout_id}/{self.factor_id}: {self.points}"


class EvaluationReport(models.Model):
    """The evaluation report (评审报告): per-lot breakdown of every bid, ranking and flags."""

    evaluation = models.OneToOneField(
        Evaluation, verbose_name=_("评审"), on_delete=models.CASCADE, related_name="report"
    )
    built_at = models.DateTimeField(_("生成时间"))
    scoring_ended_on = models.DateField(_("评审结束日期"))
    due_on = models.DateField(_("评审报告提交期限"))
    due_citation = models.CharField(_("依据"), max_length=300)
    seed = models.CharField(_("并列抽取种子"), max_length=64)
    lots = models.JSONField(_("各包评审结果"), default=list)
    delivered_on = models.DateField(_("送交采购人日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审报告")
        verbose_name_plural = _("评审报告")

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.built_at:%Y-%m-%d}"


class Award(models.Model):
    """The award of one lot: the purchaser's confirmation within its deadline, and the announcement."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("评审"), on_delete=models.CASCADE, related_name="awards"
    )
    lot = models.OneToOneField(
        "procurement.Lot", verbose_name=_("采购包"), on_delete=models.PROTECT, related_name="+"
    )
    first_candidate = models.ForeignKey(
        "procurement.BidReadout",
        verbose_name=_("排名第一的候选人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    report_on = models.DateField(_("收到评审报告日期"))
    confirm_due = models.DateField(_("确认中标（成交）供应商期限"))
    confirm_citation = models.CharField(_("依据"), max_length=300)
    confirmed = models.ForeignKey(
        "procurement.BidReadout",
        verbose_name=_("采购人确认的中标（成交）供应商"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    winner = models.ForeignKey(
        "procurement.BidReadout",
        verbose_name=_("中标（成交）供应商"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("定标日期"), null=True, blank=True)
    announce_due = models.DateField(_("公告期限"), null=True, blank=True)
    announced_at = models.DateTimeField(_("公告时间"), null=True, blank=True)
    announce_citation = models.CharField(_("公告依据"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("定标")
        verbose_name_plural = _("定标")
        ordering = ["evaluation_id", "lot_id"]

    def __str__(self) -> str:
        return f"{self.lot}"


class DepositReturn(models.Model):
    """A bidder's bid deposit and when it must be returned (IR §33, O87 §38)."""

    award = models.ForeignKey(
        Award, verbose_name=_("定标"), on_delete=models.CASCADE, related_name="deposits"
    )
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("投标人"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("保证金（元）"), max_digits=14, decimal_places=2)
    trigger = models.CharField(_("退还事由"), max_length=24)
    due_on = models.DateField(_("退还期限"), null=True, blank=True, help_text=_("中标人：合同签订后起算"))
    citation = models.CharField(_("依据"), max_length=300)
    returned_on = models.DateField(_("退还日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("投标保证金退还")
        verbose_name_plural = _("投标保证金退还")
        ordering = ["award_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["award", "organization"], name="deposit_return_once"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="deposit_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.amount}"


FIRST_STAGE_CHOICES = [("price_first", _("价格优先法")), ("quality_first", _("质量优先法"))]
"""确定第一阶段入围供应商的评审方法 (O110 §25)."""
SECOND_STAGE_CHOICES = [("direct", _("直接选定")), ("rebid", _("二次竞价")), ("rotation", _("顺序轮候"))]
"""确定第二阶段成交供应商的方式 (O110 §32)."""


class FrameworkShortlist(models.Model):
    """The shortlisted suppliers (入围供应商) of one lot of a framework agreement (O110 §25-28).

    Recorded from the confirmed evaluation report by `opengps.rules.framework.shortlist`; the
    second-stage rule (direct pick, re-bid or rotation) is the one the documents stated.
    """

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("评审"), on_delete=models.CASCADE, related_name="shortlists"
    )
    lot = models.OneToOneField(
        "procurement.Lot", verbose_name=_("采购包"), on_delete=models.PROTECT, related_name="+"
    )
    first_stage = models.CharField(_("入围评审方法"), max_length=16, choices=FIRST_STAGE_CHOICES)
    second_stage = models.CharField(_("第二阶段成交方式"), max_length=16, choices=SECOND_STAGE_CHOICES)
    elimination_rate = models.CharField(_("淘汰比例"), max_length=16)
    max_members = models.PositiveIntegerField(_("入围数量上限"), null=True, blank=True)
    responsive = models.PositiveIntegerField(_("有效响应数"))
    eliminated = models.JSONField(_("淘汰供应商"), default=list, blank=True)
    cut_value = models.DecimalField(_("最高入围价格或最低入围分值"), max_digits=14, decimal_places=2)
    citation = models.CharField(_("依据"), max_length=500)
    recorded_at = models.DateTimeField(_("确定时间"))
    announced_at = models.DateTimeField(_("入围结果公告时间"), null=True, blank=True)
    signed_on = models.DateField(_("框架协议签订日期"), null=True, blank=True)
    sign_late_reason = models.TextField(_("逾期签订原因"), blank=True)
    file_due = models.DateField(_("备案期限"), null=True, blank=True)
    filed_on = models.DateField(_("报财政部门备案日期"), null=True, blank=True)
    file_late_reason = models.TextField(_("逾期备案原因"), blank=True)

    class Meta:
        verbose_name = _("框架协议入围结果")
        verbose_name_plural = _("框架协议入围结果")
        ordering = ["evaluation_id", "lot_id"]

    def __str__(self) -> str:
        return f"{self.lot}"


class FrameworkMember(models.Model):
    """A shortlisted supplier, its rank and its agreement price (协议价格, O110 §13)."""

    shortlist = models.ForeignKey(
        FrameworkShortlist, verbose_name=_("入围结果"), on_delete=models.CASCADE, related_name="members"
    )
    readout = models.ForeignKey(
        "procurement.BidReadout", verbose_name=_("响应"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("入围供应商"), on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveIntegerField(_("排序"))
    price = models.DecimalField(_("协议价格（元）"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("入围供应商")
        verbose_name_plural = _("入围供应商")
        ordering = ["shortlist_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "organization"], name="framework_member_once"),
            models.UniqueConstraint(fields=["shortlist", "rank"], name="framework_member_rank_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.organization_id}"


class FrameworkCallOff(models.Model):
    """A second-stage award (第二阶段成交) to a shortlisted supplier, by the agreement's rule."""

    shortlist = models.ForeignKey(
        FrameworkShortlist, verbose_name=_("入围结果"), on_delete=models.PROTECT, related_name="call_offs"
    )
    number = models.PositiveIntegerField(_("序号"))
    member = models.ForeignKey(
        FrameworkMember, verbose_name=_("成交供应商"), on_delete=models.PROTECT, related_name="call_offs"
    )
    rule = models.CharField(_("成交方式"), max_length=16, choices=SECOND_STAGE_CHOICES)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    citation = models.CharField(_("依据"), max_length=300)
    description = models.CharField(_("采购内容"), max_length=200)
    amount = models.DecimalField(_("成交金额（元）"), max_digits=14, decimal_places=2)
    picked_at = models.DateTimeField(_("确定时间"))
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确定人"), on_delete=models.PROTECT, related_name="+"
    )
    publish_due = models.DateField(
        _("成交结果公告期限"),
        null=True,
        blank=True,
        help_text=_("二次竞价或顺序轮候确定成交供应商后2个工作日内逐笔公告；直接选定的为空"),
    )
    publish_citation = models.CharField(_("公告期限依据"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("成交结果公告时间"), null=True, blank=True)
    publish_late_reason = models.TextField(_("逾期公告原因"), blank=True)
    by_order = models.BooleanField(
        _("以订单为采购合同"),
        default=False,
        help_text=_("在电子卖场下单确定的成交：订单即具有合同性质的采购合同，不另行订立合同"),
    )
    """Picked by an e-mall order (`emall.services.order_call_off`): the order is the call-off's
    contract (具有合同性质的订单, O110 §11(9)), so no call-off contract is drafted for it."""

    class Meta:
        verbose_name = _("框架协议第二阶段成交")
        verbose_name_plural = _("框架协议第二阶段成交")
        ordering = ["shortlist_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "number"], name="framework_call_off_number_once"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="framework_call_off_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shortlist} #{self.number}"
