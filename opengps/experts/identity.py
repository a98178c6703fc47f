"""Valid-looking identity card numbers for demo data and tests (never real people)."""

from __future__ import annotations

from datetime import date

from stdnum.cn import ric


def make_id_number(*, region_code: str, birth_date: date, serial: int) -> str:
    """An 18-digit resident identity number with a correct check digit (GB 11643)."""
    base = f"{region_code}{birth_date:%Y%m%d}{serial % 1000:03d}"
    return base + str(ric.calc_check_digit(base + "0"))
