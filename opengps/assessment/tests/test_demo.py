"""The assessment demo loads through the services, once: a round open today with applications in
several states, a declared link, two assessed at different levels — and a second load adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from opengps.accounts.models import Unit, User
from opengps.assessment import demo
from opengps.assessment.models import Application, ApplicationStatus, Link, Round, ScoreSheet
from opengps.demo import world

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once(
    today: date, registrar: User, applicant: Callable[..., User], evaluator_unit: Unit, make_org: Any
) -> None:
    # given five organizations that may apply and one registered too recently
    for n in range(5):
        applicant(name=f"演示社会服务机构{n}")
    make_org(name="新近登记的服务中心", founded_on=date(2026, 9, 1))
    evaluator = world.evaluator_create(evaluator_unit, username="evaluator")
    context = SimpleNamespace(
        users={"registrar": registrar, "evaluator": evaluator}, counts={}, extra_logins=[]
    )

    # when the demo loads
    demo.load(context)

    # then one round holds six applications in five states
    round_ = Round.objects.get(name=demo.ROUND_NAME)
    states = sorted(Application.objects.filter(round=round_).values_list("status", flat=True))
    assert states == sorted(
        [
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.ELIGIBLE,
            ApplicationStatus.ELIGIBLE,
            ApplicationStatus.ASSESSED,
            ApplicationStatus.ASSESSED,
            ApplicationStatus.INELIGIBLE,
        ]
    )
    refused = Application.objects.get(status=ApplicationStatus.INELIGIBLE)
    assert refused.organization.name == "新近登记的服务中心"
    assert [r["code"] for r in refused.screening_reasons] == ["assessment.registered_too_recently"]
    scores = Application.objects.filter(status=ApplicationStatus.ASSESSED).values_list("score", flat=True)
    assert sorted(str(s) for s in scores) == ["500.00", "935.00"]  # 50 % and 93.5 % of 1000 on average
    assert ScoreSheet.objects.count() == 5 and Link.objects.count() == 1
    assert context.counts == {"assessment_rounds": 1, "assessment_applications": 6}
    assert [login.username for login in context.extra_logins] == ["assessor2"]

    # and a second load adds nothing
    demo.load(context)
    assert Round.objects.count() == 1 and Application.objects.count() == 6
