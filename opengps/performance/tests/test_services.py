"""Performance services: templates, the parties' scores, the survey, the composite, the credit loop."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent, RateLimitWindow
from opengps.demo.world import INDICATORS, SOURCE_WEIGHTS
from opengps.performance import selectors, services
from opengps.performance.models import (
    EvaluationStatus,
    HistoryEntry,
    IndicatorTemplate,
    ListingRecommendation,
    RecommendationStatus,
    SurveyResponse,
)

pytestmark = pytest.mark.django_db
D = Decimal


def timeline(obj: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


# ---------------------------------------------------------------------------------------------
# Templates


def test_finance_saves_a_template_and_the_audit_keeps_old_and_new(finance_user: Any, template: Any) -> None:
    # given a saved template, when the finance department edits a weight pair
    edited = [dict(i) for i in INDICATORS]
    edited[1]["weight"], edited[2]["weight"] = "40", "60"
    services.template_save(
        actor=finance_user,
        template=template,
        name="通用绩效指标",
        indicators=edited,
        source_weights=SOURCE_WEIGHTS,
    )
    # then the change is stored and audited with both versions
    template.refresh_from_db()
    assert template.indicators[1]["weight"] == "40"
    assert timeline(template) == ["performance.template_saved", "performance.template_saved"]
    last = AuditEvent.objects.filter(action="performance.template_saved").order_by("-seq").first()
    assert last is not None and last.old_values["indicators"][1]["weight"] == "50"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (lambda items, w: items[0].update(weight="50"), "performance.weights_not_100", "indicators"),
        (lambda items, w: items[1].update(weight="45"), "performance.weights_not_100", "indicators"),
        (lambda items, w: w.update(self=D(20)), "performance.weights_not_100", "source_weights"),
    ],
    ids=["first-level", "children", "parties"],
)
def test_weights_not_summing_to_100_are_refused_with_a_clear_error(
    finance_user: Any, change: Any, code: str, field: str
) -> None:
    # given indicators or party weights that do not add up to 100
    items = [dict(i) for i in INDICATORS]
    weights = dict(SOURCE_WEIGHTS)
    change(items, weights)
    # when the finance department saves, then it is refused, naming the total, and nothing is stored
    with pytest.raises(ServiceError) as err:
        services.template_save(actor=finance_user, name="错误模板", indicators=items, source_weights=weights)
    assert (err.value.code, err.value.field) == (code, field)
    assert "应为 100" in str(err.value.message)
    assert not IndicatorTemplate.objects.exists()
    assert not AuditEvent.objects.filter(action="performance.template_saved").exists()


def test_only_the_finance_department_edits_templates(purchaser: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.template_save(
            actor=purchaser, name="x", indicators=INDICATORS, source_weights=SOURCE_WEIGHTS
        )


def test_one_active_template_per_category(finance_user: Any, template: Any) -> None:
    with pytest.raises(ServiceError) as err:
        services.template_save(
            actor=finance_user, name="另一个", indicators=INDICATORS, source_weights=SOURCE_WEIGHTS
        )
    assert err.value.code == "performance.template_exists"


# ---------------------------------------------------------------------------------------------
# Evaluation, parties, composite


RAW = {
    "self": {"quantity": "100", "quality.complaints": "95", "benefit": "90"},
    "purchaser": {"quantity": "90", "quality.complaints": "85.5", "benefit": "80"},
    "third_party": {"quantity": "85", "quality.complaints": "80", "benefit": "77.25"},
}
MEASURED = {"self": "99", "purchaser": "90", "third_party": "80"}  # 达标率 → 100 / 80 / 0 by the guide
POINTS = {"self": D(100), "purchaser": D(80), "third_party": D(0)}
ANSWERS = [5, 5, 4, 3, 2]  # → 100, 100, 80, 60, 30


def _submit_all(evaluation: Any, users: dict[str, Any]) -> None:
    for party, user in users.items():
        services.evaluation_score_submit(
            actor=user,
            evaluation=evaluation,
            scores=RAW[party],
            measured={"quality.rate": MEASURED[party]},
            comment=f"{party} 意见",
        )


def _answer(evaluation: Any, codes: list[str], answers: list[int], source: str = "10.0.0.1") -> None:
    for code, answer in zip(codes, answers, strict=False):
        services.survey_answer(token=evaluation.survey_token, code=code, answer=answer, source=source)


def _independent_score() -> Decimal:
    """The composite from the raw inputs, computed here without the rules module."""
    weights = {"self": D(10), "purchaser": D(50), "third_party": D(40)}

    def leaf(code: str) -> Decimal:
        if code == "quality.rate":
            return sum((POINTS[p] * weights[p] for p in weights), D(0)) / 100
        return sum((D(RAW[p][code]) * weights[p] for p in weights), D(0)) / 100

    satisfaction = D(100 + 100 + 80 + 60 + 30) / 5
    # shares of the whole: quantity 60×50%, rate 60×50%×40%, complaints 60×50%×60%,
    # benefit 30, satisfaction 10
    raw = (
        leaf("quantity") * 30
        + leaf("quality.rate") * 12
        + leaf("quality.complaints") * 18
        + leaf("benefit") * 30
        + satisfaction * 10
    ) / 100
    return raw.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def test_composite_equals_an_independent_calculation_with_the_audit_timeline(
    purchaser: Any, winner_user: Any, evaluator_user: Any, evaluation: Any
) -> None:
    # given three parties' scores and five recipients' answers
    _submit_all(evaluation, {"self": winner_user, "purchaser": purchaser, "third_party": evaluator_user})
    codes = services.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=8)
    _answer(evaluation, codes, ANSWERS)
    # when the purchaser finalizes
    done = services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    # then the score equals the independent calculation, graded by RULES §10
    expected = _independent_score()
    assert done.score == expected
    assert done.grade == (
        "优" if expected >= 90 else "良" if expected >= 80 else "中" if expected >= 60 else "差"
    )
    assert done.satisfaction == D("74.00")
    assert done.status == EvaluationStatus.FINALIZED and not done.survey_open
    # and the supplier's history records it
    entry = HistoryEntry.objects.get(evaluation=done)
    assert (entry.grade, entry.score, entry.kind) == (done.grade, done.score, "grade")
    assert selectors.supplier_history(evaluation.contract.supplier) == [entry]
    assert timeline(evaluation) == [
        "performance.evaluation_created",
        "performance.self_submitted",
        "performance.purchaser_submitted",
        "performance.third_party_submitted",
        "performance.codes_issued",
        *["performance.survey_answered"] * 5,
        "performance.finalized",
    ]
    # and publishing makes it public
    services.evaluation_publish(actor=purchaser, evaluation=done)
    assert list(selectors.published()) == [done]
    assert timeline(evaluation)[-1] == "performance.published"


def test_the_survey_event_holds_no_personal_data(purchaser: Any, evaluation: Any) -> None:
    codes = services.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=1)
    services.survey_answer(
        token=evaluation.survey_token, code=codes[0], answer=4, comment="张三 13800000000", source="10.1.1.1"
    )
    event = AuditEvent.objects.get(action="performance.survey_answered")
    text = str(event.new_values) + event.reason + event.actor_label
    assert codes[0] not in text and "张三" not in text and "10.1.1.1" not in text
    assert event.new_values == {"responses": 1}


def test_a_recipient_code_cannot_answer_twice(purchaser: Any, evaluation: Any) -> None:
    # given a code that has answered
    codes = services.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=2)
    services.survey_answer(token=evaluation.survey_token, code=codes[0], answer=5, source="10.0.0.2")
    # when it answers again (in lower case, from another address), then it is refused
    with pytest.raises(ServiceError) as err:
        services.survey_answer(
            token=evaluation.survey_token, code=codes[0].lower(), answer=1, source="10.0.0.3"
        )
    assert err.value.code == "performance.code_used"
    # and an unknown code is refused too; one answer stands
    with pytest.raises(ServiceError) as err:
        services.survey_answer(token=evaluation.survey_token, code="NOTACODE", answer=1, source="10.0.0.4")
    assert err.value.code == "performance.code_invalid"
    assert list(SurveyResponse.objects.values_list("answer", flat=True)) == [5]
    assert timeline(evaluation).count("performance.survey_answered") == 1


def test_a_flood_from_one_source_is_throttled_and_does_not_change_the_result(
    purchaser: Any, evaluation: Any
) -> None:
    # given many valid codes in the hands of one source
    codes = services.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=30)
    limit, _window = services.SURVEY_RATE
    # when it posts 30 times within the window
    accepted, throttled = 0, 0
    for code in codes:
        try:
            services.survey_answer(token=evaluation.survey_token, code=code, answer=1, source="203.0.113.9")
            accepted += 1
        except ServiceError as exc:
            assert exc.code == "performance.survey_throttled"
            throttled += 1
    # then only the first `limit` count; the rest change nothing
    assert (accepted, throttled) == (limit, 30 - limit)
    assert SurveyResponse.objects.filter(evaluation=evaluation).count() == limit
    # and a genuine recipient elsewhere still gets through with an unused code
    services.survey_answer(token=evaluation.survey_token, code=codes[-1], answer=5, source="198.51.100.7")
    assert SurveyResponse.objects.filter(evaluation=evaluation).count() == limit + 1
    assert RateLimitWindow.objects.filter(key__startswith="performance.survey:").exists()


def test_only_the_parties_score_once_each(
    purchaser: Any, winner_user: Any, evaluation: Any, make_user: Any, evaluator_user: Any
) -> None:
    outsider = make_user("purchaser", unit="finance")
    with pytest.raises(PermissionDenied):
        services.evaluation_score_submit(actor=outsider, evaluation=evaluation, scores=RAW["purchaser"])
    services.evaluation_score_submit(
        actor=purchaser, evaluation=evaluation, scores={**RAW["purchaser"], "quality.rate": "70"}
    )
    with pytest.raises(ServiceError) as err:
        services.evaluation_score_submit(
            actor=purchaser, evaluation=evaluation, scores={**RAW["purchaser"], "quality.rate": "70"}
        )
    assert err.value.code == "performance.already_submitted"
    with pytest.raises(ServiceError) as err:
        services.evaluation_score_submit(actor=winner_user, evaluation=evaluation, scores={"quantity": "90"})
    assert err.value.code == "performance.score_missing"
    with pytest.raises(ServiceError) as err:
        services.evaluation_score_submit(
            actor=evaluator_user, evaluation=evaluation, scores={**RAW["purchaser"], "quality.rate": "170"}
        )
    assert err.value.code == "performance.score_invalid"


def test_finalize_needs_the_purchaser_the_evaluator_and_the_survey(
    purchaser: Any, evaluator_user: Any, evaluation: Any
) -> None:
    with pytest.raises(ServiceError) as err:
        services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    assert err.value.code == "performance.purchaser_missing"
    services.evaluation_score_submit(
        actor=purchaser, evaluation=evaluation, scores=RAW["purchaser"], measured={"quality.rate": "96"}
    )
    with pytest.raises(ServiceError) as err:
        services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    assert err.value.code == "performance.third_party_missing"
    services.evaluation_score_submit(
        actor=evaluator_user,
        evaluation=evaluation,
        scores=RAW["third_party"],
        measured={"quality.rate": "96"},
    )
    with pytest.raises(ServiceError) as err:
        services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    assert err.value.code == "performance.no_responses"
    assert evaluation.status == EvaluationStatus.OPEN
    assert timeline(evaluation)[-1] == "performance.third_party_submitted"


# ---------------------------------------------------------------------------------------------
# Credit loop


def test_a_poor_grade_flags_and_repeated_failures_recommend_listing_linked_both_ways(
    registrar: Any, contract: Any, make_user: Any
) -> None:
    from opengps.registry import services as registry_services

    org = contract.supplier
    official = make_user("finance", unit="finance")
    today = date.today()
    # given a first 差 grade: flagged, no recommendation yet
    first = services.performance_history_record(
        actor=official,
        organization=org,
        source="grant",
        reference="GR-1",
        grade="差",
        score=D("55"),
        occurred_on=today - timedelta(days=200),
    )
    assert first.flagged and not ListingRecommendation.objects.exists()
    # when a second failure follows within three years
    services.performance_history_record(
        actor=official,
        organization=org,
        source="contract",
        reference="HT-9",
        kind="terminated",
        occurred_on=today - timedelta(days=10),
    )
    # then a recommendation goes to the registration authority
    rec = ListingRecommendation.objects.get(organization=org)
    assert rec.status == RecommendationStatus.PENDING and rec.entries.count() == 2
    actions = timeline(org)
    assert actions[-5:] == [
        "performance.history_recorded",
        "performance.flagged",
        "performance.history_recorded",
        "performance.flagged",
        "performance.recommendation_made",
    ]
    # when the authority lists it following the recommendation
    listing = registry_services.credit_list(
        actor=registrar,
        organization=org,
        kind="abnormal",
        reason="绩效评价多次不合格",
        decision_document="湘民决〔2025〕1号",
        listed_on=today,
        recommendation=rec,
    )
    # then the link goes both ways and the recommendation is decided
    rec.refresh_from_db()
    assert listing.recommendation == rec and list(rec.listings.all()) == [listing]
    assert rec.status == RecommendationStatus.LISTED
    assert timeline(org)[-2:] == ["performance.recommendation_listed", "registry.credit_listed"]


def test_history_record_is_idempotent_and_checks_its_input(contract: Any, make_user: Any) -> None:
    official = make_user("finance", unit="finance")
    org = contract.supplier
    kwargs: dict[str, Any] = {
        "organization": org,
        "source": "grant",
        "reference": "GR-2",
        "occurred_on": date.today(),
    }
    one = services.performance_history_record(actor=official, grade="良", **kwargs)
    two = services.performance_history_record(actor=official, grade="良", **kwargs)
    assert one == two and HistoryEntry.objects.filter(organization=org).count() == 1
    with pytest.raises(ServiceError) as err:
        services.performance_history_record(actor=official, grade="甲", **{**kwargs, "reference": "GR-3"})
    assert err.value.code == "performance.grade_invalid"


def test_the_registration_authority_may_decline(registrar: Any, contract: Any) -> None:
    org = contract.supplier
    for n in range(2):
        services.performance_history_record(
            actor=None,
            organization=org,
            source="grant",
            reference=f"GR-{n}",
            grade="差",
            occurred_on=date.today(),
        )
    rec = ListingRecommendation.objects.get(organization=org)
    with pytest.raises(ServiceError):
        services.recommendation_decline(actor=registrar, recommendation=rec, note=" ")
    services.recommendation_decline(actor=registrar, recommendation=rec, note="已整改到位")
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.DECLINED and rec.decided_by == registrar
    assert timeline(org)[-1] == "performance.recommendation_declined"


# ---------------------------------------------------------------------------------------------
# Experts' conduct


def test_purchaser_rates_experts_within_five_working_days(purchaser: Any, award: Any, make_user: Any) -> None:
    from opengps.rules import calendar

    member = award.evaluation.members.order_by("pk").first()
    ended = award.evaluation.report.scoring_ended_on
    due = calendar.add_working_days(ended, 5)
    # given a rating on time, and another after the deadline
    on_time = services.expert_conduct_rate(actor=purchaser, member=member, rating="good", today=ended)
    assert (on_time.due_on, on_time.late) == (due, False)
    second = award.evaluation.members.order_by("pk")[1]
    late = services.expert_conduct_rate(
        actor=purchaser,
        member=second,
        rating="poor",
        note="评审中发表倾向性意见",
        today=due + timedelta(days=1),
    )
    assert late.late
    # then both are audited and visible to the finance department, not to other purchasers
    assert timeline(member) == ["expert_conduct.rated"]
    finance_user = make_user("finance", unit="finance")
    assert set(selectors.conduct_records(actor=finance_user)) == {on_time, late}
    assert not selectors.conduct_records(actor=make_user("purchaser", unit="finance")).exists()
    with pytest.raises(Conflict):
        services.expert_conduct_rate(actor=purchaser, member=member, rating="fair")
    third = award.evaluation.members.order_by("pk")[2]
    with pytest.raises(ServiceError) as err:
        services.expert_conduct_rate(actor=purchaser, member=third, rating="poor")
    assert err.value.code == "expert_conduct.note_required"
    with pytest.raises(PermissionDenied):
        services.expert_conduct_rate(actor=finance_user, member=third, rating="good")
