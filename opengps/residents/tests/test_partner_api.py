"""Partner API: administrators create keys (the secret shown once, only its hash kept) and revoke
them, audited; a key without a route's scope is refused (403), over its rate it gets 429 until the
next minute (pinned clock), a missing, unknown or revoked key is 401 — and every call, served or
refused, is logged with its key, route, status and time."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from opengps.core import clock
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.performance import services as performance
from opengps.residents import services
from opengps.residents.models import Feedback, FeedbackStatus, PartnerCall, PartnerKey

pytestmark = pytest.mark.django_db

BASE = "/api/v1/residents/partner"
FINDER = {"county": "430104", "need": "elderly"}


@pytest.fixture(autouse=True)
def _fixed_rate_window() -> None:
    """Overrides the package's fixture: here the pinned clock holds the rate window still, and
    moving the clock moves it."""


@pytest.fixture
def pinned(clock_at: Callable[..., None]) -> None:
    """Now, held still: the contract is live and the minute's window does not turn by itself."""
    clock_at(clock.now(), tick=False)


def _key(admin: Any, scopes: list[str], rate: int = 60) -> services.IssuedKey:
    return services.partner_key_create(actor=admin, partner="湘易办", scopes=scopes, rate_per_minute=rate)


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _calls() -> list[tuple[int | None, str, str, int]]:
    return list(PartnerCall.objects.order_by("id").values_list("key_id", "method", "path", "status"))


def _timeline(obj: Any) -> list[str]:
    rows = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return list(rows.order_by("seq").values_list("action", flat=True))


def test_a_created_key_keeps_only_the_hash_of_its_secret(admin_user: Any, pinned: None) -> None:
    # when
    issued = _key(admin_user, ["feedback", "finder", "finder"], rate=30)
    # then
    key = PartnerKey.objects.get()
    assert issued.secret.startswith("ogp_") and len(issued.secret) > 40
    assert key.key_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert key.prefix == issued.secret[: services.PREFIX_LENGTH]
    assert key.scopes == ["feedback", "finder"] and key.rate_per_minute == 30 and key.active
    assert key.created_by == admin_user and key.created_at == clock.now()
    stored = [str(v) for v in PartnerKey.objects.values().get().values()]
    assert not any(issued.secret in v for v in stored)
    event = AuditEvent.objects.get(action="partner_key.created")
    assert event.actor == admin_user
    assert event.new_values == {
        "partner": "湘易办",
        "prefix": key.prefix,
        "scopes": ["feedback", "finder"],
        "rate_per_minute": 30,
    }
    assert issued.secret not in str(event.new_values)


def test_only_a_platform_administrator_manages_keys(admin_user: Any, purchaser: Any) -> None:
    with pytest.raises(PermissionDenied):
        _key(purchaser, ["finder"])
    issued = _key(admin_user, ["finder"])
    with pytest.raises(PermissionDenied):
        services.partner_key_revoke(actor=purchaser, key=issued.key)
    assert PartnerKey.objects.filter(active=True).count() == 1
    assert AuditEvent.objects.filter(action__startswith="partner_key.").count() == 1


