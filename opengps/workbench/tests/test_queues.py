"""Each role's workbench queues (`opengps.workbench.queues`): their exact content built through
the services, their scope (never another unit's or organization's items), their bounds and their
query counts; the queue pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.accounts.models import Region, Unit
from opengps.accounts.services import unit_create
from opengps.contracts.models import Contract, Payment
from opengps.demo import world
from opengps.evaluation import services as evaluation_services
from opengps.performance.models import PerformanceEvaluation
from opengps.planning import services as planning_services
from opengps.procurement.models import Procurement
from opengps.workbench import queues
from opengps.workbench.queues import Queue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _calendar(next_year_calendar: None, fresh_registry_caches: None) -> None:
    """Deadlines count from today (the root conftest's `next_year_calendar`)."""


def by_key(actor: Any) -> dict[str, Queue]:
    return {q.key: q for q in queues.queues_for(actor=actor)}


def rows(queue: Queue) -> list[tuple[str, str, str]]:
    return [(item.state, item.title, item.url) for item in queue.items]


# --- every role over one procurement carried to a contract under evaluation ------------------


def test_every_role_sees_its_queues_of_one_contract_under_evaluation(
    purchaser: Any,
    head: Any,
    finance: Any,
    auditor: Any,
    evaluation: PerformanceEvaluation,
    winner_user: Any,
    suppliers: list[Any],
    evaluator_user: Any,
    committee: Any,
    django_assert_max_num_queries: Any,
) -> None:
    # given: an announced award, its contract published 60 days into its term (one monthly report
    # missed, one due today) and its performance evaluation open for every party
    contract = evaluation.contract
    contract_url = reverse("contracts:detail", kwargs={"contract_id": contract.pk})
    evaluation_url = reverse("performance:evaluation", kwargs={"pk": evaluation.pk})
    procurement = contract.procurement
    loser = next(u for u in suppliers[:3] if u.organization_id != winner_user.organization_id)

    # when / then: the purchaser — the report is late, its own party's score is awaited
    with django_assert_max_num_queries(40):
        mine = by_key(purchaser)
    assert list(mine) == [
        "unit-approvals",
        "deadlines",
        "questions",
        "awards",
        "acceptances",
        "performance",
        "drafts",
    ]
    assert mine["unit-approvals"].count == mine["deadlines"].count == mine["questions"].count == 0
    assert mine["awards"].count == 0  # the award has its contract
    assert rows(mine["acceptances"]) == [("已逾期：履约报告未报送", str(contract), contract_url)]
    assert mine["acceptances"].items[0].overdue
    assert rows(mine["performance"]) == [
        ("待评分", f"{contract.title} 2025年度 绩效评价（{contract.supplier.name}）", evaluation_url)
    ]
    assert mine["performance"].items[0].action == "评分（购买主体评价）"
    assert mine["drafts"].count == 0
    assert by_key(head)["acceptances"].count == 1  # the unit's, whoever signed it

    # the winning supplier: its bid (status only), its contract, the reports, its self-evaluation
    with django_assert_max_num_queries(40):
        theirs = by_key(winner_user)
    assert list(theirs) == ["bids", "contracts", "reports", "payments", "ratings", "stations"]
    assert rows(theirs["bids"]) == [
        ("已递交", f"{procurement.reference} {procurement.title} 第 1 包", f"/procurement/{procurement.pk}/")
    ]
    assert theirs["bids"].items[0].note == "已公告中标（成交）结果"
    assert rows(theirs["contracts"]) == [("履行中", f"{contract}（{contract.purchaser}）", contract_url)]
    assert "268,000.00 元" in theirs["contracts"].items[0].note
    today = contract.starts_on + timedelta(days=60)
    assert [(i.state, i.due) for i in theirs["reports"].items] == [
        ("履约报告逾期未报送", contract.starts_on + timedelta(days=30)),
        ("履约报告近期到期", today),
    ]
    assert theirs["payments"].count == Payment.objects.filter(contract=contract, paid_on__isnull=True).count()
    assert rows(theirs["ratings"]) == [("待自评", f"{contract.title} 2025年度 绩效评价", evaluation_url)]

    # a losing bidder: its own bid only, no contract, nothing of the winner's
    other = by_key(loser)
    assert [i.state for i in other["bids"].items] == ["已递交"]
    assert other["contracts"].count == other["reports"].count == other["payments"].count == 0
    assert other["ratings"].count == 0

    # the evaluator: the third party's score
    assessed = by_key(evaluator_user)
    assert list(assessed) == ["performance"]
    assert rows(assessed["performance"])[0][2] == evaluation_url
    assert assessed["performance"].items[0].action == "评分（第三方评价）"

    # an expert of the committee: everything scored and confirmed, nothing waits
    expert = by_key(committee.users[0])
    assert list(expert) == ["invitations", "scoring"]
    assert expert["invitations"].count == expert["scoring"].count == 0

    # finance and the auditor: everything approved, no complaint, no red-flag run yet
    supervising = by_key(finance)
    assert list(supervising) == ["approvals", "complaints", "flags"]
    assert all(q.count == 0 for q in supervising.values())
    assert list(by_key(auditor)) == ["complaints", "flags"]

    # once each party scores, its item leaves its queue (and only its own)
    from opengps.performance import services as performance_services

    scores = dict.fromkeys(("quantity", "quality.rate", "quality.complaints", "benefit"), "90")
    performance_services.evaluation_score_submit(actor=purchaser, evaluation=evaluation, scores=scores)
    assert by_key(purchaser)["performance"].count == 0
    assert by_key(evaluator_user)["performance"].count == 1
    assert by_key(winner_user)["ratings"].items[0].state == "待自评"


# --- approvals and drafts ---------------------------------------------------------------------


def test_finance_approves_its_own_level_and_the_unit_head_what_a_colleague_submitted(
    purchaser: Any,
    head: Any,
    finance: Any,
    make_user: Callable[..., Any],
    make_line: Callable[..., Any],
    make_project: Callable[..., Any],
    small_catalogue: Any,
) -> None:
    # given: a budget line submitted to the provincial finance department, and a project drafted
    line = make_line("800000", approve=False)
    project = make_project("300000", approve=False, name="岳麓区助餐服务")
    changsha = Region.objects.get(pk="430100")
    city_finance_unit = unit_create(actor=None, name="长沙市财政局", kind=Unit.Kind.FINANCE, region=changsha)
    city_finance = world.Users({"city": city_finance_unit})("finance", unit="city")

    # then: the provincial finance department is asked to approve the line, who sent it and when
    approvals = by_key(finance)["approvals"]
    assert rows(approvals) == [
        ("待批复", "湖南省民政厅 2026 年预算指标「居家养老服务补助」800,000.00 元", "/planning/")
    ]
    assert approvals.items[0].action == "批复"
    assert approvals.items[0].note.startswith("提交于 ") and str(purchaser) in approvals.items[0].note
    # another city's finance bureau never sees it
    assert by_key(city_finance)["approvals"].count == 0
    # the proposer's drafts list the project, the head's do not
    drafts = by_key(purchaser)["drafts"]
    assert rows(drafts) == [("草稿", "「岳麓区助餐服务」购买项目", f"/planning/projects/{project.pk}/")]
    assert by_key(head)["drafts"].count == 0

    # when: the proposer submits it to the unit head (the demand survey first)
    from datetime import date

    planning_services.demand_survey_record(
        actor=purchaser,
        project=project,
        method="questionnaire",
        conducted_on=date(2026, 2, 10),
        respondents=120,
        findings="老年人最需要助餐服务",
    )
    planning_services.project_submit(actor=purchaser, project=project)

    # then: the head is asked to review it; the proposer is not (four eyes); the draft is gone
    assert rows(by_key(head)["unit-approvals"]) == [
        (
            "待审核",
            "「岳麓区助餐服务」购买项目（预算估算 300,000.00 元）",
            f"/planning/projects/{project.pk}/",
        )
    ]
    assert by_key(purchaser)["unit-approvals"].count == 0
    assert by_key(purchaser)["drafts"].count == 0

    # when: the head approves: it waits for the finance department, with the line
    planning_services.project_approve_unit(actor=head, project=project)
    approvals = by_key(finance)["approvals"]
    assert approvals.count == 2
    assert {item.url for item in approvals.items} == {"/planning/", f"/planning/projects/{project.pk}/"}
    assert line.pk


# --- procurement deadlines, the expert's scoring, bids ---------------------------------------


def test_an_opening_within_the_horizon_and_the_bids_that_wait_for_it(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any], make_user: Callable[..., Any]
) -> None:
    # given: a procurement announced with its deadline an hour ahead, and one bid on it
    procurement = world.procurement_announced(purchaser=purchaser, plan=make_plan("open_tender"))
    world.bid_place(supplier=suppliers[0], procurement=procurement, price="268000")
    url = f"/procurement/{procurement.pk}/"

    # then: the purchaser is told to hold the opening
    deadlines = by_key(purchaser)["deadlines"]
    assert rows(deadlines) == [("即将开标", f"{procurement.reference} {procurement.title}", url)]
    assert deadlines.items[0].action == "组织开标"
    # the bidder sees its bid's status, with what it may still do; the others see no bid
    bids = by_key(suppliers[0])["bids"]
    assert rows(bids) == [("已递交", f"{procurement.reference} {procurement.title} 第 1 包", url)]
    assert bids.items[0].action == "修改或撤回" and bids.items[0].note.startswith("投标截止 ")
    assert by_key(suppliers[1])["bids"].count == 0
    # a purchaser of another unit is told nothing about it
    other = make_user("purchaser", unit="cs_civil")
    assert by_key(other)["deadlines"].count == 0


