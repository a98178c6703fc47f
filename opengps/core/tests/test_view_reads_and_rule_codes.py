"""The core helpers the new apps share instead of keeping their own copy: a view reading its object
through a selector (`read_through`), a rule's refusal under an app's declared code
(`declared_rule_error`) and the columns a stored upload keeps (`CheckedUpload.stored`)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import translation

from opengps.core.errors import NotFound, PermissionDenied, ServiceError, declared_rule_error
from opengps.core.uploads import CheckedUpload
from opengps.core.views import read_through
from opengps.rules.base import RuleError


def _request(path: str = "/x/") -> HttpRequest:
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def _shown(request: HttpRequest, obj: Any, **rest: Any) -> HttpResponse:
    return HttpResponse(repr((obj, sorted(rest.items()))))


# --- read_through -------------------------------------------------------------------------------


def test_read_through_gives_the_view_what_the_scoped_selector_reads_for_the_user() -> None:
    # given a selector recording its arguments
    seen: list[dict[str, Any]] = []

    def get(**kwargs: Any) -> str:
        seen.append(kwargs)
        return f"object {kwargs['pk']}"

    request = _request()
    # when a view of one object is asked for pk 7, with another URL kwarg
    response = read_through(get, "pk")(_shown)(request, pk=7, tab="items")
    # then the selector read it for the request's user, and the view got it and the other kwarg
    assert seen == [{"actor": request.user, "pk": 7}]
    assert response.content.decode() == repr(("object 7", [("tab", "items")]))


def test_read_through_of_a_public_selector_and_of_a_filter() -> None:
    public: list[dict[str, Any]] = []
    filtered: list[dict[str, Any]] = []

    def get_public(**kwargs: Any) -> str:
        public.append(kwargs)
        return "notice"

    def get_area(**kwargs: Any) -> str:
        filtered.append(kwargs)
        return "area"

    read_through(get_public, "pk", scoped=False)(_shown)(_request(), pk=3)
    request = _request("/x/?region=430102")
    region = read_through(get_area, None, query=lambda r: {"region": r.GET["region"]})(_shown)
    response = region(request)
    assert public == [{"pk": 3}]
    assert filtered == [{"actor": request.user, "region": "430102"}]
    assert response.content.decode() == repr(("area", []))


@pytest.mark.parametrize(
    ("refusal", "status"),
    [
        (PermissionDenied("test.denied", "不可以"), 403),
        (ServiceError("test.bad", "不行"), 400),
    ],
)
def test_read_through_answers_a_refusal_with_the_error_page(refusal: ServiceError, status: int) -> None:
    def get(**kwargs: Any) -> str:
        raise refusal

    response = read_through(get, "pk")(_shown)(_request(), pk=1)
    assert response.status_code == status
    assert f'data-error-code="{refusal.code}"' in response.content.decode()


def test_read_through_answers_not_found_with_the_sites_404() -> None:
    def get(**kwargs: Any) -> str:
        raise NotFound("test.missing", "没有这一项")

    with pytest.raises(Http404):
        read_through(get, "pk")(_shown)(_request(), pk=1)


# --- declared_rule_error ------------------------------------------------------------------------

RULE = RuleError("rule.too_late", "已超过期限", "Past the deadline", "某法第十条", {"days": 5})
CODES = {"rule.too_late": "app.too_late"}


@pytest.mark.parametrize(
    ("language", "message", "error", "status"),
    [
        ("zh-hans", "已超过期限", ServiceError, 400),
        ("en", "Past the deadline", ServiceError, 400),
        ("zh-hans", "已超过期限", PermissionDenied, 403),
    ],
)
def test_declared_rule_error_is_the_apps_code_in_the_users_language(
    language: str, message: str, error: type[ServiceError], status: int
) -> None:
    with translation.override(language):
        refusal = declared_rule_error(RULE, CODES, field="closes_on", error=error)
    assert type(refusal) is error and refusal.status == status
    assert refusal.code == "app.too_late"
    assert refusal.text() == message
    assert refusal.field == "closes_on"
    assert refusal.params == {"days": 5, "citation": "某法第十条"}


# --- CheckedUpload.stored -----------------------------------------------------------------------


def test_a_checked_upload_stores_its_name_kind_size_digest_and_content() -> None:
    content = b"%PDF-1.7\n..."
    stored = CheckedUpload(name="证明.pdf", kind="pdf", content=content).stored()
    assert stored == {
        "name": "证明.pdf",
        "kind": "pdf",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": content,
    }
