"""Procurements and lots, their notices and enquiries, sealed bids, and the opening.

Extension points for evaluation, award and challenges (built on these models later):

* `Procurement` — one procedure run for a purchase plan; `status` follows
  `opengps.rules.procurement_flow.PROCUREMENT` (add ``opened → evaluating`` and onwards there).
  `method` picks the per-method `Procedure` (data, not code). `previous` links a re-tender or a
  changed-method procurement to the failed one.
* `Lot` (分包) — bids, readouts and (later) evaluations and awards are per lot.
* `BidSubmission` — one supplier's bid for one lot; `BidVersion` rows are append-only (submit,
  modify, withdraw), each with its signed receipt; `BidFile` holds the sealed files of a version.
  Content (files, price, preferences, file names) exists only as AES-GCM ciphertext until the
  opening; bid rows use random UUID keys so no id reveals how many bids exist.
* `OpeningRecord` — the opening minutes of a procurement; `BidReadout` — each bid as read out
  (bidder, price, preferences, validity), with the collusion evidence of its effective version:
  the submitting network address and device fingerprint (kept on `BidVersion` outside the seal,
  shown nowhere before the opening) and the declared contact person and phone (sealed bid
  content). Evaluation reads `BidReadout` rows and opens files with
  `selectors.bid_file_content` (allowed only after the opening).

Disclosure (RULES.md §12; O87 §28): before the bid deadline nobody may learn who or how many
obtained the documents or bid. Bid models are therefore not in the admin site, no selector returns
them to officials before the deadline, and their audit events are written at the opening.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opengps.core import clock
from opengps.rules.procedures import METHOD_NAMES_ZH, Method

METHOD_CHOICES = [(m.value, METHOD_NAMES_ZH[m]) for m in Method if m is not Method.emall]


class ProcurementStatus(models.TextChoices):
    """Lifecycle of a procurement; transitions in `opengps.rules.procurement_flow.PROCUREMENT`.

    Whether bids are still accepted is not a status: it is derived from `bid_deadline`, so a
    missed job never leaves a procurement open after its deadline.
    """

    DRAFT = "draft", _("草稿")
    """Created from an approved plan; lots and documents being prepared. Not public."""
    NOTICE = "notice", _("单一来源公示中")
    """Single source: the public notice runs and objections may be raised (O74 §38)."""
    ANNOUNCED = "announced", _("已发布公告")
    """Announced (or invitations sent): documents obtainable, bids accepted until the deadline."""
    OPENED = "opened", _("已开标")
    """Bids decrypted and read out; evaluation follows."""
    EVALUATING = "evaluating", _("评审中")
    """The committee reviews qualification and conformity, and scores (O87 §46-§64)."""
    EVALUATED = "evaluated", _("评审结束")
    """The evaluation report is confirmed by every member; the purchaser confirms the winner."""
    AWARDED = "awarded", _("已公告中标（成交）结果")
    """Result announced and award notices sent (O87 §69)."""
    SUSPENDED = "suspended", _("暂停采购活动")
    """Suspended by the finance department while it handles a complaint (O94 §28)."""
    FAILED = "failed", _("采购失败")
    """Too few valid bids, or an objection upheld: re-tender or change the method."""
    RETENDERED = "retendered", _("已重新招标")
    """A new procurement was created from this one with amended documents."""
    METHOD_CHANGE_REQUESTED = "method_change_requested", _("变更采购方式待批准")
    """The purchaser asked the finance department to approve another method (IR §23)."""
    METHOD_CHANGED = "method_changed", _("已变更采购方式")
    """Approved: a new procurement with the new method replaces this one."""
    CANCELLED = "cancelled", _("已终止")
    """Terminated by the purchaser with a reason."""


class Procurement(models.Model):
    """One procurement procedure (采购项目) of a purchase plan, by one method."""

    reference = models.CharField(_("采购项目编号"), max_length=40, unique=True)
    plan = models.ForeignKey(
        "planning.PurchasePlan",
        verbose_name=_("采购实施计划"),
        on_delete=models.PROTECT,
        related_name="procurements",
    )
    purchaser = models.ForeignKey(
        "accounts.Unit", verbose_name=_("采购人"), on_delete=models.PROTECT, related_name="procurements"
    )
    agency = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("采购代理机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agency_procurements",
    )
    title = models.CharField(_("项目名称"), max_length=200)
    method = models.CharField(_("采购方式"), max_length=32, choices=METHOD_CHOICES)
    status = models.CharField(
        _("状态"), max_length=24, choices=ProcurementStatus.choices, default=ProcurementStatus.DRAFT
    )
    budget = models.DecimalField(_("采购预算（元）"), max_digits=14, decimal_places=2)
    purchase_of_services = models.BooleanField(_("政府购买服务"), default=True)
    documents = models.TextField(_("采购文件"), blank=True)
    single_source_supplier = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("单一来源供应商"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    single_source_reason = models.TextField(_("单一来源理由"), blank=True)
    notice_published_on = models.DateField(_("公示日期"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    issued_on = models.DateField(_("采购文件发出日期"), null=True, blank=True)
    documents_until = models.DateField(_("采购文件提供截止日期"), null=True, blank=True)
    documents_citation = models.CharField(_("提供期限依据"), max_length=300, blank=True)
    prequalification_announced_on = models.DateField(_("资格预审公告日期"), null=True, blank=True)
    prequalification_deadline = models.DateTimeField(_("资格预审申请截止时间"), null=True, blank=True)
    bid_deadline = models.DateTimeField(_("投标截止时间"), null=True, blank=True)
    earliest_deadline = models.DateField(_("法定最早截止日期"), null=True, blank=True)
    deadline_citation = models.CharField(_("截止期限依据"), max_length=300, blank=True)
    opening_place = models.CharField(_("开标地点"), max_length=200, blank=True)
    bid_deposit = models.DecimalField(
        _("投标保证金（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    wrapped_key = models.TextField(_("封存密钥（已加密）"), blank=True, editable=False)
    announced_at = models.DateTimeField(_("公告时间"), null=True, blank=True)
    opened_at = models.DateTimeField(_("开标时间"), null=True, blank=True)
    outcome_reason = models.TextField(_("失败或终止原因"), blank=True)
    next_steps = models.JSONField(_("后续可采取的措施"), default=list, blank=True)
    framework_terms = models.JSONField(
        _("框架协议约定"),
        default=dict,
        blank=True,
        help_text=_("框架协议：入围评审方法、淘汰率、入围数量上限、第二阶段成交方式（征集文件载明）"),
    )
    evaluation_factors = models.JSONField(
        _("评审因素"),
        default=dict,
        blank=True,
        help_text=_("综合评分法：采购文件载明的评审因素及分值、价格分占比（创建时按目录类别预填，可修改）"),
    )
    requested_method = models.CharField(_("申请变更的采购方式"), max_length=32, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("前次采购"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("采购项目")
        verbose_name_plural = _("采购项目")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__gt=0), name="procurement_budget_positive"),
            models.CheckConstraint(
                condition=~models.Q(status__in=["announced", "opened"])
                | models.Q(bid_deadline__isnull=False, wrapped_key__gt=""),
                name="procurement_announced_has_deadline_and_key",
            ),
            models.CheckConstraint(
                condition=~models.Q(method="single_source")
                | ~models.Q(status="notice")
                | models.Q(notice_ends_on__isnull=False, single_source_supplier__isnull=False),
                name="procurement_single_source_notice_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def method_name(self) -> str:
        return METHOD_NAMES_ZH[Method(self.method)]


class Lot(models.Model):
    """A lot (分包/标段): suppliers bid per lot, each lot is evaluated and awarded on its own."""

    procurement = models.ForeignKey(
        Procurement, verbose_name=_("采购项目"), on_delete=models.CASCADE, related_name="lots"
    )
    number = models.PositiveSmallIntegerField(_("包号"))
    title = models.CharField(_("包名称"), max_length=200)
    budget = models.DecimalField(_("包预算（元）"), max_digits=14, decimal_places=2)
    description = models.TextField(_("服务内容"), blank=True)

    class Meta:
        verbose_name = _("采购包")
        verbose_name_plural = _("采购包")
        ordering = ["procurement_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["procurement", "number"], name="lot_number_per_procurement"),
            models.CheckConstraint(condition=models.Q(budget__gt=0), name="lot_budget_positive"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="lot_number_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class InvitationDraw(models.Model):
    """The random draw of invited suppliers (O87 §14), replayable from its recorded inputs.

    ``seed`` = SHA-256 of the canonical JSON of ``inputs`` (procurement reference, draw time, audit
    chain head); the order is `opengps.experts.drawing.draw_order(seed, pool)`.
    """

    procurement = models.OneToOneField(
        Procurement, verbose_name=_("采购项目"), on_delete=models.CASCADE, related_name="invitation_draw"
    )
    drawn_at = models.DateTimeField(_("抽取时间"))
    inputs = models.JSONField(_("公开输入"))
    seed = models.CharField(_("随机种子"), max_length=64)
    pool = models.JSONField(_("候选供应商"), help_text=_("社会组织编号列表"))
    criteria = models.JSONField(_("抽取条件"), default=dict, blank=True)
    count = models.PositiveSmallIntegerField(_("抽取数量"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("邀请供应商抽取")
        verbose_name_plural = _("邀请供应商抽取")

    def __str__(self) -> str:
        return f"{self.procurement} · {self.seed[:12]}"


class Invitation(models.Model):
    """An invited supplier (邀请招标)."""

    procurement = models.ForeignKey(
        Procurement, verbose_name=_("采购项目"), on_delete=models.CASCADE, related_name="invitations"
    )
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("供应商"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("抽取顺序"))

    class Meta:
        verbose_name = _("受邀供应商")
        verbose_name_plural = _("受邀供应商")
        ordering = ["procurement_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procurement", "organization"], name="invitation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.procurement_id} · {self.organization_id}"


class Clarification(models.Model):
    """A clarification or amendment (澄清或者修改) of the documents, with any deadline postponement."""

    class Kind(models.TextChoices):
        CLARIFICATION = "clarification", _("澄清")
        AMENDMENT = "amendment", _("修改")

    procurement = models.ForeignKey(
        Procurement, verbose_name=_("采购项目"), on_delete=models.CASCADE, related_name="clarifications"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("内容"))
    affects_bids = models.BooleanField(_("可能影响投标文件编制"), default=True)
    published_on = models.DateField(_("发出日期"))
    published_at = models.DateTimeField(_("发出时间"))
    deadline_before = models.DateTimeField(_("原截止时间"))
    deadline_after = models.DateTimeField(_("截止时间"))
    postponed = models.BooleanField(_("截止时间已顺延"), default=False)
    citation = models.CharField(_("依据"), max_length=300, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("澄清与修改")
        verbose_name_plural = _("澄清与修改")
        ordering = ["procurement_id", "published_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline_after__gte=models.F("deadline_before")),
                name="clarification_never_shortens_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.published_on}"


class Enquiry(models.Model):
    """An enquiry (询问) from a supplier member, answered within 3 working days (IR §52).

    Officials see the question but not who asked until the bid deadline (asking reveals interest).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    procurement = models.ForeignKey(
        Procurement, verbose_name=_("采购项目"), on_delete=models.CASCADE, related_name="enquiries"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("询问人"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("供应商"), on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("询问事项"))
    received_on = models.DateField(_("收到日期"))
    received_at = models.DateTimeField(_("收到时间"))
    answer_due = models.DateField(_("答复期限"))
    citation = models.CharField(_("依据"), max_length=300)
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

    class Meta:
        verbose_name = _("询问")
        verbose_name_plural = _("询问")
        ordering = ["procurement_id", "received_at"]

    def __str__(self) -> str:
        return f"{self.procurement_id} · {self.received_on}"


class Objection(models.Model):
    """An objection (异议) to a single-source notice, reviewed by the purchaser (O74 §39-40)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("异议成立")
        REJECTED = "rejected", _("异议不成立")

    procurement = models.ForeignKey(
        Procurement, verbose_name=_("采购项目"), on_delete=models.CASCADE, related_name="objections"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("异议内容"))
    received_on = models.DateField(_("收到日期"))
    review_due = models.DateField(
        _("处理期限"), help_text=_("公示期满后5个工作日内（财政部令第74号 第四十条）")
    )
    review_citation = models.CharField(_("依据"), max_length=300, blank=True)
    decision = models.CharField(
        _("处理结果"), max_length=12, choices=Decision.choices, default=Decision.PENDING
    )
    decision_text = models.TextField(_("处理意见"), blank=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单一来源异议")
        verbose_name_plural = _("单一来源异议")
        ordering = ["procurement_id", "received_on"]

    def __str__(self) -> str:
        return f"{self.procurement_id} · {self.get_decision_display()}"

    @property
    def overdue(self) -> bool:
        """Still pending after its review deadline (derived from today's date: no job needed)."""
        return self.decision == self.Decision.PENDING and clock.today() > self.review_due


class DocumentObtained(models.Model):
    """The register of who obtained the documents; nobody sees it (not even its size) before the deadline."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    procurement = models.ForeignKey(
        Procurement, verbose_name=_("采购项目"), on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("供应商"), on_delete=models.PROTECT, related_name="+"
    )
    obtained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("获取人"), on_delete=models.PROTECT, related_name="+"
    )
    obtained_at = models.DateTimeField(_("获取时间"))

    class Meta:
        verbose_name = _("采购文件获取登记")
        verbose_name_plural = _("采购文件获取登记")
        constraints = [
            models.UniqueConstraint(fields=["procurement", "organization"], name="documents_obtained_once"),
        ]

    def __str__(self) -> str:
        return f"{self.procurement_id} · {self.organization_id}"


class BidStatus(models.TextChoices):
    """A bid's state as of its latest version."""

    SUBMITTED = "submitted", _("已递交")
    """Sealed and acknowledged; replaced by each modification."""
    WITHDRAWN = "withdrawn", _("已撤回")
    """Withdrawn before the deadline; may be submitted again before it."""


class BidSubmission(models.Model):
    """One supplier's bid for one lot (the envelope); its content lives in sealed `BidVersion`s."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    procurement = models.ForeignKey(
        Procurement, verbose_name=_("采购项目"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(Lot, verbose_name=_("采购包"), on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("供应商"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=BidStatus.choices, default=BidStatus.SUBMITTED
    )
    current_version = models.PositiveIntegerField(_("当前版本"), default=1)

    class Meta:
        verbose_name = _("投标")
        verbose_name_plural = _("投标")
        constraints = [
            models.UniqueConstraint(fields=["lot", "organization"], name="bid_one_per_lot_and_supplier"),
        ]

    def __str__(self) -> str:
        return str(self.pk)


class BidVersion(models.Model):
    """One append-only act on a bid (submit, modify, withdraw) with its sealed manifest and receipt.

    ``sealed_manifest`` is the AES-GCM ciphertext of a JSON manifest: declared total price,
    preferences and, for each file, its part, name, size and the SHA-256 of its sealed blob. The
    receipt signs ``sealed_sha256`` = SHA-256 of the manifest blob, so one receipt covers all files.
    """

    class Kind(models.TextChoices):
        SUBMIT = "submit", _("递交")
        MODIFY = "modify", _("修改")
        WITHDRAW = "withdraw", _("撤回")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(
        BidSubmission, verbose_name=_("投标"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    sealed_manifest = models.BinaryField(_("密封清单"), editable=False)
    sealed_sha256 = models.CharField(_("密封内容摘要"), max_length=64)
    received_at = models.DateTimeField(_("接收时间（数据库时钟）"))
    receipt = models.TextField(_("回执"), editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("递交人"), on_delete=models.PROTECT, related_name="+"
    )
    source_ip = models.GenericIPAddressField(_("递交网络地址"), null=True, blank=True, editable=False)
    source_device = models.CharField(
        _("递交设备指纹"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("SHA-256（浏览器标识 + 客户端设备编号）"),
    )

    class Meta:
        verbose_name = _("投标版本")
        verbose_name_plural = _("投标版本")
        ordering = ["submission_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="bid_version_number_once"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class BidPart(models.TextChoices):
    """The parts of a bid file set."""

    QUALIFICATION = "qualification", _("资格证明文件")
    TECHNICAL = "technical", _("技术（服务）响应文件")
    PRICE_SCHEDULE = "price_schedule", _("报价表")
    OTHER = "other", _("其他文件")


class BidFile(models.Model):
    """One sealed file of a bid version; name and type are only in the sealed manifest."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(
        BidVersion, verbose_name=_("投标版本"), on_delete=models.PROTECT, related_name="files"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    sealed = models.BinaryField(_("密文"), editable=False)
    sealed_sha256 = models.CharField(_("密文摘要"), max_length=64)

    class Meta:
        verbose_name = _("投标文件")
        verbose_name_plural = _("投标文件")
        ordering = ["version_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="bid_file_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.version_id}#{self.position}"


class OpeningRecord(models.Model):
    """The opening (开标) minutes: when, by whom, how many valid bids, and the outcome."""

    procurement = models.OneToOneField(
        Procurement, verbose_name=_("采购项目"), on_delete=models.PROTECT, related_name="opening"
    )
    opened_at = models.DateTimeField(_("开标时间"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("主持人"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateTimeField(_("投标截止时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    bids_received = models.PositiveIntegerField(_("递交投标数"))
    valid_bids = models.PositiveIntegerField(_("有效投标数"))
    required_bids = models.PositiveIntegerField(_("法定最少投标数"))
    proceeds = models.BooleanField(_("进入评审"))
    citation = models.CharField(_("依据"), max_length=400)
    minutes = models.JSONField(_("开标记录"), default=dict)

    class Meta:
        verbose_name = _("开标记录")
        verbose_name_plural = _("开标记录")

    def __str__(self) -> str:
        return f"{self.procurement} · {self.opened_at:%Y-%m-%d %H:%M}"


class BidReadout(models.Model):
    """One bid as read out at the opening (唱标): bidder, declared price, preferences, validity."""

    opening = models.ForeignKey(
        OpeningRecord, verbose_name=_("开标记录"), on_delete=models.PROTECT, related_name="readouts"
    )
    submission = models.OneToOneField(
        BidSubmission, verbose_name=_("投标"), on_delete=models.PROTECT, related_name="readout"
    )
    lot = models.ForeignKey(Lot, verbose_name=_("采购包"), on_delete=models.PROTECT, related_name="readouts")
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("投标人"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("有效版本"))
    received_at = models.DateTimeField(_("递交时间"))
    price_total = models.DecimalField(_("投标总价（元）"), max_digits=14, decimal_places=2)
    preferences = models.JSONField(_("声明的政策优惠"), default=list, blank=True)
    files = models.JSONField(_("文件清单"), default=list, blank=True)
    valid = models.BooleanField(_("有效"))
    invalid_reason = models.TextField(_("无效原因"), blank=True)
    source_ip = models.GenericIPAddressField(_("递交网络地址"), null=True, blank=True)
    source_device = models.CharField(_("递交设备指纹"), max_length=64, blank=True)
    contact_name = models.CharField(_("投标联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("唱标记录")
        verbose_name_plural = _("唱标记录")
        ordering = ["lot_id", "price_total"]

    def __str__(self) -> str:
        return f"{self.lot} · {self.organization_id}"


class Notification(models.Model):
    """A message to one user (bidders at the opening, askers on an answer)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="procurement_notifications",
    )
    procurement = models.ForeignKey(
        Procurement, verbose_name=_("采购项目"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
