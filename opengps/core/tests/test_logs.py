"""Logs carry the request id: every record logged while a request is served names that request's
id (the X-Request-ID its response carries); OPENGPS_LOG_FORMAT=json makes them JSON lines, and the
production gunicorn access log is JSON with the same id."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from opengps.core.gunicorn_logs import access_entry
from opengps.core.logs import NO_REQUEST, JsonFormatter, RequestIdFilter, logging_config


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What a console handler set up as settings.LOGGING sets it up with OPENGPS_LOG_FORMAT=json
    (the request-id filter on the handler, the JSON formatter) writes, from any logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.django_db
def test_a_record_logged_while_a_request_is_served_carries_that_requests_id(json_lines: io.StringIO) -> None:
    # when two requests for a missing page are served (Django logs each at WARNING), one with a
    # request id from the balancer and one without
    given = Client().get("/no-such-page/", HTTP_X_REQUEST_ID="lb-0123456789abcdef")
    made = Client().get("/no-such-page/")
    # then each record names its own request's id, the one its response carries
    records = [r for r in _records(json_lines) if r["logger"] == "django.request"]
    assert [r["request_id"] for r in records] == [given["X-Request-ID"], made["X-Request-ID"]]
    assert records[0]["request_id"] == "lb-0123456789abcdef"
    assert len(records[1]["request_id"]) == 32  # one the platform made (uuid4 hex)
    assert records[0]["level"] == "WARNING" and "/no-such-page/" in records[0]["message"]


def test_a_record_logged_outside_any_request_says_so(json_lines: io.StringIO) -> None:
    logging.getLogger("opengps.worker").warning("任务 %s 完成", "导出")
    [record] = _records(json_lines)
    assert record["request_id"] == NO_REQUEST
    assert record["message"] == "任务 导出 完成"  # Chinese stays readable
    assert '"任务 导出 完成"' in json_lines.getvalue()


def test_json_lines_keep_extra_fields_and_the_traceback(json_lines: io.StringIO) -> None:
    logger = logging.getLogger("opengps.probe")
    try:
        raise ValueError("坏的输入")
    except ValueError:
        logger.exception("处理失败", extra={"task": "opendata.export", "attempt": 2})
    [record] = _records(json_lines)
    assert (record["task"], record["attempt"]) == ("opendata.export", 2)
    assert record["level"] == "ERROR" and record["logger"] == "opengps.probe"
    assert "ValueError: 坏的输入" in record["exception"]
    assert record["time"].endswith("+00:00")


def test_the_log_format_is_plain_or_json() -> None:
    assert logging_config(log_format="json", level="INFO")["handlers"]["console"]["formatter"] == "json"
    with pytest.raises(ValueError, match="OPENGPS_LOG_FORMAT"):
        logging_config(log_format="xml", level="INFO")


def _process(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A fresh process with the platform's production settings: one request (a missing page), one
    record outside any request."""
    script = (
        "import django, logging\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "response = Client().get('/no-such-page/', HTTP_X_REQUEST_ID='probe-request-0001')\n"
        "assert response['X-Request-ID'] == 'probe-request-0001'\n"
        "logging.getLogger('opengps.probe').warning('请求之外')\n"
    )
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("OPENGPS_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "opengps.settings",
        # production (with DEBUG on Django also prints its own plain lines to the console)
        "OPENGPS_DEBUG": "0",
        "OPENGPS_SECRET_KEY": "test-only-key-for-a-logging-probe",
        "OPENGPS_VAR_DIR": str(tmp_path),
        "OPENGPS_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        **env,
    }
    return subprocess.run(  # noqa: S603 — this interpreter, a fixed script
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_OPENGPS_LOG_FORMAT_json_makes_a_process_log_json_lines_with_the_request_id(tmp_path: Path) -> None:
    # when a process runs with OPENGPS_LOG_FORMAT=json and serves a request
    done = _process(tmp_path, OPENGPS_LOG_FORMAT="json")
    # then what it logs is JSON lines, the request's record with its id, the other with none
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    by_logger = {r["logger"]: r for r in records}
    assert by_logger["django.request"]["request_id"] == "probe-request-0001"
    assert by_logger["opengps.probe"]["request_id"] == NO_REQUEST
    assert by_logger["opengps.probe"]["message"] == "请求之外"


def test_plain_logs_by_default_also_name_the_request_and_a_wrong_format_is_refused(tmp_path: Path) -> None:
    plain = _process(tmp_path)
    assert plain.returncode == 0, plain.stderr
    lines = plain.stderr.splitlines()
    assert any(
        "WARNING django.request [probe-request-0001] Not Found: /no-such-page/" in line for line in lines
    )
    assert any(line.endswith("WARNING opengps.probe [-] 请求之外") for line in lines)
    wrong = _process(tmp_path, OPENGPS_LOG_FORMAT="xml")
    assert wrong.returncode != 0
    assert "OPENGPS_LOG_FORMAT must be one of plain, json" in wrong.stderr


def test_the_gunicorn_access_entry_carries_the_responses_request_id() -> None:
    # given what gunicorn knows of a served request (response headers as a list of pairs)
    entry = access_entry(
        status="302 Found",
        headers=[("Location", "/accounts/login/"), ("X-Request-ID", "lb-0123456789abcdef")],
        environ={
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/accounts/logout/",
            "QUERY_STRING": "",
            "REMOTE_ADDR": "10.0.0.2",
            "HTTP_X_FORWARDED_FOR": "203.0.113.7",
            "HTTP_USER_AGENT": "浏览器",
        },
        request_time=timedelta(milliseconds=12.34),
        sent=0,
    )
    # then the entry names the request, its id, the client the balancer saw and the duration
    assert entry["request_id"] == "lb-0123456789abcdef"
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/accounts/logout/", 302)
    assert (entry["remote_addr"], entry["forwarded_for"]) == ("10.0.0.2", "203.0.113.7")
    assert entry["duration_ms"] == 12.3
    # and a response without the header (not from the platform) says it has none
    assert (
        access_entry(status=200, headers={}, environ={}, request_time=timedelta(0), sent=None)["request_id"]
        == NO_REQUEST
    )
