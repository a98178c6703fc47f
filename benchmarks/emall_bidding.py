"""A 竞价 (e-mall online bidding) close on PostgreSQL: many suppliers quoting in the round's last seconds.

    python -m benchmarks.emall_bidding [--suppliers 200] [--duration 10] [--clients 16] [--database-url URL]

Recreates the dedicated database (default opengps_bench_emall_bids; created if missing), migrates it
and sets up through the platform's services: a published catalogue with 居家养老上门服务 (A0401), an
approved budget line, `--suppliers` supplier organizations (bulk-created and refreshed as
`benchmarks.bid_burst` does) each with one member account, entered in the e-mall by the operator and
selling the item through a reviewed, live listing; and a 竞价 round on the item posted by the
purchaser (posted two days earlier with a close an hour ahead, as the demo posts its rounds). Starts
gunicorn on 127.0.0.1 with `benchmarks.settings`; every supplier and the purchaser log in through
the login form (session + CSRF). The close is then moved to `--duration` seconds ahead by the
database clock, and `--clients` keep-alive threads quote through the API
(``POST /api/v1/emall/rounds/<id>/quote``): every supplier quotes once, two of every three keep
improving their quote until the close refuses them, the others try once more after the close; the
clients go on `GRACE_SECONDS` past the close. Halfway through, the purchaser reads the round through
the API: no count and no price may show. Afterwards the database is asked how many quote versions
are stored (their audit events: must equal the acknowledgements, one for one), how many were
received at or after the close (by the database clock: must be 0); the round's key is unwrapped
(it must refuse before the close) and every stored quote opened and compared with the price last
acknowledged to its supplier; then the round is closed through the service (awarded to the
lowest). Writes benchmarks/results/emall_bidding.{json,md}, prints the markdown and exits 1 when a
figure is wrong.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from benchmarks.bid_burst import Supplier, _connection, _send, reset_database
from benchmarks.generate import setup_django
from benchmarks.run import (
    HOST,
    RESULTS,
    MemorySampler,
    default_workers,
    free_port,
    gunicorn,
    percentile,
    wait_ready,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opengps_bench_emall_bids"
MAX_DURATION = 300.0
MAX_CLIENTS = 64
MAX_SUPPLIERS = 2000
MAX_QUOTES_PER_CLIENT = 100_000
GRACE_SECONDS = 1.5  # clients keep trying this long after the close, to see the refusals
PASSWORD = "bench-emall-bid-password-2026"  # benchmark-only accounts, throwaway database
LOGIN_PATH = "/accounts/login/"
LATE_CODE = "emall.quote_after_close"
CEILING = Decimal("40000.00")
TARGET_P99_MS = 1000.0


def quote_price(index: int, version: int) -> Decimal:
    """The price supplier `index` quotes in its `version`-th quote: below the ceiling, lower each time."""
    return (Decimal(36000) - 10 * index - version).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------------------------
# Set-up through the services


@dataclass(frozen=True)
class Setup:
    round_id: int
    reference: str
    usernames: list[str]
    usccs: list[str]
    seconds: float


def _suppliers(count: int, civil: Any, hashed: str) -> list[Any]:
    """`count` eligible organizations (bulk-created, then refreshed) with one member account each."""
    from opengps.accounts.models import Region
    from opengps.accounts.services import user_create
    from opengps.demo import world
    from opengps.registry.models import Organization
    from opengps.registry.services import OrganizationInput, organization_build, organizations_refresh

    district = Region.objects.get(pk="430104")
    orgs = [
        organization_build(
            OrganizationInput(
                name=f"竞价压力测试养老服务中心{n:04d}",
                uscc=world.uscc_for(9000 + n),
                org_type="social_service_agency",
                region="430104",
                founded_on=date(2015, 3, 1),
            ).normalized(),
            authority=civil,
            region=district,
        )
        for n in range(count)
    ]
    Organization.objects.bulk_create(orgs, batch_size=2000)
    saved = list(Organization.objects.order_by("pk"))
    organizations_refresh(organization_ids=[org.pk for org in saved])
    return [
        user_create(
            actor=None, username=f"quoter{n:04d}", password_hash=hashed, role="supplier", organization=org
        )
        for n, org in enumerate(saved)
    ]


def set_up(suppliers: int) -> Setup:
    """The catalogue, a budget line, `suppliers` entered suppliers with live listings, and an open round."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from opengps.accounts.models import Region
    from opengps.accounts.services import regions_load, user_create
    from opengps.catalog.services import CatalogueContent, ItemRow
    from opengps.core import clock
    from opengps.demo import world
    from opengps.emall import services

    started = time.perf_counter()
    year = clock.today().year
    regions_load()
    units = world.units_create()
    hashed = make_password(PASSWORD)

    def official(username: str, role: str, unit: Any) -> Any:
        return user_create(actor=None, username=username, password_hash=hashed, role=role, unit=unit)

    purchaser = official("bench-purchaser", "purchaser", units["civil"])
    finance = official("bench-finance", "finance", units["finance"])
    operator = official("bench-operator", "emall_operator", units["finance"])
    catalogue = world.catalogue_publish(
        finance,
        content=CatalogueContent(
            items=(
                ItemRow("A", "公共服务", 1, ""),
                ItemRow("A04", "养老服务", 2, "A"),
                ItemRow("A0401", "居家养老上门服务", 3, "A04"),
            ),
            prices=(),
        ),
        year=year,
        title="湖南省政府购买服务指导性目录（竞价基准测试）",
    )
    item = catalogue.items.get(code="A0401")
    line = world.budget_line_approved(
        purchaser=purchaser, finance=finance, code="430000-MZ-JJ", amount="600000", year=year
    )
    province = Region.objects.get(pk="430000")
    members = _suppliers(suppliers, units["civil"], hashed)
    for member in members:
        entry = services.entry_apply(
            actor=member,
            items=[item],
            contact_person="联系人",
            contact_phone="0731-88886666",
            statement="申请入驻湖南省政府采购电子卖场",
        )
        services.entry_decide(actor=operator, entry=entry, approve=True, note="资格审查通过")
        terms = services.listing_terms(
            title="居家养老上门服务（助餐助洁）",
            standard="每户每月上门8次，含助餐、助洁，服务记录可追溯",
            unit="户·月",
            unit_price="300",
            regions=[province],
            response_days=3,
            qualifications="持证养老护理员",
        )
        listing = services.listing_create(actor=member, item=item, terms=terms)
        services.listing_submit(actor=member, listing=listing)
        services.listing_review(actor=operator, version=listing.versions.get(), approve=True)
    # Posted two days ago (the rule's minimum window has run) with a close an hour ahead: the close
    # is moved to the burst later, by the database clock.
    now = timezone.now()
    posted = now - timedelta(days=2)
    bidding_round = services.round_post(
        actor=purchaser,
        item=item,
        title="居家养老上门服务（竞价压力测试）",
        quantity="100",
        measure_unit="户·月",
        service_region=Region.objects.get(pk="430100"),
        standard="每户每月上门8次，含助餐、助洁，服务记录可追溯",
        ceiling=CEILING,
        budget_line=line,
        closes_at=now + timedelta(hours=1),
        opens_at=posted,
        now=posted,
    )
    return Setup(
        bidding_round.pk,
        bidding_round.reference,
        [m.username for m in members],
        [m.organization.uscc for m in members],
        time.perf_counter() - started,
    )


