"""The opendata app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the opendata app refuses with."""

    OPENDATA_DOWNLOAD_NOT_FOUND = "opendata.download_not_found", _("该年度暂无批量下载文件")
    OPENDATA_OCID_NOT_FOUND = "opendata.ocid_not_found", _("未找到该开放缔约标识（ocid）的数据")
