"""The world builder: one lifecycle built through the public services, shared by the tests' fixtures
(`opengps.demo.fixtures`), the benchmarks and whoever needs a small plausible setting.

Regions, units and users by role; organizations with valid codes; a published catalogue; approved
budget lines and projects; plans whose intention has run; procurements announced, bid on and
opened; a drawn committee; an announced award; a contract; a performance evaluation; and a grants
round with its funder, audit firm, applicants and panel. Every builder names its actors; builders
that count (`Users`, `Organizations`, `Plans`, …) are small callables holding their counter.

Plans are filed on a fixed day (`PLAN_TODAY`) while procurements run on the real clock, because
the bid deadline is judged by the database clock: `Plans` takes a `DayPin` that moves the one clock
(the tests pass their time-machine pin, the benchmarks `simulated_days()`).
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.utils import timezone

from opengps.accounts.models import Region, Unit, User
from opengps.accounts.services import unit_create, user_create
from opengps.catalog.models import CatalogVersion, ItemKind
from opengps.catalog.services import (
    CatalogueContent,
    ItemRow,
    PriceRow,
    catalog_content_replace,
    catalog_version_create,
    catalog_version_publish,
)
from opengps.contracts import services as contract_services
from opengps.contracts.models import Contract
from opengps.core import clock
from opengps.evaluation import services as evaluation_services
from opengps.evaluation.models import Award
from opengps.experts.identity import make_id_number
from opengps.experts.models import Draw, Expert
from opengps.experts.services import draw_create, draw_member_respond, expert_register
from opengps.grants.models import Programme, Round
from opengps.grants.services import programme_create, round_create, round_publish
from opengps.performance import services as performance_services
from opengps.performance.models import IndicatorTemplate, PerformanceEvaluation
from opengps.planning import services as planning_services
from opengps.planning.models import BudgetLine, FundSource, Project, PurchasePlan
from opengps.procurement import services as procurement_services
from opengps.procurement.models import BidReadout, Procurement
from opengps.procurement.services import BidAck, BidFileInput
from opengps.registry.demo_names import make_uscc
from opengps.registry.models import Organization
from opengps.registry.services import credit_list, organization_create, rating_record

SHANGHAI: Final = ZoneInfo("Asia/Shanghai")
TEST_PASSWORD: Final = "test-password-123"  # noqa: S105 — the world's accounts are throwaway

# ---------------------------------------------------------------------------------------------
# The pinned days

TODAY: Final = date(2026, 3, 2)
"""Planning's fixed today: a Monday the shipped calendar knows."""
PLAN_TODAY: Final = date(2025, 3, 3)
"""The day plans are filed: a Monday, > 30 days before any date the suite may run on (2026-)."""
PLAN_START: Final = date(2025, 4, 14)
"""When the plans' procurements may start."""

# ---------------------------------------------------------------------------------------------
# Regions, units, users

DayPin = Callable[[date | None], None]
"""Moves the one clock to a day (`None`: back to the real clock)."""


def simulated_days() -> DayPin:
    """A `DayPin` on the one clock's simulated today (`clock.simulated_today`, as the demo files its
    plans); the tests pin the whole clock with time-machine instead."""
    stack = ExitStack()

    def pin(day: date | None) -> None:
        stack.close()
        if day is not None:
            stack.enter_context(clock.simulated_today(day))

    return pin


Units = dict[str, Unit]
"""The world's units by key: finance, civil (湖南省民政厅), cs_civil (长沙市民政局, under civil), audit."""


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


# ---------------------------------------------------------------------------------------------
# Catalogue and planning