def move_close(round_id: int, seconds: float) -> datetime:
    """Set the round's close `seconds` ahead of the database clock; returns it."""
    from opengps.emall.models import BiddingRound
    from opengps.procurement.clock import db_now

    closes = db_now() + timedelta(seconds=seconds)
    BiddingRound.objects.filter(pk=round_id).update(closes_at=closes)
    return closes


# ---------------------------------------------------------------------------------------------
# Clients


def log_in(port: int, account: Supplier) -> None:
    """The login form: the CSRF cookie, then the POST."""
    conn = _connection(port)
    try:
        conn, status, _body, response = _send(conn, port, "GET", LOGIN_PATH, None, {})
        account.remember(response)
        if status != 200 or "csrftoken" not in account.cookies:
            raise RuntimeError(f"login page: {status}")
        form = urlencode(
            {
                "username": account.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": account.cookies["csrftoken"],
            }
        ).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": account.cookie_header()}
        conn, status, _body, response = _send(conn, port, "POST", LOGIN_PATH, form, headers)
        account.remember(response)
        if status != 302 or "sessionid" not in account.cookies:
            raise RuntimeError(f"login of {account.username}: {status}")
    finally:
        conn.close()


def log_in_all(port: int, accounts: list[Supplier], clients: int) -> float:
    started = time.perf_counter()
    failures: list[str] = []
    queue = list(accounts)
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not queue or failures:
                    return
                account = queue.pop()
            try:
                log_in(port, account)
            except (OSError, RuntimeError, http.client.HTTPException) as exc:
                with lock:
                    failures.append(repr(exc))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    if failures:
        raise SystemExit(f"setting up the sessions failed: {failures[0]}")
    return time.perf_counter() - started


