"""The portal app's error codes (STYLE: codes as data): each stable code the API returns, with
its default message (zh source, en by gettext); ``%(name)s`` placeholders are filled from the
error's params. A raise site may give a more specific message of its own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ErrorCode


class Code(ErrorCode):
    """Stable codes the portal app refuses with."""

    PORTAL_KIND_NOT_FOUND = "portal.kind_not_found", _("没有这类公告")
    PORTAL_NOTICE_NOT_FOUND = "portal.notice_not_found", _("未找到该公告，或尚未公开")
    PORTAL_ORGANIZATION_NOT_FOUND = "portal.organization_not_found", _("未找到该社会组织")
    PORTAL_UNIT_NOT_FOUND = "portal.unit_not_found", _("未找到该单位")
