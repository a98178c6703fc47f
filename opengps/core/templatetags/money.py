"""Numbers on the screen: `{{ amount|yuan }}` grouped to the fen, `{{ amount|wanyuan }}` in 万元, and
`{{ n|count }}` for a count (orders, listings, organizations, rows) grouped by thousands.

Both are Decimal-only (a float is read through its shortest repr, never computed with), round half
up (四舍五入) and show a missing amount as "—". Grouping is the same in Chinese and English
(6,018,000.00): both locales group by thousands, and officials read 万元 for the large figures.

`wanyuan` shows 万元 in Chinese and millions of yuan in English, at the same precision (a hundred
yuan, i.e. two decimals of 万元): 6018000 → "601.8 万元" / "6.018 million yuan". Trailing zeros are
dropped ("100 万元", not "100.00 万元") — the exact figure is `yuan`'s job.

`count` groups in both languages too (12,345): Django's Chinese formats have no thousands separator,
so `intcomma` and `localize` leave a Chinese page's 12345 ungrouped.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

MISSING = "—"
FEN = Decimal("0.01")
WAN = Decimal(10_000)
MILLION = Decimal(1_000_000)
HUNDRED_YUAN_IN_WAN = Decimal("0.01")
HUNDRED_YUAN_IN_MILLIONS = Decimal("0.0001")


def as_decimal(value: Any) -> Decimal | None:
    """The amount as a finite Decimal, or None when there is none (None, "", not a number)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    else:
        # a float through its shortest repr (0.1 → "0.1"), text with or without separators
        text = str(value).replace(",", "").strip()
        if not text:
            return None
        try:
            amount = Decimal(text)
        except (InvalidOperation, ValueError):
            return None
    return amount if amount.is_finite() else None


def _shown_as_is(value: Any) -> str:
    """No amount: "—" for nothing or a non-finite number, else the text as it is (e.g. "待定")."""
    if value is None or isinstance(value, (Decimal, float)) or str(value).strip() == "":
        return MISSING
    return str(value)


def _grouped(amount: Decimal, places: Decimal, *, strip: bool) -> str:
    rounded = amount.quantize(places, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.00"
    text = f"{rounded:,f}"
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_yuan(value: Any) -> str:
    """6018000 → "6,018,000.00"; None → "—"; text that is not a number is shown as it is."""
    amount = as_decimal(value)
    if amount is None:
        return _shown_as_is(value)
    return _grouped(amount, FEN, strip=False)


def format_count(value: Any) -> str:
    """12345 → "12,345"; a whole Decimal or numeric text likewise; None → "—"; other text as it is."""
    number = as_decimal(value)
    if number is None:
        return _shown_as_is(value)
    if number != number.to_integral_value():
        return f"{number:,f}"
    return f"{int(number):,d}"


def format_wanyuan(value: Any, language: str | None = None) -> str:
    """6018000 → "601.8 万元" (Chinese) or "6.018 million yuan" (English); None → "—"."""
    amount = as_decimal(value)
    if amount is None:
        return _shown_as_is(value)
    if (language or get_language() or "").startswith("en"):
        return _("%(amount)s million yuan") % {
            "amount": _grouped(amount / MILLION, HUNDRED_YUAN_IN_MILLIONS, strip=True)
        }
    return _("%(amount)s 万元") % {"amount": _grouped(amount / WAN, HUNDRED_YUAN_IN_WAN, strip=True)}


@register.filter(is_safe=True)
def yuan(value: Any) -> str:
    return format_yuan(value)


@register.filter(is_safe=True)
def wanyuan(value: Any) -> str:
    return format_wanyuan(value)


@register.filter(is_safe=True)
def count(value: Any) -> str:
    return format_count(value)
