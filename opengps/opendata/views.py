"""开放数据 pages: what the data is, its licence, the endpoints and the bulk downloads."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Role
from opengps.core.errors import ServiceError
from opengps.opendata import builders, ocds, selectors, services
from opengps.opendata.models import ExportJob, Record


def _is_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and getattr(user, "role", "") == Role.ADMIN)


@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    latest = selectors.export_latest()
    return render(
        request,
        "opendata/index.html",
        {
            "stats": selectors.stats(),
            "latest": latest,
            "files": latest.files if latest else [],
            "jobs": selectors.export_jobs_recent() if _is_admin(request) else [],
            "is_admin": _is_admin(request),
            "prefix": builders.ocid_prefix(),
            "license": selectors.license_url(),
            "publisher": selectors.PUBLISHER_NAME,
            "extensions": ocds.EXTENSIONS,
            "test_prefix": settings.OCDS_TEST_OCID_PREFIX,
            "examples": list(Record.objects.order_by("-last_position").values_list("ocid", flat=True)[:5]),
        },
    )


@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    if not _is_admin(request):
        raise Http404
    try:
        job = services.export_job_create(actor=signed_in_user(request))
    except ServiceError as exc:
        messages.error(request, exc.text())
        return redirect("opendata:index")
    return redirect("opendata:export-job", job_id=job.pk)


@require_http_methods(["GET"])
def export_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise Http404
    template = (
        "opendata/_export_progress.html" if getattr(request, "htmx", False) else "opendata/export_job.html"
    )
    return render(request, template, {"job": job})
