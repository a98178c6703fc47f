"""The platform's URLs plus /bench/bare, the cheapest JSON response Django can give (the baseline)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path

from opengps.urls import handler500  # noqa: F401 — the platform's 500/503 handler, served here too
from opengps.urls import urlpatterns as platform_urlpatterns


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True, "results": []})


urlpatterns = [*platform_urlpatterns, path("bench/bare", bare, name="bench-bare")]
