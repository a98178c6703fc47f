"""Top-level URLs: pages per app, the API under /api/v1/, language switching under /i18n/."""

from itertools import groupby
from typing import Any

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from opengps.api import api
from opengps.core import health

# an unreachable database met outside a view is a 503 with a message, not a 500 (core.middleware)
handler500 = "opengps.core.middleware.server_error"


def _grouped(urls: tuple[list[Any], str, str]) -> tuple[list[URLPattern | URLResolver], str, str]:
    """The API's routes grouped by their first path segment (`registry/`, `emall/`, …), names unchanged.

    django-ninja lists its 300-odd routes flat, and Django tries them in order: an e-mall search was
    matched against 161 patterns first. Grouped, a request tries ~25 prefixes, then its own app's.
    """
    patterns, app_name, namespace = urls
    grouped: list[URLPattern | URLResolver] = []
    keyed = sorted(enumerate(patterns), key=lambda item: (str(item[1].pattern).split("/", 1)[0], item[0]))
    for segment, members in groupby(keyed, key=lambda item: str(item[1].pattern).split("/", 1)[0]):
        routes = [p for _, p in members]
        if not segment or len(routes) == 1 or not all("/" in str(p.pattern) for p in routes):
            grouped += routes
            continue
        inner = [path(str(p.pattern).split("/", 1)[1], p.callback, p.default_args, p.name) for p in routes]
        grouped.append(path(f"{segment}/", include(inner)))
    return grouped, app_name, namespace


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    # the API first: its requests are the most numerous, and Django tries these in order
    path("api/v1/", _grouped(api.urls)),
    path("", include("opengps.workbench.urls")),
    path("accounts/", include("opengps.accounts.urls")),
    path("registry/", include("opengps.registry.urls")),
    path("experts/", include("opengps.experts.urls")),
    path("catalog/", include("opengps.catalog.urls")),
    path("planning/", include("opengps.planning.urls")),
    path("procurement/", include("opengps.procurement.urls")),
    path("grants/", include("opengps.grants.urls")),
    path("emall/", include("opengps.emall.urls")),
    path("residents/", include("opengps.residents.urls")),
    path("capacity/", include("opengps.capacity.urls")),
    path("opinion/", include("opengps.opinion.urls")),
    path("assessment/", include("opengps.assessment.urls")),
    path("evaluation/", include("opengps.evaluation.urls")),
    path("challenges/", include("opengps.challenges.urls")),
    path("contracts/", include("opengps.contracts.urls")),
    path("performance/", include("opengps.performance.urls")),
    path("opendata/", include("opengps.opendata.urls")),
    path("portal/", include("opengps.portal.urls")),
    path("oversight/", include("opengps.oversight.urls")),
    path("stats/", include("opengps.stats.urls")),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    # the admin site signs in through the platform's login (password, lockout, then the TOTP code)
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True, permanent=False),
    ),
    path("admin/", admin.site.urls),
]
