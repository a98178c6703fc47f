"""Units' 统一社会信用代码: validated with python-stdnum, "11" for government organs, unique when
set, changed only by administrators through the audited service (also from the admin site)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from opengps.accounts.models import Region, Role, Unit
from opengps.accounts.services import unit_create, unit_uscc_set, user_create
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.identifiers import make_unit_uscc
from opengps.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ORGAN = make_unit_uscc(prefix="11", region_code="430000", serial=1)
ORGAN_2 = make_unit_uscc(prefix="11", region_code="430100", serial=2)
COMPANY = make_unit_uscc(prefix="91", region_code="430100", serial=3)


def _admin(units: dict[str, Any]) -> Any:
    return user_create(actor=None, username="root", password="x-password-1", role=Role.ADMIN)


def test_a_unit_is_created_with_its_code_and_the_event_records_it(regions: None) -> None:
    # when
    unit = unit_create(
        actor=None,
        name="湖南省民政厅",
        kind=Unit.Kind.CIVIL_AFFAIRS,
        region=Region.objects.get(pk="430000"),
        uscc=ORGAN.lower(),
    )
    # then the code is stored in canonical (upper-case) form and audited
    assert unit.uscc == ORGAN
    assert AuditEvent.objects.get(action="unit.created", object_id=str(unit.pk)).new_values["uscc"] == ORGAN


@pytest.mark.parametrize(
    ("kind", "uscc", "code"),
    [
        (Unit.Kind.CIVIL_AFFAIRS, ORGAN[:-1] + ("0" if ORGAN[-1] != "0" else "1"), "unit.uscc_invalid"),
        (Unit.Kind.CIVIL_AFFAIRS, ORGAN[:17], "unit.uscc_invalid"),
        (Unit.Kind.CIVIL_AFFAIRS, COMPANY, "unit.uscc_not_organ"),
        (Unit.Kind.FINANCE, COMPANY, "unit.uscc_not_organ"),
    ],
)
def test_a_wrong_code_is_refused(regions: None, kind: str, uscc: str, code: str) -> None:
    with pytest.raises(ServiceError) as refused:
        unit_create(actor=None, name="某单位", kind=kind, region=Region.objects.get(pk="430000"), uscc=uscc)
    assert (refused.value.code, refused.value.field) == (code, "uscc")
    assert not Unit.objects.filter(name="某单位").exists()


def test_a_company_or_institution_needs_no_organ_prefix(regions: None) -> None:
    unit = unit_create(
        actor=None,
        name="评价公司",
        kind=Unit.Kind.EVALUATOR,
        region=Region.objects.get(pk="430100"),
        uscc=COMPANY,
    )
    assert unit.uscc == COMPANY


def test_administrators_set_a_code_once_per_unit(units: dict[str, Any]) -> None:
    # given
    admin = _admin(units)
    civil, finance = units["civil"], units["finance"]
    # when
    unit_uscc_set(actor=admin, unit=civil, uscc=ORGAN, reason="补录")
    # then old → new is audited, and setting the same code again changes nothing
    event = AuditEvent.objects.get(action="unit.uscc_set", object_id=str(civil.pk))
    assert (event.old_values, event.new_values, event.reason) == ({"uscc": ""}, {"uscc": ORGAN}, "补录")
    unit_uscc_set(actor=admin, unit=civil, uscc=ORGAN)
    assert AuditEvent.objects.filter(action="unit.uscc_set").count() == 1
    # and another unit cannot take the same code
    with pytest.raises(Conflict) as taken:
        unit_uscc_set(actor=admin, unit=finance, uscc=ORGAN)
    assert taken.value.code == "unit.uscc_duplicate"
    # and the database holds the invariant too; units without a code do not collide
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=finance.pk).update(uscc=ORGAN)
    assert Unit.objects.filter(uscc="").count() == len(units) - 1


def test_only_administrators_set_a_code(units: dict[str, Any], purchaser: Any) -> None:
    with pytest.raises(PermissionDenied):
        unit_uscc_set(actor=purchaser, unit=units["civil"], uscc=ORGAN)
    assert Unit.objects.get(pk=units["civil"].pk).uscc == ""


def test_the_admin_site_edits_the_code_through_the_service(units: dict[str, Any]) -> None:
    # given an administrator signed in to the admin site
    admin = _admin(units)
    admin.is_staff = admin.is_superuser = True
    admin.must_change_password = False
    admin.save(update_fields=["is_staff", "is_superuser", "must_change_password"])
    client = Client()
    client.force_login(admin)
    url = f"/admin/accounts/unit/{units['civil'].pk}/change/"
    # when a wrong code is posted, it is refused beside the field
    response = client.post(url, {"uscc": COMPANY})
    assert response.status_code == 200
    assert "11" in response.content.decode()
    assert Unit.objects.get(pk=units["civil"].pk).uscc == ""
    # when a right one is posted, it is stored and audited with the administrator as actor
    response = client.post(url, {"uscc": ORGAN_2})
    assert response.status_code == 302
    assert Unit.objects.get(pk=units["civil"].pk).uscc == ORGAN_2
    assert AuditEvent.objects.get(action="unit.uscc_set").actor_id == admin.pk


def test_the_demo_gives_an_existing_unit_its_code_and_keeps_an_entered_one(units: dict[str, Any]) -> None:
    from opengps.accounts.demo import demo_unit

    # given a unit an earlier demo load made without a code
    civil = units["civil"]
    # when the demo loads again
    unit = demo_unit(name=civil.name, kind=civil.kind, region="430000", parent=None, serial=7)
    # then it has the demo's code, audited; loading again changes nothing
    assert unit.uscc == make_unit_uscc(prefix="11", region_code="430000", serial=7)
    again = demo_unit(name=civil.name, kind=civil.kind, region="430000", parent=None, serial=8)
    assert again.uscc == unit.uscc
    assert AuditEvent.objects.filter(action="unit.uscc_set").count() == 1
