"""E-mall screens. Pages: the public search and listing detail; the supplier's entry, listings and
orders; the purchaser's orders; the operator's review desk; 竞价 rounds (post, quote, close).
Actions: one URL each (STYLE 14) — a form parses the POST, a selector scoped to the actor fetches
the object (404 outside its scope), one service acts; a refusal re-renders the page with the error
beside its field and the refusal's status, success redirects with a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from opengps.accounts.actors import Actor, signed_in_user
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.core import clock
from opengps.core.errors import NotFound
from opengps.core.forms import run_service
from opengps.core.views import View, one_action
from opengps.emall import forms, selectors, services
from opengps.emall.forms_calloff import CallOffForm
from opengps.emall.models import (
    BiddingRound,
    Listing,
    ListingStatus,
    ListingVersion,
    OrderStatus,
    PriceFlag,
    SupplierEntry,
)
from opengps.rules.emall import direct_purchase_limit, emall_ceiling


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "emall/not_found.html", status=404)


def _act(
    request: HttpRequest,
    form: forms.ActionForm,
    call: Callable[[], Any],
    page: Callable[[dict[str, Any], int], HttpResponse],
    done: str,
    to: Callable[[Any], HttpResponse],
) -> HttpResponse:
    """The one view pattern: an invalid form or a refusal re-renders `page` with `form` in it."""
    if not form.is_valid():
        return page({form.action: form}, 400)
    outcome = run_service(form, call)
    if not outcome.ok:
        return page({form.action: form}, outcome.status)
    messages.success(request, done)
    return to(outcome.result)


# ---------------------------------------------------------------------------------------------
# Public


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """电子卖场 — public search of live listings by item, region and price."""
    form = forms.SearchForm(request.GET or None)
    filters = selectors.ListingFilters()
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            filters = selectors.ListingFilters(
                item=data["item"].code if data["item"] else "",
                region=data["region"].code if data["region"] else "",
                price_min=data["price_min"],
                price_max=data["price_max"],
                q=data["q"].strip(),
            )
        else:
            status = 400
    listings = list(selectors.listing_search(filters)[: selectors.PAGE]) if status == 200 else []
    return render(
        request,
        "emall/index.html",
        {"form": form, "listings": listings, **_limits(), **_nav(request)},
        status=status,
    )


def _limits() -> dict[str, Any]:
    today = clock.today()
    return {"ceiling": emall_ceiling(services.CATEGORY, today), "direct_limit": direct_purchase_limit(today)}


def _nav(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "is_supplier": has_role(user, Role.SUPPLIER),
        "is_purchaser": has_role(user, Role.PURCHASER),
        "is_operator": services.is_operator(user),
    }


def _listing_page(
    request: HttpRequest, pk: int, failed: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    try:
        listing = selectors.listing_get(actor=request.user, pk=pk)
    except NotFound:
        return _not_found(request)
    user: Any = request.user
    owner = has_role(user, Role.SUPPLIER) and user.organization_id == listing.organization_id
    purchasing = has_role(user, Role.PURCHASER) and listing.status == ListingStatus.LIVE
    calloff = CallOffForm(actor=user, listing=listing) if purchasing else None
    context: dict[str, Any] = {
        "listing": listing,
        "owner": owner,
        "versions": list(selectors.listing_versions(listing)) if owner or services.is_operator(user) else [],
        "buy": forms.BuyForm(actor=user) if purchasing else None,
        "calloff": calloff if calloff is not None and calloff.offers else None,
        "reason": forms.ReasonForm(),
        "note": forms.NoteForm(),
        "version": forms.VersionForm() if owner else None,
        "confirm": forms.ConfirmForm(),
        **_limits(),
        **_nav(request),
    }
    context.update(failed or {})
    return render(request, "emall/listing.html", context, status=status)


@require_safe
def listing(request: HttpRequest, pk: int) -> HttpResponse:
    return _listing_page(request, pk)


def _on_listing(
    form: Callable[[HttpRequest, Listing], forms.ActionForm],
    done: Promise,
    *,
    success: Callable[[Listing, Any], HttpResponse] = lambda listing, result: redirect(
        "emall:listing", listing.pk
    ),
) -> Callable[[Callable[[HttpRequest, Actor, Listing, Any], Any]], View]:
    """An action on one listing (`one_action`): a refusal shows the listing's page again with the
    error beside its field; success goes back to it (or where `success` says)."""
    return one_action(
        actor=signed_in_user,
        scope=selectors.listing_get,
        form=form,
        page=lambda request, listing, posted, status: _listing_page(
            request, listing.pk, {posted.action: posted}, status
        ),
        done=done,
        success=success,
        not_found=lambda request, exc: _not_found(request),
    )


@_on_listing(
    lambda request, listing: forms.BuyForm(request.POST, actor=signed_in_user(request)),
    gettext_lazy("已下单，等待供应商确认"),
    success=lambda listing, order: redirect("emall:order", order.pk),
)
def buy(request: HttpRequest, actor: Actor, listing: Listing, form: forms.BuyForm) -> Any:
    return services.order_place(actor=actor, listing=listing, **form.cleaned_data)


@_on_listing(lambda request, listing: forms.ConfirmForm(request.POST), gettext_lazy("已提交审核"))
def submit(request: HttpRequest, actor: Actor, listing: Listing, form: forms.ConfirmForm) -> Any:
    return services.listing_submit(actor=actor, listing=listing)


@_on_listing(
    lambda request, listing: forms.VersionForm(request.POST),
    gettext_lazy("新版本已提交审核；审核通过前按现行版本销售"),
)
def new_version(request: HttpRequest, actor: Actor, listing: Listing, form: forms.VersionForm) -> Any:
    return services.listing_version_create(
        actor=actor, listing=listing, terms=services.listing_terms(**form.terms_kwargs())
    )


@_on_listing(lambda request, listing: forms.ReasonForm(request.POST), gettext_lazy("商品已下架"))
def suspend(request: HttpRequest, actor: Actor, listing: Listing, form: forms.ReasonForm) -> Any:
    return services.listing_suspend(actor=actor, listing=listing, reason=form.cleaned_data["reason"])


@_on_listing(lambda request, listing: forms.NoteForm(request.POST), gettext_lazy("商品已恢复上架"))
def reinstate(request: HttpRequest, actor: Actor, listing: Listing, form: forms.NoteForm) -> Any:
    return services.listing_reinstate(actor=actor, listing=listing, note=form.cleaned_data["note"])


# ---------------------------------------------------------------------------------------------
# Supplier


def _supplier_page(
    request: HttpRequest, failed: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    actor = signed_in_user(request)
    context: dict[str, Any] = {
        "entry": selectors.entry_of(actor),
        "listings": list(selectors.listings_mine(actor)),
        "entry_form": forms.EntryForm(),
        "listing_form": forms.ListingForm(),
        **_nav(request),
    }
    for key, form in (failed or {}).items():
        context["entry_form" if key == "entry" else "listing_form"] = form
    return render(request, "emall/supplier.html", context, status=status)


@require_safe
@login_required
def supplier(request: HttpRequest) -> HttpResponse:
    """我的入驻与商品."""
    if not has_role(request.user, Role.SUPPLIER):
        return render(request, "emall/not_found.html", status=403)
    return _supplier_page(request)


@require_POST
@login_required
def entry_apply(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    form = forms.EntryForm(request.POST)
    return _act(
        request,
        form,
        lambda: services.entry_apply(actor=actor, **form.cleaned_data),
        lambda failed, status: _supplier_page(request, failed, status),
        _("入驻申请已提交，等待运营机构审核"),
        lambda _r: redirect("emall:supplier"),
    )


@require_POST
@login_required
def listing_create(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    form = forms.ListingForm(request.POST)
    return _act(
        request,
        form,
        lambda: services.listing_create(
            actor=actor, item=form.cleaned_data["item"], terms=services.listing_terms(**form.terms_kwargs())
        ),
        lambda failed, status: _supplier_page(request, failed, status),
        _("商品已保存为草稿，提交审核后上架"),
        lambda created: redirect("emall:listing", created.pk),
    )


# ---------------------------------------------------------------------------------------------
# Orders


@require_safe
@login_required
def orders(request: HttpRequest) -> HttpResponse:
    """我的订单 (the purchasing unit's or the supplier's; the operator and auditors see all)."""
    actor = signed_in_user(request)
    rows = [(o, selectors.order_status_label(o)) for o in selectors.orders_visible(actor)[:200]]
    return render(request, "emall/orders.html", {"rows": rows, **_nav(request)})


ORDER_FORMS: dict[str, type[forms.ActionForm]] = {
    "confirm": forms.ConfirmForm,
    "decline": forms.ReasonForm,
    "deliver": forms.DeliverForm,
    "accept": forms.AcceptForm,
    "pay": forms.PayForm,
    "rate": forms.RateForm,
}


def _order_page(
    request: HttpRequest, pk: int, failed: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    actor = signed_in_user(request)
    try:
        order = selectors.order_get(actor=actor, pk=pk)
    except NotFound:
        return _not_found(request)
    state = selectors.order_status(order)
    seller = has_role(actor, Role.SUPPLIER) and actor.organization_id == order.supplier_id
    buyer = has_role(actor, Role.PURCHASER) and actor.unit_id == order.unit_id
    allowed = {
        "confirm": seller and state == OrderStatus.PLACED,
        "decline": seller and state == OrderStatus.PLACED,
        "deliver": seller and state == OrderStatus.CONFIRMED,
        "accept": buyer and state == OrderStatus.DELIVERED,
        "pay": buyer and state == OrderStatus.ACCEPTED,
        "rate": buyer and state == OrderStatus.PAID,
    }
    actions = {name: ORDER_FORMS[name]() for name, ok in allowed.items() if ok}
    for name, form in (failed or {}).items():
        actions[name] = form
    context = {
        "order": order,
        "status_label": selectors.order_status_label(order),
        "actions": actions,
        **_nav(request),
    }
    return render(request, "emall/order.html", context, status=status)


@require_safe
@login_required
def order(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_page(request, pk)


@require_POST
@login_required
def order_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    actor = signed_in_user(request)
    try:
        target = selectors.order_get(actor=actor, pk=pk)
    except NotFound:
        return _not_found(request)
    form = ORDER_FORMS[name](request.POST)
    calls: dict[str, Callable[[], Any]] = {
        "confirm": lambda: services.order_confirm(actor=actor, order=target),
        "decline": lambda: services.order_decline(
            actor=actor, order=target, reason=form.cleaned_data["reason"]
        ),
        "deliver": lambda: services.order_deliver(actor=actor, order=target, note=form.cleaned_data["note"]),
        "accept": lambda: services.order_accept(actor=actor, order=target, note=form.cleaned_data["note"]),
        "pay": lambda: services.order_pay(
            actor=actor, order=target, reference=form.cleaned_data["reference"]
        ),
        "rate": lambda: services.order_rate(
            actor=actor, order=target, stars=form.cleaned_data["stars"], comment=form.cleaned_data["comment"]
        ),
    }
    form.action = name
    return _act(
        request,
        form,
        calls[name],
        lambda failed, status: _order_page(request, pk, {name: form}, status),
        _("已办理"),
        lambda _r: redirect("emall:order", pk),
    )


# ---------------------------------------------------------------------------------------------
# Operator


def _operator_page(
    request: HttpRequest, failed: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    actor = signed_in_user(request)
    failed = failed or {}

    def rows(kind: str, objects: Any, form_class: type[forms.ActionForm]) -> list[tuple[Any, Any]]:
        return [
            (obj, failed.get(f"{kind}-{obj.pk}") or form_class(auto_id=f"{kind}{obj.pk}-%s"))
            for obj in objects
        ]

    context: dict[str, Any] = {
        "entries": rows("entry", selectors.entries_for_review(actor)[:200], forms.DecisionForm),
        "versions": rows("version", selectors.versions_pending(actor)[:200], forms.DecisionForm),
        "flags": rows("flag", selectors.flags_open(actor)[:200], forms.FlagForm),
        **_nav(request),
    }
    return render(request, "emall/operator.html", context, status=status)


@require_safe
@login_required
def operator(request: HttpRequest) -> HttpResponse:
    """运营审核: entry applications, listing versions to review, open price flags."""
    if not services.is_operator(request.user):
        return render(request, "emall/not_found.html", status=403)
    return _operator_page(request)


def _review(
    kind: str, scope: Callable[..., Any], form_class: type[forms.ActionForm], done: Promise
) -> Callable[[Callable[[HttpRequest, Actor, Any, Any], Any]], View]:
    """An operator's decision on one row of the review desk (`one_action`): `scope` fetches the row's
    object among those the actor reviews; a refusal shows the desk again with the error in that row."""
    return one_action(
        actor=signed_in_user,
        scope=scope,
        form=lambda request, obj: form_class(request.POST),
        page=lambda request, obj, form, status: _operator_page(request, {f"{kind}-{obj.pk}": form}, status),
        done=done,
        success=lambda obj, result: redirect("emall:operator"),
        not_found=lambda request, exc: _not_found(request),
    )


@_review("entry", selectors.entry_get, forms.DecisionForm, gettext_lazy("已审核"))
def entry_decide(request: HttpRequest, actor: Actor, entry: SupplierEntry, form: forms.DecisionForm) -> Any:
    return services.entry_decide(actor=actor, entry=entry, **form.cleaned_data)


@_review("version", selectors.version_pending_get, forms.DecisionForm, gettext_lazy("已审核"))
def version_review(
    request: HttpRequest, actor: Actor, version: ListingVersion, form: forms.DecisionForm
) -> Any:
    return services.listing_review(actor=actor, version=version, **form.cleaned_data)


@_review("flag", selectors.flag_get, forms.FlagForm, gettext_lazy("已处理"))
def flag_decide(request: HttpRequest, actor: Actor, flag: PriceFlag, form: forms.FlagForm) -> Any:
    return services.flag_decide(actor=actor, flag=flag, **form.cleaned_data)


# ---------------------------------------------------------------------------------------------
# 竞价: no page shows a price or the number of quotes before the close (selectors.round_view)


@require_safe
@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    """竞价: the unit's rounds (purchaser), the open rounds of my items (supplier), all (operator)."""
    actor = signed_in_user(request)
    context = {
        "rounds": list(selectors.rounds_visible(actor)[:200]),
        "open_for_me": list(selectors.rounds_open_for_supplier(actor)[:200]),
        **_nav(request),
    }
    return render(request, "emall/rounds.html", context)


