"""Service errors with stable codes; the API returns them as JSON and the UI beside the field."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.utils.functional import Promise
from django.utils.translation import get_language

from opengps.rules.base import RuleError

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

_M = TypeVar("_M", bound="Model")


class ErrorCode(StrEnum):
    """Base of each app's declared error codes (`<app>/errors.py`, STYLE: codes as data).

    A member is ``NAME = "stable.code", _("默认中文消息，可带 %(param)s")``: the value is the code API
    clients match on, the message (zh source, en by gettext) is what the user reads when the raise
    site gives no more specific one; ``%(name)s`` placeholders are filled from the error's params.
    """

    message: str | Promise

    def __new__(cls, value: str, message: str | Promise = "") -> ErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.message = message
        return member


class ServiceError(Exception):
    """A refused request: nothing was changed. `code` is stable, e.g. ``registry.uscc_invalid``."""

    status = 400

    def __init__(
        self,
        code: str,
        message: str | Promise | None = None,
        *,
        field: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        if message is None:
            message = getattr(code, "message", "") or str(code)
        self.code = str(code)
        self.template = message
        self.field = field
        self.params = params or {}
        super().__init__(self.text())

    @property
    def message(self) -> str:
        """The message as the user reads it (`text`)."""
        return self.text()

    def text(self) -> str:
        """The message in the active language, its ``%(name)s`` placeholders filled from params."""
        text = str(self.template)
        if self.params and "%(" in text:
            try:
                return text % self.params
            except (KeyError, TypeError, ValueError):
                return text
        return text

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.text()}
        if self.field:
            data["field"] = self.field
        if self.params:
            data["params"] = {name: _jsonable(value) for name, value in self.params.items()}
        return data


def _jsonable(value: Any) -> Any:
    """A param as JSON carries it: numbers, strings, booleans and lists as they are, anything else
    (Decimal, dates, lazy text, model objects) as the text the message shows."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


class PermissionDenied(ServiceError):
    """The actor may not do this (checked in services, not only in views)."""

    status = 403


class NotFound(ServiceError):
    """The object does not exist or is not visible to the actor."""

    status = 404


class Conflict(ServiceError):
    """The request clashes with existing data (duplicate, wrong state)."""

    status = 409


def one_or_not_found(rows: QuerySet[_M], pk: int | str, code: str) -> _M:
    """Row `pk` of `rows` (a queryset already scoped to what the actor may see), else NotFound with
    `code`: an object the actor may not see is answered exactly as one that does not exist."""
    row = rows.filter(pk=pk).first()
    if row is None:
        raise NotFound(code)
    return row


def rule_error(exc: RuleError, *, field: str | None = None) -> ServiceError:
    """A pure rule's refusal as a service error: same code, the Chinese message, its citation."""
    return ServiceError(
        exc.code, exc.message_zh, field=field, params={**exc.params, "citation": exc.citation}
    )


def declared_rule_error(
    exc: RuleError,
    codes: Mapping[str, str],
    *,
    field: str | None = None,
    error: type[ServiceError] = ServiceError,
) -> ServiceError:
    """A pure rule's refusal as an app's declared code (`codes` maps the rule's code to it), as
    `error` (400, or 403, 409…), in the request's language, with its params and citation."""
    return error(
        codes[exc.code],
        exc.message(get_language() or "zh-hans"),
        field=field,
        params={**exc.params, "citation": exc.citation},
    )
