"""The OCDS Data Review Tool's engine (`libcoveocds`), run offline over what a scenario publishes.

The standard comes from ``../shared/ocds-1.1.5`` (zipped in memory, as the engine reads it); the
extensions the packages declare (bids, lots, enquiries at their official v1.1.5 URLs; techniques at
its master URL) are answered from the copies shipped in ``tests/data/extensions`` (see its README
for provenance); every other HTTP request is refused, so nothing is ever fetched. Everything must
be clean: no schema or codelist error, no additional field, no additional-check finding.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import requests
import urllib3
from django.test import Client

from opengps.contracts import services as contract_services
from opengps.demo.testdata import SCHEMA_DIR
from opengps.opendata import builders, ocds
from opengps.opendata.models import Release

pytestmark = pytest.mark.django_db

EXTENSIONS_DIR = Path(__file__).resolve().parent / "data" / "extensions"
"""``<repository>/<version>/`` copies of the declared extensions (extension.json, release-schema.json,
codelists/)."""
RAW_FILE = re.compile(
    r"^https://raw\.githubusercontent\.com/open-contracting-extensions/(?P<repo>[\w-]+)/(?P<ref>[\w.]+)/(?P<name>.+)$"
)
ARCHIVE = re.compile(
    r"^https://github\.com/open-contracting-extensions/(?P<repo>[\w-]+)/archive/(?P<ref>[\w.]+)\.zip$"
)
"""The two ways the extension registry library reads an extension: file by file from the declared
base URL, or the tag's archive from GitHub (what it does for GitHub-hosted extensions)."""


@cache
def _standard_zip() -> bytes:
    """The 1.1.5 schema directory as the standard repository's zip (``<root>/schema/…``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("standard-1__1__5/", "")
        for path in sorted(SCHEMA_DIR.rglob("*")):
            if path.is_file():
                archive.write(path, f"standard-1__1__5/schema/{path.relative_to(SCHEMA_DIR).as_posix()}")
    return buffer.getvalue()


STANDARD_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/"
"""Where the 1.1.5 schemas refer to each other; answered from the local copies."""


@cache
def _extension_archive(repo: str, ref: str) -> bytes:
    """The local copy as GitHub's archive of the tag (``<repo>-<version>/…``)."""
    folder = EXTENSIONS_DIR / repo / ref
    root = f"{repo}-{ref.removeprefix('v')}/"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(root, "")
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != "README.md":
                archive.write(path, root + path.relative_to(folder).as_posix())
    return buffer.getvalue()


def _local_content(url: str) -> bytes | None:
    """The bytes answering `url` from the local copies, or None (not a copy we hold)."""
    name = url.removeprefix(STANDARD_SCHEMA_URL)
    if url.startswith(STANDARD_SCHEMA_URL) and (SCHEMA_DIR / name).is_file():
        return (SCHEMA_DIR / name).read_bytes()
    if match := RAW_FILE.match(url):
        path = EXTENSIONS_DIR / match["repo"] / match["ref"] / match["name"]
        return path.read_bytes() if path.is_file() else None
    if (match := ARCHIVE.match(url)) and (EXTENSIONS_DIR / match["repo"] / match["ref"]).is_dir():
        return _extension_archive(match["repo"], match["ref"])
    return None


class Offline:
    """Stands in for every HTTP request: the standard's schema URLs and the declared extensions are
    answered from the local copies (and noted), anything else is refused (and noted) — the
    validation never fetches."""

    def __init__(self) -> None:
        self.refused: list[str] = []
        self.served: list[str] = []

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        url = str(request.url)
        content = _local_content(url)
        if content is None:
            self.refused.append(url)
            raise requests.ConnectionError(f"offline test: {url}")
        self.served.append(url)
        response = requests.Response()
        response.status_code, response.url, response.request = 200, url, request
        response._content = content
        response.encoding = "utf-8"
        # the extension registry's cached session stores the raw response too
        response.raw = urllib3.HTTPResponse(body=io.BytesIO(content), status=200, request_url=url)
        return response


