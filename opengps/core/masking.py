"""Personal data shown to roles that do not need it in full: one place for how an identity number
is shortened on a screen and how phone numbers, identity numbers and e-mail addresses are taken
out of free text (a complaint, a monitored item). Full reads stay with the services that own the
data, which audit them."""

from __future__ import annotations

import re

from stdnum.cn import ric

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_PHONE = re.compile(
    r"(?<!\d)(?:(?:\+|00)?86[\s\-]?)?1[3-9]\d(?:[\s\-]?\d){8}(?!\d)"  # mobile, 11 digits
    r"|(?<!\d)(?:0\d{2,3}[\s\-－]?|[(（]0\d{2,3}[)）]\s?)\d{7,8}(?!\d)"  # landline with area code
    r"|\d{7,}"  # any other run of seven digits or more: a local number, a card or account number
)
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
HIDDEN = "[已隐去]"
"""What a phone number, identity number or e-mail address in free text becomes."""


def mask_id_number(id_number: str) -> str:
    """``430102********123X``: the region code and the last four characters of a resident identity
    number (GB 11643; spaces and dashes dropped first), the rest starred."""
    number = ric.compact(id_number or "")
    return number[:6] + "*" * 8 + number[-4:]


def mask_personal(text: str) -> str:
    """`text` without identity numbers (15 or 18 characters), phone numbers (mobile, with +86 and
    spaces or dashes; landline with its area code; any other run of seven digits or more) or e-mail
    addresses — what a resident may type into a complaint despite being asked not to. A date
    (2027-03-08) or an amount (1500元) stays."""
    return _EMAIL.sub(HIDDEN, _PHONE.sub(HIDDEN, _ID_NUMBER.sub(HIDDEN, text)))
