"""Registry pages: public search and profiles; the registration authority's management screens."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from opengps.accounts.actors import Actor, signed_in_user
from opengps.accounts.models import Region
from opengps.core import clock
from opengps.core.errors import NotFound, PermissionDenied, ServiceError
from opengps.core.forms import ServiceErrorFormMixin
from opengps.core.paging import page_number
from opengps.core.views import error_page
from opengps.registry import exporting, hooks, importing, selectors, services
from opengps.registry.errors import Code
from opengps.registry.forms import (
    AnnualReportForm,
    CreditDelistForm,
    CreditListForm,
    ImportForm,
    OrganizationForm,
    PenaltyForm,
    RatingForm,
    RatingRevokeForm,
    StatusForm,
)
from opengps.registry.models import ImportJob, Organization, OrgType
from opengps.rules.base import Reason
from opengps.rules.eligibility import Eligibility


def _row(org: Organization) -> tuple[Organization, str, str, str]:
    credit = selectors.credit_status(org)
    return (
        org,
        selectors.region_name_of(org),
        str(selectors.CreditFilter.LABELS[credit]),
        selectors.CreditFilter.BADGES[credit],
    )


def _search_context(request: HttpRequest, *, managed_units: set[int] | None = None) -> dict[str, Any]:
    filters = selectors.SearchFilters.from_params(request.GET)
    page = selectors.organization_search(
        filters=filters, page=page_number(request), managed_units=managed_units
    )
    return {
        "page": page,
        "rows": [_row(org) for org in page.results],
        "filters": filters,
        "org_types": OrgType.choices,
        "regions": selectors.prefectures(),
        "credit_choices": selectors.CreditFilter.CHOICES,
        "ratings": range(5, 0, -1),
    }


def search(request: HttpRequest) -> HttpResponse:
    """社会组织库: filters, results table; htmx swaps only the results while typing."""
    context = _search_context(request)
    template = "registry/_results.html" if getattr(request, "htmx", False) else "registry/search.html"
    return render(request, template, context)


def detail(request: HttpRequest, uscc: str) -> HttpResponse:
    try:
        org = selectors.organization_with_records(uscc)
    except NotFound as exc:
        raise Http404(exc.text()) from exc
    user: Any = request.user
    return render(
        request,
        "registry/detail.html",
        {
            **_record_context(org),
            "credit_label": selectors.CreditFilter.LABELS[selectors.credit_status(org)],
            "credit_badge": selectors.CreditFilter.BADGES[selectors.credit_status(org)],
            "show_contacts": user.is_authenticated and user.role != "supplier",
            "can_manage": _can_manage(user, org),
        },
    )


def _record_context(org: Organization) -> dict[str, Any]:
    """What the public page and the management page both show of an organization's record today:
    ratings, annual reports, credit listings, penalties, eligibility with its reasons, and what the
    later stages add (`hooks.organization_context`, the performance history among others)."""
    today = clock.today()
    eligibility = selectors.organization_eligibility(org, today)
    return {
        "org": org,
        "region_name": selectors.region_name_of(org),
        "ratings": org.ratings.all(),
        "reports": org.annual_reports.all(),
        "listings": [(c, selectors.credit_reason_label(c.reason)) for c in org.credit_listings.all()],
        "penalties": _penalties(org, today),
        "eligibility": eligibility,
        "reasons": _reasons(eligibility),
        "today": today,
        **hooks.organization_context(org),
    }


def _reasons(eligibility: Eligibility) -> list[tuple[Reason, str]]:
    english = (get_language() or "").startswith("en")
    return [(r, r.message_en if english else r.message_zh) for r in eligibility.reasons]


def _penalties(org: Organization, today: Any) -> list[tuple[Any, Reason, str]]:
    english = (get_language() or "").startswith("en")
    return [
        (p, effect, effect.message_en if english else effect.message_zh)
        for p, effect in selectors.penalty_rows(org, today)
    ]


def _can_manage(user: Any, org: Organization) -> bool:
    try:
        services.require_manages(user, org)
    except ServiceError:
        return False
    return True


def export(request: HttpRequest) -> FileResponse:
    """The filtered search as an Excel workbook, public columns only."""
    filters = selectors.SearchFilters.from_params(request.GET)
    return exporting.xlsx_response(selectors.organization_export_rows(filters), public=True)


# ---------------------------------------------------------------------------------------------
# Registration authority


def _writer(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Login, then the service's own role check; refusals render the error page with their code."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            services.require_writer(signed_in_user(request))
            return view(request, *args, **kwargs)
        except (PermissionDenied, NotFound) as exc:
            return error_page(request, exc, not_found_raises=False)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _regions_for(actor: Actor) -> list[Region]:
    managed = services.managed_unit_ids(actor)
    regions = Region.objects.select_related("parent__parent").order_by("code")
    if managed is None or actor.unit is None:
        return list(regions)
    return list(regions.filter(code__in=services.region_codes_within(actor.unit.region)))


@_writer
def manage(request: HttpRequest) -> HttpResponse:
    """The organizations this authority (and those below it) registered."""
    managed = services.managed_unit_ids(signed_in_user(request))
    context = _search_context(request, managed_units=managed)
    context["manage"] = True
    template = "registry/_results.html" if getattr(request, "htmx", False) else "registry/manage_list.html"
    return render(request, template, context)


@_writer
def manage_export(request: HttpRequest) -> HttpResponseBase:
    filters = selectors.SearchFilters.from_params(request.GET)
    rows = selectors.organization_export_rows(
        filters, managed_units=services.managed_unit_ids(signed_in_user(request))
    )
    return exporting.xlsx_response(rows, public=False)


def _org_for_manage(request: HttpRequest, uscc: str) -> Organization:
    org = selectors.organization_with_records(uscc)
    services.require_manages(signed_in_user(request), org)
    return org


@_writer
@require_http_methods(["GET", "POST"])
def manage_create(request: HttpRequest) -> HttpResponse:
    regions = _regions_for(signed_in_user(request))
    form = OrganizationForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(actor=signed_in_user(request), **form.cleaned_data)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _g("已登记“%(name)s”") % {"name": org.name})
            return redirect("registry:manage-org", uscc=org.uscc)
    return render(request, "registry/org_form.html", {"form": form, "org": None})


@_writer
@require_http_methods(["GET", "POST"])
def manage_edit(request: HttpRequest, uscc: str) -> HttpResponse:
    org = _org_for_manage(request, uscc)
    initial = {**services.organization_values(org)}
    form = OrganizationForm(
        request.POST or None, initial=initial, regions=_regions_for(signed_in_user(request)), editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        changes = {k: v for k, v in data.items() if v != initial.get(k)}
        try:
            org = services.organization_update(
                actor=signed_in_user(request), organization=org, changes=changes, reason=reason
            )
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _g("已保存"))
            return redirect("registry:manage-org", uscc=org.uscc)
    return render(request, "registry/org_form.html", {"form": form, "org": org})


ACTIONS: dict[str, type[ServiceErrorFormMixin]] = {
    "rating": RatingForm,
    "revoke": RatingRevokeForm,
    "report": AnnualReportForm,
    "list": CreditListForm,
    "delist": CreditDelistForm,
    "penalty": PenaltyForm,
    "status": StatusForm,
}
"""The authority's actions on one organization, by name: each posts to its own URL
(``manage/org/<uscc>/<name>/``, named ``manage-org-<name>``) with its form's fields prefixed by the name."""


