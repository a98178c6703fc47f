"""Catalogue pages: the published guidance catalogue for everyone; versions, items and prices for finance."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from opengps.accounts.actors import signed_in_user
from opengps.accounts.permissions import has_role
from opengps.catalog import selectors, services
from opengps.catalog.errors import Code
from opengps.catalog.models import CatalogItem, CatalogVersion, ItemKind
from opengps.core.errors import ServiceError
from opengps.core.inputs import BIGINT_MAX, parse_int
from opengps.core.timeline import readable


def index(request: HttpRequest) -> HttpResponse:
    """指导性目录: the chosen (default: current) version as a tree with prices and the negative list."""
    versions = list(selectors.versions_visible(actor=request.user))
    chosen = request.GET.get("version", "")
    version = None
    if chosen.isdecimal():
        version = next((v for v in versions if v.pk == int(chosen)), None)
    version = version or selectors.current_version() or (versions[0] if versions else None)
    roots, negatives = selectors.version_tree(version) if version else ([], [])
    departments = list(selectors.department_catalogues(version)) if version else []
    return render(
        request,
        "catalog/index.html",
        {
            "versions": versions,
            "version": version,
            "roots": roots,
            "negatives": negatives,
            "departments": departments,
            "can_edit": has_role(request.user, *services.EDITOR_ROLES),
            "editable": version is not None and _editable(request, version),
        },
    )


@login_required
@require_POST
def manage(request: HttpRequest) -> HttpResponse:
    """Finance actions on versions: new draft, import a workbook, publish."""
    action = request.POST.get("action", "")
    try:
        if action == "create":
            based = request.POST.get("based_on", "")
            services.catalog_version_create(
                actor=signed_in_user(request),
                year=int(request.POST.get("year") or 0),
                title=request.POST.get("title", ""),
                based_on=selectors.version_get(actor=request.user, pk=int(based))
                if based.isdecimal()
                else None,
            )
            messages.success(request, _("已新建草稿版本"))
        elif action == "import":
            upload = request.FILES.get("file")
            if upload is None:
                raise ServiceError(Code.CATALOG_FILE_REQUIRED, field="file")
            target = request.POST.get("version", "")
            version, changed = services.catalog_import_xlsx(
                actor=signed_in_user(request),
                data=upload.read(),
                version=selectors.version_get(actor=request.user, pk=int(target))
                if target.isdecimal()
                else None,
            )
            messages.success(request, _("已导入") if changed else _("导入的内容与现有内容相同，未作改动"))
            return redirect(f"{reverse('catalog:index')}?version={version.pk}")
        elif action == "publish":
            version = selectors.version_get(actor=request.user, pk=int(request.POST.get("version") or 0))
            services.catalog_version_publish(actor=signed_in_user(request), version=version)
            messages.success(request, _("目录已发布"))
        else:
            messages.error(request, _("未知操作"))
    except ServiceError as exc:
        messages.error(request, exc.text())
    except ValueError:
        messages.error(request, _("输入有误"))
    return redirect("catalog:index")


# --- editing items and prices (finance department, draft versions) ------------------------------------

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


ITEM_FIELDS = ["code", "name", "parent_code", "negative"]
PRICE_FIELDS = ["unit_of_measure", "price", "effective_year"]


def _year(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdecimal():
        raise ServiceError(Code.CATALOG_PRICE_YEAR_INVALID, _("执行年度应为四位年份"), field="effective_year")
    return int(value)


def _item_form_values(item: CatalogItem | None, post: QueryDict | None) -> dict[str, Any]:
    if post is not None:
        return {
            "code": post.get("code", ""),
            "name": post.get("name", ""),
            "parent_code": post.get("parent_code", ""),
            "description": post.get("description", ""),
            "citation": post.get("citation", ""),
            "unit_of_service": post.get("unit_of_service", ""),
            "negative": post.get("negative") == "on",
        }
    if item is None:
        return {"negative": False}
    return {
        "code": item.code,
        "name": item.name,
        "parent_code": item.parent.code if item.parent else "",
        "description": item.description,
        "citation": item.citation,
        "unit_of_service": item.unit_of_service,
        "negative": item.is_negative,
    }


def _editable(request: HttpRequest, version: CatalogVersion) -> bool:
    return has_role(request.user, *services.EDITOR_ROLES) and version.is_editable


def item_new(request: HttpRequest, version_pk: int) -> HttpResponse:
    """新增目录事项: a third-level item (default), a second-level category or a negative-list entry."""
    try:
        version = selectors.version_get(actor=request.user, pk=version_pk)
    except ServiceError as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    chosen = request.POST.get("level") or request.GET.get("level", "")
    level = {"1": 1, "2": 2}.get(chosen, 3)
    error: ServiceError | None = None
    if request.method == "POST":
        post = request.POST
        try:
            item = services.catalog_item_create(
                actor=signed_in_user(request),
                version=version,
                code=post.get("code", ""),
                name=post.get("name", ""),
                parent_code=post.get("parent_code", ""),
                negative=post.get("negative") == "on",
                description=post.get("description", ""),
                citation=post.get("citation", ""),
                unit_of_service=post.get("unit_of_service", ""),
            )
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, _("已新增目录事项“%(name)s”") % {"name": item.name})
            return redirect("catalog:item", version_pk=version.pk, pk=item.pk)
    values = _item_form_values(None, request.POST if request.method == "POST" else None)
    values.setdefault("parent_code", request.GET.get("parent", ""))
    if level == 1 and request.method != "POST":
        values["negative"] = True
    return render(
        request,
        "catalog/item_form.html",
        {
            "version": version,
            "item": None,
            "level": level,
            "values": values,
            "error": error,
            "item_error": error,
            "item_fields": ITEM_FIELDS,
            "editable": _editable(request, version),
            "parents": selectors.parent_choices(version, level),
        },
        status=error.status if error else 200,
    )


def _price_input(post: QueryDict) -> dict[str, Any]:
    """The price form's fields as the price services take them (the year as entered, or None)."""
    return {
        "unit_of_measure": post.get("unit_of_measure", ""),
        "price": post.get("price_amount", ""),
        "effective_year": _year(post.get("effective_year", "")),
        "note": post.get("note", ""),
    }


