"""Open-data fixtures: the contracts fixtures (a procurement opened, evaluated and announced
through the real services) and validators for the official OCDS 1.1.5 schemas."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from jsonschema import Draft4Validator, FormatChecker  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from opengps.contracts.tests import conftest as contract_fixtures
from opengps.procurement.tests import conftest as procurement_fixtures

finance = contract_fixtures.finance
small_catalogue = contract_fixtures.small_catalogue
head = contract_fixtures.head
make_line = contract_fixtures.make_line
make_project = contract_fixtures.make_project
make_org = contract_fixtures.make_org
fresh_registry_caches = contract_fixtures.fresh_registry_caches
filing_day = contract_fixtures.filing_day
make_plan = contract_fixtures.make_plan
agency_unit = contract_fixtures.agency_unit
agency = contract_fixtures.agency
suppliers = contract_fixtures.suppliers
make_expert = contract_fixtures.make_expert
opened = contract_fixtures.opened
committee = contract_fixtures.committee
award = contract_fixtures.award
make_contract = contract_fixtures.make_contract
_next_year_calendar = contract_fixtures._next_year_calendar
admin_user = procurement_fixtures.admin_user

SCHEMA_DIR = Path(settings.BASE_DIR).parent / "shared" / "ocds-1.1.5"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _schema(name: str) -> dict[str, Any]:
    path = SCHEMA_DIR / name
    if not path.is_file():  # fail loudly: validation must never be skipped silently
        raise FileNotFoundError(f"official OCDS schema missing: {path}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _format_checker() -> FormatChecker:
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)  # type: ignore[untyped-decorator]
    def is_datetime(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not RFC3339.match(value):
            raise ValueError(f"not RFC 3339: {value}")
        datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    @checker.checks("uri")  # type: ignore[untyped-decorator]
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and (parts.netloc or parts.path))

    return checker


@cache
def validators() -> dict[str, Draft4Validator]:
    """Draft 4 validators of the release, release-package and record-package schemas (local files)."""
    release = _schema("release-schema.json")
    registry: Registry[Any] = Registry().with_resource(
        release["id"], Resource.from_contents(release, default_specification=DRAFT4)
    )
    checker = _format_checker()
    return {
        name: Draft4Validator(_schema(f"{name}-schema.json"), registry=registry, format_checker=checker)
        for name in ("release", "release-package", "record-package")
    }


def schema_errors(kind: str, data: Any) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in validators()[kind].iter_errors(data)
    ]


def schema_properties(kind: str) -> set[str]:
    """The top-level fields the official `kind` schema declares."""
    return set(_schema(f"{kind}-schema.json")["properties"])


@pytest.fixture
def assert_valid() -> Callable[[str, Any], None]:
    def check(kind: str, data: Any) -> None:
        errors = schema_errors(kind, data)
        assert not errors, "\n".join(errors[:20])

    return check
