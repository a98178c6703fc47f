"""The one mechanism for status changes: a table of allowed changes per entity, checked by one function.

Every stateful entity (catalogue version, budget line, project, plan, procurement, contract,
grant round …) declares a `Transitions` table in its rules module; services call
`check_transition` before every status change, so a change not in a table can never be written
(STYLE §4). Status values are the stable codes stored in the database.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from opengps.rules.base import RuleError

Transitions = Mapping[str, frozenset[str]]
"""Allowed status changes: each status to the statuses it may change to (a final status to none)."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """How a refused change is reported: a stable code and bilingual messages.

    The messages are format strings over ``{current}`` and ``{target}``.
    """

    code: str
    message_zh: str
    message_en: str


STATUS_REFUSAL = Refusal(
    "workflow.transition_not_allowed",
    "状态不能从“{current}”变为“{target}”",
    "Status cannot change from '{current}' to '{target}'",
)
"""The refusal of every table but the contract's, which keeps its own code (``contract.*``)."""


def can_transition(table: Transitions, current: str, target: str) -> bool:
    """Whether `table` allows the change from status `current` to `target` (an unknown status: no)."""
    return target in table.get(current, frozenset())


def check_transition(
    table: Transitions,
    current: str,
    target: str,
    *,
    entity: str | None = None,
    refusal: Refusal = STATUS_REFUSAL,
) -> None:
    """Refuse a change not in `table` with RuleError `refusal.code`.

    The error's params are ``current`` and ``target``, and ``entity`` when one is given.
    """
    if can_transition(table, current, target):
        return
    params: dict[str, object] = {"current": current, "target": target}
    if entity is not None:
        params = {"entity": entity, **params}
    raise RuleError(
        refusal.code,
        refusal.message_zh.format(current=current, target=target),
        refusal.message_en.format(current=current, target=target),
        params=params,
    )


class EntityTransitions(Mapping[str, Transitions]):
    """The tables of several entities by entity name (``"plan"``, ``"grant_round"`` …).

    A rules module exposes its `can_transition(entity, current, target)` and
    `check_transition(entity, current, target)` as the bound methods of one instance, so the
    lookup by entity and the refusal (``workflow.transition_not_allowed`` with the entity in its
    params) are written once.
    """

    def __init__(self, tables: Mapping[str, Transitions]) -> None:
        self._tables = dict(tables)

    def __getitem__(self, entity: str) -> Transitions:
        return self._tables[entity]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def can_transition(self, entity: str, current: str, target: str) -> bool:
        """Whether `entity` may go from status `current` to `target`."""
        return can_transition(self[entity], current, target)

    def check_transition(self, entity: str, current: str, target: str) -> None:
        """Refuse a change not in the entity's table with RuleError ``workflow.transition_not_allowed``."""
        check_transition(self[entity], current, target, entity=entity)
