"""The API's one error shape: every route declares it for its 4xx answers (`declare_errors`)."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Schema

ERROR_STATUSES = (400, 401, 403, 404, 409, 422, 429)
"""The refusals any route may give: bad input, not signed in, not allowed, not found or not
visible, wrong state or duplicate, schema refusal, throttled."""


class ErrorDetail(Schema):
    code: str
    """Stable code API clients match on, e.g. ``bid.deadline_passed`` (declared in `<app>/errors.py`)."""
    message: str
    """What the user reads, in the request's language (Chinese first)."""
    field: str | None = None
    """The input field the refusal is about, when there is one."""
    params: dict[str, Any] | None = None
    """Values the message names (limits, dates, the article cited)."""


class ErrorOut(Schema):
    error: ErrorDetail


ERRORS: dict[int, Any] = dict.fromkeys(ERROR_STATUSES, ErrorOut)
"""``response={200: Out, **ERRORS}`` — kept for routes that spell their answers out."""


def declare_errors(api: NinjaAPI) -> int:
    """Declare `ErrorOut` for every refusal status on every operation of `api` that does not
    declare that status itself; returns how many operations were seen. Run once, after the routers
    are added, so the OpenAPI document tells clients the error shape of every route."""
    seen = 0
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                seen += 1
                for status in ERROR_STATUSES:
                    if status not in operation.response_models:
                        operation.response_models[status] = operation._create_response_model(ErrorOut)
    return seen