def test_the_expert_is_asked_to_confirm_then_to_score(
    purchaser: Any, opened: Procurement, committee: Any, make_user: Callable[..., Any]
) -> None:
    # given: the evaluation started with the committee
    evaluation = evaluation_services.evaluation_start(
        actor=purchaser, procurement=opened, draw=committee, factors=list(world.FACTORS), price_weight="0.30"
    )
    member = committee.users[0]
    url = f"/evaluation/{opened.pk}/"
    title = f"{opened.reference} {opened.title}（{opened.purchaser}）"
    # then: every member is asked to confirm no conflict first
    assert rows(by_key(member)["scoring"]) == [("待确认无回避情形", title, url)]
    # when: the member confirms
    evaluation_services.member_confirm_no_conflict(actor=member, evaluation=evaluation, no_conflict=True)
    # then: now to score; another expert (not on the committee) has nothing
    assert rows(by_key(member)["scoring"]) == [("待评分", title, url)]
    assert by_key(make_user("expert", unit=None))["scoring"].count == 0


# --- bounds, pages, query counts -------------------------------------------------------------


def test_a_queue_shows_ten_with_the_count_and_its_page_shows_all(
    purchaser: Any, make_project: Callable[..., Any], small_catalogue: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        make_project("100000", approve=False, name=f"社区服务{n:02d}")
    with django_assert_max_num_queries(40):
        drafts = by_key(purchaser)["drafts"]
    assert drafts.count == 12 and len(drafts.items) == queues.QUEUE_LIMIT and drafts.more
    client = Client()
    client.force_login(purchaser)
    home = client.get("/").content.decode()
    assert "查看全部（12 项）" in home and reverse("workbench:queue", kwargs={"key": "drafts"}) in home
    page = client.get(reverse("workbench:queue", kwargs={"key": "drafts"}))
    assert page.status_code == 200
    assert all(f"社区服务{n:02d}" in page.content.decode() for n in range(12))
    # a queue of another role, or none at all: not found
    assert client.get(reverse("workbench:queue", kwargs={"key": "approvals"})).status_code == 404
    assert client.get("/work/no-such-queue/").status_code == 404


def test_each_role_home_renders_its_workbench_and_anonymous_visitors_the_public_page(
    client: Client,
    purchaser: Any,
    finance: Any,
    auditor: Any,
    registrar: Any,
    admin_user: Any,
    agency: Any,
    evaluator_user: Any,
    suppliers: list[Any],
    make_user: Callable[..., Any],
    django_assert_max_num_queries: Any,
) -> None:
    expert = make_user("expert", unit=None)
    for user in (
        purchaser,
        finance,
        auditor,
        registrar,
        admin_user,
        agency,
        evaluator_user,
        suppliers[0],
        expert,
    ):
        client.force_login(user)
        with django_assert_max_num_queries(60):
            response = client.get("/")
        html = response.content.decode()
        assert response.status_code == 200, user.role
        assert "我的工作台" in html and 'id="reminders"' in html
        for key in queues.role_queue_keys(user.role):
            assert f'id="queue-{key}"' in html, (user.role, key)
    client.force_login(suppliers[0])
    assert "具备承接资格" in client.get("/").content.decode()
    client.logout()
    public = client.get("/").content.decode()
    assert "登记的社会组织" in public and "我的工作台" not in public


def test_the_english_workbench(client: Client, purchaser: Any) -> None:
    client.force_login(purchaser)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/").status_code == 200


def test_contracts_of_one_supplier_never_reach_another_org(
    contract: Contract, winner_user: Any, suppliers: list[Any], make_user: Callable[..., Any]
) -> None:
    others = [u for u in suppliers if u.organization_id != contract.supplier_id]
    for user in others:
        seen = by_key(user)
        for key in ("contracts", "reports", "payments", "ratings"):
            assert seen[key].count == 0, key
    city = make_user("purchaser", unit="cs_civil")
    assert by_key(city)["acceptances"].count == 0
    assert by_key(winner_user)["contracts"].count == 1


def test_a_challenge_waits_for_the_purchaser_and_its_complaint_for_finance(
    purchaser: Any, finance: Any, auditor: Any, opened: Procurement, suppliers: list[Any]
) -> None:
    from opengps.challenges import services as challenge_services

    # given: a bidder challenges the process
    challenge = challenge_services.challenge_file(
        actor=suppliers[1], procurement=opened, subject="process", text="开标时未当场公布报价"
    )
    title = f"{opened.reference} {opened.title}"
    # then: the purchaser is asked to answer it by its deadline
    questions = by_key(purchaser)["questions"]
    assert rows(questions) == [("质疑待答复", f"{title}（采购过程）", f"/challenges/{opened.pk}/")]
    assert questions.items[0].due == challenge.answer_due and questions.items[0].action == "答复质疑"
    # when: answered, then complained about
    challenge_services.challenge_answer(actor=purchaser, challenge=challenge, answer="已当场唱标，质疑不成立")
    complaint = challenge_services.complaint_file(
        actor=suppliers[1], challenge=challenge, text="对答复不满意"
    )
    # then: the purchaser has nothing left to answer; finance is asked to decide the complaint
    assert by_key(purchaser)["questions"].count == 0
    complaints = by_key(finance)["complaints"]
    assert rows(complaints) == [("投诉待处理", f"{title}（{opened.purchaser}）", f"/challenges/{opened.pk}/")]
    assert complaints.items[0].due == complaint.decision_due
    # the auditor sees only complaints already late: none
    assert by_key(auditor)["complaints"].count == 0


# --- the e-mall operator ----------------------------------------------------------------------


def test_the_emall_operator_reviews_entries_listing_versions_and_price_flags(
    clock_at: Callable[..., None],
    finance: Any,
    make_user: Callable[..., Any],
    make_org: Callable[..., Any],
    small_catalogue: Any,
    django_assert_max_num_queries: Any,
) -> None:
    from opengps.emall import services as emall
    from opengps.emall.models import PriceFlag

    clock_at(world.TODAY)
    operator = make_user("emall_operator", unit="finance")
    org = make_org()
    supplier = make_user("supplier", unit=None, organization=org)
    desk = reverse("emall:operator")

    def terms(price: str) -> Any:
        return emall.listing_terms(
            title="居家养老上门服务（助餐助洁）",
            standard="每户每月上门8次，含助餐、助洁，服务记录可追溯",
            unit="户·月",
            unit_price=price,
            regions=[Region.objects.get(pk="430000")],
            response_days=3,
            qualifications="持证养老护理员",
        )

    # given: a supplier applies to enter the e-mall for two items
    entry = emall.entry_apply(
        actor=supplier,
        items=list(small_catalogue.items.filter(code__in=("A0401", "A0402"))),
        contact_person="张伟",
        contact_phone="0731-88880000",
        statement="养老服务",
    )
    # then: the operator's workbench has its three queues, the application waiting in the first
    with django_assert_max_num_queries(20):
        desk_queues = by_key(operator)
    assert list(desk_queues) == ["emall-entries", "emall-versions", "emall-flags"]
    entries = desk_queues["emall-entries"]
    assert rows(entries) == [("入驻待审核", org.name, desk)]
    assert entries.items[0].action == "审核"
    assert entries.items[0].note.startswith("申请于 ")
    assert entries.items[0].note.endswith("入驻品目：居家养老上门服务、社区日间照料服务")
    assert desk_queues["emall-versions"].count == desk_queues["emall-flags"].count == 0
    # nobody else is asked to review it (finance acts for an operator only where none has an account)
    assert not {"emall-entries", "emall-versions", "emall-flags"} & set(by_key(finance))
    assert not {"emall-entries", "emall-versions", "emall-flags"} & set(by_key(supplier))

    # when: the operator approves the entry and the supplier submits a listing priced above the
    # catalogue's reference (300 per 户·月 → 400 is flagged) and another at the reference
    emall.entry_decide(actor=operator, entry=entry, approve=True)
    item = small_catalogue.items.get(code="A0401")
    flagged = emall.listing_create(actor=supplier, item=item, terms=terms("400"))
    emall.listing_submit(actor=supplier, listing=flagged)
    plain = emall.listing_create(actor=supplier, item=item, terms=terms("300"))
    emall.listing_submit(actor=supplier, listing=plain)

    # then: both versions wait for review, the flagged one says so; the flag waits beside them
    title = f"{org.name}「居家养老上门服务（助餐助洁）」第 1 版"
    desk_queues = by_key(operator)
    assert desk_queues["emall-entries"].count == 0
    versions = desk_queues["emall-versions"]
    assert rows(versions) == [("商品待审核（价格异常提示）", title, desk), ("商品待审核", title, desk)]
    assert versions.items[0].note.startswith("单价 400.00 元/户·月，提交于 ")
    assert versions.items[1].note.startswith("单价 300.00 元/户·月，提交于 ")
    flag = PriceFlag.objects.get(version__listing=flagged)
    assert rows(desk_queues["emall-flags"]) == [("价格异常待处理", title, desk)]
    assert desk_queues["emall-flags"].items[0].note == flag.message
    assert desk_queues["emall-flags"].items[0].action == "处理"

    # when: the flag is dismissed and the flagged listing approved; its supplier changes the price
    emall.flag_decide(actor=operator, flag=flag, uphold=False, note="含上门交通费，价格合理")
    emall.listing_review(actor=operator, version=flagged.versions.get(), approve=True)
    emall.listing_version_create(actor=supplier, listing=flagged, terms=terms("320"))

    # then: the new version names the live price it replaces; the flag has left its queue
    desk_queues = by_key(operator)
    assert desk_queues["emall-flags"].count == 0
    versions = desk_queues["emall-versions"]
    assert [(item.state, item.title) for item in versions.items] == [
        ("商品待审核", title),
        ("商品待审核", f"{org.name}「居家养老上门服务（助餐助洁）」第 2 版"),
    ]
    assert versions.items[1].note.startswith("单价 320.00 元/户·月（现行 400.00 元），提交于 ")

    # and one click leads to where each is decided: the review desk, and the queue's own page
    client = Client()
    client.force_login(operator)
    assert client.get(desk).status_code == 200
    home = client.get("/").content.decode()
    assert all(f'id="queue-{key}"' in home for key in ("emall-entries", "emall-versions", "emall-flags"))
    assert client.get(reverse("workbench:queue", kwargs={"key": "emall-versions"})).status_code == 200
