"""Accounts: users, roles, government units and administrative regions."""

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "opengps.accounts"
    label = "accounts"
    verbose_name = _("账户与单位")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from opengps.accounts import events  # noqa: F401 — declares the app's audit events (timeline labels, OCDS tags)
        from opengps.accounts.middleware import session_start

        def stamp_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
            if request is not None and hasattr(request, "session"):
                session_start(request)

        user_logged_in.connect(stamp_sign_in, dispatch_uid="opengps-session-start", weak=False)
