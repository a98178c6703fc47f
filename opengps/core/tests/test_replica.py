"""The read replica: public reads served by it, writes and recent writers on the primary, the
fall-back when it is down or late. Router and middleware decisions run anywhere; the rest runs
against the real streaming replica `.ci/run` starts (scripts/ci/replica.sh, DATABASE_REPLICA_URL)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings

from opengps.core import health, replica
from opengps.core.models import RateLimitWindow

# ---------------------------------------------------------------------------------------------
# Decisions (no replica needed)


@pytest.fixture(autouse=True)
def _fresh_health() -> Iterator[None]:
    replica.health_reset()
    yield
    replica.health_reset()  # a cached "healthy" must not send another test's reads to the replica


@pytest.mark.parametrize(
    ("method", "path", "public"),
    [
        ("GET", "/portal/", True),
        ("HEAD", "/portal/notices/12/", True),
        ("GET", "/opendata/", True),
        ("GET", "/registry/", True),
        ("GET", "/registry/org/52430100MJJ0000017/", True),
        ("GET", "/api/v1/registry/organizations", True),
        ("GET", "/api/v1/registry/organizations/52430100MJJ0000017/eligibility", True),
        ("GET", "/api/v1/opendata/releases", True),
        ("GET", "/api/v1/portal/kinds", True),
        ("POST", "/portal/search/", False),
        ("PATCH", "/api/v1/registry/organizations/52430100MJJ0000017", False),
        ("OPTIONS", "/portal/", False),
        ("GET", "/registry/manage/", False),
        ("GET", "/opendata/exports/3/", False),
        ("GET", "/", False),
        ("GET", "/procurement/", False),
        ("GET", "/api/v1/procurement/projects", False),
        ("GET", "/api/v1/registry/import-jobs", False),
        ("GET", "/readyz", False),
    ],
)
def test_only_public_reads_may_use_the_replica(method: str, path: str, public: bool) -> None:
    assert replica.is_public_read(method, path) is public


@contextmanager
def _health(ok: bool) -> Iterator[mock.MagicMock]:
    with mock.patch.object(replica, "replica_healthy", return_value=ok) as checked:
        yield checked


def test_the_router_reads_from_the_replica_only_in_a_public_read_while_it_is_healthy() -> None:
    router = replica.ReplicaRouter()
    # outside a request (commands, tasks, tests): the primary, without asking the replica
    with _health(True) as checked:
        assert router.db_for_read(RateLimitWindow) == "default"
    checked.assert_not_called()
    with replica.replica_reads() as state, _health(True):
        assert router.db_for_read(RateLimitWindow) == "replica"
        assert state.used
    with replica.replica_reads(), _health(False):
        assert router.db_for_read(RateLimitWindow) == "default"
    with replica.replica_reads(allowed=False), _health(True):
        assert router.db_for_read(RateLimitWindow) == "default"


def test_the_apps_kept_on_the_primary_are_installed_apps() -> None:
    from django.apps import apps

    assert {config.label for config in apps.get_app_configs()} >= replica.PRIMARY_APPS


def test_sessions_and_reads_inside_a_transaction_stay_on_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    router = replica.ReplicaRouter()
    with replica.replica_reads(), _health(True):
        assert router.db_for_read(Session) == "default"
        monkeypatch.setattr(connections["default"], "in_atomic_block", True)
        assert router.db_for_read(RateLimitWindow) == "default"


def test_a_write_goes_to_the_primary_and_the_rest_of_the_request_reads_it_there() -> None:
    router = replica.ReplicaRouter()
    with replica.replica_reads() as state, _health(True):
        assert router.db_for_write(Session) == "default"  # a session save is no data write
        assert router.db_for_read(RateLimitWindow) == "replica"
        assert router.db_for_write(RateLimitWindow) == "default"
        assert state.wrote
        assert router.db_for_read(RateLimitWindow) == "default"
    assert router.db_for_write(RateLimitWindow) == "default"


def test_migrations_run_on_the_primary_only_and_relations_cross_copies() -> None:
    router = replica.ReplicaRouter()
    assert router.allow_migrate("default", "registry") is True
    assert router.allow_migrate("replica", "registry") is False
    assert router.allow_relation(RateLimitWindow(), RateLimitWindow()) is True


def test_the_health_answer_is_kept_a_few_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    lags: list[float | None] = [0.2, 45.0, None]
    with mock.patch.object(health, "replica_lag", side_effect=lags) as asked:
        assert replica.replica_healthy() is True
        assert replica.replica_healthy() is True  # cached: one question per HEALTH_SECONDS
        assert asked.call_count == 1
        monkeypatch.setattr(replica, "HEALTH_SECONDS", 0.0)
        assert replica.replica_healthy() is False  # 45 s > OPENGPS_REPLICA_MAX_LAG (30 s)
        assert replica.replica_healthy() is False  # no replica configured
    refused = OperationalError("connection refused")
    with (
        mock.patch.object(health, "replica_lag", side_effect=refused),
        mock.patch.object(replica, "_close_replica") as closed,
    ):
        assert replica.replica_healthy() is False
    closed.assert_called_once()


@override_settings(OPENGPS_REPLICA_PIN_SECONDS=10, OPENGPS_REPLICA_MAX_LAG=30)
def test_the_pin_lasts_at_least_the_lag_a_replica_may_have() -> None:
    assert replica.pin_seconds() == 30
    with override_settings(OPENGPS_REPLICA_PIN_SECONDS=90):
        assert replica.pin_seconds() == 90


def _with_cookies(response: HttpResponse) -> HttpRequest:
    request = RequestFactory().get("/portal/")
    request.COOKIES = {name: morsel.value for name, morsel in response.cookies.items()}
    return request


def test_a_pin_cookie_is_signed_and_expires() -> None:
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False) as traveller:
        response = HttpResponse()
        replica.pin(response)
        cookie = response.cookies[replica.PIN_COOKIE]
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        assert int(cookie["max-age"]) == replica.pin_seconds()
        assert replica.is_pinned(_with_cookies(response))
        forged = RequestFactory().get("/portal/")
        forged.COOKIES = {replica.PIN_COOKIE: "1"}
        assert not replica.is_pinned(forged)
        traveller.shift(timedelta(seconds=replica.pin_seconds() + 1))
        assert not replica.is_pinned(_with_cookies(response))


@pytest.fixture
def middleware(monkeypatch: pytest.MonkeyPatch) -> Callable[..., replica.ReplicaMiddleware]:
    """The middleware around a fake view (it only checks that a replica is configured)."""
    if "replica" not in settings.DATABASES:
        monkeypatch.setitem(settings.DATABASES, "replica", settings.DATABASES["default"])

    def build(view: Callable[[HttpRequest], HttpResponse]) -> replica.ReplicaMiddleware:
        return replica.ReplicaMiddleware(view)

    return build


def test_the_middleware_is_left_out_without_a_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import MiddlewareNotUsed

    monkeypatch.delitem(settings.DATABASES, "replica", raising=False)
    with pytest.raises(MiddlewareNotUsed):
        replica.ReplicaMiddleware(lambda request: HttpResponse())


def test_the_middleware_marks_public_reads_and_pins_after_a_write(
    middleware: Callable[..., replica.ReplicaMiddleware],
) -> None:
    seen: list[bool] = []

    def view(request: HttpRequest) -> HttpResponse:
        state = replica._state.get()
        assert state is not None
        seen.append(state.replica)
        if request.GET.get("write"):
            replica.ReplicaRouter().db_for_write(RateLimitWindow)
        return HttpResponse()

    handler = middleware(view)
    factory = RequestFactory()
    # given: a public read
    response = handler(factory.get("/portal/"))
    assert seen == [True] and replica.PIN_COOKIE not in response.cookies
    assert replica._state.get() is None  # reset after the request
    # when: a post (any non-safe method), then a read with the pin it set
    posted = handler(factory.post("/portal/search/"))
    assert replica.PIN_COOKIE in posted.cookies
    pinned = factory.get("/portal/")
    pinned.COOKIES = {replica.PIN_COOKIE: posted.cookies[replica.PIN_COOKIE].value}
    handler(pinned)
    # then: the pinned client reads from the primary; a GET that wrote pins as well
    assert seen == [True, False, False]
    assert replica.PIN_COOKIE in handler(factory.get("/portal/?write=1")).cookies
    assert replica.PIN_COOKIE not in handler(factory.get("/procurement/")).cookies


def test_a_public_read_whose_replica_query_fails_runs_again_on_the_primary(
    middleware: Callable[..., replica.ReplicaMiddleware], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replica, "_close_replica", lambda: None)
    calls: list[bool] = []
    handler: replica.ReplicaMiddleware

    def view(request: HttpRequest) -> HttpResponse:
        # Django calls the middleware's process_exception for an exception from the view
        state = replica._state.get()
        assert state is not None
        calls.append(state.replica)
        try:
            if state.replica:
                state.used = True
                raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as exc:
            answer = handler.process_exception(request, exc)
            assert answer is not None
            return answer
        return HttpResponse("from the primary")

    handler = middleware(view)
    replica.health_set(True)
    response = handler(RequestFactory().get("/portal/"))
    assert response.content == b"from the primary"
    assert calls == [True, False]
    with mock.patch.object(health, "replica_lag") as asked:
        assert replica.replica_healthy() is False  # marked down: not asked again for a while
    asked.assert_not_called()
    # an error that is not the replica's (no replica query ran) is left to Django
    with replica.replica_reads() as state:
        assert handler.process_exception(RequestFactory().get("/portal/"), OperationalError("x")) is None
        state.used = True
        assert handler.process_exception(RequestFactory().get("/portal/"), ValueError("x")) is None


# ---------------------------------------------------------------------------------------------
# The real streaming replica

needs_replica = pytest.mark.skipif(
    "replica" not in settings.DATABASES
    or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL with a streaming replica (DATABASE_REPLICA_URL; scripts/ci/replica.sh)",
)
on_both = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

USCC = "52430100MJJ0000017"


@pytest.fixture
def organization(registrar: Any) -> Any:
    """One committed organization, already replayed on the replica."""
    from opengps.registry.models import Organization
    from opengps.registry.services import organization_create

    org = organization_create(
        actor=registrar,
        name="长沙市阳光养老服务中心",
        uscc=USCC,
        org_type="social_service_agency",
        region="430104",
        founded_on=date(2015, 3, 1),
        legal_representative="张伟",
        address="长沙市岳麓区麓山路1号",
    )
    _wait_until(lambda: Organization.objects.using("replica").filter(pk=org.pk).exists())
    return org


def _wait_until(check: Callable[[], bool], *, within: float = 10.0) -> float:
    """Poll `check` until it holds; the seconds it took (fails after `within`)."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < within, "the replica did not catch up in time"
        time.sleep(0.02)
    return time.monotonic() - started


