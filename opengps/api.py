"""The JSON API under /api/v1/ (django-ninja); each app adds its router here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from opengps.core.errors import ServiceError

api = NinjaAPI(
    title="OpenGPS API",
    version="1",
    description="政府购买服务开放平台 API — open platform for the government purchase of services.",
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"error": {"code": "request.invalid", "message": "请求参数无效", "details": exc.errors}},
        status=422,
    )


def _register_routers() -> None:
    from opengps.catalog.api import router as catalog_router
    from opengps.challenges.api import router as challenges_router
    from opengps.contracts.api import router as contracts_router
    from opengps.core.api import router as core_router
    from opengps.evaluation.api import router as evaluation_router
    from opengps.experts.api import router as experts_router
    from opengps.grants.api import router as grants_router
    from opengps.opendata.api import router as opendata_router
    from opengps.oversight.api import router as oversight_router
    from opengps.performance.api import router as performance_router
    from opengps.planning.api import router as planning_router
    from opengps.portal.api import router as portal_router
    from opengps.procurement.api import router as procurement_router
    from opengps.registry.api import router as registry_router

    api.add_router("/audit", core_router)
    api.add_router("/registry", registry_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/planning", planning_router)
    api.add_router("/experts", experts_router)
    api.add_router("/procurement", procurement_router)
    api.add_router("/grants", grants_router)
    api.add_router("/evaluation", evaluation_router)
    api.add_router("/challenges", challenges_router)
    api.add_router("/contracts", contracts_router)
    api.add_router("/performance", performance_router)
    api.add_router("/opendata", opendata_router)
    api.add_router("/oversight", oversight_router)
    api.add_router("/portal", portal_router)


_register_routers()
