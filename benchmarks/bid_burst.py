"""A bid-deadline burst on PostgreSQL: many suppliers submitting sealed bids in the last seconds.

    python -m benchmarks.bid_burst [--suppliers 200] [--duration 20] [--clients 16] [--database-url URL]

Recreates the dedicated database (default opengps_bench_bids), migrates it and sets up through the
platform's services an open tender announced with a far deadline and `--suppliers` eligible supplier
organizations (bulk-created as `benchmarks.generate` does, then `organizations_refresh`) with one
member account each (one pre-hashed password, `user_create(password_hash=...)`). Starts gunicorn on
127.0.0.1 with `benchmarks.settings`; every supplier logs in through the login form (session + CSRF)
and obtains the documents through the API. The deadline is then moved to `--duration` seconds ahead
by the database clock (as `procurement/tests/test_deadline_race.py` does), and `--clients` threads
submit and then keep modifying their suppliers' sealed bids through the API until the deadline
refuses them. Afterwards the database is asked how many bid versions are stored (must equal the
receipts returned) and how many were received at or after the deadline (must be 0); the bare
endpoint is measured with the same clients in the same run. Writes
benchmarks/results/bid_burst.{json,md}, prints the markdown, exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import platform
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from benchmarks.generate import PG_START_HINT, setup_django
from benchmarks.run import (
    BARE_PATH,
    HOST,
    RESULTS,
    MemorySampler,
    Request,
    default_workers,
    drive,
    free_port,
    gunicorn,
    percentile,
    wait_ready,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opengps_bench_bids"
MAX_DURATION = 300.0
MAX_CLIENTS = 64
MAX_SUPPLIERS = 2000
MAX_BIDS_PER_CLIENT = 100_000
GRACE_SECONDS = 1.5  # clients keep trying this long after the deadline, to see the refusals
PASSWORD = "bench-bid-password-2026"  # benchmark-only accounts, throwaway database
LOGIN_PATH = "/accounts/login/"

TARGET_RATIO = 0.10
TARGET_P99_MS = 1000.0
TARGET_WORKER_MB = 300.0

PLAN_TODAY = date(2026, 3, 2)  # the planning steps run on planning's calendar, as in the tests
PLAN_START = date(2026, 4, 13)


def _pdf(marker: str) -> bytes:
    return b"%PDF-1.7\n" + marker.encode() + b"\n%%EOF\n"


# ---------------------------------------------------------------------------------------------
# Database and set-up through the services


def reset_database(database_url: str) -> None:
    """Drop and create the dedicated database, so every run counts only its own bids."""
    parts = urlsplit(database_url)
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    if not name.startswith("opengps_bench"):
        raise SystemExit(
            f"refusing to recreate {name!r}: the benchmark database's name starts with opengps_bench"
        )
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        raise SystemExit(
            f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({exc}).\n"
            f"Start it with:  {PG_START_HINT}"
        ) from exc


@dataclass(frozen=True)
class Setup:
    procurement_id: int
    lot: int
    usernames: list[str]
    seconds: float


def set_up(suppliers: int) -> Setup:
    """An announced open tender and `suppliers` eligible organizations with one member each.

    The units, catalogue, budget line, project and plan come from the world builder
    (`opengps.demo.world`), as in the tests; the accounts share one pre-hashed password."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from opengps.accounts.models import Region
    from opengps.accounts.services import regions_load, user_create
    from opengps.catalog.services import CatalogueContent, ItemRow
    from opengps.core import clock
    from opengps.demo import world
    from opengps.procurement import services as procurement_services
    from opengps.registry.models import Organization
    from opengps.registry.services import OrganizationInput, organization_build, organizations_refresh

    started = time.perf_counter()
    regions_load()
    units = world.units_create()
    civil = units["civil"]
    hashed = make_password(PASSWORD)

    def official(username: str, role: str, unit: Any) -> Any:
        return user_create(actor=None, username=username, password_hash=hashed, role=role, unit=unit)

    purchaser = official("bench-purchaser", "purchaser", civil)
    head = official("bench-head", "purchaser", civil)
    finance = official("bench-finance", "finance", units["finance"])

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
        title="湖南省政府购买服务指导性目录（基准测试）",
    )

    # The planning steps run on planning's calendar (the demo's simulated day; moments stay real).
    with clock.simulated_today(PLAN_TODAY):
        line = world.budget_line_approved(
            purchaser=purchaser, finance=finance, code="430000-MZ-BID", amount="600000"
        )
        project = world.project_approved(
            purchaser=purchaser,
            head=head,
            finance=finance,
            catalogue=catalogue,
            name="全省居家养老上门服务（投标截止压力测试）",
        )
        plan = world.plan_ready(
            purchaser=purchaser, finance=finance, project=project, line=line, starts_on=PLAN_START
        )
    with clock.simulated_today(PLAN_START):
        plan.refresh_from_db()
        procurement = procurement_services.procurement_create(
            actor=purchaser, plan=plan, documents="招标文件"
        )
    # Announced 40 days ago with a deadline an hour ahead: the deadline is moved to the burst later.
    now = timezone.now()
    procurement = procurement_services.procurement_announce(
        actor=purchaser,
        procurement=procurement,
        bid_deadline=now + timedelta(hours=1),
        now=now - timedelta(days=40),
    )

    district = Region.objects.get(pk="430104")
    orgs = [
        organization_build(
            OrganizationInput(
                name=f"投标压力测试养老服务中心{n:04d}",
                uscc=world.uscc_for(7000 + n),
                org_type="social_service_agency",
                region="430104",
                founded_on=date(2015, 3, 1),
            ).normalized(),
            authority=civil,
            region=district,
        )
        for n in range(suppliers)
    ]
    Organization.objects.bulk_create(orgs, batch_size=2000)
    saved = list(Organization.objects.order_by("pk"))
    organizations_refresh(organization_ids=[org.pk for org in saved])
    usernames = []
    for n, org in enumerate(saved):
        user = user_create(
            actor=None, username=f"bidder{n:04d}", password_hash=hashed, role="supplier", organization=org
        )
        usernames.append(user.username)
    lot = procurement.lots.get(number=1)
    return Setup(procurement.pk, lot.number, usernames, time.perf_counter() - started)


