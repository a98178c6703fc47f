"""Administrative penalties on screen: the registrar records one on the organization's page; the
public profile lists it with its effect on eligibility and the article, without personal data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.core.models import AuditEvent
from opengps.registry import services
from opengps.registry.models import Penalty

pytestmark = pytest.mark.django_db

FINE = {
    "penalty-kind": "fine",
    "penalty-decided_on": "2025-05-10",
    "penalty-issuer": "长沙市市场监督管理局",
    "penalty-decision_document": "长市监罚〔2025〕88号",
    "penalty-amount": "2500000",
    "penalty-for_business": "on",
    "penalty-facts": "虚构服务记录骗取补贴，经办人李四",
}


def test_registrar_records_a_penalty_and_sees_its_effect_with_the_citation(
    client: Client, make_org: Callable[..., Any], registrar: Any
) -> None:
    # given an eligible organization and its registrar (judged on 2026-11-20)
    org = make_org()
    client.force_login(registrar)
    url = reverse("registry:manage-org", args=[org.uscc])
    page = client.get(url).content.decode()
    assert 'id="penalty"' in page and "登记行政处罚" in page and "暂无行政处罚记录" in page
    # when the registrar records a fine of 250万 for illegal business
    response = client.post(reverse("registry:manage-org-penalty", args=[org.uscc]), FINE)
    # then it is stored, audited, and the organization is screened out until the three years end
    assert response.status_code == 302 and response["Location"].endswith("#penalty")
    penalty = Penalty.objects.get(organization=org)
    assert penalty.amount == Decimal("2500000") and penalty.recorded_by == registrar
    event = AuditEvent.objects.get(action="registry.penalty_recorded")
    assert event.new_values["kind"] == "fine" and event.reason == "长市监罚〔2025〕88号"
    html = client.get(url).content.decode()
    assert "长市监罚〔2025〕88号" in html and "2,500,000" in html
    assert "至 2028-05-10 期满" in html and "财库〔2022〕3号" in html
    assert "不得向其购买服务" in html and "虚构服务记录骗取补贴" in html  # the registrar sees the facts


def test_the_service_error_shows_beside_its_field(
    client: Client, make_org: Callable[..., Any], registrar: Any
) -> None:
    org = make_org()
    client.force_login(registrar)
    url = reverse("registry:manage-org-penalty", args=[org.uscc])
    # a fine without an amount, and an end date on a criminal penalty
    refused = client.post(url, {**FINE, "penalty-amount": ""})
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="id_penalty-amount-error"' in html
    assert "长市监罚〔2025〕88号" in html  # the input is kept
    assert "罚款须填写大于零的金额" in html
    refused = client.post(
        url, {**FINE, "penalty-kind": "criminal", "penalty-amount": "", "penalty-ends_on": "2026-01-01"}
    )
    assert 'id="id_penalty-ends_on-error"' in refused.content.decode()
    assert (
        not Penalty.objects.exists()
        and not AuditEvent.objects.filter(action="registry.penalty_recorded").exists()
    )


def test_penalty_screen_is_for_the_registration_authority_in_scope(
    client: Client, make_org: Callable[..., Any], purchaser: Any, cs_registrar: Any
) -> None:
    org = make_org()
    url = reverse("registry:manage-org-penalty", args=[org.uscc])
    client.force_login(purchaser)
    assert client.post(url, FINE).status_code == 403
    client.force_login(cs_registrar)  # a city registrar, the organization registered by the province
    response = client.post(url, FINE)
    assert response.status_code == 403 and "registry.out_of_scope" in response.content.decode()
    assert not Penalty.objects.exists()


def test_public_profile_lists_penalties_and_their_effect_without_personal_data(
    client: Client, make_org: Callable[..., Any], registrar: Any
) -> None:
    # given a warning (not a major illegal record) and an ended debarment
    org = make_org()
    services.penalty_record(
        actor=registrar,
        organization=org,
        kind="warning",
        decided_on=date(2025, 3, 1),
        issuer="长沙市民政局",
        decision_document="长民罚〔2025〕3号",
        facts="负责人王五未按规定报送材料",
    )
    services.penalty_record(
        actor=registrar,
        organization=org,
        kind="debarment",
        decided_on=date(2024, 1, 10),
        ends_on=date(2025, 1, 9),
        issuer="湖南省财政厅",
        decision_document="湘财购罚〔2024〕1号",
    )
    # when anyone opens the profile
    html = client.get(reverse("registry:detail", args=[org.uscc])).content.decode()
    # then both are listed with their effect and citation, the facts and the registrar are not
    assert "行政处罚记录" in html and "长民罚〔2025〕3号" in html and "湘财购罚〔2024〕1号" in html
    assert "警告等其他行政处罚不属于重大违法记录" in html
    assert "禁止参加政府采购活动的期限已于 2025-01-09 届满" in html
    assert "政府采购法实施条例 第十九条第二款" in html
    assert "王五" not in html and registrar.username not in html
    assert "具备承接资格" in html
