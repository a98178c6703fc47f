"""Releases emitted by the real services, validated against the official OCDS 1.1.5 schemas."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opengps.contracts import services as contract_services
from opengps.contracts.services import CheckInput
from opengps.core.models import AuditEvent
from opengps.demo.testdata import schema_errors, schema_properties
from opengps.demo.world import announce_times, bid_files
from opengps.opendata import builders, selectors, services
from opengps.opendata.models import Record, Release
from opengps.opendata.tests.processes import process_link_problems
from opengps.procurement import services as procurement_services
from opengps.procurement.models import Procurement

pytestmark = pytest.mark.django_db

MEMBERS = [{"name": "张敏", "role": "采购人代表"}, {"name": "刘洋", "role": "社会工作专家"}]
RECIPIENTS: dict[str, Any] = {
    "recipients_invited": 12,
    "recipients_how": "随机电话抽取服务对象",
    "recipient_opinions": [{"who": "王奶奶", "opinion": "服务及时", "satisfied": True}],
}


def tags(ocid: str) -> list[str]:
    return list(Release.objects.filter(ocid=ocid).order_by("position").values_list("tag", flat=True))


def payloads(ocid: str) -> list[dict[str, Any]]:
    return [json.loads(r.payload) for r in Release.objects.filter(ocid=ocid).order_by("position")]


def validate_everything(client: Client) -> int:
    """Every release, release package and record package the scenario produced; returns the count."""
    checked = 0
    for release in Release.objects.order_by("position"):
        errors = schema_errors("release", json.loads(release.payload))
        assert not errors, (release.release_id, errors[:10])
        checked += 1
    for ocid in Release.objects.order_by("ocid").values_list("ocid", flat=True).distinct():
        for kind, url in (
            ("release-package", f"/api/v1/opendata/releases/{ocid}"),
            ("record-package", f"/api/v1/opendata/records/{ocid}"),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            errors = schema_errors(kind, response.json())
            assert not errors, (url, errors[:10])
            checked += 1
    page = client.get("/api/v1/opendata/releases?after=0&limit=1000").json()
    assert not schema_errors("release-package", page)
    return checked + 1


def assert_no_release_repeats_its_predecessor() -> None:
    """Every release of a process changes something against the one before it (issue 15 #4)."""
    previous: dict[str, dict[str, Any]] = {}
    for release in Release.objects.order_by("position"):
        content = services.release_content(json.loads(release.payload))
        assert content != previous.get(release.ocid), f"{release.release_id} ({release.tag}) changes nothing"
        previous[release.ocid] = content


def secrets_absent(text: str, procurement: Procurement, suppliers: list[Any]) -> None:
    for user in suppliers:
        assert user.organization.uscc not in text
        assert user.organization.name not in text
    for price in ("268000", "275000", "290000", "299000"):
        assert price not in text
    for key in ('"bids"', "numberOfTenderers", "tenderers", '"tenderer"'):
        assert key not in text


def test_no_bid_data_appears_before_the_opening(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any], client: Client
) -> None:
    # given a plan whose intention is published: a planning release on the plan's ocid
    plan = make_plan("open_tender")
    assert tags(builders.plan_ocid(plan)) == ["planning"]
    # when the procurement is created (a draft: nothing public) and announced
    procurement = procurement_services.procurement_create(
        actor=purchaser, plan=plan, documents="招标文件正文"
    )
    ocid = builders.procurement_ocid(procurement)
    assert ocid == builders.plan_ocid(plan)  # the plan's only procurement continues its process
    assert tags(ocid) == ["planning"]
    issued, deadline = announce_times()
    procurement = procurement_services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, bid_deposit="5000", now=issued
    )
    # and suppliers obtain the documents, bid, modify and withdraw while a clarification is published
    lot = procurement.lots.get(number=1)
    for user, price in zip(suppliers, ("268000", "275000", "290000", "299000"), strict=False):
        procurement_services.documents_obtain(actor=user, procurement=procurement)
        procurement_services.bid_submit(actor=user, lot=lot, price_total=price, files=bid_files())
    procurement_services.procurement_clarify(
        actor=purchaser,
        procurement=procurement,
        kind="clarification",
        text="澄清：服务范围含周末",
        affects_bids=False,
    )
    procurement_services.bid_modify(actor=suppliers[1], lot=lot, price_total="275000", files=bid_files())
    procurement_services.bid_withdraw(actor=suppliers[3], lot=lot)
    procurement_services.enquiry_ask(actor=suppliers[2], procurement=procurement, question="是否含节假日？")
    # then no release, package or feed page shows bidders, their number or prices
    assert tags(ocid) == ["planning", "tender", "tenderAmendment"]
    before = "".join(Release.objects.values_list("payload", flat=True))
    before += client.get(f"/api/v1/opendata/releases/{ocid}").content.decode()
    before += client.get(f"/api/v1/opendata/records/{ocid}").content.decode()
    before += client.get("/api/v1/opendata/releases?after=0").content.decode()
    before += "".join(Record.objects.values_list("compiled", flat=True))
    secrets_absent(before, procurement, suppliers)
    assert validate_everything(client) > 0
    # when the bids are opened
    procurement_services.procurement_open(
        actor=purchaser, procurement=procurement, now=deadline + timedelta(minutes=1)
    )
    # then the opening release carries the bids (extension): 3 valid, the withdrawn one absent
    assert tags(ocid) == ["planning", "tender", "tenderAmendment", "tenderUpdate"]
    opening = payloads(ocid)[-1]
    assert opening["tender"]["numberOfTenderers"] == 3
    assert {s["measure"]: s["value"] for s in opening["bids"]["statistics"]} == {"bids": 3, "validBids": 3}
    assert sorted(d["value"]["amount"] for d in opening["bids"]["details"]) == [268000, 275000, 290000]
    assert suppliers[3].organization.uscc not in json.dumps(opening)
    assert validate_everything(client) > 0