SMALL_CATALOGUE: Final = CatalogueContent(
    items=(
        ItemRow("A", "公共服务", 1, ""),
        ItemRow("A04", "养老服务", 2, "A"),
        ItemRow("A0401", "居家养老上门服务", 3, "A04"),
        ItemRow("A0402", "社区日间照料服务", 3, "A04"),
        ItemRow("A09", "社会工作服务", 2, "A"),
        ItemRow("A0901", "乡镇（街道）社工站运营服务", 3, "A09"),
        ItemRow("B", "政府履职所需辅助性服务", 1, ""),
        ItemRow("B02", "政府委托的评估评价服务", 2, "B"),
        ItemRow("B0201", "绩效评价服务", 3, "B02"),
        ItemRow("N05", "购买主体的人员招、聘用，以劳务派遣方式用工", 1, "", ItemKind.NEGATIVE),
    ),
    prices=(
        PriceRow("A0401", "人·次", Decimal("60.00")),
        PriceRow("A0401", "户·月", Decimal("300.00"), "含助餐"),
        PriceRow("B0201", "项", Decimal("50000.00")),
    ),
)


def catalogue_publish(
    finance: User,
    *,
    content: CatalogueContent = SMALL_CATALOGUE,
    year: int = 2026,
    title: str = "湖南省政府购买服务指导性目录（测试）",
) -> CatalogVersion:
    """A published guiding catalogue (by default the small one: elderly care, social work, evaluation)."""
    version = catalog_version_create(actor=finance, year=year, title=title)
    catalog_content_replace(actor=finance, version=version, content=content)
    return catalog_version_publish(actor=finance, version=version)


def budget_line_approved(
    *,
    purchaser: User,
    finance: User,
    code: str,
    amount: str = "500000",
    year: int = 2026,
    approve: bool = True,
) -> BudgetLine:
    """A general-fund line of the purchaser's unit for 居家养老服务补助, submitted and approved
    (unless `approve=False`)."""
    assert purchaser.unit is not None, "a purchaser belongs to a unit"
    line = planning_services.budget_line_create(
        actor=purchaser,
        unit=purchaser.unit,
        fiscal_year=year,
        code=code,
        name="居家养老服务补助",
        fund_source=FundSource.GENERAL,
        amount=amount,
    )
    line = planning_services.budget_line_submit(actor=purchaser, line=line)
    return planning_services.budget_line_approve(actor=finance, line=line) if approve else line


class BudgetLines:
    """`lines(amount)` creates the next approved line (`430000-MZ-<nnn>`)."""

    def __init__(self, purchaser: User, finance: User) -> None:
        self.purchaser = purchaser
        self.finance = finance
        self.count = 0

    def __call__(self, amount: str = "500000", *, approve: bool = True, year: int = 2026) -> BudgetLine:
        self.count += 1
        return budget_line_approved(
            purchaser=self.purchaser,
            finance=self.finance,
            code=f"430000-MZ-{self.count:03d}",
            amount=amount,
            year=year,
            approve=approve,
        )


def project_approved(
    *,
    purchaser: User,
    head: User,
    finance: User,
    catalogue: CatalogVersion,
    amount: str = "300000",
    item: str = "A0401",
    name: str = "岳麓区居家养老上门服务",
    approve: bool = True,
    **extra: Any,
) -> Project:
    """A 2026 home-care project for the province, with its demand survey, approved by the unit's
    head and the finance department (unless `approve=False`: proposed only)."""
    project = planning_services.project_propose(
        actor=purchaser,
        fiscal_year=2026,
        name=name,
        items=[catalogue.items.get(code=item)],
        description="为特困、低保老年人提供助餐、助洁、助浴等上门服务",
        quantity="1200",
        quantity_unit="人·月",
        estimated_amount=amount,
        recipients="辖区60周岁以上特困、低保老年人",
        area=Region.objects.get(pk="430000"),
        term_start=date(2026, 5, 1),
        term_end=date(2026, 12, 31),
        **extra,
    )
    if not approve:
        return project
    planning_services.demand_survey_record(
        actor=purchaser,
        project=project,
        method="questionnaire",
        conducted_on=date(2026, 2, 10),
        respondents=120,
        findings="老年人最需要助餐和助洁服务",
    )
    planning_services.project_submit(actor=purchaser, project=project)
    planning_services.project_approve_unit(actor=head, project=project)
    return planning_services.project_approve(actor=finance, project=project)


