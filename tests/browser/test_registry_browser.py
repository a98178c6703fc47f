"""A person opens the public registry, searches a Chinese name and switches to English."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from opengps.registry.demo_names import make_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organizations(registrar: Any) -> list[Any]:
    from opengps.registry.services import organization_create

    rows = [
        ("长沙市岳麓区夕阳红养老服务中心", "430104"),
        ("株洲市荷塘区阳光儿童关爱服务中心", "430202"),
        ("湖南省社会工作协会", "430100"),
    ]
    return [
        organization_create(
            actor=registrar,
            name=name,
            uscc=make_uscc(kind_code="2", region_code=region, serial=i + 1),
            org_type="social_service_agency",
            region=region,
            founded_on=date(2016, 5, 1),
        )
        for i, (name, region) in enumerate(rows)
    ]


def test_search_a_chinese_name_and_switch_language(
    page: Any, live_server: Any, organizations: list[Any]
) -> None:
    # given: the public registry, in Chinese by default
    page.goto(f"{live_server.url}/registry/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    # when: a visitor types part of a name and submits
    search = page.locator("main input[name=q]").first  # the registry's own, not the top bar's
    search.fill("养老")
    search.press("Enter")
    page.wait_for_load_state("networkidle")
    # then: only the matching organization is listed
    body = page.locator("main").inner_text()
    assert "长沙市岳麓区夕阳红养老服务中心" in body
    assert "株洲市荷塘区阳光儿童关爱服务中心" not in body
    # when: the visitor switches the language
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    # then: the page is in English and keeps the search
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Registry" in page.locator("nav.sidebar").inner_text()
    assert "长沙市岳麓区夕阳红养老服务中心" in page.locator("main").inner_text()
    page.screenshot(path="var/browser-registry.png", full_page=True)
