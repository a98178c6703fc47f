"""Demo data for procurement (filled in as the app grows)."""

from __future__ import annotations

from typing import Any


def load(context: Any) -> None:
    return None
