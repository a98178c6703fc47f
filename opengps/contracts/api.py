"""合同与履约验收 API."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["contracts"])
