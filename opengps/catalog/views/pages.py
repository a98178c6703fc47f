"""The catalogue's pages: the guidance catalogue (everyone; versions managed by finance), one entry
with its prices and history, and the form of a new entry. Each form on them posts to its own URL
(`actions`); a refused action comes back here with its form, errors beside the fields."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_safe

from opengps.accounts.permissions import has_role
from opengps.catalog import forms, selectors, services
from opengps.catalog.models import CatalogItem, CatalogVersion, ItemKind
from opengps.core.errors import NotFound
from opengps.core.timeline import readable

ACTION_LABELS = {
    "catalog.item_added": _l("新增事项"),
    "catalog.item_changed": _l("修改事项"),
    "catalog.item_retired": _l("停用事项"),
    "catalog.item_reinstated": _l("恢复事项"),
    "catalog.item_removed": _l("删除事项"),
    "catalog.price_set": _l("设置参考价格"),
    "catalog.price_changed": _l("修改参考价格"),
    "catalog.price_removed": _l("删除参考价格"),
}
FIELD_LABELS = {
    "code": _l("编码"),
    "name": _l("名称"),
    "parent": _l("上级编码"),
    "kind": _l("类别"),
    "level": _l("层级"),
    "description": _l("事项说明"),
    "citation": _l("依据"),
    "unit_of_service": _l("服务计量单位"),
    "retired": _l("已停用"),
    "unit_of_measure": _l("计量单位"),
    "price": _l("参考价格（元）"),
    "effective_year": _l("执行年度"),
    "note": _l("备注"),
}


def not_found(request: HttpRequest) -> HttpResponse:
    """The 404 page for a version, entry or price the actor cannot see (or, for an edit, cannot edit)."""
    return render(request, "catalog/not_found.html", status=404)


def _editable(request: HttpRequest, version: CatalogVersion) -> bool:
    return has_role(request.user, *services.EDITOR_ROLES) and version.is_editable


# --- the catalogue ---------------------------------------------------------------------------------------


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """指导性目录: the chosen (default: current) version as a tree with prices and the negative list."""
    chosen = request.GET.get("version", "")
    return render_index(request, int(chosen) if chosen.isdecimal() and len(chosen) < 19 else None)


def render_index(
    request: HttpRequest,
    chosen: int | None = None,
    *,
    failed: forms.CatalogForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The catalogue page showing version `chosen` (if visible; else the current one); `failed` is a
    refused management form, shown with its errors in place of the empty one, and the page answers
    with the refusal's `status`."""
    versions = list(selectors.versions_visible(actor=request.user))
    version = next((v for v in versions if v.pk == chosen), None)
    version = version or selectors.current_version() or (versions[0] if versions else None)
    roots, negatives = selectors.version_tree(version) if version else ([], [])
    page_forms: dict[str, forms.CatalogForm] = {
        "create": forms.VersionCreateForm(
            initial={"year": version.year, "based_on": version.pk} if version else {}
        ),
        "import": forms.ImportForm(),
        "publish": forms.PublishForm(),
    }
    if failed is not None:
        page_forms[failed.action] = failed
    return render(
        request,
        "catalog/index.html",
        {
            "versions": versions,
            "version": version,
            "roots": roots,
            "negatives": negatives,
            "departments": list(selectors.department_catalogues(version)) if version else [],
            "can_edit": has_role(request.user, *services.EDITOR_ROLES),
            "editable": version is not None and _editable(request, version),
            "forms": page_forms,
            "failed": failed,
        },
        status=status,
    )


# --- one entry ----------------------------------------------------------------------------------------


def level_of(request: HttpRequest) -> int:
    """The level of a new entry, as the page's link (GET) or its form (POST) names it; 3 by default."""
    chosen = request.POST.get("level") or request.GET.get("level", "")
    return {"1": 1, "2": 2}.get(chosen, 3)


@require_safe
def item_new(request: HttpRequest, version_pk: int) -> HttpResponse:
    """新增目录事项 (a third-level item by default, a second-level category or a negative-list entry):
    the empty form, which posts back to its URL (`actions.item_create`)."""
    try:
        version = selectors.version_get(actor=request.user, pk=version_pk)
    except NotFound:
        return not_found(request)
    level = level_of(request)
    form = forms.ItemForm(
        initial={"level": level, "parent_code": request.GET.get("parent", ""), "negative": level == 1},
        level=level,
        parents=selectors.parent_choices(version, level),
    )
    return render_item_new(request, version, form, level=level)


def render_item_new(
    request: HttpRequest, version: CatalogVersion, form: forms.ItemForm, *, level: int, status: int = 200
) -> HttpResponse:
    """The new entry's form (`form` bound and refused, or empty) of level `level`."""
    return render(
        request,
        "catalog/item_form.html",
        {
            "version": version,
            "item": None,
            "level": level,
            "forms": {"item": form},
            "failed": form if form.is_bound else None,
            "editable": _editable(request, version),
        },
        status=status,
    )


@require_safe
def item_detail(request: HttpRequest, version_pk: int, pk: int) -> HttpResponse:
    """One entry with its reference prices and history; editable by finance while the version is a draft."""
    try:
        version = selectors.version_get(actor=request.user, pk=version_pk)
        item = selectors.item_get(actor=request.user, version=version, pk=pk)
    except NotFound:
        return not_found(request)
    return render_item(request, item)


def render_item(
    request: HttpRequest,
    item: CatalogItem,
    *,
    failed: forms.CatalogForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The entry's page; `failed` is a refused action's bound form, shown with its errors in place of
    the empty one (a price row's in its row), and the page answers with the refusal's `status`."""
    version = item.version
    parents = selectors.parent_choices(version, item.level)
    page_forms: dict[str, forms.CatalogForm] = {
        "item": forms.ItemForm.of(item, parents),
        "status": forms.ReasonForm(),
        "remove": forms.RemoveForm(),
        "price_add": forms.PriceForm.new(item, version),
    }
    rows: list[dict[str, Any]] = [
        {"price": p, "update": forms.PriceUpdateForm.of(p), "remove": forms.PriceRemoveForm(row=p.pk)}
        for p in item.prices.all()
    ]
    if failed is not None and failed.row is None:
        page_forms[failed.action] = failed
    for row in rows:
        if failed is not None and failed.row == row["price"].pk:
            row["update" if isinstance(failed, forms.PriceUpdateForm) else "remove"] = failed
    history = (
        readable(
            selectors.item_history(item),
            actions=ACTION_LABELS,
            fields=FIELD_LABELS,
            choices={"kind": dict(ItemKind.choices)},
        )
        if has_role(request.user, *selectors.DRAFT_READERS)
        else None
    )
    return render(
        request,
        "catalog/item_form.html",
        {
            "version": version,
            "item": item,
            "level": item.level,
            "forms": page_forms,
            "rows": rows,
            "failed": failed,
            "editable": _editable(request, version),
            "history": history,
        },
        status=status,
    )
