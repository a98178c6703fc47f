"""Benchmark-only instrumentation of the registry search's caches: hit/miss per request, or bypassed.

`benchmarks.settings` installs `CountingLocMemCache` as the default cache (the platform's own
LocMemCache with its own options) and `cache_header` as the outermost middleware. The backend
notes, for the keys of the search's response cache (`registry:search:…`, 15 s) and of its count
cache (`registry:count:…`, 30 s), whether a read was a hit or a miss; with
`OPENGPS_BENCH_SEARCH_CACHE=off` it answers every read of both with a miss and stores nothing
there (the `uncached` mode: every search counts and reads its page), leaving every other use alone.
The middleware returns what happened in the `X-Bench-Cache` response header (`search=hit`,
`search=miss,count=miss`, …) for the load generator to count. Nothing here is loaded by the
platform's own settings.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse

HEADER = "X-Bench-Cache"
# Key prefixes of the registry search's caches (opengps/registry/api.py, selectors.py).
WATCHED = {"registry:search:": "search", "registry:count:": "count"}
_MISSING = object()
Handler = Callable[[HttpRequest], HttpResponse]
_events = threading.local()


def _note(name: str, outcome: str) -> None:
    events = getattr(_events, "value", None)
    if events is not None:
        events.setdefault(name, outcome)  # the first read of a request decides


class CountingLocMemCache(LocMemCache):
    """LocMemCache that reports hits and misses of the watched keys, and can bypass the responses."""

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.bypass = bool(options.pop("BYPASS_RESPONSE_CACHE", False))
        super().__init__(name, {**params, "OPTIONS": options})

    def _watched(self, key: Any) -> str | None:
        if isinstance(key, str):
            for prefix, name in WATCHED.items():
                if key.startswith(prefix):
                    return name
        return None

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        name = self._watched(key)
        if name is None:
            return super().get(key, default, version)
        if self.bypass:
            _note(name, "bypass")
            return default
        value = super().get(key, _MISSING, version)
        _note(name, "miss" if value is _MISSING else "hit")
        return default if value is _MISSING else value

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        if self.bypass and self._watched(key) is not None:
            return
        super().set(key, value, timeout, version)


def cache_header(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: what the watched caches did for this request, in the X-Bench-Cache header."""

    def middleware(request: HttpRequest) -> HttpResponse:
        _events.value = {}
        try:
            response = get_response(request)
        finally:
            events, _events.value = _events.value, None
        if events:
            response[HEADER] = ",".join(f"{name}={outcome}" for name, outcome in sorted(events.items()))
        return response

    return middleware
