"""The e-mall's records: supplier entry, listings with reviewed versions, price flags and orders.

Below the procurement limit (seed 003: goods < 50万, services < 80万, works < 100万) purchases go
through the e-mall. A listing's terms are versioned — a price change is a new version, reviewed
before it goes live — and an order keeps the version it bought. Statuses move only through
`opengps.core.status.status_set` against the tables of `opengps.rules.emall`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class EntryStatus(models.TextChoices):
    """A supplier's entry to the e-mall; transitions in `opengps.rules.emall.ENTRY`."""

    PENDING = "pending", _("待审核")
    """Applied; the operator has not decided yet."""
    APPROVED = "approved", _("已入驻")
    """May publish listings under its items and take orders."""
    REFUSED = "refused", _("未通过")
    """Refused with a reason; may apply again."""
    SUSPENDED = "suspended", _("已暂停")
    """Suspended by the operator: its listings cannot be bought."""


class ItemRequirement(models.Model):
    """A condition of the e-mall for a catalogue item (by its code, stable across catalogue
    versions): the lowest rating (等级评估) a supplier must hold to list under it."""

    item_code = models.CharField(_("目录事项编码"), max_length=20, unique=True)
    min_rating = models.PositiveSmallIntegerField(_("最低评估等级"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("品目入驻条件")
        verbose_name_plural = _("品目入驻条件")
        ordering = ["item_code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_rating__gte=1, min_rating__lte=5), name="emall_requirement_rating_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_code} ≥{self.min_rating}A"


class SupplierEntry(models.Model):
    """A social organization's entry to the e-mall, for the catalogue items it will list under."""

    organization = models.OneToOneField(
        "registry.Organization",
        verbose_name=_("供应商"),
        on_delete=models.PROTECT,
        related_name="emall_entry",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    items = models.ManyToManyField("catalog.CatalogItem", verbose_name=_("入驻品目"), related_name="+")
    statement = models.TextField(_("申请说明"), blank=True)
    contact_person = models.CharField(_("联系人"), max_length=60)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    eligibility = models.JSONField(_("资格审查结果"), default=list, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("电子卖场入驻")
        verbose_name_plural = _("电子卖场入驻")
        ordering = ["-applied_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="emall_entry_decided_has_date",
            )
        ]

    def __str__(self) -> str:
        return str(self.organization)


class ListingStatus(models.TextChoices):
    """A listing; transitions in `opengps.rules.emall.LISTING`."""

    DRAFT = "draft", _("草稿")
    """Being written by the supplier."""
    PENDING = "pending", _("待审核")
    """Submitted; the operator reviews it before it goes live."""
    LIVE = "live", _("在售")
    """Public and buyable at its live version's terms."""
    REJECTED = "rejected", _("未通过审核")
    """Returned with a reason; a corrected version may be submitted."""
    SUSPENDED = "suspended", _("已下架")
    """Suspended by the operator; public but not buyable."""


class VersionStatus(models.TextChoices):
    """A listing's terms; transitions in `opengps.rules.emall.LISTING_VERSION`."""

    DRAFT = "draft", _("草稿")
    """The first version of a listing not yet submitted."""
    PENDING = "pending", _("待审核")
    """Waiting for the operator's review."""
    APPROVED = "approved", _("现行")
    """The terms buyers see and order at."""
    REJECTED = "rejected", _("未通过审核")
    """Not approved; kept for the record."""
    SUPERSEDED = "superseded", _("已被替代")
    """A later version was approved; orders made at it keep pointing to it."""


class Listing(models.Model):
    """A supplier's service offered under one catalogue item; its terms live in its versions."""

    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("供应商"),
        on_delete=models.PROTECT,
        related_name="emall_listings",
    )
    item = models.ForeignKey(
        "catalog.CatalogItem",
        verbose_name=_("目录事项"),
        on_delete=models.PROTECT,
        related_name="emall_listings",
    )
    item_code = models.CharField(_("目录事项编码"), max_length=20, editable=False)
    """The item's code (stable across catalogue versions), set with the item when the listing is
    created (`services.listings.listing_create`): the public search filters on it with an index."""
    status = models.CharField(
        _("状态"), max_length=12, choices=ListingStatus.choices, default=ListingStatus.DRAFT
    )
    live_version = models.ForeignKey(
        "emall.ListingVersion",
        verbose_name=_("现行版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    live_price = models.DecimalField(
        _("现行单价（元）"), max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )
    """The live version's unit price, kept with it (`services.listings.listing_review`, same
    transaction) so the public search filters and sorts on the listing's own indexes."""
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("电子卖场商品")
        verbose_name_plural = _("电子卖场商品")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["item", "status"], name="emall_listing_item_status"),
            # The public search (`selectors.listing_search`): live listings cheapest first, of one
            # item (by its code: every catalogue version's) or of all; a page is a walk of one of these.
            models.Index(
                fields=["item_code", "live_price", "id"],
                condition=Q(status="live"),
                name="emall_listing_live_item",
            ),
            models.Index(
                fields=["live_price", "id"], condition=Q(status="live"), name="emall_listing_live_price"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="live") | Q(live_version__isnull=False),
                name="emall_listing_live_has_version",
            ),
            models.CheckConstraint(
                condition=Q(live_version__isnull=True, live_price__isnull=True)
                | Q(live_version__isnull=False, live_price__isnull=False),
                name="emall_listing_live_price_with_version",
            ),
        ]

    def __str__(self) -> str:
        version = self.live_version
        return version.title if version is not None else f"#{self.pk}"


