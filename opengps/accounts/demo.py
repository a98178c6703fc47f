"""The accounts stage of the demo: units, one login per role, and what every app's demo loader
receives (`DemoContext`) — the types and the shared password live here, below every domain app."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password

from opengps.accounts.models import Region, Role, Unit, User
from opengps.accounts.services import unit_create, unit_uscc_set, user_create
from opengps.core.identifiers import make_unit_uscc

DEMO_PASSWORD = "opengps-demo-2026"  # noqa: S105 — public demo credential, printed on purpose


@functools.cache
def demo_password_hash() -> str:
    """The demo password hashed once: PBKDF2 takes ~0.5 s, and every demo account shares it."""
    return make_password(DEMO_PASSWORD)


def demo_account_create(username: str, role: str, display_name: str, **where: Any) -> User:
    """A demo login with the public demo password; `where` is its ``unit`` or ``organization``."""
    return user_create(
        actor=None,
        username=username,
        password_hash=demo_password_hash(),
        password_is_public=True,
        role=role,
        display_name=display_name,
        **where,
    )


def demo_account(username: str, role: str, display_name: str, **where: Any) -> User:
    """The demo login `username`: the one an earlier load made, else a new one (`demo_account_create`)."""
    return User.objects.filter(username=username).first() or demo_account_create(
        username, role, display_name, **where
    )


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
    notes: list[str] = field(default_factory=list)  # shown once by `opengps demo` (a partner key's secret)


@dataclass(frozen=True)
class DemoSummary:
    logins: list[DemoLogin]
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

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
    uscc = make_unit_uscc(prefix=UNIT_USCC_PREFIX.get(kind, "11"), region_code=region, serial=serial)
    unit = Unit.objects.filter(name=name).first()
    if unit is None:
        return unit_create(
            actor=None, name=name, kind=kind, region=Region.objects.get(pk=region), parent=parent, uscc=uscc
        )
    if not unit.uscc:
        unit = unit_uscc_set(actor=None, unit=unit, uscc=uscc, reason="演示数据：补录统一社会信用代码")
    return unit


def units_load(context: DemoContext) -> None:
    """The demo's government units, each with its invented, valid USCC."""
    for serial, (key, name, kind, region, parent) in enumerate(UNITS, 1):
        context.units[key] = demo_unit(
            name=name, kind=kind, region=region, parent=context.units.get(parent), serial=serial
        )


def users_load(context: DemoContext) -> None:
    """One login per role, all sharing the public demo password."""
    demo_users(context, USERS)


def demo_users(context: DemoContext, rows: Iterable[tuple[str, str, str, str]]) -> None:
    """Each ``(username, display name, role, unit key)`` of `rows` as a login with the public demo
    password (made once: a second load finds it), into `context.users`; an administrator is staff."""
    for username, display, role, unit_key in rows:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = demo_account_create(username, role, display, unit=context.units.get(unit_key))
            if role == Role.ADMIN:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
        context.users[username] = user