class Projects:
    """`projects(amount, item=…)` proposes (and by default approves) a project of the catalogue."""

    def __init__(self, purchaser: User, head: User, finance: User, catalogue: CatalogVersion) -> None:
        self.purchaser = purchaser
        self.head = head
        self.finance = finance
        self.catalogue = catalogue

    def __call__(
        self, amount: str = "300000", *, item: str = "A0401", approve: bool = True, **extra: Any
    ) -> Project:
        return project_approved(
            purchaser=self.purchaser,
            head=self.head,
            finance=self.finance,
            catalogue=self.catalogue,
            amount=amount,
            item=item,
            approve=approve,
            **extra,
        )


def plan_ready(
    *,
    purchaser: User,
    finance: User,
    project: Project,
    line: BudgetLine,
    method: str = "open_tender",
    starts_on: date = PLAN_START,
    facts: Mapping[str, bool] | None = None,
) -> PurchasePlan:
    """File, submit (finance approves the method where the law asks) and publish the intention of a
    plan; run on a day at least 30 days before the procurement is created, so the intention has run."""
    plan = planning_services.plan_create(
        actor=purchaser,
        project=project,
        budget_line=line,
        method=method,
        procurement_starts_on=starts_on,
        facts=dict(facts) if facts else None,
        requirements="为辖区老年人提供助餐、助洁服务",
    )
    plan = planning_services.plan_submit(actor=purchaser, plan=plan)
    if plan.status == "pending_approval":
        plan = planning_services.plan_approve_method(actor=finance, plan=plan, note="同意")
    planning_services.intention_publish(actor=purchaser, plan=plan)
    plan.refresh_from_db()
    return plan


class Plans:
    """`plans(method, amount=…, **facts)`: a plan whose intention has run, ready for
    `procurement_create`. Filed on `PLAN_TODAY` (through `pin`), then back on the real clock."""

    ITEMS: Final = ("A0401", "A0402", "A0901", "B0201")

    def __init__(
        self, *, purchaser: User, finance: User, lines: BudgetLines, projects: Projects, pin: DayPin
    ) -> None:
        self.purchaser = purchaser
        self.finance = finance
        self.lines = lines
        self.projects = projects
        self.pin = pin
        self.count = 0

    def __call__(self, method: str = "open_tender", *, amount: str = "300000", **facts: bool) -> PurchasePlan:
        self.count += 1
        n = self.count
        self.pin(PLAN_TODAY)
        project = self.projects(amount, item=self.ITEMS[n % 4], name=f"居家养老上门服务{n}")
        plan = plan_ready(
            purchaser=self.purchaser,
            finance=self.finance,
            project=project,
            line=self.lines(str(int(amount) * 2)),
            method=method,
            facts=facts,
        )
        self.pin(None)  # procurements run on the real clock
        return plan


# ---------------------------------------------------------------------------------------------
# Procurement: bid files, announcement, bids, opening

PDF: Final = b"%PDF-1.7\n" + "投标文件 技术响应 唯一标记 TECH-SECRET-7731".encode() + b"\n%%EOF\n"
OPENED_PRICES: Final = ("268000", "275000", "290000")
"""The three bids of `procurement_opened`; the cheapest wins `award_announced`."""


