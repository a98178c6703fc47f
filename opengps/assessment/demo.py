"""Assessment demo data, built through the real services: a 1000-point indicator set for social
service agencies, one provincial round open today with 湖南湘诚绩效评价咨询有限公司 (the demo's
evaluator) as its assessment body and two of its assessors, and a handful of applications in
several states — waiting for screening, screened out with the reasons, waiting for the second
assessor, waiting for both (one assessor has declared a link to it), and assessed at two levels.
Dates are relative to the day of loading; loading twice changes nothing."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from opengps.accounts.demo import DemoLogin, demo_account
from opengps.accounts.models import Role, User
from opengps.assessment import services
from opengps.assessment.models import Application, Round
from opengps.core import clock
from opengps.registry.models import Organization, OrgStatus, OrgType, RegistrationLevel

logger = logging.getLogger(__name__)

ROUND_NAME = "省级社会服务机构等级评估（演示）"
ITEMS = [
    {"code": "A1", "section": "basic", "name": "法人资格、章程与登记备案", "max_points": "60"},
    {"code": "A2", "section": "basic", "name": "办公场所、人员与资产", "max_points": "60"},
    {"code": "B1", "section": "governance", "name": "组织机构与民主决策", "max_points": "120"},
    {"code": "B2", "section": "governance", "name": "财务管理与信息公开", "max_points": "160"},
    {"code": "C1", "section": "performance", "name": "提供服务与项目管理", "max_points": "250"},
    {"code": "C2", "section": "performance", "name": "社会影响与品牌建设", "max_points": "150"},
    {"code": "D1", "section": "social", "name": "服务对象与会员评价", "max_points": "120"},
    {"code": "D2", "section": "social", "name": "登记管理机关与业务主管单位评价", "max_points": "80"},
]
SHARES = {
    "strong": ("0.95", "0.92"),
    "fair": ("0.72", "0.68"),
    "weak": ("0.52", "0.48"),
}
"""The share of each indicator's maximum the demo's assessors give, by profile and assessor."""


def _sheet(share: str) -> dict[str, str]:
    return {
        item["code"]: str((Decimal(item["max_points"]) * Decimal(share)).quantize(Decimal("0.5")))
        for item in ITEMS
    }


def _member(org: Organization, n: int) -> User:
    existing = User.objects.filter(organization=org, role=Role.SUPPLIER).order_by("pk").first()
    if existing is not None:
        return existing
    return demo_account(f"assess_org{n}", Role.SUPPLIER, f"{org.name}（评估联络员）", organization=org)


def _candidates(today: date) -> tuple[list[Organization], list[Organization]]:
    """Provincial social service agencies the rules would accept today, and some they would not."""
    rows = Organization.objects.filter(
        status=OrgStatus.NORMAL,
        org_type=OrgType.SOCIAL_SERVICE_AGENCY,
        registration_level=RegistrationLevel.PROVINCE,
    ).order_by("pk")[:60]
    accepted: list[Organization] = []
    refused: list[Organization] = []
    for org in rows:
        (accepted if services.screening_of(org, today).eligible else refused).append(org)
    return accepted, refused


def load(context: Any) -> None:
    """Add the assessment demo (idempotent: an existing demo round is kept as it is)."""
    registrar = context.users.get("registrar")
    evaluator = context.users.get("evaluator")
    if registrar is None or evaluator is None or evaluator.unit is None:
        return
    if Round.objects.filter(name=ROUND_NAME).exists():
        _count(context)
        return
    today = clock.today()
    accepted, refused = _candidates(today)
    if len(accepted) < 5:
        logger.warning(
            "assessment demo: only %d organizations may apply; the round is left out", len(accepted)
        )
        return
    second = demo_account("assessor2", Role.EVALUATOR, "孙二（第三方评价机构·评估人员）", unit=evaluator.unit)
    context.extra_logins.append(DemoLogin("assessor2", str(Role(Role.EVALUATOR).label), evaluator.unit.name))
    indicator_set = services.indicator_set_create(
        actor=registrar,
        org_type=OrgType.SOCIAL_SERVICE_AGENCY,
        name="社会服务机构评估指标（演示）",
        effective_from=today - timedelta(days=60),
        total_points="1000",
        items=ITEMS,
    )
    round_ = services.round_open(
        actor=registrar,
        name=ROUND_NAME,
        registration_level=RegistrationLevel.PROVINCE,
        indicator_set=indicator_set,
        opens_on=today - timedelta(days=20),
        closes_on=today + timedelta(days=20),
        body=evaluator.unit,
        body_reason="演示：经政府购买服务竞争性磋商确定为本年度评估机构（合同编号为演示数据）",
        assessors_required=2,
    )
    applicants = [*accepted[:5], *refused[:1]]
    apps: list[Application] = []
    for n, org in enumerate(applicants, start=1):
        member = _member(org, n)
        apps.append(
            services.application_submit(
                actor=member,
                round=round_,
                self_scores=_sheet("0.85"),
                self_note="按评估指标逐项自评，佐证材料已备齐",
            )
        )
    _waiting, one_sheet, linked, strong, weak, *rest = apps  # the first waits for screening
    for app in (one_sheet, linked, strong, weak, *rest):
        services.application_screen(actor=registrar, application=app)
    record = "实地查看办公场所、财务账册、服务档案，访谈服务对象5人"
    services.sheet_submit(
        actor=evaluator,
        application=one_sheet,
        scores=_sheet(SHARES["fair"][0]),
        visited_on=today,
        visit_record=record,
    )
    services.link_record(
        actor=second,
        organization=linked.organization,
        relation="paid_service",
        detail="近三年为该机构提供过财务培训",
        assessor=second,
    )
    for app, profile in ((strong, "strong"), (weak, "weak")):
        for assessor, share in zip((evaluator, second), SHARES[profile], strict=True):
            services.sheet_submit(
                actor=assessor, application=app, scores=_sheet(share), visited_on=today, visit_record=record
            )
    _count(context)


def _count(context: Any) -> None:
    context.counts["assessment_rounds"] = Round.objects.count()
    context.counts["assessment_applications"] = Application.objects.count()
