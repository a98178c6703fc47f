"""The e-mall through its services: entry → listing → direct purchase → confirmed → delivered →
accepted → paid → rated, and each refusal with the rule it cites."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from opengps.accounts.models import Region
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.demo.world import TODAY
from opengps.emall import services
from opengps.emall.models import (
    EntryStatus,
    FlagStatus,
    ListingStatus,
    Order,
    OrderStatus,
    PriceFlag,
    VersionStatus,
)
from opengps.emall.tests.conftest import enter, terms
from opengps.registry.services import credit_list

pytestmark = pytest.mark.django_db

CS = "430100"


def place(purchaser: Any, listing: Any, line: Any, quantity: str = "12", region: str = CS) -> Order:
    return services.order_place(
        actor=purchaser,
        listing=listing,
        budget_line=line,
        quantity=quantity,
        service_region=Region.objects.get(pk=region),
        note="岳麓区特困老人",
    )


def actions(obj: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_direct_purchase_from_entry_to_rating(
    purchaser: Any,
    supplier: Any,
    operator: Any,
    make_listing: Callable[..., Any],
    make_line: Callable[..., Any],
) -> None:
    # given an entered supplier with a live listing and an approved budget line
    listing = make_listing("300")
    line = make_line("500000")
    assert listing.status == ListingStatus.LIVE
    assert listing.live_version.status == VersionStatus.APPROVED
    # when the purchaser buys 12 户·月 and the order runs its course
    order = place(purchaser, listing, line)
    assert order.amount == Decimal("3600.00")
    assert services.budget_room(line) == Decimal("496400.00")
    services.order_confirm(actor=supplier, order=order)
    services.order_deliver(actor=supplier, order=order, note="已完成12户·月上门服务")
    services.order_accept(actor=purchaser, order=order, note="服务记录齐全，验收合格")
    services.order_pay(actor=purchaser, order=order, reference="HN-ZF-2026-0001")
    services.order_rate(actor=purchaser, order=order, stars=5, comment="服务及时")
    # then it is rated, paid within the term, and its timeline tells each step
    order.refresh_from_db()
    assert order.status == OrderStatus.RATED
    assert order.rating == 5
    assert order.payment_due == TODAY + timedelta(days=30)
    assert order.version == listing.live_version
    assert actions(order) == [
        "emall_order.placed",
        "emall_order.confirmed",
        "emall_order.delivered",
        "emall_order.accepted",
        "emall_order.paid",
        "emall_order.rated",
    ]
    placed = AuditEvent.objects.get(action="emall_order.placed", object_id=str(order.pk))
    assert placed.new_values["budget_line"] == line.code
    assert actions(listing) == ["emall_listing.created", "emall_listing.submitted", "emall_listing.approved"]


def test_a_price_change_is_a_new_version_and_orders_keep_theirs(
    purchaser: Any,
    supplier: Any,
    operator: Any,
    make_listing: Callable[..., Any],
    make_line: Callable[..., Any],
) -> None:
    listing = make_listing("300")
    line = make_line()
    first = place(purchaser, listing, line, quantity="2")
    version = services.listing_version_create(actor=supplier, listing=listing, terms=terms("320"))
    # the live terms stay until the operator approves the new ones
    listing.refresh_from_db()
    assert listing.live_version.unit_price == Decimal("300.00")
    with pytest.raises(Conflict) as pending:
        services.listing_version_create(actor=supplier, listing=listing, terms=terms("330"))
    assert pending.value.code == "emall.version_pending"
    services.listing_review(actor=operator, version=version, approve=True)
    listing.refresh_from_db()
    assert listing.live_version == version
    second = place(purchaser, listing, line, quantity="2")
    assert (first.unit_price, second.unit_price) == (Decimal("300.00"), Decimal("320.00"))
    first.refresh_from_db()
    first.version.refresh_from_db()
    assert first.version.number == 1 and first.version.status == VersionStatus.SUPERSEDED
    assert second.version.number == 2


def test_outlier_price_flagged_for_the_operator(
    supplier: Any, operator: Any, make_listing: Callable[..., Any]
) -> None:
    # the catalogue's reference price of A0401 per 户·月 is 300; 400 is above 1.3×
    listing = make_listing("400", live=False)
    flag = PriceFlag.objects.get(version__listing=listing)
    assert flag.code == "emall.price_above_reference"
    assert "湘财购〔2019〕27号" in flag.citation
    services.flag_decide(actor=operator, flag=flag, uphold=False, note="含上门交通费，价格合理")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED
    with pytest.raises(ServiceError) as no_note:
        services.flag_decide(actor=operator, flag=flag, uphold=True, note="")
    assert no_note.value.field == "note"


def test_upheld_flag_suspends_the_live_listing(operator: Any, make_listing: Callable[..., Any]) -> None:
    make_listing("300")
    listing = make_listing("100")  # below 0.5× the reference price
    flag = PriceFlag.objects.get(version__listing=listing)
    assert flag.code == "emall.price_below_reference"
    services.flag_decide(actor=operator, flag=flag, uphold=True, note="低于成本，疑似不能保证服务质量")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUSPENDED


# --- refusals, each with its rule ---------------------------------------------------------------------


def test_over_the_category_ceiling(
    purchaser: Any, make_listing: Callable[..., Any], make_line: Callable[..., Any]
) -> None:
    listing = make_listing("300")
    with pytest.raises(ServiceError) as caught:
        place(purchaser, listing, make_line("2000000"), quantity="3000")  # 90万 ≥ services 80万
    assert caught.value.code == "emall.over_ceiling"
    assert caught.value.field == "quantity"
    assert "第0258号建议的答复" in caught.value.params["citation"]
    assert "政府采购法 第二条" in caught.value.params["citation"]


def test_over_the_direct_purchase_limit(
    purchaser: Any, make_listing: Callable[..., Any], make_line: Callable[..., Any]
) -> None:
    listing = make_listing("300")
    with pytest.raises(ServiceError) as caught:
        place(purchaser, listing, make_line(), quantity="400")  # 12万 > 10万 [U]
    assert caught.value.code == "emall.over_direct_limit"
    assert "[U]" in caught.value.params["citation"]


def test_no_budget_room(
    purchaser: Any, make_listing: Callable[..., Any], make_line: Callable[..., Any]
) -> None:
    listing = make_listing("300")
    line = make_line("5000")
    place(purchaser, listing, line, quantity="10")
    with pytest.raises(ServiceError) as caught:
        place(purchaser, listing, line, quantity="10")  # 3000 + 3000 > 5000
    assert caught.value.code == "emall.budget_insufficient"
    assert caught.value.field == "budget_line"
    assert "先有预算" in caught.value.text() or "第二十一条" in caught.value.params["citation"]
    assert Order.objects.filter(budget_line=line).count() == 1


def test_unapproved_or_other_unit_budget_line(
    purchaser: Any,
    make_user: Callable[..., Any],
    make_listing: Callable[..., Any],
    make_line: Callable[..., Any],
) -> None:
    listing = make_listing("300")
    with pytest.raises(ServiceError) as draft:
        place(purchaser, listing, make_line("5000", approve=False), quantity="1")
    assert draft.value.code == "emall.budget_not_approved"
    other = make_user("purchaser", unit="cs_civil")
    with pytest.raises(ServiceError) as foreign:
        place(other, listing, make_line("5000"), quantity="1")
    assert foreign.value.code == "emall.budget_other_unit"


def test_split_purchase(
    purchaser: Any,
    supplier: Any,
    make_user: Callable[..., Any],
    make_org: Callable[..., Any],
    operator: Any,
    small_catalogue: Any,
    make_listing: Callable[..., Any],
    make_line: Callable[..., Any],
) -> None:
    # orders of one item by one unit this year reaching 80万 are a split purchase (IR §28)
    line = make_line("2000000")
    listings = []
    for _n in range(9):
        member = make_user("supplier", unit=None, organization=make_org())
        enter(member, operator, small_catalogue)
        listings.append(make_listing("9000", by=member, unit="项"))
    for listing in listings[:8]:
        place(purchaser, listing, line, quantity="10")  # 8 × 9万 = 72万
    with pytest.raises(ServiceError) as caught:
        place(purchaser, listings[8], line, quantity="10")  # 81万 ≥ 80万
    assert caught.value.code == "emall.split_purchase"
    assert caught.value.params["citation"].startswith("政府采购法实施条例 第二十八条")
    # another item is counted on its own
    other = make_listing("9000", item="B0201", unit="项")
    assert place(purchaser, other, line, quantity="10").amount == Decimal("90000.00")


def test_negative_list_item_never_bought(
    supplier: Any, operator: Any, small_catalogue: Any, entered: Any
) -> None:
    negative = small_catalogue.items.get(code="N05")
    with pytest.raises(ServiceError) as at_entry:
        services.entry_apply(actor=supplier, items=[negative], contact_person="张伟", contact_phone="1")
    assert at_entry.value.code == "emall.item_not_purchasable"
    with pytest.raises(ServiceError) as caught:
        services.listing_create(actor=supplier, item=negative, terms=terms())
    assert caught.value.code in {"emall.negative_list", "emall.item_not_entered"}


def test_negative_list_refused_at_order(
    purchaser: Any, finance: Any, make_listing: Callable[..., Any], make_line: Callable[..., Any]
) -> None:
    # given a live listing whose item the catalogue in force has since put on the negative list
    from opengps.catalog.models import ItemKind
    from opengps.catalog.services import CatalogueContent
    from opengps.demo.world import SMALL_CATALOGUE, catalogue_publish

    listing = make_listing("300")
    rows = tuple(
        replace(r, kind=ItemKind.NEGATIVE) if r.code == "A0401" else r for r in SMALL_CATALOGUE.items
    )
    catalogue_publish(finance, content=CatalogueContent(items=rows, prices=()), year=2027, title="2027年目录")
    with pytest.raises(ServiceError) as caught:
        place(purchaser, listing, make_line(), quantity="1")
    assert caught.value.code == "emall.negative_list"
    assert caught.value.params["citation"] == "政府购买服务管理办法（财政部令第102号）第十条"


def test_blacklisted_supplier(
    purchaser: Any, registrar: Any, org: Any, make_listing: Callable[..., Any], make_line: Callable[..., Any]
) -> None:
    listing = make_listing("300")
    credit_list(
        actor=registrar,
        organization=org,
        kind="serious",
        reason="以虚假材料骗取登记",
        decision_document="湘民罚〔2026〕1号",
        listed_on=TODAY - timedelta(days=1),
    )
    with pytest.raises(ServiceError) as caught:
        place(purchaser, listing, make_line(), quantity="1")
    assert caught.value.code == "emall.supplier_ineligible"
    assert "严重违法失信" in caught.value.text()
    assert caught.value.params["citation"]


def test_blacklisted_organization_cannot_enter(
    make_user: Callable[..., Any], make_org: Callable[..., Any], registrar: Any, small_catalogue: Any
) -> None:
    org = make_org()
    member = make_user("supplier", unit=None, organization=org)
    credit_list(
        actor=registrar,
        organization=org,
        kind="serious",
        reason="违法",
        decision_document="湘民罚〔2026〕2号",
        listed_on=TODAY - timedelta(days=1),
    )
    with pytest.raises(ServiceError) as caught:
        services.entry_apply(
            actor=member,
            items=[small_catalogue.items.get(code="A0401")],
            contact_person="a",
            contact_phone="1",
        )
    assert caught.value.code == "emall.not_eligible"


def test_rating_required_where_the_item_requires_it(
    supplier: Any, operator: Any, small_catalogue: Any
) -> None:
    services.item_requirement_set(actor=operator, item_code="B0201", min_rating=3)
    with pytest.raises(ServiceError) as caught:
        services.entry_apply(
            actor=supplier,
            items=[small_catalogue.items.get(code="B0201")],
            contact_person="a",
            contact_phone="1",
        )
    assert caught.value.code == "emall.rating_required"
    assert caught.value.params["min"] == 3


def test_region_not_served(
    purchaser: Any, make_listing: Callable[..., Any], make_line: Callable[..., Any]
) -> None:
    listing = make_listing("300", regions=["430200"])  # 株洲 only
    with pytest.raises(ServiceError) as caught:
        place(purchaser, listing, make_line(), quantity="1", region=CS)
    assert caught.value.code == "emall.region_not_served"
    assert place(purchaser, listing, make_line(), quantity="1", region="430200").status == OrderStatus.PLACED


def test_order_lapses_after_the_window(
    purchaser: Any,
    supplier: Any,
    clock_at: Callable[..., Any],
    make_listing: Callable[..., Any],
    make_line: Callable[..., Any],
) -> None:
    listing = make_listing("300")
    line = make_line("5000")
    order = place(purchaser, listing, line, quantity="10")
    # past 72 hours the order holds no budget, even before anything records the lapse
    clock_at(TODAY + timedelta(days=4))
    assert services.budget_room(line) == Decimal("5000.00")
    with pytest.raises(Conflict) as caught:
        services.order_confirm(actor=supplier, order=order)
    assert caught.value.code == "emall.order_lapsed"
    order.refresh_from_db()
    assert order.status == OrderStatus.LAPSED
    assert services.orders_lapse_due() == 0


def test_who_may_act(
    purchaser: Any,
    supplier: Any,
    finance: Any,
    operator: Any,
    make_user: Callable[..., Any],
    make_listing: Callable[..., Any],
    make_line: Callable[..., Any],
) -> None:
    listing = make_listing("300")
    order = place(purchaser, listing, make_line(), quantity="1")
    with pytest.raises(PermissionDenied):
        services.order_confirm(actor=purchaser, order=order)
    with pytest.raises(PermissionDenied):
        services.order_accept(actor=supplier, order=order, note="x")
    # the finance department acts for the operator only where no operator account exists
    assert services.is_operator(operator) and not services.is_operator(finance)
    with pytest.raises(PermissionDenied):
        services.listing_suspend(actor=finance, listing=listing, reason="x")
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    assert services.is_operator(finance)
    services.listing_suspend(actor=finance, listing=listing, reason="投诉核查")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUSPENDED
    with pytest.raises(ServiceError) as not_live:
        place(purchaser, listing, make_line(), quantity="1")
    assert not_live.value.code == "emall.listing_not_live"


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "1.234", "NaN", "Infinity", "1e20", ""])
def test_bad_quantities(
    purchaser: Any, make_listing: Callable[..., Any], make_line: Callable[..., Any], quantity: str
) -> None:
    listing = make_listing("300")
    with pytest.raises(ServiceError) as caught:
        place(purchaser, listing, make_line(), quantity=quantity)
    assert caught.value.code == "emall.quantity_invalid"
    assert caught.value.field == "quantity"


def test_entry_refused_then_reapplied(supplier: Any, operator: Any, small_catalogue: Any) -> None:
    item = small_catalogue.items.get(code="A0401")
    entry = services.entry_apply(actor=supplier, items=[item], contact_person="张伟", contact_phone="1")
    with pytest.raises(ServiceError) as no_reason:
        services.entry_decide(actor=operator, entry=entry, approve=False)
    assert no_reason.value.code == "emall.note_required"
    services.entry_decide(actor=operator, entry=entry, approve=False, note="材料不全")
    with pytest.raises(Conflict):
        services.entry_decide(actor=operator, entry=entry, approve=True)
    again = services.entry_apply(actor=supplier, items=[item], contact_person="张伟", contact_phone="1")
    assert again.status == EntryStatus.PENDING
    services.entry_decide(actor=operator, entry=again, approve=True)
    services.entry_suspend(actor=operator, entry=again, reason="暂停")
    again.refresh_from_db()
    assert again.status == EntryStatus.SUSPENDED
    with pytest.raises(PermissionDenied) as suspended:
        services.listing_create(actor=supplier, item=item, terms=terms())
    assert suspended.value.code == "emall.not_entered"
    services.entry_reinstate(actor=operator, entry=again)
    assert actions(again) == [
        "emall_entry.applied",
        "emall_entry.refused",
        "emall_entry.applied",
        "emall_entry.approved",
        "emall_entry.suspended",
        "emall_entry.reinstated",
    ]
