"""Error pages (issue 18): the reader sees what happened and what to do next — a link back to the
workbench or the home page — and never an internal code; the stable code stays machine-readable for
support in `data-error-code`. Covers the layout's pages (a refused action, input out of range, 403,
404) and the stand-alone ones rendered without a request (too large, unavailable, 400, 500)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.views import defaults

from opengps.core.errors import ServiceError
from opengps.core.middleware import database_unavailable, server_error
from opengps.workbench.tests.test_display_scan import _Page

CODE_SHOWN = re.compile(r"错误代码|Error code|[a-z]+\.[a-z_]+")


def visible(html: str) -> str:
    """The text a reader sees (tags, attributes, scripts and styles dropped)."""
    page = _Page()
    page.feed(html)
    return " ".join(page.text.split())


def code_of(html: str) -> str:
    found = re.search(r'data-error-code="([^"]*)"', html)
    assert found is not None, "no data-error-code"
    return found.group(1)


def assert_no_code_shown(html: str) -> None:
    main = visible(html.split("<main", 1)[-1].split("</main>", 1)[0])
    assert CODE_SHOWN.search(main) is None, main


def test_a_refused_action_says_what_and_where_to_go_not_its_code() -> None:
    # given a service refusal rendered by a view
    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    error = ServiceError("registry.uscc_invalid", "统一社会信用代码校验位不正确")
    # when
    html = render_to_string("core/error.html", {"error": error}, request=request)
    # then the message and the way back are shown, the code only in the attribute
    assert "统一社会信用代码校验位不正确" in visible(html)
    assert code_of(html) == "registry.uscc_invalid"
    assert_no_code_shown(html)
    assert 'href="/"' in html and "返回首页" in visible(html)


@pytest.mark.django_db
def test_a_signed_in_user_is_sent_back_to_the_workbench(purchaser: Any) -> None:
    request = RequestFactory().get("/x/")
    request.user = purchaser
    html = render_to_string("core/error.html", {"error": ServiceError("x.y", "不可以")}, request=request)
    assert "返回我的工作台" in visible(html)


def test_input_out_of_range_keeps_its_code_out_of_sight() -> None:
    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    html = render_to_string("core/bad_input.html", {"message": "文字过长"}, request=request)
    assert "文字过长" in visible(html) and code_of(html) == "request.out_of_range"
    assert_no_code_shown(html)


def _unavailable() -> HttpResponse:
    return database_unavailable(RequestFactory().get("/registry/"))


def _too_large() -> HttpResponse:
    from opengps.core.middleware import RequestBodyLimitMiddleware

    request = RequestFactory().post("/registry/", data=b"", content_type="text/plain")
    return RequestBodyLimitMiddleware.too_large(request, 3 * 1024 * 1024, 1024 * 1024)


def _server_error() -> HttpResponse:
    try:
        raise ValueError("a bug")
    except ValueError:
        return server_error(RequestFactory().get("/"))


def _bad_request() -> HttpResponse:
    return defaults.bad_request(RequestFactory().get("/"), Exception("bad"))


@pytest.mark.parametrize(
    ("make", "status", "heading", "code"),
    [
        (_unavailable, 503, "服务暂时不可用", "service.unavailable"),
        (_too_large, 413, "请求内容过大", "request.too_large"),
        (_server_error, 500, "系统出错", "server.error"),
        (_bad_request, 400, "请求无效", "request.bad"),
    ],
    ids=["unavailable", "too-large", "500", "400"],
)
def test_the_pages_rendered_without_a_request_share_one_layout(
    make: Any, status: int, heading: str, code: str
) -> None:
    # when
    response = make()
    html = response.content.decode()
    # then each says what happened, offers the way home, and hides its code in the attribute
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in html and 'class="card-actions"' in html and 'href="/"' in html
    assert code_of(html) == code
    assert_no_code_shown(html)
    assert "css/opengps.css" in html and "Traceback" not in html


def test_the_database_failure_met_by_the_500_handler_is_still_the_503_page() -> None:
    try:
        raise OperationalError("the database system is starting up")
    except OperationalError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 503 and code_of(response.content.decode()) == "service.unavailable"


@pytest.mark.django_db
def test_a_missing_page_is_a_404_in_the_layout_with_the_way_back(client: Client) -> None:
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in visible(html) and 'id="sidebar"' in html
    assert "Not Found" not in html and code_of(html) == "page.not_found"
    assert_no_code_shown(html)


@pytest.mark.django_db
def test_a_403_asks_a_visitor_to_sign_in_and_a_user_to_ask_for_the_role(purchaser: Any) -> None:
    request = RequestFactory().get("/stats/")
    request.user = AnonymousUser()
    html = defaults.permission_denied(request, PermissionDenied()).content.decode()
    assert "无权访问" in visible(html) and "/accounts/login/?next=/stats/" in html
    assert code_of(html) == "permission.denied"
    assert_no_code_shown(html)
    request.user = purchaser
    html = defaults.permission_denied(request, PermissionDenied()).content.decode()
    assert "平台管理员" in visible(html) and "返回我的工作台" in visible(html)
