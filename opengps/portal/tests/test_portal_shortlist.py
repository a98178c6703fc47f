"""The portal's 入围结果公告 (O110 §28): a framework shortlist is public once announced, with every
member's rank, address and agreement price, and in each member's public history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from opengps.core.templatetags.money import format_yuan
from opengps.evaluation.models import FrameworkShortlist
from opengps.evaluation.tests.test_scenario_framework import _first_stage, _framework
from opengps.evaluation.tests.test_scenarios_award import _post
from opengps.portal import selectors

pytestmark = pytest.mark.django_db


def test_an_announced_shortlist_is_listed_searchable_and_names_every_member(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # given a framework agreement whose committee has recorded its shortlist, not yet announced
    procurement = _framework(purchaser, make_plan)
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user)
    shortlist = FrameworkShortlist.objects.get(lot__procurement=procurement)
    client = Client()
    assert selectors.notice_page("shortlist").count == 0
    assert client.get(f"/portal/shortlist/{shortlist.pk}/").status_code == 404
    # when the shortlist is announced
    _post(purchaser, f"{procurement.pk}/shortlist/announce")
    # then its notice is listed, found by the project's title in Chinese, and in the feeds
    term = procurement.title[:4]
    (item,) = selectors.notice_page("shortlist", selectors.PortalFilters(q=term)).items
    members = list(shortlist.members.select_related("organization").order_by("rank"))
    assert item.url == f"/portal/shortlist/{shortlist.pk}/" and str(len(members)) in item.summary
    assert selectors.search(selectors.PortalFilters(q=term)).counts["shortlist"] == 1
    assert client.get("/portal/feeds/shortlist.rss").status_code == 200
    # and its page names every member with its agreement price, the others not at all
    page = client.get(item.url).content.decode()
    assert all(m.organization.name in page for m in members)
    assert all(format_yuan(m.price) in page for m in members)
    shortlisted = {m.organization_id for m in members}
    others = [s.organization for s in suppliers if s.organization_id not in shortlisted]
    assert others and not any(org.name in page for org in others)
    # and each member's public history lists it
    history = client.get(f"/portal/organizations/{members[0].organization_id}/").content.decode()
    assert item.url in history
