"""The whole demo, loaded once for this module (≈20 s) and shared by its tests; idempotent.

Every test here reads the same demo, loaded inside a module-long transaction that is rolled back
at the end (each test runs in a savepoint inside it). The module is one xdist group, so one worker
loads it once (`make test` runs with `--dist loadgroup`).

The demo is anchored on one date. On SQLite the one clock is pinned there (ticking) — the database
clock that judges the live bid deadlines is the same process clock. PostgreSQL's clock cannot be
pinned from here, so on PostgreSQL the anchor is the server's today; the demo enters provisional
holiday data for any year it reaches, so it loads on any date.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.test import Client

from opengps.core import calendar_sync, clock
from opengps.core.audit import verify_chain
from opengps.core.models import AuditEvent, HolidayYear
from opengps.demo.loader import DEMO_PASSWORD, PROVISIONAL_SOURCE, DemoSummary, load_demo
from opengps.rules import calendar
from opengps.stats.models import Fact, Source
from opengps.stats.tests import oracle

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

# A Monday late in a year whose successor has no shipped holiday notice: deadlines and terms
# reach into the next year, as they do every December.
ANCHOR = datetime(2026, 12, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ORGANIZATIONS = 150  # the 2023 grants round funds 70 of them


@dataclass
class Demo:
    summary: DemoSummary
    events: int
    loaded_at: datetime


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Demo]:
    with django_db_blocker.unblock():
        traveller = time_machine.travel(ANCHOR, tick=True) if connection.vendor == "sqlite" else None
        if traveller is not None:
            traveller.start()
        try:
            with transaction.atomic():
                summary = load_demo(organizations=ORGANIZATIONS)
                yield Demo(summary=summary, events=AuditEvent.objects.count(), loaded_at=clock.now())
                transaction.set_rollback(True)
        finally:
            if traveller is not None:
                traveller.stop()
            calendar.reset_to_shipped()
            calendar_sync._last_loaded = 0.0


@pytest.fixture
def anchored(demo: Demo) -> Iterator[None]:
    """Each test reads the demo on the clock as it was when the load ended (SQLite); the module's
    pin covers the fixture's setup only."""
    if connection.vendor == "sqlite":
        with time_machine.travel(demo.loaded_at, tick=True):
            calendar_sync.load_stored_years()
            yield
    else:
        calendar_sync.load_stored_years()
        yield


def test_loading_again_changes_nothing_and_the_chain_holds(demo: Demo, anchored: None) -> None:
    from opengps.registry import demo_names
    from opengps.registry.models import Organization

    # when the demo is loaded a second time
    again = load_demo(organizations=ORGANIZATIONS)
    # then nothing was added, every organization went through the services, and the chain holds
    assert again.counts == demo.summary.counts
    assert AuditEvent.objects.count() == demo.events
    checked, problem = verify_chain()
    assert problem is None and checked == demo.events
    assert Organization.objects.count() == ORGANIZATIONS
    assert AuditEvent.objects.filter(action="registry.org_created").count() == ORGANIZATIONS
    assert all(demo_names.is_valid_uscc(code) for code in Organization.objects.values_list("uscc", flat=True))


def test_the_demo_enters_provisional_holiday_data_for_the_years_it_reaches(
    demo: Demo, anchored: None
) -> None:
    today = clock.today()
    for year in (today.year, today.year + 1):
        assert year in calendar.known_years()
    provisional = set(HolidayYear.objects.filter(source=PROVISIONAL_SOURCE).values_list("year", flat=True))
    assert provisional == {
        y for y in range(today.year - 3, today.year + 2) if y not in calendar.shipped_years()
    }
    assert len(demo.summary.warnings) == len(provisional)