def _award_step(purchaser: Any, procurement: Procurement, committee: Any, ocid: str) -> Any:
    """Evaluate and announce the award; check the award release. Returns the award."""
    from opengps.demo.world import award_announced

    award = award_announced(purchaser, procurement, committee)
    assert tags(ocid) == ["planning", "tender", "tenderUpdate", "award"]
    award_release = payloads(ocid)[3]
    assert award_release["tender"]["status"] == "complete"
    assert award_release["awards"][0]["value"] == {"amount": 268000, "currency": "CNY"}
    assert award.winner is not None
    winner = award.winner.organization
    assert award_release["awards"][0]["suppliers"] == [{"id": f"CN-USCI-{winner.uscc}", "name": winner.name}]
    party = next(p for p in award_release["parties"] if p["id"] == f"CN-USCI-{winner.uscc}")
    assert party["identifier"] == {"scheme": "CN-USCI", "id": winner.uscc, "legalName": winner.name}
    assert sorted(party["roles"]) == ["supplier", "tenderer"]
    assert award_release["tender"]["procurementMethod"] == "open"
    assert award_release["tender"]["procurementMethodDetails"] == "公开招标"
    # one process from planning to contract: nothing to relate, the planning is in this record
    assert "relatedProcesses" not in award_release
    assert award_release["planning"]["budget"]["id"] == f"PLAN-{procurement.plan_id}"
    return award


def _contract_steps(purchaser: Any, award: Any, ocid: str) -> Any:
    """Create (draft: nothing), sign, publish, amend, pay and accept the contract."""
    contract = contract_services.contract_create_from_award(
        actor=purchaser,
        award=award,
        kind="outsourcing",
        starts_on=timezone.localdate() - timedelta(days=60),
        ends_on=timezone.localdate() + timedelta(days=300),
        performance_bond="20000",
        small_supplier=True,
    )
    deliverable = contract_services.deliverable_add(actor=purchaser, contract=contract, name="服务对象档案")
    assert tags(ocid)[-1] == "award"
    contract_services.contract_sign(actor=purchaser, contract=contract)
    contract_services.contract_publish(actor=purchaser, contract=contract)
    contract_services.contract_amend(
        actor=purchaser, contract=contract, added_amount="10000", reason="增加服务对象20人"
    )
    payment = contract_services.payment_schedule_add(
        actor=purchaser, contract=contract, title="首期款", amount="100000", planned_on=timezone.localdate()
    )
    contract_services.payment_record(actor=purchaser, payment=payment)
    acceptance = contract_services.acceptance_record(
        actor=purchaser,
        contract=contract,
        title="最终验收",
        result="pass",
        final=True,
        members=MEMBERS,
        checklist=[CheckInput(deliverable.pk, True)],
        **RECIPIENTS,
    )
    contract_services.acceptance_publish(actor=purchaser, acceptance=acceptance)
    return contract


