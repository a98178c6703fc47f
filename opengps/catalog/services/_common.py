"""Helpers the catalogue services share: who may edit, the version's status, locks, writing content."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import Actor
from opengps.accounts.models import Role
from opengps.catalog.content import CatalogueContent
from opengps.catalog.errors import Code
from opengps.catalog.models import CatalogItem, CatalogVersion, PriceEntry, VersionStatus
from opengps.core.errors import Conflict
from opengps.core.status import status_check, status_set
from opengps.rules.workflow import check_transition

EDITOR_ROLES = (Role.FINANCE, Role.ADMIN)


VERSION_STATE_REFUSED = _("目录“%(version)s”当前状态（%(status)s）不能执行此操作")
"""The refusal of a version's status change its table does not allow."""


def _check(current: str, target: str) -> None:
    check_transition("catalog_version", current, target)


def _transition(version: CatalogVersion, target: str) -> None:
    status_check(
        version, target, check=_check, message=VERSION_STATE_REFUSED, message_params={"version": version}
    )


def _set_status(
    actor: Actor,
    version: CatalogVersion,
    target: str,
    action: str,
    *,
    values: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Move the version to `target` by its table, save `values` with it and audit `action`."""
    status_set(
        version,
        target,
        actor=actor,
        action=action,
        check=_check,
        values=values,
        extra=extra,
        message=VERSION_STATE_REFUSED,
        message_params={"version": version},
    )


def _require_draft(version: CatalogVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise Conflict(Code.CATALOG_VERSION_PUBLISHED, field="version", params={"version": version})


def _lock(version: CatalogVersion) -> CatalogVersion:
    return CatalogVersion.objects.select_for_update().get(pk=version.pk)


def _write_content(version: CatalogVersion, content: CatalogueContent) -> None:
    """Replace the draft's rows with `content` (already validated)."""
    version.items.all().delete()  # prices and children cascade
    by_code: dict[str, CatalogItem] = {}
    for position, row in enumerate(content.items, 1):
        by_code[row.code] = CatalogItem.objects.create(
            version=version,
            code=row.code,
            name=row.name,
            level=row.level,
            kind=row.kind,
            parent=by_code.get(row.parent_code),
            description=row.description,
            citation=row.citation,
            unit_of_service=row.unit_of_service,
            retired=row.retired,
            position=position,
        )
    PriceEntry.objects.bulk_create(
        PriceEntry(
            item=by_code[p.item_code],
            unit_of_measure=p.unit_of_measure,
            price=p.price,
            effective_year=p.effective_year or version.year,
            note=p.note,
        )
        for p in content.prices
    )
