"""The platform's facts beside the indicators (issue 24 §2): an assessor scoring an organization sees
its performance grades, credit listings and penalties, opinion alerts and residents' ratings and
complaints — labels, dates, links — grouped by the section they inform, on the sheet, the
application page and the API; never another organization's; in a constant number of queries.

The world's published contract (real clock: it runs from 60 days before today) gives its supplier
public money, so a negative item raises an alert and residents may rate the service; the round is
opened today, whatever day the suite runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opengps.accounts.models import Unit, User
from opengps.assessment import facts, hooks, services
from opengps.assessment.models import Application, ApplicationStatus, Round
from opengps.assessment.tests.conftest import ITEMS, SELF
from opengps.contracts.models import Contract
from opengps.core import clock
from opengps.demo import world
from opengps.demo.world import Organizations, Users
from opengps.opinion import services as opinion
from opengps.performance.models import HistoryKind, HistorySource
from opengps.performance.services import performance_history_record
from opengps.registry import services as registry
from opengps.registry.models import Organization
from opengps.residents import services as residents
from opengps.rules.eligibility import latest_report_due

NEGATIVE_FEES = "{name}被家长投诉违规收费，区教育局已介入调查。"
NEGATIVE_SAFETY = "{name}一名老人在洗澡时滑倒受伤，家属质疑安全管理存在隐患。"
API = "/api/v1/assessment"


def _reports(registrar: User, org: Organization, today: date) -> None:
    """The two latest annual reports due by today, passed: the screening admits the organization (a
    social service agency, as the world's organizations are)."""
    assert org.org_type == "social_service_agency"
    year, _due, _citation = latest_report_due("social_service_agency", today)
    for y in (year - 1, year):
        registry.annual_report_record(
            actor=registrar, organization=org, year=y, submitted_on=date(y + 1, 1, 15), result="qualified"
        )


def _admitted(registrar: User, member: User, round_: Round) -> Application:
    assert member.organization is not None
    _reports(registrar, member.organization, clock.today())
    app = services.application_submit(actor=member, round=round_, self_scores=SELF, self_note="")
    app = services.application_screen(actor=registrar, application=app)
    assert app.status == ApplicationStatus.ELIGIBLE, app.screening_reasons
    return app


@dataclass
class World:
    round: Round
    app: Application
    other: Application
    contract: Contract
    assessor: User
    member: User


@pytest.fixture
def live_round(registrar: User, evaluator_unit: Unit) -> Round:
    today = clock.today()
    indicator_set = services.indicator_set_create(
        actor=registrar,
        org_type="social_service_agency",
        name="社会服务机构评估指标",
        effective_from=today,
        total_points=Decimal(1000),
        items=ITEMS,
    )
    return services.round_open(
        actor=registrar,
        name="省级社会服务机构等级评估",
        registration_level="province",
        indicator_set=indicator_set,
        opens_on=today,
        closes_on=today + timedelta(days=30),
        body=evaluator_unit,
        body_reason="经政府购买服务确定",
        assessors_required=2,
    )


@pytest.fixture
def facts_world(
    registrar: User,
    contract: Contract,
    winner_user: User,
    live_round: Round,
    evaluator_unit: Unit,
    make_org: Organizations,
    make_user: Users,
) -> World:
    """The contract's supplier and another organization, both admitted to the round; each then has
    records on the platform (the screening ran before the listings, which would refuse it)."""
    today = clock.today()
    app = _admitted(registrar, winner_user, live_round)
    other_member = make_user("supplier", unit=None, organization=make_org(name="长沙市另一家养老服务中心"))
    other = _admitted(registrar, other_member, live_round)
    supplier = contract.supplier
    performance_history_record(
        actor=registrar,
        organization=supplier,
        source=HistorySource.CONTRACT,
        reference=contract.reference,
        grade="良",
        score=Decimal("86.50"),
        occurred_on=today,
    )
    registry.credit_list(
        actor=registrar,
        organization=supplier,
        kind="abnormal",
        reason="未按规定报送年度工作报告",
        decision_document="湘民异〔本年〕1号",
        listed_on=today,
    )
    source = opinion.source_create(actor=registrar, name="人工录入", kind="manual")
    text = NEGATIVE_FEES.format(name=supplier.name)
    collected = opinion.items_collect(
        actor=registrar, source=source, incoming=[opinion.Incoming(title=text[:30], text=text)]
    )
    assert collected.alerts, "the supplier has a live contract: the negative item raises an alert"
    residents.feedback_rate(source="contract", pk=contract.pk, stars=4, client="10.0.0.1")
    residents.feedback_rate(source="contract", pk=contract.pk, stars=5, client="10.0.0.2")
    # The other organization's own records, which must never show on the supplier's pages.
    registry.credit_list(
        actor=registrar,
        organization=other.organization,
        kind="serious",
        reason="弄虚作假骗取政府购买服务资金",
        decision_document="湘民严〔他人〕9号",
        listed_on=today,
    )
    performance_history_record(
        actor=registrar,
        organization=other.organization,
        source=HistorySource.CONTRACT,
        reference="OTHER-CONTRACT-77",
        kind=HistoryKind.ACCEPTANCE_FAILED,
        occurred_on=today,
    )
    assessor = world.evaluator_create(evaluator_unit, username="facts_assessor")
    return World(live_round, app, other, contract, assessor, winner_user)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_assessor_sees_each_fact_beside_its_section_and_no_other_organizations(
    facts_world: World,
) -> None:
    # given: the supplier's grade, listing, alert and residents' ratings (facts_world)
    w = facts_world
    # when: the assessor opens the scoring sheet
    page = _client(w.assessor).get(f"/assessment/applications/{w.app.pk}/score/")
    # then: each fact shows with its label, date and link to the record
    assert page.status_code == 200
    html = page.content.decode()
    today = clock.today().isoformat()
    assert "平台掌握的情况" in html and "不自动计入得分" in html
    assert "绩效评价等级：良" in html and w.contract.reference in html and "得分 86.50" in html
    assert "活动异常名录" in html and "湘民异〔本年〕1号" in html
    assert f"/registry/org/{w.app.organization.uscc}/#credit" in html
    assert "舆情预警：违规收费（待研判）" in html
    assert f"居民评价：{w.contract.title}" in html and "共 2 条，平均 4.5 星" in html
    assert f"/contracts/public/{w.contract.pk}/" in html
    assert today in html
    # labels, never codes
    assert "abnormal" not in html and "performance.grade" not in html and "opinion.alert" not in html
    # beside the relevant indicators: the social facts before D1's box, the performance ones before C1's
    social, performance = html.index("舆情预警"), html.index("绩效评价等级：良")
    assert html.index("score_C1") < social < html.index("score_D1")
    assert html.index("score_B1") < performance < html.index("score_C1")
    assert f"/registry/org/{w.app.organization.uscc}/#performance-history" in html
    # scope: nothing of the other organization
    assert "湘民严〔他人〕9号" not in html and "OTHER-CONTRACT-77" not in html
    other = _client(w.assessor).get(f"/assessment/applications/{w.other.pk}/score/").content.decode()
    assert "湘民严〔他人〕9号" in other and "OTHER-CONTRACT-77" in other and "验收不合格" in other
    assert "湘民异〔本年〕1号" not in other and "舆情预警" not in other and "居民评价" not in other


def test_the_application_page_and_the_api_show_them_to_officials_not_to_the_organization(
    facts_world: World, registrar: User
) -> None:
    w = facts_world
    # the registration authority reads them on the application page, by section with its indicators
    page = _client(registrar).get(f"/assessment/applications/{w.app.pk}/").content.decode()
    assert "平台掌握的情况" in page and "D1 内部与外部评价" in page and "舆情预警：违规收费（待研判）" in page
    # officials of the monitoring get the alert's page; the assessor the item's original (none here)
    assert "/opinion/alerts/" in page
    sheet = _client(w.assessor).get(f"/assessment/applications/{w.app.pk}/score/").content.decode()
    assert "/opinion/alerts/" not in sheet
    # the organization's member does not (some facts are for officials)
    own = _client(w.member).get(f"/assessment/applications/{w.app.pk}/").content.decode()
    assert "平台掌握的情况" not in own and "舆情预警" not in own
    refused = _client(w.member).get(f"{API}/applications/{w.app.pk}/facts")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "assessment.out_of_scope"
    # the API: labels and the kind for programs, by section
    body = _client(w.assessor).get(f"{API}/applications/{w.app.pk}/facts").json()
    assert [s["section"] for s in body] == ["social", "performance"]
    assert [i["code"] for i in body[0]["indicators"]] == ["D1"]
    kinds = {f["kind"] for s in body for f in s["facts"]}
    assert {"performance.grade", "registry.credit_listing", "opinion.alert", "residents.ratings"} <= kinds
    assert all(f["label"] and f["source"] for s in body for f in s["facts"])
    assert "OTHER-CONTRACT-77" not in str(body)


def test_a_complaint_shows_with_its_state_and_facts_never_change_the_score(facts_world: World) -> None:
    w = facts_world
    residents.feedback_file(
        source="contract", pk=w.contract.pk, kind="complaint", text="上门服务人员多次迟到", client="10.0.0.3"
    )
    html = _client(w.assessor).get(f"/assessment/applications/{w.app.pk}/score/").content.decode()
    assert "居民投诉（待答复）" in html and "答复期限" in html
    # the resident's own words and tracking number stay out of the assessor's page
    assert "上门服务人员多次迟到" not in html
    scores = {"A1": "140", "B1": "230", "C1": "370", "D1": "180"}
    sheet = services.sheet_submit(
        actor=w.assessor,
        application=w.app,
        scores=scores,
        comments={},
        visited_on=clock.today(),
        visit_record="实地查看服务台账",
    )
    assert sheet.total == sum(Decimal(v) for v in scores.values())


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_more_records_cost_no_more_queries(facts_world: World, registrar: User) -> None:
    # given: the sheet's query count with one record of each kind
    w = facts_world
    client = _client(w.assessor)
    url = f"/assessment/applications/{w.app.pk}/score/"
    _queries(client, url)  # warm the per-process caches
    before = _queries(client, url)
    # when: more grades, listings, penalties, items, ratings and complaints
    supplier = w.contract.supplier
    today = clock.today()
    for n in range(3):
        performance_history_record(
            actor=registrar,
            organization=supplier,
            source=HistorySource.CONTRACT,
            reference=f"MORE-{n}",
            grade="优",
            occurred_on=today,
        )
        registry.penalty_record(
            actor=registrar,
            organization=supplier,
            kind="warning",
            decided_on=today - timedelta(days=n),
            issuer="长沙市民政局",
            decision_document=f"长民罚〔本年〕{n}号",
        )
        residents.feedback_rate(source="contract", pk=w.contract.pk, stars=3, client=f"10.0.1.{n}")
    source = opinion.source_create(actor=registrar, name="人工录入二", kind="manual")
    text = NEGATIVE_SAFETY.format(name=supplier.name)
    opinion.items_collect(
        actor=registrar, source=source, incoming=[opinion.Incoming(title=text[:30], text=text)]
    )
    residents.feedback_file(
        source="contract", pk=w.contract.pk, kind="complaint", text="服务缩水", client="10.0.2.1"
    )
    # then: the same number of queries, and every record shown
    after = _queries(client, url)
    html = client.get(url).content.decode()
    assert "长民罚〔本年〕2号" in html and "MORE-2" in html and "舆情预警：安全事故" in html
    assert after == before, (before, after)
    assert after <= 20


def test_a_registered_provider_is_asked_once_and_cannot_leak_another_organization(
    monkeypatch: pytest.MonkeyPatch, make_org: Organizations
) -> None:
    # given: a provider that answers for an organization it was not asked about
    mine, theirs = make_org(), make_org()
    leaked = hooks.Fact(section="social", source="测试", label="不应出现", on=None)
    own = hooks.Fact(section="social", source="测试", label="本组织", on=clock.today())
    calls: list[int] = []

    def provider(organizations: Any, *, viewer: Any) -> dict[int, list[hooks.Fact]]:
        calls.append(len(organizations))
        return {mine.pk: [own], theirs.pk: [leaked]}

    monkeypatch.setattr(hooks, "_providers", list(hooks._providers))
    # when: it is registered twice
    hooks.register_facts(provider)
    hooks.register_facts(provider)
    found = facts.facts_of([mine], viewer=None)
    # then: asked once, and only the organization asked about is answered
    assert calls == [1]
    assert own in found[mine.pk] and theirs.pk not in found
    assert all(f.label != "不应出现" for f in found[mine.pk])


def test_facts_group_by_section_beside_its_indicators(live_round: Round) -> None:
    items = list(live_round.indicator_set.items.order_by("position"))
    on: Callable[[int], date] = lambda n: clock.today() - timedelta(days=n)  # noqa: E731
    grouped = facts.by_section(
        items,
        [
            hooks.Fact(section="performance", source="绩效评价", label="绩效评价等级：优", on=on(1)),
            hooks.Fact(section="social", source="信用名录", label="活动异常名录", on=on(2)),
            hooks.Fact(section="unknown", source="?", label="无处归属", on=on(3)),
        ],
    )
    assert [(g.section, [i.code for i in g.indicators], [f.label for f in g.facts]) for g in grouped] == [
        ("social", ["D1"], ["活动异常名录"]),
        ("performance", ["C1"], ["绩效评价等级：优"]),
    ]
    assert [g.label for g in grouped] == ["社会评价", "工作绩效"]
