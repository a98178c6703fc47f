"""One URL per action on an evaluation (STYLE 14): success redirects with a message saying what was
done; each refusal shows beside its field with its own status and changes nothing; the action URLs
take POST only; a user outside the evaluation's scope gets 404, and so does an object (an award, a
deposit, a shortlist) of another evaluation."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opengps.core.clock import local_date
from opengps.core.models import AuditEvent
from opengps.evaluation import services
from opengps.evaluation.models import (
    Award,
    CommitteeMember,
    DepositReturn,
    Evaluation,
    EvaluationReport,
    FrameworkCallOff,
    FrameworkShortlist,
    MemberState,
    Review,
    Score,
)
from opengps.evaluation.tests.test_scenario_framework import _first_stage, _framework
from opengps.evaluation.tests.test_scenarios_award import _bid_and_open, _committee
from opengps.evaluation.tests.test_services_evaluation import (
    _readouts,
    _report_confirmed,
    _review_and_score,
    _start,
)
from opengps.evaluation.urls import ACTIONS
from opengps.procurement import services as procurement_services
from opengps.procurement.models import Procurement, ProcurementStatus

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _error_element(page: str, element_id: str) -> str:
    """The text of the error list `element_id` on the page ("" when the page has none)."""
    found = re.search(rf'<ul class="errorlist[^"]*" id="{re.escape(element_id)}">(.*?)</ul>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else ""


@dataclass
class World:
    procurement: Procurement
    purchaser: Any
    experts: list[Any]
    suppliers: list[Any]

    @property
    def evaluation(self) -> Evaluation:
        return Evaluation.objects.get(procurement=self.procurement)

    def user(self, who: str) -> Any:
        return {"purchaser": self.purchaser, "expert": self.experts[0], "supplier": self.suppliers[0]}[who]

    def member(self) -> CommitteeMember:
        return CommitteeMember.objects.get(evaluation=self.evaluation, user=self.experts[0])

    def url(self, action: str) -> str:
        return f"/evaluation/{self.procurement.pk}/{action}/"


@pytest.fixture
def build(request: pytest.FixtureRequest) -> Callable[[str], World]:
    """A world at `stage` of the evaluation: started, confirmed (members confirmed no conflict),
    scored, reported, evaluated, award_confirmed, awarded; framework (shortlist recorded) or
    framework_announced."""

    def make(stage: str) -> World:
        purchaser = request.getfixturevalue("purchaser")
        suppliers = request.getfixturevalue("suppliers")
        if stage.startswith("framework"):
            procurement = _framework(purchaser, request.getfixturevalue("make_plan"))
            experts = _first_stage(
                purchaser,
                procurement,
                suppliers,
                request.getfixturevalue("make_expert"),
                request.getfixturevalue("make_user"),
            )
            if stage == "framework_announced":
                services.framework_shortlist_announce(actor=purchaser, procurement=procurement)
            return World(procurement, purchaser, experts, suppliers)
        opened: Procurement = request.getfixturevalue("opened")
        committee = request.getfixturevalue("committee")
        world = World(opened, purchaser, committee.users, suppliers)
        if stage in {"started", "confirmed", "scored", "reported"}:
            evaluation = _start(purchaser, opened, committee)
            if stage == "confirmed":
                for user in committee.users:
                    services.member_confirm_no_conflict(actor=user, evaluation=evaluation, no_conflict=True)
            if stage in {"scored", "reported"}:
                _review_and_score(evaluation, committee, _readouts(opened))
            if stage == "reported":
                services.evaluation_report_build(actor=committee.users[0], evaluation=evaluation)
            return world
        evaluation = _report_confirmed(purchaser, opened, committee)
        if stage in {"award_confirmed", "awarded"}:
            services.award_confirm(actor=purchaser, award=Award.objects.get(evaluation=evaluation))
        if stage == "awarded":
            services.award_announce(actor=purchaser, procurement=opened)
        return world

    return make


def _snapshot() -> tuple[Any, ...]:
    """Everything an evaluation action may change."""
    return (
        AuditEvent.objects.count(),
        list(Procurement.objects.order_by("pk").values_list("pk", "status")),
        list(Evaluation.objects.order_by("pk").values()),
        list(CommitteeMember.objects.order_by("pk").values()),
        Review.objects.count(),
        Score.objects.count(),
        EvaluationReport.objects.count(),
        list(Award.objects.order_by("pk").values()),
        list(DepositReturn.objects.order_by("pk").values()),
        list(FrameworkShortlist.objects.order_by("pk").values("pk", "announced_at")),
        FrameworkCallOff.objects.count(),
    )


def _today() -> str:
    return local_date(timezone.now()).isoformat()


def _first_bid(w: World) -> int:
    return services.qualified_readouts(w.evaluation)[0].pk


def _scores(w: World, **first: str) -> dict[str, str]:
    """Every qualified bid scored on both factors; `first` overrides the first bid's factors."""
    data: dict[str, str] = {}
    for n, bid in enumerate(services.qualified_readouts(w.evaluation)):
        for code, points in (("tech", "40"), ("team", "15")):
            data[f"score-{bid.pk}-{code}"] = first.get(code, points) if n == 0 else points
    return data


