"""The shared rate limiter for anonymous public posts."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from opengps.core import ratelimit
from opengps.core.models import RateLimitWindow


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("20/m", (20, 60)), ("5/s", (5, 1)), ("100/h", (100, 3600)), ("3/d", (3, 86400)), (" 7 / m ", (7, 60))],
)
def test_parse_rate(rate: str, expected: tuple[int, int]) -> None:
    assert ratelimit.parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["", "x/m", "0/m", "10/w", "10", "-1/m"])
def test_parse_rate_refuses_nonsense(rate: str) -> None:
    with pytest.raises(ValueError, match="invalid rate"):
        ratelimit.parse_rate(rate)


@pytest.mark.django_db
def test_allows_up_to_the_limit_then_refuses_within_the_window() -> None:
    # given a limit of 3 per minute
    results = [ratelimit.allow("survey:1.2.3.4", limit=3, window_seconds=60, now=1000.0) for _ in range(5)]
    # then the first three pass and the rest are refused
    assert results == [True, True, True, False, False]
    # and another source is counted on its own
    assert ratelimit.allow("survey:5.6.7.8", limit=3, window_seconds=60, now=1000.0)


@pytest.mark.django_db
def test_a_new_window_starts_afresh_and_prunes_the_old_one() -> None:
    for _ in range(4):
        ratelimit.allow("k", limit=3, window_seconds=60, now=1000.0)
    assert not ratelimit.allow("k", limit=3, window_seconds=60, now=1019.0)
    # when the next window begins
    assert ratelimit.allow("k", limit=3, window_seconds=60, now=1021.0)
    # then only the current window's row remains for the key
    assert list(RateLimitWindow.objects.filter(key="k").values_list("window_start", "hits")) == [(1020, 1)]


@pytest.mark.django_db
@override_settings(OPENGPS_PUBLIC_POST_RATE="2/h")
def test_default_rate_comes_from_settings() -> None:
    assert [ratelimit.allow("d", now=50.0) for _ in range(3)] == [True, True, False]


def test_client_ip_ignores_forwarded_header_unless_behind_a_proxy() -> None:
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    with override_settings(OPENGPS_BEHIND_PROXY=False):
        assert ratelimit.client_ip(request) == "10.0.0.9"
    with override_settings(OPENGPS_BEHIND_PROXY=True):
        assert ratelimit.client_ip(request) == "203.0.113.7"


@pytest.mark.django_db
def test_allow_request_keys_by_scope_and_address() -> None:
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1")
    assert [
        ratelimit.allow_request(request, "objection", limit=1, window_seconds=60, now=0.0) for _ in range(2)
    ] == [
        True,
        False,
    ]
    assert ratelimit.allow_request(request, "survey", limit=1, window_seconds=60, now=0.0)
