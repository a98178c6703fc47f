"""The one view pattern's shared steps (STYLE 14) for views written out by hand: fetch the object
the URL names for the actor, and act on a posted form.

They sit beside `core.views.one_action` in spirit and belong in `core.views`; until core's owner
moves them there they live in the lowest app that uses them (the catalogue; planning imports them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise

from opengps.accounts.actors import Actor, signed_in_user
from opengps.core.errors import NotFound
from opengps.core.forms import run_service
from opengps.core.views import View

T = TypeVar("T")


def fetched(
    scope: Callable[..., T],
    *,
    not_found: Callable[[HttpRequest, NotFound], HttpResponse],
    renamed: Mapping[str, str] | None = None,
) -> Callable[[Callable[[HttpRequest, Actor, T], HttpResponse]], View]:
    """Make `view` (the request, the signed-in actor, the object) the view of a URL naming an object.

    `scope` (a selector ``(*, actor, **the URL's kwargs)``, the names `renamed` maps turned into the
    selector's) fetches it for the actor; its NotFound, for anyone outside its scope, is answered
    by `not_found`. Put ``login_required`` (and ``require_POST`` or ``require_safe``) above it."""

    def wrap(view: Callable[[HttpRequest, Actor, T], HttpResponse]) -> View:
        @wraps(view)
        def fetch(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            actor = signed_in_user(request)
            names = renamed or {}
            try:
                obj = scope(actor=actor, **{names.get(key, key): value for key, value in kwargs.items()})
            except NotFound as exc:
                return not_found(request, exc)
            return view(request, actor, obj)

        return fetch

    return wrap


def submitted(
    request: HttpRequest,
    form: Any,
    call: Callable[[], T],
    *,
    page: Callable[[int], HttpResponse],
    done: Callable[[T], str | Promise],
    then: Callable[[T], HttpResponse],
) -> HttpResponse:
    """Act on a posted `form`: invalid, `page` is shown again with its errors (400); else `call` (one
    service) runs, and a refusal shows `page` with the error beside its field and the refusal's
    status (`core.forms.run_service`); success says `done` of the result and answers with `then`."""
    if not form.is_valid():
        return page(400)
    outcome = run_service(form, call)
    if not outcome.ok:
        return page(outcome.status)
    result = cast(T, outcome.result)  # what `call` returned
    messages.success(request, str(done(result)))
    return then(result)
