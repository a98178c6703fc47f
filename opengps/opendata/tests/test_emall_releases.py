"""E-mall orders as OCDS releases: a direct purchase above the disclosure amount is published once
its supplier confirmed it (``direct``, "电子卖场直购"), then its delivery, acceptance and payment;
small, unconfirmed, declined or lapsed orders never are, nor any free text of the order. Every
release validates against ``../shared/ocds-1.1.5`` and is in the feed and the bulk files."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from opengps.accounts.models import Region
from opengps.core import clock
from opengps.demo.world import TODAY
from opengps.emall import services as emall
from opengps.emall.models import BiddingRound, Listing, Order
from opengps.opendata import builders, ocds, services
from opengps.opendata.models import Record, Release

pytestmark = pytest.mark.django_db

SECRETS = (
    "岳麓区特困老人",
    "已完成上门服务（王奶奶等12户）",
    "服务记录齐全，验收合格",
    "HN-ZF-2026-0001",
    "服务及时",
)
"""The order's free texts (note, delivery and acceptance notes, payment voucher, rating comment):
never published."""


@pytest.fixture(autouse=True)
def pinned_day(clock_at: Callable[..., None]) -> date:
    clock_at(TODAY)
    return TODAY


@pytest.fixture
def supplier(make_user: Callable[..., Any], make_org: Callable[..., Any]) -> Any:
    return make_user("supplier", unit=None, organization=make_org())


@pytest.fixture
def listing(make_user: Callable[..., Any], supplier: Any, small_catalogue: Any) -> Listing:
    """A live listing at 3,000 元 per 户·月, entered and reviewed through the e-mall's services."""
    operator = make_user("emall_operator", unit="finance")
    entry = emall.entry_apply(
        actor=supplier,
        items=list(small_catalogue.items.filter(code__in=("A0401",))),
        contact_person="张伟",
        contact_phone="0731-88880000",
        statement="养老服务",
    )
    emall.entry_decide(actor=operator, entry=entry, approve=True)
    terms = emall.listing_terms(
        title="居家养老上门服务（助餐助洁）",
        standard="每户每月上门8次，含助餐、助洁，服务记录可追溯",
        unit="户·月",
        unit_price="3000",
        regions=[Region.objects.get(pk="430000")],
        response_days=3,
        qualifications="持证养老护理员",
    )
    created = emall.listing_create(actor=supplier, item=small_catalogue.items.get(code="A0401"), terms=terms)
    emall.listing_submit(actor=supplier, listing=created)
    emall.listing_review(actor=operator, version=created.versions.get(), approve=True)
    created.refresh_from_db()
    return created


@pytest.fixture
def buy(purchaser: Any, listing: Listing, make_line: Callable[..., Any]) -> Callable[[str], Order]:
    line = make_line("500000")

    def place(quantity: str) -> Order:
        return emall.order_place(
            actor=purchaser,
            listing=listing,
            budget_line=line,
            quantity=quantity,
            service_region=Region.objects.get(pk="430100"),
            note=SECRETS[0],
        )

    return place


def releases(order: Order) -> list[dict[str, Any]]:
    return [
        json.loads(payload)
        for payload in Release.objects.filter(ocid=builders.order_ocid(order))
        .order_by("position")
        .values_list("payload", flat=True)
    ]


