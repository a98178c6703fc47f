"""A value the database refuses reaches the user as a 400 that says so, on screens and API alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DataError
from django.http import HttpResponse
from django.test import RequestFactory

from opengps.core.middleware import DatabaseRefusalMiddleware

pytestmark = pytest.mark.django_db


def _raise(_request: Any) -> HttpResponse:
    raise AssertionError("not reached")


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/registry/organizations/new/", "text/html"), ("/api/v1/registry/organizations", "application/json")],
    ids=["screen", "api"],
)
def test_a_refused_value_is_a_400_in_chinese(path: str, content_type: str, make_user: Any) -> None:
    # given a request whose write the database refused (e.g. 10,000 characters into a 200-character column)
    request = RequestFactory().post(path, {"name": "名" * 10000})
    request.user = make_user("registration")
    request.session = {}  # type: ignore[assignment]
    # when the middleware sees the exception
    response = DatabaseRefusalMiddleware(_raise).process_exception(request, DataError("value too long"))
    # then the answer is a 400 saying what was wrong, never a 500
    assert response is not None and response.status_code == 400
    assert content_type in response["Content-Type"]
    assert "超出允许范围" in response.content.decode()


def test_other_exceptions_are_left_alone() -> None:
    request = RequestFactory().get("/")
    assert DatabaseRefusalMiddleware(_raise).process_exception(request, ValueError("x")) is None
