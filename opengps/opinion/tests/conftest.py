"""Opinion fixtures: the clock pinned, the monitoring's registration official (the provincial
registration authority of the shared world), a manual source, and `feed_server` — a local HTTP
server on 127.0.0.1 serving feeds the test writes, with a path that answers too slowly."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from opengps.accounts.models import User
from opengps.opinion import services
from opengps.opinion.models import Source

NOW = datetime(2027, 3, 8, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """The world's contract counts its deadlines from today; see the root conftest."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Autouse here: eligibility is read through the registry's per-process caches."""


@pytest.fixture
def now(clock_at: Callable[..., None]) -> datetime:
    clock_at(NOW, tick=False)
    return NOW


@pytest.fixture
def manual_source(registrar: User, now: datetime) -> Source:
    return services.source_create(actor=registrar, name="人工录入", kind="manual")


class FeedServer:
    """Feeds by path (`feeds["/a.xml"] = "<rss…>"`); `slow` paths wait until released."""

    def __init__(self) -> None:
        self.feeds: dict[str, str] = {}
        self.slow: set[str] = set()
        self.release = threading.Event()
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append(self.path)
                if self.path in server.slow:
                    server.release.wait(10)
                body = server.feeds.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = body.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    server.thread.start()
    yield server
    server.release.set()
    server.httpd.shutdown()
    server.httpd.server_close()


def rss(*entries: tuple[str, str, str]) -> str:
    """An RSS 2.0 feed of (title, link, description) entries."""
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><description>{text}</description>"
        "<pubDate>Mon, 08 Mar 2027 08:00:00 +0800</pubDate></item>"
        for title, link, text in entries
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>测试</title>'
    return f"{head}{items}</channel></rss>"
