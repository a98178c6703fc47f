"""The grants measures (福彩公益金, 公益创投, released tranches) against the raw rows of a funded
2023 round built through the grants services (its fixtures), and against the dashboard."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.grants.tests.conftest import make_org, make_round, panel_experts, world  # noqa: F401
from opengps.grants.tests.test_api_views import funded  # noqa: F401
from opengps.stats import services
from opengps.stats.measures import MEASURES
from opengps.stats.models import Summary
from opengps.stats.tests.test_measures import EXPECTED

GRANT_MEASURES = ("lottery_spend", "venture_spend", "grants_released")


@pytest.mark.parametrize("key", GRANT_MEASURES)
def test_grant_measures_equal_the_raw_rows_and_the_dashboard(
    key: str,
    funded: dict[str, Any],  # noqa: F811
    client: Client,
    world: Any,  # noqa: F811
) -> None:
    # given a signed agreement of the welfare-lottery round (its first tranche released on signing)
    services.summaries_refresh(actor=None)
    expected = EXPECTED[key]()
    # then the measure over the summaries equals the raw rows, as does the dashboard's figure
    assert MEASURES[key].total(Summary.objects.all()) == expected
    client.force_login(world.finance)
    figures = client.get("/stats/", {"year": ""}).context["figures"]
    assert figures[key].value == expected
    if key != "venture_spend":
        assert expected > 0
    # and the drill-down lists records adding up to it
    page = client.get(figures[key].drill)
    assert page.status_code == 200
    assert page.context["page"].total.quantize(Decimal("0.01")) == expected
