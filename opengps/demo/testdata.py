"""Test-only data helpers beside the world: wrong codes for refusals, and validators of the official
OCDS 1.1.5 schemas (local files). Imports development dependencies (jsonschema); tests only."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from django.conf import settings
from jsonschema import Draft4Validator, FormatChecker  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from stdnum.cn import uscc as stdnum_uscc


def with_wrong_check_digit(code: str) -> str:
    """`code` (a unified social credit code) with a check digit that does not match."""
    right = stdnum_uscc.calc_check_digit(code[:17])
    wrong = next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != right)
    return code[:17] + wrong


SCHEMA_DIR: Final = Path(settings.BASE_DIR).parent / "shared" / "ocds-1.1.5"
RFC3339: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


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
    """Where and why `data` breaks the official `kind` schema ("release", "release-package", …)."""
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in validators()[kind].iter_errors(data)
    ]


def schema_properties(kind: str) -> set[str]:
    """The top-level fields the official `kind` schema declares."""
    return set(_schema(f"{kind}-schema.json")["properties"])
