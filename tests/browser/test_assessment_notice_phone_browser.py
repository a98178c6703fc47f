"""The assessment's public notice (社会组织评估结果公示) on a phone: at 390 × 844 the notice of a round
with its proposed levels and the objection form never scrolls sideways, shows the round's name as its
heading, and shows labels — never a stored status, type, level or code; the results are one card per
organization, its name and proposed level (拟定等级) within the screen, not in a table to swipe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from opengps.accounts.models import User
from opengps.assessment import services
from opengps.assessment.models import ApplicationStatus, Round
from opengps.assessment.tests.conftest import (  # noqa: F401
    SELF,
    _next_year_calendar,
    applicant,
    assessors,
    fresh_registry_caches,
    indicator_set,
    round_,
    today,
)
from opengps.registry.models import OrgType, RegistrationLevel
from tests.browser.phone import PHONE, check_on_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHEETS = [
    {"A1": "140", "B1": "230", "C1": "370.5", "D1": "180"},
    {"A1": "135", "B1": "220", "C1": "360", "D1": "185.25"},
]
STORED = [*ApplicationStatus.values, *OrgType.values, *RegistrationLevel.values]


def test_the_public_notice_fits_a_phone(
    page: Any,
    live_server: Any,
    registrar: User,
    round_: Round,  # noqa: F811
    assessors: list[User],  # noqa: F811
    applicant: Callable[..., User],  # noqa: F811
    clock_at: Callable[..., None],
) -> None:
    # given an assessed application of a round whose proposed levels are on public notice
    member = applicant(name="长沙市岳麓区阳光社会工作服务中心（民办非企业单位）")
    app = services.application_submit(actor=member, round=round_, self_scores=SELF)
    app = services.application_screen(actor=registrar, application=app)
    for assessor, scores in zip(assessors, SHEETS, strict=True):
        services.sheet_submit(
            actor=assessor, application=app, scores=scores, visited_on=date(2027, 3, 1), visit_record="考察"
        )
    services.committee_propose(actor=registrar, round=round_, note="审定")
    clock_at(date(2027, 4, 1), tick=False)
    services.notice_publish(actor=registrar, round=round_)

    # then the notice fits the phone, with the organization, its level and the objection deadline
    shown = check_on_phone(
        page,
        f"{live_server.url}/assessment/notices/{round_.pk}/",
        "assessment-notice",
        heading=round_.name,
        values=STORED,
    )
    assert app.organization.name in shown and "5A" in shown and "截止 2027-04-07" in shown
    # and the organization and its proposed level are on screen without swiping: one card per row
    for cell in ("td.name", "td.level"):
        located = page.locator(f"main table {cell}").first
        assert located.is_visible(), cell
        box = located.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (cell, box)
    level = page.locator("main table td.level").first
    assert "5A" in level.inner_text()
    assert level.evaluate("cell => getComputedStyle(cell.closest('table')).overflowX") != "auto"
