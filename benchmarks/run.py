"""Registry search under load: gunicorn on PostgreSQL with generated data, against a bare endpoint.

    python -m benchmarks.run [--scale province|national] [--mode random,uncached] [--duration 20]
                             [--clients 16] [--organizations N] [--database-url URL]

Creates the benchmark database if missing, migrates it, generates the data once (30,000
organizations for the province, 900,000 in a separate database for the nation), then for each
mode starts gunicorn on 127.0.0.1 with `benchmarks.settings` and drives `--clients` concurrent
keep-alive clients (stdlib http.client, one thread each) for `--duration` seconds against the
public search API, then against /bench/bare, then the search paced at half its throughput.
Modes: `random` (queries drawn at random from the generated rows, the platform's caches on: the
realistic hit rate is reported), `uncached` (the same kind of queries, the search's response and
count caches bypassed: what the targets are about), `fixed` (the old fixed mix of 24 name terms
and 300 USCCs, caches on). Samples each worker's resident memory, explains the search queries,
writes benchmarks/results/registry_search[_national].{json,md} and exits 1 when a target is
missed. Gunicorn is stopped in all cases.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.generate import (
    DEFAULT_DATABASE_URL,
    ensure_database,
    generate,
    setup_django,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
HOST = "127.0.0.1"  # the load generator only ever targets the loopback address
SEARCH_PATH = "/api/v1/registry/organizations"
BARE_PATH = "/bench/bare"
MAX_DURATION = 300.0
MAX_CLIENTS = 64
MAX_REQUESTS_PER_CLIENT = 200_000

TARGET_P95_MS = {"province": 50.0, "national": 100.0}
TARGET_RATIO = 0.25
SCALES = {"province": 30_000, "national": 900_000}
NATIONAL_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opengps_bench_national"
MODES = ("random", "uncached", "fixed")
# PostgreSQL settings reported with the figures (deploy/postgresql/opengps.conf sets them for production).
SERVER_SETTINGS = (
    "shared_buffers",
    "effective_cache_size",
    "work_mem",
    "random_page_cost",
    "max_parallel_workers_per_gather",
)
TARGET_WORKER_MB = 300.0

# Name fragments people type into the search box.
NAME_TERMS = [
    "养老",
    "儿童",
    "社工",
    "长沙",
    "协会",
    "基金会",
    "助残",
    "心理",
    "志愿",
    "株洲",
    "湘西",
    "衡阳",
    "岳麓区",
    "夕阳红",
    "阳光",
    "社区",
    "社会工作",
    "居家养老",
    "禁毒",
    "救援",
    "慈善",
    "商会",
    "浏阳市",
    "服务中心",
]


@dataclass(frozen=True)
class Request:
    kind: str
    path: str


@dataclass
class CacheCounts:
    """What the search's caches did, from the X-Bench-Cache header of each answer."""

    search: dict[str, int] = field(default_factory=dict)
    count: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def rate(counts: dict[str, int]) -> float | None:
        looked_up = counts.get("hit", 0) + counts.get("miss", 0)
        return round(counts.get("hit", 0) / looked_up, 4) if looked_up else None


@dataclass
class LoadResult:
    name: str
    clients: int
    seconds: float
    requests: int
    errors: int
    statuses: dict[str, int]
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending sequence (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, int(fraction * len(sorted_values) + 0.999999))
    return sorted_values[min(rank, len(sorted_values)) - 1]


# ---------------------------------------------------------------------------------------------
# The query mix


KINDS: list[tuple[str, float]] = [
    ("name", 30),
    ("uscc", 15),
    ("type", 10),
    ("region", 15),
    ("rating", 10),
    ("combined", 10),
    ("credit", 5),
    ("browse", 5),
]


