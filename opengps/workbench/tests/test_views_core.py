"""Home page, health check, audit screens and the API's audit timeline."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from opengps.core import audit

pytestmark = pytest.mark.django_db


def test_home_page_is_chinese_by_default(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert "政府购买服务开放平台" in html
    assert response["X-Request-ID"]


def test_request_id_is_taken_from_a_sane_header_only(client: Client) -> None:
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123-def")["X-Request-ID"] == "abc-123-def"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_healthz_reports_the_database(client: Client) -> None:
    assert client.get("/healthz").json()["status"] == "ok"


def test_language_switch_to_english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()


def _event_for(obj_id: str) -> None:
    with transaction.atomic():
        audit.record(
            actor=None,
            action="thing.changed",
            obj=("test.thing", obj_id),
            old={"a": "1"},
            new={"a": "2"},
            reason="更正",
        )


def test_auditor_browses_an_objects_timeline(client: Client, auditor: Any) -> None:
    _event_for("7")
    client.force_login(auditor)
    html = client.get("/audit/test.thing/7/").content.decode()
    assert "thing.changed" in html and "更正" in html
    assert client.get("/audit/?action=thing").status_code == 200
    api = client.get("/api/v1/audit/test.thing/7").json()
    assert api[0]["new_values"] == {"a": "2"} and api[0]["action"] == "thing.changed"


def test_a_purchaser_cannot_read_the_audit_trail(client: Client, purchaser: Any) -> None:
    _event_for("7")
    client.force_login(purchaser)
    assert client.get("/audit/test.thing/7/").status_code == 403
    assert client.get("/api/v1/audit/test.thing/7").status_code == 403


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/audit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/audit/test.thing/7").json()["error"]["code"] == "audit.read_denied"


def test_login_page_and_every_role_can_sign_in(client: Client, make_user: Any) -> None:
    user = make_user("finance", unit="finance")
    response = client.post("/accounts/login/", {"username": user.username, "password": "test-password-123"})
    assert response.status_code == 302
    assert "财政部门" in client.get("/accounts/me/").content.decode()


def test_an_english_browser_still_gets_chinese_until_it_switches(client: Client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-CN">' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()