def xlsx_bytes(text: str = "报价 268000.00") -> bytes:
    """A minimal workbook (a zip with the parts the upload check looks for) carrying `text`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", f"<workbook>{text}</workbook>")
    return buffer.getvalue()


_bidder_numbers = itertools.count(1)


def bid_files(marker: str = "QUAL-SECRET-4410", *, same_as: str | None = None) -> list[BidFileInput]:
    """One bidder's three files, carrying the secret markers; each call's files differ in content
    (as two bidders' documents do), unless `same_as` names the copy to repeat exactly."""
    copy = str(next(_bidder_numbers)) if same_as is None else f"shared-{same_as}"
    tag = f"BIDDER-COPY-{copy}".encode()
    return [
        BidFileInput(
            "qualification", "资格证明.pdf", b"%PDF-1.4\n" + marker.encode() + b"\n" + tag + b"\n%%EOF"
        ),
        BidFileInput("technical", "技术响应.pdf", PDF.replace(b"\n%%EOF", b"\n" + tag + b"\n%%EOF")),
        BidFileInput("price_schedule", "报价表.xlsx", xlsx_bytes(f"报价 268000.00 {tag.decode()}")),
    ]


def real_now() -> datetime:
    """The real moment (bid deadlines are judged by the database clock, not a pinned one)."""
    return timezone.now()


def announce_times(days_ago: int = 40, ahead: timedelta = timedelta(hours=1)) -> tuple[datetime, datetime]:
    """(issue time far enough back that any method's period has run, a deadline `ahead` of the real clock)."""
    now = real_now()
    return now - timedelta(days=days_ago), now + ahead


def procurement_announced(
    *,
    purchaser: User,
    plan: PurchasePlan,
    days_ago: int = 40,
    ahead: timedelta = timedelta(hours=1),
    deposit: str | None = None,
) -> Procurement:
    """The plan's procurement, announced `days_ago` with its deadline `ahead` of the real clock."""
    procurement = procurement_services.procurement_create(actor=purchaser, plan=plan, documents="招标文件")
    issued, deadline = announce_times(days_ago, ahead)
    return procurement_services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, bid_deposit=deposit, now=issued
    )


def bid_place(*, supplier: User, procurement: Procurement, price: str, **details: Any) -> BidAck:
    """The supplier obtains the documents and bids `price` on lot 1 with fresh files (`details`:
    the bid's source and contact, as `bid_submit` takes them)."""
    procurement_services.documents_obtain(actor=supplier, procurement=procurement)
    lot = procurement.lots.get(number=1)
    return procurement_services.bid_submit(
        actor=supplier, lot=lot, price_total=price, files=bid_files(), **details
    )


def procurement_open_after_deadline(*, purchaser: User, procurement: Procurement) -> Procurement:
    """Open the bids a minute after the deadline."""
    procurement.refresh_from_db()
    assert procurement.bid_deadline is not None
    procurement_services.procurement_open(
        actor=purchaser, procurement=procurement, now=procurement.bid_deadline + timedelta(minutes=1)
    )
    procurement.refresh_from_db()
    return procurement


def procurement_opened(
    *,
    purchaser: User,
    plan: PurchasePlan,
    suppliers: Sequence[User],
    prices: Sequence[str] = OPENED_PRICES,
    days_ago: int = 40,
    deposit: str | None = "5000",
) -> Procurement:
    """An open tender announced `days_ago`, one bid per price from the first suppliers, opened."""
    procurement = procurement_announced(purchaser=purchaser, plan=plan, days_ago=days_ago, deposit=deposit)
    for supplier, price in zip(suppliers, prices, strict=False):
        bid_place(supplier=supplier, procurement=procurement, price=price)
    return procurement_open_after_deadline(purchaser=purchaser, procurement=procurement)


# ---------------------------------------------------------------------------------------------
# Experts, committee, award


class Experts:
    """`experts(**overrides)` registers the next expert: qualified (高级, born 1975) in 养老服务 (A04),
    Changsha, unless overridden (`actor` too: by default the finance department)."""

    def __init__(self, finance: User) -> None:
        self.finance = finance
        self.count = 0

    def __call__(
        self, *, birth_date: date = date(1975, 5, 1), region: str = "430104", **overrides: Any
    ) -> Expert:
        self.count += 1
        n = self.count
        actor = overrides.pop("actor", self.finance)
        values: dict[str, Any] = {
            "name": f"专家{n:03d}",
            "id_number": make_id_number(region_code="430102", birth_date=birth_date, serial=n),
            "phone": f"1380731{n:04d}",
            "title_level": "senior",
            "title_obtained_on": date(2010, 1, 1),
            "field_since": date(1998, 7, 1),
            "region": Region.objects.get(pk=region),
            "specialties": ["A04"],
        }
        values.update(overrides)
        return expert_register(actor=actor, **values)


