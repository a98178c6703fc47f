"""Public-opinion monitoring (舆情监测, issue 21): the sources fetched on a schedule, the items
collected from them, the organizations each item names, the alerts a negative item about an
organization paid with public money raises, and the reviewers' decisions on them.

Source: seed 003 (湖南省民政厅第0258号建议答复 三之（五）): the department has the province's social
organizations' online public opinion monitored 24 hours a day and shares good practice. Tone and
topic rules live in `opengps.rules.opinion`; who may do what in `opengps.opinion.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    """How a source's items reach the platform."""

    RSS = "rss", _("RSS订阅")
    """An RSS feed, fetched on the schedule."""
    ATOM = "atom", _("Atom订阅")
    """An Atom feed, fetched on the schedule."""
    PAGE = "page", _("网页")
    """A web page whose own feed (RSS/Atom) is fetched on the schedule."""
    IMPORT = "import", _("监测机构导入")
    """Files of the monitoring contractor, imported by staff (not fetched)."""
    MANUAL = "manual", _("人工录入")
    """Items entered by staff (not fetched)."""
    PLATFORM = "platform", _("平台公众反馈")
    """The platform's own public feedback (objections, complaints)."""


FETCHED_KINDS = (SourceKind.RSS, SourceKind.ATOM, SourceKind.PAGE)