def _check_contract_releases(ocid: str) -> dict[str, Any]:
    """Each published step has its release; the last one's contract and linked notices."""
    # each published step that changes the data has its release, in the order of the audit
    # trail (publishing the signed contract adds its 合同公告 as the contract's documents)
    assert tags(ocid)[4:] == [
        "contract",
        "contract",
        "contractAmendment",
        "implementation",
        "implementation",
        "implementation",
    ]
    last = payloads(ocid)[-1]
    published_contract = last["contracts"][0]
    assert published_contract["status"] == "terminated"  # completed: OCDS "terminated" covers it
    assert published_contract["value"]["amount"] == 278000
    assert published_contract["amendments"][0]["rationale"] == "增加服务对象20人"
    assert published_contract["implementation"]["transactions"][0]["value"]["amount"] == 100000
    assert published_contract["implementation"]["documents"][0]["documentType"] == "completionCertificate"
    # and the tender, the award and the contract link their notices, each served without login
    assert [d["documentType"] for d in published_contract["documents"]] == [
        "contractNotice",
        "contractNotice",
        "awardNotice",
    ]
    linked = [*last["tender"]["documents"], *last["awards"][0]["documents"], *published_contract["documents"]]
    assert {d["documentType"] for d in linked} == {"tenderNotice", "awardNotice", "contractNotice"}
    for document in linked:
        response = Client().get(document["url"].removeprefix(builders.public_base_url()))
        assert (response.status_code, response["Content-Type"].split(";")[0]) == (200, document["format"])
    return last


def _check_audit_links_and_record(ocid: str, winner_name: str, reference: str) -> None:
    """Every release points back at its audit event; the record equals a fresh merge."""
    seqs = list(Release.objects.filter(ocid=ocid).order_by("position").values_list("event_seq", flat=True))
    events = dict(AuditEvent.objects.filter(seq__in=seqs).values_list("seq", "action"))
    assert [events.get(s or 0) for s in seqs] == [
        "plan.intention_published",
        "procurement.announced",
        "procurement.opened",
        "procurement.awarded",
        "contract.signed",
        "contract.published",
        "contract.amended",
        "contract.payment_recorded",
        "contract.completed",
        "acceptance.published",
    ]
    assert_no_release_repeats_its_predecessor()
    # and the compiled record equals a fresh merge of all releases by the reference library
    from opengps.opendata.services import merger, records_verify

    compiled = merger().create_compiled_release(payloads(ocid))
    assert json.loads(Record.objects.get(ocid=ocid).compiled) == compiled
    assert compiled["awards"][0]["suppliers"][0]["name"] == winner_name
    # the procurement's tender replaced the intention's placeholder (PLAN-n) in the record
    assert compiled["tender"]["id"] == reference
    assert records_verify() == []


def test_full_lifecycle_emits_tagged_releases_that_validate(
    purchaser: Any, opened: Procurement, committee: Any, suppliers: list[Any], client: Client
) -> None:
    # given a procurement announced and opened through the services: the plan's only procurement,
    # so it continues the plan's process (one ocid from the intention to the contract)
    procurement, plan = opened, opened.plan
    ocid = builders.procurement_ocid(procurement)
    assert ocid == builders.plan_ocid(plan)
    assert tags(ocid) == ["planning", "tender", "tenderUpdate"]
    # when it is evaluated and the award announced
    award = _award_step(purchaser, procurement, committee, ocid)
    # when the contract is created (draft: nothing), signed, published, amended and carried out
    _contract_steps(purchaser, award, ocid)
    # then each published step has its release, with its notices
    _check_contract_releases(ocid)
    # every release event points back at its audit event, and the record is a fresh merge
    _check_audit_links_and_record(ocid, award.winner.organization.name, procurement.reference)
    # and one process is counted once: one record for the plan and its procurement
    assert Record.objects.count() == 1 and process_link_problems() == []
    # and 100% of what the scenario produced validates against the official schemas: 10 releases,
    # the release and record package of the one process, and the feed page
    assert validate_everything(client) == 10 + 2 + 1


