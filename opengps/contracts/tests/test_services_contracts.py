"""From an announced award to a signed and published contract; amendments and termination."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from opengps.contracts import services
from opengps.contracts.models import Amendment, Contract, ContractStatus
from opengps.core.clock import local_date
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.demo.world import award_announced
from opengps.evaluation.models import Award, DepositReturn
from opengps.rules.deadlines import contract_publication_deadline, contract_sign_deadline

pytestmark = pytest.mark.django_db


def timeline(contract: Contract) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="contracts.contract", object_id=str(contract.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_create_sign_publish_within_the_lawful_times(
    purchaser: Any, award: Award, make_contract: Callable[..., Contract]
) -> None:
    # given an announced award
    assert award.winner is not None and award.announced_at is not None
    notice_on = local_date(award.announced_at)
    # when the purchaser drafts, signs and publishes the contract
    contract = make_contract()
    # then the draft is for the winner at the winning price, with the signing deadline cited
    assert contract.status == ContractStatus.DRAFT
    assert contract.reference.startswith(f"HT-{notice_on:%Y}-")
    assert contract.supplier_id == award.winner.organization_id
    assert contract.amount == contract.original_amount == Decimal("268000.00")
    assert contract.sign_due == contract_sign_deadline(notice_on).value
    assert "第四十六条" in contract.sign_citation
    assert contract.term_citation == "财政部令第102号 第二十四条"
    assert contract.performance_bond == Decimal("20000.00")
    contract = services.contract_sign(actor=purchaser, contract=contract)
    today = timezone.localdate()
    assert contract.status == ContractStatus.SIGNED and contract.signed_on == today
    assert contract.publish_due == contract_publication_deadline(today).value
    assert "第五十条" in contract.publish_citation
    # the winner's bid deposit now falls due 5 working days after signing
    winner_deposit = DepositReturn.objects.get(award=award, organization_id=contract.supplier_id)
    assert winner_deposit.due_on is not None and winner_deposit.due_on > today
    contract = services.contract_publish(actor=purchaser, contract=contract)
    assert contract.status == ContractStatus.PUBLISHED and contract.published_at is not None
    assert timeline(contract) == ["contract.created", "contract.signed", "contract.published"]
    signed = AuditEvent.objects.get(action="contract.signed")
    assert signed.new_values["late"] is False and signed.actor_id == purchaser.pk


def test_a_second_contract_for_the_same_award_is_refused(make_contract: Callable[..., Contract]) -> None:
    make_contract()
    with pytest.raises(Conflict) as caught:
        make_contract()
    assert caught.value.code == "contract.exists"
    assert Contract.objects.count() == 1


def test_term_and_bond_are_checked_against_the_rules(make_contract: Callable[..., Contract]) -> None:
    start = timezone.localdate()
    with pytest.raises(ServiceError) as caught:
        make_contract(starts_on=start, ends_on=start + timedelta(days=500))
    assert caught.value.code == "contract.term_over_one_year"
    assert "第二十四条" in str(caught.value.message)
    with pytest.raises(ServiceError) as caught:
        make_contract(performance_bond="26800.01")
    assert caught.value.code == "deposit.performance_over_cap"
    assert "第四十八条" in str(caught.value.message)
    # a multi-year contract within 3 years is lawful when the conditions hold
    contract = make_contract(starts_on=start, ends_on=start + timedelta(days=700), multi_year=True)
    assert contract.multi_year
    assert AuditEvent.objects.filter(action="contract.created").count() == 1


def test_only_the_purchasing_unit_creates_and_signs(
    make_user: Callable[..., Any],
    award: Award,
    auditor: Any,
    winner_user: Any,
    make_contract: Callable[..., Contract],
) -> None:
    other = make_user("purchaser", unit="cs_civil")
    start = timezone.localdate()
    for actor in (other, auditor, winner_user):
        with pytest.raises(PermissionDenied):
            services.contract_create_from_award(
                actor=actor, award=award, kind="outsourcing", starts_on=start, ends_on=start
            )
    contract = make_contract()
    with pytest.raises(PermissionDenied):
        services.contract_sign(actor=other, contract=contract)
    assert award.confirmed_by is not None
    with pytest.raises(Conflict) as caught:
        services.contract_publish(actor=award.confirmed_by, contract=contract)
    assert caught.value.code == "contract.transition_not_allowed"
    assert timeline(contract) == ["contract.created"]


def test_late_signing_and_publication_need_a_reason_and_are_marked_late(
    purchaser: Any, make_contract: Callable[..., Contract]
) -> None:
    contract = make_contract()
    assert contract.sign_due is not None
    later = timezone.now() + timedelta(days=40)
    # when signing after the 30 days without a reason
    with pytest.raises(ServiceError) as caught:
        services.contract_sign(actor=purchaser, contract=contract, now=later)
    assert caught.value.code == "contract.sign_late_reason_required"
    assert "第四十六条" in str(caught.value.message)
    contract = services.contract_sign(
        actor=purchaser, contract=contract, now=later, late_reason="供应商法定代表人变更，延迟签字"
    )
    assert contract.sign_late_reason
    publish_later = later + timedelta(days=10)
    with pytest.raises(ServiceError) as caught:
        services.contract_publish(actor=purchaser, contract=contract, now=publish_later)
    assert caught.value.code == "contract.publish_late_reason_required"
    services.contract_publish(actor=purchaser, contract=contract, now=publish_later, late_reason="系统维护")
    late = [
        e.new_values["late"]
        for e in AuditEvent.objects.filter(action__in=["contract.signed", "contract.published"])
    ]
    assert late == [True, True]


def test_an_unannounced_award_cannot_be_contracted(purchaser: Any, opened: Any, committee: Any) -> None:
    # given an award confirmed but not yet announced
    award = award_announced(purchaser, opened, committee, announce=False)
    start = timezone.localdate()
    # when / then
    with pytest.raises(Conflict) as caught:
        services.contract_create_from_award(
            actor=purchaser, award=award, kind="outsourcing", starts_on=start, ends_on=start
        )
    assert caught.value.code == "contract.award_not_announced"
    with pytest.raises(ServiceError) as refused:
        services.contract_create_from_award(
            actor=purchaser, award=award, kind="lease", starts_on=start, ends_on=start
        )
    assert refused.value.code == "contract.kind_invalid"
    assert Contract.objects.count() == 0


def test_an_amendment_beyond_10_percent_of_the_original_amount_is_refused_with_the_rule_cited(
    purchaser: Any, make_contract: Callable[..., Contract]
) -> None:
    # given a published contract of 268000.00 (cap 26800.00)
    contract = make_contract()
    services.contract_sign(actor=purchaser, contract=contract)
    services.contract_publish(actor=purchaser, contract=contract)
    # when a first supplementary contract adds 20000.00
    first = services.contract_amend(
        actor=purchaser, contract=contract, added_amount="20000", reason="增加服务对象"
    )
    assert first.cap == Decimal("26800.00") and first.cumulative == Decimal("20000.00")
    # and a second would bring the total to 26800.01
    with pytest.raises(ServiceError) as caught:
        services.contract_amend(actor=purchaser, contract=contract, added_amount="6800.01", reason="再次追加")
    # then it is refused, citing GPL §49, and nothing changes
    assert caught.value.code == "contract.amendment_over_cap"
    assert "政府采购法 第四十九条" in str(caught.value.message)
    assert caught.value.params["cap"] == "26800.00"
    contract.refresh_from_db()
    assert contract.amount == Decimal("288000.00") and Amendment.objects.count() == 1
    # exactly up to the cap is allowed
    services.contract_amend(actor=purchaser, contract=contract, added_amount="6800.00", reason="补足")
    contract.refresh_from_db()
    assert contract.amount == Decimal("294800.00")
    assert timeline(contract)[-2:] == ["contract.amended", "contract.amended"]


def test_termination_is_recorded_with_reason_and_fault(
    purchaser: Any, make_contract: Callable[..., Contract]
) -> None:
    contract = make_contract()
    with pytest.raises(Conflict):
        services.contract_terminate(actor=purchaser, contract=contract, reason="x", fault="supplier")
    services.contract_sign(actor=purchaser, contract=contract)
    with pytest.raises(ServiceError) as caught:
        services.contract_terminate(actor=purchaser, contract=contract, reason=" ", fault="supplier")
    assert caught.value.code == "contract.text_required"
    contract = services.contract_terminate(
        actor=purchaser, contract=contract, reason="供应商多次未按约定派驻人员", fault="supplier"
    )
    assert contract.status == ContractStatus.TERMINATED and contract.termination_fault == "supplier"
    assert timeline(contract) == ["contract.created", "contract.signed", "contract.terminated"]
    with pytest.raises(Conflict):
        services.contract_amend(actor=purchaser, contract=contract, added_amount="1", reason="x")


def test_unsigned_and_unpublished_contracts_show_on_the_late_list_from_their_dates(
    purchaser: Any, make_contract: Callable[..., Contract]
) -> None:
    from opengps.contracts import selectors

    # given a draft whose signing deadline is 30 days after the award notice
    contract = make_contract()
    assert contract.sign_due is not None
    mine = selectors.contract_list(actor=purchaser)
    # then nothing is late on the deadline itself, and the day after it is
    assert selectors.late_items(mine, contract.sign_due) == []
    [item] = selectors.late_items(mine, contract.sign_due + timedelta(days=1))
    assert (item.kind, item.due_on, item.days_late) == ("sign", contract.sign_due, 1)
    # once signed, the publication deadline counts instead
    contract = services.contract_sign(actor=purchaser, contract=contract)
    assert contract.publish_due is not None
    [item] = selectors.late_items(mine, contract.publish_due + timedelta(days=3))
    assert (item.kind, item.days_late) == ("publish", 3)
