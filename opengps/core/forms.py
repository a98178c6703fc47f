"""The one view pattern's form side (STYLE 14): a service's refusal shown beside the field it names."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from django import forms

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


class ActionForm(ServiceErrorFormMixin, forms.Form):
    """Base of the forms of a page that holds many, one per action URL: the inputs' ids are prefixed
    by the `action`, so the page's forms never clash.

    A form posted from one row of a list (an enquiry, an award, a deposit) names the row's field in
    `row_field`; the page shows the form's errors in that row only."""

    action = ""
    row_field = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.action}-%s")
        super().__init__(*args, **kwargs)

    @property
    def row(self) -> str:
        """The posted row (as text, to compare with the row's pk in the template); "" unbound."""
        return str(self.data.get(self.row_field, "")) if self.is_bound and self.row_field else ""


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
