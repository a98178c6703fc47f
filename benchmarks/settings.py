"""Settings for benchmark runs: the platform's own, plus a bare JSON endpoint for the baseline.

The default cache is the platform's LocMemCache (same location and options) wrapped by
`benchmarks.cache.CountingLocMemCache`, which reports the registry search's cache hits in a
response header; `OPENGPS_BENCH_SEARCH_CACHE=off` bypasses the search's response cache (the
`uncached` mode of `benchmarks.run`).
"""

from __future__ import annotations

import os
from typing import Any

from opengps.settings import *  # noqa: F403
from opengps.settings import CACHES as PLATFORM_CACHES

ROOT_URLCONF = "benchmarks.urls"
DEBUG = False

# Benchmark data is test data: the test prefix and the local address unless the environment says
# otherwise (production settings require both, see opengps/settings.py).
OPENGPS_OCID_PREFIX = OPENGPS_OCID_PREFIX or OCDS_TEST_OCID_PREFIX  # noqa: F405
OPENGPS_PUBLIC_URL = OPENGPS_PUBLIC_URL or "http://127.0.0.1:8000"  # noqa: F405

_default_cache: dict[str, Any] = dict(PLATFORM_CACHES["default"])
_default_cache["BACKEND"] = "benchmarks.cache.CountingLocMemCache"
_default_cache["OPTIONS"] = {
    **_default_cache.get("OPTIONS", {}),
    "BYPASS_RESPONSE_CACHE": os.environ.get("OPENGPS_BENCH_SEARCH_CACHE", "on") == "off",
}
CACHES = {**PLATFORM_CACHES, "default": _default_cache}
MIDDLEWARE = ["benchmarks.cache.cache_header", *MIDDLEWARE]  # noqa: F405
