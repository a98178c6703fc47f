"""Each method from an approved plan to the announced award, through the real services and the API.

The procurement side runs on the services (announced on an earlier day, opened a minute after
the deadline, like the procurement scenarios); the expert draw on the experts services; the
evaluation and award over the HTTP API as the purchaser and each expert would. Every test asserts
the procurement's audit timeline from creation to the award, and who won.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from opengps.core.models import AuditEvent
from opengps.demo.world import announce_times, bid_files
from opengps.evaluation.models import Award, DepositReturn
from opengps.experts.facts import bidders_from_organizations
from opengps.experts.services import draw_create, draw_member_respond
from opengps.procurement import services
from opengps.procurement.models import BidReadout, Notification, Procurement, ProcurementStatus

pytestmark = pytest.mark.django_db

OPENING = [
    "procurement.key_unwrapped",
    "procurement.documents_register_disclosed",
    "procurement.opened",
]


def timeline(procurement: Procurement) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="procurement.procurement", object_id=str(procurement.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(user: Any, url: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    response = _client(user).post(f"/api/v1/evaluation/{url}", data or {}, content_type="application/json")
    assert response.status_code in {200, 201}, response.content
    result: dict[str, Any] = response.json()
    return result


def _bid_and_open(
    purchaser: Any, procurement: Procurement, bids: list[tuple[Any, str]], **announce: Any
) -> Procurement:
    issued, deadline = announce_times()
    procurement = services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued, **announce
    )
    lot = procurement.lots.get(number=1)
    for user, price in bids:
        services.documents_obtain(actor=user, procurement=procurement)
        services.bid_submit(actor=user, lot=lot, price_total=price, files=bid_files())
    procurement.refresh_from_db()
    assert procurement.bid_deadline is not None
    services.procurement_open(
        actor=purchaser, procurement=procurement, now=procurement.bid_deadline + timedelta(minutes=1)
    )
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.OPENED
    return procurement


def _committee(
    purchaser: Any,
    procurement: Procurement,
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    needed: int,
) -> tuple[Any, list[Any]]:
    """A draw for `procurement`, one expert declining (a substitute follows), the rest accepting."""
    for _n in range(needed + 3):
        make_expert(user=make_user("expert", unit=None))
    orgs = [r.organization for r in BidReadout.objects.filter(opening__procurement=procurement)]
    draw = draw_create(
        actor=purchaser,
        procurement_ref=procurement.reference,
        title=procurement.title,
        purchaser_unit=procurement.purchaser,
        category="A04",
        method=procurement.method,
        budget=procurement.budget,
        needed=needed,
        bidders=bidders_from_organizations(orgs),
    )
    first = draw.members.order_by("order").first()
    assert first is not None
    assert first.expert.user is not None
    _declined, substitute = draw_member_respond(
        actor=first.expert.user, member=first, accept=False, reason="出差在外"
    )
    assert substitute is not None
    users = []
    for member in draw.members.exclude(pk=first.pk).order_by("order"):
        assert member.expert.user is not None
        draw_member_respond(actor=member.expert.user, member=member, accept=True, no_conflict_confirmed=True)
        users.append(member.expert.user)
    return draw, users


def _evaluate_via_api(
    purchaser: Any, procurement: Procurement, draw: Any, experts: list[Any], *, scored: bool, **start: Any
) -> None:
    pk = procurement.pk
    _post(purchaser, f"{pk}/start", {"draw_id": draw.pk if draw else None, **start})
    bids = list(BidReadout.objects.filter(opening__procurement=procurement).order_by("price_total"))
    for expert in experts:
        _post(expert, f"{pk}/conflict", {"no_conflict": True})
    for bid in bids if experts else []:
        _post(
            experts[0],
            f"{pk}/reviews",
            {
                "readout_id": bid.pk,
                "kind": "qualification",
                "requirement": "具有独立承担民事责任的能力",
                "passed": True,
            },
        )
    if scored:
        for m, expert in enumerate(experts):
            scores = {
                str(bid.pk): {"plan": str(45 - 5 * b - m % 2), "team": str(18 - 2 * b)}
                for b, bid in enumerate(bids)
            }
            _post(expert, f"{pk}/scores", {"scores": scores})
    _post(experts[0] if experts else purchaser, f"{pk}/report")
    for expert in experts:
        _post(expert, f"{pk}/report/confirm")
    _post(purchaser, f"{pk}/awards/1/confirm")
    _post(purchaser, f"{pk}/announce")


def _committee_events(members: int, bids: int, *, scored: bool) -> list[str]:
    return [
        "procurement.evaluation_started",
        *["evaluation.member_confirmed"] * members,
        *["evaluation.review_recorded"] * bids,
        *(["evaluation.scores_submitted"] * members if scored else []),
        "evaluation.report_built",
        *["evaluation.report_signed"] * members,
        "procurement.evaluated",
        "procurement.award_confirmed",
        "procurement.awarded",
    ]


def _winner(procurement: Procurement) -> Any:
    award = Award.objects.get(lot__procurement=procurement)
    assert award.winner is not None and award.announced_at is not None
    assert award.winner_id == award.confirmed_id == award.first_candidate_id
    return award.winner.organization


SCORED = [
    {"code": "plan", "name": "服务方案", "max_points": "50"},
    {"code": "team", "name": "人员配备", "max_points": "20"},
]


def test_invited_tender_from_plan_to_award(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # given an invited tender: three suppliers drawn at random, all bid
    plan = make_plan("invited_tender", limited_suppliers=True)
    procurement = services.procurement_create(actor=purchaser, plan=plan, documents="邀请招标文件")
    services.procurement_invite_draw(actor=purchaser, procurement=procurement, count=3)
    invited = set(procurement.invitations.values_list("organization_id", flat=True))
    bidders = [u for u in suppliers if u.organization_id in invited]
    procurement = _bid_and_open(
        purchaser, procurement, list(zip(bidders, ["260000", "270000", "280000"], strict=True))
    )
    draw, experts = _committee(purchaser, procurement, make_expert, make_user, needed=5)
    # when five experts evaluate by comprehensive scoring and the purchaser confirms and announces
    _evaluate_via_api(purchaser, procurement, draw, experts, scored=True, factors=SCORED, price_weight="0.30")
    # then the cheapest, best-scored bidder wins and the timeline runs from the draw to the award
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.AWARDED
    assert _winner(procurement) == bidders[0].organization
    assert timeline(procurement) == [
        "procurement.created",
        "procurement.suppliers_drawn",
        "procurement.announced",
        *OPENING,
        *_committee_events(5, 3, scored=True),
    ]


def test_competitive_negotiation_from_plan_to_award_goes_to_the_lowest_price(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # given a negotiation with three offers
    plan = make_plan("competitive_negotiation", complex_or_unspecifiable=True)
    procurement = services.procurement_create(actor=purchaser, plan=plan, documents="谈判文件")
    offers = [(suppliers[0], "281000"), (suppliers[1], "262000"), (suppliers[2], "275000")]
    procurement = _bid_and_open(purchaser, procurement, offers)
    draw, experts = _committee(purchaser, procurement, make_expert, make_user, needed=3)
    # when the committee reviews (no scores: price decides) and the purchaser awards
    _evaluate_via_api(purchaser, procurement, draw, experts, scored=False)
    # then the lowest final price wins (O74 §35)
    procurement.refresh_from_db()
    assert _winner(procurement) == suppliers[1].organization
    assert timeline(procurement) == [
        "procurement.created",
        "procurement.announced",
        *OPENING,
        *_committee_events(3, 3, scored=False),
    ]


def test_competitive_consultation_from_plan_to_award_with_deposits(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # given a consultation for a purchase of services with a bid deposit and three responses
    plan = make_plan("competitive_consultation")
    procurement = services.procurement_create(actor=purchaser, plan=plan, documents="磋商文件")
    responses = [(suppliers[2], "255000"), (suppliers[3], "268000"), (suppliers[4], "279000")]
    procurement = _bid_and_open(purchaser, procurement, responses, bid_deposit="5000")
    draw, experts = _committee(purchaser, procurement, make_expert, make_user, needed=3)
    # when scored by the C214 formula and awarded
    _evaluate_via_api(
        purchaser,
        procurement,
        draw,
        experts,
        scored=True,
        factors=SCORED,
        price_weight="0.30",
        formula="C214",
    )
    # then the best-ranked supplier wins; the others' deposits fall due, the winner's after the contract
    procurement.refresh_from_db()
    assert _winner(procurement) == suppliers[2].organization
    deposits = {d.organization_id: d.due_on for d in DepositReturn.objects.all()}
    assert deposits[suppliers[2].organization_id] is None
    assert all(deposits[u.organization_id] is not None for u in suppliers[3:5])
    assert Notification.objects.filter(procurement=procurement, kind="award_notice").count() == 1
    assert timeline(procurement) == [
        "procurement.created",
        "procurement.announced",
        *OPENING,
        *_committee_events(3, 3, scored=True),
    ]


def test_request_for_quotation_from_plan_to_award_goes_to_the_lowest_quote(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # given an RFQ. Planning refuses 询价 for services (GPL §32: goods only), so, as in the
    # procurement scenarios, the plan's method is set directly to exercise the procurement side.
    plan = make_plan("competitive_consultation")
    type(plan).objects.filter(pk=plan.pk).update(method="request_for_quotation")
    plan.refresh_from_db()
    procurement = services.procurement_create(actor=purchaser, plan=plan, documents="询价通知书")
    quotes = [(suppliers[0], "270000"), (suppliers[1], "266000"), (suppliers[4], "258000")]
    procurement = _bid_and_open(purchaser, procurement, quotes)
    draw, experts = _committee(purchaser, procurement, make_expert, make_user, needed=3)
    # when the 询价小组 reviews and the purchaser awards
    _evaluate_via_api(purchaser, procurement, draw, experts, scored=False)
    # then the lowest quote wins (O74 §48)
    assert _winner(procurement) == suppliers[4].organization
    assert timeline(procurement) == [
        "procurement.created",
        "procurement.announced",
        *OPENING,
        *_committee_events(3, 3, scored=False),
    ]


def test_single_source_from_plan_to_award_after_the_notice_and_objection_review(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given a single-source plan naming one supplier, its notice and an objection rejected on time
    plan = make_plan("single_source", only_one_supplier=True)
    named = suppliers[0]
    procurement = services.procurement_create(
        actor=purchaser,
        plan=plan,
        documents="单一来源采购文件",
        single_source_supplier=named.organization,
        single_source_reason="该服务只能由其提供",
    )
    issued, deadline = announce_times(days_ago=20)
    procurement = services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )
    objection = services.objection_raise(
        actor=suppliers[1],
        procurement=procurement,
        text="我单位也能提供该服务",
        now=issued + timedelta(days=1),
    )
    services.objection_decide(
        actor=purchaser,
        objection=objection,
        uphold=False,
        text="经核实其不具备相应资质",
        now=issued + timedelta(days=2),
    )
    services.procurement_notice_close(
        actor=purchaser, procurement=procurement, now=issued + timedelta(days=15)
    )
    procurement.refresh_from_db()
    lot = procurement.lots.get(number=1)
    services.documents_obtain(actor=named, procurement=procurement)
    services.bid_submit(actor=named, lot=lot, price_total="296000", files=bid_files())
    procurement.refresh_from_db()
    assert procurement.bid_deadline is not None
    services.procurement_open(
        actor=purchaser, procurement=procurement, now=procurement.bid_deadline + timedelta(minutes=1)
    )
    # when the purchaser records the agreed price without a committee (O74 §41) and awards
    _evaluate_via_api(purchaser, procurement, None, [], scored=False)
    # then the named supplier is awarded; no committee event appears
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.AWARDED
    assert _winner(procurement) == named.organization
    report = procurement.evaluation.report
    assert report.lots[0]["basis"] == "negotiated" and "第四十一条" in report.lots[0]["citation"]
    assert timeline(procurement) == [
        "procurement.created",
        "procurement.notice_published",
        "procurement.objection_raised",
        "procurement.objection_decided",
        "procurement.notice_closed",
        *OPENING,
        "procurement.evaluation_started",
        "evaluation.report_built",
        "procurement.evaluated",
        "procurement.award_confirmed",
        "procurement.awarded",
    ]


def test_other_methods_cannot_skip_the_committee(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given an opened consultation
    plan = make_plan("competitive_consultation")
    procurement = services.procurement_create(actor=purchaser, plan=plan, documents="磋商文件")
    procurement = _bid_and_open(purchaser, procurement, [(suppliers[0], "250000"), (suppliers[1], "260000")])
    # when the purchaser starts the evaluation without a draw
    response = _client(purchaser).post(
        f"/api/v1/evaluation/{procurement.pk}/start", {"draw_id": None}, content_type="application/json"
    )
    # then it is refused and nothing changes
    assert response.status_code == 400 and response.json()["error"]["code"] == "evaluation.draw_required"
    assert timeline(procurement)[-1] == "procurement.opened"
