"""Which registered organizations a text names (pure, no Django): one Aho–Corasick automaton
(`pyahocorasick`) over every full name, former name, short name and alias, the longest match wins
where names overlap, and a name several organizations share is resolved by region or not at all.

"长沙市阳光养老服务中心" inside "长沙市阳光养老服务中心岳麓分中心" is not a mention of the first: at
each place in the text only the longest name found there counts, and the text it covers is used up
(leftmost-longest, non-overlapping). A name two organizations bear (the same short name in two
counties) counts only when exactly one of them is in a region the text names outside the names
matched (or the source's region); otherwise the item stays unmatched rather than matched to the
wrong one (precision first: an alert about the wrong organization is worse than none)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick  # type: ignore[import-not-found]  # a C extension without stubs


@dataclass(frozen=True, slots=True)
class Name:
    """One searchable name of an organization."""

    text: str
    organization: int
    region: str
    """The organization's region code (GB/T 2260, six digits)."""
    via: str
    """full / former / short / alias."""


@dataclass(frozen=True, slots=True)
class Found:
    """A mention: the organization, the name matched, how it is known by it and where it stands."""

    organization: int
    name: str
    via: str
    start: int
    end: int

    def evidence(self, text: str, reach: int = 30) -> str:
        """The matched span with `reach` characters either side, the span in 【】."""
        before = text[max(0, self.start - reach) : self.start]
        after = text[self.end : self.end + reach]
        return f"{before}【{text[self.start : self.end]}】{after}"


MIN_NAME = 4
"""Shorter names (two-character abbreviations) match too much ordinary text; they are not searched."""


class Matcher:
    """The automaton over `names`, with the region names used to tell same-named organizations apart."""

    def __init__(self, names: Iterable[Name], regions: Iterable[tuple[str, str]] = ()) -> None:
        self._automaton = ahocorasick.Automaton()
        by_text: dict[str, list[Name]] = {}
        for name in names:
            text = name.text.strip()
            if len(text) < MIN_NAME:
                continue
            bearers = by_text.setdefault(text, [])
            if all(other.organization != name.organization for other in bearers):
                bearers.append(name)
        for text, bearers in by_text.items():
            self._automaton.add_word(text, (text, tuple(bearers)))
        self.size = len(by_text)
        self._regions = [(code, label) for code, label in regions if len(label) >= 2]
        if self.size:
            self._automaton.make_automaton()

    def _regions_named(self, text: str) -> set[str]:
        return {code for code, label in self._regions if label in text}

    def find(self, text: str, *, region: str = "") -> list[Found]:
        """The organizations `text` names, longest match first at each place, one `Found` per
        organization (its first mention). `region`: the source's region code, if it has one."""
        if not self.size or not text:
            return []
        hits: list[tuple[int, int, str, tuple[Name, ...]]] = []
        for end_index, (word, bearers) in self._automaton.iter(text):
            start = end_index - len(word) + 1
            hits.append((start, end_index + 1, word, bearers))
        hits.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0])))
        chosen: list[tuple[int, int, str, tuple[Name, ...]]] = []
        covered_to = -1
        for hit in hits:
            if hit[0] < covered_to:
                continue
            chosen.append(hit)
            covered_to = hit[1]
        named: set[str] | None = None
        found: dict[int, Found] = {}
        for start, end, word, bearers in chosen:
            if len(bearers) > 1:
                named = self._regions_named(_outside(text, chosen)) if named is None else named
                bearer = resolve(bearers, named, region)
                if bearer is None:
                    continue
            else:
                bearer = bearers[0]
            if bearer.organization not in found:
                found[bearer.organization] = Found(bearer.organization, word, bearer.via, start, end)
        return list(found.values())


def _outside(text: str, spans: Iterable[tuple[int, int, str, object]]) -> str:
    """`text` with the matched names blanked: "长沙市" inside "长沙市某某中心" names no region."""
    chars = list(text)
    for start, end, _word, _bearers in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _prefix(region: str) -> str:
    """The code prefix of a GB/T 2260 region: trailing zeros dropped, in two-digit levels."""
    prefix = region.rstrip("0")
    return prefix + "0" if len(prefix) % 2 else prefix


def resolve(bearers: Sequence[Name], named: set[str], region: str) -> Name | None:
    """The one bearer of a shared name in the most specific region the text names (a county beats
    its city), else the one in the source's region; None while it stays ambiguous."""
    depth: dict[int, int] = {}
    for bearer in bearers:
        levels = [len(_prefix(code)) for code in named if bearer.region.startswith(_prefix(code))]
        if levels:
            depth[bearer.organization] = max(levels)
    if depth:
        deepest = max(depth.values())
        inside = [bearer for bearer in bearers if depth.get(bearer.organization) == deepest]
        if len(inside) == 1:
            return inside[0]
    if region:
        inside = [bearer for bearer in bearers if bearer.region.startswith(_prefix(region))]
        if len(inside) == 1:
            return inside[0]
    return None
