"""Settings for benchmark runs: the platform's own, plus a bare JSON endpoint for the baseline."""

from __future__ import annotations

from opengps.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
DEBUG = False
