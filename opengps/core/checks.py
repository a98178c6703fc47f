"""System checks (`manage.py check`, `opengps check`): what an operator must do before it bites."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.checks import CheckMessage, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError
from django.urls import reverse
from django.utils.translation import gettext as _

from opengps.core import calendar_sync, clock


@register()
def holiday_notice_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """opengps.W001: from 1 October, next year's State Council holiday notice is not entered.

    Deadlines reaching into a year without a notice are refused (calendar.unknown_year), so the
    operator hears about it in every deploy's `check` before users do.
    """
    # Not migrated yet (or no database): the shipped years are what is in force.
    with contextlib.suppress(DatabaseError):
        calendar_sync.load_stored_years()
    first_refused = calendar_sync.holiday_notice_missing(clock.today())
    if first_refused is None:
        return []
    return [
        CheckWarning(
            _(
                "尚未录入国务院办公厅关于%(year)s年部分节假日安排的通知：自 %(day)s 起的截止日期将被拒绝"
                "（calendar.unknown_year）"
            )
            % {"year": first_refused.year, "day": first_refused.isoformat()},
            hint=_("通知发布后，由管理员在 %(url)s 粘贴全文录入（或在管理后台“节假日安排”中录入）")
            % {"url": reverse("workbench:holiday-notice")},
            id="opengps.W001",
        )
    ]
