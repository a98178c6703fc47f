"""Chinese organization identifiers: the GB 11714 organization code inside the GB 32100-2015
统一社会信用代码 (USCC), and the plainly invented, valid codes the demo gives its government units."""

from __future__ import annotations

from stdnum.cn import uscc as stdnum_uscc

# GB 11714-1997 organization code: 8 body characters, weights, check = 11 - (sum mod 11).
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
USCC_LETTERS = "ABCDEFGHJKLMNPQRTUWXY"
"""Letters allowed in a USCC (GB 32100 excludes I, O, S, V, Z)."""


def org_code_check_char(body: str) -> str:
    """The GB 11714 check character of an 8-character organization-code body."""
    if len(body) != 8:
        raise ValueError("organization code body must have 8 characters")
    total = 0
    for char, weight in zip(body, _ORG_CODE_WEIGHTS, strict=True):
        value = int(char) if char.isdigit() else ord(char) - ord("A") + 10
        total += value * weight
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def is_valid_uscc(code: str) -> bool:
    """Both check characters are right (python-stdnum checks only the final one)."""
    if not stdnum_uscc.is_valid(code):
        return False
    org_code = code[8:17]
    if any(c not in "0123456789" + USCC_LETTERS for c in org_code[:8]):
        return False
    return org_code_check_char(org_code[:8]) == org_code[8]


DEMO_UNIT_ORG_CODE_PREFIX = "999"
"""Organization-code bodies of the demo's government units: 999 and a serial, a range no
authority issues, so a demo unit's code is valid (both check characters) and plainly invented."""


def make_unit_uscc(*, prefix: str, region_code: str, serial: int) -> str:
    """A valid USCC for a demo government unit (GB 32100-2015).

    `prefix` is the registration-authority and kind code: "11" a government organ (机关), "12" a
    public institution (事业单位), "91" a company (企业). The organization code is
    ``DEMO_UNIT_ORG_CODE_PREFIX`` + the 5-digit `serial` with its GB 11714 check character.
    """
    if len(prefix) != 2 or not prefix.isdigit() or len(region_code) != 6 or not region_code.isdigit():
        raise ValueError("invalid prefix or region code")
    if not 0 < serial < 100_000:
        raise ValueError("serial must have at most 5 digits")
    body = f"{DEMO_UNIT_ORG_CODE_PREFIX}{serial:05d}"
    first17 = prefix + region_code + body + org_code_check_char(body)
    return str(stdnum_uscc.validate(first17 + stdnum_uscc.calc_check_digit(first17)))
