"""The opinion monitoring desk (舆情监测) on a phone: at 390 × 844, signed in as the registration
official who runs the monitoring, the desk with the demo's items from three sources (long titles,
every tone) never scrolls sideways, shows its heading, and shows labels — never a stored tone,
topic or code; the header names the official by the display name, not the login name."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from opengps.accounts.models import User
from opengps.demo.world import Organizations
from opengps.opinion import demo
from opengps.opinion.models import Item, ItemTopic
from opengps.opinion.tests.conftest import _next_year_calendar, fresh_registry_caches  # noqa: F401
from opengps.rules.opinion import Tone
from tests.browser.phone import check_on_phone, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORED = [*(tone.value for tone in Tone), *ItemTopic.values]


def test_the_desk_fits_a_phone(page: Any, live_server: Any, registrar: User, make_org: Organizations) -> None:
    # given the demo's items naming a few organizations
    for n in range(4):
        make_org(serial=n + 1)
    demo.load(SimpleNamespace(users={"registrar": registrar}, counts={}))
    newest = Item.objects.first()  # the desk's first row: the last fetched
    assert newest is not None
    # when the registration official (an account with a name, as every real one has) opens the desk
    registrar.display_name = "李登记"
    registrar.save(update_fields=["display_name"])
    login(page, live_server, registrar)
    shown = check_on_phone(
        page, f"{live_server.url}/opinion/", "opinion-desk", heading="舆情监测", values=STORED
    )
    # then it lists the items with their tone in words, and the sources
    assert newest.title in shown
    assert "负面" in shown
    assert "人工录入" not in shown.replace("人工录入一条信息", "")  # no manual source: only the entry link
    assert all(name in shown for name, _slug in demo.SOURCES)
    # and the header names the official by name, not by the login name
    assert page.locator("header .who-name").inner_text() == "李登记"
    assert registrar.username not in shown
