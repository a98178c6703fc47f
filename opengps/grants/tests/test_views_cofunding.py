"""Co-funding on the screens, the API and the 360Giving export: one URL and one form per action,
errors beside the field, people's identities never public, the export in the 360Giving shapes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.demo.world import GRANT_SUBMIT_ON, GrantsWorld, grant_application_values
from opengps.grants import services
from opengps.grants.models import CofundingCommitment, CofundingReceipt, FundDonation
from opengps.grants.tests.test_api_views import giving_360_problems
from opengps.grants.tests.test_services_cofunding import SIGNED_ON, _through_review

pytestmark = pytest.mark.django_db

D = Decimal
PERSON = "王某某"


@pytest.fixture
def signed(
    world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any], panel_experts: list[Any]
) -> dict[str, Any]:
    """A 30 % round; one project (100,000) with own 20,000 and a person's 10,000 through a charity
    committed, signed, and the person's gift received with tranche 1."""
    round_ = make_round(cofunding_min_share=D(30))
    org, member = make_org(name="长沙市岳麓区夕阳红社会工作服务中心")
    app = services.application_save(actor=member, round=round_, **grant_application_values())
    services.cofunding_commitment_add(
        actor=member, application=app, source="own", form="cash", funder_name="本机构", value="20000"
    )
    services.cofunding_commitment_add(
        actor=member,
        application=app,
        source="individual",
        form="cash",
        funder_name=PERSON,
        charity="长沙市慈善总会",
        value="10000",
    )
    app = services.application_submit(actor=member, application=app, today=GRANT_SUBMIT_ON)
    _through_review(world, round_, [app])
    app.refresh_from_db()
    agreement = services.agreement_sign(actor=world.funder, application=app, signed_on=SIGNED_ON)
    services.cofunding_receipt_record(
        actor=member,
        agreement=agreement,
        tranche=agreement.tranches.get(seq=1),
        source="individual",
        form="cash",
        donor=PERSON,
        channel="directed",
        charity="长沙市慈善总会",
        receipt_number="湘财捐 0012345",
        value="10000",
        received_on=date(2023, 7, 8),
    )
    return {"round": round_, "member": member, "app": app, "agreement": agreement, "org": org}


def test_public_pages_show_leverage_without_people(client: Client, signed: dict[str, Any]) -> None:
    round_ = signed["round"]
    # when anyone opens the round page and the programme page
    page = client.get(f"/grants/rounds/{round_.pk}/").content.decode()
    programme = client.get(f"/grants/programmes/{round_.programme_id}/")
    # then the requirement, the round's leverage (10,000 ÷ 100,000 = 0.10) and the co-funder show,
    # the person only as 个人捐赠者 through the charity
    assert "配套资金要求" in page and "不低于申请资助金额的 30.00%" in page
    assert "撬动比" in page and "0.10" in page
    assert "个人捐赠者（经长沙市慈善总会）" in page and PERSON not in page
    assert programme.status_code == 200 and PERSON not in programme.content.decode()
    assert "0.10" in programme.content.decode()
    # and the public API says the same, as numbers
    data = json.loads(client.get(f"/api/v1/grants/rounds/{round_.pk}/leverage").content, parse_float=D)
    assert data["leverage"]["leverage"] == D("0.10") and data["leverage"]["public"] == D("100000.00")
    assert data["projects"][0]["cofunders"] == [
        {
            "name": "个人捐赠者（经长沙市慈善总会）",
            "source": "individual",
            "form": "现金",
            "amount": D("10000.00"),
        }
    ]
    assert (
        PERSON not in client.get(f"/api/v1/grants/programmes/{round_.programme_id}/leverage").content.decode()
    )
    # and the yearly report carries the round's leverage, on the page and in its JSON
    report = client.get("/grants/report/", {"year": 2023}).content.decode()
    assert "配套资金与撬动比" in report and "0.10" in report and PERSON not in report
    (row,) = json.loads(client.get("/api/v1/grants/report/2023").content, parse_float=D)["rounds"]
    assert row["cofunding"]["leverage"] == D("0.10") and row["cofunding"]["cash"] == D("10000.00")
    assert row["cofunding_shortfalls"] == 0