@contextmanager
def _queries() -> Iterator[dict[str, list[str]]]:
    """The SQL each alias runs inside the block."""
    seen: dict[str, list[str]] = {"default": [], "replica": []}

    def recorder(sqls: list[str]) -> Callable[..., Any]:
        def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            sqls.append(sql)
            return execute(sql, params, many, context)

        return record

    with ExitStack() as stack:
        for alias, sqls in seen.items():
            stack.enter_context(connections[alias].execute_wrapper(recorder(sqls)))
        yield seen


@contextmanager
def _replay_paused() -> Iterator[None]:
    """Stop the replica applying WAL (it still receives it) — a replica that lags, for real."""
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 10
        while True:
            cursor.execute("SELECT pg_get_wal_replay_pause_state()")
            if cursor.fetchone()[0] == "paused":
                break
            assert time.monotonic() < deadline
            time.sleep(0.02)
    try:
        yield
    finally:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")


def _profile(client: Client) -> dict[str, Any]:
    response = client.get(f"/api/v1/registry/organizations/{USCC}")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


@needs_replica
@on_both
def test_a_public_read_is_served_by_the_replica(organization: Any) -> None:
    # given: a standby that is really a standby
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
    # when
    with _queries() as seen:
        body = _profile(Client())
        page = Client().get(f"/registry/org/{USCC}/")
    # then: the organization was read on the replica, not on the primary
    assert body["name"] == "长沙市阳光养老服务中心"
    assert page.status_code == 200 and "长沙市阳光养老服务中心" in page.content.decode()
    assert any("registry_organization" in sql for sql in seen["replica"])
    assert not any("registry_organization" in sql for sql in seen["default"])


