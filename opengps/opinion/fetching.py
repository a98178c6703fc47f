"""Fetching a source: one HTTP GET bounded by the source's timeout, the feed parsed by `feedparser`
(RSS 0.9x–2.0, RSS 1.0, Atom), its entries collected; a failure backs the source off. Run by the
scheduled task `opengps.opinion.tasks.fetch_due`, never in a web request."""

from __future__ import annotations

import calendar
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from typing import Any

import feedparser  # type: ignore[import-untyped]  # no stubs published

from opengps.core import clock
from opengps.opinion import services
from opengps.opinion.models import FETCHED_KINDS, Source

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
"""A feed larger than this is refused (a misconfigured URL pointing at a download)."""
USER_AGENT = "OpenGPS-opinion/1 (+public-opinion monitoring of social organizations)"


class FetchError(Exception):
    """The source could not be read: timeout, HTTP error, too large, not a feed."""


@dataclass(frozen=True)
class FetchResult:
    """What one fetch of a source did."""

    source: Source
    ok: bool
    new: int = 0
    duplicates: int = 0
    alerts: int = 0
    error: str = ""


def download(url: str, *, timeout: int) -> bytes:
    """The body at `url` (http or https only), within `timeout` seconds per blocking step."""
    if not url.startswith(("http://", "https://")):
        raise FetchError("unsupported scheme")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310 — scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 — scheme checked above
            body: bytes = response.read(MAX_BYTES + 1)
    except TimeoutError as exc:
        raise FetchError(f"timeout after {timeout} s") from exc
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise FetchError(f"timeout after {timeout} s") from exc
        raise FetchError(f"unreachable: {reason}") from exc
    if len(body) > MAX_BYTES:
        raise FetchError("feed larger than 5 MB")
    return body


def _when(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC) if parsed else None


def _text(entry: Any) -> str:
    content = entry.get("content") or []
    if content:
        return " ".join(str(part.get("value", "")) for part in content)
    return str(entry.get("summary", ""))


def parse(body: bytes) -> list[services.Incoming]:
    """The entries of a feed as incoming items; FetchError when the body is not a feed at all."""
    feed = feedparser.parse(body)
    if not feed.get("version") and not feed.entries:
        raise FetchError(f"not a feed: {feed.get('bozo_exception', 'no RSS or Atom element')}"[:200])
    return [
        services.Incoming(
            title=_strip(str(entry.get("title", ""))),
            text=_strip(_text(entry)),
            url=str(entry.get("link", "")),
            published_at=_when(entry),
        )
        for entry in feed.entries
    ]


def _strip(html: str) -> str:
    """Feed text without its markup (feedparser has sanitized it already)."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def source_fetch(source: Source) -> FetchResult:
    """Fetch `source` once: its new items collected and its state moved on (next fetch one interval
    on), or the failure recorded and the source backed off."""
    try:
        incoming = parse(download(source.url, timeout=source.timeout_seconds))
    except FetchError as exc:
        logger.warning("opinion source %s failed: %s", source.pk, exc)
        source = services.source_failed(source=source, error=str(exc))
        return FetchResult(source=source, ok=False, error=str(exc))
    collected = services.items_collect(actor=None, source=source, incoming=incoming)
    source = services.source_succeeded(source=source)
    return FetchResult(
        source=source,
        ok=True,
        new=len(collected.new),
        duplicates=collected.duplicates,
        alerts=len(collected.alerts),
    )


def due_sources(now: datetime | None = None) -> list[Source]:
    """The active fetched sources whose next fetch time has come."""
    now = now or clock.now()
    return list(
        Source.objects.filter(active=True, kind__in=FETCHED_KINDS, next_fetch_at__lte=now).order_by(
            "next_fetch_at"
        )
    )


def fetch_due(now: datetime | None = None) -> list[FetchResult]:
    """Fetch every source that is due (the scheduled task's body)."""
    return [source_fetch(source) for source in due_sources(now)]
