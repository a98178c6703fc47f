"""Grant pages: public calls, notices and the yearly fund-use report; applications, scores and
agreements for those allowed to read them. Views read through selectors only."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from opengps.core.errors import NotFound, ServiceError
from opengps.grants import selectors


def _error_page(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    if isinstance(exc, NotFound):
        raise Http404(str(exc.message)) from exc
    return render(request, "core/error.html", {"error": exc}, status=exc.status)


def index(request: HttpRequest) -> HttpResponse:
    """公益创投与福彩项目: rounds, and an organization's own applications."""
    return render(
        request,
        "grants/index.html",
        {
            "rounds": selectors.round_list(actor=request.user),
            "mine": selectors.my_applications(actor=request.user),
            "years": selectors.years_with_grants(),
        },
    )


def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """The call (public), the proposed/funded list (public), and private records for readers."""
    try:
        round_ = selectors.round_get(actor=request.user, round_id=round_id)
    except ServiceError as exc:
        return _error_page(request, exc)
    private = selectors.can_read_round_private(request.user, round_)
    return render(
        request,
        "grants/round.html",
        {
            "round": round_,
            "private": private,
            "summary": selectors.round_summary(round_) if private else None,
            "listed": selectors.notice_list(round_),
            "applications": selectors.application_list(actor=request.user, round_=round_),
            "agreements": selectors.agreements_of(actor=request.user, round_=round_),
            "objection_deadline": selectors.objection_deadline(round_),
        },
    )


def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    try:
        app = selectors.application_get(actor=request.user, application_id=application_id)
    except ServiceError as exc:
        return _error_page(request, exc)
    return render(
        request,
        "grants/application.html",
        {"app": app, "scores": selectors.application_scores(actor=request.user, application=app)},
    )


def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    try:
        agreement = selectors.agreement_get(actor=request.user, agreement_id=agreement_id)
    except ServiceError as exc:
        return _error_page(request, exc)
    return render(request, "grants/agreement.html", {"agreement": agreement})


def report(request: HttpRequest) -> HttpResponse:
    """公益金使用情况年度报告 (public)."""
    year = selectors.report_year(request.GET.get("year"), timezone.localdate())
    return render(
        request,
        "grants/report.html",
        {"year": year, "rows": selectors.fund_use_report(year), "years": selectors.years_with_grants()},
    )
