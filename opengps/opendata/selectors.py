"""Reads of open data: release and record packages, the change feed, finished exports.

Packages are assembled from the stored release text (spliced, not re-encoded), so a package is
byte-for-byte the releases that were published.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

from opengps.core import clock
from opengps.core.errors import NotFound
from opengps.opendata import builders, ocds
from opengps.opendata.errors import Code
from opengps.opendata.models import ExportJob, Record, Release
from opengps.opendata.storage import exports_storage

PUBLISHER_NAME = "湖南省政府购买服务平台（OpenGPS）"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
FEED_LIMIT_MAX = 1000


def license_url() -> str:
    return str(getattr(settings, "OPENGPS_OCDS_LICENSE", "") or DEFAULT_LICENSE)


def package_header(*, uri: str, published: datetime | None) -> dict[str, Any]:
    """The metadata every package carries (publisher, licence, extensions, version)."""
    base = builders.public_base_url()
    return {
        "uri": uri,
        "version": ocds.VERSION,
        "extensions": list(ocds.EXTENSIONS),
        "publishedDate": ocds.date_text(published or clock.local_now()),
        "publisher": {"name": PUBLISHER_NAME, "uri": f"{base}/"},
        "license": license_url(),
        "publicationPolicy": f"{base}/opendata/",
    }


def _splice(header: dict[str, Any], key: str, items: list[str], extra: dict[str, Any] | None = None) -> str:
    body = ocds.dumps({**header, **(extra or {})})
    return f'{body[:-1]},"{key}":[{",".join(items)}]}}'


def releases_of(ocid: str) -> list[Release]:
    releases = list(Release.objects.filter(ocid=ocid).order_by("position"))
    if not releases:
        raise NotFound(Code.OPENDATA_OCID_NOT_FOUND)
    return releases


def release_package(*, ocid: str, uri: str) -> str:
    """Every release of one contracting process, oldest first, as a release package."""
    releases = releases_of(ocid)
    return _splice(
        package_header(uri=uri, published=releases[-1].date), "releases", [r.payload for r in releases]
    )


def record_package(*, ocid: str, uri: str) -> str:
    """The record of one contracting process: its releases (embedded) and the compiled release."""
    releases = releases_of(ocid)
    record = Record.objects.get(ocid=ocid)
    body = (
        f'{{"ocid":{ocds.dumps(ocid)},"releases":[{",".join(r.payload for r in releases)}],'
        f'"compiledRelease":{record.compiled}}}'
    )
    return _splice(package_header(uri=uri, published=releases[-1].date), "records", [body])


@dataclass(frozen=True)
class FeedPage:
    """One page of the change feed: releases after `after`, the cursor to resume from, and whether
    more releases already follow (only then does the page link a next one)."""

    releases: list[Release]
    after: int
    next_after: int
    has_more: bool = False


def feed_page(*, after: int = 0, limit: int = 100) -> FeedPage:
    """Releases with position > `after`, in position order (see services: positions commit in order)."""
    limit = max(1, min(limit, FEED_LIMIT_MAX))
    rows = list(Release.objects.filter(position__gt=max(after, 0)).order_by("position")[: limit + 1])
    releases = rows[:limit]
    return FeedPage(releases, after, releases[-1].position if releases else max(after, 0), len(rows) > limit)


def feed_package(page: FeedPage, *, uri: str) -> str:
    """The feed page as a plain OCDS 1.1.5 release package: no field the package schema does not
    declare (the next page and the resume cursor travel in HTTP headers, see `api.feed`)."""
    published = page.releases[-1].date if page.releases else None
    header = package_header(uri=uri, published=published)
    return _splice(header, "releases", [r.payload for r in page.releases])


def export_latest() -> ExportJob | None:
    return ExportJob.objects.filter(status=ExportJob.Status.SUCCEEDED).order_by("-finished_at", "-pk").first()


def export_jobs_recent(limit: int = 5) -> list[ExportJob]:
    return list(ExportJob.objects.order_by("-created_at", "-pk")[:limit])


def export_name(job: ExportJob, file_name: str) -> str:
    """The name, in the "exports" storage, of one bulk file of an export job."""
    return f"job-{job.pk}/{file_name}"


def export_file(year: int) -> tuple[str, dict[str, Any]]:
    """The storage name and listing entry of `year`'s zip from the latest finished export."""
    job = export_latest()
    entry = next((f for f in (job.files if job else []) if f.get("year") == year), None)
    if job is None or entry is None:
        raise NotFound(Code.OPENDATA_DOWNLOAD_NOT_FOUND)
    name = export_name(job, str(entry["name"]))
    if not exports_storage().exists(name):
        raise NotFound(Code.OPENDATA_DOWNLOAD_NOT_FOUND)
    return name, entry


def stats() -> dict[str, int]:
    return {
        "releases": Release.objects.count(),
        "records": Record.objects.count(),
        "last_position": Release.objects.order_by("-position").values_list("position", flat=True).first()
        or 0,
    }


def iter_feed(after: int = 0, batch: int = 500) -> Iterator[Release]:
    """Follow the feed to its current end (tests, tools)."""
    while True:
        page = feed_page(after=after, limit=batch)
        if not page.releases:
            return
        yield from page.releases
        after = page.next_after
