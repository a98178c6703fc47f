"""Registry pages (placeholder until the registry screens land)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from opengps.registry.models import Organization


def search(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"overview": {}})


def manage(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"overview": {}})


def detail(request: HttpRequest, uscc: str) -> HttpResponse:
    get_object_or_404(Organization, uscc=uscc)
    return render(request, "core/home.html", {"overview": {}})