def _review(w: World, **extra: str) -> dict[str, Any]:
    return {
        "readout": _first_bid(w),
        "kind": "qualification",
        "requirement": "具有独立承担民事责任的能力",
        "passed": "1",
        **extra,
    }


def _award(w: World) -> dict[str, Any]:
    return {"award": Award.objects.get(evaluation=w.evaluation).pk}


def _shortlist(w: World, **extra: Any) -> dict[str, Any]:
    shortlist = FrameworkShortlist.objects.get(evaluation=w.evaluation)
    return {"shortlist": shortlist.pk, "description": "第一季度助餐服务", "amount": "120000", **extra}


def _deposit(w: World, *, winner: bool = False, **extra: Any) -> dict[str, Any]:
    deposit = DepositReturn.objects.filter(award__evaluation=w.evaluation, due_on__isnull=winner).first()
    assert deposit is not None
    return {"deposit": deposit.pk, "returned_on": _today(), **extra}


# (action, stage, who posts, data, the message shown after the redirect, what changed)
SUCCESSES: list[tuple[str, str, str, Callable[[World], dict[str, Any]], str, Callable[[World], bool]]] = [
    (
        "conflict",
        "started",
        "expert",
        lambda w: {"no_conflict": "1"},
        "回避情况已确认",
        lambda w: w.member().state == MemberState.CONFIRMED,
    ),
    ("review", "confirmed", "expert", _review, "审查结论已记录", lambda w: Review.objects.count() == 1),
    (
        "scores",
        "confirmed",
        "expert",
        _scores,
        "评分已提交",
        lambda w: w.member().scores_submitted_at is not None and Score.objects.count() == 6,
    ),
    (
        "report",
        "scored",
        "expert",
        lambda w: {},
        "评审报告已生成",
        lambda w: EvaluationReport.objects.filter(evaluation=w.evaluation).exists(),
    ),
    (
        "sign",
        "reported",
        "expert",
        lambda w: {},
        "已确认评审报告",
        lambda w: w.member().report_confirmed_at is not None,
    ),
    (
        "confirm",
        "evaluated",
        "purchaser",
        _award,
        "已确认中标（成交）供应商",
        lambda w: Award.objects.get(evaluation=w.evaluation).confirmed_id is not None,
    ),
    (
        "announce",
        "award_confirmed",
        "purchaser",
        lambda w: {},
        "结果公告和中标（成交）通知书已发布",
        lambda w: Procurement.objects.get(pk=w.procurement.pk).status == ProcurementStatus.AWARDED,
    ),
    (
        "shortlist-announce",
        "framework",
        "purchaser",
        lambda w: {},
        "入围结果公告已发布",
        lambda w: FrameworkShortlist.objects.get(evaluation=w.evaluation).announced_at is not None,
    ),
    (
        "call-off",
        "framework_announced",
        "purchaser",
        _shortlist,
        "已确定第二阶段成交供应商",
        lambda w: FrameworkCallOff.objects.filter(description="第一季度助餐服务").count() == 1,
    ),
    (
        "deposit-returned",
        "awarded",
        "purchaser",
        _deposit,
        "投标保证金退还已登记",
        lambda w: DepositReturn.objects.filter(returned_on__isnull=False).count() == 1,
    ),
]

Element = str | Callable[[World], str]

