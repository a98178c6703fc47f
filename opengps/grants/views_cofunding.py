"""Co-funding pages (配套资金): an applicant's commitments, the funder's evidence, receipts with each
tranche, a programme's public page with its leverage and a development fund's donations. One URL
and one form per action; each POST calls exactly one service."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.core.errors import ServiceError
from opengps.core.views import error_page, read_through
from opengps.grants import selectors, services
from opengps.grants.forms import CommitmentForm, DonationForm, EvidenceForm, ReceiptForm
from opengps.grants.models import (
    Agreement,
    Application,
    ApplicationStatus,
    CofundingCommitment,
    Programme,
    Round,
    TrancheStatus,
)
from opengps.grants.views import _forbidden, _perform


def _is_member(user: Any, organization_id: int) -> bool:
    return has_role(user, Role.SUPPLIER) and user.organization_id == organization_id


def _form_page(
    request: HttpRequest,
    form: Any,
    call: Callable[[Any], Any],
    done: str | Promise,
    back: Callable[[], HttpResponse],
    template: str,
    context: Callable[[], Mapping[str, Any]],
) -> HttpResponse:
    """A page with one action form (None when the user may not act): a POST without a form is
    refused; otherwise `call` makes the form's one service call (`_perform`), success goes `back`. The
    page is rendered with `context` read after the POST, 400 while the form shows errors."""
    if request.method == "POST":
        if form is None:
            return _forbidden(request)
        if _perform(request, form, lambda: call(form), done) is not None:
            return back()
    return render(
        request,
        template,
        {**context(), "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@read_through(selectors.application_get, "application_id")
def application_cofunding(request: HttpRequest, app: Application) -> HttpResponse:
    """An application's commitments against its round's requirement; its organization adds more
    while it is a draft (POST: `services.cofunding_commitment_add`)."""
    editable = app.status == ApplicationStatus.DRAFT and _is_member(request.user, app.organization_id)
    form = CommitmentForm(request.POST or None) if editable else None
    return _form_page(
        request,
        form,
        lambda posted: services.cofunding_commitment_add(
            actor=signed_in_user(request), application=app, **posted.cleaned_data
        ),
        _("配套资金承诺已保存"),
        lambda: redirect("grants:application_cofunding", app.pk),
        "grants/cofunding_application.html",
        lambda: {
            "app": app,
            "commitments": selectors.commitments_of(app),
            "problems": services.commitment_problems(app),
            "required": services.cofunding_required(app),
            "editable": editable,
            "funder": services.is_funder(request.user, app.round),
            "has_agreement": hasattr(app, "agreement"),
        },
    )


@login_required
@require_POST
@read_through(selectors.commitment_get, "commitment_id")
def commitment_remove(request: HttpRequest, item: CofundingCommitment) -> HttpResponse:
    """The applicant removes one commitment from its draft."""
    application_id = item.application_id
    try:
        services.cofunding_commitment_remove(actor=signed_in_user(request), commitment=item)
    except ServiceError as exc:
        return error_page(request, exc)
    messages.success(request, _("配套资金承诺已删除"))
    return redirect("grants:application_cofunding", application_id)


@login_required
@read_through(selectors.commitment_get, "commitment_id")
def commitment_evidence(request: HttpRequest, item: CofundingCommitment) -> HttpResponse:
    """The funder records the evidence that a commitment stands, once the agreement is signed."""
    if not services.is_funder(request.user, item.application.round):
        return _forbidden(request)
    form = EvidenceForm(
        request.POST or None, initial={"evidence": item.evidence, "evidence_on": item.evidence_on}
    )
    return _form_page(
        request,
        form,
        lambda posted: services.cofunding_evidence_record(
            actor=signed_in_user(request), commitment=item, **posted.cleaned_data
        ),
        _("配套资金到位证明已记录"),
        lambda: redirect("grants:application_cofunding", item.application_id),
        "grants/cofunding_evidence.html",
        lambda: {"item": item},
    )


@read_through(selectors.agreement_get, "agreement_id")
def agreement_cofunding(request: HttpRequest, agreement: Agreement) -> HttpResponse:
    """An agreement's co-funding: committed, received with each tranche, leverage; its organization
    reports receipts (POST: `services.cofunding_receipt_record`)."""
    member = _is_member(request.user, agreement.application.organization_id)
    released = [t for t in agreement.tranches.all() if t.status == TrancheStatus.RELEASED]
    commitments = selectors.commitments_of(agreement.application)
    form = None
    if member and not agreement.final_grade and released:
        form = ReceiptForm(request.POST or None, tranches=released, commitments=commitments)
    return _form_page(
        request,
        form,
        lambda posted: services.cofunding_receipt_record(
            actor=signed_in_user(request), agreement=agreement, **posted.service_values()
        ),
        _("配套资金到位情况已报告"),
        lambda: redirect("grants:agreement_cofunding", agreement.pk),
        "grants/cofunding_agreement.html",
        lambda: {
            "agreement": agreement,
            "commitments": commitments,
            "receipts": selectors.receipts_of(agreement),
            "leverage": selectors.project_leverage(agreement),
            "flags": [agreement.cofunding_flag] if agreement.cofunding_flag else [],
        },
    )


@read_through(selectors.programme_get, "programme_id")
def programme_detail(request: HttpRequest, programme: Programme) -> HttpResponse:
    """A programme's public page: its public rounds with their leverage, and for a development fund
    the donations it received (people masked, 慈善法 §82)."""
    rounds = list(selectors.public_rounds().filter(programme=programme).order_by("-year", "pk"))
    return render(
        request,
        "grants/programme.html",
        {
            "programme": programme,
            "rounds": [(r, selectors.round_leverage(r)) for r in rounds],
            "leverage": selectors.programme_leverage(programme),
            "donations": selectors.public_fund_donations(programme),
            "funder": services.is_funder(request.user, Round(programme=programme)),
        },
    )


@login_required
@read_through(selectors.programme_get, "programme_id")
def programme_donation(request: HttpRequest, programme: Programme) -> HttpResponse:
    """The funder records a donation into its development fund."""
    if not services.is_funder(request.user, Round(programme=programme)):
        return _forbidden(request)
    form = DonationForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda posted: services.fund_donation_record(
            actor=signed_in_user(request), programme=programme, **posted.cleaned_data
        ),
        _("捐赠已登记"),
        lambda: redirect("grants:programme", programme.pk),
        "grants/new.html",
        lambda: {"heading": _("登记发展基金捐赠：%(name)s") % {"name": programme.name}},
    )
