"""Two plans made at the same moment cannot together overspend one budget line.

Each thread has its own database connection. On PostgreSQL the budget line row is locked
(SELECT … FOR UPDATE) while the remaining amount is checked; SQLite serializes writers with
IMMEDIATE transactions. Both must give the same outcome: one plan, one refusal.

The SQLite test database is in memory with a shared cache, where a waiting writer gets "table is
locked" at once instead of queueing for busy_timeout as on the file database the platform runs
on; on SQLite the test retries such a call, which is what busy_timeout does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import OperationalError, connection, connections

from opengps.core.errors import ServiceError
from opengps.planning.models import BudgetLine, Project, PurchasePlan
from opengps.planning.selectors import budget_usage
from opengps.planning.services import plan_create
from opengps.planning.tests.conftest import TODAY


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_plans_cannot_overspend_one_line(
    purchaser: Any, make_line: Callable[..., BudgetLine], make_project: Callable[..., Project]
) -> None:
    # given a line of 500,000 and two projects of 300,000 each
    line = make_line("500000")
    projects = [make_project("300000"), make_project("300000", item="A0402")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def plan(project: Project) -> None:
        try:
            barrier.wait(timeout=10)
            for attempt in range(200):
                try:
                    plan_create(
                        actor=purchaser,
                        project=project,
                        budget_line=line,
                        method="competitive_consultation",
                        procurement_starts_on=TODAY + timedelta(days=40),
                    )
                    break
                except OperationalError as exc:
                    if connection.vendor != "sqlite" or "locked" not in str(exc) or attempt == 199:
                        raise
                    time.sleep(0.01)
            outcomes.append("planned")
        except ServiceError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    # when both plan at the same moment, each on its own connection
    threads = [threading.Thread(target=plan, args=(project,)) for project in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then exactly one succeeds and the line is not overspent
    assert sorted(outcomes) == ["planned", "planning.budget_insufficient"]
    assert PurchasePlan.objects.filter(budget_line=line).count() == 1
    assert budget_usage(line).committed == Decimal("300000.00")
