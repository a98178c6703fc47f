"""The evaluation page shows each bidder's performance history to officials and confirmed members."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.evaluation import services
from opengps.procurement.models import BidReadout, Procurement

pytestmark = pytest.mark.django_db


def _page(user: Any, procurement: Procurement) -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/evaluation/{procurement.pk}/").content.decode()


def test_bidder_histories_for_officials_and_confirmed_members_only(
    purchaser: Any, opened: Procurement, committee: Any
) -> None:
    # given an evaluation started on an opened procurement with three bidders
    evaluation = services.evaluation_start(
        actor=purchaser,
        procurement=opened,
        draw=committee,
        factors=[services.FactorInput("tech", "服务方案", Decimal("70"))],
        price_weight="0.30",
    )
    names = sorted({r.organization.name for r in BidReadout.objects.filter(opening__procurement=opened)})
    # then the purchaser sees every bidder's performance record
    page = _page(purchaser, opened)
    assert "投标人履约记录" in page and all(name in page for name in names)
    assert "暂无履约记录" in page
    # a member sees it only after confirming no conflict
    expert = committee.users[0]
    assert "投标人履约记录" not in _page(expert, opened)
    services.member_confirm_no_conflict(actor=expert, evaluation=evaluation, no_conflict=True)
    assert "投标人履约记录" in _page(expert, opened)
