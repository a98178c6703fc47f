"""In-app reminders (待办提醒): what the nightly run (`workbench.tasks.reminders_daily`) tells each
user is due soon or overdue — bid deadlines, contract milestones and progress reports, grant
reports, complaint decisions — shown on the user's workbench until read or no longer pending."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    """What a reminder is about; the windows and recipients are in `workbench.selectors` (reminders)."""

    BID_DEADLINE = "bid_deadline", _("投标截止及开标临近")
    """An announced procurement's bid deadline (the opening) is within 2 working days."""
    MILESTONE_OVERDUE = "milestone_overdue", _("履约节点逾期")
    """A published contract's milestone is past its date and not done."""
    REPORT_OVERDUE = "report_overdue", _("履约报告逾期未报送")
    """A published contract's periodic progress report is past due and not received."""
    GRANT_MIDTERM_OVERDUE = "grant_midterm_overdue", _("资助项目中期报告逾期")
    """A grant agreement is past the middle of its term without its mid-term review."""
    GRANT_FINAL_OVERDUE = "grant_final_overdue", _("资助项目结项报告逾期")
    """A grant agreement's term has ended without its final review."""
    COMPLAINT_DECISION_DUE = "complaint_decision_due", _("投诉处理期限临近")
    """A pending complaint's decision is due within 3 working days (or is already late)."""


class Reminder(models.Model):
    """One reminder to one user about one pending thing with one due date.

    Unique per (recipient, kind, subject, due date), so the nightly run can be repeated without
    creating anything twice; a changed due date (an extended bid deadline) is a new reminder and
    the old one becomes obsolete.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("提醒类型"), max_length=32, choices=ReminderKind.choices)
    subject_type = models.CharField(_("事项类型"), max_length=60)
    """The pending object's model label, as in the audit trail (``contracts.milestone``)."""
    subject_id = models.CharField(_("事项编号"), max_length=40)
    subject_label = models.CharField(_("事项"), max_length=300)
    """What the reminder names: the procurement's or contract's reference and title (data)."""
    url = models.CharField(_("办理链接"), max_length=300)
    due_on = models.DateField(_("期限"))
    due_at = models.DateTimeField(_("期限时间"), null=True, blank=True)
    """The exact moment when there is one (a bid deadline); else the deadline is the whole day."""
    message = models.CharField(_("说明"), max_length=300, blank=True)
    """The specifics as data (a milestone's title); the sentence around it is translated on screen."""
    created_at = models.DateTimeField(_("提醒时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    obsolete_at = models.DateTimeField(_("失效时间"), null=True, blank=True)
    """Set by the nightly run when the thing is no longer pending (done, decided, deadline passed)."""

    class Meta:
        verbose_name = _("待办提醒")
        verbose_name_plural = _("待办提醒")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_type", "subject_id", "due_on"],
                name="reminder_once_per_subject_and_due_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "due_on"],
                condition=models.Q(read_at__isnull=True, obsolete_at__isnull=True),
                name="reminder_open_by_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject_label}"
