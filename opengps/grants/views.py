"""Grant pages: public calls, notices and the yearly fund-use report; applications, scores and
agreements for those allowed to read them. Views read through selectors only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opengps.core.errors import NotFound, ServiceError
from opengps.grants import documents, selectors, services
from opengps.grants.forms import ApplicationForm, FinalAuditForm, ScoreSheetForm
from opengps.grants.models import Application, ApplicationStatus, Round, RoundStatus
from opengps.procurement.views import pdf_response


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


def _own_draft(user: Any, round_: Round) -> Application | None:
    """The actor's organization's application in `round_`, if any (None for other users)."""
    org_id = getattr(user, "organization_id", None)
    if not user.is_authenticated or org_id is None:
        return None
    return Application.objects.filter(round=round_, organization_id=org_id).first()


def _application_form(request: HttpRequest, round_: Round) -> ApplicationForm | None:
    """A blank or prefilled form for an organization member while the call is published."""
    if round_.status != RoundStatus.PUBLISHED or getattr(request.user, "organization_id", None) is None:
        return None
    app = _own_draft(request.user, round_)
    if app is not None and app.status != ApplicationStatus.DRAFT:
        return None
    initial = ApplicationForm.initial_from(app) if app is not None else None
    return ApplicationForm(round=round_, initial=initial)


def _unscored(request: HttpRequest, round_: Round) -> list[Application]:
    """Eligible applications a panel member of a reviewing round has not scored yet."""
    user: Any = request.user
    if round_.status != RoundStatus.REVIEWING or not user.is_authenticated:
        return []
    member = next((m for m in services.panel_members(round_) if m.expert.user_id == user.pk), None)
    if member is None:
        return []
    return list(
        Application.objects.filter(round=round_, status=ApplicationStatus.ELIGIBLE)
        .exclude(scores__member=member)
        .order_by("pk")
    )


def _score_form(request: HttpRequest, round_: Round) -> ScoreSheetForm | None:
    apps = _unscored(request, round_)
    return ScoreSheetForm(round=round_, applications=apps) if apps else None


def _round_page(
    request: HttpRequest,
    round_: Round,
    *,
    application_form: ApplicationForm | None = None,
    score_form: ScoreSheetForm | None = None,
    status: int = 200,
) -> HttpResponse:
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
            "application_form": application_form or _application_form(request, round_),
            "score_form": score_form or _score_form(request, round_),
        },
        status=status,
    )


def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """The call (public), the proposed/funded list (public), and private records for readers."""
    try:
        round_ = selectors.round_get(actor=request.user, round_id=round_id)
    except ServiceError as exc:
        return _error_page(request, exc)
    return _round_page(request, round_)


@login_required
@require_POST
def application_post(request: HttpRequest, round_id: int) -> HttpResponse:
    """Save the organization's draft; with ``action=submit`` also submit it (all or nothing)."""
    try:
        round_ = selectors.round_get(actor=request.user, round_id=round_id)
    except ServiceError as exc:
        return _error_page(request, exc)
    form = ApplicationForm(request.POST, round=round_)
    if not form.is_valid():
        return _round_page(request, round_, application_form=form)
    submit = request.POST.get("action") == "submit"
    try:
        with transaction.atomic():
            app = services.application_save(
                actor=request.user,
                round=round_,
                application=_own_draft(request.user, round_),
                **form.service_values(),
            )
            if submit:
                app = services.application_submit(actor=request.user, application=app)
    except ServiceError as exc:
        form.add_service_error(exc)
        return _round_page(request, round_, application_form=form)
    if submit:
        messages.success(
            request, _("申报已提交，资格审查结果：%(status)s") % {"status": app.get_status_display()}
        )
        return redirect("grants:application", app.pk)
    messages.success(request, _("申报草稿已保存"))
    return redirect("grants:round", round_.pk)


@login_required
@require_POST
def score_sheet_post(request: HttpRequest, round_id: int) -> HttpResponse:
    """A panel member submits the score sheet for every application not yet scored."""
    try:
        round_ = selectors.round_get(actor=request.user, round_id=round_id)
    except ServiceError as exc:
        return _error_page(request, exc)
    form = ScoreSheetForm(request.POST, round=round_, applications=_unscored(request, round_))
    if not form.applications:
        messages.error(request, _("没有待评分的项目"))
        return redirect("grants:round", round_.pk)
    if form.is_valid():
        try:
            services.score_sheet_submit(
                actor=request.user, round=round_, sheet=form.sheet(), comments=form.comments()
            )
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("评分表已提交"))
            return redirect("grants:round", round_.pk)
    return _round_page(request, round_, score_form=form)


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


def _is_audit_firm(user: Any, agreement: Any) -> bool:
    firm_id = agreement.application.round.audit_firm_id
    return bool(user.is_authenticated and firm_id is not None and getattr(user, "unit_id", None) == firm_id)


def _agreement_page(
    request: HttpRequest, agreement: Any, form: FinalAuditForm | None = None, status: int = 200
) -> HttpResponse:
    if form is None and _is_audit_firm(request.user, agreement) and not hasattr(agreement, "final_audit"):
        form = FinalAuditForm()
    return render(
        request, "grants/agreement.html", {"agreement": agreement, "audit_form": form}, status=status
    )


def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    try:
        agreement = selectors.agreement_get(actor=request.user, agreement_id=agreement_id)
    except ServiceError as exc:
        return _error_page(request, exc)
    return _agreement_page(request, agreement)


@login_required
@require_POST
def final_audit_post(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """The appointed audit firm records the final audit (结项审计)."""
    try:
        agreement = selectors.agreement_get(actor=request.user, agreement_id=agreement_id)
    except ServiceError as exc:
        return _error_page(request, exc)
    form = FinalAuditForm(request.POST)
    if form.is_valid():
        try:
            services.final_audit_record(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("结项审计已录入"))
            return redirect("grants:agreement", agreement.pk)
    return _agreement_page(request, agreement, form)


def report(request: HttpRequest) -> HttpResponse:
    """公益金使用情况年度报告 (public)."""
    year = selectors.report_year(request.GET.get("year"), timezone.localdate())
    return render(
        request,
        "grants/report.html",
        {"year": year, "rows": selectors.fund_use_report(year), "years": selectors.years_with_grants()},
    )


def report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    """公益金使用情况年度报告 as PDF (public, like the web report)."""
    if not 2000 <= year <= 2100:
        raise Http404
    document = documents.fund_use_report(year, selectors.fund_use_report(year))
    return pdf_response(document, f"grants-fund-use-{year}.pdf")
