"""合同公告 PDF: built from the published contract's public facts, linked from the public page and
the purchaser's page, not available before publication."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.contracts import documents, selectors, services
from opengps.contracts.models import Contract
from opengps.contracts.services import CheckInput
from opengps.core.tests.pdftext import pdf_text  # what a reader sees, through the embedded fonts

pytestmark = pytest.mark.django_db

@pytest.fixture
def published(purchaser: Any, make_contract: Callable[..., Contract]) -> Contract:
    contract = make_contract(terms="第九条 服务单价按双方商定的保密报价表执行")
    services.contract_sign(actor=purchaser, contract=contract)
    return services.contract_publish(actor=purchaser, contract=contract)


def test_the_notice_pdf_builds_with_the_contract_facts(purchaser: Any, published: Contract) -> None:
    # given an amendment and a published acceptance phase
    services.contract_amend(actor=purchaser, contract=published, added_amount="10000", reason="增加服务人次")
    item = services.deliverable_add(actor=purchaser, contract=published, name="服务对象档案")
    acceptance = services.acceptance_record(
        actor=purchaser,
        contract=published,
        title="第一阶段验收",
        result="pass",
        members=[{"name": "张敏", "role": "采购人代表"}],
        checklist=[CheckInput(item.pk, True)],
        recipients_invited=3,
        recipients_how="随机电话抽取",
        recipient_opinions=[{"who": "王奶奶", "opinion": "满意", "satisfied": True}],
    )
    services.acceptance_publish(actor=purchaser, acceptance=acceptance)
    contract = selectors.public_contract_get(published.pk)
    # when the notice is built
    document = documents.contract_notice(
        contract=contract,
        amendments=list(contract.amendments.all()),
        acceptances=list(selectors.public_acceptances(contract)),
    )
    # then it holds the public facts, the amendment and the acceptance, with the deadline's basis
    text = "\n".join(documents.texts(document.story))
    assert document.title == "合同公告"
    assert contract.reference in text and contract.title in text and contract.supplier.name in text
    assert "10,000.00" in text and "第一阶段验收" in text and contract.publish_citation in text
    assert contract.terms and "保密报价表" not in text  # the terms may hold trade secrets: left out
    # and the PDF is A4 with the Chinese font, and its page draws the reference
    pdf = documents.render(document, invariant=True)
    assert pdf.startswith(b"%PDF") and b"+NotoSerifSC-Regular" in pdf and b"/FontFile2" in pdf
    assert b"STSong-Light" not in pdf  # the CJK font is embedded, not Adobe's non-embedded CID font
    drawn = pdf_text(pdf)
    assert contract.reference in drawn and "合同公告" in drawn
    assert pdf == documents.render(document, invariant=True)


def test_the_notice_pdf_is_public_once_published_and_linked_from_both_pages(
    purchaser: Any, published: Contract, make_contract: Callable[..., Contract]
) -> None:
    url = reverse("contracts:notice_pdf", args=[published.pk])
    response = Client().get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"contract-notice-{published.reference}".replace("/", "_") in response["Content-Disposition"]
    assert published.reference in pdf_text(response.content)
    # linked from the public page and from the purchaser's contract page
    assert url in Client().get(reverse("contracts:public_detail", args=[published.pk])).content.decode()
    client = Client()
    client.force_login(purchaser)
    assert url in client.get(reverse("contracts:detail", args=[published.pk])).content.decode()


def test_no_notice_before_publication(purchaser: Any, make_contract: Callable[..., Contract]) -> None:
    draft = make_contract()
    for user in (None, purchaser):
        client = Client()
        if user is not None:
            client.force_login(user)
        assert client.get(reverse("contracts:notice_pdf", args=[draft.pk])).status_code == 404