@contextmanager
def no_network() -> Iterator[Offline]:
    """Every HTTP request made by requests (the engine, the extension registry, jsonref) inside the
    block goes to `Offline`. The extension registry's in-memory response cache is emptied first, so
    the declared extensions are read (and noted in `served`) whatever reviewed a package earlier in
    this process."""
    from ocdsextensionregistry.util import session  # type: ignore[import-untyped]

    session.cache.clear()
    adapter = Offline()
    with mock.patch.object(
        requests.adapters.HTTPAdapter, "send", lambda _self, *a, **k: adapter.send(*a, **k)
    ):
        yield adapter


@pytest.fixture
def offline() -> Iterator[Offline]:
    with no_network() as adapter:
        yield adapter


def review(package: dict[str, Any]) -> dict[str, Any]:
    """Run the engine over one package (API context, the standard from the local schema)."""
    from libcoveocds.api import ocds_json_output  # type: ignore[import-untyped]
    from libcoveocds.config import LibCoveOCDSConfig  # type: ignore[import-untyped]

    config = LibCoveOCDSConfig({"context": "api", "standard_zip": _standard_zip()})
    result: dict[str, Any] = ocds_json_output(json_data=package, lib_cove_ocds_config=config)
    return result


def findings(package: dict[str, Any]) -> list[str]:
    """Every error, codelist value outside its codelist (but the documented open-codelist values),
    additional field, invalid extension and additional-check finding the engine reports."""
    result = review(package)
    problems = [f"schema: {e}" for e in result.get("validation_errors") or []]
    problems += [
        f"additional_closed_codelist_values: {path} {found}"
        for path, found in (result.get("additional_closed_codelist_values") or {}).items()
    ]
    problems += [
        f"additional_open_codelist_values: {path} {found}"
        for path, found in (result.get("additional_open_codelist_values") or {}).items()
        if not set(found["values"]) <= ocds.DOCUMENTED_OPEN_CODES.get(found["field"], frozenset())
    ]
    problems += [f"additional field: {f['path']}/{f['field']}" for f in result.get("additional_fields") or []]
    problems += [f"extension: {url} {why}" for url, why in (result.get("invalid_extension") or {}).items()]
    problems += [f"check: {name} {found}" for name, found in (result.get("additional_checks") or {}).items()]
    problems += [f"deprecated: {field}" for field in result.get("deprecated_fields") or []]
    if result.get("json_deref_error"):
        problems.append(f"schema reference: {result['json_deref_error']}")
    return problems


def test_the_review_engine_finds_nothing_in_a_contracting_process(
    purchaser: Any, make_contract: Callable[..., Any], client: Client, offline: Offline
) -> None:
    # given a process published through the real services: tender, opening, award, a signed
    # contract with a milestone, then its early termination
    contract = make_contract()
    contract_services.milestone_add(
        actor=purchaser, contract=contract, title="第一季度服务", due_on=contract.ends_on
    )
    contract_services.contract_sign(actor=purchaser, contract=contract)
    contract_services.contract_terminate(
        actor=purchaser, contract=contract, reason="服务严重不达标", fault="supplier"
    )
    ocid = builders.procurement_ocid(contract.procurement)
    packages = {
        "release package": client.get(f"/api/v1/opendata/releases/{ocid}").json(),
        "record package": client.get(f"/api/v1/opendata/records/{ocid}").json(),
        "feed page": client.get("/api/v1/opendata/releases?after=0&limit=1000").json(),
    }
    assert Release.objects.filter(ocid=ocid).count() >= 4
    # when the engine reviews each package offline
    problems = {name: findings(package) for name, package in packages.items()}
    # then it finds nothing, against the standard and the declared extensions, all read locally
    assert problems == {name: [] for name in packages}, json.dumps(problems, ensure_ascii=False, indent=1)
    assert all(package["extensions"] == list(ocds.EXTENSIONS) for package in packages.values())
    assert offline.refused == [], offline.refused
    for url in ocds.EXTENSIONS:
        repo = url.split("/")[4]
        assert any(f"/{repo}/" in served for served in offline.served), (repo, offline.served)
