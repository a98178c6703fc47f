"""Red flags computed from real procurements: evidence, audit timeline, thresholds, roles, API, pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opengps.core import tasks
from opengps.core.clock import local_date
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.evaluation import services as evaluation_services
from opengps.evaluation.models import Award
from opengps.oversight import selectors, services
from opengps.oversight.models import Flag, FlagRun
from opengps.procurement.models import BidReadout, Procurement
from opengps.rules.redflags import FlagCode

pytestmark = pytest.mark.django_db

FACTORS = [evaluation_services.FactorInput("tech", "服务方案", Decimal("70"))]


def codes(procurement: Procurement | None = None) -> set[str]:
    qs = Flag.objects.all()
    if procurement is not None:
        qs = qs.filter(procurement=procurement)
    return set(qs.values_list("code", flat=True))


def actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="oversight.")
        .order_by("seq")
        .values_list("action", flat=True)
    )


def award_to_the_dearest(purchaser: Any, procurement: Procurement, committee: Any) -> Award:
    """The committee rejects the two cheaper bids at conformity review; the dearest wins."""
    evaluation = evaluation_services.evaluation_start(
        actor=purchaser, procurement=procurement, draw=committee, factors=FACTORS, price_weight="0.30"
    )
    for user in committee.users:
        evaluation_services.member_confirm_no_conflict(actor=user, evaluation=evaluation, no_conflict=True)
    bids = list(BidReadout.objects.filter(opening__procurement=procurement).order_by("price_total"))
    for bid in bids[:2]:
        evaluation_services.review_record(
            actor=committee.users[0],
            evaluation=evaluation,
            readout=bid,
            kind="conformity",
            requirement="服务期限满足采购文件要求",
            passed=False,
            reason="服务期限不足",
        )
    for user in committee.users:
        evaluation_services.scores_submit(
            actor=user, evaluation=evaluation, scores={bids[2].pk: {"tech": "60"}}
        )
    evaluation_services.evaluation_report_build(actor=committee.users[0], evaluation=evaluation)
    for user in committee.users:
        evaluation_services.evaluation_report_confirm(actor=user, evaluation=evaluation)
    award = Award.objects.get(evaluation=evaluation)
    evaluation_services.award_confirm(actor=purchaser, award=award)
    evaluation_services.award_announce(actor=purchaser, procurement=procurement)
    award.refresh_from_db()
    return award


def test_a_plain_opening_raises_no_procurement_flag(finance_user: Any, opened: Procurement) -> None:
    # given three valid bids at different prices, announced 40 days before the deadline
    # when
    run = services.redflags_compute(actor=finance_user)
    # then nothing points at the procurement, and the run is in the audit chain
    assert codes(opened) == set()
    assert run.procurements_checked == 1
    assert actions() == ["oversight.flags_computed"]


def test_rushed_deadline_and_identical_prices_are_flagged_with_evidence(
    finance_user: Any, rushed_same_prices: Procurement
) -> None:
    # when
    services.redflags_compute(actor=finance_user)
    # then
    assert codes(rushed_same_prices) == {FlagCode.short_submission_period, FlagCode.identical_prices}
    flag = Flag.objects.get(code=FlagCode.identical_prices)
    assert (
        flag.unit_id == rushed_same_prices.purchaser_id
        and flag.region_id == rushed_same_prices.purchaser.region_id
    )
    assert flag.evidence["groups"][0]["price"] == "268000.00"
    assert len(flag.evidence["bids"]) == 3
    assert "第三十七条" in flag.citation
    short = Flag.objects.get(code=FlagCode.short_submission_period)
    assert short.evidence["margin_days"] < 3


def test_collusion_signals_from_the_opening(finance_user: Any, colluding: Procurement) -> None:
    # given two bidders that sent their bids from one address and device, with one contact phone
    # when
    services.redflags_compute(actor=finance_user)
    # then one flag per kind of signal, naming the two bidders and not the third
    assert codes(colluding) == {FlagCode.shared_network, FlagCode.shared_device, FlagCode.shared_contact}
    network = Flag.objects.get(code=FlagCode.shared_network)
    (shared,) = network.evidence["shared"]
    assert shared["value"] == "203.0.113.7" and len(shared["bidders"]) == 2
    contact = Flag.objects.get(code=FlagCode.shared_contact)
    assert contact.evidence["shared"][0]["value"] == "phone:13800000001"
    third = BidReadout.objects.get(opening__procurement=colluding, price_total=Decimal("290000"))
    assert third.organization.name not in shared["bidders"]


def test_lowest_and_all_but_winner_disqualified(
    finance_user: Any, purchaser: Any, opened: Procurement, committee: Any
) -> None:
    # given an award to the dearest bid after the two cheaper ones failed review
    award = award_to_the_dearest(purchaser, opened, committee)
    assert award.winner is not None and award.winner.price_total == Decimal("290000.00")
    # when
    services.redflags_compute(actor=finance_user)
    # then
    assert codes(opened) == {FlagCode.lowest_bid_disqualified, FlagCode.all_but_winner_disqualified}
    flag = Flag.objects.get(code=FlagCode.lowest_bid_disqualified)
    assert flag.organization_id == award.winner.organization_id
    links = dict(selectors.flag_links(flag))
    assert links["采购项目"] == f"/procurement/{opened.pk}/"
    assert links["评审与定标"] == f"/evaluation/{opened.pk}/"
    # 2 of 3 bids disqualified is 67%, but 3 bids are too few to judge a buyer by default (10)
    assert FlagCode.excessive_disqualifications not in codes()
    # when finance lowers the sample size to 3 from today, the buyer is flagged in the next run
    services.threshold_set(
        actor=finance_user,
        key="disqualification_min_bids",
        value="3",
        effective_from=local_date(timezone.now()),
        reason="试点地区样本较少",
    )
    run = services.redflags_compute(actor=finance_user)
    buyer = Flag.objects.get(run=run, code=FlagCode.excessive_disqualifications)
    assert buyer.unit_id == opened.purchaser_id and buyer.procurement_id is None
    assert buyer.evidence == {"bids": 3, "disqualified": 2, "rate": "0.6667"}
    # and one supplier holding all of a unit's awards is flagged once the sample may be 1 procurement
    assert FlagCode.supplier_share not in codes()
    services.threshold_set(
        actor=finance_user,
        key="share_min_procurements",
        value="1",
        effective_from=local_date(timezone.now()),
        reason="试点地区样本较少",
    )
    run = services.redflags_compute(actor=finance_user)
    share = Flag.objects.get(run=run, code=FlagCode.supplier_share)
    assert share.organization_id == award.winner.organization_id
    assert share.evidence["share"] == "1.0000" and share.evidence["procurements_list"] == [opened.pk]


def test_thresholds_are_dated_data_and_each_run_keeps_the_values_it_used(
    finance_user: Any, auditor: Any, rushed_same_prices: Procurement
) -> None:
    today = local_date(timezone.now())
    # when finance lowers the short-period margin to 0 days from today
    services.threshold_set(
        actor=finance_user, key="short_period_margin_days", value="0", effective_from=today, reason="试行"
    )
    run = services.redflags_compute(actor=finance_user)
    # then the rushed procurement is no longer flagged for its period, and the run says why
    assert FlagCode.short_submission_period not in codes(rushed_same_prices)
    assert run.thresholds["short_period_margin_days"] == "0.0000"
    assert actions() == ["oversight.threshold_set", "oversight.flags_computed"]
    table = {row.key: row for row in selectors.threshold_table(actor=auditor, on_date=today)}
    assert table["short_period_margin_days"].in_force == "0.0000"
    assert table["short_period_margin_days"].default == "3"
    # history is never rewritten; bad values change nothing
    with pytest.raises(ServiceError) as info:
        services.threshold_set(
            actor=finance_user,
            key="supplier_share",
            value="0.4",
            effective_from=today - timedelta(days=1),
            reason="x",
        )
    assert info.value.code == "oversight.threshold_backdated"
    for key, value, code in [
        ("supplier_share", "2", "redflags.threshold_out_of_range"),
        ("nope", "1", "redflags.unknown_threshold"),
        ("supplier_share", "abc", "oversight.threshold_invalid"),
    ]:
        with pytest.raises(ServiceError) as info:
            services.threshold_set(actor=finance_user, key=key, value=value, effective_from=today, reason="x")
        assert info.value.code == code
    with pytest.raises(ServiceError) as info:
        services.threshold_set(
            actor=finance_user, key="supplier_share", value="0.4", effective_from=today, reason=" "
        )
    assert info.value.code == "oversight.reason_required"
    with pytest.raises(ServiceError) as info:
        services.threshold_set(
            actor=finance_user, key="short_period_margin_days", value="1", effective_from=today, reason="再调"
        )
    assert info.value.code == "oversight.threshold_exists"
    assert actions() == ["oversight.threshold_set", "oversight.flags_computed"]


def test_split_purchases_are_flagged_per_unit(
    finance_user: Any, purchaser: Any, make_line: Any, make_project: Any, filing_day: Any
) -> None:
    # given two plans on one budget line and one item, each under the 200万 open-tender threshold
    from opengps.demo.world import PLAN_START, PLAN_TODAY
    from opengps.planning import services as planning_services

    filing_day(PLAN_TODAY)
    line = make_line("4000000")
    plans = []
    for n in (1, 2):
        project = make_project("1500000", item="A0401", name=f"社区养老服务{n}")
        plans.append(
            planning_services.plan_create(
                actor=purchaser,
                project=project,
                budget_line=line,
                method="competitive_consultation",
                procurement_starts_on=PLAN_START,
            )
        )
    # when
    services.redflags_compute(actor=finance_user)
    # then
    flag = Flag.objects.get(code=FlagCode.split_purchase)
    assert flag.unit_id == purchaser.unit_id and flag.procurement_id is None
    assert [p["id"] for p in flag.evidence["plans"]] == [p.pk for p in plans]
    assert "第二十八条" in flag.citation
    links = [url for _label, url in selectors.flag_links(flag)]
    assert f"/planning/plans/{plans[0].pk}/" in links


def test_one_plan_is_no_split(finance_user: Any, make_plan: Any) -> None:
    make_plan("competitive_consultation", amount="1500000")
    services.redflags_compute(actor=finance_user)
    assert FlagCode.split_purchase not in codes()


def test_only_finance_auditor_admin_read_and_only_finance_admin_compute(
    finance_user: Any, auditor: Any, admin: Any, purchaser: Any, make_user: Any, opened: Procurement
) -> None:
    supplier = make_user("expert", unit=None)
    with pytest.raises(PermissionDenied):
        services.redflags_compute(actor=auditor)
    with pytest.raises(PermissionDenied):
        services.redflags_compute(actor=purchaser)
    with pytest.raises(PermissionDenied):
        selectors.flag_list(actor=supplier)
    with pytest.raises(PermissionDenied):
        selectors.flag_list(actor=None)
    services.redflags_compute(actor=admin)
    assert selectors.flag_list(actor=auditor) == selectors.flag_list(actor=finance_user)


def test_api_requires_login_and_role(
    finance_user: Any, auditor: Any, purchaser: Any, rushed_same_prices: Procurement
) -> None:
    client = Client()
    assert client.get("/api/v1/oversight/flags").status_code == 401
    client.force_login(purchaser)
    response = client.get("/api/v1/oversight/flags")
    assert response.status_code == 403 and response.json()["error"]["code"] == "perm.denied"
    client.force_login(finance_user)
    response = client.post("/api/v1/oversight/runs")
    assert response.status_code == 201
    assert response.json()["counts"]["identical_prices"] == 1
    client.force_login(auditor)
    assert client.post("/api/v1/oversight/runs").status_code == 403
    flags = client.get("/api/v1/oversight/flags", {"code": "identical_prices"}).json()
    assert [f["code"] for f in flags] == ["identical_prices"]
    detail = client.get(f"/api/v1/oversight/flags/{flags[0]['id']}").json()
    assert detail["evidence"]["groups"][0]["price"] == "268000.00"
    assert any(link["url"] == f"/procurement/{rushed_same_prices.pk}/" for link in detail["links"])
    assert client.get("/api/v1/oversight/flags/999999").status_code == 404
    client.force_login(finance_user)
    response = client.post(
        "/api/v1/oversight/thresholds",
        {
            "key": "supplier_share",
            "value": "0.6",
            "effective_from": "2099-01-01",
            "reason": "调整",
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and Decimal(response.json()["value"]) == Decimal("0.6")
    response = client.post(
        "/api/v1/oversight/thresholds",
        {"key": "supplier_share", "value": "7", "effective_from": "2099-01-02", "reason": "调整"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "redflags.threshold_out_of_range"


def test_pages(
    finance_user: Any,
    auditor: Any,
    purchaser: Any,
    rushed_same_prices: Procurement,
    django_assert_max_num_queries: Any,
) -> None:
    client = Client()
    assert client.get("/oversight/").status_code == 302
    client.force_login(purchaser)
    assert client.get("/oversight/").status_code == 403
    client.force_login(finance_user)
    assert client.post("/oversight/").status_code == 302
    flag = Flag.objects.get(code=FlagCode.identical_prices)
    client.force_login(auditor)
    with django_assert_max_num_queries(12):
        page = client.get("/oversight/", {"code": "identical_prices", "region": "430000"})
    assert page.status_code == 200
    assert "不同投标人报价相同" in page.content.decode()
    detail = client.get(f"/oversight/flags/{flag.pk}/").content.decode()
    assert "268000.00" in detail and f"/procurement/{rushed_same_prices.pk}/" in detail
    assert client.get("/oversight/flags/999999/").status_code == 404
    thresholds = client.get("/oversight/thresholds/").content.decode()
    assert "OCP" in thresholds and "设置新阈值" not in thresholds
    client.force_login(finance_user)
    response = client.post(
        "/oversight/thresholds/",
        {"key": "supplier_share", "value": "0.6", "effective_from": "2099-01-01", "reason": "调整"},
    )
    assert response.status_code == 302
    assert "设置新阈值" in client.get("/oversight/thresholds/").content.decode()


def test_flag_labels_match_the_rules_titles() -> None:
    from opengps.oversight.models import FLAG_LABELS
    from opengps.rules.redflags import FLAG_TITLES

    assert {code: str(label) for code, label in FLAG_LABELS.items()} == {
        code: titles[0] for code, titles in FLAG_TITLES.items()
    }


def test_single_source_share_of_a_unit(
    finance_user: Any, purchaser: Any, make_plan: Any, suppliers: list[Any]
) -> None:
    # given a unit whose only public procurement is single source
    from opengps.demo.world import announce_times
    from opengps.procurement import services as procurement_services

    single = procurement_services.procurement_create(
        actor=purchaser,
        plan=make_plan("single_source", only_one_supplier=True),
        documents="单一来源采购文件",
        single_source_supplier=suppliers[0].organization,
        single_source_reason="该服务只能由其提供",
    )
    issued, deadline = announce_times(days_ago=20)
    procurement_services.procurement_announce(
        actor=purchaser, procurement=single, bid_deadline=deadline, now=issued
    )
    # when computed with the default sample (3 procurements), nothing; with 1, the unit is flagged
    services.redflags_compute(actor=finance_user)
    assert FlagCode.single_source_share not in codes()
    services.threshold_set(
        actor=finance_user,
        key="share_min_procurements",
        value="1",
        effective_from=local_date(timezone.now()),
        reason="试点",
    )
    run = services.redflags_compute(actor=finance_user)
    flag = Flag.objects.get(run=run, code=FlagCode.single_source_share)
    assert flag.unit_id == purchaser.unit_id and flag.evidence["share"] == "1.0000"
    assert flag.evidence["procurements_list"] == [single.pk]


def test_the_nightly_schedule_computes_red_flags_as_the_system(rushed_same_prices: Procurement) -> None:
    # given: the platform schedule (oversight.redflags at 02:00 Beijing time)
    two_past = datetime.now(UTC).replace(hour=18, minute=5)  # 02:05 the next day in Beijing
    # when: two workers tick in the same night, then one runs the queue
    started = tasks.tick(now=two_past)
    assert "oversight.redflags" in started
    assert "oversight.redflags" not in tasks.tick(now=two_past)
    tasks.run_ready()
    # then: one run, started by nobody (the system), flags as when a person computes them
    run = FlagRun.objects.get()
    assert run.started_by is None
    assert codes(rushed_same_prices) == {FlagCode.short_submission_period, FlagCode.identical_prices}
    assert actions() == ["oversight.flags_computed"]