def query_mix(seed: int, size: int = 4000) -> list[Request]:
    """The fixed mix: 24 name terms, 300 USCCs, prefectures and counties, ratings 3–5 (`--mode fixed`)."""
    from opengps.accounts.models import Region
    from opengps.registry.models import Organization

    rng = random.Random(seed)
    codes = list(Organization.objects.order_by("pk").values_list("uscc", flat=True))
    usccs = rng.sample(codes, min(300, len(codes)))
    prefectures = list(Region.objects.filter(level="prefecture").values_list("code", flat=True))
    counties = list(Region.objects.filter(level="county").values_list("code", flat=True))
    types = ["social_group", "social_service_agency", "foundation"]

    def page() -> int:
        return 1 if rng.random() < 0.6 else rng.randint(2, 5)

    def path(params: dict[str, Any]) -> str:
        return f"{SEARCH_PATH}?{urlencode(params)}"

    mix: list[Request] = []
    for _ in range(size):
        kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
        params: dict[str, Any]
        if kind == "name":
            params = {"q": rng.choice(NAME_TERMS), "page": page()}
        elif kind == "uscc":
            params = {"q": rng.choice(usccs)}
        elif kind == "type":
            params = {"type": rng.choice(types), "page": page()}
        elif kind == "region":
            params = {"region": rng.choice(prefectures if rng.random() < 0.5 else counties), "page": page()}
        elif kind == "rating":
            params = {"min_rating": rng.choice([3, 4, 5]), "page": page()}
        elif kind == "combined":
            params = {"q": rng.choice(NAME_TERMS[:12]), "region": rng.choice(prefectures), "min_rating": 3}
        elif kind == "credit":
            params = {"credit": rng.choice(["normal", "abnormal", "serious", "other_list"]), "page": page()}
        else:
            params = {"page": page()}
        mix.append(Request(kind, path(params)))
    return mix


def random_mix(seed: int, size: int = 50_000, rows: int = 20_000) -> list[Request]:
    """`size` searches drawn at random from the generated data, in the proportions of `query_mix`.

    Name queries are fragments of 2–5 characters cut at random from the names of `rows` random
    organizations (1 in 10 the whole name, as pasted); USCCs are those of random rows; region
    filters any prefecture or county, alone or crossed with a minimum rating (and a fragment);
    pages 1–5. Repeats come only from the data (common fragments, popular filters), so the cache
    hit rate measured with this mix is what the caches would see from such users.
    """
    from opengps.accounts.models import Region
    from opengps.registry.models import Organization

    rng = random.Random(seed)
    sampled = list(Organization.objects.order_by("?").values_list("name", "uscc")[:rows])
    prefectures = list(Region.objects.filter(level="prefecture").values_list("code", flat=True))
    counties = list(Region.objects.filter(level="county").values_list("code", flat=True))
    types = ["social_group", "social_service_agency", "foundation"]
    credits = ["normal", "abnormal", "serious", "other_list"]

    def page() -> int:
        return 1 if rng.random() < 0.6 else rng.randint(2, 5)

    def fragment() -> str:
        name = rng.choice(sampled)[0]
        if rng.random() < 0.1:
            return str(name)
        length = min(len(name), rng.choice([2, 2, 3, 3, 4, 5]))
        start = rng.randrange(len(name) - length + 1)
        return str(name[start : start + length])

    def region() -> str:
        return rng.choice(prefectures if rng.random() < 0.4 else counties)

    mix: list[Request] = []
    for _ in range(size):
        kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
        params: dict[str, Any]
        if kind == "name":
            params = {"q": fragment(), "page": page()}
        elif kind == "uscc":
            params = {"q": rng.choice(sampled)[1]}
        elif kind == "type":
            params = {"type": rng.choice(types), "page": page()}
        elif kind == "region":
            params = {"region": region(), "page": page()}
        elif kind == "rating":
            params = {"min_rating": rng.randint(1, 5), "page": page()}
        elif kind == "combined":
            params = {"region": region(), "min_rating": rng.randint(1, 5)}
            if rng.random() < 0.5:
                params["q"] = fragment()
        elif kind == "credit":
            params = {"credit": rng.choice(credits), "page": page()}
        else:
            params = {"page": page()}
        mix.append(Request(kind, f"{SEARCH_PATH}?{urlencode(params)}"))
    return mix


# ---------------------------------------------------------------------------------------------
# gunicorn


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def default_workers() -> int:
    # CPU-bound sync workers on 2 cores that also run PostgreSQL and the load generator:
    # two per core keeps both cores busy while one worker waits on the database.
    return max(2, 2 * (os.cpu_count() or 1))