def committee_draw(
    *,
    procurement: Procurement,
    purchaser: User,
    experts: Experts,
    users: Users,
    pool: int = 7,
    needed: int = 5,
) -> Draw:
    """A draw of `needed` experts (out of a pool of `pool` with accounts) for `procurement`, all
    accepted; the draw carries `.users`, the members' accounts in member order."""
    for _n in range(pool):
        experts(user=users("expert", unit=None))
    draw = draw_create(
        actor=purchaser,
        procurement_ref=procurement.reference,
        title=procurement.title,
        purchaser_unit=procurement.purchaser,
        category="A04",
        method="open_tender",
        budget=procurement.budget,
        needed=needed,
        bidders=[],
    )
    members = []
    for member in draw.members.order_by("order"):
        assert member.expert.user is not None
        draw_member_respond(actor=member.expert.user, member=member, accept=True, no_conflict_confirmed=True)
        members.append(member.expert.user)
    draw.users = members  # type: ignore[attr-defined]
    return draw


FACTORS: Final = (
    evaluation_services.FactorInput("tech", "服务方案", Decimal("50")),
    evaluation_services.FactorInput("team", "人员配备", Decimal("20")),
)


def award_announced(
    purchaser: User, procurement: Procurement, committee: Draw, *, announce: bool = True
) -> Award:
    """Evaluate `procurement` (every member scores the cheapest bid best), confirm and announce."""
    members: list[User] = committee.users  # type: ignore[attr-defined]
    evaluation = evaluation_services.evaluation_start(
        actor=purchaser, procurement=procurement, draw=committee, factors=list(FACTORS), price_weight="0.30"
    )
    bids = list(BidReadout.objects.filter(opening__procurement=procurement).order_by("price_total"))
    for user in members:
        evaluation_services.member_confirm_no_conflict(actor=user, evaluation=evaluation, no_conflict=True)
    for bid in bids:
        evaluation_services.review_record(
            actor=members[0],
            evaluation=evaluation,
            readout=bid,
            kind="qualification",
            requirement="具有独立承担民事责任的能力",
            passed=True,
        )
    for user in members:
        evaluation_services.scores_submit(
            actor=user,
            evaluation=evaluation,
            scores={bid.pk: {"tech": str(45 - 3 * b), "team": str(18 - b)} for b, bid in enumerate(bids)},
        )
    evaluation_services.evaluation_report_build(actor=members[0], evaluation=evaluation)
    for user in members:
        evaluation_services.evaluation_report_confirm(actor=user, evaluation=evaluation)
    award = Award.objects.get(evaluation=evaluation)
    evaluation_services.award_confirm(actor=purchaser, award=award)
    if announce:
        evaluation_services.award_announce(actor=purchaser, procurement=procurement)
    award.refresh_from_db()
    return award


# ---------------------------------------------------------------------------------------------
# Contracts and performance


def contract_drafted(*, purchaser: User, award: Award, **overrides: Any) -> Contract:
    """The award's outsourcing contract: a year from 60 days ago, a 20,000-yuan bond, two indicators."""
    start = timezone.localdate() - timedelta(days=60)
    data: dict[str, Any] = {
        "kind": "outsourcing",
        "starts_on": start,
        "ends_on": start + timedelta(days=364),
        "performance_bond": "20000",
        "indicators": [
            {"code": "visits", "name": "上门服务人次", "target": "1200", "unit": "人次"},
            {"code": "satisfaction", "name": "服务对象满意度", "target": "90", "unit": "%"},
        ],
    }
    data.update(overrides)
    return contract_services.contract_create_from_award(actor=purchaser, award=award, **data)


def contract_published(purchaser: User, contract: Contract) -> Contract:
    contract = contract_services.contract_sign(actor=purchaser, contract=contract)
    return contract_services.contract_publish(actor=purchaser, contract=contract)


