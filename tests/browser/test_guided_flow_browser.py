"""A purchaser reaches a published announcement from a new project, following only the links and
buttons on the pages (issue 18, first acceptance line); the walk counts clicks, form submissions,
fields filled and the accounts involved (docs/ux-flow.md has the figures before and after).

Time: the one clock is pinned (`clock_at`, time-machine, process-wide, so the live server's threads
see it too) on planning's today, then moved past the intention's 30 days. The bid deadline is judged
by the database clock (`opengps.procurement.clock.db_now`): on SQLite, the default here, that is the
process clock and follows the pin; on PostgreSQL it is the server's real clock, which would judge the
announced deadline against the real date — run this walk on SQLite."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from opengps.demo.world import TODAY
from opengps.procurement.models import Procurement, ProcurementStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


BEFORE = {"clicks": 17, "forms": 11, "fields": 18, "sessions": 5, "accounts": 3}
"""The same walk on the code before the guided path (commit 4c75efc), recorded by its first run: the
purchaser knew the lawful start date and where procurements are created, evaluation factors were
never asked for, and nothing asked to confirm the publication (docs/ux-flow.md)."""

AFTER = {"clicks": 16, "forms": 10, "fields": 15, "sessions": 5, "accounts": 3}
"""The guided path: every figure at or below BEFORE, clicks, forms and fields strictly below, with
the evaluation factors asked for (pre-filled) and the publication confirmed."""


@dataclass
class Counts:
    clicks: int = 0
    forms: int = 0
    fields: int = 0
    sessions: int = 0
    accounts: int = 0


class Walk:
    """Drives the page and counts what a person does: a session starts at the account's home (the
    only typed address); afterwards only links and buttons found on the pages are used."""

    def __init__(self, page: Any, live_server: Any) -> None:
        self.page = page
        self.server = live_server
        self.counts = Counts()
        self.log: list[str] = []
        self._seen: set[int] = set()

    def session(self, user: Any, home: str = "/planning/") -> None:
        self.page.context.clear_cookies()
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        self.page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": self.server.url}])
        self.page.goto(f"{self.server.url}{home}")
        self.counts.sessions += 1
        if user.pk not in self._seen:
            self._seen.add(user.pk)
            self.counts.accounts += 1
        self.log.append(f"— {user.username}: {home}")

    def click(self, locator: Any, *, submits: bool = False, what: str = "") -> None:
        locator.first.click()
        self.page.wait_for_load_state("load")
        self.counts.clicks += 1
        if submits:
            self.counts.forms += 1
        self.log.append(f"click{' (form)' if submits else ''}: {what}")

    def link(self, href_part: str, text: str = "") -> None:
        """Follow a link on the page whose address contains `href_part` (and text, if given)."""
        locator = self.page.locator(f'a[href*="{href_part}"]')
        if text:
            locator = locator.filter(has_text=text)
        self.click(locator, what=f"link {href_part} {text}")

    def button(self, form_action_part: str, text: str = "") -> None:
        """Press the submit button of the form posting to an address containing `form_action_part`."""
        locator = self.page.locator(f'form[action*="{form_action_part}"] button[type="submit"]')
        if text:
            locator = locator.filter(has_text=text)
        self.click(locator, submits=True, what=f"submit {form_action_part} {text}")

    def fill(self, selector: str, value: str) -> None:
        self.page.fill(selector, value)
        self.counts.fields += 1
        self.log.append(f"fill {selector}")

    def select(self, selector: str, value: str | list[str]) -> None:
        self.page.select_option(selector, value)
        self.counts.fields += 1
        self.log.append(f"select {selector}")

    def text(self) -> str:
        return str(self.page.locator("main").inner_text())


@pytest.fixture
def world(
    purchaser: Any,
    head: Any,
    finance: Any,
    small_catalogue: Any,
    make_line: Callable[..., Any],
    clock_at: Callable[..., None],
) -> dict[str, Any]:
    clock_at(TODAY)
    make_line("3000000")
    return {"purchaser": purchaser, "head": head, "finance": finance}




def test_a_purchaser_follows_the_next_steps_from_a_new_project_to_a_published_announcement(
    page: Any, live_server: Any, world: dict[str, Any], clock_at: Callable[..., None]
) -> None:
    walk = Walk(page, live_server)
    purchaser, head, finance = world["purchaser"], world["head"], world["finance"]
    # the purchaser proposes the project from the workbench
    walk.session(purchaser)
    walk.link("/planning/projects/new/")
    walk.fill("#project-name", "岳麓区居家养老上门服务（流程测试）")
    walk.select("#project-items", [page.locator("#project-items option").first.get_attribute("value")])
    walk.fill("#project-description", "为特困、低保老年人提供助餐、助洁上门服务")
    walk.fill("#project-quantity", "1200")
    walk.fill("#project-quantity_unit", "人·月")
    walk.fill("#project-estimated_amount", "300000")
    walk.fill("#project-recipients", "辖区60周岁以上特困、低保老年人")
    walk.fill("#project-term_start", "2026-05-01")
    walk.fill("#project-term_end", "2026-12-31")
    walk.click(page.locator('form button[type="submit"]').filter(has_text="保存"), submits=True, what="save")
    # the page says what comes next: the demand survey, then the submission
    assert "记录需求调查" in page.locator("#next-step").inner_text()
    walk.select("#survey-method", "questionnaire")
    walk.fill("#survey-conducted_on", "2026-02-20")
    walk.fill("#survey-respondents", "120")
    walk.fill("#survey-findings", "老年人最需要助餐和助洁服务")
    walk.button("/survey/")
    assert "提交单位负责人审核" in page.locator("#next-step").inner_text()
    walk.button("/submit/")
    # the unit head agrees; finance enters the project in the library
    walk.session(head)
    walk.link("/planning/projects/", "流程测试")
    assert "单位负责人审核" in page.locator("#next-step").inner_text()
    walk.button("/approve-unit/")
    walk.session(finance)
    walk.link("/planning/projects/", "流程测试")
    assert "财政审核入库" in page.locator("#next-step").inner_text()
    walk.button("/approve/")
    # the purchaser drafts the plan: the start date is the earliest lawful one, the requirements the
    # project's service content — both pre-filled
    walk.session(purchaser)
    walk.link("/planning/projects/", "流程测试")
    assert "编制采购实施计划" in page.locator("#next-step").inner_text()
    assert page.input_value("#plan-procurement_starts_on") == "2026-04-01"
    assert "最早可选 2026-04-01" in walk.text()
    walk.select("#plan-method", "competitive_consultation")
    walk.button("/plan/", "编制")
    walk.button("/submit/")
    walk.button("/intention/")
    # the plan says from which day the procurement can be created, and offers no button before
    step = page.locator("#next-step").inner_text()
    assert "创建采购项目" in step and "可于 2026-04-01（30 天后）" in step, step
    assert page.locator("#next-step a[data-next-step]").count() == 0
    # a month later the workbench's row links straight to the procurement form
    clock_at(date(2026, 4, 1))
    walk.session(purchaser)
    walk.link("/procurement/plans/", "创建采购项目")
    # pre-filled from the plan, with the evaluation factors of its catalogue category (公共服务)
    assert page.input_value("#create-price_weight") == "30"
    typed = page.locator('input[name="factor_points"]').evaluate_all("e => e.map(i => i.value)")
    points = [float(v) for v in typed if v]
    assert sum(points) == 70
    walk.button("/procurement/plans/", "创建采购项目")
    assert "下一步" in page.locator("#next-step").inner_text()
    # the deadline is pre-filled with the earliest lawful one; publishing asks for a confirmation
    assert page.input_value("#announce-bid_deadline").startswith("2026-04-")
    walk.fill("#announce-opening_place", "湖南省民政厅开标室")
    walk.click(page.locator("form[action*='/announce/'] details.confirm summary"), what="publish…")
    walk.button("/announce/", "确认发布")
    assert "公告已发布" in walk.text() or "已发布公告" in walk.text(), walk.text()
    procurement = Procurement.objects.get()
    assert procurement.status == ProcurementStatus.ANNOUNCED
    assert procurement.evaluation_factors["price_weight"] == "0.3000"
    print("\nAFTER", walk.counts)
    print("\n".join(walk.log))
    after = vars(walk.counts)
    assert after == AFTER
    assert all(after[k] <= BEFORE[k] for k in BEFORE)
    assert all(after[k] < BEFORE[k] for k in ("clicks", "forms", "fields"))
