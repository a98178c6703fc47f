"""Procurement demo: procurements in every stage, from open for bids to announced awards.

Each procurement starts from its own approved plan (budget line, project, plan and intention are
made through `opengps.planning.services` on a simulated earlier day, as the planning demo does).
Bids are judged by the database clock, which cannot be moved: procurements that must already be
opened are announced (on a simulated earlier day) with a deadline a few seconds ahead of the real
clock, their suppliers bid at once, and the loader waits for the deadline before opening them —
so every receipt, opening and award time is real. The evaluation demo (`opengps.evaluation.demo`)
then evaluates and awards the procurements whose stage is "awarded" or "evaluating", on today's date.

Stages: announced and open for bids, a single-source notice running, opened, under evaluation,
failed (too few bids), cancelled, and awarded lots by open tender, invited tender, competitive
consultation (磋商), competitive negotiation and single source across two purchaser units.
Request for quotation is missing on purpose: it is for goods only (GPL §32), and this platform
buys services, so planning refuses it.

Loading twice changes nothing: the loader stops when its budget lines exist.
"""

from __future__ import annotations

import io
import logging
import time
import zipfile
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from opengps.accounts.demo import demo_account_create
from opengps.accounts.models import Role, User
from opengps.catalog.selectors import current_version
from opengps.core import clock
from opengps.core.errors import Conflict
from opengps.planning import demo as planning_demo
from opengps.planning import services as planning_services
from opengps.planning.models import BudgetLine, FundSource, PlanStatus, PurchasePlan
from opengps.procurement import services
from opengps.procurement.errors import Code
from opengps.procurement.models import Procurement
from opengps.registry.models import Organization, OrgStatus
from opengps.registry.selectors import organization_eligibility
from opengps.rules.deadlines import intention_publication_latest

logger = logging.getLogger(__name__)

MARK_LINE = "DEMO-CG-HN"
MARK_LINE_CS = "DEMO-CG-CS"
SUPPLIER_ACCOUNTS = 10
# Room for the bids before a procurement's deadline (each bid hashes, seals and signs its files):
# generous, since only the last procurement's slack is waited out (the others pass while it bids),
# and a loaded CI machine placing a bid slower than this would find the deadline passed.
DEADLINE_MARGIN = timedelta(seconds=5)
PER_BID = timedelta(seconds=1)
DEADLINE_ATTEMPTS = 4
"""On a machine slower still, a bid that finds its deadline passed undoes that announcement and its
bids (a savepoint) and announces again with twice the room."""

PDF_TEXT = "投标（响应）文件"
SINGLE_SOURCE_REASON = "该服务须由长期承担服务对象照护的机构连续提供，只能从唯一供应商处采购"


def _pdf(text: str) -> bytes:
    return b"%PDF-1.7\n" + text.encode("utf-8") + b"\n%%EOF\n"


