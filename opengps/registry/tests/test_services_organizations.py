"""Organization services: code validation, duplicates, permissions, audit with old → new."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.demo.testdata import with_wrong_check_digit
from opengps.demo.world import uscc_for
from opengps.registry import services
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db


def events(org: Organization) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="registry.organization", object_id=str(org.pk)).order_by("seq")
    )


def test_create_registers_the_organization_with_one_audit_event(
    make_org: Callable[..., Any], registrar: Any
) -> None:
    # when
    org = make_org(name="长沙市岳麓区夕阳红居家养老服务中心")
    # then
    assert org.registration_authority == registrar.unit and org.registration_level == "province"
    assert org.derived_until is not None and org.eligible
    [event] = events(org)
    assert event.action == "registry.org_created" and event.actor == registrar
    assert event.new_values["uscc"] == org.uscc and event.new_values["region"] == "430104"


def test_a_wrong_check_character_is_refused_with_its_own_code(make_org: Callable[..., Any]) -> None:
    # given
    code = with_wrong_check_digit(uscc_for(7))
    # when
    with pytest.raises(ServiceError) as caught:
        make_org(uscc=code)
    # then
    assert caught.value.code == "registry.uscc_check_digit" and caught.value.field == "uscc"
    assert "校验位错误" in str(caught.value.message) and f"实际为“{code[-1]}”" in str(caught.value.message)
    assert (
        not Organization.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="registry").exists()
    )


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("52430100MJG11953", "应为18位，当前为16位"),
        ("5243010AMJG1195365", "第8位“A”无效"),
        ("52430100MJG119536I", "第18位“I”无效"),
    ],
)
def test_a_malformed_code_is_refused_as_format_error(
    make_org: Callable[..., Any], code: str, fragment: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        make_org(uscc=code)
    assert caught.value.code == "registry.uscc_format"
    assert fragment in str(caught.value.message)


def test_lowercase_and_spaces_are_normalized(make_org: Callable[..., Any]) -> None:
    code = uscc_for(8)
    org = make_org(uscc=f" {code[:8].lower()} {code[8:].lower()} ")
    assert org.uscc == code


def test_a_duplicate_code_is_a_conflict(make_org: Callable[..., Any]) -> None:
    # given
    first = make_org(serial=5)
    # when
    with pytest.raises(Conflict) as caught:
        make_org(serial=5, name="另一个名称")
    # then
    assert caught.value.code == "registry.uscc_duplicate" and first.name in str(caught.value.message)
    assert Organization.objects.count() == 1


def test_unknown_region_and_future_founding_are_refused(make_org: Callable[..., Any]) -> None:
    with pytest.raises(ServiceError) as caught:
        make_org(region="439999")
    assert caught.value.code == "registry.region_unknown"
    with pytest.raises(ServiceError) as caught:
        make_org(founded_on=date.today() + timedelta(days=30))
    assert caught.value.code == "registry.date_in_future" and caught.value.field == "founded_on"


def test_community_organizations_need_their_kind(make_org: Callable[..., Any]) -> None:
    with pytest.raises(ServiceError) as caught:
        make_org(is_community_org=True)
    assert caught.value.code == "registry.community_kind_required"
    org = make_org(is_community_org=True, community_kind="mutual_aid")
    assert org.community_kind == "mutual_aid"


@pytest.mark.parametrize("role", ["purchaser", "auditor", "finance"])
def test_other_roles_never_write(
    make_user: Callable[..., Any], make_org: Callable[..., Any], role: str
) -> None:
    # given
    actor = make_user(role, unit="audit" if role == "auditor" else "finance")
    # when / then
    with pytest.raises(PermissionDenied):
        make_org(actor=actor)
    org = make_org()
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=actor, organization=org, changes={"name": "改名"})
    assert Organization.objects.get().name == org.name


def test_city_registrar_manages_its_own_but_not_province_registered(
    make_org: Callable[..., Any], cs_registrar: Any
) -> None:
    # given
    province_org = make_org()
    city_org = make_org(actor=cs_registrar, region="430102")
    # then
    assert (
        city_org.registration_authority == cs_registrar.unit and city_org.registration_level == "prefecture"
    )
    with pytest.raises(PermissionDenied) as caught:
        services.organization_update(
            actor=cs_registrar, organization=province_org, changes={"address": "新住所"}
        )
    assert caught.value.code == "registry.out_of_scope"
    with pytest.raises(PermissionDenied):
        services.rating_record(
            actor=cs_registrar,
            organization=province_org,
            level=3,
            awarded_on=date(2024, 1, 5),
            decision_no="长民评〔2024〕1号",
        )
    province_org.refresh_from_db()
    assert province_org.address != "新住所"
    services.organization_update(actor=cs_registrar, organization=city_org, changes={"address": "新住所"})
    city_org.refresh_from_db()
    assert city_org.address == "新住所"


def test_city_registrar_cannot_register_outside_its_area(
    make_org: Callable[..., Any], cs_registrar: Any
) -> None:
    with pytest.raises(ServiceError) as caught:
        make_org(actor=cs_registrar, region="430602")  # 岳阳市岳阳楼区
    assert caught.value.code == "registry.region_out_of_scope"


def test_province_registrar_manages_city_registered(
    make_org: Callable[..., Any], cs_registrar: Any, registrar: Any
) -> None:
    city_org = make_org(actor=cs_registrar, region="430102")
    services.organization_update(actor=registrar, organization=city_org, changes={"business_scope": "助老"})
    city_org.refresh_from_db()
    assert city_org.business_scope == "助老"
    assert [e.action for e in events(city_org)] == ["registry.org_created", "registry.org_updated"]


def test_update_records_old_and_new_and_skips_no_change(make_org: Callable[..., Any], registrar: Any) -> None:
    # given
    org = make_org(address="旧住所")
    # when
    services.organization_update(
        actor=registrar,
        organization=org,
        changes={"address": "新住所", "name": org.name},
        reason="住所变更登记",
    )
    services.organization_update(actor=registrar, organization=org, changes={"address": "新住所"})
    # then
    timeline = events(org)
    assert [e.action for e in timeline] == ["registry.org_created", "registry.org_updated"]
    assert timeline[1].old_values == {"address": "旧住所"} and timeline[1].new_values == {"address": "新住所"}
    assert timeline[1].reason == "住所变更登记"


def test_update_validates_a_new_code_and_its_uniqueness(make_org: Callable[..., Any], registrar: Any) -> None:
    org, other = make_org(), make_org()
    with pytest.raises(ServiceError) as caught:
        services.organization_update(
            actor=registrar, organization=org, changes={"uscc": with_wrong_check_digit(org.uscc)}
        )
    assert caught.value.code == "registry.uscc_check_digit"
    with pytest.raises(Conflict):
        services.organization_update(actor=registrar, organization=org, changes={"uscc": other.uscc})
    with pytest.raises(ServiceError) as caught:
        services.organization_update(actor=registrar, organization=org, changes={"status": "revoked"})
    assert caught.value.code == "registry.field_unknown"


def test_change_status_deregisters_with_date_and_reason(make_org: Callable[..., Any], registrar: Any) -> None:
    # given
    org = make_org()
    # when
    services.organization_change_status(
        actor=registrar,
        organization=org,
        status="deregistered",
        on_date=date(2025, 6, 30),
        reason="自行解散，清算完毕",
    )
    # then
    org.refresh_from_db()
    assert org.status == "deregistered" and not org.eligible
    event = events(org)[-1]
    assert event.action == "registry.org_status_changed"
    assert event.old_values["status"] == "normal" and event.new_values["status"] == "deregistered"
    with pytest.raises(Conflict):
        services.organization_change_status(
            actor=registrar, organization=org, status="revoked", on_date=date(2025, 7, 1), reason="x"
        )
