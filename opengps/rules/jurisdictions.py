"""Money thresholds per jurisdiction (procurement limit, open tender, demand survey) as dated data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from opengps.rules.base import EffectiveValue, Reason, Ruled, RuleError, RuleInfo, shown_table, value_on

Category = Literal["goods", "services", "works"]
CATEGORIES: tuple[Category, ...] = ("services", "goods", "works")
CATEGORY_NAMES_ZH: dict[Category, str] = {"services": "服务", "goods": "货物", "works": "工程"}
CATEGORY_NAMES_EN: dict[Category, str] = {"services": "services", "goods": "goods", "works": "works"}

ThresholdKind = Literal["procurement_limit", "open_tender", "demand_survey"]
THRESHOLD_KINDS: tuple[ThresholdKind, ...] = ("procurement_limit", "open_tender", "demand_survey")
THRESHOLD_NAMES_ZH: dict[ThresholdKind, str] = {
    "procurement_limit": "采购限额标准",
    "open_tender": "公开招标数额标准",
    "demand_survey": "需求调查金额标准",
}
THRESHOLD_NAMES_EN: dict[ThresholdKind, str] = {
    "procurement_limit": "procurement limit",
    "open_tender": "open-tender threshold",
    "demand_survey": "demand-survey threshold",
}

DEFAULT_JURISDICTION = "CN-HN"

History = tuple[EffectiveValue[Decimal], ...]


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """One jurisdiction's thresholds: for each kind and category, the dated history of amounts (yuan).

    Another province is added by adding one `Jurisdiction` to `JURISDICTIONS` (or by passing a
    `Jurisdiction` built from administrator-edited data to the functions that take one).
    """

    code: str
    """ISO 3166-2 code, e.g. ``"CN-HN"``."""
    name_zh: str
    name_en: str
    thresholds: Mapping[ThresholdKind, Mapping[Category, History]] = field(default_factory=dict)


_HN_STANDARD = "湖南省政府集中采购目录及标准"
_C22_S11 = "政府采购需求管理办法（财库〔2021〕22号）第十一条"
_HN_OPEN = f"{_HN_STANDARD}；政府采购法 第二十七条"
_WORKS_OPEN = "必须招标的工程项目规定（国家发展改革委令第16号）第五条"

HUNAN = Jurisdiction(
    code="CN-HN",
    name_zh="湖南省",
    name_en="Hunan Province",
    thresholds={
        # Below the limit purchases go through the provincial e-mall (RULES §8, seed 003). The
        # sheet gives the amounts [E] without their effective date; 2021-01-01 is an assumption.
        "procurement_limit": {
            "services": (EffectiveValue(date(2021, 1, 1), Decimal("800000"), _HN_STANDARD, "E"),),
            "goods": (EffectiveValue(date(2021, 1, 1), Decimal("500000"), _HN_STANDARD, "E"),),
            "works": (EffectiveValue(date(2021, 1, 1), Decimal("1000000"), _HN_STANDARD, "E"),),
        },
        "open_tender": {
            "services": (EffectiveValue(date(2021, 1, 1), Decimal("2000000"), _HN_OPEN, "E"),),
            "goods": (EffectiveValue(date(2021, 1, 1), Decimal("2000000"), _HN_OPEN, "E"),),
            # Works are tendered under the Tendering Law: a construction contract of 400万 or more
            # must be tendered. Not on the rules sheet, hence [U].
            "works": (EffectiveValue(date(2018, 6, 1), Decimal("4000000"), _WORKS_OPEN, "U"),),
        },
        "demand_survey": {
            "services": (EffectiveValue(date(2021, 7, 1), Decimal("10000000"), _C22_S11, "T"),),
            "goods": (EffectiveValue(date(2021, 7, 1), Decimal("10000000"), _C22_S11, "T"),),
            "works": (EffectiveValue(date(2021, 7, 1), Decimal("30000000"), _C22_S11, "T"),),
        },
    },
)

JURISDICTIONS: dict[str, Jurisdiction] = {HUNAN.code: HUNAN}


def parse_category(category: str) -> Category:
    """The category for `category` ("services", "goods" or "works"); RuleError ``category.unknown`` else."""
    for known in CATEGORIES:
        if category == known:
            return known
    raise RuleError(
        "category.unknown",
        f"未知的采购品目类别“{category}”（应为 services/goods/works）",
        f"Unknown procurement category '{category}' (expected services/goods/works)",
        params={"category": category, "known": list(CATEGORIES)},
    )


def get_jurisdiction(jurisdiction: str | Jurisdiction) -> Jurisdiction:
    """The `Jurisdiction` for a code (or the given object itself); RuleError ``jurisdiction.unknown`` else."""
    if isinstance(jurisdiction, Jurisdiction):
        return jurisdiction
    try:
        return JURISDICTIONS[jurisdiction]
    except KeyError:
        raise RuleError(
            "jurisdiction.unknown",
            f"没有地区“{jurisdiction}”的金额标准数据",
            f"No threshold data for jurisdiction '{jurisdiction}'",
            params={"jurisdiction": jurisdiction, "known": sorted(JURISDICTIONS)},
        ) from None


def threshold(
    kind: ThresholdKind,
    category: str,
    on_date: date,
    jurisdiction: str | Jurisdiction = DEFAULT_JURISDICTION,
) -> EffectiveValue[Decimal]:
    """The threshold of `kind` for `category` in force on `on_date` in `jurisdiction`.

    Raises RuleError ``jurisdiction.no_threshold`` when the jurisdiction has no such data,
    ``rules.not_in_force`` when `on_date` precedes it.
    """
    place = get_jurisdiction(jurisdiction)
    cat = parse_category(category)
    history = place.thresholds.get(kind, {}).get(cat)
    if not history:
        raise RuleError(
            "jurisdiction.no_threshold",
            f"{place.name_zh}没有{CATEGORY_NAMES_ZH[cat]}的{THRESHOLD_NAMES_ZH[kind]}数据",
            f"{place.name_en} has no {THRESHOLD_NAMES_EN[kind]} for {CATEGORY_NAMES_EN[cat]}",
            params={"jurisdiction": place.code, "kind": kind, "category": cat},
        )
    return value_on(history, on_date, rule=f"jurisdictions.{kind}")


def procurement_limit(
    category: str, on_date: date, jurisdiction: str | Jurisdiction = DEFAULT_JURISDICTION
) -> Ruled[Decimal]:
    """分散采购限额标准: at or above it a purchase is government procurement (GPL §2); below it, e-mall."""
    entry = threshold("procurement_limit", category, on_date, jurisdiction)
    return Ruled(entry.value, entry.citation, _confidence_note(entry))


def open_tender_threshold(
    category: str, on_date: date, jurisdiction: str | Jurisdiction = DEFAULT_JURISDICTION
) -> Ruled[Decimal]:
    """公开招标数额标准 (GPL §27): at or above it (“以上”, 民法典 §1259) open tender is mandatory."""
    entry = threshold("open_tender", category, on_date, jurisdiction)
    return Ruled(entry.value, entry.citation, _confidence_note(entry))


def demand_survey_required(
    amount: Decimal,
    category: str,
    on_date: date,
    *,
    public_service: bool = False,
    complex_project: bool = False,
    jurisdiction: str | Jurisdiction = DEFAULT_JURISDICTION,
) -> Ruled[bool]:
    """Whether a demand survey (需求调查) is required (C22 §11).

    Required at or above 1000万 for goods/services (3000万 works), for public services offered to
    the public, and for technically complex projects.
    """
    entry = threshold("demand_survey", category, on_date, jurisdiction)
    if amount >= entry.value:
        return Ruled(True, entry.citation, f"金额 {amount} ≥ {format_wan(entry.value)}")
    if public_service:
        return Ruled(True, f"{_C22_S11}第（二）项", "政府向社会公众提供的公共服务项目")
    if complex_project:
        return Ruled(True, f"{_C22_S11}第（三）项", "技术复杂、专业性较强的项目")
    return Ruled(False, entry.citation)


def threshold_reason(kind: ThresholdKind, entry: EffectiveValue[Decimal], *, code: str) -> Reason:
    """An info `Reason` stating which threshold applied (for decision explanations)."""
    return Reason(
        code,
        f"适用的{THRESHOLD_NAMES_ZH[kind]}为 {format_wan(entry.value)}{_confidence_suffix_zh(entry)}",
        f"Applicable {THRESHOLD_NAMES_EN[kind]}: CNY {entry.value:,}{_confidence_suffix_en(entry)}",
        entry.citation,
        "info",
    )


def format_wan(amount: Decimal) -> str:
    """``Decimal("800000")`` → ``"80万元"``; amounts not a multiple of 100 yuan are shown in yuan."""
    wan = amount / Decimal(10000)
    if wan == wan.to_integral_value():
        return f"{int(wan)}万元"
    if amount == amount.quantize(Decimal(100)):
        return f"{wan.normalize():f}万元"
    return f"{amount}元"


def _confidence_note(entry: EffectiveValue[Decimal]) -> str:
    return "unconfirmed [U]: configurable default" if entry.confidence == "U" else ""


def _confidence_suffix_zh(entry: EffectiveValue[Decimal]) -> str:
    return "（未确认 [U]，可配置的默认值）" if entry.confidence == "U" else ""


def _confidence_suffix_en(entry: EffectiveValue[Decimal]) -> str:
    return " (unconfirmed [U], configurable default)" if entry.confidence == "U" else ""


def shown_value(
    effective_from: date, value: object, citation: str, confidence: str = "T"
) -> EffectiveValue[object]:
    """An `EffectiveValue[object]` for `RuleInfo.values` (a display text or number, with its date)."""
    return EffectiveValue(effective_from, value, citation, confidence)


def _rule_values(place: Jurisdiction, kind: ThresholdKind) -> tuple[EffectiveValue[object], ...]:
    return shown_table(
        place.thresholds.get(kind, {}), lambda cat, amount: f"{CATEGORY_NAMES_ZH[cat]} {format_wan(amount)}"
    )


RULES: tuple[RuleInfo, ...] = tuple(
    RuleInfo(
        name=f"jurisdictions.{place.code}.{kind}",
        title_zh=f"{place.name_zh}{THRESHOLD_NAMES_ZH[kind]}",
        title_en=f"{place.name_en}: {THRESHOLD_NAMES_EN[kind]}",
        values=_rule_values(place, kind),
        summary_zh={
            "procurement_limit": "限额以下通过电子卖场采购；"
            "限额以上（含本数）为政府采购，须采用法定采购方式。",
            "open_tender": "达到（含本数）公开招标数额标准的货物、服务须公开招标；"
            "改用其他方式须经设区的市级以上财政部门批准。",
            "demand_survey": "达到该金额的项目，以及面向社会公众的公共服务项目，须开展需求调查。",
        }[kind],
        summary_en={
            "procurement_limit": "Below the limit: provincial e-mall; "
            "at or above it: a formal procurement method.",
            "open_tender": "At or above it open tender is mandatory; another method needs prior approval "
            "of a city-level or higher finance bureau.",
            "demand_survey": "Projects at or above it, and public services offered to the public, need a "
            "demand survey.",
        }[kind],
    )
    for place in JURISDICTIONS.values()
    for kind in THRESHOLD_KINDS
)
"""One entry per jurisdiction and threshold kind, values taken from `JURISDICTIONS`."""
