"""Two direct-purchase orders placed at the same moment on one budget line with room for only one:
exactly one succeeds. Each thread has its own database connection; the purchasing unit's row and
the budget line's row are locked (SELECT … FOR UPDATE) while the room is checked.

PostgreSQL only: the SQLite test database is in memory with a shared cache, where a second writer
gets "table is locked" at once instead of waiting for the lock, so the race is not the one the
platform's row locks decide (planning's concurrency test covers SQLite's serialized writers)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from opengps.accounts.models import Region
from opengps.core.errors import ServiceError
from opengps.emall import services
from opengps.emall.models import Order

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are decided by PostgreSQL; SQLite's in-memory test "
    "database refuses a second writer instead of queueing it",
)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_orders_on_one_line(
    purchaser: Any,
    make_user: Callable[..., Any],
    make_listing: Callable[..., Any],
    make_line: Callable[..., Any],
) -> None:
    # given a line of 5,000 and two colleagues each ordering 3,000
    listing = make_listing("300")
    line = make_line("5000")
    colleague = make_user("purchaser")
    region = Region.objects.get(pk="430100")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def order(actor: Any) -> None:
        try:
            barrier.wait(timeout=10)
            services.order_place(
                actor=actor, listing=listing, budget_line=line, quantity="10", service_region=region
            )
            outcomes.append("placed")
        except ServiceError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    # when both order at the same moment
    threads = [threading.Thread(target=order, args=(actor,)) for actor in (purchaser, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then exactly one succeeds and the line holds 3,000
    assert sorted(outcomes) == ["emall.budget_insufficient", "placed"]
    assert Order.objects.filter(budget_line=line).count() == 1
    assert services.emall_committed(line) == Decimal("3000.00")
