"""The contract pages: create from an award, act on the page, errors beside the field, public pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from opengps.contracts import services
from opengps.contracts.models import Contract, ContractStatus
from opengps.core.models import AuditEvent
from opengps.evaluation.models import Award

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + "服务台账".encode() + b"\n%%EOF"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_purchaser_creates_signs_and_publishes_on_the_pages(purchaser: Any, award: Award) -> None:
    office = client_for(purchaser)
    # the index lists the award waiting for a contract
    page = office.get("/contracts/")
    assert page.status_code == 200 and f"/contracts/new/{award.pk}/" in page.content.decode()
    start = timezone.localdate() - timedelta(days=10)
    # a term over one year is refused beside the end date, nothing created
    bad = office.post(
        f"/contracts/new/{award.pk}/",
        {
            "kind": "outsourcing",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=400)).isoformat(),
            "performance_bond": "0",
            "small_supplier": "auto",
            "people_facing": "on",
            "report_every_days": "30",
            "indicators": "visits|上门服务人次|1200|人次",
        },
    )
    assert bad.status_code == 400 and "第二十四条" in bad.content.decode()
    assert not Contract.objects.exists()
    created = office.post(
        f"/contracts/new/{award.pk}/",
        {
            "kind": "outsourcing",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=300)).isoformat(),
            "performance_bond": "5000",
            "small_supplier": "yes",
            "people_facing": "on",
            "report_every_days": "30",
            "indicators": "visits|上门服务人次|1200|人次",
        },
    )
    contract = Contract.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/contracts/{contract.pk}/"
    assert contract.indicators[0]["code"] == "visits" and contract.small_supplier
    detail = office.get(f"/contracts/{contract.pk}/").content.decode()
    assert "签订合同" in detail and "第四十六条" in detail
    assert office.post(f"/contracts/{contract.pk}/do/sign/", {}).status_code == 302
    assert office.post(f"/contracts/{contract.pk}/do/publish/", {}).status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PUBLISHED
    # an amendment over the cap: refused with the rule shown beside the field
    over = office.post(
        f"/contracts/{contract.pk}/do/amend/", {"amend-added_amount": "30000", "amend-reason": "追加"}
    )
    assert over.status_code == 400 and "政府采购法 第四十九条" in over.content.decode()
    # the public page shows the contract without login; the private page needs login
    public = Client().get(f"/contracts/public/{contract.pk}/")
    assert public.status_code == 200 and contract.reference in public.content.decode()
    assert "签订期限" not in public.content.decode()
    assert Client().get(f"/contracts/{contract.pk}/").status_code == 302
    assert contract.reference in Client().get("/contracts/public/").content.decode()
    assert contract.reference in Client().get("/contracts/").content.decode()
    assert Client().get("/contracts/public/999999/").status_code == 404
    assert list(
        AuditEvent.objects.filter(object_type="contracts.contract").values_list("action", flat=True)
    ) == [
        "contract.created",
        "contract.signed",
        "contract.published",
    ]


def test_supplier_files_a_report_with_a_file_and_purchaser_records_acceptance(
    purchaser: Any, winner_user: Any, make_contract: Callable[..., Contract], auditor: Any
) -> None:
    contract = make_contract()
    services.contract_sign(actor=purchaser, contract=contract)
    services.contract_publish(actor=purchaser, contract=contract)
    deliverable = services.deliverable_add(actor=purchaser, contract=contract, name="服务档案")
    supplier = client_for(winner_user)
    page = supplier.get(f"/contracts/{contract.pk}/").content.decode()
    assert "报送履约报告" in page and "记录阶段验收" not in page
    bad = supplier.post(
        f"/contracts/{contract.pk}/do/report/",
        {
            "report-period_start": contract.starts_on.isoformat(),
            "report-period_end": (contract.starts_on + timedelta(days=29)).isoformat(),
            "report-summary": "完成上门服务",
            "report-attachments": SimpleUploadedFile("台账.pdf", b"MZ not a pdf"),
        },
    )
    assert bad.status_code == 400 and "类型不符" in bad.content.decode()
    ok = supplier.post(
        f"/contracts/{contract.pk}/do/report/",
        {
            "report-period_start": contract.starts_on.isoformat(),
            "report-period_end": (contract.starts_on + timedelta(days=29)).isoformat(),
            "report-summary": "完成上门服务",
            "report-fig_visits": "120",
            "report-attachments": SimpleUploadedFile("台账.pdf", PDF),
        },
    )
    assert ok.status_code == 302
    report = contract.reports.get()
    assert report.figures == {"visits": "120"}
    file = report.attachments.get()
    download = supplier.get(f"/contracts/{contract.pk}/files/{file.pk}/")
    assert download.status_code == 200 and download.content == PDF
    # the supplier cannot record an acceptance
    denied = supplier.post(f"/contracts/{contract.pk}/do/acceptance/", {})
    assert denied.status_code in (302, 403)
    office = client_for(purchaser)
    accepted = office.post(
        f"/contracts/{contract.pk}/do/acceptance/",
        {
            "acceptance-title": "最终验收",
            "acceptance-final": "on",
            "acceptance-members": "张敏|采购人代表\n刘洋|专家",
            "acceptance-recipients_invited": "8",
            "acceptance-recipients_how": "入户走访",
            "acceptance-recipient_opinions": "王奶奶|服务很好|是",
            "acceptance-result": "pass",
            f"acceptance-check_{deliverable.pk}": "pass",
        },
    )
    assert accepted.status_code == 302, accepted.content.decode()[:2000]
    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED
    acceptance = contract.acceptances.get()
    assert acceptance.recipient_opinions == [{"who": "王奶奶", "opinion": "服务很好", "satisfied": True}]
    # auditors read the page and the late list, with no forms
    reader = client_for(auditor)
    page = reader.get(f"/contracts/{contract.pk}/").content.decode()
    assert "最终验收" in page and '<form method="post" action="/contracts/' not in page
    assert reader.get("/contracts/late/").status_code == 200
