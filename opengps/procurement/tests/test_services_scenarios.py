"""Each method from an approved plan to the opening, through the real services, with its audit timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.core.models import AuditEvent
from opengps.demo.world import announce_times, bid_files, real_now
from opengps.procurement import selectors, services
from opengps.procurement.models import BidReadout, Notification, Procurement, ProcurementStatus
from opengps.procurement.sealing import platform_public_key_pem, receipt_verify
from opengps.rules.deadlines import earliest_bid_deadline

pytestmark = pytest.mark.django_db


def timeline(procurement: Procurement) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="procurement.procurement", object_id=str(procurement.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def _bid(user: Any, procurement: Procurement, price: str, **kwargs: Any) -> services.BidAck:
    services.documents_obtain(actor=user, procurement=procurement)
    lot = procurement.lots.get(number=1)
    return services.bid_submit(actor=user, lot=lot, price_total=price, files=bid_files(), **kwargs)


def _open(purchaser: Any, procurement: Procurement) -> Any:
    procurement.refresh_from_db()
    assert procurement.bid_deadline is not None
    return services.procurement_open(
        actor=purchaser, procurement=procurement, now=procurement.bid_deadline + timedelta(minutes=1)
    )


def test_open_tender_from_plan_to_opening(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given an approved plan whose intention has run 30 days
    plan = make_plan("open_tender")
    procurement = services.procurement_create(actor=purchaser, plan=plan, documents="招标文件：居家养老服务")
    plan.refresh_from_db()
    assert plan.status == "in_procurement"
    issued, deadline = announce_times()
    # when the purchaser announces with a deadline earlier than the law allows
    with pytest.raises(ServiceError) as error:
        services.procurement_announce(
            actor=purchaser, procurement=procurement, bid_deadline=issued + timedelta(days=10), now=issued
        )
    # then it is refused with the earliest lawful date and the article
    assert error.value.code == "procurement.deadline_too_early"
    earliest = earliest_bid_deadline("open_tender", clock.local_date(issued))
    assert "政府采购法 第三十五条" in str(error.value.message)
    assert error.value.params["earliest"] == earliest.value.isoformat()
    procurement = services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, opening_place="开标室一", now=issued
    )
    assert procurement.earliest_deadline == earliest.value
    # a late amendment pushes the deadline back by law
    amendment = services.procurement_clarify(
        actor=purchaser, procurement=procurement, kind="amendment", text="服务范围增加岳麓区"
    )
    assert amendment.postponed and amendment.deadline_after > deadline
    assert "第二十七条" in amendment.citation
    # an enquiry, answered
    enquiry = services.enquiry_ask(actor=suppliers[0], procurement=procurement, question="是否接受联合体？")
    services.enquiry_answer(actor=purchaser, enquiry=enquiry, answer="不接受联合体")
    # three suppliers bid; one modifies, one withdraws and bids again
    first = _bid(suppliers[0], procurement, "280000")
    _bid(suppliers[1], procurement, "275000", preferences=["social_organization"])
    _bid(suppliers[2], procurement, "290000")
    lot = procurement.lots.get(number=1)
    services.bid_modify(actor=suppliers[0], lot=lot, price_total="268000", files=bid_files())
    services.bid_withdraw(actor=suppliers[2], lot=lot)
    services.bid_submit(actor=suppliers[2], lot=lot, price_total="285000", files=bid_files())
    assert receipt_verify(first.receipt, platform_public_key_pem())
    # the opening is refused before the deadline
    procurement.refresh_from_db()
    with pytest.raises(ServiceError) as error:
        services.procurement_open(actor=purchaser, procurement=procurement)
    assert error.value.code == "seal.before_deadline"
    # when opened at the deadline
    record = _open(purchaser, procurement)
    # then the bids are read out with the latest version's price
    prices = dict(BidReadout.objects.values_list("organization__name", "price_total"))
    assert prices == {
        suppliers[0].organization.name: Decimal("268000.00"),
        suppliers[1].organization.name: Decimal("275000.00"),
        suppliers[2].organization.name: Decimal("285000.00"),
    }
    assert record.proceeds and record.valid_bids == 3 and record.bids_received == 3
    assert Notification.objects.filter(kind="opened").count() == 3
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.OPENED
    assert timeline(procurement) == [
        "procurement.created",
        "procurement.announced",
        "procurement.amendment_published",
        "procurement.deadline_postponed",
        "procurement.enquiry_received",
        "procurement.enquiry_answered",
        "procurement.key_unwrapped",
        "procurement.documents_register_disclosed",
        "procurement.opened",
    ]
    bid_actions = list(
        AuditEvent.objects.filter(object_type="procurement.bidsubmission")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert bid_actions == [
        "bid.submit",
        "bid.submit",
        "bid.submit",
        "bid.modify",
        "bid.withdraw",
        "bid.submit",
    ]
    register = selectors.documents_register(
        actor=purchaser, procurement=procurement, now=real_now() + timedelta(days=60)
    )
    assert len(register) == 3


def test_invited_tender_draws_three_suppliers_replayably_and_only_they_bid(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given an invited tender (limited range of suppliers)
    plan = make_plan("invited_tender", limited_suppliers=True)
    procurement = services.procurement_create(actor=purchaser, plan=plan, documents="邀请招标文件")
    issued, deadline = announce_times()
    with pytest.raises(ServiceError) as error:
        services.procurement_announce(
            actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
        )
    assert error.value.code == "procurement.invitations_missing"
    with pytest.raises(ServiceError) as error:
        services.procurement_invite_draw(actor=purchaser, procurement=procurement, count=2)
    assert error.value.code == "procurement.too_few_invited"
    # when three are drawn
    draw = services.procurement_invite_draw(actor=purchaser, procurement=procurement, count=3)
    # then the draw replays from its recorded inputs, and the seed is the hash of them
    invited = list(procurement.invitations.order_by("order").values_list("organization_id", flat=True))
    assert services.invitation_draw_replay(draw) == invited and len(invited) == 3
    assert sorted(draw.pool) == sorted(u.organization_id for u in suppliers)
    services.procurement_announce(actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued)
    procurement.refresh_from_db()
    members = {u.organization_id: u for u in suppliers}
    outsider = next(u for u in suppliers if u.organization_id not in invited)
    with pytest.raises(ServiceError) as error:
        services.documents_obtain(actor=outsider, procurement=procurement)
    assert error.value.code == "procurement.not_invited"
    for n, org_id in enumerate(invited):
        _bid(members[org_id], procurement, str(250000 + n * 1000))
    record = _open(purchaser, procurement)
    assert record.valid_bids == 3 and record.proceeds
    assert timeline(procurement) == [
        "procurement.created",
        "procurement.suppliers_drawn",
        "procurement.announced",
        "procurement.key_unwrapped",
        "procurement.documents_register_disclosed",
        "procurement.opened",
    ]


def test_negotiation_with_too_few_bids_fails_and_is_retendered(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given a competitive negotiation with two bids (three required)
    plan = make_plan("competitive_negotiation", complex_or_unspecifiable=True)
    procurement = services.procurement_create(actor=purchaser, plan=plan, documents="谈判文件")
    issued, deadline = announce_times()
    services.procurement_announce(actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued)
    _bid(suppliers[0], procurement, "280000")
    _bid(suppliers[1], procurement, "270000")
    # when opened
    record = _open(purchaser, procurement)
    # then the procurement fails with the lawful next steps
    procurement.refresh_from_db()
    assert not record.proceeds and record.required_bids == 3
    assert procurement.status == ProcurementStatus.FAILED
    assert procurement.next_steps == ["retender", "change_method"]
    assert "第二十七条" in procurement.outcome_reason
    # and the purchaser re-tenders with amended documents
    new = services.procurement_retender(
        actor=purchaser,
        procurement=procurement,
        reason="修改资格条件后重新采购",
        documents="修改后的谈判文件",
    )
    assert (
        new.previous == procurement
        and new.status == ProcurementStatus.DRAFT
        and new.method == procurement.method
    )
    assert list(new.lots.values_list("title", flat=True)) == list(
        procurement.lots.values_list("title", flat=True)
    )
    assert timeline(procurement) == [
        "procurement.created",
        "procurement.announced",
        "procurement.key_unwrapped",
        "procurement.documents_register_disclosed",
        "procurement.opened",
        "procurement.failed",
        "procurement.retendered",
    ]


def test_consultation_for_services_may_continue_with_two_bids(
    purchaser: Any, agency: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given a consultation run by an agency
    plan = make_plan("competitive_consultation")
    procurement = services.procurement_create(
        actor=purchaser, plan=plan, documents="磋商文件", agency=agency.unit
    )
    issued, deadline = announce_times()
    services.procurement_announce(actor=agency, procurement=procurement, bid_deadline=deadline, now=issued)
    _bid(suppliers[0], procurement, "280000")
    _bid(suppliers[1], procurement, "270000")
    # when the agency opens
    record = _open(agency, procurement)
    # then two valid bids suffice for a purchase of services (财库〔2015〕124号)
    assert record.proceeds and record.required_bids == 2 and "124号" in record.citation
    assert timeline(procurement)[-1] == "procurement.opened"


def test_request_for_quotation_fails_then_changes_method_with_approval(
    purchaser: Any, finance: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given an RFQ. Planning refuses 询价 for services (GPL §32: goods only), so an RFQ plan only
    # arises for goods; the plan's method is set directly to exercise the procurement side.
    plan = make_plan("competitive_consultation")
    type(plan).objects.filter(pk=plan.pk).update(method="request_for_quotation")
    plan.refresh_from_db()
    procurement = services.procurement_create(actor=purchaser, plan=plan, documents="询价通知书")
    issued, deadline = announce_times()
    services.procurement_announce(actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued)
    _bid(suppliers[0], procurement, "280000")
    _open(purchaser, procurement)
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.FAILED
    # when the purchaser asks to change to competitive negotiation and the finance department approves
    with pytest.raises(ServiceError) as error:
        services.procurement_request_method_change(
            actor=purchaser, procurement=procurement, method="emall", reason="x"
        )
    assert error.value.code in {"procurement.method_unsupported", "procurement.method_not_allowed"}
    services.procurement_request_method_change(
        actor=purchaser,
        procurement=procurement,
        method="competitive_negotiation",
        reason="询价失败，仅一家响应",
    )
    procurement.refresh_from_db()
    new = services.procurement_decide_method_change(
        actor=finance, procurement=procurement, approve=True, note="同意"
    )
    # then a new draft with the new method follows the failed one
    assert new.method == "competitive_negotiation" and new.previous_id == procurement.pk
    assert timeline(procurement)[-3:] == [
        "procurement.failed",
        "procurement.method_change_requested",
        "procurement.method_change_approved",
    ]


def test_single_source_notice_objection_and_response(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given a single-source plan naming one supplier
    plan = make_plan("single_source", only_one_supplier=True)
    named = suppliers[0]
    with pytest.raises(ServiceError) as error:
        services.procurement_create(actor=purchaser, plan=plan, documents="单一来源")
    assert error.value.code == "procurement.single_source_supplier_required"
    procurement = services.procurement_create(
        actor=purchaser,
        plan=plan,
        documents="单一来源采购文件",
        single_source_supplier=named.organization,
        single_source_reason="该服务只能由其提供",
    )
    issued, deadline = announce_times(days_ago=20)
    # when the notice is published it runs 5 working days
    procurement = services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )
    assert procurement.status == ProcurementStatus.NOTICE
    assert procurement.notice_ends_on is not None and procurement.notice_ends_on > clock.local_date(issued)
    objection = services.objection_raise(
        actor=suppliers[1],
        procurement=procurement,
        text="我单位也能提供该服务",
        now=issued + timedelta(days=1),
    )
    with pytest.raises(ServiceError) as error:
        services.procurement_notice_close(
            actor=purchaser, procurement=procurement, now=issued + timedelta(days=2)
        )
    assert error.value.code == "procurement.notice_running"
    services.objection_decide(
        actor=purchaser, objection=objection, uphold=False, text="经核实其不具备相应资质"
    )
    services.procurement_notice_close(
        actor=purchaser, procurement=procurement, now=issued + timedelta(days=15)
    )
    procurement.refresh_from_db()
    # then only the named supplier responds
    with pytest.raises(ServiceError) as error:
        services.documents_obtain(actor=suppliers[1], procurement=procurement)
    assert error.value.code == "procurement.not_named_supplier"
    _bid(named, procurement, "299000")
    record = _open(purchaser, procurement)
    assert record.proceeds and record.required_bids == 1
    assert timeline(procurement) == [
        "procurement.created",
        "procurement.notice_published",
        "procurement.objection_raised",
        "procurement.objection_decided",
        "procurement.notice_closed",
        "procurement.key_unwrapped",
        "procurement.documents_register_disclosed",
        "procurement.opened",
    ]


def test_framework_agreement_first_stage_needs_two_bids(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    plan = make_plan(
        "framework_agreement", amount="900000", recipients_outside_buyer_multiple_suppliers_needed=True
    )
    procurement = services.procurement_create(
        actor=purchaser,
        plan=plan,
        documents="框架协议征集文件",
        lots=[services.LotInput("长沙市区", "500000"), services.LotInput("县域", "400000")],
    )
    issued, deadline = announce_times()
    services.procurement_announce(actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued)
    for user in suppliers[:2]:
        _bid(user, procurement, "450000")
    record = _open(purchaser, procurement)
    # lot 1 has two valid bids and proceeds; lot 2 has none
    lots = {row["lot"]: row for row in record.minutes["lots"]}
    assert lots[1]["proceeds"] and lots[1]["valid"] == 2 and not lots[2]["proceeds"]
    assert record.proceeds
    assert timeline(procurement)[-1] == "procurement.opened"


def test_open_tender_with_two_bids_negotiates_with_the_two_after_approval(
    purchaser: Any, finance: Any, make_plan: Callable[..., Any], suppliers: list[Any]
) -> None:
    # given an open tender of services that received exactly two valid bids
    plan = make_plan("open_tender")
    procurement = services.procurement_create(actor=purchaser, plan=plan, documents="招标文件")
    issued, deadline = announce_times()
    services.procurement_announce(actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued)
    _bid(suppliers[0], procurement, "280000")
    _bid(suppliers[1], procurement, "270000")
    record = _open(purchaser, procurement)
    procurement.refresh_from_db()
    # then it fails (GPL §36, O87 §43) but may negotiate with the two (O74 §27 ¶2)
    assert not record.proceeds and procurement.status == ProcurementStatus.FAILED
    assert "negotiate_with_two" in procurement.next_steps
    assert "第二十七条第二款" in record.citation
    # when finance approves the change to competitive negotiation
    services.procurement_request_method_change(
        actor=purchaser,
        procurement=procurement,
        method="competitive_negotiation",
        reason="公开招标只有两家实质性响应，申请与该两家竞争性谈判",
    )
    procurement.refresh_from_db()
    new = services.procurement_decide_method_change(
        actor=finance, procurement=procurement, approve=True, note="同意与该两家谈判"
    )
    issued, deadline = announce_times()
    services.procurement_announce(actor=purchaser, procurement=new, bid_deadline=deadline, now=issued)
    _bid(suppliers[0], new, "275000")
    _bid(suppliers[1], new, "265000")
    negotiation = _open(purchaser, new)
    # then the negotiation proceeds with two (the minimum of O74 §33, §35 becomes two)
    assert negotiation.proceeds and negotiation.required_bids == 2
    assert "第二十七条第二款" in negotiation.citation


def test_a_prequalification_with_too_short_a_period_is_refused(
    purchaser: Any, make_plan: Callable[..., Any]
) -> None:
    from datetime import date, datetime, time

    from opengps.core.clock import BEIJING
    from opengps.rules.calendar import add_working_days

    # given a tender draft, announced on a Monday (2025-03-03)
    plan = make_plan("open_tender")
    procurement = services.procurement_create(actor=purchaser, plan=plan, documents="资格预审文件")
    announced = datetime.combine(date(2025, 3, 3), time(9), tzinfo=BEIJING)
    # when the application deadline leaves only 4 working days (IR §21 requires at least 5)
    with pytest.raises(ServiceError) as refused:
        services.procurement_prequalification_announce(
            actor=purchaser,
            procurement=procurement,
            application_deadline=datetime.combine(date(2025, 3, 7), time(17), tzinfo=BEIJING),
            now=announced,
        )
    # then it is refused with the earliest lawful date: the 5th working day after, Monday 03-10
    assert refused.value.code == "procurement.prequalification_too_short"
    assert (
        refused.value.params["earliest"] == add_working_days(date(2025, 3, 3), 5).isoformat() == "2025-03-10"
    )
    assert "实施条例 第二十一条" in str(refused.value.message)
    earliest = services.procurement_prequalification_announce(
        actor=purchaser,
        procurement=procurement,
        application_deadline=datetime.combine(date(2025, 3, 10), time(17), tzinfo=BEIJING),
        now=announced,
    )
    assert earliest.value == date(2025, 3, 10)
    assert timeline(procurement)[-1] == "procurement.prequalification_announced"


def test_a_late_clarification_of_the_prequalification_documents_postpones_the_application_deadline(
    purchaser: Any, make_plan: Callable[..., Any]
) -> None:
    from datetime import date, datetime, time

    from opengps.core.clock import BEIJING

    def at(day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=BEIJING)

    # given a tender draft whose prequalification was announced on Monday 2025-03-03, applications
    # due Wednesday 2025-03-12 17:00
    procurement = services.procurement_create(
        actor=purchaser, plan=make_plan("open_tender"), documents="资格预审文件"
    )
    with pytest.raises(ServiceError) as missing:
        services.procurement_prequalification_clarify(
            actor=purchaser, procurement=procurement, text="补充说明", now=at(date(2025, 3, 1), 9)
        )
    assert missing.value.code == "procurement.prequalification_missing"
    services.procurement_prequalification_announce(
        actor=purchaser,
        procurement=procurement,
        application_deadline=at(date(2025, 3, 12), 17),
        now=at(date(2025, 3, 3), 9),
    )
    procurement.refresh_from_db()
    assert procurement.prequalification_announced_on == date(2025, 3, 3)
    # when a clarification comes on Friday 03-07, at least 3 days before the deadline
    # (87号令 第二十七条第三款)
    kept = services.procurement_prequalification_clarify(
        actor=purchaser, procurement=procurement, text="资格条件第3项的说明", now=at(date(2025, 3, 7), 10)
    )
    # then the deadline stands
    assert kept == at(date(2025, 3, 12), 17)
    # when another comes on Tuesday 03-11, one day before it
    moved = services.procurement_prequalification_clarify(
        actor=purchaser, procurement=procurement, text="修改申请文件格式", now=at(date(2025, 3, 11), 10)
    )
    # then the deadline moves to 3 days after the clarification, counted from the next day
    # (民法典 第二百零一条): 03-12, 03-13, 03-14 — Friday 2025-03-14, a working day — same time of day
    assert moved == at(date(2025, 3, 14), 17)
    procurement.refresh_from_db()
    assert procurement.prequalification_deadline == moved
    events = AuditEvent.objects.filter(action="procurement.prequalification_clarified")
    event = events.order_by("-seq").first()
    assert event is not None and "第二十七条" in event.reason and event.new_values["postponed"] is True
    # and after the (new) deadline nothing more can be clarified
    with pytest.raises(ServiceError) as closed:
        services.procurement_prequalification_clarify(
            actor=purchaser, procurement=procurement, text="迟到的澄清", now=at(date(2025, 3, 14), 18)
        )
    assert closed.value.code == "procurement.prequalification_closed"
