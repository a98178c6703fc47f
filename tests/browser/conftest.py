"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    return os.environ.get("OPENGPS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = _chromium_path()
    if path is None:
        if os.environ.get("OPENGPS_REQUIRE_BROWSER"):
            pytest.fail(
                "OPENGPS_REQUIRE_BROWSER is set but no chromium is installed (apt-get install chromium)"
            )
        pytest.skip("no chromium on this machine: apt-get install chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=path, args=CHROMIUM_FLAGS, headless=True, locale="zh-CN"
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    try:
        yield page
    finally:
        browser.clear_cookies()
        page.close()


@pytest.fixture(autouse=True)
def _share_in_memory_sqlite(live_server: Any) -> Iterator[None]:
    """The live server's request threads use the test's in-memory SQLite connection; allow it.

    pytest-django hands the connection to the server thread but the per-request threads close it
    on the way out, which Django refuses unless thread sharing is declared.
    """
    from django.db import connections

    shared = [c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()]
    for conn in shared:
        conn.inc_thread_sharing()
    try:
        yield
    finally:
        for conn in shared:
            conn.dec_thread_sharing()
