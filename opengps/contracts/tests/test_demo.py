"""The contracts demo loader on its own (the whole demo is tested in opengps/workbench/tests/test_demo.py)."""

from __future__ import annotations

from typing import Any

import pytest

from opengps.accounts.demo import DemoContext
from opengps.contracts.models import Contract

pytestmark = pytest.mark.django_db


def test_demo_loader_with_no_awards_does_nothing(db: Any) -> None:
    from opengps.contracts import demo

    context = DemoContext(organizations=0)
    demo.load(context)
    assert context.counts["contracts"] == 0 and not Contract.objects.exists()