def _xlsx(price: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", f"<workbook>报价 {price}</workbook>")
    return buffer.getvalue()


def _files(org: Organization, price: str) -> list[services.BidFileInput]:
    return [
        services.BidFileInput(
            "qualification", "资格证明文件.pdf", _pdf(f"{org.name} 登记证书 年检 信用承诺")
        ),
        services.BidFileInput("technical", "服务方案.pdf", _pdf(f"{org.name} {PDF_TEXT} 服务方案与人员配备")),
        services.BidFileInput("price_schedule", "报价一览表.xlsx", _xlsx(price)),
    ]


def _on_day(day: date) -> AbstractContextManager[None]:
    return clock.simulated_today(day)


@dataclass(frozen=True)
class Spec:
    """One demo procurement: who buys what, by which method, and how far it gets."""

    key: str
    unit: str  # "hn" or "cs"
    title: str
    item: str
    method: str
    lots: tuple[tuple[str, str], ...]  # (title, budget)
    stage: str
    facts: tuple[str, ...] = ()
    bidders: tuple[int, ...] = ()  # indexes into the supplier pool; the first is meant to win
    category: str = "A04"
    by_agency: bool = False
    deposit: str = ""


SPECS: list[Spec] = [
    Spec(
        "home_care",
        "hn",
        "全省特困老年人居家上门照护服务（分包）",
        "A0401",
        "open_tender",
        (("长株潭片区", "500000"), ("湘南片区", "400000")),
        "awarded",
        bidders=(0, 2, 3, 4),
        by_agency=True,
        deposit="8000",
    ),
    Spec(
        "social_work",
        "hn",
        "省级社会工作服务示范项目督导",
        "A0904",
        "competitive_consultation",
        (("督导服务", "500000"),),
        "awarded",
        bidders=(5, 1, 6),
        category="A09",
    ),
    Spec(
        "special_care",
        "hn",
        "失能特困人员集中照护服务",
        "A0402",
        "single_source",
        (("集中照护", "300000"),),
        "awarded",
        facts=("only_one_supplier",),
        bidders=(6,),
    ),
    Spec(
        "rescue",
        "hn",
        "流浪乞讨人员寻亲救助服务",
        "A0704",
        "invited_tender",
        (("寻亲救助", "600000"),),
        "awarded",
        facts=("limited_suppliers",),
        category="A04",
    ),
    Spec(
        "cs_home",
        "cs",
        "长沙市城区居家养老助餐助洁服务（分包）",
        "A0403",
        "competitive_consultation",
        (("岳麓区", "450000"), ("芙蓉区", "350000")),
        "awarded",
        bidders=(3, 0, 7, 8),
    ),
    Spec(
        "cs_platform",
        "cs",
        "长沙市智慧养老服务平台运营",
        "A0405",
        "competitive_negotiation",
        (("平台运营", "500000"),),
        "awarded",
        facts=("complex_or_unspecifiable",),
        bidders=(8, 4, 9),
    ),
    Spec(
        "cs_children",
        "cs",
        "长沙市困境儿童关爱服务",
        "A0502",
        "competitive_consultation",
        (("关爱服务", "400000"),),
        "awarded",
        bidders=(1, 9, 2),
        category="A05",
    ),
    Spec(
        "day_care",
        "hn",
        "社区日间照料中心运营服务（2027年度）",
        "A0404",
        "open_tender",
        (("日间照料", "1200000"),),
        "announced",
        bidders=(0, 3),
        deposit="20000",
    ),
    Spec(
        "cs_disabled",
        "cs",
        "长沙市残疾人居家托养服务",
        "A0601",
        "single_source",
        (("居家托养", "300000"),),
        "notice",
        facts=("only_one_supplier",),
        bidders=(2,),
    ),
    Spec(
        "cs_visits",
        "cs",
        "长沙市困难群众探访关爱服务",
        "A0705",
        "competitive_consultation",
        (("探访关爱", "450000"),),
        "opened",
        bidders=(4, 7, 5),
    ),
    Spec(
        "rehab",
        "hn",
        "残疾儿童康复救助服务",
        "A0602",
        "competitive_consultation",
        (("康复救助", "400000"),),
        "evaluating",
        bidders=(2, 6, 9),
        category="A06",
    ),
    Spec(
        "cs_training",
        "cs",
        "长沙市养老护理员培训服务",
        "A0406",
        "competitive_negotiation",
        (("护理员培训", "350000"),),
        "failed",
        facts=("complex_or_unspecifiable",),
        bidders=(5, 8),
    ),
    Spec(
        "publicity",
        "hn",
        "社会救助政策宣传服务",
        "A0701",
        "competitive_consultation",
        (("政策宣传", "300000"),),
        "cancelled",
    ),
]


STAFF = {"hn": "purchaser", "cs": "purchaser_cs"}
"""The purchaser account of each demo unit (`Spec.unit`)."""


def _supplier_account(number: int, org: Organization) -> User:
    """The demo's `number`-th bidder login (``supplier_dNN``), acting for `org`."""
    return demo_account_create(
        f"supplier_d{number:02d}", Role.SUPPLIER, f"投标经办（{org.name}）", organization=org
    )


def official_of(users: dict[str, User], spec: Spec) -> User:
    """Who runs the procurement of `spec`: the agency's account, or the purchaser's."""
    return users["agency"] if spec.by_agency else users[STAFF[spec.unit]]


@dataclass
class _Loader:
    context: Any
    today: date
    staff: dict[str, Any] = field(default_factory=dict)
    heads: dict[str, Any] = field(default_factory=dict)
    finance: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, BudgetLine] = field(default_factory=dict)
    pool: list[User] = field(default_factory=list)
    deadlines: list[datetime] = field(default_factory=list)

    # -- people ------------------------------------------------------------------------------

    def suppliers(self) -> bool:
        """Supplier members: the registry demo's accounts, then one per further eligible organization.

        False (and nothing created) when the registry has too few eligible organizations.
        """
        users = [self.context.users[k] for k in ("supplier", "supplier_zz") if k in self.context.users]
        users = [u for u in users if organization_eligibility(u.organization, self.today).eligible]
        taken = {u.organization_id for u in users}
        orgs: list[Organization] = []
        for org in Organization.objects.filter(status=OrgStatus.NORMAL, eligible=True).order_by("uscc"):
            if len(users) + len(orgs) >= SUPPLIER_ACCOUNTS:
                break
            if org.pk not in taken and organization_eligibility(org, self.today).eligible:
                orgs.append(org)
        if len(users) + len(orgs) < SUPPLIER_ACCOUNTS:
            return False
        for org in orgs:
            users.append(_supplier_account(len(users) + 1, org))
        self.pool = users
        return True

    # -- plans -------------------------------------------------------------------------------

    def budget_lines(self) -> None:
        for key, code, name, amount in (
            ("hn", MARK_LINE, "政府购买社会服务（省本级）", "6000000"),
            ("cs", MARK_LINE_CS, "政府购买社会服务（长沙市本级）", "4000000"),
        ):
            staff = self.staff[key]
            line = planning_services.budget_line_create(
                actor=staff,
                unit=staff.unit,
                fiscal_year=self.today.year,
                code=code,
                name=name,
                fund_source=FundSource.GENERAL,
                amount=amount,
            )
            line = planning_services.budget_line_submit(actor=staff, line=line)
            self.lines[key] = planning_services.budget_line_approve(
                actor=self.finance[key], line=line, note="按年度部门预算批复"
            )

    def plan(self, spec: Spec, items: dict[str, Any]) -> PurchasePlan:
        staff, head, finance = self.staff[spec.unit], self.heads[spec.unit], self.finance[spec.unit]
        amount = str(sum((Decimal(b) for _t, b in spec.lots), Decimal(0)))
        item = items.get(spec.item) or next(iter(items.values()))
        year = self.today.year
        project = planning_services.project_propose(
            actor=staff,
            fiscal_year=year,
            name=spec.title,
            items=[item],
            description=f"{spec.title}：按照服务标准提供{item.name}，按月报送服务记录并接受绩效评价。",
            quantity="12",
            quantity_unit="月",
            estimated_amount=amount,
            recipients="服务区域内符合条件的服务对象",
            area=staff.unit.region,
            term_start=date(year, 1, 1),
            term_end=date(year, 12, 31),
        )
        planning_services.demand_survey_record(
            actor=staff,
            project=project,
            method="questionnaire",
            conducted_on=date(year, 1, 5),
            respondents=120,
            findings="服务对象需求明确，本地社会组织具备承接能力",
        )
        project = planning_services.project_submit(actor=staff, project=project)
        project = planning_services.project_approve_unit(actor=head, project=project, note="同意报财政审核")
        project = planning_services.project_approve(actor=finance, project=project, note="同意入库")
        start = self.today - timedelta(days=45)
        if spec.stage in ("announced", "notice", "cancelled"):
            start = self.today - timedelta(days=5)
        # 30 days before the start, moved earlier when that falls in a holiday (财库〔2020〕10号)
        published_on = min(start - timedelta(days=35), intention_publication_latest(start).value)
        with _on_day(published_on):
            plan = planning_services.plan_create(
                actor=staff,
                project=project,
                budget_line=self.lines[spec.unit],
                method=spec.method,
                procurement_starts_on=start,
                facts=dict.fromkeys(spec.facts, True) or None,
                requirements="供应商应当具有独立承担民事责任的能力，具有良好的商业信誉。服务期一年。",
            )
            plan = planning_services.plan_submit(actor=staff, plan=plan)
            if plan.status == PlanStatus.PENDING_APPROVAL:
                plan = planning_services.plan_approve_method(actor=finance, plan=plan, note="同意")
            planning_services.intention_publish(actor=staff, plan=plan, summary=spec.title)
        plan.refresh_from_db()
        return plan

    # -- procurements ------------------------------------------------------------------------

    def official(self, spec: Spec) -> Any:
        return official_of(self.context.users, spec)

    def create(self, spec: Spec, plan: PurchasePlan) -> Procurement:
        staff = self.staff[spec.unit]
        single = self.pool[spec.bidders[0]].organization if spec.method == "single_source" else None
        return services.procurement_create(
            actor=staff,
            plan=plan,
            title=spec.title,
            lots=[services.LotInput(t, b, f"{spec.title}（{t}）") for t, b in spec.lots],
            agency=self.context.units["hn_ggzy"] if spec.by_agency else None,
            documents=f"{spec.title}采购文件：服务内容、服务标准、资格条件、评审办法及合同主要条款。",
            single_source_supplier=single,
            single_source_reason=SINGLE_SOURCE_REASON if single else "",
        )

    def bid(self, user: User, procurement: Procurement, lot_number: int, price: Decimal) -> None:
        services.documents_obtain(actor=user, procurement=procurement)
        lot = procurement.lots.get(number=lot_number)
        preferences = ["social_organization"] if lot_number % 2 else []
        assert user.organization is not None  # supplier accounts always have one
        services.bid_submit(
            actor=user,
            lot=lot,
            price_total=str(price),
            files=_files(user.organization, str(price)),
            preferences=preferences,
        )

    def bidders(self, spec: Spec, procurement: Procurement) -> list[User]:
        if spec.method == "invited_tender":
            invited = list(
                procurement.invitations.order_by("order").values_list("organization_id", flat=True)
            )
            by_org = {u.organization_id: u for u in self.pool}
            return [by_org[o] for o in invited if o in by_org]
        return [self.pool[i] for i in spec.bidders]

    def run_to_deadline(self, spec: Spec, procurement: Procurement) -> Procurement:
        """Announce on a simulated earlier day with a deadline just ahead of the real clock, and bid."""
        official = self.official(spec)
        issued = clock.now() - timedelta(days=40)
        if spec.method == "invited_tender":
            services.procurement_invite_draw(
                actor=official, procurement=procurement, count=3, drawn_at=issued
            )
            # invite only suppliers that have demo accounts: the draw is over the whole registry,
            # so give accounts to whoever was drawn
            for invitation in procurement.invitations.select_related("organization"):
                self.account_for(invitation.organization)
        bidders = self.bidders(spec, procurement)
        lots = [lot.number for lot in procurement.lots.all()]
        room = DEADLINE_MARGIN + PER_BID * (len(bidders) * len(lots) + 2)
        for attempt in range(DEADLINE_ATTEMPTS):
            try:
                with transaction.atomic():  # a savepoint: a late bid undoes this announcement only
                    return self.announce_and_bid(spec, procurement, issued, bidders, lots, room)
            except Conflict as exc:
                if exc.code != Code.BID_DEADLINE_PASSED or attempt == DEADLINE_ATTEMPTS - 1:
                    raise
                logger.info("procurement demo: %s bid after its deadline; again with %s", spec.key, room * 2)
                room *= 2
                procurement.refresh_from_db()
        raise AssertionError("unreachable")  # pragma: no cover — the loop returns or raises

    def announce_and_bid(
        self,
        spec: Spec,
        procurement: Procurement,
        issued: datetime,
        bidders: list[User],
        lots: list[int],
        room: timedelta,
    ) -> Procurement:
        """Announce with the deadline `room` ahead of the real clock, and place every bid."""
        official = self.official(spec)
        deadline = clock.now() + room
        procurement = services.procurement_announce(
            actor=official,
            procurement=procurement,
            bid_deadline=deadline,
            opening_place="湖南省公共资源交易中心开标室" if spec.by_agency else "采购人会议室（电子开标）",
            bid_deposit=spec.deposit or None,
            now=issued,
        )
        if spec.method == "single_source":
            objection = services.objection_raise(
                actor=self.pool[0],
                procurement=procurement,
                text="我单位同样具备提供该服务的能力，不应采用单一来源方式",
                now=issued + timedelta(days=1),
            )
            services.objection_decide(
                actor=official,
                objection=objection,
                uphold=False,
                text="经核实，该服务对象的连续照护只能由现服务机构承担，异议不成立",
                now=issued + timedelta(days=2),
            )
            services.procurement_notice_close(
                actor=official, procurement=procurement, now=issued + timedelta(days=10)
            )
        procurement.refresh_from_db()
        for number in lots:
            budget = procurement.lots.get(number=number).budget
            for n, user in enumerate(bidders):
                rank = (n - (number - 1)) % len(bidders)  # each lot has another intended winner
                price = (
                    budget * (Decimal("0.90") + Decimal("0.03") * rank - Decimal("0.01") * number)
                ).quantize(Decimal("1"))
                self.bid(user, procurement, number, price)
        self.deadlines.append(deadline)
        return procurement

    def account_for(self, org: Organization) -> User:
        user = next((u for u in self.pool if u.organization_id == org.pk), None)
        if user is None:
            user = User.objects.filter(organization=org, role=Role.SUPPLIER).first() or _supplier_account(
                len(self.pool) + 1, org
            )
            self.pool.append(user)
        return user

    def wait_for_deadlines(self) -> None:
        if self.deadlines:
            remaining = (max(self.deadlines) - clock.now()).total_seconds()
            if remaining > 0:
                time.sleep(remaining + 0.2)


