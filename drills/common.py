"""What every drill shares: its databases, a throwaway PostgreSQL cluster, bounded waits, the result line.

Each drill runs in its own process (`python -m drills.<name>`, started by `drills.run`), because
Django is set up once per process against one database. A drill gets a fresh database copied from
the migrated template `opengps_drills` (CREATE DATABASE … TEMPLATE, a file copy: no migrate per
drill), writes its figures and checks as JSON for the runner and prints one summary line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from benchmarks.generate import PG_START_HINT

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "var" / "drills"
SERVER_URL = os.environ.get("DRILLS_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
TEMPLATE = "opengps_drills"
"""The migrated database every drill's database is copied from (`drills.run` recreates it)."""
SETTINGS = "benchmarks.settings"
"""The platform's settings with DEBUG off plus /bench/bare (what the gunicorn helper serves)."""


class DrillTimeout(Exception):
    """A bounded wait ran out: the drill fails, naming what it waited for."""


class Interrupted(BaseException):
    """SIGTERM from the runner (its timeout) or the user: unwind, so every `finally` cleans up."""


# ---------------------------------------------------------------------------------------------
# Databases


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _maintenance(server_url: str) -> Any:
    import psycopg

    try:
        return psycopg.connect(database_url(server_url, "postgres"), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        parts = urlsplit(server_url)
        raise SystemExit(
            f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({exc}).\n"
            f"Start it with:  {PG_START_HINT}"
        ) from exc


def _check_name(name: str) -> None:
    if not name.startswith(TEMPLATE):
        raise SystemExit(f"refusing to touch {name!r}: a drill database's name starts with {TEMPLATE}")


def recreate_database(server_url: str, name: str, *, template: str | None = None) -> str:
    """Drop and create the drill database `name` (optionally as a copy of `template`); its URL."""
    from psycopg import sql

    _check_name(name)
    with _maintenance(server_url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if template:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return database_url(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    from psycopg import sql

    _check_name(name)
    with _maintenance(server_url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def manage_env(database_url: str) -> dict[str, str]:
    """The environment of a manage.py, gunicorn or worker process of a drill."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "OPENGPS_DEBUG": "0",
        "OPENGPS_LOG_LEVEL": "WARNING",
        "OPENGPS_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def manage(args: Sequence[str], database_url: str, *, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run `manage.py args` against `database_url` (bounded by `timeout`); output captured."""
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=manage_env(database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def prepare_template(server_url: str) -> float:
    """Recreate and migrate the template database; returns the seconds it took."""
    started = time.perf_counter()
    url = recreate_database(server_url, TEMPLATE)
    done = manage(["migrate", "--noinput", "-v", "0"], url, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"migrating {TEMPLATE} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


# ---------------------------------------------------------------------------------------------
# Processes and waits


def wait_until(predicate: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.1) -> Any:
    """Poll `predicate` until it returns something true (returned) or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise DrillTimeout(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def stop_process(process: subprocess.Popen[Any], *, timeout: float = 15.0) -> None:
    """TERM, then KILL after `timeout` seconds; a no-op when it already ended."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def free_port(start: int = 0) -> int:
    """A free TCP port on 127.0.0.1: the first from `start` upwards, or any when `start` is 0."""
    for port in range(start, start + 200) if start else [0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise SystemExit(f"no free port from {start}")


# ---------------------------------------------------------------------------------------------
# PostgreSQL clusters


def pg_bin(name: str) -> str:
    """A PostgreSQL server binary: $PG_BIN, else the newest /usr/lib/postgresql/*/bin, else PATH."""
    configured = os.environ.get("PG_BIN")
    candidates = [Path(configured)] if configured else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name, reverse=True)
    for folder in candidates:
        if (folder / name).is_file():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: set PG_BIN to PostgreSQL's bin directory")
    return found


class ThrowawayCluster:
    """A PostgreSQL cluster of the drill's own under /tmp (initdb, trust auth, 127.0.0.1:`port`),
    stopped and deleted on exit, so restarting it never disturbs the machine's server."""

    def __init__(self, port: int = 5440) -> None:
        self.port = free_port(port)
        self.folder = Path(tempfile.mkdtemp(prefix="opengps-drills-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgresql.log"
        self.server_url = f"postgres://postgres@127.0.0.1:{self.port}"
        # initdb refuses to run as root: the cluster then belongs to the postgres account
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")

    def create(self) -> None:
        if self.as_user:
            shutil.chown(self.folder, user="postgres")
        self._run(
            pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8", timeout=120,
        )  # fmt: skip
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=60"
        self._run(
            pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60",
            "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def __enter__(self) -> ThrowawayCluster:
        self.create()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.running():
                try:
                    self.stop("fast")
                except (RuntimeError, subprocess.TimeoutExpired):
                    self.stop("immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


class MachineCluster:
    """The machine's own cluster (`pg_ctlcluster VERSION main`): restarting it breaks every other
    client of that server for a second or two. Left running however the drill ends."""

    def __init__(self, server_url: str, version: str, name: str = "main") -> None:
        self.server_url = server_url
        self.command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, name]

    def _run(self, action: str) -> None:
        done = subprocess.run(
            [*self.command, action], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctlcluster {action} failed: {done.stderr.strip()}")

    def start(self) -> None:
        self._run("start")

    def stop(self, mode: str = "fast") -> None:
        self._run("stop")

    def running(self) -> bool:
        done = subprocess.run([*self.command, "status"], capture_output=True, timeout=30, check=False)
        return done.returncode == 0

    def __enter__(self) -> MachineCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.running():
            self.start()


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class DrillResult:
    name: str
    figures: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, bool] = field(default_factory=dict)
    seconds: float = 0.0
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.checks) and all(self.checks.values())

    def line(self) -> str:
        figures = ", ".join(f"{k}={v}" for k, v in self.figures.items())
        if self.error:
            verdict = f"ERROR: {self.error}"
        elif self.ok:
            verdict = "ok"
        else:
            verdict = "FAILED: " + ", ".join(name for name, met in self.checks.items() if not met)
        return f"{self.name}: {figures} ({self.seconds:.1f} s) — {verdict}"


def _interrupt(signum: int, frame: Any) -> None:
    raise Interrupted(signal.strsignal(signum))


def drill_main(
    name: str, body: Callable[[argparse.Namespace, DrillResult], None], argv: Sequence[str] | None = None,
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
) -> int:  # fmt: skip
    """Parse the common options, run `body` (which fills the result), print and store the result."""
    parser = argparse.ArgumentParser(prog=f"python -m drills.{name}", description=f"Fault drill: {name}")
    parser.add_argument("--server-url", default=SERVER_URL, help="PostgreSQL server (no database name)")
    parser.add_argument(
        "--template", default=TEMPLATE, help="migrated database to copy (drills.run makes it)"
    )
    parser.add_argument("--result", type=Path, help="write the result as JSON here (for drills.run)")
    if add_arguments:
        add_arguments(parser)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    LOGS.mkdir(parents=True, exist_ok=True)
    result = DrillResult(name)
    started = time.perf_counter()
    try:
        body(args, result)
    except (Exception, Interrupted) as exc:
        traceback.print_exc()
        result.error = f"{type(exc).__name__}: {exc}"
    result.seconds = round(time.perf_counter() - started, 1)
    if args.result:
        args.result.write_text(json.dumps(asdict(result), ensure_ascii=False), encoding="utf-8")
    print(result.line(), flush=True)
    return 0 if result.ok else 1


@contextlib.contextmanager
def step(what: str) -> Iterator[None]:
    """Print what the drill is doing and how long it took."""
    started = time.perf_counter()
    print(f"  {what} …", flush=True)
    yield
    print(f"  {what}: {time.perf_counter() - started:.1f} s", flush=True)
