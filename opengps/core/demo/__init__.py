"""The demo data set: a plausible Hunan setting built through the real services.

Each app adds its part in `opengps/<app>/demo.py` with a `load(context)` function; this module
runs them in lifecycle order. Loading twice changes nothing.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from opengps.accounts.models import Region, Role, Unit, User
from opengps.accounts.services import regions_load, unit_create, unit_uscc_set, user_create
from opengps.core import calendar_sync, clock
from opengps.core.calendar_sync import holiday_year_register
from opengps.core.models import HolidayYear
from opengps.rules import calendar

DEMO_PASSWORD = "opengps-demo-2026"  # noqa: S105 — public demo credential, printed on purpose


@functools.cache
def demo_password_hash() -> str:
    """The demo password hashed once: PBKDF2 takes ~0.5 s, and every demo account shares it."""
    return make_password(DEMO_PASSWORD)


# Apps that contribute demo data, in lifecycle order.
DEMO_APPS = [
    "opengps.registry",
    "opengps.catalog",
    "opengps.planning",
    "opengps.experts",
    "opengps.procurement",
    "opengps.contracts",
    "opengps.performance",
    "opengps.grants",
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role_label: str
    where: str


@dataclass
class DemoContext:
    """What each app's demo loader receives and fills in."""

    organizations: int
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    extra_logins: list[DemoLogin] = field(default_factory=list)


@dataclass(frozen=True)
class DemoSummary:
    logins: list[DemoLogin]
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.counts.items())


# (key, name, kind, region code, parent key)
UNITS: list[tuple[str, str, str, str, str]] = [
    ("hn_finance", "湖南省财政厅", Unit.Kind.FINANCE, "430000", ""),
    ("hn_civil", "湖南省民政厅", Unit.Kind.CIVIL_AFFAIRS, "430000", ""),
    ("hn_audit", "湖南省审计厅", Unit.Kind.AUDIT, "430000", ""),
    ("hn_ggzy", "湖南省公共资源交易中心", Unit.Kind.AGENCY, "430000", ""),
    ("hn_eval", "湖南湘诚绩效评价咨询有限公司", Unit.Kind.EVALUATOR, "430100", ""),
    ("cs_finance", "长沙市财政局", Unit.Kind.FINANCE, "430100", "hn_finance"),
    ("cs_civil", "长沙市民政局", Unit.Kind.CIVIL_AFFAIRS, "430100", "hn_civil"),
    ("zz_civil", "株洲市民政局", Unit.Kind.CIVIL_AFFAIRS, "430200", "hn_civil"),
    ("hy_civil", "衡阳市民政局", Unit.Kind.CIVIL_AFFAIRS, "430400", "hn_civil"),
    ("yy_civil", "岳阳市民政局", Unit.Kind.CIVIL_AFFAIRS, "430600", "hn_civil"),
    ("xx_civil", "湘西土家族苗族自治州民政局", Unit.Kind.CIVIL_AFFAIRS, "433100", "hn_civil"),
    ("yl_civil", "长沙市岳麓区民政局", Unit.Kind.CIVIL_AFFAIRS, "430104", "cs_civil"),
    ("ll_civil", "浏阳市民政局", Unit.Kind.CIVIL_AFFAIRS, "430181", "cs_civil"),
    ("yl_finance", "长沙市岳麓区财政局", Unit.Kind.FINANCE, "430104", "cs_finance"),
]

# (username, display name, role, unit key)
USERS: list[tuple[str, str, str, str]] = [
    ("admin", "平台管理员", Role.ADMIN, ""),
    ("purchaser", "李明（省民政厅采购经办）", Role.PURCHASER, "hn_civil"),
    ("purchaser_cs", "周洁（长沙市民政局采购经办）", Role.PURCHASER, "cs_civil"),
    ("agency", "陈晓（省公共资源交易中心）", Role.AGENCY, "hn_ggzy"),
    ("finance", "王芳（省财政厅综合处）", Role.FINANCE, "hn_finance"),
    ("registrar", "赵强（省民政厅社会组织管理局）", Role.REGISTRATION, "hn_civil"),
    ("registrar_cs", "刘敏（长沙市民政局社会组织管理科）", Role.REGISTRATION, "cs_civil"),
    ("expert", "孙立平（评审专家）", Role.EXPERT, ""),
    ("evaluator", "钱一（第三方评价机构）", Role.EVALUATOR, "hn_eval"),
    ("auditor", "吴涛（省审计厅）", Role.AUDITOR, "hn_audit"),
]


UNIT_USCC_PREFIX: dict[str, str] = {
    Unit.Kind.INSTITUTION: "12",
    Unit.Kind.AGENCY: "12",
    Unit.Kind.EVALUATOR: "91",
}
"""GB 32100-2015 authority and kind codes of the demo's units: the trading centre is a public
institution (事业单位, 12), the evaluation firms are companies (91), every other unit is a government
organ (机关, 11)."""


def demo_unit(*, name: str, kind: str, region: str, parent: Unit | None, serial: int) -> Unit:
    """The demo unit `name` with a valid, plainly invented 统一社会信用代码 (organization code
    999 + `serial`, unique per demo unit): created, or given its code if an earlier load made it
    without one. Idempotent; a code an administrator has entered is kept."""
    from opengps.registry.demo_names import make_unit_uscc

    uscc = make_unit_uscc(prefix=UNIT_USCC_PREFIX.get(kind, "11"), region_code=region, serial=serial)
    unit = Unit.objects.filter(name=name).first()
    if unit is None:
        return unit_create(
            actor=None, name=name, kind=kind, region=Region.objects.get(pk=region), parent=parent, uscc=uscc
        )
    if not unit.uscc:
        unit = unit_uscc_set(actor=None, unit=unit, uscc=uscc, reason="演示数据：补录统一社会信用代码")
    return unit


def _units(context: DemoContext) -> None:
    for serial, (key, name, kind, region, parent) in enumerate(UNITS, 1):
        context.units[key] = demo_unit(
            name=name, kind=kind, region=region, parent=context.units.get(parent), serial=serial
        )


def _users(context: DemoContext) -> None:
    for username, display, role, unit_key in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None,
                username=username,
                password_hash=demo_password_hash(),
                password_is_public=True,
                role=role,
                display_name=display,
                unit=context.units.get(unit_key),
            )
            if role == Role.ADMIN:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
        context.users[username] = user


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
        _units(context)
        _users(context)
    warnings = _provisional_calendar(context, clock.today())
    modules: list[Any] = [importlib.import_module(f"{app}.demo") for app in DEMO_APPS]
    for module in modules:
        module.load(context)
    for module in modules:  # counts that later stages change are taken at the end
        if hasattr(module, "totals"):
            module.totals(context)
    logins = [
        DemoLogin(u.username, u.role_label, str(u.unit or u.organization or ""))
        for u in context.users.values()
    ] + context.extra_logins
    counts = {"units": len(context.units), "users": len(context.users), **context.counts}
    return DemoSummary(logins=logins, counts=counts, warnings=warnings)
