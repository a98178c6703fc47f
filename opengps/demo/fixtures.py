"""The world as pytest fixtures (a plugin the root conftest loads): thin wrappers over
`opengps.demo.world`, one per builder, visible to every app's tests — no app imports another's conftest.

An app's conftest adds what only it needs, overrides a fixture where its world differs (the experts'
agency, the grants' organizations), and turns on the per-app autouse ones (`fresh_registry_caches`,
the root conftest's `next_year_calendar`). The world is imported inside each fixture: the pure rules
tests run this plugin without Django.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from opengps.accounts.models import Unit, User
    from opengps.catalog.models import CatalogVersion
    from opengps.contracts.models import Contract
    from opengps.demo.world import BudgetLines, Experts, Organizations, Plans, Projects, Units, Users
    from opengps.evaluation.models import Award
    from opengps.experts.models import Draw
    from opengps.performance.models import IndicatorTemplate, PerformanceEvaluation
    from opengps.procurement.models import Procurement


# --- regions, units, users ---------------------------------------------------------------------


@pytest.fixture
def regions(db: Any) -> None:
    from opengps.accounts.services import regions_load

    regions_load()


@pytest.fixture
def units(regions: None) -> Units:
    from opengps.demo import world

    return world.units_create()


@pytest.fixture
def make_user(units: Units) -> Users:
    """`make_user(role, unit="civil", organization=None, username="")`: the next account of `role`."""
    from opengps.demo import world

    return world.Users(units)


@pytest.fixture
def registrar(make_user: Users) -> User:
    return make_user("registration")


@pytest.fixture
def auditor(make_user: Users) -> User:
    return make_user("auditor", unit="audit")


@pytest.fixture
def purchaser(make_user: Users) -> User:
    return make_user("purchaser")


@pytest.fixture
def finance(make_user: Users) -> User:
    return make_user("finance", unit="finance")


@pytest.fixture
def finance_user(make_user: Users) -> User:
    """A finance official (another account than `finance`, for tests that need both)."""
    return make_user("finance", unit="finance")


@pytest.fixture
def head(make_user: Users) -> User:
    """The head of the provincial civil-affairs department (a second purchaser of the unit)."""
    return make_user("purchaser", username="head")


@pytest.fixture
def admin_user(make_user: Users) -> User:
    from opengps.demo import world

    return world.admin_create(make_user)


@pytest.fixture
def agency_unit(units: Units) -> Unit:
    from opengps.demo import world

    return world.agency_unit_create()


@pytest.fixture
def agency(agency_unit: Unit) -> User:
    from opengps.demo import world

    return world.agency_create(agency_unit)


@pytest.fixture
def evaluator_unit(regions: None) -> Unit:
    from opengps.demo import world

    return world.evaluator_unit_create()


@pytest.fixture
def evaluator_user(evaluator_unit: Unit, units: Units) -> User:
    from opengps.demo import world

    return world.evaluator_create(evaluator_unit)


# --- registry ----------------------------------------------------------------------------------


@pytest.fixture
def fresh_registry_caches() -> None:
    """Per-process caches (match counts, the stale check throttle) must not leak between tests;
    autouse in the apps whose conftest asks for it."""
    from django.core.cache import cache

    from opengps.registry import derived

    cache.clear()
    derived._LAST_CHECK["at"] = -1e9


@pytest.fixture
def make_org(registrar: User) -> Organizations:
    """`make_org(actor=registrar, serial=n, **overrides)`: the next organization with a valid code."""
    from opengps.demo import world

    return world.Organizations(registrar)


@pytest.fixture
def suppliers(make_org: Organizations, make_user: Users) -> list[User]:
    """Five eligible organizations, one member each (user.organization)."""
    from opengps.demo import world

    return world.suppliers_create(make_org, make_user)


# --- catalogue and planning --------------------------------------------------------------------


@pytest.fixture
def small_catalogue(finance: User) -> CatalogVersion:
    from opengps.demo import world

    return world.catalogue_publish(finance)


@pytest.fixture
def make_line(purchaser: User, finance: User) -> BudgetLines:
    from opengps.demo import world

    return world.BudgetLines(purchaser, finance)


@pytest.fixture
def make_project(purchaser: User, head: User, finance: User, small_catalogue: CatalogVersion) -> Projects:
    from opengps.demo import world

    return world.Projects(purchaser, head, finance, small_catalogue)


@pytest.fixture
def filing_day(clock_at: Callable[..., None]) -> Callable[..., None]:
    """`filing_day(PLAN_TODAY)` pins the clock on the day plans are filed; `filing_day(None)` returns
    to the real clock, on which procurements run (bid deadlines are judged by the database clock)."""
    return clock_at


@pytest.fixture
def make_plan(
    purchaser: User,
    finance: User,
    make_line: BudgetLines,
    make_project: Projects,
    filing_day: Callable[..., None],
) -> Plans:
    """`make_plan(method, amount=…, **facts)`: a plan whose intention has run (`procurement_create` next)."""
    from opengps.demo import world

    return world.Plans(
        purchaser=purchaser, finance=finance, lines=make_line, projects=make_project, pin=filing_day
    )


# --- procurement, evaluation, contracts, performance ------------------------------------------


@pytest.fixture
def make_expert(finance: User) -> Experts:
    """Register an expert: qualified (高级, born 1975) in 养老服务 (A04), Changsha, unless overridden."""
    from opengps.demo import world

    return world.Experts(finance)


@pytest.fixture
def opened(purchaser: User, make_plan: Plans, suppliers: list[User]) -> Procurement:
    """An open tender with a 5000-yuan deposit, opened with three valid bids."""
    from opengps.demo import world

    return world.procurement_opened(purchaser=purchaser, plan=make_plan("open_tender"), suppliers=suppliers)


@pytest.fixture
def committee(opened: Procurement, purchaser: User, make_expert: Experts, make_user: Users) -> Draw:
    """A draw of 5 experts for `opened`, all accepted; returns the draw with `.users` in member order."""
    from opengps.demo import world

    return world.committee_draw(procurement=opened, purchaser=purchaser, experts=make_expert, users=make_user)


@pytest.fixture
def award(purchaser: User, opened: Procurement, committee: Draw) -> Award:
    """The announced award of `opened` (winner: the 268000-yuan bid)."""
    from opengps.demo import world

    return world.award_announced(purchaser, opened, committee)


@pytest.fixture
def winner_user(award: Award, suppliers: list[User]) -> User:
    """The supplier account of the winning organization."""
    assert award.winner is not None
    return next(u for u in suppliers if u.organization_id == award.winner.organization_id)


@pytest.fixture
def make_contract(purchaser: User, award: Award) -> Callable[..., Contract]:
    """`make_contract(**overrides)`: the award's contract (a year from 60 days ago, unless overridden)."""
    from opengps.demo import world

    def make(**overrides: Any) -> Contract:
        return world.contract_drafted(purchaser=purchaser, award=award, **overrides)

    return make


@pytest.fixture
def contract(purchaser: User, make_contract: Callable[..., Contract]) -> Contract:
    """A signed and published contract of the announced award."""
    from opengps.demo import world

    return world.contract_published(purchaser, make_contract())


@pytest.fixture
def template(finance_user: User) -> IndicatorTemplate:
    from opengps.demo import world

    return world.template_create(finance_user)


@pytest.fixture
def evaluation(
    purchaser: User, contract: Contract, template: IndicatorTemplate, evaluator_unit: Unit
) -> PerformanceEvaluation:
    """The performance evaluation (2025年度) of `contract`, by the third-party evaluator."""
    from opengps.demo import world

    return world.performance_evaluation_open(purchaser=purchaser, contract=contract, evaluator=evaluator_unit)
