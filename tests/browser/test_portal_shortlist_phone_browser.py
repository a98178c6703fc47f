"""The portal's 入围结果公告 on a phone: at 390 × 844 an announced framework shortlist's notice (the
members' table with addresses and agreement prices) never scrolls sideways, shows its main heading,
and shows the stages' labels — never their stored codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from opengps.evaluation.models import FIRST_STAGE_CHOICES, SECOND_STAGE_CHOICES, FrameworkShortlist
from opengps.evaluation.tests.test_scenario_framework import _first_stage, _framework
from opengps.evaluation.tests.test_scenarios_award import _post
from tests.browser.phone import check_on_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _calendar(next_year_calendar: Any) -> None:
    """The framework's deadlines run on the real clock (any year); see the root conftest."""


STORED = [code for code, _label in (*FIRST_STAGE_CHOICES, *SECOND_STAGE_CHOICES)]


def test_an_announced_shortlist_notice_fits_a_phone(
    page: Any,
    live_server: Any,
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # given a framework agreement whose shortlist was announced
    procurement = _framework(purchaser, make_plan)
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user)
    _post(purchaser, f"{procurement.pk}/shortlist/announce")
    shortlist = FrameworkShortlist.objects.get(lot__procurement=procurement)
    # then its notice fits the phone, names every member and shows labels, not codes
    shown = check_on_phone(
        page,
        f"{live_server.url}/portal/shortlist/{shortlist.pk}/",
        "portal-shortlist",
        heading=procurement.title,
        values=STORED,
    )
    assert all(m.organization.name in shown for m in shortlist.members.select_related("organization"))
    assert shortlist.get_first_stage_display() in shown