@needs_replica
@on_both
def test_a_write_goes_to_the_primary_and_a_non_public_read_too(organization: Any, registrar: Any) -> None:
    from opengps.registry.services import organization_update

    with _queries() as seen, replica.replica_reads():
        organization_update(actor=registrar, organization=organization, changes={"address": "长沙市天心区"})
    assert any(sql.startswith("UPDATE") and "registry_organization" in sql for sql in seen["default"])
    assert not any("registry_organization" in sql for sql in seen["replica"])
    # the registration authority's own pages read from the primary
    official = Client()
    official.force_login(registrar)
    with _queries() as seen:
        page = official.get("/registry/manage/")
    assert page.status_code == 200
    assert any("registry_organization" in sql for sql in seen["default"])
    assert not any("registry_organization" in sql for sql in seen["replica"])


@needs_replica
@on_both
@override_settings(OPENGPS_REPLICA_MAX_LAG=3600)  # the paused replica still counts as serving
def test_a_client_that_wrote_reads_its_write_while_others_may_see_the_replica(
    organization: Any, registrar: Any
) -> None:
    # given: the replica stops applying WAL (a lag we control), a registrar signed in
    writer = Client()
    writer.force_login(registrar)
    with _replay_paused():
        # when: the registrar renames the organization (a PATCH on the primary)
        patched = writer.patch(
            f"/api/v1/registry/organizations/{USCC}",
            data=json.dumps({"name": "长沙市阳光养老服务中心（更名）", "reason": "更名"}),
            content_type="application/json",
        )
        assert patched.status_code == 200, patched.content
        assert replica.PIN_COOKIE in patched.cookies
        # then: the writer, pinned to the primary, reads the new name; a passer-by is served the
        # replica's copy, which has not replayed the change yet
        assert _profile(writer)["name"] == "长沙市阳光养老服务中心（更名）"
        assert _profile(Client())["name"] == "长沙市阳光养老服务中心"
    # and once the replica replays again, everyone sees it
    took = _wait_until(lambda: _profile(Client())["name"] == "长沙市阳光养老服务中心（更名）")
    assert took < 10


