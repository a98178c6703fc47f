"""The layout's sidebar: lifecycle order, each role sees exactly its entries, the current page is
marked, and breadcrumbs start at 首页."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

EVERYONE = {
    "/",
    "/registry/",
    "/catalog/",
    "/planning/intentions/",
    "/procurement/",
    "/emall/",
    "/contracts/public/",
    "/performance/",
    "/grants/",
    "/grants/report/",
    "/portal/",
    "/portal/search/",
    "/opendata/",
    "/residents/",
    "/capacity/find/",
    "/stats/public/",
    "/rules/",
    "/api/docs",
}
SIGNED_IN = {"/agenda/", "/reminders/", "/contracts/"}
OVERSEERS = {
    "/planning/",
    "/experts/draws/",
    "/experts/",
    "/contracts/late/",
    "/performance/templates/",
    "/oversight/",
    "/stats/",
    "/opinion/",
    "/audit/",
}
ORDERS = "/emall/orders/"
CAPACITY = "/capacity/"
OPINION = "/opinion/"
ASSESSMENT = "/assessment/"
BY_ROLE: dict[str, set[str]] = {
    "anonymous": set(),
    "purchaser": SIGNED_IN
    | {"/planning/", "/experts/draws/", "/contracts/late/", ORDERS, "/residents/inbox/", OPINION},
    "agency": SIGNED_IN | {"/planning/", "/experts/draws/", "/experts/"},
    "finance": SIGNED_IN | OVERSEERS | {"/residents/inbox/", CAPACITY},
    "registration": SIGNED_IN | {"/registry/manage/", "/stats/", "/audit/", CAPACITY, OPINION, ASSESSMENT},
    "supplier": SIGNED_IN
    | {
        "/procurement/notifications/",
        "/procurement/receipts/verify/",
        "/emall/supplier/",
        ORDERS,
        ASSESSMENT,
    },
    "expert": SIGNED_IN | {"/experts/invitations/"},
    "evaluator": SIGNED_IN | {"/performance/templates/", ASSESSMENT},
    "auditor": SIGNED_IN | OVERSEERS | {ORDERS, CAPACITY, ASSESSMENT},
    "admin": SIGNED_IN | OVERSEERS | {ORDERS, CAPACITY, ASSESSMENT, "/residents/partners/"},
    "emall_operator": SIGNED_IN | {ORDERS, "/emall/operator/"},
}
LIFECYCLE = [
    "home",
    "registry",
    "catalog",
    "planning",
    "procurement",
    "evaluation",
    "contracts",
    "performance",
    "grants",
    "disclosure",
    "oversight",
    "rules",
]


def _sidebar(html: str) -> str:
    match = re.search(r'<nav class="sidebar".*?</nav>', html, re.S)
    assert match, "no sidebar"
    return match.group(0)


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', _sidebar(html)))


def _stages(html: str) -> list[str]:
    return re.findall(r'data-stage="([a-z]+)"', _sidebar(html))


@pytest.fixture
def accounts(
    make_user: Any,
    purchaser: Any,
    agency: Any,
    finance: Any,
    registrar: Any,
    suppliers: list[Any],
    evaluator_user: Any,
    auditor: Any,
    admin_user: Any,
) -> dict[str, Any]:
    return {
        "purchaser": purchaser,
        "agency": agency,
        "finance": finance,
        "registration": registrar,
        "supplier": suppliers[0],
        "expert": make_user("expert", unit=None),
        "evaluator": evaluator_user,
        "auditor": auditor,
        "admin": admin_user,
        "emall_operator": make_user("emall_operator", unit=None),
    }


def test_each_role_sees_exactly_its_entries_in_lifecycle_order(accounts: dict[str, Any]) -> None:
    for role, extra in BY_ROLE.items():
        # given a client signed in as the role (or a visitor)
        client = Client()
        if role != "anonymous":
            client.force_login(accounts[role])
        # when the home page is rendered
        response = client.get("/")
        assert response.status_code == 200, role
        html = response.content.decode()
        # then the sidebar holds the public entries and the role's own, no other
        assert _links(html) == EVERYONE | extra, role
        # and its stages follow the lifecycle (a stage without an entry for the role is left out)
        stages = _stages(html)
        assert stages == [s for s in LIFECYCLE if s in stages], role
        assert {"home", "registry", "procurement", "disclosure", "rules"} <= set(stages), role
        reviewers = {"purchaser", "agency", "finance", "expert", "auditor", "admin"}
        assert ("evaluation" in stages) == (role in reviewers), role
        overseers = {"purchaser", "finance", "registration", "auditor", "admin"}
        assert ("oversight" in stages) == (role in overseers), role


def test_the_current_page_is_marked_and_the_breadcrumbs_start_at_home(client: Client, purchaser: Any) -> None:
    client.force_login(purchaser)
    # the home page: its entry is current, no breadcrumbs
    html = client.get("/").content.decode()
    assert '<a href="/" class="is-active" aria-current="page">我的工作台</a>' in _sidebar(html)
    assert 'class="breadcrumbs"' not in html
    # a page below a sidebar entry: the entry and its stage are active, the crumbs lead back
    html = client.get("/procurement/").content.decode()
    sidebar = _sidebar(html)
    assert '<a href="/procurement/" class="is-active" aria-current="page">' in sidebar
    assert re.search(r'class="nav-section is-active" data-stage="procurement"', sidebar)
    assert sidebar.count("is-active") == 2  # one stage, one entry
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S)
    assert crumbs and '<a href="/">首页</a>' in crumbs.group(0)


def test_a_visitor_gets_the_same_layout_in_english(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/registry/").content.decode()
    assert 'aria-current="page"' in _sidebar(html)
    assert 'id="nav-toggle"' in html and 'for="nav-toggle"' in html  # the phone menu, without script
    assert 'action="/portal/search/"' in html  # the top bar's search
