"""The workbench's error codes (STYLE: codes as data). Messages stay beside each raise, where their
parameters are; codes that the rules raise (`calendar.*` of `opengps.rules.calendar` and
`opengps.rules.holiday_notice`) pass through unchanged and are declared there."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Stable codes the workbench's screens, selectors and services refuse with."""

    AUDIT_READ_DENIED = "audit.read_denied"
    """The role may not read audit records (only auditors, finance, registration and administrators)."""
    AUDIT_OUT_OF_REGION = "audit.out_of_region"
    """The object belongs to a unit outside the reader's region."""
    NOTICE_BAD_YEAR = "calendar.notice_bad_year"
    """The year typed beside a pasted holiday notice is not a four-digit year in 2000–2100."""
    NOTICE_REQUIRED = "calendar.notice_required"
    """Nothing was pasted."""
    NOTICE_TOO_LONG = "calendar.notice_too_long"
    """More than a notice was pasted (20,000 characters at most)."""
    NOTICE_OTHER_YEAR = "calendar.notice_other_year"
    """The notice names days outside its own year."""
    BAD_DATE = "calendar.bad_date"
    """A holiday or working day entered by hand is not YYYY-MM-DD."""
