"""Execution and phased acceptance: plan, progress reports, late list, acceptance, payments, posts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from opengps.contracts import selectors, services
from opengps.contracts.models import (
    Acceptance,
    Contract,
    ContractStatus,
    Milestone,
    Payment,
    ReportAttachment,
)
from opengps.contracts.services import CheckInput, ReportFile
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.rules.contracts import small_supplier_payment_due

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + "服务台账".encode() + b"\n%%EOF"
MEMBERS = [{"name": "张敏", "role": "采购人代表"}, {"name": "刘洋", "role": "社会工作专家"}]


def actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith=("contract."))
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.fixture
def running(purchaser: Any, make_contract: Callable[..., Contract]) -> Contract:
    """A published outsourcing contract that started 60 days ago, small supplier, people-facing."""
    contract = make_contract(small_supplier=True)
    services.contract_sign(actor=purchaser, contract=contract)
    return services.contract_publish(actor=purchaser, contract=contract)


def test_supplier_files_progress_reports_with_checked_attachments_and_figures(
    running: Contract, winner_user: Any, other_supplier: Any, purchaser: Any
) -> None:
    today = timezone.localdate()
    # given the 30-day report cycle: one report due already (day 30), none received
    assert selectors.missing_reports(running, today) == [running.starts_on + timedelta(days=30)]
    # when the supplier reports with a PDF and figures against the indicators
    report = services.progress_report_submit(
        actor=winner_user,
        contract=running,
        period_start=running.starts_on,
        period_end=running.starts_on + timedelta(days=29),
        summary="本期完成上门服务 110 人次",
        figures={"visits": "110", "satisfaction": "93.5"},
        files=[ReportFile("服务台账.pdf", PDF)],
    )
    # then the report and its attachment are stored, and nothing is missing any more
    assert report.figures == {"visits": "110", "satisfaction": "93.5"}
    attachment = ReportAttachment.objects.get(report=report)
    assert attachment.kind == "pdf" and attachment.size == len(PDF)
    assert selectors.missing_reports(running, today) == []
    event = AuditEvent.objects.get(action="contract.progress_reported")
    assert event.object_id == str(running.pk) and event.new_values["files"][0]["name"] == "服务台账.pdf"
    # refusals: another supplier, the purchaser, a file whose type lies, unknown indicators
    for actor in (other_supplier, purchaser):
        with pytest.raises(PermissionDenied):
            services.progress_report_submit(
                actor=actor, contract=running, period_start=today, period_end=today, summary="x"
            )
    with pytest.raises(ServiceError) as caught:
        services.progress_report_submit(
            actor=winner_user,
            contract=running,
            period_start=today,
            period_end=today,
            summary="x",
            files=[ReportFile("台账.pdf", b"not a pdf")],
        )
    assert caught.value.code == "bid.file_type"
    with pytest.raises(ServiceError) as caught:
        services.progress_report_submit(
            actor=winner_user,
            contract=running,
            period_start=today,
            period_end=today,
            summary="x",
            figures={"unknown": "1"},
        )
    assert caught.value.code == "contract.indicator_unknown"
    assert AuditEvent.objects.filter(action="contract.progress_reported").count() == 1


def test_late_list_is_computed_from_dates(purchaser: Any, running: Contract, make_contract: Any) -> None:
    today = timezone.localdate()
    # given a milestone past due and a planned payment past due
    milestone = services.milestone_add(
        actor=purchaser, contract=running, title="完成需求评估", due_on=running.starts_on + timedelta(days=20)
    )
    services.payment_schedule_add(
        actor=purchaser,
        contract=running,
        title="预付款",
        amount="80000",
        planned_on=today - timedelta(days=1),
    )
    # then the unit's late list has the milestone, the missing report and the payment
    kinds = sorted(i.kind for i in selectors.late_items(selectors.contract_list(actor=purchaser)))
    assert kinds == ["milestone", "payment", "report"]
    # when the milestone is completed and the payment recorded
    services.milestone_complete(actor=purchaser, milestone=milestone)
    payment = running.payments.get()
    services.payment_record(actor=purchaser, payment=payment, voucher="PZ-001")
    kinds = [i.kind for i in selectors.late_items(selectors.contract_list(actor=purchaser))]
    assert kinds == ["report"]
    # after the term every report never received is listed (one each 30 days within the term)
    later = selectors.late_items(selectors.contract_list(actor=purchaser), today + timedelta(days=400))
    assert [i.kind for i in later] == ["report"] * len(selectors.report_due_dates(running)) == ["report"] * 12
    assert actions()[-4:] == [
        "contract.milestone_updated",
        "contract.milestone_updated",
        "contract.milestone_updated",
        "contract.payment_recorded",
    ]


def test_three_phased_acceptances_complete_the_contract_and_make_sme_payments_due(
    purchaser: Any, running: Contract, auditor: Any
) -> None:
    # given deliverables and instalments after phases 1 and 3
    d1 = services.deliverable_add(
        actor=purchaser, contract=running, name="服务对象档案", standard="建档率100%"
    )
    d2 = services.deliverable_add(actor=purchaser, contract=running, name="上门服务记录")
    services.payment_schedule_add(
        actor=purchaser, contract=running, title="首期款", amount="100000", after_phase=1
    )
    services.payment_schedule_add(
        actor=purchaser, contract=running, title="尾款", amount="168000", after_phase=3
    )
    with pytest.raises(ServiceError) as caught:
        services.payment_schedule_add(
            actor=purchaser, contract=running, title="多余", amount="1", after_phase=3
        )
    assert caught.value.code == "contract.payments_over_amount"
    today = timezone.localdate()
    recipients: dict[str, Any] = {
        "recipients_invited": 12,
        "recipients_how": "随机电话抽取服务对象",
        "recipient_opinions": [{"who": "王奶奶", "opinion": "服务及时", "satisfied": True}],
    }
    # when the first phase passes
    first = services.acceptance_record(
        actor=purchaser,
        contract=running,
        title="第一阶段验收",
        result="pass",
        members=MEMBERS,
        checklist=[CheckInput(d1.pk, True), CheckInput(d2.pk, True)],
        **recipients,
    )
    # then the first instalment is due within 30 days of acceptance (small supplier)
    instalment = running.payments.get(order=1)
    assert instalment.due_on == small_supplier_payment_due(today).value
    assert "保障中小企业款项支付条例" in instalment.due_citation
    # the second phase fails with reasons: a fact the credit app reads
    second = services.acceptance_record(
        actor=purchaser,
        contract=running,
        title="第二阶段验收",
        result="fail",
        reasons="上门服务记录缺失三成",
        members=MEMBERS,
        checklist=[CheckInput(d1.pk, True), CheckInput(d2.pk, False, "记录不全")],
        **recipients,
    )
    assert list(selectors.failed_acceptances(running.supplier)) == [second]
    # a non-final pass does not complete; the final pass does
    services.acceptance_record(
        actor=purchaser,
        contract=running,
        title="最终验收",
        result="pass",
        final=True,
        members=MEMBERS,
        checklist=[CheckInput(d1.pk, True), CheckInput(d2.pk, True)],
        **recipients,
    )
    running.refresh_from_db()
    assert running.status == ContractStatus.COMPLETED and running.completed_at is not None
    assert running.payments.get(order=2).due_on == small_supplier_payment_due(today).value
    services.acceptance_publish(actor=purchaser, acceptance=first)
    first.refresh_from_db()
    assert first.published and first.published_at is not None
    with pytest.raises(PermissionDenied):
        services.acceptance_publish(actor=auditor, acceptance=second)
    timeline = list(
        AuditEvent.objects.filter(
            action__in=["acceptance.recorded", "acceptance.published", "contract.completed"]
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert timeline == [
        "acceptance.recorded",
        "acceptance.recorded",
        "acceptance.recorded",
        "contract.completed",
        "acceptance.published",
    ]
    assert (
        AuditEvent.objects.filter(action="acceptance.recorded", object_type="contracts.acceptance").count()
        == 3
    )


def test_acceptance_checks(purchaser: Any, running: Contract) -> None:
    d1 = services.deliverable_add(actor=purchaser, contract=running, name="服务对象档案")
    base: dict[str, Any] = {"actor": purchaser, "contract": running, "title": "验收", "members": MEMBERS}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"result": "pass", "checklist": [CheckInput(d1.pk, False, "缺")]}, "acceptance.result_inconsistent"),
        (
            {"result": "fail", "checklist": [CheckInput(d1.pk, False, "")]},
            "acceptance.failure_reason_required",
        ),
        ({"result": "partial", "checklist": [CheckInput(d1.pk, True)]}, "acceptance.reasons_required"),
        ({"result": "pass", "checklist": [CheckInput(d1.pk, True)]}, "acceptance.recipients_required"),
        ({"result": "pass", "checklist": []}, "acceptance.checklist_required"),
        (
            {"result": "pass", "checklist": [CheckInput(d1.pk, True)], "members": []},
            "acceptance.group_required",
        ),
        ({"result": "ok", "checklist": [CheckInput(d1.pk, True)]}, "acceptance.result_invalid"),
        (
            {
                "result": "pass",
                "checklist": [CheckInput(d1.pk, True), CheckInput(d1.pk, True)],
                "recipients_invited": 3,
            },
            "acceptance.checklist_invalid",
        ),
        (
            {
                "result": "pass",
                "checklist": [CheckInput(d1.pk, True)],
                "recipients_invited": 1,
                "recipient_opinions": [{"opinion": "好"}, {"opinion": "很好"}],
            },
            "acceptance.opinions_over_invited",
        ),
    ]
    for extra, code in cases:
        with pytest.raises(ServiceError) as caught:
            services.acceptance_record(**{**base, **extra})
        assert caught.value.code == code, extra
    assert not running.acceptances.exists()
    assert not AuditEvent.objects.filter(action="acceptance.recorded").exists()


def test_posts_and_placements(
    purchaser: Any, make_contract: Callable[..., Contract], winner_user: Any
) -> None:
    contract = make_contract(kind="posts")
    post = services.post_add(
        actor=purchaser, contract=contract, name="社会工作者", headcount=1, location="岳麓区望城坡街道社工站"
    )
    services.contract_sign(actor=purchaser, contract=contract)
    services.placement_record(
        actor=winner_user,
        post=post,
        person_name="陈静",
        qualification="中级社会工作者",
        starts_on=contract.starts_on,
    )
    with pytest.raises(Conflict) as caught:
        services.placement_record(
            actor=winner_user, post=post, person_name="李四", starts_on=contract.starts_on
        )
    assert caught.value.code == "contract.post_full"
    assert post.placements.count() == 1
    with pytest.raises(ServiceError):
        services.post_add(actor=purchaser, contract=contract, name="", headcount=1, location="x")


def test_terminations_selector(purchaser: Any, running: Contract) -> None:
    services.contract_terminate(actor=purchaser, contract=running, reason="资金取消", fault="purchaser")
    assert list(selectors.terminations(running.supplier)) == [running]
    assert list(selectors.terminations(running.supplier, supplier_fault_only=True)) == []
    assert Decimal(running.amount) == Decimal("268000.00")


@dataclass(frozen=True)
class Given:
    """A published contract with a completed milestone, a deliverable, a paid instalment and an
    unpaid one, and the people who act on it."""

    purchaser: Any
    supplier: Any
    contract: Contract
    milestone: Milestone
    paid: Payment
    unpaid: Payment
    today: date
    naive: datetime

    @property
    def tomorrow(self) -> date:
        return self.today + timedelta(days=1)

    def acceptance(self, **changes: Any) -> Acceptance:
        return services.acceptance_record(
            **{
                "actor": self.purchaser,
                "contract": self.contract,
                "title": "验收",
                "result": "pass",
                "members": MEMBERS,
                "checklist": [CheckInput(self.contract.deliverables.get().pk, True)],
                **changes,
            }
        )

    def report(self, **changes: Any) -> Any:
        return services.progress_report_submit(
            **{
                "actor": self.supplier,
                "contract": self.contract,
                "period_start": self.contract.starts_on,
                "period_end": self.today,
                "summary": "本期情况",
                **changes,
            }
        )

    def amend(self, **changes: Any) -> Any:
        return services.contract_amend(actor=self.purchaser, contract=self.contract, **changes)

    def terminate(self, **changes: Any) -> Any:
        return services.contract_terminate(actor=self.purchaser, contract=self.contract, **changes)

    def schedule(self, **changes: Any) -> Any:
        return services.payment_schedule_add(actor=self.purchaser, contract=self.contract, **changes)


BAD_INPUT: list[tuple[Callable[[Given], Any], str]] = [
    (
        lambda g: services.contract_publish(actor=g.purchaser, contract=g.contract, now=g.naive),
        "request.time_naive",
    ),
    (lambda g: g.amend(added_amount=1.5, reason="x"), "contract.amount_invalid"),
    (lambda g: g.amend(added_amount="abc", reason="x"), "contract.amount_invalid"),
    (lambda g: g.amend(added_amount="-1", reason="x"), "contract.amount_invalid"),
    (lambda g: g.amend(added_amount="0", reason="x"), "contract.amendment_empty"),
    (lambda g: g.amend(added_amount="1", reason="长" * 5001), "contract.text_too_long"),
    (
        lambda g: g.amend(
            added_amount="0", reason="延期", new_ends_on=g.contract.starts_on + timedelta(days=1200)
        ),
        "contract.term_over_three_years",
    ),
    (lambda g: g.terminate(reason="x", fault="nobody"), "contract.fault_invalid"),
    (lambda g: g.terminate(reason="x", fault="mutual", terminated_on=g.tomorrow), "contract.date_in_future"),
    (
        lambda g: g.terminate(reason="x", fault="mutual", terminated_on=g.today - timedelta(days=1)),
        "contract.date_before_signing",
    ),
    (
        lambda g: services.milestone_add(
            actor=g.purchaser, contract=g.contract, title="x", due_on=g.contract.ends_on + timedelta(days=1)
        ),
        "contract.date_outside_term",
    ),
    (
        lambda g: services.milestone_complete(actor=g.purchaser, milestone=g.milestone),
        "contract.milestone_done",
    ),
    (
        lambda g: services.milestone_complete(actor=g.purchaser, milestone=g.milestone, done_on=g.tomorrow),
        "contract.date_in_future",
    ),
    (lambda g: g.schedule(title="x", amount="1"), "contract.payment_when_missing"),
    (lambda g: g.schedule(title="x", amount="1", after_phase=0), "contract.phase_invalid"),
    (lambda g: services.payment_record(actor=g.purchaser, payment=g.paid), "contract.payment_recorded"),
    (
        lambda g: services.payment_record(actor=g.purchaser, payment=g.unpaid, paid_on=g.tomorrow),
        "contract.date_in_future",
    ),
    (
        lambda g: services.payment_record(actor=g.purchaser, payment=g.unpaid, paid_amount="1000.01"),
        "contract.paid_over_amount",
    ),
    (
        lambda g: services.post_add(
            actor=g.purchaser, contract=g.contract, name="社工", headcount=1, location="站点"
        ),
        "contract.not_posts",
    ),
    (lambda g: g.report(period_end=g.contract.starts_on - timedelta(days=1)), "contract.period_invalid"),
    (lambda g: g.report(period_end=g.tomorrow), "contract.period_outside"),
    (lambda g: g.report(figures={"visits": "abc"}), "contract.figure_invalid"),
    (lambda g: g.report(figures={"visits": "NaN"}), "contract.figure_invalid"),
    (lambda g: g.report(figures={"visits": 1.5}), "contract.figure_invalid"),
    (lambda g: g.report(files=[ReportFile("a.pdf", PDF)] * 11), "contract.too_many_files"),
    (lambda g: g.acceptance(accepted_on=g.tomorrow), "contract.date_in_future"),
    (lambda g: g.acceptance(recipients_invited=-1), "acceptance.invited_invalid"),
]
"""Each bad call on `Given` and the stable code it is refused with."""


@pytest.fixture
def given(purchaser: Any, running: Contract, winner_user: Any) -> Given:
    today = timezone.localdate()
    milestone = services.milestone_add(
        actor=purchaser, contract=running, title="建档", due_on=running.starts_on
    )
    services.milestone_complete(actor=purchaser, milestone=milestone)
    paid = services.payment_schedule_add(
        actor=purchaser, contract=running, title="预付款", amount="1000", planned_on=today
    )
    services.payment_record(actor=purchaser, payment=paid)
    unpaid = services.payment_schedule_add(
        actor=purchaser, contract=running, title="二期", amount="1000", planned_on=today
    )
    services.deliverable_add(actor=purchaser, contract=running, name="档案")
    naive = timezone.now().replace(tzinfo=None)
    return Given(purchaser, winner_user, running, milestone, paid, unpaid, today, naive)


def test_bad_input_is_refused_with_a_stable_code_and_changes_nothing(given: Given) -> None:
    # given a published contract with a milestone, a deliverable and a paid instalment
    events = AuditEvent.objects.count()
    # when each bad call of the table is made
    for n, (call, code) in enumerate(BAD_INPUT):
        with pytest.raises(ServiceError) as caught:
            call(given)
        # then it is refused with its code
        assert caught.value.code == code, f"case {n}"
    # and nothing changed
    assert AuditEvent.objects.count() == events
    running = given.contract
    running.refresh_from_db()
    assert running.amount == Decimal("268000.00") and running.status == ContractStatus.PUBLISHED
    assert running.reports.count() == 0 and running.amendments.count() == 0


def test_a_report_figure_left_blank_is_skipped_and_an_amendment_may_only_extend_the_term(
    purchaser: Any, running: Contract, winner_user: Any
) -> None:
    report = services.progress_report_submit(
        actor=winner_user,
        contract=running,
        period_start=running.starts_on,
        period_end=running.starts_on,
        summary="首日",
        figures={"visits": "", "satisfaction": "95"},
    )
    assert report.figures == {"satisfaction": "95"}
    new_end = running.starts_on + timedelta(days=700)
    # without the multi-year conditions a longer term is refused; the amount stays
    with pytest.raises(ServiceError) as caught:
        services.contract_amend(
            actor=purchaser, contract=running, added_amount="0", reason="延期", new_ends_on=new_end
        )
    assert caught.value.code == "contract.term_over_one_year"
    shorter = running.ends_on - timedelta(days=30)
    amendment = services.contract_amend(
        actor=purchaser, contract=running, added_amount="0", reason="提前结束", new_ends_on=shorter
    )
    assert amendment.ends_on_after == shorter and amendment.added_amount == 0
    running.refresh_from_db()
    assert running.ends_on == shorter


def test_posts_checks_and_placements_by_the_purchaser(
    purchaser: Any, make_contract: Callable[..., Contract], other_supplier: Any
) -> None:
    contract = make_contract(kind="posts")
    with pytest.raises(ServiceError) as caught:
        services.post_add(actor=purchaser, contract=contract, name="社工", headcount=0, location="站点")
    assert caught.value.code == "contract.headcount_invalid"
    post = services.post_add(actor=purchaser, contract=contract, name="社工", headcount=1, location="站点")
    # before signing nobody is placed
    with pytest.raises(Conflict):
        services.placement_record(
            actor=purchaser, post=post, person_name="陈静", starts_on=contract.starts_on
        )
    services.contract_sign(actor=purchaser, contract=contract)
    with pytest.raises(ServiceError) as caught:
        services.placement_record(
            actor=purchaser,
            post=post,
            person_name="陈静",
            starts_on=contract.starts_on,
            ends_on=contract.starts_on - timedelta(days=1),
        )
    assert caught.value.code == "contract.placement_dates"
    with pytest.raises(PermissionDenied):
        services.placement_record(
            actor=other_supplier, post=post, person_name="陈静", starts_on=contract.starts_on
        )
    # a person who already left does not fill the post
    services.placement_record(
        actor=purchaser,
        post=post,
        person_name="李四",
        starts_on=contract.starts_on,
        ends_on=contract.starts_on,
    )
    services.placement_record(actor=purchaser, post=post, person_name="陈静", starts_on=contract.starts_on)
    assert post.placements.count() == 2


def test_publishing_an_acceptance_twice_and_a_deliverable_of_another_milestone(
    purchaser: Any, running: Contract, make_user: Callable[..., Any]
) -> None:
    d = services.deliverable_add(actor=purchaser, contract=running, name="档案")
    acceptance = services.acceptance_record(
        actor=purchaser,
        contract=running,
        title="第一阶段",
        result="pass",
        members=MEMBERS,
        checklist=[CheckInput(d.pk, True)],
        recipients_invited=5,
        recipient_opinions=[{"who": "甲", "opinion": " "}, {"opinion": "好", "satisfied": False}],
    )
    assert acceptance.recipient_opinions == [{"who": "", "opinion": "好", "satisfied": False}]
    services.acceptance_publish(actor=purchaser, acceptance=acceptance)
    with pytest.raises(Conflict) as caught:
        services.acceptance_publish(actor=purchaser, acceptance=acceptance)
    assert caught.value.code == "acceptance.already_published"
    assert AuditEvent.objects.filter(action="acceptance.published").count() == 1
    foreign = Milestone(pk=999999, contract_id=running.pk + 1)
    with pytest.raises(ServiceError) as refused:
        services.deliverable_add(actor=purchaser, contract=running, name="x", milestone=foreign)
    assert refused.value.code == "contract.milestone_other_contract"
