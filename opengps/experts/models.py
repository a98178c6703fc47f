"""Experts of the provincial database, their declared ties, and the draws that pick committees.

Who may sit is never stored: `opengps.experts.services` asks `opengps.rules.committee` at each
draw (qualification on the draw date, avoidance against that procurement's bidders) and keeps
the answer in the draw's snapshot, so a later change to an expert never rewrites an old draw.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TitleLevel(models.TextChoices):
    """Professional title (专业技术职称) level; 副高 and 正高 both count as 高级 for qualification."""

    INTERMEDIATE = "intermediate", _("中级")
    SENIOR = "senior", _("高级（副高）")
    FULL_SENIOR = "full_senior", _("正高级")


class ExpertStatus(models.TextChoices):
    """Whether the expert can be drawn."""

    ACTIVE = "active", _("在库")
    """In the database and drawable when qualified and free of conflicts."""
    SUSPENDED = "suspended", _("暂停")
    """Temporarily not drawable (e.g. after a poor conduct rating or on request); reason audited."""


class Expert(models.Model):
    """An evaluation expert (评审专家) of the provincial database (财库〔2016〕198号).

    The identity card number is never stored in clear: only a keyed hash (to refuse duplicates)
    and a masked form for display.
    """

    name = models.CharField(_("姓名"), max_length=60)
    id_number_hash = models.CharField(_("身份证号哈希"), max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    title_level = models.CharField(_("职称级别"), max_length=16, choices=TitleLevel.choices)
    title_name = models.CharField(_("职称名称"), max_length=60, blank=True)
    title_obtained_on = models.DateField(_("取得职称日期"))
    field_since = models.DateField(_("从事相关工作起始日期"))
    birth_date = models.DateField(_("出生日期"))
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="experts"
    )
    specialties = models.JSONField(
        _("评审专业"), default=list, help_text=_("指导性目录类别代码列表，如 A04、B0201")
    )
    employer_name = models.CharField(_("工作单位"), max_length=120, blank=True)
    employer_uscc = models.CharField(_("工作单位统一社会信用代码"), max_length=18, blank=True)
    employer_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("工作单位（平台内单位）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_experts",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ExpertStatus.choices, default=ExpertStatus.ACTIVE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("平台账户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expert_profile",
    )
    created_at = models.DateTimeField(_("入库时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employer_uscc="")
                | models.Q(employer_uscc__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                name="expert_employer_uscc_format",
            ),
            models.CheckConstraint(
                condition=models.Q(birth_date__lt=models.F("field_since")), name="expert_born_before_working"
            ),
        ]
        indexes = [models.Index(fields=["status", "region"], name="expert_status_region_idx")]

    def __str__(self) -> str:
        return self.name


class AffiliationRole(models.TextChoices):
    """A tie to an organization that IR §9 (一)–(三) looks at over the past 3 years."""

    EMPLOYEE = "employee", _("劳动关系（任职）")
    DIRECTOR = "director", _("董事")
    SUPERVISOR = "supervisor", _("监事")
    CONTROLLING_SHAREHOLDER = "controlling_shareholder", _("控股股东")
    ACTUAL_CONTROLLER = "actual_controller", _("实际控制人")


class ExpertAffiliation(models.Model):
    """A past or present tie of the expert to an organization (by USCC) or a government unit."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("评审专家"), on_delete=models.CASCADE, related_name="affiliations"
    )
    role = models.CharField(_("关系"), max_length=24, choices=AffiliationRole.choices)
    organization_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization_name = models.CharField(_("组织名称"), max_length=120)
    start = models.DateField(_("起始日期"), null=True, blank=True)
    end = models.DateField(_("终止日期"), null=True, blank=True, help_text=_("为空表示至今"))
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任职与持股关系")
        verbose_name_plural = _("任职与持股关系")
        ordering = ["-start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(organization_uscc="") & models.Q(unit__isnull=False))
                | (~models.Q(organization_uscc="") & models.Q(unit__isnull=True)),
                name="expert_affiliation_one_target",
            ),
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(end__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="expert_affiliation_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_name}（{self.get_role_display()}）"


class RelationKind(models.TextChoices):
    """Kinship with a bidder's legal representative or principal (IR §9 (四)/(五))."""

    SPOUSE = "spouse", _("夫妻")
    LINEAL = "lineal", _("直系血亲")
    COLLATERAL = "collateral", _("三代以内旁系血亲")
    CLOSE_IN_LAW = "close_in_law", _("近姻亲")
    OTHER = "other", _("其他可能影响公正的关系")


class ExpertRelation(models.Model):
    """A relation the expert declared with a person (typically an organization's legal representative).

    Matched against bidders by the person's name, on purpose broadly: a namesake also makes the
    expert stand aside, which costs one candidate, while a missed relative would taint the award.
    """

    expert = models.ForeignKey(
        Expert, verbose_name=_("评审专家"), on_delete=models.CASCADE, related_name="relations"
    )
    person_name = models.CharField(_("关系人姓名"), max_length=60)
    relation = models.CharField(_("关系"), max_length=16, choices=RelationKind.choices)
    generations = models.PositiveSmallIntegerField(
        _("代数"),
        null=True,
        blank=True,
        help_text=_("旁系血亲的代数：兄弟姐妹为2，堂表兄弟姐妹、叔伯姑舅姨为3"),
    )
    organization_uscc = models.CharField(_("关系人所在组织统一社会信用代码"), max_length=18, blank=True)
    organization_name = models.CharField(_("关系人所在组织"), max_length=120, blank=True)
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("亲属关系申报")
        verbose_name_plural = _("亲属关系申报")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.person_name}（{self.get_relation_display()}）"