def test_failed_opening_and_cancellation_publish_tender_cancellations(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any], client: Client
) -> None:
    # given an open tender with a single bid (too few)
    plan = make_plan("open_tender")
    procurement = procurement_services.procurement_create(actor=purchaser, plan=plan, documents="招标文件")
    issued, deadline = announce_times()
    procurement = procurement_services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=deadline, now=issued
    )
    lot = procurement.lots.get(number=1)
    procurement_services.documents_obtain(actor=suppliers[0], procurement=procurement)
    procurement_services.bid_submit(actor=suppliers[0], lot=lot, price_total="250000", files=bid_files())
    # when it is opened and fails
    procurement_services.procurement_open(
        actor=purchaser, procurement=procurement, now=deadline + timedelta(minutes=1)
    )
    ocid = builders.procurement_ocid(procurement)
    assert ocid == builders.plan_ocid(plan)
    # then the opening and the failure are both published, the failure as unsuccessful
    assert tags(ocid) == ["planning", "tender", "tenderUpdate", "tenderCancellation"]
    failed = payloads(ocid)[-1]
    assert failed["tender"]["status"] == "unsuccessful"
    assert failed["bids"]["statistics"][1] == {
        "id": "1-validBids",
        "measure": "validBids",
        "value": 1,
        "relatedLot": "1",
    }
    # when it is re-tendered and the new one cancelled after its announcement
    retender = procurement_services.procurement_retender(
        actor=purchaser, procurement=procurement, reason="投标不足"
    )
    issued, deadline = announce_times()
    retender = procurement_services.procurement_announce(
        actor=purchaser, procurement=retender, bid_deadline=deadline, now=issued
    )
    procurement_services.procurement_cancel(actor=purchaser, procurement=retender, reason="需求取消")
    new_ocid = builders.procurement_ocid(retender)
    # then the new process (its own ocid) links the plan's process, which is the failed one,
    # and ends cancelled
    assert new_ocid != ocid
    assert tags(new_ocid) == ["tender", "tenderCancellation"]
    cancelled = payloads(new_ocid)[-1]
    assert cancelled["tender"]["status"] == "cancelled"
    assert cancelled["relatedProcesses"] == [
        {
            "id": "planning",
            "relationship": ["planning", "unsuccessfulProcess"],
            "title": plan.intention.title,
            "scheme": "ocid",
            "identifier": ocid,
        }
    ]
    # and the plan's process links it back, once, in a planningUpdate release
    assert tags(ocid)[-1] == "planningUpdate" and tags(ocid).count("planningUpdate") == 1
    assert payloads(ocid)[-1]["relatedProcesses"] == [
        {
            "id": f"later-{retender.reference}",
            "relationship": ["replacementProcess"],
            "title": retender.title,
            "scheme": "ocid",
            "identifier": new_ocid,
        }
    ]
    assert process_link_problems() == []
    assert_no_release_repeats_its_predecessor()
    assert validate_everything(client) > 0


def test_a_draft_cancelled_before_publication_emits_nothing(
    purchaser: Any, make_plan: Callable[..., Any]
) -> None:
    procurement = procurement_services.procurement_create(actor=purchaser, plan=make_plan(), documents="x")
    procurement_services.procurement_cancel(actor=purchaser, procurement=procurement, reason="不再需要")
    # the plan's process keeps only its planning release
    assert tags(builders.procurement_ocid(procurement)) == ["planning"]
    assert AuditEvent.objects.filter(action="procurement.cancelled").exists()


def test_single_source_notice_names_the_supplier_and_maps_to_direct(
    purchaser: Any, make_plan: Callable[..., Any], suppliers: list[Any], client: Client
) -> None:
    plan = make_plan("single_source", only_one_supplier=True)
    org = suppliers[0].organization
    procurement = procurement_services.procurement_create(
        actor=purchaser,
        plan=plan,
        documents="单一来源采购文件",
        single_source_supplier=org,
        single_source_reason="唯一具备资质的机构",
    )
    issued = timezone.now()
    procurement_services.procurement_announce(
        actor=purchaser, procurement=procurement, bid_deadline=issued + timedelta(days=20)
    )
    release = payloads(builders.procurement_ocid(procurement))[-1]
    assert release["tag"] == ["tender"]
    assert release["tender"]["procurementMethod"] == "direct"
    assert release["tender"]["procurementMethodDetails"] == "单一来源"
    assert org.name in release["tender"]["procurementMethodRationale"]
    assert {"id": f"CN-USCI-{org.uscc}"}.items() <= next(
        p for p in release["parties"] if "interestedParty" in p["roles"]
    ).items()
    assert validate_everything(client) > 0


def next_link(response: Any) -> str | None:
    """The URL of the response's ``Link: <…>; rel="next"`` header, if any (RFC 8288)."""
    match = re.fullmatch(r'<([^>]+)>; rel="next"', response.get("Link", ""))
    return match.group(1) if match else None


