"""Schemathesis over the whole JSON API, signed in as three roles: no input may cause a server error.

The OpenAPI document is loaded from the app itself and every operation is called in-process through
the WSGI handler, with a bounded, derandomized number of generated cases per operation (valid
cases from the schema, then invalid ones), so the run is reproducible and takes well under a minute
per role. Requests run inside the test's transaction: nothing is left behind, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

pytestmark = pytest.mark.django_db

#: Generated cases per operation: valid ones (from the schema), and invalid ones where there is input
#: to spoil. Each case is sent once per role: ~200 operations × ~3 cases × 3 roles ≈ 1,600 requests.
#: ``OPENGPS_FUZZ_SCALE=10`` multiplies them for a deeper run by hand.
SCALE = int(os.environ.get("OPENGPS_FUZZ_SCALE", "1"))
EXAMPLES = {GenerationMode.POSITIVE: 2 * SCALE, GenerationMode.NEGATIVE: 1 * SCALE}
ROLES = ("purchaser", "supplier", "finance")
#: The operations are split into shards so that pytest-xdist can run them side by side.
SHARDS = 3


@pytest.fixture
def app() -> Iterator[WSGIHandler]:
    """The platform's WSGI handler, without closing the test's database connection (and so its
    transaction) around each request — as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _credentials(user: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(cookies, headers) of a signed-in session with a CSRF token, as a browser would send them."""
    client = Client()
    client.force_login(user)
    token = secrets.token_hex(16)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}, {"X-CSRFToken": token}


def _call(case: Any, app: WSGIHandler, cookies: dict[str, str], headers: dict[str, str]) -> Any:
    """Send `case` inside a savepoint of the test's transaction. In production each statement outside
    a service's transaction commits on its own, so a statement the database refuses (answered 400)
    leaves nothing behind; inside the test's transaction, PostgreSQL would refuse every later one."""
    savepoint = transaction.savepoint()
    response = case.call(app=app, cookies=cookies, headers=headers)
    try:
        transaction.savepoint_commit(savepoint)
    except DatabaseError:
        transaction.savepoint_rollback(savepoint)
    return response


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_server_error_on_any_operation(app: WSGIHandler, world: Any, shard: int) -> None:
    # given the OpenAPI document as the app serves it, and a signed-in session of each role
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    sessions = {role: _credentials(world[role]) for role in ROLES}
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results)  # every operation's schema is usable
    mine = operations[shard::SHARDS]
    errors: list[str] = []
    counts = {"cases": 0, "requests": 0}
    unsatisfiable: list[str] = []

    # when every operation is called with generated valid and invalid input, as each role
    for operation in mine:
        spoilable = operation.body or operation.query  # invalid input needs input to spoil
        for mode, examples in EXAMPLES.items():
            if mode is GenerationMode.NEGATIVE and not spoilable:
                continue

            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case: Any) -> None:
                counts["cases"] += 1
                for role, (cookies, headers) in sessions.items():
                    response = _call(case, app, cookies, headers)
                    counts["requests"] += 1
                    if response.status_code >= 500:
                        errors.append(f"{role} {response.status_code} {case.as_curl_command()}")

            try:
                call()
            except Unsatisfiable:  # no invalid value exists for these parameters
                unsatisfiable.append(f"{mode.value} {operation.label}")

    # then the server never failed
    assert errors == []
    assert len(operations) > 150 and counts["cases"] >= len(mine)
    print(f"shard {shard}: {len(mine)} of {len(operations)} operations, {counts}, 0 server errors")
