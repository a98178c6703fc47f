"""The oversight app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the oversight app refuses with."""

    OVERSIGHT_FLAG_NOT_FOUND = "oversight.flag_not_found", _("未找到该预警")
    OVERSIGHT_REASON_REQUIRED = "oversight.reason_required", _("请说明调整理由")
    OVERSIGHT_THRESHOLD_BACKDATED = (
        "oversight.threshold_backdated",
        _("生效日期不能早于今天（历史阈值不可改写）"),
    )
    OVERSIGHT_THRESHOLD_EXISTS = "oversight.threshold_exists", _("该阈值在该日期已有设置")
    OVERSIGHT_THRESHOLD_INVALID = "oversight.threshold_invalid", _("阈值须为数字")