def test_a_direct_purchase_above_the_amount_is_published_from_confirmation_to_payment(
    purchaser: Any, supplier: Any, buy: Callable[[str], Order], assert_valid: Callable[[str, Any], None]
) -> None:
    # given an order of 12 户·月 at 3,000 元 (36,000 元, above the 1万元 disclosure amount)
    order = buy("12")
    # then nothing is published while the supplier has not confirmed it
    assert releases(order) == []
    # when it runs its course to the rating
    emall.order_confirm(actor=supplier, order=order)
    emall.order_deliver(actor=supplier, order=order, note=SECRETS[1])
    emall.order_accept(actor=purchaser, order=order, note=SECRETS[2])
    emall.order_pay(actor=purchaser, order=order, reference=SECRETS[3])
    emall.order_rate(actor=purchaser, order=order, stars=5, comment=SECRETS[4])
    # then one release per public step (the rating publishes nothing), each valid
    published = releases(order)
    assert [r["tag"] for r in published] == [
        ["contract"],
        ["implementation"],
        ["implementation"],
        ["implementation"],
    ]
    for release in published:
        assert_valid("release", release)
    first, last = published[0], published[-1]
    ocid = f"ocds-test00-DZMC-{TODAY.year}-{order.pk:06d}"
    assert first["ocid"] == ocid == builders.order_ocid(order)
    tender = first["tender"]
    assert tender["procurementMethod"] == "direct"
    assert tender["procurementMethodDetails"] == "电子卖场直购"
    assert tender["status"] == "complete"
    assert tender["value"] == {"amount": 36000, "currency": "CNY"}
    assert tender["items"][0]["classification"]["scheme"] == "CN-GPSC"
    assert tender["items"][0]["classification"]["id"] == "A0401"
    assert tender["items"][0]["quantity"] == 12
    assert tender["items"][0]["unit"] == {"name": "户·月", "value": {"amount": 3000, "currency": "CNY"}}
    assert first["awards"][0]["status"] == "active"
    confirmed_at = Order.objects.get(pk=order.pk).confirmed_at
    assert confirmed_at is not None and first["awards"][0]["date"] == ocds.date_text(confirmed_at)
    assert first["contracts"][0]["status"] == "active"
    assert "implementation" not in first["contracts"][0]
    # the parties are identified exactly as procurement releases identify them
    unit, org = purchaser.unit, supplier.organization
    by_id = {p["id"]: p for p in last["parties"]}
    assert by_id[f"CN-USCI-{org.uscc}"]["identifier"] == {
        "scheme": "CN-USCI",
        "id": org.uscc,
        "legalName": org.name,
    }
    assert set(by_id[f"CN-USCI-{org.uscc}"]["roles"]) == {"supplier", "payee"}
    buyer_party = by_id[last["buyer"]["id"]]
    assert buyer_party["name"] == unit.name
    assert set(buyer_party["roles"]) == {"buyer", "procuringEntity", "payer"}
    assert last["awards"][0]["suppliers"] == [{"id": f"CN-USCI-{org.uscc}", "name": org.name}]
    # the paid order is fulfilled: terminated with the payment as its transaction
    contract = last["contracts"][0]
    assert contract["status"] == "terminated" and "合同履行完毕" in contract["description"]
    (payment,) = contract["implementation"]["transactions"]
    assert payment["value"] == {"amount": 36000, "currency": "CNY"}
    assert payment["payer"] == last["buyer"] and payment["payee"]["id"] == f"CN-USCI-{org.uscc}"
    assert [d["documentType"] for d in contract["implementation"]["documents"]] == [
        "physicalProgressReport",
        "completionCertificate",
    ]
    # and no free text of the order is published
    text = "".join(Release.objects.values_list("payload", flat=True))
    assert [secret for secret in SECRETS if secret in text] == []


def test_packages_feed_and_bulk_files_carry_the_order(
    purchaser: Any,
    supplier: Any,
    buy: Callable[[str], Order],
    client: Client,
    assert_valid: Callable[[str, Any], None],
) -> None:
    # given a paid order above the disclosure amount
    order = buy("10")
    emall.order_confirm(actor=supplier, order=order)
    emall.order_deliver(actor=supplier, order=order, note=SECRETS[1])
    emall.order_accept(actor=purchaser, order=order, note=SECRETS[2])
    emall.order_pay(actor=purchaser, order=order, reference=SECRETS[3])
    ocid = builders.order_ocid(order)
    # when a data user reads its packages and the feed, and the bulk files are written
    packages = {
        "release-package": client.get(f"/api/v1/opendata/releases/{ocid}").json(),
        "record-package": client.get(f"/api/v1/opendata/records/{ocid}").json(),
    }
    feed = client.get("/api/v1/opendata/releases?after=0&limit=1000").json()
    year = clock.local_date(Release.objects.filter(ocid=ocid).first().date).year  # type: ignore[union-attr]
    lines = list(services.release_lines(year))
    records = [json.loads(line) for line in services.record_lines(year, base="https://gps.example.cn")]
    # then each package is valid, the feed and the year's files carry every release of the order
    for kind, package in packages.items():
        assert_valid(kind, package)
    assert_valid("release-package", feed)
    assert len(packages["release-package"]["releases"]) == 4
    assert {r["id"] for r in feed["releases"] if r["ocid"] == ocid} == {
        r["id"] for r in packages["release-package"]["releases"]
    }
    assert sum(1 for line in lines if json.loads(line)["ocid"] == ocid) == 4
    (record,) = [r for r in records if r["ocid"] == ocid]
    assert record["compiledRelease"]["contracts"][0]["status"] == "terminated"
    assert Record.objects.get(ocid=ocid).release_count == 4


