"""绩效评价 pages: work lists for purchasers, suppliers, evaluators and the finance department;
the public results and the phone-friendly survey; templates, recommendations, experts' conduct."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Role
from opengps.contracts.models import Contract, ContractStatus
from opengps.core import clock, ratelimit
from opengps.core.errors import NotFound, PermissionDenied, ServiceError
from opengps.core.views import error_page
from opengps.evaluation.models import CommitteeMember
from opengps.performance import documents, selectors, services
from opengps.performance.errors import Code
from opengps.performance.forms import (
    CodesForm,
    ConductForm,
    DeclineForm,
    EvaluationCreateForm,
    SurveyForm,
    TemplateForm,
)
from opengps.performance.models import (
    EvaluationStatus,
    IndicatorTemplate,
    ListingRecommendation,
    PerformanceEvaluation,
)
from opengps.procurement.views import pdf_response
from opengps.rules import performance as rules
from opengps.rules.base import value_on


def _my_contracts(user: Any) -> Any:
    if not user.is_authenticated or user.role != Role.PURCHASER:
        return Contract.objects.none()
    return Contract.objects.filter(
        purchaser_id=user.unit_id,
        status__in=[ContractStatus.PUBLISHED, ContractStatus.COMPLETED, ContractStatus.TERMINATED],
    ).order_by("-pk")


def index(
    request: HttpRequest, create_form: EvaluationCreateForm | None = None, status: int = 200
) -> HttpResponse:
    """The role's work list, the public results, and the role's other tasks."""
    user: Any = request.user
    contracts = _my_contracts(user)
    return render(
        request,
        "performance/index.html",
        {
            "work": selectors.work_list(actor=user)[:200],
            "published": selectors.published()[:100],
            "create_form": create_form
            or (EvaluationCreateForm(contracts=contracts) if contracts.exists() else None),
            "conduct_rows": selectors.conduct_to_rate(actor=user),
            "conduct_records": selectors.conduct_records(actor=user)[:200],
            "recommendations": selectors.pending_recommendations(actor=user),
            "is_finance": user.is_authenticated and user.role in {Role.FINANCE, Role.ADMIN},
        },
        status=status,
    )


@login_required
@require_POST
def evaluation_create(request: HttpRequest) -> HttpResponse:
    form = EvaluationCreateForm(request.POST, contracts=_my_contracts(request.user))
    if form.is_valid():
        try:
            evaluation = services.evaluation_create(
                actor=signed_in_user(request),
                contract=form.cleaned_data["contract"],
                period=form.cleaned_data["period"],
                evaluator=form.cleaned_data["evaluator"],
            )
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已发起绩效评价"))
            return redirect("performance:evaluation", evaluation.pk)
    return index(request, create_form=form, status=400)


def _survey_url(request: HttpRequest, evaluation: PerformanceEvaluation) -> str:
    return request.build_absolute_uri(reverse("performance:survey", args=[evaluation.survey_token]))


def _detail(
    request: HttpRequest, evaluation: PerformanceEvaluation, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user: Any = request.user
    party = services.party_of(user, evaluation)
    parties = list(evaluation.party_scores.select_related("submitted_by"))
    submitted = {p.party for p in parties}
    rows = selectors.indicator_rows(evaluation)
    is_purchaser = party == "purchaser"
    context = {
        "evaluation": evaluation,
        "contract": evaluation.contract,
        "rows": rows,
        "parties": parties,
        "party": party,
        "can_score": party is not None
        and party not in submitted
        and evaluation.status == EvaluationStatus.OPEN,
        "leaves": [r for r in rows if r.share is not None and not r.survey],
        "is_purchaser": is_purchaser,
        "codes_form": CodesForm() if is_purchaser and evaluation.status == EvaluationStatus.OPEN else None,
        "survey_url": _survey_url(request, evaluation) if is_purchaser else "",
        "responses": evaluation.responses.count(),
        "history": selectors.history_summary(evaluation.contract.supplier)
        if user.is_authenticated and user.role != Role.SUPPLIER
        else None,
        "private": evaluation.status == EvaluationStatus.OPEN or party is not None,
    }
    context.update(extra)
    return render(request, "performance/evaluation.html", context, status=status)


def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        evaluation = selectors.evaluation_get(actor=request.user, evaluation_id=pk)
    except ServiceError as exc:
        return error_page(request, exc)
    return _detail(request, evaluation)


def _get_for(request: HttpRequest, pk: int) -> PerformanceEvaluation:
    try:
        return selectors.evaluation_get(actor=request.user, evaluation_id=pk)
    except NotFound as exc:
        raise Http404(exc.text()) from exc


def _act(
    request: HttpRequest,
    pk: int,
    service: Callable[..., object],
    done: Any,
    *,
    error: str = "",
    **values: Any,
) -> HttpResponse:
    """Run one service on the evaluation the caller may read (`service`, given the signed-in actor,
    the evaluation and `values`); done, flash `done` and go back to the evaluation's page; refused,
    show the error on that page beside `error` (the context name of the form's error), or on the
    error page when `error` is empty."""
    evaluation = _get_for(request, pk)
    try:
        service(actor=signed_in_user(request), evaluation=evaluation, **values)
    except ServiceError as exc:
        if not error:
            return error_page(request, exc)
        return _detail(request, evaluation, status=exc.status, **{error: exc})
    messages.success(request, done)
    return redirect("performance:evaluation", pk)


@login_required
@require_POST
def score_post(request: HttpRequest, pk: int) -> HttpResponse:
    posted = {k: request.POST.get(k, "") for k in request.POST}
    scores = {k[6:]: v for k, v in posted.items() if k.startswith("score-") and v.strip()}
    measured = {k[8:]: v for k, v in posted.items() if k.startswith("measure-") and v.strip()}
    measured = {k: v for k, v in measured.items() if k not in scores}
    return _act(
        request,
        pk,
        services.evaluation_score_submit,
        _("评价已提交"),
        error="score_error",
        scores=scores,
        measured=measured,
        comment=request.POST.get("comment", ""),
    )


@login_required
@require_POST
def codes_post(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _get_for(request, pk)
    form = CodesForm(request.POST)
    if form.is_valid():
        try:
            codes = services.recipient_codes_issue(
                actor=signed_in_user(request), evaluation=evaluation, count=form.cleaned_data["count"]
            )
        except ServiceError as exc:
            return error_page(request, exc)
        url = _survey_url(request, evaluation)
        return render(
            request,
            "performance/codes.html",
            {"evaluation": evaluation, "codes": codes, "survey_url": url, "qr": documents.qr_svg(url)},
        )
    return _detail(request, evaluation, status=400, codes_form=form)


@login_required
@require_POST
def finalize_post(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.evaluation_finalize, _("已评定"), error="finalize_error")


@login_required
@require_POST
def publish_post(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.evaluation_publish, _("评价报告已公开"))


def _finalized(request: HttpRequest, pk: int) -> PerformanceEvaluation:
    evaluation = _get_for(request, pk)
    if evaluation.status == EvaluationStatus.OPEN:
        raise Http404(_("尚未评定"))
    return evaluation


def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluation report (web)."""
    evaluation = _finalized(request, pk)
    return render(
        request,
        "performance/report.html",
        {
            "evaluation": evaluation,
            "rows": selectors.indicator_rows(evaluation),
            "parties": evaluation.party_scores.all(),
            "responses": evaluation.responses.count(),
        },
    )


def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _finalized(request, pk)
    document = documents.evaluation_report(
        evaluation,
        selectors.indicator_rows(evaluation),
        list(evaluation.party_scores.all()),
        evaluation.responses.count(),
    )
    return pdf_response(document, f"performance-{evaluation.pk}.pdf")


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The recipients' satisfaction survey (public, phone-friendly, one answer per code)."""
    try:
        evaluation = selectors.evaluation_by_token(token)
    except NotFound as exc:
        raise Http404(exc.text()) from exc
    form = SurveyForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    status, done = 200, False
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.survey_answer(
                    token=token,
                    code=form.cleaned_data["code"],
                    answer=form.cleaned_data["answer"],
                    comment=form.cleaned_data["comment"],
                    source=ratelimit.client_ip(request),
                )
            except ServiceError as exc:
                form.add_service_error(exc)
                status = 429 if exc.code == "performance.survey_throttled" else exc.status
            else:
                status, done = 200, True
    open_ = evaluation.status == EvaluationStatus.OPEN and evaluation.survey_open
    return render(
        request,
        "performance/survey.html",
        {"evaluation": evaluation, "form": form, "done": done, "open": open_},
        status=status,
    )


def survey_qr(request: HttpRequest, token: str) -> HttpResponse:
    try:
        evaluation = selectors.evaluation_by_token(token)
    except NotFound as exc:
        raise Http404(exc.text()) from exc
    response = HttpResponse(documents.qr_svg(_survey_url(request, evaluation)), content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# Templates (finance department)


def templates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "performance/templates.html",
        {
            "templates": [(t, selectors.indicator_rows(t)) for t in selectors.templates()],
            "is_finance": request.user.is_authenticated
            and getattr(request.user, "role", "") in {Role.FINANCE, Role.ADMIN},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if getattr(request.user, "role", "") not in {Role.FINANCE, Role.ADMIN}:
        return error_page(request, PermissionDenied(Code.PERM_DENIED, _("只有财政部门可以维护绩效指标模板")))
    template = IndicatorTemplate.objects.filter(pk=pk).first() if pk else None
    if pk and template is None:
        raise Http404(_("未找到该模板"))
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.template_save(
                    actor=signed_in_user(request),
                    template=template,
                    name=data["name"],
                    category=data["category"],
                    indicators=form.indicator_list(),
                    source_weights={
                        "self": data["weight_self"],
                        "purchaser": data["weight_purchaser"],
                        "third_party": data["weight_third_party"],
                    },
                )
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("模板已保存"))
                return redirect(reverse("performance:templates") + f"#t{saved.pk}")
        status = 400
    else:
        status = 200
        if template is not None:
            weights = template.source_weights
            initial = {
                "name": template.name,
                "category": template.category,
                "indicators": TemplateForm.lines_of(template.indicators),
                "weight_self": weights.get("self", 0),
                "weight_purchaser": weights.get("purchaser", 0),
                "weight_third_party": weights.get("third_party", 0),
            }
        else:
            today = clock.today()
            defaults = dict(value_on(rules.DEFAULT_SOURCE_WEIGHTS, today, rule="performance.composite").value)
            tops = value_on(rules.DEFAULT_TOP_WEIGHTS, today, rule="performance.validate_template").value
            initial = {
                "indicators": "\n".join(
                    f"{n} | {n} | {w} |  | {'是' if n == '满意度' else ''} | " for n, w in tops
                ),
                "weight_self": defaults.get("self", Decimal(0)),
                "weight_purchaser": defaults.get("purchaser", Decimal(0)),
                "weight_third_party": defaults.get("third_party", Decimal(0)),
            }
        form = TemplateForm(initial=initial)
    return render(
        request, "performance/template_form.html", {"form": form, "template": template}, status=status
    )


# ---------------------------------------------------------------------------------------------
# The credit loop and experts' conduct


def _recommendation(pk: int) -> ListingRecommendation:
    """A listing recommendation with its organization; 404 when there is none."""
    rec = ListingRecommendation.objects.select_related("organization").filter(pk=pk).first()
    if rec is None:
        raise Http404(_("未找到该列入建议"))
    return rec


def recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _recommendation(pk)
    return render(
        request,
        "performance/recommendation.html",
        {
            "rec": rec,
            "entries": rec.entries.order_by("-occurred_on"),
            "listings": rec.listings.all(),
            "decline_form": DeclineForm(),
        },
    )


def _form_post(
    request: HttpRequest,
    form: django_forms.Form,
    call: Callable[[dict[str, Any]], object],
    done: Any,
    back: str,
) -> HttpResponse:
    """A posted form: valid, its one service (`call`, given the cleaned data) runs and `done` is
    flashed, a refusal shows the error page; then back to `back`."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ServiceError as exc:
            return error_page(request, exc)
        messages.success(request, done)
    return HttpResponseRedirect(back)


@login_required
@require_POST
def recommendation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _recommendation(pk)
    return _form_post(
        request,
        DeclineForm(request.POST),
        lambda data: services.recommendation_decline(
            actor=signed_in_user(request), recommendation=rec, note=data["note"]
        ),
        _("已记录决定"),
        reverse("performance:recommendation", args=[pk]),
    )


@login_required
@require_POST
def conduct_post(request: HttpRequest, member_id: int) -> HttpResponse:
    member = CommitteeMember.objects.select_related("evaluation__procurement").filter(pk=member_id).first()
    if member is None:
        raise Http404(_("未找到该评审专家"))
    return _form_post(
        request,
        ConductForm(request.POST),
        lambda data: services.expert_conduct_rate(
            actor=signed_in_user(request), member=member, rating=data["rating"], note=data["note"]
        ),
        _("已记录专家履职评价"),
        reverse("performance:index") + "#conduct",
    )
