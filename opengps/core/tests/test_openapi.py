"""The OpenAPI document describes what the API accepts: one schema per component name, and every
write's documented body is the model its view validates (issue 13: 17 names collided across routers,
so ``POST /api/v1/planning/budget-lines`` was documented as the grants' ``{item, amount}``)."""

from __future__ import annotations

import re
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from ninja.openapi.schema import REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import BaseModel

from opengps.api import api

WRITES = {"POST", "PUT", "PATCH"}


def _operations() -> Iterator[tuple[str, str, Any]]:
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, f"{prefix}{path}", operation


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models_in(field.annotation)
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


def _body_model(operation: Any) -> type[BaseModel] | None:
    """The schema class a JSON-body view validates its payload with."""
    bodies = [m for m in operation.models if m.__ninja_param_source__ == "body"]
    if len(bodies) != 1 or len(bodies[0].model_fields) != 1:
        return None
    [field] = bodies[0].model_fields.values()
    annotation = field.annotation
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api.get_openapi_schema()


def test_every_schema_name_belongs_to_one_class(document: dict[str, Any]) -> None:
    # given every model any operation reads or answers with
    classes: dict[str, set[str]] = defaultdict(set)
    for _method, _path, operation in _operations():
        models = list(operation.models) + list((operation.response_models or {}).values())
        for model in models:
            for found in _models_in(model):
                if found.__module__.startswith("opengps."):
                    classes[found.__name__].add(f"{found.__module__}.{found.__qualname__}")
    # then no component name is claimed by two classes (ninja would keep only the last one)
    assert {name: where for name, where in classes.items() if len(where) > 1} == {}
    assert set(document["components"]["schemas"]) >= {name for name in classes if "Params" not in name}


def test_every_write_documents_the_body_its_view_accepts(document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]
    checked, wrong = 0, []
    for method, path, operation in _operations():
        model = _body_model(operation) if method in WRITES else None
        if model is None:
            continue
        # when the view's model is rendered on its own, as ninja does for one operation
        alone = model.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema)
        definitions = alone.pop("$defs", {})
        documented = re.sub(r"\{\w+:(\w+)\}", r"{\1}", re.sub("/+", "/", f"/api/v1/{path}"))
        documented_path = document["paths"][documented][method.lower()]
        body = documented_path["requestBody"]["content"]["application/json"]["schema"]
        # then the operation points at that model's component, and the component (and every schema
        # nested in it) is that model's schema
        if body != {"$ref": f"#/components/schemas/{model.__name__}"}:
            wrong.append((method, path, body, model.__name__))
        if components.get(model.__name__) != alone:
            wrong.append((method, path, model.__name__, "component differs"))
        for name, schema in definitions.items():
            if components.get(name) != schema:
                wrong.append((method, path, name, "nested component differs"))
        checked += 1
    assert wrong == []
    assert checked > 100  # every JSON write of the platform, not a handful


def test_planning_budget_line_is_documented_with_its_own_fields(document: dict[str, Any]) -> None:
    body = document["paths"]["/api/v1/planning/budget-lines"]["post"]["requestBody"]["content"]
    schema = document["components"]["schemas"][body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(schema["properties"]) == {"fiscal_year", "code", "name", "fund_source", "amount", "unit_id"}
    assert schema["properties"]["name"]["maxLength"] == 200
    assert schema["properties"]["fiscal_year"] == {
        "maximum": 2100,
        "minimum": 2000,
        "title": "Fiscal Year",
        "type": "integer",
    }