# (action, stage, who posts, data, error element, message it contains, status); "refusal" is the
# page's summary, where a refusal shows when its form is not on the page in this state.
REFUSALS: list[tuple[str, str, str, Callable[[World], dict[str, Any]], Element, str, int]] = [
    (
        "conflict",
        "started",
        "expert",
        lambda w: {"no_conflict": "0", "reason": " "},
        "conflict-reason-error",
        "请说明回避原因",
        400,
    ),
    (
        "conflict",
        "started",
        "expert",
        lambda w: {"no_conflict": "maybe"},
        "conflict-no_conflict-error",
        "",
        400,
    ),
    ("conflict", "confirmed", "expert", lambda w: {"no_conflict": "1"}, "refusal", "您已确认过回避情况", 409),
    (
        "review",
        "confirmed",
        "expert",
        lambda w: _review(w, passed="0", reason=""),
        "review-reason-error",
        "不通过的须说明理由",
        400,
    ),
    (
        "review",
        "confirmed",
        "expert",
        lambda w: _review(w, readout="999999999"),
        "review-readout-error",
        "该投标不属于本项目",
        404,
    ),
    ("review", "confirmed", "expert", lambda w: _review(w, kind="other"), "review-kind-error", "", 400),
    ("review", "started", "expert", _review, "refusal", "须先确认与投标人不存在回避情形", 403),
    (
        "scores",
        "confirmed",
        "expert",
        lambda w: _scores(w, tech="60"),
        lambda w: f"scores-score-{_first_bid(w)}-tech-error",
        "“服务方案”的得分应在 0 至 50",
        400,
    ),
    (
        "scores",
        "confirmed",
        "expert",
        lambda w: _scores(w, team=""),
        lambda w: f"scores-score-{_first_bid(w)}-team-error",
        "请填写得分",
        400,
    ),
    ("report", "confirmed", "expert", lambda w: {}, "report-errors", "尚有评委未提交评分", 409),
    ("sign", "scored", "expert", lambda w: {}, "refusal", "不能执行此操作", 409),
    ("confirm", "evaluated", "purchaser", lambda w: {"award": "x"}, "refusal", "", 400),
    ("confirm", "awarded", "purchaser", _award, "refusal", "当前状态不能确认中标（成交）供应商", 409),
    (
        "announce",
        "evaluated",
        "purchaser",
        lambda w: {},
        "announce-errors",
        "尚未确认中标（成交）供应商",
        409,
    ),
    (
        "shortlist-announce",
        "framework_announced",
        "purchaser",
        lambda w: {},
        "refusal",
        "当前状态不能发布入围结果公告",
        409,
    ),
    (
        "call-off",
        "framework_announced",
        "purchaser",
        lambda w: _shortlist(w, description=" "),
        "call_off-description-error",
        "请填写采购内容",
        400,
    ),
    (
        "call-off",
        "framework_announced",
        "purchaser",
        lambda w: _shortlist(w, amount="很多"),
        "call_off-amount-error",
        "数值格式无效",
        400,
    ),
    (
        "call-off",
        "framework_announced",
        "purchaser",
        lambda w: _shortlist(w, member_rank="9"),
        "call_off-member_rank-error",
        "没有该排序的入围供应商",
        404,
    ),
    ("call-off", "framework", "purchaser", _shortlist, "refusal", "入围结果公告后才能确定", 409),
    (
        "deposit-returned",
        "awarded",
        "purchaser",
        lambda w: _deposit(w, returned_on=(local_date(timezone.now()) + timedelta(days=1)).isoformat()),
        "deposit_returned-returned_on-error",
        "退还日期不能晚于今天",
        400,
    ),
    (
        "deposit-returned",
        "awarded",
        "purchaser",
        lambda w: _deposit(w, returned_on="2024-02-30"),
        "deposit_returned-returned_on-error",
        "",
        400,
    ),
    (
        "deposit-returned",
        "awarded",
        "purchaser",
        lambda w: _deposit(w, winner=True),
        "deposit_returned-contract_signed_on-error",
        "请填写合同签订日期",
        400,
    ),
    (
        "deposit-returned",
        "awarded",
        "purchaser",
        lambda w: _deposit(w, deposit="999999999"),
        "refusal",
        "未找到本项目的该笔投标保证金",
        404,
    ),
]


def test_every_action_url_has_a_success_and_a_refusal_case() -> None:
    assert sorted(case[0] for case in SUCCESSES) == sorted(ACTIONS)
    assert sorted({case[0] for case in REFUSALS}) == sorted(ACTIONS)


