"""The grant cycle through the services: call → screening → panel → ranking within the limit →
notice and objections → decision → agreement and tranches → reviews → final audit → return."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.demo.world import (
    GRANT_DECIDE_ON,
    GRANT_DRAWN_AT,
    GRANT_NOTICE_ON,
    GRANT_REVIEW_ON,
    GRANT_SUBMIT_ON,
    GrantsWorld,
    grant_application_values,
)
from opengps.experts.services import draw_member_respond
from opengps.grants import selectors, services
from opengps.grants.models import AgreementStatus, ApplicationStatus, RoundStatus, TrancheStatus

pytestmark = pytest.mark.django_db

D = Decimal


def _apply(member: Any, round_: Any, **overrides: Any) -> Any:
    app = services.application_save(actor=member, round=round_, **grant_application_values(**overrides))
    return services.application_submit(actor=member, application=app, today=GRANT_SUBMIT_ON)


def _accept_panel(round_: Any) -> list[Any]:
    assert round_.draw is not None
    members = list(round_.draw.members.select_related("expert__user").order_by("order"))
    for m in members:
        draw_member_respond(actor=m.expert.user, member=m, accept=True, no_conflict_confirmed=True)
    return [m.expert.user for m in members]


def _score_all(experts: list[Any], app: Any, points: tuple[int, int, int]) -> None:
    need, design, capacity = points
    for user in experts:
        services.score_submit(
            actor=user,
            application=app,
            scores={"need": D(need), "design": D(design), "capacity": D(capacity)},
        )


def _grant_actions(since: int) -> list[str]:
    """The audit timeline of the cycle: action codes in chain order, consecutive repeats collapsed."""
    actions = AuditEvent.objects.filter(seq__gt=since).order_by("seq").values_list("action", flat=True)
    timeline: list[str] = []
    for action in actions:
        if (action.startswith("grant") or action.startswith("draw.")) and (
            not timeline or timeline[-1] != action
        ):
            timeline.append(action)
    return timeline


CYCLE_TIMELINE = [
    "grant_round.created",
    "grant_round.published",
    "grant_application.draft_saved",
    "grant_application.submitted",
    "grant_application.screened",
    "grant_application.draft_saved",
    "grant_application.submitted",
    "grant_application.screened",
    "grant_application.draft_saved",
    "grant_application.submitted",
    "grant_application.screened",
    "grant_application.draft_saved",
    "grant_application.submitted",
    "grant_application.screened",
    "grant_application.draft_saved",
    "grant_application.submitted",
    "grant_application.screened",
    "grant_round.review_started",
    "draw.created",
    "grant_round.panel_drawn",
    "draw.member_accepted",
    "grant_review.scored",
    "grant_review.pitch_recorded",
    "grant_application.ranked",
    "grant_round.ranked",
    "grant_round.notice_published",
    "grant_objection.filed",
    "grant_objection.dismissed",
    "grant_application.funded",
    "grant_round.decided",
    "grant_agreement.signed",
    "grant_tranche.released",
    "grant_agreement.signed",
    "grant_tranche.released",
    "grant_agreement.midterm_passed",
    "grant_tranche.released",
    "grant_agreement.midterm_failed",
    "grant_tranche.stopped",
    "grant_agreement.final_reviewed",
    "grant_agreement.audited",
    "grant_tranche.released",
    "grant_agreement.closed",
    "grant_agreement.audited",
    "grant_agreement.funds_returned",
    "grant_agreement.closed",
    "grant_round.completed",
]
"""The audit timeline of the whole cycle below, in chain order (consecutive repeats collapsed)."""


def _apply_and_screen(round_: Any, make_org: Callable[..., Any]) -> tuple[Any, Any, Any, Any]:
    """Five organizations apply; the blacklisted and the 2A ones are screened out. Returns A, B, C
    and C's member."""
    (_, a_member), (_, b_member), (_, c_member) = make_org(), make_org(), make_org()
    _blacklisted, bl_member = make_org(serious=True)
    _low, low_member = make_org(rating=2)

    # when they apply (drafts, then submission with automatic screening)
    a = _apply(a_member, round_, requested_amount="100000.00")
    b = _apply(b_member, round_, requested_amount="120000.00", title="残疾儿童康复支持")
    c = _apply(c_member, round_, requested_amount="110000.00", title="困境儿童陪伴成长")
    blacklisted = _apply(bl_member, round_)
    low = _apply(low_member, round_)

    # then the blacklisted and the 2A organizations are screened out, with reasons and citations
    assert {a.status, b.status, c.status} == {ApplicationStatus.ELIGIBLE}
    assert blacklisted.status == low.status == ApplicationStatus.SCREENED_OUT
    assert "eligibility.serious_list" in {r["code"] for r in blacklisted.screening}
    assert "grants.rating_below_minimum" in {r["code"] for r in low.screening}
    assert all(r["citation"] for r in blacklisted.screening + low.screening)
    return a, b, c, c_member


