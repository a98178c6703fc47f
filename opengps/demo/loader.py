"""The demo data set: a plausible Hunan setting built through the real services.

The accounts stage (`opengps.accounts.demo`: units, logins, the `DemoContext` every loader fills)
comes first; then each app adds its part in `opengps/<app>/demo.py` with a `load(context)`
function, run here in lifecycle order. Loading twice changes nothing.
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

from django.db import transaction

from opengps.accounts.demo import DEMO_PASSWORD as DEMO_PASSWORD
from opengps.accounts.demo import DemoContext, DemoLogin, units_load, users_load
from opengps.accounts.demo import DemoSummary as DemoSummary
from opengps.accounts.demo import demo_password_hash as demo_password_hash
from opengps.accounts.services import regions_load
from opengps.core import calendar_sync, clock
from opengps.core.models import HolidayYear
from opengps.rules import calendar
from opengps.stats.services import summaries_refresh
from opengps.workbench.services import holiday_year_register

# Apps that contribute demo data, in lifecycle order.
DEMO_APPS = [
    "opengps.registry",
    "opengps.catalog",
    "opengps.planning",
    "opengps.experts",
    "opengps.procurement",
    "opengps.evaluation",
    "opengps.contracts",
    "opengps.performance",
    "opengps.grants",
    "opengps.emall",
    "opengps.residents",
    "opengps.capacity",
    "opengps.assessment",
    "opengps.opinion",
]


DEMO_YEARS_BACK = 3  # the earliest demo dates: last year's evaluations, the 2023 grants round's agreements

PROVISIONAL_SOURCE = (
    "演示用临时安排：仅含固定日期的法定节假日（元旦、劳动节、国庆节），国务院通知发布后请在管理后台替换"
)


def _provisional_calendar(context: DemoContext, anchor: date) -> list[str]:
    """Demo dates reach from a few years before the anchor (the grants' 2023 round, last year's
    evaluations) to the next year (deadlines counted forward), and may fall in years whose State
    Council holiday notice is not shipped. Production refuses such deadlines (calendar.unknown_year);
    the demo, so that it loads on any date, enters a clearly labelled provisional notice with the
    fixed-date statutory holidays only (全国年节及纪念日放假办法 §2) for each such year and says so.
    It never replaces a notice an administrator entered."""
    warnings = []
    calendar_sync.load_stored_years()
    for year in range(anchor.year - DEMO_YEARS_BACK, anchor.year + 2):
        if year in calendar.known_years() or HolidayYear.objects.filter(year=year).exists():
            continue
        holidays = [
            date(year, 1, 1),
            date(year, 5, 1),
            date(year, 5, 2),
            *(date(year, 10, d) for d in (1, 2, 3)),
        ]
        holiday_year_register(
            actor=context.users["admin"],
            year=year,
            holidays=[d.isoformat() for d in holidays],
            workdays=[],
            source=PROVISIONAL_SOURCE,
        )
        warnings.append(
            f"{year} 年节假日安排尚未录入：演示数据使用临时日历（仅固定日期节假日），"
            "请在管理后台录入国务院通知 / "
            f"no State Council holiday notice for {year} yet: the demo entered a provisional calendar "
            "(fixed-date holidays only); enter the notice in the admin site"
        )
    # In force in this process now, also when the caller's transaction has not committed yet
    # (holiday_year_register reloads on commit).
    calendar_sync.load_stored_years()
    return warnings


def load_demo(*, organizations: int = 300) -> DemoSummary:
    """Load (or top up) the demo. Every date in it is relative to one anchor, today on the one clock
    (`opengps.core.clock`); the live procurements' bid deadlines are on the database clock, which on
    SQLite is the same process clock and on PostgreSQL the server's."""
    context = DemoContext(organizations=organizations)
    with transaction.atomic():
        regions_load()
        units_load(context)
        users_load(context)
    warnings = _provisional_calendar(context, clock.today())
    modules: list[Any] = [importlib.import_module(f"{app}.demo") for app in DEMO_APPS]
    for module in modules:
        module.load(context)
    for module in modules:  # counts that later stages change are taken at the end
        if hasattr(module, "totals"):
            module.totals(context)
    summaries_refresh(actor=None)  # the statistics dashboards show the demo's figures
    logins = [
        DemoLogin(u.username, u.role_label, str(u.unit or u.organization or ""))
        for u in context.users.values()
    ] + context.extra_logins
    counts = {"units": len(context.units), "users": len(context.users), **context.counts}
    return DemoSummary(logins=logins, counts=counts, warnings=warnings, notes=context.notes)
