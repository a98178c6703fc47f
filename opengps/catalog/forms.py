"""Forms of the catalogue's actions, one per action URL: they parse input, the services decide.

Fields are named as the services name them, so a refusal lands beside the field it concerns. A
page holds several forms (the item page one per reference price), so each gives its inputs ids of
its own: `key` (the action, and the price's id for a price row) prefixes them (`auto_id`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.catalog.errors import Code
from opengps.catalog.models import CatalogItem, CatalogVersion, PriceEntry
from opengps.core.forms import ServiceErrorFormMixin
from opengps.core.inputs import BIGINT_MAX, LONG_TEXT

_YEAR_ERRORS = {"invalid": cast(Any, Code.CATALOG_YEAR_INVALID.message)}
_PRICE_YEAR_ERRORS = {"invalid": cast(Any, _("执行年度应为四位年份"))}


def _text(label: Any, max_length: int, **attrs: Any) -> forms.CharField:
    """Optional text: the services say when it is required, so their message is the one shown."""
    return forms.CharField(
        label=label, required=False, max_length=max_length, widget=forms.TextInput(attrs=attrs)
    )


class CatalogForm(ServiceErrorFormMixin, forms.Form):
    """Base of the catalogue's forms: input ids prefixed by `key`, so a page's forms never clash.

    A form acting on one reference price is given its `row` (the price's id): its key names the row,
    and its inputs, which sit in the price table's cells, join the row's form by its id."""

    action = ""

    def __init__(self, *args: Any, row: int | None = None, **kwargs: Any) -> None:
        self.row = row
        self.key = self.action if row is None else f"{self.action}-{row}"
        kwargs.setdefault("auto_id", f"{self.key}-%s")
        super().__init__(*args, **kwargs)


# --- versions (the catalogue page) ----------------------------------------------------------------------


class VersionCreateForm(CatalogForm):
    """A new draft of a year, optionally a copy of the version on screen (`based_on`)."""

    action = "create"
    year = forms.IntegerField(
        label=_("年度"),
        required=False,
        error_messages=_YEAR_ERRORS,
        widget=forms.NumberInput(attrs={"required": True}),
    )
    title = _text(_("名称"), 200, size=36, required=True)
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=BIGINT_MAX)


class ImportForm(CatalogForm):
    """A workbook, imported into the draft on screen or as a new draft."""

    action = "import"
    file = forms.FileField(
        label=_("Excel 文件"),
        error_messages={"required": cast(Any, Code.CATALOG_FILE_REQUIRED.message)},
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
    )


class PublishForm(CatalogForm):
    """A button: publish the draft on screen."""

    action = "publish"


# --- one entry of a draft ----------------------------------------------------------------------------


class ItemForm(CatalogForm):
    """A new entry (its `level` chooses the fields shown) or the changes to one.

    The fields a level does not show are not passed to the service, so a new entry takes their
    defaults and an edited one keeps its values."""

    action = "item"
    level = forms.TypedChoiceField(
        choices=[("1", "1"), ("2", "2"), ("3", "3")],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.HiddenInput,
    )
    code = _text(_("编码"), 20, required=True)
    name = _text(_("名称"), 200, size=50, required=True)
    parent_code = forms.CharField(label=_("上级编码"), required=False, max_length=64, widget=forms.Select)
    description = forms.CharField(
        label=_("事项说明"), required=False, max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit_of_service = _text(_("服务计量单位"), 20, placeholder=_("如 人·次、户·月、项"))
    negative = forms.BooleanField(label=_("列入负面清单（不得购买）"), required=False)
    citation = _text(_("依据"), 200, size=50)

    def __init__(
        self, *args: Any, level: int = 3, parents: Iterable[CatalogItem] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        parent = cast(forms.Select, self.fields["parent_code"].widget)
        parent.choices = [(p.code, f"{p.code} {p.name}") for p in parents]
        parent.attrs.pop("maxlength", None)  # a text limit, meaningless on a <select>
        self.fields["parent_code"].label = _("所属二级类别") if level == 3 else _("所属一级类别")

    @classmethod
    def of(cls, item: CatalogItem, parents: Iterable[CatalogItem]) -> ItemForm:
        """The unbound form holding `item`'s values."""
        initial = {
            "code": item.code,
            "name": item.name,
            "parent_code": item.parent.code if item.parent else "",
            "description": item.description,
            "citation": item.citation,
            "unit_of_service": item.unit_of_service,
            "negative": item.is_negative,
        }
        return cls(initial=initial, level=item.level, parents=parents)

    def service_kwargs(self, level: int) -> dict[str, Any]:
        """The fields an entry of `level` shows, as the item services take them."""
        data = self.cleaned_data
        kwargs = {name: data[name] for name in ("code", "name", "description")}
        if level > 1:
            kwargs["parent_code"] = data["parent_code"]
        if level == 3:
            kwargs["unit_of_service"] = data["unit_of_service"]
        if level != 2:
            kwargs["negative"] = data["negative"]
            kwargs["citation"] = data["citation"]
        return kwargs


class ReasonForm(CatalogForm):
    """Retire or reinstate a third-level item (one form, a URL each), with the reason recorded."""

    action = "status"
    reason = _text(_("理由"), LONG_TEXT, size=40)


class RemoveForm(CatalogForm):
    """A button: delete an entry added by mistake."""

    action = "remove"


class PriceForm(CatalogForm):
    """A reference price: added below the table, or corrected in its row (`row`: the price's id)."""

    action = "price_add"
    unit_of_measure = _text(_("计量单位"), 20, size=8)
    price = _text(_("参考价格（元）"), 30, size=10, inputmode="decimal")
    effective_year = forms.IntegerField(
        label=_("执行年度"),
        required=False,
        error_messages=_PRICE_YEAR_ERRORS,
        widget=forms.NumberInput(attrs={"min": 2000, "max": 2100}),
    )
    note = _text(_("备注"), 200, size=12)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.row is not None:
            for field in self.fields.values():
                field.widget.attrs.update({"form": self.key, "aria-label": str(field.label)})

    @classmethod
    def new(cls, item: CatalogItem, version: CatalogVersion) -> PriceForm:
        """The unbound form below the table: the item's unit of service and the version's year."""
        return cls(initial={"unit_of_measure": item.unit_of_service, "effective_year": version.year})

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class PriceUpdateForm(PriceForm):
    """A price corrected in its row of the table."""

    action = "price"

    @classmethod
    def of(cls, entry: PriceEntry) -> PriceUpdateForm:
        """The unbound form of a price's row."""
        fields = ("unit_of_measure", "price", "effective_year", "note")
        return cls(initial={name: getattr(entry, name) for name in fields}, row=entry.pk)

    def service_kwargs(self) -> dict[str, Any]:
        """A correction names its year; left empty, the version's year (as when a price is added)."""
        return {**self.cleaned_data, "effective_year": self.cleaned_data["effective_year"] or 0}


class PriceRemoveForm(CatalogForm):
    """A button in a price's row: delete the price."""

    action = "price_remove"