def test_feed_pages_follow_the_cursor(purchaser: Any, make_plan: Callable[..., Any], client: Client) -> None:
    for _n in range(3):
        make_plan("open_tender")
    total = Release.objects.count()
    assert total == 3
    first_response = client.get("/api/v1/opendata/releases?after=0&limit=2")
    first = first_response.json()
    assert [r["tag"] for r in first["releases"]] == [["planning"], ["planning"]]
    assert int(first_response["OpenGPS-Feed-Cursor"]) == Release.objects.order_by("position")[1].position
    next_url = next_link(first_response)
    assert next_url is not None
    second_response = client.get(next_url)
    second = second_response.json()
    last = selectors.stats()["last_position"]
    assert len(second["releases"]) == 1 and int(second_response["OpenGPS-Feed-Cursor"]) == last
    assert next_link(second_response) is None  # the current end: nothing to follow
    assert "links" not in second and "cursor" not in second
    empty_response = client.get(f"/api/v1/opendata/releases?after={last}&limit=2")
    assert empty_response.json()["releases"] == [] and next_link(empty_response) is None
    assert int(empty_response["OpenGPS-Feed-Cursor"]) == last
    assert Decimal(str(first["releases"][0]["planning"]["budget"]["amount"]["amount"])) == Decimal("300000")


@pytest.mark.parametrize("limit", [1, 2, 5, 6])
def test_following_next_from_the_first_page_ends_with_every_release_once(
    limit: int, purchaser: Any, make_plan: Callable[..., Any], client: Client
) -> None:
    # given 5 releases (limit 5 ends exactly on a page boundary)
    for _n in range(5):
        make_plan("open_tender")
    expected = list(Release.objects.order_by("position").values_list("release_id", flat=True))
    # when a client follows the next link from the first page until it disappears
    url: str | None = f"/api/v1/opendata/releases?limit={limit}"
    seen: list[str] = []
    pages = 0
    while url is not None:
        pages += 1
        assert pages <= len(expected) + 1, "the feed links next forever"
        response = client.get(url)
        package = response.json()
        # then every page is a valid package whose every field the OCDS 1.1.5 schema declares
        assert not schema_errors("release-package", package)
        assert set(package) <= schema_properties("release-package")
        seen += [r["id"] for r in package["releases"]]
        url = next_link(response)
    # then it stopped, having seen every release exactly once, in order
    assert seen == expected
    assert pages == -(-len(expected) // limit)


def test_contract_signed_then_terminated_publishes_a_termination(
    purchaser: Any, make_contract: Callable[..., Any], client: Client
) -> None:
    # given a contract created from the award (draft: not public) and then signed
    contract = make_contract()
    ocid = builders.procurement_ocid(contract.procurement)
    assert tags(ocid)[-1] == "award"
    contract_services.milestone_add(
        actor=purchaser, contract=contract, title="第一季度服务", due_on=contract.ends_on
    )
    contract_services.contract_sign(actor=purchaser, contract=contract)
    signed = payloads(ocid)[-1]["contracts"][0]
    assert signed["milestones"][0]["status"] == "scheduled"
    # when it is terminated early for the supplier's fault
    contract_services.contract_terminate(
        actor=purchaser, contract=contract, reason="服务严重不达标", fault="supplier"
    )
    contract.refresh_from_db()
    # then the signing and the termination are published, the contract ending "terminated"
    assert tags(ocid)[-2:] == ["contract", "contractTermination"]
    ended = payloads(ocid)[-1]["contracts"][0]
    assert ended["status"] == "terminated" and "服务严重不达标" in ended["description"]
    assert "提前解除" in ended["description"]
    assert payloads(ocid)[-2]["contracts"][0]["status"] == "active"
    # and the milestone that can no longer be met is notMet as of the termination day
    (milestone,) = ended["milestones"]
    assert milestone["status"] == "notMet" and "dateMet" not in milestone
    assert milestone["dateModified"] == f"{contract.terminated_on.isoformat()}T00:00:00+08:00"
    assert validate_everything(client) > 0


def test_day_only_end_dates_are_the_end_of_the_day(purchaser: Any, make_contract: Callable[..., Any]) -> None:
    # given a signed contract with a milestone
    contract = make_contract()
    contract_services.milestone_add(
        actor=purchaser, contract=contract, title="中期服务", due_on=contract.ends_on
    )
    contract_services.contract_sign(actor=purchaser, contract=contract)
    # when it is published
    published = payloads(builders.procurement_ocid(contract.procurement))[-1]["contracts"][0]
    # then end dates include their whole last day; start dates begin at midnight
    assert published["period"] == {
        "startDate": f"{contract.starts_on.isoformat()}T00:00:00+08:00",
        "endDate": f"{contract.ends_on.isoformat()}T23:59:59+08:00",
    }
    assert published["milestones"][0]["dueDate"] == f"{contract.ends_on.isoformat()}T23:59:59+08:00"
    assert published["dateSigned"].endswith("T00:00:00+08:00")