@contextmanager
def gunicorn(
    port: int, workers: int, database_url: str, log_path: Path, extra_env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run gunicorn for the duration of the block and stop it (TERM, then KILL) however the block ends."""
    env = {
        **os.environ,
        **(extra_env or {}),
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": database_url,
        "OPENGPS_DEBUG": "0",
        "OPENGPS_LOG_LEVEL": "WARNING",
        "OPENGPS_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "opengps.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "2048",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)


def wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {RESULTS / 'gunicorn.log'}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", BARE_PATH)
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s")


def child_pids(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in text.split()]
    except OSError:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(stat.parent.name))
        return children


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class MemorySampler(threading.Thread):
    """Samples the resident memory of gunicorn's workers (max per pid) until stopped."""

    def __init__(self, master: int, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.master = master
        self.interval = interval
        self.max_rss: dict[int, float] = {}
        self._stop_event = threading.Event()

    def sample(self) -> None:
        for pid in child_pids(self.master):
            value = rss_mb(pid)
            if value is not None:
                self.max_rss[pid] = max(self.max_rss.get(pid, 0.0), value)

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)
        self.sample()


# ---------------------------------------------------------------------------------------------
# The load


def _client(
    port: int,
    mix: Sequence[Request],
    seed: int,
    deadline: float,
    samples: list[tuple[str, float, int, str]],
    interval: float | None = None,
) -> None:
    """One client: a keep-alive connection (reopened when the server closes it), one request at a time.

    Closed loop by default (the next request right after the answer). With `interval`, requests
    are scheduled every `interval` seconds and latency counts from the scheduled time, so a slow
    answer that delays the next request is not hidden (no coordinated omission).
    """
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    scheduled = time.perf_counter() + (rng.random() * interval if interval else 0.0)
    try:
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if interval:
                pause = scheduled - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            if time.perf_counter() >= deadline:
                break
            request = mix[rng.randrange(len(mix))]
            started = scheduled if interval else time.perf_counter()
            if interval:
                scheduled += interval
            try:
                conn.request("GET", request.path, headers={"Accept": "application/json"})
                response = conn.getresponse()
                response.read()
                status = response.status
                cache_note = response.getheader("X-Bench-Cache", "")
            except (OSError, http.client.HTTPException):
                conn.close()
                status, cache_note = 0, ""
            samples.append((request.kind, time.perf_counter() - started, status, cache_note))
    finally:
        conn.close()


def drive(
    name: str,
    port: int,
    mix: Sequence[Request],
    clients: int,
    duration: float,
    seed: int,
    rate: float | None = None,
) -> LoadResult:
    """`clients` threads send requests from `mix` for `duration` seconds (in total `rate` per second
    when given, else as fast as answered); latency per request."""
    per_client: list[list[tuple[str, float, int, str]]] = [[] for _ in range(clients)]
    started = time.perf_counter()
    deadline = started + duration
    interval = clients / rate if rate else None
    threads = [
        threading.Thread(
            target=_client, args=(port, mix, seed + i, deadline, per_client[i], interval), daemon=True
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 60)
    elapsed = time.perf_counter() - started
    samples = [s for chunk in per_client for s in chunk]
    statuses = Counter(str(status) for _, _, status, _ in samples)
    ok = sorted(latency * 1000 for _, latency, status, _ in samples if status == 200)
    by_kind: dict[str, dict[str, float]] = {}
    for kind in sorted({k for k, _, _, _ in samples}):
        values = sorted(latency * 1000 for k, latency, status, _ in samples if k == kind and status == 200)
        by_kind[kind] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 0.50), 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "p99_ms": round(percentile(values, 0.99), 2),
        }
    return LoadResult(
        name=name,
        clients=clients,
        seconds=round(elapsed, 2),
        requests=len(samples),
        errors=len(samples) - len(ok),
        statuses=dict(statuses),
        rps=round(len(ok) / elapsed, 1),
        p50_ms=round(percentile(ok, 0.50), 2),
        p95_ms=round(percentile(ok, 0.95), 2),
        p99_ms=round(percentile(ok, 0.99), 2),
        max_ms=round(ok[-1] if ok else 0.0, 2),
        by_kind=by_kind if len(by_kind) > 1 else {},
        cache=cache_counts(note for _, _, status, note in samples if status == 200),
    )


def cache_counts(notes: Iterable[str]) -> dict[str, Any]:
    """Hit/miss/bypass counts of the search's response and count caches, and the hit rates."""
    counts = CacheCounts()
    for note in notes:
        for part in filter(None, note.split(",")):
            name, _, outcome = part.partition("=")
            bucket = counts.search if name == "search" else counts.count if name == "count" else None
            if bucket is not None:
                bucket[outcome] = bucket.get(outcome, 0) + 1
    if not counts.search and not counts.count:
        return {}
    return {
        "search": counts.search,
        "count": counts.count,
        "search_hit_rate": CacheCounts.rate(counts.search),
        "count_hit_rate": CacheCounts.rate(counts.count),
    }