def _review_and_rank(world: GrantsWorld, round_: Any, a: Any, b: Any, c: Any) -> tuple[Any, Any, Any, Any]:
    """The panel is drawn, each expert scores alone, a pitch is held and the round is ranked.
    Returns the round and A, B, C as ranked."""
    # when the call closes, the panel is drawn (磋商 rules: ≥3, odd) and each expert scores alone
    services.round_review_start(actor=world.funder, round=round_, today=GRANT_REVIEW_ON)
    round_ = services.panel_draw(actor=world.funder, round=round_, needed=3, drawn_at=GRANT_DRAWN_AT)
    assert round_.draw is not None and round_.draw.method == "competitive_consultation"
    assert round_.draw.procurement_ref == f"grant-round-{round_.pk}"
    experts = _accept_panel(round_)
    _score_all(experts, a, (28, 36, 28))  # 92
    _score_all(experts[:2], b, (25, 32, 24))
    # an expert cannot see the others' scores until all have scored
    view = selectors.application_scores(actor=experts[0], application=b)
    assert view.own is not None and view.scores == [] and view.submitted == 2 and not view.complete
    _score_all(experts[2:], b, (25, 32, 24))  # 81
    assert len(selectors.application_scores(actor=experts[0], application=b).scores) == 3
    _score_all(experts, c, (24, 30, 24))  # 78
    services.pitch_record(
        actor=world.funder, application=a, held_on=date(2023, 5, 10), location="省民政厅会议室"
    )

    # and the round is ranked within the fund limit
    services.round_rank(actor=world.funder, round=round_)
    a, b, c = (type(a).objects.get(pk=x.pk) for x in (a, b, c))
    assert [a.rank, b.rank, c.rank] == [1, 2, 3]
    assert (a.status, b.status, c.status) == (
        ApplicationStatus.PROPOSED,
        ApplicationStatus.PROPOSED,
        ApplicationStatus.NOT_SELECTED,
    )
    assert a.combined_score == D("92.00") and c.combined_score == D("78.00")
    assert "剩余可资助资金 80000.00 元" in c.ranking_note
    return round_, a, b, c


def _notice_and_decide(world: GrantsWorld, round_: Any, a: Any, b: Any, objector: Any) -> Any:
    """On notice, an objection to B is filed and dismissed, and funding is decided."""
    services.notice_publish(actor=world.funder, round=round_, today=GRANT_NOTICE_ON)
    objection = services.objection_file(
        actor=objector, round=round_, application=b, text="该组织执行能力不足", today=date(2023, 5, 26)
    )
    with pytest.raises(Conflict) as early:
        services.round_decide(actor=world.funder, round=round_, today=date(2023, 5, 30))
    assert early.value.code == "grants.notice_period_running"
    services.objection_decide(
        actor=world.funder, objection=objection, upheld=False, decision="经核查，执行能力符合要求"
    )
    round_ = services.round_decide(actor=world.funder, round=round_, today=GRANT_DECIDE_ON)
    assert round_.status == RoundStatus.DECIDED
    assert [x.title for x in selectors.notice_list(round_)] == [a.title, b.title]
    return round_


def _carry_out(world: GrantsWorld, a: Any, b: Any) -> tuple[Any, Any]:
    """Agreements are signed and reviewed: A passes everything; B fails the mid-term review."""
    agreement_a = services.agreement_sign(actor=world.funder, application=a, signed_on=date(2023, 6, 20))
    agreement_b = services.agreement_sign(actor=world.funder, application=b, signed_on=date(2023, 6, 21))
    assert [t.amount for t in agreement_a.tranches.order_by("seq")] == [
        D("50000.00"),
        D("30000.00"),
        D("20000.00"),
    ]
    services.midterm_review_record(
        actor=world.funder,
        agreement=agreement_a,
        passed=True,
        findings="进度符合协议",
        reviewed_on=date(2023, 12, 20),
    )
    services.midterm_review_record(
        actor=world.funder,
        agreement=agreement_b,
        passed=False,
        findings="服务人次不足计划三成",
        reviewed_on=date(2023, 12, 21),
    )
    assert list(agreement_b.tranches.order_by("seq").values_list("status", flat=True)) == [
        TrancheStatus.RELEASED,
        TrancheStatus.STOPPED,
        TrancheStatus.STOPPED,
    ]
    agreement_a = services.final_review_record(
        actor=world.funder,
        agreement=agreement_a,
        score="91.5",
        note="成效显著",
        reviewed_on=date(2024, 7, 10),
    )
    assert agreement_a.final_grade == "优"
    services.final_review_record(
        actor=world.funder,
        agreement=agreement_b,
        score="58",
        note="未完成主要指标",
        reviewed_on=date(2024, 7, 11),
    )
    return agreement_a, agreement_b


