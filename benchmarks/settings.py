"""Settings for benchmark runs: the platform's own, plus a bare JSON endpoint for the baseline."""

from __future__ import annotations

from opengps.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
DEBUG = False

# Benchmark data is test data: the test prefix and the local address unless the environment says
# otherwise (production settings require both, see opengps/settings.py).
OPENGPS_OCID_PREFIX = OPENGPS_OCID_PREFIX or OCDS_TEST_OCID_PREFIX  # noqa: F405
OPENGPS_PUBLIC_URL = OPENGPS_PUBLIC_URL or "http://127.0.0.1:8000"  # noqa: F405