def test_small_unconfirmed_declined_and_lapsed_orders_are_never_published(
    supplier: Any, buy: Callable[[str], Order], clock_at: Callable[..., None]
) -> None:
    # given orders of 3,000 元 (below the amount), 30,000 元 declined, 30,000 元 left to lapse
    small = buy("1")
    declined = buy("10")
    lapsing = buy("10")
    # when the small one runs to confirmation and delivery, one is declined and one lapses
    emall.order_confirm(actor=supplier, order=small)
    emall.order_deliver(actor=supplier, order=small, note=SECRETS[1])
    emall.order_decline(actor=supplier, order=declined, reason="人手不足")
    clock_at(TODAY + timedelta(days=5))
    emall.orders_lapse_due()
    # then none of them has a release
    assert Order.objects.get(pk=small.pk).status == "delivered"
    assert Order.objects.get(pk=declined.pk).status == "declined"
    assert not Release.objects.filter(ocid__contains="DZMC").exists()
    assert not builders.order_public(Order.objects.get(pk=lapsing.pk))


def test_backfill_publishes_confirmed_orders_without_releases(
    admin_user: Any, supplier: Any, buy: Callable[[str], Order], assert_valid: Callable[[str, Any], None]
) -> None:
    # given a confirmed public order whose releases were lost, and a small confirmed one
    order = buy("12")
    small = buy("1")
    emall.order_confirm(actor=supplier, order=order)
    emall.order_confirm(actor=supplier, order=small)
    Release.objects.all().delete()
    Record.objects.all().delete()
    # when an administrator backfills, twice
    first = services.releases_backfill(actor=admin_user)
    second = services.releases_backfill(actor=admin_user)
    # then the public order has one current-state release (tagged contract), once
    assert first["emall"] == 1 and second["emall"] == 0
    (release,) = releases(order)
    assert release["tag"] == ["contract"]
    assert_valid("release", release)
    assert releases(small) == []


# --- 竞价 rounds ---------------------------------------------------------------------------------


def _enter_with_listing(supplier: Any, operator: Any, catalogue: Any, price: str) -> Listing:
    entry = emall.entry_apply(
        actor=supplier,
        items=list(catalogue.items.filter(code="A0401")),
        contact_person="李敏",
        contact_phone="0731-88880001",
        statement="养老服务",
    )
    emall.entry_decide(actor=operator, entry=entry, approve=True)
    terms = emall.listing_terms(
        title="居家养老上门服务",
        standard="每户每月上门8次",
        unit="户·月",
        unit_price=price,
        regions=[Region.objects.get(pk="430000")],
        response_days=3,
        qualifications="持证养老护理员",
    )
    listing = emall.listing_create(actor=supplier, item=catalogue.items.get(code="A0401"), terms=terms)
    emall.listing_submit(actor=supplier, listing=listing)
    emall.listing_review(actor=operator, version=listing.versions.get(), approve=True)
    return listing


@pytest.fixture
def bidding(
    clock_at: Callable[..., None],
    make_user: Callable[..., Any],
    suppliers: list[Any],
    small_catalogue: Any,
    purchaser: Any,
    make_line: Callable[..., Any],
) -> Callable[[list[str]], Any]:
    """Post a round (real clock: quotes are judged by the database clock), let the first suppliers
    quote the given prices, bring its close into the past and close it."""
    clock_at(None)
    operator = make_user("emall_operator", unit="finance")
    for supplier in suppliers[:4]:
        _enter_with_listing(supplier, operator, small_catalogue, "3000")
    line = make_line("500000", year=clock.today().year)

    def run(prices: list[str]) -> Any:
        posted = emall.round_post(
            actor=purchaser,
            item=small_catalogue.items.get(code="A0401"),
            title="特困老人居家养老上门服务",
            quantity="20",
            measure_unit="户·月",
            service_region=Region.objects.get(pk="430100"),
            standard="每户每月上门8次，含助餐、助洁",
            ceiling="60000",
            budget_line=line,
            closes_at=clock.now() + timedelta(hours=25),
        )
        for supplier, price in zip(suppliers, prices, strict=False):
            emall.quote_submit(actor=supplier, bidding_round=posted, price=price)
        # then, before the close, nothing of the round is published
        assert not Release.objects.filter(ocid=builders.round_ocid(posted)).exists()
        now = clock.now()
        BiddingRound.objects.filter(pk=posted.pk).update(
            opens_at=now - timedelta(days=2), closes_at=now - timedelta(seconds=1)
        )
        return emall.round_close(actor=purchaser, bidding_round=posted)

    return run


