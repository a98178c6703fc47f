"""Split purchases (化整为零): purchases that together pass a threshold each of them stays under (IR §28)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from opengps.rules.base import EffectiveValue, Reason, RuleInfo
from opengps.rules.jurisdictions import DEFAULT_JURISDICTION, Jurisdiction, format_wan, shown_value, threshold
from opengps.rules.procedures import Method

GPL_2 = "政府采购法 第二条"
GPL_28 = "政府采购法 第二十八条"
IR_28 = "政府采购法实施条例 第二十八条"
BUDGET_LAW_18 = "预算法 第十八条"

SplitThresholdKind = Literal["open_tender", "procurement_limit"]


@dataclass(frozen=True, slots=True)
class PurchaseRecord:
    """One purchase by a unit, as the split-purchase detector needs it."""

    reference: str
    unit: str
    """The purchasing unit (采购人)."""
    catalogue_item: str
    """品目 (or 类别) code of the catalogue."""
    amount: Decimal
    purchased_on: date
    method: Method
    category: str = "services"
    budget_project: str = ""
    """预算项目; leave empty when unknown (all purchases of the item are then grouped)."""
    approved_non_open: bool = False
    """A non-open method approved by the finance bureau: excluded (IR §28 proviso)."""
    budget_adjusted: bool = False
    """The project budget was adjusted during the year: IR §28 exemption, to be verified by hand."""


@dataclass(frozen=True, slots=True)
class SplitPurchaseGroup:
    """Purchases of one unit, budget project and item in one fiscal year that add up past a threshold."""

    unit: str
    budget_project: str
    catalogue_item: str
    fiscal_year: int
    kind: SplitThresholdKind
    threshold: Decimal
    total: Decimal
    purchases: tuple[PurchaseRecord, ...]
    crossed_by: str
    """Reference of the purchase with which the running total passed the threshold."""
    reason: Reason

    @property
    def citation(self) -> str:
        return self.reason.citation


def detect_split_purchases(
    purchases: Sequence[PurchaseRecord],
    *,
    threshold_kind: SplitThresholdKind = "open_tender",
    jurisdiction: str | Jurisdiction = DEFAULT_JURISDICTION,
    inclusive: bool | None = None,
    threshold_amount: Decimal | None = None,
) -> tuple[SplitPurchaseGroup, ...]:
    """Groups of purchases that look like a purchase split to avoid a threshold.

    Purchases are grouped by unit, budget project, catalogue item and fiscal year (the calendar
    year, 预算法 §18). Counted are purchases each below the threshold in force on their date —
    for ``"open_tender"`` only those by a method other than open tender and not approved by
    the finance bureau (IR §28). A group is flagged when at least two counted purchases add up
    past the threshold: IR §28 says 超过 (strictly above; 民法典 §1259), so by default a total
    exactly at the open-tender threshold is not flagged. For ``"procurement_limit"`` the
    total is compared inclusively (限额标准以上 includes the number, GPL §2) — this variant has
    no article of its own and applies GPL §28 by analogy. `inclusive` overrides both;
    `threshold_amount` replaces the jurisdiction's amount (e.g. a stricter internal control line).
    """
    groups: dict[tuple[str, str, str, int], list[PurchaseRecord]] = defaultdict(list)
    for record in purchases:
        key = (record.unit, record.budget_project, record.catalogue_item, record.purchased_on.year)
        groups[key].append(record)
    strict = (threshold_kind == "open_tender") if inclusive is None else not inclusive
    flagged: list[SplitPurchaseGroup] = []
    for (unit, budget_project, item, year), records in sorted(groups.items()):
        counted: list[tuple[PurchaseRecord, EffectiveValue[Decimal]]] = []
        for record in sorted(records, key=lambda r: (r.purchased_on, r.reference)):
            if threshold_kind == "open_tender" and (
                record.method is Method.open_tender or record.approved_non_open
            ):
                continue
            entry = (
                threshold(threshold_kind, record.category, record.purchased_on, jurisdiction)
                if threshold_amount is None
                else EffectiveValue(record.purchased_on, threshold_amount, "调用方指定的金额标准", "U")
            )
            if record.amount < entry.value:
                counted.append((record, entry))
        running = Decimal(0)
        crossed: tuple[PurchaseRecord, EffectiveValue[Decimal]] | None = None
        for record, entry in counted:
            running += record.amount
            over = running > entry.value if strict else running >= entry.value
            if over and crossed is None:
                crossed = (record, entry)
        if crossed is None or len(counted) < 2:
            continue
        total = sum((record.amount for record, _ in counted), Decimal(0))
        flagged.append(
            SplitPurchaseGroup(
                unit=unit,
                budget_project=budget_project,
                catalogue_item=item,
                fiscal_year=year,
                kind=threshold_kind,
                threshold=crossed[1].value,
                total=total,
                purchases=tuple(record for record, _ in counted),
                crossed_by=crossed[0].reference,
                reason=_split_reason(threshold_kind, crossed[1], total, year, records),
            )
        )
    return tuple(flagged)


def _split_reason(
    kind: SplitThresholdKind,
    entry: EffectiveValue[Decimal],
    total: Decimal,
    year: int,
    records: Sequence[PurchaseRecord],
) -> Reason:
    adjusted = any(record.budget_adjusted for record in records)
    if kind == "open_tender":
        citation = f"{IR_28}；{GPL_28}；{entry.citation}；{BUDGET_LAW_18}"
        zh = (
            f"{year} 财政年度内同一预算项目下同一品目以公开招标以外方式多次采购，累计 {total} 元，"
            f"超过公开招标数额标准（{format_wan(entry.value)}），属于以化整为零方式规避公开招标"
        )
        en = (
            f"In fiscal year {year}, repeated non-open purchases of one item under one budget project "
            f"total CNY {total:,}, above the open-tender threshold ({entry.value:,}): split purchase"
        )
    else:
        citation = f"{GPL_28}（类推）；{GPL_2}；{entry.citation}；{BUDGET_LAW_18}"
        zh = (
            f"{year} 财政年度内同一品目多次限额以下采购，累计 {total} 元，达到采购限额标准"
            f"（{format_wan(entry.value)}），疑似拆分采购规避政府采购程序"
        )
        en = (
            f"In fiscal year {year}, repeated below-limit purchases of one item total CNY {total:,}, "
            f"reaching the procurement limit ({entry.value:,}): possible split purchase"
        )
    if adjusted:
        zh += "；项目预算曾调整，可能属于除外情形，需人工核实"
        en += "; the project budget was adjusted, which may exempt it — verify by hand"
    return Reason(
        "methods.split_purchase",
        zh,
        en,
        citation,
        "info" if adjusted else "flag",
    )


SPLIT_PURCHASES_RULE = RuleInfo(
    name="methods.split_purchases",
    title_zh="化整为零规避公开招标",
    title_en="Split purchases avoiding open tender",
    values=(
        shown_value(
            date(2015, 3, 1),
            "同一财政年度、同一预算项目、同一品目，以非公开招标方式多次采购，累计超过公开招标数额标准",
            IR_28,
        ),
    ),
    summary_zh="按采购单位、预算项目、品目和财政年度汇总；经批准的非公开招标采购和预算调整除外。",
    summary_en="Grouped by unit, budget project, item and fiscal year; approved non-open purchases "
    "and budget adjustments are exempt.",
)
