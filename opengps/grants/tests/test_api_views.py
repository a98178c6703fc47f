"""The grants API and pages: 360Giving export shape, public notice, applications over the API,
independent scores, the fund-use report, and who may do what."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from opengps.core.errors import PermissionDenied
from opengps.demo.world import (
    GRANT_DECIDE_ON,
    GRANT_DRAWN_AT,
    GRANT_NOTICE_ON,
    GRANT_REVIEW_ON,
    GRANT_SUBMIT_ON,
    GrantsWorld,
    grant_application_values,
)
from opengps.experts.services import draw_member_respond
from opengps.grants import services

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def funded(
    world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any], panel_experts: list[Any]
) -> dict[str, Any]:
    """A decided round with one signed agreement (A, 100,000) and one screened-out applicant."""
    round_ = make_round()
    org, member = make_org(name="长沙市岳麓区夕阳红社会工作服务中心")
    app = services.application_save(actor=member, round=round_, **grant_application_values())
    app = services.application_submit(actor=member, application=app, today=GRANT_SUBMIT_ON)
    _, low_member = make_org(rating=2)
    low = services.application_save(actor=low_member, round=round_, **grant_application_values())
    services.application_submit(actor=low_member, application=low, today=GRANT_SUBMIT_ON)
    services.round_review_start(actor=world.funder, round=round_, today=GRANT_REVIEW_ON)
    round_ = services.panel_draw(actor=world.funder, round=round_, needed=3, drawn_at=GRANT_DRAWN_AT)
    assert round_.draw is not None
    members = list(round_.draw.members.select_related("expert__user").order_by("order"))
    for m in members:
        assert m.expert.user is not None
        draw_member_respond(actor=m.expert.user, member=m, accept=True, no_conflict_confirmed=True)
    for m in members:
        assert m.expert.user is not None
        services.score_submit(
            actor=m.expert.user, application=app, scores={"need": D(27), "design": D(36), "capacity": D(27)}
        )
    services.round_rank(actor=world.funder, round=round_)
    services.notice_publish(actor=world.funder, round=round_, today=GRANT_NOTICE_ON)
    services.round_decide(actor=world.funder, round=round_, today=GRANT_DECIDE_ON)
    app.refresh_from_db()
    agreement = services.agreement_sign(actor=world.funder, application=app, signed_on=date(2023, 6, 20))
    return {
        "round": round_,
        "org": org,
        "member": member,
        "app": app,
        "agreement": agreement,
        "experts": members,
    }


def test_360giving_export_shape(client: Client, funded: dict[str, Any]) -> None:
    # when anyone asks for the 2023 grants
    response = client.get("/api/v1/grants/360giving", {"year": 2023})
    # then one grant in the 360Giving shape, the amount a JSON number with the exact cents
    assert response.status_code == 200
    assert "夕阳红" in response.content.decode("utf-8")  # Chinese kept readable (ensure_ascii=False)
    data = json.loads(response.content, parse_float=Decimal)
    (grant,) = data["grants"]
    org = funded["org"]
    assert set(grant) >= {
        "id",
        "title",
        "description",
        "currency",
        "amountAwarded",
        "awardDate",
        "recipientOrganization",
        "fundingOrganization",
        "plannedDates",
        "beneficiaryLocation",
    }
    assert grant["currency"] == "CNY" and grant["amountAwarded"] == D("100000.00")
    assert b'"amountAwarded": 100000.00' in response.content
    assert grant["awardDate"] == "2023-06-20"
    assert grant["recipientOrganization"] == [{"id": f"CN-USCI-{org.uscc}", "name": org.name}]
    assert grant["fundingOrganization"][0]["name"] == "湖南省民政厅"
    assert grant["plannedDates"] == [{"startDate": "2023-07-01", "endDate": "2024-06-30"}]
    # issue 15 #12: no UK-only geoCodeType; the region by name, country CN, code in the description
    assert grant["beneficiaryLocation"] == [
        {
            "name": funded["app"].beneficiary_region.full_name,
            "countryCode": "CN",
            "description": "GB/T 2260 行政区划代码 430104",
        }
    ]
    released = sum(t.released_amount or 0 for t in funded["agreement"].tranches.all())
    assert grant["fromOpenCall"] == "Yes" and grant["amountDisbursed"] == released > 0
    assert b'"amountDisbursed": 50000.00' in response.content
    assert grant["dataSource"] == f"{settings.OPENGPS_PUBLIC_URL}/grants/rounds/{funded['round'].pk}/"
    assert client.get(grant["dataSource"].removeprefix(settings.OPENGPS_PUBLIC_URL)).status_code == 200
    # and the package carries its metadata, every field in the shapes of 360Giving 1.4
    assert data["version"] == "1.4" and data["publisher"]["name"]
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert giving_360_problems(data) == []
    # and another year has no grants
    assert client.get("/api/v1/grants/360giving", {"year": 2022}).json()["grants"] == []


GIVING_ISO_DATE = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
GIVING_ORGANIZATION = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": {"type": "string", "pattern": "^[A-Z]{2}-"}, "name": {"type": "string"}},
        "additionalProperties": False,
    },
}
GIVING_COFUNDING = {
    "type": "object",
    "required": ["committed", "receivedCash", "receivedInKind", "otherPublicFunding", "coFunders"],
    "additionalProperties": False,
    "properties": {
        "committed": {"type": "number"},
        "receivedCash": {"type": "number"},
        "receivedInKind": {"type": "number"},
        "otherPublicFunding": {"type": "number"},
        "leverage": {"type": "number"},
        "coFunders": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "type", "form", "amount"],
                "properties": {
                    "name": {"type": "string"},
                    "type": {"type": "string"},
                    "form": {"type": "string"},
                    "amount": {"type": "number"},
                },
                "additionalProperties": False,
            },
        },
    },
}
"""Co-funding (issue 25) as an additional field of a grant: 360Giving allows fields beyond the
standard; co-funders have no org-id and are not this grant's funders, so they are not
``fundingOrganization`` entries."""
GIVING_SHAPES = {
    "type": "object",
    "required": ["grants", "version", "publisher", "license"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string", "pattern": r"^(\d+\.)(\d+)$"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "issued": {"type": "string", "format": "date-time"},
        "modified": {"type": "string", "format": "date-time"},
        "identifier": {"type": "string"},
        "publisher": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "website": {"type": "string", "format": "uri"}},
            "additionalProperties": False,
        },
        "license": {"type": "string", "format": "uri"},
        "accessURL": {"type": "string", "format": "uri"},
        "downloadURL": {"type": "string", "format": "uri"},
        "grants": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "id",
                    "title",
                    "description",
                    "currency",
                    "amountAwarded",
                    "awardDate",
                    "recipientOrganization",
                    "fundingOrganization",
                ],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^360G-"},
                    "title": {"type": "string"},
                    "description": {"type": "string", "not": {"pattern": "服务服务"}},
                    "currency": {"enum": ["CNY"]},
                    "amountAwarded": {"type": "number"},
                    "amountDisbursed": {"type": "number"},
                    "awardDate": GIVING_ISO_DATE,
                    "plannedDates": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"startDate": GIVING_ISO_DATE, "endDate": GIVING_ISO_DATE},
                            "additionalProperties": False,
                        },
                    },
                    "recipientOrganization": GIVING_ORGANIZATION,
                    "fundingOrganization": GIVING_ORGANIZATION,
                    "grantProgramme": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["code"],
                            "properties": {"code": {"type": "string"}, "title": {"type": "string"}},
                            "additionalProperties": False,
                        },
                    },
                    "beneficiaryLocation": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "countryCode": {"enum": ["CN"]},
                                "description": {"type": "string"},
                            },
                            "additionalProperties": False,
                        },
                    },
                    "fromOpenCall": {"enum": ["Yes", "No"]},
                    "dataSource": {"type": "string", "format": "uri"},
                    "coFunding": GIVING_COFUNDING,
                },
            },
        },
    },
}
"""The shapes of the 360Giving 1.4 package and grant fields this export produces — written from the
standard's documentation, not its published schema file (not shipped here: no verified copy of
the 1.4 release). ``additionalProperties: false`` makes a new field fail until its shape is added;
``countryCode`` is ISO 3166-1 and no geoCodeType is used (360Giving's codelist is UK-only)."""


def giving_360_problems(package: dict[str, Any]) -> list[str]:
    """Every way `package` (parsed with Decimal amounts) departs from GIVING_SHAPES."""
    import jsonschema  # type: ignore[import-untyped]

    data = json.loads(json.dumps(package, default=float))
    checker = jsonschema.Draft7Validator(
        GIVING_SHAPES, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in checker.iter_errors(data)]


def test_public_pages_and_notice(client: Client, funded: dict[str, Any]) -> None:
    round_ = funded["round"]
    assert client.get("/grants/").status_code == 200
    page = client.get(f"/grants/rounds/{round_.pk}/")
    assert page.status_code == 200 and "资助项目名单" in page.content.decode()
    notice = client.get(f"/api/v1/grants/rounds/{round_.pk}/notice").json()
    assert [row["awarded_amount"] for row in notice] == ["100000.00"]
    report = client.get("/grants/report/", {"year": 2023})
    assert report.status_code == 200 and "100,000.00" in report.content.decode()  # grouped
    assert client.get("/api/v1/grants/report/2023").status_code == 200


def test_private_pages_follow_permissions(
    client: Client, funded: dict[str, Any], world: GrantsWorld, make_org: Callable[..., Any]
) -> None:
    app, agreement = funded["app"], funded["agreement"]
    client.force_login(world.auditor)
    assert client.get(f"/grants/applications/{app.pk}/").status_code == 200
    assert client.get(f"/grants/agreements/{agreement.pk}/").status_code == 200
    _, stranger = make_org()
    client.force_login(stranger)
    assert client.get(f"/grants/applications/{app.pk}/").status_code == 404
    assert client.get(f"/api/v1/grants/applications/{app.pk}").status_code == 404
    client.force_login(funded["member"])
    own = client.get(f"/api/v1/grants/applications/{app.pk}").json()
    assert own["status"] == "funded" and own["awarded_amount"] == "100000.00"


def test_applying_over_the_api_reports_the_cap(
    client: Client, world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any]
) -> None:
    round_ = make_round(
        min_rating=None,
        call_opens=date(2023, 4, 1),
        call_closes=date(2099, 4, 30),
        review_by=date(2099, 5, 31),
        agreement_by=date(2099, 6, 30),
    )
    _, member = make_org()
    client.force_login(member)
    payload = {
        "title": "社区助残服务",
        "purpose_area": "disabled",
        "beneficiary_region": "430104",
        "starts_on": "2023-07-01",
        "ends_on": "2024-06-30",
        "requested_amount": "130000.00",
        "budget_lines": [{"item": "人员经费", "amount": "130000.00"}],
        "indicators": [{"name": "服务人次", "target": "≥500"}],
    }
    refused = client.post(
        f"/api/v1/grants/rounds/{round_.pk}/applications", payload, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "grants.over_cap"
    payload["requested_amount"] = payload["budget_lines"][0]["amount"] = "100000.00"  # type: ignore[index]
    created = client.post(
        f"/api/v1/grants/rounds/{round_.pk}/applications", payload, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["status"] == "draft"
    submitted = client.post(f"/api/v1/grants/applications/{created.json()['id']}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "eligible"
    assert submitted.json()["screening"][-1]["code"] == "grants.conditions_met"


def _audit(actor: Any, agreement: Any) -> None:
    services.final_audit_record(
        actor=actor,
        agreement=agreement,
        opinion="unqualified",
        verified_spent="100000.00",
        findings=["规范"],
        completed_on=date(2024, 8, 1),
    )


def test_only_the_appointed_firm_audits_and_auditors_never_write(
    funded: dict[str, Any], world: GrantsWorld, make_user: Callable[..., Any]
) -> None:
    agreement = funded["agreement"]
    services.midterm_review_record(
        actor=world.funder, agreement=agreement, passed=True, findings="良好", reviewed_on=date(2023, 12, 1)
    )
    services.final_review_record(
        actor=world.funder, agreement=agreement, score="85", note="良好", reviewed_on=date(2024, 7, 1)
    )
    other_firm_user = make_user("evaluator", unit="audit")
    for actor in (world.auditor, world.funder, other_firm_user):
        with pytest.raises(PermissionDenied):
            _audit(actor, agreement)
    _audit(world.firm_user, agreement)
    agreement.refresh_from_db()
    assert agreement.status == "closed" and services.paid_amount(agreement) == D("100000.00")
    with pytest.raises(PermissionDenied):
        services.fund_return_record(
            actor=world.auditor,
            agreement=agreement,
            amount="1.00",
            returned_on=date(2024, 9, 1),
            document="x",
        )


def test_grant_ids_carry_the_configured_360giving_prefix(
    client: Client, funded: dict[str, Any], settings: Any
) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from opengps.grants.selectors import giving_360

    # given the tests' marked test prefix, then a registered one
    assert all(g["id"].startswith("360G-test-opengps-") for g in giving_360(2023)["grants"])
    settings.OPENGPS_360G_PREFIX = "360G-hnmzt"
    grants = client.get("/api/v1/grants/360giving", {"year": 2023}).json()["grants"]
    assert grants and all(g["id"].startswith("360G-hnmzt-") for g in grants)
    # and production without one refuses to publish rather than use a placeholder
    settings.OPENGPS_360G_PREFIX = ""
    with pytest.raises(ImproperlyConfigured, match="OPENGPS_360G_PREFIX"):
        giving_360(2023)
