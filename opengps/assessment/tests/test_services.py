"""Assessment services' refusals: screening with every reason and its article, who may apply, the
window, the assessors scoped to the round's body, the authority's scope, and the round's setup."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from opengps.accounts.models import Unit, User
from opengps.assessment import services
from opengps.assessment.models import ApplicationStatus, IndicatorSet, Round
from opengps.assessment.tests.conftest import SELF
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.demo import world
from opengps.registry import services as registry_services


def test_screening_refuses_with_every_reason_and_its_article(
    registrar: User, round_: Round, make_org: Any, make_user: Any
) -> None:
    # given a young organization on the abnormal-activity list
    org = make_org(name="新成立的服务中心", founded_on=date(2026, 1, 5))
    registry_services.credit_list(
        actor=registrar,
        organization=org,
        kind="abnormal",
        reason="unreachable",
        decision_document="湘民异决〔2027〕1号",
        listed_on=date(2027, 2, 1),
    )
    member = make_user("supplier", unit=None, organization=org)
    application = services.application_submit(actor=member, round=round_, self_scores=SELF)
    # when the authority screens it
    screened = services.application_screen(actor=registrar, application=application)
    # then it is not accepted, with both reasons and their citations kept on the application
    assert screened.status == ApplicationStatus.INELIGIBLE
    codes = [r["code"] for r in screened.screening_reasons]
    assert codes == ["assessment.registered_too_recently", "eligibility.abnormal_list"]
    assert "民政部令第39号" in screened.screening_reasons[0]["citation"]
    assert "民政部令第60号" in screened.screening_reasons[1]["citation"]


def test_who_may_apply_and_when(
    registrar: User,
    round_: Round,
    applicant: Callable[..., User],
    make_user: Any,
    clock_at: Callable[..., None],
) -> None:
    agency_member = applicant()
    foundation_member = applicant(org_type="foundation", name="湖南省助学基金会")
    with pytest.raises(ServiceError) as other_type:
        services.application_submit(actor=foundation_member, round=round_, self_scores=SELF)
    assert other_type.value.code == "assessment.org_not_in_round"
    with pytest.raises(PermissionDenied) as official:
        services.application_submit(actor=registrar, round=round_, self_scores=SELF)
    assert official.value.code == "perm.denied"
    with pytest.raises(ServiceError) as unscored:
        services.application_submit(actor=agency_member, round=round_, self_scores={"A1": "100"})
    assert unscored.value.code == "assessment.score_missing" and unscored.value.field == "self_scores.B1"
    services.application_submit(actor=agency_member, round=round_, self_scores=SELF)
    with pytest.raises(Conflict) as twice:
        services.application_submit(actor=agency_member, round=round_, self_scores=SELF)
    assert twice.value.code == "assessment.already_applied"
    late_member = applicant()
    clock_at(date(2027, 4, 1), tick=False)
    with pytest.raises(Conflict) as late:
        services.application_submit(actor=late_member, round=round_, self_scores=SELF)
    assert late.value.code == "assessment.window_closed"


def test_only_the_rounds_body_scores_and_only_its_authority_screens(
    registrar: User,
    round_: Round,
    applicant: Callable[..., User],
    make_user: Any,
) -> None:
    application = services.application_submit(actor=applicant(), round=round_, self_scores=SELF)
    cs_registrar = make_user("registration", unit="cs_civil")
    with pytest.raises(PermissionDenied) as other_authority:
        services.application_screen(actor=cs_registrar, application=application)
    assert other_authority.value.code == "assessment.out_of_scope"
    services.application_screen(actor=registrar, application=application)
    other_body = Unit.objects.create(name="另一家评估公司", kind=Unit.Kind.EVALUATOR, region_id="430100")
    outsider = world.evaluator_create(other_body, username="outsider")
    with pytest.raises(PermissionDenied) as not_ours:
        services.sheet_submit(
            actor=outsider,
            application=application,
            scores=SELF,
            visited_on=date(2027, 3, 1),
            visit_record="考察",
        )
    assert not_ours.value.code == "assessment.not_assessor"


def test_a_round_needs_an_evaluator_body_a_reason_and_a_set_in_force(
    registrar: User, indicator_set: IndicatorSet, evaluator_unit: Unit, units: Any
) -> None:
    values: dict[str, Any] = {
        "actor": registrar,
        "name": "评估",
        "registration_level": "province",
        "indicator_set": indicator_set,
        "opens_on": date(2027, 3, 1),
        "closes_on": date(2027, 3, 31),
        "body": evaluator_unit,
        "body_reason": "理由",
    }
    refusals = [
        ({"body": units["cs_civil"]}, "assessment.body_invalid"),
        ({"body_reason": "  "}, "assessment.body_reason_required"),
        ({"opens_on": date(2026, 12, 1), "closes_on": date(2027, 1, 31)}, "assessment.set_not_in_force"),
        ({"closes_on": date(2027, 2, 1)}, "assessment.dates_invalid"),
        ({"assessors_required": 6}, "assessment.assessors_invalid"),
        ({"registration_level": "national"}, "assessment.level_invalid"),
    ]
    for change, code in refusals:
        with pytest.raises(ServiceError) as caught:
            services.round_open(**{**values, **change})
        assert caught.value.code == code, change
    assert Round.objects.count() == 0