def _manage_page(request: HttpRequest, uscc: str, *, failed: Any = None, status: int = 200) -> HttpResponse:
    """The management page with an empty form per action; a refused action's bound form `failed`
    stands in place of its empty one, with its errors beside their fields."""
    page_forms: dict[str, Any] = {name: cls(prefix=name) for name, cls in ACTIONS.items()}
    following = request.GET.get("recommendation", "")
    if following.isdecimal():  # deciding on the performance app's recommendation: prefill the listing
        page_forms["list"] = CreditListForm(prefix="list", initial={"recommendation_id": int(following)})
    if failed is not None:
        page_forms[failed.prefix] = failed
    org = selectors.organization_with_records(uscc)
    return render(
        request, "registry/manage_org.html", {**_record_context(org), "forms": page_forms}, status=status
    )


@_writer
@require_safe
def manage_org(request: HttpRequest, uscc: str) -> HttpResponse:
    """One organization's records, with a form for each thing the authority records (each posts to
    its own URL: `org_action`)."""
    _org_for_manage(request, uscc)
    return _manage_page(request, uscc)


OrgAct = Callable[[Actor, Organization, Any], Any]


def org_action(name: str) -> Callable[[OrgAct], Callable[..., HttpResponseBase]]:
    """Make `act` (one service call with the valid form's data) the view of the action `name`'s URL.

    The authority's role and its scope over the organization are checked first (refused on the
    error page, as is a record of another organization); a refusal of the service re-renders the
    management page with the error beside its field (400); success goes back to the action's form."""
    form_class = ACTIONS[name]

    def wrap(act: OrgAct) -> Callable[..., HttpResponseBase]:
        @_writer
        @require_POST
        @wraps(act)
        def view(request: HttpRequest, uscc: str) -> HttpResponse:
            org = _org_for_manage(request, uscc)
            form = form_class(request.POST, prefix=name)
            if form.is_valid():
                try:
                    act(signed_in_user(request), org, form)
                except (PermissionDenied, NotFound):
                    raise
                except ServiceError as exc:
                    form.add_service_error(exc)
                else:
                    messages.success(request, _g("已记录"))
                    return HttpResponseRedirect(reverse("registry:manage-org", args=[org.uscc]) + f"#{name}")
            return _manage_page(request, uscc, failed=form, status=400)

        return view

    return wrap