def test_registry_stories_and_every_printed_login(demo: Demo, anchored: None) -> None:
    from opengps.accounts.models import User
    from opengps.registry.models import CreditListing, Organization, Rating

    supplier = User.objects.get(username="supplier")
    assert supplier.organization is not None and supplier.organization.rating_level == 4
    assert Organization.objects.get(name="耒阳市启明社会工作服务中心").credit_level == "serious"
    assert Organization.objects.get(name="长沙市芙蓉区暖心居家养老服务中心").credit_level == "abnormal"
    assert Rating.objects.filter(revoked_on__isnull=False).count() == 1
    assert CreditListing.objects.filter(kind="serious", removed_on__isnull=False).exists()
    logins = demo.summary.logins
    assert {login.username for login in logins} >= {"supplier", "supplier_zz", "supplier_listed", "head"}
    roles = set()
    for login in logins:
        client = Client()
        response = client.post("/accounts/login/", {"username": login.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login.username
        assert client.get("/accounts/me/").status_code == 200
        roles.add(User.objects.get(username=login.username).role)
    assert roles == {
        "admin",
        "purchaser",
        "agency",
        "finance",
        "registration",
        "supplier",
        "expert",
        "evaluator",
        "auditor",
        "emall_operator",
    }


def test_catalogue_budgets_projects_and_plans_in_every_state(demo: Demo, anchored: None) -> None:
    from opengps.catalog.models import CatalogVersion, VersionStatus
    from opengps.planning.models import (
        BudgetLine,
        BudgetStatus,
        PlanStatus,
        Project,
        ProjectStatus,
        PurchasePlan,
    )

    assert CatalogVersion.objects.get().status == VersionStatus.PUBLISHED
    assert set(BudgetLine.objects.values_list("status", flat=True)) == set(BudgetStatus.values)
    assert set(Project.objects.values_list("status", flat=True)) == set(ProjectStatus.values)
    assert set(PurchasePlan.objects.values_list("status", flat=True)) == set(PlanStatus.values)
    assert PurchasePlan.objects.exclude(split_flags=[]).exists()
    assert PurchasePlan.objects.exclude(compliance_findings=[]).filter(status=PlanStatus.DRAFT).exists()
    assert demo.summary.counts["catalogue_items"] >= 190


def test_procurements_in_every_stage_with_announced_awards_and_sealed_bids(
    demo: Demo, anchored: None
) -> None:
    from opengps.evaluation.models import Award
    from opengps.procurement import demo as procurement_demo
    from opengps.procurement.models import (
        BidReadout,
        BidSubmission,
        BidVersion,
        Procurement,
        ProcurementStatus,
    )
    from opengps.procurement.sealing import Receipt, platform_public_key_pem, receipt_verify

    # the procurement demo's, and the e-mall's framework agreement
    assert demo.summary.counts["procurements"] == len(procurement_demo.SPECS) + 1
    statuses = set(Procurement.objects.values_list("status", flat=True))
    assert {
        ProcurementStatus.ANNOUNCED,
        ProcurementStatus.NOTICE,
        ProcurementStatus.OPENED,
        ProcurementStatus.EVALUATING,
        ProcurementStatus.FAILED,
        ProcurementStatus.CANCELLED,
        ProcurementStatus.AWARDED,
    } <= statuses
    # at least 8 announced award lots, across both purchaser units, several winners and methods
    awards = Award.objects.filter(winner__isnull=False, announced_at__isnull=False).select_related(
        "lot__procurement", "winner"
    )
    assert awards.count() >= 8
    assert {a.lot.procurement.purchaser.name for a in awards} == {"湖南省民政厅", "长沙市民政局"}
    assert len({a.winner.organization_id for a in awards if a.winner}) >= 6
    assert {a.lot.procurement.method for a in awards} >= {
        "open_tender",
        "invited_tender",
        "competitive_consultation",
        "competitive_negotiation",
        "single_source",
    }
    # every opened procurement's deadline is in the past, and no readout was received after it
    now = clock.now()
    for procurement in Procurement.objects.exclude(opened_at=None):
        assert procurement.bid_deadline is not None and procurement.bid_deadline <= now
        assert procurement.opened_at is not None and procurement.opened_at >= procurement.bid_deadline
    assert all(r.received_at < r.opening.deadline for r in BidReadout.objects.select_related("opening"))
    # the procurement still open for bids holds sealed bids with valid receipts
    open_one = Procurement.objects.get(status=ProcurementStatus.ANNOUNCED)
    assert open_one.bid_deadline is not None and open_one.bid_deadline > now
    sealed = BidSubmission.objects.filter(procurement=open_one)
    assert sealed.count() == 2 and not BidReadout.objects.filter(submission__in=sealed).exists()
    for version in BidVersion.objects.filter(submission__in=sealed):
        assert receipt_verify(Receipt.from_json(version.receipt), platform_public_key_pem())
        assert "投标".encode() not in bytes(version.sealed_manifest)


def test_contracts_in_every_state(demo: Demo, anchored: None) -> None:
    from opengps.accounts.models import User
    from opengps.contracts import selectors
    from opengps.contracts.models import Acceptance, Contract, ContractStatus

    assert demo.summary.counts["contracts"] == Contract.objects.count() == 6
    statuses = set(Contract.objects.values_list("status", flat=True))
    assert statuses == {
        ContractStatus.DRAFT,
        ContractStatus.SIGNED,
        ContractStatus.PUBLISHED,
        ContractStatus.COMPLETED,
        ContractStatus.TERMINATED,
    }
    completed = Contract.objects.get(status=ContractStatus.COMPLETED)
    assert list(completed.acceptances.values_list("result", flat=True)) == ["pass", "partial", "pass"]
    assert all(a.published for a in completed.acceptances.all())
    assert completed.reports.count() == 3
    amended = Contract.objects.get(amendments__isnull=False)
    assert amended.status == ContractStatus.PUBLISHED and amended.amount > (amended.original_amount or 0)
    posts = Contract.objects.get(kind="posts")
    assert posts.posts.count() == 2 and sum(p.placements.count() for p in posts.posts.all()) == 3
    terminated = Contract.objects.get(status=ContractStatus.TERMINATED)
    assert list(selectors.failed_acceptances(terminated.supplier)) == list(
        Acceptance.objects.filter(contract=terminated, result="fail")
    )
    assert list(selectors.terminations(terminated.supplier, supplier_fault_only=True)) == [terminated]
    # the late list of the purchasing units shows the in-progress contract's overdue items
    kinds = {i.kind for i in selectors.late_items(Contract.objects.all())}
    assert {"milestone", "report"} <= kinds
    # every contract page renders for its purchaser and for an auditor; published ones publicly
    auditor = Client()
    auditor.force_login(User.objects.get(username="auditor"))
    for contract in Contract.objects.all():
        office = Client()
        office.force_login(User.objects.filter(role="purchaser", unit=contract.purchaser).order_by("pk")[0])
        assert office.get(f"/contracts/{contract.pk}/").status_code == 200
        assert auditor.get(f"/contracts/{contract.pk}/").status_code == 200
        public = Client().get(f"/contracts/public/{contract.pk}/").status_code
        assert public == (200 if contract.published_at else 404)
    assert auditor.get("/contracts/late/").status_code == 200


def test_a_year_of_published_evaluations_and_the_credit_loop(demo: Demo, anchored: None) -> None:
    from opengps.performance.models import (
        EvaluationStatus,
        ExpertConduct,
        HistoryEntry,
        ListingRecommendation,
        PerformanceEvaluation,
    )

    # every evaluated contract has four published quarters of last year, and one evaluation of
    # this year is open for visitors to try
    evaluations = PerformanceEvaluation.objects.exclude(status=EvaluationStatus.OPEN)
    assert evaluations.count() >= 8 and evaluations.count() % 4 == 0
    assert set(evaluations.values_list("status", flat=True)) == {EvaluationStatus.PUBLISHED}
    assert len({e.finalized_on for e in evaluations}) == 4
    (still_open,) = PerformanceEvaluation.objects.filter(status=EvaluationStatus.OPEN)
    assert still_open.contract.status == "published" and still_open.survey_open
    grades = set(evaluations.values_list("grade", flat=True))
    assert "差" in grades and len(grades) >= 3
    assert HistoryEntry.objects.filter(flagged=True).exists()
    assert ListingRecommendation.objects.exists()
    assert ExpertConduct.objects.exists()


def test_a_framework_agreement_its_e_mall_call_off_and_the_purchasers_award_queue(
    demo: Demo, anchored: None
) -> None:
    """The e-mall's 定点 call-off (`emall.demo_calloff`): an announced framework shortlist with an
    order called off it in the e-mall; the purchaser's 定标 queue has nothing of the agreement to
    confirm, announce or contract (the shortlist is no award, the order is the call-off's contract)."""
    from opengps.accounts.models import User
    from opengps.emall.models import Order, OrderKind
    from opengps.evaluation.models import Award, FrameworkCallOff, FrameworkShortlist
    from opengps.performance.models import ExpertConduct
    from opengps.procurement.models import ProcurementStatus
    from opengps.workbench.queues import queue_get

    # the agreement: announced, at least two members, its committee's conduct rated
    shortlist = FrameworkShortlist.objects.select_related("evaluation__procurement").get()
    procurement = shortlist.evaluation.procurement
    assert procurement.method == "framework_agreement" and procurement.status == ProcurementStatus.AWARDED
    assert shortlist.announced_at is not None and shortlist.members.count() >= 2
    assert not Award.objects.filter(evaluation__procurement=procurement).exists()
    committee = shortlist.evaluation.members.all()
    rated = ExpertConduct.objects.filter(member__in=committee)
    assert committee.exists() and rated.count() == committee.count()
    assert demo.summary.counts["emall_call_offs"] >= 1
    # the call-off: an e-mall 定点 order from a member at its agreement price, recorded on the agreement
    order = Order.objects.filter(kind=OrderKind.FRAMEWORK).select_related("supplier").first()
    assert order is not None
    member = shortlist.members.get(organization=order.supplier)
    assert order.unit_price == member.price
    call_off = FrameworkCallOff.objects.get(shortlist=shortlist, member=member)
    assert call_off.by_order and call_off.amount == order.amount
    # the purchaser's 定标 queue lists nothing of the agreement
    purchaser = User.objects.get(username="purchaser")
    queue = queue_get(actor=purchaser, key="awards")
    assert queue is not None
    assert not [item.title for item in queue.items if procurement.reference in item.title]
    # the 入围结果公告 is public, naming every member
    page = Client().get(f"/portal/shortlist/{shortlist.pk}/")
    assert page.status_code == 200
    assert all(m.organization.name in page.content.decode() for m in shortlist.members.all())


def test_the_2023_round_funds_70_organizations_with_exactly_7_5_million(demo: Demo, anchored: None) -> None:
    from opengps.grants.demo import TITLE
    from opengps.grants.models import (
        Agreement,
        AgreementStatus,
        Application,
        ApplicationStatus,
        FundReturn,
        Round,
        RoundStatus,
    )

    round_ = Round.objects.get(title=TITLE)
    assert (round_.year, round_.status) == (2023, RoundStatus.DECIDED)
    funded = Application.objects.filter(round=round_, status=ApplicationStatus.FUNDED)
    assert funded.count() == 70 and funded.values("organization").distinct().count() == 70
    awarded = funded.aggregate(s=Sum("awarded_amount"))["s"]
    assert awarded == Decimal("7500000.00") == round_.total_amount
    signed = Agreement.objects.filter(application__round=round_).aggregate(s=Sum("amount"))["s"]
    assert signed == Decimal("7500000.00")
    # never above any round's total, and nothing paid above what was awarded
    for each in Round.objects.all():
        listed = each.applications.filter(status__in=[ApplicationStatus.PROPOSED, ApplicationStatus.FUNDED])
        assert (listed.aggregate(s=Sum("awarded_amount"))["s"] or 0) <= each.total_amount
    for agreement in Agreement.objects.prefetch_related("tranches"):
        assert sum(t.released_amount for t in agreement.tranches.all()) <= agreement.amount
    statuses = set(Application.objects.filter(round=round_).values_list("status", flat=True))
    assert {ApplicationStatus.SCREENED_OUT, ApplicationStatus.NOT_SELECTED} <= statuses
    assert all(app.screening for app in Application.objects.filter(status=ApplicationStatus.SCREENED_OUT))
    stages = set(Agreement.objects.filter(application__round=round_).values_list("status", flat=True))
    assert {AgreementStatus.CLOSED, AgreementStatus.AUDITED, AgreementStatus.FINAL_REVIEWED} <= stages
    assert Agreement.objects.filter(midterm_passed=False).count() == 3
    assert FundReturn.objects.exists()
    assert set(Agreement.objects.values_list("final_grade", flat=True)) >= {"优", "良", "差"}


def test_a_grants_round_in_every_stage(demo: Demo, anchored: None) -> None:
    from opengps.grants.demo import STAGES
    from opengps.grants.models import (
        Agreement,
        AgreementStatus,
        ApplicationStatus,
        Objection,
        Round,
        RoundStatus,
    )
    from opengps.grants.services import objection_window_open

    assert set(Round.objects.values_list("status", flat=True)) == STAGES == set(RoundStatus.values)
    completed = Round.objects.get(status=RoundStatus.COMPLETED)
    assert completed.programme.is_venture_philanthropy
    assert (
        not Agreement.objects.filter(application__round=completed)
        .exclude(status=AgreementStatus.CLOSED)
        .exists()
    )
    # the round on notice takes objections today, and one from the public waits for a decision
    on_notice = Round.objects.get(status=RoundStatus.NOTICE)
    assert objection_window_open(on_notice)
    pending = Objection.objects.get(round=on_notice)
    assert pending.filed_by is None and pending.status == "pending"
    # the round under review has its panel; the open call has a submission and a draft
    assert Round.objects.get(status=RoundStatus.REVIEWING).draw is not None
    open_call = Round.objects.get(status=RoundStatus.PUBLISHED)
    assert set(open_call.applications.values_list("status", flat=True)) >= {ApplicationStatus.DRAFT}


def test_published_data_is_valid_ocds_without_early_bids(demo: Demo, anchored: None) -> None:
    from opengps.demo.testdata import schema_errors
    from opengps.opendata import builders, services
    from opengps.opendata.models import Record, Release
    from opengps.procurement.models import OpeningRecord, Procurement

    published = Procurement.objects.filter(
        Q(announced_at__isnull=False) | Q(notice_published_on__isnull=False)
    )
    assert published.exists()
    ocids = set(Release.objects.order_by().values_list("ocid", flat=True).distinct())
    opened = set(OpeningRecord.objects.values_list("procurement_id", flat=True))
    for procurement in published:
        ocid = builders.procurement_ocid(procurement)
        assert ocid in ocids, procurement.reference
        for release in Release.objects.filter(ocid=ocid):
            data = json.loads(release.payload)
            assert not schema_errors("release", data), release.release_id
            if procurement.pk not in opened:
                assert "bids" not in data and "tenderers" not in data["tender"]
    assert Record.objects.count() == len(ocids)
    # and every cached compiled release equals a fresh merge by the reference library
    assert services.records_verify() == []


def test_no_release_repeats_its_predecessor(demo: Demo, anchored: None) -> None:
    """Issue 15 #4: every release of a process changes something a data user can see; published
    performance results reach OCDS as implementation documents."""
    from opengps.opendata import services
    from opengps.opendata.models import Release
    from opengps.performance.models import EvaluationStatus, PerformanceEvaluation

    previous: dict[str, dict[str, Any]] = {}
    repeats = []
    for release in Release.objects.order_by("position"):
        content = services.release_content(json.loads(release.payload))
        if content == previous.get(release.ocid):
            repeats.append(f"{release.release_id} ({release.tag})")
        previous[release.ocid] = content
    assert not repeats, repeats
    published = PerformanceEvaluation.objects.filter(status=EvaluationStatus.PUBLISHED)
    assert published.exists()
    for evaluation in published.select_related("contract__procurement"):
        contract = next(
            c
            for c in previous[_ocid(evaluation.contract.procurement)]["contracts"]
            if c["id"] == evaluation.contract.reference
        )
        document = next(
            d for d in contract["implementation"]["documents"] if d["id"] == f"performance-{evaluation.pk}"
        )
        # its URL is the public page of the result, on the configured public address
        path = document["url"].removeprefix(services.public_base_url())
        assert path.startswith("/portal/") and Client().get(path).status_code == 200


def test_one_process_from_plan_to_contract_and_links_both_ways(demo: Demo, anchored: None) -> None:
    """Issue 15 #9: a plan's first procurement continues the plan's ocid (no double count); a later
    procurement of the same plan has its own record, linked to the plan's process and back."""
    from opengps.opendata.models import Record
    from opengps.opendata.tests.processes import process_link_problems
    from opengps.planning.models import PurchasePlan

    assert process_link_problems() == []
    plan_ocids = {r for r in Record.objects.values_list("ocid", flat=True) if "-PLAN-" in r}
    procured = {_ocid(p) for p in _published_procurements()}
    # every published procurement of the demo continues a plan's process, none is counted twice
    assert procured <= set(Record.objects.values_list("ocid", flat=True))
    assert len(plan_ocids) <= PurchasePlan.objects.count()


def _published_procurements() -> list[Any]:
    from opengps.opendata.builders.common import PUBLISHED
    from opengps.procurement.models import Procurement

    return list(Procurement.objects.filter(PUBLISHED))


def _ocid(procurement: Any) -> str:
    from opengps.opendata import builders

    return builders.procurement_ocid(procurement)


def test_the_review_engine_finds_nothing_in_the_demos_bulk_files_and_feed(
    demo: Demo, anchored: None, tmp_path: Any
) -> None:
    """Issue 15: `libcoveocds`, offline, over the demo's yearly bulk files (every line wrapped in
    the zip's own package metadata) and every page of the change feed."""
    import re
    import zipfile

    from opengps.opendata import services
    from opengps.opendata.models import Record, Release
    from opengps.opendata.tests.test_libcove import findings, no_network

    client = Client()
    problems: dict[str, list[str]] = {}
    with no_network():
        for year in Record.objects.order_by("year").values_list("year", flat=True).distinct():
            path = tmp_path / f"ocds-{year}.zip"
            services.export_year(year, path, base=services.public_base_url())
            with zipfile.ZipFile(path) as archive:
                metadata = json.loads(archive.read("metadata.json"))
                records = [json.loads(line) for line in archive.read("records.jsonl").splitlines()]
                releases = [json.loads(line) for line in archive.read("releases.jsonl").splitlines()]
            problems[f"{year} records"] = findings({**metadata, "records": records})
            problems[f"{year} releases"] = findings({**metadata, "releases": releases})
        url: str | None = "/api/v1/opendata/releases?limit=50"
        seen = 0
        while url is not None:
            response = client.get(url)
            package = response.json()
            seen += len(package["releases"])
            problems[url] = findings(package)
            match = re.fullmatch(r'<([^>]+)>; rel="next"', response.get("Link", ""))
            url = match.group(1) if match else None
    assert seen == Release.objects.count() > 50
    assert all(not found for found in problems.values()), {k: v for k, v in problems.items() if v}


def test_every_buyer_and_procuring_entity_is_identified_by_its_uscc(demo: Demo, anchored: None) -> None:
    """Issue 15 #2: the demo's units have valid 统一社会信用代码 (government organs' start with
    "11"); every buyer and procuring entity in every release carries its ``CN-USCI`` identifier,
    and the 360Giving funders are named by the same org id."""
    from opengps.accounts.models import GOVERNMENT_ORGAN_KINDS, Unit
    from opengps.grants.selectors import giving_360
    from opengps.opendata.models import Release
    from opengps.registry.demo_names import is_valid_uscc

    units = list(Unit.objects.all())
    assert units and all(is_valid_uscc(u.uscc) for u in units), [u.name for u in units if not u.uscc]
    assert all(u.uscc.startswith("11") for u in units if u.kind in GOVERNMENT_ORGAN_KINDS)
    by_code = {u.uscc: u for u in units}
    unidentified = []
    for release in Release.objects.order_by("position"):
        data = json.loads(release.payload)
        parties = {p["id"]: p for p in data["parties"]}
        refs = [data["buyer"]] + (
            [data["tender"]["procuringEntity"]] if "procuringEntity" in data["tender"] else []
        )
        for ref in refs:
            identifier = parties[ref["id"]].get("identifier", {})
            unit = by_code.get(identifier.get("id", ""))
            if (
                identifier.get("scheme") != "CN-USCI"
                or unit is None
                or identifier.get("legalName") != unit.name
                or ref["id"] != f"CN-USCI-{unit.uscc}"
            ):
                unidentified.append(f"{release.release_id}: {ref['name']}")
    assert not unidentified, unidentified
    funders = {f["id"] for g in giving_360()["grants"] for f in g["fundingOrganization"]}
    assert funders and all(
        f.startswith("CN-USCI-11") and f.removeprefix("CN-USCI-") in by_code for f in funders
    )


def test_every_tender_award_and_contract_links_a_document_the_server_serves(
    demo: Demo, anchored: None
) -> None:
    """Issue 15 #1: every procurement release's tender, every award and every contract has a
    document whose URL (on the configured public address) answers 200 without login — the portal
    pages first; one PDF of each kind is fetched too (rendering every PDF would take minutes)."""
    from opengps.opendata import services
    from opengps.opendata.models import Release

    client = Client()
    base = services.public_base_url()
    status: dict[str, int] = {}

    def served(documents: list[dict[str, Any]]) -> bool:
        for document in documents:
            url = document.get("url", "")
            if url.startswith(base) and url not in status:
                status[url] = client.get(url.removeprefix(base)).status_code
            if status.get(url) == 200:
                return True
        return False

    missing: list[str] = []
    pdfs: dict[str, str] = {}
    for release in Release.objects.order_by("position"):
        data = json.loads(release.payload)
        if "planning" in data["tag"]:
            continue  # a purchase intention: no procurement notice exists yet
        sections = [("tender", data["tender"])]
        sections += [(f"award {a['id']}", a) for a in data.get("awards", []) if a.get("suppliers")]
        sections += [(f"contract {c['id']}", c) for c in data.get("contracts", [])]
        for name, section in sections:
            documents = section.get("documents", [])
            if not served(documents):
                missing.append(f"{release.release_id} {name}")
            for d in documents:
                if d["format"] == "application/pdf":
                    pdfs.setdefault(d["documentType"], d["url"])
    assert not missing, missing[:20]
    assert set(pdfs) == {"tenderNotice", "awardNotice", "contractNotice"}
    for url in pdfs.values():
        response = client.get(url.removeprefix(base))
        assert (response.status_code, response["Content-Type"]) == (200, "application/pdf"), url


def test_the_360giving_export_of_the_demo_keeps_to_the_standards_shapes(demo: Demo, anchored: None) -> None:
    """Issue 15 #12: package metadata, amountDisbursed, fromOpenCall, dataSource, no UK-only
    geoCodeType, and no description saying "服务服务"."""
    from opengps.grants.selectors import giving_360
    from opengps.grants.tests.test_api_views import giving_360_problems

    package = giving_360()
    assert len(package["grants"]) >= 70
    assert giving_360_problems(package) == []
    assert not [g["id"] for g in package["grants"] if "服务服务" in g["description"]]
    assert all(
        location.get("countryCode") == "CN"
        for g in package["grants"]
        for location in g["beneficiaryLocation"]
    )


def test_the_statistics_facts_equal_a_record_by_record_reading(demo: Demo, anchored: None) -> None:
    """The facts the refresh built inside the database, column by column, equal what the ORM oracle
    reads of the same records one by one (every source, the whole demo)."""
    # given the facts the demo's refresh built
    names = [f.attname for f in Fact._meta.concrete_fields if not f.primary_key]
    built = {(row["source"], row["record_id"]): row for row in Fact.objects.values(*names)}
    # when the oracle reads the records
    expected = oracle.facts_read()
    # then the same facts, with the same columns
    assert {source for source, _ in built} == set(Source.values)  # the demo has every source
    assert built.keys() == expected.keys()
    differing = {key: (built[key], expected[key]) for key in built if built[key] != expected[key]}
    assert differing == {}
