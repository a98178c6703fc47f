"""Co-funding (配套资金) through the services: the acceptance scenario of issue 25 — a round requiring
30 % co-funding, an application below it refused with the rule, receipts with the tranches, a
project short of its commitment flagged at the final review, the round's leverage equal to an
independent calculation — and who may record what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
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
from opengps.grants import selectors, services
from opengps.grants.events import Event
from opengps.grants.models import Application, ApplicationStatus, CofundingReceipt

pytestmark = pytest.mark.django_db

D = Decimal
SIGNED_ON = date(2023, 6, 20)
MIDTERM_ON = date(2023, 12, 20)
FINAL_ON = date(2024, 7, 10)


def _draft(member: Any, round_: Any, title: str) -> Application:
    return services.application_save(actor=member, round=round_, **grant_application_values(title=title))


def _through_review(world: GrantsWorld, round_: Any, apps: list[Application]) -> None:
    """Review start, panel, equal scores of 90, ranking, notice and the funding decision."""
    services.round_review_start(actor=world.funder, round=round_, today=GRANT_REVIEW_ON)
    round_ = services.panel_draw(actor=world.funder, round=round_, needed=3, drawn_at=GRANT_DRAWN_AT)
    members = list(round_.draw.members.select_related("expert__user").order_by("order"))
    for m in members:
        draw_member_respond(actor=m.expert.user, member=m, accept=True, no_conflict_confirmed=True)
    for app in apps:
        for m in members:
            services.score_submit(
                actor=m.expert.user,
                application=app,
                scores={"need": D(27), "design": D(36), "capacity": D(27)},
            )
    services.round_rank(actor=world.funder, round=round_)
    services.notice_publish(actor=world.funder, round=round_, today=GRANT_NOTICE_ON)
    services.round_decide(actor=world.funder, round=round_, today=GRANT_DECIDE_ON)


@pytest.fixture
def scenario(
    world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any], panel_experts: list[Any]
) -> dict[str, Any]:
    # given a round that requires co-funding of 30 % of the public money asked
    round_ = make_round(cofunding_min_share=D(30))
    org_a, a = make_org(name="长沙市岳麓区夕阳红社会工作服务中心")
    _, b = make_org(name="长沙市天心区助残社会工作服务中心")
    app_a = _draft(a, round_, "社区独居老人关爱服务")
    app_b = _draft(b, round_, "残疾人社区康复服务")
    return {"round": round_, "a": a, "b": b, "app_a": app_a, "app_b": app_b, "org_a": org_a}


def test_the_cofunding_scenario(world: GrantsWorld, scenario: dict[str, Any]) -> None:
    round_, a, b, app_a, app_b = (scenario[k] for k in ("round", "a", "b", "app_a", "app_b"))
    # when A commits 20,000 of its own against 100,000 asked (30 % = 30,000) and submits
    services.cofunding_commitment_add(
        actor=a, application=app_a, source="own", form="cash", funder_name="本机构", value="20000"
    )
    with pytest.raises(ServiceError) as refused:
        services.application_submit(actor=a, application=app_a, today=GRANT_SUBMIT_ON)
    # then it is refused with the rule, its figures and its citation, and stays a draft
    assert refused.value.code == "cofunding.below_requirement"
    assert refused.value.field == "cofunding"
    assert "30000.00" in refused.value.message and "20000.00" in refused.value.message
    assert "申报指南" in refused.value.params["citation"]
    app_a.refresh_from_db()
    assert app_a.status == ApplicationStatus.DRAFT

    # when A adds a donation from individuals through a charity and a lent venue (documented)
    services.cofunding_commitment_add(
        actor=a,
        application=app_a,
        source="individual",
        form="cash",
        funder_name="王某某",
        charity="长沙市慈善总会",
        value="5000",
    )
    services.cofunding_commitment_add(
        actor=a,
        application=app_a,
        source="enterprise",
        form="in_kind",
        in_kind_kind="venue",
        funder_name="湖南某某物业有限公司",
        value="5000",
        document="场地租金报价单 2023-03",
    )
    # and B commits 40,000 (own 20,000, an enterprise 20,000) plus 20,000 of another public programme
    for source, name, value in (
        ("own", "本机构", "20000"),
        ("enterprise", "湖南某某科技有限公司", "20000"),
        ("public", "长沙市残联康复项目", "20000"),
    ):
        services.cofunding_commitment_add(
            actor=b, application=app_b, source=source, form="cash", funder_name=name, value=value
        )
    app_a = services.application_submit(actor=a, application=app_a, today=GRANT_SUBMIT_ON)
    app_b = services.application_submit(actor=b, application=app_b, today=GRANT_SUBMIT_ON)
    # then both pass (A: 20,000 + 5,000 + 5,000 in-kind = 30,000 exactly)
    assert app_a.status == app_b.status == ApplicationStatus.ELIGIBLE

    # when both are funded and sign; tranche 1 (50 %) is released on signing
    _through_review(world, round_, [app_a, app_b])
    app_a.refresh_from_db()
    app_b.refresh_from_db()
    agreement_a = services.agreement_sign(actor=world.funder, application=app_a, signed_on=SIGNED_ON)
    agreement_b = services.agreement_sign(actor=world.funder, application=app_b, signed_on=SIGNED_ON)
    commitment = app_a.commitments.get(source="own")
    services.cofunding_evidence_record(
        actor=world.funder, commitment=commitment, evidence="银行回单 No.20230618", evidence_on=SIGNED_ON
    )
    first_a, first_b = agreement_a.tranches.get(seq=1), agreement_b.tranches.get(seq=1)
    # and each reports receipts with the released tranche
    services.cofunding_receipt_record(
        actor=a,
        agreement=agreement_a,
        tranche=first_a,
        commitment=commitment,
        source="own",
        form="cash",
        donor="本机构",
        value="20000",
        receipt_number="记账凭证 2023-07-001",
        received_on=date(2023, 7, 5),
    )
    services.cofunding_receipt_record(
        actor=a,
        agreement=agreement_a,
        tranche=first_a,
        source="individual",
        form="cash",
        donor="王某某",
        channel="directed",
        charity="长沙市慈善总会",
        restricted_purpose="独居老人助餐",
        receipt_number="湘财捐 0012345",
        value="5000",
        received_on=date(2023, 7, 8),
    )
    services.cofunding_receipt_record(
        actor=b,
        agreement=agreement_b,
        tranche=first_b,
        source="own",
        form="cash",
        donor="本机构",
        value="10000",
        receipt_number="记账凭证 2023-07-009",
        received_on=date(2023, 7, 9),
    )
    services.cofunding_receipt_record(
        actor=b,
        agreement=agreement_b,
        tranche=first_b,
        source="public",
        form="cash",
        donor="长沙市残联康复项目",
        value="20000",
        receipt_number="拨款通知 2023-21",
        received_on=date(2023, 7, 9),
    )
    # the mid-term review releases tranche 2; A reports the venue with it
    for agreement in (agreement_a, agreement_b):
        services.midterm_review_record(
            actor=world.funder, agreement=agreement, passed=True, findings="进度正常", reviewed_on=MIDTERM_ON
        )
    services.cofunding_receipt_record(
        actor=a,
        agreement=agreement_a,
        tranche=agreement_a.tranches.get(seq=2),
        source="enterprise",
        form="in_kind",
        in_kind_kind="venue",
        donor="湖南某某物业有限公司",
        value="5000",
        document="场地使用协议及租金报价单",
        receipt_number="场地协议 2023-11",
        received_on=date(2023, 12, 25),
    )

    # when the final reviews score both 85
    reviewed_a = services.final_review_record(
        actor=world.funder, agreement=agreement_a, score="85", note="目标达成", reviewed_on=FINAL_ON
    )
    reviewed_b = services.final_review_record(
        actor=world.funder, agreement=agreement_b, score="85", note="目标达成", reviewed_on=FINAL_ON
    )
    # then A (30,000 received of 30,000) is not flagged and keeps 85 / 良
    assert reviewed_a.cofunding_flag == {} and reviewed_a.final_score == D("85.00")
    assert reviewed_a.final_grade == "良"
    # and B (10,000 non-public received of 40,000; the public 20,000 does not count) is flagged:
    # 10 points × 30,000 ÷ 40,000 = 7.50 off, 77.50 → 中
    assert reviewed_b.cofunding_flag["code"] == "cofunding.shortfall"
    assert reviewed_b.cofunding_flag["severity"] == "flag" and reviewed_b.cofunding_flag["citation"]
    assert (reviewed_b.cofunding_committed, reviewed_b.cofunding_received) == (D("40000.00"), D("10000.00"))
    assert reviewed_b.review_score == D("85.00") and reviewed_b.cofunding_deduction == D("7.50")
    assert reviewed_b.final_score == D("77.50") and reviewed_b.final_grade == "中"
    assert [a.pk for a in selectors.shortfall_flags(round_)] == [agreement_b.pk]
    # and the timeline of B says so, with old and new figures
    event = AuditEvent.objects.get(action=Event.GRANT_AGREEMENT_COFUNDING_SHORTFALL)
    assert event.object_id == str(agreement_b.pk)
    assert event.new_values["deduction"] == "7.50" and event.new_values["final_score"] == "77.50"

    # the round's leverage equals an independent calculation: other money (non-public cash and
    # in-kind) ÷ public money (both grants and the other programme's 20,000), to 2 places half-up
    other = D(20000) + D(5000) + D(5000) + D(10000)
    public = D(100000) + D(100000) + D(20000)
    row = selectors.round_leverage(round_)
    assert row.leverage.ratio == (other / public).quantize(D("0.01"), rounding=ROUND_HALF_UP) == D("0.18")
    assert (row.split.cash, row.split.in_kind, row.split.public) == (D(35000), D(5000), D(20000))
    assert row.committed == D(70000)
    assert selectors.project_leverage(agreement_a).leverage.ratio == D("0.30")
    assert selectors.programme_leverage(round_.programme).leverage.ratio == D("0.18")
    # and public co-funder lines never name the person who gave
    names = [line.name for line in selectors.public_cofunders(agreement_a)]
    assert "个人捐赠者（经长沙市慈善总会）" in names and not any("王某某" in n for n in names)


def test_commitments_only_on_the_applicants_own_draft(world: GrantsWorld, scenario: dict[str, Any]) -> None:
    a, b, app_a = scenario["a"], scenario["b"], scenario["app_a"]
    # another organization's member cannot commit for A
    with pytest.raises(PermissionDenied):
        services.cofunding_commitment_add(
            actor=b, application=app_a, source="own", form="cash", funder_name="x", value="1"
        )
    # the funder cannot either
    with pytest.raises(PermissionDenied):
        services.cofunding_commitment_add(
            actor=world.funder, application=app_a, source="own", form="cash", funder_name="x", value="1"
        )
    # bad inputs are refused beside their field
    cases: list[tuple[dict[str, Any], str, str]] = [
        (
            {"source": "bank", "form": "cash", "funder_name": "x", "value": "1"},
            "grants.cofunding_source_invalid",
            "source",
        ),
        (
            {"source": "own", "form": "cash", "funder_name": " ", "value": "1"},
            "grants.cofunding_funder_required",
            "funder_name",
        ),
        (
            {"source": "individual", "form": "cash", "funder_name": "张三", "value": "1"},
            "grants.charity_required",
            "charity",
        ),
        (
            {"source": "own", "form": "cash", "funder_name": "x", "value": "0"},
            "grants.amount_invalid",
            "value",
        ),
        (
            {"source": "own", "form": "cash", "funder_name": "x", "value": "1.001"},
            "grants.amount_invalid",
            "value",
        ),
        (
            {
                "source": "own",
                "form": "in_kind",
                "in_kind_kind": "volunteer_hours",
                "funder_name": "x",
                "hours": "10",
            },
            "cofunding.hours_invalid",
            "hours",
        ),
        (
            {
                "source": "own",
                "form": "in_kind",
                "in_kind_kind": "volunteer_hours",
                "funder_name": "x",
                "hours": "1.25",
            },
            "grants.hours_invalid",
            "hours",
        ),
        (
            {
                "source": "own",
                "form": "in_kind",
                "in_kind_kind": "volunteer_hours",
                "funder_name": "x",
                "hours": "abc",
            },
            "grants.hours_invalid",
            "hours",
        ),
        (
            {"source": "own", "form": "in_kind", "in_kind_kind": "goods", "funder_name": "x", "value": "100"},
            "cofunding.document_required",
            "document",
        ),
        (
            {"source": "own", "form": "in_kind", "in_kind_kind": "cake", "funder_name": "x", "value": "100"},
            "grants.cofunding_source_invalid",
            "in_kind_kind",
        ),
    ]
    for kwargs, code, field in cases:
        with pytest.raises(ServiceError) as error:
            services.cofunding_commitment_add(actor=a, application=app_a, **kwargs)
        assert (error.value.code, error.value.field) == (code, field), kwargs
    assert not app_a.commitments.exists()
    # a commitment is removed from the draft with an audit event
    item = services.cofunding_commitment_add(
        actor=a, application=app_a, source="own", form="cash", funder_name="本机构", value="30000"
    )
    services.cofunding_commitment_remove(actor=a, commitment=item)
    assert not app_a.commitments.exists()
    assert [
        e.action for e in AuditEvent.objects.filter(object_type="grants.application", object_id=str(app_a.pk))
    ][-2:] == [
        Event.GRANT_APPLICATION_COFUNDING_COMMITTED,
        Event.GRANT_APPLICATION_COFUNDING_REMOVED,
    ]
    # and once submitted, commitments are frozen
    item = services.cofunding_commitment_add(
        actor=a, application=app_a, source="own", form="cash", funder_name="本机构", value="30000"
    )
    services.application_submit(actor=a, application=app_a, today=GRANT_SUBMIT_ON)
    with pytest.raises(Conflict):
        services.cofunding_commitment_remove(actor=a, commitment=item)
    with pytest.raises(Conflict):
        services.cofunding_commitment_add(
            actor=a, application=app_a, source="own", form="cash", funder_name="本机构", value="1"
        )
    # evidence needs the funder and a signed agreement
    with pytest.raises(PermissionDenied):
        services.cofunding_evidence_record(actor=a, commitment=item, evidence="x", evidence_on=SIGNED_ON)
    with pytest.raises(ServiceError) as error:
        services.cofunding_evidence_record(
            actor=world.funder, commitment=item, evidence=" ", evidence_on=SIGNED_ON
        )
    assert error.value.code == "grants.evidence_required"
    with pytest.raises(Conflict) as conflict:
        services.cofunding_evidence_record(
            actor=world.funder, commitment=item, evidence="x", evidence_on=SIGNED_ON
        )
    assert conflict.value.code == "grants.no_agreement"


def test_volunteer_hours_are_valued_at_the_programmes_rate(
    world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any]
) -> None:
    world.programme.volunteer_hour_rate = D("25.00")
    world.programme.save(update_fields=["volunteer_hour_rate"])
    round_ = make_round(cofunding_min_amount="3000")
    _, member = make_org()
    app = _draft(member, round_, "志愿服务")
    item = services.cofunding_commitment_add(
        actor=member,
        application=app,
        source="own",
        form="in_kind",
        in_kind_kind="volunteer_hours",
        funder_name="本机构志愿者队伍",
        hours="120.5",
    )
    # 120.5 h × 25.00 = 3,012.50, shown apart from cash
    assert item.value == D("3012.50") and item.hours == D("120.5")
    assert services.application_submit(actor=member, application=app, today=GRANT_SUBMIT_ON).status == (
        ApplicationStatus.ELIGIBLE
    )


def test_round_requirement_is_checked(world: GrantsWorld, make_round: Callable[..., Any]) -> None:
    for kwargs, code, field in (
        ({"cofunding_min_share": "120"}, "cofunding.share_invalid", "cofunding_min_share"),
        ({"cofunding_min_amount": "-5"}, "cofunding.min_amount_invalid", "cofunding_min_amount"),
    ):
        with pytest.raises(ServiceError) as error:
            make_round(publish=False, **kwargs)
        assert (error.value.code, error.value.field) == (code, field)
    round_ = make_round(publish=False, cofunding_min_share="", cofunding_min_amount="")
    assert round_.cofunding_min_share is None and round_.cofunding_min_amount is None


def test_receipts_need_a_released_tranche_and_a_valid_donation(
    world: GrantsWorld, scenario: dict[str, Any]
) -> None:
    a, b, app_a, app_b = scenario["a"], scenario["b"], scenario["app_a"], scenario["app_b"]
    services.cofunding_commitment_add(
        actor=a, application=app_a, source="own", form="cash", funder_name="本机构", value="30000"
    )
    other = services.cofunding_commitment_add(
        actor=b, application=app_b, source="own", form="cash", funder_name="本机构", value="30000"
    )
    app_a = services.application_submit(actor=a, application=app_a, today=GRANT_SUBMIT_ON)
    _through_review(world, scenario["round"], [app_a])
    app_a.refresh_from_db()
    agreement = services.agreement_sign(actor=world.funder, application=app_a, signed_on=SIGNED_ON)
    first, pending = agreement.tranches.get(seq=1), agreement.tranches.get(seq=2)
    base: dict[str, Any] = {
        "agreement": agreement,
        "tranche": first,
        "source": "enterprise",
        "form": "cash",
        "donor": "湖南某某有限公司",
        "value": "1000",
        "receipt_number": "PJ-1",
        "received_on": date(2023, 7, 1),
    }
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"tranche": pending}, "grants.tranche_not_released", "tranche"),
        ({"receipt_number": ""}, "cofunding.receipt_required", "receipt_number"),
        ({"source": "individual", "donor": "张三"}, "cofunding.individual_needs_charity", "charity"),
        (
            {"source": "individual", "donor": "张三", "channel": "public", "charity": "某社区基金"},
            "cofunding.public_fundraising_unqualified",
            "charity_public_qualified",
        ),
        ({"channel": "mail"}, "grants.cofunding_source_invalid", "channel"),
        ({"donor": ""}, "grants.cofunding_funder_required", "donor"),
        ({"commitment": other}, "grants.commitment_other_project", "commitment"),
    ]
    for change, code, field in cases:
        with pytest.raises(ServiceError) as error:
            services.cofunding_receipt_record(actor=a, **{**base, **change})
        assert (error.value.code, error.value.field) == (code, field), change
    with pytest.raises(PermissionDenied):
        services.cofunding_receipt_record(actor=world.funder, **base)
    # a public appeal by a qualified charity is accepted, the person masked in public
    receipt = services.cofunding_receipt_record(
        actor=a,
        **{
            **base,
            "source": "individual",
            "donor": "张三",
            "channel": "public",
            "charity": "长沙市慈善总会",
            "charity_public_qualified": True,
        },
    )
    assert receipt.donor_is_person and CofundingReceipt.objects.count() == 1
    assert [line.name for line in selectors.public_cofunders(agreement)] == ["个人捐赠者（经长沙市慈善总会）"]
    # after the final review nothing more is reported
    services.midterm_review_record(
        actor=world.funder, agreement=agreement, passed=True, findings="进度正常", reviewed_on=MIDTERM_ON
    )
    services.final_review_record(
        actor=world.funder, agreement=agreement, score="90", note="", reviewed_on=FINAL_ON
    )
    with pytest.raises(Conflict) as conflict:
        services.cofunding_receipt_record(actor=a, **base)
    assert conflict.value.code == "grants.cofunding_closed"


def test_development_fund_donations(world: GrantsWorld, make_user: Any) -> None:
    funder = world.funder
    fund = services.programme_create(
        actor=funder,
        funder_unit=world.programme.funder_unit,
        name="湖南省社会组织发展基金",
        fund_source="welfare_lottery",
        is_venture_philanthropy=True,
        is_development_fund=True,
        volunteer_hour_rate="30",
    )
    assert fund.volunteer_hour_rate == D("30.00")
    with pytest.raises(ServiceError) as error:
        services.programme_create(
            actor=funder,
            funder_unit=world.programme.funder_unit,
            name="另一个基金",
            fund_source="welfare_lottery",
            volunteer_hour_rate="0",
        )
    assert error.value.code == "grants.hour_rate_invalid"
    gift = services.fund_donation_record(
        actor=funder,
        programme=fund,
        source="individual",
        donor="李四",
        amount="50000",
        channel="public",
        charity="湖南省慈善总会",
        charity_public_qualified=True,
        receipt_number="湘财捐 0099",
        received_on=date(2023, 3, 1),
    )
    services.fund_donation_record(
        actor=funder,
        programme=fund,
        source="enterprise",
        donor="湖南某某集团",
        amount="200000",
        receipt_number="湘财捐 0100",
        received_on=date(2023, 3, 2),
    )
    assert gift.donor_is_person
    lines = selectors.public_fund_donations(fund)
    assert [(line.name, line.value) for line in lines] == [
        ("湖南某某集团", D("200000.00")),
        ("个人捐赠者（经湖南省慈善总会）", D("50000.00")),
    ]
    # no grants yet: donations are other money, the ratio undefined without public money
    row = selectors.programme_leverage(fund)
    assert row.donations == D("250000.00") and row.leverage.ratio is None
    for kwargs, code in (
        ({"programme": world.programme, "source": "enterprise"}, "grants.not_development_fund"),
        ({"programme": fund, "source": "own"}, "grants.cofunding_source_invalid"),
        ({"programme": fund, "source": "enterprise", "amount": "0"}, "grants.amount_invalid"),
        ({"programme": fund, "source": "enterprise", "donor": ""}, "grants.cofunding_funder_required"),
    ):
        values: dict[str, Any] = {
            "donor": "湖南某某集团",
            "amount": "1",
            "receipt_number": "x",
            "received_on": date(2023, 3, 3),
            **kwargs,
        }
        with pytest.raises((ServiceError, Conflict)) as refused:
            services.fund_donation_record(actor=funder, **values)
        assert refused.value.code == code
    outsider = make_user("purchaser", unit="finance")
    with pytest.raises(PermissionDenied):
        services.fund_donation_record(
            actor=outsider,
            programme=fund,
            source="enterprise",
            donor="x",
            amount="1",
            receipt_number="x",
            received_on=date(2023, 3, 3),
        )