INDICATORS: Final[list[dict[str, Any]]] = [
    {"code": "output", "name": "产出", "weight": "60"},
    {"code": "quantity", "name": "数量", "weight": "50", "parent": "output"},
    {"code": "quality", "name": "质量", "weight": "50", "parent": "output"},
    {
        "code": "quality.rate",
        "name": "服务达标率",
        "weight": "40",
        "parent": "quality",
        "guide": [{"minimum": "95", "points": "100"}, {"minimum": "85", "points": "80"}],
    },
    {"code": "quality.complaints", "name": "有效投诉处理", "weight": "60", "parent": "quality"},
    {"code": "benefit", "name": "效益", "weight": "30"},
    {"code": "satisfaction", "name": "满意度", "weight": "10", "survey": True},
]
SOURCE_WEIGHTS: Final = {"self": Decimal(10), "purchaser": Decimal(50), "third_party": Decimal(40)}


def template_create(finance: User) -> IndicatorTemplate:
    """The general indicator template (`INDICATORS`, weighted by `SOURCE_WEIGHTS`)."""
    return performance_services.template_save(
        actor=finance, name="通用绩效指标", indicators=INDICATORS, source_weights=SOURCE_WEIGHTS
    )


def performance_evaluation_open(
    *, purchaser: User, contract: Contract, evaluator: Unit
) -> PerformanceEvaluation:
    return performance_services.evaluation_create(
        actor=purchaser, contract=contract, period="2025年度", evaluator=evaluator
    )


# ---------------------------------------------------------------------------------------------
# Grants: a 2023 round of the provincial welfare-lottery fund

GRANT_SUBMIT_ON: Final = date(2023, 4, 10)
GRANT_REVIEW_ON: Final = date(2023, 5, 5)
GRANT_DRAWN_AT: Final = datetime(2023, 5, 6, 9, 30, tzinfo=SHANGHAI)
GRANT_NOTICE_ON: Final = date(2023, 5, 25)
GRANT_DECIDE_ON: Final = date(2023, 6, 1)
GRANT_CRITERIA: Final[list[dict[str, Any]]] = [
    {"code": "need", "name": "需求分析", "weight": 30},
    {"code": "design", "name": "项目设计与可行性", "weight": 40},
    {"code": "capacity", "name": "执行能力与预算合理性", "weight": 30},
]


@dataclass
class GrantsWorld:
    """The funder (省民政厅) with an approved 福彩公益金 line and programme, finance, a registrar, an
    auditor, the audit firm and its accountant; `experts` once the panel is registered."""

    funder: User
    finance: User
    registrar: User
    auditor: User
    firm_user: User
    firm: Unit
    line: BudgetLine
    programme: Programme
    experts: list[Expert] = field(default_factory=list)


def grants_world_create(users: Users) -> GrantsWorld:
    funder = users("purchaser", unit="civil")
    finance = users("finance", unit="finance")
    civil = users.units["civil"]
    firm = unit_create(
        actor=None,
        name="湖南湘诚会计师事务所",
        kind=Unit.Kind.EVALUATOR,
        region=Region.objects.get(pk="430100"),
    )
    firm_user = user_create(
        actor=None,
        username="cpa1",
        password="x-test-123",  # noqa: S106 — a throwaway account
        role="evaluator",
        unit=firm,
    )
    line = planning_services.budget_line_create(
        actor=funder,
        unit=civil,
        fiscal_year=2023,
        code="2080299-FC01",
        name="省级福彩公益金支持社会组织参与社会服务",
        fund_source="welfare_lottery",
        amount=Decimal("8000000.00"),
    )
    planning_services.budget_line_submit(actor=funder, line=line)
    line = planning_services.budget_line_approve(actor=finance, line=line)
    programme = programme_create(
        actor=funder,
        funder_unit=civil,
        name="省级福彩公益金支持社会组织参与社会服务项目",
        fund_source="welfare_lottery",
    )
    return GrantsWorld(
        funder=funder,
        finance=finance,
        registrar=users("registration", unit="civil"),
        auditor=users("auditor", unit="audit"),
        firm_user=firm_user,
        firm=firm,
        line=line,
        programme=programme,
    )