def _item_act(post: QueryDict, user: Any, item: CatalogItem, action: str) -> str:
    """Run one POSTed action on an entry or one of its prices; the success message, or ServiceError."""
    price = (
        item.prices.filter(pk=parse_int(post.get("price"), field="price", high=BIGINT_MAX)).first()
        if post.get("price")
        else None
    )
    if action == "update":
        services.catalog_item_update(
            actor=user,
            item=item,
            code=post.get("code", ""),
            name=post.get("name", ""),
            parent_code=post.get("parent_code", "") if item.level > 1 else None,
            negative=post.get("negative") == "on" if item.level != 2 else None,
            description=post.get("description", ""),
            citation=post.get("citation", ""),
            unit_of_service=post.get("unit_of_service", ""),
        )
        return _("已保存")
    if action == "retire":
        services.catalog_item_retire(actor=user, item=item, reason=post.get("reason", ""))
        return _("事项已停用")
    if action == "reinstate":
        services.catalog_item_reinstate(actor=user, item=item, reason=post.get("reason", ""))
        return _("事项已恢复")
    if action == "remove":
        services.catalog_item_remove(actor=user, item=item)
        return _("事项已删除")
    if action == "price_add":
        services.catalog_price_set(actor=user, item=item, **_price_input(post))
        return _("参考价格已保存")
    if action == "price_update" and price is not None:
        fields = _price_input(post)
        fields["effective_year"] = fields["effective_year"] or 0
        services.catalog_price_update(actor=user, entry=price, **fields)
        return _("参考价格已保存")
    if action == "price_remove" and price is not None:
        services.catalog_price_remove(actor=user, entry=price)
        return _("参考价格已删除")
    raise ServiceError(Code.REQUEST_UNKNOWN_ACTION)


def item_detail(request: HttpRequest, version_pk: int, pk: int) -> HttpResponse:
    """One entry with its reference prices and history; editable by finance while the version is a draft."""
    try:
        version = selectors.version_get(actor=request.user, pk=version_pk)
        item = selectors.item_get(actor=request.user, version=version, pk=pk)
    except ServiceError as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    error: ServiceError | None = None
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        try:
            done = _item_act(request.POST, request.user, item, action)
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, done)
            if action == "remove":
                return redirect(f"{reverse('catalog:index')}?version={version.pk}")
            return redirect("catalog:item", version_pk=version.pk, pk=item.pk)
        item = selectors.item_get(actor=request.user, version=version, pk=pk)
    values = _item_form_values(item, request.POST if action == "update" else None)
    return render(
        request,
        "catalog/item_form.html",
        {
            "version": version,
            "item": item,
            "level": item.level,
            "values": values,
            "error": error,
            "item_error": error if action in ("update", "remove") else None,
            "status_error": error if action in ("retire", "reinstate") else None,
            "price_error": error if action == "price_add" else None,
            "item_fields": ITEM_FIELDS,
            "price_fields": PRICE_FIELDS,
            "price_row_error": error if action in ("price_update", "price_remove") else None,
            "error_price_id": request.POST.get("price", "") if error else "",
            "price_post": request.POST if action == "price_add" and error else {},
            "editable": _editable(request, version),
            "can_edit_catalogue": has_role(request.user, *services.EDITOR_ROLES),
            "parents": selectors.parent_choices(version, item.level),
            "prices": list(item.prices.all()),
            "history": readable(
                selectors.item_history(item),
                actions=ACTION_LABELS,
                fields=FIELD_LABELS,
                choices={"kind": dict(ItemKind.choices)},
            )
            if has_role(request.user, *selectors.DRAFT_READERS)
            else None,
        },
        status=error.status if error else 200,
    )
