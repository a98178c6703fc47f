"""Registry API: public search, profile and eligibility; registrar writes with session + CSRF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from opengps.core.models import AuditEvent
from opengps.demo.testdata import with_wrong_check_digit
from opengps.demo.world import uscc_for
from opengps.registry import selectors, services

pytestmark = pytest.mark.django_db
BASE = "/api/v1/registry/organizations"


@pytest.fixture
def orgs(make_org: Callable[..., Any], registrar: Any) -> list[Any]:
    elderly = make_org(name="长沙市夕阳红养老服务中心", org_type="social_service_agency", region="430104")
    youth = make_org(name="岳阳市青少年发展基金会", org_type="foundation", region="430602")
    listed = make_org(name="株洲市同心养老服务协会", org_type="social_group", region="430202")
    services.rating_record(
        actor=registrar,
        organization=elderly,
        level=4,
        awarded_on=date(2024, 5, 1),
        decision_no="湘民评〔2024〕9号",
    )
    services.credit_list(
        actor=registrar,
        organization=listed,
        kind="procurement_blacklist",
        reason="提供虚假材料",
        decision_document="湘财采罚〔2025〕2号",
        listed_on=date(2025, 3, 1),
    )
    return [elderly, youth, listed]


def test_search_by_chinese_substring(client: Client, orgs: list[Any]) -> None:
    # when
    body = client.get(BASE, {"q": "养老"}).json()
    # then
    assert body["count"] == 2
    assert [r["name"] for r in body["results"]] == ["株洲市同心养老服务协会", "长沙市夕阳红养老服务中心"]
    row = body["results"][1]
    assert row["rating"] == 4 and row["credit_status"] == "normal" and row["region_name"] == "长沙市岳麓区"
    assert row["org_type_label"] == "社会服务机构（民办非企业单位）"


def test_search_says_more_than_the_cap_and_stops_the_pages_there(
    client: Client, orgs: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a count cap of two, three organizations
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    # when: every organization is listed, one per page, asking for page 3
    body = client.get(BASE, {"page": 3, "page_size": 1}).json()
    # then: two is a lower bound, the pages stop at two; under the cap the count is exact
    assert (body["count"], body["count_capped"], body["num_pages"], body["page"]) == (2, True, 2, 2)
    assert len(body["results"]) == 1
    exact = client.get(BASE, {"q": "养老"}).json()
    assert (exact["count"], exact["count_capped"]) == (2, False)


def test_search_by_exact_code_and_filters(client: Client, orgs: list[Any]) -> None:
    assert [r["uscc"] for r in client.get(BASE, {"q": orgs[1].uscc.lower()}).json()["results"]] == [
        orgs[1].uscc
    ]
    assert client.get(BASE, {"type": "foundation"}).json()["count"] == 1
    assert client.get(BASE, {"region": "430100"}).json()["results"][0]["uscc"] == orgs[0].uscc
    assert client.get(BASE, {"min_rating": 3}).json()["count"] == 1
    listed = client.get(BASE, {"credit": "other_list"}).json()
    assert listed["count"] == 1 and listed["results"][0]["eligible"] is False
    assert client.get(BASE, {"credit": "normal"}).json()["count"] == 2


def test_page_size_is_capped(client: Client, orgs: list[Any]) -> None:
    assert client.get(BASE, {"page_size": 101}).status_code == 422
    body = client.get(BASE, {"page_size": 1, "page": 2}).json()
    assert body["page"] == 2 and body["num_pages"] == 3 and len(body["results"]) == 1


def test_profile_has_eligibility_with_reasons_and_citations(client: Client, orgs: list[Any]) -> None:
    # when
    body = client.get(f"{BASE}/{orgs[2].uscc}").json()
    # then
    assert body["eligibility"]["eligible"] is False
    [reason] = [r for r in body["eligibility"]["reasons"] if r["code"] == "eligibility.procurement_blacklist"]
    assert reason["severity"] == "block" and "财库〔2016〕125号" in reason["citation"]
    assert body["credit_listings"][0]["decision_document"] == "湘财采罚〔2025〕2号"
    assert "contact_phone" not in body


def test_eligibility_on_a_past_date(client: Client, orgs: list[Any]) -> None:
    before = client.get(f"{BASE}/{orgs[2].uscc}/eligibility", {"on": "2025-02-01"}).json()
    after = client.get(f"{BASE}/{orgs[2].uscc}/eligibility", {"on": "2025-04-01"}).json()
    assert before["on_date"] == "2025-02-01"
    assert not any(r["code"] == "eligibility.procurement_blacklist" for r in before["reasons"])
    assert after["eligible"] is False


def test_unknown_code_is_404_json(client: Client, regions: None) -> None:
    response = client.get(f"{BASE}/{uscc_for(99)}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "registry.not_found"


def _payload(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": "长沙市岳麓区同心社会工作服务中心",
        "uscc": uscc_for(501),
        "org_type": "social_service_agency",
        "region": "430104",
        "founded_on": "2019-04-02",
        "legal_representative": "李娜",
    }
    values.update(overrides)
    return values


def test_registrar_creates_updates_rates_lists_and_delists(client: Client, registrar: Any) -> None:
    # given
    client.force_login(registrar)
    # when
    created = client.post(BASE, _payload(), content_type="application/json")
    uscc = created.json()["uscc"]
    patched = client.patch(
        f"{BASE}/{uscc}",
        {"address": "长沙市岳麓区桐梓坡路8号", "reason": "住所变更"},
        content_type="application/json",
    )
    rated = client.post(
        f"{BASE}/{uscc}/ratings",
        {"level": 3, "awarded_on": "2024-06-01", "decision_no": "湘民评1号"},
        content_type="application/json",
    )
    listed = client.post(
        f"{BASE}/{uscc}/credit-listings",
        {
            "kind": "abnormal",
            "reason": "unreachable",
            "decision_document": "湘民异〔2025〕1号",
            "listed_on": "2025-02-01",
        },
        content_type="application/json",
    )
    removed = client.post(
        f"{BASE}/{uscc}/credit-listings/{listed.json()['id']}/removal",
        {"removed_on": "2025-05-01", "reason": "已整改", "document": "湘民异移〔2025〕1号"},
        content_type="application/json",
    )
    # then
    assert created.status_code == 201 and patched.status_code == 200 and rated.status_code == 201
    assert listed.status_code == 201 and removed.status_code == 200
    assert patched.json()["address"] == "长沙市岳麓区桐梓坡路8号"
    assert rated.json()["valid_until"] == "2029-06-01"
    assert removed.json()["removed_on"] == "2025-05-01"
    assert list(
        AuditEvent.objects.filter(action__startswith="registry.").values_list("action", flat=True)
    ) == [
        "registry.org_created",
        "registry.org_updated",
        "registry.rating_recorded",
        "registry.credit_listed",
        "registry.credit_delisted",
    ]


def test_write_errors_are_json_with_stable_codes(client: Client, registrar: Any) -> None:
    client.force_login(registrar)
    bad = client.post(
        BASE, _payload(uscc=with_wrong_check_digit(uscc_for(502))), content_type="application/json"
    )
    assert bad.status_code == 400
    assert (
        bad.json()["error"]["code"] == "registry.uscc_check_digit" and bad.json()["error"]["field"] == "uscc"
    )
    client.post(BASE, _payload(), content_type="application/json")
    duplicate = client.post(BASE, _payload(name="别的名字"), content_type="application/json")
    assert duplicate.status_code == 409 and duplicate.json()["error"]["code"] == "registry.uscc_duplicate"


def test_writes_need_login_role_and_csrf(registrar: Any, auditor: Any) -> None:
    anonymous = Client()
    assert anonymous.post(BASE, _payload(), content_type="application/json").status_code == 401
    reader = Client()
    reader.force_login(auditor)
    refused = reader.post(BASE, _payload(), content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "perm.denied"
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(registrar)
    assert strict.post(BASE, _payload(), content_type="application/json").status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="registry.").exists()


def test_cached_search_sees_a_write_at_once(
    client: Client, orgs: list[Any], make_org: Callable[..., Any], registrar: Any
) -> None:
    # given: the search has been answered (and cached)
    assert client.get(BASE, {"q": "养老"}).json()["count"] == 2
    # when
    make_org(name="湘潭市雨湖区养老服务中心", region="430302")
    services.organization_update(
        actor=registrar, organization=orgs[0], changes={"name": "长沙市夕阳红服务中心"}
    )
    # then
    body = client.get(BASE, {"q": "养老"}).json()
    assert body["count"] == 2 and "湘潭市雨湖区养老服务中心" in [r["name"] for r in body["results"]]
