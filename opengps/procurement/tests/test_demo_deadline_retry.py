"""The procurement demo on a machine too busy to bid before its real-clock deadline: a late bid
undoes that announcement and its bids (a savepoint) and the loader announces again with twice the
room; what stays is one announcement with every bid in it."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from opengps.core import clock
from opengps.core.errors import Conflict
from opengps.core.models import AuditEvent
from opengps.procurement import demo
from opengps.procurement import services as procurement_services
from opengps.procurement.errors import Code
from opengps.procurement.events import Event
from opengps.procurement.models import BidSubmission, ProcurementStatus

pytestmark = pytest.mark.django_db

SPEC = demo.Spec(
    "retry", "hn", "居家养老上门服务（重试）", "A0401", "open_tender", (), "opened", bidders=(0, 1, 2)
)


def test_a_late_bid_announces_again_with_twice_the_room(
    purchaser: Any, make_plan: Any, suppliers: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a procurement of the demo and a machine on which the first bid comes after the deadline
    procurement = procurement_services.procurement_create(
        actor=purchaser, plan=make_plan("open_tender"), documents="招标文件"
    )
    loader = demo._Loader(
        context=SimpleNamespace(users={"purchaser": purchaser}), today=clock.today(), pool=suppliers[:3]
    )
    placed = demo._Loader.bid
    late = {"left": 1}

    def bid(self: demo._Loader, *args: Any, **kwargs: Any) -> None:
        placed(self, *args, **kwargs)
        if late["left"]:
            late["left"] -= 1
            raise Conflict(Code.BID_DEADLINE_PASSED, "投标截止时间已过")

    monkeypatch.setattr(demo._Loader, "bid", bid)
    room = demo.DEADLINE_MARGIN + demo.PER_BID * (3 * 1 + 2)
    # when
    started = clock.now()
    announced = loader.run_to_deadline(SPEC, procurement)
    # then one announcement stands, with all three bids, and its deadline has twice the room
    announced.refresh_from_db()
    assert announced.status == ProcurementStatus.ANNOUNCED
    assert AuditEvent.objects.filter(action=Event.PROCUREMENT_ANNOUNCED).count() == 1
    assert BidSubmission.objects.filter(procurement=announced).count() == 3
    assert announced.bid_deadline is not None and loader.deadlines == [announced.bid_deadline]
    assert announced.bid_deadline - started >= 2 * room - timedelta(seconds=1)


def test_a_refusal_other_than_a_late_bid_is_not_retried(
    purchaser: Any, make_plan: Any, suppliers: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    procurement = procurement_services.procurement_create(
        actor=purchaser, plan=make_plan("open_tender"), documents="招标文件"
    )
    loader = demo._Loader(
        context=SimpleNamespace(users={"purchaser": purchaser}), today=clock.today(), pool=suppliers[:3]
    )
    calls = {"n": 0}

    def bid(self: demo._Loader, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        raise Conflict(Code.BID_ALREADY_SUBMITTED, "已递交投标")

    monkeypatch.setattr(demo._Loader, "bid", bid)
    with pytest.raises(Conflict) as refused:
        loader.run_to_deadline(SPEC, procurement)
    assert refused.value.code == Code.BID_ALREADY_SUBMITTED and calls["n"] == 1
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.DRAFT and loader.deadlines == []
