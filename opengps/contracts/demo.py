"""Contracts demo: contracts in every state, built through the services from the announced awards.

The procurement demo announces its awards on today's date, so every contract here is signed and
published today, within the lawful times. So that execution has something to show, the services
of the running contracts are set to have started some weeks earlier (continuing the previous
year's arrangement): progress reports cover those weeks, one milestone is overdue, one report is
missing. The states, in the order the awards are used (fewer awards → the first states only):

1. completed — three phased acceptances (pass, partial, final pass), reports, payments due/paid;
2. in progress — reports with attachments, a supplementary contract, an overdue milestone;
3. terminated — a failed first acceptance, then terminated for the supplier's fault;
4. signed, not yet published;  5. draft;  6. post purchase (岗位购买) with people placed.

States that need supplier reports take the awards whose winners have platform accounts first.
Loading twice changes nothing: an award that has a contract is left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from opengps.accounts.models import Role, User
from opengps.contracts import services
from opengps.contracts.models import Contract
from opengps.contracts.services import CheckInput, ReportFile
from opengps.core import clock
from opengps.evaluation.models import Award

logger = logging.getLogger(__name__)

INDICATORS = [
    {"code": "served", "name": "服务对象人数", "target": "300", "unit": "人"},
    {"code": "visits", "name": "上门服务人次", "target": "3600", "unit": "人次"},
    {"code": "satisfaction", "name": "服务对象满意度", "target": "90", "unit": "%"},
]
MEMBERS = [
    {"name": "李明", "role": "采购人代表"},
    {"name": "黄志刚", "role": "社会工作专家"},
    {"name": "谭丽", "role": "财务专家"},
]
OPINIONS = [
    {"who": "服务对象甲", "opinion": "社工每周上门，助餐准时", "satisfied": True},
    {"who": "服务对象乙", "opinion": "希望增加康复指导", "satisfied": True},
    {"who": "家属丙", "opinion": "老人情绪明显好转", "satisfied": True},
]
DELIVERABLES = [
    ("服务对象需求评估与档案", "建档率 100%，每人一档"),
    ("上门服务记录", "服务记录完整、可追溯，经服务对象签字确认"),
    ("阶段总结与满意度调查报告", "满意度 ≥ 90%"),
]


def _pdf(text: str) -> bytes:
    return b"%PDF-1.7\n" + text.encode("utf-8") + b"\n%%EOF\n"


def _officer(award: Award) -> User | None:
    unit_id = award.evaluation.procurement.purchaser_id
    return User.objects.filter(role=Role.PURCHASER, unit_id=unit_id, is_active=True).order_by("pk").first()


def _supplier_user(award: Award) -> User | None:
    if award.winner is None:
        return None
    return (
        User.objects.filter(role=Role.SUPPLIER, organization_id=award.winner.organization_id, is_active=True)
        .order_by("pk")
        .first()
    )


def _create(
    award: Award, officer: User, *, kind: str, start: date, days: int = 364, **extra: Any
) -> Contract:
    assert award.winner is not None
    bond = (award.winner.price_total * Decimal("0.05")).quantize(Decimal("1"))
    return services.contract_create_from_award(
        actor=officer,
        award=award,
        kind=kind,
        starts_on=start,
        ends_on=start + timedelta(days=days),
        performance_bond=bond,
        indicators=INDICATORS,
        terms="乙方按采购文件及响应文件提供服务；甲方按支付计划付款；履约验收分阶段进行。",
        **extra,
    )


def _publish(contract: Contract, officer: User) -> Contract:
    contract = services.contract_sign(actor=officer, contract=contract)
    return services.contract_publish(actor=officer, contract=contract)


def _plan(contract: Contract, officer: User, *, phases: int = 3) -> list[Any]:
    start = contract.starts_on
    milestones = [
        services.milestone_add(
            actor=officer, contract=contract, title=title, due_on=start + timedelta(days=d)
        )
        for title, d in (("完成需求评估与建档", 20), ("服务全面开展", 45), ("中期总结", 150))
    ]
    deliverables = [
        services.deliverable_add(
            actor=officer, contract=contract, name=n, standard=s, milestone=milestones[0]
        )
        for n, s in DELIVERABLES
    ]
    shares = [Decimal("0.3"), Decimal("0.4"), Decimal("0.3")][:phases]
    remaining = contract.amount
    for phase, share in enumerate(shares, start=1):
        amount = remaining if phase == len(shares) else (contract.amount * share).quantize(Decimal("0.01"))
        remaining -= amount
        services.payment_schedule_add(
            actor=officer, contract=contract, title=f"第{phase}期服务费", amount=amount, after_phase=phase
        )
    return deliverables


def _reports(contract: Contract, supplier: User | None, count: int) -> None:
    if supplier is None:
        return
    step = timedelta(days=contract.report_every_days)
    for n in range(count):
        period_start = contract.starts_on + step * n
        period_end = period_start + step - timedelta(days=1)
        if period_end > clock.today():
            break
        services.progress_report_submit(
            actor=supplier,
            contract=contract,
            period_start=period_start,
            period_end=period_end,
            summary=f"第{n + 1}期：完成入户评估与上门服务，服务记录已上传。",
            figures={
                "served": str(120 + 40 * n),
                "visits": str(300 + 110 * n),
                "satisfaction": str(92 + n % 3),
            },
            files=[ReportFile(f"第{n + 1}期服务台账.pdf", _pdf(f"{contract.reference} 第{n + 1}期服务台账"))],
        )


def _accept(
    contract: Contract, officer: User, deliverables: list[Any], title: str, result: str, **extra: Any
) -> Any:
    fails = extra.pop("fails", ())
    checklist = [
        CheckInput(d.pk, d.pk not in fails, "服务记录缺少服务对象签字" if d.pk in fails else "")
        for d in deliverables
    ]
    return services.acceptance_record(
        actor=officer,
        contract=contract,
        title=title,
        result=result,
        members=MEMBERS,
        checklist=checklist,
        recipients_invited=12,
        recipients_how="从服务对象名册中随机电话邀请",
        recipient_opinions=OPINIONS,
        **extra,
    )


def _running(
    award: Award, officer: User, supplier: User | None, *, days_ago: int, reports: int
) -> tuple[Contract, list[Any]]:
    """An outsourcing contract that started `days_ago`, published, planned, with its first
    `reports` progress reports; the contract and its deliverables."""
    contract = _publish(
        _create(award, officer, kind="outsourcing", start=clock.today() - timedelta(days=days_ago)), officer
    )
    deliverables = _plan(contract, officer)
    _reports(contract, supplier, reports)
    return contract, deliverables


def _completed(award: Award, officer: User, supplier: User | None) -> None:
    contract, deliverables = _running(award, officer, supplier, days_ago=95, reports=3)
    for milestone in contract.milestones.filter(due_on__lte=clock.today()):
        services.milestone_complete(actor=officer, milestone=milestone, done_on=milestone.due_on)
    first = _accept(contract, officer, deliverables, "第一阶段验收", "pass")
    services.payment_record(actor=officer, payment=contract.payments.get(order=1), voucher="HN-ZF-0001")
    second = _accept(
        contract,
        officer,
        deliverables,
        "第二阶段验收",
        "partial",
        reasons="部分上门服务记录缺少服务对象签字，限期补正",
        fails={deliverables[1].pk},
    )
    final = _accept(contract, officer, deliverables, "最终验收", "pass", final=True)
    for acceptance in (first, second, final):
        services.acceptance_publish(actor=officer, acceptance=acceptance)


def _in_progress(award: Award, officer: User, supplier: User | None) -> None:
    contract, _ = _running(award, officer, supplier, days_ago=75, reports=0)
    services.milestone_complete(actor=officer, milestone=contract.milestones.get(order=1))
    _reports(contract, supplier, 1)  # the second report (day 60) is missing: on the late list
    added = (contract.amount * Decimal("0.08")).quantize(Decimal("0.01"))
    services.contract_amend(
        actor=officer, contract=contract, added_amount=added, reason="服务对象增加 20 人，追加同类服务"
    )


def _terminated(award: Award, officer: User, supplier: User | None) -> None:
    contract, deliverables = _running(award, officer, supplier, days_ago=70, reports=1)
    _accept(
        contract,
        officer,
        deliverables,
        "第一阶段验收",
        "fail",
        reasons="未按约定配备持证社工，服务记录严重缺失",
        fails={d.pk for d in deliverables[:2]},
    )
    services.contract_terminate(
        actor=officer,
        contract=contract,
        reason="供应商经催告仍未配备约定人员，根据合同约定解除",
        fault="supplier",
    )


def _signed(award: Award, officer: User, supplier: User | None) -> None:
    start = clock.today() + timedelta(days=10)
    services.contract_sign(actor=officer, contract=_create(award, officer, kind="outsourcing", start=start))


def _draft(award: Award, officer: User, supplier: User | None) -> None:
    _create(award, officer, kind="call_off", start=clock.today() + timedelta(days=20), days=180)


def _posts(award: Award, officer: User, supplier: User | None) -> None:
    today = clock.today()
    contract = _create(award, officer, kind="posts", start=today - timedelta(days=30))
    posts = [
        services.post_add(
            actor=officer, contract=contract, name=name, headcount=n, location=place, duties=duties
        )
        for name, n, place, duties in (
            ("社会工作者", 2, "街道社会工作服务站", "个案管理、困难群众走访"),
            ("养老护理员", 1, "社区居家养老服务中心", "助餐、助浴、助洁"),
        )
    ]
    _publish(contract, officer)
    people = (("陈静", "中级社会工作者"), ("杨帆", "助理社会工作者"), ("刘桂英", "养老护理员（四级）"))
    for post, (name, qualification) in zip((posts[0], posts[0], posts[1]), people, strict=True):
        services.placement_record(
            actor=supplier or officer,
            post=post,
            person_name=name,
            qualification=qualification,
            starts_on=contract.starts_on,
        )
    _reports(contract, supplier, 1)


STATES: list[tuple[str, Callable[[Award, User, User | None], None], bool]] = [
    ("completed", _completed, True),
    ("in_progress", _in_progress, True),
    ("terminated", _terminated, False),
    ("signed", _signed, False),
    ("draft", _draft, False),
    ("posts", _posts, True),
]
"""(state, builder, wants a supplier account for reports)."""


def load(context: Any) -> None:
    awards = list(
        Award.objects.filter(winner__isnull=False, announced_at__isnull=False)
        .select_related("evaluation__procurement", "lot", "winner")
        .order_by("pk")[: len(STATES)]
    )
    with_account = [a for a in awards if _supplier_user(a) is not None]
    without = [a for a in awards if a not in with_account]
    for _state, build, wants_supplier in STATES:
        pool = (with_account or without) if wants_supplier else (without or with_account)
        if not pool:
            break
        award = pool.pop(0)
        if Contract.objects.filter(award=award).exists():
            continue
        officer = _officer(award)
        if officer is None:
            logger.warning("contracts demo: no purchaser account for award %s; skipped", award.pk)
            continue
        build(award, officer, _supplier_user(award))
    context.counts["contracts"] = Contract.objects.count()
