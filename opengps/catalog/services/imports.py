"""Whole-content writes: replacing a draft's content, loading a shipped JSON file, importing a workbook."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.permissions import require_role
from opengps.catalog.content import CatalogueContent, catalog_content, content_from_json, validate_content
from opengps.catalog.errors import Code
from opengps.catalog.events import Event
from opengps.catalog.excel import parse_xlsx
from opengps.catalog.models import CatalogVersion
from opengps.catalog.services._common import EDITOR_ROLES, _lock, _require_draft, _write_content
from opengps.catalog.services.versions import catalog_version_create, catalog_version_publish
from opengps.core import audit
from opengps.core.errors import ServiceError

GUIDANCE_2022 = Path(__file__).parent.with_name("data") / "guidance_2022.json"


def _with_year(content: CatalogueContent, year: int) -> CatalogueContent:
    """Prices without an effective year (older files) apply from the version's year."""
    if all(p.effective_year for p in content.prices):
        return content
    return CatalogueContent(
        content.items,
        tuple(p if p.effective_year else replace(p, effective_year=year) for p in content.prices),
    )


def catalog_content_replace(
    *, actor: Actor, version: CatalogVersion, content: CatalogueContent, source: str = ""
) -> bool:
    """Replace a draft's whole content (import). Returns False, writing nothing, when it is unchanged."""
    require_role(actor, *EDITOR_ROLES)
    content = _with_year(content, version.year)
    errors = validate_content(content)
    if errors:
        raise ServiceError(
            Code.CATALOG_CONTENT_INVALID,
            _("目录内容有误：%(first)s") % {"first": errors[0]},
            params={"errors": errors[:50]},
        )
    with transaction.atomic():
        version = _lock(version)
        _require_draft(version)
        before = catalog_content(version)
        if before == content:
            return False
        _write_content(version, content)
        audit.record(
            actor=actor,
            action=Event.CATALOG_CONTENT_REPLACED,
            obj=version,
            old={"items": len(before.items), "prices": len(before.prices)},
            new={"items": len(content.items), "prices": len(content.prices), "source": source},
        )
    return True


def catalog_load_json(*, actor: Actor, path: Path = GUIDANCE_2022, publish: bool = True) -> CatalogVersion:
    """Load a shipped catalogue file as a version (idempotent: an existing version of that title is kept)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    existing = (
        CatalogVersion.objects.filter(year=data["year"], title=data["title"]).order_by("-revision").first()
    )
    if existing is not None:
        return existing
    with transaction.atomic():
        version = catalog_version_create(
            actor=actor,
            year=int(data["year"]),
            title=data["title"],
            issuer=data.get("issuer", ""),
            document_number=data.get("document_number", ""),
        )
        catalog_content_replace(
            actor=actor, version=version, content=content_from_json(data), source=path.name
        )
        if publish:
            version = catalog_version_publish(actor=actor, version=version)
    return version


def catalog_import_xlsx(
    *, actor: Actor, data: bytes, version: CatalogVersion | None = None
) -> tuple[CatalogVersion, bool]:
    """Import a workbook into a draft (`version`) or into a new draft version named by the workbook.

    Returns the version and whether its content changed (importing an unchanged export changes nothing).
    """
    require_role(actor, *EDITOR_ROLES)
    meta, content = parse_xlsx(data)
    with transaction.atomic():
        if version is None:
            year = meta.get("年度", "")
            if not year.isdecimal():
                raise ServiceError(Code.CATALOG_WORKBOOK_INVALID, _("工作表“版本”缺少年度"), field="file")
            version = catalog_version_create(
                actor=actor,
                year=int(year),
                title=meta.get("名称", "") or str(_("导入的目录")),
                issuer=meta.get("发布机关", ""),
                document_number=meta.get("文号", ""),
            )
        changed = catalog_content_replace(actor=actor, version=version, content=content, source="xlsx")
    return version, changed
