"""Regions, units and users by role; organizations with valid codes and their supplier members."""

from __future__ import annotations

from datetime import date
from typing import Any

from opengps.accounts.models import Region, Unit, User
from opengps.accounts.services import unit_create, user_create
from opengps.demo.world._base import TEST_PASSWORD, Units
from opengps.registry.demo_names import make_uscc
from opengps.registry.models import Organization
from opengps.registry.services import organization_create


def units_create() -> Units:
    """The province's finance, civil-affairs and audit departments, and a city bureau (regions loaded)."""
    province = Region.objects.get(pk="430000")
    changsha = Region.objects.get(pk="430100")
    finance = unit_create(actor=None, name="湖南省财政厅", kind=Unit.Kind.FINANCE, region=province)
    civil = unit_create(actor=None, name="湖南省民政厅", kind=Unit.Kind.CIVIL_AFFAIRS, region=province)
    cs_civil = unit_create(
        actor=None, name="长沙市民政局", kind=Unit.Kind.CIVIL_AFFAIRS, region=changsha, parent=civil
    )
    audit = unit_create(actor=None, name="湖南省审计厅", kind=Unit.Kind.AUDIT, region=province)
    return {"finance": finance, "civil": civil, "cs_civil": cs_civil, "audit": audit}


class Users:
    """`users(role, unit="civil")` creates the next account of `role` (`<role><n>` unless named)."""

    def __init__(self, units: Units, *, password: str = TEST_PASSWORD) -> None:
        self.units = units
        self.password = password
        self.count = 0

    def __call__(
        self,
        role: str,
        *,
        unit: str | None = "civil",
        organization: Organization | None = None,
        username: str = "",
    ) -> User:
        self.count += 1
        return user_create(
            actor=None,
            username=username or f"{role}{self.count}",
            password=self.password,
            role=role,
            unit=self.units[unit] if unit else None,
            organization=organization,
        )


def admin_create(users: Users) -> User:
    """A platform administrator (superuser and staff)."""
    user = users("admin", unit=None)
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


def agency_unit_create(name: str = "湖南省采购代理中心") -> Unit:
    """A procurement agency of the province."""
    return unit_create(actor=None, name=name, kind=Unit.Kind.AGENCY, region=Region.objects.get(pk="430000"))


def agency_create(unit: Unit, *, username: str = "agency1", password: str = TEST_PASSWORD) -> User:
    return user_create(actor=None, username=username, password=password, role="agency", unit=unit)


def evaluator_unit_create() -> Unit:
    """A third-party performance evaluator in Changsha."""
    return unit_create(
        actor=None,
        name="湖南明鉴绩效评价事务所",
        kind=Unit.Kind.EVALUATOR,
        region=Region.objects.get(pk="430100"),
    )


def evaluator_create(unit: Unit, *, username: str = "evaluator1", password: str = TEST_PASSWORD) -> User:
    return user_create(actor=None, username=username, password=password, role="evaluator", unit=unit)


# ---------------------------------------------------------------------------------------------
# Organizations


def uscc_for(serial: int, region: str = "430100", kind: str = "2") -> str:
    """A valid unified social credit code (check digit included) of a social organization."""
    return make_uscc(kind_code=kind, region_code=region, serial=serial)


class Organizations:
    """`orgs(**overrides)` registers the next social service agency in 岳麓区 (`…中心<n>`)."""

    def __init__(self, registrar: User) -> None:
        self.registrar = registrar
        self.count = 0

    def __call__(
        self, *, actor: User | None = None, serial: int | None = None, **overrides: Any
    ) -> Organization:
        self.count += 1
        n = serial if serial is not None else self.count
        values: dict[str, Any] = {
            "name": f"长沙市阳光养老服务中心{n}",
            "uscc": uscc_for(n),
            "org_type": "social_service_agency",
            "region": "430104",
            "founded_on": date(2015, 3, 1),
            "legal_representative": "张伟",
            "address": "长沙市岳麓区麓山路1号",
        }
        values.update(overrides)
        return organization_create(actor=actor or self.registrar, **values)


def suppliers_create(orgs: Organizations, users: Users, count: int = 5) -> list[User]:
    """`count` eligible organizations, one supplier member each (user.organization)."""
    return [users("supplier", unit=None, organization=orgs()) for _n in range(count)]