@org_action("rating")
def manage_rating(actor: Actor, org: Organization, form: RatingForm) -> Any:
    return services.rating_record(actor=actor, organization=org, **form.cleaned_data)


@org_action("revoke")
def manage_revoke(actor: Actor, org: Organization, form: RatingRevokeForm) -> Any:
    data = form.cleaned_data
    return services.rating_revoke(
        actor=actor,
        rating=selectors.rating_of(org, data["rating_id"]),
        revoked_on=data["revoked_on"],
        reason=data["reason"],
    )


@org_action("report")
def manage_report(actor: Actor, org: Organization, form: AnnualReportForm) -> Any:
    return services.annual_report_record(actor=actor, organization=org, **form.cleaned_data)


@org_action("list")
def manage_list(actor: Actor, org: Organization, form: CreditListForm) -> Any:
    data = form.cleaned_data
    recommendation = None
    if data.get("recommendation_id"):
        recommendation = hooks.recommendations().find(org, data["recommendation_id"])
        if recommendation is None:
            raise NotFound(Code.PERFORMANCE_RECOMMENDATION_NOT_FOUND)
    return services.credit_list(
        actor=actor,
        organization=org,
        kind=data["kind"],
        reason=form.reason_value(),
        decision_document=data["decision_document"],
        listed_on=data["listed_on"],
        recommendation=recommendation,
    )


@org_action("delist")
def manage_delist(actor: Actor, org: Organization, form: CreditDelistForm) -> Any:
    data = form.cleaned_data
    return services.credit_delist(
        actor=actor,
        listing=selectors.listing_of(org, data["listing_id"]),
        removed_on=data["removed_on"],
        reason=data["reason"],
        document=data["document"],
    )


@org_action("penalty")
def manage_penalty(actor: Actor, org: Organization, form: PenaltyForm) -> Any:
    return services.penalty_record(actor=actor, organization=org, **form.cleaned_data)


@org_action("status")
def manage_status(actor: Actor, org: Organization, form: StatusForm) -> Any:
    return services.organization_change_status(actor=actor, organization=org, **form.cleaned_data)


ORG_ACTIONS: dict[str, Callable[..., HttpResponseBase]] = {
    "rating": manage_rating,
    "revoke": manage_revoke,
    "report": manage_report,
    "list": manage_list,
    "delist": manage_delist,
    "penalty": manage_penalty,
    "status": manage_status,
}
"""The view of each action's URL (`opengps.registry.urls`)."""


@_writer
@require_http_methods(["GET", "POST"])
def manage_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = importing.import_job_create(
                actor=signed_in_user(request),
                file=upload,
                filename=upload.name,
                size=upload.size,
                mode=form.cleaned_data["mode"],
            )
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            return redirect("registry:import-job", job_id=job.pk)
    return render(
        request,
        "registry/import.html",
        {
            "form": form,
            "jobs": selectors.import_jobs_recent(actor=signed_in_user(request)),
            "headers": importing.HEADERS,
        },
    )


@_writer
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """Progress of an import; htmx polls the partial every second until the report is there."""
    job: ImportJob = selectors.import_job_get(actor=signed_in_user(request), job_id=job_id)
    template = (
        "registry/_import_progress.html" if getattr(request, "htmx", False) else "registry/import_job.html"
    )
    return render(request, template, {"job": job, "errors": job.report.get("errors", [])[:1000]})


@_writer
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        importing.template_workbook_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="registry-import-template.xlsx"'
    return response