class ListingVersion(models.Model):
    """One set of a listing's terms: what is delivered, per which unit, at what price, where."""

    listing = models.ForeignKey(
        Listing, verbose_name=_("商品"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    title = models.CharField(_("服务名称"), max_length=120)
    standard = models.TextField(_("服务标准与交付成果"))
    unit = models.CharField(_("计价单位"), max_length=20, help_text=_("如 人·月、人·次、项"))
    unit_price = models.DecimalField(_("单价（元）"), max_digits=12, decimal_places=2)
    regions = models.ManyToManyField("accounts.Region", verbose_name=_("服务区域"), related_name="+")
    response_days = models.PositiveSmallIntegerField(_("响应时间（日）"), help_text=_("下单后几日内开始服务"))
    qualifications = models.TextField(_("人员资质"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("商品版本")
        verbose_name_plural = _("商品版本")
        ordering = ["listing_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "number"], name="emall_version_number_once"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="emall_version_price_positive"),
            models.CheckConstraint(condition=Q(number__gte=1), name="emall_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（v{self.number}）"


class FlagStatus(models.TextChoices):
    """A price flag; transitions in `opengps.rules.emall.PRICE_FLAG`."""

    OPEN = "open", _("待处理")
    """Raised by the price check; the operator has not looked at it."""
    DISMISSED = "dismissed", _("价格合理")
    """The operator found the price justified."""
    UPHELD = "upheld", _("已确认异常")
    """The operator confirmed it; the listing was suspended."""


class PriceFlag(models.Model):
    """A listing version's price standing out against the reference price or its peers."""

    version = models.ForeignKey(
        ListingVersion, verbose_name=_("商品版本"), on_delete=models.CASCADE, related_name="price_flags"
    )
    code = models.CharField(_("规则"), max_length=40)
    message = models.CharField(_("说明"), max_length=300)
    citation = models.CharField(_("依据"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    created_at = models.DateTimeField(_("提示时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    note = models.TextField(_("处理意见"), blank=True)

    class Meta:
        verbose_name = _("价格异常提示")
        verbose_name_plural = _("价格异常提示")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message


class OrderKind(models.TextChoices):
    """How an order came about: the three ways to buy in the e-mall."""

    DIRECT = "direct", _("直购")
    """Bought directly from a listing, within the direct-purchase limit."""
    BIDDING = "bidding", _("竞价")
    """Awarded to the lowest compliant quote of a 竞价 round."""
    FRAMEWORK = "framework", _("定点")
    """Called off a procurement framework agreement at a member's agreed price."""


class OrderStatus(models.TextChoices):
    """A direct-purchase order; transitions in `opengps.rules.emall.ORDER`."""

    PLACED = "placed", _("待供应商确认")
    """Placed by the purchaser; holds budget until confirmed or lapsed."""
    CONFIRMED = "confirmed", _("已确认")
    """The supplier accepted the order."""
    DECLINED = "declined", _("供应商已拒绝")
    """The supplier declined it with a reason."""
    LAPSED = "lapsed", _("超时未确认")
    """Not confirmed within the window: void, holds no budget."""
    DELIVERED = "delivered", _("已交付")
    """The supplier reports the service delivered."""
    ACCEPTED = "accepted", _("已验收")
    """The purchaser accepted the delivery."""
    PAID = "paid", _("已付款")
    """Payment recorded."""
    RATED = "rated", _("已评价")
    """The purchaser rated the order."""


class Order(models.Model):
    """A direct purchase (直购) from one listing at the version bought, against one budget line."""

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("采购单位"), on_delete=models.PROTECT, related_name="emall_orders"
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("下单人"), on_delete=models.PROTECT, related_name="+"
    )
    listing = models.ForeignKey(
        Listing, verbose_name=_("商品"), on_delete=models.PROTECT, related_name="orders"
    )
    version = models.ForeignKey(
        ListingVersion, verbose_name=_("所购版本"), on_delete=models.PROTECT, related_name="orders"
    )
    supplier = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("供应商"),
        on_delete=models.PROTECT,
        related_name="emall_orders",
    )
    item_code = models.CharField(_("目录事项编码"), max_length=20)
    category = models.CharField(_("采购品目类别"), max_length=10, default="services")
    kind = models.CharField(_("采购方式"), max_length=10, choices=OrderKind.choices, default=OrderKind.DIRECT)
    budget_line = models.ForeignKey(
        "planning.BudgetLine",
        verbose_name=_("预算指标"),
        on_delete=models.PROTECT,
        related_name="emall_orders",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("预算年度"))
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("单价（元）"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    service_region = models.ForeignKey(
        "accounts.Region", verbose_name=_("服务地点"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("需求说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    placed_at = models.DateTimeField(_("下单时间"))
    confirm_by = models.DateTimeField(_("确认截止时间"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decline_reason = models.TextField(_("拒绝理由"), blank=True)
    delivered_at = models.DateTimeField(_("交付时间"), null=True, blank=True)
    delivery_note = models.TextField(_("交付说明"), blank=True)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    acceptance_note = models.TextField(_("验收意见"), blank=True)
    payment_due = models.DateField(_("付款期限"), null=True, blank=True)
    paid_at = models.DateTimeField(_("付款时间"), null=True, blank=True)
    payment_reference = models.CharField(_("支付凭证号"), max_length=60, blank=True)
    rating = models.PositiveSmallIntegerField(_("评价（星）"), null=True, blank=True)
    rating_comment = models.TextField(_("评价内容"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("电子卖场订单")
        verbose_name_plural = _("电子卖场订单")
        ordering = ["-placed_at"]
        indexes = [
            models.Index(fields=["unit", "item_code", "fiscal_year"], name="emall_order_split_idx"),
            models.Index(fields=["budget_line", "status"], name="emall_order_budget_idx"),
            models.Index(fields=["supplier", "status"], name="emall_order_supplier_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="emall_order_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="emall_order_price_positive"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="emall_order_amount_positive"),
            models.CheckConstraint(
                condition=Q(confirm_by__gt=F("placed_at")), name="emall_order_confirm_after_placed"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="emall_order_rating_1_5",
            ),
            models.CheckConstraint(
                condition=Q(category__in=["goods", "services", "works"]), name="emall_order_category_known"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The order number users quote: 电子卖场 (DZMC), fiscal year and a serial."""
        return f"DZMC-{self.fiscal_year}-{self.pk:06d}"


class RoundStatus(models.TextChoices):
    """A 竞价 round; transitions in `opengps.rules.emall.BIDDING_ROUND`."""

    OPEN = "open", _("竞价中")
    """Posted; eligible suppliers quote (sealed) until the close."""
    AWARDED = "awarded", _("已成交")
    """Closed and opened: the lowest compliant quote won and its order was placed."""
    FAILED = "failed", _("竞价失败")
    """Closed with too few valid quotes; the lawful next steps are recorded."""


class BiddingRound(models.Model):
    """A 竞价 round: a purchaser's requirement for one catalogue item, quoted on (sealed) by the
    e-mall's entered suppliers of that item until `closes_at`, awarded to the lowest compliant quote.

    The order checks (ceiling, budget room, split purchase, negative list) run on `ceiling` at
    posting. `wrapped_key` is the round's data key wrapped under the platform key
    (`opengps.procurement.sealing`): quote prices are sealed to it and open only at/after the close.
    """

    reference = models.CharField(_("竞价编号"), max_length=30, unique=True)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("采购单位"), on_delete=models.PROTECT, related_name="emall_rounds"
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "catalog.CatalogItem", verbose_name=_("目录事项"), on_delete=models.PROTECT, related_name="+"
    )
    item_code = models.CharField(_("目录事项编码"), max_length=20)
    category = models.CharField(_("采购品目类别"), max_length=10, default="services")
    title = models.CharField(_("需求名称"), max_length=120)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    measure_unit = models.CharField(_("计价单位"), max_length=20)
    service_region = models.ForeignKey(
        "accounts.Region", verbose_name=_("服务地点"), on_delete=models.PROTECT, related_name="+"
    )
    standard = models.TextField(_("服务标准与交付成果"))
    ceiling = models.DecimalField(_("最高限价（元）"), max_digits=14, decimal_places=2)
    budget_line = models.ForeignKey(
        "planning.BudgetLine",
        verbose_name=_("预算指标"),
        on_delete=models.PROTECT,
        related_name="emall_rounds",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("预算年度"))
    status = models.CharField(_("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    wrapped_key = models.TextField(_("封存密钥（已加密）"), editable=False)
    posted_at = models.DateTimeField(_("发起时间"))
    closed_at = models.DateTimeField(_("开启时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开启人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quote_count = models.PositiveSmallIntegerField(_("报价家数"), null=True, blank=True)
    """Known only from the close on; null while the round is open."""
    valid_quote_count = models.PositiveSmallIntegerField(_("有效报价家数"), null=True, blank=True)
    awarded_price = models.DecimalField(
        _("成交价（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    order = models.OneToOneField(
        "emall.Order",
        verbose_name=_("成交订单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bidding_round",
    )
    outcome = models.JSONField(_("竞价结果说明"), default=list, blank=True)

    class Meta:
        verbose_name = _("电子卖场竞价")
        verbose_name_plural = _("电子卖场竞价")
        ordering = ["-posted_at"]
        indexes = [
            models.Index(fields=["item_code", "status"], name="emall_round_item_status"),
            models.Index(fields=["status", "closes_at"], name="emall_round_status_close"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="emall_round_quantity_positive"),
            models.CheckConstraint(condition=Q(ceiling__gt=0), name="emall_round_ceiling_positive"),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="emall_round_closes_after"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False, quote_count__isnull=False),
                name="emall_round_closed_has_result",
            ),
            models.CheckConstraint(
                condition=~Q(status="awarded") | Q(order__isnull=False, awarded_price__isnull=False),
                name="emall_round_awarded_has_order",
            ),
            models.CheckConstraint(
                condition=Q(category__in=["goods", "services", "works"]), name="emall_round_category_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Quote(models.Model):
    """One supplier's sealed quote in a 竞价 round: improving it replaces it (``version`` + 1).

    `sealed_price` is the AES-GCM blob of the total price under the round's key, bound to the round,
    the supplier and the version; `price` and `valid` are written only when the round is closed.
    """

    round = models.ForeignKey(
        BiddingRound, verbose_name=_("竞价"), on_delete=models.CASCADE, related_name="quotes"
    )
    supplier = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("供应商"),
        on_delete=models.PROTECT,
        related_name="emall_quotes",
    )
    listing = models.ForeignKey(
        Listing, verbose_name=_("报价商品"), on_delete=models.PROTECT, related_name="quotes"
    )
    version = models.PositiveIntegerField(_("报价次数"), default=1)
    sealed_price = models.BinaryField(_("密封报价"), editable=False)
    sealed_sha256 = models.CharField(_("密封报价摘要"), max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报价人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报价时间"))
    price = models.DecimalField(_("报价（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    """Null until the round's close opens the seal."""
    valid = models.BooleanField(_("有效报价"), null=True, blank=True)
    invalid_reason = models.CharField(_("无效原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("竞价报价")
        verbose_name_plural = _("竞价报价")
        ordering = ["round_id", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "supplier"], name="emall_quote_once_per_supplier"),
            models.CheckConstraint(condition=Q(version__gte=1), name="emall_quote_version_positive"),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gt=0), name="emall_quote_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.supplier_id} v{self.version}"
