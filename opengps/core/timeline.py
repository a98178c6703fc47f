"""Readable timelines: audit events of one object turned into labelled "field: old → new" lines.

Each domain passes its own labels for fields and coded values (actions are labelled from the
declared events of `opengps.core.events`); the audit rows stay as
recorded (codes, not translations), so the hash chain never depends on the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import prefetch_related_objects
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from opengps.core.events import label_for
from opengps.core.templatetags.labels import person, region

Label = str | Promise


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    seq: int
    action: str
    label: str
    actor: str
    occurred_at: datetime
    reason: str
    changes: tuple[Change, ...]


REGION_KEYS = ("area", "region", "regions", "beneficiary_region")
"""Keys whose values are GB/T 2260 codes, shown as the division's name."""


def _show(value: Any, choices: Mapping[str, Label] | None, key: str = "") -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list | tuple):
        return "、".join(_show(v, choices, key) for v in value)
    if choices is not None and str(value) in choices:
        return str(choices[str(value)])
    if key.removesuffix("_id") in REGION_KEYS:
        return region(value)
    return str(value)


def readable(
    events: Iterable[Any],
    *,
    actions: Mapping[str, Label] | None = None,
    fields: Mapping[str, Label],
    choices: Mapping[str, Mapping[str, Label]] | None = None,
) -> list[Entry]:
    """One `Entry` per audit event; keys without a label in `fields` are left out (internal ids).

    An action is labelled from `actions` when given, else from the declared events (`label_for`);
    the actor is the person by name and unit (`labels.person`), never the login name."""
    choices = choices or {}
    actions = actions or {}
    entries = []
    events = list(events)
    # one query per relation for the people behind the events, not one per event
    prefetch_related_objects(events, "actor__unit", "actor__organization")
    for event in events:
        old: dict[str, Any] = event.old_values or {}
        new: dict[str, Any] = event.new_values or {}
        keys = [k for k in (*new, *(k for k in old if k not in new)) if k in fields]
        entries.append(
            Entry(
                seq=event.seq,
                action=event.action,
                label=str(actions[event.action]) if event.action in actions else label_for(event.action),
                actor=person(event),
                occurred_at=event.occurred_at,
                reason=event.reason,
                changes=tuple(
                    Change(
                        field=key,
                        label=str(fields[key]),
                        old=_show(old.get(key), choices.get(key), key) if key in old else "",
                        new=_show(new.get(key), choices.get(key), key) if key in new else "",
                    )
                    for key in keys
                ),
            )
        )
    return entries