@pytest.mark.parametrize(
    ("action", "stage", "who", "data", "message", "changed"), SUCCESSES, ids=[c[0] for c in SUCCESSES]
)
def test_success_redirects_to_the_page_with_what_was_done(
    build: Callable[[str], World],
    action: str,
    stage: str,
    who: str,
    data: Callable[[World], dict[str, Any]],
    message: str,
    changed: Callable[[World], bool],
) -> None:
    # given
    world = build(stage)
    assert not changed(world)
    events = AuditEvent.objects.count()
    # when
    response = _client(world.user(who)).post(world.url(action), data(world), follow=True)
    # then
    assert response.redirect_chain == [(f"/evaluation/{world.procurement.pk}/", 302)]
    assert message in response.content.decode()
    assert changed(world)
    assert AuditEvent.objects.count() > events


@pytest.mark.parametrize(
    ("action", "stage", "who", "data", "element", "message", "status"),
    REFUSALS,
    ids=[f"{c[0]}-{n}" for n, c in enumerate(REFUSALS)],
)
def test_a_refusal_shows_beside_its_field_and_changes_nothing(
    build: Callable[[str], World],
    action: str,
    stage: str,
    who: str,
    data: Callable[[World], dict[str, Any]],
    element: Element,
    message: str,
    status: int,
) -> None:
    # given
    world = build(stage)
    posted = data(world)
    element_id = element if isinstance(element, str) else element(world)
    before = _snapshot()
    # when
    response = _client(world.user(who)).post(world.url(action), posted)
    # then the page comes back with the refusal's status and the error in its place
    assert response.status_code == status, response.content.decode()[:2000]
    page = response.content.decode()
    shown = _error_element(page, element_id)
    assert shown, f"no #{element_id} on the page"
    assert message in shown, shown
    assert "csrfmiddlewaretoken" in page
    # and nothing changed
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("action", "stage", "who", "data", "message", "changed"), SUCCESSES, ids=[c[0] for c in SUCCESSES]
)
def test_users_outside_the_evaluations_scope_get_404_and_nothing_changes(
    build: Callable[[str], World],
    make_user: Callable[..., Any],
    action: str,
    stage: str,
    who: str,
    data: Callable[[World], dict[str, Any]],
    message: str,
    changed: Callable[[World], bool],
) -> None:
    # given the action's data, posted by users outside its scope: another unit's purchaser, a
    # bidder, an expert not on the committee; and the other side (members act as members only,
    # officials as officials only)
    world = build(stage)
    posted = data(world)
    outsiders = [
        make_user("purchaser", unit="cs_civil"),
        world.suppliers[0],
        make_user("expert", unit=None),
    ]
    if who == "expert" and action != "report":
        outsiders.append(world.purchaser)
    if who == "purchaser":
        outsiders.append(world.experts[0])
    before = _snapshot()
    for outsider in outsiders:
        # when
        response = _client(outsider).post(world.url(action), posted)
        # then
        assert response.status_code == 404, (outsider.role, response.content.decode()[:500])
    assert _snapshot() == before
    assert not changed(world)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_get_on_an_action_url_is_405(build: Callable[[str], World], action: str) -> None:
    world = build("started")
    assert _client(world.purchaser).get(world.url(action)).status_code == 405


def test_an_anonymous_post_goes_to_the_login_page(build: Callable[[str], World]) -> None:
    world = build("started")
    before = _snapshot()
    response = Client().post(world.url("conflict"), {"no_conflict": "1"})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert _snapshot() == before


def test_the_page_no_longer_takes_posts(build: Callable[[str], World]) -> None:
    world = build("started")
    before = _snapshot()
    response = _client(world.experts[0]).post(
        f"/evaluation/{world.procurement.pk}/", {"action": "conflict", "no_conflict": "1"}
    )
    assert response.status_code == 405
    assert _snapshot() == before


def test_every_form_on_the_page_posts_to_its_own_action_url(build: Callable[[str], World]) -> None:
    world = build("evaluated")
    page = _client(world.purchaser).get(f"/evaluation/{world.procurement.pk}/").content.decode()
    forms = re.findall(r"<form[^>]*>", page)
    actions = re.findall(r'<form[^>]*action="([^"]+)"', page)
    assert len(actions) == len(forms), forms
    assert world.url("confirm") in actions and world.url("announce") in actions
    assert 'name="action"' not in page