def _count(context: Any) -> None:
    # this demo adds plans and projects of its own: recount theirs too, so the summary is the
    # same whether or not this load created anything
    planning_demo._count(context)
    context.counts["procurements"] = Procurement.objects.count()


def totals(context: Any) -> None:
    """Counted again after every app has loaded: a later stage procures too (the e-mall's framework
    agreement, with its own project, plan and intention)."""
    _count(context)


def load(context: Any) -> None:
    """Add the procurement demo set (idempotent: skipped when its budget lines exist)."""
    needed = ("purchaser", "purchaser_cs", "head", "head_cs", "finance", "finance_cs", "agency")
    if BudgetLine.objects.filter(code=MARK_LINE).exists() or any(k not in context.users for k in needed):
        _count(context)
        return
    version = current_version()
    if version is None:
        _count(context)
        return
    items = {item.code: item for item in version.items.filter(level=3)}
    users = context.users
    loader = _Loader(
        context=context,
        today=clock.today(),
        staff={"hn": users["purchaser"], "cs": users["purchaser_cs"]},
        heads={"hn": users["head"], "cs": users["head_cs"]},
        finance={"hn": users["finance"], "cs": users["finance_cs"]},
    )
    with transaction.atomic():
        if not loader.suppliers():
            logger.warning("procurement demo: fewer than %d eligible suppliers, skipped", SUPPLIER_ACCOUNTS)
            _count(context)
            return
        loader.budget_lines()
        built: list[tuple[Spec, Procurement]] = []
        for spec in SPECS:
            plan = loader.plan(spec, items)
            procurement = loader.create(spec, plan)
            if spec.stage in ("awarded", "opened", "evaluating", "failed"):
                procurement = loader.run_to_deadline(spec, procurement)
            built.append((spec, procurement))
        loader.wait_for_deadlines()
        for spec, procurement in built:
            official = loader.official(spec)
            if spec.stage in ("awarded", "opened", "evaluating", "failed"):
                services.procurement_open(actor=official, procurement=procurement)
                procurement.refresh_from_db()
            if spec.stage == "announced":
                _announce_open(loader, spec, procurement)
            elif spec.stage == "notice":
                services.procurement_announce(
                    actor=official,
                    procurement=procurement,
                    bid_deadline=_at(loader.today + timedelta(days=21), 9, 30),
                )
            elif spec.stage == "cancelled":
                services.procurement_announce(
                    actor=official,
                    procurement=procurement,
                    bid_deadline=_at(loader.today + timedelta(days=21), 9, 30),
                )
                services.procurement_cancel(
                    actor=official,
                    procurement=procurement,
                    reason="因上级政策调整，该项服务改由财政统一安排，采购需求取消（政府采购法第三十六条）",
                )
    _count(context)


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.BEIJING)


def _announce_open(loader: _Loader, spec: Spec, procurement: Procurement) -> None:
    """Open for bids: the deadline 25 days ahead, an answered enquiry, and sealed bids nobody can see."""
    official = loader.official(spec)
    procurement = services.procurement_announce(
        actor=official,
        procurement=procurement,
        bid_deadline=_at(loader.today + timedelta(days=25), 9, 30),
        opening_place="采购人会议室（电子开标）",
        bid_deposit=spec.deposit or None,
    )
    bidders = [loader.pool[i] for i in spec.bidders]
    enquiry = services.enquiry_ask(
        actor=bidders[0], procurement=procurement, question="日间照料中心现有设施设备是否由采购人提供？"
    )
    services.enquiry_answer(
        actor=official, enquiry=enquiry, answer="现有设施设备由采购人无偿提供，供应商负责日常维护。"
    )
    budget = procurement.lots.get(number=1).budget
    for n, user in enumerate(bidders):
        loader.bid(
            user, procurement, 1, (budget * (Decimal("0.92") + Decimal("0.02") * n)).quantize(Decimal("1"))
        )
