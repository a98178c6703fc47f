"""Planning shows suppliers' performance history: the grades, failed acceptances and terminations of
a project's suppliers, or — for a project without suppliers yet — the latest published results in
its catalogue items (issue 6 item 5: shown to purchasers when they plan later procurements)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opengps.core import clock
from opengps.performance import selectors as performance_selectors
from opengps.performance import services as performance_services
from opengps.performance.tests.test_services import ANSWERS, _answer, _submit_all
from opengps.planning import selectors, services

pytestmark = pytest.mark.django_db



@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """Contracts and evaluations reach into next year's calendar."""


@pytest.fixture(autouse=True)
def fresh_registry_caches(fresh_registry_caches: None) -> None:
    """Eligibility reads the registry: no cached answer from another test."""


@pytest.fixture
def graded(purchaser: Any, winner_user: Any, evaluator_user: Any, evaluation: Any) -> Any:
    """The award's contract with a finalized and published evaluation (a grade on the history)."""
    _submit_all(evaluation, {"self": winner_user, "purchaser": purchaser, "third_party": evaluator_user})
    codes = performance_services.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=5)
    _answer(evaluation, codes, ANSWERS)
    done = performance_services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    return performance_services.evaluation_publish(actor=purchaser, evaluation=done)


def _page(user: Any, url: str) -> tuple[str, int]:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_plan_page_shows_the_history_of_the_projects_supplier(
    purchaser: Any, graded: Any, make_user: Any
) -> None:
    contract = graded.contract
    url = reverse("planning:plan", args=[contract.procurement.plan_id])
    # given a supplier with a published grade on a contract bought under this plan
    # when the purchaser opens the plan
    page, queries = _page(purchaser, url)
    # then the page shows the supplier's history with the grade and the evaluation
    assert "本项目供应商的履约记录" in page and contract.supplier.name in page
    assert f">{graded.grade}<" in page and graded.contract.reference in page
    assert reverse("performance:evaluation", args=[graded.pk]) in page
    # when more history accrues (three grant results), the query count of the page stays the
    # same: no query per history line
    official = make_user("finance", unit="finance")
    today = graded.finalized_on
    for n in range(3):
        performance_services.performance_history_record(
            actor=official,
            organization=contract.supplier,
            source="grant",
            reference=f"GR-{n}",
            grade="良",
            occurred_on=today - timedelta(days=10 * (n + 1)),
        )
    page, more = _page(purchaser, url)
    assert more == queries and page.count("GR-") == 3


def test_a_single_source_plan_shows_the_named_suppliers_history(
    purchaser: Any, graded: Any, make_plan: Callable[..., Any]
) -> None:
    from opengps.procurement import services as procurement_services

    # given a single-source procurement naming the supplier with a grade on its history
    supplier = graded.contract.supplier
    plan = make_plan("single_source", only_one_supplier=True)
    procurement_services.procurement_create(
        actor=purchaser,
        plan=plan,
        documents="单一来源采购文件",
        single_source_supplier=supplier,
        single_source_reason="唯一具备资质的服务机构",
    )
    assert selectors.project_suppliers(plan.project) == [supplier]
    # when the purchaser opens the plan, then the named supplier's history shows with its grade
    page, _ = _page(purchaser, reverse("planning:plan", args=[plan.pk]))
    assert "本项目供应商的履约记录" in page and supplier.name in page
    assert f">{graded.grade}<" in page and graded.contract.reference in page


def test_a_new_plan_in_the_same_catalogue_item_shows_past_results_in_the_category(
    purchaser: Any,
    graded: Any,
    make_project: Callable[..., Any],
    make_line: Callable[..., Any],
) -> None:
    # given a new project in the same catalogue item, with a draft plan and no supplier yet
    item = graded.contract.procurement.plan.project.items.get()
    project = make_project("200000", item=item.code, name="雨花区居家养老上门服务")
    plan = services.plan_create(
        actor=purchaser,
        project=project,
        budget_line=make_line("400000"),
        method="open_tender",
        procurement_starts_on=clock.today() + timedelta(days=60),
        requirements="为辖区老年人提供助餐服务",
    )
    # when the purchaser opens the plan and the project
    for url in (reverse("planning:plan", args=[plan.pk]), reverse("planning:project", args=[project.pk])):
        page, _ = _page(purchaser, url)
        # then the category panel shows the supplier's latest published grade and score
        assert "本目录类别以往履约结果" in page and "本项目供应商的履约记录" not in page
        assert graded.contract.supplier.name in page and f">{graded.grade}<" in page
        assert str(graded.score) in page


def test_a_plan_in_another_item_without_results_says_so(
    purchaser: Any, graded: Any, make_project: Callable[..., Any]
) -> None:
    other = make_project("200000", item="B0201", name="社区社会工作服务")
    page, _ = _page(purchaser, reverse("planning:project", args=[other.pk]))
    assert "本目录类别暂无已公开的绩效评价结果。" in page
    assert graded.contract.supplier.name not in page


def test_the_selectors_read_in_a_fixed_number_of_queries(
    graded: Any,
    make_org: Callable[..., Any],
    make_user: Any,
    django_assert_num_queries: Any,
) -> None:
    official = make_user("finance", unit="finance")
    supplier = graded.contract.supplier
    others = [make_org(name=f"长沙市第{n}社会工作服务中心") for n in range(3)]
    for n, org in enumerate(others):
        for k in range(n + 1):
            performance_services.performance_history_record(
                actor=official,
                organization=org,
                source="grant",
                reference=f"GR-{n}-{k}",
                kind="terminated",
                occurred_on=graded.finalized_on - timedelta(days=10 - k),
            )
    # three queries for any number of suppliers: entries, recommendations, their listings
    with django_assert_num_queries(3):
        summaries = performance_selectors.history_summaries([supplier, *others])
    assert [org for org, _ in summaries] == [supplier, *others]
    assert [s.failures for _, s in summaries] == [0, 1, 2, 3]
    assert summaries[0][1].grades[graded.grade] == 1
    assert summaries[3][1].recommendations  # repeated failures made a recommendation
    # two queries for the category: the latest evaluations, the suppliers' failure counts
    items = list(graded.contract.procurement.plan.project.items.all())
    with django_assert_num_queries(2):
        results = performance_selectors.category_results(items)
    assert [(r.supplier, r.evaluation, r.failures) for r in results] == [(supplier, graded, 0)]
    project = graded.contract.procurement.plan.project
    assert selectors.project_suppliers(project) == [supplier]