def test_360giving_export_carries_cofunding_without_people(client: Client, signed: dict[str, Any]) -> None:
    response = client.get("/api/v1/grants/360giving", {"year": 2023})
    text = response.content.decode()
    data = json.loads(response.content, parse_float=D)
    (grant,) = data["grants"]
    # co-funding is an additional field; the grant's funder stays the only fundingOrganization
    assert len(grant["fundingOrganization"]) == 1
    assert grant["coFunding"] == {
        "committed": D("30000.00"),
        "receivedCash": D("10000.00"),
        "receivedInKind": D("0.00"),
        "otherPublicFunding": D("0.00"),
        "leverage": D("0.10"),
        "coFunders": [
            {
                "name": "个人捐赠者（经长沙市慈善总会）",
                "type": "个人（经慈善组织）",
                "form": "现金",
                "amount": D("10000.00"),
            }
        ],
    }
    assert PERSON not in text
    assert giving_360_problems(data) == []


def test_commitment_screen(
    client: Client, world: GrantsWorld, make_round: Callable[..., Any], make_org: Any
) -> None:
    round_ = make_round(cofunding_min_share=D(30))
    _, member = make_org()
    app = services.application_save(actor=member, round=round_, **grant_application_values())
    client.force_login(member)
    url = f"/grants/applications/{app.pk}/cofunding/"
    # the page shows what is required and why it is not met yet
    page = client.get(url).content.decode()
    assert "30,000.00" in page and "cofunding.below_requirement" in page
    # a bad commitment comes back with the error beside its field
    bad = client.post(url, {"source": "individual", "form": "cash", "funder_name": "张三", "value": "100"})
    assert bad.status_code == 400 and "请填写接受捐赠的慈善组织" in bad.content.decode()
    # a good one is saved and the page redirects to itself
    good = client.post(url, {"source": "own", "form": "cash", "funder_name": "本机构", "value": "30000"})
    assert good.status_code == 302 and good["Location"] == url
    item = CofundingCommitment.objects.get(application=app)
    assert "cofunding.below_requirement" not in client.get(url).content.decode()
    # and is removed by its own URL
    assert client.post(f"/grants/commitments/{item.pk}/remove/").status_code == 302
    assert not CofundingCommitment.objects.exists()
    # the round page links the applicant to it
    assert url in client.get(f"/grants/rounds/{round_.pk}/").content.decode()
    # another organization does not even see the draft
    _, other = make_org()
    client.force_login(other)
    assert (
        client.post(url, {"source": "own", "form": "cash", "funder_name": "x", "value": "1"}).status_code
        == 404
    )
    assert not CofundingCommitment.objects.exists()


def test_receipt_and_evidence_screens(client: Client, world: GrantsWorld, signed: dict[str, Any]) -> None:
    agreement, member = signed["agreement"], signed["member"]
    url = f"/grants/agreements/{agreement.pk}/cofunding/"
    client.force_login(member)
    tranche = agreement.tranches.get(seq=1)
    base = {
        "tranche": str(tranche.pk),
        "source": "enterprise",
        "form": "cash",
        "donor": "湖南某某有限公司",
        "channel": "direct",
        "value": "5000",
        "received_on": "2023-07-20",
    }
    # no receipt number: the rule's message beside the field
    bad = client.post(url, base)
    assert bad.status_code == 400 and "请填写捐赠票据号码" in bad.content.decode()
    ok = client.post(url, {**base, "receipt_number": "PJ-7"})
    assert ok.status_code == 302 and CofundingReceipt.objects.count() == 2
    # the organization reads its receipts (the person's name is theirs to see) and the leverage
    page = client.get(url).content.decode()
    assert "PJ-7" in page and "0.15" in page
    # the funder records evidence of a commitment on its own URL
    commitment = signed["app"].commitments.get(source="own")
    client.force_login(world.funder)
    evidence_url = f"/grants/commitments/{commitment.pk}/evidence/"
    assert client.get(evidence_url).status_code == 200
    assert client.post(evidence_url, {"evidence": "", "evidence_on": "2023-06-20"}).status_code == 400
    assert (
        client.post(evidence_url, {"evidence": "银行回单 001", "evidence_on": "2023-06-20"}).status_code
        == 302
    )
    commitment.refresh_from_db()
    assert commitment.evidence == "银行回单 001"
    # the funder does not report receipts
    assert client.post(url, {**base, "receipt_number": "PJ-8"}).status_code == 403
    # the applicant cannot record evidence
    client.force_login(member)
    assert client.post(evidence_url, {"evidence": "x", "evidence_on": "2023-06-20"}).status_code == 403


