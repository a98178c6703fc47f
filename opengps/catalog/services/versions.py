"""Versions of the guidance catalogue: a new draft (optionally a copy of another) and its publication."""

from __future__ import annotations

from django.db import transaction

from opengps.accounts.actors import Actor
from opengps.accounts.permissions import require_role
from opengps.catalog.content import catalog_content, validate_content
from opengps.catalog.errors import Code
from opengps.catalog.events import Event
from opengps.catalog.models import CatalogVersion, ItemKind, VersionStatus
from opengps.catalog.services._common import EDITOR_ROLES, _lock, _set_status, _transition, _write_content
from opengps.core import audit, clock
from opengps.core.errors import ServiceError


def catalog_version_create(
    *,
    actor: Actor,
    year: int,
    title: str,
    issuer: str = "",
    document_number: str = "",
    based_on: CatalogVersion | None = None,
) -> CatalogVersion:
    """A new draft version of `year`; with `based_on`, a copy of that version's content to edit."""
    require_role(actor, *EDITOR_ROLES)
    if not 2000 <= year <= 2100:
        raise ServiceError(Code.CATALOG_YEAR_INVALID, field="year")
    if not title.strip():
        raise ServiceError(Code.CATALOG_TITLE_REQUIRED, field="title")
    with transaction.atomic():
        last = CatalogVersion.objects.select_for_update().filter(year=year).order_by("-revision").first()
        version = CatalogVersion.objects.create(
            year=year,
            revision=(last.revision + 1) if last else 1,
            title=title.strip(),
            issuer=issuer,
            document_number=document_number,
            based_on=based_on,
        )
        if based_on is not None:
            _write_content(version, catalog_content(based_on))
        audit.record(
            actor=actor,
            action=Event.CATALOG_VERSION_CREATED,
            obj=version,
            new={"year": year, "revision": version.revision, "title": version.title, "based_on": based_on},
        )
    return version


def catalog_version_publish(*, actor: Actor, version: CatalogVersion) -> CatalogVersion:
    """Publish a draft; an earlier published version of the same year becomes superseded."""
    require_role(actor, *EDITOR_ROLES)
    with transaction.atomic():
        version = _lock(version)
        _transition(version, VersionStatus.PUBLISHED)
        content = catalog_content(version)
        if not any(row.level == 3 and row.kind == ItemKind.ITEM and not row.retired for row in content.items):
            raise ServiceError(Code.CATALOG_EMPTY)
        errors = validate_content(content)
        if errors:
            raise ServiceError(Code.CATALOG_CONTENT_INVALID, errors[0], params={"errors": errors[:50]})
        for older in CatalogVersion.objects.select_for_update().filter(
            year=version.year, status=VersionStatus.PUBLISHED
        ):
            _set_status(
                actor,
                older,
                VersionStatus.SUPERSEDED,
                Event.CATALOG_VERSION_SUPERSEDED,
                extra={"by": version},
            )
        _set_status(
            actor,
            version,
            VersionStatus.PUBLISHED,
            Event.CATALOG_VERSION_PUBLISHED,
            values={"published_at": clock.now(), "published_by": actor},
            extra={"items": len(content.items), "prices": len(content.prices)},
        )
    return version
