"""The workbench's error codes (STYLE: codes as data), each with its message (zh source, en by
gettext). Codes that the rules raise (`calendar.*` of `opengps.rules.calendar` and
`opengps.rules.holiday_notice`) pass through unchanged and are declared there."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the workbench's screens, selectors and services refuse with."""

    AUDIT_READ_DENIED = "audit.read_denied", _("仅审计、财政、登记管理机关和管理员可查看审计记录")
    AUDIT_OUT_OF_REGION = "audit.out_of_region", _("无权查看本行政区划以外单位的审计记录")
    NOTICE_BAD_YEAR = "calendar.notice_bad_year", _("年度应为四位数字，如 2027")
    NOTICE_REQUIRED = "calendar.notice_required", _("请粘贴国务院办公厅通知的全文")
    NOTICE_TOO_LONG = "calendar.notice_too_long", _("粘贴的内容过长：只需通知正文")
    NOTICE_OTHER_YEAR = (
        "calendar.notice_other_year",
        _("通知中的日期 %(days)s 不属于 %(year)s 年：请在管理后台“节假日安排”中修改该年度的安排"),
    )
    BAD_DATE = "calendar.bad_date", _("日期“%(value)s”格式错误，应为 YYYY-MM-DD")
    REMINDER_NOT_FOUND = "reminder.not_found", _("提醒不存在")
    QUEUE_NOT_FOUND = "workbench.queue_not_found", _("您的工作台没有这一待办事项列表")
    BAD_MONTH = "workbench.bad_month", _("月份“%(value)s”格式错误，应为 YYYY-MM，如 2026-12")
    BAD_PAGE = "workbench.bad_page", _("页码“%(value)s”无效，应为正整数")
