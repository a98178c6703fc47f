"""Two web nodes behind the balancer, run from the shipped files: deploy/haproxy.cfg,
deploy/systemd/opengps-web@.service (its ExecStart and Environment), deploy/gunicorn.conf.py and
deploy/env.example (the nodes' settings, with test values for the secrets and addresses).

Both nodes share only the PostgreSQL test database. Through the balancer (TLS, round robin, no
sticky sessions): a session opened on one node is valid on the other; signing out on one ends it
on both; wrong passwords spread over both nodes lock the account at the configured total; the
open-data change feed stays gap-free with writers on both nodes at once; every access-log line is
JSON carrying the request's id.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from base64 import b64encode
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection

from opengps.core import clock
from opengps.core.tests.deploy_files import (
    DEPLOY,
    HAPROXY,
    ROOT,
    env_example,
    free_port,
    self_signed_pem,
    unit_exec,
)
from opengps.demo import world
from opengps.opendata.models import Release
from opengps.planning import services as planning_services

PASSWORD = "test-password-123"  # what the `make_user` fixture gives every user
FAILURE_LIMIT = 4
NODES = ("web1", "web2")  # the `server` names in deploy/haproxy.cfg
START_TIMEOUT = 90.0
REQUEST_TIMEOUT = 30.0

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the nodes are separate processes: the SQLite test database is in memory (runs on PostgreSQL)",
    ),
    pytest.mark.skipif(HAPROXY is None, reason="haproxy is not installed (apt-get install haproxy; CI does)"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("two-nodes"),
]


# --- the cluster -----------------------------------------------------------------------------------


@dataclass
class Cluster:
    url: str
    ca: Path
    logs: dict[str, Path]
    nodes: dict[str, str]  # name → its own http://address:port, as the monitoring reaches it

    def browser(self) -> Browser:
        return Browser(self)

    def log_entries(self, node: str) -> list[dict[str, Any]]:
        entries = []
        for line in self.logs[node].read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("{"):
                entries.append(json.loads(line))
        return entries

    def tails(self) -> str:
        return "\n".join(
            f"--- {name}\n{path.read_text(errors='replace')[-3000:]}" for name, path in self.logs.items()
        )


class Browser:
    """A client of the balancer with its own cookies; each request on a new connection."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.session = requests.Session()

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Connection": "close", **kwargs.pop("headers", {})}
        if method != "GET":
            headers["Origin"] = self.cluster.url
            headers["X-CSRFToken"] = self.session.cookies.get("csrftoken", "")
        return self.session.request(
            method,
            self.cluster.url + path,
            headers=headers,
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
            # per request: a session's `verify` loses to REQUESTS_CA_BUNDLE in the environment
            verify=str(self.cluster.ca),
            **kwargs,
        )

    def login(self, username: str, password: str) -> requests.Response:
        """Sign in with the login form (fetched once: then each attempt is one request)."""
        if "csrftoken" not in self.session.cookies:
            page = self.get("/accounts/login/")
            assert page.status_code == 200 and "csrftoken" in self.session.cookies, page.text[:300]
        token = self.session.cookies["csrftoken"]
        return self.post(
            "/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        )


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # a quick stop: no request is in flight any more
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_node(port: int, process: subprocess.Popen[bytes], deadline: float) -> bool:
    while time.monotonic() < deadline and process.poll() is None:
        try:
            reply = requests.get(f"http://127.0.0.1:{port}/healthz", allow_redirects=False, timeout=5)
            if reply.status_code == 200:
                return True
        except requests.RequestException:  # not listening yet
            pass
        time.sleep(0.2)
    return False


@pytest.fixture(autouse=True)
def _production_hasher(settings: Any) -> None:
    """Users made here sign in on the nodes, whose production settings know no test-only hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _node_environment(url: str, tmp_path: Path) -> dict[str, str]:
    """What every node reads: env.example, plus test values for what it leaves to the site."""
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    return {
        **env_example(),
        # test values for what env.example leaves to the site (secrets, names, addresses)
        "DATABASE_URL": database_url,
        "OPENGPS_SECRET_KEY": secrets.token_urlsafe(50),
        "OPENGPS_ALLOWED_HOSTS": "127.0.0.1",
        "OPENGPS_PUBLIC_URL": url,
        "OPENGPS_OCID_PREFIX": settings.OCDS_TEST_OCID_PREFIX,
        "OPENGPS_360G_PREFIX": settings.GIVING_TEST_PREFIX,
        "OPENGPS_KEK_PROVIDER": "env",
        "OPENGPS_SEAL_KEK": b64encode(secrets.token_bytes(32)).decode(),
        "OPENGPS_RECEIPT_KEY": b64encode(secrets.token_bytes(32)).decode(),
        "OPENGPS_VAR_DIR": str(tmp_path / "var"),
        "OPENGPS_CHECKPOINT_FILE": str(tmp_path / "var" / "checkpoints.jsonl"),
        "OPENGPS_OPENDATA_EXPORT_DIR": str(tmp_path / "var" / "opendata"),
        "OPENGPS_WEB_HOST": "127.0.0.1",
        "OPENGPS_WEB_WORKERS": "1",
        "OPENGPS_LOGIN_FAILURE_LIMIT": str(FAILURE_LIMIT),
    }


def _balancer_environment(short: Path, lb_port: int, combined: Path, ports: dict[str, int]) -> dict[str, str]:
    """The site values deploy/haproxy.cfg reads, for a balancer in front of the two test nodes."""
    return {
        "OPENGPS_LB_LOG": "stdout",
        "OPENGPS_LB_USER": pwd.getpwuid(os.getuid()).pw_name,
        "OPENGPS_LB_GROUP": grp.getgrgid(os.getgid()).gr_name,
        "OPENGPS_LB_STATS_SOCKET": str(short / "admin.sock"),
        "OPENGPS_LB_STATS_BIND": f"127.0.0.1:{free_port()}",
        "OPENGPS_LB_HTTP_BIND": f"127.0.0.1:{free_port()}",
        "OPENGPS_LB_HTTPS_BIND": f"127.0.0.1:{lb_port}",
        "OPENGPS_LB_CERT": str(combined),
        "OPENGPS_LB_CHECK_HOST": "127.0.0.1",
        "OPENGPS_WEB1": f"127.0.0.1:{ports['web1']}",
        "OPENGPS_WEB2": f"127.0.0.1:{ports['web2']}",
    }


@pytest.fixture
def start_cluster(transactional_db: None, tmp_path: Path) -> Iterator[Callable[[], Cluster]]:
    """Starts the two nodes and the balancer once the test's data is committed (the nodes read the
    stored holiday years at their first request); stops them — before the database is flushed —
    however the test ends."""
    processes: list[subprocess.Popen[bytes]] = []
    short = Path(tempfile.mkdtemp(prefix="ogps-lb-"))  # unix socket paths must stay short

    def start() -> Cluster:
        lb_port = free_port()
        url = f"https://127.0.0.1:{lb_port}"
        combined, ca = self_signed_pem(short)
        base = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("OPENGPS_", "DJANGO_", "DATABASE_"))
        }
        shared = _node_environment(url, tmp_path)
        logs: dict[str, Path] = {}
        ports: dict[str, int] = {}
        deadline = time.monotonic() + START_TIMEOUT
        for name in NODES:
            ports[name] = free_port()
            argv, unit_env = unit_exec("opengps-web@.service", str(ports[name]), run_dir=tmp_path / "run")
            logs[name] = tmp_path / f"{name}.log"
            with logs[name].open("wb") as log:
                processes.append(
                    subprocess.Popen(  # noqa: S603 — the shipped unit's command
                        argv,
                        cwd=ROOT,
                        env={**base, **shared, **unit_env},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        nodes = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        cluster = Cluster(url=url, ca=ca, logs=logs, nodes=nodes)
        for name, process in zip(NODES, processes, strict=True):
            if not _wait_node(ports[name], process, deadline):
                pytest.fail(f"node {name} did not answer /healthz:\n{cluster.tails()}")
        lb_env = {**base, **_balancer_environment(short, lb_port, combined, ports)}
        logs["haproxy"] = tmp_path / "haproxy.log"
        with logs["haproxy"].open("wb") as log:
            processes.append(
                subprocess.Popen(  # noqa: S603 — the shipped configuration, in the foreground
                    [str(HAPROXY), "-db", "-f", str(DEPLOY / "haproxy.cfg")],
                    env=lb_env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        # ready when the balancer has reached both nodes
        seen: set[str] = set()
        problem: Exception | None = None
        while seen != set(NODES):
            if time.monotonic() > deadline or processes[-1].poll() is not None:
                pytest.fail(
                    f"the balancer did not reach both nodes ({seen}, {problem!r}):\n{cluster.tails()}"
                )
            try:
                reply = cluster.browser().get("/healthz")
                if reply.status_code == 200:
                    seen.add(reply.headers["X-Served-By"])
            except requests.RequestException as exc:  # not listening yet
                problem = exc
            time.sleep(0.1)
        return cluster

    try:
        yield start
    finally:
        _stop(processes)
        shutil.rmtree(short, ignore_errors=True)


# --- the test: one cluster (starting one takes seconds), the checks one after another ----------------

PLANS = 8


def test_two_nodes_share_sessions_the_sign_in_throttle_and_a_gap_free_feed(
    start_cluster: Callable[[], Cluster],
    make_user: Callable[..., Any],
    purchaser: Any,
    finance: Any,
    make_line: Callable[..., Any],
    make_project: Callable[..., Any],
    clock_at: Callable[..., None],
    next_year_calendar: None,
) -> None:
    # given two users, approved plans ready for their intentions, and the two nodes behind the
    # balancer (started last: they load the stored holiday years at their first request)
    make_user("auditor", unit="audit", username="shen")
    make_user("auditor", unit="audit", username="lu")
    plan_ids = _approved_plans(purchaser, finance, make_line, make_project, clock_at)
    cluster = start_cluster()
    # then
    _operations_endpoints_answer_on_each_node_and_metrics_stay_private(cluster)
    _a_session_follows_the_user_and_sign_out_on_one_node_ends_it_on_both(cluster, "shen")
    _wrong_passwords_on_both_nodes_lock_the_account_at_the_shared_limit(cluster, "lu")
    _the_feed_stays_gap_free_with_writers_on_both_nodes(cluster, purchaser.username, plan_ids)


def _operations_endpoints_answer_on_each_node_and_metrics_stay_private(cluster: Cluster) -> None:
    # each node answers its readiness and metrics directly, over plain HTTP (no https redirect)
    for name, node in cluster.nodes.items():
        ready = requests.get(f"{node}/readyz", allow_redirects=False, timeout=REQUEST_TIMEOUT)
        assert ready.status_code == 200 and ready.json()["status"] == "ok", (name, ready.text[:300])
        metrics = requests.get(f"{node}/metrics", allow_redirects=False, timeout=REQUEST_TIMEOUT)
        assert metrics.status_code == 200 and "opengps_task_queue_depth" in metrics.text, name
    # the balancer never serves /metrics (each node is scraped directly); it passes the rest on
    assert cluster.browser().get("/metrics").status_code == 404
    assert cluster.browser().get("/readyz").json()["status"] == "ok"


# --- (a), (b): sessions ---------------------------------------------------------------------------


def _a_session_follows_the_user_and_sign_out_on_one_node_ends_it_on_both(
    cluster: Cluster, username: str
) -> None:
    browser = cluster.browser()
    # when the user signs in (on whichever node the balancer picks)
    signed_in = browser.login(username, PASSWORD)
    assert signed_in.status_code == 302, signed_in.text[:500]
    session = browser.session.cookies["sessionid"]
    # then every following request is signed in, whichever node answers it — both do
    answered: dict[str, list[int]] = {name: [] for name in NODES}
    for _ in range(4):
        page = browser.get("/accounts/me/")
        answered[page.headers["X-Served-By"]].append(page.status_code)
        assert page.status_code == 200 and username in page.text, page.status_code
    assert all(answered[name] for name in NODES), answered
    # and each answer carries the id the balancer gave the request, which the node's JSON access
    # log records against that request
    reply = browser.get("/accounts/me/")
    request_id = reply.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f-]{36}", request_id), request_id
    entries: list[dict[str, Any]] = []
    for _ in range(20):  # the access line is written just after the response
        entries = [
            e for e in cluster.log_entries(reply.headers["X-Served-By"]) if e["request_id"] == request_id
        ]
        if entries:
            break
        time.sleep(0.1)
    [entry] = entries
    assert entry["logger"] == "gunicorn.access"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/accounts/me/", 200)
    assert entry["forwarded_for"] == "127.0.0.1"  # the client, appended by the balancer

    # when the user signs out (one node answers) …
    signed_out = browser.post("/accounts/logout/")
    assert signed_out.status_code == 302, signed_out.status_code
    # … and the old session cookie is presented again, to both nodes
    replay = cluster.browser()
    replay.session.cookies.set("sessionid", session, domain="127.0.0.1", path="/")
    refused: dict[str, int] = {}
    for _ in range(4):
        page = replay.get("/accounts/me/")
        refused[page.headers["X-Served-By"]] = page.status_code
    # then the session is over on both: each sends the visitor to sign in
    assert refused == {"web1": 302, "web2": 302}, (signed_out.headers["X-Served-By"], refused)


# --- (c): the sign-in throttle --------------------------------------------------------------------


def _wrong_passwords_on_both_nodes_lock_the_account_at_the_shared_limit(
    cluster: Cluster, username: str
) -> None:
    # (the nodes lock a login after FAILURE_LIMIT wrong passwords)
    browser = cluster.browser()
    # when wrong passwords go to the balancer, which alternates the nodes
    attempts = []
    for n in range(FAILURE_LIMIT):
        reply = browser.login(username, f"wrong-password-{n}")
        attempts.append((reply.headers["X-Served-By"], reply.status_code))
    # then both nodes counted failures, and the limit-th failure in total — not per node — locks
    assert {node for node, _status in attempts} == set(NODES), attempts
    assert max(sum(node == name for node, _ in attempts) for name in NODES) < FAILURE_LIMIT, attempts
    assert [status for _node, status in attempts] == [200] * (FAILURE_LIMIT - 1) + [429], attempts
    # and the right password is refused on both nodes while the lock holds
    locked = {}
    for _ in range(2):
        reply = browser.login(username, PASSWORD)
        locked[reply.headers["X-Served-By"]] = reply.status_code
        assert "sessionid" not in reply.cookies
    assert locked == {"web1": 429, "web2": 429}, locked


# --- (d): the open-data change feed ---------------------------------------------------------------


def _approved_plans(
    purchaser: Any,
    finance: Any,
    make_line: Callable[..., Any],
    make_project: Callable[..., Any],
    clock_at: Callable[..., None],
) -> list[int]:
    """Plans filed on planning's calendar whose procurement starts in two months, so that their
    intentions may be published today on the nodes' (real) clock."""
    starts_on = clock.today() + timedelta(days=60)
    clock_at(world.TODAY)
    plan_ids = []
    for n in range(PLANS):
        project = make_project(
            "300000", item=["A0401", "A0402", "A0901", "B0201"][n % 4], name=f"居家养老{n}"
        )
        plan = planning_services.plan_create(
            actor=purchaser,
            project=project,
            budget_line=make_line("600000"),
            method="open_tender",
            procurement_starts_on=starts_on,
            requirements="为辖区老年人提供助餐、助洁服务",
        )
        plan = planning_services.plan_submit(actor=purchaser, plan=plan)
        if plan.status == "pending_approval":
            plan = planning_services.plan_approve_method(actor=finance, plan=plan, note="同意")
        plan_ids.append(plan.pk)
    clock_at(None)
    return plan_ids


