"""Helpers of the design system's partials (templates/components/)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import zip_longest
from typing import Any

from django import template

register = template.Library()


@register.filter
def with_labels(row: Iterable[Any], columns: Iterable[Any]) -> list[tuple[Any, dict[str, Any]]]:
    """A table row's cells beside their column labels (for `data-label`, the phone's card view).

    A cell is a value or a mapping with `text` and optionally `url`, `kind` ("name", "num",
    "badge") and `tone`; every cell comes out as such a mapping."""
    cells = []
    for label, cell in zip_longest(columns, row, fillvalue=""):
        if isinstance(cell, Mapping):
            cells.append((label, {"text": "", **cell}))
        else:
            cells.append((label, {"text": "" if cell is None else cell}))
    return cells
