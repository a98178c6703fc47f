"""The workbench's audit events (STYLE: events as data): the action stored, and its label."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Event(StrEnum):
    """Audit actions the workbench's services write."""

    HOLIDAY_YEAR_REGISTERED = "calendar.year_registered"
    """A year's State Council holiday notice was stored and put in force."""


LABELS: dict[Event, Promise] = {
    Event.HOLIDAY_YEAR_REGISTERED: _("录入节假日安排"),
}
"""Readable timeline labels (zh source, en via gettext)."""
