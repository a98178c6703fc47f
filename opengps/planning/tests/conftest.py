"""Planning fixtures: the world's unit staff, finance user, budget lines and approved projects
(`head`, `finance`, `make_line`, `make_project` in `opengps.demo.fixtures`), on a fixed today."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from opengps.demo.world import TODAY as TODAY  # planning's tests import it from here


@pytest.fixture(autouse=True)
def pinned_day(clock_at: Callable[..., None]) -> date:
    clock_at(TODAY)
    return TODAY
