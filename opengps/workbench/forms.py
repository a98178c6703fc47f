"""The workbench's query forms (GET): the calendar's month and the notification centre's page and
filter. A malformed value is refused with its declared code beside its field (STYLE 14)."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ServiceError
from opengps.core.forms import ServiceErrorFormMixin
from opengps.workbench.errors import Code

MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
FIRST_YEAR, LAST_YEAR = 2000, 2099
"""The calendar's range: the platform's data starts after 2000 and no deadline reaches 2100."""
MAX_PAGE = 100_000


def parse_month(value: str) -> date:
    """The first day of the month "YYYY-MM" names (ServiceError `workbench.bad_month` on `month`)."""
    match = MONTH.fullmatch(value.strip())
    if match is None or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR or not 1 <= int(match[2]) <= 12:
        raise ServiceError(Code.BAD_MONTH, field="month", params={"value": value[:20]})
    return date(int(match[1]), int(match[2]), 1)


def parse_page(value: str) -> int:
    """A page number from 1 (ServiceError `workbench.bad_page` on `page`)."""
    text = value.strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise ServiceError(Code.BAD_PAGE, field="page", params={"value": value[:20]})
    return int(text)


class MonthForm(ServiceErrorFormMixin, forms.Form):
    month = forms.CharField(
        label=_("月份"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-12"}),
    )

    def month_or(self, default: date) -> date | None:
        """The chosen month's first day (`default`'s month when none is given), or None with the
        error on the field."""
        if not self.is_valid():
            return None
        value = self.cleaned_data["month"]
        if not value:
            return default.replace(day=1)
        try:
            return parse_month(value)
        except ServiceError as exc:
            self.add_service_error(exc)
            return None


class ReminderFilterForm(ServiceErrorFormMixin, forms.Form):
    unread = forms.BooleanField(label=_("仅显示未读"), required=False)
    page = forms.CharField(label=_("页码"), required=False, max_length=20, widget=forms.HiddenInput)

    def page_number(self) -> int | None:
        """The page asked for (1 when none), or None with the error on the form."""
        if not self.is_valid():
            return None
        value = self.cleaned_data["page"]
        if not value:
            return 1
        try:
            return parse_page(value)
        except ServiceError as exc:
            self.add_service_error(exc)
            return None