@dataclass
class BurstOutcome:
    statuses: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    acked: dict[tuple[str, int], Decimal] = field(default_factory=dict)
    """(supplier's username, quote version) → the price acknowledged."""
    refused_late: int = 0
    refusal_sample: dict[str, Any] = field(default_factory=dict)
    server_errors: int = 0
    other_refusals: list[str] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)
    acked_after_local_close: int = 0
    probe: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _improver(supplier: Supplier) -> bool:
    return supplier.index % 3 != 2  # two of every three keep improving; the others quote once


def _due(supplier: Supplier, now: float, close_perf: float) -> bool:
    """Whether the client sends this supplier's next quote now: its first, an improvement, or (for
    one who quoted once) one more try after the close."""
    if supplier.refused:
        return False
    return not supplier.submitted or _improver(supplier) or now >= close_perf


def _record(
    outcome: BurstOutcome,
    supplier: Supplier,
    price: Decimal,
    status: int,
    data: bytes,
    timing: tuple[float, ...],
) -> None:
    started, finished, close_perf = timing
    code = ""
    error: dict[str, Any] = {}
    if status != 201:
        try:
            error = json.loads(data).get("error") or {}
            code = str(error.get("code", ""))
        except (ValueError, AttributeError):
            code = ""
    with outcome.lock:
        outcome.statuses[f"{status} {code}".strip()] += 1
        if started < close_perf:
            outcome.latencies_ms.append((finished - started) * 1000)
        if status == 201:
            body = json.loads(data)
            outcome.acked[(supplier.username, int(body["version"]))] = price
            if started >= close_perf:
                outcome.acked_after_local_close += 1
        elif status >= 500:
            outcome.server_errors += 1
            outcome.other_refusals.append(f"{status} {data[:200]!r}")
        elif code == LATE_CODE:
            outcome.refused_late += 1
            if not outcome.refusal_sample:
                outcome.refusal_sample = {"status": status, **error}
        else:
            outcome.other_refusals.append(f"{status} {data[:200]!r}")
    if status == 201:
        supplier.submitted = True
        supplier.version += 1
    elif code == LATE_CODE:
        supplier.refused = True