@needs_replica
@on_both
def test_the_replica_catches_up_with_a_write_on_the_primary(organization: Any, registrar: Any) -> None:
    from opengps.registry.models import Organization
    from opengps.registry.services import organization_update

    # when
    organization_update(actor=registrar, organization=organization, changes={"address": "长沙市开福区"})
    # then: visible on the replica within a bound, and /readyz says it is caught up
    took = _wait_until(
        lambda: (
            Organization.objects.using("replica").filter(pk=organization.pk, address="长沙市开福区").exists()
        )
    )
    assert took < 5
    body = Client().get("/readyz").json()
    assert body["replica"]["status"] == "ok"
    assert 0 <= body["replica"]["lag_seconds"] < settings.OPENGPS_REPLICA_MAX_LAG


@needs_replica
@on_both
@override_settings(OPENGPS_REPLICA_MAX_LAG=0.5)
def test_a_lagging_replica_is_reported_and_left_for_the_primary(organization: Any, registrar: Any) -> None:
    from opengps.registry.services import organization_update

    with _replay_paused():
        # given: a write the replica receives but does not apply, and time passing
        organization_update(actor=registrar, organization=organization, changes={"name": "新名称服务中心"})
        time.sleep(1.0)
        # when
        lag = health.replica_lag()
        ready = Client().get("/readyz").json()
        with _queries() as seen:
            body = _profile(Client())
    # then
    assert lag is not None and lag > 0.5
    assert ready["replica"]["status"] == "lagging"
    assert body["name"] == "新名称服务中心"  # fresh: read on the primary
    assert not any("registry_organization" in sql for sql in seen["replica"])


@contextmanager
def _replica_down() -> Iterator[None]:
    """Point the replica alias at a port nobody listens on."""
    conn = connections["replica"]
    port = conn.settings_dict["PORT"]
    conn.close()
    conn.settings_dict["PORT"] = 1  # refused at once
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict["PORT"] = port


@needs_replica
@on_both
def test_a_replica_that_is_down_is_reported_and_reads_go_to_the_primary(organization: Any) -> None:
    with _replica_down():
        ready = Client().get("/readyz")
        with _queries() as seen:
            body = _profile(Client())
        assert ready.status_code == 200 and ready.json()["replica"] == {"status": "down"}
        assert body["name"] == "长沙市阳光养老服务中心"
        assert any("registry_organization" in sql for sql in seen["default"])
        # a replica that dies between two health checks: the read is run again on the primary
        replica.health_set(True)
        page = Client().get(f"/registry/org/{USCC}/")
        assert page.status_code == 200 and "长沙市阳光养老服务中心" in page.content.decode()
        assert replica.replica_healthy() is False
    # back up: asked again, it serves
    replica.health_reset()
    assert replica.replica_healthy() is True
