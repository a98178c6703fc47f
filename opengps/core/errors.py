"""Service errors with stable codes; the API returns them as JSON and the UI beside the field."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise

from opengps.rules.base import RuleError


class ServiceError(Exception):
    """A refused request: nothing was changed. `code` is stable, e.g. ``registry.uscc_invalid``."""

    status = 400

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        field: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.params = params or {}

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.field:
            data["field"] = self.field
        if self.params:
            data["params"] = self.params
        return data


class PermissionDenied(ServiceError):
    """The actor may not do this (checked in services, not only in views)."""

    status = 403


class NotFound(ServiceError):
    """The object does not exist or is not visible to the actor."""

    status = 404


class Conflict(ServiceError):
    """The request clashes with existing data (duplicate, wrong state)."""

    status = 409


def rule_error(exc: RuleError, *, field: str | None = None) -> ServiceError:
    """A pure rule's refusal as a service error: same code, the Chinese message, its citation."""
    return ServiceError(
        exc.code, exc.message_zh, field=field, params={**exc.params, "citation": exc.citation}
    )
