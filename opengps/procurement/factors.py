"""Evaluation factors (评审因素) a procurement's documents state: a default set per level-1 catalogue
category (公共服务 / 政府履职所需辅助性服务), editable on the procurement form, and the check that
they are lawful — factor points plus the price weight × 100 make 100, the price weight inside the
range `opengps.rules.scoring` sets for the method's formula (services: ≥10% under O87, 10–30% under
C214). Methods ranked by price alone take none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ServiceError
from opengps.procurement.errors import Code
from opengps.procurement.policies import rule_error
from opengps.rules import scoring
from opengps.rules.base import RuleError
from opengps.rules.procedures import Method, parse_method
from opengps.rules.procurement_flow import AwardBasis, procedure_for

HUNDRED = Decimal(100)
MAX_FACTORS = 12


@dataclass(frozen=True)
class FactorRow:
    """One scored factor as the documents state it."""

    code: str
    name: str
    max_points: Decimal


@dataclass(frozen=True)
class FactorTemplate:
    """The default factors of a level-1 catalogue category, with the price weight (a fraction)."""

    title: str
    price_weight: Decimal
    factors: tuple[FactorRow, ...]


def _rows(*rows: tuple[str, str, int]) -> tuple[FactorRow, ...]:
    return tuple(FactorRow(code, name, Decimal(points)) for code, name, points in rows)


TEMPLATES: dict[str, FactorTemplate] = {
    "A": FactorTemplate(
        "公共服务",
        Decimal("0.30"),
        _rows(
            ("plan", "服务方案（内容、流程、覆盖服务对象的措施）", 30),
            ("quality", "服务质量保障与承诺", 15),
            ("staff", "人员配备与专业能力", 15),
            ("record", "类似服务业绩", 5),
            ("feedback", "服务对象满意度与投诉处理机制", 5),
        ),
    ),
    "B": FactorTemplate(
        "政府履职所需辅助性服务",
        Decimal("0.30"),
        _rows(
            ("approach", "技术方案与工作方法", 30),
            ("team", "项目团队与专业资质", 20),
            ("schedule", "进度安排与质量控制", 10),
            ("record", "类似项目业绩", 10),
        ),
    ),
}
"""Default factor sets by level-1 category code; a purchaser edits them on the form."""

DEFAULT_CATEGORY = "A"


def template_for(category_codes: Sequence[str]) -> FactorTemplate:
    """The template of the first item's level-1 category (its code's first letter), else 公共服务's."""
    for code in category_codes:
        head = (code or "")[:1].upper()
        if head in TEMPLATES:
            return TEMPLATES[head]
    return TEMPLATES[DEFAULT_CATEGORY]


def formula_for(method: Method) -> Literal["O87", "C214"]:
    """The price formula of the method: 竞争性磋商 scores by C214 §24, the tenders by O87 §55."""
    return "C214" if method is Method.competitive_consultation else "O87"


def asks_factors(method: Method | str) -> bool:
    """Whether the documents of this method state scored factors (综合评分法)."""
    basis = procedure_for(parse_method(str(method))).award_basis
    return basis in (AwardBasis.comprehensive, AwardBasis.comprehensive_or_lowest)


def _points(value: Any) -> Decimal:
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(
            Code.PROCUREMENT_FACTORS_INVALID, _("评审因素分值应为数字"), field="factors"
        ) from None
    if not points.is_finite() or not 0 < points <= HUNDRED or points != points.quantize(Decimal("0.01")):
        raise ServiceError(
            Code.PROCUREMENT_FACTORS_INVALID,
            _("评审因素分值应大于 0、不超过 100，最多两位小数"),
            field="factors",
        )
    return points


def check_factors(
    method: Method, rows: Sequence[tuple[str, Any]], price_weight: Any, on_date: date
) -> dict[str, Any]:
    """The factors as stored on the procurement (`evaluation_factors`), or {} when none are given.

    `rows` are (name, points) as typed; `price_weight` the price share in percent (``30``). Refused
    beside ``factors`` or ``price_weight`` with what is wrong and the limit.
    """
    rows = [
        (str(name or "").strip(), points)
        for name, points in rows
        if str(name or "").strip() or str(points or "").strip()
    ]
    if not rows:
        return {}
    if not asks_factors(method):
        raise ServiceError(Code.PROCUREMENT_FACTORS_NOT_APPLICABLE, field="factors")
    if len(rows) > MAX_FACTORS:
        raise ServiceError(
            Code.PROCUREMENT_FACTORS_INVALID,
            _("评审因素最多 %(max)s 项") % {"max": MAX_FACTORS},
            field="factors",
        )
    if any(not name for name, _p in rows):
        raise ServiceError(Code.PROCUREMENT_FACTORS_INVALID, _("请填写每项评审因素的名称"), field="factors")
    names = [name[:200] for name, _p in rows]
    if len(set(names)) != len(names):
        raise ServiceError(Code.PROCUREMENT_FACTORS_INVALID, _("评审因素名称不能重复"), field="factors")
    factors = [
        FactorRow(f"f{i}", name, _points(points))
        for i, (name, (_n, points)) in enumerate(zip(names, rows, strict=True), 1)
    ]
    try:
        percent = Decimal(str(price_weight).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(Code.PROCUREMENT_PRICE_WEIGHT_INVALID, field="price_weight") from None
    if not percent.is_finite() or not 0 < percent <= HUNDRED:
        raise ServiceError(Code.PROCUREMENT_PRICE_WEIGHT_INVALID, field="price_weight")
    weight = (percent / HUNDRED).quantize(Decimal("0.0001"))
    formula = formula_for(method)
    try:
        scoring.price_scores({"check": Decimal(1)}, weight, formula, on_date=on_date)
    except RuleError as exc:
        raise rule_error(exc, field="price_weight") from None
    total = sum((f.max_points for f in factors), Decimal(0)) + percent
    if total != HUNDRED:
        raise ServiceError(
            Code.PROCUREMENT_FACTORS_NOT_100,
            field="factors",
            params={"total": f"{total.normalize():f}", "factors": f"{(total - percent).normalize():f}"},
        )
    return {
        "formula": formula,
        "price_weight": str(weight),
        "factors": [{"code": f.code, "name": f.name, "max_points": str(f.max_points)} for f in factors],
    }
