"""定点 screens (框架协议定点采购): the purchaser's page of the framework agreements its unit may call
off from — members, agreement prices, their live listings of the covered items — and the call-off
action on a listing's page (one URL, `one_action`: a refusal shows the listing again with the error
beside its field, success goes to the order)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from opengps.accounts.actors import Actor, signed_in_user
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.core.views import one_action
from opengps.emall import selectors, selectors_calloff, services
from opengps.emall.forms_calloff import CallOffForm
from opengps.emall.models import Listing
from opengps.emall.views import _listing_page, _nav, _not_found


@require_safe
@login_required
def calloffs(request: HttpRequest) -> HttpResponse:
    """框架协议定点采购: the unit's agreements, their members at their agreement prices, and where each
    member sells a covered item in the e-mall (the call-off is placed from that listing's page)."""
    if not has_role(request.user, Role.PURCHASER):
        return render(request, "emall/not_found.html", status=403)
    rows = selectors_calloff.agreement_rows(signed_in_user(request))
    return render(request, "emall/calloffs.html", {"rows": rows, **_nav(request)})


@one_action(
    actor=signed_in_user,
    scope=selectors.listing_get,
    form=lambda request, listing: CallOffForm(request.POST, actor=signed_in_user(request), listing=listing),
    page=lambda request, listing, posted, status: _listing_page(
        request, listing.pk, {posted.action: posted}, status
    ),
    done=gettext_lazy("已按框架协议下单，等待供应商确认"),
    success=lambda listing, order: redirect("emall:order", order.pk),
    not_found=lambda request, exc: _not_found(request),
)
def call_off(request: HttpRequest, actor: Actor, listing: Listing, form: CallOffForm) -> Any:
    return services.order_call_off(actor=actor, listing=listing, **form.cleaned_data)
