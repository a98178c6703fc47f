"""Stateless app nodes (issue 17): uploads and bulk files go through Django's storage API only.

With in-memory storages, and then with S3 (moto, in-process, on a loopback endpoint), the registry
import and the open-data export and download work end to end while the folders under VAR_DIR and the
temporary directory stay untouched; `storages_config` maps OPENGPS_STORAGE_* to the S3 backend."""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.storage import FileSystemStorage, InMemoryStorage, storages
from django.test import Client, override_settings
from openpyxl import Workbook

from opengps.demo.world import uscc_for
from opengps.opendata import services as opendata_services
from opengps.opendata.models import ExportJob, Record
from opengps.opendata.storage import ExportFolderStorage
from opengps.registry import importing
from opengps.registry.models import ImportJob
from opengps.settings import S3_BACKEND, storages_config

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _next_year_calendar(next_year_calendar: None) -> None:
    """The exports' procurements run on the real clock; see the root conftest's `next_year_calendar`."""


IN_MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
STATIC = storages_config({})["staticfiles"]
S3_ENDPOINT = "http://127.0.0.1:9"  # loopback, nothing listens: moto answers in-process
S3_ENV = {
    "OPENGPS_STORAGE_S3_BUCKET": "opengps-test",
    "OPENGPS_STORAGE_S3_ENDPOINT_URL": S3_ENDPOINT,
    "OPENGPS_STORAGE_S3_REGION": "cn-north-1",
    "OPENGPS_STORAGE_S3_ADDRESSING_STYLE": "path",
    "OPENGPS_STORAGE_S3_ACCESS_KEY_ID": "test-access-key",
    "OPENGPS_STORAGE_S3_SECRET_ACCESS_KEY": "test-secret-key",  # moto accepts any
}


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.fixture
def node_disk(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    """This node's folders: VAR_DIR (with media/ and opendata/ where the one-machine storages would
    write) and the temporary directory; each test asserts what is left in them."""
    var, scratch = tmp_path / "var", tmp_path / "tmp"
    scratch.mkdir()
    settings.VAR_DIR = var
    settings.MEDIA_ROOT = var / "media"
    settings.OPENGPS_OPENDATA_EXPORT_DIR = var / "opendata"
    settings.OPENGPS_PUBLIC_URL = "https://gps.example.gov.cn/"
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    yield {"var": var, "scratch": scratch}


def workbook_bytes() -> bytes:
    values = {
        "名称": "长沙市存储测试社会工作服务中心",
        "统一社会信用代码": uscc_for(170_017),
        "类型": "社会服务机构",
        "所在区划代码": "430104",
        "成立登记日期": "2017/03/15",
        "登记层级": "市州级",
        "业务范围": "社会工作服务",
        "法定代表人": "王芳",
        "联系电话": "0731-88880000",
        "住所": "长沙市岳麓区",
        "慈善组织": "否",
        "行业协会商会": "",
        "社区社会组织": "否",
        "社区社会组织类别": "",
    }
    book = Workbook(write_only=True)
    sheet = book.create_sheet("社会组织")
    sheet.append(list(importing.HEADERS))
    sheet.append([values[h] for h in importing.HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_one_organization(registrar: Any) -> ImportJob:
    content = workbook_bytes()
    job = importing.import_job_create(
        actor=registrar, file=io.BytesIO(content), filename="社会组织.xlsx", size=len(content), start=False
    )
    stored = storages["default"]
    assert job.file.name.startswith("imports/") and stored.exists(job.file.name)
    with stored.open(job.file.name, "rb") as handle:
        assert handle.read() == content
    return importing.import_job_run(job.pk)


def export_and_download(client: Client, *, redirect: bool = False) -> tuple[ExportJob, Any, bytes]:
    """Run a bulk export; download its one year's zip and check it against the listing."""
    job = opendata_services.export_job_run(opendata_services.export_job_create(actor=None, start=False).pk)
    assert job.status == ExportJob.Status.SUCCEEDED, job.error
    [entry] = job.files
    assert storages["exports"].exists(f"job-{job.pk}/{entry['name']}")
    response = client.get(f"/api/v1/opendata/downloads/{entry['year']}.zip")
    if redirect:
        return job, response, b""  # the caller follows the redirect
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{entry["name"]}"'
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert int(response["Content-Length"]) == len(content) == entry["size"]
    assert hashlib.sha256(content).hexdigest() == entry["sha256"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["metadata.json", "records.jsonl", "releases.jsonl"]
        assert len(archive.read("records.jsonl").splitlines()) == entry["records"] == 1
    return job, response, content


def test_import_export_and_download_with_in_memory_storage_write_nothing_on_the_node(
    node_disk: dict[str, Path], registrar: Any, make_plan: Callable[..., Any], client: Client
) -> None:
    # given in-memory storages for uploads and bulk files, and a published purchase intention
    make_plan()
    with override_settings(STORAGES={"default": IN_MEMORY, "exports": IN_MEMORY, "staticfiles": STATIC}):
        assert isinstance(storages["default"], InMemoryStorage)
        assert isinstance(storages["exports"], InMemoryStorage)
        # when a registry workbook is uploaded and imported
        job = import_one_organization(registrar)
        # then the import read the upload from the storage: the path it names is not on this disk
        assert job.status == ImportJob.Status.SUCCEEDED and job.created_count == 1
        assert not Path(job.file.path).exists()
        # when the open data is exported and downloaded
        export, _, _ = export_and_download(client)
        assert storages["exports"].listdir(f"job-{export.pk}") == ([], [export.files[0]["name"]])
    # then nothing was written under VAR_DIR, and the export's scratch folder is gone
    assert tree(node_disk["var"]) == []
    assert tree(node_disk["scratch"]) == []


def test_the_one_machine_default_keeps_files_in_the_var_folders(
    node_disk: dict[str, Path], registrar: Any, make_plan: Callable[..., Any], client: Client
) -> None:
    # given the default (no OPENGPS_STORAGE_S3_BUCKET): folders under var/
    make_plan()
    assert isinstance(storages["default"], FileSystemStorage)
    assert isinstance(storages["exports"], ExportFolderStorage)
    # when
    job = import_one_organization(registrar)
    export, _, _ = export_and_download(client)
    # then the upload sits under MEDIA_ROOT and the zip under OPENGPS_OPENDATA_EXPORT_DIR
    assert job.status == ImportJob.Status.SUCCEEDED
    assert Path(job.file.path).is_relative_to(node_disk["var"] / "media" / "imports")
    name = export.files[0]["name"]
    assert (node_disk["var"] / "opendata" / f"job-{export.pk}" / name).is_file()
    assert tree(node_disk["scratch"]) == []


def test_a_retried_export_replaces_what_a_failed_attempt_left(
    node_disk: dict[str, Path], make_plan: Callable[..., Any]
) -> None:
    # given an attempt that stored a partial zip under the job's name, then died
    make_plan()
    job = opendata_services.export_job_create(actor=None, start=False)
    year = Record.objects.get().year
    storages["exports"].save(f"job-{job.pk}/ocds-{year}.zip", io.BytesIO(b"partial"))
    # when the job runs again
    job = opendata_services.export_job_run(job.pk)
    # then the file carries the finished zip under the same name, and nothing beside it
    assert job.status == ExportJob.Status.SUCCEEDED
    with storages["exports"].open(f"job-{job.pk}/ocds-{year}.zip", "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == job.files[0]["sha256"]
    assert storages["exports"].listdir(f"job-{job.pk}") == ([], [f"ocds-{year}.zip"])


def test_without_a_bucket_both_storages_are_local_folders() -> None:
    config = storages_config({})
    assert config["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert config["exports"] == {"BACKEND": "opengps.opendata.storage.ExportFolderStorage"}
    assert config["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedStaticFilesStorage"


def test_a_bucket_puts_uploads_and_bulk_files_on_s3_with_their_own_prefixes() -> None:
    from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]  # installed, with boto3

    config = storages_config(S3_ENV)
    for alias, prefix in (("default", "media"), ("exports", "opendata")):
        assert config[alias]["BACKEND"] == S3_BACKEND
        options = config[alias]["OPTIONS"]
        assert options["location"] == prefix
        assert options["bucket_name"] == "opengps-test" and options["endpoint_url"] == S3_ENDPOINT
        assert options["region_name"] == "cn-north-1" and options["addressing_style"] == "path"
        assert options["access_key"] == "test-access-key"
        assert options["default_acl"] is None and options["file_overwrite"] is False
        backend = S3Storage(**options)  # no request is made to build one
        assert backend.bucket_name == "opengps-test" and backend.location == prefix
    # no credentials in the environment: none in the settings either (boto3's own chain decides)
    bare = storages_config({"OPENGPS_STORAGE_S3_BUCKET": "opengps-test"})["default"]["OPTIONS"]
    assert "access_key" not in bare and "secret_key" not in bare and bare["endpoint_url"] is None


def test_uploads_and_bulk_files_round_trip_through_s3(
    node_disk: dict[str, Path],
    registrar: Any,
    make_plan: Callable[..., Any],
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """moto's in-process S3 behind a loopback endpoint: nothing leaves this machine."""
    import boto3  # type: ignore[import-untyped]
    import requests
    from moto import mock_aws

    monkeypatch.setenv("MOTO_S3_CUSTOM_ENDPOINTS", S3_ENDPOINT)
    make_plan()
    with mock_aws(), override_settings(STORAGES=storages_config(S3_ENV)):
        s3 = boto3.client(
            "s3",
            endpoint_url=S3_ENDPOINT,
            region_name="cn-north-1",
            aws_access_key_id="test-access-key",
            aws_secret_access_key="test-secret-key",  # moto accepts any key
        )
        s3.create_bucket(
            Bucket="opengps-test", CreateBucketConfiguration={"LocationConstraint": "cn-north-1"}
        )
        # when an import and an export run, and the zip is downloaded through the platform
        job = import_one_organization(registrar)
        export, _, content = export_and_download(client)
        # then both are objects in the bucket, under their prefixes
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="opengps-test")["Contents"])
        name = export.files[0]["name"]
        assert keys == sorted([f"media/{job.file.name}", f"opendata/job-{export.pk}/{name}"])
        assert job.status == ImportJob.Status.SUCCEEDED and job.created_count == 1
        # and with redirects on, the download is a short-lived signed URL that the store answers
        # with the same file name, type and bytes
        with override_settings(OPENGPS_STORAGE_S3_REDIRECT_DOWNLOADS=True):
            again, response, _ = export_and_download(client, redirect=True)
        assert response.status_code == 302
        location = response["Location"]
        assert location.startswith(f"{S3_ENDPOINT}/opengps-test/opendata/job-")
        assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == ["300"]
        served = requests.get(location, timeout=5)
        assert served.status_code == 200 and served.headers["Content-Type"] == "application/zip"
        assert served.headers["Content-Disposition"] == f'attachment; filename="{name}"'
        assert hashlib.sha256(served.content).hexdigest() == again.files[0]["sha256"]
    assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None
    assert tree(node_disk["var"]) == []
    assert tree(node_disk["scratch"]) == []
