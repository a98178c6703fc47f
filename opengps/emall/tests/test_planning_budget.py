"""Planning's budget-line usage counts the e-mall's orders and open 竞价 rounds (one figure): an order
on a line lowers the line's room on planning's API and workbench by its amount, the line cannot be
adjusted below what the orders hold, and the e-mall's own check reads the same room."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.accounts.models import Region
from opengps.core.errors import Conflict
from opengps.emall import services
from opengps.planning import services as planning_services
from opengps.planning.errors import Code as PlanningCode
from opengps.planning.selectors import budget_lines_visible, budget_usage, usage_of

pytestmark = pytest.mark.django_db


def _api_line(user: Any, line: Any) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    response = client.get("/api/v1/planning/budget-lines")
    assert response.status_code == 200
    return next(row for row in response.json() if row["id"] == line.pk)


def test_an_order_lowers_the_line_room_on_planning_api_and_screen(
    purchaser: Any, make_listing: Callable[..., Any], make_line: Callable[..., Any]
) -> None:
    # given an approved line of 500,000 and a live listing at 300 per 户·月
    line = make_line("500000")
    listing = make_listing("300")
    before = _api_line(purchaser, line)
    assert before["available"] == "500000.00" and before["held"] == "0.00"
    # when the purchaser buys 12 户·月 (3,600) on the line
    order = services.order_place(
        actor=purchaser,
        listing=listing,
        budget_line=line,
        quantity="12",
        service_region=Region.objects.get(pk="430100"),
    )
    assert order.amount == Decimal("3600.00")
    # then planning's API shows the room lower by the order's amount, held by the e-mall
    after = _api_line(purchaser, line)
    assert Decimal(after["available"]) == Decimal(before["available"]) - order.amount
    assert after["committed"] == "3600.00" and after["held"] == "3600.00" and after["spent"] == "0.00"
    # and planning's selectors (computed and annotated) agree with the e-mall's own check
    usage = budget_usage(line)
    assert usage.available == Decimal("496400.00") == services.budget_room(line)
    assert usage_of(budget_lines_visible(actor=purchaser).get(pk=line.pk)) == usage
    assert services.emall_committed(line) == usage.held == order.amount
    # and the workbench's line row shows the same figures
    client = Client()
    client.force_login(purchaser)
    page = client.get("/planning/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "其中电子卖场订单与竞价" in html and "496,400.00" in html


def test_a_declined_order_gives_the_room_back(
    purchaser: Any, supplier: Any, make_listing: Callable[..., Any], make_line: Callable[..., Any]
) -> None:
    # given an order of 3,600 on a line of 500,000
    line = make_line("500000")
    order = services.order_place(
        actor=purchaser,
        listing=make_listing("300"),
        budget_line=line,
        quantity="12",
        service_region=Region.objects.get(pk="430100"),
    )
    assert budget_usage(line).available == Decimal("496400.00")
    # when the supplier declines it
    services.order_decline(actor=supplier, order=order, reason="该时段服务人员已排满")
    # then planning sees the whole line free again
    assert budget_usage(line).available == Decimal("500000.00") and budget_usage(line).held == 0


def test_the_line_cannot_be_adjusted_below_what_orders_hold(
    purchaser: Any, finance: Any, make_listing: Callable[..., Any], make_line: Callable[..., Any]
) -> None:
    # given an order of 3,600 on a line of 500,000
    line = make_line("500000")
    services.order_place(
        actor=purchaser,
        listing=make_listing("300"),
        budget_line=line,
        quantity="12",
        service_region=Region.objects.get(pk="430100"),
    )
    # when finance adjusts the line to 3,000
    with pytest.raises(Conflict) as refused:
        planning_services.budget_line_adjust(actor=finance, line=line, amount="3000", reason="年中调减")
    # then it is refused: the e-mall's order holds 3,600 of it
    assert refused.value.code == PlanningCode.PLANNING_BUDGET_BELOW_COMMITTED
    assert refused.value.params == {"committed": "3600.00"}
    line.refresh_from_db()
    assert line.amount == Decimal("500000.00")