def grant_round_create(world: GrantsWorld, *, publish: bool = True, **overrides: Any) -> Round:
    """The 2023 round (300,000 yuan, at most 120,000 a project, 3A and 2 years registered), published
    unless `publish=False`."""
    values: dict[str, Any] = {
        "year": 2023,
        "title": "2023年度省级福彩公益金支持社会组织参与社会服务项目",
        "budget_line": world.line,
        "total_amount": Decimal("300000.00"),
        "per_project_cap": Decimal("120000.00"),
        "purpose_areas": ["elderly", "disabled", "orphans", "poverty"],
        "call_opens": date(2023, 4, 1),
        "call_closes": date(2023, 4, 30),
        "review_by": date(2023, 5, 31),
        "agreement_by": date(2023, 6, 30),
        "criteria": GRANT_CRITERIA,
        "min_rating": 3,
        "min_years_registered": 2,
        "regions": ["430000"],
        "audit_firm": world.firm,
    }
    values.update(overrides)
    round_ = round_create(actor=world.funder, programme=world.programme, **values)
    return round_publish(actor=world.funder, round=round_) if publish else round_


class GrantApplicants:
    """`applicants(rating=4, serious=False, **overrides)`: the next organization (rated unless
    `rating=None`, seriously listed if `serious`) and a supplier member of it."""

    def __init__(self, world: GrantsWorld, users: Users) -> None:
        self.world = world
        self.users = users
        self.count = 0

    def __call__(
        self, *, rating: int | None = 4, serious: bool = False, industry: bool = False, **overrides: Any
    ) -> tuple[Organization, User]:
        self.count += 1
        n = self.count
        registrar = self.world.registrar
        values: dict[str, Any] = {
            "name": f"长沙市爱心社会工作服务中心{n}",
            "uscc": uscc_for(900 + n),
            "org_type": "social_service_agency",
            "region": "430104",
            "founded_on": date(2015, 3, 1),
            "legal_representative": f"负责人{n}",
        }
        values.update(overrides)
        org = organization_create(actor=registrar, **values)
        if rating is not None:
            rating_record(
                actor=registrar,
                organization=org,
                level=rating,
                awarded_on=date(2021, 5, 1),
                decision_no=f"湘民评〔2021〕{n}号",
            )
        if serious:
            credit_list(
                actor=registrar,
                organization=org,
                kind="serious",
                reason="fine_50000_plus",
                decision_document=f"湘民罚〔2023〕{n}号",
                listed_on=date(2023, 1, 10),
            )
        return org, self.users("supplier", unit=None, organization=org)


def grant_panel_register(world: GrantsWorld, users: Users) -> list[Expert]:
    """Five qualified experts in 社会工作 (A09) with accounts, kept on `world.experts`."""
    experts = []
    for n in range(1, 6):
        experts.append(
            expert_register(
                actor=world.finance,
                name=f"评审专家{n}",
                id_number=make_id_number(region_code="430102", birth_date=date(1975, 5, n), serial=n),
                title_level="senior",
                title_obtained_on=date(2010, 1, 1),
                field_since=date(1998, 7, 1),
                region=Region.objects.get(pk="430104"),
                specialties=["A09"],
                user=users("expert", unit=None),
            )
        )
    world.experts = experts
    return experts


def grant_application_values(**overrides: Any) -> dict[str, Any]:
    """An application for 社区独居老人关爱服务 (100,000 yuan unless `requested_amount`), dated
    `GRANT_SUBMIT_ON`."""
    amount = Decimal(str(overrides.pop("requested_amount", "100000.00")))
    values: dict[str, Any] = {
        "title": "社区独居老人关爱服务",
        "purpose_area": "elderly",
        "beneficiary_region": Region.objects.get(pk="430104"),
        "starts_on": date(2023, 7, 1),
        "ends_on": date(2024, 6, 30),
        "requested_amount": amount,
        "budget_lines": [
            {"item": "人员经费", "amount": amount * Decimal("0.6")},
            {"item": "活动经费", "amount": amount - amount * Decimal("0.6")},
        ],
        "indicators": [{"name": "服务老人人数", "target": "≥200人"}, {"name": "满意度", "target": "≥90%"}],
        "summary": "为独居、空巢老人提供探访、助餐和心理慰藉服务",
        "today": GRANT_SUBMIT_ON,
    }
    values.update(overrides)
    return values
