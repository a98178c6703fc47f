"""The one view pattern's form side (STYLE 14): a service's refusal shown beside the field it names."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from opengps.core import metrics
from opengps.core.errors import ServiceError

if TYPE_CHECKING:
    from django.forms import BaseForm

    _FormBase = BaseForm
else:
    _FormBase = object

T = TypeVar("T")


class ServiceErrorFormMixin(_FormBase):
    """Mix into a form so a `ServiceError` lands beside its field, or on top when it names none.

    `service_field_aliases` maps a service's field name to the form's where the two differ
    (a service says ``files``, the form's field is ``attachments``)."""

    service_field_aliases: ClassVar[Mapping[str, str]] = {}

    def add_service_error(self, exc: ServiceError) -> None:
        field = self.service_field_aliases.get(exc.field or "", exc.field)
        self.add_error(field if field in self.fields else None, exc.text())


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What `run_service` did: the service's result, or the refusal now shown on the form."""

    result: T | None = None
    error: ServiceError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int:
        """200 when the service acted; else the refusal's own status (400, 403, 404, 409…)."""
        return 200 if self.error is None else self.error.status


def run_service(form: Any, call: Callable[[], T]) -> Outcome[T]:
    """Call one service; a refusal is put on `form` (beside its field) and returned, never raised."""
    try:
        return Outcome(result=call())
    except ServiceError as exc:
        metrics.REFUSALS.labels(code=exc.code, status=exc.status).inc()
        form.add_service_error(exc)
        return Outcome(error=exc)
