"""The shipped deployment files are complete and valid: deploy/env.example names every setting the
platform reads from the environment, haproxy accepts deploy/haproxy.cfg, gunicorn accepts
deploy/gunicorn.conf.py as the web unit runs it, and the worker units run commands that exist.
(test_two_nodes.py runs the balancer and two web nodes from these files on PostgreSQL.)"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from opengps.core import keys
from opengps.core.tests.deploy_files import DEPLOY, HAPROXY, ROOT, env_example, self_signed_pem, unit_exec

READS = re.compile(r"""(?:os\.environ\.get|_env_bool|env\.get)\(\s*"((?:OPENGPS|DATABASE)_[A-Z0-9_]+)\"""")


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith(("OPENGPS_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "opengps.settings",
        "OPENGPS_DEBUG": "1",
        "OPENGPS_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        **extra,
    }


def test_env_example_names_every_variable_the_platform_reads() -> None:
    sources = [ROOT / "opengps" / "settings.py", DEPLOY / "gunicorn.conf.py"]
    read = {name for path in sources for name in READS.findall(path.read_text(encoding="utf-8"))}
    read |= {keys.KEK_ENV, keys.RECEIPT_KEY_ENV}
    assert {"OPENGPS_SECRET_KEY", "OPENGPS_WEB_WORKERS", "DATABASE_URL"} <= read  # the scan finds them
    missing = sorted(read - set(env_example()))
    assert not missing, f"deploy/env.example does not mention {missing}"


def test_env_example_is_a_production_configuration_without_secrets() -> None:
    example = env_example()
    assert example["OPENGPS_DEBUG"] == "0"
    assert (example["OPENGPS_HTTPS"], example["OPENGPS_BEHIND_PROXY"]) == ("1", "1")
    assert example["OPENGPS_LOG_FORMAT"] == "json"
    secrets = (
        "OPENGPS_SECRET_KEY",
        "OPENGPS_SEAL_KEK",
        "OPENGPS_RECEIPT_KEY",
        "OPENGPS_STORAGE_S3_SECRET_ACCESS_KEY",
    )
    for secret in secrets:
        assert example[secret] == "", secret


@pytest.mark.skipif(HAPROXY is None, reason="haproxy is not installed (apt-get install haproxy; CI does)")
def test_haproxy_accepts_the_shipped_configuration(tmp_path: Path) -> None:
    combined, _ca = self_signed_pem(tmp_path)
    checked = subprocess.run(  # noqa: S603 — haproxy's configuration check
        [str(HAPROXY), "-c", "-f", str(DEPLOY / "haproxy.cfg")],
        env={**os.environ, "OPENGPS_LB_CERT": str(combined)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "[WARNING]" not in checked.stdout + checked.stderr


def test_the_web_unit_runs_gunicorn_with_the_json_logger_on_its_instance_port(tmp_path: Path) -> None:
    argv, unit_env = unit_exec("opengps-web@.service", "8123", run_dir=tmp_path / "run")
    printed = subprocess.run(  # noqa: S603 — the unit's command, asked to print its configuration
        [*argv, "--print-config"],
        cwd=ROOT,
        env={**_environment(tmp_path), **unit_env, "OPENGPS_WEB_WORKERS": "3"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert printed.returncode == 0, printed.stdout + printed.stderr
    config = {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in printed.stdout.splitlines())
    }
    assert config["bind"] == "['127.0.0.1:8123']"
    assert config["workers"] == "3"
    assert config["wsgi_app"] == "opengps.wsgi:application"
    assert config["logger_class"] == "<JsonLogger()>"  # opengps.core.gunicorn_logs
    assert config["control_socket_disable"] == "True"  # several nodes may share a host
    assert config["child_exit"] == "<child_exit()>"  # a dead worker's metrics files are marked dead


@pytest.mark.parametrize(
    ("unit", "expected", "extra"),
    [
        ("opengps-worker.service", "--schedule-only", {}),
        (
            "opengps-rqworker@.service",
            "--with-scheduler",
            {"OPENGPS_TASKS_REDIS_URL": "redis://127.0.0.1:6379/15"},
        ),
    ],
)
def test_the_worker_units_run_commands_that_exist(
    tmp_path: Path, unit: str, expected: str, extra: dict[str, str]
) -> None:
    argv, unit_env = unit_exec(unit, "1")
    helped = subprocess.run(  # noqa: S603 — the unit's command, asked for its help
        [*argv, "--help"],
        cwd=ROOT,
        env={**_environment(tmp_path, **extra), **unit_env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert helped.returncode == 0, helped.stdout + helped.stderr
    assert expected in helped.stdout