def _publish(
    browser: Browser, plan_ids: list[int], out: list[tuple[str, int]], errors: list[BaseException]
) -> None:
    try:
        for plan_id in plan_ids:
            reply = browser.post(
                f"/api/v1/planning/plans/{plan_id}/intention",
                json={"summary": "采购意向（双节点测试）"},
            )
            assert reply.status_code == 201, reply.text[:500]
            out.append((reply.headers["X-Served-By"], plan_id))
    except BaseException as exc:
        errors.append(exc)


def _follow(
    cluster: Cluster, stop: threading.Event, seen: list[dict[str, Any]], errors: list[BaseException]
) -> None:
    """Follow the feed as a consumer does, page by page from the cursor, until told to stop and
    the feed is drained."""
    reader = cluster.browser()
    cursor = 0
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            finished = stop.is_set()
            reply = reader.get(f"/api/v1/opendata/releases?after={cursor}&limit=3")
            assert reply.status_code == 200, reply.text[:300]
            releases = reply.json()["releases"]
            next_cursor = int(reply.headers["OpenGPS-Feed-Cursor"])
            # positions are consecutive: the cursor moves on by exactly the releases served
            assert next_cursor == cursor + len(releases), (cursor, next_cursor, len(releases))
            seen.extend({"position": cursor + i + 1, **r} for i, r in enumerate(releases))
            cursor = next_cursor
            if finished and not releases:
                return
            time.sleep(0.05)
        raise AssertionError("the feed reader did not finish in time")
    except BaseException as exc:
        errors.append(exc)


