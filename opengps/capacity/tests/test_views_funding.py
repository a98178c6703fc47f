"""The open-a-station form names what pays for the station: a purchase contract or a grant agreement
(by its number) and the amount a year; a refusal stands beside the field it is about."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.accounts.models import User
from opengps.capacity import services
from opengps.capacity.models import Station, Township
from opengps.contracts.models import Contract
from opengps.core.errors import ServiceError
from opengps.core.models import AuditEvent
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db


def _open(user: User, **data: Any) -> Any:
    client = Client()
    client.force_login(user)
    values = {"township": "430104001", "name": "岳麓街道社工站", "opened_on": "2026-09-01", **data}
    return client.post(reverse("capacity:station-open"), values)


def test_the_form_offers_the_funding_fields(today: date, cs_registrar: User, townships: Any) -> None:
    client = Client()
    client.force_login(cs_registrar)
    body = client.get(reverse("capacity:stations")).content.decode()
    for field in ("open-funding", "open-funding_number", "open-annual_amount"):
        assert f'id="{field}' in body
    assert "政府购买服务合同" in body and "资助协议" in body and "每年金额（元）" in body


def test_a_station_is_opened_with_its_contract_and_yearly_amount(
    today: date, cs_registrar: User, townships: dict[str, Township], contract: Contract
) -> None:
    # when the official opens the station paid by the contract, 120,000 yuan a year
    answer = _open(
        cs_registrar,
        operator=contract.supplier.uscc,
        funding="contract",
        funding_number=contract.reference,
        annual_amount="120,000.00",
    )
    # then the station keeps both, and the audit event says so
    station = Station.objects.get(township_id="430104001")
    assert answer.status_code == 302
    assert (station.contract_id, station.grant_id, station.annual_amount) == (
        contract.pk,
        None,
        Decimal("120000.00"),
    )
    event = AuditEvent.objects.get(action="capacity_station.opened", object_id=str(station.pk))
    assert (event.new_values["contract"], event.new_values["annual_amount"]) == (
        contract.reference,
        "120000.00",
    )
    # and the list shows the contract it is paid by
    client = Client()
    client.force_login(cs_registrar)
    assert contract.reference in client.get(reverse("capacity:stations")).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        (
            {"funding": "contract", "funding_number": "HT-NONE"},
            "funding_number",
            "没有找到该编号的购买服务合同",
        ),
        ({"funding": "grant", "funding_number": "XY-NONE"}, "funding_number", "没有找到该编号的资助协议"),
        ({"funding": "contract", "funding_number": ""}, "funding_number", "此项必填"),
        ({"annual_amount": "100000"}, "annual_amount", "填写每年金额时须选择购买服务合同或资助协议"),
        ({"funding": "contract", "annual_amount": "-5"}, "annual_amount", "每年金额应大于0"),
        ({"funding": "contract", "annual_amount": "1.005"}, "annual_amount", "每年金额应大于0"),
        ({"funding": "contract", "annual_amount": "十万"}, "annual_amount", "每年金额应大于0"),
    ],
)
def test_funding_refused_stands_beside_its_field(
    today: date,
    cs_registrar: User,
    townships: dict[str, Township],
    contract: Contract,
    data: dict[str, str],
    field: str,
    code: str,
) -> None:
    if data.get("funding") == "contract" and "funding_number" not in data:
        data = {**data, "funding_number": contract.reference}
    answer = _open(cs_registrar, operator=contract.supplier.uscc, **data)
    body = answer.content.decode()
    assert answer.status_code == 400
    assert f'id="open-{field}-error"' in body and code in body
    assert not Station.objects.exists()


def test_a_contract_of_another_organization_is_refused_beside_the_number(
    today: date,
    cs_registrar: User,
    townships: dict[str, Township],
    contract: Contract,
    operator: Organization,
) -> None:
    answer = _open(
        cs_registrar, operator=operator.uscc, funding="contract", funding_number=contract.reference
    )
    assert answer.status_code == 400
    assert 'id="open-funding_number-error"' in answer.content.decode()
    assert not Station.objects.exists()


def test_the_database_keeps_an_amount_only_with_its_funding(
    today: date, cs_registrar: User, townships: dict[str, Township], operator: Organization
) -> None:
    with pytest.raises(ServiceError) as refused:
        services.station_open(
            actor=cs_registrar,
            township=townships["430104001"],
            name="站",
            operator=operator,
            opened_on=date(2026, 9, 1),
            annual_amount=Decimal("10"),
        )
    assert refused.value.code == "capacity.amount_without_funding"
