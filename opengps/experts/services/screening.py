"""Screening a draw's candidates: who may be drawn, and why each other expert may not."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from opengps.experts.facts import expert_facts
from opengps.experts.models import Expert, ExpertStatus
from opengps.rules.base import reason_json
from opengps.rules.committee import BidderFacts, expert_conflicts, expert_qualified

O87_47 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第四十七条"


@dataclass(frozen=True)
class Screening:
    """Who of the candidates may be drawn, and why each other one may not."""

    pool: list[int]
    exclusions: list[dict[str, Any]]


def screen_candidates(
    candidates: Iterable[Expert],
    *,
    bidders: Sequence[BidderFacts],
    on_date: date,
    purchaser: str | None,
    agency: str | None = None,
) -> Screening:
    """Split candidates into the eligible pool and exclusions with reasons (no database writes).

    Excluded: not active; unqualified on `on_date` (`committee.expert_qualified`); any conflict
    with a bidder or the purchaser (`committee.expert_conflicts`) — "block" and also "flag": a
    relation to be judged is not worth risking when the pool has others; staff of the `agency`
    running the procurement (O87 §47 第二款).
    """
    pool: list[int] = []
    exclusions: list[dict[str, Any]] = []
    for expert in candidates:
        reasons: list[dict[str, str]] = []
        if expert.status != ExpertStatus.ACTIVE:
            reasons.append(
                {
                    "code": "expert.not_active",
                    "message_zh": "专家状态为暂停",
                    "message_en": "The expert is suspended",
                    "citation": "",
                    "severity": "block",
                }
            )
        facts = expert_facts(expert)
        qualification = expert_qualified(facts, on_date)
        reasons.extend(reason_json(r) for r in qualification.reasons)
        conflicts = expert_conflicts(facts, bidders, on_date, purchaser=purchaser)
        reasons.extend(reason_json(r) for r in conflicts if r.severity in {"block", "flag"})
        if agency is not None and facts.employer == agency:
            reasons.append(
                {
                    "code": "draw.agency_staff",
                    "message_zh": "采购代理机构工作人员不得参加由本机构代理的政府采购项目的评审",
                    "message_en": "Agency staff may not evaluate the agency's own projects",
                    "citation": O87_47,
                    "severity": "block",
                }
            )
        if reasons:
            exclusions.append({"expert_id": expert.pk, "name": expert.name, "reasons": reasons})
        else:
            pool.append(expert.pk)
    exclusions.sort(key=lambda row: row["expert_id"])
    return Screening(sorted(pool), exclusions)
