"""The shared view steps (`catalog.viewkit`): fetch the object a URL names for the actor, and act
on a posted form — invalid 400, a refusal with its own status beside its field, success said."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from opengps.accounts.models import User
from opengps.catalog.viewkit import fetched, submitted
from opengps.core.errors import Conflict, NotFound
from opengps.core.forms import ServiceErrorFormMixin

pytestmark = pytest.mark.django_db


class NameForm(ServiceErrorFormMixin, forms.Form):
    name = forms.CharField()


def _request(data: dict[str, str] | None = None) -> HttpRequest:
    request = RequestFactory().post("/", data or {})
    request.user = User.objects.get_or_create(username="viewkit")[0]
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _scope(*, actor: Any, pk: int) -> str:
    if pk != 7:
        raise NotFound("catalog.version_not_found")
    return f"object {pk} for {actor.username}"


def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return HttpResponse(exc.code, status=404)


def test_fetched_passes_the_actor_and_the_object_it_fetches_by_the_urls_renamed_kwarg() -> None:
    # given a view of what `_scope` fetches, its URL naming the object `version_pk`
    @fetched(_scope, not_found=_not_found, renamed={"version_pk": "pk"})
    def view(request: HttpRequest, actor: User, obj: str) -> HttpResponse:
        return HttpResponse(obj)

    # when / then
    assert view(_request(), version_pk=7).content == b"object 7 for viewkit"
    missing = view(_request(), version_pk=8)
    assert (missing.status_code, missing.content) == (404, b"catalog.version_not_found")


def test_submitted_shows_the_page_again_for_an_invalid_form_and_a_refusal() -> None:
    # given a page that answers with the status it is given
    request = _request()
    pages: list[int] = []

    def page(status: int) -> HttpResponse:
        pages.append(status)
        return HttpResponse(status=status)

    def refuse() -> str:
        raise Conflict("catalog.version_not_draft", "refused", field="name")

    # when the form is invalid, then 400 and the service is not called
    invalid = submitted(request, NameForm({}), refuse, page=page, done=str, then=HttpResponse)
    assert invalid.status_code == 400
    # when the service refuses, then its status, with its error beside its field
    form = NameForm({"name": "x"})
    refused = submitted(request, form, refuse, page=page, done=str, then=HttpResponse)
    assert (refused.status_code, pages) == (409, [400, 409])
    assert form.errors["name"] == ["refused"]
    assert not list(get_messages(request))


def test_submitted_says_done_and_answers_with_then_on_success() -> None:
    request = _request({"name": "x"})
    answer = submitted(
        request,
        NameForm(request.POST),
        lambda: "result",
        page=lambda status: HttpResponse(status=500),
        done=lambda result: f"done: {result}",
        then=lambda result: HttpResponse(result, status=201),
    )
    assert (answer.status_code, answer.content) == (201, b"result")
    assert [str(m) for m in get_messages(request)] == ["done: result"]