class Source(models.Model):
    """A configured source of items, with its schedule and its fetch state (back-off after failures:
    `opengps.rules.opinion.next_fetch_minutes`)."""

    name = models.CharField(_("来源名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=12, choices=SourceKind.choices)
    url = models.URLField(_("地址"), max_length=500, blank=True)
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("地方媒体所在区划，用于区分同名组织"),
    )
    interval_minutes = models.PositiveIntegerField(_("抓取间隔（分钟）"), default=10)
    timeout_seconds = models.PositiveIntegerField(_("超时（秒）"), default=10)
    active = models.BooleanField(_("启用"), default=True)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    next_fetch_at = models.DateTimeField(_("下次抓取时间"), null=True, blank=True, db_index=True)
    last_success_at = models.DateTimeField(_("最近成功时间"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("最近失败时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("登记时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空：平台自建的内部来源（如居民投诉）"),
    )

    class Meta:
        verbose_name = _("舆情来源")
        verbose_name_plural = _("舆情来源")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name"],
                condition=Q(created_by__isnull=True),
                name="opinion_one_internal_source",
            ),
            models.CheckConstraint(
                condition=Q(interval_minutes__gte=1)
                & Q(timeout_seconds__gte=1)
                & Q(timeout_seconds__lte=120),
                name="opinion_source_schedule_bounds",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NameKind(models.TextChoices):
    """How an organization is known by a name other than its registered full name."""

    FULL = "full", _("登记全称")
    """The registered name (read from the registry, not stored here)."""
    FORMER = "former", _("曾用名")
    """A name it was registered under before."""
    SHORT = "short", _("简称")
    """A registered short name."""
    ALIAS = "alias", _("别称")
    """A name the press uses."""


class OrgName(models.Model):
    """A former name, short name or alias of a registered organization, searched in items."""

    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("社会组织"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=8, choices=NameKind.choices)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("组织别称")
        verbose_name_plural = _("组织别称")
        ordering = ["organization_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="opinion_orgname_unique"),
            models.CheckConstraint(condition=~Q(kind="full"), name="opinion_orgname_not_full"),
        ]

    def __str__(self) -> str:
        return self.name


class ItemTone(models.TextChoices):
    """The tone of an item (`opengps.rules.opinion.Tone`)."""

    POSITIVE = "positive", _("正面")
    """Praise, honours, good practice."""
    NEUTRAL = "neutral", _("中性")
    """News without a judgement."""
    NEGATIVE = "negative", _("负面")
    """Complaints, violations, accidents, misuse of funds."""


class ItemTopic(models.TextChoices):
    """The topics of items (`opengps.rules.opinion.Topic`)."""

    FEES = "fees", _("违规收费")
    SERVICE = "service", _("服务质量")
    SAFETY = "safety", _("安全事故")
    FUNDS = "funds", _("资金使用")
    HONOURS = "honours", _("表彰")
    PRACTICE = "practice", _("好经验")
    OTHER = "other", _("其他")


class Item(models.Model):
    """A collected news item or post. A repost of one already collected (same URL, or text within
    a few simhash bits) is not stored again."""

    source = models.ForeignKey(Source, verbose_name=_("来源"), on_delete=models.PROTECT, related_name="items")
    url = models.URLField(_("原文地址"), max_length=500, null=True, blank=True, unique=True)
    title = models.CharField(_("标题"), max_length=300)
    text = models.TextField(_("正文或摘要"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("采集时间"), db_index=True)
    simhash = models.BigIntegerField(_("文本指纹"))
    band0 = models.IntegerField(db_index=True)
    band1 = models.IntegerField(db_index=True)
    band2 = models.IntegerField(db_index=True)
    band3 = models.IntegerField(db_index=True)
    tone = models.CharField(_("倾向"), max_length=8, choices=ItemTone.choices, db_index=True)
    topics = models.CharField(
        _("话题"), max_length=100, blank=True, help_text=_("话题代码，以逗号分隔并以逗号开头和结尾")
    )
    evidence = models.JSONField(_("判定词"), default=list, blank=True)
    duplicate_count = models.PositiveIntegerField(_("转载次数"), default=0)
    origin = models.CharField(
        _("平台内来源记录"),
        max_length=60,
        null=True,
        blank=True,
        unique=True,
        help_text=_("由平台内记录（如居民投诉）生成的信息对应的记录，每条记录只生成一次"),
    )

    class Meta:
        verbose_name = _("舆情信息")
        verbose_name_plural = _("舆情信息")
        ordering = ["-fetched_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def topic_list(self) -> list[str]:
        """The topic codes (stored as ",fees,safety," so that one topic filters portably)."""
        return [code for code in self.topics.split(",") if code]

    @property
    def topic_labels(self) -> list[str]:
        return [str(ItemTopic(code).label) for code in self.topic_list if code in ItemTopic.values]


class Match(models.Model):
    """An organization an item names, with the name matched and where (the evidence)."""

    item = models.ForeignKey(
        Item, verbose_name=_("舆情信息"), on_delete=models.CASCADE, related_name="matches"
    )
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("社会组织"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("匹配名称"), max_length=120)
    via = models.CharField(_("名称类型"), max_length=8, choices=NameKind.choices)
    start = models.PositiveIntegerField(_("起始位置"))
    end = models.PositiveIntegerField(_("结束位置"))
    evidence = models.CharField(_("原文片段"), max_length=300)

    class Meta:
        verbose_name = _("组织匹配")
        verbose_name_plural = _("组织匹配")
        ordering = ["item_id", "start"]
        constraints = [
            models.UniqueConstraint(fields=["item", "organization"], name="opinion_match_once"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="opinion_match_span"),
        ]

    def __str__(self) -> str:
        return self.name


class AlertStatus(models.TextChoices):
    """Whether an alert awaits its reviewer."""

    OPEN = "open", _("待研判")
    """Raised; later items on the same organization and topic attach to it."""
    DECIDED = "decided", _("已处理")
    """A reviewer recorded a decision; a later item raises a new alert."""


class Alert(models.Model):
    """A negative signal about an organization paid with public money, for a person to review.
    One open alert per organization and topic (issue 21 §4)."""

    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("社会组织"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("话题"), max_length=12, choices=ItemTopic.choices)
    status = models.CharField(_("状态"), max_length=8, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    items = models.ManyToManyField(Item, verbose_name=_("舆情信息"), related_name="alerts")
    ties = models.JSONField(_("在履行的合同、资助和卖场商品"), default=list)
    units = models.ManyToManyField(
        "accounts.Unit", verbose_name=_("相关采购人和资助单位"), related_name="+", blank=True
    )
    opened_at = models.DateTimeField(_("预警时间"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("舆情预警")
        verbose_name_plural = _("舆情预警")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "topic"], condition=Q(status="open"), name="opinion_one_open_alert"
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(decided_at__isnull=True))
                | (Q(status="decided") & Q(decided_at__isnull=False)),
                name="opinion_alert_decided_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_topic_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == AlertStatus.OPEN


class DecisionKind(models.TextChoices):
    """What the reviewer decides on an alert (issue 21 §4)."""

    NO_ACTION = "no_action", _("不予处理")
    """Nothing to act on (the report is wrong, old or already handled)."""
    EXPLAIN = "explain", _("要求组织说明情况")
    """The organization is asked to explain."""
    INSPECT = "inspect", _("移交执法检查")
    """Referred to inspection."""
    PROPOSE_LISTING = "propose_listing", _("按登记管理程序列入活动异常名录")
    """The registration authority lists the organization through the registry's own procedure
    (`registry.services.credit_list`), with its decision document."""


class Decision(models.Model):
    """A reviewer's decision on an alert: who decided, when, what and why."""

    alert = models.OneToOneField(
        Alert, verbose_name=_("舆情预警"), on_delete=models.PROTECT, related_name="decision"
    )
    kind = models.CharField(_("处理决定"), max_length=16, choices=DecisionKind.choices)
    note = models.TextField(_("研判意见"))
    listing = models.ForeignKey(
        "registry.CreditListing",
        verbose_name=_("信用名录记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("决定人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("研判决定")
        verbose_name_plural = _("研判决定")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="propose_listing", listing__isnull=False)
                | (~Q(kind="propose_listing") & Q(listing__isnull=True)),
                name="opinion_decision_listing_when_listed",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ToneCorrection(models.Model):
    """A reviewer's correction of an item's tone (issue 21 §3): kept for good, so that the
    classifier's errors on real items are counted (`selectors.tone_corrections`) and can become
    training sentences. The item's tone becomes the corrected one."""

    item = models.ForeignKey(
        Item, verbose_name=_("舆情信息"), on_delete=models.CASCADE, related_name="tone_corrections"
    )
    classified = models.CharField(_("分类器判定倾向"), max_length=8, choices=ItemTone.choices)
    previous = models.CharField(_("更正前倾向"), max_length=8, choices=ItemTone.choices)
    tone = models.CharField(_("更正后倾向"), max_length=8, choices=ItemTone.choices)
    note = models.CharField(_("更正理由"), max_length=500)
    corrected_at = models.DateTimeField(_("更正时间"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更正人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("倾向更正")
        verbose_name_plural = _("倾向更正")
        ordering = ["-corrected_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(tone=models.F("previous")), name="opinion_correction_changes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_previous_display()} → {self.get_tone_display()}"
