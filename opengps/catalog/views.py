"""Catalogue pages: the published guidance catalogue for everyone; version management for finance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opengps.accounts.permissions import has_role
from opengps.catalog import selectors, services
from opengps.core.errors import ServiceError


def index(request: HttpRequest) -> HttpResponse:
    """指导性目录: the chosen (default: current) version as a tree with prices and the negative list."""
    versions = list(selectors.versions_visible(actor=request.user))
    chosen = request.GET.get("version", "")
    version = None
    if chosen.isdigit():
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
                actor=request.user,
                year=int(request.POST.get("year") or 0),
                title=request.POST.get("title", ""),
                based_on=selectors.version_get(actor=request.user, pk=int(based))
                if based.isdigit()
                else None,
            )
            messages.success(request, _("已新建草稿版本"))
        elif action == "import":
            upload = request.FILES.get("file")
            if upload is None:
                raise ServiceError("catalog.file_required", _("请选择文件"), field="file")
            target = request.POST.get("version", "")
            version, changed = services.catalog_import_xlsx(
                actor=request.user,
                data=upload.read(),
                version=selectors.version_get(actor=request.user, pk=int(target))
                if target.isdigit()
                else None,
            )
            messages.success(request, _("已导入") if changed else _("导入的内容与现有内容相同，未作改动"))
            return redirect(f"{reverse('catalog:index')}?version={version.pk}")
        elif action == "publish":
            version = selectors.version_get(actor=request.user, pk=int(request.POST.get("version") or 0))
            services.catalog_version_publish(actor=request.user, version=version)
            messages.success(request, _("目录已发布"))
        else:
            messages.error(request, _("未知操作"))
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    except ValueError:
        messages.error(request, _("输入有误"))
    return redirect("catalog:index")
