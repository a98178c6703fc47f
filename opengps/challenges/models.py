"""Challenges (质疑) to the purchaser and complaints (投诉) to the finance department.

Each row stores its statutory deadlines with their citations, computed by `opengps.rules.deadlines`
when it is filed, so both sides see the same dates. A complaint may suspend the procurement for
at most 30 days (O94 §28); `suspended_from` remembers the status it resumes to.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChallengeSubject(models.TextChoices):
    """What is challenged; fixes when the supplier knew of it (O94 §10)."""

    DOCUMENTS = "documents", _("采购文件")
    """Known on the day the documents were issued."""
    PROCESS = "process", _("采购过程")
    """Known at the end of the step: the opening."""
    RESULT = "result", _("中标（成交）结果")
    """Known on the day the result was announced."""


class ChallengeStatus(models.TextChoices):
    PENDING = "pending", _("待答复")
    """Received; the purchaser must answer by `answer_due`."""
    ANSWERED = "answered", _("已答复")
    """Answered in writing."""


class Challenge(models.Model):
    """A supplier's written challenge (质疑) to the purchaser (GPL §52, O94 §10-13)."""

    procurement = models.ForeignKey(
        "procurement.Procurement",
        verbose_name=_("采购项目"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("质疑供应商"), on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("质疑事项"), max_length=16, choices=ChallengeSubject.choices)
    text = models.TextField(_("质疑内容"))
    known_on = models.DateField(_("知道或应当知道之日"))
    filing_due = models.DateField(_("质疑期限"))
    filing_citation = models.CharField(_("质疑期限依据"), max_length=300)
    received_on = models.DateField(_("收到日期"))
    answer_due = models.DateField(_("答复期限"))
    answer_citation = models.CharField(_("答复期限依据"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=12, choices=ChallengeStatus.choices, default=ChallengeStatus.PENDING
    )
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
        verbose_name = _("质疑")
        verbose_name_plural = _("质疑")
        ordering = ["procurement_id", "received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(received_on__lte=models.F("filing_due")), name="challenge_in_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procurement_id} · {self.get_subject_display()}"


class ComplaintDecision(models.TextChoices):
    PENDING = "pending", _("处理中")
    """Received by the finance department."""
    UPHELD = "upheld", _("投诉成立")
    """The complaint is founded."""
    DISMISSED = "dismissed", _("驳回投诉")
    """The complaint is unfounded."""


class Complaint(models.Model):
    """A complaint (投诉) to the finance department after a challenge (GPL §55, O94 §17-28)."""

    challenge = models.OneToOneField(
        Challenge, verbose_name=_("质疑"), on_delete=models.PROTECT, related_name="complaint"
    )
    procurement = models.ForeignKey(
        "procurement.Procurement",
        verbose_name=_("采购项目"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("投诉人"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("投诉事项"))
    filing_due = models.DateField(_("投诉期限"))
    filing_citation = models.CharField(_("投诉期限依据"), max_length=300)
    received_on = models.DateField(_("收到日期"))
    decision_due = models.DateField(_("处理期限"))
    decision_citation = models.CharField(_("处理期限依据"), max_length=300)
    suspended_on = models.DateField(_("暂停日期"), null=True, blank=True)
    suspended_until = models.DateField(_("暂停至"), null=True, blank=True)
    suspension_citation = models.CharField(_("暂停依据"), max_length=300, blank=True)
    suspended_from = models.CharField(_("暂停前状态"), max_length=24, blank=True)
    resumed_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    decision = models.CharField(
        _("处理结果"), max_length=12, choices=ComplaintDecision.choices, default=ComplaintDecision.PENDING
    )
    decision_text = models.TextField(_("处理决定"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        ordering = ["procurement_id", "received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(received_on__lte=models.F("filing_due")), name="complaint_in_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procurement_id} · {self.get_decision_display()}"


class ClockStopReason(models.TextChoices):
    """Why the complaint clock stops (O94 §27); the values are the rules' `ClockStopReason`."""

    INSPECTION = "inspection", _("检验")
    TESTING = "testing", _("检测")
    APPRAISAL = "appraisal", _("鉴定")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    SUPPLEMENT = "supplement", _("投诉人补正材料")


class ComplaintClockStop(models.Model):
    """A period not counted in the 30 working days of a complaint decision (O94 §27).

    From the day finance sends the request or notice (`stopped_on`) to the day it receives the
    answer or material (`resumed_on`, empty while still stopped), both days included.
    """

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("投诉"), on_delete=models.CASCADE, related_name="clock_stops"
    )
    reason = models.CharField(_("中止事由"), max_length=16, choices=ClockStopReason.choices)
    note = models.TextField(_("说明"))
    stopped_on = models.DateField(_("发出文书日期"))
    resumed_on = models.DateField(_("收到反馈日期"), null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("中止人"), on_delete=models.PROTECT, related_name="+"
    )
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("恢复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("投诉处理期限中止")
        verbose_name_plural = _("投诉处理期限中止")
        ordering = ["complaint_id", "stopped_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resumed_on__isnull=True)
                | models.Q(resumed_on__gte=models.F("stopped_on")),
                name="clock_stop_resumed_after_stopped",
            ),
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(resumed_on__isnull=True),
                name="one_running_clock_stop",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} · {self.get_reason_display()} {self.stopped_on}"
