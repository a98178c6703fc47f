"""The expert database: registration, identity privacy, updates, declarations and who may write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.experts.facts import expert_facts
from opengps.experts.identity import make_id_number
from opengps.experts.services import affiliation_add, expert_update, id_number_hash, relation_declare

pytestmark = pytest.mark.django_db


def test_registration_keeps_the_id_number_only_hashed_and_masked(make_expert: Callable[..., Any]) -> None:
    # given an identity number
    number = make_id_number(region_code="430102", birth_date=date(1972, 8, 9), serial=321)
    # when the expert is registered
    expert = make_expert(id_number=number, birth_date=date(1972, 8, 9))
    # then the birth date comes from it, and the number is stored nowhere in clear
    assert expert.birth_date == date(1972, 8, 9)
    assert expert.id_number_masked == "430102********" + number[-4:]
    assert expert.id_number_hash == id_number_hash(number) and number not in expert.id_number_hash
    event = AuditEvent.objects.get(action="expert.registered", object_id=str(expert.pk))
    assert number not in str(event.new_values) and event.new_values["id_number"] == expert.id_number_masked
    # and the same person cannot be registered twice
    with pytest.raises(Conflict) as exc:
        make_expert(id_number=number.lower())
    assert exc.value.code == "expert.duplicate"


@pytest.mark.parametrize("number", ["430102197505010011", "43010219750501001", "430102197513010016", "abc"])
def test_invalid_id_numbers_are_refused(make_expert: Callable[..., Any], number: str) -> None:
    with pytest.raises(ServiceError) as exc:
        make_expert(id_number=number)
    assert exc.value.code == "expert.id_number_invalid"


def test_specialties_and_uscc_are_checked(make_expert: Callable[..., Any]) -> None:
    assert make_expert(specialties=[" a04 ", "A0401", "A04"]).specialties == ["A04", "A0401"]
    with pytest.raises(ServiceError) as exc:
        make_expert(specialties=[])
    assert exc.value.code == "expert.specialties_required"
    with pytest.raises(ServiceError) as exc:
        make_expert(employer_uscc="123")
    assert exc.value.code == "expert.uscc_invalid"


def test_only_finance_or_admin_register(
    make_expert: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    for role, unit in (
        ("purchaser", "civil"),
        ("auditor", "audit"),
        ("expert", None),
        ("registration", "civil"),
    ):
        with pytest.raises(PermissionDenied):
            make_expert(actor=make_user(role, unit=unit))
    assert make_expert(actor=make_user("admin", unit=None)).pk


def test_update_records_old_and_new_and_suspension_needs_a_reason(
    make_expert: Callable[..., Any], finance: Any
) -> None:
    expert = make_expert()
    with pytest.raises(ServiceError) as exc:
        expert_update(actor=finance, expert=expert, status="suspended")
    assert exc.value.code == "expert.reason_required"
    updated = expert_update(
        actor=finance, expert=expert, status="suspended", phone="13900000000", reason="本人申请"
    )
    assert updated.status == "suspended"
    event = AuditEvent.objects.get(action="expert.updated", object_id=str(expert.pk))
    assert event.old_values == {"status": "active", "phone": expert.phone}
    assert event.new_values == {"status": "suspended", "phone": "13900000000"} and event.reason == "本人申请"
    # nothing changes → no event
    expert_update(actor=finance, expert=updated, phone="13900000000")
    assert AuditEvent.objects.filter(action="expert.updated", object_id=str(expert.pk)).count() == 1
    with pytest.raises(ServiceError) as exc:
        expert_update(actor=finance, expert=updated, id_number_hash="x")
    assert exc.value.code == "expert.field_not_updatable"


def test_an_expert_updates_own_phone_and_declares_own_ties_only(
    make_expert: Callable[..., Any], make_user: Callable[..., Any], finance: Any
) -> None:
    account = make_user("expert", unit=None)
    me = expert_update(actor=finance, expert=make_expert(), user=account)
    other = make_expert()
    assert expert_update(actor=account, expert=me, phone="13811112222").phone == "13811112222"
    with pytest.raises(PermissionDenied):
        expert_update(actor=account, expert=me, title_level="full_senior")
    with pytest.raises(PermissionDenied):
        expert_update(actor=account, expert=other, phone="1")
    relation_declare(actor=account, expert=me, person_name="张丽", relation="lineal")
    affiliation_add(
        actor=account,
        expert=me,
        role="director",
        organization_uscc="52430100MJ0000001X",
        organization_name="长沙市夕阳红养老服务中心",
        start=date(2022, 1, 1),
        end=date(2024, 1, 1),
    )
    with pytest.raises(PermissionDenied):
        relation_declare(actor=account, expert=other, person_name="张丽", relation="lineal")
    facts = expert_facts(me)
    assert facts.relatives[0].person == "张丽" and facts.affiliations[0].role == "director"
    actions = list(AuditEvent.objects.filter(object_id=str(me.pk)).values_list("action", flat=True))
    assert actions[-2:] == ["expert.relation_declared", "expert.affiliation_added"]


def test_linked_accounts_must_be_experts_and_unique(
    make_expert: Callable[..., Any], make_user: Callable[..., Any], finance: Any, purchaser: Any
) -> None:
    account = make_user("expert", unit=None)
    expert_update(actor=finance, expert=make_expert(), user=account)
    with pytest.raises(Conflict):
        expert_update(actor=finance, expert=make_expert(), user=account)
    with pytest.raises(ServiceError) as exc:
        expert_update(actor=finance, expert=make_expert(), user=purchaser)
    assert exc.value.code == "expert.user_not_expert"


def test_affiliations_name_exactly_one_organization(
    make_expert: Callable[..., Any], finance: Any, units: dict[str, Any]
) -> None:
    expert = make_expert()
    with pytest.raises(ServiceError) as exc:
        affiliation_add(actor=finance, expert=expert, role="employee", organization_name="某单位")
    assert exc.value.code == "affiliation.target_required"
    with pytest.raises(ServiceError) as exc:
        affiliation_add(
            actor=finance,
            expert=expert,
            role="employee",
            organization_name="某单位",
            organization_uscc="52430100MJ0000001X",
            start=date(2024, 1, 1),
            end=date(2023, 1, 1),
        )
    assert exc.value.code == "affiliation.period_invalid"
    tie = affiliation_add(
        actor=finance, expert=expert, role="employee", organization_name="", unit=units["civil"]
    )
    assert tie.organization_name == "湖南省民政厅"
    assert expert_facts(expert).affiliations[0].organization == f"unit:{units['civil'].pk}"
