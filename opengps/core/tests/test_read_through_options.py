"""`core.views.read_through` for an object its URL names by several kwargs (an entry under its
version's URL) and for an app answering a NotFound with its own page (the catalogue's, planning's)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from opengps.core.errors import NotFound, PermissionDenied
from opengps.core.views import read_through


def _request() -> HttpRequest:
    request = RequestFactory().post("/x/")
    request.user = AnonymousUser()
    return request


def _shown(request: HttpRequest, obj: Any, **rest: Any) -> HttpResponse:
    return HttpResponse(repr((obj, sorted(rest.items()))))


def _own_page(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return HttpResponse(f"own page: {exc.code}", status=404)


def test_read_through_reads_by_several_url_kwargs_and_passes_the_rest() -> None:
    # given a selector recording its arguments
    seen: list[dict[str, Any]] = []

    def get(**kwargs: Any) -> str:
        seen.append(kwargs)
        return f"entry {kwargs['pk']} of {kwargs['version_pk']}"

    request = _request()
    # when a view of an entry is asked for version 3, entry 7, with a price's kwarg besides
    response = read_through(get, ("version_pk", "pk"))(_shown)(request, version_pk=3, pk=7, price_pk=9)
    # then the selector read both for the user, and the view got the entry and the other kwarg
    assert seen == [{"actor": request.user, "version_pk": 3, "pk": 7}]
    assert response.content.decode() == repr(("entry 7 of 3", [("price_pk", 9)]))


def test_read_through_answers_not_found_with_the_apps_own_page_when_given() -> None:
    def missing(**kwargs: Any) -> str:
        raise NotFound("test.missing", "没有这一项")

    # when the app names its page, then that page answers (404), not the site's
    response = read_through(missing, "pk", not_found=_own_page)(_shown)(_request(), pk=1)
    assert (response.status_code, response.content) == (404, b"own page: test.missing")
    # without it, the site's 404
    with pytest.raises(Http404):
        read_through(missing, "pk")(_shown)(_request(), pk=1)


def test_read_through_answers_other_refusals_with_the_error_page_even_with_a_not_found_page() -> None:
    def denied(**kwargs: Any) -> str:
        raise PermissionDenied("test.denied", "不可以")

    response = read_through(denied, "pk", not_found=_own_page)(_shown)(_request(), pk=1)
    assert response.status_code == 403
    assert 'data-error-code="test.denied"' in response.content.decode()
