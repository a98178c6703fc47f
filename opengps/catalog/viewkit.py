"""The one view pattern's shared step (STYLE 14) for views written out by hand: act on a posted
form. (A view reads the object its URL names through `core.views.read_through`.)

It sits beside `core.views.one_action` in spirit and belongs in `core.views`; until core's owner
moves it there it lives in the lowest app that uses it (the catalogue; planning imports it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise

from opengps.core.forms import run_service

T = TypeVar("T")


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
