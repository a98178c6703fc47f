"""A value the database refuses reaches the user as a 400 that says so, and a database that cannot be
reached (restarting, connection cut) as a 503 that says to try again — on screens and API alike."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from opengps.core.middleware import DatabaseRefusalMiddleware, server_error

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


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/registry/", "text/html"), ("/api/v1/registry/organizations", "application/json")],
    ids=["screen", "api"],
)
@pytest.mark.parametrize(
    "error",
    [
        OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused'),
        InterfaceError("connection already closed"),
    ],
    ids=["refused", "closed"],
)
def test_an_unreachable_database_is_a_503_with_a_message(
    path: str, content_type: str, error: Exception
) -> None:
    # given a request that met the database restarting (connection refused, or cut under it)
    request = RequestFactory().get(path)
    # when the middleware sees the exception from the view
    response = DatabaseRefusalMiddleware(_raise).process_exception(request, error)
    # then the answer is a 503 saying to try again, with no traceback and no internals
    assert response is not None and response.status_code == 503
    assert content_type in response["Content-Type"]
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "服务暂时不可用" in body and "请稍后重试" in body
    assert "Traceback" not in body and "127.0.0.1" not in body
    if content_type == "application/json":
        assert json.loads(body)["error"]["code"] == "service.unavailable"


def test_the_500_handler_answers_an_unreachable_database_met_in_a_middleware_with_a_503() -> None:
    # given the database failed while a middleware read the session (outside any view)
    request = RequestFactory().get("/workbench/")
    try:
        raise OperationalError("the database system is starting up")
    except OperationalError:
        # when Django hands the uncaught exception to the 500 handler
        response = server_error(request)
    # then it is the same 503 page, not "Server Error (500)"
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()


def test_the_500_handler_leaves_other_errors_a_500() -> None:
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500


def test_the_platform_urls_name_the_handler() -> None:
    from opengps import urls

    assert urls.handler500 == "opengps.core.middleware.server_error"
