"""Co-funding pages (配套资金): an applicant's commitments, the funder's evidence, receipts with each
tranche, a programme's public page with its leverage and a development fund's donations. One URL
and one form per action; each POST calls exactly one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.core.errors import ServiceError
from opengps.core.views import error_page
from opengps.grants import selectors, services
from opengps.grants.forms import CommitmentForm, DonationForm, EvidenceForm, ReceiptForm
from opengps.grants.models import ApplicationStatus, Round, TrancheStatus
from opengps.grants.views import _forbidden, _perform


def _is_member(user: Any, organization_id: int) -> bool:
    return has_role(user, Role.SUPPLIER) and user.organization_id == organization_id


def application_cofunding(request: HttpRequest, application_id: int) -> HttpResponse:
    """An application's commitments against its round's requirement; its organization adds more
    while it is a draft (POST: `services.cofunding_commitment_add`)."""
    try:
        app = selectors.application_get(actor=request.user, application_id=application_id)
    except ServiceError as exc:
        return error_page(request, exc)
    editable = app.status == ApplicationStatus.DRAFT and _is_member(request.user, app.organization_id)
    form = CommitmentForm(request.POST or None) if editable else None
    if request.method == "POST":
        if form is None:
            return _forbidden(request)
        done = _perform(
            request,
            form,
            lambda: services.cofunding_commitment_add(
                actor=signed_in_user(request), application=app, **form.cleaned_data
            ),
            _("配套资金承诺已保存"),
        )
        if done is not None:
            return redirect("grants:application_cofunding", app.pk)
    requirement = services.commitment_problems(app)
    return render(
        request,
        "grants/cofunding_application.html",
        {
            "app": app,
            "commitments": selectors.commitments_of(app),
            "problems": requirement,
            "required": services.cofunding_required(app),
            "form": form,
            "editable": editable,
            "funder": services.is_funder(request.user, app.round),
            "has_agreement": hasattr(app, "agreement"),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def commitment_remove(request: HttpRequest, commitment_id: int) -> HttpResponse:
    """The applicant removes one commitment from its draft."""
    try:
        item = selectors.commitment_get(actor=request.user, commitment_id=commitment_id)
    except ServiceError as exc:
        return error_page(request, exc)
    application_id = item.application_id
    try:
        services.cofunding_commitment_remove(actor=signed_in_user(request), commitment=item)
    except ServiceError as exc:
        return error_page(request, exc)
    messages.success(request, _("配套资金承诺已删除"))
    return redirect("grants:application_cofunding", application_id)


@login_required
def commitment_evidence(request: HttpRequest, commitment_id: int) -> HttpResponse:
    """The funder records the evidence that a commitment stands, once the agreement is signed."""
    try:
        item = selectors.commitment_get(actor=request.user, commitment_id=commitment_id)
    except ServiceError as exc:
        return error_page(request, exc)
    if not services.is_funder(request.user, item.application.round):
        return _forbidden(request)
    form = EvidenceForm(
        request.POST or None, initial={"evidence": item.evidence, "evidence_on": item.evidence_on}
    )
    if request.method == "POST":
        done = _perform(
            request,
            form,
            lambda: services.cofunding_evidence_record(
                actor=signed_in_user(request), commitment=item, **form.cleaned_data
            ),
            _("配套资金到位证明已记录"),
        )
        if done is not None:
            return redirect("grants:application_cofunding", item.application_id)
    return render(
        request,
        "grants/cofunding_evidence.html",
        {"item": item, "form": form},
        status=400 if form.errors else 200,
    )


def agreement_cofunding(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """An agreement's co-funding: committed, received with each tranche, leverage; its organization
    reports receipts (POST: `services.cofunding_receipt_record`)."""
    try:
        agreement = selectors.agreement_get(actor=request.user, agreement_id=agreement_id)
    except ServiceError as exc:
        return error_page(request, exc)
    member = _is_member(request.user, agreement.application.organization_id)
    released = [t for t in agreement.tranches.all() if t.status == TrancheStatus.RELEASED]
    commitments = selectors.commitments_of(agreement.application)
    form = None
    if member and not agreement.final_grade and released:
        form = ReceiptForm(request.POST or None, tranches=released, commitments=commitments)
    if request.method == "POST":
        if form is None:
            return _forbidden(request)
        done = _perform(
            request,
            form,
            lambda: services.cofunding_receipt_record(
                actor=signed_in_user(request), agreement=agreement, **form.service_values()
            ),
            _("配套资金到位情况已报告"),
        )
        if done is not None:
            return redirect("grants:agreement_cofunding", agreement.pk)
    return render(
        request,
        "grants/cofunding_agreement.html",
        {
            "agreement": agreement,
            "commitments": commitments,
            "receipts": selectors.receipts_of(agreement),
            "leverage": selectors.project_leverage(agreement),
            "flags": [agreement.cofunding_flag] if agreement.cofunding_flag else [],
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    """A programme's public page: its public rounds with their leverage, and for a development fund
    the donations it received (people masked, 慈善法 §82)."""
    try:
        programme = selectors.programme_get(actor=request.user, programme_id=programme_id)
    except ServiceError as exc:
        return error_page(request, exc)
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
def programme_donation(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The funder records a donation into its development fund."""
    try:
        programme = selectors.programme_get(actor=request.user, programme_id=programme_id)
    except ServiceError as exc:
        return error_page(request, exc)
    if not services.is_funder(request.user, Round(programme=programme)):
        return _forbidden(request)
    form = DonationForm(request.POST or None)
    if request.method == "POST":
        done = _perform(
            request,
            form,
            lambda: services.fund_donation_record(
                actor=signed_in_user(request), programme=programme, **form.cleaned_data
            ),
            _("捐赠已登记"),
        )
        if done is not None:
            return redirect("grants:programme", programme.pk)
    return render(
        request,
        "grants/new.html",
        {"form": form, "heading": _("登记发展基金捐赠：%(name)s") % {"name": programme.name}},
        status=400 if form.errors else 200,
    )