def _round_new_page(
    request: HttpRequest, form: forms.RoundForm | None = None, status: int = 200
) -> HttpResponse:
    actor = signed_in_user(request)
    context = {"form": form or forms.RoundForm(actor=actor), **_limits(), **_nav(request)}
    return render(request, "emall/round_new.html", context, status=status)


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    """发起竞价 (GET: the form; POST: post the round)."""
    if not has_role(request.user, Role.PURCHASER):
        return render(request, "emall/not_found.html", status=403)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    if request.method != "POST":
        return _round_new_page(request)
    actor = signed_in_user(request)
    form = forms.RoundForm(request.POST, actor=actor)
    return _act(
        request,
        form,
        lambda: services.round_post(actor=actor, **form.cleaned_data),
        lambda failed, status: _round_new_page(request, form, status),
        _("竞价已发起；报价加密封存，截止后开启"),
        lambda created: redirect("emall:round", created.pk),
    )


def _round_page(
    request: HttpRequest, pk: int, failed: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    actor = signed_in_user(request)
    try:
        bidding_round = selectors.round_get(actor=actor, pk=pk)
    except NotFound:
        return _not_found(request)
    view = selectors.round_view(actor, bidding_round)
    context: dict[str, Any] = {
        "view": view,
        "r": bidding_round,
        "quote_form": forms.QuoteForm() if view.may_quote else None,
        "close_form": forms.CloseForm() if view.may_close and view.due else None,
        **_nav(request),
    }
    for key, form in (failed or {}).items():
        context[f"{key}_form"] = form
    return render(request, "emall/round.html", context, status=status)


@require_safe
@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_page(request, pk)


def _on_round(
    form: Callable[[HttpRequest], forms.ActionForm], done: Promise
) -> Callable[[Callable[[HttpRequest, Actor, BiddingRound, Any], Any]], View]:
    return one_action(
        actor=signed_in_user,
        scope=selectors.round_get,
        form=lambda request, bidding_round: form(request),
        page=lambda request, bidding_round, posted, status: _round_page(
            request, bidding_round.pk, {posted.action: posted}, status
        ),
        done=done,
        success=lambda bidding_round, result: redirect("emall:round", bidding_round.pk),
        not_found=lambda request, exc: _not_found(request),
    )


@_on_round(lambda request: forms.QuoteForm(request.POST), gettext_lazy("报价已加密提交；截止前可更新"))
def quote(request: HttpRequest, actor: Actor, bidding_round: BiddingRound, form: forms.QuoteForm) -> Any:
    return services.quote_submit(actor=actor, bidding_round=bidding_round, price=form.cleaned_data["price"])


@_on_round(lambda request: forms.CloseForm(request.POST), gettext_lazy("报价已开启"))
def close(request: HttpRequest, actor: Actor, bidding_round: BiddingRound, form: forms.CloseForm) -> Any:
    return services.round_close(actor=actor, bidding_round=bidding_round)