@pytest.mark.parametrize(
    ("partner", "scopes", "rate", "code"),
    [
        ("", ["finder"], 60, "residents.partner_name_required"),
        ("湘易办", [], 60, "residents.partner_scopes_invalid"),
        ("湘易办", ["finder", "admin"], 60, "residents.partner_scopes_invalid"),
        ("湘易办", ["finder"], 0, "residents.partner_rate_invalid"),
        ("湘易办", ["finder"], 6001, "residents.partner_rate_invalid"),
    ],
)
def test_a_bad_key_request_is_refused_and_writes_nothing(
    admin_user: Any, partner: str, scopes: list[str], rate: int, code: str
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as caught:
        services.partner_key_create(actor=admin_user, partner=partner, scopes=scopes, rate_per_minute=rate)
    assert caught.value.code == code
    assert PartnerKey.objects.count() == 0 and AuditEvent.objects.count() == events


def test_a_key_without_the_scope_is_refused_and_the_call_logged(
    client: Client, contract: Any, admin_user: Any, pinned: None
) -> None:
    # given a key for the finder only
    issued = _key(admin_user, ["finder"])
    # when
    found = client.get(f"{BASE}/services", FINDER, headers=_bearer(issued.secret))
    filed = client.post(
        f"{BASE}/services/contract/{contract.pk}/file",
        {"kind": "complaint", "text": "上门服务迟到"},
        content_type="application/json",
        headers=_bearer(issued.secret),
    )
    # then
    assert found.status_code == 200 and [s["id"] for s in found.json()] == [contract.pk]
    assert filed.status_code == 403
    assert filed.json()["error"]["code"] == "residents.partner_scope_missing"
    assert Feedback.objects.count() == 0
    assert _calls() == [
        (issued.key.pk, "GET", f"{BASE}/services", 200),
        (issued.key.pk, "POST", f"{BASE}/services/contract/{contract.pk}/file", 403),
    ]
    assert set(PartnerCall.objects.values_list("at", flat=True)) == {clock.now()}


def test_over_its_rate_a_key_gets_429_until_the_next_minute(
    client: Client, contract: Any, admin_user: Any, clock_at: Callable[..., None]
) -> None:
    # given a key allowed 2 calls a minute, the clock pinned at the start of a minute
    start = clock.now().replace(second=0, microsecond=0)
    clock_at(start, tick=False)
    issued = _key(admin_user, ["finder"], rate=2)
    # when
    statuses = [client.get(f"{BASE}/needs", headers=_bearer(issued.secret)).status_code for _n in range(3)]
    refused = client.get(f"{BASE}/needs", headers=_bearer(issued.secret))
    clock_at(start + timedelta(minutes=1), tick=False)
    later = client.get(f"{BASE}/needs", headers=_bearer(issued.secret))
    # then
    assert statuses == [200, 200, 429] and refused.status_code == 429
    assert refused.json()["error"]["code"] == "residents.partner_throttled"
    assert refused.json()["error"]["params"] == {"limit": 2}
    assert refused["Retry-After"] == "60"
    assert later.status_code == 200
    rows = list(PartnerCall.objects.order_by("id").values_list("status", "at"))
    assert rows == [
        (200, start),
        (200, start),
        (429, start),
        (429, start),
        (200, start + timedelta(minutes=1)),
    ]


def test_no_key_an_unknown_key_or_a_revoked_key_is_401_and_logged(
    client: Client, contract: Any, admin_user: Any, pinned: None
) -> None:
    # given
    issued = _key(admin_user, ["finder", "feedback"])
    # when
    missing = client.get(f"{BASE}/needs")
    unknown = client.get(f"{BASE}/needs", headers=_bearer("ogp_" + "x" * 43))
    services.partner_key_revoke(actor=admin_user, key=issued.key, reason="合作终止")
    revoked = client.get(f"{BASE}/needs", headers=_bearer(issued.secret))
    # then
    for answer in (missing, unknown, revoked):
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "residents.partner_key_invalid"
    assert _calls() == [
        (None, "GET", f"{BASE}/needs", 401),
        (None, "GET", f"{BASE}/needs", 401),
        (issued.key.pk, "GET", f"{BASE}/needs", 401),
    ]
    key = PartnerKey.objects.get()
    assert not key.active and key.revoked_by == admin_user and key.revoked_at == clock.now()
    assert _timeline(key) == ["partner_key.created", "partner_key.revoked"]
    # revoking again changes nothing
    services.partner_key_revoke(actor=admin_user, key=key)
    assert _timeline(key) == ["partner_key.created", "partner_key.revoked"]


def test_a_schema_refusal_is_logged_too(client: Client, contract: Any, admin_user: Any, pinned: None) -> None:
    issued = _key(admin_user, ["feedback"])
    answer = client.post(
        f"{BASE}/services/contract/{contract.pk}/rate",
        {"stars": "many"},
        content_type="application/json",
        headers=_bearer(issued.secret),
    )
    assert answer.status_code == 422
    assert _calls() == [(issued.key.pk, "POST", f"{BASE}/services/contract/{contract.pk}/rate", 422)]


def test_feedback_through_a_partner_counts_against_the_key_not_the_address(
    client: Client, contract: Any, admin_user: Any, purchaser: Any, evaluation: Any, pinned: None
) -> None:
    # given: more complaints from one address than the public per-address limit allows, from a
    # partner's server (no session, no CSRF cookie: the key is the only credential)
    client = Client(enforce_csrf_checks=True)
    issued = _key(admin_user, ["feedback"], rate=20)
    limit, _window = services.FEEDBACK_RATE
    (code,) = performance.recipient_codes_issue(actor=purchaser, evaluation=evaluation, count=1)
    # when
    filed = [
        client.post(
            f"{BASE}/services/contract/{contract.pk}/file",
            {"kind": "suggestion", "text": f"建议 {n}"},
            content_type="application/json",
            headers=_bearer(issued.secret),
        )
        for n in range(limit + 1)
    ]
    rated = client.post(
        f"{BASE}/services/contract/{contract.pk}/rate",
        {"stars": 5, "code": code},
        content_type="application/json",
        headers=_bearer(issued.secret),
    )
    tracked = client.get(f"{BASE}/feedback/{filed[0].json()['tracking']}", headers=_bearer(issued.secret))
    # then
    assert [a.status_code for a in filed] == [200] * (limit + 1)
    assert rated.status_code == 200 and rated.json()["verified"] is True
    assert tracked.status_code == 200 and tracked.json()["status"] == FeedbackStatus.OPEN
    assert Feedback.objects.filter(partner=issued.key).count() == limit + 2
    item = Feedback.objects.get(tracking=filed[0].json()["tracking"])
    event = AuditEvent.objects.get(action="resident_feedback.filed", object_id=str(item.pk))
    assert event.new_values["partner"] == issued.key.prefix
    assert PartnerCall.objects.filter(key=issued.key).count() == limit + 3


def test_the_partner_routes_are_documented_with_their_key_and_refusals(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    route = schema["paths"][f"{BASE}/services/{{source}}/{{pk}}/file"]["post"]
    assert {"401", "403", "429"} <= set(route["responses"])
    assert route["security"] == [{"PartnerAuth": []}]
    assert schema["components"]["securitySchemes"]["PartnerAuth"]["scheme"] == "bearer"


def test_the_command_creates_lists_and_revokes_keys(admin_user: Any) -> None:
    out = StringIO()
    call_command(
        "partner_keys",
        "create",
        "--by",
        admin_user.username,
        "--partner",
        "湘易办",
        "--scope",
        "finder",
        stdout=out,
    )
    key = PartnerKey.objects.get()
    secret = out.getvalue().split("secret (shown once, keep it safe): ")[1].strip()
    assert services.partner_key_identify(secret) == key
    listed = StringIO()
    call_command("partner_keys", "list", stdout=listed)
    assert key.prefix in listed.getvalue() and secret not in listed.getvalue()
    call_command("partner_keys", "revoke", "--by", admin_user.username, key.prefix, stdout=StringIO())
    key.refresh_from_db()
    assert not key.active
    with pytest.raises(CommandError, match=r"residents\.partner_rate_invalid"):
        call_command(
            "partner_keys",
            "create",
            "--by",
            admin_user.username,
            "--partner",
            "x",
            "--scope",
            "finder",
            "--rate",
            "0",
        )


def test_the_administrators_page_creates_shows_the_secret_once_and_revokes(
    admin_user: Any, purchaser: Any, pinned: None
) -> None:
    # given
    admin = Client()
    admin.force_login(admin_user)
    # when an administrator creates a key on the page
    created = admin.post(
        "/residents/partners/create",
        {"partner": "湘易办", "scopes": ["finder", "feedback"], "rate_per_minute": "120"},
    )
    # then the secret is shown this once, not cached, and works; the list shows labels, not codes
    assert created.status_code == 200 and created["Cache-Control"] == "no-store"
    secret = re.search(r'id="issued-secret">(ogp_[^<]+)<', created.content.decode())
    assert secret is not None
    key = PartnerKey.objects.get()
    assert services.partner_key_identify(secret.group(1)) == key and key.rate_per_minute == 120
    listed = admin.get("/residents/partners/").content.decode()
    assert secret.group(1) not in listed and key.prefix in listed and "评价与投诉、查找服务" in listed
    # a refused request is shown beside its field
    refused = admin.post("/residents/partners/create", {"partner": "x", "rate_per_minute": "60"})
    assert refused.status_code == 400 and PartnerKey.objects.count() == 1
    # when it is revoked
    revoked = admin.post(f"/residents/partners/{key.pk}/revoke", {"reason": "合作终止"})
    # then
    assert revoked.status_code == 302
    key.refresh_from_db()
    assert not key.active
    assert AuditEvent.objects.get(action="partner_key.revoked").reason == "合作终止"
    # and other officials may neither see nor change keys
    other = Client()
    other.force_login(purchaser)
    assert other.get("/residents/partners/").status_code == 403
    assert other.post("/residents/partners/create", {"partner": "x", "scopes": ["finder"]}).status_code == 403
    assert other.post(f"/residents/partners/{key.pk}/revoke").status_code == 403


def _sent(calls: Any) -> int:
    """Calls a set of log rows stands for: each row, and the calls counted on it."""
    return sum(1 + repeats for repeats in calls.values_list("repeats", flat=True))


def test_calls_without_a_valid_key_are_all_counted_in_a_bounded_log(
    client: Client, admin_user: Any, pinned: None
) -> None:
    # given an address flooding the API with a made-up key, another calling without one, and a
    # partner calling as often with its real key, all within one minute
    per_address, _overall, _window = services.UNKNOWN_CALLS_LOGGED
    issued = _key(admin_user, ["finder"], rate=100)
    flood, other = "198.51.100.7", "198.51.100.8"
    # when
    for _n in range(per_address + 5):
        client.get(f"{BASE}/needs", headers=_bearer("ogp_" + "x" * 43), REMOTE_ADDR=flood)
    for _n in range(3):
        client.get(f"{BASE}/needs", REMOTE_ADDR=other)
    for _n in range(per_address + 5):
        client.get(f"{BASE}/needs", headers=_bearer(issued.secret), REMOTE_ADDR=flood)
    # then the flood wrote one row per call up to the limit, and the rest is counted on the last
    flooded = PartnerCall.objects.filter(key__isnull=True, client=flood).order_by("id")
    assert list(flooded.values_list("repeats", flat=True)) == [0] * (per_address - 1) + [5]
    assert _sent(flooded) == per_address + 5
    assert set(flooded.values_list("status", flat=True)) == {401}
    # and the other address, and the real key's calls, were each logged in full
    assert list(PartnerCall.objects.filter(client=other).values_list("repeats", flat=True)) == [0, 0, 0]
    assert PartnerCall.objects.filter(key=issued.key).count() == per_address + 5
    assert set(PartnerCall.objects.filter(key=issued.key).values_list("status", flat=True)) == {200}


def test_past_the_overall_limit_unknown_calls_are_counted_on_the_last_row(
    client: Client, pinned: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given at most 4 rows a minute for calls without a valid key, whatever their address
    monkeypatch.setattr(services, "UNKNOWN_CALLS_LOGGED", (10, 4, 60))
    # when three addresses call without a key
    for address, calls in (("203.0.113.1", 3), ("203.0.113.2", 3), ("203.0.113.3", 1)):
        for _n in range(calls):
            assert client.get(f"{BASE}/needs", REMOTE_ADDR=address).status_code == 401
    # then 4 rows hold all 7 calls: the second address's later calls on its row, and the third
    # address's call (no row of its own) on the last row
    rows = list(PartnerCall.objects.order_by("id").values_list("client", "repeats"))
    assert rows == [("203.0.113.1", 0)] * 3 + [("203.0.113.2", 3)]
    assert _sent(PartnerCall.objects.all()) == 7
