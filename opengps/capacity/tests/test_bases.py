"""Incubation bases and community organizations, end to end through the services: a base from its
subsidies to a graduate organization that wins a purchase (the outcome counts it, and the yearly
assessment keeps it); a community organization filed, supported by a base, then registered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.accounts.models import Region, User
from opengps.capacity import selectors, services
from opengps.capacity.models import BaseAssessment, IncubationBase, Township
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.demo.world import Organizations
from opengps.evaluation.models import Award
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db

INDICATORS = [
    {"name": "孵化成效", "full_marks": "40", "score": "36"},
    {"name": "规范管理", "full_marks": "30", "score": "26.5"},
    {"name": "服务能力", "full_marks": "30", "score": "25"},
]


def _base(actor: User, operator: Organization, opened_on: date) -> IncubationBase:
    return services.base_create(
        actor=actor,
        name="岳麓区社会组织孵化基地",
        level="county",
        region=Region.objects.get(pk="430104"),
        operator=operator,
        opened_on=opened_on,
        services="入驻孵化、能力培训、公益创投",
    )


def test_a_base_from_subsidy_to_a_graduate_organization_that_wins_a_purchase(
    award: Award,
    registrar: User,
    make_org: Organizations,
    clock_at: Callable[..., None],
) -> None:
    # given the award of a lot to an organization, decided on `won`
    assert award.winner is not None and award.decided_on is not None
    winner = award.winner.organization
    won = award.decided_on
    clock_at(won + timedelta(days=10), tick=False)
    # and a base subsidized by the province for two years
    base = _base(registrar, make_org(name="岳麓区公益发展中心"), won - timedelta(days=800))
    for year, amount in ((won.year - 1, "500000"), (won.year, "300000.50")):
        services.subsidy_allocate(actor=registrar, base=base, year=year, amount=amount, purpose="场地与培训")
    # and three incubatees: the future winner, another organization and a group not yet registered
    other = make_org(name="星光青少年服务社")
    entered = won - timedelta(days=400)
    incubated = [
        services.incubatee_enter(actor=registrar, base=base, entered_on=entered, organization=winner),
        services.incubatee_enter(actor=registrar, base=base, entered_on=entered, organization=other),
        services.incubatee_enter(actor=registrar, base=base, entered_on=entered, group_name="银龄互助队"),
    ]
    # when two of them graduate a month before the award
    for item in incubated[:2]:
        services.incubatee_graduate(actor=registrar, incubatee=item, graduated_on=won - timedelta(days=30))
    # then the day before the award no graduate has won a purchase yet
    before = selectors.base_outcomes(base, until=won - timedelta(days=1))
    assert (before.incubatees, before.graduates, before.registered, before.won_purchase) == (3, 2, 2, 0)
    # and from the award on the outcome counts the winner, and only it
    after = selectors.base_outcomes(base, until=won)
    assert (after.graduates, after.won_purchase, after.winners) == (2, 1, [winner.name])
    # which equals an independent count from the same data
    graduated_orgs = {i.organization_id for i in base.incubatees.filter(graduated_on__isnull=False)}
    winners = set(
        Award.objects.filter(
            winner__organization_id__in=graduated_orgs, decided_on__gte=won - timedelta(days=30)
        ).values_list("winner__organization_id", flat=True)
    )
    assert len(winners) == after.won_purchase
    # when the registration authority assesses the base for the year through the API
    client = Client()
    client.force_login(registrar)
    answer = client.post(
        f"/api/v1/capacity/bases/{base.pk}/assessments",
        {"year": won.year, "indicators": INDICATORS, "notes": "孵化成效明显"},
        content_type="application/json",
    )
    # then the assessment keeps the total, the grade and the outcome as of that day
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["total"], body["grade"], body["grade_label"]) == ("87.50", "good", "良好")
    assert (body["graduates"], body["registered"], body["won_purchase"]) == (2, 2, 1)
    # and the base's page in the API shows its money and its results
    page = client.get(f"/api/v1/capacity/bases/{base.pk}").json()
    assert [s["amount"] for s in page["subsidies"]] == ["300000.50", "500000.00"]
    assert page["outcomes"]["won_purchase"] == 1 and page["outcomes"]["winners"] == [winner.name]
    assert page["assessments"][0]["year"] == won.year
    assert [b["name"] for b in client.get("/api/v1/capacity/bases").json()] == [base.name]
    # and the timeline reads from the base to its assessment
    actions = list(
        AuditEvent.objects.filter(object_type="capacity.incubationbase", object_id=str(base.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "capacity_base.created",
        "capacity_subsidy.allocated",
        "capacity_subsidy.allocated",
        "capacity_base.assessed",
    ]


@pytest.fixture
def base(today: date, registrar: User, operator: Organization) -> IncubationBase:
    return _base(registrar, operator, date(2020, 5, 1))


def _assess(actor: User, base: IncubationBase, year: int = 2026, **kw: Any) -> BaseAssessment:
    indicators = kw.pop("indicators", [(i["name"], i["full_marks"], i["score"]) for i in INDICATORS])
    return services.base_assess(actor=actor, base=base, year=year, indicators=indicators, **kw)


def test_a_base_is_assessed_once_a_year(base: IncubationBase, registrar: User) -> None:
    made = _assess(registrar, base)
    assert (made.total, made.grade, made.won_purchase) == (Decimal("87.50"), "good", 0)
    with pytest.raises(Conflict) as refused:
        _assess(registrar, base)
    assert (refused.value.code, refused.value.field) == ("capacity.assessment_exists", "year")


@pytest.mark.parametrize(
    ("year", "indicators", "code"),
    [
        (2028, None, "capacity.year_invalid"),  # a year not begun
        (2019, None, "capacity.year_invalid"),  # before the base opened
        (2026, [("综合", "90", "80")], "capacity.assessment_invalid"),  # full marks add up to 90
        (2026, [("综合", "100", "一百")], "capacity.assessment_invalid"),
        (2026, [], "capacity.assessment_invalid"),
    ],
)
def test_a_bad_assessment_is_refused(
    base: IncubationBase, registrar: User, year: int, indicators: Any, code: str
) -> None:
    kw = {} if indicators is None else {"indicators": indicators}
    with pytest.raises(ServiceError) as refused:
        _assess(registrar, base, year, **kw)
    assert refused.value.code == code
    assert not BaseAssessment.objects.exists()


def test_the_api_refuses_a_bad_assessment_beside_the_indicators(
    base: IncubationBase, registrar: User
) -> None:
    client = Client()
    client.force_login(registrar)
    bad = [{"name": "综合", "full_marks": "100", "score": "101"}]
    answer = client.post(
        f"/api/v1/capacity/bases/{base.pk}/assessments",
        {"year": 2026, "indicators": bad},
        content_type="application/json",
    )
    error = answer.json()["error"]
    assert (answer.status_code, error["code"], error["field"]) == (
        400,
        "capacity.assessment_invalid",
        "indicators",
    )
    assert "得分应在0到满分之间" in error["message"]


def test_only_the_bases_region_assesses_it(
    base: IncubationBase, make_user: Callable[..., User], finance: User
) -> None:
    with pytest.raises(PermissionDenied):
        _assess(finance, base)
    client = Client()
    client.force_login(make_user("purchaser"))
    assert client.get(f"/api/v1/capacity/bases/{base.pk}").status_code == 403


def test_a_community_organization_filed_supported_then_registered(
    today: date,
    registrar: User,
    townships: dict[str, Township],
    base: IncubationBase,
    make_org: Organizations,
) -> None:
    # given a community organization filed with 岳麓街道 (备案, not registered)
    filing = services.filing_create(
        actor=registrar,
        township=townships["430104001"],
        name="桃子湖社区邻里互助会",
        kind="service",
        responsible_person="李红",
        filed_on=date(2025, 3, 1),
        community="桃子湖社区",
        activity_area="桃子湖社区",
    )
    # when the base supports it: it enters as a group not yet registered
    group = services.incubatee_enter(
        actor=registrar, base=base, entered_on=date(2025, 4, 1), group_name=filing.name
    )
    assert selectors.base_outcomes(base, until=date(2026, 12, 31)).registered == 0
    # and it registers as a social organization, and graduates as that organization
    organization = make_org(name=filing.name, founded_on=date(2026, 5, 20))
    services.filing_register(actor=registrar, filing=filing, organization=organization)
    services.incubatee_graduate(
        actor=registrar, incubatee=group, graduated_on=date(2026, 6, 1), organization=organization
    )
    # then the filing is linked to the registry as of its registration day
    filing.refresh_from_db()
    assert (filing.organization_id, filing.registered_on) == (organization.pk, date(2026, 5, 20))
    # and the base's outcome counts a registered graduate, not yet a winner
    outcome = selectors.base_outcomes(base, until=date(2026, 12, 31))
    assert (outcome.graduates, outcome.registered, outcome.won_purchase) == (1, 1, 0)
    # and each step is on the timeline
    actions = set(AuditEvent.objects.filter(action__startswith="capacity_").values_list("action", flat=True))
    assert {
        "capacity_filing.created",
        "capacity_incubatee.entered",
        "capacity_filing.registered",
        "capacity_incubatee.graduated",
    } <= actions