class Draw(models.Model):
    """One random draw of experts for a procurement, with everything needed to replay it.

    `inputs` are public; `seed` = SHA-256 of their canonical JSON (see `opengps.experts.drawing`);
    `pool` is the sorted snapshot of eligible expert ids; `exclusions` lists each candidate left
    out with the reasons. Members (selected, then substitutes) are the `members` rows in order.
    """

    procurement_ref = models.CharField(_("采购项目编号"), max_length=64, db_index=True)
    title = models.CharField(_("项目名称"), max_length=200)
    purchaser_unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("采购人"), on_delete=models.PROTECT, related_name="expert_draws"
    )
    agency_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("采购代理机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(_("评审专业（目录类别代码）"), max_length=16)
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("专家所在区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示全省"),
    )
    method = models.CharField(_("采购方式"), max_length=32)
    budget = models.DecimalField(_("预算金额（元）"), max_digits=16, decimal_places=2)
    needed = models.PositiveSmallIntegerField(_("抽取专家人数"))
    purchaser_reps = models.PositiveSmallIntegerField(_("采购人代表人数"), default=0)
    drawn_at = models.DateTimeField(_("抽取时间"))
    audit_chain_head = models.CharField(_("抽取时审计链头哈希"), max_length=64)
    inputs = models.JSONField(_("公开输入"))
    seed = models.CharField(_("随机种子"), max_length=64)
    candidates = models.PositiveIntegerField(_("专业与区划相符的专家人数"))
    pool = models.JSONField(_("候选专家（编号，升序）"))
    exclusions = models.JSONField(_("排除的专家及原因"), default=list)
    bidders = models.JSONField(_("回避核对的供应商"), default=list)
    committee = models.JSONField(_("评审委员会组成要求"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("专家抽取")
        verbose_name_plural = _("专家抽取")
        ordering = ["-drawn_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(needed__gte=1), name="draw_needs_experts"),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="draw_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.procurement_ref} {self.title}"


class MemberStatus(models.TextChoices):
    """Where a drawn expert stands; transitions through `draw_member_respond` and `draw_member_recuse`."""

    INVITED = "invited", _("已通知")
    """Drawn and notified; has not answered."""
    ACCEPTED = "accepted", _("已确认参加")
    """Confirmed having no conflict and agreed to sit."""
    DECLINED = "declined", _("已拒绝（无替补）")
    """Declined and the pool had no one left to replace them."""
    REPLACED = "replaced", _("已拒绝（已替补）")
    """Declined; the next expert in the draw order was invited instead."""
    RECUSED = "recused", _("评审时回避")
    """Accepted, then declared a conflict at the evaluation; the next expert in the order replaces them."""


class DrawMember(models.Model):
    """An expert picked by a draw, at position `order` (1-based) of the draw order."""

    draw = models.ForeignKey(Draw, verbose_name=_("抽取"), on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(
        Expert, verbose_name=_("评审专家"), on_delete=models.PROTECT, related_name="draw_memberships"
    )
    order = models.PositiveSmallIntegerField(_("抽取顺序"))
    is_substitute = models.BooleanField(_("替补"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.INVITED
    )
    conflict_confirmed_at = models.DateTimeField(_("无回避情形确认时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decline_reason = models.TextField(_("拒绝原因"), blank=True)
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("替补专家"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )

    class Meta:
        verbose_name = _("抽中专家")
        verbose_name_plural = _("抽中专家")
        ordering = ["draw", "order"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "order"], name="draw_member_order_unique"),
            models.UniqueConstraint(fields=["draw", "expert"], name="draw_member_expert_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="accepted") | models.Q(conflict_confirmed_at__isnull=False),
                name="draw_member_accepted_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draw.procurement_ref} #{self.order} {self.expert}"
