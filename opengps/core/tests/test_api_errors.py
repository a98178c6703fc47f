"""Every API route declares the one error shape for its refusals, and a refusal has that shape."""

from __future__ import annotations

import pytest
from django.test import Client

from opengps.api import api
from opengps.core.api_errors import ERROR_STATUSES


def test_every_operation_declares_the_error_shape_for_every_refusal() -> None:
    schema = api.get_openapi_schema()
    missing = []
    operations = 0
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations += 1
            for status in ERROR_STATUSES:
                answer = operation["responses"].get(status) or operation["responses"].get(str(status))
                ref = (
                    (answer or {})
                    .get("content", {})
                    .get("application/json", {})
                    .get("schema", {})
                    .get("$ref")
                )
                if ref != "#/components/schemas/ErrorOut":
                    missing.append(f"{method.upper()} {path} {status}")
    assert operations > 190
    assert missing == []
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert set(detail["properties"]) == {"code", "message", "field", "params"}
    assert set(detail["required"]) == {"code", "message"}


@pytest.mark.django_db
def test_a_refusal_answers_in_the_declared_shape(client: Client) -> None:
    answer = client.get("/api/v1/registry/organizations/not-a-uscc")
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert set(error) <= {"code", "message", "field", "params"}
    assert error["code"] and error["message"]
