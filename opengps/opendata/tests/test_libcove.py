"""The OCDS Data Review Tool's engine (`libcoveocds`), run offline over what a scenario publishes.

The standard comes from ``../shared/ocds-1.1.5`` (zipped in memory, as the engine reads it) and
every HTTP request is refused, so nothing is ever fetched. The bids and lots extensions are not
shipped in the test data yet: the engine reports them as not retrievable, and their fields as
additional fields — the only additional fields allowed here (`EXTENSION_FIELDS`). Everything else
must be clean: no schema or codelist error, no other additional field, no additional-check finding.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any
from unittest import mock

import pytest
import requests
from django.test import Client

from opengps.contracts import services as contract_services
from opengps.opendata import builders, ocds
from opengps.opendata.models import Release
from opengps.opendata.tests.conftest import SCHEMA_DIR

pytestmark = pytest.mark.django_db

EXTENSION_FIELDS = {
    ("", "bids"),  # bids extension
    ("/tender", "lots"),  # lots extension
    ("/tender/items", "relatedLot"),
    ("/awards", "relatedLots"),
    ("/contracts", "relatedLots"),
}
"""(path within a release, field) of the bids and lots extensions' fields the releases use, reported
as additional while the extensions' schemas are not available offline."""
RELEASE_ROOTS = ("/records/compiledRelease", "/records/releases", "/releases")


def _within_release(path: str) -> str:
    return next((path.removeprefix(root) for root in RELEASE_ROOTS if path.startswith(root)), path)


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


class Offline:
    """Stands in for every HTTP request: the standard's own schema URLs are answered from the
    local copies, anything else is refused (and noted) — the validation never fetches."""

    def __init__(self) -> None:
        self.refused: list[str] = []

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        url = str(request.url)
        name = url.removeprefix(STANDARD_SCHEMA_URL)
        if url.startswith(STANDARD_SCHEMA_URL) and (SCHEMA_DIR / name).is_file():
            response = requests.Response()
            response.status_code, response.url, response.request = 200, url, request
            response._content = (SCHEMA_DIR / name).read_bytes()
            response.encoding = "utf-8"
            return response
        self.refused.append(url)
        raise requests.ConnectionError(f"offline test: {url}")


@contextmanager
def no_network() -> Iterator[Offline]:
    """Every HTTP request made by requests (the engine, the extension registry, jsonref) inside the
    block goes to `Offline`."""
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
    """Every error, codelist value outside its codelist, additional field (but the extensions') and
    additional-check finding the engine reports."""
    result = review(package)
    problems = [f"schema: {e}" for e in result.get("validation_errors") or []]
    for kind in ("additional_closed_codelist_values", "additional_open_codelist_values"):
        problems += [f"{kind}: {path} {found}" for path, found in (result.get(kind) or {}).items()]
    problems += [
        f"additional field: {f['path']}/{f['field']}"
        for f in result.get("additional_fields") or []
        if (_within_release(f["path"]), f["field"]) not in EXTENSION_FIELDS
    ]
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
    # then it finds nothing beyond the (not yet shipped) extensions, and nothing was fetched
    assert problems == {name: [] for name in packages}, json.dumps(problems, ensure_ascii=False, indent=1)
    assert all(package["extensions"] == list(ocds.EXTENSIONS) for package in packages.values())
    assert offline.refused, "the engine was expected to try (and fail) to fetch the extensions"
    extensions = (
        "open-contracting-extensions/ocds_bid_extension",
        "open-contracting-extensions/ocds_lots_extension",
    )
    assert all(any(name in url for name in extensions) for url in offline.refused), offline.refused