def quoter(
    port: int,
    round_id: int,
    suppliers: Sequence[Supplier],
    close_perf: float,
    stop_perf: float,
    outcome: BurstOutcome,
) -> None:
    """One client: its suppliers in turn (first quotes first), until the close refuses every one."""
    conn = _connection(port)
    path = f"/api/v1/emall/rounds/{round_id}/quote"
    try:
        for _turn in range(MAX_QUOTES_PER_CLIENT):
            now = time.perf_counter()
            if now >= stop_perf or all(s.refused for s in suppliers):
                break
            due = [s for s in suppliers if _due(s, now, close_perf)]
            if not due:
                time.sleep(0.01)
                continue
            supplier = min(due, key=lambda s: (s.submitted, s.version, s.index))
            price = quote_price(supplier.index, supplier.version + 1)
            headers = {
                "Cookie": supplier.cookie_header(),
                "X-CSRFToken": supplier.cookies["csrftoken"],
                "Content-Type": "application/json",
                "Accept": "application/json",
            }
            body = json.dumps({"price": str(price)}).encode()
            started = time.perf_counter()
            try:
                conn, status, data, _response = _send(conn, port, "POST", path, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                with outcome.lock:
                    outcome.transport_errors.append(repr(exc))
                continue
            _record(outcome, supplier, price, status, data, (started, time.perf_counter(), close_perf))
    finally:
        conn.close()


def probe(port: int, purchaser: Supplier, round_id: int, at_perf: float, outcome: BurstOutcome) -> None:
    """The purchaser reads the round halfway through the burst: no count, no price."""
    time.sleep(max(0.0, at_perf - time.perf_counter()))
    conn = _connection(port)
    try:
        headers = {"Cookie": purchaser.cookie_header(), "Accept": "application/json"}
        conn, status, data, _response = _send(
            conn, port, "GET", f"/api/v1/emall/rounds/{round_id}", None, headers
        )
    finally:
        conn.close()
    body = json.loads(data) if status == 200 else {}
    hidden = status == 200 and all(
        body.get(key) is None for key in ("quote_count", "valid_quote_count", "awarded_price", "quotes")
    )
    outcome.probe = {"status": status, "hidden": hidden, "status_label": body.get("status_label", "")}


def burst(
    port: int, setup: Setup, suppliers: list[Supplier], purchaser: Supplier, clients: int, duration: float
) -> tuple[BurstOutcome, datetime, float]:
    """Move the close `duration` s ahead and let the clients quote until it refuses them."""
    from django.db import connection

    from opengps.procurement.clock import db_now

    shares = [suppliers[i::clients] for i in range(clients)]
    closes = move_close(setup.round_id, duration)
    remaining = (closes - db_now()).total_seconds()
    connection.close()
    began = time.perf_counter()
    close_perf = began + remaining
    outcome = BurstOutcome()
    threads = [
        threading.Thread(
            target=quoter,
            args=(port, setup.round_id, share, close_perf, close_perf + GRACE_SECONDS, outcome),
            daemon=True,
        )
        for share in shares
        if share
    ]
    threads.append(
        threading.Thread(
            target=probe, args=(port, purchaser, setup.round_id, began + remaining / 2, outcome), daemon=True
        )
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=remaining + GRACE_SECONDS + 60)
    return outcome, closes, remaining


# ---------------------------------------------------------------------------------------------
# The database afterwards


def stored_counts(setup: Setup, closes: datetime, outcome: BurstOutcome) -> dict[str, Any]:
    """The stored quote versions (their audit events) against the acknowledgements, and the late ones."""
    from opengps.core.models import AuditEvent
    from opengps.emall.events import Event
    from opengps.emall.models import Quote

    by_uscc = dict(zip(setup.usccs, setup.usernames, strict=True))
    events = AuditEvent.objects.filter(
        action__in=[Event.EMALL_QUOTE_SUBMITTED, Event.EMALL_QUOTE_IMPROVED],
        new_values__round=setup.reference,
    ).values_list("new_values", flat=True)
    stored: set[tuple[str, int]] = set()
    late_events = 0
    for values in events:
        stored.add((by_uscc.get(values["supplier"], values["supplier"]), int(values["version"])))
        if datetime.fromisoformat(values["received_at"]) >= closes:
            late_events += 1
    acked = set(outcome.acked)
    quotes = Quote.objects.filter(round_id=setup.round_id)
    last = quotes.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
    return {
        "acknowledged": len(acked),
        "stored": len(stored),
        "acknowledged_not_stored": len(acked - stored),
        "stored_not_acknowledged": len(stored - acked),
        "quote_rows": quotes.count(),
        "versions_in_rows": sum(quotes.values_list("version", flat=True)),
        "stored_at_or_after_close": late_events + quotes.filter(submitted_at__gte=closes).count(),
        "last_received_before_close_ms": round((closes - last).total_seconds() * 1000, 1) if last else None,
    }


def seal_check(setup: Setup, closes: datetime, outcome: BurstOutcome) -> dict[str, Any]:
    """The round's key refuses to open before the close; after it, every stored quote opens (its
    hash as stored, bound to the round, the supplier and the version) to the price last acknowledged."""
    from opengps.emall.models import BiddingRound, Quote
    from opengps.emall.services.bidding import quote_aad
    from opengps.procurement import sealing
    from opengps.procurement.clock import db_now

    bidding_round = BiddingRound.objects.get(pk=setup.round_id)
    wrapped = sealing.WrappedKey.from_text(bidding_round.wrapped_key, procurement_id=bidding_round.reference)
    try:
        sealing.unwrap_for_opening(wrapped, deadline=closes, now=closes - timedelta(microseconds=1))
        refused_before = False
    except sealing.SealError:
        refused_before = True
    key = sealing.unwrap_for_opening(wrapped, deadline=closes, now=db_now())
    usernames = dict(zip(setup.usccs, setup.usernames, strict=True))
    opened = matching = plain_in_blob = 0
    for quote in Quote.objects.filter(round_id=setup.round_id).select_related("supplier"):
        blob = sealing.SealedBlob.from_bytes(bytes(quote.sealed_price))
        try:
            if blob.sha256() != quote.sealed_sha256:
                continue
            price = Decimal(
                sealing.open_blob(
                    key, blob, quote_aad(bidding_round, quote.supplier.uscc, quote.version)
                ).decode()
            )
        except sealing.SealError:
            continue
        opened += 1
        plain_in_blob += str(price).encode() in bytes(quote.sealed_price)
        matching += outcome.acked.get((usernames[quote.supplier.uscc], quote.version)) == price
    return {
        "key_refused_before_close": refused_before,
        "opened": opened,
        "matching_last_acknowledged": matching,
        "plaintext_in_blob": plain_in_blob,
    }


def close_round(setup: Setup, outcome: BurstOutcome) -> dict[str, Any]:
    """Close the round through the service (the system's task) and check the award."""
    from opengps.emall import services
    from opengps.emall.models import BiddingRound

    started = time.perf_counter()
    closed = services.round_close(actor=None, bidding_round=BiddingRound.objects.get(pk=setup.round_id))
    seconds = time.perf_counter() - started
    last: dict[str, tuple[int, Decimal]] = {}
    for (username, version), price in outcome.acked.items():
        if username not in last or version > last[username][0]:
            last[username] = (version, price)
    lowest = min((price for _v, price in last.values()), default=None)
    return {
        "status": closed.status,
        "quote_count": closed.quote_count,
        "valid_quote_count": closed.valid_quote_count,
        "awarded_price": str(closed.awarded_price) if closed.awarded_price is not None else None,
        "lowest_acknowledged": str(lowest) if lowest is not None else None,
        "seconds": round(seconds, 2),
    }


# ---------------------------------------------------------------------------------------------
# Report


def targets(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    quotes, db, seal, close = report["quotes"], report["database"], report["seal"], report["close"]
    suppliers = report["config"]["suppliers"]
    return {
        "lost": {
            "target": 0,
            "met": db["acknowledged"] == db["stored"] == db["versions_in_rows"]
            and db["acknowledged_not_stored"] == 0
            and db["stored_not_acknowledged"] == 0,
        },
        "late": {"target": 0, "met": db["stored_at_or_after_close"] == 0},
        "refusals": {"met": quotes["refused_late"] > 0 and not quotes["other_refusals"]},
        "server_errors": {
            "target": 0,
            "met": quotes["server_errors"] == 0 and not quotes["transport_errors"],
        },
        "every_supplier": {"target": suppliers, "met": db["quote_rows"] == suppliers},
        "sealed": {
            "met": seal["key_refused_before_close"]
            and seal["opened"] == seal["matching_last_acknowledged"] == db["quote_rows"]
            and seal["plaintext_in_blob"] == 0
            and report["probe"].get("hidden") is True
        },
        "award": {
            "met": close["status"] == "awarded"
            and close["quote_count"] == db["quote_rows"]
            and close["awarded_price"] == close["lowest_acknowledged"]
        },
    }


def markdown(report: dict[str, Any]) -> str:
    quotes, db, seal, close, config = (
        report["quotes"],
        report["database"],
        report["seal"],
        report["close"],
        report["config"],
    )
    met = report["targets"]

    def mark(key: str) -> str:
        return "met" if met[key]["met"] else "**MISSED**"

    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(quotes["statuses"].items()))
    refusal = quote_refusal(quotes["refusal_sample"])
    lines = [
        "# 竞价 close benchmark (e-mall online bidding)",
        "",
        f"{report['timestamp']} · {report['machine']['cpus']} CPUs · Python {report['machine']['python']} · "
        f"{report['machine']['database']} · gunicorn {config['workers']} sync workers · "
        f"{config['suppliers']} suppliers over {config['clients']} clients · quoting in the last "
        f"{quotes['seconds']} s before the close and {config['grace_seconds']} s after · "
        f"load average at start {report['machine']['load_average_at_start']}",
        "",
        f"Set-up through the services {report['setup_seconds']} s (entries, reviewed listings, the round); "
        f"{config['suppliers'] + 1} logins (form + CSRF) in {report['login_seconds']} s.",
        "",
        "| quote requests before the close | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {quotes['requests_before_close']} | {quotes['rps']} | {quotes['p50_ms']} | {quotes['p95_ms']} | "
        f"{quotes['p99_ms']} | {quotes['max_ms']} |",
        "",
        f"Responses: {statuses}.",
        "",
        "| figure | count | target | |",
        "| --- | ---: | --- | --- |",
        f"| quotes acknowledged (201) | {db['acknowledged']} | = stored | {mark('lost')} |",
        f"| quote versions stored (audit events; versions in the rows: {db['versions_in_rows']}) | "
        f"{db['stored']} | = acknowledged | |",
        f"| acknowledged but not stored / stored but not acknowledged | "
        f"{db['acknowledged_not_stored']} / {db['stored_not_acknowledged']} | 0 / 0 | |",
        f"| quotes stored at or after the close (database clock) | {db['stored_at_or_after_close']} | 0 | "
        f"{mark('late')} |",
        f"| refused after the close ({LATE_CODE}) | {quotes['refused_late']} | > 0, no other refusal "
        f"({len(quotes['other_refusals'])}) | {mark('refusals')} |",
        f"| 5xx / transport errors | {quotes['server_errors']} / {len(quotes['transport_errors'])} | 0 | "
        f"{mark('server_errors')} |",
        f"| suppliers with a stored quote | {db['quote_rows']} | {config['suppliers']} | "
        f"{mark('every_supplier')} |",
        f"| quotes opened after the close = last acknowledged price | {seal['opened']} = "
        f"{seal['matching_last_acknowledged']} | all | {mark('sealed')} |",
        f"| key refused before the close · price in clear in a blob · round read mid-burst hides "
        f"count and prices | {seal['key_refused_before_close']} · {seal['plaintext_in_blob']} · "
        f"{report['probe'].get('hidden')} | yes · 0 · yes | |",
        f"| round closed through the service: {close['status']}, {close['quote_count']} quotes "
        f"({close['valid_quote_count']} valid) in {close['seconds']} s | {close['awarded_price']} | "
        f"lowest acknowledged {close['lowest_acknowledged']} | {mark('award')} |",
        "",
        f"Last stored quote before the close by {db['last_received_before_close_ms']} ms; "
        f"{quotes['acknowledged_after_local_close']} acknowledged to requests sent after the close by the "
        "client's own clock (received before it by the database's).",
        "",
    ]
    if refusal:
        lines += [f"Refusal after the close: {refusal}", ""]
    samples = [*quotes["other_refusals"], *quotes["transport_errors"]][:5]
    if samples:
        lines += ["Errors (first few):", "", *[f"- `{e}`" for e in samples], ""]
    return "\n".join(lines)


def quote_refusal(sample: dict[str, Any]) -> str:
    if not sample:
        return ""
    return f"{sample.get('status')} `{sample.get('code')}` — {sample.get('message', '')}"


def _quotes(outcome: BurstOutcome, window: float) -> dict[str, Any]:
    latencies = sorted(outcome.latencies_ms)
    return {
        "seconds": round(window, 2),
        "requests_before_close": len(latencies),
        "rps": round(len(latencies) / window, 1) if window > 0 else 0.0,
        "statuses": dict(outcome.statuses),
        "refused_late": outcome.refused_late,
        "refusal_sample": outcome.refusal_sample,
        "server_errors": outcome.server_errors,
        "other_refusals": outcome.other_refusals[:20],
        "transport_errors": outcome.transport_errors[:20],
        "acknowledged_after_local_close": outcome.acked_after_local_close,
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "max_ms": round(latencies[-1] if latencies else 0.0, 2),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="竞价 close benchmark (see benchmarks/README.md)")
    parser.add_argument("--suppliers", type=int, default=200, help="supplier organizations (default 200)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of quoting before the close")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="gunicorn workers")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_EMALL_BIDS_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_DURATION or not 0 < args.clients <= MAX_CLIENTS:
        parser.error(f"--duration must be in (0, {MAX_DURATION:.0f}] and --clients in [1, {MAX_CLIENTS}]")
    if not 3 <= args.suppliers <= MAX_SUPPLIERS:
        parser.error(f"--suppliers must be in [3, {MAX_SUPPLIERS}] (a round needs three quotes)")
    if not args.database_url.startswith("postgres"):
        parser.error("the benchmark runs on PostgreSQL (--database-url postgres://…)")

    load_at_start = os.getloadavg()[0]
    if load_at_start > 0.5:
        print(f"note: load average {load_at_start:.2f} at start; other work on this machine skews results")
    reset_database(args.database_url)
    setup_django(args.database_url)
    import django
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    setup = set_up(args.suppliers)
    print(f"set-up: {args.suppliers} entered suppliers, round {setup.reference} ({setup.seconds:.1f} s)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    connection.close()

    suppliers = [Supplier(name, n) for n, name in enumerate(setup.usernames)]
    purchaser = Supplier("bench-purchaser", -1)
    port = free_port()
    print(f"gunicorn: {args.workers} workers on {HOST}:{port}")
    with gunicorn(port, args.workers, args.database_url, RESULTS / "gunicorn_emall_bids.log") as process:
        wait_ready(port, process, timeout=240.0)  # a loaded machine boots workers slowly
        sampler = MemorySampler(process.pid)
        sampler.start()
        try:
            login_seconds = log_in_all(port, [purchaser, *suppliers], args.clients)
            print(f"logins: {len(suppliers) + 1} sessions in {login_seconds:.1f} s")
            print(f"burst: {args.clients} clients quoting until the close in {args.duration:.0f} s …")
            outcome, closes, window = burst(port, setup, suppliers, purchaser, args.clients, args.duration)
        finally:
            sampler.stop()
    database = stored_counts(setup, closes, outcome)
    seal = seal_check(setup, closes, outcome)
    close = close_round(setup, outcome)
    connection.close()

    report: dict[str, Any] = {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "database": f"PostgreSQL {server_version}",
            "load_average_at_start": round(load_at_start, 2),
        },
        "config": {
            "suppliers": args.suppliers,
            "duration": args.duration,
            "clients": args.clients,
            "workers": args.workers,
            "grace_seconds": GRACE_SECONDS,
        },
        "setup_seconds": round(setup.seconds, 1),
        "login_seconds": round(login_seconds, 1),
        "round": setup.reference,
        "closes_at": closes.isoformat(),
        "quotes": _quotes(outcome, window),
        "probe": outcome.probe,
        "database": database,
        "seal": seal,
        "close": close,
        "workers": [{"pid": pid, "max_rss_mb": round(mb, 1)} for pid, mb in sorted(sampler.max_rss.items())],
    }
    report["targets"] = targets(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "emall_bidding.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    text = markdown(report)
    (RESULTS / "emall_bidding.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(t["met"] for t in report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
