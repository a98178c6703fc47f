"""Registry demo data (placeholder until the registry demo set lands)."""

from __future__ import annotations

from typing import Any


def load(context: Any) -> None:
    return None
