"""Yuan amounts from user input: Decimal only (never float), rounded half-up to the fen."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ServiceError

FEN = Decimal("0.01")
CEILING = Decimal("1e12")  # the DecimalField(max_digits=14, decimal_places=2) columns hold less


def parse_yuan(value: Any, *, field: str, code: str, allow_zero: bool = False) -> Decimal:
    """A positive (or, with `allow_zero`, non-negative) yuan amount from text, int or Decimal.

    Thousands separators are accepted; floats, non-numbers, infinities and amounts of a trillion
    or more are refused with `code` on `field`.
    """
    if isinstance(value, float):
        raise ServiceError(code, _("金额格式无效"), field=field)
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(code, _("金额格式无效"), field=field) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero) or amount >= CEILING:
        raise ServiceError(code, _("金额应大于零"), field=field)
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)
