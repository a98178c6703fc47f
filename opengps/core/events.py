"""Audit events as data (STYLE: events as data): the base of each app's `events.py`.

A member is ``NAME = "stable.action", _("时间线标签")`` or ``NAME = "stable.action", _("标签"), "tender"``
with the OCDS release tag the action publishes. Every declared event class registers itself, so a
timeline can label any action (`label_for`) and open data can find its tags (`ocds_tags`) without
the lower layers importing the apps that declare them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise

_classes: list[type[DomainEvent]] = []


class DomainEvent(StrEnum):
    """Base of the audit actions an app's services record."""

    label: str | Promise
    ocds_tag: str

    def __new__(cls, value: str, label: str | Promise = "", ocds_tag: str = "") -> DomainEvent:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.ocds_tag = ocds_tag
        return member

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _classes.append(cls)


def declared() -> dict[str, DomainEvent]:
    """Every declared action of every imported events module, by its stored value."""
    return {member.value: member for cls in _classes for member in cls}


def label_for(action: str) -> str:
    """The readable label of a stored action (the action itself when nothing declares it)."""
    member = declared().get(action)
    return str(member.label) if member is not None and member.label else action


def ocds_tags() -> dict[str, str]:
    """Declared action → OCDS release tag, for the actions that publish something."""
    return {value: member.ocds_tag for value, member in declared().items() if member.ocds_tag}