def round_releases(bidding_round: Any) -> list[dict[str, Any]]:
    return [
        json.loads(payload)
        for payload in Release.objects.filter(ocid=builders.round_ocid(bidding_round))
        .order_by("position")
        .values_list("payload", flat=True)
    ]


def test_an_awarded_round_is_selective_with_the_count_and_the_winner_only(
    bidding: Callable[[list[str]], Any],
    suppliers: list[Any],
    purchaser: Any,
    client: Client,
    assert_valid: Callable[[str, Any], None],
) -> None:
    # given a round quoted by three suppliers (58,000, 52,500 and 55,000 元) and closed
    closed = bidding(["58000", "52500", "55000"])
    assert closed.status == "awarded"
    winner = suppliers[1].organization
    # then one release (award): selective 电子卖场竞价, 3 tenderers, the winner at its price
    (release,) = round_releases(closed)
    assert_valid("release", release)
    assert release["tag"] == ["award"]
    tender = release["tender"]
    assert (tender["procurementMethod"], tender["procurementMethodDetails"]) == ("selective", "电子卖场竞价")
    assert tender["status"] == "complete" and tender["numberOfTenderers"] == 3
    assert tender["value"] == {"amount": 60000, "currency": "CNY"}
    assert tender["awardCriteria"] == "priceOnly"
    (award,) = release["awards"]
    assert award["suppliers"] == [{"id": f"CN-USCI-{winner.uscc}", "name": winner.name}]
    assert award["value"] == {"amount": 52500, "currency": "CNY"}
    assert "contracts" not in release  # the winner has not confirmed its order yet
    # and no losing price, nor who else quoted
    payload = Release.objects.get(ocid=builders.round_ocid(closed)).payload
    assert "58000" not in payload and "55000" not in payload
    assert {p["id"] for p in release["parties"]} == {release["buyer"]["id"], f"CN-USCI-{winner.uscc}"}
    # when the winner confirms the order and it is paid, the same process carries the contract
    order = Order.objects.get(pk=closed.order_id)
    emall.order_confirm(actor=suppliers[1], order=order)
    emall.order_deliver(actor=suppliers[1], order=order, note=SECRETS[1])
    emall.order_accept(actor=purchaser, order=order, note=SECRETS[2])
    emall.order_pay(actor=purchaser, order=order, reference=SECRETS[3])
    published = round_releases(closed)
    assert [r["tag"] for r in published] == [
        ["award"],
        ["contract"],
        ["implementation"],
        ["implementation"],
        ["implementation"],
    ]
    for one in published:
        assert_valid("release", one)
    contract = published[-1]["contracts"][0]
    assert contract["status"] == "terminated" and contract["awardID"] == award["id"]
    assert contract["implementation"]["transactions"][0]["value"] == {"amount": 52500, "currency": "CNY"}
    assert not Release.objects.filter(ocid=builders.order_ocid(order)).exists()  # no second process
    # and its record package is valid
    record = client.get(f"/api/v1/opendata/records/{builders.round_ocid(closed)}").json()
    assert_valid("record-package", record)
    assert record["records"][0]["compiledRelease"]["tender"]["numberOfTenderers"] == 3


def test_a_failed_round_is_unsuccessful_with_its_next_steps(
    bidding: Callable[[list[str]], Any], assert_valid: Callable[[str, Any], None]
) -> None:
    # given a round with two quotes only (fewer than the minimum of three), closed
    closed = bidding(["50000", "51000"])
    assert closed.status == "failed"
    # then it is published unsuccessful, with the count, no award and the lawful next steps
    (release,) = round_releases(closed)
    assert_valid("release", release)
    assert release["tag"] == ["tenderCancellation"]
    assert release["tender"]["status"] == "unsuccessful"
    assert release["tender"]["numberOfTenderers"] == 2
    assert "awards" not in release
    (outcome,) = release["tender"]["documents"]
    assert outcome["documentType"] == "cancellationDetails" and "重新发起竞价" in outcome["description"]
    assert "50000" not in Release.objects.get(ocid=builders.round_ocid(closed)).payload


def test_the_opendata_page_documents_the_e_mall_mapping(client: Client) -> None:
    html = client.get("/opendata/").content.decode()
    assert "电子卖场映射" in html
    for code in ("DZMC-", "DZJJ-", "“电子卖场直购”", "“电子卖场竞价”", "selective", "tenderCancellation"):
        assert code in html, code