def _negotiation_evaluated(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> Evaluation:
    """A second procurement of the same purchaser, evaluated by price with its award pending."""
    plan = make_plan("competitive_negotiation", complex_or_unspecifiable=True)
    procurement = procurement_services.procurement_create(actor=purchaser, plan=plan, documents="谈判文件")
    offers = [(suppliers[3], "281000"), (suppliers[4], "262000"), (suppliers[0], "275000")]
    procurement = _bid_and_open(purchaser, procurement, offers)
    draw, experts = _committee(purchaser, procurement, make_expert, make_user, needed=3)
    evaluation = services.evaluation_start(actor=purchaser, procurement=procurement, draw=draw)
    for expert in experts:
        services.member_confirm_no_conflict(actor=expert, evaluation=evaluation, no_conflict=True)
    services.evaluation_report_build(actor=experts[0], evaluation=evaluation)
    for expert in experts:
        services.evaluation_report_confirm(actor=expert, evaluation=evaluation)
    evaluation.refresh_from_db()
    return evaluation


def test_an_award_of_another_evaluation_is_404_even_to_its_own_purchaser(
    build: Callable[[str], World],
    make_plan: Callable[..., Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # given two evaluated procurements run by the same purchaser, both awards pending
    world = build("evaluated")
    other = _negotiation_evaluated(world.purchaser, make_plan, world.suppliers, make_expert, make_user)
    other_award = Award.objects.get(evaluation=other)
    assert other_award.confirmed_id is None and other.procurement.status == ProcurementStatus.EVALUATED
    before = _snapshot()
    # when the purchaser confirms the other procurement's award through this evaluation's URL
    response = _client(world.purchaser).post(world.url("confirm"), {"award": other_award.pk})
    # then it is not found here, and neither award changed
    assert response.status_code == 404
    assert "未找到本项目的该项定标" in _error_element(response.content.decode(), "refusal")
    assert _snapshot() == before
    # while through its own evaluation's URL it is confirmed
    response = _client(world.purchaser).post(
        f"/evaluation/{other.procurement_id}/confirm/", {"award": other_award.pk}
    )
    assert response.status_code == 302
    other_award.refresh_from_db()
    assert other_award.confirmed_id is not None
    assert Award.objects.get(evaluation=world.evaluation).confirmed_id is None


def test_a_deposit_of_another_evaluation_is_404(
    build: Callable[[str], World],
    make_plan: Callable[..., Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # given an awarded procurement, and another evaluation (a framework's) of the same purchaser
    world = build("awarded")
    deposit = DepositReturn.objects.filter(due_on__isnull=False).first()
    assert deposit is not None
    other = _framework(world.purchaser, make_plan)
    _first_stage(world.purchaser, other, world.suppliers, make_expert, make_user)
    before = _snapshot()
    # when the deposit is posted through the other evaluation's URL
    response = _client(world.purchaser).post(
        f"/evaluation/{other.pk}/deposit-returned/", {"deposit": deposit.pk, "returned_on": _today()}
    )
    # then it is not found there, and nothing changed
    assert response.status_code == 404
    assert "未找到本项目的该笔投标保证金" in _error_element(response.content.decode(), "refusal")
    assert _snapshot() == before


def test_confirming_after_the_period_shows_why_in_the_awards_row(
    build: Callable[[str], World], clock_at: Callable[..., None]
) -> None:
    # given an evaluated procurement whose award's confirmation period has passed
    world = build("evaluated")
    award = Award.objects.get(evaluation=world.evaluation)
    clock_at(award.confirm_due + timedelta(days=1))
    before = _snapshot()
    # when the purchaser confirms
    response = _client(world.purchaser).post(world.url("confirm"), {"award": award.pk})
    # then refused beside the award's button with the article, the first candidate stands
    assert response.status_code == 409
    shown = _error_element(response.content.decode(), "confirm-errors")
    assert "已过" in shown and award.confirm_citation in shown
    assert _snapshot() == before


def test_a_refused_call_off_keeps_what_was_typed(build: Callable[[str], World]) -> None:
    world = build("framework_announced")
    response = _client(world.purchaser).post(world.url("call-off"), _shortlist(world, amount="很多"))
    assert response.status_code == 400
    assert 'value="第一季度助餐服务"' in response.content.decode()