def test_cofunding_api(
    client: Client, world: GrantsWorld, signed: dict[str, Any], make_round: Any, make_org: Any
) -> None:
    agreement, member = signed["agreement"], signed["member"]
    client.force_login(member)
    # a receipt over the API, refused then accepted
    body = {
        "tranche_seq": 2,
        "source": "foundation",
        "form": "cash",
        "donor": "湖南某某基金会",
        "value": "3000",
        "receipt_number": "JJ-1",
        "received_on": "2023-07-30",
    }
    refused = client.post(
        f"/api/v1/grants/agreements/{agreement.pk}/receipts", body, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "grants.tranche_not_released"
    created = client.post(
        f"/api/v1/grants/agreements/{agreement.pk}/receipts",
        {**body, "tranche_seq": 1},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["value"] == "3000.00"
    detail = client.get(f"/api/v1/grants/agreements/{agreement.pk}/cofunding").json()
    assert detail["leverage"]["leverage"] == 0.13 and len(detail["receipts"]) == 2
    assert client.get(f"/api/v1/grants/agreements/{agreement.pk}").json()["cofunding_committed"] == "0.00"
    # commitments over the API on a new draft, and removed
    round_ = make_round(cofunding_min_amount="1000", total_amount="200000.00", budget_line=world.line)
    _, other = make_org()
    app = services.application_save(actor=other, round=round_, **grant_application_values())
    client.force_login(other)
    made = client.post(
        f"/api/v1/grants/applications/{app.pk}/commitments",
        {"source": "own", "form": "cash", "funder_name": "本机构", "value": "1000"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["value"] == "1000.00"
    assert client.delete(f"/api/v1/grants/commitments/{made.json()['id']}").status_code == 204
    # evidence over the API is the funder's
    own = signed["app"].commitments.get(source="own")
    client.force_login(world.funder)
    evidence = client.post(
        f"/api/v1/grants/commitments/{own.pk}/evidence",
        {"evidence": "银行回单 002", "evidence_on": "2023-06-21"},
        content_type="application/json",
    )
    assert evidence.status_code == 200 and evidence.json()["evidence"] == "银行回单 002"


def test_development_fund_screens_and_api(client: Client, world: GrantsWorld) -> None:
    client.force_login(world.funder)
    # a development fund is set up on the programme form
    made = client.post(
        "/grants/programmes/new/",
        {
            "name": "湖南省社会组织发展基金",
            "fund_source": "welfare_lottery",
            "is_venture_philanthropy": "on",
            "is_development_fund": "on",
            "volunteer_hour_rate": "30",
        },
    )
    assert made.status_code == 302
    fund = world.programme.funder_unit.grant_programmes.get(name="湖南省社会组织发展基金")
    assert fund.is_development_fund and fund.volunteer_hour_rate == D("30.00")
    url = f"/grants/programmes/{fund.pk}/donations/"
    bad = client.post(
        url,
        {
            "source": "individual",
            "donor": PERSON,
            "amount": "500",
            "channel": "public",
            "charity": "某社区基金",
            "receipt_number": "湘财捐 1",
            "received_on": "2023-03-01",
        },
    )
    assert bad.status_code == 400 and "公开募捐须由具有公开募捐资格的慈善组织开展" in bad.content.decode()
    ok = client.post(
        url,
        {
            "source": "individual",
            "donor": PERSON,
            "amount": "500",
            "channel": "public",
            "charity": "湖南省慈善总会",
            "charity_public_qualified": "on",
            "receipt_number": "湘财捐 1",
            "received_on": "2023-03-01",
        },
    )
    assert ok.status_code == 302 and FundDonation.objects.get().amount == D("500.00")
    api = client.post(
        f"/api/v1/grants/programmes/{fund.pk}/donations",
        {
            "source": "enterprise",
            "donor": "湖南某某集团",
            "amount": "1000",
            "receipt_number": "湘财捐 2",
            "received_on": "2023-03-02",
        },
        content_type="application/json",
    )
    assert api.status_code == 201
    client.logout()
    page = client.get(f"/grants/programmes/{fund.pk}/").content.decode()
    assert "湖南某某集团" in page and "个人捐赠者（经湖南省慈善总会）" in page and PERSON not in page
    assert client.get(url).status_code == 302  # sign-in first