def _audit_and_settle(world: GrantsWorld, agreement_a: Any, agreement_b: Any) -> None:
    """The accounting firm's final audit settles the money; B returns what it owes."""
    services.final_audit_record(
        actor=world.firm_user,
        agreement=agreement_a,
        opinion="unqualified",
        verified_spent="96500.00",
        findings=["资金使用基本规范", "结余3500元"],
        completed_on=date(2024, 8, 1),
    )
    audit_b = services.final_audit_record(
        actor=world.firm_user,
        agreement=agreement_b,
        opinion="qualified",
        verified_spent="52000.00",
        disallowed="4000.00",
        findings=["部分支出无有效票据（4000元）"],
        completed_on=date(2024, 8, 2),
    )
    agreement_a.refresh_from_db()
    agreement_b.refresh_from_db()
    assert agreement_a.status == AgreementStatus.CLOSED and services.paid_amount(agreement_a) == D("96500.00")
    assert audit_b.findings == ["部分支出无有效票据（4000元）"]
    assert agreement_b.status == AgreementStatus.AUDITED and agreement_b.return_due == D("12000.00")
    services.fund_return_record(
        actor=world.finance,
        agreement=agreement_b,
        amount="12000.00",
        returned_on=date(2024, 8, 20),
        document="缴2024-001",
    )
    agreement_b.refresh_from_db()
    assert agreement_b.status == AgreementStatus.CLOSED


def test_call_to_final_audit_writes_the_whole_timeline(
    world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any], panel_experts: list[Any]
) -> None:
    # given a published round of 300,000 yuan (cap 120,000; 3A+, 2 years, Hunan) and five organizations
    start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    round_ = make_round()

    # when they apply, then the blacklisted and the 2A organizations are screened out
    a, b, c, c_member = _apply_and_screen(round_, make_org)

    # when the panel scores, then the round is ranked within the fund limit
    round_, a, b, c = _review_and_rank(world, round_, a, b, c)

    # when the list is on notice, an objection is filed and dismissed, and funding is decided
    round_ = _notice_and_decide(world, round_, a, b, objector=c_member)

    # and agreements are carried out: A passes everything; B fails the mid-term review
    agreement_a, agreement_b = _carry_out(world, a, b)

    # then the accounting firm's final audit settles the money
    _audit_and_settle(world, agreement_a, agreement_b)
    services.round_complete(actor=world.funder, round=round_)

    # and the audit timeline tells the story in order
    assert _grant_actions(start) == CYCLE_TIMELINE


def test_an_application_over_the_cap_is_refused(
    world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any]
) -> None:
    # given a round capped at 120,000 per project
    round_ = make_round()
    _, member = make_org()
    # when an organization asks for 150,000
    with pytest.raises(ServiceError) as error:
        services.application_save(
            actor=member, round=round_, **grant_application_values(requested_amount="150000.00")
        )
    # then it is refused with a clear error beside the amount, and nothing is saved
    assert error.value.code == "grants.over_cap"
    assert error.value.field == "requested_amount"
    assert "120000.00" in str(error.value.message)
    assert not round_.applications.exists()


def test_budget_breakdown_must_add_up_and_one_application_per_organization(
    world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any]
) -> None:
    round_ = make_round()
    _, member = make_org()
    values = grant_application_values()
    values["budget_lines"] = [{"item": "人员经费", "amount": "50000.00"}]
    draft = services.application_save(actor=member, round=round_, **values)
    with pytest.raises(ServiceError) as error:
        services.application_submit(actor=member, application=draft, today=GRANT_SUBMIT_ON)
    assert error.value.code == "grants.budget_mismatch"
    with pytest.raises(Conflict) as again:
        services.application_save(actor=member, round=round_, **grant_application_values())
    assert again.value.code == "grants.application_exists"


def test_submission_only_while_the_call_is_open(
    world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any]
) -> None:
    round_ = make_round()
    _, member = make_org()
    draft = services.application_save(actor=member, round=round_, **grant_application_values())
    with pytest.raises(Conflict) as error:
        services.application_submit(actor=member, application=draft, today=date(2023, 5, 1))
    assert error.value.code == "grants.call_closed"


