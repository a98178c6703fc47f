"""Page arithmetic shared by every paged list (portal notices, registry search)."""

from __future__ import annotations

import math

from django.http import HttpRequest

MAX_PAGE = 100_000


class PageNumbers:
    """Mixin for a dataclass with ``count``, ``page`` and ``page_size``: the numbers a pager shows."""

    count: int
    page: int
    page_size: int

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


def page_number(request: HttpRequest) -> int:
    """The ``?page=`` of a paged list: a decimal number from 1 below `MAX_PAGE`, else 1."""
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdecimal() and 0 < int(raw) < MAX_PAGE else 1
