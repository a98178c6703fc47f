"""The stats app's error codes (STYLE: codes as data): each stable code it refuses with, with its
default message (zh source, en by gettext)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the stats app refuses with."""

    STATS_TARGET_YEAR_RANGE = "stats.target_year_range", _("年度须在 2000 至 2100 之间")
    STATS_TARGET_SHARE_RANGE = (
        "stats.target_share_range",
        _("目标比例须在 0 至 100 之间（百分比，最多两位小数）"),
    )
    STATS_TARGET_AMOUNT_INVALID = (
        "stats.target_amount_invalid",
        _("目标金额须为不小于 0 的金额（元，最多两位小数）"),
    )
