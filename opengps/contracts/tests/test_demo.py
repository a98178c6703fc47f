"""The contracts demo: every state from the procurement demo's awards, through the services; idempotent."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from opengps.accounts.models import User
from opengps.contracts import selectors
from opengps.contracts.models import Acceptance, Contract, ContractStatus
from opengps.core.audit import verify_chain
from opengps.core.demo import DemoContext, load_demo
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_demo_contracts_in_every_state_and_loading_twice_changes_nothing() -> None:
    # when the demo loads twice
    summary = load_demo(organizations=40)
    events = AuditEvent.objects.count()
    load_demo(organizations=40)
    # then nothing changed the second time and the chain holds
    assert AuditEvent.objects.count() == events and verify_chain()[1] is None
    assert summary.counts["contracts"] == Contract.objects.count() == 6
    statuses = set(Contract.objects.values_list("status", flat=True))
    assert statuses == {
        ContractStatus.DRAFT,
        ContractStatus.SIGNED,
        ContractStatus.PUBLISHED,
        ContractStatus.COMPLETED,
        ContractStatus.TERMINATED,
    }
    completed = Contract.objects.get(status=ContractStatus.COMPLETED)
    assert list(completed.acceptances.values_list("result", flat=True)) == ["pass", "partial", "pass"]
    assert all(a.published for a in completed.acceptances.all())
    assert completed.reports.count() == 3
    amended = Contract.objects.get(amendments__isnull=False)
    assert amended.status == ContractStatus.PUBLISHED and amended.amount > (amended.original_amount or 0)
    posts = Contract.objects.get(kind="posts")
    assert posts.posts.count() == 2 and sum(p.placements.count() for p in posts.posts.all()) == 3
    terminated = Contract.objects.get(status=ContractStatus.TERMINATED)
    assert list(selectors.failed_acceptances(terminated.supplier)) == list(
        Acceptance.objects.filter(contract=terminated, result="fail")
    )
    assert list(selectors.terminations(terminated.supplier, supplier_fault_only=True)) == [terminated]
    # the late list of the purchasing units shows the in-progress contract's overdue items
    kinds = {i.kind for i in selectors.late_items(Contract.objects.all())}
    assert {"milestone", "report"} <= kinds
    # every contract page renders for its purchaser and for an auditor; published ones publicly
    auditor = Client()
    auditor.force_login(User.objects.get(username="auditor"))
    for contract in Contract.objects.all():
        office = Client()
        office.force_login(User.objects.filter(role="purchaser", unit=contract.purchaser).order_by("pk")[0])
        assert office.get(f"/contracts/{contract.pk}/").status_code == 200
        assert auditor.get(f"/contracts/{contract.pk}/").status_code == 200
        public = Client().get(f"/contracts/public/{contract.pk}/").status_code
        assert public == (200 if contract.published_at else 404)
    assert auditor.get("/contracts/late/").status_code == 200


def test_demo_loader_with_no_awards_does_nothing(db: Any) -> None:
    from opengps.contracts import demo

    context = DemoContext(organizations=0)
    demo.load(context)
    assert context.counts["contracts"] == 0 and not Contract.objects.exists()
