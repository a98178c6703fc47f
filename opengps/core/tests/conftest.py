"""Fixtures shared by the core tests: a small world of one organization, a budget line and
signed-in roles, for the bad-input table and the API fuzz run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest


@pytest.fixture
def world(
    clock_at: Callable[..., None], make_user: Callable[..., Any], registrar: Any, purchaser: Any
) -> Any:
    from opengps.planning.services import budget_line_create
    from opengps.registry.services import organization_create

    clock_at(date(2026, 3, 2))
    org = organization_create(
        actor=registrar,
        name="长沙市阳光养老服务中心",
        uscc="52430100MJJ0000017",
        org_type="social_service_agency",
        region="430104",
        founded_on=date(2015, 3, 1),
        legal_representative="张伟",
        address="长沙市岳麓区麓山路1号",
    )
    line = budget_line_create(
        actor=purchaser,
        unit=purchaser.unit,
        fiscal_year=2026,
        code="430000-MZ-001",
        name="居家养老服务补助",
        fund_source="general",
        amount="500000",
    )
    return {
        "org": org,
        "line": line,
        "purchaser": purchaser,
        "registrar": registrar,
        "finance": make_user("finance", unit="finance"),
        "supplier": make_user("supplier", unit=None, organization=org),
    }
