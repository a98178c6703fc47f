"""Drill: restart PostgreSQL while gunicorn serves reads and writes.

    python -m drills.pg_restart [--outage 2] [--cluster throwaway|machine]

By default the drill makes its own PostgreSQL cluster under /tmp (initdb, another port; the
template database copied in with pg_dump/pg_restore) and restarts that one, so the machine's server
and everyone else's tests on it are never disturbed; `--cluster machine` restarts the machine's
cluster with pg_ctlcluster instead (and starts it again however the drill ends).

Gunicorn (2 workers) serves four clients: an anonymous reader of the public registry page, a
signed-in reader of the registrar's page (its session is read in a middleware, outside any view),
and two signed-in writers creating organizations through the API. After a few seconds the cluster
is stopped (fast shutdown), kept down `--outage` seconds, and started again.

Checks: every answer during the outage is a 503 with a message (JSON error under /api/, a page
otherwise; no traceback), no other 5xx and no request left unanswered; reads and writes succeed
again after the restart with the same gunicorn workers (no restart of the app) and nothing fails
after that; every organization acknowledged (201) is in the database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from benchmarks.bid_burst import LOGIN_PATH, PASSWORD, Supplier
from benchmarks.generate import setup_django
from benchmarks.run import child_pids, gunicorn, wait_ready
from drills.common import (
    LOGS,
    TEMPLATE,
    DrillResult,
    MachineCluster,
    ThrowawayCluster,
    database_url,
    drill_main,
    free_port,
    pg_bin,
    recreate_database,
    step,
    wait_until,
)

NAME = "pg_restart"
DATABASE = "opengps_drills_restart"
HOST = "127.0.0.1"
READ_PAGE = "/registry/"
SIGNED_IN_PAGE = "/registry/manage/"
WRITE_PATH = "/api/v1/registry/organizations"
MAX_REQUESTS_PER_CLIENT = 50_000
UNAVAILABLE_TEXT = "服务暂时不可用"
KINDS = ("read", "signed-in read", "write")


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--outage", type=float, default=2.0, help="seconds the server stays down")
    parser.add_argument("--cluster", choices=["throwaway", "machine"], default="throwaway")
    parser.add_argument(
        "--pg-version",
        default=max(os.listdir("/etc/postgresql"), default="15")
        if os.path.isdir("/etc/postgresql")
        else "15",
        help="the machine cluster's version (--cluster machine)",
    )


@dataclass
class Answer:
    kind: str
    started: float
    status: int  # 0: no answer (connection refused, reset, timeout)
    problem: str = ""  # what is wrong with a failure's body ("" when it explains itself)
    uscc: str = ""  # the organization a 201 acknowledged


@dataclass
class Log:
    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)


def _request(
    port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=15)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    except (OSError, http.client.HTTPException):
        return 0, "", b""
    finally:
        conn.close()


def login(port: int, username: str) -> Supplier:
    """A session through the login form (any account: the benchmark's cookie jar is reused)."""
    session = Supplier(username, 0)
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", LOGIN_PATH)
        response = conn.getresponse()
        response.read()
        session.remember(response)
        form = {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        }
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": session.cookie_header()}
        conn.request("POST", LOGIN_PATH, body=urlencode(form).encode(), headers=headers)
        response = conn.getresponse()
        response.read()
        session.remember(response)
    finally:
        conn.close()
    if "sessionid" not in session.cookies:
        raise RuntimeError(f"login of {username} failed ({response.status})")
    return session


def explains_itself(status: int, content_type: str, body: bytes, api: bool) -> str:
    """'' when a failure's body is the platform's 503 message, else what is wrong with it."""
    text = body.decode("utf-8", "replace")
    if "Traceback" in text:
        return "traceback in the body"
    if status != 503:
        return f"status {status}"
    if api:
        try:
            error = json.loads(text)["error"]
        except (ValueError, KeyError, TypeError):
            return "503 without a JSON error"
        return (
            ""
            if error.get("code") == "service.unavailable" and error.get("message")
            else "503 JSON without message"
        )
    return "" if "text/html" in content_type and UNAVAILABLE_TEXT in text else "503 page without the message"


def reader(
    port: int, path: str, kind: str, session: Supplier | None, stop: threading.Event, log: Log
) -> None:
    headers = {"Cookie": session.cookie_header()} if session else {}
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if stop.is_set():
            return
        started = time.monotonic()
        status, content_type, body = _request(port, "GET", path, None, headers)
        problem = "" if status == 200 else explains_itself(status, content_type, body, api=False)
        log.add(Answer(kind, started, status, problem))
        time.sleep(0.02)


def writer(port: int, number: int, session: Supplier, stop: threading.Event, log: Log) -> None:
    from opengps.registry.demo_names import make_uscc

    headers = {
        "Cookie": session.cookie_header(),
        "X-CSRFToken": session.cookies["csrftoken"],
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    for n in range(MAX_REQUESTS_PER_CLIENT):
        if stop.is_set():
            return
        uscc = make_uscc(kind_code="2", region_code="430100", serial=500_000 + number * 50_000 + n)
        payload = {
            "name": f"长沙市重启演练社会工作服务中心{number}-{n:05d}",
            "uscc": uscc,
            "org_type": "social_service_agency",
            "region": "430104",
            "founded_on": "2016-01-01",
        }
        started = time.monotonic()
        status, content_type, body = _request(
            port, "POST", WRITE_PATH, json.dumps(payload, ensure_ascii=False).encode(), headers
        )
        if status == 201:
            log.add(Answer("write", started, status, uscc=json.loads(body)["uscc"]))
        else:
            log.add(Answer("write", started, status, explains_itself(status, content_type, body, api=True)))
        time.sleep(0.02)


def _scene() -> None:
    from django.contrib.auth.hashers import make_password

    from opengps.accounts.models import Region, Unit
    from opengps.accounts.services import regions_load, unit_create, user_create

    regions_load()
    province = Region.objects.get(pk="430000")
    civil = unit_create(actor=None, name="湖南省民政厅", kind=Unit.Kind.CIVIL_AFFAIRS, region=province)
    user_create(
        actor=None,
        username="drill-registrar",
        password_hash=make_password(PASSWORD),
        role="registration",
        unit=civil,
    )


def _copy_template(server_url: str, template: str, target_server: str) -> str:
    """The template database copied into the drill's cluster (pg_dump -Fc | pg_restore)."""
    import subprocess

    dump = LOGS / "pg_restart_template.dump"
    dump.unlink(missing_ok=True)
    subprocess.run(
        [pg_bin("pg_dump"), "-Fc", "-f", str(dump), database_url(server_url, template)],
        check=True,
        timeout=300,
    )
    url = recreate_database(target_server, DATABASE)
    subprocess.run(
        [pg_bin("pg_restore"), "--no-owner", "--exit-on-error", "-d", url, str(dump)], check=True, timeout=300
    )
    dump.unlink()
    return url


@contextmanager
def _database(args: argparse.Namespace) -> Iterator[tuple[Any, str]]:
    cluster: AbstractContextManager[Any]
    if args.cluster == "machine":
        cluster = MachineCluster(args.server_url, args.pg_version)
    else:
        cluster = ThrowawayCluster()
    with cluster as running:
        if isinstance(running, ThrowawayCluster):
            print(f"  throwaway cluster on {running.server_url} ({running.folder})", flush=True)
            url = _copy_template(args.server_url, args.template or TEMPLATE, running.server_url)
        else:
            url = recreate_database(args.server_url, DATABASE, template=args.template)
        yield running, url


def run(args: argparse.Namespace, result: DrillResult) -> None:
    with _database(args) as (cluster, url):
        setup_django(url)
        from django.db import connection

        from opengps.registry.models import Organization

        _scene()
        connection.close()
        port = free_port()
        log, stop = Log(), threading.Event()
        with gunicorn(port, 2, url, LOGS / "pg_restart_gunicorn.log") as master:
            wait_ready(port, master)
            workers_before = sorted(child_pids(master.pid))
            sessions = [login(port, "drill-registrar") for _ in range(3)]
            clients: list[Callable[[], None]] = [
                lambda: reader(port, READ_PAGE, "read", None, stop, log),
                lambda: reader(port, SIGNED_IN_PAGE, "signed-in read", sessions[0], stop, log),
                lambda: writer(port, 1, sessions[1], stop, log),
                lambda: writer(port, 2, sessions[2], stop, log),
            ]
            threads = [threading.Thread(target=client, daemon=True) for client in clients]
            for thread in threads:
                thread.start()
            try:
                time.sleep(3)
                with step(f"PostgreSQL down for {args.outage:.0f} s, then up"):
                    down = time.monotonic()
                    cluster.stop("fast")
                    time.sleep(args.outage)
                    cluster.start()
                    up = time.monotonic()

                def recovered() -> float | None:
                    """When the last of the three kinds first succeeded after the restart."""
                    with log.lock:
                        ok = [a for a in log.answers if a.started >= up and 200 <= a.status < 300]
                    firsts = [min((a.started for a in ok if a.kind == kind), default=None) for kind in KINDS]
                    return None if None in firsts else max(f for f in firsts if f is not None)

                back = wait_until(recovered, timeout=60, what="reads and writes to succeed after the restart")
                time.sleep(3)
            finally:
                stop.set()
                for thread in threads:
                    thread.join(timeout=30)
            workers_after = sorted(child_pids(master.pid))
        connection.close()
        answers = list(log.answers)
        acked = {a.uscc for a in answers if a.status == 201}
        stored = set(Organization.objects.filter(uscc__in=acked).values_list("uscc", flat=True))
        connection.close()
    unavailable = [a for a in answers if a.status == 503]
    other_5xx = [a for a in answers if 500 <= a.status < 600 and a.status != 503]
    unanswered = [a for a in answers if a.status == 0]
    unclear = [a for a in answers if a.problem and a.status == 503]
    after = [a for a in answers if a.started > back and not 200 <= a.status < 300]
    result.figures = {
        "requests": len(answers),
        "acknowledged": len(acked),
        "stored": len(stored),
        "503": len(unavailable),
        "5xx_other": len(other_5xx),
        "unanswered": len(unanswered),
        "outage_s": round(up - down, 1),
        "recover_s": round(max(0.0, back - up), 2),
    }
    result.checks = {
        "outage seen (503s)": bool(unavailable),
        "every 503 explains itself": not unclear,
        "no other 5xx": not other_5xx,
        "every request answered": not unanswered,
        "recovered without a restart": workers_before == workers_after,
        "nothing fails after recovery": not after,
        "every acknowledged write stored": acked == stored,
    }
    problems = {a.problem for a in [*unclear, *other_5xx, *after] if a.problem}
    if problems:
        print(f"  problems: {sorted(problems)[:5]}", flush=True)
    by_kind = {
        kind: sum(1 for a in answers if a.kind == kind) for kind in ("read", "signed-in read", "write")
    }
    print(f"  requests by kind: {by_kind}; gunicorn workers {workers_before} → {workers_after}", flush=True)


def main(argv: list[str] | None = None) -> int:
    return drill_main(NAME, run, argv, _arguments)


if __name__ == "__main__":
    raise SystemExit(main())
