"""The e-mall's demo data, built through the real services: an operator account, eight entered
suppliers with listings across the current catalogue's items (priced around the reference prices),
one listing flagged as a price outlier, and direct-purchase orders of the provincial civil-affairs
department in several states (placed, confirmed, declined, delivered, accepted, paid, rated),
two 竞价 rounds — one awarded (its order placed), one failed for too few quotes — and a 定点 call-off:
a framework agreement procured on an item the suppliers also entered for, and one order called off
it at a member's agreement price (`opengps.emall.demo_calloff`).

Quotes are judged by the database clock, which cannot be moved: as in the procurement demo, the
rounds are posted on an earlier moment with a close a few seconds ahead of the real clock, their
suppliers quote at once, and the loader waits for the close before opening them.
Loading twice changes nothing."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from opengps.accounts.demo import demo_account, demo_account_create
from opengps.accounts.models import Region, Role, User
from opengps.catalog.models import CatalogItem, PriceEntry
from opengps.catalog.selectors import current_version
from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.emall import demo_calloff, services
from opengps.emall.models import (
    BiddingRound,
    Listing,
    ListingStatus,
    Order,
    OrderKind,
    PriceFlag,
    SupplierEntry,
)
from opengps.evaluation.models import FrameworkShortlist
from opengps.planning import services as planning
from opengps.planning.models import BudgetLine, FundSource
from opengps.registry.models import Organization

logger = logging.getLogger(__name__)

SUPPLIERS = 8
ITEMS = 10
FACTORS = (Decimal("0.92"), Decimal("1.00"), Decimal("1.08"), Decimal("0.96"), Decimal("1.12"))
STATES = ("placed", "confirmed", "declined", "delivered", "accepted", "paid", "rated", "rated")
CLOSE_MARGIN = timedelta(seconds=4)
"""How far ahead of the real clock the demo rounds close: time for their quotes to arrive."""
QUOTE_FACTORS = (Decimal("0.90"), Decimal("0.94"), Decimal("0.97"), Decimal("0.99"))


def _operator(context: Any) -> User:
    user = demo_account(
        "emall_operator",
        Role.EMALL_OPERATOR,
        "邓敏（省政府采购电子卖场运营机构）",
        unit=context.units["hn_finance"],
    )
    context.users["emall_operator"] = user
    return user


def _member(org: Organization, n: int) -> User:
    user = org.members.filter(role=Role.SUPPLIER, is_active=True).first()
    if user is not None:
        return user
    return demo_account_create(
        f"emall_supplier{n}", Role.SUPPLIER, f"{org.name}（电子卖场）", organization=org
    )


def _price(item: CatalogItem, year: int) -> tuple[str, Decimal]:
    entry = PriceEntry.objects.filter(item=item, effective_year__lte=year).order_by("-effective_year").first()
    return (entry.unit_of_measure, entry.price) if entry is not None else ("项", Decimal("20000.00"))


def _listings(operator: User, sellers: list[User], items: list[CatalogItem], year: int) -> list[Listing]:
    province = Region.objects.get(pk="430000")
    listings = []
    for n, seller in enumerate(sellers):
        for k in range(3):
            item = items[(n + k * 3) % len(items)]
            unit, reference = _price(item, year)
            price = (reference * FACTORS[(n + k) % len(FACTORS)]).quantize(Decimal("0.01"))
            if n == 0 and k == 0:
                price = (reference * Decimal("1.8")).quantize(Decimal("0.01"))  # the price outlier
            terms = services.listing_terms(
                title=f"{item.name}（{seller.organization.name[:12] if seller.organization else ''}）",
                standard=f"按《{item.name}》服务规范提供服务，每月提交服务记录与满意度回访表",
                unit=unit,
                unit_price=price,
                regions=[province],
                response_days=3 + k,
                qualifications="持证社会工作者或养老护理员",
            )
            listing = services.listing_create(actor=seller, item=item, terms=terms)
            services.listing_submit(actor=seller, listing=listing)
            version = listing.versions.get()
            if not PriceFlag.objects.filter(version=version).exists():
                services.listing_review(actor=operator, version=version, approve=True)
            listings.append(listing)
    return listings


def _orders(context: Any, listings: list[Listing]) -> None:
    staff, finance = context.users["purchaser"], context.users["finance"]
    year = clock.today().year
    line = planning.budget_line_create(
        actor=staff,
        unit=staff.unit,
        fiscal_year=year,
        code=f"DEMO-EMALL-{year}",
        name="电子卖场小额服务采购",
        fund_source=FundSource.GENERAL,
        amount="600000",
    )
    line = planning.budget_line_approve(
        actor=finance, line=planning.budget_line_submit(actor=staff, line=line)
    )
    live = list(
        Listing.objects.filter(pk__in=[x.pk for x in listings], status=ListingStatus.LIVE).order_by("pk")
    )
    changsha = Region.objects.get(pk="430100")
    for n, state in enumerate(STATES):
        listing = live[n % len(live)]
        price = listing.live_version.unit_price if listing.live_version else Decimal(1)
        quantity = max(1, min(2 + n, int(Decimal(40000) / price)))  # well within the direct-purchase limit
        order = services.order_place(
            actor=staff, listing=listing, budget_line=line, quantity=str(quantity), service_region=changsha
        )
        seller = User.objects.filter(role=Role.SUPPLIER, organization=listing.organization_id).first()
        if state == "placed" or seller is None:
            continue
        if state == "declined":
            services.order_decline(actor=seller, order=order, reason="该时段服务人员已排满")
            continue
        services.order_confirm(actor=seller, order=order)
        steps = STATES.index(state)
        if steps >= STATES.index("delivered"):
            services.order_deliver(actor=seller, order=order, note="已按服务标准完成，附服务记录")
        if steps >= STATES.index("accepted"):
            services.order_accept(actor=staff, order=order, note="抽查服务对象满意，验收合格")
        if steps >= STATES.index("paid"):
            services.order_pay(actor=staff, order=order, reference=f"ZF-{year}-{n + 1:04d}")
        if steps >= STATES.index("rated"):
            services.order_rate(actor=staff, order=order, stars=5 - n % 2, comment="响应及时，服务规范")


def _line(context: Any, code: str, amount: str, name: str = "电子卖场竞价采购") -> BudgetLine:
    staff, finance = context.users["purchaser"], context.users["finance"]
    line = planning.budget_line_create(
        actor=staff,
        unit=staff.unit,
        fiscal_year=clock.today().year,
        code=code,
        name=name,
        fund_source=FundSource.GENERAL,
        amount=amount,
    )
    return planning.budget_line_approve(
        actor=finance, line=planning.budget_line_submit(actor=staff, line=line)
    )


def _rounds(context: Any, listings: list[Listing]) -> None:
    """Two rounds on the catalogue items most suppliers list: four quotes (awarded) and two (failed)."""
    staff = context.users["purchaser"]
    sellers: dict[int, list[Listing]] = defaultdict(list)
    for listing in Listing.objects.filter(pk__in=[x.pk for x in listings], status=ListingStatus.LIVE):
        sellers[listing.item_id].append(listing)
    ranked = sorted(sellers.values(), key=lambda group: (-len(group), group[0].item_id))
    if len(ranked) < 2 or len(ranked[0]) < 3:
        logger.warning("emall demo rounds: too few suppliers list one item")
        return
    line = _line(context, f"DEMO-EMALL-JJ-{clock.today().year}", "300000")
    changsha = Region.objects.get(pk="430100")
    closes = clock.now() + CLOSE_MARGIN
    posted = closes - timedelta(days=2)
    rounds = []
    for group, quoters in ((ranked[0], 4), (ranked[1], 2)):
        top = max(x.live_version.unit_price for x in group if x.live_version is not None)
        quantity = max(1, min(12, int(Decimal(60000) / top)))
        item = group[0].item
        bidding_round = services.round_post(
            actor=staff,
            item=item,
            title=f"{item.name}（竞价采购）",
            quantity=str(quantity),
            measure_unit=group[0].live_version.unit if group[0].live_version else "项",
            service_region=changsha,
            standard=f"按《{item.name}》服务规范提供服务，每月提交服务记录与满意度回访表",
            ceiling=(top * quantity).quantize(Decimal("0.01")),
            budget_line=line,
            closes_at=closes,
            opens_at=posted,
            now=posted,
        )
        for n, listing in enumerate(group[:quoters]):
            seller = User.objects.filter(role=Role.SUPPLIER, organization=listing.organization_id).first()
            if seller is None or listing.live_version is None:
                continue
            price = listing.live_version.unit_price * quantity * QUOTE_FACTORS[n % len(QUOTE_FACTORS)]
            services.quote_submit(
                actor=seller, bidding_round=bidding_round, price=price.quantize(Decimal("0.01"))
            )
        rounds.append(bidding_round)
    remaining = (closes - clock.now()).total_seconds()
    if remaining > 0:
        time.sleep(remaining + 0.2)
    services.round_close(actor=staff, bidding_round=rounds[0])
    services.rounds_close_due()  # the second, by the scheduled task


def _call_off(context: Any, operator: User, sellers: list[User]) -> None:
    """The 定点 call-off (`demo_calloff`): the framework agreement planned on a line of its own, and
    its order on another; a refusal undoes the whole agreement (nothing half-built is left)."""
    year = clock.today().year
    try:
        with transaction.atomic():
            plan_line = _line(context, f"DEMO-EMALL-KJ-{year}", "1000000", "框架协议采购（电子卖场定点）")
            order_line = _line(context, f"DEMO-EMALL-DD-{year}", "200000", "电子卖场定点采购")
            demo_calloff.load(context, operator, sellers, plan_line=plan_line, order_line=order_line)
    except ServiceError as exc:
        logger.warning("emall demo call-off: %s %s", exc.code, exc.text())


def _note(context: Any) -> None:
    """Where to see the 定点 call-off: its agreement's shortlist and the order (printed by `opengps demo`)."""
    order = Order.objects.filter(kind=OrderKind.FRAMEWORK).order_by("pk").first()
    shortlist = FrameworkShortlist.objects.filter(announced_at__isnull=False).order_by("pk").first()
    if order is None or shortlist is None:
        return
    context.notes.append(
        f"电子卖场定点 / e-mall call-off: 框架协议 / framework agreement "
        f"{shortlist.evaluation.procurement.reference}（入围 {shortlist.members.count()} 家 / members, "
        f"/portal/shortlist/{shortlist.pk}/）→ 定点订单 / call-off order {order.reference} "
        f"(purchaser: /emall/call-offs/, /emall/orders/{order.pk}/)"
    )


