"""Top-level URLs: pages per app, the API under /api/v1/, language switching under /i18n/."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from opengps.api import api
from opengps.core import health

# an unreachable database met outside a view is a 503 with a message, not a 500 (core.middleware)
handler500 = "opengps.core.middleware.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
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
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    # the admin site signs in through the platform's login (password, lockout, then the TOTP code)
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True, permanent=False),
    ),
    path("admin/", admin.site.urls),
]
