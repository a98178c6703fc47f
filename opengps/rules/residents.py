"""Residents' feedback on the services bought for them: the needs a resident searches by, the
1–5 rating, the purchaser's answer deadline for a complaint or suggestion, its escalation when
overdue, and the status table of a feedback item.

Sources: no law in ``../shared/law`` sets a period for a purchasing unit to answer a resident's
complaint about a purchased service. The answer period is therefore an unconfirmed [U] default,
modelled on the notification period of the 信访工作条例 (2022), which is not in ``../shared/law``
either; it is data with an effective date, so a province can set its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from opengps.rules import calendar
from opengps.rules.base import EffectiveValue, Ruled, RuleError, RuleInfo, shown_history, value_on
from opengps.rules.transitions import EntityTransitions, Transitions

LETTERS_VISITS = "参照《信访工作条例》（2022年）的告知期限；该条例未收入 ../shared/law，条文未核对 [U]"
"""Not in ../shared/law: the answer period is an unconfirmed [U] default."""
CATALOGUE_2022 = "湖南省政府购买服务指导性目录（2022年版）"
"""The catalogue whose second-level codes the needs are mapped from."""

U_NOTE = "unconfirmed [U]: configurable default"

ANSWER_WORKING_DAYS: tuple[EffectiveValue[int], ...] = (
    EffectiveValue(date(2022, 5, 1), 15, LETTERS_VISITS, "U"),
)
"""The purchaser answers a resident's complaint or suggestion within this many working days [U]."""


@dataclass(frozen=True, slots=True)
class Need:
    """What a resident looks for, in plain words, and the catalogue codes (by prefix) that serve it."""

    key: str
    label_zh: str
    label_en: str
    prefixes: tuple[str, ...]


NEEDS: tuple[Need, ...] = (
    Need("elderly", "养老", "Older people", ("A04", "A0808", "A1110", "A1405")),
    Need("children", "儿童", "Children", ("A05", "A0106", "A0909")),
    Need("disability", "助残", "Disability", ("A06",)),
    Need("assistance", "救助", "Hardship help", ("A07",)),
    Need("community", "社区", "Community", ("A08", "A09")),
    Need("mental", "心理", "Mental health", ("A0503", "A1103", "A1106", "A1805", "A2005")),
)
"""The needs of the service finder, mapped from the catalogue's codes (stable across versions)."""

GRANT_NEEDS: Mapping[str, tuple[str, ...]] = {
    "elderly": ("elderly",),
    "disabled": ("disability",),
    "orphans": ("children",),
    "poverty": ("assistance",),
    "community": ("community",),
    "social_work": ("community", "mental"),
}
"""The needs a grant serves, by its purpose area (the keys of ``rules.grants.PURPOSE_AREAS``: 扶老、
助残、救孤、济困 of the welfare-lottery fund and its extensions); social-work projects include
counselling (心理疏导), so they answer 心理 too."""

STATION_NEEDS: Mapping[str, str] = {
    "elderly": "elderly",
    "children": "children",
    "assistance": "assistance",
    "community": "community",
}
"""The domain of a station's service logs (养老服务、儿童关爱、社会救助、社区建设: the keys of
``capacity.selectors.PUBLIC_DOMAINS``) that answers a need; a station is listed for a need when it
logged that domain in the last twelve months. The other needs have no such domain."""

STARS = (1, 2, 3, 4, 5)


def need(key: str) -> Need:
    """The need named `key`; RuleError ``residents.need_invalid`` for an unknown one."""
    for entry in NEEDS:
        if entry.key == key:
            return entry
    raise RuleError(
        "residents.need_invalid",
        "请选择一种服务需求",
        "Choose a kind of service",
        CATALOGUE_2022,
        {"need": key},
    )


def needs_of(item_code: str) -> tuple[str, ...]:
    """The keys of the needs a catalogue item (by its code) serves; none for an unmapped item."""
    return tuple(entry.key for entry in NEEDS if item_code.startswith(entry.prefixes))


def grant_purposes(need_key: str) -> tuple[str, ...]:
    """The purpose areas of the grants that serve the need `need_key` (`GRANT_NEEDS`), in the
    table's order; none for a need no grant serves."""
    return tuple(purpose for purpose, served in GRANT_NEEDS.items() if need_key in served)


def check_stars(stars: int) -> int:
    """A resident's rating: 1 to 5 stars; RuleError ``residents.stars_invalid`` else."""
    if stars not in STARS:
        raise RuleError(
            "residents.stars_invalid",
            "评价应为1至5星",
            "The rating must be 1 to 5 stars",
            params={"stars": stars},
        )
    return stars


def answer_deadline(filed_on: date) -> Ruled[date]:
    """The last day for the purchaser to answer a complaint or suggestion filed on `filed_on`:
    the 15th working day after it (the filing day not counted) [U]."""
    entry = value_on(ANSWER_WORKING_DAYS, filed_on, rule="residents.answer_working_days")
    return Ruled(calendar.add_working_days(filed_on, entry.value), entry.citation, U_NOTE)


def is_overdue(status: str, deadline: date | None, today: date) -> bool:
    """An item still waiting for its first answer after its deadline is overdue — derived from the
    dates, so a missed scheduled run never shows an overdue item as on time."""
    return status == "open" and deadline is not None and today > deadline


def should_escalate(status: str, deadline: date | None, today: date) -> bool:
    """An overdue item goes to the finance department of the region (once: an escalated item is
    no longer open)."""
    return is_overdue(status, deadline, today)


# ---------------------------------------------------------------------------------------------
# Status table

FEEDBACK: Transitions = {
    "recorded": frozenset(),
    "open": frozenset({"answered", "escalated"}),
    "escalated": frozenset({"answered"}),
    "answered": frozenset(),
}
"""居民反馈: a rating is recorded and needs no answer; a complaint or suggestion waits for the
purchaser's answer, and is escalated to the finance department when its deadline passes; the
purchaser still answers an escalated item."""

TABLES = EntityTransitions({"resident_feedback": FEEDBACK})

can_transition = TABLES.can_transition
check_transition = TABLES.check_transition


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        name="residents.answer_deadline",
        title_zh="居民投诉、建议的答复期限",
        title_en="Answer period for residents' complaints and suggestions",
        values=shown_history(ANSWER_WORKING_DAYS, lambda days: f"{days} 个工作日"),
        summary_zh="购买单位应在期限内答复；逾期未答复的，转本级财政部门督办。",
        summary_en="The purchasing unit answers within the period; an overdue item goes to the "
        "finance department.",
    ),
)