# ---------------------------------------------------------------------------------------------
# EXPLAIN ANALYZE of what the search runs


def explain(mix: Sequence[Request]) -> tuple[list[dict[str, Any]], str]:
    """Run one request of each kind in-process, caches cleared, and EXPLAIN ANALYZE every query it makes."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    rows: list[dict[str, Any]] = []
    text: list[str] = []
    seen: set[str] = set()
    for request in mix:
        if request.kind in seen:
            continue
        seen.add(request.kind)
        client.get(request.path)  # warm the process (imports, connection, region labels)
        cache.clear()  # measure the work of a query nobody asked for in the last seconds
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(request.path)
            total_ms = (time.perf_counter() - started) * 1000
        slowest = 0.0
        text.append(f"## {request.kind}: GET {request.path} -> {response.status_code}, {total_ms:.1f} ms\n")
        for query in queries.captured_queries:
            sql = query["sql"]
            if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            execution = [line for line in plan.splitlines() if line.startswith("Execution Time")]
            ms = float(execution[0].split(":")[1].split()[0]) if execution else 0.0
            slowest = max(slowest, ms)
            text.append(f"{sql}\n\n{plan}\n")
        rows.append(
            {
                "kind": request.kind,
                "path": request.path,
                "status": response.status_code,
                "queries": len(queries.captured_queries),
                "in_process_ms": round(total_ms, 1),
                "slowest_query_ms": round(slowest, 2),
            }
        )
    return rows, "\n".join(text)


# ---------------------------------------------------------------------------------------------
# Report


def _rate(cache: dict[str, Any], name: str) -> str:
    if not cache:
        return "—"
    if cache.get(name, {}).get("bypass"):
        return "bypassed"
    value = cache.get(f"{name}_hit_rate")
    return "—" if value is None else f"{value:.1%}"


def markdown(report: dict[str, Any]) -> str:
    config, data = report["config"], report["data"]
    generated = f"generated in {data['seconds']:.0f} s" if data["generated"] else "already there"

    def mark(ok: bool) -> str:
        return "met" if ok else "**MISSED**"

    lines = [
        f"# Registry search benchmark — {config['scale']} scale",
        "",
        f"{report['timestamp']} · {report['machine']['cpus']} CPUs · Python {report['machine']['python']} · "
        f"{report['machine']['database']} · gunicorn {config['workers']} sync workers · "
        f"{config['clients']} clients × {config['duration']} s per phase · "
        f"**load average at start {report['machine']['load_average_at_start']}**",
        "",
        "Database settings: "
        + ", ".join(f"{k} {v}" for k, v in report["machine"].get("database_settings", {}).items()),
        "",
        f"Data: {data['organizations']:,} organizations, {data['ratings']:,} ratings, "
        f"{data['annual_reports']:,} annual reports, {data['credit_listings']:,} credit listings "
        f"({generated}).",
        "",
        "Caches: `random` and `fixed` run with the platform's caches as in production — the search's "
        "response cache (the JSON of a query, 15 s) and its count cache (the match count of a filter "
        "set other than a name or a code, exact up to 1,000, 30 s), both LocMemCache, i.e. per gunicorn "
        "worker. `uncached` bypasses both for every request: each search counts its matches and runs "
        "its page query. Never cached: the page query when the response cache misses; the division "
        "table (the region filter's hierarchy), region "
        "labels and the registry's row estimate are kept per process (5 min).",
        "",
        "| mode | endpoint | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms "
        "| response-cache hits | count-cache hits |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for mode, run in report["modes"].items():
        for result in (run["search"], run["search_paced"], run["bare"]):
            cache = result.get("cache") or {}
            lines.append(
                f"| {mode} | {result['name']} | {result['requests']} | {result['errors']} "
                f"| {result['rps']} | "
                f"{result['p50_ms']} | {result['p95_ms']} | {result['p99_ms']} | {result['max_ms']} | "
                f"{_rate(cache, 'search')} | {_rate(cache, 'count')} |"
            )
    lines += [
        "",
        "Hit rate = hits / (hits + misses) over the answered searches; the count cache is "
        "consulted only when the response cache missed. Raw counts are in the JSON report.",
        "",
    ]
    for mode, run in report["modes"].items():
        lines += [
            f"Search by kind of query ({mode}, closed loop):",
            "",
            "| kind | requests | p50 ms | p95 ms | p99 ms |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for kind, v in run["search"]["by_kind"].items():
            lines.append(f"| {kind} | {v['requests']} | {v['p50_ms']} | {v['p95_ms']} | {v['p99_ms']} |")
        lines.append("")
    target_ms = report["targets_config"]["p95_ms"]
    lines += [
        f"Targets ({config['scale']} scale), checked in every mode run; the binding one is `uncached`:",
        "",
        "| mode | target | measured | |",
        "| --- | --- | --- | --- |",
    ]
    for mode, run in report["modes"].items():
        targets, search, paced = run["targets"], run["search"], run["search_paced"]
        workers = ", ".join(f"{w['max_rss_mb']:.0f}" for w in run["workers"])
        lines += [
            f"| {mode} | search p95 < {target_ms:.0f} ms, {config['clients']} closed-loop clients "
            f"| {search['p95_ms']} ms | {mark(targets['p95']['met'])} |",
            f"| {mode} | search p95 < {target_ms:.0f} ms at {paced['rate']:g} req/s (half the capacity) "
            f"| {paced['p95_ms']} ms | {mark(targets['p95_paced']['met'])} |",
            f"| {mode} | search ≥ {TARGET_RATIO:.0%} of bare req/s | {run['ratio']:.1%} "
            f"| {mark(targets['ratio']['met'])} |",
            f"| {mode} | each worker < {TARGET_WORKER_MB:.0f} MB RSS | {workers} MB "
            f"| {mark(targets['memory']['met'])} |",
        ]
    lines += [
        "",
        "Cost of an uncached search (one request of each kind, in-process with caches cleared, "
        "EXPLAIN ANALYZE on PostgreSQL):",
        "",
        "| kind | status | queries | in-process ms | slowest query ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in report["explain"]:
        lines.append(
            f"| {row['kind']} | {row['status']} | {row['queries']} | {row['in_process_ms']} "
            f"| {row['slowest_query_ms']} |"
        )
    lines += ["", f"Plans: benchmarks/results/{report['stem']}_explain.txt", ""]
    return "\n".join(lines)


def run_mode(mode: str, args: argparse.Namespace, mix: Sequence[Request], target_ms: float) -> dict[str, Any]:
    """One gunicorn for `mode`: warm-up, closed-loop search, bare, paced search; its targets."""
    port = free_port()
    extra_env = {"OPENGPS_BENCH_SEARCH_CACHE": "off" if mode == "uncached" else "on"}
    log_path = RESULTS / f"gunicorn_{mode}.log"
    print(f"[{mode}] gunicorn: {args.workers} workers on {HOST}:{port}")
    with gunicorn(port, args.workers, args.database_url, log_path, extra_env) as process:
        wait_ready(port, process)
        sampler = MemorySampler(process.pid)
        sampler.start()
        try:
            bare_mix = [Request("bare", BARE_PATH)]
            drive("warm-up", port, [*mix, *bare_mix * 200], args.clients, args.warmup, args.seed)
            print(f"[{mode}] search: {args.clients} clients for {args.duration:.0f} s …")
            search = drive("search API", port, mix, args.clients, args.duration, args.seed)
            print(f"[{mode}] bare: {args.clients} clients for {args.duration:.0f} s …")
            bare = drive("bare endpoint", port, bare_mix, args.clients, args.duration, args.seed)
            rate = args.rate or max(1.0, round(search.rps / 2))
            print(f"[{mode}] search paced at {rate:g} req/s for {args.duration:.0f} s …")
            paced_name = f"search API at {rate:g} req/s"
            paced = drive(paced_name, port, mix, args.clients, args.duration, args.seed + 1000, rate=rate)
        finally:
            sampler.stop()
    workers = [{"pid": pid, "max_rss_mb": round(mb, 1)} for pid, mb in sorted(sampler.max_rss.items())]
    ratio = search.rps / bare.rps if bare.rps else 0.0
    max_worker = max((w["max_rss_mb"] for w in workers), default=0.0)
    return {
        "distinct_search_requests_in_mix": len({r.path for r in mix}),
        "search": asdict(search),
        "bare": asdict(bare),
        "search_paced": {**asdict(paced), "rate": rate},
        "ratio": round(ratio, 4),
        "workers": workers,
        "targets": {
            "p95": {"target_ms": target_ms, "met": 0 < search.p95_ms < target_ms and not search.errors},
            "p95_paced": {"target_ms": target_ms, "met": 0 < paced.p95_ms < target_ms and not paced.errors},
            "ratio": {"target": TARGET_RATIO, "met": ratio >= TARGET_RATIO},
            "memory": {"target_mb": TARGET_WORKER_MB, "met": bool(workers) and max_worker < TARGET_WORKER_MB},
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Registry search benchmark (see benchmarks/README.md)")
    parser.add_argument(
        "--scale",
        choices=list(SCALES),
        default="province",
        help="province: 30,000 organizations, p95 < 50 ms; "
        "national: 900,000 in opengps_bench_national, p95 < 100 ms",
    )
    parser.add_argument("--organizations", type=int, default=0, help="default: 30,000 or 900,000 by --scale")
    parser.add_argument(
        "--mode",
        default="random,uncached",
        help="comma-separated modes from random, uncached, fixed (default random,uncached)",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase (default 20)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="gunicorn workers")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up load (default 3)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="req/s of the paced search phase (default: half the closed-loop search throughput)",
    )
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.mode.split(",") if m.strip()]
    if not modes or any(m not in MODES for m in modes):
        parser.error(f"--mode takes a comma-separated list of {', '.join(MODES)}")
    if not 0 < args.duration <= MAX_DURATION or not 0 < args.clients <= MAX_CLIENTS:
        parser.error(f"--duration must be in (0, {MAX_DURATION:.0f}] and --clients in [1, {MAX_CLIENTS}]")
    national = args.scale == "national"
    args.organizations = args.organizations or SCALES[args.scale]
    args.database_url = args.database_url or (
        os.environ.get("BENCH_NATIONAL_DATABASE_URL", NATIONAL_DATABASE_URL)
        if national
        else os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    if not args.database_url.startswith("postgres"):
        parser.error("the benchmark runs on PostgreSQL (--database-url postgres://…)")
    target_ms = TARGET_P95_MS[args.scale]

    load_at_start = os.getloadavg()[0]
    if load_at_start > 0.5:
        print(f"note: load average {load_at_start:.2f} at start; other work on this machine skews results")
    ensure_database(args.database_url)
    setup_django(args.database_url)
    import django
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    summary = generate(organizations=args.organizations, replace=True)
    state = f"generated in {summary.seconds:.0f} s" if summary.generated else "already there"
    print(f"data: {summary.organizations:,} organizations ({state})")
    mixes = {
        mode: query_mix(args.seed) if mode == "fixed" else random_mix(args.seed + MODES.index(mode))
        for mode in modes
    }
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        server_settings = {}
        for name in SERVER_SETTINGS:  # the memory and planner settings the figures depend on
            cursor.execute(f"SHOW {name}")
            server_settings[name] = cursor.fetchone()[0]
    connection.close()

    runs = {mode: run_mode(mode, args, mixes[mode], target_ms) for mode in modes}
    explain_rows, explain_text = explain(mixes[modes[-1]])

    stem = "registry_search_national" if national else "registry_search"
    report: dict[str, Any] = {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "stem": stem,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "database": f"PostgreSQL {server_version}",
            "database_settings": server_settings,
            "load_average_at_start": round(load_at_start, 2),
        },
        "config": {
            "scale": args.scale,
            "organizations": args.organizations,
            "modes": modes,
            "duration": args.duration,
            "clients": args.clients,
            "workers": args.workers,
            "seed": args.seed,
            "search_path": SEARCH_PATH,
        },
        "targets_config": {"p95_ms": target_ms, "ratio": TARGET_RATIO, "worker_mb": TARGET_WORKER_MB},
        "data": asdict(summary),
        "modes": runs,
        "explain": explain_rows,
    }
    met = all(t["met"] for run in runs.values() for t in run["targets"].values())
    report["met"] = met
    RESULTS.mkdir(parents=True, exist_ok=True)
    as_json = json.dumps(report, ensure_ascii=False, indent=2)
    (RESULTS / f"{stem}.json").write_text(as_json, encoding="utf-8")
    (RESULTS / f"{stem}_explain.txt").write_text(explain_text, encoding="utf-8")
    text = markdown(report)
    (RESULTS / f"{stem}.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
