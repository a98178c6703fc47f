"""The public portal: anonymous pages, each kind listed and searchable in Chinese, feeds, no sealed data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.demo.world import announce_times, bid_files
from opengps.evaluation import services as evaluation_services
from opengps.evaluation.models import Award
from opengps.planning.models import PurchaseIntention
from opengps.portal import selectors
from opengps.procurement import services as procurement_services
from opengps.procurement.models import BidReadout, Procurement

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def announce(purchaser: Any, make_plan: Any, title: str) -> Procurement:
    plan = make_plan("open_tender")
    procurement = procurement_services.procurement_create(
        actor=purchaser, plan=plan, documents="招标文件", title=title
    )
    issued, deadline = announce_times()
    return procurement_services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )


def award(purchaser: Any, procurement: Procurement, committee: Any) -> Award:
    evaluation = evaluation_services.evaluation_start(
        actor=purchaser,
        procurement=procurement,
        draw=committee,
        factors=[evaluation_services.FactorInput("tech", "服务方案", Decimal("70"))],
        price_weight="0.30",
    )
    for user in committee.users:
        evaluation_services.member_confirm_no_conflict(actor=user, evaluation=evaluation, no_conflict=True)
    bids = list(BidReadout.objects.filter(opening__procurement=procurement))
    for user in committee.users:
        evaluation_services.scores_submit(
            actor=user, evaluation=evaluation, scores={bid.pk: {"tech": "60"} for bid in bids}
        )
    evaluation_services.evaluation_report_build(actor=committee.users[0], evaluation=evaluation)
    for user in committee.users:
        evaluation_services.evaluation_report_confirm(actor=user, evaluation=evaluation)
    result = Award.objects.get(evaluation=evaluation)
    evaluation_services.award_confirm(actor=purchaser, award=result)
    evaluation_services.award_announce(actor=purchaser, procurement=procurement)
    result.refresh_from_db()
    return result


def test_sealed_bids_never_show_before_the_opening(
    purchaser: Any, make_plan: Any, suppliers: list[Any]
) -> None:
    # given an announced procurement with two sealed bids, before its deadline
    procurement = announce(purchaser, make_plan, "城区居家养老助餐服务")
    lot = procurement.lots.get(number=1)
    bidders = []
    for user in suppliers[:2]:
        procurement_services.documents_obtain(actor=user, procurement=procurement)
        procurement_services.bid_submit(actor=user, lot=lot, price_total="250000", files=bid_files())
        bidders.append(user.organization)
    client = Client()
    # when anyone reads every portal page that mentions it
    pages = [
        client.get("/portal/"),
        client.get("/portal/announcement/"),
        client.get(f"/portal/announcement/{procurement.pk}/"),
        client.get("/portal/search/", {"q": "助餐"}),
        client.get(f"/portal/units/{procurement.purchaser_id}/"),
        client.get("/portal/feeds/announcement.rss"),
        client.get("/portal/feeds/announcement.atom"),
        client.get(f"/portal/organizations/{bidders[0].pk}/"),
    ]
    # then the notice is public, but no bidder, bid count or price is
    assert all(page.status_code == 200 for page in pages)
    assert "城区居家养老助餐服务" in pages[2].content.decode()
    for page in pages:
        text = page.content.decode()
        assert "递交投标数" not in text and "有效投标数" not in text and "250,000" not in text
        assert "250000" not in text
        for org in bidders:
            if page is not pages[-1]:
                assert org.name not in text
    assert "暂无公告" in pages[-1].content.decode()  # the bidder has won nothing
    # and after the opening the minutes' counts appear
    procurement.refresh_from_db()
    assert procurement.bid_deadline is not None
    procurement_services.procurement_open(
        actor=purchaser, procurement=procurement, now=procurement.bid_deadline + timedelta(minutes=1)
    )
    text = client.get(f"/portal/announcement/{procurement.pk}/").content.decode()
    assert "递交投标数 2" in text


def test_every_kind_is_listed_searchable_and_in_feeds(
    purchaser: Any, make_plan: Any, opened: Procurement, committee: Any, suppliers: list[Any]
) -> None:
    # given one notice of each kind the platform has published
    cancelled = announce(purchaser, make_plan, "社区心理健康服务")
    procurement_services.procurement_cancel(actor=purchaser, procurement=cancelled, reason="需求发生重大变化")
    clarified = announce(purchaser, make_plan, "困境儿童关爱服务")
    procurement_services.procurement_clarify(
        actor=purchaser, procurement=clarified, kind="amendment", text="服务期限调整为十二个月"
    )
    failed = announce(purchaser, make_plan, "农村留守老人探访服务")
    failed.refresh_from_db()
    assert failed.bid_deadline is not None
    procurement_services.procurement_open(
        actor=purchaser, procurement=failed, now=failed.bid_deadline + timedelta(minutes=1)
    )
    single = procurement_services.procurement_create(
        actor=purchaser,
        plan=make_plan("single_source", only_one_supplier=True),
        documents="单一来源采购文件",
        title="特殊困难老人专业照护服务",
        single_source_supplier=suppliers[3].organization,
        single_source_reason="该服务只能由其提供",
    )
    issued, deadline = announce_times(days_ago=20)
    procurement_services.procurement_announce(
        actor=purchaser, procurement=single, bid_deadline=deadline, now=issued
    )
    result = award(purchaser, opened, committee)
    assert result.winner is not None
    intention = PurchaseIntention.objects.order_by("pk").first()
    assert intention is not None
    expected = {
        "intention": (intention.title, intention.title[2:6]),
        "announcement": (clarified.title, "儿童关爱"),
        "amendment": ("十二个月", "期限调整"),
        "single_source": (suppliers[3].organization.name, "只能由其"),
        "result": (result.winner.organization.name, opened.title[:4]),
        "failed": (failed.title, "留守老人"),
        "cancelled": (cancelled.title, "心理健康"),
    }
    client = Client()
    for kind, (shown, term) in expected.items():
        # listed
        page = client.get(f"/portal/{kind}/")
        assert page.status_code == 200 and shown in page.content.decode(), kind
        # found by a Chinese substring, alone and across every kind
        found = client.get(f"/portal/{kind}/", {"q": term}).content.decode()
        assert shown in found, (kind, term)
        assert client.get("/portal/search/", {"q": term}).status_code == 200
        assert selectors.search(selectors.PortalFilters(q=term)).counts[kind] >= 1, (kind, term)
        # not found by an unrelated term
        assert selectors.notice_page(kind, selectors.PortalFilters(q="火箭发射")).count == 0
        # each notice has a stable URL
        item = selectors.notice_page(kind, selectors.PortalFilters(q=term)).items[0]
        assert item.url == f"/portal/{kind}/{item.pk}/"
        assert client.get(item.url).status_code == 200
        # feeds are RSS 2.0 and Atom 1.0 XML with the notice in them
        rss = ET.fromstring(  # noqa: S314 — our own feed
            client.get(f"/portal/feeds/{kind}.rss").content
        )
        assert rss.tag == "rss" and rss.get("version") == "2.0"
        links = [node.text or "" for node in rss.iter("link")]
        assert any(link.endswith(item.url) for link in links), kind
        atom = ET.fromstring(  # noqa: S314 — our own feed
            client.get(f"/portal/feeds/{kind}.atom").content
        )
        assert atom.tag == f"{ATOM}feed" and atom.find(f"{ATOM}entry") is not None
    # two terms must both match; a multi-word search with one miss finds nothing
    assert selectors.notice_page("cancelled", selectors.PortalFilters(q="心理 健康")).count == 1
    assert selectors.notice_page("cancelled", selectors.PortalFilters(q="心理 火箭")).count == 0
    # the winner's page lists what it won; the unit's page its history
    org_page = client.get(f"/portal/organizations/{result.winner.organization_id}/").content.decode()
    assert opened.title in org_page
    unit_page = client.get(f"/portal/units/{opened.purchaser_id}/").content.decode()
    assert cancelled.title in unit_page and intention.title in unit_page


def test_filters_not_found_and_query_counts(
    purchaser: Any, make_plan: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(6):
        announce(purchaser, make_plan, f"养老服务项目{n}")
    client = Client()
    with django_assert_max_num_queries(8):
        page = client.get("/portal/announcement/", {"region": "430000", "category": "A04"})
    assert page.status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get("/portal/").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get("/portal/search/", {"q": "养老"}).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get("/portal/feeds/announcement.rss").status_code == 200
    unit = purchaser.unit_id
    assert selectors.notice_page("announcement", selectors.PortalFilters(unit=unit)).count == 6
    assert selectors.notice_page("announcement", selectors.PortalFilters(unit=unit + 999)).count == 0
    assert selectors.notice_page("announcement", selectors.PortalFilters(region="430100")).count == 0
    assert selectors.notice_page("announcement", selectors.PortalFilters(category="Z99")).count == 0
    # make_plan rotates the catalogue items A0402, A0901, B0201, A0401, …
    assert selectors.notice_page("announcement", selectors.PortalFilters(category="A04")).count == 3
    assert selectors.notice_page("announcement", selectors.PortalFilters(category="B02")).count == 1
    filters = selectors.PortalFilters.from_params({"from": "2000-01-01", "to": "2999-12-31", "region": "bad"})
    assert filters.region == "" and selectors.notice_page("announcement", filters).count == 6
    assert client.get("/portal/nope/").status_code == 404
    assert client.get("/portal/announcement/999999/").status_code == 404
    assert client.get("/portal/feeds/nope.rss").status_code == 404
    assert client.get("/portal/units/999999/").status_code == 404
    assert client.get("/portal/organizations/999999/").status_code == 404
    # a draft is never public
    draft = procurement_services.procurement_create(
        actor=purchaser, plan=make_plan("open_tender"), documents="x", title="内部草稿项目"
    )
    assert client.get(f"/portal/announcement/{draft.pk}/").status_code == 404
    assert "内部草稿项目" not in client.get("/portal/search/", {"q": "草稿"}).content.decode()


def test_api_is_public_and_hides_drafts(purchaser: Any, make_plan: Any) -> None:
    # the router is driven directly: registering it under /api/v1/portal is the lead's (opengps/api.py)
    from ninja.testing import TestClient

    from opengps.core.errors import NotFound
    from opengps.portal.api import router

    procurement = announce(purchaser, make_plan, "社区矫正社会工作服务")
    client = TestClient(router)
    kinds = {row["key"]: row["count"] for row in client.get("/kinds?q=矫正").json()}
    assert kinds["announcement"] == 1 and kinds["result"] == 0
    page = client.get("/notices/announcement?q=社会工作").json()
    assert page["count"] == 1 and page["items"][0]["url"] == f"/portal/announcement/{procurement.pk}/"
    one = client.get(f"/notices/announcement/{procurement.pk}").json()
    assert one["title"].startswith("社区矫正社会工作服务")
    with pytest.raises(NotFound):
        client.get("/notices/nope")
    with pytest.raises(NotFound):
        client.get("/notices/result/1")