def _count(context: Any) -> None:
    agreements = FrameworkShortlist.objects.filter(announced_at__isnull=False)
    context.counts.update(
        {
            "emall_suppliers": SupplierEntry.objects.count(),
            "emall_listings": Listing.objects.count(),
            "emall_orders": Order.objects.count(),
            "framework_agreements": agreements.values("evaluation__procurement").distinct().count(),
            "emall_call_offs": Order.objects.filter(kind=OrderKind.FRAMEWORK).count(),
            "emall_price_flags": PriceFlag.objects.count(),
            "emall_rounds": BiddingRound.objects.count(),
            # planning counted its lines before the e-mall added its own
            "budget_lines": BudgetLine.objects.count(),
        }
    )


def load(context: Any) -> None:
    operator = _operator(context)
    version = current_version()
    if version is None or Listing.objects.exists():
        _count(context)
        _note(context)
        return
    items = list(version.items.filter(level=3, kind="item", retired=False).order_by("code")[:ITEMS])
    # the suppliers also enter for the framework agreement's item, which its members sell
    framework = demo_calloff.framework_item()
    entered = items + ([framework] if framework is not None and framework not in items else [])
    orgs = list(Organization.objects.filter(eligible=True, status="normal").order_by("pk")[: SUPPLIERS * 3])
    sellers: list[User] = []
    for org in orgs:
        if len(sellers) == SUPPLIERS:
            break
        seller = _member(org, len(sellers) + 1)
        try:
            entry = services.entry_apply(
                actor=seller,
                items=entered,
                contact_person=org.contact_person or "联系人",
                contact_phone=org.contact_phone or "0731-88886666",
                statement="申请入驻湖南省政府采购电子卖场",
            )
            services.entry_decide(actor=operator, entry=entry, approve=True, note="资格审查通过")
        except ServiceError as exc:
            logger.warning("emall demo: %s skipped: %s", org.name, exc.text())
            continue
        sellers.append(seller)
    if sellers and items:
        listings = _listings(operator, sellers, items, clock.today().year)
        try:
            _orders(context, listings)
        except ServiceError as exc:
            logger.warning("emall demo orders: %s %s", exc.code, exc.text())
        try:
            _rounds(context, listings)
        except ServiceError as exc:
            logger.warning("emall demo rounds: %s %s", exc.code, exc.text())
        _call_off(context, operator, sellers)
    _count(context)
    _note(context)