def test_an_upheld_objection_disqualifies_and_the_next_project_is_funded(
    world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any], panel_experts: list[Any]
) -> None:
    # given a ranked round where C did not fit
    round_ = make_round()
    (_, am), (_, bm), (_, cm) = make_org(), make_org(), make_org()
    a = _apply(am, round_, requested_amount="100000.00")
    b = _apply(bm, round_, requested_amount="120000.00")
    c = _apply(cm, round_, requested_amount="110000.00")
    services.round_review_start(actor=world.funder, round=round_, today=GRANT_REVIEW_ON)
    round_ = services.panel_draw(actor=world.funder, round=round_, needed=3, drawn_at=GRANT_DRAWN_AT)
    experts = _accept_panel(round_)
    for app, points in ((a, (28, 36, 28)), (b, (25, 32, 24)), (c, (24, 30, 24))):
        _score_all(experts, app, points)
    services.round_rank(actor=world.funder, round=round_)
    services.notice_publish(actor=world.funder, round=round_, today=GRANT_NOTICE_ON)
    # when an objection against B is upheld
    objection = services.objection_file(
        actor=cm, round=round_, application=b, text="申报材料造假", today=GRANT_NOTICE_ON
    )
    services.objection_decide(actor=world.funder, objection=objection, upheld=True, decision="经核查属实")
    # then B is disqualified, the round is back in review, and re-ranking funds C
    b.refresh_from_db()
    round_.refresh_from_db()
    assert b.status == ApplicationStatus.DISQUALIFIED and round_.status == RoundStatus.REVIEWING
    services.round_rank(actor=world.funder, round=round_)
    c.refresh_from_db()
    assert c.status == ApplicationStatus.PROPOSED and c.awarded_amount == D("110000.00")


def test_ranking_never_funds_more_than_the_round_total(
    world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any], panel_experts: list[Any]
) -> None:
    # given seven eligible applications asking 660,000 in all from a 300,000 round
    round_ = make_round()
    amounts = ["120000.00", "90000.00", "100000.00", "30000.00", "120000.00", "80000.00", "120000.00"]
    apps = [
        _apply(make_org()[1], round_, requested_amount=x, title=f"项目{i}") for i, x in enumerate(amounts)
    ]
    services.round_review_start(actor=world.funder, round=round_, today=GRANT_REVIEW_ON)
    round_ = services.panel_draw(actor=world.funder, round=round_, needed=3, drawn_at=GRANT_DRAWN_AT)
    experts = _accept_panel(round_)
    for i, app in enumerate(apps):
        _score_all(experts, app, (29 - i, 39 - i, 29 - i))
    # when ranked
    services.round_rank(actor=world.funder, round=round_)
    # then the proposed amounts never exceed the total, and skipping lets smaller projects in
    proposed = round_.applications.filter(status=ApplicationStatus.PROPOSED)
    funded_sum = sum((p.awarded_amount or D(0) for p in proposed), D(0))
    assert funded_sum <= round_.total_amount
    assert sorted(p.title for p in proposed) == ["项目0", "项目1", "项目3"]


def test_permissions(
    world: GrantsWorld,
    make_round: Callable[..., Any],
    make_org: Callable[..., Any],
    make_user: Callable[..., Any],
    units: dict[str, Any],
) -> None:
    round_ = make_round(publish=False)
    # auditors read, never write; other units' purchasers cannot act on the round
    with pytest.raises(PermissionDenied):
        services.round_publish(actor=world.auditor, round=round_)
    other = make_user("purchaser", unit="cs_civil")
    with pytest.raises(PermissionDenied):
        services.round_publish(actor=other, round=round_)
    # drafts are visible to the funder and oversight roles only
    assert round_ in selectors.round_list(actor=world.funder)
    assert round_ in selectors.round_list(actor=world.auditor)
    assert round_ not in selectors.round_list(actor=other)
    services.round_publish(actor=world.funder, round=round_)
    # applicants see only their own applications
    (_, m1), (_, m2) = make_org(), make_org()
    app = services.application_save(actor=m1, round=round_, **grant_application_values())
    with pytest.raises(ServiceError) as hidden:
        selectors.application_get(actor=m2, application_id=app.pk)
    assert hidden.value.code == "grants.application_not_found"
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=m2, application=app, today=GRANT_SUBMIT_ON)
    # drafts stay private even from the funder
    with pytest.raises(ServiceError):
        selectors.application_get(actor=world.funder, application_id=app.pk)
    # the registration authority and finance read the round's records
    assert selectors.can_read_round_private(world.registrar, round_)
    assert selectors.can_read_round_private(world.finance, round_)
    assert not selectors.can_read_round_private(m1, round_)
