"""The shared view step (`catalog.viewkit.submitted`): act on a posted form — invalid 400, a refusal
with its own status beside its field, success said."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from opengps.accounts.models import User
from opengps.catalog.viewkit import submitted
from opengps.core.errors import Conflict
from opengps.core.forms import ServiceErrorFormMixin

pytestmark = pytest.mark.django_db


class NameForm(ServiceErrorFormMixin, forms.Form):
    name = forms.CharField()


def _request(data: dict[str, str] | None = None) -> HttpRequest:
    request = RequestFactory().post("/", data or {})
    request.user = User.objects.get_or_create(username="viewkit")[0]
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


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
