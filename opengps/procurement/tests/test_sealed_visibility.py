"""Before the deadline no role sees bid content, bidders or their number — on any page or endpoint.

The check is differential: every page and endpoint is fetched by every role after the
announcement, then again after three suppliers obtained the documents and bid (one modified, one
withdrew and bid again). Each role must get byte-identical responses (CSRF tokens aside), so not
even the number of bids or of documents obtained leaks. The stored columns are checked with raw
SQL to hold only ciphertext.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from opengps.core import transparency
from opengps.core.errors import ServiceError
from opengps.demo.world import announce_times, bid_files
from opengps.procurement import services
from opengps.procurement.models import BidReadout, BidSubmission, BidVersion, Procurement

pytestmark = pytest.mark.django_db

PRICES = ["268123.45", "271456.78", "265987.12", "259111.99"]
SHOWN_PRICES = [*PRICES, *(f"{Decimal(p):,}" for p in PRICES)]
"""The prices as text and as pages show money (grouped: 268,123.45)."""
MARKERS = ["TECH-SECRET-7731", "QUAL-SECRET-4410"]
# Collusion evidence: contacts are sealed bid content; the source address and device are kept
# outside the seal but shown nowhere before the opening.
CONTACTS = [
    ("联系人甲乙丙", "0731-88776655"),
    ("联系人丁戊己", "13907310042"),
    ("联系人庚辛壬", "13807319911"),
]
SOURCES = ["203.0.113.77", "198.51.100.23", "203.0.113.77"]
DEVICES = [services.device_fingerprint("SecretBrowser/1.0 (bid-station)", f"dev-{n}") for n in (1, 2, 1)]
EVIDENCE = [*(c for pair in CONTACTS for c in pair), *SOURCES, *DEVICES]
CSRF = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken" value=""'),
    (re.compile(r'"X-CSRFToken": "[^"]+"'), '"X-CSRFToken": ""'),
]


def _normal(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace")
    for pattern, replacement in CSRF:
        text = pattern.sub(replacement, text)
    return text


@pytest.fixture
def world(
    purchaser: Any,
    agency: Any,
    finance: Any,
    auditor: Any,
    admin_user: Any,
    make_plan: Callable[..., Any],
    suppliers: list[Any],
    settings: Any,
    tmp_path: Path,
) -> dict[str, Any]:
    settings.OPENGPS_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    plan = make_plan("open_tender")
    procurement = services.procurement_create(
        actor=purchaser, plan=plan, documents="招标文件", agency=agency.unit
    )
    issued, deadline = announce_times()
    procurement = services.procurement_announce(
        actor=agency, procurement=procurement, bid_deadline=deadline, now=issued
    )
    other = suppliers[4]
    services.documents_obtain(actor=other, procurement=procurement)
    services.enquiry_ask(actor=other, procurement=procurement, question="服务期限能否延长？")
    # a published transparency-log checkpoint, so its endpoints have something to show
    transparency.checkpoint_create()
    return {
        "procurement": procurement,
        "bidders": suppliers[:3],
        "roles": {
            "purchaser": purchaser,
            "agency": agency,
            "finance": finance,
            "auditor": auditor,
            "admin": admin_user,
            "other_supplier": other,
            "supplier_without_documents": suppliers[3],
            "anonymous": None,
        },
    }


def _urls(procurement: Procurement) -> list[str]:
    pk = procurement.pk
    api = f"/api/v1/procurement/{pk}"
    return [
        "/procurement/",
        f"/procurement/{pk}/",
        f"/procurement/{pk}/notice/",
        "/procurement/notifications/",
        "/procurement/receipts/verify/",
        "/api/v1/procurement/",
        api,
        f"{api}/enquiries",
        f"{api}/objections",
        f"{api}/documents",
        f"{api}/register",
        f"{api}/my-bids",
        f"{api}/opening",
        "/api/v1/procurement/notifications/mine",
        f"/api/v1/audit/procurement.procurement/{pk}",
        f"/audit/procurement.procurement/{pk}/",
        "/audit/",
        "/admin/",
        "/admin/procurement/procurement/",
        f"/admin/procurement/procurement/{pk}/change/",
        "/admin/core/auditevent/",
        "/planning/",
        "/registry/",
        # the platform-wide transparency log: only checkpointed sizes, never the live one
        "/api/v1/transparency/checkpoints",
        "/api/v1/transparency/checkpoints/latest",
        "/api/v1/transparency/consistency?first=0&second=0",
        "/api/v1/transparency/consistency?first=0&second=1",
        "/api/v1/transparency/consistency?first=0&second=3",
        f"/api/v1/transparency/proof?leaf={'ab' * 32}",
    ]


def _snapshot(roles: dict[str, Any], urls: list[str]) -> dict[tuple[str, str], tuple[int, str]]:
    shots = {}
    for name, user in roles.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            shots[(name, url)] = (response.status_code, _normal(response.content))
    return shots


def _bid_all(world: dict[str, Any]) -> list[services.BidAck]:
    procurement = world["procurement"]
    lot = procurement.lots.get(number=1)
    acks = []
    for n, (user, price) in enumerate(zip(world["bidders"], PRICES, strict=False)):
        services.documents_obtain(actor=user, procurement=procurement)
        acks.append(
            services.bid_submit(
                actor=user,
                lot=lot,
                price_total=price,
                files=bid_files(),
                preferences=["small_micro"],
                contact_name=CONTACTS[n][0],
                contact_phone=CONTACTS[n][1],
                source_ip=SOURCES[n],
                source_device=DEVICES[n],
            )
        )
    first, _second, third = world["bidders"]
    acks.append(
        services.bid_modify(
            actor=first,
            lot=lot,
            price_total=PRICES[3],
            files=bid_files(),
            contact_name=CONTACTS[0][0],
            contact_phone=CONTACTS[0][1],
            source_ip=SOURCES[0],
            source_device=DEVICES[0],
        )
    )
    acks.append(services.bid_withdraw(actor=third, lot=lot, source_ip=SOURCES[2], source_device=DEVICES[2]))
    acks.append(
        services.bid_submit(
            actor=third,
            lot=lot,
            price_total=PRICES[2],
            files=bid_files(),
            contact_name=CONTACTS[2][0],
            contact_phone=CONTACTS[2][1],
            source_ip=SOURCES[2],
            source_device=DEVICES[2],
        )
    )
    return acks


def test_no_role_sees_bids_bidders_or_their_number_before_the_deadline(
    world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    # given every page and endpoint as each role sees it right after the announcement
    procurement = world["procurement"]
    urls = _urls(procurement)
    before = _snapshot(world["roles"], urls)
    assert before[("purchaser", f"/procurement/{procurement.pk}/")][0] == 200
    assert before[("admin", "/admin/procurement/procurement/")][0] == 200
    assert before[("anonymous", "/api/v1/transparency/checkpoints/latest")][0] == 200
    # when three suppliers obtain the documents and bid, modify and withdraw (logging everything)
    with caplog.at_level(logging.DEBUG):
        acks = _bid_all(world)
    after = _snapshot(world["roles"], urls)
    # then no role's view changed in any byte
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []
    # and nothing secret appears anywhere, nor in the logs
    names = [u.organization.name for u in world["bidders"]] + [u.organization.uscc for u in world["bidders"]]
    for (role, url), (_status, body) in after.items():
        # pages listing organizations or audit events in general show the bidders' names from
        # their registration; the byte comparison above proves those pages did not change
        about_procurement = "procurement" in url
        for secret in [*SHOWN_PRICES, *MARKERS, *EVIDENCE, *(names if about_procurement else [])]:
            assert secret not in body, (role, url, secret)
    for secret in [*PRICES, *MARKERS, *EVIDENCE, *names]:
        assert secret not in caplog.text
    # and a supplier sees only its own receipts, never another's
    first_version = acks[0].version
    for role in ("purchaser", "agency", "finance", "auditor", "admin", "other_supplier", "anonymous"):
        client = Client()
        if world["roles"][role] is not None:
            client.force_login(world["roles"][role])
        assert client.get(f"/procurement/receipts/{first_version.pk}/").status_code in {302, 404}
        assert client.get(f"/api/v1/procurement/receipts/{first_version.pk}").status_code in {401, 404}


def test_a_bidder_sees_its_own_receipts_but_no_other_bid(world: dict[str, Any]) -> None:
    acks = _bid_all(world)
    procurement = world["procurement"]
    bidder = world["bidders"][0]
    client = Client()
    client.force_login(bidder)
    own = client.get(f"/api/v1/procurement/{procurement.pk}/my-bids").json()
    assert [v["kind"] for v in own[0]["versions"]] == ["submit", "modify"]
    page = client.get(f"/procurement/{procurement.pk}/").content.decode()
    receipt_page = client.get(f"/procurement/receipts/{acks[0].version.pk}/").content.decode()
    assert acks[0].receipt.sealed_sha256 in receipt_page and "BEGIN PUBLIC KEY" in receipt_page
    for body in (page, receipt_page, str(own)):
        for other in world["bidders"][1:]:
            assert other.organization.name not in body
        for secret in [*SHOWN_PRICES, *MARKERS, *EVIDENCE]:  # sealed even for its author
            assert secret not in body


def test_the_database_holds_only_ciphertext(world: dict[str, Any]) -> None:
    _bid_all(world)
    # every column of every table, read with raw SQL
    contacts = [c for pair in CONTACTS for c in pair]
    secrets = [s.encode() for s in [*PRICES, *MARKERS, *contacts]] + ["技术响应".encode(), "报价表".encode()]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 — table names from introspection
            for row in cursor.fetchall():
                for cell in row:
                    raw = bytes(cell) if isinstance(cell, bytes | memoryview) else str(cell).encode()
                    for secret in secrets:
                        assert secret not in raw, (table, secret)
        cursor.execute("SELECT sealed_manifest FROM procurement_bidversion")
        manifests = [bytes(row[0]) for row in cursor.fetchall()]
        cursor.execute("SELECT sealed FROM procurement_bidfile")
        files = [bytes(row[0]) for row in cursor.fetchall()]
    assert len(manifests) == 6 and len(files) == 15
    assert all(blob.startswith(b"OGS1") for blob in manifests + files)


def test_after_the_deadline_officials_see_the_register_and_readouts(world: dict[str, Any]) -> None:
    _bid_all(world)
    procurement = world["procurement"]
    # the deadline passes (time travel: bids were accepted while it was ahead)
    Procurement.objects.filter(pk=procurement.pk).update(bid_deadline=timezone.now())
    roles = world["roles"]
    agency = Client()
    agency.force_login(roles["agency"])
    register = agency.get(f"/api/v1/procurement/{procurement.pk}/register").json()
    assert len(register) == 4  # three bidders and the other supplier
    opened = agency.post(f"/api/v1/procurement/{procurement.pk}/open", content_type="application/json")
    assert opened.status_code == 200, opened.content
    data = opened.json()
    assert sorted(r["price_total"] for r in data["readouts"]) == sorted([PRICES[3], PRICES[1], PRICES[2]])
    assert all(r["valid"] for r in data["readouts"]) and data["proceeds"]
    page = agency.get(f"/procurement/{procurement.pk}/").content.decode()
    assert world["bidders"][1].organization.name in page
    assert "271,456.78" in page
    # a supplier that did not bid does not see the readouts; a bidder does
    other = Client()
    other.force_login(roles["other_supplier"])
    assert other.get(f"/api/v1/procurement/{procurement.pk}/opening").status_code == 404
    bidder = Client()
    bidder.force_login(world["bidders"][0])
    assert bidder.get(f"/api/v1/procurement/{procurement.pk}/opening").status_code == 200
    assert BidSubmission.objects.count() == 3 and BidVersion.objects.count() == 6
    # the collusion evidence of each effective version is on its readout, and only now
    evidence = {
        r.organization_id: (r.source_ip, r.source_device, r.contact_name, r.contact_phone)
        for r in BidReadout.objects.all()
    }
    assert evidence == {
        user.organization_id: (SOURCES[n], DEVICES[n], *CONTACTS[n])
        for n, user in enumerate(world["bidders"])
    }


def test_the_screen_and_the_api_record_where_each_bid_came_from(world: dict[str, Any]) -> None:
    # given two bidders, one on the web form and one through the API, from one office and device
    from django.core.files.uploadedfile import SimpleUploadedFile

    from opengps.demo.world import PDF, xlsx_bytes

    procurement = world["procurement"]
    first, second, _third = world["bidders"]
    agent: dict[str, Any] = {
        "REMOTE_ADDR": "192.0.2.15",
        "HTTP_USER_AGENT": "BidBrowser/9",
        "HTTP_X_DEVICE_ID": "pc-7",
    }

    def files() -> dict[str, Any]:
        return {
            "qualification": SimpleUploadedFile("q.pdf", PDF),
            "technical": SimpleUploadedFile("t.pdf", PDF),
            "price_schedule": SimpleUploadedFile("p.xlsx", xlsx_bytes()),
        }

    pages = Client()
    pages.force_login(first)
    pages.post(f"/procurement/{procurement.pk}/obtain/", {}, **agent)
    page = pages.post(
        f"/procurement/{procurement.pk}/bid/",
        {
            "lot": "1",
            "price_total": "250000",
            "contact_name": "联系人子丑",
            "contact_phone": "0731-1234",
            **files(),
        },
        **agent,
    )
    assert page.status_code == 302
    api = Client()
    api.force_login(second)
    assert api.post(f"/api/v1/procurement/{procurement.pk}/documents", **agent).status_code == 201
    response = api.post(
        f"/api/v1/procurement/{procurement.pk}/lots/1/bid",
        {"price_total": "251000", "contact_name": "联系人寅卯", "contact_phone": "0731-1234", **files()},
        **agent,
    )
    assert response.status_code == 201, response.content
    # then both versions carry the address and the fingerprint of user agent + device id
    fingerprint = services.device_fingerprint("BidBrowser/9", "pc-7")
    assert set(BidVersion.objects.values_list("source_ip", "source_device")) == {("192.0.2.15", fingerprint)}
    # and no official's page or endpoint shows them before the deadline
    for user in (world["roles"]["purchaser"], world["roles"]["agency"], world["roles"]["auditor"]):
        client = Client()
        client.force_login(user)
        for url in _urls(procurement):
            body = client.get(url).content.decode("utf-8", errors="replace")
            for secret in ("192.0.2.15", fingerprint, "联系人子丑", "联系人寅卯", "0731-1234"):
                assert secret not in body, (url, secret)
    # a malformed contact phone is refused and changes nothing
    with pytest.raises(ServiceError) as error:
        services.bid_modify(
            actor=first,
            lot=procurement.lots.get(number=1),
            price_total="249000",
            files=bid_files(),
            contact_phone="call me maybe",
        )
    assert error.value.code == "bid.contact_invalid"
    assert BidVersion.objects.count() == 2
