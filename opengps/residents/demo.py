"""Residents' demo data, built through the real services: on a few live contracts, ratings verified
with the performance survey's one-time codes and unverified ones, and complaints and suggestions in
every state — answered, waiting, and escalated to the finance department after their deadline (filed
on an earlier simulated day); one unverified rating of an e-mall order. And a partner API key for a
demo 湘易办, created by the platform administrator: its secret is random, made at load time and
shown once in the demo's output (only its hash is kept, as for any key). Loading twice changes
nothing (the key is not made again: `manage.py partner_keys create` makes another)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from opengps.accounts.models import Role, User
from opengps.contracts.models import Contract, ContractStatus
from opengps.core import clock
from opengps.core.errors import ServiceError
from opengps.emall.models import Order
from opengps.performance import services as performance
from opengps.performance.models import EvaluationStatus
from opengps.residents import services
from opengps.residents.models import Feedback, FeedbackKind, FeedbackStatus, PartnerKey, PartnerScope
from opengps.residents.selectors import DELIVERED_ORDERS

logger = logging.getLogger(__name__)

CONTRACTS = 3
FILED_DAYS_AGO = 40
"""The escalated complaints are filed this many days ago: past the 15-working-day deadline."""
COMPLAINTS = (
    (
        FeedbackKind.COMPLAINT,
        "上门服务时间经常变动，老人在家等了一上午没人来。",
        "已约谈服务机构，要求提前一天电话确认上门时间。",
    ),
    (FeedbackKind.SUGGESTION, "希望周末也能安排助餐服务。", "已纳入下一服务期需求，周六增加一次助餐。"),
    (FeedbackKind.COMPLAINT, "服务人员态度不好，说话不耐烦。", ""),
    (FeedbackKind.SUGGESTION, "活动通知能不能贴在小区门口，老人不会看手机。", ""),
)
DEMO_PARTNER = "湘易办（演示）"
DEMO_PARTNER_RATE = 60
REMARKS = ("服务很周到，谢谢！", "护理员很耐心。", "", "希望多来几次。", "还可以。")


def _staff(contract: Contract) -> User | None:
    return (
        User.objects.filter(role=Role.PURCHASER, unit_id=contract.purchaser_id, is_active=True)
        .order_by("pk")
        .first()
    )


def _ratings(contract: Contract, staff: User, n: int) -> None:
    survey = contract.evaluations.filter(status=EvaluationStatus.OPEN, survey_open=True).first()
    codes = (
        performance.recipient_codes_issue(actor=staff, evaluation=survey, count=3)
        if survey is not None
        else []
    )
    for k, code in enumerate(codes[:2]):
        services.feedback_rate(
            source="contract",
            pk=contract.pk,
            stars=5 - k,
            text=REMARKS[k],
            code=code,
            client=f"demo-{n}-v{k}",
        )
    for k in range(3):
        services.feedback_rate(
            source="contract",
            pk=contract.pk,
            stars=(n + k) % 5 + 1,
            text=REMARKS[k + 2],
            client=f"demo-{n}-u{k}",
        )


def _complaints(contract: Contract, staff: User, n: int) -> None:
    today = clock.today()
    earlier = today - timedelta(days=FILED_DAYS_AGO)
    for k, (kind, text, answer) in enumerate(COMPLAINTS):
        day = earlier if k % 2 == 0 and contract.starts_on <= earlier else today
        with clock.simulated_today(day):
            item = services.feedback_file(
                source="contract", pk=contract.pk, kind=kind, text=text, client=f"demo-{n}-c{k}"
            )
        if answer:
            services.feedback_answer(actor=staff, feedback=item, answer=answer)


def _order_rating() -> None:
    order = Order.objects.filter(status__in=DELIVERED_ORDERS, fiscal_year=clock.today().year).first()
    if order is not None:
        services.feedback_rate(source="order", pk=order.pk, stars=4, text="服务及时。", client="demo-order")


def _partner_key(context: Any) -> None:
    admin = context.users.get("admin")
    if admin is None or PartnerKey.objects.filter(partner=DEMO_PARTNER).exists():
        return
    issued = services.partner_key_create(
        actor=admin, partner=DEMO_PARTNER, scopes=list(PartnerScope.values), rate_per_minute=DEMO_PARTNER_RATE
    )
    context.notes += [
        f"演示合作方接口密钥 / demo partner API key ({DEMO_PARTNER}, finder + feedback, "
        f"{DEMO_PARTNER_RATE}/min) — 只显示这一次 / shown once: {issued.secret}",
        f'  curl -H "Authorization: Bearer {issued.secret}" '
        "http://127.0.0.1:8000/api/v1/residents/partner/needs",
    ]


def load(context: Any) -> None:
    _partner_key(context)
    if not Feedback.objects.exists():
        today = clock.today()
        contracts = Contract.objects.filter(
            status=ContractStatus.PUBLISHED,
            published_at__isnull=False,
            starts_on__lte=today,
            ends_on__gte=today,
        ).order_by("starts_on", "pk")
        done = 0
        for n, contract in enumerate(contracts):
            staff = _staff(contract)
            if staff is None:
                continue
            try:
                _ratings(contract, staff, n)
                _complaints(contract, staff, n)
            except ServiceError as exc:
                logger.warning(
                    "residents demo: contract %s skipped: %s %s", contract.pk, exc.code, exc.text()
                )
                continue
            done += 1
            if done == CONTRACTS:
                break
        try:
            _order_rating()
        except ServiceError as exc:
            logger.warning("residents demo order rating: %s %s", exc.code, exc.text())
        services.feedback_escalate_overdue()
    context.counts.update(
        {
            "resident_feedback": Feedback.objects.count(),
            "resident_complaints_escalated": Feedback.objects.filter(status=FeedbackStatus.ESCALATED).count(),
            "partner_keys": PartnerKey.objects.count(),
        }
    )
