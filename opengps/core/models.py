"""Audit events on a SHA-256 hash chain, and the chain head that serializes appends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One state change: who acted, what changed (old → new), why, and when.

    Append-only: the application never updates or deletes rows (production also revokes
    UPDATE/DELETE from the database role, see README). `hash` covers the canonical content
    and `prev_hash`, so changing any row breaks the chain from that row on.
    """

    seq = models.BigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("发生时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("操作代码"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=80)
    object_id = models.CharField(_("对象标识"), max_length=64)
    object_repr = models.CharField(_("对象名称"), max_length=300, blank=True)
    old_values = models.JSONField(_("原值"), default=dict, blank=True)
    new_values = models.JSONField(_("新值"), default=dict, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    request_id = models.CharField(_("请求标识"), max_length=64, blank=True)
    prev_hash = models.CharField(_("前一事件哈希"), max_length=64)
    hash = models.CharField(_("事件哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The single row locked (SELECT … FOR UPDATE) while appending, so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_singleton")]

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


class HolidayYear(models.Model):
    """A year's holiday arrangement entered from the State Council notice (国务院办公厅通知).

    Overrides or extends the years shipped with `opengps.rules.calendar`; loaded into the rules
    calendar by `opengps.core.calendar_sync`.
    """

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    holidays = models.JSONField(_("法定节假日"), help_text=_("日期列表，如 2027-01-01"))
    workdays = models.JSONField(_("调休上班日"), default=list, blank=True)
    source = models.CharField(_("通知文号与标题"), max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"


class RateLimitWindow(models.Model):
    """How many public posts one source made in one fixed time window (see core.ratelimit).

    Kept in the database so the limit holds across worker processes; rows of past windows are
    pruned as new ones are written. Not an audited record: it holds no domain state.
    """

    key = models.CharField(_("来源键"), max_length=200)
    window_start = models.BigIntegerField(_("窗口起点（Unix 秒）"))
    hits = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("访问频率窗口")
        verbose_name_plural = _("访问频率窗口")
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_key_window")]

    def __str__(self) -> str:
        return f"{self.key} @{self.window_start}: {self.hits}"


class TransparencyHead(models.Model):
    """The single row locked while a leaf is appended to the transparency log; ``size`` leaves so far.

    Holding its lock until commit makes leaf indexes gap-free and committed in order, so the
    committed leaves are always the prefix 0 … size-1 (see `opengps.core.transparency`).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("透明日志头")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="transparency_head_singleton"),
            models.CheckConstraint(condition=models.Q(size__gte=0), name="transparency_head_size"),
        ]

    def __str__(self) -> str:
        return f"{self.size}"


class TransparencyLeaf(models.Model):
    """One leaf of the platform-wide transparency log: the RFC 9162 leaf hash of a receipt digest.

    Append-only, and deliberately nothing else: no procurement, lot, bidder or time, so the log
    tells nobody which procurement a bid belongs to (the receipt, held by its bidder, binds it).
    """

    index = models.BigIntegerField(_("叶序号"), primary_key=True)
    leaf_hash = models.CharField(_("叶哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("透明日志叶")
        verbose_name_plural = _("透明日志叶")
        ordering = ["index"]
        constraints = [
            models.CheckConstraint(condition=models.Q(index__gte=0), name="transparency_leaf_index")
        ]

    def __str__(self) -> str:
        return f"#{self.index} {self.leaf_hash[:12]}"


class TransparencyCheckpoint(models.Model):
    """A signed tree head: the log's size and root and the audit chain's head, at one moment.

    Also appended to the checkpoint file and published; `opengps audit verify` checks the log
    and the chain against every one of them.
    """

    tree_size = models.BigIntegerField(_("日志叶数"))
    root_hash = models.CharField(_("根哈希"), max_length=64)
    issued_at = models.DateTimeField(_("签发时间"), db_index=True)
    audit_seq = models.BigIntegerField(_("审计链序号"))
    audit_hash = models.CharField(_("审计链头哈希"), max_length=64)
    key_id = models.CharField(_("签名密钥标识"), max_length=16)
    signature = models.CharField(_("签名"), max_length=120)

    class Meta:
        verbose_name = _("透明日志检查点")
        verbose_name_plural = _("透明日志检查点")
        ordering = ["issued_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tree_size__gte=0) & models.Q(audit_seq__gte=0), name="checkpoint_sizes"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issued_at:%Y-%m-%d %H:%M} size={self.tree_size}"


class ScheduledRun(models.Model):
    """One period's run of a piece of periodic work (`opengps.core.tasks.tick`).

    The unique (name, period) pair is the scheduler's lock: however many workers tick at once, only
    one insert succeeds, and only that worker enqueues the period's task.
    """

    name = models.CharField(_("任务"), max_length=80)
    period = models.CharField(_("周期"), max_length=20)
    enqueued_at = models.DateTimeField(_("入队时间"))

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        ordering = ["-enqueued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="scheduled_run_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.period}"
