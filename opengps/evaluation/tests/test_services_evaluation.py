"""From opening to award through the real services: committee, reviews, scores, report, award, deposits."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.utils import timezone

from opengps.core.clock import local_date
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.evaluation import selectors, services
from opengps.evaluation.models import Award, DepositReturn, Evaluation
from opengps.procurement.models import BidReadout, Notification, Procurement, ProcurementStatus

pytestmark = pytest.mark.django_db

FACTORS = [
    services.FactorInput("tech", "服务方案", Decimal("50")),
    services.FactorInput("team", "人员配备", Decimal("20")),
]
# member index → bidder index → (tech, team)
RAW = [
    [("45.5", "18"), ("40", "17.5"), ("38", "16")],
    [("44", "19"), ("42.25", "18"), ("35", "15")],
    [("46", "17"), ("41", "16"), ("39.5", "14")],
    [("43", "18.5"), ("44", "19"), ("37", "15.5")],
    [("47", "20"), ("20", "16"), ("36", "17")],
]


def timeline(procurement: Procurement) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="procurement.procurement", object_id=str(procurement.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def _readouts(procurement: Procurement) -> list[BidReadout]:
    return list(BidReadout.objects.filter(opening__procurement=procurement).order_by("price_total"))


def _start(purchaser: Any, opened: Procurement, committee: Any) -> Evaluation:
    return services.evaluation_start(
        actor=purchaser, procurement=opened, draw=committee, factors=FACTORS, price_weight="0.30"
    )


def _review_and_score(
    evaluation: Evaluation, committee: Any, bids: list[BidReadout], members: int = 5
) -> None:
    for user in committee.users:
        services.member_confirm_no_conflict(actor=user, evaluation=evaluation, no_conflict=True)
    for bid in bids:
        services.review_record(
            actor=committee.users[0],
            evaluation=evaluation,
            readout=bid,
            kind="qualification",
            requirement="具有独立承担民事责任的能力",
            passed=True,
        )
    for m, user in enumerate(committee.users[:members]):
        services.scores_submit(
            actor=user,
            evaluation=evaluation,
            scores={bid.pk: {"tech": RAW[m][b][0], "team": RAW[m][b][1]} for b, bid in enumerate(bids)},
        )


def _report_confirmed(purchaser: Any, opened: Procurement, committee: Any) -> Evaluation:
    evaluation = _start(purchaser, opened, committee)
    _review_and_score(evaluation, committee, _readouts(opened))
    services.evaluation_report_build(actor=committee.users[0], evaluation=evaluation)
    for user in committee.users:
        services.evaluation_report_confirm(actor=user, evaluation=evaluation)
    evaluation.refresh_from_db()
    return evaluation


def test_from_opening_to_award_with_the_audit_timeline(
    purchaser: Any, opened: Procurement, committee: Any, suppliers: list[Any]
) -> None:
    # given an opened procurement and an accepted committee
    evaluation = _report_confirmed(purchaser, opened, committee)
    opened.refresh_from_db()
    assert opened.status == ProcurementStatus.EVALUATED
    award = Award.objects.get(evaluation=evaluation)
    assert award.first_candidate.price_total == Decimal("268000.00")
    assert "第四十三条" in award.confirm_citation or "第六十八条" in award.confirm_citation
    # when the purchaser confirms in time and announces
    services.award_confirm(actor=purchaser, award=award)
    services.award_announce(actor=purchaser, procurement=opened)
    # then the procurement is awarded, every bidder notified, losers' deposits fall due
    opened.refresh_from_db()
    assert opened.status == ProcurementStatus.AWARDED
    assert Notification.objects.filter(kind="award_notice").count() == 1
    assert Notification.objects.filter(kind="award_result").count() == 2
    deposits = list(DepositReturn.objects.order_by("pk"))
    assert len(deposits) == 3 and sum(1 for d in deposits if d.due_on is None) == 1
    assert all("第三十三条" in d.citation for d in deposits)
    assert (
        timeline(opened)[-19:]
        == [
            "procurement.opened",
            "procurement.evaluation_started",
            *["evaluation.member_confirmed"] * 5,
            *["evaluation.review_recorded"] * 3,
            *["evaluation.scores_submitted"] * 5,
            "evaluation.report_built",
            *["evaluation.report_signed"] * 5,
            "procurement.evaluated",
            "procurement.award_confirmed",
            "procurement.awarded",
        ][-19:]
    )
    assert timeline(opened)[-3:] == [
        "procurement.evaluated",
        "procurement.award_confirmed",
        "procurement.awarded",
    ]
    assert "procurement.evaluation_started" in timeline(opened)


def _points(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_scores_in_the_report_equal_an_independent_calculation_from_the_raw_expert_scores(
    purchaser: Any, opened: Procurement, committee: Any
) -> None:
    # given five members' raw scores
    evaluation = _report_confirmed(purchaser, opened, committee)
    report = evaluation.report
    bids = _readouts(opened)
    # when computed by hand: mean per factor, + (lowest/price)×100×0.30 (no deduction applies)
    lowest = min(b.price_total for b in bids)
    expected: dict[str, Decimal] = {}
    for b, bid in enumerate(bids):
        tech = sum((Decimal(RAW[m][b][0]) for m in range(5)), Decimal(0)) / 5
        team = sum((Decimal(RAW[m][b][1]) for m in range(5)), Decimal(0)) / 5
        price = _points(lowest / bid.price_total * Decimal(100) * Decimal("0.30"))
        expected[bid.organization.uscc] = _points(tech + team) + price
    # then the report says the same, and ranks by it
    rows = report.lots[0]["bids"]
    assert {r["uscc"]: Decimal(r["total"]) for r in rows} == expected
    assert [r["uscc"] for r in rows] == sorted(expected, key=lambda k: -expected[k])
    assert report.due_on >= report.scoring_ended_on
    # and member 5's outlying score of 20 for the second bid is flagged
    assert any("畸低" in text for text in report.lots[0]["deviations"])


def test_an_expert_cannot_read_others_scores_before_all_have_submitted(
    purchaser: Any, opened: Procurement, committee: Any
) -> None:
    # given four of five members have submitted
    evaluation = _start(purchaser, opened, committee)
    _review_and_score(evaluation, committee, _readouts(opened), members=4)
    first, last = committee.users[0], committee.users[4]
    # then each sees only their own scores; the purchaser sees none; the report waits
    assert {s.member.user_id for s in selectors.scores_visible(actor=first, evaluation=evaluation)} == {
        first.pk
    }
    assert selectors.scores_visible(actor=last, evaluation=evaluation) == []
    assert selectors.scores_visible(actor=purchaser, evaluation=evaluation) == []
    with pytest.raises(Conflict) as error:
        services.evaluation_report_build(actor=purchaser, evaluation=evaluation)
    assert error.value.code == "evaluation.scores_pending"
    # when the last submits, everyone on the committee sees all 5 × 3 × 2 scores
    services.scores_submit(
        actor=last,
        evaluation=evaluation,
        scores={bid.pk: {"tech": "40", "team": "15"} for bid in _readouts(opened)},
    )
    assert len(selectors.scores_visible(actor=first, evaluation=evaluation)) == 30
    # and a submitted score cannot be changed
    with pytest.raises(Conflict):
        services.scores_submit(
            actor=last,
            evaluation=evaluation,
            scores={bid.pk: {"tech": "1", "team": "1"} for bid in _readouts(opened)},
        )


def test_purchaser_not_confirming_in_time_leaves_the_first_candidate_standing(
    purchaser: Any, opened: Procurement, committee: Any
) -> None:
    # given a confirmed report and no confirmation by the purchaser
    evaluation = _report_confirmed(purchaser, opened, committee)
    award = Award.objects.get(evaluation=evaluation)
    late = timezone.now() + timedelta(days=(award.confirm_due - local_date(timezone.now())).days + 1)
    # then before the deadline the winner is pending; after it the first candidate stands
    assert selectors.award_effective_winner(award, today=award.confirm_due).how == "pending"
    effective = selectors.award_effective_winner(award, today=local_date(late))
    assert effective.how == "deemed" and effective.winner == award.first_candidate
    # a confirmation after the deadline is refused with the citation
    with pytest.raises(Conflict) as error:
        services.award_confirm(actor=purchaser, award=award, now=late)
    assert error.value.code == "award.confirmation_period_over"
    assert "依据" in str(error.value.message)
    # when announced, the first candidate wins
    services.award_announce(actor=purchaser, procurement=opened, now=late)
    award.refresh_from_db()
    assert award.winner == award.first_candidate and award.confirmed is None


def test_all_bids_disqualified_fails_the_procurement(
    purchaser: Any, opened: Procurement, committee: Any
) -> None:
    evaluation = _start(purchaser, opened, committee)
    for user in committee.users:
        services.member_confirm_no_conflict(actor=user, evaluation=evaluation, no_conflict=True)
    for bid in _readouts(opened):
        services.review_record(
            actor=committee.users[1],
            evaluation=evaluation,
            readout=bid,
            kind="conformity",
            requirement="服务期限满足采购文件要求",
            passed=False,
            reason="服务期限不足",
        )
    for user in committee.users:
        services.scores_submit(actor=user, evaluation=evaluation, scores={})
    services.evaluation_report_build(actor=purchaser, evaluation=evaluation)
    opened.refresh_from_db()
    assert opened.status == ProcurementStatus.FAILED
    assert "服务期限不足" in evaluation.report.lots[0]["rejected"][0]["reasons"][0]


def test_permissions_and_validation(
    purchaser: Any, opened: Procurement, committee: Any, suppliers: list[Any], make_user: Any
) -> None:
    # a supplier cannot start an evaluation; weights must sum to 100; the price weight is legal
    with pytest.raises(PermissionDenied):
        services.evaluation_start(
            actor=suppliers[0], procurement=opened, draw=committee, factors=FACTORS, price_weight="0.3"
        )
    with pytest.raises(ServiceError) as error:
        services.evaluation_start(
            actor=purchaser, procurement=opened, draw=committee, factors=FACTORS, price_weight="0.2"
        )
    assert error.value.code == "evaluation.weights_not_100"
    with pytest.raises(ServiceError) as error:
        services.evaluation_start(
            actor=purchaser,
            procurement=opened,
            draw=committee,
            factors=[services.FactorInput("tech", "服务方案", Decimal("95"))],
            price_weight="0.05",
        )
    assert error.value.code == "scoring.weight_out_of_range"
    evaluation = _start(purchaser, opened, committee)
    bid = _readouts(opened)[0]
    # an expert not on the committee, and a member before confirming no conflict, are refused
    with pytest.raises(PermissionDenied):
        services.review_record(
            actor=make_user("expert", unit=None),
            evaluation=evaluation,
            readout=bid,
            kind="qualification",
            requirement="资格",
            passed=True,
        )
    with pytest.raises(PermissionDenied) as error:
        selectors.scores_visible(actor=suppliers[0], evaluation=evaluation)
    with pytest.raises(PermissionDenied) as error:
        services.scores_submit(actor=committee.users[0], evaluation=evaluation, scores={})
    assert error.value.code == "evaluation.conflict_not_confirmed"
    # a failed requirement needs a reason
    services.member_confirm_no_conflict(actor=committee.users[0], evaluation=evaluation, no_conflict=True)
    with pytest.raises(ServiceError) as error:
        services.review_record(
            actor=committee.users[0],
            evaluation=evaluation,
            readout=bid,
            kind="qualification",
            requirement="资格",
            passed=False,
        )
    assert error.value.code == "evaluation.reason_required"


def test_the_api_and_pages(
    client: Any, purchaser: Any, opened: Procurement, committee: Any, suppliers: list[Any]
) -> None:
    # given an evaluation started through the API by the purchaser
    client.force_login(purchaser)
    response = client.post(
        f"/api/v1/evaluation/{opened.pk}/start",
        {
            "draw_id": committee.pk,
            "factors": [
                {"code": "tech", "name": "服务方案", "max_points": "50"},
                {"code": "team", "name": "人员", "max_points": "20"},
            ],
            "price_weight": "0.30",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    # a supplier cannot read it; the pages render for the purchaser and a member
    client.force_login(suppliers[0])
    assert client.get(f"/api/v1/evaluation/{opened.pk}").status_code == 403
    client.force_login(purchaser)
    assert "评审委员会" in client.get(f"/evaluation/{opened.pk}/").content.decode()
    expert = committee.users[0]
    client.force_login(expert)
    assert (
        client.post(
            f"/api/v1/evaluation/{opened.pk}/conflict", {"no_conflict": True}, content_type="application/json"
        ).status_code
        == 200
    )
    page = client.get(f"/evaluation/{opened.pk}/").content.decode()
    assert "独立评分" in page
    assert client.get(f"/api/v1/evaluation/{opened.pk}/scores").json() == []
    # the challenge page shows the form with its citation to a supplier
    client.force_login(suppliers[0])
    page = client.get(f"/challenges/{opened.pk}/").content.decode()
    assert "第五十二条" in page
    response = client.post(
        f"/api/v1/challenges/{opened.pk}",
        {"subject": "process", "text": "开标程序"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert "第十三条" in response.json()["answer_citation"]
    # the documents: known when the documents' period ended, not when they were issued (IR §53(一))
    documents = client.post(
        f"/api/v1/challenges/{opened.pk}",
        {"subject": "documents", "text": "文件"},
        content_type="application/json",
    )
    assert opened.documents_until is not None
    assert documents.status_code == 201 and documents.json()["known_on"] == opened.documents_until.isoformat()
    early = client.post(
        f"/api/v1/challenges/{opened.pk}",
        {"subject": "result", "text": "结果"},
        content_type="application/json",
    )
    assert early.status_code == 400 and early.json()["error"]["code"] == "challenge.not_yet"
