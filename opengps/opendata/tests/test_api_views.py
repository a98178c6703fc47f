"""Open-data API and pages: packages by ocid, 404s, backfill, bulk export with progress, downloads."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from opengps.core.errors import PermissionDenied
from opengps.core.models import AuditEvent
from opengps.demo.testdata import schema_errors
from opengps.opendata import builders, ocds, selectors, services
from opengps.opendata.models import ExportJob, Record, Release
from opengps.procurement.models import Procurement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _export_dir(tmp_path: Path) -> Any:
    with override_settings(
        OPENGPS_OPENDATA_EXPORT_DIR=tmp_path, OPENGPS_PUBLIC_URL="https://gps.example.gov.cn/"
    ):
        yield


def test_unknown_ocid_is_a_structured_404(client: Client) -> None:
    for url in ("/api/v1/opendata/releases/ocds-none-1", "/api/v1/opendata/records/ocds-none-1"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "opendata.ocid_not_found"
    assert client.get("/api/v1/opendata/downloads/2026.zip").status_code == 404


def test_packages_keep_chinese_readable_and_are_public(
    opened: Procurement, client: Client, assert_valid: Callable[[str, Any], None]
) -> None:
    ocid = builders.procurement_ocid(opened)
    response = client.get(f"/api/v1/opendata/records/{ocid}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "公开招标".encode() in response.content  # not \\u escaped
    package = response.json()
    assert_valid("record-package", package)
    record = package["records"][0]
    # the plan's only procurement continues the plan's process: its intention comes first
    assert [r["tag"] for r in record["releases"]] == [["planning"], ["tender"], ["tenderUpdate"]]
    assert record["compiledRelease"]["tag"] == ["compiled"]
    assert record["compiledRelease"]["bids"]["statistics"][0]["value"] == 3


def test_prefix_setting_changes_new_ocids(make_plan: Callable[..., Any]) -> None:
    with override_settings(OPENGPS_OCID_PREFIX="ocds-abc123-"):
        plan = make_plan()
    assert Release.objects.get().ocid == f"ocds-abc123-PLAN-{plan.pk:06d}"


def test_backfill_builds_one_release_per_process_without_one(
    opened: Procurement, admin_user: Any, purchaser: Any, client: Client
) -> None:
    # given published data whose releases were lost (as if loaded before the app existed)
    Release.objects.all().delete()
    Record.objects.all().delete()
    # when a purchaser tries, then an administrator backfills
    with pytest.raises(PermissionDenied):
        services.releases_backfill(actor=purchaser)
    counts = services.releases_backfill(actor=admin_user)
    # then one current-state release of the process (the plan and its procurement: one ocid, the
    # planning section included) exists, and a second run adds nothing
    assert counts == {"planning": 0, "procurements": 1, "emall": 0}
    assert builders.procurement_ocid(opened) == builders.plan_ocid(opened.plan)
    release = json.loads(Release.objects.get(ocid=builders.procurement_ocid(opened)).payload)
    assert release["planning"]["budget"]["id"] == f"PLAN-{opened.plan_id}"
    assert release["tag"] == ["tenderUpdate"] and release["bids"]["details"]
    assert not schema_errors("release", release)
    assert services.releases_backfill(actor=admin_user) == {"planning": 0, "procurements": 0, "emall": 0}
    assert list(
        AuditEvent.objects.filter(action__startswith="opendata.").values_list("action", flat=True)
    ) == ["opendata.releases_backfilled", "opendata.releases_backfilled"]
    # a rebuild adds a snapshot only where the mapping now publishes something new: here nothing
    call_command("opendata_backfill", "--rebuild", stdout=io.StringIO())
    assert Release.objects.count() == 1
    out = io.StringIO()
    call_command("opendata_backfill", "--verify", stdout=out)
    assert "一致" in out.getvalue()


def test_export_writes_yearly_zips_with_progress_and_serves_them(
    opened: Procurement, client: Client, admin_user: Any, purchaser: Any
) -> None:
    # given releases; a non-administrator cannot start an export
    with pytest.raises(PermissionDenied):
        services.export_job_create(actor=purchaser)
    # when an administrator starts one (run here in the foreground)
    job = services.export_job_create(actor=admin_user, start=False)
    seen: list[int] = []
    job = services.export_job_run(job.pk, on_progress=lambda j: seen.append(j.percent))
    # then the job succeeded with one zip per year, and the last progress report is 100%
    assert job.status == ExportJob.Status.SUCCEEDED and seen[-1] == 100
    year = Record.objects.get(ocid=builders.procurement_ocid(opened)).year
    listing = client.get("/api/v1/opendata/downloads").json()
    assert [f["year"] for f in listing] == sorted(set(Record.objects.values_list("year", flat=True)))
    assert year in [f["year"] for f in listing]
    response = client.get(f"/api/v1/opendata/downloads/{year}.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    records = [json.loads(line) for line in archive.read("records.jsonl").decode().splitlines()]
    releases = [json.loads(line) for line in archive.read("releases.jsonl").decode().splitlines()]
    # the year's records (the plan, filed a year earlier, is its own process in its own year)
    ocids = set(Record.objects.filter(year=year).values_list("ocid", flat=True))
    assert {r["ocid"] for r in records} == ocids and len(records) == len(ocids) >= 1
    assert len(releases) == Release.objects.filter(ocid__in=ocids).count() >= 2
    # the zip carries its package metadata: publisher, licence, version 1.1, date, extensions
    metadata = json.loads(archive.read("metadata.json"))
    assert metadata["version"] == "1.1" and metadata["license"] == selectors.license_url()
    assert metadata["publisher"] == {"name": selectors.PUBLISHER_NAME, "uri": "https://gps.example.gov.cn/"}
    assert metadata["extensions"] == list(ocds.EXTENSIONS)
    assert metadata["uri"] == f"https://gps.example.gov.cn/api/v1/opendata/downloads/{year}.zip"
    assert "publishedDate" in metadata
    for record in records:  # each line is a record: linked releases + compiled release
        assert not schema_errors("record-package", {**metadata, "records": [record]})
        # linked releases point at the configured public address, not a placeholder host
        for linked in record["releases"]:
            assert linked["url"].startswith(
                f"https://gps.example.gov.cn/api/v1/opendata/releases/{record['ocid']}#"
            )
    for release in releases:
        assert not schema_errors("release-package", {**metadata, "releases": [release]})
    # and the page lists the download; the progress page renders for htmx and full requests
    page = client.get("/opendata/")
    assert page.status_code == 200 and f"{year}.zip".encode() in page.content
    assert "开放数据".encode() in page.content
    assert client.get(f"/opendata/exports/{job.pk}/", headers={"HX-Request": "true"}).status_code == 200
    assert client.get(f"/opendata/exports/{job.pk}/").status_code == 200


def test_export_start_page_is_for_administrators(client: Client, admin_user: Any, purchaser: Any) -> None:
    client.force_login(purchaser)
    assert client.post("/opendata/exports/").status_code == 404
    client.force_login(admin_user)
    response = client.post("/opendata/exports/")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/opendata/exports/{job.pk}/"


def test_export_command_prints_a_progress_bar(opened: Procurement) -> None:
    out = io.StringIO()
    call_command("opendata_export", stdout=out)
    text = out.getvalue()
    assert "100%" in text and "records" not in text and ".zip" in text


def test_endpoints_are_documented_in_the_openapi_schema(client: Client) -> None:
    paths = [p for p in client.get("/api/v1/openapi.json").json()["paths"] if "/opendata/" in p]
    assert paths == [
        "/api/v1/opendata/releases",
        "/api/v1/opendata/releases/{ocid}",
        "/api/v1/opendata/records/{ocid}",
        "/api/v1/opendata/downloads",
        "/api/v1/opendata/downloads/{year}.zip",
    ]


def test_the_page_documents_the_mappings_in_chinese_and_english(client: Client) -> None:
    # given the open-data page, when it is read in Chinese and in English
    chinese = client.get("/opendata/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/opendata/", headers={"Accept-Language": "en"}).content.decode()
    # then the date, contract-status, release and feed rules are documented in both
    for text in ("23:59:59", "notMet", "metadata.json", "OpenGPS-Feed-Cursor", "ocds-test00"):
        assert text in chinese and text in english, text
    assert "日期映射" in chinese and "Date mapping" in english
    assert "测试前缀" in chinese and "test prefix" in english
