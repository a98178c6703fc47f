"""Gates for role-restricted screens: an anonymous visitor is sent to sign in, a user without one of
the page's roles gets the app's 403 page."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from opengps.accounts.permissions import has_role

View = Callable[..., HttpResponse]


def page_refusal(request: HttpRequest, roles: Iterable[str], denied_template: str) -> HttpResponse | None:
    """None when the signed-in user holds one of `roles`; otherwise the answer instead of the page:
    the sign-in page (coming back here after) for a visitor, `denied_template` with 403 for the rest."""
    user: Any = request.user
    if not user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    if not has_role(user, *roles):
        return render(request, denied_template, status=403)
    return None


def role_page(roles: Iterable[str], denied_template: str) -> Callable[[View], View]:
    """Decorate a view so that only `roles` reach it (`page_refusal` answers everyone else)."""
    allowed = tuple(roles)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refusal = page_refusal(request, allowed, denied_template)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        return gated

    return decorate
