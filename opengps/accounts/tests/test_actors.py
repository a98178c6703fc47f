"""signed_in_user: the one narrowing from request.user to the User services take."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Role, User
from opengps.core.errors import PermissionDenied


def test_a_signed_in_user_is_returned_as_is() -> None:
    # given a request carrying a user
    request = RequestFactory().get("/")
    user = User(username="li", role=Role.PURCHASER)
    request.user = user
    # when / then
    assert signed_in_user(request) is user


def test_an_anonymous_visitor_is_refused_as_services_refuse_one() -> None:
    # given a request from nobody signed in
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    # when
    with pytest.raises(PermissionDenied) as refused:
        signed_in_user(request)
    # then: the same code and status a service gives an anonymous caller
    assert refused.value.code == "auth.required"
    assert refused.value.status == 403
