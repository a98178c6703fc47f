"""The accounts app's audit events (STYLE: events as data): each action its services record, with
the label timelines show and, where the action publishes open data, its OCDS release tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the accounts app records."""

    ACCOUNT_TOTP_DISABLED = "account.totp_disabled", _("停用两步验证")
    ACCOUNT_TOTP_ENROLLED = "account.totp_enrolled", _("启用两步验证")
    ACCOUNT_TOTP_RESET = "account.totp_reset", _("重置两步验证")
    REGION_LOADED = "region.loaded", _("载入行政区划")
    UNIT_CREATED = "unit.created", _("创建单位")
    UNIT_USCC_SET = "unit.uscc_set", _("设置单位统一社会信用代码")
    USER_CREATED = "user.created", _("创建用户")
    USER_LOGIN_UNLOCKED = "user.login_unlocked", _("解除登录锁定")
    USER_PASSWORD_CHANGED = "user.password_changed", _("修改密码")
    USER_PASSWORD_RESET = "user.password_reset", _("重置密码")