def move_deadline(procurement_id: int, seconds: float) -> datetime:
    """Set the bid deadline `seconds` ahead of the database clock; returns it."""
    from opengps.procurement.clock import db_now
    from opengps.procurement.models import Procurement

    deadline = db_now() + timedelta(seconds=seconds)
    Procurement.objects.filter(pk=procurement_id).update(bid_deadline=deadline)
    return deadline


# ---------------------------------------------------------------------------------------------
# Clients


@dataclass
class Supplier:
    username: str
    index: int
    cookies: dict[str, str] = field(default_factory=dict)
    submitted: bool = False
    refused: bool = False
    version: int = 0

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def remember(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value


def _connection(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(HOST, port, timeout=30)


def _send(
    conn: http.client.HTTPConnection,
    port: int,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
) -> tuple[http.client.HTTPConnection, int, bytes, http.client.HTTPResponse]:
    """One request on a keep-alive connection, reopened once if the server had closed it."""
    for attempt in (1, 2):
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = _connection(port)
            return conn, response.status, data, response
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = _connection(port)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def login_and_obtain(port: int, supplier: Supplier, procurement_id: int) -> None:
    """The login form (CSRF cookie, then POST), then 获取采购文件 through the API."""
    conn = _connection(port)
    try:
        conn, status, _body, response = _send(conn, port, "GET", LOGIN_PATH, None, {})
        supplier.remember(response)
        if status != 200 or "csrftoken" not in supplier.cookies:
            raise RuntimeError(f"login page: {status}")
        form = urlencode(
            {
                "username": supplier.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": supplier.cookies["csrftoken"],
            }
        ).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": supplier.cookie_header()}
        conn, status, _body, response = _send(conn, port, "POST", LOGIN_PATH, form, headers)
        supplier.remember(response)
        if status != 302 or "sessionid" not in supplier.cookies:
            raise RuntimeError(f"login of {supplier.username}: {status}")
        headers = {"Cookie": supplier.cookie_header(), "X-CSRFToken": supplier.cookies["csrftoken"]}
        path = f"/api/v1/procurement/{procurement_id}/documents"
        conn, status, body, _response = _send(conn, port, "POST", path, b"", headers)
        if status != 201:
            raise RuntimeError(f"documents for {supplier.username}: {status} {body[:200]!r}")
    finally:
        conn.close()


def log_in_all(port: int, suppliers: list[Supplier], procurement_id: int, clients: int) -> float:
    started = time.perf_counter()
    failures: list[str] = []
    queue = list(suppliers)
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not queue or failures:
                    return
                supplier = queue.pop()
            try:
                login_and_obtain(port, supplier, procurement_id)
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


BOUNDARY = "----opengps-bench-bid-boundary"


def bid_body(supplier: Supplier, version: int) -> bytes:
    """A multipart sealed bid: price, preferences and the three required files."""
    from opengps.demo.world import xlsx_bytes

    fields = {"price_total": f"{200000 + supplier.index * 10 + version % 10}.00", "preferences": ""}
    files = [
        ("qualification", "资格证明.pdf", "application/pdf", _pdf(f"QUAL-{supplier.username}-{version}")),
        (
            "technical",
            "技术响应.pdf",
            "application/pdf",
            _pdf(f"投标文件 技术响应 {supplier.username} v{version}"),
        ),
        (
            "price_schedule",
            "报价表.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx_bytes(f"报价 {fields['price_total']}"),
        ),
    ]
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, content_type, content in files:
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{BOUNDARY}--\r\n".encode())
    return out.getvalue()


@dataclass
class BurstOutcome:
    acked: list[str] = field(default_factory=list)  # version ids from the receipts
    latencies_ms: list[float] = field(default_factory=list)  # every bid request sent before the deadline
    acked_latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    refused_deadline: int = 0
    acked_after_local_deadline: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def bidder(
    port: int,
    procurement_id: int,
    lot: int,
    suppliers: Sequence[Supplier],
    deadline_perf: float,
    stop_perf: float,
    outcome: BurstOutcome,
) -> None:
    """One client: its suppliers in turn, submit then modify, until the deadline refuses every one."""
    conn = _connection(port)
    base = f"/api/v1/procurement/{procurement_id}/lots/{lot}/bid"
    try:
        for turn in range(MAX_BIDS_PER_CLIENT):
            active = [s for s in suppliers if not s.refused]
            if not active or time.perf_counter() >= stop_perf:
                break
            supplier = active[turn % len(active)]
            supplier.version += 1
            body = bid_body(supplier, supplier.version)
            headers = {
                "Cookie": supplier.cookie_header(),
                "X-CSRFToken": supplier.cookies["csrftoken"],
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Accept": "application/json",
            }
            path = f"{base}/modify" if supplier.submitted else base
            started = time.perf_counter()
            try:
                conn, status, data, _response = _send(conn, port, "POST", path, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                with outcome.lock:
                    outcome.errors.append(repr(exc))
                continue
            finished = time.perf_counter()
            elapsed_ms = (finished - started) * 1000
            code = ""
            if status != 201:
                try:
                    error = json.loads(data).get("error") or {}
                    code = str(error.get("code", ""))
                except (ValueError, AttributeError):
                    code = ""
            with outcome.lock:
                outcome.statuses[f"{status} {code}".strip()] += 1
                if started < deadline_perf:
                    outcome.latencies_ms.append(elapsed_ms)
                if status == 201:
                    outcome.acked.append(str(json.loads(data)["version_id"]))
                    outcome.acked_latencies_ms.append(elapsed_ms)
                    if started >= deadline_perf:
                        outcome.acked_after_local_deadline += 1
                elif code == "bid.deadline_passed":
                    outcome.refused_deadline += 1
                else:
                    outcome.errors.append(f"{status} {data[:200]!r}")
            if status == 201:
                supplier.submitted = True
            elif code == "bid.deadline_passed":
                supplier.refused = True
    finally:
        conn.close()


def burst(
    port: int, setup: Setup, suppliers: list[Supplier], clients: int, duration: float
) -> tuple[BurstOutcome, datetime, float]:
    """Move the deadline `duration` s ahead and let the clients bid until it refuses them."""
    from django.db import connection

    shares = [suppliers[i::clients] for i in range(clients)]
    deadline = move_deadline(setup.procurement_id, duration)
    from opengps.procurement.clock import db_now

    remaining = (deadline - db_now()).total_seconds()
    connection.close()
    began = time.perf_counter()
    deadline_perf = began + remaining
    outcome = BurstOutcome()
    threads = [
        threading.Thread(
            target=bidder,
            args=(
                port,
                setup.procurement_id,
                setup.lot,
                share,
                deadline_perf,
                deadline_perf + GRACE_SECONDS,
                outcome,
            ),
            daemon=True,
        )
        for share in shares
        if share
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=remaining + GRACE_SECONDS + 60)
    return outcome, deadline, remaining


def stored_counts(procurement_id: int, deadline: datetime, acked: Sequence[str]) -> dict[str, Any]:
    from opengps.procurement.models import BidSubmission, BidVersion

    versions = BidVersion.objects.filter(submission__procurement_id=procurement_id)
    stored_ids = {str(pk) for pk in versions.values_list("pk", flat=True)}
    acked_ids = set(acked)
    return {
        "acknowledged": len(acked),
        "stored": len(stored_ids),
        "acknowledged_not_stored": len(acked_ids - stored_ids),
        "stored_not_acknowledged": len(stored_ids - acked_ids),
        "received_at_or_after_deadline": versions.filter(received_at__gte=deadline).count(),
        "suppliers_with_a_bid": BidSubmission.objects.filter(procurement_id=procurement_id).count(),
        "last_received_before_deadline_ms": _last_margin_ms(versions, deadline),
    }


def _last_margin_ms(versions: Any, deadline: datetime) -> float | None:
    last = versions.order_by("-received_at").values_list("received_at", flat=True).first()
    return round((deadline - last).total_seconds() * 1000, 1) if last else None


# ---------------------------------------------------------------------------------------------
# Report


def markdown(report: dict[str, Any]) -> str:
    bids, bare, db = report["bids"], report["bare"], report["database"]
    targets, config = report["targets"], report["config"]

    def mark(ok: bool) -> str:
        return "met" if ok else "**MISSED**"

    workers = ", ".join(f"{w['max_rss_mb']:.0f}" for w in report["workers"])
    lines = [
        "# Bid-deadline burst benchmark",
        "",
        f"{report['timestamp']} · {report['machine']['cpus']} CPUs · Python {report['machine']['python']} · "
        f"{report['machine']['database']} · gunicorn {config['workers']} sync workers · "
        f"{config['suppliers']} suppliers over {config['clients']} clients · burst of {bids['seconds']} s "
        f"up to the deadline · load average at start {report['machine']['load_average_at_start']}",
        "",
        f"Set-up {report['setup_seconds']} s; {config['suppliers']} logins (form + CSRF) and documents "
        f"obtained through the API in {report['login_seconds']} s.",
        "",
        "| endpoint | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| sealed bids (submit/modify) | {bids['requests']} | {bids['errors']} | {bids['rps']} | "
        f"{bids['p50_ms']} | {bids['p95_ms']} | {bids['p99_ms']} | {bids['max_ms']} |",
        f"| {bare['name']} | {bare['requests']} | {bare['errors']} | {bare['rps']} | "
        f"{bare['p50_ms']} | {bare['p95_ms']} | {bare['p99_ms']} | {bare['max_ms']} |",
        "",
        f"Bid requests sent before the deadline: {bids['requests']} ({bids['acknowledged_rps']} receipts/s); "
        f"responses: {', '.join(f'{k}: {v}' for k, v in sorted(bids['statuses'].items()))}.",
        "",
        "| database after the deadline | count |",
        "| --- | ---: |",
        f"| receipts returned (acknowledged bid versions) | {db['acknowledged']} |",
        f"| bid versions stored | {db['stored']} |",
        f"| acknowledged but not stored / stored but not acknowledged | "
        f"{db['acknowledged_not_stored']} / {db['stored_not_acknowledged']} |",
        f"| versions received at or after the deadline | {db['received_at_or_after_deadline']} |",
        f"| suppliers with a bid | {db['suppliers_with_a_bid']} of {config['suppliers']} |",
        f"| refusals with bid.deadline_passed | {bids['refused_deadline']} |",
        f"| last stored version before the deadline by | {db['last_received_before_deadline_ms']} ms |",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        f"| sealed-bid throughput ≥ {TARGET_RATIO:.0%} of bare req/s | {report['ratio']:.1%} "
        f"({bids['acknowledged_rps']} vs {bare['rps']} req/s) | {mark(targets['ratio']['met'])} |",
        f"| bid p99 < {TARGET_P99_MS:.0f} ms | {bids['p99_ms']} ms | {mark(targets['p99']['met'])} |",
        f"| acknowledged = stored | {db['acknowledged']} = {db['stored']} "
        f"| {mark(targets['acknowledged_stored']['met'])} |",
        f"| bids accepted after the deadline = 0 | {db['received_at_or_after_deadline']} "
        f"| {mark(targets['late']['met'])} |",
        f"| no errors | {bids['errors']} bid, {bare['errors']} bare | {mark(targets['errors']['met'])} |",
        f"| each worker < {TARGET_WORKER_MB:.0f} MB RSS | {workers} MB | {mark(targets['memory']['met'])} |",
        "",
    ]
    if bids["error_samples"]:
        lines += ["Errors (first few):", "", *[f"- `{e}`" for e in bids["error_samples"]], ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Bid-deadline burst benchmark (see benchmarks/README.md)")
    parser.add_argument("--suppliers", type=int, default=200, help="supplier organizations (default 200)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of burst before the deadline")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_BIDS_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_DURATION or not 0 < args.clients <= MAX_CLIENTS:
        parser.error(f"--duration must be in (0, {MAX_DURATION:.0f}] and --clients in [1, {MAX_CLIENTS}]")
    if not 0 < args.suppliers <= MAX_SUPPLIERS:
        parser.error(f"--suppliers must be in [1, {MAX_SUPPLIERS}]")
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
    print(f"set-up: {args.suppliers} suppliers, procurement {setup.procurement_id} ({setup.seconds:.1f} s)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    connection.close()

    suppliers = [Supplier(name, n) for n, name in enumerate(setup.usernames)]
    port = free_port()
    print(f"gunicorn: {args.workers} workers on {HOST}:{port}")
    with gunicorn(port, args.workers, args.database_url, RESULTS / "gunicorn_bids.log") as process:
        wait_ready(port, process)
        sampler = MemorySampler(process.pid)
        sampler.start()
        try:
            login_seconds = log_in_all(port, suppliers, setup.procurement_id, args.clients)
            print(f"logins: {len(suppliers)} sessions in {login_seconds:.1f} s")
            print(f"burst: {args.clients} clients until the deadline in {args.duration:.0f} s …")
            outcome, deadline, window = burst(port, setup, suppliers, args.clients, args.duration)
            print(f"bare: {args.clients} clients for {args.duration:.0f} s …")
            bare = drive(
                "bare endpoint", port, [Request("bare", BARE_PATH)], args.clients, args.duration, args.seed
            )
        finally:
            sampler.stop()
    database = stored_counts(setup.procurement_id, deadline, outcome.acked)
    connection.close()

    latencies = sorted(outcome.latencies_ms)
    acked_before = len(outcome.acked) - outcome.acked_after_local_deadline
    acknowledged_rps = round(acked_before / window, 1) if window > 0 else 0.0
    bids: dict[str, Any] = {
        "seconds": round(window, 2),
        "requests": len(latencies),
        "errors": len(outcome.errors),
        "error_samples": outcome.errors[:5],
        "statuses": dict(outcome.statuses),
        "rps": round(len(latencies) / window, 1) if window > 0 else 0.0,
        "acknowledged_rps": acknowledged_rps,
        "refused_deadline": outcome.refused_deadline,
        "acknowledged_after_local_deadline": outcome.acked_after_local_deadline,
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "max_ms": round(latencies[-1] if latencies else 0.0, 2),
    }
    workers = [{"pid": pid, "max_rss_mb": round(mb, 1)} for pid, mb in sorted(sampler.max_rss.items())]
    max_worker = max((w["max_rss_mb"] for w in workers), default=0.0)
    ratio = acknowledged_rps / bare.rps if bare.rps else 0.0
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
            "seed": args.seed,
            "grace_seconds": GRACE_SECONDS,
        },
        "setup_seconds": round(setup.seconds, 1),
        "login_seconds": round(login_seconds, 1),
        "deadline": deadline.isoformat(),
        "bids": bids,
        "bare": asdict(bare),
        "database": database,
        "ratio": round(ratio, 4),
        "workers": workers,
        "targets": {
            "ratio": {"target": TARGET_RATIO, "met": ratio >= TARGET_RATIO},
            "p99": {"target_ms": TARGET_P99_MS, "met": 0 < bids["p99_ms"] < TARGET_P99_MS},
            "acknowledged_stored": {
                "met": database["acknowledged"] == database["stored"]
                and database["acknowledged_not_stored"] == 0
                and database["stored_not_acknowledged"] == 0
            },
            "late": {"target": 0, "met": database["received_at_or_after_deadline"] == 0},
            "errors": {"target": 0, "met": not outcome.errors and not bare.errors},
            "memory": {"target_mb": TARGET_WORKER_MB, "met": bool(workers) and max_worker < TARGET_WORKER_MB},
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bid_burst.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    text = markdown(report)
    (RESULTS / "bid_burst.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(t["met"] for t in report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
