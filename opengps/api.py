"""The JSON API under /api/v1/ (django-ninja); each app adds its router here."""

from __future__ import annotations

import logging

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from opengps.core import metrics
from opengps.core.api_errors import declare_errors
from opengps.core.errors import ServiceError
from opengps.core.inputs import validation_error_body

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="OpenGPS API",
    version="1",
    description="政府购买服务开放平台 API — open platform for the government purchase of services.",
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    metrics.REFUSALS.labels(code=exc.code, status=exc.status).inc()
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """A request the schemas refuse: the platform's error shape, the field named, the message Chinese."""
    return api.create_response(request, validation_error_body(exc.errors), status=422)


@api.exception_handler(DataError)
def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """Defence in depth: a value the database refuses (a bound a schema forgot) is the client's
    input, not a server fault; the schemas' bounds (`opengps.core.inputs`) should catch it first."""
    logger.warning("database refused a value on %s %s: %s", request.method, request.path, exc)
    error = {"code": "request.out_of_range", "message": gettext("输入的值超出允许范围（长度或数值过大）")}
    return api.create_response(request, {"error": error}, status=400)


def _register_routers() -> None:
    from opengps.assessment.api import router as assessment_router
    from opengps.capacity.api import router as capacity_router
    from opengps.catalog.api import router as catalog_router
    from opengps.challenges.api import router as challenges_router
    from opengps.contracts.api import router as contracts_router
    from opengps.core.transparency_api import router as transparency_router
    from opengps.emall.api import router as emall_router
    from opengps.evaluation.api import router as evaluation_router
    from opengps.experts.api import router as experts_router
    from opengps.grants.api import router as grants_router
    from opengps.grants.cofunding_api import router as grants_cofunding_router
    from opengps.opendata.api import router as opendata_router
    from opengps.opinion.api import router as opinion_router
    from opengps.oversight.api import router as oversight_router
    from opengps.performance.api import router as performance_router
    from opengps.planning.api import router as planning_router
    from opengps.portal.api import router as portal_router
    from opengps.procurement.api import router as procurement_router
    from opengps.registry.api import router as registry_router
    from opengps.residents.api import router as residents_router
    from opengps.residents.partner_api import router as residents_partner_router
    from opengps.workbench.api import router as core_router

    api.add_router("/audit", core_router)
    api.add_router("/transparency", transparency_router)
    api.add_router("/registry", registry_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/planning", planning_router)
    api.add_router("/experts", experts_router)
    api.add_router("/procurement", procurement_router)
    api.add_router("/grants", grants_router)
    api.add_router("/grants", grants_cofunding_router)
    api.add_router("/emall", emall_router)
    api.add_router("/evaluation", evaluation_router)
    api.add_router("/challenges", challenges_router)
    api.add_router("/contracts", contracts_router)
    api.add_router("/performance", performance_router)
    api.add_router("/opendata", opendata_router)
    api.add_router("/oversight", oversight_router)
    api.add_router("/portal", portal_router)
    api.add_router("/residents", residents_router)
    api.add_router("/residents/partner", residents_partner_router)
    api.add_router("/capacity", capacity_router)
    api.add_router("/opinion", opinion_router)
    api.add_router("/assessment", assessment_router)


_register_routers()
declare_errors(api)
