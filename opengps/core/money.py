"""Yuan amounts from user input: Decimal only (never float), exact to the fen — never rounded."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengps.core.errors import ServiceError

FEN = Decimal("0.01")
CEILING = Decimal("1e12")  # the DecimalField(max_digits=14, decimal_places=2) columns hold less


def parse_yuan(
    value: Any, *, field: str, code: str, allow_zero: bool = False, ceiling: Decimal = CEILING
) -> Decimal:
    """A positive (or, with `allow_zero`, non-negative) yuan amount from text, int or Decimal.

    Thousands separators are accepted; floats, non-numbers, infinities, amounts of `ceiling` (a
    trillion) or more and amounts with more than two decimals are refused with `code` on `field`:
    1.005 is an error, not 1.01 — the payer must say which fen they mean.
    """
    if isinstance(value, float):
        raise ServiceError(code, _("金额格式无效"), field=field)
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(code, _("金额格式无效"), field=field) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ServiceError(code, _("金额应大于零"), field=field)
    if amount >= ceiling:
        raise ServiceError(
            code, _("金额过大：应小于 %(ceiling)s 元") % {"ceiling": f"{ceiling:,.0f}"}, field=field
        )
    if amount != amount.quantize(FEN):
        raise ServiceError(code, _("金额最多两位小数（到分），不会自动四舍五入"), field=field)
    return amount.quantize(FEN)
