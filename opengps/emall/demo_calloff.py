"""The e-mall demo's 定点 call-off: a framework agreement (框架协议, O110) on one of the e-mall's
catalogue items, procured through the real services, and one order called off from it in the e-mall.

`opengps.emall.demo.load` calls `load` after its 竞价 rounds, with its entered suppliers (who entered
for `framework_item()` too) and two budget lines of the purchaser's. The agreement is procured as
the procurement demo procures (`opengps.procurement.demo`): its own approved plan (method 框架协议采购:
services to recipients outside the buyer from two or more suppliers, the year's budget above the
procurement limit standard, O110 §3(3)) on the first 养老服务 item — the category the expert database
covers, so that the committee is drawn as the evaluation demo draws a tender's (by the item's
category) — with one lot at the highest unit price (最高限制单价, O110 §13: the item's reference price
and a fifth), announced on a simulated earlier day with a deadline a few seconds ahead of the real
clock (bids are judged by the database clock); five of the e-mall's suppliers bid at once and the
loader waits for the deadline before opening them. A committee of five drawn from the expert
database reviews the bids' conformity and confirms its report: price-first ranks the responsive
ones and eliminates at least a fifth of them (O110 §25, §27); the shortlist is announced (its
入围结果公告 is public on the portal) and the purchaser rates the committee's conduct, as the
performance demo rates the tenders' committees. The first-ranked member sells the item through its
live listing (listed at the catalogue's reference price when it has none), and the purchaser orders
four units from it at its agreement price (`services.order_call_off`, directly chosen, O110 §32);
that order is the call-off's contract (O110 §11(9)), so no call-off contract is waiting to be made.
Every date is relative to today on the one clock, so the demo loads on any date; the e-mall demo
runs once, so loading twice changes nothing."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from opengps.accounts.demo import demo_account
from opengps.accounts.models import Region, Role, User
from opengps.catalog.models import CatalogItem, PriceEntry
from opengps.catalog.selectors import current_version
from opengps.core import clock
from opengps.emall import services
from opengps.emall.models import Listing, ListingStatus, Order, PriceFlag
from opengps.evaluation import services as evaluation_services
from opengps.evaluation.models import Evaluation, FrameworkShortlist
from opengps.experts.facts import bidders_from_organizations
from opengps.experts.models import Draw, Expert, MemberStatus
from opengps.experts.services import draw_create, draw_member_respond, expert_update
from opengps.performance import demo as performance_demo
from opengps.planning.models import BudgetLine
from opengps.procurement import services as procurement_services
from opengps.procurement.demo import Spec, _Loader
from opengps.procurement.models import BidReadout, Procurement

logger = logging.getLogger(__name__)

BIDDERS = 5
COMMITTEE = 5
CATEGORY = "A04"
"""养老服务: the agreement's item is the first of this category, which the expert database covers."""
AGREEMENT_ESTIMATE = "900000"
"""The agreement's purchases in the year (the plan's amount): above the procurement limit standard,
as O110 §3(3) requires."""
CEILING_FACTOR = Decimal("1.20")
"""The first stage's highest unit price (最高限制单价, O110 §13), the one lot's budget: the item's
reference price and a fifth; each bid is a supplier's agreement price (协议价格) for one unit."""
CALL_OFF_QUANTITY = "4"
CALL_OFF_NOTE = "按框架协议直接选定入围供应商，协议价格下单"


def framework_item() -> CatalogItem | None:
    """The catalogue item the demo's agreement covers (its suppliers must be entered for it)."""
    version = current_version()
    if version is None:
        return None
    items = version.items.filter(level=3, kind="item", retired=False, code__startswith=CATEGORY)
    return items.order_by("code").first()


def _reference(item: CatalogItem) -> tuple[str, Decimal]:
    """The item's unit and reference price in force (the catalogue's), or a project at 20,000."""
    year = clock.today().year
    entry = PriceEntry.objects.filter(item=item, effective_year__lte=year).order_by("-effective_year").first()
    return (entry.unit_of_measure, entry.price) if entry is not None else ("项", Decimal("20000.00"))


def _spec(item: CatalogItem, budget: str) -> Spec:
    return Spec(
        "emall_framework",
        "hn",
        f"{item.name}框架协议采购（电子卖场定点）",
        item.code,
        "framework_agreement",
        (("协议单价", budget),),
        "awarded",
        facts=("recipients_outside_buyer_multiple_suppliers_needed",),
        bidders=tuple(range(BIDDERS)),
        category=item.code[:3],
    )


def _expert_user(users: dict[str, User], expert: Expert) -> User:
    """The expert's login: the one it has, or a demo account the finance department links to it."""
    if expert.user is None:
        user = demo_account(f"expert_{expert.pk:03d}", Role.EXPERT, f"{expert.name}（评审专家）")
        expert = expert_update(actor=users["finance"], expert=expert, user=user)
    assert expert.user is not None
    return expert.user


def _committee(users: dict[str, User], procurement: Procurement, category: str) -> Draw:
    """Five experts drawn at random from the expert database, each accepting (as for a tender)."""
    staff = users["purchaser"]
    orgs = {
        r.organization_id: r.organization for r in BidReadout.objects.filter(opening__procurement=procurement)
    }
    draw = draw_create(
        actor=staff,
        procurement_ref=procurement.reference,
        title=procurement.title,
        purchaser_unit=procurement.purchaser,
        category=category,
        method=procurement.method,
        budget=procurement.budget,
        needed=COMMITTEE,
        bidders=bidders_from_organizations(list(orgs.values())),
    )
    for member in draw.members.order_by("order"):
        draw_member_respond(actor=staff, member=member, accept=True, no_conflict_confirmed=True)
    for member in draw.members.filter(status=MemberStatus.ACCEPTED).select_related("expert__user"):
        _expert_user(users, member.expert)
    return draw


