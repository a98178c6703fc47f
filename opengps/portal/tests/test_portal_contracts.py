"""The portal's contract and acceptance notices, built through the contracts services."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from opengps.contracts import services
from opengps.contracts.models import Contract
from opengps.contracts.services import CheckInput
from opengps.portal import selectors

pytestmark = pytest.mark.django_db

MEMBERS = [{"name": "张敏", "role": "采购人代表"}, {"name": "刘洋", "role": "社会工作专家"}]


def test_contracts_and_published_acceptances_are_public(purchaser: Any, make_contract: Any) -> None:
    # given a signed contract, not yet published
    contract: Contract = make_contract(small_supplier=True, title="居家养老上门服务合同")
    services.contract_sign(actor=purchaser, contract=contract)
    client = Client()
    assert selectors.notice_page("contract").count == 0
    assert client.get(f"/portal/contract/{contract.pk}/").status_code == 404
    # when it is published
    services.contract_publish(actor=purchaser, contract=contract)
    # then it is listed, searchable in Chinese, in the feeds and on the supplier's page
    assert "居家养老上门服务合同" in client.get("/portal/contract/").content.decode()
    assert selectors.notice_page("contract", selectors.PortalFilters(q="上门服务")).count == 1
    assert selectors.notice_page("contract", selectors.PortalFilters(q=contract.supplier.name[:3])).count == 1
    assert client.get(f"/portal/contract/{contract.pk}/").status_code == 200
    rss = ET.fromstring(  # noqa: S314 — our own feed
        client.get("/portal/feeds/contract.rss").content
    )
    assert [node.text for node in rss.iter("title")][1] == "居家养老上门服务合同"
    assert (
        "居家养老上门服务合同"
        in client.get(f"/portal/organizations/{contract.supplier_id}/").content.decode()
    )
    # an acceptance is public only once published
    item = services.deliverable_add(actor=purchaser, contract=contract, name="服务对象档案")
    acceptance = services.acceptance_record(
        actor=purchaser,
        contract=contract,
        title="第一阶段验收",
        result="pass",
        members=MEMBERS,
        checklist=[CheckInput(item.pk, True)],
        recipients_invited=12,
        recipients_how="随机电话抽取服务对象",
        recipient_opinions=[{"who": "王奶奶", "opinion": "服务及时", "satisfied": True}],
    )
    assert selectors.notice_page("acceptance").count == 0
    services.acceptance_publish(actor=purchaser, acceptance=acceptance)
    assert selectors.notice_page("acceptance", selectors.PortalFilters(q="阶段验收")).count == 1
    page = client.get(f"/portal/acceptance/{acceptance.pk}/").content.decode()
    assert "第一阶段验收" in page and "合格" in page
    atom = ET.fromstring(  # noqa: S314 — our own feed
        client.get("/portal/feeds/acceptance.atom").content
    )
    assert atom.find("{http://www.w3.org/2005/Atom}entry") is not None
