"""开放数据 API (public, no authentication): OCDS 1.1 release and record packages, the change
feed and bulk downloads. JSON keeps Chinese readable (``ensure_ascii=False``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.http import content_disposition_header
from ninja import Router, Schema

from opengps.core.api_errors import ErrorOut
from opengps.opendata import selectors
from opengps.opendata.storage import exports_storage

router = Router(tags=["opendata"])
JSON = "application/json; charset=utf-8"
FEED_CURSOR_HEADER = "OpenGPS-Feed-Cursor"
ZIP = "application/zip"
SIGNED_URL_SECONDS = 300


class DownloadOut(Schema):
    year: int
    name: str
    records: int
    releases: int
    size: int
    sha256: str
    url: str


def _json(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type=JSON)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@router.get("/releases", auth=None, url_name="opendata_feed")
def feed(request: HttpRequest, after: int = 0, limit: int = 100) -> HttpResponse:
    """The change feed: releases with position > `after`, oldest first, as a release package.

    Paging is in the HTTP headers, so the body is a plain OCDS 1.1.5 package (its schema declares no
    ``links``): ``Link: <…>; rel="next"`` (RFC 8288) while more releases follow — the last page (the
    current end) has none, so a client that follows it until it disappears stops — and
    ``OpenGPS-Feed-Cursor``, the position to resume from later with ``after=<cursor>``. Positions
    become visible strictly in order, so that never misses a release, even one whose transaction
    committed late.
    """
    page = selectors.feed_page(after=after, limit=limit)
    base = request.build_absolute_uri(reverse("api:opendata_feed"))
    response = _json(selectors.feed_package(page, uri=f"{base}?after={page.after}&limit={limit}"))
    if page.has_more:
        response["Link"] = f'<{base}?after={page.next_after}&limit={limit}>; rel="next"'
    response[FEED_CURSOR_HEADER] = str(page.next_after)
    response["Access-Control-Expose-Headers"] = f"Link, {FEED_CURSOR_HEADER}"
    return response


@router.get("/releases/{ocid}", response={200: Any, 404: ErrorOut}, auth=None, url_name="opendata_releases")
def releases(request: HttpRequest, ocid: str) -> HttpResponse:
    """Every release of one contracting process, as an OCDS release package."""
    return _json(selectors.release_package(ocid=ocid, uri=request.build_absolute_uri()))


@router.get("/records/{ocid}", response={200: Any, 404: ErrorOut}, auth=None, url_name="opendata_record")
def record(request: HttpRequest, ocid: str) -> HttpResponse:
    """The record of one contracting process (releases + compiled release), as a record package."""
    return _json(selectors.record_package(ocid=ocid, uri=request.build_absolute_uri()))


@router.get("/downloads", response=list[DownloadOut], auth=None)
def downloads(request: HttpRequest) -> list[dict[str, Any]]:
    """Bulk downloads of the latest export: one zip per year (records.jsonl, releases.jsonl)."""
    job = selectors.export_latest()
    return [
        {
            **entry,
            "url": request.build_absolute_uri(
                reverse("api:opendata_download", kwargs={"year": entry["year"]})
            ),
        }
        for entry in (job.files if job else [])
    ]


@router.get(
    "/downloads/{year}.zip",
    response={200: Any, 404: ErrorOut},
    auth=None,
    url_name="opendata_download",
)
def download(request: HttpRequest, year: int) -> HttpResponseBase:
    """One year's zip, streamed from the "exports" storage — or, with object storage and
    OPENGPS_STORAGE_S3_REDIRECT_DOWNLOADS, a redirect to a signed URL that the store answers with
    the same file name and type."""
    name, entry = selectors.export_file(year)
    filename = str(entry["name"])
    storage = exports_storage()
    if settings.OPENGPS_STORAGE_S3_REDIRECT_DOWNLOADS:
        disposition = content_disposition_header(as_attachment=True, filename=filename)
        parameters = {"ResponseContentDisposition": disposition, "ResponseContentType": ZIP}
        return HttpResponseRedirect(storage.url(name, parameters=parameters, expire=SIGNED_URL_SECONDS))  # type: ignore[call-arg]
    return FileResponse(storage.open(name, "rb"), as_attachment=True, filename=filename, content_type=ZIP)
