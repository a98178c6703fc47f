"""Shared vocabulary of the rules: cited results, effective-dated values, coded errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K")
E = TypeVar("E", bound=StrEnum)

Citation = str
"""An article reference in Chinese, e.g. ``"政府采购法 第三十五条"``; several joined by ``"；"``."""


@dataclass(frozen=True, slots=True)
class Ruled(Generic[T]):
    """A value decided by a rule, with the article(s) it comes from."""

    value: T
    citation: Citation
    note: str = ""

    def __str__(self) -> str:
        return f"{self.value} ({self.citation})"


@dataclass(frozen=True, slots=True)
class EffectiveValue(Generic[T]):
    """A value law or policy may change: in force from `effective_from` until the next one."""

    effective_from: date
    value: T
    citation: Citation
    confidence: str = "T"
    """[T] checked against full text, [E] official excerpt, [U] unconfirmed (configurable default)."""


class RuleError(Exception):
    """A rule refused its input. `code` is stable (API clients match on it); messages are bilingual."""

    def __init__(
        self,
        code: str,
        message_zh: str,
        message_en: str,
        citation: Citation = "",
        params: dict[str, object] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message_zh} / {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.citation = citation
        self.params: dict[str, object] = dict(params or {})

    def message(self, language: str = "zh-hans") -> str:
        """The message in `language` ("zh-hans" default, anything starting with "en" for English)."""
        return self.message_en if language.lower().startswith("en") else self.message_zh


def in_force(history: Iterable[EffectiveValue[T]], on_date: date) -> EffectiveValue[T] | None:
    """The entry of `history` in force on `on_date` (the latest whose effective_from <= on_date), or None."""
    entries = [entry for entry in history if entry.effective_from <= on_date]
    return max(entries, key=lambda entry: entry.effective_from) if entries else None


def value_on(history: Sequence[EffectiveValue[T]], on_date: date, *, rule: str) -> EffectiveValue[T]:
    """The entry of `history` in force on `on_date` (the latest whose effective_from <= on_date).

    Raises RuleError ``rules.not_in_force`` when `on_date` precedes every entry.
    """
    entry = in_force(history, on_date)
    if entry is None:
        raise RuleError(
            "rules.not_in_force",
            f"规则“{rule}”在 {on_date.isoformat()} 尚无生效的取值",
            f"Rule '{rule}' has no value in force on {on_date.isoformat()}",
            params={"rule": rule, "on_date": on_date.isoformat()},
        )
    return entry


def parse_choice(
    choices: type[E],
    value: E | str,
    *,
    code: str,
    message_zh: str,
    message_en: str,
    param: str,
    citation: Citation = "",
) -> E:
    """`value` as a member of the enum `choices`; RuleError `code` for anything else.

    The error's params are `param` (the value given, as text) and ``known`` (every valid code).
    """
    try:
        return choices(value)
    except ValueError:
        raise RuleError(
            code,
            message_zh,
            message_en,
            citation=citation,
            params={param: str(value), "known": [item.value for item in choices]},
        ) from None


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason behind a decision: a stable code, bilingual text and its citation."""

    code: str
    message_zh: str
    message_en: str
    citation: Citation
    severity: str = field(default="info")
    """``"block"`` (decides against), ``"flag"`` (warning), ``"info"`` or ``"priority"``."""


def reason_json(reason: Reason) -> dict[str, str]:
    """`reason` as the JSON a record stores and an API returns (code, both messages, citation, severity)."""
    return {
        "code": reason.code,
        "message_zh": reason.message_zh,
        "message_en": reason.message_en,
        "citation": reason.citation,
        "severity": reason.severity,
    }


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule as officials and suppliers read it on /rules/ and in `opengps rules explain`.

    Each rules module lists its rules in a module-level ``RULES: tuple[RuleInfo, ...]``; the
    values shown are taken from the same data the functions apply, never retyped.
    """

    name: str
    """Stable dotted name, e.g. ``"deadlines.earliest_bid_deadline"``."""
    title_zh: str
    title_en: str
    values: tuple[EffectiveValue[object], ...]
    """Each value with its effective date and citation; a text like ``"≥20 日"`` is fine."""
    summary_zh: str = ""
    summary_en: str = ""


def shown(entry: EffectiveValue[Any], value: object) -> EffectiveValue[object]:
    """`entry` as /rules/ shows it: `value` (a display text) with the entry's date, citation, confidence."""
    return EffectiveValue(entry.effective_from, value, entry.citation, entry.confidence)


def shown_history(
    history: Iterable[EffectiveValue[T]], render: Callable[[T], object]
) -> tuple[EffectiveValue[object], ...]:
    """Every entry of `history` for `RuleInfo.values`, its value rendered by `render`."""
    return tuple(shown(entry, render(entry.value)) for entry in history)


def shown_table(
    table: Mapping[K, Iterable[EffectiveValue[T]]], render: Callable[[K, T], object]
) -> tuple[EffectiveValue[object], ...]:
    """Every entry of every history of `table` (key by key) for `RuleInfo.values`, rendered by
    `render(key, value)`."""
    return tuple(
        shown(entry, render(key, entry.value)) for key, history in table.items() for entry in history
    )
