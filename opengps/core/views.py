"""The one view pattern's view side (STYLE 14): the view of one action URL, made from the call it acts with.

An app says how its actions answer (who acts, which selector fetches the object, which form parses
the POST, which page shows a refusal, where success goes) and decorates one small function per
action that calls one service: `one_action`. A view of one object (or of what a filter selects)
reads it through its selector with `read_through`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.functional import Promise
from django.views.decorators.http import require_POST

from opengps.core.errors import NotFound, ServiceError
from opengps.core.forms import run_service

ActorT = TypeVar("ActorT")
ObjT = TypeVar("ObjT")
FormT = TypeVar("FormT", bound=BaseForm)
ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)

View = Callable[..., HttpResponse]


def error_page(request: HttpRequest, exc: ServiceError, *, not_found_raises: bool = True) -> HttpResponse:
    """The page of a refusal: its code and message on the error page, with its status (403, 409…).

    A NotFound raises Http404 (the site's 404 page), unless `not_found_raises` is off: then it too is
    shown on the error page, with status 404."""
    if not_found_raises and isinstance(exc, NotFound):
        raise Http404(exc.text()) from exc
    return render(request, "core/error.html", {"error": exc}, status=exc.status)


def read_through(
    get: Callable[..., Any],
    kwarg: str | tuple[str, ...] | None,
    *,
    scoped: bool = True,
    query: Callable[[HttpRequest], Mapping[str, Any]] | None = None,
    not_found: Callable[[HttpRequest, NotFound], HttpResponse] | None = None,
) -> Callable[[Callable[..., ResponseT]], Callable[..., ResponseT | HttpResponse]]:
    """For a view of one object: `get` reads it from the URL's `kwarg` and the view is given it in
    that kwarg's place (or, `kwarg` a tuple, from those URL kwargs together: an entry under its
    version's URL). `get` is a selector scoped to the request's user (``get(actor=…, kwarg=…)``),
    or with `scoped` off a public one (``get(kwarg=…)``); `query` adds the arguments a filter of the
    request gives (a region), for a view of what the filter selects (no `kwarg`). A refusal renders
    the error page (a NotFound the site's 404, or the app's own page `not_found` renders). Put
    ``login_required`` and ``require_POST`` or ``require_safe`` above it."""

    def decorate(view: Callable[..., ResponseT]) -> Callable[..., ResponseT | HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs: Any) -> ResponseT | HttpResponse:
            names = (kwarg,) if isinstance(kwarg, str) else kwarg or ()
            key = {name: kwargs.pop(name) for name in names}
            if query is not None:
                key.update(query(request))
            try:
                obj = get(actor=request.user, **key) if scoped else get(**key)
            except ServiceError as exc:
                if not_found is not None and isinstance(exc, NotFound):
                    return not_found(request, exc)
                return error_page(request, exc)
            return view(request, obj, **kwargs)

        return wrapper

    return decorate


def one_action(
    *,
    actor: Callable[[HttpRequest], ActorT],
    scope: Callable[..., ObjT],
    form: Callable[[HttpRequest, ObjT], FormT],
    page: Callable[[HttpRequest, ObjT, FormT, int], HttpResponse],
    done: Promise | str,
    success: Callable[[ObjT, Any], HttpResponse],
    not_found: Callable[[HttpRequest, NotFound], HttpResponse],
) -> Callable[[Callable[[HttpRequest, ActorT, ObjT, FormT], Any]], View]:
    """Make `act` — one service call with the valid form's data — the view of one action URL.

    The view answers a signed-in POST only. It narrows the request's user with `actor`, fetches the
    object with `scope` (a selector ``(*, actor, **the URL's kwargs)`` that raises NotFound outside
    the actor's scope, answered by `not_found`) and parses the POST with `form`. An invalid form
    re-renders the object's `page` with the errors beside their fields (400); a refusal of the
    service likewise, with the refusal's own status (403, 404, 409…) and the object read again (the
    refused service may have changed it in memory only). Success adds the `done` message and answers
    with `success`, given the object and what the service returned. `act` gets the request too, for
    the few calls that read it (the client's address, the uploaded files)."""

    def wrap(act: Callable[[HttpRequest, ActorT, ObjT, FormT], Any]) -> View:
        @require_POST
        @login_required
        @wraps(act)
        def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            acting = actor(request)
            try:
                obj = scope(actor=acting, **kwargs)
            except NotFound as exc:
                return not_found(request, exc)
            posted = form(request, obj)
            if not posted.is_valid():
                return page(request, obj, posted, 400)
            outcome = run_service(posted, lambda: act(request, acting, obj, posted))
            if not outcome.ok:
                if isinstance(obj, models.Model):
                    obj.refresh_from_db()
                return page(request, obj, posted, outcome.status)
            messages.success(request, str(done))
            return success(obj, outcome.result)

        return view

    return wrap
