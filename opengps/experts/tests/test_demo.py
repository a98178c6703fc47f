"""The experts demo set loads through the services, links the demo expert, and its draw replays."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from opengps.core.audit import verify_chain
from opengps.experts import demo
from opengps.experts.models import Draw, Expert
from opengps.experts.services import draw_verify

pytestmark = pytest.mark.django_db


def test_demo_experts_load_once_and_the_demo_draw_replays(
    agency: Any, finance: Any, make_user: Any, units: dict[str, Any], clock_at: Any
) -> None:
    # given a fixed day (experts' years in the field count to today)
    clock_at(date(2026, 11, 20))
    # and the accounts the core demo makes (no registry organizations: no bidders)
    context = SimpleNamespace(
        users={"finance": finance, "agency": agency, "expert": make_user("expert", unit=None)},
        units={"hn_civil": units["civil"]},
        counts={},
    )
    # when loaded twice
    demo.load(context)
    demo.load(context)
    # then
    assert Expert.objects.count() == demo.COUNT == context.counts["experts"]
    assert Expert.objects.get(user=context.users["expert"]).name == "孙立平"
    draw = Draw.objects.get(procurement_ref=demo.DEMO_DRAW_REF)
    assert draw_verify(draw).ok and draw.members.count() == 6
    assert len(draw.exclusions) >= 2
    assert verify_chain()[1] is None
