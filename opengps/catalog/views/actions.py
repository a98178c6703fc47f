"""The catalogue's actions, one URL each (STYLE 14): a form parses the POST, a selector scoped to the
actor fetches the version, entry or price (404 for anyone who does not edit the catalogue), one
service acts.

A refusal re-renders the page the form was on (the catalogue, or the entry's page) with the error
beside its field and the refusal's status (400, 403, 404, 409); success redirects with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from opengps.accounts.actors import Actor, Viewer, signed_in_user
from opengps.catalog import forms, selectors, services
from opengps.catalog.models import CatalogItem, CatalogVersion, PriceEntry
from opengps.catalog.viewkit import submitted
from opengps.catalog.views import pages
from opengps.core.errors import NotFound
from opengps.core.views import View, one_action, read_through

ITEM = ("version_pk", "pk")
"""The URL kwargs naming an entry: its version's and its own."""


def _to_version(version: CatalogVersion) -> HttpResponse:
    return redirect(f"{reverse('catalog:index')}?version={version.pk}")


def _to_item(item: CatalogItem) -> HttpResponse:
    return redirect("catalog:item", version_pk=item.version_id, pk=item.pk)


def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return pages.not_found(request)


# --- versions: the management forms of the catalogue page -------------------------------------------


def _version_outcome(
    request: HttpRequest,
    form: forms.CatalogForm,
    call: Callable[[], tuple[CatalogVersion, str]],
    *,
    shown: int | None,
) -> HttpResponse:
    """Run `call` (one service; the version to show and the message) if the form is valid; a refusal
    re-renders the catalogue page, showing version `shown`, with the form's errors."""
    return submitted(
        request,
        form,
        call,
        page=lambda status: pages.render_index(request, shown, failed=form, status=status),
        done=lambda result: result[1],
        then=lambda result: _to_version(result[0]),
    )


@require_POST
@login_required
def version_create(request: HttpRequest) -> HttpResponse:
    """新建草稿: a new draft version, a copy of the version on screen when the form names it."""
    actor = signed_in_user(request)
    form = forms.VersionCreateForm(request.POST)

    def act() -> tuple[CatalogVersion, str]:
        data = form.cleaned_data
        based = selectors.version_get(actor=actor, pk=data["based_on"]) if data["based_on"] else None
        version = services.catalog_version_create(
            actor=actor, year=data["year"] or 0, title=data["title"], based_on=based
        )
        return version, _("已新建草稿版本“%(title)s”") % {"title": version.title}

    form.is_valid()  # the page shown again after a refusal is the version the draft was to copy
    return _version_outcome(request, form, act, shown=form.cleaned_data.get("based_on"))