def _the_feed_stays_gap_free_with_writers_on_both_nodes(
    cluster: Cluster, username: str, plan_ids: list[int]
) -> None:
    writers = [cluster.browser(), cluster.browser()]
    for browser in writers:
        assert browser.login(username, PASSWORD).status_code == 302
    # when two writers publish the intentions at once through the balancer while a reader follows
    # the feed through it
    published: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    seen: list[dict[str, Any]] = []
    stop = threading.Event()
    reader = threading.Thread(target=_follow, args=(cluster, stop, seen, errors), daemon=True)
    threads = [
        threading.Thread(target=_publish, args=(browser, plan_ids[n::2], published, errors), daemon=True)
        for n, browser in enumerate(writers)
    ]
    reader.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    stop.set()
    reader.join(timeout=130)
    assert not errors, errors
    # then both nodes wrote
    assert {node for node, _plan in published} == set(NODES), published
    assert sorted(plan for _node, plan in published) == sorted(plan_ids)
    # and the reader saw every release exactly once, in position order, with no gap
    committed = list(Release.objects.order_by("position").values_list("position", "release_id", "ocid"))
    assert [position for position, _r, _o in committed] == list(range(1, len(plan_ids) + 1))
    assert [(r["position"], r["id"], r["ocid"]) for r in seen] == committed
    assert {r["ocid"] for r in seen} == {f"{settings.OCDS_TEST_OCID_PREFIX}-PLAN-{pk:06d}" for pk in plan_ids}
