"""The generic checks of `contracts.kit`: the party check and the allowed-statuses check."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from opengps.accounts.models import Role
from opengps.contracts.errors import Code
from opengps.contracts.kit import require_party, require_status_in
from opengps.contracts.models import Contract, ContractStatus
from opengps.contracts.services._common import CONTRACT_STATE_REFUSED
from opengps.core.errors import Conflict, PermissionDenied


def _actor(role: str, *, unit_id: int | None = None, organization_id: int | None = None) -> Any:
    return SimpleNamespace(
        is_authenticated=True,
        is_active=True,
        role=role,
        role_label=role,
        unit_id=unit_id,
        organization_id=organization_id,
    )


def test_require_party_passes_a_purchaser_of_the_owning_unit() -> None:
    # given / when / then: no refusal
    require_party(_actor(Role.PURCHASER, unit_id=7), Role.PURCHASER, 7, Code.PERM_OTHER_UNIT)


def test_require_party_refuses_another_unit_with_the_apps_code_and_message() -> None:
    # given
    actor = _actor(Role.PURCHASER, unit_id=8)
    # when
    with pytest.raises(PermissionDenied) as caught:
        require_party(actor, Role.PURCHASER, 7, Code.PERM_OTHER_UNIT, "只有该项目的采购人可以操作")
    # then
    assert caught.value.code == Code.PERM_OTHER_UNIT
    assert caught.value.text() == "只有该项目的采购人可以操作"


def test_require_party_reads_a_suppliers_organization_not_its_unit() -> None:
    # given: a supplier whose unit happens to match the owner
    actor = _actor(Role.SUPPLIER, unit_id=5, organization_id=6)
    # when / then
    require_party(actor, Role.SUPPLIER, 6, Code.CONTRACT_NOT_SUPPLIER)
    with pytest.raises(PermissionDenied) as caught:
        require_party(actor, Role.SUPPLIER, 5, Code.CONTRACT_NOT_SUPPLIER)
    assert caught.value.code == Code.CONTRACT_NOT_SUPPLIER


def test_require_party_refuses_the_wrong_role_first() -> None:
    with pytest.raises(PermissionDenied) as caught:
        require_party(_actor(Role.SUPPLIER, organization_id=7), Role.PURCHASER, 7, Code.PERM_OTHER_UNIT)
    assert caught.value.code != Code.PERM_OTHER_UNIT


def test_require_status_in_passes_an_allowed_status() -> None:
    contract = Contract(status=ContractStatus.SIGNED)
    require_status_in(
        contract,
        (ContractStatus.SIGNED, ContractStatus.PUBLISHED),
        Code.CONTRACT_WRONG_STATUS,
        CONTRACT_STATE_REFUSED,
    )


def test_require_status_in_refuses_with_the_label_and_the_allowed_statuses() -> None:
    # given
    contract = Contract(status=ContractStatus.DRAFT)
    # when
    with pytest.raises(Conflict) as caught:
        require_status_in(
            contract, (ContractStatus.PUBLISHED,), Code.CONTRACT_WRONG_STATUS, CONTRACT_STATE_REFUSED
        )
    # then
    error = caught.value
    assert error.code == Code.CONTRACT_WRONG_STATUS
    assert error.field == "status"
    assert contract.get_status_display() in error.text()
    assert error.params == {"status": ContractStatus.DRAFT, "allowed": [ContractStatus.PUBLISHED]}
