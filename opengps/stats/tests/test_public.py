"""The public statistics: the same measures over the records published on the portal only, each
against an independent calculation from the published raw rows, open to anyone, with the OCDS
bulk files of the latest export linked."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db.models import Q
from django.test import Client

from opengps.contracts.models import Contract
from opengps.core.clock import local_date
from opengps.grants.models import Agreement
from opengps.opendata import services as opendata
from opengps.performance.models import PerformanceEvaluation
from opengps.planning.models import PlanStatus, PurchaseIntention, PurchasePlan
from opengps.registry.models import OrgType
from opengps.stats import selectors
from opengps.stats.dashboards import PUBLIC_KEYS
from opengps.stats.models import Summary
from opengps.stats.tests.test_measures import (  # noqa: F401
    EXPECTED,
    _next_year_calendar,
    fresh_registry_caches,
    scenario,
)

CENT = Decimal("0.01")


def _published_contracts() -> list[Contract]:
    return list(
        Contract.objects.filter(signed_on__isnull=False, published_at__isnull=False).select_related(
            "supplier"
        )
    )


def _sum(values: Any) -> Decimal:
    return sum(values, Decimal(0)).quantize(CENT)


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part * 100 / whole).quantize(CENT, ROUND_HALF_UP) if whole else None


def _announced_agreements(condition: Callable[[Any], bool]) -> Decimal:
    agreements = Agreement.objects.select_related("application__round__programme")
    return _sum(
        a.amount
        for a in agreements
        if a.application.round.notice_published_on is not None and condition(a.application.round.programme)
    )


PUBLISHED: dict[str, Callable[[], Decimal | None]] = {
    "planned": lambda: _sum(
        p.amount
        for p in PurchasePlan.objects.exclude(status=PlanStatus.CANCELLED)
        if PurchaseIntention.objects.filter(plan=p).exists()
    ),
    "contracted": lambda: _sum(c.amount for c in _published_contracts()),
    "social_amount": lambda: _sum(
        c.amount for c in _published_contracts() if c.supplier.org_type in OrgType.values
    ),
    "social_share": lambda: _pct(
        _sum(c.amount for c in _published_contracts() if c.supplier.org_type in OrgType.values),
        _sum(c.amount for c in _published_contracts()),
    ),
    "industry_share": lambda: _pct(
        _sum(c.amount for c in _published_contracts() if c.supplier.is_industry_association),
        _sum(c.amount for c in _published_contracts()),
    ),
    "days_to_contract": lambda: _mean(
        [
            (c.signed_on - local_date(c.award.announced_at)).days
            for c in _published_contracts()
            if c.award and c.award.announced_at and c.signed_on
        ]
    ),
    "late_contracts": lambda: Decimal(
        sum(1 for c in _published_contracts() if c.sign_due and c.signed_on and c.signed_on > c.sign_due)
    ),
    "graded": lambda: Decimal(
        PerformanceEvaluation.objects.filter(status="published").exclude(grade="").count()
    ),
    "granted": lambda: _announced_agreements(lambda programme: True),
    "lottery_spend": lambda: _announced_agreements(
        lambda programme: programme.fund_source in ("welfare_lottery", "sports_lottery")
    ),
    "venture_spend": lambda: _announced_agreements(lambda programme: programme.is_venture_philanthropy),
}
# an announcement, a single-source notice and a result notice are publications: every procurement,
# award and opening the statistics count is public, so their internal figures are the public ones
ANNOUNCED = (
    "procurements",
    "bidders",
    "single_bid_share",
    "non_competitive",
    "awarded",
    "social_share_awarded",
    "savings",
    "savings_amount",
    "days_to_award",
)


def _mean(values: list[int]) -> Decimal | None:
    return (Decimal(sum(values)) / len(values)).quantize(CENT, ROUND_HALF_UP) if values else None


def test_every_public_measure_has_an_independent_check() -> None:
    assert set(PUBLISHED) | set(ANNOUNCED) == set(PUBLIC_KEYS)


@pytest.mark.parametrize("key", PUBLIC_KEYS)
def test_public_figure_equals_the_published_raw_rows(
    key: str,
    scenario: Contract,  # noqa: F811
    client: Client,
) -> None:
    # given the published raw rows, computed without the stats app
    expected = PUBLISHED[key]() if key in PUBLISHED else EXPECTED[key]()
    # when anyone opens the public statistics
    response = client.get("/stats/public/", {"year": ""})
    # then the page shows the same figure
    assert response.status_code == 200
    assert response.context["figures"][key].value == expected


def test_public_statistics_count_published_records_only(
    scenario: Contract,  # noqa: F811
    client: Client,
) -> None:
    # budget lines are internal: the summaries hold them, the public rows do not
    assert Summary.objects.filter(source="budget").exists()
    assert not selectors.public_rows(Q()).filter(source="budget").queryset().exists()
    assert selectors.public_rows(Q()).filter(source="contract").queryset().exists()
    content = client.get("/stats/public/", {"year": ""}).content.decode()
    assert "预算金额" not in content and "已支付金额" not in content
    assert 'data-chart="bar"' in content and "<table" in content


def test_public_statistics_link_the_ocds_bulk_files(
    scenario: Contract,  # noqa: F811
    client: Client,
    admin_user: Any,
) -> None:
    # given no export yet: the page says so
    assert "批量文件尚未生成" in client.get("/stats/public/").content.decode()
    # when an administrator's export has run
    job = opendata.export_job_create(actor=admin_user, start=False)
    opendata.export_job_run(job.pk)
    # then each year's zip is linked, and the link answers with the file
    downloads = client.get("/stats/public/").context["downloads"]
    assert downloads
    for entry in downloads:
        assert entry["url"] == f"/api/v1/opendata/downloads/{entry['year']}.zip"
        assert client.get(entry["url"]).status_code == 200


def test_public_bad_filter_is_a_400_beside_its_field(client: Client, regions: None) -> None:
    response = client.get("/stats/public/", {"year": "abc"})
    assert response.status_code == 400
    assert b'id="id_year-error"' in response.content
