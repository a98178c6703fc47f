"""The challenges app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the challenges app refuses with."""

    CHALLENGE_ALREADY_ANSWERED = "challenge.already_answered", _("该质疑已答复")
    CHALLENGE_LATE = (
        "challenge.late",
        _("质疑期限已于 %(due)s 届满（知道之日 %(known)s 起 7 个工作日；依据：%(citation)s）"),
    )
    CHALLENGE_NOT_FOUND = "challenge.not_found", _("未找到该质疑")
    CHALLENGE_NOT_PARTICIPANT = "challenge.not_participant", _("只有参与该采购活动的供应商可以提出质疑")
    CHALLENGE_NOT_YET = "challenge.not_yet", _("该事项尚未发生，不能质疑")
    CHALLENGE_SUBJECT_INVALID = "challenge.subject_invalid", _("请选择质疑事项")
    COMPLAINT_ALREADY_DECIDED = "complaint.already_decided", _("该投诉已处理")
    COMPLAINT_CANNOT_SUSPEND = "complaint.cannot_suspend", _("该投诉已处理或已暂停过采购活动")
    COMPLAINT_CHALLENGE_PENDING = (
        "complaint.challenge_pending",
        _("质疑答复期限（%(due)s）届满前，须等待采购人答复"),
    )
    COMPLAINT_CLOCK_ALREADY_STOPPED = "complaint.clock_already_stopped", _("投诉处理期限已在中止计时中")
    COMPLAINT_CLOCK_BEFORE_RECEIPT = "complaint.clock_before_receipt", _("不能早于收到投诉之日中止计时")
    COMPLAINT_CLOCK_NOT_STOPPED = "complaint.clock_not_stopped", _("投诉处理期限未中止计时")
    COMPLAINT_CLOCK_REASON_INVALID = "complaint.clock_reason_invalid", _("请选择中止计时的事由")
    COMPLAINT_EXISTS = "complaint.exists", _("已就该质疑提起投诉")
    COMPLAINT_LATE = "complaint.late", _("投诉期限已于 %(due)s 届满（依据：%(citation)s）")
    COMPLAINT_NOT_CHALLENGER = "complaint.not_challenger", _("只有提出质疑的供应商可以就该质疑投诉")
    COMPLAINT_NOT_FOUND = "complaint.not_found", _("未找到该投诉")
    COMPLAINT_NOT_SUSPENDED = "complaint.not_suspended", _("采购活动未因该投诉暂停")
    COMPLAINT_SUSPENSION_TOO_LONG = (
        "complaint.suspension_too_long",
        _("暂停采购活动最长至 %(latest)s（依据：%(citation)s）"),
    )
