"""绩效评价 API."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["performance"])