@require_POST
@login_required
def version_import(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """导入 Excel: a workbook into the draft `pk` (as `selectors.version_edited_by` reads it for the
    editor), or (without `pk`) as a new draft version."""
    if pk is None:
        return _import(request, None)
    return _import_into(request, pk=pk)


@read_through(selectors.version_edited_by, "pk", not_found=_not_found)
def _import_into(request: HttpRequest, into: CatalogVersion) -> HttpResponse:
    return _import(request, into)


def _import(request: HttpRequest, into: CatalogVersion | None) -> HttpResponse:
    actor = signed_in_user(request)
    form = forms.ImportForm(request.POST, request.FILES)

    def act() -> tuple[CatalogVersion, str]:
        upload = form.cleaned_data["file"]
        version, changed = services.catalog_import_xlsx(actor=actor, data=upload.read(), version=into)
        return version, _("已导入") if changed else _("导入的内容与现有内容相同，未作改动")

    return _version_outcome(request, form, act, shown=into.pk if into is not None else None)


@require_POST
@login_required
@read_through(selectors.version_edited_by, "pk", not_found=_not_found)
def version_publish(request: HttpRequest, version: CatalogVersion) -> HttpResponse:
    """发布: the draft `pk` becomes the catalogue in force (an earlier one of its year is superseded)."""
    actor = signed_in_user(request)
    form = forms.PublishForm(request.POST)

    def act() -> tuple[CatalogVersion, str]:
        published = services.catalog_version_publish(actor=actor, version=version)
        return published, _("目录“%(title)s”已发布") % {"title": published.title}

    return _version_outcome(request, form, act, shown=version.pk)


# --- one entry of a draft, and its prices -----------------------------------------------------------

ItemAct = Callable[[Actor, CatalogItem, Any], Any]
PriceAct = Callable[[Actor, PriceEntry, Any], Any]


def _item_outcome(
    request: HttpRequest,
    item: CatalogItem,
    form: forms.CatalogForm,
    call: Callable[[], Any],
    done: Promise | str,
    *,
    then: HttpResponse | None = None,
) -> HttpResponse:
    """Run `call` (one service) if the form is valid; a refusal re-renders the entry's page with the
    form's errors, success goes to `then` (default: back to the entry's page)."""
    return submitted(
        request,
        form,
        call,
        page=lambda status: pages.render_item(request, item, failed=form, status=status),
        done=lambda result: done,
        then=lambda result: then or _to_item(item),
    )


def _on_entry(
    scope: Callable[..., Any],
    form: Callable[[HttpRequest, Any], forms.CatalogForm],
    item_of: Callable[[Any], CatalogItem],
    done: Promise,
) -> Callable[[Callable[[Actor, Any, Any], Any]], View]:
    """Make `act` (one service call with the valid form) the view of an action on what `scope`
    fetches for the editor (an entry, or one of its prices: `item_of` names its entry), by
    `one_action`: a refusal re-renders the entry's page with the form's errors, success goes back to it."""
    decorate = one_action(
        actor=signed_in_user,
        scope=scope,
        form=form,
        page=lambda request, obj, failed, status: pages.render_item(
            request, item_of(obj), failed=failed, status=status
        ),
        done=done,
        success=lambda obj, result: _to_item(item_of(obj)),
        not_found=_not_found,
    )

    def wrap(act: Callable[[Actor, Any, Any], Any]) -> View:
        @wraps(act)
        def call(request: HttpRequest, actor: Actor, obj: Any, posted: forms.CatalogForm) -> Any:
            return act(actor, obj, posted)

        return decorate(call)

    return wrap


def item_action(form_class: type[forms.CatalogForm], done: Promise) -> Callable[[ItemAct], View]:
    """Make `act` (one service call with the valid form) the view of an action on one entry."""
    return _on_entry(
        selectors.item_edited_by, lambda request, item: form_class(request.POST), lambda item: item, done
    )


def _price_edited_by(*, actor: Actor, version_pk: int, pk: int, price_pk: int) -> PriceEntry:
    """A reference price of an entry the actor edits; NotFound for anyone else, or another entry's price."""
    item = selectors.item_edited_by(actor=actor, version_pk=version_pk, pk=pk)
    return selectors.price_edited_by(actor=actor, item=item, pk=price_pk)


def price_action(form_class: type[forms.CatalogForm], done: Promise) -> Callable[[PriceAct], View]:
    """Make `act` (one service call with the valid form) the view of an action on one reference price."""
    return _on_entry(
        _price_edited_by,
        lambda request, entry: form_class(request.POST, row=entry.pk),
        lambda entry: entry.item,
        done,
    )


def item_new(request: HttpRequest, version_pk: int) -> HttpResponse:
    """The new entry's URL: its form (GET, `pages.item_new`) and its action (POST, `item_create`)."""
    if request.method == "POST":
        return item_create(request, version_pk=version_pk)
    return pages.item_new(request, version_pk)


def _version_under(*, actor: Viewer, version_pk: int) -> CatalogVersion:
    """The draft whose entries the URL's `version_pk` names, as `selectors.version_edited_by`."""
    return selectors.version_edited_by(actor=actor, pk=version_pk)


@require_POST
@login_required
@read_through(_version_under, "version_pk", not_found=_not_found)
def item_create(request: HttpRequest, version: CatalogVersion) -> HttpResponse:
    """新增: an entry of the draft `version_pk`, under the parent the form names."""
    actor = signed_in_user(request)
    level = pages.level_of(request)
    form = forms.ItemForm(request.POST, level=level, parents=selectors.parent_choices(version, level))
    return submitted(
        request,
        form,
        lambda: services.catalog_item_create(actor=actor, version=version, **form.service_kwargs(level)),
        page=lambda status: pages.render_item_new(request, version, form, level=level, status=status),
        done=lambda item: _("已新增目录事项“%(name)s”") % {"name": item.name},
        then=_to_item,
    )


@require_POST
@login_required
@read_through(selectors.item_edited_by, ITEM, not_found=_not_found)
def item_update(request: HttpRequest, item: CatalogItem) -> HttpResponse:
    """保存修改: the entry's code, name, parent, description, unit of service and negative-list flag."""
    actor = signed_in_user(request)
    parents = selectors.parent_choices(item.version, item.level)
    form = forms.ItemForm(request.POST, level=item.level, parents=parents)
    return _item_outcome(
        request,
        item,
        form,
        lambda: services.catalog_item_update(actor=actor, item=item, **form.service_kwargs(item.level)),
        _l("事项修改已保存"),
    )


@item_action(forms.ReasonForm, _l("事项已停用"))
def item_retire(actor: Actor, item: CatalogItem, form: forms.ReasonForm) -> Any:
    return services.catalog_item_retire(actor=actor, item=item, reason=form.cleaned_data["reason"])


@item_action(forms.ReasonForm, _l("事项已恢复"))
def item_reinstate(actor: Actor, item: CatalogItem, form: forms.ReasonForm) -> Any:
    return services.catalog_item_reinstate(actor=actor, item=item, reason=form.cleaned_data["reason"])


@require_POST
@login_required
@read_through(selectors.item_edited_by, ITEM, not_found=_not_found)
def item_remove(request: HttpRequest, item: CatalogItem) -> HttpResponse:
    """删除: an entry added by mistake; back to the catalogue, the entry being gone."""
    actor = signed_in_user(request)
    return _item_outcome(
        request,
        item,
        forms.RemoveForm(request.POST),
        lambda: services.catalog_item_remove(actor=actor, item=item),
        _("事项“%(name)s”已删除") % {"name": item.name},
        then=_to_version(item.version),
    )


@item_action(forms.PriceForm, _l("参考价格已保存"))
def price_add(actor: Actor, item: CatalogItem, form: forms.PriceForm) -> Any:
    return services.catalog_price_set(actor=actor, item=item, **form.service_kwargs())


@price_action(forms.PriceUpdateForm, _l("参考价格已修改"))
def price_update(actor: Actor, entry: PriceEntry, form: forms.PriceUpdateForm) -> Any:
    return services.catalog_price_update(actor=actor, entry=entry, **form.service_kwargs())


@price_action(forms.PriceRemoveForm, _l("参考价格已删除"))
def price_remove(actor: Actor, entry: PriceEntry, form: forms.PriceRemoveForm) -> Any:
    return services.catalog_price_remove(actor=actor, entry=entry)
