"""Acceptance (issue 13): 20 wrong passwords, alternated between two server processes that share
only the database, lock the account; the right password is then refused too."""

from __future__ import annotations

import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
USERNAME = "auditor"
PASSWORD = "Xiang-jiang-2026!"

# Builds the shared database file: tables from the models (as the test suite does), one account.
SETUP = f"""
import django
django.setup()
from django.core.management import call_command
from django.test.utils import override_settings

class NoMigrations:
    def __contains__(self, item): return True
    def __getitem__(self, item): return None

with override_settings(MIGRATION_MODULES=NoMigrations()):
    call_command("migrate", run_syncdb=True, verbosity=0)
from opengps.accounts.services import user_create
user_create(actor=None, username={USERNAME!r}, password={PASSWORD!r}, role="auditor")
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[list[str], Path]]:
    database = tmp_path / "shared.sqlite3"
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("OPENGPS_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "opengps.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "OPENGPS_VAR_DIR": str(tmp_path / "var"),
        "OPENGPS_DEBUG": "0",
        "OPENGPS_SECRET_KEY": secrets.token_urlsafe(50),
        "OPENGPS_ALLOWED_HOSTS": "127.0.0.1",
        "OPENGPS_LOG_LEVEL": "WARNING",
        "OPENGPS_LOGIN_FAILURE_LIMIT": "10",
        "OPENGPS_LOGIN_LOCKOUT_MINUTES": "15",
    }
    subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True, timeout=300)  # noqa: S603
    servers: list[subprocess.Popen[bytes]] = []
    urls = []
    try:
        for n in range(2):
            port = _free_port()
            log = (tmp_path / f"server{n}.log").open("wb")
            servers.append(
                subprocess.Popen(  # noqa: S603
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "opengps.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                        "--log-level",
                        "warning",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 180
        for url in urls:
            while True:
                try:
                    if requests.get(f"{url}/healthz", timeout=30).status_code == 200:
                        break
                except requests.RequestException:  # not listening yet, or still starting up
                    pass
                if time.monotonic() > deadline:
                    logs = "\n".join(p.read_text(errors="replace") for p in tmp_path.glob("server*.log"))
                    pytest.fail(f"servers did not start:\n{logs}")
                time.sleep(0.3)
        yield urls, database
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def _failures(database: Path) -> int:
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT COALESCE(SUM(failures_since_start), 0) FROM axes_accessattempt WHERE username = ?",
            (USERNAME,),
        ).fetchone()
    return int(row[0])


def _login(browser: requests.Session, url: str, password: str) -> requests.Response:
    form = browser.get(f"{url}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert token, form.text[:500]
    return browser.post(
        f"{url}/accounts/login/",
        data={"username": USERNAME, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{url}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )


def test_twenty_wrong_logins_across_two_processes_lock_the_account(two_servers: Any) -> None:
    (first, second), database = two_servers
    browser = requests.Session()
    statuses = []
    # when 20 wrong passwords alternate between the two processes
    for attempt in range(20):
        url = (first, second)[attempt % 2]
        response = _login(browser, url, f"wrong-password-{attempt}")
        statuses.append(response.status_code)
        if attempt == 9:
            locked_page = response.text
    # then the first 9 are ordinary refusals and the 10th (5 on each process: only the shared
    # count reaches 10) locks the account; every later attempt is refused as locked
    assert statuses[:9] == [200] * 9
    assert statuses[9:] == [429] * 11
    assert "登录已被暂时锁定" in locked_page
    # and the count is in the database both processes share
    assert _failures(database) == 20
    # when the right password is tried on either process while locked
    for url in (first, second):
        response = _login(browser, url, PASSWORD)
        # then it is refused: no session, the lockout page
        assert response.status_code == 429
        assert "sessionid" not in response.cookies
        assert "登录已被暂时锁定" in response.text
        assert browser.get(f"{url}/accounts/me/", allow_redirects=False, timeout=30).status_code == 302
