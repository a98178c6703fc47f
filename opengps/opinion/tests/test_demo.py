"""The opinion demo loads through the services and the feed parser, once: three sources, about three
hundred items naming the demo organizations, alerts only for organizations paid with public money —
and a second load adds nothing."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from opengps.accounts.models import User
from opengps.demo.world import Organizations
from opengps.opinion import demo
from opengps.opinion.models import Alert, Item, Match


def test_the_demo_loads_once(registrar: User, make_org: Organizations, now: datetime) -> None:
    # given: a few organizations, none with a contract, grant or listing
    for n in range(4):
        make_org(serial=n + 1)
    context = SimpleNamespace(users={"registrar": registrar}, counts={})
    # when: the demo loads
    demo.load(context)
    # then: items from three sources, nearly all naming an organization, with every tone
    assert context.counts["opinion_sources"] == 3
    items = context.counts["opinion_items"]
    assert 250 <= items <= 300 and Item.objects.count() == items
    assert Match.objects.values("item").distinct().count() >= items * 0.95
    assert set(Item.objects.values_list("tone", flat=True)) == {"negative", "neutral", "positive"}
    assert Alert.objects.count() == 0  # nobody here is paid with public money
    # and a second load adds nothing
    demo.load(context)
    assert Item.objects.count() == items and context.counts["opinion_sources"] == 3
