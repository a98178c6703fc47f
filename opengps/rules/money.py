"""Money and points in the rules: Decimal, kept to the fen (分) with explicit rounding (STYLE §6)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
"""One fen: yuan amounts and scores are kept to 2 places."""


def round_cent(value: Decimal) -> Decimal:
    """`value` to 2 places, ROUND_HALF_UP — yuan to the fen, or a score to 2 decimals."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
