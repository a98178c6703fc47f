"""OCDS releases (immutable), the compiled-record cache, the change-feed counter and bulk exports.

* `Release` — one OCDS 1.1 release, written once in the transaction of the published change it
  describes and never updated. ``payload`` is the release's JSON text exactly as served
  (``ensure_ascii=False``), so packages are spliced from stored text without re-encoding.
* `FeedHead` — the counter that gives each release its change-feed ``position`` (see
  `opengps.opendata.services.release_append` for why positions become visible in order).
* `Record` — per contracting process (ocid): the compiled release kept current by merging each new
  release into the previous compiled release (`ocdsmerge`), so records are served and exported
  without re-merging the whole history.
* `ExportJob` — a bulk export run: one zip of JSON Lines per year, written in the background with
  its progress on the job row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedHead(models.Model):
    """The single row locked while a release is appended; ``last_position`` is the last one given."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_position = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("开放数据发布序号")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="opendata_feed_head_singleton")]

    def __str__(self) -> str:
        return f"#{self.last_position}"


class Release(models.Model):
    """One OCDS release. Append-only: written once with the change it publishes, never updated."""

    position = models.BigIntegerField(_("发布序号"), unique=True)
    ocid = models.CharField(_("开放缔约标识（ocid）"), max_length=200)
    release_id = models.CharField(_("发布标识"), max_length=250, unique=True)
    tag = models.CharField(_("发布类型"), max_length=40)
    date = models.DateTimeField(_("发布时间"))
    payload = models.TextField(_("发布内容（JSON）"))
    event_seq = models.BigIntegerField(_("审计事件序号"), null=True, blank=True)
    created_at = models.DateTimeField(_("写入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("OCDS 发布")
        verbose_name_plural = _("OCDS 发布")
        ordering = ["position"]
        indexes = [models.Index(fields=["ocid", "position"], name="opendata_release_ocid_idx")]

    def __str__(self) -> str:
        return self.release_id


class Record(models.Model):
    """A contracting process's compiled release, cached and merged forward release by release."""

    ocid = models.CharField(_("开放缔约标识（ocid）"), max_length=200, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"), help_text=_("首次发布的年度（北京时间）"))
    release_count = models.PositiveIntegerField(_("发布数"), default=0)
    last_position = models.BigIntegerField(_("最后一次发布的序号"), default=0)
    compiled = models.TextField(_("汇编发布（JSON）"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("OCDS 记录")
        verbose_name_plural = _("OCDS 记录")
        ordering = ["ocid"]
        indexes = [models.Index(fields=["year", "ocid"], name="opendata_record_year_idx")]

    def __str__(self) -> str:
        return self.ocid


class ExportJob(models.Model):
    """One bulk export: for every year, a zip with ``records.jsonl`` and ``releases.jsonl``."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("正在导出")
        SUCCEEDED = "succeeded", _("导出完成")
        FAILED = "failed", _("导出失败")

    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("记录总数"), default=0)
    processed = models.PositiveIntegerField(_("已导出记录数"), default=0)
    files = models.JSONField(_("文件"), default=list, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量导出")
        verbose_name_plural = _("批量导出")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0
