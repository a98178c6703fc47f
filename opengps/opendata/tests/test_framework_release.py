"""A framework agreement's announced shortlist is published as one award naming every member, with its
入围结果公告 page as the award's document; ``tender.techniques`` is the declared techniques extension's."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from opengps.evaluation.models import FrameworkShortlist
from opengps.evaluation.tests.test_scenario_framework import _first_stage, _framework
from opengps.evaluation.tests.test_scenarios_award import _post
from opengps.opendata import selectors
from opengps.opendata.builders import procurement_ocid, public_base_url
from opengps.opendata.models import Release
from opengps.opendata.tests.test_libcove import findings, no_network

TECHNIQUES = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/master/extension.json"

pytestmark = pytest.mark.django_db


def test_announced_shortlist_is_an_award_with_every_member_and_validates(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    assert_valid: Callable[[str, Any], None],
) -> None:
    # given a framework agreement whose committee has shortlisted four of five suppliers
    procurement = _framework(purchaser, make_plan)
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user)
    ocid = procurement_ocid(procurement)
    assert not any("awards" in json.loads(r.payload) for r in Release.objects.filter(ocid=ocid))
    # when the shortlist is announced
    _post(purchaser, f"{procurement.pk}/shortlist/announce")
    # then the award release names the four members (by USCC) and nobody else, in schema
    last = Release.objects.filter(ocid=ocid, tag="award").order_by("position").last()
    assert last is not None
    award_release = json.loads(last.payload)
    (award,) = award_release["awards"]
    members = FrameworkShortlist.objects.get(lot__procurement=procurement).members.all()
    expected = {f"CN-USCI-{m.organization.uscc}" for m in members}
    assert {s["id"] for s in award["suppliers"]} == expected and len(expected) == 4
    assert award_release["tender"]["techniques"] == {"hasFrameworkAgreement": True}
    assert_valid("release-package", json.loads(selectors.release_package(ocid=ocid, uri="http://x/")))
    assert_valid("record-package", json.loads(selectors.record_package(ocid=ocid, uri="http://x/")))
    # and its document is the 入围结果公告, served without login, naming every member
    (document,) = award["documents"]
    assert document["documentType"] == "awardNotice" and document["format"] == "text/html"
    page = Client().get(document["url"].removeprefix(public_base_url()))
    assert page.status_code == 200
    assert all(m.organization.name in page.content.decode() for m in members)


def test_the_framework_release_is_clean_for_the_review_engine_with_the_techniques_extension(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    # given an announced framework shortlist
    procurement = _framework(purchaser, make_plan)
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user)
    _post(purchaser, f"{procurement.pk}/shortlist/announce")
    ocid = procurement_ocid(procurement)
    # when the engine reviews its packages offline
    packages = {
        "release package": json.loads(selectors.release_package(ocid=ocid, uri="http://x/")),
        "record package": json.loads(selectors.record_package(ocid=ocid, uri="http://x/")),
    }
    with no_network() as offline:
        problems = {name: findings(package) for name, package in packages.items()}
    # then tender.techniques is a field of the declared techniques extension: nothing is found
    # (undeclared, it is an additional field), read from the local copy; nothing was fetched
    assert problems == {name: [] for name in packages}, problems
    assert all(TECHNIQUES in package["extensions"] for package in packages.values())
    assert offline.refused == [], offline.refused
    assert any("/ocds_techniques_extension/" in url for url in offline.served), offline.served


def test_call_off_contract_is_published_under_the_framework_award_and_validates(
    purchaser: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    make_expert: Callable[..., Any],
    make_user: Callable[..., Any],
    assert_valid: Callable[[str, Any], None],
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from opengps.contracts import services as contract_services
    from opengps.evaluation.models import FrameworkCallOff

    # given an announced shortlist and a direct call-off
    procurement = _framework(purchaser, make_plan)
    _first_stage(purchaser, procurement, suppliers, make_expert, make_user)
    _post(purchaser, f"{procurement.pk}/shortlist/announce")
    _post(
        purchaser, f"{procurement.pk}/shortlist/1/call-offs", {"description": "助餐服务", "amount": "120000"}
    )
    call_off = FrameworkCallOff.objects.get()
    # when its contract is drafted, signed and published
    today = timezone.localdate()
    contract = contract_services.contract_create_from_call_off(
        actor=purchaser, call_off=call_off, starts_on=today, ends_on=today + timedelta(days=90)
    )
    contract = contract_services.contract_sign(actor=purchaser, contract=contract)
    contract_services.contract_publish(actor=purchaser, contract=contract)
    # then the contract release names the framework award and the whole package validates
    ocid = procurement_ocid(procurement)
    last = Release.objects.filter(ocid=ocid, tag="contract").order_by("position").last()
    assert last is not None
    (published,) = json.loads(last.payload)["contracts"]
    assert published["awardID"] == "lot-1" and published["value"]["amount"] == 120000
    assert_valid("release-package", json.loads(selectors.release_package(ocid=ocid, uri="http://x/")))
    assert_valid("record-package", json.loads(selectors.record_package(ocid=ocid, uri="http://x/")))
