"""Fixtures: a finance user and a small published catalogue built through the services."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from opengps.catalog.models import CatalogVersion, ItemKind
from opengps.catalog.services import (
    CatalogueContent,
    ItemRow,
    PriceRow,
    catalog_content_replace,
    catalog_version_create,
    catalog_version_publish,
)

SMALL = CatalogueContent(
    items=(
        ItemRow("A", "公共服务", 1, ""),
        ItemRow("A04", "养老服务", 2, "A"),
        ItemRow("A0401", "居家养老上门服务", 3, "A04"),
        ItemRow("A0402", "社区日间照料服务", 3, "A04"),
        ItemRow("A09", "社会工作服务", 2, "A"),
        ItemRow("A0901", "乡镇（街道）社工站运营服务", 3, "A09"),
        ItemRow("B", "政府履职所需辅助性服务", 1, ""),
        ItemRow("B02", "政府委托的评估评价服务", 2, "B"),
        ItemRow("B0201", "绩效评价服务", 3, "B02"),
        ItemRow("N05", "购买主体的人员招、聘用，以劳务派遣方式用工", 1, "", ItemKind.NEGATIVE),
    ),
    prices=(
        PriceRow("A0401", "人·次", Decimal("60.00")),
        PriceRow("A0401", "户·月", Decimal("300.00"), "含助餐"),
        PriceRow("B0201", "项", Decimal("50000.00")),
    ),
)


@pytest.fixture
def finance(make_user: Callable[..., Any]) -> Any:
    return make_user("finance", unit="finance")


@pytest.fixture
def small_catalogue(finance: Any) -> CatalogVersion:
    version = catalog_version_create(actor=finance, year=2026, title="湖南省政府购买服务指导性目录（测试）")
    catalog_content_replace(actor=finance, version=version, content=SMALL)
    return catalog_version_publish(actor=finance, version=version)
