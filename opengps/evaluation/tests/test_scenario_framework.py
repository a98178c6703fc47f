"""Framework agreement (框架协议, O110): from the plan to the shortlist (入围) and call-offs.

The first stage is solicited like an open tender (O110 §9): bids are sealed and opened, a
committee drawn as for a tender reviews them, price-first ranks them and at least 20% (rounded
up, at least one) are eliminated (O110 §25, §27). The shortlist is announced (O110 §28); each
call-off then goes to a shortlisted supplier by the rule the documents stated (O110 §32-34).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.core.errors import ServiceError
from opengps.core.models import AuditEvent
from opengps.evaluation import services as evaluation_services
from opengps.evaluation.models import Award, FrameworkCallOff, FrameworkShortlist
from opengps.evaluation.tests.test_scenarios_award import OPENING, _bid_and_open, _committee, _post, timeline
from opengps.procurement import services
from opengps.procurement.models import BidReadout, Notification, Procurement, ProcurementStatus

pytestmark = pytest.mark.django_db

PRICES = ("450000", "430000", "470000", "440000", "460000")


def _framework(purchaser: Any, make_plan: Callable[..., Any], **terms: Any) -> Procurement:
    plan = make_plan(
        "framework_agreement", amount="900000", recipients_outside_buyer_multiple_suppliers_needed=True
    )
    procurement = services.procurement_create(actor=purchaser, plan=plan, documents="框架协议征集文件")
    return services.framework_terms_set(actor=purchaser, procurement=procurement, **terms)


def _first_stage(
    purchaser: Any,
    procurement: Procurement,
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    *,
    disqualify: int = 0,
) -> list[Any]:
    """Five bids, a committee of five (as a tender, O110 §9), review, report, signatures."""
    procurement = _bid_and_open(purchaser, procurement, list(zip(suppliers, PRICES, strict=True)))
    draw, experts = _committee(purchaser, procurement, make_expert, make_user, needed=5)
    pk = procurement.pk
    _post(purchaser, f"{pk}/start", {"draw_id": draw.pk})
    for expert in experts:
        _post(expert, f"{pk}/conflict", {"no_conflict": True})
    bids = list(BidReadout.objects.filter(opening__procurement=procurement).order_by("price_total"))
    for n, bid in enumerate(bids):
        passed = n >= disqualify
        _post(
            experts[0],
            f"{pk}/reviews",
            {
                "readout_id": bid.pk,
                "kind": "conformity",
                "requirement": "服务内容、服务标准满足采购需求",
                "passed": passed,
                "reason": "" if passed else "服务标准不满足采购需求",
            },
        )
    _post(experts[0], f"{pk}/report")
    for expert in experts:
        _post(expert, f"{pk}/report/confirm")
    return experts


FIRST_STAGE = [
    "procurement.created",
    "procurement.framework_terms_set",
    "procurement.announced",
    *OPENING,
    "procurement.evaluation_started",
    *["evaluation.member_confirmed"] * 5,
    *["evaluation.review_recorded"] * 5,
    "evaluation.report_built",
    *["evaluation.report_signed"] * 5,
    "framework.shortlist_recorded",
    "procurement.evaluated",
]


def test_framework_agreement_from_plan_to_the_shortlist_and_a_direct_call_off(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # given a framework agreement for services to recipients outside the buyer (O110 §3(3)),
    # price-first with the minimum 20% elimination and direct pick in the second stage
    procurement = _framework(purchaser, make_plan)
    # when five suppliers bid, all pass the review and the committee signs the report
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user)
    procurement.refresh_from_db()
    # then the four cheapest are shortlisted in price order, the dearest eliminated (1 of 5 = 20%)
    shortlist = FrameworkShortlist.objects.get(lot__procurement=procurement)
    ranked = sorted(zip(PRICES, suppliers, strict=True), key=lambda pair: Decimal(pair[0]))
    assert [(m.rank, m.organization_id, m.price) for m in shortlist.members.all()] == [
        (n, user.organization_id, Decimal(price)) for n, (price, user) in enumerate(ranked[:4], start=1)
    ]
    assert shortlist.eliminated == [ranked[4][1].organization.uscc]
    assert shortlist.cut_value == Decimal("460000") and shortlist.elimination_rate == "1/5"
    assert "第二十七条" in shortlist.citation
    assert procurement.status == ProcurementStatus.EVALUATED and not Award.objects.exists()
    # and the one-winner award path is refused: the result is a shortlist
    with pytest.raises(ServiceError) as refused:
        evaluation_services.award_announce(actor=purchaser, procurement=procurement)
    assert refused.value.code == "award.wrong_status"
    # when the shortlist is announced over the API
    data = _post(purchaser, f"{procurement.pk}/shortlist/announce")
    # then it is public on the evaluation API and the members are notified
    (lot,) = data["shortlists"]
    assert [m["rank"] for m in lot["members"]] == [1, 2, 3, 4] and lot["announced_at"]
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.AWARDED
    notices = Notification.objects.filter(procurement=procurement, kind="award_notice")
    assert notices.count() == 4
    # when the purchaser calls off without naming a supplier: the lowest agreement price (O110 §32)
    data = _post(
        purchaser,
        f"{procurement.pk}/shortlist/1/call-offs",
        {"description": "第一季度助餐服务", "amount": "120000"},
    )
    # and names the third-ranked one for the next
    _post(
        purchaser,
        f"{procurement.pk}/shortlist/1/call-offs",
        {"description": "第二季度助餐服务", "amount": "118000", "member_rank": 3},
    )
    picks = list(FrameworkCallOff.objects.order_by("number").select_related("member"))
    assert [(c.number, c.member.rank, c.rule) for c in picks] == [(1, 1, "direct"), (2, 3, "direct")]
    assert "第三十二条" in picks[0].citation
    # the page shows the shortlist and the call-offs
    client = Client()
    client.force_login(purchaser)
    page = client.get(f"/evaluation/{procurement.pk}/").content.decode()
    assert (
        "框架协议入围结果" in page and "第二季度助餐服务" in page and ranked[0][1].organization.name in page
    )
    # and the audit timeline runs from the plan's procurement to the call-offs
    assert timeline(procurement) == [
        *FIRST_STAGE,
        "framework.shortlist_announced",
        "procurement.awarded",
        "framework.call_off_picked",
        "framework.call_off_picked",
    ]


def test_rotation_goes_round_the_shortlist_in_order(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # given an agreement with rotation (顺序轮候, O110 §34) and a 40% elimination rate
    procurement = _framework(purchaser, make_plan, second_stage="rotation", elimination_rate="2/5")
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user)
    shortlist = FrameworkShortlist.objects.get(lot__procurement=procurement)
    assert shortlist.members.count() == 3  # 40% of 5 = 2 eliminated
    evaluation_services.framework_shortlist_announce(actor=purchaser, procurement=procurement)
    # when four call-offs are made
    for n in range(4):
        evaluation_services.framework_call_off_pick(
            actor=purchaser, shortlist=shortlist, description=f"第{n + 1}批服务", amount="50000"
        )
    # then each member in rank order gets one per round, and a new round starts with the first
    assert [c.member.rank for c in FrameworkCallOff.objects.order_by("number")] == [1, 2, 3, 1]
    # and skipping the turn is refused, changing nothing
    third = shortlist.members.get(rank=3)
    with pytest.raises(ServiceError) as refused:
        evaluation_services.framework_call_off_pick(
            actor=purchaser, shortlist=shortlist, description="插队", amount="1000", chosen=third
        )
    assert refused.value.code == "framework.rotation_order"
    assert FrameworkCallOff.objects.count() == 4
    actions = list(
        AuditEvent.objects.filter(action__startswith="framework.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "framework.shortlist_recorded",
        "framework.shortlist_announced",
        *["framework.call_off_picked"] * 4,
    ]


def test_fewer_than_two_responsive_fails_the_first_stage(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # given four of five bids failing the conformity review
    procurement = _framework(purchaser, make_plan)
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user, disqualify=4)
    # then no shortlist is recorded and the procurement fails (O110 §27)
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.FAILED
    assert not FrameworkShortlist.objects.exists()
    event = AuditEvent.objects.get(action="framework.shortlist_recorded")
    assert event.new_values["failed"][0]["code"] == "framework.too_few_responsive"
    assert timeline(procurement)[-2:] == ["framework.shortlist_recorded", "procurement.failed"]


def test_terms_are_checked_and_only_for_framework_drafts(
    purchaser: Any, make_plan: Callable[..., Any]
) -> None:
    procurement = _framework(purchaser, make_plan)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"elimination_rate": "1/10"}, "framework.rate_invalid"),
        ({"elimination_rate": "abc"}, "procurement.framework_rate_invalid"),
        ({"first_stage": "quality_first"}, "procurement.framework_quality_first_not_allowed"),
        ({"first_stage": "cheapest"}, "procurement.framework_first_stage_invalid"),
        ({"second_stage": "lottery"}, "procurement.framework_second_stage_invalid"),
    ]
    for kwargs, code in cases:
        with pytest.raises(ServiceError) as refused:
            services.framework_terms_set(actor=purchaser, procurement=procurement, **kwargs)
        assert refused.value.code == code
    tender = services.procurement_create(actor=purchaser, plan=make_plan("open_tender"), documents="招标文件")
    with pytest.raises(ServiceError) as refused:
        services.framework_terms_set(actor=purchaser, procurement=tender)
    assert refused.value.code == "procurement.not_framework"
    assert services.framework_terms(tender)["second_stage"] == "direct"


def test_quality_first_is_refused_before_the_committee_starts(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given government-priced services whose documents chose quality-first (allowed, O110 §25)
    procurement = _framework(purchaser, make_plan, first_stage="quality_first", government_priced=True)
    procurement = _bid_and_open(purchaser, procurement, list(zip(suppliers[:2], PRICES, strict=False)))
    # when the evaluation would start: the platform scores price-first only, so it says so now
    with pytest.raises(ServiceError) as refused:
        evaluation_services.evaluation_start(actor=purchaser, procurement=procurement, draw=None)
    assert refused.value.code == "evaluation.framework_quality_first_unsupported"
    assert procurement.status == ProcurementStatus.OPENED