def _first_stage(users: dict[str, User], procurement: Procurement, category: str) -> Evaluation:
    """The committee reviews every bid's conformity and confirms its report: the shortlist is recorded."""
    staff = users["purchaser"]
    draw = _committee(users, procurement, category)
    evaluation = evaluation_services.evaluation_start(actor=staff, procurement=procurement, draw=draw)
    members = [m.user for m in evaluation.members.select_related("user").order_by("pk")]
    for member in members:
        evaluation_services.member_confirm_no_conflict(actor=member, evaluation=evaluation, no_conflict=True)
    for readout in evaluation_services.qualified_readouts(evaluation):
        evaluation_services.review_record(
            actor=members[0],
            evaluation=evaluation,
            readout=readout,
            kind="conformity",
            requirement="服务内容、服务标准满足采购需求",
            passed=True,
        )
    evaluation_services.evaluation_report_build(actor=members[0], evaluation=evaluation)
    for member in members:
        evaluation_services.evaluation_report_confirm(actor=member, evaluation=evaluation)
    evaluation_services.framework_shortlist_announce(actor=staff, procurement=procurement)
    evaluation.refresh_from_db()
    return evaluation


def agreement(
    context: Any, sellers: list[User], item: CatalogItem, line: BudgetLine
) -> FrameworkShortlist | None:
    """The framework agreement on `item` (planned on `line`) with the first five `sellers` bidding,
    up to its announced shortlist; None when there are too few sellers or officials are missing."""
    users = context.users
    if len(sellers) < BIDDERS or any(k not in users for k in ("purchaser", "head", "finance")):
        logger.warning("emall demo call-off: too few suppliers or officials for a framework agreement")
        return None
    ceiling = (_reference(item)[1] * CEILING_FACTOR).quantize(Decimal("1"))
    spec = _spec(item, str(ceiling))
    loader = _Loader(
        context=context,
        today=clock.today(),
        staff={"hn": users["purchaser"]},
        heads={"hn": users["head"]},
        finance={"hn": users["finance"]},
        lines={"hn": line},
        pool=sellers[:BIDDERS],
    )
    plan = loader.plan(_spec(item, AGREEMENT_ESTIMATE), {item.code: item})
    procurement = loader.create(spec, plan)
    procurement = procurement_services.framework_terms_set(actor=users["purchaser"], procurement=procurement)
    procurement = loader.run_to_deadline(spec, procurement)
    loader.wait_for_deadlines()
    procurement_services.procurement_open(actor=users["purchaser"], procurement=procurement)
    procurement.refresh_from_db()
    evaluation = _first_stage(users, procurement, spec.category)
    performance_demo.conduct_rate(context)
    return FrameworkShortlist.objects.filter(evaluation=evaluation).first()


def _member_listing(operator: User, member_user: User, item: CatalogItem) -> Listing | None:
    """The member's live listing of the item; listed at the catalogue's reference price (reviewed by
    the operator) when it has none; None when the listing is held as a price outlier."""
    listing = Listing.objects.filter(
        organization=member_user.organization_id, item=item, status=ListingStatus.LIVE
    ).first()
    if listing is not None:
        return listing
    unit, price = _reference(item)
    terms = services.listing_terms(
        title=f"{item.name}（框架协议入围供应商）",
        standard=f"按《{item.name}》服务规范提供服务，每月提交服务记录与满意度回访表",
        unit=unit,
        unit_price=price,
        regions=[Region.objects.get(pk="430000")],
        response_days=3,
        qualifications="持证社会工作者或养老护理员",
    )
    listing = services.listing_create(actor=member_user, item=item, terms=terms)
    services.listing_submit(actor=member_user, listing=listing)
    submitted = listing.versions.get()
    if PriceFlag.objects.filter(version=submitted).exists():
        return None
    services.listing_review(actor=operator, version=submitted, approve=True)
    listing.refresh_from_db()
    return listing


def call_off(context: Any, operator: User, shortlist: FrameworkShortlist, line: BudgetLine) -> Order | None:
    """One order called off from the first-ranked member with a live listing of the agreement's item."""
    item = shortlist.evaluation.procurement.plan.project.items.get()
    for member in shortlist.members.order_by("rank"):
        seller = User.objects.filter(role=Role.SUPPLIER, organization=member.organization_id).first()
        if seller is None:
            continue
        listing = _member_listing(operator, seller, item)
        if listing is None:
            continue
        return services.order_call_off(
            actor=context.users["purchaser"],
            shortlist=shortlist,
            listing=listing,
            budget_line=line,
            quantity=CALL_OFF_QUANTITY,
            service_region=Region.objects.get(pk="430100"),
            note=CALL_OFF_NOTE,
        )
    logger.warning("emall demo call-off: no shortlisted member sells %s in the e-mall", item.code)
    return None


def load(
    context: Any, operator: User, sellers: list[User], *, plan_line: BudgetLine, order_line: BudgetLine
) -> Order | None:
    """The agreement (planned on `plan_line`) on `framework_item()`, which the `sellers` entered the
    e-mall for, and one call-off from it (on `order_line`)."""
    item = framework_item()
    if item is None:
        return None
    shortlist = agreement(context, sellers, item, plan_line)
    if shortlist is None:
        return None
    return call_off(context, operator, shortlist, order_line)
